/**
 * From training scores to the threshold: the contract's one place for it. Rows
 * with score > threshold are anomalies (scores higher = more anomalous).
 *
 * Each detector keeps its reference library's rule exactly, as a ThresholdRule:
 *   - 'constant': a value fixed by the paper or the library for contamination
 *     'auto' (Isolation Forest 0.5, LOF 1.5, z-score 3, libsvm's decision 0).
 *   - 'sklearn_offset': scikit-learn's offset_ (IsolationForest,
 *     LocalOutlierFactor): offset_ = np.percentile(score_samples, 100 · c) with
 *     score_samples = −score, and the threshold −offset_.
 *   - 'pyod': PyOD's threshold_ (kNN, AutoEncoder, …):
 *     threshold_ = np.percentile(decision_scores_, 100 · (1 − c)).
 *   - 'quantile': River's QuantileFilter(q), a threshold that moves over a stream: each score
 *     is flagged when it is at or above the running q-quantile (P²) of the scores before it
 *     (src/core/stream/quantile-filter.ts). `movingThreshold` makes one for a stream and
 *     `movingFlags` applies it causally to scores in order; as a fixed threshold (`fitThreshold`)
 *     it is the cut where the training scores' stream ended.
 * The two percentile rules agree in exact arithmetic and can differ in the last
 * bit (numpy's linear interpolation runs from the other end), so each detector
 * names its own. Rules that look at the scores alone (IQR, MAD, Otsu), moving
 * thresholds over a stream and PyOD's max_train subsampling are further kinds
 * of this union, fitted by further cases of `fitThreshold`'s switch.
 *
 * @example
 * const rule = contaminationRule('sklearn_offset', params.contamination, 0.5);
 * const { threshold, offset } = fitThreshold(rule, trainingScores); // offset = scikit-learn's offset_
 */
import { nextDown, quantileSorted, thresholdFromContamination } from '../metrics/quantile.js';
import { QuantileFilter } from '../stream/quantile-filter.js';
import type { ParamValue } from './params.js';

export type ThresholdRule =
  | { kind: 'constant'; threshold: number }
  | { kind: 'sklearn_offset'; contamination: number }
  | { kind: 'pyod'; contamination: number }
  | { kind: 'quantile'; q: number };

/** What a rule gives: rows with score > threshold are flagged; offset = −threshold, scikit-learn's offset_ (decision_function = −score − offset_). */
export interface FittedThreshold {
  threshold: number;
  offset: number;
}

/**
 * The rule for a contamination parameter: 'auto' → the detector's constant (`auto`, a threshold on
 * the score; required where the parameter accepts 'auto'), a fraction → the library's percentile rule.
 */
export function contaminationRule(library: 'sklearn_offset' | 'pyod', contamination: ParamValue, auto?: number): ThresholdRule {
  if (contamination === 'auto') {
    if (auto === undefined) throw new RangeError("contamination 'auto' has no constant for this detector; give a fraction in (0, 0.5]");
    return { kind: 'constant', threshold: auto };
  }
  return { kind: library, contamination: Number(contamination) };
}

/** Whether fitting the rule reads the training scores (a constant does not: fit may skip scoring). */
export function needsScores(rule: ThresholdRule): boolean {
  return rule.kind !== 'constant';
}

/** Fit a rule on the training scores (shape (rows,), higher = more anomalous). */
export function fitThreshold(rule: ThresholdRule, scores?: ArrayLike<number>): FittedThreshold {
  switch (rule.kind) {
    case 'constant':
      return { threshold: rule.threshold, offset: -rule.threshold };
    case 'sklearn_offset': {
      // offset_ = the contamination percentile of score_samples = −score.
      const offset = quantileSorted(Float64Array.from(needScores(rule, scores), (s) => -s).sort(), rule.contamination);
      return { threshold: -offset, offset };
    }
    case 'pyod': {
      const threshold = thresholdFromContamination(needScores(rule, scores), rule.contamination);
      return { threshold, offset: -threshold };
    }
    case 'quantile': {
      const threshold = quantileCut(runFilter(rule, needScores(rule, scores)).value);
      return { threshold, offset: -threshold };
    }
    default:
      throw new TypeError(`unknown threshold rule ${JSON.stringify(rule)}`);
  }
}

/** The moving threshold a rule defines over a stream: a QuantileFilter for 'quantile' (the other rules are fixed: fit them instead). */
export function movingThreshold(rule: Extract<ThresholdRule, { kind: 'quantile' }>): QuantileFilter {
  return new QuantileFilter(rule.q);
}

/**
 * A moving rule applied causally to scores in stream order (shape (n,), 1 = flagged): score i is
 * judged against the running quantile of scores 0 … i − 1, then joins it (River's classify, then
 * update). The first score is never flagged (no cut yet).
 *
 * @example
 * movingFlags({ kind: 'quantile', q: 0.5 }, [1, 2, 3, 0, 9]); // [0, 1, 1, 0, 1]
 */
export function movingFlags(rule: Extract<ThresholdRule, { kind: 'quantile' }>, scores: ArrayLike<number>): Uint8Array {
  const flags = new Uint8Array(scores.length);
  runFilter(rule, scores, flags);
  return flags;
}

function runFilter(rule: Extract<ThresholdRule, { kind: 'quantile' }>, scores: ArrayLike<number>, flags?: Uint8Array): QuantileFilter {
  const f = movingThreshold(rule);
  for (let i = 0; i < scores.length; i++) {
    if (flags && f.isAnomaly(scores[i])) flags[i] = 1;
    f.update(scores[i]);
  }
  return f;
}

/**
 * The contract's `score > threshold` for River's `score ≥ cut`: the largest double below the cut.
 * A cut of 0 (or none) flags nothing in River (`get() or inf`): the largest finite double then.
 */
function quantileCut(cut: number): number {
  return cut === 0 || cut !== cut ? Number.MAX_VALUE : nextDown(cut);
}

function needScores(rule: ThresholdRule, scores: ArrayLike<number> | undefined): ArrayLike<number> {
  if (!scores || scores.length === 0) throw new RangeError(`the ${rule.kind} threshold needs the training scores`);
  return scores;
}

/**
 * libsvm's predict calls decision_function = 0 an outlier: score ≥ 0 flagged. In the contract's
 * `score > threshold` that is the largest double below 0 (the One-class SVM's 'auto' threshold).
 */
export const AT_LEAST_ZERO = nextDown(0);

/** A threshold as people read it: `score ≥ 0` for AT_LEAST_ZERO (not −4.94e−324), else `score > t`. */
export function thresholdRelation(threshold: number): { op: '>' | '≥'; value: number } {
  return threshold === AT_LEAST_ZERO ? { op: '≥', value: 0 } : { op: '>', value: threshold };
}
