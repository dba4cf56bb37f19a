/**
 * The autoencoder in the page: trained in a worker with a live loss chart,
 * explained per feature on a click, saved in the browser (IndexedDB, tfjs
 * format) and applied again, cancelled mid-training, and on the webgpu backend.
 */
import { expect, test, type Page } from '@playwright/test';
import { Lab, cliJson, fixture } from './helpers';

test.describe.configure({ timeout: 300_000 });

interface Extra { training: { epoch: number; loss: number; valLoss: number | null }[] | null; explained: { row: number; score: number; errors: number[] | null; columns: string[] } | null; compute: string | null }
const extra = (lab: Lab) => lab.state() as Promise<Awaited<ReturnType<Lab['state']>> & Extra>;

async function trainOn(page: Page, file: string, params: Record<string, string>, query = ''): Promise<Lab> {
  const lab = new Lab(page);
  await lab.open(query);
  await lab.upload(fixture(file));
  await lab.waitDone(file, 240_000);
  await lab.tid('detector-select').selectOption('autoencoder');
  for (const [k, v] of Object.entries(params)) await lab.tid(`param-${k}`).fill(v);
  await lab.runAndWait(240_000);
  return lab;
}

test('trains with a streamed loss chart, flags 10 %, equals the CLI, and explains a clicked row per feature', async ({ page }) => {
  const lab = await trainOn(page, 'pima.csv', { epoch_num: '4' });
  const s = await extra(lab);
  // One loss point per epoch streamed from the worker, with validation loss (validation_size 0.1).
  expect(s.training!.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
  expect(s.training!.every((e) => Number.isFinite(e.loss) && e.valLoss !== null)).toBe(true);
  await lab.tid('tab-training').click();
  await expect(lab.tid('loss-chart')).toHaveAttribute('data-epochs', '4');
  await expect(lab.tid('training-status')).toContainText('epoch 4 / 4');
  // PyOD's contamination 0.1: the threshold is the 90th percentile of the training scores.
  const scores = (await lab.scores())!;
  expect(s.flagged).toBe(scores.filter((v) => v > s.threshold).length);
  expect(Math.abs(s.flagged! - 0.1 * 768)).toBeLessThanOrEqual(1);
  // Same seed, same backend (wasm): the CLI trains the same network.
  const cli = cliJson(['score', fixture('pima.csv'), '--detector', 'autoencoder', '--param', 'epoch_num=4', '--backend', 'wasm']);
  expect(s.metrics!.roc_auc).toBeCloseTo(cli.metrics!.roc_auc!, 6);

  // Click the highest-scoring point in the plot: the explain panel shows its per-feature errors.
  await lab.tid('tab-scatter').click();
  const top = scores.indexOf(Math.max(...scores));
  await page.evaluate((row) => (window as unknown as { __anomalyLab: { explain(r: number): Promise<void> } }).__anomalyLab.explain(row), top);
  await expect(lab.tid('explain-panel')).toHaveAttribute('data-row', String(top));
  await expect(lab.tid('explain-errors')).toBeVisible();
  await expect(lab.tid('selected-point')).toHaveCount(1); // ringed in the plot
  const ex = (await extra(lab)).explained!;
  expect(ex.errors).toHaveLength(8);
  const mean = ex.errors!.reduce((a, b) => a + b, 0) / ex.errors!.length;
  expect(Math.abs(mean - ex.score) / ex.score).toBeLessThan(1e-5);
  // A real click on a drawn point explains that row too.
  await lab.tid('explain-close').click();
  await expect(lab.tid('explain-panel')).toHaveCount(0);
  const last = page.locator('[data-testid=scatter-plot] circle.point').last();
  const row = await last.getAttribute('data-row');
  await last.click({ force: true });
  await expect(lab.tid('explain-panel')).toBeVisible();
  await expect(lab.tid('explain-panel')).toHaveAttribute('data-row', row!);
});

test('save in the browser (IndexedDB), then apply the saved model: the same scores without training', async ({ page }) => {
  const lab = await trainOn(page, 'pima.csv', { epoch_num: '2' });
  const before = (await lab.scores())!;
  await lab.tid('save-model-browser').click();
  await expect(lab.tid('saved-model')).toHaveCount(1);
  await expect(lab.tid('saved-model')).toContainText('autoencoder');
  // A fresh page: the saved model is still listed, and applying it scores without a fit.
  await page.reload();
  await page.waitForFunction(() => '__anomalyLab' in window);
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await expect(lab.tid('saved-model')).toHaveCount(1);
  await lab.tid('open-saved-model').click();
  await expect(lab.tid('applied-model')).toContainText('saved in this browser');
  await expect.poll(async () => (await lab.state()).detector ?? '').toBe('autoencoder');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
  expect(await lab.scores()).toEqual(before);
  await lab.tid('delete-saved-model').click();
  await expect(lab.tid('saved-model')).toHaveCount(0);
});

test('cancel stops a long training at once and leaves the data and the earlier result usable', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  const first = await lab.waitDone('pima.csv');
  await lab.tid('detector-select').selectOption('autoencoder');
  await lab.tid('param-epoch_num').fill('500');
  await lab.tid('run-button').click();
  await expect(lab.tid('loss-chart')).not.toHaveAttribute('data-epochs', '0', { timeout: 60_000 });
  await lab.tid('cancel-button').click();
  await expect(lab.tid('job-status')).not.toHaveAttribute('data-state', 'running');
  // Stopped, not left running in the background: no epoch arrives after the cancel (no wall-clock
  // bound here: a busy CI machine makes any such bound a coin toss).
  const epochs = await lab.tid('loss-chart').getAttribute('data-epochs');
  await page.waitForTimeout(1500);
  await expect(lab.tid('loss-chart')).toHaveAttribute('data-epochs', epochs ?? '0');
  const s = await lab.state();
  expect(s.dataset?.rows).toBe(768);
  expect(s.metrics!.roc_auc).toBe(first.metrics!.roc_auc); // the Isolation Forest result is still shown
  // And the page still runs detectors.
  await lab.tid('param-epoch_num').fill('1');
  await lab.runAndWait(120_000);
  expect((await lab.state()).detector).toBe('autoencoder');
});

test('a tiny autoencoder trained on webgpu (SwiftShader) scores as the wasm one within 1e-3', async ({ browser }) => {
  // Same seed, same initial weights, dropout masks and batches; float32 on both backends, so
  // the two trainings drift apart only by rounding: 2 epochs on 120 rows stay within 1e-3.
  const params = { epoch_num: '2', hidden_neuron_list: '8,4' };
  const gpuPage = await browser.newPage();
  const gpu = await trainOn(gpuPage, 'sklearn_iforest_demo.csv', params, '?backend=webgpu');
  expect((await extra(gpu)).compute).toMatch(/webgpu/);
  const g = (await gpu.scores())!;
  await gpuPage.close();
  const wasmPage = await browser.newPage();
  const wasm = await trainOn(wasmPage, 'sklearn_iforest_demo.csv', params, '?backend=wasm');
  expect((await extra(wasm)).compute).toMatch(/wasm/);
  const w = (await wasm.scores())!;
  await wasmPage.close();
  let worst = 0;
  for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i] - w[i]) / Math.max(Math.abs(w[i]), 1e-3));
  expect(worst).toBeLessThan(1e-3);
});
