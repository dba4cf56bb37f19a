/**
 * What every neighbour search here shares: the result type, the options, the
 * query check, the running top-k insert and the float64 distance they all
 * compare, so every search gives the same neighbours bit for bit. Also joining
 * the shares of one search split across workers or threads.
 */
import { rowRanges, type Matrix } from '../data/matrix.js';
import type { AbortSignalLike } from '../abort.js';

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
