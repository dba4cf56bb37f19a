import { describe, expect, it } from 'vitest';
import { fromRows, type Matrix } from '../../src/core/data/matrix.js';
import { resolveParams } from '../../src/core/detectors/params.js';
import { getDetector, loadModel } from '../../src/core/detectors/registry.js';
import { applyNormalizer, combine, fitNormalizer, staticBuckets } from '../../src/core/detectors/combination.js';
import { checkModelSchema } from '../../src/core/detectors/model-schema.js';
import { Random } from '../../src/core/random.js';
import { rocAuc } from '../../src/core/metrics/index.js';
import { ensembleMeta, usesWindows } from '../../src/core/detectors/specs.js';
import { scoreRange, scoringContext } from '../../src/core/detectors/windowed.js';

// Hand-worked: 3 rows × 4 members.
const S = [
  [1, 5, 2, 8],
  [4, 4, 4, 4],
  [0, -2, 6, 1],
];
const cols = [0, 1, 2, 3].map((j) => S.map((r) => r[j]));

describe('combination functions (PyOD definitions, worked by hand)', () => {
  it('average, maximization, median', () => {
    expect(Array.from(combine('average', cols))).toEqual([4, 4, 1.25]);
    expect(Array.from(combine('maximization', cols))).toEqual([8, 4, 6]);
    // even count: mean of the two middle values (numpy's median)
    expect(Array.from(combine('median', cols))).toEqual([3.5, 4, 0.5]);
    expect(Array.from(combine('median', cols.slice(0, 3)))).toEqual([2, 4, 0]);
  });

  it('weighted: Σ w·s / Σ w; no weights = average; wrong count refused', () => {
    expect(Array.from(combine('weighted', cols, { weights: [1, 0, 0, 3] }))).toEqual([(1 + 24) / 4, 4, (0 + 3) / 4]);
    expect(Array.from(combine('weighted', cols, { weights: [] }))).toEqual([4, 4, 1.25]);
    expect(() => combine('weighted', cols, { weights: [1, 2] })).toThrow(/weights has 2 entries, members 4/);
  });

  it('aom = mean of bucket maxima, moa = max of bucket means', () => {
    const buckets = [[0, 2], [1, 3]];
    // row 0: max(1,2)=2, max(5,8)=8 → 5; means 1.5, 6.5 → 6.5
    expect(Array.from(combine('aom', cols, { buckets }))).toEqual([5, 4, 3.5]);
    expect(Array.from(combine('moa', cols, { buckets }))).toEqual([6.5, 4, 3]);
    // with one bucket per member, aom = average and moa = maximization
    const singles = [[0], [1], [2], [3]];
    expect(combine('aom', cols, { buckets: singles })).toEqual(combine('average', cols));
    expect(combine('moa', cols, { buckets: singles })).toEqual(combine('maximization', cols));
  });

  it("static buckets: a seeded shuffle cut into equal parts; PyOD's checks", () => {
    const b = staticBuckets(6, 3, 7);
    expect(b).toHaveLength(3);
    expect(b.every((x) => x.length === 2)).toBe(true);
    expect(b.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(staticBuckets(6, 3, 7)).toEqual(b);
    // some seed among a few gives another split (the shuffle is used)
    expect([1, 2, 3, 4, 5].some((s) => JSON.stringify(staticBuckets(6, 3, s)) !== JSON.stringify(b))).toBe(true);
    expect(() => staticBuckets(3, 2, 1)).toThrow(/must divide the number of members \(3\)/);
    expect(() => staticBuckets(4, 5, 1)).toThrow(/n_buckets must be in 2…4/);
    expect(() => staticBuckets(4, 1, 1)).toThrow(/n_buckets must be in 2…4/);
  });
});

describe('normalisers fitted on training scores', () => {
  const train = [1, 2, 3, 4];
  it("zscore: PyOD's standardizer (population std), zero std divides by 1", () => {
    const n = fitNormalizer('zscore', train);
    const std = Math.sqrt(1.25);
    expect(Array.from(applyNormalizer(n, [2.5, 5]))).toEqual([0, 2.5 / std]);
    expect(Array.from(applyNormalizer(fitNormalizer('zscore', [3, 3]), [5]))).toEqual([2]);
  });
  it('minmax: (s − min) / (max − min), zero range divides by 1', () => {
    expect(Array.from(applyNormalizer(fitNormalizer('minmax', train), [1, 2.5, 7]))).toEqual([0, 0.5, 2]);
    expect(Array.from(applyNormalizer(fitNormalizer('minmax', [3, 3]), [5]))).toEqual([2]);
  });
  it('rank: share of training scores ≤ s (ECDF), ties counted', () => {
    const n = fitNormalizer('rank', [3, 1, 2, 2]);
    expect(Array.from(applyNormalizer(n, [0, 1, 2, 2.5, 3, 9]))).toEqual([0, 0.25, 0.75, 0.75, 1, 1]);
  });
});

function data(seed: number, rows = 120, outliers = 4): { X: Matrix; labels: Uint8Array } {
  const r = new Random(seed);
  const out: number[][] = [];
  const labels = new Uint8Array(rows + outliers);
  for (let i = 0; i < rows; i++) out.push([r.normal(), r.normal(), r.normal()]);
  for (let i = 0; i < outliers; i++) {
    out.push([6 + r.normal(), -6 + r.normal(), 5]);
    labels[rows + i] = 1;
  }
  return { X: fromRows(out), labels };
}

describe('ensemble detector', () => {
  const spec = getDetector('ensemble');
  const members = '[{"detector":"iforest","params":{"n_estimators":50}},{"detector":"lof","params":{"n_neighbors":10}},{"detector":"zscore"},{"detector":"knn"}]';
  const { X, labels } = data(3);

  it('members are checked with a message naming the member', () => {
    const p = (members: unknown) => resolveParams(spec.params, { members }, 'ensemble');
    expect(() => p('[{"detector":"iforest"}]')).toThrow(/at least 2/);
    expect(() => p('[{"detector":"iforest"},{"detector":"nope"}]')).toThrow(/members\[1\]: unknown detector 'nope'/);
    expect(() => p('[{"detector":"iforest"},{"detector":"lof","params":{"n_neighbors":0}}]')).toThrow(/members\[1\] \(lof\): n_neighbors must be >= 1/);
    expect(() => p('[{"detector":"iforest"},{"detector":"lof","params":{"k":3}}]')).toThrow(/members\[1\] \(lof\): lof has no parameter 'k'/);
    expect(() => p('[{"detector":"iforest"},{"detector":"windowed_gaussian"}]')).toThrow(/members\[1\] \(windowed_gaussian\) is an online detector/);
    expect(() => p('[{"detector":"iforest"}')).toThrow(/members must be JSON/);
    expect(p('[{"detector":"iforest","params":{"n_estimators":"50"}},{"detector":"lof"}]').members).toBe('[{"detector":"iforest","params":{"n_estimators":50}},{"detector":"lof","params":{}}]');
  });

  it('average of z-scored members = the members fitted alone with seed + i, combined by hand', async () => {
    const params = resolveParams(spec.params, { members }, 'ensemble');
    const model = await spec.fit(X, params, { seed: 5 });
    const want: Float64Array[] = [];
    const parts = JSON.parse(String(params.members)) as { detector: string; params: Record<string, unknown> }[];
    for (let i = 0; i < parts.length; i++) {
      const d = getDetector(parts[i].detector);
      const m = await d.fit(X, resolveParams(d.params, parts[i].params, d.id), { seed: 5 + i });
      const train = m.trainingScores ?? (await m.score(X));
      const s = await m.score(X);
      want.push(applyNormalizer(fitNormalizer('zscore', train), s));
    }
    const scores = await model.score(X);
    const mean = Float64Array.from(scores, (_, k) => want.reduce((a, c) => a + c[k], 0) / want.length);
    expect(Array.from(scores)).toEqual(Array.from(mean));
    expect(rocAuc(scores, labels)!).toBeGreaterThan(0.99);
    // PyOD's threshold: numpy's linear 90th percentile of the training scores, so (no ties) the rows above position floor(0.9·(n − 1)) are flagged
    const flagged = Array.from(model.trainingScores!).filter((s) => s > model.threshold).length;
    expect(flagged).toBe(X.rows - 1 - Math.floor(0.9 * (X.rows - 1)));
  });

  for (const [combine, normalize, extra] of [['aom', 'rank', { n_buckets: 2 }], ['moa', 'minmax', { n_buckets: 2 }], ['weighted', 'zscore', { weights: '[3,1,0,1]' }], ['median', 'rank', {}]] as const) {
    it(`save/load round trip (${combine}, ${normalize}): same scores to the bit, same threshold`, async () => {
      const params = resolveParams(spec.params, { members, combine, normalize, ...extra }, 'ensemble');
      const model = await spec.fit(X, params, { seed: 9 });
      const json = JSON.parse(JSON.stringify(model.toJSON()));
      const back = loadModel(json);
      expect(back.threshold).toBe(model.threshold);
      const q = data(11, 30, 2).X;
      expect(Array.from(await back.score(q))).toEqual(Array.from(await model.score(q)));
      expect(rocAuc(await model.score(X), labels)!).toBeGreaterThan(0.95);
    });
  }

  it('members fitted elsewhere (FitOptions.members, as the pool does) give the same model, to the bit', async () => {
    const params = resolveParams(spec.params, { members, combine: 'moa', normalize: 'rank' }, 'ensemble');
    const own = await spec.fit(X, params, { seed: 4 });
    const parts = JSON.parse(String(params.members)) as { detector: string; params: Record<string, unknown> }[];
    const given = await Promise.all(parts.map(async (p, i) => {
      const d = getDetector(p.detector);
      const m = await d.fit(X, resolveParams(d.params, p.params, d.id), { seed: 4 + i });
      // as the pool hands them over: the model through its file, the training scores beside it
      return { model: loadModel(JSON.parse(JSON.stringify(m.toJSON()))), trainingScores: Float64Array.from(m.trainingScores ?? (await m.score(X))) };
    }));
    const assembled = await spec.fit(X, params, { seed: 4, members: given });
    expect(assembled.threshold).toBe(own.threshold);
    expect(Array.from(assembled.trainingScores!)).toEqual(Array.from(own.trainingScores!));
    const q = data(12, 25, 2).X;
    expect(Array.from(await assembled.score(q))).toEqual(Array.from(await own.score(q)));
    // a member that is not the listed one is refused
    await expect(spec.fit(X, params, { seed: 4, members: [given[1], ...given.slice(1)] })).rejects.toThrow(/member 1\/4 \(iforest\): the member fitted elsewhere does not match/);
  });

  it('weights must match the members at fit', async () => {
    const params = resolveParams(spec.params, { members, combine: 'weighted', weights: '[1,2]' }, 'ensemble');
    await expect(spec.fit(X, params)).rejects.toThrow(/weights has 2 entries but members lists 4/);
  });

  it('a tampered member inside the model file is named', async () => {
    const model = await spec.fit(X, resolveParams(spec.params, { members, combine: 'aom', n_buckets: 2 }, 'ensemble'), { seed: 1 });
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    json.state.members[2].state.scale[0] = -1;
    expect(() => checkModelSchema(json, 'm.json')).toThrow(/m\.json: state\.members\[2\] \(zscore\): state\.scale\[0\]/);
    const j2 = JSON.parse(JSON.stringify(model.toJSON()));
    j2.state.buckets[1][0] = j2.state.buckets[0][0];
    expect(() => checkModelSchema(j2, 'm.json')).toThrow(/state\.buckets\[1\] must not repeat member/);
    const j3 = JSON.parse(JSON.stringify(model.toJSON()));
    j3.state.members.pop();
    expect(() => loadModel(j3)).toThrow(/state\.members must be a list of 4 model files/);
  });

  it('progress names each member in turn', async () => {
    const seen: string[] = [];
    await spec.fit(X, resolveParams(spec.params, {}, 'ensemble'), { onProgress: (_f, m) => m && seen.push(m) });
    expect(seen.some((m) => m.startsWith('member 1/2 (iforest)'))).toBe(true);
    expect(seen.some((m) => m.startsWith('member 2/2 (lof)'))).toBe(true);
  });
});

describe('ensemble of windowed and recurrent members (time series)', () => {
  const spec = getDetector('ensemble');
  // a sine with a spike: one value column
  const n = 300;
  const series = fromRows(Array.from({ length: n }, (_, i) => [Math.sin(i / 8) + (i === 250 ? 4 : 0)]));
  const members = '[{"detector":"knn","params":{"window_size":4}},{"detector":"zscore","params":{"window_size":2,"differences":1}}]';

  it('windows when a member does; reads as far back as its most demanding member', () => {
    expect(usesWindows(ensembleMeta, { members })).toBe(true);
    expect(usesWindows(ensembleMeta, {})).toBe(false);
    expect(scoringContext({ members }, ensembleMeta)).toBe(3); // knn: 4 − 1; zscore: 2 − 1 + 1
    const rnn = '[{"detector":"lstm_ae","params":{"window_size":12}},{"detector":"zscore"}]';
    expect(scoringContext({ members: rnn }, ensembleMeta)).toBe(11);
    expect(ensembleMeta.minRows!(resolveParams(ensembleMeta.params, { members: rnn }, 'ensemble'))).toBe(12);
  });

  it('scores causally: a later range scored with its context rows equals the whole series, and the spike tops', async () => {
    const model = await spec.fit(series, resolveParams(spec.params, { members }, 'ensemble'), { seed: 2 });
    const whole = await model.score(series);
    let top = 0;
    for (let i = 1; i < n; i++) if (whole[i] > whole[top]) top = i;
    expect(top).toBeGreaterThanOrEqual(250);
    expect(top).toBeLessThanOrEqual(253);
    const rows = (a: number, b: number) => ({ data: series.data.subarray(a, b), rows: b - a, cols: 1 });
    const part = await scoreRange(model, ensembleMeta, 200, 300, rows);
    expect(Array.from(part.scores)).toEqual(Array.from(whole.subarray(200)));
    // without the context rows the first scores differ (the check above could fail)
    const bare = await model.score(rows(200, 300));
    expect(Array.from(bare.subarray(0, 3))).not.toEqual(Array.from(whole.subarray(200, 203)));
    // and the model file round-trips
    const back = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(await back.score(series))).toEqual(Array.from(whole));
  });
});
