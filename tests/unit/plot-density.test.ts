/**
 * The plot's density layer (core/data/density.ts) and PCA projection (core/data/pca.ts):
 * binning against a direct count, edges, missing and outside rows; PCA against
 * scikit-learn 1.2.1's PCA(n_components=2) (fixtures from scripts/make_pca_fixtures.py).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { densityGrid } from '../../src/core/data/density';
import { pca2 } from '../../src/core/data/pca';
import { umap2 } from '../../src/core/data/umap';
import { OverlaySampler, plotSample } from '../../src/core/data/sample';
import { fromRows, matrix, type Matrix } from '../../src/core/data/matrix';
import { parseCsvString } from '../../src/core/data/csv';
import { featureMatrix } from '../../src/core/data/prepare';
import { Random } from '../../src/core/random';
import { fixture, REPO_ROOT } from './helpers';

describe('densityGrid', () => {
  it('counts and score sums equal a direct per-bin computation', () => {
    const rng = new Random(7);
    const n = 5000;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const y = Float64Array.from({ length: n }, () => 2 * rng.normal() + 1);
    const s = Float64Array.from({ length: n }, () => rng.float());
    const opts = { x: [-2, 2] as [number, number], y: [-3, 5] as [number, number], nx: 13, ny: 7 };
    const g = densityGrid(x, y, s, opts);
    const counts = new Array(13 * 7).fill(0);
    const sums = new Array(13 * 7).fill(0);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      if (x[i] < -2 || x[i] > 2 || y[i] < -3 || y[i] > 5) { outside++; continue; }
      const cx = Math.min(12, Math.floor((x[i] + 2) * (13 / 4))); // bin width as the grid computes it
      const cy = Math.min(6, Math.floor((y[i] + 3) * (7 / 8)));
      counts[cy * 13 + cx]++;
      sums[cy * 13 + cx] += s[i];
    }
    expect(Array.from(g.counts)).toEqual(counts);
    for (let k = 0; k < sums.length; k++) expect(g.scoreSums[k]).toBeCloseTo(sums[k], 9);
    expect(g.outside).toBe(outside);
    expect(g.binned + g.outside + g.missing).toBe(n);
    expect(g.maxCount).toBe(Math.max(...counts));
    expect(outside).toBeGreaterThan(0);
  });

  it('puts the top and right edges in the last bins, and counts missing rows apart', () => {
    const g = densityGrid(Float64Array.of(0, 1, 1, NaN, 0.5, 2), Float64Array.of(0, 1, 0, 0.5, NaN, 0.5), Float64Array.of(1, 2, 3, 4, 5, 6), { x: [0, 1], y: [0, 1], nx: 2, ny: 2 });
    expect(Array.from(g.counts)).toEqual([1, 1, 0, 1]); // (0,0) bottom-left; (1,0) bottom-right; (1,1) top-right
    expect(Array.from(g.scoreSums)).toEqual([1, 3, 0, 2]);
    expect(g.missing).toBe(2);
    expect(g.outside).toBe(1);
  });

  it('bins without scores, and refuses bad bins and ranges with the values in the message', () => {
    const g = densityGrid([0, 0.1, 0.9], [0, 0.1, 0.9], null, { x: [0, 1], y: [0, 1], nx: 2, ny: 1 });
    expect(Array.from(g.counts)).toEqual([2, 1]);
    expect(g.scoreSums.length).toBe(0);
    expect(() => densityGrid([0], [0], null, { x: [0, 1], y: [0, 1], nx: 0, ny: 2 })).toThrow(/0 × 2/);
    expect(() => densityGrid([0], [0], null, { x: [1, 1], y: [0, 1], nx: 2, ny: 2 })).toThrow(/\[1, 1\]/);
    expect(() => densityGrid([0], [0, 1], null, { x: [0, 1], y: [0, 1], nx: 2, ny: 2 })).toThrow(/x has 1 values, y 2/);
  });
});

interface Case { name: string; rows: number; cols: number; X: number[] | null; Z: number[]; components: number[]; explained: number[] }
const fx = fixture<{ sklearn: string; cases: Case[] }>('pca.json');
const DATA = resolve(REPO_ROOT, '..', 'shared', 'datasets');

function check(m: Matrix, c: Case) {
  const p = pca2(m);
  // Eigen-solver against LAPACK's SVD: agreement to ~1e-9 relative on these well-separated spectra.
  expect(p.explained[0]).toBeCloseTo(c.explained[0], 9);
  expect(p.explained[1]).toBeCloseTo(c.explained[1], 9);
  for (let k = 0; k < 2; k++) for (let j = 0; j < c.cols; j++) expect(p.components[k][j]).toBeCloseTo(c.components[k * c.cols + j], 7);
  const scale = Math.max(...c.Z.map(Math.abs));
  const rows = c.Z.length / 2;
  for (let i = 0; i < rows; i++) {
    expect(Math.abs(p.x[i] - c.Z[2 * i]) / scale).toBeLessThan(1e-8);
    expect(Math.abs(p.y[i] - c.Z[2 * i + 1]) / scale).toBeLessThan(1e-8);
  }
}

describe(`pca2 against scikit-learn ${fx.sklearn}`, () => {
  it('a correlated 3-column Gaussian: coordinates with the same signs, components, explained variance ratio', () => {
    const c = fx.cases.find((k) => k.name === 'gauss3')!;
    check(matrix(Float64Array.from(c.X!), c.rows, c.cols), c);
  });

  it.skipIf(!existsSync(resolve(DATA, 'cardio.csv')))('cardio (21 columns): the same', () => {
    const c = fx.cases.find((k) => k.name === 'cardio')!;
    const path = resolve(DATA, 'cardio.csv');
    const ds = parseCsvString(readFileSync(path, 'utf8'), path);
    const m = featureMatrix(ds, ds.columns.filter((col) => col.kind === 'numeric').slice(0, c.cols).map((col) => col.name)).matrix;
    expect(m.cols).toBe(21);
    check(m, c);
  });

  it('leaves rows with a missing value out (NaN coordinates) and explains all variance of a line in one component', () => {
    const p = pca2(fromRows([[0, 0], [1, 2], [NaN, 1], [2, 4], [5, 10]]));
    expect(p.explained[0]).toBeCloseTo(1, 12);
    expect(p.explained[1]).toBeCloseTo(0, 12);
    expect(Number.isNaN(p.x[2]) && Number.isNaN(p.y[2])).toBe(true);
    expect(p.x[4]).toBeGreaterThan(0); // the sign rule: the largest magnitude (the last row) is positive
    expect(p.x[0]).toBeLessThan(0);
    expect(() => pca2(fromRows([[1, 2]]))).toThrow(/at least 2 rows/);
  });
});

describe('umap2', () => {
  const rng = new Random(3);
  // Two blobs in 5-D.
  const X = fromRows(Array.from({ length: 120 }, (_, i) => Array.from({ length: 5 }, () => rng.normal() + (i < 60 ? 0 : 6))));

  it('is seeded: the same seed gives the same coordinates, another seed others; the blobs stay apart', async () => {
    const a = await umap2(X, { seed: 1 });
    const b = await umap2(X, { seed: 1 });
    const c = await umap2(X, { seed: 2 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
    // Each row's nearest embedded neighbour comes from its own blob.
    let same = 0;
    for (let i = 0; i < 120; i++) {
      let best = -1, d = Infinity;
      for (let j = 0; j < 120; j++) {
        if (j === i) continue;
        const e = (a.x[i] - a.x[j]) ** 2 + (a.y[i] - a.y[j]) ** 2;
        if (e < d) { d = e; best = j; }
      }
      if ((best < 60) === (i < 60)) same++;
    }
    expect(same).toBe(120);
  }, 60_000);

  it('reports progress up to 1 and stops with an AbortError when cancelled', async () => {
    const seen: number[] = [];
    await umap2(X, { seed: 1, onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true);
    let calls = 0;
    await expect(umap2(X, { seed: 1, cancelled: () => ++calls > 3 })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(umap2({ data: new Float64Array(50_001), rows: 50_001, cols: 1 })).rejects.toThrow(/at most 50,000 rows, this data has 50,001/);
  }, 60_000);
});

describe('OverlaySampler (the points above the density layer)', () => {
  const n = 20_000;
  const rng = new Random(11);
  const scores = Float64Array.from({ length: n }, () => rng.float());
  const order = new Random(0).permutation(n);
  const sorted = Float64Array.from(scores).sort();
  const o = new OverlaySampler(order, scores, 3000, 2000, sorted);
  const flaggedAt = (t: number) => scores.filter((s) => s > t).length;

  it('past the flagged budget: 2,000 flagged rows (the first in the order) and the first 1,000 unflagged rows', () => {
    const t = sorted[n - 5000 - 1]; // 5,000 rows above
    const s = o.sample(t, flaggedAt(t));
    expect(s.totalFlagged).toBe(5000);
    expect(s.flagged).toBe(2000);
    expect(s.rest).toBe(1000);
    const rows = Array.from(s.rows);
    expect(rows.slice(0, 2000).every((r) => scores[r] > t)).toBe(true);
    expect(rows.slice(2000).every((r) => !(scores[r] > t))).toBe(true);
    const firstFlagged = Array.from(order).filter((r) => scores[r] > t).slice(0, 2000);
    const firstRest = Array.from(order).filter((r) => !(scores[r] > t)).slice(0, 1000);
    expect(rows.slice(0, 2000)).toEqual(firstFlagged);
    expect(rows.slice(2000)).toEqual(firstRest);
  });

  it('within it: the PlotSampler rows (all flagged, then the rest to the budget)', () => {
    const t = sorted[n - 300 - 1];
    const s = o.sample(t, flaggedAt(t));
    expect(s.flagged).toBe(300);
    expect(s.rest).toBe(0);
    expect(Array.from(s.rows)).toEqual(Array.from(plotSample(order, scores, t, 3000).rows));
    expect(() => new OverlaySampler(order, scores, 3000, 4000)).toThrow(/\[0, budget = 3000\], got 4000/);
  });
});
