/**
 * lstm_ae / gru_ae (rnn-ae.ts) as ONNX, with ONNX's own LSTM and GRU ops. X holds consecutive rows
 * of one series, in time order (N ≥ window_size): the standardised rows (float64, then float32 as
 * ours) are cut into the N − W + 1 windows that end at rows W − 1 … N − 1 by W Slices (step s:
 * rows s … s + N − W, a negative end so N stays dynamic), stacked time-major [W, windows, C]; the
 * encoder layers read them, the last layer's final state is repeated W times (Expand) for the
 * decoder layers, a dense layer per step rebuilds the window, and a window's score is the mean over
 * steps and columns of the squared error. Rows before the first full window score 0 (warming up),
 * as ours: a graph run scores a chunk of a series as our scorer scores that chunk alone.
 *
 * Weights: tfjs' LSTM kernel columns are gates i, f, c, o; ONNX's W / R rows are i, o, f, c (each
 * transposed to [4H, in]); its bias is [Wb, Rb] with Rb = 0 (tfjs has one bias). tfjs' GRU
 * applies the reset gate before the recurrent product (h̃ = tanh(x·K_h + (r ⊙ h)·U_h + b_h)):
 * linear_before_reset = 0; gates z, r, h in both. Activations as tfjs's here: sigmoid gates, tanh.
 * The network runs in float32 as ours (tfjs): agreement is to float32 rounding.
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import type { GraphBuilder } from './graph.js';
import { weightLayout, type RnnArchitecture } from '../detectors/rnn/net.js';
import { base64ToBytes } from '../data/base64.js';

/** Rows [H·g, H·(g+1)) of ONNX's [G·H, in] matrix from columns of tfjs' [in, G·H] kernel, gates in ONNX's order. */
function onnxGates(k: Float32Array, inDim: number, H: number, order: number[]): Float32Array {
  const G = order.length;
  const out = new Float32Array(G * H * inDim);
  order.forEach((tg, og) => {
    for (let h = 0; h < H; h++) for (let i = 0; i < inDim; i++) out[(og * H + h) * inDim + i] = k[i * G * H + tg * H + h];
  });
  return out;
}

export function rnnGraph(g: GraphBuilder, json: ModelJSON): string {
  const s = json.state as { architecture: RnnArchitecture; scaler: { mean: number[]; scale: number[] }; weightData: string };
  const arch = s.architecture;
  const { window_size: W, channels: C, hidden_size: H, n_layers: L, cell } = arch;
  const bytes = base64ToBytes(s.weightData);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const weights = weightLayout(arch).map((l) => {
    const w = new Float32Array(l.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < w.length; i++, o++) w[i] = view.getFloat32(4 * o, true);
    return w;
  });
  // tfjs gate index for each ONNX gate: LSTM ONNX i,o,f,c ← tfjs i,f,c,o; GRU z,r,h ← z,r,h.
  const order = cell === 'lstm' ? [0, 3, 1, 2] : [0, 1, 2];
  const G = order.length;
  // Standardise in float64, then float32.
  let z = g.cast('X', 'float64', g.dtype);
  z = g.op('Div', [g.op('Sub', [z, g.init('scaler_mean', s.scaler.mean, [1, C], 'float64')]), g.init('scaler_scale', s.scaler.scale, [1, C], 'float64')]);
  const x = g.cast(z, 'float32', 'float64');
  const axis0 = g.init('axis_0', [0], [1], 'int64');
  const steps = Array.from({ length: W }, (_, step) => {
    const end = step === W - 1 ? 2 ** 53 : step - (W - 1);
    const sl = g.op('Slice', [x, g.init('start', [step], [1], 'int64'), g.init('end', [end], [1], 'int64'), axis0]);
    return g.op('Unsqueeze', [sl, axis0]);
  });
  const windows = W === 1 ? steps[0] : g.op('Concat', steps, { axis: { i: 0 } }); // [W, T, C]
  const axis1 = g.init('axis_1', [1], [1], 'int64');
  const layer = (input: string, l: number, inDim: number): [string, string] => {
    const [k, u, b] = weights.slice(3 * l, 3 * l + 3);
    const Wt = g.init(`W_${l}`, onnxGates(k, inDim, H, order), [1, G * H, inDim], 'float32');
    const Rt = g.init(`R_${l}`, onnxGates(u, H, H, order), [1, G * H, H], 'float32');
    const bias = new Float32Array(2 * G * H);
    order.forEach((tg, og) => bias.set(b.subarray(tg * H, (tg + 1) * H), og * H));
    const Bt = g.init(`B_${l}`, bias, [1, 2 * G * H], 'float32');
    const attrs = { hidden_size: { i: H }, ...(cell === 'gru' ? { linear_before_reset: { i: 0 } } : {}) };
    const [Y, Yh] = g.opN(cell === 'lstm' ? 'LSTM' : 'GRU', [input, Wt, Rt, Bt], 2, attrs);
    return [g.op('Squeeze', [Y, axis1]), Yh]; // Y [W, 1, T, H] → [W, T, H]; Y_h [1, T, H]
  };
  let h = windows;
  let last = '';
  for (let l = 0; l < L; l++) [h, last] = layer(h, l, l === 0 ? C : H);
  // The code (the encoder's last state) at every decoder step: [1, T, H] → [W, T, H].
  const shape = g.op('Concat', [g.init('w', [W], [1], 'int64'), g.op('Slice', [g.op('Shape', [last]), g.init('one', [1], [1], 'int64'), g.init('three', [3], [1], 'int64')])], { axis: { i: 0 } });
  h = g.op('Expand', [last, shape]);
  for (let l = 0; l < L; l++) [h] = layer(h, L + l, H);
  const n = weights.length;
  const recon = g.op('Add', [g.op('MatMul', [h, g.init('out_kernel', weights[n - 2], [H, C], 'float32')]), g.init('out_bias', weights[n - 1], [C], 'float32')]);
  const diff = g.op('Sub', [recon, windows]);
  const err = g.op('ReduceMean', [g.op('Mul', [diff, diff])], { axes: { ints: [0, 2] }, keepdims: { i: 0 } }); // [T]
  const warm = g.init('warmup_zeros', new Float32Array(W - 1), [W - 1], 'float32');
  const rows = W > 1 ? g.op('Concat', [warm, err], { axis: { i: 0 } }) : err;
  return g.cast(rows, g.dtype, 'float32');
}
