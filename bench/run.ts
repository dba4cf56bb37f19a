/**
 * `npm run bench [-- parse|zscore|sweep|browser|iforest|lof [100k]|ocsvm|autoencoder ...]`: the walking-skeleton
 * speed goals, ours against pandas / numpy / scikit-learn on this machine.
 * Prints one markdown table per section and writes bench/results/latest.json
 * (sections not run this time keep their earlier results there, with their date).
 * Timings are reported, never asserted. `lof` runs only when named (it is not in
 * the no-argument run); `lof 100k` adds its 100k × 10 case (~5 min more: 351 s in all here).
 * `ocsvm` (One-Class SVM, ~165 s here) also runs only when named.
 * `autoencoder` (PyOD's protocol on six ODDS sets, training / scoring speed on wasm and cpu;
 * ~7 min here) also runs only when named.
 * `nab` (in the no-argument run; a few seconds): the NAB scorer's speed over the corpus and the scoreboard.
 * `page` (in the no-argument run): the page's upload → plotted for 1M-row Isolation Forest and
 * LOF 100k × 10, with peak renderer RSS; `reps=N` repeats each N times (median).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsvFile } from '../src/cli/read.js';
import { zscore } from '../src/core/detectors/zscore.js';
import { resolveParams } from '../src/core/detectors/params.js';
import { ThresholdSweep } from '../src/core/metrics/sweep.js';
import { Random } from '../src/core/random.js';
import { browserBench, browserDetectorBench, browserIforestBench, browserUploadBench, type BrowserResult, type DetectorBrowserRun, type IForestBrowserRun } from './browser.js';
import { COLS, ROWS, ROWS_100K, SEED, ensureData, generateMatrix } from './gen.js';
import { iforestNode, warmUp as iforestWarmUp, type IForestNodeResult } from './iforest.js';
import { lofCase, lofWarmUp, type LofAgreement, type LofCase, type LofResult, type SklearnLofAlgo } from './lof.js';
import { autoencoderBench } from './autoencoder.js';
import { ocsvmBench } from './ocsvm.js';
import { nabBench } from './nab.js';
import { timelineBench } from './timeline.js';
import { densityBench } from './density.js';
import { tuneBench } from './tune.js';
import { streamBench, streamNabRows } from './stream.js';
import { streamPageBench } from './stream-page.js';
import { rnnBench } from './rnn.js';
import { onnxBench } from './onnx.js';
import { ourNabRows } from './nab-detectors.js';
import { NUMPY_ZSCORE, PANDAS_READ_CSV, PYTHON, SKLEARN_IFOREST, SKLEARN_LOF, SKLEARN_PRF, hasPython, runPython } from './python.js';
import { best, fmtMs, fmtRatio, gc, median, met, ratio, table, timeRuns } from './util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(here, 'results');
const SECTIONS = ['parse', 'zscore', 'sweep', 'browser', 'iforest', 'lof', 'page', 'ocsvm', 'autoencoder', 'nab', 'timeline', 'tune', 'stream', 'rnn', 'stream-page', 'onnx', 'density'] as const;
type Section = (typeof SECTIONS)[number];
/** The no-argument run: everything but `lof` (its ~70 s would make the ~170 s run ~40 % longer) and `ocsvm` (~165 s). */
// `timeline` (1M-point series in the page, ~2 min) also runs only when named.
const DEFAULT_SECTIONS: readonly Section[] = SECTIONS.filter((s) => s !== 'lof' && s !== 'ocsvm' && s !== 'autoencoder' && s !== 'timeline' && s !== 'stream' && s !== 'rnn' && s !== 'stream-page' && s !== 'onnx' && s !== 'density');

const argv = process.argv.slice(2).map((a) => a.toLowerCase());
/** `100k`: the LOF section's 100k × 10 case too (and implies `lof`). */
const lof100k = argv.includes('100k');
/** `reps=N`: the page section's runs per case (default 1). */
const pageReps = Math.max(1, Number(/^reps=(\d+)$/.exec(argv.find((a) => a.startsWith('reps=')) ?? '')?.[1] ?? 1));
/** `epochs=N`: the rnn section's epochs on the NAB series (default 1); `quick`: its smoke run. */
const rnnEpochs = Number(/^epochs=(\d+)$/.exec(argv.find((a) => a.startsWith('epochs=')) ?? '')?.[1] ?? 1);
const rnnQuick = argv.includes('quick');
const args = argv.filter((a) => a !== '100k' && !a.startsWith('reps=') && !a.startsWith('epochs=') && a !== 'quick');
if (lof100k && !args.includes('lof')) args.push('lof');
const unknown = args.filter((a) => !(SECTIONS as readonly string[]).includes(a));
if (unknown.length) {
  console.error(`unknown section${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')}, and \`lof 100k\`, \`page reps=3\`; none = all but lof, ocsvm and autoencoder)`);
  process.exit(2);
}
const wanted = new Set<Section>(args.length ? (args as Section[]) : DEFAULT_SECTIONS);

const log = (s: string) => console.error(`  … ${s}`);
interface Results {
  when: string;
  machine: Record<string, unknown>;
  sections: Section[];
  total_s?: number;
  [section: string]: unknown;
}
const results: Results = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, mem_gb: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, platform: `${os.platform()} ${os.release()}` },
  sections: [...wanted],
};
const printed: Partial<Record<Section, string[]>> = {};
let current: Section | null = null;
const show = (t: string) => {
  console.log(t);
  if (current) (printed[current] ??= []).push(t);
};

const HEADER = ['task', 'ours', 'reference', 'ratio', 'goal', 'met?'];
const hasPandas = () => hasPython('pandas');
const hasNumpy = () => hasPython('numpy');
const hasSklearn = () => hasPython('sklearn');

let pandasMs: number | null | undefined; // cached across sections
function pandasReadCsv(file: string, reps: number): { median: number; times: number[]; version: string } | null {
  if (!hasPandas()) return null;
  const r = runPython<{ times_ms: number[]; rows: number; cols: number; pandas: string }>(PANDAS_READ_CSV, [file, String(reps)]);
  return { median: median(r.times_ms), times: r.times_ms, version: r.pandas };
}

