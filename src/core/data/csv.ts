/**
 * CSV → Dataset. A file without quotes (the common numeric export) is read
 * here from its bytes, line by line (parseCsvChunks → feedPlainBytes →
 * DatasetBuilder.addPlainBytes); papaparse tokenises any file with a quote.
 * DatasetBuilder turns either's rows, chunk by chunk, into typed columns, so a
 * file of any size streams through without holding its text or its rows.
 *
 * The same code runs in the page's parse worker and in the CLI, and in the
 * parts of a large file (csv-parts.ts): one parser, one set of rules.
 */
import Papa from 'papaparse';
import type { Column, Dataset, NumericColumn, TextColumn } from './dataset.js';

/** A problem with the user's file: the message names the file, and the row and column where they apply. */
export class DataError extends Error {
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
  constructor(message: string, file: string, row?: number, column?: string) {
    super(message);
    this.name = 'DataError';
    this.file = file;
    this.row = row;
    this.column = column;
  }
}

/** Cell texts read as a missing value (after trimming), besides the empty cell. */
export const MISSING_TOKENS = new Set([
  'na', 'n/a', '#n/a', 'nan', '-nan', 'null', 'none', 'nil', '?',
  'inf', '-inf', '+inf', 'infinity', '-infinity', '+infinity',
]);

const MAX_LEVELS = 100_000;
const MAX_DISTINCT = 20;

/** Decodes the odd line that addPlainBytes cannot read as plain numbers (made on first use). */
let utf8: TextDecoder | null = null;

interface ColumnBuilder {
  name: string;
  kind: 'numeric' | 'text';
  values: Float64Array; // numeric
  codes: Int32Array; // text
  levels: string[];
  levelIndex: Map<string, number> | null;
  missing: number;
  firstText: { row: number; value: string } | null;
}

/** Rows of an all-numeric stretch of a file: one column of values each (NaN = missing), with missing counts. */
export interface PlainPart {
  rows: number;
  values: Float64Array[];
  missing: number[];
}

export interface BuilderOptions {
  /** The number of bytes of the whole file, for progress. */
  totalBytes?: number;
  /** Called now and then with the fraction parsed (0..1) and the rows so far. */
  onProgress?: (fraction: number, rows: number) => void;
}

/**
 * Builds a Dataset from rows of strings given a chunk at a time; the first row is
 * the header.
 */
export class DatasetBuilder {
  readonly name: string;
  private cols: ColumnBuilder[] = [];
  private header: string[] | null = null;
  /** How many columns are still numeric. */
  private numericCols = 0;
  private n = 0;
  private capacity = 0;
  private error: DataError | null = null;
  delimiter = ',';

  constructor(name: string) {
    this.name = name;
  }

  get failed(): DataError | null {
    return this.error;
  }

  get rowCount(): number {
    return this.n;
  }

  fail(err: DataError): void {
    if (!this.error) this.error = err;
  }

  /** Look at the raw text of the first chunk: refuse binary data, drop a BOM. */
  firstChunk(text: string): string {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const probe = text.slice(0, 65536);
    let control = 0;
    for (let i = 0; i < probe.length; i++) {
      const c = probe.charCodeAt(i);
      if (c === 0) {
        this.fail(new DataError(`${this.name} is not a text CSV file: it holds binary data (a NUL byte at character ${i + 1})`, this.name));
        return '';
      }
      if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
    }
    if (probe.length > 0 && control / probe.length > 0.01) {
      this.fail(new DataError(`${this.name} is not a text CSV file: ${control} of its first ${probe.length} characters are control or undecodable bytes`, this.name));
      return '';
    }
    return text;
  }

  /** Add parsed rows (the first row ever given is the header). */
  addRows(rows: string[][]): void {
    if (this.error) return;
    let start = 0;
    if (!this.header) {
      if (rows.length === 0) return;
      this.setHeader(rows[0]);
      start = 1;
    }
    const width = this.cols.length;
    const need = this.n + rows.length - start;
    if (need > this.capacity) this.grow(need);
    const cols = this.cols;
    for (let r = start; r < rows.length; r++) {
      const row = rows[r];
      const rowNumber = this.n + 1; // data rows count from 1; the header is line 1
      if (row.length !== width) {
        // A lone empty field is a blank line that papaparse kept (e.g. whitespace only).
        if (row.length === 1 && row[0].trim() === '') continue;
        this.fail(this.raggedRow(rowNumber, row.length, width));
        return;
      }
      const i = this.n;
      for (let j = 0; j < width; j++) {
        const col = cols[j];
        if (col.kind === 'numeric') this.setNumericCell(col, i, rowNumber, row[j]);
        else setText(col, i, row[j]);
      }
      this.n++;
    }
  }

