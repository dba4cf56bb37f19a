/**
 * The Checks panel's state (issue 22): its own small zustand store, fed by the app store.
 *
 * - After each load, the data worker computes the upload's materialisation (rows, per-column
 *   statistics); it is recorded in IndexedDB under the asset name (the file name unless the user
 *   typed one, which then stays for the next files: that is how files are grouped) and checked
 *   against that asset's earlier materialisations.
 * - When a run finishes on that load, its detector, parameters, flagged share (at the detector's
 *   own threshold: moving the slider changes no history) and, with labels, ROC-AUC and average
 *   precision are written into the same record, and the checks run again. A later run on the same
 *   load replaces it: the record keeps the last run.
 * Steps run one after another (a run can finish before the load's record is written).
 */
import { create } from 'zustand';
import { runChecks, comparable, previousValues, type CheckReport } from '../../core/checks/checks';
import type { Materialisation, RunRecord } from '../../core/checks/materialisation';
import { parseHistoryExport } from '../../core/checks/history';
import { dataWorker } from '../../workers/data-client';
import { useApp, message, type RunResult } from './store';
import * as db from '../lib/history-db';

export interface ChecksState {
  /** The asset the current load is recorded under. */
  asset: string;
  /** Whether the user typed the asset name (kept for the next files) rather than taking the file name. */
  customAsset: boolean;
  k: number;
  robust: boolean;
  /** The load being checked (or the latest record of an asset picked from the list). */
  current: { id: number; m: Materialisation; datasetId: number | null } | null;
  /** The asset's earlier materialisations, oldest first. */
  earlier: Materialisation[];
  report: CheckReport | null;
  assets: { asset: string; count: number; last: string }[];
  error: string | null;
}

/** A typed asset name is kept in this browser too, so the next day's file lands under it after a reload. */
const ASSET_KEY = 'anomaly-lab-checks-asset';
function storedAsset(): string {
  try {
    return globalThis.localStorage?.getItem(ASSET_KEY) ?? '';
  } catch {
    return ''; // storage blocked: the file name it is
  }
}
function storeAsset(name: string): void {
  try {
    if (name) globalThis.localStorage?.setItem(ASSET_KEY, name);
    else globalThis.localStorage?.removeItem(ASSET_KEY);
  } catch {
    // storage blocked: kept for this tab only
  }
}

export const useChecks = create<ChecksState>(() => ({
  asset: storedAsset(), customAsset: storedAsset() !== '', k: 1, robust: false, current: null, earlier: [], report: null, assets: [], error: null,
}));
const setC = useChecks.setState;
const getC = useChecks.getState;

let chain: Promise<void> = Promise.resolve();
/** Run `step` after the ones before it; a failure is shown, and the next step still runs. */
function enqueue(step: () => Promise<void>): Promise<void> {
  chain = chain.then(step).catch((e: unknown) => setC({ error: `Checks: ${message(e)}` }));
  return chain;
}

function recheck(): void {
  const { current, earlier, k, robust } = getC();
  setC({ report: current ? runChecks(current.m, earlier, { k, robust }) : null });
}

async function refreshAssets(): Promise<void> {
  setC({ assets: await db.assets() });
}

async function onLoad(datasetId: number, fileName: string): Promise<void> {
  const asset = getC().customAsset ? getC().asset : fileName;
  const m = await dataWorker().materialisation(datasetId, asset, new Date().toISOString());
  const earlier = await db.assetHistory(asset);
  const id = await db.addMaterialisation(m);
  setC({ asset, current: { id, m, datasetId }, earlier, error: null });
  recheck();
  await refreshAssets();
}

/** The run's record: its own threshold's flagged share, and the label metrics there. */
function runRecord(result: RunResult): RunRecord {
  const metrics = result.sweep.metricsAt(result.modelThreshold);
  return {
    detector: result.detector,
    params: result.params,
    flagged_share: result.sweep.n > 0 ? result.sweep.flaggedAt(result.modelThreshold) / result.sweep.n : 0,
    roc_auc: metrics?.roc_auc ?? null,
    average_precision: metrics?.average_precision ?? null,
  };
}

