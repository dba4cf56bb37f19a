/**
 * `anomaly-lab nab RESULTS_DIR --windows W.json [--profiles P.json] [--profile NAME] [--threshold T] [--data DIR] [--json]`:
 * NAB's score of a directory of results in NAB's layout (`<category>/<prefix>_<file>.csv` or
 * `<category>/<file>.csv`, with `timestamp` and `anomaly_score` columns; other columns ignored,
 * `*_scores.csv` skipped). Without `--threshold` each profile's threshold is optimised over the
 * corpus as NAB does. `--data DIR` (NAB's data/ folder) checks that every results file has its
 * series' rows, and scores against the data's timestamps, as NAB does.
 *
 * The pieces (reading the windows, the profiles, a results directory) are exported for the
 * corpus runner (`nab --detector … --data DIR`) and `score … --windows`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { UsageError, parseOptions } from './args.js';
import { readTextFile } from './read-text.js';
import { DataError } from '../core/data/errors.js';
import { NAB_PROFILES, loadProfiles, parseNabTime, prepareSeries, scoreLabelled, type NabCorpusProfileScore, type NabProfiles, type NabScored, type NabWindows } from '../core/metrics/nab.js';

/** Reads a JSON file, naming it in the one-line error when it cannot be read or parsed. */
function readJson(file: string, what: string): unknown {
  const text = readTextFile(file, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: the ${what} is not valid JSON (${(e as Error).message})`, file);
  }
}

/** labels/combined_windows.json: `{ "category/file.csv": [[start, end], …] }`, checked for shape. */
export function readWindows(file: string): NabWindows {
  const json = readJson(file, 'windows file');
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new DataError(`${file}: expected an object like NAB's labels/combined_windows.json ({ "category/file.csv": [[start, end], …] })`, file);
  for (const [name, list] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.every((w) => Array.isArray(w) && w.length === 2 && typeof w[0] === 'string' && typeof w[1] === 'string')) {
      throw new DataError(`${file}: '${name}' must be a list of [start, end] timestamp pairs`, file);
    }
  }
  return json as NabWindows;
}

/** A profiles file in NAB's config/profiles.json shape; NAB's own profiles when no file is given. */
export function readProfiles(file?: string): NabProfiles {
  if (!file) return NAB_PROFILES;
  const json = readJson(file, 'profiles file');
  try {
    return loadProfiles(json, file);
  } catch (e) {
    throw new DataError((e as Error).message, file);
  }
}

/** A results (or data) file's text as rows of fields: a plain split, papaparse where a field is quoted (also read by nab-run.ts). */
export function csvRows(file: string, text: string): string[][] {
  if (text.includes('"')) {
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    if (parsed.errors.length) {
      const e = parsed.errors[0];
      throw new DataError(`${file}: ${e.row !== undefined ? `row ${e.row} (line ${e.row + 1}): ` : ''}${e.message}`, file, e.row);
    }
    return parsed.data;
  }
  const lines = text.split('\n');
  const rows: string[][] = [];
  for (const l of lines) {
    const line = l.endsWith('\r') ? l.slice(0, -1) : l;
    if (line !== '') rows.push(line.split(','));
  }
  return rows;
}

/**
 * Some columns of a CSV text, by header name (a DataError names the file and the missing column):
 * without quotes, one pass over the text that keeps only those fields (no array per row: reading the
 * corpus's 58 results files took ~2× longer through csvRows); with quotes, through csvRows.
 */
export function csvColumns(file: string, text: string, names: readonly string[]): { header: string[]; columns: string[][] } {
  if (text.includes('"')) {
    const rows = csvRows(file, text);
    if (rows.length === 0) throw new DataError(`${file}: empty file (expected a header with ${names.join(', ')})`, file);
    const idx = names.map((nm) => column(file, rows[0], nm));
    return { header: rows[0], columns: idx.map((j) => rows.slice(1).map((r) => r[j] ?? '')) };
  }
  const lineEnd = (from: number): number => {
    const e = text.indexOf('\n', from);
    return e < 0 ? text.length : e;
  };
  let pos = 0;
  let headerLine = '';
  // The header: the first line that is not empty.
  while (pos < text.length) {
    const e = lineEnd(pos);
    headerLine = text.slice(pos, e).replace(/\r$/, '');
    pos = e + 1;
    if (headerLine !== '') break;
  }
  if (headerLine === '') throw new DataError(`${file}: empty file (expected a header with ${names.join(', ')})`, file);
  const header = headerLine.split(',');
  const idx = names.map((nm) => column(file, header, nm));
  const last = Math.max(...idx);
  const columns: string[][] = names.map(() => []);
  const fields: string[] = new Array(last + 1);
  while (pos < text.length) {
    let e = lineEnd(pos);
    const next = e + 1;
    if (e > pos && text.charCodeAt(e - 1) === 13) e--;
    if (e > pos) {
      let start = pos;
      for (let k = 0; k <= last; k++) {
        if (start > e) {
          fields[k] = '';
          continue;
        }
        let c = text.indexOf(',', start);
        if (c < 0 || c > e) c = e;
        fields[k] = text.slice(start, c);
        start = c + 1;
      }
      for (let j = 0; j < idx.length; j++) columns[j].push(fields[idx[j]]);
    }
    pos = next;
  }
  return { header, columns };
}

