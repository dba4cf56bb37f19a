/**
 * The fast recurrent network (src/core/detectors/rnn/fast-net.ts) against the tf.layers reference
 * (net.ts): the same initial weights from the same seed, and on the same weights and batch the same
 * loss and gradients (tf.layers' own autodiff through its LSTM / GRU layers) within float32
 * tolerance; then the same predictions, and a few Adam steps that stay together.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { FastRnnNet } from '../../src/core/detectors/rnn/fast-net';
import { LayersRnnNet, weightLayout, type CellKind, type RnnArchitecture } from '../../src/core/detectors/rnn/net';
import { Random } from '../../src/core/random';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

function batch(b: number, W: number, C: number, seed: number): tf.Tensor3D {
  const rng = new Random(seed);
  const data = new Float32Array(b * W * C);
  for (let i = 0; i < b; i++) for (let t = 0; t < W; t++) for (let c = 0; c < C; c++) data[(i * W + t) * C + c] = Math.sin(0.3 * t + i + c) + 0.3 * rng.normal();
  return tf.tensor3d(data, [b, W, C]);
}

/** The reference's loss and gradients by tf.variableGrads over its own model (training mode). */
function layersGradients(net: LayersRnnNet, x: tf.Tensor3D): { loss: number; grads: Float32Array[] } {
  const model = (net as unknown as { model: tf.Sequential }).model;
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(x, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
    return { loss: value.dataSync()[0], grads: vars.map((v) => Float32Array.from(grads[v.name].dataSync() as Float32Array)) };
  });
}

/** max |a − b| over max(|b|) (1 where b is all tiny): a relative error of the whole array. */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / Math.max(m, 1e-3);
}

const cases: { cell: CellKind; layers: number; channels: number; dropout: number }[] = [
  { cell: 'lstm', layers: 1, channels: 1, dropout: 0 },
  { cell: 'gru', layers: 1, channels: 1, dropout: 0 },
  { cell: 'lstm', layers: 2, channels: 3, dropout: 0 },
  { cell: 'gru', layers: 2, channels: 2, dropout: 0 },
  { cell: 'lstm', layers: 2, channels: 2, dropout: 0.25 },
  { cell: 'gru', layers: 1, channels: 2, dropout: 0.25 },
];