function dataFile(rows = ROWS): string {
  const g = ensureData(false, rows);
  if (g.generated) log(`generated ${g.file} (${(g.bytes / 1e6).toFixed(0)} MB, ${g.outliers} outliers) in ${g.seconds.toFixed(1)} s`);
  return g.file;
}

async function parseSection(): Promise<void> {
  const file = dataFile();
  const mb = fs.statSync(file).size / 1e6;
  log(`parse: readCsvFile ${path.basename(file)} (${mb.toFixed(0)} MB) …`);
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 3; i++) {
    gc();
    const t0 = performance.now();
    const ds = await readCsvFile(file);
    const ms = performance.now() - t0;
    times.push(ms);
    rows = ds.rows;
    log(`parse: run ${i + 1}: ${fmtMs(ms)}`);
    if (ms > 30_000) break; // slow: fewer runs
  }
  const ours = median(times);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  log('parse: pandas.read_csv …');
  const pd = pandasReadCsv(file, 3);
  pandasMs = pd?.median ?? null;
  const r = ratio(ours, pandasMs);
  results.parse = {
    file: path.basename(file), mb, rows, ours_ms: times, ours_median_ms: ours,
    pandas_ms: pd?.times ?? null, pandas_median_ms: pandasMs, pandas_version: pd?.version ?? null, ratio: r,
    node_rss_mb_after: rssMb, goal: 'ratio <= 1',
  };
  show(table(`Parse: ${rows.toLocaleString('en')} rows × ${COLS} + label, ${mb.toFixed(0)} MB CSV → Dataset (median of ${times.length})`, HEADER, [
    ['readCsvFile (Node) vs pandas.read_csv', fmtMs(ours), pd ? `${fmtMs(pandasMs)} (pandas ${pd.version})` : 'n/a (no pandas)', fmtRatio(r), '≤ 1×', met(r === null ? null : r <= 1)],
    ['throughput', `${(mb / (ours / 1000)).toFixed(0)} MB/s`, pd ? `${(mb / (pandasMs! / 1000)).toFixed(0)} MB/s` : 'n/a', '', '', ''],
  ]));
}

async function zscoreSection(): Promise<void> {
  const REPS = 9;
  log('zscore: generating 1M × 10 in memory …');
  const full = generateMatrix(ROWS, COLS, SEED);
  const one = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) one[i] = full.data[i * COLS];
  const cases = [
    { task: `z-score 1M × 1 (fit + score)`, m: { data: one, rows: ROWS, cols: 1 } },
    { task: `z-score 1M × 10, max over columns (fit + score)`, m: { data: full.data, rows: ROWS, cols: COLS } },
  ];
  const params = resolveParams(zscore.params);
  const rows: string[][] = [];
  const out: unknown[] = [];
  for (const c of cases) {
    log(`zscore: ${c.task} …`);
    let checksum = 0;
    const run = async () => {
      const model = await zscore.fit(c.m, params);
      const s = await model.score(c.m);
      checksum = s[0] + s[s.length - 1];
    };
    await run(); // warm-up (JIT)
    const times = await timeRuns(REPS, run);
    // Score only, on a fitted model (what a re-score of new data costs).
    const model = await zscore.fit(c.m, params);
    const scoreTimes = await timeRuns(REPS, () => model.score(c.m));
    let np: number[] | null = null;
    if (hasNumpy()) {
      const tmp = path.join(os.tmpdir(), `anomaly-lab-bench-${process.pid}-${c.m.cols}.f64`);
      fs.writeFileSync(tmp, Buffer.from(c.m.data.buffer, c.m.data.byteOffset, c.m.data.byteLength));
      try {
        np = runPython<{ times_ms: number[] }>(NUMPY_ZSCORE, [tmp, String(c.m.rows), String(c.m.cols), String(REPS)]).times_ms;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    }
    const r = ratio(median(times), np ? median(np) : null);
    out.push({ task: c.task, rows: c.m.rows, cols: c.m.cols, ours_ms: times, ours_score_only_ms: scoreTimes, numpy_ms: np, ratio_median: r, checksum });
    rows.push([
      c.task,
      `${fmtMs(median(times))} (best ${fmtMs(best(times))}; score only ${fmtMs(median(scoreTimes))})`,
      np ? `${fmtMs(median(np))} (best ${fmtMs(best(np))})` : 'n/a (no numpy)',
      fmtRatio(r), '≤ 1×', met(r === null ? null : r <= 1),
    ]);
  }
  results.zscore = { reps: REPS, cases: out, numpy: 'np.abs((x - x.mean()) / x.std()) (1 col); (X - X.mean(0)) / X.std(0), abs, max(1) (10 cols)', goal: 'ratio <= 1' };
  show(table(`z-score on 1M rows: our detector (float64, Node) vs numpy (median of ${REPS})`, HEADER, rows));
}

