/**
 * `npm run bench -- density`: the scatter plot's density layer at 1M rows (issue 23). Loads a
 * generated 1M × 2 file with a label (a Gaussian blob, 1 % labelled outliers spread wide), scores
 * it with the z-score detector, waits for the density layer to bin every row in the data worker,
 * then moves the threshold 60 times with the slider's arrow keys and 10 times through the
 * flagged-rows box (up to 200,000 flagged: the overlay then samples the flagged rows), while a
 * PerformanceObserver counts the main thread's long tasks ('longtask', > 50 ms) and a trace gives
 * each task's CPU time. Per step: the time from the input to the plot's note showing the new flagged
 * count after a frame. Goal (issue 23): no long task over 50 ms, each step within a frame or two.
 * Reported, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { DATA_DIR } from './gen.js';
import { openScored, withBrowser } from './browser.js';
import { mainThreadTasks } from './timeline.js';
import { Random } from '../src/core/random.js';
import { fmtMs, median, table } from './util.js';

export const DENSITY_ROWS = 1_000_000;
const SEED = 23;

function ensureFile(rows: number): string {
  const file = path.join(DATA_DIR, `density_${rows}_seed${SEED}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const rng = new Random(SEED);
  const fd = fs.openSync(file + '.tmp', 'w');
  fs.writeSync(fd, 'x0,x1,label\n');
  let buf: string[] = [];
  for (let i = 0; i < rows; i++) {
    const out = rng.float() < 0.01;
    buf.push(out ? `${rng.uniform(-6, 6).toFixed(4)},${rng.uniform(-6, 6).toFixed(4)},1` : `${rng.normal().toFixed(4)},${(0.6 * rng.normal()).toFixed(4)},0`);
    if (buf.length === 50_000) { fs.writeSync(fd, buf.join('\n') + '\n'); buf = []; }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
  return file;
}

export interface DensityBenchResult {
  skipped: string | null;
  rows?: number;
  load_ms?: number;
  binned_ms?: number;
  steps?: Record<string, { count: number; ms_median: number; ms_max: number }>;
  long_tasks?: { count: number; longest_ms: number; durations_ms: number[] };
  /** The same 60 arrow-key moves with the density layer off (the trace covers both). */
  long_tasks_density_off?: { count: number; longest_ms: number; durations_ms: number[] };
  trace?: ReturnType<typeof mainThreadTasks>;
  /** Density grids the page received during the threshold moves (goal: 0, nothing is rebinned). */
  density_grids_during_moves?: number;
  chromium?: string;
}

/** Milliseconds from `act` until the plot's note differs from before and a frame has been drawn. */
async function timed(page: Page, act: () => Promise<void>): Promise<number> {
  const before = await page.getByTestId('plot-note').textContent();
  const t = performance.now();
  await act();
  await page.waitForFunction((b) => document.querySelector('[data-testid=plot-note]')?.textContent !== b, before, { timeout: 30_000, polling: 'raf' });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return performance.now() - t;
}

