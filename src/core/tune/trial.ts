/**
 * Trials of a tuning search: fit a candidate on a fold's training rows, score the held-out rows,
 * measure. The unit of work is a FoldTask (one fold, some candidates), so the CLI's threads and the
 * page's pool split a search by fold and by candidate; results come back per (candidate, fold) and
 * `summarize` turns them into one row per candidate: mean ± sd over the folds (np.std, ddof 0, as
 * GridSearchCV's std_test_score), time, and the best (highest mean, the first on ties, as
 * GridSearchCV's rank_test_score).
 *
 * With labels the metric is ROC-AUC, average precision (ranking: the threshold plays no part) or F1
 * at the model's own threshold (its contamination rule, so contamination is tuned too). Fitting uses
 * the fold's training rows — all of them by default ('all', what GridSearchCV does with an
 * unsupervised estimator and what a detector meets in use), or only their normal rows ('normal',
 * semi-supervised novelty detection).
 *
 * Without labels there is nothing to optimise against. The criterion offered instead is a
 * heuristic: the stability of the flagged set. Each fold's model (fitted on that fold's training
 * rows with its own seed, seed + fold) flags rows of the whole data at its own threshold; a fold's
 * value is the mean Jaccard index of its flagged set with every other fold's (pairs where neither
 * flags anything are left out). Stable is not the same as right: a detector can flag the same wrong
 * rows every time.
 *
 * Candidates that differ only in contamination (which moves the threshold, never the scores) share
 * one scoring of the test rows, and for a ranking metric one value.
 *
 * Neighbour detectors (LOF, kNN) share one search: every row's neighbours among all rows are searched
 * once (for a K large enough), each fold reads its training rows' neighbours among themselves from it
 * (subsetNeighbors, exact), for the largest k any candidate needs, and each candidate takes its first k
 * (neighbours are ordered by distance, then row index, so that is exactly a search for k).
 */
import { throwIfAborted, type AbortSignalLike } from '../abort.js';
import { selectRows, type Matrix } from '../data/matrix.js';
import type { DetectorSpec } from '../detectors/detector.js';
import type { Params } from '../detectors/params.js';
import { usesWindows } from '../detectors/specs.js';
import { averagePrecision, rocAuc } from '../metrics/ranking.js';
import { confusionAt, precisionRecallF1 } from '../metrics/classification.js';
import { insertNeighbor, kNeighbors, squaredDistance, type Neighbors } from '../neighbors/index.js';
import type { Fold } from './folds.js';

export const TUNE_METRICS = ['roc_auc', 'average_precision', 'f1'] as const;
export type TuneMetric = (typeof TUNE_METRICS)[number];
/** 'stability': the label-free heuristic (mean pairwise Jaccard of the folds' flagged sets). */
export type TuneCriterion = TuneMetric | 'stability';
export const TRAIN_ON = ['all', 'normal'] as const;
export type TrainOn = (typeof TRAIN_ON)[number];

/** What every task of one search shares. */
export interface TrialSetup {
  detector: string;
  /** Full parameter sets (resolved), one per candidate. */
  candidates: Params[];
  folds: Fold[];
  criterion: TuneCriterion;
  trainOn: TrainOn;
  seed: number;
}

/** One fold, some candidates (indices into setup.candidates). */
export interface FoldTask {
  fold: number;
  candidates: number[];
}

export interface FoldResult {
  candidate: number;
  fold: number;
  /** The metric on the fold's held-out rows; null where it is undefined (no positives among them). Null for stability (see summarize). */
  value: number | null;
  /** Stability only: rows of the whole data this fold's model flags, ascending. */
  flagged?: Int32Array;
  /** Fit and score time, ms. */
  ms: number;
}

/**
 * What a candidate's scores depend on: its parameters but contamination, which sets only the
 * threshold (the contract: threshold.ts), never the scores. Candidates with the same key share one
 * scoring of the test rows in a task.
 */
export function scoresKey(params: Params): string {
  return JSON.stringify(Object.entries(params).filter(([k]) => k !== 'contamination'));
}

