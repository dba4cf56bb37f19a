/**
 * Parameter specs: scikit-learn's names, defaults, ranges and a line of help.
 * One spec drives validation, the page's form and the CLI's --param flags.
 */
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export interface ParamSpec {
  name: string;
  /**
   * 'size': a count or a fraction in (0, 1] as scikit-learn's max_samples / max_features (text keeps "1.0" apart from "1"); 'auto' where `options` lists it.
   * 'intlist': comma-separated integers, each in [min, max] (PyOD's hidden_neuron_list); the value is kept as canonical text, "64,32".
   * 'json': a JSON value (the ensemble's members and weights), given as JSON text or as the value itself,
   * checked by `check` and kept as canonical JSON text.
   */
  type: 'float' | 'int' | 'bool' | 'enum' | 'contamination' | 'size' | 'intlist' | 'json';
  default: ParamValue;
  help: string;
  min?: number;
  max?: number;
  /** Whether min itself is excluded. */
  minExclusive?: boolean;
  /** enum: the choices; float / int / size: words accepted besides numbers (gamma's 'scale' and 'auto'). */
  options?: string[];
  /** The page's default where it differs from scikit-learn's (e.g. standardising before an SVM); the CLI keeps `default`. */
  pageDefault?: ParamValue;
  /** 'size': what a count counts and a fraction is a fraction of ('rows' when absent). */
  of?: 'rows' | 'columns';
  /** Tuning knobs the page folds under "more parameters" (solver tolerances, cache sizes…). */
  advanced?: boolean;
  /** 'json': checks the parsed value and returns it in canonical form; throws a RangeError / TypeError whose message starts with the parameter's name. */
  check?: (value: unknown) => unknown;
}

/** The contamination parameter as scikit-learn has it: 'auto' or a fraction in (0, 0.5]. */
export const contaminationParam = (help = "'auto' uses the detector's own constant; a fraction in (0, 0.5] flags that share of the training rows"): ParamSpec => ({
  name: 'contamination', type: 'contamination', default: 'auto', min: 0, max: 0.5, minExclusive: true, help,
});

