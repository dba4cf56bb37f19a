/**
 * Reading one large CSV file on several threads. The file is cut at line
 * breaks into byte ranges; each thread reads its range with the one-piece
 * reader's own line reader (`feedPlainBytes` → `DatasetBuilder.addPlainBytes`),
 * after the same first look at the file's start (`firstLook`). The parts are
 * joined in file order. A newline byte is never inside a UTF-8 sequence,
 * so each range decodes on its own.
 *
 * Only the common file takes this route: no quote anywhere, every column
 * numeric (missing tokens allowed), no bad row. Anything else makes a part
 * return null and the whole file is read again in one piece, so text
 * columns, papaparse's quoting and the row numbers in error messages are
 * exactly those of the one-piece reader. The result is the same Dataset,
 * value for value: rows are read line by line either way, and the column
 * statistics are computed once, over the joined columns.
 *
 * No threads here (core stays free of Node and the DOM): the CLI runs parts on
 * worker threads (src/cli/read.ts), the page on Web Workers
 * (src/workers/data-api.ts).
 */
import { bomLength, DataError, DatasetBuilder, feedPlainBytes, firstLook, LOOK_BYTES, type PlainPart } from './csv.js';
import type { Dataset } from './dataset.js';
import { bomEncoding } from './encoding.js';

/** Below this many bytes one thread reads the file (starting threads costs more than it saves). */
export const PARALLEL_BYTES = 24 << 20;

/** How many threads read a file of `bytes` with `cores` cores: one per core up to 4, one below PARALLEL_BYTES. */
export function partThreads(bytes: number, cores: number): number {
  return bytes < PARALLEL_BYTES ? 1 : Math.max(1, Math.min(4, cores));
}

/** Ranges per thread: enough that a thread which starts late still gets its share. */
const RANGES_PER_THREAD = 16;

/** How far past a cut a line break is looked for. */
const PROBE = 1 << 16;

/** Random access to the file's bytes. */
export interface ByteSource {
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface PartPlan {
  /** The header line as text (no BOM, no line break). */
  header: string;
  delimiter: string;
  /** Byte ranges [start, end) of the data lines, in file order, each ending after a line break or at the end of the file. */
  ranges: [number, number][];
}

/**
 * Where to cut the file into `parts` ranges of whole lines, after its header;
 * null when the file should be read in one piece (a quote, binary data or an
 * odd first line near the start, or no line break near a cut).
 */
export async function planParts(name: string, source: ByteSource, parts: number): Promise<PartPlan | null> {
  const head = await source.read(0, Math.min(source.size, LOOK_BYTES));
  // UTF-16 (by its BOM) is transcoded by the one-piece reader.
  if (bomEncoding(head) === 'utf-16le' || bomEncoding(head) === 'utf-16be') return null;
  const probe = new DatasetBuilder(name);
  if (firstLook(probe, head) || probe.failed) return null;
  const bom = bomLength(head);
  const nl = head.indexOf(10, bom);
  if (nl < 0) return null;
  let header = new TextDecoder('utf-8', { ignoreBOM: true }).decode(head.subarray(bom, nl));
  if (header.endsWith('\r')) header = header.slice(0, -1);
  if (header.trim() === '') return null; // blank lines before the header: the one-piece reader's rules
  const delimiter = probe.delimiter;
  const start = nl + 1;
  // The first line break at or after each even cut (read in parallel: each read may be a round trip).
  const targets = Array.from({ length: parts - 1 }, (_, p) => start + Math.round(((source.size - start) * (p + 1)) / parts));
  const found = await Promise.all(targets.map((t) => nextLineStart(source, t)));
  if (found.some((c) => c === null)) return null;
  const cuts = [start];
  for (const c of found as number[]) if (c > cuts[cuts.length - 1] && c < source.size) cuts.push(c);
  cuts.push(source.size);
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1] > cuts[i]) ranges.push([cuts[i], cuts[i + 1]]);
  return { header, delimiter, ranges };
}

/** The position after the first line break at or after `from` (looking up to PROBE bytes ahead), or null. */
async function nextLineStart(source: ByteSource, from: number): Promise<number | null> {
  for (let span = 4096; ; span *= 4) {
    const end = Math.min(source.size, from + span);
    const k = (await source.read(from, end)).indexOf(10);
    if (k >= 0) return from + k + 1;
    if (end === source.size) return source.size;
    if (span >= PROBE) return null;
  }
}

/**
 * One range of a planned file, given as byte chunks in order (any sizes): its
 * rows, or null when this part needs the one-piece reader (a quote, a text
 * cell, a bad row). Plain numeric lines are read from the bytes themselves
 * (`addPlainBytes`): no text is made of them.
 *
 * @param bytes the range's size in bytes, to size the columns once
 * @param onBytes called after each chunk with the bytes read so far
 */
export async function parsePlainPart(
  name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>, chunks: AsyncIterable<Uint8Array>, bytes: number,
  onBytes?: (bytes: number) => void,
): Promise<PlainPart | null> {
  const builder = headedBuilder(name, plan);
  // A quote, or a text cell or bad row (no use reading on): the one-piece reader's file.
  const how = await feedPlainBytes(builder, chunks, { bytes, onChunk: onBytes, stop: () => !builder.isPlain });
  return how === 'done' ? builder.takePlain() : null;
}

/** The parts of a planned file joined into its Dataset (same checks and messages as the one-piece reader's end). */
export function joinParts(name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>, parts: PlainPart[]): Dataset {
  const builder = headedBuilder(name, plan);
  builder.adoptPlain(parts);
  return builder.finish();
}

/** A builder that has read the plan's header line. */
function headedBuilder(name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>): DatasetBuilder {
  const builder = new DatasetBuilder(name);
  builder.delimiter = plan.delimiter;
  builder.addPlainLines(`${plan.header}\n`);
  return builder;
}

/**
 * Read a file in parts on `threads` runners: plan `threads × 16` ranges, each
 * runner takes the next unread range when it is free (so a thread that starts
 * late, or a slower core, simply reads fewer), then join in file order. Falls
 * back to `whole` (the one-piece reader) when the plan or any part says so.
 *
 * @param runPart reads one range on runner `runner` (0 = the calling thread)
 */
export async function parseCsvParts(
  name: string, source: ByteSource, threads: number,
  runPart: (plan: PartPlan, range: [number, number], runner: number) => Promise<PlainPart | null>,
  whole: () => Promise<Dataset>,
  { minBytes = PARALLEL_BYTES, rangesPerThread = RANGES_PER_THREAD } = {},
): Promise<Dataset> {
  const plan = threads >= 2 && source.size >= minBytes ? await planParts(name, source, threads * rangesPerThread) : null;
  if (!plan) return whole();
  const results: (PlainPart | null)[] = new Array(plan.ranges.length).fill(null);
  let next = 0;
  let failed = false;
  const runner = async (r: number) => {
    while (!failed && next < plan.ranges.length) {
      const i = next++;
      const part = await runPart(plan, plan.ranges[i], r);
      if (part === null) failed = true;
      results[i] = part;
    }
  };
  await Promise.all(Array.from({ length: threads }, (_, r) => runner(r)));
  if (failed) return whole();
  try {
    return joinParts(name, plan, results as PlainPart[]);
  } catch (e) {
    if (e instanceof DataError) return whole(); // its message, from the one-piece reader
    throw e;
  }
}
