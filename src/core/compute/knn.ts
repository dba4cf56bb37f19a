/**
 * Exact k-nearest neighbours, Euclidean, in float64: a blocked brute force
 * (each block of query rows against every reference row), never an n × n
 * matrix. Neighbours come sorted by distance; equal distances are ordered by
 * row index, so results are deterministic (scikit-learn leaves that order to
 * its tree or sort, so tied neighbour sets can differ from its own).
 *
 * @example
 * const { distances, indices } = kNeighbors(X, 5); // self excluded
 */
import { rowRanges, type Matrix } from '../data/matrix.js';
import { throwIfAborted, type AbortSignalLike } from '../abort.js';
import { kNeighborsWasm, wasmKnnAvailable } from './knn-wasm.js';

export interface Neighbors {
  /** rows × k distances, ascending per row. */
  distances: Float64Array;
  /** rows × k row indices into the reference matrix. */
  indices: Int32Array;
  k: number;
  /**
   * Which search ran (the results are the same either way; 'tensor': float32 candidates on a tfjs
   * backend, 'wasm': int16 candidates from WebAssembly SIMD, both refined in float64).
   */
  method: 'brute' | 'kdtree' | 'tensor' | 'wasm';
}

export interface KnnOptions {
  signal?: AbortSignalLike;
  onProgress?: (fraction: number) => void;
  /**
   * Only these query rows [start, end) (the result has end − start rows): a
   * share of one search, for splitting it across workers or threads. With the
   * reference querying itself a row still skips itself by its absolute index.
   */
  rows?: [number, number];
}

/**
 * Put (squared distance s, row j) into the ascending list bestD / bestI[base, base + k) if it
 * belongs there, ordered by distance and then by row index (so results never depend on the
 * order rows are visited in). Every search here keeps its running top-k with this.
 */
export function insertNeighbor(bestD: Float64Array, bestI: Int32Array, base: number, k: number, s: number, j: number): void {
  const last = base + k - 1;
  if (!(s < bestD[last] || (s === bestD[last] && j < bestI[last]))) return;
  let p = last;
  while (p > base && (bestD[p - 1] > s || (bestD[p - 1] === s && bestI[p - 1] > j))) {
    bestD[p] = bestD[p - 1];
    bestI[p] = bestI[p - 1];
    p--;
  }
  bestD[p] = s;
  bestI[p] = j;
}

/**
 * ‖x − r‖² for the rows at offsets xb of X and rb of R, summed column by column in order: the
 * float64 value every search here compares (refining candidates included), so all agree bit for bit.
 */
export function squaredDistance(X: Float64Array, xb: number, R: Float64Array, rb: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const t = X[xb + c] - R[rb + c];
    s += t * t;
  }
  return s;
}

/** Query rows per block: the block's running top-k and rows stay in cache. */
const BLOCK = 64;

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
  const choice = method === 'typed' ? chooseTypedMethod(reference, k, query, options.rows) : chooseMethod(reference, k, query, options.rows);
  if (choice.method === 'wasm') return kNeighborsWasm(reference, k, query, options);
  return choice.method === 'kdtree' ? kdNeighbors(reference, k, query, options, choice.tree) : bruteNeighbors(reference, k, query, options);
}

/**
 * 'auto', by measurement (all three give identical results):
 * - up to 5 columns a KD-tree, which prunes well there (50k × 2: 0.23 s, the
 *   brute force 14.5 s, the WebAssembly search 0.39 s);
 * - from 6 columns the WebAssembly SIMD search (knn-wasm.ts), where the
 *   runtime has it (10k × 10: 0.2 s; the brute force 1.7 s, the tree 2.1 s);
 * - without it, the brute force past 16 columns, and in between both the tree
 *   and the brute force are timed on a sample of the queries and the faster runs.
 * Small references (≤ 2,000 rows) with few columns take the brute force.
 */
export function chooseMethod(reference: Matrix, k: number, query?: Matrix, range?: [number, number]): { method: 'kdtree' | 'brute' | 'wasm'; tree?: PositionTree } {
  if (reference.cols > 5 && wasmKnnAvailable()) return { method: 'wasm' };
  return chooseTypedMethod(reference, k, query, range);
}

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

/** The query set (the reference itself when absent, then without self-matches), checked against k. */
export function checkQuery(reference: Matrix, k: number, query: Matrix | undefined, range?: [number, number]): { self: boolean; Q: Matrix; n: number; d: number; r0: number; r1: number } {
  const self = !query;
  const Q = query ?? reference;
  const n = reference.rows;
  const d = reference.cols;
  if (Q.cols !== d) throw new RangeError(`query has ${Q.cols} columns, the reference ${d}`);
  const available = self ? n - 1 : n;
  if (!(k >= 1 && k <= available)) throw new RangeError(`n_neighbors must be in [1, ${available}], got: ${k}`);
  const r0 = range?.[0] ?? 0;
  const r1 = range?.[1] ?? Q.rows;
  if (!(r0 >= 0 && r1 <= Q.rows && r0 <= r1)) throw new RangeError(`query rows [${r0}, ${r1}) are outside [0, ${Q.rows})`);
  return { self, Q, n, d, r0, r1 };
}

