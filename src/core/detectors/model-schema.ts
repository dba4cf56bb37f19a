/**
 * The schema of a saved model (ModelJSON): every field a detector's `load` and `score` read,
 * checked before the model is built or used. Saved models are files people mail each other,
 * so untrusted input: a tampered one must give one clear line naming the field, never a hang,
 * a crash, an out-of-range read or silently wrong scores.
 *
 * One load path: every detector's `load` calls `checkModelJSON` (detector.ts), which calls
 * `checkModelSchema`, so the CLI's --model, the page's "open model" and IndexedDB entries (both
 * built by a detector worker's importModel → registry's loadModel) are all checked. The page
 * also checks on the main thread first (this module imports only metadata, the parameter
 * checks and the weights' manifest names: no detector code, no tfjs), so a bad file is named
 * before any worker is involved.
 *
 * Checks, in order, each failure a ModelFileError (a TypeError) reading
 * "<source>: <field> must be <what>, got: <value>": the format tag and version; a known
 * detector; params valid for that detector (resolveParams: the same messages as the form and
 * the CLI); features a positive integer; columns, when present, that many names; threshold a
 * finite number; then the detector's state (STATES below: one entry per detector id — types,
 * lengths against `features`, index ranges, acyclic trees, depths within bounds, finite numbers).
 *
 * Hand-written rather than zod / valibot: nearly every rule is across fields (lengths against
 * `features`, child indices against the tree's offsets, depths against maxSamples, weights
 * against the architecture), which a schema library states only as custom refinements, and
 * checking 50k tree nodes one by one in a generic validator costs more than this loop.
 *
 * @example
 * const m = checkModelSchema(JSON.parse(text), 'model.json'); // the ModelJSON with its params resolved,
 * // or throws "model.json: state.forest.left[1234] (tree 3, node 17) must be a child index in 18…254, got: 1000000000"
 */
import { resolveParams, type Params } from './params.js';
import { ACTIVATIONS, detectorMeta, usesWindows } from './specs.js';
import { weightNames } from './autoencoder/weights.js';
import { weightLayout, type CellKind } from './rnn/net.js';
import { base64ToBytes } from '../data/base64.js';

type Obj = Record<string, unknown>;

/** A saved model, as `toJSON` writes it and `load` reads it (re-exported by detector.ts, the contract). */
export interface ModelJSON {
  format: 'anomaly-lab-model';
  version: 1;
  detector: string;
  params: Params;
  threshold: number;
  /** Number of feature columns the model was fitted on. */
  features: number;
  /** The feature column names, added by whoever saves the model (page or CLI). */
  columns?: string[];
  /** The detector's fitted state: its shape is STATES[detector] below. */
  state: unknown;
}

