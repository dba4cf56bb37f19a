/** The stream worker (issue 19): exposes the plain functions of stream-api.ts. */
import * as Comlink from 'comlink';
import * as api from './stream-api';

export type StreamWorkerApi = typeof api;

Comlink.expose(api);
