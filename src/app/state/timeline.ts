/**
 * The timeline view's own state (issue 16): the visible time range and what the
 * data worker knows of the series (extent, probation end), kept in a small store
 * of its own so that a pan or zoom re-renders only the timeline. The scores of the
 * last run are copied to the data worker once per run (`putRunScores`), so that the
 * worker can decimate them beside the rows (and build the NAB sweep from the same
 * copy); a threshold move never touches it.
 */
import { create } from 'zustand';
import { dataWorker, Comlink } from '../../workers/data-client';
import type { TimelineInfo } from '../../workers/data-api';
import { useApp } from './store';

export interface TimelineState {
  /** The visible range [t0, t1] (ms, or row index in row order); null = the whole series. */
  range: [number, number] | null;
  info: TimelineInfo | null;
  /** Bumped when the data worker holds new scores (or lost them): the view fetches again. */
  scoresVersion: number;
}

export const useTimeline = create<TimelineState>(() => ({ range: null, info: null, scoresVersion: 0 }));

/** Ask the data worker for the series' extent and probation end (after a load or a new time column). */
export async function refreshTimelineInfo(): Promise<void> {
  const { datasetId, dataset, probationRows } = useApp.getState();
  if (datasetId === null || !dataset) {
    useTimeline.setState({ info: null, range: null });
    return;
  }
  const info = await dataWorker().timelineInfo(datasetId, probationRows);
  if (useApp.getState().datasetId === datasetId) useTimeline.setState({ info, range: null });
}

/** The smallest span one may zoom to: about ten rows' worth of time. */
function minSpan(info: TimelineInfo): number {
  const [a, b] = info.extent;
  return info.rows > 1 ? Math.max((10 * (b - a)) / (info.rows - 1), 1e-9) : 1;
}

/** Set the visible range, kept inside the series and no narrower than ~10 rows. */
export function setTimelineRange(t0: number, t1: number): void {
  const info = useTimeline.getState().info;
  if (!info || !(info.extent[1] >= info.extent[0])) return;
  const [a, b] = info.extent;
  const span = Math.min(Math.max(t1 - t0, minSpan(info)), b - a);
  // Narrower than allowed (or wider than the series): the span is set around the same centre.
  let lo = t1 - t0 === span ? t0 : (t0 + t1) / 2 - span / 2;
  lo = Math.max(a, Math.min(lo, b - span));
  const range: [number, number] = [lo, lo + span];
  useTimeline.setState({ range: range[0] <= a && range[1] >= b ? null : range });
}

/** The range shown now: the chosen one or the whole series. */
export function visibleRange(): [number, number] | null {
  const { range, info } = useTimeline.getState();
  return range ?? (info && info.extent[1] >= info.extent[0] ? info.extent : null);
}

/** Zoom by `factor` (< 1 = in) keeping time `at` under the cursor. */
export function zoomTimeline(factor: number, at: number): void {
  const r = visibleRange();
  if (!r) return;
  setTimelineRange(at - (at - r[0]) * factor, at + (r[1] - at) * factor);
}

/** Move the visible range by dt (clamped at the ends). */
export function panTimeline(from: [number, number], dt: number): void {
  setTimelineRange(from[0] + dt, from[1] + dt);
}

export function resetTimeline(): void {
  useTimeline.setState({ range: null });
}

/** The last scores copied to the data worker (page's array, dataset) and the call that copied them. */
let sent: { id: number; scores: Float64Array | null; done: Promise<void> } | null = null;

/**
 * Copy a run's scores to the data worker once (null: forget them), where both the timeline's score
 * panel and the NAB sweep (state/nab.ts) read them; the same scores again return the same call.
 * Resolves when the worker holds them.
 */
export function putRunScores(id: number, scores: Float64Array | null): Promise<void> {
  if (sent && sent.id === id && sent.scores === scores) return sent.done;
  const copy = scores ? scores.slice() : null; // the store keeps its own; the copy is moved, not cloned again
  const done = dataWorker().putScores(id, copy ? Comlink.transfer(copy, [copy.buffer]) : null);
  sent = { id, scores, done };
  done.then(() => useTimeline.setState((t) => ({ scoresVersion: t.scoresVersion + 1 }))).catch(() => undefined);
  return done;
}

// A new dataset: fetch its extent. New scores: copy them to the data worker once (not per frame).
let lastScores: Float64Array | null = null;
useApp.subscribe((s, prev) => {
  // A new time axis (the data slice's timeAxis summary changes with each setTime) moves the extent too.
  if ((s.timeAxis !== prev.timeAxis || s.probationRows !== prev.probationRows) && s.datasetId === prev.datasetId) void refreshTimelineInfo().catch(() => undefined);
  if (s.datasetId !== prev.datasetId) {
    void refreshTimelineInfo().catch(() => undefined);
    if (prev.datasetId !== null) void putRunScores(prev.datasetId, null).catch(() => undefined);
  }
  const scores = s.result?.scores ?? null;
  if (scores !== lastScores || s.datasetId !== prev.datasetId) {
    lastScores = scores;
    if (s.datasetId !== null) void putRunScores(s.datasetId, scores).catch(() => undefined);
  }
});
