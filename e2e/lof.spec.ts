/** Local Outlier Factor and kNN in the page: the seed's iris example exactly, and the CLI's numbers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { Lab, cliJson, fixture } from './helpers';

/** 6,000 seeded rows of `cols` uniform columns in ±1; every `every`-th row spread ×`far` and labelled 1. Returns the file. */
function seededCsv(file: string, cols: number, seed: number, every: number, far: number): string {
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = [`${Array.from({ length: cols }, (_, j) => `x${j}`).join(',')},label`];
  for (let i = 0; i < 6000; i++) {
    const out = i % every === 0;
    const v = Array.from({ length: cols }, () => (rnd() - 0.5) * (out ? far : 2));
    lines.push(`${v.map((x) => x.toFixed(6)).join(',')},${out ? 1 : 0}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test("iris sample, LOF with contamination 0.1: exactly scikit-learn's fit_predict outliers", async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-iris').click();
  await lab.waitDone('iris.csv');
  expect((await lab.state()).features).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  await lab.tid('detector-select').selectOption('lof');
  await expect(lab.tid('param-n_neighbors')).toHaveValue('20');
  await lab.tid('param-contamination').fill('0.1');
  await lab.runAndWait();
  const s = await lab.state();
  const scores = (await lab.scores())!;
  const flagged = scores.map((v, i) => (v > s.threshold ? i : -1)).filter((i) => i >= 0);
  expect(flagged).toEqual([13, 14, 15, 33, 41, 57, 60, 93, 98, 105, 106, 117, 118, 122, 131]);
  await expect(lab.tid('flagged-count')).toHaveValue('15');
  await expect(lab.tid('model-info')).toContainText('Local Outlier Factor');
  await expect(lab.tid('model-warning')).toContainText('duplicates'); // iris has a repeated flower
});

test('kNN (PyOD) in the page equals the CLI', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.tid('detector-select').selectOption('knn');
  await lab.tid('param-method').selectOption('mean');
  await lab.runAndWait();
  const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'knn', '--param', 'method=mean']);
  const s = await lab.state();
  expect(s.threshold).toBe(cli.threshold);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics!.roc_auc).toBe(cli.metrics!.roc_auc);
});

test('LOF on 6,000 rows: the neighbour search is split across the worker pool, with the same numbers as the CLI', async ({ page }, info) => {
  // Seeded data: 6,000 rows of 4 columns, a few far away.
  const file = seededCsv(info.outputPath('lof6000.csv'), 4, 12345, 97, 12);
  const lab = new Lab(page);
  await lab.open('?workers=2');
  await lab.upload(file);
  await lab.waitDone('lof6000.csv');
  await lab.tid('detector-select').selectOption('lof');
  await lab.runAndWait(120_000);
  const s = await lab.state();
  expect(s.workers).toBe(2);
  // The search's shares and the fit all read their rows from the data worker: none crossed the page.
  expect(s.rowBytes).toBe(0);
  const cli = cliJson(['score', file, '--detector', 'lof']);
  expect(s.threshold).toBe(cli.threshold);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics!.roc_auc).toBe(cli.metrics!.roc_auc);
});

test('LOF on 6,000 rows × 8 columns: the WebAssembly SIMD search in the workers, split across the pool, scores equal to the CLI', async ({ page }, info) => {
  // Seeded data: 6,000 rows of 8 columns (from 6 columns 'auto' takes the WebAssembly search), a few far away.
  const file = seededCsv(info.outputPath('lof6000x8.csv'), 8, 777, 89, 10);
  const lab = new Lab(page);
  await lab.open('?workers=2');
  await lab.upload(file);
  await lab.waitDone('lof6000x8.csv');
  await lab.tid('detector-select').selectOption('lof');
  await lab.runAndWait(120_000);
  const s = await lab.state();
  expect(s.workers).toBe(2);
  await expect(lab.tid('model-info')).toContainText('WebAssembly SIMD');
  const out = info.outputPath('scored.csv');
  const cli = cliJson(['score', file, '--detector', 'lof', '--out', out]);
  expect(s.threshold).toBe(cli.threshold);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics!.roc_auc).toBe(cli.metrics!.roc_auc);
  // Every row's LOF, bit for bit (the CLI writes shortest round-trip text).
  const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
  const col = header.split(',').indexOf('score');
  expect(await lab.scores()).toEqual(rows.map((r) => Number(r.split(',')[col])));
});
