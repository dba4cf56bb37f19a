/**
 * Local Outlier Factor, as scikit-learn's `LocalOutlierFactor` (Breunig et al. 2000).
 *
 * Each row's k nearest neighbours (k = n_neighbors, clipped to n − 1; a row is
 * not its own neighbour when fitting), Euclidean. reach-dist(a, b) =
 * max(dist(a, b), k-distance(b)); lrd(a) = 1 / (mean reach-dist over a's
 * neighbours + 1e-10); LOF(a) = mean over neighbours b of lrd(b) / lrd(a).
 * scikit-learn's negative_outlier_factor_ is −LOF (lower = more abnormal); our
 * score is LOF (higher = more anomalous). offset_ is −1.5 for contamination
 * 'auto', else the contamination percentile of negative_outlier_factor_; the
 * threshold is −offset_, and decision_function = −score − offset_.
 *
 * Scoring new rows (scikit-learn's novelty=True): their neighbours among the
 * training rows, their lrd from those, LOF = mean lrd(neighbour) / lrd(row).
 *
 * When more than k rows are identical their reach-distances are all 0 and lrd
 * is 1e10: scores explode exactly as in scikit-learn, and the model warns.
 *
 * @example
 * const m = await lof.fit(fromRows([[-1.1], [0.2], [101.1], [0.3]]), resolveParams(lof.params, { n_neighbors: 2 }));
 * m.trainingScores; // [0.9821, 1.0370, 73.3697, 0.9821] (scikit-learn: −negative_outlier_factor_)
 */
import type { Matrix } from '../data/matrix.js';
import { duplicateRows, neighborsFor, searchLabel } from '../neighbors/index.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, givenNeighbors, decisionFromScores, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { lofMeta } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';

interface LofState {
  k: number;
  offset: number;
  /** The training rows, row-major (scoring new rows needs them). */
  X: number[];
  /** k-distance of each training row. */
  kDistance: number[];
  lrd: number[];
}

export const lof: DetectorSpec = {
  ...lofMeta,
  async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
    const n = X.rows;
    // scikit-learn fails here too: "Expected n_neighbors <= n_samples, but n_samples = 1, n_neighbors = 2".
    checkTraining(X, 'Local Outlier Factor', lofMeta.minRows!(params), `each row's neighbours are the others; scikit-learn refuses too (Expected n_neighbors <= n_samples, but n_samples = ${n}, n_neighbors = ${n + 1})`);
    const asked = Number(params.n_neighbors);
    const k = lof.neighborCount!(params, n);
    const warnings: string[] = [];
    if (k < asked) warnings.push(`n_neighbors (${asked}) is not less than the number of rows (${n}): ${k} is used`);
    throwIfAborted(options.signal);
    const nb = options.neighbors ? givenNeighbors(options.neighbors, n, k) : await neighborsFor(X, k, undefined, { backend: options.backend, signal: options.signal, onProgress: (f) => options.onProgress?.(0.9 * f, 'neighbours') });
    const kDistance = new Float64Array(n);
    for (let i = 0; i < n; i++) kDistance[i] = nb.distances[i * k + k - 1];
    const lrd = reachDensity(nb.distances, nb.indices, k, kDistance, n);
    const scores = lofScores(nb.indices, k, lrd, lrd, n);
    const dup = duplicateRows(X);
    if (dup.maxCopies > k) {
      warnings.push(`${dup.duplicated} rows are duplicates, up to ${dup.maxCopies} copies of one row — more than n_neighbors (${k}): their reachability distances are 0 and LOF is unreliable there (scores near 1e10, as in scikit-learn)`);
    } else if (dup.duplicated > 0) {
      warnings.push(`${dup.duplicated} rows are exact duplicates of another row`);
    }
    // scikit-learn's offset_: −1.5 (the paper's) for 'auto', else the contamination percentile of negative_outlier_factor_.
    const { offset } = fitThreshold(contaminationRule('sklearn_offset', params.contamination, 1.5), scores);
    options.onProgress?.(1, 'fitted');
    const state: LofState = { k, offset, X: Array.from(X.data), kDistance: Array.from(kDistance), lrd: Array.from(lrd) };
    return new LofModel(params, X.cols, state, warnings, scores, dup, searchLabel(nb.method, options.backend));
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'lof');
    const s = m.state as LofState;
    if (!s || !Array.isArray(s.X) || s.X.length !== s.lrd.length * m.features) throw new TypeError('Local Outlier Factor model state is malformed');
    return new LofModel(m.params, m.features, s, [], undefined, null);
  },
};

/** lrd(a) = 1 / (mean_b max(dist(a, b), k-distance(b)) + 1e-10) over a's neighbours b. */
function reachDensity(distances: Float64Array, indices: Int32Array, k: number, kDistance: Float64Array, rows: number): Float64Array {
  const lrd = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let m = 0; m < k; m++) {
      const dist = distances[i * k + m];
      const kd = kDistance[indices[i * k + m]];
      sum += dist > kd ? dist : kd;
    }
    // 1e-10 avoids a division by zero when more than k rows are identical (scikit-learn's guard).
    lrd[i] = 1 / (sum / k + 1e-10);
  }
  return lrd;
}

/** LOF(a) = mean over neighbours b of lrd_train(b) / lrd(a). */
function lofScores(indices: Int32Array, k: number, lrdTrain: Float64Array, lrdRows: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let m = 0; m < k; m++) sum += lrdTrain[indices[i * k + m]] / lrdRows[i];
    out[i] = sum / k;
  }
  return out;
}

class LofModel implements FittedModel {
  readonly detector = 'lof';
  readonly info: ModelInfo;
  readonly threshold: number;
  /** score_samples = −LOF = −score. */
  readonly scoreSamplesOffset = 0;
  private readonly train: Matrix;
  private readonly kDistance: Float64Array;
  private readonly lrd: Float64Array;

  constructor(
    readonly params: Params,
    readonly features: number,
    private readonly state: LofState,
    warnings: string[],
    readonly trainingScores: Float64Array | undefined,
    duplicates: { duplicated: number; maxCopies: number } | null,
    compute?: string,
  ) {
    this.threshold = -state.offset;
    this.train = { data: Float64Array.from(state.X), rows: state.lrd.length, cols: features };
    this.kDistance = Float64Array.from(state.kDistance);
    this.lrd = Float64Array.from(state.lrd);
    this.info = {
      compute: compute ?? searchLabel(undefined),
      warnings,
      details: { n_neighbors_: state.k, offset_: state.offset, duplicate_rows: duplicates?.duplicated ?? null, max_copies: duplicates?.maxCopies ?? null },
    };
  }

  /** LOF of new rows against the training rows (scikit-learn's novelty score, negated). */
  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'Local Outlier Factor');
    const k = this.state.k;
    const nb = await neighborsFor(this.train, k, X, { signal: options.signal, onProgress: options.onProgress, backend: options.backend, path: options.path });
    const lrdX = reachDensity(nb.distances, nb.indices, k, this.kDistance, X.rows);
    return Scores.with(lofScores(nb.indices, k, this.lrd, lrdX, X.rows), nb.method === 'tensor' ? searchLabel('tensor', options.backend) : this.info.compute);
  }

  async decisionFunction(X: Matrix, options: ScoreOptions = {}): Promise<Float64Array> {
    return decisionFromScores(this, await this.score(X, options))!;
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'lof', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}
