/**
 * Reading a file in parts (csv-parts.ts), as the CLI's threads and the page's
 * workers do, must give the one-piece reader's Dataset value for value, and
 * hand anything unusual (quotes, text cells, bad rows) back to it.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseCsvChunks, type PlainPart } from '../../src/core/data/csv';
import { parseCsvParts, parsePlainPart, planParts, type ByteSource, type PartPlan } from '../../src/core/data/csv-parts';
import type { Dataset } from '../../src/core/data/dataset';
import { Random } from '../../src/core/random';

const encoder = new TextEncoder();

function source(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (a, b) => bytes.subarray(a, b) };
}

/** A range's bytes in odd-sized chunks (cutting lines, CRLF pairs and UTF-8 sequences anywhere), as the parts read them. */
async function* rangeBytes(bytes: Uint8Array, [a, b]: [number, number], size = 777): AsyncGenerator<Uint8Array> {
  for (let p = a; p < b; p += size) yield bytes.subarray(p, Math.min(b, p + size));
}

/** The one-piece reader as the CLI and the page run it: 8 MB chunks. */
async function onePiece(name: string, bytes: Uint8Array): Promise<Dataset> {
  const text = new TextDecoder('utf-8').decode(bytes);
  return parseCsvChunks(name, rangeBytes(bytes, [0, bytes.length], 8 << 20), (config) => Papa.parse(text, config as Papa.ParseConfig<string[]>));
}

async function inParts(name: string, bytes: Uint8Array, threads = 3, rangesPerThread = 4): Promise<{ ds: Dataset; usedParts: boolean; ranges: number }> {
  let wholeCalls = 0;
  let ranges = 0;
  const ds = await parseCsvParts(
    name, source(bytes), threads,
    (plan: PartPlan, range) => {
      ranges++;
      return parsePlainPart(name, plan, rangeBytes(bytes, range), range[1] - range[0]);
    },
    () => {
      wholeCalls++;
      return onePiece(name, bytes);
    },
    { minBytes: 0, rangesPerThread },
  );
  return { ds, usedParts: wholeCalls === 0, ranges };
}

function same(a: Dataset, b: Dataset): void {
  expect(a.rows).toBe(b.rows);
  expect(a.delimiter).toBe(b.delimiter);
  expect(a.columns.map((c) => [c.name, c.kind, c.missing, c.min, c.max, c.distinct])).toEqual(b.columns.map((c) => [c.name, c.kind, c.missing, c.min, c.max, c.distinct]));
  a.columns.forEach((c, j) => {
    const d = b.columns[j];
    if (c.kind === 'numeric' && d.kind === 'numeric') {
      expect(Object.is(c.mean, d.mean) && Object.is(c.std, d.std)).toBe(true);
      for (let i = 0; i < a.rows; i++) if (!Object.is(c.values[i], d.values[i])) expect.fail(`${c.name}[${i}]: ${c.values[i]} vs ${d.values[i]}`);
    } else if (c.kind === 'text' && d.kind === 'text') {
      expect(c.levels).toEqual(d.levels);
      expect(Array.from(c.codes ?? [])).toEqual(Array.from(d.codes ?? []));
    }
  });
}

function numericFile(rows: number, seed: number, opts: { crlf?: boolean; bom?: boolean; delimiter?: string; missing?: boolean; noFinalNewline?: boolean; header?: string } = {}): Uint8Array {
  const rng = new Random(seed);
  const d = opts.delimiter ?? ',';
  const eol = opts.crlf ? '\r\n' : '\n';
  const lines = [opts.header ?? ['x', 'y', 'z', 'x', 'label'].join(d)];
  for (let i = 0; i < rows; i++) {
    const cells = [String(rng.normal()), String(rng.normal() * 1e-7), (rng.int(2000) / 8).toString(), String(rng.int(7) - 3), String(rng.float() < 0.05 ? 1 : 0)];
    if (opts.missing && rng.float() < 0.03) cells[rng.int(4)] = ['', 'NA', 'nan', ' inf', 'null'][rng.int(5)];
    lines.push(cells.join(d));
    if (i % 97 === 5) lines.push(''); // blank lines are skipped
  }
  const text = (opts.bom ? '\uFEFF' : '') + lines.join(eol) + (opts.noFinalNewline ? '' : eol);
  return encoder.encode(text);
}

