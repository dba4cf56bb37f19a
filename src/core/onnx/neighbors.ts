/**
 * kNN (PyOD's) and LOF (scikit-learn's novelty scoring) as ONNX: the training rows are an
 * initializer, squared distances come from one MatMul (common.ts), TopK (smallest, sorted, ties
 * to the lower index as ONNX specifies — ours break ties by row index too) picks the k nearest,
 * whose distances are then computed from the differences.
 *   kNN: the k distances reduced by `method` (largest, mean, median).
 *   LOF: reach-dist = max(d(x, b), k-distance(b)); lrd(x) = 1 / (mean reach-dist + 1e-10);
 *        LOF(x) = mean over the neighbours b of lrd(b) / lrd(x).
 *
 * Size limit: the graph holds every training row and builds an [N, rows] distance matrix per
 * call, so export stops at NEIGHBOR_ROWS_LIMIT training rows or NEIGHBOR_CELLS_LIMIT numbers.
 */
import type { ModelJSON } from '../detectors/model-schema.js';
import { OnnxExportError, type GraphBuilder } from './graph.js';
import { squaredDistances } from './common.js';

/** The most training rows a kNN / LOF graph holds. */
export const NEIGHBOR_ROWS_LIMIT = 100_000;
/** The most numbers (training rows × features) a kNN / LOF graph holds: 128 MB of float64. */
export const NEIGHBOR_CELLS_LIMIT = 16_000_000;

function checkSize(what: string, rows: number, d: number): void {
  if (rows > NEIGHBOR_ROWS_LIMIT || rows * d > NEIGHBOR_CELLS_LIMIT) {
    throw new OnnxExportError(`${what} keeps its ${rows.toLocaleString('en-US')} training rows × ${d} features in the ONNX graph, and every scoring call builds a distance matrix against all of them; export allows at most ${NEIGHBOR_ROWS_LIMIT.toLocaleString('en-US')} rows and ${NEIGHBOR_CELLS_LIMIT.toLocaleString('en-US')} numbers. Fit on a sample (--param or the 'first N %' choice) to export it`);
  }
}

/**
 * [N, k] distances and [N, k] int64 indices of the k nearest training rows: TopK over the MatMul
 * squared distances picks them, then their distances are computed again from the differences
 * (Gather the k rows, subtract, square, sum): the expanded form's cancellation (a duplicate row
 * at 1e-8 instead of 0, a far row off by float32's ulp of ‖x‖²) stays out of the scores.
 */
function nearest(g: GraphBuilder, X: ArrayLike<number>, rows: number, d: number, k: number): [string, string] {
  const d2 = squaredDistances(g, 'X', X, rows, d);
  const [, idx] = g.opN('TopK', [d2, g.init('k', [k], [1], 'int64')], 2, { axis: { i: 1 }, largest: { i: 0 }, sorted: { i: 1 } });
  const chosen = g.op('Gather', [g.init('train_rows', X, [rows, d]), idx], { axis: { i: 0 } }); // [N, k, d]
  const diff = g.op('Sub', [chosen, g.op('Unsqueeze', ['X', g.init('axis_1', [1], [1], 'int64')])]);
  const dist = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [diff, diff]), g.init('axis_2', [2], [1], 'int64')], { keepdims: { i: 0 } })]);
  return [dist, idx];
}

export function knnGraph(g: GraphBuilder, json: ModelJSON): string {
  const { k, X } = json.state as { k: number; X: number[] };
  const d = json.features;
  const rows = X.length / d;
  checkSize('kNN', rows, d);
  const [dist] = nearest(g, X, rows, d, k);
  const method = String(json.params.method);
  if (method === 'largest') return g.op('ReduceMax', [dist], { axes: { ints: [1] }, keepdims: { i: 0 } });
  if (method === 'mean') return g.op('Div', [g.op('ReduceSum', [dist, g.init('axis_1', [1], [1], 'int64')], { keepdims: { i: 0 } }), g.scalar('k_t', k)]);
  // median of the k (sorted again: the exact distances may reorder near-ties): the middle one, or the mean of the two middle ones.
  const [sorted] = g.opN('TopK', [dist, g.init('k', [k], [1], 'int64')], 2, { axis: { i: 1 }, largest: { i: 0 }, sorted: { i: 1 } });
  const flat = (i: number) => g.op('Gather', [sorted, g.init('at', [i], [], 'int64')], { axis: { i: 1 } });
  if (k % 2 === 1) return flat((k - 1) / 2);
  return g.op('Div', [g.op('Add', [flat(k / 2 - 1), flat(k / 2)]), g.scalar('two', 2)]);
}

export function lofGraph(g: GraphBuilder, json: ModelJSON): string {
  const s = json.state as { k: number; X: number[]; lrd: number[]; kDistance: number[] };
  const d = json.features;
  const rows = s.lrd.length;
  checkSize('Local Outlier Factor', rows, d);
  const [dist, idx] = nearest(g, s.X, rows, d, s.k);
  const kd = g.op('Gather', [g.init('k_distance', s.kDistance, [rows]), idx], { axis: { i: 0 } });
  const reach = g.op('Max', [dist, kd]);
  const axis = g.init('axis_1', [1], [1], 'int64');
  const meanReach = g.op('Div', [g.op('ReduceSum', [reach, axis], { keepdims: { i: 1 } }), g.scalar('k_t', s.k)]);
  // 1e-10: scikit-learn's guard against a zero mean reach-distance (more than k duplicates).
  const lrdX = g.op('Div', [g.scalar('one', 1), g.op('Add', [meanReach, g.scalar('eps', 1e-10)])]);
  const lrdB = g.op('Gather', [g.init('lrd', s.lrd, [rows]), idx], { axis: { i: 0 } });
  const ratio = g.op('ReduceSum', [g.op('Div', [lrdB, lrdX]), axis], { keepdims: { i: 0 } });
  return g.op('Div', [ratio, g.scalar('k_t', s.k)]);
}
