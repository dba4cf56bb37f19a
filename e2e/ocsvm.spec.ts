/** One-class SVM in the page: scikit-learn's numbers, standardising on by default, and the exact / approximate cut-off. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab, ROOT, cliJson, fixture } from './helpers';

interface Demo { decision_function: number[]; n_support: number }
const demo = (JSON.parse(readFileSync(path.join(ROOT, 'tests', 'fixtures', 'ocsvm.json'), 'utf8')) as { demo: Demo }).demo;

test("IsolationForest demo sample, OneClassSVM(gamma='scale', nu=0.1): scikit-learn's decision_function", async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  await lab.tid('detector-select').selectOption('ocsvm');
  // The page standardises before an SVM by default; scikit-learn's example does not.
  await expect(lab.tid('param-standardize')).toBeChecked();
  await expect(lab.tid('ocsvm-method-note')).toContainText('Exact SMO training');
  await lab.tid('param-standardize').uncheck();
  await lab.tid('param-nu').fill('0.1');
  await lab.runAndWait();
  const scores = (await lab.scores())!;
  expect(scores.length).toBe(demo.decision_function.length);
  // score = −decision_function; the training rows are scored by a fresh float64 pass, as scikit-learn's decision_function(X).
  let worst = 0;
  scores.forEach((s, i) => { worst = Math.max(worst, Math.abs(-s - demo.decision_function[i])); });
  expect(worst).toBeLessThan(1e-9);
  const s = await lab.state();
  expect(s.modelDetails!.n_support).toBe(demo.n_support);
  expect(s.threshold).toBe(-Number.MIN_VALUE); // contamination 'auto': decision_function ≤ 0 is an outlier, as libsvm's predict
  await expect(lab.tid('model-info')).toContainText('One-class SVM');
  // The CLI with the same parameters flags the same rows.
  const cli = cliJson(['score', fixture('sklearn_iforest_demo.csv'), '--detector', 'ocsvm', '--param', 'nu=0.1']);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics!.roc_auc).toBeCloseTo(cli.metrics!.roc_auc!, 12);
});

test('standardize (on by default in the page) equals the CLI with --param standardize=true', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.tid('detector-select').selectOption('ocsvm');
  await lab.runAndWait();
  const s = await lab.state();
  const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'ocsvm', '--param', 'standardize=true']);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics!.roc_auc).toBeCloseTo(cli.metrics!.roc_auc!, 12);
  const unscaled = cliJson(['score', fixture('pima.csv'), '--detector', 'ocsvm']);
  expect(unscaled.metrics!.roc_auc).not.toBeCloseTo(cli.metrics!.roc_auc!, 3);
});

test('Nystroem route: the note says approximate, the model warns, and scores still rank the anomalies', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.tid('detector-select').selectOption('ocsvm');
  await lab.tid('param-method').selectOption('nystroem');
  await expect(lab.tid('ocsvm-method-note')).toContainText('approximate');
  await lab.runAndWait();
  await expect(lab.tid('model-warning')).toContainText('approximate');
  const s = await lab.state();
  expect(s.metrics!.roc_auc).toBeGreaterThan(0.55); // exact OneClassSVM on standardised pima: ≈ 0.6
  // A bad parameter is refused with a message naming it, and the loaded data stays.
  await lab.tid('more-params').locator('summary').click();
  await lab.tid('param-tol').fill('-1');
  await expect(lab.tid('run-button')).toBeDisabled();
  await expect(page.getByText('tol must be > 0')).toBeVisible();
  expect((await lab.state()).dataset?.rows).toBe(768);
});
