/**
 * The quote-free fast path of the CSV reader (parseCsvChunks) must give the
 * same Dataset as papaparse (parseCsvString) — values bit for bit, missing
 * counts, text columns, messages — for any chunking, and fall back to
 * papaparse as soon as a quote appears.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { fastNumber, parseCsvChunks, parseCsvString } from '../../src/core/data/csv';
import type { Dataset } from '../../src/core/data/dataset';
import { Random } from '../../src/core/random';
import { REPO_ROOT } from './helpers';

/** The text's UTF-8 bytes in chunks of the given sizes, in turn (cutting lines and characters anywhere). */
async function* chunked(text: string, sizes: number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const n = sizes[k++ % sizes.length];
    yield bytes.subarray(pos, pos + n);
    pos += n;
  }
}

let papaCalls = 0;
async function fast(text: string, name = 'data.csv', sizes = [7, 13, 1, 64, 4096]): Promise<Dataset> {
  return parseCsvChunks(name, chunked(text, sizes), (config) => {
    papaCalls++;
    Papa.parse(text, config as Papa.ParseConfig<string[]>);
  });
}

function same(a: Dataset, b: Dataset): void {
  expect(a.rows).toBe(b.rows);
  expect(a.delimiter).toBe(b.delimiter);
  expect(a.columns.map((c) => [c.name, c.kind, c.missing])).toEqual(b.columns.map((c) => [c.name, c.kind, c.missing]));
  a.columns.forEach((c, j) => {
    const d = b.columns[j];
    if (c.kind === 'numeric' && d.kind === 'numeric') {
      expect(Object.is(c.min, d.min) && Object.is(c.max, d.max)).toBe(true);
      for (let i = 0; i < a.rows; i++) if (!Object.is(c.values[i], d.values[i])) expect.fail(`${c.name}[${i}]: ${c.values[i]} vs ${d.values[i]}`);
    } else if (c.kind === 'text' && d.kind === 'text') {
      expect(c.levels).toEqual(d.levels);
      expect(Array.from(c.codes ?? [])).toEqual(Array.from(d.codes ?? []));
      expect(c.firstText).toEqual(d.firstText);
    }
  });
}

describe('fastNumber', () => {
  it('gives exactly Number() where it decides, and NaN (undecided) otherwise', () => {
    const rng = new Random(11);
    const cases = ['0', '-0', '+1', '1.', '.5', '-.5', '007', '1e5', '1E-5', '2.5e+3', '123456789012345', '0.000000000000001', '1e22', '1e-22', '3.14159', '-2.718281828459'];
    for (let k = 0; k < 20000; k++) {
      const digits = 1 + rng.int(17);
      let m = '';
      for (let i = 0; i < digits; i++) m += String(rng.int(10));
      const point = rng.int(digits + 1);
      let s = `${m.slice(0, point)}.${m.slice(point)}`;
      if (rng.float() < 0.3) s = `-${s}`;
      if (rng.float() < 0.2) s += `e${rng.int(40) - 20}`;
      cases.push(s, String(rng.normal() * 10 ** (rng.int(12) - 6)), String(Math.round(rng.normal() * 1e6) / 1e3));
    }
    let decided = 0;
    for (const s of cases) {
      const v = fastNumber(s, 0, s.length);
      if (v === v) {
        decided++;
        if (!Object.is(v, Number(s))) expect.fail(`${s}: fast ${v} vs Number ${Number(s)}`);
      }
    }
    expect(decided).toBeGreaterThan(cases.length / 2);
    // 9007199254740993 = 2^53 + 1 is an exact tie between two doubles: left to Number().
    for (const s of ['', '-', '.', 'e5', '1e', '1x', ' 1', '1 ', '0x1A', 'NaN', 'inf', '1,5', '12345678901234567890', '9007199254740993', '1.2345678901234567e-30', '12345678901234567e5']) expect(fastNumber(s, 0, s.length)).toBeNaN();
  });

  it('reads 16 to 19 significant digits exactly: shortest round-trip output, toPrecision(17..19), random digit strings', () => {
    const rng = new Random(12);
    let decided = 0;
    let total = 0;
    const check = (s: string) => {
      const v = fastNumber(s, 0, s.length);
      const typical = Math.abs(Number(s)) >= 1e-4 && Math.abs(Number(s)) < 1e4;
      if (typical) total++;
      if (v === v) {
        if (typical) decided++;
        if (!Object.is(v, Number(s))) expect.fail(`${s}: fast ${v} vs Number ${Number(s)}`);
      }
    };
    for (let k = 0; k < 100_000; k++) {
      const x = rng.normal() * 10 ** (rng.int(30) - 15);
      check(String(x));
      check(x.toPrecision(17 + rng.int(3)));
      let m = String(1 + rng.int(9));
      const digits = 16 + rng.int(4);
      while (m.length < digits) m += String(rng.int(10));
      const point = rng.int(digits + 1);
      check(`${rng.float() < 0.5 ? '-' : ''}${m.slice(0, point)}.${m.slice(point)}${rng.float() < 0.2 ? `e${rng.int(10) - 8}` : ''}`);
      check(`0.${'0'.repeat(rng.int(4))}${m}`);
    }
    // Between 1e-4 and 1e4 all but exact ties are decided (past that, 10^±22 runs out for 19 digits).
    expect(total).toBeGreaterThan(100_000);
    expect(decided / total).toBeGreaterThan(0.999);
  });

  it('rounds correctly just below and just above the half-way point between two doubles', () => {
    // m = the exact midpoint between x and its upper neighbour (x = M·2^q, m = (2M + 1)·2^(q−1)),
    // written to 16..19 significant digits rounded down and up: the two strings lie on either side of
    // the tie, ~1e-19 of x away, which only exact arithmetic tells apart.
    const rng = new Random(13);
    const f = new Float64Array(1);
    const u = new BigUint64Array(f.buffer);
    let decided = 0;
    let cases = 0;
    for (let k = 0; k < 4000; k++) {
      f[0] = Math.abs(rng.normal()) * 10 ** (rng.int(16) - 8) + 1e-300;
      const bits = u[0];
      const e = Number((bits >> 52n) & 0x7ffn) - 1075;
      const M = (bits & 0xfffffffffffffn) | 0x10000000000000n;
      // m = (2M + 1) · 2^(e − 1) = num / den
      let num = 2n * M + 1n;
      let den = 1n;
      if (e - 1 >= 0) num <<= BigInt(e - 1); else den <<= BigInt(1 - e);
      // Scale to 19 integer digits: m = digits19 · 10^p.
      let p = 0;
      let n = num, d = den;
      while (n / d >= 10n ** 19n) { d *= 10n; p++; }
      while (n / d < 10n ** 18n) { n *= 10n; p--; }
      for (const keep of [16, 17, 18, 19]) {
        const drop = 10n ** BigInt(19 - keep);
        const lower = n / d / drop;
        for (const w of [lower, lower + 1n]) {
          const s = `${w}e${p + 19 - keep}`;
          cases++;
          const v = fastNumber(s, 0, s.length);
          if (v === v) {
            decided++;
            if (!Object.is(v, Number(s))) expect.fail(`${s}: fast ${v} vs Number ${Number(s)}`);
          }
        }
      }
    }
    expect(decided).toBeGreaterThan(cases / 4);
  });
});

