/**
 * The shape of a saved model (ModelJSON), checked without building it: the page
 * checks a model opened from a file or IndexedDB on the main thread with this
 * (the detector code lives in the workers), and a worker then builds it with the
 * detector's `load`. Imports only metadata (specs.ts) and the parameter checks.
 *
 * Checks, in order, each failure a TypeError naming the field: the format tag and
 * version; a known detector; params valid for that detector (resolveParams: the
 * same messages as the form and the CLI); features a positive integer; columns,
 * when present, that many names; threshold a finite number; and the detector's
 * state: its fields, their kinds, and their lengths against `features`.
 *
 * @example
 * checkModelSchema(JSON.parse(text)); // the ModelJSON, or throws "model file: state.X …"
 */
import type { ModelJSON } from './detector.js';
import { resolveParams } from './params.js';
import { ACTIVATIONS, detectorMeta } from './specs.js';

type Obj = Record<string, unknown>;

class Shape {
  constructor(private readonly path: string) {}

  /** Throw "model file: <path> <what>[, got: <value>]". */
  fail(what: string, ...got: [unknown?]): never {
    const tail = got.length ? `, got: ${describe(got[0])}` : '';
    throw new TypeError(`model file: ${this.path} ${what}${tail}`);
  }

  at(key: string): Shape {
    return new Shape(`${this.path}.${key}`);
  }

  object(v: unknown): Obj {
    if (!v || typeof v !== 'object' || Array.isArray(v)) this.fail('must be an object', v);
    return v as Obj;
  }

