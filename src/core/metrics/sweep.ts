/**
 * ThresholdSweep: scores sorted once per run, so that the confusion matrix and
 * precision / recall / F1 at any threshold cost two binary searches (O(log n)).
 * Moving the threshold slider never touches the scores again.
 */
import { balancedAccuracy, classificationWarnings, fbetaFrom, matthewsCorrcoef, precisionRecallF1, type Confusion, type PRF } from './classification.js';
import { countAtMost, countBelow, nextDown, quantileSorted } from './quantile.js';
import { assertNoNaN, averagePrecisionSplit, rankingWarnings, rocAucSplit, splitSortedByLabel, type SplitScores } from './ranking.js';

export interface Metrics extends Confusion, PRF {
  roc_auc: number | null;
  average_precision: number | null;
  /** PyOD's precision@n: precision among the top-n scores, n = number of true anomalies. */
  precision_at_n: number | null;
  /** F-beta (scikit-learn's fbeta_score) at `beta` (default 1: = f1). */
  fbeta: number;
  beta: number;
  matthews_corrcoef: number;
  balanced_accuracy: number;
  /**
   * scikit-learn's warnings for what is undefined or set by convention here
   * (ROC-AUC with one class, precision with nothing flagged, …); empty when none.
   */
  warnings: string[];
}

export class ThresholdSweep {
  /** All scores, ascending. */
  readonly sorted: Float64Array;
  /** Scores of the rows labelled 1 / 0, ascending (null without labels). */
  readonly split: SplitScores | null;
  readonly n: number;
  readonly positives: number;
  readonly rocAuc: number | null;
  readonly averagePrecision: number | null;
  readonly precisionAtN: number | null;

  constructor(scores: ArrayLike<number>, labels?: ArrayLike<number> | null) {
    this.n = scores.length;
    if (this.n === 0) throw new RangeError('ThresholdSweep needs at least one score');
    assertNoNaN(scores);
    this.sorted = Float64Array.from(scores).sort();
    if (labels) {
      this.split = splitSortedByLabel(this.sorted, scores, labels);
      const { pos } = this.split;
      const p = pos.length;
      this.positives = p;
      this.rocAuc = rocAucSplit(this.split);
      this.averagePrecision = averagePrecisionSplit(this.split);
      if (p > 0) {
        const t = quantileSorted(this.sorted, 1 - p / this.n);
        const flagged = this.n - countAtMost(this.sorted, t);
        const tp = p - countAtMost(pos, t);
        this.precisionAtN = flagged > 0 ? tp / flagged : 0;
      } else this.precisionAtN = null;
    } else {
      this.split = null;
      this.positives = 0;
      this.rocAuc = null;
      this.averagePrecision = null;
      this.precisionAtN = null;
    }
  }

  get min(): number {
    return this.sorted[0];
  }

  get max(): number {
    return this.sorted[this.n - 1];
  }

  /** Rows with score > threshold. */
  flaggedAt(threshold: number): number {
    return this.n - countAtMost(this.sorted, threshold);
  }

  /** A threshold that flags exactly `k` rows, or as close as ties allow (never more). */
  thresholdForCount(k: number): number {
    const n = this.n;
    const kk = Math.max(0, Math.min(n, Math.round(k)));
    if (kk >= n) return -Infinity;
    return this.sorted[n - kk - 1];
  }

  /**
   * The flagged counts a threshold can give around `k`: `below` ≤ k (what thresholdForCount gives)
   * and `above` > k, the next count reachable when rows tie at one score (null when k is reachable
   * exactly or every row is flagged), with the thresholds that give them and the tied score.
   */
  countsNear(k: number): { below: number; belowThreshold: number; above: number | null; aboveThreshold: number | null; tiedScore: number | null } {
    const n = this.n;
    const belowThreshold = this.thresholdForCount(k);
    const below = this.flaggedAt(belowThreshold);
    const kk = Math.max(0, Math.min(n, Math.round(k)));
    if (below === kk || below >= n) return { below, belowThreshold, above: null, aboveThreshold: null, tiedScore: null };
    // The block of rows tied at the next score down: flagging it flags all of it.
    const tiedScore = this.sorted[n - below - 1];
    const under = countBelow(this.sorted, tiedScore);
    const above = n - under;
    return { below, belowThreshold, above, aboveThreshold: under > 0 ? this.sorted[under - 1] : -Infinity, tiedScore };
  }

  /** The threshold for a contamination fraction (numpy linear quantile at 1 − c). */
  thresholdForContamination(c: number): number {
    if (c <= 0) return this.max;
    if (c >= 1) return -Infinity;
    return quantileSorted(this.sorted, 1 - c);
  }

  /** The score at quantile q of all scores (0 = lowest). */
  quantile(q: number): number {
    return quantileSorted(this.sorted, Math.max(0, Math.min(1, q)));
  }

  /** Which quantile a threshold sits at: the fraction of scores ≤ it. */
  rankOf(threshold: number): number {
    return countAtMost(this.sorted, threshold) / this.n;
  }

  /** Confusion counts at `score > threshold`; null without labels. */
  confusionAt(threshold: number): Confusion | null {
    if (!this.split) return null;
    const { pos, neg } = this.split;
    const tp = pos.length - countAtMost(pos, threshold);
    const fp = neg.length - countAtMost(neg, threshold);
    return { tp, fp, fn: pos.length - tp, tn: neg.length - fp };
  }

  /** Every metric at `score > threshold` (F-beta at `beta`); null without labels. */
  metricsAt(threshold: number, beta = 1): Metrics | null {
    const c = this.confusionAt(threshold);
    if (!c) return null;
    if (!(beta >= 0)) throw new RangeError(`beta must be a number ≥ 0, got: ${String(beta)}`);
    const prf = precisionRecallF1(c);
    return {
      ...c, ...prf, roc_auc: this.rocAuc, average_precision: this.averagePrecision, precision_at_n: this.precisionAtN,
      fbeta: fbetaFrom(prf.precision, prf.recall, beta), beta,
      matthews_corrcoef: matthewsCorrcoef(c), balanced_accuracy: balancedAccuracy(c),
      warnings: [...rankingWarnings(this.split!), ...classificationWarnings(c)],
    };
  }

  /**
   * A threshold for "flag as many rows as there are positive labels", and the
   * rule in words: the numpy quantile at 1 − share of positives; with no
   * positive label nothing is flagged (threshold = the highest score), with
   * only positives every row is (the largest double below the lowest
   * score: finite, so it prints in JSON). Null without labels.
   */
  thresholdForPositiveShare(): { threshold: number; rule: string } | null {
    if (!this.split) return null;
    const p = this.positives;
    const c = p / this.n;
    if (p === 0) return { threshold: this.max, rule: 'no positive label: nothing flagged (score > the highest score)' };
    if (p === this.n) return { threshold: nextDown(this.min), rule: 'every label positive: every row flagged (score > the largest number below the lowest score)' };
    return { threshold: this.thresholdForContamination(c), rule: `contamination = share of positive labels (${c})` };
  }
}

/** The `metrics` object of the CLI's JSON and the page's panel. */
export function computeMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Metrics {
  return new ThresholdSweep(scores, labels).metricsAt(threshold)!;
}
