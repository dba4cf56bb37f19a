/**
 * "Export as ONNX" (issue 24): the page downloads a .onnx file (float32 graph, built in the worker
 * that keeps the model) that onnxruntime-web, here on the test's Node side (wasm), scores like the
 * page: the same scores within float32 rounding and the same flagged rows, with the model's columns
 * and threshold in its metadata. A detector with no ONNX form gets one line in the banner and no
 * download, and the loaded data and scores stay.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import * as ort from 'onnxruntime-web';
import { Lab, fixture } from './helpers';
import { decodeModel } from '../src/core/onnx/proto';

test.describe.configure({ timeout: 180_000 });
ort.env.wasm.numThreads = 1;

function demoRows(): { X: Float32Array; rows: number } {
  const [, ...lines] = readFileSync(fixture('sklearn_iforest_demo.csv'), 'utf8').trim().split('\n');
  return { X: Float32Array.from(lines.flatMap((l) => l.split(',').slice(0, 2).map(Number))), rows: lines.length };
}

for (const id of ['iforest', 'zscore', 'ocsvm'] as const) {
  test(`${id}: the exported ONNX file scores the demo as the page does`, async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.tid('sample-sklearn_iforest_demo').click();
    const first = await lab.waitDone('sklearn_iforest_demo.csv');
    if (id !== 'iforest') await lab.runDetector(id);
    const state = id === 'iforest' ? first : await lab.state();
    const scores = (await lab.scores())!;
    const [download] = await Promise.all([page.waitForEvent('download'), lab.tid('export-onnx').click()]);
    expect(download.suggestedFilename()).toBe(`${id}-model.onnx`);
    const bytes = readFileSync((await download.path())!);
    const meta = Object.fromEntries((decodeModel(bytes).metadata_props as { key: string; value: string }[]).map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.columns)).toEqual(['x0', 'x1']);
    expect(meta.detector).toBe(id);
    expect(Number(meta.threshold)).toBe(state.threshold);
    const { X, rows } = demoRows();
    const session = await ort.InferenceSession.create(bytes);
    const r = await session.run({ X: new ort.Tensor('float32', X, [rows, 2]) });
    const spread = Math.max(...scores) - Math.min(...scores);
    let differ = 0;
    for (let i = 0; i < rows; i++) {
      const onnx = Number(r.score.data[i]);
      // float32 graph on float32-rounded inputs: float32 rounding of the scores (the SVM's relative to its spread).
      expect(Math.abs(onnx - scores[i]), `row ${i}`).toBeLessThanOrEqual(5e-4 * Math.max(Math.abs(scores[i]), spread * 1e-2));
      if (Number(r.is_anomaly.data[i]) !== (scores[i] > state.threshold! ? 1 : 0)) differ++;
    }
    expect(differ).toBeLessThanOrEqual(id === 'ocsvm' ? 1 : 0);
  });
}

test('a detector with no ONNX form: one line in the banner, no download, the scores stay', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  await lab.runDetector('half_space_trees');
  const scores = await lab.scores();
  let downloads = 0;
  page.on('download', () => downloads++);
  await lab.tid('export-onnx').click();
  await expect(lab.tid('error-message')).toContainText('Export as ONNX: half_space_trees has no ONNX export yet');
  expect(downloads).toBe(0);
  expect(await lab.scores()).toEqual(scores);
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'done');
});
