/**
 * HalfSpaceTrees (src/core/stream/half-space-trees.ts): seeded determinism, the first window's
 * zeros, an outlier against inliers, the [0, 1] range, save/load continuing identically, small
 * trees worked by hand from River's definition, and River's own trees and scores (hst.json, from
 * scripts/make_stream_fixtures.py's port of river/anomaly/hst.py).
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random.js';
import { HST_DEFAULTS, HalfSpaceTrees, type HalfSpaceTreesJSON } from '../../src/core/stream/half-space-trees.js';
import { fixture } from './helpers.js';
import { matrix, type Matrix } from '../../src/core/data/matrix.js';
import { halfSpaceTrees } from '../../src/core/detectors/half-space-trees.js';
import { resolveParams } from '../../src/core/detectors/params.js';
import { loadModel } from '../../src/core/detectors/registry.js';
import { fitThreshold } from '../../src/core/detectors/threshold.js';

/** n rows of d N(0, 1) features, row-major. */
function gaussianRows(n: number, d: number, seed: number): number[][] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}

/** Score then learn every row (River's order); the scores. */
function run(hst: HalfSpaceTrees, rows: number[][]): number[] {
  return rows.map((x) => {
    const s = hst.scoreOne(x);
    hst.learnOne(x);
    return s;
  });
}

describe('HalfSpaceTrees', () => {
  it("River's defaults: 10 trees of height 8, window 250", () => {
    expect(HST_DEFAULTS).toMatchObject({ n_trees: 10, height: 8, window_size: 250 });
    const hst = new HalfSpaceTrees(2);
    expect([hst.nTrees, hst.height, hst.windowSize]).toEqual([10, 8, 250]);
  });

  it('the same seed gives the same scores; another seed other scores', () => {
    const rows = gaussianRows(1200, 3, 1);
    const a = run(new HalfSpaceTrees(3, { seed: 7 }), rows);
    const b = run(new HalfSpaceTrees(3, { seed: 7 }), rows);
    const c = run(new HalfSpaceTrees(3, { seed: 8 }), rows);
    expect(b).toEqual(a);
    expect(c.slice(250)).not.toEqual(a.slice(250));
  });

  it('scores 0 throughout the first window, then not', () => {
    const rows = gaussianRows(600, 2, 2);
    const s = run(new HalfSpaceTrees(2, { window_size: 250 }), rows);
    expect(s.slice(0, 250).every((v) => v === 0)).toBe(true);
    expect(s.slice(250).some((v) => v > 0)).toBe(true);
  });

  it('after warm-up obvious outliers score above the 90th percentile of 500 inliers, one far out in both features above the 99th', () => {
    // Half-space splits are axis-parallel and the trees shallow (mass < 25 stops the walk), so a point
    // far out in one feature only shares its cells with the inliers' tail whenever the split is on
    // the other feature: it ranks high, not necessarily first (measured: [−6, 0] at 0.979, inliers'
    // 90th / 99th percentiles 0.971 / 0.988, [6, 6] at 0.992).
    const hst = new HalfSpaceTrees(2, { seed: 3 });
    run(hst, gaussianRows(2000, 2, 4));
    const inliers = gaussianRows(500, 2, 5).map((x) => hst.scoreOne(x)).sort((a, b) => a - b);
    const p90 = inliers[449];
    const p99 = inliers[494];
    for (const outlier of [[6, 6], [-6, 0], [0, 7], [4, -4]]) {
      expect(hst.scoreOne(outlier), `outlier ${outlier}`).toBeGreaterThan(p90);
    }
    expect(hst.scoreOne([6, 6])).toBeGreaterThan(p99);
    expect(hst.scoreOne([0, 0])).toBeLessThan(inliers[250]);
  });

  it('scores lie in [0, 1], outliers and values far beyond the range learnt included', () => {
    const hst = new HalfSpaceTrees(2, { seed: 9, window_size: 50 });
    const rng = new Random(10);
    for (let i = 0; i < 3000; i++) {
      const x = i % 97 === 0 ? [rng.normal() * 1e6, -1e9] : [rng.normal(), rng.normal()];
      const s = hst.scoreOne(x);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      hst.learnOne(x);
    }
  });

  it('toJSON → JSON → fromJSON continues the stream identically (mid-window, after several pivots)', () => {
    const rows = gaussianRows(1500, 3, 11);
    const a = new HalfSpaceTrees(3, { seed: 12, window_size: 100, height: 6, n_trees: 5 });
    run(a, rows.slice(0, 737));
    const b = HalfSpaceTrees.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(run(b, rows.slice(737))).toEqual(run(a, rows.slice(737)));
  });

  it('fromJSON refuses a tampered state with the field named', () => {
    const good = new HalfSpaceTrees(2, { n_trees: 2, height: 2, window_size: 10 });
    run(good, gaussianRows(15, 2, 1));
    const json = good.toJSON();
    const bad = (over: Partial<HalfSpaceTreesJSON>) => () => HalfSpaceTrees.fromJSON({ ...json, ...over });
    expect(bad({ split_feature: json.split_feature.map(() => 5) })).toThrow(/split_feature must be 6 integers in \[0, 1\]/);
    expect(bad({ r_mass: json.r_mass.slice(1) })).toThrow(/r_mass must be 14 integers/);
    expect(bad({ counter: 10 })).toThrow(/counter must be an integer in \[0, 9\]/);
    expect(bad({ min: [], max: [] })).toThrow(/min and max are missing/);
    expect(() => HalfSpaceTrees.fromJSON({ kind: 'lof' })).toThrow(/not a HalfSpaceTrees state/);
  });

  it('reset() forgets everything: it then scores as a fresh one with the same seed', () => {
    const rows = gaussianRows(900, 2, 13);
    const a = new HalfSpaceTrees(2, { seed: 14 });
    run(a, gaussianRows(700, 2, 15).map((x) => [x[0] * 10 + 5, x[1]]));
    a.reset();
    expect(a.warmedUp).toBe(false);
    expect(run(a, rows)).toEqual(run(new HalfSpaceTrees(2, { seed: 14 }), rows));
  });

  it('refuses bad parameters with the value', () => {
    expect(() => new HalfSpaceTrees(0)).toThrow(/features must be in \[1, 1000000\], got: 0/);
    expect(() => new HalfSpaceTrees(2, { n_trees: 0 })).toThrow(/n_trees must be in \[1, 10000\], got: 0/);
    expect(() => new HalfSpaceTrees(2, { height: 2.5 })).toThrow(/height must be an integer, got: 2.5/);
    expect(() => new HalfSpaceTrees(2, { window_size: -1 })).toThrow(RangeError);
  });
});