/** A model file that fails its schema: `field` is the path of the first bad field ('' for the whole file). */
export class ModelFileError extends TypeError {
  constructor(message: string, readonly field: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** A value as a message quotes it: short, never "undefined" or a whole array. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `an array of ${(v as unknown as ArrayLike<number>).length}`;
  if (v && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s === undefined ? typeof v : s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** float32's largest finite value: the autoencoder standardises into float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** What a range check asks for, in words: "> 0", "within ±3.4e+38", "in 1…255", ">= 0". */
function rangeText(min: number, max: number): string {
  const upTo = (m: number) => (m === FLOAT32_MAX ? "float32's largest value" : String(m));
  if (min === Number.MIN_VALUE) return max === Infinity ? 'must be > 0' : `must be > 0 and at most ${upTo(max)}`;
  if (min === -max && max === FLOAT32_MAX) return `must be within ±${upTo(max)}`;
  if (max === Infinity) return `must be >= ${min}`;
  if (min === -Infinity) return `must be <= ${upTo(max)}`;
  return `must be in ${min}…${max}`;
}

/** A field's path and how to report it; `at` and `item` step down. */
export class Field {
  constructor(readonly source: string, readonly path: string) {}

  /** Throw "<source>: <path> <what>[, got: <value>]". */
  fail(what: string, ...got: [unknown?]): never {
    const tail = got.length ? `, got: ${describe(got[0])}` : '';
    throw new ModelFileError(this.path ? `${this.source}: ${this.path} ${what}${tail}` : `${this.source} ${what}${tail}`, this.path);
  }

  at(key: string): Field {
    return new Field(this.source, this.path ? `${this.path}.${key}` : key);
  }

  item(i: number, note = ''): Field {
    return new Field(this.source, `${this.path}[${i}]${note ? ` (${note})` : ''}`);
  }

  object(v: unknown): Obj {
    if (!v || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) this.fail('must be an object', v);
    return v as Obj;
  }

  string(v: unknown, options?: readonly string[]): string {
    if (typeof v !== 'string') this.fail(options ? `must be one of ${options.join(', ')}` : 'must be text', v);
    if (options && !options.includes(v)) this.fail(`must be one of ${options.join(', ')}`, v);
    return v;
  }

  boolean(v: unknown): boolean {
    if (typeof v !== 'boolean') this.fail('must be true or false', v);
    return v;
  }

  /** A finite number, optionally an integer within [min, max] (or above an exclusive `above`). */
  number(v: unknown, { integer = false, min = -Infinity, max = Infinity, above = -Infinity } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`must be a finite ${integer ? 'integer' : 'number'}`, v);
    if (integer && !Number.isInteger(v)) this.fail('must be an integer', v);
    if (v < min || v > max) this.fail(rangeText(min, max), v);
    if (!(v > above)) this.fail(`must be > ${above}`, v);
    return v;
  }

  /**
   * An array of finite numbers (a plain array, or a typed array where a packed model was
   * unpacked), of `length` when given, each within [min, max]; `allowNaN` lets null / NaN
   * through (JSON's spelling of NaN: Isolation Forest's leaf thresholds).
   */
  numbers(v: unknown, { length, why = '', min = -Infinity, max = Infinity, integer = false, allowNaN = false }: { length?: number; why?: string; min?: number; max?: number; integer?: boolean; allowNaN?: boolean } = {}): ArrayLike<number> {
    if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) this.fail('must be an array of numbers', v);
    const a = v as ArrayLike<unknown>;
    if (length !== undefined && a.length !== length) this.fail(`must hold ${length} numbers${why ? ` (${why})` : ''}, got ${a.length}`);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === 'number' && x >= min && x <= max && (!integer || Number.isInteger(x))) continue;
      if (allowNaN && (x === null || (typeof x === 'number' && Number.isNaN(x)))) continue;
      const at = this.item(i);
      if (typeof x !== 'number' || !Number.isFinite(x)) at.fail(`must be a finite ${integer ? 'integer' : 'number'}`, x);
      if (integer && !Number.isInteger(x)) at.fail('must be an integer', x);
      at.fail(rangeText(min, max), x);
    }
    return a as ArrayLike<number>;
  }
}

/** A StandardScaler ({ mean, scale } per feature, scale > 0) or null; `max` bounds both (float32 for the autoencoder). */
function scaler(at: Field, v: unknown, features: number, max = Infinity): void {
  if (v === null) return;
  const s = at.object(v);
  at.at('mean').numbers(s.mean, { length: features, why: 'one per feature', min: -max, max });
  at.at('scale').numbers(s.scale, { length: features, why: 'one per feature', min: Number.MIN_VALUE, max });
}

