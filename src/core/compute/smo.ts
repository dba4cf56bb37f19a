/**
 * The one-class SVM dual, solved the way libsvm (and so scikit-learn's
 * OneClassSVM) solves it:
 *
 *   min ½ αᵀQα   subject to 0 ≤ αᵢ ≤ 1, Σ αᵢ = ν·l,   Q_ij = K(xᵢ, xⱼ)
 *
 * Sequential minimal optimisation with libsvm's second-order working-set
 * selection (Fan, Chen & Lin 2005), its shrinking heuristic, and a kernel-row
 * cache bounded in memory with least-recently-used eviction. The starting point
 * is scikit-learn's libsvm's: ν·l summed row by row, then alphas filled greedily up to 1.
 *
 * Following the same path matters for parity: the problem is solved only to
 * the tolerance `eps`, so two solvers that pick different pairs stop at
 * different (equally valid) points. This one keeps libsvm's order of rows,
 * including the index swaps of shrinking, its tie rules (≥ keeps the last
 * maximum) and its float32 cached kernel values, so it stops where libsvm
 * stops and decision values agree with scikit-learn's to rounding.
 *
 * ρ (the offset) is libsvm's: the mean of the gradient over free alphas, or
 * the midpoint of the bounds when no alpha is free.
 */
import { AbortError, type AbortSignalLike } from '../abort.js';
import { powi, type KernelParams } from './kernels.js';

const TAU = 1e-12;
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

export interface SmoOptions {
  /** Stopping tolerance on the KKT violation (scikit-learn's tol). */
  eps: number;
  shrinking: boolean;
  /** Kernel cache in MiB (scikit-learn's cache_size). */
  cacheMiB: number;
  /** −1: libsvm's own limit, max(10⁷, 100·l); 0 stops at the starting point. */
  maxIter: number;
  signal?: AbortSignalLike;
  onProgress?: (fraction: number, message?: string) => void;
}

export interface SmoResult {
  /** α in the original row order. */
  alpha: Float64Array;
  rho: number;
  iterations: number;
  /** Whether max_iter stopped the solver before the tolerance was met. */
  hitMaxIter: boolean;
  /** Kernel entries computed (cache misses), for the curious and the benchmarks. */
  kernelEvaluations: number;
  objective: number;
  /**
   * Σⱼ αⱼ K(xᵢ, xⱼ) for every training row, original order: the solver's
   * gradient, accumulated in float64 from float32 kernel values (so within
   * about 1e-7 relative of the float64 sum). decision_function on the training
   * rows is this − ρ without another pass over the support vectors.
   */
  gradient: Float64Array;
}

/** Solve the one-class dual for the rows of X (row-major, l × d). */
export function solveOneClass(X: Float64Array, l: number, d: number, kp: KernelParams, nu: number, opts: SmoOptions): SmoResult {
  const s = new OneClassSolver(X, l, d, kp, opts);
  return s.solve(nu);
}

class OneClassSolver {
  /** Rows in the solver's (permuted) order. */
  private readonly x: Float64Array;
  private readonly xsq: Float64Array;
  private readonly QD: Float64Array;
  private readonly alpha: Float64Array;
  private readonly G: Float64Array;
  private readonly Gbar: Float64Array;
  private readonly status: Uint8Array;
  /** Position → original row. */
  private readonly activeSet: Int32Array;
  private activeSize: number;
  private unshrink = false;
  // Kernel cache: per position, a row prefix of length rowLen (float32 as libsvm's Qfloat); LRU list with sentinel l.
  private readonly rows: (Float32Array | null)[];
  private readonly rowLen: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private cacheLeft: number;
  kernelEvaluations = 0;

