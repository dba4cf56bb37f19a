/** Pieces several exporters share: a StandardScaler and squared distances to constant rows. */
import type { GraphBuilder } from './graph.js';

/** (x − mean) / scale per column, in T (data/scale.ts' standardScore, without its overflow branch). */
export function standardScaled(g: GraphBuilder, x: string, scaler: { mean: number[]; scale: number[] } | null): string {
  if (!scaler) return x;
  const d = scaler.mean.length;
  return g.op('Div', [g.op('Sub', [x, g.init('scaler_mean', scaler.mean, [1, d])]), g.init('scaler_scale', scaler.scale, [1, d])]);
}

/**
 * Squared Euclidean distances [N, m] from rows x [N, d] (in T) to the constant rows B (m × d,
 * row-major), by MatMul: ‖x − c‖² + ‖b − c‖² − 2⟨x − c, b − c⟩ with c the mean of B rounded to an integer (centring first
 * shrinks the cancellation of the expanded form, which matters most in float32), clamped at 0.
 */
export function squaredDistances(g: GraphBuilder, x: string, B: ArrayLike<number>, m: number, d: number): string {
  const c = new Float64Array(d);
  for (let j = 0; j < m; j++) for (let k = 0; k < d; k++) c[k] += B[j * d + k];
  for (let k = 0; k < d; k++) c[k] /= m;
  // The centre rounded to an integer: integer-valued data stays integer, so its expanded squared
  // distances stay exact (ties stay ties, and TopK picks the neighbours ours does).
  for (let k = 0; k < d; k++) c[k] = Math.round(c[k]);
  const Bt = new Float64Array(d * m);
  const bb = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) {
      const v = B[j * d + k] - c[k];
      Bt[k * m + j] = v;
      s += v * v;
    }
    bb[j] = s;
  }
  const xc = g.op('Sub', [x, g.init('centre', c, [1, d])]);
  const xx = g.op('ReduceSum', [g.op('Mul', [xc, xc]), g.init('axis_1', [1], [1], 'int64')], { keepdims: { i: 1 } });
  const dot = g.op('MatMul', [xc, g.init('rows_t', Bt, [d, m])]);
  const d2 = g.op('Sub', [g.op('Add', [xx, g.init('rows_sq', bb, [1, m])]), g.op('Mul', [dot, g.scalar('two', 2)])]);
  return g.op('Max', [d2, g.scalar('zero', 0)]);
}
