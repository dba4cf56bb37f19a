/**
 * `anomaly-lab nab --detector ID [--param k=v …] --data DIR --windows W.json [--out RESULTS_DIR]
 *     [--profiles P.json] [--profile NAME] [--threshold T] [--digits 12|full] [--seed N] [--json]`:
 * NAB's corpus runner. Runs a detector over every series of a NAB data folder
 * (`DIR/<category>/<file>.csv`, `timestamp,value`; the series the windows file names) the way NAB
 * runs one (src/core/detectors/series-run.ts: online detectors causally over every row, others
 * fitted on the probationary period; their scores mapped by their running ECDF unless the detector
 * is online with scores in [0, 1], as windowed_gaussian), then
 * scores the corpus with NAB's scorer (src/core/metrics/nab.ts), each profile's threshold optimised
 * over the corpus unless `--threshold` is given.
 *
 * Scores are rounded to 12 significant digits before they are scored and written (`--digits`,
 * default 12; `full` keeps every bit): NAB's published results files, from which its scoreboard was
 * computed, hold the scores Python 2 wrote with str(float), 12 significant digits. It matters: NAB's
 * optimised threshold for its windowed Gaussian is 1.0, which the rounded scores reach from
 * 1 − 5e−13 on. With 12 digits windowed_gaussian scores NAB's 39.65 / 20.87 / 47.41; at full
 * precision 40.13 / 23.94 / 47.73.
 *
 * `--out RESULTS_DIR` writes NAB's results layout, `<category>/<detector>_<file>.csv` with
 * `timestamp,value,anomaly_score` (the scores as scored), which `anomaly-lab nab RESULTS_DIR` (or
 * NAB's own scorer) reads back to the same numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, parseOptions } from './args.js';
import { readTextFile } from './read-text.js';
import { DataError } from '../core/data/errors.js';
import { getDetector } from '../core/detectors/registry.js';
import { resolveParams } from '../core/detectors/params.js';
import { runSeries, scoresInUnitRange } from '../core/detectors/series-run.js';
import { prepareSeries, probationRows, scoreLabelled, type NabScored } from '../core/metrics/nab.js';
import { chooseBackend } from '../core/compute/backend.js';
import { csvRows, nabJson, nabTable, scoringOptions } from './nab.js';
import { WriteError, ioReason, writeTextAtomic } from './output-file.js';

/** A NAB data file: its timestamps (as written) and values. */
export interface NabSeries {
  /** "category/file.csv", as the windows file names it. */
  name: string;
  file: string;
  timestamps: string[];
  /** The value cells as written (copied to the results files). */
  cells: string[];
  values: Float64Array;
}

/** Reads `DIR/<category>/<file>.csv` (`timestamp` and `value` columns; a value must be a finite number). */
export function readNabSeries(file: string, name: string): NabSeries {
  const rows = csvRows(file, readTextFile(file, 'data file'));
  if (rows.length < 2) throw new DataError(`${file}: no rows (expected a header with timestamp and value, then one row per time)`, file);
  const header = rows[0].map((h) => h.trim());
  const col = (c: string): number => {
    const i = header.indexOf(c);
    if (i < 0) throw new DataError(`${file}: no ${c} column (columns: ${header.join(', ')})`, file, undefined, c);
    return i;
  };
  const ti = col('timestamp');
  const vi = col('value');
  const n = rows.length - 1;
  const timestamps = new Array<string>(n);
  const cells = new Array<string>(n);
  const values = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const row = rows[r + 1];
    const cell = (row[vi] ?? '').trim();
    const v = cell === '' ? NaN : Number(cell);
    if (!Number.isFinite(v)) throw new DataError(`${file}: row ${r + 1} (line ${r + 2}), column value: ${cell === '' ? 'missing' : `'${cell}' is not a finite number`}`, file, r + 1, 'value');
    timestamps[r] = row[ti] ?? '';
    cells[r] = cell;
    values[r] = v;
  }
  return { name, file, timestamps, cells, values };
}

/** The data files of DIR that the windows file names, in NAB's order (category, then file); notes for the rest. */
export function listNabData(dir: string, windows: Record<string, unknown>): { series: { file: string; name: string }[]; notes: string[] } {
  let cats: fs.Dirent[];
  try {
    cats = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new DataError(`${dir}: cannot read the data folder: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`, dir);
  }
  const series: { file: string; name: string }[] = [];
  const unlabelled: string[] = [];
  for (const cat of cats.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const base of fs.readdirSync(path.join(dir, cat)).filter((b) => b.endsWith('.csv')).sort()) {
      const name = `${cat}/${base}`;
      if (Object.prototype.hasOwnProperty.call(windows, name)) series.push({ file: path.join(dir, cat, base), name });
      else unlabelled.push(name);
    }
  }
  if (series.length === 0) throw new DataError(`${dir}: no data file the windows file names (expected NAB's data folder: <category>/<file>.csv)`, dir);
  const notes: string[] = [];
  if (unlabelled.length) notes.push(`${unlabelled.length} data file(s) not in the windows file, skipped as NAB skips them (first: ${unlabelled[0]})`);
  const missing = Object.keys(windows).filter((k) => !series.some((s) => s.name === k));
  if (missing.length) notes.push(`${missing.length} series of the windows file have no data file in ${dir} (first: ${missing[0]}); scored without them`);
  return { series, notes };
}

/** --digits: 'full', or 1 to 17 significant digits. */
function parseDigits(text: string): number | null {
  if (text === 'full') return null;
  const d = Number(text);
  if (!Number.isInteger(d) || d < 1 || d > 17) throw new RangeError(`--digits must be an integer from 1 to 17 or 'full', got: '${text}'`);
  return d;
}

