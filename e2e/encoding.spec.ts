/**
 * Issue 14 in the page: a UTF-16 file (with its byte-order mark) is read like its UTF-8 copy; a
 * Latin-1 file is refused with the row and column of its first bad byte and a button that reads
 * it again as Windows-1252; a value whose square overflows ends a LOF run with an error naming
 * the row and column, and the earlier result stays.
 */
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { Lab, fixture } from './helpers';

const DEMO = readFileSync(fixture('sklearn_iforest_demo.csv'), 'utf8');

function utf16(text: string, be: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  if (be) le.swap16();
  return Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
}

test('UTF-16 LE and BE files with a BOM score exactly as their UTF-8 copy', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.upload({ name: 'demo-utf8.csv', mimeType: 'text/csv', buffer: Buffer.from(DEMO) });
  await lab.waitDone('demo-utf8.csv');
  const want = await lab.scores();
  const wantState = await lab.state();
  expect(want).not.toBeNull();
  for (const be of [false, true]) {
    const name = `demo-utf16${be ? 'be' : 'le'}.csv`;
    await lab.upload({ name, mimeType: 'text/csv', buffer: utf16(DEMO, be) });
    const s = await lab.waitDone(name);
    await expect(lab.tid('error-message')).toHaveCount(0);
    expect(s.features).toEqual(wantState.features);
    expect(s.labelColumn).toBe(wantState.labelColumn);
    expect(await lab.scores()).toEqual(want);
  }
});

test('a Latin-1 file: the error names the row and column, the earlier data stay, and "Read as Latin-1" loads it', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('sample-sklearn_iforest_demo').click();
  await lab.waitDone('sklearn_iforest_demo.csv');
  const before = await lab.scores();

  const lines = DEMO.trimEnd().split('\n');
  const text = [`${lines[0].replace('x0', 'température')},ville`, ...lines.slice(1).map((l, i) => `${l},${i === 41 ? 'Zürich' : 'Bern'}`)].join('\n');
  await lab.upload({ name: 'latin1.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'latin1') });
  const banner = lab.tid('error-message');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("latin1.csv: the header (line 1), column 1: byte 0xE9 is not UTF-8");
  await expect(banner).toContainText('The data loaded before is still here');
  await expect(banner).not.toContainText('\uFFFD');
  expect(await lab.scores()).toEqual(before);

  await lab.tid('retry-latin1').click();
  const s = await lab.waitDone('latin1.csv');
  await expect(lab.tid('error-message')).toHaveCount(0);
  expect(s.features).toContain('température');
  expect(s.dataset?.rows).toBe(lines.length - 1);
});

test('a Latin-1 cell names its row; a UTF-8 file never shows the retry button', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const lines = DEMO.trimEnd().split('\n');
  const text = [`${lines[0]},city`, ...lines.slice(1).map((l, i) => `${l},${i === 41 ? 'Zürich' : 'Bern'}`)].join('\n');
  await lab.upload({ name: 'cell.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'latin1') });
  await expect(lab.tid('error-message')).toContainText("cell.csv: row 42 (line 43), column 'city': byte 0xFC is not UTF-8");
  await expect(lab.tid('retry-latin1')).toBeVisible();
  await lab.upload({ name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n3\n') });
  await expect(lab.tid('error-message')).toContainText('ragged.csv');
  await expect(lab.tid('retry-latin1')).toHaveCount(0);
});

test('1e200 in one row: LOF stops with the row and column to blame; the earlier result stays', async ({ page }) => {
  const lab = new Lab(page);
  await lab.open();
  const lines = DEMO.trimEnd().split('\n');
  // The repro: (head -100 good.csv; echo "1e200,0.5,1"; tail -n +101 good.csv)
  const text = [...lines.slice(0, 100), '1e200,0.5,1', ...lines.slice(100)].join('\n');
  await lab.upload({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await lab.waitDone('x.csv'); // Isolation Forest (the default) splits, never squares: it finishes
  const before = await lab.scores();
  expect(before?.every(Number.isFinite)).toBe(true);

  await lab.tid('detector-select').selectOption('lof');
  await lab.tid('run-button').click();
  await expect(lab.tid('job-status')).toHaveAttribute('data-state', 'error');
  const s = await lab.state();
  expect(s.jobMessage).toMatch(/^x\.csv: Local Outlier Factor: the arithmetic overflowed: row 100 \(line 101\) scores NaN; column 'x0' holds 1e\+200/);
  await expect(page.getByText(/row 100 \(line 101\)/).first()).toBeVisible();
  expect(await lab.scores()).toEqual(before);
  // The page still works: another detector runs.
  await lab.runDetector('iforest');
});
