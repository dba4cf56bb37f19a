/**
 * Models saved in this browser, in tfjs's own IndexedDB format (tf.io's
 * 'indexeddb://' handler: model topology as JSON, weights as one binary buffer
 * with their specs). For the autoencoder the weights are its tensors; other
 * detectors' fitted state is JSON and they store no weights. Keys:
 * `anomaly-lab/<detector>/<name>`.
 */
import type { ModelJSON } from '../../core/detectors/detector';
import { base64ToBytes, bytesToBase64 } from '../../core/data/base64';

const PREFIX = 'anomaly-lab/';

export interface SavedModel {
  key: string;
  detector: string;
  name: string;
  savedAt: string;
  bytes: number;
}

interface WeightsState {
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: string;
}

function hasWeights(state: unknown): state is WeightsState {
  const s = state as Partial<WeightsState> | null;
  return !!s && Array.isArray(s.weightSpecs) && typeof s.weightData === 'string';
}

const tfio = async () => (await import('@tensorflow/tfjs-core')).io;

export async function saveModel(name: string, model: ModelJSON): Promise<SavedModel> {
  const io = await tfio();
  const key = `${PREFIX}${model.detector}/${name}`;
  let topology: ModelJSON = model;
  let weightSpecs: WeightsState['weightSpecs'] = [];
  let weightData = new ArrayBuffer(0);
  if (hasWeights(model.state)) {
    const { weightData: b64, weightSpecs: specs, ...rest } = model.state;
    topology = { ...model, state: rest };
    weightSpecs = specs;
    const bytes = base64ToBytes(b64);
    weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  const [handler] = io.getSaveHandlers(`indexeddb://${key}`);
  if (!handler?.save) throw new Error('IndexedDB is not available in this browser');
  const r = await handler.save({
    modelTopology: topology as unknown as object, weightSpecs, weightData, format: 'anomaly-lab-model', generatedBy: 'Anomaly Lab',
  });
  return { key, detector: model.detector, name, savedAt: new Date().toISOString(), bytes: (r.modelArtifactsInfo.modelTopologyBytes ?? 0) + (r.modelArtifactsInfo.weightDataBytes ?? 0) };
}

export async function listModels(): Promise<SavedModel[]> {
  const io = await tfio();
  const all = await io.listModels();
  return Object.entries(all)
    .filter(([url]) => url.startsWith(`indexeddb://${PREFIX}`))
    .map(([url, info]) => {
      const key = url.slice('indexeddb://'.length);
      const [, detector, ...rest] = key.split('/');
      return { key, detector, name: rest.join('/'), savedAt: new Date(info.dateSaved).toISOString(), bytes: (info.modelTopologyBytes ?? 0) + (info.weightDataBytes ?? 0) };
    })
    .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export async function loadSavedModel(key: string): Promise<ModelJSON> {
  const io = await tfio();
  const [handler] = io.getLoadHandlers(`indexeddb://${key}`);
  if (!handler?.load) throw new Error('IndexedDB is not available in this browser');
  const a = await handler.load();
  const topology = a.modelTopology as unknown as ModelJSON;
  if (!topology || topology.format !== 'anomaly-lab-model') throw new TypeError(`${key} is not an Anomaly Lab model`);
  if (a.weightSpecs && a.weightSpecs.length) {
    const data = a.weightData instanceof ArrayBuffer ? a.weightData : Array.isArray(a.weightData) ? await new Blob(a.weightData).arrayBuffer() : new ArrayBuffer(0);
    return { ...topology, state: { ...(topology.state as object), weightSpecs: a.weightSpecs, weightData: bytesToBase64(new Uint8Array(data)) } };
  }
  return topology;
}

export async function removeModel(key: string): Promise<void> {
  const io = await tfio();
  await io.removeModel(`indexeddb://${key}`);
}