/** c(n) of Isolation Forest (averagePathLength in iforest.ts; restated so this module loads no detector code). */
function pathNorm(n: number): number {
  return n <= 1 ? 0 : n === 2 ? 1 : 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** The largest max_samples a saved forest may claim: an Int32 row index. */
const MAX_SAMPLES = 2 ** 31 - 1;

/**
 * Isolation Forest's flat forest: trees back to back from `offsets`; in tree t a node is a
 * leaf (feature −1) or splits on a feature in 0…features−1 at a finite threshold, its children
 * at left and left + 1 (relative to the tree's offset). Every child index is greater than its
 * parent's, so a tree has no cycle and a walk ends; each node's depth (from the root, through
 * any parent) stays within maxDepth, which is what fit grows (ceil(log2(maxSamples))); leaf
 * values are depth + c(n_leaf) ≤ maxDepth + c(maxSamples).
 */
function iforestState(at: Field, s: Obj, features: number): void {
  const maxSamples = at.at('maxSamples').number(s.maxSamples, { integer: true, min: 1, max: MAX_SAMPLES });
  const depthLimit = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
  const maxDepth = at.at('maxDepth').number(s.maxDepth, { integer: true, min: 0 });
  if (maxDepth !== depthLimit) at.at('maxDepth').fail(`must be ceil(log2(maxSamples ${maxSamples})) = ${depthLimit}`, maxDepth);
  at.at('offset').number(s.offset);
  const f: Field = at.at('forest');
  const forest = f.object(s.forest);
  const feature = f.at('feature').numbers(forest.feature, { integer: true, min: -1, max: features - 1 });
  const nodes = feature.length;
  const maxTree = Math.min(2 * maxSamples - 1, 2 ** (depthLimit + 1) - 1);
  const offsets = f.at('offsets').numbers(forest.offsets, { integer: true, min: 0, max: nodes });
  if (offsets.length < 2) f.at('offsets').fail('must hold at least 2 numbers (one tree)', forest.offsets);
  if (offsets[0] !== 0) f.at('offsets').item(0).fail('must be 0', offsets[0]);
  if (offsets[offsets.length - 1] !== nodes) f.at('offsets').item(offsets.length - 1).fail(`must be the node count (${nodes})`, offsets[offsets.length - 1]);
  for (let t = 1; t < offsets.length; t++) {
    const size = offsets[t] - offsets[t - 1];
    if (size < 1 || size > maxTree) f.at('offsets').item(t).fail(`must be ${offsets[t - 1] + 1}…${offsets[t - 1] + maxTree} (tree ${t - 1} holds 1 to ${maxTree} nodes)`, offsets[t]);
  }
  const threshold = f.at('threshold').numbers(forest.threshold, { length: nodes, why: 'one per node', allowNaN: true });
  const left = f.at('left').numbers(forest.left, { length: nodes, why: 'one per node' });
  const valueMax = maxDepth + pathNorm(maxSamples);
  f.at('value').numbers(forest.value, { length: nodes, why: 'one per node', min: 0, max: valueMax * (1 + 1e-12) });
  let largest = 0;
  for (let t = 1; t < offsets.length; t++) largest = Math.max(largest, offsets[t] - offsets[t - 1]);
  const depth = new Int32Array(largest);
  for (let t = 0; t + 1 < offsets.length; t++) {
    const base = offsets[t];
    const size = offsets[t + 1] - base;
    depth.fill(-1, 0, size);
    depth[0] = 0;
    for (let n = 0; n < size; n++) {
      const i = base + n;
      if (feature[i] < 0 || depth[n] < 0) continue; // a leaf, or a node no walk reaches
      const l = left[i];
      if (!Number.isInteger(l) || l <= n || l + 1 >= size) f.at('left').item(i, `tree ${t}, node ${n}`).fail(`must be a child index in ${n + 1}…${size - 2} (greater than its node's, within tree ${t})`, l);
      const th = threshold[i] as number | null;
      if (typeof th !== 'number' || !Number.isFinite(th)) f.at('threshold').item(i, `tree ${t}, node ${n}`).fail('must be a finite number (the node splits)', th);
      const d = depth[n] + 1;
      if (d > maxDepth) f.at('left').item(i, `tree ${t}, node ${n}`).fail(`leads deeper than maxDepth (${maxDepth})`, l);
      if (depth[l] < d) depth[l] = d;
      if (depth[l + 1] < d) depth[l + 1] = d;
    }
  }
}

/**
 * Each detector's state, by id: one entry per detector, in one place. A new detector adds its
 * entry here (a test checks that every registered detector has one, that fitted models pass and
 * that tampered ones are refused). `features` is already checked (a positive integer); every
 * rule reads the state as untrusted JSON.
 */
/**
 * A tfjs weight manifest's data (the dense and the recurrent autoencoders): base64 text holding exactly
 * the float32 values of `expected`'s weights in order, each finite (and ≥ 0 where `nonNegative` says).
 */
function weightData<W extends { name: string; shape: readonly number[] }>(wd: Field, v: unknown, expected: readonly W[], nonNegative: (w: W) => boolean = () => false): void {
  if (typeof v !== 'string') wd.fail('must be base64 text', v);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(v);
  } catch (e) {
    wd.fail(`must be base64 text (${(e as Error).message.replace(/^weightData is not base64 /, '')})`);
  }
  const floats = expected.reduce((sum, w) => sum + w.shape.reduce((x, y) => x * y, 1), 0);
  if (bytes.byteLength !== 4 * floats) wd.fail(`must hold ${floats} float32 weights (${4 * floats} bytes), got ${bytes.byteLength} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  for (const w of expected) {
    const end = start + w.shape.reduce((x, y) => x * y, 1);
    const positive = nonNegative(w);
    for (let i = start; i < end; i++) {
      const x = view.getFloat32(4 * i, true);
      if (!Number.isFinite(x) || (positive && x < 0)) wd.fail(`weight ${i - start} of ${w.name} must be a finite float32${positive ? ' >= 0' : ''}`, x);
    }
    start = end;
  }
}

const STATES: Record<string, (at: Field, state: Obj, features: number, params: Params) => void> = {
  iforest: iforestState,
  lof(at, s, features) {
    const rows = at.at('lrd').numbers(s.lrd, { min: Number.MIN_VALUE, max: 1e10 }).length; // lrd = 1 / (mean reach-dist + 1e-10)
    const k = at.at('k').number(s.k, { integer: true, min: 1, max: Math.max(1, rows - 1) });
    if (rows < k + 1) at.at('lrd').fail(`must hold more rows than k (${k})`, s.lrd);
    at.at('offset').number(s.offset);
    at.at('kDistance').numbers(s.kDistance, { length: rows, why: 'one per training row', min: 0 });
    at.at('X').numbers(s.X, { length: rows * features, why: `${rows} training rows × ${features} features` });
  },
  knn(at, s, features) {
    const X = at.at('X').numbers(s.X);
    const rows = X.length / features;
    if (!Number.isInteger(rows) || rows < 2) at.at('X').fail(`must hold at least 2 rows of ${features} features`, s.X);
    at.at('k').number(s.k, { integer: true, min: 1, max: rows - 1 });
  },
  zscore(at, s, features) {
    at.at('center').numbers(s.center, { length: features, why: 'one per feature' });
    at.at('scale').numbers(s.scale, { length: features, why: 'one per feature', min: 0 });
  },
  windowed_gaussian(at, s, features, params) {
    // The stream's state: the window (oldest first, up to window_size values) and the values waiting for the next slide.
    const w = Number(params.window_size);
    const step = Number(params.step_size);
    if (features !== 1) at.fail(`is a one-column detector's, but features is ${features}`);
    if (step > w) at.fail(`cannot follow step_size ${step} > window_size ${w}`);
    const n = at.at('window').numbers(s.window).length;
    if (n < 1 || n > w) at.at('window').fail(`must hold 1 to window_size (${w}) values, got ${n}`);
    const b = at.at('buffer').numbers(s.buffer).length;
    if (b >= step || (b > 0 && n < w)) at.at('buffer').fail(`must hold fewer than step_size (${step}) values, and none before the window is full, got ${b}`);
  },
  ocsvm(at, s, features) {
    const k: Field = at.at('kernel');
    const kernel = k.object(s.kernel);
    const kernels = detectorMeta('ocsvm').params.find((p) => p.name === 'kernel')!.options!;
    k.at('kernel').string(kernel.kernel, kernels);
    k.at('gamma').number(kernel.gamma, { min: 0 });
    k.at('degree').number(kernel.degree, { integer: true, min: 0 });
    k.at('coef0').number(kernel.coef0);
    scaler(at.at('scaler'), s.scaler, features);
    if (s.method === 'exact') {
      at.at('rho').number(s.rho);
      const n = at.at('coef').numbers(s.coef).length;
      if (n < 1) at.at('coef').fail('must hold at least one support vector', s.coef);
      at.at('support').numbers(s.support, { length: n, why: 'one per support vector', integer: true, min: 0 });
      at.at('sv').numbers(s.sv, { length: n * features, why: `${n} support vectors × ${features} features` });
    } else if (s.method === 'nystroem') {
      const c = at.at('components').number(s.components, { integer: true, min: 1 });
      at.at('offset').number(s.offset);
      at.at('coef').numbers(s.coef, { length: c, why: 'one per component' });
      at.at('basis').numbers(s.basis, { length: c * features, why: `${c} components × ${features} features` });
      at.at('normalization').numbers(s.normalization, { length: c * c, why: `${c} × ${c} components` });
    } else at.at('method').fail("must be 'exact' or 'nystroem'", s.method);
  },
  autoencoder(at, s, features) {
    const a: Field = at.at('architecture');
    const arch = a.object(s.architecture);
    const layers = a.at('layers').numbers(arch.layers, { integer: true, min: 1, max: 1 << 20 });
    if (layers.length < 3 || layers[0] !== features || layers[layers.length - 1] !== features) a.at('layers').fail(`must run from ${features} features back to ${features} through at least one hidden layer`, arch.layers);
    a.at('hidden_activation_name').string(arch.hidden_activation_name, ACTIVATIONS);
    const bn = a.at('batch_norm').boolean(arch.batch_norm);
    a.at('batch_norm_epsilon').number(arch.batch_norm_epsilon, { above: 0 });
    a.at('dropout_rate').number(arch.dropout_rate, { min: 0, max: 1 });
    scaler(at.at('scaler'), s.scaler, features, FLOAT32_MAX);
    const h: Field = at.at('history');
    const history = h.object(s.history);
    h.at('loss').numbers(history.loss);
    if (!Array.isArray(history.val_loss)) h.at('val_loss').fail('must be an array', history.val_loss);
    at.at('epochs_run').number(s.epochs_run, { integer: true, min: 0 });
    at.at('stopped_early').boolean(s.stopped_early);
    // The weights: tfjs' manifest (names and shapes the architecture implies, float32) and the bytes.
    const specsAt: Field = at.at('weightSpecs');
    if (!Array.isArray(s.weightSpecs)) specsAt.fail('must be an array', s.weightSpecs);
    const expected = weightNames({ layers: Array.from(layers), hidden_activation_name: 'relu', batch_norm: bn, batch_norm_epsilon: 1, dropout_rate: 0 });
    if (s.weightSpecs.length !== expected.length) specsAt.fail(`must list ${expected.length} weights for layers ${Array.from(layers).join('→')}${bn ? ' with batch norm' : ''}, got ${s.weightSpecs.length}`);
    s.weightSpecs.forEach((w: unknown, i: number) => {
      const wa = specsAt.item(i);
      const spec = wa.object(w);
      const want = expected[i];
      if (spec.name !== want.name) wa.at('name').fail(`must be ${JSON.stringify(want.name)}`, spec.name);
      wa.at('shape').numbers(spec.shape, { length: want.shape.length, why: 'dimensions' });
      if ((spec.shape as number[]).some((x, j) => x !== want.shape[j])) wa.at('shape').fail(`must be [${want.shape.join(', ')}]`, `[${(spec.shape as number[]).join(', ')}]`);
      if (spec.dtype !== 'float32') wa.at('dtype').fail('must be "float32"', spec.dtype);
    });
    weightData(at.at('weightData'), s.weightData, expected, (w) => w.key === 'movingVariance');
  },
};

