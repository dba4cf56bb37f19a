import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../src/core/data/matrix.js';
import { Scores, type FittedModel } from '../../src/core/detectors/detector.js';
import { fitModel } from '../../src/core/detectors/run.js';
import { windowFeatures, windowSpec } from '../../src/core/data/window-features.js';
import { AUTO_THRESHOLD, GaussianStream } from '../../src/core/detectors/windowed-gaussian.js';
import { StreamEngine, type BatchSource, type StreamEngineOptions, type StreamOutput } from '../../src/core/stream/engine.js';
import { onlineSource, WindowedGaussianScorer } from '../../src/core/stream/scorers.js';
import { QuantileFilter } from '../../src/core/stream/quantile-filter.js';
import type { DriftDetector, OnlineScorer } from '../../src/core/stream/types.js';
import { Random } from '../../src/core/random.js';

const column = (v: ArrayLike<number>): Matrix => ({ data: Float64Array.from(v), rows: v.length, cols: 1 });

/** A batch model whose score is |x − mean of what it was fitted on| (first feature column); threshold fixed. */
class MeanModel implements FittedModel {
  readonly detector = 'mean';
  readonly params = {};
  readonly info = { compute: 'test', warnings: [], details: {} };
  constructor(readonly mean: number, readonly features: number, readonly threshold = 5, readonly rows = 0) {}
  async score(X: Matrix): Promise<Scores> {
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = Math.abs(X.data[i * X.cols + X.cols - 1] - this.mean);
    return Scores.with(out, 'test');
  }
  toJSON(): never {
    throw new Error('not saved');
  }
}

/** A batch source fitting MeanModel, remembering every training matrix it was given. */
function meanSource(window: BatchSource['window'] = null, threshold = 5): BatchSource & { fits: Matrix[] } {
  const fits: Matrix[] = [];
  return {
    kind: 'batch',
    window,
    fits,
    async fit(X: Matrix) {
      fits.push(X);
      let s = 0;
      for (let i = 0; i < X.rows; i++) s += X.data[i * X.cols + X.cols - 1];
      return new MeanModel(s / X.rows, X.cols, threshold, X.rows);
    },
  };
}

/** A drift detector that fires at the given update counts (0-based), to test the policies alone. */
function scriptedDrift(at: number[]): () => DriftDetector {
  return () => {
    let k = 0;
    return {
      id: 'adwin',
      driftDetected: false,
      update(this: { driftDetected: boolean }) {
        this.driftDetected = at.includes(k++);
        return this.driftDetected;
      },
      reset() {},
    };
  };
}

async function pushAll(engine: StreamEngine, values: number[], batch = values.length): Promise<StreamOutput & { eventAt: Map<number, unknown> }> {
  const scores: number[] = [];
  const flags: number[] = [];
  const drift: number[] = [];
  const eventAt = new Map<number, unknown>();
  for (let a = 0; a < values.length; a += batch) {
    const part = values.slice(a, a + batch);
    const out = await engine.push(column(part));
    scores.push(...out.scores);
    flags.push(...out.flags);
    drift.push(...out.drift);
    for (const e of out.events) eventAt.set(a + e.index, e.event);
  }
  return { scores: Float64Array.from(scores), flags: Uint8Array.from(flags), drift: Uint8Array.from(drift), events: [], eventAt };
}

function noisy(n: number, seed = 7, mean = 0): number[] {
  const r = new Random(seed);
  return Array.from({ length: n }, () => mean + r.normal());
}

