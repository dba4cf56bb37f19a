/**
 * The binary cases of scikit-learn 1.2.1's own metric tests
 * (sklearn/metrics/tests/test_classification.py, test_ranking.py), each named
 * after the test it ports, against what scikit-learn computes on them
 * (tests/fixtures/metrics-sklearn.json from scripts/make_metrics_fixtures.py):
 * precision / recall / F1 / F-beta, MCC, balanced accuracy (bit for bit),
 * ROC-AUC and average precision, roc_curve and precision_recall_curve (point
 * for point), and the warnings scikit-learn gives on the way.
 */
import { describe, expect, it } from 'vitest';
import {
  ThresholdSweep, balancedAccuracy, binaryClfCurve, classificationWarnings, confusionAt, fbeta, matthewsCorrcoef,
  nextDown, prCurveFull, precisionRecallF1, rankingWarnings, rocCurveFull, splitByLabel,
} from '../../src/core/metrics/index.js';
import { expectAllClose, expectClose, fixture, num, nums, type JsonFloat } from './helpers.js';

interface Case {
  name: string; labels: number[]; scores: JsonFloat[]; threshold: JsonFloat;
  precision: number; recall: number; f1: number; accuracy: number; matthews_corrcoef: number; balanced_accuracy: number;
  precision_warnings: string[]; recall_warnings: string[]; f1_warnings: string[]; balanced_accuracy_warnings: string[];
  matthews_corrcoef_warnings: string[];
  fbeta: { beta: JsonFloat; value: number; warnings: string[] }[];
  roc_auc: number | null; roc_auc_error: string | null;
  average_precision: number; average_precision_warnings: string[];
  roc_curve: { fpr: JsonFloat[]; tpr: JsonFloat[]; thresholds: JsonFloat[]; warnings: string[] };
  pr_curve: { precision: JsonFloat[]; recall: JsonFloat[]; thresholds: JsonFloat[]; warnings: string[] };
}
const F = fixture<{ _versions: { sklearn: string }; cases: Case[] }>('metrics-sklearn.json');

/** scikit-learn's warning text as ours: the advice on `zero_division` (a parameter we do not have) cut. */
const ours = (w: string) => w.replace(/ Use `zero_division` parameter to control this behavior\.$/, '');

describe('the fixtures', () => {
  it('come from scikit-learn 1.2.1 and cover the degenerate cases', () => {
    expect(F._versions.sklearn).toBe('1.2.1');
    expect(F.cases.length).toBeGreaterThan(60);
    expect(F.cases.some((c) => c.labels.every((y) => y === 0))).toBe(true);
    expect(F.cases.some((c) => c.labels.every((y) => y === 1))).toBe(true);
    expect(F.cases.some((c) => c.labels.length === 1)).toBe(true);
    expect(F.cases.some((c) => new Set(c.scores).size === 1)).toBe(true);
    expect(F.cases.some((c) => c.balanced_accuracy_warnings.length > 0)).toBe(true);
    expect(F.cases.some((c) => c.precision_warnings.length > 0)).toBe(true);
  });
});

