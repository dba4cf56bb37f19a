/**
 * Fits for `anomaly-lab stream` on a worker thread (stream-fit-main.ts): the engine's refit job
 * awaits a fit that runs beside the main thread, which goes on scoring with the old model: the work
 * is off the scoring path (engine.ts's swap 'ready'). One thread, one fit at a time (the engine
 * starts one job at a time). A thread that cannot start or dies makes every later fit run on the
 * main thread instead, said once on stderr.
 */
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../core/data/matrix.js';
import type { DetectorSpec, FittedModel, ModelJSON } from '../core/detectors/detector.js';
import type { Params } from '../core/detectors/params.js';

export interface FitRequest {
  id: number;
  detector: string;
  params: Params;
  seed: number;
  data: Float64Array;
  rows: number;
  cols: number;
}

export type FitResponse = { id: number; json: ModelJSON; error?: undefined } | { id: number; error: { name: string; message: string } };

export class FitThread {
  private worker: Worker | null = null;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (j: ModelJSON) => void; reject: (e: Error) => void }>();
  private broken = false;

  constructor(private readonly warn: (m: string) => void) {}

  /** `spec.fit(X, params)` on the thread (X is copied there), the model loaded back here. */
  async fit(spec: DetectorSpec, X: Matrix, params: Params, seed: number): Promise<FittedModel> {
    const w = this.broken ? null : this.start();
    if (!w) return spec.fit(X, params, { seed });
    const id = this.next++;
    const json = await new Promise<ModelJSON>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.ref(); // a fit being waited for keeps the command alive
      const data = X.data.slice(0, X.rows * X.cols);
      w.postMessage({ id, detector: spec.id, params, seed, data, rows: X.rows, cols: X.cols } satisfies FitRequest, [data.buffer]);
    });
    return spec.load(json);
  }

  private start(): Worker | null {
    if (this.worker) return this.worker;
    const url = new URL('./stream-fit.mjs', import.meta.url);
    try {
      const w = new Worker(url);
      w.unref(); // an idle fit thread never keeps the command alive
      w.on('message', (r: FitResponse) => {
        const p = this.waiting.get(r.id);
        if (!p) return;
        this.waiting.delete(r.id);
        if (this.waiting.size === 0) w.unref();
        if (r.error) p.reject(Object.assign(r.error.name === 'RangeError' ? new RangeError(r.error.message) : r.error.name === 'TypeError' ? new TypeError(r.error.message) : new Error(r.error.message), { name: r.error.name }));
        else p.resolve(r.json);
      });
      const lost = (why: string) => {
        if (!this.broken) this.warn(`the fit thread ${why}: fits run on the main thread from now on`);
        this.broken = true;
        this.worker = null;
        for (const p of this.waiting.values()) p.reject(new Error(`the fit thread ${why}`));
        this.waiting.clear();
      };
      w.on('error', (e: Error) => lost(`failed (${e.message.split('\n')[0]})`));
      w.on('exit', (code) => code !== 0 && lost(`stopped (exit code ${code})`));
      this.worker = w;
      return w;
    } catch (e) {
      this.broken = true;
      this.warn(`the fit thread did not start (${(e as Error).message}): fits run on the main thread`);
      return null;
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.broken = true;
    if (w) await w.terminate();
  }
}
