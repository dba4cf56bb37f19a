/**
 * Arithmetic that overflowed: a score that is NaN or ±Infinity never reaches the
 * threshold, the metrics or a written file. The run stops with one DataError
 * that names the detector, the row and the column whose magnitude caused it, and
 * says how to scale the data.
 *
 * The column blamed is the one whose value in that row lies furthest from its
 * column's typical magnitude (the median |x| of its non-zero values), in orders
 * of magnitude: 1e200 among values near 1 is 200 orders away, 5e-324 among
 * values near 1 is 323. scikit-learn's LocalOutlierFactor, OneClassSVM and
 * IsolationForest do not scale their input, and neither do ours; PyOD's
 * AutoEncoder standardises by default, and so does ours (with sums that cannot
 * overflow: src/core/data/scale.ts).
 *
 * @example
 * checkFiniteScores(scores, X, { detector: 'Local Outlier Factor', file: 'x.csv', columns: ['a', 'b'] });
 * // DataError: x.csv: Local Outlier Factor: the arithmetic overflowed: row 101 (line 102) scores NaN; …
 */
import { DataError } from '../data/errors.js';
import type { Matrix } from '../data/matrix.js';
import { resolveParams, type ParamSpec } from './params.js';

/** Where scores and rows come from, for the message. */
export interface ScoreContext {
  /** The detector's display name. */
  detector: string;
  /** The file (or dataset) the rows are from. */
  file: string;
  /** Feature column names, in the matrix's order (column 1, 2… when absent). */
  columns?: readonly string[];
  /** The 1-based data row of matrix row i (default i + 1). */
  rowNumber?: (i: number) => number;
  /** A parameter of this detector that scales the data, when it has one (e.g. "standardize=true"). */
  scaleParam?: string;
}

/** A cell far from its column's typical magnitude. */
export interface ExtremeCell {
  /** Matrix row and column. */
  row: number;
  col: number;
  value: number;
  /** The column's typical magnitude (median |x| of its non-zero values). */
  typical: number;
  /** Orders of magnitude (log10) between |value| and typical: > 0 larger, < 0 smaller. */
  orders: number;
}

/** Values beyond this square to Infinity in float64 (√1.8e308 ≈ 1.3e154): such data overflow distances and variances. */
export const SQUARE_OVERFLOWS = 1e154;

/** The typical magnitude of each column: the median |x| of its non-zero values, from at most ~10,000 rows; 0 for an all-zero column. */
function typicalMagnitudes(X: Matrix): number[] {
  const step = Math.max(1, Math.floor(X.rows / 10_000));
  const out: number[] = [];
  for (let j = 0; j < X.cols; j++) {
    const v: number[] = [];
    for (let i = 0; i < X.rows; i += step) {
      const a = Math.abs(X.data[i * X.cols + j]);
      if (a > 0 && a < Infinity) v.push(a);
    }
    v.sort((a, b) => a - b);
    out.push(v.length ? v[v.length >> 1] : 0);
  }
  return out;
}

/**
 * The cell, among the given rows (all when absent), furthest from its column's typical magnitude
 * in orders of magnitude; null when every value is 0.
 */
export function extremeCell(X: Matrix, rows?: ArrayLike<number>): ExtremeCell | null {
  const typical = typicalMagnitudes(X);
  let best: ExtremeCell | null = null;
  const n = rows ? rows.length : X.rows;
  // A value whose square overflows comes first, the largest of them (a column near 1e308 is typical of itself).
  let big = -1;
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    for (let j = 0; j < X.cols; j++) {
      const k = i * X.cols + j;
      if (Math.abs(X.data[k]) >= SQUARE_OVERFLOWS && (big < 0 || Math.abs(X.data[k]) > Math.abs(X.data[big]))) big = k;
    }
  }
  if (big >= 0) {
    const col = big % X.cols;
    const value = X.data[big];
    return { row: (big - col) / X.cols, col, value, typical: typical[col], orders: Math.log10(Math.abs(value)) - Math.log10(typical[col] || 1) };
  }
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    for (let j = 0; j < X.cols; j++) {
      const value = X.data[i * X.cols + j];
      const a = Math.abs(value);
      if (!(a > 0) || !(typical[j] > 0)) continue;
      const orders = Math.log10(a) - Math.log10(typical[j]);
      if (!best || Math.abs(orders) > Math.abs(best.orders)) best = { row: i, col: j, value, typical: typical[j], orders };
    }
  }
  return best;
}

const num = (x: number) => String(Number(x.toPrecision(3)));

