/** The centre tabs: score histogram with the threshold, ROC and precision–recall curves with the operating point. */
import { expect, test } from '@playwright/test';
import { Lab, fixture } from './helpers';

test('histogram, ROC and PR tabs show the run and follow the threshold', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  const s = await lab.waitDone('pima.csv');
  await lab.tid('tab-histogram').click();
  await expect(lab.tid('score-histogram')).toBeVisible();
  await expect(lab.tid('score-histogram').locator('.recharts-bar-rectangle').first()).toBeAttached();
  await expect(lab.tid('score-histogram')).toContainText('labelled anomaly');
  await expect(lab.tid('score-histogram')).toContainText(`threshold ${s.threshold}`);

  await lab.tid('tab-roc').click();
  const auc = Number(await lab.tid('metric-roc-auc').getAttribute('data-value'));
  await expect(lab.tid('roc-curve')).toContainText(`ROC-AUC ${auc.toPrecision(4).replace(/0+$/, '')}`);
  await expect(lab.tid('roc-curve').locator('path.recharts-curve').first()).toBeAttached();
  const dot = lab.tid('roc-curve').locator('.recharts-reference-dot circle');
  const before = await dot.getAttribute('cx');
  await lab.tid('flagged-count').fill('300');
  await expect.poll(() => dot.getAttribute('cx')).not.toBe(before);

  await lab.tid('tab-pr').click();
  await expect(lab.tid('pr-curve')).toContainText('average precision');
  await lab.tid('tab-scatter').click();
  await expect(lab.tid('scatter-plot')).toBeVisible();

  // Without a label the curves say why they are empty.
  await lab.tid('label-select').selectOption('');
  await lab.tid('tab-roc').click();
  await expect(page.getByText('Pick a label column')).toHaveCount(2); // metrics panel and the curve view
});
