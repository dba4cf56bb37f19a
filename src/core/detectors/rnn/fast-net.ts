/**
 * A faster RnnNet: the same network as net.ts' tf.layers reference (same cells, weight layout,
 * seeded initialisation, dropout masks, Adam and loss), its time steps written out with tf ops and
 * trained with tfjs' autodiff (`optimizer.minimize`). Nothing here differentiates by hand except
 * one primitive: the matrix product, whose gradient is the textbook pair (dA = dY·Wᵀ, dW = Aᵀ·dY)
 * written with explicit transposes (see `matMulOp`). The chain rule through the cells and across
 * time steps is tfjs' own.
 *
 * Where the reference's time goes, and what this file does instead (measured on tfjs-backend-wasm
 * 4.22 in Node, one epoch of 2,048 windows × 50 steps, hidden 32, batch 64: see bench/README.md):
 * - tfjs' gradient of matMul uses BatchMatMul with transposeA / transposeB, which on wasm falls off
 *   XNNPACK onto a loop ~10× slower than a plain product ([64, 32]ᵀ·[64, 128]: ~340 µs against
 *   ~35 µs with an explicit transpose). Two of them per step and per layer made most of a batch.
 *   `matMulOp` keeps the forward product and gives its gradient as plain products; the weights'
 *   transposes are made once per batch, outside the tape.
 * - wasm's Slice/Unpack/SplitV read the whole input back (`readSync` copies it) for every piece:
 *   unstacking a [W, b, 4H] projection of all steps copied it W times. Inputs are unstacked while
 *   small ([W, b, C]) and projected step by step; outputs are projected per step and stacked
 *   [b, W, C], so the gradient's unstack is as small.
 * - The decoder's input (the encoder's last state, repeated) is the same at every step: its
 *   projection is made once, not W times.
 * - The first step starts from zero state: h·R (zero) and its gradient are skipped.
 * - LSTM: the cell-gate columns doubled once per batch, so one sigmoid gives all four gates.
 * Per-op dispatch (~4–13 µs a kernel on wasm, whatever its size) is what is left: 6,666 kernels an
 * LSTM batch, forward and backward (tf.layers: 11,159), a third of them the tape's bookkeeping.
 */
import { Random } from '../../random.js';
import { ADAM_EPSILON, weightLayout, type RnnArchitecture, type RnnNet, type RnnNetOptions, type Tensor3D, type TfLayers } from './net.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor2D = import('@tensorflow/tfjs').Tensor2D;
type Variable = import('@tensorflow/tfjs').Variable;
type Optimizer = import('@tensorflow/tfjs').Optimizer;

/** a·W for a per-step input a [b, n] and a weight W [n, m]. */
type MatMul = (a: Tensor2D, W: Tensor2D) => Tensor2D;

/** Per layer: the tensors the steps use (on the tape) and, when training, the transposes their gradients use. */
interface LayerWeights {
  K: Tensor2D;
  bias: Tensor;
  /** LSTM: [R]; GRU: [R_zr (H × 2H), R_h (H × H)]. */
  R: Tensor2D[];
  mmK: MatMul;
  mmR: MatMul[];
}

/** Nets made so far in this engine: each net's variables carry its number (see the constructor). */
let netCount = 0;

export class FastRnnNet implements RnnNet {
  private readonly vars: Variable[];
  private readonly optimizer: Optimizer;
  /** Seeds of the dropout layers in model order (encoder layers, then decoder layers); empty when dropout_rate is 0. */
  private readonly dropoutSeeds: number[] = [];
  /** Training calls so far: the k-th draws its masks with seed + k, as net.ts' seededDropout. */
  private calls = 0;

