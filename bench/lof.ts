/**
 * Local Outlier Factor: our `lof.fit` (n_neighbors 20; the fit computes the
 * training scores, `model.trainingScores`) against scikit-learn's
 * `LocalOutlierFactor(n_neighbors=20).fit(X)` on the same seeded rows (ours in
 * memory from `generateMatrix`, scikit-learn from the CSV written from the same
 * stream: `String(x)` round-trips, so the numbers are identical).
 */
import { ScoringThreads } from '../src/cli/threads.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lof } from '../src/core/detectors/lof.js';
import { resolveParams } from '../src/core/detectors/params.js';
import { ensureData, generateMatrix, SEED } from './gen.js';
import { SKLEARN_LOF, hasPython, runPython } from './python.js';
import { gc, median } from './util.js';

export interface LofCase {
  rows: number;
  cols: number;
  /** Our fit runs. */
  reps: number;
  /** scikit-learn runs per algorithm. */
  sklearnReps: { auto: number; brute: number };
}

export interface SklearnLofAlgo { fit_ms: number[]; method: string }
export interface SklearnLof { rows: number; cols: number; sklearn: string; numpy: string; algos: { auto?: SklearnLofAlgo; brute?: SklearnLofAlgo } }

/** How far our training LOF is from scikit-learn's −negative_outlier_factor_, over all rows. */
export interface LofAgreement {
  max_rel_diff: number;
  /** The row where it is largest, with both values. */
  worst_row: number;
  ours_at_worst: number;
  sklearn_at_worst: number;
  /** Rows whose relative difference exceeds 1e-9 / 1e-6. */
  rows_over_1e9: number;
  rows_over_1e6: number;
}

export interface LofResult {
  rows: number;
  cols: number;
  file: string;
  ours_ms: number[];
  ours_median_ms: number;
  sklearn: SklearnLof | null;
  sklearn_error?: string;
  agreement: { auto?: LofAgreement; brute?: LofAgreement };
  /** One fit with the neighbour search split across the CLI's threads (this one included). */
  threaded_ms?: number;
  threads?: number;
  /** Whether the threaded fit gave bit-identical scores. */
  threaded_identical?: boolean;
}

const params = () => resolveParams(lof.params, {});

/** JIT warm-up: two fits on 2,000 rows (~0.1 s each). */
export async function lofWarmUp(): Promise<void> {
  const g = generateMatrix(2_000, 10, 1);
  for (let i = 0; i < 2; i++) await lof.fit({ data: g.data, rows: g.rows, cols: g.cols }, params());
}

function agreement(ours: Float64Array, theirs: Float64Array): LofAgreement {
  let max = -1;
  let worst = 0;
  let over9 = 0;
  let over6 = 0;
  for (let i = 0; i < ours.length; i++) {
    const r = Math.abs(ours[i] - theirs[i]) / Math.abs(theirs[i]);
    const rel = Number.isNaN(r) ? Infinity : r;
    if (rel > 1e-9) over9++;
    if (rel > 1e-6) over6++;
    if (rel > max) {
      max = rel;
      worst = i;
    }
  }
  return { max_rel_diff: max, worst_row: worst, ours_at_worst: ours[worst], sklearn_at_worst: theirs[worst], rows_over_1e9: over9, rows_over_1e6: over6 };
}

export async function lofCase(c: LofCase, log: (s: string) => void): Promise<LofResult> {
  const label = `lof: ${c.rows.toLocaleString('en')} × ${c.cols}`;
  const gen = ensureData(false, c.rows, c.cols);
  if (gen.generated) log(`generated ${path.basename(gen.file)} (${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.outliers} outliers) in ${gen.seconds.toFixed(1)} s`);
  const g = generateMatrix(c.rows, c.cols, SEED);
  const X = { data: g.data, rows: c.rows, cols: c.cols };
  const times: number[] = [];
  let scores: Float64Array | null = null;
  for (let i = 0; i < c.reps; i++) {
    gc();
    const t0 = performance.now();
    const model = await lof.fit(X, params());
    times.push(performance.now() - t0);
    scores = model.trainingScores!;
    log(`${label} ours run ${i + 1}: ${times[i].toFixed(0)} ms`);
  }
  const out: LofResult = { rows: c.rows, cols: c.cols, file: path.basename(gen.file), ours_ms: times, ours_median_ms: median(times), sklearn: null, agreement: {} };
  // The CLI's way: the neighbour search split between this thread and its worker threads.
  const threads = new ScoringThreads();
  try {
    if (threads.size > 0) {
      const source = threads.addMatrix(X); // the rows served to the threads (the CLI serves its parsed dataset)
      gc();
      const t0 = performance.now();
      // Search first (split), then fit with the result as a value: the CLI's order.
      const p = params();
      const model = await lof.fit(X, p, { neighbors: await threads.neighbors(source, X, lof.neighborCount!(p, X.rows)) });
      out.threaded_ms = performance.now() - t0;
      out.threads = threads.size + 1;
      const a = model.trainingScores!;
      out.threaded_identical = a.length === scores!.length && a.every((v, i) => v === scores![i]);
      log(`${label} ours on ${out.threads} threads: ${out.threaded_ms.toFixed(0)} ms (identical: ${out.threaded_identical})`);
    }
  } finally {
    threads.close();
  }
  if (!hasPython('sklearn')) return out;
  const plan = Object.entries(c.sklearnReps).filter(([, n]) => n > 0).map(([a, n]) => `${a}:${n}`).join(',');
  const tmp = path.join(os.tmpdir(), `anomaly-lab-bench-${process.pid}-lof`);
  log(`${label} scikit-learn LocalOutlierFactor (${plan}) …`);
  try {
    out.sklearn = runPython<SklearnLof>(SKLEARN_LOF, [gen.file, plan, tmp], 1_500_000);
    for (const algo of ['auto', 'brute'] as const) {
      const f = `${tmp}.${algo}`;
      if (!fs.existsSync(f)) continue;
      const b = fs.readFileSync(f);
      const theirs = new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
      out.agreement[algo] = agreement(scores!, theirs);
      log(`${label} scikit-learn ${algo}: ${out.sklearn.algos[algo]!.fit_ms.map((t) => t.toFixed(0)).join(', ')} ms; max rel diff ${out.agreement[algo]!.max_rel_diff.toExponential(1)}`);
    }
  } catch (e) {
    out.sklearn_error = (e as Error).message;
  } finally {
    for (const algo of ['auto', 'brute']) fs.rmSync(`${tmp}.${algo}`, { force: true });
  }
  return out;
}
