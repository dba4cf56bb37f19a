/**
 * The KD-tree: building one over some rows (also used by the WebAssembly
 * search to order both sides), and the float64 search through it.
 */
import type { Matrix } from '../data/matrix.js';
import { throwIfAborted } from '../abort.js';
import { checkQuery, insertNeighbor, squaredDistance, type KnnOptions, type Neighbors } from './common.js';

/**
 * The same neighbours through a KD-tree (median splits on the widest
 * dimension, leaves of up to 32 rows). Distances are summed in the same
 * column order and ties ordered by index, so the result is identical to the
 * brute force — only faster in few dimensions.
 */
export function kdNeighbors(reference: Matrix, k: number, query: Matrix | undefined, options: KnnOptions, built?: PositionTree): Neighbors {
  const { self, Q, n, d, r0, r1 } = checkQuery(reference, k, query, options.rows);
  const R = reference.data;
  const X = Q.data;
  const { order, lo: nodeLo, hi: nodeHi, dim: nodeDim, split: nodeSplit, left: nodeLeft, right: rightOf, boxLo, boxHi } = built ?? kdTree(reference);
  /**
   * Squared distance from the query to a node's bounding box, summed over the columns in order.
   * Rounding is monotone, so no row inside the box computes a smaller distance than this: pruning
   * on it never drops a neighbour or a tie (sklearn's KD-tree bounds its nodes the same way).
   */
  const boxDist = (id: number, qb: number): number => {
    let s = 0;
    for (let c = 0, o = id * d; c < d; c++) {
      const v = X[qb + c];
      const lo = boxLo[o + c];
      const hi = boxHi[o + c];
      const g = v < lo ? lo - v : v > hi ? v - hi : 0;
      s += g * g;
    }
    return s;
  };
  const distances = new Float64Array((r1 - r0) * k);
  const indices = new Int32Array((r1 - r0) * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  const stack = new Int32Array(256);
  const bound = new Float64Array(256);
  for (let i = r0; i < r1; i++) {
    const qb = i * d;
    bestD.fill(Infinity);
    bestI.fill(0x7fffffff);
    let top = 0;
    stack[top] = 0;
    bound[top++] = 0;
    while (top > 0) {
      const id = stack[--top];
      // Prune only when strictly farther: an equal distance may still win on the index.
      if (bound[top] > bestD[k - 1]) continue;
      if (nodeLeft[id] < 0) {
        for (let p = nodeLo[id]; p < nodeHi[id]; p++) {
          const j = order[p];
          if (self && j === i) continue;
          insertNeighbor(bestD, bestI, 0, k, squaredDistance(X, qb, R, j * d, d), j);
        }
        continue;
      }
      const diff = X[qb + nodeDim[id]] - nodeSplit[id];
      const near = diff < 0 ? nodeLeft[id] : rightOf[id];
      const far = diff < 0 ? rightOf[id] : nodeLeft[id];
      // Far side first on the stack, so the near side is searched first; each with its box's distance.
      const farBound = boxDist(far, qb);
      if (!(farBound > bestD[k - 1])) {
        stack[top] = far;
        bound[top++] = farBound;
      }
      stack[top] = near;
      bound[top++] = boxDist(near, qb);
    }
    for (let m = 0; m < k; m++) {
      distances[(i - r0) * k + m] = Math.sqrt(bestD[m]);
      indices[(i - r0) * k + m] = bestI[m];
    }
    if (((i - r0) & 4095) === 4095) {
      throwIfAborted(options.signal);
      options.onProgress?.((i - r0) / (r1 - r0));
    }
  }
  return { distances, indices, k, method: 'kdtree' };
}

/** The float64 search's KD-tree over the reference rows: leaves of up to 32 rows. */
export const kdTree = (reference: Matrix): PositionTree => buildPositionTree(reference.data, reference.cols, 0, reference.rows, 32, 1);

/** A KD-tree over some rows, in positions: node i covers positions [lo[i], hi[i]) of `order`. */
export interface PositionTree {
  /** order[p] = the row at position p. */
  order: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  /** Children (−1 for a leaf). */
  left: Int32Array;
  right: Int32Array;
  /** The column a node splits on, and the value: rows on the left are ≤ it, on the right ≥. */
  dim: Int32Array;
  split: Float64Array;
  /** Bounding boxes of the original float64 values, nodes × d. */
  boxLo: Float64Array;
  boxHi: Float64Array;
  nodes: number;
}

/**
 * A KD-tree over `rows` rows of X starting at `first` (positions 0..rows−1 ↦ rows first + order[p]):
 * median splits on the widest column, left sides a multiple of `align` rows, leaves of at most `leaf`.
 */
export function buildPositionTree(X: Float64Array, d: number, first: number, rows: number, leaf: number, align: number): PositionTree {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = first + i;
  const cap = 2 * Math.ceil(rows / Math.max(1, leaf >> 1)) + 2;
  const lo = new Int32Array(cap);
  const hi = new Int32Array(cap);
  const left = new Int32Array(cap).fill(-1);
  const right = new Int32Array(cap).fill(-1);
  const dim = new Int32Array(cap);
  const split = new Float64Array(cap);
  const boxLo = new Float64Array(cap * d);
  const boxHi = new Float64Array(cap * d);
  const keys = new Float64Array(rows);
  let nodes = 0;
  const stack: number[] = [];
  const make = (a: number, b: number): number => {
    const id = nodes++;
    lo[id] = a;
    hi[id] = b;
    for (let c = 0; c < d; c++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let p = a; p < b; p++) {
        const v = X[order[p] * d + c];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      boxLo[id * d + c] = mn;
      boxHi[id * d + c] = mx;
    }
    if (b - a > leaf) stack.push(id);
    return id;
  };
  make(0, rows);
  while (stack.length > 0) {
    const id = stack.pop()!;
    const a = lo[id];
    const b = hi[id];
    let best = 0;
    let spread = -1;
    for (let c = 0; c < d; c++) {
      const s = boxHi[id * d + c] - boxLo[id * d + c];
      if (s > spread) {
        spread = s;
        best = c;
      }
    }
    if (!(spread > 0)) continue; // all rows equal: a leaf however large
    const mid = a + align * Math.ceil((b - a) / (2 * align));
    if (mid >= b) continue;
    for (let p = a; p < b; p++) keys[p] = X[order[p] * d + best];
    select(order, keys, a, b - 1, mid);
    dim[id] = best;
    split[id] = keys[mid];
    left[id] = make(a, mid);
    right[id] = make(mid, b);
  }
  return { order, lo, hi, left, right, dim, split, boxLo, boxHi, nodes };
}

/** Quickselect: rearrange order / keys in [a, b] so position m holds the m-th smallest key, smaller ones before it. */
function select(order: Int32Array, keys: Float64Array, a: number, b: number, m: number): void {
  while (b > a) {
    const pivot = keys[(a + b) >> 1];
    let i = a;
    let j = b;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const tk = keys[i];
        keys[i] = keys[j];
        keys[j] = tk;
        const to = order[i];
        order[i] = order[j];
        order[j] = to;
        i++;
        j--;
      }
    }
    if (m <= j) b = j;
    else if (m >= i) a = i;
    else return;
  }
}
