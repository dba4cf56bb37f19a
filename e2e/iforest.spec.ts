/**
 * Isolation Forest in the page: scikit-learn's demo picture, bit-identical
 * scores with the CLI (one worker and chunked across three), and fitted models
 * saved, reopened and applied to another CSV.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab, ROOT, cliJson, fixture } from './helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-e2e-'));
const BIN = path.join(ROOT, 'bin', 'anomaly-lab.js');

/** The `score` column of a CSV written by the CLI's --out, as numbers (shortest round-trip text → the same doubles). */
function cliScores(args: string[]): number[] {
  const out = path.join(tmp, `scored-${Math.random().toString(36).slice(2)}.csv`);
  execFileSync(process.execPath, [BIN, 'score', ...args, '--out', out], { cwd: ROOT, timeout: 120_000 });
  const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
  const k = header.split(',').indexOf('score');
  return lines.map((l) => Number(l.split(',')[k]));
}

function demoLabels(): number[] {
  const [, ...lines] = readFileSync(fixture('sklearn_iforest_demo.csv'), 'utf8').trim().split('\n');
  return lines.map((l) => Number(l.split(',')[2]));
}

test('the IsolationForest demo: 120 points, the uniform outliers flagged at auto, scikit-learn view', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  const s = await lab.waitDone('sklearn_iforest_demo.csv');
  expect(await lab.tid('detector-select').inputValue()).toBe('iforest');
  expect(await lab.tid('seed-input').inputValue()).toBe('42');
  await expect(lab.tid('scatter-plot')).toHaveAttribute('data-points', '120');
  await expect(page.locator('[data-testid=scatter-plot] circle.point')).toHaveCount(120);
  expect(s.threshold).toBe(0.5); // offset_ = -0.5 for contamination 'auto'
  const scores = (await lab.scores())!;
  const labels = demoLabels();
  const outliers = labels.filter((y, i) => y === 1 && scores[i] > 0.5).length;
  const inliers = labels.filter((y, i) => y === 0 && scores[i] > 0.5).length;
  expect(outliers).toBeGreaterThanOrEqual(15); // of 20
  expect(inliers).toBeLessThanOrEqual(5); // of 100
  await expect(page.locator('[data-testid=scatter-plot] circle.point.flagged')).toHaveCount(outliers + inliers);
  await expect(lab.tid('color-bar')).toContainText('anomaly score');
  await expect(lab.tid('decision-surface')).toBeVisible();
  await lab.tid('sklearn-view').check();
  await expect(lab.tid('color-bar')).toContainText('decision_function');
  await expect(lab.tid('plot-note')).toContainText('decision_function');
  await page.screenshot({ path: test.info().outputPath('iforest-demo-sklearn-view.png') });
});

test('page scores (in a worker) are bit-identical to the CLI (in Node) for the same seed', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('sklearn_iforest_demo.csv'));
  await lab.waitDone('sklearn_iforest_demo.csv');
  const scores = (await lab.scores())!;
  expect(scores).toEqual(cliScores([fixture('sklearn_iforest_demo.csv'), '--detector', 'iforest', '--seed', '42']));
  // Another seed changes them, and still agrees.
  await lab.tid('seed-input').fill('7');
  await lab.runAndWait();
  const seven = (await lab.scores())!;
  expect(seven).not.toEqual(scores);
  expect(seven).toEqual(cliScores([fixture('sklearn_iforest_demo.csv'), '--detector', 'iforest', '--seed', '7']));
});

test('scoring chunked across three workers gives the CLI\'s scores bit for bit', async ({ page }) => {
  test.setTimeout(180_000);
  // 60,000 rows: above the pool's chunking size (50,000).
  const lines = ['a,b,c,label'];
  let x = 1;
  const next = () => ((x = (x * 48271) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < 60_000; i++) {
    const far = i % 500 === 0;
    lines.push(`${next() * (far ? 9 : 1)},${next()},${next() * 2},${far ? 1 : 0}`);
  }
  const file = path.join(tmp, 'sixty-thousand.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const lab = new Lab(page);
  await lab.open('?workers=3');
  await lab.upload(file);
  const s = await lab.waitDone('sixty-thousand.csv', 150_000);
  expect(s.workers).toBe(3);
  // Ids, not data, through the main thread: every worker fetched its rows from the data worker.
  expect(s.rowBytes).toBe(0);
  expect(await lab.scores()).toEqual(cliScores([file, '--detector', 'iforest', '--seed', '42']));
  // A contamination fraction: the fit scores every row itself (offset_), so no chunks are needed.
  await lab.tid('param-contamination').fill('0.05');
  await lab.runAndWait(150_000);
  expect(await lab.scores()).toEqual(cliScores([file, '--detector', 'iforest', '--seed', '42', '--contamination', '0.05']));
  expect((await lab.state()).flagged).toBe(cliJson(['score', file, '--detector', 'iforest', '--seed', '42', '--contamination', '0.05']).flagged);
  // A saved model applied to these rows is also scored in chunks on every worker, as the CLI's --model scores them.
  const modelPath = path.join(tmp, 'sixty-model.json');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'score', file, '--detector', 'iforest', '--seed', '7', '--save-model', modelPath], { cwd: ROOT });
  await lab.tid('model-input').setInputFiles(modelPath);
  await expect(lab.tid('applied-model')).toBeVisible();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect((await lab.state()).workers).toBe(3);
  expect((await lab.state()).rowBytes).toBe(0);
  expect(await lab.scores()).toEqual(cliScores([file, '--model', modelPath]));
});

test('a fitted model is saved, reopened on the same data, and applied to another CSV without refitting', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('sklearn_iforest_demo.csv'));
  await lab.waitDone('sklearn_iforest_demo.csv');
  const original = (await lab.scores())!;

  const downloading = page.waitForEvent('download');
  await lab.tid('download-model').click();
  const modelPath = path.join(tmp, 'iforest-model.json');
  await (await downloading).saveAs(modelPath);
  const model = JSON.parse(readFileSync(modelPath, 'utf8'));
  expect(model).toMatchObject({ format: 'anomaly-lab-model', detector: 'iforest', columns: ['x0', 'x1'], threshold: 0.5 });

  // Reopen it on the same data: same scores, marked as not refitted.
  await lab.tid('seed-input').fill('3'); // a refit would change the scores; applying must not
  await lab.tid('model-input').setInputFiles(modelPath);
  await expect(lab.tid('applied-model')).toBeVisible();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
  expect(await lab.scores()).toEqual(original);

  // Another CSV with the same columns: scored by the saved model, as the CLI's --model does.
  const other = path.join(tmp, 'shifted.csv');
  const [header, ...rows] = readFileSync(fixture('sklearn_iforest_demo.csv'), 'utf8').trim().split('\n');
  writeFileSync(other, `${header}\n${rows.slice(0, 60).map((r) => { const [a, b, y] = r.split(','); return `${Number(a) + 0.5},${Number(b) - 0.25},${y}`; }).join('\n')}\n`);
  await lab.tid('apply-model-input').setInputFiles(other);
  await lab.waitDone('shifted.csv');
  await expect(lab.tid('applied-model')).toContainText('sklearn_iforest_demo.csv');
  expect(await lab.scores()).toEqual(cliScores([other, '--model', modelPath]));

  // A CSV without the model's columns is refused with a message; the page keeps working.
  await lab.tid('apply-model-input').setInputFiles(fixture('pima.csv'));
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
  await expect(lab.tid('job-status')).toContainText('x0, x1');
  await lab.runAndWait();
  expect(((await lab.state()) as unknown as { detector: string }).detector).toBe('iforest');
});
