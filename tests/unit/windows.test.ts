/**
 * Windows files (src/core/data/windows.ts): NAB's combined_windows.json (entry by the series' file
 * name), a bare JSON list, a CSV of start,end (with or without a header), epoch and row axes, and the
 * errors: a time not in the series, an end before the start, overlapping windows, no entry, bad JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/data/errors.js';
import { parseTimes, rowAxis } from '../../src/core/data/time.js';
import { parseWindowsFile, windowsKey } from '../../src/core/data/windows.js';
import { prepareSeries } from '../../src/core/metrics/nab.js';
import { REPO_ROOT } from './helpers.js';

const T0 = Date.UTC(2015, 2, 1);
const stamp = (i: number) => new Date(T0 + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
const N = 50;
const axis = parseTimes(Array.from({ length: N }, (_, i) => stamp(i)));

function error(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('no error thrown');
}

describe('parseWindowsFile', () => {
  it("NAB's combined file: the series' entry by its file name, edges with .000000, sorted by start", () => {
    const json = JSON.stringify({
      'realKnownCause/other.csv': [[`${stamp(1)}.000000`, `${stamp(2)}.000000`]],
      'realKnownCause/series.csv': [[`${stamp(30)}.000000`, `${stamp(39)}.000000`], [`${stamp(10)}.000000`, `${stamp(12)}.000000`]],
    });
    const w = parseWindowsFile(json, 'combined_windows.json', 'series.csv', axis);
    expect(w).toEqual([
      { start: T0 + 10 * 300_000, end: T0 + 12 * 300_000, startRow: 10, endRow: 12 },
      { start: T0 + 30 * 300_000, end: T0 + 39 * 300_000, startRow: 30, endRow: 39 },
    ]);
  });

  it('agrees with issue 15\'s NAB scorer on which rows a window holds', () => {
    const pairs: [string, string][] = [[`${stamp(5)}.000000`, `${stamp(9)}.000000`], [`${stamp(20)}.000000`, `${stamp(33)}.000000`]];
    const ours = parseWindowsFile(JSON.stringify({ 'a/s.csv': pairs }), 'w.json', 's.csv', axis);
    const nab = prepareSeries('a/s.csv', Array.from({ length: N }, (_, i) => stamp(i)), pairs);
    expect(ours.map((w) => [w.startRow, w.endRow])).toEqual(nab.windows.map((w) => [w.start, w.end]));
  });

  it('a bare JSON list and a CSV (header or not, CRLF, a blank line) give the same windows', () => {
    const list = parseWindowsFile(JSON.stringify([[stamp(3), stamp(4)]]), 'w.json', 's.csv', axis);
    const withHeader = parseWindowsFile(`start,end\r\n${stamp(3)},${stamp(4)}\r\n\r\n`, 'w.csv', 's.csv', axis);
    const bare = parseWindowsFile(`${stamp(3)},${stamp(4)}\n`, 'w.csv', 's.csv', axis);
    expect(list).toEqual([{ start: T0 + 900_000, end: T0 + 1_200_000, startRow: 3, endRow: 4 }]);
    expect(withHeader).toEqual(list);
    expect(bare).toEqual(list);
  });

  it('epoch axes read edges in their own unit; a row axis reads 0-based rows', () => {
    const s = parseTimes(['1396000000', '1396000300', '1396000600']);
    expect(parseWindowsFile('start,end\n1396000300,1396000600\n', 'w.csv', 's.csv', s)).toEqual([{ start: 1396000300000, end: 1396000600000, startRow: 1, endRow: 2 }]);
    expect(parseWindowsFile('[[2, 4]]', 'w.json', 's.csv', rowAxis(10))).toEqual([{ start: 2, end: 4, startRow: 2, endRow: 4 }]);
  });

  it('an edge on a duplicated time matches its first row; out-of-order axes are searched in full', () => {
    const a = parseTimes([stamp(0), stamp(2), stamp(1), stamp(2), stamp(3)]);
    expect(parseWindowsFile(JSON.stringify([[stamp(1), stamp(3)]]), 'w.json', 's.csv', a)).toEqual([{ start: T0 + 300_000, end: T0 + 900_000, startRow: 2, endRow: 4 }]);
  });

  it('a time not in the series names the file, the window and the time', () => {
    const e = error(() => parseWindowsFile(JSON.stringify({ 'c/s.csv': [[stamp(3), '2015-03-01 00:21:00']] }), 'labels.json', 's.csv', axis));
    expect(e.message).toBe(`labels.json: c/s.csv window 1 [${stamp(3)}, 2015-03-01 00:21:00]: time '2015-03-01 00:21:00' is not in the series s.csv`);
    expect(e.file).toBe('labels.json');
    const c = error(() => parseWindowsFile(`start,end\n${stamp(3)},${stamp(4)}\n${stamp(7)},2016-01-01 00:00:00\n`, 'w.csv', 's.csv', axis));
    expect(c.message).toMatch(/^w\.csv: window 2 \(line 3\) \[.*\]: time '2016-01-01 00:00:00' is not in the series s\.csv$/);
  });

  it('other mistakes: not a time, end before start, overlap, three cells, no entry, bad JSON', () => {
    expect(error(() => parseWindowsFile('[["soon", "later"]]', 'w.json', 's.csv', axis)).message).toBe("w.json: window 1 [soon, later]: 'soon' is not a date and time");
    expect(error(() => parseWindowsFile(JSON.stringify([[stamp(9), stamp(4)]]), 'w.json', 's.csv', axis)).message).toMatch(/window 1 .* ends \(row 5\) before it starts \(row 10\)/);
    expect(error(() => parseWindowsFile(JSON.stringify([[stamp(1), stamp(5)], [stamp(5), stamp(8)]]), 'w.json', 's.csv', axis)).message).toBe('w.json: window 1 and window 2 overlap');
    expect(error(() => parseWindowsFile(`${stamp(1)},${stamp(2)},x\n`, 'w.csv', 's.csv', axis)).message).toBe('w.csv: line 1 has 3 cells, expected two: start,end');
    expect(error(() => parseWindowsFile('{"a/b.csv": []}', 'w.json', 's.csv', axis)).message).toBe('w.json: no entry for s.csv (its keys are <category>/<file>.csv, e.g. a/b.csv)');
    expect(error(() => parseWindowsFile('{"a/s.csv": [', 'w.json', 's.csv', axis)).message).toMatch(/^w\.json: not valid JSON/);
    expect(error(() => parseWindowsFile('[[1, 2, 3]]', 'w.json', 's.csv', rowAxis(5))).message).toBe('w.json: window 1 is not a pair [start, end]: [1,2,3]');
  });

  it('windowsKey: a folder in the series name picks between entries that share a file name', () => {
    const keys = ['realKnownCause/x.csv', 'artificialWithAnomaly/x.csv', 'realKnownCause/y.csv'];
    expect(windowsKey(keys, 'y.csv', 'w.json')).toBe('realKnownCause/y.csv');
    expect(windowsKey(keys, 'data/artificialWithAnomaly/x.csv', 'w.json')).toBe('artificialWithAnomaly/x.csv');
    expect(error(() => windowsKey(keys, 'x.csv', 'w.json')).message).toMatch(/2 entries are named x\.csv/);
  });
});

describe('the vendored NAB samples', () => {
  const samples = resolve(REPO_ROOT, 'public', 'samples');
  it.runIf(existsSync(resolve(samples, 'nab_windows.json')))('every window of nyc_taxi and machine_temperature matches its series', () => {
    const text = readFileSync(resolve(samples, 'nab_windows.json'), 'utf8');
    // machine_temperature goes back 55 minutes at row 10,150 (02:55 → 02:00) and repeats 12 times
    // (counted independently with Python's csv and datetime); nyc_taxi is clean.
    const issues = { 'nyc_taxi.csv': [0, 0, 0, 0, 0], 'machine_temperature_system_failure.csv': [0, 12, 10150, 1, 10150] };
    for (const [file, count] of [['nyc_taxi.csv', 5], ['machine_temperature_system_failure.csv', 4]] as const) {
      const lines = readFileSync(resolve(samples, file), 'utf8').trim().split('\n').slice(1);
      const a = parseTimes(lines.map((l) => l.split(',')[0]));
      expect([a.unparseable.count, a.duplicates.count, a.duplicates.firstRow, a.backwards.count, a.backwards.firstRow]).toEqual(issues[file]);
      const w = parseWindowsFile(text, 'nab_windows.json', file, a);
      expect(w.length).toBe(count);
    }
  });
});
