/**
 * Writing the scored CSV (--out): the input's columns as they were read, plus
 * score, is_anomaly, and scikit-learn's decision_function and score_samples
 * where the detector defines them.
 *
 * The input's cells are copied from the input file itself, not rebuilt from
 * the parsed numbers: the file is read again, record by record, with the
 * reader's rules (which lines are rows, the delimiter, papaparse's quoting for
 * a file with a quote), so `1.0`, `-0`, `inf` and a leading tab stay as they
 * were, and text columns keep every value (the reader keeps at most 100,000
 * distinct ones). Nothing of the input's text is held beyond a chunk.
 *
 * A file without a quote and with commas is copied line by line (each line
 * as it is, plus the new cells); otherwise each record's cells go through the
 * one CSV writer (src/core/data/csv-write.ts), comma-separated. Formula-like
 * text cells and header names get a leading `'` (`formulaEscape: false` turns
 * that off). The file is written atomically (output-file.ts).
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import type { Dataset } from '../core/data/dataset.js';
import { DataError } from '../core/data/errors.js';
import { csvCell, csvNumber } from '../core/data/csv-write.js';
import { writeFileAtomic, ioReason, type OutputSink } from './output-file.js';

export interface ScoredColumns {
  scores: Float64Array;
  threshold: number;
  decision: Float64Array | null;
  scoreSamples: Float64Array | null;
}

export interface WriteOptions {
  /** Prefix formula-like text cells and header names with `'` (default true). */
  formulaEscape?: boolean;
  /** The input's text encoding when it has no BOM (a TextDecoder label; default utf-8). */
  encoding?: string;
}

/** Chunks of the input read at a time. */
const CHUNK = 1 << 20;
/** Characters queued for the output before the input waits for the disk. */
const QUEUE = 4 << 20;

/**
 * Write `file`: the records of `input` (read into `ds`) with the scored
 * columns appended. Throws a WriteError for the output, a DataError when the
 * input cannot be read again or no longer has the rows it had.
 */
export async function writeScoredCsv(file: string, input: string, ds: Dataset, scored: ScoredColumns, options: WriteOptions = {}): Promise<void> {
  const { scores, threshold, decision, scoreSamples } = scored;
  const formulaEscape = options.formulaEscape !== false;
  const header = [...ds.columns.map((c) => c.name), 'score', 'is_anomaly', ...(decision ? ['decision_function'] : []), ...(scoreSamples ? ['score_samples'] : [])];
  const tail = (i: number): string => {
    const s = scores[i];
    let t = `,${csvNumber(s)},${s > threshold ? 1 : 0}`;
    if (decision) t += `,${csvNumber(decision[i])}`;
    if (scoreSamples) t += `,${csvNumber(scoreSamples[i])}`;
    return t;
  };
  const { encoding, quoted } = await inspectInput(input, ds, options.encoding ?? 'utf-8');
  // The common file (UTF-8, commas, no quote, numbers only) is copied as bytes, line by line.
  const bytes = /^utf-?8$/i.test(encoding) && !quoted && ds.delimiter === ',' && ds.columns.every((c) => c.kind === 'numeric');
  const records = quoted ? papaRecords : bytes ? plainBytesRecords : plainRecords;
  await writeFileAtomic(file, async (out) => {
    out.push(`${header.map((h) => csvCell(h, { formulaEscape })).join(',')}\n`);
    const rows = await records(input, ds, encoding, out, tail, formulaEscape);
    if (rows !== ds.rows) throw changed(input, ds);
  });
}

function changed(input: string, ds: Dataset): DataError {
  return new DataError(`${input} changed while it was being scored (it had ${ds.rows} rows when read); the output was not written`, ds.name);
}

function readError(input: string, ds: Dataset, e: unknown): DataError {
  return new DataError(`${input} cannot be read again to copy its columns: ${ioReason(e)}`, ds.name);
}

/**
 * The input's encoding (a BOM decides UTF-16; else `encoding`) and whether
 * it holds a quote anywhere, the reader's test for papaparse's rules. One
 * pass over the bytes (memchr speed: ~0.1 s for 200 MB from the page cache).
 */
