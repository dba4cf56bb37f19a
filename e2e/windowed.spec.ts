/**
 * Tabular detectors over sliding windows in the page (issue 16): window_size / differences in the
 * parameter form, fit on NAB's probationary period (the default once a time column is set), the
 * "not causal" badge for a fit on all rows, and a windowed run split into chunks across the pool
 * scoring exactly as the CLI does in one piece.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Lab, ROOT, cliJson } from './helpers';

const dir = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-windowed-'));

/** An hourly series of n rows: a daily sine, deterministic noise, a spike every 5,000 rows. */
function series(n: number): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const v = 10 + 3 * Math.sin((2 * Math.PI * i) / 24) + ((i * 7919) % 13) / 13 + (i % 5000 === 4321 ? 20 : 0);
    lines.push(`${new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString()},${v.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The score column of a --out file. */
function scoresOf(file: string): number[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const k = head.split(',').indexOf('score');
  return rows.map((r) => Number(r.split(',')[k]));
}

test.describe('windowed detectors in the page', () => {
  test('nyc_taxi: window_size in the form, fitted on the probation by default and equal to the CLI; all rows is "not causal"', async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.tid('sample-nyc_taxi').click();
    await lab.waitDone('nyc_taxi.csv');
    // A time column makes the probationary period the default fit.
    await expect(lab.tid('fit-on')).toHaveValue('probation');

    await lab.tid('detector-select').selectOption('knn');
    await lab.tid('param-window_size').fill('12');
    await lab.tid('param-differences').fill('1');
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('k-nearest neighbours on 1 columns, fitted on the probationary period (first 750 rows)');
    await expect(lab.tid('not-causal')).toHaveCount(0);
    expect((await lab.state()).modelDetails?.windows).toBe('window_size 12 × 1 column (first differences), fitted on every full window; causal');
    const file = path.join(ROOT, 'public/samples/nyc_taxi.csv');
    const args = ['score', file, '--detector', 'knn', '--param', 'window_size=12', '--param', 'differences=1', '--columns', 'value', '--time', 'timestamp'];
    const cli = cliJson(args) as unknown as { threshold: number; flagged: number; fit_on: string; causal: boolean };
    expect(cli).toMatchObject({ fit_on: 'probation (first 750 rows)', causal: true });
    expect(await lab.threshold()).toBe(cli.threshold);
    expect(await lab.flagged()).toBe(cli.flagged);
    const probationScores = await lab.scores();

    // Fitted on every row: labelled "not causal", and the scores differ.
    await lab.tid('fit-on').selectOption('all');
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('fitted on all rows');
    await expect(lab.tid('not-causal')).toBeVisible();
    await expect(lab.tid('not-causal')).toHaveText('not causal');
    const all = cliJson([...args, '--fit-on', 'all']) as unknown as { threshold: number; flagged: number; causal: boolean };
    expect(all.causal).toBe(false);
    expect(await lab.threshold()).toBe(all.threshold);
    expect(await lab.flagged()).toBe(all.flagged);
    expect(await lab.scores()).not.toEqual(probationScores);

    // A bad window size is refused in the form, naming the parameter.
    await lab.tid('param-window_size').fill('-3');
    await expect(lab.tid('param-error')).toContainText('window_size must be >= 0');
    await expect(lab.tid('run-button')).toBeDisabled();
  });

  test('60,000 rows: the pool scores a windowed model in chunks (each with the rows before it) exactly as the CLI in one piece', async ({ page }) => {
    const file = path.join(dir, 'long.csv');
    writeFileSync(file, series(60_000));
    const lab = new Lab(page);
    await lab.open();
    await lab.upload(file);
    await lab.waitDone('long.csv', 120_000);
    await expect(lab.tid('fit-on')).toHaveValue('probation');
    await lab.tid('detector-select').selectOption('knn');
    await lab.tid('param-window_size').fill('8');
    await lab.runAndWait(120_000);
    const state = await lab.state();
    // Scored in chunks across the pool (at least two workers shared the run).
    expect(state.workers).toBeGreaterThan(1);
    const out = path.join(dir, 'long-out.csv');
    const cli = cliJson(['score', file, '--detector', 'knn', '--param', 'window_size=8', '--columns', 'value', '--time', 'timestamp', '--out', out]);
    expect(await lab.threshold()).toBe(cli.threshold);
    expect(await lab.flagged()).toBe(cli.flagged);
    const page_ = (await lab.scores())!;
    const ours = scoresOf(out);
    expect(page_.length).toBe(60_000);
    // --out writes each score in full (String(number)): equal to the bit.
    let differ = 0;
    for (let i = 0; i < ours.length; i++) if (page_[i] !== ours[i]) differ++;
    expect(differ).toBe(0);
  });
});
