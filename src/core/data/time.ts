/**
 * The time axis of a series: which column holds the time, and that column read as instants.
 *
 * Formats read (`parseTime`, one cell):
 * - ISO 8601 dates and times, with `T` or a space between them: `2014-04-10T07:15:00`,
 *   `2014-04-10 07:15`, `2014-04-10 07:15:00.123456`, a date alone `2014-04-10`; `/` for `-` too;
 * - a zone: `Z`, `±hh:mm`, `±hhmm` or `±hh`; a time without a zone is read as UTC (NAB's
 *   `YYYY-MM-DD HH:MM:SS` are naive times, read as UTC as issue 15's scorer reads them, so a row and a
 *   window edge match when they name the same wall-clock time);
 * - epoch numbers (`parseTimes` on a column of plain numbers): seconds or milliseconds since
 *   1970-01-01 UTC, told apart by magnitude: the column is milliseconds when its largest |value| is
 *   ≥ 1e11, seconds otherwise (1e11 s is the year 5138, 1e11 ms is 1973-03-03: a series in seconds
 *   before 5138 and one in milliseconds after March 1973 are both read right).
 * Without a time column the axis is the row order (`rowAxis`): value i for row i (0-based).
 *
 * The file's order is kept: rows are never sorted. Cells that do not parse, times seen before in the
 * column (duplicates) and times earlier than the row before them (out of order) are counted, with the
 * first row of each (1-based data rows, as in every message about the data), for the page and the CLI
 * to report.
 *
 * Speed: no Date object and no regular expression per cell (a character scanner and Hinnant's
 * days_from_civil, shared with issue 15's NAB time parser); a text column is parsed once per distinct
 * text (its levels), not per row.
 */
import type { Column, Dataset } from './dataset.js';
import { digits, utc } from '../metrics/nab-time.js';

export type TimeKind = 'iso' | 'epoch-s' | 'epoch-ms' | 'row';

/** How many rows have an issue, and the first of them (1-based data row; 0 when count is 0). */
export interface RowIssue {
  count: number;
  firstRow: number;
}

/** A column read as time, in file order. */
export interface TimeAxis {
  /** Per row: milliseconds since 1970-01-01 UTC (NaN where unparseable); the row index (0-based) for 'row'. */
  values: Float64Array;
  kind: TimeKind;
  /** Cells that are empty or not a time of the column's kind. */
  unparseable: RowIssue;
  /** Rows whose time an earlier row already has (the earlier row is not counted). */
  duplicates: RowIssue;
  /** Rows whose time is earlier than the previous parseable row's (out of order). */
  backwards: RowIssue;
}

/** What the page keeps of an axis: everything but the values (they stay in the data worker). */
export interface TimeAxisSummary {
  kind: TimeKind;
  rows: number;
  unparseable: RowIssue;
  duplicates: RowIssue;
  backwards: RowIssue;
  /** First and last parseable values (ms, or row index for 'row'); NaN when none. */
  first: number;
  last: number;
}

/** Names that make a column the time column, compared lower-case and trimmed. */
export const TIME_NAMES = ['timestamp', 'time', 'date', 'datetime', 'ts'] as const;

/** Epoch numbers at or above this magnitude are milliseconds, below it seconds (see the module comment). */
export const EPOCH_MS_FROM = 1e11;

const C0 = 48; // '0'

/** Where the scanner stands in the text (module state: no closure, no allocation per cell). */
let at = 0;

/** One or two digits at `at` (advancing it); -1 when there is none. */
function oneOrTwo(s: string, n: number): number {
  const a = at < n ? s.charCodeAt(at) - C0 : -1;
  if (!(a >= 0 && a <= 9)) return -1;
  const b = at + 1 < n ? s.charCodeAt(at + 1) - C0 : -1;
  if (b >= 0 && b <= 9) {
    at += 2;
    return a * 10 + b;
  }
  at += 1;
  return a;
}

