/**
 * The search space of a detector, read from its spec (specs.ts): explicit grids (`n_neighbors=5,10,20`),
 * each value checked by the parameter's own parser, and a default space derived from the spec for a
 * random search (enum choices, both booleans, a ladder around a number's default inside its range).
 * A new detector is tunable for free.
 *
 * Order is scikit-learn's ParameterGrid: parameter names sorted, the last one varying fastest, so
 * "first best on ties" picks the same candidate GridSearchCV does.
 *
 * @example
 * const axes = [parseGridArg(lofMeta, 'n_neighbors=5,10,20'), parseGridArg(lofMeta, 'contamination=0.05,0.1')];
 * expandGrid(axes); // 6 candidates: {contamination: 0.05, n_neighbors: 5}, {contamination: 0.05, n_neighbors: 10}, …
 */
import { Random } from '../random.js';
import { parseParam, type ParamSpec, type ParamValue, type Params } from '../detectors/params.js';
import { WINDOW_PARAMS, type DetectorMeta } from '../detectors/specs.js';

/** One parameter and the values to try, in order. */
export interface GridAxis {
  name: string;
  values: ParamValue[];
}

function paramSpec(meta: DetectorMeta, name: string): ParamSpec {
  const spec = meta.params.find((p) => p.name === name);
  if (!spec) throw new RangeError(`${meta.id} has no parameter '${name}' (parameters: ${meta.params.map((p) => p.name).join(', ')})`);
  return spec;
}

/**
 * One `name=v1,v2,…` grid argument, each value parsed as the parameter's spec parses it (a bad value
 * is the parameter's own message). An intlist parameter (hidden_neuron_list) separates its values
 * with ';' since its values hold commas: `hidden_neuron_list=64,32;32,16`.
 */
export function parseGridArg(meta: DetectorMeta, text: string): GridAxis {
  const eq = text.indexOf('=');
  if (eq < 1) throw new RangeError(`--grid takes name=v1,v2,…, got: '${text}'`);
  const name = text.slice(0, eq).trim();
  const spec = paramSpec(meta, name);
  const raw = text.slice(eq + 1).split(spec.type === 'intlist' ? ';' : ',').map((v) => v.trim());
  if (raw.some((v) => v === '')) throw new RangeError(`--grid ${name}: an empty value in '${text.slice(eq + 1)}'`);
  const values: ParamValue[] = [];
  for (const v of raw.map((r) => parseParam(spec, r))) if (!values.includes(v)) values.push(v);
  return { name, values };
}

/** Several axes as one grid: a parameter named twice is an error. */
export function checkAxes(axes: GridAxis[]): void {
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) throw new RangeError(`--grid names '${a.name}' twice`);
    seen.add(a.name);
  }
}

/** How many candidates the grid holds (the product of the axes' lengths; 1 for no axes). */
export function gridSize(axes: GridAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/** The axes in ParameterGrid's order: names sorted (code-point order, as Python's sorted). */
function sortedAxes(axes: GridAxis[]): GridAxis[] {
  return [...axes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The candidate at position `index` of the grid (mixed radix, the last sorted name fastest). */
function candidateAt(sorted: GridAxis[], index: number): Params {
  const out: Params = {};
  for (let a = sorted.length - 1; a >= 0; a--) {
    const len = sorted[a].values.length;
    out[sorted[a].name] = sorted[a].values[index % len];
    index = Math.floor(index / len);
  }
  // Keys in sorted order, as the candidate is shown.
  return Object.fromEntries(sorted.map((a) => [a.name, out[a.name]]));
}

/** Every candidate of the grid, in scikit-learn's ParameterGrid order. */
export function expandGrid(axes: GridAxis[]): Params[] {
  checkAxes(axes);
  const sorted = sortedAxes(axes);
  return Array.from({ length: gridSize(axes) }, (_, i) => candidateAt(sorted, i));
}

/**
 * A seeded random search: `budget` distinct candidates drawn uniformly from the grid (all of it, in
 * grid order, when the budget covers it), in the order drawn.
 */
export function sampleGrid(axes: GridAxis[], budget: number, seed: number): Params[] {
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`--random must be a positive integer, got: ${budget}`);
  const size = gridSize(axes);
  if (budget >= size) return expandGrid(axes);
  checkAxes(axes);
  const sorted = sortedAxes(axes);
  const rng = new Random(seed);
  const drawn = new Set<number>();
  const out: Params[] = [];
  while (out.length < budget) {
    const i = rng.int(size);
    if (drawn.has(i)) continue;
    drawn.add(i);
    out.push(candidateAt(sorted, i));
  }
  return out;
}

/** Multipliers of a number's default tried by the default space. */
const LADDER = [0.25, 0.5, 1, 2, 4];
/** Contamination fractions tried by the default space (besides 'auto' where the detector has it). */
const CONTAMINATIONS = [0.01, 0.05, 0.1, 0.2];

/**
 * The default values of one parameter for a random search, or null for a parameter not searched
 * by default (sliding windows, 'advanced' solver knobs, sizes, layer lists, a number without a
 * numeric default):
 *   - enum: its choices; bool: false, true;
 *   - contamination: 'auto' where allowed, then 0.01, 0.05, 0.1, 0.2;
 *   - int / float: the default × 1/4, 1/2, 1, 2, 4, rounded for an int, kept inside [min, max].
 */
export function defaultValues(spec: ParamSpec): ParamValue[] | null {
  if (spec.advanced || WINDOW_PARAMS.some((w) => w.name === spec.name)) return null;
  switch (spec.type) {
    case 'enum':
      return [...spec.options!];
    case 'bool':
      return [false, true];
    case 'contamination':
      return [...(spec.default === 'auto' ? ['auto'] : []), ...CONTAMINATIONS];
    case 'int':
    case 'float': {
      if (typeof spec.default !== 'number') return null;
      const values: number[] = [];
      for (const m of LADDER) {
        const v = spec.type === 'int' ? Math.round(spec.default * m) : spec.default * m;
        const inRange = (spec.min === undefined || (spec.minExclusive ? v > spec.min : v >= spec.min)) && (spec.max === undefined || v <= spec.max);
        if (inRange && !values.includes(v)) values.push(v);
      }
      return values.length > 1 ? values : null;
    }
    default:
      return null;
  }
}

/** The default search space of a detector: an axis for every parameter defaultValues searches. */
export function defaultSpace(meta: DetectorMeta): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const p of meta.params) {
    const values = defaultValues(p);
    if (values) axes.push({ name: p.name, values });
  }
  return axes;
}

/** A candidate as one line: `contamination=0.1 n_neighbors=20`. */
export function describeCandidate(params: Params): string {
  return Object.entries(params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}
