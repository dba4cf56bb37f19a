/**
 * NAB (`npm run bench -- nab`): how fast our scorer scores one detector's results over the whole
 * corpus (58 series, 365,558 rows, 116 windows; three profiles, each threshold optimised over the
 * corpus as NAB's sweeper does), and the scoreboard: our detectors' corpus scores beside NAB's
 * published ones.
 *
 * The scored detector is a seeded uniform random one (full-precision scores: ~310k distinct values,
 * the sweep's worst case), which is also NAB's `random` baseline (11.0 / 1.2 / 19.5, a mean over seeds).
 * Detectors that run over the corpus add their rows through `nabBench(log, { detectors })`, each made
 * with `scoreResults` (see NabBenchRow).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSeries, scoreLabelled, type NabInput, type NabWindows } from '../src/core/metrics/nab.js';
import { Random } from '../src/core/random.js';
import { fmtMs, gc, median, met, table } from './util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** ../shared/datasets/nab, beside the checkout. */
export const NAB_ROOT = path.resolve(here, '..', '..', 'shared', 'datasets', 'nab');

/** NAB's published scoreboard (numenta/NAB README; standard / reward_low_FP_rate / reward_low_FN_rate). */
export const NAB_SCOREBOARD: readonly { detector: string; standard: number; lowFP: number; lowFN: number }[] = [
  { detector: 'ARTime', standard: 74.9, lowFP: 65.1, lowFN: 80.4 },
  { detector: 'Numenta HTM', standard: 70.1, lowFP: 63.1, lowFN: 74.3 },
  { detector: 'CAD OSE', standard: 69.9, lowFP: 67.0, lowFN: 73.2 },
  { detector: 'earthgecko Skyline', standard: 58.2, lowFP: 46.2, lowFN: 63.9 },
  { detector: 'KNN CAD', standard: 58.0, lowFP: 43.4, lowFN: 64.8 },
  { detector: 'Relative Entropy', standard: 54.6, lowFP: 47.6, lowFN: 58.8 },
  { detector: 'Random Cut Forest', standard: 51.7, lowFP: 38.4, lowFN: 59.7 },
  { detector: 'Twitter ADVec', standard: 47.1, lowFP: 33.6, lowFN: 53.5 },
  { detector: 'Windowed Gaussian', standard: 39.6, lowFP: 20.9, lowFN: 47.4 },
  { detector: 'Etsy Skyline', standard: 35.7, lowFP: 27.1, lowFN: 44.5 },
  { detector: 'Bayes changepoint', standard: 17.7, lowFP: 3.2, lowFN: 32.2 },
  { detector: 'EXPoSE', standard: 16.4, lowFP: 3.2, lowFN: 26.9 },
  { detector: 'random (mean over seeds)', standard: 11.0, lowFP: 1.2, lowFN: 19.5 },
];

/** One of our rows on the scoreboard. */
export interface NabBenchRow {
  /** e.g. 'windowed_gaussian (ours)'. */
  detector: string;
  standard: number | null;
  lowFP: number | null;
  lowFN: number | null;
  /** Each profile's corpus-optimised threshold. */
  thresholds: { standard: number; lowFP: number; lowFN: number };
  /** Time to run the detector over the corpus (ms), when it ran here. */
  run_ms?: number;
  /** Time to score its results (three profiles, optimised thresholds; ms, median of the runs). */
  score_ms: number;
  /** What to compare it with: NAB's published standard score for the same detector, if any. */
  published?: number;
}

/** The corpus's series: names, timestamps (text, as in the files) and row counts. */
export interface NabCorpus {
  windows: NabWindows;
  series: { name: string; timestamps: string[] }[];
  rows: number;
}

