/**
 * The ensemble as one ONNX graph: every member's own score subgraph on the same input X, its
 * normaliser (combination.ts: zscore (s − mean) / std, minmax (s − min) / (max − min), each with a
 * zero scale taken as 1; rank = the share of the member's training scores ≤ s, by LessOrEqual
 * against them, an [N, training rows] comparison), then the combination over the members' columns:
 * average, maximization, median (sorted by TopK), weighted (Σ wⱼ sⱼ / Σ w), aom (mean of the
 * buckets' maxima), moa (max of the buckets' means).
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import { OnnxExportError, type GraphBuilder } from './graph.js';

type Normalizer = { kind: 'zscore'; mean: number; std: number } | { kind: 'minmax'; min: number; max: number } | { kind: 'rank'; sorted: number[] };

export function ensembleGraph(g: GraphBuilder, json: ModelJSON, member: (g: GraphBuilder, json: ModelJSON) => string): string {
  const s = json.state as { members: ModelJSON[]; normalizers: Normalizer[]; buckets: number[][] };
  const axis1 = g.init('axis_1', [1], [1], 'int64');
  const cols = s.members.map((mj, i) => {
    let sc: string;
    try {
      sc = member(g, mj);
    } catch (e) {
      if (e instanceof OnnxExportError) throw new OnnxExportError(`ensemble member ${i + 1} (${mj.detector}): ${e.message}`);
      throw e;
    }
    const n = s.normalizers[i];
    if (n.kind === 'zscore') sc = g.op('Div', [g.op('Sub', [sc, g.scalar('norm_mean', n.mean)]), g.scalar('norm_std', n.std === 0 ? 1 : n.std)]);
    else if (n.kind === 'minmax') sc = g.op('Div', [g.op('Sub', [sc, g.scalar('norm_min', n.min)]), g.scalar('norm_range', n.max - n.min === 0 ? 1 : n.max - n.min)]);
    else {
      const le = g.op('LessOrEqual', [g.init('norm_sorted', n.sorted, [1, n.sorted.length]), g.op('Unsqueeze', [sc, axis1])]);
      const count = g.op('ReduceSum', [g.cast(le, g.dtype, 'bool'), axis1], { keepdims: { i: 0 } });
      sc = g.op('Div', [count, g.scalar('norm_n', n.sorted.length)]);
    }
    return g.op('Unsqueeze', [sc, axis1]);
  });
  const m = cols.length;
  const S = m === 1 ? cols[0] : g.op('Concat', cols, { axis: { i: 1 } }); // [N, members]
  const kind = String(json.params.combine);
  const mean = (x: string, k: number) => g.op('Div', [g.op('ReduceSum', [x, axis1], { keepdims: { i: 0 } }), g.scalar('n_members', k)]);
  const max = (x: string) => g.op('ReduceMax', [x], { axes: { ints: [1] }, keepdims: { i: 0 } });
  const bucket = (b: number[]) => g.op('Gather', [S, g.init('bucket', b, [b.length], 'int64')], { axis: { i: 1 } });
  const stack = (xs: string[]) => (xs.length === 1 ? g.op('Unsqueeze', [xs[0], axis1]) : g.op('Concat', xs.map((x) => g.op('Unsqueeze', [x, axis1])), { axis: { i: 1 } }));
  switch (kind) {
    case 'average': return mean(S, m);
    case 'maximization': return max(S);
    case 'median': {
      const [sorted] = g.opN('TopK', [S, g.init('k_members', [m], [1], 'int64')], 2, { axis: { i: 1 }, largest: { i: 0 }, sorted: { i: 1 } });
      const at = (i: number) => g.op('Gather', [sorted, g.init('at', [i], [], 'int64')], { axis: { i: 1 } });
      return m % 2 ? at((m - 1) / 2) : g.op('Div', [g.op('Add', [at(m / 2 - 1), at(m / 2)]), g.scalar('two', 2)]);
    }
    case 'weighted': {
      const raw = JSON.parse(String(json.params.weights ?? '[]')) as number[];
      const w = raw.length ? raw : new Array(m).fill(1);
      const sum = w.reduce((a, b) => a + b, 0);
      return g.op('Div', [g.op('Reshape', [g.op('MatMul', [S, g.init('weights', w, [m, 1])]), g.init('shape_n', [-1], [1], 'int64')]), g.scalar('weight_sum', sum)]);
    }
    case 'aom': return mean(stack(s.buckets.map((b) => max(bucket(b)))), s.buckets.length);
    case 'moa': return max(stack(s.buckets.map((b) => mean(bucket(b), b.length))));
    default: throw new OnnxExportError(`ensemble: combine '${kind}' has no ONNX form`);
  }
}
