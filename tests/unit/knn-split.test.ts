/** A neighbour search split into row ranges (as across workers or threads) equals one search, for both methods. */
import { describe, expect, it } from 'vitest';
import { kNeighbors, splitNeighbors } from '../../src/core/neighbors';
import { lof } from '../../src/core/detectors/lof';
import { knn } from '../../src/core/detectors/knn';
import { resolveParams } from '../../src/core/detectors/params';
import { Random } from '../../src/core/random';
import type { Matrix } from '../../src/core/data/matrix';

function data(n: number, d: number, seed: number) {
  const rng = new Random(seed);
  const X = new Float64Array(n * d);
  // Rounded values: many tied distances, so the index tie-break is exercised too.
  for (let i = 0; i < X.length; i++) X[i] = Math.round(rng.normal() * 4) / 4;
  return { data: X, rows: n, cols: d };
}

describe('split neighbour search', () => {
  for (const method of ['brute', 'kdtree'] as const) {
    for (const shares of [2, 3, 7]) {
      it(`${method}, ${shares} shares: identical distances and indices`, async () => {
        const X = data(1500, 3, shares);
        const one = kNeighbors(X, 10, undefined, { method });
        const split = await splitNeighbors(X, 10, shares, async (range) => kNeighbors(X, 10, undefined, { method, rows: range }));
        expect(split.distances).toEqual(one.distances);
        expect(split.indices).toEqual(one.indices);
      });
    }
  }

  it('a range outside the rows is refused', () => {
    const X = data(50, 2, 1);
    expect(() => kNeighbors(X, 5, undefined, { rows: [40, 60] })).toThrow(RangeError);
  });

  it('LOF and kNN given a split search (FitOptions.neighbors) score exactly as on their own', async () => {
    const X = data(2000, 4, 9);
    const provider = (M: Matrix, k: number) => splitNeighbors(M, k, 3, async (range) => kNeighbors(M, k, undefined, { rows: range }));
    for (const spec of [lof, knn]) {
      const p = resolveParams(spec.params, {});
      const own = await spec.fit(X, p);
      const given = await spec.fit(X, p, { neighbors: await provider(X, spec.neighborCount!(p, X.rows)) });
      expect(given.trainingScores).toEqual(own.trainingScores);
      // Neighbours of the wrong shape are refused, not misread.
      await expect(spec.fit(X, p, { neighbors: await provider(X, 3) })).rejects.toThrow(/neighbours given are 2000 rows × 3/);
    }
  });
});
