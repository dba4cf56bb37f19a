/**
 * The worker pool: `hardwareConcurrency − 1` detector workers (at least 2),
 * started lazily, each picking its tfjs backend once and connected to the data
 * worker by its own MessagePort. The main thread passes ids, never rows: a run
 * names a dataset, its columns and which rows to fit on; each detector worker
 * fetches its matrix from the data worker; the fitted model stays in the worker
 * (and, packed, in the data worker) under an id that scoring, explaining and the
 * plot's surface use. Large data is scored in chunks across all workers; a
 * neighbour search (LOF, kNN) is split across them first and handed to the fit
 * as a value. Cancel terminates the busy workers (a worker cannot be
 * interrupted mid-computation); they are rebuilt on the next call, and models
 * come back from the data worker. A worker that fails (an uncaught error: its
 * 'error' event; or gone: closed, crashed, out of memory, which a page learns
 * only from the Web Lock the worker held being granted to the pool) rejects
 * whatever waits on it with a WorkerLost and is replaced the same way; `run`
 * retries a job whose worker went away once on the next backend.
 *
 * `rowBytes` counts the bytes of row data (matrices) in every message between
 * the page and the detector workers: by design it stays 0.
 */
import * as Comlink from 'comlink';
import type { BackendChoice, BackendPreference } from '../core/compute/backend';
import { rowRanges } from '../core/data/matrix';
import type { Imputation, MissingPolicy } from '../core/data/prepare';
import type { EpochReport, ModelInfo, ModelJSON } from '../core/detectors/detector';
import { joinNeighbors, type Neighbors } from '../core/neighbors/common';
import { detectorMeta, neighborsToSearch } from '../core/detectors/specs';
import { resolveParams } from '../core/detectors/params';
import type { FoldResult, FoldTask, TrialSetup } from '../core/tune/trial';
import type * as DetectorApi from './detector-api';
import type { FeatureSource, RowSelection } from './data-api';
import { dataPort, dataWorker } from './data-client';
import { countingEndpoint } from './traffic';
import { WorkerLost, nextBackend } from './worker-lost';

type Remote = Comlink.Remote<typeof DetectorApi>;

interface Slot {
  worker: Worker;
  api: Remote;
  /** Connected to the data worker, backend chosen. */
  backend: Promise<BackendChoice>;
  /** The backend once chosen (what a job that loses this worker is retried after). */
  choice?: BackendChoice;
  /** Rejects with a WorkerLost when the worker throws outside a call or goes away, so a call never hangs on it. */
  died: Promise<never>;
  /** Set when the pool terminates the worker itself (cancel, a new preference): its end is no failure. */
  retired: AbortController;
  /** Called when the worker is gone (see watchExit). */
  exited?: () => void;
}

/** Calls `onExit` once the worker holding the Web Lock `name` is gone; nothing where the browser has no Web Locks. */
function watchExit(name: string, signal: AbortSignal, onExit: () => void): void {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks || signal.aborted) return;
  locks.request(`anomaly-lab:${name}`, { signal }, () => { if (!signal.aborted) onExit(); }).catch(() => undefined);
}

export interface PoolJob {
  datasetId: number;
  columns: string[];
  missing: MissingPolicy;
  /** Rows of the dataset. */
  rows: number;
  /** The rows to fit on, and how many they are. */
  fitRows: RowSelection;
  trainRows: number;
  detector: string;
  params: Record<string, unknown>;
  seed: number;
  /** Score every row with this model (kept in the workers) instead of fitting. */
  modelId?: string;
  /** Which worker fits (modulo the pool's size; default 0): a comparison puts each detector on its own worker so they fit side by side. */
  worker?: number;
}

export interface PoolResult {
  modelId: string;
  threshold: number;
  scores: Float64Array;
  /** Whether the detector has a decision_function (= threshold − score). */
  hasDecision: boolean;
  info: ModelInfo;
  columns: string[];
  imputed: Imputation[];
  timings: { fit: number; score: number; total: number };
  backend: string;
  /** Workers that shared the run (scoring chunks or the neighbour search). */
  workers: number;
  /** Bytes of row data that crossed the main thread during this run (0 by design). */
  rowBytes: number;
}

