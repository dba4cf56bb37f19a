/**
 * The CLI's worker threads, as the page's detector pool: each thread runs the detector
 * worker's plain functions (src/workers/detector-api.ts) behind comlink's Node adapter
 * (thread-main.ts), and gets its rows and models from the data API (src/workers/data-api.ts),
 * which this thread serves to it on a MessageChannel of its own: one transport, the page's.
 * Scoring is split in row chunks, a neighbour search in shares of rows; chunks and shares are
 * independent, so the results are bit-identical to one pass.
 */
import os from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { rowRanges, type Matrix } from '../core/data/matrix.js';
import type { Dataset, NumericColumn } from '../core/data/dataset.js';
import type { FittedModel } from '../core/detectors/detector.js';
import { packModel, unpackModel } from '../core/detectors/model-pack.js';
import { loadModel } from '../core/detectors/registry.js';
import { fitModel } from '../core/detectors/run.js';
import { kNeighbors, splitNeighbors, type Neighbors } from '../core/neighbors/index.js';
import * as data from '../workers/data-api.js';
import type { FeatureSource } from '../workers/data-api.js';
import type { ThreadApi } from './thread-main.js';
import { WorkerLost } from '../workers/worker-lost.js';

/** Rows below which one thread scores everything (starting threads costs more). */
export const THREAD_ROWS = 200_000;

/** A worker thread behind comlink; `died` rejects when it fails or exits, so no call waits on a dead thread. */
export interface Thread<T> {
  api: Comlink.Remote<T>;
  worker: Worker;
  died: Promise<never>;
}

/** Start a thread running `url` (an entry that exposes an API with comlink's nodeEndpoint). */
export function startThread<T>(url: URL, what: string): Thread<T> {
  const worker = new Worker(url);
  // A WorkerLost: the CLI ends on it with one line and status 2 (main.ts), never a hang or a stack trace.
  const died = new Promise<never>((_, reject) => {
    worker.once('error', (e: Error) => reject(new WorkerLost(`a ${what} thread failed: ${oneLine(e)}`, 'error')));
    worker.once('exit', (code) => reject(new WorkerLost(`a ${what} thread stopped (exit code ${code})`, 'exit')));
  });
  died.catch(() => undefined);
  return { api: Comlink.wrap<T>(nodeEndpoint(worker)), worker, died };
}

/** An error's message as one line (a thread's error may be anything thrown). */
function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].slice(0, 300) || 'an uncaught error';
}

/** A call to a thread's API that fails when the thread does. */
function ask<T, R>(t: Thread<T>, call: (api: Comlink.Remote<T>) => Promise<R>): Promise<R> {
  return Promise.race([call(t.api), t.died]);
}

export class ScoringThreads {
  private readonly threads: (Thread<ThreadApi> & { port: MessagePort; connected: Promise<void> })[];
  private readonly modelIds = new WeakMap<FittedModel, string>();
  private readonly datasetIds = new WeakMap<Dataset, number>();
  /** Matrices still to be handed to threads before this thread runs its own share (see `fetched`). */
  private pending: { left: number; done: () => void } | null = null;

  /** Starts `count` threads now, so they are ready when the model is fitted. */
  constructor(count = Math.min(4, os.availableParallelism() - 1)) {
    // The data API as served to each thread: matrices counted as they go out.
    const served = {
      ...data,
      matrix: (src: FeatureSource, sel?: data.RowSelection) => {
        try {
          return data.matrix(src, sel);
        } finally {
          this.matrixServed();
        }
      },
    };
    this.threads = Array.from({ length: Math.max(0, count) }, () => {
      const t = startThread<ThreadApi>(new URL('./thread.mjs', import.meta.url), 'scoring');
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(served, nodeEndpoint(port1));
      const connected = ask(t, (api) => api.connectData(Comlink.transfer(port2, [port2 as unknown as Transferable])));
      connected.catch(() => undefined);
      return { ...t, port: port1, connected };
    });
  }

  get size(): number {
    return this.threads.length;
  }

  /** Serve a Dataset to the threads; they read its rows by the returned id (`FeatureSource.datasetId`). */
  add(ds: Dataset): number {
    let id = this.datasetIds.get(ds);
    if (id === undefined) {
      id = data.add(ds);
      this.datasetIds.set(ds, id);
    }
    return id;
  }

