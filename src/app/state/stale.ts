/**
 * A model that could not be applied (issue 23, honest state): the previous result stays on screen,
 * marked stale until a new result or a new dataset replaces it. state/models.ts reports here.
 */
import { create } from 'zustand';
import { useApp } from './store';

export const useApplyFailure = create<{ text: string | null }>(() => ({ text: null }));

/** Note that applying a model failed with this message (the banner shows it too). */
export function markApplyFailed(text: string): void {
  useApplyFailure.setState({ text });
}

useApp.subscribe((s, prev) => {
  if (useApplyFailure.getState().text !== null && (s.result !== prev.result || s.datasetId !== prev.datasetId)) useApplyFailure.setState({ text: null });
});
