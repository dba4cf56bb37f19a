/**
 * Scoring split across threads in the CLI, as the page splits it across its
 * worker pool: this thread scores one chunk, each worker thread another.
 * Chunks are independent rows, so the scores are bit-identical to one pass.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { rowRanges, sliceRows, type Matrix } from '../core/data/matrix.js';
import type { FittedModel } from '../core/detectors/detector.js';
import { kNeighbors, splitNeighbors, type Neighbors } from '../core/neighbors/index.js';

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

  /** Post one job to a thread and wait for its one reply (an `error` field is the thread's failure). */
  private ask<T>(worker: Worker, message: unknown, transfer: ArrayBuffer[], what: string): Promise<T> {
    const reply = new Promise<T & { error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage(message, transfer);
    return reply.then((r) => {
      if (r.error) throw new Error(`${what} thread failed: ${r.error}`);
      return r;
    });
  }

  /** Scores of every row of X, in row order. */
  async score(model: FittedModel, X: Matrix): Promise<Float64Array> {
    const parts = this.workers.length + 1;
    if (parts === 1 || X.rows < THREAD_ROWS) return model.score(X);
    const [own, ...theirs] = rowRanges(X.rows, parts);
    const json = model.toJSON();
    const out = new Float64Array(X.rows);
    await Promise.all(this.workers.map((w) => w.ready));
    // Post every chunk first: scoring our own chunk below runs without yielding.
    const jobs = theirs.map(([start, end], w) => {
      const { data, rows, cols } = sliceRows(X, start, end);
      return this.ask<{ scores: Float64Array }>(this.workers[w].worker, { model: json, data, rows, cols }, [data.buffer as ArrayBuffer], 'scoring')
        .then((r) => out.set(r.scores, start));
    });
    out.set(await model.score({ data: X.data.subarray(0, own[1] * X.cols), rows: own[1], cols: X.cols }), 0);
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
    return splitNeighbors(X, k, shares, async (range, share) => {
      if (share === 0) return new Promise<Neighbors>((resolve) => setImmediate(() => resolve(kNeighbors(X, k, undefined, { rows: range }))));
      const data = X.data.slice();
      const r = await this.ask<{ distances: Float64Array; indices: Int32Array; method?: Neighbors['method'] }>(
        this.workers[share - 1].worker, { kind: 'neighbors', data, rows: X.rows, cols: X.cols, k, range }, [data.buffer as ArrayBuffer], 'neighbour');
      return { distances: r.distances, indices: r.indices, k, method: r.method ?? 'brute' };
    });
  }

  close(): void {
    for (const { worker } of this.workers) void worker.terminate();
  }
}
