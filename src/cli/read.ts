/** Reading a CSV file from disk through the same parser the page uses. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { DataError, parseCsvChunks } from '../core/data/csv.js';
import { parseCsvParts, parsePlainPart, partThreads } from '../core/data/csv-parts.js';
import type { Dataset } from '../core/data/dataset.js';
import { papaStream, type TextEncoding } from '../core/data/encoding.js';
import { fileSource } from './file-source.js';
import type { ParseThreadApi } from './parse-thread-main.js';
import { startThread } from './threads.js';

/** The bytes of a file, or of its range [start, end), in 8 MB chunks. */
export function fileByteChunks(file: string, range?: [number, number]): AsyncIterable<Uint8Array> {
  return fs.createReadStream(file, { highWaterMark: 8 << 20, ...(range ? { start: range[0], end: range[1] - 1 } : {}) }) as AsyncIterable<Buffer>;
}

/** How many threads read a file of `bytes` here (partThreads with this machine's cores). */
export function parseThreads(bytes: number): number {
  return partThreads(bytes, os.availableParallelism());
}

/** How the last file was read: on how many threads, how many ranges they read, and whether it went back to one piece. */
export const lastRead = { threads: 1, ranges: 0, onePiece: true };

/**
 * @param options.encoding the file's encoding when it has no byte-order mark (--encoding; default UTF-8)
 */
export async function readCsvFile(file: string, onProgress?: (fraction: number, rows: number) => void, options: { encoding?: TextEncoding } = {}): Promise<Dataset> {
  const name = path.basename(file);
  let size: number;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new DataError(`${file} is a directory, not a CSV file`, name);
    size = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, name);
  }
  // papaparse reads text decoded by the reader (strict UTF-8, or the file's encoding), not the file itself.
  const whole = () => parseCsvChunks(
    name,
    fileByteChunks(file),
    (config, text) => Papa.parse((text ? papaStream(text) : fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 8 << 20 })) as unknown as File, config as unknown as Papa.ParseLocalConfig<string[], File>),
    { totalBytes: size, onProgress, encoding: options.encoding, reread: () => fileByteChunks(file) },
  );
  // Another encoding than UTF-8 is read in one piece (its bytes are transcoded as they stream).
  const threads = options.encoding && options.encoding !== 'utf-8' ? 1 : parseThreads(size);
  Object.assign(lastRead, { threads, ranges: 0, onePiece: true });
  if (threads < 2) return whole();
  // Threads start now, while this thread plans the cuts; part 0 is read here.
  const workers = Array.from({ length: threads - 1 }, () => startThread<ParseThreadApi>(new URL('./parse-thread.mjs', import.meta.url), 'parse'));
  const source = fileSource(file, [0, size]);
  try {
    let readBytes = 0;
    let joined = true;
    const ds = await parseCsvParts(name, source, threads, async (plan, range, runner) => {
      lastRead.ranges++;
      const head = { header: plan.header, delimiter: plan.delimiter };
      if (runner > 0) {
        // The page's parse helper API on a thread; a thread that fails (out of memory, say) sends the file to the one-piece reader.
        const t = workers[runner - 1];
        return Promise.race([t.api.parseFile(file, range, name, head), t.died]).catch(() => null);
      }
      const before = readBytes;
      return parsePlainPart(name, head, fileByteChunks(file, range), range[1] - range[0], (bytes) => {
        readBytes = before + bytes;
        onProgress?.(Math.min(1, (readBytes * threads) / size), 0);
      });
    }, () => {
      joined = false;
      return whole();
    });
    lastRead.onePiece = !joined;
    return ds;
  } finally {
    for (const w of workers) void w.worker.terminate();
  }
}