  constructor(
    X: Float64Array,
    private readonly l: number,
    private readonly d: number,
    private readonly kp: KernelParams,
    private readonly opts: SmoOptions,
  ) {
    this.x = Float64Array.from(X.subarray(0, l * d));
    this.xsq = new Float64Array(l);
    for (let i = 0; i < l; i++) {
      let s = 0;
      for (let k = 0, o = i * d; k < d; k++) s += this.x[o + k] * this.x[o + k];
      this.xsq[i] = s;
    }
    this.QD = new Float64Array(l);
    for (let i = 0; i < l; i++) this.QD[i] = this.kernel(i, i);
    this.alpha = new Float64Array(l);
    this.G = new Float64Array(l);
    this.Gbar = new Float64Array(l);
    this.status = new Uint8Array(l);
    this.activeSet = new Int32Array(l);
    for (let i = 0; i < l; i++) this.activeSet[i] = i;
    this.activeSize = l;
    this.rows = new Array<Float32Array | null>(l).fill(null);
    this.rowLen = new Int32Array(l);
    this.prev = new Int32Array(l + 1).fill(l);
    this.next = new Int32Array(l + 1).fill(l);
    // libsvm: the budget in Qfloats, less the row headers, at least two full rows.
    const budget = Math.floor((opts.cacheMiB * 2 ** 20) / 4) - l * 8;
    this.cacheLeft = Math.max(budget, 2 * l);
  }

  /** Training kernel between positions i and j (libsvm's Kernel::kernel_*). */
  private kernel(i: number, j: number): number {
    const { x, d } = this;
    let dot = 0;
    for (let k = 0, a = i * d, b = j * d; k < d; k++) dot += x[a + k] * x[b + k];
    switch (this.kp.kernel) {
      case 'linear':
        return dot;
      case 'poly':
        return powi(this.kp.gamma * dot + this.kp.coef0, this.kp.degree);
      case 'rbf':
        return Math.exp(-this.kp.gamma * (this.xsq[i] + this.xsq[j] - 2 * dot));
      default:
        return Math.tanh(this.kp.gamma * dot + this.kp.coef0);
    }
  }

  /**
   * Kernel values of position i against positions [from, to) into row[from..to).
   * Four dot products at a time: independent add chains run in parallel (≈1.6×).
   */
  private fillRow(i: number, row: Float32Array, from: number, to: number): void {
    const { x, d, xsq } = this;
    const { kernel, gamma, coef0, degree } = this.kp;
    const a = i * d;
    const si = xsq[i];
    this.kernelEvaluations += to - from;
    let j = from;
    const rbf = kernel === 'rbf';
    for (; j + 3 < to; j += 4) {
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      for (let k = 0; k < d; k++) {
        const xk = x[a + k];
        d0 += xk * x[b0 + k];
        d1 += xk * x[b1 + k];
        d2 += xk * x[b2 + k];
        d3 += xk * x[b3 + k];
      }
      if (rbf) {
        row[j] = Math.exp(-gamma * (si + xsq[j] - 2 * d0));
        row[j + 1] = Math.exp(-gamma * (si + xsq[j + 1] - 2 * d1));
        row[j + 2] = Math.exp(-gamma * (si + xsq[j + 2] - 2 * d2));
        row[j + 3] = Math.exp(-gamma * (si + xsq[j + 3] - 2 * d3));
      } else {
        row[j] = dotKernel(kernel, d0, gamma, coef0, degree);
        row[j + 1] = dotKernel(kernel, d1, gamma, coef0, degree);
        row[j + 2] = dotKernel(kernel, d2, gamma, coef0, degree);
        row[j + 3] = dotKernel(kernel, d3, gamma, coef0, degree);
      }
    }
    for (; j < to; j++) {
      let dot = 0;
      for (let k = 0, b = j * d; k < d; k++) dot += x[a + k] * x[b + k];
      row[j] = rbf ? Math.exp(-gamma * (si + xsq[j] - 2 * dot)) : dotKernel(kernel, dot, gamma, coef0, degree);
    }
  }

  private lruDelete(h: number): void {
    this.next[this.prev[h]] = this.next[h];
    this.prev[this.next[h]] = this.prev[h];
  }

  private lruInsert(h: number): void {
    const head = this.l;
    this.next[h] = head;
    this.prev[h] = this.prev[head];
    this.next[this.prev[h]] = h;
    this.prev[head] = h;
  }

