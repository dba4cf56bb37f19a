/** Small helpers for the benchmarks: statistics, formatting, markdown tables, GC. */
import v8 from 'node:v8';
import vm from 'node:vm';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function best(xs: number[]): number {
  return Math.min(...xs);
}

/** Milliseconds, readable: 0.42 µs, 12.3 ms, 3.21 s. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms < 0.01) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function fmtRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return 'n/a';
  return r < 0.01 ? `${r.toExponential(1)}×` : `${r.toFixed(2)}×`;
}

export function ratio(ours: number | null | undefined, theirs: number | null | undefined): number | null {
  return ours == null || theirs == null || !(theirs > 0) ? null : ours / theirs;
}

/** ✅ / ❌ / n/a from a boolean or null. */
export function met(ok: boolean | null): string {
  return ok === null ? 'n/a' : ok ? 'yes' : 'NO';
}

export function table(title: string, header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, j) => (c ?? '').padEnd(widths[j])).join(' | ')} |`;
  return [`### ${title}`, '', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ''].join('\n');
}

let gcFn: (() => void) | null | undefined;
/** Full GC between timed runs (exposed at run time, no node flag needed). */
export function gc(): void {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

/** Time an async function `reps` times (GC before each); returns the times in ms. */
export async function timeRuns(reps: number, fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}
