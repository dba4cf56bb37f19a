/** Plain functions of a detector worker (see detector.worker.ts); no messaging in here. */
import * as Comlink from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, type BackendChoice, type BackendPreference } from '../core/compute/backend';
import { fitAndScore } from '../core/detectors/run';
import { loadModel } from '../core/detectors/registry';
import type { Matrix } from '../core/data/matrix';
import { decisionFromScores, type ModelInfo, type ModelJSON } from '../core/detectors/detector';

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
  decision: Float64Array | null;
  /** Whether `scores` are the scores of every training row. */
  scored: boolean;
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
  /** Fit on all of `train` but score only its first rows (the other chunks go to other workers). */
  firstRows?: number;
}

export async function run(job: RunJob, onProgress?: (fraction: number, message?: string) => void): Promise<RunReply> {
  const choice = await (backend ?? init('auto'));
  const { train, firstRows } = job;
  const head = firstRows !== undefined && firstRows < train.rows ? { data: train.data.subarray(0, firstRows * train.cols), rows: firstRows, cols: train.cols } : undefined;
  const result = await fitAndScore(
    { detector: job.detector, params: job.params, train, score: job.score ?? head, model: job.model },
    { seed: job.seed, backend: choice.backend, onProgress },
  );
  // A model that scored every training row while fitting (contamination fraction) covers all chunks at once.
  const all = head && result.model.trainingScores?.length === train.rows ? result.model.trainingScores : null;
  const scores = all ?? result.scores;
  const decision = all ? decisionFromScores(result.model, all) : result.decision;
  const reply: RunReply = {
    model: result.model.toJSON(),
    scores,
    decision,
    scored: !head || all !== null,
    info: result.model.info,
    timings: result.timings,
    backend: choice.backend,
  };
  const buffers = [scores.buffer, ...(decision ? [decision.buffer] : [])];
  return Comlink.transfer(reply, buffers as ArrayBuffer[]);
}

/** Score rows with a fitted model (one chunk of a larger job). */
export async function scoreWith(model: ModelJSON, X: Matrix): Promise<{ scores: Float64Array; decision: Float64Array | null }> {
  const choice = await (backend ?? init('auto'));
  const m = loadModel(model);
  const scores = await m.score(X, { backend: choice.backend });
  const decision = decisionFromScores(m, scores);
  return Comlink.transfer({ scores, decision }, [scores.buffer, ...(decision ? [decision.buffer] : [])] as ArrayBuffer[]);
}
