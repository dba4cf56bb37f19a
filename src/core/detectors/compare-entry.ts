/**
 * One detector of a comparison, as the CLI's `compare --detector` and the page's compare list give
 * it: a plain id ("iforest") or the ensemble's member form as JSON
 * ({"detector":"lof","params":{"n_neighbors":35}}), its parameters checked against the detector's
 * spec (resolveParams' messages, prefixed by the entry).
 *
 * @example
 * parseCompareEntry('{"detector":"lof","params":{"n_neighbors":35}}'); // { detector: 'lof', params: { n_neighbors: 35 }, label: 'lof n_neighbors=35' }
 */
import { resolveParams, type Params } from './params.js';
import { detectorMeta } from './specs.js';

export interface CompareEntry {
  detector: string;
  /** The parameters given (parsed), not the defaults. */
  params: Record<string, unknown>;
  /** How tables name it: the id and the parameters given. */
  label: string;
}

/** Parse and check one entry; a RangeError / TypeError naming it otherwise. */
export function parseCompareEntry(text: string): CompareEntry {
  const t = text.trim();
  let detector: unknown = t;
  let params: unknown = {};
  if (t.startsWith('{')) {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(t) as Record<string, unknown>;
    } catch (e) {
      throw new TypeError(`detector entry ${JSON.stringify(t.slice(0, 60))} is not valid JSON (${(e as Error).message})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`detector entry must be an id or {"detector": id, "params": {…}}, got: ${t.slice(0, 60)}`);
    ({ detector, params = {} } = v);
    const extra = Object.keys(v).filter((k) => k !== 'detector' && k !== 'params');
    if (extra.length) throw new RangeError(`detector entry ${t.slice(0, 60)} has unknown key '${extra[0]}' (keys: detector, params)`);
  }
  if (typeof detector !== 'string' || detector === '') throw new TypeError(`detector entry must name a detector id, got: ${JSON.stringify(detector)}`);
  const meta = detectorMeta(detector);
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new TypeError(`${detector}: params must be an object, got: ${JSON.stringify(params)}`);
  const resolved: Params = resolveParams(meta.params, params as Record<string, unknown>, detector);
  const given: Record<string, unknown> = {};
  for (const k of Object.keys(params as object)) given[k] = resolved[k];
  return { detector, params: given, label: entryLabel(detector, given) };
}

/** "lof n_neighbors=35" (the id alone without parameters). */
export function entryLabel(detector: string, params: Record<string, unknown>): string {
  const p = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return p.length ? `${detector} ${p.join(' ')}` : detector;
}
