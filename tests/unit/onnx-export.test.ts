/**
 * ONNX export (issue 24): every exported model loaded in onnxruntime-web in Node (wasm, one
 * thread) gives our scores back — within 1e-6 relative for float64 graphs, float32 rounding for
 * float32 graphs and for the autoencoder (its network is float32 in ours and in the graph) — and
 * flags the same rows, on cardio and shuttle (/work/shared/datasets; skipped without it) and the
 * page's NAB sample (public/samples). The contract: input X, outputs score / is_anomaly /
 * decision_function, metadata columns / threshold / detector / params.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-web';
import { getDetector } from '../../src/core/detectors/registry';
import { resolveParams, type Params } from '../../src/core/detectors/params';
import type { FittedModel } from '../../src/core/detectors/detector';
import { parseCsvString } from '../../src/core/data/csv';
import { featureMatrix } from '../../src/core/data/prepare';
import type { Matrix } from '../../src/core/data/matrix';
import { exportOnnx, OnnxExportError, NEIGHBOR_ROWS_LIMIT, type OnnxDtype } from '../../src/core/onnx/index';
import { decodeModel } from '../../src/core/onnx/proto';
import { REPO_ROOT } from './helpers';

ort.env.wasm.numThreads = 1;

const DATA = resolve(REPO_ROOT, '..', 'shared', 'datasets');
const haveData = existsSync(resolve(DATA, 'cardio.csv')) && existsSync(resolve(DATA, 'shuttle.csv'));

function csvMatrix(path: string, drop: string[]): { X: Matrix; columns: string[] } {
  const ds = parseCsvString(readFileSync(path, 'utf8'), path);
  const columns = ds.columns.filter((c) => c.kind === 'numeric' && !drop.includes(c.name)).map((c) => c.name);
  return { X: featureMatrix(ds, columns).matrix, columns };
}

/** The first `n` rows of X. */
function head(X: Matrix, n: number): Matrix {
  const rows = Math.min(n, X.rows);
  return { data: X.data.slice(0, rows * X.cols), rows, cols: X.cols };
}

async function fit(id: string, X: Matrix, raw: Record<string, unknown>): Promise<FittedModel> {
  const d = getDetector(id);
  const params: Params = resolveParams(d.params, raw as Params, id);
  return d.fit(X, params, { seed: 7, backend: 'cpu' });
}

interface OrtOut { score: Float64Array; isAnomaly: BigInt64Array; decision: Float64Array | null; metadata: Record<string, string> }

/** Score X with the ONNX bytes in onnxruntime-web, `batch` rows per run. */
async function ortScore(bytes: Uint8Array, X: Matrix, dtype: OnnxDtype, batch = 4096): Promise<OrtOut> {
  const session = await ort.InferenceSession.create(bytes);
  const score = new Float64Array(X.rows);
  const isAnomaly = new BigInt64Array(X.rows);
  const hasDecision = session.outputNames.includes('decision_function');
  const decision = hasDecision ? new Float64Array(X.rows) : null;
  for (let s = 0; s < X.rows; s += batch) {
    const e = Math.min(X.rows, s + batch);
    const part = X.data.subarray(s * X.cols, e * X.cols);
    const input = dtype === 'float64' ? new ort.Tensor('float64', Float64Array.from(part), [e - s, X.cols]) : new ort.Tensor('float32', Float32Array.from(part), [e - s, X.cols]);
    const r = await session.run({ X: input });
    expect(r.score.dims).toEqual([e - s]);
    score.set(Float64Array.from(r.score.data as Float64Array), s);
    isAnomaly.set(r.is_anomaly.data as BigInt64Array, s);
    if (decision) decision.set(Float64Array.from(r.decision_function.data as Float64Array), s);
  }
  await session.release();
  const metadata = Object.fromEntries(((decodeModel(bytes).metadata_props ?? []) as { key: string; value: string }[]).map((p) => [p.key, p.value]));
  return { score, isAnomaly, decision, metadata };
}

/** X as the float32 graph sees it: each value rounded to float32. */
function rounded32(X: Matrix): Matrix {
  return { ...X, data: Float64Array.from(Float32Array.from(X.data)) };
}

/**
 * Compare ONNX Runtime's outputs with ours. `rel` bounds |onnx − ours| / max(|ours|, floor) where
 * floor is 1e-3 of the scores' spread (near-zero scores); rows whose score is within that of the
 * threshold may flip and are counted, not failed (at most `flips`).
 */
