import { describe, expect, it } from 'vitest';
import { DataError, parseCsvString } from '../../src/core/data/csv.js';
import { featureMatrix, resolveLabels } from '../../src/core/data/prepare.js';

const csv = (header: string, rows: string[]) => parseCsvString(`${header}\n${rows.join('\n')}\n`, 'l.csv');

function dataError(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  return expect.fail('expected a DataError');
}

describe('resolveLabels', () => {
  it('{0, 1}: 1 is the anomaly', () => {
    const l = resolveLabels(csv('x,label', ['1,0', '2,1', '3,0', '4,1', '5,1']), 'label');
    expect(Array.from(l.labels)).toEqual([0, 1, 0, 1, 1]);
    expect([l.positive, l.positives, l.values]).toEqual(['1', 3, ['0', '1']]);
  });

  it('{-1, 1}: -1 is the anomaly (scikit-learn\'s predict)', () => {
    const l = resolveLabels(csv('x,y', ['1,1', '2,-1', '3,1', '4,1']), 'y');
    expect(Array.from(l.labels)).toEqual([0, 1, 0, 0]);
    expect([l.positive, l.positives]).toEqual(['-1', 1]);
  });

  it('{false, true}: true is the anomaly, in any case', () => {
    const l = resolveLabels(csv('x,flag', ['1,False', '2,TRUE', '3,false', '4,True']), 'flag');
    expect(Array.from(l.labels)).toEqual([0, 1, 0, 1]);
    expect(l.positives).toBe(2);
    expect(l.positive.toLowerCase()).toBe('true');
  });

  it('a single class {0} or {1}: still 1 is the anomaly', () => {
    expect(Array.from(resolveLabels(csv('x,label', ['1,0', '2,0']), 'label').labels)).toEqual([0, 0]);
    expect(resolveLabels(csv('x,label', ['1,1', '2,1']), 'label').positives).toBe(2);
  });

  it('other values need the positive value named', () => {
    const ds = csv('x,cls', ['1,normal', '2,attack', '3,normal']);
    const e = dataError(() => resolveLabels(ds, 'cls'));
    expect(e.message).toBe("l.csv: label column 'cls' has values normal, attack: say which one is the anomaly (positive value)");
    expect(e.column).toBe('cls');
    const l = resolveLabels(ds, 'cls', 'attack');
    expect(Array.from(l.labels)).toEqual([0, 1, 0]);
    expect([l.positive, l.positives]).toEqual(['attack', 1]);
    expect(Array.from(resolveLabels(ds, 'cls', ' normal ').labels)).toEqual([1, 0, 1]);

    const nums = csv('x,k', ['1,2', '2,3', '3,2', '4,5']);
    expect(dataError(() => resolveLabels(nums, 'k')).message).toBe("l.csv: label column 'k' has values 2, 3, 5: say which one is the anomaly (positive value)");
    expect(Array.from(resolveLabels(nums, 'k', '5').labels)).toEqual([0, 0, 0, 1]);
    // a positive value overrides the {0, 1} rule
    expect(Array.from(resolveLabels(csv('x,label', ['1,0', '2,1']), 'label', '0').labels)).toEqual([1, 0]);
  });

  it('a positive value that does not occur', () => {
    expect(dataError(() => resolveLabels(csv('x,label', ['1,0', '2,1']), 'label', '2')).message)
      .toBe("l.csv: positive label '2' does not occur in column 'label' (values: 0, 1)");
    expect(dataError(() => resolveLabels(csv('x,cls', ['1,a', '2,b']), 'cls', 'c')).message)
      .toBe("l.csv: positive label 'c' does not occur in column 'cls' (values: a, b)");
    expect(dataError(() => resolveLabels(csv('x,label', ['1,0', '2,1']), 'label', 'one')).message)
      .toMatch(/positive label 'one' does not occur/);
  });

  it('a missing label cell names the first row', () => {
    const e = dataError(() => resolveLabels(csv('x,label', ['1,0', '2,1', '3,', '4,NA', '5,1']), 'label'));
    expect(e.message).toBe("l.csv: label column 'label' has 2 missing values (first at row 3)");
    expect([e.row, e.column]).toEqual([3, 'label']);
    const t = dataError(() => resolveLabels(csv('x,cls', ['1,a', '2,', '3,b']), 'cls', 'a'));
    expect(t.message).toBe("l.csv: label column 'cls' has 1 missing value (first at row 2)");
  });

  it('more than 20 classes', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i}`);
    expect(dataError(() => resolveLabels(csv('x,id', rows), 'id')).message).toMatch(/label column 'id' has more than 20 distinct values/);
  });

  it('an unknown column', () => {
    expect(() => resolveLabels(csv('x,label', ['1,0', '2,1']), 'lbl')).toThrow("l.csv: no column named 'lbl' (columns: x, label)");
  });
});

describe('featureMatrix', () => {
  const ds = csv('a,b,c,t', ['1,10,NA,x', '2,,5,y', '3,30,,z', '4,NaN,2,w', '100,50,7,v']);

  it('is row-major in the order asked, without imputation when nothing is missing', () => {
    const f = featureMatrix(ds, ['a']);
    expect([f.matrix.rows, f.matrix.cols]).toEqual([5, 1]);
    expect(Array.from(f.matrix.data)).toEqual([1, 2, 3, 4, 100]);
    expect(f.imputed).toEqual([]);
  });

  it('fills missing cells with the column median and reports the cells', () => {
    const f = featureMatrix(ds, ['c', 'a', 'b']);
    expect(f.columns).toEqual(['c', 'a', 'b']);
    // c present: 5, 2, 7 → median 5; b present: 10, 30, 50 → median 30
    expect(Array.from(f.matrix.data)).toEqual([5, 1, 10, 5, 2, 30, 5, 3, 30, 2, 4, 30, 7, 100, 50]);
    expect(f.imputed).toEqual([{ column: 'c', cells: 2, value: 5 }, { column: 'b', cells: 2, value: 30 }]);
  });

  it('the median of an even count is the mean of the middle two, sorted numerically', () => {
    const d = csv('v', ['9', 'NA', '10', '-2', '100']);
    const f = featureMatrix(d, ['v']);
    expect(f.imputed).toEqual([{ column: 'v', cells: 1, value: 9.5 }]);
    expect(f.matrix.data[1]).toBe(9.5);
  });

  it('mean and zero policies', () => {
    expect(featureMatrix(ds, ['b'], 'mean').imputed).toEqual([{ column: 'b', cells: 2, value: 30 }]);
    expect(featureMatrix(csv('v', ['1', 'NA', '2', '6']), ['v'], 'mean').imputed[0].value).toBe(3);
    const z = featureMatrix(ds, ['c'], 'zero');
    expect(Array.from(z.matrix.data)).toEqual([0, 5, 0, 2, 7]);
    expect(z.imputed).toEqual([{ column: 'c', cells: 2, value: 0 }]);
    expect(() => featureMatrix(ds, ['c'], 'mode' as 'mean')).toThrow("missing-value policy must be one of median, mean, zero, got: mode");
  });

  it('refuses a text column, an all-missing column, no column and an unknown one', () => {
    const e = dataError(() => featureMatrix(ds, ['a', 't']));
    expect(e.message).toBe("l.csv: column 't' is text (e.g. 'x' in row 1) and cannot be a feature");
    expect([e.row, e.column]).toEqual([1, 't']);
    const allNa = csv('a,e', ['1,NA', '2,']);
    expect(dataError(() => featureMatrix(allNa, ['e'])).message).toBe("l.csv: column 'e' has no values");
    expect(dataError(() => featureMatrix(ds, [])).message).toBe('l.csv: no feature column chosen');
    expect(() => featureMatrix(ds, ['zz'])).toThrow(/no column named 'zz'/);
  });
});
