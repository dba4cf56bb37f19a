/**
 * Writing files loses no data (issue 14 §3): --out, --save-model and --curves
 * are written to a temporary file and renamed, so Ctrl-C, a full disk or a
 * second writer never leave a torn file or lose the old one; an output that is
 * an input is refused; every write failure is one line and exit 2 (a closed
 * pipe: quiet, exit 0); --out copies the input's cells as they were and
 * escapes formula-like text.
 *
 * The write faults are real (/dev/full, a signal, two processes, a tiny tmpfs
 * where this machine lets the tests mount one) or injected through the CLI's
 * test hook ANOMALY_LAB_TEST_WRITE (src/cli/output-file.ts: fail=ENOSPC@BYTES
 * fails the write that passes BYTES; delay=MS waits after each flush, so a
 * write is surely under way when the test acts).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers';
import { ioReason, sameFileConflict, writeFileAtomic, WriteError } from '../../src/cli/output-file';
import { parseCsvString } from '../../src/core/data/csv';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
const KILL_MS = 110_000;
let dir: string;

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: KILL_MS, env: { ...process.env, ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function start(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [BIN, ...args], { cwd: dir, timeout: KILL_MS, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((res, rej) => {
    p.on('error', rej);
    p.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
  return { p, done };
}

/** One line on stderr, no stack, no minified library source. */
function expectOneLine(stderr: string, ...parts: string[]): void {
  expect(stderr.trimEnd().split('\n'), stderr.slice(0, 500)).toHaveLength(1);
  expect(stderr.length, stderr.slice(0, 500)).toBeLessThan(400);
  expect(stderr).toMatch(/^anomaly-lab: /);
  expect(stderr).not.toMatch(/internal error|\n\s+at |Module\[|var /);
  for (const p of parts) expect(stderr).toContain(p);
}

/** The temporary files an atomic write leaves while it runs (.NAME.PID-HEX.tmp) in `folder`. */
function temps(folder: string): string[] {
  return fs.readdirSync(folder).filter((f) => /^\..+\.\d+-[0-9a-f]+\.tmp$/.test(f));
}

/** Seeded rows of short numbers: `rows` × 3 columns a, b, c (about 27 bytes a row). */
function bigCsv(name: string, rows: number): string {
  let s = 1;
  const r = () => {
    s = (s * 48271) % 2147483647;
    return ((s / 2147483647) * 8 - 4).toFixed(6);
  };
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) lines.push(`${r()},${r()},${r()}`);
  const file = join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function until(what: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('waited 60 s in vain');
    await new Promise((res) => setTimeout(res, 10));
  }
}

let big: string;

