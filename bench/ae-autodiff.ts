/**
 * `node --import tsx bench/ae-autodiff.ts [rounds=N]`: the dense autoencoder's hand-written backward
 * pass (src/core/detectors/autoencoder/network.ts forwardBackward) against tfjs' autodiff of the
 * same forward pass (tf.variableGrads), per training batch on wasm (issue 17: "move it onto the same
 * machinery if that is not slower, and report the speed either way").
 *
 * Same network and batch for all: PyOD's AutoEncoder defaults on 10 columns ([10, 64, 32, 64, 10],
 * relu, batch_norm, dropout 0.2, batch 32), θ from the detector's own initialisation, the same
 * dropout masks. Variants: (1) forwardBackward; (2) tf.variableGrads of the forward pass written
 * with the same ops (tfjs' own gradients: its matMul gradient is BatchMatMul with transposeA / B);
 * (3) as (2) with rnn/fast-net.ts' matMulOp (the product's gradient as explicit transpose + plain
 * product). The gradients are compared first (max |Δ| / max |g|); times are the min over rounds of
 * `batches` batches each (wall and process CPU time), Adam excluded (the same for all).
 */
import { chooseBackend } from '../src/core/compute/backend.js';
import { forwardBackward, initParams, paramLayout, type AutoencoderArchitecture, type ParamLayout, type Tensor, type Tensor2D, type Tf } from '../src/core/detectors/autoencoder/network.js';
import { stepConstants } from '../src/core/detectors/autoencoder/adam.js';
import { matMulOp } from '../src/core/detectors/rnn/fast-net.js';
import { Random } from '../src/core/random.js';
import { fmtMs, table } from './util.js';

type TfFull = typeof import('@tensorflow/tfjs');

const ARCH: AutoencoderArchitecture = { layers: [10, 64, 32, 64, 10], hidden_activation_name: 'relu', batch_norm: true, batch_norm_epsilon: 1e-5, dropout_rate: 0.2 };
const B = 32;

/** The training-mode forward pass of network.ts, as a loss (mean squared error), for autodiff. */
function forwardLoss(tf: TfFull, layout: ParamLayout, theta: Tensor, x: Tensor2D, masks: Tensor2D[], k: Record<string, Tensor>, mm: (a: Tensor2D, W: Tensor2D, l: number) => Tensor2D): Tensor {
  const { layers } = ARCH;
  const L = layers.length - 1;
  const parts = tf.split(theta, layout.sizes, 1);
  const kernel = (l: number) => tf.reshape(parts[layout.first[l]], [layers[l], layers[l + 1]]) as Tensor2D;
  const colMean = (t: Tensor) => tf.matMul(k.meanRow as Tensor2D, t as Tensor2D);
  let h = x;
  for (let l = 0; l < L - 1; l++) {
    const z = tf.add(mm(h, kernel(l), l), parts[layout.first[l] + 1]);
    const mu = colMean(z);
    const zc = tf.sub(z, mu);
    const inv = tf.rsqrt(tf.add(colMean(tf.square(zc)), k.bnEps));
    const y = tf.add(tf.mul(tf.mul(zc, inv), parts[layout.first[l] + 2]), parts[layout.first[l] + 3]);
    h = tf.mul(tf.relu(y), masks[l]) as Tensor2D;
  }
  const out = tf.add(mm(h, kernel(L - 1), L - 1), parts[layout.first[L - 1] + 1]);
  return tf.mean(tf.square(tf.sub(out, x)));
}