  /** One cell of a numeric column: a number, a missing cell, or the first text that makes the column text. */
  private setNumericCell(col: ColumnBuilder, i: number, rowNumber: number, cell: string): void {
    // Number() trims whitespace and reads exponents; blanks and tokens are handled below.
    const v = toNumber(cell);
    if (v === v && v !== Infinity && v !== -Infinity) {
      col.values[i] = v;
    } else if (isMissing(cell)) {
      col.values[i] = NaN;
      col.missing++;
    } else if (v === v) {
      col.values[i] = NaN; // a number too large for float64 reads as missing, like inf
      col.missing++;
    } else {
      this.toText(col, i, rowNumber, cell);
      setText(col, i, cell);
    }
  }

  /**
   * Add complete lines of text that hold no quote character: split here by
   * lines and the delimiter, cell by cell (no array per row). Same rules and
   * messages as addRows; a file with quotes goes through papaparse instead.
   * The readers give it only the header and the lines addPlainBytes cannot
   * read as plain numbers.
   */
  addPlainLines(text: string, start = 0, end = text.length): void {
    if (this.error) return;
    const delim = this.delimiter;
    const dc = delim.charCodeAt(0);
    let pos = start;
    while (pos < end) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0 || eol > end) eol = end;
      let lineEnd = eol;
      if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      const next = eol + 1;
      if (lineEnd === pos) {
        pos = next;
        continue; // an empty line
      }
      if (!this.header) {
        this.setHeader(text.slice(pos, lineEnd).split(delim));
        pos = next;
        continue;
      }
      const cols = this.cols;
      const width = cols.length;
      const rowNumber = this.n + 1;
      // Count the fields first: a ragged row is an error, a blank line is skipped.
      let fields = 1;
      for (let k = text.indexOf(delim, pos); k >= 0 && k < lineEnd; k = text.indexOf(delim, k + 1)) fields++;
      if (fields !== width) {
        if (fields === 1 && text.slice(pos, lineEnd).trim() === '') {
          pos = next;
          continue;
        }
        this.fail(this.raggedRow(rowNumber, fields, width));
        return;
      }
      if (this.n >= this.capacity) this.grow(this.n + 1);
      const i = this.n;
      let cellStart = pos;
      for (let j = 0; j < width; j++) {
        let cellEnd = j === width - 1 ? lineEnd : cellStart;
        if (j < width - 1) while (text.charCodeAt(cellEnd) !== dc) cellEnd++;
        const col = cols[j];
        if (col.kind === 'numeric') {
          const v = fastNumber(text, cellStart, cellEnd);
          if (v === v) col.values[i] = v;
          else this.setNumericCell(col, i, rowNumber, text.slice(cellStart, cellEnd));
        } else {
          setText(col, i, text.slice(cellStart, cellEnd));
        }
        cellStart = cellEnd + 1;
      }
      this.n++;
      pos = next;
    }
  }

  /**
   * Add complete lines of UTF-8 bytes that hold no quote: a line of plain
   * numbers is read straight from the bytes, with no text made of it; any
   * other line (the header, a missing token, text, a blank or ragged line) is
   * decoded and goes through addPlainLines, so the rules and messages are the
   * same.
   */
  addPlainBytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    if (this.error) return;
    const dc = this.delimiter.charCodeAt(0);
    // Consecutive odd lines are decoded and read together (one decode per run, not per line).
    let odd = -1;
    let pos = start;
    while (pos < end) {
      let eol = bytes.indexOf(10, pos);
      if (eol < 0 || eol > end) eol = end;
      let lineEnd = eol;
      if (lineEnd > pos && bytes[lineEnd - 1] === 13) lineEnd--;
      const next = Math.min(eol + 1, end);
      if (!this.header) {
        // Blank lines, then the header: read one line at a time, so the lines after it can be plain.
        this.addOddLines(bytes, pos, next);
        if (this.error) return;
        pos = next;
        continue;
      }
      if (this.allNumeric && lineEnd > pos) {
        if (this.n >= this.capacity) this.grow(this.n + 1);
        if (this.plainNumbersBytes(bytes, pos, lineEnd, dc, this.n)) {
          if (odd < 0) {
            this.n++;
            pos = next;
            continue;
          }
          // The odd lines before it come first; then this line is read again (from the start of the loop).
          this.addOddLines(bytes, odd, pos);
          odd = -1;
          if (this.error) return;
          continue;
        }
      }
      if (odd < 0) odd = pos;
      pos = next;
    }
    if (odd >= 0) this.addOddLines(bytes, odd, end);
  }

  /** Lines addPlainBytes cannot read as plain numbers: decoded, then read by addPlainLines. */
  private addOddLines(bytes: Uint8Array, from: number, to: number): void {
    // ignoreBOM: a U+FEFF that starts a line is the line's, as in the text the papaparse path sees.
    utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true });
    this.addPlainLines(utf8.decode(bytes.subarray(from, to)));
  }

  /**
   * Row i from bytes[pos, lineEnd) when it is exactly `width` numbers decided
   * by scanNumberBytes, each followed by the delimiter (the last by the line's
   * end); false, with nothing counted, for anything else (a missing cell, text,
   * a ragged or blank line, a number left to Number()), which the caller then
   * reads cell by cell with the general rules.
   */
  private plainNumbersBytes(bytes: Uint8Array, pos: number, lineEnd: number, dc: number, i: number): boolean {
    const cols = this.cols;
    const last = cols.length - 1;
    for (let j = 0; j <= last; j++) {
      const v = scanNumberBytes(bytes, pos, lineEnd);
      if (v !== v) return false;
      const stop = scanEnd;
      if (j < last ? bytes[stop] !== dc || stop >= lineEnd : stop !== lineEnd) return false;
      cols[j].values[i] = v;
      pos = stop + 1;
    }
    return true;
  }

  /** Nothing failed and every column is still numeric: what takePlain needs. */
  get isPlain(): boolean {
    return !this.error && this.allNumeric;
  }

  /** Every column still numeric: lines may take plainNumbersBytes. */
  private get allNumeric(): boolean {
    return this.numericCols === this.cols.length;
  }

  /**
   * The rows so far as a part of a larger file, when every column is numeric
   * and nothing failed; null otherwise (the caller then reads the file in one
   * piece, which gives text columns and row numbers in messages their file-wide
   * meaning).
   */
  takePlain(): PlainPart | null {
    if (this.error || !this.header || !this.allNumeric) return null;
    return { rows: this.n, values: this.cols.map((c) => c.values.subarray(0, this.n)), missing: this.cols.map((c) => c.missing) };
  }

  /**
   * Take parts read by `takePlain` (in file order) as this builder's rows; the
   * header must already be set, and no rows added.
   */
  adoptPlain(parts: PlainPart[]): void {
    if (!this.header || this.n !== 0) throw new Error('adoptPlain: a header and no rows are needed');
    const total = parts.reduce((t, p) => t + p.rows, 0);
    this.grow(total, true);
    for (const part of parts) {
      if (part.values.length !== this.cols.length) throw new Error(`adoptPlain: a part has ${part.values.length} columns, the header ${this.cols.length}`);
      this.cols.forEach((c, j) => {
        c.values.set(part.values[j], this.n);
        c.missing += part.missing[j];
      });
      this.n += part.rows;
    }
  }

  private raggedRow(rowNumber: number, fields: number, width: number): DataError {
    return new DataError(
      `${this.name}: row ${rowNumber} (line ${rowNumber + 1}) has ${fields} field${fields === 1 ? '' : 's'}, expected ${width} like the header`,
      this.name, rowNumber,
    );
  }

  /** Make room for `rows` data rows up front (an estimate; the columns still grow past it). */
  reserve(rows: number): void {
    if (this.header && rows > this.capacity) this.grow(rows, true);
  }

  /** The finished Dataset; throws the first DataError met, or one for an unusable file. */
  finish(): Dataset {
    if (this.error) throw this.error;
    const name = this.name;
    if (!this.header) throw new DataError(`${name} is empty: there is no header and no data`, name);
    if (this.n === 0) throw new DataError(`${name} has a header but no data rows`, name);
    const columns: Column[] = this.cols.map((c) => this.finishColumn(c));
    const usable = columns.filter((c) => c.kind === 'numeric' && c.missing < this.n);
    if (usable.length === 0) {
      const list = columns.map((c) => `${c.name} (${c.kind === 'text' ? `text, e.g. '${c.firstText.value}' in row ${c.firstText.row}` : 'all missing'})`).join(', ');
      throw new DataError(`${name} has no numeric column to score: ${list}`, name);
    }
    return { name, rows: this.n, columns, delimiter: this.delimiter };
  }

  private setHeader(raw: string[]): void {
    // trim() also drops a byte-order mark (U+FEFF is white space to it).
    const names = raw.map((h) => h.trim());
    // pandas' rule for repeated names (its C parser's): a repeat of `a` becomes
    // `a.1`, `a.2`…, skipping names the header already has; unnamed columns last.
    const named = names.flatMap((n, j) => (n === '' ? [] : [j]));
    const unnamed = names.flatMap((n, j) => (n === '' ? [j] : []));
    for (const j of unnamed) names[j] = `column_${j + 1}`;
    const counts = new Map<string, number>();
    for (const j of named.concat(unnamed)) {
      const base = names[j];
      let name = base;
      let k = counts.get(base) ?? 0;
      while (k > 0) {
        counts.set(base, k + 1);
        name = `${base}.${k}`;
        k = names.includes(name) ? k + 1 : counts.get(name) ?? 0;
      }
      names[j] = name;
      counts.set(name, k + 1);
    }
    this.header = names;
    this.numericCols = names.length;
    this.cols = names.map((name) => ({
      name, kind: 'numeric', values: new Float64Array(0), codes: new Int32Array(0),
      levels: [], levelIndex: null, missing: 0, firstText: null,
    }));
  }

  private grow(need: number, exact = false): void {
    const cap = exact ? need : Math.max(need, Math.ceil(this.capacity * 1.5), 1024);
    for (const c of this.cols) {
      if (c.kind === 'numeric') {
        const v = new Float64Array(cap);
        v.set(c.values.subarray(0, this.n));
        c.values = v;
      } else {
        const v = new Int32Array(cap);
        v.set(c.codes.subarray(0, this.n));
        c.codes = v;
      }
    }
    this.capacity = cap;
  }

  /** A numeric column met a non-numeric cell: from here on it is text. */
  private toText(col: ColumnBuilder, upto: number, row: number, cell: string): void {
    col.kind = 'text';
    this.numericCols--;
    col.firstText = { row, value: cell.length > 40 ? `${cell.slice(0, 40)}…` : cell };
    col.levelIndex = new Map();
    col.codes = new Int32Array(this.capacity);
    const values = col.values;
    col.values = new Float64Array(0);
    for (let i = 0; i < upto; i++) {
      const v = values[i];
      if (v === v) setText(col, i, String(v));
      else col.codes[i] = -1; // missing stays missing
    }
  }

  private finishColumn(c: ColumnBuilder): Column {
    const n = this.n;
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
      firstText: c.firstText!, min: NaN, max: NaN,
      distinct: c.levelIndex && c.levels.length <= MAX_DISTINCT ? [...c.levels] : null,
    };
    return col;
  }
}

