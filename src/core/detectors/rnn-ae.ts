/**
 * LSTM and GRU autoencoders over sliding windows (`lstm_ae`, `gru_ae`): an encoder RNN reads the
 * window of the last `window_size` rows, its last hidden state is repeated `window_size` times, a
 * decoder RNN and a dense layer per time step rebuild the window; the window's mean squared
 * reconstruction error is the score of the row that ends it. After Malhotra et al. 2016
 * (EncDec-AD, "LSTM-based encoder-decoder for multi-sensor anomaly detection"), as PyOD's LSTMAD,
 * Merlion's LSTMED, TimeEval's EncDec-AD and the Keras timeseries example build it.
 *
 * Training: the fit rows (consecutive, in time order: the page's and the CLI's "fit on" part) are
 * standardised per column with their mean and population std (a constant column is only centred),
 * saved with the model. Windows end at rows window_size − 1, + stride, …; the latest
 * `validation_size` share of them is held out (Keras' validation_split) for the validation loss.
 * Each epoch shuffles the rest (our seeded Random) into batches of `batch_size` (the last may be
 * smaller) and takes one Adam step (lr, β 0.9 / 0.999) on the MSE per batch. With `patience` > 0,
 * training stops after that many epochs without a lower validation loss (training loss without
 * validation windows) and the best epoch's weights are kept (Keras' restore_best_weights).
 *
 * Scores, shape (rows,), higher = more anomalous: row t ≥ window_size − 1 gets the mean over the
 * window's steps and columns of the squared error of its standardised window; rows before it
 * score 0 (warming up: `info.details.warmup_rows`). Causal: a row's score reads it and the
 * window_size − 1 rows before it only, so a range of a series scores alone given those rows first
 * (specs.ts sequenceWindows, windowed.ts scoringContext / scoreRange). Threshold: the (1 −
 * contamination) quantile of the fit rows' window errors (numpy linear), or with threshold =
 * 'max_train' their maximum (the Keras example's rule). `explain(X)` gives each column's share of
 * a row's score (summing to it).
 *
 * The network sits behind RnnNet (./rnn/net.ts): tf.layers' LSTM / GRU by default, trained with
 * tfjs' autodiff (tfjs with its layers imported lazily, for fit only). Scoring (and the validation
 * loss) runs ./rnn/forward.ts's eval-mode forward pass on tfjs-core over blocks of up to 4,096
 * windows: the same arithmetic as the layers' predict without its memory shuffling. Float32 on
 * whatever backend is active; the same seed gives the same scores on the same backend.
 *
 * @example
 * const model = await lstmAe.fit(series, resolveParams(lstmAe.params, { window_size: 50 }), { seed: 42, onEpoch: (e) => console.log(e.epoch, e.loss) });
 * const scores = await model.score(series);               // (rows,), the first 49 are 0
 * const next = await (model as RnnAutoencoderModel).fineTune(newRows, 2); // a new model, same standardisation
 */
import { fitStandardScaler } from '../data/scale.js';
import { base64ToBytes, bytesToBase64 } from '../data/base64.js';
import type { Matrix } from '../data/matrix.js';
import { DEFAULT_SEED, Random } from '../random.js';
import {
  Scores, checkFeatures, checkModelJSON, checkTraining, throwIfAborted,
  type AbortSignalLike, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions,
} from './detector.js';
import type { ExplainableModel } from './autoencoder.js';
import { loadTf, standardise } from './autoencoder/network.js';
import type { Params } from './params.js';
import { gruAeMeta, lstmAeMeta, type DetectorMeta } from './specs.js';
import { contaminationRule, fitThreshold } from './threshold.js';
import { loadTfLayers, weightLayout, type CellKind, type RnnArchitecture } from './rnn/net.js';
import { createFastRnnNet } from './rnn/fast-net.js';
import { reconstructionErrors } from './rnn/forward.js';

export type { RnnArchitecture, RnnNet } from './rnn/net.js';

