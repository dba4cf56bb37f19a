/** Reading a small input file whole (a windows or profiles file, a NAB data file). */
import fs from 'node:fs';
import { DataError } from '../core/data/errors.js';

/** The text of `file`, or a DataError naming it and `what` it is: "F: cannot read the data file: no such file". */
export function readTextFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read the ${what}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, file);
  }
}
