/**
 * AutoEncoder (PyOD 2.x semantics) on tfjs' cpu backend: the hand-written
 * gradient against finite differences of a float64 reference, determinism,
 * no tensor leaks, save / load, the scaler, explain(), cancelling, onEpoch,
 * parameters, and the CLI round trip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import type { Matrix } from '../../src/core/data/matrix';
import {
  ACTIVATIONS, autoencoder, base64ToBytes, batchLossAndGradient, bytesToBase64, isExplainable, layerWidths, parameterLayout,
  type AutoencoderArchitecture, type AutoencoderModel, type AutoencoderState,
} from '../../src/core/detectors/autoencoder';
import type { EpochReport, FittedModel } from '../../src/core/detectors/detector';
import { parseParam, resolveParams } from '../../src/core/detectors/params';
import { DEFAULT_DETECTOR, getDetector, loadModel } from '../../src/core/detectors/registry';
import { ThresholdSweep } from '../../src/core/metrics/sweep';
import { Random } from '../../src/core/random';
import { REPO_ROOT } from './helpers';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** n rows near a 2-D plane in d dimensions, then `outliers` rows off it (labels 1). */
function planted(n: number, d: number, outliers: number, seed: number): { X: Matrix; labels: Uint8Array } {
  const rng = new Random(seed);
  const rows = n + outliers;
  const data = new Float64Array(rows * d);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    for (let j = 0; j < d; j++) data[i * d + j] = (j + 1) * a + (j % 2 ? b : -b) + 0.05 * rng.normal() + 10 * j;
  }
  for (let i = n; i < rows; i++) {
    labels[i] = 1;
    for (let j = 0; j < d; j++) data[i * d + j] = 10 * j + 6 * rng.normal();
  }
  return { X: { data, rows, cols: d }, labels };
}

const small = planted(240, 4, 8, 1);
const quick = (extra: Record<string, unknown> = {}) => resolveParams(autoencoder.params, { epoch_num: 4, ...extra }, 'autoencoder');

async function fit(X: Matrix, extra: Record<string, unknown> = {}, seed = 42, options = {}): Promise<AutoencoderModel> {
  return (await autoencoder.fit(X, quick(extra), { seed, ...options })) as AutoencoderModel;
}

describe('autoencoder: parameters', () => {
  it('PyOD 2.x defaults, registered, iforest still the default detector', () => {
    expect(resolveParams(autoencoder.params)).toEqual({
      hidden_neuron_list: '64,32', hidden_activation_name: 'relu', batch_norm: true, dropout_rate: 0.2, lr: 0.001, weight_decay: 1e-5,
      epoch_num: 10, batch_size: 32, preprocessing: true, validation_size: 0.1, patience: 0, contamination: 0.1,
      // Sliding windows (issue 16), off by default: every tabular detector has them.
      window_size: 0, stride: 1, differences: 0,
    });
    // The registry wraps tabular detectors for sliding windows (windowed.ts): the same spec, fit and load wrapped.
    expect(getDetector('autoencoder')).toMatchObject({ id: autoencoder.id, name: autoencoder.name, params: autoencoder.params });
    expect(autoencoder.usesTensors).toBe(true);
    expect(DEFAULT_DETECTOR).toBe('iforest');
    expect(layerWidths(7, '64,32')).toEqual([7, 64, 32, 64, 7]);
    expect(layerWidths(3, '5')).toEqual([3, 5, 3]);
  });

  it("hidden_neuron_list is an 'intlist': canonical text, checked entries", () => {
    const spec = autoencoder.params.find((p) => p.name === 'hidden_neuron_list')!;
    expect(parseParam(spec, ' 16, 8 ,4')).toBe('16,8,4');
    expect(parseParam(spec, [32, 16])).toBe('32,16');
    expect(parseParam(spec, 12)).toBe('12');
    expect(() => parseParam(spec, '16,x')).toThrow(new TypeError('hidden_neuron_list must be comma-separated integers such as "64,32", got: "16,x"'));
    expect(() => parseParam(spec, '16,,8')).toThrow(TypeError);
    expect(() => parseParam(spec, '')).toThrow(TypeError);
    expect(() => parseParam(spec, '1.5')).toThrow(TypeError);
    expect(() => parseParam(spec, '16,0')).toThrow(new RangeError('hidden_neuron_list entries must be >= 1, got: "16,0"'));
  });

  it('bad values are errors naming the parameter and the value', () => {
    const bad = (p: Record<string, unknown>) => () => resolveParams(autoencoder.params, p, 'autoencoder');
    expect(bad({ contamination: 0.7 })).toThrow(new RangeError('contamination must be <= 0.5, got: 0.7'));
    expect(bad({ contamination: 'auto' })).toThrow(TypeError);
    expect(bad({ dropout_rate: 1 })).toThrow(RangeError);
    expect(bad({ lr: 0 })).toThrow(new RangeError('lr must be > 0, got: 0'));
    expect(bad({ epoch_num: 2.5 })).toThrow(new TypeError('epoch_num must be an integer, got: 2.5'));
    expect(bad({ batch_size: 0 })).toThrow(RangeError);
    expect(bad({ hidden_activation_name: 'gelu' })).toThrow(new RangeError(`hidden_activation_name must be one of ${ACTIVATIONS.join(', ')}, got: "gelu"`));
    expect(bad({ validation_size: 0.6 })).toThrow(RangeError);
    expect(bad({ hidden_neurons: '8' })).toThrow(/autoencoder has no parameter 'hidden_neurons'/);
  });

  it('degenerate input: too few rows, a batch of one with batch_norm', async () => {
    await expect(autoencoder.fit({ data: Float64Array.of(1, 2), rows: 1, cols: 2 }, quick())).rejects.toThrow(RangeError);
    await expect(fit(small.X, { batch_size: 1 })).rejects.toThrow('batch_norm needs batch_size >= 2');
    await expect(fit({ data: new Float64Array(8), rows: 4, cols: 2 }, { validation_size: 0.5 })).resolves.toBeDefined();
  });
});

