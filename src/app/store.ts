/**
 * The app's state (zustand). Heavy data stays in workers; the store holds the
 * dataset summary, the label vector, the scores of the last run with their
 * ThresholdSweep, the two plotted columns, and the threshold. Moving the
 * threshold only changes `threshold`: everything else derives from the sweep.
 */
import { create } from 'zustand';
import { guessLabelColumn, numericColumns, type DatasetSummary } from '../core/data/dataset';
import type { Labels, MissingPolicy, Imputation } from '../core/data/prepare';
import { detectorMeta, DEFAULT_DETECTOR } from '../core/detectors/specs';
import { checkModelSchema } from '../core/detectors/model-schema';
import { resolveParams } from '../core/detectors/params';
import type { EpochReport, ModelInfo, ModelJSON } from '../core/detectors/detector';
import type { BackendChoice, BackendPreference } from '../core/compute/backend';
import { ThresholdSweep } from '../core/metrics/sweep';
import { Random } from '../core/random';
import { DetectorPool } from '../workers/pool';
import { dataWorker, Comlink } from '../workers/data-client';
import { selectRows } from '../core/data/matrix';

export type JobState = 'idle' | 'running' | 'done' | 'error';

export interface RunResult {
  detector: string;
  params: Record<string, unknown>;
  columns: string[];
  scores: Float64Array;
  /** Whether the detector has a decision_function (= modelThreshold − score, derived where drawn). */
  hasDecision: boolean;
  modelThreshold: number;
  sweep: ThresholdSweep;
  info: ModelInfo;
  model: ModelJSON;
  imputed: Imputation[];
  /** Which rows the model was fitted on ('all rows', 'the 500 rows labelled normal', …). */
  fittedOn: string;
  backend: string;
  workers: number;
  timings: { features: number; fit: number; score: number; total: number };
}

export interface AppState {
  // data
  datasetId: number | null;
  dataset: DatasetSummary | null;
  loading: { name: string; fraction: number; rows: number } | null;
  error: string | null;
  parseMs: number | null;
  /** How many threads read the file (1 unless it was large enough to split). */
  parseThreads: number;
  labelColumn: string | null;
  positive: string | null;
  labels: Labels | null;
  labelError: string | null;
  features: string[];
  missingPolicy: MissingPolicy;
  /** A seeded permutation of the rows, for plot sampling. */
  order: Int32Array | null;
  // detector
  detector: string;
  params: Record<string, Record<string, string>>;
  seed: number;
  job: { state: JobState; fraction: number; message: string };
  result: RunResult | null;
  // threshold
  threshold: number;
  // view
  plotX: string | null;
  plotY: string | null;
  plotValues: { x: Float64Array; y: Float64Array; key: string } | null;
  backendPreference: BackendPreference;
  backends: BackendChoice[];
  /** 'score': colour by anomaly score (warm = anomalous); 'sklearn': by decision_function, as scikit-learn's figure. */
  view: 'score' | 'sklearn';
  /** Set when the scores came from a saved or earlier model rather than a fit. */
  appliedModel: string | null;
  /** Which rows the detector is fitted on; all rows are scored (novelty-style for a subset). */
  fitOn: FitOn;
  /** Percentage of rows for fitOn = 'first'. */
  fitFirstPercent: number;
  /** Loss per epoch of the detector being (or last) trained in epochs (autoencoder), streamed from its worker. */
  training: { detector: string; epochs: EpochReport[] } | null;
  /** A row whose score is being explained (clicked in the plot), with its per-feature errors when the detector gives them. */
  explained: Explained | null;
  /** Models saved in this browser (IndexedDB). */
  savedModels: import('./lib/savedModels').SavedModel[];
}

export interface Explained {
  row: number;
  score: number;
  columns: string[];
  /** The row's values as the model saw them (missing cells filled). */
  values: number[];
  /** Per-feature squared reconstruction errors (autoencoder); null for detectors without them. */
  errors: number[] | null;
  error?: string;
}

export type FitOn = 'all' | 'normal' | 'first';

