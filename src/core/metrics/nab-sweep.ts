/**
 * NabSweep: a series' NAB score (three profiles) and its event-wise precision / recall / F1 and mean
 * time to detect at any threshold in O(log n), for the page's threshold slider. Built once per run
 * (and per windows / time axis); a query never reads the scores again.
 *
 * Flags are the house rule, score > threshold (as ThresholdSweep and the CLI's metrics.nab /
 * metrics.event), not NAB's corpus rule (≥).
 *
 * How. At a threshold t the flagged rows are those with score > t, so every quantity below is a sum
 * over the items whose score exceeds t of a weight fixed at build time: the items are sorted by
 * score once, with the sums of the weights of the k highest (a "top sum"), and a query is a binary
 * search for k. The items:
 * - NAB's false positives: each scored row (past the probation) outside every window, weighted by
 *   its NAB sigmoid (−1 before any window, S(distance / (W − 1)) after one).
 * - NAB's true positives: a window earns the weight of its *earliest* detection. The earliest row of
 *   a window with score > t is the first row whose running maximum (in time order) exceeds t, and it
 *   is a record of that running maximum (a row scoring more than every earlier row of the window).
 *   So a window's earliest detection as a function of t is a staircase over its records
 *   r₁ < r₂ < … < r_m (scores s₁ < s₂ < … < s_m): detected from t < s_m at r_m, moving to r_k when
 *   t drops below s_k. Each record is an item weighted by the change it makes: S(r_m) for the
 *   window's first detection, S(r_k) − S(r_{k+1}) for the move to r_k; the top sum over records then
 *   is Σ over detected windows of the sigmoid at their earliest detection. Windows detected = windows
 *   whose maximum exceeds t (one item per window). A profile then scales these profile-free sums:
 *   raw = A_FP·Σ_FP + A_TP/S(−1)·Σ_TP − A_FN·(scored windows − detected).
 * - Event-wise (Merlion's revised point-adjusted): a window counts once (TP) when any of its rows is
 *   flagged, every flagged row outside windows is a FP, an undetected window a FN. The same
 *   records over the whole window (probation included) weighted by the change of the time to
 *   detect (t[r_m] − t[start], then t[r_k] − t[r_{k+1}]) give Σ of the times to detect.
 * Records: m is O(log w) expected for a window of w rows of exchangeable scores, w at worst.
 *
 * Sums are taken in score order, not row order as NAB's scorer: the NAB scores agree with
 * scoreFlags to about 1e-12 (tests/unit/nab-sweep.test.ts), not to the last bit.
 *
 * The tables are plain typed arrays (`NabSweep.build` → tables → `new NabSweep(tables)`), so a worker
 * can build them and transfer them to the page.
 *
 * @example
 * const sweep = new NabSweep(NabSweep.build(scores, [{ startRow: 500, endRow: 540 }], times));
 * sweep.nabAt(0.7).standard.score; // NAB's normalised score, 100 = perfect, 0 = nothing detected
 * sweep.eventAt(0.7).f1;           // event-wise F1
 */
import { NAB_PROFILES, scaledSigmoid, labelRows, type NabProfiles, type NabWindow } from './nab.js';
import { assertNoNaN } from './ranking.js';
import { radixOrder } from './radix-order.js';
import { eventPRF, type EventMetrics } from './event.js';

/** A window as rows of the series: `startRow` ≤ `endRow`, 0-based, inclusive (TimeWindow has these). */
export interface RowWindow {
  startRow: number;
  endRow: number;
}

/** What a worker builds and the page keeps: sorted scores and top sums, no row data. */
export interface NabSweepTables {
  rows: number;
  probation: number;
  windows: number;
  /** Windows with a row past the probation (each costs −A_FN when missed). */
  scoredWindows: number;
  /** NAB false positives: scores of the scored rows outside windows, ascending, and top sums of their sigmoids. */
  fpScores: Float64Array;
  fpTop: Float64Array;
  /** Scores of the scored rows inside windows, ascending (row counts). */
  inScores: Float64Array;
  /** Per scored window its maximum past the probation, ascending (windows detected). */
  nabMax: Float64Array;
  /** NAB records (past the probation), ascending, and top sums of their sigmoid changes. */
  nabRecScores: Float64Array;
  nabRecTop: Float64Array;
  /** Event-wise: scores of all rows outside windows, ascending (false positive points). */
  outScores: Float64Array;
  /** Per window its maximum, ascending. */
  evMax: Float64Array;
  /** Event records (whole windows), ascending, and top sums of their time-to-detect changes. */
  evRecScores: Float64Array;
  evRecTop: Float64Array;
}

