/**
 * The autoencoder's weights in tfjs' own format (tf.io.encodeWeights: float32
 * buffers back to back, little-endian, with a manifest of Keras-style names and
 * shapes), so that tf.io can read a saved model and an IndexedDB save needs no
 * conversion. Kernels are [in, out] (tfjs / Keras layout; torch's is the transpose).
 */
import { bytesToBase64 } from '../../data/base64.js';
import type { AutoencoderArchitecture, LayerWeights, Tf } from './network.js';

/** A weight in tfjs' manifest format (tf.io.WeightsManifestEntry, float32 only here). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** Names in the tfjs weights manifest (Keras-style). */
export function weightNames(arch: AutoencoderArchitecture): { layer: number; key: keyof LayerWeights; name: string; shape: number[] }[] {
  const out: { layer: number; key: keyof LayerWeights; name: string; shape: number[] }[] = [];
  const { layers, batch_norm: bn } = arch;
  for (let l = 0; l < layers.length - 1; l++) {
    const u = layers[l + 1];
    out.push({ layer: l, key: 'kernel', name: `dense_${l}/kernel`, shape: [layers[l], u] }, { layer: l, key: 'bias', name: `dense_${l}/bias`, shape: [u] });
    if (bn && l < layers.length - 2) {
      out.push(
        { layer: l, key: 'gamma', name: `batch_normalization_${l}/gamma`, shape: [u] },
        { layer: l, key: 'beta', name: `batch_normalization_${l}/beta`, shape: [u] },
        { layer: l, key: 'movingMean', name: `batch_normalization_${l}/moving_mean`, shape: [u] },
        { layer: l, key: 'movingVariance', name: `batch_normalization_${l}/moving_variance`, shape: [u] },
      );
    }
  }
  return out;
}

export async function encode(tf: Tf, arch: AutoencoderArchitecture, weights: LayerWeights[]): Promise<{ weightSpecs: WeightSpec[]; weightData: string }> {
  const named = weightNames(arch).map((w) => ({ name: w.name, tensor: tf.tensor(weights[w.layer][w.key] as Float32Array, w.shape, 'float32') }));
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
    return { weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' })), weightData: bytesToBase64(bytes) };
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
}

/** Read tfjs' weights format (float32 entries) back into per-layer arrays, checking names and shapes. */
export function weightsFromSpecs(arch: AutoencoderArchitecture, specs: WeightSpec[], bytes: Uint8Array): LayerWeights[] {
  const byName = new Map<string, Float32Array>();
  let o = 0;
  for (const s of specs) {
    if (s.dtype !== 'float32') throw new TypeError(`autoencoder weights: ${s.name} has dtype ${String(s.dtype)}, expected float32`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (o + 4 * n > bytes.byteLength) throw new TypeError('autoencoder weights: weightData is shorter than weightSpecs say');
    // Copy into an aligned buffer (little-endian, as tfjs writes it).
    byName.set(s.name, new Float32Array(bytes.slice(o, o + 4 * n).buffer));
    o += 4 * n;
  }
  const out: LayerWeights[] = arch.layers.slice(0, -1).map(() => ({ kernel: new Float32Array(0), bias: new Float32Array(0) }));
  for (const w of weightNames(arch)) {
    const a = byName.get(w.name);
    const n = w.shape.reduce((x, y) => x * y, 1);
    if (!a || a.length !== n) throw new TypeError(`autoencoder weights: ${w.name} is missing or not of shape [${w.shape.join(', ')}]`);
    (out[w.layer] as unknown as Record<string, Float32Array>)[w.key] = a;
  }
  return out;
}
