import { describe, expect, it } from 'vitest';
import {
  ThresholdSweep, averagePrecision, computeMetrics, confusionAt, countAtMost, countBelow,
  precisionRecallF1, quantileSorted, rocAuc, sortedCopy, splitByLabel, splitSortedByLabel, thresholdFromContamination,
} from '../../src/core/metrics/index.js';
import { Random } from '../../src/core/random.js';
import { expectClose, fixture, num, nums, type JsonFloat } from './helpers.js';

interface ClsCase {
  name: string; labels: number[]; scores: JsonFloat[]; threshold: JsonFloat;
  tp: number; fp: number; tn: number; fn: number; precision: number; recall: number; f1: number; accuracy: number;
}
interface RankCase {
  name: string; labels: number[]; scores: JsonFloat[];
  roc_auc: number | null; average_precision: number | null; precision_at_n: number | null; distinct_scores: number;
}
interface PctCase { name: string; values: JsonFloat[]; q: number[]; percentile: number[] }
const F = fixture<{ classification: ClsCase[]; ranking: RankCase[]; percentile: PctCase[] }>('metrics.json');

describe('fixtures cover what they claim', () => {
  it('has the edge cases', () => {
    const cls = F.classification;
    expect(cls.some((c) => c.tp + c.fp === 0 && c.tp + c.fn > 0)).toBe(true); // no predicted positives
    expect(cls.some((c) => c.tp + c.fn === 0 && c.fp > 0)).toBe(true); // no true positives
    expect(cls.some((c) => c.labels.every((y) => y === 0))).toBe(true);
    expect(cls.some((c) => c.labels.every((y) => y === 1))).toBe(true);
    expect(F.ranking.some((c) => c.roc_auc === null)).toBe(true);
    expect(F.ranking.some((c) => c.distinct_scores < c.labels.length / 10)).toBe(true); // heavy ties
  });
});

