/**
 * src/core/tune/trial.ts: trials measure what fitting a candidate on a fold's training rows and
 * scoring its held-out rows gives; the shared neighbour search changes nothing; summaries are mean ±
 * sd (ddof 0) with the first best on ties; the label-free stability is the mean pairwise Jaccard.
 */
import { describe, expect, it } from 'vitest';
import { selectRows, type Matrix } from '../../src/core/data/matrix';
import { getDetector } from '../../src/core/detectors/registry';
import { resolveParams } from '../../src/core/detectors/params';
import { averagePrecision } from '../../src/core/metrics/ranking';
import { Random } from '../../src/core/random';
import { parseGridArg } from '../../src/core/tune/grid';
import { planSearch } from '../../src/core/tune/plan';
import { bestTrial, foldTasks, jaccard, runFoldTask, runTrials, subsetNeighbors, summarize, type FoldResult } from '../../src/core/tune/trial';
import { kNeighbors } from '../../src/core/neighbors/index';

// 300 rows of a 3-d Gaussian, 20 of them (the anomalies) uniform in [−8, 8)³ instead.
const rng = new Random(11);
const n = 300;
const X: Matrix = { data: new Float64Array(n * 3), rows: n, cols: 3 };
const labels = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  const out = i % 15 === 0;
  labels[i] = out ? 1 : 0;
  for (let c = 0; c < 3; c++) X.data[i * 3 + c] = out ? rng.uniform(-8, 8) : rng.normal();
}
const lof = getDetector('lof');

describe('trials', () => {
  it("a trial's value is the metric of the candidate fitted on the fold's training rows, scored on its test rows", async () => {
    const plan = planSearch(lof, n, labels, { axes: [parseGridArg(lof, 'n_neighbors=5,15,30')], seed: 3, cv: 3, metric: 'average_precision' });
    const results = await runTrials(lof, X, labels, plan.setup);
    expect(results).toHaveLength(9);
    // Fitted alone, without the fold's shared search: the same numbers.
    for (const r of results.filter((x) => x.fold === 1)) {
      const fold = plan.setup.folds[1];
      const model = await lof.fit(selectRows(X, fold.train), plan.setup.candidates[r.candidate], { seed: 3 });
      const scores = await model.score(selectRows(X, fold.test));
      expect(r.value).toBe(averagePrecision(scores, Uint8Array.from(fold.test, (i) => labels[i])));
    }
    const rows = summarize(plan.setup, results);
    expect(rows.every((row) => row.done === 3 && row.mean! > 0.5)).toBe(true);
    const v = rows[0].values as number[];
    const mean = (v[0] + v[1] + v[2]) / 3;
    expect(rows[0].mean).toBeCloseTo(mean, 14);
    expect(rows[0].sd).toBeCloseTo(Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / 3), 14);
  });

  it("'normal' fits on the fold's normal training rows only, and F1 depends on the contamination then", async () => {
    const grid = [parseGridArg(lof, 'contamination=0.01,0.3')];
    const all = await runTrials(lof, X, labels, planSearch(lof, n, labels, { axes: grid, seed: 3, cv: 3, metric: 'f1', trainOn: 'all' }).setup);
    const normal = await runTrials(lof, X, labels, planSearch(lof, n, labels, { axes: grid, seed: 3, cv: 3, metric: 'f1', trainOn: 'normal' }).setup);
    expect(all.map((r) => r.value)).not.toEqual(normal.map((r) => r.value));
    const rows = summarize(planSearch(lof, n, labels, { axes: grid, seed: 3, cv: 3, metric: 'f1' }).setup, all);
    expect(rows[0].mean).not.toBe(rows[1].mean);
  });

  it('tasks split a fold into shares of candidates and give the same results', async () => {
    const plan = planSearch(lof, n, labels, { axes: [parseGridArg(lof, 'n_neighbors=5,15,30')], seed: 3, cv: 3, metric: 'roc_auc' });
    const tasks = foldTasks(plan.setup, 2);
    expect(tasks.map((t) => [t.fold, t.candidates])).toEqual([[0, [0, 1]], [0, [2]], [1, [0, 1]], [1, [2]], [2, [0, 1]], [2, [2]]]);
    const split: FoldResult[] = [];
    for (const t of tasks) split.push(...(await runFoldTask(lof, X, labels, plan.setup, t)));
    const whole = await runTrials(lof, X, labels, plan.setup);
    const key = (r: FoldResult) => `${r.candidate}/${r.fold}`;
    expect(new Map(split.map((r) => [key(r), r.value]))).toEqual(new Map(whole.map((r) => [key(r), r.value])));
  });

  it('the best is the highest mean, the first on ties', () => {
    const setup = { candidates: [resolveParams(lof.params), resolveParams(lof.params), resolveParams(lof.params)], folds: [{ train: new Int32Array(), test: new Int32Array() }, { train: new Int32Array(), test: new Int32Array() }], criterion: 'roc_auc' as const };
    const r = (candidate: number, fold: number, value: number | null): FoldResult => ({ candidate, fold, value, ms: 1 });
    const rows = summarize(setup, [r(0, 0, 0.5), r(0, 1, 0.7), r(1, 0, 0.8), r(1, 1, 0.4), r(2, 0, 0.9), r(2, 1, null)]);
    expect(rows.map((x) => x.mean)).toEqual([0.6, 0.6000000000000001, 0.9]);
    expect(rows[2].sd).toBe(0);
    expect(bestTrial(rows)!.candidate).toBe(2);
    expect(bestTrial(summarize(setup, [r(0, 0, 0.5), r(1, 0, 0.5)]))!.candidate).toBe(0);
  });
});