/** The delimiters a file is sniffed for, in papaparse's order of preference. */
export const DELIMITERS = [',', '\t', ';', '|'];

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * A plain decimal number in text[start, end), read exactly (the same double as
 * Number()) by the byte reader's scanNumberBytes, or NaN for "not decided
 * here" (spaces, text, hex, more than 19 significant digits, powers of ten
 * past 10^±22, a cell over 64 characters…): the caller then falls back to
 * Number() on the substring.
 *
 * - Up to 15 significant digits, or 16 while the mantissa stays below 2^53: the
 *   mantissa and 10^k are exact doubles, so one multiplication or division
 *   rounds correctly (Clinger's fast path).
 * - 16 to 19 digits (what shortest round-trip output of a double has, e.g.
 *   0.011131661901729583): `longDecimal` below, exact or undecided.
 */
export function fastNumber(text: string, start: number, end: number): number {
  // Copy the cell's characters as bytes (a non-ASCII one is no plain number).
  const len = end - start;
  if (len <= 0 || len > cellBytes.length) return NaN;
  for (let k = 0; k < len; k++) {
    const c = text.charCodeAt(start + k);
    if (c > 127) return NaN;
    cellBytes[k] = c;
  }
  const v = scanNumberBytes(cellBytes, 0, len);
  return scanEnd === len ? v : NaN;
}

/** fastNumber's copy of one cell (a longer cell is left to Number()). */
const cellBytes = new Uint8Array(64);

/** Where the last scanNumberBytes stopped: the first byte that is not part of the number. */
let scanEnd = 0;

/**
 * fastNumber's reading of the number that starts at b[start] (ASCII bytes),
 * stopping at the first byte that cannot continue it (a delimiter, say) and
 * leaving that position in `scanEnd`: one pass over a line finds and reads
 * its cells, with no text made of them.
 */
function scanNumberBytes(b: Uint8Array, start: number, end: number): number {
  scanEnd = -1;
  let i = start;
  if (i >= end) return NaN;
  let c = b[i];
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    if (++i >= end) return NaN;
    c = b[i];
  }
  // The first 15 significant digits go to `head` (< 10^15, exact), up to 4 more to `tail`.
  let head = 0;
  let tail = 0;
  let digits = 0; // significant digits taken
  let seen = false; // any digit at all
  let scale = 0; // digits after the point
  while (i < end && (c = b[i]) >= 48 && c <= 57) {
    seen = true;
    if (digits > 0 || c !== 48) {
      if (++digits <= 15) head = head * 10 + (c - 48);
      else if (digits <= 19) tail = tail * 10 + (c - 48);
      else return NaN;
    }
    i++;
  }
  if (i < end && c === 46) {
    i++;
    while (i < end && (c = b[i]) >= 48 && c <= 57) {
      seen = true;
      if (digits > 0 || c !== 48) {
        if (++digits <= 15) head = head * 10 + (c - 48);
        else if (digits <= 19) tail = tail * 10 + (c - 48);
        else return NaN;
      }
      scale++;
      i++;
    }
  }
  if (!seen) return NaN;
  let exp = 0;
  if (i < end && (c | 0x20) === 101) {
    i++;
    let expNeg = false;
    if (i < end && ((c = b[i]) === 45 || c === 43)) {
      expNeg = c === 45;
      i++;
    }
    let expDigits = 0;
    while (i < end && (c = b[i]) >= 48 && c <= 57) {
      exp = exp * 10 + (c - 48);
      if (++expDigits > 4) return NaN;
      i++;
    }
    if (expDigits === 0) return NaN;
    if (expNeg) exp = -exp;
  }
  scanEnd = i;
  return decimalValue(head, tail, digits, exp - scale, negative);
}

