/**
 * scikit-learn 1.2.1's own LocalOutlierFactor tests (sklearn/neighbors/tests/test_lof.py),
 * ported to our CLI. Each test is named after the one it ports; data and
 * scikit-learn's values come from scripts/make_sklearn_port_fixtures.py
 * (tests/fixtures/sklearn_port.json). LOF is deterministic, so values are
 * compared, except on rows whose value depends on how ties between equally
 * distant neighbours are broken (listed by the fixture; predictions are compared
 * on every row).
 *
 * Our CLI's two modes: `score FILE` without --train is novelty=False (the
 * training rows' negative_outlier_factor_, score = −that); `score NEW --train
 * TRAIN` (or --model) is novelty=True (score_samples of new rows). --out writes
 * score (= LOF), is_anomaly, decision_function and score_samples.
 *
 * Not ported: the precomputed-metric half of test_lof_precomputed,
 * test_novelty_errors / test_hasattr_prediction (Python method availability),
 * test_novelty_true_common_tests (estimator checks), test_sparse,
 * test_lof_input_dtype_preservation (we compute in float64 only).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPort, expectRefused, refusalTitle } from './cli-port';
import { expectClose, fixture, nums, type JsonFloat } from './helpers';

interface Case { param: string; cli: string; python: string; refused: boolean; error?: string; message?: string; warnings?: string[]; n_neighbors_?: number; offset_?: number; negative_outlier_factor_?: number[] }
interface Outcome { refused: boolean; error?: string; message?: string }
interface Fx {
  iris: number[][];
  iris_lof_perm: number[];
  lof: {
    test_lof: { X: number[][]; negative_outlier_factor_: number[]; offset_auto: number; offset_025: number; fit_predict_025: number[] };
    test_lof_performance: { X_train: number[][]; X_test: number[][]; y_test: number[]; decision_function: number[]; score_samples: number[]; offset_: number; roc_auc: number };
    test_lof_values: { X_train: number[][]; s_0: number; s_1: number; clf1: LofValues; clf2: LofValues };
    test_lof_precomputed: { X: number[][]; Y: number[][]; pred_X_X: number[]; pred_X_Y: number[]; negative_outlier_factor_: number[]; decision_Y: number[]; offset_: number };
    test_n_neighbors_attribute: { n_neighbors_: number; warnings: string[] };
    test_score_samples: { X_train: number[][]; X_test: number[][]; clf1: { score_samples: number[]; decision_function: number[]; offset_: number }; clf2: { score_samples: number[]; decision_function: number[]; offset_: number } };
    test_novelty_training_scores: { negative_outlier_factor_novelty_false: JsonFloat[]; negative_outlier_factor_novelty_true: JsonFloat[]; score_samples_X: JsonFloat[]; ambiguous: number[] };
    test_predicted_outlier_number: { expected_outliers: number; contamination: number; num_outliers: number; offset_: number; predict: number[] }[];
    test_lof_dtype_equivalence: { X: number[][]; cases: { novelty: boolean; contamination: number | string; offset_: number; ambiguous: number[]; negative_outlier_factor_: number[]; negative_outlier_factor_32: number[]; predict?: number[]; score_samples?: number[]; decision_function?: number[]; fit_predict?: number[] }[] };
    one_row: Record<'auto' | 'novelty' | 'n_neighbors_1', Outcome>;
    constraints: { X: number[][]; cases: Case[] };
    n_neighbors_large: { n_neighbors_: number; negative_outlier_factor_: number[] };
  };
}
interface LofValues { negative_outlier_factor_: number[]; score_2_2: number[]; score_1_1: number[]; offset_: number }

const all = fixture<Fx>('sklearn_port.json');
const fx = all.lof;
const { dir, cli, cliAsync, csv, readOut, score, predict } = cliPort('lof', 'sklearn-lof-');
const SLOW = { timeout: 120_000 };
const REL = 1e-12;
function allClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = REL, abs = 0, skip: number[] = []): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const skipped = new Set(skip);
  for (let i = 0; i < expected.length; i++) if (!skipped.has(i)) expectClose(actual[i], expected[i], rel, abs, `${what}[${i}]`);
}

describe('scikit-learn test_lof.py, ported', () => {
  it('test_lof: the two far rows have the lowest negative_outlier_factor_; contamination 0.25 predicts them alone', SLOW, () => {
    const t = fx.test_lof;
    const file = csv(t.X);
    const a = score(file, '--param', 'n_neighbors=5');
    allClose(Array.from(a.out.score, (s) => -s), t.negative_outlier_factor_, 'negative_outlier_factor_ (= −score)');
    allClose(a.out.score_samples, t.negative_outlier_factor_, 'score_samples column (= negative_outlier_factor_)');
    const nof = Array.from(a.out.score, (s) => -s);
    expect(Math.min(...nof.slice(0, -2))).toBeGreaterThan(Math.max(...nof.slice(-2)));
    expect(a.json.model?.offset_).toBe(t.offset_auto);
    const b = score(file, '--param', 'n_neighbors=5', '--contamination', '0.25');
    expect(predict(b.out)).toEqual(t.fit_predict_025);
    expect(t.fit_predict_025).toEqual([1, 1, 1, 1, 1, 1, -1, -1]);
    expectClose(b.json.model?.offset_, t.offset_025, REL, 0, 'offset_ (contamination 0.25)');
  });

  it('test_lof_performance: novelty ROC-AUC > 0.99, decision_function and score_samples as scikit-learn\'s', SLOW, () => {
    const t = fx.test_lof_performance;
    const { json, out } = score(csv(t.X_test, t.y_test), '--train', csv(t.X_train), '--label', 'label');
    expect(json.metrics.roc_auc).toBeGreaterThan(0.99);
    expectClose(json.metrics.roc_auc, t.roc_auc, 1e-12, 0, 'roc_auc');
    allClose(out.decision_function, t.decision_function, 'decision_function', 1e-10, 1e-12);
    allClose(out.score_samples, t.score_samples, 'score_samples', 1e-10, 1e-12);
    expect(json.model?.offset_).toBe(t.offset_);
  });

  it('test_lof_values: negative_outlier_factor_ = [s_0, s_1, s_1]; score_samples([[2, 2]]) = −s_0, ([[1, 1]]) = −s_1 (one new row)', SLOW, () => {
    const t = fx.test_lof_values;
    const train = csv(t.X_train);
    for (const [clf, args] of [[t.clf1, ['--contamination', '0.1']], [t.clf2, []]] as const) {
      allClose(clf.negative_outlier_factor_, [-t.s_0, -t.s_1, -t.s_1], 'scikit-learn itself', 1e-7);
      const fit = score(train, '--param', 'n_neighbors=2', ...args);
      allClose(fit.out.score, [t.s_0, t.s_1, t.s_1], `training LOF ${args.join(' ')}`, 1e-7);
      allClose(Array.from(fit.out.score, (s) => -s), clf.negative_outlier_factor_, `negative_outlier_factor_ ${args.join(' ')}`);
      expectClose(fit.json.model?.offset_, clf.offset_, REL, 0, `offset_ ${args.join(' ')}`);
      const a = score(csv([[2.0, 2.0]]), '--train', train, '--param', 'n_neighbors=2', ...args);
      expect(a.json.rows).toBe(1);
      expectClose(a.out.score[0], t.s_0, 1e-7, 0, 'LOF of [2, 2]');
      expectClose(a.out.score_samples[0], clf.score_2_2[0], REL, 0, 'score_samples([[2, 2]])');
      const b = score(csv([[1.0, 1.0]]), '--train', train, '--param', 'n_neighbors=2', ...args);
      expectClose(b.out.score[0], t.s_1, 1e-7, 0, 'LOF of [1, 1]');
      expectClose(b.out.score_samples[0], clf.score_1_1[0], REL, 0, 'score_samples([[1, 1]])');
    }
  });

  it('test_lof_precomputed (feature-matrix half): predictions of the training rows and of 3 new rows, n_neighbors=3', SLOW, () => {
    const t = fx.test_lof_precomputed;
    const train = csv(t.X);
    const a = score(train, '--param', 'n_neighbors=3');
    expect(predict(a.out)).toEqual(t.pred_X_X);
    allClose(Array.from(a.out.score, (s) => -s), t.negative_outlier_factor_, 'negative_outlier_factor_');
    const b = score(csv(t.Y), '--train', train, '--param', 'n_neighbors=3');
    expect(predict(b.out)).toEqual(t.pred_X_Y);
    allClose(b.out.decision_function, t.decision_Y, 'decision_function(Y)', 1e-10, 1e-12);
  });

  it('test_n_neighbors_attribute: n_neighbors=500 on iris becomes n_neighbors_ = 149, with a warning', SLOW, () => {
    const t = fx.test_n_neighbors_attribute;
    expect(t.warnings[0]).toMatch(/n_neighbors will be set to \(n_samples - 1\)/);
    const { json } = score(csv(all.iris), '--param', 'n_neighbors=500');
    expect(json.model?.n_neighbors_).toBe(t.n_neighbors_);
    expect((json.warnings as string[]).filter((w) => /n_neighbors/.test(w) && /500/.test(w) && /149/.test(w)), `warnings: ${json.warnings}`).toHaveLength(1);
  });

  it('test_score_samples: score_samples of one new row = decision_function + offset_, equal with contamination 0.1 and \'auto\'', SLOW, () => {
    const t = fx.test_score_samples;
    const train = csv(t.X_train);
    const test = csv(t.X_test);
    const one = score(test, '--train', train, '--param', 'n_neighbors=2', '--contamination', '0.1');
    const two = score(test, '--train', train, '--param', 'n_neighbors=2');
    for (const [r, clf] of [[one, t.clf1], [two, t.clf2]] as const) {
      expectClose(r.out.score_samples[0], r.out.decision_function[0] + r.json.model?.offset_, 1e-15, 1e-15, 'score_samples = decision_function + offset_');
      expectClose(r.out.score_samples[0], clf.score_samples[0], REL, 0, 'score_samples');
      expectClose(r.out.decision_function[0], clf.decision_function[0], 1e-10, 1e-15, 'decision_function');
      expectClose(r.json.model?.offset_, clf.offset_, REL, 0, 'offset_');
    }
    expect(one.out.score_samples[0]).toBe(two.out.score_samples[0]);
  });

  it('test_novelty_training_scores: negative_outlier_factor_ of iris is the same fitted for novelty or not; novelty scores of iris as scikit-learn\'s', SLOW, () => {
    const t = fx.test_novelty_training_scores;
    const X = fx_iris();
    const file = csv(X);
    const fit = score(file);
    const want = nums(t.negative_outlier_factor_novelty_false);
    allClose(nums(t.negative_outlier_factor_novelty_true), want, 'scikit-learn itself');
    allClose(Array.from(fit.out.score, (s) => -s), want, 'negative_outlier_factor_', REL, 0, t.ambiguous);
    // The model fitted on iris, saved, scores iris as novelty=True's score_samples(X).
    const model = join(dir, 'iris-lof.json');
    const saved = score(file, '--save-model', model);
    expect(Array.from(saved.out.score)).toEqual(Array.from(fit.out.score));
    const nov = score(file, '--model', model);
    allClose(nov.out.score_samples, nums(t.score_samples_X), 'score_samples(X) (novelty)', REL, 0, t.ambiguous);
    const nov2 = score(file, '--train', file);
    expect(Array.from(nov2.out.score)).toEqual(Array.from(nov.out.score));
  });

  for (const t of fx.test_predicted_outlier_number) {
    it(`test_predicted_outlier_number[${t.expected_outliers}]: contamination ${t.expected_outliers}/150 on iris flags what scikit-learn's fit_predict does (${t.num_outliers}; ties)`, SLOW, () => {
      const { json, out } = score(csv(fx_iris()), '--contamination', String(t.contamination));
      expectClose(json.model?.offset_, t.offset_, REL, 0, 'offset_');
      expect(json.flagged).toBe(t.num_outliers);
      expect(predict(out)).toEqual(t.predict);
    });
  }

  it('test_lof_dtype_equivalence: on iris[:50] + iris[-5:] rounded to float32, novelty or not, contamination 0.5 or \'auto\', as scikit-learn in float64', SLOW, () => {
    const t = fx.test_lof_dtype_equivalence;
    const file = csv(t.X);
    for (const c of t.cases) {
      const what = `novelty=${c.novelty} contamination=${c.contamination}`;
      allClose(c.negative_outlier_factor_32, c.negative_outlier_factor_, `${what}: scikit-learn float32 vs float64`, 1e-5);
      if (c.novelty) {
        const { json, out } = score(file, '--train', file, '--contamination', String(c.contamination));
        expectClose(json.model?.offset_, c.offset_, REL, 0, `${what}: offset_`);
        allClose(out.score_samples, c.score_samples!, `${what}: score_samples`, 1e-10, 0, c.ambiguous);
        allClose(out.decision_function, c.decision_function!, `${what}: decision_function`, 1e-10, 1e-12, c.ambiguous);
        expect(predict(out), what).toEqual(c.predict);
      } else {
        const { json, out } = score(file, '--contamination', String(c.contamination));
        expectClose(json.model?.offset_, c.offset_, REL, 0, `${what}: offset_`);
        allClose(Array.from(out.score, (s) => -s), c.negative_outlier_factor_, `${what}: negative_outlier_factor_`, 1e-10, 0, c.ambiguous);
        expect(predict(out), what).toEqual(c.fit_predict);
      }
    }
  });

  it('fewer than 2 training rows are refused with scikit-learn\'s reason (Expected n_neighbors <= n_samples)', SLOW, () => {
    const o = fx.one_row;
    for (const k of ['auto', 'novelty', 'n_neighbors_1'] as const) expect(o[k].refused).toBe(true);
    expect(o.auto.message).toMatch(/Expected n_neighbors <= n_samples,\s+but n_samples = 1, n_neighbors = 2/);
    const one = csv([[1.0, 2.0]]);
    const runs = [cli('score', one, '--detector', 'lof', '--json'), cli('score', one, '--detector', 'lof', '--param', 'n_neighbors=1', '--json'),
      cli('score', csv([[1.0, 2.0], [3.0, 4.0]]), '--train', one, '--detector', 'lof', '--json')];
    for (const r of runs) {
      expect(r.status, r.stderr).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Expected n_neighbors <= n_samples,\s+but n_samples = 1, n_neighbors = 2/);
    }
  });
});

describe('scikit-learn estimator_checks.check_estimators_pickle, as --save-model / --model', () => {
  it('a saved LocalOutlierFactor (novelty) scores new rows identically and reports the same fitted attributes', SLOW, () => {
    const t = fx.test_lof_performance;
    const model = join(dir, 'pickle.json');
    const test = csv(t.X_test);
    const a = score(test, '--train', csv(t.X_train), '--contamination', '0.1', '--save-model', model);
    const b = score(test, '--model', model);
    for (const col of ['score', 'is_anomaly', 'decision_function', 'score_samples']) expect(Array.from(b.out[col]), col).toEqual(Array.from(a.out[col]));
    for (const key of ['offset_', 'n_neighbors_']) expect(b.json.model?.[key], `model.${key}`).toBe(a.json.model?.[key]);
    expect(b.json.threshold).toBe(a.json.threshold);
  });
});

/** Values scikit-learn accepts that we refuse on purpose (README, "Deliberate differences"): more than 100,000 neighbours. */
const DELIBERATE = new Set(['n_neighbors=100001']);

