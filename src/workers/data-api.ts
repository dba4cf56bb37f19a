/** Plain functions of the parse worker (see data.worker.ts); no messaging in here. */
import * as Comlink from 'comlink';
import Papa from 'papaparse';
import { parseCsvChunks } from '../core/data/csv';
import { papaStream, type TextEncoding } from '../core/data/encoding';
import { parseCsvParts, parsePlainPart, partThreads, type ByteSource } from '../core/data/csv-parts';
import { blobBytes } from './chunks';
import type * as PartApi from './parse-part-api';
import { summarize, getColumn, type Dataset, type DatasetSummary } from '../core/data/dataset';
import { featurePlan, planMatrix, resolveLabels, type FeaturePlan, type Features, type Labels, type MissingPolicy } from '../core/data/prepare';
import type { Matrix } from '../core/data/matrix';
import { copyPacked, packBuffers, unpackModel, type PackedModel } from '../core/detectors/model-pack';
import { decimate as decimateRows, isSorted, rowRange, type Decimated } from '../core/data/decimate';
import { columnAxis, detectDatasetTime, rowAxis, summarizeAxis, type TimeAxis, type TimeAxisSummary } from '../core/data/time';
import { parseWindowsFile, type TimeWindow } from '../core/data/windows';
import { NabSweep, windowsFromLabels, type NabSweepTables } from '../core/metrics/nab-sweep';
import { materialise, type Materialisation } from '../core/checks/materialisation';
import { densityGrid, type DensityGrid } from '../core/data/density';
import { pca2 } from '../core/data/pca';
import { umap2 } from '../core/data/umap';
import { scoredCsvChunks, type ScoredColumnsOf } from '../core/data/scored-csv';
import { strayTextAsMissing, strayTextColumns, type StrayText } from '../core/data/stray-text';

const datasets = new Map<number, Dataset>();
let nextId = 1;

/**
 * Which rows of a dataset: all, a range [start, end), the first `count`, the rows whose label
 * (column, positive value) is `value`, or the listed rows. Resolved here, so the main thread
 * never holds row lists or row data.
 */
export type RowSelection =
  | { kind: 'all' }
  | { kind: 'range'; start: number; end: number }
  | { kind: 'first'; count: number }
  | { kind: 'label'; column: string; positive: string | null; value: 0 | 1 }
  | { kind: 'rows'; rows: number[] };

/** What a matrix is cut from: a dataset's columns with a missing-value policy. */
export interface FeatureSource {
  datasetId: number;
  columns: string[];
  missing: MissingPolicy;
}

/** The last feature plan (fill values computed once per dataset, columns and policy). */
let plan: { key: string; plan: FeaturePlan } | null = null;

function planFor(src: FeatureSource): FeaturePlan {
  const key = `${src.datasetId}|${src.missing}|${JSON.stringify(src.columns)}`;
  if (plan?.key !== key) plan = { key, plan: featurePlan(get(src.datasetId), src.columns, src.missing) };
  return plan.plan;
}

function selectedRows(src: FeatureSource, sel: RowSelection): [number, number] | Int32Array | undefined {
  const n = get(src.datasetId).rows;
  switch (sel.kind) {
    case 'all': return undefined;
    case 'range': return [sel.start, sel.end];
    case 'first': return [0, Math.max(0, Math.min(n, sel.count))];
    case 'rows': return Int32Array.from(sel.rows);
    case 'label': {
      const { labels } = resolveLabels(get(src.datasetId), sel.column, sel.positive);
      const rows: number[] = [];
      for (let i = 0; i < labels.length; i++) if (labels[i] === sel.value) rows.push(i);
      return Int32Array.from(rows);
    }
    default: throw new RangeError(`unknown row selection ${(sel as { kind: string }).kind}`);
  }
}

/**
 * The feature matrix of some rows (missing cells filled as for all rows), for a detector
 * worker: sent over that worker's own port, never through the main thread.
 */
