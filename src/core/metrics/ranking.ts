/**
 * Threshold-free metrics with scikit-learn's tie handling: rows with equal
 * scores enter a curve together (one point per distinct score), so ROC-AUC
 * counts a tied positive/negative pair as one half, and average precision is
 * Σ (Rₖ − Rₖ₋₁) Pₖ over distinct thresholds, without interpolation.
 */
import { countBelow } from './quantile.js';

/** Scores split by label and sorted ascending: the form every ranking metric reads. */
export interface SplitScores {
  pos: Float64Array;
  neg: Float64Array;
}

/**
 * Refuse NaN scores: every ranking walk steps from one distinct score to the next, and NaN equals
 * nothing, not even itself. (±Infinity is ordered and allowed.)
 * @throws RangeError naming the first NaN's row (1-based)
 */
export function assertNoNaN(scores: ArrayLike<number>, what = 'scores'): void {
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] !== scores[i]) throw new RangeError(`${what} hold NaN (first at row ${i + 1}): metrics need a number for every row`);
  }
}

export function splitByLabel(scores: ArrayLike<number>, labels: ArrayLike<number>): SplitScores {
  if (scores.length !== labels.length) throw new RangeError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  assertNoNaN(scores);
  let p = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) p++;
  const pos = new Float64Array(p);
  const neg = new Float64Array(labels.length - p);
  let a = 0, b = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i]) pos[a++] = scores[i];
    else neg[b++] = scores[i];
  }
  pos.sort();
  neg.sort();
  return { pos, neg };
}

/**
 * splitByLabel when all the scores are already sorted (`sorted`, ascending):
 * only the positives are sorted, and the negatives are what remains of
 * `sorted` once they are taken out, in one merge walk. The same arrays as
 * splitByLabel (equal values are interchangeable; -0 and 0 compare equal),
 * without a second sort of every score.
 */
export function splitSortedByLabel(sorted: Float64Array, scores: ArrayLike<number>, labels: ArrayLike<number>): SplitScores {
  const n = sorted.length;
  // NaN never equals itself, so the walk could not take a NaN positive out: the plain split then.
  if (n !== scores.length || n !== labels.length || (n > 0 && sorted[n - 1] !== sorted[n - 1])) return splitByLabel(scores, labels);
  let p = 0;
  for (let i = 0; i < n; i++) if (labels[i]) p++;
  const pos = new Float64Array(p);
  for (let i = 0, a = 0; i < n; i++) if (labels[i]) pos[a++] = scores[i];
  pos.sort();
  const neg = new Float64Array(n - p);
  let a = 0, b = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    if (a < p && v === pos[a]) a++;
    else neg[b++] = v;
  }
  if (a !== p || b !== n - p) return splitByLabel(scores, labels); // `sorted` was not these scores
  return { pos, neg };
}

/** A split built by hand with a NaN in it (splitByLabel refuses NaN itself). */
function nanInSplit(): RangeError {
  return new RangeError('scores hold NaN: metrics need a number for every row');
}

/** ROC-AUC; null when only one class is present (scikit-learn raises there). */
export function rocAucSplit({ pos, neg }: SplitScores): number | null {
  if (pos.length === 0 || neg.length === 0) return null;
  // Mann–Whitney: for each positive, negatives below it count 1, tied ones ½.
  let u = 0;
  let j = 0; // negatives < current positive
  let k = 0; // negatives ≤ current positive
  for (let i = 0; i < pos.length; i++) {
    const s = pos[i];
    while (j < neg.length && neg[j] < s) j++;
    if (k < j) k = j;
    while (k < neg.length && neg[k] <= s) k++;
    u += j + 0.5 * (k - j);
  }
  return u / (pos.length * neg.length);
}

/**
 * Average precision as scikit-learn's average_precision_score; 0 when there is
 * no positive (scikit-learn sets recall to 1 everywhere there and returns 0).
 */
export function averagePrecisionSplit({ pos, neg }: SplitScores): number | null {
  const P = pos.length;
  if (P === 0) return pos.length + neg.length > 0 ? 0 : null;
  // Walk distinct thresholds from the highest score down.
  let i = P - 1;
  let j = neg.length - 1;
  let tps = 0, fps = 0, prevRecall = 0, ap = 0;
  while (i >= 0 || j >= 0) {
    const t = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    if (t !== t) throw nanInSplit();
    while (i >= 0 && pos[i] === t) { tps++; i--; }
    while (j >= 0 && neg[j] === t) { fps++; j--; }
    const recall = tps / P;
    const precision = tps / (tps + fps);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  return rocAucSplit(splitByLabel(scores, labels));
}

export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  return averagePrecisionSplit(splitByLabel(scores, labels));
}

export interface CurvePoint {
  x: number;
  y: number;
  threshold: number;
}

/**
 * ROC curve (x = FPR, y = TPR), one point per distinct score, thinned to at
 * most `maxPoints` for drawing.
 */
export function rocCurve(split: SplitScores, maxPoints = 400, sorted?: Float64Array): CurvePoint[] {
  const { pos, neg } = split;
  if (!pos.length || !neg.length) return [];
  const thresholds = distinctDescending(sorted ?? mergeSorted(pos, neg), maxPoints);
  const pts: CurvePoint[] = [{ x: 0, y: 0, threshold: Infinity }];
  for (const t of thresholds) {
    const tp = pos.length - countBelow(pos, t);
    const fp = neg.length - countBelow(neg, t);
    pts.push({ x: fp / neg.length, y: tp / pos.length, threshold: t });
  }
  return pts;
}

