import { test, expect } from '@playwright/test';
import { Lab, cliJson, fixture, expectClose } from './helpers';

test.describe('picking label, features and parameters (pima.csv)', () => {
  let lab: Lab;

  test.beforeEach(async ({ page }) => {
    lab = new Lab(page);
    await lab.open();
    await lab.upload(fixture('pima.csv'));
    await lab.waitDone('pima.csv');
    // These tests use z-score (fast, and it has the 'robust' parameter).
    await lab.runDetector('zscore');
    await expect(lab.tid('model-info')).toContainText('z-score on 8 columns');
  });

  test('label column none → metrics ask for a label; picking it again brings them back', async () => {
    const auc = await lab.metricValue('roc-auc');
    await lab.tid('label-select').selectOption('');
    await expect(lab.tid('metric-precision')).toHaveCount(0);
    await expect(lab.page.getByText('Pick a label column (or, for a time series, load a windows file) to compare the flags with ground truth.')).toBeVisible();
    await expect(lab.tid('label-summary')).toHaveCount(0);
    expect((await lab.state()).metrics).toBeNull();
    // The threshold panel still works without labels.
    await expect(lab.tid('flagged-count')).toHaveAttribute('data-value', '80');

    await lab.tid('label-select').selectOption('label');
    await expect(lab.tid('label-summary')).toContainText('268 anomalies of 768 rows');
    await expect(lab.tid('metric-roc-auc')).toHaveAttribute('data-value', String(auc));
    const cm = await lab.confusion();
    expect(cm.tp + cm.fn).toBe(268);
    // The label column is never a feature.
    await expect(lab.tid('feature-label')).toBeDisabled();
    expect((await lab.state()).features).not.toContain('label');
  });

  test('unchecking a feature and running uses N−1 columns, like the CLI with --columns', async () => {
    await expect(lab.tid('feature-Insulin')).toBeChecked();
    await lab.tid('feature-Insulin').uncheck();
    await expect(lab.tid('feature-Insulin')).not.toBeChecked();
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('on 7 columns');
    const state = await lab.state();
    expect(state.features).toHaveLength(7);
    expect(state.features).not.toContain('Insulin');

    const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'zscore', '--columns', state.features.join(',')]);
    expect(cli.columns).toEqual(state.features);
    const cm = await lab.confusion();
    expect(cm).toEqual({ tp: cli.metrics!.tp, fp: cli.metrics!.fp, fn: cli.metrics!.fn, tn: cli.metrics!.tn });
    expectClose(await lab.metricValue('roc-auc'), cli.metrics!.roc_auc, 1e-12, 'roc-auc');
    expect(await lab.flagged()).toBe(cli.flagged);
  });

  test('toggling robust and running changes the scores (median/MAD)', async () => {
    const plain = (await lab.scores())!;
    await expect(lab.tid('param-robust')).not.toBeChecked();
    await lab.tid('param-robust').check();
    await lab.runAndWait();
    const robust = (await lab.scores())!;
    expect(robust).toHaveLength(plain.length);
    expect(robust).not.toEqual(plain);
    const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'zscore', '--param', 'robust=true']);
    expect(await lab.flagged()).toBe(cli.flagged);
    expectClose(await lab.metricValue('roc-auc'), cli.metrics!.roc_auc, 1e-12, 'roc-auc (robust)');

    await lab.tid('param-robust').uncheck();
    await lab.runAndWait();
    expect(await lab.scores()).toEqual(plain);
  });

  test('contamination: 0.7 is refused with a message and no Run; 0.1 flags 10 %', async () => {
    const input = lab.tid('param-contamination');
    await expect(input).toHaveValue('auto');
    await expect(lab.tid('param-error')).toHaveCount(0);
    await input.fill('0.7');
    await expect(lab.tid('param-error')).toBeVisible();
    await expect(lab.tid('param-error')).toContainText('contamination');
    await expect(lab.tid('param-error')).toContainText('0.7');
    await expect(lab.tid('run-button')).toBeDisabled();

    await input.fill('0.1');
    await expect(lab.tid('param-error')).toHaveCount(0);
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('contamination 0.1');
    const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'zscore', '--contamination', '0.1']);
    expect(await lab.threshold()).toBe(cli.threshold);
    expect(await lab.flagged()).toBe(cli.flagged);
    expect(Math.abs(cli.flagged - 76.8)).toBeLessThanOrEqual(1);
  });
});

test('a text label (normal/attack) needs a positive value; choosing it gives metrics', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('text_label.csv'));
  await lab.waitDone('text_label.csv');
  await expect(lab.tid('label-select')).toHaveValue('label');
  await expect(lab.tid('label-error')).toBeVisible();
  await expect(lab.tid('label-error')).toContainText('say which one is the anomaly');
  await expect(lab.tid('label-error')).toContainText('attack');
  await expect(lab.tid('metric-precision')).toHaveCount(0);

  await lab.tid('positive-select').selectOption('attack');
  await expect(lab.tid('label-error')).toHaveCount(0);
  await expect(lab.tid('label-summary')).toContainText('6 anomalies of 60 rows');
  const cli = cliJson(['score', fixture('text_label.csv'), ...(await lab.cliArgs()), '--positive', 'attack']);
  const cm = await lab.confusion();
  expect(cm).toEqual({ tp: cli.metrics!.tp, fp: cli.metrics!.fp, fn: cli.metrics!.fn, tn: cli.metrics!.tn });
  expectClose(await lab.metricValue('roc-auc'), cli.metrics!.roc_auc, 1e-12, 'roc-auc');
  expectClose(await lab.metricValue('average-precision'), cli.metrics!.average_precision, 1e-12, 'average-precision');

  // The other class as the anomaly: the ranking metric flips.
  await lab.tid('positive-select').selectOption('normal');
  await expect(lab.tid('label-summary')).toContainText('54 anomalies of 60 rows');
  const flipped = await lab.metricValue('roc-auc');
  expect(Math.abs(flipped - (1 - cli.metrics!.roc_auc!))).toBeLessThanOrEqual(1e-12);
});

test('missing cells (NA, empty, inf, NaN) are counted and filled; the run completes', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('missing.csv'));
  await lab.waitDone('missing.csv');
  await expect(lab.tid('missing-summary')).toContainText('6 missing cells in the chosen columns are filled with the column median');
  await expect(lab.tid('missing-summary')).toContainText('u: 2');
  const scores = (await lab.scores())!;
  expect(scores).toHaveLength(50);
  expect(scores.every(Number.isFinite)).toBe(true);
  // Rows with a missing coordinate are not drawn.
  await expect(lab.tid('plot-note')).toContainText('not drawn');
  expect(await lab.plotPoints()).toBeLessThan(50);

  // Dropping the column with missing cells: the count shrinks.
  await lab.tid('feature-u').uncheck();
  await expect(lab.tid('missing-summary')).toContainText('4 missing cells');
  await lab.tid('missing-policy').selectOption('zero');
  await expect(lab.tid('missing-summary')).toContainText('filled with the column value 0');
  await lab.runAndWait();
  await expect(lab.tid('model-info')).toContainText('on 2 columns');
  expect((await lab.scores())!.every(Number.isFinite)).toBe(true);
});
