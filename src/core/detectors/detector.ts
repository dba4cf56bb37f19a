/**
 * The detector contract, after scikit-learn and PyOD: a spec (id, parameters,
 * fit) and an immutable fitted model (score, threshold, toJSON).
 *
 * Direction: every `score` is higher = more anomalous (PyOD's convention). Where
 * scikit-learn defines `decision_function`, `decisionFunction` reproduces it
 * with scikit-learn's sign (negative = outlier).
 */
import type { Matrix } from '../data/matrix.js';
import type { Params } from './params.js';
import type { DetectorMeta } from './specs.js';
import type { AbortSignalLike } from '../abort.js';
import { ModelFileError, checkModelSchema, type ModelJSON } from './model-schema.js';

/** Abort handling lives in the leaf src/core/abort.ts; re-exported for the detectors. */
export { AbortError, throwIfAborted, type AbortSignalLike } from '../abort.js';

export interface FitOptions {
  /** Seed for src/core/random.ts; the app's default is 42. */
  seed?: number;
  signal?: AbortSignalLike;
  /** Fraction done in [0, 1] and an optional word on what is happening. */
  onProgress?: (fraction: number, message?: string) => void;
  /** The tfjs backend active where the detector runs ('webgpu', 'wasm', 'cpu'), if one was initialised. */
  backend?: string;
  /**
   * Detectors trained in epochs (autoencoder) call this after each one: `epoch`
   * counts from 1 to at most `epochs` (fewer when early stopping ends training),
   * `loss` is the mean training loss over the epoch's batches, `valLoss` the
   * loss on the held-out validation rows (null without any), `rowsPerSecond`
   * the epoch's training rows over its wall time, `elapsedMs` the time since
   * fit began. Others never call it.
   */
  onEpoch?: (e: EpochReport) => void;
  /**
   * The k nearest neighbours of every training row among the others (self
   * excluded, k = spec.neighborCount(params, rows)), searched beforehand — split
   * across the page's worker pool or the CLI's threads — and passed as a value.
   * Neighbour detectors (LOF, kNN) use it instead of their own search; results
   * are identical.
   */
  neighbors?: import('../neighbors/common.js').Neighbors;
  /**
   * The ensemble's members fitted elsewhere (side by side on the page's pool), in the order its
   * `members` parameter lists them, each with its training scores (PyOD's decision_scores_ on the
   * same fit rows); the ensemble then assembles them instead of fitting its members, and its
   * scores are the same as if it had fitted them itself. Other detectors ignore it.
   */
  members?: { model: FittedModel; trainingScores: Float64Array }[];
}

/** What FitOptions.onEpoch receives after each training epoch. */
export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number | null;
  rowsPerSecond: number;
  elapsedMs: number;
}

export interface ScoreOptions {
  signal?: AbortSignalLike;
  onProgress?: (fraction: number) => void;
  backend?: string;
  /** Force the typed-array or the tensor path (tests, benchmarks); default: tensor on GPU backends only. */
  path?: 'auto' | 'typed' | 'tensor';
}

/**
 * What `score` returns: the scores (a Float64Array, usable as one) and how this call computed
 * them — 'float64 typed arrays', 'tfjs webgpu gathers (float32)'… — since one model may score on
 * typed arrays in one place and on tensors in another. Structured cloning (postMessage) keeps the
 * numbers only.
 */
export class Scores extends Float64Array<ArrayBuffer> {
  #compute = '';

  get compute(): string {
    return this.#compute;
  }

  /** `values` as Scores: a view on the same memory (no copy). */
  static with(values: Float64Array, compute: string): Scores {
    const s = new Scores(values.buffer as ArrayBuffer, values.byteOffset, values.length);
    s.#compute = compute;
    return s;
  }
}

/** What a fitted model says about itself: shown in the page and the CLI's JSON. */
export interface ModelInfo {
  /** How the model was fitted and scores by default, e.g. 'float64 typed arrays'; a scoring call says its own path in Scores.compute. */
  compute: string;
  /** Things the user should know (zero-variance columns, clipped parameters…). */
  warnings: string[];
  /** Fitted attributes worth showing (per-column centres and scales…). */
  details: Record<string, unknown>;
}

/** A saved model's format: defined beside its schema (model-schema.ts), which checks every file against it. */
export type { ModelJSON };

