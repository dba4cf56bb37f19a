/**
 * `score FILE --time COL [--windows W] --json` (src/cli/time-file.ts): the JSON's `time` (the axis as
 * read), metrics.event (event-wise precision / recall / F1 and mean time to detect, seconds) and
 * metrics.nab from the same axis, with NAB's combined JSON, a CSV of start,end, and an epoch-seconds
 * time column all giving the same figures; a window time not in the series is one line, exit 2.
 * Expected values are recomputed here from the scored file (--out's is_anomaly) and the windows as
 * written, by counting windows and flags directly and through issue 15's scorer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareSeries, scoreFlags } from '../../src/core/metrics/nab.js';
import { cliAll } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-time-'));
const T0 = Date.UTC(2015, 2, 1);
const STEP = 300_000; // 5 minutes
const N = 400;
const stamp = (i: number) => new Date(T0 + i * STEP).toISOString().slice(0, 19).replace('T', ' ');
// A smooth series with spikes at rows 120 and 121 (in the first window), 300 (outside) and 352 (in the second window).
const spikes = new Map([[120, 40], [121, 35], [300, 30], [352, 45]]);
const value = (i: number) => (spikes.get(i) ?? 10 * Math.sin(i / 20)).toFixed(4);
const windows: [number, number][] = [[110, 140], [340, 360], [200, 210]];

const isoFile = join(dir, 'series.csv');
writeFileSync(isoFile, `timestamp,value\n${Array.from({ length: N }, (_, i) => `${stamp(i)},${value(i)}`).join('\n')}\n`);
const epochFile = join(dir, 'epoch', 'series.csv');
const combined = join(dir, 'combined_windows.json');
writeFileSync(combined, JSON.stringify({ 'cat/other.csv': [], 'cat/series.csv': windows.map(([a, b]) => [`${stamp(a)}.000000`, `${stamp(b)}.000000`]) }));
const csvWindows = join(dir, 'windows.csv');
writeFileSync(csvWindows, `start,end\n${windows.map(([a, b]) => `${stamp(a)},${stamp(b)}`).join('\n')}\n`);

describe('score --time --windows: metrics.event and metrics.nab from one time axis', () => {
  it('JSON and CSV windows, ISO and epoch time columns agree; figures match a direct count', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'epoch'), { recursive: true });
    writeFileSync(epochFile, `ts,value\n${Array.from({ length: N }, (_, i) => `${(T0 + i * STEP) / 1000},${value(i)}`).join('\n')}\n`);
    const epochWindows = join(dir, 'epoch-windows.csv');
    writeFileSync(epochWindows, windows.map(([a, b]) => `${(T0 + a * STEP) / 1000},${(T0 + b * STEP) / 1000}`).join('\n'));
    const out = join(dir, 'scored.csv');
    const common = ['--detector', 'zscore', '--contamination', '0.01', '--json'];
    const [json, csv, epoch, plain] = await cliAll([
      ['score', isoFile, '--time', 'timestamp', '--windows', combined, '--out', out, ...common],
      ['score', isoFile, '--time', 'timestamp', '--windows', csvWindows, ...common],
      ['score', epochFile, '--time', 'ts', '--windows', epochWindows, ...common],
      ['score', isoFile, '--time', 'timestamp', ...common],
    ]);
    for (const r of [json, csv, epoch, plain]) expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(json.stdout);
    expect(j.columns).toEqual(['value']);
    expect(j.time).toEqual({ column: 'timestamp', kind: 'iso', first: new Date(T0).toISOString(), last: new Date(T0 + (N - 1) * STEP).toISOString(), unparseable: { count: 0, firstRow: 0 }, duplicates: { count: 0, firstRow: 0 }, out_of_order: { count: 0, firstRow: 0 } });

    // The flagged rows as written by --out, and the windows counted by hand from them.
    const flags = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').at(-1)));
    expect(flags.reduce((a, b) => a + b, 0)).toBe(j.flagged);
    const flagged = flags.flatMap((f, i) => (f ? [i] : []));
    const inWindow = (i: number) => windows.some(([a, b]) => i >= a && i <= b);
    const detected = windows.filter(([a, b]) => flagged.some((i) => i >= a && i <= b));
    const tp = detected.length;
    const fp = flagged.filter((i) => !inWindow(i)).length;
    const fn = windows.length - tp;
    expect(tp).toBeGreaterThan(0); // the spikes are found: the case is not vacuous
    const e = j.metrics.event;
    expect([e.tp, e.fp, e.fn, e.windows]).toEqual([tp, fp, fn, 3]);
    expect(e.precision).toBeCloseTo(tp / (tp + fp), 12);
    expect(e.recall).toBeCloseTo(tp / (tp + fn), 12);
    expect(e.f1).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 12);
    const delays = detected.map(([a, b]) => (flagged.find((i) => i >= a && i <= b)! - a) * (STEP / 1000));
    expect(e.mean_time_to_detect_unit).toBe('s');
    expect(e.mean_time_to_detect).toBeCloseTo(delays.reduce((x, y) => x + y, 0) / delays.length, 9);

    // metrics.nab as issue 15's scorer gives it for these flags and the windows as NAB writes them.
    const want = scoreFlags(prepareSeries('cat/series.csv', Array.from({ length: N }, (_, i) => stamp(i)), JSON.parse(readFileSync(combined, 'utf8'))['cat/series.csv']), flags);
    expect(j.metrics.nab.series).toBe('cat/series.csv');
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) expect(j.metrics.nab[p].score).toBe(want[p].score);

    // The CSV windows and the epoch-seconds column give the same figures.
    for (const r of [csv, epoch]) {
      const k = JSON.parse(r.stdout);
      expect(k.flagged).toBe(j.flagged);
      expect(k.metrics.event).toEqual(e);
      for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) expect(k.metrics.nab[p].score).toBe(want[p].score);
    }
    expect(JSON.parse(epoch.stdout).time.kind).toBe('epoch-s');
    // --time alone: the axis is reported, no event metrics.
    const p = JSON.parse(plain.stdout);
    expect(p.time.kind).toBe('iso');
    expect(p.metrics?.event).toBeUndefined();
  }, 240_000);

  it('reports unparseable, duplicate and out-of-order times; refuses a window time not in the series and a column of no times (one line, exit 2)', async () => {
    const messy = join(dir, 'messy.csv');
    const rows = Array.from({ length: 50 }, (_, i) => `${stamp(i)},${value(i)}`);
    rows[10] = `${stamp(9)},1`; // row 11 repeats row 10's time
    rows[20] = 'not a time,1'; // row 21
    rows[30] = `${stamp(5)},1`; // row 31 goes back (and repeats row 6)
    writeFileSync(messy, `timestamp,value\n${rows.join('\n')}\n`);
    const missing = join(dir, 'missing.csv');
    writeFileSync(missing, `start,end\n${stamp(3)},${stamp(4)}\n${stamp(7)},2016-01-01 00:00:00\n`);
    const words = join(dir, 'words.csv');
    writeFileSync(words, 'note,value\nred,1\nblue,2\ngreen,3\n');
    const [m, bad, none] = await cliAll([
      ['score', messy, '--detector', 'zscore', '--time', 'timestamp', '--json'],
      ['score', isoFile, '--detector', 'zscore', '--time', 'timestamp', '--windows', missing, '--json'],
      ['score', words, '--detector', 'zscore', '--time', 'note', '--json'],
    ]);
    expect(m.status, m.stderr).toBe(0);
    const t = JSON.parse(m.stdout).time;
    expect(t.unparseable).toEqual({ count: 1, firstRow: 21 });
    expect(t.duplicates).toEqual({ count: 2, firstRow: 11 });
    expect(t.out_of_order).toEqual({ count: 1, firstRow: 31 });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/missing\.csv: window 2 \(line 3\) \[.*\]: time '2016-01-01 00:00:00' is not in the series/);
    expect(none.status).toBe(2);
    expect(none.stderr.trim()).toMatch(/words\.csv: --time column 'note' holds no date and time \(e\.g\. 'red' in row 1\)$/);
  }, 240_000);
});
