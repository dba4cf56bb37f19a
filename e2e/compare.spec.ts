import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, expect } from '@playwright/test';
import { Lab, ROOT, cliJson } from './helpers';

/**
 * Compare and combine (issue 20): three detectors compared on cardio across the pool (two seeds),
 * the table read and checked against `anomaly-lab compare` (every number reproducible from the
 * CLI), sorted, a row shown in the plots, the agreement matrices, the disagreement colouring, a
 * cancel; and an ensemble built in the page whose ROC-AUC equals the CLI's.
 */
const CARDIO = path.join(ROOT, 'public/samples/cardio.csv');
const LOF = '{"detector":"lof","params":{"n_neighbors":35}}';

interface CliCompare {
  detectors: { label: string; runs: Record<string, number | null>[]; summary: Record<string, { mean: number; sd: number } | null> }[];
  agreement: { spearman: (number | null)[][]; jaccard: { matrix: number[][] } };
}

function cliCompare(args: string[]): CliCompare {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'compare', ...args, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(out) as CliCompare;
}

test('compare three detectors on cardio: the table, sorting, a row in the plots, agreement, disagreement, cancel', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(CARDIO);
  await lab.waitDone('cardio.csv');

  await lab.tid('compare-entries').fill(`iforest\n${LOF}\nknn`);
  await lab.tid('compare-seeds').fill('2');
  await lab.tid('compare-run').click();
  await expect(lab.tid('compare-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const table = lab.tid('compare-table');
  const rows = table.getByTestId('compare-row');
  await expect(rows).toHaveCount(3);
  const read = () => rows.evaluateAll((els) => els.map((e) => ({
    label: e.getAttribute('data-label')!,
    state: e.getAttribute('data-state'),
    m: Object.fromEntries([...e.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric'), { v: td.getAttribute('data-value') === '' ? null : Number(td.getAttribute('data-value')), sd: Number(td.getAttribute('data-sd')), text: td.textContent }])),
  })));
  const page0 = await read();
  expect(page0.every((r) => r.state === 'done')).toBe(true);

  // Every number equals the CLI's for the same detectors, seeds (42, 43) and columns.
  const cli = cliCompare([CARDIO, '--detector', 'iforest', '--detector', LOF, '--detector', 'knn', '--seeds', '2', '--seed', '42']);
  for (const d of cli.detectors) {
    const r = page0.find((x) => x.label === d.label)!;
    expect(r, d.label).toBeTruthy();
    for (const k of ['roc_auc', 'average_precision', 'precision_at_n', 'precision', 'recall', 'f1']) {
      expect(r.m[k].v, `${d.label} ${k}`).toBeCloseTo(d.summary[k]!.mean, 12);
      expect(r.m[k].sd, `${d.label} ${k} sd`).toBeCloseTo(d.summary[k]!.sd, 12);
    }
    expect(r.m.fit_ms.v).toBeGreaterThan(0);
  }
  // Isolation Forest moves between seeds (an interval in the table); LOF and kNN do not.
  const ifr = page0.find((x) => x.label === 'iforest')!;
  expect(ifr.m.roc_auc.sd).toBeGreaterThan(0);
  expect(ifr.m.roc_auc.text).toContain('±');
  expect(page0.find((x) => x.label === 'knn')!.m.roc_auc.sd).toBe(0);

  // Sorted by ROC-AUC, highest first by default; a click on the header turns it around.
  const aucs = page0.map((r) => r.m.roc_auc.v!);
  expect(aucs).toEqual([...aucs].sort((a, b) => b - a));
  await table.locator('th[data-sort="roc_auc"]').click();
  const asc = (await read()).map((r) => r.m.roc_auc.v!);
  expect(asc).toEqual([...aucs].sort((a, b) => a - b));

  // A click on a row makes that detector the one the plots and metrics show (its first seed's run).
  await rows.filter({ hasText: 'lof n_neighbors=35' }).click();
  await expect(rows.filter({ hasText: 'lof n_neighbors=35' })).toHaveAttribute('data-selected', 'true');
  await expect.poll(async () => (await lab.state()).detector).toBe('lof');
  const lofRun = cli.detectors.find((d) => d.label === 'lof n_neighbors=35')!.runs[0];
  expect(await lab.metricValue('roc-auc')).toBeCloseTo(lofRun.roc_auc!, 12);
  expect(await lab.flagged()).toBe(lofRun.flagged);

  // Agreement: Spearman and Jaccard (at 0.1) as the CLI's, in the CLI's order (the list's).
  for (const [id, want] of [['compare-spearman', cli.agreement.spearman], ['compare-jaccard', cli.agreement.jaccard.matrix]] as const) {
    const cells = await lab.tid(id).locator('td[data-i]').evaluateAll((els) => els.map((e) => ({ i: Number(e.getAttribute('data-i')), j: Number(e.getAttribute('data-j')), v: Number(e.getAttribute('data-value')) })));
    expect(cells).toHaveLength(9);
    for (const c of cells) expect(c.v, `${id} ${c.i},${c.j}`).toBeCloseTo(want[c.i][c.j]!, 12);
  }
  // Another common contamination, typed key by key: the overlap follows, as the CLI's --contamination.
  await lab.tid('compare-contamination').fill('');
  await lab.tid('compare-contamination').pressSequentially('0.25');
  await expect(lab.tid('compare-jaccard')).toContainText('contamination 0.25');
  const at25 = cliCompare([CARDIO, '--detector', 'iforest', '--detector', LOF, '--detector', 'knn', '--seed', '42', '--contamination', '0.25']).agreement.jaccard.matrix;
  const cells25 = await lab.tid('compare-jaccard').locator('td[data-i]').evaluateAll((els) => els.map((e) => ({ i: Number(e.getAttribute('data-i')), j: Number(e.getAttribute('data-j')), v: Number(e.getAttribute('data-value')) })));
  for (const c of cells25) expect(c.v).toBeCloseTo(at25[c.i][c.j], 12);
  await expect(lab.tid('compare-roc')).toHaveAttribute('data-series', '3');
  await expect(lab.tid('compare-pr')).toHaveAttribute('data-series', '3');

  // Disagreement colouring in the scatter.
  await lab.tid('compare-disagreement').check();
  await expect(lab.tid('plot-note')).toHaveAttribute('data-color-by', 'disagreement');
  await expect(lab.tid('plot-note')).toContainText('flagged by some, not all');

  // "+ current detector" adds the detector panel's choice with its edited parameters as a line.
  await lab.tid('detector-select').selectOption('zscore');
  await lab.tid('param-robust').check();
  await lab.tid('compare-add').click();
  await expect(lab.tid('compare-entries')).toHaveValue(`iforest\n${LOF}\nknn\n{"detector":"zscore","params":{"robust":"true"}}`);

  // One cancel stops every detector; the finished table is replaced, the page keeps working.
  await lab.tid('compare-seeds').fill('20');
  await lab.tid('compare-run').click();
  await expect(lab.tid('compare-status')).toHaveAttribute('data-state', 'running');
  await expect(lab.tid('compare-progress').first()).toBeVisible();
  await lab.tid('compare-cancel').click();
  await expect(lab.tid('compare-status')).toHaveAttribute('data-state', 'cancelled');
  await lab.runDetector('iforest');
  expect((await lab.state()).job).toBe('done');
});

test("an ensemble built in the page has the CLI's ROC-AUC", async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(CARDIO);
  await lab.waitDone('cardio.csv');
  await lab.tid('detector-select').selectOption('ensemble');
  const members = `[{"detector":"iforest"},${LOF},{"detector":"knn"},{"detector":"zscore"}]`;
  await lab.tid('param-members').fill(members);
  await lab.tid('param-combine').selectOption('aom');
  await lab.tid('param-n_buckets').fill('2');
  await lab.tid('param-normalize').selectOption('rank');
  await lab.runAndWait(90_000);
  const pageAuc = await lab.metricValue('roc-auc');
  // The four members fitted side by side on the pool's workers (two in this browser), then assembled.
  expect((await lab.state()).workers).toBeGreaterThanOrEqual(2);
  const cli = cliJson(['score', CARDIO, '--detector', 'ensemble', '--param', `members=${members}`, '--param', 'combine=aom', '--param', 'n_buckets=2', '--param', 'normalize=rank', '--seed', '42']);
  expect(cli.metrics!.roc_auc).toBeGreaterThan(0.5);
  expect(pageAuc).toBeCloseTo(cli.metrics!.roc_auc!, 12);
  expect(await lab.flagged()).toBe(cli.flagged);
  // A bad member is one message naming it; the page keeps the last result.
  await lab.tid('param-members').fill('[{"detector":"iforest"},{"detector":"lof","params":{"n_neighbors":0}}]');
  await expect(page.getByText(/members\[1\] \(lof\): n_neighbors must be >= 1/).first()).toBeVisible();
  expect(await lab.metricValue('roc-auc')).toBe(pageAuc);
  // With a recurrent member the ensemble trains as long as that member: a new file waits for Run.
  await lab.tid('param-members').fill('[{"detector":"lstm_ae","params":{"window_size":5}},{"detector":"zscore"}]');
  await lab.upload(path.join(ROOT, 'public/samples/iris.csv'));
  await expect.poll(async () => (await lab.state()).dataset?.name).toBe('iris.csv');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'idle');
  await expect(lab.tid('job-status')).toContainText('press Run');
});

test('on a time series: compare two detectors and see their disagreement on the timeline', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(path.join(ROOT, 'public/samples/machine_temperature_system_failure.csv'));
  await lab.waitDone('machine_temperature_system_failure.csv');
  await expect(lab.tid('timeline-plot')).toBeVisible();
  await lab.tid('compare-entries').fill('zscore\n{"detector":"knn","params":{"window_size":3}}');
  await lab.tid('compare-run').click();
  await expect(lab.tid('compare-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const plot = lab.tid('timeline-plot');
  expect(Number(await plot.getAttribute('data-disagreement-drawn'))).toBe(0);
  await lab.tid('compare-disagreement').check();
  // Ticks where one of the two flags a row and the other does not.
  await expect.poll(async () => Number(await plot.getAttribute('data-disagreement-drawn'))).toBeGreaterThan(0);
  await lab.tid('compare-disagreement').uncheck();
  await expect.poll(async () => Number(await plot.getAttribute('data-disagreement-drawn'))).toBe(0);
});
