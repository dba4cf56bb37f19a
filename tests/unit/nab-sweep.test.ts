/**
 * NabSweep (src/core/metrics/nab-sweep.ts): NAB's three profiles and the event-wise metrics at every
 * distinct threshold equal issue 15's scorer (scoreFlags on the flagged rows) and a direct count of
 * windows and points, on random series with random windows and on NAB's nyc_taxi (skipped without
 * ../shared); each query takes O(log n) binary-search steps.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventMetrics } from '../../src/core/metrics/event';
import { labelRows, NAB_PROFILES, prepareSeries, scoreFile, scoreFlags, type NabWindow } from '../../src/core/metrics/nab';
import { nextDown } from '../../src/core/metrics/quantile';
import { NabSweep, windowsFromLabels, type RowWindow } from '../../src/core/metrics/nab-sweep';
import { Random } from '../../src/core/random';

/** Event-wise metrics counted directly from the flags (Merlion's revised point-adjusted definition). */
function eventDirect(flags: Uint8Array, windows: RowWindow[], times: ArrayLike<number>) {
  let tp = 0;
  let ttd = 0;
  const inside = new Uint8Array(flags.length);
  for (const w of windows) {
    for (let i = w.startRow; i <= w.endRow; i++) inside[i] = 1;
    for (let i = w.startRow; i <= w.endRow; i++) {
      if (flags[i]) {
        tp++;
        ttd += times[i] - times[w.startRow];
        break;
      }
    }
  }
  let fp = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i] && !inside[i]) fp++;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = windows.length > 0 ? tp / windows.length : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, meanTimeToDetect: tp > 0 ? ttd / tp : null, tp, fp, fn: windows.length - tp };
}

/** Thresholds to check: every distinct score, one below the lowest and one above the highest. */
function thresholds(scores: ArrayLike<number>, every = 1): number[] {
  const d = [...new Set(Array.from(scores))].sort((a, b) => a - b);
  const out = d.filter((_, k) => k % every === 0);
  return [d[0] - 1, ...out, d[d.length - 1], d[d.length - 1] + 1];
}

function compareAt(sweep: NabSweep, scores: ArrayLike<number>, windows: RowWindow[], times: ArrayLike<number>, t: number): void {
  const n = scores.length;
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) flags[i] = scores[i] > t ? 1 : 0;
  const series = labelRows('s', n, windows.map((w) => ({ start: w.startRow, end: w.endRow, limits: ['', ''] }) as NabWindow));
  const want = scoreFlags(series, flags);
  const got = sweep.nabAt(t);
  for (const name of Object.keys(NAB_PROFILES)) {
    const [g, w] = [got[name], want[name]];
    expect({ name, t, detected: g.detected, tp: g.tp, fp: g.fp, fn: g.fn, tn: g.tn, windows: g.windows, null: g.null, perfect: g.perfect })
      .toEqual({ name, t, detected: w.detected, tp: w.tp, fp: w.fp, fn: w.fn, tn: w.tn, windows: w.windows, null: w.null, perfect: w.perfect });
    // scoreFlags sums in row order without compensation (NAB's way); the sweep's sums are compensated:
    // on nyc_taxi's 8,535 false positives they part by ~1e-13 of the raw score, the naive sum's drift.
    expect(Math.abs(g.raw - w.raw)).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(w.raw)));
    if (w.score === null) expect(g.score).toBeNull();
    else expect(Math.abs((g.score as number) - w.score)).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(w.score)));
  }
  const e = sweep.eventAt(t);
  const d = eventDirect(flags, windows, times);
  // Part 1's plain function (windows with their start times) agrees with the direct count.
  expect(eventMetrics(flags, windows.map((w) => ({ ...w, start: times[w.startRow], end: times[w.endRow] })), Float64Array.from(times))).toEqual(d);
  expect({ ...e, meanTimeToDetect: null }).toEqual({ ...d, meanTimeToDetect: null });
  if (d.meanTimeToDetect === null) expect(e.meanTimeToDetect).toBeNull();
  else expect(e.meanTimeToDetect).toBeCloseTo(d.meanTimeToDetect, 9);
}

