/**
 * One-class SVM, as scikit-learn's `OneClassSVM` (Schölkopf et al. 2001), with
 * a Nystroem + SGD route for data too large for exact training.
 *
 * Exact ('exact'): the dual is solved by src/core/compute/smo.ts, which follows
 * libsvm's SMO (second-order working sets, shrinking, a bounded kernel cache)
 * step for step. decision_function(x) = Σᵢ αᵢ K(xᵢ, x) − ρ over the support
 * vectors (αᵢ > 0): negative = outlier. Our score is −decision_function, and
 * contamination 'auto' puts the threshold at 0 — scikit-learn's predict. A
 * fraction moves it to that quantile of the training scores instead (then
 * decisionFunction = threshold − score is shifted by the same amount, as
 * IsolationForest's offset_ shifts its decision_function).
 *
 * Approximate ('nystroem'): scikit-learn's large-data recipe,
 * `make_pipeline(Nystroem(kernel, gamma, n_components), SGDOneClassSVM(nu))`
 * (src/core/compute/nystroem.ts). Its decision values are on a different scale
 * from the exact solver's and only approximate its ranking; the model says so.
 *
 * 'auto' trains exactly up to EXACT_MAX_ROWS rows and approximately above,
 * where exact training (quadratic in the rows) takes longer than a user waits.
 *
 * `standardize` fits a StandardScaler (mean, population standard deviation; a
 * zero scale stays 1) on the training rows first. It is off by default here and
 * on the command line (scikit-learn's OneClassSVM does not scale); the page
 * turns it on by default, as every scikit-learn user scales before an SVM.
 *
 * Exact models score as float64 typed arrays, or as tfjs tensor ops in float32
 * on GPU backends (kernel blocks by matMul: ‖x‖² + ‖s‖² − 2⟨x, s⟩ for rbf;
 * the linear kernel through w = Σ αᵢ svᵢ), which agree with float64 within 1e-4
 * of the scores' spread (tests/unit/ocsvm-tensor.test.ts). Nystroem models,
 * approximate anyway, compute their features as tfjs matMuls on wasm too.
 */
import { applyStandardScaler, fitStandardScaler, type StandardScaler } from '../data/scale.js';
import { GPU_BACKENDS, useTensorPath } from '../compute/backend.js';
import type { Matrix } from '../data/matrix.js';
import { kernelBlock, resolveGamma, type KernelName, type KernelParams } from '../compute/kernels.js';
import { fitNystroem, nystroemTransform, nystroemTransformTensor, sgdOneClass, type NystroemMap } from '../compute/nystroem.js';
import { solveOneClass } from '../compute/smo.js';
import { DEFAULT_SEED, Random } from '../random.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, decisionFromScores, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { OCSVM_EXACT_MAX_ROWS, ocsvmMeta } from './specs.js';
import { AT_LEAST_ZERO, contaminationRule, fitThreshold, thresholdRelation } from './threshold.js';

/** Above this many training rows 'auto' takes the Nystroem + SGD route (kept in specs.ts, which the page reads). */
export const EXACT_MAX_ROWS = OCSVM_EXACT_MAX_ROWS;
/** Backends whose matMul beats typed-array loops for the Nystroem features of the training rows (the cpu backend's does not). */
const TENSOR_FIT_BACKENDS: ReadonlySet<string> = new Set([...GPU_BACKENDS, 'wasm']);

type Scaler = StandardScaler;

interface ExactState {
  method: 'exact';
  kernel: KernelParams;
  rho: number;
  /** Support vectors (in the model's input space after scaling), row-major. */
  sv: number[];
  /** αᵢ of each support vector (scikit-learn's dual_coef_). */
  coef: number[];
  support: number[];
  scaler: Scaler | null;
  iterations: number;
}

interface NystroemState {
  method: 'nystroem';
  kernel: KernelParams;
  basis: number[];
  components: number;
  normalization: number[];
  coef: number[];
  offset: number;
  epochs: number;
  scaler: Scaler | null;
}

