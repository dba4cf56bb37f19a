/**
 * LOF and kNN against scikit-learn 1.2.1 (fixtures from scripts/make_lof_fixtures.py):
 * the docstring example, the iris labels of the seed's example, LOF scores on
 * the ODDS sets to 1e-9 relative on every row whose neighbour set does not
 * depend on tie-breaking, and PyOD-style kNN scores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lof } from '../../src/core/detectors/lof';
import { knn } from '../../src/core/detectors/knn';
import { kNeighbors } from '../../src/core/neighbors';
import { resolveParams } from '../../src/core/detectors/params';
import { loadModel } from '../../src/core/detectors/registry';
import { fromRows, type Matrix } from '../../src/core/data/matrix';
import { parseCsvString } from '../../src/core/data/csv';
import { featureMatrix } from '../../src/core/data/prepare';
import { Random } from '../../src/core/random';
import { fixture, REPO_ROOT, expectClose } from './helpers';

interface Fx {
  docstring: { X: number[][]; n_neighbors: number; negative_outlier_factor_: number[] };
  iris: { labels: number[]; outliers: number[]; negative_outlier_factor_: number[]; offset_: number; ambiguous: number[] };
  odds: Record<string, { negative_outlier_factor_: number[]; ambiguous: number[] }>;
  knn: Record<string, Record<'largest' | 'mean' | 'median', { decision_scores_: number[]; threshold_: number }> & { ambiguous: number[] }>;
}
const fx = fixture<Fx>('lof.json');
const DATA = resolve(REPO_ROOT, '..', 'shared', 'datasets');
const haveData = existsSync(resolve(DATA, 'cardio.csv'));

function csvMatrix(path: string, drop: string[]): Matrix {
  const ds = parseCsvString(readFileSync(path, 'utf8'), path);
  return featureMatrix(ds, ds.columns.filter((c) => c.kind === 'numeric' && !drop.includes(c.name)).map((c) => c.name)).matrix;
}

describe('exact neighbours', () => {
  it('match a direct computation, sorted, self excluded, ties by index', () => {
    const rng = new Random(4);
    const X = fromRows(Array.from({ length: 300 }, () => [rng.int(5), rng.int(5), rng.normal()]));
    const k = 7;
    const nb = kNeighbors(X, k);
    for (const i of [0, 17, 150, 299]) {
      const all = Array.from({ length: X.rows }, (_, j) => j).filter((j) => j !== i).map((j) => {
        let s = 0;
        for (let c = 0; c < 3; c++) s += (X.data[i * 3 + c] - X.data[j * 3 + c]) ** 2;
        return { j, d: Math.sqrt(s) };
      }).sort((a, b) => a.d - b.d || a.j - b.j);
      expect(Array.from(nb.indices.subarray(i * k, i * k + k))).toEqual(all.slice(0, k).map((x) => x.j));
      expect(Array.from(nb.distances.subarray(i * k, i * k + k))).toEqual(all.slice(0, k).map((x) => x.d));
    }
  });
});

describe('KD-tree neighbours', () => {
  it('are identical to the brute force (distances and indices, ties by index), with and without a query set', () => {
    const rng = new Random(8);
    for (const d of [1, 2, 3, 5]) {
      // Integer-valued columns: many exact ties and duplicates.
      const X = fromRows(Array.from({ length: 3000 }, () => Array.from({ length: d }, () => (rng.float() < 0.5 ? rng.int(6) : rng.normal()))));
      const Y = fromRows(Array.from({ length: 500 }, () => Array.from({ length: d }, () => rng.int(6) + (rng.float() < 0.3 ? 0.5 : 0))));
      for (const k of [1, 5, 20]) {
        const a = kNeighbors(X, k, undefined, { method: 'brute' });
        const b = kNeighbors(X, k, undefined, { method: 'kdtree' });
        expect(Array.from(b.indices), `d=${d} k=${k}`).toEqual(Array.from(a.indices));
        expect(Array.from(b.distances)).toEqual(Array.from(a.distances));
        const c = kNeighbors(X, k, Y, { method: 'brute' });
        const e = kNeighbors(X, k, Y, { method: 'kdtree' });
        expect(Array.from(e.indices)).toEqual(Array.from(c.indices));
        expect(Array.from(e.distances)).toEqual(Array.from(c.distances));
      }
    }
  });
});

describe('Local Outlier Factor', () => {
  it("scikit-learn's docstring example: [[-1.1],[0.2],[101.1],[0.3]], k=2 → [-0.9821, -1.0370, -73.3697, -0.9821]", async () => {
    const m = await lof.fit(fromRows(fx.docstring.X), resolveParams(lof.params, { n_neighbors: 2 }));
    fx.docstring.negative_outlier_factor_.forEach((v, i) => expectClose(-m.trainingScores![i], v, 1e-9, 0, `row ${i}`));
  });

  it("the seed's iris example: LocalOutlierFactor(n_neighbors=20, contamination=0.1).fit_predict(iris) flags exactly rows 13, 14, 15, 33, 41, 57, 60, 93, 98, 105, 106, 117, 118, 122, 131", async () => {
    const X = csvMatrix(resolve(REPO_ROOT, 'public', 'samples', 'iris.csv'), []);
    expect([X.rows, X.cols]).toEqual([150, 4]);
    const m = await lof.fit(X, resolveParams(lof.params, { contamination: 0.1 }));
    const flagged = Array.from(m.trainingScores!.keys()).filter((i) => m.trainingScores![i] > m.threshold);
    expect(flagged).toEqual([13, 14, 15, 33, 41, 57, 60, 93, 98, 105, 106, 117, 118, 122, 131]);
    expect(flagged).toEqual(fx.iris.outliers);
    const ambiguous = new Set(fx.iris.ambiguous);
    let compared = 0;
    fx.iris.negative_outlier_factor_.forEach((v, i) => {
      if (ambiguous.has(i)) return;
      compared++;
      expectClose(-m.trainingScores![i], v, 1e-9, 0, `iris row ${i}`);
    });
    expect(compared + ambiguous.size).toBe(150);
  });

  it("'auto': offset −1.5, threshold 1.5; decision_function = threshold − score; n_neighbors is clipped with a warning", async () => {
    const rng = new Random(1);
    const X = fromRows(Array.from({ length: 30 }, () => [rng.normal(), rng.normal()]));
    const m = await lof.fit(X, resolveParams(lof.params, {}));
    expect(m.threshold).toBe(1.5);
    expect(m.info.warnings.join(' ')).toMatch(/n_neighbors \(20\) is not less than the number of rows \(30\)|^$/);
    const small = fromRows([[0], [1], [2], [3], [10]]);
    const clipped = await lof.fit(small, resolveParams(lof.params, {}));
    expect(clipped.info.warnings[0]).toMatch(/n_neighbors \(20\) is not less than the number of rows \(5\): 4 is used/);
    const Y = fromRows([[0.1, 0.2], [5, 5]]);
    const s = await m.score(Y);
    const d = await m.decisionFunction!(Y);
    expect(Array.from(d)).toEqual(Array.from(s, (v) => 1.5 - v));
    expect(s[1]).toBeGreaterThan(s[0]);
  });

  it('saves and reloads to the same novelty scores; duplicates beyond k are reported', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i % 7, Math.floor(i / 7)]);
    for (let i = 0; i < 6; i++) rows.push([100, 100]);
    rows.push([100, 100.5]); // its neighbours are all copies of one row
    const X = fromRows(rows);
    const m = await lof.fit(X, resolveParams(lof.params, { n_neighbors: 3 }));
    expect(m.info.warnings.join(' ')).toMatch(/up to 6 copies of one row — more than n_neighbors \(3\)/);
    // scikit-learn's guard: lrd = 1e10 for the copies; their neighbour's LOF explodes, theirs is 1.
    expect(m.trainingScores![46]).toBeGreaterThan(1e9);
    expect(m.trainingScores![40]).toBe(1);
    const again = loadModel(JSON.parse(JSON.stringify(m.toJSON())));
    const Y = fromRows([[3, 3], [50, 50], [0, 0]]);
    expect(Array.from(await again.score(Y))).toEqual(Array.from(await m.score(Y)));
  });
});

describe.skipIf(!haveData)('LOF on the ODDS sets against scikit-learn (rows whose neighbours tie are skipped)', () => {
  for (const [name, ref] of Object.entries(fx.odds)) {
    it(`${name}: negative_outlier_factor_ to 1e-9 relative (${ref.negative_outlier_factor_.length - ref.ambiguous.length} of ${ref.negative_outlier_factor_.length} rows unambiguous)`, async () => {
      const X = csvMatrix(resolve(DATA, `${name}.csv`), ['label']);
      const m = await lof.fit(X, resolveParams(lof.params, {}));
      const skip = new Set(ref.ambiguous);
      let bad = 0;
      let first = '';
      ref.negative_outlier_factor_.forEach((v, i) => {
        if (skip.has(i)) return;
        const ours = -m.trainingScores![i];
        if (Math.abs(ours - v) > 1e-9 * Math.abs(v)) {
          if (!bad) first = `row ${i}: ${ours} vs ${v}`;
          bad++;
        }
      });
      expect(bad, first).toBe(0);
    }, 120_000);
  }
});

describe.skipIf(!haveData)("kNN as PyOD's KNN (n_neighbors=5) against scikit-learn's kneighbors", () => {
  for (const [name, ref] of Object.entries(fx.knn)) {
    for (const method of ['largest', 'mean', 'median'] as const) {
      it(`${name}, method=${method}: decision_scores_ and threshold_`, async () => {
        const X = csvMatrix(resolve(DATA, `${name}.csv`), ['label']);
        const m = await knn.fit(X, resolveParams(knn.params, { method }));
        // Distances themselves do not depend on tie-breaking: every row is compared.
        ref[method].decision_scores_.forEach((v, i) => expectClose(m.trainingScores![i], v, 1e-9, 1e-12, `${name} row ${i}`));
        expectClose(m.threshold, ref[method].threshold_, 1e-9, 1e-12, 'threshold_');
      });
    }
  }
});