/** Disjoint random windows (some one row long, some inside the probation), sorted. */
function randomWindows(rng: Random, n: number): RowWindow[] {
  const out: RowWindow[] = [];
  let at = rng.int(Math.max(1, Math.floor(n / 4)));
  while (at < n && out.length < 6) {
    const width = rng.float() < 0.25 ? 1 : 1 + rng.int(Math.max(1, Math.floor(n / 8)));
    const end = Math.min(n - 1, at + width - 1);
    out.push({ startRow: at, endRow: end });
    at = end + 1 + rng.int(Math.max(1, Math.floor(n / 5))) + (rng.float() < 0.2 ? 0 : 1);
  }
  return out;
}

describe('NabSweep', () => {
  it('equals scoreFlags and the direct event counts at every distinct threshold (random series, random windows, ties)', () => {
    const rng = new Random(7);
    let cases = 0;
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + rng.int(trial < 10 ? 12 : 400);
      // Few distinct values in some series: rows tie, and flip together.
      const levels = rng.float() < 0.5 ? 1 + rng.int(8) : 0;
      const scores = Float64Array.from({ length: n }, () => (levels ? rng.int(levels) / levels : rng.normal()));
      const windows = trial % 7 === 0 ? [] : randomWindows(rng, n);
      // Irregular times (ms), so the mean time to detect is not a row count.
      const times = new Float64Array(n);
      for (let i = 1; i < n; i++) times[i] = times[i - 1] + 1000 * (1 + rng.int(5));
      const sweep = new NabSweep(NabSweep.build(scores, windows, times));
      for (const t of thresholds(scores)) {
        compareAt(sweep, scores, windows, times, t);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });

  it('equals scoreFlags on a long series (the radix sort): negative scores, −0, ties and ±Infinity', () => {
    const rng = new Random(11);
    const n = 20_000;
    const scores = Float64Array.from({ length: n }, (_, i) => (i % 997 === 0 ? -0 : i % 1999 === 0 ? Infinity : i % 2003 === 0 ? -Infinity : (rng.int(60) - 30) / 7 + (rng.float() < 0.3 ? rng.normal() * 1e-3 : 0)));
    const windows = randomWindows(rng, n);
    const times = Float64Array.from({ length: n }, (_, i) => 1.4e12 + 300_000 * i);
    const sweep = new NabSweep(NabSweep.build(scores, windows, times));
    for (const t of thresholds(scores.filter((v) => Number.isFinite(v)), 25)) compareAt(sweep, scores, windows, times, t);
    for (const t of [-Infinity, Infinity]) compareAt(sweep, scores, windows, times, t);
  });

  it('counts the mean time to detect in rows without a time axis', () => {
    const scores = [0, 0, 0.2, 0.9, 0.5, 0, 0, 0.7, 0, 0];
    const sweep = new NabSweep(NabSweep.build(scores, [{ startRow: 1, endRow: 4 }, { startRow: 8, endRow: 9 }]));
    // score > 0.1: window 1 first flagged at row 2 (1 row after its start); window 2 missed; row 7 a false positive.
    expect(sweep.eventAt(0.1)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, meanTimeToDetect: 1, tp: 1, fp: 1, fn: 1 });
    // score > 0.6: window 1 first flagged at row 3 (2 rows in).
    expect(sweep.eventAt(0.6)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, meanTimeToDetect: 2, tp: 1, fp: 1, fn: 1 });
    expect(sweep.eventAt(0.9)).toEqual({ precision: 0, recall: 0, f1: 0, meanTimeToDetect: null, tp: 0, fp: 0, fn: 2 });
  });

  it('takes O(log n) steps per query', () => {
    const rng = new Random(3);
    for (const n of [1000, 100_000]) {
      const scores = Float64Array.from({ length: n }, () => rng.float());
      const windows = Array.from({ length: 20 }, (_, k) => ({ startRow: Math.floor(((k + 0.5) * n) / 20), endRow: Math.floor(((k + 0.5) * n) / 20) + Math.floor(n / 100) }));
      const sweep = new NabSweep(NabSweep.build(scores, windows));
      const before = sweep.steps;
      const queries = 200;
      for (let q = 0; q < queries; q++) {
        sweep.nabAt(rng.float());
        sweep.eventAt(rng.float());
      }
      // Seven binary searches per pair of queries, each at most ⌈log2(n + 1)⌉ steps.
      expect((sweep.steps - before) / queries).toBeLessThanOrEqual(7 * Math.ceil(Math.log2(n + 1)));
      expect(sweep.steps - before).toBeGreaterThan(0);
    }
  });

  it('refuses windows out of order, overlapping or outside the series, and NaN scores', () => {
    expect(() => NabSweep.build([1, 2, 3], [{ startRow: 1, endRow: 3 }])).toThrow(/window 1: rows 1…3 are not within the series' 3 rows/);
    expect(() => NabSweep.build([1, 2, 3, 4], [{ startRow: 0, endRow: 1 }, { startRow: 1, endRow: 2 }])).toThrow(/window 2 .* starts before window 1 ends/);
    expect(() => NabSweep.build([1, NaN], [])).toThrow(/NaN/);
    expect(() => NabSweep.build([1, 2], [], [0])).toThrow(/1 times for 2 scores/);
  });

  it('turns point labels into windows: one per run of consecutive positives', () => {
    expect(windowsFromLabels([0, 1, 1, 0, 1])).toEqual([{ start: 1, end: 2, startRow: 1, endRow: 2 }, { start: 4, end: 4, startRow: 4, endRow: 4 }]);
    expect(windowsFromLabels([1, 1], [10, 20])).toEqual([{ start: 10, end: 20, startRow: 0, endRow: 1 }]);
    expect(windowsFromLabels([0, 0])).toEqual([]);
  });

  const nab = join(__dirname, '../../../shared/datasets/nab');
  it.skipIf(!existsSync(join(nab, 'labels/combined_windows.json')))('equals scoreFlags on NAB nyc_taxi with its windows', () => {
    const name = 'realKnownCause/nyc_taxi.csv';
    const lines = readFileSync(join(nab, 'data', name), 'utf8').trim().split('\n').slice(1);
    const stamps = lines.map((l) => l.split(',')[0]);
    const values = Float64Array.from(lines, (l) => Number(l.split(',')[1]));
    const windows = JSON.parse(readFileSync(join(nab, 'labels/combined_windows.json'), 'utf8'))[name] as [string, string][];
    const series = prepareSeries(name, stamps, windows);
    const rows = series.windows.map((w) => ({ startRow: w.start, endRow: w.end }));
    // A score with the shape of a detector's: distance from the mean of the previous day (48 half-hours).
    const scores = new Float64Array(values.length);
    for (let i = 48; i < values.length; i++) {
      let m = 0;
      for (let j = i - 48; j < i; j++) m += values[j];
      scores[i] = Math.min(1, Math.abs(values[i] - m / 48) / 30_000);
    }
    const times = Float64Array.from(stamps, (s) => Date.parse(`${s.replace(' ', 'T')}Z`));
    const sweep = new NabSweep(NabSweep.build(scores, rows, times));
    expect(series.windows.length).toBe(5);
    for (const t of thresholds(scores, 40)) compareAt(sweep, scores, rows, times, t);
    // NAB's own rule, score ≥ t (scoreFile), is the house's score > the largest double below t.
    for (const t of thresholds(scores, 200).filter((x) => x >= 0 && x <= 1)) {
      const want = scoreFile(series, scores, t);
      const got = sweep.nabAt(nextDown(t));
      for (const name of Object.keys(NAB_PROFILES)) {
        expect(got[name].detected).toBe(want[name].detected);
        expect(Math.abs((got[name].score as number) - (want[name].score as number))).toBeLessThanOrEqual(1e-11 * (1 + Math.abs(want[name].score as number)));
      }
    }
  });
});
