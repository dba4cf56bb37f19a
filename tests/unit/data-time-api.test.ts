/**
 * The data worker's time functions (src/workers/data-api.ts), called as plain functions: detectTime,
 * setTime (summary only, no values), setWindows (a bad file changes nothing), windows re-matched or kept
 * by row when the time column changes, and dropping a dataset forgets both.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv.js';
import * as api from '../../src/workers/data-api.js';

const T0 = Date.UTC(2015, 2, 1);
const stamp = (i: number) => new Date(T0 + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
const N = 40;
const text = `timestamp,value,other\n${Array.from({ length: N }, (_, i) => `${stamp(i)},${i % 5},${(T0 / 1000) + i * 60}`).join('\n')}\n`;

describe('data worker: time axis and windows', () => {
  it('detects, sets and summarises the time column; windows match, survive a bad file, follow the axis', () => {
    const id = api.add(parseCsvString(text, 'series.csv'));
    expect(api.detectTime(id)).toBe('timestamp');
    // Before setTime the axis is row order.
    expect(api.timeValues(id)).toBeNull();
    const info = api.setTime(id, 'timestamp');
    expect(info).toMatchObject({ column: 'timestamp', kind: 'iso', rows: N, first: T0, last: T0 + (N - 1) * 60_000, windows: null, windowsError: null });
    expect('values' in info).toBe(false);
    expect(api.timeValues(id)?.[3]).toBe(T0 + 3 * 60_000);

    const w = api.setWindows(id, JSON.stringify({ 'cat/series.csv': [[stamp(10), stamp(14)]] }), 'w.json');
    expect(w).toEqual({ fileName: 'w.json', count: 1, windows: [{ start: T0 + 600_000, end: T0 + 840_000, startRow: 10, endRow: 14 }] });
    // A bad file: an error naming it, and the earlier windows stay.
    expect(() => api.setWindows(id, `start,end\n${stamp(1)},2020-01-01 00:00:00\n`, 'bad.csv')).toThrow(/^bad\.csv: window 1 \(line 2\) .*is not in the series series\.csv$/);
    expect(api.windowsOf(id)).toEqual(w.windows);

    // Row order: the window keeps its rows, its start and end become row indices.
    const rows = api.setTime(id, null);
    expect(rows.kind).toBe('row');
    expect(rows.windows).toEqual([{ start: 10, end: 14, startRow: 10, endRow: 14 }]);
    // Epoch seconds in another column: the window's ISO edges do not read as epoch numbers, its rows stay.
    const epoch = api.setTime(id, 'other');
    expect(epoch.kind).toBe('epoch-s');
    expect(epoch.windows).toEqual([{ start: T0 + 600_000, end: T0 + 840_000, startRow: 10, endRow: 14 }]);
    // Back to the timestamp: matched again from the file.
    expect(api.setTime(id, 'timestamp').windows).toEqual(w.windows);

    api.clearWindows(id);
    expect(api.windowsOf(id)).toBeNull();
    api.drop(id);
    expect(() => api.setTime(id, 'timestamp')).toThrow(/no longer loaded/);
  });

  it('an unknown column is refused, naming the columns', () => {
    const id = api.add(parseCsvString(text, 'series.csv'));
    expect(() => api.setTime(id, 'nope')).toThrow(/no column named 'nope'/);
    api.drop(id);
  });
});
