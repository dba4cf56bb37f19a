/**
 * Isolation Forest, as scikit-learn's `IsolationForest` (Liu, Ting & Zhou 2008).
 *
 * Each of `n_estimators` trees is grown on `max_samples` rows drawn without
 * replacement (with, if `bootstrap`): at every node a feature is drawn at
 * random among those not constant in the node, and a split uniformly between
 * the node's min and max of it (rows ≤ split go left), down to
 * ceil(log2(max_samples)) levels or a single row. A row's path length in a
 * tree is its depth plus c(n_leaf), the average path length of an unsuccessful
 * BST search among the n_leaf training rows left in its leaf (c(1) = 0,
 * c(2) = 1). Then
 *   score_samples = −2^(−E[h(x)] / c(max_samples))   (lower = more abnormal)
 *   decision_function = score_samples − offset_       (negative = outlier)
 * with offset_ = −0.5 for contamination 'auto', else the contamination
 * percentile of the training rows' score_samples. Our `score` is
 * −score_samples (higher = more anomalous) and the threshold is −offset_.
 *
 * The fitted forest lives in flat typed arrays (one entry per node, trees
 * back to back). Scoring walks a block of rows through one tree at a time, so
 * a tree stays in L1 cache; on a GPU backend it runs as tfjs gathers, one per
 * depth level over rows × trees.
 *
 * @example
 * const model = await iforest.fit(X, resolveParams(iforest.params), { seed: 42 });
 * const scores = await model.score(X); // higher = more anomalous
 */
