import { describe, expect, it } from 'vitest';
import { numpyMean, numpyStd, numpySum, pairwiseSum } from '../../src/core/math/numpy-sum.js';
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

  it('a sub-range sums like a copy of it; the scratch buffer gives the same std', () => {
    const a = series(3000);
    const part = a.slice(700, 2100);
    expect(numpySum(a, 700, 1400)).toBe(numpySum(part));
    const m = numpyMean(a, 700, 1400);
    expect(numpyStd(a, m, 700, 1400, new Float64Array(5000))).toBe(numpyStd(part, numpyMean(part)));
  });
});