const pool = { current: null as DetectorPool | null };
let abort: AbortController | null = null;
let loadToken = 0;

/** `?workers=N` sets the pool size (tests of chunking; default hardwareConcurrency − 1). */
function poolSize(): number | undefined {
  const w = Number(new URLSearchParams(globalThis.location?.search ?? '').get('workers'));
  return Number.isInteger(w) && w >= 1 && w <= 16 ? w : undefined;
}

function getPool(pref: BackendPreference): DetectorPool {
  pool.current ??= new DetectorPool(pref, poolSize());
  return pool.current;
}

function initialBackend(): BackendPreference {
  const p = new URLSearchParams(globalThis.location?.search ?? '').get('backend');
  return p === 'webgpu' || p === 'wasm' || p === 'cpu' ? p : 'auto';
}

export const useApp = create<AppState>(() => ({
  datasetId: null,
  dataset: null,
  loading: null,
  error: null,
  parseMs: null,
  parseThreads: 1,
  labelColumn: null,
  positive: null,
  labels: null,
  labelError: null,
  features: [],
  missingPolicy: 'median',
  order: null,
  detector: DEFAULT_DETECTOR,
  params: {},
  seed: 42,
  job: { state: 'idle', fraction: 0, message: '' },
  result: null,
  threshold: 0,
  plotX: null,
  plotY: null,
  plotValues: null,
  backendPreference: initialBackend(),
  backends: [],
  view: 'score',
  appliedModel: null,
  fitOn: 'all',
  fitFirstPercent: 50,
  training: null,
  explained: null,
  savedModels: [],
}));

export function setFitOn(fitOn: FitOn, percent?: number): void {
  set({ fitOn, ...(percent !== undefined ? { fitFirstPercent: percent } : {}) });
}

/** The training rows for the current choice, or null for all rows; a message when the choice cannot apply. */
function trainingRows(): { rows: Int32Array | null; error?: string; what: string } {
  const { fitOn, fitFirstPercent, labels, dataset } = get();
  if (fitOn === 'all' || !dataset) return { rows: null, what: 'all rows' };
  if (fitOn === 'normal') {
    if (!labels) return { rows: null, error: 'fitting on the rows labelled normal needs a label column', what: '' };
    const rows: number[] = [];
    labels.labels.forEach((y, i) => { if (y === 0) rows.push(i); });
    if (rows.length < 2) return { rows: null, error: 'fewer than 2 rows are labelled normal', what: '' };
    return { rows: Int32Array.from(rows), what: `the ${rows.length} rows labelled normal` };
  }
  if (!(fitFirstPercent > 0 && fitFirstPercent <= 100)) return { rows: null, error: `the first N% must be in (0, 100], got: ${fitFirstPercent}`, what: '' };
  const count = trainingRowCount(get());
  return { rows: Int32Array.from({ length: count }, (_, i) => i), what: `the first ${fitFirstPercent} % (${count} rows)` };
}

const set = useApp.setState;
const get = useApp.getState;