  constructor(private readonly tf: TfLayers, readonly arch: RnnArchitecture, options: RnnNetOptions) {
    const { cell, hidden_size: H, n_layers: L, dropout_rate: p } = arch;
    // The reference's seed draws, in its order: per RNN layer kernel, recurrent kernel, then its
    // dropout (if any); encoder layers, then decoder layers; then the output kernel.
    const rng = new Random(options.seed);
    const seed = () => rng.int(2 ** 31);
    const layout = weightLayout(arch);
    const init: Tensor[] = [];
    for (let l = 0; l < 2 * L; l++) {
      const [k, r, b] = layout.slice(3 * l, 3 * l + 3);
      init.push(tf.initializers.glorotUniform({ seed: seed() }).apply(k.shape));
      init.push(tf.initializers.orthogonal({ seed: seed() }).apply(r.shape));
      // Keras' unit_forget_bias: the LSTM's forget-gate bias starts at 1.
      const bias = new Float32Array(b.shape[0]);
      if (cell === 'lstm') bias.fill(1, H, 2 * H);
      init.push(tf.tensor1d(bias));
      if (p > 0) this.dropoutSeeds.push(seed());
    }
    init.push(tf.initializers.glorotUniform({ seed: seed() }).apply(layout[6 * L].shape), tf.zeros(layout[6 * L + 1].shape));
    // Names unique per net: tfjs' engine refuses a second variable of the same name, and two nets of one
    // shape may be alive at once in a worker (the pool's fits, the stream engine's fine-tunes).
    const net = ++netCount;
    this.vars = init.map((t, i) => {
      const v = tf.variable(t, true, `rnn_fast${net}_${i}_${layout[i].name}`.replace(/\//g, '_'));
      t.dispose();
      return v;
    });
    this.optimizer = tf.train.adam(options.lr, 0.9, 0.999, ADAM_EPSILON);
  }

  async trainBatch(x: Tensor3D): Promise<number> {
    const tf = this.tf;
    const loss = tf.tidy(() => {
      // Outside the tape: the weights' transposes (used only by matMulOp's gradient) and the masks.
      const tr = this.transposes();
      const masks = this.dropoutMasks(x.shape[0]);
      return this.optimizer.minimize(() => tf.losses.meanSquaredError(x, this.forward(x, tr, masks)) as import('@tensorflow/tfjs').Scalar, true, this.vars)!;
    });
    this.calls++;
    try {
      return (await loss.data())[0];
    } finally {
      loss.dispose();
    }
  }

  /**
   * The loss and its gradient with respect to every weight (weightLayout order) on a batch, in
   * training mode with the next call's dropout masks; no step is taken (tests compare these with
   * the tf.layers reference's).
   */
  gradients(x: Tensor3D): { loss: number; grads: Float32Array[] } {
    const tf = this.tf;
    return tf.tidy(() => {
      const tr = this.transposes();
      const masks = this.dropoutMasks(x.shape[0]);
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(x, this.forward(x, tr, masks)) as import('@tensorflow/tfjs').Scalar, this.vars);
      return { loss: value.dataSync()[0], grads: this.vars.map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array)) };
    });
  }

  predict(x: Tensor3D): Tensor3D {
    return this.tf.tidy(() => this.evalForward(x));
  }

  getWeights(): Float32Array[] {
    return this.vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  }

  /** The weights read asynchronously (net.ts RnnNet.readWeights: webgpu's synchronous read is broken). */
  async readWeights(): Promise<Float32Array[]> {
    return Promise.all(this.vars.map(async (v) => Float32Array.from((await v.data()) as Float32Array)));
  }

  setWeights(w: Float32Array[]): void {
    const layout = weightLayout(this.arch);
    if (w.length !== layout.length) throw new RangeError(`the network has ${layout.length} weight arrays, got ${w.length}`);
    layout.forEach((l, i) => {
      const n = l.shape.reduce((a, b) => a * b, 1);
      if (w[i].length !== n) throw new RangeError(`weight ${l.name} has ${n} values, got ${w[i].length}`);
    });
    this.tf.tidy(() => layout.forEach((l, i) => this.vars[i].assign(this.tf.tensor(w[i], l.shape))));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.tf.dispose(this.vars);
  }

  /**
   * The masks of this training call, per dropout layer in model order, as the reference draws them
   * (tf.dropout on the layer's output shape, seed + call): per step [b, H] for a layer that returns
   * sequences, or the one [b, H] of the encoder's last layer. Null without dropout.
   */
  private dropoutMasks(b: number): Tensor2D[][] | null {
    if (this.dropoutSeeds.length === 0) return null;
    const tf = this.tf;
    const { window_size: W, hidden_size: H, n_layers: L, dropout_rate: p } = this.arch;
    return this.dropoutSeeds.map((s, k) => {
      const lastEncoder = k === L - 1;
      const m = tf.dropout(tf.ones(lastEncoder ? [b, H] : [b, W, H]), p, undefined, s + this.calls);
      return lastEncoder ? [m as Tensor2D] : (tf.unstack(tf.transpose(m, [1, 0, 2])) as Tensor2D[]);
    });
  }

  /**
   * The transposes of every weight a product's gradient needs (the GRU's recurrent kernel as its
   * two pieces), per layer and the output layer last; made from the weights' values outside the tape.
   */
  private transposes(): Transposes {
    const tf = this.tf;
    const { cell, hidden_size: H, n_layers: L } = this.arch;
    const v = this.vars;
    const scale = cell === 'lstm' ? this.lstmScale() : null;
    const layers = Array.from({ length: 2 * L }, (_, l) => {
      const [K, R] = [v[3 * l], v[3 * l + 1]].map((w) => (scale ? tf.mul(w, scale) : w));
      const Rs = cell === 'lstm' ? [R] : tf.split(R, [2 * H, H], 1);
      return { K: tf.transpose(K) as Tensor2D, R: Rs.map((r) => tf.transpose(r) as Tensor2D) };
    });
    return { layers, output: tf.transpose(v[6 * L]) as Tensor2D };
  }

  /** The reconstruction [b, W, C]; with `tr` (training) on the tape, with dropout `masks` if any. */
  private forward(x: Tensor3D, tr: Transposes | null, masks: Tensor2D[][] | null): Tensor3D {
    const tf = this.tf;
    const { cell, window_size: W, hidden_size: H, n_layers: L } = this.arch;
    const v = this.vars;
    const plain: MatMul = (a, w) => tf.matMul(a, w);
    // LSTM: the cell-gate columns doubled, so that one sigmoid serves all four gates (lstmStep).
    const scale = cell === 'lstm' ? this.lstmScale() : null;
    const layer = (l: number): LayerWeights => {
      const [K, R, bias] = [v[3 * l], v[3 * l + 1], v[3 * l + 2]].map((w) => (scale ? tf.mul(w, scale) : w)) as [Tensor2D, Tensor2D, Tensor];
      // The GRU's recurrent kernel in its two uses (z and r together, then h); the split is on the tape.
      const Rs = cell === 'lstm' ? [R] : (tf.split(R, [2 * H, H], 1) as Tensor2D[]);
      const t = tr?.layers[l];
      return { K, bias, R: Rs, mmK: t ? matMulOp(tf, t.K) : plain, mmR: Rs.map((_, i) => (t ? matMulOp(tf, t.R[i]) : plain)) };
    };
    const step = cell === 'lstm' ? lstmStep : gruStep;
    const b = x.shape[0];
    let seq: Tensor2D[] = [];
    let last: Tensor2D | null = null;
    let maskIndex = 0;
    for (let l = 0; l < L; l++) {
      const w = layer(l);
      const keepSeq = l < L - 1;
      const out: Tensor2D[] = [];
      let state: State | null = null;
      // The first layer's input: in a training batch, projected for all steps at once ([W·b, C]·K +
      // bias) and cut per step (fewer kernels); a large block (scoring) is cut first, while small,
      // and projected per step, as the cutting copies (see stepRows).
      let xz: Tensor2D[] | null = null;
      if (l === 0) {
        const xs = tf.reshape(tf.transpose(x, [1, 0, 2]), [W * b, x.shape[2]]) as Tensor2D;
        if (tr && W * b * w.K.shape[1] <= ALL_STEPS_MAX) xz = stepRows(tf, tf.add(w.mmK(xs, w.K), w.bias) as Tensor2D, W);
        else seq = stepRows(tf, xs, W);
      }
      for (let t = 0; t < W; t++) {
        state = step(tf, xz ? xz[t] : (tf.add(w.mmK(seq[t], w.K), w.bias) as Tensor2D), state, w, H);
        if (keepSeq) out.push(state.h);
      }
      const m = masks?.[maskIndex++];
      if (keepSeq) seq = m ? out.map((h, t) => tf.mul(h, m[t]) as Tensor2D) : out;
      else last = m ? (tf.mul(state!.h, m[0]) as Tensor2D) : state!.h;
    }
    // Decoder: the first layer's input is the encoder's last state at every step, projected once.
    for (let l = 0; l < L; l++) {
      const w = layer(L + l);
      const constant = l === 0 ? (tf.add(w.mmK(last!, w.K), w.bias) as Tensor2D) : null;
      const out: Tensor2D[] = [];
      let state: State | null = null;
      for (let t = 0; t < W; t++) {
        state = step(tf, constant ?? (tf.add(w.mmK(seq[t], w.K), w.bias) as Tensor2D), state, w, H);
        out.push(state.h);
      }
      const m = masks?.[maskIndex++];
      seq = m ? out.map((h, t) => tf.mul(h, m[t]) as Tensor2D) : out;
    }
    // The output layer per step ([b, H] → [b, C]), stacked as [b, W, C], then its bias once.
    const Wout = v[6 * L] as Tensor2D;
    const bout = v[6 * L + 1];
    const mmOut = tr ? matMulOp(tf, tr.output) : plain;
    return tf.add(tf.stack(seq.map((h) => mmOut(h, Wout)), 1), bout) as Tensor3D;
  }

  /**
   * The eval-mode forward (predict, no tape), written for large blocks of windows: per gate its own
   * products (x·K_g + b_g fused, h·R_g) and a sigmoid, the tanhs as 2σ(2u) − 1, so that no step
   * splits or concatenates gate columns (wasm's SplitV and Concat cut columns in JS and copy their
   * whole input per piece: the split was half of scoring's time, a concat of [x, h] a fifth); the
   * output layer as one product over all steps.
   */
  private evalForward(x: Tensor3D): Tensor3D {
    const tf = this.tf;
    const { cell, window_size: W, hidden_size: H, n_layers: L, channels: C } = this.arch;
    const v = this.vars;
    const b = x.shape[0];
    const G = cell === 'lstm' ? 4 : 3;
    // Per gate K_g, R_g, b_g; gate 2 is the tanh one in both cells (LSTM's cell gate, GRU's
    // candidate), its weights doubled for tanh(u) = 2σ(2u) − 1 (wasm's Tanh is ~6× its Sigmoid).
    const gatesOf = (l: number): EvalGate[] => {
      const Ks = tf.split(v[3 * l], G, 1);
      const Rs = tf.split(v[3 * l + 1], G, 1);
      const bs = tf.split(v[3 * l + 2], G, 0);
      return Ks.map((k, g) => {
        const s = g === 2 ? 2 : 1;
        return { K: tf.mul(k, s) as Tensor2D, R: tf.mul(Rs[g], s) as Tensor2D, b: tf.mul(bs[g], s) };
      });
    };
    /** 2σ(u) − 1 = tanh(u / 2). */
    const tanhHalf = (u: Tensor) => tf.sub(tf.mul(tf.sigmoid(u), 2), 1) as Tensor2D;
    /** Each gate's input projection, with its bias. */
    const project = (inp: Tensor2D, w: EvalGate[]) => w.map((g) => tf.fused.matMul({ a: inp, b: g.K, bias: g.b }) as Tensor2D);
    /** σ(xz_g + h·R_g), or σ(xz_g) from a zero state. */
    const gate = (xz: Tensor2D, h: Tensor2D | null, R: Tensor2D) => tf.sigmoid(h ? tf.add(xz, tf.matMul(h, R)) : xz) as Tensor2D;
    const step = (xz: Tensor2D[], state: State | null, w: EvalGate[]): State => {
      const h = state?.h ?? null;
      if (cell === 'lstm') {
        const ig = tf.mul(gate(xz[0], h, w[0].R), tf.sub(tf.mul(gate(xz[2], h, w[2].R), 2), 1));
        const c = (state ? tf.add(tf.mul(gate(xz[1], h, w[1].R), state.c!), ig) : ig) as Tensor2D;
        return { h: tf.mul(gate(xz[3], h, w[3].R), tanhHalf(tf.mul(c, 2))) as Tensor2D, c };
      }
      const z = gate(xz[0], h, w[0].R);
      if (!h) return { h: tf.mul(tf.sub(1, z), tanhHalf(xz[2])) as Tensor2D };
      const r = gate(xz[1], h, w[1].R);
      const hh = tanhHalf(tf.add(xz[2], tf.matMul(tf.mul(r, h) as Tensor2D, w[2].R)));
      return { h: tf.add(hh, tf.mul(z, tf.sub(h, hh))) as Tensor2D };
    };
    let seq = stepRows(tf, tf.reshape(tf.transpose(x, [1, 0, 2]), [W * b, C]) as Tensor2D, W);
    let last: Tensor2D | null = null;
    for (let l = 0; l < 2 * L; l++) {
      const w = gatesOf(l);
      const keepSeq = l !== L - 1;
      // The first decoder layer's input is the encoder's last state at every step: projected once.
      const constant = l === L ? project(last!, w) : null;
      const out: Tensor2D[] = [];
      let state: State | null = null;
      for (let t = 0; t < W; t++) {
        state = step(constant ?? project(seq[t], w), state, w);
        if (keepSeq) out.push(state.h);
      }
      if (keepSeq) seq = out;
      else last = state!.h;
    }
    const y = tf.fused.matMul({ a: tf.reshape(tf.stack(seq, 0), [W * b, H]) as Tensor2D, b: v[6 * L] as Tensor2D, bias: v[6 * L + 1] });
    return tf.transpose(tf.reshape(y, [W, b, C]), [1, 0, 2]) as Tensor3D;
  }

  /** [1, 1, 2, 1] per LSTM gate block (i, f, c, o): tanh(u) = 2σ(2u) − 1 for the cell gate. */
  private lstmScale(): Tensor {
    const H = this.arch.hidden_size;
    const s = new Float32Array(4 * H).fill(1);
    s.fill(2, 2 * H, 3 * H);
    return this.tf.tensor1d(s);
  }
}

