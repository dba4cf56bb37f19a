/**
 * AutoEncoder, as PyOD 2.x's `AutoEncoder` (torch): a dense network trained to
 * reproduce its standardised input; a row's score is how badly it does.
 *
 * Network: d → h₁ → … → h_k → … → h₁ → d for hidden_neuron_list [h₁ … h_k]
 * (default [64, 32]: d → 64 → 32 → 64 → d). Every layer but the last is
 * Linear → BatchNorm1d (batch_norm) → activation → dropout, as PyOD's
 * LinearBlock; the last is Linear alone. Weights are initialised as PyOD does:
 * hidden layers kaiming_uniform (U(±√(6 / fan_in))), the output layer torch's
 * Linear default (U(±1 / √fan_in)), every bias U(±1 / √fan_in), BatchNorm γ = 1,
 * β = 0 — drawn from our seeded Random (torch's generator cannot be matched).
 *
 * Training: inputs standardised with the training rows' mean and population
 * standard deviation (preprocessing; a zero-variance column is divided by 1,
 * as scikit-learn's StandardScaler does, where PyOD would divide by 0). A
 * seeded random `validation_size` share of the rows is held out to report a
 * validation loss (and for early stopping with `patience`); PyOD 2.x trains on
 * all rows: set validation_size = 0 for that. The rest is shuffled every epoch
 * and cut into batches of batch_size, the last partial batch dropped (PyOD's
 * drop_last). Loss: mean squared error. Optimiser: Adam (β 0.9 / 0.999, ε 1e-8,
 * torch's) with L2 weight_decay added to every gradient (PyOD's default
 * optimizer_params). BatchNorm normalises by the batch's biased variance and
 * tracks running statistics with momentum 0.1 and the unbiased variance;
 * dropout masks come from our Random (inverted dropout: kept units × 1/(1−p)).
 *
 * Scoring (PyOD's decision_function, in eval mode: no dropout, BatchNorm with
 * its running statistics): the mean over the features of the squared
 * reconstruction error of the standardised row, higher = more anomalous. PyOD
 * reports the Euclidean norm of the same error, √(d · score): the same order,
 * so the same ROC-AUC and the same flagged rows. The threshold is the
 * (1 − contamination) quantile of the training rows' scores (numpy linear),
 * PyOD's threshold_. `explain(X)` gives the per-feature squared errors.
 *
 * Compute: tfjs-core tensors on whatever backend is active (imported lazily;
 * float32). The forward and backward passes are written out by hand (tfjs-core
 * registers no gradients without the whole gradient bundle) and all parameters
 * live in one flat vector, so that a step of batch 32 costs ~100 tfjs ops, not
 * ~300: per-op overhead, not arithmetic, bounds training at this batch size.
 * Scoring runs in blocks of 8192 rows with BatchNorm folded into the weights.
 * The same seed gives the same scores on the same backend.
 *
 * @example
 * const model = await autoencoder.fit(X, resolveParams(autoencoder.params), { seed: 42, onEpoch: (e) => console.log(e.epoch, e.loss) });
 * const scores = await model.score(X);                          // (rows,), higher = more anomalous
 * const errors = await (model as AutoencoderModel).explain(X);  // (rows × features) squared errors
 */
