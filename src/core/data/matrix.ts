/**
 * A dense matrix: row-major, one contiguous Float64Array so that it can be
 * transferred to a worker in one piece.
 */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Make a matrix, checking that the buffer has rows × cols values. */
export function matrix(data: Float64Array, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} values, expected rows × cols = ${rows} × ${cols}`);
  }
  return { data, rows, cols };
}

/** Build a matrix from nested arrays (tests, small inputs). */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const n = rows.length;
  const d = n ? rows[0].length : 0;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== d) throw new RangeError(`row ${i} has ${rows[i].length} values, expected ${d}`);
    for (let j = 0; j < d; j++) data[i * d + j] = rows[i][j];
  }
  return { data, rows: n, cols: d };
}

/** `rows` split into `parts` consecutive ranges [start, end) of ⌈rows / parts⌉ (the last may be shorter; none empty). */
export function rowRanges(rows: number, parts: number): [number, number][] {
  const per = Math.ceil(rows / Math.max(1, parts));
  const out: [number, number][] = [];
  for (let s = 0; s < rows; s += per) out.push([s, Math.min(rows, s + per)]);
  return out;
}

/** Rows [start, end) as a matrix over a copy of the data (transferable). */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.slice(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/** The rows of `m` listed in `rows`, in that order, as a new matrix (a training subset). */
export function selectRows(m: Matrix, rows: ArrayLike<number>): Matrix {
  const data = new Float64Array(rows.length * m.cols);
  for (let r = 0; r < rows.length; r++) data.set(m.data.subarray(rows[r] * m.cols, (rows[r] + 1) * m.cols), r * m.cols);
  return { data, rows: rows.length, cols: m.cols };
}
