/**
 * CSV → Dataset. A file without quotes (the common numeric export) is read
 * here from its bytes, line by line (parseCsvChunks → feedPlainBytes →
 * DatasetBuilder.addPlainBytes); papaparse tokenises any file with a quote.
 * DatasetBuilder turns either's rows, chunk by chunk, into typed columns, so a
 * file of any size streams through without holding its text or its rows.
 *
 * The same code runs in the page's parse worker and in the CLI, and in the
 * parts of a large file (csv-parts.ts): one parser, one set of rules.
 *
 * This module is the reader and the public face of the CSV modules; the parts:
 * errors.ts (DataError), csv-numbers.ts (the decimal scanner), csv-columns.ts
 * (a column being read, missing cells, the column profile) and csv-builder.ts
 * (DatasetBuilder).
 */
import Papa from 'papaparse';
import type { Dataset } from './dataset.js';
import { DatasetBuilder, type BuilderOptions } from './csv-builder.js';
import { DataError } from './errors.js';
import { bomEncoding, decodeText, transcodeToUtf8, utf16WithoutBom, type TextEncoding } from './encoding.js';

export { DataError, EncodingError } from './errors.js';
export { MISSING_TOKENS } from './csv-columns.js';
export { fastNumber } from './csv-numbers.js';
export { DatasetBuilder, type BuilderOptions, type PlainPart } from './csv-builder.js';

/** The delimiters a file is sniffed for, in papaparse's order of preference. */
export const DELIMITERS = [',', '\t', ';', '|'];

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
    // A DataError from the text stream (a byte that is not UTF-8) is the message itself.
    error: (err: Error) => reject(err instanceof DataError ? err : new DataError(`${builder.name} could not be read: ${err.message}`, builder.name)),
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
  // UTF-16 without a byte-order mark: NUL bytes at every other position. Said so, not "binary data".
  const utf16 = bomEncoding(head) ? null : utf16WithoutBom(head);
  if (utf16) {
    builder.fail(new DataError(`${builder.name} looks like UTF-16 (${utf16 === 'le' ? 'little' : 'big'}-endian) text without a byte-order mark: save it as UTF-8, or as UTF-16 with a byte-order mark`, builder.name));
    return false;
  }
  // ignoreBOM: the BOM stays in the text, and firstChunk drops it; a character cut at the end is held back.
  // Bytes that are not UTF-8 (a Latin-1 file) are looked at as Windows-1252 here, so that accents do not
  // count as undecodable binary; the reader names the first such byte where it meets it (addPlainBytes).
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(head, { stream: true });
  } catch {
    decoded = new TextDecoder('windows-1252').decode(head);
  }
  const text = builder.firstChunk(decoded);
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
export interface ReadOptions extends BuilderOptions {
  /** The file's encoding when it has no byte-order mark (default UTF-8; a BOM decides UTF-16 / UTF-8). */
  encoding?: TextEncoding;
  /**
   * The file's bytes again, from the start: papaparse's path then reads text decoded here
   * (decodeText: strict UTF-8 naming a bad byte's row and column, or the file's encoding) and
   * `papa` gets it as its second argument (hand it to papaparse through papaStream).
   */
  reread?: () => AsyncIterable<Uint8Array>;
}

export async function parseCsvChunks(
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  papa: (config: ReturnType<typeof papaConfig>['config'], text?: AsyncIterable<string>) => void,
  options: ReadOptions = {},
): Promise<Dataset> {
  return readChunks(name, chunks, papa, options, null);
}

/** parseCsvChunks; `source` is the file's encoding once its bytes are transcoded to UTF-8 (null: they are the file's). */
async function readChunks(
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  papa: (config: ReturnType<typeof papaConfig>['config'], text?: AsyncIterable<string>) => void,
  options: ReadOptions,
  source: TextEncoding | null,
): Promise<Dataset> {
  let sniffed = ',';
  const viaPapa = () => {
    const builder = new DatasetBuilder(name);
    const { config, done } = papaConfig(builder, options);
    papa(config, options.reread ? decodeText(options.reread(), source ?? 'utf-8', name, sniffed) : undefined);
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
  if (gathered > 0 && source === null) {
    // Another encoding (a UTF-16 BOM, or the one asked for): its bytes go on as UTF-8.
    const head = first.length === 1 ? first[0] : concat(first);
    const encoding = bomEncoding(head) ?? options.encoding ?? 'utf-8';
    if (encoding !== 'utf-8') {
      const raw = async function* (): AsyncGenerator<Uint8Array> {
        yield head;
        if (ended) return;
        for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
      };
      // UTF-16 text is about half as many UTF-8 bytes (ASCII): progress counts those.
      const totalBytes = options.totalBytes && encoding.startsWith('utf-16') ? options.totalBytes / 2 : options.totalBytes;
      return readChunks(name, transcodeToUtf8(raw(), encoding), papa, { ...options, totalBytes }, encoding);
    }
  }
  if (gathered > 0) {
    const head = first.length === 1 ? first[0] : concat(first);
    const quoted = firstLook(builder, head);
    sniffed = builder.delimiter;
    if (quoted) return viaPapa();
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
