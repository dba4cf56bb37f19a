/**
 * `anomaly-lab stream`'s input, one line at a time: CSV with a header, or NDJSON objects, told apart
 * by the first non-empty line (`{` starts NDJSON). The schema is fixed by the first data point:
 *
 * - the time column: `--time COL`, else one named like a time (timestamp, time, date, datetime, ts)
 *   whose value reads as a time, else the first whose value reads as an ISO time (time.ts's rules);
 * - the feature columns: `--columns a,b`, else every other column whose first value is a number
 *   (the rest are left out, said once on stderr).
 *
 * A line that cannot be used is one message naming its line number (1-based, the CSV header is
 * line 1) and is skipped; the stream goes on: a malformed line (bad JSON, not an object, unbalanced
 * quotes, a field count unlike the header's), a value that is not a number, a column that
 * disappears (NDJSON: a key missing), a column that appears (NDJSON: a new key, said once per name
 * and otherwise ignored; CSV: more fields than the header), a time that does not parse, and a time
 * earlier than the previous point's.
 */
import { DataError } from '../core/data/errors.js';
import { detectTimeColumn, parseTime } from '../core/data/time.js';

/** A point as read: its time as written (a JSON literal, for the output), its time in ms (NaN: none), its values. */
export interface InputPoint {
  line: number;
  timestamp: string;
  values: Float64Array;
}

const DELIMITERS = [',', '\t', ';', '|'];

/** New NDJSON keys said on stderr, at most (memory stays bounded when every line brings a new one). */
const MAX_ANNOUNCED = 100;

/** Splits one CSV line at `delim`, with RFC 4180 quotes; null when a quote is left open. */
export function splitCsvLine(line: string, delim: string): string[] | null {
  if (!line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  if (quoted) return null;
  out.push(cell);
  return out;
}

/** A time as a number for ordering: ISO text → ms; a plain number → itself (epoch); NaN when neither. */
function timeValue(v: unknown): number {
  if (typeof v === 'number') return v;
  const s = String(v).trim();
  const t = parseTime(s);
  if (!Number.isNaN(t)) return t;
  return s !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) ? Number(s) : NaN;
}

function cellNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return NaN;
  return Number(v);
}

export interface InputOptions {
  columns?: string[];
  time?: string;
  /** Messages (bad lines, notes), one line each, without a newline. */
  warn: (message: string) => void;
}

export class StreamInput {
  format: 'csv' | 'ndjson' | null = null;
  /** Feature column names (known after the first data point). */
  features: string[] | null = null;
  timeName: string | null = null;
  private header: string[] | null = null;
  private delim = ',';
  private featureIndex: number[] = [];
  private timeIndex = -1;
  private lastTime = -Infinity;
  private lastTimeText = '';
  private announced = new Set<string>();
  line = 0;

  constructor(private readonly options: InputOptions) {}

