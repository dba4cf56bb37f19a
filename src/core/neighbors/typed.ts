/**
 * The float64 typed-array search: the KD-tree or the brute force, whichever is
 * faster for this reference (both give identical neighbours). The WebAssembly
 * search falls back on it.
 */
import type { Matrix } from '../data/matrix.js';
import { bruteNeighbors } from './brute.js';
import type { KnnOptions, Neighbors } from './common.js';
import { kdNeighbors, kdTree, type PositionTree } from './kdtree.js';

/** The faster of the float64 typed-array searches here: the KD-tree or the brute force. */
export function chooseTypedMethod(reference: Matrix, k: number, query?: Matrix, range?: [number, number]): { method: 'kdtree' | 'brute'; tree?: PositionTree } {
  const d = reference.cols;
  const r0 = range?.[0] ?? 0;
  const rows = (range ? range[1] : (query ?? reference).rows) - r0;
  if (reference.rows <= 2000 || d > 16) return { method: 'brute' };
  if (d <= 5) return { method: 'kdtree' };
  // The tree is built once (O(n log² n)) and kept; only the queries are timed.
  const tree = kdTree(reference);
  const Q = query ?? reference;
  const m = Math.min(128, rows);
  const step = Math.max(1, Math.floor(rows / m));
  const sample = new Float64Array(m * d);
  for (let i = 0; i < m; i++) sample.set(Q.data.subarray((r0 + i * step) * d, (r0 + i * step + 1) * d), i * d);
  const S = { data: sample, rows: m, cols: d };
  const kk = Math.min(k, reference.rows);
  let t = performance.now();
  kdNeighbors(reference, kk, S, {}, tree);
  const kdMs = performance.now() - t;
  t = performance.now();
  bruteNeighbors(reference, kk, S, {});
  const bruteMs = performance.now() - t;
  return kdMs <= bruteMs ? { method: 'kdtree', tree } : { method: 'brute' };
}

/** The neighbours by the faster float64 search here (kNeighbors' method 'typed'). */
export function typedNeighbors(reference: Matrix, k: number, query: Matrix | undefined, options: KnnOptions): Neighbors {
  const choice = chooseTypedMethod(reference, k, query, options.rows);
  return choice.method === 'kdtree' ? kdNeighbors(reference, k, query, options, choice.tree) : bruteNeighbors(reference, k, query, options);
}
