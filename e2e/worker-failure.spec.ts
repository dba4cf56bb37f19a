/**
 * A detector worker that fails under a run (issue 14, section 4): the failure is injected into
 * the worker itself through Playwright's worker handle (page.workers() → evaluate in the worker's
 * own scope), so the app carries no test hook for it. An uncaught error ends the run in an error
 * with the message, and Run works again at once; a worker that goes away (self.close(), as a crash
 * or a lost GPU device) has the run retried once on the next backend, with a note; a model opened
 * mid-run that cannot apply keeps its error on screen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { expect, test, type Page, type Worker } from '@playwright/test';
import { Lab, ROOT, fixture } from './helpers';

test.describe.configure({ timeout: 240_000 });

interface Extra { training: { epoch: number }[] | null; backends: { backend: string }[] }
const extra = (lab: Lab) => lab.state() as Promise<Awaited<ReturnType<Lab['state']>> & Extra>;

/** pima.csv loaded, the autoencoder chosen with `epochs` epochs, and Run clicked: resolves once it trains. */
async function startTraining(page: Page, epochs: number): Promise<Lab> {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv', 120_000);
  await lab.tid('detector-select').selectOption('autoencoder');
  await lab.tid('param-epoch_num').fill(String(epochs));
  await lab.tid('run-button').click();
  await expect.poll(async () => (await extra(lab)).training?.length ?? 0, { timeout: 120_000 }).toBeGreaterThan(0);
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'running');
  return lab;
}

/** The detector worker running the fit (pima's 768 rows are not split: worker 0 fits them). */
async function fittingWorker(page: Page): Promise<Worker> {
  for (const w of page.workers()) {
    const name = await w.evaluate(() => (self as unknown as { name: string }).name).catch(() => '');
    if (name.startsWith('detector-0-')) return w;
  }
  throw new Error(`no detector worker 0 among ${page.workers().length} workers`);
}

/** Throw an error from a task of its own in the worker: uncaught, as a bug in a callback would be. */
const throwInWorker = (w: Worker) => w.evaluate(() => { setTimeout(() => { throw new Error('injected failure in the worker'); }, 0); });
/** The worker ends itself, as a crash, an out-of-memory kill or a lost GPU device would end it. */
const closeWorker = (w: Worker) => w.evaluate(() => { setTimeout(() => (self as unknown as { close(): void }).close(), 0); }).catch(() => undefined);

test('an uncaught error in the worker mid-run: an error with its message, Run enabled, and a rerun works', async ({ page }) => {
  const lab = await startTraining(page, 500);
  await throwInWorker(await fittingWorker(page));
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
  await expect(lab.tid('job-status')).toContainText('injected failure in the worker');
  await expect(lab.tid('run-button')).toBeEnabled();
  await expect(lab.tid('cancel-button')).toBeDisabled();
  // The failed worker was replaced: a rerun trains and scores every row.
  await lab.tid('param-epoch_num').fill('2');
  await lab.runAndWait(120_000);
  const s = await extra(lab);
  expect(s.detector).toBe('autoencoder');
  expect(s.training!.map((e) => e.epoch)).toEqual([1, 2]);
  expect((await lab.scores())!.length).toBe(768);
  await expect(lab.tid('job-note')).toHaveCount(0);
});

