/**
 * Plain functions of a detector worker (see detector.worker.ts); no messaging in here.
 *
 * Fitted models live here, by id: `fit` keeps the model (and puts it, packed, in the
 * data worker, where any other detector worker loads it from), and scoring, explaining
 * and the plot's surface take the id. Feature matrices come from the data worker over
 * this worker's own port (`connectData`), never from the main thread.
 */
import * as Comlink from 'comlink';
import { chooseBackend, type BackendChoice, type BackendOptions, type BackendPreference } from '../core/compute/backend';
import { fitModel } from '../core/detectors/run';
import { getDetector, loadModel } from '../core/detectors/registry';
import { runFoldTask, type FoldResult, type FoldTask, type TrialSetup } from '../core/tune/trial';
import { packBuffers, packModel, unpackModel } from '../core/detectors/model-pack';
import type { Matrix } from '../core/data/matrix';
import type { Imputation } from '../core/data/prepare';
import type { EpochReport, FittedModel, ModelInfo, ModelJSON } from '../core/detectors/detector';
import { isExplainable } from '../core/detectors/autoencoder';
import { neighborsFor, type Neighbors } from '../core/neighbors';
import { detectorMeta } from '../core/detectors/specs';
import { scoreRange, scoringContext } from '../core/detectors/windowed';
import { firstNonFinite, fitOverflowError, nonFiniteScoreError, scaleParamHint, type ScoreContext } from '../core/detectors/overflow';
import type * as DataApi from './data-api';
import type { FeatureSource, RowSelection } from './data-api';

let backend: Promise<BackendChoice> | null = null;

/**
 * Pick this worker's tfjs backend once; the app's setting decides the preference. The page's
 * worker entry passes the URLs of tfjs's .wasm files (detector.worker.ts); in Node they are found
 * in node_modules.
 */
export function init(preference: BackendPreference, options: BackendOptions = {}): Promise<BackendChoice> {
  if (!backend) backend = chooseBackend(preference, options);
  return backend;
}

/** The backend `init` chose; none (typed-array paths, no tfjs loaded) when init was not called, as in the CLI's threads for a classical detector. */
async function chosenBackend(): Promise<string | undefined> {
  return backend ? (await backend).backend : undefined;
}

let data: Comlink.Remote<typeof DataApi> | null = null;

/**
 * This worker's line to the data worker: a MessagePort the pool set up (in the CLI, a
 * worker_threads port through comlink's nodeEndpoint).
 */
export function connectData(port: Comlink.Endpoint): void {
  data = Comlink.wrap<typeof DataApi>(port);
}

function dataApi(): Comlink.Remote<typeof DataApi> {
  if (!data) throw new Error('detector worker: not connected to the data worker');
  return data;
}

/** Models used here, by id (the last few; any other is loaded again from the data worker). */
const models = new Map<string, FittedModel>();
const KEEP_MODELS = 4;

function keep(id: string, model: FittedModel): void {
  models.delete(id);
  models.set(id, model);
  while (models.size > KEEP_MODELS) models.delete(models.keys().next().value!);
}

async function modelFor(id: string): Promise<FittedModel> {
  const m = models.get(id);
  if (m) return m;
  const loaded = loadModel(unpackModel(await dataApi().getModel(id)));
  keep(id, loaded);
  return loaded;
}

/** Put a model in the data worker, packed (typed arrays, transferred). */
async function store(id: string, model: FittedModel): Promise<void> {
  const packed = packModel(model.toJSON());
  await dataApi().putModel(id, Comlink.transfer(packed, packBuffers(packed)));
}