describe('scikit-learn test_classification.py / test_ranking.py, binary cases', () => {
  for (const c of F.cases) {
    describe(c.name, () => {
      const scores = nums(c.scores);
      const t = num(c.threshold);
      const conf = confusionAt(scores, c.labels, t);
      const sweep = new ThresholdSweep(scores, c.labels);
      const m = sweep.metricsAt(t)!;

      it('precision, recall, F1, accuracy, MCC and balanced accuracy are scikit-learn\'s, bit for bit', () => {
        const prf = precisionRecallF1(conf);
        expect(prf.precision).toBe(c.precision);
        expect(prf.recall).toBe(c.recall);
        expect(prf.f1).toBe(c.f1);
        expectClose(prf.accuracy, c.accuracy, 1e-15, 0, 'accuracy');
        expect(matthewsCorrcoef(conf)).toBe(c.matthews_corrcoef);
        expect(balancedAccuracy(conf)).toBe(c.balanced_accuracy);
        // the sweep (binary searches) agrees
        expect({ tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn }).toEqual(conf);
        expect([m.precision, m.recall, m.f1, m.fbeta, m.beta]).toEqual([c.precision, c.recall, c.f1, c.f1, 1]);
        expect([m.matthews_corrcoef, m.balanced_accuracy]).toEqual([c.matthews_corrcoef, c.balanced_accuracy]);
      });

      it('fbeta_score at beta 0, 0.5, 1, 2, 1e5 and inf', () => {
        for (const f of c.fbeta) {
          const beta = num(f.beta);
          expect(fbeta(conf, beta), `beta ${beta}`).toBe(f.value);
          expect(sweep.metricsAt(t, beta)!.fbeta, `beta ${beta}`).toBe(f.value);
          for (const w of f.warnings) expect(classificationWarnings(conf)).toContain(ours(w));
        }
      });

      it('the warnings are scikit-learn\'s (precision, recall, F-score, balanced accuracy)', () => {
        const expected = [...c.precision_warnings, ...c.recall_warnings, ...c.f1_warnings].map(ours);
        expected.push(...c.balanced_accuracy_warnings.map((w) => `balanced accuracy: ${w}`));
        expect(classificationWarnings(conf)).toEqual(expected);
        expect(c.matthews_corrcoef_warnings).toEqual([]);
      });

      it('roc_auc_score and average_precision_score, with their errors and warnings', () => {
        if (c.roc_auc_error) {
          expect(m.roc_auc).toBeNull();
          expect(m.warnings).toContain(`ROC-AUC: ${c.roc_auc_error}`);
        } else expectClose(m.roc_auc!, c.roc_auc!, 1e-12, 0, 'roc_auc');
        expectClose(m.average_precision!, c.average_precision, 1e-12, 1e-15, 'average_precision');
        for (const w of c.average_precision_warnings) expect(m.warnings).toContain(`average precision: ${w}`);
        const rw = rankingWarnings(sweep.split!);
        expect(rw.length).toBe((c.roc_auc_error ? 1 : 0) + c.average_precision_warnings.length);
        expect(m.warnings).toEqual([...rw, ...classificationWarnings(conf)]);
      });

      it('roc_curve (drop_intermediate=True): the same points and thresholds', () => {
        const r = rocCurveFull(splitByLabel(scores, c.labels));
        expectAllClose(r.x, nums(c.roc_curve.fpr), 0, 0, 'fpr');
        expectAllClose(r.y, nums(c.roc_curve.tpr), 0, 0, 'tpr');
        expectAllClose(r.thresholds, nums(c.roc_curve.thresholds), 0, 0, 'thresholds');
      });

      it('precision_recall_curve: the same points and thresholds', () => {
        const p = prCurveFull(splitByLabel(scores, c.labels));
        expectAllClose(p.y, nums(c.pr_curve.precision), 0, 0, 'precision');
        expectAllClose(p.x, nums(c.pr_curve.recall), 0, 0, 'recall');
        // scikit-learn has no threshold for the last point (recall 0, precision 1)
        expectAllClose(p.thresholds.subarray(0, -1), nums(c.pr_curve.thresholds), 0, 0, 'thresholds');
        expect(p.thresholds[p.thresholds.length - 1]).toBeNaN();
      });
    });
  }
});

describe('degenerate cases, as scikit-learn 1.2.1', () => {
  it('one row, one hit: P = R = F1 = 1', () => {
    const m = new ThresholdSweep([0.3], [1]).metricsAt(0)!;
    expect([m.precision, m.recall, m.f1, m.fbeta, m.balanced_accuracy, m.matthews_corrcoef]).toEqual([1, 1, 1, 1, 1, 0]);
    expect(m.roc_auc).toBeNull();
    expect(m.average_precision).toBe(1);
  });

  it('thresholdForPositiveShare: nothing flagged without positives, everything with only positives', () => {
    const none = new ThresholdSweep([0.1, 0.5, 0.3], [0, 0, 0]);
    const a = none.thresholdForPositiveShare()!;
    expect(a.threshold).toBe(0.5);
    expect(none.flaggedAt(a.threshold)).toBe(0);
    expect(a.rule).toMatch(/nothing flagged/);
    const all = new ThresholdSweep([0.1, 0.5, 0.3], [1, 1, 1]);
    const b = all.thresholdForPositiveShare()!;
    expect(Number.isFinite(b.threshold)).toBe(true);
    expect(all.flaggedAt(b.threshold)).toBe(3);
    expect(b.rule).toMatch(/every row flagged/);
    const mixed = new ThresholdSweep([0.1, 0.5, 0.3, 0.9], [0, 1, 0, 1]);
    expect(mixed.thresholdForPositiveShare()!.threshold).toBe(mixed.thresholdForContamination(0.5));
    expect(new ThresholdSweep([1, 2]).thresholdForPositiveShare()).toBeNull();
  });

  it('nextDown is the largest double below x', () => {
    for (const x of [0.1, 1, -1, 1e300, -1e-300, 5e-324, 0.7]) {
      const d = nextDown(x);
      expect(d).toBeLessThan(x);
      expect((d + x) / 2 === d || (d + x) / 2 === x).toBe(true);
    }
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
    expect(nextDown(-Infinity)).toBe(-Infinity);
  });

  it('beta must be a number ≥ 0', () => {
    const s = new ThresholdSweep([1, 2], [0, 1]);
    expect(() => s.metricsAt(1.5, -1)).toThrow(/beta must be a number ≥ 0, got: -1/);
    expect(() => fbeta({ tp: 1, fp: 0, tn: 1, fn: 0 }, NaN)).toThrow(/got: NaN/);
  });

  it('binaryClfCurve counts rows at or above each distinct score', () => {
    const c = binaryClfCurve(splitByLabel([0.1, 0.4, 0.35, 0.8, 0.4], [0, 0, 1, 1, 1]));
    expect([...c.thresholds]).toEqual([0.8, 0.4, 0.35, 0.1]);
    expect([...c.tps]).toEqual([1, 2, 3, 3]);
    expect([...c.fps]).toEqual([0, 1, 1, 2]);
  });
});
