/**
 * The worker pool: `hardwareConcurrency − 1` detector workers (at least 2),
 * started lazily, each picking its tfjs backend once. A run fits on one worker
 * and, for large data on a pool of several, scores in chunks across all of
 * them. Cancel terminates the busy workers (a worker cannot be interrupted
 * mid-computation); they are rebuilt on the next call.
 */
import * as Comlink from 'comlink';
import type { BackendChoice, BackendPreference } from '../core/compute/backend';
import { rowRanges, sliceRows, type Matrix } from '../core/data/matrix';
import type { EpochReport, ModelInfo, ModelJSON } from '../core/detectors/detector';
import type * as DetectorApi from './detector-api';
import { splitNeighbors, type Neighbors } from '../core/neighbors';
import { detectorMeta } from '../core/detectors/specs';

type Remote = Comlink.Remote<typeof DetectorApi>;

interface Slot {
  worker: Worker;
  api: Remote;
  backend: Promise<BackendChoice>;
  /** Rejects when the worker dies, so a call never hangs on a dead worker. */
  died: Promise<never>;
}

export interface PoolResult {
  model: ModelJSON;
  scores: Float64Array;
  /** Whether the detector has a decision_function (= threshold − score). */
  hasDecision: boolean;
  info: ModelInfo;
  timings: { fit: number; score: number; total: number };
  backend: string;
  /** Workers that scored a share of the rows. */
  workers: number;
}

export interface PoolJob {
  detector: string;
  params: Record<string, unknown>;
  train: Matrix;
  seed: number;
  /** A fitted model to score `train` with, instead of fitting. */
  model?: ModelJSON;
  /** Rows to score when they are not the training rows (fit on `train`, score these). */
  score?: Matrix;
}

/** Rows above which scoring is split across the pool. */
const CHUNK_ROWS = 50_000;
/** Rows from which a neighbour search (LOF, kNN) is split across the pool. */
const NEIGHBOUR_ROWS = 5000;

export class DetectorPool {
  readonly size: number;
  private slots: (Slot | null)[];
  private preference: BackendPreference;

  constructor(preference: BackendPreference = 'auto', size?: number) {
    const hc = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
    // hardwareConcurrency − 1 leaves a core to the page; but with 2 cores that would leave
    // one idle through a long job (the page only draws progress meanwhile), so at least 2.
    this.size = Math.max(1, size ?? Math.max(2, hc - 1));
    this.slots = new Array(this.size).fill(null);
    this.preference = preference;
  }

  /** Change the backend preference: workers are rebuilt so each picks again. */
  setPreference(preference: BackendPreference): void {
    this.preference = preference;
    this.terminateAll();
  }

