/**
 * A materialisation: what is recorded of one upload of a dataset under an asset name (Dagster's
 * word for a new version of an asset), and the metrics the checks compare across uploads.
 *
 * One record per load: the time, the row count, per column its missing count and (numeric) mean,
 * population standard deviation, min and max as the data panel shows them, or (text) its distinct
 * count; and the detector run on it, when one ran: id, resolved parameters, flagged share, ROC-AUC
 * and average precision (null without labels). Undefined numbers (the mean of a column with no
 * values) are null, so a record is plain JSON: one line of the CLI's history file, one row of the
 * page's IndexedDB table.
 */
import type { Dataset } from '../data/dataset';

/** One column's statistics in a materialisation. */
export interface ColumnRecord {
  name: string;
  kind: 'numeric' | 'text';
  missing: number;
  /** Numeric columns: mean, population standard deviation, min, max of the values present (null without any). */
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  max?: number | null;
  /** Text columns: how many distinct texts (null when there were too many to count: 100,000 or more). */
  distinct?: number | null;
}

/** The detector run on a materialisation. */
export interface RunRecord {
  detector: string;
  params: Record<string, unknown>;
  /** Flagged rows / rows, in [0, 1]. */
  flagged_share: number;
  roc_auc: number | null;
  average_precision: number | null;
}

export interface Materialisation {
  asset: string;
  /** ISO 8601, UTC. */
  time: string;
  /** The file's name (an asset groups files: sales-2026-11-30.csv and sales-2026-12-01.csv under 'sales'). */
  file: string;
  rows: number;
  columns: ColumnRecord[];
  run: RunRecord | null;
}

/** The metric families the checks cover (the CLI's --metrics), in the order checks are listed. */
export const METRIC_FAMILIES = ['num_rows', 'missing', 'mean', 'std', 'min', 'max', 'distinct', 'flagged_share', 'roc_auc', 'average_precision'] as const;
export type MetricFamily = (typeof METRIC_FAMILIES)[number];

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The materialisation of a parsed dataset (statistics from its column profile; nothing is recomputed).
 * @param time when it was loaded (default now)
 */
export function materialise(ds: Dataset, asset: string, time: Date = new Date(), run: RunRecord | null = null): Materialisation {
  return {
    asset,
    time: time.toISOString(),
    file: ds.name,
    rows: ds.rows,
    columns: ds.columns.map((c): ColumnRecord =>
      c.kind === 'numeric'
        ? { name: c.name, kind: 'numeric', missing: c.missing, mean: finite(c.mean), std: finite(c.std), min: finite(c.min), max: finite(c.max) }
        : { name: c.name, kind: 'text', missing: c.missing, distinct: c.codes ? c.levels.length : null },
    ),
    run,
  };
}

/** One metric's value in a materialisation. */
export interface MetricValue {
  /** num_rows, missing:COL, mean:COL, std:COL, min:COL, max:COL, distinct:COL, flagged_share, roc_auc, average_precision. */
  metric: string;
  family: MetricFamily;
  /** null where undefined (no values in the column; no labels). */
  value: number | null;
  /** A count: Python would hold it as an int (and the mean of counts as an int when whole), which its notes print without '.0'. */
  integer: boolean;
}

/** Every metric of a materialisation, in a fixed order: num_rows, then per column, then the run's. */
export function metricValues(m: Materialisation): MetricValue[] {
  const out: MetricValue[] = [{ metric: 'num_rows', family: 'num_rows', value: m.rows, integer: true }];
  for (const c of m.columns) {
    out.push({ metric: `missing:${c.name}`, family: 'missing', value: c.missing, integer: true });
    if (c.kind === 'numeric') {
      for (const f of ['mean', 'std', 'min', 'max'] as const) out.push({ metric: `${f}:${c.name}`, family: f, value: c[f] ?? null, integer: false });
    } else out.push({ metric: `distinct:${c.name}`, family: 'distinct', value: c.distinct ?? null, integer: true });
  }
  if (m.run) {
    out.push({ metric: 'flagged_share', family: 'flagged_share', value: m.run.flagged_share, integer: false });
    out.push({ metric: 'roc_auc', family: 'roc_auc', value: m.run.roc_auc, integer: false });
    out.push({ metric: 'average_precision', family: 'average_precision', value: m.run.average_precision, integer: false });
  }
  return out;
}

/** The columns' schema (names and kinds, in any order): materialisations compare only with ones of the same schema. */
export function schemaKey(m: Pick<Materialisation, 'columns'>): string {
  return JSON.stringify(m.columns.map((c) => `${c.kind}:${c.name}`).sort());
}

/**
 * A parsed record, checked: one that is not a materialisation gives a sentence saying what is wrong
 * (the caller names the file and line). Unknown fields are kept.
 */
export function checkMaterialisation(x: unknown): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not an object';
  const r = x as Record<string, unknown>;
  if (typeof r.asset !== 'string') return "no 'asset' (text)";
  if (typeof r.time !== 'string' || Number.isNaN(Date.parse(r.time))) return "no 'time' (an ISO 8601 date)";
  if (typeof r.rows !== 'number' || !Number.isInteger(r.rows) || r.rows < 0) return "no 'rows' (a whole number)";
  if (!Array.isArray(r.columns)) return "no 'columns' (a list)";
  for (const [i, c] of (r.columns as unknown[]).entries()) {
    const col = c as Record<string, unknown> | null;
    if (typeof col !== 'object' || col === null || typeof col.name !== 'string' || (col.kind !== 'numeric' && col.kind !== 'text') || typeof col.missing !== 'number') {
      return `columns[${i}] needs a name, a kind (numeric or text) and a missing count`;
    }
    for (const f of ['mean', 'std', 'min', 'max', 'distinct']) {
      if (col[f] !== undefined && col[f] !== null && typeof col[f] !== 'number') return `columns[${i}].${f} must be a number or null`;
    }
  }
  if (r.run !== undefined && r.run !== null) {
    const run = r.run as Record<string, unknown>;
    if (typeof run !== 'object' || typeof run.detector !== 'string' || typeof run.flagged_share !== 'number') return "'run' needs a detector and a flagged_share";
  }
  return null;
}
