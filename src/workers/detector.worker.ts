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

/** Resolves when this worker's GPU device is lost (webgpu only). */
let deviceLost: Promise<unknown> | null = null;

/**
 * A lost GPU device (driver reset, GPU process crash) makes every later tfjs call on webgpu fail: the
 * worker ends itself then, so that the pool replaces it and retries its job on the next backend.
 */
async function closeOnDeviceLoss(): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<unknown> } }).device;
  if (!device?.lost) return;
  deviceLost = device.lost;
  const info = (await device.lost) as { reason?: string; message?: string } | undefined;
  // Said in the worker's console (DevTools) before it ends: the page itself only learns that the worker went away.
  console.warn(`webgpu device lost (${info?.reason ?? 'unknown'}): ${info?.message ?? ''}; the detector worker closes and its job is retried on the next backend`);
  self.close();
}

async function init(preference: BackendPreference) {
  const choice = await api.init(preference, { wasmPaths });
  if (choice.backend === 'webgpu') void closeOnDeviceLoss().catch(() => undefined);
  return choice;
}

/**
 * A call that failed because the device was lost under it does not answer: the worker is closing,
 * and the pool, seeing it gone, retries the job on the next backend instead of showing the GPU's error.
 */
function unlessDeviceLost<A extends unknown[], R>(f: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await f(...args);
    } catch (e) {
      const lost = deviceLost && (await Promise.race([deviceLost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]));
      if (lost) return new Promise<R>(() => undefined);
      throw e;
    }
  };
}

const exposed: Record<string, unknown> = { ...api, init };
for (const [name, f] of Object.entries(exposed)) if (typeof f === 'function') exposed[name] = unlessDeviceLost(f as (...args: unknown[]) => unknown);
Comlink.expose(exposed);
