import { test, expect } from '@playwright/test';
import { Lab, fixture } from './helpers';

/**
 * Tuning in the page (issue 21): a search runs across the worker pool into a live table, can be
 * cancelled halfway (the trials done so far stay, the page keeps working), runs fully, and "Use best"
 * sets the detector's parameters to the best trial's.
 */
test('run a tuning job, cancel it halfway, run it fully and use the best parameters', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.tid('detector-select').selectOption('lof');
  await expect(lab.tid('tune-panel')).toContainText('Tune Local Outlier Factor');

  // A large grid (f1: every candidate is fitted), cancelled once the first trials are in.
  const big = Array.from({ length: 40 }, (_, i) => 2 + i).join(',');
  await lab.tid('tune-grid').fill(`n_neighbors=${big}\ncontamination=0.05,0.1,0.2`);
  await lab.tid('tune-metric').selectOption('f1');
  await lab.tid('tune-run').click();
  const status = lab.tid('tune-status');
  await expect(status).toHaveAttribute('data-total', String(40 * 3 * 5));
  await expect.poll(async () => Number(await status.getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThan(0);
  await lab.tid('tune-cancel').click();
  await expect(status).toHaveAttribute('data-state', 'cancelled');
  const doneAtCancel = Number(await status.getAttribute('data-done'));
  expect(doneAtCancel).toBeGreaterThan(0);
  expect(doneAtCancel).toBeLessThan(600);
  await expect(lab.tid('tune-trial')).toHaveCount(120);
  await expect(lab.tid('tune-trial').filter({ has: page.locator('td', { hasText: '5/5' }) })).not.toHaveCount(120);

  // The full, smaller search.
  await lab.tid('tune-grid').fill('n_neighbors=5,10,20\ncontamination=0.05,0.1');
  await lab.tid('tune-run').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(status).toHaveAttribute('data-done', '30');
  const trials = lab.tid('tune-trial');
  await expect(trials).toHaveCount(6);
  const rows = await trials.evaluateAll((els) => els.map((e) => ({ mean: Number(e.getAttribute('data-mean')), done: Number(e.getAttribute('data-done')), best: e.getAttribute('data-best') === 'true', cells: [...e.querySelectorAll('td')].map((td) => td.textContent) })));
  expect(rows.every((r) => r.done === 5 && r.mean >= 0 && r.mean <= 1)).toBe(true);
  const best = rows.filter((r) => r.best);
  expect(best).toHaveLength(1);
  // The best is the highest mean, the first on ties.
  const top = Math.max(...rows.map((r) => r.mean));
  expect(best[0].mean).toBe(top);
  expect(rows.findIndex((r) => r.mean === top)).toBe(rows.indexOf(best[0]));
  await expect(lab.tid('tune-description')).toContainText('f1 on the held-out rows of 5 stratified folds');

  // Use best: the detector's form takes the best trial's parameters, and a run with them works.
  await lab.tid('tune-use-best').click();
  await expect(lab.tid('param-n_neighbors')).toHaveValue(best[0].cells[0]!);
  await expect(lab.tid('param-contamination')).toHaveValue(best[0].cells[1]!);
  await lab.runAndWait();
  const state = await lab.state();
  expect(state.detector).toBe('lof');

  // A stratified hold-out instead of folds: one split per candidate.
  await lab.tid('tune-split').selectOption('0.25');
  await expect(lab.tid('tune-cv')).toHaveCount(0);
  await lab.tid('tune-run').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(status).toHaveAttribute('data-done', '6');
  await expect(lab.tid('tune-description')).toContainText('a stratified hold-out of 0.25 (192 rows)');
  await expect(lab.tid('tune-trial').first()).toContainText('1/1');
});

test('without labels: says there is nothing to optimise and ranks by the stability heuristic', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const lines = ['a,b'];
  for (let i = 0; i < 200; i++) lines.push(`${Math.sin(i * 1.7).toFixed(4)},${Math.cos(i * 0.9).toFixed(4)}`);
  lines.push('8,8', '-7,9');
  await lab.upload({ name: 'nolabel.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await lab.waitDone('nolabel.csv');
  await expect(lab.tid('tune-heuristic')).toContainText('nothing to optimise against');
  await expect(lab.tid('tune-metric')).toBeDisabled();
  await lab.tid('tune-grid').fill('n_estimators=5,50\ncontamination=0.05');
  await lab.tid('tune-cv').fill('3');
  await lab.tid('tune-run').click();
  await expect(lab.tid('tune-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(lab.tid('tune-description')).toContainText('a heuristic, the stability of the flagged set');
  await expect(lab.tid('tune-table')).toContainText('stability ± sd');
  const means = await lab.tid('tune-trial').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-mean'))));
  expect(means).toHaveLength(2);
  expect(means.every((m) => m > 0 && m <= 1)).toBe(true);
});