async function onRun(datasetId: number, result: RunResult): Promise<void> {
  const current = getC().current;
  if (!current || current.datasetId !== datasetId) return;
  const run = runRecord(result);
  await db.updateMaterialisation(current.id, { run });
  setC({ current: { ...current, m: { ...current.m, run } } });
  recheck();
}

let started = false;
/** Follow the app store: a new dataset is a materialisation, a finished run completes it. */
export function startChecks(): void {
  if (started) return;
  started = true;
  useApp.subscribe((s, prev) => {
    if (s.datasetId !== prev.datasetId && s.datasetId !== null && s.dataset) {
      const [id, name] = [s.datasetId, s.dataset.name];
      void enqueue(() => onLoad(id, name));
    }
    if (s.result !== prev.result && s.result && s.datasetId !== null) {
      const [id, result] = [s.datasetId, s.result];
      void enqueue(() => onRun(id, result));
    }
  });
  void enqueue(refreshAssets);
}

/**
 * Rename the asset: the current record moves to it (and is checked against its history); the
 * name stays for the next files. An empty name goes back to the file name.
 */
export function setAsset(name: string): Promise<void> {
  return enqueue(async () => {
    const trimmed = name.trim();
    const current = getC().current;
    const asset = trimmed || current?.m.file || '';
    setC({ asset, customAsset: trimmed !== '' });
    storeAsset(trimmed);
    if (!current || current.m.asset === asset) return;
    await db.updateMaterialisation(current.id, { asset });
    const earlier = (await db.assetHistory(asset)).filter((m) => m.id !== current.id);
    setC({ current: { ...current, m: { ...current.m, asset } }, earlier });
    recheck();
    await refreshAssets();
  });
}

export function setK(k: number): void {
  if (!(k >= 0) || !Number.isFinite(k)) return;
  setC({ k });
  recheck();
}

export function setRobust(robust: boolean): void {
  setC({ robust });
  recheck();
}

/** Show an asset's latest materialisation checked against its earlier ones (after a reload, say). */
export function showAsset(asset: string): Promise<void> {
  return enqueue(async () => {
    const all = await db.assetHistory(asset);
    const last = all[all.length - 1];
    if (!last) return;
    setC({ current: { id: last.id!, m: last, datasetId: null }, earlier: all.slice(0, -1) });
    recheck();
  });
}

/** Clear an asset's history (or all): the checks shown go with it. */
export function clearHistory(asset?: string): Promise<void> {
  return enqueue(async () => {
    await db.clearHistory(asset);
    const current = getC().current;
    if (asset === undefined || current?.m.asset === asset) setC({ current: null, earlier: [], report: null });
    await refreshAssets();
  });
}

/** The whole history as a JSON file's text (a JSON array, oldest first). */
export async function exportHistory(): Promise<string> {
  return `${JSON.stringify(await db.allMaterialisations(), null, 1)}\n`;
}

/** Add the records of an exported history file; a bad file changes nothing and says which record is wrong. */
export function importHistory(text: string, fileName: string): Promise<void> {
  return enqueue(async () => {
    const records = parseHistoryExport(text, fileName);
    await db.importMaterialisations(records);
    setC({ error: null });
    await refreshAssets();
  });
}

/** The earlier materialisations the current one is compared with, kept per (current, earlier) pair. */
let compared: { m: Materialisation; earlier: Materialisation[]; same: Materialisation[] } | null = null;

/** The values a check compared with (for its sparkline), oldest first. */
export function checkHistory(metric: string): number[] {
  const { current, earlier } = getC();
  if (!current) return [];
  if (compared?.m !== current.m || compared.earlier !== earlier) compared = { m: current.m, earlier, same: comparable(current.m, earlier) };
  return previousValues(current.m, compared.same, metric).values;
}
