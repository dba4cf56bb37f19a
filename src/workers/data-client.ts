/** The one parse worker, started on first use. */
import * as Comlink from 'comlink';
import type * as DataApi from './data-api';

let remote: Comlink.Remote<typeof DataApi> | null = null;

export function dataWorker(): Comlink.Remote<typeof DataApi> {
  if (!remote) {
    const worker = new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'parse' });
    remote = Comlink.wrap<typeof DataApi>(worker);
  }
  return remote;
}

export { Comlink };
