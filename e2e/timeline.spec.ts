/**
 * The timeline view (issue 16): the NAB sample with its shaded windows, zoom (wheel, overview brush) and
 * pan, the threshold line linked both ways with the slider, hover and click-to-explain; a series without a
 * time column in row order. State is read from the plot's data attributes and the page's test hook.
 */
import { expect, test, type Locator } from '@playwright/test';
import { Lab } from './helpers';

async function visible(plot: Locator): Promise<[number, number]> {
  return [Number(await plot.getAttribute('data-visible-start')), Number(await plot.getAttribute('data-visible-end'))];
}

test('NAB nyc_taxi: windows shaded, zoom, pan, brush, reset; threshold line <-> slider; hover and click', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-nyc_taxi').click();
  await lab.waitDone('nyc_taxi.csv');
  // A series with a time column opens on the timeline by itself.
  await expect(lab.tid('timeline-tab')).toHaveAttribute('aria-selected', 'true');
  await expect(lab.tid('timeline-plot')).toBeVisible();
  await lab.tid('timeline-tab').click();
  const plot = lab.tid('timeline-plot');
  await expect(plot).toHaveAttribute('data-kind', 'time');
  await expect(plot).toHaveAttribute('data-windows', '5');
  await expect.poll(async () => Number(await plot.getAttribute('data-points-drawn'))).toBeGreaterThan(100);
  // The whole series: its first and last timestamps (2014-07-01 00:00 to 2015-01-31 23:30, read as UTC).
  const whole = await visible(plot);
  expect(whole).toEqual([Date.UTC(2014, 6, 1), Date.UTC(2015, 0, 31, 23, 30)]);
  expect(Number(await plot.getAttribute('data-rows-in-view'))).toBe(10_320);
  // NAB's probation: min(floor(0.15 × 10,320), 750) = 750 rows, the last at row 750 (half-hourly from the start).
  expect(Number(await plot.getAttribute('data-probation-end'))).toBe(Date.UTC(2014, 6, 1) + 749 * 30 * 60_000);
  await expect(lab.tid('timeline-reset')).toBeDisabled();

  // Wheel zoom around the cursor: a narrower range that still holds the time under the cursor.
  const box = (await plot.boundingBox())!;
  const cx = box.x + box.width * 0.5, cy = box.y + box.height * 0.3;
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400);
  await expect.poll(async () => { const [a, b] = await visible(plot); return b - a; }).toBeLessThan((whole[1] - whole[0]) / 3);
  const zoomed = await visible(plot);
  expect(zoomed[0]).toBeGreaterThan(whole[0]);
  expect(zoomed[1]).toBeLessThan(whole[1]);
  await expect.poll(async () => Number(await plot.getAttribute('data-rows-in-view'))).toBeLessThan(10_320);

  // Drag to the left: later times come into view, the span stays.
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx - 150, cy, { steps: 5 });
  await page.mouse.up();
  const panned = await visible(plot);
  expect(panned[0]).toBeGreaterThan(zoomed[0]);
  expect(panned[1] - panned[0]).toBeCloseTo(zoomed[1] - zoomed[0], -3);

  // Reset: the whole series again.
  await lab.tid('timeline-reset').click();
  await expect.poll(() => visible(plot)).toEqual(whole);

  // Brush on the overview strip: the range chosen there.
  const ov = (await lab.tid('timeline-overview').boundingBox())!;
  const left = 64, right = 14; // the plot area's margins (timeline-draw.ts layout)
  const at = (f: number) => ov.x + left + f * (ov.width - left - right);
  await page.mouse.move(at(0.2), ov.y + ov.height / 2);
  await page.mouse.down();
  await page.mouse.move(at(0.4), ov.y + ov.height / 2, { steps: 5 });
  await page.mouse.up();
  const brushed = await visible(plot);
  const span = whole[1] - whole[0];
  expect(Math.abs(brushed[0] - (whole[0] + 0.2 * span)) / span).toBeLessThan(0.01);
  expect(Math.abs(brushed[1] - (whole[0] + 0.4 * span)) / span).toBeLessThan(0.01);
  await lab.tid('timeline-reset').click();

  // Dragging the threshold line up raises the threshold: the slider and the flagged count follow.
  const t0 = await lab.threshold();
  const flagged0 = await lab.flagged();
  const slider0 = await lab.tid('threshold-slider').inputValue();
  const y0 = Number(await plot.getAttribute('data-threshold-y'));
  await page.mouse.move(box.x + box.width * 0.7, box.y + y0);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + y0 - 40, { steps: 4 });
  await page.mouse.up();
  await expect.poll(() => lab.threshold()).toBeGreaterThan(t0);
  expect(await lab.flagged()).toBeLessThan(flagged0);
  expect(Number(await lab.tid('threshold-slider').inputValue())).toBeGreaterThan(Number(slider0));
  await expect.poll(async () => Number(await plot.getAttribute('data-threshold-y'))).toBeLessThan(y0 - 20);
  // …and the other way: a flagged count typed in moves the line.
  const y1 = Number(await plot.getAttribute('data-threshold-y'));
  await lab.tid('flagged-count').fill('20');
  await lab.tid('flagged-count').press('Enter');
  await expect.poll(async () => Number(await plot.getAttribute('data-threshold-y'))).toBeLessThan(y1 - 5);
  await expect.poll(async () => Number(await plot.getAttribute('data-flagged-drawn'))).toBeLessThanOrEqual(20);

  // Hover: a crosshair's tooltip with the time, the value and the score; a click explains that row.
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.25);
  const tip = lab.tid('timeline-tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText('UTC');
  await expect(tip).toContainText('value =');
  await expect(tip).toContainText('score =');
  const row = Number(/row ([\d,]+)/.exec((await tip.textContent()) ?? '')![1].replace(/,/g, ''));
  await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.25);
  await expect.poll(async () => (await page.evaluate(() => (window as unknown as { __anomalyLab: { state(): { explained: { row: number } | null } } }).__anomalyLab.state().explained?.row ?? null))).toBe(row - 1);
});

test('a series without a time column: row order, one flagged mark per spike', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  // A sine with three spikes, no time column.
  const n = 3000;
  const lines = ['value'];
  for (let i = 0; i < n; i++) lines.push(String(Math.sin(i / 40) * 10 + (i === 700 || i === 1500 || i === 2600 ? 60 : 0)));
  await lab.upload({ name: 'sine.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await lab.waitDone('sine.csv');
  // No time column: the scatter stays the first view; the timeline is a click away.
  await expect(lab.tid('scatter-plot')).toBeVisible();
  await lab.tid('timeline-tab').click();
  const plot = lab.tid('timeline-plot');
  await expect(plot).toHaveAttribute('data-kind', 'row');
  await expect(plot).toHaveAttribute('data-windows', '0');
  await expect.poll(() => visible(plot)).toEqual([0, n - 1]);
  // Few rows flagged: each spike is marked.
  await lab.tid('flagged-count').fill('3');
  await lab.tid('flagged-count').press('Enter');
  await expect.poll(async () => Number(await plot.getAttribute('data-flagged-drawn'))).toBe(3);
});
