/**
 * Half-Space Trees (Tan, Ting & Liu 2011, "Fast anomaly detection for streaming data", IJCAI),
 * after River's `anomaly.HalfSpaceTrees` (river/anomaly/hst.py): an online forest of random
 * half-space splits whose nodes count how many recent points fell in them.
 *
 * Algorithm:
 *   - Trees: `n_trees` complete binary trees of `height` (height + 1 levels, 2^(height+1) − 1
 *     nodes), built once from the seed over the unit cube. At each inner node a feature is drawn
 *     with probability proportional to the width of its current range, and the split point
 *     uniformly in the middle 70% of that range (River's padding 0.15); the left child takes
 *     [low, split), the right [split, high). A point goes left when x[f] < split.
 *   - Mass: every node keeps l_mass (points of the window being filled that passed through it)
 *     and r_mass (the same count over the last complete window, the reference). learnOne adds 1
 *     to l_mass along the point's path in every tree; every `window_size` points the window
 *     pivots: r_mass ← l_mass, l_mass ← 0.
 *   - Score: 0 while the first window fills (no reference yet). Afterwards, per tree, walk the
 *     point's path from the root (depth 0) adding r_mass · 2^depth, stopping after the first node
 *     whose r_mass < 0.1 · window_size (the paper's size limit) or at the leaf. The sum over the
 *     trees, divided by its largest value n_trees · window_size · (2^(height+1) − 1), is a mass-
 *     weighted depth in [0, 1] that is high where many points go; the score is 1 − that, so it
 *     lies in [0, 1] and higher = more anomalous.
 *   - Scaling: River's HalfSpaceTrees assumes features already in [0, 1] (`limits` defaults to
 *     [0, 1] per feature) and leaves scaling to a `preprocessing.MinMaxScaler` put before it in a
 *     pipeline. Here the scaler is built in, as the issue asks: each feature is scaled by the
 *     running min and max of the points learnt so far, (x − min) / (max − min). Where max = min
 *     (a flat line so far) the range counts as 1, as scikit-learn's MinMaxScaler does, so the flat
 *     value scales to 0 and a jump off it lands outside [0, 1]; River's MinMaxScaler divides
 *     safely to 0 there, which scales every value of that feature to 0 and hides the jump (the
 *     stuck-sensor case). learnOne updates min/max before scaling the point, as River's pipeline
 *     learns the scaler before transforming; scoreOne scales with the current min/max without
 *     updating them, so a point beyond the range learnt scales outside [0, 1] and falls to the
 *     outer side of every split (it shares the edge cells with the most extreme points learnt:
 *     it ranks high, not always first). This is River's `MinMaxScaler() | HalfSpaceTrees(...)`;
 *     `scale: false` is its bare `HalfSpaceTrees(...)` with the default limits (features taken as
 *     they come), with which River's own trees give River's scores to the bit (the unit tests).
 *   - Randomness from src/core/random.ts (River uses Python's `random.Random(seed)`): the same
 *     distribution of trees, not River's trees for a seed. `reset()` rebuilds the same trees.
 *
 * Layout: the trees are arrays in heap order (node i's children are 2i + 1 and 2i + 2; inner nodes
 * are 0 … 2^height − 2, leaves the rest), all trees in one typed array each: split feature and
 * threshold per inner node, l_mass and r_mass per node. Scoring and learning allocate nothing.
 *
 * Parameters (River's defaults): n_trees 10 (≥ 1), height 8 (1 … 20), window_size 250 (≥ 1), seed.
 *
 * @example
 * const hst = new HalfSpaceTrees(2, { seed: 42 });
 * for (const x of rows) { const s = hst.scoreOne(x); hst.learnOne(x); } // s = 0 for the first 250
 */
import { DEFAULT_SEED, Random } from '../random.js';
import type { OnlineScorer } from './types.js';

