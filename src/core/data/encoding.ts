/**
 * Text encodings of a CSV file: UTF-8 (the default; invalid bytes are an error naming where
 * they are), UTF-16 LE / BE when the file starts with their byte-order mark, and Windows-1252
 * (what "Latin-1" files usually are: ISO-8859-1 plus printable 0x80–0x9F) on request.
 *
 * A file in another encoding is transcoded to UTF-8 bytes as it streams (transcodeToUtf8), so
 * the byte reader downstream is the same for every file. papaparse's path gets text decoded here
 * (decodeText, with papaStream), not by FileReader, whose slices cut multi-byte characters.
 * No DOM and no Node here.
 */
import { EncodingError } from './errors.js';

/** The encodings the readers accept (TextDecoder labels). */
export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncoding = (typeof ENCODINGS)[number];

/** The user's name for an encoding (--encoding latin1, cp1252, utf8…) as one of ENCODINGS; null when unknown. */
export function encodingFromName(name: string): TextEncoding | null {
  const n = name.trim().toLowerCase().replace(/[_\s]/g, '-');
  if (n === 'utf-8' || n === 'utf8') return 'utf-8';
  if (['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'windows-1252', 'cp1252', '1252'].includes(n)) return 'windows-1252';
  if (n === 'utf-16le' || n === 'utf16le') return 'utf-16le';
  if (n === 'utf-16be' || n === 'utf16be') return 'utf-16be';
  return null;
}

/** The encoding a byte-order mark at the start of `head` names (UTF-8's included); null without one. */
export function bomEncoding(head: Uint8Array): TextEncoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * Whether `head` (no BOM) looks like UTF-16 text: NUL bytes at every other position (ASCII in
 * UTF-16), 'le' when the odd bytes are the NULs. Null otherwise.
 */
export function utf16WithoutBom(head: Uint8Array): 'le' | 'be' | null {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul >= 0.9 * pairs && evenNul <= 0.1 * pairs) return 'le';
  if (evenNul >= 0.9 * pairs && oddNul <= 0.1 * pairs) return 'be';
  return null;
}

/**
 * The offset of the first byte in bytes[start, end) that does not begin or continue a valid
 * UTF-8 sequence (overlong forms, surrogates and code points past U+10FFFF included, as
 * TextDecoder's fatal mode refuses them); -1 when all are valid. A sequence cut by `end` counts
 * as valid (its rest may follow in the next chunk).
 */
export function firstInvalidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // past U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return -1;
      const c = bytes[i + k];
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** "byte 0xE9 is not UTF-8 …" with the suggestion, for EncodingError messages. */
export function notUtf8(byte: number): string {
  return `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not UTF-8: the file may be Latin-1 / Windows-1252; read it as that`;
}

/** A file's bytes in `encoding`, streamed as UTF-8 bytes (a BOM dropped). */
export async function* transcodeToUtf8(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder(encoding);
  const encoder = new TextEncoder();
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield encoder.encode(text);
  }
  const tail = decoder.decode();
  if (tail) yield encoder.encode(tail);
}

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the next chunk completes (0–3). */
export function utf8Tail(bytes: Uint8Array): number {
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const b = bytes[bytes.length - k];
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return len > k ? k : 0;
    }
  }
  return 0;
}

/**
 * A file's bytes decoded as text, chunk by chunk (a BOM is kept, as the readers expect it).
 * UTF-8 is decoded strictly: the first invalid byte throws an EncodingError naming its line and
 * field (the field counted by `delimiter` on that line, named from the header line when it can
 * be; a quoted field holding the delimiter or a line break would shift them).
 */