/** Most values of an all-steps input projection (a training batch: 50 × 64 × 128 = 409,600). */
const ALL_STEPS_MAX = 1 << 20;

interface Transposes {
  layers: { K: Tensor2D; R: Tensor2D[] }[];
  output: Tensor2D;
}

/** One gate's weights for evalForward: input kernel, recurrent kernel and bias. */
interface EvalGate {
  K: Tensor2D;
  R: Tensor2D;
  b: Tensor;
}

interface State {
  h: Tensor2D;
  /** LSTM's carry; undefined for GRU. */
  c?: Tensor2D;
}

/**
 * One LSTM step (Keras' cell, sigmoid recurrent activation): z = xz + h·R, gates [i, f, c, o].
 * `xz` is the input's projection with the bias; a null state is zero (the first step). The
 * cell-gate columns of the weights come doubled (forward's `lstmScale`), so one sigmoid over z
 * gives all four gates, the cell gate as tanh(u) = 2σ(2u) − 1: fewer kernels than three sigmoids
 * and a tanh, forward and backward.
 */
function lstmStep(tf: TfLayers, xz: Tensor2D, state: State | null, w: LayerWeights, _H: number): State {
  const z = state ? tf.add(xz, w.mmR[0](state.h, w.R[0])) : xz;
  const [si, sf, sg, so] = tf.split(tf.sigmoid(z), 4, 1) as Tensor2D[];
  const ig = tf.mul(si, tf.sub(tf.mul(sg, 2), 1));
  const c = (state ? tf.add(tf.mul(sf, state.c!), ig) : ig) as Tensor2D;
  return { h: tf.mul(so, tf.tanh(c)) as Tensor2D, c };
}