function bruteNeighbors(reference: Matrix, k: number, query: Matrix | undefined, options: KnnOptions): Neighbors {
  const { self, Q, n, d, r0, r1 } = checkQuery(reference, k, query, options.rows);
  const distances = new Float64Array((r1 - r0) * k);
  const indices = new Int32Array((r1 - r0) * k);
  const R = reference.data;
  const X = Q.data;
  // Running top-k of squared distances per query row of the block (sorted, insertion).
  const bestD = new Float64Array(BLOCK * k);
  const bestI = new Int32Array(BLOCK * k);
  for (let start = r0; start < r1; start += BLOCK) {
    const end = Math.min(r1, start + BLOCK);
    const rowsHere = end - start;
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (let j = 0; j < n; j++) {
      const rb = j * d;
      let q = 0;
      // Four query rows at a time: four independent add chains (≈1.6× on one core); each
      // distance is still summed column by column in order, so results are unchanged.
      for (; q + 3 < rowsHere; q += 4) {
        const i = start + q;
        const q0 = i * d;
        const q1 = q0 + d;
        const q2 = q1 + d;
        const q3 = q2 + d;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let c = 0; c < d; c++) {
          const r = R[rb + c];
          const t0 = X[q0 + c] - r;
          const t1 = X[q1 + c] - r;
          const t2 = X[q2 + c] - r;
          const t3 = X[q3 + c] - r;
          s0 += t0 * t0;
          s1 += t1 * t1;
          s2 += t2 * t2;
          s3 += t3 * t3;
        }
        if (!(self && i === j)) insertNeighbor(bestD, bestI, q * k, k, s0, j);
        if (!(self && i + 1 === j)) insertNeighbor(bestD, bestI, (q + 1) * k, k, s1, j);
        if (!(self && i + 2 === j)) insertNeighbor(bestD, bestI, (q + 2) * k, k, s2, j);
        if (!(self && i + 3 === j)) insertNeighbor(bestD, bestI, (q + 3) * k, k, s3, j);
      }
      for (; q < rowsHere; q++) {
        const i = start + q;
        if (self && i === j) continue;
        const qb = i * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = X[qb + c] - R[rb + c];
          s += t * t;
        }
        insertNeighbor(bestD, bestI, q * k, k, s, j);
      }
    }
    for (let q = 0; q < rowsHere; q++) {
      for (let m = 0; m < k; m++) {
        distances[(start - r0 + q) * k + m] = Math.sqrt(bestD[q * k + m]);
        indices[(start - r0 + q) * k + m] = bestI[q * k + m];
      }
    }
    if (((start - r0) / BLOCK) % 16 === 15) {
      throwIfAborted(options.signal);
      options.onProgress?.((end - r0) / (r1 - r0));
    }
  }
  return { distances, indices, k, method: 'brute' };
}

/**
 * The same neighbours through a KD-tree (median splits on the widest
 * dimension, leaves of up to 32 rows). Distances are summed in the same
 * column order and ties ordered by index, so the result is identical to the
 * brute force — only faster in few dimensions.
 */
function kdNeighbors(reference: Matrix, k: number, query: Matrix | undefined, options: KnnOptions, built?: PositionTree): Neighbors {
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
const kdTree = (reference: Matrix): PositionTree => buildPositionTree(reference.data, reference.cols, 0, reference.rows, 32, 1);

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

/**
 * How many rows have an exact duplicate (`duplicated`: rows in groups of two or
 * more) and the largest group (`maxCopies`); LOF's reachability collapses to 0
 * where a group exceeds k. Rows are hashed on their values' bits (−0 as 0) and
 * compared only within a hash: O(n·d), not a string per row.
 */
export function duplicateRows(X: Matrix): { duplicated: number; maxCopies: number } {
  const { data, rows, cols } = X;
  if (rows === 0) return { duplicated: 0, maxCopies: 1 };
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
  const hash = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let h = 0x811c9dc5 | 0;
    for (let c = 0, o = i * cols; c < cols; c++, o++) {
      const zero = data[o] === 0;
      h = Math.imul(h ^ (zero ? 0 : bits[2 * o]), 16777619);
      h = Math.imul(h ^ (zero ? 0 : bits[2 * o + 1]), 16777619);
    }
    hash[i] = h;
  }
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => hash[a] - hash[b] || a - b);
  const same = (a: number, b: number): boolean => {
    for (let c = 0; c < cols; c++) if (data[a * cols + c] !== data[b * cols + c]) return false;
    return true;
  };
  let duplicated = 0;
  let maxCopies = 1;
  const pending: number[] = [];
  for (let s = 0; s < rows; ) {
    let e = s + 1;
    while (e < rows && hash[order[e]] === hash[order[s]]) e++;
    // One hash: split into groups of identical rows (a collision rarely makes more than one).
    pending.length = 0;
    for (let p = s; p < e; p++) pending.push(order[p]);
    while (pending.length > 0) {
      const first = pending[0];
      let copies = 0;
      let keep = 0;
      for (let p = 0; p < pending.length; p++) {
        if (same(first, pending[p])) copies++;
        else pending[keep++] = pending[p];
      }
      pending.length = keep;
      if (copies > 1) duplicated += copies;
      if (copies > maxCopies) maxCopies = copies;
    }
    s = e;
  }
  return { duplicated, maxCopies };
}

/** Join the shares of one search made with `rows` ranges (in order, covering every query row). */
export function joinNeighbors(parts: Neighbors[]): Neighbors {
  const k = parts[0].k;
  const rows = parts.reduce((s, p) => s + p.distances.length / k, 0);
  const distances = new Float64Array(rows * k);
  const indices = new Int32Array(rows * k);
  let at = 0;
  for (const p of parts) {
    distances.set(p.distances, at);
    indices.set(p.indices, at);
    at += p.distances.length;
  }
  return { distances, indices, k, method: parts[0].method };
}

/**
 * A self-search (each row of X against all of X, itself excluded) split into
 * `shares` row ranges, each given to `run` (another worker or thread, or here).
 */
export async function splitNeighbors(X: Matrix, k: number, shares: number, run: (range: [number, number], share: number) => Promise<Neighbors>): Promise<Neighbors> {
  return joinNeighbors(await Promise.all(rowRanges(X.rows, shares).map((r, i) => run(r, i))));
}
