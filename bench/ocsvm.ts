/**
 * One-Class SVM: our `ocsvm` fit + score against scikit-learn on the same
 * seeded rows (ours in memory from `generateMatrix`, scikit-learn from the CSV
 * written from the same stream: `String(x)` round-trips, so the numbers are
 * identical).
 *
 * - exact: `method: 'exact'`, defaults (rbf, gamma 'scale', nu 0.5, tol 1e-3,
 *   standardize off) vs `OneClassSVM()` fit + decision_function, on 10k × 10 and
 *   30k × 10; also how far our decision_function is from scikit-learn's.
 * - approximate: `method: 'nystroem'` (100 components, same defaults) on 1M × 10
 *   in Node vs `make_pipeline(Nystroem(gamma=<scale>, n_components=100,
 *   random_state=0), SGDOneClassSVM(nu=0.5, random_state=0))`, by time and ROC-AUC
 *   (the random streams differ, so the values are not compared row by row).
 */
import { browserDetectorBench } from './browser.js';
import { chooseBackend } from '../src/core/compute/backend.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ocsvm } from '../src/core/detectors/ocsvm.js';
import { resolveParams } from '../src/core/detectors/params.js';
import { rocAuc } from '../src/core/metrics/ranking.js';
import { COLS, ROWS, SEED, ensureData, generateMatrix } from './gen.js';
import { LOAD_XY, hasPython, runPython } from './python.js';
import { fmtMs, fmtRatio, gc, median, met, ratio, table } from './util.js';

/**
 * scikit-learn's OneClassSVM() (rbf, gamma 'scale', nu 0.5) on the CSV's feature
 * columns (all but `label`, loaded with pandas): fit and decision_function(X)
 * timed separately, `reps` times; the last decision_function written as
 * little-endian float64 to argv[3].
 */
export const SKLEARN_OCSVM = `
import sys, time, json, gc
import numpy as np, pandas as pd, sklearn
from sklearn.svm import OneClassSVM
from sklearn.metrics import roc_auc_score
path, reps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
${LOAD_XY}
fit, score = [], []
for _ in range(reps):
    gc.collect()
    t = time.perf_counter()
    m = OneClassSVM().fit(X)
    fit.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    d = m.decision_function(X)
    score.append((time.perf_counter() - t) * 1000)
    print(f"fit {fit[-1]:.0f} ms, decision_function {score[-1]:.0f} ms", file=sys.stderr, flush=True)
np.ascontiguousarray(d, dtype="<f8").tofile(out)
print(json.dumps({"fit_ms": fit, "score_ms": score, "rows": X.shape[0], "cols": X.shape[1], "n_support": int(m.n_support_.sum()),
                  "intercept": float(m.intercept_[0]), "gamma": float(1.0 / (X.shape[1] * X.var())), "n_iter": int(np.sum(m.n_iter_)),
                  "roc_auc": float(roc_auc_score(y, -d)), "sklearn": sklearn.__version__}))
`;

/** scikit-learn's Nystroem + SGDOneClassSVM (random_state 0) on the CSV: fit and decision_function timed, `reps` times. */
export const SKLEARN_NYSTROEM = `
import sys, time, json, gc
import numpy as np, pandas as pd, sklearn
from sklearn.kernel_approximation import Nystroem
from sklearn.linear_model import SGDOneClassSVM
from sklearn.pipeline import make_pipeline
from sklearn.metrics import roc_auc_score
path, reps = sys.argv[1], int(sys.argv[2])
${LOAD_XY}
g = 1.0 / (X.shape[1] * X.var())
fit, score = [], []
for _ in range(reps):
    gc.collect()
    t = time.perf_counter()
    p = make_pipeline(Nystroem(gamma=g, n_components=100, random_state=0), SGDOneClassSVM(nu=0.5, random_state=0)).fit(X)
    fit.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    d = p.decision_function(X)
    score.append((time.perf_counter() - t) * 1000)
    print(f"fit {fit[-1]:.0f} ms, decision_function {score[-1]:.0f} ms", file=sys.stderr, flush=True)
print(json.dumps({"fit_ms": fit, "score_ms": score, "rows": X.shape[0], "cols": X.shape[1], "gamma": g, "n_iter": int(p[-1].n_iter_),
                  "roc_auc": float(roc_auc_score(y, -d)), "sklearn": sklearn.__version__}))
`;