describe('StreamEngine, online scorers', () => {
  it('windowed_gaussian through the engine gives GaussianStream.push scores when nothing is flagged', async () => {
    const v = noisy(2000);
    const engine = new StreamEngine({ features: 1, protect: false, source: onlineSource('windowed_gaussian', { window_size: 100, step_size: 10 }, 1, 42) });
    const out = await pushAll(engine, v, 333);
    const g = new GaussianStream(100, 10);
    const want = v.map((x) => g.push(x));
    expect(Array.from(out.scores)).toEqual(want);
    // 'model' threshold: windowed_gaussian's own, 1 − Q(5) (its second point, against a one-value window, is past it).
    expect(Array.from(out.flags)).toEqual(want.map((s) => (s > AUTO_THRESHOLD ? 1 : 0)));
  });

  it('protect leaves flagged points out of learning (and learns them with protect off)', async () => {
    const v = noisy(400);
    v[200] = 50; // far out: flagged at any threshold below 1
    const run = async (protect: boolean) => pushAll(new StreamEngine({ features: 1, protect, train: 100, threshold: { kind: 'fixed', value: 0.999 }, source: { kind: 'online', make: () => new WindowedGaussianScorer(1000, 1) } }), v);
    const on = await run(true);
    const off = await run(false);
    expect(on.flags[200]).toBe(1);
    // Learnt, the outlier widens the window's std: the next points score lower than when it was left out.
    expect(off.scores[201]).toBeLessThan(on.scores[201]);
    // Every point of the probation (the first train = 100) is learnt; after it, flagged ones are not.
    const g = new GaussianStream(1000, 1);
    let learnt = 0;
    const want = v.map((x) => {
      const s = g.score(x);
      if (!(s > 0.999) || learnt < 100) {
        g.learn(x);
        learnt++;
      }
      return s;
    });
    expect(Array.from(on.scores)).toEqual(want);
  });

  it('a moving threshold (QuantileFilter) flags scores at or above the running quantile', async () => {
    const v = noisy(3000, 3);
    const engine = new StreamEngine({ features: 1, protect: false, threshold: { kind: 'moving', make: () => new QuantileFilter(0.95) }, source: onlineSource('windowed_gaussian', { window_size: 200, step_size: 1 }, 1, 42) });
    const out = await pushAll(engine, v, 1000);
    const q = new QuantileFilter(0.95);
    const want = Array.from(out.scores, (s) => {
      const f = q.isAnomaly(s) ? 1 : 0;
      q.update(s);
      return f;
    });
    expect(Array.from(out.flags)).toEqual(want);
    const rate = want.reduce((a: number, b) => a + b, 0) / v.length;
    expect(rate).toBeGreaterThan(0.02);
    expect(rate).toBeLessThan(0.1);
  });

  it('contamination on an online scorer flags about that share once its threshold is set', async () => {
    const v = noisy(20_000, 5);
    const engine = new StreamEngine({ features: 1, protect: false, updateEvery: 1000, updateWindow: 5000, threshold: { kind: 'contamination', value: 0.02 }, source: onlineSource('half_space_trees', {}, 1, 42) });
    const out = await pushAll(engine, v, 4096);
    expect(out.flags.slice(0, 999).every((f) => f === 0)).toBe(true);
    const later = out.flags.slice(5000).reduce((a, b) => a + b, 0) / 15_000;
    expect(later).toBeGreaterThan(0.005);
    expect(later).toBeLessThan(0.05);
  });

  it('drift reset makes an online scorer start over', async () => {
    const v = noisy(600);
    const engine = new StreamEngine({ features: 1, drift: { make: scriptedDrift([299]), on: 'value', policy: 'reset' }, source: { kind: 'online', make: () => new WindowedGaussianScorer(50, 1) } });
    const out = await pushAll(engine, v, 128);
    expect(out.drift[299]).toBe(1);
    expect(out.eventAt.get(300)).toEqual({ updated: true, points: 0, reason: 'reset' });
    // After the reset, the scorer starts empty: point 300 is its first value (score 0), then as a fresh stream.
    const g = new GaussianStream(50, 1);
    const want = v.slice(300).map((x) => g.push(x));
    expect(Array.from(out.scores.slice(300))).toEqual(want);
  });

  it('drift retrain swaps in a scorer that learnt exactly the points since the drift', async () => {
    const v = noisy(900);
    const engine = new StreamEngine({ features: 1, train: 200, drift: { make: scriptedDrift([299]), on: 'value', policy: 'retrain' }, source: { kind: 'online', make: () => new WindowedGaussianScorer(1000, 1) } });
    const out = await pushAll(engine, v, 100);
    // Points 300…499 are learnt by the fresh scorer; it takes over from point 500.
    expect(out.eventAt.get(500)).toEqual({ updated: true, points: 200, reason: 'retrain' });
    const g = new GaussianStream(1000, 1);
    for (const x of v.slice(300, 500)) g.learn(x);
    expect(Array.from(out.scores.slice(500))).toEqual(v.slice(500).map((x) => g.push(x)));
  });

  it('drift select with an online scorer: the fresh one joins after train points, both learn, the lower recent mean scores', async () => {
    const v = noisy(1000, 22).map((x, i) => (i >= 300 && i < 600 ? x + 10 : x));
    const engine = new StreamEngine({ features: 1, train: 100, selectWindow: 20, protect: false, drift: { make: scriptedDrift([299]), on: 'value', policy: 'select' }, source: { kind: 'online', make: () => new WindowedGaussianScorer(150, 1) } });
    const out = await pushAll(engine, v, 128);
    expect(out.eventAt.get(400)).toEqual({ updated: true, points: 100, reason: 'select', switched: 'newer' });
    expect(engine.models).toBe(2);
    // The fresh scorer learnt 300…399 and goes on learning: it scores 400…418, before it has 20 recent scores to compare.
    const g = new GaussianStream(150, 1);
    for (const x of v.slice(300, 400)) g.learn(x);
    const fresh = v.slice(400, 419).map((x) => g.push(x));
    expect(Array.from(out.scores.slice(400, 419))).toEqual(fresh);
    // Every later switch is reported, and the older scorer (which learnt every point) is one of the two.
    const switches = [...out.eventAt.entries()].filter(([k]) => k > 400).map(([, e]) => (e as { switched: string }).switched);
    expect(switches.every((w) => w === 'older' || w === 'newer')).toBe(true);
  });
});

