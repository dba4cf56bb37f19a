/**
 * The CLI's reader splits a large file across worker threads (src/cli/read.ts
 * → parse-thread.mjs); the Dataset must be the one-piece reader's, and a file
 * the parts cannot take must still read (or fail) as in one piece.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvChunks } from '../../src/core/data/csv';
import { PARALLEL_BYTES } from '../../src/core/data/csv-parts';
import type { Dataset } from '../../src/core/data/dataset';
import { fileByteChunks, lastRead, parseThreads, readCsvFile } from '../../src/cli/read';
import { Random } from '../../src/core/random';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anomaly-lab-read-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function bigFile(name: string, lastLine?: string): string {
  const rng = new Random(7);
  const rows: string[] = ['a,b,c,d,e,f,label'];
  let bytes = 0;
  while (bytes < PARALLEL_BYTES + (1 << 20)) {
    const line = [rng.normal(), rng.normal() * 1e3, rng.float(), rng.int(9), rng.normal(), rng.float() < 0.01 ? 'NA' : rng.normal(), rng.int(2)].join(',');
    rows.push(line);
    bytes += line.length + 1;
  }
  if (lastLine) rows.push(lastLine);
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

function onePiece(file: string): Promise<Dataset> {
  return parseCsvChunks(path.basename(file), fileByteChunks(file), (config) => Papa.parse(fs.readFileSync(file, 'utf8'), config as Papa.ParseConfig<string[]>));
}

function same(a: Dataset, b: Dataset): void {
  expect(a.rows).toBe(b.rows);
  expect(a.columns.map((c) => [c.name, c.kind, c.missing, c.min, c.max])).toEqual(b.columns.map((c) => [c.name, c.kind, c.missing, c.min, c.max]));
  a.columns.forEach((c, j) => {
    const d = b.columns[j];
    if (c.kind === 'numeric' && d.kind === 'numeric') {
      expect([c.mean, c.std]).toEqual([d.mean, d.std]);
      for (let i = 0; i < a.rows; i++) if (!Object.is(c.values[i], d.values[i])) expect.fail(`${c.name}[${i}]`);
    }
  });
}

describe.skipIf(os.availableParallelism() < 2)('readCsvFile on threads', () => {
  it('reads a file over PARALLEL_BYTES on threads, value for value as in one piece', async () => {
    const file = bigFile('plain.csv');
    expect(parseThreads(fs.statSync(file).size)).toBeGreaterThan(1);
    const ds = await readCsvFile(file);
    expect(lastRead.onePiece).toBe(false);
    expect(lastRead.ranges).toBeGreaterThan(4);
    same(ds, await onePiece(file));
  }, 120_000);

  it('a text cell in the last line: the column is text, as in one piece', async () => {
    const file = bigFile('text.csv', '1,2,3,4,5,oops,0');
    const ds = await readCsvFile(file);
    expect(ds.columns[5].kind).toBe('text');
    expect(lastRead.onePiece).toBe(true);
    same(ds, await onePiece(file));
  }, 120_000);

  it('a ragged last line: the one-piece message, with its row number', async () => {
    const file = bigFile('ragged.csv', '1,2,3');
    const expected = await onePiece(file).then(() => 'ok', (e: Error) => e.message);
    expect(expected).toMatch(/ragged\.csv: row \d+ \(line \d+\) has 3 fields, expected 7/);
    await expect(readCsvFile(file)).rejects.toThrow(expected);
  }, 120_000);
});