describe('confusionAt and precisionRecallF1 against scikit-learn', () => {
  for (const c of F.classification) {
    it(c.name, () => {
      const scores = nums(c.scores);
      const t = num(c.threshold);
      const conf = confusionAt(scores, c.labels, t);
      expect(conf).toEqual({ tp: c.tp, fp: c.fp, tn: c.tn, fn: c.fn });
      const m = precisionRecallF1(conf);
      expectClose(m.precision, c.precision, 1e-12, 0, 'precision');
      expectClose(m.recall, c.recall, 1e-12, 0, 'recall');
      expectClose(m.f1, c.f1, 1e-12, 0, 'f1');
      expectClose(m.accuracy, c.accuracy, 1e-12, 0, 'accuracy');
      // the sweep gives the same answer through binary searches
      const sweep = new ThresholdSweep(scores, c.labels);
      const s = sweep.metricsAt(t)!;
      expect({ tp: s.tp, fp: s.fp, tn: s.tn, fn: s.fn }).toEqual(conf);
      expect(s.precision).toBe(m.precision);
      expect(s.f1).toBe(m.f1);
      expect(sweep.flaggedAt(t)).toBe(c.tp + c.fp);
    });
  }

  it('is 0 where a denominator is 0 (zero_division=0)', () => {
    expect(precisionRecallF1({ tp: 0, fp: 0, tn: 5, fn: 0 })).toEqual({ precision: 0, recall: 0, f1: 0, accuracy: 1 });
    expect(precisionRecallF1({ tp: 0, fp: 0, tn: 0, fn: 0 })).toEqual({ precision: 0, recall: 0, f1: 0, accuracy: 0 });
    expect(precisionRecallF1({ tp: 0, fp: 3, tn: 1, fn: 2 })).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('refuses arrays of different lengths', () => {
    expect(() => confusionAt([1, 2], [1], 0)).toThrow(/differ in length/);
    expect(() => new ThresholdSweep([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('rocAuc, averagePrecision and precision@n against scikit-learn / PyOD', () => {
  for (const c of F.ranking) {
    it(c.name, () => {
      const scores = nums(c.scores);
      const auc = rocAuc(scores, c.labels);
      const ap = averagePrecision(scores, c.labels);
      if (c.roc_auc === null) expect(auc).toBeNull();
      else expectClose(auc!, c.roc_auc, 1e-12, 0, 'roc_auc');
      if (c.average_precision === null) expect(ap).toBeNull();
      else expectClose(ap!, c.average_precision, 1e-12, 1e-15, 'average_precision');
      const sweep = new ThresholdSweep(scores, c.labels);
      expect(sweep.rocAuc).toBe(auc);
      expect(sweep.averagePrecision).toBe(ap);
      if (c.precision_at_n === null) expect(sweep.precisionAtN).toBeNull();
      else expectClose(sweep.precisionAtN!, c.precision_at_n, 1e-12, 0, 'precision_at_n');
    });
  }

  it('ROC-AUC does not depend on row order', () => {
    const c = F.ranking.find((r) => r.name.startsWith('rounded'))!;
    const perm = new Random(3).permutation(c.labels.length);
    const s = Array.from(perm, (i) => num(c.scores[i]));
    const y = Array.from(perm, (i) => c.labels[i]);
    expectClose(rocAuc(s, y)!, c.roc_auc!, 1e-12);
    expectClose(averagePrecision(s, y)!, c.average_precision!, 1e-12);
  });
});

describe('quantileSorted against numpy.percentile (linear)', () => {
  for (const c of F.percentile) {
    it(c.name, () => {
      const sorted = sortedCopy(nums(c.values));
      c.q.forEach((q, k) => {
        expectClose(quantileSorted(sorted, q / 100), c.percentile[k], 1e-12, 0, `q=${q}`);
      });
    });
  }

  it('has numpy\'s documented example and exact ends', () => {
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5);
    const s = Float64Array.of(-3, 0.1, 7);
    expect(quantileSorted(s, 0)).toBe(-3);
    expect(quantileSorted(s, 1)).toBe(7);
  });

  it('rejects an empty array and q outside [0, 1]', () => {
    expect(() => quantileSorted(new Float64Array(0), 0.5)).toThrow(/empty/);
    expect(() => quantileSorted(Float64Array.of(1), 1.5)).toThrow(/q must be in \[0, 1\], got: 1.5/);
    expect(() => quantileSorted(Float64Array.of(1), NaN)).toThrow(RangeError);
  });

  it('thresholdFromContamination is the (1 − c) quantile and checks c', () => {
    const c = F.percentile.find((p) => p.name === 'normal 101')!;
    const k = c.q.indexOf(90);
    expectClose(thresholdFromContamination(nums(c.values), 0.1), c.percentile[k], 1e-12);
    for (const bad of [0, -0.1, 0.51, 1, NaN]) {
      expect(() => thresholdFromContamination([1, 2, 3], bad)).toThrow(`contamination must be in (0, 0.5], got: ${bad}`);
    }
  });

  it('countAtMost / countBelow are binary searches over ties', () => {
    const s = Float64Array.of(1, 2, 2, 2, 3);
    expect([0, 1, 2, 2.5, 3, 4].map((x) => countAtMost(s, x))).toEqual([0, 1, 4, 4, 5, 5]);
    expect([0, 1, 2, 2.5, 3, 4].map((x) => countBelow(s, x))).toEqual([0, 0, 1, 4, 4, 5]);
  });
});

describe('ThresholdSweep', () => {
  function randomData(seed: number, n: number, tieDecimals: number | null) {
    const rng = new Random(seed);
    const labels = new Uint8Array(n);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = rng.float() < 0.15 ? 1 : 0;
      const s = rng.normal() + 1.3 * labels[i];
      scores[i] = tieDecimals === null ? s : Math.round(s * 10 ** tieDecimals) / 10 ** tieDecimals;
    }
    return { scores, labels };
  }

  it.each([[1, 500, null], [2, 400, 1], [3, 300, 0], [4, 7, null]] as const)('metricsAt = confusionAt + precisionRecallF1 (seed %i, n %i, rounding %s)', (seed, n, dec) => {
    const { scores, labels } = randomData(seed, n, dec);
    const sweep = new ThresholdSweep(scores, labels);
    const rng = new Random(seed + 100);
    const thresholds = [-Infinity, Infinity, sweep.min, sweep.max, ...scores.slice(0, 50)];
    for (let k = 0; k < 200; k++) thresholds.push(rng.uniform(sweep.min - 1, sweep.max + 1));
    for (const t of thresholds) {
      const expected = confusionAt(scores, labels, t);
      const m = sweep.metricsAt(t)!;
      expect({ tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn }, `t=${t}`).toEqual(expected);
      expect({ precision: m.precision, recall: m.recall, f1: m.f1, accuracy: m.accuracy }).toEqual(precisionRecallF1(expected));
      expect(m.roc_auc).toBe(rocAuc(scores, labels));
      expect(m.average_precision).toBe(averagePrecision(scores, labels));
      expect(sweep.flaggedAt(t)).toBe(expected.tp + expected.fp);
      expect(computeMetrics(scores, labels, t)).toEqual(m);
    }
  });

  it('thresholdForCount flags exactly k rows without ties, never more with ties', () => {
    const { scores } = randomData(5, 100, null);
    const sweep = new ThresholdSweep(scores);
    for (const k of [0, 1, 2, 10, 50, 99]) expect(sweep.flaggedAt(sweep.thresholdForCount(k))).toBe(k);
    expect(sweep.thresholdForCount(100)).toBe(-Infinity);
    expect(sweep.flaggedAt(sweep.thresholdForCount(1000))).toBe(100);
    expect(sweep.flaggedAt(sweep.thresholdForCount(-3))).toBe(0);
    expect(sweep.flaggedAt(sweep.thresholdForCount(2.6))).toBe(3); // rounds

    const tied = new ThresholdSweep([1, 2, 2, 2, 3, 4]);
    expect(tied.flaggedAt(tied.thresholdForCount(2))).toBe(2);
    expect(tied.flaggedAt(tied.thresholdForCount(3))).toBe(2); // cannot split the three 2s
    expect(tied.flaggedAt(tied.thresholdForCount(4))).toBe(2);
    expect(tied.flaggedAt(tied.thresholdForCount(5))).toBe(5);
    for (let k = 0; k <= 6; k++) expect(tied.flaggedAt(tied.thresholdForCount(k))).toBeLessThanOrEqual(k);
  });

  it('countsNear names the counts on either side of a tie, with thresholds that give them', () => {
    const tied = new ThresholdSweep([1, 2, 2, 2, 3, 4]);
    for (const k of [3, 4]) {
      const c = tied.countsNear(k);
      expect(c).toEqual({ below: 2, belowThreshold: 2, above: 5, aboveThreshold: 1, tiedScore: 2 });
      expect(tied.flaggedAt(c.aboveThreshold!)).toBe(5);
    }
    // Reachable counts have nothing above; a tie at the lowest score flags everything (−Infinity).
    expect(tied.countsNear(2).above).toBeNull();
    expect(tied.countsNear(5).above).toBeNull();
    const low = new ThresholdSweep([1, 1, 1, 5]);
    expect(low.countsNear(2)).toEqual({ below: 1, belowThreshold: 1, above: 4, aboveThreshold: -Infinity, tiedScore: 1 });
    // Every k on random data with many ties: below ≤ k < above, each reached by its threshold.
    const { scores } = randomData(7, 300, null);
    const sweep = new ThresholdSweep(Float64Array.from(scores, (v) => Math.round(v * 4) / 4));
    for (let k = 0; k <= 300; k++) {
      const c = sweep.countsNear(k);
      expect(sweep.flaggedAt(c.belowThreshold)).toBe(c.below);
      expect(c.below).toBeLessThanOrEqual(k);
      if (c.above === null) expect(c.below === k || c.below === 300).toBe(true);
      else {
        expect(c.above).toBeGreaterThan(k);
        expect(sweep.flaggedAt(c.aboveThreshold!)).toBe(c.above);
      }
    }
  });

  it('thresholdForContamination is numpy\'s percentile at 100(1 − c), with ends', () => {
    const c = F.percentile.find((p) => p.name === 'lognormal 250')!;
    const sweep = new ThresholdSweep(nums(c.values));
    for (const q of [50, 75, 90, 95, 99]) {
      expectClose(sweep.thresholdForContamination(1 - q / 100), c.percentile[c.q.indexOf(q)], 1e-12, 0, `q=${q}`);
    }
    expect(sweep.thresholdForContamination(0)).toBe(sweep.max);
    expect(sweep.flaggedAt(sweep.thresholdForContamination(0))).toBe(0);
    expect(sweep.thresholdForContamination(1)).toBe(-Infinity);
    expect(sweep.flaggedAt(sweep.thresholdForContamination(1))).toBe(250);
    // 10% of 250 distinct scores: the 90th percentile lies between two scores, 25 above it
    expect(sweep.flaggedAt(sweep.thresholdForContamination(0.1))).toBe(25);
  });

  it('quantile and rankOf are inverse on distinct scores', () => {
    const sweep = new ThresholdSweep([5, 1, 4, 2, 3]);
    expect(sweep.quantile(0)).toBe(1);
    expect(sweep.quantile(1)).toBe(5);
    expect(sweep.quantile(2)).toBe(5); // clamped
    expect(sweep.quantile(0.5)).toBe(3);
    expect(sweep.rankOf(3)).toBe(0.6);
    expect(sweep.rankOf(0)).toBe(0);
    expect(sweep.rankOf(5)).toBe(1);
  });

  it('without labels gives thresholds but no metrics', () => {
    const sweep = new ThresholdSweep([3, 1, 2]);
    expect(sweep.split).toBeNull();
    expect(sweep.metricsAt(1.5)).toBeNull();
    expect(sweep.confusionAt(1.5)).toBeNull();
    expect(sweep.rocAuc).toBeNull();
    expect(sweep.precisionAtN).toBeNull();
    expect(sweep.flaggedAt(1.5)).toBe(2);
    expect(Array.from(sweep.sorted)).toEqual([1, 2, 3]);
  });

  it('refuses no scores', () => {
    expect(() => new ThresholdSweep([])).toThrow(/at least one score/);
  });
});

describe('splitSortedByLabel', () => {
  it('gives splitByLabel’s arrays from the sorted scores: ties, ±0, all or no positives; NaN is refused by both', () => {
    const rng = new Random(5);
    const cases: [number[], number[]][] = [];
    for (let t = 0; t < 200; t++) {
      const n = 1 + rng.int(300);
      const scores = Array.from({ length: n }, () => (rng.float() < 0.3 ? rng.int(5) : rng.float() < 0.05 ? -0 : rng.normal()));
      const share = [0, 0.02, 0.5, 1][rng.int(4)];
      cases.push([scores, Array.from({ length: n }, () => (rng.float() < share ? 1 : 0))]);
    }
    // NaN equals nothing: both refuse it (issue 14) rather than walk past it.
    const nan = [NaN, 1, 2, NaN];
    expect(() => splitSortedByLabel(Float64Array.from(nan).sort(), nan, [1, 0, 1, 0])).toThrow(RangeError);
    expect(() => splitByLabel(nan, [1, 0, 1, 0])).toThrow(RangeError);
    for (const [scores, labels] of cases) {
      const sorted = Float64Array.from(scores).sort();
      const got = splitSortedByLabel(sorted, scores, labels);
      const want = splitByLabel(scores, labels);
      // Equal as numbers (a -0 may stand where splitByLabel has a 0: they are the same score).
      expect(Array.from(got.pos, (v) => v + 0)).toEqual(Array.from(want.pos, (v) => v + 0));
      expect(Array.from(got.neg, (v) => v + 0)).toEqual(Array.from(want.neg, (v) => v + 0));
    }
  });
});
