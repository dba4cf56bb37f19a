/**
 * Isolation Forest as ONNX: ai.onnx.ml TreeEnsembleRegressor sums each row's path lengths over
 * the trees (a leaf's value is its depth plus c(n_leaf), the fitted forest's own `value`, so the
 * c(n) adjustment is already in it), then scikit-learn's formula
 *   score = −score_samples = 2^(−E[h(x)] / c(max_samples)),   E[h] = Σ h / n_trees.
 * Splits go left when x ≤ threshold (BRANCH_LEQ: ours sends x > threshold right).
 *
 * Thresholds: float64 graphs carry them as doubles (nodes_values_as_tensor, ai.onnx.ml opset 3),
 * so every split decides as ours. float32 graphs carry floats, each rounded down to the largest
 * float32 ≤ the double threshold: a float32 input then splits exactly as its own value would in
 * our float64 walk (x ≤ t ⇔ x ≤ round_down(t) for float32 x). TreeEnsembleRegressor's output is
 * float32 in opset 3, so a float64 graph gives each tree two targets, the leaf value's float32 part
 * and the float32 of the rest, and sums the [N, 2·trees] parts in float64: E[h] to ~1e-15 rather than
 * float32's 6e-8 (which an ensemble's normaliser magnified past 1e-6). A float32 graph sums in one target.
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import type { GraphBuilder } from './graph.js';
import { float32Below } from './float32.js';

interface Forest { offsets: number[]; feature: number[]; threshold: (number | null)[]; left: number[]; value: number[] }

/** c(n) of Isolation Forest (iforest.ts' averagePathLength, restated so src/core/onnx loads no detector code). */
function pathNorm(n: number): number {
  return n <= 1 ? 0 : n === 2 ? 1 : 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

export function iforestGraph(g: GraphBuilder, json: ModelJSON): string {
  const s = json.state as { maxSamples: number; forest: Forest };
  const f = s.forest;
  const trees = f.offsets.length - 1;
  const norm = pathNorm(s.maxSamples);
  const tree: number[] = [], node: number[] = [], feat: number[] = [], modes: string[] = [], vals: number[] = [], tr: number[] = [], fa: number[] = [];
  const tTree: number[] = [], tNode: number[] = [], tId: number[] = [], tW: number[] = [];
  for (let t = 0; t < trees; t++) {
    const base = f.offsets[t];
    for (let n = 0; n < f.offsets[t + 1] - base; n++) {
      const i = base + n;
      tree.push(t);
      node.push(n);
      if (f.feature[i] >= 0) {
        feat.push(f.feature[i]);
        modes.push('BRANCH_LEQ');
        const th = f.threshold[i] as number;
        vals.push(g.dtype === 'float64' ? th : float32Below(th));
        tr.push(f.left[i]);
        fa.push(f.left[i] + 1);
      } else {
        feat.push(0);
        modes.push('LEAF');
        vals.push(0);
        tr.push(0);
        fa.push(0);
        const v = f.value[i];
        if (g.dtype === 'float64') {
          // Two targets per tree: the leaf value's float32 part and the float32 rounding of the rest,
          // so that the float32 output carries it to ~1e-15 (summed in float64 below).
          const hi = Math.fround(v);
          tTree.push(t, t);
          tNode.push(n, n);
          tId.push(2 * t, 2 * t + 1);
          tW.push(hi, v - hi);
        } else {
          tTree.push(t);
          tNode.push(n);
          tId.push(0);
          tW.push(v);
        }
      }
    }
  }
  const double = g.dtype === 'float64';
  const out = g.op('TreeEnsembleRegressor', ['X'], {
    n_targets: { i: double ? 2 * trees : 1 }, aggregate_function: { s: 'SUM' }, post_transform: { s: 'NONE' },
    nodes_treeids: { ints: tree }, nodes_nodeids: { ints: node }, nodes_featureids: { ints: feat }, nodes_modes: { strings: modes },
    ...(double ? { nodes_values_as_tensor: { t: { dims: [vals.length], type: 'float64', values: vals } } } : { nodes_values: { floats: vals } }),
    nodes_truenodeids: { ints: tr }, nodes_falsenodeids: { ints: fa },
    target_treeids: { ints: tTree }, target_nodeids: { ints: tNode }, target_ids: { ints: tId },
    ...(double ? { target_weights_as_tensor: { t: { dims: [tW.length], type: 'float64', values: tW } } } : { target_weights: { floats: tW } }),
  }, 'ai.onnx.ml');
  // float64: [N, 2·trees] float32 parts summed in float64; float32: [N, 1] → [N].
  const flat = double
    ? g.op('ReduceSum', [g.cast(out, 'float64', 'float32'), g.init('axis_1', [1], [1], 'int64')], { keepdims: { i: 0 } })
    : g.op('Reshape', [out, g.init('shape_n', [-1], [1], 'int64')]);
  // max_samples 1: c(1) = 0, every score 0.5 (scikit-learn takes the ratio as 1), as iforest.ts does.
  if (norm === 0) return g.op('Add', [g.op('Mul', [flat, g.scalar('zero', 0)]), g.scalar('half', 0.5)]);
  const mean = g.op('Div', [flat, g.scalar('n_trees', trees)]);
  return g.op('Exp', [g.op('Mul', [g.op('Div', [mean, g.scalar('c_max_samples', norm)]), g.scalar('minus_ln2', -Math.LN2)])]);
}