import { useTensorPath } from '../compute/backend.js';
import type { Matrix } from '../data/matrix.js';
import { DEFAULT_SEED, Random } from '../random.js';
import { Scores, checkFeatures, checkModelJSON, checkTraining, decisionFromScores, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import { parseSize, type Params, type ParamSpec, type ParamValue } from './params.js';
import { iforestMeta } from './specs.js';

const sizeSpec = (name: string): ParamSpec => iforestMeta.params.find((p) => p.name === name)!;
const MAX_SAMPLES = sizeSpec('max_samples');
const MAX_FEATURES = sizeSpec('max_features');
import { contaminationRule, fitThreshold, needsScores } from './threshold.js';

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search
 * tree of n points — the normaliser of Isolation Forest. c(0) = c(1) = 0, c(2) = 1.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * 2^(−x) for x ≥ 0 from + − × ÷ alone, so that every JavaScript engine gives
 * the same double: Math.pow differs in the last bit between V8 versions (the
 * page's Chromium and the CLI's Node disagreed on 1 score in 10). e^y by
 * Horner's rule over |y| < ln 2 (22 terms: well past double precision), times
 * an exact power of two. Within a few ulps of the true value.
 */
export function pow2neg(x: number): number {
  if (!(x >= 0)) return x === x ? Math.pow(2, -x) : NaN;
  // 2^(−1076) and below round to 0; also ends at once for x = ∞ (a loop of k halvings would not).
  if (x >= 1076) return 0;
  const k = Math.floor(x);
  const y = -(x - k) * Math.LN2;
  let e = 1;
  for (let n = 22; n >= 1; n--) e = 1 + (y * e) / n;
  for (let i = 0; i < k; i++) e *= 0.5;
  return e;
}

/** max_samples as scikit-learn resolves it: 'auto' = min(256, n); a fraction of n; a count clipped to n. */
export function resolveMaxSamples(maxSamples: ParamValue, n: number): { value: number; warning?: string } {
  const size = parseSize(MAX_SAMPLES, maxSamples);
  if (size === 'auto') return { value: Math.min(256, n) };
  if (size.fraction) {
    // scikit-learn: int(max_samples * n), which fails later (in numpy) when that is 0; said plainly here.
    const value = Math.floor(size.value * n);
    if (value < 1) throw new RangeError(`max_samples ${String(maxSamples)} of ${n} row${n === 1 ? '' : 's'} is 0 rows: give a larger fraction or a count`);
    return { value };
  }
  const v = size.value;
  if (v > n) return { value: n, warning: `max_samples (${v}) is greater than the number of rows (${n}); ${n} is used for all trees` };
  return { value: v };
}

/** The depth limit of every tree: ceil(log2(max(max_samples, 2))). */
export function depthLimit(maxSamples: number): number {
  return Math.ceil(Math.log2(Math.max(maxSamples, 2)));
}

/** The distinct values of a row draw, ascending. */
function distinct(rows: Int32Array): Int32Array {
  rows.sort();
  let k = 0;
  for (let i = 0; i < rows.length; i++) if (i === 0 || rows[i] !== rows[i - 1]) rows[k++] = rows[i];
  return rows.slice(0, k);
}

/** The flat forest: node arrays for all trees back to back. A leaf has feature −1. */
interface Forest {
  /** Offset of each tree's root in the node arrays; length n_estimators + 1. */
  offsets: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** Left child index, relative to the tree's offset; right child = left + 1. */
  left: Int32Array;
  /** At a leaf: depth + c(n_leaf). */
  value: Float64Array;
}

interface IForestState {
  maxSamples: number;
  maxDepth: number;
  offset: number;
  forest: { offsets: number[]; feature: number[]; threshold: number[]; left: number[]; value: number[] };
}

export const iforest: DetectorSpec = {
  ...iforestMeta,
  async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
    const n = X.rows;
    const d = X.cols;
    checkTraining(X, 'Isolation Forest');
    const nEstimators = Number(params.n_estimators);
    const ms = resolveMaxSamples(params.max_samples, n);
    const mf = parseSize(MAX_FEATURES, params.max_features) as { fraction: boolean; value: number };
    if (!mf.fraction && mf.value > d) throw new RangeError(`max_features must be at most the number of columns (${d}), got: ${String(params.max_features)}`);
    const nFeatures = mf.fraction ? Math.max(1, Math.floor(mf.value * d)) : mf.value;
    const maxSamples = ms.value;
    const maxDepth = depthLimit(maxSamples);
    const rng = new Random(options.seed ?? DEFAULT_SEED);
    const builder = new ForestBuilder(X, maxSamples, maxDepth);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const featPerm = new Int32Array(d);
    for (let j = 0; j < d; j++) featPerm[j] = j;
    for (let t = 0; t < nEstimators; t++) {
      if (t % 8 === 0) {
        throwIfAborted(options.signal);
        options.onProgress?.(t / nEstimators, 'growing trees');
      }
      // Rows of this tree: partial Fisher–Yates over a running permutation (uniform, O(max_samples)).
      let rows: Int32Array = new Int32Array(maxSamples);
      if (params.bootstrap === true) {
        for (let i = 0; i < maxSamples; i++) rows[i] = rng.int(n);
        // scikit-learn fits a bootstrap draw as sample weights: a row drawn twice is one row of
        // weight 2, so a tree grows on the distinct rows and a leaf counts them (n_node_samples).
        rows = distinct(rows);
      } else {
        rng.partialShuffle(perm, maxSamples);
        rows.set(perm.subarray(0, maxSamples));
      }
      let feats: Int32Array;
      if (nFeatures === d) feats = featPerm;
      else {
        rng.partialShuffle(featPerm, nFeatures);
        feats = featPerm.slice(0, nFeatures).sort();
      }
      builder.grow(rows, feats, rng);
    }
    const forest = builder.finish();
    const model = new IForestModel(params, d, maxSamples, maxDepth, 0, forest, ms.warning ? [ms.warning] : []);
    // scikit-learn's offset_: −0.5 (the paper's) for 'auto', else the contamination percentile of the training rows' score_samples.
    const rule = contaminationRule('sklearn_offset', params.contamination, 0.5);
    if (!needsScores(rule)) return model.withOffset(fitThreshold(rule).offset);
    const scores = await model.score(X, { signal: options.signal, backend: 'cpu' });
    options.onProgress?.(1, 'fitted');
    return model.withOffset(fitThreshold(rule, scores).offset, scores);
  },
  load(json: ModelJSON): FittedModel {
    const m = checkModelJSON(json, 'iforest');
    const s = m.state as IForestState;
    const f = s?.forest;
    if (!f || !Array.isArray(f.offsets) || !Array.isArray(f.feature) || f.feature.length !== f.threshold.length) throw new TypeError('Isolation Forest model state is malformed');
    const forest: Forest = {
      offsets: Int32Array.from(f.offsets),
      feature: Int32Array.from(f.feature),
      threshold: Float64Array.from(f.threshold, (v) => (v === null ? NaN : v)),
      left: Int32Array.from(f.left),
      value: Float64Array.from(f.value),
    };
    return new IForestModel(m.params, m.features, s.maxSamples, s.maxDepth, s.offset, forest, []);
  },
};