test('a worker that exits mid-run: retried on the next backend (wasm → cpu) with a note; a second exit is an error; cancel works', async ({ page }) => {
  const lab = await startTraining(page, 40);
  const first = await extra(lab);
  expect(first.backends[0]?.backend).toBe('wasm'); // auto on SwiftShader: the software WebGPU adapter is skipped
  await closeWorker(await fittingWorker(page));
  // The pool notices the exit (the worker's Web Lock is released), replaces the worker and runs the job again on cpu.
  await expect(lab.tid('job-note')).toContainText('retried on cpu');
  await expect(lab.tid('job-note')).toContainText('stopped on wasm');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(lab.tid('job-note')).toBeVisible(); // the note stays with the result
  const s = await extra(lab);
  expect(s.backend).toBe('cpu');
  expect(s.training!.map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1)); // the retry trained from the start
  expect((await lab.scores())!.every((v) => Number.isFinite(v))).toBe(true);
  await expect(lab.tid('backend-status')).toHaveAttribute('data-backend', 'cpu');

  // On cpu there is no backend left: an exit there ends the run in an error, and Run works again.
  await lab.tid('param-epoch_num').fill('500');
  await lab.tid('run-button').click();
  await expect.poll(async () => (await extra(lab)).training?.length ?? 0, { timeout: 120_000 }).toBeGreaterThan(0);
  await closeWorker(await fittingWorker(page));
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
  await expect(lab.tid('job-status')).toContainText('stopped on cpu');
  await expect(lab.tid('run-button')).toBeEnabled();

  // Cancel still stops a run at once.
  await lab.tid('run-button').click();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'running');
  await lab.tid('cancel-button').click();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'idle');
  await expect(lab.tid('job-status')).toContainText('cancelled');
  await expect(lab.tid('run-button')).toBeEnabled();
});

test('a GPU device lost mid-run (webgpu): the worker ends itself and the run is retried on wasm, with a note', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open('?backend=webgpu');
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv', 200_000);
  await expect(lab.tid('backend-status')).toHaveAttribute('data-backend', 'webgpu');
  await lab.tid('detector-select').selectOption('autoencoder');
  await lab.tid('param-epoch_num').fill('30');
  await lab.tid('run-button').click();
  await expect.poll(async () => (await extra(lab)).training?.length ?? 0, { timeout: 200_000 }).toBeGreaterThan(0);
  // tfjs keeps its engine on the global object: destroy the webgpu backend's device, as a driver reset would lose it.
  await (await fittingWorker(page)).evaluate(() => {
    (self as unknown as { _tfengine: { backendInstance: { device: { destroy(): void } } } })._tfengine.backendInstance.device.destroy();
  });
  await expect(lab.tid('job-note')).toContainText('stopped on webgpu', { timeout: 60_000 });
  await expect(lab.tid('job-note')).toContainText('retried on wasm');
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const s = await extra(lab);
  expect(s.backend).toBe('wasm');
  expect(s.training!.map((e) => e.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect((await lab.scores())!.length).toBe(120);
});

test('a model opened mid-run: one that cannot apply keeps its error on screen and the run goes on; one that can replaces the run', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anomaly-lab-e2e-'));
  const cli = (file: string, out: string) => execFileSync(process.execPath, [path.join(ROOT, 'bin', 'anomaly-lab.js'), 'score', fixture(file), '--detector', 'zscore', '--save-model', out], { cwd: ROOT, timeout: 60_000 });
  const foreign = path.join(dir, 'demo-model.json'); // columns x0, x1: not in pima.csv
  const fitting = path.join(dir, 'pima-model.json');
  cli('sklearn_iforest_demo.csv', foreign);
  cli('pima.csv', fitting);
  try {
    const lab = await startTraining(page, 40);
    await lab.tid('model-input').setInputFiles(foreign);
    await expect(lab.tid('error-message')).toContainText('demo-model.json could not be applied');
    await expect(lab.tid('error-message')).toContainText('x0, x1');
    // The training goes on to its end, and the error is still there after it.
    await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
    expect((await extra(lab)).training!.length).toBe(40);
    await expect(lab.tid('error-message')).toContainText('demo-model.json could not be applied');
    await lab.tid('error-message').getByRole('button', { name: 'dismiss' }).click();
    await expect(lab.tid('error-message')).toHaveCount(0);

    // A model that fits the data, opened mid-run: the run is cancelled and the model's scores shown.
    await lab.tid('param-epoch_num').fill('500');
    await lab.tid('run-button').click();
    await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'running');
    await lab.tid('model-input').setInputFiles(fitting);
    await expect(lab.tid('applied-model')).toContainText('pima-model.json');
    await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
    expect((await extra(lab)).detector).toBe('zscore');
    await expect(lab.tid('error-message')).toHaveCount(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