/** A results file: its timestamps and anomaly scores, checked (a score must be a number in [0, 1]). */
export interface ResultsFile {
  /** The path as given (for messages). */
  file: string;
  /** The series it scores, as named in the windows file ("category/file.csv"). */
  name: string;
  timestamps: string[];
  scores: Float64Array;
}

function column(file: string, header: string[], name: string): number {
  const i = header.findIndex((h) => h.trim() === name);
  if (i < 0) throw new DataError(`${file}: no ${name} column (columns: ${header.map((h) => h.trim()).join(', ')})`, file, undefined, name);
  return i;
}

/** Reads one results file's `timestamp` and `anomaly_score` columns; `name` is its series in the windows file. */
export function readResultsFile(file: string, name: string): ResultsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot be read: ${(e as Error).message}`, file);
  }
  const { columns: [timestamps, cells] } = csvColumns(file, text, ['timestamp', 'anomaly_score']);
  const n = timestamps.length;
  const scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const cell = cells[r];
    const v = cell === undefined || cell.trim() === '' ? NaN : Number(cell);
    if (!(v >= 0 && v <= 1)) {
      throw new DataError(`${file}: row ${r + 1} (line ${r + 2}), column anomaly_score: ${cell === undefined || cell.trim() === '' ? 'missing' : `'${cell}'`} is not a score in [0, 1] (NAB needs scores in [0, 1])`, file, r + 1, 'anomaly_score');
    }
    scores[r] = v;
  }
  return { file, name, timestamps, scores };
}

/**
 * The series a results file scores: `<category>/<file>.csv` itself, or `<category>/<prefix>_<file>.csv`
 * (the longest data file name the results name ends with, after an underscore). Null when none.
 */
export function seriesOf(category: string, base: string, windows: NabWindows): string | null {
  const exact = `${category}/${base}`;
  if (Object.prototype.hasOwnProperty.call(windows, exact)) return exact;
  let best: string | null = null;
  for (const key of Object.keys(windows)) {
    const slash = key.lastIndexOf('/');
    if (key.slice(0, slash) !== category) continue;
    const file = key.slice(slash + 1);
    if (base.endsWith(`_${file}`) && (!best || file.length > best.length - slash - 1)) best = key;
  }
  return best;
}

/**
 * The results files of a directory in NAB's layout (`<category>/*.csv`, `*_scores.csv` skipped), each
 * matched to its series in the windows file. A file no series matches, or two files for one series,
 * is a DataError naming the file.
 */
export function listResults(dir: string, windows: NabWindows): { file: string; name: string }[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new DataError(`${dir}: cannot read the results directory: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`, dir);
  }
  const out: { file: string; name: string }[] = [];
  const seen = new Map<string, string>();
  for (const cat of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const base of fs.readdirSync(path.join(dir, cat)).sort()) {
      if (!base.endsWith('.csv') || base.endsWith('_scores.csv')) continue;
      const file = path.join(dir, cat, base);
      if (!fs.statSync(file).isFile()) continue;
      const name = seriesOf(cat, base, windows);
      if (!name) throw new DataError(`${file}: no series in the windows file is named like it (expected ${cat}/<file>.csv or ${cat}/<prefix>_<file>.csv)`, file);
      const other = seen.get(name);
      if (other) throw new DataError(`${file}: scores the same series (${name}) as ${other}`, file);
      seen.set(name, file);
      out.push({ file, name });
    }
  }
  if (out.length === 0) throw new DataError(`${dir}: no results files (expected <category>/<file>.csv or <category>/<prefix>_<file>.csv, as NAB writes them)`, dir);
  return out;
}

/** A data file's timestamps (NAB's data/<category>/<file>.csv, `timestamp,value`). */
export function readDataTimestamps(file: string): string[] {
  return csvColumns(file, readTextFile(file, 'data file'), ['timestamp']).columns[0];
}

/**
 * Checks that a results file has its series' rows: as many, with the same instants in the same order.
 * The first difference is a DataError naming the results file and the row.
 */