beforeAll(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'anomaly-lab-write-'));
  // ~5.6 MB in, ~10 MB out: written in several flushes (4 MB each), so a write is under way between them.
  big = bigCsv('big.csv', 200_000);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('--out copies the input cells as they were read', () => {
  it('inf, -0, 1.0, a leading tab, quoted cells, CRLF and a BOM are kept (a file with quotes: papaparse)', () => {
    const file = join(dir, 'values.csv');
    fs.writeFileSync(file, '\ufeffa,b,note\r\n1.0,-0,"x, y"\r\ninf,\t2,"say ""hi"""\r\n-3.50,1e3,"two\nlines"\r\n\r\n7,-inf,plain\r\n');
    const r = cli(['score', file, '--columns', 'a,b', '--out', 'out.csv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs.readFileSync(join(dir, 'out.csv'), 'utf8').split('\n');
    expect(lines[0]).toBe('a,b,note,score,is_anomaly');
    const body = fs.readFileSync(join(dir, 'out.csv'), 'utf8').split('\n').slice(1).join('\n');
    // Each record: the input's cells as they were (quoted where CSV needs it), then the two new ones.
    expect(body).toMatch(/^1\.0,-0,"x, y",[^,\n]+,[01]\ninf,\t2,"say ""hi""",[^,\n]+,[01]\n-3\.50,1e3,"two\nlines",[^,\n]+,[01]\n7,-inf,plain,[^,\n]+,[01]\n$/);
  }, 120_000);

  it('a file without quotes is copied line by line; a tab-separated one cell by cell, as CSV', () => {
    const file = join(dir, 'plain.csv');
    fs.writeFileSync(file, 'p,q\n1.0,-0\n\ninf,\t2\n1e5,007\n');
    const r = cli(['score', file, '--out', 'plain-out.csv']);
    expect(r.code, r.stderr).toBe(0);
    const out = fs.readFileSync(join(dir, 'plain-out.csv'), 'utf8').split('\n');
    expect(out.slice(1, 4).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['1.0,-0', 'inf,\t2', '1e5,007']);
    expect(out).toHaveLength(5);

    // CRLF, a BOM, a blank line of spaces (not a row), a carriage return inside a cell (quoted in the output).
    const crlf = join(dir, 'crlf.csv');
    fs.writeFileSync(crlf, '\ufeffp,q\r\n1.0,-0\r\n\r\n   \r\n2,\r3\r\n4,5');
    const c = cli(['score', crlf, '--out', 'crlf-out.csv']);
    expect(c.code, c.stderr).toBe(0);
    const cl = fs.readFileSync(join(dir, 'crlf-out.csv'), 'utf8').split('\n');
    expect(cl[0]).toBe('p,q,score,is_anomaly');
    expect(cl.slice(1).map((l) => l.replace(/(,[^,]*){2}$/, ''))).toEqual(['1.0,-0', '2,"\r3"', '4,5', '']);

    const tsv = join(dir, 'tabs.tsv');
    fs.writeFileSync(tsv, 'p\tq\tname\n1.0\t-0\ta,b\n2.50\t3\t=1+1\n');
    const t = cli(['score', tsv, '--columns', 'p,q', '--out', 'tabs-out.csv']);
    expect(t.code, t.stderr).toBe(0);
    const rows = fs.readFileSync(join(dir, 'tabs-out.csv'), 'utf8').split('\n');
    expect(rows[1]).toMatch(/^1\.0,-0,"a,b",/);
    expect(rows[2]).toMatch(/^2\.50,3,'=1\+1,/);
  }, 120_000);

  it('the scored columns agree with the scores the run reports, and a big file round-trips byte for byte', () => {
    const r = cli(['score', big, '--out', 'big-out.csv', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const text = fs.readFileSync(join(dir, 'big-out.csv'), 'utf8');
    const inLines = fs.readFileSync(big, 'utf8').split('\n');
    const outLines = text.split('\n');
    expect(outLines).toHaveLength(inLines.length);
    for (let i = 1; i < inLines.length - 1; i += 997) expect(outLines[i].startsWith(`${inLines[i]},`), `line ${i}`).toBe(true);
    const ds = parseCsvString(text, 'big-out.csv');
    const flag = ds.columns.find((c) => c.name === 'is_anomaly');
    if (flag?.kind !== 'numeric') throw new Error('is_anomaly expected numeric');
    expect(flag.values.reduce((a, b) => a + b, 0)).toBe(j.flagged);
  }, 120_000);
});

describe('--out keeps text columns whole', () => {
  it('a text column of more than 100,000 distinct values (the reader keeps none of them) is copied in full', () => {
    const file = join(dir, 'ids.csv');
    const n = 100_050;
    fs.writeFileSync(file, `id,v\n${Array.from({ length: n }, (_, i) => `id-${i},${i % 97}`).join('\n')}\n`);
    const r = cli(['score', file, '--columns', 'v', '--out', 'ids-out.csv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs.readFileSync(join(dir, 'ids-out.csv'), 'utf8').split('\n');
    expect(lines).toHaveLength(n + 2);
    for (const i of [0, 1, 99_999, 100_000, n - 1]) expect(lines[i + 1].startsWith(`id-${i},${i % 97},`), `row ${i}`).toBe(true);
  }, 120_000);
});

describe('formula injection (OWASP)', () => {
  const FILE = 'formulas.csv';
  beforeAll(() => {
    fs.writeFileSync(join(dir, FILE), [
      'x,=HYPERLINK("http://evil"),note',
      `1,1,"=cmd|' /C calc'!A0"`,
      '2,2,@SUM(A1:A2)',
      '3,3,-3',
      '4,4,+1',
      '5,5,"\t=1+2"',
      '6,6,-2+3+cmd',
      '-7,7,plain',
      '',
    ].join('\n'));
  });

  it("text cells and header names that start with = + - @ or a tab get a leading '; numbers never", () => {
    const r = cli(['score', FILE, '--columns', 'x', '--out', 'f-out.csv']);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs.readFileSync(join(dir, 'f-out.csv'), 'utf8').split('\n');
    expect(lines[0]).toBe('x,"\'=HYPERLINK(""http://evil"")",note,score,is_anomaly');
    const notes = lines.slice(1, -1).map((l) => l.split(',').slice(0, 3));
    expect(notes.map((c) => c[2])).toEqual(["'=cmd|' /C calc'!A0", "'@SUM(A1:A2)", '-3', '+1', "'\t=1+2", "'-2+3+cmd", 'plain']);
    expect(notes[6][0]).toBe('-7');
  }, 120_000);

  it('--no-formula-escape writes them as they are', () => {
    const r = cli(['score', FILE, '--columns', 'x', '--out', 'f-raw.csv', '--no-formula-escape']);
    expect(r.code, r.stderr).toBe(0);
    const lines = fs.readFileSync(join(dir, 'f-raw.csv'), 'utf8').split('\n');
    expect(lines[0]).toBe('x,"=HYPERLINK(""http://evil"")",note,score,is_anomaly');
    expect(lines.slice(1, -1).map((l) => l.split(',')[2])).toEqual(["=cmd|' /C calc'!A0", '@SUM(A1:A2)', '-3', '+1', '\t=1+2', '-2+3+cmd', 'plain']);
  }, 120_000);
});

describe('an interrupted or failed write keeps the old file', () => {
  it('SIGINT mid-write of a large --out: the previous complete file stays, no temporary file is left', async () => {
    const out = join(dir, 'sig.csv');
    const first = cli(['score', big, '--columns', 'a,b,c', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = fs.readFileSync(out);
    // A different output (other columns), written slowly: 1 s after each 4 MB flush.
    const run = start(['score', big, '--columns', 'a', '--out', out], { ANOMALY_LAB_TEST_WRITE: 'delay=1000' });
    await until(() => temps(dir).some((t) => fs.statSync(join(dir, t)).size > 0));
    run.p.kill('SIGINT');
    const r = await run.done;
    expect(r.signal).toBe('SIGINT');
    expect(fs.readFileSync(out).equals(before)).toBe(true);
    expect(temps(dir)).toEqual([]);
  }, 120_000);

  it('a full disk mid-write (injected ENOSPC) keeps the old --out and --save-model, one line, exit 2', () => {
    const out = join(dir, 'full.csv');
    const model = join(dir, 'full.json');
    const first = cli(['score', big, '--out', out, '--save-model', model]);
    expect(first.code, first.stderr).toBe(0);
    const [oldOut, oldModel] = [fs.readFileSync(out), fs.readFileSync(model)];
    const r = cli(['score', big, '--columns', 'a', '--out', out], { ANOMALY_LAB_TEST_WRITE: 'fail=ENOSPC@5000000' });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, `cannot write ${out}: no space left on device`);
    expect(fs.readFileSync(out).equals(oldOut)).toBe(true);
    const m = cli(['score', big, '--columns', 'a', '--save-model', model], { ANOMALY_LAB_TEST_WRITE: 'fail=ENOSPC@10' });
    expect(m.code).toBe(2);
    expectOneLine(m.stderr, `cannot write ${model}: no space left on device`);
    expect(fs.readFileSync(model).equals(oldModel)).toBe(true);
    expect(temps(dir)).toEqual([]);
  }, 120_000);

  it('--out /dev/full: one line naming the path and the reason, exit 2; the device is written, not replaced', () => {
    const r = cli(['score', big, '--out', '/dev/full', '--backend', 'wasm']);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, 'cannot write /dev/full: no space left on device');
    expect(fs.statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(temps('/dev')).toEqual([]);
  }, 120_000);

  it('two runs writing the same --out at once: both succeed and the file is one of them, whole', async () => {
    const a = ['score', big, '--columns', 'a,b'];
    const b = ['score', big, '--columns', 'c'];
    expect(cli([...a, '--out', 'alone-a.csv']).code).toBe(0);
    expect(cli([...b, '--out', 'alone-b.csv']).code).toBe(0);
    const [wholeA, wholeB] = [fs.readFileSync(join(dir, 'alone-a.csv')), fs.readFileSync(join(dir, 'alone-b.csv'))];
    expect(wholeA.equals(wholeB)).toBe(false);
    const slow = { ANOMALY_LAB_TEST_WRITE: 'delay=300' };
    const [ra, rb] = await Promise.all([start([...a, '--out', 'both.csv'], slow).done, start([...b, '--out', 'both.csv'], slow).done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const both = fs.readFileSync(join(dir, 'both.csv'));
    expect(both.equals(wholeA) || both.equals(wholeB)).toBe(true);
    expect(temps(dir)).toEqual([]);
  }, 120_000);
});

describe('a real full disk: a 1 MB tmpfs (only where the tests may mount one)', () => {
  const mnt = join(os.tmpdir(), `anomaly-lab-tmpfs-${process.pid}`);
  let mounted = false;
  beforeAll(() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return;
    try {
      fs.mkdirSync(mnt, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore', timeout: 10_000 });
      mounted = true;
    } catch {
      mounted = false;
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt], { stdio: 'ignore', timeout: 10_000 });
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  it('ENOSPC: one line, exit 2, the old file kept, no temporary file left', (ctx) => {
    if (!mounted) ctx.skip();
    const out = join(mnt, 'out.csv');
    fs.writeFileSync(out, 'the previous complete file\n');
    const r = cli(['score', big, '--out', out]);
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, `cannot write ${out}: no space left on device`);
    expect(fs.readFileSync(out, 'utf8')).toBe('the previous complete file\n');
    expect(temps(mnt)).toEqual([]);
  }, 120_000);
});

describe('an output that is an input is refused, the input untouched', () => {
  it('--out = the CSV (also through a link), --save-model = --model or the CSV, --out = --train, --out = --save-model', () => {
    const data = join(dir, 'in.csv');
    fs.writeFileSync(data, 'p,q\n1,2\n3,4\n5,6\n7,80\n');
    fs.symlinkSync(data, join(dir, 'in-link.csv'));
    fs.linkSync(data, join(dir, 'in-hard.csv'));
    expect(cli(['score', data, '--save-model', 'm.json']).code).toBe(0);
    const model = fs.readFileSync(join(dir, 'm.json'));
    const stamp = fs.statSync(data).mtimeMs;
    const cases: [string[], string][] = [
      [['score', data, '--out', data], '--out'],
      [['score', data, '--out', 'in-link.csv'], '--out'],
      [['score', data, '--out', 'in-hard.csv'], '--out'],
      [['score', data, '--save-model', data], '--save-model'],
      [['score', data, '--model', 'm.json', '--save-model', 'm.json'], '--save-model'],
      [['score', data, '--train', 'in-hard.csv', '--out', 'in-link.csv'], '--out'],
      [['score', data, '--out', 'same.csv', '--save-model', './same.csv'], '--save-model'],
      [['evaluate', data, '--score', 'p', '--label', 'q', '--positive', '80', '--curves', data], '--curves'],
    ];
    for (const [args, flag] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneLine(r.stderr, flag);
    }
    expect(fs.readFileSync(data, 'utf8')).toBe('p,q\n1,2\n3,4\n5,6\n7,80\n');
    expect(fs.statSync(data).mtimeMs).toBe(stamp);
    expect(fs.readFileSync(join(dir, 'm.json')).equals(model)).toBe(true);
    expect(fs.existsSync(join(dir, 'same.csv'))).toBe(false);
  }, 120_000);
});

describe('write errors are one line and exit 2; a closed pipe is quiet', () => {
  it('--out or --save-model into a missing folder, or onto a folder: one line, exit 2, before any work', () => {
    const data = join(dir, 'in2.csv');
    fs.writeFileSync(data, 'x,y\n1,2\n3,4\n5,6\n7,80\n');
    for (const [args, msg] of [
      [['--out', 'nope/out.csv'], 'cannot write nope/out.csv: the folder nope does not exist'],
      [['--out', dir], `cannot write ${dir}: it is a folder`],
      [['--save-model', 'nope/m.json'], 'cannot write nope/m.json: the folder nope does not exist'],
      [['--curves', 'nope/c.csv', '--label', 'y', '--positive', '80'], 'cannot write nope/c.csv: the folder nope does not exist'],
    ] as [string[], string][]) {
      const r = cli(['score', data, '--backend', 'wasm', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneLine(r.stderr, msg);
      expect(r.stdout).toBe('');
    }
  }, 120_000);

  it('an error thrown outside main() once tfjs-backend-wasm is loaded: one line, exit 2, not its minified source', () => {
    const preload = resolve(REPO_ROOT, 'tests', 'unit', 'fixtures', 'throw-after-wasm.mjs');
    const r = spawnSync(process.execPath, ['--import', preload, BIN, 'score', big, '--backend', 'wasm', '--out', 'wasm-out.csv'], { cwd: dir, encoding: 'utf8', timeout: KILL_MS });
    expect(r.status, r.stderr.slice(0, 300)).toBe(2);
    expectOneLine(r.stderr, 'anomaly-lab: write: input/output error');
  }, 120_000);

  it('score --out /dev/stdout | head -1: the CLI ends quietly with status 0', () => {
    // A shell pipe, as a user's (Node's own child stdio is a socket, which /dev/stdout cannot be opened on).
    const err = join(dir, 'pipe-err.txt');
    const r = spawnSync('bash', ['-c', `"$0" "$1" score "$2" --out /dev/stdout 2>"$3" | head -1 >/dev/null; exit \${PIPESTATUS[0]}`, process.execPath, BIN, big, err], { cwd: dir, timeout: KILL_MS });
    expect(fs.readFileSync(err, 'utf8')).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('writeFileAtomic and sameFileConflict, in process', () => {
  it('a producer that fails leaves the old file as it was and no temporary file', async () => {
    const file = join(dir, 'atomic.txt');
    fs.writeFileSync(file, 'old');
    await expect(writeFileAtomic(file, async (out) => {
      await out.write('new, half written');
      await out.flush();
      throw new Error('the producer failed');
    })).rejects.toThrow('the producer failed');
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(temps(dir)).toEqual([]);
    await writeFileAtomic(file, async (out) => out.write('new'));
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
  });

  it('keeps the mode of the file it replaces, and a link stays a link to the new content', async () => {
    const file = join(dir, 'moded.txt');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    fs.symlinkSync(file, join(dir, 'moded-link.txt'));
    await writeFileAtomic(join(dir, 'moded-link.txt'), async (out) => out.write('new'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.lstatSync(join(dir, 'moded-link.txt')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
  });

  it('a folder as target is a WriteError naming it', async () => {
    const e = await writeFileAtomic(dir, async (out) => out.write('x')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(WriteError);
    expect((e as WriteError).message).toBe(`cannot write ${dir}: it is a folder`);
  });

  it('ioReason: a system error in words, without its code or syscall', () => {
    const sys = (code: string, message: string) => Object.assign(new Error(message), { code, syscall: 'open' });
    expect(ioReason(sys('EACCES', "EACCES: permission denied, open '/x'"))).toBe('permission denied');
    expect(ioReason(sys('ENOSPC', 'ENOSPC: no space left on device, write'))).toBe('no space left on device');
    expect(ioReason(sys('EROFS', "EROFS: read-only file system, open '/x'"))).toBe('read-only file system');
    expect(ioReason(sys('EWEIRD', "EWEIRD: something odd, open '/x'"))).toBe('something odd');
  });

  it('sameFileConflict: same inode by any name; distinct files pass', () => {
    const a = join(dir, 'sa.csv');
    fs.writeFileSync(a, 'x\n1\n');
    fs.writeFileSync(join(dir, 'sb.csv'), 'x\n1\n');
    expect(sameFileConflict([['--out', join(dir, 'sb.csv')]], [['the input file', a]])).toBeNull();
    expect(sameFileConflict([['--out', join(dir, 'new.csv')]], [['the input file', a]])).toBeNull();
    expect(sameFileConflict([['--out', `${dir}/./sa.csv`]], [['the input file', a]])).toMatch(/^--out .* is the input file/);
    expect(sameFileConflict([['--out', join(dir, 'n.csv')], ['--curves', join(dir, 'n.csv')]], [])).toMatch(/^--out and --curves name the same file/);
  });
});
