/**
 * The Checks panel (issue 22): the same upload three times, then a copy with 40 % of its rows removed
 * and one column blanked; exactly the checks those changes touch fail, with Dagster's notes, failures
 * first; a failure links to its column; the history (IndexedDB) survives a reload, exports, imports and clears.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { Lab } from './helpers';

// 100 rows: x = 0..99, y a wave, cat cycling a, b, c. The copy keeps the first 60 rows and blanks y.
const FULL = ['x,y,cat', ...Array.from({ length: 100 }, (_, i) => `${i},${Math.sin(i).toFixed(4)},${'abc'[i % 3]}`)].join('\n');
const CUT = ['x,y,cat', ...Array.from({ length: 60 }, (_, i) => `${i},,${'abc'[i % 3]}`)].join('\n');
const file = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(`${text}\n`) });

// Hand-derived: 60 rows instead of 100; y has no values (missing 60, no mean/std/min/max); x loses
// its top 40 values (mean, std, max change; min 0 stays); cat keeps 3 texts and no missing cells.
const EXPECTED_FAILED = ['max:x', 'max:y', 'mean:x', 'mean:y', 'min:y', 'missing:y', 'num_rows', 'std:x', 'std:y'];

test('checks against upload history: three alike, then a cut copy; history survives a reload, exports, imports, clears', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const panel = lab.tid('checks-panel');
  await expect(panel).toContainText('The history stays in this browser');
  // z-score: no row of these files is 3 standard deviations out, so the flagged share stays 0 and checks pass.
  await lab.tid('detector-select').selectOption('zscore');
  const rows = panel.getByTestId('check-row');
  const summary = lab.tid('checks-summary');

  for (let n = 1; n <= 3; n++) {
    await lab.upload(file('sales.csv', FULL));
    await lab.waitDone('sales.csv');
    if (n === 1) {
      // Group uploads under one name (kept for the next files).
      await lab.tid('asset-input').fill('sales');
      await lab.tid('asset-input').press('Enter');
    }
    await expect(summary).toContainText(`materialisation ${n} of sales`);
    await expect(panel.locator('[data-testid="check-row"][data-metric="flagged_share"]')).toHaveCount(1);
    if (n < 3) {
      await expect(rows.first()).toHaveAttribute('data-status', 'skipped');
      await expect(rows.first().getByTestId('check-note')).toHaveText('This check can only execute on the 3rd materialisation onwards');
    }
  }
  await expect(panel.locator('[data-status="failed"]')).toHaveCount(0);
  await expect(panel.locator('[data-testid="check-row"][data-metric="num_rows"]')).toHaveAttribute('data-status', 'passed');

  await lab.upload(file('sales-cut.csv', CUT));
  await lab.waitDone('sales-cut.csv');
  await expect(summary).toContainText('sales-cut.csv as materialisation 4 of sales');
  await expect(panel.locator('[data-testid="check-row"][data-metric="flagged_share"]')).toHaveCount(1);
  const failed = panel.locator('[data-testid="check-row"][data-status="failed"]');
  await expect(failed).toHaveCount(EXPECTED_FAILED.length);
  expect((await failed.evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')))).sort()).toEqual(EXPECTED_FAILED);
  // Failures first.
  const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  expect(statuses.slice(0, EXPECTED_FAILED.length).every((s) => s === 'failed')).toBe(true);
  expect(statuses.slice(EXPECTED_FAILED.length)).not.toContain('failed');
  const note = (metric: string) => panel.locator(`[data-testid="check-row"][data-metric="${metric}"] [data-testid="check-note"]`);
  await expect(note('num_rows')).toHaveText('num_rows is 60. Mean is 100. Standard deviation is 0.0. The earlier values do not vary (standard deviation 0): only a value equal to the mean passes.');
  await expect(note('mean:x')).toContainText('mean:x is 29.5. Mean is 49.5. Standard deviation is 0.0.');
  await expect(note('missing:y')).toContainText('missing:y is 60. Mean is 0.');
  await expect(note('mean:y')).toContainText('mean:y is nan.');
  await expect(panel.locator('[data-testid="check-row"][data-metric="flagged_share"]')).toHaveAttribute('data-status', 'passed');
  // A sparkline with the three earlier values.
  await expect(panel.locator('[data-testid="check-row"][data-metric="num_rows"] [data-testid="check-sparkline"]')).toHaveAttribute('data-points', '3');
  // The failed check on y links to y's row in the data panel.
  await panel.locator('[data-testid="check-row"][data-metric="missing:y"] [data-testid="check-link"]').click();
  await expect(page.locator('[data-testid="column-table"] tr[data-column="y"]')).toHaveClass(/check-highlight/);

  // Reload: the history survives, and its latest materialisation's checks come back.
  await lab.open();
  const asset = lab.tid('history-asset');
  await expect(asset).toHaveCount(1);
  await expect(asset).toHaveAttribute('data-asset', 'sales');
  await expect(asset).toHaveAttribute('data-count', '4');
  await expect(lab.tid('asset-input')).toHaveValue('sales'); // the typed name is kept for the next files
  await asset.getByTestId('history-show').click();
  await expect(panel.locator('[data-testid="check-row"][data-status="failed"]')).toHaveCount(EXPECTED_FAILED.length);

  // Export, clear, import.
  const [download] = await Promise.all([page.waitForEvent('download'), lab.tid('history-export').click()]);
  const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { asset: string; rows: number; run: unknown }[];
  expect(exported.map((m) => m.rows)).toEqual([100, 100, 100, 60]);
  expect(exported.every((m) => m.asset === 'sales' && m.run !== null)).toBe(true);
  await lab.tid('history-clear').click();
  await lab.tid('history-clear-confirm').click();
  await expect(lab.tid('history-empty')).toBeVisible();
  await expect(rows).toHaveCount(0);
  await lab.open();
  await expect(lab.tid('history-empty')).toBeVisible();
  await lab.tid('history-import').setInputFiles({ name: 'history.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await expect(lab.tid('history-asset')).toHaveAttribute('data-count', '4');
  // A bad import changes nothing and says which record is wrong.
  await lab.tid('history-import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('[{"asset": 3}]') });
  await expect(lab.tid('checks-error')).toContainText("bad.json: record 1 is not a materialisation: no 'asset'");
  await expect(lab.tid('history-asset')).toHaveAttribute('data-count', '4');
});
