/**
 * The windowed tabular detectors over NAB's corpus (issue 16): a small grid of window_size /
 * differences per detector, each run as `anomaly-lab nab --detector ID --param window_size=… --data DIR`
 * runs it (src/core/detectors/series-run.ts: fitted on each series' probationary period, every row
 * scored by the window ending at it, scores mapped into [0, 1] by their running ECDF: every detector
 * here, iforest included, whose scores lie in [0, 1] but on each series' own scale),
 * scores rounded to 12 significant digits, then scored with NAB's rules (thresholds optimised over
 * the corpus). Prints one line per setting and a JSON summary; bench/README.md keeps the table.
 *
 *   node --import tsx bench/nab-windowed.ts [ID …] [--pass2|--pass3]   # default: every detector of the grid; --passN: that pass only
 */
import path from 'node:path';
import { runSeries } from '../src/core/detectors/series-run.js';
import type { NabInput } from '../src/core/metrics/nab.js';
import { readNabSeries, roundScore } from '../src/cli/nab-run.js';
import { NAB_ROOT, loadNabCorpus, scoreResults } from './nab.js';

/** The grid: a few window sizes, values and first differences; defaults otherwise (seed 42). */
export const WINDOWED_GRID: { detector: string; params: Record<string, unknown>; pass?: number }[] = [
  ...[0, 1].map((d) => ({ detector: 'zscore', params: { window_size: 1, differences: d } })),
  ...[5, 10].flatMap((w) => [0, 1].map((d) => ({ detector: 'zscore', params: { window_size: w, differences: d } }))),
  ...[5, 10, 30].flatMap((w) => [0, 1].map((d) => ({ detector: 'knn', params: { window_size: w, differences: d } }))),
  ...[5, 10, 30].flatMap((w) => [0, 1].map((d) => ({ detector: 'lof', params: { window_size: w, differences: d } }))),
  ...[5, 10, 30].flatMap((w) => [0, 1].map((d) => ({ detector: 'iforest', params: { window_size: w, differences: d } }))),
  ...[10].flatMap((w) => [0, 1].map((d) => ({ detector: 'ocsvm', params: { window_size: w, differences: d } }))),
  // Second pass, after the first showed smaller windows doing better: windows of 2 and 3 rows.
  ...['zscore', 'knn', 'lof'].flatMap((detector) => [2, 3].map((w) => ({ detector, params: { window_size: w, differences: 0 }, pass: 2 }))),
  // Third pass, after the runner mapped iforest's per-series scores by the running ECDF too (its
  // first-pass rows rerun): iforest over windows of 2 and 3 rows, values and first differences.
  ...[2, 3].flatMap((w) => [0, 1].map((d) => ({ detector: 'iforest', params: { window_size: w, differences: d }, pass: 3 }))),
];

export function label(e: { detector: string; params: Record<string, unknown> }): string {
  return `${e.detector} ${Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

async function main(): Promise<void> {
  const corpus = loadNabCorpus();
  if (!corpus) throw new Error(`no NAB corpus at ${NAB_ROOT}`);
  const args = process.argv.slice(2);
  const pass = args.includes('--pass2') ? 2 : args.includes('--pass3') ? 3 : 0;
  const only = args.filter((a) => !a.startsWith('--'));
  const series = corpus.series.map((s) => readNabSeries(path.join(NAB_ROOT, 'data', s.name), s.name));
  const out: Record<string, unknown>[] = [];
  for (const e of WINDOWED_GRID.filter((x) => (only.length === 0 || only.includes(x.detector)) && (!pass || x.pass === pass))) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const files: NabInput[] = [];
    for (const s of series) {
      const r = await runSeries(e.detector, e.params, s.values, { seed: 42, name: s.name });
      files.push({ name: s.name, timestamps: s.timestamps, scores: Float64Array.from(r.scores, (v) => roundScore(v, 12)) });
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const row = scoreResults(label(e), files, corpus.windows, 1, { run_ms: ms });
    const line = { detector: label(e), standard: row.standard, lowFP: row.lowFP, lowFN: row.lowFN, run_s: +(ms / 1000).toFixed(1), cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(1) };
    out.push(line);
    console.log(`${line.detector.padEnd(40)} ${row.standard?.toFixed(1)} / ${row.lowFP?.toFixed(1)} / ${row.lowFN?.toFixed(1)}   ${line.run_s} s wall, ${line.cpu_s} s CPU`);
  }
  console.log(JSON.stringify(out));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
