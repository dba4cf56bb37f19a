/** A detector worker of the pool: exposes the plain functions of detector-api.ts. */
import * as Comlink from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { BackendPreference } from '../core/compute/backend';
import * as api from './detector-api';

// tfjs's .wasm files, served by the app itself: no CDN.
const wasmPaths = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

// Held for this worker's whole life, under the unique name the pool gave it: the pool asks for the same
// lock, which it is granted only once this worker is gone (closed itself, crashed, out of memory) — a
// page is told of a worker's end in no other way (pool.ts, watchExit).
if (self.name && navigator.locks) void navigator.locks.request(`anomaly-lab:${self.name}`, () => new Promise<never>(() => undefined)).catch(() => undefined);

Comlink.expose({ ...api, init: (preference: BackendPreference) => api.init(preference, { wasmPaths }) });
