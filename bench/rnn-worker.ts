/**
 * The Chromium side of `npm run bench -- rnn`: a module worker (bundled by bench/rnn.ts with
 * esbuild) that picks the tfjs backend as the app's workers do (src/core/compute/backend.ts, the
 * .wasm files served beside it), builds the fast or tf.layers network, and runs bench/rnn-loop.ts'
 * loops on windows fetched from the bench's own server. One message in, one result out.
 */
import { chooseBackend, probeWebGpu } from '../src/core/compute/backend.js';
import { createFastRnnNet } from '../src/core/detectors/rnn/fast-net.js';
import { LayersRnnNet, type CellKind } from '../src/core/detectors/rnn/net.js';
import { scoreSeries, seriesWindows, trainEpochs, type Windows } from './rnn-loop.js';

export interface WorkerJob {
  backend: 'wasm' | 'webgpu' | 'cpu';
  net: 'fast' | 'layers';
  cell: CellKind;
  /** URL of the little-endian float32 windows [n, W, C]. */
  windows: string;
  /** URL of the raw series (float32, one channel), for scoring; its stride-1 windows are `windows`. */
  series?: string;
  n: number;
  W: number;
  C: number;
  hidden: number;
  batch: number;
  epochs: number;
  /** Also score every window (blocks of scoreBlock, rnn/forward.ts as the detector scores) after training; needs `series`. */
  score: boolean;
  scoreBlock: number;
}

export interface WorkerResult {
  backend: string;
  adapter: string | null;
  epoch_ms: number[];
  loss: number[];
  score_ms: number[] | null;
  score_checksum: number | null;
  error?: string;
}

const WASM = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

async function run(job: WorkerJob): Promise<WorkerResult> {
  const probe = await probeWebGpu();
  const choice = await chooseBackend(job.backend, { wasmPaths: Object.fromEntries(WASM.map((f) => [f, new URL(f, self.location.href).href])) });
  const tf = await import('@tensorflow/tfjs');
  await tf.ready();
  if (choice.backend !== job.backend) throw new Error(`${job.backend} did not start (${choice.notes.join('; ')})`);
  const buf = await (await fetch(job.windows)).arrayBuffer();
  const X: Windows = job.series ? seriesWindows(new Float32Array(await (await fetch(job.series)).arrayBuffer()), job.W, 1) : { data: new Float32Array(buf), n: job.n, W: job.W, C: job.C };
  const arch = { cell: job.cell, window_size: job.W, channels: job.C, hidden_size: job.hidden, n_layers: 1, dropout_rate: 0 };
  const net = job.net === 'fast' ? createFastRnnNet(tf, arch, { lr: 1e-3, seed: 42 }) : new LayersRnnNet(tf, arch, { lr: 1e-3, seed: 42 });
  try {
    const t = await trainEpochs(tf, net, X, job.batch, job.epochs, 1);
    let score_ms: number[] | null = null;
    let score_checksum: number | null = null;
    if (job.score) {
      score_ms = [];
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        const s = await scoreSeries(tf, net, arch, X, job.scoreBlock);
        score_ms.push(performance.now() - t0);
        score_checksum = s.reduce((a, b) => a + b, 0);
      }
    }
    return { backend: tf.getBackend(), adapter: probe?.description ?? null, ...t, score_ms, score_checksum };
  } finally {
    net.dispose();
  }
}

self.onmessage = (e: MessageEvent<WorkerJob>) => {
  run(e.data).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ backend: '', adapter: null, epoch_ms: [], loss: [], score_ms: null, score_checksum: null, error: err instanceof Error ? err.message : String(err) } satisfies WorkerResult),
  );
};
