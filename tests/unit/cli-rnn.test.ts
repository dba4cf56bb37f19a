/**
 * The recurrent autoencoders through the CLI (issue 17): score --detector lstm_ae / gru_ae with
 * --time (fitted on the probationary period), --save-model then --model giving identical scores,
 * the warm-up rows, and --fit-on N% (the first N % of the rows).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliAsync } from './helpers';
import { probationRows } from '../../src/core/metrics/nab';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-rnn-'));
const N = 400;
const TINY = ['--param', 'window_size=8', '--param', 'hidden_size=4', '--param', 'epoch_num=2'];

/** An hourly series: a daily sine with deterministic noise and a spike at row 320. */
function writeSeries(file: string): void {
  const lines = ['timestamp,value'];
  for (let i = 0; i < N; i++) lines.push(`${new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString()},${10 + 3 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 13 + (i === 320 ? 25 : 0)}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function scoresOf(file: string): string[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const k = head.split(',').indexOf('score');
  return rows.map((r) => r.split(',')[k]);
}

describe('score --detector lstm_ae / gru_ae', () => {
  it.each(['lstm_ae', 'gru_ae'])('%s: --time fits on the probationary period; --save-model then --model scores identically; the first window_size − 1 rows are 0', async (id) => {
    const file = join(dir, `${id}.csv`);
    writeSeries(file);
    const [out1, out2, model] = [join(dir, `${id}-1.csv`), join(dir, `${id}-2.csv`), join(dir, `${id}.json`)];
    const r = await cliAsync('score', file, '--detector', id, ...TINY, '--time', 'timestamp', '--save-model', model, '--out', out1, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.detector).toBe(id);
    expect(json.fit_on).toBe(`probation (first ${probationRows(N)} rows)`);
    expect(json.causal).toBe(true);
    expect(json.model.warmup_rows).toBe(7);
    const a = scoresOf(out1);
    expect(a.length).toBe(N);
    expect(a.slice(0, 7).map(Number)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // The spike's windows (rows 320…327) score above every window of the probationary period.
    const s = a.map(Number);
    expect(Math.min(...s.slice(320, 328))).toBeGreaterThan(Math.max(...s.slice(7, probationRows(N))));
    const again = await cliAsync('score', file, '--model', model, '--time', 'timestamp', '--out', out2);
    expect(again.status).toBe(0);
    expect(scoresOf(out2)).toEqual(a);
  }, 120_000);

  it('--fit-on 30%: fits on the first 30 % of the rows (their windows, the latest 10 % held out); a percentage out of (0, 100] is one line, exit 2', async () => {
    const file = join(dir, 'pct.csv');
    writeSeries(file);
    const r = await cliAsync('score', file, '--detector', 'gru_ae', ...TINY, '--time', 'timestamp', '--fit-on', '30%', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    const rows = Math.floor(N * 0.3);
    expect(json.fit_on).toBe(`first 30 % (${rows} rows)`);
    expect(json.causal).toBe(false); // 120 rows > the probationary period's 60
    expect(json.model.training_windows + json.model.validation_windows).toBe(rows - 8 + 1);
    const bad = await cliAsync('score', file, '--detector', 'gru_ae', '--fit-on', '0%');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain("--fit-on must be all, probation or the first N% (N in (0, 100], e.g. 30%), got: '0%'");
  }, 120_000);
});