/** River's parameters: n_trees, height, window_size, and the seed of src/core/random.ts. */
export interface HalfSpaceTreesOptions {
  n_trees: number;
  height: number;
  window_size: number;
  seed: number;
  /**
   * Scale each feature by its running min/max (default true). false is River's bare
   * HalfSpaceTrees with its default limits: the features are taken as they come, expected in [0, 1].
   */
  scale?: boolean;
}

/** River's defaults (seed: the app's default random_state); scale is true unless given. */
export const HST_DEFAULTS = { n_trees: 10, height: 8, window_size: 250, seed: DEFAULT_SEED } as const satisfies HalfSpaceTreesOptions;

/** River's padding: split points avoid the outer 15% of a node's range on each side. */
const PADDING = 0.15;

/** The paper's size limit as a share of the window: the walk stops below 0.1 · window_size. */
const SIZE_LIMIT_SHARE = 0.1;

/** A saved HalfSpaceTrees (toJSON / fromJSON): the trees, both mass profiles, the window position and the scaler. */
export interface HalfSpaceTreesJSON {
  kind: 'half_space_trees';
  version: 1;
  features: number;
  n_trees: number;
  height: number;
  window_size: number;
  seed: number;
  /** Whether features are scaled by their running min/max (absent: true). */
  scale?: boolean;
  /** Per tree, per inner node (heap order): the split feature, and the split point in scaled units. */
  split_feature: number[];
  split_value: number[];
  /** Per tree, per node: counts over the window being filled and over the reference window. */
  l_mass: number[];
  r_mass: number[];
  /** Points learnt in the current window, and whether a first window has completed. */
  counter: number;
  first_window: boolean;
  /** Running min and max per feature of the points learnt (empty before the first). */
  min: number[];
  max: number[];
}

export class HalfSpaceTrees implements OnlineScorer {
  readonly nTrees: number;
  readonly height: number;
  readonly windowSize: number;
  readonly seed: number;
  readonly scaling: boolean;
  /** Nodes per tree, 2^(height+1) − 1; inner nodes per tree, 2^height − 1. */
  private readonly nodes: number;
  private readonly inner: number;
  private readonly splitFeature: Int32Array;
  private readonly splitValue: Float64Array;
  private lMass: Int32Array;
  private rMass: Int32Array;
  private counter = 0;
  private firstWindow = true;
  /** Whether the scaler has seen a point (its first sets min and max). */
  private ranged = false;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  /** The point being scored or learnt, scaled (reused: no allocation per point). */
  private readonly scaled: Float64Array;
  private readonly sizeLimit: number;
  private readonly maxScore: number;

  constructor(readonly features: number, options: Partial<HalfSpaceTreesOptions> = {}) {
    const o = { ...HST_DEFAULTS, ...options };
    checkInt('features', features, 1, 1_000_000);
    checkInt('n_trees', o.n_trees, 1, 10_000);
    checkInt('height', o.height, 1, 20);
    checkInt('window_size', o.window_size, 1, 1e9);
    if (!Number.isFinite(o.seed)) throw new TypeError(`seed must be a finite number, got: ${o.seed}`);
    this.nTrees = o.n_trees;
    this.height = o.height;
    this.windowSize = o.window_size;
    this.seed = o.seed;
    const scale = o.scale ?? true;
    if (typeof scale !== 'boolean') throw new TypeError(`scale must be true or false, got: ${String(scale)}`);
    this.scaling = scale;
    this.nodes = 2 ** (o.height + 1) - 1;
    this.inner = 2 ** o.height - 1;
    this.splitFeature = new Int32Array(this.nTrees * this.inner);
    this.splitValue = new Float64Array(this.nTrees * this.inner);
    this.lMass = new Int32Array(this.nTrees * this.nodes);
    this.rMass = new Int32Array(this.nTrees * this.nodes);
    this.min = new Float64Array(features);
    this.max = new Float64Array(features);
    this.scaled = new Float64Array(features);
    this.sizeLimit = SIZE_LIMIT_SHARE * this.windowSize;
    this.maxScore = this.nTrees * this.windowSize * this.nodes;
    this.reset();
  }

