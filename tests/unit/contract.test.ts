/**
 * The detector contract, one template for every detector in the registry: a
 * detector added to DETECTORS gets all of these checks by being registered.
 *
 * Shapes, seeds, an obvious outlier, the save/load round trip, abort, bad
 * parameters, NaN, scoring one row, the fewest training rows (spec.minRows: where
 * scikit-learn / PyOD fit, we fit; one fewer is refused as they refuse), and a
 * constant column.
 *
 * A detector with a fixed column count (spec.columns: a time-series detector's 1) gets
 * data of that width; an online one (spec.online) is checked for causality (a prefix of
 * the rows scores as it does among them) instead of row-by-row independence.
 */
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/data/matrix';
import { AbortError } from '../../src/core/abort';
import type { DetectorSpec, FittedModel } from '../../src/core/detectors/detector';
import { resolveParams, type ParamSpec, type Params } from '../../src/core/detectors/params';
import { DETECTORS, loadModel } from '../../src/core/detectors/registry';
import { Random } from '../../src/core/random';

const D = 3;

/** n rows of a standard normal cloud in D columns (seeded). */
function cloud(n: number, seed = 7, cols = D): Matrix {
  const rng = new Random(seed);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, rows: n, cols };
}

function rowsOf(X: Matrix, from: number, to: number): Matrix {
  return { data: X.data.slice(from * X.cols, to * X.cols), rows: to - from, cols: X.cols };
}

function withRow(X: Matrix, row: number[]): Matrix {
  const data = new Float64Array((X.rows + 1) * X.cols);
  data.set(X.data);
  data.set(row, X.rows * X.cols);
  return { data, rows: X.rows + 1, cols: X.cols };
}

/** The contract's data for a detector with `cols` feature columns. */
function contractData(cols: number) {
  return { TRAIN: cloud(60, 7, cols), QUERY: cloud(12, 11, cols), OUTLIER: [40, -40, 40, -40].slice(0, cols) };
}

/** Small networks where the defaults train for seconds: the contract, not the training, is under test. */
const SMALL: Record<string, Record<string, unknown>> = {
  lstm_ae: { window_size: 4, hidden_size: 4, epoch_num: 2 },
  gru_ae: { window_size: 4, hidden_size: 4, epoch_num: 2 },
  // The 60 training rows must fill a first window (250 by default) for any score to be non-zero.
  half_space_trees: { window_size: 20 },
};

/**
 * The share of the training rows an obvious outlier must outscore: every row, except where a
 * detector's definition caps it. half_space_trees: its trees split the range learnt, so a point far
 * beyond it walks the edge cells with the most extreme training rows and can tie their mass-weighted
 * depth (River's HalfSpaceTrees does the same); it outscores 92–100% of the rows here across seeds.
 */
const OUTLIER_BEATS: Record<string, number> = { half_space_trees: 0.9 };

/** The row after the first n (the outlier) outscores every one of them, or OUTLIER_BEATS[id] of them. */
function expectOutlierStandsOut(id: string, s: Float64Array, n: number): void {
  const share = OUTLIER_BEATS[id];
  if (share === undefined) expect(s[n]).toBeGreaterThan(Math.max(...s.subarray(0, n)));
  else expect(s.subarray(0, n).filter((v) => v < s[n]).length / n, `share of the ${n} rows below the outlier`).toBeGreaterThanOrEqual(share);
}

function defaults(spec: DetectorSpec, over: Record<string, unknown> = {}): Params {
  return resolveParams(spec.params, { ...SMALL[spec.id], ...over }, spec.id);
}

/** A value each parameter type must refuse, with the text the message must quote. */
function badValue(p: ParamSpec): unknown {
  switch (p.type) {
    case 'bool': return 'maybe';
    case 'enum': return 'no-such-option';
    case 'contamination': return 0.75;
    case 'size': return -3;
    case 'intlist': return '64,x';
    case 'json': return '[not json';
    case 'int':
    case 'float':
      if (p.min !== undefined) return p.minExclusive ? p.min : p.min - 1;
      return 'not-a-number';
    default: return undefined;
  }
}