  /** Row i of Q over positions [0, len) (libsvm's get_Q through Cache::get_data). */
  private getQ(i: number, len: number): Float32Array {
    const have = this.rowLen[i];
    if (have) this.lruDelete(i);
    if (len > have) {
      const more = len - have;
      while (this.cacheLeft < more) {
        const old = this.next[this.l];
        this.lruDelete(old);
        this.cacheLeft += this.rowLen[old];
        this.rows[old] = null;
        this.rowLen[old] = 0;
      }
      const row = new Float32Array(len);
      const prior = this.rows[i];
      if (prior && have) row.set(prior.subarray(0, have));
      this.fillRow(i, row, have, len);
      this.rows[i] = row;
      this.rowLen[i] = len;
      this.cacheLeft -= more;
    }
    this.lruInsert(i);
    return this.rows[i]!;
  }

  /**
   * libsvm's Cache::swap_index, in two halves: the row heads swap at once, and
   * the swap is queued for the rows' contents. flushSwaps applies the queue to
   * each cached row in one pass: the same result as libsvm's per-swap pass over
   * every cached row (a row's contents do not depend on which position owns
   * it), with each row visited once per shrinking step instead of once per swap.
   */
  private cacheSwap(i: number, j: number): void {
    if (i === j) return;
    if (this.rowLen[i]) this.lruDelete(i);
    if (this.rowLen[j]) this.lruDelete(j);
    const r = this.rows[i];
    this.rows[i] = this.rows[j];
    this.rows[j] = r;
    const n = this.rowLen[i];
    this.rowLen[i] = this.rowLen[j];
    this.rowLen[j] = n;
    if (this.rowLen[i]) this.lruInsert(i);
    if (this.rowLen[j]) this.lruInsert(j);
    this.pendingSwaps.push(Math.min(i, j), Math.max(i, j));
  }

  private pendingSwaps: number[] = [];

  private flushSwaps(): void {
    const q = this.pendingSwaps;
    if (!q.length) return;
    for (let h = this.next[this.l]; h !== this.l; ) {
      const nextH = this.next[h];
      const len = this.rowLen[h];
      const row = this.rows[h]!;
      for (let s = 0; s < q.length; s += 2) {
        const lo = q[s];
        const hi = q[s + 1];
        if (len <= lo) continue;
        if (len > hi) {
          const t = row[lo];
          row[lo] = row[hi];
          row[hi] = t;
        } else {
          // The row covers lo but not hi: libsvm gives it up.
          this.lruDelete(h);
          this.cacheLeft += len;
          this.rows[h] = null;
          this.rowLen[h] = 0;
          break;
        }
      }
      h = nextH;
    }
    this.pendingSwaps = [];
  }

  private swapIndex(i: number, j: number): void {
    this.cacheSwap(i, j);
    const { x, d } = this;
    for (let k = 0; k < d; k++) {
      const t = x[i * d + k];
      x[i * d + k] = x[j * d + k];
      x[j * d + k] = t;
    }
    swapF(this.xsq, i, j);
    swapF(this.QD, i, j);
    swapF(this.G, i, j);
    const st = this.status[i];
    this.status[i] = this.status[j];
    this.status[j] = st;
    swapF(this.alpha, i, j);
    const as = this.activeSet[i];
    this.activeSet[i] = this.activeSet[j];
    this.activeSet[j] = as;
    swapF(this.Gbar, i, j);
  }

  private updateStatus(i: number): void {
    const a = this.alpha[i];
    this.status[i] = a >= 1 ? UPPER : a <= 0 ? LOWER : FREE;
  }