/**
 * The LSTM / GRU autoencoder's state (rnn-ae.ts): an architecture that agrees with params and
 * features, a float32-bounded scaler, the history, and the weights as tfjs' manifest (names and
 * shapes rnn/net.ts's weightLayout gives, float32) plus that many finite float32 values.
 */
function rnnState(cell: CellKind) {
  return (at: Field, s: Obj, features: number, params: Params): void => {
    const a: Field = at.at('architecture');
    const arch = a.object(s.architecture);
    a.at('cell').string(arch.cell, [cell]);
    for (const [key, want] of [['window_size', Number(params.window_size)], ['channels', features], ['hidden_size', Number(params.hidden_size)], ['n_layers', Number(params.n_layers)]] as const) {
      if (arch[key] !== want) a.at(key).fail(`must be ${want} (${key === 'channels' ? 'features' : `params.${key}`})`, arch[key]);
    }
    a.at('dropout_rate').number(arch.dropout_rate, { min: 0, max: 1 });
    at.at('scaler').object(s.scaler);
    scaler(at.at('scaler'), s.scaler, features, FLOAT32_MAX);
    const h: Field = at.at('history');
    const history = h.object(s.history);
    h.at('loss').numbers(history.loss);
    if (!Array.isArray(history.val_loss)) h.at('val_loss').fail('must be an array', history.val_loss);
    at.at('epochs_run').number(s.epochs_run, { integer: true, min: 0 });
    at.at('best_epoch').number(s.best_epoch, { integer: true, min: 0 });
    at.at('stopped_early').boolean(s.stopped_early);
    const expected = weightLayout({ cell, window_size: Number(params.window_size), channels: features, hidden_size: Number(params.hidden_size), n_layers: Number(params.n_layers), dropout_rate: 0 });
    const specsAt: Field = at.at('weightSpecs');
    const specs = s.weightSpecs;
    if (!Array.isArray(specs)) specsAt.fail('must be an array', specs);
    if (specs.length !== expected.length) specsAt.fail(`must list ${expected.length} weights`, specs);
    expected.forEach((want, i) => {
      const wa = specsAt.item(i);
      const spec = wa.object(specs[i]);
      if (spec.name !== want.name) wa.at('name').fail(`must be ${JSON.stringify(want.name)}`, spec.name);
      const shape = wa.at('shape').numbers(spec.shape, { length: want.shape.length, why: 'dimensions' });
      if (want.shape.some((x, j) => shape[j] !== x)) wa.at('shape').fail(`must be [${want.shape.join(', ')}]`, `[${Array.from(shape).join(', ')}]`);
      if (spec.dtype !== 'float32') wa.at('dtype').fail('must be "float32"', spec.dtype);
    });
    weightData(at.at('weightData'), s.weightData, expected);
  };
}
STATES.lstm_ae = rnnState('lstm');
STATES.gru_ae = rnnState('gru');

