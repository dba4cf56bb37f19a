/** Plain functions of a detector worker (see detector.worker.ts); no messaging in here. */
import * as Comlink from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, type BackendChoice, type BackendPreference } from '../core/compute/backend';
import { fitAndScore, fitModel } from '../core/detectors/run';
import { loadModel } from '../core/detectors/registry';
import type { Matrix } from '../core/data/matrix';
import type { EpochReport, FittedModel, ModelInfo, ModelJSON } from '../core/detectors/detector';
import { isExplainable } from '../core/detectors/autoencoder';
import { neighborsFor, type Neighbors } from '../core/neighbors';

let backend: Promise<BackendChoice> | null = null;

/** Pick this worker's tfjs backend once; the app's setting decides the preference. */
export function init(preference: BackendPreference): Promise<BackendChoice> {
  if (!backend) {
    backend = chooseBackend(preference, {
      // Served by the app itself: no CDN.
      wasmPaths: {
        'tfjs-backend-wasm.wasm': wasmPlain,
        'tfjs-backend-wasm-simd.wasm': wasmSimd,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
      },
    });
  }
  return backend;
}

export interface RunReply {
  model: ModelJSON;
  scores: Float64Array;
  /** Whether the detector has a decision_function (= threshold − score; the page derives it). */
  hasDecision: boolean;
  info: ModelInfo;
  timings: { fit: number; score: number };
  backend: string;
}

export interface RunJob {
  detector: string;
  params: Record<string, unknown>;
  train: Matrix;
  score?: Matrix;
  model?: ModelJSON;
  seed: number;
}

export async function run(job: RunJob, onProgress?: (fraction: number, message?: string) => void, onEpoch?: (e: EpochReport) => void, neighbors?: (X: Matrix, k: number) => Promise<Neighbors>): Promise<RunReply> {
  const choice = await (backend ?? init('auto'));
  const result = await fitAndScore(
    { detector: job.detector, params: job.params, train: job.train, score: job.score, model: job.model, decision: false },
    { seed: job.seed, backend: choice.backend, onProgress, onEpoch, neighbors },
  );
  const { scores } = result;
  const reply: RunReply = {
    model: result.model.toJSON(),
    scores,
    hasDecision: typeof result.model.decisionFunction === 'function',
    info: result.model.info,
    timings: result.timings,
    backend: choice.backend,
  };
  return Comlink.transfer(reply, [scores.buffer as ArrayBuffer]);
}

/** The last model fitted by `fit` with its training rows, kept here so they need not travel back. */
let kept: { model: FittedModel; X: Matrix } | null = null;

/**
 * Fit on all rows and keep model and rows in this worker (the pool then scores a
 * chunk here with scoreKept while other workers score theirs). The training
 * scores come back when the fit computed them anyway (contamination fraction).
 */
export async function fit(job: RunJob, onProgress?: (fraction: number, message?: string) => void, onEpoch?: (e: EpochReport) => void, neighbors?: (X: Matrix, k: number) => Promise<Neighbors>): Promise<{ model: ModelJSON; trainingScores: Float64Array | null; hasDecision: boolean; info: ModelInfo; fitMs: number; backend: string }> {
  const choice = await (backend ?? init('auto'));
  const t0 = performance.now();
  const model = await fitModel(job.detector, job.params, job.train, { seed: job.seed, backend: choice.backend, onProgress, onEpoch, neighbors });
  const trainingScores = model.trainingScores ?? null;
  // With every training row scored already there is nothing left to score here.
  kept = trainingScores ? null : { model, X: job.train };
  const reply = { model: model.toJSON(), trainingScores, hasDecision: typeof model.decisionFunction === 'function', info: model.info, fitMs: performance.now() - t0, backend: choice.backend };
  return Comlink.transfer(reply, trainingScores ? [trainingScores.buffer as ArrayBuffer] : []);
}

/** Score rows [start, end) of the rows kept by `fit`, then let them go. */
export async function scoreKept(start: number, end: number): Promise<Float64Array> {
  if (!kept) throw new Error('no fitted model is kept in this worker');
  const { model, X } = kept;
  kept = null;
  const choice = await (backend ?? init('auto'));
  const scores = await model.score({ data: X.data.subarray(start * X.cols, end * X.cols), rows: end - start, cols: X.cols }, { backend: choice.backend });
  return Comlink.transfer(scores, [scores.buffer as ArrayBuffer]);
}

/** Score rows with a fitted model (one chunk of a larger job). */
export async function scoreWith(model: ModelJSON, X: Matrix): Promise<{ scores: Float64Array; info: ModelInfo; hasDecision: boolean }> {
  const choice = await (backend ?? init('auto'));
  const m = loadModel(model);
  const scores = await m.score(X, { backend: choice.backend });
  // The model's info after scoring says how this worker computed the scores.
  return Comlink.transfer({ scores, info: m.info, hasDecision: typeof m.decisionFunction === 'function' }, [scores.buffer as ArrayBuffer]);
}

/**
 * Why rows scored as they did, for detectors that can say (the autoencoder's
 * per-feature squared reconstruction errors, rows × features); null otherwise.
 */
export async function explain(model: ModelJSON, X: Matrix): Promise<Float64Array | null> {
  const choice = await (backend ?? init('auto'));
  const m = loadModel(model);
  if (!isExplainable(m)) return null;
  const e = await m.explain(X, { backend: choice.backend });
  return Comlink.transfer(e, [e.buffer as ArrayBuffer]);
}

/** One share of a neighbour search split across the pool: rows [range) of X against all of X, self excluded. */
export async function neighbors(X: Matrix, k: number, range: [number, number]): Promise<Neighbors> {
  const choice = await (backend ?? init('auto'));
  // On a GPU backend the float32 candidates come from matMul + topk, refined exactly (same result).
  const nb = await neighborsFor(X, k, undefined, { rows: range, backend: choice.backend });
  return Comlink.transfer(nb, [nb.distances.buffer as ArrayBuffer, nb.indices.buffer as ArrayBuffer]);
}