export function matrix(src: FeatureSource, sel: RowSelection = { kind: 'all' }): { matrix: Matrix; columns: string[]; imputed: Features['imputed'] } {
  const p = planFor(src);
  const m = planMatrix(p, selectedRows(src, sel));
  return Comlink.transfer({ matrix: m, columns: p.columns, imputed: p.imputed }, [m.data.buffer as ArrayBuffer]);
}

/** Fitted models by id, packed: the detector workers load them from here (and put them here), so models never cross the main thread. */
const models = new Map<string, PackedModel>();

export function putModel(id: string, packed: PackedModel): void {
  models.set(id, packed);
}

export function getModel(id: string): PackedModel {
  const m = models.get(id);
  if (!m) throw new Error(`model ${id} is no longer kept`);
  const copy = copyPacked(m);
  return Comlink.transfer(copy, packBuffers(copy));
}

/** The model file's text (saving or downloading), with the feature column names. */
export function modelJSON(id: string, columns?: string[]): string {
  const m = models.get(id);
  if (!m) throw new Error(`model ${id} is no longer kept`);
  return JSON.stringify({ ...unpackModel(m), ...(columns ? { columns } : {}) });
}

/**
 * The fitted model as ONNX bytes (issue 24), built here where the model is kept: the exporter and
 * the detectors' `load` are imported on first use. A model with no ONNX form (or too large) throws
 * the exporter's one-line message.
 */
export async function modelOnnx(id: string, columns: string[] | undefined, dtype: 'float32' | 'float64'): Promise<Uint8Array> {
  const m = models.get(id);
  if (!m) throw new Error(`model ${id} is no longer kept`);
  const [{ loadModel }, { exportOnnx }] = await Promise.all([import('../core/detectors/registry'), import('../core/onnx/index')]);
  const bytes = exportOnnx(loadModel(unpackModel(m)), { dtype, columns });
  return Comlink.transfer(bytes, [bytes.buffer]);
}

export function dropModel(id: string): void {
  models.delete(id);
}

export interface Loaded {
  id: number;
  summary: DatasetSummary;
  parseMs: number;
  /** How many threads read the file (this worker and its helpers). */
  threads: number;
}

/** Helpers that read parts of a large file (one per extra core, up to 3), kept for the worker's life. */
interface Helper {
  api: Comlink.Remote<typeof PartApi>;
  /** Rejects when the worker dies (a crash, out of memory): a part never waits on a dead helper. */
  died: Promise<never>;
}
const helpers: Helper[] = [];

// Started with this worker on a machine with cores to spare, so they are ready (modules loaded) when a large file comes.
if (typeof Worker !== 'undefined' && typeof navigator !== 'undefined' && (navigator.hardwareConcurrency || 1) >= 2) {
  parseHelpers(Math.min(4, navigator.hardwareConcurrency) - 1);
}

function parseHelpers(count: number): Helper[] {
  while (helpers.length < count) {
    const k = helpers.length;
    const worker = new Worker(new URL('./parse-part.worker.ts', import.meta.url), { type: 'module', name: `parse-part-${k + 1}` });
    const died = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => {
        reject(new Error(`parse helper ${k + 1} crashed: ${e.message || 'unknown error'}`));
        const i = helpers.findIndex((h) => h.api === api);
        if (i >= 0) helpers.splice(i, 1); // a new one next time
        worker.terminate(); // an uncaught error leaves it alive: it is not used again
      });
    });
    died.catch(() => undefined);
    const api = Comlink.wrap<typeof PartApi>(worker);
    helpers.push({ api, died });
  }
  return helpers.slice(0, count);
}

/** How many threads read a file of `bytes` here: this worker plus one helper per extra core (partThreads). */
function parseThreads(bytes: number): number {
  return typeof Worker === 'undefined' ? 1 : partThreads(bytes, navigator.hardwareConcurrency || 1);
}

