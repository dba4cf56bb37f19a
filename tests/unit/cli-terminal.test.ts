/**
 * Issue 14, section 5's smaller mistakes: control characters in messages are printed escaped,
 * `--param __proto__=1` is refused, `--contamination -1` is one line, and parameter mistakes are
 * reported before the file is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/cli/terminal';
import { resolveParams } from '../../src/core/detectors/params';
import { iforestMeta } from '../../src/core/detectors/specs';
import { REPO_ROOT } from './helpers';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-terminal-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });

// A header whose names hold an OSC title sequence (ESC ] 0 ; … BEL) and a CSI clear-screen (ESC [ 2 J).
const ESC_HEADER = 'a\u001b]0;pwned\u0007b,c\u001b[2J';
const escFile = join(dir, 'esc.csv');
writeFileSync(escFile, `${ESC_HEADER}\n${Array.from({ length: 200 }, (_, i) => `${i},${(i * 7) % 13}`).join('\n')}\n`);
// Control characters a terminal acts on (C0 but tab and newline, DEL, C1).
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('escapeControl', () => {
  it('writes C0 as \\xHH, DEL / C1 / bidi overrides as \\uHHHH, and keeps tab, newline and other text', () => {
    expect(escapeControl('a\u001b]0;t\u0007b')).toBe('a\\x1b]0;t\\x07b');
    expect(escapeControl('x\ry')).toBe('x\\x0dy');
    expect(escapeControl('\u009b31m\u007f')).toBe('\\u009b31m\\u007f');
    expect(escapeControl('abc\u202egpj.exe')).toBe('abc\\u202egpj.exe');
    expect(escapeControl('été\tß\n')).toBe('été\tß\n');
  });
  it('leaves JSON valid: what JSON.stringify leaves raw becomes a \\u escape JSON reads back', () => {
    const value = { name: 'a\u009bb\u007f\u202e\u001b' };
    expect(JSON.parse(escapeControl(JSON.stringify(value)))).toEqual(value);
  });
});

describe('CLI: messages never carry raw control characters', () => {
  it('an error naming a header with ANSI / OSC sequences prints them escaped, on one line', () => {
    const r = cli('score', escFile, '--columns', 'nope');
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toContain("a\\x1b]0;pwned\\x07b");
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  }, 120_000);

  it('the human summary and --json escape them too; the JSON still names the column exactly', () => {
    const human = cli('score', escFile);
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).not.toMatch(RAW_CONTROL);
    expect(human.stdout).toContain('c\\x1b[2J');
    const json = cli('score', escFile, '--json');
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout).columns).toEqual(ESC_HEADER.split(','));
  }, 120_000);
});

describe('parameter mistakes', () => {
  it('resolveParams refuses __proto__ / constructor as names and never reads the prototype chain', () => {
    expect(() => resolveParams(iforestMeta.params, JSON.parse('{"__proto__": 1}') as Record<string, unknown>, 'iforest')).toThrow(/no parameter '__proto__'/);
    expect(() => resolveParams(iforestMeta.params, { constructor: 1 }, 'iforest')).toThrow(/no parameter 'constructor'/);
    const inherited = Object.create({ n_estimators: 'oops' }) as Record<string, unknown>;
    expect(resolveParams(iforestMeta.params, inherited, 'iforest').n_estimators).toBe(100);
  });

  it('--param __proto__=1 is an unknown parameter: exit 2, one line', () => {
    const r = cli('score', escFile, '--detector', 'iforest', '--param', '__proto__=1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^anomaly-lab: iforest has no parameter '__proto__'/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  }, 120_000);

  it('--contamination -1 is one line naming the range, exit 2 (also as --contamination=-1)', () => {
    for (const args of [['--contamination', '-1'], ['--contamination=-1']]) {
      const r = cli('score', escFile, '--detector', 'iforest', ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('anomaly-lab: contamination must be in (0, 0.5], got: "-1"\n');
    }
  }, 120_000);

  it('a bad detector, parameter name or value is reported before the file is read (a missing file is not mentioned)', () => {
    const missing = join(dir, 'no-such-file.csv');
    for (const [args, want] of [
      [['--detector', 'nope'], /unknown detector 'nope'/],
      [['--detector', 'lof', '--param', 'n_neighbours=5'], /lof has no parameter 'n_neighbours'/],
      [['--detector', 'lof', '--param', 'n_neighbors=0'], /n_neighbors must be >= 1/],
      [['--detector', 'iforest', '--contamination', '0.9'], /contamination must be in \(0, 0.5\]/],
    ] as const) {
      const r = cli('score', missing, ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(want);
      expect(r.stderr).not.toContain('no such file');
    }
  }, 120_000);
});