/** Parse and check one value; throws RangeError / TypeError naming the parameter and the bad value. */
export function parseParam(spec: ParamSpec, raw: unknown): ParamValue {
  const bad = (why: string) => new RangeError(`${spec.name} ${why}, got: ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true' || s === '1' || s === 'yes') return true;
      if (s === 'false' || s === '0' || s === 'no') return false;
      throw new TypeError(`${spec.name} must be true or false, got: ${JSON.stringify(raw)}`);
    }
    case 'enum': {
      const s = String(raw).trim();
      if (!spec.options!.includes(s)) throw bad(`must be one of ${spec.options!.join(', ')}`);
      return s;
    }
    case 'size': {
      const s = typeof raw === 'string' ? raw.trim() : raw;
      if (s === 'auto' && spec.options?.includes('auto')) return 'auto';
      const v = typeof s === 'number' ? s : Number(s);
      if (typeof s === 'boolean' || s === '' || !Number.isFinite(v)) throw new TypeError(`${spec.name} must be ${spec.options?.includes('auto') ? "'auto', " : ''}an integer or a fraction in (0, 1], got: ${JSON.stringify(raw)}`);
      if (!(v > 0)) throw bad('must be positive');
      parseSize(spec, s as number | string);
      return s as number | string;
    }
    case 'contamination': {
      if (String(raw).trim() === 'auto') return 'auto';
      const v = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(v)) throw new TypeError(`contamination must be 'auto' or a number, got: ${JSON.stringify(raw)}`);
      if (!(v > 0 && v <= 0.5)) throw bad('must be in (0, 0.5]');
      return v;
    }
    case 'intlist': {
      const parts = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((p) => p.trim());
      if (parts.some((p) => p === '' || !Number.isInteger(Number(p)))) throw new TypeError(`${spec.name} must be comma-separated integers such as "64,32", got: ${JSON.stringify(raw)}`);
      const v = parts.map(Number);
      if (spec.min !== undefined && v.some((x) => x < spec.min!)) throw bad(`entries must be >= ${spec.min}`);
      if (spec.max !== undefined && v.some((x) => x > spec.max!)) throw bad(`entries must be <= ${spec.max}`);
      return v.join(',');
    }
    case 'json': {
      let v: unknown = raw;
      if (typeof raw === 'string') {
        try {
          v = JSON.parse(raw);
        } catch (e) {
          throw new TypeError(`${spec.name} must be JSON (${(e as Error).message}), got: ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)}`);
        }
      }
      return JSON.stringify(spec.check ? spec.check(v) : v);
    }
    case 'int':
    case 'float': {
      if (typeof raw === 'string' && spec.options?.includes(raw.trim())) return raw.trim();
      const v = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (String(raw).trim() === '' || !Number.isFinite(v)) throw new TypeError(`${spec.name} must be ${spec.options?.length ? `${spec.options.map((o) => `'${o}'`).join(', ')} or ` : ''}a number, got: ${JSON.stringify(raw)}`);
      // scikit-learn refuses a float for an int parameter (n_estimators=100.0), so text with a point or an exponent is refused too.
      if (spec.type === 'int' && (!Number.isInteger(v) || (typeof raw === 'string' && /[.eE]/.test(raw)))) throw new TypeError(`${spec.name} must be an integer, got: ${JSON.stringify(raw)}`);
      if (spec.min !== undefined && (spec.minExclusive ? !(v > spec.min) : !(v >= spec.min))) throw bad(`must be ${spec.minExclusive ? '>' : '>='} ${spec.min}`);
      if (spec.max !== undefined && !(v <= spec.max)) throw bad(`must be <= ${spec.max}`);
      return v;
    }
    default:
      throw new TypeError(`unknown parameter type ${(spec as ParamSpec).type}`);
  }
}

/** A 'size' parameter read: 'auto', or a count (an int >= 1) or a fraction (a float in (0, 1]). */
export type Size = 'auto' | { fraction: boolean; value: number };

/**
 * A 'size' value as scikit-learn reads max_samples / max_features: an int counts (rows or columns,
 * ≥ 1), a float is a fraction and must lie in (0, 1]. scikit-learn tells them by type; here text
 * with a point or an exponent ("0.5", "1.0", "2.0", "1e2") is a float and other text ("1", "256")
 * an int, so "1" is one row and "1.0" all of them. A JavaScript number has no such mark: a
 * non-integer is a fraction, the number 1 is the fraction 1 (all), other integers count.
 */
export function parseSize(spec: ParamSpec, v: ParamValue): Size {
  const auto = spec.options?.includes('auto') === true;
  if (v === 'auto' && auto) return 'auto';
  const x = Number(v);
  const name = spec.name;
  if (typeof v === 'boolean' || String(v).trim() === '' || !Number.isFinite(x)) throw new TypeError(`${name} must be ${auto ? "'auto', " : ''}an integer or a fraction in (0, 1], got: ${JSON.stringify(v)}`);
  const float = typeof v === 'string' ? /[.eE]/.test(v) : !Number.isInteger(x) || x === 1;
  if (float) {
    // scikit-learn's constraint: an int >= 1 or a float in (0, 1]; 2.0 is refused, not read as 2.
    if (!(x > 0 && x <= 1)) throw new RangeError(`${name} must be ${auto ? "'auto', " : ''}an integer >= 1 or a float in (0, 1], got: ${JSON.stringify(v)} (a float is a fraction of the ${spec.of ?? 'rows'})`);
    return { fraction: true, value: x };
  }
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`${name} must be a positive integer or a fraction in (0, 1], got: ${JSON.stringify(v)}`);
  return { fraction: false, value: x };
}

/** Defaults overlaid with the given values, each checked; unknown names are an error. */
export function resolveParams(specs: ParamSpec[], raw: Record<string, unknown> = {}, detector = 'detector'): Params {
  const out: Params = {};
  // Own keys only: `__proto__`, `constructor` or `toString` given as a name is an unknown parameter,
  // and never read through the prototype chain.
  for (const name of Object.keys(raw)) {
    if (!specs.some((s) => s.name === name)) {
      throw new RangeError(`${detector} has no parameter '${name}' (parameters: ${specs.map((s) => s.name).join(', ')})`);
    }
  }
  for (const spec of specs) {
    const v = Object.hasOwn(raw, spec.name) ? raw[spec.name] : undefined;
    out[spec.name] = v === undefined || v === null ? spec.default : parseParam(spec, v);
  }
  return out;
}
