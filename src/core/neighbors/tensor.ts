/**
 * Exact k nearest neighbours with the quadratic part on a tfjs backend (a GPU
 * through WebGPU): squared distances of a tile of query rows to every
 * reference row from one matMul, ‖q‖² + ‖r‖² − 2⟨q, r⟩, and tf.topk of the
 * tile — never an n × n matrix, tiles of at most ~8M distances.
 *
 * What float32 changes: only which rows become candidates. The GPU picks the
 * k + margin nearest by float32 distance; the CPU then computes those
 * candidates' distances in float64 exactly as the typed-array search does
 * (column by column, ties by row index) and keeps the k nearest. A row is
 * accepted only when the float32 value of its last candidate, less a bound on
 * the float32 error of the expansion, still
 * exceeds its exact k-th distance: then no row left out can be nearer or tie.
 * The bound (float32Bound) covers rounding the inputs to float32 and d-term
 * float32 sums, with room to spare, for every row that could still be nearer
 * than the k-th: such a row has ‖r‖² ≤ 2‖q‖² + 2·(k-th distance)², so the bound
 * follows the row's own scale, not the farthest row's. The rows are centred on
 * the reference's column means in float64 first, so the norms in the bound are
 * those of the spread, not of the offset.
 * Rows that fail the check (a tight margin, or rounding near many ties) are
 * searched again exactly on the CPU. So the result equals kNeighbors' — the
 * tests check it — and `refined` says how many rows needed the CPU search.
 */
import type { Matrix } from '../data/matrix.js';
import { AbortError } from '../abort.js';
import { bruteNeighbors } from './brute.js';
import { checkQuery, insertNeighbor, squaredDistance, type KnnOptions, type Neighbors } from './common.js';

export interface TensorNeighbors extends Neighbors {
  /** Rows whose float32 candidates could not be proven complete, searched exactly on the CPU instead. */
  refined: number;
}

/** Extra float32 candidates per row beyond k. */
const MARGIN = 8;
const EPS32 = 2 ** -23;

/**
 * How far a float32 value ‖r‖² − 2⟨q, r⟩ (centred rows rounded to float32, a d-term float32 sum)
 * can be from the exact one, for any row r at least as near q as the exact k-th distance `kth`
 * (the only rows a proof of completeness has to rule out): rounding the inputs and the sums costs
 * at most about (d + 2)·2⁻²⁴·(‖q‖² + ‖r‖²) — doubled here, for room to spare — and such a row
 * has ‖r‖² ≤ 2‖q‖² + 2·kth. The last term is float64 slack for the centring itself.
 * Shared by this path and the WebAssembly one (wasm.ts).
 */
export function float32Bound(d: number, qNorm: number, kth: number, maxNorm: number): number {
  return (2 * d + 8) * EPS32 * (3 * qNorm + 2 * (1 + 1e-9) * kth) + 1e-12 * (qNorm + maxNorm);
}

export async function kNeighborsTensor(reference: Matrix, k: number, query?: Matrix, options: KnnOptions = {}): Promise<TensorNeighbors> {
  const { self, Q, n, d, r0, r1 } = checkQuery(reference, k, query, options.rows);
  const tf = await import('@tensorflow/tfjs-core');
  const R = reference.data;
  const X = Q.data;
  // Candidates: k + margin, one more when a row finds itself, never more than the reference has.
  const K = Math.min(n, k + MARGIN + (self ? 1 : 0));
  // Distances do not change under translation: centre on the reference's column means (in float64)
  // before rounding to float32, so data far from the origin keeps its precision and the bound stays tight.
  const centre = new Float64Array(d);
  for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) centre[c] += R[j * d + c];
  for (let c = 0; c < d; c++) centre[c] /= n;
  const Rc = new Float32Array(n * d);
  const rNormHost = new Float64Array(n);
  let maxNorm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = R[j * d + c] - centre[c];
      Rc[j * d + c] = v;
      s += v * v;
    }
    rNormHost[j] = s;
    if (s > maxNorm) maxNorm = s;
  }
  const Rt = tf.tensor2d(Rc, [n, d]);
  const rNorm = tf.tensor2d(Float32Array.from(rNormHost), [1, n]);
  const distances = new Float64Array((r1 - r0) * k);
  const indices = new Int32Array((r1 - r0) * k);
  const tile = Math.max(1, Math.min(r1 - r0, Math.floor(8_000_000 / n)));
  const candD = new Float64Array(K);
  const candI = new Int32Array(K);
  const redo: number[] = [];
  try {
    for (let s = r0; s < r1; s += tile) {
      if (options.signal?.aborted) throw new AbortError();
      const e = Math.min(r1, s + tile);
      const rowsHere = e - s;
      const qc = new Float32Array(rowsHere * d);
      for (let t = 0; t < rowsHere; t++) for (let c = 0; c < d; c++) qc[t * d + c] = X[(s + t) * d + c] - centre[c];
      const { values, idx } = tf.tidy(() => {
        const q = tf.tensor2d(qc, [rowsHere, d]);
        const d2 = tf.sub(tf.add(tf.sum(tf.square(q), 1, true), rNorm), tf.mul(tf.matMul(q, Rt, false, true), 2));
        const top = tf.topk(tf.neg(d2), K, true);
        return { values: top.values, idx: top.indices };
      });
      const [v32, i32] = await Promise.all([values.data(), idx.data()]);
      values.dispose();
      idx.dispose();
      for (let t = 0; t < rowsHere; t++) {
        const i = s + t;
        const qb = i * d;
        let qNorm = 0;
        for (let c = 0; c < d; c++) qNorm += qc[t * d + c] * qc[t * d + c];
        // Exact float64 distances of the candidates (self dropped), sorted by (distance, index).
        let m = 0;
        candD.fill(Infinity);
        candI.fill(0x7fffffff);
        for (let p = 0; p < K; p++) {
          const j = i32[t * K + p];
          if (self && j === i) continue;
          insertNeighbor(candD, candI, 0, K, squaredDistance(X, qb, R, j * d, d), j);
          m++;
        }
        // Every row left out has float32 distance ≥ the last candidate's; proven farther than the k-th if
        // that value, less the float32 error bound, is still above the exact k-th distance.
        const lastF32 = -v32[t * K + K - 1];
        // The float32 error bound on the centred values, plus float64 slack for the centring itself.
        const complete = K >= n || lastF32 - float32Bound(d, qNorm, candD[k - 1], maxNorm) > candD[k - 1];
        if (m < k || !complete) {
          redo.push(i);
          continue;
        }
        for (let p = 0; p < k; p++) {
          distances[(i - r0) * k + p] = Math.sqrt(candD[p]);
          indices[(i - r0) * k + p] = candI[p];
        }
      }
      options.onProgress?.((e - r0) / (r1 - r0));
    }
  } finally {
    Rt.dispose();
    rNorm.dispose();
  }
  // Rows the float32 candidates could not settle: the exact CPU search, one row at a time.
  for (const i of redo) {
    if (options.signal?.aborted) throw new AbortError();
    const nb = self
      ? bruteNeighbors(reference, k, undefined, { rows: [i, i + 1] })
      : bruteNeighbors(reference, k, { data: X.subarray(i * d, (i + 1) * d), rows: 1, cols: d }, {});
    distances.set(nb.distances, (i - r0) * k);
    indices.set(nb.indices, (i - r0) * k);
  }
  return { distances, indices, k, method: 'tensor', refined: redo.length };
}
