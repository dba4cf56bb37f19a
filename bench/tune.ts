/**
 * `npm run bench -- tune` (issue 21): a grid search, ours against scikit-learn's GridSearchCV, on the same
 * folds. LOF on cardio (ODDS, 1,831 × 21), n_neighbors ∈ {10, 20, 35} × contamination ∈ {0.05, 0.1, 0.2}
 * (LocalOutlierFactor has both; contamination matters to F1 only), 5 stratified folds made by ours
 * (stratifiedKFold, seed 42) and handed to scikit-learn as index lists (bench/tune_sklearn.py), fitted on
 * all training rows of each fold (GridSearchCV's way with an unsupervised estimator; LOF novelty=True).
 * GridSearchCV gets n_jobs = this machine's core count and refit=False.
 *
 * Times: the search alone (data loaded), median of REPS runs in one process on each side (the first
 * run of each side included: JIT and wasm compilation for us, loky's worker start for scikit-learn).
 * Ours runs on this thread, and on this thread plus worker threads (the CLI's choice depends on size:
 * tune.ts defaultThreads). Goal: ≤ 0.5 × scikit-learn's time, with the same best parameters.
 * Reported, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCsvFile } from '../src/cli/read.js';
import { searchOnThreads } from '../src/cli/tune.js';
import { featureMatrix, resolveLabels } from '../src/core/data/prepare.js';
import { getDetector } from '../src/core/detectors/registry.js';
import { parseGridArg } from '../src/core/tune/grid.js';
import { planSearch } from '../src/core/tune/plan.js';
import { bestTrial, summarize, type TuneMetric } from '../src/core/tune/trial.js';
import { PYTHON, hasPython } from './python.js';
import { fmtMs, fmtRatio, median, met, ratio, table } from './util.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CARDIO = path.resolve(here, '..', '..', 'shared', 'datasets', 'cardio.csv');
const GRID = { n_neighbors: [10, 20, 35], contamination: [0.05, 0.1, 0.2] };
const METRICS: TuneMetric[] = ['average_precision', 'f1'];
const REPS = 3;
const SEED = 42;

interface Row { metric: TuneMetric; threads: number; ours_ms: number[]; sklearn_s: number[] | null; best: Record<string, unknown> | null; sklearn_best: Record<string, unknown> | null; same_best: boolean | null; max_mean_diff: number | null }

export async function tuneBench(log: (s: string) => void): Promise<{ results: unknown; table: string }> {
  const file = process.env.CARDIO_CSV ?? CARDIO;
  if (!fs.existsSync(file)) return { results: { skipped: `no ${file}` }, table: `### tune\n\nskipped: no ${file}\n` };
  const ds = await readCsvFile(file);
  const labels = resolveLabels(ds, 'label').labels;
  const columns = ds.columns.map((c) => c.name).filter((c) => c !== 'label');
  const X = featureMatrix(ds, columns).matrix;
  const lof = getDetector('lof');
  const axes = Object.entries(GRID).map(([k, v]) => parseGridArg(lof, `${k}=${v.join(',')}`));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-bench-'));
  const rows: Row[] = [];
  const cores = os.availableParallelism();
  try {
    for (const metric of METRICS) {
      const plan = planSearch(lof, ds.rows, labels, { axes, seed: SEED, cv: 5, metric });
      const foldsFile = path.join(tmp, 'folds.json');
      fs.writeFileSync(foldsFile, JSON.stringify(plan.setup.folds.map((f) => [[...f.train], [...f.test]])));
      const gridFile = path.join(tmp, 'grid.json');
      fs.writeFileSync(gridFile, JSON.stringify(GRID));
      let sk: { times_s: number[]; best_params: Record<string, unknown>; mean: number[]; params: Record<string, unknown>[] } | null = null;
      if (hasPython('sklearn')) {
        log(`GridSearchCV, ${metric}, n_jobs ${cores}, ${REPS} runs`);
        const r = spawnSync(PYTHON, [path.join(here, 'tune_sklearn.py'), file, foldsFile, gridFile, metric, String(cores), String(REPS)], { encoding: 'utf8', timeout: 600_000 });
        if (r.status !== 0) throw new Error(`tune_sklearn.py failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
        sk = JSON.parse(r.stdout.trim().split('\n').pop()!);
      }
      for (const threads of [0, Math.max(1, Math.min(4, cores - 1))]) {
        log(`ours, ${metric}, ${1 + threads} thread${threads ? 's' : ''}, ${REPS} runs`);
        const times: number[] = [];
        let summary = null;
        for (let rep = 0; rep < REPS; rep++) {
          const t0 = performance.now();
          const results = await searchOnThreads({ spec: lof, ds, columns, missing: 'median', X, labels, setup: plan.setup, threads });
          times.push(performance.now() - t0);
          summary = summarize(plan.setup, results);
        }
        const best = bestTrial(summary!);
        const bestParams = best ? { contamination: best.params.contamination, n_neighbors: best.params.n_neighbors } : null;
        // Candidates are in ParameterGrid order on both sides.
        const diffs = sk ? summary!.map((s, i) => Math.abs((s.mean ?? NaN) - sk!.mean[i])) : null;
        rows.push({
          metric, threads, ours_ms: times, sklearn_s: sk?.times_s ?? null, best: bestParams, sklearn_best: sk?.best_params ?? null,
          same_best: sk ? JSON.stringify(bestParams) === JSON.stringify({ contamination: sk.best_params.contamination, n_neighbors: sk.best_params.n_neighbors }) : null,
          max_mean_diff: diffs ? Math.max(...diffs) : null,
        });
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const out = rows.map((r) => {
    const ours = median(r.ours_ms);
    const theirs = r.sklearn_s ? median(r.sklearn_s) * 1000 : null;
    const q = ratio(ours, theirs);
    return [
      `LOF cardio 3×3 × 5 folds, ${r.metric}, ours on ${1 + r.threads} thread${r.threads ? 's' : ''}`,
      fmtMs(ours), fmtMs(theirs), fmtRatio(q), '≤ 0.5×, same best',
      `${met(q === null ? null : q <= 0.5 && r.same_best === true)} (best ${r.best ? `k=${String(r.best.n_neighbors)} c=${String(r.best.contamination)}` : '—'}${r.same_best === false ? `; sklearn k=${String(r.sklearn_best?.n_neighbors)} c=${String(r.sklearn_best?.contamination)}` : ''}; max Δmean ${r.max_mean_diff?.toExponential(1) ?? '—'})`,
    ];
  });
  return {
    results: rows,
    table: table(`Tune: GridSearchCV (n_jobs ${cores}, same folds) vs ours, search time, median of ${REPS} (first runs included)`, ['task', 'ours', 'scikit-learn', 'ratio', 'goal', 'met?'], out),
  };
}
