/**
 * The concept-drift detectors (src/core/stream/drift*.ts): a mean shift found within a stated
 * delay, ADWIN quiet on a long stationary stream, Page-Hinkley and KSWIN on cases worked by hand
 * from their definitions, the KS test against scipy (tests/fixtures/ks.json, written by
 * scripts/make_stream_fixtures.py), ADWIN and Page-Hinkley against ports of River's code
 * (tests/fixtures/drift.json, same script), and the parameter checks.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { Adwin } from '../../src/core/stream/drift-adwin.js';
import { Kswin } from '../../src/core/stream/drift-kswin.js';
import { PageHinkley } from '../../src/core/stream/drift-page-hinkley.js';
import { DRIFT_DEFAULTS, makeDrift, resolveDriftParams } from '../../src/core/stream/drift.js';
import { ksPValueEqual, ksTwoSampleEqual } from '../../src/core/stream/ks-test.js';
import { DRIFT_IDS } from '../../src/core/stream/types.js';
import { close, fixture, num, type JsonFloat } from './helpers.js';

/** Indices at which `d` reports a drift over `values`. */
function alarms(d: { update(x: number): boolean }, values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (d.update(values[i])) out.push(i);
  return out;
}

/** 2,000 values of N(0, 1), then 1,000 of N(2, 1): a mean shift of two standard deviations at index 2,000. */
function shiftedStream(seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: 3000 }, (_, i) => rng.normal() + (i >= 2000 ? 2 : 0));
}

describe('a mean shift is detected within a stated delay (20 seeded streams each, shift of 2σ at index 2000)', () => {
  // Bounds: ADWIN tests every clock = 32 values, so it fires at a multiple of 32 (15 or 47 values in
  // here): at most two clocks. Page-Hinkley's sum gains about 2 per value after the shift against a
  // threshold of 50: about 25 values, 60 allowed. KSWIN needs the shifted values to fill most of its
  // 30-value R window: 40 allowed.
  const BOUND = { adwin: 64, page_hinkley: 60, kswin: 40 } as const;
  for (const id of DRIFT_IDS) {
    it(`${id}: first alarm at or after the shift comes within ${BOUND[id]} values`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const hits = alarms(makeDrift(id, {}, seed), shiftedStream(seed));
        const after = hits.find((i) => i >= 2000);
        expect(after, `${id} seed ${seed}: no alarm after the shift (alarms ${hits.join(', ')})`).toBeDefined();
        expect(after! - 2000, `${id} seed ${seed}: delay`).toBeLessThanOrEqual(BOUND[id]);
      }
    });
  }

  it('adwin raises nothing before the shift in those streams (Page-Hinkley and KSWIN at River\'s defaults do false-alarm on unit-variance noise: not asserted)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const hits = alarms(new Adwin(), shiftedStream(seed));
      expect(hits.filter((i) => i < 2000), `seed ${seed}`).toEqual([]);
    }
  });
});

describe('ADWIN', () => {
  it('a stationary seeded stream of 100,000 N(0, 1) values (seed 18) raises no alarm at delta 0.002', () => {
    const rng = new Random(18);
    const adwin = new Adwin({ delta: 0.002 });
    let count = 0;
    for (let i = 0; i < 100_000; i++) if (adwin.update(rng.normal())) count++;
    expect(count).toBe(0);
    // Without a drift nothing is dropped: the window is the whole stream.
    expect(adwin.width).toBe(100_000);
  });

  it("keeps the window's width and mean exactly through its bucket merges", () => {
    const adwin = new Adwin();
    let sum = 0;
    for (let i = 0; i < 777; i++) {
      const v = (i % 7) - 3; // mean-stationary saw tooth
      sum += v;
      expect(adwin.update(v)).toBe(false);
    }
    expect(adwin.width).toBe(777);
    expect(adwin.estimation).toBeCloseTo(sum / 777, 12);
  });

  it("River's docstring stream: 1,000 values of {0, 1} then 1,000 of {4 … 7}: one drift, at index 1023 (the first clock tick after the change that the cut test passes)", () => {
    const rng = new Random(12345);
    const values = [...Array.from({ length: 1000 }, () => rng.int(2)), ...Array.from({ length: 1000 }, () => 4 + rng.int(4))];
    const hits = alarms(new Adwin(), values);
    expect(hits[0]).toBe(1023);
  });

  it('resets on the update after a detection (River): the window restarts from that value', () => {
    const adwin = new Adwin({ clock: 1 });
    const values = [...Array(200).fill(0), ...Array(200).fill(10)];
    const hits = alarms(adwin, values.slice(0, 260));
    expect(hits.length).toBeGreaterThan(0);
    const at = hits[0];
    expect(at).toBeGreaterThanOrEqual(200);
    // Feed up to the detection again on a fresh one, then one more value.
    const fresh = new Adwin({ clock: 1 });
    for (let i = 0; i <= at; i++) fresh.update(values[i]);
    expect(fresh.driftDetected).toBe(true);
    fresh.update(10);
    expect(fresh.driftDetected).toBe(false);
    expect(fresh.width).toBe(1);
    expect(fresh.nDetections).toBe(1);
  });
});

