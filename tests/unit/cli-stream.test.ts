/**
 * `anomaly-lab stream` as a pipeline stage, spawned: CSV and NDJSON in, one NDJSON line per point out
 * as it arrives, bad lines reported by number while the stream goes on, back-pressure from a slow
 * reader, --alert-cmd with grouping and suppression, --serve relaying to a WebSocket client.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REPO_ROOT } from './helpers';
import { Random } from '../../src/core/random';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
const LONG = 120_000;

interface Proc {
  p: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves with the output line number k (0-based) once it has arrived. */
  line(k: number): Promise<string>;
  /** Resolves when stderr matches. */
  stderrMatch(re: RegExp): Promise<RegExpMatchArray>;
  done: Promise<number | null>;
}

function start(args: string[], read = true): Proc {
  const p = spawn(process.execPath, [BIN, 'stream', ...args], { cwd: REPO_ROOT, timeout: LONG });
  const lines: string[] = [];
  let partial = '';
  let err = '';
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  if (read) {
    p.stdout.on('data', (d: Buffer) => {
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
      wake();
    });
  }
  p.stderr.on('data', (d: Buffer) => {
    err += d.toString('utf8');
    wake();
  });
  let closed = false;
  const until = async <T>(get: () => T | undefined | null): Promise<T> => {
    for (;;) {
      const v = get();
      if (v !== undefined && v !== null) return v;
      // A CLI that ended will not write it: fail with what it said rather than wait for the timeout.
      if (closed) throw new Error(`the CLI ended (status ${p.exitCode}) without it; stderr: ${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const done = new Promise<number | null>((r) => p.on('close', (code) => ((closed = true), wake(), r(code))));
  return { p, lines, stderr: () => err, line: (k) => until(() => lines[k]), stderrMatch: (re) => until(() => re.exec(err)), done };
}

/** Another command of the CLI, its status. */
function run0(args: string[]): Promise<number | null> {
  return new Promise((done) => spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: LONG, stdio: 'ignore' }).on('close', done));
}

async function run(args: string[], input: string): Promise<{ code: number | null; out: Record<string, unknown>[]; stderr: string }> {
  const s = start(args);
  s.p.stdin.end(input);
  const code = await s.done;
  return { code, out: s.lines.filter((l) => l !== '').map((l) => JSON.parse(l)), stderr: s.stderr() };
}

/** 0/1 alternating (so a z-score model has mean 0.5, std 0.5), with `spikes` (line index → value). */
function series(n: number, spikes: Record<number, number> = {}): number[] {
  return Array.from({ length: n }, (_, i) => spikes[i] ?? i % 2);
}

describe('anomaly-lab stream', () => {
  it('reads CSV, writes one NDJSON object per point with timestamp, values, score, is_anomaly, drift, model', async () => {
    const v = series(40, { 30: 100 });
    const csv = `timestamp,value\n${v.map((x, i) => `2024-01-01T00:${String(i).padStart(2, '0')}:00Z,${x}`).join('\n')}\n`;
    const r = await run(['--detector', 'zscore', '--train', '20'], csv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.length).toBe(40);
    expect(Object.keys(r.out[0])).toEqual(['timestamp', 'value', 'score', 'is_anomaly', 'drift', 'model']);
    expect(r.out[5]).toEqual({ timestamp: '2024-01-01T00:05:00Z', value: 1, score: 0, is_anomaly: false, drift: null, model: null });
    expect(r.out[20].model).toEqual({ updated: true, points: 20, reason: 'initial' });
    expect(r.out.map((o) => o.is_anomaly)).toEqual(v.map((_, i) => i === 30));
    expect(r.out[30].score as number).toBeGreaterThan(100);
  }, LONG);

  it('reads NDJSON (auto-detected); bad lines are one stderr line each with the line number, and the stream goes on', async () => {
    const lines = [
      '{"ts": 1, "a": 1, "b": 2}',
      '{"ts": 2, "a": 1.5, "b": 2, "c": 9}', // c appears: said once, ignored
      '{"ts": 3, "a": 2}', // b disappears
      'not json',
      '{"ts": 4, "a": "x", "b": 1}', // not a number
      '{"ts": 3.5, "a": 2, "b": 3}', // after 2 (the lines with 3 and 4 were skipped): in order
      '{"ts": 3, "a": 2, "b": 3}', // backwards after 3.5
      '[1, 2]',
      '{"ts": 5, "a": 2, "b": 3}',
    ];
    const r = await run(['--detector', 'half_space_trees', '--param', 'window_size=2'], `${lines.join('\n')}\n`);
    expect(r.code).toBe(0);
    expect(r.out.map((o) => o.timestamp)).toEqual([1, 2, 3.5, 5]);
    expect(r.out[0]).toMatchObject({ a: 1, b: 2, drift: null, model: null });
    const err = r.stderr.trim().split('\n');
    expect(err).toEqual([
      "anomaly-lab stream: line 2: column 'c' appeared (not a feature of this stream: ignored)",
      "anomaly-lab stream: line 3: column 'b' disappeared: skipped",
      'anomaly-lab stream: line 4: malformed JSON: skipped',
      `anomaly-lab stream: line 5: 'a' is not a number ("x"): skipped`,
      "anomaly-lab stream: line 7: time 3 is earlier than the previous point's (3.5): skipped",
      'anomaly-lab stream: line 8: not a JSON object: skipped',
    ]);
  }, LONG);

  it('CSV bad lines: a non-number, a time going backwards, a field too many or too few, an open quote', async () => {
    const csv = ['time,value', '2024-01-01 00:00:00,1', '2024-01-01 00:01:00,x', '2024-01-01 00:02:00,2', '2024-01-01 00:01:30,3', '2024-01-01 00:03:00,1,7', '2024-01-01 00:04:00', '"2024-01-01 00:05:00,4', '2024-01-01 00:06:00,5'].join('\n');
    const r = await run(['--detector', 'windowed_gaussian'], csv); // no newline at the end: the last line counts
    expect(r.code).toBe(0);
    expect(r.out.map((o) => o.value)).toEqual([1, 2, 5]);
    expect(r.stderr.trim().split('\n').map((l) => /line (\d+)/.exec(l)![1])).toEqual(['3', '5', '6', '7', '8']);
    expect(r.stderr).toContain('line 5: time "2024-01-01 00:01:30" is earlier than the previous point\'s ("2024-01-01 00:02:00")');
    expect(r.stderr).toContain('line 6: 3 fields where the header has 2 (a column appeared)');
    expect(r.stderr).toContain('line 7: 1 field where the header has 2 (a column disappeared)');
  }, LONG);

  it('writes each point as it arrives: a line in, its line out, before stdin closes', async () => {
    const s = start(['--detector', 'windowed_gaussian', '--param', 'window_size=5', '--param', 'step_size=1']);
    s.p.stdin.write('timestamp,value\n');
    for (let i = 0; i < 5; i++) {
      s.p.stdin.write(`${1000 + i},${i % 2}\n`);
      const out = JSON.parse(await s.line(i));
      expect(out.timestamp).toBe(String(1000 + i));
      expect(out.value).toBe(i % 2);
    }
    s.p.stdin.end();
    expect(await s.done).toBe(0);
    expect(s.lines.filter((l) => l).length).toBe(5);
  }, LONG);

  it('respects back-pressure: a reader that does not read stops the input, and nothing is lost when it reads', async () => {
    const s = start(['--detector', 'windowed_gaussian', '--param', 'window_size=50', '--param', 'step_size=10'], false);
    const n = 400_000;
    const chunk = 10_000;
    s.p.stdin.on('error', () => {});
    let written = 0;
    let blocked = false;
    // Write until the pipe refuses more and no 'drain' comes for 3 s while stdout is not read.
    while (written < n) {
      const text = Array.from({ length: chunk }, (_, i) => `${(written + i) % 7}`).join('\n');
      const ok = s.p.stdin.write(`${written === 0 ? 'value\n' : ''}${text}\n`);
      written += chunk;
      if (!ok) {
        const drained = await Promise.race([new Promise<boolean>((r) => s.p.stdin.once('drain', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
        if (!drained) {
          blocked = true;
          break;
        }
      }
    }
    expect(blocked).toBe(true);
    expect(written).toBeLessThan(n);
    // Now read: everything written comes out, in order.
    let count = 0;
    let partial = '';
    let last = '';
    s.p.stdout.on('data', (d: Buffer) => {
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop()!;
      count += parts.length;
      if (parts.length) last = parts[parts.length - 1];
    });
    s.p.stdin.end();
    expect(await s.done).toBe(0);
    expect(count).toBe(written);
    expect(JSON.parse(last).value).toBe((written - 1) % 7);
  }, LONG);

  it('--alert-cmd runs once per alert (adjacent flagged points grouped), at most once per --alert-suppress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-alert-'));
    // Flagged after training (z-score > 3): 30 and 31 (one alert), 40, 50.
    const v = series(60, { 30: 100, 31: 100, 40: -100, 50: 100 });
    const csv = `value\n${v.join('\n')}\n`;
    const alertCmd = (file: string) => `cat >> ${JSON.stringify(file)}`;
    const all = join(dir, 'all.ndjson');
    const r1 = await run(['--detector', 'zscore', '--train', '20', '--alert-cmd', alertCmd(all), '--alert-suppress', '0'], csv);
    expect(r1.code).toBe(0);
    expect(r1.out.filter((o) => o.is_anomaly).length).toBe(4);
    const runs = readFileSync(all, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // 30 (with 31), 40, 50: three commands, which may finish in any order.
    expect(runs.map((o) => o.value).sort((a, b) => a - b)).toEqual([-100, 100, 100]);
    expect(runs.every((o) => o.is_anomaly === true && typeof o.score === 'number')).toBe(true);
    const some = join(dir, 'some.ndjson');
    const r2 = await run(['--detector', 'zscore', '--train', '20', '--alert-cmd', alertCmd(some), '--alert-suppress', '3600'], csv);
    expect(r2.code).toBe(0);
    expect(readFileSync(some, 'utf8').trim().split('\n').length).toBe(1); // 40 and 50 suppressed
    expect(existsSync(some)).toBe(true);
  }, LONG);

  it('--serve relays the scored points to a WebSocket client on 127.0.0.1; without --detector the raw points', async () => {
    for (const scored of [true, false]) {
      const s = start([...(scored ? ['--detector', 'windowed_gaussian'] : []), '--serve', '0']);
      const m = await s.stderrMatch(/serving on ws:\/\/127\.0\.0\.1:(\d+)/);
      const ws = new WebSocket(`ws://127.0.0.1:${m[1]}`);
      const got: string[] = [];
      ws.on('message', (d) => got.push(d.toString()));
      await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
      s.p.stdin.write('timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,2\n');
      await s.line(1);
      s.p.stdin.end('2024-01-01 00:02:00,3\n');
      const closed = new Promise((r) => ws.once('close', r));
      expect(await s.done).toBe(0);
      await closed;
      expect(got).toEqual(s.lines.filter((l) => l));
      expect(got.length).toBe(3);
      const first = JSON.parse(got[0]);
      expect(first.timestamp).toBe('2024-01-01 00:00:00');
      if (scored) expect(first).toHaveProperty('score');
      else expect(first).toEqual({ timestamp: '2024-01-01 00:00:00', value: 1 });
    }
  }, LONG);

  it('--drift with --on-drift reset / retrain: the drift is reported on its point and the model events follow', async () => {
    // 0/1 alternating, then 50/51 from point 200: a level shift.
    const csv = `value\n${Array.from({ length: 400 }, (_, i) => (i % 2) + (i >= 200 ? 50 : 0)).join('\n')}\n`;
    for (const [drift, policy] of [['page_hinkley', 'reset'], ['adwin', 'retrain']] as const) {
      // --swap 0: the retrained model takes over on the point after its fit started (by default: when ready).
      const r = await run(['--detector', 'zscore', '--train', '50', '--drift', drift, '--on-drift', policy, '--swap', '0'], csv);
      expect(r.code).toBe(0);
      const fired = r.out.flatMap((o, i) => (o.drift === drift ? [i] : []));
      expect(fired.length, drift).toBeGreaterThan(0);
      // Fires after the shift, within ADWIN's clock (32) and a few points.
      expect(fired[0]).toBeGreaterThanOrEqual(200);
      expect(fired[0]).toBeLessThan(240);
      const events = r.out.flatMap((o, i) => (o.model ? [[i, o.model]] : []));
      expect(events[0]).toEqual([50, { updated: true, points: 50, reason: 'initial' }]);
      if (policy === 'reset') {
        expect(events.slice(1, 3)).toEqual([[fired[0] + 1, { updated: true, points: 0, reason: 'reset' }], [fired[0] + 51, { updated: true, points: 50, reason: 'reset' }]]);
        expect(r.out.slice(fired[0] + 1, fired[0] + 51).every((o) => o.score === 0)).toBe(true);
      } else {
        // A drift while waiting starts the count again: the retrain comes 50 points after the last one before it.
        const last = fired.filter((i) => i < (events[1][0] as number)).pop()!;
        expect(events[1]).toEqual([last + 51, { updated: true, points: 50, reason: 'retrain' }]);
      }
      // After the new model: the new level is normal.
      expect(r.out.slice((events[events.length - 1][0] as number)).some((o) => o.is_anomaly)).toBe(false);
    }
  }, LONG);

  it('--model M scores from the first point with a saved model, as score --model does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stream-model-'));
    const file = join(dir, 'series.csv');
    const r0 = new Random(5);
    writeFileSync(file, `value\n${Array.from({ length: 300 }, () => r0.normal().toFixed(4)).join('\n')}\n`);
    const model = join(dir, 'm.json');
    const scored = join(dir, 'out.csv');
    const s = await run0(['score', file, '--detector', 'iforest', '--param', 'window_size=3', '--save-model', model, '--out', scored]);
    expect(s, 'score').toBe(0);
    const want = readFileSync(scored, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const r = await run(['--model', model], readFileSync(file, 'utf8'));
    expect(r.code).toBe(0);
    expect(r.out.map((o) => o.score)).toEqual(want.map((c) => Number(c[1])));
    expect(r.out.map((o) => o.is_anomaly)).toEqual(want.map((c) => c[2] === '1'));
    expect(r.out.every((o) => o.model === null)).toBe(true);
  }, LONG);

  it('a reader that goes away (| head) ends it quietly with status 0', async () => {
    const s = start(['--detector', 'windowed_gaussian'], false);
    s.p.stdout.destroy();
    s.p.stdin.on('error', () => {});
    s.p.stdin.end(`value\n${Array.from({ length: 50_000 }, (_, i) => i % 10).join('\n')}\n`);
    expect(await s.done).toBe(0);
    expect(s.stderr()).toBe('');
  }, LONG);

  it('a usage mistake is one line and status 2', async () => {
    const r = await run(['--detector', 'half_space_trees', '--quantile', '2'], '');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('anomaly-lab: --quantile must be in (0, 1), got: 2\n');
    const r2 = await run(['--detector', 'iforest', '--on-drift', 'reset'], '');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toBe('anomaly-lab: --on-drift reset needs --drift\n');
  }, LONG);
});