/**
 * One GRU step (Keras' cell with reset_after = false, as tfjs'): z, r = σ(xz_zr + h·R_zr),
 * hh = tanh(xz_h + (r·h)·R_h), h' = z·h + (1 − z)·hh, written hh + z·(h − hh).
 */
function gruStep(tf: TfLayers, xz: Tensor2D, state: State | null, w: LayerWeights, H: number): State {
  const [xzr, xh] = tf.split(xz, [2 * H, H], 1) as Tensor2D[];
  if (!state) {
    // h = 0: z·h and r·h vanish.
    const z = tf.sigmoid(tf.slice(xzr, [0, 0], [-1, H]));
    return { h: tf.mul(tf.sub(1, z), tf.tanh(xh)) as Tensor2D };
  }
  const h = state.h;
  const [z, r] = tf.split(tf.sigmoid(tf.add(xzr, w.mmR[0](h, w.R[0]))), 2, 1) as Tensor2D[];
  const hh = tf.tanh(tf.add(xh, w.mmR[1](tf.mul(r, h) as Tensor2D, w.R[1])));
  return { h: tf.add(hh, tf.mul(z, tf.sub(h, hh))) as Tensor2D };
}

/**
 * Rows [W·b, n] (step-major) cut into W per-step [b, n] tensors. wasm's Slice reads its whole input
 * for every piece, so the cut is made in two levels (about √W groups, then their steps): ~2√W
 * copies of a group's size instead of W copies of the whole.
 */
