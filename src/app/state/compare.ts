/**
 * Comparing detectors in the page (issue 20): a list of detectors with their parameters (one entry a
 * line: an id, or {"detector": id, "params": {…}}), run on the chosen columns over N seeds (the app's
 * seed, seed + 1, …, as the CLI's `compare --seed S --seeds N`), every run a pool job on its own
 * worker so they fit side by side, one progress bar per detector and a single cancel. Each run is
 * fitted on every row and scores them (the CLI's fitAndScore), so every number equals the CLI's.
 * The table (ROC-AUC, AP, precision@n, P/R/F1 at each detector's own threshold, fit / score ms:
 * mean ± sd over seeds), the overlays, the Spearman and Jaccard matrices and the disagreement
 * colouring derive from the runs (src/core/metrics/compare.ts). Clicking a row makes that
 * detector's first-seed run the page's result (plots, threshold, metrics).
 *
 * A store of its own: transient view state that only the compare panel, the scatter and the
 * timeline (disagreement colouring) read.
 */
import { create } from 'zustand';
import { parseCompareEntry, type CompareEntry } from '../../core/detectors/compare-entry';
import { detectorMeta } from '../../core/detectors/specs';
import { resolveParams } from '../../core/detectors/params';
import { ThresholdSweep } from '../../core/metrics/sweep';
import { COMPARE_METRICS, aggregateSeeds, flagVotes, jaccardMatrix, spearmanMatrix, type CompareMetric, type MeanSd } from '../../core/metrics/compare';
import type { PoolResult } from '../../workers/pool';
import { get as getApp, message, set as setApp, useApp } from './store';
import { getPool } from './workers';

export interface CompareRun {
  seed: number;
  metrics: Record<CompareMetric, number | null>;
  threshold: number;
  scores: Float64Array;
  sweep: ThresholdSweep;
  /** The first seed's model stays in the workers (a click on the row shows it); the others are let go. */
  result: PoolResult | null;
}

export interface CompareRow {
  entry: CompareEntry;
  state: 'waiting' | 'running' | 'done' | 'error' | 'cancelled';
  fraction: number;
  message: string;
  runs: CompareRun[];
  summary: Record<CompareMetric, MeanSd | null> | null;
}

export interface CompareState {
  /** The list, one entry a line. */
  text: string;
  seeds: number;
  /** The common contamination of the Jaccard overlap (the last valid value typed). */
  contamination: number;
  /** What is typed in its field (may be half-typed: '0.'). */
  contaminationText: string;
  rows: CompareRow[];
  state: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  error: string | null;
  sort: { key: CompareMetric | 'detector'; descending: boolean };
  /** Index in rows of the detector the plots show (null: the page's own run). */
  shown: number | null;
  /** Colour the scatter and the timeline by how many detectors flag each row. */
  disagreement: boolean;
  /** Per row, how many of the compared detectors flag it at their own thresholds (first seed). */
  votes: Uint8Array | null;
  datasetId: number | null;
}

export const useCompare = create<CompareState>(() => ({
  text: 'iforest\nlof\nknn',
  seeds: 1,
  contamination: 0.1,
  contaminationText: '0.1',
  rows: [],
  state: 'idle',
  error: null,
  sort: { key: 'roc_auc', descending: true },
  shown: null,
  disagreement: false,
  votes: null,
  datasetId: null,
}));
const set = useCompare.setState;
const get = useCompare.getState;

export function setCompareForm(patch: Partial<Pick<CompareState, 'text' | 'seeds' | 'disagreement' | 'sort'>>): void {
  set(patch);
}

/** The overlap's contamination as typed: taken when it is a share in (0, 1), kept as text meanwhile. */
export function setOverlapText(text: string): void {
  const v = Number(text);
  set(text.trim() !== '' && v > 0 && v < 1 ? { contaminationText: text, contamination: v } : { contaminationText: text });
}

/** Add the detector chosen in the detector panel, with the parameters edited there, as a line of the list. */
export function addCurrentDetector(): void {
  const { detector, params } = getApp();
  const edits = params[detector] ?? {};
  const line = Object.keys(edits).length ? JSON.stringify({ detector, params: edits }) : detector;
  const text = get().text.trimEnd();
  set({ text: text ? `${text}\n${line}` : line });
}

const running = { abort: null as AbortController | null };
const PROGRESS_MS = 200;

