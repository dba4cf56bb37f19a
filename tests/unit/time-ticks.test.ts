/** The timeline's axis ticks: calendar steps in UTC, dates at midnight, months and years, row numbers. */
import { describe, expect, it } from 'vitest';
import { fullTime, niceTicks, rowTicks, timeTicks } from '../../src/app/lib/time-ticks';

const H = 3_600_000, D = 24 * H;

describe('timeTicks', () => {
  it('two days at ~8 ticks: 6-hour steps on UTC hours, the date at midnight', () => {
    const t0 = Date.UTC(2014, 10, 2, 1, 30);
    const ticks = timeTicks(t0, t0 + 2 * D, 8);
    const steps = ticks.slice(1).map((t, i) => t.value - ticks[i].value);
    expect(new Set(steps)).toEqual(new Set([6 * H]));
    for (const t of ticks) {
      expect(t.value % (6 * H)).toBe(0);
      expect(t.value >= t0 && t.value <= t0 + 2 * D).toBe(true);
      const d = new Date(t.value);
      expect(t.label).toBe(d.getUTCHours() === 0 ? `11/0${d.getUTCDate()}` : `${String(d.getUTCHours()).padStart(2, '0')}:00`);
    }
    expect(ticks.map((t) => t.label)).toContain('11/03');
  });

  it('seven months: month starts labelled YYYY-MM', () => {
    const ticks = timeTicks(Date.UTC(2014, 6, 1), Date.UTC(2015, 0, 31, 23, 30), 8);
    expect(ticks.map((t) => t.label)).toEqual(['2014-07', '2014-08', '2014-09', '2014-10', '2014-11', '2014-12', '2015-01']);
    expect(ticks.every((t) => new Date(t.value).getUTCDate() === 1)).toBe(true);
  });

  it('seconds show seconds; a zero span gives one tick', () => {
    const t0 = Date.UTC(2020, 0, 1, 12, 0, 0);
    const ticks = timeTicks(t0, t0 + 60_000, 6);
    expect(ticks[1].label).toBe('12:00:10');
    expect(timeTicks(t0, t0, 5)).toEqual([{ value: t0, label: '2020-01-01 12:00:00' }]);
  });

  it('years for a decade', () => {
    const ticks = timeTicks(Date.UTC(2000, 5, 1), Date.UTC(2010, 5, 1), 5);
    expect(ticks.map((t) => t.label)).toEqual(['2002', '2004', '2006', '2008', '2010']);
  });
});

describe('row and value ticks', () => {
  it('row order: 1-based row numbers at round steps, placed at their 0-based index', () => {
    const ticks = rowTicks(0, 2999, 6);
    expect(ticks.map((t) => t.label)).toEqual(['500', '1,000', '1,500', '2,000', '2,500', '3,000']);
    expect(ticks[0].value).toBe(499);
  });

  it('niceTicks stays inside the range at 1/2/2.5/5 steps', () => {
    // (0.76 − 0.42) / 4 = 0.085 → step 0.1
    expect(niceTicks(0.42, 0.76, 4)).toEqual([0.5, 0.6, 0.7]);
    expect(niceTicks(0.42, 0.76, 7)).toEqual([0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75]);
    expect(niceTicks(3, 3, 4)).toEqual([3]);
  });

  it('fullTime: seconds, milliseconds only when present', () => {
    expect(fullTime(Date.UTC(2014, 10, 2, 1, 30))).toBe('2014-11-02 01:30:00');
    expect(fullTime(Date.UTC(2014, 10, 2, 1, 30, 5, 250))).toBe('2014-11-02 01:30:05.250');
    expect(fullTime(NaN)).toBe('—');
  });
});