import { fitStandardScaler } from '../data/scale.js';
import { base64ToBytes, bytesToBase64 } from '../data/base64.js';
import type { Matrix } from '../data/matrix.js';
import { DEFAULT_SEED, Random } from '../random.js';
import { checkFeatures, checkModelJSON, checkTraining, throwIfAborted, type AbortSignalLike, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { ACTIVATIONS, autoencoderMeta, type ActivationName } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Tensor2D = import('@tensorflow/tfjs-core').Tensor2D;
type Variable = import('@tensorflow/tfjs-core').Variable;

export { ACTIVATIONS, type ActivationName };

/** torch's BatchNorm1d defaults. */
const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;
/** torch's Adam defaults. */
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPS = 1e-8;
/** torch's LeakyReLU default slope (tfjs' own default is 0.2). */
const LEAKY_SLOPE = 0.01;
/** Rows per tfjs call when scoring: per-op overhead is paid once per block. */
const SCORE_BLOCK = 8192;
/** Batches between progress reports. */
const PROGRESS_EVERY = 32;
/** Give the event loop a turn this often while training, so that an abort can arrive. */
const YIELD_MS = 200;

/** The network's shape and what it does between layers. */
export interface AutoencoderArchitecture {
  /** Layer widths from input to output: [d, 64, 32, 64, d]. */
  layers: number[];
  hidden_activation_name: ActivationName;
  batch_norm: boolean;
  batch_norm_epsilon: number;
  dropout_rate: number;
}

/** A weight in tfjs' manifest format (tf.io.WeightsManifestEntry, float32 only here). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/**
 * The saved state (ModelJSON.state). `weightSpecs` + `weightData` are tfjs'
 * own weights format (tf.io.encodeWeights: the float32 buffers back to back,
 * little-endian), weightData in base64, so that tf.io.decodeWeights or an
 * IndexedDB save through tf.io can read them. Kernels are [in, out] (tfjs /
 * Keras layout; torch's is the transpose).
 */
export interface AutoencoderState {
  architecture: AutoencoderArchitecture;
  /** Standardisation fitted on the training rows; null with preprocessing = false. */
  scaler: { mean: number[]; scale: number[] } | null;
  weightSpecs: WeightSpec[];
  weightData: string;
  history: { loss: number[]; val_loss: (number | null)[] };
  epochs_run: number;
  stopped_early: boolean;
}

/** One layer's weights on the host. BatchNorm only on hidden layers with batch_norm. */
interface LayerWeights {
  kernel: Float32Array; // in × out, row-major
  bias: Float32Array;
  gamma?: Float32Array;
  beta?: Float32Array;
  movingMean?: Float32Array;
  movingVariance?: Float32Array;
}

/** A model that can say which features a row's score comes from. */
export interface ExplainableModel extends FittedModel {
  /**
   * Per-feature squared reconstruction errors on standardised features, shape
   * (rows × features), row-major; each row's mean is its score.
   */
  explain(X: Matrix, options?: ScoreOptions): Promise<Float64Array>;
}

/** Whether a fitted model has `explain` (the autoencoder's per-feature errors). */
export function isExplainable(model: FittedModel): model is ExplainableModel {
  return typeof (model as Partial<ExplainableModel>).explain === 'function';
}

export const autoencoder: DetectorSpec = {
  ...autoencoderMeta,
  fit: fitAutoencoder,
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'autoencoder');
    const s = m.state as AutoencoderState;
    if (!s || !s.architecture || !Array.isArray(s.architecture.layers) || !Array.isArray(s.weightSpecs) || typeof s.weightData !== 'string') {
      throw new TypeError('autoencoder model state is malformed');
    }
    const layers = s.architecture.layers;
    if (layers[0] !== m.features || layers[layers.length - 1] !== m.features) throw new TypeError(`autoencoder model state is malformed: layers ${layers.join('→')} for ${m.features} features`);
    if (s.scaler && (s.scaler.mean.length !== m.features || s.scaler.scale.length !== m.features)) throw new TypeError('autoencoder model state is malformed: scaler size');
    const weights = weightsFromSpecs(s.architecture, s.weightSpecs, base64ToBytes(s.weightData));
    return new AutoencoderModel(m.params, m.features, m.threshold, s, weights);
  },
};

/** The layer widths d → … → d from a hidden_neuron_list resolveParams has checked ("64,32"). */
export function layerWidths(d: number, hidden: string): number[] {
  const h = String(hidden).split(',').map(Number);
  return [d, ...h, ...h.slice(0, -1).reverse(), d];
}

async function loadTf(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  // No backend chosen yet (a CLI scoring thread, a script): pick one as the CLI does.
  if (!tf.engine().backendName) {
    const { chooseBackend } = await import('../compute/backend.js');
    await chooseBackend('auto');
  }
  await tf.ready();
  return tf;
}

