/**
 * Export a fitted model as an ONNX graph that ONNX Runtime scores (issue 24): see graph.ts for
 * the contract (input X [N, features]; outputs score, is_anomaly, decision_function; metadata
 * columns, threshold, detector, params). One exporter per detector family; detectors without an
 * ONNX form are refused with an OnnxExportError naming the ones that have one.
 *
 * @example
 * const bytes = exportOnnx(model, { dtype: 'float64', columns: ['f0', 'f1'] });
 * // onnxruntime: session.run({ X: new ort.Tensor('float64', data, [rows, 2]) }) → { score, is_anomaly, decision_function }
 */
import type { FittedModel } from '../detectors/detector.js';
import type { ModelJSON } from '../detectors/model-schema.js';
import { GraphBuilder, OnnxExportError, type OnnxDtype } from './graph.js';
import { iforestGraph } from './iforest.js';
import { zscoreGraph } from './zscore.js';
import { knnGraph, lofGraph } from './neighbors.js';
import { ocsvmGraph } from './ocsvm.js';
import { autoencoderGraph } from './autoencoder.js';
import { ensembleGraph } from './ensemble.js';
import { rnnGraph } from './rnn.js';

export { OnnxExportError, ONNX_OPSET, ONNX_ML_OPSET, type OnnxDtype } from './graph.js';
export { NEIGHBOR_ROWS_LIMIT, NEIGHBOR_CELLS_LIMIT } from './neighbors.js';

type Exporter = (g: GraphBuilder, json: ModelJSON) => string;

const EXPORTERS: Record<string, Exporter> = {
  iforest: iforestGraph,
  zscore: zscoreGraph,
  knn: knnGraph,
  lof: lofGraph,
  ocsvm: ocsvmGraph,
  autoencoder: autoencoderGraph,
  lstm_ae: rnnGraph,
  gru_ae: rnnGraph,
  ensemble: (g, json) => ensembleGraph(g, json, memberGraph),
};

/** A member's score subgraph (ensembles): refused as the member itself would be. */
function memberGraph(g: GraphBuilder, json: ModelJSON): string {
  const support = onnxSupport(json.detector, json.params);
  if (!support.ok) throw new OnnxExportError(support.reason);
  return EXPORTERS[json.detector](g, json);
}

/** Detector ids with an ONNX export. */
export const ONNX_DETECTORS: readonly string[] = Object.keys(EXPORTERS);

/** Whether a detector (with these params: windowed models have none yet) can be exported. */
export function onnxSupport(detector: string, params: Record<string, unknown> = {}): { ok: true } | { ok: false; reason: string } {
  if (!Object.hasOwn(EXPORTERS, detector)) return { ok: false, reason: `${detector} has no ONNX export yet (exportable: ${ONNX_DETECTORS.join(', ')})` };
  if (detector !== 'lstm_ae' && detector !== 'gru_ae' && Number(params.window_size ?? 0) > 0) return { ok: false, reason: `${detector} over sliding windows (window_size ${String(params.window_size)}) has no ONNX export yet: export a model fitted on rows (window_size 0)` };
  return { ok: true };
}

export interface OnnxExportOptions {
  /** X's and the outputs' element type (default float32, sklearn-onnx's). */
  dtype?: OnnxDtype;
  /** Feature names for the `columns` metadata; the model's own when it has them, else f0, f1, … */
  columns?: string[];
}

/**
 * The ONNX bytes of a fitted model. Throws OnnxExportError (a RangeError with a sentence for the
 * user) for a detector with no ONNX form or a model too large to export; nothing is written then.
 */
export function exportOnnx(model: FittedModel, options: OnnxExportOptions = {}): Uint8Array {
  const json = model.toJSON();
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new OnnxExportError(`ONNX dtype must be float32 or float64, got: ${String(dtype)}`);
  const support = onnxSupport(json.detector, json.params);
  if (!support.ok) throw new OnnxExportError(support.reason);
  const columns = options.columns ?? json.columns ?? Array.from({ length: json.features }, (_, i) => `f${i}`);
  if (columns.length !== json.features) throw new OnnxExportError(`the model has ${json.features} feature columns, but ${columns.length} names were given`);
  const g = new GraphBuilder(dtype, json.features);
  const score = EXPORTERS[json.detector](g, json);
  const decisionOffset = model.decisionFunction ? (model.decisionOffset ?? model.threshold) : undefined;
  g.finish(score, model.threshold, decisionOffset);
  return g.encode(
    { columns: JSON.stringify(columns), threshold: String(model.threshold), detector: json.detector, params: JSON.stringify(json.params) },
    decisionOffset !== undefined,
    `Anomaly Lab ${json.detector} model: input X [N, ${json.features}] ${dtype} in the columns' order; score (higher = more anomalous), is_anomaly = score > threshold${decisionOffset !== undefined ? ', decision_function (negative = outlier)' : ''}`,
  );
}