export interface FitJob {
  modelId: string;
  source: FeatureSource;
  /** The rows to fit on. */
  fitRows: RowSelection;
  detector: string;
  params: Record<string, unknown>;
  seed: number;
  /** A neighbour search done beforehand across the pool (LOF, kNN), as a value. */
  neighbors?: Neighbors;
  /** Rows [start, end) of the source this worker scores right after fitting (all rows of a small run); null: none, the pool scores in chunks. */
  score: [number, number] | null;
  /** Return the model's training scores too (an ensemble's member fitted on its own worker: FitOptions.members). */
  trainingScores?: boolean;
  /** An ensemble's members, fitted on the pool's workers beforehand: their model ids (kept in the data worker) and training scores, in `members` order. */
  members?: { ids: string[]; trainingScores: Float64Array[] };
}

export interface FitReply {
  threshold: number;
  info: ModelInfo;
  hasDecision: boolean;
  /** Scores of `score` rows, or of every source row when fit computed them anyway (complete). */
  scores: Float64Array | null;
  complete: boolean;
  columns: string[];
  imputed: Imputation[];
  fitMs: number;
  scoreMs: number;
  backend: string;
  /** The training scores, when the job asked for them (a copy: its own buffer). */
  trainingScores?: Float64Array;
}

export async function fit(job: FitJob, onProgress?: (fraction: number, message?: string) => void, onEpoch?: (e: EpochReport) => void): Promise<FitReply> {
  const choice = await (backend ?? init('auto'));
  const t0 = performance.now();
  const f = await dataApi().matrix(job.source, job.fitRows);
  const X = f.matrix;
  let model: FittedModel;
  try {
    const members = job.members ? await Promise.all(job.members.ids.map(async (id, i) => ({ model: await modelFor(id), trainingScores: job.members!.trainingScores[i] }))) : undefined;
    model = await fitModel(job.detector, job.params, X, { seed: job.seed, backend: choice.backend, onProgress, onEpoch, neighbors: job.neighbors, members });
  } catch (e) {
    // A solver that failed on values whose squares overflow: say which column and row (rows of a subset count within it).
    throw fitOverflowError(e, X, await scoreContext(job.detector, job.source, f.columns, job.params)) ?? e;
  }
  keep(job.modelId, model);
  await store(job.modelId, model);
  const all = job.fitRows.kind === 'all';
  const t1 = performance.now();
  let scores: Float64Array | null = null;
  let compute = model.info.compute;
  let complete = false;
  let rowsScored: Matrix = X;
  if (all && model.trainingScores && model.trainingScores.length === X.rows) {
    scores = model.trainingScores;
    complete = true;
  } else if (job.score) {
    const [a, b] = job.score;
    const rows = all ? { data: X.data.subarray(a * X.cols, b * X.cols), rows: b - a, cols: X.cols } : (await dataApi().matrix(job.source, { kind: 'range', start: a, end: b })).matrix;
    rowsScored = rows;
    const scored = await model.score(rows, { backend: choice.backend });
    compute = scored.compute;
    scores = scored;
    complete = all ? a === 0 && b === X.rows : false;
  }
  if (scores) {
    await checkScores(scores, rowsScored, job.detector, job.source, f.columns, model.params, complete ? 0 : job.score![0]).catch(async (e: unknown) => {
      forget(job.modelId); // the failed run's model is nobody's
      await dataApi().dropModel(job.modelId);
      throw e;
    });
  }
  // An ensemble member's training scores (PyOD's decision_scores_), else its scores of the fit rows, in a buffer of their own.
  const trainingScores = job.trainingScores ? Float64Array.from(model.trainingScores?.length === X.rows ? model.trainingScores : await model.score(X, { backend: choice.backend })) : undefined;
  const reply: FitReply = {
    threshold: model.threshold, info: { ...model.info, compute }, hasDecision: typeof model.decisionFunction === 'function',
    scores, complete, columns: f.columns, imputed: f.imputed, fitMs: t1 - t0, scoreMs: performance.now() - t1, backend: choice.backend, trainingScores,
  };
  return Comlink.transfer(reply, [...(scores ? [scores.buffer as ArrayBuffer] : []), ...(trainingScores ? [trainingScores.buffer as ArrayBuffer] : [])]);
}

