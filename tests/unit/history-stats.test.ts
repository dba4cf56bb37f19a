/**
 * Python's numbers as the upload-history checks use them, against Python itself
 * (tests/fixtures/history-stats.json from scripts/make_history_fixtures.py, Python 3.11):
 * statistics.mean / stdev / median bit for bit, str(round(x, 2)) character for character.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pyMean, pyMedian, pyRound2, pyRoundStr, pyStdev, pyStr } from '../../src/core/checks/python-stats';
import { REPO_ROOT } from './helpers';

interface StatCase { kind: 'int' | 'float'; values: number[]; mean: number; mean_str: string; median: number; stdev?: number; stdev_str?: string }
const fx = JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/history-stats.json'), 'utf8')) as {
  stats: StatCase[]; rounds: { x: number; round: number; str: string }[]; dagster: { values: number[]; passed: boolean; note: string }[];
};

describe("Python's statistics, exactly", () => {
  it('mean, stdev and median equal Python 3.11 to the last bit on every fixture', () => {
    let checked = 0;
    for (const c of fx.stats) {
      expect(pyMean(c.values), `mean of ${c.values.slice(0, 4).join(',')}…`).toBe(c.mean);
      expect(pyMedian(c.values)).toBe(c.median);
      if (c.stdev !== undefined) {
        expect(pyStdev(c.values), `stdev of ${c.values.slice(0, 4).join(',')}…`).toBe(c.stdev);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('the notes print the rounded values as Python prints them (an int mean stays an int)', () => {
    for (const c of fx.stats) {
      expect(pyRoundStr(pyMean(c.values), c.kind === 'int')).toBe(c.mean_str);
      if (c.stdev_str !== undefined) expect(pyRoundStr(pyStdev(c.values))).toBe(c.stdev_str);
    }
  });

  it('float summation would not do: the fixtures include sums that a naive mean gets wrong', () => {
    const naive = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const wrong = fx.stats.filter((c) => naive(c.values) !== c.mean);
    expect(wrong.length).toBeGreaterThan(0);
  });

  it("round(x, 2): half-even on the binary value, not toFixed's away-from-zero (round(0.125, 2) is 0.12)", () => {
    for (const r of fx.rounds) {
      expect(pyRound2(r.x), `round(${r.x}, 2)`).toBe(r.round);
      expect(pyStr(pyRound2(r.x)), `str(round(${r.x}, 2))`).toBe(r.str);
    }
    expect(Number((0.125).toFixed(2))).not.toBe(pyRound2(0.125));
  });

  it('str() of floats and ints as Python writes them', () => {
    expect(pyStr(3)).toBe('3.0');
    expect(pyStr(3, true)).toBe('3');
    expect(pyStr(-0)).toBe('-0.0');
    expect(pyStr(1e16)).toBe('1e+16');
    expect(pyStr(1.5e-5)).toBe('1.5e-05');
    expect(pyStr(0.0001)).toBe('0.0001');
    expect(pyStr(NaN)).toBe('nan');
    expect(pyStr(-Infinity)).toBe('-inf');
  });

  it('errors as Python words them', () => {
    expect(() => pyMean([])).toThrow('mean requires at least one data point');
    expect(() => pyStdev([1])).toThrow('stdev requires at least two data points');
  });
});