describe('StreamEngine, batch detectors', () => {
  it('learns the first train points (score 0), then the fitted model scores; the event says so', async () => {
    const v = noisy(300, 1, 10);
    const src = meanSource();
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, source: src }), v, 64);
    expect(Array.from(out.scores.slice(0, 100)).every((s) => s === 0)).toBe(true);
    expect(src.fits.length).toBe(1);
    expect(Array.from(src.fits[0].data)).toEqual(v.slice(0, 100));
    const mean = v.slice(0, 100).reduce((a, b) => a + b, 0) / 100;
    expect(out.scores[150]).toBeCloseTo(Math.abs(v[150] - mean), 12);
    expect(out.eventAt.get(100)).toEqual({ updated: true, points: 100, reason: 'initial' });
  });

  it('deterministic swap: a refit every N on the last W points takes over exactly k points later, however the stream is batched', async () => {
    const v = noisy(2000, 2).map((x, i) => x + i / 100); // a slow trend, so each refit's mean differs
    const run = async (batch: number) => {
      const src = meanSource(null, 1e9);
      const engine = new StreamEngine({ features: 1, train: 100, updateEvery: 250, updateWindow: 400, swap: { after: 7 }, source: src });
      return { out: await pushAll(engine, v, batch), src };
    };
    const a = await run(2000);
    const b = await run(37);
    expect(Array.from(b.out.scores)).toEqual(Array.from(a.out.scores));
    expect([...b.out.eventAt.keys()]).toEqual([...a.out.eventAt.keys()]);
    // Fit 1 on points 0…99 (event at 100); update after point 349 learnt, fitted on 0…349 (≤ 400 points), in at 350 + 7.
    expect([...a.out.eventAt.keys()].slice(0, 3)).toEqual([100, 357, 614]);
    expect(a.out.eventAt.get(357)).toEqual({ updated: true, points: 350, reason: 'update' });
    // The next update comes due 250 points after the swap (after point 606 is learnt): the 400 points before 607.
    expect(Array.from(a.src.fits[2].data)).toEqual(v.slice(207, 607));
    const m1 = v.slice(0, 100).reduce((s, x) => s + x, 0) / 100;
    const m2 = v.slice(0, 350).reduce((s, x) => s + x, 0) / 350;
    expect(a.out.scores[356]).toBeCloseTo(Math.abs(v[356] - m1), 12); // the old model until the swap
    expect(a.out.scores[357]).toBeCloseTo(Math.abs(v[357] - m2), 12);
  });

  it("swap 'ready': scoring goes on with the old model while the refit runs, and the new one takes over", async () => {
    const v = noisy(1200, 4);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const src = meanSource();
    const fit = src.fit;
    src.fit = async (X) => {
      if (src.fits.length >= 1) await gate; // the refit (not the first fit) waits until released
      return fit(X);
    };
    const engine = new StreamEngine({ features: 1, train: 100, updateEvery: 100, source: src });
    const first = await engine.push(column(v.slice(0, 600)));
    expect(first.events.map((e) => e.index)).toEqual([100]);
    expect(engine.fitting).toBe(true);
    release();
    await new Promise((r) => setTimeout(r, 0));
    const second = await engine.push(column(v.slice(600)));
    expect(second.events[0]).toEqual({ index: 0, event: { updated: true, points: 100, reason: 'update' } });
    // Meanwhile the first model scored every point.
    const m1 = v.slice(0, 100).reduce((s, x) => s + x, 0) / 100;
    expect(first.scores[599]).toBeCloseTo(Math.abs(v[599] - m1), 12);
    expect(second.scores[1]).not.toBeCloseTo(Math.abs(v[601] - m1), 12);
  });

  it('a model with fineTune(X, epochs) (the recurrent autoencoders) is fine-tuned on updates instead of refitted', async () => {
    const v = noisy(700, 21, 3);
    const calls: { rows: number; epochs: number }[] = [];
    class Tunable extends MeanModel {
      async fineTune(X: Matrix, epochs: number): Promise<FittedModel> {
        calls.push({ rows: X.rows, epochs });
        let s = 0;
        for (let i = 0; i < X.rows; i++) s += X.data[i];
        return new Tunable((this.mean + s / X.rows) / 2, 1, 1e9);
      }
    }
    const src = meanSource(null, 1e9);
    const fit = src.fit;
    src.fit = async (X) => {
      const m = (await fit(X)) as MeanModel;
      return new Tunable(m.mean, 1, 1e9);
    };
    src.fineTuneEpochs = 3;
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, updateEvery: 200, updateWindow: 150, swap: { after: 0 }, source: src }), v, 64);
    expect(src.fits.length).toBe(1); // the first fit only
    expect(calls).toEqual([{ rows: 150, epochs: 3 }, { rows: 150, epochs: 3 }, { rows: 150, epochs: 3 }]);
    expect([...out.eventAt.keys()]).toEqual([100, 300, 500, 700].filter((k) => k < 700));
  });

  it('a sequence model (lstm_ae, gru_ae: windows the rows itself) gets the rows before each block it scores, and fits on consecutive points', async () => {
    // Its score of row t: the sum of rows t−2…t; rows without two before them score 0 (warming up), as the RNN autoencoders do.
    class SumOf3 extends MeanModel {
      async score(X: Matrix): Promise<Scores> {
        const out = new Float64Array(X.rows);
        for (let t = 2; t < X.rows; t++) out[t] = X.data[t] + X.data[t - 1] + X.data[t - 2];
        return Scores.with(out, 'test');
      }
    }
    const v = noisy(600, 23);
    v[250] = 100; // flagged, yet in the next fit: a sequence model fits on consecutive points
    const fits: Matrix[] = [];
    const src: BatchSource = { kind: 'batch', window: null, sequence: 2, fit: async (X) => (fits.push(X), new SumOf3(0, 1, 50)) };
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, updateEvery: 200, updateWindow: 200, swap: { after: 0 }, source: src }), v, 37);
    for (let t = 100; t < 600; t++) expect(out.scores[t]).toBeCloseTo(v[t] + v[t - 1] + v[t - 2], 12);
    expect(out.flags[250]).toBe(1);
    expect(Array.from(fits[1].data)).toEqual(v.slice(100, 300));
  });

  it('protect: no training window holds a flagged point; without protect they do', async () => {
    const v = noisy(400, 9, 0);
    for (const i of [150, 220, 221]) v[i] = 100; // |x − mean| > 5: flagged by MeanModel
    const run = async (protect: boolean) => {
      const src = meanSource(windowSpec({ window_size: 3 }));
      await pushAll(new StreamEngine({ features: 1, protect, train: 100, updateEvery: 200, updateWindow: 200, swap: { after: 0 }, source: src }), v, 50);
      return src;
    };
    const on = await run(true);
    expect(on.fits.length).toBe(2);
    const has100 = (m: Matrix) => Array.from(m.data).includes(100);
    expect(on.fits[1].cols).toBe(3);
    expect(has100(on.fits[1])).toBe(false);
    // Windows ending at points 100…299, less the 3 + 4 that hold 150 or 220/221.
    expect(on.fits[1].rows).toBe(200 - 3 - 4);
    const off = await run(false);
    expect(has100(off.fits[1])).toBe(true);
    expect(off.fits[1].rows).toBe(200);
  });

  it('windows: a windowed score reads the points before it, across batches', async () => {
    const v = noisy(500, 11);
    const src = meanSource(windowSpec({ window_size: 4, differences: 1 }));
    const a = await pushAll(new StreamEngine({ features: 1, train: 100, source: src }), v, 500);
    const b = await pushAll(new StreamEngine({ features: 1, train: 100, source: meanSource(windowSpec({ window_size: 4, differences: 1 })) }), v, 13);
    expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    // MeanModel scores the window's last value: the first difference at the point.
    const mean = Array.from(src.fits[0].data).filter((_, i) => i % 4 === 3).reduce((s, x) => s + x, 0) / src.fits[0].rows;
    expect(a.scores[300]).toBeCloseTo(Math.abs(v[300] - v[299] - mean), 12);
  });

  it('drift reset drops a batch model: train points score 0, then a model of those points', async () => {
    const v = noisy(700, 12);
    const src = meanSource();
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, drift: { make: scriptedDrift([299]), on: 'value', policy: 'reset' }, source: src }), v, 90);
    expect(Array.from(out.scores.slice(300, 400)).every((s) => s === 0)).toBe(true);
    expect(out.eventAt.get(300)).toEqual({ updated: true, points: 0, reason: 'reset' });
    expect(out.eventAt.get(400)).toEqual({ updated: true, points: 100, reason: 'reset' });
    expect(Array.from(src.fits[1].data)).toEqual(v.slice(300, 400));
  });

  it('drift retrain: the old model scores until train points since the drift have arrived, then theirs', async () => {
    const v = noisy(800, 13).map((x, i) => (i >= 300 ? x + 20 : x));
    const src = meanSource();
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, swap: { after: 0 }, drift: { make: scriptedDrift([299]), on: 'value', policy: 'retrain' }, source: src }), v, 77);
    expect(out.eventAt.get(400)).toEqual({ updated: true, points: 100, reason: 'retrain' });
    expect(Array.from(src.fits[1].data)).toEqual(v.slice(300, 400));
    expect(out.flags.slice(300, 400).every((f) => f === 1)).toBe(true); // the old model sees the shift
    expect(out.flags.slice(400).reduce((a, b) => a + b, 0)).toBe(0); // the new one does not
  });

  it('drift select keeps two models and scores with the one whose recent mean score is lower, reporting switches', async () => {
    // Level 0, shift to 20 at 300, back to 0 at 600: after the return, the older model fits better.
    const v = noisy(1000, 14).map((x, i) => (i >= 300 && i < 600 ? x + 20 : x));
    const src = meanSource(null, 1e9);
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, selectWindow: 20, swap: { after: 0 }, drift: { make: scriptedDrift([299]), on: 'value', policy: 'select' }, source: src }), v, 64);
    expect(out.eventAt.get(400)).toEqual({ updated: true, points: 100, reason: 'select', switched: 'newer' });
    // Back at level 0 the newer model's recent scores rise past the older's: a switch to the older.
    const switches = [...out.eventAt.entries()].filter(([, e]) => (e as { switched?: string }).switched === 'older');
    expect(switches.length).toBe(1);
    const at = switches[0][0];
    expect(at).toBeGreaterThan(600);
    expect(at).toBeLessThan(600 + 20);
    const m0 = v.slice(0, 100).reduce((s, x) => s + x, 0) / 100;
    expect(out.scores[700]).toBeCloseTo(Math.abs(v[700] - m0), 12);
  });

  it('drift on the score: the detector watches the scores, from the first scored point', async () => {
    const seen: number[] = [];
    const make = (): DriftDetector => ({ id: 'page_hinkley', driftDetected: false, update: (x: number) => (seen.push(x), false), reset() {} });
    const v = noisy(300, 15);
    const out = await pushAll(new StreamEngine({ features: 1, train: 100, drift: { make, on: 'score', policy: 'none' }, source: meanSource() }), v, 50);
    expect(seen).toEqual(Array.from(out.scores.slice(100)));
  });

  it('an Isolation Forest over windows: after each refit, the stream scores as that model scores the windows', async () => {
    const v = noisy(3000, 16);
    v[2500] += 30;
    const params = { window_size: 3, n_estimators: 50, contamination: 0.01 };
    const w = windowSpec(params)!;
    const models: FittedModel[] = [];
    const src: BatchSource = { kind: 'batch', window: w, fit: async (X) => { const m = await fitModel('iforest', { ...params, window_size: 0 }, X, { seed: 1 }); models.push(m); return m; } };
    const engine = new StreamEngine({ features: 1, train: 500, updateEvery: 1000, updateWindow: 1000, swap: { after: 0 }, source: src });
    const out = await pushAll(engine, v, 512);
    expect([...out.eventAt.entries()].map(([k, e]) => [k, (e as { reason: string }).reason])).toEqual([[500, 'initial'], [1500, 'update'], [2500, 'update']]);
    expect(models.length).toBe(3);
    expect(models[2].features).toBe(3);
    const last = models[2];
    const windows = windowFeatures(column(v), w, 2500);
    const want = await last.score(windows);
    expect(Array.from(out.scores.slice(2500))).toEqual(Array.from(want));
    expect(Array.from(out.flags.slice(2500))).toEqual(Array.from(want, (s) => (s > last.threshold ? 1 : 0)));
  });
});

