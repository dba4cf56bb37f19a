/**
 * Checks of an upload against the history of earlier ones, as Dagster's documented asset check:
 * for every metric, pass when |current − mean(previous)| ≤ k · stdev(previous), with
 * Python's statistics.mean and statistics.stdev (sample, n − 1) and Dagster's note,
 * "num_rows is 812. Mean is 1004.5. Standard deviation is 61.2.", rounded as Python's round(x, 2).
 *
 * "Previous" means previous: the current value is compared with the earlier materialisations
 * only. (Dagster's example slices values[:-1] over newest-first records, which keeps the current
 * value in the mean and drops the oldest; tests/unit/history-checks.test.ts pins the difference.)
 *
 * - From the 3rd materialisation on (two earlier values give a stdev); before, status `skipped`,
 *   which counts as passed, with the note "This check can only execute on the 3rd materialisation onwards".
 * - Robust variant: median ± k · 1.4826 · MAD (the MAD scaled to a normal's stdev).
 * - The history window: the last N earlier materialisations (default 1,000).
 * - Zero spread: only an equal value passes, and the note says so.
 * - A column that appears or disappears since the previous materialisation is its own failed check
 *   (`column:NAME`); the metrics compare only with materialisations of the same columns' schema,
 *   and the note says which were left out.
 * - Undefined values (null: the mean of a column with no values, ROC-AUC without labels) are left
 *   out of the history; an undefined current value against a defined history fails ("… is nan").
 * - The run's metrics compare only with runs of the same detector.
 */
import { METRIC_FAMILIES, metricValues, schemaKey, type Materialisation, type MetricFamily, type MetricValue } from './materialisation';
import { pyMean, pyMedian, pyRoundStr, pyStdev } from './python-stats';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One check, as the CLI prints it and the page lists it. */
export interface CheckResult {
  /** num_rows, missing:COL, …, flagged_share, roc_auc, average_precision; column:COL for a column that appeared or disappeared. */
  metric: string;
  value: number | null;
  /** mean(previous) (the median, robust); null when skipped. */
  mean: number | null;
  /** stdev(previous) (1.4826 · MAD, robust); null when skipped. */
  stdev: number | null;
  k: number;
  status: CheckStatus;
  /** status !== 'failed'. */
  passed: boolean;
  note: string;
}

export interface CheckReport {
  asset: string;
  /** How many materialisations of the asset there are, counting this one. */
  materializations: number;
  /** Whether no check failed. */
  passed: boolean;
  checks: CheckResult[];
}

export interface CheckOptions {
  /** Band half-width in standard deviations (default 1, as Dagster's example). */
  k?: number;
  /** median ± k · 1.4826 · MAD instead of mean ± k · stdev. */
  robust?: boolean;
  /** The last N earlier materialisations are the history (default 1,000). */
  window?: number;
  /** The metric families checked (default all); column appearance checks always run. */
  metrics?: readonly MetricFamily[];
}

export const SKIPPED_NOTE = 'This check can only execute on the 3rd materialisation onwards';
/** The normal consistency constant: 1.4826 · MAD estimates a normal's standard deviation. */
export const MAD_SCALE = 1.4826;

/** Center and spread of the earlier values: mean and stdev, or median and 1.4826 · MAD. */
export function band(previous: number[], robust: boolean): { center: number; spread: number } {
  if (!robust) return { center: pyMean(previous), spread: pyStdev(previous) };
  const median = pyMedian(previous);
  return { center: median, spread: MAD_SCALE * pyMedian(previous.map((v) => Math.abs(v - median))) };
}

/** Dates of left-out materialisations, at most five named. */
function listTimes(ms: Materialisation[]): string {
  const named = ms.slice(-5).map((m) => `${m.file} at ${m.time}`);
  return ms.length > 5 ? `${named.join(', ')} and ${ms.length - 5} more` : named.join(', ');
}

/**
 * Check `current` against `earlier` (the asset's earlier materialisations, oldest first).
 * @returns every check, in metric order (num_rows, per column, the run's), column checks first
 */