export async function aeAutodiffBench(log: (s: string) => void, rounds = 3, batches = 300): Promise<{ table: string; results: Record<string, unknown> }> {
  await chooseBackend('wasm');
  const tf = (await import('@tensorflow/tfjs')) as TfFull;
  const layout = paramLayout(ARCH);
  const rng = new Random(1);
  const theta0 = initParams(ARCH, layout, rng);
  const d = ARCH.layers[0];
  const xBuf = Float32Array.from({ length: B * d }, () => rng.normal());
  const hidden = ARCH.layers.slice(1, -1);
  const maskBuf = new Float32Array(hidden.reduce((s, u) => s + B * u, 0));
  for (let i = 0; i < maskBuf.length; i++) maskBuf[i] = rng.float() < ARCH.dropout_rate ? 0 : 1 / (1 - ARCH.dropout_rate);
  const k = stepConstants(tf as unknown as Tf, B, d, 0);
  const theta = tf.variable(tf.tensor2d(theta0, [1, layout.size]));
  const x = tf.tensor2d(xBuf, [B, d]);
  let mo = 0;
  const masks = hidden.map((u) => tf.tensor2d(maskBuf.subarray(mo, (mo += B * u)), [B, u]));

  const plain = (a: Tensor2D, W: Tensor2D, _l: number) => tf.matMul(a, W) as Tensor2D;
  const hand = () => tf.tidy(() => {
    const r = forwardBackward(tf as unknown as Tf, ARCH, layout, theta, xBuf, maskBuf, B, k);
    return tf.concat([tf.reshape(r.sqErr, [1, 1]), r.grad], 1);
  });
  const auto = (viaOp: boolean) => () => tf.tidy(() => {
    // matMulOp needs each kernel's transpose, made outside the tape from θ's value.
    const Wt = viaOp ? ARCH.layers.slice(0, -1).map((n, l) => tf.transpose(tf.reshape(tf.slice(theta, [0, layout.sizes.slice(0, layout.first[l]).reduce((a, b) => a + b, 0)], [1, n * ARCH.layers[l + 1]]), [n, ARCH.layers[l + 1]])) as Tensor2D) : [];
    const mm = viaOp ? (a: Tensor2D, W: Tensor2D, l: number) => matMulOp(tf, Wt[l])(a, W) : plain;
    const { value, grads } = tf.variableGrads(() => forwardLoss(tf, layout, theta, x, masks, k, mm) as import('@tensorflow/tfjs').Scalar, [theta]);
    return tf.concat([tf.reshape(tf.mul(value, B * d), [1, 1]), grads[theta.name]], 1);
  });
  const variants: [string, () => Tensor][] = [
    ['hand-written backward (network.ts forwardBackward, as fit uses it)', hand],
    ['tfjs autodiff (tf.variableGrads, tfjs\' own gradients)', auto(false)],
    ['tfjs autodiff + matMulOp (the product\'s gradient as transpose + plain product)', auto(true)],
  ];
  const ref = hand();
  const refData = (await ref.data()) as Float32Array;
  ref.dispose();
  const rows: string[][] = [];
  const results: Record<string, unknown> = { arch: ARCH, batch: B, batches, rounds };
  let handMs = NaN;
  for (const [name, fn] of variants) {
    const out = fn();
    const got = (await out.data()) as Float32Array;
    out.dispose();
    let dmax = 0;
    let gmax = 0;
    for (let i = 1; i < got.length; i++) {
      dmax = Math.max(dmax, Math.abs(got[i] - refData[i]));
      gmax = Math.max(gmax, Math.abs(refData[i]));
    }
    const rel = dmax / gmax;
    const lossRel = Math.abs(got[0] - refData[0]) / refData[0];
    for (let i = 0; i < 20; i++) fn().dispose(); // warm-up
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < batches; i++) {
        const t = fn();
        await t.data();
        t.dispose();
      }
      wall.push((performance.now() - t0) / batches);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000 / batches);
    }
    const perBatch = Math.min(...wall);
    if (Number.isNaN(handMs)) handMs = perBatch;
    log(`ae-autodiff: ${name}: ${perBatch.toFixed(3)} ms a batch (cpu ${Math.min(...cpu).toFixed(3)} ms), gradient rel. diff ${rel.toExponential(1)}`);
    results[name] = { wall_ms_per_batch: wall, cpu_ms_per_batch: cpu, grad_rel_diff: rel, loss_rel_diff: lossRel };
    rows.push([name, fmtMs(perBatch), fmtMs(Math.min(...cpu)), `${(perBatch / handMs).toFixed(2)}×`, rel.toExponential(1)]);
  }
  tf.dispose([theta, x, ...masks, ...Object.values(k)]);
  return {
    table: table(`Dense AutoEncoder training batch (PyOD defaults, 10 columns, batch ${B}, forward + gradient, Adam excluded), wasm, min of ${rounds} × ${batches} batches`, ['variant', 'ms / batch (wall)', 'ms / batch (CPU)', 'vs hand-written', 'gradient max |Δ| / max |g|'], rows),
    results,
  };
}

if (process.argv[1]?.endsWith('ae-autodiff.ts')) {
  const rounds = Number(/^rounds=(\d+)$/.exec(process.argv.find((a) => a.startsWith('rounds=')) ?? '')?.[1] ?? 3);
  const r = await aeAutodiffBench((s) => console.error(`  … ${s}`), rounds);
  console.log(r.table);
}
