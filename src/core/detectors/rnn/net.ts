/**
 * The recurrent autoencoder's network behind a small interface (RnnNet), so that the detector
 * (../rnn-ae.ts: windows, standardisation, the training loop, early stopping, scoring) does not
 * depend on how a step is computed. The reference implementation is built from tfjs' own layers
 * (`tf.layers.lstm` / `tf.layers.gru` / `repeatVector` / `timeDistributed(dense)`) and trained with
 * `trainOnBatch` (tfjs' autodiff, Adam, mean squared error); a faster implementation must keep the
 * same weight layout (`weightLayout`) and match its gradients within float32 tolerance.
 *
 * Architecture (window_size W, channels C, hidden_size H, n_layers L):
 *   input [b, W, C] → encoder RNN × L (the last returns its final hidden state [b, H])
 *   → RepeatVector(W) [b, W, H] → decoder RNN × L (sequences) → TimeDistributed(Dense(C)) [b, W, C].
 * Dropout (dropout_rate > 0, training only) follows every RNN layer, with masks from a seeded
 * counter so that the same seed trains the same network.
 *
 * Cells are tfjs' (Keras'): LSTM gates [i, f, c, o] with sigmoid recurrent activation and
 * unit_forget_bias; GRU gates [z, r, h] with the reset gate applied before the recurrent matMul
 * (Keras' reset_after = false: tfjs has no other; PyTorch's GRU resets after). Kernels are
 * [in, gates × H], row-major, as tfjs holds them.
 *
 * @example
 * const tf = await loadTfLayers();
 * const net = createRnnNet(tf, { cell: 'lstm', window_size: 8, channels: 1, hidden_size: 4, n_layers: 1, dropout_rate: 0 }, { lr: 1e-3, seed: 42 });
 * const loss = await net.trainBatch(tf.randomNormal([16, 8, 1]));
 */
import { Random } from '../../random.js';

/** tfjs (core, layers and the rest), as `import('@tensorflow/tfjs')` gives it. */
export type TfLayers = typeof import('@tensorflow/tfjs');
export type Tensor3D = import('@tensorflow/tfjs').Tensor3D;

export type CellKind = 'lstm' | 'gru';

/** Everything that fixes the network's shape; saved with the model. */
export interface RnnArchitecture {
  cell: CellKind;
  window_size: number;
  channels: number;
  hidden_size: number;
  n_layers: number;
  dropout_rate: number;
}

/**
 * The network the detector trains and scores with. Weights are float32 arrays in
 * `weightLayout(arch)`'s order and shapes (row-major).
 */
export interface RnnNet {
  readonly arch: RnnArchitecture;
  /**
   * One optimiser step (Adam, mean squared error of the reconstruction against the input) on a
   * batch [b, window_size, channels], in training mode (dropout on); resolves to the batch's loss
   * before the step. Does not dispose `x`.
   */
  trainBatch(x: Tensor3D): Promise<number>;
  /** The reconstruction [b, window_size, channels] in eval mode (no dropout); the caller disposes it. */
  predict(x: Tensor3D): Tensor3D;
  /** Copies of the weights, in weightLayout order (a synchronous read: Node, tests; not on webgpu). */
  getWeights(): Float32Array[];
  /**
   * The same copies, read asynchronously: what training uses. On webgpu tfjs' synchronous read
   * goes through a canvas, which with SwiftShader returned zeros and destroyed the device (the
   * worker then lost its job); an async read is the webgpu backend's supported path.
   */
  readWeights(): Promise<Float32Array[]>;
  /** Replace the weights (weightLayout order and sizes); the optimiser's state is kept. */
  setWeights(w: Float32Array[]): void;
  dispose(): void;
}

/** Options of a new network: Adam's learning rate and the seed of its initialisation and dropout masks. */
export interface RnnNetOptions {
  lr: number;
  seed: number;
}

/** Gates per cell: LSTM 4 (i, f, c, o), GRU 3 (z, r, h). */
export function gates(cell: CellKind): number {
  return cell === 'lstm' ? 4 : 3;
}

/**
 * The weights, in order, with their shapes: per encoder layer, then per decoder layer, `kernel`
 * [in, g·H], `recurrent_kernel` [H, g·H], `bias` [g·H] (in = C for the first encoder layer, H
 * otherwise); then the output dense layer's `kernel` [H, C] and `bias` [C].
 */
export function weightLayout(arch: RnnArchitecture): { name: string; shape: number[] }[] {
  const { channels: C, hidden_size: H, n_layers: L } = arch;
  const gH = gates(arch.cell) * H;
  const out: { name: string; shape: number[] }[] = [];
  for (const part of ['encoder', 'decoder']) {
    for (let l = 0; l < L; l++) {
      const input = part === 'encoder' && l === 0 ? C : H;
      out.push({ name: `${part}_${l}/kernel`, shape: [input, gH] }, { name: `${part}_${l}/recurrent_kernel`, shape: [H, gH] }, { name: `${part}_${l}/bias`, shape: [gH] });
    }
  }
  out.push({ name: 'output/kernel', shape: [H, C] }, { name: 'output/bias', shape: [C] });
  return out;
}

