import { test, expect, type Page } from '@playwright/test';
import { Lab } from './helpers';

/**
 * The WebGPU path (SwiftShader here: a software adapter, slow) must give the
 * same scores as the wasm path to float32 precision.
 */
test.describe.configure({ timeout: 300_000 });

const DEMO = 'sklearn_iforest_demo.csv';

async function scoresOn(page: Page, backend: 'webgpu' | 'wasm', detector: string | null): Promise<{ scores: number[]; compute: string; lab: Lab }> {
  const lab = new Lab(page);
  await lab.open(`?backend=${backend}`);
  await expect(lab.tid('backend-select')).toHaveValue(backend);
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone(DEMO, 240_000);
  if (detector) await lab.runDetector(detector);
  await expect(lab.tid('backend-status')).toHaveAttribute('data-backend', backend);
  expect((await lab.state()).backend).toBe(backend);
  const scores = (await lab.scores())!;
  expect(scores).toHaveLength(120);
  expect(scores.every(Number.isFinite)).toBe(true);
  const compute = (await lab.tid('model-info').textContent()) ?? '';
  return { scores, compute, lab };
}

function expectRelClose(actual: number[], expected: number[], rel: number): void {
  expect(actual).toHaveLength(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-6);
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `worst relative difference at row ${at}: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(rel);
}

for (const detector of [null, 'zscore'] as const) {
  const what = detector ?? 'the default detector';
  test(`webgpu scores of ${what} on the demo data equal wasm's within 1e-5`, async ({ browser }) => {
    const gpuPage = await browser.newPage();
    const gpu = await scoresOn(gpuPage, 'webgpu', detector);
    // The run really took the tensor path on WebGPU (float32), not a silent fallback.
    expect(gpu.compute).toMatch(/webgpu/);
    expect(gpu.compute).toMatch(/float32/);
    await expect(gpu.lab.tid('backend-status')).toContainText('webgpu');
    await gpuPage.close();

    const wasmPage = await browser.newPage();
    const wasm = await scoresOn(wasmPage, 'wasm', detector);
    expect(wasm.compute).not.toMatch(/webgpu/);
    await wasmPage.close();

    expectRelClose(gpu.scores, wasm.scores, 1e-5);
    // float32 vs float64: close, but a real GPU path is not bit-identical everywhere.
    expect(gpu.scores).not.toEqual(wasm.scores);
  });
}

test('LOF on webgpu: float32 candidates from matMul + topk, refined in float64, equal wasm exactly', async ({ browser }) => {
  const gpuPage = await browser.newPage();
  const gpu = await scoresOn(gpuPage, 'webgpu', 'lof');
  expect(gpu.compute).toMatch(/float32 candidates on tfjs webgpu/);
  await gpuPage.close();
  const wasmPage = await browser.newPage();
  const wasm = await scoresOn(wasmPage, 'wasm', 'lof');
  expect(wasm.compute).toMatch(/float64 typed arrays/);
  await wasmPage.close();
  expect(gpu.scores).toEqual(wasm.scores);
});
