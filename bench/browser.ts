/**
 * Browser benchmark: build the page, serve it with `vite preview`, load the
 * benchmark CSV through the file input in headless Chromium, and time
 * file chosen → Dataset ready (the page's own parse_ms and our wall time), then
 * a z-score run; meanwhile poll the renderer processes' RSS for the peak.
 * `browserIforestBench`: upload → plotted Isolation Forest scores (the page's
 * default detector, auto-run after a load), per file in a fresh page, with
 * the page's JS heap from CDP besides the RSS. `browserUploadBench`: the same
 * for any detector chosen before the upload (LOF 100k × 10), repeated.
 * Both drive the page only through `window.__anomalyLab.state()` and
 * data-testids (csv-input, detector-select, scatter-plot), so the same bench
 * runs against the page before and after the house change (issue 12).
 *
 * Any failure to build, serve or find the page's test hook is reported as a
 * skip with the reason, never thrown.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = Number(process.env.BENCH_PORT ?? 4199);
/** Our own build output, so that the bench never overwrites dist/ under another build. */
const OUT_DIR = 'bench/results/dist';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserResult {
  skipped: string | null;
  build_ms?: number;
  parse_ms_page?: number | null;
  parse_ms_wall?: number;
  rows?: number;
  cols?: number;
  run?: { job: string; fit_ms: number | null; score_ms: number | null; total_ms: number | null; wall_ms: number; backend: string | null; message?: string } | null;
  peak_renderer_rss_mb?: number;
  peak_renderer_rss_mb_load?: number;
  baseline_renderer_rss_mb?: number;
  chromium?: string;
  /** navigator.hardwareConcurrency in the page (the detector pool has max(2, it − 1) workers). */
  hardware_concurrency?: number | null;
}

interface HookState {
  dataset: { name: string; rows: number; cols: number } | null;
  timings: { parse_ms: number | null; fit_ms: number | null; score_ms: number | null; total_ms: number | null };
  job: string;
  jobMessage?: string;
  backend: string | null;
}

/** Every process's parent and command line, read from /proc, and whether one descends from another. */
function processTable(): { cmd: Map<number, string>; descends: (pid: number, ancestor: number) => boolean } {
  const parent = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(Number(d), fs.readFileSync(`/proc/${d}/cmdline`, 'utf8'));
    } catch { /* gone */ }
  }
  const descends = (pid: number, ancestor: number) => {
    for (let p = parent.get(pid) ?? 0, k = 0; p > 1 && k < 64; p = parent.get(p) ?? 0, k++) if (p === ancestor) return true;
    return false;
  };
  return { cmd, descends };
}

/** Sum of VmRSS (MB) over the renderer processes descended from `browserPid`. */
export function rendererRssMb(browserPid: number): number {
  const { cmd, descends } = processTable();
  let kb = 0;
  for (const [pid, c] of cmd) {
    if (!c.includes('--type=renderer') || !descends(pid, browserPid)) continue;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch { /* gone */ }
  }
  return kb / 1024;
}

/**
 * CPU time (s, user + system) of each renderer process descended from `browserPid`, by pid: the tab
 * and its workers (threads of the tab's process). Less sensitive to other load on the machine than
 * wall time: the work done, not the time waited for a core.
 */
export function rendererCpuS(browserPid: number): Map<number, number> {
  const { cmd, descends } = processTable();
  const tick = 100; // USER_HZ on Linux
  const out = new Map<number, number>();
  for (const [pid, c] of cmd) {
    if (!c.includes('--type=renderer') || !descends(pid, browserPid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) / tick); // utime, stime (fields 14, 15)
    } catch { /* gone */ }
  }
  return out;
}

/** CPU seconds spent between two `rendererCpuS` samples by the processes in both. */
function cpuDelta(a: Map<number, number>, b: Map<number, number>): number {
  let s = 0;
  for (const [pid, t] of b) if (a.has(pid)) s += t - a.get(pid)!;
  return s;
}

async function waitForServer(url: string, ms: number, server: ChildProcess): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server.exitCode !== null) return false;
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function tail(s: string, n = 6): string {
  return s.trim().split('\n').slice(-n).join(' | ');
}

