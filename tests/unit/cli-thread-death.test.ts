/**
 * A CLI worker thread that dies (issue 14, section 4): the command ends with one line on stderr and
 * status 2, without hanging and without a stack trace. The failure is injected from outside the CLI:
 * a module preloaded with `node --import` (tests/unit/fixtures/thread-fault.mjs), which worker threads
 * inherit, makes each worker thread exit or throw as it starts; a LOF run on a file large enough for
 * its neighbour search to be split across the threads then needs a thread that is gone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { Random } from '../../src/core/random';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
const FAULT = resolve(REPO_ROOT, 'tests', 'unit', 'fixtures', 'thread-fault.mjs');
const dir = mkdtempSync(join(os.tmpdir(), 'anomaly-lab-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 60,000 rows × 6 columns (~3.5 MB): the CLI starts its threads (over 2 MB) and splits LOF's search (rows² · cols ≥ 2e10).
function bigCsv(): string {
  const rng = new Random(5);
  const lines = ['a,b,c,d,e,f'];
  for (let i = 0; i < 60_000; i++) lines.push(Array.from({ length: 6 }, () => rng.normal().toFixed(6)).join(','));
  const p = join(dir, 'big.csv');
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

function cli(fault: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', FAULT, BIN, ...args], {
    encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000, env: { ...process.env, ANOMALY_LAB_TEST_THREAD_FAULT: fault },
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// The CLI uses availableParallelism − 1 threads: with one core there are none to lose.
describe.skipIf(os.availableParallelism() < 2)('a CLI worker thread that dies', () => {
  const file = bigCsv();

  it('exits: one line naming the thread, status 2, no hang', () => {
    const r = cli('exit', 'score', file, '--detector', 'lof');
    expect(r.signal, 'killed by the timeout: the CLI hung').toBeNull();
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe('anomaly-lab: a scoring thread stopped (exit code 3)\n');
    expect(r.stdout).toBe('');
  }, 120_000);

  it('throws: one line with its message, status 2, no stack trace', () => {
    const r = cli('throw', 'score', file, '--detector', 'lof', '--json');
    expect(r.signal, 'killed by the timeout: the CLI hung').toBeNull();
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe('anomaly-lab: a scoring thread failed: injected thread failure\n');
    expect(r.stdout).toBe('');
  }, 120_000);

  it('without a fault the same run succeeds (the preload alone changes nothing)', () => {
    const r = cli('none', 'score', file, '--detector', 'lof', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(60_000);
  }, 120_000);
});
