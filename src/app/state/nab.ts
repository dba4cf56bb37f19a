/**
 * NAB's score and the event-wise metrics of the last run (issue 16): a NabSweep built in the data
 * worker (where the time values are) once per run, windows file, time axis or labels, and kept in a
 * small store of its own; the metrics panel reads it at the current threshold in O(log n), so a slider
 * move never touches a worker. Windows come from the windows file, else from the point labels (each
 * run of consecutive positive labels is one window).
 */
import { create } from 'zustand';
import { NabSweep } from '../../core/metrics/nab-sweep';
import { dataWorker } from '../../workers/data-client';
import { message, useApp } from './store';
import { putRunScores } from './timeline';

export interface NabState {
  /** The sweep for `scores` (the run it was built for: a newer run shows nothing until its own is built). */
  sweep: NabSweep | null;
  scores: Float64Array | null;
  /** Where the windows came from: the windows file, or the runs of positive labels. */
  source: 'windows' | 'labels' | null;
  windows: number;
  error: string | null;
}

export const useNab = create<NabState>(() => ({ sweep: null, scores: null, source: null, windows: 0, error: null }));

let token = 0;

/** Build the sweep for the current run, windows and labels (or clear it when there is nothing to score against). */
export async function refreshNab(): Promise<void> {
  const { datasetId, result, windows, labels } = useApp.getState();
  const mine = ++token;
  if (datasetId === null || !result || (!windows && !labels)) {
    useNab.setState({ sweep: null, scores: null, source: null, windows: 0, error: null });
    return;
  }
  try {
    // The sweep is built from the copy of the scores the timeline put in the worker (one transfer per
    // run); the tables come back transferred.
    await putRunScores(datasetId, result.scores);
    if (mine !== token) return;
    const r = await dataWorker().nabSweep(datasetId, windows ? null : labels!.labels);
    if (mine !== token) return;
    useNab.setState(r
      ? { sweep: new NabSweep(r.tables), scores: result.scores, source: r.source, windows: r.windows, error: null }
      : { sweep: null, scores: null, source: null, windows: 0, error: null });
  } catch (e) {
    if (mine === token) useNab.setState({ sweep: null, scores: null, source: null, windows: 0, error: message(e) });
  }
}

// Rebuilt when what it is built from changes; the threshold is not among them.
useApp.subscribe((s, p) => {
  if (s.datasetId !== p.datasetId || s.result?.scores !== p.result?.scores || s.windows !== p.windows || s.timeAxis !== p.timeAxis || s.labels !== p.labels) void refreshNab();
});