/** A score as scored and written: rounded to `digits` significant digits (NAB's results files: 12), or every bit. */
export function roundScore(s: number, digits: number | null): number {
  return digits === null ? s : Number(s.toPrecision(digits));
}

function parse(args: string[]) {
  return parseOptions(args, {
    detector: { type: 'string' },
    param: { type: 'string', multiple: true },
    seed: { type: 'string', default: '42' },
    data: { type: 'string' },
    windows: { type: 'string' },
    out: { type: 'string' },
    profiles: { type: 'string' },
    profile: { type: 'string' },
    threshold: { type: 'string' },
    digits: { type: 'string', default: '12' },
    backend: { type: 'string', default: 'auto' },
    json: { type: 'boolean', default: false },
  });
}

function writeResults(out: string, detector: string, s: NabSeries, scores: Float64Array): Promise<void> {
  const slash = s.name.lastIndexOf('/');
  const dir = path.join(out, s.name.slice(0, slash));
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new WriteError(dir, ioReason(e));
  }
  const lines = ['timestamp,value,anomaly_score'];
  for (let i = 0; i < scores.length; i++) lines.push(`${s.timestamps[i]},${s.cells[i]},${scores[i]}`);
  return writeTextAtomic(path.join(dir, `${detector}_${s.name.slice(slash + 1)}`), `${lines.join('\n')}\n`);
}

/** The `nab --detector ID --data DIR` command. */
export async function nabRun(args: string[]): Promise<void> {
  const { values: o, positionals } = parse(args);
  if (positionals.length) throw new UsageError(`nab --detector runs over --data DIR and takes no RESULTS_DIR, got: ${positionals.join(' ')}`);
  if (!o.data) throw new UsageError("nab --detector needs --data DIR (NAB's data folder: <category>/<file>.csv)");
  if (!o.windows) throw new UsageError("nab needs --windows W.json (NAB's labels/combined_windows.json)");
  const detector = getDetector(o.detector as string);
  const raw: Record<string, unknown> = {};
  for (const p of o.param ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) throw new UsageError(`--param takes name=value, got: ${p}`);
    raw[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  const params = resolveParams(detector.params, raw, detector.id);
  const seed = Number(o.seed);
  if (String(o.seed).trim() === '' || !Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got: '${String(o.seed)}'`);
  const digits = parseDigits(o.digits as string);
  const { threshold, windows, profiles } = scoringOptions(o);
  const { series: files, notes } = listNabData(o.data, windows);
  const backend = detector.usesTensors ? await chooseBackend(o.backend as 'auto') : null;

  const t0 = performance.now();
  const items: NabScored[] = [];
  let readMs = 0;
  let detectMs = 0;
  let rows = 0;
  let mapped = false;
  for (const f of files) {
    const r0 = performance.now();
    const s = readNabSeries(f.file, f.name);
    const series = prepareSeries(f.name, s.timestamps, windows[f.name], f.file);
    const r1 = performance.now();
    const run = await runSeries(detector.id, params, s.values, { seed, backend: backend?.backend, name: f.file });
    const scores = Float64Array.from(run.scores, (v) => roundScore(v, digits));
    detectMs += performance.now() - r1;
    readMs += r1 - r0;
    mapped ||= run.mapped;
    rows += s.values.length;
    if (o.out) await writeResults(o.out, detector.id, s, scores);
    items.push({ series, scores });
  }
  const t1 = performance.now();
  const result = scoreLabelled(items, { profiles, profile: o.profile, threshold });
  const scoreMs = performance.now() - t1;
  for (const n of notes) process.stderr.write(`anomaly-lab: note: ${n}\n`);

  const online = detector.online === true;
  const out = {
    detector: detector.id,
    params,
    data: o.data,
    files: items.length,
    rows,
    fit: online
      ? 'online: each series scored causally from its first row (fit runs the stream; a row\'s score uses only earlier rows)'
      : `probation: fitted on each series' probationary period, its first min(floor(0.15 n), 750) rows (e.g. ${probationRows(items[0].series.rows)} of ${items[0].series.rows} in ${items[0].series.name}), then every row scored`,
    scores: mapped
      ? `mapped into [0, 1] causally by the running ECDF: each score's share of the earlier scores of its series strictly below it (${scoresInUnitRange(detector.id) ? "the detector's scores lie in [0, 1] but on each series' own scale: a model fitted per series" : "the detector's scores are not bounded to [0, 1]"}; one threshold is used over the corpus)`
      : scoresInUnitRange(detector.id) ? 'as the detector gives them (they lie in [0, 1])' : 'as the detector gives them',
    digits: digits ?? 'full',
    rounding: digits === null ? 'none: every bit of each score' : `each score rounded to ${digits} significant digits before scoring and writing${digits === 12 ? " (as NAB's published results files: Python 2's str(float))" : ''}`,
    backend: backend?.backend ?? 'none',
    seed,
    out: o.out ?? null,
    ...nabJson(result),
    timings_ms: { read: Math.round(readMs), detect: Math.round(detectMs), score: Math.round(scoreMs), total: Math.round(performance.now() - t0) },
  };
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`${detector.id} over ${items.length} series (${rows.toLocaleString('en-US')} rows) of ${o.data}: ${out.fit}; scores ${out.scores}; ${out.rounding}\n`);
    process.stdout.write(nabTable(result, items.length));
    process.stdout.write(`time: read ${out.timings_ms.read} ms, detector ${out.timings_ms.detect} ms, NAB scoring ${out.timings_ms.score} ms${o.out ? `; results written to ${o.out}` : ''}\n`);
  }
}