  private slot(i: number): Slot {
    let s = this.slots[i];
    if (!s) {
      const worker = new Worker(new URL('./detector.worker.ts', import.meta.url), { type: 'module', name: `detector-${i}` });
      const api = Comlink.wrap<typeof DetectorApi>(worker);
      const died = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (e) => {
          reject(new Error(`detector worker ${i} crashed: ${e.message || 'unknown error'}`));
          this.slots[i] = null;
        });
      });
      died.catch(() => undefined);
      s = { worker, api, backend: api.init(this.preference), died };
      this.slots[i] = s;
    }
    return s;
  }

  /** Each worker's backend (starting the workers if needed). */
  async backends(): Promise<BackendChoice[]> {
    return Promise.all(this.slots.map((_, i) => this.slot(i).backend));
  }

  terminateAll(): void {
    this.slots.forEach((s, i) => {
      s?.worker.terminate();
      this.slots[i] = null;
    });
  }

  /** Score rows with a fitted model on one worker (small jobs: a plot's background grid). */
  async score(model: ModelJSON, X: Matrix): Promise<Float64Array> {
    const s = this.slot(0);
    const r = await Promise.race([s.api.scoreWith(model, Comlink.transfer(X, [X.data.buffer as ArrayBuffer])), s.died]);
    return r.scores;
  }

  /**
   * Score chunks of rows (copies, transferred) on their workers with a fitted model, writing each
   * chunk's scores into `scores` at its start; the first chunk's reply says how they were computed.
   */
  private async scoreChunks(
    model: ModelJSON, chunks: { start: number; m: Matrix; slot: number }[], scores: Float64Array,
    guard: <T>(s: Slot, p: Promise<T>) => Promise<T>, onRows: (rows: number) => void,
  ): Promise<{ info: ModelInfo; hasDecision: boolean }> {
    const replies = await Promise.all(chunks.map(async (c) => {
      const s = this.slot(c.slot);
      const r = await guard(s, s.api.scoreWith(model, Comlink.transfer(c.m, [c.m.data.buffer as ArrayBuffer])));
      scores.set(r.scores, c.start);
      onRows(c.m.rows);
      return r;
    }));
    return { info: replies[0]?.info, hasDecision: replies[0]?.hasDecision };
  }

  /** Per-feature explanation of a few rows (null when the detector has none). */
  async explain(model: ModelJSON, X: Matrix): Promise<Float64Array | null> {
    const s = this.slot(0);
    return Promise.race([s.api.explain(model, Comlink.transfer(X, [X.data.buffer as ArrayBuffer])), s.died]);
  }

  /** Fit and score; `signal` aborts by terminating the workers. */
  async run(job: PoolJob, options: { signal?: AbortSignal; onProgress?: (fraction: number, message?: string) => void; onEpoch?: (e: EpochReport) => void } = {}): Promise<PoolResult> {
    const { signal, onProgress } = options;
    const t0 = performance.now();
    const aborted = new Promise<never>((_, reject) => {
      signal?.addEventListener('abort', () => {
        this.terminateAll();
        reject(new DOMException('cancelled', 'AbortError'));
      });
    });
    aborted.catch(() => undefined);
    const guard = <T>(s: Slot, p: Promise<T>) => Promise.race([p, s.died, aborted]);
    const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
    const epochs = options.onEpoch ? Comlink.proxy(options.onEpoch) : undefined;
    const first = this.slot(0);
    await guard(first, first.backend);
    const rows = job.train.rows;
    // A neighbour search is quadratic: the fitting worker hands it back here, and every worker searches a share of the rows.
    const split = this.size > 1 && !job.model && rows >= NEIGHBOUR_ROWS && detectorMeta(job.detector).usesNeighbors === true;
    const neighbours = split
      ? Comlink.proxy((X: Matrix, k: number): Promise<Neighbors> => {
        let done = 0;
        return splitNeighbors(X, k, this.size, async (range, share) => {
          const s = this.slot(share);
          const copy = X.data.slice();
          const nb = await guard(s, s.api.neighbors(Comlink.transfer({ data: copy, rows: X.rows, cols: X.cols }, [copy.buffer as ArrayBuffer]), k, range));
          done += range[1] - range[0];
          onProgress?.(0.7 * (done / X.rows), `neighbours (${this.size} workers)`);
          return nb;
        });
      })
      : undefined;
    const n = this.size;
    if (job.model && !job.score && n > 1 && rows >= CHUNK_ROWS) {
      // A saved model on many rows: every worker scores a chunk (no fit).
      const chunks = rowRanges(rows, n).map(([a, b], k) => ({ start: a, m: sliceRows(job.train, a, b), slot: k }));
      const scores = new Float64Array(rows);
      let done = 0;
      const meta = await this.scoreChunks(job.model, chunks, scores, guard, (k) => onProgress?.((done += k) / rows, 'scoring'));
      const t1 = performance.now();
      return { model: job.model, scores, ...meta, timings: { fit: 0, score: t1 - t0, total: t1 - t0 }, backend: (await first.backend).backend, workers: n };
    }
    if (n === 1 || rows < CHUNK_ROWS || job.model || job.score) {
      const buffers = [job.train.data.buffer, ...(job.score ? [job.score.data.buffer] : [])] as ArrayBuffer[];
      const r = await guard(first, first.api.run(Comlink.transfer(job, buffers), progress, epochs, neighbours));
      return { model: r.model, scores: r.scores, hasDecision: r.hasDecision, info: r.info, timings: { ...r.timings, total: performance.now() - t0 }, backend: r.backend, workers: split ? n : 1 };
    }
    // Copies of the chunks the other workers score; the whole matrix then moves (no copy) to
    // the first worker, which fits on it and keeps it to score the first chunk meanwhile.
    const ranges = rowRanges(rows, n);
    const chunks = ranges.slice(1).map(([a, b], k) => ({ start: a, m: sliceRows(job.train, a, b), slot: k + 1 }));
    const fitted = await guard(first, first.api.fit(Comlink.transfer(job, [job.train.data.buffer as ArrayBuffer]), progress, epochs, neighbours));
    const t1 = performance.now();
    if (fitted.trainingScores) {
      return { model: fitted.model, scores: fitted.trainingScores, hasDecision: fitted.hasDecision, info: fitted.info, timings: { fit: fitted.fitMs, score: 0, total: t1 - t0 }, backend: fitted.backend, workers: split ? n : 1 };
    }
    const scores = new Float64Array(rows);
    let done = 0;
    const report = (k: number) => {
      done += k;
      onProgress?.(0.7 + (0.3 * done) / rows, 'scoring');
    };
    await Promise.all([
      guard(first, first.api.scoreKept(0, ranges[0][1])).then((s) => { scores.set(s, 0); report(s.length); }),
      this.scoreChunks(fitted.model, chunks, scores, guard, report),
    ]);
    const t2 = performance.now();
    return { model: fitted.model, scores, hasDecision: fitted.hasDecision, info: fitted.info, timings: { fit: fitted.fitMs, score: t2 - t1, total: t2 - t0 }, backend: fitted.backend, workers: n };
  }
}
