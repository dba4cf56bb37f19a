/**
 * Sliding-window features (src/core/data/window-features.ts) and every tabular detector over them
 * (src/core/detectors/windowed.ts, through the registry): shapes, differences, stride, padding,
 * causality, save/load and scoring in chunks.
 */
import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_VALUES, trainingWindows, windowContext, windowFeatures, windowSpec } from '../../src/core/data/window-features';
import { DETECTORS, loadModel } from '../../src/core/detectors/registry';
import { fitAndScore, fitModel } from '../../src/core/detectors/run';
import { scoreRange } from '../../src/core/detectors/windowed';
import { detectorMeta, neighborsToSearch } from '../../src/core/detectors/specs';
import { checkModelSchema } from '../../src/core/detectors/model-schema';
import { Random } from '../../src/core/random';
import type { Matrix } from '../../src/core/data/matrix';

const series = (values: number[], cols = 1): Matrix => ({ data: Float64Array.from(values), rows: values.length / cols, cols });

/** A seeded noisy sine with two columns, n rows. */
function sine(n: number, seed = 3): Matrix {
  const rng = new Random(seed);
  const r = () => rng.float();
  const data = new Float64Array(n * 2);
  for (let t = 0; t < n; t++) {
    data[2 * t] = Math.sin(t / 5) + 0.1 * (r() - 0.5);
    data[2 * t + 1] = Math.cos(t / 7) + 0.1 * (r() - 0.5);
  }
  return { data, rows: n, cols: 2 };
}

/** Small, quick settings per detector (the autoencoder trains a couple of epochs). */
const QUICK: Record<string, Record<string, unknown>> = {
  iforest: { n_estimators: 20 },
  lof: { n_neighbors: 5 },
  knn: { n_neighbors: 3 },
  ocsvm: {},
  zscore: {},
  autoencoder: { hidden_neuron_list: '4', epoch_num: 2, batch_size: 16, validation_size: 0, dropout_rate: 0 },
};
const TABULAR = DETECTORS.filter((d) => d.slidingWindows).map((d) => d.id);

