/**
 * ADWIN, adaptive windowing (Bifet & Gavaldà 2007, "Learning from time-changing data with
 * adaptive windowing", SDM), in its ADWIN2 form with an exponential histogram, after River's
 * `drift.ADWIN` (river/drift/adwin.py, adwin_c.pyx).
 *
 * Algorithm: the window W of recent values is summarised by buckets: row r holds up to
 * max_buckets buckets of 2^r values each (total and variance of those values), oldest first; a
 * value enters row 0 and whenever a row holds max_buckets + 1 buckets its two oldest merge into
 * one bucket of the next row (totals add; variances add plus n1·n2·(μ1 − μ2)²/(n1 + n2)). The
 * window's width, total and variance (sum of squared deviations) are kept incrementally.
 * Every `clock` values, once the width exceeds `grace_period`, every cut of W between buckets
 * into an older W0 and a newer W1 (both at least `min_window_length` values) is tested, oldest
 * cut first:
 *     |μ0 − μ1| > ε,  ε = √(2 m σ² δ′) + (2/3) δ′ m,
 *     m = 1/(n0 − min_window_length + 1) + 1/(n1 − min_window_length + 1),
 *     δ′ = ln(2 ln(width) / delta),  σ² = the window's variance / width.
 * On a cut that holds, the oldest bucket is dropped and the cuts are tested again from the
 * start, until none holds; the value that caused any drop reports a drift.
 *
 * As River's ADWIN: a detection resets the whole detector on the next update (River's
 * `if self.drift_detected: self._reset()`), so after a drift the window starts empty; the cut
 * scan covers every bucket (River's current adwin_c.pyx; earlier versions' loop skipped the newest
 * bucket of each row). River also updates the variances of W0 and W1 inside the scan but never
 * reads them; they are left out here.
 *
 * Parameters (River's defaults): delta 0.002 in (0, 1), clock 32 ≥ 1, max_buckets 5 ≥ 1,
 * min_window_length 5 ≥ 1, grace_period 10 ≥ 0.
 *
 * @example
 * const adwin = new Adwin();
 * values.forEach((v, i) => { if (adwin.update(v)) console.log('drift at', i); });
 */
import type { DriftDetector } from './types.js';

export interface AdwinParams {
  delta: number;
  clock: number;
  max_buckets: number;
  min_window_length: number;
  grace_period: number;
}

export const ADWIN_DEFAULTS: Readonly<AdwinParams> = { delta: 0.002, clock: 32, max_buckets: 5, min_window_length: 5, grace_period: 10 };

export class Adwin implements DriftDetector {
  readonly id = 'adwin' as const;
  readonly params: Readonly<AdwinParams>;
  private rowsCap = 32;
  /** Row r's buckets at [r · slots, r · slots + counts[r]), oldest first; slots = max_buckets + 1. */
  private totals: Float64Array;
  private variances: Float64Array;
  private counts: Int32Array;
  private rows = 1;
  private readonly slots: number;
  private total = 0;
  private variance = 0;
  private widthValue = 0;
  private tick = 0;
  private detected = false;
  private detections = 0;

  constructor(params: Partial<AdwinParams> = {}) {
    this.params = { ...ADWIN_DEFAULTS, ...params };
    this.slots = this.params.max_buckets + 1;
    this.totals = new Float64Array(this.rowsCap * this.slots);
    this.variances = new Float64Array(this.rowsCap * this.slots);
    this.counts = new Int32Array(this.rowsCap);
  }

  get driftDetected(): boolean {
    return this.detected;
  }

  /** Values in the window now. */
  get width(): number {
    return this.widthValue;
  }

  /** The window's mean (0 when empty): River's `estimation`. */
  get estimation(): number {
    return this.widthValue === 0 ? 0 : this.total / this.widthValue;
  }

  /** Drifts detected since construction (a reset after a drift does not clear it). */
  get nDetections(): number {
    return this.detections;
  }

  update(x: number): boolean {
    if (this.detected) this.clear();
    this.insert(x);
    this.detected = this.detectChange();
    if (this.detected) this.detections++;
    return this.detected;
  }

  reset(): void {
    this.clear();
    this.detections = 0;
  }

  private clear(): void {
    this.counts.fill(0);
    this.rows = 1;
    this.total = 0;
    this.variance = 0;
    this.widthValue = 0;
    this.tick = 0;
    this.detected = false;
  }

