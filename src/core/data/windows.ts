/**
 * Ground truth as windows of time: a file of labelled anomaly windows matched to a series' time axis.
 *
 * Two formats:
 * - JSON, NAB's labels/combined_windows.json: `{"<category>/<file>.csv": [[start, end], …], …}`; the
 *   series' entry is the key whose file name is the series' (`nyc_taxi.csv` finds
 *   `realKnownCause/nyc_taxi.csv`; a series name with a folder, `realKnownCause/nyc_taxi.csv`, picks
 *   between keys that share a file name). A bare list `[[start, end], …]` is that series' windows.
 * - CSV of two columns, start and end, one window a line; a first line that is not two times is a header.
 * Edges are read as the axis reads its cells (ISO text for an ISO axis, epoch numbers in the axis' own
 * unit, seconds or milliseconds, for an epoch axis, 0-based row numbers for row order). Each edge must
 * name a time of the series: it matches the first row with that instant (NAB's rule, shared with
 * issue 15's scorer). A window naming a time not in the series, ending before it starts, or
 * overlapping another is a DataError naming the windows file and the window.
 */
import { DataError } from './errors.js';
import { countBelow } from '../metrics/quantile.js';
import { parseTime, type TimeAxis } from './time.js';
import Papa from 'papaparse';

/**
 * One labelled window: `start`/`end` in the axis' units (ms since 1970 UTC, or the row index for a row
 * axis), `startRow`/`endRow` the 0-based rows of the series holding those times (the first occurrence),
 * inclusive. Windows come sorted by start and disjoint.
 */
export interface TimeWindow {
  start: number;
  end: number;
  startRow: number;
  endRow: number;
}

/** A small CSV's lines as cells (papaparse: quotes, CRLF; comma, tab or semicolon); a line is rows[line − 1]. */
function csvRowsOf(text: string, fileName: string): string[][] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false, delimitersToGuess: [',', '\t', ';'] });
  const bad = parsed.errors.find((e) => e.type === 'Quotes');
  if (bad) throw new DataError(`${fileName}: line ${(bad.row ?? 0) + 1}: ${bad.message}`, fileName, (bad.row ?? 0) + 1);
  return parsed.data;
}

/** The base name of a path ('a/b/c.csv' → 'c.csv'). */
function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
}

/**
 * The key of a combined windows file that belongs to `seriesName`: the key with the same file name;
 * among several, the one whose `<category>/<name>` ends the series name. A DataError names the
 * windows file when none or several fit.
 */
export function windowsKey(keys: readonly string[], seriesName: string, fileName: string): string {
  const base = baseName(seriesName);
  const same = keys.filter((k) => baseName(k) === base);
  if (same.length === 1) return same[0];
  const norm = seriesName.replace(/\\/g, '/');
  const byPath = same.filter((k) => norm === k || norm.endsWith(`/${k}`));
  if (byPath.length === 1) return byPath[0];
  if (same.length === 0) throw new DataError(`${fileName}: no entry for ${base} (its keys are <category>/<file>.csv, e.g. ${keys[0] ?? 'none'})`, fileName);
  throw new DataError(`${fileName}: ${same.length} entries are named ${base} (${same.join(', ')}); give the series' folder to pick one`, fileName);
}

/** One window edge as a value of the axis; NaN when it is not one. */
function edgeValue(edge: unknown, axis: TimeAxis): number {
  if (axis.kind === 'iso') return typeof edge === 'string' ? parseTime(edge) : NaN;
  const v = typeof edge === 'number' ? edge : typeof edge === 'string' && edge.trim() !== '' ? Number(edge.trim()) : NaN;
  if (!Number.isFinite(v)) return NaN;
  return axis.kind === 'epoch-s' ? v * 1000 : v;
}

/** First row holding `t`: a binary search where the axis is in order, a scan where it is not. */
function rowOf(axis: TimeAxis, t: number): number {
  const v = axis.values;
  if (axis.backwards.count === 0 && axis.unparseable.count === 0) {
    const lo = countBelow(v, t);
    return lo < v.length && v[lo] === t ? lo : -1;
  }
  for (let i = 0; i < v.length; i++) if (v[i] === t) return i;
  return -1;
}