describe('Page-Hinkley on cases worked by hand', () => {
  it('alpha 1, delta 0, threshold 1.5, min_instances 3 over [0, 0, 0, 2, 2]: fires at the 5th value', () => {
    // t=1..3: x = 0, mean 0, U = L = 0, m = M = 0; from t = 3 the test runs: 0 > 1.5? no.
    // t=4: x = 2, mean = 2/4 = 0.5, dev 1.5: U = 1.5, m = 0 → 1.5 > 1.5? no (strict).
    // t=5: x = 2, mean = 0.5 + 1.5/5 = 0.8, dev 1.2: U = 2.7 → 2.7 − 0 > 1.5: drift.
    const ph = new PageHinkley({ alpha: 1, delta: 0, threshold: 1.5, min_instances: 3 });
    const got = [0, 0, 0, 2, 2].map((v) => ph.update(v));
    expect(got).toEqual([false, false, false, false, true]);
    expect(ph.statistics.increase).toBeCloseTo(2.7, 14);
    expect(ph.statistics.mean).toBeCloseTo(0.8, 14);
  });

  it("alpha 0.5, delta 0.1, threshold 1, min_instances 1 over [1, 1, −2]: a decrease ('down' and 'both' fire, 'up' not)", () => {
    // t=1: mean 1, dev 0: U = −0.1, L = 0.1, m = −0.1, M = max(−1, 0.1) = 0.1; tests 0 and 0.
    // t=2: mean 1, dev 0: U = 0.5·(−0.1) − 0.1 = −0.15 = m; L = 0.5·0.1 + 0.1 = 0.15 = M; tests 0, 0.
    // t=3: mean = 1 + (−2 − 1)/3 = 0, dev −2: U = −0.075 − 2 − 0.1 = −2.175 = m (increase 0);
    //      L = 0.075 − 2 + 0.1 = −1.825, M = 0.15: decrease = 0.15 + 1.825 = 1.975 > 1.
    for (const [mode, want] of [['down', true], ['both', true], ['up', false]] as const) {
      const ph = new PageHinkley({ alpha: 0.5, delta: 0.1, threshold: 1, min_instances: 1, mode });
      const got = [1, 1, -2].map((v) => ph.update(v));
      expect(got, mode).toEqual([false, false, want]);
      expect(ph.statistics.decrease, mode).toBeCloseTo(1.975, 14);
      expect(ph.statistics.increase, mode).toBeCloseTo(0, 14);
    }
  });

  it('min_instances holds the test back, and a detection resets on the next value', () => {
    const ph = new PageHinkley({ alpha: 1, delta: 0, threshold: 1.5, min_instances: 6 });
    // Same values as the first case: at t = 5 the statistic (2.7) exceeds 1.5 but t < 6.
    expect([0, 0, 0, 2, 2].map((v) => ph.update(v))).toEqual([false, false, false, false, false]);
    // t=6: x = 2, mean = 0.8 + 1.2/6 = 1, dev 1: U = 3.7 > 1.5: drift.
    expect(ph.update(2)).toBe(true);
    expect(ph.statistics.increase).toBeCloseTo(3.7, 14);
    ph.update(5);
    expect(ph.driftDetected).toBe(false);
    expect(ph.statistics.n).toBe(1);
    expect(ph.statistics.mean).toBe(5);
  });
});

