/** Local Outlier Factor and kNN in the page: the seed's iris example exactly, and the CLI's numbers. */
import { expect, test } from '@playwright/test';
import { Lab, cliJson, fixture } from './helpers';

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