describe('HalfSpaceTrees worked by hand (one feature, one tree, values at the ends of the range learnt)', () => {
  // With one feature the running min/max scale the smallest value learnt to 0 and the largest to 1;
  // every split point lies strictly inside its node's range (padding 0.15), so 0 always goes left
  // and 1 always goes right, whatever the seed drew.
  it('height 1, window 2: mass-weighted depths 4/6 and 2/6', () => {
    const hst = new HalfSpaceTrees(1, { n_trees: 1, height: 1, window_size: 2, seed: 1 });
    // Window 1: learn 0 (left leaf) and 1 (right leaf); the pivot makes r_mass root 2, left 1, right 1.
    hst.learnOne([0]);
    expect(hst.scoreOne([0])).toBe(0); // still the first window
    hst.learnOne([1]);
    // Size limit 0.1 · 2 = 0.2; max score 1 tree · 2 · (2² − 1) = 6.
    // Score 0: root 2 · 2⁰ + left leaf 1 · 2¹ = 4 → 1 − 4/6 = 1/3.
    expect(hst.scoreOne([0])).toBeCloseTo(1 / 3, 15);
    expect(hst.scoreOne([1])).toBeCloseTo(1 / 3, 15);
    // Window 2: learn 0 twice; the pivot makes r_mass root 2, left 2, right 0 (min/max still 0 and 1).
    hst.learnOne([0]);
    hst.learnOne([0]);
    // Score 0: 2 + 2 · 2 = 6 → 0. Score 1: 2 + 0 · 2 = 2 → 1 − 2/6 = 2/3.
    expect(hst.scoreOne([0])).toBe(0);
    expect(hst.scoreOne([1])).toBeCloseTo(2 / 3, 15);
  });

  it('height 2, window 10: the walk stops below the size limit (0.1 · 10 = 1)', () => {
    const hst = new HalfSpaceTrees(1, { n_trees: 1, height: 2, window_size: 10, seed: 2 });
    // Learn 0, then 1 (range [0, 1] from then on), then 0 eight times. (The first point learnt scales
    // to 0 against its own zero range, so it must be the 0.) Paths: 0 → nodes 0, 1, 3; 1 → 0, 2, 6.
    hst.learnOne([0]);
    hst.learnOne([1]);
    for (let i = 0; i < 8; i++) hst.learnOne([0]);
    // r_mass: node 0: 10, node 1: 9, node 3: 9, node 2: 1, node 6: 1. Max score 1 · 10 · 7 = 70.
    // Score 0: 10 + 9·2 + 9·4 = 64 → 1 − 64/70 = 3/35.
    expect(hst.scoreOne([0])).toBeCloseTo(1 - 64 / 70, 15);
    // Score 1: 10 + 1·2 + 1·4 = 16 (1 is not below the limit 1: the walk goes on) → 1 − 16/70.
    expect(hst.scoreOne([1])).toBeCloseTo(1 - 16 / 70, 15);
    // Window 2: ten 0s. r_mass node 2 = 0 < 1: the walk for 1 stops there: 10 + 0 = 10 → 1 − 10/70.
    for (let i = 0; i < 10; i++) hst.learnOne([0]);
    expect(hst.scoreOne([1])).toBeCloseTo(1 - 10 / 70, 15);
    expect(hst.scoreOne([0])).toBe(0); // 10 + 20 + 40 = 70
  });

  it('a flat line then a jump: the range 0 counts as 1, so the jump scales outside [0, 1] and is not hidden', () => {
    const hst = new HalfSpaceTrees(1, { n_trees: 1, height: 1, window_size: 4, seed: 3 });
    for (let i = 0; i < 4; i++) hst.learnOne([5]);
    // min = max = 5: 5 scales to 0 (left leaf, r_mass 4); 6 scales to 1 (right leaf, r_mass 0).
    // Score 5: 4 + 4·2 = 12 of 1 · 4 · 3 = 12 → 0. Score 6: 4 + 0 = 4 → 1 − 4/12 = 2/3.
    expect(hst.scoreOne([5])).toBe(0);
    expect(hst.scoreOne([6])).toBeCloseTo(2 / 3, 15);
  });
});