describe('KSWIN on cases worked by hand', () => {
  // With window_size = 2 · stat_size the older part holds exactly stat_size values, so W is all of
  // them (in a random order that the KS test does not see): the test is deterministic.
  it('window 10, stat 5 over 0…4 then 5…9: D = 1, p = 2 / C(10, 5) = 1/126: no drift at alpha 0.005, a drift at 0.01', () => {
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const strict = new Kswin({ window_size: 10, stat_size: 5, alpha: 0.005 });
    expect(alarms(strict, values)).toEqual([]);
    expect(strict.lastTest.statistic).toBe(1);
    expect(strict.lastTest.pValue).toBeCloseTo(1 / 126, 15);
    const loose = new Kswin({ window_size: 10, stat_size: 5, alpha: 0.01 });
    expect(alarms(loose, values)).toEqual([9]);
  });

  it('W = [0 … 4] against R = [2.5 … 6.5]: D = 0.6 (h = 3), p = 2 · (5·4·3)/(6·7·8) = 5/14', () => {
    // Merged: 0 1 2 (W) 2.5 (R) 3 (W) 3.5 (R) 4 (W) 4.5 5.5 6.5 (R); F_W − F_R:
    // .2 .4 .6 .4 .6 .4 .6 .4 .2 0 → D = 0.6. Only k = 1 ≤ 5/3 in the sum: p = 2 · r₁.
    const ks = new Kswin({ window_size: 10, stat_size: 5, alpha: 0.5 });
    alarms(ks, [0, 1, 2, 3, 4, 2.5, 3.5, 4.5, 5.5, 6.5]);
    expect(ks.lastTest.statistic).toBeCloseTo(0.6, 15);
    expect(ks.lastTest.pValue).toBeCloseTo(5 / 14, 15);
    // p ≤ 0.5 and D > 0.1: a drift at this alpha.
    expect(ks.driftDetected).toBe(true);
  });

  it('no test until the window is full; a full window slides by one; a detection resets to an empty window', () => {
    const ks = new Kswin({ window_size: 4, stat_size: 2, alpha: 0.4 });
    // [0, 0, 1, 1]: W = {0, 0}, R = {1, 1}: D = 1, p = 2 · (2·1)/(3·4) = 1/3 ≤ 0.4 → drift at the 4th.
    expect(alarms(ks, [0, 0, 1, 1])).toEqual([3]);
    expect(ks.lastTest.pValue).toBeCloseTo(1 / 3, 15);
    // The next value resets: three more values do not fill the window, so no test.
    expect(alarms(ks, [1, 1, 1])).toEqual([]);
    expect(Number.isNaN(ks.lastTest.pValue)).toBe(true);
    // The fourth fills it: [1, 1, 1, 1] → D = 0, p = 1.
    expect(ks.update(1)).toBe(false);
    expect(ks.lastTest.pValue).toBe(1);
    // Sliding: [1, 1, 1, 0] → W = {1, 1}, R = {1, 0}: D = 1/2 (h = 1), p = 2·(2/3)(1 − (1/4)) = 1: no drift.
    expect(ks.update(0)).toBe(false);
    expect(ks.lastTest.statistic).toBe(0.5);
    expect(ks.lastTest.pValue).toBeCloseTo(1, 15);
  });

  it('the same seed draws the same W: identical alarms; reset() starts over identically', () => {
    const values = shiftedStream(3);
    const a = alarms(new Kswin({}, 7), values);
    const k = new Kswin({}, 7);
    alarms(k, values.subarray(0, 1234));
    k.reset();
    expect(alarms(k, values)).toEqual(a);
  });
});

