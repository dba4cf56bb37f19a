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
 * `np.std` (ddof 0, the population standard deviation) over a[from … from + n), given its
 * `np.mean`; `scratch` (at least n long) holds the squared deviations, so a caller that
 * recomputes often allocates nothing.
 */
export function numpyStd(a: ArrayLike<number>, mean: number, from = 0, n = a.length - from, scratch: Float64Array = new Float64Array(n)): number {
  for (let i = 0; i < n; i++) {
    const d = a[from + i] - mean;
    scratch[i] = d * d;
  }
  return Math.sqrt(numpySum(scratch, 0, n) / n);
}
