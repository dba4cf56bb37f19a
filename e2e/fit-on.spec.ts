/** Fitting on a subset of rows (labelled normal, or the first N %) and scoring all of them, as the CLI's --train does. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab, cliJson, fixture } from './helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-fit-on-'));
const [header, ...rows] = readFileSync(fixture('pima.csv'), 'utf8').trim().split('\n');
const labelAt = header.split(',').indexOf('label');

function subsetCsv(name: string, keep: (row: string, i: number) => boolean): string {
  const file = path.join(tmp, name);
  writeFileSync(file, `${header}\n${rows.filter(keep).join('\n')}\n`);
  return file;
}

test('LOF fitted on the rows labelled normal scores every row like `--train normal.csv`', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.tid('detector-select').selectOption('lof');
  await lab.tid('fit-on').selectOption('normal');
  await lab.runAndWait();
  await expect(lab.tid('model-info')).toContainText('fitted on the 500 rows labelled normal');
  const normal = subsetCsv('normal.csv', (r) => r.split(',')[labelAt] === '0');
  const cli = cliJson(['score', fixture('pima.csv'), '--train', normal, '--detector', 'lof']);
  const s = await lab.state();
  expect(s.threshold).toBe(cli.threshold);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics).toMatchObject({ ...cli.metrics! } as Record<string, unknown>);
});

test('Isolation Forest fitted on the first 50 % equals `--train first-half.csv`; a bad percentage is refused', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  await lab.tid('fit-on').selectOption('first');
  await lab.tid('fit-first-percent').fill('50');
  await lab.runAndWait();
  await expect(lab.tid('model-info')).toContainText('fitted on the first 50 % (384 rows)');
  const half = subsetCsv('first-half.csv', (_, i) => i < 384);
  const cli = cliJson(['score', fixture('pima.csv'), '--train', half, '--detector', 'iforest', '--seed', '42']);
  const s = await lab.state();
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics).toMatchObject({ ...cli.metrics! } as Record<string, unknown>);
  await lab.tid('fit-first-percent').fill('0');
  await lab.tid('run-button').click();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
  await expect(lab.tid('job-status')).toContainText('must be in (0, 100]');
});
