/** A CLI scoring thread: scores the chunks it is sent with a fitted model (plain function, messaging only here). */
import { parentPort } from 'node:worker_threads';
import type { ModelJSON } from '../core/detectors/detector.js';
import { loadModel } from '../core/detectors/registry.js';

interface Job {
  model: ModelJSON;
  data: Float64Array;
  rows: number;
  cols: number;
}

parentPort!.on('message', (job: Job) => {
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