async function fitAutoencoder(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
  const n = X.rows;
  const d = X.cols;
  // PyOD's AutoEncoder fails on one row (torch's BatchNorm1d: "Expected more than 1 value per channel when training").
  checkTraining(X, 'autoencoder', 2);
  const layers = layerWidths(d, String(params.hidden_neuron_list));
  const activation = String(params.hidden_activation_name) as ActivationName;
  const batchNorm = params.batch_norm === true;
  const dropout = Number(params.dropout_rate);
  const lr = Number(params.lr);
  const weightDecay = Number(params.weight_decay);
  const epochs = Number(params.epoch_num);
  const validationSize = Number(params.validation_size);
  const patience = Number(params.patience);
  const warnings: string[] = [];
  const t0 = performance.now();
  throwIfAborted(options.signal);

  // Standardise with the training rows (population std, numpy's default; zero std → 1).
  const fitted = params.preprocessing === false ? null : fitStandardScaler(X);
  const scaler = fitted && { mean: fitted.mean, scale: fitted.scale };
  if (fitted) {
    const zero = fitted.constant;
    if (zero.length) warnings.push(`${zero.length} column${zero.length > 1 ? 's have' : ' has'} zero variance and ${zero.length > 1 ? 'are' : 'is'} only centred (scale 1): column index ${zero.join(', ')}`);
  }
  const Z = standardise(X.data, n, d, scaler);

  const rng = new Random(options.seed ?? DEFAULT_SEED);
  const arch: AutoencoderArchitecture = { layers, hidden_activation_name: activation, batch_norm: batchNorm, batch_norm_epsilon: BN_EPS, dropout_rate: dropout };
  const layout = paramLayout(arch);
  const theta0 = initParams(arch, layout, rng);

  // Hold out a seeded random share for the validation loss.
  const perm = rng.permutation(n);
  const nVal = Math.floor(n * validationSize);
  if (n - nVal < 2) throw new RangeError(`validation_size ${validationSize} leaves ${n - nVal} training row(s) of ${n}; at least 2 are needed`);
  const valIdx = perm.slice(0, nVal).sort();
  const trainIdx = perm.slice(nVal);
  const nTrain = trainIdx.length;
  let batch = Number(params.batch_size);
  if (batch > nTrain) {
    warnings.push(`batch_size ${batch} is larger than the ${nTrain} training rows: one batch of ${nTrain} rows per epoch`);
    batch = nTrain;
  }
  if (batchNorm && batch < 2) throw new RangeError('batch_norm needs batch_size >= 2 (the batch variance of one row is 0)');
  const batches = Math.floor(nTrain / batch);
  const Zval = nVal ? gatherRows(Z, d, valIdx) : null;

  const tf = await loadTf();
  const backend = tf.getBackend();
  const before = tf.memory().numTensors;
  const hiddenUnits = layers.slice(1, -1);
  const maskWidth = hiddenUnits.reduce((a, b) => a + b, 0);
  const history = { loss: [] as number[], val_loss: [] as (number | null)[] };
  let stoppedEarly = false;
  let theta: Variable | null = null;
  let m: Variable | null = null;
  let v: Variable | null = null;
  let running: Variable | null = null;
  let lossAcc: Variable | null = null;
  const consts: Tensor[] = [];
  let hostTheta = theta0;
  let hostRunning = initialRunning(arch);
  try {
    // tidy: the initial values' own handles go, the variables keep the data.
    // Row vectors [1, P]: pieces split off along axis 1 are rows that broadcast as biases, and
    // column sums (matMul by a row of ones) come out as rows, so few reshapes are needed.
    theta = tf.tidy(() => tf.variable(tf.tensor2d(theta0, [1, layout.size])));
    m = tf.tidy(() => tf.variable(tf.zeros([1, layout.size])));
    v = tf.tidy(() => tf.variable(tf.zeros([1, layout.size])));
    running = batchNorm ? tf.tidy(() => tf.variable(tf.tensor2d(hostRunning, [1, hostRunning.length]))) : null;
    lossAcc = tf.tidy(() => tf.variable(tf.scalar(0)));
    const k = stepConstants(tf, batch, d, weightDecay);
    consts.push(...Object.values(k));
    // Running statistics are [mean, var] per BN layer back to back; the update multiplies the batch's
    // [mean, biased var] by momentum × [1, B / (B − 1)] (torch tracks the unbiased variance).
    const momVec = batchNorm ? tf.tensor2d(runningScale(arch, batch), [1, hostRunning.length]) : null;
    if (momVec) consts.push(momVec);

    const xBuf = new Float32Array(batch * d);
    const maskBuf = dropout > 0 ? new Float32Array(batch * maskWidth) : null;
    const keep = 1 / (1 - dropout);
    const dropBelow = dropout * 4294967296;
    let best = Infinity;
    let sinceBest = 0;
    let lastYield = performance.now();
    const totalSteps = epochs * batches;
    let step = 0;
    const vars: TrainState = { theta, m, v, running, lossAcc };
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const te = performance.now();
      rng.shuffle(trainIdx);
      for (let s = 0; s < batches; s++) {
        throwIfAborted(options.signal);
        for (let i = 0, o = 0; i < batch; i++) {
          const r = trainIdx[s * batch + i] * d;
          for (let j = 0; j < d; j++, o++) xBuf[o] = Z[r + j];
        }
        if (maskBuf) for (let i = 0; i < maskBuf.length; i++) maskBuf[i] = rng.uint32() < dropBelow ? 0 : keep;
        step++;
        trainStep(tf, arch, layout, vars, k, momVec, xBuf, maskBuf, batch, lr, step, weightDecay > 0);
        if (step % PROGRESS_EVERY === 0) options.onProgress?.((0.95 * step) / totalSteps, `training: epoch ${epoch}/${epochs}`);
        if (performance.now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const lossSum = (await lossAcc.data())[0];
      tf.tidy(() => lossAcc!.assign(tf.zerosLike(lossAcc!)));
      const loss = lossSum / (batches * batch * d);
      // Validation in eval mode (no dropout, running BatchNorm statistics), as Keras and torch report it.
      hostTheta = (await theta.data()) as Float32Array;
      if (running) hostRunning = (await running.data()) as Float32Array;
      let valLoss: number | null = null;
      if (Zval) {
        const w = foldLayers(arch, unpack(arch, layout, hostTheta, hostRunning));
        const errs = await reconstructionErrors(tf, arch, w, Zval, nVal, d, 'score', options.signal);
        let sum = 0;
        for (let i = 0; i < nVal; i++) sum += errs[i];
        valLoss = sum / nVal;
      }
      history.loss.push(loss);
      history.val_loss.push(valLoss);
      const now = performance.now();
      options.onEpoch?.({ epoch, epochs, loss, valLoss, rowsPerSecond: (batches * batch) / ((now - te) / 1000), elapsedMs: now - t0 });
      if (patience > 0) {
        const monitored = valLoss ?? loss;
        if (monitored < best) {
          best = monitored;
          sinceBest = 0;
        } else if (++sinceBest >= patience && epoch < epochs) {
          stoppedEarly = true;
          break;
        }
      }
    }
  } finally {
    for (const t of [theta, m, v, running, lossAcc]) t?.dispose();
    tf.dispose(consts);
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked > 0) warnings.push(`tfjs: ${leaked} tensor(s) left after training`);

  const weights = unpack(arch, layout, hostTheta, hostRunning);
  const { weightSpecs, weightData } = await encode(tf, arch, weights);
  const state: AutoencoderState = {
    architecture: arch,
    scaler: scaler ? { mean: scaler.mean, scale: scaler.scale } : null,
    weightSpecs,
    weightData,
    history,
    epochs_run: history.loss.length,
    stopped_early: stoppedEarly,
  };
  const trainMs = performance.now() - t0;
  // PyOD's decision_scores_: every training row (validation rows too) scored in eval mode.
  const probe = new AutoencoderModel(params, d, Infinity, state, weights, [], backend);
  options.onProgress?.(0.95, 'scoring the training rows');
  const trainingScores = await probe.scoreStandardised(Z, n, options.signal);
  const { threshold } = fitThreshold(contaminationRule('pyod', params.contamination), trainingScores);
  const details = { training_rows: nTrain, validation_rows: nVal, batches_per_epoch: batches, train_ms: trainMs, rows_per_second: (history.loss.length * batches * batch) / (trainMs / 1000) };
  options.onProgress?.(1, 'fitted');
  return new AutoencoderModel(params, d, threshold, state, weights, warnings, backend, trainingScores, details);
}

/** (x − mean) / scale in float64, stored as float32 (what the network sees). */
function standardise(data: Float64Array, rows: number, cols: number, scaler: { mean: number[]; scale: number[] } | null, out = new Float32Array(rows * cols)): Float32Array {
  if (!scaler) {
    out.set(data.subarray(0, rows * cols));
    return out;
  }
  const { mean, scale } = scaler;
  for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < cols; j++, k++) out[k] = (data[k] - mean[j]) / scale[j];
  return out;
}