/**
 * half_space_trees: the forest as src/core/stream/half-space-trees.ts's toJSON writes it. Its sizes
 * follow from the parameters (n_trees · (2^height − 1) splits on features 0 … features − 1, and
 * n_trees · (2^(height+1) − 1) node counts of at most window_size in each profile); the scaler's
 * min and max hold one number per feature once a point was learnt.
 */
STATES.half_space_trees = (at, s, features, params) => {
  const nTrees = Number(params.n_trees);
  const height = Number(params.height);
  const w = Number(params.window_size);
  at.at('kind').string(s.kind, ['half_space_trees']);
  for (const [key, want] of [['features', features], ['n_trees', nTrees], ['height', height], ['window_size', w]] as const) {
    const v = at.at(key).number(s[key], { integer: true });
    if (v !== want) at.at(key).fail(`must equal the model's ${key === 'features' ? 'features' : `parameter ${key}`} (${want})`, v);
  }
  at.at('seed').number(s.seed);
  if (s.scale !== undefined) at.at('scale').boolean(s.scale);
  const inner = nTrees * (2 ** height - 1);
  const nodes = nTrees * (2 ** (height + 1) - 1);
  at.at('split_feature').numbers(s.split_feature, { length: inner, why: 'n_trees · (2^height − 1) splits', integer: true, min: 0, max: features - 1 });
  at.at('split_value').numbers(s.split_value, { length: inner, why: 'n_trees · (2^height − 1) splits' });
  for (const key of ['l_mass', 'r_mass']) at.at(key).numbers(s[key], { length: nodes, why: 'n_trees · (2^(height+1) − 1) nodes', integer: true, min: 0, max: w });
  const counter = at.at('counter').number(s.counter, { integer: true, min: 0, max: w - 1 });
  const first = at.at('first_window').boolean(s.first_window);
  const n = at.at('min').numbers(s.min).length;
  if (n !== 0 && n !== features) at.at('min').fail(`must hold ${features} numbers (one per feature) or none`, s.min);
  at.at('max').numbers(s.max, { length: n, why: 'as many as min' });
  if (n === 0 && (!first || counter > 0)) at.at('min').fail('must hold one number per feature once points were learnt', s.min);
};