type OcsvmState = ExactState | NystroemState;

export const ocsvm: DetectorSpec = {
  ...ocsvmMeta,
  async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
    const n = X.rows;
    const d = X.cols;
    checkTraining(X, 'One-class SVM');
    const nu = Number(params.nu);
    const warnings: string[] = [];
    let scaler: Scaler | null = null;
    let data = X.data;
    if (params.standardize === true) {
      const fitted = fitStandardScaler(X);
      scaler = { mean: fitted.mean, scale: fitted.scale };
      data = applyStandardScaler(X, scaler);
      const flat = fitted.constant.length;
      if (flat) warnings.push(`${flat} column${flat > 1 ? 's are' : ' is'} constant: left unscaled`);
    }
    const kernel: KernelParams = {
      kernel: String(params.kernel) as KernelName,
      gamma: resolveGamma(params.gamma as number | string, data, d),
      degree: Number(params.degree),
      coef0: Number(params.coef0),
    };
    let method = String(params.method);
    if (method === 'auto') method = n > EXACT_MAX_ROWS ? 'nystroem' : 'exact';
    if (method === 'nystroem') warnings.push(`approximate: Nystroem (${Math.min(Number(params.n_components), n)} components) + SGDOneClassSVM — decision values are on their own scale and approximate the exact ranking`);
    throwIfAborted(options.signal);
    const t0 = Date.now();
    let state: OcsvmState;
    let tensorFeatures: string | null = null;
    if (method === 'exact') {
      const res = solveOneClass(data, n, d, kernel, nu, {
        eps: Number(params.tol),
        shrinking: params.shrinking !== false,
        cacheMiB: Number(params.cache_size),
        maxIter: Number(params.max_iter),
        signal: options.signal,
        onProgress: (f, m) => options.onProgress?.(0.8 * f, m),
      });
      // scikit-learn's check after libsvm (nu = 1 puts every αᵢ at its bound and ρ at ±∞, say).
      if (!Number.isFinite(res.rho) || res.alpha.some((a) => !Number.isFinite(a))) {
        throw new RangeError(`The dual coefficients or intercepts are not finite (nu=${nu}, rho=${res.rho}). The input data may contain large values and need to be preprocessed.`);
      }
      if (res.hitMaxIter) warnings.push(`the solver stopped at max_iter (${res.iterations} iterations) before reaching tol: the solution is not optimal`);
      const support: number[] = [];
      const coef: number[] = [];
      for (let i = 0; i < n; i++) {
        if (res.alpha[i] > 0) {
          support.push(i);
          coef.push(res.alpha[i]);
        }
      }
      const sv: number[] = new Array(support.length * d);
      for (let s = 0; s < support.length; s++) for (let k = 0; k < d; k++) sv[s * d + k] = data[support[s] * d + k];
      state = { method: 'exact', kernel, rho: res.rho, sv, coef, support, scaler, iterations: res.iterations };
    } else {
      const rng = new Random(options.seed ?? DEFAULT_SEED);
      const map = fitNystroem(data, n, d, kernel, Number(params.n_components), rng, options.signal);
      options.onProgress?.(0.1, 'Nystroem features');
      const F = new Float32Array(n * map.components);
      if (useTensorPath({ backend: options.backend }, TENSOR_FIT_BACKENDS)) {
        await nystroemTransformTensor(map, data, n, d, kernel, F, { signal: options.signal, onProgress: (f) => options.onProgress?.(0.1 + 0.4 * f, 'Nystroem features') });
        tensorFeatures = options.backend!;
      } else {
        const step = 8192;
        for (let s = 0; s < n; s += step) {
          throwIfAborted(options.signal);
          nystroemTransform(map, data, s, Math.min(n, s + step), d, kernel, F, s * map.components);
          options.onProgress?.(0.1 + 0.4 * (Math.min(n, s + step) / n), 'Nystroem features');
        }
      }
      const maxEpochs = Number(params.sgd_max_iter);
      const sgd = sgdOneClass(F, n, map.components, {
        nu,
        maxIter: maxEpochs,
        tol: Number(params.tol),
        rng,
        signal: options.signal,
        onEpoch: (e) => options.onProgress?.(0.5 + 0.3 * Math.min(1, e / 20), `SGD epoch ${e}`),
      });
      if (!sgd.converged) warnings.push(`SGDOneClassSVM did not converge in ${sgd.epochs} epochs (sgd_max_iter)`);
      state = {
        method: 'nystroem', kernel, basis: Array.from(map.basis), components: map.components, normalization: Array.from(map.normalization),
        coef: Array.from(sgd.coef), offset: sgd.offset, epochs: sgd.epochs, scaler,
      };
      // The training rows' features are at hand: score them now.
      const scores = featureScores(sgd.coef, sgd.offset, F, n);
      const compute = tensorFeatures ? `tfjs ${tensorFeatures} Nystroem features (float32), SGD in float64 (approximate)` : undefined;
      return finish(params, d, state, warnings, scores, Date.now() - t0, options, compute);
    }
    // Training rows: a fresh float64 pass, as scikit-learn's decision_function(X) makes. The solver's
    // gradient Σ αⱼ K(xᵢ, xⱼ) holds them too, but from float32 cached kernel values: up to ~2e-6 off,
    // enough to flip a row near 0 (the pass costs about a third of the solve).
    const scores = new OcsvmModel(params, d, 0, state, [], null).scoreTyped(data, n, options.signal, (f) => options.onProgress?.(0.8 + 0.2 * f, 'scoring the training rows'));
    return finish(params, d, state, warnings, scores, Date.now() - t0, options);
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'ocsvm');
    const s = m.state as OcsvmState;
    if (!s || (s.method !== 'exact' && s.method !== 'nystroem') || !Array.isArray(s.coef)) throw new TypeError('One-class SVM model state is malformed');
    if (s.method === 'exact' && s.sv.length !== s.coef.length * m.features) throw new TypeError('One-class SVM model state is malformed (support vectors)');
    // Models saved before libsvm's rule was followed hold threshold 0 for 'auto'.
    const threshold = m.params.contamination === 'auto' && m.threshold === 0 ? AT_LEAST_ZERO : m.threshold;
    return new OcsvmModel(m.params, m.features, threshold, s, [], null);
  },
};