/** The names a message about a NaN or infinite score needs (the dataset's file name comes from the data worker). */
async function scoreContext(detector: string, source: FeatureSource, columns: string[], params: Record<string, unknown>): Promise<ScoreContext> {
  const file = await dataApi().datasetName(source.datasetId).catch(() => 'the data');
  return { detector: detectorMeta(detector).name, file, columns, scaleParam: scaleParamHint(detectorMeta(detector).params, params) };
}

/**
 * A NaN or infinite score never leaves the worker: the run fails with the row (in the dataset,
 * 1-based: `offset` + i + 1) and the column to blame.
 */
async function checkScores(scores: Float64Array, X: Matrix, detector: string, source: FeatureSource, columns: string[], params: Record<string, unknown>, offset: number): Promise<void> {
  if (firstNonFinite(scores) < 0) return;
  const ctx = await scoreContext(detector, source, columns, params);
  throw nonFiniteScoreError(scores, X, { ...ctx, rowNumber: (i) => offset + i + 1 })!;
}

/** Score rows [start, end) of a source with a model kept here or in the data worker. */
export async function score(modelId: string, source: FeatureSource, range: [number, number]): Promise<{ scores: Float64Array; threshold: number; info: ModelInfo; hasDecision: boolean }> {
  const chosen = await chosenBackend();
  const model = await modelFor(modelId);
  // Only this share's rows: the training matrix of a fit is not kept (a chunked run's peak memory is the shares, not all rows twice).
  // A windowed model reads the window_size − 1 (+ differences) rows before the share too (scoreRange), so chunks score as the whole does.
  const rowsFrom = async (start: number, end: number) => (await dataApi().matrix(source, { kind: 'range', start, end })).matrix;
  const { scores, rows: X } = await scoreRange(model, detectorMeta(model.detector), range[0], range[1], rowsFrom, { backend: chosen });
  await checkScores(scores, X, model.detector, source, source.columns, model.params, range[0]);
  // The scoring call says how this worker computed the scores.
  return Comlink.transfer({ scores, threshold: model.threshold, info: { ...model.info, compute: scores.compute }, hasDecision: typeof model.decisionFunction === 'function' }, [scores.buffer as ArrayBuffer]);
}

/** A model file opened in the page: built here (which checks its state), kept, and put in the data worker. */
export async function importModel(modelId: string, json: ModelJSON): Promise<{ threshold: number; info: ModelInfo; hasDecision: boolean }> {
  const model = loadModel(json);
  keep(modelId, model);
  await store(modelId, model);
  return { threshold: model.threshold, info: model.info, hasDecision: typeof model.decisionFunction === 'function' };
}

/**
 * Scores of a size × size grid over columns ix, iy of a 2-column model (the plot's score
 * surface, as scikit-learn's DecisionBoundaryDisplay): cell centres, row-major from the
 * bottom-left (y outer, x inner). Built here: no dataset rows involved.
 */
export async function scoreGrid(modelId: string, g: { cols: number; ix: number; iy: number; x: [number, number]; y: [number, number]; size: number }): Promise<Float64Array> {
  const choice = await (backend ?? init('auto'));
  const { size, cols, ix, iy, x, y } = g;
  const data = new Float64Array(size * size * cols);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const k = (r * size + c) * cols;
      data[k + ix] = x[0] + ((c + 0.5) / size) * (x[1] - x[0]);
      data[k + iy] = y[0] + ((r + 0.5) / size) * (y[1] - y[0]);
    }
  }
  const scores = await (await modelFor(modelId)).score({ data, rows: size * size, cols }, { backend: choice.backend });
  return Comlink.transfer(scores, [scores.buffer as ArrayBuffer]);
}

/**
 * Why rows scored as they did, for detectors that can say (the autoencoder's per-feature
 * squared reconstruction errors, rows × features); null otherwise.
 */
