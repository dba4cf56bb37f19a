/**
 * How bin/anomaly-lab.js starts: the bundle scripts/build-cli.mjs makes, only while it is up to date with
 * src/, else the sources through tsx; the bundle's worker threads start and answer. Works on a copy of
 * src/ and bin/ in a temporary directory, so edits in the checkout do not disturb it (nor it them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { zscore } from '../../src/core/detectors/zscore';
import { resolveParams } from '../../src/core/detectors/params';
import { cliEntry as entry } from '../../bin/cli-entry.js';

const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'anomaly-lab-start-'));
const bin = path.join(copy, 'bin', 'anomaly-lab.js');
const env = { ...process.env, ANOMALY_LAB_FROM_SOURCE: '' };
const run = (args: string[], extra: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: copy, env: { ...env, ...extra }, timeout: 110_000 });

beforeAll(() => {
  for (const d of ['src', 'bin', 'scripts', 'e2e']) fs.cpSync(path.join(REPO_ROOT, d), path.join(copy, d), { recursive: true, preserveTimestamps: true });
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(copy, 'package.json'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  execFileSync(process.execPath, [path.join(copy, 'scripts', 'build-cli.mjs')], { cwd: copy, timeout: 110_000 });
}, 120_000);
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

const bundleDir = () => path.join(copy, 'dist-cli', JSON.parse(fs.readFileSync(path.join(copy, 'dist-cli', 'manifest.json'), 'utf8')).build);

describe('the CLI bundle', () => {
  it('runs only while every source it was built from is unchanged', () => {
    expect(entry(copy, {}).kind).toBe('bundle');
    expect(entry(copy, { ANOMALY_LAB_FROM_SOURCE: '1' }).kind).toBe('source');
    expect(entry(copy, {}, path.join(copy, 'no-such-dist')).kind).toBe('source');
    const src = path.join(copy, 'src', 'core', 'metrics', 'quantile.ts');
    const t = fs.statSync(src).mtime;
    fs.utimesSync(src, t, new Date(t.getTime() + 1000)); // touched: same bytes, newer mtime
    expect(entry(copy, {})).toMatchObject({ kind: 'source', why: 'src/core/metrics/quantile.ts changed since the build' });
    fs.utimesSync(src, t, t);
    expect(entry(copy, {}).kind).toBe('bundle');
  });

  it('gives what the sources give: --help, detectors, score --json, a mistake', () => {
    const data = path.join(copy, 'e2e', 'fixtures', 'pima.csv');
    const cases = [['--help'], ['detectors'], ['score', data, '--detector', 'iforest', '--json'], ['score', data, '--detector', 'nope']];
    for (const args of cases) {
      const a = run(args);
      const b = run(args, { ANOMALY_LAB_FROM_SOURCE: '1' });
      const clean = (s: string) => s.replace(/"timings_ms":\{[^}]*\}/, '');
      expect([a.status, clean(a.stdout), a.stderr], args.join(' ')).toEqual([b.status, clean(b.stdout), b.stderr]);
    }
  }, 120_000);

  it("its worker threads start and score as the main thread does", async () => {
    const X = { data: Float64Array.from({ length: 300 }, (_, i) => Math.sin(i) * (i % 7)), rows: 100, cols: 3 };
    const model = await zscore.fit(X, resolveParams(zscore.params, {}), { seed: 42 });
    const want = await model.score(X);
    // A Worker drops messages nobody listens to: listen from the start.
    const first = (w: Worker) => new Promise<unknown>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    const scorer = new Worker(path.join(bundleDir(), 'thread.mjs'));
    const parser = new Worker(path.join(bundleDir(), 'parse-thread.mjs'));
    const ready = [first(scorer), first(parser)];
    try {
      expect(await Promise.all(ready)).toEqual([{ ready: true }, { ready: true }]);
      const reply = first(scorer);
      scorer.postMessage({ model: model.toJSON(), data: X.data.slice(), rows: X.rows, cols: X.cols });
      expect(Array.from(((await reply) as { scores: Float64Array }).scores)).toEqual(Array.from(want));
    } finally {
      await scorer.terminate();
      await parser.terminate();
    }
  }, 120_000);
});
