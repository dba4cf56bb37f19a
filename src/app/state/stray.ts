/**
 * Numeric columns turned into text by a few stray cells (issue 23), found by the data worker after
 * each load: the page names the cell and offers to read such cells as missing.
 */
import { create } from 'zustand';
import type { StrayText } from '../../core/data/stray-text';
import { dataWorker } from '../../workers/data-client';
import { numericColumns } from '../../core/data/dataset';
import { get, message, set, useApp } from './store';
import { run, waitsForRunClick } from './run';

export const useStray = create<{ datasetId: number | null; items: StrayText[] }>(() => ({ datasetId: null, items: [] }));

useApp.subscribe((s, prev) => {
  if (s.datasetId === prev.datasetId) return;
  const id = s.datasetId;
  useStray.setState({ datasetId: id, items: [] });
  if (id === null) return;
  void dataWorker().strayText(id).then((items) => {
    if (useStray.getState().datasetId === id) useStray.setState({ items });
  }).catch(() => undefined);
});

/** Read the column's stray cells as missing: it becomes a numeric feature, and the detector runs again (unless it waits for Run). */
export async function treatStrayAsMissing(column: string): Promise<void> {
  const id = get().datasetId;
  if (id === null) return;
  try {
    const summary = await dataWorker().treatStrayAsMissing(id, column);
    if (get().datasetId !== id) return;
    const { features, labelColumn, timeColumn } = get();
    const numeric = numericColumns(summary);
    const next = numeric.filter((c) => features.includes(c) || (c === column && c !== labelColumn && c !== timeColumn));
    set({ dataset: summary, features: next });
    useStray.setState({ items: useStray.getState().items.filter((x) => x.column !== column) });
    if (!waitsForRunClick(get().detector)) await run();
  } catch (e) {
    set({ error: message(e) });
  }
}
