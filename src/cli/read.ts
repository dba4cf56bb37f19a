/** Reading a CSV file from disk through the same parser the page uses. */
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { DataError, parseCsvChunks } from '../core/data/csv.js';
import type { Dataset } from '../core/data/dataset.js';

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
  // An utf8 stream decodes characters split across chunk boundaries correctly.
  const open = () => fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 8 << 20 });
  return parseCsvChunks(
    name,
    open() as AsyncIterable<string>,
    (config) => Papa.parse(open() as unknown as File, config as unknown as Papa.ParseLocalConfig<string[], File>),
    { totalBytes: size, onProgress },
  );
}
