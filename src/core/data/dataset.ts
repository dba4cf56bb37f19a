/**
 * The columnar Dataset: what a parsed CSV becomes. One Float64Array per numeric
 * column (NaN marks a missing cell), dictionary-coded text columns, and the
 * per-column profile the column picker shows.
 */

/** A numeric column: every non-missing cell parsed as a number. */
export interface NumericColumn {
  name: string;
  kind: 'numeric';
  /** One value per row; NaN where the cell was missing (empty, NA, NaN, null, inf…). */
  values: Float64Array;
  missing: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation of the non-missing values. */
  std: number;
  /** The distinct values, sorted, when there are at most 20 of them (label candidates). */
  distinct: number[] | null;
}

/** A text column: listed, usable as a label, never used as a feature. */
export interface TextColumn {
  name: string;
  kind: 'text';
  /** Index into `levels` per row, -1 where missing; null when there were too many levels to keep. */
  codes: Int32Array | null;
  levels: string[];
  missing: number;
  /** Where the first non-numeric cell was seen: why the column is text. */
  firstText: { row: number; value: string };
  min: number;
  max: number;
  distinct: string[] | null;
  /**
   * When `codes` is null because the column had too many distinct texts and its texts are times (a
   * timestamp column of more than 100,000 rows): each row's time, ms since 1970 UTC (NaN where
   * unparseable or missing), as src/core/data/time.ts parses it. Absent or null otherwise.
   */
  times?: Float64Array | null;
}

export type Column = NumericColumn | TextColumn;

export interface Dataset {
  /** The file name, used in every message about the data. */
  name: string;
  rows: number;
  columns: Column[];
  delimiter: string;
}

/** What the main thread keeps of a dataset: the profile without the values. */
export interface ColumnSummary {
  name: string;
  kind: 'numeric' | 'text';
  missing: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  distinct: (string | number)[] | null;
  levels: number;
  firstText?: { row: number; value: string };
}

export interface DatasetSummary {
  name: string;
  rows: number;
  delimiter: string;
  columns: ColumnSummary[];
}

export function summarize(ds: Dataset): DatasetSummary {
  return {
    name: ds.name,
    rows: ds.rows,
    delimiter: ds.delimiter,
    columns: ds.columns.map((c) =>
      c.kind === 'numeric'
        ? { name: c.name, kind: c.kind, missing: c.missing, min: c.min, max: c.max, mean: c.mean, std: c.std, distinct: c.distinct, levels: c.distinct ? c.distinct.length : -1 }
        : { name: c.name, kind: c.kind, missing: c.missing, min: NaN, max: NaN, mean: NaN, std: NaN, distinct: c.distinct, levels: c.levels.length, firstText: c.firstText },
    ),
  };
}

/** The numeric columns that can serve as features. */
export function numericColumns(ds: Pick<Dataset, 'columns' | 'rows'> | DatasetSummary): string[] {
  return ds.columns.filter((c) => c.kind === 'numeric' && c.missing < ds.rows).map((c) => c.name);
}

export function getColumn(ds: Dataset, name: string): Column {
  const c = ds.columns.find((col) => col.name === name);
  if (!c) throw new RangeError(`${ds.name}: no column named '${name}' (columns: ${ds.columns.map((x) => x.name).join(', ')})`);
  return c;
}

/** Names of columns that are auto-picked as the label, in order of preference. */
export const LABEL_NAMES = ['label', 'is_anomaly', 'anomaly', 'outlier', 'target', 'y'];

/** The label column picked by name (case-insensitive), or null. */
export function guessLabelColumn(ds: Pick<Dataset, 'columns'> | DatasetSummary): string | null {
  for (const want of LABEL_NAMES) {
    const c = ds.columns.find((col) => col.name.trim().toLowerCase() === want);
    if (c) return c.name;
  }
  return null;
}
