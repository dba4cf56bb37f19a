/**
 * NAB's scorer (src/core/metrics/nab.ts): hand-worked cases from NAB's definitions, and fixtures from an
 * independent, brute-force Python restatement (scripts/make_nab_scorer_fixtures.py) on real NAB files
 * (skipped without ../shared/datasets/nab) and on a synthetic series with duplicate and out-of-order times.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NAB_PROFILES, loadProfiles, parseNabTime, prepareSeries, probationRows, scaledSigmoid, scoreCorpus, scoreFile, scoreFlags, scoreLabelled, type NabWindows } from '../../src/core/metrics/nab';
import { fixture, REPO_ROOT } from './helpers';

const NAB = resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab');
const haveNab = existsSync(resolve(NAB, 'labels', 'combined_windows.json'));

/** S(x) = 2·sigmoid(−5x) − 1, written out here from NAB's docstring (not the module's function). */
const S = (x: number) => (x >= 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1);
const T0 = Date.UTC(2015, 2, 1);
/** Row i's time: 5-minute steps, as NAB's data writes it. */
function stamp(i: number): string {
  return new Date(T0 + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
}
const times = (n: number) => Array.from({ length: n }, (_, i) => stamp(i));
/** A window over rows [a, b], written as NAB's windows file does (with .000000). */
const win = (a: number, b: number): [string, string] => [`${stamp(a)}.000000`, `${stamp(b)}.000000`];
/** Scores: 0 everywhere, `v` at the given rows. */
function scoresAt(n: number, at: Record<number, number>): Float64Array {
  const s = new Float64Array(n);
  for (const [i, v] of Object.entries(at)) s[Number(i)] = v;
  return s;
}

const STD = NAB_PROFILES.standard;
// 100 rows: probation floor(15) = 15 rows; one window over rows 40..49 (W = 10).
const N = 100;
const series = prepareSeries('cat/a.csv', times(N), [win(40, 49)]);

describe('NAB scorer: hand-worked cases (standard profile: A_TP 1, A_FN 1, A_FP 0.11)', () => {
  it('matches window edges (with .000000) to rows by parsed time; probation is min(floor(0.15 n), 750)', () => {
    expect(parseNabTime('2014-04-10 07:15:00.000000')).toBe(parseNabTime('2014-04-10 07:15:00'));
    expect(parseNabTime('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseNabTime('2014-04-31 00:00:00')).toBeNaN();
    expect(parseNabTime('not a time')).toBeNaN();
    expect(series.windows.map((w) => [w.start, w.end])).toEqual([[40, 49]]);
    expect(series.probation).toBe(15);
    expect(probationRows(20)).toBe(3);
    expect(probationRows(22_695)).toBe(750);
  });

  it('a detection at the window\'s left edge earns exactly A_TP (and the file scores 100)', () => {
    const r = scoreFile(series, scoresAt(N, { 40: 1 }), 0.5).standard;
    expect(r.raw).toBe(STD.tpWeight);
    expect(r.score).toBe(100);
    expect([r.tp, r.fp, r.fn, r.tn, r.detected]).toEqual([1, 0, 9, 75, 1]);
  });

  it('a later detection earns S(−(r − i + 1)/W)/S(−1); only the earliest in a window counts', () => {
    const expected = S(-(49 - 45 + 1) / 10) / S(-1);
    expect(scoreFile(series, scoresAt(N, { 45: 1 }), 0.5).standard.raw).toBeCloseTo(expected, 14);
    expect(scoreFile(series, scoresAt(N, { 45: 1, 47: 1, 49: 1 }), 0.5).standard.raw).toBeCloseTo(expected, 14);
    expect(scoreFile(series, scoresAt(N, { 42: 1, 45: 1 }), 0.5).standard.raw).toBeCloseTo(S(-0.8) / S(-1), 14);
  });

  it('a false positive just after a window is weighted by the sigmoid of its distance / (W − 1); far after it costs −A_FP', () => {
    const miss = -STD.fnWeight;
    expect(scoreFile(series, scoresAt(N, { 50: 1 }), 0.5).standard.raw).toBeCloseTo(miss + STD.fpWeight * S(1 / 9), 14);
    expect(scoreFile(series, scoresAt(N, { 58: 1 }), 0.5).standard.raw).toBeCloseTo(miss + STD.fpWeight * S(1), 14);
    // 27 rows after: distance 3 → exactly −1.
    expect(scoreFile(series, scoresAt(N, { 76: 1 }), 0.5).standard.raw).toBeCloseTo(miss - STD.fpWeight, 14);
    // The weight is negative and grows towards −A_FP with the distance.
    const w50 = scoreFile(series, scoresAt(N, { 50: 1 }), 0.5).standard.raw - miss;
    const w55 = scoreFile(series, scoresAt(N, { 55: 1 }), 0.5).standard.raw - miss;
    expect(w50).toBeLessThan(0);
    expect(w55).toBeLessThan(w50);
    expect(w55).toBeGreaterThan(-STD.fpWeight);
  });

  it('a false positive before any window costs exactly −A_FP; a missed window −A_FN', () => {
    const r = scoreFile(series, scoresAt(N, { 20: 1 }), 0.5);
    expect(r.standard.raw).toBeCloseTo(-1 - 0.11, 15);
    expect(r.reward_low_FP_rate.raw).toBeCloseTo(-1 - 0.22, 15);
    expect(r.reward_low_FN_rate.raw).toBeCloseTo(-2 - 0.11, 15);
  });

  it('probation rows are ignored: a detection there counts for nothing, nor in the counts', () => {
    const r = scoreFile(series, scoresAt(N, { 3: 1, 14: 1 }), 0.5).standard;
    expect(r.raw).toBe(-1);
    expect(r.tp + r.fp + r.fn + r.tn).toBe(N - 15);
    expect(r.fp).toBe(0);
    // The first scored row (15) counts.
    expect(scoreFile(series, scoresAt(N, { 15: 1 }), 0.5).standard.raw).toBeCloseTo(-1.11, 15);
  });

  it('a window inside the probation still closes: it costs no −A_FN, and a false positive after it is weighted by it', () => {
    const s = prepareSeries('cat/b.csv', times(N), [win(2, 8), win(40, 49)]);
    expect(s.scoredWindows).toBe(1);
    const r = scoreFile(s, scoresAt(N, { 20: 1 }), 0.5).standard;
    // Row 20 is 12 rows after the window ending at row 8 (W = 7): S(12/6) = S(2), not −1.
    expect(r.raw).toBeCloseTo(-1 + 0.11 * S(2), 14);
    expect(r.null).toBe(-1);
  });

  it('detection is score ≥ threshold (NAB\'s rule); scoreFlags takes the detections themselves', () => {
    const sc = scoresAt(N, { 40: 0.5, 60: 0.7 });
    expect(scoreFile(series, sc, 0.5).standard.tp).toBe(1);
    expect(scoreFile(series, sc, 0.5000001).standard.tp).toBe(0);
    const flags = Uint8Array.from(sc, (v) => (v >= 0.5 ? 1 : 0));
    const a = scoreFlags(series, flags).standard;
    const b = scoreFile(series, sc, 0.5).standard;
    expect(a.raw).toBe(b.raw);
    expect(a.threshold).toBeNaN();
  });

  it('the null detector scores 0 and the perfect detector 100, in every profile, over several files', () => {
    const files = [
      { name: 'cat/a.csv', n: 100, w: [win(40, 49)] },
      { name: 'cat/b.csv', n: 300, w: [win(60, 79), win(150, 199)] },
      { name: 'cat/none.csv', n: 80, w: [] },
    ];
    const windows: NabWindows = Object.fromEntries(files.map((f) => [f.name, f.w]));
    const nul = scoreCorpus(files.map((f) => ({ name: f.name, timestamps: times(f.n), scores: new Float64Array(f.n) })), windows);
    const starts: Record<string, number[]> = { 'cat/a.csv': [40], 'cat/b.csv': [60, 150], 'cat/none.csv': [] };
    const perfect = scoreCorpus(files.map((f) => ({ name: f.name, timestamps: times(f.n), scores: scoresAt(f.n, Object.fromEntries(starts[f.name].map((i) => [i, 1]))) })), windows);
    for (const p of Object.keys(NAB_PROFILES)) {
      expect(nul[p].score).toBe(0);
      expect(nul[p].threshold).toBe(1.1);
      expect(perfect[p].score).toBe(100);
      expect(perfect[p].threshold).toBe(1);
      expect(perfect[p].raw).toBe(3);
    }
  });

  it('duplicate or out-of-order timestamps: a window edge is the first row with that time', () => {
    const t = times(N);
    t[30] = t[25]; // row 30 repeats row 25's time
    [t[60], t[61]] = [t[61], t[60]]; // out of order: the earlier time is now in row 61
    const s = prepareSeries('cat/dup.csv', t, [[`${t[25]}.000000`, `${t[35]}.000000`], [`${stamp(60)}.000000`, `${t[70]}.000000`]]);
    expect(s.windows.map((w) => [w.start, w.end])).toEqual([[25, 35], [61, 70]]);
    // Row 30 (the repeat) is inside the first window: a detection there is a TP at position 30.
    expect(scoreFile(s, scoresAt(N, { 30: 1 }), 0.5).standard.raw).toBeCloseTo(S(-(35 - 30 + 1) / 11) / S(-1) - 1, 14);
  });

  it('a window naming a time that is not in the series is an error naming it; so is a window ending before it starts', () => {
    expect(() => prepareSeries('cat/a.csv', times(N), [['2016-01-01 00:00:00.000000', win(49, 49)[0]]], 'results/cat/x_a.csv')).toThrow(/results\/cat\/x_a\.csv: window .*time '2016-01-01 00:00:00\.000000' is not in the series/);
    expect(() => prepareSeries('cat/a.csv', times(N), [[win(49, 49)[0], win(40, 40)[0]]])).toThrow(/ends \(row 41\) before it starts \(row 50\)/);
    expect(() => prepareSeries('cat/a.csv', times(N), [win(40, 49), win(45, 60)])).toThrow(/overlap/);
  });

  it('scores outside [0, 1] or of the wrong length are refused, naming the row', () => {
    expect(() => scoreFile(series, scoresAt(N, { 7: 1.5 }), 0.5)).toThrow(/cat\/a\.csv: row 8 \(line 9\): anomaly score 1\.5 is outside \[0, 1\]/);
    expect(() => scoreFile(series, scoresAt(N, { 7: NaN }), 0.5)).toThrow(/row 8 .*missing/);
    expect(() => scoreFile(series, new Float64Array(3), 0.5)).toThrow(/3 anomaly scores for 100 rows/);
  });
});

describe('NAB corpus threshold: as NAB\'s sweeper chooses it', () => {
  const windows: NabWindows = { 'cat/a.csv': [win(40, 49)], 'cat/none.csv': [] };

  it('rows with the same score flip together (no threshold between them)', () => {
    // 0.7: a TP at a's left edge (+1) and a FP in none.csv (−0.11); 0.9: another FP (−0.11).
    // Thresholds: 1.1 → −1; 0.9 → −1.11; 0.7 → 1 − 0.22 = 0.78. Taking the 0.7 rows one at a time
    // would have offered 1 − 0.11 = 0.89 (TP without its tied FP), which is no threshold.
    const r = scoreCorpus([
      { name: 'cat/a.csv', timestamps: times(N), scores: scoresAt(N, { 40: 0.7 }) },
      { name: 'cat/none.csv', timestamps: times(N), scores: scoresAt(N, { 30: 0.7, 31: 0.9 }) },
    ], windows, { profile: 'standard' }).standard;
    expect(r.threshold).toBe(0.7);
    expect(r.raw).toBeCloseTo(0.78, 14);
    expect([r.tp, r.fp]).toEqual([1, 2]);
  });

  it('on a tie of the corpus score the highest threshold wins', () => {
    // 0.8 at the left edge and 0.6 later in the same window: both thresholds score +1.
    const r = scoreCorpus([{ name: 'cat/a.csv', timestamps: times(N), scores: scoresAt(N, { 40: 0.8, 45: 0.6 }) }], windows, { profile: 'standard' }).standard;
    expect(r.threshold).toBe(0.8);
    expect(r.raw).toBe(1);
    // And 1.1 (nothing detected) wins when nothing does better.
    const none = scoreCorpus([{ name: 'cat/none.csv', timestamps: times(N), scores: scoresAt(N, { 50: 0.9 }) }], windows).standard;
    expect(none.threshold).toBe(1.1);
    expect(none.score).toBeNull(); // no windows: perfect = null = 0
  });

  it('a fixed threshold scores every profile at it; --profile limits the output; custom profiles load', () => {
    const items = [{ name: 'cat/a.csv', timestamps: times(N), scores: scoresAt(N, { 45: 0.8, 60: 0.9 }) }];
    const r = scoreCorpus(items, windows, { threshold: 0.85 });
    expect(Object.keys(r)).toEqual(['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
    expect(r.standard.threshold).toBe(0.85);
    expect(r.standard.tp).toBe(0);
    expect(r.standard.fp).toBe(1);
    expect(Object.keys(scoreCorpus(items, windows, { profile: 'reward_low_FN_rate' }))).toEqual(['reward_low_FN_rate']);
    expect(() => scoreCorpus(items, windows, { profile: 'nope' })).toThrow(/profile must be one of/);
    const custom = loadProfiles({ strict: { CostMatrix: { tpWeight: 2, fnWeight: 1, fpWeight: 1 } } });
    expect(scoreCorpus(items, windows, { profiles: custom, threshold: 0.5 }).strict.raw).toBeCloseTo((2 * S(-0.5)) / S(-1) + S(11 / 9), 14);
    expect(() => loadProfiles({ x: { CostMatrix: { tpWeight: 1 } } })).toThrow(/profile 'x': fnWeight must be a finite number/);
    expect(() => scoreCorpus([{ name: 'cat/other.csv', timestamps: times(N), scores: new Float64Array(N) }], windows)).toThrow(/cat\/other\.csv: not in the windows file/);
  });
});

interface Expected {
  threshold: number;
  raw: number;
  null: number;
  perfect: number;
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  files_at_half: number[];
}
interface Case {
  files: { name: string; scores: number[]; times?: string[]; windows?: [string, string][] }[];
  window_rows?: [number, number][];
  expected: Record<string, Expected>;
}
const fx = fixture<{ cases: Record<string, Case> }>('nab-scorer.json').cases;

function checkCase(c: Case, items: { series: ReturnType<typeof prepareSeries>; scores: Float64Array }[]): void {
  const got = scoreLabelled(items);
  for (const [p, e] of Object.entries(c.expected)) {
    const r = got[p];
    expect(r.threshold, p).toBe(e.threshold);
    expect(r.raw, p).toBeCloseTo(e.raw, 10);
    expect(r.score as number, p).toBeCloseTo(e.score, 9);
    expect([r.null, r.perfect], p).toEqual([e.null, e.perfect]);
    expect([r.tp, r.fp, r.fn, r.tn], p).toEqual([e.tp, e.fp, e.fn, e.tn]);
    items.forEach((it, k) => expect(scoreFile(it.series, it.scores, 0.5, { profile: p })[p].raw, `${p} ${it.series.name} at 0.5`).toBeCloseTo(e.files_at_half[k], 10));
  }
}

describe('NAB scorer against a brute-force Python restatement (scripts/make_nab_scorer_fixtures.py)', () => {
  it('synthetic series with duplicate and out-of-order times: windows, optimised thresholds, scores at 0.5', () => {
    const c = fx.synthetic;
    const items = c.files.map((f) => ({ series: prepareSeries(f.name, f.times as string[], f.windows as [string, string][]), scores: Float64Array.from(f.scores) }));
    expect(items[0].series.windows.map((w) => [w.start, w.end])).toEqual(c.window_rows);
    checkCase(c, items);
  });

  it.skipIf(!haveNab)('six NAB files (three with repeated DST hours, one without windows), seeded scores', () => {
    const windows = JSON.parse(readFileSync(resolve(NAB, 'labels', 'combined_windows.json'), 'utf8')) as NabWindows;
    const items = fx.corpus.files.map((f) => {
      const lines = readFileSync(resolve(NAB, 'data', f.name), 'utf8').trim().split('\n').slice(1);
      return { series: prepareSeries(f.name, lines.map((l) => l.split(',')[0]), windows[f.name]), scores: Float64Array.from(f.scores) };
    });
    checkCase(fx.corpus, items);
  });
});

describe.skipIf(!haveNab)('NAB scorer on the whole corpus', () => {
  it('116 windows, none inside a probation: the null detector −116 raw (0), a detector firing at every window start 100', () => {
    const windows = JSON.parse(readFileSync(resolve(NAB, 'labels', 'combined_windows.json'), 'utf8')) as NabWindows;
    const inputs = Object.keys(windows).map((name) => {
      const ts = readFileSync(resolve(NAB, 'data', name), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
      return { name, timestamps: ts, n: ts.length };
    });
    expect(inputs.reduce((a, f) => a + f.n, 0)).toBe(365_558);
    const nul = scoreCorpus(inputs.map((f) => ({ ...f, scores: new Float64Array(f.n) })), windows);
    expect(nul.standard.raw).toBe(-116);
    expect(nul.reward_low_FN_rate.raw).toBe(-232);
    const perfect = scoreCorpus(inputs.map((f) => {
      const s = new Float64Array(f.n);
      for (const [a] of windows[f.name]) s[f.timestamps.findIndex((t) => parseNabTime(t) === parseNabTime(a))] = 1;
      return { ...f, scores: s };
    }), windows);
    for (const p of Object.keys(NAB_PROFILES)) expect([nul[p].score, perfect[p].score]).toEqual([0, 100]);
  });
});

it('scaledSigmoid is NAB\'s: S(−1) ≈ 0.98661, S(0) = 0, S(1) ≈ −0.98661, −1 from 3', () => {
  expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
  expect(scaledSigmoid(0)).toBe(0);
  expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
  expect(scaledSigmoid(3)).toBe(-1);
  expect(scaledSigmoid(2.999)).toBeGreaterThan(-1);
});