/** Grows trees into growing flat arrays. */
class ForestBuilder {
  private offsets: number[] = [0];
  private feature: number[] = [];
  private threshold: number[] = [];
  private left: number[] = [];
  private value: number[] = [];
  private readonly cols: Float64Array; // the tree's rows, column-major: cols[f * k + i]
  private readonly idx: Int32Array;

  constructor(private readonly X: Matrix, private readonly maxSamples: number, private readonly maxDepth: number) {
    this.cols = new Float64Array(maxSamples * X.cols);
    this.idx = new Int32Array(maxSamples);
  }

  grow(rows: Int32Array, feats: Int32Array, rng: Random): void {
    const { X, cols, idx } = this;
    const k = rows.length;
    const d = X.cols;
    for (let i = 0; i < k; i++) {
      const base = rows[i] * d;
      for (let f = 0; f < d; f++) cols[f * k + i] = X.data[base + f];
      idx[i] = i;
    }
    const start = this.feature.length;
    const candidates = Int32Array.from(feats);
    // Breadth of the tree is small (≤ 2·max_samples nodes): a stack of pending nodes.
    const stack: { node: number; lo: number; hi: number; depth: number }[] = [];
    const newNode = () => {
      this.feature.push(-1);
      this.threshold.push(0);
      this.left.push(-1);
      this.value.push(0);
      return this.feature.length - 1 - start;
    };
    stack.push({ node: newNode(), lo: 0, hi: k, depth: 0 });
    while (stack.length) {
      const { node, lo, hi, depth } = stack.pop()!;
      const size = hi - lo;
      const at = start + node;
      let split = -1;
      let thr = 0;
      if (depth < this.maxDepth && size > 1) {
        // Draw features without replacement until one is not constant here (scikit-learn's random splitter).
        let remaining = candidates.length;
        while (remaining > 0) {
          const pick = rng.int(remaining);
          const f = candidates[pick];
          candidates[pick] = candidates[remaining - 1];
          candidates[remaining - 1] = f;
          remaining--;
          let mn = Infinity;
          let mx = -Infinity;
          const colBase = f * k;
          for (let i = lo; i < hi; i++) {
            const v = cols[colBase + idx[i]];
            if (v < mn) mn = v;
            if (v > mx) mx = v;
          }
          if (mx > mn) {
            const u = rng.float();
            // mx − mn overflows for values near ±1.8e308: the same point as a weighted mean then (Infinity · 0 would be NaN).
            thr = mx - mn < Infinity ? mn + (mx - mn) * u : mn * (1 - u) + mx * u;
            if (thr >= mx) thr = mn; // rounding reached the max: keep the right side non-empty
            split = f;
            break;
          }
        }
      }
      if (split < 0) {
        // A leaf: depth + c(n_leaf) (c(1) = 0, c(2) = 1).
        this.value[at] = depth + averagePathLength(size);
        continue;
      }
      // Partition idx[lo, hi): rows with x ≤ thr first.
      const colBase = split * k;
      let i = lo;
      let j = hi - 1;
      while (i <= j) {
        if (cols[colBase + idx[i]] <= thr) i++;
        else {
          const tmp = idx[i];
          idx[i] = idx[j];
          idx[j] = tmp;
          j--;
        }
      }
      const l = newNode();
      newNode(); // right = l + 1
      this.feature[at] = split;
      this.threshold[at] = thr;
      this.left[at] = l;
      stack.push({ node: l + 1, lo: i, hi, depth: depth + 1 });
      stack.push({ node: l, lo, hi: i, depth: depth + 1 });
    }
    this.offsets.push(this.feature.length);
  }

