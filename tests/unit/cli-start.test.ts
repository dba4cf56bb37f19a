/**
 * How bin/anomaly-lab.js starts: the bundle scripts/build-cli.mjs makes, only while it is up to date with
 * src/, else the sources through tsx; the bundle's worker threads start and answer. Works on a copy of
 * src/ and bin/ in a temporary directory, so edits in the checkout do not disturb it (nor it them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { zscore } from '../../src/core/detectors/zscore';
import { resolveParams } from '../../src/core/detectors/params';
import { packModel } from '../../src/core/detectors/model-pack';
import * as data from '../../src/workers/data-api';
import type { ThreadApi } from '../../src/cli/thread-main';
import type { ParseThreadApi } from '../../src/cli/parse-thread-main';
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

  it('its worker threads answer the worker APIs (comlink) as this thread does', async () => {
    const X = { data: Float64Array.from({ length: 300 }, (_, i) => Math.sin(i) * (i % 7)), rows: 100, cols: 3 };
    const model = await zscore.fit(X, resolveParams(zscore.params, {}), { seed: 42 });
    const want = Array.from(await model.score(X));
    // The scoring thread reads rows and the model from the data API, served here on a channel of its own.
    const columns = [0, 1, 2].map((j) => ({ name: `x${j}`, kind: 'numeric' as const, values: Float64Array.from({ length: X.rows }, (_, i) => X.data[i * 3 + j]), missing: 0, min: 0, max: 0, mean: 0, std: 0, distinct: null }));
    const datasetId = data.add({ name: 'x.csv', rows: X.rows, columns, delimiter: ',' });
    data.putModel('start-test', packModel(model.toJSON()));
    const scorer = new Worker(path.join(bundleDir(), 'thread.mjs'));
    const parser = new Worker(path.join(bundleDir(), 'parse-thread.mjs'));
    const { port1, port2 } = new MessageChannel();
    try {
      Comlink.expose(data, nodeEndpoint(port1));
      const api = Comlink.wrap<ThreadApi>(nodeEndpoint(scorer));
      await api.connectData(Comlink.transfer(port2, [port2 as unknown as Transferable]));
      const r = await api.score('start-test', { datasetId, columns: ['x0', 'x1', 'x2'], missing: 'median' }, [0, X.rows]);
      expect(Array.from(r.scores)).toEqual(want);
      // The parse thread reads a part (whole lines after the header) from a Blob and from a file's byte range.
      const parse = Comlink.wrap<ParseThreadApi>(nodeEndpoint(parser));
      const head = { header: 'a,b', delimiter: ',' };
      const body = '1,2\n3.5,\n-4,1e3\n';
      const fromBlob = await parse.parse(new Blob([body]), 'p.csv', head);
      expect(fromBlob?.rows).toBe(3);
      expect(fromBlob?.values.map((v) => Array.from(v))).toEqual([[1, 3.5, -4], [2, NaN, 1000]]);
      const file = path.join(copy, 'part.csv');
      fs.writeFileSync(file, `a,b\n${body}`);
      expect(await parse.parseFile(file, [4, 4 + body.length], 'part.csv', head)).toEqual(fromBlob);
    } finally {
      port1.close();
      await scorer.terminate();
      await parser.terminate();
    }
  }, 120_000);
});