/** A float64 reference of the training-mode loss: PyOD's LinearBlock stack, written plainly. */
function referenceLoss(arch: AutoencoderArchitecture, theta: Float64Array, x: Float64Array, B: number, mask: Float32Array | null): number {
  const { layers, batch_norm: bn, hidden_activation_name: act } = arch;
  const L = layers.length - 1;
  let o = 0;
  let mo = 0;
  let h = Array.from({ length: B }, (_, i) => Array.from(x.subarray(i * layers[0], (i + 1) * layers[0])));
  for (let l = 0; l < L; l++) {
    const nin = layers[l];
    const nout = layers[l + 1];
    const W = theta.subarray(o, (o += nin * nout));
    const b = theta.subarray(o, (o += nout));
    let z = h.map((row) => Array.from({ length: nout }, (_, j) => row.reduce((s, v, i) => s + v * W[i * nout + j], b[j])));
    if (l === L - 1) {
      h = z;
      break;
    }
    if (bn) {
      const gamma = theta.subarray(o, (o += nout));
      const beta = theta.subarray(o, (o += nout));
      const mu = Array.from({ length: nout }, (_, j) => z.reduce((s, r) => s + r[j], 0) / B);
      const va = Array.from({ length: nout }, (_, j) => z.reduce((s, r) => s + (r[j] - mu[j]) ** 2, 0) / B);
      z = z.map((r) => r.map((v, j) => ((v - mu[j]) / Math.sqrt(va[j] + 1e-5)) * gamma[j] + beta[j]));
    }
    const f = (y: number) =>
      act === 'relu' ? Math.max(0, y) : act === 'leaky_relu' ? (y > 0 ? y : 0.01 * y) : act === 'elu' ? (y > 0 ? y : Math.exp(y) - 1) : act === 'tanh' ? Math.tanh(y) : 1 / (1 + Math.exp(-y));
    // The masks lie layer after layer, each B × units.
    h = z.map((r, i) => r.map((y, j) => f(y) * (mask ? mask[mo + i * nout + j] : 1)));
    mo += B * nout;
  }
  let s = 0;
  for (let i = 0; i < B; i++) for (let j = 0; j < layers[0]; j++) s += (h[i][j] - x[i * layers[0] + j]) ** 2;
  return s / (B * layers[0]);
}

