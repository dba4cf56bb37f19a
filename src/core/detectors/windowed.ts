/**
 * Any tabular detector over sliding windows: with `window_size` > 0 (WINDOW_PARAMS in specs.ts) the
 * detector is fitted on windows of the training rows and scores each row as the window ending at it
 * (src/core/data/window-features.ts: layout, padding of the first rows, memory limit).
 *
 * - fit: every `stride`-th full window of the training rows (none padded); the inner detector sees
 *   `window_size × cols` features and window_size 0.
 * - score: every row, in blocks of rows (a block never holds more than SCORE_BLOCK_VALUES values).
 *   A row's score reads only that row and the `windowContext` rows before it: causal. Scoring a
 *   range of a series on its own therefore needs those rows first (the pool's and the CLI's chunks
 *   take them: `scoreRange`).
 * - The model saves as its detector's model file with the window parameters in `params` and
 *   `features` = the feature columns; the state is the inner model's (sized window_size × features),
 *   so a loaded model windows the same way.
 * - With stride 1 and a detector that scores its training rows while fitting (LOF, kNN: each
 *   training row's neighbours exclude itself), those scores become `trainingScores` of the rows, the
 *   first `windowContext` rows (padded windows) scored by the model.
 *
 * @example
 * const spec = withWindows(knn);
 * const m = await spec.fit(series, resolveParams(spec.params, { window_size: 10 }));
 * await m.score(series); // one score per row, each from the 10 rows ending at it
 */
import type { Matrix } from '../data/matrix.js';
import { SCORE_BLOCK_VALUES, trainingWindows, windowContext, windowFeatures, windowSpec, type WindowSpec } from '../data/window-features.js';
import { Scores, checkFeatures, checkModelJSON, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import type { Params } from './params.js';
import { ensembleMembersOf, usesWindows } from './specs.js';

/** The parameters the inner detector sees: windowing off (its state and params are a plain model's). */
function innerParams(params: Params): Params {
  return { ...params, window_size: 0, stride: 1, differences: 0 };
}

/**
 * `spec` with windowed fit and load (unchanged for a detector without sliding windows). Its metadata
 * stays the spec's own (minRows counts windows: a series too short for them is refused by
 * trainingWindows, or by the inner fit naming the count of windows).
 */
export function withWindows(spec: DetectorSpec): DetectorSpec {
  if (!spec.slidingWindows) return spec;
  return {
    ...spec,
    async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
      const w = windowSpec(params);
      if (!w) return spec.fit(X, params, options);
      const train = trainingWindows(X, w, spec.name);
      // Neighbours searched elsewhere are the rows', not the windows': the inner fit searches its own.
      const { neighbors: _rows, ...rest } = options;
      const inner = await spec.fit(train, innerParams(params), rest);
      const model = new WindowedModel(inner, params, w, X.cols);
      if (w.stride === 1 && inner.trainingScores && inner.trainingScores.length === train.rows) {
        const first = windowContext(w);
        const scores = new Float64Array(X.rows);
        if (first > 0) scores.set(await inner.score(windowFeatures(X, w, 0, first), { backend: options.backend, signal: options.signal }), 0);
        scores.set(inner.trainingScores, first);
        model.trainingScores = scores;
      }
      return model;
    },
    load(json: ModelJSON): FittedModel {
      const m = checkModelJSON(json, spec.id);
      const w = usesWindows(spec, m.params) ? windowSpec(m.params) : null;
      if (!w) return spec.load(json);
      const { columns: _names, ...rest } = m;
      const inner = spec.load({ ...rest, params: innerParams(m.params), features: m.features * w.size });
      return new WindowedModel(inner, m.params, w, m.features);
    },
  };
}

/** A fitted detector over windows: `features` feature columns in, one score per row out. */
class WindowedModel implements FittedModel {
  readonly detector: string;
  readonly threshold: number;
  readonly decisionOffset?: number;
  readonly scoreSamplesOffset?: number;
  trainingScores?: Float64Array;
  readonly info: ModelInfo;
  readonly decisionFunction?: (X: Matrix, options?: ScoreOptions) => Promise<Float64Array>;

  constructor(private readonly inner: FittedModel, readonly params: Params, private readonly w: WindowSpec, readonly features: number) {
    this.detector = inner.detector;
    this.threshold = inner.threshold;
    this.decisionOffset = inner.decisionOffset;
    this.scoreSamplesOffset = inner.scoreSamplesOffset;
    const windows = `window_size ${w.size} × ${features} column${features === 1 ? '' : 's'}${w.differences ? ' (first differences)' : ''}, fitted on every ${w.stride === 1 ? '' : `${w.stride}-th `}full window; causal`;
    this.info = { ...inner.info, details: { ...inner.info.details, windows } };
    if (typeof inner.decisionFunction === 'function') {
      this.decisionFunction = async (X, options) => {
        const s = await this.score(X, options);
        const t = this.decisionOffset ?? this.threshold;
        return Float64Array.from(s, (v) => t - v);
      };
    }
  }

  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, this.detector);
    const block = Math.max(256, Math.floor(SCORE_BLOCK_VALUES / (this.w.size * this.features)));
    const out = new Float64Array(X.rows);
    let compute = '';
    for (let a = 0; a < X.rows; a += block) {
      const b = Math.min(X.rows, a + block);
      const s = await this.inner.score(windowFeatures(X, this.w, a, b), { ...options, onProgress: undefined });
      compute ||= s.compute;
      out.set(s, a);
      options.onProgress?.(b / X.rows);
    }
    return Scores.with(out, compute || this.inner.info.compute);
  }

  toJSON(): ModelJSON {
    return { ...this.inner.toJSON(), params: this.params, features: this.features };
  }
}

/** Rows before a row that a model with these params reads when scoring it (0 for a model without windows; window_size − 1 for a sequence model, which has no differences). */
export function scoringContext(params: Record<string, unknown>, meta: { id?: string; slidingWindows?: boolean; sequenceWindows?: boolean }): number {
  // An ensemble reads as far back as its most demanding member.
  if (meta.id === 'ensemble') return Math.max(0, ...ensembleMembersOf(params).map((m) => scoringContext(m.params, m.meta)));
  if (!meta.slidingWindows && !meta.sequenceWindows) return 0;
  const w = windowSpec(params);
  return w ? windowContext(w) : 0;
}

/**
 * Scores rows [start, end) of a series with a model, reading them as `rowsFrom(a, b)` (rows [a, b) of
 * the series): a windowed model gets its context rows before `start` too, so the scores equal those
 * of scoring the whole series at once.
 */
export async function scoreRange(model: FittedModel, meta: { id?: string; slidingWindows?: boolean; sequenceWindows?: boolean }, start: number, end: number, rowsFrom: (a: number, b: number) => Promise<Matrix> | Matrix, options: ScoreOptions = {}): Promise<{ scores: Scores; rows: Matrix; offset: number }> {
  const from = Math.max(0, start - scoringContext(model.params, meta));
  const rows = await rowsFrom(from, end);
  const s = await model.score(rows, options);
  if (from === start) return { scores: s, rows, offset: start };
  const skip = start - from;
  return { scores: Scores.with(s.slice(skip), s.compute), rows: { data: rows.data.subarray(skip * rows.cols), rows: rows.rows - skip, cols: rows.cols }, offset: start };
}
