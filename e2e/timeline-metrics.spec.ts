/**
 * The metrics panel on a time series (issue 16): NAB's score in three profiles and the event-wise
 * precision / recall / F1 / mean time to detect follow the threshold slider, and equal the CLI's
 * `score --time --windows --threshold T` (metrics.nab, metrics.event) at the page's threshold.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Lab, ROOT, cliJson, expectClose } from './helpers';

interface NabProfile { score: number | null; tp: number; fp: number; detected: number }
interface CliTime {
  threshold: number;
  flagged: number;
  metrics: {
    nab: Record<'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate', NabProfile>;
    event: { precision: number; recall: number; f1: number; mean_time_to_detect: number | null };
  };
}

/**
 * The CLI's equivalent of the page's default fit on a time series, NAB's probationary period: a
 * training file of the first min(floor(0.15 n), 750) rows (`--train`), scoring every row.
 */
function probationTrain(file: string, dir: string): string[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const n = lines.length - 1;
  const train = path.join(dir, `probation-${path.basename(file)}`);
  writeFileSync(train, `${lines.slice(0, 1 + Math.min(Math.floor(0.15 * n), 750)).join('\n')}\n`);
  return ['--train', train];
}

/** The panel's figures as the page shows them (data-value, full precision). */
async function panel(lab: Lab) {
  const read = async (id: string) => {
    const v = await lab.tid(`metric-${id}`).getAttribute('data-value');
    return v === null || v === '' ? null : Number(v);
  };
  return {
    standard: await read('nab-standard'), lowFp: await read('nab-low-fp'), lowFn: await read('nab-low-fn'),
    precision: await read('event-precision'), recall: await read('event-recall'), f1: await read('event-f1'), mttd: await read('event-mttd'),
  };
}

/** Page and CLI agree at the page's current threshold (the CLI's mean time to detect is in seconds, the page's in ms). */
async function expectSameAsCli(lab: Lab, cliArgs: string[]): Promise<Awaited<ReturnType<typeof panel>>> {
  const t = await lab.threshold();
  const cli = cliJson([...cliArgs, '--threshold', String(t)]) as unknown as CliTime;
  expect(cli.threshold).toBe(t);
  expect(await lab.flagged()).toBe(cli.flagged);
  const p = await panel(lab);
  // The page sums NAB's weights in score order with compensation, the CLI in row order: ~1e-12 apart.
  expectClose(p.standard, cli.metrics.nab.standard.score, 1e-9, `NAB standard at ${t}`);
  expectClose(p.lowFp, cli.metrics.nab.reward_low_FP_rate.score, 1e-9, `NAB low FP at ${t}`);
  expectClose(p.lowFn, cli.metrics.nab.reward_low_FN_rate.score, 1e-9, `NAB low FN at ${t}`);
  expect(p.precision).toBe(cli.metrics.event.precision);
  expect(p.recall).toBe(cli.metrics.event.recall);
  expect(p.f1).toBe(cli.metrics.event.f1);
  expectClose(p.mttd === null ? null : p.mttd / 1000, cli.metrics.event.mean_time_to_detect, 1e-9, `mean time to detect at ${t}`);
  return p;
}

test.describe('NAB and event metrics in the metrics panel', () => {
  test('NAB sample: the slider moves NAB score and event F1, equal to the CLI at each threshold', async ({ page }) => {
    const lab = new Lab(page);
    await lab.open();
    await lab.tid('sample-nyc_taxi').click();
    await lab.waitDone('nyc_taxi.csv');
    await expect(lab.tid('time-metrics-source')).toContainText('5 windows from nab_windows.json');
    await expect(lab.tid('metric-nab-standard')).toHaveAttribute('data-value', /\d/);
    await expect(lab.tid('model-info')).toContainText('fitted on the probationary period (first 750 rows)');
    const file = path.join(ROOT, 'public/samples/nyc_taxi.csv');
    const dir = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-timeline-metrics-'));
    const cliArgs = ['score', file, ...(await lab.cliArgs()), ...probationTrain(file, dir), '--columns', 'value', '--time', 'timestamp', '--windows', path.join(ROOT, 'public/samples/nab_windows.json')];

    // The detector's own threshold, then two slider positions.
    const own = await expectSameAsCli(lab, cliArgs);
    const slider = lab.tid('threshold-slider');
    await slider.fill('990');
    await expect.poll(async () => (await panel(lab)).standard).not.toBe(own.standard);
    const high = await expectSameAsCli(lab, cliArgs);
    await slider.fill('700');
    await expect.poll(async () => (await panel(lab)).f1).not.toBe(high.f1);
    const mid = await expectSameAsCli(lab, cliArgs);
    // Moving the threshold changed both the NAB score and the event F1.
    expect(new Set([own.standard, high.standard, mid.standard]).size).toBeGreaterThan(1);
    expect(new Set([own.f1, high.f1, mid.f1]).size).toBeGreaterThan(1);

    // Fitted on every row, the model is not causal: NAB's score is left out, the event metrics stay.
    await lab.tid('fit-on').selectOption('all');
    await lab.runAndWait();
    await expect(lab.tid('nab-not-causal')).toContainText('Not causal: fitted on all rows');
    await expect(lab.tid('metric-nab-standard')).toHaveAttribute('data-value', '');
    await expect(lab.tid('metric-event-f1')).toHaveAttribute('data-value', /\d/);
  });

  test('point labels without a windows file: each run of positive labels is a window, as a CSV of start,end gives the CLI', async ({ page }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-timeline-metrics-'));
    const t0 = Date.UTC(2016, 4, 1);
    const stamp = (i: number) => new Date(t0 + i * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    // Two labelled runs (rows 300-309 and 500-502) with a bump in each, and a bump outside them at row 400.
    const runs = [[300, 309], [500, 502]];
    const lines = ['timestamp,value,label'];
    for (let i = 0; i < 700; i++) {
      const label = runs.some(([a, b]) => i >= a && i <= b) ? 1 : 0;
      const bump = i === 304 || i === 500 ? 8 : i === 400 ? 5 : 0;
      lines.push(`${stamp(i)},${(Math.sin(i / 11) + ((i * 7919) % 17) / 30 + bump).toFixed(5)},${label}`);
    }
    const file = path.join(dir, 'labelled.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const windows = path.join(dir, 'windows.csv');
    writeFileSync(windows, `start,end\n${runs.map(([a, b]) => `${stamp(a)},${stamp(b)}`).join('\n')}\n`);

    const lab = new Lab(page);
    await lab.open();
    await lab.upload(file);
    await lab.waitDone('labelled.csv');
    await expect(lab.tid('time-metrics-source')).toContainText('each run of consecutive positive labels is a window (2)');
    const cliArgs = ['score', file, ...(await lab.cliArgs()), ...probationTrain(file, dir), '--columns', 'value', '--label', 'label', '--time', 'timestamp', '--windows', windows];
    await expectSameAsCli(lab, cliArgs);
    await lab.tid('threshold-slider').fill('995');
    await expect(lab.tid('event-counts')).toHaveAttribute('data-fp', /\d/);
    await expectSameAsCli(lab, cliArgs);
  });
});
