/**
 * The dense autoencoder as ONNX, standard ops only: the StandardScaler (float64, then rounded to
 * float32 as ours stores the network's input), the dense layers with BatchNorm folded into their
 * weights (autoencoder/batchnorm.ts' foldLayers, the same folding our scorer uses), the hidden
 * activation, a linear output layer, and the mean over features of the squared reconstruction
 * error. The network runs in float32 as ours does (tfjs); a float64 graph casts its input to
 * float64 for the scaler and its score back to float64. Agreement is to float32 rounding
 * (different summation orders in MatMul), not 1e-6 relative.
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import type { GraphBuilder } from './graph.js';
import type { AutoencoderArchitecture } from '../detectors/autoencoder/network.js';
import { foldLayers } from '../detectors/autoencoder/batchnorm.js';
import { weightsFromSpecs, type WeightSpec } from '../detectors/autoencoder/weights.js';
import { base64ToBytes } from '../data/base64.js';

/** tf.leakyRelu's slope in autoencoder/network.ts (LEAKY_SLOPE; restated: network.ts loads tfjs). */
const LEAKY_SLOPE = 0.01;

export function autoencoderGraph(g: GraphBuilder, json: ModelJSON): string {
  const s = json.state as { architecture: AutoencoderArchitecture; scaler: { mean: number[]; scale: number[] } | null; weightSpecs: WeightSpec[]; weightData: string };
  const arch = s.architecture;
  const folded = foldLayers(arch, weightsFromSpecs(arch, s.weightSpecs, base64ToBytes(s.weightData)));
  const d = json.features;
  let z = g.cast('X', 'float64', g.dtype);
  if (s.scaler) {
    z = g.op('Div', [g.op('Sub', [z, g.init('scaler_mean', s.scaler.mean, [1, d], 'float64')]), g.init('scaler_scale', s.scaler.scale, [1, d], 'float64')]);
  }
  const x = g.cast(z, 'float32', 'float64');
  let h = x;
  const L = folded.length;
  folded.forEach((w, l) => {
    const a = g.op('Add', [g.op('MatMul', [h, g.init(`dense_${l}_kernel`, w.kernel, [arch.layers[l], arch.layers[l + 1]], 'float32')]), g.init(`dense_${l}_bias`, w.bias, [arch.layers[l + 1]], 'float32')]);
    if (l === L - 1) h = a;
    else {
      const act = arch.hidden_activation_name;
      h = act === 'relu' ? g.op('Relu', [a])
        : act === 'leaky_relu' ? g.op('LeakyRelu', [a], { alpha: { f: LEAKY_SLOPE } })
        : act === 'elu' ? g.op('Elu', [a], { alpha: { f: 1 } })
        : act === 'tanh' ? g.op('Tanh', [a])
        : g.op('Sigmoid', [a]);
    }
  });
  const diff = g.op('Sub', [h, x]);
  const err = g.op('ReduceMean', [g.op('Mul', [diff, diff])], { axes: { ints: [1] }, keepdims: { i: 0 } });
  return g.cast(err, g.dtype, 'float32');
}
