/** PlotSampler gives plotSample's rows, in the same order, for any threshold — without its full scan. */
import { describe, expect, it } from 'vitest';
import { PlotSampler, plotSample } from '../../src/core/data/sample';
import { ThresholdSweep } from '../../src/core/metrics/sweep';
import { Random } from '../../src/core/random';

describe('PlotSampler', () => {
  for (const [n, budget, ties] of [[20_000, 300, false], [20_000, 300, true], [500, 1000, false], [5000, 64, true]] as const) {
    it(`${n} rows, budget ${budget}${ties ? ', tied scores' : ''}: equal to plotSample at thresholds across the range`, () => {
      const rng = new Random(n + budget);
      const scores = Float64Array.from({ length: n }, () => (ties ? Math.round(rng.normal() * 4) / 4 : rng.normal()));
      const order = rng.permutation(n);
      const sweep = new ThresholdSweep(scores);
      const sampler = new PlotSampler(order, scores, budget);
      for (const q of [0, 0.001, 0.01, 0.05, 0.2, 0.5, 0.9, 0.99, 0.9999, 1]) {
        const t = sweep.quantile(q) - (q === 0 ? 1 : 0);
        const got = sampler.sample(t, sweep.flaggedAt(t));
        const want = plotSample(order, scores, t, budget);
        expect(got.flagged).toBe(want.flagged);
        expect(Array.from(got.rows)).toEqual(Array.from(want.rows));
      }
    });
  }
});
