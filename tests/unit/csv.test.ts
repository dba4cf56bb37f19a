import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { DataError, DatasetBuilder, MISSING_TOKENS, papaConfig, parseCsvString } from '../../src/core/data/csv.js';
import { getColumn, guessLabelColumn, numericColumns, summarize, type Dataset, type NumericColumn, type TextColumn } from '../../src/core/data/dataset.js';
import { fixture, num, type JsonFloat } from './helpers.js';

interface PdColumn { name: string; kind: 'numeric' | 'text' | 'bool'; dtype: string; values: (JsonFloat | string | boolean)[]; nan: number; inf: number }
interface PdCase { name: string; delimiter: string; text: string; rows: number; columns: PdColumn[] }
const CSV = fixture<{ cases: PdCase[] }>('csv.json');

/** The DataError a parse throws (fails the test when it does not throw one). */
function parseError(text: string, name = 'bad.csv'): DataError {
  try {
    parseCsvString(text, name);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  return expect.fail('expected a DataError');
}

function textValues(col: TextColumn): (string | null)[] {
  return Array.from(col.codes!, (c) => (c < 0 ? null : col.levels[c]));
}

describe('parseCsvString against pandas.read_csv', () => {
  for (const c of CSV.cases) {
    it(c.name, () => {
      const ds = parseCsvString(c.text, 'case.csv');
      expect(ds.delimiter).toBe(c.delimiter);
      expect(ds.rows).toBe(c.rows);
      expect(ds.columns.map((x) => x.name)).toEqual(c.columns.map((x) => x.name));
      for (const ref of c.columns) {
        const col = getColumn(ds, ref.name);
        if (ref.kind === 'numeric') {
          // Anomaly Lab reads ±inf as missing where pandas keeps it as a float.
          expect(col.kind, ref.name).toBe('numeric');
          const nc = col as NumericColumn;
          expect(nc.missing, `${ref.name} missing`).toBe(ref.nan + ref.inf);
          const expected = ref.values.map((v) => num(v as JsonFloat)).map((v) => (Number.isFinite(v) ? v : NaN));
          expect(Array.from(nc.values), ref.name).toEqual(expected);
        } else {
          // text, and pandas' bool (Anomaly Lab keeps true/false as text levels)
          expect(col.kind, ref.name).toBe('text');
          const tc = col as TextColumn;
          expect(tc.missing, `${ref.name} missing`).toBe(ref.nan);
          const got = textValues(tc);
          if (ref.kind === 'bool') expect(got.map((v) => v!.toLowerCase())).toEqual(ref.values.map(String));
          else expect(got, ref.name).toEqual(ref.values);
        }
      }
    });
  }
});

describe('parseCsvString details', () => {
  it('records where a column turned text', () => {
    const ds = parseCsvString('a,b,c\n1,2,0.5\n3,4,oops\n5,6,7\n8,9,\n');
    const c = getColumn(ds, 'c') as TextColumn;
    expect(c.firstText).toEqual({ row: 2, value: 'oops' });
    expect(numericColumns(ds)).toEqual(['a', 'b']);
    expect(summarize(ds).columns[2]).toMatchObject({ kind: 'text', firstText: { row: 2, value: 'oops' }, levels: 3, missing: 1 });
  });

  it('profiles numeric columns: min, max, mean, population std, distinct', () => {
    const ds = parseCsvString('x,y,z\n1,5,a\n2,NA,b\n3,5,c\n4,7,d\n');
    const x = getColumn(ds, 'x') as NumericColumn;
    expect([x.min, x.max, x.mean, x.std]).toEqual([1, 4, 2.5, Math.sqrt(1.25)]);
    expect(x.distinct).toEqual([1, 2, 3, 4]);
    const y = getColumn(ds, 'y') as NumericColumn;
    expect([y.min, y.max, y.missing, y.distinct]).toEqual([5, 7, 1, [5, 7]]);
    const many = parseCsvString(`v\n${Array.from({ length: 25 }, (_, i) => i).join('\n')}\n`);
    expect((getColumn(many, 'v') as NumericColumn).distinct).toBeNull();
    const twenty = parseCsvString(`v\n${Array.from({ length: 40 }, (_, i) => i % 20).join('\n')}\n`);
    expect((getColumn(twenty, 'v') as NumericColumn).distinct).toHaveLength(20);
  });

  it('reads every missing token, in any case, as missing', () => {
    const tokens = [...MISSING_TOKENS];
    const text = `v,w\n${tokens.map((t, i) => `${i % 2 ? t.toUpperCase() : t},${i}`).join('\n')}\n1,1\n`;
    const v = getColumn(parseCsvString(text), 'v') as NumericColumn;
    expect(v.kind).toBe('numeric');
    expect(v.missing).toBe(tokens.length);
    expect(Array.from(v.values).filter((x) => !Number.isNaN(x))).toEqual([1]);
  });

  it('reads a blank (whitespace-only) cell as missing, not as 0', () => {
    const ds = parseCsvString('a,b\n1,  \n2,3\n4,5\n');
    const b = getColumn(ds, 'b') as NumericColumn;
    expect(b.kind).toBe('numeric');
    expect(b.missing).toBe(1);
    expect(b.values[0]).toBeNaN();
    expect(b.min).toBe(3);
  });

  it('reads a number too large for float64 as missing, and trims padded numbers', () => {
    const ds = parseCsvString('a,b\n1e999, 2 \n-1e999,3\n5,4\n');
    const a = getColumn(ds, 'a') as NumericColumn;
    expect([a.kind, a.missing, a.values[2]]).toEqual(['numeric', 2, 5]);
    expect(Array.from((getColumn(ds, 'b') as NumericColumn).values)).toEqual([2, 3, 4]);
  });

  it('names an empty header cell by its position', () => {
    const ds = parseCsvString('a,,c\n1,2,3\n4,5,6\n');
    expect(ds.columns.map((c) => c.name)).toEqual(['a', 'column_2', 'c']);
  });

  it('guesses the label column by name', () => {
    expect(guessLabelColumn(parseCsvString('x,Label\n1,0\n2,1\n'))).toBe('Label');
    expect(guessLabelColumn(parseCsvString('x,y,outlier\n1,0,1\n2,1,0\n'))).toBe('outlier');
    expect(guessLabelColumn(parseCsvString('x,z\n1,0\n2,1\n'))).toBeNull();
  });
});

describe('parseCsvString errors', () => {
  it('an empty file', () => {
    const e = parseError('', 'empty.csv');
    expect(e.message).toBe('empty.csv is empty: there is no header and no data');
    expect(e.file).toBe('empty.csv');
  });

  it('a header only', () => {
    expect(parseError('a,b,c\n', 'h.csv').message).toBe('h.csv has a header but no data rows');
    expect(parseError('a,b,c', 'h.csv').message).toBe('h.csv has a header but no data rows');
  });

  it('a ragged row names the row and the line', () => {
    const e = parseError('a,b\n1,2\n3,4\n5,6,7\n8,9\n', 'r.csv');
    expect(e.message).toBe('r.csv: row 3 (line 4) has 3 fields, expected 2 like the header');
    expect(e.row).toBe(3);
    expect(parseError('a,b,c\n1,2,3\n4\n', 'r.csv').message).toBe('r.csv: row 2 (line 3) has 1 field, expected 3 like the header');
  });

  it('binary content', () => {
    const e = parseError('a,b\n1,2\n\u0000\u0001\u0002,3\n', 'img.png');
    expect(e.message).toMatch(/^img\.png is not a text CSV file: it holds binary data \(a NUL byte at character 9\)$/);
    const ctl = parseError(`a,b\n${'\u0001\u0002,3\n'.repeat(50)}`, 'ctl.bin');
    expect(ctl.message).toMatch(/^ctl\.bin is not a text CSV file: \d+ of its first \d+ characters are control/);
  });

  it('a single data row is a dataset (one new point scored with a saved model is the commonest call)', () => {
    const ds = parseCsvString('a,b\n1,2\n', 'one.csv');
    expect(ds.rows).toBe(1);
    expect(ds.columns.map((c) => (c.kind === 'numeric' ? Array.from(c.values) : null))).toEqual([[1], [2]]);
  });

  it('no numeric column', () => {
    expect(parseError('name,city\nann,oslo\nbob,rome\n', 't.csv').message)
      .toBe("t.csv has no numeric column to score: name (text, e.g. 'ann' in row 1), city (text, e.g. 'oslo' in row 1)");
    expect(parseError('a,b\nNA,x\n,y\n', 't.csv').message)
      .toBe("t.csv has no numeric column to score: a (all missing), b (text, e.g. 'x' in row 1)");
  });

  it('getColumn names the known columns', () => {
    const ds = parseCsvString('a,b\n1,2\n3,4\n', 'g.csv');
    expect(() => getColumn(ds, 'c')).toThrow("g.csv: no column named 'c' (columns: a, b)");
  });
});

describe('DatasetBuilder, chunk by chunk', () => {
  function csvText(n: number, textAt: number): string {
    const lines = ['id,x,mixed'];
    for (let i = 0; i < n; i++) lines.push(`${i},${(i * 0.37) % 5},${i === textAt ? 'n/a-ish' : i % 3 === 0 ? 'NA' : i / 4}`);
    return `${lines.join('\n')}\n`;
  }

  it('gives the same Dataset as one parse, across growth and a late text cell', () => {
    const text = csvText(3000, 2500);
    const whole = parseCsvString(text, 'big.csv');
    const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    const b = new DatasetBuilder('big.csv');
    for (let i = 0; i < rows.length; i += 700) b.addRows(rows.slice(i, i + 700));
    const chunked = b.finish();
    expect(chunked.rows).toBe(3000);
    expect(chunked.columns).toEqual(whole.columns);
    const mixed = getColumn(chunked, 'mixed') as TextColumn;
    expect(mixed.kind).toBe('text');
    expect(mixed.firstText).toEqual({ row: 2501, value: 'n/a-ish' });
    expect(mixed.missing).toBe(1000);
    expect(mixed.levels[mixed.codes![1]]).toBe('0.25');
    expect(mixed.codes![0]).toBe(-1);
    expect(mixed.levels[mixed.codes![2500]]).toBe('n/a-ish');
    const x = getColumn(chunked, 'x') as NumericColumn;
    expect(x.values[2999]).toBe((2999 * 0.37) % 5);
  });

  it('papaConfig streams a string in small chunks to the same Dataset', async () => {
    const text = csvText(2000, -1);
    const progress: number[] = [];
    const b = new DatasetBuilder('s.csv');
    const { config, done } = papaConfig(b, { totalBytes: text.length, onProgress: (f) => progress.push(f) });
    Papa.parse<string[]>(text, { ...config, chunkSize: 1000 } as Papa.ParseConfig<string[]>);
    const ds = await done;
    expect(ds.columns).toEqual(parseCsvString(text, 's.csv').columns);
    expect(progress[progress.length - 1]).toBe(1);
  });

  it('papaConfig rejects with the first DataError', async () => {
    const b = new DatasetBuilder('r.csv');
    const { config, done } = papaConfig(b);
    Papa.parse<string[]>('a,b\n1,2\n3\n4,5\n', { ...config, chunkSize: 4 } as Papa.ParseConfig<string[]>);
    await expect(done).rejects.toThrow('r.csv: row 2 (line 3) has 1 field, expected 2 like the header');
  });
});

export type { Dataset };