/**
 * ensemble: one model file per member (each checked in full by checkModelSchema, for the detector and
 * the features the ensemble's params and its own features say), one normaliser per member, and for
 * aom / moa buckets that split the members into n_buckets equal parts.
 */
STATES.ensemble = (at, s, features, params) => {
  const listed = JSON.parse(String(params.members)) as { detector: string }[];
  const members = at.at('members');
  if (!Array.isArray(s.members) || s.members.length !== listed.length) members.fail(`must be a list of ${listed.length} model files (one per member in params.members)`, s.members);
  (s.members as unknown[]).forEach((mj, i) => {
    const item = members.item(i, listed[i].detector);
    const m = checkModelSchema(mj, `${item.source}: ${item.path}`);
    if (m.detector !== listed[i].detector) item.at('detector').fail(`must be '${listed[i].detector}' (params.members[${i}])`, m.detector);
    if (m.features !== features) item.at('features').fail(`must equal the ensemble's features (${features})`, m.features);
  });
  const norms = at.at('normalizers');
  if (!Array.isArray(s.normalizers) || s.normalizers.length !== listed.length) norms.fail(`must be a list of ${listed.length} normalisers (one per member)`, s.normalizers);
  (s.normalizers as unknown[]).forEach((nv, i) => {
    const f = norms.item(i);
    const n = f.object(nv);
    f.at('kind').string(n.kind, [String(params.normalize)]);
    if (n.kind === 'zscore') {
      f.at('mean').number(n.mean);
      f.at('std').number(n.std, { min: 0 });
    } else if (n.kind === 'minmax') {
      const lo = f.at('min').number(n.min);
      const hi = f.at('max').number(n.max);
      if (hi < lo) f.at('max').fail(`must be >= min (${lo})`, hi);
    } else {
      const v = f.at('sorted').numbers(n.sorted);
      if (v.length < 1) f.at('sorted').fail('must hold the training scores (at least one)', n.sorted);
      for (let k = 1; k < v.length; k++) if (v[k] < v[k - 1]) f.at('sorted').item(k).fail('must not be below the value before it (sorted ascending)', v[k]);
    }
  });
  const b = at.at('buckets');
  if (!Array.isArray(s.buckets)) b.fail('must be a list of buckets', s.buckets);
  const buckets = s.buckets as unknown[];
  if (params.combine === 'aom' || params.combine === 'moa') {
    const nb = Number(params.n_buckets);
    if (buckets.length !== nb) b.fail(`must hold n_buckets (${nb}) buckets`, s.buckets);
    const seen = new Set<number>();
    buckets.forEach((bv, k) => {
      const idx = b.item(k).numbers(bv, { length: listed.length / nb, why: 'members / n_buckets each', integer: true, min: 0, max: listed.length - 1 });
      for (const j of Array.from(idx)) {
        if (seen.has(j)) b.item(k).fail(`must not repeat member ${j}`);
        seen.add(j);
      }
    });
  } else if (buckets.length) b.fail(`must be empty for combine '${String(params.combine)}'`, s.buckets);
};

