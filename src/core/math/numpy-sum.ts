/**
 * numpy's float64 sums, mean and population standard deviation, to the bit: code ported from
 * a Python reference that uses `numpy.mean` / `numpy.std` (NAB's windowed Gaussian) gives the
 * same doubles, so thresholds and ties fall where they fall in the reference.
 *
 * numpy adds a contiguous float64 array by pairwise summation (`pairwise_sum` in
 * numpy/_core/src/umath/loops_utils.h.src): under 8 values a plain loop; up to 128 values
 * eight running sums, one per lane, joined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the
 * rest one by one; above 128 the two halves (the first a multiple of 8 long) summed
 * recursively. `np.add.reduce` (numpy 2.x) starts from the identity 0 and adds the pairwise
 * sum of all the values. `np.mean` = sum / n; `np.std` (ddof 0) = √(sum((x − mean)²) / n).
 * tests/unit/numpy-sum.test.ts checks these against numpy on lengths 1…1000 and 6400.
 *
 * @example
 * numpyMean(Float64Array.of(0.1, 0.2, 0.3)); // 0.20000000000000004, as np.mean([0.1, 0.2, 0.3])
 */

const BLOCK = 128;

/** numpy's pairwise_sum over a[from … from + n). */
export function pairwiseSum(a: ArrayLike<number>, from: number, n: number): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res += a[from + i];
    return res;
  }
  if (n <= BLOCK) {
    let r0 = a[from], r1 = a[from + 1], r2 = a[from + 2], r3 = a[from + 3];
    let r4 = a[from + 4], r5 = a[from + 5], r6 = a[from + 6], r7 = a[from + 7];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const k = from + i;
      r0 += a[k]; r1 += a[k + 1]; r2 += a[k + 2]; r3 += a[k + 3];
      r4 += a[k + 4]; r5 += a[k + 5]; r6 += a[k + 6]; r7 += a[k + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[from + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
}

/** `np.add.reduce` over a[from … from + n): 0 plus the pairwise sum (so −0 sums to +0, as in numpy). */
export function numpySum(a: ArrayLike<number>, from = 0, n = a.length - from): number {
  return 0 + pairwiseSum(a, from, Math.max(0, n));
}

/** `np.mean` over a[from … from + n) (NaN when n is 0, as numpy's empty mean). */
export function numpyMean(a: ArrayLike<number>, from = 0, n = a.length - from): number {
  return numpySum(a, from, n) / n;
}

/**
 * numpy's pairwise_sum of (a[i] − mean)² over a[from … from + n): the same tree as pairwiseSum over
 * the squared deviations numpy materialises (`x = arr − arrmean; x = x * x`), computed on the fly.
 */
export function pairwiseSumSquares(a: ArrayLike<number>, mean: number, from: number, n: number): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) {
      const d = a[from + i] - mean;
      res += d * d;
    }
    return res;
  }
  if (n <= BLOCK) {
    let d = a[from] - mean;
    let r0 = d * d;
    d = a[from + 1] - mean; let r1 = d * d;
    d = a[from + 2] - mean; let r2 = d * d;
    d = a[from + 3] - mean; let r3 = d * d;
    d = a[from + 4] - mean; let r4 = d * d;
    d = a[from + 5] - mean; let r5 = d * d;
    d = a[from + 6] - mean; let r6 = d * d;
    d = a[from + 7] - mean; let r7 = d * d;
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const k = from + i;
      d = a[k] - mean; r0 += d * d;
      d = a[k + 1] - mean; r1 += d * d;
      d = a[k + 2] - mean; r2 += d * d;
      d = a[k + 3] - mean; r3 += d * d;
      d = a[k + 4] - mean; r4 += d * d;
      d = a[k + 5] - mean; r5 += d * d;
      d = a[k + 6] - mean; r6 += d * d;
      d = a[k + 7] - mean; r7 += d * d;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) {
      d = a[from + i] - mean;
      res += d * d;
    }
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSumSquares(a, mean, from, n2) + pairwiseSumSquares(a, mean, from + n2, n - n2);
}

/** `np.std` (ddof 0, the population standard deviation) over a[from … from + n), given its `np.mean`. */
export function numpyStd(a: ArrayLike<number>, mean: number, from = 0, n = a.length - from): number {
  return Math.sqrt((0 + pairwiseSumSquares(a, mean, from, Math.max(0, n))) / n);
}

/**
 * `np.mean` of the prefixes a[0 … n) of an array whose values, once written, do not change until
 * `reset()` (a window filling up): each mean in O(log n) sums and ≤ 256 additions instead of n, bit
 * for bit numpy's, by remembering the pairwise tree's subtrees above 128 values that end before the
 * prefix does: the prefixes share them (only the tree's rightmost path changes from one prefix to
 * the next, and it is not kept, so memory stays O(n / 128)).
 */
export class PrefixMeans {
  private readonly nodes = new Map<number, number>();

  constructor(private readonly a: ArrayLike<number>) {}

  /** Forget the remembered sums: call after changing any value already summed. */
  reset(): void {
    this.nodes.clear();
  }

  /** np.mean(a[0 … n)). */
  mean(n: number): number {
    return (0 + this.node(0, n, true)) / n;
  }

  /** The pairwise sum of a[from … from + n); `last`: the range ends the prefix (not worth keeping). */
  private node(from: number, n: number, last: boolean): number {
    if (n <= BLOCK) return pairwiseSum(this.a, from, n);
    // from and n are below 2^24 (window sizes up to 10^6): one exact number as the key.
    const key = from * 16777216 + n;
    if (!last) {
      const known = this.nodes.get(key);
      if (known !== undefined) return known;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    const v = this.node(from, n2, false) + this.node(from + n2, n - n2, last);
    if (!last) this.nodes.set(key, v);
    return v;
  }
}
