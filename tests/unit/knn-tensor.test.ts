/**
 * The tensor neighbour search (float32 candidates from matMul + topk on a tfjs backend, refined in
 * float64) returns exactly what the typed-array search returns — run here on tfjs's cpu backend,
 * as on WebGPU in the page — including on data full of tied distances, and LOF / kNN built on it
 * give identical scores.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { kNeighbors, kNeighborsTensor } from '../../src/core/neighbors';
import { lof } from '../../src/core/detectors/lof';
import { knn } from '../../src/core/detectors/knn';
import { resolveParams } from '../../src/core/detectors/params';
import { Random } from '../../src/core/random';
import type { Matrix } from '../../src/core/data/matrix';

function data(n: number, d: number, seed: number, round = 0, offset = 0): Matrix {
  const rng = new Random(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < X.length; i++) {
    const v = rng.normal() * 3 + offset;
    X[i] = round ? Math.round(v * round) / round : v;
  }
  return { data: X, rows: n, cols: d };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('kNeighborsTensor (tfjs cpu) equals the exact typed search', () => {
  const cases: [string, Matrix, number][] = [
    ['continuous 800 × 5', data(800, 5, 1), 10],
    ['rounded to 0.5 (many ties) 600 × 3', data(600, 3, 2, 2), 7],
    ['far from the origin (float32 cancellation) 500 × 4', data(500, 4, 3, 0, 1000), 5],
    ['integers 0..3 (massive ties) 400 × 2', { ...data(400, 2, 4), data: Float64Array.from(data(400, 2, 4).data, (v) => Math.abs(Math.round(v)) % 4) }, 20],
  ];
  for (const [name, X, k] of cases) {
    it(`${name}, k ${k}: self search, identical distances and indices, no tensors left`, async () => {
      const before = tf.memory().numTensors;
      const t = await kNeighborsTensor(X, k);
      expect(tf.memory().numTensors).toBe(before);
      const e = kNeighbors(X, k, undefined, { method: 'brute' });
      expect(t.indices).toEqual(e.indices);
      expect(t.distances).toEqual(e.distances);
      expect(t.method).toBe('tensor');
    });
  }

  it('new query rows and a row range: identical', async () => {
    const R = data(700, 4, 5);
    const Q = data(300, 4, 6);
    const t = await kNeighborsTensor(R, 12, Q);
    const e = kNeighbors(R, 12, Q, { method: 'brute' });
    expect(t.indices).toEqual(e.indices);
    expect(t.distances).toEqual(e.distances);
    const part = await kNeighborsTensor(R, 6, undefined, { rows: [100, 250] });
    const whole = kNeighbors(R, 6, undefined, { method: 'brute' });
    expect(part.indices).toEqual(whole.indices.subarray(100 * 6, 250 * 6));
  });

  it('far from the origin the float32 candidates still settle every row (centred first); ties send rows to the exact search', async () => {
    const far = data(400, 6, 7, 0, 1e5);
    const t = await kNeighborsTensor(far, 10);
    expect(t.refined).toBe(0);
    expect(t.indices).toEqual(kNeighbors(far, 10, undefined, { method: 'brute' }).indices);
    // Integer data: the k-th distance is tied with rows beyond the candidates, which the check cannot settle.
    const ints = { ...data(300, 2, 11), data: Float64Array.from(data(300, 2, 11).data, (v) => Math.abs(Math.round(v)) % 3) };
    const u = await kNeighborsTensor(ints, 15);
    expect(u.refined).toBeGreaterThan(0);
    expect(u.indices).toEqual(kNeighbors(ints, 15, undefined, { method: 'brute' }).indices);
  });

  it('LOF and kNN on a GPU backend name take the tensor path with identical scores', async () => {
    const X = data(900, 4, 8, 4);
    for (const spec of [lof, knn]) {
      const p = resolveParams(spec.params, {});
      const typed = await spec.fit(X, p);
      const tensor = await spec.fit(X, p, { backend: 'webgpu' }); // ops run on the active (cpu) backend
      expect(tensor.info.compute).toContain('float32 candidates');
      expect(tensor.trainingScores).toEqual(typed.trainingScores);
      const Y = data(200, 4, 9, 4);
      expect(await tensor.score(Y, { path: 'tensor' })).toEqual(await typed.score(Y, { path: 'typed' }));
    }
  });
});
