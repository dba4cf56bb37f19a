/** The detector pool's lifecycle: started on first use, its backend preference, and cancelling the running job. */
import type { BackendPreference } from '../../core/compute/backend';
import { DetectorPool } from '../../workers/pool';
import { get, message, set } from './store';

/** The running job's controller (cancelRun aborts it). */
export const jobs = { abort: null as AbortController | null };

const pool = { current: null as DetectorPool | null };

/** `?workers=N` sets the pool size (tests of chunking; default hardwareConcurrency − 1). */
function poolSize(): number | undefined {
  const w = Number(new URLSearchParams(globalThis.location?.search ?? '').get('workers'));
  return Number.isInteger(w) && w >= 1 && w <= 16 ? w : undefined;
}

export function getPool(pref: BackendPreference): DetectorPool {
  pool.current ??= new DetectorPool(pref, poolSize());
  return pool.current;
}

export function cancelRun(): void {
  if (jobs.abort) {
    jobs.abort.abort();
    jobs.abort = null;
  }
}

export function setBackendPreference(pref: BackendPreference): void {
  cancelRun();
  set({ backendPreference: pref, backends: [] });
  const p = getPool(pref);
  p.setPreference(pref);
  void p.backends().then((backends) => set({ backends })).catch((e) => set({ error: message(e) }));
}

export function startBackends(): void {
  void getPool(get().backendPreference).backends().then((backends) => set({ backends })).catch((e) => set({ error: message(e) }));
}
