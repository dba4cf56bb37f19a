/**
 * Exact k-nearest neighbours, Euclidean: the one entry point that picks a
 * search — a blocked brute force (brute.ts), a KD-tree (kdtree.ts), WebAssembly
 * SIMD candidates (wasm.ts) or tfjs tensors (tensor.ts), each refined so all
 * give the same float64 neighbours (common.ts). The parts never import this
 * module. Neighbours come sorted by distance; equal distances are ordered by
 * row index, so results are deterministic (scikit-learn leaves that order to
 * its tree or sort, so tied neighbour sets can differ from its own).
 *
 * @example
 * const { distances, indices } = kNeighbors(X, 5); // self excluded
 */
import type { Matrix } from '../data/matrix.js';
import { useTensorPath } from '../compute/backend.js';
import { bruteNeighbors } from './brute.js';
import type { KnnOptions, Neighbors } from './common.js';
import { kdNeighbors, type PositionTree } from './kdtree.js';
import { kNeighborsTensor } from './tensor.js';
import { chooseTypedMethod, typedNeighbors } from './typed.js';
import { kNeighborsWasm, wasmKnnAvailable } from './wasm.js';

export { checkQuery, insertNeighbor, joinNeighbors, splitNeighbors, squaredDistance, type KnnOptions, type Neighbors } from './common.js';
export { bruteNeighbors } from './brute.js';
export { buildPositionTree, type PositionTree } from './kdtree.js';
export { chooseTypedMethod } from './typed.js';
export { duplicateRows } from './duplicates.js';
export { kNeighborsWasm, wasmKnnAvailable } from './wasm.js';
export { float32Bound, kNeighborsTensor, type TensorNeighbors } from './tensor.js';

/**
 * The k nearest rows of `reference` for every row of `query`. When `query` is
 * omitted the reference rows query themselves and a row is not its own
 * neighbour (scikit-learn's kneighbors(X=None)); duplicates of it still are.
 */
export function kNeighbors(reference: Matrix, k: number, query?: Matrix, options: KnnOptions & { method?: 'auto' | 'typed' | 'brute' | 'kdtree' | 'wasm' } = {}): Neighbors {
  const method = options.method ?? 'auto';
  if (method === 'kdtree') return kdNeighbors(reference, k, query, options);
  if (method === 'brute') return bruteNeighbors(reference, k, query, options);
  if (method === 'wasm') return kNeighborsWasm(reference, k, query, options);
  // 'typed': the faster float64 search, never the WebAssembly one (which falls back on it).
  if (method === 'typed') return typedNeighbors(reference, k, query, options);
  const choice = chooseMethod(reference, k, query, options.rows);
  if (choice.method === 'wasm') return kNeighborsWasm(reference, k, query, options);
  return choice.method === 'kdtree' ? kdNeighbors(reference, k, query, options, choice.tree) : bruteNeighbors(reference, k, query, options);
}

/**
 * 'auto', by measurement (all three give identical results):
 * - up to 5 columns a KD-tree, which prunes well there (50k × 2: 0.23 s, the
 *   brute force 14.5 s, the WebAssembly search 0.39 s);
 * - from 6 columns the WebAssembly SIMD search (wasm.ts), where the
 *   runtime has it (10k × 10: 0.2 s; the brute force 1.7 s, the tree 2.1 s);
 * - without it, the brute force past 16 columns, and in between both the tree
 *   and the brute force are timed on a sample of the queries and the faster runs.
 * Small references (≤ 2,000 rows) with few columns take the brute force.
 */
export function chooseMethod(reference: Matrix, k: number, query?: Matrix, range?: [number, number]): { method: 'kdtree' | 'brute' | 'wasm'; tree?: PositionTree } {
  if (reference.cols > 5 && wasmKnnAvailable()) return { method: 'wasm' };
  return chooseTypedMethod(reference, k, query, range);
}

/**
 * The search a neighbour detector should run: tensors on a GPU backend (or when
 * forced with path 'tensor'), the typed-array search otherwise. Same results.
 */
export async function neighborsFor(reference: Matrix, k: number, query: Matrix | undefined, options: KnnOptions & { backend?: string; path?: 'auto' | 'typed' | 'tensor' }): Promise<Neighbors> {
  // A GPU backend only: elsewhere the typed-array search is faster.
  return useTensorPath(options) ? kNeighborsTensor(reference, k, query, options) : kNeighbors(reference, k, query, options);
}

/** How a search ran, for a model's info.compute. */
export function searchLabel(method: Neighbors['method'] | undefined, backend?: string): string {
  if (method === 'tensor') return `float32 candidates on tfjs ${backend ?? ''} (matMul + topk), refined exactly in float64`.replace('  ', ' ');
  if (method === 'wasm') return 'exact neighbours: int16 candidates from WebAssembly SIMD, refined and proven in float64';
  return `float64 typed arrays, exact neighbours${method === 'kdtree' ? ' (KD-tree)' : method === 'brute' ? ' (blocked brute force)' : ''}`;
}
