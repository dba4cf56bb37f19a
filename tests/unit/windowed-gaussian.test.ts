import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../src/core/data/matrix.js';
import { resolveParams } from '../../src/core/detectors/params.js';
import { loadModel } from '../../src/core/detectors/registry.js';
import { AUTO_THRESHOLD, windowedGaussian } from '../../src/core/detectors/windowed-gaussian.js';
import { normalTail } from '../../src/core/math/erfc.js';
import { REPO_ROOT, expectClose, fixture, nums, type JsonFloat } from './helpers.js';

interface Series { window_size: number; step_size: number; values: number[]; scores: JsonFloat[]; index?: number[] }
const F = fixture<{
  small: Series; default: Series & { index: number[] };
  published: { scores: number[] };
  nyc_taxi?: { rows: number; index: number[]; scores: JsonFloat[] };
}>('nab-gaussian.json');

const column = (v: ArrayLike<number>): Matrix => matrix(Float64Array.from(v), v.length, 1);
const params = (over: Record<string, unknown> = {}) => resolveParams(windowedGaussian.params, over, 'windowed_gaussian');
const fitScores = async (v: ArrayLike<number>, over: Record<string, unknown> = {}) => (await windowedGaussian.fit(column(v), params(over))).trainingScores!;

/** Scores agree with NAB's Python to rounding: numpy-exact window statistics, erfc within 1e-15 relative. */
function expectScores(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  let at = -1;
  let exact = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d === 0) exact++;
    if (d > worst) [worst, at] = [d, i];
  }
  expect(worst, `${what}: worst |Δ| ${worst} at ${at} (got ${got[at]}, NAB ${want[at]})`).toBeLessThan(1e-15);
  // Most are the same double: the window statistics are numpy's to the bit (the rest differ in erfc's last bits).
  expect(exact / want.length, `${what}: share of bit-identical scores`).toBeGreaterThan(0.8);
}

describe("windowed_gaussian against NAB's windowedGaussian_detector.py", () => {
  it('window 50, step 7 over 400 values (filling, sliding, a constant stretch with std 0 → 1e-6, a level shift): every score', async () => {
    const s = F.small;
    const scores = await fitScores(s.values, { window_size: s.window_size, step_size: s.step_size });
    expectScores(scores, nums(s.scores), 'small');
    // The constant stretch: once the window holds only 7.5, std is 1e-6 and the next 7.5 scores 1 − Q(0) = 0.5.
    expect(scores[185]).toBe(0.5);
  });

  it("NAB's defaults (window 6400, step 100) over 6,700 values: the fill at 6400 and the slides at 6500 and 6600", async () => {
    const s = F.default;
    const scores = await fitScores(s.values);
    expectScores(Float64Array.from(s.index, (i) => scores[i]), nums(s.scores), 'default');
  });

  it("NAB's own published results for nyc_taxi: the first rows' scores to their 12 printed digits", async () => {
    const path = resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab', 'data', 'realKnownCause', 'nyc_taxi.csv');
    // The first 8 values of nyc_taxi.csv, as NAB's results file lists them beside its scores.
    const first = [10844, 8127, 6210, 4656, 3820, 2873, 2369, 2064];
    if (existsSync(path)) expect(readFileSync(path, 'utf8').split('\n').slice(1, 9).map((l) => Number(l.split(',')[1]))).toEqual(first);
    const scores = await fitScores(first);
    F.published.scores.forEach((want, i) => expectClose(scores[i], want, 0, 5e-13, `row ${i + 1}`));
  });

  it.skipIf(!F.nyc_taxi || !existsSync(resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab', 'data', 'realKnownCause', 'nyc_taxi.csv')))(
    'nyc_taxi.csv from the NAB corpus (10,320 values), against the Python reference',
    async () => {
      const text = readFileSync(resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab', 'data', 'realKnownCause', 'nyc_taxi.csv'), 'utf8');
      const values = text.trim().split('\n').slice(1).map((l) => Number(l.split(',')[1]));
      expect(values.length).toBe(F.nyc_taxi!.rows);
      const scores = await fitScores(values);
      expectScores(Float64Array.from(F.nyc_taxi!.index, (i) => scores[i]), nums(F.nyc_taxi!.scores), 'nyc_taxi');
    },
  );
});

describe('windowed_gaussian in the detector contract', () => {
  const values = F.small.values;
  const over = { window_size: 50, step_size: 7 };

  it('causal: the first k rows score as they do within the whole series, for every k', async () => {
    const all = await fitScores(values, over);
    for (const k of [1, 2, 49, 50, 51, 56, 57, 58, 200]) {
      const part = await fitScores(values.slice(0, k), over);
      expect(Array.from(part)).toEqual(Array.from(all.subarray(0, k)));
    }
  });

  it('the first value scores 0, the second 1 − Q(|Δ| / 1e-6) when it differs, and a value at the mean 0.5', async () => {
    const s = await fitScores([3, 4, 3.5]);
    expect(s[0]).toBe(0);
    expect(s[1]).toBe(1);
    expect(s[2]).toBe(0.5);
  });

  it('fit keeps the stream: scoring the rest continues it (the same scores as one run), and the model is not changed by scoring', async () => {
    const all = await fitScores(values, over);
    for (const cut of [10, 50, 53, 57, 300]) {
      const model = await windowedGaussian.fit(column(values.slice(0, cut)), params(over));
      const rest = column(values.slice(cut));
      const a = await model.score(rest);
      expect(Array.from(a)).toEqual(Array.from(all.subarray(cut)));
      expect(Array.from(await model.score(rest))).toEqual(Array.from(a));
      // Saved and loaded mid-stream (window and step buffer), it continues the same way.
      const back = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
      expect(Array.from(await back.score(rest))).toEqual(Array.from(a));
    }
  });

  it('one value column only, with a message that says so; step_size above window_size is refused', async () => {
    await expect(windowedGaussian.fit(matrix(new Float64Array(6), 3, 2), params())).rejects.toThrow(/one value column.*got 2 columns/);
    await expect(windowedGaussian.fit(column([1, 2, 3]), params({ window_size: 10, step_size: 11 }))).rejects.toThrow(/step_size must be <= window_size \(10\), got: 11/);
    expect(() => params({ window_size: 0 })).toThrow(/window_size must be >= 1, got: 0/);
  });

  it("threshold: 'auto' is 1 − Q(5) (5 std from the window's mean); a fraction flags that share of the training scores", async () => {
    expect(AUTO_THRESHOLD).toBe(1 - normalTail(5));
    const m = await windowedGaussian.fit(column(values), params(over));
    expect(m.threshold).toBe(AUTO_THRESHOLD);
    const m2 = await windowedGaussian.fit(column(values), params({ ...over, contamination: 0.1 }));
    const flagged = m2.trainingScores!.filter((s) => s > m2.threshold).length;
    expect(flagged).toBeGreaterThanOrEqual(35);
    expect(flagged).toBeLessThanOrEqual(41);
  });

  it('a model file with a malformed state is refused', async () => {
    const json = (await windowedGaussian.fit(column(values), params(over))).toJSON();
    const bad = (state: unknown) => () => loadModel(JSON.parse(JSON.stringify({ ...json, state })));
    expect(bad({ window: [], buffer: [] })).toThrow();
    expect(bad({ window: Array(51).fill(1), buffer: [] })).toThrow();
    expect(bad({ window: Array(50).fill(1), buffer: Array(7).fill(1) })).toThrow();
    expect(bad({ window: Array(20).fill(1), buffer: [1] })).toThrow();
    expect(bad({ window: Array(50).fill(1), buffer: Array(6).fill(1) })).not.toThrow();
  });
});
