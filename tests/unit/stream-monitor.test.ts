import { describe, expect, it } from 'vitest';
import { countAlerts, monitorFigures, windowsFromLabels } from '../../src/core/stream/monitor';
import { eventMetrics } from '../../src/core/metrics/event';
import { labelRows, scoreFlags } from '../../src/core/metrics/nab';

const rowTimes = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('stream monitor', () => {
  // rows 0..9, one window over rows 3..5, flags at rows 1, 4, 5 and 8 (event.ts' example)
  const flags = Uint8Array.from([0, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
  const windows = [{ start: 3, end: 5, startRow: 3, endRow: 5 }];
  const times = rowTimes(10);

  it('at the end of the stream equals the batch metrics of the same flags', () => {
    const m = monitorFigures({ k: 10, flags, labels: null, windows, times, lastN: 100 });
    expect(m.eventAll).toEqual(eventMetrics(flags, windows, times));
    expect(m.eventAll!.meanTimeToDetect).toBe(1);
    // point-wise: window rows 3,4,5 are the anomalies: tp 2 (4,5), fp 2 (1,8), fn 1 (3)
    expect(m.pointAll.precision).toBeCloseTo(0.5, 12);
    expect(m.pointAll.recall).toBeCloseTo(2 / 3, 12);
    expect(m.alerts).toBe(3);
    const series = labelRows('stream', 10, [{ start: 3, end: 5, limits: ['3', '5'] }]);
    expect(m.nab).toBe(scoreFlags(series, flags, { profile: 'standard' }).standard.score);
  });

  it('so far: a window not yet detected is missed so far; before any window there is no NAB score', () => {
    const before = monitorFigures({ k: 3, flags, labels: null, windows, times, lastN: 100 });
    expect(before.nab).toBeNull();
    expect(before.eventAll!.fp).toBe(1);
    expect(before.eventAll!.tp + before.eventAll!.fn).toBe(0);
    const inside = monitorFigures({ k: 4, flags, labels: null, windows, times, lastN: 100 });
    expect(inside.eventAll!.fn).toBe(1);
    expect(inside.eventAll!.recall).toBe(0);
    const detected = monitorFigures({ k: 5, flags, labels: null, windows, times, lastN: 100 });
    expect(detected.eventAll!.tp).toBe(1);
    expect(detected.eventAll!.recall).toBe(1);
  });

  it('the last N points read only those points', () => {
    const m = monitorFigures({ k: 10, flags, labels: null, windows, times, lastN: 3 });
    // rows 7..9: one false positive (8), no window
    expect(m.pointLast.precision).toBe(0);
    expect(m.eventLast!.fp).toBe(1);
    expect(m.eventLast!.tp + m.eventLast!.fn).toBe(0);
    const mid = monitorFigures({ k: 6, flags, labels: null, windows, times, lastN: 2 });
    // rows 4..5, both flagged, both inside the window (clipped: starts at row 4, so time to detect 0)
    expect(mid.pointLast.precision).toBe(1);
    expect(mid.eventLast!.tp).toBe(1);
    expect(mid.eventLast!.meanTimeToDetect).toBe(0);
  });

  it('point labels take precedence over windows for point-wise figures', () => {
    const labels = Uint8Array.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const m = monitorFigures({ k: 10, flags, labels, windows: windowsFromLabels(labels, times), times, lastN: 10 });
    expect(m.pointAll.recall).toBe(1);
    expect(m.pointAll.precision).toBe(0.25);
    expect(m.eventAll!.tp).toBe(1);
  });

  it('groups runs of labels and flags', () => {
    expect(windowsFromLabels([0, 1, 1, 0, 1], rowTimes(5)).map((w) => [w.startRow, w.endRow])).toEqual([[1, 2], [4, 4]]);
    expect(countAlerts([1, 1, 0, 1, 0, 1, 1], 0, 7)).toBe(3);
    expect(countAlerts([1, 1, 0, 1], 1, 4)).toBe(2);
  });

  it('refuses a k beyond the stream', () => {
    expect(() => monitorFigures({ k: 11, flags, labels: null, windows, times, lastN: 3 })).toThrow(RangeError);
  });
});
