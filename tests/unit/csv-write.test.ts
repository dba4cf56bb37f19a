/** The one CSV writer (src/core/data/csv-write.ts): quoting only where needed, formula escaping of text cells, never of numbers. */
import { describe, expect, it } from 'vitest';
import { csvCell, csvNumber, csvRecord, isFormulaLike, needsQuotes } from '../../src/core/data/csv-write';
import { parseCsvString } from '../../src/core/data/csv';

describe('csvCell', () => {
  it('writes plain text byte for byte: no trimming, no number formatting', () => {
    for (const t of ['1.0', '-0', 'inf', '007', ' a ', 'x\t', '\t7', '1e5', 'é€😀', '', 'NaN']) expect(csvCell(t)).toBe(t);
  });

  it('quotes a cell with a comma, a quote or a line break, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(needsQuotes('a;b|c\td')).toBe(false);
  });

  it("prefixes formula-like text with ' (OWASP: = + - @ tab CR)", () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+A1')).toBe("'+A1");
    expect(csvCell('-2+3+cmd')).toBe("'-2+3+cmd");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('-')).toBe("'-");
  });

  it('never escapes a number or a missing-value token, so the file reads back to the same numbers', () => {
    for (const t of ['-3', '+1', '-1.5e-7', '-0', ' -2 ', '\t-3', '-1e999', '-inf', '+inf', '-Infinity', '-nan', '\t']) {
      expect(isFormulaLike(t), JSON.stringify(t)).toBe(false);
      expect(csvCell(t)).toBe(t);
    }
  });

  it('formulaEscape: false writes formula-like text as it is (still quoted where needed)', () => {
    expect(csvCell('=1+2', { formulaEscape: false })).toBe('=1+2');
    expect(csvCell('=SUM(1,2)', { formulaEscape: false })).toBe('"=SUM(1,2)"');
  });

  it('cells the text does not start with a trigger are left alone', () => {
    for (const t of [' =1', 'a=1', "'=1", 'x@y.z', '1-2']) expect(isFormulaLike(t), t).toBe(false);
  });
});

describe('csvNumber and csvRecord', () => {
  it('numbers: shortest round-trip text; NaN empty, infinities inf / -inf (pandas to_csv)', () => {
    expect(csvNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvNumber(-3)).toBe('-3');
    expect(csvNumber(NaN)).toBe('');
    expect(csvNumber(Infinity)).toBe('inf');
    expect(csvNumber(-Infinity)).toBe('-inf');
    expect(csvNumber(5e-324)).toBe('5e-324');
  });

  it('a record mixes text and numbers; numbers are never escaped', () => {
    expect(csvRecord(['=1+2', -3, 'a,b', '1.0', NaN])).toBe("'=1+2,-3,\"a,b\",1.0,");
    expect(csvRecord(['=1+2', -3], { formulaEscape: false })).toBe('=1+2,-3');
  });

  it('what it writes reads back, through the reader, to the same cells (escaped text keeps its quote)', () => {
    const rows: (string | number)[][] = [['name', 'x', 'note'], ['=1+2', -3, 'a,"b"\nc'], ['+1', 0.1, '-inf'], ['@x', -0, '\t-5']];
    const text = `${rows.map((r) => csvRecord(r)).join('\n')}\n`;
    const ds = parseCsvString(text, 'w.csv');
    expect(ds.columns.map((c) => c.name)).toEqual(['name', 'x', 'note']);
    const name = ds.columns[0];
    const x = ds.columns[1];
    if (name.kind !== 'text' || x.kind !== 'numeric') throw new Error('name text, x numeric expected');
    expect(Array.from(name.codes!, (c) => name.levels[c])).toEqual(["'=1+2", '+1', "'@x"]);
    expect(Array.from(x.values)).toEqual([-3, 0.1, -0]);
  });
});
