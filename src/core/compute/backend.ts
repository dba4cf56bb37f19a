/**
 * Picking the tfjs backend, once per worker (or per CLI process).
 *
 * 'auto': webgpu only when navigator.gpu.requestAdapter() gives an adapter that
 * is not a fallback (software) one — SwiftShader proves a code path, it does not
 * make anything faster — then wasm (SIMD, single-threaded: the threaded build
 * hangs under Vite), then cpu. A forced choice tries that backend first and
 * says so when it falls back.
 */
export type BackendName = 'webgpu' | 'wasm' | 'cpu';

/** Backends on a GPU: where detectors take their tfjs tensor paths by default. */
export const GPU_BACKENDS: ReadonlySet<string> = new Set(['webgpu', 'webgl']);

/**
 * Whether a detector should score with tensors: forced by `path`, else on the
 * given backends (GPU ones unless a detector's tensor path pays off elsewhere too).
 */
export function useTensorPath(options: { path?: 'auto' | 'typed' | 'tensor'; backend?: string }, backends: ReadonlySet<string> = GPU_BACKENDS): boolean {
  return options.path === 'tensor' || (options.path !== 'typed' && backends.has(options.backend ?? ''));
}
export type BackendPreference = 'auto' | BackendName;
export const BACKEND_PREFERENCES: BackendPreference[] = ['auto', 'webgpu', 'wasm', 'cpu'];

export interface BackendChoice {
  backend: BackendName;
  /** The adapter's description for webgpu ('SwiftShader (fallback)', vendor/architecture). */
  adapter?: string;
  /** Why this backend: what was tried and refused. */
  notes: string[];
}

export interface BackendOptions {
  /** URLs of tfjs-backend-wasm's .wasm files, served by the app (never a CDN). */
  wasmPaths?: Record<string, string>;
}

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
}
interface GpuLike {
  requestAdapter(options?: unknown): Promise<AdapterLike | null>;
}

/** Ask WebGPU for an adapter; null where there is none (Node, no flag, no GPU). */
export async function probeWebGpu(): Promise<{ fallback: boolean; description: string } | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
    const info = adapter.info;
    const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
    return { fallback, description: fallback ? `${description} (software fallback)` : description };
  } catch {
    return null;
  }
}

async function tryBackend(name: BackendName, options: BackendOptions): Promise<true | string> {
  const tf = await import('@tensorflow/tfjs-core');
  try {
    if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (name === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
    }
    // setBackend resolves false (it does not throw) when the backend fails to start.
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name ? true : 'setBackend returned false';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Choose and initialise the tfjs backend; the returned name is the one active. */
export async function chooseBackend(preference: BackendPreference = 'auto', options: BackendOptions = {}): Promise<BackendChoice> {
  const notes: string[] = [];
  const probe = await probeWebGpu();
  const order: BackendName[] = [];
  if (preference === 'webgpu') {
    if (probe) order.push('webgpu');
    else notes.push('webgpu forced, but this browser offers no WebGPU adapter');
  } else if (preference === 'auto') {
    if (probe && !probe.fallback) order.push('webgpu');
    else if (probe) notes.push(`webgpu skipped: only a software adapter (${probe.description})`);
  }
  if (preference === 'cpu') order.push('cpu', 'wasm');
  else order.push('wasm', 'cpu');
  for (const name of order) {
    const outcome = await tryBackend(name, options);
    if (outcome === true) {
      if (preference !== 'auto' && name !== preference) notes.push(`${preference} was asked for; running on ${name}`);
      return { backend: name, adapter: name === 'webgpu' ? probe?.description : undefined, notes };
    }
    notes.push(`${name} failed to start (${outcome.slice(0, 200)})`);
  }
  throw new Error(`no tfjs backend could start (${notes.join('; ')})`);
}