/** Nystroem models' scores from features (rows × components, float32): offset_ − ⟨w, φ⟩. */
function featureScores(coef: ArrayLike<number>, offset: number, F: Float32Array, rows: number): Float64Array {
  const c = coef.length;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let j = 0, o = r * c; j < c; j++) dot += coef[j] * F[o + j];
    out[r] = offset - dot;
  }
  return out;
}

function finish(params: Params, d: number, state: OcsvmState, warnings: string[], scores: Float64Array, fitMs: number, options: FitOptions, compute?: string): FittedModel {
  // 'auto': libsvm's predict (decision_function ≤ 0 flagged); a fraction: PyOD's threshold_ over the training scores.
  const { threshold } = fitThreshold(contaminationRule('pyod', params.contamination, AT_LEAST_ZERO), scores);
  options.onProgress?.(1, 'fitted');
  return new OcsvmModel(params, d, threshold, state, warnings, fitMs, scores, compute);
}

class OcsvmModel implements FittedModel {
  readonly detector = 'ocsvm';
  readonly info: ModelInfo;
  /** decision_function = decisionOffset − score: 0 for 'auto' (the threshold sits just below it), else the threshold. */
  readonly decisionOffset: number;
  /** score_samples = decision_function + offset_ = offset_ − score (offset_ = ρ exactly, SGD's offset_ for Nystroem). */
  readonly scoreSamplesOffset: number;
  private readonly sv: Float64Array;
  private readonly coef: Float64Array;
  private readonly map: NystroemMap | null;