describe('autoencoder: the hand-written backward pass', () => {
  const cases: [AutoencoderArchitecture['hidden_activation_name'], boolean, boolean][] = [
    ['relu', true, true], ['relu', false, false], ['leaky_relu', true, false], ['elu', true, true], ['tanh', false, true], ['sigmoid', true, false],
  ];
  for (const [act, bn, dropout] of cases) {
    it(`matches central differences of a float64 reference (${act}, batch_norm ${bn}, dropout ${dropout})`, async () => {
      const arch: AutoencoderArchitecture = { layers: [3, 5, 2, 5, 3], hidden_activation_name: act, batch_norm: bn, batch_norm_epsilon: 1e-5, dropout_rate: dropout ? 0.3 : 0 };
      const { size, sizes } = parameterLayout(arch);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(size);
      const rng = new Random(7);
      const theta32 = Float32Array.from({ length: size }, () => rng.uniform(-0.8, 0.8));
      const B = 6;
      const x32 = Float32Array.from({ length: B * 3 }, () => rng.normal());
      const mask = dropout ? Float32Array.from({ length: B * 12 }, () => (rng.float() < 0.3 ? 0 : 1 / 0.7)) : null;
      const { loss, grad } = await batchLossAndGradient(arch, theta32, x32, B, mask);
      const theta = Float64Array.from(theta32);
      const x = Float64Array.from(x32);
      expect(Math.abs(loss - referenceLoss(arch, theta, x, B, mask))).toBeLessThan(1e-5 * Math.max(1, loss));
      const eps = 1e-6;
      let worst = 0;
      let scale = 0;
      for (let p = 0; p < size; p++) {
        const t = Float64Array.from(theta);
        t[p] += eps;
        const up = referenceLoss(arch, t, x, B, mask);
        t[p] -= 2 * eps;
        const down = referenceLoss(arch, t, x, B, mask);
        const fd = (up - down) / (2 * eps);
        worst = Math.max(worst, Math.abs(fd - grad[p]));
        scale = Math.max(scale, Math.abs(fd));
      }
      // float32 forward and backward against float64 differences.
      expect(worst).toBeLessThan(1e-4 * Math.max(1, scale));
    });
  }
});

