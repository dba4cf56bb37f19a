/**
 * Decimation of a series for drawing: the rows inside a time range reduced to
 * what `pixels` columns of a screen can show. Runs where the rows live (the
 * data worker), so the page receives about 2 × pixels numbers per series and
 * never the rows themselves.
 *
 * Algorithm: min/max per pixel column ("M4" without first/last). Each row
 * whose time t lies in [t0, t1] falls in bucket floor((t − t0) / (t1 − t0) ×
 * pixels) (t = t1 in the last bucket); a bucket keeps the smallest and largest
 * finite value of each series, the number of rows, and, when scores are
 * given, the row with the highest score (where a flagged point is marked).
 * A line drawn from each bucket's min to its max and on to the next bucket
 * covers exactly the pixels the full series would. When the range holds no
 * more rows than pixels, the rows are returned as they are (`kind: 'points'`,
 * each at its own time), so a zoomed-in view is exact.
 *
 * Missing values (NaN) are skipped; a bucket with no finite value has NaN for
 * its min and max, and the line is broken there.
 */

/** Per bucket (pixel column) extremes of one series; NaN where the bucket has no finite value. */
export interface MinMax {
  min: Float64Array;
  max: Float64Array;
}

export type Decimated =
  | {
      kind: 'buckets';
      t0: number;
      t1: number;
      pixels: number;
      /** Rows with a time in [t0, t1]. */
      rows: number;
      /** Rows per bucket. */
      count: Int32Array;
      /** One per series, in the order given. */
      series: MinMax[];
      /** The scores' extremes per bucket (null without scores). */
      score: MinMax | null;
      /** Per bucket, the row with the highest score (−1: none; all −1 without scores). */
      peakRow: Int32Array;
      /** Per series, its value at peakRow (NaN where none). */
      peakValues: Float64Array[];
    }
  | {
      kind: 'points';
      t0: number;
      t1: number;
      pixels: number;
      rows: number;
      /** The rows themselves (indices), their times, each series' values and the scores (null without). */
      row: Int32Array;
      time: Float64Array;
      series: Float64Array[];
      score: Float64Array | null;
    };

export interface DecimateInput {
  /** Each row's time, or null for row order (time = row index). */
  times: ArrayLike<number> | null;
  /** Whether `times` never decreases (a binary search finds the range; otherwise every row is scanned). */
  sorted: boolean;
  series: ArrayLike<number>[];
  scores?: ArrayLike<number> | null;
  t0: number;
  t1: number;
  /** Pixel columns: an integer ≥ 1. */
  pixels: number;
}

/** First index i in [lo, hi) with times[i] ≥ t (times sorted). */
function lowerBound(times: ArrayLike<number>, t: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i in [lo, hi) with times[i] > t (times sorted). */
function upperBound(times: ArrayLike<number>, t: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows [start, end) whose time lies in [t0, t1] when times are sorted (or row order). */
export function rowRange(times: ArrayLike<number> | null, n: number, t0: number, t1: number): [number, number] {
  if (!times) return [Math.max(0, Math.ceil(t0)), Math.min(n, Math.floor(t1) + 1)];
  return [lowerBound(times, t0, 0, n), upperBound(times, t1, 0, n)];
}

/** Whether a series of times never decreases (NaN breaks it). */
export function isSorted(times: ArrayLike<number>): boolean {
  for (let i = 1; i < times.length; i++) if (!(times[i] >= times[i - 1])) return false;
  return true;
}

/**
 * Reduce the rows with a time in [t0, t1] to min/max per pixel column (or the
 * rows themselves when there are no more of them than pixels).
 * @returns a `Decimated` of `pixels` buckets (see the module comment); throws a RangeError for bad bounds or pixels.
 * @example
 * decimate({ times: null, sorted: true, series: [[1, 5, 2, 8]], t0: 0, t1: 3, pixels: 1 })
 * // → buckets: series[0].min = [1], series[0].max = [8]
 */
export function decimate(input: DecimateInput): Decimated {
  const { times, series, t0, t1, pixels } = input;
  const scores = input.scores ?? null;
  if (!(Number.isInteger(pixels) && pixels >= 1)) throw new RangeError(`pixels must be an integer ≥ 1, got ${pixels}`);
  if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 >= t0)) throw new RangeError(`the range must be finite with t1 ≥ t0, got [${t0}, ${t1}]`);
  const n = times ? times.length : series[0]?.length ?? scores?.length ?? 0;
  const timeOf = (i: number) => (times ? times[i] : i);
  const inRange = (t: number) => t >= t0 && t <= t1;
  // The rows to look at: a contiguous run when sorted, else all of them (filtered by time).
  const [start, end] = input.sorted || !times ? rowRange(times, n, t0, t1) : [0, n];
  let rows = 0;
  if (input.sorted || !times) rows = Math.max(0, end - start);
  else for (let i = 0; i < n; i++) if (inRange(times[i])) rows++;

  if (rows <= pixels) {
    const row = new Int32Array(rows);
    let k = 0;
    for (let i = start; i < end; i++) if (inRange(timeOf(i))) row[k++] = i;
    const time = Float64Array.from(row, timeOf);
    return {
      kind: 'points', t0, t1, pixels, rows, row, time,
      series: series.map((s) => Float64Array.from(row, (i) => s[i])),
      score: scores ? Float64Array.from(row, (i) => scores[i]) : null,
    };
  }

  const count = new Int32Array(pixels);
  const mm = series.map(() => ({ min: new Float64Array(pixels).fill(Infinity), max: new Float64Array(pixels).fill(-Infinity) }));
  const sc = scores ? { min: new Float64Array(pixels).fill(Infinity), max: new Float64Array(pixels).fill(-Infinity) } : null;
  const peakRow = new Int32Array(pixels).fill(-1);
  const span = t1 - t0;
  // span > 0 here: more rows than pixels ≥ 1 in range means at least two distinct times or duplicates;
  // with span 0 every row lands in bucket 0.
  const perUnit = span > 0 ? pixels / span : 0;
  for (let i = start; i < end; i++) {
    const t = timeOf(i);
    if (!inRange(t)) continue;
    let b = Math.floor((t - t0) * perUnit);
    if (b >= pixels) b = pixels - 1; // t = t1
    count[b]++;
    for (let j = 0; j < series.length; j++) {
      const v = series[j][i];
      if (v !== v) continue; // missing
      const m = mm[j];
      if (v < m.min[b]) m.min[b] = v;
      if (v > m.max[b]) m.max[b] = v;
    }
    if (sc) {
      const s = scores![i];
      if (s !== s) continue;
      if (s < sc.min[b]) sc.min[b] = s;
      if (s > sc.max[b]) {
        sc.max[b] = s;
        peakRow[b] = i;
      }
    }
  }
  // Buckets with no finite value: NaN, not ±Infinity.
  const clean = (m: MinMax) => {
    for (let b = 0; b < pixels; b++) if (m.min[b] === Infinity) { m.min[b] = NaN; m.max[b] = NaN; }
  };
  mm.forEach(clean);
  if (sc) clean(sc);
  const peakValues = series.map((s) => Float64Array.from(peakRow, (r) => (r >= 0 ? s[r] : NaN)));
  return { kind: 'buckets', t0, t1, pixels, rows, count, series: mm, score: sc, peakRow, peakValues };
}