/**
 * Parse a File; on success it is kept under a new id (earlier datasets stay
 * until dropped). A large quote-free numeric file is read in parts by this
 * worker and its helpers (csv-parts.ts); anything else in one piece.
 */
export async function load(file: Blob & { name?: string }, name: string, onProgress?: (fraction: number, rows: number) => void, encoding?: TextEncoding): Promise<Loaded> {
  const t0 = performance.now();
  // papaparse reads text decoded by the reader (strict UTF-8 naming a bad byte's row and column, or the
  // file's encoding): FileReader would decode each slice alone, cutting characters at the slice ends.
  const whole = () => parseCsvChunks(
    name,
    blobBytes(file),
    (config, text) => Papa.parse((text ? papaStream(text) : file) as File, { ...config, chunkSize: 4 << 20 } as Papa.ParseLocalConfig<string[], File>),
    { totalBytes: file.size, onProgress, encoding, reread: () => blobBytes(file) },
  );
  // Another encoding than UTF-8 (asked for: Windows-1252) is read in one piece, transcoded as it streams.
  let threads = encoding && encoding !== 'utf-8' ? 1 : parseThreads(file.size);
  let ds: Dataset;
  if (threads < 2) {
    ds = await whole();
  } else {
    const workers = parseHelpers(threads - 1);
    const source: ByteSource = { size: file.size, read: async (a, b) => new Uint8Array(await file.slice(a, b).arrayBuffer()) };
    let bytesDone = 0;
    let rowsDone = 0;
    let lastReport = 0;
    ds = await parseCsvParts(name, source, threads, async (plan, [a, b], runner) => {
      const slice = file.slice(a, b);
      const head = { header: plan.header, delimiter: plan.delimiter };
      const part = runner === 0 ? await parsePlainPart(name, head, blobBytes(slice), b - a) : await Promise.race([workers[runner - 1].api.parse(slice, name, head), workers[runner - 1].died]).catch(() => null);
      bytesDone += b - a;
      rowsDone += part?.rows ?? 0;
      const now = Date.now();
      if (onProgress && now - lastReport > 100) {
        lastReport = now;
        onProgress(bytesDone / file.size, rowsDone);
      }
      return part;
    }, () => {
      threads = 1; // read in one piece after all: say so
      return whole();
    });
    onProgress?.(1, ds.rows);
  }
  const id = nextId++;
  datasets.set(id, ds);
  return { id, summary: summarize(ds), parseMs: performance.now() - t0, threads };
}

/** Keep a Dataset parsed elsewhere (the CLI's main thread) under a new id, as `load` keeps one. */
export function add(ds: Dataset): number {
  const id = nextId++;
  datasets.set(id, ds);
  return id;
}

export function drop(id: number): void {
  datasets.delete(id);
  timeAxes.delete(id);
  windowFiles.delete(id);
  timelineScores.delete(id);
  projected.delete(id);
  if (plan?.key.startsWith(`${id}|`)) plan = null;
}

/** The dataset's (file) name, for messages. */
export function datasetName(id: number): string {
  return get(id).name;
}

// ---- Upload history (issue 22): a materialisation's statistics are computed here, where the data is ----

/** The dataset as a materialisation of `asset` (rows, per-column statistics; the run is added when it ends). */
export function materialisation(id: number, asset: string, time: string): Materialisation {
  return materialise(get(id), asset, new Date(time));
}

// ---- Time axis and windows (issue 16, data): the time column's values stay here ----

/** Each dataset's chosen time axis (column null = row order) and its windows file, matched to that axis. */
const timeAxes = new Map<number, { column: string | null; axis: TimeAxis }>();
const windowFiles = new Map<number, { text: string; fileName: string; windows: TimeWindow[] }>();

/** What setTime answers: the axis without its values, and the windows re-matched to it (or why they no longer fit). */
export interface TimeInfo extends TimeAxisSummary {
  column: string | null;
  windows: TimeWindow[] | null;
  windowsError: string | null;
}

