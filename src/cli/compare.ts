/**
 * `anomaly-lab compare FILE.csv --detector ID|JSON --detector … [--seeds N] [--seed S] [--label COL]
 *  [--positive V] [--columns a,b] [--contamination C] [--missing P] [--json]`
 *
 * Several detectors on the same columns, each fitted on every row and scoring them as `score` does
 * (fitAndScore: the same scores, threshold and metrics), over N seeds (S, S+1, …, S+N−1): per run
 * ROC-AUC, average precision, precision@n and P/R/F1 at the detector's own threshold, fit and score
 * time; per detector each metric's mean ± sd over the seeds; between detectors (first seed's scores)
 * the Spearman rank-correlation matrix, the Jaccard overlap of the sets flagged at one common
 * contamination, and how many rows some but not all flag at their own thresholds. The page's
 * compare panel shows the same numbers (src/core/metrics/compare.ts).
 */
import { UsageError, parseOptions } from './args.js';
import { readCsvFile } from './read.js';
import { guessLabelColumn, getColumn, numericColumns } from '../core/data/dataset.js';
import { featureMatrix, resolveLabels, MISSING_POLICIES, type MissingPolicy } from '../core/data/prepare.js';
import { fitAndScore } from '../core/detectors/run.js';
import { parseCompareEntry, type CompareEntry } from '../core/detectors/compare-entry.js';
import { computeMetrics } from '../core/metrics/index.js';
import { COMPARE_METRICS, aggregateSeeds, flagVotes, jaccardMatrix, spearmanMatrix, type CompareMetric } from '../core/metrics/compare.js';

function fail(message: string): never {
  throw new UsageError(message);
}

type Row = Record<CompareMetric, number | null>;