function stepRows(tf: TfLayers, rows: Tensor2D, W: number): Tensor2D[] {
  const [Wb, n] = rows.shape;
  const b = Wb / W;
  const g = Math.ceil(Math.sqrt(W));
  const sizes: number[] = [];
  for (let t = 0; t < W; t += g) sizes.push(Math.min(g, W - t) * b);
  const out: Tensor2D[] = [];
  for (const group of tf.split(rows, sizes, 0)) {
    const k = group.shape[0] / b;
    if (k === 1) out.push(group as Tensor2D);
    else out.push(...(tf.split(group, k, 0) as Tensor2D[]));
  }
  void n;
  return out;
}

/**
 * a·W whose gradient is given as plain products with explicit transposes: dA = dY·Wᵀ (Wᵀ = `Wt`,
 * made once per batch) and dW = aᵀ·dY. The same values tfjs' own MatMul gradient gives
 * (dY·Wᵀ and aᵀ·dY, there as BatchMatMul with transposeB / transposeA, whose wasm kernel is ~10×
 * slower than transpose + plain product).
 */
export function matMulOp(tf: TfLayers, Wt: Tensor2D): MatMul {
  const op = tf.customGrad((...args: (Tensor | import('@tensorflow/tfjs').GradSaveFunc)[]) => {
    const [a, W, save] = args as [Tensor2D, Tensor2D, import('@tensorflow/tfjs').GradSaveFunc];
    save([a]);
    return {
      value: tf.matMul(a, W),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.matMul(dy as Tensor2D, Wt), tf.matMul(tf.transpose(saved[0]) as Tensor2D, dy as Tensor2D)],
    };
  });
  return (a, W) => op(a, W) as Tensor2D;
}

/** A new fast network (same arguments as net.ts' createRnnNet). */
export function createFastRnnNet(tf: TfLayers, arch: RnnArchitecture, options: RnnNetOptions): RnnNet {
  return new FastRnnNet(tf, arch, options);
}
