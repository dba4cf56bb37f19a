/**
 * A numeric column turned into text by a few stray cells (issue 23: a single `oops` among numbers):
 * found, named (column, row, value), and on request read as numbers with those cells missing.
 *
 * The CSV reader types a column as text at its first non-numeric, non-missing cell (csv-columns.ts).
 * A text column whose non-missing cells are mostly numbers (at least half) is offered here; a
 * column of words (labels, ids) is not.
 */
import type { Dataset, NumericColumn, TextColumn } from './dataset.js';
import { finishColumn, isMissing, type ColumnBuilder } from './csv-columns.js';
import { toNumber } from './csv-numbers.js';

export interface StrayText {
  column: string;
  /** Cells that are neither numbers nor missing tokens. */
  cells: number;
  /** Cells that are numbers. */
  numbers: number;
  /** The first stray cell: row (1-based, as the messages count data rows) and its text. */
  first: { row: number; value: string };
}

/** Each level's number (NaN for a stray text; missing tokens are not levels). */
function levelNumbers(col: TextColumn): Float64Array {
  return Float64Array.from(col.levels, (t) => (isMissing(t) ? NaN : toNumber(t)));
}

/** The text columns of `ds` that are mostly numbers, with their stray cells counted; a column of words is left out. */
export function strayTextColumns(ds: Dataset): StrayText[] {
  const out: StrayText[] = [];
  for (const col of ds.columns) {
    if (col.kind !== 'text' || !col.codes) continue;
    const nums = levelNumbers(col);
    let cells = 0, numbers = 0, firstRow = -1;
    for (let i = 0; i < ds.rows; i++) {
      const k = col.codes[i];
      if (k < 0) continue;
      if (nums[k] === nums[k]) numbers++;
      else {
        cells++;
        if (firstRow < 0) firstRow = i;
      }
    }
    if (cells > 0 && numbers >= cells) out.push({ column: col.name, cells, numbers, first: { row: firstRow + 1, value: col.levels[col.codes[firstRow]] } });
  }
  return out;
}

/**
 * `column` of `ds` read as numbers: every stray text cell becomes missing (NaN), as an empty cell.
 * Returns the new column (the dataset is not changed); a RangeError when the column is not such a text column.
 */
export function strayTextAsMissing(ds: Dataset, column: string): NumericColumn {
  const col = ds.columns.find((c) => c.name === column);
  if (!col || col.kind !== 'text' || !col.codes) throw new RangeError(`${ds.name}: column '${column}' is not a text column with numbers to read`);
  const nums = levelNumbers(col);
  const values = new Float64Array(ds.rows);
  let missing = 0;
  for (let i = 0; i < ds.rows; i++) {
    const k = col.codes[i];
    const v = k < 0 ? NaN : nums[k];
    values[i] = v;
    if (v !== v) missing++;
  }
  const builder: ColumnBuilder = { name: column, kind: 'numeric', values, codes: new Int32Array(0), levels: [], levelIndex: null, missing, firstText: null };
  return finishColumn(builder, ds.rows) as NumericColumn;
}