describe('scikit-learn LocalOutlierFactor._parameter_constraints, through --param', () => {
  let file = '';
  const data = () => (file ||= csv(fx.constraints.X));
  for (const c of fx.constraints.cases) {
    const refused = refusalTitle(c, DELIBERATE);
    if (refused) {
      it.concurrent(refused, SLOW, async () => {
        const r = await cliAsync('score', data(), '--detector', 'lof', '--param', `${c.param}=${c.cli}`, '--json');
        expectRefused(r, c.param, c.cli);
      });
    } else {
      it.concurrent(`accepts ${c.param}=${c.cli} (n_neighbors_ ${c.n_neighbors_}), negative_outlier_factor_ as scikit-learn's`, SLOW, async () => {
        const r = await cliAsync('score', data(), '--detector', 'lof', '--param', `${c.param}=${c.cli}`, '--json', '--out', join(dir, `c-${c.param}-${c.cli}.csv`));
        expect(r.status, r.stderr).toBe(0);
        const json = JSON.parse(r.stdout);
        expect(json.model?.n_neighbors_).toBe(c.n_neighbors_);
        expectClose(json.model?.offset_, c.offset_!, REL, 0, 'offset_');
        const out = readOut(join(dir, `c-${c.param}-${c.cli}.csv`));
        allClose(Array.from(out.score, (s) => -s), c.negative_outlier_factor_!, 'negative_outlier_factor_');
        // scikit-learn warns when n_neighbors is clipped to n_samples − 1.
        expect((json.warnings as string[]).some((w) => /n_neighbors/.test(w)), `warnings ${json.warnings}`).toBe((c.warnings ?? []).some((w) => /n_neighbors/.test(w)));
      });
    }
  }
});

/** iris permuted as test_lof.py does at import (check_random_state(0).permutation). */
function fx_iris(): number[][] {
  return all.iris_lof_perm.map((i) => all.iris[i]);
}
