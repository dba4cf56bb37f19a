/** Every detector by id: the page's picker and the CLI's --detector read this. */
import type { DetectorSpec, ModelJSON, FittedModel } from './detector.js';
import { zscore } from './zscore.js';
import { iforest } from './iforest.js';
import { lof } from './lof.js';
import { knn } from './knn.js';
import { autoencoder } from './autoencoder.js';
import { ocsvm } from './ocsvm.js';

export const DETECTORS: DetectorSpec[] = [iforest, lof, knn, ocsvm, zscore, autoencoder];

/** The detector the page runs without a click (seed 42). */
export const DEFAULT_DETECTOR = 'iforest';

export function getDetector(id: string): DetectorSpec {
  const d = DETECTORS.find((x) => x.id === id);
  if (!d) throw new RangeError(`unknown detector '${id}' (available: ${DETECTORS.map((x) => x.id).join(', ')})`);
  return d;
}

export function loadModel(json: ModelJSON): FittedModel {
  if (!json || typeof json !== 'object' || typeof json.detector !== 'string') throw new TypeError('not an Anomaly Lab model file');
  return getDetector(json.detector).load(json);
}
