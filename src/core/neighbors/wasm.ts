/**
 * Exact k nearest neighbours on the CPU, fast: candidates from a WebAssembly
 * SIMD kernel on rows quantised to int16 (wasm/knn.wat: 4 query rows × 8
 * reference rows, two columns per instruction), pruned by a KD-tree over both
 * sides, then refined in float64.
 *
 * - Both sides are ordered by a KD-tree (median splits on the widest column).
 *   A leaf of query rows is searched as one block: the reference is walked
 *   from the side of each split holding the block's centre, and a node is
 *   skipped when the distance between the two boxes exceeds every block row's
 *   current radius (in few columns most are; in ten or more, few).
 * - Quantising: rows are centred on the reference's column means and scaled so
 *   the largest value is ±M (M ≤ 16383, and 3·d·M² < 2³¹), then rounded. The
 *   kernel's values ‖r'‖² − 2⟨q', r'⟩ = ‖q' − r'‖² − ‖q'‖² are then exact
 *   int32 arithmetic; each row keeps its k + margin smallest.
 * - What quantising changes: only which rows become candidates. Their
 *   distances are computed again in float64 exactly as the typed-array search
 *   does (column by column on the original values, ties by row index). Rounding
 *   moves each column by at most half a unit on each side, so ‖q' − r'‖ is
 *   within √d units of scale·‖q − r‖. A row is accepted when its last
 *   candidate's ‖q' − r'‖ exceeds scale·(exact k-th distance) + √d: then no row
 *   left out of a scanned node can be as near as the k-th, and a skipped node's
 *   rows lie beyond the radius, which is at least that last candidate's. So the
 *   result equals kNeighbors' brute force bit for bit. Rows that fail the check
 *   (many exact ties, as duplicated rows give) are searched exactly instead.
 */
import type { Matrix } from '../data/matrix.js';
import { base64ToBytes } from '../data/base64.js';
import { throwIfAborted } from '../abort.js';
import { bruteNeighbors } from './brute.js';
import { checkQuery, insertNeighbor, squaredDistance, type KnnOptions, type Neighbors } from './common.js';
import { buildPositionTree } from './kdtree.js';
import { typedNeighbors } from './typed.js';
import { WASM_BASE64 } from './wasm/knn.wasm.js';

/** Extra candidates per row beyond k (one more when a row finds itself); 4 left 1 % of 50k × 10 rows unproven. */
const MARGIN = 8;
/**
 * Rows per KD-tree leaf: a reference leaf is scanned at once (256: 8 % faster than 64 on 10 columns,
 * the same on 6), a query leaf is one block.
 */
const REF_LEAF = 256;
const QUERY_LEAF = 64;
/**
 * When more than this share of the rows searched so far (at least BAIL_AFTER of them) could not be
 * proven, the quantised search is no help here (one huge value squeezes the rest into few units, or
 * ties everywhere): the remaining rows go to the float64 search directly.
 */
const BAIL_SHARE = 0.25;
const BAIL_AFTER = 1024;
/** Reference rows travel in groups of 8 (two SIMD lanes of 4); tree splits fall on group boundaries. */
const GROUP = 8;

interface Kernel {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scan: (q: number, quads: number, hv: number, hi: number, K: number, r: number, rn: number, g0: number, g1: number, dp: number, scratch: number) => number;
  reach: (hv: number, qn: number, K: number, rows: number) => number;
}

/**
 * The part of the WebAssembly API used here, typed locally: src/core compiles without the DOM's
 * or Node's types, and both runtimes (and workers) have it.
 */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** The compiled kernel module, or null where WebAssembly SIMD is not available. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    try {
      const bytes = base64ToBytes(WASM_BASE64);
      compiled = wasmApi && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether this runtime can run the SIMD search (Node ≥ 16, every current browser). */
export function wasmKnnAvailable(): boolean {
  return kernelModule() !== null;
}

/** Squared distance between two boxes (0 where they overlap); never more than any pair of rows in them computes. */
function boxGap(aLo: Float64Array, aHi: Float64Array, a: number, bLo: Float64Array, bHi: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const g1 = bLo[b + c] - aHi[a + c];
    const g2 = aLo[a + c] - bHi[b + c];
    const g = g1 > 0 ? g1 : g2 > 0 ? g2 : 0;
    s += g * g;
  }
  return s;
}

