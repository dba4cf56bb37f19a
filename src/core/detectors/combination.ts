/**
 * Combining detectors' scores, after PyOD (pyod/models/combination.py and pyod/utils/utility.py's
 * standardizer): pure functions over a score matrix of shape (rows, members), one column per
 * member, higher = more anomalous, and the normalisers that put each member's scores on one scale
 * first.
 *
 * Normalisers are fitted on a member's training scores and applied to any scores of it:
 *   - zscore: (s − mean) / std of the training scores (PyOD's standardizer, scikit-learn's
 *     StandardScaler: population std, a zero std counts as 1);
 *   - minmax: (s − min) / (max − min) of the training scores (MinMaxScaler; a zero range counts as 1);
 *   - rank: the training scores' ECDF at s, the share of training scores ≤ s, in [0, 1].
 *
 * Combinations, each row on its own:
 *   - average: the mean over members; weighted: Σ wᵢ·sᵢ / Σ wᵢ (PyOD's average with estimator_weights);
 *   - maximization: the largest; median: numpy's median (the mean of the two middle ones when even);
 *   - aom (average of maximum): members split into buckets, each bucket's maximum, their mean;
 *   - moa (maximum of average): each bucket's mean, their maximum.
 * Buckets: PyOD's default method 'static' without bootstrap: the members' order shuffled with the
 * seed, then cut into n_buckets consecutive equal parts (n_buckets must divide the member count,
 * 2 ≤ n_buckets ≤ members, as PyOD checks). The shuffle is ours (src/core/random.ts), not numpy's.
 *
 * @example
 * combine('aom', [[1, 2, 3, 4]], { buckets: [[0, 1], [2, 3]] }); // [(2 + 4) / 2] = [3]
 */
import { Random } from '../random.js';
import { countAtMost } from '../metrics/quantile.js';

export type NormalizeKind = 'zscore' | 'minmax' | 'rank';
export type CombineKind = 'average' | 'maximization' | 'median' | 'aom' | 'moa' | 'weighted';

/** A fitted normaliser, as saved in an ensemble's model file. */
export type Normalizer =
  | { kind: 'zscore'; mean: number; std: number }
  | { kind: 'minmax'; min: number; max: number }
  | { kind: 'rank'; sorted: number[] };

/** Fit a normaliser on a member's training scores (at least one). */
export function fitNormalizer(kind: NormalizeKind, train: ArrayLike<number>): Normalizer {
  const n = train.length;
  if (n < 1) throw new RangeError('a normaliser needs at least one training score');
  switch (kind) {
    case 'zscore': {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += train[i];
      mean /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (train[i] - mean) ** 2;
      return { kind, mean, std: Math.sqrt(ss / n) };
    }
    case 'minmax': {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        if (train[i] < min) min = train[i];
        if (train[i] > max) max = train[i];
      }
      return { kind, min, max };
    }
    case 'rank':
      return { kind, sorted: Array.from(Float64Array.from(train).sort()) };
    default:
      throw new RangeError(`normalize must be one of zscore, minmax, rank, got: ${JSON.stringify(kind)}`);
  }
}

/** Apply a fitted normaliser to scores; a new array. */
export function applyNormalizer(norm: Normalizer, scores: ArrayLike<number>): Float64Array {
  const out = new Float64Array(scores.length);
  switch (norm.kind) {
    case 'zscore': {
      // scikit-learn's _handle_zeros_in_scale: a constant member divides by 1.
      const s = norm.std === 0 ? 1 : norm.std;
      for (let i = 0; i < out.length; i++) out[i] = (scores[i] - norm.mean) / s;
      return out;
    }
    case 'minmax': {
      const r = norm.max - norm.min === 0 ? 1 : norm.max - norm.min;
      for (let i = 0; i < out.length; i++) out[i] = (scores[i] - norm.min) / r;
      return out;
    }
    case 'rank': {
      const n = norm.sorted.length;
      for (let i = 0; i < out.length; i++) out[i] = countAtMost(norm.sorted, scores[i]) / n;
      return out;
    }
    default:
      throw new TypeError(`unknown normaliser ${JSON.stringify(norm)}`);
  }
}

