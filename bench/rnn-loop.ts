/**
 * The training and scoring loops `npm run bench -- rnn` times, the same in Node (bench/rnn.ts) and
 * in a Chromium worker (bench/rnn-worker.ts): windows in one Float32Array [n, W, C], a fresh
 * seeded shuffle per epoch, batches gathered into a tensor, one `net.trainBatch` each (the last
 * batch partial, as PyTorch's loop in bench/rnn_torch.py); scoring is the mean squared error per
 * window in blocks. No Node or DOM imports.
 */
import { Random } from '../src/core/random.js';
import type { RnnArchitecture, RnnNet, TfLayers } from '../src/core/detectors/rnn/net.js';
import { reconstructionErrors } from '../src/core/detectors/rnn/forward.js';

export interface Windows {
  /** [n, W, C] row-major. */
  data: Float32Array;
  /** For a series' stride-1 windows: the standardised series itself ([rows, C]), which scoring reads. */
  series?: Float32Array;
  n: number;
  W: number;
  C: number;
}

export interface TrainTimes {
  epoch_ms: number[];
  /** Process CPU time per epoch (Node only: process.cpuUsage), less moved by other jobs than wall time. */
  epoch_cpu_ms: number[] | null;
  loss: number[];
}

/** This process's CPU time (user + system, ms) where Node's process.cpuUsage exists, else null. */
export function cpuMs(): number | null {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (!p?.cpuUsage) return null;
  const u = p.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** `epochs` epochs of minibatch training; wall time and mean batch loss per epoch. */
export async function trainEpochs(tf: TfLayers, net: RnnNet, X: Windows, batch: number, epochs: number, seed: number, log?: (s: string) => void): Promise<TrainTimes> {
  const { data, n, W, C } = X;
  const row = W * C;
  const rng = new Random(seed);
  const out: TrainTimes = { epoch_ms: [], epoch_cpu_ms: cpuMs() === null ? null : [], loss: [] };
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const perm = rng.permutation(n);
    let total = 0;
    let batches = 0;
    for (let b = 0; b < n; b += batch) {
      const bs = Math.min(batch, n - b);
      const buf = new Float32Array(bs * row);
      for (let i = 0; i < bs; i++) buf.set(data.subarray(perm[b + i] * row, (perm[b + i] + 1) * row), i * row);
      const x = tf.tensor3d(buf, [bs, W, C]);
      try {
        total += await net.trainBatch(x);
      } finally {
        x.dispose();
      }
      batches++;
    }
    out.epoch_ms.push(performance.now() - t0);
    if (c0 !== null) out.epoch_cpu_ms!.push(cpuMs()! - c0);
    out.loss.push(total / batches);
    log?.(`epoch ${e + 1}/${epochs}: ${(out.epoch_ms[e] / 1000).toFixed(2)} s, loss ${out.loss[e].toFixed(5)}`);
  }
  return out;
}

/**
 * Every window's score as lstm_ae / gru_ae score it (rnn/forward.ts' eval pass from the net's
 * weights, over the standardised series, blocks of `block` windows).
 */
export async function scoreSeries(tf: TfLayers, net: RnnNet, arch: RnnArchitecture, X: Windows, block: number): Promise<Float32Array> {
  if (!X.series) throw new Error('scoreSeries needs the series (seriesWindows)');
  return reconstructionErrors(tf, arch, net.getWeights(), X.series, Int32Array.from({ length: X.n }, (_, i) => i), 'score', block);
}

/** Mean squared reconstruction error of every window (eval mode), `block` windows per predict. */
export async function scoreWindows(tf: TfLayers, net: RnnNet, X: Windows, block: number): Promise<Float32Array> {
  const { data, n, W, C } = X;
  const row = W * C;
  const out = new Float32Array(n);
  for (let b = 0; b < n; b += block) {
    const bs = Math.min(block, n - b);
    const r = tf.tidy(() => {
      const x = tf.tensor3d(data.subarray(b * row, (b + bs) * row), [bs, W, C]);
      return tf.mean(tf.squaredDifference(net.predict(x), x), [1, 2]);
    });
    try {
      out.set((await r.data()) as Float32Array, b);
    } finally {
      r.dispose();
    }
  }
  return out;
}

/** Seeded synthetic windows: a sine of random period and phase per window plus noise (row (a) of the bench). */
export function syntheticWindows(n: number, W: number, C: number, seed: number): Windows {
  const rng = new Random(seed);
  const data = new Float32Array(n * W * C);
  for (let i = 0; i < n; i++) {
    const period = rng.uniform(8, 40);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < W; t++) for (let c = 0; c < C; c++) data[(i * W + t) * C + c] = Math.sin((2 * Math.PI * t) / period + phase + c) + 0.1 * rng.normal();
  }
  return { data, n, W, C };
}

/** Every window of `stride` over a standardised series (population std), as float32 [n, W, 1]. */
export function seriesWindows(values: ArrayLike<number>, W: number, stride: number): Windows {
  const N = values.length;
  let mean = 0;
  for (let i = 0; i < N; i++) mean += values[i];
  mean /= N;
  let v = 0;
  for (let i = 0; i < N; i++) v += (values[i] - mean) ** 2;
  const sd = Math.sqrt(v / N) || 1;
  const n = Math.floor((N - W) / stride) + 1;
  const series = Float32Array.from(values, (x) => (x - mean) / sd);
  const data = new Float32Array(n * W);
  for (let k = 0; k < n; k++) data.set(series.subarray(k * stride, k * stride + W), k * W);
  return { data, n, W, C: 1, series: stride === 1 ? series : undefined };
}
