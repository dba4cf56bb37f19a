/**
 * Plain functions of a parse helper (see parse-part.worker.ts; in the CLI, a parse thread,
 * src/cli/parse-thread-main.ts): reads one byte range of a large file as a part
 * (src/core/data/csv-parts.ts) and returns its columns, transferred. No messaging in here.
 */
import * as Comlink from 'comlink';
import { parsePlainPart, type ByteSource, type PartPlan } from '../core/data/csv-parts';
import { blobBytes, sourceBytes } from './chunks';

/**
 * The part in `bytes`, a slice of the file (whole lines, no header): a Blob in the page, a
 * file range in the CLI. Null when it is not quote-free numbers (the file is read in one piece then).
 */
export async function parse(bytes: Blob | ByteSource, name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>) {
  const part = await parsePlainPart(name, plan, bytes instanceof Blob ? blobBytes(bytes) : sourceBytes(bytes), bytes.size);
  return part ? Comlink.transfer(part, part.values.map((v) => v.buffer as ArrayBuffer)) : null;
}
