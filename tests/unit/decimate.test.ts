/** decimate(): min/max per pixel column equal to a naive per-bucket reference; missing values; exact points when zoomed in. */
import { describe, expect, it } from 'vitest';
import { decimate, isSorted, rowRange } from '../../src/core/data/decimate';
import { Random } from '../../src/core/random';

/** The reference: every row tested against every bucket's own [lo, hi) bounds, computed independently. */
function naive(times: number[], values: number[], scores: number[] | null, t0: number, t1: number, pixels: number) {
  const min: number[] = [], max: number[] = [], count: number[] = [], smax: number[] = [], peak: number[] = [];
  const w = (t1 - t0) / pixels;
  for (let b = 0; b < pixels; b++) {
    const lo = t0 + b * w;
    const last = b === pixels - 1;
    let mn = NaN, mx = NaN, c = 0, sm = NaN, pk = -1;
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      if (t < t0 || t > t1) continue;
      // Bucket of t by the same floor rule, compared with b: the bounds are the reference's own.
      const bt = Math.min(pixels - 1, Math.floor(((t - t0) / (t1 - t0)) * pixels));
      if (bt !== b) continue;
      expect(t >= lo - 1e-6 * Math.abs(w) || last).toBe(true);
      c++;
      const v = values[i];
      if (!Number.isNaN(v)) {
        mn = Number.isNaN(mn) ? v : Math.min(mn, v);
        mx = Number.isNaN(mx) ? v : Math.max(mx, v);
      }
      if (scores && !Number.isNaN(scores[i]) && (Number.isNaN(sm) || scores[i] > sm)) { sm = scores[i]; pk = i; }
    }
    min.push(mn); max.push(mx); count.push(c); smax.push(sm); peak.push(pk);
  }
  return { min, max, count, smax, peak };
}

describe('decimate', () => {
  for (const [n, pixels, sorted, nanRate] of [[10_000, 317, true, 0], [10_000, 317, true, 0.2], [5000, 64, false, 0.05], [2001, 400, true, 0.5]] as const) {
    it(`${n} rows into ${pixels} columns (${sorted ? 'sorted' : 'shuffled'} times, ${nanRate * 100} % missing): min/max/count/peak equal the naive reference`, () => {
      const rng = new Random(n + pixels);
      let t = 1_600_000_000_000;
      const times = Array.from({ length: n }, () => (t += Math.floor(rng.uniform(0, 3)) * 60_000));
      if (!sorted) for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.uniform(0, i + 1)); [times[i], times[j]] = [times[j], times[i]]; }
      const values = Array.from({ length: n }, () => (rng.uniform(0, 1) < nanRate ? NaN : rng.normal() * 10));
      const scores = Array.from({ length: n }, () => rng.uniform(0, 1));
      const lo = Math.min(...times), hi = Math.max(...times);
      // The whole series, and a range cut inside it.
      for (const [t0, t1] of [[lo, hi], [lo + 0.3 * (hi - lo), lo + 0.55 * (hi - lo)]]) {
        const got = decimate({ times: Float64Array.from(times), sorted, series: [Float64Array.from(values)], scores: Float64Array.from(scores), t0, t1, pixels });
        const want = naive(times, values, scores, t0, t1, pixels);
        if (got.kind !== 'buckets') throw new Error(`expected buckets, got ${got.kind}`);
        expect(Array.from(got.series[0].min)).toEqual(want.min);
        expect(Array.from(got.series[0].max)).toEqual(want.max);
        expect(Array.from(got.count)).toEqual(want.count);
        expect(Array.from(got.score!.max)).toEqual(want.smax);
        expect(Array.from(got.peakRow)).toEqual(want.peak);
        expect(got.rows).toBe(want.count.reduce((a, b) => a + b, 0));
        for (let b = 0; b < pixels; b++) expect(got.peakValues[0][b]).toEqual(want.peak[b] >= 0 ? values[want.peak[b]] : NaN);
      }
    });
  }

  it('row order (no time column): bucket b covers rows by index', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i % 10);
    const got = decimate({ times: null, sorted: true, series: [values], t0: 0, t1: 99, pixels: 10 });
    if (got.kind !== 'buckets') throw new Error(got.kind);
    expect(got.rows).toBe(100);
    expect(Array.from(got.count).reduce((a, b) => a + b, 0)).toBe(100);
    expect(got.score).toBeNull();
    expect(Array.from(got.peakRow)).toEqual(new Array(10).fill(-1));
    for (let b = 0; b < 10; b++) {
      expect(got.series[0].min[b]).toBe(0);
      expect(got.series[0].max[b]).toBe(9);
    }
  });

  it('a bucket of missing values only is NaN (a gap), not ±Infinity', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i >= 10 && i < 20 ? NaN : i));
    const got = decimate({ times: null, sorted: true, series: [values], t0: 0, t1: 39, pixels: 4 });
    if (got.kind !== 'buckets') throw new Error(got.kind);
    expect(Number.isNaN(got.series[0].min[1]) && Number.isNaN(got.series[0].max[1])).toBe(true);
    expect(got.series[0].min[2]).toBe(20);
    expect(got.count[1]).toBe(10);
  });

  it('no more rows than pixels: the rows themselves, at their own times', () => {
    const times = Float64Array.from([0, 10, 20, 30, 40, 50]);
    const got = decimate({ times, sorted: true, series: [Float64Array.from([1, 2, NaN, 4, 5, 6])], scores: Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), t0: 10, t1: 40, pixels: 800 });
    if (got.kind !== 'points') throw new Error(got.kind);
    expect(Array.from(got.row)).toEqual([1, 2, 3, 4]);
    expect(Array.from(got.time)).toEqual([10, 20, 30, 40]);
    expect(Array.from(got.series[0])).toEqual([2, NaN, 4, 5]);
    expect(Array.from(got.score!)).toEqual([0.2, 0.3, 0.4, 0.5]);
  });

  it('out-of-order times: rows outside the range are left out even when scanned', () => {
    const times = Float64Array.from([5, 1, 9, 3, 7]);
    expect(isSorted(times)).toBe(false);
    const got = decimate({ times, sorted: false, series: [Float64Array.from([50, 10, 90, 30, 70])], t0: 2, t1: 8, pixels: 10 });
    if (got.kind !== 'points') throw new Error(got.kind);
    expect(Array.from(got.row)).toEqual([0, 3, 4]);
  });

  it('rowRange finds [start, end) by binary search, duplicates included', () => {
    const times = Float64Array.from([1, 2, 2, 2, 3, 5, 8]);
    expect(isSorted(times)).toBe(true);
    expect(rowRange(times, 7, 2, 3)).toEqual([1, 5]);
    expect(rowRange(times, 7, 4, 4)).toEqual([5, 5]);
    expect(rowRange(null, 100, 9.5, 20.2)).toEqual([10, 21]);
  });

  it('bad bounds and pixels are refused with the value', () => {
    expect(() => decimate({ times: null, sorted: true, series: [[1]], t0: 0, t1: 1, pixels: 0 })).toThrow(/pixels.*got 0/);
    expect(() => decimate({ times: null, sorted: true, series: [[1]], t0: 2, t1: 1, pixels: 5 })).toThrow(/\[2, 1\]/);
  });
});
