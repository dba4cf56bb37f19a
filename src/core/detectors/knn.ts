/**
 * kNN detector, as PyOD's `KNN`: a row's score is the distance to its k-th
 * nearest neighbour (method 'largest'), or the mean or median of the distances
 * to its k nearest (a row is not its own neighbour when fitting). The
 * threshold is the (1 − contamination) quantile of the training scores
 * (numpy linear), PyOD's threshold_; contamination defaults to 0.1 as in PyOD.
 *
 * @example
 * const m = await knn.fit(X, resolveParams(knn.params, { n_neighbors: 5 }));
 * m.trainingScores; // PyOD's decision_scores_
 */
import type { Matrix } from '../data/matrix.js';
import { neighborsFor, searchLabel } from '../neighbors/index.js';
import { medianSorted } from '../metrics/quantile.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, givenNeighbors, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { knnMeta } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';

interface KnnState {
  k: number;
  X: number[];
}

export const knn: DetectorSpec = {
  ...knnMeta,
  async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
    const k = Number(params.n_neighbors);
    if (X.rows >= 1 && k > X.rows - 1) throw new RangeError(`n_neighbors must be less than the number of rows (${X.rows}), got: ${k}; PyOD refuses too (Expected n_neighbors < n_samples_fit)`);
    checkTraining(X, 'kNN', knnMeta.minRows!(params));
    throwIfAborted(options.signal);
    const nb = options.neighbors ? givenNeighbors(options.neighbors, X.rows, k) : await neighborsFor(X, k, undefined, { backend: options.backend, signal: options.signal, onProgress: (f) => options.onProgress?.(f, 'neighbours') });
    const scores = reduce(nb.distances, k, X.rows, String(params.method));
    const { threshold } = fitThreshold(contaminationRule('pyod', params.contamination), scores);
    return new KnnModel(params, X.cols, threshold, { k, X: Array.from(X.data) }, scores, searchLabel(nb.method, options.backend));
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'knn');
    const s = m.state as KnnState;
    if (!s || !Array.isArray(s.X) || s.X.length % m.features !== 0) throw new TypeError('kNN model state is malformed');
    return new KnnModel(m.params, m.features, m.threshold, s);
  },
};

function reduce(distances: Float64Array, k: number, rows: number, method: string): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const d = distances.subarray(i * k, (i + 1) * k);
    if (method === 'largest') out[i] = d[k - 1];
    else if (method === 'mean') {
      let s = 0;
      for (let m = 0; m < k; m++) s += d[m];
      out[i] = s / k;
    } else out[i] = medianSorted(d); // already ascending
  }
  return out;
}

class KnnModel implements FittedModel {
  readonly detector = 'knn';
  readonly info: ModelInfo;
  private readonly train: Matrix;
  constructor(readonly params: Params, readonly features: number, readonly threshold: number, private readonly state: KnnState, readonly trainingScores?: Float64Array, compute?: string) {
    this.train = { data: Float64Array.from(state.X), rows: state.X.length / features, cols: features };
    this.info = { compute: compute ?? searchLabel(undefined), warnings: [], details: { n_neighbors: state.k, threshold_: threshold } };
  }

  /** PyOD's decision_function on new rows: their neighbours among the training rows. */
  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'kNN');
    const nb = await neighborsFor(this.train, this.state.k, X, { signal: options.signal, onProgress: options.onProgress, backend: options.backend, path: options.path });
    return Scores.with(reduce(nb.distances, this.state.k, X.rows, String(this.params.method)), nb.method === 'tensor' ? searchLabel('tensor', options.backend) : this.info.compute);
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'knn', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}
