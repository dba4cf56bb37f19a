/**
 * Comparing detectors run on the same rows: how their rankings agree (Spearman's rank correlation),
 * how their flagged sets overlap (Jaccard at a common contamination), and how a detector's metrics
 * move between seeds (mean ± sd, and a band around its curves).
 *
 * Conventions, so that scipy / numpy / scikit-learn give the same numbers:
 *   - ranks: scipy.stats.rankdata's 'average' (ties share the mean of their positions, from 1);
 *   - Spearman: Pearson's correlation of those ranks (scipy.stats.spearmanr); NaN when either
 *     detector gives every row the same score (scipy warns and returns nan);
 *   - flagged at contamination c: score > numpy.percentile(scores, 100·(1 − c)) (PyOD's threshold_,
 *     the rule every detector's contamination uses);
 *   - Jaccard: |A ∩ B| / |A ∪ B| = 1 − scipy.spatial.distance.jaccard; 1 when both are empty;
 *   - seeds: mean and the sample standard deviation (numpy.std(ddof=1); 0 for one seed);
 *   - curve bands: each seed's curve interpolated linearly on a common grid (numpy.interp, as
 *     scikit-learn's cross-validated ROC example), then mean ± sd per grid point.
 *
 * @example
 * spearman([1, 2, 3, 4], [10, 20, 40, 30]); // 0.8
 * jaccard(flaggedAt([0.1, 0.9, 0.8, 0.2], 0.5), flaggedAt([0.9, 0.8, 0.1, 0.2], 0.5)); // 1 / 3
 */
import { thresholdFromContamination } from './quantile.js';

/** scipy.stats.rankdata(v, method='average'): ranks from 1, ties given the mean of their positions. */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b] || a - b);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && v[order[j]] === v[order[i]]) j++;
    // positions i…j−1 (0-based) share rank mean(i+1 … j) = (i + 1 + j) / 2.
    const r = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = r;
    i = j;
  }
  return ranks;
}

/** Pearson's correlation; NaN when either vector is constant (or shorter than 2). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`pearson: lengths differ (${n} and ${b.length})`);
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  // Rounding can push |r| a hair past 1 (scipy clips too).
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

/** Spearman's rank correlation (scipy.stats.spearmanr's statistic) of two detectors' scores of the same rows. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`spearman: the two score lists have different lengths (${a.length} and ${b.length})`);
  return pearson(averageRanks(a), averageRanks(b));
}

/** The Spearman matrix of several detectors' scores (symmetric, 1 on the diagonal unless a detector is constant). */
export function spearmanMatrix(scores: readonly ArrayLike<number>[]): number[][] {
  const ranks = scores.map(averageRanks);
  // The diagonal: 1, or NaN for a detector that scores every row alike (no ranking to correlate).
  return ranks.map((ri, i) => ranks.map((rj, j) => (i === j ? (Number.isNaN(pearson(ri, ri)) ? NaN : 1) : pearson(ri, rj))));
}

/** Rows flagged at contamination c: score > numpy.percentile(scores, 100·(1 − c)) (PyOD's threshold_). */
export function flaggedAt(scores: ArrayLike<number>, contamination: number): Uint8Array {
  if (!(contamination > 0 && contamination < 1)) throw new RangeError(`contamination must be in (0, 1), got: ${contamination}`);
  const t = thresholdFromContamination(scores, contamination);
  return Uint8Array.from(scores as ArrayLike<number>, (s) => (s > t ? 1 : 0));
}

/** Jaccard index |A ∩ B| / |A ∪ B| of two flag vectors (1 − scipy's jaccard distance); 1 when both flag nothing. */
export function jaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`jaccard: lengths differ (${a.length} and ${b.length})`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Jaccard of every pair of detectors' flagged sets at one contamination. */
export function jaccardMatrix(scores: readonly ArrayLike<number>[], contamination: number): number[][] {
  const flags = scores.map((s) => flaggedAt(s, contamination));
  return flags.map((fi) => flags.map((fj) => jaccard(fi, fj)));
}

/**
 * Per row, how many detectors flag it (each at its own threshold or a common contamination):
 * 0 = none, all = every one; in between = disagreement.
 */
export function flagVotes(flags: readonly ArrayLike<number>[]): Uint8Array {
  const n = flags[0]?.length ?? 0;
  const out = new Uint8Array(n);
  for (const f of flags) {
    if (f.length !== n) throw new RangeError('flagVotes: flag vectors of different lengths');
    for (let i = 0; i < n; i++) if (f[i]) out[i]++;
  }
  return out;
}

/** Mean and sample standard deviation (numpy.std(ddof=1)); sd 0 for one value. */
export interface MeanSd {
  mean: number;
  sd: number;
  n: number;
}

export function meanSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  // Identical values (a deterministic detector over seeds): exactly that value and sd 0, where the
  // rounded mean would leave an sd of ~1e-17.
  if (n === 1 || values.every((v) => v === values[0])) return { mean: values[0], sd: 0, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/**
 * Seed aggregation: one metrics record per seed → each metric's mean ± sd over the seeds. A metric
 * that is null (undefined without labels) for any seed is null.
 */
export function aggregateSeeds<K extends string>(runs: readonly Record<K, number | null>[], keys: readonly K[]): Record<K, MeanSd | null> {
  const out = {} as Record<K, MeanSd | null>;
  for (const k of keys) {
    const v = runs.map((r) => r[k]);
    out[k] = v.some((x) => x === null || x === undefined || Number.isNaN(x)) ? null : meanSd(v as number[]);
  }
  return out;
}

/** numpy.interp(x, xp, fp) for increasing xp: linear between points, the end values outside. */
export function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (n === 0) return NaN;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const dx = xp[hi] - xp[lo];
  return dx === 0 ? fp[hi] : fp[lo] + ((x - xp[lo]) * (fp[hi] - fp[lo])) / dx;
}

export interface CurveBand {
  x: number[];
  mean: number[];
  sd: number[];
}

/**
 * A band around several runs' curves (each a list of {x, y}, x ascending after a sort): each curve
 * interpolated on `grid` (numpy.interp), then mean and sample sd per grid point.
 */
export function curveBand(curves: readonly (readonly { x: number; y: number }[])[], grid: readonly number[]): CurveBand {
  const ys = curves.map((c) => {
    const pts = [...c].sort((a, b) => a.x - b.x);
    const xp = pts.map((p) => p.x);
    const fp = pts.map((p) => p.y);
    return grid.map((g) => interp(g, xp, fp));
  });
  const mean: number[] = [];
  const sd: number[] = [];
  grid.forEach((_, k) => {
    const m = meanSd(ys.map((y) => y[k]));
    mean.push(m.mean);
    sd.push(m.sd);
  });
  return { x: [...grid], mean, sd };
}

/** An evenly spaced grid on [0, 1] with `points` points (numpy.linspace(0, 1, points)). */
export function unitGrid(points = 101): number[] {
  return Array.from({ length: points }, (_, i) => i / (points - 1));
}

/** The metrics a comparison reports per run (the CLI's compare JSON and the page's table), label-dependent ones null without labels. */
export const COMPARE_METRICS = ['roc_auc', 'average_precision', 'precision_at_n', 'precision', 'recall', 'f1', 'fit_ms', 'score_ms'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];
