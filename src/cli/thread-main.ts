/** A CLI scoring thread: scores the chunks it is sent with a fitted model (plain function, messaging only here). */
import { parentPort } from 'node:worker_threads';
import type { ModelJSON } from '../core/detectors/detector.js';
import { loadModel } from '../core/detectors/registry.js';
import { kNeighbors } from '../core/neighbors/index.js';

interface NeighborsJob {
  kind: 'neighbors';
  data: Float64Array;
  rows: number;
  cols: number;
  k: number;
  range: [number, number];
}

interface Job {
  kind?: 'score';
  model: ModelJSON;
  data: Float64Array;
  rows: number;
  cols: number;
}

parentPort!.on('message', (job: Job | NeighborsJob) => {
  if (job.kind === 'neighbors') {
    try {
      const nb = kNeighbors({ data: job.data, rows: job.rows, cols: job.cols }, job.k, undefined, { rows: job.range });
      parentPort!.postMessage({ distances: nb.distances, indices: nb.indices, method: nb.method }, [nb.distances.buffer as ArrayBuffer, nb.indices.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ error: (e as Error).message });
    }
    return;
  }
  void (async () => {
    try {
      const scores = await loadModel(job.model).score({ data: job.data, rows: job.rows, cols: job.cols });
      parentPort!.postMessage({ scores }, [scores.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ error: (e as Error).message });
    }
  })();
});
parentPort!.postMessage({ ready: true });
