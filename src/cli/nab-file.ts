/**
 * `score FILE --time COL --windows W.json`: NAB's score of one scored file (metrics.nab), at the
 * detector's own threshold (rows with score > threshold are detections, the house rule), in each
 * of NAB's three profiles. The file's windows are its entry in the windows file (NAB's
 * labels/combined_windows.json), found by its name: the key `<category>/<file>.csv` whose file name
 * is FILE's (the folder FILE is in picks the category when several share the name).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../core/data/errors.js';
import { getColumn, type Dataset } from '../core/data/dataset.js';
import { prepareSeries, scoreFlags, type LabelledSeries } from '../core/metrics/nab.js';
import { csvRows, readWindows } from './nab.js';

/** The windows file's key for FILE: the one with its file name (and its folder's name as category when that decides). */
export function windowsKeyFor(file: string, keys: string[], windowsFile: string): string {
  const base = path.basename(file);
  const same = keys.filter((k) => k.slice(k.lastIndexOf('/') + 1) === base);
  if (same.length === 1) return same[0];
  const folder = path.basename(path.dirname(path.resolve(file)));
  const inFolder = same.filter((k) => k === `${folder}/${base}`);
  if (inFolder.length === 1) return inFolder[0];
  if (same.length === 0) throw new DataError(`${windowsFile}: no entry for ${base} (its keys are <category>/<file>.csv, e.g. ${keys[0] ?? 'none'})`, windowsFile);
  throw new DataError(`${windowsFile}: ${same.length} entries are named ${base} (${same.join(', ')}) and the folder '${folder}' picks none`, windowsFile);
}

/** The time column's cells as written, one per row. */
function timeCells(file: string, ds: Dataset, col: string): string[] {
  const c = getColumn(ds, col);
  if (c.kind === 'text' && c.codes) {
    const { codes, levels } = c;
    return Array.from(codes, (k) => (k < 0 ? '' : levels[k]));
  }
  // A numeric column, or text with too many distinct values for the reader to keep: read the cells.
  const rows = csvRows(file, fs.readFileSync(file, 'utf8'));
  const i = rows[0].findIndex((h) => h.trim() === col);
  return rows.slice(1).map((r) => r[i] ?? '');
}

/** Reads the windows file and matches FILE's windows to its rows (by parsed time); a DataError names what does not fit. */
export function nabSeriesFor(file: string, ds: Dataset, timeCol: string, windowsFile: string): LabelledSeries {
  const windows = readWindows(windowsFile);
  const key = windowsKeyFor(file, Object.keys(windows), windowsFile);
  const times = timeCells(file, ds, timeCol);
  if (times.length !== ds.rows) throw new DataError(`${file}: the time column '${timeCol}' has ${times.length} cells for ${ds.rows} rows`, ds.name);
  return prepareSeries(key, times, windows[key], file);
}

/** metrics.nab: NAB's three profiles for this file, detections = score > the detector's threshold (`own`) or --threshold's. */
export function nabMetrics(series: LabelledSeries, scores: ArrayLike<number>, threshold: number, own = true) {
  const flags = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) flags[i] = scores[i] > threshold ? 1 : 0;
  const profiles = scoreFlags(series, flags);
  const out: Record<string, unknown> = {
    series: series.name,
    rule: `score > ${threshold} (${own ? "the detector's own threshold" : '--threshold'})`,
    probation: series.probation,
    windows: series.windows.length,
  };
  for (const [name, p] of Object.entries(profiles)) {
    out[name] = { score: p.score, raw: p.raw, null: p.null, perfect: p.perfect, detected: p.detected, tp: p.tp, fp: p.fp, fn: p.fn, tn: p.tn };
  }
  return out;
}