  finish(): Forest {
    return {
      offsets: Int32Array.from(this.offsets),
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      value: Float64Array.from(this.value),
    };
  }
}

class IForestModel implements FittedModel {
  readonly detector = 'iforest';
  /** score_samples = −score. */
  readonly scoreSamplesOffset = 0;
  readonly info: ModelInfo;
  readonly threshold: number;
  trainingScores?: Float64Array;
  /** The complete layout, built on first use (null where too large). */
  private complete: CompleteForest | null | undefined;

  constructor(
    readonly params: Params,
    readonly features: number,
    readonly maxSamples: number,
    readonly maxDepth: number,
    readonly offset: number,
    private readonly forest: Forest,
    warnings: string[],
  ) {
    this.threshold = -offset;
    const trees = forest.offsets.length - 1;
    this.info = {
      compute: 'float64 typed arrays',
      warnings,
      details: { max_samples_: maxSamples, max_depth: maxDepth, offset_: offset, n_estimators: trees, nodes: forest.feature.length },
    };
  }

  /** A copy of this model with offset_ (and the training scores) set. */
  withOffset(offset: number, trainingScores?: Float64Array): IForestModel {
    const m = new IForestModel(this.params, this.features, this.maxSamples, this.maxDepth, offset, this.forest, this.info.warnings);
    m.trainingScores = trainingScores;
    return m;
  }

  /** −score_samples: higher = more anomalous, in (0, 1]. */
  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'Isolation Forest');
    if (this.complete === undefined) this.complete = completeLayout(this.forest, this.maxDepth);
    const useTensor = !!this.complete && useTensorPath(options);
    const depths = useTensor ? await meanPathTensor(this.complete!, X, options) : meanPathTyped(this.forest, this.complete, X, options);
    const norm = averagePathLength(this.maxSamples);
    const out = new Float64Array(X.rows);
    // max_samples_ = 1: c(1) = 0 and every depth is 0; scikit-learn then takes the ratio as 1, so
    // every score_samples is −0.5 (decision_function 0 with offset_ −0.5), not 0/0.
    if (norm === 0) out.fill(0.5);
    else for (let i = 0; i < X.rows; i++) out[i] = pow2neg(depths[i] / norm);
    return Scores.with(out, useTensor ? `tfjs ${options.backend ?? 'tensor'} gathers (float32)` : this.info.compute);
  }

  /** scikit-learn's decision_function: score_samples − offset_, negative = outlier. */
  async decisionFunction(X: Matrix, options: ScoreOptions = {}): Promise<Float64Array> {
    return decisionFromScores(this, await this.score(X, options))!;
  }

  toJSON(): ModelJSON {
    const f = this.forest;
    const state: IForestState = {
      maxSamples: this.maxSamples,
      maxDepth: this.maxDepth,
      offset: this.offset,
      forest: { offsets: Array.from(f.offsets), feature: Array.from(f.feature), threshold: Array.from(f.threshold), left: Array.from(f.left), value: Array.from(f.value) },
    };
    return { format: 'anomaly-lab-model', version: 1, detector: 'iforest', params: this.params, threshold: this.threshold, features: this.features, state };
  }
}

/**
 * The forest laid out complete: in tree t, node p has children 2p+1 and 2p+2;
 * a leaf above the last level becomes a chain of pass-through nodes (threshold
 * +∞, so rows go left) down to the last level, where the leftmost descendant
 * holds the leaf's value. Every row then takes exactly max_depth steps with no
 * branch on the data — the form that is fast on a CPU (no mispredicted
 * branches) and that maps onto tensor gathers.
 */
interface CompleteForest {
  trees: number;
  depth: number;
  /** 2^depth − 1 */
  internal: number;
  feature: Int32Array;
  threshold: Float64Array;
  /** trees × 2^depth leaf values (depth + c(n_leaf)). */
  value: Float64Array;
}

