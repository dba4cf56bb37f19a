/**
 * `npm run bench -- timeline`: the timeline view on a 1M-point series (issue 16). Loads a
 * generated series (one value a minute, NAB's timestamp format, a daily cycle, noise and a few
 * anomalies) into the page, scores it with the z-score detector, opens the Timeline tab and then
 * zooms (wheel), pans (drag), brushes the overview, hovers and drags the threshold line, while a
 * PerformanceObserver counts the main thread's long tasks ('longtask', > 50 ms). Goal (issue 16):
 * no long task over 50 ms during pan and zoom. Also prints, per kind of step, the time from the input
 * to the decimation for the new range being drawn (the data worker's round trip), median and max.
 * Reported, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { DATA_DIR } from './gen.js';
import { openScored, withBrowser } from './browser.js';
import { Random } from '../src/core/random.js';
import { fmtMs, median, table } from './util.js';

export const TIMELINE_ROWS = 1_000_000;
const SEED = 16;

/** The series' file (written once): timestamp,value — 1M minutes from 2020-01-01 00:00 UTC. */
function ensureSeries(rows: number): string {
  const file = path.join(DATA_DIR, `timeline_${rows}_seed${SEED}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const rng = new Random(SEED);
  const t0 = Date.UTC(2020, 0, 1);
  const fd = fs.openSync(file + '.tmp', 'w');
  fs.writeSync(fd, 'timestamp,value\n');
  let buf: string[] = [];
  for (let i = 0; i < rows; i++) {
    const iso = new Date(t0 + i * 60_000).toISOString();
    const v = 100 + 20 * Math.sin((2 * Math.PI * i) / 1440) + 3 * rng.normal() + (rng.float() < 1e-4 ? 80 * (rng.float() - 0.3) : 0);
    buf.push(`${iso.slice(0, 10)} ${iso.slice(11, 19)},${v.toFixed(3)}`);
    if (buf.length === 50_000) { fs.writeSync(fd, buf.join('\n') + '\n'); buf = []; }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
  return file;
}

interface Attrs { start: number; end: number; drawnStart: number; drawnEnd: number; rows: number }

async function attrs(page: Page): Promise<Attrs> {
  return page.getByTestId('timeline-plot').evaluate((e) => ({
    start: Number(e.getAttribute('data-visible-start')), end: Number(e.getAttribute('data-visible-end')),
    drawnStart: Number(e.getAttribute('data-drawn-start')), drawnEnd: Number(e.getAttribute('data-drawn-end')),
    rows: Number(e.getAttribute('data-rows-in-view')),
  }));
}

/** Milliseconds until the range on screen is the decimation's (the worker answered and the frame was drawn). */
async function settle(page: Page): Promise<number> {
  const t = performance.now();
  await page.waitForFunction(() => {
    const e = document.querySelector('[data-testid=timeline-plot]');
    return !!e && e.getAttribute('data-visible-start') === e.getAttribute('data-drawn-start') && e.getAttribute('data-visible-end') === e.getAttribute('data-drawn-end');
  }, null, { timeout: 30_000, polling: 'raf' });
  return performance.now() - t;
}

/** The renderer main thread's tasks in a Chrome trace ('toplevel'): wall (dur) and thread CPU time (tdur). */
export function mainThreadTasks(file: string): NonNullable<TimelineBenchResult['trace']> {
  const events = (JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: { name: string; ph: string; pid: number; tid: number; dur?: number; tdur?: number; args?: { name?: string } }[] }).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`));
  const long = tasks.filter((t) => (t.dur ?? 0) > 50_000);
  return {
    tasks: tasks.length,
    over_50ms_wall: long.length,
    longest_wall_ms: Math.max(0, ...tasks.map((t) => (t.dur ?? 0) / 1000)),
    longest_cpu_ms: Math.max(0, ...tasks.map((t) => (t.tdur ?? 0) / 1000)),
    over_50ms_cpu: tasks.filter((t) => (t.tdur ?? 0) > 50_000).length,
    long_tasks_cpu_ms: long.map((t) => Math.round((t.tdur ?? 0) / 1000)),
  };
}

export interface TimelineBenchResult {
  skipped: string | null;
  rows?: number;
  load_ms?: number;
  steps?: Record<string, { count: number; settle_ms_median: number; settle_ms_max: number; rows_in_view_min: number; rows_in_view_max: number }>;
  long_tasks?: { count: number; longest_ms: number; total_ms: number; durations_ms: number[] };
  /** From the trace: the main thread's tasks over 50 ms of wall time, and the CPU time each of them took. */
  trace?: { tasks: number; over_50ms_wall: number; longest_wall_ms: number; longest_cpu_ms: number; over_50ms_cpu: number; long_tasks_cpu_ms: number[] };
  chromium?: string;
}

