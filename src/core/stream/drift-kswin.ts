/**
 * KSWIN, Kolmogorov–Smirnov windowing (Raab, Heusinger & Schleif 2020, "Reactive soft prototype
 * computing for concept drift streams", Neurocomputing), after River's `drift.KSWIN`
 * (river/drift/kswin.py).
 *
 * Algorithm: a sliding window Ψ of the last `window_size` values. Once it is full, at every value:
 * R = the newest `stat_size` values of Ψ; W = `stat_size` values drawn uniformly without
 * replacement from the older window_size − stat_size (a fresh draw each time, from the seeded
 * generator); the two-sample Kolmogorov–Smirnov test of W against R (statistic D and its exact
 * p-value, src/core/stream/ks-test.ts, as River's scipy.stats.ks_2samp(method='auto'), exact for
 * these sizes). A drift is p ≤ alpha and D > 0.1.
 *
 * As River's: a detection resets the detector on the next value (River's
 * `if self.drift_detected: self._reset()`: an empty window and the generator reseeded; River also
 * keeps R as the new window at the detection, which that reset then clears), so after a drift the
 * window refills before the next test. The draws come from src/core/random.ts, not Python's
 * random.Random: the same distribution of W, not River's W for a seed.
 *
 * Parameters (River's defaults): alpha 0.005 in (0, 1), window_size 100, stat_size 30
 * (1 ≤ stat_size ≤ 10,000, where scipy's 'auto' stops being exact; 2 · stat_size ≤ window_size so W
 * can be drawn without replacement), seed.
 *
 * @example
 * const ks = new Kswin({}, 42);
 * values.forEach((v, i) => { if (ks.update(v)) console.log('drift at', i); });
 */
import { DEFAULT_SEED, Random } from '../random.js';
import { ksPValueEqual, ksStatisticSorted } from './ks-test.js';
import type { DriftDetector } from './types.js';

export interface KswinParams {
  alpha: number;
  window_size: number;
  stat_size: number;
}

export const KSWIN_DEFAULTS: Readonly<KswinParams> = { alpha: 0.005, window_size: 100, stat_size: 30 };

/** River's second condition: the statistic must also exceed 0.1. */
const MIN_STATISTIC = 0.1;

export class Kswin implements DriftDetector {
  readonly id = 'kswin' as const;
  readonly params: Readonly<KswinParams>;
  /** Ring buffer of the window: the oldest value at `start`. */
  private readonly ring: Float64Array;
  private start = 0;
  private length = 0;
  private rng: Random;
  /** Indices 0 … window_size − stat_size − 1, partially shuffled for each draw of W. */
  private readonly older: Int32Array;
  private readonly w: Float64Array;
  private readonly r: Float64Array;
  private detected = false;
  private statistic = NaN;
  private pValue = NaN;
  /** The exact p-value for each h = D · stat_size, computed once per h (it depends on nothing else). */
  private readonly pByH: Float64Array;

  constructor(params: Partial<KswinParams> = {}, readonly seed: number = DEFAULT_SEED) {
    this.params = { ...KSWIN_DEFAULTS, ...params };
    const { window_size: size, stat_size: stat } = this.params;
    this.ring = new Float64Array(size);
    this.older = new Int32Array(size - stat);
    for (let i = 0; i < this.older.length; i++) this.older[i] = i;
    this.w = new Float64Array(stat);
    this.r = new Float64Array(stat);
    this.rng = new Random(seed);
    this.pByH = new Float64Array(stat + 1).fill(NaN);
  }

  get driftDetected(): boolean {
    return this.detected;
  }

  /** The last test's statistic D and p-value (NaN before the window first fills). */
  get lastTest(): { statistic: number; pValue: number } {
    return { statistic: this.statistic, pValue: this.pValue };
  }

  update(x: number): boolean {
    if (this.detected) this.reset();
    const { window_size: size, stat_size: stat, alpha } = this.params;
    if (this.length < size) {
      this.ring[(this.start + this.length++) % size] = x;
    } else {
      this.ring[this.start] = x;
      this.start = (this.start + 1) % size;
    }
    if (this.length < size) return (this.detected = false);
    // W: stat_size of the older values, without replacement; R: the newest stat_size.
    this.rng.partialShuffle(this.older, stat);
    for (let i = 0; i < stat; i++) {
      this.w[i] = this.ring[(this.start + this.older[i]) % size];
      this.r[i] = this.ring[(this.start + size - stat + i) % size];
    }
    this.w.sort();
    this.r.sort();
    // As scipy's exact mode: D reported as h / n, h = round(d · n) (ks-test.ts).
    const h = Math.round(ksStatisticSorted(this.w, this.r) * stat);
    if (Number.isNaN(this.pByH[h])) this.pByH[h] = ksPValueEqual(stat, h / stat);
    this.statistic = h / stat;
    this.pValue = this.pByH[h];
    this.detected = this.pValue <= alpha && this.statistic > MIN_STATISTIC;
    return this.detected;
  }

  reset(): void {
    this.start = 0;
    this.length = 0;
    this.rng = new Random(this.seed);
    for (let i = 0; i < this.older.length; i++) this.older[i] = i;
    this.detected = false;
    this.statistic = NaN;
    this.pValue = NaN;
  }
}