/** Entries above which the complete layout is not built (memory); the pointer walk is used. */
const MAX_COMPLETE_NODES = 1 << 22;

function completeLayout(forest: Forest, depth: number): CompleteForest | null {
  const trees = forest.offsets.length - 1;
  // 2^depth entries per tree exceed the cap from depth 22 on (and 1 << depth wraps from 31).
  if (depth > 21) return null;
  const internal = (1 << depth) - 1;
  const leaves = 1 << depth;
  if ((internal + leaves) * trees > MAX_COMPLETE_NODES) return null;
  const feature = new Int32Array(trees * internal);
  const threshold = new Float64Array(trees * internal).fill(Infinity);
  const value = new Float64Array(trees * leaves);
  const stack: number[] = [];
  for (let t = 0; t < trees; t++) {
    const base = forest.offsets[t];
    stack.push(base, 0, 0);
    while (stack.length) {
      const d = stack.pop()!;
      const pos = stack.pop()!;
      const node = stack.pop()!;
      const f = forest.feature[node];
      if (f < 0) {
        let p = pos;
        for (let k = d; k < depth; k++) p = 2 * p + 1; // pass-through entries keep feature 0, threshold +∞
        value[t * leaves + (p - internal)] = forest.value[node];
        continue;
      }
      feature[t * internal + pos] = f;
      threshold[t * internal + pos] = forest.threshold[node];
      const l = base + forest.left[node];
      stack.push(l, 2 * pos + 1, d + 1, l + 1, 2 * pos + 2, d + 1);
    }
  }
  return { trees, depth, internal, feature, threshold, value };
}

/** Rows per block: the block's rows and one tree stay in L1/L2 cache together. */
const BLOCK = 256;

/** Mean path length per row, typed arrays: blocks of rows, one tree at a time. */
function meanPathTyped(forest: Forest, complete: CompleteForest | null, X: Matrix, options: ScoreOptions): Float64Array {
  const out = complete ? sumPathsComplete(complete, X, options) : sumPathsPointer(forest, X, options);
  const trees = forest.offsets.length - 1;
  for (let r = 0; r < X.rows; r++) out[r] /= trees;
  return out;
}

function sumPathsComplete(c: CompleteForest, X: Matrix, options: ScoreOptions): Float64Array {
  const { trees, depth, internal, feature, threshold, value } = c;
  const leaves = internal + 1;
  const { data, rows, cols } = X;
  const out = new Float64Array(rows);
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let t = 0; t < trees; t++) {
      const fb = t * internal;
      const lb = t * leaves - internal;
      let r = start;
      // Four rows at a time: four independent load chains hide each other's latency.
      // +(a > b) is a branch-free 0/1: the direction of a split is a coin flip to the branch predictor.
      for (; r + 3 < end; r += 4) {
        const a0 = r * cols;
        const a1 = a0 + cols;
        const a2 = a1 + cols;
        const a3 = a2 + cols;
        let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        for (let k = 0; k < depth; k++) {
          const q0 = fb + p0, q1 = fb + p1, q2 = fb + p2, q3 = fb + p3;
          p0 = 2 * p0 + 1 + +(data[a0 + feature[q0]] > threshold[q0]);
          p1 = 2 * p1 + 1 + +(data[a1 + feature[q1]] > threshold[q1]);
          p2 = 2 * p2 + 1 + +(data[a2 + feature[q2]] > threshold[q2]);
          p3 = 2 * p3 + 1 + +(data[a3 + feature[q3]] > threshold[q3]);
        }
        out[r] += value[lb + p0];
        out[r + 1] += value[lb + p1];
        out[r + 2] += value[lb + p2];
        out[r + 3] += value[lb + p3];
      }
      for (; r < end; r++) {
        const a = r * cols;
        let p = 0;
        for (let k = 0; k < depth; k++) {
          const q = fb + p;
          p = 2 * p + 1 + +(data[a + feature[q]] > threshold[q]);
        }
        out[r] += value[lb + p];
      }
    }
    if ((start / BLOCK) % 128 === 127) {
      throwIfAborted(options.signal);
      options.onProgress?.(end / rows);
    }
  }
  return out;
}

