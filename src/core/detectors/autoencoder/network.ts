/**
 * The autoencoder's network on tfjs-core: the architecture (PyOD's LinearBlock
 * stack, d → h₁ → … → h_k → … → h₁ → d), its parameters in one flat vector θ
 * (layout, PyOD's initialisation, per-layer views), the training-mode forward
 * pass with its hand-written backward pass, and eval-mode scoring of
 * standardised rows (BatchNorm folded in by batchnorm.ts). See ../autoencoder.ts
 * for the model as a whole.
 */
import { throwIfAborted, type AbortSignalLike } from '../../abort.js';
import type { Random } from '../../random.js';
import { standardScore } from '../../data/scale.js';
import type { ActivationName } from '../specs.js';

export type Tf = typeof import('@tensorflow/tfjs-core');
export type Tensor = import('@tensorflow/tfjs-core').Tensor;
export type Tensor2D = import('@tensorflow/tfjs-core').Tensor2D;
export type Variable = import('@tensorflow/tfjs-core').Variable;

/** torch's BatchNorm1d epsilon. */
export const BN_EPS = 1e-5;
/** torch's LeakyReLU default slope (tfjs' own default is 0.2). */
export const LEAKY_SLOPE = 0.01;
/** Rows per tfjs call when scoring: per-op overhead is paid once per block. */
export const SCORE_BLOCK = 8192;

/** The network's shape and what it does between layers. */
export interface AutoencoderArchitecture {
  /** Layer widths from input to output: [d, 64, 32, 64, d]. */
  layers: number[];
  hidden_activation_name: ActivationName;
  batch_norm: boolean;
  batch_norm_epsilon: number;
  dropout_rate: number;
}

/** One layer's weights on the host. BatchNorm only on hidden layers with batch_norm. */
export interface LayerWeights {
  kernel: Float32Array; // in × out, row-major
  bias: Float32Array;
  gamma?: Float32Array;
  beta?: Float32Array;
  movingMean?: Float32Array;
  movingVariance?: Float32Array;
}

/** tfjs-core, imported lazily, with a backend chosen and ready. */
export async function loadTf(): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs-core');
  // No backend chosen yet (a CLI scoring thread, a script): pick one as the CLI does.
  if (!tf.engine().backendName) {
    const { chooseBackend } = await import('../../compute/backend.js');
    await chooseBackend('auto');
  }
  await tf.ready();
  return tf;
}

/** (x − mean) / scale in float64, stored as float32 (what the network sees). */
export function standardise(data: Float64Array, rows: number, cols: number, scaler: { mean: number[]; scale: number[] } | null, out = new Float32Array(rows * cols)): Float32Array {
  if (!scaler) {
    out.set(data.subarray(0, rows * cols));
    return out;
  }
  const { mean, scale } = scaler;
  for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < cols; j++, k++) out[k] = standardScore(data[k], mean[j], scale[j]);
  return out;
}

export function gatherRows(Z: Float32Array, d: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) out.set(Z.subarray(idx[i] * d, idx[i] * d + d), i * d);
  return out;
}

/**
 * Where each parameter sits in the flat vector θ: per layer its kernel
 * (in × out), bias, and for a hidden layer with batch_norm γ and β.
 */
export interface ParamLayout {
  size: number;
  /** Sizes of the pieces in θ order (for tf.split). */
  sizes: number[];
  /** Per layer: index of its kernel in `sizes` (bias next, then γ, β). */
  first: number[];
}

export function paramLayout(arch: AutoencoderArchitecture): ParamLayout {
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
export function initParams(arch: AutoencoderArchitecture, layout: ParamLayout, rng: Random): Float32Array {
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
export function forwardBackward(
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
export function unpack(arch: AutoencoderArchitecture, layout: ParamLayout, theta: Float32Array, running: Float32Array): LayerWeights[] {
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

/**
 * Squared reconstruction errors of standardised rows Z (rows × d, float32):
 * per row mean ('score', length rows) or per feature ('explain', rows × d).
 */
export async function reconstructionErrors(
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
