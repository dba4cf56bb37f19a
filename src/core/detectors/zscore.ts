/**
 * z-score detector: standardise each column, score a row by its largest
 * absolute z over the columns.
 *
 * Classic: centre = mean, scale = population std (numpy's ddof=0). Robust:
 * centre = median, scale = MAD · 1.4826 (consistent with the std for normal
 * data). A column whose scale is 0 contributes 0 to every score and is reported
 * rather than divided by. 'auto' contamination means the textbook rule
 * |z| > 3; a fraction takes that quantile of the training scores.
 *
 * On a GPU backend (webgpu / webgl) scoring runs as tfjs tensor ops in float32
 * (centre and scale are fitted in float64 first, then cast); elsewhere it is a
 * float64 typed-array pass, which matches numpy to rounding.
 *
 * @example
 * const model = await zscore.fit(fromRows([[0], [1], [2], [10]]), resolveParams(zscore.params));
 * await model.score(fromRows([[1]])); // Float64Array [|1 − 3.25| / std]
 */
import { columnMeanStd, standardScore } from '../data/scale.js';
import { useTensorPath } from '../compute/backend.js';
import type { Matrix } from '../data/matrix.js';
import { medianSorted } from '../metrics/quantile.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { zscoreMeta } from './specs.js';
import { contaminationRule, fitThreshold, needsScores } from './threshold.js';

/** MAD → σ for normal data: 1 / Φ⁻¹(3/4). */
export const MAD_TO_SIGMA = 1.4826;
const AUTO_THRESHOLD = 3;

interface ZState {
  center: number[];
  scale: number[];
}

export const zscore: DetectorSpec = {
  ...zscoreMeta,
  async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
    checkTraining(X, 'z-score');
    const robust = params.robust === true;
    throwIfAborted(options.signal);
    const state: ZState = robust ? columnMedianMad(X, options) : (({ mean, std }) => ({ center: mean, scale: std }))(columnMeanStd(X));
    // 'auto': the textbook |z| > 3 (ours); a fraction: PyOD's threshold_ over the training scores.
    const rule = contaminationRule('pyod', params.contamination, AUTO_THRESHOLD);
    const trainingScores = needsScores(rule) ? scoreTyped(X, state) : undefined;
    const { threshold } = fitThreshold(rule, trainingScores);
    options.onProgress?.(1, 'fitted');
    return new ZScoreModel(params, X.cols, threshold, state, trainingScores);
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'zscore');
    const s = m.state as ZState;
    if (!Array.isArray(s?.center) || !Array.isArray(s?.scale) || s.center.length !== m.features) throw new TypeError('z-score model state is malformed');
    return new ZScoreModel(m.params, m.features, m.threshold, s);
  },
};

class ZScoreModel implements FittedModel {
  readonly detector = 'zscore';
  readonly info: ModelInfo;
  constructor(
    readonly params: Params,
    readonly features: number,
    readonly threshold: number,
    private readonly state: ZState,
    readonly trainingScores?: Float64Array,
  ) {
    const zero = state.scale.map((s, j) => (s === 0 ? j : -1)).filter((j) => j >= 0);
    this.info = {
      compute: 'float64 typed arrays',
      warnings: zero.length
        ? [`${zero.length} column${zero.length > 1 ? 's have' : ' has'} zero ${params.robust ? 'MAD' : 'variance'} and contribute${zero.length > 1 ? '' : 's'} 0 to the score: column index ${zero.join(', ')}`]
        : [],
      details: { center: state.center, scale: state.scale, zeroScaleColumns: zero, rule: params.contamination === 'auto' ? '|z| > 3' : `top ${params.contamination} of training scores` },
    };
  }

  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'z-score');
    throwIfAborted(options.signal);
    if (useTensorPath({ backend: options.backend })) return Scores.with(await scoreTensor(X, this.state), `tfjs ${options.backend} (float32)`);
    return Scores.with(scoreTyped(X, this.state), this.info.compute);
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'zscore', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}

function scoreTyped(X: Matrix, { center, scale }: ZState): Float64Array {
  const { rows, cols, data } = X;
  // Divide, as numpy does: multiplying by a rounded 1/s is an ulp off now and
  // then, which splits ties that numpy keeps (robust z on discrete columns).
  // A zero-scale column divides by Infinity and contributes 0.
  const div = scale.map((s) => (s === 0 ? Infinity : s));
  const out = new Float64Array(rows);
  if (cols === 1) {
    const c = center[0];
    const d = div[0];
    for (let i = 0; i < rows; i++) out[i] = Math.abs(data[i] - c) / d;
    for (let i = 0; i < rows; i++) if (out[i] === Infinity) out[i] = Math.abs(standardScore(data[i], c, d));
    return out;
  }
  for (let i = 0, k = 0; i < rows; i++) {
    let best = 0;
    for (let j = 0; j < cols; j++, k++) {
      let z = Math.abs(data[k] - center[j]) / div[j];
      // x − centre overflowed (values near the largest double): divide first.
      if (z === Infinity) z = Math.abs(standardScore(data[k], center[j], div[j]));
      if (z > best) best = z;
    }
    out[i] = best;
  }
  return out;
}

async function scoreTensor(X: Matrix, { center, scale }: ZState): Promise<Float64Array> {
  const tf = await import('@tensorflow/tfjs-core');
  const inv = scale.map((s) => (s === 0 ? 0 : 1 / s));
  const chunk = 1 << 16;
  const out = new Float64Array(X.rows);
  for (let start = 0; start < X.rows; start += chunk) {
    const end = Math.min(X.rows, start + chunk);
    const part = X.data.subarray(start * X.cols, end * X.cols);
    const z = tf.tidy(() => {
      const x = tf.tensor2d(Float32Array.from(part), [end - start, X.cols]);
      const c = tf.tensor1d(center);
      const s = tf.tensor1d(inv);
      return tf.max(tf.abs(tf.mul(tf.sub(x, c), s)), 1);
    });
    const values = (await z.data()) as Float32Array;
    z.dispose();
    out.set(values, start);
  }
  return out;
}

/** Per column: the median and MAD·1.4826. */
function columnMedianMad(X: Matrix, options: FitOptions): ZState {
  const center: number[] = [];
  const scale: number[] = [];
  const column = new Float64Array(X.rows);
  for (let j = 0; j < X.cols; j++) {
    throwIfAborted(options.signal);
    for (let i = 0, k = j; i < X.rows; i++, k += X.cols) column[i] = X.data[k];
    const [c, s] = medianMad(column);
    center.push(c);
    scale.push(s);
    options.onProgress?.(((j + 1) / X.cols) * 0.5, 'fitting');
  }
  return { center, scale };
}

function medianMad(v: Float64Array): [number, number] {
  const sorted = Float64Array.from(v).sort();
  const med = medianSorted(sorted);
  for (let i = 0; i < sorted.length; i++) sorted[i] = Math.abs(v[i] - med);
  sorted.sort();
  return [med, medianSorted(sorted) * MAD_TO_SIGMA];
}
