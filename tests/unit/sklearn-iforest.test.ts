/**
 * scikit-learn 1.2.1's own IsolationForest tests (sklearn/ensemble/tests/test_iforest.py),
 * ported to our CLI and core API. Each test is named after the one it ports; the
 * data and scikit-learn's answers come from scripts/make_sklearn_port_fixtures.py
 * (tests/fixtures/sklearn_port.json). Our random stream is not numpy's, so where
 * scikit-learn's outcome depends on its draws we assert the property its test
 * asserts (all inliers, the outliers ranked first, ROC-AUC above the bound);
 * where it does not (max_samples_, offset_ 'auto', degenerate forests, parameter
 * validation) we compare values.
 *
 * Not ported: test_iforest_sparse (no sparse input), test_iforest_warm_start (no
 * warm_start), test_iforest_with_n_jobs_does_not_segfault (sparse, n_jobs),
 * test_base_estimator_property_deprecated (no estimator attribute).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averagePathLength, iforest } from '../../src/core/detectors/iforest';
import { resolveParams } from '../../src/core/detectors/params';
import { fromRows, sliceRows } from '../../src/core/data/matrix';
import { parseCsvString } from '../../src/core/data/csv';
import { cliPort, expectRefused, refusalTitle } from './cli-port';
import { expectClose, fixture, nums, type JsonFloat } from './helpers';

interface Case { param: string; cli: string; python: string; refused: boolean; error?: string; message?: string; warnings?: string[]; max_samples_?: number }
interface Fx {
  iris: number[][];
  diabetes: number[][];
  global_random_seed: number;
  iforest: {
    test_iforest: { X_train: number[][]; X_test: number[][]; grid: { max_samples: string; bootstrap: boolean; max_samples_: number; predict: number[]; score_samples: number[]; decision_function: number[] }[] };
    test_iforest_error: { warn_1000: string[]; warn_auto: string[]; warn_2: string[]; feature_mismatch: string };
    test_recalculate_max_depth: { max_depth: number[] };
    test_max_samples_attribute: { cli: string; max_samples_: number }[];
    test_iforest_parallel_regression: { train: number[]; test: number[] };
    test_iforest_performance: { seed: number; X_train: number[][]; X_test: number[][]; y_test: number[]; roc_auc: number }[];
    test_iforest_works: { X: number[][]; results: Record<string, { predict: number[]; decision_function: number[]; offset_: number }> };
    test_iforest_subsampled_features: { train: number[]; test: number[] };
    test_iforest_average_path_length: { n: number[]; c: number[]; result_one: number; result_two: number; arange5: number[] };
    test_score_samples: { X_train: number[][]; X_test: number[][]; clf1: ScoreSamples; clf2: ScoreSamples };
    test_iforest_with_uniform_data: Record<'ones' | 'repeated' | 'single', { train: number[][]; tests: Record<string, number[][]>; predict: Record<string, number[]>; score_samples: Record<string, JsonFloat[]>; max_samples_?: number }>;
    max_samples_one: { X_train: number[][]; X_test: number[][]; max_samples_: number; score_samples: number[]; decision_function: number[]; predict: number[] };
    bootstrap_two_rows: { X_train: number[][]; X_test: number[][]; n_estimators: number; score_samples_seeds_0_19: number[]; min: number; max: number };
    constraints: { X: number[][]; cases: Case[] };
  };
}
interface ScoreSamples { contamination: number | string; score_samples: number[]; decision_function: number[]; offset_: number; max_samples_: number }

const all = fixture<Fx>('sklearn_port.json');
const fx = all.iforest;
const SEED = String(all.global_random_seed);
const { dir, cli, cliAsync, csv, score, predict } = cliPort('iforest', 'sklearn-iforest-');
const SLOW = { timeout: 120_000 };
const defaults = (over: Record<string, unknown> = {}) => resolveParams(iforest.params, over, 'iforest');
const iris = all.iris;

describe('scikit-learn test_iforest.py, ported', () => {
  it('test_iforest: every grid point (n_estimators=3, max_samples 0.5 | 1.0 | 3, bootstrap) fits on 2 rows and predicts', SLOW, () => {
    const train = csv(fx.test_iforest.X_train);
    const test = csv(fx.test_iforest.X_test);
    for (const g of fx.test_iforest.grid) {
      const what = `max_samples=${g.max_samples} bootstrap=${g.bootstrap}`;
      const { json, out } = score(test, '--train', train, '--seed', SEED, '--param', 'n_estimators=3', '--param', `max_samples=${g.max_samples}`, '--param', `bootstrap=${g.bootstrap}`);
      expect(json.model?.max_samples_, `${what}: max_samples_`).toBe(g.max_samples_);
      for (const v of out.score) expect(Number.isFinite(v), `${what}: finite scores, got ${Array.from(out.score)}`).toBe(true);
      for (const v of out.is_anomaly) expect([0, 1]).toContain(v);
      // Without bootstrap the forest is deterministic here (one row per tree, or both rows split at depth 1): score_samples −0.5, decision 0, inliers.
      if (!g.bootstrap) {
        expect(Array.from(out.score_samples), `${what}: score_samples`).toEqual(g.score_samples);
        expect(Array.from(out.decision_function), `${what}: decision_function`).toEqual(g.decision_function);
        expect(predict(out), `${what}: predict`).toEqual(g.predict);
      }
    }
  });

  it('test_iforest: max_samples=0.5 on 2 rows resolves to 1 row per tree: score_samples −0.5, decision_function 0, inliers (not NaN)', SLOW, () => {
    const m = fx.max_samples_one;
    for (const bootstrap of ['false', 'true']) {
      const { json, out } = score(csv(m.X_test), '--train', csv(m.X_train), '--param', 'max_samples=0.5', '--param', `bootstrap=${bootstrap}`);
      expect(json.model?.max_samples_).toBe(m.max_samples_);
      expect(Array.from(out.score_samples)).toEqual(m.score_samples);
      expect(Array.from(out.decision_function)).toEqual(m.decision_function);
      expect(Array.from(out.score)).toEqual(m.score_samples.map((s) => -s));
      expect(predict(out)).toEqual(m.predict);
      expect(json.flagged).toBe(0);
    }
  });

  it('test_iforest: with bootstrap, a tree whose draw repeats one row is grown on that one row (scikit-learn\'s sample weights), so its path length is 0', SLOW, () => {
    // scikit-learn passes a bootstrap draw as sample weights: a leaf counts distinct rows
    // (n_node_samples), so on 2 rows about half the trees hold one row and score path 0.
    // Over seeds 0..19 with 100 trees its score_samples lie in [min, max] (about −2^(−1/2)).
    const b = fx.bootstrap_two_rows;
    const train = csv(b.X_train);
    const test = csv(b.X_test);
    for (const seed of ['0', '1', '2']) {
      const { out } = score(test, '--train', train, '--seed', seed, '--param', `n_estimators=${b.n_estimators}`, '--param', 'max_samples=2', '--param', 'bootstrap=true');
      for (const s of out.score_samples) {
        expect(s, `seed ${seed}: score_samples (scikit-learn ${b.min} … ${b.max})`).toBeGreaterThanOrEqual(b.min - 0.03);
        expect(s).toBeLessThanOrEqual(b.max + 0.03);
      }
    }
  });

  it('test_iforest_error: max_samples > rows warns and uses all rows; \'auto\' and 2 do not warn; scoring other columns fails', SLOW, () => {
    const e = fx.test_iforest_error;
    const file = csv(iris);
    const big = score(file, '--param', 'max_samples=1000');
    expect(e.warn_1000[0]).toMatch(/max_samples \(1000\) is greater than the total number of samples \(150\)/);
    const w = (big.json.warnings as string[]).filter((s) => /max_samples/.test(s));
    expect(w, 'a max_samples warning').toHaveLength(1);
    expect(w[0]).toMatch(/1000/);
    expect(w[0]).toMatch(/150/);
    expect(big.json.model?.max_samples_).toBe(150);
    for (const ms of ['auto', '2']) {
      const r = score(file, '--param', `max_samples=${ms}`);
      expect((r.json.warnings as string[]).filter((s) => /max_samples/.test(s)), `max_samples=${ms}`).toEqual([]);
    }
    // predict(X[:, 1:]) with a model fitted on 4 columns: scikit-learn raises "X has 3 features, but IsolationForest is expecting 4".
    expect(e.feature_mismatch).toMatch(/X has 3 features, but IsolationForest is expecting 4/);
    const model = join(dir, 'iris-iforest.json');
    expect(cli('score', file, '--detector', 'iforest', '--save-model', model).status).toBe(0);
    const three = csv(iris.map((r) => r.slice(1)));
    const r = cli('score', three, '--model', model, '--json');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const r2 = cli('score', three, '--model', model, '--columns', 'x0,x1,x2', '--json');
    expect(r2.status, r2.stderr).toBe(2);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
    expect(r2.stderr).toMatch(/4/);
    expect(r2.stderr).toMatch(/3/);
  });

  it('test_recalculate_max_depth: on iris (150 rows) every tree\'s depth limit is ceil(log2(150)) = 8', SLOW, () => {
    const model = join(dir, 'depth.json');
    const { json } = score(csv(iris), '--save-model', model);
    expect(fx.test_recalculate_max_depth.max_depth).toEqual([8]);
    expect(json.model?.max_depth).toBe(8);
    expect(JSON.parse(readFileSync(model, 'utf8')).state.maxDepth).toBe(8);
  });

  it('test_max_samples_attribute: max_samples_ is 150 (auto), 150 (500, with a warning), 60 (0.4) on iris', SLOW, () => {
    const file = csv(iris);
    for (const c of fx.test_max_samples_attribute) {
      const { json } = score(file, '--param', `max_samples=${c.cli}`);
      expect(json.model?.max_samples_, `max_samples=${c.cli}`).toBe(c.max_samples_);
      expect((json.warnings as string[]).some((s) => /max_samples/.test(s)), `warning for max_samples=${c.cli}`).toBe(c.cli === '500');
    }
  });

  it('test_max_samples_consistency: the reported max_samples_ is the one the trees were grown with', SLOW, () => {
    const model = join(dir, 'consistency.json');
    const { json } = score(csv(iris), '--save-model', model);
    expect(json.model?.max_samples_).toBe(JSON.parse(readFileSync(model, 'utf8')).state.maxSamples);
  });

  it('test_iforest_parallel_regression: predictions on diabetes do not depend on how scoring is split (fit then --model, one call, chunks)', SLOW, async () => {
    const p = fx.test_iforest_parallel_regression;
    const X = all.diabetes;
    const train = csv(p.train.map((i) => X[i]));
    const test = csv(p.test.map((i) => X[i]));
    const model = join(dir, 'diabetes.json');
    const a = score(test, '--train', train, '--seed', SEED, '--save-model', model);
    const b = score(test, '--model', model);
    expect(Array.from(b.out.score)).toEqual(Array.from(a.out.score));
    expect(predict(b.out)).toEqual(predict(a.out));
    const m = await iforest.fit(fromRows(p.train.map((i) => X[i])), defaults(), { seed: Number(SEED) });
    const Xt = fromRows(p.test.map((i) => X[i]));
    const whole = await m.score(Xt);
    expect(Array.from(whole)).toEqual(Array.from(a.out.score));
    const parts: number[] = [];
    for (let s = 0; s < Xt.rows; s += 7) parts.push(...(await m.score(sliceRows(Xt, s, Math.min(Xt.rows, s + 7)))));
    expect(parts).toEqual(Array.from(whole));
  });

  it('test_iforest_performance: ROC-AUC > 0.98 on novel uniform outliers against two blobs (max_samples=100)', SLOW, async () => {
    for (const d of fx.test_iforest_performance) {
      expect(d.roc_auc, 'scikit-learn itself').toBeGreaterThan(0.98);
      const { json } = score(csv(d.X_test, d.y_test), '--train', csv(d.X_train), '--param', 'max_samples=100', '--seed', String(d.seed), '--label', 'label');
      expect(json.metrics.roc_auc, `data of seed ${d.seed}`).toBeGreaterThan(0.98);
    }
    // Over more of our seeds on the first data set (core API).
    const d = fx.test_iforest_performance[0];
    const Xtr = fromRows(d.X_train);
    const Xte = fromRows(d.X_test);
    for (let seed = 0; seed < 10; seed++) {
      const m = await iforest.fit(Xtr, defaults({ max_samples: 100 }), { seed });
      const s = await m.score(Xte);
      expect(auc(s, d.y_test), `seed ${seed}`).toBeGreaterThan(0.98);
    }
  });

  for (const contamination of ['0.25', 'auto']) {
    it(`test_iforest_works[contamination=${contamination}]: the two far rows score highest and are the only outliers`, SLOW, async () => {
      const X = fx.test_iforest_works.X;
      expect(fx.test_iforest_works.results[contamination === 'auto' ? 'auto' : '0.25'].predict).toEqual([1, 1, 1, 1, 1, 1, -1, -1]);
      const { json, out } = score(csv(X), '--seed', SEED, '--contamination', contamination);
      const neg = Array.from(out.decision_function, (v) => -v);
      expect(Math.min(...neg.slice(-2))).toBeGreaterThan(Math.max(...neg.slice(0, -2)));
      expect(predict(out)).toEqual([1, 1, 1, 1, 1, 1, -1, -1]);
      if (contamination === 'auto') expect(json.model?.offset_).toBe(-0.5);
      // scikit-learn's test runs for any global_random_seed: ours over seeds 0..29.
      const M = fromRows(X);
      for (let seed = 0; seed < 30; seed++) {
        const m = await iforest.fit(M, defaults({ contamination }), { seed });
        const dec = await m.decisionFunction!(M);
        const neg2 = Array.from(dec, (v) => -v);
        expect(Math.min(...neg2.slice(-2)), `seed ${seed}`).toBeGreaterThan(Math.max(...neg2.slice(0, -2)));
        expect(Array.from(dec, (v) => (v < 0 ? -1 : 1)), `seed ${seed}: predict`).toEqual([1, 1, 1, 1, 1, 1, -1, -1]);
      }
    });
  }

  for (const [name, chunk] of [['test_iforest_chunks_works1', 3], ['test_iforest_chunks_works2', 10]] as const) {
    for (const contamination of ['0.25', 'auto']) {
      it(`${name}[contamination=${contamination}]: scoring in chunks of ${chunk} rows gives the same predictions`, async () => {
        const M = fromRows(fx.test_iforest_works.X);
        for (let seed = 0; seed < 10; seed++) {
          const m = await iforest.fit(M, defaults({ contamination }), { seed });
          const whole = await m.decisionFunction!(M);
          const parts: number[] = [];
          for (let s = 0; s < M.rows; s += chunk) parts.push(...(await m.decisionFunction!(sliceRows(M, s, Math.min(M.rows, s + chunk)))));
          expect(parts).toEqual(Array.from(whole));
          expect(parts.map((v) => (v < 0 ? -1 : 1)), `seed ${seed}`).toEqual([1, 1, 1, 1, 1, 1, -1, -1]);
        }
      });
    }
  }

  it('test_iforest_subsampled_features: max_features=0.8 fits and predicts on diabetes[:50]', SLOW, () => {
    const p = fx.test_iforest_subsampled_features;
    const X = all.diabetes;
    const { json, out } = score(csv(p.test.map((i) => X[i])), '--train', csv(p.train.map((i) => X[i])), '--param', 'max_features=0.8');
    expect(json.params.max_features).toBe('0.8');
    expect(out.score.length).toBe(p.test.length);
    for (const v of out.score) expect(Number.isFinite(v)).toBe(true);
  });

  it('test_iforest_average_path_length: c(0) = c(1) = 0, c(2) = 1, c(5), c(999) as scikit-learn; increasing', () => {
    const a = fx.test_iforest_average_path_length;
    a.n.forEach((n, i) => expectClose(averagePathLength(n), a.c[i], 1e-15, 0, `c(${n})`));
    expectClose(averagePathLength(5), a.result_one, 1e-15, 0, 'c(5)');
    expectClose(averagePathLength(999), a.result_two, 1e-15, 0, 'c(999)');
    const c = [0, 1, 2, 3, 4].map(averagePathLength);
    expect(c).toEqual([...c].sort((x, y) => x - y));
    c.forEach((v, i) => expectClose(v, a.arange5[i], 1e-15, 0, `arange c(${i})`));
  });

  it('test_score_samples: score_samples of one new row = decision_function + offset_, the same with contamination 0.1 and \'auto\'', SLOW, () => {
    const t = fx.test_score_samples;
    const train = csv(t.X_train);
    const test = csv(t.X_test);
    const one = score(test, '--train', train, '--seed', SEED, '--contamination', '0.1');
    const two = score(test, '--train', train, '--seed', SEED);
    for (const r of [one, two]) {
      expect(r.json.rows).toBe(1);
      expect(r.json.model?.max_samples_).toBe(t.clf1.max_samples_);
      expectClose(r.out.score_samples[0], r.out.decision_function[0] + r.json.model?.offset_, 0, 1e-15, 'score_samples = decision_function + offset_');
    }
    expect(two.json.model?.offset_).toBe(t.clf2.offset_);
    expect(one.out.score_samples[0]).toBe(two.out.score_samples[0]);
  });

  it('test_iforest_with_uniform_data: constant data, a repeated row and a single row predict inliers everywhere', SLOW, () => {
    const u = fx.test_iforest_with_uniform_data;
    for (const key of ['ones', 'repeated', 'single'] as const) {
      const d = u[key];
      const model = join(dir, `uniform-${key}.json`);
      const fit = score(csv(d.tests.X), '--train', csv(d.train), '--save-model', model);
      if (d.max_samples_ !== undefined) expect(fit.json.model?.max_samples_, `${key}: max_samples_`).toBe(d.max_samples_);
      for (const [name, rows] of Object.entries(d.tests)) {
        expect(d.predict[name].every((p) => p === 1), `scikit-learn ${key}/${name}`).toBe(true);
        const { out } = score(csv(rows), '--model', model);
        expect(predict(out).every((p) => p === 1), `${key}: predict(${name}) all inliers; is_anomaly ${Array.from(out.is_anomaly).join('')}`).toBe(true);
        // Every tree is a single leaf here, so score_samples is deterministic: −0.5 (scikit-learn's to rounding).
        const want = nums(d.score_samples[name]);
        out.score_samples.forEach((s, i) => expectClose(s, want[i], 1e-12, 0, `${key}/${name} score_samples[${i}]`));
      }
    }
  });
});

describe('scikit-learn estimator_checks.check_estimators_pickle, as --save-model / --model', () => {
  it('a saved IsolationForest scores the same rows identically and reports the same fitted attributes', SLOW, () => {
    const t = fx.test_score_samples;
    const model = join(dir, 'pickle.json');
    const test = csv([...t.X_test, ...t.X_train]);
    const a = score(test, '--train', csv(t.X_train), '--contamination', '0.1', '--save-model', model);
    const b = score(test, '--model', model);
    for (const col of ['score', 'is_anomaly', 'decision_function', 'score_samples']) expect(Array.from(b.out[col]), col).toEqual(Array.from(a.out[col]));
    for (const key of ['offset_', 'max_samples_', 'max_depth', 'n_estimators']) expect(b.json.model?.[key], `model.${key}`).toBe(a.json.model?.[key]);
    expect(b.json.threshold).toBe(a.json.threshold);
  });
});

/** Values scikit-learn accepts that we refuse on purpose (README, "Deliberate differences"): max_features < 1, more than 10,000 trees. */
const DELIBERATE = new Set(['max_features=0', 'max_features=-1', 'n_estimators=10001']);