async function sweepSection(): Promise<void> {
  const CALLS = 100_000;
  log('sweep: 1M scores + labels …');
  const g = generateMatrix(ROWS, COLS, SEED);
  const m = { data: g.data, rows: ROWS, cols: COLS };
  const scores = await (await zscore.fit(m, resolveParams(zscore.params))).score(m);
  const labels = g.labels;
  const buildTimes = await timeRuns(3, () => new ThresholdSweep(scores, labels));
  const sweep = new ThresholdSweep(scores, labels);
  const rng = new Random(7);
  const ts = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) ts[i] = rng.uniform(sweep.min, sweep.max);
  let sink = 0;
  for (let i = 0; i < 1000; i++) sink += sweep.metricsAt(ts[i])!.tp; // warm-up
  gc();
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const mt = sweep.metricsAt(ts[i])!;
    sink += mt.tp + mt.f1;
  }
  const totalMs = performance.now() - t0;
  const perCallMs = totalMs / CALLS;

  // Reference: recomputing precision / recall / F1 from scratch at one threshold.
  let sk: { times_ms: number[]; numpy_times_ms: number[] } | null = null;
  if (hasSklearn()) {
    const tmp = path.join(os.tmpdir(), `anomaly-lab-bench-${process.pid}-sweep.f64`);
    const raw = new Float64Array(ROWS * 2);
    raw.set(scores, 0);
    for (let i = 0; i < ROWS; i++) raw[ROWS + i] = labels[i];
    fs.writeFileSync(tmp, Buffer.from(raw.buffer));
    try {
      sk = runPython(SKLEARN_PRF, [tmp, String(ROWS), '20']);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const skMs = sk ? median(sk.times_ms) : null;
  const npMs = sk ? median(sk.numpy_times_ms) : null;
  results.sweep = {
    n: ROWS, positives: sweep.positives, calls: CALLS, build_ms: buildTimes, metricsAt_total_ms: totalMs, metricsAt_per_call_ms: perCallMs,
    sklearn_prf_per_threshold_ms: skMs, numpy_counts_per_threshold_ms: npMs, sink, goal: 'metricsAt < 1 ms',
  };
  show(table(`Threshold move at ${ROWS.toLocaleString('en')} rows (${sweep.positives.toLocaleString('en')} positives): ThresholdSweep`, HEADER, [
    ['build ThresholdSweep once (sort + split + ROC-AUC + AP)', fmtMs(median(buildTimes)), 'n/a', '', 'once per run', ''],
    [`metricsAt(t), ${CALLS.toLocaleString('en')} random t (per call)`, fmtMs(perCallMs), skMs !== null ? `${fmtMs(skMs)} (sklearn precision_recall_fscore_support at one t); numpy counts ${fmtMs(npMs)}` : 'n/a (no sklearn)', fmtRatio(ratio(perCallMs, skMs)), '< 1 ms', met(perCallMs < 1)],
  ]));
}

async function browserSection(): Promise<void> {
  const file = dataFile();
  const r: BrowserResult = await browserBench(file, log);
  if (r.skipped) {
    results.browser = r;
    show(`### Browser\n\nskipped: ${r.skipped}\n`);
    return;
  }
  if (pandasMs === undefined) {
    log('browser: pandas.read_csv for the reference …');
    pandasMs = pandasReadCsv(file, 1)?.median ?? null;
  }
  const page = r.parse_ms_page ?? null;
  const rp = ratio(page, pandasMs);
  const rw = ratio(r.parse_ms_wall, pandasMs);
  results.browser = { ...r, pandas_median_ms: pandasMs, ratio_page: rp, ratio_wall: rw, goal: 'parse ratio <= 1' };
  const rows: string[][] = [
    ['parse, file chosen → Dataset ready (page parse_ms)', fmtMs(page), pandasMs != null ? `${fmtMs(pandasMs)} (pandas.read_csv)` : 'n/a', fmtRatio(rp), '≤ 1×', met(rp === null ? null : rp <= 1)],
    ['parse, setInputFiles → state().dataset.rows = 1M (wall)', fmtMs(r.parse_ms_wall), pandasMs != null ? fmtMs(pandasMs) : 'n/a', fmtRatio(rw), '≤ 1×', met(rw === null ? null : rw <= 1)],
  ];
  if (r.run) {
    rows.push([`z-score run, page defaults (${r.run.job}${r.run.backend ? `, ${r.run.backend}` : ''}${poolLabel(r.hardware_concurrency)})`, `fit ${fmtMs(r.run.fit_ms)}, score ${fmtMs(r.run.score_ms)}, total ${fmtMs(r.run.total_ms)} (wall ${fmtMs(r.run.wall_ms)})`, '', '', '', '']);
  }
  rows.push([
    'peak renderer RSS (tab + workers), load / load + run',
    r.peak_renderer_rss_mb != null ? `${r.peak_renderer_rss_mb_load!.toFixed(0)} MB / ${r.peak_renderer_rss_mb.toFixed(0)} MB (idle ${r.baseline_renderer_rss_mb!.toFixed(0)} MB)` : 'n/a (no pid)',
    '', '', '', '',
  ]);
  show(table(`Browser: headless Chromium ${r.chromium}, ${r.rows?.toLocaleString('en')} rows × ${r.cols} columns`, HEADER, rows));
}

/** The page's detector pool, as src/workers/pool.ts sizes it: max(2, hardwareConcurrency − 1). */
function poolLabel(hc: number | null | undefined): string {
  return hc ? `; pool of ${Math.max(2, hc - 1)} detector workers = max(2, hardwareConcurrency ${hc} − 1)` : '';
}

interface SklearnIForest { fit_ms: number[]; score_ms: number[]; rows: number; cols: number; roc_auc: number; sklearn: string }

async function iforestSection(): Promise<void> {
  const files = { small: dataFile(ROWS_100K), large: dataFile(ROWS) };
  log('iforest: JIT warm-up (10k rows) …');
  await iforestWarmUp();
  const ours100 = await iforestNode(ROWS_100K, 3, log, true);
  const ours1m = await iforestNode(ROWS, 3, log, false, true);
  const sk = (file: string, reps: number): SklearnIForest | null => {
    if (!hasSklearn()) return null;
    log(`iforest: scikit-learn IsolationForest on ${path.basename(file)} (${reps}×) …`);
    return runPython<SklearnIForest>(SKLEARN_IFOREST, [file, String(reps)], 1_200_000);
  };
  const sk100 = sk(files.small, 3);
  const sk1m = sk(files.large, 1);
  const skMed = (r: SklearnIForest | null) => r && { fit: median(r.fit_ms), score: median(r.score_ms), both: median(r.fit_ms.map((f, i) => f + r.score_ms[i])) };
  const s100 = skMed(sk100);
  const s1m = skMed(sk1m);

  const browser = await browserIforestBench([{ file: files.small, rows: ROWS_100K }, { file: files.large, rows: ROWS }], log);

  const skCell = (ms: number | null | undefined) => (ms == null ? 'n/a (no sklearn)' : fmtMs(ms));
  const rowsOut: string[][] = [];
  const nodeRows = (o: IForestNodeResult, s: ReturnType<typeof skMed>, label: string, runs: string) => {
    const rs = ratio(o.score_median_ms, s?.score);
    const rb = ratio(o.fit_score_median_ms, s?.both);
    const goalScore = o.rows === ROWS;
    rowsOut.push(
      [`Node ${label}: fit (${runs})`, fmtMs(o.fit_median_ms), skCell(s?.fit), fmtRatio(ratio(o.fit_median_ms, s?.fit)), '', ''],
      [`Node ${label}: score all rows, one thread (${runs})`, fmtMs(o.score_median_ms), skCell(s?.score), fmtRatio(rs), goalScore ? '≤ 0.05×' : '', goalScore ? met(rs === null ? null : rs <= 0.05) : ''],
    );
    const th = o.threads;
    if (th && 'score_median_ms' in th) {
      const rw = ratio(th.score_median_ms, s?.score);
      const rc = ratio(th.cold_ms, s?.score);
      const who = `ScoringThreads: ${th.threads} worker thread${th.threads === 1 ? '' : 's'} + the calling one`;
      rowsOut.push(
        [`Node ${label}: score all rows, ${who} (warm: started + ${th.warm_up_rows / 1000}k-row warm-up before timing; median of ${th.score_ms.length}; scikit-learn 1 run)`, `${fmtMs(th.score_median_ms)} (max abs diff to one thread ${th.max_abs_diff.toExponential(1)})`, skCell(s?.score), fmtRatio(rw), '≤ 0.05×', met(rw === null ? null : rw <= 0.05)],
        [`Node ${label}: score all rows, ${who} (cold: new ScoringThreads() + score + close, 1 run each side)`, fmtMs(th.cold_ms), skCell(s?.score), fmtRatio(rc), '≤ 0.05×', met(rc === null ? null : rc <= 0.05)],
      );
    } else if (th) {
      rowsOut.push([`Node ${label}: score all rows, ScoringThreads`, 'n/a', '', '', '≤ 0.05×', `failed: ${th.error}`]);
    }
    rowsOut.push([`Node ${label}: fit + score (one thread)`, fmtMs(o.fit_score_median_ms), skCell(s?.both), fmtRatio(rb), '', '']);
  };
  nodeRows(ours100, s100, '100k × 10', 'median of 3 each side');
  const t = ours100.tensor;
  if (t && 'score_median_ms' in t) {
    const rt = ratio(ours100.score_median_ms, t.score_median_ms);
    rowsOut.push([`Node 100k × 10: score, typed path vs tensor path (tfjs ${t.backend}, ${t.score_ms.length > 1 ? `median of ${t.score_ms.length}` : "1 run: runs stop after 30 s"})`, `${fmtMs(ours100.score_median_ms)} typed`, `${fmtMs(t.score_median_ms)} tensor (max abs diff ${t.max_abs_diff.toExponential(1)})`, fmtRatio(rt), 'typed < tensor', met(rt === null ? null : rt < 1)]);
  } else if (t) {
    rowsOut.push(['Node 100k × 10: score, tensor path', 'n/a', '', '', '', `failed: ${t.error}`]);
  }
  nodeRows(ours1m, s1m, '1M × 10', `median of ${ours1m.score_ms.length}; scikit-learn 1 run`);
  rowsOut.push(['ROC-AUC vs label (100k / 1M)', `${ours100.roc_auc?.toFixed(4)} / ${ours1m.roc_auc?.toFixed(4)}`, sk100 && sk1m ? `${sk100.roc_auc.toFixed(4)} / ${sk1m.roc_auc.toFixed(4)}` : 'n/a', '', '', '']);

  const browserRows: Record<string, unknown>[] = [];
  if (browser.skipped) {
    rowsOut.push(['Browser', `skipped: ${browser.skipped}`, '', '', '', '']);
  }
  for (const b of browser.runs) {
    const label = b.rows === ROWS ? '1M × 10' : '100k × 10';
    const ref = b.rows === ROWS ? s1m : s100;
    if (b.skipped) {
      rowsOut.push([`Browser ${label}: upload → plotted scores`, `skipped: ${b.skipped}`, skCell(ref?.both), '', '≤ 0.1×', 'n/a']);
      browserRows.push({ ...b, sklearn_fit_score_ms: ref?.both ?? null });
      continue;
    }
    const r = ratio(b.wall_done_ms, ref?.both);
    const tm = b.timings!;
    rowsOut.push(
      [`Browser ${label}: upload → plotted scores (wall, 1 run)`, fmtMs(b.wall_done_ms), `${skCell(ref?.both)} (fit + score)`, fmtRatio(r), '≤ 0.1×', met(r === null ? null : r <= 0.1)],
      [`Browser ${label}: in-page timings (${b.backend ?? '?'}${poolLabel(b.hardware_concurrency)})`, `parse ${fmtMs(tm.parse_ms)}, fit ${fmtMs(tm.fit_ms)}, score ${fmtMs(tm.score_ms)}, total ${fmtMs(tm.total_ms)}; loaded at ${fmtMs(b.wall_loaded_ms)} wall`, '', '', '', ''],
    );
    if (b.rows === ROWS) {
      const rss = b.peak_renderer_rss_mb;
      rowsOut.push([`Browser ${label}: peak renderer RSS (tab + workers), load / whole`, rss != null ? `${b.peak_renderer_rss_mb_load!.toFixed(0)} MiB / ${rss.toFixed(0)} MiB = ${((rss * 2 ** 20) / 1e9).toFixed(2)} GB (idle ${b.baseline_renderer_rss_mb!.toFixed(0)} MiB)` : 'n/a (no pid)', '', '', '≤ 1 GB (1000 MB)', met(rss == null ? null : rss * 2 ** 20 <= 1e9)]);
    }
    rowsOut.push([`Browser ${label}: page JS heap, main thread only (CDP), peak used / total`, b.peak_js_heap_used_mb != null ? `${b.peak_js_heap_used_mb.toFixed(0)} MiB / ${b.peak_js_heap_total_mb?.toFixed(0)} MiB (at end ${b.end_js_heap_used_mb?.toFixed(0)} MiB used)` : 'n/a', '', '', '', '']);
    browserRows.push({ ...b, sklearn_fit_score_ms: ref?.both ?? null, ratio: r } satisfies IForestBrowserRun & Record<string, unknown>);
  }
  results.iforest = {
    when: new Date().toISOString(),
    params: 'n_estimators=100, max_samples=auto, contamination=auto, seed / random_state 42',
    node: { rows_100k: ours100, rows_1m: ours1m },
    sklearn: { rows_100k: sk100, rows_1m: sk1m },
    browser: { skipped: browser.skipped, build_ms: browser.build_ms, chromium: browser.chromium, runs: browserRows },
    goals: { node_score_1m: 'ours / sklearn score_samples <= 0.05', browser_e2e: 'upload → plotted / sklearn fit + score <= 0.1', browser_rss_1m: 'peak renderer RSS <= 1 GB (1e9 bytes)' },
  };
  show(table(`Isolation Forest (100 trees, max_samples auto): ours vs scikit-learn ${sk100?.sklearn ?? ''} IsolationForest(random_state=42)${browser.chromium ? `; headless Chromium ${browser.chromium}` : ''}`, ['task', 'ours', 'scikit-learn', 'ratio', 'goal', 'met?'], rowsOut));
}

async function lofSection(): Promise<void> {
  const cases: LofCase[] = [
    { rows: 10_000, cols: 10, reps: 3, sklearnReps: { auto: 3, brute: 3 } },
    { rows: 50_000, cols: 2, reps: 3, sklearnReps: { auto: 3, brute: 3 } },
  ];
  if (lof100k) cases.push({ rows: 100_000, cols: 10, reps: 1, sklearnReps: { auto: 1, brute: 1 } });
  log('lof: JIT warm-up (2k rows) …');
  await lofWarmUp();
  const out: LofResult[] = [];
  for (const c of cases) out.push(await lofCase(c, log));
  const GOAL_ROWS = 100_000;
  const rowsOut: string[][] = [];
  let version = '';
  for (const r of out) {
    const size = `${r.rows >= 1000 ? `${r.rows / 1000}k` : r.rows} × ${r.cols}`;
    const runs = (n: number) => (n === 1 ? '1 run' : `median of ${n}`);
    const sk = r.sklearn;
    if (sk) version = sk.sklearn;
    const auto = sk?.algos.auto;
    const brute = sk?.algos.brute;
    const ra = ratio(r.ours_median_ms, auto && median(auto.fit_ms));
    const rb = ratio(r.ours_median_ms, brute && median(brute.fit_ms));
    const goal = r.rows === GOAL_ROWS && r.cols === 10;
    const skCell = (a: SklearnLofAlgo | undefined, name: string) => (a ? `${fmtMs(median(a.fit_ms))} (${name}${a.method !== name ? ` → ${a.method}` : ''}, ${runs(a.fit_ms.length)})` : r.sklearn_error ? `failed: ${r.sklearn_error}` : 'n/a (no sklearn)');
    rowsOut.push(
      [`LOF ${size}: fit (training scores), ours ${runs(r.ours_ms.length)} vs algorithm='auto'`, fmtMs(r.ours_median_ms), skCell(auto, 'auto'), fmtRatio(ra), goal ? '≤ 0.1×' : '', goal ? met(ra === null ? null : ra <= 0.1) : ''],
      [`LOF ${size}: fit, vs algorithm='brute' (reference)`, fmtMs(r.ours_median_ms), skCell(brute, 'brute'), fmtRatio(rb), '', ''],
    );
    if (r.threaded_ms !== undefined) {
      const rt = ratio(r.threaded_ms, auto && median(auto.fit_ms));
      rowsOut.push([`LOF ${size}: fit with the search split across the CLI's ${r.threads} threads (1 run; scores ${r.threaded_identical ? 'bit-identical' : 'DIFFERENT'})`, fmtMs(r.threaded_ms), skCell(auto, 'auto'), fmtRatio(rt), goal ? '≤ 0.1×' : '', goal ? met(rt === null ? null : rt <= 0.1) : '']);
    }
    const ag = (a: LofAgreement | undefined) => (a ? `${a.max_rel_diff.toExponential(1)} (${a.rows_over_1e9} rows > 1e-9, ${a.rows_over_1e6} > 1e-6)` : 'n/a');
    rowsOut.push([`LOF ${size}: max relative diff of our LOF vs −negative_outlier_factor_ over all rows, auto / brute`, `${ag(r.agreement.auto)} / ${ag(r.agreement.brute)}`, '', '', '', '']);
  }
  let browser: DetectorBrowserRun | null = null;
  if (lof100k) {
    // In Chromium, the page's way: upload, LOF with its defaults, the search split across the worker pool.
    const big = out.find((r) => r.rows === GOAL_ROWS && r.cols === 10);
    browser = await browserDetectorBench(ensureData(false, GOAL_ROWS, 10).file, GOAL_ROWS, 'lof', {}, log);
    const auto = big?.sklearn?.algos.auto;
    // The page's total_ms: features + the split neighbour search + fit (+ sweep). Its fit_ms is not the fit's
    // whole cost since the house change: the pool searches before the fit and hands it the neighbours.
    const fitMs = (browser.timings as { total_ms?: number } | undefined)?.total_ms;
    const rf = ratio(fitMs ?? NaN, auto && median(auto.fit_ms));
    const rw = ratio(browser.wall_run_ms ?? NaN, auto && median(auto.fit_ms));
    const skText = auto ? `${fmtMs(median(auto.fit_ms))} (auto → ${auto.method})` : 'n/a';
    if (browser.skipped) rowsOut.push([`LOF 100k × 10 in Chromium: skipped (${browser.skipped})`, '', '', '', '≤ 0.1×', 'n/a']);
    else {
      rowsOut.push(
        [`LOF 100k × 10 in Chromium (${browser.backend ?? '?'}; ${browser.compute ?? ''}): run in the page (total_ms: features, split neighbour search, fit)`, fmtMs(fitMs ?? NaN), skText, fmtRatio(rf), '≤ 0.1×', met(rf === null ? null : rf <= 0.1)],
        [`LOF 100k × 10 in Chromium: rows loaded → scores plotted (fit, scores, plot)`, fmtMs(browser.wall_run_ms!), skText, fmtRatio(rw), '≤ 0.1×', met(rw === null ? null : rw <= 0.1)],
        [`LOF 100k × 10 in Chromium: upload → plotted (parse included)`, fmtMs(browser.wall_total_ms!), '', '', '', ''],
      );
    }
  }
  if (!lof100k) rowsOut.push([`LOF 100k × 10 (the goal's size): not run, \`npm run bench -- lof 100k\``, '', '', '', '≤ 0.1×', 'n/a']);
  results.lof = {
    when: new Date().toISOString(),
    params: 'n_neighbors=20, contamination=auto; scikit-learn LocalOutlierFactor(n_neighbors=20, algorithm=auto | brute).fit(X)',
    cases: out,
    browser,
    goal: `100k × 10: ours / scikit-learn (algorithm='auto') fit <= 0.1, in Node and in Chromium`,
  };
  show(table(`Local Outlier Factor (n_neighbors 20): ours (exact: float64 KD-tree up to 5 columns, WebAssembly int16 candidates refined in float64 from 6; one thread, the CLI's threads, Chromium's worker pool) vs scikit-learn ${version} LocalOutlierFactor`, ['task', 'ours', 'scikit-learn', 'ratio', 'goal', 'met?'], rowsOut));
}

/** The commit this bench runs on (the page is built from the working tree), or null outside git. */
function commitLabel(): string | null {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../src'], { cwd: here, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${rev}+src changes` : rev;
  } catch {
    return null;
  }
}