  number(v: unknown, { integer = false, min = -Infinity } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`must be a finite ${integer ? 'integer' : 'number'}`, v);
    if (integer && !Number.isInteger(v)) this.fail('must be an integer', v);
    if (v < min) this.fail(`must be >= ${min}`, v);
    return v;
  }

  /** An array of numbers (null allowed where JSON wrote a NaN: Isolation Forest's leaf thresholds). */
  numbers(v: unknown, length?: number, why = '', allowNull = false): number[] {
    if (!Array.isArray(v)) this.fail('must be an array of numbers', v);
    if (length !== undefined && v.length !== length) this.fail(`must hold ${length} numbers${why ? ` (${why})` : ''}, got ${v.length}`);
    const bad = v.findIndex((x) => !(typeof x === 'number' || (allowNull && x === null)));
    if (bad >= 0) this.fail(`[${bad}] must be a number`, v[bad]);
    return v as number[];
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** A StandardScaler ({ mean, scale } per feature) or null. */
function scaler(at: Shape, v: unknown, features: number): void {
  if (v === null || v === undefined) return;
  const s = at.object(v);
  at.at('mean').numbers(s.mean, features, 'one per feature');
  at.at('scale').numbers(s.scale, features, 'one per feature');
}

/** Each detector's state, by id; specs.test.ts checks that every detector has one and that fitted models pass. */
const STATES: Record<string, (at: Shape, state: Obj, features: number) => void> = {
  iforest(at, s) {
    at.at('maxSamples').number(s.maxSamples, { integer: true, min: 1 });
    at.at('maxDepth').number(s.maxDepth, { integer: true, min: 0 });
    at.at('offset').number(s.offset);
    const f = at.at('forest');
    const forest = f.object(s.forest);
    const offsets = f.at('offsets').numbers(forest.offsets);
    const nodes = f.at('feature').numbers(forest.feature).length;
    f.at('threshold').numbers(forest.threshold, nodes, 'one per node', true);
    f.at('left').numbers(forest.left, nodes, 'one per node');
    f.at('value').numbers(forest.value, nodes, 'one per node');
    if (offsets.length < 2 || offsets[offsets.length - 1] !== nodes) f.at('offsets').fail(`must run from 0 to the node count (${nodes})`);
  },
  lof(at, s, features) {
    const k = at.at('k').number(s.k, { integer: true, min: 1 });
    at.at('offset').number(s.offset);
    const rows = at.at('lrd').numbers(s.lrd).length;
    if (rows < k + 1) at.at('lrd').fail(`must hold more rows than k (${k})`, s.lrd);
    at.at('kDistance').numbers(s.kDistance, rows, 'one per training row');
    at.at('X').numbers(s.X, rows * features, `${rows} training rows × ${features} features`);
  },
  knn(at, s, features) {
    const k = at.at('k').number(s.k, { integer: true, min: 1 });
    const X = at.at('X').numbers(s.X);
    if (X.length % features !== 0 || X.length / features < k + 1) at.at('X').fail(`must hold more than k (${k}) rows of ${features} features`, s.X);
  },
  zscore(at, s, features) {
    at.at('center').numbers(s.center, features, 'one per feature');
    at.at('scale').numbers(s.scale, features, 'one per feature');
  },
  ocsvm(at, s, features) {
    const kernel = at.at('kernel').object(s.kernel);
    if (typeof kernel.kernel !== 'string') at.at('kernel.kernel').fail('must be a kernel name', kernel.kernel);
    at.at('kernel.gamma').number(kernel.gamma);
    scaler(at.at('scaler'), s.scaler, features);
    if (s.method === 'exact') {
      at.at('rho').number(s.rho);
      const n = at.at('coef').numbers(s.coef).length;
      at.at('support').numbers(s.support, n, 'one per support vector');
      at.at('sv').numbers(s.sv, n * features, `${n} support vectors × ${features} features`);
    } else if (s.method === 'nystroem') {
      const c = at.at('components').number(s.components, { integer: true, min: 1 });
      at.at('offset').number(s.offset);
      at.at('coef').numbers(s.coef, c, 'one per component');
      at.at('basis').numbers(s.basis, c * features, `${c} components × ${features} features`);
      at.at('normalization').numbers(s.normalization, c * c, `${c} × ${c} components`);
    } else at.at('method').fail("must be 'exact' or 'nystroem'", s.method);
  },
  autoencoder(at, s, features) {
    const a = at.at('architecture');
    const arch = a.object(s.architecture);
    const layers = a.at('layers').numbers(arch.layers);
    if (layers.length < 3 || layers[0] !== features || layers[layers.length - 1] !== features) a.at('layers').fail(`must run from ${features} features back to ${features}`, layers.join('→'));
    if (!(ACTIVATIONS as readonly unknown[]).includes(arch.hidden_activation_name)) a.at('hidden_activation_name').fail(`must be one of ${ACTIVATIONS.join(', ')}`, arch.hidden_activation_name);
    scaler(at.at('scaler'), s.scaler, features);
    if (!Array.isArray(s.weightSpecs)) at.at('weightSpecs').fail('must be an array', s.weightSpecs);
    if (typeof s.weightData !== 'string') at.at('weightData').fail('must be base64 text', s.weightData);
  },
};

/** Whether the schema knows a detector's state (a test keeps it in step with specs.ts). */
export function hasStateSchema(detector: string): boolean {
  return Object.hasOwn(STATES, detector);
}

/**
 * Check a parsed model file against the format and its detector's spec, without building it.
 * Returns it typed; throws a TypeError naming the first field that is wrong.
 */
export function checkModelSchema(json: unknown): ModelJSON {
  const top = new Shape('model');
  const m = json as Obj;
  if (!m || typeof m !== 'object' || Array.isArray(m) || m.format !== 'anomaly-lab-model') throw new TypeError('not an Anomaly Lab model file (format tag missing)');
  if (m.version !== 1) throw new TypeError(m.version === undefined ? 'model file has no format version (expected 1)' : `model format version ${JSON.stringify(m.version)} is not supported (expected 1)`);
  const detector = m.detector;
  if (typeof detector !== 'string') throw new TypeError(`model file: model.detector must be a detector id, got: ${describe(detector)}`);
  let meta;
  try {
    meta = detectorMeta(detector);
  } catch (e) {
    throw new TypeError(`model file: ${(e as Error).message}`);
  }
  const params = top.at('params').object(m.params);
  try {
    resolveParams(meta.params, params, meta.id);
  } catch (e) {
    throw new TypeError(`model file: params: ${(e as Error).message}`);
  }
  const features = top.at('features').number(m.features, { integer: true, min: 1 });
  if (m.columns !== undefined && (!Array.isArray(m.columns) || m.columns.length !== features || m.columns.some((c) => typeof c !== 'string'))) {
    top.at('columns').fail(`must be ${features} column names`, m.columns);
  }
  top.at('threshold').number(m.threshold);
  const check = STATES[meta.id];
  if (!check) throw new TypeError(`model file: no schema for detector '${meta.id}'s state`);
  check(top.at('state'), top.at('state').object(m.state), features);
  return m as unknown as ModelJSON;
}
