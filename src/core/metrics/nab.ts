/**
 * The Numenta Anomaly Benchmark's scorer (NAB 1.x: nab/sweeper.py, nab/scorer.py, nab/optimizer.py,
 * nab/runner.py's normalize), written from its definitions.
 *
 * A series is scored against labelled anomaly windows, each a pair of timestamps matched to rows by
 * parsed time (a window's width counts rows). A row is a detection when its anomaly score is ≥ the
 * threshold (NAB's rule). The first `probation` = min(floor(0.15·n), 750) rows are not scored; they
 * still open and close windows. With S(x) = 2·sigmoid(−5x) − 1 (−1 from x ≥ 3):
 * - a window's earliest detection, at row i of a window [l, r] of width W = r − l + 1, earns
 *   A_TP · S(−(r − i + 1)/W) / S(−1): exactly A_TP at the left edge, less later; later detections in
 *   the same window earn nothing more;
 * - a window without a detection costs −A_FN;
 * - a detection outside every window is a false positive: after a window it counts
 *   A_FP · S((i − r_prev)/(W_prev − 1)) (NAB's W − 1 denominator: about −A_FP far after it, less just
 *   after it); before any window it costs −A_FP.
 * The raw score is normalised as 100 · (raw − null) / (perfect − null): perfect = A_TP × windows,
 * null = the raw score with nothing detected (−A_FN × the windows with a scored row).
 *
 * The corpus-wide threshold is chosen as NAB's sweeper does: one threshold for the whole corpus per
 * profile; candidates are 1.1 (nothing detected) and every distinct score; rows with the same score
 * flip together; on a tie of the corpus score the highest threshold wins. Scores are sorted once and
 * swept incrementally, so the whole corpus (365,558 rows, three profiles) takes well under a second.
 *
 * Where NAB's Python fails, this scorer keeps going and says what it does: a window of one row
 * followed by a false positive (NAB divides by W − 1 = 0) costs −A_FP; a file whose scores are all
 * ≥ the threshold (NAB finds no matching row) counts every row as a detection.
 *
 * @example
 * const series = prepareSeries('a/b.csv', timestamps, [['2014-04-10 07:15:00.000000', '2014-04-11 16:45:00.000000']]);
 * scoreFile(series, scores, 0.5).standard.score // normalised, 100 = perfect, 0 = nothing detected
 * scoreCorpus(files, windows).standard // { score, threshold, raw, … } at the optimised threshold
 */
import { DataError } from '../data/errors.js';
import { NAB_PROFILES, type CostMatrix, type NabProfiles } from './nab-profiles.js';
import { parseNabTime } from './nab-time.js';
import { radixOrder } from './radix-order.js';

export { NAB_PROFILES, NAB_PROFILES_JSON, loadProfiles, type CostMatrix, type NabProfiles } from './nab-profiles.js';
export { parseNabTime } from './nab-time.js';

/** labels/combined_windows.json: per data file ("category/file.csv"), its windows as [start, end] timestamps. */
export type NabWindows = Record<string, [string, string][]>;

/** NAB's probationary fraction and its cap (0.15 × 5000 = 750 rows). */
export const PROBATION_FRACTION = 0.15;

/** Rows NAB leaves unscored at the start of a series of n rows: min(floor(0.15·n), 750). */
export function probationRows(n: number): number {
  // Computed as NAB does (0.15 · n in floating point), so the boundary rows agree.
  return Math.min(Math.floor(PROBATION_FRACTION * n), PROBATION_FRACTION * 5000);
}

/** NAB's scaled sigmoid: 2·sigmoid(−5x) − 1, and exactly −1 from x ≥ 3. */
export function scaledSigmoid(x: number): number {
  if (x >= 3) return -1;
  return 2 * (1 / (1 + Math.exp(5 * x))) - 1;
}

/** S(−1) ≈ 0.98661: what a detection at a window's left edge is divided by, so that it earns exactly A_TP. */
const MAX_TP = scaledSigmoid(-1);

/** A window matched to rows: `start` and `end` are row indices (inclusive); `limits` as given. */
export interface NabWindow {
  start: number;
  end: number;
  limits: [string, string];
}

