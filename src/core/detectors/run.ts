/**
 * Fit a detector and score rows with it: the one sequence the CLI and the
 * detector workers both run, so the page and the command line agree.
 */
import { DEFAULT_SEED } from '../random.js';
import type { Matrix } from '../data/matrix.js';
import { decisionFromScores, type FitOptions, type FittedModel, type ModelJSON } from './detector.js';
import { resolveParams } from './params.js';
import { getDetector, loadModel } from './registry.js';
import { checkFiniteScores, fitOverflowError, scaleParamHint, type ScoreContext } from './overflow.js';

export interface RunResult {
  model: FittedModel;
  /** Scores of `score` rows (or the training rows), higher = more anomalous. */
  scores: Float64Array;
  /** How the scores were computed (the scoring call's path; the fit's when they came from fit). */
  compute: string;
  /** scikit-learn's decision_function where the detector defines one. */
  decision: Float64Array | null;
  timings: { fit: number; score: number };
}

export interface RunRequest {
  detector: string;
  params?: Record<string, unknown>;
  /** Rows to fit on. */
  train: Matrix;
  /** Rows to score; the training rows when absent. */
  score?: Matrix;
  /** A saved model to use instead of fitting. */
  model?: ModelJSON;
  /** Whether to return decision_function values too (default true; the page derives them when drawing). */
  decision?: boolean;
  /** Scores rows with the fitted model in place of model.score (e.g. split across threads). */
  scorer?: (model: FittedModel, X: Matrix) => Promise<Float64Array>;
  /** Names for the message when a score is NaN or infinite (overflow.ts): the scored file, the training file, the feature columns. */
  names?: { file: string; trainFile?: string; columns?: string[] };
}

/** Resolve the parameters (scikit-learn names, checked) and fit; the seed defaults to DEFAULT_SEED. */
export function fitModel(detector: string, params: Record<string, unknown> | undefined, train: Matrix, options: FitOptions = {}): Promise<FittedModel> {
  const spec = getDetector(detector);
  return spec.fit(train, resolveParams(spec.params, params ?? {}, spec.id), { seed: DEFAULT_SEED, ...options });
}

export async function fitAndScore(req: RunRequest, options: FitOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  let model: FittedModel;
  const spec = getDetector(req.model?.detector ?? req.detector);
  const names = req.names ?? { file: 'the data' };
  const context = (file: string, params: Record<string, unknown>): ScoreContext => ({ detector: spec.name, file, columns: names.columns, scaleParam: scaleParamHint(spec.params, params) });
  if (req.model) {
    model = loadModel(req.model);
  } else {
    try {
      model = await fitModel(req.detector, req.params, req.train, { ...options, onProgress: (f, m) => options.onProgress?.(f * 0.7, m) });
    } catch (e) {
      // A solver that failed on values whose squares overflow: say which column and row.
      throw fitOverflowError(e, req.train, context(names.trainFile ?? names.file, req.params ?? {})) ?? e;
    }
  }
  const t1 = performance.now();
  const target = req.score ?? req.train;
  const reuse = !req.score && !req.model && model.trainingScores && model.trainingScores.length === target.rows;
  const sOpts = { signal: options.signal, backend: options.backend, onProgress: (f: number) => options.onProgress?.(0.7 + 0.3 * f, 'scoring') };
  const scored = reuse || req.scorer ? null : await model.score(target, sOpts);
  const scores = scored ?? (reuse ? model.trainingScores! : await req.scorer!(model, target));
  // A NaN or infinite score never reaches a threshold, the metrics or a file: the run stops, naming the row and column.
  checkFiniteScores(scores, target, context(names.file, model.params));
  if (req.score && model.trainingScores) checkFiniteScores(model.trainingScores, req.train, context(names.trainFile ?? names.file, model.params));
  if (Number.isNaN(model.threshold)) throw new RangeError(`${spec.name}: the model's threshold is NaN`);
  const decision = req.decision === false ? null : decisionFromScores(model, scores);
  const t2 = performance.now();
  options.onProgress?.(1, 'done');
  return { model, scores, compute: scored?.compute || model.info.compute, decision, timings: { fit: t1 - t0, score: t2 - t1 } };
}
