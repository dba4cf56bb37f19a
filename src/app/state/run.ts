/** Parameters, which rows to fit on, and running a detector in the pool (ids go, scores come back); training reconciliation. */
import type { AppliedModel, AppState, FitOn } from './store';
import { get, message, set, useApp } from './store';
import { detectorMeta, ensembleMembersOf, usesWindows } from '../../core/detectors/specs';
import { resolveParams } from '../../core/detectors/params';
import { AUTO_RUN_SECONDS, estimateRunSeconds, estimateWords } from '../../core/detectors/estimate';
import { ThresholdSweep } from '../../core/metrics/sweep';
import type { RowSelection } from '../../workers/data-api';
import { cancelRun, getPool, jobs } from './workers';

export function setFitOn(fitOn: FitOn, percent?: number): void {
  set({ fitOn, ...(percent !== undefined ? { fitFirstPercent: percent } : {}) });
}

// Causal mode is the default for time series: a time column set (state/time.ts) makes the fit-on
// choice NAB's probationary period, unless another subset was chosen; back to all rows without one.
useApp.subscribe((s, prev) => {
  if (s.timeColumn !== null && prev.timeColumn === null && s.fitOn === 'all') set({ fitOn: 'probation' });
  else if (s.timeColumn === null && prev.timeColumn !== null && s.fitOn === 'probation') set({ fitOn: 'all' });
});

/**
 * The training rows for the current choice (resolved in the data worker), how many, and in words; a
 * message when the choice cannot apply. `causal`: whether every row after NAB's probationary period
 * is scored by a model that never saw it (see RunResult.causal).
 */
function trainingRows(): { rows: RowSelection; count: number; error?: string; what: string; causal: boolean } {
  const { fitOn, fitFirstPercent, labels, dataset, labelColumn, positive, probationRows } = get();
  const all = { rows: { kind: 'all' } as RowSelection, count: dataset?.rows ?? 0, causal: false };
  // An online detector (windowed_gaussian) runs as one stream over every row, in order: a subset to fit on does not apply.
  if (detectorMeta(get().detector).online) return { ...all, causal: true, what: 'all rows (online: one stream over every row, in order)' };
  if (fitOn === 'all' || !dataset) return { ...all, what: 'all rows' };
  if (fitOn === 'probation') {
    const count = trainingRowCount(get());
    if (count < 2) return { ...all, error: `NAB's probationary period of ${dataset.rows} rows is ${count} row${count === 1 ? '' : 's'}: too few to fit on`, what: '' };
    return { rows: { kind: 'first', count }, count, causal: true, what: `the probationary period (first ${count} rows)` };
  }
  if (fitOn === 'normal') {
    // Windows need consecutive rows: the rows labelled normal are scattered through the series.
    const { detector, params } = get();
    if (usesWindows(detectorMeta(detector), formParams(detector, params))) return { ...all, error: 'a windowed detector (window_size > 0) fits on consecutive rows: choose all rows, the probationary period or the first N %', what: '' };
    if (!labels || !labelColumn) return { ...all, error: 'fitting on the rows labelled normal needs a label column', what: '' };
    const count = labels.labels.length - labels.positives;
    if (count < 2) return { ...all, error: 'fewer than 2 rows are labelled normal', what: '' };
    return { rows: { kind: 'label', column: labelColumn, positive: positive ?? labels.positive, value: 0 }, count, causal: false, what: `the ${count} rows labelled normal` };
  }
  if (!(fitFirstPercent > 0 && fitFirstPercent <= 100)) return { ...all, error: `the first N% must be in (0, 100], got: ${fitFirstPercent}`, what: '' };
  const count = trainingRowCount(get());
  return { rows: { kind: 'first', count }, count, causal: count <= probationRows, what: `the first ${fitFirstPercent} % (${count} rows)` };
}

/** How many rows the next fit trains on (the fit-on choice applied), without building the row list. */
export function trainingRowCount(s: Pick<AppState, 'fitOn' | 'fitFirstPercent' | 'labels' | 'dataset'> & { probationRows?: number }): number {
  const n = s.dataset?.rows ?? 0;
  if (s.fitOn === 'probation') return Math.min(n, s.probationRows ?? 0);
  if (s.fitOn === 'first') return Math.min(n, Math.max(2, Math.floor((n * s.fitFirstPercent) / 100)));
  if (s.fitOn === 'normal' && s.labels) return s.labels.labels.length - s.labels.positives;
  return n;
}

