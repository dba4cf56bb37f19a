/**
 * `score FILE --threshold T` (issue 16: the page's slider on the command line): flagged, metrics,
 * metrics.nab and --out's is_anomaly at score > T; and metrics.nab equals the page's NabSweep at the
 * same threshold on the same scores.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NabSweep } from '../../src/core/metrics/nab-sweep';
import { cliAll, type CliRun } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'anomaly-lab-score-threshold-'));
const SLOW = { timeout: 120_000 };
const N = 400;
const T0 = Date.UTC(2015, 2, 1);
const stamp = (i: number) => new Date(T0 + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
/** Rows of the two windows (inclusive). */
const WINDOWS = [[150, 169], [300, 329]] as const;

const file = join(root, 'series.csv');
const windowsFile = join(root, 'windows.json');
const out = join(root, 'scored.csv');
const out2 = join(root, 'scored-1.csv');

function scoredCsv(path: string): { score: number[]; flag: number[] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const [s, f] = [head.indexOf('score'), head.indexOf('is_anomaly')];
  const rows = lines.slice(1).map((l) => l.split(','));
  return { score: rows.map((r) => Number(r[s])), flag: rows.map((r) => Number(r[f])) };
}

describe('score --threshold', () => {
  let runs: CliRun[];
  beforeAll(async () => {
    // A daily-ish wave with bumps inside (and one outside) the windows, label = rows of the windows.
    const lines = ['timestamp,value,label'];
    for (let i = 0; i < N; i++) {
      const inside = WINDOWS.some(([a, b]) => i >= a && i <= b);
      const v = Math.sin(i / 9) + (i === 155 || i === 310 ? 6 : 0) + (i === 250 ? 4 : 0) + ((i * 7919) % 13) / 40;
      lines.push(`${stamp(i)},${v.toFixed(6)},${inside ? 1 : 0}`);
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    writeFileSync(windowsFile, JSON.stringify({ 'cat/series.csv': WINDOWS.map(([a, b]) => [`${stamp(a)}.000000`, `${stamp(b)}.000000`]) }));
    const base = ['score', file, '--detector', 'zscore', '--columns', 'value', '--time', 'timestamp', '--windows', windowsFile, '--json'];
    runs = await cliAll([
      [...base, '--out', out],
      [...base, '--threshold', '1'],
      [...base, '--threshold', 'abc'],
      [...base, '--threshold', ''],
      [...base, '--threshold', '1', '--out', out2],
    ]);
  }, 240_000);

  it('flags score > T and scores NAB there, equal to the page\'s sweep', SLOW, () => {
    const [own, fixed] = runs.map((r) => (r.status === 0 ? JSON.parse(r.stdout) : r));
    expect(runs[0].stderr).toBe('');
    expect(runs[1].stderr).toBe('');
    const { score } = scoredCsv(out);
    expect(score).toHaveLength(N);
    expect(own.threshold).not.toBe(1);
    expect(own.metrics.nab.rule).toMatch(/the detector's own threshold/);
    expect(fixed.threshold).toBe(1);
    expect(fixed.metrics.nab.rule).toBe('score > 1 (--threshold)');
    expect(fixed.flagged).toBe(score.filter((s) => s > 1).length);
    expect(fixed.flagged).not.toBe(own.flagged);
    expect(scoredCsv(out2).flag).toEqual(score.map((s) => (s > 1 ? 1 : 0)));
    expect(scoredCsv(out).flag).toEqual(score.map((s) => (s > own.threshold ? 1 : 0)));
    // The point metrics follow the threshold too.
    const tp = score.filter((s, i) => s > 1 && WINDOWS.some(([a, b]) => i >= a && i <= b)).length;
    expect(fixed.metrics.tp).toBe(tp);
    // The page's NabSweep on the same scores at the same threshold.
    const sweep = new NabSweep(NabSweep.build(score, WINDOWS.map(([a, b]) => ({ startRow: a, endRow: b }))));
    for (const [t, cli] of [[1, fixed], [own.threshold as number, own]] as const) {
      const page = sweep.nabAt(t);
      for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
        expect(page[p].score).toBeCloseTo(cli.metrics.nab[p].score, 10);
        expect({ tp: page[p].tp, fp: page[p].fp, detected: page[p].detected }).toEqual({ tp: cli.metrics.nab[p].tp, fp: cli.metrics.nab[p].fp, detected: cli.metrics.nab[p].detected });
      }
    }
  });

  it('refuses a threshold that is not a number, in one line, exit 2', SLOW, () => {
    for (const [r, text] of [[runs[2], 'abc'], [runs[3], '']] as const) {
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`anomaly-lab: --threshold must be a number, got: '${text}'`);
    }
  });
});