describe('neighbours of a subset read from a search of all rows', () => {
  it('equal a search of the subset, bit for bit, ties included, with and without the direct fallback', () => {
    const r = new Random(4);
    // Integer values on a small grid: many tied distances and some duplicate rows; 8 columns (the WebAssembly search) and 3 (the tree).
    for (const cols of [3, 8]) {
      const n = 400;
      const Y = { data: Float64Array.from({ length: n * cols }, () => r.int(4)), rows: n, cols };
      for (const share of [0.8, 0.5]) {
        const rows = Int32Array.from({ length: n }, (_, i) => i).filter(() => r.float() < share);
        for (const [k, K] of [[5, 12], [10, 10], [20, 60]]) {
          const direct = kNeighbors(selectRows(Y, rows), k);
          const read = subsetNeighbors(Y, kNeighbors(Y, K), rows, k);
          expect([...read.indices]).toEqual([...direct.indices]);
          expect([...read.distances]).toEqual([...direct.distances]);
        }
      }
    }
  });
});

describe('stability without labels (a heuristic)', () => {
  it('Jaccard of index lists', () => {
    expect(jaccard(Int32Array.of(1, 2, 3), Int32Array.of(2, 3, 4, 5))).toBe(2 / 5);
    expect(jaccard(Int32Array.of(), Int32Array.of())).toBeNull();
    expect(jaccard(Int32Array.of(1), Int32Array.of())).toBe(0);
  });

  it("each fold's value is its mean Jaccard with the other folds' flagged sets", () => {
    const setup = { candidates: [resolveParams(lof.params)], folds: [0, 1, 2].map(() => ({ train: new Int32Array(), test: new Int32Array() })), criterion: 'stability' as const };
    const r = (fold: number, flagged: number[]): FoldResult => ({ candidate: 0, fold, value: null, flagged: Int32Array.from(flagged), ms: 1 });
    const [row] = summarize(setup, [r(0, [1, 2]), r(1, [1, 2]), r(2, [2, 3])]);
    // J(0,1) = 1, J(0,2) = J(1,2) = 1/3.
    expect(row.values).toEqual([2 / 3, 2 / 3, 1 / 3]);
    expect(row.mean).toBeCloseTo(5 / 9, 15);
  });

  it('runs on data without labels: every fold flags rows of all the data', async () => {
    const iforest = getDetector('iforest');
    const plan = planSearch(iforest, n, null, { axes: [parseGridArg(iforest, 'n_estimators=10,100')], fixed: { contamination: 0.1 }, seed: 2, cv: 3, metric: 'f1' });
    const results = await runTrials(iforest, X, null, plan.setup);
    expect(results.every((x) => x.flagged!.length > 0 && x.flagged!.every((i) => i >= 0 && i < n))).toBe(true);
    const rows = summarize(plan.setup, results);
    // More trees, steadier scores, a steadier flagged set.
    expect(rows[1].mean!).toBeGreaterThan(rows[0].mean!);
  });
});
