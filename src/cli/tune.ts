/**
 * `anomaly-lab tune FILE.csv --detector ID --grid name=v1,v2 … [--random N] [--metric M] [--cv K | --holdout F]
 *  [--seed S] [--label COL] [--train-on all|normal] [--param k=v] [--threads N] [--json]`
 *
 * A search over a detector's parameters (src/core/tune): every candidate fitted on each fold's training
 * rows and measured on its held-out rows, the trials spread over this thread and the CLI's worker threads
 * (threads.ts, the detector worker's tuneFold), by (fold, share of candidates). Prints every trial
 * (parameters → mean ± sd over the folds, time) and the best. Without a label column, says there is
 * nothing to optimise against and ranks by the stability heuristic instead.
 */
import os from 'node:os';
import { UsageError, parseOptions } from './args.js';
import { readCsvFile } from './read.js';
import { ScoringThreads } from './threads.js';
import { guessLabelColumn, getColumn, numericColumns, type Dataset } from '../core/data/dataset.js';
import type { Matrix } from '../core/data/matrix.js';
import type { DetectorSpec } from '../core/detectors/detector.js';
import { featureMatrix, resolveLabels, MISSING_POLICIES, type MissingPolicy } from '../core/data/prepare.js';
import { getDetector } from '../core/detectors/registry.js';
import { resolveParams } from '../core/detectors/params.js';
import { describeCandidate, parseGridArg, type GridAxis } from '../core/tune/grid.js';
import { planSearch } from '../core/tune/plan.js';
import { TRAIN_ON, TUNE_METRICS, bestTrial, foldTasks, runFoldTask, summarize, type FoldResult, type FoldTask, type TrainOn, type TrialSetup, type TuneMetric } from '../core/tune/trial.js';

function fail(message: string): never {
  throw new UsageError(message);
}

function intOption(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < min) fail(`--${name} must be an integer >= ${min}, got: '${text}'`);
  return v;
}

export async function tune(args: string[]): Promise<void> {
  const { values: o, positionals } = parseOptions(args, {
    detector: { type: 'string' },
    grid: { type: 'string', multiple: true },
    random: { type: 'string' },
    metric: { type: 'string', default: 'average_precision' },
    cv: { type: 'string' },
    holdout: { type: 'string' },
    seed: { type: 'string', default: '42' },
    label: { type: 'string' },
    positive: { type: 'string' },
    columns: { type: 'string' },
    param: { type: 'string', multiple: true },
    'train-on': { type: 'string', default: 'all' },
    missing: { type: 'string', default: 'median' },
    threads: { type: 'string' },
    json: { type: 'boolean', default: false },
  }) as { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] };
  if (positionals.length !== 1) fail(`tune needs exactly one CSV file, got ${positionals.length}`);
  if (!o.detector) fail('tune needs --detector ID');
  const spec = getDetector(o.detector as string);
  const metric = o.metric as TuneMetric;
  if (!(TUNE_METRICS as readonly string[]).includes(metric)) fail(`--metric must be one of ${TUNE_METRICS.join(', ')}, got: '${metric}'`);
  const trainOn = o['train-on'] as TrainOn;
  if (!(TRAIN_ON as readonly string[]).includes(trainOn)) fail(`--train-on must be all or normal, got: '${trainOn}'`);
  const missing = o.missing as MissingPolicy;
  if (!MISSING_POLICIES.includes(missing)) fail(`--missing must be one of ${MISSING_POLICIES.join(', ')}, got: ${missing}`);
  const seed = intOption(o.seed as string, 'seed', -(2 ** 31))!;
  const random = intOption(o.random as string | undefined, 'random', 1);
  if (o.cv !== undefined && o.holdout !== undefined) fail('give --cv or --holdout, not both');
  const cv = intOption(o.cv as string | undefined, 'cv', 2) ?? 5;
  let holdout: number | undefined;
  if (o.holdout !== undefined) {
    holdout = Number(o.holdout);
    if (!(holdout > 0 && holdout < 1)) fail(`--holdout must be a share in (0, 1), got: '${String(o.holdout)}'`);
  }
  const threadsAsked = intOption(o.threads as string | undefined, 'threads', 0);
  // Grids and fixed parameters are checked before the file is read.
  const axes: GridAxis[] = ((o.grid as string[] | undefined) ?? []).map((g) => parseGridArg(spec, g));
  if (axes.length === 0 && random === undefined) fail(`tune needs --grid name=v1,v2 (repeatable) or --random N (a sample of ${spec.id}'s default space)`);
  const fixed: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const p of (o.param as string[] | undefined) ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) fail(`--param takes name=value, got: ${p}`);
    fixed[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  resolveParams(spec.params, fixed, spec.id);

  const t0 = performance.now();
  const ds = await readCsvFile(positionals[0]);
  const parseMs = performance.now() - t0;
  const labelName = (o.label as string | undefined) ?? guessLabelColumn(ds);
  if (o.label) getColumn(ds, o.label as string);
  const labels = labelName ? resolveLabels(ds, labelName, o.positive as string | undefined) : null;
  const columns = o.columns ? (o.columns as string).split(',').map((c) => c.trim()).filter(Boolean) : numericColumns(ds).filter((c) => c !== labelName);
  if (columns.length === 0) fail(`${ds.name}: no numeric feature column ${labelName ? `left besides the label '${labelName}'` : 'chosen'}`);
  if (labelName && columns.includes(labelName)) fail(`--columns includes the label column '${labelName}'`);
  const features = featureMatrix(ds, columns, missing);
  const X = features.matrix;
  const plan = planSearch(spec, ds.rows, labels?.labels ?? null, { axes, random, fixed, seed, cv, holdout, metric, trainOn });
  const { setup } = plan;

  const t1 = performance.now();
  const threadCount = threadsAsked ?? defaultThreads(X.rows, setup);
  // Progress on a terminal (never in --json output or a pipe): trials done of all.
  const total = setup.candidates.length * setup.folds.length;
  let done = 0;
  const progress = process.stderr.isTTY && !o.json ? () => process.stderr.write(`\r  ${++done} / ${total} trials${done === total ? '\n' : ''}`) : undefined;
  const results = await searchOnThreads({ spec, ds, columns, missing, X, labels: labels?.labels ?? null, setup, threads: threadCount, onResult: progress });
  const workers = 1 + threadCount;
  const searchMs = performance.now() - t1;

  const rows = summarize(setup, results);
  const best = bestTrial(rows);
  const searched = (p: Record<string, unknown>) => Object.fromEntries(plan.axes.map((a) => [a.name, p[a.name]]));
  const out = {
    detector: spec.id,
    rows: ds.rows,
    columns,
    label: labelName,
    criterion: setup.criterion,
    heuristic: plan.labelFree,
    note: plan.description,
    folds: setup.folds.length === 1 ? { holdout, test_rows: setup.folds[0].test.length } : { cv: setup.folds.length, kind: plan.labelFree ? 'KFold' : 'StratifiedKFold' },
    train_on: plan.labelFree ? 'all' : trainOn,
    seed,
    search: random !== undefined ? { kind: 'random', budget: random } : { kind: 'grid' },
    trials: rows.map((r) => ({ params: searched(r.params), mean: r.mean, sd: r.sd, folds: r.values, time_ms: round(r.ms) })),
    best: best ? { index: best.candidate, params: searched(best.params), mean: best.mean, sd: best.sd, resolved: best.params } : null,
    workers,
    timings_ms: { parse: round(parseMs), search: round(searchMs) },
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`${ds.name}: ${ds.rows} rows, ${columns.length} feature columns; ${spec.id}, ${rows.length} candidates × ${setup.folds.length} fold${setup.folds.length === 1 ? '' : 's'} on ${workers} thread${workers === 1 ? '' : 's'}`);
  w(plan.description);
  const name = plan.labelFree ? 'stability (heuristic)' : setup.criterion;
  for (const r of rows) w(`  ${r === best ? '*' : ' '} ${describeCandidate(searched(r.params) as Record<string, string>).padEnd(40)} ${name} ${fmt(r.mean)} ± ${fmt(r.sd)}  (${Math.round(r.ms)} ms)`);
  w(best ? `best: ${describeCandidate(searched(best.params) as Record<string, string>)} (${name} ${fmt(best.mean)} ± ${fmt(best.sd)})` : 'best: none (no trial had a value)');
  w(`time: parse ${round(parseMs)} ms, search ${round(searchMs)} ms`);
}