  constructor(
    readonly params: Params,
    readonly features: number,
    readonly threshold: number,
    private readonly state: OcsvmState,
    warnings: string[],
    fitMs: number | null,
    readonly trainingScores?: Float64Array,
    /** How it was fitted, when not the default for its method (Nystroem features on tensors). */
    compute?: string,
  ) {
    // 'auto' (libsvm's score ≥ 0) keeps decision_function = −score; a fraction shifts it as the threshold does.
    this.decisionOffset = thresholdRelation(threshold).value;
    this.scoreSamplesOffset = state.method === 'exact' ? state.rho : state.offset;
    this.coef = Float64Array.from(state.coef);
    if (state.method === 'exact') {
      this.sv = Float64Array.from(state.sv);
      this.map = null;
    } else {
      this.sv = new Float64Array(0);
      this.map = { basis: Float64Array.from(state.basis), components: state.components, normalization: Float64Array.from(state.normalization) };
    }
    const k = state.kernel;
    const details: Record<string, unknown> = { method: state.method, kernel: k.kernel, gamma_: k.gamma, standardized: state.scaler !== null };
    if (state.method === 'exact') {
      Object.assign(details, { n_support: state.coef.length, rho: state.rho, intercept_: -state.rho, offset_: state.rho, n_iter_: state.iterations });
    } else {
      Object.assign(details, { n_components: state.components, offset_: state.offset, n_iter_: state.epochs });
    }
    if (fitMs !== null) details.fit_ms = fitMs;
    this.info = {
      compute: compute ?? (state.method === 'exact' ? "float64 typed arrays, libsvm's SMO" : 'float64 typed arrays, Nystroem + SGD (approximate)'),
      warnings,
      details,
    };
  }

  /** Scores (−decision_function) of rows already scaled, float64. */
  scoreTyped(data: Float64Array, rows: number, signal?: FitOptions['signal'], onProgress?: (f: number) => void): Float64Array {
    const d = this.features;
    const out = new Float64Array(rows);
    if (this.state.method === 'nystroem') {
      const c = this.map!.components;
      const step = 8192;
      const F = new Float32Array(Math.min(step, rows) * c);
      for (let s = 0; s < rows; s += step) {
        throwIfAborted(signal);
        const e = Math.min(rows, s + step);
        nystroemTransform(this.map!, data, s, e, d, this.state.kernel, F, 0);
        out.set(featureScores(this.coef, (this.state as NystroemState).offset, F, e - s), s);
        onProgress?.(e / rows);
      }
      return out;
    }
    const m = this.coef.length;
    const block = Math.max(1, Math.min(rows, Math.floor(2_000_000 / Math.max(1, m))));
    const K = new Float64Array(block * m);
    const rho = this.state.rho;
    for (let s = 0; s < rows; s += block) {
      throwIfAborted(signal);
      const e = Math.min(rows, s + block);
      kernelBlock(data.subarray(s * d, e * d), e - s, this.sv, m, d, this.state.kernel, K);
      for (let r = 0; r < e - s; r++) {
        let sum = 0;
        for (let j = 0, o = r * m; j < m; j++) sum += this.coef[j] * K[o + j];
        out[s + r] = rho - sum;
      }
      onProgress?.(e / rows);
    }
    return out;
  }

