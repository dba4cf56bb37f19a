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
 * This file holds the spec, fit and the fitted model; the parts live in
 * ./autoencoder/: network.ts (layers, θ's layout and initialisation, forward
 * and backward, scoring), adam.ts (one training step), batchnorm.ts (running
 * statistics, folding into the Linear layers) and weights.ts (tfjs' format).
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
import { Scores, checkFeatures, checkModelJSON, checkTraining, throwIfAborted, type AbortSignalLike, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { ACTIVATIONS, autoencoderMeta, type ActivationName } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';
import { stepConstants, trainStep, type TrainState } from './autoencoder/adam.js';
import { foldLayers, initialRunning, runningScale } from './autoencoder/batchnorm.js';
import {
  BN_EPS, gatherRows, initParams, loadTf, paramLayout, reconstructionErrors, SCORE_BLOCK, standardise, unpack,
  type AutoencoderArchitecture, type LayerWeights, type Tensor, type Tf, type Variable,
} from './autoencoder/network.js';
import { encode, weightsFromSpecs, type WeightSpec } from './autoencoder/weights.js';

export { ACTIVATIONS, type ActivationName };
export type { AutoencoderArchitecture } from './autoencoder/network.js';
export type { WeightSpec } from './autoencoder/weights.js';
export { batchLossAndGradient } from './autoencoder/adam.js';
export { parameterLayout } from './autoencoder/network.js';

/** Batches between progress reports. */
const PROGRESS_EVERY = 32;
/** Give the event loop a turn this often while training, so that an abort can arrive. */
const YIELD_MS = 200;

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

async function fitAutoencoder(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
  const n = X.rows;
  const d = X.cols;
  // PyOD's AutoEncoder fails on one row (torch's BatchNorm1d: "Expected more than 1 value per channel when training").
  checkTraining(X, 'autoencoder', autoencoderMeta.minRows!(params));
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

/** A turn of the event loop (setTimeout 0), so that an abort message can arrive mid-training. */
function yieldToEventLoop(): Promise<void> {
  const st = (globalThis as unknown as { setTimeout?: (f: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => (st ? st(resolve, 0) : resolve()));
}

/** The fitted autoencoder: scores, per-feature errors, the saved state. */
/** How the autoencoder computes on this tfjs backend. */
function tfCompute(tf: Tf): string {
  return `tfjs ${tf.getBackend()} (float32)`;
}

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
  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'autoencoder');
    throwIfAborted(options.signal);
    const tf = await loadTf();
    return Scores.with(Float64Array.from(await this.errors(X, 'score', options)), tfCompute(tf));
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
    return Float64Array.from(await reconstructionErrors(tf, this.state.architecture, this.folded, Z, rows, this.features, 'score', signal));
  }

  private async errors(X: Matrix, what: 'score' | 'explain', options: ScoreOptions): Promise<Float32Array> {
    const tf = await loadTf();
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


  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: 'autoencoder', params: this.params, threshold: this.threshold, features: this.features, state: this.state };
  }
}

// The weights' base64 lives in src/core/data/base64.ts; re-exported for callers of this module.
export { base64ToBytes, bytesToBase64 };