async function inspectInput(input: string, ds: Dataset, encoding: string): Promise<{ encoding: string; quoted: boolean }> {
  let first = true;
  try {
    for await (const chunk of fs.createReadStream(input, { highWaterMark: 8 << 20 }) as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        if (chunk[0] === 0xff && chunk[1] === 0xfe) return { encoding: 'utf-16le', quoted: true };
        if (chunk[0] === 0xfe && chunk[1] === 0xff) return { encoding: 'utf-16be', quoted: true };
      }
      if (chunk.includes(34)) return { encoding, quoted: true };
    }
  } catch (e) {
    throw readError(input, ds, e);
  }
  return { encoding, quoted: false };
}

/** The input's bytes in chunks of `size`; a failed read is a DataError naming the input (an error of the consumer passes through). */
async function* byteChunks(input: string, ds: Dataset, size: number): AsyncGenerator<Buffer> {
  const stream = fs.createReadStream(input, { highWaterMark: size });
  const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let r: IteratorResult<Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        throw readError(input, ds, e);
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    stream.destroy();
  }
}

/** The input's text, decoded chunk by chunk (a leading BOM dropped, as the reader does). */
async function* textChunks(input: string, ds: Dataset, encoding: string): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of byteChunks(input, ds, CHUNK)) yield decoder.decode(chunk, { stream: true });
  const last = decoder.decode();
  if (last) yield last;
}

/** Bytes of output gathered before they are queued (and of input read at a time by plainBytesRecords). */
const OUT_BYTES = 4 << 20;

type Records = (input: string, ds: Dataset, encoding: string, out: OutputSink, tail: (i: number) => string, formulaEscape: boolean) => Promise<number>;

/**
 * A file without a quote: the reader's plain rules. Lines split at `\n` (a
 * `\r` before it dropped); empty lines skipped, and blank ones (white space
 * only) where there is more than one column; the first line left is the
 * header. Returns the number of rows written.
 */
const plainRecords: Records = async (input, ds, encoding, out, tail, formulaEscape) => {
  const width = ds.columns.length;
  const delim = ds.delimiter;
  const text = ds.columns.map((c) => c.kind === 'text');
  const anyText = text.includes(true);
  let header = false;
  let row = 0;
  let carry = '';
  let o = '';
  const line = (s: string) => {
    if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) s = s.slice(0, -1);
    if (s.length === 0) return;
    if (!header) {
      header = true;
      return;
    }
    if (width > 1 && !s.includes(delim) && s.trim() === '') return;
    if (row >= ds.rows) throw changed(input, ds);
    // The common file: commas, numbers only, no stray carriage return: the line as it is.
    if (delim === ',' && !anyText && !s.includes('\r')) {
      o += s + tail(row) + '\n';
    } else {
      const cells = s.split(delim);
      if (cells.length !== width) throw changed(input, ds);
      for (let j = 0; j < width; j++) o += (j > 0 ? ',' : '') + csvCell(cells[j], { formulaEscape: formulaEscape && text[j] });
      o += tail(row) + '\n';
    }
    row++;
  };
  for await (const chunk of textChunks(input, ds, encoding)) {
    const t = carry + chunk;
    let pos = 0;
    for (let nl = t.indexOf('\n'); nl >= 0; nl = t.indexOf('\n', pos)) {
      line(t.slice(pos, nl));
      pos = nl + 1;
    }
    carry = t.slice(pos);
    out.push(o);
    o = '';
    if (out.pending >= QUEUE) await out.flush();
  }
  if (carry) line(carry);
  out.push(o);
  return row;
};

/**
 * plainRecords for the common file, on bytes: UTF-8, commas, no quote, every
 * column numeric. Each row's line is copied as bytes (no text is made of
 * it), then the new cells; the same lines are rows as in plainRecords.
 */