describe('reading a CSV file in parts', () => {
  it('gives the one-piece Dataset value for value: plain, CRLF + BOM + missing tokens, semicolons, no final newline, a UTF-8 header', async () => {
    const files = [
      numericFile(3000, 1),
      numericFile(2500, 2, { crlf: true, bom: true, missing: true }),
      numericFile(2000, 3, { delimiter: ';', noFinalNewline: true }),
      numericFile(1500, 4, { header: 'température,größe,z,µ,label' }),
    ];
    for (const bytes of files) {
      for (const [threads, per] of [[2, 1], [3, 4], [4, 16]]) {
        const got = await inParts('f.csv', bytes, threads, per);
        expect(got.usedParts).toBe(true);
        expect(got.ranges).toBeGreaterThan(1);
        same(got.ds, await onePiece('f.csv', bytes));
      }
    }
  });

  it('cuts only after line breaks, into ranges that cover the data exactly once', async () => {
    const bytes = numericFile(5000, 5, { crlf: true });
    const plan = (await planParts('f.csv', source(bytes), 13))!;
    expect(plan.header).toBe('x,y,z,x,label');
    expect(plan.ranges[0][0]).toBe(bytes.indexOf(10) + 1);
    expect(plan.ranges[plan.ranges.length - 1][1]).toBe(bytes.length);
    for (let i = 0; i < plan.ranges.length; i++) {
      const [a, b] = plan.ranges[i];
      expect(b).toBeGreaterThan(a);
      expect(bytes[a - 1]).toBe(10);
      if (i > 0) expect(a).toBe(plan.ranges[i - 1][1]);
    }
    expect(plan.ranges.length).toBe(13);
  });

  it('hands the file to the one-piece reader for a quote, a text cell or a bad row in a late part, and for a quote near the start', async () => {
    const base = new TextDecoder().decode(numericFile(3000, 6));
    const lines = base.split('\n');
    const late = (i: number, line: string) => encoder.encode([...lines.slice(0, i), line, ...lines.slice(i + 1)].join('\n'));
    const cases: [string, Uint8Array][] = [
      ['quote', late(2800, '"1.5",2,3,4,0')],
      ['text', late(2900, '1,2,hello,4,0')],
      ['ragged', late(2700, '1,2,3,4')],
      ['early quote', encoder.encode(`"x",y\n${Array.from({ length: 400 }, (_, i) => `${i},${i / 3}`).join('\n')}\n`)],
    ];
    for (const [what, bytes] of cases) {
      const expected = await onePiece('f.csv', bytes).then((ds) => ds, (e: Error) => e.message);
      const got = await inParts('f.csv', bytes).then((r) => r, (e: Error) => e.message);
      if (typeof expected === 'string') {
        expect(got, what).toBe(expected);
        expect(expected).toMatch(/row \d+ \(line \d+\) has 4 fields/);
      } else {
        if (typeof got === 'string') expect.fail(`${what}: ${got}`);
        expect(got.usedParts, what).toBe(false);
        same(got.ds, expected);
      }
    }
  });

  it('parsePlainPart returns the rows of an all-numeric range and null for a text cell', async () => {
    const plan = { header: 'a,b', delimiter: ',' };
    async function* one(s: string) { yield encoder.encode(s); }
    const part = (await parsePlainPart('p.csv', plan, one('1,2\n3,NA\n\n5,6'), 12)) as PlainPart;
    expect(part.rows).toBe(3);
    expect(Array.from(part.values[0])).toEqual([1, 3, 5]);
    expect(Array.from(part.values[1])).toEqual([2, NaN, 6]);
    expect(part.missing).toEqual([0, 1]);
    expect(await parsePlainPart('p.csv', plan, one('1,2\nx,4\n'), 8)).toBeNull();
  });
});