describe('StreamEngine, bounded memory', () => {
  it('holds a fixed number of points however long the stream', async () => {
    const src = meanSource(windowSpec({ window_size: 5 }));
    const engine = new StreamEngine({ features: 2, train: 50, updateEvery: 100, updateWindow: 300, swap: { after: 0 }, selectWindow: 10, source: src, drift: { make: scriptedDrift([1000, 5000]), on: 'value', policy: 'select' } });
    const r = new Random(3);
    const internals = engine as unknown as { history: { capacity: number; length: number }; slots: unknown[] };
    for (let b = 0; b < 40; b++) {
      const data = Float64Array.from({ length: 2 * 500 }, () => r.normal());
      await engine.push({ data, rows: 500, cols: 2 });
      expect(internals.history.length).toBeLessThanOrEqual(304);
      expect(internals.slots.length).toBeLessThanOrEqual(2);
    }
    expect(internals.history.capacity).toBe(300 + 4); // update_window + the window's context
    expect(engine.seen).toBe(20_000);
  });

  it('refuses parameters out of range with the value in the message', () => {
    const online: StreamEngineOptions['source'] = { kind: 'online', make: (): OnlineScorer => new WindowedGaussianScorer(10, 1) };
    expect(() => new StreamEngine({ features: 0, source: online })).toThrow(/at least one feature column, got: 0/);
    expect(() => new StreamEngine({ features: 1, train: 0, source: online })).toThrow(/train must be a whole number >= 1, got: 0/);
    expect(() => new StreamEngine({ features: 1, threshold: { kind: 'contamination', value: 0.7 }, source: online })).toThrow(/contamination must be in \(0, 0.5\], got: 0.7/);
    expect(() => new StreamEngine({ features: 1, updateEvery: 10, source: online })).toThrow(/learns every point/);
    expect(() => new StreamEngine({ features: 1, train: 5, source: meanSource(windowSpec({ window_size: 10 })) })).toThrow(/train must be more than the 9 points a window reads before its last \(a first fit needs one full window\), got: 5/);
  });
});
