/** A detector worker of the pool: exposes the plain functions of detector-api.ts. */
import * as Comlink from 'comlink';
import * as api from './detector-api';

Comlink.expose(api);