function show(edge: unknown): string {
  const s = typeof edge === 'string' ? edge : JSON.stringify(edge);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** Matches raw [start, end] pairs to the axis; `what(k)` names window k in messages. */
export function matchWindows(pairs: readonly (readonly unknown[])[], axis: TimeAxis, fileName: string, seriesName: string, what: (k: number) => string): TimeWindow[] {
  const out: TimeWindow[] = [];
  const kindWords = axis.kind === 'iso' ? 'a date and time' : axis.kind === 'row' ? 'a row number (0-based)' : `a number (epoch ${axis.kind === 'epoch-s' ? 'seconds' : 'milliseconds'})`;
  pairs.forEach((pair, k) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new DataError(`${fileName}: ${what(k)} is not a pair [start, end]: ${show(pair)}`, fileName, k + 1);
    const [a, b] = pair;
    const label = `${what(k)} [${show(a)}, ${show(b)}]`;
    const edge = (e: unknown): { t: number; row: number } => {
      const t = edgeValue(e, axis);
      if (Number.isNaN(t)) throw new DataError(`${fileName}: ${label}: '${show(e)}' is not ${kindWords}`, fileName, k + 1);
      const row = rowOf(axis, t);
      if (row < 0) throw new DataError(`${fileName}: ${label}: time '${show(e)}' is not in the series ${seriesName}`, fileName, k + 1);
      return { t, row };
    };
    const s = edge(a);
    const e = edge(b);
    if (e.row < s.row) throw new DataError(`${fileName}: ${label} ends (row ${e.row + 1}) before it starts (row ${s.row + 1}) in ${seriesName}`, fileName, k + 1);
    out.push({ start: s.t, end: e.t, startRow: s.row, endRow: e.row });
  });
  const order = out.map((w, k) => k).sort((p, q) => out[p].startRow - out[q].startRow);
  for (let k = 1; k < order.length; k++) {
    const p = order[k - 1], q = order[k];
    if (out[q].startRow <= out[p].endRow) throw new DataError(`${fileName}: ${what(p)} and ${what(q)} overlap`, fileName, q + 1);
  }
  return order.map((k) => out[k]);
}

/**
 * Reads a windows file (NAB's combined_windows.json, a bare JSON list, or a CSV of start,end) and
 * matches the series' windows to its time axis.
 *
 * @param text the file's text
 * @param fileName what messages call the windows file
 * @param seriesName the series' file name, which picks its entry in a combined file
 * @param axis the series' time axis (time.ts)
 * @returns the windows, sorted by start, disjoint
 * @throws DataError naming the windows file and the window that does not fit
 *
 * @example parseWindowsFile('{"realKnownCause/nyc_taxi.csv": [["2014-11-01 19:00:00.000000", "2014-11-02 00:00:00.000000"]]}', 'w.json', 'nyc_taxi.csv', axis)
 */
export function parseWindowsFile(text: string, fileName: string, seriesName: string, axis: TimeAxis): TimeWindow[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{') || body.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (e) {
      throw new DataError(`${fileName}: not valid JSON (${(e as Error).message})`, fileName);
    }
    if (Array.isArray(json)) return matchWindows(json, axis, fileName, seriesName, (k) => `window ${k + 1}`);
    if (json === null || typeof json !== 'object') throw new DataError(`${fileName}: expected an object of windows per file, or a list of [start, end]`, fileName);
    const entries = json as Record<string, unknown>;
    const key = windowsKey(Object.keys(entries), seriesName, fileName);
    const list = entries[key];
    if (!Array.isArray(list)) throw new DataError(`${fileName}: the entry ${key} is not a list of [start, end] windows`, fileName);
    return matchWindows(list, axis, fileName, seriesName, (k) => `${key} window ${k + 1}`);
  }
  const rows = csvRowsOf(body, fileName);
  let from = 0;
  if (rows.length > 0 && (rows[0].length < 2 || Number.isNaN(edgeValue(rows[0][0], axis)))) from = 1; // a header line
  const pairs: unknown[][] = [];
  for (let r = from; r < rows.length; r++) {
    const cells = rows[r];
    if (cells.length === 1 && cells[0].trim() === '') continue;
    if (cells.length !== 2) throw new DataError(`${fileName}: line ${r + 1} has ${cells.length} cells, expected two: start,end`, fileName, r + 1);
    pairs.push(cells);
  }
  const lineOf: number[] = [];
  for (let r = from; r < rows.length; r++) if (!(rows[r].length === 1 && rows[r][0].trim() === '')) lineOf.push(r + 1);
  return matchWindows(pairs, axis, fileName, seriesName, (k) => `window ${k + 1} (line ${lineOf[k]})`);
}