/**
 * Milliseconds since 1970-01-01 UTC of one ISO 8601-like date and time (see the module comment for
 * the forms), NaN when the text is not one. Fractional seconds are kept below the millisecond.
 *
 * @example parseTime('2014-04-10 07:15:00') === Date.UTC(2014, 3, 10, 7, 15) // true
 * @example parseTime('2014-04-10T09:15:00+02:00') === parseTime('2014-04-10 07:15:00') // true
 */
export function parseTime(text: string): number {
  let s = text;
  let n = s.length;
  if (n === 0) return NaN;
  if (s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32) {
    s = s.trim();
    n = s.length;
  }
  if (n < 8) return NaN;
  const y = digits(s, 0, 4);
  const sep = s.charCodeAt(4);
  if (Number.isNaN(y) || (sep !== 45 && sep !== 47)) return NaN; // '-' or '/'
  at = 5;
  const mo = oneOrTwo(s, n);
  if (mo < 0 || s.charCodeAt(at) !== sep) return NaN;
  at++;
  const d = oneOrTwo(s, n);
  if (d < 0) return NaN;
  let h = 0, mi = 0, sec = 0, frac = 0, offset = 0;
  if (at < n) {
    const c = s.charCodeAt(at);
    if (c !== 84 && c !== 116 && c !== 32) return NaN; // 'T', 't', ' '
    at++;
    h = oneOrTwo(s, n);
    if (h < 0 || s.charCodeAt(at) !== 58) return NaN; // ':'
    mi = digits(s, at + 1, 2);
    if (Number.isNaN(mi)) return NaN;
    at += 3;
    if (at < n && s.charCodeAt(at) === 58) {
      sec = digits(s, at + 1, 2);
      if (Number.isNaN(sec)) return NaN;
      at += 3;
      const f = s.charCodeAt(at);
      if (at < n && (f === 46 || f === 44)) { // '.' or ','
        const from = ++at;
        let v = 0;
        for (let dg = at < n ? s.charCodeAt(at) - C0 : -1; dg >= 0 && dg <= 9; dg = ++at < n ? s.charCodeAt(at) - C0 : -1) v = v * 10 + dg;
        if (at === from) return NaN;
        frac = v === 0 ? 0 : (v / 10 ** (at - from)) * 1000;
      }
    }
    if (at < n && s.charCodeAt(at) === 32) at++; // '07:15:00 +02:00'
    if (at < n) {
      const z = s.charCodeAt(at);
      if ((z === 90 || z === 122) && at + 1 === n) { // 'Z'
        at++;
      } else if (z === 43 || z === 45) { // '+' / '-'
        const oh = digits(s, at + 1, 2);
        let om = 0;
        let end = at + 3;
        if (end < n) {
          if (s.charCodeAt(end) === 58) end++;
          om = digits(s, end, 2);
          end += 2;
        }
        if (!(oh <= 23 && om <= 59) || end !== n) return NaN; // NaN: not digits
        offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
        at = n;
      } else {
        return NaN;
      }
    }
  }
  if (at !== n) return NaN;
  return utc(y, mo, d, h, mi, sec, frac) - offset;
}