export async function compare(args: string[]): Promise<void> {
  const { values: o, positionals } = parseOptions(args, {
    detector: { type: 'string', multiple: true },
    seeds: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    label: { type: 'string' },
    positive: { type: 'string' },
    columns: { type: 'string' },
    contamination: { type: 'string', default: '0.1' },
    missing: { type: 'string', default: 'median' },
    json: { type: 'boolean', default: false },
  }) as { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] };
  if (positionals.length !== 1) fail(`compare needs exactly one CSV file, got ${positionals.length}`);
  const given = (o.detector as string[] | undefined) ?? [];
  if (given.length < 1) fail('compare needs --detector ID (repeatable; or JSON: --detector \'{"detector":"lof","params":{"n_neighbors":35}}\')');
  // Every entry and option is checked before the file is read.
  const entries: CompareEntry[] = given.map((g, i) => {
    try {
      return parseCompareEntry(g);
    } catch (e) {
      return fail(`--detector #${i + 1}: ${(e as Error).message}`);
    }
  });
  const seeds = Number(o.seeds);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 1000) fail(`--seeds must be an integer in 1…1000, got: '${String(o.seeds)}'`);
  const seed0 = Number(o.seed);
  if (!Number.isInteger(seed0)) fail(`--seed must be an integer, got: '${String(o.seed)}'`);
  const common = Number(o.contamination);
  if (!(common > 0 && common < 1)) fail(`--contamination (the common share for the Jaccard overlap) must be in (0, 1), got: '${String(o.contamination)}'`);
  const missing = o.missing as MissingPolicy;
  if (!MISSING_POLICIES.includes(missing)) fail(`--missing must be one of ${MISSING_POLICIES.join(', ')}, got: ${missing}`);

  const t0 = performance.now();
  const ds = await readCsvFile(positionals[0]);
  const parseMs = performance.now() - t0;
  const labelName = (o.label as string | undefined) ?? guessLabelColumn(ds);
  if (o.label) getColumn(ds, o.label as string);
  const labels = labelName ? resolveLabels(ds, labelName, o.positive as string | undefined).labels : null;
  const columns = o.columns ? (o.columns as string).split(',').map((c) => c.trim()).filter(Boolean) : numericColumns(ds).filter((c) => c !== labelName);
  if (columns.length === 0) fail(`${ds.name}: no numeric feature column ${labelName ? `left besides the label '${labelName}'` : 'chosen'}`);
  if (labelName && columns.includes(labelName)) fail(`--columns includes the label column '${labelName}'`);
  const X = featureMatrix(ds, columns, missing).matrix;

  const firstScores: Float64Array[] = [];
  const ownFlags: Uint8Array[] = [];
  const detectors = [];
  for (const e of entries) {
    const runs: (Row & { seed: number; threshold: number; flagged: number })[] = [];
    let params: Record<string, unknown> = {};
    for (let k = 0; k < seeds; k++) {
      const seed = seed0 + k;
      const r = await fitAndScore({ detector: e.detector, params: e.params, train: X, decision: false, names: { file: ds.name, columns } }, { seed });
      params = r.model.params;
      const m = labels ? computeMetrics(r.scores, labels, r.model.threshold) : null;
      let flagged = 0;
      for (const s of r.scores) if (s > r.model.threshold) flagged++;
      runs.push({
        seed, threshold: r.model.threshold, flagged,
        roc_auc: m?.roc_auc ?? null, average_precision: m?.average_precision ?? null, precision_at_n: m?.precision_at_n ?? null,
        precision: m?.precision ?? null, recall: m?.recall ?? null, f1: m?.f1 ?? null,
        fit_ms: round(r.timings.fit), score_ms: round(r.timings.score),
      });
      if (k === 0) {
        firstScores.push(Float64Array.from(r.scores));
        ownFlags.push(Uint8Array.from(r.scores, (s) => (s > r.model.threshold ? 1 : 0)));
      }
    }
    detectors.push({ detector: e.detector, label: e.label, params, runs, summary: aggregateSeeds(runs, COMPARE_METRICS) });
  }
  const votes = flagVotes(ownFlags);
  let some = 0;
  let all = 0;
  for (const v of votes) {
    if (v === entries.length) all++;
    else if (v > 0) some++;
  }
  const out = {
    file: ds.name,
    rows: ds.rows,
    columns,
    label: labelName,
    seeds: Array.from({ length: seeds }, (_, k) => seed0 + k),
    detectors,
    agreement: {
      seed: seed0,
      spearman: spearmanMatrix(firstScores).map((r) => r.map(nullIfNaN)),
      jaccard: { contamination: common, matrix: jaccardMatrix(firstScores, common) },
      // At each detector's own threshold: rows every detector flags, and rows some but not all flag.
      flagged_by_all: all,
      disagreement: some,
    },
    timings_ms: { parse: round(parseMs) },
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`${ds.name}: ${ds.rows} rows, ${columns.length} feature columns${labelName ? `, label '${labelName}'` : ', no label'}; ${seeds} seed${seeds === 1 ? '' : 's'} from ${seed0}`);
  const names = detectors.map((d) => d.label);
  const width = Math.max(10, ...names.map((n) => n.length));
  const cell = (m: { mean: number; sd: number } | null, ms = false) => (m === null ? '—' : ms ? `${Math.round(m.mean)}` : seeds > 1 ? `${m.mean.toFixed(4)} ± ${m.sd.toFixed(4)}` : m.mean.toFixed(4));
  const cells = detectors.map((d) => COMPARE_METRICS.map((k) => cell(d.summary[k], k.endsWith('_ms'))));
  const widths = COMPARE_METRICS.map((k, j) => Math.max(k.length, ...cells.map((c) => c[j].length)));
  w(`${'detector'.padEnd(width)}  ${COMPARE_METRICS.map((k, j) => k.padStart(widths[j])).join('  ')}`);
  detectors.forEach((d, i) => w(`${d.label.padEnd(width)}  ${cells[i].map((c, j) => c.padStart(widths[j])).join('  ')}`));
  w('Spearman rank correlation (first seed):');
  out.agreement.spearman.forEach((r, i) => w(`  ${names[i].padEnd(width)}  ${r.map((v) => (v === null ? '  nan ' : v.toFixed(3).padStart(6))).join(' ')}`));
  w(`Jaccard of the sets flagged at contamination ${common}:`);
  out.agreement.jaccard.matrix.forEach((r, i) => w(`  ${names[i].padEnd(width)}  ${r.map((v) => v.toFixed(3).padStart(6)).join(' ')}`));
  w(`at their own thresholds: ${all} rows flagged by all, ${some} by some but not all`);
}

function nullIfNaN(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
