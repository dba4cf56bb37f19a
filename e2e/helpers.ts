/**
 * Shared helpers for the end-to-end specs: fixture paths, the CLI, and a small
 * page object over Anomaly Lab's data-testids and its `window.__anomalyLab` hook.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..');

/** Absolute path of a file in e2e/fixtures. */
export function fixture(name: string): string {
  return path.join(here, 'fixtures', name);
}

export interface CliMetrics {
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number | null;
  average_precision: number | null;
  precision_at_n: number | null;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface CliResult {
  rows: number;
  columns: string[];
  threshold: number;
  flagged: number;
  metrics: CliMetrics | null;
  [key: string]: unknown;
}

/** Run `anomaly-lab ARGS --json` and parse its one JSON object. */
export function cliJson(args: string[]): CliResult {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), ...args, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out) as CliResult;
}

export interface HookState {
  dataset: { name: string; rows: number; cols: number } | null;
  error: string | null;
  labelColumn: string | null;
  features: string[];
  job: 'idle' | 'running' | 'done' | 'error';
  jobMessage: string;
  backend: string | null;
  detector: string | null;
  /** Workers that shared the run (scoring chunks or the neighbour search). */
  workers: number | null;
  /** The fitted model's details (n_support_, offset_, …). */
  modelDetails: Record<string, unknown> | null;
  /** Bytes of row data (matrices) that crossed the main thread in the last run: 0 by design. */
  rowBytes: number | null;
  threshold: number;
  flagged: number | null;
  metrics: (CliMetrics & Record<string, unknown>) | null;
  timings: { parse_ms: number | null; parse_threads: number; fit_ms: number | null; score_ms: number | null; total_ms: number | null };
}

export const METRIC_IDS = ['precision', 'recall', 'f1', 'roc-auc', 'average-precision', 'precision-at-n'] as const;

/** Page object for the workbench. */
export class Lab {
  constructor(readonly page: Page) {}

  tid(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.page.waitForFunction(() => '__anomalyLab' in window);
    await expect(this.tid('csv-input')).toBeAttached();
  }

  state(): Promise<HookState> {
    return this.page.evaluate(() => (window as unknown as { __anomalyLab: { state(): HookState } }).__anomalyLab.state());
  }

  scores(): Promise<number[] | null> {
    return this.page.evaluate(() => (window as unknown as { __anomalyLab: { scores(): number[] | null } }).__anomalyLab.scores());
  }

  /** Upload a file from disk or from memory through the file input. */
  async upload(file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.tid('csv-input').setInputFiles(file);
  }

  /** Wait until `name` is the loaded dataset and its run has finished. */
  async waitDone(name: string, timeout = 60_000): Promise<HookState> {
    await expect.poll(async () => {
      const s = await this.state();
      return `${s.dataset?.name ?? ''}|${s.job}`;
    }, { timeout }).toBe(`${name}|done`);
    await expect(this.tid('job-status')).toHaveAttribute('data-state', 'done', { timeout });
    return this.state();
  }

  /**
   * Click Run and wait for that run to finish: a MutationObserver notes the
   * job-status passing through 'running', so the previous 'done' cannot count.
   */
  async runAndWait(timeout = 60_000): Promise<void> {
    await expect(this.tid('run-button')).toBeEnabled();
    await this.page.evaluate(() => {
      const w = window as unknown as { __sawRunning: boolean; __runObserver?: MutationObserver };
      w.__sawRunning = false;
      w.__runObserver?.disconnect();
      const el = document.querySelector('[data-testid="job-status"]')!;
      w.__runObserver = new MutationObserver(() => { if (el.getAttribute('data-state') === 'running') w.__sawRunning = true; });
      w.__runObserver.observe(el, { attributes: true, attributeFilter: ['data-state'] });
    });
    await this.tid('run-button').click();
    await this.page.waitForFunction(() => (window as unknown as { __sawRunning: boolean }).__sawRunning, null, { timeout });
    await expect(this.tid('job-status')).toHaveAttribute('data-state', 'done', { timeout });
  }

  /** The CLI flags that reproduce the page's current detector, parameters and seed. */
  async cliArgs(): Promise<string[]> {
    const detector = await this.tid('detector-select').inputValue();
    const seed = await this.tid('seed-input').inputValue();
    return ['--detector', detector, '--seed', seed];
  }

  /** Choose a detector and run it on the loaded data. */
  async runDetector(id: string): Promise<void> {
    await this.tid('detector-select').selectOption(id);
    await expect(this.tid('detector-select')).toHaveValue(id);
    await this.runAndWait();
  }

  async metricValue(id: string): Promise<number> {
    const v = await this.tid(`metric-${id}`).getAttribute('data-value');
    expect(v, `metric-${id} data-value`).not.toBeNull();
    expect(v, `metric-${id} data-value`).not.toBe('');
    return Number(v);
  }

  async metrics(): Promise<Record<(typeof METRIC_IDS)[number], number>> {
    const out = {} as Record<(typeof METRIC_IDS)[number], number>;
    for (const id of METRIC_IDS) out[id] = await this.metricValue(id);
    return out;
  }

  /** The confusion matrix cells as integers (they are shown with thousands separators). */
  async confusion(): Promise<{ tp: number; fp: number; fn: number; tn: number }> {
    const read = async (id: string) => {
      const text = (await this.tid(`cm-${id}`).textContent()) ?? '';
      const n = Number(text.replace(/[^\d-]/g, ''));
      expect(Number.isInteger(n), `cm-${id} text '${text}'`).toBe(true);
      return n;
    };
    return { tp: await read('tp'), fp: await read('fp'), fn: await read('fn'), tn: await read('tn') };
  }

  async flagged(): Promise<number> {
    return Number(await this.tid('flagged-count').getAttribute('data-value'));
  }

  async threshold(): Promise<number> {
    return Number(await this.tid('threshold-value').getAttribute('data-value'));
  }

  async plotPoints(): Promise<number> {
    return Number(await this.tid('scatter-plot').getAttribute('data-points'));
  }

  flaggedCircles(): Locator {
    return this.tid('scatter-plot').locator('circle.point.flagged');
  }

  allCircles(): Locator {
    return this.tid('scatter-plot').locator('circle.point');
  }
}

/** |actual − expected| ≤ tol (absolute), with a readable message; null expected means null actual. */
export function expectClose(actual: number | null | undefined, expected: number | null | undefined, tol: number, what: string): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(typeof actual, what).toBe('number');
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

/** numpy's default ('linear') quantile of ascending data. */
export function quantileLinear(sorted: number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
