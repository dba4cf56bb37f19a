/**
 * A CLI worker thread: the detector worker's plain functions (src/workers/detector-api.ts),
 * exposed with comlink's Node adapter, as detector.worker.ts exposes them in the page.
 * Messaging only here.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import * as detector from '../workers/detector-api.js';

const api = {
  ...detector,
  /** The line to the data API: a worker_threads port, wrapped for comlink. */
  connectData(port: MessagePort): void {
    detector.connectData(nodeEndpoint(port));
  },
};

export type ThreadApi = typeof api;
Comlink.expose(api, nodeEndpoint(parentPort!));