export async function timelineBench(log: (s: string) => void): Promise<{ results: TimelineBenchResult; table: string }> {
  log(`timeline: series of ${TIMELINE_ROWS.toLocaleString('en-US')} points …`);
  const file = ensureSeries(TIMELINE_ROWS);
  const r = await withBrowser(log, async (sess): Promise<TimelineBenchResult> => {
    const opened = await openScored(sess, log, file, TIMELINE_ROWS);
    if (typeof opened === 'string') return { skipped: opened };
    const { page, load_ms } = opened;
    log(`timeline: loaded and scored in ${fmtMs(load_ms)}; opening the timeline`);
    await page.getByTestId('timeline-tab').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline-plot]')?.getAttribute('data-points-drawn') ?? 0) > 0, null, { timeout: 60_000 });
    await settle(page);
    // Long tasks from here on: only the interaction is measured, not the load. A trace of the
    // renderer's main thread beside it gives each task's CPU time: on this busy 2-core machine a
    // task's wall time also counts the time the thread waited for a core or for the compositor.
    const tracePath = path.join(path.dirname(DATA_DIR), 'results', 'timeline-trace.json');
    fs.mkdirSync(path.dirname(tracePath), { recursive: true });
    await sess.browser.startTracing(page, { path: tracePath, categories: ['toplevel'] });
    await page.evaluate(() => {
      const w = window as any;
      w.__longTasks = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
    });
    const plot = (await page.getByTestId('timeline-plot').boundingBox())!;
    const ov = (await page.getByTestId('timeline-overview').boundingBox())!;
    const rng = new Random(7);
    const steps: Record<string, { ms: number[]; rows: number[] }> = {};
    const step = async (kind: string, act: () => Promise<void>) => {
      await act();
      const ms = await settle(page);
      (steps[kind] ??= { ms: [], rows: [] }).ms.push(ms);
      steps[kind].rows.push((await attrs(page)).rows);
    };
    const x = (f: number) => plot.x + 64 + f * (plot.width - 64 - 14);
    const y = plot.y + plot.height * 0.3;
    for (let round = 0; round < 3; round++) {
      // Zoom in by wheel in eight notches around random points, pan both ways, zoom out again.
      for (let i = 0; i < 8; i++) await step('wheel zoom in', async () => { await page.mouse.move(x(rng.uniform(0.1, 0.9)), y); await page.mouse.wheel(0, -400); });
      for (let i = 0; i < 6; i++) {
        await step('drag pan', async () => {
          const from = x(0.5), d = (i % 2 ? 1 : -1) * 200;
          await page.mouse.move(from, y);
          await page.mouse.down();
          await page.mouse.move(from + d, y, { steps: 8 });
          await page.mouse.up();
        });
      }
      for (let i = 0; i < 8; i++) await step('wheel zoom out', async () => { await page.mouse.move(x(rng.uniform(0.1, 0.9)), y); await page.mouse.wheel(0, 400); });
      for (let i = 0; i < 3; i++) {
        await step('overview brush', async () => {
          const a = rng.uniform(0.05, 0.8);
          await page.mouse.move(ov.x + 64 + a * (ov.width - 78), ov.y + ov.height / 2);
          await page.mouse.down();
          await page.mouse.move(ov.x + 64 + (a + rng.uniform(0.01, 0.15)) * (ov.width - 78), ov.y + ov.height / 2, { steps: 6 });
          await page.mouse.up();
        });
      }
      await step('reset', () => page.getByTestId('timeline-reset').click());
    }
    // Hover across the whole series (nearest-row lookups in the worker) and a threshold drag.
    for (let i = 0; i <= 40; i++) await page.mouse.move(x(i / 40), y);
    const ty = Number(await page.getByTestId('timeline-plot').getAttribute('data-threshold-y'));
    if (ty > 0) {
      await page.mouse.move(x(0.7), plot.y + ty);
      await page.mouse.down();
      await page.mouse.move(x(0.7), plot.y + ty - 30, { steps: 10 });
      await page.mouse.up();
    }
    await page.waitForTimeout(300);
    const durations: number[] = await page.evaluate(() => (window as any).__longTasks);
    await sess.browser.stopTracing();
    const trace = mainThreadTasks(tracePath);
    fs.rmSync(tracePath, { force: true });
    return {
      skipped: null, rows: TIMELINE_ROWS, load_ms, chromium: sess.version,
      steps: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, { count: v.ms.length, settle_ms_median: median(v.ms), settle_ms_max: Math.max(...v.ms), rows_in_view_min: Math.min(...v.rows), rows_in_view_max: Math.max(...v.rows) }])),
      long_tasks: { count: durations.length, longest_ms: durations.length ? Math.max(...durations) : 0, total_ms: durations.reduce((a, b) => a + b, 0), durations_ms: durations.map((d) => Math.round(d)) },
      trace,
    };
  });
  const results: TimelineBenchResult = typeof r === 'string' ? { skipped: r } : r;
  if (results.skipped) return { results, table: `### Timeline\n\nskipped: ${results.skipped}\n` };
  const rowsOut = Object.entries(results.steps!).map(([k, v]) => [k, String(v.count), fmtMs(v.settle_ms_median), fmtMs(v.settle_ms_max), `${v.rows_in_view_min.toLocaleString('en-US')} – ${v.rows_in_view_max.toLocaleString('en-US')}`]);
  const lt = results.long_tasks!;
  const tr = results.trace!;
  const head = `Timeline, ${TIMELINE_ROWS.toLocaleString('en-US')} points (headless Chromium ${results.chromium}; load + z-score ${fmtMs(results.load_ms!)}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}): main-thread long tasks during the steps below, hover over 41 positions and a threshold drag: ${lt.count}, longest ${lt.longest_ms.toFixed(0)} ms (goal: none over 50 ms); in the trace, ${tr.over_50ms_wall} of ${tr.tasks} tasks over 50 ms of wall time, whose CPU time was ${tr.long_tasks_cpu_ms.length ? `${Math.min(...tr.long_tasks_cpu_ms)}–${Math.max(...tr.long_tasks_cpu_ms)} ms` : '—'}; the longest task by CPU ${tr.longest_cpu_ms.toFixed(1)} ms (${tr.over_50ms_cpu} over 50 ms)`;
  return { results, table: table(head, ['step', 'count', 'input → drawn, median', 'max', 'rows in view'], rowsOut) };
}
