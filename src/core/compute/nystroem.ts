/**
 * The large-data route of scikit-learn users to a kernel one-class SVM:
 * `make_pipeline(Nystroem(...), SGDOneClassSVM(...))`.
 *
 * Nystroem (Williams & Seeger 2001): pick c rows at random as the basis, take
 * the kernel matrix K_bb between them, and map a row x to
 * φ(x) = K(x, basis) · K_bb^(−½), so that ⟨φ(x), φ(y)⟩ ≈ K(x, y). As in
 * scikit-learn the inverse square root comes from a decomposition of K_bb with
 * singular values clipped at 1e-12 (here a symmetric eigendecomposition:
 * K_bb is symmetric, and a negative eigenvalue keeps its sign as the SVD's
 * U·Vᵀ does).
 *
 * SGDOneClassSVM (scikit-learn's linear one-class SVM by stochastic gradient,
 * its parametrisation): the hinge loss at margin 1 with α = ν/2, and per row
 *   p = ⟨w, φ⟩ + b;  w ← (1 − ηα)·w;  if p ≤ 1: w ← w + η·φ, b ← b + η(1 − ν)
 *   else b ← b − ην,
 * starting from w = 0, b = 1, with the 'optimal' rate η_t = 1 / (α (t₀ + t − 1)),
 * t₀ from Léon Bottou's heuristic, epochs over shuffled rows, stopping when the
 * epoch's summed loss has not improved by tol·n for 5 epochs (scikit-learn's
 * n_iter_no_change).
 * offset_ = 1 − b and decision_function(x) = ⟨w, φ(x)⟩ − offset_.
 */
import { AbortError, type AbortSignalLike } from '../abort.js';
import type { Random } from '../random.js';
import { kernelBlock, type KernelParams } from './kernels.js';

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major n × n) of a symmetric matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(A: Float64Array, n: number, signal?: AbortSignalLike): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    if (signal?.aborted) throw new AbortError();
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

export interface NystroemMap {
  /** The basis rows, row-major c × d. */
  basis: Float64Array;
  components: number;
  /** K_bb^(−½), row-major c × c (symmetric). */
  normalization: Float64Array;
}

/** Fit the Nystroem map on c rows of X drawn without replacement. */
export function fitNystroem(X: Float64Array, rows: number, d: number, kp: KernelParams, components: number, rng: Random, signal?: AbortSignalLike): NystroemMap {
  const c = Math.min(components, rows);
  const order = rng.permutation(rows);
  const basis = new Float64Array(c * d);
  for (let r = 0; r < c; r++) basis.set(X.subarray(order[r] * d, order[r] * d + d), r * d);
  const K = new Float64Array(c * c);
  kernelBlock(basis, c, basis, c, d, kp, K);
  const { values, vectors } = symmetricEigen(K, c, signal);
  const normalization = new Float64Array(c * c);
  for (let k = 0; k < c; k++) {
    const lambda = values[k];
    const w = Math.sign(lambda || 1) / Math.sqrt(Math.max(Math.abs(lambda), 1e-12));
    for (let i = 0; i < c; i++) {
      const vi = vectors[i * c + k] * w;
      if (vi === 0) continue;
      for (let j = 0; j < c; j++) normalization[i * c + j] += vi * vectors[j * c + k];
    }
  }
  return { basis, components: c, normalization };
}

/** φ(X) for rows [start, end) of X into out (float32, (end − start) × c). */
export function nystroemTransform(map: NystroemMap, X: Float64Array, start: number, end: number, d: number, kp: KernelParams, out: Float32Array, outOffset = 0): void {
  const c = map.components;
  const block = 256;
  const k = new Float64Array(block * c);
  const acc = new Float64Array(c);
  const N = map.normalization;
  for (let s = start; s < end; s += block) {
    const e = Math.min(end, s + block);
    const m = e - s;
    kernelBlock(X.subarray(s * d, e * d), m, map.basis, c, d, kp, k);
    for (let r = 0; r < m; r++) {
      const kr = r * c;
      const o = outOffset + (s - start + r) * c;
      // φ = k · N (N symmetric): accumulate row by row of N for a contiguous inner loop.
      acc.fill(0);
      for (let i = 0; i < c; i++) {
        const ki = k[kr + i];
        if (ki === 0) continue;
        const ni = i * c;
        for (let j = 0; j < c; j++) acc[j] += ki * N[ni + j];
      }
      for (let j = 0; j < c; j++) out[o + j] = acc[j];
    }
  }
}

