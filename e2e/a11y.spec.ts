/**
 * Accessibility (issue 23): axe-core (WCAG 2.0/2.1 A and AA rules) finds no serious or critical
 * violation on the page with a file loaded, after a run with a row explained, and with an error shown.
 */
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { Lab, fixture } from './helpers';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('no serious or critical axe violations: loaded, run, error', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(fixture('pima.csv'));
  await lab.waitDone('pima.csv');
  expect(await seriousViolations(page), 'loaded').toEqual([]);

  await lab.runDetector('lof');
  await lab.tid('next-flagged').click();
  await expect(lab.tid('explain-panel')).toBeVisible();
  await lab.tid('tab-histogram').click();
  expect(await seriousViolations(page), 'run, histogram shown, a row explained').toEqual([]);
  await lab.tid('tab-scatter').click();
  expect(await seriousViolations(page), 'run, scatter shown').toEqual([]);

  await lab.upload({ name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,label\n1,2,0\n3,4,0\n5,6\n7,8,1\n') });
  await expect(lab.tid('error-message')).toBeVisible();
  expect(await seriousViolations(page), 'error').toEqual([]);
});