describe('scikit-learn IsolationForest._parameter_constraints, through --param', () => {
  const X = fx.constraints.X;
  let file = '';
  const data = () => (file ||= csv(X));
  for (const c of fx.constraints.cases) {
    const refused = refusalTitle(c, DELIBERATE);
    if (refused) {
      it.concurrent(refused, SLOW, async () => {
        const r = await cliAsync('score', data(), '--detector', 'iforest', '--param', `${c.param}=${c.cli}`, '--json');
        expectRefused(r, c.param, c.cli);
      });
    } else {
      it.concurrent(`accepts ${c.param}=${c.cli}${c.max_samples_ !== undefined ? ` (max_samples_ ${c.max_samples_})` : ''}`, SLOW, async () => {
        const r = await cliAsync('score', data(), '--detector', 'iforest', '--param', `${c.param}=${c.cli}`, '--json');
        expect(r.status, r.stderr).toBe(0);
        const json = JSON.parse(r.stdout);
        if (c.max_samples_ !== undefined) expect(json.model?.max_samples_).toBe(c.max_samples_);
      });
    }
  }
  it('accepts max_features=1 as the int 1: every tree splits on one feature only (not 1.0 = all features)', SLOW, () => {
    const model = join(dir, 'max-features-1.json');
    const r = cli('score', csv(all.iris), '--detector', 'iforest', '--param', 'max_features=1', '--save-model', model, '--json');
    expect(r.status, r.stderr).toBe(0);
    const f = JSON.parse(readFileSync(model, 'utf8')).state.forest as { offsets: number[]; feature: number[] };
    let wide = 0;
    for (let t = 0; t + 1 < f.offsets.length; t++) {
      const used = new Set(f.feature.slice(f.offsets[t], f.offsets[t + 1]).filter((x) => x >= 0));
      if (used.size > 1) wide++;
    }
    expect(wide, `trees splitting on more than one of iris' 4 features (of ${f.offsets.length - 1})`).toBe(0);
  });
});

/** ROC-AUC with ties counted half. */
function auc(scores: ArrayLike<number>, y: number[]): number {
  let pos = 0;
  let neg = 0;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    pos++;
    for (let j = 0; j < y.length; j++) {
      if (y[j] === 1) continue;
      sum += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  for (const v of y) if (v !== 1) neg++;
  return sum / (pos * neg);
}