/** Parse the list: each line an entry; a message naming the line otherwise. */
export function parseEntries(text: string): CompareEntry[] {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new RangeError('list at least one detector (one a line: an id, or {"detector": id, "params": {…}})');
  return lines.map((l, i) => {
    try {
      return parseCompareEntry(l);
    } catch (e) {
      throw new RangeError(`line ${i + 1}: ${message(e)}`);
    }
  });
}

/** Run every listed detector over the seeds across the pool. */
export async function runCompare(): Promise<void> {
  const app = getApp();
  if (app.datasetId === null || !app.dataset) return;
  cancelCompare();
  let entries: CompareEntry[];
  try {
    if (app.features.length === 0) throw new RangeError('choose at least one feature column');
    entries = parseEntries(get().text);
    for (const e of entries) {
      const cols = detectorMeta(e.detector).columns;
      if (cols !== undefined && cols !== app.features.length) throw new RangeError(`${e.label} scores exactly ${cols} column${cols === 1 ? '' : 's'}, ${app.features.length} are chosen`);
    }
  } catch (e) {
    set({ state: 'error', error: message(e) });
    return;
  }
  const seeds = Math.max(1, Math.min(100, Math.round(get().seeds) || 1));
  forgetModels();
  const controller = new AbortController();
  running.abort = controller;
  const pool = getPool(app.backendPreference);
  const labels = app.labels?.labels ?? null;
  const rows: CompareRow[] = entries.map((entry) => ({ entry, state: 'waiting', fraction: 0, message: '', runs: [], summary: null }));
  set({ rows, state: 'running', error: null, shown: null, votes: null, datasetId: app.datasetId });
  const update = (i: number, patch: Partial<CompareRow>) => {
    if (running.abort !== controller) return;
    const next = [...get().rows];
    next[i] = { ...next[i], ...patch };
    set({ rows: next });
  };
  const jobs = entries.flatMap((_, i) => Array.from({ length: seeds }, (_, k) => ({ i, k })));
  const shown = new Map<number, number>();
  const done = new Array(entries.length).fill(0);
  let next = 0;
  const lane = async (w: number) => {
    for (let j = jobs[next++]; j; j = jobs[next++]) {
      const { i, k } = j;
      const entry = entries[i];
      const seed = app.seed + k;
      if (get().rows[i].state === 'error') continue;
      update(i, { state: 'running', message: seeds > 1 ? `seed ${seed}` : '' });
      try {
        const r = await pool.run({
          datasetId: app.datasetId!, columns: app.features, missing: app.missingPolicy, rows: app.dataset!.rows,
          fitRows: { kind: 'all' }, trainRows: app.dataset!.rows, detector: entry.detector, params: entry.params, seed, worker: w,
        }, {
          signal: controller.signal,
          onProgress: (f) => {
            const now = performance.now();
            if (now - (shown.get(i) ?? 0) < PROGRESS_MS) return;
            shown.set(i, now);
            update(i, { fraction: (done[i] + f) / seeds });
          },
        });
        if (running.abort !== controller) {
          pool.forget(r.modelId);
          return;
        }
        const sweep = new ThresholdSweep(r.scores, labels);
        const m = labels ? sweep.metricsAt(r.threshold) : null;
        const run: CompareRun = {
          seed, threshold: r.threshold, scores: r.scores, sweep, result: k === 0 ? r : null,
          metrics: {
            roc_auc: m?.roc_auc ?? null, average_precision: m?.average_precision ?? null, precision_at_n: m?.precision_at_n ?? null,
            precision: m?.precision ?? null, recall: m?.recall ?? null, f1: m?.f1 ?? null, fit_ms: r.timings.fit, score_ms: r.timings.score,
          },
        };
        if (k !== 0) pool.forget(r.modelId);
        done[i]++;
        const runs = [...get().rows[i].runs, run].sort((a, b) => a.seed - b.seed);
        const finished = done[i] === seeds;
        update(i, { runs, fraction: done[i] / seeds, state: finished ? 'done' : 'running', message: finished ? '' : get().rows[i].message, summary: aggregateSeeds(runs.map((x) => x.metrics), COMPARE_METRICS) });
      } catch (e) {
        if (controller.signal.aborted) return;
        update(i, { state: 'error', message: message(e) });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(pool.size, jobs.length) }, (_, w) => lane(w)));
  } finally {
    if (running.abort === controller) running.abort = null;
  }
  if (controller.signal.aborted) {
    set({ state: 'cancelled', rows: get().rows.map((r) => (r.state === 'done' || r.state === 'error' ? r : { ...r, state: 'cancelled' })) });
    return;
  }
  set({ state: 'done', votes: votesOf(get().rows) });
}

