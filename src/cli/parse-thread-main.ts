/**
 * A CLI parse thread: the page's parse helper API (src/workers/parse-part-api.ts), exposed
 * with comlink's Node adapter, plus `parseFile`: parse() on a byte range of a file read here.
 * (Not a Blob from fs.openAsBlob sent over: Node 20 aborts reading one that another thread
 * opened, and reads it slower.) Messaging only here.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { PartPlan } from '../core/data/csv-parts.js';
import * as part from '../workers/parse-part-api.js';
import { fileSource } from './file-source.js';

const api = {
  ...part,
  /** Bytes [start, end) of `file` read as a part. */
  parseFile(file: string, range: [number, number], name: string, plan: Pick<PartPlan, 'header' | 'delimiter'>) {
    return part.parse(fileSource(file, range), name, plan);
  },
};

export type ParseThreadApi = typeof api;
Comlink.expose(api, nodeEndpoint(parentPort!));