  /** Serve a row-major matrix as a Dataset of columns x0, x1, … (benchmarks and tests): its FeatureSource. */
  addMatrix(X: Matrix): FeatureSource {
    const columns: NumericColumn[] = Array.from({ length: X.cols }, (_, j) => {
      const values = new Float64Array(X.rows);
      let missing = 0, min = Infinity, max = -Infinity, sum = 0, sq = 0;
      for (let i = 0; i < X.rows; i++) {
        const v = X.data[i * X.cols + j];
        values[i] = v;
        if (v !== v) missing++;
        else {
          min = Math.min(min, v);
          max = Math.max(max, v);
          sum += v;
          sq += v * v;
        }
      }
      const n = X.rows - missing;
      const mean = sum / n;
      return { name: `x${j}`, kind: 'numeric', values, missing, min, max, mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), distinct: null };
    });
    const datasetId = this.add({ name: 'matrix', rows: X.rows, columns, delimiter: ',' });
    return { datasetId, columns: columns.map((c) => c.name), missing: 'median' };
  }

  private matrixServed(): void {
    const p = this.pending;
    if (p && --p.left === 0) {
      this.pending = null;
      // After comlink has posted the reply (it does so in a microtask once `matrix` returns).
      setImmediate(p.done);
    }
  }

  /**
   * Resolves once `n` matrices have gone out to the threads: this thread may then run its own
   * share without yielding, as the threads are not waiting on it for their rows any more.
   */
  private fetched(n: number): Promise<void> {
    if (n === 0) return Promise.resolve();
    const p = new Promise<void>((resolve) => { this.pending = { left: n, done: resolve }; });
    return Promise.race([p, ...this.threads.map((t) => t.died)]);
  }

  /**
   * An ensemble's members fitted side by side: this thread and each worker thread take the next
   * member in turn (member i with seed + i, on the rows `fitRows` of `source`; X: the same rows, as
   * held here), each with its training scores, for the ensemble to assemble (FitOptions.members):
   * the same model as fitting them one after the other. This thread starts its first member once
   * the threads have their rows (it serves them).
   */
  async fitMembers(source: FeatureSource, fitRows: data.RowSelection, X: Matrix, members: { detector: string; params: Record<string, unknown> }[], seed: number, backend?: string): Promise<{ model: FittedModel; trainingScores: Float64Array }[]> {
    const out: { model: FittedModel; trainingScores: Float64Array }[] = new Array(members.length);
    let next = 0;
    const take = () => (next < members.length ? next++ : -1);
    const remote = async (t: (typeof this.threads)[number]) => {
      await t.connected;
      for (let i = take(); i >= 0; i = take()) {
        const id = `cli-member-${Math.random().toString(36).slice(2)}`;
        const r = await ask(t, (api) => api.fit({ modelId: id, source, fitRows, detector: members[i].detector, params: members[i].params, seed: seed + i, score: null, trainingScores: true }));
        out[i] = { model: loadModel(unpackModel(data.getModel(id))), trainingScores: r.trainingScores! };
        data.dropModel(id);
      }
    };
    const local = async () => {
      await this.fetched(Math.min(this.threads.length, members.length - 1));
      for (let i = take(); i >= 0; i = take()) {
        const model = await fitModel(members[i].detector, members[i].params, X, { seed: seed + i, backend });
        out[i] = { model, trainingScores: model.trainingScores?.length === X.rows ? model.trainingScores : await model.score(X, { backend }) };
      }
    };
    // The threads take the first members (they need their rows from this thread first), this thread the next.
    const jobs = this.threads.map(remote);
    await Promise.all([...jobs, local()]);
    return out;
  }

  /** The model's id in the data API, where the threads load it from (put there packed on first use). */
  private modelId(model: FittedModel): string {
    let id = this.modelIds.get(model);
    if (!id) {
      id = `cli-${Math.random().toString(36).slice(2)}`;
      data.putModel(id, packModel(model.toJSON()));
      this.modelIds.set(model, id);
    }
    return id;
  }

  /** Scores of every row of `source` (X: the same rows, as held here), in row order. */
  async score(model: FittedModel, source: FeatureSource, X: Matrix): Promise<Float64Array> {
    const parts = this.threads.length + 1;
    if (parts === 1 || X.rows < THREAD_ROWS) return model.score(X);
    const [own, ...theirs] = rowRanges(X.rows, parts);
    const id = this.modelId(model);
    const out = new Float64Array(X.rows);
    const fetched = this.fetched(theirs.length);
    const jobs = Promise.all(theirs.map((range, t) => ask(this.threads[t], async (api) => {
      await this.threads[t].connected;
      return api.score(id, source, range);
    }).then((r) => out.set(r.scores, range[0]))));
    await Promise.race([fetched, jobs]);
    out.set(await model.score({ data: X.data.subarray(0, own[1] * X.cols), rows: own[1], cols: X.cols }), 0);
    await jobs;
    return out;
  }

  /**
   * Each row's k nearest neighbours among the others (all rows of `source`; X: the same rows,
   * as held here), the rows split between this thread and the worker threads. The shares are
   * exact searches over all rows, so the result equals one search.
   */
  async neighbors(source: FeatureSource, X: Matrix, k: number): Promise<Neighbors> {
    const fetched = this.fetched(this.threads.length);
    return splitNeighbors(X, k, this.threads.length + 1, async (range, share) => {
      if (share > 0) {
        const t = this.threads[share - 1];
        return ask(t, async (api) => {
          await t.connected;
          return api.neighbors(source, { kind: 'all' }, k, range);
        });
      }
      await fetched;
      return kNeighbors(X, k, undefined, { rows: range });
    });
  }

  /** Call thread `i`'s API once it is connected to the data API; rejects if the thread fails or stops (tune.ts runs its trials so). */
  call<R>(i: number, f: (api: Comlink.Remote<ThreadApi>) => Promise<R>): Promise<R> {
    const t = this.threads[i];
    return ask(t, async (api) => {
      await t.connected;
      return f(api);
    });
  }

  close(): void {
    for (const t of this.threads) {
      t.port.close();
      void t.worker.terminate();
    }
  }
}
