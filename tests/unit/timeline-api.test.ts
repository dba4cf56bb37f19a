/**
 * The data worker's timeline functions (src/workers/data-api.ts), called as plain functions: timelineInfo
 * (extent, probation), decimate over the chosen time axis with the scores put there (equal to the core
 * function on the same rows), nearestRow on sorted and out-of-order times.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv.js';
import { decimate } from '../../src/core/data/decimate.js';
import * as api from '../../src/workers/data-api.js';

const T0 = Date.UTC(2015, 2, 1);
const MIN = 60_000;
const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');

describe('data worker: timeline', () => {
  it('info, decimation with scores and nearest rows over a time column', () => {
    const n = 3000;
    const value = (i: number) => (i % 97 === 0 ? '' : String(Math.sin(i / 30) * 10 + (i === 1234 ? 50 : 0)));
    const id = api.add(parseCsvString(`timestamp,value\n${Array.from({ length: n }, (_, i) => `${stamp(T0 + i * MIN)},${value(i)}`).join('\n')}\n`, 'series.csv'));
    // Row order until setTime.
    expect(api.timelineInfo(id, 450)).toEqual({ rows: n, extent: [0, n - 1], kind: 'row', probationStart: 0, probationEnd: 449, sorted: true });
    api.setTime(id, 'timestamp');
    expect(api.timelineInfo(id, 450)).toEqual({ rows: n, extent: [T0, T0 + (n - 1) * MIN], kind: 'time', probationStart: T0, probationEnd: T0 + 449 * MIN, sorted: true });
    expect(api.timelineInfo(id, 0).probationEnd).toBeNaN();

    const scores = Float64Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i * 1.7)));
    api.putScores(id, scores.slice());
    const t0 = T0 + 500 * MIN, t1 = T0 + 2500 * MIN;
    const got = api.decimate(id, { columns: ['value'], scores: true, t0, t1, pixels: 300 });
    const values = Float64Array.from({ length: n }, (_, i) => (value(i) === '' ? NaN : Number(value(i))));
    const times = Float64Array.from({ length: n }, (_, i) => T0 + i * MIN);
    expect(got).toEqual(decimate({ times, sorted: true, series: [values], scores, t0, t1, pixels: 300 }));
    if (got.kind !== 'buckets') throw new Error(got.kind);
    expect(got.rows).toBe(2001);
    // The spike's bucket holds its value as the bucket's max.
    const b = Math.floor(((T0 + 1234 * MIN - t0) / (t1 - t0)) * 300);
    expect(got.series[0].max[b]).toBeGreaterThan(40);
    // Without scores kept (or not asked for): no score series.
    expect(api.decimate(id, { columns: ['value'], t0, t1, pixels: 300 }).score).toBeNull();
    api.putScores(id, null);
    expect(api.decimate(id, { columns: ['value'], scores: true, t0, t1, pixels: 300 }).score).toBeNull();

    // Nearest rows: exact, between two (the nearer, the earlier on a tie), before the start, past the end.
    expect(api.nearestRow(id, ['value'], T0 + 10 * MIN)).toEqual({ row: 10, time: T0 + 10 * MIN, values: [Number(value(10))] });
    expect(api.nearestRow(id, ['value'], T0 + 10.4 * MIN)?.row).toBe(10);
    expect(api.nearestRow(id, ['value'], T0 + 10.6 * MIN)?.row).toBe(11);
    expect(api.nearestRow(id, ['value'], T0 + 10.5 * MIN)?.row).toBe(10);
    expect(api.nearestRow(id, ['value'], T0 - 5 * MIN)?.row).toBe(0);
    expect(api.nearestRow(id, ['value'], T0 + 1e9)?.row).toBe(n - 1);
    // A missing cell reads NaN.
    expect(api.nearestRow(id, ['value'], T0 + 97 * MIN)?.values[0]).toBeNaN();
    api.drop(id);
  });

  it('out-of-order times: scanned, not cut by binary search', () => {
    const order = [0, 1, 2, 5, 3, 4, 6, 7];
    const id = api.add(parseCsvString(`timestamp,value\n${order.map((k) => `${stamp(T0 + k * MIN)},${k * 10}`).join('\n')}\n`, 'shuffled.csv'));
    api.setTime(id, 'timestamp');
    const info = api.timelineInfo(id, 2);
    expect(info.sorted).toBe(false);
    expect(info.extent).toEqual([T0, T0 + 7 * MIN]);
    // Rows 3 (time 5) and 4 (time 3): the nearest to time 3.1 is row 4, found by a scan.
    expect(api.nearestRow(id, ['value'], T0 + 3.1 * MIN)?.row).toBe(4);
    const got = api.decimate(id, { columns: ['value'], t0: T0 + 2.5 * MIN, t1: T0 + 5.5 * MIN, pixels: 10 });
    if (got.kind !== 'points') throw new Error(got.kind);
    expect(Array.from(got.row)).toEqual([3, 4, 5]);
    expect(Array.from(got.series[0])).toEqual([50, 30, 40]);
    api.drop(id);
  });
});
