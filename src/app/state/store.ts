/**
 * The app's state (zustand): one store, its types, and the helpers every slice
 * uses. Heavy data stays in workers: the dataset and its feature matrices in the
 * data worker, fitted models in the detector workers (and packed in the data
 * worker), known here by id. The store holds the dataset summary, the label
 * vector, the scores of the last run with their ThresholdSweep, the two plotted
 * columns, and the threshold. Moving the threshold only changes `threshold`:
 * everything else derives from the sweep. The slices beside this file change it:
 * data.ts (loading, labels, columns, plot), run.ts (parameters, running,
 * training), models.ts (saving and opening fitted models), workers.ts (the
 * detector pool and cancelling), surface.ts, threshold.ts, explain.ts, hook.ts.
 */
import { create } from 'zustand';
import type { DatasetSummary } from '../../core/data/dataset';
import type { TimeAxisSummary } from '../../core/data/time';
import type { TimeWindow } from '../../core/data/windows';
import type { Labels, MissingPolicy, Imputation } from '../../core/data/prepare';
import { DEFAULT_DETECTOR } from '../../core/detectors/specs';
import type { EpochReport, ModelInfo } from '../../core/detectors/detector';
import type { BackendChoice, BackendPreference } from '../../core/compute/backend';
import type { ThresholdSweep } from '../../core/metrics/sweep';

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
  /** The fitted model, kept in the workers under this id (saved or downloaded on request). */
  modelId: string;
  /** What the page shows of the model; its state stays in the workers. */
  model: ModelMeta;
  imputed: Imputation[];
  /** The missing-value policy of the run (explaining a row fills it alike). */
  missing: MissingPolicy;
  /** The seed the run used (the seed box may have changed since): exports reproduce this one. */
  seed?: number;
  /** Which rows the model was fitted on ('all rows', 'the 500 rows labelled normal', …). */
  fittedOn: string;
  /**
   * Whether every row after NAB's probationary period was scored by a model that never saw it: fitted
   * on the probation (or a first N % no longer than it), an online detector, or a model applied from
   * elsewhere. False for a fit on all rows or on the rows labelled normal: the page says "not causal"
   * and leaves it out of NAB figures.
   */
  causal: boolean;
  backend: string;
  workers: number;
  timings: { features: number; fit: number; score: number; total: number };
  /** Bytes of row data that crossed the main thread in this run (0 by design). */
  rowBytes: number;
}

export interface ModelMeta {
  detector: string;
  params: Record<string, unknown>;
  threshold: number;
  columns: string[];
}

export interface AppState {
  // data
  datasetId: number | null;
  dataset: DatasetSummary | null;
  loading: { name: string; fraction: number; rows: number } | null;
  error: string | null;
  /** The file whose bytes were not UTF-8 (the last load's error): the banner offers to read it again as Windows-1252. */
  encodingRetry: { file: Blob; name: string } | null;
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
  /** The time column (null = row order), found by name and content on load, changed with time-select (state/time.ts). */
  timeColumn: string | null;
  /** What the data worker found in the time column: kind, counts and first rows of unparseable / duplicate / out-of-order times (the values stay in the worker). */
  timeAxis: TimeAxisSummary | null;
  /** Labelled windows matched to the time axis (rows 0-based, inclusive), or null. */
  windows: TimeWindow[] | null;
  /** The windows file's name. */
  windowsFile: string | null;
  /** NAB's probationary period: the first min(floor(0.15 n), 750) rows. */
  probationRows: number;
  // detector
  detector: string;
  params: Record<string, Record<string, string>>;
  seed: number;
  /** `note`: what happened on the way, kept with the outcome (a run retried on another backend after its worker stopped). */
  job: { state: JobState; fraction: number; message: string; note?: string };
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
  savedModels: import('../lib/savedModels').SavedModel[];
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

/** 'probation': NAB's probationary period, the first min(floor(0.15 n), 750) rows (the default once a time column is set). */
export type FitOn = 'all' | 'normal' | 'first' | 'probation';

/** A model kept in the workers, with what the page knows of it. */
export interface AppliedModel {
  modelId: string;
  meta: ModelMeta;
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
  encodingRetry: null,
  parseMs: null,
  parseThreads: 1,
  labelColumn: null,
  positive: null,
  labels: null,
  labelError: null,
  features: [],
  missingPolicy: 'median',
  order: null,
  timeColumn: null,
  timeAxis: null,
  windows: null,
  windowsFile: null,
  probationRows: 0,
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

export const set = useApp.setState;

export const get = useApp.getState;

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
