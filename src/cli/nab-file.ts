/**
 * `score FILE --time COL --windows W`: NAB's score of one scored file (metrics.nab), at the
 * detector's own threshold or --threshold (rows with score > threshold are detections, the house
 * rule), in each of NAB's three profiles. The series (its time axis and windows, matched to rows) is
 * built by time-file.ts, from the same time axis as the page's and metrics.event's.
 */
import { scoreFlags, type LabelledSeries } from '../core/metrics/nab.js';

/** metrics.nab: NAB's three profiles for this file, detections = score > the detector's threshold (`own`) or --threshold's. */
export function nabMetrics(series: LabelledSeries, scores: ArrayLike<number>, threshold: number, own = true) {
  const flags = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) flags[i] = scores[i] > threshold ? 1 : 0;
  const profiles = scoreFlags(series, flags);
  const out: Record<string, unknown> = {
    series: series.name,
    rule: `score > ${threshold} (${own ? "the detector's own threshold" : '--threshold'})`,
    probation: series.probation,
    windows: series.windows.length,
  };
  for (const [name, p] of Object.entries(profiles)) {
    out[name] = { score: p.score, raw: p.raw, null: p.null, perfect: p.perfect, detected: p.detected, tp: p.tp, fp: p.fp, fn: p.fn, tn: p.tn };
  }
  return out;
}