/** The double of ±(head, then tail) · 10^e10 with `digits` significant digits (≤ 19), exactly, or NaN (undecided). */
function decimalValue(head: number, tail: number, digits: number, e10: number, negative: boolean): number {
  let v: number;
  if (digits <= 16) {
    // head·10 + tail is exact below 2^53 (every partial sum on the way is smaller).
    const mantissa = digits === 16 ? head * 10 + tail : head;
    if (mantissa >= 9007199254740992) v = longDecimal(head, tail, digits - 15, e10);
    else if (mantissa === 0) v = 0;
    else if (e10 === 0) v = mantissa;
    else if (e10 > 0 && e10 <= 22) v = mantissa * POW10[e10];
    else if (e10 < 0 && e10 >= -22) v = mantissa / POW10[-e10];
    else return NaN;
  } else {
    v = longDecimal(head, tail, digits - 15, e10);
  }
  return negative ? -v : v;
}

/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134217729;
const bitsF64 = new Float64Array(1);
const bitsU32 = new Uint32Array(bitsF64.buffer);
/** Which 32-bit word of a double holds its sign and exponent (the high one). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * (head·10^tailDigits + tail) · 10^e10 for a mantissa of 16 to 19 digits, with
 * -22 ≤ e10 ≤ 0; correctly rounded, or NaN when it cannot be sure.
 *
 * The mantissa W (< 10^19 < 2^64) is held exactly as a double-double: head·10^t
 * by Dekker's exact product, plus the tail. Dividing by P = 10^-e10 (an exact
 * double) in double-double gives q1 + q2 within |v|·2^-100 of the true value v
 * (q1 = W_hi / P rounded; the remainder W_hi − q1·P is exact by Dekker's
 * product; adding W_lo and dividing err by ~2^-53 of a term already ~2^-52 of
 * v). Then s = q1 + q2 rounded, with e = (q1 + q2) − s exact (Knuth's TwoSum):
 * v rounds to s unless it lies within that error of the half-way point
 * between s and a neighbour, i.e. unless | |e| − ulp/2 | is that small (ulp/4
 * below a power of two). Those rare near-ties are left to Number().
 */