/** The time column found by name and content (core/data/time.ts detectTimeColumn), or null: time-select's default. */
export function detectTime(id: number): string | null {
  return detectDatasetTime(get(id));
}

/**
 * Use a column (null = row order) as the dataset's time axis. Unparseable, duplicate and out-of-order
 * times are counted, never fixed: the rows keep the file's order. Windows already loaded are matched
 * again to the new axis from their file; when its edges are not times of this axis (row order, say)
 * they keep their rows; when neither works they are dropped and `windowsError` says why.
 */
export function setTime(id: number, column: string | null): TimeInfo {
  const ds = get(id);
  const axis = column === null ? rowAxis(ds.rows) : columnAxis(getColumn(ds, column));
  timeAxes.set(id, { column, axis });
  let windows: TimeWindow[] | null = null;
  let windowsError: string | null = null;
  const w = windowFiles.get(id);
  if (w) {
    try {
      windows = parseWindowsFile(w.text, w.fileName, ds.name, axis);
    } catch (e) {
      // The file's edges are not times of this axis (row order, another column): the windows keep their
      // rows, which do not move, and take this axis' values there; where a row has no value they go.
      const kept = w.windows.map((x) => ({ start: axis.values[x.startRow], end: axis.values[x.endRow], startRow: x.startRow, endRow: x.endRow }));
      if (kept.every((x) => Number.isFinite(x.start) && Number.isFinite(x.end))) windows = kept;
      else windowsError = e instanceof Error ? e.message : String(e);
    }
    if (windows) windowFiles.set(id, { ...w, windows });
    else windowFiles.delete(id);
  }
  return { column, ...summarizeAxis(axis), windows, windowsError };
}

/** The dataset's time axis (row order until setTime chose a column): for the timeline and the metrics in this worker. */
export function timeAxisOf(id: number): TimeAxis {
  const t = timeAxes.get(id);
  if (t) return t.axis;
  const axis = rowAxis(get(id).rows);
  timeAxes.set(id, { column: null, axis });
  return axis;
}

/** The time values (ms since 1970 UTC) of the chosen time column, or null for row order. */
export function timeValues(id: number): Float64Array | null {
  const axis = timeAxisOf(id);
  return axis.kind === 'row' ? null : axis.values;
}

/**
 * Read a windows file (NAB's combined_windows.json: the dataset's entry by its file name; or a CSV of
 * start,end) against the dataset's time axis. On a DataError nothing changes (earlier windows stay)
 * and the error names the file and the window.
 */
export function setWindows(id: number, text: string, fileName: string): { fileName: string; count: number; windows: TimeWindow[] } {
  const ds = get(id);
  const windows = parseWindowsFile(text, fileName, ds.name, timeAxisOf(id));
  windowFiles.set(id, { text, fileName, windows });
  return { fileName, count: windows.length, windows };
}

/** Forget the dataset's windows. */
export function clearWindows(id: number): void {
  windowFiles.delete(id);
}

/** The dataset's windows (matched to its time axis), or null. */
export function windowsOf(id: number): TimeWindow[] | null {
  return windowFiles.get(id)?.windows ?? null;
}

// ---- NAB and event-wise metrics at any threshold (issue 16, the metrics panel) ----

/**
 * The tables of a NabSweep (core/metrics/nab-sweep.ts) for the run's scores put here by `putScores`
 * against the dataset's windows (its windows file, else the runs of positive `labels`), on its time
 * axis: built here, where the time values are, and transferred to the page, which answers every
 * threshold from them. Null when there are no scores, no windows, or scores of another length.
 */
export function nabSweep(id: number, labels: Uint8Array | null): { tables: NabSweepTables; source: 'windows' | 'labels'; windows: number } | null {
  const axis = timeAxisOf(id);
  const scores = timelineScores.get(id);
  const file = windowsOf(id);
  const windows = file ?? (labels ? windowsFromLabels(labels, axis.values) : null);
  if (!windows || !scores || scores.length !== axis.values.length) return null;
  const tables = NabSweep.build(scores, windows, axis.values);
  return Comlink.transfer({ tables, source: file ? 'windows' : 'labels', windows: windows.length }, NabSweep.buffers(tables));
}

