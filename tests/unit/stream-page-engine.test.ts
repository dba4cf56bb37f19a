/**
 * The page's stream worker builds its engine from the detector panel's options as the CLI's `stream`
 * builds it from flags (issue 19): the same series through both gives the same scores, flags, drift
 * points and model events.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { Random } from '../../src/core/random';
import { buildEngine, type StreamSettings } from '../../src/workers/stream-api';

/** The detector panel's stream defaults, as state/stream.ts has them (that module starts a store: not imported here). */
const DEFAULT_DRIFT_SETTINGS: StreamSettings = {
  detector: 'half_space_trees', params: {}, window: 10, seed: 42, drift: null, driftOn: 'value', policy: 'none',
  train: 750, updateEvery: 0, protect: true, threshold: { kind: 'model' }, lastN: 500,
};

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');

function cli(args: string[], input: string): Promise<Record<string, unknown>[]> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, 'stream', ...args], { cwd: REPO_ROOT, timeout: 120_000 });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? done(out.trim().split('\n').map((l) => JSON.parse(l))) : fail(new Error(`status ${code}: ${err}`))));
    p.stdin.end(input);
  });
}

/** A level shift half-way and a few spikes: ADWIN fires, the detector flags. */
function series(n: number): number[] {
  const rng = new Random(19);
  return Array.from({ length: n }, (_, i) => 10 + Math.sin(i / 20) + 0.3 * rng.normal() + (i >= n / 2 ? 6 : 0) + (i % 397 === 300 ? 15 : 0));
}

async function page(settings: StreamSettings, values: number[], block: number) {
  const engine = buildEngine(settings, 1);
  const scores: number[] = [], flags: number[] = [], drift: number[] = [], events: [number, string][] = [];
  for (let a = 0; a < values.length; a += block) {
    const part = values.slice(a, a + block);
    const out = await engine.push({ data: Float64Array.from(part), rows: part.length, cols: 1 });
    scores.push(...out.scores);
    flags.push(...out.flags);
    out.drift.forEach((d, i) => d && drift.push(a + i));
    for (const e of out.events) events.push([a + e.index, e.event.reason]);
  }
  return { scores, flags, drift, events };
}

describe('stream worker engine = CLI stream', () => {
  const values = series(3000);
  const csv = `value\n${values.join('\n')}\n`;

  it.each([
    ['half_space_trees, River quantile 0.99, adwin reset', { ...DEFAULT_DRIFT_SETTINGS, detector: 'half_space_trees', drift: 'adwin', policy: 'reset' } as StreamSettings, ['--detector', 'half_space_trees', '--drift', 'adwin', '--on-drift', 'reset']],
    ['windowed_gaussian, page_hinkley on the score', { ...DEFAULT_DRIFT_SETTINGS, detector: 'windowed_gaussian', params: { window_size: 200, step_size: 20 }, drift: 'page_hinkley', driftOn: 'score' } as StreamSettings, ['--detector', 'windowed_gaussian', '--param', 'window_size=200', '--param', 'step_size=20', '--drift', 'page_hinkley', '--drift-on', 'score']],
    ['zscore over windows of 5, learns the first 500, moving quantile 0.995', { ...DEFAULT_DRIFT_SETTINGS, detector: 'zscore', window: 5, train: 500, threshold: { kind: 'quantile', q: 0.995 } } as StreamSettings, ['--detector', 'zscore', '--param', 'window_size=5', '--train', '500', '--quantile', '0.995']],
  ])('%s', async (_name, settings, args) => {
    const [ours, theirs] = await Promise.all([page(settings, values, 4096), cli(args, csv)]);
    expect(theirs.length).toBe(values.length);
    for (let i = 0; i < values.length; i++) {
      expect(ours.scores[i], `score at ${i}`).toBeCloseTo(Number(theirs[i].score ?? NaN), 12);
      expect(ours.flags[i], `flag at ${i}`).toBe(theirs[i].is_anomaly ? 1 : 0);
    }
    expect(ours.drift).toEqual(theirs.flatMap((o, i) => (o.drift ? [i] : [])));
    expect(ours.flags.some((f) => f === 1)).toBe(true);
    if (settings.drift) expect(ours.drift.length).toBeGreaterThan(0);
    expect(ours.events).toEqual(theirs.flatMap((o, i) => (o.model ? [[i, (o.model as { reason: string }).reason]] : [])));
  }, 120_000);
});

describe('stream --serve relays a skipped input line for the page', () => {
  it('sends {"error": "line N: …"} between the points, and the points go on', async () => {
    const { default: WebSocket } = await import('ws');
    const p = spawn(process.execPath, [BIN, 'stream', '--serve', '0'], { cwd: REPO_ROOT, timeout: 120_000 });
    try {
      let err = '';
      const port = await new Promise<number>((done) => p.stderr.on('data', (d) => {
        err += d;
        const m = /serving on ws:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m) done(Number(m[1]));
      }));
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      const got: string[] = [];
      ws.on('message', (m) => got.push(String(m)));
      await new Promise((r) => ws.on('open', r));
      p.stdin.write('timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:01:00,n/a\n2024-01-01 00:02:00,3\n');
      const closed = new Promise((r) => ws.on('close', r));
      p.stdin.end();
      await closed;
      expect(got.map((l) => JSON.parse(l))).toEqual([
        { timestamp: '2024-01-01 00:00:00', value: 1 },
        { error: `line 3: 'value' is not a number ("n/a"): skipped` },
        { timestamp: '2024-01-01 00:02:00', value: 3 },
      ]);
    } finally {
      p.kill();
    }
  }, 120_000);
});
