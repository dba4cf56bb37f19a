/**
 * Streams (`npm run bench -- stream`, issue 18): how fast the stream engine scores one point at a
 * time in Node on one thread, how much memory `anomaly-lab stream` holds over 10M points, and when
 * each drift detector fires on NAB series with a known level shift.
 *
 * - Speed: points pushed through StreamEngine in batches of 65,536 (the CLI's batches are one stdin
 *   chunk), each scored, thresholded and learnt one at a time: windowed_gaussian (goal ≥ 1M points/s),
 *   half_space_trees at River's defaults (goal ≥ 200k points/s; River's is pure Python), and
 *   Isolation Forest over windows of 10 values refitted every 1,000 points on the last 5,000
 *   (deterministic swap: each refit waited for where it takes over, so its time counts). The bare
 *   scorer loop (no engine) is shown beside each online detector.
 * - Memory: `anomaly-lab stream --detector windowed_gaussian` spawned and fed a generated CSV of 10M
 *   points (back-pressure respected on both pipes); its RSS read from /proc every 200 ms and reported
 *   at 1M and 10M points out, with the highest after 1M.
 * - Drift: adwin, page_hinkley and kswin (River's defaults) on the values of art_daily_jumpsup,
 *   art_daily_flatmiddle and ec2_cpu_utilization_825cc2, and on windowed_gaussian's score of them
 *   (`--drift-on score`): every row where each fires, told relative to the labelled window (rows
 *   before its start, inside it, after it; the first at or after its start).
 * The NAB scoreboard's stream rows are `streamNabRows` (run by the `nab` section).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitModel } from '../src/core/detectors/run.js';
import { windowFeatures, windowSpec, type WindowSpec } from '../src/core/data/window-features.js';
import type { Matrix } from '../src/core/data/matrix.js';
import type { FittedModel } from '../src/core/detectors/detector.js';
import { StreamEngine, type StreamEngineOptions } from '../src/core/stream/engine.js';
import { onlineSource } from '../src/core/stream/scorers.js';
import { HalfSpaceTrees } from '../src/core/stream/half-space-trees.js';
import { GaussianStream } from '../src/core/detectors/windowed-gaussian.js';
import { makeDrift } from '../src/core/stream/drift.js';
import { QuantileFilter } from '../src/core/stream/quantile-filter.js';
import { runningEcdf } from '../src/core/stream/running-ecdf.js';
import { DRIFT_IDS } from '../src/core/stream/types.js';
import { probationRows } from '../src/core/metrics/nab.js';
import { parseNabTime } from '../src/core/metrics/nab-time.js';
import type { NabInput } from '../src/core/metrics/nab.js';
import { readNabSeries, roundScore } from '../src/cli/nab-run.js';
import { Random } from '../src/core/random.js';
import { NAB_ROOT, loadNabCorpus, scoreResults, type NabBenchRow, type NabCorpus } from './nab.js';
import { gc, met, table } from './util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '..', 'bin', 'anomaly-lab.js');
const BATCH = 65_536;

function normals(n: number, seed: number): Float64Array {
  const r = new Random(seed);
  return Float64Array.from({ length: n }, () => r.normal());
}

/** Points per second pushing `values` through an engine (best of `reps`). */
async function engineRate(make: () => StreamEngine, values: Float64Array, reps = 3): Promise<number> {
  let best = 0;
  for (let k = 0; k < reps; k++) {
    const engine = make();
    gc();
    const t0 = performance.now();
    for (let a = 0; a < values.length; a += BATCH) {
      const b = Math.min(values.length, a + BATCH);
      await engine.push({ data: values.subarray(a, b), rows: b - a, cols: 1 });
    }
    best = Math.max(best, values.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

function bareRate(step: (x: number) => void, values: Float64Array, reps = 3): number {
  let best = 0;
  for (let k = 0; k < reps; k++) {
    gc();
    const t0 = performance.now();
    for (let i = 0; i < values.length; i++) step(values[i]);
    best = Math.max(best, values.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

const fmtRate = (r: number) => `${Math.round(r).toLocaleString('en')} points/s`;

async function speed(log: (s: string) => void): Promise<{ rows: string[][]; results: Record<string, number> }> {
  const wgN = 5_000_000;
  const hstN = 1_000_000;
  const ifN = 100_000;
  const values = normals(wgN, 1);
  log(`windowed_gaussian: ${wgN.toLocaleString('en')} points`);
  const wg = await engineRate(() => new StreamEngine({ features: 1, protect: false, source: onlineSource('windowed_gaussian', {}, 1, 42) }), values);
  const g = new GaussianStream(6400, 100);
  const wgBare = bareRate((x) => g.push(x), values);
  log(`half_space_trees: ${hstN.toLocaleString('en')} points`);
  const hv = values.subarray(0, hstN);
  const hst = await engineRate(() => new StreamEngine({ features: 1, protect: false, threshold: { kind: 'moving', make: () => new QuantileFilter(0.99) }, source: onlineSource('half_space_trees', {}, 1, 42) }), hv);
  const h = new HalfSpaceTrees(1, { seed: 42 });
  const one = new Float64Array(1);
  const hstBare = bareRate((x) => {
    one[0] = x;
    h.scoreOne(one);
    h.learnOne(one);
  }, hv);
  log(`iforest over windows: ${ifN.toLocaleString('en')} points, refit every 1,000 on the last 5,000`);
  const params = { window_size: 10 };
  const w = windowSpec(params);
  const iforest = await engineRate(() => new StreamEngine({
    features: 1, train: 5000, updateEvery: 1000, updateWindow: 5000, swap: { after: 0 },
    source: { kind: 'batch', window: w, fit: (X) => fitModel('iforest', { window_size: 0 }, X, { seed: 42 }) },
  }), values.subarray(0, ifN), 1);
  return {
    rows: [
      ['windowed_gaussian (window 6400, step 100), engine', fmtRate(wg), '≥ 1,000,000 points/s', met(wg >= 1e6)],
      ['windowed_gaussian, bare GaussianStream.push loop', fmtRate(wgBare), '', ''],
      ['half_space_trees (10 trees, height 8, window 250), engine + QuantileFilter(0.99)', fmtRate(hst), '≥ 200,000 points/s', met(hst >= 2e5)],
      ['half_space_trees, bare scoreOne + learnOne loop', fmtRate(hstBare), '', ''],
      ['iforest (100 trees) over windows of 10, refit every 1,000 on the last 5,000', fmtRate(iforest), '', ''],
    ],
    results: { windowed_gaussian: wg, windowed_gaussian_bare: wgBare, half_space_trees: hst, half_space_trees_bare: hstBare, iforest_windows_refit: iforest },
  };
}

/** RSS of `anomaly-lab stream` over `total` generated points: at 1M and at the end, and the highest after 1M. */
async function rss(total: number, log: (s: string) => void): Promise<{ at1M: number; atEnd: number; maxAfter1M: number; seconds: number; points: number }> {
  log(`anomaly-lab stream --detector windowed_gaussian over ${total.toLocaleString('en')} generated points`);
  const p = spawn(process.execPath, [BIN, 'stream', '--detector', 'windowed_gaussian'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const readRss = (): number => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  };
  let out = 0;
  let at1M = NaN;
  let maxAfter1M = 0;
  p.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) out++;
  });
  const timer = setInterval(() => {
    const r = readRss();
    if (out >= 1_000_000) {
      if (Number.isNaN(at1M)) at1M = r;
      maxAfter1M = Math.max(maxAfter1M, r || 0);
    }
  }, 200);
  let atEnd = NaN;
  const t0 = performance.now();
  const closed = new Promise<void>((resolve) => p.on('close', () => resolve()));
  p.stdin.write('timestamp,value\n');
  const rng = new Random(3);
  const lines = 10_000;
  const start = Date.UTC(2024, 0, 1) / 1000;
  for (let a = 0; a < total; a += lines) {
    let text = '';
    for (let i = a; i < Math.min(total, a + lines); i++) text += `${start + i},${(Math.sin(i / 50) * 10 + rng.normal()).toFixed(3)}\n`;
    if (!p.stdin.write(text)) await new Promise((r) => p.stdin.once('drain', r));
    if (a + lines >= total) {
      // The last of the input is written: wait until the output has caught up, then read the RSS.
      while (out < total - lines) await new Promise((r) => setTimeout(r, 50));
      atEnd = readRss();
    }
  }
  p.stdin.end();
  await closed;
  clearInterval(timer);
  return { at1M, atEnd, maxAfter1M, seconds: (performance.now() - t0) / 1000, points: out };
}

/** The drift report: each detector's firings on the values of three NAB series, against the labelled window. */
function driftReport(log: (s: string) => void): { rows: string[][]; results: unknown[] } | null {
  const wfile = path.join(NAB_ROOT, 'labels', 'combined_windows.json');
  if (!fs.existsSync(wfile)) return null;
  const windows = JSON.parse(fs.readFileSync(wfile, 'utf8')) as Record<string, [string, string][]>;
  const names = ['artificialWithAnomaly/art_daily_jumpsup.csv', 'artificialWithAnomaly/art_daily_flatmiddle.csv', 'realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv'];
  const rows: string[][] = [];
  const results: unknown[] = [];
  for (const name of names) {
    const s = readNabSeries(path.join(NAB_ROOT, 'data', name), name);
    const times = s.timestamps.map((t) => parseNabTime(t));
    const [ws, we] = windows[name][0].map((t) => parseNabTime(t));
    const startRow = times.findIndex((t) => t >= ws);
    const endRow = times.findIndex((t) => t > we) - 1;
    const stepMin = (times[1] - times[0]) / 60_000;
    log(`drift on ${name}: ${s.values.length} rows, window rows ${startRow}–${endRow}`);
    // What the detector watches: the values (--drift-on value), or windowed_gaussian's score (--drift-on score).
    const g = new GaussianStream(6400, 100);
    const watched = { value: s.values, 'windowed_gaussian score': Float64Array.from(s.values, (x) => g.push(x)) };
    for (const [on, xs] of Object.entries(watched)) for (const id of DRIFT_IDS) {
      const d = makeDrift(id, {}, 42);
      const fired: number[] = [];
      for (let i = 0; i < xs.length; i++) if (d.update(xs[i])) fired.push(i);
      const before = fired.filter((i) => i < startRow).length;
      const inside = fired.filter((i) => i >= startRow && i <= endRow).length;
      const after = fired.filter((i) => i > endRow).length;
      const first = fired.find((i) => i >= startRow);
      const delay = first === undefined ? '—' : `${first - startRow} rows (${((first - startRow) * stepMin / 60).toFixed(1)} h)${first > endRow ? ', after the window' : ''}`;
      // NAB centres each window on its labelled anomaly: the first firing at or after the middle.
      const mid = Math.round((startRow + endRow) / 2);
      const afterMid = fired.find((i) => i >= mid);
      const fromMid = afterMid === undefined ? '—' : `${afterMid - mid} rows (${((afterMid - mid) * stepMin / 60).toFixed(1)} h)${afterMid > endRow ? ', after the window' : ''}`;
      rows.push([name.split('/')[1], on, id, `${startRow}–${endRow} of ${s.values.length}`, String(fired.length), String(before), String(inside), String(after), delay, fromMid]);
      results.push({ series: name, watches: on, detector: id, rows: s.values.length, window: [startRow, endRow], fired, before, inside, after, first_from_window_start: first === undefined ? null : first - startRow, first_from_window_middle: afterMid === undefined ? null : afterMid - mid });
    }
  }
  return { rows, results };
}

export async function streamBench(log: (s: string) => void): Promise<{ results: Record<string, unknown>; table: string }> {
  const sp = await speed(log);
  const load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  let text = table(`Stream engine, Node ${process.version}, one thread (best of 3; load average ${load} on ${os.cpus().length} cores)`, ['task', 'ours', 'goal', 'met?'], sp.rows);
  const mem = await rss(10_000_000, log);
  const flat = mem.maxAfter1M <= mem.at1M * 1.25 + 16;
  text += table(`anomaly-lab stream --detector windowed_gaussian: RSS over ${mem.points.toLocaleString('en')} points (${mem.seconds.toFixed(1)} s, ${Math.round(mem.points / mem.seconds).toLocaleString('en')} points/s through the pipes)`, ['RSS at 1M points', 'RSS at 10M points', 'highest after 1M', 'flat after warm-up?'], [
    [`${mem.at1M.toFixed(0)} MiB`, `${mem.atEnd.toFixed(0)} MiB`, `${mem.maxAfter1M.toFixed(0)} MiB`, met(flat)],
  ]);
  const drift = driftReport(log);
  if (drift) {
    text += table('Drift detectors (River defaults) on the values, and on windowed_gaussian\'s score, of NAB series with a level shift, against the labelled window', ['series', 'watches', 'detector', 'window (rows)', 'fired', 'before', 'inside', 'after', 'first at/after the window start', 'first at/after its middle (the anomaly)'], drift.rows);
  }
  return { results: { speed: sp.results, rss_mb: mem, drift: drift?.results ?? 'skipped: NAB corpus absent' }, table: text };
}

type Fit = (X: Matrix) => Promise<FittedModel>;

interface StreamEntry {
  label: string;
  /** The engine for a series of n rows; `fit` is the batch detector's fit, recording its models. */
  engine: (n: number, fit: Fit) => StreamEngineOptions;
  /** The batch detector (none: an online scorer) and its windows. */
  fit?: Fit;
  window?: WindowSpec | null;
  /** Map the scores into [0, 1] by their running ECDF (as series-run.ts does for detectors fitted per series). */
  ecdf: boolean;
}

const zscoreFit: Fit = (X) => fitModel('zscore', {}, X, { seed: 42 });
const iforestW = windowSpec({ window_size: 5, differences: 1 });
const iforestFit: Fit = (X) => fitModel('iforest', { window_size: 0 }, X, { seed: 42 });
const hst = (): StreamEngineOptions => ({ features: 1, protect: false, threshold: { kind: 'fixed', value: Infinity }, source: onlineSource('half_space_trees', {}, 1, 42) });
const zs = (n: number, fit: Fit, more: Partial<StreamEngineOptions> = {}): StreamEngineOptions => ({ features: 1, train: probationRows(n), swap: { after: 0 }, source: { kind: 'batch', window: null, fit }, ...more });

/** The stream rows of the NAB scoreboard: learn on the probationary period, then online updates. */
const STREAM_ENTRIES: StreamEntry[] = [
  { label: 'half_space_trees, stream (ours)', ecdf: false, engine: hst },
  { label: 'half_space_trees, stream, running ECDF (ours)', ecdf: true, engine: hst },
  { label: 'zscore, stream: probation fit, no updates, running ECDF (ours)', ecdf: true, fit: zscoreFit, engine: (n, fit) => zs(n, fit) },
  { label: 'zscore, stream: refit every 1,000 on the last 5,000, protect, running ECDF (ours)', ecdf: true, fit: zscoreFit, engine: (n, fit) => zs(n, fit, { updateEvery: 1000, updateWindow: 5000 }) },
  { label: 'zscore, stream: refit every 1,000 on the last 5,000, no protect, running ECDF (ours)', ecdf: true, fit: zscoreFit, engine: (n, fit) => zs(n, fit, { updateEvery: 1000, updateWindow: 5000, protect: false }) },
  { label: 'zscore, stream: refit every 250 on the last 1,000, protect, running ECDF (ours)', ecdf: true, fit: zscoreFit, engine: (n, fit) => zs(n, fit, { updateEvery: 250, updateWindow: 1000 }) },
  { label: 'zscore, stream: adwin on the value, retrain after a drift, running ECDF (ours)', ecdf: true, fit: zscoreFit, engine: (n, fit) => zs(n, fit, { drift: { make: () => makeDrift('adwin', {}, 42), on: 'value', policy: 'retrain' } }) },
  { label: 'iforest window_size=5 differences=1, stream: refit every 1,000 on the last 5,000, protect, running ECDF (ours)', ecdf: true, fit: iforestFit, window: iforestW, engine: (n, fit) => ({ ...zs(n, fit, { updateEvery: 1000, updateWindow: 5000 }), source: { kind: 'batch', window: iforestW, fit } }) },
];

/**
 * Runs each stream entry over the corpus and scores it as NAB does (the `nab` section's scoreboard).
 * A batch detector's learning period scores 0 in the stream; for NAB's mapping of the scores into
 * [0, 1] (a running ECDF, as series-run.ts) those rows take the first model's scores of them, as
 * series-run's probation fit does: the model scores the points it was fitted on once it is fitted
 * (they are in the engine's history then), so the ECDF starts from them and not from a block of zeros.
 */
export async function streamNabRows(corpus: NabCorpus, log: (s: string) => void): Promise<NabBenchRow[]> {
  const series = corpus.series.map((s) => readNabSeries(path.join(NAB_ROOT, 'data', s.name), s.name));
  const rows: NabBenchRow[] = [];
  for (const e of STREAM_ENTRIES) {
    log(`stream over the corpus: ${e.label}`);
    const t0 = performance.now();
    const scores: Float64Array[] = [];
    for (const s of series) {
      const models: FittedModel[] = [];
      const fit: Fit = async (X) => {
        const m = await e.fit!(X);
        models.push(m);
        return m;
      };
      const options = e.engine(s.values.length, fit);
      const engine = new StreamEngine(options);
      const n = s.values.length;
      const out = await engine.push({ data: s.values, rows: n, cols: 1 });
      const raw = out.scores;
      if (e.fit && models.length > 0) {
        const train = options.train ?? 0;
        const col = { data: s.values.subarray(0, train), rows: train, cols: 1 };
        raw.set(await models[0].score(e.window ? windowFeatures(col, e.window) : col), 0);
      }
      scores.push(e.ecdf ? runningEcdf(raw) : raw);
    }
    const ms = performance.now() - t0;
    const files: NabInput[] = series.map((s, k) => ({ name: s.name, timestamps: s.timestamps, scores: Float64Array.from(scores[k], (v) => roundScore(v, 12)) }));
    rows.push(scoreResults(e.label, files, corpus.windows, 3, { run_ms: ms }));
  }
  return rows;
}

/** `node --import tsx bench/stream.ts drift`: the drift report alone. */
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === 'drift') {
  const d = driftReport((s) => console.error(`  … ${s}`));
  console.log(d ? table('Drift detectors (River defaults) against the labelled window', ['series', 'watches', 'detector', 'window (rows)', 'fired', 'before', 'inside', 'after', 'first at/after the window start', 'first at/after its middle (the anomaly)'], d.rows) : 'NAB corpus absent');
}

/** `node --import tsx bench/stream.ts nab`: the stream rows alone, with the corpus (no other NAB rows). */
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === 'nab') {
  const corpus = loadNabCorpus();
  if (!corpus) throw new Error(`${NAB_ROOT} is absent`);
  const rows = await streamNabRows(corpus, (s) => console.error(`  … ${s}`));
  for (const r of rows) console.log(`${r.detector}\t${r.standard?.toFixed(2)}\t${r.lowFP?.toFixed(2)}\t${r.lowFN?.toFixed(2)}\t${((r.run_ms ?? 0) / 1000).toFixed(1)} s`);
}
