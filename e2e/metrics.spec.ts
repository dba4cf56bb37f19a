import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { Lab, cliJson, expectClose } from './helpers';

/**
 * The metrics panel beside the CLI (issue 13): the positive label of a −1/1
 * column is −1 and is shown with its count; F-β (at any β), MCC and balanced
 * accuracy equal the CLI's; labels of one class give ROC-AUC "—" and
 * scikit-learn's reason instead of a number.
 */
const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-e2e-metrics-'));

function data(name: string, labelOf: (i: number, outlier: boolean) => string): string {
  const rows = ['x,y,label'];
  for (let i = 0; i < 150; i++) rows.push(`${(Math.sin(i * 1.3) * 0.6).toFixed(6)},${(Math.cos(i * 0.7) * 0.6).toFixed(6)},${labelOf(i, false)}`);
  for (let i = 0; i < 12; i++) rows.push(`${(4 + i * 0.5).toFixed(6)},${(-3 - i * 0.25).toFixed(6)},${labelOf(150 + i, true)}`);
  const file = join(dir, name);
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

test('a -1/1 label column: positive label -1 with its count; F-beta, MCC and balanced accuracy equal the CLI\'s', async ({ page }) => {
  // -1 marks the 12 outliers and two of the normal rows
  const file = data('pm1.csv', (i, outlier) => (outlier || i === 3 || i === 77 ? '-1' : '1'));
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(file);
  await lab.waitDone('pm1.csv');
  await expect(lab.tid('positive-label')).toHaveText('positive label: -1 (14 anomalies)');
  await expect(lab.tid('positive-label')).toHaveAttribute('data-value', '-1');

  const args = ['score', file, ...(await lab.cliArgs())];
  const cli = cliJson(args);
  expect(cli.positive).toBe(-1);
  expect(await lab.threshold()).toBe(cli.threshold);
  const m = cli.metrics as unknown as Record<string, number>;
  expectClose(await lab.metricValue('fbeta'), m.fbeta, 1e-12, 'fbeta');
  await expect(lab.tid('metric-fbeta')).toHaveAttribute('data-beta', '1');
  expectClose(await lab.metricValue('mcc'), m.matthews_corrcoef, 1e-12, 'mcc');
  expectClose(await lab.metricValue('balanced-accuracy'), m.balanced_accuracy, 1e-12, 'balanced accuracy');
  expect(await lab.metricValue('fbeta')).toBe(await lab.metricValue('f1'));

  // β = 2 in the panel = --beta 2 on the command line
  await lab.tid('beta-input').fill('2');
  await expect(lab.tid('metric-fbeta')).toHaveAttribute('data-beta', '2');
  const cli2 = cliJson([...args, '--beta', '2']);
  expectClose(await lab.metricValue('fbeta'), (cli2.metrics as unknown as Record<string, number>).fbeta, 1e-12, 'fbeta at beta 2');
});

test('labels of one class: ROC-AUC is "—" with scikit-learn\'s reason, average precision 0', async ({ page }) => {
  const file = data('allnormal.csv', () => '0');
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(file);
  await lab.waitDone('allnormal.csv');
  await expect(lab.tid('positive-label')).toHaveText('positive label: 1 (0 anomalies)');
  await expect(lab.tid('metric-roc-auc')).toHaveText('—');
  await expect(lab.tid('metric-roc-auc')).toHaveAttribute('data-value', '');
  expect(await lab.metricValue('average-precision')).toBe(0);
  await expect(lab.tid('metrics-warnings')).toContainText('Only one class present in y_true. ROC AUC score is not defined in that case.');
  await expect(lab.tid('metrics-warnings')).toContainText('No positive class found in y_true');
  const cli = cliJson(['score', file, ...(await lab.cliArgs())]);
  expect(cli.metrics?.roc_auc).toBeNull();
  expect((cli.metrics as unknown as { warnings: string[] }).warnings).toEqual(
    (await lab.tid('metrics-warnings').locator('li').allTextContents()),
  );
});