async function expectAgree(model: FittedModel, X: Matrix, columns: string[], dtype: OnnxDtype, rel: number, flips = 0, rankStep = 0) {
  const bytes = exportOnnx(model, { dtype, columns });
  const out = await ortScore(bytes, X, dtype);
  // float32 graphs: compare with ours on the float32-rounded input (what the graph receives).
  const ours = await model.score(dtype === 'float32' ? rounded32(X) : X, { backend: 'cpu' });
  let lo = Infinity, hi = -Infinity;
  for (const v of ours) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  // The One-class SVM's score is ρ − Σ αᵢ K(x, svᵢ) (offset − ⟨w, φ⟩ for Nystroem): a difference of
  // terms as large as ρ, whose rounding is relative to ρ, not to a score near 0.
  const floor = Math.max(1e-300, (hi - lo) * 1e-3, model.detector === 'ocsvm' ? Math.abs(model.scoreSamplesOffset ?? 0) : 0);
  let worst = 0;
  let worstAbs = 0;
  let at = 0;
  let stepped = 0;
  for (let i = 0; i < X.rows; i++) {
    const r = Math.abs(out.score[i] - ours[i]) / Math.max(Math.abs(ours[i]), floor);
    // Rank normalisers: a score that rounds across one of a member's training scores moves by one
    // rank step (1 / training rows) — the normaliser is a step function, not a rounding error.
    if (rankStep > 0 && r > rel && Math.abs(out.score[i] - ours[i]) <= rankStep * (1 + 1e-9)) { stepped++; continue; }
    if (r > worst) { worst = r; at = i; }
    worstAbs = Math.max(worstAbs, Math.abs(out.score[i] - ours[i]));
  }
  // Rows whose member score ties a training score (the training rows themselves, duplicates: 13 % of
  // cardio, 3.3 % of shuttle measured) flip at the last bit; bounded loosely so a broken normaliser still fails.
  expect(stepped, 'rows one rank step apart').toBeLessThanOrEqual(Math.ceil(X.rows * 0.25));
  expect(worst, `${model.detector} ${dtype}: worst relative difference (row ${at}: ours ${ours[at]}, onnx ${out.score[at]}; worst absolute ${worstAbs}; scores ${lo}…${hi})`).toBeLessThanOrEqual(rel);
  let differ = 0;
  for (let i = 0; i < X.rows; i++) {
    const mine = ours[i] > model.threshold ? 1n : 0n;
    if (mine !== out.isAnomaly[i]) {
      differ++;
      // Only rows at the threshold (within the tolerance) may be flagged differently.
      expect(Math.abs(ours[i] - model.threshold), `row ${i} flagged differently far from the threshold`).toBeLessThanOrEqual(rel * Math.max(Math.abs(model.threshold), floor) * 2);
    }
  }
  expect(differ).toBeLessThanOrEqual(flips);
  if (model.decisionFunction) {
    const dec = await model.decisionFunction(dtype === 'float32' ? rounded32(X) : X, { backend: 'cpu' });
    for (let i = 0; i < X.rows; i += 97) expect(Math.abs(out.decision![i] - dec[i])).toBeLessThanOrEqual(rel * Math.max(Math.abs(ours[i]), floor) * 2 + 1e-300);
  } else expect(out.decision).toBeNull();
  expect(JSON.parse(out.metadata.columns)).toEqual(columns);
  expect(Number(out.metadata.threshold)).toBe(model.threshold);
  expect(out.metadata.detector).toBe(model.detector);
  expect(JSON.parse(out.metadata.params)).toEqual(JSON.parse(JSON.stringify(model.params)));
  return { worst, differ };
}

/**
 * Relative tolerances: float64 graphs 1e-6 (the issue's); float32 graphs float32 rounding through
 * kernel sums of up to 2,000 terms (the One-class SVM's sigmoid kernel measured 1.1e-4 on cardio).
 */
const REL: Record<OnnxDtype, number> = { float64: 1e-6, float32: 5e-4 };