/** Give the event loop a turn this often while training, so that an abort can arrive. */
const YIELD_MS = 200;
/** Float32 values per scoring block of windows (windows × window_size × channels): 8 MiB. */
const SCORE_BLOCK_VALUES = 2 ** 21;

/** Windows per scoring block: at most 4,096 and SCORE_BLOCK_VALUES values. */
function scoreBlock(W: number, C: number): number {
  return Math.max(16, Math.min(4096, Math.floor(SCORE_BLOCK_VALUES / (W * C))));
}

/**
 * The saved state (ModelJSON.state): the architecture, the standardisation, the weights in tfjs'
 * format (weightSpecs: names and shapes in rnn/net.ts's weightLayout order, float32; weightData:
 * the float32 values back to back, little-endian, in base64, as tf.io.encodeWeights writes them)
 * and the training history.
 */
export interface RnnState {
  architecture: RnnArchitecture;
  scaler: { mean: number[]; scale: number[] };
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: string;
  history: { loss: number[]; val_loss: (number | null)[] };
  epochs_run: number;
  stopped_early: boolean;
  /** The epoch whose weights the model keeps (the last without early stopping). */
  best_epoch: number;
}

/** The fitted parts a model is built from. */
interface Fitted {
  state: RnnState;
  weights: Float32Array[];
}

function makeSpec(meta: DetectorMeta, cell: CellKind): DetectorSpec {
  return {
    ...meta,
    fit: (X, params, options) => fitRnn(meta, cell, X, params, options),
    load(json: ModelJSON): FittedModel {
      const m = checkModelJSON(json, meta.id);
      const s = m.state as RnnState;
      return new RnnAutoencoderModel(meta.id, m.params, m.features, m.threshold, { state: s, weights: decodeWeights(s) });
    },
  };
}

export const lstmAe: DetectorSpec = makeSpec(lstmAeMeta, 'lstm');
export const gruAe: DetectorSpec = makeSpec(gruAeMeta, 'gru');

/** The float32 weights as the state's weightSpecs and base64 weightData. */
function encodeWeights(arch: RnnArchitecture, weights: Float32Array[]): Pick<RnnState, 'weightSpecs' | 'weightData'> {
  const layout = weightLayout(arch);
  const total = weights.reduce((s, w) => s + w.length, 0);
  const flat = new Float32Array(total);
  const view = new DataView(flat.buffer);
  let o = 0;
  for (const w of weights) for (let i = 0; i < w.length; i++, o++) view.setFloat32(4 * o, w[i], true);
  return { weightSpecs: layout.map((l) => ({ name: l.name, shape: l.shape, dtype: 'float32' as const })), weightData: bytesToBase64(new Uint8Array(flat.buffer)) };
}

/** The weights back from a state whose schema is checked (model-schema.ts: sizes and finite values). */
function decodeWeights(s: RnnState): Float32Array[] {
  const bytes = base64ToBytes(s.weightData);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  return weightLayout(s.architecture).map((l) => {
    const n = l.shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++, o++) w[i] = view.getFloat32(4 * o, true);
    return w;
  });
}

/** The parameters training reads, resolved. */
function trainingParams(params: Params) {
  return {
    window: Number(params.window_size),
    stride: Number(params.stride),
    hidden: Number(params.hidden_size),
    layers: Number(params.n_layers),
    epochs: Number(params.epoch_num),
    batch: Number(params.batch_size),
    lr: Number(params.lr),
    dropout: Number(params.dropout_rate),
    validation: Number(params.validation_size),
    patience: Number(params.patience),
  };
}