function get(id: number): Dataset {
  const ds = datasets.get(id);
  if (!ds) throw new Error(`dataset ${id} is no longer loaded`);
  return ds;
}

export function labels(id: number, column: string, positive?: string | null): Labels {
  const result = resolveLabels(get(id), column, positive);
  return Comlink.transfer(result, [result.labels.buffer]);
}

/** What a feature matrix of these columns would be: names and imputations, no rows (the page shows them). */
export function featureInfo(id: number, columns: string[], policy: MissingPolicy): Omit<Features, 'matrix'> {
  const p = planFor({ datasetId: id, columns, missing: policy });
  return { columns: p.columns, imputed: p.imputed };
}

/** Copies of numeric columns (NaN = missing), for plotting. */
export function columns(id: number, names: string[]): Float64Array[] {
  const ds = get(id);
  const out = names.map((n) => {
    const c = getColumn(ds, n);
    return c.kind === 'numeric' ? c.values.slice() : new Float64Array(ds.rows).fill(NaN);
  });
  return Comlink.transfer(out, out.map((a) => a.buffer));
}

/** One row's values in the given columns (NaN = missing), for explaining a point. */
export function row(id: number, names: string[], index: number): number[] {
  const ds = get(id);
  if (!(index >= 0 && index < ds.rows)) throw new RangeError(`row ${index + 1} is not in ${ds.name} (${ds.rows} rows)`);
  return names.map((n) => {
    const c = getColumn(ds, n);
    return c.kind === 'numeric' ? c.values[index] : NaN;
  });
}

// ---- Timeline (issue 16, the timeline view): decimation where the rows live ----

/** The page's copy of the last run's scores per dataset, for the timeline's score panel and the NAB sweep (scores are not row data). */
const timelineScores = new Map<number, Float64Array>();
/** Whether each dataset's time values never decrease (found once per axis). */
const timelineSorted = new WeakMap<Float64Array, boolean>();

/** Keep (or, with null, forget) the scores the timeline draws for a dataset. */
export function putScores(id: number, scores: Float64Array | null): void {
  if (scores) timelineScores.set(id, scores);
  else timelineScores.delete(id);
}

function timelineSortedOf(times: Float64Array | null): boolean {
  if (!times) return true;
  let s = timelineSorted.get(times);
  if (s === undefined) timelineSorted.set(times, (s = isSorted(times)));
  return s;
}

/** What the timeline needs to know of a series once: its time extent and where NAB's probation ends. */
export interface TimelineInfo {
  rows: number;
  /** The smallest and largest time (row index for row order); NaN when none parses. */
  extent: [number, number];
  kind: 'time' | 'row';
  /** The times of the first and last rows of the probationary period (the first `probationRows` rows); NaN when none. */
  probationStart: number;
  probationEnd: number;
  sorted: boolean;
}

export function timelineInfo(id: number, probationRows: number): TimelineInfo {
  const ds = get(id);
  const times = timeValues(id);
  let lo = Infinity, hi = -Infinity;
  if (times) for (const t of times) { if (t < lo) lo = t; if (t > hi) hi = t; }
  else if (ds.rows > 0) { lo = 0; hi = ds.rows - 1; }
  const last = Math.min(ds.rows, Math.max(0, Math.floor(probationRows))) - 1;
  return {
    rows: ds.rows,
    extent: lo <= hi ? [lo, hi] : [NaN, NaN],
    kind: times ? 'time' : 'row',
    probationStart: last < 0 ? NaN : times ? times[0] : 0,
    probationEnd: last < 0 ? NaN : times ? times[last] : last,
    sorted: timelineSortedOf(times),
  };
}

