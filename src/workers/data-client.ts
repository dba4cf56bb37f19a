/** The one parse worker (datasets and fitted models live there), started on first use. */
import * as Comlink from 'comlink';
import type { DataWorkerApi } from './data.worker';

let remote: Comlink.Remote<DataWorkerApi> | null = null;

export function dataWorker(): Comlink.Remote<DataWorkerApi> {
  if (!remote) {
    const worker = new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'parse' });
    remote = Comlink.wrap<DataWorkerApi>(worker);
  }
  return remote;
}

/** A new channel to the data worker: the returned port goes to a detector worker. */
export async function dataPort(): Promise<MessagePort> {
  const { port1, port2 } = new MessageChannel();
  await dataWorker().connect(Comlink.transfer(port1, [port1]));
  return port2;
}

export { Comlink };
