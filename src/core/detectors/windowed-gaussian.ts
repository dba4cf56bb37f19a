/**
 * NAB's windowed Gaussian (numenta/NAB nab/detectors/gaussian/windowedGaussian_detector.py),
 * ported from its definition: an online detector that scores each value by how far it lies in
 * the tails of a normal distribution fitted to a window of the values before it.
 *
 * Algorithm, one value x at a time, in row order (causal: x's score uses earlier values only):
 *   1. score: 0 for the very first value (no window yet); otherwise 1 − Q(|x − mean| / std),
 *      Q the Gaussian upper tail ½·erfc(z/√2), so a value at the mean scores 0.5 and one far
 *      out scores 1 (NAB flips x < mean to 2·mean − x first, as here: the same doubles);
 *   2. update: while the window holds fewer than `window_size` values, x joins it and mean and
 *      std are recomputed after every value; once it is full, x waits in a step buffer, and
 *      every `step_size` values the window slides: its oldest `step_size` values leave, the
 *      buffer joins, and mean and std are recomputed. Between slides they stay as they were.
 *   mean and std are numpy's mean and population std (ddof 0) over the window, to the bit
 *   (src/core/math/numpy-sum.ts); a std of 0 becomes 1e−6, so a constant window scores any
 *   other value ≈ 1.
 *
 * In this contract:
 *   - `fit(X)` runs the stream over X's rows from an empty window: its `trainingScores` are the
 *     causal scores of those rows (what `score FILE` and NAB's runner report), and the model
 *     keeps the state the stream ended in (the window and the step buffer).
 *   - `score(X)` continues the stream from that state over X's rows in order, on a copy: the
 *     model is not changed, so scoring the same rows twice gives the same scores. A row's
 *     score therefore depends on the rows before it in X (a prefix of X scores as it does
 *     within X), not on the rows after it, and scoring must not be split into chunks: the
 *     spec says `online`, and the page's pool and the CLI's threads score it in one piece.
 *   - One value column exactly (`columns: 1`); anything else is refused with a message.
 *   - threshold: contamination 'auto' flags score > AUTO_THRESHOLD (see there); a fraction
 *     takes PyOD's percentile of the training scores.
 *
 * Parameters: window_size (default 6400, NAB's tuned value) ≥ 1; step_size (default 100) in
 * [1, window_size].
 *
 * @example
 * const model = await windowedGaussian.fit(fromRows([[1], [2], [3], [10]]), resolveParams(windowedGaussian.params));
 * model.trainingScores; // [0, 1, 1 − Q(1), 1 − Q(|10 − 2| / std(1, 2, 3))]
 */
import type { Matrix } from '../data/matrix.js';
import { normalTail } from '../math/erfc.js';
import { PrefixMeans, numpyStd } from '../math/numpy-sum.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { windowedGaussianMeta } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';

/** NAB's replacement for a zero standard deviation. */
export const ZERO_STD = 1e-6;

/**
 * contamination 'auto': flag score > 1 − Q(5), i.e. values more than 5 standard deviations
 * from the window's mean (about 1 in 1.7 million for normal data). Ours, not NAB's: NAB picks
 * one threshold for the whole corpus by optimising its score (`anomaly-lab nab` does that).
 */
export const AUTO_THRESHOLD = 1 - normalTail(5);

/** The state a stream is in: the window (oldest first) and the values waiting for the next slide. */
export interface WindowedGaussianState {
  window: number[];
  buffer: number[];
}

const COMPUTE = 'float64 typed arrays (online, numpy-exact window statistics)';

/** The running detector: a window, a step buffer, and the mean and std of the window. */
export class GaussianStream {
  /** The window's values, oldest first (the first `length` of them). */
  private readonly held: Float64Array;
  private readonly buffer: Float64Array;
  private readonly means: PrefixMeans;
  private length = 0;
  private waiting = 0;
  private mean = 0;
  private std = 1;

  constructor(readonly windowSize: number, readonly stepSize: number, state?: WindowedGaussianState) {
    this.held = new Float64Array(windowSize);
    this.buffer = new Float64Array(stepSize);
    this.means = new PrefixMeans(this.held);
    if (state && state.window.length > 0) {
      this.held.set(state.window);
      this.length = state.window.length;
      this.buffer.set(state.buffer);
      this.waiting = state.buffer.length;
      this.update();
    }
  }

  /** The score of x against the window so far, then x joins the stream. */
  push(x: number): number {
    const score = this.score(x);
    this.learn(x);
    return score;
  }

  /** x's score against the window so far (0 before the first value); the stream is not changed. */
  score(x: number): number {
    return this.length > 0 ? 1 - tail(x, this.mean, this.std) : 0;
  }