function longDecimal(head: number, tail: number, tailDigits: number, e10: number): number {
  if (e10 > 0 || e10 < -22) return NaN;
  // a = head · 10^t exactly as (ph + pl): Dekker's product of two doubles.
  const b = POW10[tailDigits];
  const ph = head * b;
  const pl = productError(head, b, ph);
  // W = ph + pl + tail: ph is an integer ≥ 2^50, pl and tail small integers, so pl + tail is exact.
  const small = pl + tail;
  const wh = ph + small;
  const wl = small - (wh - ph); // Fast2Sum: |ph| ≥ |small|
  if (e10 === 0) {
    const s = wh + wl;
    const e = wl - (s - wh);
    return nearestOrNaN(s, e);
  }
  const P = POW10[-e10];
  const q1 = wh / P;
  // r = wh − q1·P exactly: Dekker's product of q1 and P, then exact subtractions.
  const mh = q1 * P;
  const ml = productError(q1, P, mh);
  const r = (wh - mh) - ml;
  const q2 = (r + wl) / P;
  // TwoSum: s + e = q1 + q2 exactly.
  const s = q1 + q2;
  const bv = s - q1;
  const e = (q1 - (s - bv)) + (q2 - bv);
  return nearestOrNaN(s, e);
}

/** a·b − p exactly, for p = a·b rounded (Dekker's product: Veltkamp's split of each factor into 26-bit halves). */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** s when s + e + (error ≤ |s|·2^-98) certainly rounds to s; NaN near a tie. */
function nearestOrNaN(s: number, e: number): number {
  bitsF64[0] = s;
  const hi = bitsU32[HIGH];
  const biased = (hi >>> 20) & 0x7ff;
  if (biased <= 53 || biased === 0x7ff) return NaN; // subnormal-adjacent, zero, inf: not here
  // ulp(s) = 2^(biased − 1075); half of it is 2^(biased − 1076); a power of two has a finer step below.
  const powerOfTwo = (hi & 0xfffff) === 0 && bitsU32[1 - HIGH] === 0;
  bitsU32[HIGH] = (biased - 53) << 20; // 2^(biased − 1076): exponent field biased − 53
  bitsU32[1 - HIGH] = 0;
  let half = bitsF64[0];
  if (powerOfTwo && (e < 0) === (s > 0)) half /= 2;
  const slack = Math.abs(s) * 3.1554436208840472e-30; // 2^-98
  return Math.abs(e) < half - slack ? s : NaN;
}

