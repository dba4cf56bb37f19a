/**
 * Event-wise precision, recall and F1 against labelled windows: Merlion's revised point-adjusted
 * definition (merlion/evaluate/anomaly.py, ScoreType.RevisedPointAdjusted, its default), written from
 * its definition:
 * - a window is one event: a true positive when any of its rows is flagged (however many are), a false
 *   negative when none is;
 * - every flagged row outside all windows is a false positive (each row counts);
 * - precision = tp / (tp + fp), recall = tp / (tp + fn), each 0 where its denominator is 0;
 *   F1 = 2PR / (P + R), 0 where P or R is 0 (Merlion's conventions).
 * Mean time to detect: over the detected windows, the time of the first flagged row in the window
 * minus the window's start, averaged, in the axis' units (ms for a time column, rows for row order);
 * null when no window is detected (Merlion reports 0 there; null says "nothing to average").
 *
 * A window holds the rows startRow…endRow in file order (as NAB counts them); every row counts,
 * including NAB's probationary rows (Merlion has no probation).
 */
import type { TimeWindow } from '../data/windows.js';

export interface EventMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Mean over detected windows of (time of the first flagged row in it − window start), axis units; null when none detected. */
  meanTimeToDetect: number | null;
  /** Windows with a flagged row. */
  tp: number;
  /** Flagged rows outside every window. */
  fp: number;
  /** Windows without a flagged row. */
  fn: number;
}

/** Precision, recall and F1 from event counts (Merlion's zero conventions). */
export function eventPRF(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision === 0 || recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/**
 * Event-wise metrics of flagged rows against windows (see the module comment).
 *
 * @param flags per row, truthy = flagged (e.g. score > threshold)
 * @param windows the series' windows (windows.ts), rows inclusive, disjoint
 * @param times the axis' values per row (time.ts), for the time to detect
 *
 * @example
 * // rows 0..9, one window over rows 3..5, flags at rows 1, 4, 5 and 8
 * eventMetrics([0,1,0,0,1,1,0,0,1,0], [{ start: 3, end: 5, startRow: 3, endRow: 5 }], rowAxis(10).values)
 * // { tp: 1, fp: 2, fn: 0, precision: 1/3, recall: 1, f1: 0.5, meanTimeToDetect: 1 }
 */
export function eventMetrics(flags: ArrayLike<boolean | number>, windows: readonly TimeWindow[], times: Float64Array): EventMetrics {
  const n = flags.length;
  if (times.length !== n) throw new RangeError(`flags (${n}) and times (${times.length}) differ in length`);
  let inside = 0;
  let flagged = 0;
  for (let i = 0; i < n; i++) if (flags[i]) flagged++;
  let tp = 0, fn = 0, delaySum = 0;
  for (const w of windows) {
    if (!(w.startRow >= 0 && w.endRow < n && w.startRow <= w.endRow)) throw new RangeError(`window rows ${w.startRow}..${w.endRow} are outside the series' ${n} rows`);
    let first = -1;
    for (let i = w.startRow; i <= w.endRow; i++) {
      if (flags[i]) {
        if (first < 0) first = i;
        inside++;
      }
    }
    if (first < 0) fn++;
    else {
      tp++;
      delaySum += times[first] - w.start;
    }
  }
  const fp = flagged - inside;
  return { ...eventPRF(tp, fp, fn), meanTimeToDetect: tp > 0 ? delaySum / tp : null, tp, fp, fn };
}