const plainBytesRecords: Records = async (input, ds, _encoding, out, tail) => {
  const width = ds.columns.length;
  const utf8 = new TextDecoder();
  let header = false;
  let row = 0;
  let buf = Buffer.allocUnsafe(OUT_BYTES);
  let at = 0;
  let crs = false;
  const room = (n: number) => {
    if (at + n <= buf.length) return;
    out.pushBytes(buf.subarray(0, at));
    buf = Buffer.allocUnsafe(Math.max(OUT_BYTES, n));
    at = 0;
  };
  const line = (b: Buffer, start: number, end: number) => {
    if (end > start && b[end - 1] === 13) end--;
    if (end === start) return;
    if (!header) {
      header = true;
      return;
    }
    if (width > 1) {
      const comma = b.indexOf(44, start);
      if ((comma < 0 || comma >= end) && utf8.decode(b.subarray(start, end)).trim() === '') return;
    }
    if (row >= ds.rows) throw changed(input, ds);
    const t = `${tail(row)}\n`;
    if (crs && b.subarray(start, end).includes(13)) {
      // A carriage return inside the line: its cells quoted as CSV needs.
      const cells = utf8.decode(b.subarray(start, end)).split(',');
      const text = cells.map((c) => csvCell(c, { formulaEscape: false })).join(',') + t;
      room(Buffer.byteLength(text));
      at += buf.write(text, at, 'utf8');
    } else {
      room(end - start + t.length);
      at += b.copy(buf, at, start, end);
      at += buf.write(t, at, 'latin1'); // numbers, commas, 'inf': ASCII
    }
    row++;
  };
  let carry: Buffer | null = null;
  let first = true;
  for await (const chunk of byteChunks(input, ds, OUT_BYTES)) {
    let data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      first = false;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    }
    crs = data.includes(13);
    let pos = 0;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, pos)) {
      line(data, pos, nl);
      pos = nl + 1;
    }
    carry = pos < data.length ? data.subarray(pos) : null;
    if (out.pending >= QUEUE) await out.flush();
  }
  if (carry) {
    crs = carry.includes(13);
    line(carry, 0, carry.length);
  }
  out.pushBytes(buf.subarray(0, at));
  return row;
};

/**
 * A file with a quote: papaparse with the reader's settings (the delimiter it
 * found, line ends guessed, empty lines skipped; a lone blank field skipped
 * where there is more than one column); the first record is the header. The
 * input waits for the disk: the next chunk goes to papaparse only once the
 * output queue is short.
 */
const papaRecords: Records = (input, ds, encoding, out, tail, formulaEscape) => new Promise<number>((resolve, reject) => {
  const width = ds.columns.length;
  const text = ds.columns.map((c) => c.kind === 'text');
  let header = false;
  let row = 0;
  let failed: unknown = null;
  async function* gated(): AsyncGenerator<string> {
    for await (const chunk of textChunks(input, ds, encoding)) {
      if (failed) return;
      if (out.pending >= QUEUE) await out.flush();
      yield chunk;
    }
  }
  const source = Readable.from(gated(), { objectMode: true });
  source.on('error', (e) => {
    failed ??= e;
    reject(e);
  });
  Papa.parse(source as unknown as File, {
    header: false,
    dynamicTyping: false,
    skipEmptyLines: true,
    delimiter: ds.delimiter,
    chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
      if (failed) return;
      try {
        let o = '';
        for (const cells of results.data) {
          if (!header) {
            header = true;
            continue;
          }
          if (cells.length !== width) {
            if (cells.length === 1 && cells[0].trim() === '') continue;
            throw changed(input, ds);
          }
          if (row >= ds.rows) throw changed(input, ds);
          let line = '';
          for (let j = 0; j < width; j++) line += (j > 0 ? ',' : '') + csvCell(cells[j], { formulaEscape: formulaEscape && text[j] });
          o += line + tail(row) + '\n';
          row++;
        }
        out.push(o);
      } catch (e) {
        failed = e;
        parser.abort();
        source.destroy();
        reject(e);
      }
    },
    complete: () => {
      if (!failed) resolve(row);
    },
    error: (e: Error) => {
      failed ??= e;
      reject(e instanceof DataError ? e : readError(input, ds, e));
    },
  } as unknown as Papa.ParseLocalConfig<string[], File>);
});
