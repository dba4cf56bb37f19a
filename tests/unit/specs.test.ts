/**
 * The page knows detectors by their metadata (src/core/detectors/specs.ts) and checks opened
 * model files by their schema (model-schema.ts), never by loading detector code: the metadata
 * must be what the implementations run with, and every fitted model must pass the schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../src/core/compute/kernels';
import type { ModelJSON } from '../../src/core/detectors/detector';
import { checkModelSchema, hasStateSchema } from '../../src/core/detectors/model-schema';
import { resolveParams } from '../../src/core/detectors/params';
import { DETECTORS, getDetector } from '../../src/core/detectors/registry';
import { DETECTOR_METAS, DEFAULT_DETECTOR, detectorMeta, OCSVM_EXACT_MAX_ROWS } from '../../src/core/detectors/specs';
import { EXACT_MAX_ROWS } from '../../src/core/detectors/ocsvm';
import { Random } from '../../src/core/random';
import { REPO_ROOT } from './helpers';

describe('specs.ts: the metadata the page reads', () => {
  it('imports nothing but the parameter specs', () => {
    const src = readFileSync(join(REPO_ROOT, 'src/core/detectors/specs.ts'), 'utf8');
    const imports = [...src.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['./params.js']);
  });

  it('every implementation is built from its metadata, in the same order', () => {
    expect(DETECTORS.map((d) => d.id)).toEqual(DETECTOR_METAS.map((m) => m.id));
    for (const meta of DETECTOR_METAS) {
      const spec = getDetector(meta.id);
      for (const [key, value] of Object.entries(meta)) expect(spec[key as keyof typeof spec], `${meta.id}.${key}`).toBe(value);
    }
    expect(detectorMeta(DEFAULT_DETECTOR).id).toBe('iforest');
    expect(() => detectorMeta('nope')).toThrow(`unknown detector 'nope' (available: ${DETECTOR_METAS.map((m) => m.id).join(', ')})`);
    expect(DETECTOR_METAS.slice(0, 7).map((m) => m.id)).toEqual(['iforest', 'lof', 'knn', 'ocsvm', 'zscore', 'autoencoder', 'windowed_gaussian']);
  });

  it("the constants the page uses are the implementations' own", () => {
    expect(EXACT_MAX_ROWS).toBe(OCSVM_EXACT_MAX_ROWS);
    expect(detectorMeta('ocsvm').params.find((p) => p.name === 'kernel')!.options).toEqual(KERNELS);
  });
});

describe('model-schema.ts: a saved model checked without building it', () => {
  const rng = new Random(3);
  const data = Float64Array.from({ length: 40 * 2 }, () => rng.normal());
  const X = { data, rows: 40, cols: 2 };
  const quick: Record<string, Record<string, unknown>> = { autoencoder: { hidden_neuron_list: '4', epoch_num: 1 }, iforest: { n_estimators: 5 } };

  for (const spec of DETECTORS) {
    it(`${spec.id}: a fitted model passes; a damaged state is named`, async () => {
      expect(hasStateSchema(spec.id)).toBe(true);
      // A one-column detector (spec.columns, windowed_gaussian) fits on the first column.
      const cols = spec.columns ?? X.cols;
      const Xs = cols === X.cols ? X : { data: Float64Array.from({ length: X.rows * cols }, (_, i) => X.data[Math.floor(i / cols) * X.cols + (i % cols)]), rows: X.rows, cols };
      const model = await spec.fit(Xs, resolveParams(spec.params, quick[spec.id] ?? {}, spec.id), { seed: 1 });
      const json = JSON.parse(JSON.stringify({ ...model.toJSON(), columns: ['a', 'b'].slice(0, cols) })) as ModelJSON;
      expect(checkModelSchema(json)).toEqual(json);
      expect(() => checkModelSchema({ ...json, state: {} })).toThrow(/^model file: state\.\w+ /);
      expect(() => checkModelSchema({ ...json, features: 3 })).toThrow(/^model file: (state\.|columns)/);
    });
  }

  it('the format, the detector, params, features, columns and threshold, each named', () => {
    const base = { format: 'anomaly-lab-model', version: 1, detector: 'zscore', params: { robust: false, contamination: 'auto', window_size: 0, stride: 1, differences: 0 }, threshold: 3, features: 1, state: { center: [0], scale: [1] } };
    expect(checkModelSchema(base)).toEqual(base);
    expect(() => checkModelSchema(null)).toThrow('model file is not an Anomaly Lab model (not a JSON object), got: null');
    expect(() => checkModelSchema({ ...base, format: 'x' })).toThrow('model file is not an Anomaly Lab model (format tag missing)');
    expect(() => checkModelSchema({ ...base, version: 2 })).toThrow('model file: format version 2 is not supported (expected 1)');
    expect(() => checkModelSchema({ ...base, detector: 'svm' })).toThrow("model file: unknown detector 'svm'");
    expect(() => checkModelSchema({ ...base, params: { robust: 'maybe' } })).toThrow('model file: params: robust must be true or false, got: "maybe"');
    expect(() => checkModelSchema({ ...base, params: { k: 1 } })).toThrow("model file: params: zscore has no parameter 'k'");
    expect(() => checkModelSchema({ ...base, features: 0 })).toThrow('model file: features must be in 1…1048576, got: 0');
    expect(() => checkModelSchema({ ...base, columns: ['a', 'b'] })).toThrow('model file: columns must be a list of 1 column names (one per feature), got: an array of 2');
    expect(() => checkModelSchema({ ...base, threshold: null })).toThrow('model file: threshold must be a finite number, got: null');
    expect(() => checkModelSchema({ ...base, state: { center: [0], scale: [1, 2] } })).toThrow('model file: state.scale must hold 1 numbers (one per feature), got 2');
  });
});