/**
 * Worker threads for a search by default: none for a small one (starting a thread and warming it up
 * costs more than it saves: LOF on cardio, 1,831 rows × 9 candidates × 5 folds, took 1.3 s on this
 * thread and 2.3–3.0 s with one more), else up to 4, one core left.
 */
export function defaultThreads(rows: number, setup: TrialSetup): number {
  const work = rows * setup.candidates.length * setup.folds.length;
  return work < 2e6 ? 0 : Math.max(0, Math.min(4, os.availableParallelism() - 1));
}

/**
 * Run every task of a search over this thread and `threads` worker threads (each fold's candidates
 * cut into shares, so every worker has work), each taking the next task when done with one.
 * Results come in the order they were made.
 */
export async function searchOnThreads(r: { spec: DetectorSpec; ds: Dataset; columns: string[]; missing: MissingPolicy; X: Matrix; labels: Uint8Array | null; setup: TrialSetup; threads: number; onResult?: (r: FoldResult) => void }): Promise<FoldResult[]> {
  const { spec, setup } = r;
  const threads = r.threads > 0 ? new ScoringThreads(r.threads) : null;
  const workers = 1 + (threads?.size ?? 0);
  const tasks = foldTasks(setup, Math.max(1, Math.ceil((2 * workers) / setup.folds.length)));
  const results: FoldResult[] = [];
  const id = `tune-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    if (threads) {
      const source = { datasetId: threads.add(r.ds), columns: r.columns, missing: r.missing };
      await Promise.all(Array.from({ length: threads.size }, (_, i) => threads.call(i, (api) => api.tuneSetup(id, source, setup, r.labels))));
    }
    let next = 0;
    const take = (): FoldTask | undefined => tasks[next++];
    const local = async () => {
      for (let t = take(); t; t = take()) results.push(...(await runFoldTask(spec, r.X, r.labels, setup, t, { onResult: r.onResult })));
    };
    const remote = async (i: number) => {
      for (let t = take(); t; t = take()) {
        const task = t;
        const done = await threads!.call(i, (api) => api.tuneFold(id, task));
        for (const d of done) r.onResult?.(d);
        results.push(...done);
      }
    };
    await Promise.all([...Array.from({ length: threads?.size ?? 0 }, (_, i) => remote(i)), local()]);
  } finally {
    threads?.close();
  }
  return results;
}

function fmt(x: number | null): string {
  return x === null ? '—' : x.toFixed(4);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
