/**
 * The time axis and the ground-truth windows of the loaded series (issue 16): which column is time
 * (found by name and content when a file loads, changed with time-select), what the data worker found
 * in it (counts of unparseable, duplicate and out-of-order times; the values stay in the worker), and
 * the windows file matched to it. A windows file that does not fit is an error in the banner; the
 * series and any earlier windows stay.
 */
import { probationRows as nabProbationRows } from '../../core/metrics/nab';
import type { TimeAxisSummary } from '../../core/data/time';
import { dataWorker } from '../../workers/data-client';
import { get, message, set } from './store';

/** The axis summary alone (setTime's answer also carries the windows). */
function summaryOf(info: TimeAxisSummary): TimeAxisSummary {
  const { kind, rows, unparseable, duplicates, backwards, first, last } = info;
  return { kind, rows, unparseable, duplicates, backwards, first, last };
}

/** Windows to load with the next file (a sample that comes with its windows). */
let pendingWindows: { text: string; fileName: string } | null = null;

/** The next loadFile also loads these windows (before its first run), as a sample with windows does. */
export function loadWindowsWithNextFile(w: { text: string; fileName: string } | null): void {
  pendingWindows = w;
}

/**
 * After a file loads (called by loadFile before the first run): the time column found by name and
 * content, or row order; then the windows that came with it, if any. Returns the time column, which
 * loadFile keeps out of the features.
 */
export async function timeForNewDataset(datasetId: number, rows: number): Promise<string | null> {
  const pending = pendingWindows;
  pendingWindows = null;
  set({ timeColumn: null, timeAxis: null, windows: null, windowsFile: null, probationRows: nabProbationRows(rows) });
  let column: string | null = null;
  try {
    column = await dataWorker().detectTime(datasetId);
    const info = await dataWorker().setTime(datasetId, column);
    if (get().datasetId !== datasetId) return column;
    set({ timeColumn: column, timeAxis: summaryOf(info) });
  } catch (e) {
    set({ error: message(e) });
    return null;
  }
  if (pending) await loadWindowsText(pending.text, pending.fileName);
  return column;
}

/** Use this column (null = row order) as the time axis; windows loaded earlier are matched again, or dropped with the reason in the banner. */
export async function setTimeColumn(column: string | null): Promise<void> {
  const { datasetId } = get();
  if (datasetId === null) return;
  try {
    const info = await dataWorker().setTime(datasetId, column);
    if (get().datasetId !== datasetId) return;
    const features = column ? get().features.filter((f) => f !== column) : get().features;
    const { windows, windowsError } = info;
    set({
      timeColumn: column, timeAxis: summaryOf(info), features,
      ...(windowsError ? { windows: null, windowsFile: null, error: `The windows no longer fit the time column and were dropped: ${windowsError}` } : windows ? { windows } : {}),
    });
  } catch (e) {
    set({ error: message(e) });
  }
}

async function loadWindowsText(text: string, fileName: string): Promise<void> {
  const { datasetId } = get();
  if (datasetId === null) return;
  try {
    const w = await dataWorker().setWindows(datasetId, text, fileName);
    if (get().datasetId === datasetId) set({ windows: w.windows, windowsFile: w.fileName });
  } catch (e) {
    // The series and any earlier windows stay; the banner names the file and the window.
    if (get().datasetId === datasetId) set({ error: message(e) });
  }
}

/** A windows file chosen in the data panel: NAB's combined_windows.json (this series' entry) or a CSV of start,end. */
export async function loadWindowsFile(file: Blob, fileName: string): Promise<void> {
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    set({ error: `${fileName}: could not be read: ${message(e)}` });
    return;
  }
  set({ error: null });
  await loadWindowsText(text, fileName);
}

/** Forget the windows. */
export async function clearWindows(): Promise<void> {
  const { datasetId } = get();
  if (datasetId === null) return;
  await dataWorker().clearWindows(datasetId);
  set({ windows: null, windowsFile: null });
}
