/**
 * One-class SVM's tfjs paths (run on tfjs's cpu backend here, as on a GPU backend in the page):
 * the tensor scoring and the tensor Nystroem features agree with the float64 typed-array paths.
 *
 * Stated tolerance: float32 kernel blocks with rbf distances from ‖x‖² + ‖s‖² − 2⟨x, s⟩ lose
 * about 1e-7·‖x‖² to cancellation; on standardised data decision values then agree within
 * 1e-4 relative to their spread (max |df|), and the ranking (ROC-AUC) within 1e-3.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { ocsvm } from '../../src/core/detectors/ocsvm';
import { resolveParams } from '../../src/core/detectors/params';
import { Random } from '../../src/core/random';
import type { Matrix } from '../../src/core/data/matrix';

function blobs(n: number, d: number, seed: number): Matrix {
  const rng = new Random(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = (i % 17 === 0 ? 4 : 0) + rng.normal() * (1 + j / d);
  return { data, rows: n, cols: d };
}

const spread = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('One-class SVM tensor paths (tfjs cpu)', () => {
  for (const kernel of ['rbf', 'linear', 'poly', 'sigmoid']) {
    it(`exact model, ${kernel} kernel: tensor scoring within 1e-4 of float64, no tensors left`, async () => {
      const X = blobs(600, 5, 3);
      const model = await ocsvm.fit(X, resolveParams(ocsvm.params, { kernel, nu: 0.2, standardize: true, gamma: kernel === 'rbf' ? 'scale' : 'auto', coef0: kernel === 'poly' ? 1 : 0 }), { seed: 1 });
      const Y = blobs(900, 5, 4);
      const typed = await model.score(Y, { path: 'typed' });
      const before = tf.memory().numTensors;
      const tensor = await model.score(Y, { path: 'tensor', backend: 'cpu' });
      expect(tf.memory().numTensors).toBe(before);
      const s = spread(typed);
      let worst = 0;
      for (let i = 0; i < typed.length; i++) worst = Math.max(worst, Math.abs(typed[i] - tensor[i]));
      expect(worst / s).toBeLessThan(1e-4);
      // The scoring call says how it computed; the model itself is not changed by scoring.
      expect(tensor.compute).toContain('float32');
      expect(typed.compute).toBe(model.info.compute);
      expect(model.info.compute).not.toContain('float32');
    });
  }

  it('Nystroem model: tensor features in fit and tensor scoring agree with the typed paths', async () => {
    const X = blobs(3000, 6, 7);
    const p = resolveParams(ocsvm.params, { method: 'nystroem', nu: 0.1, standardize: true });
    const typedFit = await ocsvm.fit(X, p, { seed: 5 });
    const before = tf.memory().numTensors;
    // 'wasm' asks for tensor features; the ops run on whatever backend is active (cpu here).
    const tensorFit = await ocsvm.fit(X, p, { seed: 5, backend: 'wasm' });
    expect(tf.memory().numTensors).toBe(before);
    expect(tensorFit.info.compute).toContain('Nystroem features (float32)');
    const a = typedFit.trainingScores!;
    const b = tensorFit.trainingScores!;
    // Same seed, same basis; float32 features differ by rounding, which SGD can amplify a little.
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst / spread(a)).toBeLessThan(1e-3);
    const t = await typedFit.score(X, { path: 'tensor', backend: 'cpu' });
    let worst2 = 0;
    for (let i = 0; i < a.length; i++) worst2 = Math.max(worst2, Math.abs(a[i] - t[i]));
    expect(worst2 / spread(a)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
  });
});