/** Total float32 weights of a network. */
export function weightCount(arch: RnnArchitecture): number {
  return weightLayout(arch).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * tfjs with its layers, imported lazily (only the recurrent detectors load it), on the backend
 * already chosen, or one chosen as the CLI does when none is.
 */
export async function loadTfLayers(): Promise<TfLayers> {
  const { loadTf } = await import('../autoencoder/network.js');
  await loadTf();
  const tf = await import('@tensorflow/tfjs');
  await tf.ready();
  return tf;
}

/** A new network: the tf.layers reference implementation (the one whose gradients others must match). */
export function createRnnNet(tf: TfLayers, arch: RnnArchitecture, options: RnnNetOptions): RnnNet {
  return new LayersRnnNet(tf, arch, options);
}

/** Adam's epsilon: Keras' (and tfjs') default. */
export const ADAM_EPSILON = 1e-7;

/** The reference RnnNet on tf.layers. */
export class LayersRnnNet implements RnnNet {
  private readonly model: import('@tensorflow/tfjs').Sequential;

  constructor(private readonly tf: TfLayers, readonly arch: RnnArchitecture, options: RnnNetOptions) {
    const { cell, window_size: W, channels: C, hidden_size: H, n_layers: L, dropout_rate: p } = arch;
    // Seeds for tfjs' initializers and the dropout masks, from our one PRNG.
    const rng = new Random(options.seed);
    const seed = () => rng.int(2 ** 31);
    const model = tf.sequential();
    const rnn = (returnSequences: boolean, inputShape?: number[]) => {
      const config = {
        units: H,
        returnSequences,
        recurrentActivation: 'sigmoid' as const,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: seed() }),
        biasInitializer: 'zeros' as const,
        ...(inputShape ? { inputShape } : {}),
      };
      return cell === 'lstm' ? tf.layers.lstm({ ...config, unitForgetBias: true }) : tf.layers.gru(config);
    };
    const dropout = () => {
      if (p > 0) model.add(seededDropout(tf, p, seed()));
    };
    // Layers are built (their weights initialised) as they are added, inside tidy: tfjs' LSTM with
    // unit_forget_bias leaves its bias initialiser's pieces undisposed (4 tensors per layer,
    // measured); tidy keeps the variables and drops the rest.
    tf.tidy(() => {
      for (let l = 0; l < L; l++) {
        model.add(rnn(l < L - 1, l === 0 ? [W, C] : undefined));
        dropout();
      }
      model.add(tf.layers.repeatVector({ n: W }));
      for (let l = 0; l < L; l++) {
        model.add(rnn(true));
        dropout();
      }
      model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: C, kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }), biasInitializer: 'zeros' }) }));
    });
    model.compile({ optimizer: tf.train.adam(options.lr, 0.9, 0.999, ADAM_EPSILON), loss: 'meanSquaredError' });
    this.model = model;
  }

  async trainBatch(x: Tensor3D): Promise<number> {
    const loss = await this.model.trainOnBatch(x, x);
    return Array.isArray(loss) ? loss[0] : loss;
  }

  predict(x: Tensor3D): Tensor3D {
    return this.model.predict(x, { batchSize: x.shape[0] }) as Tensor3D;
  }

  getWeights(): Float32Array[] {
    return this.model.getWeights().map((w) => w.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  async readWeights(): Promise<Float32Array[]> {
    return Promise.all(this.model.getWeights().map(async (w) => Float32Array.from((await w.data()) as Float32Array)));
  }

  setWeights(w: Float32Array[]): void {
    const layout = weightLayout(this.arch);
    if (w.length !== layout.length) throw new RangeError(`the network has ${layout.length} weight arrays, got ${w.length}`);
    const tensors = layout.map((l, i) => this.tf.tensor(w[i], l.shape));
    try {
      this.model.setWeights(tensors);
    } finally {
      this.tf.dispose(tensors);
    }
  }

  dispose(): void {
    // The optimiser's slots (Adam's moments) are variables of their own.
    this.model.optimizer?.dispose();
    this.model.dispose();
  }
}

/**
 * Inverted dropout (kept units × 1 / (1 − rate)) in training mode only, identity in eval mode; the
 * k-th training call draws its mask with seed `seed + k`, so masks differ from batch to batch and
 * the same seed repeats them (tf.layers.dropout with a seed draws the same mask every call).
 */
function seededDropout(tf: TfLayers, rate: number, seed: number): import('@tensorflow/tfjs').layers.Layer {
  class SeededDropout extends tf.layers.Layer {
    static className = 'AnomalyLabSeededDropout';
    private calls = 0;

    override computeOutputShape(shape: import('@tensorflow/tfjs').Shape | import('@tensorflow/tfjs').Shape[]) {
      return shape;
    }

    override call(inputs: import('@tensorflow/tfjs').Tensor | import('@tensorflow/tfjs').Tensor[], kwargs: Record<string, unknown>) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (kwargs.training !== true) return x;
      return tf.dropout(x, rate, undefined, seed + this.calls++);
    }
  }
  return new SeededDropout({});
}