  /** The score of x (in [0, 1], higher = more anomalous; 0 during the first window) against the reference window. */
  scoreOne(x: ArrayLike<number>): number {
    if (this.firstWindow) return 0;
    const z = this.scaling ? this.scale(x) : x;
    const { splitFeature, splitValue, rMass, nodes, inner, height, sizeLimit } = this;
    let sum = 0;
    for (let t = 0; t < this.nTrees; t++) {
      const mo = t * nodes;
      const so = t * inner;
      let node = 0;
      let weight = 1;
      for (let depth = 0; ; depth++) {
        const m = rMass[mo + node];
        sum += m * weight;
        if (m < sizeLimit || depth === height) break;
        node = z[splitFeature[so + node]] < splitValue[so + node] ? 2 * node + 1 : 2 * node + 2;
        weight *= 2;
      }
    }
    return 1 - sum / this.maxScore;
  }

  /** Learn x: the running min/max take it, then it counts in l_mass along its path in every tree; the window pivots every window_size points. */
  learnOne(x: ArrayLike<number>): void {
    const { min, max, features } = this;
    if (!this.scaling) {
      // Bare River: nothing to learn for the scaler.
    } else if (!this.ranged) {
      for (let j = 0; j < features; j++) min[j] = max[j] = x[j];
      this.ranged = true;
    } else {
      for (let j = 0; j < features; j++) {
        const v = x[j];
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
      }
    }
    const z = this.scaling ? this.scale(x) : x;
    const { splitFeature, splitValue, lMass, nodes, inner, height } = this;
    for (let t = 0; t < this.nTrees; t++) {
      const mo = t * nodes;
      const so = t * inner;
      let node = 0;
      for (let depth = 0; ; depth++) {
        lMass[mo + node]++;
        if (depth === height) break;
        node = z[splitFeature[so + node]] < splitValue[so + node] ? 2 * node + 1 : 2 * node + 2;
      }
    }
    if (++this.counter === this.windowSize) {
      // Pivot: the filled window becomes the reference, and a new one starts empty.
      const reference = this.lMass;
      this.lMass = this.rMass.fill(0);
      this.rMass = reference;
      this.counter = 0;
      this.firstWindow = false;
    }
  }

  /** Forget everything: the trees the seed gives, empty masses, no scaler range (drift policy 'reset'). */
  reset(): void {
    this.lMass.fill(0);
    this.rMass.fill(0);
    this.counter = 0;
    this.firstWindow = true;
    this.ranged = false;
    this.min.fill(0);
    this.max.fill(0);
    buildTrees(this.splitFeature, this.splitValue, this.features, this.nTrees, this.height, new Random(this.seed));
  }

  /** Whether a first window has been learnt (before that every score is 0). */
  get warmedUp(): boolean {
    return !this.firstWindow;
  }

  toJSON(): HalfSpaceTreesJSON {
    const has = this.ranged && this.scaling;
    return {
      kind: 'half_space_trees',
      version: 1,
      features: this.features,
      n_trees: this.nTrees,
      height: this.height,
      window_size: this.windowSize,
      seed: this.seed,
      scale: this.scaling,
      split_feature: Array.from(this.splitFeature),
      split_value: Array.from(this.splitValue),
      l_mass: Array.from(this.lMass),
      r_mass: Array.from(this.rMass),
      counter: this.counter,
      first_window: this.firstWindow,
      min: has ? Array.from(this.min) : [],
      max: has ? Array.from(this.max) : [],
    };
  }

