/**
 * A tuning search planned from what the user asked (the CLI's flags, the page's form): its candidates
 * (a grid, or a seeded random sample of the grid or of the spec's default space), its folds
 * (stratified k-fold or a hold-out with labels; plain k-fold without), and its criterion (the metric,
 * or the stability heuristic without labels). Only metadata (specs.ts) is read: the page plans on
 * the main thread, workers run the tasks.
 *
 * @example
 * const plan = planSearch(lofMeta, 1831, labels, { axes: [parseGridArg(lofMeta, 'n_neighbors=5,10,20')], seed: 42, cv: 5, metric: 'average_precision' });
 * plan.setup.candidates.length; // 3
 */
import { resolveParams, type Params } from '../detectors/params.js';
import { usesWindows, type DetectorMeta } from '../detectors/specs.js';
import { holdout, kFold, stratifiedKFold, type Fold } from './folds.js';
import { defaultSpace, expandGrid, gridSize, sampleGrid, type GridAxis } from './grid.js';
import type { TrainOn, TrialSetup, TuneMetric } from './trial.js';

export interface SearchRequest {
  /** Explicit grids; none: the spec's default space (random search only). */
  axes: GridAxis[];
  /** A random search of this many candidates; absent: the whole grid. */
  random?: number;
  /** Parameters held fixed (the detector's form, --param). */
  fixed?: Record<string, unknown>;
  seed: number;
  /** k of k-fold (default 5); ignored with holdout. */
  cv?: number;
  /** A hold-out share in (0, 1) instead of k-fold. */
  holdout?: number;
  metric: TuneMetric;
  /** Fit on all of a fold's training rows (default) or on its normal ones. */
  trainOn?: TrainOn;
}

export interface SearchPlan {
  setup: TrialSetup;
  /** The axes searched (the default space where none were given). */
  axes: GridAxis[];
  /** Without labels: the criterion is the stability heuristic. */
  labelFree: boolean;
  /** How the search was set up, in a sentence (the page and the CLI show it). */
  description: string;
}

/** Grids larger than this are refused (a random search samples them instead). */
export const MAX_GRID = 10_000;

export function planSearch(meta: DetectorMeta, rows: number, labels: Uint8Array | null, req: SearchRequest): SearchPlan {
  const axes = req.axes.length ? req.axes : req.random !== undefined ? defaultSpace(meta) : [];
  if (axes.length === 0) throw new RangeError(`nothing to search: give a grid (name=v1,v2,…) or a random search (the default space of ${meta.id} is empty)`);
  const fixed = { ...(req.fixed ?? {}) };
  for (const a of axes) delete fixed[a.name];
  if (req.random === undefined && gridSize(axes) > MAX_GRID) throw new RangeError(`the grid holds ${gridSize(axes)} candidates (more than ${MAX_GRID}): use a random search`);
  const raw = req.random !== undefined ? sampleGrid(axes, req.random, req.seed) : expandGrid(axes);
  const candidates: Params[] = raw.map((c) => resolveParams(meta.params, { ...fixed, ...c }, meta.id));
  // Shuffled folds take rows out of order: a detector that scores a series in order has no such folds.
  if (meta.online || candidates.some((p) => usesWindows(meta, p))) {
    throw new RangeError(`${meta.id}${meta.online ? '' : ' with window_size > 0'} scores rows in order (a time series): shuffled folds would cut the series apart; tune it on a table of independent rows, or with window_size 0`);
  }
  const labelFree = labels === null;
  const positives = labels ? labels.reduce((a, b) => a + b, 0) : 0;
  if (labels && (positives === 0 || positives === rows)) throw new RangeError(`the label column has ${positives === 0 ? 'no anomalies' : 'only anomalies'}: nothing to measure against`);
  const cv = req.cv ?? 5;
  let folds: Fold[];
  let how: string;
  if (req.holdout !== undefined && !labelFree) {
    folds = [holdout(labels, rows, req.holdout, req.seed)];
    how = `a stratified hold-out of ${req.holdout} (${folds[0].test.length} rows)`;
  } else if (labelFree) {
    folds = kFold(rows, cv, req.seed);
    how = `${cv} folds (KFold, shuffled, seed ${req.seed})`;
  } else {
    folds = stratifiedKFold(labels!, cv, req.seed);
    how = `${cv} stratified folds (StratifiedKFold, shuffled, seed ${req.seed})`;
  }
  const trainOn = req.trainOn ?? 'all';
  const description = labelFree
    ? `No labels: there is nothing to optimise against. Ranked by a heuristic, the stability of the flagged set (mean Jaccard between the sets each fold's model flags on all rows, seeds ${req.seed}…${req.seed + cv - 1}), over ${how}.`
    : `${req.metric} on the held-out rows of ${how}, each model fitted on ${trainOn === 'all' ? 'all' : 'the normal'} training rows of its fold.`;
  return {
    setup: { detector: meta.id, candidates, folds, criterion: labelFree ? 'stability' : req.metric, trainOn, seed: req.seed },
    axes, labelFree, description,
  };
}