export function checkRows(res: ResultsFile, data: readonly string[], dataFile: string): void {
  const n = Math.min(res.timestamps.length, data.length);
  for (let i = 0; i < n; i++) {
    const a = res.timestamps[i];
    const b = data[i];
    if (a !== b && parseNabTime(a) !== parseNabTime(b)) {
      throw new DataError(`${res.file}: row ${i + 1} (line ${i + 2}): timestamp '${a}' does not match its series ${dataFile} ('${b}' there)`, res.file, i + 1, 'timestamp');
    }
  }
  if (res.timestamps.length !== data.length) {
    throw new DataError(`${res.file}: ${res.timestamps.length} rows, but its series ${dataFile} has ${data.length}`, res.file, n + 1);
  }
}

/** Reads a results directory and prepares every series for scoring (windows matched, rows checked against `dataDir` when given). */
export function readResultsDir(dir: string, windows: NabWindows, dataDir?: string): NabScored[] {
  return listResults(dir, windows).map(({ file, name }) => {
    const res = readResultsFile(file, name);
    let times: string[] = res.timestamps;
    if (dataDir) {
      const dataFile = path.join(dataDir, name);
      times = readDataTimestamps(dataFile);
      checkRows(res, times, dataFile);
    }
    return { series: prepareSeries(name, times, windows[name], dataDir ? path.join(dataDir, name) : file), scores: res.scores };
  });
}

/** The JSON the command prints: per profile `{ score, threshold, raw, null, perfect, windows, detected, tp, fp, fn, tn }`. */
export function nabJson(result: Record<string, NabCorpusProfileScore>): Record<string, Omit<NabCorpusProfileScore, 'files'>> {
  const out: Record<string, Omit<NabCorpusProfileScore, 'files'>> = {};
  for (const [name, r] of Object.entries(result)) {
    const { files: _files, ...rest } = r;
    out[name] = rest;
  }
  return out;
}

/** The human table: one line per profile. */
export function nabTable(result: Record<string, NabCorpusProfileScore>, files: number): string {
  const lines = [`NAB score of ${files} file${files === 1 ? '' : 's'} (100 = perfect, 0 = nothing detected):`];
  lines.push(`  ${'profile'.padEnd(20)} ${'score'.padStart(7)}  ${'threshold'.padStart(10)}  ${'raw'.padStart(9)}  windows detected  tp / fp rows`);
  for (const [name, r] of Object.entries(result)) {
    lines.push(`  ${name.padEnd(20)} ${(r.score === null ? '—' : r.score.toFixed(2)).padStart(7)}  ${String(+r.threshold.toPrecision(8)).padStart(10)}  ${r.raw.toFixed(3).padStart(9)}  ${`${r.detected} / ${r.windows}`.padStart(16)}  ${r.tp} / ${r.fp}`);
  }
  return `${lines.join('\n')}\n`;
}

function parse(args: string[]) {
  return parseOptions(args, {
    windows: { type: 'string' },
    profiles: { type: 'string' },
    profile: { type: 'string' },
    threshold: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
}

/**
 * The options both `nab` forms score with: --threshold (a number, or the corpus-optimised one when
 * absent), --windows, --profiles and --profile (one of the profiles' names).
 */
export function scoringOptions(o: { threshold?: string; windows?: string; profiles?: string; profile?: string }): { threshold: number | undefined; windows: NabWindows; profiles: NabProfiles } {
  let threshold: number | undefined;
  if (o.threshold !== undefined) {
    threshold = Number(o.threshold);
    if (o.threshold.trim() === '' || !Number.isFinite(threshold)) throw new RangeError(`--threshold must be a number, got: '${o.threshold}'`);
  }
  const windows = readWindows(o.windows!);
  const profiles = readProfiles(o.profiles);
  if (o.profile !== undefined && !(o.profile in profiles)) throw new RangeError(`--profile must be one of ${Object.keys(profiles).join(', ')}, got: '${o.profile}'`);
  return { threshold, windows, profiles };
}

/** The `nab` command on a results directory. */
export async function nab(args: string[]): Promise<void> {
  const { values: o, positionals } = parse(args);
  if (positionals.length !== 1) throw new UsageError(`nab needs exactly one RESULTS_DIR, got ${positionals.length}`);
  if (!o.windows) throw new UsageError('nab needs --windows W.json (NAB\'s labels/combined_windows.json)');
  const { threshold, windows, profiles } = scoringOptions(o);
  const items = readResultsDir(positionals[0], windows, o.data);
  const missing = Object.keys(windows).filter((k) => !items.some((it) => it.series.name === k));
  if (missing.length) process.stderr.write(`anomaly-lab: note: ${missing.length} series of the windows file have no results file here (first: ${missing[0]}); scored without them\n`);
  const result = scoreLabelled(items, { profiles, profile: o.profile, threshold });
  if (o.json) process.stdout.write(`${JSON.stringify(nabJson(result))}\n`);
  else process.stdout.write(nabTable(result, items.length));
}