function sumPathsPointer(forest: Forest, X: Matrix, options: ScoreOptions): Float64Array {
  const { offsets, feature, threshold, left, value } = forest;
  const trees = offsets.length - 1;
  const { data, rows, cols } = X;
  const out = new Float64Array(rows);
  for (let start = 0; start < rows; start += BLOCK) {
    const end = Math.min(rows, start + BLOCK);
    for (let t = 0; t < trees; t++) {
      const base = offsets[t];
      for (let r = start; r < end; r++) {
        const rowBase = r * cols;
        let node = base;
        let f = feature[node];
        while (f >= 0) {
          node = base + left[node] + +(data[rowBase + f] > threshold[node]);
          f = feature[node];
        }
        out[r] += value[node];
      }
    }
    if ((start / BLOCK) % 128 === 127) {
      throwIfAborted(options.signal);
      options.onProgress?.(end / rows);
    }
  }
  return out;
}

/**
 * Mean path length per row as tfjs ops over the complete layout: max_depth
 * rounds of gathers over rows × trees. float32 on the GPU: thresholds, data
 * and leaf values are rounded, so scores agree with the float64 path to ~1e-6
 * (a row exactly at a rounded threshold may take the other branch).
 */
async function meanPathTensor(c: CompleteForest, X: Matrix, options: ScoreOptions): Promise<Float64Array> {
  const tf = await import('@tensorflow/tfjs-core');
  const { trees, depth, internal } = c;
  const leaves = internal + 1;
  const [featT, thrT, valT, treeBase, leafBase] = tf.tidy(() => [
    tf.tensor1d(c.feature, 'int32'),
    tf.tensor1d(Float32Array.from(c.threshold), 'float32'),
    tf.tensor1d(Float32Array.from(c.value), 'float32'),
    tf.reshape(tf.mul(tf.range(0, trees, 1, 'int32'), tf.scalar(internal, 'int32')), [1, trees]),
    tf.reshape(tf.sub(tf.mul(tf.range(0, trees, 1, 'int32'), tf.scalar(leaves, 'int32')), tf.scalar(internal, 'int32')), [1, trees]),
  ]);
  const out = new Float64Array(X.rows);
  // Rows per call: large enough that per-op overhead does not dominate, small enough for GPU memory.
  const chunk = Math.max(256, Math.floor((1 << 22) / trees));
  try {
    for (let start = 0; start < X.rows; start += chunk) {
      throwIfAborted(options.signal);
      const end = Math.min(X.rows, start + chunk);
      const b = end - start;
      const mean = tf.tidy(() => {
        const x = tf.tensor1d(Float32Array.from(X.data.subarray(start * X.cols, end * X.cols)), 'float32');
        const rowBase = tf.reshape(tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(X.cols, 'int32')), [b, 1]);
        const one = tf.scalar(1, 'int32');
        const two = tf.scalar(2, 'int32');
        let pos: import('@tensorflow/tfjs-core').Tensor = tf.zeros([b, trees], 'int32');
        for (let level = 0; level < depth; level++) {
          const g = tf.reshape(tf.add(pos, treeBase), [-1]);
          const f = tf.reshape(tf.gather(featT, g), [b, trees]);
          const t = tf.reshape(tf.gather(thrT, g), [b, trees]);
          const xv = tf.reshape(tf.gather(x, tf.reshape(tf.add(rowBase, f), [-1])), [b, trees]);
          pos = tf.add(tf.add(tf.mul(pos, two), one), tf.cast(tf.greater(xv, t), 'int32'));
        }
        const leaf = tf.reshape(tf.add(pos, leafBase), [-1]);
        return tf.mean(tf.reshape(tf.gather(valT, leaf), [b, trees]), 1);
      });
      const values = (await mean.data()) as Float32Array;
      mean.dispose();
      out.set(values, start);
      options.onProgress?.(end / X.rows);
    }
  } finally {
    tf.dispose([featT, thrT, valT, treeBase, leafBase]);
  }
  return out;
}