/**
 * The number in a cell, or NaN. Stricter than Number(), which reads a blank
 * cell ('  ') as 0 and 0x1A / 0o17 / 0b101 as numbers; pandas reads those as text.
 */
function toNumber(cell: string): number {
  if (cell === '') return NaN;
  const v = +cell;
  if (v !== v) return v;
  const c0 = cell.charCodeAt(0);
  // Number() reads white space alone as 0, and to JavaScript that includes U+FEFF, NBSP, U+3000…
  if (c0 === 48 || c0 <= 32 || c0 > 127) {
    const t = c0 === 48 ? cell : cell.trim();
    if (t === '') return NaN;
    if (t.length > 2 && t.charCodeAt(0) === 48) {
      const c1 = t.charCodeAt(1) | 0x20;
      if (c1 === 0x78 || c1 === 0x6f || c1 === 0x62) return NaN; // x, o, b
    }
  }
  return v;
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

function isMissing(cell: string): boolean {
  const t = cell.trim();
  return t === '' || MISSING_TOKENS.has(t.toLowerCase());
}

function setText(col: ColumnBuilder, i: number, cell: string): void {
  const t = cell.trim();
  if (t === '' || MISSING_TOKENS.has(t.toLowerCase())) {
    if (col.levelIndex) col.codes[i] = -1;
    col.missing++;
    return;
  }
  const index = col.levelIndex;
  if (!index) return; // too many levels: the codes were dropped
  let code = index.get(t);
  if (code === undefined) {
    if (col.levels.length >= MAX_LEVELS) {
      col.levelIndex = null; // an id-like column: keep it listed, not its values
      return;
    }
    code = col.levels.length;
    col.levels.push(t);
    index.set(t, code);
  }
  col.codes[i] = code;
}

/** What papaparse needs, wired to a builder; `done` settles when parsing ends. */
export function papaConfig(builder: DatasetBuilder, options: BuilderOptions = {}) {
  let resolve!: (ds: Dataset) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<Dataset>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let lastReport = 0;
  const config = {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: true as const,
    delimitersToGuess: DELIMITERS,
    beforeFirstChunk: (chunk: string) => builder.firstChunk(chunk),
    chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
      if (!builder.failed && results.meta.delimiter) builder.delimiter = results.meta.delimiter;
      builder.addRows(results.data);
      if (builder.failed) {
        parser.abort();
        return;
      }
      if (options.onProgress && options.totalBytes) {
        const now = Date.now();
        if (now - lastReport > 100) {
          lastReport = now;
          options.onProgress(Math.min(1, results.meta.cursor / options.totalBytes), builder.rowCount);
        }
      }
    },
    complete: () => {
      try {
        const ds = builder.finish();
        options.onProgress?.(1, ds.rows);
        resolve(ds);
      } catch (e) {
        reject(e);
      }
    },
    error: (err: Error) => reject(new DataError(`${builder.name} could not be read: ${err.message}`, builder.name)),
  };
  return { config, done };
}

