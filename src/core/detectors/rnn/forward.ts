/**
 * Scoring the recurrent autoencoder: the eval-mode forward pass (no dropout) of rnn/net.ts's
 * network, written with tfjs-core ops from its weights, and the windows' reconstruction errors.
 * The same arithmetic as tf.layers' predict (a unit test holds the two within float32 tolerance);
 * no gradient is involved.
 *
 * Why not tf.layers' predict: measured on wasm (4,096 windows × 30 steps, hidden 16), 60 % of its
 * time went to moving memory, not to arithmetic — unstacking the input over time (Unpack), splitting
 * the fused gate pre-activations (SplitV) and tiling the code for the decoder (Tile). Here windows
 * are laid out time-major on the host, so each step's input is its own upload; each gate has its
 * own kernel columns, so nothing is split; the decoder's input (the same code at every step) is
 * multiplied once; and the output layer and the squared errors run once over all steps.
 *
 * Cells as Keras / tfjs (rnn/net.ts): LSTM i, f, c̃, o (sigmoid, sigmoid, tanh, sigmoid):
 * c = f·c + i·c̃, h = o·tanh(c); GRU z, r, h̃ with the reset gate before the recurrent product:
 * h̃ = tanh(x·K_h + (r·h)·U_h + b_h), h = z·h + (1 − z)·h̃. States start at 0.
 */
import { throwIfAborted, type AbortSignalLike } from '../../abort.js';
import type { Tf, Tensor } from '../autoencoder/network.js';
import { gates, weightLayout, type RnnArchitecture } from './net.js';

type Tensor2D = import('@tensorflow/tfjs-core').Tensor2D;

/** One RNN layer's weights split per gate: K[g] [in, H], U[g] [H, H], b[g] [H]. */
interface GateWeights {
  K: Float32Array[];
  U: Float32Array[];
  b: Float32Array[];
  input: number;
}

/** Columns [g·H, (g+1)·H) of a row-major [rows, G·H] matrix. */
function columns(m: Float32Array, rows: number, G: number, H: number, g: number): Float32Array {
  const out = new Float32Array(rows * H);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * G * H + g * H, r * G * H + (g + 1) * H), r * H);
  return out;
}

/** The weights (weightLayout order) as per-gate blocks: encoder layers, decoder layers, the output dense layer. */
export function splitWeights(arch: RnnArchitecture, weights: Float32Array[]): { encoder: GateWeights[]; decoder: GateWeights[]; dense: { W: Float32Array; b: Float32Array } } {
  const layout = weightLayout(arch);
  if (weights.length !== layout.length) throw new RangeError(`the network has ${layout.length} weight arrays, got ${weights.length}`);
  const G = gates(arch.cell);
  const H = arch.hidden_size;
  const layers: GateWeights[] = [];
  for (let l = 0; l < 2 * arch.n_layers; l++) {
    const input = layout[3 * l].shape[0];
    const [k, u, b] = weights.slice(3 * l, 3 * l + 3);
    layers.push({
      input,
      K: Array.from({ length: G }, (_, g) => columns(k, input, G, H, g)),
      U: Array.from({ length: G }, (_, g) => columns(u, H, G, H, g)),
      b: Array.from({ length: G }, (_, g) => b.subarray(g * H, (g + 1) * H)),
    });
  }
  const n = weights.length;
  return { encoder: layers.slice(0, arch.n_layers), decoder: layers.slice(arch.n_layers), dense: { W: weights[n - 2], b: weights[n - 1] } };
}

/**
 * A layer's weights as tensors (disposed by the caller's tidy): per gate K_g [in, H], U_g [H, H]
 * and b_g [H]. The gate whose activation is tanh (gate 2 in both cells: LSTM c̃, GRU h̃) is scaled
 * by 2 when tanh is computed as 2σ(2x) − 1.
 */
function tensors(tf: Tf, w: GateWeights, H: number, viaSigmoid: boolean) {
  const s = (g: number, a: Float32Array) => (viaSigmoid && g === 2 ? a.map((x) => 2 * x) : a);
  return {
    K: w.K.map((k, g) => tf.tensor2d(s(g, k), [w.input, H])),
    U: w.U.map((u, g) => tf.tensor2d(s(g, u), [H, H])),
    b: w.b.map((v, g) => tf.tensor1d(s(g, v))),
  };
}

type LayerTensors = ReturnType<typeof tensors>;

/**
 * One RNN layer over a sequence: `inputs[t]` [b, in] per step, or `constant` (the decoder's
 * repeated code, projected once); returns every step's h [b, H]. Each gate has its own products
 * (x·K_g + b_g fused, h·U_g) and no step splits or concatenates columns: wasm's Concat of [x, h]
 * copied its inputs element by element and cost more than the products it saved. `viaSigmoid`:
 * tanh(x) as 2σ(2x) − 1 (gate 2's weights come doubled): on wasm, tfjs' Tanh measured 10× slower
 * than its Sigmoid on the same tensor, and the two agree within float32.
 */
