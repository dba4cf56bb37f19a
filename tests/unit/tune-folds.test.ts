/**
 * src/core/tune/folds.ts: StratifiedKFold / KFold with shuffle, against scikit-learn 1.2.1's fold sizes
 * (tests/fixtures/tune.json, scripts/make_tune_fixtures.py), seeded, and partitions of the rows.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { holdout, kFold, stratifiedKFold, type Fold } from '../../src/core/tune/folds';

const fixture = JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/tune.json'), 'utf8')) as {
  stratified: { labels: number[]; k: number; counts: Record<string, number>[] }[];
  kfold: { n: number; k: number; sizes: number[] }[];
  grid: Record<string, unknown>[];
};

function expectPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const f of folds) {
    for (const i of f.test) seen[i]++;
    expect(f.train.length + f.test.length).toBe(n);
    const test = new Set(f.test);
    expect([...f.train].some((i) => test.has(i))).toBe(false);
    // Ascending, as scikit-learn's indices.
    for (const a of [f.train, f.test]) for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
  }
  expect([...seen].every((c) => c === 1)).toBe(true);
}

describe('stratifiedKFold', () => {
  it.each(fixture.stratified.map((c, i) => [i, c] as const))("case %i: each class's count per fold is scikit-learn's", (_, c) => {
    const labels = Uint8Array.from(c.labels);
    for (const seed of [0, 1, 42]) {
      const folds = stratifiedKFold(labels, c.k, seed);
      expect(folds).toHaveLength(c.k);
      expectPartition(folds, labels.length);
      const counts = folds.map((f) => Object.fromEntries(Object.keys(c.counts[0]).map((cls) => [cls, [...f.test].filter((i) => labels[i] === Number(cls)).length])));
      expect(counts).toEqual(c.counts);
    }
  });

  it('is seeded: the same seed gives the same folds, another seed other rows', () => {
    const labels = Uint8Array.from(fixture.stratified[2].labels);
    const a = stratifiedKFold(labels, 5, 7);
    const b = stratifiedKFold(labels, 5, 7);
    const c = stratifiedKFold(labels, 5, 8);
    expect(a.map((f) => [...f.test])).toEqual(b.map((f) => [...f.test]));
    expect(a.map((f) => [...f.test])).not.toEqual(c.map((f) => [...f.test]));
  });

  it('shuffles: the folds are not contiguous blocks of rows', () => {
    const labels = new Uint8Array(100);
    const folds = stratifiedKFold(labels, 4, 3);
    expect(folds[0].test[folds[0].test.length - 1] - folds[0].test[0]).toBeGreaterThan(50);
  });

  it('refuses k < 2, k > rows, and a k no class can fill', () => {
    expect(() => stratifiedKFold(new Uint8Array(10), 1, 0)).toThrow(/cv must be an integer >= 2/);
    expect(() => stratifiedKFold(new Uint8Array(3), 5, 0)).toThrow(/need at least 5 rows, got 3/);
    expect(() => stratifiedKFold(Uint8Array.of(0, 0, 1, 1, 2, 2), 3, 0)).toThrow(/no class has 3 rows/);
  });
});

describe('kFold', () => {
  it.each(fixture.kfold.map((c) => [c.n, c.k, c.sizes] as const))('%i rows, %i folds: sizes as scikit-learn (the first n %% k one more)', (n, k, sizes) => {
    const folds = kFold(n, k, 5);
    expect(folds.map((f) => f.test.length)).toEqual(sizes);
    expectPartition(folds, n);
  });
});

describe('holdout', () => {
  it('holds out ceil(share · n) rows, each class in proportion, seeded', () => {
    const labels = Uint8Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const h = holdout(labels, 200, 0.25, 1);
    expect(h.test.length).toBe(50);
    expect(h.train.length).toBe(150);
    expect([...h.test].filter((i) => labels[i] === 1).length).toBe(5);
    expect(new Set([...h.train, ...h.test]).size).toBe(200);
    expect([...holdout(labels, 200, 0.25, 1).test]).toEqual([...h.test]);
    expect([...holdout(labels, 200, 0.25, 2).test]).not.toEqual([...h.test]);
  });

  it('refuses a share outside (0, 1)', () => {
    expect(() => holdout(null, 10, 1.5, 0)).toThrow(/must be in \(0, 1\)/);
  });
});