describe("the KS test against scipy.stats.ks_2samp(method='auto')", () => {
  const F = fixture<{
    scipy: string;
    cases: { name: string; a: number[]; b: number[]; statistic: JsonFloat; pvalue: JsonFloat }[];
    by_h: { n: number; h: number; statistic: JsonFloat; pvalue: JsonFloat; asymp: boolean }[];
  }>('ks.json');

  it(`statistic to the last bit and the exact p-value within 1e-12 relative on ${F.cases.length} pairs of samples (ties included)`, () => {
    for (const c of F.cases) {
      const r = ksTwoSampleEqual(c.a, c.b);
      expect(r.statistic, c.name).toBe(num(c.statistic));
      // Products of the same ratios in another order: a few ulps apart, not more.
      expect(close(r.pValue, num(c.pvalue), 1e-12, 1e-300), `${c.name}: p ${r.pValue} vs scipy ${num(c.pvalue)}`).toBe(true);
    }
  });

  it(`p-value at n up to 10,000 and every kind of h (${F.by_h.length} cases), within 1e-9 relative`, () => {
    for (const c of F.by_h) {
      const p = ksPValueEqual(c.n, c.h / c.n);
      // scipy answers 1.0 (asymptotically) where its exact sum exceeds 1 by rounding; ours clips to 1.
      expect(close(p, num(c.pvalue), 1e-9, 1e-300), `n ${c.n} h ${c.h}${c.asymp ? ' (scipy: asymp)' : ''}: ${p} vs ${num(c.pvalue)}`).toBe(true);
    }
  });

  it('the doc example: [1, 2, 3] against [4, 5, 6] gives D = 1 and p = 2 / C(6, 3) = 0.1', () => {
    const r = ksTwoSampleEqual([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(0.1, 15);
  });
});

describe('makeDrift and the parameters', () => {
  it("River's defaults", () => {
    expect(DRIFT_DEFAULTS.adwin).toEqual({ delta: 0.002, clock: 32, max_buckets: 5, min_window_length: 5, grace_period: 10 });
    expect(DRIFT_DEFAULTS.page_hinkley).toEqual({ min_instances: 30, delta: 0.005, threshold: 50, alpha: 1 - 1e-4, mode: 'both' });
    expect(DRIFT_DEFAULTS.kswin).toEqual({ alpha: 0.005, window_size: 100, stat_size: 30 });
    for (const id of DRIFT_IDS) expect(makeDrift(id).id).toBe(id);
  });

  it('accepts the strings a command line passes', () => {
    expect(resolveDriftParams('page_hinkley', { threshold: '20', mode: 'up' })).toMatchObject({ threshold: 20, mode: 'up' });
    expect(resolveDriftParams('adwin', { delta: '0.01' }).delta).toBe(0.01);
  });

  it('refuses bad parameters with the detector, the name and the value', () => {
    expect(() => makeDrift('adwin', { delta: 0 })).toThrow(/adwin: delta must be in \(0, 1\), got: 0/);
    expect(() => makeDrift('adwin', { delta: 'abc' })).toThrow(/adwin: delta must be a number, got: abc/);
    expect(() => makeDrift('adwin', { clock: 2.5 })).toThrow(/adwin: clock must be an integer, got: 2.5/);
    expect(() => makeDrift('adwin', { dleta: 0.1 } as never)).toThrow(/adwin: unknown parameter 'dleta' \(parameters: delta, clock/);
    expect(() => makeDrift('page_hinkley', { threshold: -1 })).toThrow(/page_hinkley: threshold must be in \(0, ∞\), got: -1/);
    expect(() => makeDrift('page_hinkley', { mode: 'sideways' })).toThrow(/page_hinkley: mode must be one of up, down, both, got: sideways/);
    expect(() => makeDrift('kswin', { stat_size: 60 })).toThrow(/kswin: stat_size \(60\) must be at most half of window_size \(100\)/);
    expect(() => makeDrift('kswin', { alpha: 1 })).toThrow(RangeError);
    expect(() => makeDrift('kswin', { window_size: 100_000, stat_size: 20_000 })).toThrow(/kswin: stat_size must be in \[1, 10000\], got: 20000/);
    expect(() => makeDrift('cusum' as never)).toThrow(/unknown drift detector 'cusum' \(available: adwin, page_hinkley, kswin\)/);
  });
});

describe("ADWIN and Page-Hinkley against River's own algorithms (tests/fixtures/drift.json: ports of river/drift, checked against River's docstrings)", () => {
  const F = fixture<{ streams: Record<string, number[]>; cases: { detector: string; stream: string; detections: number[]; widths_every_250: number[] }[] }>('drift.json');
  const make: Record<string, () => Adwin | PageHinkley> = {
    adwin: () => new Adwin(),
    'adwin clock 1': () => new Adwin({ clock: 1 }),
    'adwin delta 0.1, max_buckets 2, min_window_length 10': () => new Adwin({ delta: 0.1, max_buckets: 2, min_window_length: 10 }),
    page_hinkley: () => new PageHinkley(),
    'page_hinkley up, threshold 20, alpha 0.999': () => new PageHinkley({ threshold: 20, alpha: 0.999, mode: 'up' }),
  };

  it("River's docstring stream (random.Random(12345): 1,000 of {0, 1} then 1,000 of {4 … 7}): adwin at 1023, page_hinkley at 1006, as River prints", () => {
    const s = F.streams.docstring;
    expect(alarms(new Adwin(), s)[0]).toBe(1023);
    expect(alarms(new PageHinkley(), s)[0]).toBe(1006);
  });

  for (const c of F.cases) {
    it(`${c.detector} on the ${c.stream} stream: the same ${c.detections.length} detections${c.widths_every_250.length ? ' and window widths' : ''}`, () => {
      const d = make[c.detector]();
      const hits: number[] = [];
      const widths: number[] = [];
      F.streams[c.stream].forEach((v, i) => {
        if (d.update(v)) hits.push(i);
        if (d instanceof Adwin && i % 250 === 249) widths.push(d.width);
      });
      expect(hits).toEqual(c.detections);
      expect(widths).toEqual(c.widths_every_250);
    });
  }
});