/**
 * The tasks of a search: each fold's candidates cut into about `chunks` shares (more shares: more
 * parallel, more repeated neighbour searches). Candidates that differ only in contamination stay in
 * one share, so they share their scores.
 */
export function foldTasks(setup: Pick<TrialSetup, 'folds' | 'candidates'>, chunks = 1): FoldTask[] {
  const n = setup.candidates.length;
  const groups = new Map<string, number[]>();
  setup.candidates.forEach((p, i) => {
    const key = scoresKey(p);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const per = Math.ceil(n / Math.max(1, Math.min(chunks, n)));
  const shares: number[][] = [];
  let share: number[] = [];
  for (const g of groups.values()) {
    share.push(...g);
    if (share.length >= per) {
      shares.push(share);
      share = [];
    }
  }
  if (share.length) shares.push(share);
  const tasks: FoldTask[] = [];
  for (let f = 0; f < setup.folds.length; f++) for (const c of shares) tasks.push({ fold: f, candidates: [...c].sort((a, b) => a - b) });
  return tasks;
}

/** The first k of each row's neighbours (ascending by distance, then row index). */
export function firstNeighbors(nb: Neighbors, k: number): Neighbors {
  if (k === nb.k) return nb;
  if (k > nb.k) throw new RangeError(`${k} neighbours asked of a search for ${nb.k}`);
  const rows = nb.distances.length / nb.k;
  const distances = new Float64Array(rows * k);
  const indices = new Int32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    distances.set(nb.distances.subarray(r * nb.k, r * nb.k + k), r * k);
    indices.set(nb.indices.subarray(r * nb.k, r * nb.k + k), r * k);
  }
  return { distances, indices, k, method: nb.method };
}

/**
 * The k nearest neighbours of each of `rows` (ascending indices into X) among those rows, self excluded,
 * indexed within `rows` — exactly kNeighbors(selectRows(X, rows), k) — read from `all`, a search of every
 * row of X among all of them for K ≥ k: each list with the rows outside `rows` dropped keeps the order
 * (distance, then row index; row order is kept by the subset). A row left with fewer than k is searched
 * again among `rows` directly (the same float64 distances, the same insert), so the result is exact.
 */
export function subsetNeighbors(X: Matrix, all: Neighbors, rows: ArrayLike<number>, k: number): Neighbors {
  const m = rows.length;
  const d = X.cols;
  const local = new Int32Array(X.rows).fill(-1);
  for (let i = 0; i < m; i++) local[rows[i]] = i;
  const distances = new Float64Array(m * k);
  const indices = new Int32Array(m * k);
  const K = all.k;
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < m; i++) {
    const g = rows[i];
    let taken = 0;
    for (let p = g * K, end = p + K; p < end && taken < k; p++) {
      const j = local[all.indices[p]];
      if (j < 0) continue;
      distances[i * k + taken] = all.distances[p];
      indices[i * k + taken] = j;
      taken++;
    }
    if (taken === k) continue;
    bestD.fill(Infinity);
    bestI.fill(0x7fffffff);
    for (let j = 0; j < m; j++) if (j !== i) insertNeighbor(bestD, bestI, 0, k, squaredDistance(X.data, g * d, X.data, rows[j] * d, d), j);
    for (let q = 0; q < k; q++) {
      distances[i * k + q] = Math.sqrt(bestD[q]);
      indices[i * k + q] = bestI[q];
    }
  }
  return { distances, indices, k, method: all.method };
}

/** Each matrix's search of all its rows (the largest K asked so far), shared by the folds' training subsets. */
const allRowSearches = new WeakMap<Matrix, Neighbors>();

/**
 * The training rows' neighbours for the largest k of a fold's candidates: from one search of all rows
 * (kept per matrix) when there are several folds to share it, else a search of the training rows.
 */