describe('DatasetBuilder.addPlainBytes', () => {
  it('reads lines from bytes exactly as addPlainLines reads their text: odd numbers, 20-digit and tie values, tokens, CRLF, blanks', async () => {
    const { DatasetBuilder } = await import('../../src/core/data/csv');
    const rng = new Random(21);
    const cells = ['0', '-0', '+1', '1.', '.5', '-.5', '007', '1e5', '1E-5', '2.5e+3', '12345678901234567890', '9007199254740993', '0.1e-30',
      '', 'NA', ' 3', '4 ', 'inf', '-Infinity', '1e400', String(Math.PI), String(-Math.E * 1e-7), '1.7976931348623157e308', '5e-324'];
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      lines.push(Array.from({ length: 4 }, () => (rng.float() < 0.3 ? cells[rng.int(cells.length)] : String(rng.normal() * 10 ** (rng.int(10) - 5)))).join(','));
      if (i % 211 === 0) lines.push('');
    }
    const text = `${lines.join('\r\n')}\r\n`;
    const a = new DatasetBuilder('t.csv');
    a.addPlainLines('a,b,c,d\n');
    a.addPlainLines(text);
    const b = new DatasetBuilder('t.csv');
    b.addPlainLines('a,b,c,d\n');
    b.addPlainBytes(encoder.encode(text));
    const da = a.finish();
    const db = b.finish();
    same(db, da);
    expect(da.columns.every((c) => c.kind === 'numeric')).toBe(true);
    expect(da.columns.reduce((t, c) => t + c.missing, 0)).toBeGreaterThan(100);
  });

  it('a text cell turns its column to text and a ragged line fails with the same message', async () => {
    const { DatasetBuilder } = await import('../../src/core/data/csv');
    for (const body of ['1,2\n3,4\nhé,5\n6,7\n', '1,2\n3,4\n5\n']) {
      const a = new DatasetBuilder('t.csv');
      a.addPlainLines('a,b\n');
      a.addPlainLines(body);
      const b = new DatasetBuilder('t.csv');
      b.addPlainLines('a,b\n');
      b.addPlainBytes(encoder.encode(body));
      const ra = (() => { try { return a.finish(); } catch (e) { return (e as Error).message; } })();
      const rb = (() => { try { return b.finish(); } catch (e) { return (e as Error).message; } })();
      if (typeof ra === 'string') expect(rb).toBe(ra);
      else same(rb as Dataset, ra);
    }
  });
});

describe('parts against one piece: cases found in review', () => {
  it('a U+FEFF or NBSP alone in a cell is a missing cell, and one that starts a line stays the line’s', async () => {
    for (const body of ['a\n1\n2\n\uFEFF\n3\n4\n', 'a,b\n1,2\n\uFEFF,5\n3,4\n', 'a,b\n1,2\n\u00a0,5\n\u3000,6\n3,4\n', 'a,b\n\uFEFFx,1\n2,3\n']) {
      const bytes = encoder.encode(body);
      const whole = await onePiece('f.csv', bytes);
      const got = await inParts('f.csv', bytes, 2, 2);
      same(got.ds, whole);
    }
    const ds = await onePiece('f.csv', encoder.encode('a,b\n1,2\n\uFEFF,5\n\u00a0,6\n3,4\n'));
    expect(ds.columns[0].kind).toBe('numeric');
    expect(ds.columns[0].missing).toBe(2);
  });

  it('checks the first 65,536 characters after a BOM, as the one-piece reader does (not 65,536 bytes)', async () => {
    // 656 form feeds in the first 65,536 characters (just over 1 %), the last at character 65,533:
    // inside the one-piece reader's window, outside the first 65,536 bytes once the BOM's 3 bytes count.
    let text = 'a\n' + '\x0c1\n'.repeat(655);
    text += '1\n'.repeat((65533 - text.length) / 2);
    expect(text.length).toBe(65533);
    text += '\x0c1\n' + '2\n'.repeat(40000);
    const bytes = encoder.encode(`\uFEFF${text}`);
    const expected = await onePiece('f.csv', bytes).then(() => 'ok', (e: Error) => e.message);
    expect(expected).toMatch(/not a text CSV file: 656 of its first 65536 characters/);
    expect(await inParts('f.csv', bytes, 2, 4).then(() => 'ok', (e: Error) => e.message)).toBe(expected);
  });
});
