/** Loading a file or a sample (parsed in the data worker), labels, feature columns and the plotted columns. */
import { guessLabelColumn, numericColumns } from '../../core/data/dataset';
import type { MissingPolicy } from '../../core/data/prepare';
import type { TextEncoding } from '../../core/data/encoding';
import { ThresholdSweep } from '../../core/metrics/sweep';
import { Random } from '../../core/random';
import { dataWorker, Comlink } from '../../workers/data-client';
import type { AppliedModel } from './store';
import { get, message, set } from './store';
import { applyModel } from './models';
import { run, waitingMessage, waitsForRunClick } from './run';
import { cancelRun } from './workers';
import { loadWindowsWithNextFile, timeForNewDataset } from './time';

let loadToken = 0;

/**
 * Parse a file in the worker; on failure the earlier dataset stays loaded.
 * @param encoding the file's encoding when it has no byte-order mark (default UTF-8; 'windows-1252' from the banner's retry)
 */
export async function loadFile(file: Blob, name: string, apply?: { model: AppliedModel; source: string }, encoding?: TextEncoding): Promise<void> {
  cancelRun();
  const token = ++loadToken;
  set({ loading: { name, fraction: 0, rows: 0 }, error: null, encodingRetry: null });
  let loaded;
  try {
    // Progress messages can arrive after the load settled: only the live load may show progress.
    const onProgress = (fraction: number, rows: number) => { if (loadToken === token && get().loading) set({ loading: { name, fraction, rows } }); };
    loaded = await dataWorker().load(file, name, Comlink.proxy(onProgress), encoding);
  } catch (e) {
    // Bytes that are not UTF-8 (the error's name survives the worker): the banner offers Windows-1252.
    const retry = (e as Error)?.name === 'EncodingError' && encoding === undefined ? { file, name } : null;
    if (loadToken === token) set({ loading: null, error: message(e), encodingRetry: retry });
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
  // The time axis (and a sample's windows) before the first run: a time column is not a feature.
  const timeColumn = await timeForNewDataset(loaded.id, ds.rows);
  if (timeColumn && get().datasetId === loaded.id) set({ features: get().features.filter((f) => f !== timeColumn) });
  // Labels first (small, and the metrics need them when the run ends); the plot's columns arrive alongside the run.
  await refreshLabels();
  const plot = refreshPlotValues();
  if (apply) await applyModel(apply.model, apply.source);
  else if (features.length > 0 && waitsForRunClick(get().detector)) set({ job: { state: 'idle', fraction: 0, message: waitingMessage(get().detector) } });
  else if (features.length > 0) await run();
  await plot;
}

/** Read the file that was not UTF-8 again, as Windows-1252 (what "Latin-1" files usually are). */
export function retryAsLatin1(): Promise<void> {
  const r = get().encodingRetry;
  return r ? loadFile(r.file, r.name, undefined, 'windows-1252') : Promise.resolve();
}

/** A sample from public/samples, with its windows file when it has one (samples.json `windows`). */
export async function loadSample(file: string, windows?: string): Promise<void> {
  const fetchText = async (name: string) => {
    const res = await fetch(`${import.meta.env.BASE_URL}samples/${name}`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res;
  };
  let blob: Blob;
  let windowsText: string | null = null;
  try {
    blob = await (await fetchText(file)).blob();
    if (windows) windowsText = await (await fetchText(windows)).text();
  } catch (e) {
    set({ error: `sample ${file} could not be loaded: ${message(e)}` });
    return;
  }
  loadWindowsWithNextFile(windowsText !== null && windows ? { text: windowsText, fileName: windows } : null);
  try {
    await loadFile(blob, file);
  } finally {
    loadWindowsWithNextFile(null); // a load that failed leaves nothing for the next file
  }
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

export function setView(view: 'score' | 'sklearn'): void {
  set({ view });
}
