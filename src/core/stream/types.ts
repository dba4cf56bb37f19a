/**
 * The stream engine's parts, as interfaces: what an online detector, a concept-drift detector and
 * a moving threshold each do, one point at a time. River's vocabulary (score_one / learn_one,
 * update / drift_detected), so its users recognise it.
 *
 * Implementations: half-space-trees.ts (OnlineScorer), drift-*.ts with makeDrift in drift.ts
 * (DriftDetector), quantile-filter.ts (MovingThreshold); the engine that joins them with update
 * policies and drift policies is engine.ts.
 */

/** An online detector: scores a point with what it has learnt so far, then (separately) learns it. */
export interface OnlineScorer {
  /** Feature columns per point. */
  readonly features: number;
  /** x's score (higher = more anomalous) before x is learnt; the scorer is not changed. */
  scoreOne(x: ArrayLike<number>): number;
  /** Learn x (after scoring it): the engine leaves flagged points out when `protect` is on. */
  learnOne(x: ArrayLike<number>): void;
  /** Forget everything learnt, as a fresh scorer with the same parameters and seed (drift policy 'reset'). */
  reset(): void;
  /** Everything needed to continue the stream elsewhere (a saved model); JSON-safe. */
  toJSON(): unknown;
}

/** The concept-drift detectors (River's defaults in drift.ts's DRIFT_DEFAULTS). */
export const DRIFT_IDS = ['adwin', 'page_hinkley', 'kswin'] as const;
export type DriftId = (typeof DRIFT_IDS)[number];

/** A concept-drift detector over a univariate stream. */
export interface DriftDetector {
  readonly id: DriftId;
  /** Feed one value; returns true when a drift is detected at this value (River's drift_detected after update). */
  update(x: number): boolean;
  /** Whether the last update detected a drift. */
  readonly driftDetected: boolean;
  /** Forget everything (River resets itself after a detection where its definition says so). */
  reset(): void;
}

/** A threshold that moves with the stream: River's QuantileFilter (flag a score at or above the running q-quantile). */
export interface MovingThreshold {
  /** The current cut (NaN until the first score). */
  readonly value: number;
  /** Whether `score` is an anomaly against the current cut (score ≥ value), before updating. */
  isAnomaly(score: number): boolean;
  /** Take one score into the running quantile. */
  update(score: number): void;
}
