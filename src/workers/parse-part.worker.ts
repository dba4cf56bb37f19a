/**
 * A helper of the parse worker for large files: exposes parse-part-api.ts (one byte range
 * of the file read as a part). Started by the parse worker (data-api.ts), one per extra core.
 */
import * as Comlink from 'comlink';
import * as api from './parse-part-api';

Comlink.expose(api);