export function runChecks(current: Materialisation, earlier: readonly Materialisation[], options: CheckOptions = {}): CheckReport {
  const { k = 1, robust = false, window = 1000, metrics = METRIC_FAMILIES } = options;
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`k must be a number >= 0, got: ${k}`);
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`the history window must be a whole number >= 1, got: ${window}`);
  const history = earlier.slice(-window);
  const same = comparable(current, earlier, window);
  const other = history.filter((m) => !same.includes(m));
  const otherNote = other.length > 0 ? ` ${other.length} earlier materialisation${other.length === 1 ? '' : 's'} with other columns left out: ${listTimes(other)}.` : '';
  const checks: CheckResult[] = [];

  // Columns that appeared or disappeared (or changed kind) since the previous materialisation.
  const prev = history[history.length - 1];
  if (prev) {
    const before = new Map(prev.columns.map((c) => [c.name, c.kind]));
    const now = new Map(current.columns.map((c) => [c.name, c.kind]));
    const column = (name: string, note: string) => checks.push({ metric: `column:${name}`, value: null, mean: null, stdev: null, k, status: 'failed', passed: false, note });
    const since = `the previous materialisation (${prev.file} at ${prev.time})`;
    for (const [name, kind] of now) {
      if (!before.has(name)) column(name, `Column '${name}' appeared: it is not in ${since}.`);
      else if (before.get(name) !== kind) column(name, `Column '${name}' changed from ${before.get(name)} to ${kind} since ${since}.`);
    }
    for (const name of before.keys()) if (!now.has(name)) column(name, `Column '${name}' disappeared: it is in ${since} and not in this one.`);
  }

  const wanted = new Set<MetricFamily>(metrics);
  for (const mv of metricValues(current)) {
    if (!wanted.has(mv.family)) continue;
    const { values: previous, otherDetector, undefinedCount } = previousValues(current, same, mv.metric);
    let extra = otherNote;
    if (otherDetector > 0) extra += ` ${otherDetector} earlier run${otherDetector === 1 ? '' : 's'} of another detector left out.`;
    if (undefinedCount > 0) extra += ` ${undefinedCount} earlier undefined value${undefinedCount === 1 ? '' : 's'} left out.`;
    if (previous.length < 2) {
      checks.push({ metric: mv.metric, value: mv.value, mean: null, stdev: null, k, status: 'skipped', passed: true, note: SKIPPED_NOTE + extra });
      continue;
    }
    const { center, spread } = band(previous, robust);
    const value = mv.value ?? NaN;
    // Counts are ints in Python, and so is their mean when it is whole ("Mean is 812."), but not their stdev.
    const str = (x: number, integer: boolean) => pyRoundStr(x, integer);
    let note = robust
      ? `${mv.metric} is ${str(value, mv.integer)}. Median is ${str(center, false)}. Scaled MAD is ${str(spread, false)}.`
      : `${mv.metric} is ${str(value, mv.integer)}. Mean is ${str(center, mv.integer)}. Standard deviation is ${str(spread, false)}.`;
    let passed: boolean;
    if (spread === 0) {
      passed = value === center;
      note += ` The earlier values do not vary (${robust ? 'MAD' : 'standard deviation'} 0): only a value equal to the ${robust ? 'median' : 'mean'} passes.`;
    } else passed = Math.abs(value - center) <= k * spread;
    if (mv.value === null) note += ' The value is undefined (no values to compute it from).';
    if (k !== 1) note += ` Allowed: within ${k} × the ${robust ? 'scaled MAD' : 'standard deviation'}.`;
    checks.push({ metric: mv.metric, value: mv.value, mean: center, stdev: spread, k, status: passed ? 'passed' : 'failed', passed, note: note + extra });
  }
  return { asset: current.asset, materializations: earlier.length + 1, passed: checks.every((c) => c.passed), checks };
}

const RUN_METRICS = new Set(['flagged_share', 'roc_auc', 'average_precision']);

/** Each record's metrics by name, computed once per record (a check of M metrics over N records reads N · M values, not N · M²). */
const metricMaps = new WeakMap<Materialisation, Map<string, MetricValue>>();
function metricMap(m: Materialisation): Map<string, MetricValue> {
  let map = metricMaps.get(m);
  if (!map) metricMaps.set(m, (map = new Map(metricValues(m).map((v) => [v.metric, v]))));
  return map;
}

/**
 * The earlier values a metric is compared with: from `earlier` (already windowed and of the same
 * schema as `current`), defined ones only; the run's metrics only from runs of the same detector.
 */
export function previousValues(current: Materialisation, earlier: readonly Materialisation[], metric: string): { values: number[]; otherDetector: number; undefinedCount: number } {
  const isRun = RUN_METRICS.has(metric);
  const values: number[] = [];
  let otherDetector = 0;
  let undefinedCount = 0;
  for (const m of earlier) {
    if (isRun && m.run?.detector !== current.run?.detector) {
      if (m.run) otherDetector++;
      continue;
    }
    const v = metricMap(m).get(metric)?.value;
    if (v === undefined) continue;
    if (v === null || !Number.isFinite(v)) undefinedCount++;
    else values.push(v);
  }
  return { values, otherDetector, undefinedCount };
}

/** The earlier materialisations the checks compare with: the window's last N, of the same columns. */
export function comparable(current: Materialisation, earlier: readonly Materialisation[], window = 1000): Materialisation[] {
  const schema = schemaOf(current);
  return earlier.slice(-window).filter((m) => schemaOf(m) === schema);
}

/** Each record's schema key, computed once per record. */
const schemas = new WeakMap<Materialisation, string>();
function schemaOf(m: Materialisation): string {
  let key = schemas.get(m);
  if (key === undefined) schemas.set(m, (key = schemaKey(m)));
  return key;
}

/** Failures first, then passes, then skipped ones; metric order within each (the page's list). */
export function failuresFirst(checks: readonly CheckResult[]): CheckResult[] {
  const rank: Record<CheckStatus, number> = { failed: 0, passed: 1, skipped: 2 };
  return checks.map((c, i) => [c, i] as const).sort((a, b) => rank[a[0].status] - rank[b[0].status] || a[1] - b[1]).map(([c]) => c);
}
