/** Export and reproduce (issue 23): the scored CSV (written in the data worker), the metrics JSON and "Copy as Python". */
import { get } from './store';
import { dataWorker, Comlink } from '../../workers/data-client';
import { pythonSnippet } from '../../core/export/python';
import type { RunResult } from './store';

/** The file name of an export: the data file's stem plus what it holds. */
export function exportName(what: string, ext: string): string {
  const stem = (get().dataset?.name ?? 'data').replace(/\.[^.]+$/, '');
  return `${stem}-${get().result?.detector ?? 'run'}-${what}.${ext}`;
}

/**
 * scikit-learn's decision_function and score_samples from the scores, as the CLI's --out writes them
 * (detector.ts decisionFromScores / scoreSamplesFromScores): decision = offset − score, the offset 0
 * for the One-class SVM's 'auto' (libsvm flags decision ≤ 0) and the threshold otherwise;
 * score_samples = 0 − score for Isolation Forest and LOF, offset_ − score for the One-class SVM.
 */
function sklearnColumns(r: RunResult): { decision: Float64Array | null; scoreSamples: Float64Array | null } {
  if (!r.hasDecision) return { decision: null, scoreSamples: null };
  const ocsvm = r.detector === 'ocsvm';
  const offset = ocsvm && r.params.contamination === 'auto' ? 0 : r.modelThreshold;
  const decision = Float64Array.from(r.scores, (s) => offset - s);
  const ss = ocsvm ? Number((r.info.details as { offset_?: number }).offset_) : r.detector === 'iforest' || r.detector === 'lof' ? 0 : NaN;
  return { decision, scoreSamples: Number.isFinite(ss) ? Float64Array.from(r.scores, (s) => ss - s) : null };
}

/** The scored CSV as a Blob built in the data worker from ~1 MiB parts (is_anomaly at the page's threshold). */
export async function scoredCsv(): Promise<Blob> {
  const { datasetId, result, threshold } = get();
  if (datasetId === null || !result) throw new Error('run a detector before exporting scored data');
  const scores = result.scores.slice();
  const { decision, scoreSamples } = sklearnColumns(result);
  const buffers = [scores.buffer, ...(decision ? [decision.buffer] : []), ...(scoreSamples ? [scoreSamples.buffer] : [])] as ArrayBuffer[];
  return dataWorker().exportScored(datasetId, Comlink.transfer({ scores, threshold, decision, scoreSamples }, buffers));
}

/** The run's metrics at the page's threshold, with what produced them, as pretty JSON. */
export function metricsJson(): string {
  const { result, threshold, dataset, labels, labelColumn, seed } = get();
  if (!result) throw new Error('run a detector before exporting metrics');
  const m = result.sweep.metricsAt(threshold);
  return JSON.stringify({
    file: dataset?.name ?? null,
    rows: result.sweep.n,
    detector: result.detector,
    params: result.params,
    seed: result.seed ?? seed,
    columns: result.columns,
    missing: result.missing,
    fitted_on: result.fittedOn,
    threshold,
    model_threshold: result.modelThreshold,
    flagged: result.sweep.flaggedAt(threshold),
    label: labels && labelColumn ? { column: labelColumn, positive: labels.positive, positives: labels.positives } : null,
    metrics: labels ? m : null,
    timings_ms: result.timings,
  }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1);
}

/** The "Copy as Python" script for the last run (core/export/python.ts); throws for a detector it cannot write. */
export function pythonScript(): string {
  const { result, threshold, dataset, labels, labelColumn, seed } = get();
  if (!result) throw new Error('run a detector before copying it as Python');
  return pythonSnippet({
    file: dataset?.name ?? 'data.csv', columns: result.columns, missing: result.missing, detector: result.detector, params: result.params,
    seed: result.seed ?? seed, threshold, modelThreshold: result.modelThreshold, fittedOn: result.fittedOn,
    label: labels && labelColumn ? { column: labelColumn, positive: labels.positive } : null,
  });
}