/**
 * The rows of some columns with a time in [t0, t1], reduced to min/max per pixel column (see
 * core/data/decimate.ts), with the scores put here by `putScores` when asked: about 2 × pixels
 * numbers per series cross to the page, never the rows.
 */
export function decimate(id: number, req: { columns: string[]; scores?: boolean; t0: number; t1: number; pixels: number }): Decimated {
  const ds = get(id);
  const times = timeValues(id);
  const series = req.columns.map((n) => {
    const c = getColumn(ds, n);
    return c.kind === 'numeric' ? c.values : new Float64Array(ds.rows).fill(NaN);
  });
  const scores = req.scores ? timelineScores.get(id) ?? null : null;
  const out = decimateRows({ times, sorted: timelineSortedOf(times), series, scores: scores && scores.length === ds.rows ? scores : null, t0: req.t0, t1: req.t1, pixels: Math.max(1, Math.round(req.pixels)) });
  const buffers: ArrayBuffer[] = out.kind === 'buckets'
    ? [out.count, ...out.series.flatMap((m) => [m.min, m.max]), ...(out.score ? [out.score.min, out.score.max] : []), out.peakRow, ...out.peakValues].map((a) => a.buffer as ArrayBuffer)
    : [out.row, out.time, ...out.series, ...(out.score ? [out.score] : [])].map((a) => a.buffer as ArrayBuffer);
  return Comlink.transfer(out, buffers);
}

/** The row nearest to time t (the first of equal distance), its time and its values in the columns: what the timeline's hover shows. */
export function nearestRow(id: number, columns: string[], t: number): { row: number; time: number; values: number[] } | null {
  const ds = get(id);
  const times = timeValues(id);
  let best = -1;
  if (!times) best = Math.min(ds.rows - 1, Math.max(0, Math.round(t)));
  else if (timelineSortedOf(times)) {
    const [i] = rowRange(times, ds.rows, t, Infinity);
    best = i >= ds.rows ? ds.rows - 1 : i > 0 && t - times[i - 1] <= times[i] - t ? i - 1 : i;
  } else {
    let d = Infinity;
    for (let i = 0; i < times.length; i++) { const e = Math.abs(times[i] - t); if (e < d) { d = e; best = i; } }
  }
  if (best < 0) return null;
  return { row: best, time: times ? times[best] : best, values: row(id, columns, best) };
}

// ---- Plot (issue 23): projections and the density layer, next to the rows ----

/** What the plot draws: two columns, or a projection made here (kept per dataset until the next one). */
export type PlotSource = { kind: 'columns'; x: string; y: string } | { kind: 'projection'; key: string };

const projected = new Map<number, { key: string; x: Float64Array; y: Float64Array }>();
let umapRun = 0;

function plotXY(id: number, src: PlotSource): [Float64Array, Float64Array] {
  const ds = get(id);
  if (src.kind === 'projection') {
    const p = projected.get(id);
    if (!p || p.key !== src.key) throw new RangeError(`the projection ${src.key} of ${ds.name} is not computed`);
    return [p.x, p.y];
  }
  const col = (n: string) => { const c = getColumn(ds, n); return c.kind === 'numeric' ? c.values : new Float64Array(ds.rows).fill(NaN); };
  return [col(src.x), col(src.y)];
}

/** A row with a missing cell in any of the columns sits where the filling put it: not drawn (NaN), as a missing plotted column. */
function maskMissing(id: number, columns: string[], x: Float64Array, y: Float64Array): void {
  const ds = get(id);
  for (const name of columns) {
    const c = getColumn(ds, name);
    if (c.kind !== 'numeric') continue;
    for (let i = 0; i < ds.rows; i++) if (c.values[i] !== c.values[i]) { x[i] = NaN; y[i] = NaN; }
  }
}