  /** Σ αᵢ svᵢ: the linear kernel's primal weights. */
  private linearWeights(): Float64Array {
    const d = this.features;
    const w = new Float64Array(d);
    for (let j = 0; j < this.coef.length; j++) for (let k = 0; k < d; k++) w[k] += this.coef[j] * this.sv[j * d + k];
    return w;
  }

  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'One-class SVM');
    const data = this.state.scaler ? applyStandardScaler(X, this.state.scaler) : X.data;
    // Exact models: tensors on GPU backends only (float64 elsewhere). Nystroem models are approximate anyway and their
    // features are float32: on wasm too, where the matMuls beat the typed loops several times over.
    if (useTensorPath(options, this.state.method === 'nystroem' ? TENSOR_FIT_BACKENDS : GPU_BACKENDS)) {
      const compute = `tfjs ${options.backend ?? 'tensor'} kernel blocks (float32)${this.state.method === 'nystroem' ? ', Nystroem + SGD (approximate)' : ''}`;
      return Scores.with(await this.scoreTensor(data, X.rows, options), compute);
    }
    return Scores.with(this.scoreTyped(data, X.rows, options.signal, options.onProgress), this.info.compute);
  }

  async decisionFunction(X: Matrix, options: ScoreOptions = {}): Promise<Float64Array> {
    return decisionFromScores(this, await this.score(X, options))!;
  }

  /** Kernel blocks as tensors: K(X, S) from one matMul, then a matVec with the coefficients. */
  private async scoreTensor(data: Float64Array, rows: number, options: ScoreOptions): Promise<Float64Array> {
    const tf = await import('@tensorflow/tfjs-core');
    const d = this.features;
    const st = this.state;
    const k = st.kernel;
    const S = st.method === 'exact' ? this.sv : this.map!.basis;
    const m = S.length / d;
    const out = new Float64Array(rows);
    if (st.method === 'exact' && k.kernel === 'linear') {
      // Linear: w = Σ αᵢ svᵢ in float64 first, so the float32 part is one dot per row (no cancellation across support vectors).
      const w = this.linearWeights();
      const wt = tf.tensor2d(Float32Array.from(w), [d, 1]);
      try {
        for (let s = 0; s < rows; s += 65536) {
          throwIfAborted(options.signal);
          const e = Math.min(rows, s + 65536);
          const res = tf.tidy(() => tf.reshape(tf.matMul(tf.tensor2d(Float32Array.from(data.subarray(s * d, e * d)), [e - s, d]), wt), [e - s]));
          const v = await res.data();
          res.dispose();
          for (let r = 0; r < e - s; r++) out[s + r] = st.rho - v[r];
          options.onProgress?.(e / rows);
        }
      } finally {
        wt.dispose();
      }
      return out;
    }
    const sT = tf.tensor2d(Float32Array.from(S), [m, d]);
    const sNorm = tf.tidy(() => tf.reshape(tf.sum(tf.square(sT), 1), [1, m]));
    const post = st.method === 'exact'
      ? tf.tensor2d(Float32Array.from(this.coef), [m, 1])
      : tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(this.map!.normalization), [m, m]), tf.tensor2d(Float32Array.from(this.coef), [m, 1])));
    const shift = st.method === 'exact' ? st.rho : st.offset;
    const block = Math.max(1, Math.min(rows, Math.floor(4_000_000 / Math.max(1, m))));
    try {
      for (let s = 0; s < rows; s += block) {
        throwIfAborted(options.signal);
        const e = Math.min(rows, s + block);
        const res = tf.tidy(() => {
          const x = tf.tensor2d(Float32Array.from(data.subarray(s * d, e * d)), [e - s, d]);
          const dot = tf.matMul(x, sT, false, true);
          let K: import('@tensorflow/tfjs-core').Tensor;
          if (k.kernel === 'rbf') {
            const d2 = tf.relu(tf.sub(tf.add(tf.sum(tf.square(x), 1, true), sNorm), tf.mul(dot, 2)));
            K = tf.exp(tf.mul(d2, -k.gamma));
          } else if (k.kernel === 'linear') K = dot;
          else if (k.kernel === 'poly') K = tf.pow(tf.add(tf.mul(dot, k.gamma), k.coef0), k.degree);
          else K = tf.tanh(tf.add(tf.mul(dot, k.gamma), k.coef0));
          return tf.reshape(tf.matMul(K as import('@tensorflow/tfjs-core').Tensor2D, post), [e - s]);
        });
        const v = await res.data();
        res.dispose();
        for (let r = 0; r < e - s; r++) out[s + r] = shift - v[r];
        options.onProgress?.(e / rows);
      }
    } finally {
      sT.dispose();
      sNorm.dispose();
      post.dispose();
    }
    return out;
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'ocsvm', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}