describe('FastRnnNet matches the tf.layers network', () => {
  for (const c of cases) {
    const arch: RnnArchitecture = { cell: c.cell, window_size: 12, channels: c.channels, hidden_size: 6, n_layers: c.layers, dropout_rate: c.dropout };
    const name = `${c.cell}, ${c.layers} layer(s), ${c.channels} channel(s), dropout ${c.dropout}`;

    it(`${name}: same initial weights from the same seed, same loss and gradients`, () => {
      const ref = new LayersRnnNet(tf, arch, { lr: 1e-3, seed: 7 });
      const fast = new FastRnnNet(tf, arch, { lr: 1e-3, seed: 7 });
      const x = batch(16, arch.window_size, arch.channels, 3);
      try {
        const w0 = ref.getWeights();
        const layout = weightLayout(arch);
        expect(fast.getWeights().map((w) => w.length)).toEqual(layout.map((l) => l.shape.reduce((a, b) => a * b, 1)));
        // The same seed draws give the same initial weights, bit for bit.
        fast.getWeights().forEach((w, i) => expect(Array.from(w), layout[i].name).toEqual(Array.from(w0[i])));

        const r = layersGradients(ref, x);
        const f = fast.gradients(x);
        expect(Math.abs(f.loss - r.loss) / r.loss).toBeLessThan(1e-5);
        r.grads.forEach((g, i) => {
          // A gradient that is all zero would make the comparison empty: every weight has one here.
          expect(Math.max(...Array.from(g, Math.abs)), layout[i].name).toBeGreaterThan(0);
          expect(relErr(f.grads[i], g), layout[i].name).toBeLessThan(1e-4);
        });
      } finally {
        ref.dispose();
        fast.dispose();
        x.dispose();
      }
    });
  }

  it('two nets of one shape alive at once both train (variable names are per net), and the same seed trains alike', async () => {
    const arch: RnnArchitecture = { cell: 'gru', window_size: 8, channels: 1, hidden_size: 4, n_layers: 1, dropout_rate: 0 };
    const a = new FastRnnNet(tf, arch, { lr: 1e-3, seed: 5 });
    const b = new FastRnnNet(tf, arch, { lr: 1e-3, seed: 5 });
    const x = batch(8, 8, 1, 2);
    try {
      const la = await a.trainBatch(x);
      const lb = await b.trainBatch(x);
      expect(lb).toBe(la);
      expect(Number.isFinite(la)).toBe(true);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
    }
  });

  it('different weights give different gradients (the comparison can fail)', () => {
    const arch: RnnArchitecture = { cell: 'lstm', window_size: 12, channels: 1, hidden_size: 6, n_layers: 1, dropout_rate: 0 };
    const ref = new LayersRnnNet(tf, arch, { lr: 1e-3, seed: 7 });
    const fast = new FastRnnNet(tf, arch, { lr: 1e-3, seed: 8 });
    const x = batch(16, 12, 1, 3);
    try {
      const r = layersGradients(ref, x);
      const f = fast.gradients(x);
      expect(Math.max(...r.grads.map((g, i) => relErr(f.grads[i], g)))).toBeGreaterThan(1e-2);
    } finally {
      ref.dispose();
      fast.dispose();
      x.dispose();
    }
  });

  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}, 2 layers, 3 channels: predict (the eval path, per-gate fused products) agrees on a block of 300 windows`, () => {
      const arch: RnnArchitecture = { cell, window_size: 9, channels: 3, hidden_size: 7, n_layers: 2, dropout_rate: 0.1 };
      const ref = new LayersRnnNet(tf, arch, { lr: 1e-3, seed: 4 });
      const fast = new FastRnnNet(tf, arch, { lr: 1e-3, seed: 4 });
      const x = batch(300, 9, 3, 6);
      try {
        const pr = ref.predict(x);
        const pf = fast.predict(x);
        expect(pf.shape).toEqual([300, 9, 3]);
        expect(relErr(pf.dataSync() as Float32Array, pr.dataSync() as Float32Array)).toBeLessThan(1e-5);
        tf.dispose([pr, pf]);
      } finally {
        ref.dispose();
        fast.dispose();
        x.dispose();
      }
    });

    it(`${cell}: set to the same weights, predict agrees and five Adam steps stay together`, async () => {
      const arch: RnnArchitecture = { cell, window_size: 10, channels: 2, hidden_size: 5, n_layers: 1, dropout_rate: 0 };
      const ref = new LayersRnnNet(tf, arch, { lr: 1e-2, seed: 1 });
      const fast = new FastRnnNet(tf, arch, { lr: 1e-2, seed: 2 });
      fast.setWeights(ref.getWeights());
      const x = batch(8, 10, 2, 5);
      const before = tf.memory().numTensors;
      try {
        const pr = ref.predict(x);
        const pf = fast.predict(x);
        expect(pf.shape).toEqual([8, 10, 2]);
        expect(relErr(pf.dataSync() as Float32Array, pr.dataSync() as Float32Array)).toBeLessThan(1e-5);
        tf.dispose([pr, pf]);
        for (let k = 0; k < 5; k++) {
          const lr = await ref.trainBatch(x);
          const lf = await fast.trainBatch(x);
          expect(Math.abs(lf - lr) / lr).toBeLessThan(1e-4);
        }
        ref.getWeights().forEach((w, i) => expect(relErr(fast.getWeights()[i], w)).toBeLessThan(1e-3));
        // The fast net's steps leave no tensors behind but Adam's two moments per weight (made on the first step).
        expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * 2 * weightLayout(arch).length);
      } finally {
        ref.dispose();
        fast.dispose();
        x.dispose();
      }
    });
  }
});
