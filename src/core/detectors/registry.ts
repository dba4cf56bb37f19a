/**
 * Every detector's implementation by id, for the detector workers, the CLI and tests: importing
 * this module loads every solver and trainer. The page and the pool's main-thread side read
 * specs.ts (metadata only) instead.
 */
import type { DetectorSpec, ModelJSON, FittedModel } from './detector.js';
import { DETECTOR_METAS } from './specs.js';
import { zscore } from './zscore.js';
import { iforest } from './iforest.js';
import { lof } from './lof.js';
import { knn } from './knn.js';
import { autoencoder } from './autoencoder.js';
import { ocsvm } from './ocsvm.js';
import { windowedGaussian } from './windowed-gaussian.js';
import { halfSpaceTrees } from './half-space-trees.js';
import { withWindows } from './windowed.js';
import { gruAe, lstmAe } from './rnn-ae.js';
import { makeEnsemble } from './ensemble.js';

export { DEFAULT_DETECTOR } from './specs.js';

// Tabular detectors (specs.ts: slidingWindows) fit and load over sliding windows when window_size > 0 (windowed.ts).
const IMPLEMENTATIONS: DetectorSpec[] = [iforest, lof, knn, ocsvm, zscore, autoencoder, windowedGaussian, halfSpaceTrees].map(withWindows)
  // The recurrent autoencoders window the rows themselves (specs.ts: sequenceWindows), unwrapped.
  .concat([lstmAe, gruAe])
  // The ensemble fits and loads its members through getDetector (called at fit / load time only).
  .concat([makeEnsemble((id) => getDetector(id))]);

/** In specs.ts's order (the picker's); a detector whose metadata has no implementation is a load-time error. */
export const DETECTORS: DetectorSpec[] = DETECTOR_METAS.map((meta) => {
  const d = IMPLEMENTATIONS.find((x) => x.id === meta.id);
  if (!d) throw new Error(`detector '${meta.id}' is in specs.ts but has no implementation in registry.ts`);
  return d;
});

export function getDetector(id: string): DetectorSpec {
  const d = DETECTORS.find((x) => x.id === id);
  if (!d) throw new RangeError(`unknown detector '${id}' (available: ${DETECTORS.map((x) => x.id).join(', ')})`);
  return d;
}

export function loadModel(json: ModelJSON): FittedModel {
  if (!json || typeof json !== 'object' || typeof json.detector !== 'string') throw new TypeError('not an Anomaly Lab model file');
  return getDetector(json.detector).load(json);
}