async function fitRnn(meta: DetectorMeta, cell: CellKind, X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
  const p = trainingParams(params);
  checkTraining(X, meta.id, p.window, `one full window of window_size ${p.window}`);
  throwIfAborted(options.signal);
  const warnings: string[] = [];
  const fitted = fitStandardScaler(X);
  if (fitted.constant.length) {
    const zero = fitted.constant;
    warnings.push(`${zero.length} column${zero.length > 1 ? 's have' : ' has'} zero variance and ${zero.length > 1 ? 'are' : 'is'} only centred (scale 1): column index ${zero.join(', ')}`);
  }
  const scaler = { mean: fitted.mean, scale: fitted.scale };
  const arch: RnnArchitecture = { cell, window_size: p.window, channels: X.cols, hidden_size: p.hidden, n_layers: p.layers, dropout_rate: p.dropout };
  const rng = new Random(options.seed ?? DEFAULT_SEED);
  const netSeed = rng.int(2 ** 31);
  const trained = await train(meta.id, arch, scaler, X, p, rng, netSeed, null, options, warnings);
  return finish(meta.id, params, X, trained, scaler, options, warnings);
}

/** What a training run gives. */
interface Trained {
  weights: Float32Array[];
  history: RnnState['history'];
  stoppedEarly: boolean;
  bestEpoch: number;
  details: Record<string, unknown>;
}

/**
 * Train a network on the windows of X (standardised with `scaler`), from `start` weights (fine
 * tuning) or a fresh seeded initialisation.
 */
