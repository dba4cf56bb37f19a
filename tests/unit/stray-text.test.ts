/** A numeric column turned into text by stray cells (issue 23): named, and read back as numbers with them missing. */
import { describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import { strayTextAsMissing, strayTextColumns } from '../../src/core/data/stray-text';

const text = 'a,b,kind,label\n1,2,x,0\n2,oops,y,0\n3,NA,x,1\n4,5.5,y,0\n5,-1,x,0\n';

describe('stray text cells', () => {
  it('names the column, the first stray cell (row, value) and counts; a column of words is not offered', () => {
    const ds = parseCsvString(text, 's.csv');
    expect(ds.columns[1].kind).toBe('text');
    expect(strayTextColumns(ds)).toEqual([{ column: 'b', cells: 1, numbers: 3, first: { row: 2, value: 'oops' } }]);
  });

  it('reads the column as numbers with stray and missing cells NaN, with its profile', () => {
    const ds = parseCsvString(text, 's.csv');
    const c = strayTextAsMissing(ds, 'b');
    expect(c.kind).toBe('numeric');
    expect(Array.from(c.values)).toEqual([2, NaN, NaN, 5.5, -1]);
    expect(c.missing).toBe(2);
    expect(c.min).toBe(-1);
    expect(c.max).toBe(5.5);
    expect(c.mean).toBeCloseTo(6.5 / 3, 12);
    expect(() => strayTextAsMissing(ds, 'a')).toThrow(/s\.csv: column 'a' is not a text column/);
  });

  it('a column with more words than numbers is left as text', () => {
    const ds = parseCsvString('n,v\n1,x\n2,y\n3,1\n4,z\n', 'w.csv');
    expect(strayTextColumns(ds)).toEqual([]);
  });
});
