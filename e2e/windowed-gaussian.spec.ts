import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Lab, cliJson, expectClose } from './helpers';

/** A 5-minute series with a level (value), a second numeric column (load) and a label on two spikes. */
function series(): string {
  const lines = ['timestamp,value,load,label'];
  const t0 = Date.UTC(2015, 0, 1);
  for (let i = 0; i < 600; i++) {
    const spike = i === 300 || i === 450;
    const value = spike ? 60 : 10 + 3 * Math.sin(i / 7) + ((i * 7919) % 13) / 13;
    lines.push(`${new Date(t0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19)},${value.toFixed(3)},${(i % 17) / 3},${spike ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

test.describe('windowed_gaussian in the page (NAB\'s windowed Gaussian)', () => {
  test('in the picker; with two value columns chosen it says it needs one; with one it runs and agrees with the CLI', async ({ page }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-wg-'));
    const file = path.join(dir, 'series.csv');
    writeFileSync(file, series());
    const lab = new Lab(page);
    await lab.open();
    await lab.upload(file);
    await lab.waitDone('series.csv');
    expect((await lab.state()).features).toEqual(['value', 'load']);

    await expect(lab.tid('detector-select').locator('option[value="windowed_gaussian"]')).toHaveText('Windowed Gaussian');
    await lab.tid('detector-select').selectOption('windowed_gaussian');
    await lab.tid('param-window_size').fill('100');
    await lab.tid('param-step_size').fill('10');
    await lab.tid('run-button').click();
    await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
    await expect(lab.tid('job-status')).toContainText('Windowed Gaussian scores exactly 1 value column (a time series), but 2 are chosen: keep one in the column list');

    await lab.tid('feature-load').uncheck();
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('Windowed Gaussian on 1 columns');
    const cli = cliJson(['score', file, '--detector', 'windowed_gaussian', '--param', 'window_size=100', '--param', 'step_size=10', '--columns', 'value', '--label', 'label']);
    expect(cli.columns).toEqual(['value']);
    expect(await lab.threshold()).toBe(cli.threshold);
    expect(await lab.flagged()).toBe(cli.flagged);
    expectClose(await lab.metricValue('roc-auc'), cli.metrics!.roc_auc, 1e-12, 'roc_auc');
    // Both spikes flagged: each lies far outside its window's normal band.
    const cm = await lab.confusion();
    expect(cm.tp).toBe(2);

    // Online: "fit on the first N %" does not apply; the stream runs over every row, with the same scores.
    const scores = await lab.scores();
    await lab.tid('fit-on').selectOption('first');
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('fitted on all rows (online: one stream over every row, in order)');
    expect(await lab.scores()).toEqual(scores);
  });
});