export interface OcsvmCase {
  rows: number;
  cols: number;
  method: 'exact' | 'nystroem';
  /** Our fit + score runs. */
  reps: number;
  /** scikit-learn runs (0: none). */
  sklearnReps: number;
}

export interface SklearnOcsvm {
  fit_ms: number[];
  score_ms: number[];
  rows: number;
  cols: number;
  n_support?: number;
  intercept?: number;
  gamma: number;
  n_iter: number;
  roc_auc: number;
  sklearn: string;
}

export interface OcsvmResult {
  rows: number;
  cols: number;
  method: 'exact' | 'nystroem';
  file: string;
  fit_ms: number[];
  score_ms: number[];
  fit_median_ms: number;
  score_median_ms: number;
  /** Median of fit + score per run. */
  fit_score_median_ms: number;
  roc_auc: number | null;
  details: Record<string, unknown>;
  sklearn: SklearnOcsvm | null;
  sklearn_fit_score_median_ms: number | null;
  sklearn_error?: string;
  /** Exact only: our decision_function against scikit-learn's, over all rows. */
  agreement?: { max_abs_diff: number; worst_row: number; ours_at_worst: number; sklearn_at_worst: number; rows_over_1e3: number };
}

const params = (method: 'exact' | 'nystroem') => resolveParams(ocsvm.params, { method }, 'ocsvm');

/** JIT warm-up: an exact fit + score on 2,000 rows and a Nystroem one on 20,000. */
export async function ocsvmWarmUp(): Promise<void> {
  const g = generateMatrix(2_000, 10, 1);
  const X = { data: g.data, rows: g.rows, cols: g.cols };
  const m = await ocsvm.fit(X, params('exact'), { seed: 42 });
  await m.score(X);
  const h = generateMatrix(20_000, 10, 1);
  const Y = { data: h.data, rows: h.rows, cols: h.cols };
  const n = await ocsvm.fit(Y, params('nystroem'), { seed: 42 });
  await n.score(Y);
}