export async function explain(modelId: string, source: FeatureSource, rows: number[]): Promise<Float64Array | null> {
  const choice = await (backend ?? init('auto'));
  const model = await modelFor(modelId);
  if (!isExplainable(model)) return null;
  const context = scoringContext(model.params, detectorMeta(model.detector));
  if (context === 0) {
    const X = (await dataApi().matrix(source, { kind: 'rows', rows })).matrix;
    const e = await model.explain(X, { backend: choice.backend });
    return Comlink.transfer(e, [e.buffer as ArrayBuffer]);
  }
  // A windowed model (lstm_ae, gru_ae) explains a row by the window ending at it: each row is read
  // with the window_size − 1 rows before it, and only its own line of the explanation is kept.
  let out: Float64Array | null = null;
  for (const [k, row] of rows.entries()) {
    const from = Math.max(0, row - context);
    const X = (await dataApi().matrix(source, { kind: 'range', start: from, end: row + 1 })).matrix;
    const e = await model.explain(X, { backend: choice.backend });
    out ??= new Float64Array(rows.length * X.cols);
    out.set(e.subarray((row - from) * X.cols, (row - from + 1) * X.cols), k * X.cols);
  }
  out ??= new Float64Array(0);
  return Comlink.transfer(out, [out.buffer as ArrayBuffer]);
}


/** One share of a neighbour search split across the pool: rows [range) of the training rows against all of them, self excluded. */
export async function neighbors(source: FeatureSource, fitRows: RowSelection, k: number, range: [number, number], onProgress?: (fraction: number, phase: string) => void): Promise<Neighbors> {
  // Progress through each phase (issue 23: a split search sat at 0 % until a whole share ended), at most every 100 ms.
  let last = 0;
  const report = onProgress && ((f: number, phase: string) => {
    const now = performance.now();
    if (f < 1 && now - last < 100) return;
    last = now;
    onProgress(f, phase);
  });
  report?.(0, 'preparing features');
  const chosen = await chosenBackend();
  const X = (await dataApi().matrix(source, fitRows)).matrix;
  report?.(0, 'neighbours');
  // On a GPU backend the float32 candidates come from matMul + topk, refined exactly (same result).
  const nb = await neighborsFor(X, k, undefined, { rows: range, backend: chosen, onProgress: report && ((f) => report(f, 'neighbours')) });
  return Comlink.transfer(nb, [nb.distances.buffer as ArrayBuffer, nb.indices.buffer as ArrayBuffer]);
}

export function forget(modelId: string): void {
  models.delete(modelId);
}

/** Tuning searches by id (issue 21): their setup and labels, sent once to each worker, and the rows, fetched once. */
const tunings = new Map<string, { source: FeatureSource; setup: TrialSetup; labels: Uint8Array | null; X?: Promise<Matrix> }>();

/** Hold a search's setup (candidates, folds, criterion) and labels here for its tasks (`tuneFold`). */
export function tuneSetup(id: string, source: FeatureSource, setup: TrialSetup, labels: Uint8Array | null): void {
  // One search at a time per worker in practice; an old one is dropped rather than kept for ever.
  if (tunings.size >= 2) tunings.delete(tunings.keys().next().value!);
  tunings.set(id, { source, setup, labels });
}

/** Run one task of a search (one fold, some candidates): fit, score the held-out rows, measure. */
export async function tuneFold(id: string, task: FoldTask): Promise<FoldResult[]> {
  const t = tunings.get(id);
  if (!t) throw new Error(`tuning search '${id}' is not set up in this worker`);
  const spec = getDetector(t.setup.detector);
  // A classical detector needs no tfjs backend (the CLI's threads never start one for it).
  const chosen = spec.usesTensors ? (await (backend ?? init('auto'))).backend : await chosenBackend();
  t.X ??= dataApi().matrix(t.source).then((m) => m.matrix);
  return runFoldTask(spec, await t.X, t.labels, t.setup, task, { backend: chosen });
}

export function tuneForget(id: string): void {
  tunings.delete(id);
}