/** A single cancel: terminates the workers (the pool rebuilds them); finished runs stay in the table. */
export function cancelCompare(): void {
  if (running.abort) {
    running.abort.abort();
    running.abort = null;
  }
}

function forgetModels(): void {
  const pool = getPool(getApp().backendPreference);
  const current = getApp().result?.modelId;
  for (const r of get().rows) for (const run of r.runs) if (run.result && run.result.modelId !== current) pool.forget(run.result.modelId);
}

/** The first-seed runs of the rows that finished (same order as the rows). */
export function firstRuns(rows: CompareRow[]): { row: number; run: CompareRun }[] {
  return rows.flatMap((r, row) => (r.state === 'done' && r.runs[0] ? [{ row, run: r.runs[0] }] : []));
}

function votesOf(rows: CompareRow[]): Uint8Array | null {
  const f = firstRuns(rows);
  if (f.length < 2) return null;
  return flagVotes(f.map(({ run }) => Uint8Array.from(run.scores, (s) => (s > run.threshold ? 1 : 0))));
}

/** Spearman and Jaccard (at the common contamination) over the finished detectors' first-seed scores. */
export function agreement(rows: CompareRow[], contamination: number): { labels: string[]; spearman: number[][]; jaccard: number[][] } | null {
  const f = firstRuns(rows);
  if (f.length < 2) return null;
  const scores = f.map(({ run }) => run.scores);
  return { labels: f.map(({ row }) => rows[row].entry.label), spearman: spearmanMatrix(scores), jaccard: jaccardMatrix(scores, contamination) };
}

/** Make a compared detector's first-seed run the page's result: the plots, threshold and metrics show it. */
export function showCompared(index: number): void {
  const row = get().rows[index];
  const run = row?.runs[0];
  const r = run?.result;
  const app = getApp();
  if (!r || get().datasetId !== app.datasetId) return;
  const params = resolveParams(detectorMeta(row.entry.detector).params, row.entry.params, row.entry.detector);
  setApp({
    result: {
      detector: row.entry.detector, params, columns: r.columns, scores: r.scores, hasDecision: r.hasDecision,
      modelThreshold: r.threshold, sweep: new ThresholdSweep(r.scores, app.labels?.labels), info: r.info, modelId: r.modelId,
      model: { detector: row.entry.detector, params, threshold: r.threshold, columns: r.columns }, imputed: r.imputed, missing: app.missingPolicy,
      fittedOn: 'all rows (compare)', causal: false, backend: r.backend, workers: r.workers, rowBytes: r.rowBytes,
      timings: { features: 0, fit: r.timings.fit, score: r.timings.score, total: r.timings.total },
    },
    threshold: r.threshold,
    appliedModel: null,
    explained: null,
  });
  set({ shown: index });
}

/** The rows in the table's order (sorted by a metric's mean, or by name; missing values last). */
export function sortedRows(rows: CompareRow[], sort: CompareState['sort']): number[] {
  const idx = rows.map((_, i) => i);
  const value = (i: number) => (sort.key === 'detector' ? null : rows[i].summary?.[sort.key]?.mean ?? null);
  return idx.sort((a, b) => {
    if (sort.key === 'detector') return (sort.descending ? -1 : 1) * rows[a].entry.label.localeCompare(rows[b].entry.label);
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === null ? (vb === null ? a - b : 1) : -1;
    return sort.descending ? vb - va : va - vb;
  });
}

// A new dataset makes the comparison stale: cleared (its models let go).

useApp.subscribe((s, prev) => {
  if (s.datasetId !== prev.datasetId && get().rows.length) {
    cancelCompare();
    forgetModels();
    set({ rows: [], state: 'idle', votes: null, shown: null, error: null });
  }
});

/** The disagreement colouring when it is on and fits the data shown: per row the number of detectors flagging it, out of `of`. */
export function useDisagreement(): { votes: Uint8Array; of: number } | null {
  const on = useCompare((s) => s.disagreement);
  const votes = useCompare((s) => s.votes);
  const rows = useCompare((s) => s.rows);
  const forData = useCompare((s) => s.datasetId);
  const datasetId = useApp((s) => s.datasetId);
  if (!on || !votes || forData !== datasetId) return null;
  return { votes, of: firstRuns(rows).length };
}

/** Grey: flagged by none; red: by every detector; orange: by some, not all (the disagreement). */
export function disagreementColor(v: number, of: number): string {
  return v === 0 ? '#c9ced8' : v >= of ? '#b40426' : '#f28e00';
}
