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
import type { Matrix } from '../data/matrix.js';
import { throwIfAborted, type AbortSignalLike } from '../detectors/detector.js';

export interface Neighbors {
  /** rows × k distances, ascending per row. */
  distances: Float64Array;
  /** rows × k row indices into the reference matrix. */
  indices: Int32Array;
  k: number;
}

export interface KnnOptions {
  signal?: AbortSignalLike;
  onProgress?: (fraction: number) => void;
}

/** Query rows per block: the block's running top-k and rows stay in cache. */
const BLOCK = 64;

/**
 * The k nearest rows of `reference` for every row of `query`. When `query` is
 * omitted the reference rows query themselves and a row is not its own
 * neighbour (scikit-learn's kneighbors(X=None)); duplicates of it still are.
 */
export function kNeighbors(reference: Matrix, k: number, query?: Matrix, options: KnnOptions = {}): Neighbors {
  const self = !query;
  const Q = query ?? reference;
  const n = reference.rows;
  const d = reference.cols;
  if (Q.cols !== d) throw new RangeError(`query has ${Q.cols} columns, the reference ${d}`);
  const available = self ? n - 1 : n;
  if (!(k >= 1 && k <= available)) throw new RangeError(`n_neighbors must be in [1, ${available}], got: ${k}`);
  const distances = new Float64Array(Q.rows * k);
  const indices = new Int32Array(Q.rows * k);
  const R = reference.data;
  const X = Q.data;
  // Running top-k of squared distances per query row of the block (sorted, insertion).
  const bestD = new Float64Array(BLOCK * k);
  const bestI = new Int32Array(BLOCK * k);
  for (let start = 0; start < Q.rows; start += BLOCK) {
    const end = Math.min(Q.rows, start + BLOCK);
    const rowsHere = end - start;
    bestD.fill(Infinity);
    bestI.fill(-1);
    for (let j = 0; j < n; j++) {
      const rb = j * d;
      for (let q = 0; q < rowsHere; q++) {
        const i = start + q;
        if (self && i === j) continue;
        const qb = i * d;
        let s = 0;
        for (let c = 0; c < d; c++) {
          const t = X[qb + c] - R[rb + c];
          s += t * t;
        }
        const base = q * k;
        // Strictly smaller only: an equal distance keeps the earlier (lower) index first.
        if (s < bestD[base + k - 1]) {
          let p = k - 1;
          while (p > 0 && bestD[base + p - 1] > s) {
            bestD[base + p] = bestD[base + p - 1];
            bestI[base + p] = bestI[base + p - 1];
            p--;
          }
          bestD[base + p] = s;
          bestI[base + p] = j;
        }
      }
    }
    for (let q = 0; q < rowsHere; q++) {
      for (let m = 0; m < k; m++) {
        distances[(start + q) * k + m] = Math.sqrt(bestD[q * k + m]);
        indices[(start + q) * k + m] = bestI[q * k + m];
      }
    }
    if ((start / BLOCK) % 16 === 15) {
      throwIfAborted(options.signal);
      options.onProgress?.(end / Q.rows);
    }
  }
  return { distances, indices, k };
}

/** How many rows have more than `k` exact duplicates (LOF's reachability collapses to 0 there). */
export function duplicateRows(X: Matrix): { duplicated: number; maxCopies: number } {
  const seen = new Map<string, number>();
  for (let i = 0; i < X.rows; i++) {
    const key = Array.prototype.join.call(X.data.subarray(i * X.cols, (i + 1) * X.cols), ',');
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let duplicated = 0;
  let maxCopies = 1;
  for (const c of seen.values()) {
    if (c > 1) duplicated += c;
    if (c > maxCopies) maxCopies = c;
  }
  return { duplicated, maxCopies };
}