describe('windowFeatures', () => {
  it('is off for window_size 0 and reads stride and differences', () => {
    expect(windowSpec({ window_size: 0 })).toBeNull();
    expect(windowSpec({})).toBeNull();
    expect(windowSpec({ window_size: 4, stride: 3, differences: 1 })).toEqual({ size: 4, stride: 3, differences: 1 });
    expect(windowContext({ size: 4, stride: 1, differences: 1 })).toBe(4);
    expect(windowContext({ size: 4, stride: 1, differences: 0 })).toBe(3);
  });

  it('makes rows × (size · cols), oldest row first, the first rows padded with the first row', () => {
    const X = series([1, 10, 2, 20, 4, 40, 7, 70], 2);
    const W = windowFeatures(X, { size: 3, stride: 1, differences: 0 });
    expect([W.rows, W.cols]).toEqual([4, 6]);
    expect(Array.from(W.data)).toEqual([
      1, 10, 1, 10, 1, 10,
      1, 10, 1, 10, 2, 20,
      1, 10, 2, 20, 4, 40,
      2, 20, 4, 40, 7, 70,
    ]);
  });

  it('takes first differences (0 before the first row) and can build a block of rows', () => {
    const X = series([1, 2, 4, 7, 11]);
    const w = { size: 2, stride: 1, differences: 1 as const };
    expect(Array.from(windowFeatures(X, w).data)).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3, 4]);
    // rows [2, 4) alone equal the same rows of the whole: a block reads the rows before it.
    expect(Array.from(windowFeatures(X, w, 2, 4).data)).toEqual([1, 2, 2, 3]);
  });

  it('trains on every stride-th full window only', () => {
    const X = series([1, 2, 4, 7, 11, 16, 22]);
    const T = trainingWindows(X, { size: 3, stride: 2, differences: 0 });
    // full windows end at rows 2, 4, 6
    expect([T.rows, T.cols]).toEqual([3, 3]);
    expect(Array.from(T.data)).toEqual([1, 2, 4, 4, 7, 11, 11, 16, 22]);
    const D = trainingWindows(X, { size: 3, stride: 1, differences: 1 });
    // with differences the first full window ends at row 3
    expect(D.rows).toBe(4);
    expect(Array.from(D.data.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  it('refuses too few rows for one full window, and a training matrix past the limit, saying what to change', () => {
    expect(() => trainingWindows(series([1, 2, 3]), { size: 3, stride: 1, differences: 1 }, 'kNN')).toThrow('kNN: window_size 3 with differences needs at least 4 training rows for one full window, got 3');
    const rows = Math.ceil(MAX_WINDOW_VALUES / 100) + 200;
    // No data is read before the size check: a zero-length buffer stands in for the rows.
    const big = { data: new Float64Array(0), rows, cols: 1 };
    expect(() => trainingWindows(big, { size: 100, stride: 1, differences: 0 }, 'LOF')).toThrow(/LOF: .* training windows × 100 values .* past the limit .*: use a larger stride/);
  });
});

describe('every tabular detector over windows (through the registry)', () => {
  it('all six gain window_size, stride and differences; windowed_gaussian does not', () => {
    expect(TABULAR.sort()).toEqual(['autoencoder', 'iforest', 'knn', 'lof', 'ocsvm', 'zscore']);
    for (const id of TABULAR) expect(detectorMeta(id).params.map((p) => p.name)).toEqual(expect.arrayContaining(['window_size', 'stride', 'differences']));
    expect(detectorMeta('windowed_gaussian').params.map((p) => p.name)).not.toContain('stride');
  });

  it.each(TABULAR)('%s: causal — changing later rows changes no earlier score; scores differ from unwindowed', async (id) => {
    const X = sine(160);
    const params = { ...QUICK[id], window_size: 6, differences: id === 'zscore' ? 1 : 0 };
    const train: Matrix = { data: X.data.subarray(0, 100 * 2), rows: 100, cols: 2 };
    const model = await fitModel(id, params, train, { seed: 5 });
    const a = await model.score(X);
    expect(a.length).toBe(160);
    const Y = { ...X, data: X.data.slice() };
    for (let i = 130 * 2; i < Y.data.length; i++) Y.data[i] += 3; // rows 130… shift
    const b = await model.score(Y);
    expect(Array.from(b.subarray(0, 130))).toEqual(Array.from(a.subarray(0, 130)));
    expect(Array.from(b.subarray(130))).not.toEqual(Array.from(a.subarray(130)));
    const plain = await (await fitModel(id, QUICK[id], train, { seed: 5 })).score(X);
    expect(Array.from(a)).not.toEqual(Array.from(plain));
  }, 60_000);

  it.each(TABULAR)('%s: a saved model windows the same way after loading', async (id) => {
    const X = sine(120);
    const model = await fitModel(id, { ...QUICK[id], window_size: 5, stride: 2, differences: 1 }, X, { seed: 9 });
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.features).toBe(2);
    expect(json.params).toMatchObject({ window_size: 5, stride: 2, differences: 1 });
    checkModelSchema(json); // the state is sized by window_size × features
    const loaded = loadModel(json);
    expect(loaded.features).toBe(2);
    const [s1, s2] = [await model.score(X), await loaded.score(X)];
    for (let i = 0; i < s1.length; i++) expect(s2[i]).toBeCloseTo(s1[i], 6);
    expect(loaded.threshold).toBe(model.threshold);
  }, 60_000);

  it.each(TABULAR)('%s: scoring a range with its context rows (the pool\'s and the CLI\'s chunks) equals scoring the whole', async (id) => {
    const X = sine(150);
    const model = await fitModel(id, { ...QUICK[id], window_size: 7, differences: 1 }, X, { seed: 2 });
    const whole = await model.score(X);
    const rowsFrom = (a: number, b: number): Matrix => ({ data: X.data.subarray(a * 2, b * 2), rows: b - a, cols: 2 });
    const parts = new Float64Array(150);
    for (const [a, b] of [[0, 3], [3, 60], [60, 61], [61, 150]]) {
      const r = await scoreRange(model, detectorMeta(id), a, b, rowsFrom);
      expect(r.scores.length).toBe(b - a);
      parts.set(r.scores, a);
    }
    for (let i = 0; i < 150; i++) expect(parts[i]).toBeCloseTo(whole[i], 9);
  }, 60_000);

  it('a windowed kNN fitted on all rows (stride 1) scores its training rows leaving each one out, as unwindowed kNN does', async () => {
    const X = sine(80);
    const r = await fitAndScore({ detector: 'knn', params: { n_neighbors: 3, window_size: 4 }, train: X });
    expect(r.scores.length).toBe(80);
    // Each training window's own distance 0 is not among its neighbours: no full-window score is 0.
    expect(Math.min(...r.scores.subarray(3))).toBeGreaterThan(0);
    // Scored as new rows instead, every full window finds itself at distance 0 among its 3 neighbours.
    const novel = await r.model.score(X);
    expect(Array.from(novel.subarray(3))).not.toEqual(Array.from(r.scores.subarray(3)));
  });

  it('the parameters are checked like any other, too short a series is named, and the neighbour search is left to the windowed fit', async () => {
    expect(() => fitModel('lof', { window_size: -1 }, sine(20))).toThrow('window_size must be >= 0, got: -1');
    expect(() => fitModel('lof', { differences: 2 }, sine(20))).toThrow(/differences must be <= 1/);
    await expect(fitModel('lof', { window_size: 30 }, sine(20))).rejects.toThrow('Local Outlier Factor: window_size 30 needs at least 30 training rows for one full window, got 20');
    expect(neighborsToSearch(detectorMeta('lof'), { window_size: 5 }, 10_000)).toBe(0);
    expect(neighborsToSearch(detectorMeta('lof'), {}, 10_000)).toBe(20);
  });
});
