import { describe, expect, it } from 'vitest';
import { radixOrder } from '../../src/core/metrics/radix-order';
import { Random } from '../../src/core/random';

/** The reference: a stable comparator sort of the same rows (Array.prototype.sort is stable). */
function reference(scores: ArrayLike<number>, rows: number[], descending: boolean): number[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => sign * (scores[a] - scores[b]));
}

describe('radixOrder: the order of a stable comparator sort, faster', () => {
  for (const n of [1, 50, 4095, 4096, 20_000]) {
    it(`${n} rows of mixed signs, −0, ±Infinity, subnormals and ties, both directions, rows given out of order`, () => {
      const rng = new Random(n);
      const pool = [0, -0, 1, -1, Infinity, -Infinity, 5e-324, -5e-324, 1e300, -1e300, 0.5, 0.5000000000000001];
      const scores = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? pool[rng.int(pool.length)] : (rng.float() - 0.5) * 10 ** (rng.int(20) - 10)));
      const rows = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [rows[i], rows[j]] = [rows[j], rows[i]];
      }
      const subset = rows.slice(0, Math.ceil(n * 0.8));
      expect(scores.every((s) => !Number.isNaN(s))).toBe(true);
      for (const descending of [false, true]) {
        expect(Array.from(radixOrder(scores, subset, descending))).toEqual(reference(scores, subset, descending));
      }
    });
  }
});