  /** A HalfSpaceTrees that continues exactly where `json` (from toJSON) left off; a malformed state is a TypeError naming the field. */
  static fromJSON(json: unknown): HalfSpaceTrees {
    const s = json as Partial<HalfSpaceTreesJSON> | null;
    if (!s || typeof s !== 'object' || s.kind !== 'half_space_trees') throw new TypeError('half_space_trees state: not a HalfSpaceTrees state');
    const hst = new HalfSpaceTrees(Number(s.features), { n_trees: Number(s.n_trees), height: Number(s.height), window_size: Number(s.window_size), seed: Number(s.seed), scale: s.scale ?? true });
    const nInner = hst.nTrees * hst.inner;
    const nNodes = hst.nTrees * hst.nodes;
    const ints = (name: keyof HalfSpaceTreesJSON, n: number, lo: number, hi: number): number[] => {
      const a = s[name];
      if (!Array.isArray(a) || a.length !== n || !a.every((v) => Number.isInteger(v) && v >= lo && v <= hi)) throw new TypeError(`half_space_trees state: ${name} must be ${n} integers in [${lo}, ${hi}]`);
      return a as number[];
    };
    const floats = (name: keyof HalfSpaceTreesJSON, n: number): number[] => {
      const a = s[name];
      if (!Array.isArray(a) || a.length !== n || !a.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new TypeError(`half_space_trees state: ${name} must be ${n} finite numbers`);
      return a as number[];
    };
    hst.splitFeature.set(ints('split_feature', nInner, 0, hst.features - 1));
    hst.splitValue.set(floats('split_value', nInner));
    hst.lMass.set(ints('l_mass', nNodes, 0, hst.windowSize));
    hst.rMass.set(ints('r_mass', nNodes, 0, hst.windowSize));
    if (!Number.isInteger(s.counter) || s.counter! < 0 || s.counter! >= hst.windowSize) throw new TypeError(`half_space_trees state: counter must be an integer in [0, ${hst.windowSize - 1}]`);
    if (typeof s.first_window !== 'boolean') throw new TypeError('half_space_trees state: first_window must be true or false');
    hst.counter = s.counter!;
    hst.firstWindow = s.first_window;
    const hasRange = Array.isArray(s.min) && s.min.length > 0;
    if (hasRange) {
      hst.min.set(floats('min', hst.features));
      hst.max.set(floats('max', hst.features));
      hst.ranged = true;
    } else if (hst.scaling && (!hst.firstWindow || hst.counter > 0)) {
      throw new TypeError('half_space_trees state: min and max are missing although points were learnt');
    }
    return hst;
  }

  /** x scaled by the running min/max into this.scaled ((x − min) / range; a range of 0 counts as 1). */
  private scale(x: ArrayLike<number>): Float64Array {
    const { min, max, scaled, features } = this;
    for (let j = 0; j < features; j++) {
      const range = max[j] - min[j];
      scaled[j] = range > 0 ? (x[j] - min[j]) / range : x[j] - min[j];
    }
    return scaled;
  }
}

/**
 * Draw every tree's splits, depth first as River's make_padded_tree (the node, then its whole left
 * subtree, then its right): the feature with probability ∝ its current range's width, the split
 * uniform in the range less PADDING on each side; children narrow that feature's range.
 */
function buildTrees(feature: Int32Array, value: Float64Array, features: number, nTrees: number, height: number, rng: Random): void {
  const inner = 2 ** height - 1;
  const low = new Float64Array(features);
  const high = new Float64Array(features).fill(1);
  const grow = (offset: number, node: number, level: number): void => {
    if (level === height) return;
    let total = 0;
    for (let j = 0; j < features; j++) total += high[j] - low[j];
    let u = rng.float() * total;
    let f = 0;
    for (; f < features - 1; f++) {
      const width = high[f] - low[f];
      if (u < width) break;
      u -= width;
    }
    const a = low[f];
    const b = high[f];
    const at = rng.uniform(a + PADDING * (b - a), b - PADDING * (b - a));
    feature[offset + node] = f;
    value[offset + node] = at;
    high[f] = at;
    grow(offset, 2 * node + 1, level + 1);
    high[f] = b;
    low[f] = at;
    grow(offset, 2 * node + 2, level + 1);
    low[f] = a;
  };
  for (let t = 0; t < nTrees; t++) grow(t * inner, 0, 0);
}

function checkInt(name: string, v: number, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${name} must be an integer, got: ${v}`);
  if (v < lo || v > hi) throw new RangeError(`${name} must be in [${lo}, ${hi}], got: ${v}`);
}
