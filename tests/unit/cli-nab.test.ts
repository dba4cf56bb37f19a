/**
 * `anomaly-lab nab RESULTS_DIR --windows W.json …` (issue 15): NAB's results layout, the JSON, the
 * options, and every bad-input message (one line naming the file and row, exit status 2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvColumns, csvRows } from '../../src/cli/nab';
import { cliAsync as cli, cliAll as all, type CliRun as Run } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-nab-'));
const SLOW = { timeout: 120_000 };


const T0 = Date.UTC(2015, 2, 1);
const stamp = (i: number) => new Date(T0 + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
const N = 100;

function write(path: string, text: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}
/** A results file: timestamp,value,anomaly_score (+ label), score `at[i]` at row i, 0 elsewhere. */
function results(path: string, at: Record<number, number | string>, opts: { n?: number; header?: string; time?: (i: number) => string } = {}): string {
  const n = opts.n ?? N;
  const lines = [opts.header ?? 'timestamp,value,anomaly_score,label'];
  for (let i = 0; i < n; i++) lines.push(`${(opts.time ?? stamp)(i)},${i % 7},${at[i] ?? 0},0`);
  return write(path, `${lines.join('\n')}\n`);
}
function dataFile(path: string, n = N): string {
  return write(path, `timestamp,value\n${Array.from({ length: n }, (_, i) => `${stamp(i)},${i % 7}`).join('\n')}\n`);
}

// Series cat/a.csv: one window over rows 40..49; cat/b.csv: no window. Probation: 15 rows.
const windows = { 'cat/a.csv': [[`${stamp(40)}.000000`, `${stamp(49)}.000000`]], 'cat/b.csv': [] };
const W = join(root, 'windows.json');
const good = join(root, 'good');
const data = join(root, 'data');

beforeAll(() => {
  writeFileSync(W, JSON.stringify(windows));
  // NAB's layout: <category>/<prefix>_<file>.csv and <category>/<file>.csv; the summary *_scores.csv is skipped.
  results(join(good, 'cat', 'det_a.csv'), { 40: 0.9, 45: 0.6 });
  results(join(good, 'cat', 'b.csv'), { 60: 0.6 });
  write(join(good, 'cat', 'det_standard_scores.csv'), 'Detector,Profile,File\nnot,a,results file\n');
  write(join(good, 'final_results.json'), '{}');
  dataFile(join(data, 'cat', 'a.csv'));
  dataFile(join(data, 'cat', 'b.csv'));
});

describe('anomaly-lab nab RESULTS_DIR', () => {
  let runs: Run[];
  const profiles = join(root, 'profiles.json');
  beforeAll(async () => {
    writeFileSync(profiles, JSON.stringify({ mine: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 1 } } }));
    runs = await all([
      ['nab', good, '--windows', W, '--json'],
      ['nab', good, '--windows', W, '--json', '--profile', 'reward_low_FN_rate'],
      ['nab', good, '--windows', W, '--json', '--threshold', '0.5'],
      ['nab', good, '--windows', W, '--json', '--profiles', profiles, '--threshold', '0.6'],
      ['nab', good, '--windows', W],
      ['nab', good, '--windows', W, '--json', '--data', data],
    ]);
  }, 240_000);

  it('prints { profile: { score, threshold, … } } with each threshold optimised over the corpus', SLOW, () => {
    expect(runs[0].stderr).toBe('');
    expect(runs[0].status).toBe(0);
    const out = JSON.parse(runs[0].stdout);
    expect(Object.keys(out)).toEqual(['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
    // 0.9 at a's left edge: +1 = perfect; 0.6 would add a's later row (nothing) and b's false positive.
    for (const p of Object.keys(out)) {
      expect(out[p].threshold).toBe(0.9);
      expect(out[p].score).toBe(100);
      expect(out[p].windows).toBe(1);
      expect(out[p].detected).toBe(1);
    }
  });

  it('--profile limits the output to one; --threshold scores every profile at it (score ≥ T detected)', SLOW, () => {
    expect(Object.keys(JSON.parse(runs[1].stdout))).toEqual(['reward_low_FN_rate']);
    const at = JSON.parse(runs[2].stdout);
    expect(at.standard.threshold).toBe(0.5);
    // 0.9 at the left edge (+1), 0.6 later in the window (nothing more), 0.6 in b before any window (−0.11).
    expect(at.standard.raw).toBeCloseTo(1 - 0.11, 12);
    expect(at.reward_low_FP_rate.raw).toBeCloseTo(1 - 0.22, 12);
    expect(at.standard.score).toBeCloseTo((100 * (0.89 + 1)) / 2, 10);
    expect([at.standard.tp, at.standard.fp]).toEqual([2, 1]);
  });

  it('--profiles reads NAB\'s config/profiles.json shape', SLOW, () => {
    const out = JSON.parse(runs[3].stdout);
    expect(Object.keys(out)).toEqual(['mine']);
    expect(out.mine.raw).toBeCloseTo(1 - 1, 12); // 0.6 ≥ 0.6: b's false positive costs −A_FP = −1
  });

  it('without --json prints a table; --data checks the rows and scores the same', SLOW, () => {
    expect(runs[4].status).toBe(0);
    expect(runs[4].stdout).toMatch(/NAB score of 2 files/);
    expect(runs[4].stdout).toMatch(/standard\s+100\.00\s+0\.9\s/);
    expect(runs[5].status).toBe(0);
    expect(JSON.parse(runs[5].stdout)).toEqual(JSON.parse(runs[0].stdout));
  });
});