interface PageReference { sklearn: string | null; iforest_1m_fit_score_ms: number | null; lof_100k_auto_fit_ms: number | null; lof_method: string | null; when: string | null; measured_here: string[] }

/**
 * scikit-learn's times for the page section's ratios: this run's iforest / lof sections, else the
 * earlier results in latest.json (iforest, lof 100k, or this section's own), else measured once
 * here when scikit-learn is importable (IsolationForest 1M fit + score_samples, 1 run, ~30 s;
 * LocalOutlierFactor 100k × 10 'auto', 1 run, ~1 min).
 */
function pageReference(prev: Record<string, any> | null): PageReference {
  const ref: PageReference = { sklearn: null, iforest_1m_fit_score_ms: null, lof_100k_auto_fit_ms: null, lof_method: null, when: null, measured_here: [] };
  for (const src of [results as Record<string, any>, prev ?? {}]) {
    const ifo = src.iforest?.sklearn?.rows_1m as SklearnIForest | null | undefined;
    if (ref.iforest_1m_fit_score_ms === null && ifo) {
      ref.iforest_1m_fit_score_ms = median(ifo.fit_ms.map((f, i) => f + ifo.score_ms[i]));
      ref.sklearn = ifo.sklearn;
      ref.when ??= src.iforest.when ?? null;
    }
    const lofCase = (src.lof?.cases as LofResult[] | undefined)?.find((c) => c.rows === 100_000 && c.cols === 10 && c.sklearn?.algos.auto);
    if (ref.lof_100k_auto_fit_ms === null && lofCase) {
      ref.lof_100k_auto_fit_ms = median(lofCase.sklearn!.algos.auto!.fit_ms);
      ref.lof_method = lofCase.sklearn!.algos.auto!.method;
      ref.sklearn = lofCase.sklearn!.sklearn;
      ref.when ??= src.lof.when ?? null;
    }
    const own = src.page?.reference as PageReference | undefined;
    if (own) {
      ref.iforest_1m_fit_score_ms ??= own.iforest_1m_fit_score_ms;
      if (ref.lof_100k_auto_fit_ms === null) {
        ref.lof_100k_auto_fit_ms = own.lof_100k_auto_fit_ms;
        ref.lof_method = own.lof_method;
      }
      ref.sklearn ??= own.sklearn;
      ref.when ??= own.when;
    }
  }
  if (!hasSklearn() || !hasPandas()) return ref;
  if (ref.iforest_1m_fit_score_ms === null) {
    log('page: scikit-learn IsolationForest on 1M × 10 (1 run, for the ratio) …');
    const r = runPython<SklearnIForest>(SKLEARN_IFOREST, [dataFile(ROWS), '1'], 1_200_000);
    ref.iforest_1m_fit_score_ms = r.fit_ms[0] + r.score_ms[0];
    ref.sklearn = r.sklearn;
    ref.measured_here.push('iforest');
  }
  if (ref.lof_100k_auto_fit_ms === null) {
    log("page: scikit-learn LocalOutlierFactor(algorithm='auto') on 100k × 10 (1 run, for the ratio) …");
    const tmp = path.join(os.tmpdir(), `anomaly-lab-bench-${process.pid}-page-lof`);
    try {
      const r = runPython<{ sklearn: string; algos: { auto?: SklearnLofAlgo } }>(SKLEARN_LOF, [dataFile(ROWS_100K), 'auto:1', tmp], 1_500_000);
      ref.lof_100k_auto_fit_ms = r.algos.auto ? median(r.algos.auto.fit_ms) : null;
      ref.lof_method = r.algos.auto?.method ?? null;
      ref.sklearn = r.sklearn;
      ref.measured_here.push('lof');
    } finally {
      fs.rmSync(`${tmp}.auto`, { force: true });
    }
  }
  if (ref.measured_here.length) ref.when = new Date().toISOString();
  return ref;
}

