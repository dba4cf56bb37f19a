/**
 * The time axis (src/core/data/time.ts): every format the issue names, epoch seconds vs milliseconds,
 * unparseable / duplicate / out-of-order rows counted with the first row, detection by name and
 * content, and a timestamp column of more than 100,000 distinct texts read through the CSV reader.
 * Expected instants come from Date.UTC (an independent clock), not from the parser.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv.js';
import { getColumn, type TextColumn } from '../../src/core/data/dataset.js';
import { columnAxis, detectDatasetTime, detectTimeColumn, epochAxis, parseTime, parseTimes, rowAxis, summarizeAxis } from '../../src/core/data/time.js';

const T = Date.UTC(2014, 3, 10, 7, 15, 0); // 2014-04-10 07:15:00 UTC

describe('parseTime: ISO 8601 and NAB text', () => {
  it.each([
    ['2014-04-10 07:15:00', T], // NAB's
    ['2014-04-10T07:15:00', T],
    ['2014-04-10t07:15:00', T],
    ['2014-04-10T07:15', T],
    ['2014-04-10 07:15:00.000000', T], // NAB's window edges
    ['2014-04-10T07:15:00.250', T + 250],
    ['2014-04-10T07:15:00,5', T + 500],
    ['2014-04-10T07:15:00.123456', T + 123.456],
    ['2014-04-10T07:15:00Z', T],
    ['2014-04-10T09:15:00+02:00', T],
    ['2014-04-10T09:15:00+0200', T],
    ['2014-04-10T09:15:00+02', T],
    ['2014-04-10T02:15:00-05:00', T],
    ['2014-04-10 07:15:00 +00:00', T],
    ['  2014-04-10 07:15:00  ', T],
    ['2014-04-10', Date.UTC(2014, 3, 10)],
    ['2014/04/10 07:15:00', T],
    ['2014-4-1 7:05', Date.UTC(2014, 3, 1, 7, 5)],
    ['2016-02-29 00:00:00', Date.UTC(2016, 1, 29)],
    ['1969-12-31 23:59:59', -1000],
  ])('%s', (text, ms) => {
    expect(parseTime(text)).toBeCloseTo(ms, 6);
  });

  it.each(['', 'x', '2014-04-10x', '2014-02-30', '2015-02-29', '2014-13-01', '2014-04-10 24:00:00', '2014-04-10 07:60', '2014-04-10 07:15:61', '2014-04-10T07:15:00+25:00', '2014-04-10T07:15:00.', '1396000000', '10/04/2014', '2014-04-10 07:15:00 UTC'])('%j is not a time', (text) => {
    expect(parseTime(text)).toBeNaN();
  });
});

describe('parseTimes: a column, in file order', () => {
  it('reads ISO text and reports nothing on a clean, increasing column', () => {
    const axis = parseTimes(['2014-04-10 07:15:00', '2014-04-10 07:20:00', '2014-04-10 07:25:00']);
    expect(axis.kind).toBe('iso');
    expect(Array.from(axis.values)).toEqual([T, T + 300_000, T + 600_000]);
    expect(axis.unparseable).toEqual({ count: 0, firstRow: 0 });
    expect(axis.duplicates).toEqual({ count: 0, firstRow: 0 });
    expect(axis.backwards).toEqual({ count: 0, firstRow: 0 });
  });

  it('epoch seconds below 1e11, milliseconds from 1e11, both read as ms', () => {
    const s = parseTimes(['1396000000', '1396000300']);
    expect(s.kind).toBe('epoch-s');
    expect(Array.from(s.values)).toEqual([1396000000000, 1396000300000]);
    const ms = parseTimes(['1396000000000', '1396000300000']);
    expect(ms.kind).toBe('epoch-ms');
    expect(Array.from(ms.values)).toEqual([1396000000000, 1396000300000]);
    // The boundary: 1e11 is milliseconds (1973-03-03), just below it seconds (year 5138).
    expect(epochAxis([1e11]).kind).toBe('epoch-ms');
    expect(epochAxis([1e11 - 1]).kind).toBe('epoch-s');
    expect(parseTimes(['1.5', '2.5']).values[1]).toBe(2500);
  });

  it('counts unparseable, duplicate and out-of-order rows with the first row (1-based), never reorders', () => {
    const texts = ['2014-04-10 07:15:00', 'oops', '2014-04-10 07:25:00', '2014-04-10 07:20:00', '', '2014-04-10 07:25:00', '2014-04-10 07:30:00', '2014-04-10 07:30:00'];
    const axis = parseTimes(texts);
    expect(axis.unparseable).toEqual({ count: 2, firstRow: 2 });
    // Row 4 (07:20) is earlier than row 3 (07:25): out of order. Row 6 repeats row 3's 07:25, row 8 row 7's 07:30.
    expect(axis.backwards).toEqual({ count: 1, firstRow: 4 });
    expect(axis.duplicates).toEqual({ count: 2, firstRow: 6 });
    expect(axis.values[3]).toBe(T + 300_000); // file order kept
    expect(axis.values[1]).toBeNaN();
  });

  it('finds a duplicate far from its first occurrence when the column is out of order', () => {
    const axis = parseTimes(['2014-04-10 07:15:00', '2014-04-10 07:25:00', '2014-04-10 07:20:00', '2014-04-10 07:30:00', '2014-04-10 07:15:00']);
    expect(axis.duplicates).toEqual({ count: 1, firstRow: 5 });
    expect(axis.backwards).toEqual({ count: 2, firstRow: 3 });
  });

  it('an epoch column with a text cell: that cell is unparseable', () => {
    const axis = parseTimes(['1396000000', 'soon', '1396000600']);
    expect(axis.kind).toBe('epoch-s');
    expect(axis.unparseable).toEqual({ count: 1, firstRow: 2 });
  });

  it('row order: value i at row i, and the summary keeps counts, span and no values', () => {
    const axis = rowAxis(4);
    expect(Array.from(axis.values)).toEqual([0, 1, 2, 3]);
    const s = summarizeAxis(axis);
    expect(s).toEqual({ kind: 'row', rows: 4, unparseable: { count: 0, firstRow: 0 }, duplicates: { count: 0, firstRow: 0 }, backwards: { count: 0, firstRow: 0 }, first: 0, last: 3 });
    expect('values' in s).toBe(false);
  });
});

describe('detectTimeColumn: by name, then by content', () => {
  const iso = ['2014-04-10 07:15:00', '2014-04-10 07:20:00'];
  it('by name, any case, when the cells read as time', () => {
    expect(detectTimeColumn(['value', 'Timestamp'], [['1', '2'], iso])).toBe(1);
    expect(detectTimeColumn(['ts', 'value'], [['1396000000', '1396000300'], ['1', '2']])).toBe(0);
    // A column named 'date' whose cells are not times is not taken.
    expect(detectTimeColumn(['date', 'value'], [['red', 'blue'], ['1', '2']])).toBeNull();
  });
  it('by content: ISO text anywhere; whole increasing epoch numbers of 2001–2286; not other numbers', () => {
    expect(detectTimeColumn(['a', 'when'], [['1', '2'], iso])).toBe(1);
    expect(detectTimeColumn(['a', 'b'], [['0.5', '0.7'], ['1396000000', '1396000300']])).toBe(1);
    expect(detectTimeColumn(['a', 'b'], [['0.5', '0.7'], ['1396000300', '1396000000']])).toBeNull(); // decreasing
    expect(detectTimeColumn(['a', 'b'], [['0.5', '0.7'], ['12', '13']])).toBeNull();
    expect(detectTimeColumn(['a'], [[]])).toBeNull();
  });
  it('on a dataset read by the CSV reader', () => {
    expect(detectDatasetTime(parseCsvString('timestamp,value\n2014-07-01 00:00:00,10844\n2014-07-01 00:30:00,8127\n', 'nyc.csv'))).toBe('timestamp');
    expect(detectDatasetTime(parseCsvString('x,y\n1,2\n3,4\n', 'xy.csv'))).toBeNull();
  });
});

describe('columnAxis: dataset columns as time', () => {
  it('a text column is parsed per distinct text; a numeric one is epoch', () => {
    const ds = parseCsvString('t,e,v\n2014-04-10 07:15:00,1396000000,1\n,1396000300,2\n2014-04-10 07:15:00,1396000600,3\n', 'x.csv');
    const t = columnAxis(getColumn(ds, 't'));
    expect(t.kind).toBe('iso');
    expect(t.values[0]).toBe(T);
    expect(t.unparseable).toEqual({ count: 1, firstRow: 2 });
    expect(t.duplicates).toEqual({ count: 1, firstRow: 3 });
    const e = columnAxis(getColumn(ds, 'e'));
    expect(e.kind).toBe('epoch-s');
    expect(e.values[2]).toBe(1396000600000);
  });

  it('a timestamp column of more than 100,000 distinct texts keeps its times (the reader drops the codes)', () => {
    const n = 120_000;
    const lines = ['timestamp,value'];
    for (let i = 0; i < n; i++) lines.push(`${new Date(T + i * 60_000).toISOString().slice(0, 19).replace('T', ' ')},${i % 7}`);
    lines[50_001] = 'garbage,1'; // row 50,001 (before the 100,000-level overflow)
    lines[110_001] = ',1'; // row 110,001 missing (after it)
    const ds = parseCsvString(`${lines.join('\n')}\n`, 'big.csv');
    const col = getColumn(ds, 'timestamp') as TextColumn;
    expect(col.codes).toBeNull();
    expect(col.times).toBeInstanceOf(Float64Array);
    const axis = columnAxis(col);
    expect(axis.values.length).toBe(n);
    expect(axis.values[0]).toBe(T);
    expect(axis.values[n - 1]).toBe(T + (n - 1) * 60_000);
    expect(axis.values[105_000]).toBe(T + 105_000 * 60_000);
    expect(axis.unparseable).toEqual({ count: 2, firstRow: 50_001 });
    expect(axis.values[110_000]).toBeNaN();
    expect(axis.backwards.count + axis.duplicates.count).toBe(0);
    expect(detectDatasetTime(ds)).toBe('timestamp');
  });

  it('an id-like text column that is not time keeps no times', () => {
    const lines = ['id,v'];
    for (let i = 0; i < 100_010; i++) lines.push(`id-${i},1`);
    const col = getColumn(parseCsvString(`${lines.join('\n')}\n`, 'ids.csv'), 'id') as TextColumn;
    expect(col.codes).toBeNull();
    expect(col.times ?? null).toBeNull();
    expect(() => columnAxis(col)).toThrow(/too many distinct values/);
  });
});

describe('parseTimeCodes through a text column of epoch numbers', () => {
  it('a stray word makes the column text; its other cells are still epoch seconds', () => {
    const ds = parseCsvString('ts,v\n1577836800,1\nsoon,2\n1577836920,3\n', 'e.csv');
    const axis = columnAxis(getColumn(ds, 'ts'));
    expect(axis.kind).toBe('epoch-s');
    expect(Array.from(axis.values)).toEqual([Date.UTC(2020, 0, 1), NaN, Date.UTC(2020, 0, 1, 0, 2)]);
    expect(axis.unparseable).toEqual({ count: 1, firstRow: 2 });
    expect(detectDatasetTime(ds)).toBe('ts');
  });
});
