/**
 * z-score as ONNX: max over columns of |x − centre| / scale (zscore.ts), a zero scale dividing by
 * +∞ so its column adds 0, exactly as ours does.
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import type { GraphBuilder } from './graph.js';

export function zscoreGraph(g: GraphBuilder, json: ModelJSON): string {
  const { center, scale } = json.state as { center: number[]; scale: number[] };
  const d = center.length;
  const c = g.init('center', center, [1, d]);
  const s = g.init('scale', scale.map((v) => (v === 0 ? Infinity : v)), [1, d]);
  const z = g.op('Div', [g.op('Abs', [g.op('Sub', ['X', c])]), s]);
  return g.op('ReduceMax', [z], { axes: { ints: [1] }, keepdims: { i: 0 } });
}
