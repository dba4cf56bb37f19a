/**
 * Scoring split across threads in the CLI, as the page splits it across its
 * worker pool: this thread scores one chunk, each worker thread another.
 * Chunks are independent rows, so the scores are bit-identical to one pass.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../core/data/matrix.js';
import type { FittedModel } from '../core/detectors/detector.js';
import { kNeighbors, splitNeighbors, type Neighbors } from '../core/compute/knn.js';

/** Rows below which one thread scores everything (starting threads costs more). */
export const THREAD_ROWS = 200_000;

export class ScoringThreads {
  private readonly workers: { worker: Worker; ready: Promise<void> }[];

  /** Starts `count` threads now, so they are ready when the model is fitted. */
  constructor(count = Math.min(4, os.availableParallelism() - 1)) {
    this.workers = Array.from({ length: Math.max(0, count) }, () => {
      const worker = new Worker(new URL('./thread.mjs', import.meta.url));
      const ready = new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      return { worker, ready };
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Scores of every row of X, in row order. */
  async score(model: FittedModel, X: Matrix): Promise<Float64Array> {
    const parts = this.workers.length + 1;
    if (parts === 1 || X.rows < THREAD_ROWS) return model.score(X);
    const per = Math.ceil(X.rows / parts);
    const json = model.toJSON();
    const out = new Float64Array(X.rows);
    await Promise.all(this.workers.map((w) => w.ready));
    // Post every chunk first: scoring our own chunk below runs without yielding.
    const jobs = this.workers.map(({ worker }, w) => {
      const start = (w + 1) * per;
      const end = Math.min(X.rows, start + per);
      if (start >= end) return Promise.resolve();
      const data = X.data.slice(start * X.cols, end * X.cols);
      const reply = new Promise<{ scores?: Float64Array; error?: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ model: json, data, rows: end - start, cols: X.cols }, [data.buffer]);
      return reply.then((r) => {
        if (r.error || !r.scores) throw new Error(`scoring thread failed: ${r.error}`);
        out.set(r.scores, start);
      });
    });
    const ownRows = Math.min(per, X.rows);
    out.set(await model.score({ data: X.data.subarray(0, ownRows * X.cols), rows: ownRows, cols: X.cols }), 0);
    await Promise.all(jobs);
    return out;
  }

  /**
   * Each row's k nearest neighbours among the others, the rows split between
   * this thread and the worker threads (each gets a copy of X). The shares are
   * exact searches over all of X, so the result equals one search.
   */
  async neighbors(X: Matrix, k: number): Promise<Neighbors> {
    await Promise.all(this.workers.map((w) => w.ready));
    const shares = this.workers.length + 1;
    // Threads first (their messages go out before this thread starts its own share without yielding).
    return splitNeighbors(X, k, shares, (range, share) => {
      if (share === 0) return new Promise<Neighbors>((resolve) => setImmediate(() => resolve(kNeighbors(X, k, undefined, { rows: range }))));
      const { worker } = this.workers[share - 1];
      const data = X.data.slice();
      const reply = new Promise<{ distances?: Float64Array; indices?: Int32Array; method?: 'brute' | 'kdtree'; error?: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage({ kind: 'neighbors', data, rows: X.rows, cols: X.cols, k, range }, [data.buffer]);
      return reply.then((r) => {
        if (r.error || !r.distances || !r.indices) throw new Error(`neighbour thread failed: ${r.error}`);
        return { distances: r.distances, indices: r.indices, k, method: r.method ?? 'brute' };
      });
    });
  }

  close(): void {
    for (const { worker } of this.workers) void worker.terminate();
  }
}