function trainNeighbors(X: Matrix, Xtrain: Matrix, trainRows: ArrayLike<number>, kMax: number, folds: number, signal?: AbortSignalLike): Neighbors {
  if (folds < 3) return kNeighbors(Xtrain, kMax, undefined, { signal });
  // Enough that after dropping the held-out rows (a share 1 − m/n of them) k are almost always left.
  const K = Math.min(X.rows - 1, Math.ceil((kMax * X.rows) / Xtrain.rows) + 8);
  let all = allRowSearches.get(X);
  if (!all || all.k < K) {
    all = kNeighbors(X, K, undefined, { signal });
    allRowSearches.set(X, all);
  }
  return subsetNeighbors(X, all, trainRows, kMax);
}

function metricValue(metric: TuneMetric, scores: Float64Array, labels: Uint8Array, threshold: number): number | null {
  switch (metric) {
    case 'roc_auc':
      return rocAuc(scores, labels);
    case 'average_precision':
      return averagePrecision(scores, labels);
    case 'f1':
      return labels.includes(1) ? precisionRecallF1(confusionAt(scores, labels, threshold)).f1 : null;
    default:
      throw new TypeError(`unknown metric '${String(metric)}' (metrics: ${TUNE_METRICS.join(', ')})`);
  }
}

/**
 * Run one task: for each of its candidates fit on the fold's training rows and measure.
 * @param X every row of the data (row-major), `labels` one per row (1 = anomaly) or null (stability)
 * @param onResult told of each result as it is made (the live table)
 */
export async function runFoldTask(
  spec: DetectorSpec, X: Matrix, labels: Uint8Array | null, setup: TrialSetup, task: FoldTask,
  options: { signal?: AbortSignalLike; backend?: string; onResult?: (r: FoldResult) => void } = {},
): Promise<FoldResult[]> {
  const fold = setup.folds[task.fold];
  const stability = setup.criterion === 'stability';
  if (!stability && !labels) throw new RangeError(`the metric ${setup.criterion} needs a label column`);
  let trainRows: ArrayLike<number> = fold.train;
  if (!stability && setup.trainOn === 'normal') trainRows = fold.train.filter((i) => labels![i] === 0);
  const Xtrain = selectRows(X, trainRows);
  // Stability: each fold's model flags rows of the whole data; otherwise the held-out rows are scored.
  const Xtest = stability ? X : selectRows(X, fold.test);
  const testLabels = stability ? null : Uint8Array.from(fold.test, (i) => labels![i]);
  const candidates = task.candidates.map((c) => setup.candidates[c]);
  // One neighbour search for the fold, for the largest k its candidates need.
  const ks = spec.usesNeighbors && spec.neighborCount && !candidates.some((p) => usesWindows(spec, p))
    ? candidates.map((p) => spec.neighborCount!(p, Xtrain.rows)) : null;
  const kMax = ks ? Math.max(...ks) : 0;
  const shared = kMax >= 1 && kMax < Xtrain.rows ? trainNeighbors(X, Xtrain, trainRows, kMax, setup.folds.length, options.signal) : null;
  const seed = stability ? setup.seed + task.fold : setup.seed;
  const ranking = setup.criterion === 'roc_auc' || setup.criterion === 'average_precision';
  // Test scores by scoresKey: a candidate that differs from an earlier one only in contamination gets the
  // same scores; for a ranking metric (no threshold involved) the same value, without fitting at all.
  const scored = new Map<string, { scores: Float64Array; value: number | null }>();
  const out: FoldResult[] = [];
  for (let j = 0; j < candidates.length; j++) {
    throwIfAborted(options.signal);
    const t0 = performance.now();
    const key = scoresKey(candidates[j]);
    const seen = scored.get(key);
    if (seen && ranking) {
      const r: FoldResult = { candidate: task.candidates[j], fold: task.fold, value: seen.value, ms: performance.now() - t0 };
      out.push(r);
      options.onResult?.(r);
      continue;
    }
    const neighbors = shared && ks ? firstNeighbors(shared, ks[j]) : undefined;
    const model = await spec.fit(Xtrain, candidates[j], { seed, signal: options.signal, backend: options.backend, neighbors });
    const scores = seen?.scores ?? await model.score(Xtest, { signal: options.signal, backend: options.backend });
    const r: FoldResult = { candidate: task.candidates[j], fold: task.fold, value: null, ms: 0 };
    if (stability) {
      const flagged: number[] = [];
      for (let i = 0; i < scores.length; i++) if (scores[i] > model.threshold) flagged.push(i);
      r.flagged = Int32Array.from(flagged);
    } else {
      r.value = metricValue(setup.criterion as TuneMetric, scores, testLabels!, model.threshold);
    }
    if (!seen) scored.set(key, { scores, value: r.value });
    r.ms = performance.now() - t0;
    out.push(r);
    options.onResult?.(r);
  }
  return out;
}