/** A grid over two of a model's columns, built in the worker (the plot's background). */
export interface GridSpec {
  cols: number;
  ix: number;
  iy: number;
  x: [number, number];
  y: [number, number];
  size: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, message?: string) => void;
  onEpoch?: (e: EpochReport) => void;
  /** Told when the job was retried after losing its worker (what happened, and where it runs now). */
  onNote?: (note: string) => void;
}

/** Rows above which scoring is split across the pool. */
const CHUNK_ROWS = 50_000;
/** Rows from which a neighbour search (LOF, kNN) is split across the pool. */
const NEIGHBOUR_ROWS = 5000;

export class DetectorPool {
  readonly size: number;
  private slots: (Slot | null)[];
  private preference: BackendPreference;
  private seq = 0;
  /** Bytes of row data seen crossing the main thread, all runs together. */
  rowBytes = 0;

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
      // A name of its own: the worker holds a Web Lock of that name for its life (detector.worker.ts).
      const name = `detector-${i}-${Math.random().toString(36).slice(2, 10)}`;
      const worker = new Worker(new URL('./detector.worker.ts', import.meta.url), { type: 'module', name });
      const api = Comlink.wrap<typeof DetectorApi>(countingEndpoint(worker, (b) => { this.rowBytes += b; }));
      const retired = new AbortController();
      const slot: Slot = { worker, api, backend: null!, died: null!, retired };
      slot.died = new Promise<never>((_, reject) => {
        const lose = (kind: 'error' | 'exit', what: string) => {
          if (retired.signal.aborted) return;
          reject(new WorkerLost(`the detector worker ${kind === 'exit' ? 'stopped' : 'failed'}${slot.choice ? ` on ${slot.choice.backend}` : ''}: ${what}`, kind, slot.choice?.backend));
          // Replaced: the next call starts a fresh worker (connected to the data worker, models reloaded from there).
          this.retire(i, slot);
        };
        worker.addEventListener('error', (e) => {
          e.preventDefault();
          lose('error', e.message || 'an uncaught error');
        });
        worker.addEventListener('messageerror', () => lose('error', 'a message could not be read'));
        // A page is told nothing when a worker closes itself or crashes: the lock it held is then
        // granted to this request, which is the sign (asked once the worker is up and holds it).
        slot.exited = () => lose('exit', 'it closed or crashed');
      });
      slot.died.catch(() => undefined);
      const preference = this.preference;
      slot.backend = (async () => {
        const port = await dataPort();
        await api.connectData(Comlink.transfer(port, [port]));
        const choice = await api.init(preference);
        slot.choice = choice;
        watchExit(name, retired.signal, () => slot.exited?.());
        return choice;
      })();
      slot.backend.catch(() => undefined);
      s = slot;
      this.slots[i] = s;
    }
    return s;
  }

  /** Terminate a slot's worker on purpose (its end then counts as no failure) and free the slot. */
  private retire(i: number, s: Slot): void {
    s.retired.abort();
    s.worker.terminate();
    if (this.slots[i] === s) this.slots[i] = null;
  }

  /** Worker i, connected and with its backend chosen (rejects if it dies meanwhile). */
  private async ready(i: number): Promise<Slot> {
    const s = this.slot(i);
    await Promise.race([s.backend, s.died]);
    return s;
  }

  /** Each worker's backend (starting the workers if needed). */
  async backends(): Promise<BackendChoice[]> {
    return Promise.all(this.slots.map((_, i) => this.slot(i).backend));
  }

  terminateAll(): void {
    this.slots.forEach((s, i) => { if (s) this.retire(i, s); });
  }

  /** A model file opened in the page (checked against the schema already): built and kept in a worker. */
  async importModel(json: ModelJSON): Promise<{ modelId: string; threshold: number; info: ModelInfo; hasDecision: boolean }> {
    const s = await this.ready(0);
    const modelId = `model-${++this.seq}`;
    const r = await Promise.race([s.api.importModel(modelId, json), s.died]);
    return { modelId, ...r };
  }

  /** The model file's text, for saving or downloading (the only time a model is written out). */
  modelJSON(modelId: string, columns?: string[]): Promise<string> {
    return dataWorker().modelJSON(modelId, columns);
  }

  /** The model as ONNX bytes (built in the data worker, which keeps the model); throws the exporter's message when it has no ONNX form. */
  modelOnnx(modelId: string, columns: string[] | undefined, dtype: 'float32' | 'float64'): Promise<Uint8Array> {
    return dataWorker().modelOnnx(modelId, columns, dtype);
  }

  /** Let go of a model in every worker and in the data worker. */
  forget(modelId: string): void {
    for (const s of this.slots) void s?.api.forget(modelId).catch(() => undefined);
    void dataWorker().dropModel(modelId).catch(() => undefined);
  }

  /** Scores of a grid over two of the model's columns (the plot's score surface), row-major from the bottom-left. */
  async scoreGrid(modelId: string, grid: GridSpec): Promise<Float64Array> {
    const s = await this.ready(0);
    return Promise.race([s.api.scoreGrid(modelId, grid), s.died]);
  }

  /** Per-feature explanation of a few rows of a dataset (null when the detector has none). */
  async explain(modelId: string, source: FeatureSource, rows: number[]): Promise<Float64Array | null> {
    const s = await this.ready(0);
    return Promise.race([s.api.explain(modelId, source, rows), s.died]);
  }

  /**
   * Fit (or apply `job.modelId`) and score every row; `signal` aborts by terminating the workers.
   * A worker that fails under the job (WorkerLost) is replaced, and the job's workers with it. One
   * that went away (exit: closed, crashed, lost its GPU device) has the job retried once on the
   * next backend (webgpu → wasm → cpu; the pool stays there until the preference is set again),
   * and `onNote` says so; an uncaught error in a worker, or a second loss, rejects.
   */
  async run(job: PoolJob, options: RunOptions = {}): Promise<PoolResult> {
    try {
      return await this.attempt(job, options);
    } catch (e) {
      if (!(e instanceof WorkerLost) || options.signal?.aborted) throw e;
      this.terminateAll();
      const next = nextBackend(e.backend);
      if (e.kind !== 'exit' || !next) throw e;
      this.preference = next;
      options.onNote?.(`${e.message}; the run was retried on ${next}`);
      return this.attempt(job, options);
    }
  }

  /**
   * A tuning search (issue 21): its tasks (one fold, some candidates: src/core/tune/trial.ts) spread over
   * every worker, each taking the next when done; the rows come from the data worker, the setup and
   * labels are sent once to each worker. `onResults` hears each task's results as they come (the live
   * table); `signal` cancels by terminating the workers, as a run's cancel does.
   */
  async tune(source: FeatureSource, setup: TrialSetup, labels: Uint8Array | null, tasks: FoldTask[], options: { signal?: AbortSignal; onResults?: (r: FoldResult[]) => void } = {}): Promise<FoldResult[]> {
    const { signal } = options;
    const aborted = this.cancelledBy(signal);
    const id = `tune-${++this.seq}`;
    const results: FoldResult[] = [];
    let next = 0;
    await Promise.all(this.slots.map(async (_, i) => {
      if (next >= tasks.length) return;
      const s = await Promise.race([this.ready(i), aborted]);
      // A worker the pool restarts meanwhile (another job's cancel, a new backend) ends the search rather than leaving it waiting.
      const restarted = new Promise<never>((_, reject) => {
        const stop = () => reject(new WorkerLost('the tuning search stopped: its worker was restarted (a run was cancelled or the backend changed)', 'exit'));
        if (s.retired.signal.aborted) stop();
        else s.retired.signal.addEventListener('abort', stop, { once: true });
      });
      restarted.catch(() => undefined);
      const call = <T>(p: Promise<T>) => Promise.race([p, s.died, aborted, restarted]);
      await call(s.api.tuneSetup(id, source, setup, labels));
      for (let t = tasks[next++]; t; t = tasks[next++]) {
        const done = await call(s.api.tuneFold(id, t));
        results.push(...done);
        options.onResults?.(done);
      }
      void s.api.tuneForget(id).catch(() => undefined);
    }));
    return results;
  }

  /** A promise that rejects with an AbortError when `signal` aborts, terminating every worker first (a cancel restarts the pool); never rejects unhandled. */
  private cancelledBy(signal: AbortSignal | undefined): Promise<never> {
    const aborted = new Promise<never>((_, reject) => {
      const abort = () => {
        this.terminateAll();
        reject(new DOMException('cancelled', 'AbortError'));
      };
      if (signal?.aborted) abort();
      else signal?.addEventListener('abort', abort, { once: true });
    });
    aborted.catch(() => undefined);
    return aborted;
  }

  private async attempt(job: PoolJob, options: RunOptions): Promise<PoolResult> {
    const { signal, onProgress } = options;
    const t0 = performance.now();
    const bytes0 = this.rowBytes;
    const aborted = this.cancelledBy(signal);
    const guard = <T>(s: Slot, p: Promise<T>) => Promise.race([p, s.died, aborted]);
    const ready = (i: number) => Promise.race([this.ready(i), aborted]);
    const source: FeatureSource = { datasetId: job.datasetId, columns: job.columns, missing: job.missing };
    const n = this.size;
    const rows = job.rows;
    // An online detector (windowed_gaussian) scores the rows as one stream, in order: never in chunks.
    const chunked = n > 1 && rows >= CHUNK_ROWS && !detectorMeta(job.detector).online;
    const ranges: [number, number][] = chunked ? rowRanges(rows, n) : [[0, rows]];
    const scores = new Float64Array(rows);
    let done = 0;
    /** Score rows `ranges[from…]` on their workers with a model kept in the workers. */
    const scoreRanges = (modelId: string, from: number, base: number, span: number) => Promise.all(ranges.slice(from).map(async (r, k) => {
      const s = await ready(from + k);
      const rep = await guard(s, s.api.score(modelId, source, r));
      scores.set(rep.scores, r[0]);
      done += r[1] - r[0];
      onProgress?.(base + (span * done) / rows, 'scoring');
      return rep;
    }));
    const home = (job.worker ?? 0) % n;
    const first = await ready(home);

    if (job.modelId) {
      // A model kept in the workers, applied to (new) rows: every worker scores a chunk, no fit.
      const [replies, features] = await Promise.all([scoreRanges(job.modelId, 0, 0, 1), dataWorker().featureInfo(job.datasetId, job.columns, job.missing)]);
      const t1 = performance.now();
      return {
        modelId: job.modelId, threshold: replies[0].threshold, scores, hasDecision: replies[0].hasDecision, info: replies[0].info,
        columns: features.columns, imputed: features.imputed, timings: { fit: 0, score: t1 - t0, total: t1 - t0 },
        backend: (await first.backend).backend, workers: ranges.length, rowBytes: this.rowBytes - bytes0,
      };
    }

    // A neighbour search is quadratic: every worker searches a share of the training rows first, and the fit gets the joined result.
    let neighbors: Neighbors | undefined;
    if (n > 1 && job.trainRows >= NEIGHBOUR_ROWS) {
      const k = neighborsToSearch(detectorMeta(job.detector), job.params, job.trainRows);
      if (k > 0 && k < job.trainRows) {
        // Each share reports its fraction and phase as it goes: the bar moves with the rows searched, phase named.
        const ranges = rowRanges(job.trainRows, n);
        const done = ranges.map(() => 0);
        const phases = ranges.map(() => 'preparing features');
        const report = (share: number, f: number, phase: string) => {
          done[share] = f * (ranges[share][1] - ranges[share][0]);
          phases[share] = phase;
          const searched = done.reduce((a, b) => a + b, 0);
          const what = phases.every((p) => p === 'preparing features') ? 'preparing features' : 'neighbours';
          onProgress?.(0.7 * (searched / job.trainRows), `${what} (${n} workers)`);
        };
        const shares = await Promise.all(ranges.map(async (range, share) => {
          const s = await ready(share);
          const nb = await guard(s, s.api.neighbors(source, job.fitRows, k, range, onProgress ? Comlink.proxy((f: number, phase: string) => report(share, f, phase)) : undefined));
          report(share, 1, 'neighbours');
          return nb;
        }));
        neighbors = joinNeighbors(shares);
      }
    }
    const modelId = `model-${++this.seq}`;
    // An ensemble's members fit side by side, member i on worker (home + i) % n with seed + i, each
    // returning its training scores; then the home worker assembles them (FitOptions.members): the
    // same model as fitting them one after the other.
    let members: DetectorApi.FitJob['members'];
    let memberMs = 0;
    if (job.detector === 'ensemble' && n > 1) {
      const tm = performance.now();
      const list = JSON.parse(String(resolveParams(detectorMeta('ensemble').params, job.params, 'ensemble').members)) as { detector: string; params: Record<string, unknown> }[];
      const done = new Array<number>(list.length).fill(0);
      const memberIds = list.map((_, i) => `${modelId}-member-${i}`);
      const replies = await Promise.all(list.map(async (m, i) => {
        const s = await ready((home + i) % n);
        const id = memberIds[i];
        const report = onProgress ? Comlink.proxy((f: number, msg?: string) => {
          done[i] = f;
          onProgress((0.6 * done.reduce((a, b) => a + b, 0)) / list.length, `member ${i + 1}/${list.length} (${m.detector})${msg ? `: ${msg}` : ''}`);
        }) : undefined;
        const r = await guard(s, s.api.fit({ modelId: id, source, fitRows: job.fitRows, detector: m.detector, params: m.params, seed: job.seed + i, score: null, trainingScores: true }, report));
        return { id, scores: r.trainingScores! };
      })).catch((e: unknown) => {
        for (const id of memberIds) this.forget(id);
        throw e;
      });
      members = { ids: replies.map((r) => r.id), trainingScores: replies.map((r) => r.scores) };
      memberMs = performance.now() - tm;
    }
    const progress = onProgress ? Comlink.proxy((f: number, m?: string) => onProgress(members ? 0.6 + 0.1 * f : neighbors ? 0.7 + 0.2 * f : 0.7 * f, m)) : undefined;
    const epochs = options.onEpoch ? Comlink.proxy(options.onEpoch) : undefined;
    const fitJob: DetectorApi.FitJob = {
      modelId, source, fitRows: job.fitRows, detector: job.detector, params: job.params, seed: job.seed, neighbors, score: chunked ? null : ranges[0], members,
    };
    const transfers = neighbors ? [neighbors.distances.buffer as ArrayBuffer, neighbors.indices.buffer as ArrayBuffer] : [];
    if (members) transfers.push(...members.trainingScores.map((t) => t.buffer as ArrayBuffer));
    const fitted = await guard(first, first.api.fit(Comlink.transfer(fitJob, transfers), progress, epochs)).finally(() => {
      // The members now live inside the ensemble's model.
      for (const id of members?.ids ?? []) this.forget(id);
    });
    const t1 = performance.now();
    let workers = neighbors ? n : members ? Math.min(n, members.ids.length) : 1;
    let result: Float64Array = scores;
    if (fitted.complete) result = fitted.scores!;
    else if (fitted.scores) scores.set(fitted.scores, 0);
    else {
      // Every worker scores its chunk at once, each reading its rows from the data worker.
      await scoreRanges(modelId, 0, 0.7, 0.3);
      workers = n;
    }
    const t2 = performance.now();
    return {
      modelId, threshold: fitted.threshold, scores: result, hasDecision: fitted.hasDecision, info: fitted.info,
      columns: fitted.columns, imputed: fitted.imputed,
      timings: { fit: fitted.fitMs + memberMs, score: fitted.scoreMs + (t2 - t1), total: t2 - t0 },
      backend: fitted.backend, workers, rowBytes: this.rowBytes - bytes0,
    };
  }
}