/** How many rows the next fit trains on (the fit-on choice applied), without building the row list. */
export function trainingRowCount(s: Pick<AppState, 'fitOn' | 'fitFirstPercent' | 'labels' | 'dataset'>): number {
  const n = s.dataset?.rows ?? 0;
  if (s.fitOn === 'first') return Math.min(n, Math.max(2, Math.floor((n * s.fitFirstPercent) / 100)));
  if (s.fitOn === 'normal' && s.labels) return s.labels.labels.length - s.labels.positives;
  return n;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Parse a file in the worker; on failure the earlier dataset stays loaded. */
export async function loadFile(file: Blob, name: string, apply?: { model: ModelJSON; source: string }): Promise<void> {
  cancelRun();
  const token = ++loadToken;
  set({ loading: { name, fraction: 0, rows: 0 }, error: null });
  let loaded;
  try {
    // Progress messages can arrive after the load settled: only the live load may show progress.
    const onProgress = (fraction: number, rows: number) => { if (loadToken === token && get().loading) set({ loading: { name, fraction, rows } }); };
    loaded = await dataWorker().load(file, name, Comlink.proxy(onProgress));
  } catch (e) {
    if (loadToken === token) set({ loading: null, error: message(e) });
    return;
  } finally {
    if (loadToken === token) set({ loading: null });
  }
  if (loadToken !== token) {
    void dataWorker().drop(loaded.id); // a newer file was chosen meanwhile
    return;
  }
  const previous = get().datasetId;
  if (previous !== null) void dataWorker().drop(previous);
  const ds = loaded.summary;
  const labelColumn = guessLabelColumn(ds);
  const features = numericColumns(ds).filter((c) => c !== labelColumn);
  set({
    datasetId: loaded.id, dataset: ds, loading: null, parseMs: loaded.parseMs, parseThreads: loaded.threads, error: null,
    labelColumn, positive: null, labels: null, labelError: null, features,
    order: new Random(0).permutation(ds.rows),
    result: null, explained: null, training: null, plotX: features[0] ?? null, plotY: features[1] ?? features[0] ?? null, plotValues: null,
    job: { state: 'idle', fraction: 0, message: '' },
  });
  // Labels first (small, and the metrics need them when the run ends); the plot's columns arrive alongside the run.
  await refreshLabels();
  const plot = refreshPlotValues();
  if (apply) await applyModel(apply.model, apply.source);
  else if (features.length > 0) await run();
  await plot;
}

/** Score the loaded dataset with a fitted model (no refit): its columns must be here. */
async function applyModel(model: ModelJSON, source: string): Promise<void> {
  const { dataset } = get();
  if (!dataset) return;
  const columns = model.columns ?? [];
  const missing = columns.filter((c) => !dataset.columns.some((d) => d.name === c && d.kind === 'numeric'));
  if (columns.length === 0 || missing.length > 0) {
    set({ job: { state: 'error', fraction: 0, message: `${dataset.name} lacks the model's numeric column${missing.length === 1 ? '' : 's'} ${missing.join(', ') || '(the model names none)'}` } });
    return;
  }
  set({ features: columns, detector: model.detector });
  await run(model, source);
}

/** Read a model file chosen by the user and apply it to the loaded data. */
export async function openModelFile(file: Blob & { name?: string }): Promise<void> {
  let json: ModelJSON;
  try {
    json = JSON.parse(await file.text()) as ModelJSON;
    checkModelSchema(json); // the tag, the detector, its params and the state's shape; a worker builds it
  } catch (e) {
    set({ error: `${file.name ?? 'model'} is not an Anomaly Lab model: ${message(e)}` });
    return;
  }
  await applyModel(json, file.name ?? 'model file');
}

/** Save the last fitted model in this browser (IndexedDB, tfjs format); returns the saved entries. */
export async function saveModelInBrowser(): Promise<void> {
  const r = get().result;
  if (!r) return;
  const { saveModel } = await import('./lib/savedModels');
  const now = new Date();
  const name = `${get().dataset?.name ?? 'data'} · ${now.toLocaleString('en-GB', { hour12: false })}.${String(now.getMilliseconds()).padStart(3, '0')}`;
  try {
    await saveModel(name, r.model);
    await refreshSavedModels();
  } catch (e) {
    set({ error: `could not save the model in this browser: ${message(e)}` });
  }
}

export async function refreshSavedModels(): Promise<void> {
  const { listModels } = await import('./lib/savedModels');
  try {
    set({ savedModels: await listModels() });
  } catch {
    set({ savedModels: [] }); // IndexedDB unavailable (private mode): nothing to list
  }
}

/** Score the loaded data with a model saved in this browser. */
export async function openSavedModel(key: string): Promise<void> {
  const { loadSavedModel } = await import('./lib/savedModels');
  let json: ModelJSON;
  try {
    json = await loadSavedModel(key);
    checkModelSchema(json);
  } catch (e) {
    set({ error: `saved model ${key} could not be read: ${message(e)}` });
    return;
  }
  await applyModel(json, `saved in this browser: ${key.split('/').slice(2).join('/')}`);
}

export async function deleteSavedModel(key: string): Promise<void> {
  const { removeModel } = await import('./lib/savedModels');
  await removeModel(key).catch(() => undefined);
  await refreshSavedModels();
}

export function modelDownload(): { name: string; text: string } | null {
  const r = get().result;
  if (!r) return null;
  return { name: `${r.detector}-model.json`, text: JSON.stringify(r.model) };
}

/** The decision surface behind a 2-D plot: scores of a grid over the plotted area. */
export interface Surface {
  key: string;
  x: [number, number];
  y: [number, number];
  size: number;
  /** size × size scores, row-major from the bottom-left (y outer, x inner). */
  scores: Float64Array;
}

/**
 * Score a grid over the plot when the model has exactly the two plotted
 * columns (as scikit-learn's DecisionBoundaryDisplay does); null otherwise.
 */
export async function surfaceFor(x: [number, number], y: [number, number], size = 60): Promise<Surface | null> {
  const { result, plotX, plotY, backendPreference } = get();
  if (!result || result.columns.length !== 2 || !plotX || !plotY) return null;
  const ix = result.columns.indexOf(plotX);
  const iy = result.columns.indexOf(plotY);
  if (ix < 0 || iy < 0 || ix === iy) return null;
  const data = new Float64Array(size * size * 2);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const k = (r * size + c) * 2;
      data[k + ix] = x[0] + ((c + 0.5) / size) * (x[1] - x[0]);
      data[k + iy] = y[0] + ((r + 0.5) / size) * (y[1] - y[0]);
    }
  }
  const scores = await getPool(backendPreference).score(result.model, { data, rows: size * size, cols: 2 });
  return { key: `${x.join()}:${y.join()}`, x, y, size, scores };
}

