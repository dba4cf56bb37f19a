/**
 * The online scorers the stream engine runs by detector id: an OnlineScorer per detector that needs
 * no training (NAB's windowed_gaussian, River's half_space_trees), with its own threshold where it has
 * one. Every other detector in the registry runs as a batch detector over windows (engine.ts).
 *
 * @example
 * const src = onlineSource('windowed_gaussian', { window_size: 100, step_size: 10 }, 1, 42);
 * const scorer = src.make(); scorer.scoreOne([3]); scorer.learnOne([3]);
 */
import { windowedGaussianMeta } from '../detectors/specs.js';
import { resolveParams } from '../detectors/params.js';
import { AUTO_THRESHOLD, GaussianStream } from '../detectors/windowed-gaussian.js';
import type { OnlineSource } from './engine.js';
import { HalfSpaceTrees, HST_DEFAULTS } from './half-space-trees.js';
import type { OnlineScorer } from './types.js';

export const ONLINE_SCORERS = ['windowed_gaussian', 'half_space_trees'] as const;
export type OnlineScorerId = (typeof ONLINE_SCORERS)[number];

export function isOnlineScorer(id: string): id is OnlineScorerId {
  return (ONLINE_SCORERS as readonly string[]).includes(id);
}

/** windowed_gaussian as an OnlineScorer: one value column; scoreOne reads the window, learnOne extends it. */
export class WindowedGaussianScorer implements OnlineScorer {
  readonly features = 1;
  private stream: GaussianStream;

  constructor(readonly windowSize = 6400, readonly stepSize = 100) {
    if (stepSize > windowSize) throw new RangeError(`step_size must be <= window_size (${windowSize}), got: ${stepSize}`);
    this.stream = new GaussianStream(windowSize, stepSize);
  }

  scoreOne(x: ArrayLike<number>): number {
    return this.stream.score(x[0]);
  }

  learnOne(x: ArrayLike<number>): void {
    this.stream.learn(x[0]);
  }

  reset(): void {
    this.stream = new GaussianStream(this.windowSize, this.stepSize);
  }

  toJSON(): unknown {
    return { kind: 'windowed_gaussian', window_size: this.windowSize, step_size: this.stepSize, ...this.stream.state() };
  }
}

const HST_PARAMS = ['n_trees', 'height', 'window_size'] as const;

/**
 * The engine's source for an online detector. `params` by the detector's parameter names
 * (windowed_gaussian: window_size, step_size; half_space_trees: n_trees, height, window_size);
 * `seed` seeds half_space_trees. windowed_gaussian's threshold is its contamination 'auto' rule
 * (score > 1 − Q(5)); half_space_trees has none of its own (choose --threshold, --quantile or
 * --contamination).
 */
export function onlineSource(id: OnlineScorerId, params: Record<string, unknown>, features: number, seed: number): OnlineSource {
  if (id === 'windowed_gaussian') {
    if (features !== 1) throw new RangeError(`windowed_gaussian scores one value column (a time series), got ${features} columns: choose exactly one`);
    const p = resolveParams(windowedGaussianMeta.params, params, id);
    const w = Number(p.window_size);
    const s = Number(p.step_size);
    return { kind: 'online', make: () => new WindowedGaussianScorer(w, s), threshold: AUTO_THRESHOLD };
  }
  const options: Record<string, number> = { ...HST_DEFAULTS, seed };
  for (const [k, v] of Object.entries(params)) {
    if (!(HST_PARAMS as readonly string[]).includes(k)) throw new RangeError(`half_space_trees has no parameter '${k}' (parameters: ${HST_PARAMS.join(', ')})`);
    const n = Number(v);
    if (!Number.isInteger(n)) throw new TypeError(`half_space_trees: ${k} must be a whole number, got: ${String(v)}`);
    options[k] = n;
  }
  return { kind: 'online', make: () => new HalfSpaceTrees(features, options) };
}