/** Precision–recall curve (x = recall, y = precision), thinned like rocCurve. */
export function prCurve(split: SplitScores, maxPoints = 400, sorted?: Float64Array): CurvePoint[] {
  const { pos, neg } = split;
  if (!pos.length) return [];
  const pts: CurvePoint[] = [];
  for (const t of distinctDescending(sorted ?? mergeSorted(pos, neg), maxPoints)) {
    const tp = pos.length - countBelow(pos, t);
    const fp = neg.length - countBelow(neg, t);
    pts.push({ x: tp / pos.length, y: tp + fp ? tp / (tp + fp) : 1, threshold: t });
  }
  return pts;
}

/** All scores ascending (pass ThresholdSweep.sorted instead where it exists: no second sort). */
function mergeSorted(pos: Float64Array, neg: Float64Array): Float64Array {
  const all = new Float64Array(pos.length + neg.length);
  all.set(pos);
  all.set(neg, pos.length);
  return all.sort();
}

function distinctDescending(all: Float64Array, maxPoints: number): number[] {
  const out: number[] = [];
  const step = Math.max(1, Math.floor(all.length / maxPoints));
  for (let i = all.length - 1; i >= 0; i -= step) {
    const t = all[i];
    if (out.length === 0 || out[out.length - 1] !== t) out.push(t);
  }
  if (out[out.length - 1] !== all[0]) out.push(all[0]);
  return out;
}


/**
 * scikit-learn's _binary_clf_curve: for each distinct score from the highest
 * down, the rows at or above it that are positives (tps) and negatives (fps).
 */
export interface BinaryClfCurve {
  fps: Float64Array;
  tps: Float64Array;
  /** The distinct scores, descending. */
  thresholds: Float64Array;
}

export function binaryClfCurve({ pos, neg }: SplitScores): BinaryClfCurve {
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0, fp = 0;
  while (i >= 0 || j >= 0) {
    const t = Math.max(i >= 0 ? pos[i] : -Infinity, j >= 0 ? neg[j] : -Infinity);
    if (t !== t) throw nanInSplit(); // NaN equals nothing: the walk would never step past it
    while (i >= 0 && pos[i] === t) { tp++; i--; }
    while (j >= 0 && neg[j] === t) { fp++; j--; }
    tps.push(tp);
    fps.push(fp);
    thresholds.push(t);
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thresholds) };
}

/** A curve at full resolution, as scikit-learn returns it (parallel arrays). */
export interface FullCurve {
  x: Float64Array;
  y: Float64Array;
  thresholds: Float64Array;
}

/**
 * scikit-learn 1.2.1's roc_curve(drop_intermediate=True): x = FPR, y = TPR,
 * collinear middle points dropped, a first point (0, 0) at threshold
 * max + 1; FPR (TPR) all NaN when there is no negative (positive) row.
 */
export function rocCurveFull(split: SplitScores): FullCurve {
  let { fps, tps, thresholds } = binaryClfCurve(split);
  const m = fps.length;
  if (m > 2) {
    const keep: number[] = [0];
    for (let k = 1; k < m - 1; k++) {
      // np.diff(·, 2) ≠ 0: the point is not on the line through its neighbours' steps
      if (fps[k + 1] - 2 * fps[k] + fps[k - 1] !== 0 || tps[k + 1] - 2 * tps[k] + tps[k - 1] !== 0) keep.push(k);
    }
    keep.push(m - 1);
    fps = Float64Array.from(keep, (k) => fps[k]);
    tps = Float64Array.from(keep, (k) => tps[k]);
    thresholds = Float64Array.from(keep, (k) => thresholds[k]);
  }
  const n = fps.length + 1;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const th = new Float64Array(n);
  th[0] = thresholds[0] + 1;
  th.set(thresholds, 1);
  const fpLast = fps[fps.length - 1];
  const tpLast = tps[tps.length - 1];
  for (let k = 0; k < n; k++) {
    const fp = k === 0 ? 0 : fps[k - 1];
    const tp = k === 0 ? 0 : tps[k - 1];
    x[k] = fpLast > 0 ? fp / fpLast : NaN;
    y[k] = tpLast > 0 ? tp / tpLast : NaN;
  }
  return { x, y, thresholds: th };
}

/**
 * scikit-learn 1.2.1's precision_recall_curve: x = recall, y = precision, one
 * point per distinct score from the lowest up, then (0, 1) without a
 * threshold (NaN here); recall 1 everywhere when there is no positive row.
 */
export function prCurveFull(split: SplitScores): FullCurve {
  const { fps, tps, thresholds } = binaryClfCurve(split);
  const m = fps.length;
  const x = new Float64Array(m + 1);
  const y = new Float64Array(m + 1);
  const th = new Float64Array(m + 1);
  const tpLast = tps[m - 1];
  for (let k = 0; k < m; k++) {
    const r = m - 1 - k; // reversed: recall decreasing
    const ps = tps[r] + fps[r];
    y[k] = ps !== 0 ? tps[r] / ps : 0;
    x[k] = tpLast === 0 ? 1 : tps[r] / tpLast;
    th[k] = thresholds[r];
  }
  x[m] = 0;
  y[m] = 1;
  th[m] = NaN;
  return { x, y, thresholds: th };
}

/** scikit-learn's texts for the threshold-free metrics that are undefined or set by convention here. */
export function rankingWarnings({ pos, neg }: SplitScores): string[] {
  const out: string[] = [];
  if (pos.length === 0 || neg.length === 0) out.push('ROC-AUC: Only one class present in y_true. ROC AUC score is not defined in that case.');
  if (pos.length === 0) out.push('average precision: No positive class found in y_true, recall is set to one for all thresholds.');
  return out;
}