/**
 * Whether a detector waits for a Run click instead of running on upload (issue 23): the recurrent
 * autoencoders (sequence models that window the rows themselves) and an ensemble with one always;
 * any other detector when its estimated run time on the loaded rows and feature columns
 * (core/detectors/estimate.ts) is over AUTO_RUN_SECONDS: a new file should not start a long job unasked.
 */
export function waitsForRunClick(detector: string): boolean {
  return trainsLong(detector) || runEstimateSeconds(detector) > AUTO_RUN_SECONDS;
}

/** A recurrent autoencoder, or an ensemble with one (it trains as long): always waits for Run. */
function trainsLong(detector: string): boolean {
  if (detector === 'ensemble' && ensembleMembersOf(formParams(detector)).some((m) => m.meta.sequenceWindows === true)) return true;
  return detectorMeta(detector).sequenceWindows === true;
}

/** The estimated run time of `detector` with the form's parameters on the loaded data's rows and chosen features. */
export function runEstimateSeconds(detector = get().detector): number {
  const { dataset, features } = get();
  return estimateRunSeconds(detector, formParams(detector), dataset?.rows ?? 0, features.length);
}

/** What the job status says when a run waits for Run: the detector, the rows and the estimate. */
export function waitingMessage(detector = get().detector): string {
  const meta = detectorMeta(detector);
  const seconds = runEstimateSeconds(detector);
  if (!Number.isFinite(seconds) || trainsLong(detector)) return `${meta.name}: press Run to train (it takes a while, so it does not start on upload)`;
  const rows = get().dataset?.rows ?? 0;
  return `${meta.name} on ${rows.toLocaleString('en-US')} rows: ${estimateWords(seconds)} (estimated), so it does not start on upload: press Run`;
}

export function setDetector(id: string): void {
  set({ detector: id });
}

export function setParam(detector: string, name: string, value: string): void {
  const params = get().params;
  set({ params: { ...params, [detector]: { ...params[detector], [name]: value } } });
}

export function setSeed(seed: number): void {
  set({ seed });
}

/** The form's values for a detector: the user's edits over the page's defaults where they differ from scikit-learn's (pageDefault). */
function formParams(detector: string, params = get().params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of detectorMeta(detector).params) if (spec.pageDefault !== undefined) out[spec.name] = String(spec.pageDefault);
  return { ...out, ...params[detector] };
}

/** Validation of the parameter form, on the main thread so the message is immediate. */
export function paramError(detector = get().detector, params = get().params): string | null {
  try {
    resolveParams(detectorMeta(detector).params, formParams(detector, params), detector);
    return null;
  } catch (e) {
    return message(e);
  }
}

/** Least time between two progress updates of the page (ms). */
const PROGRESS_MS = 250;

