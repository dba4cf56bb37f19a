/**
 * The CLI over sliding windows (issue 16): `--param window_size=… --param differences=…`, a saved
 * windowed model applied again, `--fit-on probation` (the default with --time) and its causality,
 * and the one-line errors.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliAll, cliAsync } from './helpers';
import { fitModel } from '../../src/core/detectors/run';
import { probationRows } from '../../src/core/metrics/nab';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-windowed-'));

/** An hourly series of n rows (a daily sine with a little deterministic noise), with a spike at row `spike`; `shift` added from row `from` on. */
function seriesCsv(n: number, spike: number, from = n, shift = 0): { text: string; values: Float64Array } {
  const values = new Float64Array(n);
  const lines = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    values[i] = 10 + 3 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 13 + (i === spike ? 25 : 0) + (i >= from ? shift : 0);
    lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString()},${values[i]}`);
  }
  return { text: `${lines.join('\n')}\n`, values };
}

/** The score column of a --out file. */
function scoresOf(file: string): number[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const k = head.split(',').indexOf('score');
  return rows.map((r) => Number(r.split(',')[k]));
}

describe('score over sliding windows', () => {
  it('--param window_size / differences: the scores of the core\'s windowed model, saved and applied again alike', async () => {
    const { text, values } = seriesCsv(400, 300);
    const file = join(dir, 'a.csv');
    writeFileSync(file, text);
    const [fit, reuse] = [join(dir, 'a-out.csv'), join(dir, 'a-model-out.csv')];
    const model = join(dir, 'a-model.json');
    const r = await cliAsync('score', file, '--detector', 'knn', '--columns', 'value', '--param', 'window_size=6', '--param', 'differences=1', '--save-model', model, '--out', fit, '--json');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.params).toMatchObject({ window_size: 6, stride: 1, differences: 1, n_neighbors: 5 });
    expect(out.model.windows).toContain('window_size 6 × 1 column (first differences)');
    // The same fit in-process: the CLI runs the registry's windowed knn, fitted on all rows (their leave-one-out scores).
    const core = await fitModel('knn', { window_size: 6, differences: 1 }, { data: values, rows: 400, cols: 1 });
    const cli = scoresOf(fit);
    expect(cli.length).toBe(400);
    for (let i = 0; i < 400; i++) expect(cli[i]).toBeCloseTo(core.trainingScores![i], 9);
    expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({ features: 1, columns: ['value'], params: { window_size: 6, differences: 1 } });
    // Applied again: every row scored as a new window (no leave-one-out), the model's own scoring.
    const again = await cliAsync('score', file, '--model', model, '--out', reuse, '--json');
    expect(again.stderr).toBe('');
    const applied = await core.score({ data: values, rows: 400, cols: 1 });
    scoresOf(reuse).forEach((s, i) => expect(s).toBeCloseTo(applied[i], 9));
    // The spike's window stands out: the highest score is within the 6 rows from it.
    const top = cli.indexOf(Math.max(...cli));
    expect(top).toBeGreaterThanOrEqual(300);
    expect(top).toBeLessThan(306);
  }, 120_000);

  it('--fit-on probation (the default with --time) is causal: later rows changed, earlier scores unchanged; all rows is not', async () => {
    const n = 1000;
    const a = join(dir, 'b1.csv');
    const b = join(dir, 'b2.csv');
    writeFileSync(a, seriesCsv(n, 500).text);
    writeFileSync(b, seriesCsv(n, 500, 800, 40).text); // rows 800… shifted
    const outs = ['b1-p.csv', 'b2-p.csv', 'b1-a.csv', 'b2-a.csv'].map((f) => join(dir, f));
    const common = ['--detector', 'lof', '--columns', 'value', '--param', 'window_size=4', '--json'];
    const runs = await cliAll([
      ['score', a, ...common, '--time', 'timestamp', '--out', outs[0]],
      ['score', b, ...common, '--fit-on', 'probation', '--out', outs[1]],
      ['score', a, ...common, '--time', 'timestamp', '--fit-on', 'all', '--out', outs[2]],
      ['score', b, ...common, '--fit-on', 'all', '--out', outs[3]],
    ], 2);
    for (const r of runs) expect(r.stderr).toBe('');
    const json = runs.map((r) => JSON.parse(r.stdout));
    expect(json[0]).toMatchObject({ fit_on: `probation (first ${probationRows(n)} rows)`, causal: true });
    expect(json[1]).toMatchObject({ fit_on: `probation (first ${probationRows(n)} rows)`, causal: true });
    expect(json[2]).toMatchObject({ fit_on: 'all rows', causal: false });
    const [p1, p2, a1, a2] = outs.map(scoresOf);
    expect(p2.slice(0, 800)).toEqual(p1.slice(0, 800));
    expect(p2.slice(800)).not.toEqual(p1.slice(800));
    // Fitted on every row, the change after row 800 reaches the scores before it.
    expect(a2.slice(0, 800)).not.toEqual(a1.slice(0, 800));
  }, 120_000);

  it('a file over 20 MB, scored across the CLI\'s threads in chunks (each reading the rows before it), equals one piece in-process', async () => {
    // 290,000 rows × 4 columns of 17-digit values: ~21 MB, past the 20 MB at which score starts its scoring threads
    // (and past the 200,000 rows from which they share the scoring).
    const n = 290_000;
    const cols = 4;
    const values = new Float64Array(n * cols);
    const lines = ['a,b,c,d'];
    for (let i = 0; i < n; i++) {
      const row: string[] = [];
      for (let c = 0; c < cols; c++) {
        const v = Number((10 + 3 * Math.sin(i / (40 + c)) + ((i * 7919 + c * 31) % 101) / 101 + (i % 50_000 === 7_777 ? 9 : 0)).toFixed(15));
        values[i * cols + c] = v;
        row.push(String(v));
      }
      lines.push(row.join(','));
    }
    const file = join(dir, 'big.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const out = join(dir, 'big-out.csv');
    const r = await cliAsync('score', file, '--detector', 'knn', '--param', 'window_size=3', '--param', 'differences=1', '--fit-on', 'probation', '--out', out, '--json');
    expect(statSync(file).size).toBeGreaterThan(20e6);
    expect(r.stderr).toBe('');
    const fitRows = probationRows(n);
    const model = await fitModel('knn', { window_size: 3, differences: 1 }, { data: values.subarray(0, fitRows * cols), rows: fitRows, cols });
    const whole = await model.score({ data: values, rows: n, cols });
    const cli = scoresOf(out);
    let differ = 0;
    for (let i = 0; i < n; i++) if (cli[i] !== whole[i]) differ++;
    expect(differ).toBe(0);
  }, 240_000);

  it('one-line errors: a bad --fit-on, --fit-on with --train, too short a series for the window', async () => {
    const file = join(dir, 'c.csv');
    writeFileSync(file, seriesCsv(20, 10).text);
    const [bad, withTrain, short] = await cliAll([
      ['score', file, '--detector', 'zscore', '--fit-on', 'first'],
      ['score', file, '--detector', 'zscore', '--fit-on', 'all', '--train', file],
      ['score', file, '--detector', 'zscore', '--columns', 'value', '--param', 'window_size=30'],
    ]);
    expect([bad.status, bad.stderr.trim()]).toEqual([2, "anomaly-lab: --fit-on must be all, probation or the first N% (N in (0, 100], e.g. 30%), got: 'first'"]);
    expect([withTrain.status, withTrain.stderr.trim()]).toEqual([2, 'anomaly-lab: --fit-on chooses rows of FILE to fit on: not with --train']);
    expect(short.status).toBe(2);
    expect(short.stderr.trim()).toBe('anomaly-lab: z-score: window_size 30 needs at least 30 training rows for one full window, got 20');
  }, 120_000);
});
