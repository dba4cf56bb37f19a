/**
 * Thresholds without labels: a cut on any detector's scores (higher = more anomalous) read from the
 * scores alone, for "why specify contamination if our job is to find it out?". PyThresh's best-known
 * rules, from their definitions; rows with score > threshold are flagged (the contract's rule;
 * PyThresh's `cut` flags ≥ for IQR and MAD — the same rows unless a score equals the limit).
 *
 *   - iqr:    Q3 + 1.5 · (Q3 − Q1), the quartiles by numpy's 'midpoint' percentile (PyThresh's IQR).
 *   - mad:    median + 3 · 1.4826 · MAD, MAD = median |x − median| (1.4826: a normal's σ from its MAD).
 *             PyThresh's MAD class uses mean + MAD / σ instead; this is the textbook rule the issue names.
 *   - zscore: mean + 3 · sd, sd with ddof 0 (numpy's and scipy.stats.zscore's); PyThresh's ZSCORE cuts at 1 sd.
 *   - otsu:   Otsu's threshold on a histogram of the min–max normalised scores, as PyThresh's HIST
 *             (method 'otsu'): ⌊n^0.7⌋ equal bins over [0, 1] (numpy.histogram's binning), the threshold
 *             the centre of the bin that maximises the between-class variance (the first on ties),
 *             mapped back to score units.
 *   - gap:    the largest gap between consecutive scores among the top 10 % (at least the top 2): the
 *             threshold is the score just below the gap, so everything above it is flagged.
 * Constant scores (no spread) give the threshold max(scores): nothing flagged.
 *
 * @example
 * labelFreeThreshold('iqr', Float64Array.of(1, 2, 3, 4, 100)); // Q1 2, Q3 4 → 4 + 1.5 · 2 = 7
 */
import { medianSorted, sortedCopy } from '../metrics/quantile.js';

export const THRESHOLD_METHODS = ['iqr', 'mad', 'zscore', 'otsu', 'gap'] as const;
export type ThresholdMethod = (typeof THRESHOLD_METHODS)[number];

/** Display names for the page's "threshold by" choice. */
export const THRESHOLD_METHOD_NAMES: Record<ThresholdMethod, string> = {
  iqr: 'IQR (Q3 + 1.5·IQR)',
  mad: 'MAD (median + 3·1.4826·MAD)',
  zscore: 'z-score (mean + 3·sd)',
  otsu: 'Otsu',
  gap: 'largest gap in the top scores',
};

/** The share of the highest scores the gap rule looks in. */
export const GAP_TOP = 0.1;

/** numpy.percentile(sorted, 100 q, method='midpoint'): the mean of the two order statistics around (n − 1) q. */
export function percentileMidpoint(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  return (sorted[Math.floor(h)] + sorted[Math.ceil(h)]) / 2;
}

/** Otsu on ⌊n^0.7⌋ bins of the normalised scores (PyThresh's HIST); the threshold in normalised units. */
export function otsuNormalized(normalized: ArrayLike<number>): number {
  const n = normalized.length;
  const bins = Math.max(2, Math.floor(n ** 0.7));
  // numpy.histogram's edges (linspace(0, 1, bins + 1)) and its index corrections at the edges.
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * (1 / bins)));
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const v = normalized[i];
    let b = Math.floor(v * bins);
    if (b >= bins) b = bins - 1;
    if (b > 0 && v < edges[b]) b--;
    else if (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  const centers = Float64Array.from({ length: bins }, (_, i) => (edges[i] + edges[i + 1]) / 2);
  // Class weights and means below and above every cut (skimage's threshold_otsu arithmetic).
  const w1 = new Float64Array(bins);
  const m1 = new Float64Array(bins);
  let w = 0, s = 0;
  for (let i = 0; i < bins; i++) {
    w += counts[i];
    s += counts[i] * centers[i];
    w1[i] = w;
    m1[i] = s / w;
  }
  const w2 = new Float64Array(bins);
  const m2 = new Float64Array(bins);
  w = 0;
  s = 0;
  for (let i = bins - 1; i >= 0; i--) {
    w += counts[i];
    s += counts[i] * centers[i];
    w2[i] = w;
    m2[i] = s / w;
  }
  let best = -Infinity;
  let at = 0;
  for (let i = 0; i < bins - 1; i++) {
    const v = w1[i] * w2[i + 1] * (m1[i] - m2[i + 1]) ** 2;
    // NaN (an empty side) never wins, as numpy's argmax would pick NaN first: such a cut separates nothing.
    if (v > best) {
      best = v;
      at = i;
    }
  }
  return centers[at];
}

/**
 * The threshold `method` reads from `scores` (shape (n,), higher = more anomalous); rows with
 * score > threshold are flagged.
 */
export function labelFreeThreshold(method: ThresholdMethod, scores: ArrayLike<number>): number {
  const n = scores.length;
  if (n === 0) throw new RangeError(`the ${method} threshold needs at least one score`);
  const sorted = sortedCopy(scores);
  if (sorted[0] !== sorted[0] || sorted[n - 1] !== sorted[n - 1]) throw new RangeError(`the ${method} threshold: the scores contain NaN`);
  const min = sorted[0];
  const max = sorted[n - 1];
  if (min === max) return max;
  switch (method) {
    case 'iqr': {
      const q1 = percentileMidpoint(sorted, 0.25);
      const q3 = percentileMidpoint(sorted, 0.75);
      return q3 + 1.5 * (q3 - q1);
    }
    case 'mad': {
      const med = medianSorted(sorted);
      const dev = Float64Array.from(sorted, (v) => Math.abs(v - med)).sort();
      return med + 3 * 1.4826 * medianSorted(dev);
    }
    case 'zscore': {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += sorted[i];
      const mean = sum / n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (sorted[i] - mean) ** 2;
      return mean + 3 * Math.sqrt(sq / n);
    }
    case 'otsu': {
      const span = max - min;
      const t = otsuNormalized(Float64Array.from(sorted, (v) => Math.min(1, Math.max(0, (v - min) / span))));
      return min + t * span;
    }
    case 'gap': {
      const top = Math.min(n, Math.max(2, Math.ceil(GAP_TOP * n)));
      // Descending: position i is sorted[n − 1 − i]; the gap below position i is sorted[n−1−i] − sorted[n−2−i].
      let best = 0;
      let threshold = max;
      for (let i = 0; i < top - 1; i++) {
        const gap = sorted[n - 1 - i] - sorted[n - 2 - i];
        if (gap > best) {
          best = gap;
          threshold = sorted[n - 2 - i];
        }
      }
      return threshold;
    }
    default:
      throw new TypeError(`unknown threshold method '${String(method)}' (methods: ${THRESHOLD_METHODS.join(', ')})`);
  }
}

/** Whether `text` names a method (the CLI's --threshold-method, the page's choice). */
export function isThresholdMethod(text: string): text is ThresholdMethod {
  return (THRESHOLD_METHODS as readonly string[]).includes(text);
}
