/**
 * A large CSV (over PARALLEL_BYTES) is read in parts by the parse worker and
 * its helper workers; the page's numbers must be the CLI's (which reads in
 * parts on threads), and a file the parts cannot take still reads as in one piece.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { PARALLEL_BYTES } from '../src/core/data/csv-parts';
import { Random } from '../src/core/random';
import { Lab, cliJson } from './helpers';

/** Seeded rows of 6 normal columns written as shortest round-trip text (16–17 digits), a few NA, and a label; just over PARALLEL_BYTES. */
function largeCsv(file: string): { file: string; rows: number } {
  const rng = new Random(20261124);
  const lines = ['a,b,c,d,e,f,label'];
  let bytes = 0;
  while (bytes < PARALLEL_BYTES + (2 << 20)) {
    const out = rng.float() < 0.01;
    const v = Array.from({ length: 6 }, (_, j) => (rng.float() < 0.002 && j === 2 ? 'NA' : String(rng.normal() * (out ? 6 : 1))));
    const line = `${v.join(',')},${out ? 1 : 0}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, rows: lines.length - 1 };
}

test('a 26 MB file is read in parts by the parse worker and its helpers: z-scores equal the CLI bit for bit', async ({ page }, info) => {
  test.setTimeout(120_000);
  const { file, rows } = largeCsv(info.outputPath('large.csv'));
  const lab = new Lab(page);
  await lab.open();
  const cores = await page.evaluate(() => navigator.hardwareConcurrency || 1);
  await lab.tid('detector-select').selectOption('zscore');
  await lab.upload(file);
  const s = await lab.waitDone('large.csv', 90_000);
  expect(s.dataset!.rows).toBe(rows);
  expect(s.timings.parse_threads).toBe(Math.min(4, cores));
  if (cores >= 2) await expect(lab.tid('dataset-info')).toContainText(`on ${Math.min(4, cores)} threads`);
  expect(s.features).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  const out = info.outputPath('scored.csv');
  const cli = cliJson(['score', file, '--detector', 'zscore', '--out', out]);
  expect(cli.rows).toBe(rows);
  expect(s.flagged).toBe(cli.flagged);
  expect(s.metrics!.roc_auc).toBe(cli.metrics!.roc_auc);
  const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
  const col = header.split(',').indexOf('score');
  const scores = (await lab.scores())!;
  expect(scores.length).toBe(rows);
  const expected = lines.map((r) => Number(r.split(',')[col]));
  const differ = scores.findIndex((v, i) => !Object.is(v, expected[i]));
  expect(differ, `first differing row: ${differ}`).toBe(-1);
});

test('a large file with a text cell in its last row reads in one piece: the column is text, the rest scores', async ({ page }, info) => {
  test.setTimeout(120_000);
  const { file, rows } = largeCsv(info.outputPath('large-text.csv'));
  appendFileSync(file, '1,2,3,oops,5,6,0\n');
  const lab = new Lab(page);
  await lab.open();
  await lab.tid('detector-select').selectOption('zscore');
  await lab.upload(file);
  const s = await lab.waitDone('large-text.csv', 90_000);
  expect(s.dataset!.rows).toBe(rows + 1);
  expect(s.timings.parse_threads).toBe(1); // read in one piece after all
  expect(s.features).toEqual(['a', 'b', 'c', 'e', 'f']);
  await expect(lab.tid('dataset-info')).toContainText('large-text.csv');
  const cli = cliJson(['score', file, '--detector', 'zscore']);
  expect(cli.columns).toEqual(['a', 'b', 'c', 'e', 'f']);
  expect(s.flagged).toBe(cli.flagged);
});
