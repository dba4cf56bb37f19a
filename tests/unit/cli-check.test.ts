/**
 * `anomaly-lab check` spawned as a pipeline runs it: the history over four uploads (three alike, then
 * 40 % of rows gone and a column blanked: exactly those checks fail), the JSON and exit statuses,
 * --no-record, a detector's run, bad input (exit 2), the atomic append under a simulated crash
 * (a failed write, and SIGKILL mid-write), and the README's Dagster snippet's logic on real runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetCheckResult } from '../../src/core/checks/dagster';
import { BIN, REPO_ROOT, type CliRun } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-check-'));

function cli(args: string[], env: Record<string, string> = {}, onSpawn?: (pid: number) => void): Promise<CliRun> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: 110_000, env: { ...process.env, ...env } });
    onSpawn?.(p.pid!);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

// 100 rows: x = 0..99, y = a wave, cat cycles a, b, c. The copy keeps the first 60 rows and blanks y.
const full = ['x,y,cat', ...Array.from({ length: 100 }, (_, i) => `${i},${Math.sin(i).toFixed(4)},${'abc'[i % 3]}`)];
const cut = ['x,y,cat', ...Array.from({ length: 60 }, (_, i) => `${i},,${'abc'[i % 3]}`)];
const FULL = join(dir, 'sales-1.csv');
const CUT = join(dir, 'sales-4.csv');
writeFileSync(FULL, `${full.join('\n')}\n`);
writeFileSync(CUT, `${cut.join('\n')}\n`);

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('anomaly-lab check', () => {
  it('three uploads alike, then 40 % of rows removed and y blanked: exactly those checks fail, with the notes', async () => {
    const H = join(dir, 'h.jsonl');
    const runs: CliRun[] = [];
    for (let i = 0; i < 3; i++) runs.push(await cli(['check', FULL, '--asset', 'sales', '--history', H, '--json']));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(runs[0].stdout).checks.every((c: { status: string }) => c.status === 'skipped')).toBe(true);
    expect(JSON.parse(runs[2].stdout)).toMatchObject({ asset: 'sales', materializations: 3, passed: true });
    const r = await cli(['check', CUT, '--asset', 'sales', '--history', H, '--json']);
    expect(r.status, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['asset', 'materializations', 'passed', 'checks']);
    expect(out).toMatchObject({ asset: 'sales', materializations: 4, passed: false });
    for (const c of out.checks) expect(Object.keys(c)).toEqual(['metric', 'value', 'mean', 'stdev', 'k', 'status', 'passed', 'note']);
    const failed = out.checks.filter((c: { status: string }) => c.status === 'failed').map((c: { metric: string }) => c.metric).sort();
    // x keeps its min (0) and loses its max (99 → 59); y has no values left; cat keeps its 3 texts.
    expect(failed).toEqual(['max:x', 'max:y', 'mean:x', 'mean:y', 'min:y', 'missing:y', 'num_rows', 'std:x', 'std:y'].sort());
    const byMetric = new Map(out.checks.map((c: { metric: string }) => [c.metric, c]));
    expect((byMetric.get('num_rows') as { note: string }).note).toBe('num_rows is 60. Mean is 100. Standard deviation is 0.0. The earlier values do not vary (standard deviation 0): only a value equal to the mean passes.');
    expect((byMetric.get('missing:y') as { note: string }).note).toMatch(/^missing:y is 60\. Mean is 0\. Standard deviation is 0\.0\./);
    expect((byMetric.get('mean:x') as { note: string }).note).toMatch(/^mean:x is 29\.5\. Mean is 49\.5\. Standard deviation is 0\.0\./);
    expect((byMetric.get('mean:y') as { note: string }).note).toContain('mean:y is nan.');
    expect(byMetric.get('min:x')).toMatchObject({ status: 'passed', value: 0 });
    expect(byMetric.get('distinct:cat')).toMatchObject({ status: 'passed', value: 3 });
    expect(lines(H)).toHaveLength(4);
    expect(JSON.parse(lines(H)[3])).toMatchObject({ asset: 'sales', file: 'sales-4.csv', rows: 60 });

    // The README's Dagster snippet on these runs: a failure is a failed AssetCheckResult, not an error.
    expect(assetCheckResult(r)).toMatchObject({ passed: false, metadata: { materializations: 4 } });
    expect(assetCheckResult(r).metadata.failed.split(', ').sort()).toEqual(failed);
    expect(assetCheckResult(r).metadata.notes).toContain('num_rows: num_rows is 60.');
    expect(assetCheckResult(runs[2])).toEqual({ passed: true, metadata: { materializations: 3, failed: 'none', notes: 'every check passed or was skipped' } });

    // --no-record: checked against the history, which stays as it was; human output names the failures.
    const before = readFileSync(H, 'utf8');
    const again = await cli(['check', FULL, '--asset', 'sales', '--history', H, '--no-record']);
    // Against 100, 100, 100, 60 rows the full file passes again (mean 90, stdev 20; y's undefined values are left out).
    expect(again.status, again.stdout).toBe(0);
    expect(readFileSync(H, 'utf8')).toBe(before);
    expect(again.stdout).toMatch(/^sales: materialisation 5, 13 checks: 0 failed, 13 passed, 0 skipped/);
  }, 240_000);

  it('another asset in the same history file has its own materialisations', async () => {
    const H = join(dir, 'two.jsonl');
    await cli(['check', FULL, '--asset', 'a', '--history', H, '--json']);
    const r = await cli(['check', FULL, '--asset', 'b', '--history', H, '--json']);
    expect(JSON.parse(r.stdout).materializations).toBe(1);
    expect(lines(H).map((l) => JSON.parse(l).asset)).toEqual(['a', 'b']);
  }, 120_000);

  it("a detector's run is recorded and checked: flagged_share, roc_auc, average_precision", async () => {
    const H = join(dir, 'det.jsonl');
    const labelled = join(dir, 'labelled.csv');
    writeFileSync(labelled, `x,y,label\n${Array.from({ length: 80 }, (_, i) => `${Math.sin(i)},${Math.cos(i * 1.3)},0`).join('\n')}\n9,9,1\n-9,8,1\n`);
    const r = await cli(['check', labelled, '--asset', 'l', '--history', H, '--detector', 'zscore', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const metrics = JSON.parse(r.stdout).checks.map((c: { metric: string }) => c.metric);
    expect(metrics).toEqual(expect.arrayContaining(['flagged_share', 'roc_auc', 'average_precision']));
    const run = JSON.parse(lines(H)[0]).run;
    expect(run.detector).toBe('zscore');
    expect(run.flagged_share).toBeGreaterThan(0);
    expect(run.roc_auc).toBeGreaterThan(0.9);
  }, 120_000);

  it('bad input: one line, exit 2, the history untouched', async () => {
    const H = join(dir, 'bad.jsonl');
    writeFileSync(H, '{"asset":"s","time":"2026-12-01T00:00:00Z","file":"f","rows":3,"columns":[],"run":null}\nnot json\n');
    const results = await Promise.all([
      cli(['check', FULL, '--asset', 's', '--history', H, '--json']),
      cli(['check', FULL, '--history', H]),
      cli(['check', FULL, '--asset', 's', '--history', join(dir, 'x.jsonl'), '--k', '-1']),
      cli(['check', FULL, '--asset', 's', '--history', join(dir, 'x.jsonl'), '--metrics', 'rows']),
      cli(['check', join(dir, 'missing.csv'), '--asset', 's', '--history', join(dir, 'x.jsonl')]),
    ]);
    for (const r of results) {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(results[0].stderr).toContain('bad.jsonl: line 2 is not JSON');
    expect(results[1].stderr).toContain('check needs --asset NAME');
    expect(results[2].stderr).toContain("--k must be a number >= 0, got: '-1'");
    expect(results[3].stderr).toContain("--metrics takes num_rows,missing");
    expect(results[4].stderr).toContain('missing.csv');
    expect(readdirSync(dir).filter((f) => f.startsWith('x.jsonl'))).toEqual([]);
  }, 120_000);

  it('the append is atomic: a write that fails mid-way, or a kill mid-write, leaves the old history whole', async () => {
    const H = join(dir, 'crash.jsonl');
    for (let i = 0; i < 2; i++) expect((await cli(['check', FULL, '--asset', 'c', '--history', H])).status).toBe(0);
    const before = readFileSync(H, 'utf8');
    // A full disk after 300 bytes of the new file: exit 2, the history and its folder as they were.
    const full = await cli(['check', FULL, '--asset', 'c', '--history', H], { ANOMALY_LAB_TEST_WRITE: 'fail=ENOSPC@300' });
    expect(full.status).toBe(2);
    expect(full.stderr).toContain('crash.jsonl: no space left on device');
    expect(readFileSync(H, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('crash.jsonl') && f.endsWith('.tmp'))).toEqual([]);
    // SIGKILL while the new file is written (the hook holds it open after its bytes): no handler runs, the rename never happens.
    let pid = 0;
    const killed = cli(['check', FULL, '--asset', 'c', '--history', H], { ANOMALY_LAB_TEST_WRITE: 'delay=60000' }, (p) => { pid = p; });
    const deadline = Date.now() + 100_000;
    while (!readdirSync(dir).some((f) => f.includes('crash.jsonl') && f.endsWith('.tmp')) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    process.kill(pid, 'SIGKILL');
    expect((await killed).status).toBe(null);
    expect(readFileSync(H, 'utf8')).toBe(before);
    // The next run appends to the whole history.
    expect((await cli(['check', FULL, '--asset', 'c', '--history', H, '--json'])).status).toBe(0);
    expect(lines(H)).toHaveLength(3);
    expect(readFileSync(H, 'utf8').startsWith(before)).toBe(true);
  }, 240_000);
});
