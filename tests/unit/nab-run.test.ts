/**
 * NAB's corpus runner (nab --detector … --data DIR), score … --time --windows (metrics.nab), and the
 * fidelity of windowed_gaussian against NAB's published scoreboard (skipped without ../shared/datasets/nab).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSeries } from '../../src/core/detectors/series-run.js';
import { prepareSeries, scoreFlags, scoreLabelled, type NabScored } from '../../src/core/metrics/nab.js';
import { listNabData, readNabSeries, roundScore } from '../../src/cli/nab-run.js';
import { readWindows } from '../../src/cli/nab.js';
import { Random } from '../../src/core/random.js';
import { REPO_ROOT } from './helpers.js';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
const NAB = resolve(REPO_ROOT, '..', 'shared', 'datasets', 'nab');
const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-nab-run-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small corpus in NAB's layout: 2 categories, 3 series of 400 five-minute points, a spike in each window. */
function corpus(root: string): { data: string; windows: string } {
  const rng = new Random(4);
  const windows: Record<string, [string, string][]> = {};
  const t0 = Date.UTC(2015, 0, 1);
  const stamp = (i: number) => new Date(t0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
  for (const [cat, file, spike] of [['catA', 'one.csv', 250], ['catA', 'two.csv', 300], ['catB', 'three.csv', 350]] as const) {
    mkdirSync(join(root, 'data', cat), { recursive: true });
    const lines = ['timestamp,value'];
    for (let i = 0; i < 400; i++) lines.push(`${stamp(i)},${(i === spike ? 40 : 10 + rng.normal()).toFixed(3)}`);
    writeFileSync(join(root, 'data', cat, file), `${lines.join('\n')}\n`);
    windows[`${cat}/${file}`] = [[`${stamp(spike - 10)}.000000`, `${stamp(spike + 10)}.000000`]];
  }
  const w = join(root, 'windows.json');
  writeFileSync(w, JSON.stringify(windows));
  return { data: join(root, 'data'), windows: w };
}

describe('nab --detector ID --data DIR: the corpus runner', () => {
  const small = corpus(join(dir, 'small'));

  it('windowed_gaussian: online over every row, results in NAB\'s layout, scored back to the same numbers by nab RESULTS_DIR', () => {
    const out = join(dir, 'results');
    const r = cli('nab', '--detector', 'windowed_gaussian', '--param', 'window_size=50', '--param', 'step_size=5', '--data', small.data, '--windows', small.windows, '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ detector: 'windowed_gaussian', params: { window_size: 50, step_size: 5 }, files: 3, rows: 1200, digits: 12 });
    expect(j.fit).toMatch(/^online/);
    expect(j.scores).toMatch(/as the detector gives them/);
    // Each planted spike is at its window's centre: every window detected.
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) expect(j[p].detected).toBe(3);
    expect(readdirSync(out).sort()).toEqual(['catA', 'catB']);
    expect(readdirSync(join(out, 'catA')).sort()).toEqual(['windowed_gaussian_one.csv', 'windowed_gaussian_two.csv']);
    const lines = readFileSync(join(out, 'catB', 'windowed_gaussian_three.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines.length).toBe(401);
    expect(lines[1]).toMatch(/^2015-01-01 00:00:00,[\d.]+,0$/);
    // The value cells are copied as written; every score has at most 12 significant digits.
    for (const l of lines.slice(1)) expect(l.split(',')[2].replace(/^0\.0*|\./g, '').length).toBeLessThanOrEqual(12);
    const back = cli('nab', out, '--windows', small.windows, '--data', small.data, '--json');
    expect(back.status, back.stderr).toBe(0);
    const b = JSON.parse(back.stdout);
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
      expect(b[p].score).toBe(j[p].score);
      expect(b[p].threshold).toBe(j[p].threshold);
    }
  }, 120_000);

  it('zscore: fitted on the probationary period, its unbounded scores mapped by the running ECDF, and the JSON says both', () => {
    const r = cli('nab', '--detector', 'zscore', '--data', small.data, '--windows', small.windows, '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.fit).toMatch(/^probation: .*first min\(floor\(0\.15 n\), 750\) rows \(e\.g\. 60 of 400/);
    expect(j.scores).toMatch(/running ECDF/);
    expect(j.standard.detected).toBe(3);
  }, 120_000);

  it('iforest: its scores in [0, 1] are on each series\' own scale, so they are mapped by the running ECDF too, and the JSON says why', () => {
    const r = cli('nab', '--detector', 'iforest', '--data', small.data, '--windows', small.windows, '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.scores).toMatch(/^mapped into \[0, 1\] causally by the running ECDF: .*on each series' own scale/);
  }, 120_000);

  it('bad input: one line naming the file and row, exit 2', () => {
    const bad = corpus(join(dir, 'bad'));
    const f = join(bad.data, 'catA', 'two.csv');
    const text = readFileSync(f, 'utf8').split('\n');
    text[8] = text[8].replace(/,.*/, ',n/a');
    writeFileSync(f, text.join('\n'));
    const r = cli('nab', '--detector', 'windowed_gaussian', '--data', bad.data, '--windows', bad.windows, '--json');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/two\.csv: row 8 \(line 9\), column value: 'n\/a' is not a finite number/);
    // A window naming a time not in the series.
    const w = JSON.parse(readFileSync(small.windows, 'utf8'));
    w['catA/one.csv'] = [['2015-03-01 00:00:00.000000', '2015-03-01 01:00:00.000000']];
    const wf = join(dir, 'bad-windows.json');
    writeFileSync(wf, JSON.stringify(w));
    const r2 = cli('nab', '--detector', 'windowed_gaussian', '--data', small.data, '--windows', wf);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/one\.csv: window \[2015-03-01 00:00:00\.000000, .*\]: time '2015-03-01 00:00:00\.000000' is not in the series/);
    const r3 = cli('nab', '--detector', 'windowed_gaussian', '--data', small.data, '--windows', small.windows, '--digits', '20');
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/--digits must be an integer from 1 to 17 or 'full', got: '20'/);
  }, 120_000);
});

