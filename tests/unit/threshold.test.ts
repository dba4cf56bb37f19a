/**
 * src/core/detectors/threshold.ts: each library's rule, exactly as the detectors computed it
 * inline before (scikit-learn's offset_ for IsolationForest and LOF, PyOD's threshold_ for the rest).
 */
import { describe, expect, it } from 'vitest';
import { quantileSorted, thresholdFromContamination } from '../../src/core/metrics/quantile';
import { contaminationRule, fitThreshold, needsScores } from '../../src/core/detectors/threshold';
import { Random } from '../../src/core/random';

const rng = new Random(5);
const scores = Float64Array.from({ length: 257 }, () => rng.normal() * 3 + 1);

describe('threshold rules', () => {
  it("'auto' is the detector's constant and reads no scores; without one it is refused", () => {
    const rule = contaminationRule('sklearn_offset', 'auto', 0.5);
    expect(rule).toEqual({ kind: 'constant', threshold: 0.5 });
    expect(needsScores(rule)).toBe(false);
    expect(fitThreshold(rule)).toEqual({ threshold: 0.5, offset: -0.5 });
    expect(() => contaminationRule('pyod', 'auto')).toThrow(/contamination 'auto' has no constant/);
  });

  it("scikit-learn's offset_: the contamination percentile of score_samples = −score, threshold −offset_", () => {
    for (const c of [0.01, 0.1, 0.25, 0.5]) {
      const { threshold, offset } = fitThreshold(contaminationRule('sklearn_offset', c), scores);
      expect(offset).toBe(quantileSorted(Float64Array.from(scores, (s) => -s).sort(), c));
      expect(threshold).toBe(-offset);
    }
  });

  it("PyOD's threshold_: the (1 − contamination) percentile of the scores", () => {
    for (const c of [0.01, 0.1, 0.25, 0.5]) {
      const { threshold, offset } = fitThreshold(contaminationRule('pyod', c), scores);
      expect(threshold).toBe(thresholdFromContamination(scores, c));
      expect(offset).toBe(-threshold);
    }
  });

  it('a percentile rule without training scores is an error naming the rule', () => {
    expect(() => fitThreshold(contaminationRule('pyod', 0.1))).toThrow('the pyod threshold needs the training scores');
  });
});