/** Reads ../shared/datasets/nab (null when it is absent). */
export function loadNabCorpus(root = NAB_ROOT): NabCorpus | null {
  const wfile = path.join(root, 'labels', 'combined_windows.json');
  if (!fs.existsSync(wfile)) return null;
  const windows = JSON.parse(fs.readFileSync(wfile, 'utf8')) as NabWindows;
  const series = Object.keys(windows).map((name) => {
    const lines = fs.readFileSync(path.join(root, 'data', name), 'utf8').split('\n');
    const timestamps: string[] = [];
    for (let i = 1; i < lines.length; i++) if (lines[i].trim()) timestamps.push(lines[i].slice(0, lines[i].indexOf(',')));
    return { name, timestamps };
  });
  return { windows, series, rows: series.reduce((a, s) => a + s.timestamps.length, 0) };
}

/**
 * Scores a detector's corpus results as NAB does (three profiles, each threshold optimised over the
 * corpus), `reps` times, and returns its scoreboard row with the median time. The time covers matching
 * the windows (timestamps parsed) and the scoring; not reading files.
 */
export function scoreResults(detector: string, files: readonly NabInput[], windows: NabWindows, reps = 5, extra: Partial<NabBenchRow> = {}): NabBenchRow & { prepare_ms: number; sweep_ms: number; cpu_ms: number } {
  const prep: number[] = [];
  const sweep: number[] = [];
  const cpu: number[] = [];
  let res: ReturnType<typeof scoreLabelled> | null = null;
  for (let r = 0; r < reps; r++) {
    gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const items = files.map((f) => ({ series: prepareSeries(f.name, f.timestamps, windows[f.name]), scores: f.scores }));
    const t1 = performance.now();
    res = scoreLabelled(items);
    const t2 = performance.now();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    prep.push(t1 - t0);
    sweep.push(t2 - t1);
  }
  const r = res as ReturnType<typeof scoreLabelled>;
  const total = prep.map((p, k) => p + sweep[k]);
  return {
    detector,
    standard: r.standard.score,
    lowFP: r.reward_low_FP_rate.score,
    lowFN: r.reward_low_FN_rate.score,
    thresholds: { standard: r.standard.threshold, lowFP: r.reward_low_FP_rate.threshold, lowFN: r.reward_low_FN_rate.threshold },
    score_ms: median(total),
    prepare_ms: median(prep),
    sweep_ms: median(sweep),
    cpu_ms: median(cpu),
    ...extra,
  };
}

const f1 = (x: number | null) => (x === null ? '—' : x.toFixed(1));

/** The scoreboard: NAB's published rows and ours, by standard score, highest first. */
export function scoreboardTable(ours: readonly NabBenchRow[]): string {
  const rows = [
    ...NAB_SCOREBOARD.map((p) => ({ key: p.standard, cells: [p.detector, f1(p.standard), f1(p.lowFP), f1(p.lowFN), 'NAB (published)', '', ''] })),
    ...ours.map((o) => ({
      key: o.standard ?? -Infinity,
      cells: [`**${o.detector}**`, f1(o.standard), f1(o.lowFP), f1(o.lowFN), o.published !== undefined ? `ours (NAB: ${o.published.toFixed(1)}${o.standard !== null ? `, Δ ${(o.standard - o.published).toFixed(2)}` : ''})` : 'ours', o.run_ms !== undefined ? fmtMs(o.run_ms) : '', fmtMs(o.score_ms)],
    })),
  ].sort((a, b) => b.key - a.key);
  return table('NAB scoreboard (normalised; 100 = perfect, 0 = null)', ['detector', 'standard', 'low FP', 'low FN', 'source', 'run over corpus', 'score'], rows.map((r) => r.cells));
}

/** Scores drawn uniformly in [0, 1) from the seeded PRNG, one per row of every series. */
export function randomResults(corpus: NabCorpus, seed = 1): NabInput[] {
  const rng = new Random(seed);
  return corpus.series.map((s) => ({ name: s.name, timestamps: s.timestamps, scores: Float64Array.from(s.timestamps, () => rng.float()) }));
}

