/**
 * `score FILE --time COL [--windows W]`: the file's time axis, read as the page reads it
 * (core/data/time.ts: ISO text, NAB's `YYYY-MM-DD HH:MM:SS` as UTC, epoch seconds or milliseconds by
 * magnitude), and its windows (core/data/windows.ts: NAB's combined_windows.json entry found by the
 * file's name, a bare JSON list, or a CSV of start,end), matched to its rows before anything is fitted.
 * From them: metrics.nab (issue 15's scorer, through prepareSeries) and metrics.event (event-wise
 * precision, recall, F1 and mean time to detect, core/metrics/event.ts), at one threshold.
 */
import path from 'node:path';
import { getColumn, type Dataset } from '../core/data/dataset.js';
import { DataError } from '../core/data/errors.js';
import { columnAxis, summarizeAxis, type TimeAxis } from '../core/data/time.js';
import { parseWindowsFile, windowsKey, type TimeWindow } from '../core/data/windows.js';
import { eventMetrics } from '../core/metrics/event.js';
import { prepareSeries, type LabelledSeries } from '../core/metrics/nab.js';
import { readTextFile } from './read-text.js';

export interface TimedSeries {
  column: string;
  axis: TimeAxis;
  /** Null without --windows. */
  windows: TimeWindow[] | null;
  /** The windows as issue 15's scorer holds them, named by the windows file's key (or the file's name). */
  nab: LabelledSeries | null;
}

/** The name the series goes by in NAB's figures: its key in a combined windows file, else the file's name. */
function seriesKey(file: string, text: string, windowsFile: string): string {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{')) {
    try {
      return windowsKey(Object.keys(JSON.parse(body) as object), file, windowsFile);
    } catch {
      // parseWindowsFile has already named what is wrong
    }
  }
  return path.basename(file);
}

/** An instant as NAB's scorer reads a window edge (ISO, UTC, milliseconds). */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The time axis of FILE's column `timeCol` and, with a windows file, its windows and NAB series.
 * Throws a DataError naming the file and column (no cell is a time) or the windows file and window.
 */
export function seriesFor(file: string, ds: Dataset, timeCol: string, windowsFile?: string): TimedSeries {
  const col = getColumn(ds, timeCol);
  let axis: TimeAxis;
  try {
    axis = columnAxis(col);
  } catch (e) {
    throw new DataError(`${file}: --time column '${timeCol}': ${(e as Error).message}`, ds.name, undefined, timeCol);
  }
  if (axis.values.length > 0 && axis.unparseable.count === axis.values.length) {
    const example = col.kind === 'text' ? ` (e.g. '${col.firstText.value}' in row ${col.firstText.row})` : '';
    throw new DataError(`${file}: --time column '${timeCol}' holds no date and time${example}`, ds.name, 1, timeCol);
  }
  if (windowsFile === undefined) return { column: timeCol, axis, windows: null, nab: null };
  const text = readTextFile(windowsFile, 'windows file');
  const windows = parseWindowsFile(text, windowsFile, file, axis);
  // The row axis never reaches here (--windows needs --time); edges go to the scorer as ISO instants.
  const nab = prepareSeries(seriesKey(file, text, windowsFile), axis.values, windows.map((w) => [iso(w.start), iso(w.end)] as [string, string]), file);
  return { column: timeCol, axis, windows, nab };
}

/** The JSON's `time`: the column, its kind, first and last times (ISO) and any unparseable / duplicate / out-of-order rows. */
export function timeJson(s: TimedSeries) {
  const a = summarizeAxis(s.axis);
  const when = (ms: number) => (Number.isFinite(ms) ? iso(ms) : null);
  return { column: s.column, kind: a.kind, first: when(a.first), last: when(a.last), unparseable: a.unparseable, duplicates: a.duplicates, out_of_order: a.backwards };
}

/**
 * metrics.event: Merlion's revised point-adjusted precision / recall / F1 over the windows, rows
 * flagged when score > threshold, and the mean time to detect in seconds (`mean_time_to_detect_unit`;
 * rows for a row axis), null when no window is detected.
 */
export function eventJson(s: TimedSeries, scores: ArrayLike<number>, threshold: number) {
  const windows = s.windows ?? [];
  const flags = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) flags[i] = scores[i] > threshold ? 1 : 0;
  const m = eventMetrics(flags, windows, s.axis.values);
  const rows = s.axis.kind === 'row';
  return {
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    mean_time_to_detect: m.meanTimeToDetect === null ? null : rows ? m.meanTimeToDetect : m.meanTimeToDetect / 1000,
    mean_time_to_detect_unit: rows ? 'rows' : 's',
    tp: m.tp,
    fp: m.fp,
    fn: m.fn,
    windows: windows.length,
    definition: "revised point-adjusted (Merlion): a window is one event, detected when any row in it has score > threshold; each flagged row outside windows is a false positive",
  };
}