describe('autoencoder: fit and score', () => {
  it('the same seed gives the same scores; another seed does not', async () => {
    const a = await fit(small.X);
    const b = await fit(small.X);
    const c = await fit(small.X, {}, 43);
    const sa = await a.score(small.X);
    expect(await b.score(small.X)).toEqual(sa);
    expect(a.trainingScores).toEqual(sa);
    expect(a.toJSON()).toEqual(b.toJSON());
    const sc = await c.score(small.X);
    expect(Array.from(sc)).not.toEqual(Array.from(sa));
  });

  it('no tensor leaks: fit, score and explain leave tf.memory().numTensors as it was', async () => {
    const before = tf.memory().numTensors;
    const model = await fit(small.X, { validation_size: 0.2 });
    expect(tf.memory().numTensors).toBe(before);
    await model.score(small.X);
    await model.explain(small.X);
    expect(tf.memory().numTensors).toBe(before);
    for (const act of ['tanh', 'elu', 'sigmoid', 'leaky_relu']) {
      const m = await fit(small.X, { hidden_activation_name: act, batch_norm: false, epoch_num: 1 });
      await m.score(small.X);
      expect(tf.memory().numTensors, act).toBe(before);
    }
    expect(model.info.warnings).toEqual([]);
  });

  it('obvious outliers are ranked top (planted off-plane rows, 10 columns)', async () => {
    const { X, labels } = planted(600, 10, 12, 5);
    const model = await fit(X, { epoch_num: 10 });
    const scores = await model.score(X);
    const top = Array.from(scores.keys()).sort((i, j) => scores[j] - scores[i]).slice(0, 12);
    expect(top.every((i) => labels[i] === 1)).toBe(true);
    expect(new ThresholdSweep(scores, labels).rocAuc).toBe(1);
  });

  it('the threshold is the (1 − contamination) quantile of the training scores; training scores = score(X)', async () => {
    const model = await fit(small.X, { contamination: 0.05 });
    const s = await model.score(small.X);
    expect(model.trainingScores).toEqual(s);
    const flagged = s.filter((v) => v > model.threshold).length;
    // numpy's linear 0.95 quantile of 248 scores sits between sorted[234] and sorted[235]: 13 rows above it.
    const n = small.X.rows;
    expect(flagged).toBe(n - 1 - Math.floor((n - 1) * 0.95));
    expect(model.info.details.threshold_).toBe(model.threshold);
  });

  it('the scaler is fitted on the training rows and saved; scoring never refits it', async () => {
    const model = await fit(small.X);
    const { scaler } = model.toJSON().state as AutoencoderState;
    const { rows, cols, data } = small.X;
    for (let j = 0; j < cols; j++) {
      let m = 0;
      for (let i = 0; i < rows; i++) m += data[i * cols + j];
      m /= rows;
      let v = 0;
      for (let i = 0; i < rows; i++) v += (data[i * cols + j] - m) ** 2;
      expect(scaler!.mean[j]).toBeCloseTo(m, 10);
      expect(scaler!.scale[j]).toBeCloseTo(Math.sqrt(v / rows), 10);
    }
    // A row scores the same alone as among all the rows: nothing is fitted on what is scored.
    const all = await model.score(small.X);
    const one = await model.score({ data: data.slice(5 * cols, 6 * cols), rows: 1, cols });
    expect(one[0]).toBe(all[5]);
    // Shifting every row moves the scores: the training mean stays the centre.
    const shifted = await model.score({ data: data.map((v) => v + 3), rows, cols });
    expect(shifted[5]).not.toBeCloseTo(all[5], 3);
    // preprocessing = false: no scaler.
    const raw = await fit(small.X, { preprocessing: false, epoch_num: 1 });
    expect((raw.toJSON().state as AutoencoderState).scaler).toBeNull();
  });

  it('a constant column is centred, not divided by zero, and said so', async () => {
    const data = Float64Array.from(small.X.data);
    for (let i = 0; i < small.X.rows; i++) data[i * 4 + 2] = 0.1;
    const X = { ...small.X, data };
    const model = await fit(X, { epoch_num: 2 });
    expect(model.info.warnings.join(' ')).toMatch(/1 column has zero variance .* column index 2/);
    expect((await model.score(X)).every(Number.isFinite)).toBe(true);
  });

  it('explain(): rows × features squared errors whose row means are the scores', async () => {
    const model = await fit(small.X);
    expect(isExplainable(model)).toBe(true);
    expect(isExplainable(loadModel(model.toJSON()))).toBe(true);
    const other: FittedModel = { ...model, explain: undefined } as unknown as FittedModel;
    expect(isExplainable(other)).toBe(false);
    const e = await model.explain(small.X);
    const s = await model.score(small.X);
    expect(e.length).toBe(small.X.rows * small.X.cols);
    for (let i = 0; i < small.X.rows; i++) {
      let m = 0;
      for (let j = 0; j < 4; j++) {
        expect(e[i * 4 + j]).toBeGreaterThanOrEqual(0);
        m += e[i * 4 + j] / 4;
      }
      expect(Math.abs(m - s[i])).toBeLessThanOrEqual(1e-6 * s[i] + 1e-9);
    }
    await expect(model.explain({ data: new Float64Array(3), rows: 1, cols: 3 })).rejects.toThrow('autoencoder was fitted on 4 feature columns, got 3');
  });

  it('save / load: JSON round trip gives identical scores; weights are tfjs\' own format', async () => {
    const model = await fit(small.X, { hidden_neuron_list: '16,8,4' });
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    const loaded = autoencoder.load(json);
    expect(await loaded.score(small.X)).toEqual(await model.score(small.X));
    expect(await loadModel(json).score(small.X)).toEqual(await model.score(small.X));
    expect(loaded.threshold).toBe(model.threshold);
    const state = json.state as AutoencoderState;
    expect(state.architecture.layers).toEqual([4, 16, 8, 4, 8, 16, 4]);
    expect(state.history.loss).toHaveLength(4);
    // tf.io reads the weights back: same names, shapes and values.
    const bytes = base64ToBytes(state.weightData);
    const named = tf.io.decodeWeights(bytes.slice().buffer, state.weightSpecs);
    expect(Object.keys(named)).toEqual(state.weightSpecs.map((s) => s.name));
    expect(named['dense_0/kernel'].shape).toEqual([4, 16]);
    expect(named['batch_normalization_1/moving_variance'].shape).toEqual([8]);
    const { data } = await tf.io.encodeWeights(named);
    expect(bytesToBase64(new Uint8Array(tf.io.CompositeArrayBuffer.join(data)))).toBe(state.weightData);
    tf.dispose(Object.values(named));
    // A damaged file is a clear error.
    expect(() => autoencoder.load({ ...json, state: { ...state, weightData: state.weightData.slice(0, 40) } })).toThrow(/^model file: state\.weightData must hold \d+ float32 weights \(\d+ bytes\), got 30 bytes$/);
    expect(() => autoencoder.load({ ...json, detector: 'iforest' })).toThrow("model is for detector 'iforest', not 'autoencoder'");
  });

  it('base64 round trips every length', () => {
    const rng = new Random(3);
    for (let n = 0; n < 40; n++) {
      const b = Uint8Array.from({ length: n }, () => rng.int(256));
      const s = bytesToBase64(b);
      expect(s).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(base64ToBytes(s))).toEqual(Array.from(b));
    }
  });
});

