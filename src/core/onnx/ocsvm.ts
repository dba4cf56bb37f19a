/**
 * The One-class SVM as ONNX (score = −decision_function, ocsvm.ts):
 *   exact:     score = ρ − Σ αᵢ K(x, svᵢ) over the support vectors (linear: ρ − ⟨x, Σ αᵢ svᵢ⟩),
 *   Nystroem:  score = offset − ⟨w, φ(x)⟩ with φ = K(x, basis) · normalization, rounded to float32
 *              as ours stores the features (a Cast there and back reproduces it),
 * on the standardised rows when the model has a scaler. Kernels (compute/kernels.ts):
 * rbf exp(−γ‖x − s‖²) (the squared distance by MatMul, common.ts), linear ⟨x, s⟩,
 * poly (γ⟨x, s⟩ + coef0)^degree, sigmoid tanh(γ⟨x, s⟩ + coef0).
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import type { GraphBuilder } from './graph.js';
import { squaredDistances, standardScaled } from './common.js';

interface Kernel { kernel: 'rbf' | 'linear' | 'poly' | 'sigmoid'; gamma: number; degree: number; coef0: number }

/** K(x, B) [N, m] for rows x [N, d] and constant rows B (m × d). */
function kernelMatrix(g: GraphBuilder, x: string, B: ArrayLike<number>, m: number, d: number, k: Kernel): string {
  if (k.kernel === 'rbf') return g.op('Exp', [g.op('Mul', [squaredDistances(g, x, B, m, d), g.scalar('minus_gamma', -k.gamma)])]);
  const Bt = new Float64Array(d * m);
  for (let j = 0; j < m; j++) for (let c = 0; c < d; c++) Bt[c * m + j] = B[j * d + c];
  const dot = g.op('MatMul', [x, g.init('basis_t', Bt, [d, m])]);
  if (k.kernel === 'linear') return dot;
  const u = g.op('Add', [g.op('Mul', [dot, g.scalar('gamma', k.gamma)]), g.scalar('coef0', k.coef0)]);
  if (k.kernel === 'sigmoid') return g.op('Tanh', [u]);
  return g.op('Pow', [u, g.scalar('degree', k.degree)]);
}

export function ocsvmGraph(g: GraphBuilder, json: ModelJSON): string {
  const s = json.state as { method: 'exact' | 'nystroem'; kernel: Kernel; scaler: { mean: number[]; scale: number[] } | null; rho: number; coef: number[]; sv: number[]; components: number; basis: number[]; normalization: number[]; offset: number };
  const d = json.features;
  const x = standardScaled(g, 'X', s.scaler);
  const shape = g.init('shape_n', [-1], [1], 'int64');
  if (s.method === 'exact' && s.kernel.kernel === 'linear') {
    // Σ αᵢ⟨x, svᵢ⟩ = ⟨x, w⟩ with w = Σ αᵢ svᵢ summed in float64 here: d products instead of m
    // large terms that cancel (float32 graphs lost the score to that cancellation).
    const w = new Float64Array(d);
    for (let i = 0; i < s.coef.length; i++) for (let c = 0; c < d; c++) w[c] += s.coef[i] * s.sv[i * d + c];
    const dot = g.op('Reshape', [g.op('MatMul', [x, g.init('primal_w', w, [d, 1])]), shape]);
    return g.op('Sub', [g.scalar('rho', s.rho), dot]);
  }
  if (s.method === 'exact') {
    const m = s.coef.length;
    const K = kernelMatrix(g, x, s.sv, m, d, s.kernel);
    const sum = g.op('Reshape', [g.op('MatMul', [K, g.init('dual_coef', s.coef, [m, 1])]), shape]);
    return g.op('Sub', [g.scalar('rho', s.rho), sum]);
  }
  const c = s.components;
  const K = kernelMatrix(g, x, s.basis, c, d, s.kernel);
  let phi = g.op('MatMul', [K, g.init('normalization', s.normalization, [c, c])]);
  // Ours keeps φ in a Float32Array: round it as ours does.
  if (g.dtype === 'float64') phi = g.cast(g.cast(phi, 'float32', 'float64'), 'float64', 'float32');
  const dot = g.op('Reshape', [g.op('MatMul', [phi, g.init('sgd_coef', s.coef, [c, 1])]), shape]);
  return g.op('Sub', [g.scalar('offset', s.offset), dot]);
}