/** A plain decimal number (optional sign, digits, optional fraction or exponent); NaN otherwise. */
function epochNumber(text: string): number {
  const t = text.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

function noIssue(): RowIssue {
  return { count: 0, firstRow: 0 };
}

/**
 * Counts the unparseable, duplicate and out-of-order rows of `values` (ms or epoch, NaN = unparseable).
 * Duplicates are found by adjacent comparison while the column is in order, and by one sort of the
 * row indices when it is not.
 */
export function axisOf(values: Float64Array, kind: TimeKind): TimeAxis {
  const n = values.length;
  const unparseable = noIssue(), duplicates = noIssue(), backwards = noIssue();
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) {
      if (unparseable.count++ === 0) unparseable.firstRow = i + 1;
      continue;
    }
    if (v < prev) {
      if (backwards.count++ === 0) backwards.firstRow = i + 1;
    } else if (v === prev) {
      if (duplicates.count++ === 0) duplicates.firstRow = i + 1;
    }
    prev = v;
  }
  if (backwards.count > 0) {
    // Out of order: a repeat may be far from its first occurrence. Sort row indices by (time, row).
    duplicates.count = 0;
    duplicates.firstRow = 0;
    const idx = new Uint32Array(n - unparseable.count);
    for (let i = 0, k = 0; i < n; i++) if (values[i] === values[i]) idx[k++] = i;
    idx.sort((a, b) => values[a] - values[b] || a - b);
    let firstDup = Infinity;
    for (let k = 1; k < idx.length; k++) {
      if (values[idx[k]] === values[idx[k - 1]]) {
        duplicates.count++;
        if (idx[k] < firstDup) firstDup = idx[k];
      }
    }
    if (duplicates.count) duplicates.firstRow = firstDup + 1;
  }
  return { values, kind, unparseable, duplicates, backwards };
}

/** Epoch seconds or milliseconds (by magnitude, see EPOCH_MS_FROM) to an axis in milliseconds. */
export function epochAxis(numbers: ArrayLike<number>): TimeAxis {
  const n = numbers.length;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(numbers[i]);
    if (a > maxAbs) maxAbs = a; // NaN compares false: skipped
  }
  const ms = maxAbs >= EPOCH_MS_FROM;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = numbers[i];
    values[i] = Number.isFinite(v) ? (ms ? v : v * 1000) : NaN;
  }
  return axisOf(values, ms ? 'epoch-ms' : 'epoch-s');
}

/**
 * Reads a column's cells as time, in file order. The kind comes from the first non-empty cell: a plain
 * number makes the column epoch seconds or milliseconds (by magnitude), anything else ISO text; cells
 * that do not fit the kind are unparseable (NaN).
 *
 * @example parseTimes(['2014-04-10 07:15:00', '2014-04-10 07:20:00']).kind // 'iso'
 * @example parseTimes(['1396000000', '1396000300']).values[1] // 1396000300000 (ms)
 */
export function parseTimes(texts: ArrayLike<string>): TimeAxis {
  const n = texts.length;
  let first = '';
  for (let i = 0; i < n && first === ''; i++) first = String(texts[i] ?? '').trim();
  if (first !== '' && !Number.isNaN(epochNumber(first))) {
    const numbers = new Float64Array(n);
    for (let i = 0; i < n; i++) numbers[i] = epochNumber(String(texts[i] ?? ''));
    return epochAxis(numbers);
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = parseTime(String(texts[i] ?? ''));
  return axisOf(values, 'iso');
}

/**
 * A text column's codes over its levels read as time: each level parsed once (as parseTimes reads a
 * column: the first level, the first row's text, decides ISO or epoch), then looked up per row (a
 * missing cell, code −1, is unparseable). An epoch column with a stray word in it is such a column.
 */
export function parseTimeCodes(codes: Int32Array, levels: readonly string[]): TimeAxis {
  const { values: parsed, kind } = parseTimes(levels);
  const values = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const k = codes[i];
    values[i] = k < 0 ? NaN : parsed[k];
  }
  return axisOf(values, kind);
}

/** The row order as the time axis: value i at row i (0-based), no issues. */
export function rowAxis(n: number): TimeAxis {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  return { values, kind: 'row', unparseable: noIssue(), duplicates: noIssue(), backwards: noIssue() };
}

/** The axis without its values, for the main thread and the CLI's JSON. */
export function summarizeAxis(axis: TimeAxis): TimeAxisSummary {
  const v = axis.values;
  let first = NaN, last = NaN;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) { first = v[i]; break; }
  for (let i = v.length - 1; i >= 0; i--) if (v[i] === v[i]) { last = v[i]; break; }
  return { kind: axis.kind, rows: v.length, unparseable: axis.unparseable, duplicates: axis.duplicates, backwards: axis.backwards, first, last };
}

