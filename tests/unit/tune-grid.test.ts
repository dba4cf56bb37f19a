/**
 * src/core/tune/grid.ts and plan.ts: grids from a detector's spec (values checked by the spec's own
 * parser), scikit-learn's ParameterGrid order (tests/fixtures/tune.json), the default space of a
 * random search, seeded sampling, and the plan of a search with and without labels.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { autoencoderMeta, iforestMeta, knnMeta, lofMeta, ocsvmMeta, windowedGaussianMeta } from '../../src/core/detectors/specs';
import { defaultSpace, defaultValues, expandGrid, gridSize, parseGridArg, sampleGrid } from '../../src/core/tune/grid';
import { planSearch } from '../../src/core/tune/plan';

const fixture = JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/tune.json'), 'utf8')) as { grid: Record<string, unknown>[] };

describe('grids from specs', () => {
  it("parses each value with the parameter's spec, dropping repeats", () => {
    expect(parseGridArg(knnMeta, 'n_neighbors=5, 10,20,10')).toEqual({ name: 'n_neighbors', values: [5, 10, 20] });
    expect(parseGridArg(knnMeta, 'method=largest,mean')).toEqual({ name: 'method', values: ['largest', 'mean'] });
    expect(parseGridArg(iforestMeta, 'contamination=auto,0.1')).toEqual({ name: 'contamination', values: ['auto', 0.1] });
    expect(parseGridArg(iforestMeta, 'bootstrap=true,false')).toEqual({ name: 'bootstrap', values: [true, false] });
    expect(parseGridArg(autoencoderMeta, 'hidden_neuron_list=64,32;16')).toEqual({ name: 'hidden_neuron_list', values: ['64,32', '16'] });
  });

  it("refuses an unknown name, a bad value (the spec's message) and a missing '='", () => {
    expect(() => parseGridArg(lofMeta, 'k=5')).toThrow(/lof has no parameter 'k'/);
    expect(() => parseGridArg(lofMeta, 'n_neighbors=5,0')).toThrow(/n_neighbors must be >= 1, got: "0"/);
    expect(() => parseGridArg(knnMeta, 'method=largest,max')).toThrow(/method must be one of largest, mean, median/);
    expect(() => parseGridArg(lofMeta, 'n_neighbors=5,')).toThrow(/an empty value/);
    expect(() => parseGridArg(lofMeta, 'n_neighbors')).toThrow(/--grid takes name=v1,v2/);
  });

  it("expands in scikit-learn's ParameterGrid order (names sorted, the last fastest)", () => {
    const grid = expandGrid([parseGridArg(knnMeta, 'n_neighbors=5,10,20'), parseGridArg(knnMeta, 'method=largest,mean')]);
    expect(grid).toEqual(fixture.grid);
    expect(() => expandGrid([parseGridArg(knnMeta, 'n_neighbors=5'), parseGridArg(knnMeta, 'n_neighbors=6')])).toThrow(/names 'n_neighbors' twice/);
  });

  it("derives a default space from the spec's choices and ranges, leaving windows and advanced knobs out", () => {
    const space = defaultSpace(lofMeta);
    expect(space.map((a) => a.name)).toEqual(['n_neighbors', 'contamination']);
    expect(space[0].values).toEqual([5, 10, 20, 40, 80]);
    expect(space[1].values).toEqual(['auto', 0.01, 0.05, 0.1, 0.2]);
    const svm = defaultSpace(ocsvmMeta);
    expect(svm.find((a) => a.name === 'kernel')!.values).toEqual(['rbf', 'linear', 'poly', 'sigmoid']);
    expect(svm.find((a) => a.name === 'standardize')!.values).toEqual([false, true]);
    // nu in (0, 1]: 0.5 · {1/4, 1/2, 1, 2} (2.0 is outside).
    expect(svm.find((a) => a.name === 'nu')!.values).toEqual([0.125, 0.25, 0.5, 1]);
    expect(svm.some((a) => a.name === 'tol' || a.name === 'window_size')).toBe(false);
    // A number with a word default (gamma 'scale') has no ladder.
    expect(defaultValues(ocsvmMeta.params.find((p) => p.name === 'gamma')!)).toBeNull();
  });

  it('samples a random search: seeded, distinct, from the grid; the whole grid when the budget covers it', () => {
    const axes = defaultSpace(lofMeta);
    const a = sampleGrid(axes, 7, 3);
    expect(a).toHaveLength(7);
    expect(new Set(a.map((c) => JSON.stringify(c))).size).toBe(7);
    const all = expandGrid(axes).map((c) => JSON.stringify(c));
    expect(a.every((c) => all.includes(JSON.stringify(c)))).toBe(true);
    expect(sampleGrid(axes, 7, 3)).toEqual(a);
    expect(sampleGrid(axes, 7, 4)).not.toEqual(a);
    expect(sampleGrid(axes, 100, 3)).toEqual(expandGrid(axes));
    expect(gridSize(axes)).toBe(25);
    expect(() => sampleGrid(axes, 0, 3)).toThrow(/--random must be a positive integer/);
  });
});

describe('planSearch', () => {
  const labels = Uint8Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0));

  it('with labels: resolved candidates (fixed parameters kept), stratified folds, the metric', () => {
    const plan = planSearch(knnMeta, 100, labels, { axes: [parseGridArg(knnMeta, 'n_neighbors=3,4')], fixed: { method: 'mean', n_neighbors: 9 }, seed: 1, cv: 4, metric: 'f1' });
    expect(plan.setup.candidates.map((c) => [c.n_neighbors, c.method, c.contamination])).toEqual([[3, 'mean', 0.1], [4, 'mean', 0.1]]);
    expect(plan.setup.folds).toHaveLength(4);
    expect(plan.setup.folds.map((f) => [...f.test].filter((i) => labels[i]).length)).toEqual([3, 3, 2, 2]);
    expect(plan.setup.criterion).toBe('f1');
    expect(plan.labelFree).toBe(false);
    expect(plan.description).toMatch(/fitted on all training rows/);
  });

  it('without labels: says there is nothing to optimise and ranks by the stability heuristic', () => {
    const plan = planSearch(lofMeta, 100, null, { axes: [], random: 3, seed: 1, metric: 'average_precision' });
    expect(plan.setup.criterion).toBe('stability');
    expect(plan.setup.candidates).toHaveLength(3);
    expect(plan.description).toMatch(/nothing to optimise against.*heuristic/);
  });

  it('refuses detectors that score a series in order: shuffled folds would cut it apart', () => {
    expect(() => planSearch(windowedGaussianMeta, 100, labels, { axes: [parseGridArg(windowedGaussianMeta, 'step_size=10,20')], seed: 1, metric: 'f1' })).toThrow(/windowed_gaussian scores rows in order/);
    expect(() => planSearch(lofMeta, 100, labels, { axes: [parseGridArg(lofMeta, 'window_size=0,5')], seed: 1, metric: 'f1' })).toThrow(/lof with window_size > 0 scores rows in order/);
  });

  it('refuses a search with nothing to search and labels with no anomalies', () => {
    expect(() => planSearch(lofMeta, 100, labels, { axes: [], seed: 1, metric: 'f1' })).toThrow(/nothing to search/);
    expect(() => planSearch(lofMeta, 100, new Uint8Array(100), { axes: [parseGridArg(lofMeta, 'n_neighbors=3')], seed: 1, metric: 'f1' })).toThrow(/no anomalies/);
  });
});