  /** x joins the stream (the window, or the step buffer until the next slide). */
  learn(x: number): void {
    if (this.length < this.windowSize) {
      this.held[this.length++] = x;
      this.update();
    } else {
      this.buffer[this.waiting++] = x;
      if (this.waiting === this.stepSize) {
        this.held.copyWithin(0, this.stepSize);
        this.held.set(this.buffer, this.windowSize - this.stepSize);
        this.means.reset();
        this.waiting = 0;
        this.update();
      }
    }
  }

  /** The window's mean and std (1e−6 for 0) as the next value will be scored against them. */
  get statistics(): { mean: number; std: number } {
    return { mean: this.mean, std: this.std };
  }

  state(): WindowedGaussianState {
    return { window: Array.from(this.held.subarray(0, this.length)), buffer: Array.from(this.buffer.subarray(0, this.waiting)) };
  }

  private update(): void {
    // While the window fills its values stay put, so the prefix sums carry over (reset on a slide).
    this.mean = this.means.mean(this.length);
    const std = numpyStd(this.held, this.mean, 0, this.length);
    this.std = std === 0 ? ZERO_STD : std;
  }
}

/** NAB's normalProbability: the tail beyond x, reflected about the mean below it (2·mean − x, as NAB computes it). */
function tail(x: number, mean: number, std: number): number {
  const v = x < mean ? 2 * mean - x : x;
  return normalTail((v - mean) / std);
}

/** Run a stream over X's rows (one column) in order; progress every 64k rows. */
function runStream(stream: GaussianStream, X: Matrix, signal?: FitOptions['signal'], onProgress?: (f: number) => void): Float64Array {
  const out = new Float64Array(X.rows);
  const CHUNK = 1 << 16;
  for (let start = 0; start < X.rows; start += CHUNK) {
    throwIfAborted(signal);
    const end = Math.min(X.rows, start + CHUNK);
    for (let i = start; i < end; i++) out[i] = stream.push(X.data[i]);
    onProgress?.(end / X.rows);
  }
  return out;
}

function checkOneColumn(X: Matrix): void {
  if (X.cols !== 1) throw new RangeError(`windowed_gaussian scores one value column (a time series), got ${X.cols} columns: choose exactly one`);
}

export const windowedGaussian: DetectorSpec = {
  ...windowedGaussianMeta,
  async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
    checkOneColumn(X);
    checkTraining(X, 'windowed_gaussian');
    const windowSize = Number(params.window_size);
    const stepSize = Number(params.step_size);
    if (stepSize > windowSize) throw new RangeError(`step_size must be <= window_size (${windowSize}), got: ${stepSize}`);
    throwIfAborted(options.signal);
    const stream = new GaussianStream(windowSize, stepSize);
    const trainingScores = runStream(stream, X, options.signal, (f) => options.onProgress?.(f, 'scoring the stream'));
    const { threshold } = fitThreshold(contaminationRule('pyod', params.contamination, AUTO_THRESHOLD), trainingScores);
    return new WindowedGaussianModel(params, threshold, stream.state(), trainingScores);
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'windowed_gaussian');
    const s = m.state as WindowedGaussianState;
    const w = Number(m.params?.window_size);
    const step = Number(m.params?.step_size);
    if (!Array.isArray(s?.window) || !Array.isArray(s?.buffer) || s.window.length < 1 || s.window.length > w || s.buffer.length >= step || (s.buffer.length > 0 && s.window.length < w)) {
      throw new TypeError('windowed_gaussian model state is malformed');
    }
    return new WindowedGaussianModel(m.params, m.threshold, s);
  },
};

class WindowedGaussianModel implements FittedModel {
  readonly detector = 'windowed_gaussian';
  readonly features = 1;
  readonly info: ModelInfo;
  constructor(
    readonly params: Params,
    readonly threshold: number,
    private readonly state: WindowedGaussianState,
    readonly trainingScores?: Float64Array,
  ) {
    const { mean, std } = new GaussianStream(Number(params.window_size), Number(params.step_size), state).statistics;
    this.info = {
      compute: COMPUTE,
      warnings: [],
      details: {
        window_size: params.window_size, step_size: params.step_size,
        window_values: state.window.length, waiting_values: state.buffer.length,
        window_mean: mean, window_std: std,
        rule: params.contamination === 'auto' ? 'score > 1 − Q(5) (|x − mean| > 5 std)' : `top ${params.contamination} of training scores`,
      },
    };
  }

  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, 1, 'windowed_gaussian');
    const stream = new GaussianStream(Number(this.params.window_size), Number(this.params.step_size), this.state);
    return Scores.with(runStream(stream, X, options.signal, options.onProgress), COMPUTE);
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'windowed_gaussian', params: this.params, threshold: this.threshold, features: 1, state: this.state };
  }
}