/** A series with its windows matched to rows and each row's NAB weight precomputed (profile-free). */
export interface LabelledSeries {
  /** "category/file.csv", as in the windows file. */
  name: string;
  rows: number;
  /** Rows [0, probation) are not scored. */
  probation: number;
  /** Sorted by start, disjoint. */
  windows: NabWindow[];
  /** Windows with at least one scored row (end ≥ probation): each costs −A_FN when missed. */
  scoredWindows: number;
  /** Per row, the index in `windows` of the window holding it; −1 outside every window. */
  windowOf: Int32Array;
  /**
   * Per row, NAB's unweighted scaled sigmoid for a detection there: inside a window S(−(r − i + 1)/W)
   * (divided by S(−1) and × A_TP when weighted), outside S(distance past the previous window / (W − 1)),
   * −1 before any window (× A_FP when weighted).
   */
  sigmoid: Float64Array;
}

function timesOf(name: string, times: readonly string[] | Float64Array): Float64Array {
  if (times instanceof Float64Array) return times;
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = parseNabTime(String(times[i]));
    if (Number.isNaN(t)) throw new DataError(`${name}: row ${i + 1} (line ${i + 2}): timestamp '${times[i]}' is not a date and time like 2014-04-10 07:15:00`, name, i + 1, 'timestamp');
    out[i] = t;
  }
  return out;
}

function firstRow(ms: Float64Array, t: number): number {
  for (let i = 0; i < ms.length; i++) if (ms[i] === t) return i;
  return -1;
}

/**
 * Matches a series' windows to its rows and precomputes each row's NAB weight.
 *
 * `times`: one timestamp per row, as NAB's text (parsed with parseNabTime, UTC) or as milliseconds.
 * A window edge matches the first row with the same instant (duplicate or out-of-order timestamps: the
 * first occurrence wins, as NAB's `timestamps.index`). Throws a DataError naming the series and the
 * window when an edge is not in the series, a window ends before it starts, or two windows overlap;
 * `source` is what those messages call the series (default `name`; the CLI passes the results file).
 */
export function prepareSeries(name: string, times: readonly string[] | Float64Array, windows: readonly (readonly [string, string])[], source = name): LabelledSeries {
  const ms = timesOf(source, times);
  const n = ms.length;
  const matched: NabWindow[] = windows.map(([a, b]) => {
    const edge = (s: string): number => {
      const t = parseNabTime(String(s));
      if (Number.isNaN(t)) throw new DataError(`${source}: window [${a}, ${b}]: '${s}' is not a date and time`, source);
      const row = firstRow(ms, t);
      if (row < 0) throw new DataError(`${source}: window [${a}, ${b}]: time '${s}' is not in the series`, source);
      return row;
    };
    const start = edge(a);
    const end = edge(b);
    if (end < start) throw new DataError(`${source}: window [${a}, ${b}] ends (row ${end + 1}) before it starts (row ${start + 1}) in the series`, source, end + 1);
    return { start, end, limits: [String(a), String(b)] };
  });
  matched.sort((p, q) => p.start - q.start);
  for (let k = 1; k < matched.length; k++) {
    const [p, q] = [matched[k - 1], matched[k]];
    if (q.start <= p.end) throw new DataError(`${source}: windows [${p.limits.join(', ')}] and [${q.limits.join(', ')}] overlap`, source, q.start + 1);
  }
  return labelRows(name, n, matched);
}

/**
 * A series of `n` rows with its windows given as rows (`start`, `end` inclusive, sorted by start,
 * disjoint: prepareSeries checks that), each row's NAB weight precomputed. For callers that matched
 * the windows themselves (the page's time axis); prepareSeries matches NAB's timestamps and calls it.
 */
