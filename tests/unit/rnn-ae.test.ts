/**
 * The LSTM / GRU autoencoders (issue 17) on tfjs' cpu backend, with tiny networks: shapes and the
 * warm-up rows, seeds, save / load, cancelling, tensor leaks, explain's per-channel shares,
 * early stopping keeping the best epoch, the max_train threshold, fineTune, the scoring pass
 * (rnn/forward.ts) against tf.layers' predict, and chunked scoring with the window's context.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/data/matrix';
import { AbortError, type EpochReport, type FittedModel } from '../../src/core/detectors/detector';
import { resolveParams } from '../../src/core/detectors/params';
import { getDetector, loadModel } from '../../src/core/detectors/registry';
import { RnnAutoencoderModel, type RnnState } from '../../src/core/detectors/rnn-ae';
import { reconstructionErrors } from '../../src/core/detectors/rnn/forward';
import { createRnnNet, loadTfLayers, type RnnArchitecture } from '../../src/core/detectors/rnn/net';
import { detectorMeta } from '../../src/core/detectors/specs';
import { scoreRange } from '../../src/core/detectors/windowed';
import { Random } from '../../src/core/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const IDS = ['lstm_ae', 'gru_ae'] as const;
const TINY = { window_size: 6, hidden_size: 4, epoch_num: 3 };

/** n rows of `cols` noisy sines (seeded), a spike of +6 in column `spikeCol` at row `spike` when given. */
function series(n: number, cols = 1, seed = 3, spike = -1, spikeCol = 0): Matrix {
  const rng = new Random(seed);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = Math.sin(i / (3 + j)) + 0.05 * rng.normal() + (i === spike && j === spikeCol ? 6 : 0);
  return { data, rows: n, cols };
}

function fit(id: string, X: Matrix, over: Record<string, unknown> = {}, options: Parameters<ReturnType<typeof getDetector>['fit']>[2] = {}): Promise<FittedModel> {
  const spec = getDetector(id);
  return spec.fit(X, resolveParams(spec.params, { ...TINY, ...over }, id), { seed: 7, ...options });
}

