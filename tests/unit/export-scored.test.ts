/**
 * The page's "Download scored data" (issue 23): the data worker's exportScored writes the CLI's --out
 * columns through the same CSV writer (formula guard included), as a Blob of bounded text parts.
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import { scoredCsvChunks } from '../../src/core/data/scored-csv';
import { writeScoredCsv } from '../../src/cli/write';
import * as dataApi from '../../src/workers/data-api';

const dir = fs.mkdtempSync(join(os.tmpdir(), 'export-scored-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function scoredOf(rows: number, withDecision: boolean) {
  const scores = Float64Array.from({ length: rows }, (_, i) => ((i * 7919) % 101) / 100);
  return {
    scores,
    threshold: 0.5,
    decision: withDecision ? Float64Array.from(scores, (s) => 0.5 - s) : null,
    scoreSamples: withDecision ? Float64Array.from(scores, (s) => -s) : null,
  };
}

async function cliOut(name: string, text: string, scored: ReturnType<typeof scoredOf>): Promise<string> {
  const input = join(dir, name);
  fs.writeFileSync(input, text);
  const out = join(dir, `${name}.out.csv`);
  await writeScoredCsv(out, input, parseCsvString(text, name), scored);
  return fs.readFileSync(out, 'utf8');
}

describe('exportScored', () => {
  it('writes what the CLI --out writes for a numeric file (canonical numbers, missing cells)', async () => {
    const text = 'a,b,label\n1,0.5,0\n-2,,1\n3.25,1e-7,0\n-0,7,0\n';
    const ds = parseCsvString(text, 'num.csv');
    const scored = scoredOf(ds.rows, true);
    const page = [...scoredCsvChunks(ds, scored)].join('');
    expect(page).toBe(await cliOut('num.csv', text, scored));
    expect(page.split('\n')[0]).toBe('a,b,label,score,is_anomaly,decision_function,score_samples');
  });

  it('escapes formula-like text cells and header names as the CLI does; numbers stay', async () => {
    const text = 'name,=cmd,x\n=1+2,a,-3\n@SUM(A1),"b,c",1\nplain,-x,4\n';
    const ds = parseCsvString(text, 'text.csv');
    const scored = scoredOf(ds.rows, false);
    const page = [...scoredCsvChunks(ds, scored)].join('');
    const cli = await cliOut('text.csv', text, scored);
    expect(page).toBe(cli);
    const lines = page.trim().split('\n');
    expect(lines[0]).toBe("name,'=cmd,x,score,is_anomaly");
    expect(lines[1].startsWith("'=1+2,a,-3,")).toBe(true);
    expect(lines[2].startsWith("'@SUM(A1),\"b,c\",1,")).toBe(true);
    expect(lines[3].startsWith("plain,'-x,4,")).toBe(true);
    // Without the guard the cells go out as they are.
    expect([...scoredCsvChunks(ds, scored, { formulaEscape: false })].join('').split('\n')[1].startsWith('=1+2,')).toBe(true);
  });

  it('is_anomaly follows the threshold given (the page slider), not the model\'s', () => {
    const ds = parseCsvString('x\n1\n2\n3\n', 'x.csv');
    const scores = Float64Array.of(0.1, 0.6, 0.9);
    const flags = (t: number) => [...scoredCsvChunks(ds, { scores, threshold: t, decision: null, scoreSamples: null })].join('').trim().split('\n').slice(1).map((l) => l.split(',')[2]);
    expect(flags(0.5)).toEqual(['0', '1', '1']);
    expect(flags(0.7)).toEqual(['0', '0', '1']);
  });

  it('refuses scores of another length with the file named', () => {
    const ds = parseCsvString('x\n1\n2\n', 'two.csv');
    expect(() => [...scoredCsvChunks(ds, { scores: new Float64Array(3), threshold: 0, decision: null, scoreSamples: null })]).toThrow(/two\.csv: score has 3 values for 2 rows/);
  });

  it('streams a large file out of the data worker in bounded parts, never one string', async () => {
    const rows = 60_000;
    let text = 'f0,f1,f2,tag\n';
    for (let i = 0; i < rows; i++) text += `${i},${(i * 0.37) % 11},${-i / 3},${i % 5 === 0 ? '=x' : 'ok'}\n`;
    const ds = parseCsvString(text, 'big.csv');
    const id = dataApi.add(ds);
    try {
      const scored = scoredOf(rows, true);
      const lengths: number[] = [];
      const blob = dataApi.exportScored(id, scored, { chunkChars: 64 << 10 }, (n) => lengths.push(n));
      // Each part is at most one chunk plus the line that crossed it.
      expect(lengths.length).toBeGreaterThan(20);
      for (const n of lengths) expect(n).toBeLessThan((64 << 10) + 200);
      const out = await blob.text();
      expect(out.length).toBe(lengths.reduce((a, b) => a + b, 0));
      expect(out).toBe(await cliOut('big.csv', text, scored));
      expect(blob.type).toMatch(/^text\/csv/);
    } finally {
      dataApi.drop(id);
    }
  });
});