describe('score FILE --time COL --windows W.json: metrics.nab', () => {
  const small = corpus(join(dir, 'score'));
  const file = join(small.data, 'catA', 'two.csv');

  it("NAB's three profiles for the file at the detector's own threshold, as the scorer gives them for its flagged rows", () => {
    const out = join(dir, 'two-scored.csv');
    const r = cli('score', file, '--detector', 'windowed_gaussian', '--param', 'window_size=50', '--param', 'step_size=5', '--time', 'timestamp', '--windows', small.windows, '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.columns).toEqual(['value']);
    const nab = j.metrics.nab;
    expect(nab).toMatchObject({ series: 'catA/two.csv', probation: 60, windows: 1 });
    // The same rows flagged (is_anomaly = score > threshold), scored by NAB's scorer directly.
    const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const times = rows.map((c) => c[0]);
    const flags = rows.map((c) => Number(c[3]));
    expect(flags.filter((x) => x === 1).length).toBe(j.flagged);
    const want = scoreFlags(prepareSeries('catA/two.csv', times, JSON.parse(readFileSync(small.windows, 'utf8'))['catA/two.csv']), flags);
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) {
      expect(nab[p].score).toBe(want[p].score);
      expect(nab[p].tp).toBe(want[p].tp);
    }
    expect(nab.standard.detected).toBe(1);
  }, 120_000);

  it('refused with one line: --windows without --time, a file the windows do not name, two value columns for a one-column detector', () => {
    const a = cli('score', file, '--detector', 'windowed_gaussian', '--windows', small.windows);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--windows needs --time COL/);
    const other = join(dir, 'elsewhere.csv');
    writeFileSync(other, readFileSync(file));
    const b = cli('score', other, '--detector', 'windowed_gaussian', '--time', 'timestamp', '--windows', small.windows);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/windows\.json: no entry for elsewhere\.csv/);
    const two = join(dir, 'two-columns.csv');
    writeFileSync(two, 'a,b\n1,2\n3,4\n5,6\n');
    const c = cli('score', two, '--detector', 'windowed_gaussian');
    expect(c.status).toBe(2);
    expect(c.stderr.trim()).toMatch(/windowed_gaussian scores exactly 1 value column \(a time series\), got 2 \(a, b\): choose one with --columns$/);
  }, 120_000);
});

describe.skipIf(!existsSync(join(NAB, 'labels', 'combined_windows.json')))("windowed_gaussian on NAB's corpus reproduces NAB's scoreboard", () => {
  it('39.6 standard, 20.9 low FP, 47.4 low FN (within 0.1), with the row counts of NAB\'s windowedGaussian_standard_scores.csv', async () => {
    const windows = readWindows(join(NAB, 'labels', 'combined_windows.json'));
    const { series } = listNabData(join(NAB, 'data'), windows);
    expect(series.length).toBe(58);
    const items: NabScored[] = [];
    for (const f of series) {
      const s = readNabSeries(f.file, f.name);
      const run = await runSeries('windowed_gaussian', {}, s.values);
      // As NAB's published results files hold them: 12 significant digits.
      items.push({ series: prepareSeries(f.name, s.timestamps, windows[f.name]), scores: Float64Array.from(run.scores, (v) => roundScore(v, 12)) });
    }
    const r = scoreLabelled(items);
    expect(Math.abs(r.standard.score! - 39.6)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(r.reward_low_FP_rate.score! - 20.9)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(r.reward_low_FN_rate.score! - 47.4)).toBeLessThanOrEqual(0.1);
    // NAB's results/windowedGaussian/windowedGaussian_standard_scores.csv, Totals: threshold 1.0, raw −24.0131054891, TP 521, TN 298938, FP 409, FN 32974.
    expect(r.standard.threshold).toBe(1);
    expect(r.standard.raw).toBeCloseTo(-24.0131054891, 6);
    expect({ tp: r.standard.tp, tn: r.standard.tn, fp: r.standard.fp, fn: r.standard.fn }).toEqual({ tp: 521, tn: 298938, fp: 409, fn: 32974 });
  }, 120_000);
});
