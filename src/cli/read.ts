/** Reading a CSV file from disk through the same parser the page uses. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Papa from 'papaparse';
import { DataError, parseCsvChunks, type PlainPart } from '../core/data/csv.js';
import { parseCsvParts, parsePlainPart, partThreads, type ByteSource } from '../core/data/csv-parts.js';
import type { Dataset } from '../core/data/dataset.js';

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

export async function readCsvFile(file: string, onProgress?: (fraction: number, rows: number) => void): Promise<Dataset> {
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
  const whole = () => parseCsvChunks(
    name,
    fileByteChunks(file),
    (config) => Papa.parse(fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 8 << 20 }) as unknown as File, config as unknown as Papa.ParseLocalConfig<string[], File>),
    { totalBytes: size, onProgress },
  );
  const threads = parseThreads(size);
  Object.assign(lastRead, { threads, ranges: 0, onePiece: true });
  if (threads < 2) return whole();
  // Threads start now, while this thread plans the cuts; part 0 is read here.
  const workers = Array.from({ length: threads - 1 }, () => startParseThread());
  const source: ByteSource = {
    size,
    read: async (start, end) => {
      const fd = await fs.promises.open(file, 'r');
      try {
        const buf = Buffer.alloc(end - start);
        const { bytesRead } = await fd.read(buf, 0, end - start, start);
        return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
      } finally {
        await fd.close();
      }
    },
  };
  try {
    let readBytes = 0;
    let joined = true;
    const ds = await parseCsvParts(name, source, threads, async (plan, range, runner) => {
      lastRead.ranges++;
      const job = { file, name, plan: { header: plan.header, delimiter: plan.delimiter }, range };
      if (runner > 0) return workers[runner - 1].run(job);
      const before = readBytes;
      return parsePlainPart(name, job.plan, fileByteChunks(file, range), range[1] - range[0], (bytes) => {
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

function startParseThread(): { worker: Worker; run: (job: unknown) => Promise<PlainPart | null> } {
  const worker = new Worker(new URL('./parse-thread.mjs', import.meta.url));
  // One reply per job, in order; a thread that dies fails what it was asked and everything after.
  type Reply = { part?: PlainPart | null; error?: string };
  const waiting: ((r: Reply) => void)[] = [];
  let dead: string | null = null;
  let started!: () => void;
  const ready = new Promise<void>((resolve) => { started = resolve; });
  worker.once('message', () => {
    worker.on('message', (r: Reply) => waiting.shift()?.(r));
    started();
  });
  const fail = (why: string) => {
    dead ??= why;
    started();
    for (const w of waiting.splice(0)) w({ error: dead });
  };
  worker.on('error', (e: Error) => fail(e.message));
  // An exit without an error (killed, out of memory) must not leave a part waiting either; after
  // terminate() nothing is waiting, so this is then a no-op.
  worker.on('exit', (code) => fail(`parse thread exited (code ${code})`));
  const run = async (job: unknown): Promise<PlainPart | null> => {
    await ready;
    if (dead) return null;
    const r = await new Promise<Reply>((resolve) => {
      waiting.push(resolve);
      worker.postMessage(job);
    });
    // A thread that fails (out of memory, say) sends the file to the one-piece reader.
    return r.error ? null : r.part ?? null;
  };
  return { worker, run };
}
