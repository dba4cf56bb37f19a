/**
 * The P² running quantile (src/core/stream/p2-quantile.ts) and River's QuantileFilter on it
 * (src/core/stream/quantile-filter.ts): a case worked by hand from Jain & Chlamtac's algorithm,
 * accuracy against the exact quantile on seeded streams, the filter's rule, and the 'quantile'
 * rule of the threshold module (src/core/detectors/threshold.ts).
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { P2Quantile } from '../../src/core/stream/p2-quantile.js';
import { QuantileFilter } from '../../src/core/stream/quantile-filter.js';
import { fitThreshold, movingFlags, movingThreshold, needsScores } from '../../src/core/detectors/threshold.js';

describe('P² worked by hand (q = 0.5, the first observations of Jain & Chlamtac\'s example)', () => {
  it('up to five observations: the sorted values at floor(min(count − 1, count · q)) (River)', () => {
    const p = new P2Quantile(0.5);
    expect(Number.isNaN(p.value)).toBe(true);
    const want = [
      0.02, // [0.02]: index floor(min(0, 0.5)) = 0
      0.5, // [0.02, 0.5]: floor(min(1, 1)) = 1
      0.5, // [0.02, 0.5, 0.74]: floor(min(2, 1.5)) = 1
      0.74, // [0.02, 0.5, 0.74, 3.39]: floor(min(3, 2)) = 2
      0.74, // [0.02, 0.5, 0.74, 0.83, 3.39]: floor(min(4, 2.5)) = 2
    ];
    [0.02, 0.5, 0.74, 3.39, 0.83].forEach((x, i) => {
      p.update(x);
      expect(p.value, `after ${i + 1}`).toBe(want[i]);
    });
  });

  it('observations 6 to 8 move the markers as the algorithm says', () => {
    const p = new P2Quantile(0.5);
    for (const x of [0.02, 0.5, 0.74, 3.39, 0.83]) p.update(x);
    // Markers [0.02, 0.5, 0.74, 0.83, 3.39] at 1…5; desired [1, 2, 3, 4, 5], moving by [0, .25, .5, .75, 1].
    // 6th, 22.37 > 3.39: new maximum, cell 4, positions [1,2,3,4,6]; desired [1, 2.25, 3.5, 4.75, 6]:
    // every d < 1, nothing moves.
    p.update(22.37);
    expect(p.markers).toEqual({ heights: [0.02, 0.5, 0.74, 0.83, 22.37], positions: [1, 2, 3, 4, 6] });
    expect(p.value).toBe(0.74);
    // 7th, 10.15 in [0.83, 22.37): cell 4, positions [1,2,3,4,7]; desired [1, 2.5, 4, 5.5, 7].
    // i=2: d = 1 but n3 − n2 = 1 (no room). i=3: d = 1.5, n4 − n3 = 3: parabolic,
    //   0.83 + 1/(7−3) · ((4−3+1)(22.37−0.83)/(7−4) + (7−4−1)(0.83−0.74)/(4−3)) = 0.83 + (14.36 + 0.18)/4 = 4.465.
    p.update(10.15);
    let m = p.markers;
    expect(m.positions).toEqual([1, 2, 3, 5, 7]);
    expect(m.heights[3]).toBeCloseTo(4.465, 13);
    expect(p.value).toBe(0.74);
    // 8th, 15.43 in [4.465, 22.37): cell 4, positions [1,2,3,5,8]; desired [1, 2.75, 4.5, 6.25, 8].
    // i=2: d = 1.5, n3 − n2 = 2: 0.74 + 1/(5−2) · ((3−2+1)(4.465−0.74)/(5−3) + (5−3−1)(0.74−0.5)/(3−2))
    //   = 0.74 + (3.725 + 0.24)/3 = 2.0616666…
    // i=3 (with the new h2): d = 1.25, n4 − n3 = 3: 4.465 + 1/(8−4) · ((5−4+1)(22.37−4.465)/(8−5)
    //   + (8−5−1)(4.465−2.0616666…)/(5−4)) = 4.465 + (11.9366666… + 4.8066666…)/4 = 8.6508333…
    p.update(15.43);
    m = p.markers;
    expect(m.positions).toEqual([1, 2, 4, 6, 8]);
    expect(m.heights[2]).toBeCloseTo(0.74 + 3.965 / 3, 13);
    expect(m.heights[3]).toBeCloseTo(4.465 + (2 * 17.905 / 3 + 2 * (4.465 - (0.74 + 3.965 / 3))) / 4, 13);
    expect(p.value).toBe(m.heights[2]);
  });

  it('falls back to the linear formula when the parabola would leave the neighbours', () => {
    // q = 0.5, first five [−1, 0, 9, 10, 20]. 6th 10: cell 4, positions [1,2,3,4,6], nothing moves.
    // 7th 15: cell 4, positions [1,2,3,4,7], desired [1, 2.5, 4, 5.5, 7]: i=3 moves (d = 1.5, room 3):
    //   10 + 1/4 · (2 · 10/3 + 2 · 1/1) = 10 + 13/6 = 12.1666… (inside (9, 20): parabolic).
    // 8th 15: cell 4, positions [1,2,3,5,8], desired [1, 2.75, 4.5, 6.25, 8]: i=2 (d = 1.5, room 2):
    //   parabolic 9 + 1/3 · (2 · 3.1666…/2 + 1 · 9/1) = 13.0555… ≥ h3 = 12.1666… → linear:
    //   9 + (12.1666… − 9)/(5 − 3) = 10.5833….
    const p = new P2Quantile(0.5);
    for (const x of [-1, 0, 9, 10, 20, 10, 15]) p.update(x);
    expect(p.markers.heights[3]).toBeCloseTo(10 + 13 / 6, 13);
    p.update(15);
    expect(p.value).toBeCloseTo(9 + (13 / 6 + 1) / 2, 13);
    expect(p.markers.positions).toEqual([1, 2, 4, 6, 8]);
  });
});

describe('P² against the exact quantile', () => {
  // Tolerance in rank: the share of the stream below the estimate is within 0.002 of q (100,000
  // values; measured at most ~0.0006, exponential q = 0.95). Rank error is distribution-free.
  for (const dist of ['normal', 'uniform', 'exponential'] as const) {
    it(`${dist}, 100,000 seeded values: q = 0.5, 0.9, 0.95, 0.99 within 0.002 in rank`, () => {
      for (const q of [0.5, 0.9, 0.95, 0.99]) {
        const rng = new Random(11);
        const n = 100_000;
        const v = new Float64Array(n);
        const p = new P2Quantile(q);
        for (let i = 0; i < n; i++) {
          v[i] = dist === 'normal' ? rng.normal() : dist === 'uniform' ? rng.float() : -Math.log(1 - rng.float());
          p.update(v[i]);
        }
        const est = p.value;
        let below = 0;
        for (let i = 0; i < n; i++) if (v[i] < est) below++;
        expect(Math.abs(below / n - q), `${dist} q=${q}: estimate ${est}, share below ${below / n}`).toBeLessThan(0.002);
      }
    });
  }

  it('refuses q outside (0, 1)', () => {
    expect(() => new P2Quantile(0)).toThrow(/q must be in \(0, 1\), got: 0/);
    expect(() => new P2Quantile(1.5)).toThrow(RangeError);
    expect(() => new QuantileFilter(1)).toThrow(/q must be in \(0, 1\), got: 1/);
  });
});

describe("QuantileFilter (River's: score ≥ the running quantile)", () => {
  it('flags nothing before the first score, and nothing while the cut is exactly 0 (River\'s `or inf`)', () => {
    const f = new QuantileFilter(0.9);
    expect(f.isAnomaly(1e9)).toBe(false);
    expect(Number.isNaN(f.value)).toBe(true);
    for (let i = 0; i < 10; i++) f.update(0);
    expect(f.value).toBe(0);
    expect(f.isAnomaly(0)).toBe(false);
    expect(f.isAnomaly(5)).toBe(false);
  });

  it('flags at or above the cut (ties flagged), judged before the score joins the quantile', () => {
    const f = new QuantileFilter(0.5);
    for (const s of [1, 2, 3, 4, 5]) f.update(s);
    expect(f.value).toBe(3);
    expect(f.isAnomaly(3)).toBe(true);
    expect(f.isAnomaly(2.999)).toBe(false);
    expect(f.n).toBe(5);
  });

  it('on a stationary seeded stream it flags about 1 − q of the scores (q = 0.95: 5% ± 0.5%)', () => {
    const f = new QuantileFilter(0.95);
    const rng = new Random(5);
    let flagged = 0;
    for (let i = 0; i < 100_000; i++) {
      const s = rng.float();
      if (f.isAnomaly(s)) flagged++;
      f.update(s);
    }
    expect(Math.abs(flagged / 100_000 - 0.05)).toBeLessThan(0.005);
  });

  it('toJSON / fromJSON continues identically', () => {
    const rng = new Random(8);
    const a = new QuantileFilter(0.9);
    for (let i = 0; i < 1000; i++) a.update(rng.normal());
    const b = QuantileFilter.fromJSON(JSON.parse(JSON.stringify(a)));
    for (let i = 0; i < 1000; i++) {
      const s = rng.normal();
      expect(b.isAnomaly(s)).toBe(a.isAnomaly(s));
      a.update(s);
      b.update(s);
      expect(b.value).toBe(a.value);
    }
    expect(() => QuantileFilter.fromJSON({ kind: 'other' })).toThrow(/not a QuantileFilter state/);
  });
});

describe("threshold.ts: the 'quantile' rule beside the fixed ones", () => {
  it('movingFlags judges each score against the running quantile of the scores before it (worked by hand)', () => {
    // q = 0.5 over [1, 2, 3, 0, 9]: no cut for 1; cut 1 → 2 flagged; cut [1,2] → index 1 = 2 → 3 flagged;
    // cut [1,2,3] → index floor(1.5) = 1 = 2 → 0 not; cut [0,1,2,3] → index 2 = 2 → 9 flagged.
    expect(Array.from(movingFlags({ kind: 'quantile', q: 0.5 }, [1, 2, 3, 0, 9]))).toEqual([0, 1, 1, 0, 1]);
  });

  it('movingFlags equals a QuantileFilter run by hand, and movingThreshold makes that filter', () => {
    const rng = new Random(21);
    const scores = Float64Array.from({ length: 5000 }, () => rng.float());
    const f = movingThreshold({ kind: 'quantile', q: 0.97 });
    expect(f).toBeInstanceOf(QuantileFilter);
    const byHand = Array.from(scores, (s) => {
      const flagged = f.isAnomaly(s) ? 1 : 0;
      f.update(s);
      return flagged;
    });
    expect(Array.from(movingFlags({ kind: 'quantile', q: 0.97 }, scores))).toEqual(byHand);
  });

  it("fitThreshold: the cut where the stream ended, as the contract's score > threshold (the double below it); a cut of 0 flags nothing", () => {
    const { threshold, offset } = fitThreshold({ kind: 'quantile', q: 0.5 }, [5, 1, 4, 2, 3]);
    // Sorted [1 … 5], index 2: cut 3; score 3 is flagged (≥), so threshold = nextDown(3).
    expect(3 > threshold).toBe(true);
    expect(threshold).toBeLessThan(3);
    expect(threshold).toBeGreaterThan(2.9999999999999);
    expect(offset).toBe(-threshold);
    expect(fitThreshold({ kind: 'quantile', q: 0.9 }, [0, 0, 0]).threshold).toBe(Number.MAX_VALUE);
    expect(needsScores({ kind: 'quantile', q: 0.9 })).toBe(true);
    expect(() => fitThreshold({ kind: 'quantile', q: 0.9 }, [])).toThrow(/quantile threshold needs the training scores/);
  });

  it('the fixed rules are unchanged: constant, scikit-learn offset, PyOD percentile', () => {
    const s = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
    expect(fitThreshold({ kind: 'constant', threshold: 0.5 }, s)).toEqual({ threshold: 0.5, offset: -0.5 });
    expect(fitThreshold({ kind: 'pyod', contamination: 0.1 }, s).threshold).toBeCloseTo(0.91, 12);
    expect(fitThreshold({ kind: 'sklearn_offset', contamination: 0.1 }, s).threshold).toBeCloseTo(0.91, 12);
  });
});