/** Run the chosen detector on the chosen columns in the worker pool (or apply a kept model): ids go, scores come back. */
export async function run(model?: AppliedModel, source?: string): Promise<void> {
  const { datasetId, dataset, features, missingPolicy, detector, params, seed, backendPreference } = get();
  if (datasetId === null) return;
  cancelRun();
  const controller = new AbortController();
  jobs.abort = controller;
  const raw = formParams(detector, params);
  const runDetector = model?.meta.detector ?? detector;
  const bad = model ? null : paramError();
  if (bad) {
    set({ job: { state: 'error', fraction: 0, message: bad } });
    return;
  }
  if (features.length === 0) {
    set({ job: { state: 'error', fraction: 0, message: 'choose at least one feature column' } });
    return;
  }
  const needs = detectorMeta(runDetector).columns;
  if (needs !== undefined && features.length !== needs) {
    // A time-series detector (windowed_gaussian) reads one value column: say so before any worker is involved.
    set({ job: { state: 'error', fraction: 0, message: `${detectorMeta(runDetector).name} scores exactly ${needs} value column${needs === 1 ? ' (a time series)' : 's'}, but ${features.length} are chosen: keep ${needs === 1 ? 'one' : needs} in the column list` } });
    return;
  }
  set({ job: { state: 'running', fraction: 0, message: 'preparing features' }, training: null, explained: null });
  /** What the pool had to do to finish the job (a retry on another backend), shown with the outcome. */
  const notes: string[] = [];
  /** When progress was last put in the store. */
  let shown = 0;
  try {
    const t0 = performance.now();
    // A model applied from elsewhere was fitted on other rows: causal here.
    const subset = model ? { rows: { kind: 'all' } as RowSelection, count: dataset?.rows ?? 0, what: 'all rows', causal: true } : trainingRows();
    if (subset.error) {
      set({ job: { state: 'error', fraction: 0, message: subset.error } });
      return;
    }
    const t1 = performance.now();
    const p = getPool(backendPreference);
    void p.backends().then((backends) => set({ backends })).catch(() => undefined);
    const r = await p.run(
      {
        datasetId, columns: features, missing: missingPolicy, rows: dataset?.rows ?? 0, fitRows: subset.rows, trainRows: subset.count,
        detector: runDetector, params: raw, seed, modelId: model?.modelId,
      },
      {
        signal: controller.signal,
        onProgress: (fraction, msg) => {
          if (jobs.abort !== controller) return;
          // At most 4 redraws a second (a new message always shows): a detector may report every few
          // milliseconds, and each redraw took the page's threads more CPU than the training itself.
          const now = performance.now();
          const message = msg ?? '';
          if (now - shown < PROGRESS_MS && message === get().job.message) return;
          shown = now;
          set({ job: { state: 'running', fraction, message, note: get().job.note } });
        },
        onNote: (note) => {
          // The job lost its worker and starts again on another backend: its training restarts too.
          notes.push(note);
          if (jobs.abort === controller) set({ job: { state: 'running', fraction: 0, message: 'retrying', note: notes.join(' · ') }, training: null });
        },
        onEpoch: (e) => {
          if (jobs.abort !== controller) return;
          const t = get().training;
          const epochs = t && t.detector === runDetector ? [...t.epochs, e] : [e];
          set({ training: { detector: runDetector, epochs } });
        },
      },
    );
    if (jobs.abort !== controller || get().datasetId !== datasetId) {
      if (!model) p.forget(r.modelId); // superseded: its model is nobody's
      return;
    }
    // Epoch reports travel on their own channel and may trail the result: the model's history is the final word.
    const history = r.info.details as { loss?: number[]; val_loss?: (number | null)[] };
    const streamed = get().training;
    if (!model && Array.isArray(history.loss) && (streamed?.epochs.length ?? 0) < history.loss.length) {
      const prev = streamed?.epochs ?? [];
      const last = prev[prev.length - 1];
      const epochs = history.loss.map((loss, i) => prev[i] ?? {
        epoch: i + 1, epochs: last?.epochs ?? history.loss!.length, loss, valLoss: history.val_loss?.[i] ?? null,
        rowsPerSecond: last?.rowsPerSecond ?? 0, elapsedMs: r.timings.fit,
      });
      set({ training: { detector: runDetector, epochs } });
    }
    const sweep = new ThresholdSweep(r.scores, get().labels?.labels);
    const runParams = model ? model.meta.params : resolveParams(detectorMeta(runDetector).params, raw, runDetector);
    // The model this result replaces goes, unless this run applied it again.
    const previous = get().result?.modelId;
    if (previous && previous !== r.modelId) p.forget(previous);
    set({
      result: {
        detector: runDetector, params: runParams, columns: r.columns, scores: r.scores, hasDecision: r.hasDecision,
        modelThreshold: r.threshold, sweep, info: r.info, modelId: r.modelId,
        model: { detector: runDetector, params: runParams, threshold: r.threshold, columns: r.columns }, imputed: r.imputed, missing: missingPolicy, seed, fittedOn: subset.what, causal: subset.causal,
        backend: r.backend, workers: r.workers, rowBytes: r.rowBytes,
        timings: { features: t1 - t0, fit: r.timings.fit, score: r.timings.score, total: performance.now() - t0 },
      },
      threshold: r.threshold,
      appliedModel: model ? source ?? 'saved model' : null,
      job: { state: 'done', fraction: 1, message: '', ...(notes.length ? { note: notes.join(' · ') } : {}) },
    });
    jobs.abort = null;
    // The workers may have been replaced (a retry on another backend): the status bar shows them as they are now.
    if (notes.length) void p.backends().then((backends) => set({ backends })).catch(() => undefined);
  } catch (e) {
    if (controller.signal.aborted) {
      if (jobs.abort === null || jobs.abort === controller) set({ job: { state: 'idle', fraction: 0, message: 'cancelled' } });
      return;
    }
    if (jobs.abort !== controller) return; // superseded by a newer run, a cancel or a new file: theirs is the state to show
    jobs.abort = null; // nothing left to cancel: Run is enabled again (a failed worker was replaced by the pool)
    set({ job: { state: 'error', fraction: 0, message: message(e), ...(notes.length ? { note: notes.join(' · ') } : {}) } });
  }
}

/** Seconds left in a training, from the mean epoch time so far (null before the first epoch). */
export function trainingSecondsLeft(t: AppState['training']): number | null {
  const last = t?.epochs[t.epochs.length - 1];
  if (!last) return null;
  return ((last.epochs - last.epoch) * last.elapsedMs) / last.epoch / 1000;
}
