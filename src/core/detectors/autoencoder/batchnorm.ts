/**
 * BatchNorm1d's bookkeeping outside the forward pass: the running statistics
 * (torch's starting values and momentum update) and, for scoring, folding each
 * BatchNorm layer into the Linear layer before it.
 */
import type { AutoencoderArchitecture, LayerWeights } from './network.js';

/** torch's BatchNorm1d momentum for the running statistics. */
export const BN_MOMENTUM = 0.1;

/** Running [mean, var] per BatchNorm layer: zeros and ones, as torch starts them. */
export function initialRunning(arch: AutoencoderArchitecture): Float32Array {
  const units = arch.batch_norm ? arch.layers.slice(1, -1) : [];
  const out = new Float32Array(2 * units.reduce((a, b) => a + b, 0));
  let o = 0;
  for (const u of units) {
    o += u;
    out.fill(1, o, o + u);
    o += u;
  }
  return out;
}

/** momentum × [1 … 1, B/(B−1) … B/(B−1)] per BatchNorm layer. */
export function runningScale(arch: AutoencoderArchitecture, batch: number): Float32Array {
  const out = new Float32Array(initialRunning(arch).length);
  let o = 0;
  for (const u of arch.layers.slice(1, -1)) {
    out.fill(BN_MOMENTUM, o, o + u);
    out.fill((BN_MOMENTUM * batch) / (batch - 1), o + u, o + 2 * u);
    o += 2 * u;
  }
  return out;
}

/** Eval-mode layers with BatchNorm folded in: W' = W · s, b' = b · s + β − μ s, s = γ / √(σ² + ε). */
export function foldLayers(arch: AutoencoderArchitecture, weights: LayerWeights[]): { kernel: Float32Array; bias: Float32Array }[] {
  return weights.map((w, l) => {
    if (!w.gamma) return { kernel: w.kernel, bias: w.bias };
    const out = arch.layers[l + 1];
    const s = Float64Array.from(w.gamma, (g, j) => g / Math.sqrt(w.movingVariance![j] + arch.batch_norm_epsilon));
    const kernel = Float32Array.from(w.kernel, (x, i) => x * s[i % out]);
    const bias = Float32Array.from(w.bias, (b, j) => (b - w.movingMean![j]) * s[j] + w.beta![j]);
    return { kernel, bias };
  });
}