export function setView(view: 'score' | 'sklearn'): void {
  set({ view });
}

export async function loadSample(file: string): Promise<void> {
  const url = `${import.meta.env.BASE_URL}samples/${file}`;
  let blob: Blob;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    blob = await res.blob();
  } catch (e) {
    set({ error: `sample ${file} could not be loaded: ${message(e)}` });
    return;
  }
  await loadFile(blob, file);
}

async function refreshLabels(): Promise<void> {
  const { datasetId, labelColumn, positive } = get();
  if (datasetId === null || !labelColumn) {
    set({ labels: null, labelError: null });
    rebuildSweep();
    return;
  }
  try {
    const labels = await dataWorker().labels(datasetId, labelColumn, positive);
    set({ labels, labelError: null, positive: labels.positive });
  } catch (e) {
    set({ labels: null, labelError: message(e) });
  }
  rebuildSweep();
}

/** Labels changed: re-sort the scores with them (once), keep the threshold. */
function rebuildSweep(): void {
  const { result, labels } = get();
  if (!result) return;
  set({ result: { ...result, sweep: new ThresholdSweep(result.scores, labels?.labels) } });
}

export async function setLabelColumn(column: string | null): Promise<void> {
  const { features } = get();
  set({ labelColumn: column, positive: null, features: column ? features.filter((f) => f !== column) : features });
  await refreshLabels();
}

export async function setPositive(positive: string): Promise<void> {
  set({ positive });
  await refreshLabels();
}

export function toggleFeature(column: string, on: boolean): void {
  const { features, dataset } = get();
  if (!dataset) return;
  const next = on ? dataset.columns.map((c) => c.name).filter((c) => c === column || features.includes(c)) : features.filter((f) => f !== column);
  set({ features: next });
}

export function setMissingPolicy(policy: MissingPolicy): void {
  set({ missingPolicy: policy });
}

export async function setPlotAxes(x: string | null, y: string | null): Promise<void> {
  set({ plotX: x, plotY: y });
  await refreshPlotValues();
}

