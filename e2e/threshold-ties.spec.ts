import { test, expect } from '@playwright/test';
import { Lab } from './helpers';

/**
 * Rows that tie at one score are flagged all together or not at all. A flagged count typed in
 * that falls inside such a block cannot be reached: the page says so and offers the next count up,
 * instead of silently flagging fewer (issue 16: "30 flagged" gave "0 of 22,695" on
 * machine_temperature, where Isolation Forest gives many rows its top score).
 */
test('a flagged count inside a block of tied scores is explained, and the next count up is one click away', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const lines = ['x,y'];
  for (let i = 0; i < 200; i++) lines.push(`${((i * 37) % 101) / 100},${((i * 53) % 97) / 100}`);
  for (let i = 0; i < 10; i++) lines.push('50,50'); // ten identical outliers: one score
  await lab.upload({ name: 'ties.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
  await lab.waitDone('ties.csv');
  await lab.runDetector('zscore');
  // A table without a time column: fitted on all rows, and no 'not causal' badge (causality is a series' concern).
  await expect(lab.tid('not-causal')).toHaveCount(0);
  const scores = (await lab.scores())!;
  const top = Math.max(...scores);
  expect(scores.filter((s) => s === top)).toHaveLength(10);

  await lab.tid('flagged-count').fill('4');
  await lab.tid('flagged-count').blur();
  await expect(lab.tid('flagged-count')).toHaveAttribute('data-value', '0');
  const note = lab.tid('flagged-tie-note');
  await expect(note).toBeVisible();
  await expect(note).toHaveAttribute('data-below', '0');
  await expect(note).toHaveAttribute('data-above', '10');
  await expect(note).toContainText('4 rows cannot be flagged exactly: 10 rows tie');

  await lab.tid('flag-tied').click();
  await expect(lab.tid('flagged-count')).toHaveAttribute('data-value', '10');
  expect((await lab.state()).flagged).toBe(10);
  await expect(note).toHaveCount(0);

  // A count that can be reached exactly says nothing.
  await lab.tid('flagged-count').fill('12');
  await lab.tid('flagged-count').blur();
  await expect(lab.tid('flagged-count')).toHaveAttribute('data-value', '12');
  await expect(note).toHaveCount(0);
});
