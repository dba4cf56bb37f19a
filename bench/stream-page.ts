/**
 * `npm run bench -- stream-page`: the page's stream replay (issue 19) in headless Chromium. Loads a
 * generated series (one value a second, a slow cycle, noise, a level shift half-way and a few spikes),
 * replays it as fast as possible with each stream detector, and measures from the page:
 * - points per second: the series' length over the time from the play click until the stream panel
 *   says 'ended' (the stream worker scores; the page gets one update per frame);
 * - timeline redraws per second over the same time (the stream timeline's canvas counts its draws);
 * - main-thread long tasks (PerformanceObserver 'longtask', > 50 ms) during the replay.
 * Goals (issue 19): ≥ 50k points/s, ≥ 30 redraws/s, no long task over 50 ms. Reported, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATA_DIR } from './gen.js';
import { openScored, withBrowser } from './browser.js';
import { Random } from '../src/core/random.js';
import { fmtMs, table } from './util.js';
import { mainThreadTasks } from './timeline.js';

export const STREAM_PAGE_ROWS = 500_000;
const SEED = 19;

function ensureSeries(rows: number): string {
  const file = path.join(DATA_DIR, `stream_page_${rows}_seed${SEED}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const rng = new Random(SEED);
  const t0 = Date.UTC(2024, 0, 1);
  const lines = ['timestamp,value'];
  for (let i = 0; i < rows; i++) {
    const iso = new Date(t0 + i * 1000).toISOString();
    const v = 50 + 10 * Math.sin((2 * Math.PI * i) / 3600) + rng.normal() + (i > rows / 2 ? 15 : 0) + (rng.float() < 2e-4 ? 40 : 0);
    lines.push(`${iso.slice(0, 10)} ${iso.slice(11, 19)},${v.toFixed(3)}`);
  }
  fs.writeFileSync(file + '.tmp', lines.join('\n') + '\n');
  fs.renameSync(file + '.tmp', file);
  return file;
}

export interface StreamPageRun {
  detector: string;
  drift: string | null;
  points: number;
  replay_ms: number;
  points_per_s: number;
  draws: number;
  draws_per_s: number;
  long_tasks: number;
  longest_task_ms: number;
  /** The same observer over 2 s before play (nothing streaming): what the busy machine adds by itself. */
  idle_long_tasks: number;
  /** From a trace of the renderer's main thread during the replay: tasks over 50 ms of wall time and of CPU time. */
  trace: ReturnType<typeof mainThreadTasks>;
}

export interface StreamPageResult {
  skipped: string | null;
  rows?: number;
  chromium?: string;
  runs?: StreamPageRun[];
}

const CASES: { detector: string; drift: string | null }[] = [
  { detector: 'half_space_trees', drift: null },
  { detector: 'windowed_gaussian', drift: null },
  { detector: 'half_space_trees', drift: 'adwin' },
];

export async function streamPageBench(log: (s: string) => void): Promise<{ results: StreamPageResult; table: string }> {
  const file = ensureSeries(STREAM_PAGE_ROWS);
  const r = await withBrowser(log, async (sess): Promise<StreamPageResult> => {
    const runs: StreamPageRun[] = [];
    for (const c of CASES) {
      // The plain z-score keeps the load's own run short; the stream is what is measured.
      const opened = await openScored(sess, log, file, STREAM_PAGE_ROWS);
      if (typeof opened === 'string') return { skipped: opened };
      const { page } = opened;
      await page.getByTestId('stream-options').locator('summary').click();
      await page.getByTestId('stream-detector').selectOption(c.detector);
      await page.getByTestId('stream-drift').selectOption(c.drift ?? '');
      await page.getByTestId('stream-speed').selectOption('max');
      await page.getByTestId('stream-panel').scrollIntoViewIfNeeded();
      await page.evaluate(() => {
        const w = window as any;
        w.__longTasks = [];
        new PerformanceObserver((list) => { for (const e of list.getEntries()) w.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
      });
      await page.waitForTimeout(2000);
      const idle: number[] = await page.evaluate(() => (window as any).__longTasks.splice(0));
      const tracePath = path.join(path.dirname(DATA_DIR), 'results', 'stream-page-trace.json');
      fs.mkdirSync(path.dirname(tracePath), { recursive: true });
      await sess.browser.startTracing(page, { path: tracePath, categories: ['toplevel'] });
      const draws0 = Number((await page.locator('[data-testid=stream-timeline] canvas').getAttribute('data-draws')) ?? 0);
      const t = performance.now();
      await page.getByTestId('stream-play').click();
      await page.waitForFunction(() => document.querySelector('[data-testid=stream-status]')?.getAttribute('data-state') === 'ended', null, { timeout: 600_000, polling: 'raf' });
      const replay_ms = performance.now() - t;
      const draws = Number((await page.locator('[data-testid=stream-timeline] canvas').getAttribute('data-draws')) ?? 0) - draws0;
      const points = Number(await page.getByTestId('stream-status').getAttribute('data-points'));
      const lt: number[] = await page.evaluate(() => (window as any).__longTasks);
      await sess.browser.stopTracing();
      const trace = mainThreadTasks(tracePath);
      fs.rmSync(tracePath, { force: true });
      const run = { idle_long_tasks: idle.length, trace, detector: c.detector, drift: c.drift, points, replay_ms, points_per_s: (points * 1000) / replay_ms, draws, draws_per_s: (draws * 1000) / replay_ms, long_tasks: lt.length, longest_task_ms: lt.length ? Math.max(...lt) : 0 };
      log(`stream-page: ${c.detector}${c.drift ? ` + ${c.drift}` : ''}: ${Math.round(run.points_per_s)} points/s, ${run.draws_per_s.toFixed(1)} draws/s, ${lt.length} long tasks`);
      runs.push(run);
      await page.close();
    }
    return { skipped: null, rows: STREAM_PAGE_ROWS, chromium: sess.version, runs };
  });
  const results: StreamPageResult = typeof r === 'string' ? { skipped: r } : r;
  if (results.skipped) return { results, table: `### Stream page\n\nskipped: ${results.skipped}\n` };
  const head = `Stream replay in the page, ${STREAM_PAGE_ROWS.toLocaleString('en-US')} points as fast as possible (headless Chromium ${results.chromium}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}). Goals: ≥ 50,000 points/s, timeline ≥ 30 redraws/s, no main-thread long task over 50 ms`;
  const rows = results.runs!.map((x) => [
    `${x.detector}${x.drift ? ` + ${x.drift}` : ''}`, fmtMs(x.replay_ms), Math.round(x.points_per_s).toLocaleString('en-US'), x.points_per_s >= 50_000 ? 'yes' : 'no',
    x.draws_per_s.toFixed(1), x.draws_per_s >= 30 ? 'yes' : 'no', `${x.long_tasks} (longest ${x.longest_task_ms.toFixed(0)} ms)`, String(x.idle_long_tasks),
    `${x.trace.over_50ms_cpu} of ${x.trace.tasks} (longest ${x.trace.longest_cpu_ms.toFixed(0)} ms)`, x.trace.over_50ms_cpu === 0 ? 'yes' : 'no',
  ]);
  return { results, table: table(head, ['stream', 'replay', 'points/s', '≥ 50k?', 'redraws/s', '≥ 30?', 'long tasks > 50 ms (wall)', 'same, 2 s idle before', 'tasks > 50 ms CPU (trace)', 'none?'], rows) };
}