/**
 * The page, upload → plotted, for the house change (issue 12): 1M × 10 with Isolation Forest (the
 * page's default detector) and 100k × 10 with LOF (chosen before the upload; the page splits the
 * neighbour search across its detector pool), each `reps` times interleaved in one browser, a fresh
 * page per run; peak renderer RSS (tab + workers) and the main thread's JS heap meanwhile.
 */
async function pageSection(): Promise<void> {
  let prev: Record<string, any> | null = null;
  try {
    prev = JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, 'latest.json'), 'utf8'));
  } catch { /* none */ }
  const files = { iforest: dataFile(ROWS), lof: dataFile(ROWS_100K) };
  const commit = commitLabel();
  const b = await browserUploadBench([{ file: files.iforest, rows: ROWS }, { file: files.lof, rows: ROWS_100K, detector: 'lof' }], pageReps, log);
  const ref = pageReference(prev);
  const refNote = ref.measured_here.length ? 'measured in this section, 1 run' : ref.when ? `from the run of ${ref.when.slice(0, 16).replace('T', ' ')} UTC` : '';
  const rowsOut: string[][] = [];
  const spread = (xs: number[]) => (xs.length > 1 ? ` [${fmtMs(Math.min(...xs))}–${fmtMs(Math.max(...xs))}]` : '');
  const runsText = (n: number) => (n === 1 ? '1 run' : `median of ${n}`);
  const nums = (xs: (number | null | undefined)[]) => xs.filter((x): x is number => x != null && Number.isFinite(x));
  const med = (xs: (number | null | undefined)[]) => (nums(xs).length ? median(nums(xs)) : null);
  const summary: Record<string, unknown> = {};
  if (b.skipped) rowsOut.push(['Page', `skipped: ${b.skipped}`, '', '', '', '']);
  for (const [key, label, rows, detector] of [['iforest_1m', '1M × 10 Isolation Forest', ROWS, undefined], ['lof_100k', '100k × 10 LOF', ROWS_100K, 'lof']] as const) {
    const all = b.runs.filter((r) => r.rows === rows && r.detector === detector);
    const runs = all.filter((r) => !r.skipped);
    if (!b.skipped && runs.length === 0) rowsOut.push([`Page ${label}`, `skipped: ${all[0]?.skipped ?? 'no run'}`, '', '', '', '']);
    if (runs.length === 0) continue;
    const n = runsText(runs.length);
    const wall = nums(runs.map((r) => r.wall_done_ms));
    const loadedToPlotted = nums(runs.map((r) => r.wall_done_ms! - r.wall_loaded_ms!));
    const tm = (k: keyof NonNullable<IForestBrowserRun['timings']>) => med(runs.map((r) => r.timings?.[k]));
    const rss = nums(runs.map((r) => r.peak_renderer_rss_mb));
    const rssLoad = nums(runs.map((r) => r.peak_renderer_rss_mb_load));
    const heap = nums(runs.map((r) => r.peak_js_heap_used_mb));
    const rb = runs.map((r) => r.row_bytes);
    const rowBytes = rb.some((x) => x == null) ? 'not counted (the page has no counter: before the house change)' : `${[...new Set(rb)].join(', ')} bytes`;
    const first = runs[0];
    const pool = `${first.backend ?? '?'}${first.compute ? `, ${first.compute}` : ''}${first.workers ? `, ${first.workers} workers` : ''}${poolLabel(first.hardware_concurrency)}`;
    if (key === 'iforest_1m') {
      const r = ratio(median(wall), ref.iforest_1m_fit_score_ms);
      const skText = ref.iforest_1m_fit_score_ms != null ? `${fmtMs(ref.iforest_1m_fit_score_ms)} (fit + score_samples; ${refNote})` : 'n/a (no scikit-learn)';
      rowsOut.push(
        [`Page ${label}: upload → plotted (wall, ${n})`, `${fmtMs(median(wall))}${spread(wall)}`, skText, fmtRatio(r), '≤ 0.1×', met(r === null ? null : r <= 0.1)],
        [`Page ${label}: peak renderer RSS (tab + workers), load / whole (${n})`, rss.length ? `${fmtMb(median(rssLoad))} / ${fmtMb(median(rss))}${rss.length > 1 ? ` [${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MiB]` : ''} = ${((median(rss) * 2 ** 20) / 1e9).toFixed(2)} GB` : 'n/a (no pid)', '', '', '≤ 1 GB', met(rss.length ? median(rss) * 2 ** 20 <= 1e9 : null)],
      );
    } else {
      const skText = ref.lof_100k_auto_fit_ms != null ? `${fmtMs(ref.lof_100k_auto_fit_ms)} (fit, algorithm='auto'${ref.lof_method ? ` → ${ref.lof_method}` : ''}; ${refNote})` : 'n/a (no scikit-learn)';
      const total = nums(runs.map((r) => r.timings?.total_ms));
      const rt = ratio(median(total), ref.lof_100k_auto_fit_ms);
      const rw = ratio(median(loadedToPlotted), ref.lof_100k_auto_fit_ms);
      rowsOut.push(
        [`Page ${label}: run in the page's pool, total_ms (features + split neighbour search + fit + sweep; ${n})`, `${fmtMs(median(total))}${spread(total)}`, skText, fmtRatio(rt), '≤ 0.1×', met(rt === null ? null : rt <= 0.1)],
        [`Page ${label}: rows loaded → plotted (wall, ${n})`, `${fmtMs(median(loadedToPlotted))}${spread(loadedToPlotted)}`, skText, fmtRatio(rw), '≤ 0.1×', met(rw === null ? null : rw <= 0.1)],
        [`Page ${label}: upload → plotted (wall, ${n})`, `${fmtMs(median(wall))}${spread(wall)}`, '', '', '', ''],
        [`Page ${label}: peak renderer RSS (tab + workers), load / whole (${n})`, rss.length ? `${fmtMb(median(rssLoad))} / ${fmtMb(median(rss))}` : 'n/a (no pid)', '', '', '', ''],
      );
    }
    const cpu = nums(runs.map((r) => r.renderer_cpu_s));
    const cpuRun = nums(runs.map((r) => (r.renderer_cpu_s ?? NaN) - (r.renderer_cpu_load_s ?? NaN)));
    rowsOut.push(
      [`Page ${label}: renderer CPU time (tab + workers, user + system), upload → plotted / loaded → plotted (${n})`, cpu.length ? `${median(cpu).toFixed(1)} s / ${median(cpuRun).toFixed(1)} s` : 'n/a (no pid)', '', '', '', ''],
      [`Page ${label}: in-page timings, medians (${pool})`, `parse ${fmtMs(tm('parse_ms'))}, fit ${fmtMs(tm('fit_ms'))}${detector === 'lof' ? ' (page fit_ms: the split search is in it before the house change, not after)' : ''}, score ${fmtMs(tm('score_ms'))}, total ${fmtMs(tm('total_ms'))}; loaded at ${fmtMs(med(runs.map((r) => r.wall_loaded_ms)))} wall`, '', '', '', ''],
      [`Page ${label}: main-thread JS heap peak (CDP), row data through the main thread`, `${heap.length ? fmtMb(median(heap)) : 'n/a'}; ${rowBytes}`, '', '', '', ''],
    );
    summary[key] = {
      runs: runs.length, wall_done_ms: wall, loaded_to_plotted_ms: loadedToPlotted,
      wall_done_median_ms: median(wall), loaded_to_plotted_median_ms: median(loadedToPlotted),
      peak_renderer_rss_mb_median: rss.length ? median(rss) : null, total_ms_median: tm('total_ms'), fit_ms_median: tm('fit_ms'),
      renderer_cpu_s_median: cpu.length ? median(cpu) : null, renderer_cpu_run_s_median: cpuRun.length ? median(cpuRun) : null,
    };
  }
  results.page = {
    when: new Date().toISOString(), commit, reps: pageReps, load_average: os.loadavg(),
    reference: ref, summary, browser: b,
  };
  show(table(`Page, upload → plotted (headless Chromium ${b.chromium ?? '?'}; page built from ${commit ?? 'this tree'}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')})`, ['task', 'ours', 'scikit-learn', 'ratio', 'goal', 'met?'], rowsOut));
}

