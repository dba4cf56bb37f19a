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

test('scatter points sit where the axes put them; hovering one names its row and values; clicks and threshold steps follow', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  const plot = lab.tid('scatter-plot');
  // Axis scales from the first and last tick of each axis: the tick line's pixel, the label's value.
  const axis = async (which: 'x' | 'y') => {
    const lines = plot.locator(`.recharts-${which}Axis-tick-lines .recharts-cartesian-axis-tick-line`);
    const labels = plot.locator(`.recharts-${which}Axis-tick-labels .recharts-cartesian-axis-tick-value`);
    const n = await lines.count();
    expect(n).toBeGreaterThan(2);
    expect(await labels.count()).toBe(n);
    const at = async (i: number) => {
      const box = (await lines.nth(i).boundingBox())!;
      return { v: Number(await labels.nth(i).textContent()), px: which === 'x' ? box.x + box.width / 2 : box.y + box.height / 2 };
    };
    const a = await at(0);
    const b = await at(n - 1);
    return (v: number) => a.px + ((v - a.v) * (b.px - a.px)) / (b.v - a.v);
  };
  const toX = await axis('x');
  const toY = await axis('y');
  const circles = plot.locator('circle.point');
  await expect(circles).toHaveCount(120);
  for (const i of [0, 57, 119]) {
    await circles.nth(i).hover({ force: true });
    // The tooltip names the row under the pointer (the topmost circle there, in a dense cluster maybe another).
    const tip = plot.locator('.point-tip');
    await expect(tip).toContainText('click to explain this row');
    const text = (await tip.textContent())!;
    const row = Number(/row ([\d,]+)/.exec(text)![1].replace(/,/g, '')) - 1;
    const x = Number(/x0 = (-?[\d.e+-]+)/.exec(text)![1]);
    const y = Number(/x1 = (-?[\d.e+-]+)/.exec(text)![1]);
    const box = (await plot.locator(`circle.point[data-row="${row}"]`).boundingBox())!;
    // Within 1.5 px (the tooltip rounds to 5 significant digits).
    expect(Math.abs(box.x + box.width / 2 - toX(x))).toBeLessThan(1.5);
    expect(Math.abs(box.y + box.height / 2 - toY(y))).toBeLessThan(1.5);
    await plot.locator(`circle.point[data-row="${row}"]`).dispatchEvent('click');
    await expect(lab.tid('explain-panel')).toHaveAttribute('data-row', String(row));
    await expect(lab.tid('selected-point')).toHaveAttribute('data-row', String(row));
  }
  await lab.tid('explain-close').click();
  // Arrow-key threshold steps redraw the flagged points.
  await lab.tid('threshold-slider').focus();
  for (let k = 0; k < 10; k++) await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await lab.state()).flagged).toBeGreaterThan(18);
  await expect(plot.locator('circle.point.flagged')).toHaveCount((await lab.state()).flagged!);
});
