import { test, expect } from '@playwright/test';
import { Lab } from './helpers';
import { labelFreeThreshold, THRESHOLD_METHODS } from '../src/core/detectors/thresholders';

/**
 * "Threshold by" (issue 21): a label-free rule sets the threshold from the scores, the histogram's line
 * names it, flagged counts follow; moving the slider sets it by hand again.
 */
test('pick a threshold method and see it on the histogram', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  const scores = (await lab.scores())!;
  await lab.tid('tab-histogram').click();
  const histogram = lab.tid('score-histogram');
  await expect(histogram).toHaveAttribute('data-threshold-method', '');

  for (const method of ['iqr', 'mad', 'otsu'] as const) {
    await lab.tid('threshold-method').selectOption(method);
    const expected = labelFreeThreshold(method, scores);
    await expect(lab.tid('threshold-value')).toHaveAttribute('data-value', String(expected));
    await expect(histogram).toHaveAttribute('data-threshold-method', method);
    await expect(histogram).toHaveAttribute('data-threshold', String(expected));
    await expect(histogram).toContainText(`threshold by ${method === 'iqr' ? 'IQR' : method === 'mad' ? 'MAD' : 'Otsu'}`);
    await expect(lab.tid('flagged-count')).toHaveAttribute('data-value', String(scores.filter((s) => s > expected).length));
  }
  expect(THRESHOLD_METHODS).toContain('gap');

  // The slider takes the threshold back by hand: the method is no longer shown as the choice.
  await lab.tid('threshold-slider').fill('500');
  await expect(lab.tid('threshold-method')).toHaveValue('');
  await expect(histogram).toHaveAttribute('data-threshold-method', '');
  await expect(histogram).not.toContainText('threshold by');
});
