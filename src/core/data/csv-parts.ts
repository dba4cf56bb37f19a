/**
 * Reading one large CSV file on several threads. The file is cut at line
 * breaks into byte ranges; each thread reads its range as bytes: a line of
 * plain numbers is read straight from them (`DatasetBuilder.addPlainBytes`,
 * the same digits and rules as the text reader), any other line is decoded
 * and read by the one-piece path's line reader (`addPlainLines`). The parts
 * are joined in file order. A newline byte is never inside a UTF-8 sequence,
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
import Papa from 'papaparse';
import { DataError, DatasetBuilder, DELIMITERS, type PlainPart } from './csv.js';
import type { Dataset } from './dataset.js';

/** Below this many bytes one thread reads the file (starting threads costs more than it saves). */
export const PARALLEL_BYTES = 24 << 20;

/** Ranges per thread: enough that a thread which starts late still gets its share. */
const RANGES_PER_THREAD = 16;

/** How many bytes are looked at to read the header and sniff the delimiter, and to find a line break near a cut. */
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
  // The one-piece reader checks and sniffs the first PROBE characters after the BOM; at up to 4 bytes a
  // character, these bytes hold them all (a character cut at the end is held back by the streaming decoder).
  const head = await source.read(0, Math.min(source.size, 4 * PROBE + 3));
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(head, { stream: true });
  const probe = new DatasetBuilder(name);
  text = probe.firstChunk(text);
  if (probe.failed || text.includes('"')) return null;
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const nl = head.indexOf(10, bom);
  if (nl < 0) return null;
  let header = new TextDecoder('utf-8', { ignoreBOM: true }).decode(head.subarray(bom, nl));
  if (header.endsWith('\r')) header = header.slice(0, -1);
  if (header.trim() === '') return null; // blank lines before the header: the one-piece reader's rules
  const guess = Papa.parse<string[]>(text.slice(0, PROBE), { preview: 20, delimitersToGuess: DELIMITERS });
  const delimiter = guess.meta.delimiter || ',';
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
  for (let window = 4096; ; window *= 4) {
    const end = Math.min(source.size, from + window);
    const k = (await source.read(from, end)).indexOf(10);
    if (k >= 0) return from + k + 1;
    if (end === source.size) return source.size;
    if (window >= PROBE) return null;
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
  const builder = new DatasetBuilder(name);
  builder.delimiter = plan.delimiter;
  builder.addPlainLines(`${plan.header}\n`);
  let carry: Uint8Array | null = null;
  let consumed = 0;
  let sized = false;
  for await (const chunk of chunks) {
    if (chunk.includes(34)) return null; // a quote: papaparse's rules, in one piece
    consumed += chunk.length;
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
    builder.addPlainBytes(data, 0, lastNewline + 1);
    carry = lastNewline + 1 < data.length ? data.slice(lastNewline + 1) : null;
    if (!builder.isPlain) return null; // a text cell or a bad row: no use reading on
    if (!sized && builder.rowCount > 0) {
      sized = true;
      builder.reserve(Math.ceil((bytes / (lastNewline + 1)) * builder.rowCount * 1.02));
    }
    onBytes?.(consumed);
  }
  if (carry) builder.addPlainBytes(carry);
  return builder.failed ? null : builder.takePlain();
}

/** The parts of a planned file joined into its Dataset (same checks and messages as the one-piece reader's end). */
export function joinParts(name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>, parts: PlainPart[]): Dataset {
  const builder = new DatasetBuilder(name);
  builder.delimiter = plan.delimiter;
  builder.addPlainLines(`${plan.header}\n`);
  builder.adoptPlain(parts);
  return builder.finish();
}

/**
 * Read a file in parts on `threads` runners: plan `threads × 4` ranges, each
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