export async function* decodeText(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding, name: string, delimiter = ','): AsyncGenerator<string> {
  const strict = encoding === 'utf-8';
  // Validation is the native decoder's (fatal); firstInvalidUtf8 only locates the byte once it failed.
  const decoder = new TextDecoder(encoding, { ignoreBOM: true, fatal: strict });
  let line = 1;
  let lineSoFar: Uint8Array = new Uint8Array(0); // the current line's bytes before this chunk (for the field count)
  let carry: Uint8Array = new Uint8Array(0); // a sequence cut by the previous chunk's end
  let header: string | null = null;
  for await (const chunk of chunks) {
    if (header === null) {
      const nl = chunk.indexOf(10);
      if (nl >= 0) header = new TextDecoder(encoding).decode(concat(lineSoFar, chunk.subarray(0, nl))).replace(/\r$/, '');
    }
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const data = concat(carry, chunk);
      const bad = Math.max(0, firstInvalidUtf8(data));
      const nl = data.lastIndexOf(10, bad);
      for (let k = data.indexOf(10); k >= 0 && k < bad; k = data.indexOf(10, k + 1)) line++;
      throw badByteError(name, line, nl >= 0 ? data.subarray(nl + 1, bad) : concat(lineSoFar, data.subarray(0, bad)), data[bad], delimiter, header);
    }
    if (strict) {
      carry = chunk.slice(chunk.length - utf8Tail(chunk));
      for (let k = chunk.indexOf(10); k >= 0; k = chunk.indexOf(10, k + 1)) line++;
      const nl = chunk.lastIndexOf(10);
      lineSoFar = nl >= 0 ? chunk.slice(nl + 1) : concat(lineSoFar, chunk);
      if (lineSoFar.length > 1 << 20) lineSoFar = lineSoFar.slice(-(1 << 20)); // a huge line: its end is enough to count on
    }
    if (text) yield text;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw badByteError(name, line, lineSoFar.subarray(0, lineSoFar.length - carry.length), carry[0] ?? 0, delimiter, header);
  }
  if (tail) yield tail;
}

/** The error for a byte that is not UTF-8: line (1 = the header), field and, where the header names it, the column. */
export function badByteError(name: string, line: number, lineBefore: Uint8Array, byte: number, delimiter: string, header: string | null): EncodingError {
  const d = delimiter.charCodeAt(0);
  let field = 1;
  for (const b of lineBefore) if (b === d) field++;
  const names = header?.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  const column = line > 1 && names?.[field - 1] ? `column '${names[field - 1]}'` : `column ${field}`;
  const where = line === 1 ? `the header (line 1), ${column}` : `row ${line - 1} (line ${line}), ${column}`;
  return new EncodingError(`${name}: ${where}: ${notUtf8(byte)}`, name, line === 1 ? undefined : line - 1, names?.[field - 1]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Text chunks as the Node-style readable stream papaparse's streaming parser reads (it asks for
 * `readable`, `read`, `on`, `removeListener`, `pause` and `resume`), in the page as in Node: the
 * text is decoded by decodeText, not by papaparse's FileReader.
 */
export function papaStream(text: AsyncIterable<string>): { readable: true; read(): void; on(event: string, fn: (x?: unknown) => void): void; removeListener(event: string, fn: (x?: unknown) => void): void; pause(): void; resume(): void } {
  const listeners: Record<string, ((x?: unknown) => void)[]> = { data: [], end: [], error: [] };
  let started = false;
  let paused = false;
  let wake: (() => void) | null = null;
  const emit = (event: string, x?: unknown) => { for (const fn of [...(listeners[event] ?? [])]) fn(x); };
  const pump = async () => {
    try {
      for await (const chunk of text) {
        while (paused) await new Promise<void>((r) => { wake = r; });
        emit('data', chunk);
      }
      emit('end');
    } catch (e) {
      emit('error', e);
    }
  };
  return {
    readable: true,
    read() {},
    on(event, fn) {
      (listeners[event] ??= []).push(fn);
      if (!started && event === 'data') {
        started = true;
        void Promise.resolve().then(pump);
      }
    },
    removeListener(event, fn) {
      const l = listeners[event];
      if (l) l.splice(l.indexOf(fn) >>> 0, 1);
    },
    pause() { paused = true; },
    resume() {
      paused = false;
      wake?.();
      wake = null;
    },
  };
}