describe('parseCsvChunks (quote-free fast path)', () => {
  it('equals papaparse on numbers, missing tokens, CRLF, BOM, blank lines and text columns, for any chunking', async () => {
    const rng = new Random(3);
    const lines = ['\uFEFFa;b;c;name;a'];
    for (let i = 0; i < 500; i++) {
      const cells = [String(rng.normal()), rng.float() < 0.05 ? ['NA', '', 'inf', 'null', ' '][rng.int(5)] : (rng.int(2000) / 8).toString(), String(rng.int(5) - 2), ['x', 'y', 'zz'][rng.int(3)], `${rng.int(100)}e-3`];
      lines.push(cells.join(';'));
      if (i === 250) lines.push('');
    }
    lines.push('1;2;hello;w;4'); // column c turns text at the end
    const text = `${lines.join('\r\n')}\r\n`;
    papaCalls = 0;
    for (const sizes of [[1], [3, 5], [100], [1 << 20]]) same(await fast(text, 'data.csv', sizes), parseCsvString(text));
    expect(papaCalls).toBe(0);
  });

  it('gives the same messages for bad input', async () => {
    for (const text of ['', 'a,b\n', 'a,b\n1,2\n', 'a,b\n1,2\n3\n4,5\n', 'x,y\nfoo,bar\nbaz,qux\n', 'a,b\n1,2\n3,4,5\n', 'a\u0000b,c\n1,2\n']) {
      const expected = (() => { try { parseCsvString(text, 'bad.csv'); return 'ok'; } catch (e) { return (e as Error).message; } })();
      const got = await fast(text, 'bad.csv').then(() => 'ok', (e: Error) => e.message);
      expect(got, JSON.stringify(text)).toBe(expected);
    }
  });

  it('hands the file to papaparse from the start when a quote appears, even in a late chunk', async () => {
    const body = Array.from({ length: 300 }, (_, i) => `${i},${i / 7}`).join('\n');
    const text = `a,b\n${body}\n"quoted, with comma",3\n`;
    papaCalls = 0;
    const got = await fast(text, 'q.csv', [64]);
    expect(papaCalls).toBe(1);
    same(got, parseCsvString(text, 'q.csv'));
    expect(got.columns[0].kind).toBe('text');
  });

  it.skipIf(!existsSync(resolve(REPO_ROOT, '..', 'shared', 'datasets', 'cardio.csv')))('reads an ODDS file bit-identically to papaparse', async () => {
    const text = readFileSync(resolve(REPO_ROOT, '..', 'shared', 'datasets', 'cardio.csv'), 'utf8');
    same(await fast(text, 'cardio.csv', [65536]), parseCsvString(text, 'cardio.csv'));
  });
});