function fmtMb(mb: number): string {
  return `${mb.toFixed(0)} MiB`;
}

/** A section whose bench module returns its results and its table: run it, keep the one, print the other. */
async function moduleSection(s: Section, bench: (log: (s: string) => void) => Promise<{ results: unknown; table: string }>): Promise<void> {
  const r = await bench(log);
  results[s] = r.results;
  show(r.table);
}

/**
 * What each section runs. ocsvm: exact 10k / 30k × 10 and Nystroem 1M × 10 against scikit-learn
 * (bench/ocsvm.ts); autoencoder: PyOD's protocol on six ODDS sets, training and scoring speed on
 * wasm and cpu (bench/autoencoder.ts); nab: the scorer's speed over the whole corpus and the
 * scoreboard (bench/nab.ts; skipped without ../shared/datasets/nab); timeline: pan and zoom over a
 * 1M-point series in the page, main-thread long tasks (bench/timeline.ts).
 */
const RUN: Record<Section, () => Promise<void>> = {
  parse: parseSection,
  zscore: zscoreSection,
  sweep: sweepSection,
  browser: browserSection,
  iforest: iforestSection,
  lof: lofSection,
  page: pageSection,
  ocsvm: () => moduleSection('ocsvm', (l) => ocsvmBench(l)),
  autoencoder: () => moduleSection('autoencoder', (l) => autoencoderBench(l)),
  nab: () => moduleSection('nab', (l) => nabBench(l, { detectors: async (c, lg) => [...(await ourNabRows(c, lg)), ...(await streamNabRows(c, lg))] })),
  timeline: () => moduleSection('timeline', timelineBench),
  // rnn: LSTM / GRU autoencoders' training and scoring against PyTorch, Node and Chromium (bench/rnn.ts); `epochs=N`, `quick`.
  rnn: () => moduleSection('rnn', (l) => rnnBench(l, { epochs: rnnEpochs, quick: rnnQuick })),
  // tune: LOF on cardio, 3 × 3 grid × 5 folds, against GridSearchCV on the same folds (bench/tune.ts).
  tune: () => moduleSection('tune', tuneBench),
  // onnx: 1M × 10 rows scored by ONNX Runtime (web, wasm) with the exported Isolation Forest and autoencoder vs ours (bench/onnx.ts).
  onnx: () => moduleSection('onnx', onnxBench),
  // stream: the stream engine's points/s, the stream CLI's RSS over 10M points, drift detectors on NAB (bench/stream.ts).
  stream: () => moduleSection('stream', streamBench),
  // stream-page: the page's replay as fast as possible, timeline redraws and long tasks (bench/stream-page.ts).
  'stream-page': () => moduleSection('stream-page', streamPageBench),
  // density: the scatter's density layer at 1M rows, threshold moves and main-thread long tasks (bench/density.ts).
  density: () => moduleSection('density', densityBench),
};

