/** Zoom and pan on the scatter plot (issue 23): wheel, drag, double-click to reset; the score surface is rescored for the zoomed range. */
import { expect, test } from '@playwright/test';
import { Lab } from './helpers';

const range = async (lab: Lab, axis: 'x' | 'y') => (await lab.tid('scatter-plot').getAttribute(`data-${axis}-domain`))!.split(',').map(Number) as [number, number];

test('wheel zooms about the pointer, drag pans, double-click resets; the surface follows the zoomed range', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  const plot = lab.tid('scatter-plot');
  const surface = lab.tid('decision-surface');
  await expect(surface).toBeVisible();
  const x0 = await range(lab, 'x');
  const y0 = await range(lab, 'y');
  await expect(surface).toHaveAttribute('data-range', `${x0.join()}:${y0.join()}`);
  const circles = await plot.locator('circle.point').count();

  // Zoom in at the centre of the plot area.
  const box = (await plot.locator('svg.points').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(plot).toHaveAttribute('data-zoomed', 'true');
  const x1 = await range(lab, 'x');
  const y1 = await range(lab, 'y');
  expect(x1[1] - x1[0]).toBeLessThan(0.8 * (x0[1] - x0[0]));
  expect(y1[1] - y1[0]).toBeLessThan(0.8 * (y0[1] - y0[0]));
  // About the pointer: the centre stays (within a pixel's worth).
  expect(Math.abs((x1[0] + x1[1]) / 2 - (x0[0] + x0[1]) / 2)).toBeLessThan((x0[1] - x0[0]) / box.width * 2);
  // The surface is scored again over the zoomed range; points outside it are not drawn.
  await expect(surface).toHaveAttribute('data-range', `${x1.join()}:${y1.join()}`, { timeout: 15_000 });
  expect(await plot.locator('circle.point').count()).toBeLessThan(circles);
  await expect(lab.tid('plot-note')).toContainText('zoomed');

  // Drag right by a quarter of the width: the range moves left by a quarter of its span.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2, { steps: 2 });
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const x2 = await range(lab, 'x');
  const span = x1[1] - x1[0];
  expect(x2[1] - x2[0]).toBeCloseTo(span, 9);
  expect(x2[0]).toBeCloseTo(x1[0] - span / 4, 1);
  // A drag does not explain a point.
  await expect(lab.tid('selected-point')).toHaveCount(0);

  // Double-click: the full range again.
  await page.mouse.dblclick(box.x + 5, box.y + 5);
  await expect(plot).toHaveAttribute('data-zoomed', 'false');
  expect(await range(lab, 'x')).toEqual(x0);
  await expect(surface).toHaveAttribute('data-range', `${x0.join()}:${y0.join()}`, { timeout: 15_000 });
  await expect(plot.locator('circle.point')).toHaveCount(circles);
});
