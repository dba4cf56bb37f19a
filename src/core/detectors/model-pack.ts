/**
 * A fitted model in the form it moves between workers: `{ meta, buffers }`,
 * the model file's JSON with every long numeric array taken out into a
 * Float64Array (transferable, 8 bytes a number instead of ~18 characters of
 * text, NaN and −0 kept). `meta` holds the rest, with `{ $buf: i }` where the
 * i-th buffer was. Unpacked, it is the model file's JSON again, value for value,
 * so any detector's `load` reads it; written once for every detector.
 */
import type { ModelJSON } from './detector.js';

export interface PackedModel {
  meta: unknown;
  buffers: Float64Array[];
}

/** Arrays shorter than this stay in `meta`. */
const MIN_BUFFER = 32;

function isNumberArray(v: unknown[]): v is number[] {
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number' && v[i] !== null) return false;
  return true;
}

export function packModel(json: ModelJSON): PackedModel {
  const buffers: Float64Array[] = [];
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      if (v.length >= MIN_BUFFER && isNumberArray(v)) {
        // null is how JSON spells NaN (an Isolation Forest leaf's threshold).
        buffers.push(Float64Array.from(v, (x) => (x === null ? NaN : x)));
        return { $buf: buffers.length - 1 };
      }
      return v.map(walk);
    }
    if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) {
      buffers.push(Float64Array.from(v));
      return { $buf: buffers.length - 1 };
    }
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { meta: walk(json), buffers };
}

export function unpackModel(packed: PackedModel): ModelJSON {
  const { buffers } = packed;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const ref = (v as { $buf?: unknown }).$buf;
      if (typeof ref === 'number' && Object.keys(v).length === 1) {
        const b = buffers[ref];
        if (!(b instanceof Float64Array)) throw new TypeError(`packed model: buffer ${ref} is missing`);
        return Array.from(b);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(packed.meta) as ModelJSON;
}

/** The buffers of a packed model, for a transfer list. */
export function packBuffers(packed: PackedModel): ArrayBuffer[] {
  return packed.buffers.map((b) => b.buffer as ArrayBuffer);
}

/** A copy whose buffers can be transferred while the original is kept. */
export function copyPacked(packed: PackedModel): PackedModel {
  return { meta: packed.meta, buffers: packed.buffers.map((b) => b.slice()) };
}
