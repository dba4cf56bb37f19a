import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Lab, cliJson, expectClose } from './helpers';

/** A 5-minute series of two columns (a level and a load) with a label on two points far off both (rows 300 and 450). */
function series(): string {
  const lines = ['timestamp,value,load,label'];
  const t0 = Date.UTC(2015, 0, 1);
  for (let i = 0; i < 600; i++) {
    const spike = i === 300 || i === 450;
    const value = spike ? 60 : 10 + 3 * Math.sin(i / 7) + ((i * 7919) % 13) / 13;
    const load = spike ? -20 : (i % 17) / 3;
    lines.push(`${new Date(t0 + i * 300_000).toISOString().replace('T', ' ').slice(0, 19)},${value.toFixed(3)},${load.toFixed(3)},${spike ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

test.describe("half_space_trees in the page (River's Half-Space Trees)", () => {
  test('in the picker; runs online over every row with the warming-up rows marked, and agrees with the CLI', async ({ page }) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-hst-'));
    const file = path.join(dir, 'series.csv');
    writeFileSync(file, series());
    const lab = new Lab(page);
    await lab.open();
    await lab.upload(file);
    await lab.waitDone('series.csv');
    expect((await lab.state()).features).toEqual(['value', 'load']);

    await expect(lab.tid('detector-select').locator('option[value="half_space_trees"]')).toHaveText('Half-Space Trees');
    await lab.tid('detector-select').selectOption('half_space_trees');
    await lab.tid('param-window_size').fill('100');
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('Half-Space Trees on 2 columns');
    // The first window fills on rows 1–100: they score 0.
    await expect(lab.tid('warmup-note')).toHaveAttribute('data-rows', '100');
    const scores = await lab.scores();
    if (!scores) throw new Error('the page holds no scores after the run');
    expect(scores.slice(0, 100).every((s) => s === 0)).toBe(true);

    const cli = cliJson(['score', file, '--detector', 'half_space_trees', '--param', 'window_size=100', '--columns', 'value,load', '--label', 'label']);
    expect(await lab.threshold()).toBe(cli.threshold);
    expect(await lab.flagged()).toBe(cli.flagged);
    expectClose(await lab.metricValue('roc-auc'), cli.metrics!.roc_auc, 1e-12, 'roc_auc');
    // The second far point scores highest: by then the scaler's range holds the first, so it lands
    // in cells only that one visited. The first, beyond the range learnt, shares the edge cells with
    // the most extreme rows (load's minimum repeats every 17 rows): high, not the highest.
    expect(scores.indexOf(Math.max(...scores))).toBe(450);
    expect((await lab.confusion()).tp).toBeGreaterThanOrEqual(1);

    // Online: "fit on the first N %" does not apply; the stream runs over every row, with the same scores.
    await lab.tid('fit-on').selectOption('first');
    await lab.runAndWait();
    await expect(lab.tid('model-info')).toContainText('fitted on all rows (online: one stream over every row, in order)');
    expect(await lab.scores()).toEqual(scores);
  });
});
