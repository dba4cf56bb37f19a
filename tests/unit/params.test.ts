import { describe, expect, it } from 'vitest';
import { contaminationParam, parseParam, resolveParams, type ParamSpec } from '../../src/core/detectors/params.js';

const specs: ParamSpec[] = [
  { name: 'n_estimators', type: 'int', default: 100, min: 1, help: '' },
  { name: 'alpha', type: 'float', default: 0.5, min: 0, max: 1, minExclusive: true, help: '' },
  { name: 'bootstrap', type: 'bool', default: false, help: '' },
  { name: 'metric', type: 'enum', default: 'euclidean', options: ['euclidean', 'manhattan'], help: '' },
  contaminationParam(),
];
const spec = (name: string) => specs.find((s) => s.name === name)!;

describe('parseParam', () => {
  it('int: integers from numbers and text, with ranges', () => {
    expect(parseParam(spec('n_estimators'), 200)).toBe(200);
    expect(parseParam(spec('n_estimators'), ' 50 ')).toBe(50);
    // scikit-learn refuses a float for an int parameter (n_estimators=100.0, 1e2): so does the text "100.0".
    expect(() => parseParam(spec('n_estimators'), '1e2')).toThrow(new TypeError('n_estimators must be an integer, got: "1e2"'));
    expect(() => parseParam(spec('n_estimators'), '100.0')).toThrow(new TypeError('n_estimators must be an integer, got: "100.0"'));
    expect(() => parseParam(spec('n_estimators'), 2.5)).toThrow(new TypeError('n_estimators must be an integer, got: 2.5'));
    expect(() => parseParam(spec('n_estimators'), 0)).toThrow(new RangeError('n_estimators must be >= 1, got: 0'));
    expect(() => parseParam(spec('n_estimators'), '')).toThrow(new TypeError('n_estimators must be a number, got: ""'));
    expect(() => parseParam(spec('n_estimators'), 'ten')).toThrow(new TypeError('n_estimators must be a number, got: "ten"'));
    expect(() => parseParam(spec('n_estimators'), Infinity)).toThrow(TypeError);
  });

  it('float: exclusive minimum and inclusive maximum', () => {
    expect(parseParam(spec('alpha'), '0.25')).toBe(0.25);
    expect(parseParam(spec('alpha'), 1)).toBe(1);
    expect(() => parseParam(spec('alpha'), 0)).toThrow(new RangeError('alpha must be > 0, got: 0'));
    expect(() => parseParam(spec('alpha'), '1.5')).toThrow(new RangeError('alpha must be <= 1, got: "1.5"'));
    expect(() => parseParam(spec('alpha'), NaN)).toThrow(TypeError);
  });

  it('bool: true/false, 1/0, yes/no', () => {
    for (const t of [true, 'true', 'TRUE', ' yes ', '1', 1]) expect(parseParam(spec('bootstrap'), t)).toBe(true);
    for (const f of [false, 'false', 'No', '0', 0]) expect(parseParam(spec('bootstrap'), f)).toBe(false);
    expect(() => parseParam(spec('bootstrap'), 'maybe')).toThrow(new TypeError('bootstrap must be true or false, got: "maybe"'));
  });

  it('enum: one of the options', () => {
    expect(parseParam(spec('metric'), ' manhattan')).toBe('manhattan');
    expect(() => parseParam(spec('metric'), 'cosine')).toThrow(new RangeError('metric must be one of euclidean, manhattan, got: "cosine"'));
  });

  it("contamination: 'auto' or a fraction in (0, 0.5]", () => {
    const c = spec('contamination');
    expect(parseParam(c, 'auto')).toBe('auto');
    expect(parseParam(c, ' auto ')).toBe('auto');
    expect(parseParam(c, 0.5)).toBe(0.5);
    expect(parseParam(c, '1e-3')).toBe(0.001);
    expect(() => parseParam(c, 0.7)).toThrow(new RangeError('contamination must be in (0, 0.5], got: 0.7'));
    expect(() => parseParam(c, '0.7')).toThrow(new RangeError('contamination must be in (0, 0.5], got: "0.7"'));
    expect(() => parseParam(c, 0)).toThrow(RangeError);
    expect(() => parseParam(c, -0.2)).toThrow(RangeError);
    expect(() => parseParam(c, 'AUTO!')).toThrow(new TypeError(`contamination must be 'auto' or a number, got: "AUTO!"`));
  });
});

describe('resolveParams', () => {
  it('overlays the given values on the defaults, checking each', () => {
    expect(resolveParams(specs)).toEqual({ n_estimators: 100, alpha: 0.5, bootstrap: false, metric: 'euclidean', contamination: 'auto' });
    expect(resolveParams(specs, { n_estimators: '10', bootstrap: 'yes', contamination: 0.1, alpha: null })).toEqual({
      n_estimators: 10, alpha: 0.5, bootstrap: true, metric: 'euclidean', contamination: 0.1,
    });
  });

  it('names an unknown parameter and lists the known ones', () => {
    expect(() => resolveParams(specs, { n_estimator: 10 }, 'forest')).toThrow(
      new RangeError("forest has no parameter 'n_estimator' (parameters: n_estimators, alpha, bootstrap, metric, contamination)"),
    );
  });

  it('passes on the first bad value', () => {
    expect(() => resolveParams(specs, { contamination: 0.7 })).toThrow('contamination must be in (0, 0.5], got: 0.7');
  });
});