async function refreshPlotValues(): Promise<void> {
  const { datasetId, plotX, plotY } = get();
  if (datasetId === null || !plotX || !plotY) return;
  const key = `${datasetId}:${plotX}:${plotY}`;
  if (get().plotValues?.key === key) return;
  const [x, y] = await dataWorker().columns(datasetId, [plotX, plotY]);
  if (get().datasetId === datasetId && get().plotX === plotX && get().plotY === plotY) set({ plotValues: { x, y, key } });
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

export function cancelRun(): void {
  if (abort) {
    abort.abort();
    abort = null;
  }
}

/** Run the chosen detector on the chosen columns in the worker pool. */
export async function run(model?: ModelJSON, source?: string): Promise<void> {
  const { datasetId, features, missingPolicy, detector, params, seed, backendPreference } = get();
  if (datasetId === null) return;
  cancelRun();
  const controller = new AbortController();
  abort = controller;
  const raw = formParams(detector, params);
  const bad = model ? null : paramError();
  if (bad) {
    set({ job: { state: 'error', fraction: 0, message: bad } });
    return;
  }
  if (features.length === 0) {
    set({ job: { state: 'error', fraction: 0, message: 'choose at least one feature column' } });
    return;
  }
  set({ job: { state: 'running', fraction: 0, message: 'preparing features' }, training: null, explained: null });
  try {
    const t0 = performance.now();
    const subset = model ? { rows: null, what: 'all rows' } : trainingRows();
    if (subset.error) {
      set({ job: { state: 'error', fraction: 0, message: subset.error } });
      return;
    }
    const f = await dataWorker().features(datasetId, features, missingPolicy);
    const train = subset.rows ? selectRows(f.matrix, subset.rows) : f.matrix;
    const t1 = performance.now();
    const p = getPool(backendPreference);
    void p.backends().then((backends) => set({ backends }));
    const r = await p.run(
      { detector: model?.detector ?? detector, params: raw, train, score: subset.rows ? f.matrix : undefined, seed, model },
      {
        signal: controller.signal,
        onProgress: (fraction, msg) => { if (abort === controller) set({ job: { state: 'running', fraction, message: msg ?? '' } }); },
        onEpoch: (e) => {
          if (abort !== controller) return;
          const t = get().training;
          const epochs = t && t.detector === (model?.detector ?? detector) ? [...t.epochs, e] : [e];
          set({ training: { detector: model?.detector ?? detector, epochs } });
        },
      },
    );
    if (abort !== controller || get().datasetId !== datasetId) return; // superseded
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
      set({ training: { detector: r.model.detector, epochs } });
    }
    const sweep = new ThresholdSweep(r.scores, get().labels?.labels);
    set({
      result: {
        detector: r.model.detector, params: r.model.params, columns: f.columns, scores: r.scores, hasDecision: r.hasDecision,
        modelThreshold: r.model.threshold, sweep, info: r.info, model: { ...r.model, columns: f.columns }, imputed: f.imputed, fittedOn: subset.what,
        backend: r.backend, workers: r.workers,
        timings: { features: t1 - t0, fit: r.timings.fit, score: r.timings.score, total: performance.now() - t0 },
      },
      threshold: r.model.threshold,
      appliedModel: model ? source ?? 'saved model' : null,
      job: { state: 'done', fraction: 1, message: '' },
    });
    abort = null;
  } catch (e) {
    if (controller.signal.aborted) {
      if (abort === null || abort === controller) set({ job: { state: 'idle', fraction: 0, message: 'cancelled' } });
      return;
    }
    set({ job: { state: 'error', fraction: 0, message: message(e) } });
  }
}

export function setBackendPreference(pref: BackendPreference): void {
  cancelRun();
  set({ backendPreference: pref, backends: [] });
  const p = getPool(pref);
  p.setPreference(pref);
  void p.backends().then((backends) => set({ backends })).catch((e) => set({ error: message(e) }));
}

export function startBackends(): void {
  void getPool(get().backendPreference).backends().then((backends) => set({ backends })).catch((e) => set({ error: message(e) }));
}

