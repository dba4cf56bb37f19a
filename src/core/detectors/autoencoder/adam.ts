/**
 * One training step of the autoencoder, all on the backend: forward and
 * backward (network.ts), torch's Adam with L2 weight_decay on the flat
 * parameter vector, and the BatchNorm running statistics; plus the batch loss
 * and gradient alone, for the tests' gradient check.
 */
import { BN_MOMENTUM } from './batchnorm.js';
import { BN_EPS, forwardBackward, loadTf, paramLayout, type AutoencoderArchitecture, type ParamLayout, type Tensor, type Tf, type Variable } from './network.js';

/** torch's Adam defaults. */
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPS = 1e-8;

export interface TrainState {
  theta: Variable;
  m: Variable;
  v: Variable;
  running: Variable | null;
  lossAcc: Variable;
}

/**
 * One Adam step on a batch, all on the backend: forward in training mode,
 * backward by hand, flat Adam update with L2 weight decay, running BatchNorm
 * statistics, and the batch's summed squared error added to lossAcc.
 */
export function trainStep(
  tf: Tf, arch: AutoencoderArchitecture, layout: ParamLayout, st: TrainState, k: Record<string, Tensor>, momVec: Tensor | null,
  xBuf: Float32Array, maskBuf: Float32Array | null, B: number, lr: number, t: number, decay: boolean,
): void {
  const bn = arch.batch_norm;
  tf.tidy(() => {
    const { grad: g0, sqErr, stats } = forwardBackward(tf, arch, layout, st.theta, xBuf, maskBuf, B, k);
    st.lossAcc.assign(tf.add(st.lossAcc, sqErr));
    // Adam on the flat gradient, L2 weight decay folded into it (torch's weight_decay). torch's
    // θ −= lr/bc₁ · m / (√v/√bc₂ + ε) is θ −= (lr √bc₂/bc₁) · m / (√v + ε √bc₂): two ops fewer.
    let grad = g0;
    if (decay) grad = tf.add(grad, tf.mul(st.theta, k.wd));
    const m = tf.add(tf.mul(st.m, k.b1), tf.mul(grad, k.b1c));
    const v = tf.add(tf.mul(st.v, k.b2), tf.mul(tf.square(grad), k.b2c));
    const bc1 = 1 - Math.pow(ADAM_BETA1, t);
    const sbc2 = Math.sqrt(1 - Math.pow(ADAM_BETA2, t));
    const denom = tf.add(tf.sqrt(v), tf.scalar(ADAM_EPS * sbc2));
    st.theta.assign(tf.sub(st.theta, tf.mul(tf.div(m, denom), tf.scalar((lr * sbc2) / bc1))));
    st.m.assign(m);
    st.v.assign(v);
    if (bn && st.running && momVec && stats) {
      st.running.assign(tf.add(tf.mul(st.running, k.mom1), tf.mul(stats, momVec)));
    }
  });
}

/** The scalars a training step uses, made once per fit (dispose them after). */
export function stepConstants(tf: Tf, batch: number, d: number, weightDecay: number): Record<string, Tensor> {
  const c = tf.scalar;
  return {
    onesRow: tf.fill([1, batch], 1),
    meanRow: tf.fill([1, batch], 1 / batch),
    b1: c(ADAM_BETA1), b1c: c(1 - ADAM_BETA1), b2: c(ADAM_BETA2), b2c: c(1 - ADAM_BETA2), wd: c(weightDecay),
    bnEps: c(BN_EPS), lossScale: c(2 / (batch * d)), invBatch: c(1 / batch), one: c(1), mom1: c(1 - BN_MOMENTUM),
  };
}

/**
 * The mean squared error of one batch in training mode and its gradient with
 * respect to the flat parameter vector, as `fit` computes them: for the
 * gradient check in the tests. `theta` in the layout of `parameterLayout(arch)`;
 * `mask` holds each hidden layer's rows × units block of 0 or 1/(1 − p), layer after layer, or null.
 */
export async function batchLossAndGradient(arch: AutoencoderArchitecture, theta: Float32Array, x: Float32Array, rows: number, mask: Float32Array | null): Promise<{ loss: number; grad: Float32Array }> {
  const tf = await loadTf();
  const d = arch.layers[0];
  const k = stepConstants(tf, rows, d, 0);
  try {
    const [sq, g] = tf.tidy(() => {
      const r = forwardBackward(tf, arch, paramLayout(arch), tf.tensor2d(theta, [1, theta.length]), x, mask, rows, k);
      return [r.sqErr, r.grad];
    });
    const loss = (await sq.data())[0] / (rows * d);
    const grad = (await g.data()) as Float32Array;
    tf.dispose([sq, g]);
    return { loss, grad };
  } finally {
    tf.dispose(Object.values(k));
  }
}
