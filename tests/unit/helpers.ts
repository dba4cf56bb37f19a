/** Shared helpers for the unit tests: fixture loading and tight float comparison. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');
/** The CLI as a user runs it (the bundle, or src/ through tsx when the sources changed). */
export const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');

export interface CliRun { status: number | null; stdout: string; stderr: string }

/** One CLI run in a child process, without blocking the test's event loop; killed after 110 s (CI machines are busy). */
export function cliAsync(...args: string[]): Promise<CliRun> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: 110_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Runs every command, `limit` at a time (each is a Node start-up of ~1 s); results in the commands' order. */
export async function cliAll(commands: string[][], limit = 3): Promise<CliRun[]> {
  const out: CliRun[] = new Array(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const k = next++;
      out[k] = await cliAsync(...commands[k]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** A fixture written by scripts/make_fixtures.py. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests', 'fixtures', name), 'utf8')) as T;
}

/** JSON float from the fixtures: null → NaN, 'inf' / '-inf' → ±Infinity. */
export type JsonFloat = number | null | 'inf' | '-inf';
export function num(v: JsonFloat): number {
  if (v === null) return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}
export const nums = (a: JsonFloat[]): Float64Array => Float64Array.from(a, num);

/** |a − b| ≤ rel · max(|a|, |b|) + abs; NaN equals NaN. */
export function close(a: number, b: number, rel = 1e-12, abs = 0): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs;
}

export function expectClose(actual: number, expected: number, rel = 1e-12, abs = 0, what = ''): void {
  if (!close(actual, expected, rel, abs)) {
    expect.fail(`${what ? `${what}: ` : ''}expected ${expected}, got ${actual} (rel ${rel}, abs ${abs})`);
  }
}

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-12, abs = 0, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let bad = 0;
  let first = '';
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], rel, abs)) {
      if (!bad) first = `[${i}] expected ${expected[i]}, got ${actual[i]}`;
      bad++;
    }
  }
  if (bad) expect.fail(`${what ? `${what}: ` : ''}${bad} of ${expected.length} values differ (rel ${rel}, abs ${abs}); first ${first}`);
}
