/**
 * The WebAssembly neighbour search (int16 candidates from the SIMD kernel,
 * refined in float64 and proven complete) returns exactly what the float64
 * brute force returns: continuous data, data full of tied distances and
 * duplicated rows (where the proof fails and rows are searched exactly), data
 * far from the origin, odd and even column counts, new query rows, row ranges
 * and references barely larger than k. The committed module is the assembled
 * knn.wat.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { buildPositionTree, chooseMethod, kNeighbors, kNeighborsWasm, wasmKnnAvailable } from '../../src/core/neighbors';
import { WASM_BASE64 } from '../../src/core/neighbors/wasm/knn.wasm';
import { lof } from '../../src/core/detectors/lof';
import { resolveParams } from '../../src/core/detectors/params';
import { Random } from '../../src/core/random';
import type { Matrix } from '../../src/core/data/matrix';
import { REPO_ROOT } from './helpers';

function data(n: number, d: number, seed: number, round = 0, offset = 0, spread = 3): Matrix {
  const rng = new Random(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < X.length; i++) {
    const v = rng.normal() * spread + offset;
    X[i] = round ? Math.round(v * round) / round : v;
  }
  return { data: X, rows: n, cols: d };
}

function expectSame(X: Matrix, k: number, query?: Matrix, rows?: [number, number]): { refined: number } {
  const w = kNeighborsWasm(X, k, query, { rows });
  const e = kNeighbors(X, k, query, { method: 'brute', rows });
  expect(w.method).toBe('wasm');
  expect(w.indices).toEqual(e.indices);
  expect(w.distances).toEqual(e.distances);
  return w;
}

describe('kNeighborsWasm equals the float64 brute force', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(wasmKnnAvailable()).toBe(true);
  });

  const cases: [string, Matrix, number][] = [
    ['continuous 3000 × 10', data(3000, 10, 1), 20],
    ['continuous 2000 × 7 (odd columns: a padded pair)', data(2000, 7, 2), 5],
    ['continuous 1500 × 1', data(1500, 1, 3), 10],
    ['continuous 800 × 33', data(800, 33, 4), 15],
    ['far from the origin (offset 1e5, spread 1)', data(1500, 8, 5, 0, 1e5, 1), 10],
    ['tiny spread far out (offset 1e3, spread 1e-4)', data(1000, 6, 6, 0, 1e3, 1e-4), 10],
    ['rounded to 0.5 (many ties) 1200 × 6', data(1200, 6, 7, 2), 7],
    ['tiny units (spread 1e-14)', data(1500, 8, 25, 0, 0, 1e-14), 10],
  ];
  for (const [name, X, k] of cases) {
    it(`${name}, k ${k}: self search, identical distances and indices, nearly every row proven`, () => {
      const w = expectSame(X, k);
      expect(w.refined).toBeLessThan(X.rows * 0.05);
    });
  }

  it('integers 0..2 in 6 columns (massive ties and duplicated rows): the proof fails, those rows are searched exactly, still identical', () => {
    const base = data(3000, 6, 8);
    const X = { ...base, data: Float64Array.from(base.data, (v) => Math.abs(Math.round(v)) % 3) };
    const w = kNeighborsWasm(X, 20);
    const e = kNeighbors(X, 20, undefined, { method: 'brute' });
    expect(w.indices).toEqual(e.indices);
    expect(w.distances).toEqual(e.distances);
    expect(w.refined).toBeGreaterThan(0);
  });

  it('some duplicated rows among continuous ones: those rows refined, the rest proven', () => {
    const X = data(3000, 6, 24);
    // Rows 0..9 each copied 30 times (more than k + margin), into rows 1000..1299.
    for (let i = 0; i < 10; i++) for (let c = 0; c < 30; c++) X.data.set(X.data.subarray(i * 6, i * 6 + 6), (1000 + i * 30 + c) * 6);
    const w = expectSame(X, 10);
    expect(w.refined).toBeGreaterThan(0);
    expect(w.refined).toBeLessThan(3000 * 0.25);
  });

  it('one row repeated 200 times among others (a leaf larger than a query block)', () => {
    const X = data(1000, 6, 9);
    for (let i = 300; i < 500; i++) X.data.set(X.data.subarray(0, 6), i * 6);
    expectSame(X, 10);
  });

  it('all rows identical', () => {
    const X = { data: new Float64Array(300 * 6).fill(2.5), rows: 300, cols: 6 };
    expectSame(X, 5);
  });

  it('a constant column among varying ones', () => {
    const X = data(1000, 6, 10);
    for (let i = 0; i < 1000; i++) X.data[i * 6 + 2] = 7;
    expectSame(X, 12);
  });

  it('k + margin at or past the reference size (every row a candidate)', () => {
    expectSame(data(20, 6, 11), 19);
    expectSame(data(25, 6, 12), 10);
  });

  it('new query rows, including rows outside the reference range, and row ranges', () => {
    const R = data(2500, 9, 13);
    const Q = data(700, 9, 14, 0, 0, 6);
    expectSame(R, 12, Q);
    expectSame(R, 6, undefined, [100, 950]);
    expectSame(R, 6, Q, [50, 51]);
    expectSame(R, 6, undefined, [7, 7]);
  });

  it('a cancelled search stops', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => kNeighborsWasm(data(3000, 10, 15), 10, undefined, { signal: controller.signal })).toThrow(/cancel/i);
  });

  it('reports progress up to 1', () => {
    const seen: number[] = [];
    kNeighborsWasm(data(3000, 10, 16), 10, undefined, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
  });

  it("'auto' takes it from 6 columns, the KD-tree or the brute force below", () => {
    expect(chooseMethod(data(3000, 6, 17), 5).method).toBe('wasm');
    expect(chooseMethod(data(3000, 5, 18), 5).method).toBe('kdtree');
    expect(chooseMethod(data(1000, 3, 19), 5).method).toBe('brute');
    expect(kNeighbors(data(3000, 10, 20), 5).method).toBe('wasm');
  });

  it('LOF on it gives the brute force\'s scores bit for bit', async () => {
    const X = data(4000, 10, 21);
    const viaAuto = await lof.fit(X, resolveParams(lof.params, {}));
    expect(viaAuto.info.compute).toMatch(/WebAssembly/);
    const brute = kNeighbors(X, 20, undefined, { method: 'brute' });
    const viaBrute = await lof.fit(X, resolveParams(lof.params, {}), { neighbors: brute });
    expect(Array.from(viaAuto.trainingScores!)).toEqual(Array.from(viaBrute.trainingScores!));
  });
});

describe('the KD-tree that orders both sides', () => {
  it('covers every row once; leaves fall on group boundaries; boxes hold their rows', () => {
    const X = data(1000, 4, 22);
    const t = buildPositionTree(X.data, 4, 0, 1000, 64, 8);
    expect(Array.from(t.order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (let id = 0; id < t.nodes; id++) {
      if (t.left[id] >= 0) {
        expect(t.lo[t.left[id]]).toBe(t.lo[id]);
        expect(t.hi[t.right[id]]).toBe(t.hi[id]);
        expect(t.hi[t.left[id]] % 8).toBe(0);
      } else {
        expect(t.hi[id] - t.lo[id]).toBeLessThanOrEqual(64);
      }
      for (let p = t.lo[id]; p < t.hi[id]; p++) {
        for (let c = 0; c < 4; c++) {
          const v = X.data[t.order[p] * 4 + c];
          expect(v).toBeGreaterThanOrEqual(t.boxLo[id * 4 + c]);
          expect(v).toBeLessThanOrEqual(t.boxHi[id * 4 + c]);
        }
      }
    }
  });
});

describe('the committed module', () => {
  it('is knn.wat assembled (npm run build:wasm after editing it)', async () => {
    const { assemble } = await import('../../scripts/build-wasm');
    const bytes = await assemble(resolve(REPO_ROOT, 'src/core/neighbors/wasm/knn.wat'));
    expect(Buffer.from(bytes).toString('base64')).toBe(WASM_BASE64);
  });
});

describe('where quantising cannot help', () => {
  it('one huge value squeezes the rest into a few units: most rows unproven, so it hands over to the float64 search, still identical', () => {
    const base = data(3000, 6, 23);
    // Rows near each other at the 1e-3 scale, and one value of 1e6: a quantisation unit is ~60.
    const X = { ...base, data: Float64Array.from(base.data, (v) => v * 1e-3) };
    X.data[0] = 1e6;
    const w = kNeighborsWasm(X, 10);
    const e = kNeighbors(X, 10, undefined, { method: 'brute' });
    expect(w.indices).toEqual(e.indices);
    expect(w.distances).toEqual(e.distances);
    expect(w.method).not.toBe('wasm');
    expect(w.refined).toBeGreaterThan(2000);
    // Progress through the handover: never backwards, ending at 1.
    const seen: number[] = [];
    kNeighborsWasm(X, 10, undefined, { onProgress: (f) => seen.push(f) });
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
  });
});
