/**
 * The concept-drift detectors by id, with River's defaults and checked parameters: what the
 * stream engine and the CLI's `--drift ID` use.
 *
 *   - adwin (drift-adwin.ts): delta 0.002, clock 32, max_buckets 5, min_window_length 5, grace_period 10;
 *   - page_hinkley (drift-page-hinkley.ts): min_instances 30, delta 0.005, threshold 50,
 *     alpha 1 − 1e−4, mode 'both';
 *   - kswin (drift-kswin.ts): alpha 0.005, window_size 100, stat_size 30, and the seed.
 *
 * Parameters may be given as numbers or as the strings a command line passes ('0.01'); an
 * unknown name, a value that is not a number, or one out of range is an error naming the
 * detector, the parameter and the value (TypeError for the wrong kind, RangeError out of range).
 *
 * @example
 * const d = makeDrift('page_hinkley', { threshold: 20 });
 * for (const v of values) if (d.update(v)) console.log('drift');
 */
import { DEFAULT_SEED } from '../random.js';
import { ADWIN_DEFAULTS, Adwin, type AdwinParams } from './drift-adwin.js';
import { Kswin, KSWIN_DEFAULTS, type KswinParams } from './drift-kswin.js';
import { PAGE_HINKLEY_DEFAULTS, PAGE_HINKLEY_MODES, PageHinkley, type PageHinkleyParams } from './drift-page-hinkley.js';
import { DRIFT_IDS, type DriftDetector, type DriftId } from './types.js';

export { Adwin, Kswin, PageHinkley };

/** Each drift detector's parameters. */
export interface DriftParams {
  adwin: AdwinParams;
  page_hinkley: PageHinkleyParams;
  kswin: KswinParams;
}

/** River's defaults, by id. */
export const DRIFT_DEFAULTS: { readonly [I in DriftId]: Readonly<DriftParams[I]> } = {
  adwin: ADWIN_DEFAULTS,
  page_hinkley: PAGE_HINKLEY_DEFAULTS,
  kswin: KSWIN_DEFAULTS,
};

/** A number parameter's range: [min, max], each end open when its flag says so; `int` for counts. */
interface Range {
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
  int?: boolean;
}

const RANGES: { [I in DriftId]: { [K in keyof DriftParams[I]]?: Range } } = {
  adwin: {
    delta: { min: 0, minOpen: true, max: 1, maxOpen: true },
    clock: { min: 1, int: true },
    max_buckets: { min: 1, int: true },
    min_window_length: { min: 1, int: true },
    grace_period: { min: 0, int: true },
  },
  page_hinkley: {
    min_instances: { min: 1, int: true },
    delta: { min: 0 },
    threshold: { min: 0, minOpen: true },
    alpha: { min: 0, minOpen: true, max: 1 },
  },
  kswin: {
    alpha: { min: 0, minOpen: true, max: 1, maxOpen: true },
    window_size: { min: 2, max: 1_000_000, int: true },
    // scipy's ks_2samp(method='auto') is exact up to 10,000 per sample (asymptotic beyond), and so is ours: no further.
    stat_size: { min: 1, max: 10_000, int: true },
  },
};

/** Whether `id` names a drift detector. */
export function isDriftId(id: string): id is DriftId {
  return (DRIFT_IDS as readonly string[]).includes(id);
}

/**
 * `raw` checked against `id`'s parameters and filled with its defaults: numbers (or numeric
 * strings) in range, page_hinkley's mode one of up | down | both, kswin's 2 · stat_size ≤ window_size.
 */
export function resolveDriftParams<I extends DriftId>(id: I, raw: Record<string, unknown> = {}): DriftParams[I] {
  if (!isDriftId(id)) throw new RangeError(`unknown drift detector '${id}' (available: ${DRIFT_IDS.join(', ')})`);
  const defaults = DRIFT_DEFAULTS[id] as unknown as Record<string, unknown>;
  const ranges = RANGES[id] as Record<string, Range | undefined>;
  const out: Record<string, unknown> = { ...defaults };
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(name in defaults)) throw new RangeError(`${id}: unknown parameter '${name}' (parameters: ${Object.keys(defaults).join(', ')})`);
    if (name === 'mode') {
      if (!(PAGE_HINKLEY_MODES as readonly unknown[]).includes(value)) throw new RangeError(`${id}: mode must be one of ${PAGE_HINKLEY_MODES.join(', ')}, got: ${String(value)}`);
      out[name] = value;
      continue;
    }
    const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${id}: ${name} must be a number, got: ${String(value)}`);
    const r = ranges[name] ?? {};
    if (r.int && !Number.isInteger(v)) throw new TypeError(`${id}: ${name} must be an integer, got: ${String(value)}`);
    const low = r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min);
    const high = r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max);
    if (low || high) {
      const lo = r.min === undefined ? '(−∞' : `${r.minOpen ? '(' : '['}${r.min}`;
      const hi = r.max === undefined ? '∞)' : `${r.max}${r.maxOpen ? ')' : ']'}`;
      throw new RangeError(`${id}: ${name} must be in ${lo}, ${hi}, got: ${String(value)}`);
    }
    out[name] = v;
  }
  if (id === 'kswin' && 2 * (out.stat_size as number) > (out.window_size as number)) {
    throw new RangeError(`kswin: stat_size (${String(out.stat_size)}) must be at most half of window_size (${String(out.window_size)}): the older window_size − stat_size values must hold stat_size to draw`);
  }
  return out as unknown as DriftParams[I];
}

/** A fresh drift detector `id` with River's defaults overridden by `params` (checked); `seed` for kswin's draws. */
export function makeDrift<I extends DriftId>(id: I, params: Partial<Record<keyof DriftParams[I], unknown>> = {}, seed: number = DEFAULT_SEED): DriftDetector {
  const p = resolveDriftParams(id, params as Record<string, unknown>);
  switch (id) {
    case 'adwin':
      return new Adwin(p as AdwinParams);
    case 'page_hinkley':
      return new PageHinkley(p as PageHinkleyParams);
    case 'kswin':
      return new Kswin(p as KswinParams, seed);
    default:
      throw new RangeError(`unknown drift detector '${String(id)}' (available: ${DRIFT_IDS.join(', ')})`);
  }
}