  private insert(x: number): void {
    this.push(0, x, 0);
    const w = ++this.widthValue;
    if (w > 1) {
      const d = x - this.total / (w - 1);
      this.variance += ((w - 1) * d * d) / w;
    }
    this.total += x;
    this.compress();
  }

  private push(row: number, total: number, variance: number): void {
    const at = row * this.slots + this.counts[row]++;
    this.totals[at] = total;
    this.variances[at] = variance;
  }

  /** Drop the first `k` buckets of a row (its oldest). */
  private shift(row: number, k: number): void {
    const from = row * this.slots;
    const n = this.counts[row] - k;
    this.totals.copyWithin(from, from + k, from + k + n);
    this.variances.copyWithin(from, from + k, from + k + n);
    this.counts[row] = n;
  }

  private compress(): void {
    const slots = this.slots;
    for (let row = 0; this.counts[row] === slots; row++) {
      if (row + 1 === this.rows) this.addRow(); // may reallocate the arrays: read them after
      const { totals, variances } = this;
      const size = 2 ** row;
      const at = row * slots;
      const mu1 = totals[at] / size;
      const mu2 = totals[at + 1] / size;
      // Two buckets of equal size n: the merged variance gains n·n·(μ1 − μ2)²/(n + n).
      this.push(row + 1, totals[at] + totals[at + 1], variances[at] + variances[at + 1] + (size / 2) * (mu1 - mu2) * (mu1 - mu2));
      this.shift(row, 2);
      if (this.counts[row + 1] < slots) break;
    }
  }

  private addRow(): void {
    if (this.rows === this.rowsCap) {
      this.rowsCap *= 2;
      const grow = (a: Float64Array) => {
        const b = new Float64Array(this.rowsCap * this.slots);
        b.set(a);
        return b;
      };
      this.totals = grow(this.totals);
      this.variances = grow(this.variances);
      const c = new Int32Array(this.rowsCap);
      c.set(this.counts);
      this.counts = c;
    }
    this.counts[this.rows++] = 0;
  }

  /** Drop the oldest bucket (row rows − 1, first); returns its size. */
  private deleteOldest(): number {
    const row = this.rows - 1;
    const at = row * this.slots;
    const n = 2 ** row;
    const u = this.totals[at];
    const v = this.variances[at];
    this.widthValue -= n;
    this.total -= u;
    const d = u / n - this.total / this.widthValue;
    this.variance -= v + (n * this.widthValue * d * d) / (n + this.widthValue);
    this.shift(row, 1);
    if (this.counts[row] === 0) this.rows--;
    return n;
  }

  private detectChange(): boolean {
    const { clock, grace_period: grace, min_window_length: minLen, delta } = this.params;
    this.tick++;
    if (this.tick % clock !== 0 || this.widthValue <= grace) return false;
    let changed = false;
    let again = true;
    while (again) {
      again = false;
      let n0 = 0;
      let n1 = this.widthValue;
      let u0 = 0;
      let u1 = this.total;
      scan: for (let row = this.rows - 1; row >= 0; row--) {
        const size = 2 ** row;
        const at = row * this.slots;
        const count = this.counts[row];
        for (let k = 0; k < count; k++) {
          const u = this.totals[at + k];
          n0 += size;
          n1 -= size;
          u0 += u;
          u1 -= u;
          // The newest bucket is no cut: W1 would be empty.
          if (row === 0 && k === count - 1) break scan;
          if (n1 >= minLen && n0 >= minLen && this.cutHolds(n0, n1, u0 / n0 - u1 / n1, delta, minLen)) {
            changed = true;
            again = true;
            if (this.widthValue > 0) this.deleteOldest();
            break scan;
          }
        }
      }
    }
    return changed;
  }

  private cutHolds(n0: number, n1: number, deltaMean: number, delta: number, minLen: number): boolean {
    const w = this.widthValue;
    const deltaPrime = Math.log((2 * Math.log(w)) / delta);
    const m = 1 / (n0 - minLen + 1) + 1 / (n1 - minLen + 1);
    const epsilon = Math.sqrt(2 * m * (this.variance / w) * deltaPrime) + (2 / 3) * deltaPrime * m;
    return Math.abs(deltaMean) > epsilon;
  }
}
