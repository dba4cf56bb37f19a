/** Every detector by id: the page's picker and the CLI's --detector read this. */
import type { DetectorSpec, ModelJSON, FittedModel } from './detector.js';
import { zscore } from './zscore.js';

export const DETECTORS: DetectorSpec[] = [zscore];

/** The detector the page runs without a click, until Isolation Forest lands. */
export const DEFAULT_DETECTOR = 'zscore';

export function getDetector(id: string): DetectorSpec {
  const d = DETECTORS.find((x) => x.id === id);
  if (!d) throw new RangeError(`unknown detector '${id}' (available: ${DETECTORS.map((x) => x.id).join(', ')})`);
  return d;
}

export function loadModel(json: ModelJSON): FittedModel {
  if (!json || typeof json !== 'object' || typeof json.detector !== 'string') throw new TypeError('not an Anomaly Lab model file');
  return getDetector(json.detector).load(json);
}