export interface FittedModel {
  readonly detector: string;
  readonly params: Params;
  readonly features: number;
  /** Rows with score > threshold are anomalies. */
  readonly threshold: number;
  /**
   * decision_function = decisionOffset − score; the threshold when absent. Differs only where the
   * reference library flags decision_function = 0 (libsvm: the One-class SVM's threshold is then the
   * largest double below 0, its decisionOffset 0).
   */
  readonly decisionOffset?: number;
  /** scikit-learn's score_samples = scoreSamplesOffset − score, where it defines score_samples (IsolationForest, LOF: 0; One-class SVM: offset_). */
  readonly scoreSamplesOffset?: number;
  /** Scores of the training rows when fit computed them anyway (PyOD's decision_scores_). */
  readonly trainingScores?: Float64Array;
  readonly info: ModelInfo;
  /** Scores of shape (rows,), higher = more anomalous, with how this call computed them (`compute`); the model itself is not changed. */
  score(X: Matrix, options?: ScoreOptions): Promise<Scores>;
  /**
   * scikit-learn's decision_function, shape (rows,), negative = outlier; only
   * where scikit-learn defines one. Always equal to `(decisionOffset ?? threshold) − score(X)`
   * (see decisionFromScores), so scores already computed need no second pass.
   */
  decisionFunction?(X: Matrix, options?: ScoreOptions): Promise<Float64Array>;
  toJSON(): ModelJSON;
}

/**
 * A detector: its metadata (src/core/detectors/specs.ts, all the page and the pool's main-thread
 * side may import) plus fit and load, the implementation that only workers, the CLI and tests load.
 */
export interface DetectorSpec extends DetectorMeta {
  fit(X: Matrix, params: Params, options?: FitOptions): Promise<FittedModel>;
  load(json: ModelJSON): FittedModel;
}

/**
 * Check a model file before loading it: the whole schema (model-schema.ts: types, lengths, index
 * ranges, acyclic trees, finite numbers), so every detector's `load` — the one path the CLI, the
 * page and IndexedDB share — refuses a tampered model with one line naming the field. Returns the
 * model with its params resolved.
 */
export function checkModelJSON(json: unknown, detector: string): ModelJSON {
  const named = (json as { detector?: unknown } | null)?.detector;
  if (json && typeof json === 'object' && typeof named === 'string' && named !== detector) throw new ModelFileError(`model file: model is for detector '${named}', not '${detector}'`, 'detector');
  return checkModelSchema(json);
}

/**
 * Refuse NaN and ±∞ as scikit-learn's check_array does ("Input X contains NaN"), naming the first
 * such cell (rows and columns counted from 1). The CLI and the page fill missing cells before a
 * detector sees them, so this catches only matrices built elsewhere.
 */
export function checkFinite(X: Matrix, detector: string): void {
  const { data, cols } = X;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      const what = v !== v ? 'NaN' : 'infinity';
      throw new RangeError(`${detector}: the input contains ${what} (row ${Math.floor(i / cols) + 1}, column ${(i % cols) + 1}); fill or drop missing values first`);
    }
  }
}

/**
 * The checks every fit makes first: at least one column, at least `minRows` rows (the
 * reference library's own limit; `why` says whose), finite values. Parameters are already
 * checked by resolveParams.
 */
export function checkTraining(X: Matrix, detector: string, minRows = 1, why = ''): void {
  if (X.cols < 1 || (X.rows < 1 && minRows <= 1)) throw new RangeError(`${detector} needs at least one row and one column, got ${X.rows} × ${X.cols}`);
  if (X.rows < minRows) throw new RangeError(`${detector} needs at least ${minRows} training row${minRows === 1 ? '' : 's'}, got ${X.rows}${why ? `: ${why}` : ''}`);
  checkFinite(X, detector);
}

/** Neighbours searched elsewhere (FitOptions.neighbors), checked against what fit needs. */
export function givenNeighbors(nb: import('../neighbors/common.js').Neighbors, rows: number, k: number): import('../neighbors/common.js').Neighbors {
  if (nb.k !== k || nb.distances.length !== rows * k || nb.indices.length !== rows * k) {
    throw new RangeError(`the neighbours given are ${nb.distances.length / Math.max(1, nb.k)} rows × ${nb.k}, fit needs ${rows} × ${k}`);
  }
  return nb;
}

/** Check that X has the model's number of columns, at least one row, and finite values. */
export function checkFeatures(X: Matrix, features: number, detector: string): void {
  if (X.cols !== features) throw new RangeError(`${detector} was fitted on ${features} feature columns, got ${X.cols}`);
  if (X.rows < 1) throw new RangeError(`${detector}: nothing to score (0 rows)`);
  checkFinite(X, detector);
}

/** scikit-learn's score_samples from scores already computed; null where it defines none. */
export function scoreSamplesFromScores(model: Pick<FittedModel, 'scoreSamplesOffset'>, scores: Float64Array): Float64Array | null {
  const o = model.scoreSamplesOffset;
  if (o === undefined) return null;
  return Float64Array.from(scores, (s) => o - s);
}

/**
 * decision_function from scores already computed: `(decisionOffset ?? threshold) − score`
 * (scikit-learn's score_samples − offset_, with score = −score_samples and
 * threshold = −offset_). Null for a detector without a decision_function.
 */
export function decisionFromScores(model: Pick<FittedModel, 'threshold' | 'decisionOffset' | 'decisionFunction'>, scores: Float64Array): Float64Array | null {
  if (typeof model.decisionFunction !== 'function') return null;
  const t = model.decisionOffset ?? model.threshold;
  return Float64Array.from(scores, (s) => t - s);
}
