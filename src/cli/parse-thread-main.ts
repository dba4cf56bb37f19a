/** A CLI parse thread: reads one byte range of a CSV file as a part (messaging only here). */
import { parentPort } from 'node:worker_threads';
import { parsePlainPart, type PartPlan } from '../core/data/csv-parts.js';
import { fileByteChunks } from './read.js';

interface PartJob {
  file: string;
  name: string;
  plan: Pick<PartPlan, 'header' | 'delimiter'>;
  range: [number, number];
}

parentPort!.on('message', (job: PartJob) => {
  void (async () => {
    try {
      const part = await parsePlainPart(job.name, job.plan, fileByteChunks(job.file, job.range), job.range[1] - job.range[0]);
      if (!part) {
        parentPort!.postMessage({ part: null });
        return;
      }
      parentPort!.postMessage({ part }, part.values.map((v) => v.buffer as ArrayBuffer));
    } catch (e) {
      parentPort!.postMessage({ error: (e as Error).message });
    }
  })();
});
parentPort!.postMessage({ ready: true });