  /** Reads one line (without its newline); a point, or null (a header, a blank line, a bad line: said on stderr). */
  read(text: string): InputPoint | null {
    this.line++;
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() === '') return null;
    if (this.format === null) {
      this.format = line.trimStart().startsWith('{') ? 'ndjson' : 'csv';
      if (this.format === 'csv') {
        this.delim = DELIMITERS.map((d) => [d, line.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
        const header = splitCsvLine(line, this.delim);
        if (!header) throw new DataError(`stdin: line ${this.line}: the CSV header has an unclosed quote`, 'stdin', this.line);
        this.header = header.map((h) => h.trim());
        return null;
      }
    }
    return this.format === 'csv' ? this.readCsv(line) : this.readJson(line);
  }

  private bad(message: string): null {
    this.options.warn(`line ${this.line}: ${message}: skipped`);
    return null;
  }

  private readCsv(line: string): InputPoint | null {
    const cells = splitCsvLine(line, this.delim);
    const header = this.header!;
    if (!cells) return this.bad('malformed CSV (an unclosed quote)');
    if (cells.length !== header.length) {
      const what = cells.length > header.length ? 'a column appeared' : 'a column disappeared';
      return this.bad(`${cells.length} field${cells.length === 1 ? '' : 's'} where the header has ${header.length} (${what})`);
    }
    if (!this.features) this.fixSchema(header, cells);
    return this.point(this.timeIndex >= 0 ? cells[this.timeIndex] : null, this.timeIndex >= 0 ? JSON.stringify(cells[this.timeIndex]) : 'null', (j) => cells[this.featureIndex[j]]);
  }

  private readJson(line: string): InputPoint | null {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return this.bad('malformed JSON');
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return this.bad('not a JSON object');
    const o = obj as Record<string, unknown>;
    if (!this.features) {
      const names = Object.keys(o);
      this.fixSchema(names, names.map((k) => o[k]));
    }
    for (const k of Object.keys(o)) {
      if (k !== this.timeName && !this.features!.includes(k) && !this.announced.has(k) && this.announced.size < MAX_ANNOUNCED) {
        this.announced.add(k);
        const last = this.announced.size === MAX_ANNOUNCED ? ` (the last one said: further new columns are ignored silently)` : '';
        this.options.warn(`line ${this.line}: column '${k}' appeared (not a feature of this stream: ignored)${last}`);
      }
    }
    const missing = [...(this.timeName !== null ? [this.timeName] : []), ...this.features!].filter((k) => !Object.hasOwn(o, k));
    if (missing.length) return this.bad(`column${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} disappeared`);
    const f = this.features!;
    return this.point(this.timeName !== null ? o[this.timeName] : null, this.timeName !== null ? JSON.stringify(o[this.timeName]) : 'null', (j) => o[f[j]]);
  }

  private point(time: unknown, timeText: string, cell: (j: number) => unknown): InputPoint | null {
    const f = this.features!;
    const values = new Float64Array(f.length);
    for (let j = 0; j < f.length; j++) {
      const v = cellNumber(cell(j));
      if (!Number.isFinite(v)) return this.bad(`'${f[j]}' is not a number (${JSON.stringify(cell(j))})`);
      values[j] = v;
    }
    if (time !== null) {
      const t = timeValue(time);
      if (Number.isNaN(t)) return this.bad(`'${this.timeName}' is not a time (${timeText})`);
      if (t < this.lastTime) return this.bad(`time ${timeText} is earlier than the previous point's (${this.lastTimeText})`);
      this.lastTime = t;
      this.lastTimeText = timeText;
    }
    return { line: this.line, timestamp: timeText, values };
  }

  /** The time and feature columns, from the names and the first data point's values. */
  private fixSchema(names: string[], first: unknown[]): void {
    const { columns, time } = this.options;
    const missing = (n: string) => new DataError(`stdin: line ${this.line}: no column '${n}' (columns: ${names.join(', ')})`, 'stdin', this.line, n);
    if (time !== undefined) {
      this.timeIndex = names.indexOf(time);
      if (this.timeIndex < 0) throw missing(time);
    } else {
      this.timeIndex = detectTimeColumn(names, first.map((v) => [typeof v === 'string' || typeof v === 'number' ? String(v) : '']))?.valueOf() ?? -1;
    }
    this.timeName = this.timeIndex >= 0 ? names[this.timeIndex] : null;
    if (columns) {
      for (const c of columns) if (!names.includes(c)) throw missing(c);
      this.features = columns;
    } else {
      const candidates = names.filter((_, j) => j !== this.timeIndex);
      this.features = candidates.filter((n) => Number.isFinite(cellNumber(first[names.indexOf(n)])));
      const left = candidates.filter((n) => !this.features!.includes(n));
      if (left.length) this.options.warn(`column${left.length > 1 ? 's' : ''} ${left.map((n) => `'${n}'`).join(', ')} ${left.length > 1 ? 'are' : 'is'} not a number on line ${this.line}: left out of the features (--columns to choose)`);
    }
    if (this.features.length === 0) throw new DataError(`stdin: line ${this.line}: no numeric column to score (columns: ${names.join(', ')})`, 'stdin', this.line);
    this.featureIndex = this.features.map((n) => names.indexOf(n));
  }
}
