/**
 * scikit-learn's edge cases in the page, as the CLI has them: a CSV of one row is
 * data (Isolation Forest fits and scores it; LOF refuses with scikit-learn's
 * reason and the page keeps working), and the One-class SVM flags
 * decision_function = 0 as libsvm's predict does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Lab, cliJson } from './helpers';

const tmp = mkdtempSync(path.join(tmpdir(), 'anomaly-lab-edge-'));
function csv(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

test('a one-row CSV loads and is scored by Isolation Forest as scikit-learn does (score_samples −0.5, not flagged); LOF refuses it, naming why', async ({ page }) => {
  const one = csv('one_row.csv', 'a,b\n2,2\n');
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(one);
  const s = await lab.waitDone('one_row.csv');
  expect(s.dataset).toMatchObject({ name: 'one_row.csv', rows: 1 });
  expect(s.error).toBeNull();
  const cli = cliJson(['score', one, '--detector', 'iforest']);
  // max_samples_ = 1: c(1) = 0, scikit-learn's guard gives score_samples −0.5, decision_function 0 (an inlier).
  expect(cli.threshold).toBe(0.5);
  expect(cli.flagged).toBe(0);
  expect(s.threshold).toBe(cli.threshold);
  expect(s.flagged).toBe(0);
  expect(await lab.plotPoints()).toBe(1);

  await lab.tid('detector-select').selectOption('lof');
  await lab.tid('run-button').click();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
  await expect(lab.tid('job-status')).toContainText('at least 2 training rows');
  await expect(lab.tid('job-status')).not.toContainText(/undefined|NaN/);
  // The data is still there and another detector still runs.
  await lab.runDetector('iforest');
  expect((await lab.state()).dataset?.rows).toBe(1);
});

test("One-class SVM: five identical rows give decision_function 0, and libsvm calls 0 an outlier — all five flagged, as the CLI", async ({ page }) => {
  const same = csv('identical.csv', `a,b\n${'1,1\n'.repeat(5)}`);
  const lab = new Lab(page);
  await lab.open();
  await lab.upload(same);
  await lab.waitDone('identical.csv');
  await lab.runDetector('ocsvm');
  const s = await lab.state();
  const cli = cliJson(['score', same, '--detector', 'ocsvm', '--param', 'standardize=true']);
  expect(cli.flagged).toBe(5);
  expect(s.flagged).toBe(5);
  expect(s.threshold).toBe(cli.threshold);
  await expect(lab.tid('threshold-value')).toHaveText('0');
  expect(await lab.flagged()).toBe(5);
});