describe.each(IDS)('%s', (id) => {
  it('shapes: one score per row, the first window_size − 1 rows 0 (warming up), the rest positive; training scores of every fit row', async () => {
    const X = series(90, 2);
    const model = await fit(id, X);
    expect(model.detector).toBe(id);
    expect(model.features).toBe(2);
    expect(model.info.details.warmup_rows).toBe(5);
    const s = await model.score(X);
    expect(s.length).toBe(90);
    expect(Array.from(s.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]);
    for (const v of s.subarray(5)) expect(v).toBeGreaterThan(0);
    expect(model.trainingScores!.length).toBe(90);
    // Fewer rows than one window: all warming up.
    expect(Array.from(await model.score(series(5, 2)))).toEqual([0, 0, 0, 0, 0]);
    const ex = await (model as RnnAutoencoderModel).explain(X);
    expect(ex.length).toBe(90 * 2);
  });

  it('the same seed gives bit-identical scores; another seed other scores', async () => {
    const X = series(80);
    const a = await (await fit(id, X, { dropout_rate: 0.2 })).score(X);
    const b = await (await fit(id, X, { dropout_rate: 0.2 })).score(X);
    const c = await (await fit(id, X, { dropout_rate: 0.2 }, { seed: 8 })).score(X);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('save / load: the same threshold and bit-identical scores, through JSON', async () => {
    const X = series(80, 2);
    const model = await fit(id, X);
    const back = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    expect(back.threshold).toBe(model.threshold);
    expect(Array.from(await back.score(X))).toEqual(Array.from(await model.score(X)));
    expect(Array.from(await (back as RnnAutoencoderModel).explain(X))).toEqual(Array.from(await (model as RnnAutoencoderModel).explain(X)));
  });

  it('cancel: an abort while training stops it with AbortError, within the batch it arrives in or at the next yield', async () => {
    const X = series(200);
    const ac = new AbortController();
    let batchesAfter = 0;
    const epochs: EpochReport[] = [];
    const err = await fit(id, X, { epoch_num: 500, batch_size: 8 }, {
      signal: ac.signal,
      onEpoch: (e) => epochs.push(e),
      onProgress: () => {
        if (ac.signal.aborted) batchesAfter++;
        if (epochs.length === 1) ac.abort();
      },
    }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(epochs.length).toBe(1);
    expect(batchesAfter).toBe(0);
    // An abort from outside (a timer: the worker's message) is seen while training, long before 500 epochs.
    const outside = new AbortController();
    const seen: number[] = [];
    setTimeout(() => outside.abort(), 50);
    await expect(fit(id, X, { epoch_num: 500, batch_size: 8 }, { signal: outside.signal, onEpoch: (e) => seen.push(e.epoch) })).rejects.toBeInstanceOf(AbortError);
    expect(seen.length).toBeLessThan(500);
  });

  it('no tensor leaks: fit, score, explain and fineTune leave the tensor count as they found it', async () => {
    const X = series(70, 2);
    await fit(id, X, { epoch_num: 1 }); // tfjs' one-time tensors (the layers' caches) come first
    const before = tf.memory().numTensors;
    const model = await fit(id, X, { dropout_rate: 0.1 });
    await model.score(X);
    await (model as RnnAutoencoderModel).explain(X);
    await (model as RnnAutoencoderModel).fineTune(X, 1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('multichannel explain: each row\'s channel shares sum to its score; the spiked channel carries the spike\'s window', async () => {
    const X = series(120, 3, 5, 100, 1);
    const model = (await fit(id, X, { epoch_num: 5 })) as RnnAutoencoderModel;
    const s = await model.score(X);
    const ex = await model.explain(X);
    for (let i = 0; i < X.rows; i++) {
      const sum = ex[3 * i] + ex[3 * i + 1] + ex[3 * i + 2];
      expect(Math.abs(sum - s[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, s[i]));
    }
    // Row 100's window holds the spike in channel 1: that channel's share is the largest.
    expect(ex[3 * 100 + 1]).toBeGreaterThan(Math.max(ex[3 * 100], ex[3 * 100 + 2]));
  });

  it('early stopping keeps the best epoch: the model\'s validation-window error is the best val_loss, not the last', async () => {
    // A large learning rate makes the validation loss bounce, so the best epoch is not the last.
    const X = series(160);
    const model = await fit(id, X, { epoch_num: 12, patience: 12, lr: 1 });
    const d = model.info.details as { val_loss: number[]; best_epoch: number; epochs_run: number };
    const best = d.val_loss.indexOf(Math.min(...d.val_loss)) + 1;
    expect(d.best_epoch).toBe(best);
    expect(best).toBeLessThan(d.epochs_run);
    // The validation windows are the latest 10 % (stride 1): those ending at the last nVal rows.
    const windows = X.rows - 6 + 1;
    const nVal = Math.floor(windows * 0.1);
    const t = model.trainingScores!;
    let sum = 0;
    for (let i = X.rows - nVal; i < X.rows; i++) sum += t[i];
    expect(sum / nVal).toBeCloseTo(d.val_loss[best - 1], 5);
    expect(Math.abs(sum / nVal - d.val_loss[d.epochs_run - 1])).toBeGreaterThan(1e-4);
    // patience 2 stops before epoch_num once the loss stops falling.
    const stopped = await fit(id, X, { epoch_num: 40, patience: 2, lr: 1 });
    expect(stopped.info.details.stopped_early).toBe(true);
    expect((stopped.info.details.loss as number[]).length).toBeLessThan(40);
  });

  it("threshold 'max_train' is the largest training-window error; 'contamination' flags that share of the training windows", async () => {
    const X = series(100);
    const m = await fit(id, X, { threshold: 'max_train' });
    const full = m.trainingScores!.subarray(5);
    expect(m.threshold).toBe(Math.max(...full));
    expect(full.filter((v) => v > m.threshold).length).toBe(0);
    const c = await fit(id, X, { contamination: 0.2 });
    const flagged = c.trainingScores!.subarray(5).filter((v) => v > c.threshold).length;
    // numpy's linear quantile at 0.8: about a fifth above it (ties aside).
    expect(Math.abs(flagged - 0.2 * full.length)).toBeLessThanOrEqual(1);
  });

  it('fineTune returns a new model (trained further, same standardisation); the old one is unchanged', async () => {
    const X = series(100);
    const model = (await fit(id, X)) as RnnAutoencoderModel;
    const before = await model.score(X);
    const tuned = await model.fineTune(series(100, 1, 9), 2);
    expect(tuned).not.toBe(model);
    expect(tuned.detector).toBe(id);
    expect((tuned.toJSON().state as RnnState).scaler).toEqual((model.toJSON().state as RnnState).scaler);
    expect(Array.from(await tuned.score(X))).not.toEqual(Array.from(before));
    expect(Array.from(await model.score(X))).toEqual(Array.from(before));
    await expect(model.fineTune(X, 0)).rejects.toThrow(/epochs must be an integer >= 1, got: 0/);
  });

  it('chunks scored with the window_size − 1 rows before them (scoreRange) equal the whole series scored at once', async () => {
    const X = series(100, 2);
    const model = await fit(id, X);
    const whole = await model.score(X);
    const rowsFrom = (a: number, b: number): Matrix => ({ data: X.data.slice(a * 2, b * 2), rows: b - a, cols: 2 });
    const parts = new Float64Array(100);
    for (const [a, b] of [[0, 3], [3, 40], [40, 41], [41, 100]]) parts.set((await scoreRange(model, detectorMeta(id), a, b, rowsFrom)).scores, a);
    expect(Array.from(parts)).toEqual(Array.from(whole));
  });

  it('parameters: a window longer than the fit rows is refused naming the count; a validation share that leaves no window too', async () => {
    await expect(fit(id, series(5))).rejects.toThrow(/needs at least 6 training rows, got 5/);
    await expect(fit(id, series(6), { validation_size: 0.5 })).resolves.toBeDefined();
  });
});

describe('rnn/forward.ts: the scoring pass', () => {
  it.each([
    ['lstm', 1, 1], ['gru', 1, 1], ['lstm', 2, 3], ['gru', 2, 2],
  ] as const)('%s, %i layer(s), %i channel(s): the same window errors as tf.layers\' predict (float32 tolerance)', async (cell, layers, C) => {
    const tfl = await loadTfLayers();
    const arch: RnnArchitecture = { cell, window_size: 7, channels: C, hidden_size: 5, n_layers: layers, dropout_rate: 0 };
    const net = createRnnNet(tfl, arch, { lr: 1e-3, seed: 4 });
    // Non-zero biases too, so every weight is exercised.
    const w = net.getWeights().map((a, k) => a.map((v, i) => v + 0.1 * Math.sin(7 * i + k)));
    net.setWeights(w);
    const n = 50;
    const Z = Float32Array.from({ length: (n + 6) * C }, (_, i) => Math.sin(i / 5) + 0.3 * Math.cos(1.3 * i));
    const starts = Int32Array.from({ length: n }, (_, i) => i);
    const ours = await reconstructionErrors(tf, arch, w, Z, starts, 'score', 16);
    const windows = new Float32Array(n * 7 * C);
    for (let i = 0; i < n; i++) windows.set(Z.subarray(i * C, (i + 7) * C), i * 7 * C);
    const x = tfl.tensor3d(windows, [n, 7, C]);
    const y = net.predict(x);
    const ref = tfl.mean(tfl.squaredDifference(y, x), [1, 2]);
    const want = await ref.data();
    tfl.dispose([x, y, ref]);
    net.dispose();
    for (let i = 0; i < n; i++) expect(Math.abs(ours[i] - want[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, want[i]));
  });
});
