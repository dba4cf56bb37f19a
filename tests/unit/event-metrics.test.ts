/**
 * Event-wise metrics (src/core/metrics/event.ts), Merlion's revised point-adjusted definition, on
 * cases worked by hand: a window counts once when any of its rows is flagged, every flagged row
 * outside the windows is a false positive, a window without a flag is a false negative; mean time to
 * detect is the mean over detected windows of (first flagged time in the window − window start).
 */
import { describe, expect, it } from 'vitest';
import { eventMetrics, eventPRF } from '../../src/core/metrics/event.js';
import { rowAxis } from '../../src/core/data/time.js';
import type { TimeWindow } from '../../src/core/data/windows.js';

/** A window over rows a..b of a row axis (its start is row a). */
const rows = (a: number, b: number): TimeWindow => ({ start: a, end: b, startRow: a, endRow: b });
const flagsAt = (n: number, at: number[]) => Array.from({ length: n }, (_, i) => (at.includes(i) ? 1 : 0));

describe('eventMetrics (revised point-adjusted)', () => {
  it('one window detected twice counts once; flags outside are each a false positive', () => {
    // 10 rows, window 3..5; flags at 1 (FP), 4 and 5 (one TP), 8 (FP).
    const m = eventMetrics(flagsAt(10, [1, 4, 5, 8]), [rows(3, 5)], rowAxis(10).values);
    expect([m.tp, m.fp, m.fn]).toEqual([1, 2, 0]);
    expect(m.precision).toBeCloseTo(1 / 3, 15); // 1 / (1 + 2)
    expect(m.recall).toBe(1);
    expect(m.f1).toBeCloseTo(0.5, 15); // 2 · (1/3) · 1 / (4/3)
    expect(m.meanTimeToDetect).toBe(1); // first flag at row 4, window starts at row 3
  });

  it('two windows, one missed: recall 1/2; delays averaged over the detected one only', () => {
    // 20 rows, windows 2..4 and 10..14; flags at 12, 13 and 17.
    const m = eventMetrics(flagsAt(20, [12, 13, 17]), [rows(2, 4), rows(10, 14)], rowAxis(20).values);
    expect([m.tp, m.fp, m.fn]).toEqual([1, 1, 1]);
    expect(m.precision).toBe(0.5);
    expect(m.recall).toBe(0.5);
    expect(m.f1).toBe(0.5);
    expect(m.meanTimeToDetect).toBe(2);
  });

  it('time to detect in the axis units (ms): windows detected 10 and 30 minutes in → 20 minutes', () => {
    const step = 300_000; // 5-minute rows
    const t0 = Date.UTC(2015, 0, 1);
    const times = Float64Array.from({ length: 30 }, (_, i) => t0 + i * step);
    const w = (a: number, b: number): TimeWindow => ({ start: times[a], end: times[b], startRow: a, endRow: b });
    const m = eventMetrics(flagsAt(30, [7, 26]), [w(5, 9), w(20, 28)], times);
    expect([m.tp, m.fp, m.fn]).toEqual([2, 0, 0]);
    expect(m.meanTimeToDetect).toBe(20 * 60_000); // (2 + 6 rows) / 2 × 5 min
    expect(m.f1).toBe(1);
  });

  it('nothing flagged: precision, recall and F1 are 0 (Merlion), no time to detect', () => {
    const m = eventMetrics(new Uint8Array(10), [rows(3, 5)], rowAxis(10).values);
    expect(m).toEqual({ precision: 0, recall: 0, f1: 0, meanTimeToDetect: null, tp: 0, fp: 0, fn: 1 });
  });

  it('no windows: every flag a false positive; booleans accepted as flags', () => {
    const m = eventMetrics([true, false, true], [], rowAxis(3).values);
    expect([m.tp, m.fp, m.fn, m.precision, m.recall, m.f1]).toEqual([0, 2, 0, 0, 0, 0]);
  });

  it('a flag on each edge of a window is inside it', () => {
    expect(eventMetrics(flagsAt(10, [3]), [rows(3, 5)], rowAxis(10).values).fp).toBe(0);
    expect(eventMetrics(flagsAt(10, [5]), [rows(3, 5)], rowAxis(10).values).meanTimeToDetect).toBe(2);
    expect(eventMetrics(flagsAt(10, [2, 6]), [rows(3, 5)], rowAxis(10).values).fp).toBe(2);
  });

  it('eventPRF: zero conventions; and mismatched lengths or windows outside the series are errors', () => {
    expect(eventPRF(0, 0, 0)).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(eventPRF(3, 1, 1)).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75 });
    expect(() => eventMetrics([1, 0], [], rowAxis(3).values)).toThrow(RangeError);
    expect(() => eventMetrics([1, 0, 0], [rows(2, 5)], rowAxis(3).values)).toThrow(/outside the series/);
  });
});