describe('autoencoder: training progress and cancelling', () => {
  it('onEpoch: once per epoch, 1..epoch_num, loss going down, valLoss with validation rows only', async () => {
    const seen: EpochReport[] = [];
    const progress: number[] = [];
    const model = await fit(small.X, { epoch_num: 8, batch_size: 16 }, 42, { onEpoch: (e: EpochReport) => seen.push(e), onProgress: (f: number) => progress.push(f) });
    expect(seen.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.every((e) => e.epochs === 8 && e.valLoss !== null && e.rowsPerSecond > 0 && e.loss > 0)).toBe(true);
    expect(seen.map((e) => e.elapsedMs)).toEqual([...seen.map((e) => e.elapsedMs)].sort((a, b) => a - b));
    expect(seen[7].loss).toBeLessThan(seen[0].loss);
    expect(model.info.details.loss).toEqual(seen.map((e) => e.loss));
    expect(model.info.details.val_loss).toEqual(seen.map((e) => e.valLoss));
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const noVal: EpochReport[] = [];
    await fit(small.X, { epoch_num: 2, validation_size: 0 }, 42, { onEpoch: (e: EpochReport) => noVal.push(e) });
    expect(noVal.map((e) => e.valLoss)).toEqual([null, null]);
  });

  it('patience stops training early (validation loss not improving)', async () => {
    const seen: number[] = [];
    const model = await fit(small.X, { epoch_num: 40, patience: 1, lr: 0.05 }, 42, { onEpoch: (e: EpochReport) => seen.push(e.epoch) });
    const state = model.toJSON().state as AutoencoderState;
    expect(state.stopped_early).toBe(true);
    expect(state.epochs_run).toBe(seen.length);
    expect(seen.length).toBeLessThan(40);
  });

  it('an aborted signal stops fit with AbortError within a batch and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const pre = new AbortController();
    pre.abort();
    await expect(fit(small.X, {}, 42, { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    // Abort during training: after the first epoch, the next batch does not start.
    const ac = new AbortController();
    const epochs: number[] = [];
    await expect(fit(small.X, { epoch_num: 50 }, 42, { signal: ac.signal, onEpoch: (e: EpochReport) => { epochs.push(e.epoch); ac.abort(); } })).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochs).toEqual([1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an abort from a timer arrives while training (fit yields to the event loop)', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 300);
    const epochs: number[] = [];
    // ~60 s of training on the cpu backend if it were not stopped.
    await expect(fit(planted(4000, 8, 0, 2).X, { epoch_num: 100 }, 42, { signal: ac.signal, onEpoch: (e: EpochReport) => epochs.push(e.epoch) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(epochs.length).toBeLessThan(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('score and explain take a signal too', async () => {
    const model = await fit(small.X, { epoch_num: 1 });
    const ac = new AbortController();
    ac.abort();
    await expect(model.score(small.X, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(model.explain(small.X, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('autoencoder: the CLI', () => {
  const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
  const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-ae-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });
  const rows = ['a,b,c,label'];
  for (let i = 0; i < small.X.rows; i++) rows.push(`${Array.from(small.X.data.subarray(i * 4, i * 4 + 3)).join(',')},${small.labels[i]}`);
  const DATA = join(dir, 'data.csv');
  writeFileSync(DATA, `${rows.join('\n')}\n`);

  it('--save-model then --model gives identical scores; --train fits on another file', () => {
    const model = join(dir, 'ae.json');
    const out1 = join(dir, 's1.csv');
    const out2 = join(dir, 's2.csv');
    const a = cli('score', DATA, '--detector', 'autoencoder', '--param', 'epoch_num=3', '--save-model', model, '--out', out1, '--json');
    expect(a.status, a.stderr).toBe(0);
    const ja = JSON.parse(a.stdout);
    expect(ja.compute).toMatch(/^tfjs (wasm|cpu) \(float32\)$/);
    expect(ja.params.hidden_neuron_list).toBe('64,32');
    expect(ja.metrics.roc_auc).toBeGreaterThan(0.9);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    expect(saved.columns).toEqual(['a', 'b', 'c']);
    const b = cli('score', DATA, '--model', model, '--out', out2, '--json');
    expect(b.status, b.stderr).toBe(0);
    const col = (f: string) => parseCsvString(readFileSync(f, 'utf8'), f).columns.find((c) => c.name === 'score')!;
    const s1 = col(out1);
    const s2 = col(out2);
    expect(s1.kind === 'numeric' && s2.kind === 'numeric' && Array.from(s2.values)).toEqual(s1.kind === 'numeric' && Array.from(s1.values));
    const c = cli('score', DATA, '--train', DATA, '--detector', 'autoencoder', '--param', 'epoch_num=3', '--json');
    expect(c.status, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout).threshold).toBe(ja.threshold);
  }, 120_000);

  it('a bad parameter is one line on stderr, exit 2', () => {
    const r = cli('score', DATA, '--detector', 'autoencoder', '--param', 'hidden_neuron_list=64,x');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/hidden_neuron_list must be comma-separated integers/);
  }, 120_000);
});
