/** Fitted models: applied to the loaded data, saved (file or IndexedDB) and opened again; their state stays in the workers. */
import { markApplyFailed } from './stale';
import { checkModelSchema } from '../../core/detectors/model-schema';
import type { ModelJSON } from '../../core/detectors/detector';
import type { AppliedModel } from './store';
import { get, message, set } from './store';
import { run } from './run';
import { cancelRun, getPool } from './workers';

/** Why a model with these columns cannot score the loaded data (null: it can, or nothing is loaded). */
function columnsError(columns: readonly string[]): string | null {
  const { dataset, labelColumn } = get();
  if (!dataset) return null;
  // As the CLI: a model fitted on the label would score with the answer.
  if (labelColumn && columns.includes(labelColumn)) return `the model's columns include the label column '${labelColumn}'`;
  const missing = columns.filter((c) => !dataset.columns.some((d) => d.name === c && d.kind === 'numeric'));
  if (columns.length > 0 && missing.length === 0) return null;
  return `${dataset.name} lacks the model's numeric column${missing.length === 1 ? '' : 's'} ${missing.join(', ') || '(the model names none)'}`;
}

/**
 * A model opened while a job runs. A model that cannot apply (unreadable, or without the loaded
 * data's columns) leaves the job running: its error goes to the banner, which stays until dismissed
 * (no job writes there). One that can apply cancels the job before it is built, as Run does: the
 * user asked for its scores now, and its import should not queue behind the running fit.
 */
/** A model that could not be applied: the banner says why, and the result on screen is marked stale (state/stale.ts). */
function applyFailed(text: string): void {
  set({ error: text });
  markApplyFailed(text);
}

function openError(what: string, why: string): void {
  applyFailed(`${what} could not be applied: ${why}`);
}

/** Score the loaded dataset with a fitted model (no refit): its columns must be here. */
export async function applyModel(model: AppliedModel, source: string): Promise<void> {
  const { dataset } = get();
  if (!dataset) return;
  const columns = model.meta.columns;
  const bad = columnsError(columns);
  if (bad) {
    set({ job: { state: 'error', fraction: 0, message: bad } });
    return;
  }
  set({ features: columns, detector: model.meta.detector });
  await run(model, source);
}

/** A checked model file handed to a worker, which builds and keeps it. */
async function importModel(json: ModelJSON): Promise<AppliedModel> {
  const r = await getPool(get().backendPreference).importModel(json);
  return { modelId: r.modelId, meta: { detector: json.detector, params: json.params, threshold: r.threshold, columns: json.columns ?? [] } };
}

/**
 * A model's error as one line naming its source: the schema's messages already do ("m.json: state.k
 * must be …"); a worker's load names "model file", replaced by the source.
 */
function modelError(source: string, e: unknown): string {
  const m = message(e);
  return m.startsWith(source) ? m : m.startsWith('model file') ? `${source}${m.slice('model file'.length)}` : `${source}: ${m}`;
}

/** Read a model file chosen by the user and apply it to the loaded data. */
export async function openModelFile(file: Blob & { name?: string }): Promise<void> {
  const name = file.name || 'model file';
  let json: ModelJSON;
  try {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      throw new TypeError(`${name} is not a model file (not JSON)`);
    }
    // The whole schema (types, lengths, index ranges, trees, finite numbers) before any worker builds it.
    json = checkModelSchema(parsed, name);
  } catch (e) {
    applyFailed(modelError(name, e));
    return;
  }
  const bad = columnsError(json.columns ?? []);
  if (bad) return openError(file.name ?? 'the model', bad);
  cancelRun();
  let model: AppliedModel;
  try {
    model = await importModel(json);
  } catch (e) {
    applyFailed(modelError(name, e));
    return;
  }
  await applyModel(model, file.name ?? 'model file');
}

/** Save the last fitted model in this browser (IndexedDB, tfjs format); returns the saved entries. */
export async function saveModelInBrowser(): Promise<void> {
  const r = get().result;
  if (!r) return;
  const { saveModel } = await import('../lib/savedModels');
  const now = new Date();
  const name = `${get().dataset?.name ?? 'data'} · ${now.toLocaleString('en-GB', { hour12: false })}.${String(now.getMilliseconds()).padStart(3, '0')}`;
  try {
    await saveModel(name, JSON.parse(await getPool(get().backendPreference).modelJSON(r.modelId, r.columns)) as ModelJSON);
    await refreshSavedModels();
  } catch (e) {
    set({ error: `could not save the model in this browser: ${message(e)}` });
  }
}

export async function refreshSavedModels(): Promise<void> {
  const { listModels } = await import('../lib/savedModels');
  try {
    set({ savedModels: await listModels() });
  } catch {
    set({ savedModels: [] }); // IndexedDB unavailable (private mode): nothing to list
  }
}

/** Score the loaded data with a model saved in this browser. */
export async function openSavedModel(key: string): Promise<void> {
  const { loadSavedModel } = await import('../lib/savedModels');
  const source = `saved model ${key}`;
  let json: ModelJSON;
  try {
    json = checkModelSchema(await loadSavedModel(key), source);
  } catch (e) {
    applyFailed(modelError(source, e));
    return;
  }
  const bad = columnsError(json.columns ?? []);
  if (bad) return openError(`saved model ${key}`, bad);
  cancelRun();
  let model: AppliedModel;
  try {
    model = await importModel(json);
  } catch (e) {
    applyFailed(modelError(source, e));
    return;
  }
  await applyModel(model, `saved in this browser: ${key.split('/').slice(2).join('/')}`);
}

export async function deleteSavedModel(key: string): Promise<void> {
  const { removeModel } = await import('../lib/savedModels');
  await removeModel(key).catch(() => undefined);
  await refreshSavedModels();
}

/** The fitted model's file (written out by its worker's data store only now, on request). */
/**
 * The last fitted model as an ONNX file (issue 24), built in the worker that keeps it. A model with
 * no ONNX form (or too large) sets the banner's error, one line, and gives nothing to download.
 */
export async function modelOnnxDownload(dtype: 'float32' | 'float64' = 'float32'): Promise<{ name: string; bytes: Uint8Array } | null> {
  const r = get().result;
  if (!r) return null;
  try {
    return { name: `${r.detector}-model.onnx`, bytes: await getPool(get().backendPreference).modelOnnx(r.modelId, r.columns, dtype) };
  } catch (e) {
    set({ error: `Export as ONNX: ${message(e)}` });
    return null;
  }
}

export async function modelDownload(): Promise<{ name: string; text: string } | null> {
  const r = get().result;
  if (!r) return null;
  return { name: `${r.detector}-model.json`, text: await getPool(get().backendPreference).modelJSON(r.modelId, r.columns) };
}