const t0 = performance.now();
console.log(`## Anomaly Lab bench — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, reference ${PYTHON}\n`);
for (const s of SECTIONS) {
  if (!wanted.has(s)) continue;
  current = s;
  try {
    await RUN[s]();
  } catch (e) {
    results[s] = { error: (e as Error).message };
    show(`### ${s}\n\nfailed: ${(e as Error).message}\n`);
  }
}
const totalS = (performance.now() - t0) / 1000;
results.total_s = totalS;
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const latest = path.join(RESULTS_DIR, 'latest.json');
// Sections not run this time keep their earlier results (each with the date of that run).
const tables: Record<string, string> = {};
try {
  const prev = JSON.parse(fs.readFileSync(latest, 'utf8')) as Record<string, unknown>;
  const prevTables = typeof prev.tables === 'object' && prev.tables ? (prev.tables as Record<string, string>) : {};
  for (const s of SECTIONS) {
    if (wanted.has(s) || prev[s] === undefined) continue;
    const p = prev[s] as Record<string, unknown>;
    results[s] = { when: p.when ?? prev.when, ...p };
    if (prevTables[s]) tables[s] = prevTables[s];
  }
} catch { /* no earlier results */ }
for (const s of SECTIONS) if (printed[s]) tables[s] = printed[s].join('\n');
fs.writeFileSync(latest, JSON.stringify({ ...results, tables }, null, 2) + '\n');
console.log(`results: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'latest.json'))} (${totalS.toFixed(0)} s)`);