/** |A ∩ B| / |A ∪ B| of two ascending index lists; null when both are empty. */
export function jaccard(a: Int32Array, b: Int32Array): number | null {
  let i = 0, j = 0, both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { both++; i++; j++; }
    else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - both;
  return union === 0 ? null : both / union;
}

/** One candidate's row in the table of trials. */
export interface TrialSummary {
  candidate: number;
  params: Params;
  /** Per fold (null: not run yet, or undefined there). */
  values: (number | null)[];
  /** Mean and sd (ddof 0) over the folds with a value; null before any. */
  mean: number | null;
  sd: number | null;
  /** Folds done. */
  done: number;
  /** Fit and score time over its folds, ms. */
  ms: number;
}

function meanSd(values: number[]): { mean: number | null; sd: number | null } {
  if (values.length === 0) return { mean: null, sd: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) };
}

/**
 * The table of trials from the results so far (any order, any subset). Stability values are made
 * here, from the flagged sets of the folds done: fold f's value is its mean Jaccard with the others.
 */
export function summarize(setup: Pick<TrialSetup, 'candidates' | 'folds' | 'criterion'>, results: FoldResult[]): TrialSummary[] {
  const k = setup.folds.length;
  const rows: TrialSummary[] = setup.candidates.map((params, candidate) => ({ candidate, params, values: new Array<number | null>(k).fill(null), mean: null, sd: null, done: 0, ms: 0 }));
  const flagged: (Int32Array | null)[][] = setup.candidates.map(() => new Array<Int32Array | null>(k).fill(null));
  for (const r of results) {
    const row = rows[r.candidate];
    row.done++;
    row.ms += r.ms;
    if (setup.criterion === 'stability') flagged[r.candidate][r.fold] = r.flagged ?? null;
    else row.values[r.fold] = r.value;
  }
  for (const row of rows) {
    if (setup.criterion === 'stability') {
      const sets = flagged[row.candidate];
      for (let f = 0; f < k; f++) {
        if (!sets[f]) continue;
        const js: number[] = [];
        for (let g = 0; g < k; g++) {
          if (g === f || !sets[g]) continue;
          const j = jaccard(sets[f]!, sets[g]!);
          if (j !== null) js.push(j);
        }
        row.values[f] = meanSd(js).mean;
      }
    }
    Object.assign(row, meanSd(row.values.filter((v): v is number => v !== null)));
  }
  return rows;
}

/** The best row: the highest mean, the first in candidate order on ties (GridSearchCV's rank 1); null when none has a value. */
export function bestTrial(rows: TrialSummary[]): TrialSummary | null {
  let best: TrialSummary | null = null;
  for (const r of rows) if (r.mean !== null && (best === null || r.mean > best.mean!)) best = r;
  return best;
}

/**
 * A whole search on this thread (tests, small searches): every task in turn.
 * The CLI and the page spread the same tasks over threads or workers instead.
 */
export async function runTrials(spec: DetectorSpec, X: Matrix, labels: Uint8Array | null, setup: TrialSetup, options: { signal?: AbortSignalLike; backend?: string; onResult?: (r: FoldResult) => void } = {}): Promise<FoldResult[]> {
  const results: FoldResult[] = [];
  for (const task of foldTasks(setup)) results.push(...(await runFoldTask(spec, X, labels, setup, task, options)));
  return results;
}
