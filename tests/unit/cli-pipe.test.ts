/** A reader that stops early (`anomaly-lab … | head -1`): the CLI ends quietly with status 0, not with an EPIPE trace. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');

function closedEarly(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: 110_000 });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    // Close our end before the CLI writes: its next write meets a closed pipe.
    p.stdout.destroy();
    p.on('error', fail);
    p.on('close', (code) => done({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it('detectors and score --json exit 0 without a word on stderr', async () => {
    for (const args of [['detectors'], ['score', resolve(REPO_ROOT, 'e2e', 'fixtures', 'sklearn_iforest_demo.csv'), '--detector', 'iforest', '--json']]) {
      const r = await closedEarly(args);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  }, 120_000);
});
