/**
 * numpy's default ('linear', type 7) quantile of values sorted ascending — the
 * rule scikit-learn and PyOD use for thresholds.
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty array');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got: ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const frac = h - lo;
  // numpy's _lerp: exact at both ends of the interval.
  const a = sorted[lo];
  const b = sorted[hi];
  const d = b - a;
  return frac >= 0.5 ? b - d * (1 - frac) : a + d * frac;
}

/** The median of values sorted ascending: the middle one, or the mean of the two middle ones. */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** The sorted copy of a score array (ascending). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * PyOD's threshold_: the (1 − contamination) quantile of the training scores;
 * rows whose score is greater than the returned value are flagged. Detectors
 * reach it through src/core/detectors/threshold.ts, which holds every rule
 * (scikit-learn's offset_, the 'auto' constants) in one place.
 * @param scores training scores, higher = more anomalous
 * @param contamination expected fraction of anomalies, in (0, 0.5]
 */
export function thresholdFromContamination(scores: ArrayLike<number>, contamination: number): number {
  if (!(contamination > 0 && contamination <= 0.5)) {
    throw new RangeError(`contamination must be in (0, 0.5], got: ${contamination}`);
  }
  return quantileSorted(sortedCopy(scores), 1 - contamination);
}

/** Number of values ≤ x in an ascending array (binary search). */
export function countAtMost(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of values < x in an ascending array (binary search). */
export function countBelow(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The largest double below x (x itself for −∞ and NaN). */
export function nextDown(x: number): number {
  if (x !== x || x === -Infinity) return x;
  if (x === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] += x > 0 ? -1n : 1n;
  return f[0];
}
