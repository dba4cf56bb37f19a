import { describe, expect, it } from 'vitest';
import { PrefixMeans, numpyMean, numpyStd, numpySum, pairwiseSum } from '../../src/core/math/numpy-sum.js';
import { fixture } from './helpers.js';

const F = fixture<{ numpy: { n: number; sum: number; mean: number; std: number }[] }>('nab-gaussian.json');

/** The fixture's series: a[i] = (i·7919 mod 1009) / 13 − 30.5, the same doubles in Python. */
const series = (n: number) => Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) / 13 - 30.5);

describe("numpy's float64 sum, mean and std, bit for bit", () => {
  it('np.sum / np.mean / np.std (ddof 0) around the pairwise blocks (8, 128) and at 6400', () => {
    expect(F.numpy.length).toBeGreaterThan(20);
    for (const c of F.numpy) {
      const a = series(c.n);
      expect(numpySum(a), `sum n=${c.n}`).toBe(c.sum);
      const m = numpyMean(a);
      expect(m, `mean n=${c.n}`).toBe(c.mean);
      expect(numpyStd(a, m), `std n=${c.n}`).toBe(c.std);
    }
  });

  it('pairwise summation is not a plain left-to-right loop (the fixture would catch one)', () => {
    const a = series(6400);
    let plain = 0;
    for (const v of a) plain += v;
    const c = F.numpy.find((x) => x.n === 6400)!;
    expect(plain).not.toBe(c.sum);
    expect(pairwiseSum(a, 0, a.length)).toBe(c.sum);
  });

  it('a sub-range sums like a copy of it', () => {
    const a = series(3000);
    const part = a.slice(700, 2100);
    expect(numpySum(a, 700, 1400)).toBe(numpySum(part));
    const m = numpyMean(a, 700, 1400);
    expect(numpyStd(a, m, 700, 1400)).toBe(numpyStd(part, numpyMean(part)));
  });
});

describe('PrefixMeans: np.mean of a growing prefix, remembered subtrees', () => {
  it('every prefix mean equals numpyMean of that prefix, bit for bit, across resets', () => {
    const a = new Float64Array(3000);
    const means = new PrefixMeans(a);
    const src = series(3000);
    for (let n = 1; n <= 3000; n++) {
      a[n - 1] = src[n - 1];
      expect(means.mean(n)).toBe(numpyMean(a, 0, n));
    }
    // Values changed in place: after reset() the means are of the new values.
    a.copyWithin(0, 100);
    means.reset();
    expect(means.mean(2900)).toBe(numpyMean(a, 0, 2900));
  });
});
