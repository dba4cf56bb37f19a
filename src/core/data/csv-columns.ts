/**
 * One column as the CSV reader builds it — numeric until a cell is text, then
 * text codes over its levels — and its profile when the file is read: range,
 * mean, standard deviation, missing count, distinct values. What counts as a
 * missing cell is decided here.
 */
import type { Column, NumericColumn, TextColumn } from './dataset.js';
import { parseTime } from './time.js';

/** Cell texts read as a missing value (after trimming), besides the empty cell. */
export const MISSING_TOKENS = new Set([
  'na', 'n/a', '#n/a', 'nan', '-nan', 'null', 'none', 'nil', '?',
  'inf', '-inf', '+inf', 'infinity', '-infinity', '+infinity',
]);

const MAX_LEVELS = 100_000;
const MAX_DISTINCT = 20;

export interface ColumnBuilder {
  name: string;
  kind: 'numeric' | 'text';
  values: Float64Array; // numeric
  codes: Int32Array; // text
  levels: string[];
  levelIndex: Map<string, number> | null;
  missing: number;
  firstText: { row: number; value: string } | null;
  /** A text column past MAX_LEVELS whose texts are times: each cell parsed (ms, NaN unparseable), else absent. */
  times?: Float64Array | null;
}

export function isMissing(cell: string): boolean {
  const t = cell.trim();
  return t === '' || MISSING_TOKENS.has(t.toLowerCase());
}

export function setText(col: ColumnBuilder, i: number, cell: string): void {
  const t = cell.trim();
  if (t === '' || MISSING_TOKENS.has(t.toLowerCase())) {
    if (col.levelIndex) col.codes[i] = -1;
    else if (col.times) col.times[i] = NaN;
    col.missing++;
    return;
  }
  const index = col.levelIndex;
  if (!index) {
    // too many levels: the codes were dropped; a time column keeps its times
    if (col.times) col.times[i] = parseTime(t);
    return;
  }
  let code = index.get(t);
  if (code === undefined) {
    if (col.levels.length >= MAX_LEVELS) {
      col.levelIndex = null; // an id-like column: keep it listed, not its values
      col.times = keepTimes(col, i, t);
      return;
    }
    code = col.levels.length;
    col.levels.push(t);
    index.set(t, code);
  }
  col.codes[i] = code;
}

/**
 * A column that outgrew MAX_LEVELS: when its first text is a time (a timestamp column of more than
 * 100,000 rows), its cells so far become times (each level parsed once) and later cells are parsed as
 * they come, so the time axis survives the dropped codes; otherwise null.
 */
function keepTimes(col: ColumnBuilder, i: number, t: string): Float64Array | null {
  if (col.levels.length === 0 || Number.isNaN(parseTime(col.levels[0]))) return null;
  const parsed = col.levels.map(parseTime);
  const times = new Float64Array(Math.max(col.codes.length, i + 1)).fill(NaN);
  for (let k = 0; k < i; k++) {
    const c = col.codes[k];
    times[k] = c < 0 ? NaN : parsed[c];
  }
  times[i] = parseTime(t);
  return times;
}

/** The finished column and its profile: range, mean, standard deviation and up to MAX_DISTINCT distinct values. */
export function finishColumn(c: ColumnBuilder, n: number): Column {
  if (c.kind === 'numeric') {
    const values = trim(c.values, n);
    // One pass for the range, the sum and up to MAX_DISTINCT + 1 distinct values (a short list:
    // a label column's two values cost a comparison or two per row, not a Set insertion).
    let min = Infinity, max = -Infinity, sum = 0, count = 0;
    const seen: number[] = [];
    let few = true;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === v) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
        count++;
        if (few && !seen.includes(v)) {
          seen.push(v);
          if (seen.length > MAX_DISTINCT) few = false;
        }
      }
    }
    const mean = count ? sum / count : NaN;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === v) ss += (v - mean) * (v - mean);
    }
    const distinct = few ? seen.sort((a, b) => a - b) : null;
    const col: NumericColumn = {
      name: c.name, kind: 'numeric', values, missing: c.missing,
      min: count ? min : NaN, max: count ? max : NaN, mean, std: count ? Math.sqrt(ss / count) : NaN, distinct,
    };
    return col;
  }
  const codes = c.levelIndex ? trim(c.codes, n) : null;
  const col: TextColumn = {
    name: c.name, kind: 'text', codes, levels: c.levels, missing: c.missing,
    firstText: c.firstText!, min: NaN, max: NaN, times: codes === null && c.times ? trim(c.times, n) : null,
    distinct: c.levelIndex && c.levels.length <= MAX_DISTINCT ? [...c.levels] : null,
  };
  return col;
}

/**
 * The first n entries: a view when the buffer is at most 5 % larger (the
 * pre-sized columns of a big file), so the full columns are not copied once
 * more at the end of a parse; a copy when more would be wasted.
 */
function trim<T extends Float64Array | Int32Array>(a: T, n: number): T {
  if (a.length === n) return a;
  return (a.length <= n * 1.05 ? a.subarray(0, n) : a.slice(0, n)) as T;
}
