// Takes screenshots of the page for a look by eye: npx tsx scripts/screenshot.ts [url] [out-dir]
import { chromium } from '@playwright/test';

const url = process.argv[2] ?? 'http://127.0.0.1:4173/';
const out = process.argv[3] ?? '/tmp/shots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-quic', '--enable-unsafe-webgpu'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(url);
await page.getByTestId('sample-sklearn_iforest_demo').click();
await page.getByTestId('job-status').and(page.locator('[data-state="done"]')).waitFor({ timeout: 60_000 });
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/demo.png` });
await page.getByTestId('sklearn-view').check();
await page.waitForTimeout(300);
await page.screenshot({ path: `${out}/demo-sklearn.png` });
await page.getByTestId('sklearn-view').uncheck();
await page.getByTestId('sample-cardio').click();
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().dataset?.name === 'cardio.csv' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 60_000 });
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/cardio.png` });
for (const tab of ['histogram', 'roc', 'pr']) {
  await page.getByTestId(`tab-${tab}`).click();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/cardio-${tab}.png` });
}
await page.getByTestId('tab-scatter').click();
// One-class SVM on the demo data, scikit-learn's view with its decision surface.
await page.getByTestId('sample-sklearn_iforest_demo').click();
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().dataset?.name === 'sklearn_iforest_demo.csv' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 60_000 });
await page.getByTestId('detector-select').selectOption('ocsvm');
await page.getByTestId('param-nu').fill('0.1');
await page.getByTestId('run-button').click();
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().detector === 'ocsvm' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 60_000 });
await page.getByTestId('sklearn-view').check();
await page.waitForTimeout(800);
await page.screenshot({ path: `${out}/ocsvm-demo.png` });
await page.getByTestId('sklearn-view').uncheck();
// Autoencoder on cardio: the loss chart while it trains, then a clicked row explained.
await page.getByTestId('sample-cardio').click();
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().dataset?.name === 'cardio.csv' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 60_000 });
await page.getByTestId('detector-select').selectOption('autoencoder');
await page.getByTestId('param-epoch_num').fill('30');
await page.getByTestId('run-button').click();
await page.waitForFunction(() => ((globalThis as any).__anomalyLab.state().training?.length ?? 0) >= 8, null, { timeout: 120_000 });
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: `${out}/autoencoder-training.png` });
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().detector === 'autoencoder' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 120_000 });
const scores: number[] = await page.evaluate(() => (globalThis as any).__anomalyLab.scores());
await page.evaluate((r) => (globalThis as any).__anomalyLab.explain(r), scores.indexOf(Math.max(...scores)));
await page.getByTestId('explain-errors').waitFor();
await page.evaluate(() => window.scrollTo(0, 0));
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/autoencoder-explain.png` });
console.log(JSON.stringify(await page.evaluate(() => (globalThis as any).__anomalyLab.state())));
// LOF on cardio (21 columns: the WebAssembly neighbour search), the model info saying so.
await page.getByTestId('detector-select').selectOption('lof');
await page.getByTestId('run-button').click();
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().detector === 'lof' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 60_000 });
await page.waitForTimeout(500);
await page.screenshot({ path: `${out}/lof-cardio.png`, fullPage: true });
// The timeline (issue 16): NAB's nyc_taxi with its windows, the whole series, then zoomed on the marathon/Thanksgiving weeks with a hover.
await page.getByTestId('sample-nyc_taxi').click();
await page.waitForFunction(() => (globalThis as any).__anomalyLab.state().dataset?.name === 'nyc_taxi.csv' && (globalThis as any).__anomalyLab.state().job === 'done', null, { timeout: 90_000 });
await page.getByTestId('timeline-tab').click();
await page.getByTestId('flagged-count').fill('40');
await page.getByTestId('flagged-count').press('Enter');
await page.waitForTimeout(800);
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: `${out}/timeline-nyc-taxi.png` });
const tl = (await page.getByTestId('timeline-plot').boundingBox())!;
await page.mouse.move(tl.x + tl.width * 0.55, tl.y + tl.height * 0.3);
for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -400);
await page.mouse.move(tl.x + tl.width * 0.56, tl.y + tl.height * 0.3);
await page.waitForTimeout(800);
await page.screenshot({ path: `${out}/timeline-nyc-taxi-zoom.png` });
await browser.close();
