/** Confusion counts and scikit-learn's precision / recall / F1 (zero_division = 0). */
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
 * precision = tp / (tp + fp), recall = tp / (tp + fn), F1 = 2tp / (2tp + fp + fn),
 * each 0 where its denominator is 0 (scikit-learn's zero_division=0).
 */
export function precisionRecallF1(c: Confusion): PRF {
  const { tp, fp, tn, fn } = c;
  const n = tp + fp + tn + fn;
  return {
    precision: tp + fp > 0 ? tp / (tp + fp) : 0,
    recall: tp + fn > 0 ? tp / (tp + fn) : 0,
    f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0,
    accuracy: n > 0 ? (tp + tn) / n : 0,
  };
}