/**
 * PyOD's 'static' buckets: member indices 0…members−1 shuffled (Fisher–Yates on the seeded stream)
 * and cut into nBuckets consecutive parts of members / nBuckets each.
 */
export function staticBuckets(members: number, nBuckets: number, seed: number): number[][] {
  if (!Number.isInteger(nBuckets) || nBuckets < 2 || nBuckets > members) throw new RangeError(`n_buckets must be in 2…${members} (the number of members), got: ${nBuckets}`);
  if (members % nBuckets !== 0) throw new RangeError(`n_buckets (${nBuckets}) must divide the number of members (${members}) without a remainder, as PyOD's static buckets do`);
  const order = Array.from({ length: members }, (_, i) => i);
  const rng = new Random(seed);
  for (let i = members - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const size = members / nBuckets;
  return Array.from({ length: nBuckets }, (_, b) => order.slice(b * size, (b + 1) * size));
}

export interface CombineOptions {
  /** aom / moa: the buckets of member indices (staticBuckets). */
  buckets?: number[][];
  /** weighted: one non-negative weight per member, not all 0. */
  weights?: readonly number[];
}

/**
 * Combine the members' (normalised) scores row by row. `columns[j]` holds member j's scores, all of
 * one length; returns shape (rows,), higher = more anomalous.
 */
export function combine(kind: CombineKind, columns: readonly ArrayLike<number>[], options: CombineOptions = {}): Float64Array {
  const m = columns.length;
  if (m < 1) throw new RangeError('combine needs at least one member');
  const rows = columns[0].length;
  for (const c of columns) if (c.length !== rows) throw new RangeError(`members scored different numbers of rows (${rows} and ${c.length})`);
  const out = new Float64Array(rows);
  const row = new Float64Array(m);
  const meanOf = (idx: readonly number[]) => {
    let s = 0;
    for (const j of idx) s += row[j];
    return s / idx.length;
  };
  const maxOf = (idx: readonly number[]) => {
    let s = -Infinity;
    for (const j of idx) if (row[j] > s) s = row[j];
    return s;
  };
  const all = Array.from({ length: m }, (_, j) => j);
  let weights: readonly number[] = [];
  let wsum = 0;
  if (kind === 'weighted') {
    weights = options.weights?.length ? options.weights : all.map(() => 1);
    if (weights.length !== m) throw new RangeError(`weights has ${weights.length} entr${weights.length === 1 ? 'y' : 'ies'}, members ${m}: give one weight per member`);
    wsum = weights.reduce((a, b) => a + b, 0);
    if (!(wsum > 0)) throw new RangeError('weights must not all be 0');
  }
  const buckets = options.buckets;
  if ((kind === 'aom' || kind === 'moa') && !buckets?.length) throw new RangeError(`${kind} needs buckets of members`);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < m; j++) row[j] = columns[j][i];
    switch (kind) {
      case 'average':
        out[i] = meanOf(all);
        break;
      case 'maximization':
        out[i] = maxOf(all);
        break;
      case 'median': {
        const s = Float64Array.from(row).sort();
        out[i] = m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
        break;
      }
      case 'weighted': {
        let s = 0;
        for (let j = 0; j < m; j++) s += row[j] * weights[j];
        out[i] = s / wsum;
        break;
      }
      case 'aom': {
        let s = 0;
        for (const b of buckets!) s += maxOf(b);
        out[i] = s / buckets!.length;
        break;
      }
      case 'moa': {
        let s = -Infinity;
        for (const b of buckets!) s = Math.max(s, meanOf(b));
        out[i] = s;
        break;
      }
      default:
        throw new RangeError(`combine must be one of average, maximization, median, aom, moa, weighted, got: ${JSON.stringify(kind)}`);
    }
  }
  return out;
}