const CASES: [string, Record<string, unknown>, { rows?: number; rel?: Partial<Record<OnnxDtype, number>>; rank?: boolean }][] = [
  ['iforest', {}, {}],
  ['iforest', { contamination: 0.1, n_estimators: 50, max_samples: 64 }, {}],
  ['zscore', {}, {}],
  ['zscore', { robust: true, contamination: 0.05 }, {}],
  ['knn', { n_neighbors: 5 }, { rows: 2000 }],
  ['knn', { n_neighbors: 6, method: 'median' }, { rows: 2000 }],
  ['knn', { n_neighbors: 4, method: 'mean' }, { rows: 2000 }],
  ['lof', { n_neighbors: 20 }, { rows: 2000 }],
  ['ocsvm', { kernel: 'rbf', standardize: true }, { rows: 2000 }],
  ['ocsvm', { kernel: 'poly', degree: 2, standardize: true, nu: 0.1 }, { rows: 1000 }],
  ['ocsvm', { kernel: 'linear', standardize: true }, { rows: 1000 }],
  ['ocsvm', { kernel: 'sigmoid', standardize: true, gamma: 0.01 }, { rows: 1000 }],
  ['ocsvm', { kernel: 'rbf', method: 'nystroem', n_components: 50, standardize: true }, {}],
  ['ensemble', { members: '[{"detector":"iforest"},{"detector":"zscore"},{"detector":"knn","params":{"n_neighbors":5}}]', combine: 'average' }, { rows: 1500 }],
  ['ensemble', { members: '[{"detector":"iforest"},{"detector":"zscore"},{"detector":"lof"},{"detector":"ocsvm","params":{"standardize":true}}]', normalize: 'rank', combine: 'aom', n_buckets: 2 }, { rows: 1000, rank: true }],
  ['ensemble', { members: '[{"detector":"iforest"},{"detector":"zscore"},{"detector":"iforest","params":{"max_samples":64}}]', normalize: 'minmax', combine: 'median' }, {}],
  ['ensemble', { members: '[{"detector":"iforest"},{"detector":"zscore"}]', combine: 'weighted', weights: '[2,1]' }, {}],
  ['ensemble', { members: '[{"detector":"iforest"},{"detector":"zscore"},{"detector":"iforest","params":{"n_estimators":20}},{"detector":"zscore","params":{"robust":true}}]', combine: 'moa', n_buckets: 2 }, {}],
  // The network is float32 in both: agreement to float32 rounding in either graph.
  ['autoencoder', { hidden_neuron_list: '8,4', epoch_num: 3, batch_size: 64 }, { rows: 3000, rel: { float64: 1e-4, float32: 1e-4 } }],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.skipIf(!haveData)('ONNX Runtime (web, wasm) gives our scores back on cardio and shuttle', () => {
  for (const file of ['cardio', 'shuttle']) {
    for (const [id, params, opt] of CASES) {
      it(`${file}: ${id} ${JSON.stringify(params)}`, async () => {
        const { X, columns } = csvMatrix(resolve(DATA, `${file}.csv`), ['label']);
        // Fitted on the first rows where fitting or the graph's distance matrix would be large; scored on all.
        // shuttle's 49,097 rows against ≤ 1,000 training rows: the neighbour cases ran 45–85 s each against 2,000.
        const train = opt.rows ? head(X, file === 'shuttle' ? Math.min(opt.rows, 1000) : opt.rows) : X;
        const model = await fit(id, train, params);
        // A rank normaliser is a step function over the training scores: float32 rounding moves many rows
        // by several steps, so rank-normalised ensembles are checked in float64 graphs only (README: exceptions).
        for (const dtype of opt.rank ? (['float64'] as const) : (['float64', 'float32'] as const)) {
          await expectAgree(model, X, columns, dtype, opt.rel?.[dtype] ?? REL[dtype], Math.ceil(X.rows * 0.002), opt.rank ? 1 / train.rows : 0);
        }
      }, 240_000);
    }
  }
});

describe('ONNX export on the NAB sample and its refusals', () => {
  it('machine_temperature (public/samples): iforest, zscore, lof on the value column', async () => {
    const { X, columns } = csvMatrix(resolve(REPO_ROOT, 'public', 'samples', 'machine_temperature_system_failure.csv'), []);
    for (const [id, params] of [['iforest', {}], ['zscore', {}], ['lof', { n_neighbors: 20 }]] as const) {
      const model = await fit(id, id === 'lof' ? head(X, 5000) : X, params);
      const r = await expectAgree(model, X, columns, 'float64', 1e-6, Math.ceil(X.rows * 0.002));
      expect(r.worst).toBeLessThanOrEqual(1e-6);
    }
  }, 240_000);

  it.each([
    ['lstm_ae', { window_size: 8, hidden_size: 4, epoch_num: 2, n_layers: 1 }],
    ['gru_ae', { window_size: 8, hidden_size: 4, epoch_num: 2, n_layers: 1 }],
    ['lstm_ae', { window_size: 5, hidden_size: 3, epoch_num: 1, n_layers: 2 }],
    ['gru_ae', { window_size: 5, hidden_size: 3, epoch_num: 1, n_layers: 2 }],
  ] as const)('machine_temperature: %s %j (ONNX LSTM / GRU ops; float32 networks: 1e-4)', async (id, params) => {
    const { X: all, columns } = csvMatrix(resolve(REPO_ROOT, 'public', 'samples', 'machine_temperature_system_failure.csv'), []);
    const X = head(all, 3000);
    const model = await fit(id, head(X, 1000), params);
    for (const dtype of ['float64', 'float32'] as const) {
      const out = await ortScore(exportOnnx(model, { dtype, columns }), X, dtype, X.rows);
      const ours = await model.score(dtype === 'float32' ? rounded32(X) : X);
      const W = params.window_size;
      let hi = 0;
      for (const v of ours) hi = Math.max(hi, v);
      for (let i = 0; i < X.rows; i++) {
        if (i < W - 1) expect(out.score[i]).toBe(0);
        expect(Math.abs(out.score[i] - ours[i]), `row ${i}`).toBeLessThanOrEqual(1e-4 * Math.max(ours[i], hi * 1e-2));
      }
      let differ = 0;
      for (let i = 0; i < X.rows; i++) if (out.isAnomaly[i] !== (ours[i] > model.threshold ? 1n : 0n)) differ++;
      expect(differ).toBeLessThanOrEqual(2);
    }
  }, 240_000);

  it('Isolation Forest float64 graphs split on double thresholds: the same flagged rows exactly', async () => {
    // Values one float32 ulp apart around a split: a float32 threshold would send them the same way.
    const rows = 400;
    const data = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) { data[2 * i] = 1 + (i % 20) * 1e-9; data[2 * i + 1] = (i * 7919) % 400; }
    const X = { data, rows, cols: 2 };
    const model = await fit('iforest', X, { contamination: 0.1 });
    const out = await ortScore(exportOnnx(model, { dtype: 'float64' }), X, 'float64');
    const ours = await model.score(X);
    for (let i = 0; i < rows; i++) {
      expect(Math.abs(out.score[i] - ours[i]) / ours[i]).toBeLessThanOrEqual(1e-6);
      expect(out.isAnomaly[i]).toBe(ours[i] > model.threshold ? 1n : 0n);
    }
  });

  it('refuses a detector with no ONNX form, a windowed model, and kNN past its size limit, with a message', async () => {
    const X = { data: Float64Array.from({ length: 200 }, (_, i) => Math.sin(i)), rows: 100, cols: 2 };
    const hst = await fit('half_space_trees', X, {});
    expect(() => exportOnnx(hst)).toThrow(OnnxExportError);
    expect(() => exportOnnx(hst)).toThrow(/half_space_trees has no ONNX export yet \(exportable: iforest, zscore, knn, lof, ocsvm, autoencoder, lstm_ae, gru_ae, ensemble\)/);
    const windowed = await fit('zscore', { data: X.data, rows: 200, cols: 1 }, { window_size: 5 });
    expect(() => exportOnnx(windowed)).toThrow(/sliding windows \(window_size 5\) has no ONNX export yet/);
    const big = NEIGHBOR_ROWS_LIMIT + 1;
    const fake = { detector: 'knn', params: { n_neighbors: 5, method: 'largest', contamination: 0.1 }, threshold: 1, features: 1,
      toJSON: () => ({ format: 'anomaly-lab-model', version: 1, detector: 'knn', params: { n_neighbors: 5, method: 'largest', contamination: 0.1 }, threshold: 1, features: 1, state: { k: 5, X: new Array(big).fill(0) } }) } as unknown as FittedModel;
    expect(() => exportOnnx(fake)).toThrow(/kNN keeps its 100,001 training rows × 1 features in the ONNX graph.*at most 100,000 rows/);
    expect(() => exportOnnx(hst, { dtype: 'float16' as OnnxDtype })).toThrow(/ONNX dtype must be float32 or float64, got: float16/);
  });
});
