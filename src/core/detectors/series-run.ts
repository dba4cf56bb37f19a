/**
 * One detector over one time series, the way NAB runs a detector: causally, with anomaly scores in
 * [0, 1], for the corpus runner (`anomaly-lab nab --detector ID --data DIR`).
 *
 * - An online detector (spec.online: windowed_gaussian) is fitted on the whole series: its fit runs
 *   the stream from an empty state, so each row's score uses only the rows before it.
 * - Any other detector (iforest, lof, zscore, …) is fitted on NAB's probationary period, the first
 *   min(floor(0.15·n), 750) rows, and then scores every row: rows after the probation are scored by a
 *   model that never saw them (rows inside it are scored by a model fitted on them, as NAB lets a
 *   detector learn there: the scorer ignores them).
 * - NAB scores every series at one corpus-wide threshold, so a series' scores must mean the same as
 *   another's. An online detector whose scores lie in [0, 1] (spec.scoreRange: windowed_gaussian's
 *   tail probability) is used as it is. Every other detector's scores are mapped by their running
 *   ECDF (src/core/stream/running-ecdf.ts): each score's share of the earlier scores of its series
 *   strictly below it, causal, in [0, 1]. That includes a model fitted on each series' probation
 *   whose scores happen to lie in [0, 1] (iforest's 2^(−E(h)/c(ψ))): they are on each series' own
 *   scale (over NAB's corpus, iforest's per-series 99th percentile after the probation runs from
 *   0.50 to 0.88), so one threshold flagged rows in 9 of 58 series; mapped, iforest scores 25.7
 *   standard instead of 9.6 (bench/README.md).
 *
 * @example
 * const r = await runSeries('zscore', {}, values);
 * r.scores; // in [0, 1], r.mapped === 'running ECDF', r.fit === 'probation (first 750 rows)'
 */
import type { FitOptions } from './detector.js';
import { fitModel } from './run.js';
import { detectorMeta } from './specs.js';
import { runningEcdf } from '../stream/running-ecdf.js';
import { probationRows } from '../metrics/nab.js';

export interface SeriesRun {
  /** One score per row in [0, 1], causal. */
  scores: Float64Array;
  /** The detector's own scores (the same array when they were not mapped). */
  raw: Float64Array;
  /** How the detector was fitted: 'online' (the stream over every row) or 'probation'. */
  fit: 'online' | 'probation';
  /** Rows it was fitted on. */
  fitRows: number;
  /** Whether the scores were mapped into [0, 1] by their running ECDF (mapsScores). */
  mapped: boolean;
  /** The fitted model's own threshold, on the raw scores (score > threshold flags a row). */
  threshold: number;
  timings: { fit: number; score: number };
}

/** Whether a detector declares its scores in [0, 1] (spec.scoreRange). */
export function scoresInUnitRange(detector: string): boolean {
  const r = detectorMeta(detector).scoreRange;
  return !!r && r[0] >= 0 && r[1] <= 1;
}

/**
 * Whether runSeries maps a detector's scores by their running ECDF: unless it is online with scores
 * in [0, 1] (a model fitted on each series' probation scores on that series' own scale).
 */
export function mapsScores(detector: string): boolean {
  return !(detectorMeta(detector).online && scoresInUnitRange(detector));
}

/**
 * Runs `detector` over a series of values (one column, in time order) as described above. `name`
 * is the series' name for messages (a series too short for the detector's probation fit).
 */
export async function runSeries(detector: string, params: Record<string, unknown>, values: Float64Array, options: FitOptions & { name?: string } = {}): Promise<SeriesRun> {
  const meta = detectorMeta(detector);
  const n = values.length;
  const all = { data: values, rows: n, cols: 1 };
  const t0 = performance.now();
  let raw: Float64Array;
  let fitRows: number;
  let threshold: number;
  let fitMs: number;
  if (meta.online) {
    const model = await fitModel(detector, params, all, options);
    raw = model.trainingScores ?? (await model.score(all, { signal: options.signal, backend: options.backend }));
    fitRows = n;
    threshold = model.threshold;
    fitMs = performance.now() - t0;
  } else {
    fitRows = probationRows(n);
    const train = { data: values.subarray(0, fitRows), rows: fitRows, cols: 1 };
    let model;
    try {
      model = await fitModel(detector, params, train, options);
    } catch (e) {
      if (e instanceof RangeError && options.name) throw new RangeError(`${options.name}: ${n} rows, fitted on the probationary period's ${fitRows}: ${e.message}`);
      throw e;
    }
    fitMs = performance.now() - t0;
    raw = await model.score(all, { signal: options.signal, backend: options.backend });
    threshold = model.threshold;
  }
  const mapped = mapsScores(detector);
  const scores = mapped ? runningEcdf(raw) : raw;
  return { scores, raw, fit: meta.online ? 'online' : 'probation', fitRows, mapped, threshold, timings: { fit: fitMs, score: performance.now() - t0 - fitMs } };
}