async function train(id: string, arch: RnnArchitecture, scaler: RnnState['scaler'], X: Matrix, p: ReturnType<typeof trainingParams>, rng: Random, netSeed: number, start: Float32Array[] | null, options: FitOptions, warnings: string[]): Promise<Trained> {
  const t0 = performance.now();
  const { window: W } = p;
  const C = X.cols;
  const Z = standardise(X.data, X.rows, C, scaler);
  // Windows start at rows 0, stride, 2·stride, … (each ends window_size − 1 rows later).
  const count = Math.floor((X.rows - W) / p.stride) + 1;
  const nVal = Math.floor(count * p.validation);
  const nTrain = count - nVal;
  if (nTrain < 1) throw new RangeError(`${id}: validation_size ${p.validation} leaves no training window of ${count}`);
  const trainIdx = Int32Array.from({ length: nTrain }, (_, i) => i * p.stride);
  const valStarts = Int32Array.from({ length: nVal }, (_, i) => (nTrain + i) * p.stride);
  let batch = p.batch;
  if (batch > nTrain) {
    warnings.push(`batch_size ${batch} is larger than the ${nTrain} training windows: one batch of ${nTrain} windows per epoch`);
    batch = nTrain;
  }
  const batches = Math.ceil(nTrain / batch);

  const tf = await loadTfLayers();
  // The fast network (rnn/fast-net.ts: net.ts' layout, initialisation and gradients, ~4x fewer ms per batch on wasm; bench/README.md).
  const net = createFastRnnNet(tf, arch, { lr: p.lr, seed: netSeed });
  const history: RnnState['history'] = { loss: [], val_loss: [] };
  let best = Infinity;
  let bestWeights: Float32Array[] | null = null;
  let bestEpoch = 0;
  let sinceBest = 0;
  let stoppedEarly = false;
  try {
    if (start) net.setWeights(start);
    const buf = new Float32Array(batch * W * C);
    let lastYield = performance.now();
    const totalSteps = p.epochs * batches;
    let step = 0;
    for (let epoch = 1; epoch <= p.epochs; epoch++) {
      const te = performance.now();
      rng.shuffle(trainIdx);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(options.signal);
        const from = b * batch;
        const size = Math.min(batch, nTrain - from);
        for (let i = 0; i < size; i++) buf.set(Z.subarray(trainIdx[from + i] * C, (trainIdx[from + i] + W) * C), i * W * C);
        const x = tf.tensor3d(buf.subarray(0, size * W * C), [size, W, C]);
        try {
          lossSum += (await net.trainBatch(x)) * size;
        } finally {
          x.dispose();
        }
        step++;
        options.onProgress?.((0.95 * step) / totalSteps, `training: epoch ${epoch}/${p.epochs}`);
        if (performance.now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const loss = lossSum / nTrain;
      let valLoss: number | null = null;
      if (nVal > 0) {
        const errs = await reconstructionErrors(tf, arch, await net.readWeights(), Z, valStarts, 'score', scoreBlock(W, C), options.signal);
        let s = 0;
        for (let i = 0; i < nVal; i++) s += errs[i];
        valLoss = s / nVal;
      }
      history.loss.push(loss);
      history.val_loss.push(valLoss);
      const now = performance.now();
      options.onEpoch?.({ epoch, epochs: p.epochs, loss, valLoss, rowsPerSecond: nTrain / ((now - te) / 1000), elapsedMs: now - t0 });
      if (p.patience > 0) {
        const monitored = valLoss ?? loss;
        if (monitored < best) {
          best = monitored;
          bestEpoch = epoch;
          sinceBest = 0;
          bestWeights = await net.readWeights();
        } else if (++sinceBest >= p.patience && epoch < p.epochs) {
          stoppedEarly = true;
          break;
        }
      }
    }
    const weights = bestWeights ?? (await net.readWeights());
    if (!bestWeights) bestEpoch = history.loss.length;
    const trainMs = performance.now() - t0;
    return {
      weights, history, stoppedEarly, bestEpoch,
      details: { training_windows: nTrain, validation_windows: nVal, batches_per_epoch: batches, train_ms: trainMs, windows_per_second: (history.loss.length * nTrain) / (trainMs / 1000) },
    };
  } finally {
    net.dispose();
  }
}

/** The fitted model from a training run: the fit rows scored (window errors), the threshold fitted on them. */
async function finish(id: string, params: Params, X: Matrix, trained: Trained, scaler: RnnState['scaler'], options: FitOptions, warnings: string[], arch?: RnnArchitecture): Promise<RnnAutoencoderModel> {
  const a: RnnArchitecture = arch ?? { cell: id === 'gru_ae' ? 'gru' : 'lstm', window_size: Number(params.window_size), channels: X.cols, hidden_size: Number(params.hidden_size), n_layers: Number(params.n_layers), dropout_rate: Number(params.dropout_rate) };
  const state: RnnState = {
    architecture: a,
    scaler,
    ...encodeWeights(a, trained.weights),
    history: trained.history,
    epochs_run: trained.history.loss.length,
    stopped_early: trained.stoppedEarly,
    best_epoch: trained.bestEpoch,
  };
  const tf = await loadTf();
  const backend = options.backend ?? tf.getBackend();
  const probe = new RnnAutoencoderModel(id, params, X.cols, Infinity, { state, weights: trained.weights }, [], backend);
  options.onProgress?.(0.95, 'scoring the training windows');
  const trainingScores = await probe.score(X, { signal: options.signal });
  const full = trainingScores.subarray(a.window_size - 1);
  const threshold = params.threshold === 'max_train' ? full.reduce((m, v) => (v > m ? v : m), -Infinity) : fitThreshold(contaminationRule('pyod', params.contamination), full).threshold;
  options.onProgress?.(1, 'fitted');
  return new RnnAutoencoderModel(id, params, X.cols, threshold, { state, weights: trained.weights }, warnings, backend, Float64Array.from(trainingScores), trained.details);
}

/** A turn of the event loop (setTimeout 0), so that an abort message can arrive mid-training. */
function yieldToEventLoop(): Promise<void> {
  const st = (globalThis as unknown as { setTimeout?: (f: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => (st ? st(resolve, 0) : resolve()));
}

/** A fitted LSTM / GRU autoencoder: scores, per-column shares, fine tuning, the saved state. */
export class RnnAutoencoderModel implements ExplainableModel {
  readonly info: ModelInfo;

  constructor(
    readonly detector: string,
    readonly params: Params,
    readonly features: number,
    readonly threshold: number,
    private readonly fitted: Fitted,
    warnings: string[] = [],
    backend?: string,
    readonly trainingScores?: Float64Array,
    extra: Record<string, unknown> = {},
  ) {
    const s = fitted.state;
    const a = s.architecture;
    this.info = {
      compute: backend ? `tfjs ${backend} (float32)` : 'tfjs (float32)',
      warnings,
      details: {
        network: `${a.cell.toUpperCase()} ${a.channels}→${Array(a.n_layers).fill(a.hidden_size).join('→')} ×${a.window_size} → ${Array(a.n_layers).fill(a.hidden_size).join('→')}→${a.channels}`,
        parameters: fitted.weights.reduce((t, w) => t + w.length, 0),
        // Rows before the first full window: they score 0.
        warmup_rows: a.window_size - 1,
        loss: s.history.loss,
        val_loss: s.history.val_loss,
        epochs_run: s.epochs_run,
        stopped_early: s.stopped_early,
        best_epoch: s.best_epoch,
        threshold_rule: params.threshold === 'max_train' ? 'max_train: the largest training-window error' : `contamination ${params.contamination}: quantile of the training-window errors`,
        threshold_: threshold,
        ...extra,
      },
    };
  }

  /** Rows before the first full window (they score 0, "warming up"). */
  get warmup(): number {
    return this.fitted.state.architecture.window_size - 1;
  }

  /** Scores of shape (rows,), higher = more anomalous: each row's window's mean squared error; the first window_size − 1 rows 0. */
  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    const e = await this.errors(X, 'score', options);
    const tf = await loadTf();
    return Scores.with(Float64Array.from(e), `tfjs ${tf.getBackend()} (float32)`);
  }

  /**
   * Each column's share of each row's score, shape (rows × features), row-major: the column's mean
   * squared error over the window's steps, divided by the column count, so a row's values sum to
   * its score (warming-up rows: 0).
   */
  async explain(X: Matrix, options: ScoreOptions = {}): Promise<Float64Array> {
    return Float64Array.from(await this.errors(X, 'explain', options));
  }

  /**
   * A new model: this one's weights trained `epochs` more epochs on the windows of X (stream
   * updates, issue 18), with this model's standardisation and parameters (a fresh Adam); the
   * threshold refitted on X's windows by the same rule. This model is unchanged.
   */
  async fineTune(X: Matrix, epochs: number, options: FitOptions = {}): Promise<FittedModel> {
    if (!(Number.isInteger(epochs) && epochs >= 1)) throw new RangeError(`fineTune: epochs must be an integer >= 1, got: ${epochs}`);
    checkFeatures(X, this.features, this.detector);
    const s = this.fitted.state;
    const p = { ...trainingParams(this.params), epochs };
    checkTraining(X, this.detector, p.window, `one full window of window_size ${p.window}`);
    const warnings: string[] = [];
    const rng = new Random(options.seed ?? DEFAULT_SEED);
    const trained = await train(this.detector, s.architecture, s.scaler, X, p, rng, rng.int(2 ** 31), this.fitted.weights, options, warnings);
    return finish(this.detector, this.params, X, trained, s.scaler, options, warnings, s.architecture);
  }

  private async errors(X: Matrix, what: 'score' | 'explain', options: ScoreOptions): Promise<Float32Array> {
    checkFeatures(X, this.features, this.detector);
    throwIfAborted(options.signal);
    const { window_size: W } = this.fitted.state.architecture;
    const C = this.features;
    const per = what === 'score' ? 1 : C;
    const out = new Float32Array(X.rows * per);
    if (X.rows < W) return out;
    const tf = await loadTf();
    const Z = standardise(X.data, X.rows, C, this.fitted.state.scaler);
    const starts = Int32Array.from({ length: X.rows - W + 1 }, (_, i) => i);
    const e = await reconstructionErrors(tf, this.fitted.state.architecture, this.fitted.weights, Z, starts, what, scoreBlock(W, C), options.signal, options.onProgress);
    // The window starting at row i ends at row i + W − 1.
    out.set(e, (W - 1) * per);
    return out;
  }

  toJSON(): ModelJSON {
    return { format: 'anomaly-lab-model', version: 1, detector: this.detector, params: this.params, threshold: this.threshold, features: this.features, state: this.fitted.state };
  }
}