export interface Session {
  browser: import('@playwright/test').Browser;
  url: string;
  browserPid: number | null;
  version: string;
  build_ms: number;
}

let builtOnce: { ok: true; build_ms: number } | { ok: false; skipped: string; build_ms: number } | null = null;

/**
 * Build the page (once per bench process), serve it with `vite preview`,
 * launch headless Chromium, and hand the lot to `fn`; a skip reason (string)
 * when something is missing. The server and the browser are always stopped.
 */
export async function withBrowser<T>(log: (s: string) => void, fn: (s: Session) => Promise<T>): Promise<T | string> {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  let chromium: typeof import('@playwright/test').chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch (e) {
    return `@playwright/test not importable: ${(e as Error).message}`;
  }
  if (!builtOnce) {
    log(`browser: vite build --outDir ${OUT_DIR} …`);
    const tb = performance.now();
    const build = spawnSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
    const build_ms = performance.now() - tb;
    builtOnce = build.status === 0 ? { ok: true, build_ms } : { ok: false, skipped: `vite build failed (${build.status ?? build.signal}): ${tail(build.stderr + build.stdout)}`, build_ms };
  }
  if (!builtOnce.ok) return builtOnce.skipped;
  const build_ms = builtOnce.build_ms;

  const server = spawn('npx', ['vite', 'preview', '--outDir', OUT_DIR, '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  let serverLog = '';
  server.stdout!.on('data', (d) => (serverLog += d));
  server.stderr!.on('data', (d) => (serverLog += d));
  const stopServer = () => {
    if (server.exitCode === null && server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM'); // its own process group: npx and vite
      } catch { /* gone */ }
    }
  };
  const url = `http://127.0.0.1:${PORT}/`;
  let browser: import('@playwright/test').Browser | null = null;
  try {
    if (!(await waitForServer(url, 60_000, server))) return `vite preview did not serve ${url}: ${tail(serverLog)}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-quic', '--enable-unsafe-webgpu'],
    });
    // Playwright's launch() keeps the browser as its child; find its pid through the process tree.
    return await fn({ browser, url, browserPid: findBrowserPid(), version: browser.version(), build_ms });
  } catch (e) {
    return `browser benchmark failed: ${(e as Error).message.split('\n')[0]}`;
  } finally {
    await browser?.close().catch(() => undefined);
    stopServer();
  }
}

/**
 * Wait until the page's run is over and its scatter plot is drawn, or the page shows an error:
 * true, or why the wait itself failed. `want`: the dataset's rows, and for an applied model its detector.
 */
function waitPlotted(page: import('@playwright/test').Page, want: { rows?: number; detector?: string }, timeout: number): Promise<true | string> {
  return page
    .waitForFunction((w) => {
      const s = (window as any).__anomalyLab.state();
      if (s.job === 'error' || s.error) return true;
      const plot = document.querySelector('[data-testid=scatter-plot]');
      return (w.rows === undefined || s.dataset?.rows === w.rows) && (w.detector === undefined || (s.detector === w.detector && !!s.appliedModel))
        && s.job === 'done' && Number(plot?.getAttribute('data-points') ?? 0) > 0;
    }, want, { timeout, polling: 25 })
    .then(() => true as const, (e: Error) => e.message);
}

/** The page's test-hook state. */
async function hookState<T = object>(page: import('@playwright/test').Page): Promise<HookState & { error?: string | null } & T> {
  return page.evaluate(() => (window as any).__anomalyLab.state());
}

/** A fresh page (its own context, so its own renderer) with the test hook and the file input ready. */
export async function openPage(s: Session, log: (s: string) => void, query = ''): Promise<import('@playwright/test').Page | string> {
  const page = await s.browser.newPage();
  page.on('pageerror', (e) => log(`  page error: ${e.message}`));
  await page.goto(s.url + query);
  const hooked = await page.waitForFunction(() => typeof (window as any).__anomalyLab?.state === 'function', null, { timeout: 30_000 }).then(() => true, () => false);
  if (!hooked) return 'the page has no window.__anomalyLab.state() test hook';
  if ((await page.getByTestId('csv-input').count()) === 0) return 'the page has no [data-testid=csv-input] file input';
  return page;
}

/**
 * A page (1440×900) with `file` loaded and scored by the plain z-score (so the load's own run stays
 * short when something else is measured): the page and the load's wall time, or why there is none.
 */
export async function openScored(s: Session, log: (s: string) => void, file: string, rows: number): Promise<{ page: import('@playwright/test').Page; load_ms: number } | string> {
  const page = await openPage(s, log);
  if (typeof page === 'string') return page;
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('detector-select').selectOption('zscore');
  const t = performance.now();
  await page.getByTestId('csv-input').setInputFiles(file);
  await page.waitForFunction((n) => { const st = (window as any).__anomalyLab.state(); return (st.dataset?.rows === n && st.job === 'done') || !!st.error || st.job === 'error'; }, rows, { timeout: 300_000 });
  const load_ms = performance.now() - t;
  const st = await page.evaluate(() => (window as any).__anomalyLab.state());
  if (st.error || st.job === 'error') return `the page failed: ${st.error ?? st.jobMessage}`;
  return { page, load_ms };
}

export async function browserBench(csvFile: string, log: (s: string) => void): Promise<BrowserResult> {
  const r = await withBrowser(log, async (sess): Promise<BrowserResult> => {
    const { browserPid, version, build_ms } = sess;
    let poll: NodeJS.Timeout | null = null;
    try {
      const opened = await openPage(sess, log);
      if (typeof opened === 'string') return { skipped: opened, build_ms, chromium: version };
      const page = opened;
      const hardware_concurrency = await hardwareConcurrency(page);
      const input = page.getByTestId('csv-input');
      let peak = 0;
      let phase: 'load' | 'run' = 'load';
      let peakLoad = 0;
      const sample = () => {
        if (browserPid === null) return;
        const mb = rendererRssMb(browserPid);
        if (mb > peak) peak = mb;
        if (phase === 'load' && mb > peakLoad) peakLoad = mb;
      };
      sample();
      const baseline = peak;
      poll = setInterval(sample, 200);

      const state = () => page.evaluate(() => (window as any).__anomalyLab.state() as HookState);
      log('browser: setInputFiles …');
      const t0 = performance.now();
      await input.setInputFiles(csvFile);
      const loaded = await page
        .waitForFunction(() => {
          const s = (window as any).__anomalyLab.state();
          return s.dataset?.rows === 1_000_000 || !!s.error || !!s.dataError;
        }, null, { timeout: 300_000, polling: 25 })
        .then(() => true, (e: Error) => e.message);
      const parse_ms_wall = performance.now() - t0;
      const s1 = await state();
      if (loaded !== true || s1.dataset?.rows !== 1_000_000) {
        return { skipped: `the dataset did not load (${loaded === true ? JSON.stringify(s1).slice(0, 300) : loaded})`, build_ms, chromium: version };
      }
      sample();
      log(`browser: loaded in ${(parse_ms_wall / 1000).toFixed(2)} s (page says ${s1.timings?.parse_ms})`);

      // A z-score run with the page's defaults, if there is a Run button.
      phase = 'run';
      let run: BrowserResult['run'] = null;
      const button = page.getByTestId('run-button');
      if ((await button.count()) > 0) {
        await page.waitForFunction(() => {
          const b = document.querySelector('[data-testid=run-button]') as HTMLButtonElement | null;
          return b && !b.disabled;
        }, null, { timeout: 30_000 }).catch(() => undefined);
        const select = page.getByTestId('detector-select');
        if ((await select.count()) > 0) await select.selectOption('zscore').catch(() => undefined);
        const tr = performance.now();
        await button.click({ timeout: 10_000 }).catch(() => undefined);
        await page.waitForFunction(() => {
          const s = (window as any).__anomalyLab.state();
          return s.job === 'done' || s.job === 'error';
        }, null, { timeout: 300_000, polling: 25 }).catch(() => undefined);
        const wall_ms = performance.now() - tr;
        const s2 = await state();
        run = { job: s2.job, fit_ms: s2.timings?.fit_ms ?? null, score_ms: s2.timings?.score_ms ?? null, total_ms: s2.timings?.total_ms ?? null, wall_ms, backend: s2.backend ?? null, message: s2.jobMessage };
        // Let the page settle (plot, sweep) while we keep sampling.
        await new Promise((r) => setTimeout(r, 1000));
      }
      sample();
      return {
        skipped: null,
        build_ms,
        parse_ms_page: s1.timings?.parse_ms ?? null,
        parse_ms_wall,
        rows: s1.dataset.rows,
        cols: s1.dataset.cols,
        run,
        peak_renderer_rss_mb: browserPid === null ? undefined : peak,
        peak_renderer_rss_mb_load: browserPid === null ? undefined : peakLoad,
        baseline_renderer_rss_mb: browserPid === null ? undefined : baseline,
        chromium: version,
        hardware_concurrency,
      };
    } finally {
      if (poll) clearInterval(poll);
    }
  });
  return typeof r === 'string' ? { skipped: r } : r;
}

export interface IForestBrowserRun {
  file: string;
  rows: number;
  /** The detector chosen before the upload (undefined: the page's default, Isolation Forest). */
  detector?: string;
  skipped?: string;
  /** Wall times from setInputFiles: dataset loaded (rows match), and scores plotted (job done, scatter has points). */
  wall_loaded_ms?: number;
  wall_done_ms?: number;
  job?: string;
  message?: string;
  backend?: string | null;
  timings?: HookState['timings'];
  scatter_points?: number;
  baseline_renderer_rss_mb?: number;
  peak_renderer_rss_mb?: number;
  peak_renderer_rss_mb_load?: number;
  /** The page's main-thread JS heap (CDP Performance.getMetrics), peak over the run; workers are not included. */
  peak_js_heap_used_mb?: number | null;
  peak_js_heap_total_mb?: number | null;
  end_js_heap_used_mb?: number | null;
  /** navigator.hardwareConcurrency in the page (the detector pool has max(2, it − 1) workers). */
  hardware_concurrency?: number | null;
  /** The page's `workers` and `compute` for the run. */
  workers?: number | null;
  compute?: string | null;
  /** CPU seconds of the renderer processes (tab + workers), setInputFiles → loaded and → plotted. */
  renderer_cpu_load_s?: number;
  renderer_cpu_s?: number;
  /** Bytes of row data the pool counted crossing the main thread (the house change's counter; null before it). */
  row_bytes?: number | null;
}

export interface IForestBrowserResult {
  skipped: string | null;
  build_ms?: number;
  chromium?: string;
  runs: IForestBrowserRun[];
}

/**
 * Upload → plotted Isolation Forest scores: for each CSV a fresh page; the page
 * auto-runs its default detector (Isolation Forest) on the numeric columns
 * other than the label once the file has loaded. Wall time from setInputFiles
 * to `state().job === 'done'` with the rows loaded and the scatter plot drawn;
 * peak renderer RSS and the page's JS heap (CDP) meanwhile.
 */
export async function browserIforestBench(files: { file: string; rows: number }[], log: (s: string) => void): Promise<IForestBrowserResult> {
  const r = await withBrowser(log, async (sess): Promise<IForestBrowserResult> => {
    const runs: IForestBrowserRun[] = [];
    for (const f of files) {
      runs.push(await uploadOnce(sess, f.file, f.rows, log));
      await new Promise((res) => setTimeout(res, 1000)); // let the closed page's renderer exit
    }
    return { skipped: null, build_ms: sess.build_ms, chromium: sess.version, runs };
  });
  return typeof r === 'string' ? { skipped: r, runs: [] } : r;
}

export interface UploadCase {
  file: string;
  rows: number;
  /** Chosen in the page's form before the upload, so that the auto-run after the load is this detector (default: the page's, Isolation Forest). */
  detector?: string;
}

/**
 * Each case `reps` times, in one browser, a fresh page each time, the cases
 * interleaved (case 1, case 2, case 1, …): upload → plotted with the page's
 * timings, peak renderer RSS and main-thread JS heap (see `uploadOnce`).
 */
export async function browserUploadBench(cases: UploadCase[], reps: number, log: (s: string) => void): Promise<IForestBrowserResult> {
  const r = await withBrowser(log, async (sess): Promise<IForestBrowserResult> => {
    const runs: IForestBrowserRun[] = [];
    for (let i = 0; i < reps; i++) {
      for (const c of cases) {
        runs.push(await uploadOnce(sess, c.file, c.rows, log, c.detector));
        await new Promise((res) => setTimeout(res, 1000)); // let the closed page's renderer exit
      }
    }
    return { skipped: null, build_ms: sess.build_ms, chromium: sess.version, runs };
  });
  return typeof r === 'string' ? { skipped: r, runs: [] } : r;
}

/**
 * One upload in a fresh page: `detector` (if given) chosen first, then the CSV;
 * the page auto-runs the chosen detector once the rows are loaded. Wall times
 * from setInputFiles to loaded and to plotted; peak renderer RSS and JS heap meanwhile.
 */
async function uploadOnce(sess: Session, file: string, rows: number, log: (s: string) => void, detector?: string): Promise<IForestBrowserRun> {
  const name = path.basename(file);
  const opened = await openPage(sess, log);
  if (typeof opened === 'string') return { file: name, rows, detector, skipped: opened };
  const page = opened;
  const hardware_concurrency = await hardwareConcurrency(page);
  const what = detector ?? 'iforest';
  if (detector) {
    const chosen = await page.getByTestId('detector-select').selectOption(detector, { timeout: 10_000 }).then(() => true as const, (e: Error) => e.message);
    if (chosen !== true) {
      await page.context().close().catch(() => undefined);
      return { file: name, rows, detector, skipped: `could not choose ${detector}: ${chosen.split('\n')[0]}` };
    }
  }
  let poll: NodeJS.Timeout | null = null;
  try {
    const cdp = await page.context().newCDPSession(page).catch(() => null);
    if (cdp) await cdp.send('Performance.enable').catch(() => undefined);
    let heapUsed: number | null = null;
    let heapTotal: number | null = null;
    let lastHeapUsed: number | null = null;
    let inFlight = false;
    const heap = async () => {
      if (!cdp || inFlight) return;
      inFlight = true;
      try {
        const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
        const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
        const total = metrics.find((m) => m.name === 'JSHeapTotalSize')?.value;
        if (used !== undefined) {
          lastHeapUsed = used / 2 ** 20;
          heapUsed = Math.max(heapUsed ?? 0, lastHeapUsed);
        }
        if (total !== undefined) heapTotal = Math.max(heapTotal ?? 0, total / 2 ** 20);
      } catch { /* page busy or closing */ } finally {
        inFlight = false;
      }
    };
    let peak = 0;
    let peakLoad = 0;
    let loading = true;
    const sample = () => {
      if (sess.browserPid !== null) {
        const mb = rendererRssMb(sess.browserPid);
        if (mb > peak) peak = mb;
        if (loading && mb > peakLoad) peakLoad = mb;
      }
      void heap();
    };
    sample();
    const baseline = peak;
    poll = setInterval(sample, 200);

    log(`${what}: browser setInputFiles ${name} …`);
    const cpu0 = sess.browserPid === null ? null : rendererCpuS(sess.browserPid);
    const t0 = performance.now();
    await page.getByTestId('csv-input').setInputFiles(file);
    const loaded = await page
      .waitForFunction((n) => {
        const s = (window as any).__anomalyLab.state();
        return s.dataset?.rows === n || !!s.error;
      }, rows, { timeout: 300_000, polling: 25 })
      .then(() => true, (e: Error) => e.message);
    const wall_loaded_ms = performance.now() - t0;
    const cpuLoaded = sess.browserPid === null ? null : rendererCpuS(sess.browserPid);
    loading = false;
    // Since issue 23 a run estimated over a few seconds waits for Run on upload (LOF on 100k rows): start it, as a user would.
    await page.waitForFunction(() => { const s = (window as any).__anomalyLab.state(); return s.job !== 'idle' || /press Run/.test(s.jobMessage ?? ''); }, null, { timeout: 60_000, polling: 25 }).catch(() => undefined);
    if (await page.evaluate(() => /press Run/.test((window as any).__anomalyLab.state().jobMessage ?? ''))) await page.getByTestId('run-button').click();
    const done = await waitPlotted(page, { rows }, 600_000);
    const wall_done_ms = performance.now() - t0;
    const cpuDone = sess.browserPid === null ? null : rendererCpuS(sess.browserPid);
    const st = await hookState<{ detector?: string | null; workers?: number | null; compute?: string | null; rowBytes?: number | null }>(page);
    const points = Number(await page.getByTestId('scatter-plot').getAttribute('data-points').catch(() => null));
    // Let the page settle (plot, sweep) while we keep sampling.
    await new Promise((res) => setTimeout(res, 1500));
    sample();
    await heap();
    const ok = loaded === true && done === true && st.job === 'done' && st.dataset?.rows === rows && (!detector || st.detector === detector);
    const why = loaded !== true ? loaded : done !== true ? done : st.job === 'done' && st.detector !== (detector ?? st.detector) ? `ran ${st.detector}, not ${detector}` : `job ${st.job} ${st.jobMessage ?? ''} ${st.error ?? ''}`;
    log(`${what}: browser ${name}: ${ok ? `done in ${(wall_done_ms / 1000).toFixed(2)} s (loaded ${(wall_loaded_ms / 1000).toFixed(2)} s; page total ${st.timings?.total_ms?.toFixed(0)} ms${cpuDone && cpu0 ? `; renderer CPU ${cpuDelta(cpu0, cpuDone).toFixed(1)} s` : ''})` : `failed: ${why}`}`);
    return {
      file: name, rows, detector,
      skipped: ok ? undefined : `did not finish: ${why}`.slice(0, 300),
      workers: st.workers ?? null, compute: st.compute ?? null, row_bytes: st.rowBytes ?? null,
      renderer_cpu_load_s: cpu0 && cpuLoaded ? cpuDelta(cpu0, cpuLoaded) : undefined,
      renderer_cpu_s: cpu0 && cpuDone ? cpuDelta(cpu0, cpuDone) : undefined,
      wall_loaded_ms, wall_done_ms, job: st.job, message: st.jobMessage, backend: st.backend ?? null, timings: st.timings,
      scatter_points: Number.isFinite(points) ? points : undefined,
      baseline_renderer_rss_mb: sess.browserPid === null ? undefined : baseline,
      peak_renderer_rss_mb: sess.browserPid === null ? undefined : peak,
      peak_renderer_rss_mb_load: sess.browserPid === null ? undefined : peakLoad,
      peak_js_heap_used_mb: heapUsed, peak_js_heap_total_mb: heapTotal, end_js_heap_used_mb: lastHeapUsed,
      hardware_concurrency,
    };
  } finally {
    if (poll) clearInterval(poll);
    await page.context().close().catch(() => undefined);
  }
}

function hardwareConcurrency(page: import('@playwright/test').Page): Promise<number | null> {
  return page.evaluate(() => navigator.hardwareConcurrency || null).catch(() => null);
}

/** The chromium browser process that is a descendant of this Node process. */
function findBrowserPid(): number | null {
  const { cmd, descends } = processTable();
  for (const [pid, c] of cmd) {
    if (c.includes('--type=') || !/chrom/i.test(c.split('\0')[0])) continue;
    if (descends(pid, process.pid)) return pid;
  }
  return null;
}

export interface DetectorBrowserRun {
  file: string;
  rows: number;
  detector: string;
  skipped?: string;
  /** setInputFiles → rows loaded (the default detector's auto-run is cancelled by ours). */
  wall_loaded_ms?: number;
  /** Run clicked → job done and the plot drawn. */
  wall_run_ms?: number;
  /** setInputFiles → done: what a person waits from upload to the picture. */
  wall_total_ms?: number;
  backend?: string | null;
  compute?: string | null;
  timings?: unknown;
}

/**
 * Upload a CSV, then run `detector` with `params` (the page's form) and time the
 * run until the job is done and the plot drawn. A fresh page per call.
 */
export async function browserDetectorBench(file: string, rows: number, detector: string, params: Record<string, string>, log: (s: string) => void, backend = 'auto'): Promise<DetectorBrowserRun> {
  const name = path.basename(file);
  const r = await withBrowser(log, async (sess): Promise<DetectorBrowserRun> => {
    const opened = await openPage(sess, log, backend === 'auto' ? '' : `?backend=${backend}`);
    if (typeof opened === 'string') return { file: name, rows, detector, skipped: opened };
    const page = opened;
    try {
      // Choose the detector before the upload so the auto-run is ours.
      await page.getByTestId('detector-select').selectOption(detector);
      for (const [k, v] of Object.entries(params)) {
        await page.evaluate(([d, n, val]) => (window as any).__anomalyLab.setParam(d, n, val), [detector, k, v]);
      }
      log(`${detector}: browser setInputFiles ${name} …`);
      const t0 = performance.now();
      await page.getByTestId('csv-input').setInputFiles(file);
      await page.waitForFunction((n) => (window as any).__anomalyLab.state().dataset?.rows === n, rows, { timeout: 300_000, polling: 25 });
      const loaded = performance.now() - t0;
      const done = await waitPlotted(page, { rows }, 600_000);
      const total = performance.now() - t0;
      const st = await hookState<{ compute?: string }>(page);
      const ok = done === true && st.job === 'done';
      log(`${detector}: browser ${name}: ${ok ? `done in ${(total / 1000).toFixed(2)} s (loaded ${(loaded / 1000).toFixed(2)} s)` : `failed: ${done !== true ? done : st.jobMessage ?? st.error}`}`);
      return {
        file: name, rows, detector, skipped: ok ? undefined : `did not finish: ${done !== true ? done : `${st.jobMessage ?? ''} ${st.error ?? ''}`}`.slice(0, 300),
        wall_loaded_ms: loaded, wall_run_ms: total - loaded, wall_total_ms: total, backend: st.backend ?? null, compute: st.compute ?? null, timings: st.timings,
      };
    } finally {
      await page.context().close().catch(() => undefined);
    }
  });
  return typeof r === 'string' ? { file: name, rows, detector, skipped: r } : r;
}

export interface ApplyModelBrowserRun {
  file: string;
  rows: number;
  skipped?: string;
  /** Model file chosen → scores of every row plotted (no fit). */
  wall_score_ms?: number;
  workers?: number | null;
  backend?: string | null;
  timings?: unknown;
}

/**
 * Load a CSV (the default detector runs on it first), then open a saved model
 * file and time until its scores of every row are plotted: scoring only, split
 * across the page's worker pool.
 */
export async function browserApplyModelBench(file: string, rows: number, modelPath: string, log: (s: string) => void, backend = 'auto'): Promise<ApplyModelBrowserRun> {
  const name = path.basename(file);
  const r = await withBrowser(log, async (sess): Promise<ApplyModelBrowserRun> => {
    const opened = await openPage(sess, log, backend === 'auto' ? '' : `?backend=${backend}`);
    if (typeof opened === 'string') return { file: name, rows, skipped: opened };
    const page = opened;
    try {
      await page.getByTestId('csv-input').setInputFiles(file);
      await page.waitForFunction((n) => { const s = (window as any).__anomalyLab.state(); return s.dataset?.rows === n && s.job === 'done'; }, rows, { timeout: 300_000, polling: 50 });
      const model = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as { detector: string };
      log(`apply ${model.detector} model: browser ${name} …`);
      const t0 = performance.now();
      await page.getByTestId('model-input').setInputFiles(modelPath);
      const done = await waitPlotted(page, { detector: model.detector }, 300_000);
      const wall = performance.now() - t0;
      const st = await hookState<{ workers?: number | null }>(page);
      const ok = done === true && st.job === 'done';
      log(`apply model: browser ${name}: ${ok ? `scored in ${(wall / 1000).toFixed(2)} s on ${st.workers} workers` : `failed: ${done !== true ? done : st.jobMessage ?? st.error}`}`);
      return { file: name, rows, skipped: ok ? undefined : `did not finish: ${done !== true ? done : `${st.jobMessage ?? ''} ${st.error ?? ''}`}`.slice(0, 300), wall_score_ms: wall, workers: st.workers ?? null, backend: st.backend ?? null, timings: st.timings };
    } finally {
      await page.context().close().catch(() => undefined);
    }
  });
  return typeof r === 'string' ? { file: name, rows, skipped: r } : r;
}
