/**
 * The plot's density layer (issue 23): every row binned into a 2-D histogram
 * over the plotted range, with each bin's count and score sum. Neither depends
 * on the threshold, so a threshold move rebins nothing: only the overlay of
 * flagged rows (PlotSampler) follows it. Rows outside the range or with a
 * missing coordinate are counted apart, not binned.
 */
export interface DensityGrid {
  /** Bins across (x) and up (y). */
  nx: number;
  ny: number;
  x: [number, number];
  y: [number, number];
  /** nx × ny counts, row-major from the bottom-left (y outer, x inner), as the score surface. */
  counts: Uint32Array;
  /** Per bin, the sum of the scores of its rows (empty when no scores were given). */
  scoreSums: Float64Array;
  /** Rows binned; rows outside the range; rows with a missing coordinate (or score). */
  binned: number;
  outside: number;
  missing: number;
  /** The largest bin count. */
  maxCount: number;
}

/**
 * Bin the rows (x[i], y[i]) into nx × ny equal cells over [x0, x1] × [y0, y1]
 * (the right and top edges belong to the last cell). O(n), one pass.
 * @param scores one per row, or null (counts only). A row with a NaN score counts as missing.
 * @example densityGrid(Float64Array.of(0, 1), Float64Array.of(0, 1), null, { x: [0, 1], y: [0, 1], nx: 2, ny: 2 }).counts // [1, 0, 0, 1]
 */
export function densityGrid(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  scores: ArrayLike<number> | null,
  opts: { x: [number, number]; y: [number, number]; nx: number; ny: number },
): DensityGrid {
  const { nx, ny } = opts;
  if (!(Number.isInteger(nx) && nx >= 1 && Number.isInteger(ny) && ny >= 1)) throw new RangeError(`density bins must be positive integers, got ${nx} × ${ny}`);
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} values, y ${y.length}`);
  if (scores && scores.length !== x.length) throw new RangeError(`scores has ${scores.length} values, the rows ${x.length}`);
  const [x0, x1] = opts.x;
  const [y0, y1] = opts.y;
  if (!(x1 > x0 && y1 > y0)) throw new RangeError(`density range must have x1 > x0 and y1 > y0, got [${x0}, ${x1}] × [${y0}, ${y1}]`);
  const counts = new Uint32Array(nx * ny);
  const scoreSums = new Float64Array(scores ? nx * ny : 0);
  const fx = nx / (x1 - x0);
  const fy = ny / (y1 - y0);
  let outside = 0, missing = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const a = x[i], b = y[i];
    if (a !== a || b !== b || (scores && scores[i] !== scores[i])) { missing++; continue; }
    if (a < x0 || a > x1 || b < y0 || b > y1) { outside++; continue; }
    let cx = Math.floor((a - x0) * fx);
    let cy = Math.floor((b - y0) * fy);
    if (cx >= nx) cx = nx - 1; // the right / top edge
    if (cy >= ny) cy = ny - 1;
    const k = cy * nx + cx;
    counts[k]++;
    if (scores) scoreSums[k] += scores[i];
  }
  let maxCount = 0;
  for (const c of counts) if (c > maxCount) maxCount = c;
  return { nx, ny, x: [x0, x1], y: [y0, y1], counts, scoreSums, binned: n - outside - missing, outside, missing, maxCount };
}