describe.each(DETECTORS.map((d) => [d.id, d] as const))('contract: %s', (_id, spec) => {
  const cols = spec.columns ?? D;
  const { TRAIN, QUERY, OUTLIER } = contractData(cols);
  const fit = (X: Matrix, over: Record<string, unknown> = {}, seed = 42): Promise<FittedModel> => spec.fit(X, defaults(spec, over), { seed });

  it('fit/score shapes: one finite score per row, on the training rows and on new rows; the model says what it is', async () => {
    const model = await fit(TRAIN);
    expect(model.detector).toBe(spec.id);
    expect(model.features).toBe(cols);
    expect(Number.isFinite(model.threshold)).toBe(true);
    const s = await model.score(TRAIN);
    expect(s).toBeInstanceOf(Float64Array);
    expect(s.length).toBe(TRAIN.rows);
    const q = await model.score(QUERY);
    expect(q.length).toBe(QUERY.rows);
    for (const v of [...s, ...q]) expect(Number.isFinite(v)).toBe(true);
    expect(typeof model.info.compute).toBe('string');
    if (model.trainingScores) expect(model.trainingScores.length).toBe(TRAIN.rows);
    if (model.decisionFunction) {
      const dec = await model.decisionFunction(QUERY);
      for (let i = 0; i < q.length; i++) expect(dec[i]).toBe((model.decisionOffset ?? model.threshold) - q[i]);
    }
    await expect(model.score(rowsOf(cloud(3, 1, cols + 1), 0, 3))).rejects.toThrow(/feature columns/);
  });

  it('the same seed gives bit-identical scores', async () => {
    const a = await (await fit(TRAIN, {}, 5)).score(QUERY);
    const b = await (await fit(TRAIN, {}, 5)).score(QUERY);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('an obvious outlier scores higher than every training row', async () => {
    const model = await fit(TRAIN);
    const s = await model.score(withRow(TRAIN, OUTLIER));
    expectOutlierStandsOut(spec.id, s, TRAIN.rows);
  });

  it('save / load round trip: the same threshold and bit-identical scores', async () => {
    const model = await fit(TRAIN);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json).toMatchObject({ format: 'anomaly-lab-model', version: 1, detector: spec.id, features: cols });
    const back = loadModel(json);
    expect(back.threshold).toBe(model.threshold);
    expect(Array.from(await back.score(QUERY))).toEqual(Array.from(await model.score(QUERY)));
    expect(() => spec.load({ ...json, detector: 'nope' })).toThrow(/not 'nope'|detector/);
  });

  it('abort: a fit whose signal is already aborted rejects with AbortError', async () => {
    const signal = { aborted: true, reason: 'test' };
    await expect(spec.fit(TRAIN, defaults(spec), { seed: 42, signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('bad parameters: every parameter refuses a bad value with a message naming it and the value', () => {
    for (const p of spec.params) {
      const bad = badValue(p);
      let err: unknown = null;
      try {
        resolveParams(spec.params, { [p.name]: bad }, spec.id);
      } catch (e) {
        err = e;
      }
      expect(err, `${p.name}=${JSON.stringify(bad)} should be refused`).toBeInstanceOf(Error);
      const msg = (err as Error).message;
      expect(msg, msg).toContain(p.name);
      expect(msg, msg).toContain(JSON.stringify(bad));
      expect(msg, msg).not.toMatch(/undefined/);
    }
    expect(() => resolveParams(spec.params, { no_such_param: 1 }, spec.id)).toThrow(/no parameter 'no_such_param'/);
  });

  it('NaN and infinity are refused, in fit and in score, naming the cell', async () => {
    const row = (at: number, v: number) => Array.from({ length: cols }, (_, j) => (j === at ? v : 0));
    const nan = withRow(TRAIN, row(cols - 1, Number.NaN));
    await expect(fit(nan)).rejects.toThrow(new RegExp(`contains NaN \\(row ${TRAIN.rows + 1}, column ${cols}\\)`));
    const inf = withRow(TRAIN, row(0, Infinity));
    await expect(fit(inf)).rejects.toThrow(/contains infinity \(row 61, column 1\)/);
    const model = await fit(TRAIN);
    await expect(model.score({ data: Float64Array.from(row(cols - 1, Number.NaN)), rows: 1, cols })).rejects.toThrow(new RegExp(`contains NaN \\(row 1, column ${cols}\\)`));
  });

  // A sequence model (lstm_ae, gru_ae) scores a row by the window ending at it: causal too, and a lone row is warming up.
  it.runIf(spec.online || spec.sequenceWindows)('online or sequence windows: scoring is causal; a prefix of the rows scores as it does among them', async () => {
    const model = await fit(TRAIN);
    const all = await model.score(QUERY);
    for (const k of [1, 5, QUERY.rows]) {
      const part = await model.score(rowsOf(QUERY, 0, k));
      expect(Array.from(part)).toEqual(Array.from(all.subarray(0, k)));
    }
  });

  it.skipIf(spec.online || spec.sequenceWindows)('scoring one row with a fitted model always works, and equals that row scored among others', async () => {
    const model = await fit(TRAIN);
    const all = await model.score(QUERY);
    for (const i of [0, 5]) {
      const one = await model.score(rowsOf(QUERY, i, i + 1));
      expect(one.length).toBe(1);
      // Same float64 arithmetic row by row (tensor backends are not used in Node's tests).
      expect(one[0]).toBeCloseTo(all[i], 5);
    }
  });

  it('fits on the fewest rows scikit-learn / PyOD fit on (spec.minRows), and refuses one fewer naming the count', async () => {
    const params = defaults(spec);
    const min = spec.minRows?.(params) ?? 1;
    const model = await spec.fit(rowsOf(TRAIN, 0, min), params, { seed: 42 });
    const s = await model.score(QUERY);
    for (const v of s) expect(Number.isFinite(v)).toBe(true);
    const err = await spec.fit(rowsOf(TRAIN, 0, min - 1), params, { seed: 42 }).then(() => null, (e: Error) => e);
    expect(err, `${spec.id} on ${min - 1} rows`).toBeInstanceOf(RangeError);
    expect(err!.message).toMatch(new RegExp(`at least ${min === 1 ? 'one row' : `${min} training rows`}|must be less than the number of rows`));
    expect(err!.message).not.toMatch(/undefined|NaN/);
  });

  it.runIf(spec.columns !== undefined)('constant columns (all it has): finite scores, and the outlier still stands out', async () => {
    const n = TRAIN.rows;
    const X = { data: new Float64Array(n * cols).fill(7), rows: n, cols };
    const model = await fit(X);
    const s = await model.score(withRow(X, OUTLIER));
    for (const v of s) expect(Number.isFinite(v)).toBe(true);
    expectOutlierStandsOut(spec.id, s, n);
  });

  it.skipIf(spec.columns !== undefined)('a constant column: finite scores, and the outlier still stands out', async () => {
    const n = TRAIN.rows;
    const data = new Float64Array(n * (D + 1));
    for (let i = 0; i < n; i++) {
      data.set(TRAIN.data.subarray(i * D, (i + 1) * D), i * (D + 1));
      data[i * (D + 1) + D] = 7;
    }
    const X = { data, rows: n, cols: D + 1 };
    const model = await fit(X);
    const s = await model.score(withRow(X, [...OUTLIER, 7]));
    for (const v of s) expect(Number.isFinite(v)).toBe(true);
    expectOutlierStandsOut(spec.id, s, n);
  });
});