/** PCA(2) of the feature columns (missing cells as the run fills them); the coordinates are kept here for the density layer, and a copy goes back. */
export function projectPca(id: number, columns: string[], missing: MissingPolicy, key: string): { x: Float64Array; y: Float64Array; explained: [number, number] } {
  const p = pca2(planMatrix(planFor({ datasetId: id, columns, missing })));
  maskMissing(id, columns, p.x, p.y);
  projected.set(id, { key, x: p.x, y: p.y });
  const x = p.x.slice(), y = p.y.slice();
  return Comlink.transfer({ x, y, explained: p.explained }, [x.buffer, y.buffer]);
}

/** UMAP(2), seeded, with progress; a later projectUmap or cancelUmap stops it (it yields between epochs). */
export async function projectUmap(id: number, columns: string[], missing: MissingPolicy, key: string, seed: number, onProgress?: (fraction: number) => void): Promise<{ x: Float64Array; y: Float64Array }> {
  const run = ++umapRun;
  const m = planMatrix(planFor({ datasetId: id, columns, missing }));
  const p = await umap2(m, { seed, onProgress, cancelled: () => run !== umapRun || !datasets.has(id) });
  maskMissing(id, columns, p.x, p.y);
  projected.set(id, { key, x: p.x, y: p.y });
  const x = p.x.slice(), y = p.y.slice();
  return Comlink.transfer({ x, y }, [x.buffer, y.buffer]);
}

export function cancelUmap(): void {
  umapRun++;
}

/**
 * Every row of the plotted pair binned over [x0, x1] × [y0, y1] (core/data/density.ts), with the
 * run's scores (putScores) summed per bin when asked: nx × ny numbers cross to the page, never the rows.
 */
export function density(id: number, req: { source: PlotSource; x: [number, number]; y: [number, number]; nx: number; ny: number; scores: boolean }): DensityGrid {
  const [x, y] = plotXY(id, req.source);
  const s = req.scores ? timelineScores.get(id) ?? null : null;
  const g = densityGrid(x, y, s && s.length === x.length ? s : null, req);
  return Comlink.transfer(g, [g.counts.buffer, g.scoreSums.buffer] as ArrayBuffer[]);
}

// ---- Export (issue 23): the scored CSV is written here, where the rows are ----

/**
 * The scored CSV of a dataset (core/data/scored-csv.ts: the CLI's --out columns through the same
 * CSV writer and formula guard) as a Blob of ~1 MiB text parts: never one string, and a Blob
 * crosses to the page without copying its bytes. `chunks` (tests) receives each part's length.
 */
export function exportScored(id: number, scored: ScoredColumnsOf, options: { formulaEscape?: boolean; chunkChars?: number } = {}, chunks?: (length: number) => void): Blob {
  const type = 'text/csv;charset=utf-8';
  let blob = new Blob([], { type });
  let parts: string[] = [];
  for (const part of scoredCsvChunks(get(id), scored, options)) {
    chunks?.(part.length);
    parts.push(part);
    // Folded into the Blob every 16 parts: the browser keeps a Blob's bytes outside the JS heap.
    if (parts.length >= 16) {
      blob = new Blob([blob, ...parts], { type });
      parts = [];
    }
  }
  return new Blob([blob, ...parts], { type });
}

// ---- Input checks (issue 23): numeric columns turned into text by a few stray cells ----

/** The text columns that are mostly numbers, each with its first stray cell (row, value). */
export function strayText(id: number): StrayText[] {
  return strayTextColumns(get(id));
}

/**
 * Read a column's stray text cells as missing: the column becomes numeric (in place, under the same
 * dataset id) and the new summary comes back. Feature plans and projections made before are dropped.
 */
export function treatStrayAsMissing(id: number, column: string): DatasetSummary {
  const ds = get(id);
  const numeric = strayTextAsMissing(ds, column);
  ds.columns = ds.columns.map((c) => (c.name === column ? numeric : c));
  if (plan?.key.startsWith(`${id}|`)) plan = null;
  projected.delete(id);
  return summarize(ds);
}