export function labelRows(name: string, n: number, matched: NabWindow[]): LabelledSeries {
  const probation = probationRows(n);
  const windowOf = new Int32Array(n).fill(-1);
  const sigmoid = new Float64Array(n);
  let prevEnd = -1;
  let prevWidth = 0;
  let next = 0;
  for (let i = 0; i < n; ) {
    const w = next < matched.length ? matched[next] : null;
    const stop = w ? w.start : n;
    // Outside windows up to the next one's start.
    for (; i < stop; i++) {
      // A one-row window: NAB divides by W − 1 = 0 (Python raises); a false positive after it costs −A_FP.
      sigmoid[i] = prevEnd < 0 ? -1 : scaledSigmoid(prevWidth > 1 ? Math.abs(prevEnd - i) / (prevWidth - 1) : Infinity);
    }
    if (!w) break;
    const width = w.end - w.start + 1;
    for (; i <= w.end; i++) {
      windowOf[i] = next;
      sigmoid[i] = scaledSigmoid(-(w.end - i + 1) / width);
    }
    prevEnd = w.end;
    prevWidth = width;
    next++;
  }
  const scoredWindows = matched.filter((w) => w.end >= probation).length;
  return { name, rows: n, probation, windows: matched, scoredWindows, windowOf, sigmoid };
}

/** Row counts as NAB reports them (rows, not windows; probation rows excluded). */
export interface NabCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** One profile's score of a file or a corpus. */
export interface NabProfileScore extends NabCounts {
  /** Normalised: 100 · (raw − null) / (perfect − null); null when there are no windows (perfect = null). */
  score: number | null;
  /** The detection rule: score ≥ threshold (1.1: nothing detected). NaN when scored from given flags. */
  threshold: number;
  /** NAB's raw score: Σ TP weights − A_FN × missed windows + Σ FP weights. */
  raw: number;
  /** The raw score with nothing detected. */
  null: number;
  /** A_TP × windows. */
  perfect: number;
  /** Windows, and windows with a detection. */
  windows: number;
  detected: number;
}

/** Scores by profile name. */
export type NabScores = Record<string, NabProfileScore>;

function normalise(raw: number, nul: number, perfect: number): number | null {
  return perfect === nul ? null : (100 * (raw - nul)) / (perfect - nul);
}

interface Raw extends NabCounts {
  raw: number;
  detected: number;
}

/** NAB's per-file score for one profile with detections given per row. */
function rawScore(s: LabelledSeries, flagged: (i: number) => boolean, cost: CostMatrix): Raw {
  const parts = new Float64Array(s.windows.length);
  for (let w = 0; w < parts.length; w++) parts[w] = s.windows[w].end >= s.probation ? -cost.fnWeight : 0;
  const hit = new Uint8Array(s.windows.length);
  let fp = 0;
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = s.probation; i < s.rows; i++) {
    const w = s.windowOf[i];
    if (flagged(i)) {
      if (w < 0) {
        fp += s.sigmoid[i] * cost.fpWeight;
        c.fp++;
      } else {
        const v = (s.sigmoid[i] * cost.tpWeight) / MAX_TP;
        if (v > parts[w]) parts[w] = v;
        hit[w] = 1;
        c.tp++;
      }
    } else if (w < 0) c.tn++;
    else c.fn++;
  }
  let raw = fp;
  let detected = 0;
  for (let w = 0; w < parts.length; w++) {
    raw += parts[w];
    detected += hit[w];
  }
  return { raw, detected, ...c };
}

function profileScore(r: Raw, threshold: number, windows: number, scoredWindows: number, cost: CostMatrix): NabProfileScore {
  const nul = -cost.fnWeight * scoredWindows;
  const perfect = cost.tpWeight * windows;
  return { score: normalise(r.raw, nul, perfect), threshold, raw: r.raw, null: nul, perfect, windows, detected: r.detected, tp: r.tp, fp: r.fp, fn: r.fn, tn: r.tn };
}

function pickProfiles(profiles: NabProfiles, only?: string): [string, CostMatrix][] {
  if (only === undefined) return Object.entries(profiles);
  if (!(only in profiles)) throw new RangeError(`profile must be one of ${Object.keys(profiles).join(', ')}, got: '${only}'`);
  return [[only, profiles[only]]];
}

function checkScores(s: LabelledSeries, scores: ArrayLike<number>): void {
  if (scores.length !== s.rows) throw new DataError(`${s.name}: ${scores.length} anomaly scores for ${s.rows} rows`, s.name);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (!(v >= 0 && v <= 1)) throw new DataError(`${s.name}: row ${i + 1} (line ${i + 2}): anomaly score ${Number.isNaN(v) ? 'is missing' : `${v} is outside [0, 1]`}`, s.name, i + 1, 'anomaly_score');
  }
}