describe("HalfSpaceTrees with River's own trees (tests/fixtures/hst.json: a port of river/anomaly/hst.py, checked against River's docstring)", () => {
  interface Case {
    name: string; n_trees: number; height: number; window_size: number; features: number;
    split_feature: number[]; split_value: number[]; warmup: number[][]; values: number[][];
    order: 'learn_then_score' | 'score_then_learn'; scores: number[];
  }
  const F = fixture<{ cases: Case[] }>('hst.json');

  /** A bare (scale: false, River's default limits) HalfSpaceTrees holding River's trees and empty masses. */
  function withRiverTrees(c: Case): HalfSpaceTrees {
    const nodes = c.n_trees * (2 ** (c.height + 1) - 1);
    return HalfSpaceTrees.fromJSON({
      kind: 'half_space_trees', version: 1, features: c.features, n_trees: c.n_trees, height: c.height, window_size: c.window_size, seed: 0, scale: false,
      split_feature: c.split_feature, split_value: c.split_value, l_mass: new Array(nodes).fill(0), r_mass: new Array(nodes).fill(0),
      counter: 0, first_window: true, min: [], max: [],
    });
  }

  for (const c of F.cases) {
    it(`${c.name}: every score equal to River's (same arithmetic: to the last bit)`, () => {
      const hst = withRiverTrees(c);
      for (const x of c.warmup) hst.learnOne(x);
      const got = c.values.map((x) => {
        if (c.order === 'learn_then_score') {
          hst.learnOne(x);
          return hst.scoreOne(x);
        }
        const s = hst.scoreOne(x);
        hst.learnOne(x);
        return s;
      });
      expect(got).toEqual(c.scores);
    });
  }

  it("River's docstring, rounded as it prints them: 0.107, 0.071, 0.107, 0.107, 0.107, 0.071, 0.853", () => {
    const c = F.cases.find((k) => k.name === 'River docstring')!;
    const hst = withRiverTrees(c);
    for (const x of c.warmup) hst.learnOne(x);
    const printed = c.values.map((x) => {
      hst.learnOne(x);
      return hst.scoreOne(x).toFixed(3);
    });
    expect(printed).toEqual(['0.107', '0.071', '0.107', '0.107', '0.107', '0.071', '0.853']);
  });
});

