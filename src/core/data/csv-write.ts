/**
 * Writing CSV: the one place that decides how a cell is written, for the
 * CLI's `--out` and the page's export alike. Comma-separated, `\n` line ends,
 * RFC 4180 quoting only where a cell needs it (a comma, a quote, a line
 * break), so a cell's text is otherwise written byte for byte as it was read
 * (`1.0` stays `1.0`, `-0` stays `-0`, `inf` stays `inf`, a leading tab stays).
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet opening the file
 * runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and one
 * that starts with a tab or a carriage return, which it strips first). Such a
 * text cell gets a leading `'`, which spreadsheets show as text and do not
 * run. Numbers are never changed (`-3` stays `-3`, `+1` stays `+1`), nor the
 * cells the reader takes as missing (`-inf`, `-nan`): the file still reads
 * back to the same numbers.
 */
import { isMissing } from './csv-columns.js';
import { toNumber } from './csv-numbers.js';

export interface CsvWriteOptions {
  /** Prefix formula-like text cells with `'` (default true); false writes them as they are. */
  formulaEscape?: boolean;
}

/** The characters a spreadsheet takes as the start of a formula (OWASP's list). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Whether `text` would run as a formula in a spreadsheet: it starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return, and is not a number nor a
 * missing-value token (as the CSV reader reads them).
 */
export function isFormulaLike(text: string): boolean {
  if (text.length === 0 || !FORMULA_START.has(text[0])) return false;
  // Number() semantics (surrounding white space allowed): '-3', '+1', ' -1e5', '-1e999' are numbers.
  const v = toNumber(text);
  return v !== v && !isMissing(text);
}

/**
 * One cell's text as written: a leading `'` when it is formula-like (unless
 * `formulaEscape` is false), then quoted when it holds a comma, a quote or a
 * line break (quotes doubled). Anything else is written as it is.
 */
export function csvCell(text: string, options: CsvWriteOptions = {}): string {
  const cell = options.formulaEscape !== false && isFormulaLike(text) ? `'${text}` : text;
  return needsQuotes(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Whether a cell must be quoted: it holds a comma, a quote, a line feed or a carriage return. */
export function needsQuotes(cell: string): boolean {
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * A number as a cell: the shortest text that reads back to the same float64
 * (String(v), and `-0` for −0); NaN is an empty cell and ±Infinity `inf` / `-inf`, as pandas'
 * to_csv writes them. Never quoted nor escaped.
 */
export function csvNumber(v: number): string {
  if (v !== v) return '';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0 && 1 / v < 0) return '-0'; // String(-0) is '0'
  return String(v);
}

/**
 * One record (no line end): text cells through csvCell, numbers through
 * csvNumber, joined by commas.
 *
 * @example csvRecord(['=1+2', -3, 'a,b', '1.0']) === "'=1+2,-3,\"a,b\",1.0"
 */
export function csvRecord(cells: readonly (string | number)[], options: CsvWriteOptions = {}): string {
  let line = '';
  for (let j = 0; j < cells.length; j++) {
    const c = cells[j];
    if (j > 0) line += ',';
    line += typeof c === 'number' ? csvNumber(c) : csvCell(c, options);
  }
  return line;
}