/**
 * One file's NAB scores for each profile, with detections given per row (1 / true = detected): for
 * a detector's own rule (the house flags score > threshold, NAB flags ≥). `threshold` in the result is NaN.
 */
export function scoreFlags(series: LabelledSeries, flagged: ArrayLike<number | boolean>, options: { profiles?: NabProfiles; profile?: string } = {}): NabScores {
  if (flagged.length !== series.rows) throw new DataError(`${series.name}: ${flagged.length} flags for ${series.rows} rows`, series.name);
  const out: NabScores = {};
  for (const [name, cost] of pickProfiles(options.profiles ?? NAB_PROFILES, options.profile)) {
    out[name] = profileScore(rawScore(series, (i) => !!flagged[i], cost), NaN, series.windows.length, series.scoredWindows, cost);
  }
  return out;
}

/**
 * One file's NAB scores for each profile at a threshold (detected: score ≥ threshold, NAB's rule).
 * Scores must be in [0, 1], one per row (a DataError names the row otherwise).
 */
export function scoreFile(series: LabelledSeries, scores: ArrayLike<number>, threshold: number, options: { profiles?: NabProfiles; profile?: string } = {}): NabScores {
  checkScores(series, scores);
  const out: NabScores = {};
  for (const [name, cost] of pickProfiles(options.profiles ?? NAB_PROFILES, options.profile)) {
    out[name] = profileScore(rawScore(series, (i) => scores[i] >= threshold, cost), threshold, series.windows.length, series.scoredWindows, cost);
  }
  return out;
}

/** A scored series: its labels and one anomaly score in [0, 1] per row. */
export interface NabScored {
  series: LabelledSeries;
  scores: ArrayLike<number>;
}

/** A series as read from a results file: its name in the windows file, timestamps and scores. */
export interface NabInput {
  name: string;
  timestamps: readonly string[] | Float64Array;
  scores: ArrayLike<number>;
}

export interface NabCorpusOptions {
  /** Default: NAB's three profiles. */
  profiles?: NabProfiles;
  /** Only this profile. */
  profile?: string;
  /** A fixed threshold for every profile (detected: score ≥ threshold); default: optimised per profile. */
  threshold?: number;
}

/** A corpus score per profile, with each file's raw score (in input order). */
export interface NabCorpusProfileScore extends NabProfileScore {
  files: { name: string; raw: number }[];
}

/** The scorable rows of a corpus sorted once by score, highest first (shared by every profile's sweep). */
interface Sweep {
  score: Float64Array;
  sigmoid: Float64Array;
  /** Global window id, −1 outside windows. */
  windowOfRow: Int32Array;
  windows: number;
  /** Per global window: whether it has a scored row (counted as a miss at the start). */
  scored: Uint8Array;
}

function buildSweep(items: readonly NabScored[]): Sweep {
  let total = 0;
  let windows = 0;
  for (const { series: s } of items) {
    total += s.rows - s.probation;
    windows += s.windows.length;
  }
  const score = new Float64Array(total);
  const sigmoid = new Float64Array(total);
  const windowOfRow = new Int32Array(total);
  const scored = new Uint8Array(windows);
  let k = 0;
  let w0 = 0;
  for (const { series: s, scores } of items) {
    for (let i = s.probation; i < s.rows; i++, k++) {
      score[k] = scores[i];
      sigmoid[k] = s.sigmoid[i];
      windowOfRow[k] = s.windowOf[i] < 0 ? -1 : w0 + s.windowOf[i];
    }
    for (let w = 0; w < s.windows.length; w++) scored[w0 + w] = s.windows[w].end >= s.probation ? 1 : 0;
    w0 += s.windows.length;
  }
  // In score order, so that each profile's sweep reads them in sequence.
  const order = radixOrder(score, identity(total), true);
  const sScore = new Float64Array(total);
  const sSigmoid = new Float64Array(total);
  const sWindow = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    const j = order[k];
    sScore[k] = score[j];
    sSigmoid[k] = sigmoid[j];
    sWindow[k] = windowOfRow[j];
  }
  return { score: sScore, sigmoid: sSigmoid, windowOfRow: sWindow, windows, scored };
}


