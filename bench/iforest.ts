/**
 * Isolation Forest in Node: our fit and score (all rows) on the seeded data,
 * and the tfjs tensor path of `score` on the wasm backend for comparison.
 */
import { chooseBackend } from '../src/core/compute/backend.js';
import { ScoringThreads, THREAD_ROWS } from '../src/cli/threads.js';
import { iforest } from '../src/core/detectors/iforest.js';
import { resolveParams } from '../src/core/detectors/params.js';
import { ThresholdSweep } from '../src/core/metrics/sweep.js';
import { COLS, SEED, generateMatrix } from './gen.js';
import { gc, median } from './util.js';

export interface IForestNodeResult {
  rows: number;
  cols: number;
  fit_ms: number[];
  score_ms: number[];
  fit_median_ms: number;
  score_median_ms: number;
  fit_score_median_ms: number;
  roc_auc: number | null;
  compute: string | null;
  /** score(X, { path: 'tensor' }) on a tfjs backend, when asked for. */
  tensor?: { backend: string; score_ms: number[]; score_median_ms: number; max_abs_diff: number } | { error: string };
  /**
   * The CLI's threaded scoring (`ScoringThreads`, src/cli/threads.ts), when asked for:
   * `threads` worker threads plus the calling thread. Warm: threads started and
   * one warm-up score done before timing; cold: `new ScoringThreads()` + score + close, one run.
   */
  threads?: {
    threads: number; warm_up_rows: number; score_ms: number[]; score_median_ms: number;
    cold_ms: number; max_abs_diff: number;
  } | { error: string };
}

const params = () => resolveParams(iforest.params, {});

/** JIT warm-up on a small matrix, so that the first timed run is not the compile. */
export async function warmUp(): Promise<void> {
  const g = generateMatrix(10_000, COLS, 1);
  const m = { data: g.data, rows: g.rows, cols: g.cols };
  for (let i = 0; i < 2; i++) await (await iforest.fit(m, params(), { seed: 42 })).score(m);
}

export async function iforestNode(rows: number, reps: number, log: (s: string) => void, tensor = false, threads = false): Promise<IForestNodeResult> {
  const g = generateMatrix(rows, COLS, SEED); // the same numbers as the CSV (String(x) round-trips)
  const X = { data: g.data, rows, cols: COLS };
  const fit: number[] = [];
  const score: number[] = [];
  let scores: Float64Array | null = null;
  let model: Awaited<ReturnType<typeof iforest.fit>> | null = null;
  for (let i = 0; i < reps; i++) {
    gc();
    const t0 = performance.now();
    model = await iforest.fit(X, params(), { seed: 42 });
    const t1 = performance.now();
    scores = await model.score(X);
    const t2 = performance.now();
    fit.push(t1 - t0);
    score.push(t2 - t1);
    log(`iforest: node ${rows.toLocaleString('en')} run ${i + 1}: fit ${(t1 - t0).toFixed(0)} ms, score ${(t2 - t1).toFixed(0)} ms`);
  }
  const sweep = new ThresholdSweep(scores!, g.labels);
  const out: IForestNodeResult = {
    rows, cols: COLS, fit_ms: fit, score_ms: score,
    fit_median_ms: median(fit), score_median_ms: median(score),
    fit_score_median_ms: median(fit.map((f, i) => f + score[i])),
    roc_auc: sweep.rocAuc, compute: model!.info?.compute ?? null,
  };
  if (threads) {
    try {
      out.threads = await threadedScore(model!, X, scores!, reps, log);
    } catch (e) {
      out.threads = { error: (e as Error).message.split('\n')[0] };
    }
  }
  if (tensor) {
    try {
      const { backend } = await chooseBackend('wasm'); // cpu when wasm cannot start
      // Warm-up: kernels, and the complete-tree layout is cached on the model.
      const small = { data: X.data.subarray(0, 1000 * COLS), rows: 1000, cols: COLS };
      await model!.score(small, { path: 'tensor', backend });
      const times: number[] = [];
      let ts: Float64Array | null = null;
      // Up to `reps` runs, but no more once 30 s are spent (it is ~100× slower than the typed path on wasm).
      for (let i = 0, spent = 0; i < reps && spent < 30_000; i++) {
        gc();
        const t0 = performance.now();
        ts = await model!.score(X, { path: 'tensor', backend });
        spent += performance.now() - t0;
        times.push(performance.now() - t0);
        log(`iforest: node ${rows.toLocaleString('en')} tensor (${backend}) run ${i + 1}: ${times[i].toFixed(0)} ms`);
      }
      let diff = 0;
      for (let i = 0; i < rows; i++) diff = Math.max(diff, Math.abs(ts![i] - scores![i]));
      out.tensor = { backend, score_ms: times, score_median_ms: median(times), max_abs_diff: diff };
    } catch (e) {
      out.tensor = { error: (e as Error).message.split('\n')[0] };
    }
  }
  return out;
}

type Fitted = Awaited<ReturnType<typeof iforest.fit>>;
type Mat = { data: Float64Array; rows: number; cols: number };

/** `ScoringThreads.score` on all rows: warm (median of `reps`) and cold (one run, thread start-up included). */
async function threadedScore(model: Fitted, X: Mat, single: Float64Array, reps: number, log: (s: string) => void): Promise<NonNullable<IForestNodeResult['threads']>> {
  const label = `iforest: node ${X.rows.toLocaleString('en')} threads`;
  // Warm: the threads start here, outside the timing. The warm-up must have at least
  // THREAD_ROWS rows: below that, `score` runs on this thread alone and never waits for
  // the workers (100k rows would warm nothing); so the first THREAD_ROWS rows of X.
  const pool = new ScoringThreads();
  const warmRows = Math.min(X.rows, THREAD_ROWS);
  const times: number[] = [];
  let diff = 0;
  // The rows served to the threads as a dataset (the CLI serves its parsed one); the warm-up scores a prefix of it.
  const source = pool.addMatrix(X);
  try {
    await pool.score(model, source, { data: X.data.subarray(0, warmRows * X.cols), rows: warmRows, cols: X.cols });
    for (let i = 0; i < reps; i++) {
      gc();
      const t0 = performance.now();
      const s = await pool.score(model, source, X);
      times.push(performance.now() - t0);
      for (let r = 0; r < X.rows; r++) diff = Math.max(diff, Math.abs(s[r] - single[r]));
      log(`${label} (${pool.size} + this one) run ${i + 1}: ${times[i].toFixed(0)} ms`);
    }
  } finally {
    pool.close();
  }
  await new Promise((res) => setTimeout(res, 500)); // let the terminated threads go
  // Cold: as the CLI does it for one file, start-up included.
  gc();
  const t0 = performance.now();
  const cold = new ScoringThreads();
  try {
    await cold.score(model, source, X);
  } finally {
    cold.close();
  }
  const cold_ms = performance.now() - t0;
  log(`${label} cold (new ScoringThreads + score): ${cold_ms.toFixed(0)} ms`);
  return { threads: pool.size, warm_up_rows: warmRows, score_ms: times, score_median_ms: median(times), cold_ms, max_abs_diff: diff };
}
