import { describe, expect, it } from 'vitest';
import { runningEcdf } from '../../src/core/stream/running-ecdf.js';
import { Random } from '../../src/core/random.js';

/** The definition, quadratic: the share of earlier scores strictly below. */
function naive(s: ArrayLike<number>): number[] {
  return Array.from(s, (v, i) => {
    if (i === 0) return 0;
    let below = 0;
    for (let j = 0; j < i; j++) if (s[j] < v) below++;
    return below / i;
  });
}

describe('runningEcdf: causal rank of each score among the scores before it', () => {
  it('the worked example: [3, 1, 2, 5, 2] → [0, 0, 0.5, 1, 0.25]', () => {
    expect(Array.from(runningEcdf([3, 1, 2, 5, 2]))).toEqual([0, 0, 0.5, 1, 0.25]);
  });

  it('equals the quadratic definition on seeded data with many ties, negatives and -0', () => {
    const rng = new Random(5);
    const s = Float64Array.from({ length: 3000 }, () => Math.round(rng.normal() * 20) / 4);
    s[10] = -0;
    s[11] = 0;
    expect(Array.from(runningEcdf(s))).toEqual(naive(s));
  });

  it('causal: a prefix maps as it does within the whole; values stay in [0, 1]; a flat line maps to 0', () => {
    const rng = new Random(9);
    const s = Float64Array.from({ length: 500 }, () => rng.normal() * 1e6);
    const all = runningEcdf(s);
    expect(Array.from(runningEcdf(s.subarray(0, 123)))).toEqual(Array.from(all.subarray(0, 123)));
    for (const v of all) expect(v >= 0 && v <= 1).toBe(true);
    expect(Array.from(runningEcdf(new Float64Array(20).fill(7)))).toEqual(new Array(20).fill(0));
  });

  it('every = W counts only the tiling rows W − 1, 2W − 1, … among the earlier scores (brute force), and every = 1 is the plain ECDF', () => {
    const rng = new Random(4);
    const s = Float64Array.from({ length: 200 }, () => Math.round(rng.normal() * 5));
    for (const W of [1, 3, 7]) {
      const brute = Array.from(s, (v, i) => {
        const counted = Array.from(s.subarray(0, i)).filter((_, j) => (j + 1) % W === 0);
        return counted.length === 0 ? 0 : counted.filter((u) => u < v).length / counted.length;
      });
      expect(Array.from(runningEcdf(s, W))).toEqual(brute);
    }
    expect(() => runningEcdf(s, 0)).toThrow(/every must be a positive integer/);
  });

  it('NaN is refused, naming the score', () => {
    expect(() => runningEcdf([1, NaN, 2])).toThrow(/score 2 is NaN/);
  });
});
