/**
 * Tuning in the page (issue 21): the search form, the running search (its tasks spread over the detector
 * pool, results streamed into a live table of trials), cancel, "use best"; and the label-free threshold
 * chosen in the threshold panel. A store of its own: all of it is transient view state, and none of the
 * app's other slices reads it.
 */
import { create } from 'zustand';
import { detectorMeta } from '../../core/detectors/specs';
import { labelFreeThreshold, type ThresholdMethod } from '../../core/detectors/thresholders';
import { defaultSpace, parseGridArg } from '../../core/tune/grid';
import { planSearch, type SearchPlan } from '../../core/tune/plan';
import { bestTrial, foldTasks, summarize, type FoldResult, type TrainOn, type TrialSummary, type TuneMetric } from '../../core/tune/trial';
import { get as getApp, message, useApp } from './store';
import { setParam } from './run';
import { setThreshold } from './threshold';
import { getPool } from './workers';

export type TuneJobState = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface TuneState {
  /** The grid text per detector: one `name=v1,v2,…` per line. */
  grids: Record<string, string>;
  metric: TuneMetric;
  cv: number;
  /** A stratified hold-out share instead of k-fold (null: k-fold). */
  holdout: number | null;
  trainOn: TrainOn;
  /** A random search of this many candidates ('' = the whole grid). */
  random: string;
  job: { state: TuneJobState; done: number; total: number; message: string; ms: number };
  plan: SearchPlan | null;
  rows: TrialSummary[];
  best: TrialSummary | null;
  /** The threshold set by a label-free rule, and on which scores (it shows as chosen while the threshold and scores are those). */
  thresholdBy: { method: ThresholdMethod; threshold: number; scores: Float64Array } | null;
}

export const useTune = create<TuneState>(() => ({
  grids: {},
  metric: 'average_precision',
  cv: 5,
  holdout: null,
  trainOn: 'all',
  random: '',
  job: { state: 'idle', done: 0, total: 0, message: '', ms: 0 },
  plan: null,
  rows: [],
  best: null,
  thresholdBy: null,
}));
const set = useTune.setState;
const get = useTune.getState;

/** The grid offered for a detector before the user edits it: its first two default axes, three values each. */
export function defaultGrid(detector: string): string {
  return defaultSpace(detectorMeta(detector)).slice(0, 2).map((a) => `${a.name}=${a.values.slice(0, 3).join(a.name === 'hidden_neuron_list' ? ';' : ',')}`).join('\n');
}

export function gridText(detector: string): string {
  return get().grids[detector] ?? defaultGrid(detector);
}

export function setTuneForm(patch: Partial<Pick<TuneState, 'metric' | 'cv' | 'holdout' | 'trainOn' | 'random'>> & { grid?: { detector: string; text: string } }): void {
  const { grid, ...rest } = patch;
  set({ ...rest, ...(grid ? { grids: { ...get().grids, [grid.detector]: grid.text } } : {}) });
}

const running = { abort: null as AbortController | null };

/** Least time between two updates of the live table (ms). */
const TABLE_MS = 150;

/** Run the search for the current detector, columns and labels across the pool; the table fills as trials finish. */
export async function runTuning(): Promise<void> {
  const app = getApp();
  if (app.datasetId === null || !app.dataset) return;
  cancelTuning();
  const meta = detectorMeta(app.detector);
  const { metric, cv, holdout, trainOn, random } = get();
  let plan: SearchPlan;
  try {
    if (app.features.length === 0) throw new RangeError('choose at least one feature column');
    const axes = gridText(app.detector).split('\n').map((l) => l.trim()).filter(Boolean).map((l) => parseGridArg(meta, l));
    const budget = random.trim() === '' ? undefined : Number(random);
    // The form's other values stay fixed (the page's defaults where they differ from scikit-learn's).
    const fixed: Record<string, string> = {};
    for (const p of meta.params) if (p.pageDefault !== undefined) fixed[p.name] = String(p.pageDefault);
    Object.assign(fixed, app.params[app.detector]);
    plan = planSearch(meta, app.dataset.rows, app.labels?.labels ?? null, { axes, random: budget, fixed, seed: app.seed, cv, holdout: holdout ?? undefined, metric, trainOn });
  } catch (e) {
    set({ job: { state: 'error', done: 0, total: 0, message: message(e), ms: 0 }, plan: null, rows: [], best: null });
    return;
  }
  const controller = new AbortController();
  running.abort = controller;
  const pool = getPool(app.backendPreference);
  const tasks = foldTasks(plan.setup, Math.max(1, Math.ceil((2 * pool.size) / plan.setup.folds.length)));
  const total = plan.setup.candidates.length * plan.setup.folds.length;
  const results: FoldResult[] = [];
  const t0 = performance.now();
  set({ plan, rows: summarize(plan.setup, []), best: null, job: { state: 'running', done: 0, total, message: '', ms: 0 } });
  let shown = 0;
  const show = (force = false) => {
    const now = performance.now();
    if (!force && now - shown < TABLE_MS) return;
    shown = now;
    const rows = summarize(plan.setup, results);
    set({ rows, best: bestTrial(rows), job: { ...get().job, done: results.length, ms: now - t0 } });
  };
  try {
    await pool.tune({ datasetId: app.datasetId, columns: app.features, missing: app.missingPolicy }, plan.setup, app.labels?.labels ?? null, tasks, {
      signal: controller.signal,
      onResults: (r) => {
        results.push(...r);
        show();
      },
    });
    show(true);
    set({ job: { ...get().job, state: 'done', done: results.length } });
  } catch (e) {
    show(true);
    const cancelled = controller.signal.aborted;
    set({ job: { ...get().job, state: cancelled ? 'cancelled' : 'error', message: cancelled ? 'cancelled' : message(e) } });
  } finally {
    if (running.abort === controller) running.abort = null;
  }
}

export function cancelTuning(): void {
  running.abort?.abort();
  running.abort = null;
}

/** Set the detector's parameters to the best trial's (the searched ones; the others are as they were). */
export function applyBest(): void {
  const { best, plan } = get();
  if (!best || !plan) return;
  for (const a of plan.axes) setParam(plan.setup.detector, a.name, String(best.params[a.name]));
}

/** Set the threshold by a label-free rule on the current scores (null: back to the detector's own). */
export function setThresholdMethod(method: ThresholdMethod | null): void {
  const result = getApp().result;
  if (!result) return;
  if (method === null) {
    set({ thresholdBy: null });
    setThreshold(result.modelThreshold);
    return;
  }
  const threshold = labelFreeThreshold(method, result.sweep.sorted);
  set({ thresholdBy: { method, threshold, scores: result.scores } });
  setThreshold(threshold);
}

/** The label-free method the current threshold came from, if it still stands (same scores, not moved since). */
export function useThresholdMethod(): ThresholdMethod | null {
  const by = useTune((s) => s.thresholdBy);
  const scores = useApp((s) => s.result?.scores ?? null);
  const threshold = useApp((s) => s.threshold);
  return by && by.scores === scores && by.threshold === threshold ? by.method : null;
}
