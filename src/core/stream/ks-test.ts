/**
 * The two-sample Kolmogorov–Smirnov test for two samples of the same size, as KSWIN needs it:
 * the statistic D = sup_x |F₁(x) − F₂(x)| over the empirical CDFs (right-continuous, so ties count
 * as scipy's `searchsorted(side='right')`), and its exact two-sided p-value P(D_{n,n} ≥ d) under
 * the null hypothesis — what scipy.stats.ks_2samp(method='auto') computes for equal sizes up to
 * 10,000 ('auto' is exact there; scipy falls back to its asymptotic formula only where rounding
 * takes its exact sum above 1, where both give 1). Unequal sizes are not needed (KSWIN's W and R
 * have the same size) and not offered.
 *
 * The exact p-value (Gnedenko & Korolyuk 1951): with h = round(d · n),
 *     P(D_{n,n} ≥ h/n) = 2 Σ_{k ≥ 1} (−1)^{k+1} C(2n, n − kh) / C(2n, n),
 * summed over k ≤ n / h. Each ratio r_k = C(2n, n − kh)/C(2n, n) is the product
 * Π_{j < kh} (n − j)/(n + j + 1); the alternating sum is evaluated nested,
 * r₁(1 − (r₂/r₁)(1 − (r₃/r₂)(1 − …))), innermost first, which avoids the cancellation of adding
 * terms near 1 when h is small. h = 0 gives 1.
 *
 * @example
 * ksTwoSampleEqual([1, 2, 3], [4, 5, 6]); // { statistic: 1, pValue: 0.1 } (2 · C(6,0)/C(6,3) = 2/20)
 */

/** D and its exact p-value for two samples of the same size n ≥ 1 (the inputs are not changed; `scratch` may be given to avoid allocation). */
export function ksTwoSampleEqual(a: ArrayLike<number>, b: ArrayLike<number>, scratch?: { a: Float64Array; b: Float64Array }): { statistic: number; pValue: number } {
  const n = a.length;
  if (b.length !== n || n < 1) throw new RangeError(`ksTwoSampleEqual needs two samples of the same size >= 1, got ${a.length} and ${b.length}`);
  const sa = scratch?.a && scratch.a.length === n ? scratch.a : new Float64Array(n);
  const sb = scratch?.b && scratch.b.length === n ? scratch.b : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    sa[i] = a[i];
    sb[i] = b[i];
  }
  sa.sort();
  sb.sort();
  return ksExactEqual(n, ksStatisticSorted(sa, sb));
}

/**
 * The exact test's result for sizes n, n from the raw statistic d: as scipy's exact mode, D is
 * reported as h/n with h = round(d · n) (i/n − j/n can be an ulp off a multiple of 1/n).
 */
export function ksExactEqual(n: number, d: number): { statistic: number; pValue: number } {
  return { statistic: Math.round(d * n) / n, pValue: ksPValueEqual(n, d) };
}

/** sup |F_a − F_b| for two sorted samples (any sizes): both CDFs taken after every value equal to the current one. */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < na && j < nb) {
    const v = a[i] <= b[j] ? a[i] : b[j];
    while (i < na && a[i] <= v) i++;
    while (j < nb && b[j] <= v) j++;
    const diff = Math.abs(i / na - j / nb);
    if (diff > d) d = diff;
  }
  return d;
}

/** The exact two-sided P(D_{n,n} ≥ d) (Gnedenko–Korolyuk; see the module comment), clipped to [0, 1]. */
export function ksPValueEqual(n: number, d: number): number {
  const h = Math.round(d * n);
  if (h <= 0) return 1;
  // ratio(k) = r_k / r_{k−1} = Π_{j = (k−1)h}^{kh − 1} (n − j)/(n + j + 1).
  const ratio = (k: number): number => {
    let p = 1;
    for (let j = (k - 1) * h; j < k * h; j++) p *= (n - j) / (n + j + 1);
    return p;
  };
  let nested = 0;
  for (let k = Math.floor(n / h); k >= 1; k--) nested = ratio(k) * (1 - nested);
  return Math.min(1, Math.max(0, 2 * nested));
}
