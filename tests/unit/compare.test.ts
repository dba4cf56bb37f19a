import { describe, expect, it } from 'vitest';
import { aggregateSeeds, averageRanks, curveBand, flagVotes, flaggedAt, interp, jaccard, jaccardMatrix, meanSd, spearman, spearmanMatrix } from '../../src/core/metrics/compare.js';
import { expectAllClose, expectClose, fixture, nums, type JsonFloat } from './helpers.js';

const F = fixture<{
  scores: JsonFloat[][]; ranks_2: JsonFloat[];
  spearman: { i: number; j: number; spearman: number }[];
  jaccard: { c: number; i: number; j: number; jaccard: number; flagged_i: number }[];
  seed_values: JsonFloat[]; seed_mean: number; seed_sd: number;
  grid: JsonFloat[]; curves: { x: JsonFloat[]; y: JsonFloat[] }[]; band_mean: JsonFloat[]; band_sd: JsonFloat[];
}>('compare.json');
const S = F.scores.map(nums);

describe('compare: agreement between detectors, against scipy (scripts/make_compare_fixtures.py)', () => {
  it("average ranks = scipy.stats.rankdata(method='average') on scores with many ties", () => {
    expect(Array.from(averageRanks(S[2]))).toEqual(Array.from(nums(F.ranks_2)));
    expect(Array.from(averageRanks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });

  it('Spearman = scipy.stats.spearmanr for every pair (ties, negative, unrelated)', () => {
    for (const c of F.spearman) expectClose(spearman(S[c.i], S[c.j]), c.spearman, 1e-12, 1e-14, `pair ${c.i},${c.j}`);
    const m = spearmanMatrix(S);
    for (const c of F.spearman) {
      expectClose(m[c.i][c.j], c.spearman, 1e-12, 1e-14, 'matrix');
      expect(m[c.j][c.i]).toBe(m[c.i][c.j]);
    }
    expect(m.map((r, i) => r[i])).toEqual([1, 1, 1, 1, 1]);
    expect(F.spearman.some((c) => c.spearman < -0.9)).toBe(true);
  });

  it('Spearman of a constant detector is NaN (scipy: nan)', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearmanMatrix([[1, 1, 1], [1, 2, 3]])[0][0]).toBeNaN();
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/different lengths/);
  });

  it('Jaccard of flagged sets at a common contamination = 1 − scipy jaccard distance', () => {
    for (const c of F.jaccard) {
      const a = flaggedAt(S[c.i], c.c);
      expect(a.reduce((x, y) => x + y, 0)).toBe(c.flagged_i);
      expectClose(jaccard(a, flaggedAt(S[c.j], c.c)), c.jaccard, 1e-15, 0, `c=${c.c} ${c.i},${c.j}`);
      expectClose(jaccardMatrix(S, c.c)[c.i][c.j], c.jaccard, 1e-15, 0, 'matrix');
    }
    expect(jaccard([0, 0], [0, 0])).toBe(1);
    expect(jaccard([1, 0, 1, 0], [1, 1, 0, 0])).toBeCloseTo(1 / 3, 15);
  });

  it('flag votes count the detectors flagging each row', () => {
    expect(Array.from(flagVotes([[1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]))).toEqual([3, 1, 1, 0]);
  });
});

describe('compare: seed variance', () => {
  it('mean ± sd (numpy.std ddof=1) and aggregation by metric', () => {
    const v = Array.from(nums(F.seed_values));
    const m = meanSd(v);
    expectClose(m.mean, F.seed_mean, 1e-14, 0, 'mean');
    expectClose(m.sd, F.seed_sd, 1e-12, 0, 'sd');
    expect(meanSd([0.7])).toEqual({ mean: 0.7, sd: 0, n: 1 });
    // identical values (a deterministic detector over seeds): sd exactly 0, mean the value (a rounded sum would leave ~1e-17)
    expect(meanSd([0.1, 0.1, 0.1])).toEqual({ mean: 0.1, sd: 0, n: 3 });
    const agg = aggregateSeeds(v.map((x) => ({ roc_auc: x, ap: null as number | null })), ['roc_auc', 'ap']);
    expectClose(agg.roc_auc!.sd, F.seed_sd, 1e-12, 0, 'agg');
    expect(agg.ap).toBeNull();
  });

  it('curve band: numpy.interp on the grid, then mean and sd per point', () => {
    expect(interp(0.5, [0, 1], [0, 2])).toBe(1);
    expect(interp(-1, [0, 1], [3, 2])).toBe(3);
    const curves = F.curves.map((c) => Array.from(nums(c.x), (x, k) => ({ x, y: nums(c.y)[k] })));
    const band = curveBand(curves, Array.from(nums(F.grid)));
    expectAllClose(band.mean, nums(F.band_mean), 1e-12, 1e-15, 'band mean');
    expectAllClose(band.sd, nums(F.band_sd), 1e-10, 1e-14, 'band sd');
  });
});
