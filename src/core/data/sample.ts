/**
 * Which rows a plot draws when there are more than it can draw responsively:
 * flagged rows first (a uniform sample of them if they alone exceed the
 * budget), then a uniform sample of the rest. `order` is a seeded permutation
 * of the rows made once per dataset, so the sample is stable while the
 * threshold moves. The definition; PlotSampler gives the same rows per threshold move without the scan.
 */
export function plotSample(order: Int32Array, scores: ArrayLike<number> | null, threshold: number, budget: number): { rows: Int32Array; flagged: number } {
  const n = order.length;
  if (n <= budget) {
    let flagged = 0;
    if (scores) for (let i = 0; i < n; i++) if (scores[i] > threshold) flagged++;
    return { rows: Int32Array.from({ length: n }, (_, i) => i), flagged };
  }
  const out = new Int32Array(budget);
  let k = 0;
  if (scores) {
    for (let i = 0; i < n && k < budget; i++) {
      const r = order[i];
      if (scores[r] > threshold) out[k++] = r;
    }
  }
  const flagged = k;
  for (let i = 0; i < n && k < budget; i++) {
    const r = order[i];
    if (!scores || !(scores[r] > threshold)) out[k++] = r;
  }
  return { rows: out, flagged };
}

/**
 * plotSample's rows without its O(n) scan on every threshold move (DESIGN: a
 * slider move never recomputes from scratch). Made once per result: the rows
 * with the highest scores, sorted (up to 64 × budget of them), and each row's
 * position in `order`. Then for a threshold with `flagged` rows above it
 * (ThresholdSweep.flaggedAt, O(log n)) the flagged rows come either from that
 * list, put back in `order`'s order (k log k for k flagged), or — when there
 * are many — from plotSample's own scan of `order`, which then stops early
 * (about budget · n / k steps); whichever costs less. Same rows, same order.
 */
export class PlotSampler {
  private readonly top: Int32Array;
  private readonly rank: Int32Array;

  /** `sorted`: the scores sorted ascending, when the caller has them already (ThresholdSweep.sorted). */
  constructor(private readonly order: Int32Array, private readonly scores: ArrayLike<number> | null, private readonly budget: number, sorted?: ArrayLike<number>) {
    const n = order.length;
    this.rank = new Int32Array(n);
    for (let i = 0; i < n; i++) this.rank[order[i]] = i;
    const m = scores ? Math.min(n, 64 * budget) : 0;
    if (!scores || m === 0) {
      this.top = new Int32Array(0);
      return;
    }
    // The m-th highest score, then every row at or above it, highest first.
    const cut = (sorted ?? Float64Array.from(scores).sort())[n - m];
    const rows: number[] = [];
    for (let r = 0; r < n; r++) if (scores[r] >= cut) rows.push(r);
    rows.sort((a, b) => scores[b] - scores[a] || a - b);
    this.top = Int32Array.from(rows);
  }

  sample(threshold: number, flagged: number): { rows: Int32Array; flagged: number } {
    const { order, scores, budget, rank, top } = this;
    const n = order.length;
    if (n <= budget || !scores) return plotSample(order, scores, threshold, budget);
    const out = new Int32Array(budget);
    let k = 0;
    const take = Math.min(flagged, budget);
    if (flagged <= top.length && flagged * Math.log2(flagged + 2) <= (budget * n) / Math.max(1, flagged)) {
      // The flagged rows are the first `flagged` of `top`; in `order`'s order, the first `budget` of them.
      const f = Array.from(top.subarray(0, flagged)).sort((a, b) => rank[a] - rank[b]);
      for (; k < take; k++) out[k] = f[k];
    } else {
      for (let i = 0; i < n && k < budget; i++) {
        const r = order[i];
        if (scores[r] > threshold) out[k++] = r;
      }
    }
    const nFlagged = k;
    for (let i = 0; i < n && k < budget; i++) {
      const r = order[i];
      if (!(scores[r] > threshold)) out[k++] = r;
    }
    return { rows: out, flagged: nFlagged };
  }
}

/**
 * The scatter's overlay above its density layer (issue 23): PlotSampler's rows while the flagged
 * rows fit in `flaggedBudget`; past it, a uniform sample of `flaggedBudget` flagged rows (the first
 * in `order`) plus the first `budget − flaggedBudget` unflagged rows in `order` (a uniform sample of
 * the rest), so the unflagged rows never vanish from the picture. `rest` counts those (0 in the first case).
 */
export class OverlaySampler {
  private readonly all: PlotSampler;
  private readonly flaggedOnly: PlotSampler | null;

  constructor(private readonly order: Int32Array, private readonly scores: ArrayLike<number> | null, private readonly budget: number, private readonly flaggedBudget: number, sorted?: ArrayLike<number>) {
    if (!(flaggedBudget >= 0 && flaggedBudget <= budget)) throw new RangeError(`flaggedBudget must be in [0, budget = ${budget}], got ${flaggedBudget}`);
    this.all = new PlotSampler(order, scores, budget, sorted);
    this.flaggedOnly = order.length > budget && scores ? new PlotSampler(order, scores, flaggedBudget, sorted) : null;
  }

  /** `flagged`: how many rows score above `threshold` (ThresholdSweep.flaggedAt). */
  sample(threshold: number, flagged: number): { rows: Int32Array; flagged: number; totalFlagged: number; rest: number } {
    const { order, scores, budget, flaggedBudget, flaggedOnly } = this;
    if (!flaggedOnly || !scores || flagged <= flaggedBudget) return { ...this.all.sample(threshold, flagged), totalFlagged: flagged, rest: 0 };
    const f = flaggedOnly.sample(threshold, flagged);
    const out = new Int32Array(f.flagged + budget - flaggedBudget);
    out.set(f.rows.subarray(0, f.flagged));
    let k = f.flagged;
    for (let i = 0; i < order.length && k < out.length; i++) {
      const r = order[i];
      if (!(scores[r] > threshold)) out[k++] = r;
    }
    return { rows: out.subarray(0, k), flagged: f.flagged, totalFlagged: flagged, rest: k - f.flagged };
  }
}