  private reconstructGradient(): void {
    const { l, activeSize, G, Gbar, alpha, status } = this;
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j];
    let nrFree = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = this.getQ(i, activeSize);
        let g = G[i];
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) g += alpha[j] * Qi[j];
        G[i] = g;
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const Qi = this.getQ(i, l);
        const ai = alpha[i];
        for (let j = activeSize; j < l; j++) G[j] += ai * Qi[j];
      }
    }
  }

  /** Second-order working-set selection; null when optimal within eps. */
  private selectWorkingSet(): [number, number] | null {
    const { activeSize, G, status, QD } = this;
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let GmaxIdx = -1;
    let GminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (status[t] !== UPPER && -G[t] >= Gmax) {
        Gmax = -G[t];
        GmaxIdx = t;
      }
    }
    const i = GmaxIdx;
    const Qi = i !== -1 ? this.getQ(i, activeSize) : null;
    for (let j = 0; j < activeSize; j++) {
      if (status[j] === LOWER) continue;
      const gj = G[j];
      const gradDiff = Gmax + gj;
      if (gj >= Gmax2) Gmax2 = gj;
      if (gradDiff > 0 && Qi) {
        const quad = QD[i] + QD[j] - 2 * Qi[j];
        const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
        if (objDiff <= objDiffMin) {
          GminIdx = j;
          objDiffMin = objDiff;
        }
      }
    }
    this.lastGap = Gmax + Gmax2;
    if (Gmax + Gmax2 < this.opts.eps || GminIdx === -1) return null;
    return [GmaxIdx, GminIdx];
  }

  lastGap = Infinity;

  private beShrunk(i: number, Gmax1: number, Gmax2: number): boolean {
    const st = this.status[i];
    if (st === UPPER) return -this.G[i] > Gmax1;
    if (st === LOWER) return this.G[i] > Gmax2;
    return false;
  }

  private doShrinking(): void {
    const { G, status } = this;
    let Gmax1 = -Infinity; // max −G over rows that may go up
    let Gmax2 = -Infinity; // max G over rows that may go down
    for (let i = 0; i < this.activeSize; i++) {
      if (status[i] !== UPPER && -G[i] >= Gmax1) Gmax1 = -G[i];
      if (status[i] !== LOWER && G[i] >= Gmax2) Gmax2 = G[i];
    }
    if (!this.unshrink && Gmax1 + Gmax2 <= this.opts.eps * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.l;
    }
    for (let i = 0; i < this.activeSize; i++) {
      if (this.beShrunk(i, Gmax1, Gmax2)) {
        this.activeSize--;
        while (this.activeSize > i) {
          if (!this.beShrunk(this.activeSize, Gmax1, Gmax2)) {
            this.swapIndex(i, this.activeSize);
            break;
          }
          this.activeSize--;
        }
      }
    }
    this.flushSwaps();
  }

  private calculateRho(): number {
    const { G, status } = this;
    let ub = Infinity;
    let lb = -Infinity;
    let nrFree = 0;
    let sumFree = 0;
    for (let i = 0; i < this.activeSize; i++) {
      const g = G[i];
      if (status[i] === UPPER) lb = Math.max(lb, g);
      else if (status[i] === LOWER) ub = Math.min(ub, g);
      else {
        nrFree++;
        sumFree += g;
      }
    }
    return nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
  }

  solve(nu: number): SmoResult {
    const { l, alpha, G, Gbar, opts } = this;
    // scikit-learn's libsvm: ν·l summed row by row (with its rounding), then filled greedily —
    // the sum may fall a hair short of an integer, leaving the last alpha just below 1 (free),
    // which decides ρ. Upstream libsvm's ⌊ν·l⌋ would put it at the bound.
    let nuL = 0;
    for (let i = 0; i < l; i++) nuL += nu;
    for (let i = 0; nuL > 0 && i < l; i++) {
      alpha[i] = Math.min(1, nuL);
      nuL -= alpha[i];
    }
    for (let i = 0; i < l; i++) this.updateStatus(i);

    // Gradient G = Qα (p = 0) and Ḡ = Σ over alphas at the upper bound of C·Q.
    for (let i = 0; i < l; i++) {
      if (this.status[i] === LOWER) continue;
      const Qi = this.getQ(i, l);
      const ai = alpha[i];
      for (let j = 0; j < l; j++) G[j] += ai * Qi[j];
      if (this.status[i] === UPPER) for (let j = 0; j < l; j++) Gbar[j] += Qi[j];
      if ((i & 255) === 0) this.checkAbort();
    }

    const maxIter = opts.maxIter >= 0 ? opts.maxIter : Math.max(10_000_000, 100 * l);
    let iter = 0;
    let counter = Math.min(l, 1000) + 1;
    let gap0 = NaN;
    while (iter < maxIter) {
      if (--counter === 0) {
        counter = Math.min(l, 1000);
        if (opts.shrinking) this.doShrinking();
        this.checkAbort();
        this.report(iter, gap0);
      }
      let ws = this.selectWorkingSet();
      if (Number.isNaN(gap0)) gap0 = this.lastGap;
      if (!ws) {
        this.reconstructGradient();
        this.activeSize = l;
        ws = this.selectWorkingSet();
        if (!ws) break;
        counter = 1; // shrink at the next iteration
      }
      iter++;
      const [i, j] = ws;
      const Qi = this.getQ(i, this.activeSize);
      const Qj = this.getQ(j, this.activeSize);
      const oldI = alpha[i];
      const oldJ = alpha[j];
      let quad = this.QD[i] + this.QD[j] - 2 * Qi[j];
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > 1) {
        if (alpha[i] > 1) {
          alpha[i] = 1;
          alpha[j] = sum - 1;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > 1) {
        if (alpha[j] > 1) {
          alpha[j] = 1;
          alpha[i] = sum - 1;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
      const dI = alpha[i] - oldI;
      const dJ = alpha[j] - oldJ;
      const n = this.activeSize;
      for (let k = 0; k < n; k++) G[k] += Qi[k] * dI + Qj[k] * dJ;

      const wasUpperI = this.status[i] === UPPER;
      const wasUpperJ = this.status[j] === UPPER;
      this.updateStatus(i);
      this.updateStatus(j);
      if (wasUpperI !== (this.status[i] === UPPER)) {
        const row = this.getQ(i, l);
        if (wasUpperI) for (let k = 0; k < l; k++) Gbar[k] -= row[k];
        else for (let k = 0; k < l; k++) Gbar[k] += row[k];
      }
      if (wasUpperJ !== (this.status[j] === UPPER)) {
        const row = this.getQ(j, l);
        if (wasUpperJ) for (let k = 0; k < l; k++) Gbar[k] -= row[k];
        else for (let k = 0; k < l; k++) Gbar[k] += row[k];
      }
    }
    const hitMaxIter = iter >= maxIter;
    if (hitMaxIter && this.activeSize < l) {
      this.reconstructGradient();
      this.activeSize = l;
    }
    const rho = this.calculateRho();
    let objective = 0;
    for (let i = 0; i < l; i++) objective += alpha[i] * G[i];
    objective /= 2;
    const out = new Float64Array(l);
    const gradient = new Float64Array(l);
    for (let i = 0; i < l; i++) {
      out[this.activeSet[i]] = alpha[i];
      gradient[this.activeSet[i]] = G[i];
    }
    return { alpha: out, rho, iterations: iter, hitMaxIter, kernelEvaluations: this.kernelEvaluations, objective, gradient };
  }

  private checkAbort(): void {
    if (this.opts.signal?.aborted) throw new AbortError();
  }

  /** Progress from the KKT gap on a log scale: it falls roughly geometrically towards eps. */
  private report(iter: number, gap0: number): void {
    if (!this.opts.onProgress) return;
    const gap = this.lastGap;
    let f = 0;
    if (gap0 > this.opts.eps && gap > 0 && Number.isFinite(gap)) f = Math.log(gap0 / gap) / Math.log(gap0 / this.opts.eps);
    this.opts.onProgress(Math.min(0.95, Math.max(0, f)), `SMO iteration ${iter}, KKT gap ${gap.toPrecision(3)}`);
  }
}

function swapF(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** linear, poly and sigmoid kernels from the dot product. */
function dotKernel(kernel: string, dot: number, gamma: number, coef0: number, degree: number): number {
  return kernel === 'linear' ? dot : kernel === 'poly' ? powi(gamma * dot + coef0, degree) : Math.tanh(gamma * dot + coef0);
}
