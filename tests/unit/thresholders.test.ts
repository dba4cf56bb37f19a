/**
 * src/core/detectors/thresholders.ts: the label-free thresholds against values computed by hand
 * (worked out in the comments), against numpy / scipy on seeded scores (tests/fixtures/thresholders.json
 * from scripts/make_thresholders_fixtures.py: numpy's midpoint percentile, np.std, scipy's MAD,
 * np.histogram's binning for Otsu), and their edge cases.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labelFreeThreshold, otsuNormalized, percentileMidpoint, THRESHOLD_METHODS } from '../../src/core/detectors/thresholders';
import { REPO_ROOT } from './helpers';

// 1 … 9 and one far point.
const s = Float64Array.of(7, 1, 100, 3, 2, 9, 4, 6, 5, 8);

describe('label-free thresholds, by hand', () => {
  it("IQR: numpy's midpoint quartiles; Q1 = (3 + 4) / 2 = 3.5, Q3 = (7 + 8) / 2 = 7.5, 7.5 + 1.5 · 4 = 13.5", () => {
    expect(percentileMidpoint([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.25)).toBe(3.5);
    expect(labelFreeThreshold('iqr', s)).toBe(13.5);
  });

  it('MAD: median 5.5, |x − 5.5| has median 2.5, 5.5 + 3 · 1.4826 · 2.5 = 16.6195', () => {
    expect(labelFreeThreshold('mad', s)).toBeCloseTo(16.6195, 12);
  });

  it('z-score: mean 14.5, population variance 8182.5 / 10 = 818.25, 14.5 + 3 · √818.25', () => {
    expect(labelFreeThreshold('zscore', s)).toBeCloseTo(14.5 + 3 * Math.sqrt(818.25), 12);
  });

  it('gap: the top 10 % is at least the top 2 here; the gap 100 − 9 puts the threshold at 9', () => {
    expect(labelFreeThreshold('gap', s)).toBe(9);
    // 30 scores: the top 3 are 50, 49, 20; gaps 1 and 29 → threshold 20 (the gap 20 → 1.9 is outside the top 3).
    const t = Float64Array.from({ length: 30 }, (_, i) => (i < 27 ? 1 + i / 10 : [20, 49, 50][i - 27]));
    expect(labelFreeThreshold('gap', t)).toBe(20);
  });

  it('Otsu: ⌊4^0.7⌋ = 2 bins over [0, 1] → counts [3, 1], threshold the first centre 0.25', () => {
    expect(otsuNormalized([0, 0, 0, 1])).toBe(0.25);
    expect(labelFreeThreshold('otsu', Float64Array.of(10, 10, 10, 14))).toBe(11);
  });

  it('Otsu: ⌊5^0.7⌋ = 3 bins → counts [3, 0, 2]; cuts 0 and 1 tie at 3·2·(1/6 − 5/6)² and the first wins: 1/6', () => {
    expect(otsuNormalized([0, 0.1, 0.2, 0.9, 1])).toBeCloseTo(1 / 6, 15);
  });

  it('flags the far point and not the others (except Otsu and z-score on this tiny set, as computed)', () => {
    for (const m of ['iqr', 'mad', 'gap'] as const) {
      const t = labelFreeThreshold(m, s);
      expect([...s].filter((v) => v > t)).toEqual([100]);
    }
  });

  it('constant scores flag nothing; no scores or NaN are refused', () => {
    for (const m of THRESHOLD_METHODS) {
      expect(labelFreeThreshold(m, [2, 2, 2])).toBe(2);
      expect(() => labelFreeThreshold(m, [])).toThrow(/at least one score/);
      expect(() => labelFreeThreshold(m, [1, NaN, 3])).toThrow(/NaN/);
    }
  });
});

describe('label-free thresholds, against numpy / scipy', () => {
  const cases = JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/thresholders.json'), 'utf8')) as ({ kind: string; scores: number[] } & Record<(typeof THRESHOLD_METHODS)[number], number>)[];
  it.each(cases.map((c) => [c.kind, c.scores.length, c] as const))('%s, %i scores', (_, __, c) => {
    for (const m of THRESHOLD_METHODS) {
      const t = labelFreeThreshold(m, c.scores);
      // Sums in another order (mean, sd) and the normalise-then-map-back of Otsu: a few ulps.
      expect(Math.abs(t - c[m]), m).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c[m])));
      // The same rows flagged.
      expect(c.scores.filter((v) => v > t).length, m).toBe(c.scores.filter((v) => v > c[m]).length);
    }
  });
});