export interface SgdOptions {
  nu: number;
  maxIter: number;
  tol: number;
  rng: Random;
  signal?: AbortSignalLike;
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface SgdResult {
  coef: Float64Array;
  intercept: number;
  /** scikit-learn's offset_ = 1 − intercept. */
  offset: number;
  epochs: number;
  converged: boolean;
}

/** scikit-learn's SGDOneClassSVM (hinge, l2, 'optimal' learning rate, shuffled epochs, fit_intercept, no averaging) on φ rows. */
export function sgdOneClass(F: Float32Array, rows: number, c: number, o: SgdOptions): SgdResult {
  const alpha = o.nu / 2;
  // Bottou's heuristic for the 'optimal' schedule, as scikit-learn sets it for the hinge loss.
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const eta0 = typw; // typw / max(1, |dloss(−typw, 1)|) with dloss = −1
  const optimalInit = 1 / (eta0 * alpha);
  const w = new Float64Array(c);
  let wscale = 1;
  // scikit-learn starts the intercept at 1 − offset_ with offset_ = 0.
  let b = 1;
  let t = 1;
  let bestLoss = Infinity;
  let noImprovement = 0;
  let epoch = 0;
  let converged = false;
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  for (epoch = 0; epoch < o.maxIter; ) {
    if (o.signal?.aborted) throw new AbortError();
    o.rng.shuffle(order);
    let sumLoss = 0;
    for (let s = 0; s < rows; s++) {
      const r = order[s] * c;
      let dot = 0;
      for (let j = 0; j < c; j++) dot += w[j] * F[r + j];
      const p = dot * wscale + b;
      const eta = 1 / (alpha * (optimalInit + t - 1));
      if (p < 1) sumLoss += 1 - p;
      const update = p <= 1 ? eta : 0; // −η · dloss, dloss = −1 inside the margin
      wscale *= Math.max(0, 1 - eta * alpha);
      if (update !== 0) {
        const u = update / wscale;
        for (let j = 0; j < c; j++) w[j] += u * F[r + j];
      }
      b += update - 2 * eta * alpha;
      if (wscale < 1e-9) {
        for (let j = 0; j < c; j++) w[j] *= wscale;
        wscale = 1;
      }
      t++;
    }
    epoch++;
    o.onEpoch?.(epoch, sumLoss);
    if (sumLoss > bestLoss - o.tol * rows) noImprovement++;
    else noImprovement = 0;
    if (sumLoss < bestLoss) bestLoss = sumLoss;
    if (noImprovement >= 5) {
      converged = true;
      break;
    }
  }
  for (let j = 0; j < c; j++) w[j] *= wscale;
  return { coef: w, intercept: b, offset: 1 - b, epochs: epoch, converged };
}

/**
 * φ(X) for rows [0, rows) as tfjs ops (float32): K(X, basis) from one matMul
 * (rbf as exp(−γ(‖x‖² + ‖b‖² − 2⟨x, b⟩))), then K · N. On wasm (XNNPACK) or a
 * GPU this is an order of magnitude faster than the typed-array loops; values
 * agree with them to float32 rounding (~1e-6 relative).
 */
export async function nystroemTransformTensor(
  map: NystroemMap, X: Float64Array, rows: number, d: number, kp: KernelParams, out: Float32Array,
  opts: { signal?: AbortSignalLike; onProgress?: (fraction: number) => void } = {},
): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  const c = map.components;
  const basis = tf.tensor2d(Float32Array.from(map.basis), [c, d]);
  const bNorm = tf.tidy(() => tf.reshape(tf.sum(tf.square(basis), 1), [1, c]));
  const N = tf.tensor2d(Float32Array.from(map.normalization), [c, c]);
  const block = 16384;
  try {
    for (let s = 0; s < rows; s += block) {
      if (opts.signal?.aborted) throw new AbortError();
      const e = Math.min(rows, s + block);
      const phi = tf.tidy(() => {
        const x = tf.tensor2d(Float32Array.from(X.subarray(s * d, e * d)), [e - s, d]);
        const dot = tf.matMul(x, basis, false, true);
        let K: import('@tensorflow/tfjs-core').Tensor;
        if (kp.kernel === 'rbf') K = tf.exp(tf.mul(tf.relu(tf.sub(tf.add(tf.sum(tf.square(x), 1, true), bNorm), tf.mul(dot, 2))), -kp.gamma));
        else if (kp.kernel === 'linear') K = dot;
        else if (kp.kernel === 'poly') K = tf.pow(tf.add(tf.mul(dot, kp.gamma), kp.coef0), kp.degree);
        else K = tf.tanh(tf.add(tf.mul(dot, kp.gamma), kp.coef0));
        return tf.matMul(K as import('@tensorflow/tfjs-core').Tensor2D, N);
      });
      const v = await phi.data();
      phi.dispose();
      out.set(v as Float32Array, s * c);
      opts.onProgress?.(e / rows);
    }
  } finally {
    basis.dispose();
    bNorm.dispose();
    N.dispose();
  }
}