describe('half_space_trees as a detector (src/core/detectors/half-space-trees.ts)', () => {
  const params = (over: Record<string, unknown> = {}) => resolveParams(halfSpaceTrees.params, over, 'half_space_trees');
  const toMatrix = (rows: number[][]): Matrix => matrix(Float64Array.from(rows.flat()), rows.length, rows[0].length);

  it('fit: trainingScores are the causal stream (score, then learn, each row); threshold = PyOD percentile of them', async () => {
    const rows = gaussianRows(700, 2, 31);
    const model = await halfSpaceTrees.fit(toMatrix(rows), params({ window_size: 100 }), { seed: 9 });
    const byHand = run(new HalfSpaceTrees(2, { window_size: 100, seed: 9 }), rows);
    expect(Array.from(model.trainingScores!)).toEqual(byHand);
    expect(model.threshold).toBe(fitThreshold({ kind: 'pyod', contamination: 0.1 }, byHand).threshold);
  });

  it('score continues the stream where fit ended, on a copy: scoring twice gives the same scores', async () => {
    const rows = gaussianRows(900, 3, 32);
    const model = await halfSpaceTrees.fit(toMatrix(rows.slice(0, 600)), params({ window_size: 100 }), { seed: 4 });
    const next = toMatrix(rows.slice(600));
    const first = Array.from(await model.score(next));
    expect(Array.from(await model.score(next))).toEqual(first);
    const whole = run(new HalfSpaceTrees(3, { window_size: 100, seed: 4 }), rows);
    expect(first).toEqual(whole.slice(600));
  });

  it('says when the training rows did not fill a first window (every score 0 so far)', async () => {
    const model = await halfSpaceTrees.fit(toMatrix(gaussianRows(50, 2, 33)), params(), { seed: 1 });
    expect(Array.from(model.trainingScores!).every((s) => s === 0)).toBe(true);
    expect(model.info.warnings.join(' ')).toMatch(/did not fill the first window \(window_size 250\)/);
    expect(model.info.details.warmed_up).toBe(false);
    expect(model.info.details.warmup_rows).toBe(50);
    // Loaded, it still has 200 rows to fill before anything scores above 0.
    expect(loadModel(JSON.parse(JSON.stringify(model.toJSON()))).info.details.warmup_rows).toBe(200);
    const warm = await halfSpaceTrees.fit(toMatrix(gaussianRows(300, 2, 33)), params(), { seed: 1 });
    expect(warm.info.details.warmup_rows).toBe(250);
    expect(loadModel(JSON.parse(JSON.stringify(warm.toJSON()))).info.details.warmup_rows).toBe(0);
  });

  it('a saved model scores new rows exactly as the model it was saved from', async () => {
    const rows = gaussianRows(800, 2, 34);
    const model = await halfSpaceTrees.fit(toMatrix(rows.slice(0, 500)), params({ window_size: 64, height: 5 }), { seed: 2 });
    const back = loadModel(JSON.parse(JSON.stringify(model.toJSON())));
    const next = toMatrix(rows.slice(500));
    expect(Array.from(await back.score(next))).toEqual(Array.from(await model.score(next)));
    expect(back.threshold).toBe(model.threshold);
  });
});
