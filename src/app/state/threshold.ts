/** The threshold: three linked controls, one number in the store. */
import { get, set } from './store';

// Threshold: three linked controls, one number in the store.
export function setThreshold(t: number): void {
  set({ threshold: t });
}

export function setContamination(c: number): void {
  const s = get().result?.sweep;
  if (s) set({ threshold: s.thresholdForContamination(c) });
}

export function setFlaggedCount(k: number): void {
  const s = get().result?.sweep;
  if (s) set({ threshold: s.thresholdForCount(k) });
}

export function resetThreshold(): void {
  const r = get().result;
  if (r) set({ threshold: r.modelThreshold });
}