function runLayer(tf: Tf, cell: RnnArchitecture['cell'], w: LayerTensors, H: number, b: number, steps: number, inputs: ((t: number) => Tensor2D) | null, constant: Tensor2D | null, viaSigmoid: boolean): Tensor2D[] {
  const project = (x: Tensor2D) => w.K.map((k, g) => tf.fused.matMul({ a: x, b: k, bias: w.b[g] }) as Tensor2D);
  const fixed = constant ? project(constant) : null;
  // The gate's pre-activation: x·K_g + b_g (+ h·U_g after the first step, whose state is 0).
  const pre = (xs: Tensor2D[], g: number, h: Tensor2D | null) => (h ? tf.add(xs[g], tf.matMul(h, w.U[g])) : xs[g]) as Tensor2D;
  const sig = (x: Tensor2D) => tf.sigmoid(x) as Tensor2D;
  // tanh of a pre-activation of gate 2 (doubled when viaSigmoid), and of anything else.
  const tanhGate = (x: Tensor2D) => (viaSigmoid ? tf.sub(tf.mul(tf.sigmoid(x), 2), 1) : tf.tanh(x)) as Tensor2D;
  const tanh = (x: Tensor2D) => (viaSigmoid ? tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1) : tf.tanh(x)) as Tensor2D;
  let h: Tensor2D | null = null;
  let c: Tensor2D | null = null;
  const out: Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const xs = fixed ?? project(inputs!(t));
    if (cell === 'lstm') {
      const ig = tf.mul(sig(pre(xs, 0, h)), tanhGate(pre(xs, 2, h)));
      c = (c ? tf.add(tf.mul(sig(pre(xs, 1, h)), c), ig) : ig) as Tensor2D;
      h = tf.mul(sig(pre(xs, 3, h)), tanh(c)) as Tensor2D;
    } else {
      const z = sig(pre(xs, 0, h));
      if (!h) h = tf.mul(tf.sub(1, z), tanhGate(xs[2])) as Tensor2D;
      else {
        const r = sig(pre(xs, 1, h));
        const hh = tanhGate(tf.add(xs[2], tf.matMul(tf.mul(r, h) as Tensor2D, w.U[2])) as Tensor2D);
        h = tf.add(hh, tf.mul(z, tf.sub(h, hh))) as Tensor2D;
      }
    }
    out.push(h);
  }
  return out;
}

/**
 * Reconstruction errors of the windows starting at rows `starts` of Z (row-major, C columns,
 * standardised), W rows each, in blocks of `block` windows: 'score' → one mean squared error per
 * window (over its W steps and C columns); 'explain' → per window and column, that column's mean
 * squared error over the steps / C (a window's C values sum to its score).
 */
export async function reconstructionErrors(tf: Tf, arch: RnnArchitecture, weights: Float32Array[], Z: Float32Array, starts: ArrayLike<number>, what: 'score' | 'explain', block: number, signal?: AbortSignalLike, onProgress?: (f: number) => void): Promise<Float32Array> {
  const { window_size: W, channels: C, hidden_size: H } = arch;
  const split = splitWeights(arch, weights);
  const n = starts.length;
  const per = what === 'score' ? 1 : C;
  const out = new Float32Array(n * per);
  const buf = new Float32Array(Math.min(n, block) * W * C);
  const viaSigmoid = tf.getBackend() === 'wasm';
  for (let a = 0; a < n; a += block) {
    throwIfAborted(signal);
    const b = Math.min(block, n - a);
    // Time-major: step t of window i at (t·b + i)·C.
    for (let i = 0; i < b; i++) {
      const s = starts[a + i] * C;
      for (let t = 0; t < W; t++) for (let j = 0; j < C; j++) buf[(t * b + i) * C + j] = Z[s + t * C + j];
    }
    const e = tf.tidy(() => {
      const layer = (w: GateWeights) => tensors(tf, w, H, viaSigmoid);
      let seq: Tensor2D[] = Array.from({ length: W }, (_, t) => tf.tensor2d(buf.subarray(t * b * C, (t + 1) * b * C), [b, C]));
      for (const w of split.encoder) {
        const prev = seq;
        seq = runLayer(tf, arch.cell, layer(w), H, b, W, (t) => prev[t], null, viaSigmoid);
      }
      // The decoder reads the encoder's last hidden state at every step (RepeatVector).
      seq = runLayer(tf, arch.cell, layer(split.decoder[0]), H, b, W, null, seq[W - 1], viaSigmoid);
      for (const w of split.decoder.slice(1)) {
        const prev = seq;
        seq = runLayer(tf, arch.cell, layer(w), H, b, W, (t) => prev[t], null, viaSigmoid);
      }
      const y = tf.add(tf.matMul(tf.concat(seq, 0), tf.tensor2d(split.dense.W, [H, C])), tf.tensor1d(split.dense.b));
      const x = tf.tensor2d(buf.subarray(0, W * b * C), [W * b, C]);
      const perColumn = tf.sum(tf.reshape(tf.squaredDifference(y, x), [W, b, C]), 0); // [b, C]
      return (what === 'score' ? tf.div(tf.sum(perColumn, 1), W * C) : tf.div(perColumn, W * C)) as Tensor;
    });
    try {
      out.set((await e.data()) as Float32Array, a * per);
    } finally {
      e.dispose();
    }
    onProgress?.((a + b) / n);
  }
  return out;
}