/** Whether the schema knows a detector's state (a test keeps it in step with specs.ts). */
export function hasStateSchema(detector: string): boolean {
  return Object.hasOwn(STATES, detector);
}

/**
 * Check a parsed model file against the format and its detector's schema, without building it.
 * `source` names the file in messages ('model.json', "saved model anomaly-lab/…").
 * Returns the model with its params resolved (types and defaults as resolveParams gives them,
 * so `"n_neighbors": "5"` scores as 5); throws a ModelFileError naming the first wrong field.
 */
export function checkModelSchema(json: unknown, source = 'model file'): ModelJSON {
  const top: Field = new Field(source, '');
  const m = json as Obj;
  if (!m || typeof m !== 'object' || Array.isArray(m)) top.fail('is not an Anomaly Lab model (not a JSON object)', json);
  if (m.format !== 'anomaly-lab-model') top.fail('is not an Anomaly Lab model (format tag missing)');
  if (m.version !== 1) throw new ModelFileError(m.version === undefined ? `${source} has no format version (expected 1)` : `${source}: format version ${describe(m.version)} is not supported (expected 1)`, 'version');
  const detAt: Field = top.at('detector');
  const detector = detAt.string(m.detector);
  let meta: ReturnType<typeof detectorMeta>;
  try {
    meta = detectorMeta(detector);
  } catch (e) {
    throw new ModelFileError(`${source}: ${(e as Error).message}`, 'detector');
  }
  const p: Field = top.at('params');
  let params: Params;
  try {
    params = resolveParams(meta.params, p.object(m.params), meta.id);
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`${source}: params: ${(e as Error).message}`, 'params');
  }
  const features = top.at('features').number(m.features, { integer: true, min: 1, max: 1 << 20 });
  if (m.columns !== undefined) {
    const c: Field = top.at('columns');
    if (!Array.isArray(m.columns)) c.fail(`must be a list of ${features} column names`, m.columns);
    if (m.columns.length !== features) c.fail(`must be a list of ${features} column names (one per feature)`, m.columns);
    const bad = m.columns.findIndex((x) => typeof x !== 'string' || x === '');
    if (bad >= 0) c.item(bad).fail('must be a column name', m.columns[bad]);
  }
  top.at('threshold').number(m.threshold);
  const check = STATES[meta.id];
  if (!check) top.at('detector').fail(`has no schema for its state (model-schema.ts)`, meta.id);
  const state = top.at('state');
  // A windowed model's state is sized by its windows: window_size values per feature column.
  check(state, state.object(m.state), meta.slidingWindows && usesWindows(meta, params) ? features * Number(params.window_size) : features, params);
  return { ...(m as unknown as ModelJSON), params };
}
