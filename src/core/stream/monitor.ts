/**
 * Live figures of a stream against its labels or windows (issue 19): what the page's monitoring
 * panel shows while a series plays. Pure functions over the stream so far (the first `k` points),
 * each built from the batch metrics the rest of the app uses, so a stream that has played to its end
 * reads exactly as the same flags scored at once:
 * - point-wise precision / recall / F1: classification.ts' precisionRecallF1 (scikit-learn's);
 * - event-wise precision / recall / F1 and mean time to detect: event.ts' eventMetrics (Merlion's
 *   revised point-adjusted definition). A window the stream is still inside counts as far as it has
 *   arrived: undetected so far is a false negative so far;
 * - NAB's standard-profile score of the flags so far: nab.ts' scoreFlags on the windows seen so far
 *   (probation: NAB's first 15 % of the points so far, at most 750);
 * - over the last N points as well as since the start (point-wise and event-wise: the windows that
 *   overlap the last N points, clipped to them).
 *
 * Alerts are runs of consecutive flagged points (as the CLI's --alert-cmd groups them).
 *
 * @example
 * monitorFigures({ k: 10, flags, labels: null, windows: [{ start: 3, end: 5, startRow: 3, endRow: 5 }], times, lastN: 5 })
 * // → { pointAll: { precision, recall, f1 }, eventAll: { tp, fp, fn, … }, nab, alerts, … }
 */
import type { TimeWindow } from '../data/windows.js';
import { precisionRecallF1, type PRF } from '../metrics/classification.js';
import { eventMetrics, type EventMetrics } from '../metrics/event.js';
import { labelRows, scoreFlags } from '../metrics/nab.js';

export interface MonitorInput {
  /** Points so far: flags[0..k) are read. */
  k: number;
  /** 1 = flagged, per point (length ≥ k). */
  flags: ArrayLike<number>;
  /** Point labels (1 = anomaly; length ≥ k), or null: then a point is an anomaly when it lies in a window. */
  labels: ArrayLike<number> | null;
  /** Labelled windows in point indices (rows inclusive, disjoint, sorted by start); may reach past k. */
  windows: readonly TimeWindow[];
  /** Each point's time on the axis (ms, or the point index), length ≥ k. */
  times: Float64Array;
  /** The recent span the `last` figures read (points). */
  lastN: number;
}

export interface MonitorFigures {
  points: number;
  /** Runs of consecutive flagged points so far. */
  alerts: number;
  pointAll: PRF;
  pointLast: PRF;
  eventAll: EventMetrics | null;
  eventLast: EventMetrics | null;
  /** NAB standard profile so far (null without windows, or before any window has arrived). */
  nab: number | null;
}

/** Runs of consecutive positive labels as windows (rows inclusive), as the page's NAB figures read labels. */
export function windowsFromLabels(labels: ArrayLike<number>, times: Float64Array): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (!labels[i]) continue;
    let j = i;
    while (j + 1 < labels.length && labels[j + 1]) j++;
    out.push({ startRow: i, endRow: j, start: times[i], end: times[j] });
    i = j;
  }
  return out;
}

/** Runs of consecutive flagged points in [from, to). */
export function countAlerts(flags: ArrayLike<number>, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (flags[i] && (i === from || !flags[i - 1])) n++;
  return n;
}

/** The windows overlapping points [from, to), clipped to them and shifted so that `from` is row 0. */
function clip(windows: readonly TimeWindow[], from: number, to: number, times: Float64Array): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (const w of windows) {
    if (w.endRow < from || w.startRow >= to) continue;
    const a = Math.max(w.startRow, from);
    const b = Math.min(w.endRow, to - 1);
    // The window's own start stays the reference for time to detect when it began inside the span.
    out.push({ startRow: a - from, endRow: b - from, start: a === w.startRow ? w.start : times[a], end: times[b] });
  }
  return out;
}

function pointPRF(flags: ArrayLike<number>, isAnomaly: (i: number) => boolean, from: number, to: number): PRF {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = from; i < to; i++) {
    const f = flags[i] === 1;
    if (isAnomaly(i)) f ? tp++ : fn++;
    else f ? fp++ : tn++;
  }
  return precisionRecallF1({ tp, fp, tn, fn });
}

/** The figures for the first `k` points (see the module comment). */
export function monitorFigures(input: MonitorInput): MonitorFigures {
  const { k, flags, labels, windows, times } = input;
  if (!(Number.isInteger(k) && k >= 0 && k <= flags.length && k <= times.length)) throw new RangeError(`k must be a whole number within the stream's ${flags.length} points, got: ${k}`);
  const lastN = Math.max(1, Math.floor(input.lastN));
  const from = Math.max(0, k - lastN);
  let isAnomaly: (i: number) => boolean;
  if (labels) isAnomaly = (i) => labels[i] === 1;
  else {
    const inside = new Uint8Array(k);
    for (const w of windows) for (let i = Math.max(0, w.startRow); i <= Math.min(w.endRow, k - 1); i++) inside[i] = 1;
    isAnomaly = (i) => inside[i] === 1;
  }
  const f = flags instanceof Uint8Array ? flags.subarray(0, k) : Array.from({ length: k }, (_, i) => flags[i]);
  const t = times.subarray(0, k);
  const seen = clip(windows, 0, k, times);
  let eventAll: EventMetrics | null = null;
  let eventLast: EventMetrics | null = null;
  let nab: number | null = null;
  if (windows.length > 0 && k > 0) {
    eventAll = eventMetrics(f, seen, t);
    eventLast = eventMetrics(f instanceof Uint8Array ? f.subarray(from, k) : f.slice(from, k), clip(windows, from, k, times), t.subarray(from, k));
    if (seen.length > 0) {
      const series = labelRows('stream', k, seen.map((w) => ({ start: w.startRow, end: w.endRow, limits: [String(w.start), String(w.end)] as [string, string] })));
      nab = scoreFlags(series, f, { profile: 'standard' }).standard?.score ?? null;
    }
  }
  return {
    points: k,
    alerts: countAlerts(flags, 0, k),
    pointAll: pointPRF(flags, isAnomaly, 0, k),
    pointLast: pointPRF(flags, isAnomaly, from, k),
    eventAll,
    eventLast,
    nab,
  };
}
