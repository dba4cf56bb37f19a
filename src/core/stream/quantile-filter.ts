/**
 * A threshold that moves with the stream: River's `anomaly.QuantileFilter(q)`
 * (river/anomaly/filter.py). A score is an anomaly when it is at or above the running q-quantile
 * of the scores seen so far (P², src/core/stream/p2-quantile.ts, as River's `stats.Quantile`).
 *
 * As River's `classify(score) = score >= (quantile.get() or inf)`:
 *   - before the first score the cut is NaN here (River: None) and nothing is flagged;
 *   - a cut of exactly 0 also flags nothing (Python's `or` treats 0 as missing). This matters for
 *     detectors that score 0 while warming up (half_space_trees' first window): their zeros would
 *     otherwise all be flagged against a running quantile of 0.
 * The caller orders the calls as River's learn_one does: isAnomaly(score) against the cut so far,
 * then update(score) (the score joins the quantile whether or not it was flagged; `protect`
 * only keeps flagged points out of the detector's learning).
 *
 * @example
 * const f = new QuantileFilter(0.95);
 * for (const s of scores) { const flagged = f.isAnomaly(s); f.update(s); }
 */
import { P2Quantile } from './p2-quantile.js';
import type { MovingThreshold } from './types.js';

export class QuantileFilter implements MovingThreshold {
  private quantile: P2Quantile;

  /** q in (0, 1): the quantile level at or above which a score is flagged (e.g. 0.95 flags about the top 5%). */
  constructor(readonly q: number) {
    this.quantile = new P2Quantile(q);
  }

  /** The current cut: the running q-quantile of the scores so far (NaN before the first). */
  get value(): number {
    return this.quantile.value;
  }

  /** Scores taken so far. */
  get n(): number {
    return this.quantile.n;
  }

  /** score ≥ the current cut; false before any score and while the cut is exactly 0 (River's `or inf`). */
  isAnomaly(score: number): boolean {
    const cut = this.quantile.value;
    if (cut !== cut || cut === 0) return false;
    return score >= cut;
  }

  update(score: number): void {
    this.quantile.update(score);
  }

  toJSON(): { kind: 'quantile_filter'; quantile: ReturnType<P2Quantile['toJSON']> } {
    return { kind: 'quantile_filter', quantile: this.quantile.toJSON() };
  }

  static fromJSON(json: unknown): QuantileFilter {
    const s = json as { kind?: unknown; quantile?: { q?: unknown } } | null;
    if (!s || s.kind !== 'quantile_filter' || typeof s.quantile?.q !== 'number') throw new TypeError('quantile filter state: not a QuantileFilter state');
    const f = new QuantileFilter(s.quantile.q);
    f.quantile = P2Quantile.fromJSON(s.quantile);
    return f;
  }
}
