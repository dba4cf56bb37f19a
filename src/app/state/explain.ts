/** Explaining a clicked row: its values, and per-feature errors where the detector gives them (in its worker). */
import { detectorMeta } from '../../core/detectors/specs';
import { dataWorker } from '../../workers/data-client';
import type { Explained } from './store';
import { get, message, set } from './store';
import { getPool } from './workers';

/** Explain one row's score: its values, and per-feature errors where the detector gives them. */
export async function explainRow(row: number | null): Promise<void> {
  const { datasetId, result } = get();
  if (row === null || datasetId === null || !result) {
    set({ explained: null });
    return;
  }
  let raw: number[];
  try {
    raw = await dataWorker().row(datasetId, result.columns, row);
  } catch (err) {
    set({ error: `row ${row + 1} could not be read: ${message(err)}` });
    return;
  }
  if (get().result !== result) return; // a new run or dataset meanwhile
  // Missing cells as the model saw them: the fill value of this run.
  const values = raw.map((v, j) => (v === v ? v : result.imputed.find((m) => m.column === result.columns[j])?.value ?? NaN));
  const base: Explained = { row, score: result.scores[row], columns: result.columns, values, errors: null };
  set({ explained: base });
  // Only detectors that can explain a score get asked (the autoencoder's per-feature errors).
  if (!detectorMeta(result.model.detector).explains) return;
  try {
    const e = await getPool(get().backendPreference).explain(result.modelId, { datasetId, columns: result.columns, missing: result.missing }, [row]);
    if (get().explained?.row === row && get().result === result) set({ explained: { ...base, errors: e ? Array.from(e) : null } });
  } catch (err) {
    if (get().explained?.row === row && get().result === result) set({ explained: { ...base, error: message(err) } });
  }
}
