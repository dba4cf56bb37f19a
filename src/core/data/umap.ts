/**
 * A seeded non-linear 2-D embedding for the plot (issue 23), through umap-js
 * (PAIR-code's UMAP). Refused past `UMAP_MAX_ROWS` rows: its neighbour graph
 * and epochs grow with the rows, and the page waits on it.
 */
import { UMAP } from 'umap-js';
import type { Matrix } from './matrix';
import { Random } from '../random';

/** The most rows the embedding takes (the "up to ~50k rows"). */
export const UMAP_MAX_ROWS = 50_000;

export interface UmapOptions {
  seed?: number;
  nNeighbors?: number;
  minDist?: number;
  /** Called between epochs with the fraction done (0 → 1). */
  onProgress?: (fraction: number) => void;
  /** Checked between epochs: true stops the fit (the promise rejects with an AbortError). */
  cancelled?: () => boolean;
  /** Epochs run between yields to the event loop (so a cancel message gets through). */
  epochsPerYield?: number;
}

/**
 * UMAP(2) of a matrix's rows; rows with a missing value get NaN coordinates and are left out of the fit.
 * Same seed, same rows → same coordinates.
 */
export async function umap2(m: Matrix, opts: UmapOptions = {}): Promise<{ x: Float64Array; y: Float64Array }> {
  const { seed = 0, nNeighbors = 15, minDist = 0.1, onProgress, cancelled, epochsPerYield = 5 } = opts;
  const { rows: n, cols: d, data } = m;
  if (n > UMAP_MAX_ROWS) throw new RangeError(`UMAP takes at most ${UMAP_MAX_ROWS.toLocaleString('en')} rows, this data has ${n.toLocaleString('en')}`);
  const used: number[] = [];
  const vectors: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(data.subarray(i * d, (i + 1) * d));
    if (row.every((v) => v === v)) { used.push(i); vectors.push(row); }
  }
  if (vectors.length < 3) throw new RangeError(`UMAP needs at least 3 rows without missing values, got ${vectors.length}`);
  const rng = new Random(seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(nNeighbors, vectors.length - 1), minDist, random: () => rng.float() });
  const stop = () => {
    if (cancelled?.()) throw Object.assign(new Error('UMAP cancelled'), { name: 'AbortError' });
  };
  const tick = () => new Promise<void>((r) => setTimeout(r, 0));
  onProgress?.(0);
  await tick();
  stop();
  const epochs = umap.initializeFit(vectors);
  // The neighbour graph is about a tenth of the work; the epochs the rest.
  onProgress?.(0.1);
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if ((e + 1) % epochsPerYield === 0) {
      onProgress?.(0.1 + (0.9 * (e + 1)) / epochs);
      await tick();
      stop();
    }
  }
  const emb = umap.getEmbedding();
  const x = new Float64Array(n).fill(NaN);
  const y = new Float64Array(n).fill(NaN);
  used.forEach((r, k) => { x[r] = emb[k][0]; y[r] = emb[k][1]; });
  onProgress?.(1);
  return { x, y };
}