describe('anomaly-lab nab: bad input is one line naming the file and row, exit status 2', () => {
  const cases: { name: string; setup: () => string[]; message: RegExp }[] = [
    {
      name: 'a missing anomaly_score column',
      setup: () => {
        const d = join(root, 'nocol');
        results(join(d, 'cat', 'det_a.csv'), {}, { header: 'timestamp,value,score,label' });
        return ['nab', d, '--windows', W, '--json'];
      },
      message: /nocol\/cat\/det_a\.csv: no anomaly_score column \(columns: timestamp, value, score, label\)/,
    },
    {
      name: 'a score outside [0, 1]',
      setup: () => {
        const d = join(root, 'range');
        results(join(d, 'cat', 'det_a.csv'), { 4: 1.2 });
        return ['nab', d, '--windows', W, '--json'];
      },
      message: /range\/cat\/det_a\.csv: row 5 \(line 6\), column anomaly_score: '1\.2' is not a score in \[0, 1\]/,
    },
    {
      name: 'a score that is not a number',
      setup: () => {
        const d = join(root, 'text');
        results(join(d, 'cat', 'det_a.csv'), { 7: 'high' });
        return ['nab', d, '--windows', W, '--json'];
      },
      message: /text\/cat\/det_a\.csv: row 8 \(line 9\), column anomaly_score: 'high' is not a score/,
    },
    {
      name: 'a window naming a time not in the series',
      setup: () => {
        const d = join(root, 'shifted');
        results(join(d, 'cat', 'det_a.csv'), {}, { time: (i) => stamp(i + 1000) });
        return ['nab', d, '--windows', W, '--json'];
      },
      message: new RegExp(`shifted/cat/det_a\\.csv: window .*time '${stamp(40)}\\.000000' is not in the series`),
    },
    {
      name: 'rows that do not match the series (--data)',
      setup: () => {
        const d = join(root, 'mismatch');
        results(join(d, 'cat', 'det_a.csv'), {}, { time: (i) => stamp(i === 2 ? 500 : i) });
        return ['nab', d, '--windows', W, '--json', '--data', data];
      },
      message: new RegExp(`mismatch/cat/det_a\\.csv: row 3 \\(line 4\\): timestamp '${stamp(500)}' does not match its series .*data/cat/a\\.csv`),
    },
    {
      name: 'fewer rows than the series (--data)',
      setup: () => {
        const d = join(root, 'short');
        results(join(d, 'cat', 'det_a.csv'), {}, { n: 90 });
        return ['nab', d, '--windows', W, '--json', '--data', data];
      },
      message: /short\/cat\/det_a\.csv: 90 rows, but its series .*data\/cat\/a\.csv has 100/,
    },
    {
      name: 'a results file no series is named like',
      setup: () => {
        const d = join(root, 'stray');
        results(join(d, 'cat', 'det_c.csv'), {});
        return ['nab', d, '--windows', W, '--json'];
      },
      message: /stray\/cat\/det_c\.csv: no series in the windows file is named like it/,
    },
    { name: 'no --windows', setup: () => ['nab', good, '--json'], message: /nab needs --windows W\.json/ },
    { name: 'a bad --threshold', setup: () => ['nab', good, '--windows', W, '--threshold', 'abc'], message: /--threshold must be a number, got: 'abc'/ },
    { name: 'an unknown --profile', setup: () => ['nab', good, '--windows', W, '--profile', 'nope'], message: /--profile must be one of standard, reward_low_FP_rate, reward_low_FN_rate, got: 'nope'/ },
    { name: 'a windows file that is not JSON', setup: () => ['nab', good, '--windows', write(join(root, 'bad.json'), '{"cat/a.csv": [')], message: /bad\.json: the windows file is not valid JSON/ },
    { name: 'an empty results directory', setup: () => { mkdirSync(join(root, 'empty', 'cat'), { recursive: true }); return ['nab', join(root, 'empty'), '--windows', W]; }, message: /empty: no results files/ },
  ];
  let runs: Run[];
  beforeAll(async () => {
    runs = await all(cases.map((c) => c.setup()));
  }, 240_000);
  cases.forEach((c, k) => {
    it(c.name, SLOW, () => {
      const r = runs[k];
      expect(r.stdout).toBe('');
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/undefined|at .*\.ts:\d+/);
    });
  });
});

describe('csvColumns: the fast reader of results files agrees with csvRows', () => {
  it('CRLF, blank lines, short rows, extra columns; quoted text goes through papaparse', () => {
    const texts = [
      'timestamp,value,anomaly_score\r\n2015-03-01 00:00:00,1,0.5\r\n\r\n2015-03-01 00:05:00,2,0.25\r\n',
      '\ntimestamp,anomaly_score,x\n2015-03-01 00:00:00,0.5,a\n2015-03-01 00:05:00\n2015-03-01 00:10:00,1,b,c',
      'timestamp,anomaly_score\n"2015-03-01 00:00:00",0.5\n2015-03-01 00:05:00,"0.75"\n',
    ];
    for (const t of texts) {
      const rows = csvRows('f.csv', t);
      const ti = rows[0].indexOf('timestamp');
      const si = rows[0].indexOf('anomaly_score');
      const { columns } = csvColumns('f.csv', t, ['timestamp', 'anomaly_score']);
      expect(columns[0]).toEqual(rows.slice(1).map((r) => r[ti] ?? ''));
      expect(columns[1]).toEqual(rows.slice(1).map((r) => r[si] ?? ''));
    }
    expect(() => csvColumns('f.csv', 'timestamp,value\n1,2\n', ['anomaly_score'])).toThrow(/f\.csv: no anomaly_score column \(columns: timestamp, value\)/);
    expect(() => csvColumns('f.csv', '\n\n', ['timestamp'])).toThrow(/f\.csv: empty file/);
  });
});
