/**
 * Confusion counts and scikit-learn 1.2.1's binary classification metrics at a
 * threshold: precision / recall / F-beta (zero_division="warn" → 0.0, with
 * scikit-learn's warning), Matthews correlation, balanced accuracy — each with
 * scikit-learn's formula, operation for operation, so the numbers are its own.
 */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

/** Confusion counts of `score > threshold` against 0/1 labels (1 = anomaly). */
export function confusionAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Confusion {
  if (scores.length !== labels.length) throw new RangeError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] > threshold;
    if (labels[i]) flagged ? tp++ : fn++;
    else flagged ? fp++ : tn++;
  }
  return { tp, fp, tn, fn };
}

/**
 * precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2·P·R / (P + R)
 * (scikit-learn's fbeta with β = 1), each 0 where its denominator is 0
 * (scikit-learn's zero_division="warn": 0.0 and a warning, see classificationWarnings).
 */
export function precisionRecallF1(c: Confusion): PRF {
  const { tp, fp, tn, fn } = c;
  const n = tp + fp + tn + fn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  return { precision, recall, f1: fbetaFrom(precision, recall, 1), accuracy: n > 0 ? (tp + tn) / n : 0 };
}

/**
 * scikit-learn's fbeta_score from precision and recall: (1 + β²)·P·R / (β²·P + R),
 * 0 where β²·P + R is 0; β = ∞ gives recall, β = 0 precision.
 */
export function fbetaFrom(precision: number, recall: number, beta: number): number {
  if (beta === Infinity) return recall;
  const beta2 = beta * beta;
  let denom = beta2 * precision + recall;
  if (denom === 0) denom = 1;
  return ((1 + beta2) * precision * recall) / denom;
}

/** F-beta at these counts (scikit-learn's fbeta_score, binary). */
export function fbeta(c: Confusion, beta: number): number {
  if (!(beta >= 0)) throw new RangeError(`beta must be a number ≥ 0, got: ${String(beta)}`);
  const { precision, recall } = precisionRecallF1(c);
  return fbetaFrom(precision, recall, beta);
}

/**
 * scikit-learn's matthews_corrcoef on the 2 × 2 confusion matrix, with its
 * covariance form (cov(yt, yp) / √(cov(yt, yt)·cov(yp, yp))) and 0 where the
 * denominator is 0 (one class in the labels or in the predictions).
 */
export function matthewsCorrcoef(c: Confusion): number {
  const { tp, fp, tn, fn } = c;
  // t_sum = rows (true 0, true 1), p_sum = columns (predicted 0, predicted 1)
  const t0 = tn + fp, t1 = fn + tp, p0 = tn + fn, p1 = fp + tp;
  const n = p0 + p1;
  const covYtYp = (tp + tn) * n - (t0 * p0 + t1 * p1);
  const covYpYp = n * n - (p0 * p0 + p1 * p1);
  const covYtYt = n * n - (t0 * t0 + t1 * t1);
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * scikit-learn's balanced_accuracy_score: the mean recall over the classes in
 * the labels (a class that only occurs in the predictions is left out, with
 * the warning "y_pred contains classes not in y_true").
 */
export function balancedAccuracy(c: Confusion): number {
  const { tp, fp, tn, fn } = c;
  const per: number[] = [];
  if (tn + fp > 0) per.push(tn / (tn + fp));
  if (tp + fn > 0) per.push(tp / (tp + fn));
  if (per.length === 0) return 0;
  return per.length === 2 ? (per[0] + per[1]) / 2 : per[0];
}

/**
 * The warnings scikit-learn 1.2.1 gives for precision_score, recall_score,
 * f1_score / fbeta_score and balanced_accuracy_score at these counts (the
 * UndefinedMetricWarning texts without their advice on `zero_division`,
 * which we do not have), in that order.
 */
export function classificationWarnings(c: Confusion): string[] {
  const { tp, fp, tn, fn } = c;
  const predicted = tp + fp, truePos = tp + fn;
  const out: string[] = [];
  if (predicted === 0) out.push('Precision is ill-defined and being set to 0.0 due to no predicted samples.');
  if (truePos === 0) out.push('Recall is ill-defined and being set to 0.0 due to no true samples.');
  if (predicted === 0 && truePos === 0) out.push('F-score is ill-defined and being set to 0.0 due to no true nor predicted samples.');
  // a class predicted but absent from the labels
  if ((truePos === 0 && predicted > 0) || (tn + fp === 0 && tn + fn > 0)) out.push('balanced accuracy: y_pred contains classes not in y_true');
  return out;
}
