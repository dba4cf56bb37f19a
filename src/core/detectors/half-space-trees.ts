/**
 * half_space_trees as a detector of the contract: River's Half-Space Trees
 * (src/core/stream/half-space-trees.ts, where the algorithm is described) run as a stream over the
 * rows, in order.
 *
 * In this contract (as windowed_gaussian, the other online detector):
 *   - `fit(X)` starts an empty forest (the seed from FitOptions) and, for each row in order, scores
 *     it then learns it (River's score_one / learn_one): `trainingScores` are those causal scores
 *     (0 through the first window_size rows, which only fill the first window), and the model keeps
 *     the state the stream ended in (trees, both mass profiles, the window position, the running
 *     min/max of the built-in scaler).
 *   - `score(X)` continues the stream from that state over X's rows on a copy, scoring then
 *     learning each: the model is not changed, so scoring the same rows twice gives the same
 *     scores; a row's score depends on the rows before it in X, never on those after, and scoring
 *     is never split into chunks (the spec says `online`).
 *   - Any number of feature columns; every score lies in [0, 1].
 *   - threshold: contamination is a fraction (default 0.1): PyOD's percentile of the training
 *     scores. There is no 'auto' constant: neither the paper nor River defines one (River's
 *     QuantileFilter, `threshold=quantile` in the stream, is the moving alternative).
 *
 * Parameters (River's defaults): n_trees 10, height 8 (1 … 20), window_size 250.
 *
 * @example
 * const model = await halfSpaceTrees.fit(X, resolveParams(halfSpaceTrees.params, { window_size: 100 }), { seed: 42 });
 * model.trainingScores; // causal scores of X's rows, 0 for the first 100
 */
import type { Matrix } from '../data/matrix.js';
import { DEFAULT_SEED } from '../random.js';
import { HalfSpaceTrees, type HalfSpaceTreesJSON } from '../stream/half-space-trees.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { halfSpaceTreesMeta } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';

const COMPUTE = 'float64 typed arrays (online half-space trees)';

function options(params: Params, seed: number) {
  return { n_trees: Number(params.n_trees), height: Number(params.height), window_size: Number(params.window_size), seed };
}

/** Score then learn every row of X in order (progress every 16k rows); the scores. */
function runStream(hst: HalfSpaceTrees, X: Matrix, signal?: FitOptions['signal'], onProgress?: (f: number) => void): Float64Array {
  const out = new Float64Array(X.rows);
  const { data, cols } = X;
  const CHUNK = 1 << 14;
  for (let start = 0; start < X.rows; start += CHUNK) {
    throwIfAborted(signal);
    const end = Math.min(X.rows, start + CHUNK);
    for (let i = start; i < end; i++) {
      const row = data.subarray(i * cols, (i + 1) * cols);
      out[i] = hst.scoreOne(row);
      hst.learnOne(row);
    }
    onProgress?.(end / X.rows);
  }
  return out;
}

export const halfSpaceTrees: DetectorSpec = {
  ...halfSpaceTreesMeta,
  async fit(X: Matrix, params: Params, opts: FitOptions = {}): Promise<FittedModel> {
    checkTraining(X, 'half_space_trees');
    throwIfAborted(opts.signal);
    const hst = new HalfSpaceTrees(X.cols, options(params, opts.seed ?? DEFAULT_SEED));
    const trainingScores = runStream(hst, X, opts.signal, (f) => opts.onProgress?.(f, 'learning the stream'));
    const { threshold } = fitThreshold(contaminationRule('pyod', params.contamination), trainingScores);
    return new HalfSpaceTreesModel(params, threshold, hst.toJSON(), trainingScores);
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'half_space_trees');
    // The schema checked the state's shape; fromJSON rebuilds the forest from it.
    return new HalfSpaceTreesModel(m.params, m.threshold, m.state as HalfSpaceTreesJSON);
  },
};

class HalfSpaceTreesModel implements FittedModel {
  readonly detector = 'half_space_trees';
  readonly features: number;
  readonly info: ModelInfo;
  constructor(
    readonly params: Params,
    readonly threshold: number,
    private readonly state: HalfSpaceTreesJSON,
    readonly trainingScores?: Float64Array,
  ) {
    this.features = state.features;
    const hst = HalfSpaceTrees.fromJSON(state);
    this.info = {
      compute: COMPUTE,
      warnings: hst.warmedUp ? [] : [`the training rows did not fill the first window (window_size ${state.window_size}): every score so far is 0, and scoring goes on filling it`],
      details: {
        n_trees: state.n_trees, height: state.height, window_size: state.window_size, seed: state.seed,
        warmed_up: hst.warmedUp, points_in_current_window: state.counter,
        // The rows that score 0 while the first window fills (the page's warming-up note): of the
        // training rows after fit; of the rows to score next for a loaded model still filling it.
        warmup_rows: trainingScores ? Math.min(state.window_size, trainingScores.length) : hst.warmedUp ? 0 : state.window_size - state.counter,
        scaler_min: state.min, scaler_max: state.max,
        rule: `top ${params.contamination} of training scores`,
      },
    };
  }

  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'half_space_trees');
    const hst = HalfSpaceTrees.fromJSON(this.state);
    return Scores.with(runStream(hst, X, options.signal, options.onProgress), COMPUTE);
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'half_space_trees', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}