export async function densityBench(log: (s: string) => void): Promise<{ results: DensityBenchResult; table: string }> {
  log(`density: ${DENSITY_ROWS.toLocaleString('en-US')} × 2 file …`);
  const file = ensureFile(DENSITY_ROWS);
  const r = await withBrowser(log, async (sess): Promise<DensityBenchResult> => {
    const opened = await openScored(sess, log, file, DENSITY_ROWS);
    if (typeof opened === 'string') return { skipped: opened };
    const { page, load_ms } = opened;
    const tb = performance.now();
    await page.waitForFunction((rows) => document.querySelector('[data-testid=density-layer]')?.getAttribute('data-rows') === String(rows), DENSITY_ROWS, { timeout: 120_000 });
    const binned_ms = performance.now() - tb;
    log(`density: loaded and scored in ${fmtMs(load_ms)}, every row binned ${fmtMs(binned_ms)} later; moving the threshold`);
    // The grid with the run's scores may follow the first one (the scores reach the worker after the run): wait until none comes for 1.5 s.
    let seen = -1;
    for (let i = 0; i < 60; i++) {
      const g = Number(await page.getByTestId('density-layer').getAttribute('data-grids'));
      if (g === seen) break;
      seen = g;
      await page.waitForTimeout(1500);
    }
    const tracePath = path.join(path.dirname(DATA_DIR), 'results', 'density-trace.json');
    fs.mkdirSync(path.dirname(tracePath), { recursive: true });
    await sess.browser.startTracing(page, { path: tracePath, categories: ['toplevel'] });
    // Long tasks, and the density grids the page asks the worker for (none should be asked for by a threshold move).
    await page.evaluate(() => {
      const w = window as any;
      w.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
      w.__grids = Number(document.querySelector('[data-testid=density-layer]')?.getAttribute('data-grids'));
    });
    const steps: Record<string, number[]> = {};
    const slider = page.getByTestId('threshold-slider');
    await slider.focus();
    for (let i = 0; i < 60; i++) {
      const key = i < 30 ? 'ArrowLeft' : 'ArrowRight';
      (steps['slider arrow key'] ??= []).push(await timed(page, () => page.keyboard.press(key)));
    }
    const rng = new Random(5);
    for (let i = 0; i < 10; i++) {
      const n = i % 2 ? Math.round(rng.uniform(100, 1500)) : Math.round(rng.uniform(5_000, 200_000));
      (steps['flagged-rows box'] ??= []).push(await timed(page, () => page.getByTestId('flagged-count').fill(String(n))));
    }
    await page.waitForTimeout(300);
    const gridsAfter = Number(await page.getByTestId('density-layer').getAttribute('data-grids'));
    // The same arrow-key moves with the density layer off, under the same load: what the layer costs.
    const longOn: number = await page.evaluate(() => (window as any).__longTasks.length);
    await page.getByTestId('density-mode').selectOption('off');
    await page.waitForTimeout(500);
    const offStart: number = await page.evaluate(() => (window as any).__longTasks.length);
    await slider.focus();
    for (let i = 0; i < 60; i++) {
      const key = i < 30 ? 'ArrowLeft' : 'ArrowRight';
      (steps['slider arrow key, density off'] ??= []).push(await timed(page, () => page.keyboard.press(key)));
    }
    await page.waitForTimeout(300);
    const offDurations: number[] = await page.evaluate((from) => (window as any).__longTasks.slice(from), offStart);
    const durations: number[] = await page.evaluate((n) => (window as any).__longTasks.slice(0, n), longOn);
    await sess.browser.stopTracing();
    const trace = mainThreadTasks(tracePath);
    fs.rmSync(tracePath, { force: true });
    return {
      skipped: null, rows: DENSITY_ROWS, load_ms, binned_ms, chromium: sess.version,
      steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, { count: v.length, ms_median: median(v), ms_max: Math.max(...v) }])),
      long_tasks: { count: durations.length, longest_ms: durations.length ? Math.max(...durations) : 0, durations_ms: durations.map((d) => Math.round(d)) },
      long_tasks_density_off: { count: offDurations.length, longest_ms: offDurations.length ? Math.max(...offDurations) : 0, durations_ms: offDurations.map((d) => Math.round(d)) },
      trace,
      density_grids_during_moves: gridsAfter - (await page.evaluate(() => (window as any).__grids as number)),
    };
  });
  const results: DensityBenchResult = typeof r === 'string' ? { skipped: r } : r;
  if (results.skipped) return { results, table: `### Density\n\nskipped: ${results.skipped}\n` };
  const lt = results.long_tasks!;
  const tr = results.trace!;
  const head = `Scatter density layer, ${DENSITY_ROWS.toLocaleString('en-US')} rows × 2 (headless Chromium ${results.chromium}; load + z-score ${fmtMs(results.load_ms!)}, every row binned ${fmtMs(results.binned_ms!)} after; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}): main-thread long tasks during the 70 threshold moves with the density layer on: ${lt.count}, longest ${lt.longest_ms.toFixed(0)} ms (goal: none over 50 ms); during the 60 arrow-key moves with it off: ${results.long_tasks_density_off!.count}, longest ${results.long_tasks_density_off!.longest_ms.toFixed(0)} ms; density grids rebinned during them: ${results.density_grids_during_moves} (goal 0); in the trace (both), ${tr.over_50ms_wall} of ${tr.tasks} tasks over 50 ms of wall time, the longest by CPU ${tr.longest_cpu_ms.toFixed(1)} ms (${tr.over_50ms_cpu} over 50 ms)`;
  return { results, table: table(head, ['threshold move', 'count', 'input → note + frame, median', 'max'], Object.entries(results.steps!).map(([k, v]) => [k, String(v.count), fmtMs(v.ms_median), fmtMs(v.ms_max)])) };
}
