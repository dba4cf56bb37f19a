/**
 * The stream command's fit thread: refits (and first fits) of a batch detector run here, so the
 * main thread keeps scoring with the current model meanwhile (stream-fit.ts). A request is
 * { id, detector, params, seed, data, rows, cols }; the reply { id, json } holds the fitted model's
 * toJSON(), or { id, error: { name, message } }.
 */
import { parentPort } from 'node:worker_threads';
import { getDetector } from '../core/detectors/registry.js';
import type { FitRequest, FitResponse } from './stream-fit.js';

parentPort!.on('message', async (req: FitRequest) => {
  let reply: FitResponse;
  try {
    const model = await getDetector(req.detector).fit({ data: req.data, rows: req.rows, cols: req.cols }, req.params, { seed: req.seed });
    reply = { id: req.id, json: model.toJSON() };
  } catch (e) {
    const err = e as Error;
    reply = { id: req.id, error: { name: err?.name ?? 'Error', message: err?.message ?? String(e) } };
  }
  parentPort!.postMessage(reply);
});
