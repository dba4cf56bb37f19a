/**
 * `anomaly-lab check FILE.csv --asset NAME --history H.jsonl [--k 1] [--robust] [--window N]
 *     [--detector ID [--param k=v …] [--label COL] [--positive V] [--columns a,b] [--seed N]]
 *     [--metrics num_rows,missing,…] [--no-record] [--json]`
 *
 * Checks an upload against the history of earlier uploads of the same asset (src/core/checks):
 * prints every check with its note, records this materialisation in the history (JSON lines,
 * appended atomically: the whole file is written to a temporary file and renamed over the old one,
 * so a crash mid-write leaves the old history whole), and exits 0 when every check passed or was
 * skipped, 1 when one failed, 2 on bad input.
 */
import fs from 'node:fs';
import { UsageError, joinNegativeValues, parseOptions } from './args.js';
import { readCsvFile } from './read.js';
import { readTextFile } from './read-text.js';
import { checkWritable, writeFileAtomic } from './output-file.js';
import { guessLabelColumn, getColumn, numericColumns, type Dataset } from '../core/data/dataset.js';
import { featureMatrix, resolveLabels } from '../core/data/prepare.js';
import { getDetector } from '../core/detectors/registry.js';
import { resolveParams } from '../core/detectors/params.js';
import { fitAndScore } from '../core/detectors/run.js';
import { chooseBackend } from '../core/compute/backend.js';
import { ThresholdSweep } from '../core/metrics/sweep.js';
import { METRIC_FAMILIES, materialise, type MetricFamily, type RunRecord } from '../core/checks/materialisation.js';
import { runChecks, type CheckReport } from '../core/checks/checks.js';
import { historyLine, ofAsset, parseHistoryLines } from '../core/checks/history.js';

function fail(message: string): never {
  throw new UsageError(message);
}

export async function check(args: string[]): Promise<void> {
  const options = {
    asset: { type: 'string' },
    history: { type: 'string' },
    k: { type: 'string', default: '1' },
    robust: { type: 'boolean', default: false },
    window: { type: 'string', default: '1000' },
    metrics: { type: 'string' },
    detector: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true },
    label: { type: 'string' },
    positive: { type: 'string' },
    columns: { type: 'string' },
    seed: { type: 'string', default: '42' },
    'no-record': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  } as const;
  const { values: o, positionals } = parseOptions(joinNegativeValues(args, options), options);
  if (positionals.length !== 1) fail(`check needs exactly one CSV file, got ${positionals.length}`);
  const file = positionals[0];
  if (!o.asset || o.asset.trim() === '') fail('check needs --asset NAME (the name its uploads are recorded under)');
  if (!o.history || o.history.trim() === '') fail('check needs --history H.jsonl (the history file: JSON lines, created when missing)');
  const k = Number(o.k);
  if (o.k.trim() === '' || !Number.isFinite(k) || k < 0) fail(`--k must be a number >= 0, got: '${o.k}'`);
  const window = Number(o.window);
  if (!Number.isInteger(window) || window < 1) fail(`--window must be a whole number >= 1, got: '${o.window}'`);
  const metrics = o.metrics === undefined ? METRIC_FAMILIES : o.metrics.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of metrics) if (!(METRIC_FAMILIES as readonly string[]).includes(m)) fail(`--metrics takes ${METRIC_FAMILIES.join(',')}, got: '${m}'`);
  const detectors = o.detector ?? [];
  if (detectors.length > 1) fail(`check runs one detector, got ${detectors.length} (${detectors.join(', ')})`);
  const detectorId = detectors[0];
  const seed = Number(o.seed);
  if (!Number.isInteger(seed)) fail(`--seed must be an integer, got: '${o.seed}'`);
  const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const p of o.param ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) fail(`--param takes name=value, got: ${p}`);
    params[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  if (!detectorId && (o.param || o.label || o.columns)) fail('--param, --label and --columns go with --detector ID');
  if (detectorId) resolveParams(getDetector(detectorId).params, params, detectorId);
  if (fs.existsSync(o.history) && fs.realpathSync(o.history) === fs.realpathSync(file)) fail(`--history ${o.history} is the input file: choose another name`);
  if (!o['no-record']) checkWritable(o.history);

  // The history first: a bad line stops before the file is read.
  const historyText = fs.existsSync(o.history) ? readTextFile(o.history, 'history') : '';
  const history = parseHistoryLines(historyText, o.history);
  const ds = await readCsvFile(file);
  const run = detectorId ? await detectorRun(ds, detectorId, params, seed, o) : null;
  const current = materialise(ds, o.asset, new Date(), run);
  const report = runChecks(current, ofAsset(history, o.asset), { k, window, robust: o.robust, metrics: metrics as MetricFamily[] });

  if (!o['no-record']) {
    // The whole history plus the new line, to a temporary file renamed over the old one.
    const sep = historyText === '' || historyText.endsWith('\n') ? '' : '\n';
    await writeFileAtomic(o.history, async (out) => out.write(historyText + sep + historyLine(current)));
  }
  if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printReport(report, o['no-record'] ? null : o.history);
  if (!report.passed) process.exitCode = 1;
}

/** The detector run on the file, as `score` runs it (its own threshold): flagged share, ROC-AUC and AP with labels. */
async function detectorRun(ds: Dataset, detectorId: string, params: Record<string, unknown>, seed: number, o: { label?: string; positive?: string; columns?: string }): Promise<RunRecord> {
  const spec = getDetector(detectorId);
  if (o.label) getColumn(ds, o.label);
  const labelName = o.label ?? guessLabelColumn(ds);
  const labels = labelName ? resolveLabels(ds, labelName, o.positive) : null;
  const columns = o.columns ? o.columns.split(',').map((c) => c.trim()).filter(Boolean) : numericColumns(ds).filter((c) => c !== labelName);
  if (columns.length === 0) fail(`${ds.name}: no numeric feature column for ${detectorId}`);
  if (spec.columns !== undefined && columns.length !== spec.columns) fail(`${spec.id} scores exactly ${spec.columns} value column(s), got ${columns.length} (${columns.join(', ')}): choose with --columns`);
  const { matrix } = featureMatrix(ds, columns, 'median');
  const backend = spec.usesTensors ? await chooseBackend('auto') : null;
  const { model, scores } = await fitAndScore({ detector: detectorId, params, train: matrix, names: { file: ds.name, columns } }, { seed, backend: backend?.backend });
  const sweep = new ThresholdSweep(scores, labels?.labels);
  const metrics = sweep.metricsAt(model.threshold);
  return {
    detector: detectorId,
    params: model.params,
    flagged_share: ds.rows > 0 ? sweep.flaggedAt(model.threshold) / ds.rows : 0,
    roc_auc: metrics?.roc_auc ?? null,
    average_precision: metrics?.average_precision ?? null,
  };
}

function printReport(report: CheckReport, recorded: string | null): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  const failed = report.checks.filter((c) => c.status === 'failed').length;
  const skipped = report.checks.filter((c) => c.status === 'skipped').length;
  w(`${report.asset}: materialisation ${report.materializations}, ${report.checks.length} checks: ${failed} failed, ${report.checks.length - failed - skipped} passed, ${skipped} skipped`);
  for (const c of report.checks) if (c.status === 'failed') w(`  FAILED  ${c.metric}: ${c.note}`);
  if (recorded) w(`recorded in ${recorded}`);
}