/** True when at least half of the non-empty samples (and at least one) read as time of one kind. */
function looksLikeTime(samples: readonly string[], strict: boolean): boolean {
  let seen = 0, iso = 0, epoch = 0, increasing = true;
  let prev = -Infinity;
  for (const raw of samples) {
    const t = String(raw ?? '').trim();
    if (t === '') continue;
    seen++;
    if (!Number.isNaN(parseTime(t))) iso++;
    else {
      const v = epochNumber(t);
      if (!Number.isNaN(v)) {
        epoch++;
        if (v < prev) increasing = false;
        prev = v;
        // By content alone, a number is a time only when it is a whole number in 2001–2286 as seconds or milliseconds.
        if (strict && !(Number.isInteger(v) && ((v >= 1e9 && v < 1e10) || (v >= 1e12 && v < 1e13)))) return false;
      }
    }
  }
  if (seen === 0) return false;
  if (strict) return iso === seen || (epoch === seen && increasing && seen >= 2);
  return iso * 2 >= seen || epoch * 2 >= seen;
}

/**
 * The index of the time column, or null: first a column named like a time (TIME_NAMES, any case) whose
 * samples mostly read as time; else the first column whose samples all read as ISO time, or as whole,
 * increasing epoch seconds or milliseconds of 2001–2286 (so a numeric feature is not taken for time).
 *
 * `sampleTexts[j]`: the first cells of column j, as written (a few dozen are enough).
 *
 * @example detectTimeColumn(['value', 'timestamp'], [['1', '2'], ['2014-04-10 07:15:00', '2014-04-10 07:20:00']]) // 1
 */
export function detectTimeColumn(names: string[], sampleTexts: string[][]): number | null {
  for (const name of TIME_NAMES) {
    const j = names.findIndex((c) => c.trim().toLowerCase() === name);
    if (j >= 0 && looksLikeTime(sampleTexts[j] ?? [], false)) return j;
  }
  for (let j = 0; j < names.length; j++) if (looksLikeTime(sampleTexts[j] ?? [], true)) return j;
  return null;
}

/** The first `count` cells of a column as text (levels for text columns, numbers written out for numeric ones). */
export function sampleCells(col: Column, count = 50): string[] {
  const out: string[] = [];
  if (col.kind === 'numeric') {
    for (let i = 0; i < col.values.length && out.length < count; i++) out.push(Number.isNaN(col.values[i]) ? '' : String(col.values[i]));
  } else if (col.codes) {
    for (let i = 0; i < col.codes.length && out.length < count; i++) out.push(col.codes[i] < 0 ? '' : col.levels[col.codes[i]]);
  } else if (col.times) {
    // Too many distinct values to keep as text: the reader kept them as times (ms).
    for (let i = 0; i < col.times.length && out.length < count; i++) out.push(Number.isNaN(col.times[i]) ? '' : new Date(col.times[i]).toISOString());
  }
  return out;
}

/** The dataset's time column by name and content (detectTimeColumn), or null. */
export function detectDatasetTime(ds: Dataset): string | null {
  const j = detectTimeColumn(ds.columns.map((c) => c.name), ds.columns.map((c) => sampleCells(c)));
  return j === null ? null : ds.columns[j].name;
}

/**
 * A dataset column read as the time axis: numeric → epoch seconds / milliseconds; text → ISO (parsed per
 * distinct text); a text column with too many distinct texts to keep → the times the reader parsed
 * while reading it. Throws a RangeError when the column keeps no text at all.
 */
export function columnAxis(col: Column): TimeAxis {
  if (col.kind === 'numeric') return epochAxis(col.values);
  if (col.codes) return parseTimeCodes(col.codes, col.levels);
  if (col.times) return axisOf(col.times, 'iso');
  throw new RangeError(`column '${col.name}' has too many distinct values to keep, and they are not times`);
}
