/** Axis ticks for the timeline: calendar steps for times (UTC, as Grafana's), round numbers for row order and values. */

const S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;
/** Steps in ms; months and years are handled apart (calendar lengths). */
const STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 3 * D, 7 * D, 14 * D];
const MONTHS = [1, 2, 3, 6, 12, 24, 60, 120];

const pad = (n: number) => String(n).padStart(2, '0');

export interface Tick {
  value: number;
  label: string;
}

/** Ticks for a time range [t0, t1] (ms since epoch, UTC) about `count` of them. */
export function timeTicks(t0: number, t1: number, count: number): Tick[] {
  const span = t1 - t0;
  if (!(span > 0)) return [{ value: t0, label: fullTime(t0) }];
  const raw = span / Math.max(1, count);
  const step = STEPS.find((s) => s >= raw);
  const ticks: Tick[] = [];
  if (step !== undefined) {
    // Aligned to the step in UTC (weeks to Mondays would need a calendar; day multiples align to the epoch).
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push({ value: t, label: '' });
    for (const tk of ticks) {
      const d = new Date(tk.value);
      const date = `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
      const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${step < M ? `:${pad(d.getUTCSeconds())}` : ''}`;
      // Days: the date; within a day: the time, and the date at midnight (Grafana's habit).
      tk.label = step >= D || tk.value % D === 0 ? date : hm;
    }
    return ticks;
  }
  const months = MONTHS.find((m) => m * 30.44 * D >= raw) ?? Math.ceil(raw / (365.25 * D)) * 12; // 30.44 days: a mean month
  const start = new Date(t0);
  let y = start.getUTCFullYear(), m = start.getUTCMonth();
  m = Math.ceil(m / months) * months;
  y += Math.floor(m / 12);
  m %= 12;
  for (let k = 0; k < 1000; k++) {
    const t = Date.UTC(y, m, 1);
    if (t > t1) break;
    if (t >= t0) ticks.push({ value: t, label: months >= 12 ? String(new Date(t).getUTCFullYear()) : `${new Date(t).getUTCFullYear()}-${pad(new Date(t).getUTCMonth() + 1)}` });
    m += months;
    y += Math.floor(m / 12);
    m %= 12;
  }
  return ticks;
}

/** A time in full for the tooltip: YYYY-MM-DD HH:MM:SS (UTC), with milliseconds when it has them. */
export function fullTime(t: number): string {
  if (!Number.isFinite(t)) return '—';
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, t % 1000 === 0 ? 19 : 23)}`;
}

/** Round tick values (1, 2, 2.5, 5 × 10^k steps) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12 * Math.abs(hi); t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks for row order: 1-based row numbers at integer steps, placed at their 0-based index. */
export function rowTicks(i0: number, i1: number, count: number): Tick[] {
  return niceTicks(i0 + 1, i1 + 1, count)
    .filter((r) => Number.isInteger(r))
    .map((r) => ({ value: r - 1, label: r.toLocaleString('en-US') }));
}