/** One profile's NAB score of the series at a threshold (the fields of scoreFlags' result). */
export interface NabAt {
  /** Normalised: 100 · (raw − null) / (perfect − null); null without windows. */
  score: number | null;
  raw: number;
  null: number;
  perfect: number;
  windows: number;
  detected: number;
  /** Rows past the probation: flagged in / outside windows, not flagged in / outside. */
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** S(−1): a detection at a window's left edge earns exactly A_TP (nab.ts divides by it too). */
const MAX_TP = scaledSigmoid(-1);

/**
 * top[j] = the sum of the weights of the j highest items (item m − 1 is the highest), each prefix
 * summed with Neumaier's compensation: a long list of sigmoids (a series' false positives) would
 * otherwise drift by ~1e-9 from the row-order sum NAB's scorer takes.
 */
function topSums(m: number, weight: (item: number) => number): Float64Array {
  const top = new Float64Array(m + 1);
  let sum = 0;
  let c = 0;
  for (let j = 1; j <= m; j++) {
    const x = weight(m - j);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    top[j] = sum + c;
  }
  return top;
}

/** Sorts items by score ascending (stable) and returns the scores and the top sums of the weights. */
function sortWithTop(scores: number[], weights: number[] | null): { sorted: Float64Array; top: Float64Array } {
  const m = scores.length;
  const idx = Array.from({ length: m }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const sorted = new Float64Array(m);
  for (let k = 0; k < m; k++) sorted[k] = scores[idx[k]];
  const top = weights ? topSums(m, (j) => weights[idx[j]]) : new Float64Array(0);
  return { sorted, top };
}

/** Scores ascending, with top sums of a per-row weight: for the large row lists (a radix-free typed sort of the indices). */
function sortRowsWithTop(scores: ArrayLike<number>, rows: Int32Array, weight: Float64Array | null): { sorted: Float64Array; top: Float64Array } {
  const m = rows.length;
  if (!weight) {
    const sorted = new Float64Array(m);
    for (let k = 0; k < m; k++) sorted[k] = scores[rows[k]];
    return { sorted: sorted.sort(), top: new Float64Array(0) };
  }
  const idx = radixOrder(scores, rows);
  const sorted = new Float64Array(m);
  for (let k = 0; k < m; k++) sorted[k] = scores[idx[k]];
  return { sorted, top: topSums(m, (j) => weight[idx[j]]) };
}


/**
 * The records of a window's running maximum from row `from` to `to` (inclusive), in time order,
 * pushed as items: score, and the change of `value` when the earliest detection moves there.
 */
function pushRecords(scores: ArrayLike<number>, from: number, to: number, value: (row: number) => number, outScores: number[], outDelta: number[]): void {
  const rows: number[] = [];
  let max = -Infinity;
  for (let i = from; i <= to; i++) {
    if (scores[i] > max) {
      max = scores[i];
      rows.push(i);
    }
  }
  for (let k = rows.length - 1; k >= 0; k--) {
    outScores.push(scores[rows[k]]);
    outDelta.push(value(rows[k]) - (k + 1 < rows.length ? value(rows[k + 1]) : 0));
  }
}

export class NabSweep {
  readonly tables: NabSweepTables;
  /** Binary-search steps taken by queries so far (each query is O(log n) of them). */
  steps = 0;

  constructor(tables: NabSweepTables) {
    this.tables = tables;
  }

  /**
   * Builds the tables. `scores`: one per row, higher = more anomalous, no NaN. `windows`: rows of the
   * series, sorted by start, disjoint (a RangeError otherwise). `times`: the time axis' values, for
   * the mean time to detect (default: row indices).
   */
  static build(scores: ArrayLike<number>, windows: readonly RowWindow[], times?: ArrayLike<number>): NabSweepTables {
    const n = scores.length;
    if (n === 0) throw new RangeError('NabSweep needs at least one score');
    assertNoNaN(scores);
    if (times && times.length !== n) throw new RangeError(`NabSweep: ${times.length} times for ${n} scores`);
    const t = (i: number): number => (times ? times[i] : i);
    const matched: NabWindow[] = windows.map((w, k) => {
      if (!(Number.isInteger(w.startRow) && Number.isInteger(w.endRow) && w.startRow >= 0 && w.startRow <= w.endRow && w.endRow < n)) {
        throw new RangeError(`window ${k + 1}: rows ${w.startRow}…${w.endRow} are not within the series' ${n} rows, start first`);
      }
      if (k > 0 && w.startRow <= windows[k - 1].endRow) throw new RangeError(`window ${k + 1} (rows ${w.startRow}…${w.endRow}) starts before window ${k} ends (row ${windows[k - 1].endRow})`);
      return { start: w.startRow, end: w.endRow, limits: [String(t(w.startRow)), String(t(w.endRow))] };
    });
    // NAB's per-row weights, exactly as its scorer computes them.
    const series = labelRows('series', n, matched);
    const { probation, windowOf, sigmoid } = series;
    let fpCount = 0;
    let inCount = 0;
    let outCount = 0;
    for (let i = 0; i < n; i++) {
      if (windowOf[i] < 0) {
        outCount++;
        if (i >= probation) fpCount++;
      } else if (i >= probation) inCount++;
    }
    const fpRows = new Int32Array(fpCount);
    const inRows = new Int32Array(inCount);
    const outRows = new Int32Array(outCount);
    for (let i = 0, a = 0, b = 0, c = 0; i < n; i++) {
      if (windowOf[i] < 0) {
        outRows[c++] = i;
        if (i >= probation) fpRows[a++] = i;
      } else if (i >= probation) inRows[b++] = i;
    }
    const fp = sortRowsWithTop(scores, fpRows, sigmoid);
    const inside = sortRowsWithTop(scores, inRows, null);
    const out = sortRowsWithTop(scores, outRows, null);
    const nabMax: number[] = [];
    const nabRec: number[] = [];
    const nabDelta: number[] = [];
    const evMax: number[] = [];
    const evRec: number[] = [];
    const evDelta: number[] = [];
    for (const w of matched) {
      const from = Math.max(w.start, probation);
      if (from <= w.end) {
        const before = nabRec.length;
        pushRecords(scores, from, w.end, (i) => sigmoid[i], nabRec, nabDelta);
        nabMax.push(nabRec[before]);
      }
      const before = evRec.length;
      pushRecords(scores, w.start, w.end, (i) => t(i) - t(w.start), evRec, evDelta);
      evMax.push(evRec[before]);
    }
    const nr = sortWithTop(nabRec, nabDelta);
    const er = sortWithTop(evRec, evDelta);
    return {
      rows: n, probation, windows: matched.length, scoredWindows: series.scoredWindows,
      fpScores: fp.sorted, fpTop: fp.top, inScores: inside.sorted,
      nabMax: Float64Array.from(nabMax).sort(), nabRecScores: nr.sorted, nabRecTop: nr.top,
      outScores: out.sorted, evMax: Float64Array.from(evMax).sort(), evRecScores: er.sorted, evRecTop: er.top,
    };
  }

  /** The typed arrays of the tables (to transfer them from a worker). */
  static buffers(t: NabSweepTables): ArrayBuffer[] {
    return [t.fpScores, t.fpTop, t.inScores, t.nabMax, t.nabRecScores, t.nabRecTop, t.outScores, t.evMax, t.evRecScores, t.evRecTop].map((a) => a.buffer as ArrayBuffer);
  }

  /** How many of an ascending array are > x (binary search, its steps counted). */
  private above(sorted: Float64Array, x: number): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      this.steps++;
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return sorted.length - lo;
  }

  /** NAB's score of the series per profile with rows flagged when score > threshold (as scoreFlags). */
  nabAt(threshold: number, profiles: NabProfiles = NAB_PROFILES): Record<string, NabAt> {
    const s = this.tables;
    const fp = this.above(s.fpScores, threshold);
    const tp = this.above(s.inScores, threshold);
    const detected = this.above(s.nabMax, threshold);
    const rec = this.above(s.nabRecScores, threshold);
    const fpSum = s.fpTop[fp];
    const tpSum = s.nabRecTop[rec];
    const out: Record<string, NabAt> = {};
    for (const [name, cost] of Object.entries(profiles)) {
      const raw = cost.fpWeight * fpSum + (cost.tpWeight * tpSum) / MAX_TP - cost.fnWeight * (s.scoredWindows - detected);
      const nul = -cost.fnWeight * s.scoredWindows;
      const perfect = cost.tpWeight * s.windows;
      out[name] = {
        score: perfect === nul ? null : (100 * (raw - nul)) / (perfect - nul), raw, null: nul, perfect, windows: s.windows, detected,
        tp, fp, fn: s.inScores.length - tp, tn: s.fpScores.length - fp,
      };
    }
    return out;
  }

  /** Event-wise precision / recall / F1 and mean time to detect with rows flagged when score > threshold. */
  eventAt(threshold: number): EventMetrics {
    const s = this.tables;
    const fp = this.above(s.outScores, threshold);
    const tp = this.above(s.evMax, threshold);
    const rec = this.above(s.evRecScores, threshold);
    const fn = s.windows - tp;
    return { ...eventPRF(tp, fp, fn), meanTimeToDetect: tp > 0 ? s.evRecTop[rec] / tp : null, tp, fp, fn };
  }
}

/**
 * Point labels as windows: each run of consecutive rows labelled 1 is one window (rows inclusive), with
 * its start and end times (default: row indices).
 * @example windowsFromLabels([0, 1, 1, 0, 1]) // [{ start: 1, end: 2, startRow: 1, endRow: 2 }, { start: 4, end: 4, startRow: 4, endRow: 4 }]
 */
export function windowsFromLabels(labels: ArrayLike<number>, times?: ArrayLike<number>): { start: number; end: number; startRow: number; endRow: number }[] {
  const t = (i: number): number => (times ? times[i] : i);
  const out: { start: number; end: number; startRow: number; endRow: number }[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    const a = i;
    while (i + 1 < labels.length && labels[i + 1] === 1) i++;
    out.push({ start: t(a), end: t(i), startRow: a, endRow: i });
  }
  return out;
}
