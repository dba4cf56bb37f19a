import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv.js';
import { fromRows, matrix, type Matrix } from '../../src/core/data/matrix.js';
import { featureMatrix, resolveLabels } from '../../src/core/data/prepare.js';
import { resolveParams } from '../../src/core/detectors/params.js';
import { getDetector, loadModel } from '../../src/core/detectors/registry.js';
import { zscore } from '../../src/core/detectors/zscore.js';
import { ThresholdSweep, averagePrecision, rocAuc } from '../../src/core/metrics/index.js';
import { REPO_ROOT, expectAllClose, expectClose, fixture, nums, type JsonFloat } from './helpers.js';

interface Variant {
  center: JsonFloat[]; scale: JsonFloat[]; scores: JsonFloat[]; new_scores: JsonFloat[];
  'threshold_contamination_0.1': number; 'threshold_contamination_0.05': number; flagged_auto: number;
}
const Z = fixture<{
  rows: number; cols: number; X: JsonFloat[]; X_new: JsonFloat[]; X_new_rows: number;
  planted_outliers: number[]; constant_column: number; classic: Variant; robust: Variant;
}>('zscore.json');
const X: Matrix = matrix(nums(Z.X), Z.rows, Z.cols);
const Xnew: Matrix = matrix(nums(Z.X_new), Z.X_new_rows, Z.cols);

const fit = (params: Record<string, unknown>, data: Matrix = X) =>
  zscore.fit(data, resolveParams(zscore.params, params, 'zscore'));

describe('z-score against numpy', () => {
  for (const robust of [false, true]) {
    const ref = robust ? Z.robust : Z.classic;
    const label = robust ? 'robust (median, MAD·1.4826)' : 'classic (mean, std ddof=0)';

    it(`${label}: centre, scale and scores`, async () => {
      const model = await fit({ robust });
      const details = model.info.details as { center: number[]; scale: number[]; zeroScaleColumns: number[] };
      expectAllClose(details.center, nums(ref.center), 1e-12, 1e-15, 'center');
      expect(details.scale[Z.constant_column]).toBe(0);
      expectAllClose(details.scale, nums(ref.scale), 1e-12, 0, 'scale');
      expect(details.zeroScaleColumns).toEqual([Z.constant_column]);
      expect(model.info.warnings.join(' ')).toMatch(/1 column has zero .* column index 2/);
      const scores = await model.score(X);
      expectAllClose(scores, nums(ref.scores), 1e-12, 1e-12, 'scores');
      expectAllClose(await model.score(Xnew), nums(ref.new_scores), 1e-12, 1e-12, 'new rows');
      // the planted outliers are the top scores
      const top = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, Z.planted_outliers.length);
      expect(top.sort((a, b) => a - b)).toEqual(Z.planted_outliers);
    });

    it(`${label}: contamination → numpy.percentile threshold`, async () => {
      const m10 = await fit({ robust, contamination: 0.1 });
      expectClose(m10.threshold, ref['threshold_contamination_0.1'], 1e-12, 0, 'c=0.1');
      const m05 = await fit({ robust, contamination: '0.05' });
      expectClose(m05.threshold, ref['threshold_contamination_0.05'], 1e-12, 0, 'c=0.05');
      expectAllClose(m10.trainingScores!, nums(ref.scores), 1e-12, 1e-12, 'trainingScores');
      const flagged = Array.from(m10.trainingScores!).filter((s) => s > m10.threshold).length;
      expect(flagged).toBe(Z.rows * 0.1);
    });

    it(`${label}: 'auto' is |z| > 3`, async () => {
      const model = await fit({ robust });
      expect(model.threshold).toBe(3);
      expect(model.trainingScores).toBeUndefined();
      const scores = await model.score(X);
      expect(Array.from(scores).filter((s) => s > model.threshold).length).toBe(ref.flagged_auto);
    });

    it(`${label}: toJSON → load gives identical scores`, async () => {
      const model = await fit({ robust, contamination: 0.1 });
      const json = JSON.parse(JSON.stringify(model.toJSON()));
      for (const loaded of [zscore.load(json), loadModel(json)]) {
        expect(loaded.threshold).toBe(model.threshold);
        expect(loaded.params).toEqual(model.params);
        expect(loaded.features).toBe(Z.cols);
        expect(Array.from(await loaded.score(X))).toEqual(Array.from(await model.score(X)));
        expect(Array.from(await loaded.score(Xnew))).toEqual(Array.from(await model.score(Xnew)));
      }
    });
  }

  it('a constant column whose float mean is inexact still contributes 0', async () => {
    // Σ 0.1 over 200 rows is not 20, so a naive std of this column is ~1e-17, not 0.
    const rows = Array.from({ length: 200 }, (_, i) => [0.1, i % 7]);
    const model = await fit({}, fromRows(rows));
    const details = model.info.details as { scale: number[]; zeroScaleColumns: number[] };
    expect(details.scale[0]).toBe(0);
    expect(details.zeroScaleColumns).toEqual([0]);
    const scores = await model.score(fromRows([[0.1, 3], [0.2, 3]]));
    // column 1 has mean 2.97 (200 rows of i % 7): both rows score only from column 1
    expect(scores[0]).toBe(scores[1]);
    expect(scores[0]).toBeLessThan(0.1);
  });

  it('matches the docstring example', async () => {
    const model = await fit({}, fromRows([[0], [1], [2], [10]]));
    const std = Math.sqrt(((0 - 3.25) ** 2 + (1 - 3.25) ** 2 + (2 - 3.25) ** 2 + (10 - 3.25) ** 2) / 4);
    expectClose((await model.score(fromRows([[1]])))[0], 2.25 / std, 1e-15);
  });
});