/** Writes results in NAB's layout (<category>/<prefix>_<file>.csv: timestamp,anomaly_score) for the CLI run. */
function writeResultsDir(dir: string, prefix: string, files: readonly NabInput[]): void {
  for (const f of files) {
    const [cat, base] = f.name.split('/');
    fs.mkdirSync(path.join(dir, cat), { recursive: true });
    const ts = f.timestamps as string[];
    const lines = ['timestamp,anomaly_score'];
    for (let i = 0; i < ts.length; i++) lines.push(`${ts[i]},${f.scores[i]}`);
    fs.writeFileSync(path.join(dir, cat, `${prefix}_${base}`), `${lines.join('\n')}\n`);
  }
}

export interface NabBenchOptions {
  /** Detectors to run over the corpus and put on the scoreboard (each row made with scoreResults). */
  detectors?: (corpus: NabCorpus, log: (s: string) => void) => Promise<NabBenchRow[]>;
  reps?: number;
}

/** The `nab` bench section: speed of the scorer, the CLI on a results directory, and the scoreboard. */
export async function nabBench(log: (s: string) => void, options: NabBenchOptions = {}): Promise<{ results: Record<string, unknown>; table: string }> {
  const corpus = loadNabCorpus();
  if (!corpus) return { results: { skipped: `${NAB_ROOT} is absent` }, table: `### NAB\n\nskipped: ${NAB_ROOT} is absent\n` };
  const reps = options.reps ?? 7;
  log(`NAB corpus: ${corpus.series.length} series, ${corpus.rows} rows`);
  const random = randomResults(corpus, 1);
  const distinct = new Set(random.flatMap((f) => Array.from(f.scores))).size;
  log(`scoring a random detector's results ${reps} times`);
  const r = scoreResults('random, seed 1 (ours)', random, corpus.windows, reps, { published: 11.0 });

  // The command line on the same results written in NAB's layout: read, match, score, print.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anomaly-lab-nab-bench-'));
  let cliMs: number | null = null;
  try {
    writeResultsDir(dir, 'random', random);
    const bin = path.resolve(here, '..', 'bin', 'anomaly-lab.js');
    const times: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      execFileSync(process.execPath, [bin, 'nab', dir, '--windows', path.join(NAB_ROOT, 'labels', 'combined_windows.json'), '--json'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
      times.push(performance.now() - t0);
    }
    cliMs = median(times);
  } catch (e) {
    log(`the CLI run failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const ours: NabBenchRow[] = [r];
  if (options.detectors) ours.push(...(await options.detectors(corpus, log)));

  const load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  const speed = table(`NAB scorer: one detector's results over the corpus (${corpus.series.length} series, ${corpus.rows.toLocaleString('en')} rows, ${distinct.toLocaleString('en')} distinct scores; 3 profiles, thresholds optimised; load average ${load} on ${os.cpus().length} cores)`, ['task', 'ours', 'goal', 'met?'], [
    ['match windows to rows (timestamps parsed)', fmtMs(r.prepare_ms), '', ''],
    ['score: 3 profiles, corpus-optimised thresholds', fmtMs(r.sweep_ms), '', ''],
    ['total, wall (median of ' + reps + ')', fmtMs(r.score_ms), '< 1 s', met(r.score_ms < 1000)],
    ['total, CPU time of this thread and GC (median of ' + reps + ')', fmtMs(r.cpu_ms), '< 1 s', met(r.cpu_ms < 1000)],
    ['`anomaly-lab nab RESULTS_DIR --json` (node start, read 58 CSVs, score)', fmtMs(cliMs), '', ''],
  ]);
  const results = {
    rows: corpus.rows,
    series: corpus.series.length,
    distinct_scores: distinct,
    reps,
    prepare_ms: r.prepare_ms,
    sweep_ms: r.sweep_ms,
    score_ms: r.score_ms,
    cpu_ms: r.cpu_ms,
    cli_ms: cliMs,
    load_average: os.loadavg(),
    scoreboard: ours,
  };
  return { results, table: `${speed}\n${scoreboardTable(ours)}` };
}