/** Bytes, rounded up to 16. */
const pad16 = (n: number) => (n + 15) & ~15;
/** A list not yet full (its threshold lets everything in) / a padding row (lets nothing in). */
const EMPTY = 0x7fffffff;
const PADDING = -0x80000000;

/**
 * The k nearest rows of `reference` for each query row (the reference itself
 * when `query` is omitted, a row then not its own neighbour), exactly as
 * kNeighbors computes them. Throws where WebAssembly SIMD is not available.
 */
export function kNeighborsWasm(reference: Matrix, k: number, query?: Matrix, options: KnnOptions = {}): Neighbors & { refined: number } {
  const mod = kernelModule();
  if (!mod) throw new Error('WebAssembly SIMD is not available here');
  const { self, Q, n, d, r0, r1 } = checkQuery(reference, k, query, options.rows);
  if (d === 0) return { ...bruteNeighbors(reference, k, query, options), refined: 0 };
  const R = reference.data;
  const X = Q.data;
  const K = Math.min(n, k + MARGIN + (self ? 1 : 0));
  const rows = r1 - r0;
  const distances = new Float64Array(rows * k);
  const indices = new Int32Array(rows * k);
  if (rows === 0) return { distances, indices, k, method: 'wasm', refined: 0 };

  // Distances do not change under translation: centre on the reference's column means (float64) first.
  const centre = new Float64Array(d);
  for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) centre[c] += R[j * d + c];
  for (let c = 0; c < d; c++) centre[c] /= n;
  // One scale for both sides: the largest centred value maps to ±M, with M such that
  // ‖r‖² − 2⟨q, r⟩ (at most 3·d·M²) fits in int32 and −2q in int16.
  let maxAbs = 0;
  let maxNorm = 0;
  for (let j = 0; j < n; j++) {
    let s2 = 0;
    for (let c = 0; c < d; c++) {
      const v = R[j * d + c] - centre[c];
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
      s2 += v * v;
    }
    if (s2 > maxNorm) maxNorm = s2;
  }
  if (!self) {
    for (let i = r0 * d; i < r1 * d; i++) {
      const a = Math.abs(X[i] - centre[i % d]);
      if (a > maxAbs) maxAbs = a;
    }
  }
  const M = Math.min(16383, Math.floor(Math.sqrt((2 ** 31 - 2) / (3 * d))));
  const scale = maxAbs > 0 ? M / maxAbs : 1;
  const sqrtD = Math.sqrt(d);

  const rt = buildPositionTree(R, d, 0, n, REF_LEAF, GROUP);
  const qt = buildPositionTree(X, d, r0, rows, QUERY_LEAF, 4);
  const groups = Math.ceil(n / GROUP);
  const dp = (d + 1) >> 1;

  // Memory: reference groups, their norms, one query block, its lists, scratch.
  const rOff = 0;
  const rnOff = rOff + groups * dp * 32;
  const qOff = rnOff + groups * 32;
  const hvOff = qOff + pad16((QUERY_LEAF + 3) * dp * 4);
  const listBytes = pad16((QUERY_LEAF + 3) * K * 4);
  const hiOff = hvOff + listBytes;
  const qnOff = hiOff + listBytes;
  const scratchOff = qnOff + pad16((QUERY_LEAF + 3) * 4);
  const total = scratchOff + 128;
  const kernel = new wasmApi!.Instance(mod, {}).exports as Kernel;
  const need = Math.ceil(total / 65536) - kernel.memory.buffer.byteLength / 65536;
  if (need > 0) {
    try {
      kernel.memory.grow(need);
    } catch {
      // Past what this runtime gives one module (~4 GB, less on phones): the float64 search instead.
      return { ...typedNeighbors(reference, k, query, options), refined: 0 };
    }
  }
  const i16 = new Int16Array(kernel.memory.buffer);
  const i32 = new Int32Array(kernel.memory.buffer);

  // The reference in tree order (float64, the original values): the candidates of a row lie near each
  // other in this order, so refining them reads few cache lines.
  const Rt = new Float64Array(n * d);
  for (let p = 0; p < n; p++) Rt.set(R.subarray(rt.order[p] * d, (rt.order[p] + 1) * d), p * d);

  // Reference rows in tree order, centred and quantised, 8 to a group: [g][column pair][lane][2].
  const rnBase = rnOff >> 2;
  for (let p = 0; p < groups * GROUP; p++) {
    if (p >= n) {
      i32[rnBase + p] = EMPTY;
      continue;
    }
    const g = p >> 3;
    const lane = p & 7;
    const rb = rt.order[p] * d;
    let s2 = 0;
    for (let c = 0; c < d; c++) {
      const v = Math.round((R[rb + c] - centre[c]) * scale);
      i16[(rOff >> 1) + ((g * dp + (c >> 1)) * 8 + lane) * 2 + (c & 1)] = v;
      s2 += v * v;
    }
    i32[rnBase + p] = s2;
  }

  const candD = new Float64Array(K);
  const candI = new Int32Array(K);
  const stackNode = new Int32Array(rt.nodes + 8);
  const qBoxLo = new Float64Array(d);
  const qBoxHi = new Float64Array(d);
  const qMid = new Float64Array(d);
  const redo: number[] = [];
  const hvBase = hvOff >> 2;
  const hiBase = hiOff >> 2;
  const qBase = qOff >> 1;
  const qnBase = qnOff >> 2;
  // Float64 slack for the centring and the scaling (each ~1e-16 relative).
  const slack = 1e-14 * Math.sqrt(maxNorm);
  let done = 0;

  // Query blocks: each leaf, in pieces of at most QUERY_LEAF rows (a leaf of identical rows can be larger).
  const blocks: number[] = [];
  for (let id = 0; id < qt.nodes; id++) {
    if (qt.left[id] < 0) for (let p = qt.lo[id]; p < qt.hi[id]; p += QUERY_LEAF) blocks.push(id, p);
  }
  let bailed = false;
  for (let block = 0; block < blocks.length; block += 2) {
    if (done >= BAIL_AFTER && redo.length > BAIL_SHARE * done) {
      for (let rest = block; rest < blocks.length; rest += 2) {
        const leafRows = qt.hi[blocks[rest]];
        for (let p = blocks[rest + 1]; p < Math.min(leafRows, blocks[rest + 1] + QUERY_LEAF); p++) redo.push(qt.order[p]);
      }
      bailed = true;
      break;
    }
    const leafId = blocks[block];
    const a = blocks[block + 1];
    const m = Math.min(QUERY_LEAF, qt.hi[leafId] - a);
    throwIfAborted(options.signal);
    const quads = (m + 3) >> 2;
    // The block: −2·q per row (quantised), by quad and column pair, 4 rows to a quad; ‖q‖² exact.
    i16.fill(0, qBase, qBase + quads * dp * 8);
    for (let t = 0; t < quads * 4; t++) {
      let s2 = 0;
      if (t < m) {
        const qb = qt.order[a + t] * d;
        for (let c = 0; c < d; c++) {
          const v = Math.round((X[qb + c] - centre[c]) * scale);
          i16[qBase + (((t >> 2) * dp + (c >> 1)) * 4 + (t & 3)) * 2 + (c & 1)] = -2 * v;
          s2 += v * v;
        }
      }
      i32[qnBase + t] = s2;
      i32.fill(t < m ? EMPTY : PADDING, hvBase + t * K, hvBase + (t + 1) * K);
    }
    for (let c = 0; c < d; c++) {
      qBoxLo[c] = qt.boxLo[leafId * d + c];
      qBoxHi[c] = qt.boxHi[leafId * d + c];
      qMid[c] = 0.5 * (qBoxLo[c] + qBoxHi[c]);
    }
    // The block's radius (squared, in the data's units): the largest of its rows' ‖q − r‖² at the
    // last candidate, unscaled. A skipped node's rows are farther; the proof below puts each row's
    // exact k-th distance inside it.
    let radius = Infinity;
    const unscale = (1 + 1e-9) / (scale * scale);
    let top = 0;
    stackNode[top++] = 0;
    while (top > 0) {
      const id = stackNode[--top];
      if (radius < Infinity && boxGap(qBoxLo, qBoxHi, 0, rt.boxLo, rt.boxHi, id * d, d) > radius) continue;
      if (rt.left[id] < 0) {
        const g0 = rt.lo[id] >> 3;
        const g1 = (rt.hi[id] + GROUP - 1) >> 3;
        if (kernel.scan(qOff, quads, hvOff, hiOff, K, rOff, rnOff, g0, g1, dp, scratchOff) > 0) radius = kernel.reach(hvOff, qnOff, K, m) * unscale;
        continue;
      }
      // The side of the split holding the block's centre on top of the stack, searched first: the lists
      // fill with near rows early, so later rows rarely get in.
      const centreLeft = qMid[rt.dim[id]] < rt.split[id];
      stackNode[top++] = centreLeft ? rt.right[id] : rt.left[id];
      stackNode[top++] = centreLeft ? rt.left[id] : rt.right[id];
    }
    // Refine: the candidates' exact float64 distances, sorted by (distance, row); then the proof.
    for (let t = 0; t < m; t++) {
      const i = qt.order[a + t];
      const qb = i * d;
      candD.fill(Infinity);
      candI.fill(0x7fffffff);
      let found = 0;
      for (let p = 0; p < K; p++) {
        if (i32[hvBase + t * K + p] === EMPTY) break;
        const pos = i32[hiBase + t * K + p];
        const j = rt.order[pos];
        if (self && j === i) continue;
        insertNeighbor(candD, candI, 0, K, squaredDistance(X, qb, Rt, pos * d, d), j);
        found++;
      }
      // Every row left out has ‖q' − r'‖² ≥ (last value + ‖q'‖²) in quantised units (exact integers),
      // and quantising moves ‖q − r‖ by at most √d units. So a row as near as the exact k-th
      // distance would have ‖q' − r'‖ ≤ scale·kth + √d: when that is below the last value's, none was left out.
      const last = i32[hvBase + t * K + K - 1];
      const reach = scale * (Math.sqrt(candD[k - 1]) * (1 + 1e-12) + slack) + sqrtD * (1 + 1e-9);
      // (With K ≥ n every row is in the list: the list fills only once every row was scanned.)
      const complete = last === EMPTY || K >= n || i32[qnBase + t] + last > reach * reach;
      if (found < k || !complete) {
        redo.push(i);
        continue;
      }
      const o = (i - r0) * k;
      for (let p = 0; p < k; p++) {
        distances[o + p] = Math.sqrt(candD[p]);
        indices[o + p] = candI[p];
      }
    }
    done += m;
    options.onProgress?.(done / rows);
  }
  // Progress stays monotone: the exact search of the leftover rows fills what the blocks left to 1.
  const from = done / rows;
  const onProgress = options.onProgress && ((f: number) => options.onProgress!(from + f * (1 - from)));
  const typed = redo.length > 0 ? exactRows(reference, k, X, self, redo, r0, distances, indices, { signal: options.signal, onProgress }) : 'brute';
  if (redo.length > 0) options.onProgress?.(1);
  // Reported as the search that gave most rows.
  return { distances, indices, k, method: bailed ? typed : 'wasm', refined: redo.length };
}

/**
 * The rows the quantised candidates could not settle (many exact ties, as
 * duplicated rows give): the exact float64 search for them together (the
 * KD-tree or the brute force, whichever is faster there). A row that
 * is its own reference asks for k + 1 and drops itself, which leaves exactly
 * the self-excluding k (ties still ordered by row index).
 */
function exactRows(reference: Matrix, k: number, X: Float64Array, self: boolean, redo: number[], r0: number, distances: Float64Array, indices: Int32Array, options: KnnOptions): Neighbors['method'] {
  const d = reference.cols;
  const sub = new Float64Array(redo.length * d);
  redo.forEach((i, t) => sub.set(X.subarray(i * d, (i + 1) * d), t * d));
  const kk = self ? k + 1 : k;
  const nb = typedNeighbors(reference, kk, { data: sub, rows: redo.length, cols: d }, { signal: options.signal, onProgress: options.onProgress });
  redo.forEach((i, t) => {
    let p = 0;
    for (let s = 0; s < kk && p < k; s++) {
      const j = nb.indices[t * kk + s];
      if (self && j === i) continue;
      distances[(i - r0) * k + p] = nb.distances[t * kk + s];
      indices[(i - r0) * k + p] = j;
      p++;
    }
  });
  return nb.method;
}