/** How many characters of a file's start are checked (binary data) and sniffed (delimiter). */
const LOOK_CHARS = 1 << 16;
/** Bytes that surely hold LOOK_CHARS characters (up to 4 bytes each) after a BOM. */
export const LOOK_BYTES = 4 * LOOK_CHARS + 3;

/**
 * The first look at a file, the same for every reader (one piece or parts):
 * the first LOOK_CHARS characters after the BOM are checked for binary data
 * (a DataError on `builder`) and sniffed for the delimiter (set on `builder`).
 * Returns whether `head` holds a quote (the file then goes to papaparse).
 *
 * @param head the file's first bytes: LOOK_BYTES of them, or the whole file if shorter
 */
export function firstLook(builder: DatasetBuilder, head: Uint8Array): boolean {
  // ignoreBOM: the BOM stays in the text, and firstChunk drops it; a character cut at the end is held back.
  const text = builder.firstChunk(new TextDecoder('utf-8', { ignoreBOM: true }).decode(head, { stream: true }));
  if (builder.failed) return false;
  const guess = Papa.parse<string[]>(text.slice(0, LOOK_CHARS), { preview: 20, delimitersToGuess: DELIMITERS });
  builder.delimiter = guess.meta.delimiter || ',';
  return head.includes(34);
}

/** Bytes of a UTF-8 BOM at the start of `head` (0 or 3). */
export function bomLength(head: Uint8Array): number {
  return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
}

/**
 * Feed byte chunks (any sizes, in order) to `builder.addPlainBytes`, whole
 * lines at a time (a partial line waits for the next chunk). Stops with
 * 'quote' at a chunk that holds a quote (papaparse's rules apply then), with
 * 'stopped' when `stop` says so after a chunk, and 'done' at the end.
 *
 * @param bytes the bytes in all, to size the columns once from the first chunk's bytes per row
 * @param onChunk called after each chunk with the bytes read so far
 */