/** "column 'x' holds 1e+200 in row 5 (line 6), against a typical magnitude of 0.5; rescale it (…)" */
function blame(cell: ExtremeCell, ctx: ScoreContext, withRow: boolean): string {
  const name = ctx.columns?.[cell.col] ?? `column ${cell.col + 1}`;
  const row = (ctx.rowNumber ?? ((i: number) => i + 1))(cell.row);
  // Bring a huge value near 1 (divide by its own magnitude); a tiny one up to its column's.
  const big = Math.abs(cell.value) >= 1;
  const how = big ? `divide it by 1e${Math.round(Math.log10(Math.abs(cell.value)))} or take its logarithm` : `multiply it by 1e${Math.round(Math.abs(cell.orders))}`;
  const scale = ctx.scaleParam ? ` or set ${ctx.scaleParam}` : '';
  return `column '${name}' holds ${num(cell.value)}${withRow ? ` in row ${row} (line ${row + 1})` : ' there'}, against a typical magnitude of ${num(cell.typical)}: rescale '${name}' (${how})${scale}, then run again`;
}

/** The index of the first NaN or infinite score, or -1. */
export function firstNonFinite(scores: ArrayLike<number>): number {
  for (let i = 0; i < scores.length; i++) if (scores[i] - scores[i] !== 0) return i;
  return -1;
}

/** The first non-finite score's error, or null when every score is finite. */
export function nonFiniteScoreError(scores: ArrayLike<number>, X: Matrix, ctx: ScoreContext): DataError | null {
  let first = -1;
  const bad: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (s - s !== 0) { // NaN or ±Infinity
      if (first < 0) first = i;
      if (bad.length < 100_000) bad.push(i);
    }
  }
  if (first < 0) return null;
  const rowOf = ctx.rowNumber ?? ((i: number) => i + 1);
  const what = Number.isNaN(scores[first]) ? 'NaN' : String(scores[first]);
  const count = bad.length === 1 ? '' : ` (${bad.length === 100_000 ? 'at least ' : ''}${bad.length} rows in all)`;
  // Blame the most extreme cell among the rows that failed (all rows may fail: the autoencoder's loss).
  const cell = X.rows === scores.length ? extremeCell(X, bad) : null;
  const head = `${ctx.file}: ${ctx.detector}: the arithmetic ${cell && cell.orders < 0 ? 'underflowed' : 'overflowed'}: row ${rowOf(first)} (line ${rowOf(first) + 1}) scores ${what}${count}`;
  if (!cell) return new DataError(`${head}; no score was kept`, ctx.file, rowOf(first));
  const column = ctx.columns?.[cell.col] ?? `column ${cell.col + 1}`;
  return new DataError(`${head}; ${blame(cell, ctx, cell.row !== first)}`, ctx.file, rowOf(cell.row), column);
}

/** Throws nonFiniteScoreError's error when a score is NaN or infinite. */
export function checkFiniteScores(scores: ArrayLike<number>, X: Matrix, ctx: ScoreContext): void {
  const e = nonFiniteScoreError(scores, X, ctx);
  if (e) throw e;
}

/**
 * A fit that failed on data holding values whose squares overflow (|x| ≥ 1e154) or underflow
 * (0 < |x| ≤ 1e-154): the failure's message with the column and row to blame, as a DataError;
 * null when the data hold no such value (the failure is then about something else).
 */
export function fitOverflowError(error: unknown, X: Matrix, ctx: ScoreContext): DataError | null {
  if (error instanceof DataError || (error as Error)?.name === 'AbortError') return null;
  const cell = extremeCell(X);
  if (!cell) return null;
  // extremeCell returns a value ≥ 1e154 when there is one; otherwise look for one whose square underflows.
  const a = Math.abs(cell.value);
  if (!(a >= SQUARE_OVERFLOWS || a <= 1 / SQUARE_OVERFLOWS)) return null;
  const why = (error as Error)?.message ?? String(error);
  const column = ctx.columns?.[cell.col] ?? `column ${cell.col + 1}`;
  const row = (ctx.rowNumber ?? ((i: number) => i + 1))(cell.row);
  return new DataError(`${ctx.file}: ${ctx.detector} failed (${why.replace(/\s+$/, '')}); ${blame(cell, ctx, true)}`, ctx.file, row, column);
}

/**
 * The parameter that makes a detector scale its input, when it has one and it is off (the One-class
 * SVM's standardize, the autoencoder's preprocessing); `params` as given (text or values) are
 * resolved against the detector's specs first.
 */
export function scaleParamHint(specs: ParamSpec[], params: Record<string, unknown> = {}): string | undefined {
  let p: Record<string, unknown>;
  try {
    p = resolveParams(specs, params);
  } catch {
    return undefined;
  }
  if (p.standardize === false) return 'standardize=true';
  if (p.preprocessing === false) return 'preprocessing=true';
  return undefined;
}