describe('z-score parameters and errors', () => {
  it('validates contamination with messages naming the value', async () => {
    expect(() => resolveParams(zscore.params, { contamination: 0.7 }, 'zscore')).toThrow(RangeError);
    expect(() => resolveParams(zscore.params, { contamination: 0.7 }, 'zscore')).toThrow('contamination must be in (0, 0.5], got: 0.7');
    expect(() => resolveParams(zscore.params, { contamination: '0' }, 'zscore')).toThrow('contamination must be in (0, 0.5], got: "0"');
    expect(() => resolveParams(zscore.params, { contamination: -0.1 }, 'zscore')).toThrow(RangeError);
    expect(() => resolveParams(zscore.params, { contamination: 'lots' }, 'zscore')).toThrow(TypeError);
    expect(() => resolveParams(zscore.params, { contamination: 'lots' }, 'zscore')).toThrow(`contamination must be 'auto' or a number, got: "lots"`);
    expect(resolveParams(zscore.params, { contamination: ' 0.5 ' }, 'zscore').contamination).toBe(0.5);
    expect(resolveParams(zscore.params, {}, 'zscore')).toEqual({ robust: false, contamination: 'auto', window_size: 0, stride: 1, differences: 0 });
  });

  it('rejects unknown parameters and bad robust values', () => {
    expect(() => resolveParams(zscore.params, { n_estimators: 10 }, 'zscore')).toThrow("zscore has no parameter 'n_estimators' (parameters: robust, contamination, window_size, stride, differences)");
    expect(() => resolveParams(zscore.params, { robust: 'maybe' }, 'zscore')).toThrow('robust must be true or false, got: "maybe"');
  });

  it('refuses empty input, a wrong column count and a foreign model', async () => {
    await expect(fit({}, { data: new Float64Array(0), rows: 0, cols: 3 })).rejects.toThrow(/at least one row and one column, got 0 × 3/);
    const model = await fit({});
    await expect(model.score(fromRows([[1, 2]]))).rejects.toThrow(`z-score was fitted on ${Z.cols} feature columns, got 2`);
    const json = model.toJSON();
    expect(() => zscore.load({ ...json, detector: 'iforest' })).toThrow(/not 'zscore'/);
    expect(() => zscore.load({ ...json, version: 2 as 1 })).toThrow(/version 2/);
    expect(() => zscore.load({ ...json, state: { center: [1], scale: [1] } })).toThrow(`model file: state.center must hold ${Z.cols} numbers (one per feature), got 1`);
    expect(() => loadModel({ ...json, detector: 'nope' })).toThrow(/unknown detector 'nope' \(available: .*zscore/);
  });

  it('honours an aborted signal', async () => {
    await expect(zscore.fit(X, resolveParams(zscore.params), { signal: { aborted: true } })).rejects.toThrow(/cancelled/);
  });

  it('is in the registry', () => {
    // The registry wraps tabular detectors for sliding windows (windowed.ts): the same spec, fit and load wrapped.
    expect(getDetector('zscore')).toMatchObject({ id: zscore.id, name: zscore.name, params: zscore.params });
    expect(() => getDetector('nope')).toThrow(/unknown detector 'nope'/);
  });
});

// ---------------------------------------------------------------- real data

const CARDIO = resolve(REPO_ROOT, '..', 'shared', 'datasets', 'cardio.csv');
const haveCardio = existsSync(CARDIO);
if (!haveCardio) console.warn(`skipping the cardio.csv parity test: ${CARDIO} is absent (shared/ should sit beside the repo)`);

describe.skipIf(!haveCardio)('z-score on ../shared/datasets/cardio.csv against numpy / scikit-learn', () => {
  const C = fixture<{
    rows: number; positives: number; label: string; features: string[];
    classic: { center: JsonFloat[]; scale: JsonFloat[]; scores: JsonFloat[]; roc_auc: number; average_precision: number; precision_at_n: number; 'threshold_contamination_0.1': number };
    robust: { roc_auc: number; average_precision: number };
  }>('cardio.json');

  it('parses, scores and ranks like the reference', async () => {
    const ds = parseCsvString(readFileSync(CARDIO, 'utf8'), 'cardio.csv');
    expect(ds.rows).toBe(C.rows);
    const labels = resolveLabels(ds, C.label);
    expect(labels.positives).toBe(C.positives);
    const feats = featureMatrix(ds, C.features);
    expect(feats.imputed).toEqual([]);
    const model = await zscore.fit(feats.matrix, resolveParams(zscore.params, { contamination: 0.1 }));
    const details = model.info.details as { center: number[]; scale: number[] };
    expectAllClose(details.center, nums(C.classic.center), 1e-12, 1e-13, 'center'); // columns are standardised: means ≈ 0, so an absolute bound on rounding
    expectAllClose(details.scale, nums(C.classic.scale), 1e-12, 0, 'scale');
    const scores = await model.score(feats.matrix);
    expectAllClose(scores, nums(C.classic.scores), 1e-12, 1e-12, 'scores');
    expectClose(model.threshold, C.classic['threshold_contamination_0.1'], 1e-12, 0, 'threshold');
    expectClose(rocAuc(scores, labels.labels)!, C.classic.roc_auc, 1e-12, 0, 'roc_auc');
    expectClose(averagePrecision(scores, labels.labels)!, C.classic.average_precision, 1e-12, 0, 'average_precision');
    expectClose(new ThresholdSweep(scores, labels.labels).precisionAtN!, C.classic.precision_at_n, 1e-12, 0, 'precision_at_n');

    const robust = await zscore.fit(feats.matrix, resolveParams(zscore.params, { robust: true }));
    const rs = await robust.score(feats.matrix);
    expectClose(rocAuc(rs, labels.labels)!, C.robust.roc_auc, 1e-12, 0, 'robust roc_auc');
    expectClose(averagePrecision(rs, labels.labels)!, C.robust.average_precision, 1e-12, 0, 'robust average_precision');
  });
});
