/**
 * The scatter plot at size (issue 23): the density layer draws every row (binned in the data
 * worker), the flagged rows and a uniform sample of the rest go on top, and the caption says so;
 * labelled anomalies are ringed, with a legend; the confusion colouring is one click away; the
 * scikit-learn view says in words, at the colour bar, that red means normal.
 */
import { expect, test } from '@playwright/test';
import { Lab, fixture } from './helpers';

/** 20,000 rows: a Gaussian blob, 2 % labelled outliers spread wide (seeded LCG, no Math.random). */
function bigCsv(n = 20_000): Buffer {
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const g = () => Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
  const lines = ['x0,x1,label'];
  for (let i = 0; i < n; i++) {
    const out = i % 50 === 0;
    lines.push(out ? `${(8 * u() - 4).toFixed(4)},${(8 * u() - 4).toFixed(4)},1` : `${(0.5 * g()).toFixed(4)},${(0.5 * g()).toFixed(4)},0`);
  }
  return Buffer.from(lines.join('\n'));
}

test('20,000 rows: every row in the density layer; flagged rows and a sample of the rest on top; the caption says what is drawn', async ({ page }) => {
  test.setTimeout(180_000);
  const lab = new Lab(page);
  await lab.open();
  await lab.upload({ name: 'big.csv', mimeType: 'text/csv', buffer: bigCsv() });
  await lab.waitDone('big.csv', 120_000);
  const layer = lab.tid('density-layer');
  await expect(layer).toHaveAttribute('data-rows', '20000', { timeout: 30_000 });
  await expect(lab.tid('density-caption')).toContainText('all 20,000 rows in view');
  await expect(lab.tid('density-caption')).toContainText('mean score');

  // Flag 5,000 rows: more than the 2,000 flagged points drawn, so 1,000 unflagged rows still show.
  await lab.tid('flagged-count').fill('5000');
  await expect.poll(() => lab.flagged()).toBeGreaterThan(4900); // ties at the cut may leave a few out
  const n = await lab.flagged();
  const plot = lab.tid('scatter-plot');
  await expect(lab.tid('plot-note')).toContainText(`a uniform sample of 2,000 of the ${n.toLocaleString('en')} flagged rows + 1,000 of the rest`);
  // Besides the sample, the labelled anomalies are drawn too (flagged or not): at least 2,000 flagged and 1,000 unflagged points.
  expect(await plot.locator('circle.point.flagged').count()).toBeGreaterThanOrEqual(2000);
  expect(await plot.locator('circle.point:not(.flagged)').count()).toBeGreaterThanOrEqual(1000);
  // A threshold move changes the overlay, not the density grid (it does not depend on the threshold).
  const bins = await layer.getAttribute('data-bins');
  const grids = await layer.getAttribute('data-grids');
  await lab.tid('flagged-count').fill('100');
  await expect(lab.tid('plot-note')).toContainText('all 100 flagged');
  await expect(layer).toHaveAttribute('data-bins', bins!);
  await expect(layer).toHaveAttribute('data-grids', grids!); // nothing rebinned
  await expect(layer).toHaveAttribute('data-rows', '20000');

  // Count colouring, then off: the caption follows.
  await lab.tid('density-mode').selectOption('count');
  await expect(lab.tid('density-caption')).toContainText('darker = more rows');
  await lab.tid('density-mode').selectOption('off');
  await expect(lab.tid('density-caption')).toHaveText('');
  await expect(layer).toHaveCount(0);
});

test('labelled anomalies are ringed with a legend; confusion colouring matches the metrics; the scikit-learn view says red = normal', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  const plot = lab.tid('scatter-plot');
  // The demo's 20 uniform outliers are labelled: 20 rings, and the legend names them.
  await expect(plot.locator('circle.truth-ring')).toHaveCount(20);
  await expect(lab.tid('truth-legend')).toContainText('labelled anomaly (20 drawn)');

  await lab.tid('color-by').selectOption('confusion');
  await expect(lab.tid('plot-note')).toHaveAttribute('data-color-by', 'confusion');
  const c = await lab.confusion();
  const legend = lab.tid('confusion-legend');
  for (const k of ['tp', 'fp', 'fn', 'tn'] as const) {
    await expect(legend.locator(`[data-kind=${k}]`)).toHaveAttribute('data-count', String(c[k]));
    await expect(plot.locator(`circle.point.${k}`)).toHaveCount(c[k]);
  }
  // The TP and FN points are exactly the ringed ones.
  expect(c.tp + c.fn).toBe(20);

  await lab.tid('color-by').selectOption('score');
  await lab.tid('sklearn-view').check();
  await expect(lab.tid('color-bar-note')).toContainText('red = high = normal (inlier)');
  await lab.tid('sklearn-view').uncheck();
  await expect(lab.tid('color-bar-note')).toContainText('red = high score = anomalous');
});

test('pima (8 columns): PCA axes by default; the density layer is on at any size', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await expect(lab.tid('scatter-plot')).toHaveAttribute('data-projection', 'pca');
  await expect(lab.tid('density-layer')).toHaveAttribute('data-rows', /^\d+$/);
});