export async function feedPlainBytes(
  builder: DatasetBuilder, chunks: AsyncIterable<Uint8Array>,
  { bytes, onChunk, stop }: { bytes?: number; onChunk?: (read: number) => void; stop?: () => boolean } = {},
): Promise<'done' | 'quote' | 'stopped'> {
  let carry: Uint8Array | null = null;
  let read = 0;
  let sized = false;
  for await (const chunk of chunks) {
    if (chunk.includes(34)) return 'quote';
    read += chunk.length;
    let data = chunk;
    if (carry) {
      data = new Uint8Array(carry.length + chunk.length);
      data.set(carry);
      data.set(chunk, carry.length);
    }
    const lastNewline = data.lastIndexOf(10);
    if (lastNewline < 0) {
      carry = data;
      continue;
    }
    const before = builder.rowCount;
    builder.addPlainBytes(data, 0, lastNewline + 1);
    carry = lastNewline + 1 < data.length ? data.slice(lastNewline + 1) : null;
    if (stop?.() || builder.failed) return 'stopped';
    if (!sized && bytes && builder.rowCount > before) {
      // Size the columns once from the first chunk's bytes per row (2 % slack), instead of growing them.
      sized = true;
      builder.reserve(Math.ceil((bytes / (lastNewline + 1)) * builder.rowCount * 1.02));
    }
    onChunk?.(read);
  }
  if (carry) builder.addPlainBytes(carry);
  return 'done';
}

/**
 * Parse a CSV given as a stream of byte chunks (UTF-8). Files without a quote
 * (the common numeric export) are split here, line by line, with numbers read
 * straight from the bytes (`addPlainBytes`); the first look (`firstLook`)
 * checks the start and picks the delimiter. The moment a quote appears
 * anywhere, the file is parsed again from the start by papaparse (`papa`),
 * which handles quoting in full.
 *
 * @param chunks the file's bytes in order (any chunk sizes)
 * @param papa parse the whole file with papaparse, feeding the given config
 */
export async function parseCsvChunks(
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  papa: (config: ReturnType<typeof papaConfig>['config']) => void,
  options: BuilderOptions = {},
): Promise<Dataset> {
  const viaPapa = () => {
    const builder = new DatasetBuilder(name);
    const { config, done } = papaConfig(builder, options);
    papa(config);
    return done;
  };
  const builder = new DatasetBuilder(name);
  // Gather the file's first LOOK_BYTES (or all of it) for the first look, then go on with the same stream.
  const it = chunks[Symbol.asyncIterator]();
  const first: Uint8Array[] = [];
  let gathered = 0;
  let ended = false;
  while (gathered < LOOK_BYTES) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    first.push(r.value);
    gathered += r.value.length;
  }
  if (gathered > 0) {
    const head = first.length === 1 ? first[0] : concat(first);
    if (firstLook(builder, head)) return viaPapa();
    if (builder.failed) throw builder.failed;
    first.splice(0, first.length, head.subarray(bomLength(head)));
  }
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield* first;
    if (ended) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  let lastReport = 0;
  const { totalBytes, onProgress } = options;
  const how = await feedPlainBytes(builder, rest(), {
    bytes: totalBytes,
    onChunk: (read) => {
      const now = Date.now();
      if (onProgress && totalBytes && now - lastReport > 100) {
        lastReport = now;
        onProgress(Math.min(1, read / totalBytes), builder.rowCount);
      }
    },
  });
  if (how === 'quote') return viaPapa();
  const ds = builder.finish();
  onProgress?.(1, ds.rows);
  return ds;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((t, p) => t + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parse CSV text held in memory (tests, small files). */
export function parseCsvString(text: string, name = 'data.csv'): Dataset {
  const builder = new DatasetBuilder(name);
  const { config } = papaConfig(builder);
  let result: Dataset | null = null;
  let failure: unknown = null;
  Papa.parse<string[]>(text, {
    ...config,
    chunk: undefined,
    complete: (results: Papa.ParseResult<string[]>) => {
      if (results.meta.delimiter) builder.delimiter = results.meta.delimiter;
      builder.addRows(results.data);
      try {
        result = builder.finish();
      } catch (e) {
        failure = e;
      }
    },
  });
  if (failure) throw failure;
  if (!result) throw new DataError(`${name} could not be parsed`, name);
  return result;
}