export async function ocsvmCase(c: OcsvmCase, log: (s: string) => void): Promise<OcsvmResult> {
  const label = `ocsvm ${c.method}: ${c.rows.toLocaleString('en')} × ${c.cols}`;
  const gen = ensureData(false, c.rows, c.cols);
  if (gen.generated) log(`generated ${path.basename(gen.file)} (${(gen.bytes / 1e6).toFixed(1)} MB, ${gen.outliers} outliers) in ${gen.seconds.toFixed(1)} s`);
  const g = generateMatrix(c.rows, c.cols, SEED);
  const X = { data: g.data, rows: c.rows, cols: c.cols };
  const fit: number[] = [];
  const score: number[] = [];
  let d: Float64Array | null = null;
  let details: Record<string, unknown> = {};
  // As the CLI does: a tfjs backend for the tensor paths (wasm in Node: the Nystroem features run as matMuls).
  const backend = (await chooseBackend('auto')).backend;
  for (let i = 0; i < c.reps; i++) {
    gc();
    const t0 = performance.now();
    const model = await ocsvm.fit(X, params(c.method), { seed: 42, backend });
    const t1 = performance.now();
    // A fresh pass over all rows (what scoring new data costs); the fit already returned these rows' scores.
    const s = await model.score(X, { backend });
    const t2 = performance.now();
    fit.push(t1 - t0);
    score.push(t2 - t1);
    d = Float64Array.from(s, (v) => model.threshold - v); // decision_function
    details = { ...model.info.details };
    log(`${label} ours run ${i + 1}: fit ${fit[i].toFixed(0)} ms, score ${score[i].toFixed(0)} ms${c.method === 'exact' ? `, n_support ${String(details.n_support)}` : ''}`);
  }
  const scores = Float64Array.from(d!, (v) => -v);
  const out: OcsvmResult = {
    rows: c.rows, cols: c.cols, method: c.method, file: path.basename(gen.file),
    fit_ms: fit, score_ms: score, fit_median_ms: median(fit), score_median_ms: median(score),
    // The fit returns the training rows' scores (the CLI and the page use those): fit = fit + score.
    fit_score_median_ms: median(fit),
    roc_auc: rocAuc(scores, g.labels), details, sklearn: null, sklearn_fit_score_median_ms: null,
  };
  if (c.sklearnReps < 1 || !hasPython('sklearn')) return out;
  const tmp = path.join(os.tmpdir(), `anomaly-lab-bench-${process.pid}-ocsvm.f64`);
  log(`${label} scikit-learn ${c.method === 'exact' ? 'OneClassSVM()' : 'Nystroem + SGDOneClassSVM'} (${c.sklearnReps}×) …`);
  try {
    const sk = c.method === 'exact'
      ? runPython<SklearnOcsvm>(SKLEARN_OCSVM, [gen.file, String(c.sklearnReps), tmp], 1_800_000)
      : runPython<SklearnOcsvm>(SKLEARN_NYSTROEM, [gen.file, String(c.sklearnReps)], 1_800_000);
    out.sklearn = sk;
    out.sklearn_fit_score_median_ms = median(sk.fit_ms.map((f, i) => f + sk.score_ms[i]));
    if (c.method === 'exact' && fs.existsSync(tmp)) {
      const b = fs.readFileSync(tmp);
      const theirs = new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
      let max = -1;
      let worst = 0;
      let over = 0;
      for (let i = 0; i < theirs.length; i++) {
        const e = Math.abs(d![i] - theirs[i]);
        const v = Number.isNaN(e) ? Infinity : e;
        if (v > 1e-3) over++;
        if (v > max) {
          max = v;
          worst = i;
        }
      }
      out.agreement = { max_abs_diff: max, worst_row: worst, ours_at_worst: d![worst], sklearn_at_worst: theirs[worst], rows_over_1e3: over };
    }
    log(`${label} scikit-learn: fit ${sk.fit_ms.map((t) => t.toFixed(0)).join(', ')} ms, decision_function ${sk.score_ms.map((t) => t.toFixed(0)).join(', ')} ms${out.agreement ? `; max abs diff ${out.agreement.max_abs_diff.toExponential(1)}` : ''}`);
  } catch (e) {
    out.sklearn_error = (e as Error).message;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return out;
}

/** The bench's cases: exact at 10k and 30k × 10 (the issue's sizes), Nystroem at 1M × 10. */
export const OCSVM_CASES: OcsvmCase[] = [
  { rows: 10_000, cols: COLS, method: 'exact', reps: 3, sklearnReps: 3 },
  { rows: 30_000, cols: COLS, method: 'exact', reps: 1, sklearnReps: 1 },
  { rows: ROWS, cols: COLS, method: 'nystroem', reps: 1, sklearnReps: 1 },
];

/** Run every case; the JSON for bench/results and the markdown table. */
export async function ocsvmBench(log: (s: string) => void, cases = OCSVM_CASES): Promise<{ results: Record<string, unknown>; table: string }> {
  log('ocsvm: JIT warm-up (2k rows exact, 20k rows nystroem) …');
  await ocsvmWarmUp();
  const out: OcsvmResult[] = [];
  for (const c of cases) out.push(await ocsvmCase(c, log));
  // The goal's own measure: upload → plotted scores in Chromium, Nystroem route (the page's defaults: standardize on).
  const big = cases.find((c) => c.method === 'nystroem');
  const browser = big ? await browserDetectorBench(ensureData(false, big.rows, big.cols).file, big.rows, 'ocsvm', {}, log) : null;
  const rowsOut: string[][] = [];
  let version = '';
  const runs = (n: number) => (n === 1 ? '1 run' : `median of ${n}`);
  for (const r of out) {
    const size = `${r.rows >= 1e6 ? `${r.rows / 1e6}M` : `${r.rows / 1000}k`} × ${r.cols}`;
    const sk = r.sklearn;
    if (sk) version = sk.sklearn;
    const skCell = (ms: number | null | undefined) => (ms != null ? fmtMs(ms) : r.sklearn_error ? `failed: ${r.sklearn_error}` : 'n/a (no sklearn)');
    const each = `ours ${runs(r.fit_ms.length)}, scikit-learn ${sk ? runs(sk.fit_ms.length) : '-'}`;
    const rf = ratio(r.fit_median_ms, sk && median(sk.fit_ms));
    const rs = ratio(r.score_median_ms, sk && median(sk.score_ms));
    const rb = ratio(r.fit_score_median_ms, r.sklearn_fit_score_median_ms);
    if (r.method === 'exact') {
      rowsOut.push(
        [`OCSVM exact ${size}: fit (${each})`, fmtMs(r.fit_median_ms), skCell(sk && median(sk.fit_ms)), fmtRatio(rf), '≤ 1×', met(rf === null ? null : rf <= 1)],
        [`OCSVM exact ${size}: score all rows again (decision_function of new data)`, fmtMs(r.score_median_ms), skCell(sk && median(sk.score_ms)), fmtRatio(rs), '', ''],
        [`OCSVM exact ${size}: fit + scores of the rows (ours: the fit returns them)`, fmtMs(r.fit_score_median_ms), skCell(r.sklearn_fit_score_median_ms), fmtRatio(rb), '≤ 1×', met(rb === null ? null : rb <= 1)],
      );
      const a = r.agreement;
      rowsOut.push([
        `OCSVM exact ${size}: max abs diff of decision_function over all rows; n_support; ROC-AUC`,
        `${a ? `${a.max_abs_diff.toExponential(1)} (${a.rows_over_1e3} rows > 1e-3)` : 'n/a'}; ${String(r.details.n_support)}; ${r.roc_auc?.toFixed(4)}`,
        sk ? `n_support ${sk.n_support}; ${sk.roc_auc.toFixed(4)}` : '',
        '', '≤ 1e-3', met(a ? a.max_abs_diff <= 1e-3 : null),
      ]);
    } else {
      const goal = 30_000;
      rowsOut.push(
        [`OCSVM nystroem ${size} (Node): fit (${each})`, fmtMs(r.fit_median_ms), skCell(sk && median(sk.fit_ms)), fmtRatio(rf), '', ''],
        [`OCSVM nystroem ${size} (Node): score all rows again`, fmtMs(r.score_median_ms), skCell(sk && median(sk.score_ms)), fmtRatio(rs), '', ''],
        [`OCSVM nystroem ${size} (Node): fit + scores of the rows (ours: the fit returns them; the goal is the browser's)`, fmtMs(r.fit_score_median_ms), skCell(r.sklearn_fit_score_median_ms), fmtRatio(rb), '< 30 s', met(r.fit_score_median_ms < goal)],
        [`OCSVM nystroem ${size}: ROC-AUC vs label (different random streams)`, r.roc_auc?.toFixed(4) ?? 'n/a', sk ? sk.roc_auc.toFixed(4) : '', '', '', ''],
      );
    }
  }
  if (browser) {
    const b = browser;
    rowsOut.push([
      `OCSVM ${b.rows / 1e6}M × ${COLS} in Chromium (${b.backend ?? '?'}): upload → plotted scores, auto = Nystroem`,
      b.skipped ? `skipped: ${b.skipped}` : `${fmtMs(b.wall_total_ms!)} (parse ${fmtMs(b.wall_loaded_ms!)}, run ${fmtMs(b.wall_run_ms!)})`,
      '', '', '< 30 s', met(b.skipped ? null : b.wall_total_ms! < 30_000),
    ]);
  }
  const results = {
    browser,
    when: new Date().toISOString(),
    params: "rbf, gamma 'scale', nu 0.5, tol 1e-3, standardize off; exact: OneClassSVM(); nystroem: n_components 100 vs make_pipeline(Nystroem(gamma=<scale>, n_components=100, random_state=0), SGDOneClassSVM(nu=0.5, random_state=0))",
    cases: out,
    goals: { exact: 'ours / scikit-learn OneClassSVM fit (and fit + decision_function) <= 1 at 10k and 30k x 10', nystroem_1m: 'fit + score < 30 s in the browser (Node measured here)' },
  };
  return {
    results,
    table: table(`One-Class SVM (rbf, gamma scale, nu 0.5): ours (float64, one thread) vs scikit-learn ${version} OneClassSVM / Nystroem + SGDOneClassSVM`, ['task', 'ours', 'scikit-learn', 'ratio', 'goal', 'met?'], rowsOut),
  };
}
