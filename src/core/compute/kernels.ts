/**
 * Kernel functions as libsvm (and so scikit-learn's SVC / OneClassSVM) defines
 * them, over row-major float64 matrices.
 *
 *   linear   ⟨x, y⟩
 *   poly     (γ⟨x, y⟩ + coef0)^degree
 *   rbf      exp(−γ‖x − y‖²)
 *   sigmoid  tanh(γ⟨x, y⟩ + coef0)
 *
 * Training (the solver's kernel rows) computes the rbf distance as
 * ‖x‖² + ‖y‖² − 2⟨x, y⟩ as libsvm's Kernel class does; prediction sums the
 * squared differences as libsvm's k_function does. The two agree to rounding.
 */
export type KernelName = 'linear' | 'poly' | 'rbf' | 'sigmoid';
export const KERNELS: KernelName[] = ['rbf', 'linear', 'poly', 'sigmoid'];

export interface KernelParams {
  kernel: KernelName;
  gamma: number;
  degree: number;
  coef0: number;
}

/** x^n for an integer n ≥ 0 by squaring (libsvm's powi). */
export function powi(base: number, times: number): number {
  let tmp = base;
  let ret = 1;
  for (let t = times; t > 0; t = Math.floor(t / 2)) {
    if (t % 2 === 1) ret *= tmp;
    tmp *= tmp;
  }
  return ret;
}

/**
 * gamma as scikit-learn resolves it: 'scale' = 1 / (n_features · X.var()) with
 * the variance over all entries (1.0 when it is 0), 'auto' = 1 / n_features.
 */
export function resolveGamma(gamma: number | string, data: Float64Array, cols: number): number {
  if (gamma === 'auto') return 1 / cols;
  if (gamma === 'scale') {
    const n = data.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = data[i] - mean;
      v += d * d;
    }
    v /= n;
    return v === 0 ? 1 : 1 / (cols * v);
  }
  const g = Number(gamma);
  // scikit-learn allows gamma = 0 (every rbf kernel value is then 1).
  if (!(g >= 0) || !Number.isFinite(g)) throw new RangeError(`gamma must be 'scale', 'auto' or a number >= 0, got: ${JSON.stringify(gamma)}`);
  return g;
}

/**
 * K(A_i, B_j) for every row i of A and j of B, written to out (rowsA × rowsB,
 * row-major). Prediction-style arithmetic (squared differences for rbf).
 */
export function kernelBlock(A: Float64Array, rowsA: number, B: Float64Array, rowsB: number, d: number, p: KernelParams, out: Float64Array | Float32Array): void {
  const { kernel, gamma, degree, coef0 } = p;
  const rbf = kernel === 'rbf';
  // rbf: the squared distance; otherwise the dot product. Then the kernel's function of it.
  for (let i = 0; i < rowsA; i++) {
    const a = i * d;
    const o = i * rowsB;
    let j = 0;
    // Four rows of B at a time: independent add chains run in parallel.
    for (; j + 3 < rowsB; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      if (rbf) {
        for (let k = 0; k < d; k++) {
          const ak = A[a + k];
          const t0 = ak - B[b0 + k];
          const t1 = ak - B[b1 + k];
          const t2 = ak - B[b2 + k];
          const t3 = ak - B[b3 + k];
          s0 += t0 * t0;
          s1 += t1 * t1;
          s2 += t2 * t2;
          s3 += t3 * t3;
        }
      } else {
        for (let k = 0; k < d; k++) {
          const ak = A[a + k];
          s0 += ak * B[b0 + k];
          s1 += ak * B[b1 + k];
          s2 += ak * B[b2 + k];
          s3 += ak * B[b3 + k];
        }
      }
      if (rbf) {
        out[o + j] = Math.exp(-gamma * s0);
        out[o + j + 1] = Math.exp(-gamma * s1);
        out[o + j + 2] = Math.exp(-gamma * s2);
        out[o + j + 3] = Math.exp(-gamma * s3);
      } else {
        out[o + j] = fromDot(kernel, s0, gamma, coef0, degree);
        out[o + j + 1] = fromDot(kernel, s1, gamma, coef0, degree);
        out[o + j + 2] = fromDot(kernel, s2, gamma, coef0, degree);
        out[o + j + 3] = fromDot(kernel, s3, gamma, coef0, degree);
      }
    }
    for (; j < rowsB; j++) {
      const b = j * d;
      let s = 0;
      if (rbf) {
        for (let k = 0; k < d; k++) {
          const t = A[a + k] - B[b + k];
          s += t * t;
        }
      } else {
        for (let k = 0; k < d; k++) s += A[a + k] * B[b + k];
      }
      out[o + j] = rbf ? Math.exp(-gamma * s) : fromDot(kernel, s, gamma, coef0, degree);
    }
  }
}

/** The linear, poly and sigmoid kernels from a dot product. */
export function fromDot(kernel: KernelName, dot: number, gamma: number, coef0: number, degree: number): number {
  return kernel === 'linear' ? dot : kernel === 'poly' ? powi(gamma * dot + coef0, degree) : Math.tanh(gamma * dot + coef0);
}