/**
 * The corpus-wide threshold for one profile, as NAB's sweeper finds it: the candidate (1.1, then
 * every distinct score, highest first) with the highest corpus raw score; the first (highest) on a tie.
 */
function optimise(sw: Sweep, cost: CostMatrix): { threshold: number; raw: number } {
  const parts = new Float64Array(sw.windows);
  let windowSum = 0;
  for (let w = 0; w < sw.windows; w++) {
    if (sw.scored[w]) {
      parts[w] = -cost.fnWeight;
      windowSum += parts[w];
    }
  }
  let fp = 0;
  let best = fp + windowSum;
  let bestT = 1.1;
  const { score, sigmoid, windowOfRow } = sw;
  const n = score.length;
  const tpScale = cost.tpWeight;
  for (let k = 0; k < n; ) {
    const t = score[k];
    // Every row with this score flips at once.
    for (; k < n && score[k] === t; k++) {
      const w = windowOfRow[k];
      if (w < 0) fp += sigmoid[k] * cost.fpWeight;
      else {
        const v = (sigmoid[k] * tpScale) / MAX_TP;
        if (v > parts[w]) {
          windowSum += v - parts[w];
          parts[w] = v;
        }
      }
    }
    const total = fp + windowSum;
    if (total > best) {
      best = total;
      bestT = t;
    }
  }
  return { threshold: bestT, raw: best };
}

/**
 * Scores prepared series over the corpus, per profile: at `options.threshold`, or at the corpus-wide
 * threshold optimised as NAB does (then each file is scored at it and the raw scores summed, as NAB's
 * runner does). Scores must be in [0, 1], one per row.
 */
export function scoreLabelled(items: readonly NabScored[], options: NabCorpusOptions = {}): Record<string, NabCorpusProfileScore> {
  for (const it of items) checkScores(it.series, it.scores);
  const profiles = pickProfiles(options.profiles ?? NAB_PROFILES, options.profile);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold)) throw new RangeError(`threshold must be a finite number, got: ${options.threshold}`);
  const sweep = options.threshold === undefined ? buildSweep(items) : null;
  let windows = 0;
  let scoredWindows = 0;
  for (const { series: s } of items) {
    windows += s.windows.length;
    scoredWindows += s.scoredWindows;
  }
  const out: Record<string, NabCorpusProfileScore> = {};
  for (const [name, cost] of profiles) {
    const threshold = sweep ? optimise(sweep, cost).threshold : (options.threshold as number);
    const sum: Raw = { raw: 0, detected: 0, tp: 0, fp: 0, fn: 0, tn: 0 };
    const files: { name: string; raw: number }[] = [];
    for (const { series: s, scores } of items) {
      const r = rawScore(s, (i) => scores[i] >= threshold, cost);
      files.push({ name: s.name, raw: r.raw });
      sum.raw += r.raw;
      sum.detected += r.detected;
      sum.tp += r.tp;
      sum.fp += r.fp;
      sum.fn += r.fn;
      sum.tn += r.tn;
    }
    out[name] = { ...profileScore(sum, threshold, windows, scoredWindows, cost), files };
  }
  return out;
}

/**
 * NAB's corpus score of one detector's results: each series matched to its windows by name
 * (`windows[name]`; a name not in the windows file is a DataError), then scored per profile at the
 * given threshold or at the corpus-wide optimised one.
 *
 * @example scoreCorpus([{ name: 'realTraffic/speed_6005.csv', timestamps, scores }], windows).standard.score
 */
export function scoreCorpus(inputs: readonly NabInput[], windows: NabWindows, options: NabCorpusOptions = {}): Record<string, NabCorpusProfileScore> {
  const items = inputs.map((f) => {
    const w = Object.prototype.hasOwnProperty.call(windows, f.name) ? windows[f.name] : undefined;
    if (!w) throw new DataError(`${f.name}: not in the windows file`, f.name);
    return { series: prepareSeries(f.name, f.timestamps, w), scores: f.scores };
  });
  return scoreLabelled(items, options);
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
