/**
 * A running quantile in constant memory: the P² algorithm (Jain & Chlamtac 1985, "The P²
 * algorithm for dynamic calculation of quantiles and histograms without storing observations",
 * CACM 28(10)), as River's `stats.Quantile` uses it.
 *
 * Algorithm: five markers with heights h[0 … 4] (the minimum, estimates of the q/2, q and (1+q)/2
 * quantiles, the maximum) at integer positions n[0 … 4] among the observations so far, and desired
 * positions n'[i] that move by dn' = [0, q/2, q, (1+q)/2, 1] per observation.
 *   - The first five observations are kept; after the fifth, the markers are those five sorted,
 *     at positions 1 … 5, with desired positions [1, 1+2q, 1+4q, 3+2q, 5].
 *   - Each later x: find the cell k with h[k−1] ≤ x < h[k] (x below h[0] becomes the new minimum
 *     and cell 1; x at or above h[4] cell 4, a new maximum if above); positions n[k … 4] move up by
 *     one and every desired position by its dn'. Then each middle marker i = 1, 2, 3 whose
 *     position is off by d = n'[i] − n[i] ≥ 1 (or ≤ −1) with room to move (its neighbour's
 *     position more than one away) moves one step, d = ±1: its height by the piecewise-parabolic
 *     (P²) formula
 *         h[i] + d/(n[i+1] − n[i−1]) · ((n[i] − n[i−1] + d)(h[i+1] − h[i])/(n[i+1] − n[i])
 *                                     + (n[i+1] − n[i] − d)(h[i] − h[i−1])/(n[i] − n[i−1])),
 *     or linearly, h[i] + d (h[i+d] − h[i])/(n[i+d] − n[i]), when the parabola would leave
 *     (h[i−1], h[i+1]).
 *   - The estimate is h[2]. Before the sixth observation (River's behaviour): the observations
 *     sorted, the one at index floor(min(count − 1, count · q)); NaN before any (River: None).
 *
 * @example
 * const p = new P2Quantile(0.5);
 * for (const x of [5, 1, 4, 2, 3]) p.update(x);
 * p.value; // 3 (sorted [1, 2, 3, 4, 5], index floor(min(4, 2.5)) = 2)
 */
export class P2Quantile {
  private readonly heights = new Float64Array(5);
  private readonly positions = new Float64Array(5);
  private readonly desired = new Float64Array(5);
  private readonly increments: Float64Array;
  private count = 0;

  /** q in (0, 1): which quantile (River refuses 0 and 1). */
  constructor(readonly q: number) {
    if (typeof q !== 'number' || !(q > 0 && q < 1)) throw new RangeError(`q must be in (0, 1), got: ${q}`);
    this.increments = Float64Array.of(0, q / 2, q, (1 + q) / 2, 1);
  }

  /** Observations taken so far. */
  get n(): number {
    return this.count;
  }

  /** The running estimate of the q-quantile (NaN before the first observation). */
  get value(): number {
    const c = this.count;
    if (c === 0) return NaN;
    if (c > 5) return this.heights[2];
    // Up to five observations, kept sorted: River's index rule.
    return this.heights[Math.floor(Math.min(c - 1, c * this.q))];
  }

  /** The five markers' heights and positions (copies; meaningful from the sixth observation on). */
  get markers(): { heights: number[]; positions: number[] } {
    return { heights: Array.from(this.heights), positions: Array.from(this.positions) };
  }

  update(x: number): void {
    const h = this.heights;
    const c = this.count++;
    if (c < 5) {
      // Insertion into the sorted first observations.
      let i = c;
      while (i > 0 && h[i - 1] > x) {
        h[i] = h[i - 1];
        i--;
      }
      h[i] = x;
      if (c === 4) {
        const q = this.q;
        this.positions.set([1, 2, 3, 4, 5]);
        this.desired.set([1, 1 + 2 * q, 1 + 4 * q, 3 + 2 * q, 5]);
      }
      return;
    }
    const n = this.positions;
    const want = this.desired;
    let k: number;
    if (x < h[0]) {
      h[0] = x;
      k = 1;
    } else if (x >= h[4]) {
      if (x > h[4]) h[4] = x;
      k = 4;
    } else {
      k = 1;
      while (x >= h[k]) k++;
    }
    for (let i = k; i < 5; i++) n[i]++;
    for (let i = 0; i < 5; i++) want[i] += this.increments[i];
    for (let i = 1; i <= 3; i++) {
      const d = want[i] - n[i];
      if ((d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1)) {
        const s = d > 0 ? 1 : -1;
        const p = parabolic(h[i - 1], h[i], h[i + 1], n[i - 1], n[i], n[i + 1], s);
        h[i] = h[i - 1] < p && p < h[i + 1] ? p : h[i] + (s * (h[i + s] - h[i])) / (n[i + s] - n[i]);
        n[i] += s;
      }
    }
  }

  /** The state, JSON-safe (a saved stream). */
  toJSON(): { q: number; count: number; heights: number[]; positions: number[]; desired: number[] } {
    return { q: this.q, count: this.count, heights: Array.from(this.heights), positions: Array.from(this.positions), desired: Array.from(this.desired) };
  }

  static fromJSON(json: unknown): P2Quantile {
    const s = json as { q?: unknown; count?: unknown; heights?: unknown; positions?: unknown; desired?: unknown } | null;
    const five = (a: unknown) => Array.isArray(a) && a.length === 5 && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!s || typeof s !== 'object' || typeof s.q !== 'number' || !Number.isInteger(s.count) || (s.count as number) < 0 || !five(s.heights) || !five(s.positions) || !five(s.desired)) {
      throw new TypeError('quantile state: needs q, count and five heights, positions and desired positions');
    }
    const p = new P2Quantile(s.q);
    p.count = s.count as number;
    p.heights.set(s.heights as number[]);
    p.positions.set(s.positions as number[]);
    p.desired.set(s.desired as number[]);
    return p;
  }
}

/** The P² (piecewise-parabolic) height of marker i moved by d = ±1 between its neighbours. */
function parabolic(qm: number, q: number, qp: number, nm: number, n: number, np: number, d: number): number {
  return q + (d / (np - nm)) * (((n - nm + d) * (qp - q)) / (np - n) + ((np - n - d) * (q - qm)) / (n - nm));
}
