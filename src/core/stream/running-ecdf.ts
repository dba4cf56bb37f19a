/**
 * Scores mapped causally into [0, 1] by their running empirical CDF: each score becomes the share
 * of the scores before it that are strictly lower, F_i = #{j < i : s_j < s_i} / i (the first score
 * has nothing before it and maps to 0). NAB needs anomaly scores in [0, 1]; this maps a detector
 * whose scores are unbounded (z-score, LOF, kNN distances…) without looking ahead: a row's mapped
 * score depends only on the scores up to it, and a new maximum maps to 1. Strictly lower, so a
 * value repeated from the past (a flat line) does not count against itself.
 *
 * O(n log n): the scores are ranked once (sorted distinct values), then a Fenwick tree over the
 * ranks counts, for each score in order, the earlier scores of lower rank.
 *
 * `every` > 1 counts only every `every`-th score among the earlier ones (rows every − 1, 2·every − 1, …:
 * the windows that tile a series), F_i = #{counted j < i : s_j < s_i} / #{counted j < i}.
 *
 * @example
 * runningEcdf([3, 1, 2, 5, 2]); // [0, 0, 0.5, 1, 0.25]
 */
export function runningEcdf(scores: ArrayLike<number>, every = 1): Float64Array {
  if (!(Number.isInteger(every) && every >= 1)) throw new RangeError(`running ECDF: every must be a positive integer, got ${every}`);
  const n = scores.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const { distinct, m } = distinctValues(scores);
  const tree = new Uint32Array(m + 1);
  for (let i = 0; i < n; i++) {
    const r = rankOf(distinct, m, scores[i]);
    // Earlier scores with rank < r: the prefix count up to r − 1.
    let below = 0;
    for (let k = r - 1; k > 0; k -= k & -k) below += tree[k];
    const counted = every === 1 ? i : Math.floor(i / every);
    out[i] = counted === 0 ? 0 : below / counted;
    if (every === 1 || (i + 1) % every === 0) for (let k = r; k <= m; k += k & -k) tree[k]++;
  }
  return out;
}

/**
 * The distinct values of `scores` (n ≥ 1), ascending, in distinct[0 … m): ranks 1…m for a Fenwick
 * tree over them (NaN refused: a score must be a number). Exported for bench/nab-windowed-diagnose.ts's
 * tiled variant of the running ECDF.
 */
export function distinctValues(scores: ArrayLike<number>): { distinct: Float64Array; m: number } {
  const n = scores.length;
  const sorted = Float64Array.from(scores).sort();
  if (Number.isNaN(sorted[n - 1])) throw new RangeError(`running ECDF: score ${Array.from(scores).findIndex((s) => Number.isNaN(s)) + 1} is NaN`);
  const distinct = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[m++] = sorted[i];
  return { distinct, m };
}

/** 1-based rank of v among distinct[0 … m) (sorted ascending; v is one of them). */
export function rankOf(distinct: Float64Array, m: number, v: number): number {
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (distinct[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}
