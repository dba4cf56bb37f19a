import { test, expect } from '@playwright/test';
import { Lab, cliJson, fixture, expectClose, METRIC_IDS } from './helpers';

const CLI_KEY: Record<(typeof METRIC_IDS)[number], string> = {
  precision: 'precision',
  recall: 'recall',
  f1: 'f1',
  'roc-auc': 'roc_auc',
  'average-precision': 'average_precision',
  'precision-at-n': 'precision_at_n',
};

for (const file of ['pima.csv', 'missing.csv']) {
  test(`uploading ${file} auto-runs the default detector and the page's metrics equal the CLI's`, async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.upload(fixture(file));
    const state = await lab.waitDone(file);
    // The same detector and seed through the CLI (the default detector may change; the numbers may not differ).
    const cli = cliJson(['score', fixture(file), ...(await lab.cliArgs())]);
    expect(cli.metrics, 'the CLI found the label column').not.toBeNull();

    // The label column was picked without a click and left out of the features.
    expect(state.labelColumn).toBe('label');
    expect(state.features).toEqual(cli.columns);
    await expect(lab.tid('label-select')).toHaveValue('label');
    await expect(lab.tid('dataset-info')).toContainText(file);
    await expect(lab.tid('dataset-info')).toContainText(`${cli.rows} rows`);
    await expect(lab.tid('model-info')).toContainText(`on ${cli.columns.length} columns`);

    // Threshold and flagged count: the detector's own (contamination 'auto').
    expect(await lab.threshold()).toBe(cli.threshold);
    expect(await lab.flagged()).toBe(cli.flagged);

    // Every metric, to 1e-12, and the confusion matrix exactly.
    const m = await lab.metrics();
    for (const id of METRIC_IDS) {
      expectClose(m[id], (cli.metrics as unknown as Record<string, number>)[CLI_KEY[id]], 1e-12, `metric-${id}`);
    }
    const cm = await lab.confusion();
    expect(cm).toEqual({ tp: cli.metrics!.tp, fp: cli.metrics!.fp, fn: cli.metrics!.fn, tn: cli.metrics!.tn });
    expect(cm.tp + cm.fp + cm.fn + cm.tn).toBe(cli.rows);

    // The plot draws every row that has both coordinates.
    expect(await lab.plotPoints()).toBeGreaterThan(0);
    await expect(lab.tid('backend-status')).not.toHaveAttribute('data-backend', '');
  });
}

test('the demo sample button loads 120 points, picks the label, 20 anomalies', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  const state = await lab.waitDone('sklearn_iforest_demo.csv');
  expect(state.dataset).toEqual({ name: 'sklearn_iforest_demo.csv', rows: 120, cols: 3 });
  expect(state.labelColumn).toBe('label');
  expect(state.features).toEqual(['x0', 'x1']);
  await expect(lab.tid('label-select')).toHaveValue('label');
  await expect(lab.tid('label-summary')).toContainText('20 anomalies of 120 rows');
  await expect(lab.tid('scatter-plot')).toHaveAttribute('data-points', '120');
  await expect(lab.allCircles()).toHaveCount(120);
  await expect(lab.tid('plot-note')).toContainText('120 rows');
  await expect(lab.tid('plot-x')).toHaveValue('x0');
  await expect(lab.tid('plot-y')).toHaveValue('x1');
  await expect(lab.tid('color-bar')).toBeVisible();
  const cm = await lab.confusion();
  expect(cm.tp + cm.fn).toBe(20);
  expect(cm.fp + cm.tn).toBe(100);

  // Same file through the CLI: same numbers.
  const cli = cliJson(['score', fixture('sklearn_iforest_demo.csv'), ...(await lab.cliArgs())]);
  expect(cm).toEqual({ tp: cli.metrics!.tp, fp: cli.metrics!.fp, fn: cli.metrics!.fn, tn: cli.metrics!.tn });
  expectClose(await lab.metricValue('roc-auc'), cli.metrics!.roc_auc, 1e-12, 'roc-auc');
  expect(await lab.threshold()).toBe(cli.threshold);
  expect(await lab.flagged()).toBe(cli.flagged);
  const scores = await lab.scores();
  expect(scores).toHaveLength(120);
});

test('z-score chosen in the picker matches the CLI exactly (threshold |z| > 3)', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.runDetector('zscore');
  await expect(lab.tid('model-info')).toContainText('z-score on 8 columns');
  const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'zscore']);
  expect(await lab.threshold()).toBe(3);
  expect(await lab.flagged()).toBe(cli.flagged);
  const m = await lab.metrics();
  for (const id of METRIC_IDS) {
    expectClose(m[id], (cli.metrics as unknown as Record<string, number>)[CLI_KEY[id]], 1e-12, `metric-${id}`);
  }
  expect(await lab.confusion()).toEqual({ tp: cli.metrics!.tp, fp: cli.metrics!.fp, fn: cli.metrics!.fn, tn: cli.metrics!.tn });
});
