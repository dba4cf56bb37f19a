/**
 * The checks against upload history (src/core/checks): the 3-materialisation rule, "previous means
 * previous" against Dagster's values[:-1] slicing (pinned with Python's own note from
 * tests/fixtures/history-stats.json), zero stdev, schema changes, window, k, robust, undefined values.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKIPPED_NOTE, failuresFirst, runChecks } from '../../src/core/checks/checks';
import type { ColumnRecord, Materialisation, RunRecord } from '../../src/core/checks/materialisation';
import { materialise, metricValues } from '../../src/core/checks/materialisation';
import { parseHistoryExport, parseHistoryLines, historyLine } from '../../src/core/checks/history';
import { pyMean, pyRoundStr, pyStdev } from '../../src/core/checks/python-stats';
import { parseCsvString } from '../../src/core/data/csv';
import { REPO_ROOT } from './helpers';

const fx = JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/history-stats.json'), 'utf8')) as { dagster: { values: number[]; passed: boolean; note: string }[] };

let clock = Date.UTC(2026, 11, 1);
function mat(rows: number, columns: ColumnRecord[] = [{ name: 'x', kind: 'numeric', missing: 0, mean: 1, std: 1, min: 0, max: 2 }], run: RunRecord | null = null): Materialisation {
  clock += 3600_000;
  return { asset: 'sales', time: new Date(clock).toISOString(), file: `sales-${rows}.csv`, rows, columns, run };
}
const check = (r: ReturnType<typeof runChecks>, metric: string) => {
  const c = r.checks.find((x) => x.metric === metric);
  if (!c) throw new Error(`no check ${metric} in ${r.checks.map((x) => x.metric).join(', ')}`);
  return c;
};

describe('the 3-materialisation rule', () => {
  it('the 1st and 2nd materialisations are skipped, with the note, and count as passed', () => {
    const first = runChecks(mat(1000), []);
    const second = runChecks(mat(1000), [mat(1009)]);
    for (const r of [first, second]) {
      expect(r.passed).toBe(true);
      for (const c of r.checks) {
        expect(c.status).toBe('skipped');
        expect(c.passed).toBe(true);
        expect(c.note).toBe(SKIPPED_NOTE);
      }
    }
    expect(SKIPPED_NOTE).toBe('This check can only execute on the 3rd materialisation onwards');
    expect(first.materializations).toBe(1);
    expect(second.materializations).toBe(2);
  });

  it('the 3rd runs, against the two earlier ones', () => {
    const r = runChecks(mat(812), [mat(1000), mat(1009)]);
    const c = check(r, 'num_rows');
    expect(c.status).toBe('failed');
    expect(c.mean).toBe(1004.5);
    expect(c.stdev).toBe(pyStdev([1000, 1009]));
    expect(c.note).toBe('num_rows is 812. Mean is 1004.5. Standard deviation is 6.36.');
    expect(r.passed).toBe(false);
    expect(r.materializations).toBe(3);
  });
});

describe('"previous" means previous (not the example\'s values[:-1])', () => {
  // Dagster's documented check, as written: values newest first, mean and stdev of values[:-1].
  const dagsterExample = (newestFirst: number[]) => {
    const mean = pyMean(newestFirst.slice(0, -1));
    const stdev = pyStdev(newestFirst.slice(0, -1));
    return { passed: Math.abs(newestFirst[0] - mean) <= stdev, note: `num_rows is ${pyRoundStr(newestFirst[0], true)}. Mean is ${pyRoundStr(mean, true)}. Standard deviation is ${pyRoundStr(stdev)}.` };
  };

  it("our rendering of the example reproduces Python's own note and verdict on every fixture", () => {
    for (const d of fx.dagster) expect(dagsterExample(d.values)).toEqual({ passed: d.passed, note: d.note });
  });

  it('where the two disagree: 950 after 880, 1100, 1009, 1000 passes against the earlier four, fails under the slicing', () => {
    const newestFirst = [950, 1000, 1009, 1100, 880];
    const d = fx.dagster.find((x) => x.values.join() === newestFirst.join())!;
    expect(d.passed).toBe(false); // Python: mean(950, 1000, 1009, 1100) = 1014.75, stdev 62.48; |950 − 1014.75| > 62.48
    const earlier = [...newestFirst.slice(1)].reverse().map((n) => mat(n));
    const c = check(runChecks(mat(950), earlier), 'num_rows');
    expect(c.passed).toBe(true); // mean(1000, 1009, 1100, 880) = 997.25, stdev 90.28
    expect(c.mean).toBe(997.25);
    expect(c.note).toBe('num_rows is 950. Mean is 997.25. Standard deviation is 90.28.');
    expect(c.note).not.toBe(d.note);
  });
});

describe('edge cases', () => {
  it('zero stdev: only an equal value passes, and the note says so', () => {
    const earlier = [mat(500), mat(500), mat(500)];
    const same = check(runChecks(mat(500), earlier), 'num_rows');
    const off = check(runChecks(mat(501), earlier), 'num_rows');
    expect(same.status).toBe('passed');
    expect(off.status).toBe('failed');
    expect(off.note).toBe('num_rows is 501. Mean is 500. Standard deviation is 0.0. The earlier values do not vary (standard deviation 0): only a value equal to the mean passes.');
    expect(same.note).toContain('only a value equal to the mean passes');
  });

  it('a column that appears or disappears is its own failed check, naming it; other schemas are left out, and the note says which', () => {
    const ab: ColumnRecord[] = [{ name: 'a', kind: 'numeric', missing: 0, mean: 1, std: 1, min: 0, max: 2 }, { name: 'b', kind: 'text', missing: 0, distinct: 3 }];
    const ac: ColumnRecord[] = [ab[0], { name: 'c', kind: 'numeric', missing: 0, mean: 5, std: 1, min: 0, max: 9 }];
    const earlier = [mat(100, ab), mat(100, ab), mat(100, ab)];
    const r = runChecks(mat(100, ac), earlier);
    expect(check(r, 'column:b')).toMatchObject({ status: 'failed', passed: false });
    expect(check(r, 'column:b').note).toContain("Column 'b' disappeared");
    expect(check(r, 'column:c').note).toContain("Column 'c' appeared");
    const rows = check(r, 'num_rows');
    expect(rows.status).toBe('skipped'); // no earlier materialisation has columns a, c
    expect(rows.note).toContain('3 earlier materialisations with other columns left out: sales-100.csv at');
    expect(r.passed).toBe(false);
    // Two more with a, c: the checks run against those two only; no column check (the previous one has the same columns).
    const later = [...earlier, mat(100, ac), mat(100, ac)];
    const r2 = runChecks(mat(100, ac), later);
    expect(r2.checks.some((c) => c.metric.startsWith('column:'))).toBe(false);
    expect(check(r2, 'num_rows').status).toBe('passed');
    expect(check(r2, 'num_rows').note).toContain('3 earlier materialisations with other columns left out');
    // A column that changes kind is a schema change too.
    const r3 = runChecks(mat(100, [ab[0], { ...ab[1], kind: 'numeric', mean: 1, std: 0, min: 1, max: 1 }]), earlier);
    expect(check(r3, 'column:b').note).toContain("changed from text to numeric");
  });

  it('an undefined current value (a column now blank) fails against a defined history', () => {
    const col = (mean: number | null): ColumnRecord[] => [{ name: 'x', kind: 'numeric', missing: mean === null ? 10 : 0, mean, std: mean === null ? null : 1, min: null, max: null }];
    const r = runChecks(mat(10, col(null)), [mat(10, col(1)), mat(10, col(2)), mat(10, col(3))]);
    expect(check(r, 'mean:x')).toMatchObject({ status: 'failed', value: null });
    expect(check(r, 'mean:x').note).toMatch(/^mean:x is nan\. Mean is 2\.0\. Standard deviation is 1\.0\./);
    expect(check(r, 'missing:x').status).toBe('failed');
    expect(check(r, 'min:x').status).toBe('skipped'); // never defined
  });

  it('the window: only the last N earlier materialisations', () => {
    const earlier = [mat(10), mat(10), mat(10), mat(1000), mat(1010)];
    expect(check(runChecks(mat(10), earlier), 'num_rows').status).toBe('passed');
    expect(check(runChecks(mat(10), earlier, { window: 2 }), 'num_rows').status).toBe('failed');
    expect(check(runChecks(mat(1005), earlier, { window: 2 }), 'num_rows').status).toBe('passed');
    expect(() => runChecks(mat(1), earlier, { window: 0 })).toThrow(RangeError);
  });

  it('k widens the band; robust uses median ± k · 1.4826 · MAD', () => {
    const earlier = [mat(100), mat(102), mat(98), mat(101), mat(5000)];
    const plain = check(runChecks(mat(120), earlier), 'num_rows');
    expect(plain.status).toBe('passed'); // the outlier 5000 inflates the stdev
    const robust = check(runChecks(mat(120), earlier, { robust: true }), 'num_rows');
    expect(robust.mean).toBe(101); // median of 98, 100, 101, 102, 5000
    expect(robust.stdev).toBe(1.4826 * 1); // MAD of |x − 101| = 1, 1, 0, 3, 4899 → 1
    expect(robust.status).toBe('failed');
    expect(robust.note).toMatch(/^num_rows is 120\. Median is 101\.0\. Scaled MAD is 1\.48\./);
    const wide = check(runChecks(mat(120), earlier, { robust: true, k: 20 }), 'num_rows');
    expect(wide.status).toBe('passed');
    expect(wide.k).toBe(20);
  });

  it("run metrics compare only with runs of the same detector, and only families asked for are checked", () => {
    const run = (detector: string, share: number): RunRecord => ({ detector, params: {}, flagged_share: share, roc_auc: null, average_precision: null });
    const earlier = [mat(10, undefined, run('iforest', 0.1)), mat(10, undefined, run('lof', 0.5)), mat(10, undefined, run('iforest', 0.1)), mat(10, undefined, run('iforest', 0.1))];
    const r = runChecks(mat(10, undefined, run('iforest', 0.5)), earlier);
    expect(check(r, 'flagged_share')).toMatchObject({ status: 'failed', mean: 0.1 });
    expect(check(r, 'flagged_share').note).toContain('1 earlier run of another detector left out');
    expect(check(r, 'roc_auc').status).toBe('skipped');
    const only = runChecks(mat(10, undefined, run('iforest', 0.5)), earlier, { metrics: ['flagged_share'] });
    expect(only.checks.map((c) => c.metric)).toEqual(['flagged_share']);
  });

  it('failures first on the page', () => {
    const earlier = [mat(10), mat(10)];
    const r = runChecks(mat(11), earlier);
    const sorted = failuresFirst(r.checks);
    expect(sorted[0].status).toBe('failed');
    expect(sorted.map((c) => c.status)).toEqual([...sorted.map((c) => c.status)].sort((a, b) => ['failed', 'passed', 'skipped'].indexOf(a) - ['failed', 'passed', 'skipped'].indexOf(b)));
  });
});

describe('materialisations and history text', () => {
  it('a parsed CSV becomes per-column statistics; a blank column has null statistics', () => {
    const ds = parseCsvString('a,b,c\n1,,x\n2,,y\n3,,x\n', 't.csv');
    const m = materialise(ds, 't', new Date(Date.UTC(2026, 11, 2)));
    expect(m.rows).toBe(3);
    expect(m.columns[0]).toMatchObject({ name: 'a', kind: 'numeric', missing: 0, mean: 2, min: 1, max: 3 });
    expect(m.columns[1]).toMatchObject({ name: 'b', missing: 3, mean: null, std: null });
    expect(m.columns[2]).toMatchObject({ name: 'c', kind: 'text', distinct: 2 });
    expect(metricValues(m).map((v) => v.metric)).toEqual(['num_rows', 'missing:a', 'mean:a', 'std:a', 'min:a', 'max:a', 'missing:b', 'mean:b', 'std:b', 'min:b', 'max:b', 'missing:c', 'distinct:c']);
  });

  it('JSON lines round-trip; a bad line is named by file and line', () => {
    const a = mat(5);
    const b = mat(6);
    expect(parseHistoryLines(historyLine(a) + historyLine(b), 'h.jsonl')).toEqual([a, b]);
    expect(() => parseHistoryLines(`${historyLine(a)}{"asset":`, 'h.jsonl')).toThrow('h.jsonl: line 2 is not JSON');
    expect(() => parseHistoryLines(`${historyLine(a)}{"asset":"x","time":"2026-01-01T00:00:00Z","rows":-1,"columns":[]}\n`, 'h.jsonl')).toThrow("h.jsonl: line 2 is not a materialisation: no 'rows'");
    expect(parseHistoryExport(JSON.stringify([a, b]), 'e.json')).toEqual([a, b]);
    expect(() => parseHistoryExport('[{"asset": 1}]', 'e.json')).toThrow("e.json: record 1 is not a materialisation: no 'asset'");
  });
});