// Threshold: three linked controls, one number in the store.
export function setThreshold(t: number): void {
  set({ threshold: t });
}

export function setContamination(c: number): void {
  const s = get().result?.sweep;
  if (s) set({ threshold: s.thresholdForContamination(c) });
}

export function setFlaggedCount(k: number): void {
  const s = get().result?.sweep;
  if (s) set({ threshold: s.thresholdForCount(k) });
}

export function resetThreshold(): void {
  const r = get().result;
  if (r) set({ threshold: r.modelThreshold });
}

/** Seconds left in a training, from the mean epoch time so far (null before the first epoch). */
export function trainingSecondsLeft(t: AppState['training']): number | null {
  const last = t?.epochs[t.epochs.length - 1];
  if (!last) return null;
  return ((last.epochs - last.epoch) * last.elapsedMs) / last.epoch / 1000;
}

/** Explain one row's score: its values, and per-feature errors where the detector gives them. */
export async function explainRow(row: number | null): Promise<void> {
  const { datasetId, result } = get();
  if (row === null || datasetId === null || !result) {
    set({ explained: null });
    return;
  }
  let raw: number[];
  try {
    raw = await dataWorker().row(datasetId, result.columns, row);
  } catch (err) {
    set({ error: `row ${row + 1} could not be read: ${message(err)}` });
    return;
  }
  if (get().result !== result) return; // a new run or dataset meanwhile
  // Missing cells as the model saw them: the fill value of this run.
  const values = raw.map((v, j) => (v === v ? v : result.imputed.find((m) => m.column === result.columns[j])?.value ?? NaN));
  const base: Explained = { row, score: result.scores[row], columns: result.columns, values, errors: null };
  set({ explained: base });
  // Only detectors that can explain a score get asked (the autoencoder's per-feature errors).
  if (!detectorMeta(result.model.detector).explains) return;
  try {
    const e = await getPool(get().backendPreference).explain(result.model, { data: Float64Array.from(values), rows: 1, cols: values.length });
    if (get().explained?.row === row && get().result === result) set({ explained: { ...base, errors: e ? Array.from(e) : null } });
  } catch (err) {
    if (get().explained?.row === row && get().result === result) set({ explained: { ...base, error: message(err) } });
  }
}

/** A small hook for tests and benchmarks (read-only view of the state). */
export function testHook() {
  return {
    state() {
      const s = get();
      return {
        dataset: s.dataset ? { name: s.dataset.name, rows: s.dataset.rows, cols: s.dataset.columns.length } : null,
        loading: s.loading,
        error: s.error,
        labelColumn: s.labelColumn,
        features: s.features,
        job: s.job.state,
        jobMessage: s.job.message,
        backend: s.result?.backend ?? s.backends[0]?.backend ?? null,
        workers: s.result?.workers ?? null,
        detector: s.result?.detector ?? null,
        compute: s.result?.info.compute ?? null,
        modelDetails: s.result?.info.details ?? null,
        warnings: s.result?.info.warnings ?? null,
        appliedModel: s.appliedModel,
        backends: s.backends,
        threshold: s.threshold,
        flagged: s.result ? s.result.sweep.flaggedAt(s.threshold) : null,
        metrics: s.result ? s.result.sweep.metricsAt(s.threshold) : null,
        training: s.training?.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, valLoss: e.valLoss })) ?? null,
        explained: s.explained,
        timings: {
          parse_ms: s.parseMs,
          parse_threads: s.parseThreads,
          fit_ms: s.result?.timings.fit ?? null,
          score_ms: s.result?.timings.score ?? null,
          total_ms: s.result?.timings.total ?? null,
        },
      };
    },
    /** Explain a row as a click on its point does. */
    explain(row: number): Promise<void> {
      return explainRow(row);
    },
    /** Set a parameter of the form as a person would type it (benchmarks). */
    setParam(detector: string, name: string, value: string): void {
      setParam(detector, name, value);
    },
    scores(): number[] | null {
      const r = get().result;
      return r ? Array.from(r.scores) : null;
    },
  };
}
