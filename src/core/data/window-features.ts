/**
 * Sliding-window features: a series of rows (in time order) becomes one row per time holding the
 * last `size` values of every column, so any tabular detector scores windows instead of single rows
 * (the detectors' `window_size`, `stride` and `differences` parameters; src/core/detectors/windowed.ts
 * applies this before fit and score).
 *
 * Layout: the row of time t holds `size × cols` values, oldest first: `[x(t−size+1)[0…cols−1], …,
 * x(t)[0…cols−1]]`. With `differences` = 1 every value is the first difference `x(s) − x(s−1)`.
 *
 * Causal: a row's window reads only rows at or before it. The first `windowContext(spec)` rows have
 * no full window before them; they are scored with a window padded by repeating the series' first
 * row (so their padded first differences are 0): still nothing later than the row itself. Training
 * uses full windows only (none padded), every `stride`-th one from the first full window on.
 *
 * Memory: a windowed matrix holds `size × cols` floats per row. Training windows past
 * MAX_WINDOW_VALUES values are refused with a message; scoring builds blocks of rows
 * (`windowFeatures(X, spec, start, end)`) so it never holds more than a block.
 *
 * @example
 * const X = { data: Float64Array.of(1, 2, 4, 7), rows: 4, cols: 1 };
 * windowFeatures(X, { size: 2, stride: 1, differences: 0 }).data; // [1,1, 1,2, 2,4, 4,7]
 * windowFeatures(X, { size: 2, stride: 1, differences: 1 }).data; // [0,0, 0,1, 1,2, 2,3]
 * trainingWindows(X, { size: 2, stride: 2, differences: 0 }).data; // [1,2, 4,7] (rows 1 and 3)
 */
import type { Matrix } from './matrix.js';

/** How rows become windows: `size` rows per window (≥ 1), fit on every `stride`-th window, values or first differences. */
export interface WindowSpec {
  size: number;
  stride: number;
  differences: 0 | 1;
}

/** The most values (rows × size × cols) a training matrix of windows may hold: 2^27 floats, 1 GiB. */
export const MAX_WINDOW_VALUES = 2 ** 27;

/** Values per scoring block (32 MiB of float64): scoring never builds more windows than this at once. */
export const SCORE_BLOCK_VALUES = 2 ** 22;

/**
 * The windowing a detector's resolved parameters ask for: null when `window_size` is 0 (or absent),
 * the rows as they are.
 */
export function windowSpec(params: Record<string, unknown>): WindowSpec | null {
  const size = Number(params.window_size ?? 0);
  if (!(size > 0)) return null;
  const stride = Number(params.stride ?? 1);
  return { size, stride: stride > 0 ? stride : 1, differences: Number(params.differences ?? 0) === 1 ? 1 : 0 };
}

/** Rows before a row that its window reads: `size − 1`, plus one with first differences. */
export function windowContext(w: WindowSpec): number {
  return w.size - 1 + w.differences;
}

/** The windows of rows [start, end) of X (default: every row), padded at the series' start as described above. */
export function windowFeatures(X: Matrix, w: WindowSpec, start = 0, end = X.rows): Matrix {
  const { data, cols } = X;
  const width = w.size * cols;
  const rows = Math.max(0, end - start);
  const out = new Float64Array(rows * width);
  for (let t = start; t < end; t++) fillWindow(data, cols, w, t, out, (t - start) * width);
  return { data: out, rows, cols: width };
}

/**
 * The training windows: full windows only, ending at rows `context`, `context + stride`, … (rows
 * before `context` would need padding); a RangeError when there is none, or when they would hold
 * more than MAX_WINDOW_VALUES values. `what` names the detector in messages.
 */
export function trainingWindows(X: Matrix, w: WindowSpec, what = 'the detector'): Matrix {
  const first = windowContext(w);
  if (X.rows <= first) {
    throw new RangeError(`${what}: window_size ${w.size}${w.differences ? ' with differences' : ''} needs at least ${first + 1} training rows for one full window, got ${X.rows}`);
  }
  const count = Math.floor((X.rows - 1 - first) / w.stride) + 1;
  const width = w.size * X.cols;
  if (count * width > MAX_WINDOW_VALUES) {
    const mb = Math.round((count * width * 8) / 2 ** 20).toLocaleString('en-US');
    throw new RangeError(`${what}: ${count.toLocaleString('en-US')} training windows × ${width} values (window_size ${w.size} × ${X.cols} columns) is ${mb} MiB, past the limit of ${MAX_WINDOW_VALUES.toLocaleString('en-US')} values: use a larger stride, a smaller window_size or fewer training rows`);
  }
  const out = new Float64Array(count * width);
  for (let i = 0; i < count; i++) fillWindow(X.data, X.cols, w, first + i * w.stride, out, i * width);
  return { data: out, rows: count, cols: width };
}

/** Writes the window ending at row t into out[at…at + size·cols), oldest row first; rows before 0 repeat row 0. */
function fillWindow(data: Float64Array, cols: number, w: WindowSpec, t: number, out: Float64Array, at: number): void {
  for (let k = 0; k < w.size; k++) {
    const s = t - (w.size - 1) + k;
    const r = s < 0 ? 0 : s;
    const o = at + k * cols;
    if (w.differences) {
      const p = s - 1 < 0 ? 0 : s - 1;
      for (let c = 0; c < cols; c++) out[o + c] = data[r * cols + c] - data[p * cols + c];
    } else {
      for (let c = 0; c < cols; c++) out[o + c] = data[r * cols + c];
    }
  }
}
