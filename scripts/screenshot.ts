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
console.log(JSON.stringify(await page.evaluate(() => (globalThis as any).__anomalyLab.state())));
await browser.close();