function gatherRows(Z: Float32Array, d: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(Z.subarray(idx[i] * d, idx[i] * d + d), i * d);
  return out;
}


function yieldToEventLoop(): Promise<void> {
  const st = (globalThis as unknown as { setTimeout?: (f: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => (st ? st(resolve, 0) : resolve()));
}

/**
 * Where each parameter sits in the flat vector θ: per layer its kernel
 * (in × out), bias, and for a hidden layer with batch_norm γ and β.
 */
interface ParamLayout {
  size: number;
  /** Sizes of the pieces in θ order (for tf.split). */
  sizes: number[];
  /** Per layer: index of its kernel in `sizes` (bias next, then γ, β). */
  first: number[];
}

function paramLayout(arch: AutoencoderArchitecture): ParamLayout {
  const { layers, batch_norm: bn } = arch;
  const sizes: number[] = [];
  const first: number[] = [];
  for (let l = 0; l < layers.length - 1; l++) {
    first.push(sizes.length);
    sizes.push(layers[l] * layers[l + 1], layers[l + 1]);
    if (bn && l < layers.length - 2) sizes.push(layers[l + 1], layers[l + 1]);
  }
  return { size: sizes.reduce((a, b) => a + b, 0), sizes, first };
}

/** PyOD's initialisation, from our Random: see the file's comment. */
function initParams(arch: AutoencoderArchitecture, layout: ParamLayout, rng: Random): Float32Array {
  const { layers, batch_norm: bn } = arch;
  const theta = new Float32Array(layout.size);
  let o = 0;
  const last = layers.length - 2;
  for (let l = 0; l <= last; l++) {
    const fanIn = layers[l];
    const wBound = l < last ? Math.sqrt(6 / fanIn) : 1 / Math.sqrt(fanIn);
    const bBound = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < fanIn * layers[l + 1]; i++) theta[o++] = rng.uniform(-wBound, wBound);
    for (let i = 0; i < layers[l + 1]; i++) theta[o++] = rng.uniform(-bBound, bBound);
    if (bn && l < last) {
      theta.fill(1, o, o + layers[l + 1]);
      o += 2 * layers[l + 1]; // γ = 1, β = 0
    }
  }
  return theta;
}

/** Running [mean, var] per BatchNorm layer: zeros and ones, as torch starts them. */
function initialRunning(arch: AutoencoderArchitecture): Float32Array {
  const units = arch.batch_norm ? arch.layers.slice(1, -1) : [];
  const out = new Float32Array(2 * units.reduce((a, b) => a + b, 0));
  let o = 0;
  for (const u of units) {
    o += u;
    out.fill(1, o, o + u);
    o += u;
  }
  return out;
}

/** momentum × [1 … 1, B/(B−1) … B/(B−1)] per BatchNorm layer. */
function runningScale(arch: AutoencoderArchitecture, batch: number): Float32Array {
  const out = new Float32Array(initialRunning(arch).length);
  let o = 0;
  for (const u of arch.layers.slice(1, -1)) {
    out.fill(BN_MOMENTUM, o, o + u);
    out.fill((BN_MOMENTUM * batch) / (batch - 1), o + u, o + 2 * u);
    o += 2 * u;
  }
  return out;
}

interface TrainState {
  theta: Variable;
  m: Variable;
  v: Variable;
  running: Variable | null;
  lossAcc: Variable;
}

/**
 * One Adam step on a batch, all on the backend: forward in training mode,
 * backward by hand, flat Adam update with L2 weight decay, running BatchNorm
 * statistics, and the batch's summed squared error added to lossAcc.
 */
function trainStep(
  tf: Tf, arch: AutoencoderArchitecture, layout: ParamLayout, st: TrainState, k: Record<string, Tensor>, momVec: Tensor | null,
  xBuf: Float32Array, maskBuf: Float32Array | null, B: number, lr: number, t: number, decay: boolean,
): void {
  const bn = arch.batch_norm;
  tf.tidy(() => {
    const { grad: g0, sqErr, stats } = forwardBackward(tf, arch, layout, st.theta, xBuf, maskBuf, B, k);
    st.lossAcc.assign(tf.add(st.lossAcc, sqErr));
    // Adam on the flat gradient, L2 weight decay folded into it (torch's weight_decay). torch's
    // θ −= lr/bc₁ · m / (√v/√bc₂ + ε) is θ −= (lr √bc₂/bc₁) · m / (√v + ε √bc₂): two ops fewer.
    let grad = g0;
    if (decay) grad = tf.add(grad, tf.mul(st.theta, k.wd));
    const m = tf.add(tf.mul(st.m, k.b1), tf.mul(grad, k.b1c));
    const v = tf.add(tf.mul(st.v, k.b2), tf.mul(tf.square(grad), k.b2c));
    const bc1 = 1 - Math.pow(ADAM_BETA1, t);
    const sbc2 = Math.sqrt(1 - Math.pow(ADAM_BETA2, t));
    const denom = tf.add(tf.sqrt(v), tf.scalar(ADAM_EPS * sbc2));
    st.theta.assign(tf.sub(st.theta, tf.mul(tf.div(m, denom), tf.scalar((lr * sbc2) / bc1))));
    st.m.assign(m);
    st.v.assign(v);
    if (bn && st.running && momVec && stats) {
      st.running.assign(tf.add(tf.mul(st.running, k.mom1), tf.mul(stats, momVec)));
    }
  });
}

/** The scalars a training step uses, made once per fit (dispose them after). */
function stepConstants(tf: Tf, batch: number, d: number, weightDecay: number): Record<string, Tensor> {
  const c = tf.scalar;
  return {
    onesRow: tf.fill([1, batch], 1),
    meanRow: tf.fill([1, batch], 1 / batch),
    b1: c(ADAM_BETA1), b1c: c(1 - ADAM_BETA1), b2: c(ADAM_BETA2), b2c: c(1 - ADAM_BETA2), wd: c(weightDecay),
    bnEps: c(BN_EPS), lossScale: c(2 / (batch * d)), invBatch: c(1 / batch), one: c(1), mom1: c(1 - BN_MOMENTUM),
  };
}

/**
 * The mean squared error of one batch in training mode and its gradient with
 * respect to the flat parameter vector, as `fit` computes them: for the
 * gradient check in the tests. `theta` in the layout of `parameterLayout(arch)`;
 * `mask` holds each hidden layer's rows × units block of 0 or 1/(1 − p), layer after layer, or null.
 */
export async function batchLossAndGradient(arch: AutoencoderArchitecture, theta: Float32Array, x: Float32Array, rows: number, mask: Float32Array | null): Promise<{ loss: number; grad: Float32Array }> {
  const tf = await loadTf();
  const d = arch.layers[0];
  const k = stepConstants(tf, rows, d, 0);
  try {
    const [sq, g] = tf.tidy(() => {
      const r = forwardBackward(tf, arch, paramLayout(arch), tf.tensor2d(theta, [1, theta.length]), x, mask, rows, k);
      return [r.sqErr, r.grad];
    });
    const loss = (await sq.data())[0] / (rows * d);
    const grad = (await g.data()) as Float32Array;
    tf.dispose([sq, g]);
    return { loss, grad };
  } finally {
    tf.dispose(Object.values(k));
  }
}

/** Parameter count and piece sizes of the flat vector θ (tests). */
export function parameterLayout(arch: AutoencoderArchitecture): { size: number; sizes: number[] } {
  const { size, sizes } = paramLayout(arch);
  return { size, sizes };
}

/**
 * Forward in training mode and backward by hand for one batch: the flat
 * gradient of the mean squared error (θ's layout, a [1, P] row), the batch's summed squared
 * error, and the BatchNorm layers' batch [mean, biased variance] back to back. Call inside tf.tidy.
 */
function forwardBackward(
  tf: Tf, arch: AutoencoderArchitecture, layout: ParamLayout, theta: Tensor, xBuf: Float32Array, maskBuf: Float32Array | null, B: number, k: Record<string, Tensor>,
): { grad: Tensor; sqErr: Tensor; stats: Tensor | null } {
  // Written for tfjs' wasm backend, where a small op costs ~5–15 µs whatever
  // its size and some kernels are slower still (measured, batch 32): few ops;
  // plain matMul + add (fused.matMul adds reshapes and a slower kernel);
  // relu as y · step(y) with the dropout mask folded into the gate; column
  // sums and means as a matMul by a row of ones or 1/B (the Sum / Mean kernels
  // over axis 0 are 2–3× slower); transposes explicit before a plain matMul
  // (BatchMatMul's transposed path is ~2.5× slower than transpose + matMul).
  const { layers, batch_norm: bn, hidden_activation_name: act } = arch;
  const d = layers[0];
  const L = layers.length - 1; // Linear layers; the last is the output
  const x = tf.tensor2d(xBuf, [B, d]);
  const parts = tf.split(theta, layout.sizes, 1);
  // The masks lie layer after layer in maskBuf, each B × units.
  let mo = 0;
  const masks = maskBuf ? layers.slice(1, -1).map((u) => tf.tensor2d(maskBuf.subarray(mo, (mo += B * u)), [B, u])) : null;
  /** Column sums (ones · t) and means ((1/B) · t) over the batch, shape [1, n]. */
  const colSum = (t: Tensor) => tf.matMul(k.onesRow as Tensor2D, t as Tensor2D);
  const colMean = (t: Tensor) => tf.matMul(k.meanRow as Tensor2D, t as Tensor2D);
  const kernel = (l: number) => tf.reshape(parts[layout.first[l]], [layers[l], layers[l + 1]]) as Tensor2D;
  const cache: { hIn: Tensor2D; W: Tensor2D; gate: Tensor; zhat?: Tensor; scale?: Tensor }[] = [];
  const stats: Tensor[] = [];
  let h = x as Tensor2D;
  for (let l = 0; l < L - 1; l++) {
    const hIn = h;
    const W = kernel(l);
    const z = tf.add(tf.matMul(hIn, W), parts[layout.first[l] + 1]);
    let y: Tensor = z;
    let zhat: Tensor | undefined;
    let scale: Tensor | undefined;
    if (bn) {
      const gamma = parts[layout.first[l] + 2];
      const mu = colMean(z);
      const zc = tf.sub(z, mu);
      const variance = colMean(tf.square(zc));
      const inv = tf.rsqrt(tf.add(variance, k.bnEps));
      zhat = tf.mul(zc, inv);
      y = tf.add(tf.mul(zhat, gamma), parts[layout.first[l] + 3]);
      scale = tf.mul(gamma, inv);
      stats.push(mu, variance);
    }
    // h = dropout(act(y)); gate = act'(y) · mask, what the backward pass multiplies by.
    let gate: Tensor;
    if (act === 'relu' || act === 'leaky_relu') {
      const slope = tf.step(y, act === 'relu' ? 0 : LEAKY_SLOPE);
      gate = masks ? tf.mul(slope, masks[l]) : slope;
      h = tf.mul(y, gate) as Tensor2D;
    } else {
      let a: Tensor;
      let grad: Tensor;
      if (act === 'elu') {
        a = tf.elu(y);
        grad = tf.minimum(tf.add(a, k.one), k.one); // 1 for y > 0, e^y = a + 1 below
      } else if (act === 'tanh') {
        a = tf.tanh(y);
        grad = tf.sub(k.one, tf.square(a));
      } else {
        a = tf.sigmoid(y);
        grad = tf.mul(a, tf.sub(k.one, a));
      }
      gate = masks ? tf.mul(grad, masks[l]) : grad;
      h = (masks ? tf.mul(a, masks[l]) : a) as Tensor2D;
    }
    cache.push({ hIn, W, gate, zhat, scale });
  }
  const Wout = kernel(L - 1);
  const out = tf.add(tf.matMul(h, Wout), parts[layout.first[L - 1] + 1]);
  const diff = tf.sub(out, x);
  const sqErr = tf.sum(tf.square(diff));

  // Backward: d(mean squared error)/d(out) = 2 (out − x) / (B d).
  const grads: Tensor[] = new Array(layout.sizes.length);
  const g = tf.mul(diff, k.lossScale) as Tensor2D;
  grads[layout.first[L - 1]] = tf.matMul(tf.transpose(h), g);
  grads[layout.first[L - 1] + 1] = colSum(g);
  let dh = tf.matMul(g, tf.transpose(Wout));
  for (let l = L - 2; l >= 0; l--) {
    const c = cache[l];
    let dz = tf.mul(dh, c.gate) as Tensor2D;
    if (bn) {
      // BatchNorm backward, with dβ = Σ dy and dγ = Σ dy·ẑ over the batch:
      // dz = γ/σ · (dy − (dβ + ẑ dγ) / B)
      const dbeta = colSum(dz);
      const dgamma = colSum(tf.mul(dz, c.zhat!));
      grads[layout.first[l] + 2] = dgamma;
      grads[layout.first[l] + 3] = dbeta;
      dz = tf.mul(c.scale!, tf.sub(dz, tf.mul(tf.add(tf.mul(c.zhat!, dgamma), dbeta), k.invBatch))) as Tensor2D;
    }
    grads[layout.first[l]] = tf.matMul(tf.transpose(c.hIn), dz);
    grads[layout.first[l] + 1] = colSum(dz);
    if (l > 0) dh = tf.matMul(dz, tf.transpose(c.W));
  }
  const grad = tf.concat(grads.map((x) => (x.shape[0] === 1 ? x : tf.reshape(x, [1, -1]))), 1);
  return { grad, sqErr, stats: stats.length ? tf.concat(stats, 1) : null };
}

/** The flat θ and running statistics as per-layer host arrays. */
function unpack(arch: AutoencoderArchitecture, layout: ParamLayout, theta: Float32Array, running: Float32Array): LayerWeights[] {
  const { layers, batch_norm: bn } = arch;
  const out: LayerWeights[] = [];
  let o = 0;
  let r = 0;
  const take = (n: number) => theta.slice(o, (o += n));
  for (let l = 0; l < layers.length - 1; l++) {
    const w: LayerWeights = { kernel: take(layers[l] * layers[l + 1]), bias: take(layers[l + 1]) };
    if (bn && l < layers.length - 2) {
      const u = layers[l + 1];
      w.gamma = take(u);
      w.beta = take(u);
      w.movingMean = running.slice(r, r + u);
      w.movingVariance = running.slice(r + u, r + 2 * u);
      r += 2 * u;
    }
    out.push(w);
  }
  if (o !== layout.size) throw new Error(`autoencoder: parameter layout mismatch (${o} ≠ ${layout.size})`);
  return out;
}

/** Eval-mode layers with BatchNorm folded in: W' = W · s, b' = b · s + β − μ s, s = γ / √(σ² + ε). */
function foldLayers(arch: AutoencoderArchitecture, weights: LayerWeights[]): { kernel: Float32Array; bias: Float32Array }[] {
  return weights.map((w, l) => {
    if (!w.gamma) return { kernel: w.kernel, bias: w.bias };
    const out = arch.layers[l + 1];
    const s = Float64Array.from(w.gamma, (g, j) => g / Math.sqrt(w.movingVariance![j] + arch.batch_norm_epsilon));
    const kernel = Float32Array.from(w.kernel, (x, i) => x * s[i % out]);
    const bias = Float32Array.from(w.bias, (b, j) => (b - w.movingMean![j]) * s[j] + w.beta![j]);
    return { kernel, bias };
  });
}

/**
 * Squared reconstruction errors of standardised rows Z (rows × d, float32):
 * per row mean ('score', length rows) or per feature ('explain', rows × d).
 */
async function reconstructionErrors(
  tf: Tf, arch: AutoencoderArchitecture, folded: { kernel: Float32Array; bias: Float32Array }[], Z: Float32Array, rows: number, d: number,
  what: 'score' | 'explain', signal?: AbortSignalLike, onProgress?: (f: number) => void,
): Promise<Float32Array> {
  const { layers, hidden_activation_name: act } = arch;
  const ws = folded.map((w, l) => ({ W: tf.tensor2d(w.kernel, [layers[l], layers[l + 1]]), b: tf.tensor1d(w.bias) }));
  const out = new Float32Array(what === 'score' ? rows : rows * d);
  try {
    for (let start = 0; start < rows; start += SCORE_BLOCK) {
      throwIfAborted(signal);
      const end = Math.min(rows, start + SCORE_BLOCK);
      const r = tf.tidy(() => {
        const x = tf.tensor2d(Z.subarray(start * d, end * d), [end - start, d]);
        let h = x as Tensor2D;
        for (let l = 0; l < ws.length; l++) {
          const { W, b } = ws[l];
          if (l === ws.length - 1) h = tf.fused.matMul({ a: h, b: W, bias: b }) as Tensor2D;
          else if (act === 'tanh') h = tf.tanh(tf.fused.matMul({ a: h, b: W, bias: b })) as Tensor2D;
          else h = tf.fused.matMul({ a: h, b: W, bias: b, activation: act === 'leaky_relu' ? 'leakyrelu' : act, leakyreluAlpha: LEAKY_SLOPE }) as Tensor2D;
        }
        const sq = tf.squaredDifference(h, x);
        return what === 'score' ? tf.mean(sq, 1) : sq;
      });
      try {
        out.set((await r.data()) as Float32Array, what === 'score' ? start : start * d);
      } finally {
        r.dispose();
      }
      onProgress?.(end / rows);
    }
  } finally {
    for (const { W, b } of ws) {
      W.dispose();
      b.dispose();
    }
  }
  return out;
}

/** Names in the tfjs weights manifest (Keras-style). */
function weightNames(arch: AutoencoderArchitecture): { layer: number; key: keyof LayerWeights; name: string; shape: number[] }[] {
  const out: { layer: number; key: keyof LayerWeights; name: string; shape: number[] }[] = [];
  const { layers, batch_norm: bn } = arch;
  for (let l = 0; l < layers.length - 1; l++) {
    const u = layers[l + 1];
    out.push({ layer: l, key: 'kernel', name: `dense_${l}/kernel`, shape: [layers[l], u] }, { layer: l, key: 'bias', name: `dense_${l}/bias`, shape: [u] });
    if (bn && l < layers.length - 2) {
      out.push(
        { layer: l, key: 'gamma', name: `batch_normalization_${l}/gamma`, shape: [u] },
        { layer: l, key: 'beta', name: `batch_normalization_${l}/beta`, shape: [u] },
        { layer: l, key: 'movingMean', name: `batch_normalization_${l}/moving_mean`, shape: [u] },
        { layer: l, key: 'movingVariance', name: `batch_normalization_${l}/moving_variance`, shape: [u] },
      );
    }
  }
  return out;
}

async function encode(tf: Tf, arch: AutoencoderArchitecture, weights: LayerWeights[]): Promise<{ weightSpecs: WeightSpec[]; weightData: string }> {
  const named = weightNames(arch).map((w) => ({ name: w.name, tensor: tf.tensor(weights[w.layer][w.key] as Float32Array, w.shape, 'float32') }));
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
    return { weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' })), weightData: bytesToBase64(bytes) };
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

/** Read tfjs' weights format (float32 entries) back into per-layer arrays, checking names and shapes. */
function weightsFromSpecs(arch: AutoencoderArchitecture, specs: WeightSpec[], bytes: Uint8Array): LayerWeights[] {
  const byName = new Map<string, Float32Array>();
  let o = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32') throw new TypeError(`autoencoder weights: ${s.name} has dtype ${String(s.dtype)}, expected float32`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (o + 4 * n > bytes.byteLength) throw new TypeError('autoencoder weights: weightData is shorter than weightSpecs say');
    // Copy into an aligned buffer (little-endian, as tfjs writes it).
    byName.set(s.name, new Float32Array(bytes.slice(o, o + 4 * n).buffer));
    o += 4 * n;
  }
  const out: LayerWeights[] = arch.layers.slice(0, -1).map(() => ({ kernel: new Float32Array(0), bias: new Float32Array(0) }));
  for (const w of weightNames(arch)) {
    const a = byName.get(w.name);
    const n = w.shape.reduce((x, y) => x * y, 1);
    if (!a || a.length !== n) throw new TypeError(`autoencoder weights: ${w.name} is missing or not of shape [${w.shape.join(', ')}]`);
    (out[w.layer] as unknown as Record<string, Float32Array>)[w.key] = a;
  }
  return out;
}


/** The fitted autoencoder: scores, per-feature errors, the saved state. */
export class AutoencoderModel implements ExplainableModel {
  readonly detector = 'autoencoder';
  readonly info: ModelInfo;
  private readonly folded: { kernel: Float32Array; bias: Float32Array }[];

  constructor(
    readonly params: Params,
    readonly features: number,
    readonly threshold: number,
    private readonly state: AutoencoderState,
    weights: LayerWeights[],
    warnings: string[] = [],
    backend?: string,
    readonly trainingScores?: Float64Array,
    extra: Record<string, unknown> = {},
  ) {
    this.folded = foldLayers(state.architecture, weights);
    const a = state.architecture;
    this.info = {
      compute: backend ? `tfjs ${backend} (float32)` : 'tfjs (float32)',
      warnings,
      details: {
        layers: a.layers.join('→'),
        parameters: weights.reduce((s, w) => s + w.kernel.length + w.bias.length + (w.gamma ? 2 * w.gamma.length : 0), 0),
        loss: state.history.loss,
        val_loss: state.history.val_loss,
        epochs_run: state.epochs_run,
        stopped_early: state.stopped_early,
        threshold_: threshold,
        ...extra,
      },
    };
  }

  /** Mean squared reconstruction error per row of standardised features, shape (rows,), higher = more anomalous. */
  async score(X: Matrix, options: ScoreOptions = {}): Promise<Float64Array> {
    checkFeatures(X, this.features, 'autoencoder');
    throwIfAborted(options.signal);
    return Float64Array.from(await this.errors(X, 'score', options));
  }

  /** Per-feature squared reconstruction errors, shape (rows × features), row-major; each row averages to its score. */
  async explain(X: Matrix, options: ScoreOptions = {}): Promise<Float64Array> {
    checkFeatures(X, this.features, 'autoencoder');
    throwIfAborted(options.signal);
    return Float64Array.from(await this.errors(X, 'explain', options));
  }

  /** Scores of rows already standardised (the training rows at the end of fit). */
  async scoreStandardised(Z: Float32Array, rows: number, signal?: AbortSignalLike): Promise<Float64Array> {
    const tf = await loadTf();
    this.setCompute(tf);
    return Float64Array.from(await reconstructionErrors(tf, this.state.architecture, this.folded, Z, rows, this.features, 'score', signal));
  }

  private async errors(X: Matrix, what: 'score' | 'explain', options: ScoreOptions): Promise<Float32Array> {
    const tf = await loadTf();
    this.setCompute(tf);
    const d = this.features;
    const out = new Float32Array(what === 'score' ? X.rows : X.rows * d);
    // Standardise a slab at a time, so a large X never has a full float32 copy.
    const slab = SCORE_BLOCK * 8;
    const Z = new Float32Array(Math.min(X.rows, slab) * d);
    for (let start = 0; start < X.rows; start += slab) {
      const end = Math.min(X.rows, start + slab);
      const z = standardise(X.data.subarray(start * d, end * d), end - start, d, this.state.scaler, Z.subarray(0, (end - start) * d));
      const e = await reconstructionErrors(tf, this.state.architecture, this.folded, z, end - start, d, what, options.signal, (f) => options.onProgress?.((start + f * (end - start)) / X.rows));
      out.set(e, what === 'score' ? start : start * d);
    }
    return out;
  }

  private setCompute(tf: Tf): void {
    this.info.compute = `tfjs ${tf.getBackend()} (float32)`;
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'autoencoder', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}

// The weights' base64 lives in src/core/data/base64.ts; re-exported for callers of this module.
export { base64ToBytes, bytesToBase64 };
