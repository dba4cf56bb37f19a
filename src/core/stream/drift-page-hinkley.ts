/**
 * The Page-Hinkley test (Page 1954, "Continuous inspection schemes", Biometrika 41), two-sided with
 * a forgetting factor, after River's `drift.PageHinkley` (river/drift/page_hinkley.py).
 *
 * Algorithm, for each value x (t counts the values since the last reset):
 *     x̄_t = x̄_{t−1} + (x − x̄_{t−1}) / t                          (the running mean, x included)
 *     U_t = alpha · U_{t−1} + (x − x̄_t) − delta,   m_t = min(m_{t−1}, U_t)    (increases)
 *     L_t = alpha · L_{t−1} + (x − x̄_t) + delta,   M_t = max(M_{t−1}, L_t)    (decreases)
 * with U_0 = L_0 = 0, m_0 = +∞, M_0 = −1 (River's starting values; the first value gives
 * U_1 = −delta and L_1 = +delta, so they never bind). Once t ≥ min_instances, a drift is
 * U_t − m_t > threshold (mode 'up'), M_t − L_t > threshold ('down'), or either ('both').
 * A detection resets the detector on the next value (River's convention).
 *
 * Parameters (River's defaults): min_instances 30 (≥ 1), delta 0.005 (≥ 0), threshold 50 (> 0),
 * alpha 1 − 1e−4 (in (0, 1]), mode 'both' ('up' | 'down' | 'both').
 *
 * @example
 * const ph = new PageHinkley({ threshold: 5 });
 * [0, 0, 0, …, 10, 10].forEach((v) => ph.update(v));
 */
import type { DriftDetector } from './types.js';

export const PAGE_HINKLEY_MODES = ['up', 'down', 'both'] as const;

export interface PageHinkleyParams {
  min_instances: number;
  delta: number;
  threshold: number;
  alpha: number;
  mode: (typeof PAGE_HINKLEY_MODES)[number];
}

export const PAGE_HINKLEY_DEFAULTS: Readonly<PageHinkleyParams> = { min_instances: 30, delta: 0.005, threshold: 50, alpha: 1 - 1e-4, mode: 'both' };

export class PageHinkley implements DriftDetector {
  readonly id = 'page_hinkley' as const;
  readonly params: Readonly<PageHinkleyParams>;
  private n = 0;
  private mean = 0;
  private sumIncrease = 0;
  private sumDecrease = 0;
  private minIncrease = Infinity;
  private maxDecrease = -1;
  private detected = false;

  constructor(params: Partial<PageHinkleyParams> = {}) {
    this.params = { ...PAGE_HINKLEY_DEFAULTS, ...params };
  }

  get driftDetected(): boolean {
    return this.detected;
  }

  /** The two test statistics now: U_t − m_t (increase) and M_t − L_t (decrease). */
  get statistics(): { increase: number; decrease: number; mean: number; n: number } {
    return { increase: this.sumIncrease - this.minIncrease, decrease: this.maxDecrease - this.sumDecrease, mean: this.mean, n: this.n };
  }

  update(x: number): boolean {
    if (this.detected) this.reset();
    const { alpha, delta, threshold, min_instances: minInstances, mode } = this.params;
    this.n++;
    this.mean += (x - this.mean) / this.n;
    const dev = x - this.mean;
    this.sumIncrease = alpha * this.sumIncrease + dev - delta;
    this.sumDecrease = alpha * this.sumDecrease + dev + delta;
    if (this.sumIncrease < this.minIncrease) this.minIncrease = this.sumIncrease;
    if (this.sumDecrease > this.maxDecrease) this.maxDecrease = this.sumDecrease;
    if (this.n >= minInstances) {
      const up = this.sumIncrease - this.minIncrease > threshold;
      const down = this.maxDecrease - this.sumDecrease > threshold;
      this.detected = mode === 'up' ? up : mode === 'down' ? down : up || down;
    }
    return this.detected;
  }

  reset(): void {
    this.n = 0;
    this.mean = 0;
    this.sumIncrease = 0;
    this.sumDecrease = 0;
    this.minIncrease = Infinity;
    this.maxDecrease = -1;
    this.detected = false;
  }
}
