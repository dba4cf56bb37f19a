/**
 * DatasetBuilder: turns a CSV's rows — papaparse's arrays of strings, plain
 * lines of text, or plain bytes — into typed columns, chunk by chunk, with the
 * same rules and messages whichever way they come.
 */
import type { Column, Dataset } from './dataset.js';
import { finishColumn, isMissing, setText, type ColumnBuilder } from './csv-columns.js';
import { fastNumber, scanEnd, scanNumberBytes, toNumber } from './csv-numbers.js';
import { DataError, EncodingError } from './errors.js';
import { firstInvalidUtf8, notUtf8 } from './encoding.js';

/** Decodes the odd line that addPlainBytes cannot read as plain numbers (made on first use). */
let utf8: TextDecoder | null = null;

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

  /**
   * Lines addPlainBytes cannot read as plain numbers: decoded, then read by addPlainLines. A byte
   * that is not UTF-8 is an EncodingError naming its row and column (the lines before it are read
   * first, so the row count is the file's), never a silent U+FFFD.
   */
  private addOddLines(bytes: Uint8Array, from: number, to: number): void {
    // ignoreBOM: a U+FEFF that starts a line is the line's, as in the text the papaparse path sees.
    utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(from, to));
    } catch {
      const bad = firstInvalidUtf8(bytes, from, to);
      const at = bad >= 0 ? bad : from;
      const lineStart = Math.max(from, bytes.lastIndexOf(10, at) + 1);
      if (lineStart > from) this.addOddLines(bytes, from, lineStart);
      if (this.error) return;
      this.failNotUtf8(bytes, lineStart, at);
      return;
    }
    this.addPlainLines(text);
  }

  /** The EncodingError for bytes[at], on the line starting at lineStart (the next row, or the header). */
  private failNotUtf8(bytes: Uint8Array, lineStart: number, at: number): void {
    const dc = this.delimiter.charCodeAt(0);
    let field = 0;
    for (let k = lineStart; k < at; k++) if (bytes[k] === dc) field++;
    const name = this.name;
    if (!this.header) {
      this.fail(new EncodingError(`${name}: the header (line 1), column ${field + 1}: ${notUtf8(bytes[at])}`, name));
      return;
    }
    const row = this.n + 1;
    const column = this.cols[Math.min(field, this.cols.length - 1)]?.name ?? `column ${field + 1}`;
    this.fail(new EncodingError(`${name}: row ${row} (line ${row + 1}), column '${column}': ${notUtf8(bytes[at])}`, name, row, column));
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
    const columns: Column[] = this.cols.map((c) => finishColumn(c, this.n));
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
        if (c.times) {
          const t = new Float64Array(cap).fill(NaN);
          t.set(c.times.subarray(0, this.n));
          c.times = t;
        }
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
}
