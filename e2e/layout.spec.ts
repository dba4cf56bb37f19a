/**
 * Layout (issue 23): at 1024×700 the plot, the threshold and the metrics are on screen together (the
 * data/detector panel folds away once a file is loaded, one click brings it back), and the status bar
 * with its timings stays in view. Screenshots of the empty, loaded, run and error states at
 * 1024×700, 1440×900 and 1920×1080 go to test-results/screens/ for a person to look at.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { Lab, fixture, ROOT } from './helpers';

/** SCREENS_DIR moves them (test-results/ is emptied by every Playwright run that starts). */
const SHOTS = process.env.SCREENS_DIR ?? path.join(ROOT, 'test-results', 'screens');

/** The element's box lies wholly inside the viewport. */
async function inViewport(page: Page, loc: Locator, what: string): Promise<void> {
  const box = await loc.boundingBox();
  expect(box, `${what} is drawn`).not.toBeNull();
  const vp = page.viewportSize()!;
  expect(box!.x, `${what} starts inside the viewport (x)`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what} starts inside the viewport (y)`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what} ends inside the viewport (x)`).toBeLessThanOrEqual(vp.width + 0.5);
  expect(box!.y + box!.height, `${what} ends inside the viewport (y)`).toBeLessThanOrEqual(vp.height + 0.5);
}

test.describe('layout at 1024×700', () => {
  test.use({ viewport: { width: 1024, height: 700 } });

  test('plot, threshold and metrics are visible together; the status bar stays in view; the side panel folds and opens', async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.upload(fixture('pima.csv'));
    await lab.waitDone('pima.csv');
    await expect(lab.tid('side-panel')).toHaveAttribute('data-open', 'false');
    await expect(lab.tid('detector-select')).toBeHidden();
    await inViewport(page, lab.tid('scatter-plot'), 'the scatter plot');
    await inViewport(page, lab.tid('threshold-slider'), 'the threshold slider');
    await inViewport(page, lab.tid('threshold-value'), 'the threshold value');
    for (const id of ['precision', 'recall', 'f1', 'roc-auc']) await inViewport(page, lab.tid(`metric-${id}`), `metric ${id}`);
    await inViewport(page, lab.tid('timings'), 'the status bar timings');
    // The plot is wide enough to read: over half the window.
    expect((await lab.tid('scatter-plot').boundingBox())!.width).toBeGreaterThan(512);
    // One click brings the data/detector panel back; the plot and threshold stay on screen beside it.
    await lab.tid('side-toggle').click();
    await expect(lab.tid('side-panel')).toHaveAttribute('data-open', 'true');
    await expect(lab.tid('detector-select')).toBeVisible();
    await inViewport(page, lab.tid('threshold-slider'), 'the threshold slider with the panel open');
    await inViewport(page, lab.tid('scatter-plot'), 'the scatter plot with the panel open');
    // Scrolling the page down keeps the status bar in view.
    await page.mouse.wheel(0, 2000);
    await inViewport(page, lab.tid('timings'), 'the status bar after scrolling');
  });
});

const SIZES = [[1024, 700], [1440, 900], [1920, 1080]] as const;

for (const [w, h] of SIZES) {
  test(`screenshots at ${w}×${h}: empty, loaded, run, error`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    const lab = new Lab(page);
    const shot = async (state: string) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(SHOTS, `${w}x${h}-${state}.png`) });
    };
    await lab.open();
    await expect(lab.tid('csv-input-button')).toBeVisible();
    await shot('empty');
    await lab.upload(fixture('pima.csv'));
    await lab.waitDone('pima.csv');
    await inViewport(page, lab.tid('threshold-slider'), 'the threshold slider');
    await inViewport(page, lab.tid('timings'), 'the status bar timings');
    await shot('loaded');
    // A second detector run, with a row explained from the keyboard-reachable "next flagged" button.
    if (await lab.tid('side-panel').getAttribute('data-open') === 'false') await lab.tid('side-toggle').click();
    await lab.runDetector('lof');
    await lab.tid('next-flagged').click();
    await expect(lab.tid('explain-panel')).toBeVisible();
    await shot('run');
    await lab.upload({ name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,label\n1,2,0\n3,4,0\n5,6\n7,8,1\n') });
    await expect(lab.tid('error-message')).toBeVisible();
    await inViewport(page, lab.tid('error-message'), 'the error message');
    await shot('error');
  });
}
