/**
 * `anomaly-lab`: the detectors from the command line.
 *
 *   anomaly-lab score FILE.csv --detector ID [--columns a,b] [--label COL] [--positive V]
 *       [--contamination auto|0.1] [--seed N] [--param name=value ...] [--train TRAIN.csv]
 *       [--save-model M] [--model M] [--out scored.csv] [--json] [--backend auto|wasm|cpu] [--missing median|mean|zero]
 *   anomaly-lab evaluate FILE.csv --score COL --label COL [--threshold T | --contamination C] [--positive V] [--beta B] [--curves C.csv] [--json]
 *
 * A mistake in the input (file, column, parameter) prints one line on stderr
 * and exits with status 2.
 */
import fs from 'node:fs';
import { UsageError, parseOptions } from './args.js';
import { DataError } from '../core/data/errors.js';
import { guessLabelColumn, getColumn, numericColumns, type Dataset } from '../core/data/dataset.js';
import { featureMatrix, resolveLabels, MISSING_POLICIES, type Labels, type MissingPolicy } from '../core/data/prepare.js';
import { DETECTORS, getDetector } from '../core/detectors/registry.js';
import { fitAndScore } from '../core/detectors/run.js';
import { scoreSamplesFromScores, type ModelJSON } from '../core/detectors/detector.js';
import { checkModelSchema } from '../core/detectors/model-schema.js';
import { thresholdRelation } from '../core/detectors/threshold.js';
import { THRESHOLD_METHODS, isThresholdMethod, labelFreeThreshold, type ThresholdMethod } from '../core/detectors/thresholders.js';
import { neighborsToSearch } from '../core/detectors/specs.js';
import { BACKEND_PREFERENCES, chooseBackend, type BackendPreference } from '../core/compute/backend.js';
import { ThresholdSweep, prCurveFull, rocCurveFull, type Metrics } from '../core/metrics/index.js';
// Loaded by main() for score and evaluate only, so --help and detectors start without the CSV reader,
// comlink and the worker-thread code (npx anomaly-lab --help: see scripts/build-cli.mjs).
let readCsvFile: typeof import('./read.js').readCsvFile;
let writeScoredCsv: typeof import('./write.js').writeScoredCsv;
let ScoringThreads: typeof import('./threads.js').ScoringThreads;
type ScoringThreads = import('./threads.js').ScoringThreads;
import type { Neighbors } from '../core/neighbors/index.js';
import { WriteError, checkWritable, ioReason, isSystemError, sameFileConflict, writeFileAtomic, writeTextAtomic } from './output-file.js';
// A worker thread that failed or stopped under a call (threads.ts): one line, exit 2.
import { WorkerLost } from '../workers/worker-lost.js';
import { escapeTerminalOutput } from './terminal.js';
import { encodingFromName, type TextEncoding } from '../core/data/encoding.js';
import { resolveParams } from '../core/detectors/params.js';

/**
 * Whether LOF's and kNN's neighbour search is worth splitting across threads: starting a thread
 * and sending it the rows costs ~0.35 s here, and the searches are fast (up to 5 columns the
 * KD-tree: 50k × 2 0.39 s on one thread, 0.56 s split; from 6 the WebAssembly one, ~0.65 ns per
 * pair of rows on 10 columns: 10k × 10 0.2 s on one thread, 0.46 s split; 100k × 10 7.8 s, 4.5 s split).
 */
function splitWorthIt(rows: number, cols: number): boolean {
  return (cols > 5 && rows * rows * cols >= 2e10) || rows >= 500_000;
}

const HELP = `anomaly-lab — anomaly detection on CSV files

Usage:
  anomaly-lab score FILE.csv --detector ID [options]
  anomaly-lab evaluate FILE.csv --score COL --label COL [--threshold T | --contamination C] [--positive V] [--beta B] [--curves C.csv]
  anomaly-lab nab RESULTS_DIR --windows W.json [--profiles P.json] [--profile NAME] [--threshold T] [--data DIR]
                                 NAB's score of results in NAB's layout (<category>/[<prefix>_]<file>.csv with
                                 timestamp, anomaly_score); the threshold optimised over the corpus unless given
  anomaly-lab nab --detector ID [--param k=v] --data DIR --windows W.json [--out RESULTS_DIR] [--digits 12|full]
                                 run a detector over NAB's corpus as NAB does (causally; scores in [0, 1]) and score it
  anomaly-lab check FILE.csv --asset NAME --history H.jsonl [--k 1] [--robust] [--window 1000] [--detector ID [--param k=v] [--label COL]]
                                 [--metrics num_rows,missing,mean,std,min,max,distinct,flagged_share,roc_auc,average_precision] [--no-record]
                                 check an upload against the asset's earlier ones (Dagster-style: |value - mean| <= k stdev
                                 of the earlier values, from the 3rd on); records it in H.jsonl; exit 1 when a check fails
  anomaly-lab compare FILE.csv --detector ID --detector '{"detector":"lof","params":{"n_neighbors":35}}' … [--seeds N] [--seed S]
                 [--label COL] [--contamination C] [--json]
                                 several detectors on the same columns: per detector ROC-AUC, average precision, precision@n,
                                 P/R/F1 at its own threshold, fit/score ms (mean ± sd over seeds S…S+N-1); Spearman rank
                                 correlation, Jaccard of the sets flagged at the common contamination C (default 0.1)
  anomaly-lab tune FILE.csv --detector ID --grid name=v1,v2 [--grid …] [--random N] [--metric roc_auc|average_precision|f1]
                 [--cv 5 | --holdout 0.25] [--seed S] [--label COL] [--train-on all|normal] [--param k=v] [--threads N]
                                 search a detector's parameters: every candidate fitted on each fold's training rows (all of
                                 them, or the normal ones) and measured on its held-out rows (StratifiedKFold, shuffled);
                                 prints every trial (mean ± sd over the folds) and the best. --random N samples N candidates
                                 of the grid (or of the detector's default space). Without a label column: the stability of
                                 the flagged set across folds and seeds, a heuristic
  anomaly-lab detectors          list detectors and their parameters
  anomaly-lab stream --detector ID [options] < in > out
                                 score points as they arrive (CSV or NDJSON on stdin, NDJSON out); stream --help

score options:
  --detector ID          ${DETECTORS.map((d) => d.id).join(' | ')} (default: zscore)
  --columns a,b          feature columns (default: every numeric column but the label)
  --label COL            label column (default: picked by name: label, is_anomaly, anomaly, outlier, target, y)
  --positive VALUE       the label value that marks an anomaly, when not 0/1, -1/1 or false/true
  --contamination C      'auto' or a fraction in (0, 0.5]
  --threshold T          flag rows with score > T instead of the detector's own threshold (the page's slider);
                         flagged, metrics (and metrics.nab / metrics.event) and --out's is_anomaly use it
  --threshold-method M   a threshold read from the scores without labels: iqr (Q3 + 1.5 IQR) | mad (median + 3·1.4826·MAD)
                         | zscore (mean + 3 sd) | otsu | gap (the largest gap in the top 10 % of scores); instead of the
                         detector's own threshold, computed on FILE's scores
  --seed N               random seed (default 42)
  --param name=value     a detector parameter by its scikit-learn name (repeatable)
  --train TRAIN.csv      fit on this file, score FILE.csv
  --fit-on all|probation|N%
                         fit on every row, on NAB's probationary period (the first min(floor(0.15 n), 750) rows:
                         causal; the default with --time) or on the first N % of the rows (e.g. 30%), then score
                         every row; the JSON says fit_on and causal
  --save-model M.json    write the fitted model
  --save-onnx M.onnx     write the fitted model as an ONNX graph (input X [N, features]; outputs score, is_anomaly,
                         decision_function; see README "At scale"); a detector with no ONNX form is refused first
  --onnx-dtype T         the ONNX graph's input and score type: float32 (default) or float64
  --model M.json         score with a saved model instead of fitting
  --out scored.csv       write the input columns plus score, is_anomaly (and decision_function, score_samples)
  --no-formula-escape    in --out, write text cells that start with = + - @ (formulas to a spreadsheet) as they are, without a leading '
  --missing POLICY       fill missing feature cells with the column median | mean | zero (default median)
  --backend B            tfjs backend: auto | wasm | cpu (default auto)
  --encoding E           the input's text encoding when it has no byte-order mark: utf-8 (default) or latin1 (Windows-1252)
  --json                 print one JSON object on stdout

score and evaluate, with a label:
  --beta B               beta of the F-beta score (metrics.fbeta), a number >= 0 (default 1)
  --curves C.csv         write the ROC and precision-recall curves at full resolution (curve,threshold,x,y)

score, time series (NAB):
  --time COL             the timestamp column (not used as a feature): ISO 8601, NAB's YYYY-MM-DD HH:MM:SS (UTC),
                         epoch s or ms (by magnitude); the JSON's time says what was read (unparseable,
                         duplicate, out-of-order rows counted, file order kept)
  --windows W.json       NAB's labels/combined_windows.json (this file's entry, found by its name) or a CSV of
                         start,end: adds metrics.nab (the three profiles) and metrics.event (event-wise precision,
                         recall, f1, mean_time_to_detect in seconds) at the detector's own threshold

nab --detector ID --data DIR --windows W.json options:
  --param name=value     a detector parameter (repeatable); --seed N as for score
  --out RESULTS_DIR      write NAB's results layout: <category>/<detector>_<file>.csv (timestamp,value,anomaly_score)
  --digits 12|full       significant digits of the scores as scored and written (default 12, as NAB's results files)
  --profiles, --profile, --threshold   as for nab RESULTS_DIR
`;

function fail(message: string): never {
  throw new UsageError(message);
}

/** Training rows from which an ensemble's members fit on the threads (below, starting them costs more than it saves). */
const ENSEMBLE_THREAD_ROWS = 5000;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (command === 'detectors') return listDetectors();
  if (command === 'score' || command === 'evaluate') {
    [{ readCsvFile }, { writeScoredCsv }, { ScoringThreads }] = await Promise.all([import('./read.js'), import('./write.js'), import('./threads.js')]);
  }
  if (command === 'score') return score(rest);
  if (command === 'evaluate') return evaluate(rest);
  // check FILE --asset NAME --history H.jsonl: the upload against the asset's earlier ones (check.ts, issue 22).
  if (command === 'check') return (await import('./check.js')).check(rest);
  // nab --detector ID --data DIR runs a detector over NAB's corpus (nab-run.ts); nab RESULTS_DIR scores results (nab.ts).
  // tune FILE --detector ID --grid …: a search over the detector's parameters (tune.ts, issue 21).
  if (command === 'tune') return (await import('./tune.js')).tune(rest);
  // compare FILE --detector A --detector B [--seeds N]: several detectors side by side (compare.ts, issue 20).
  if (command === 'compare') return (await import('./compare.js')).compare(rest);
  // stream: points from stdin scored as they arrive, one NDJSON line each (stream.ts, issue 18).
  if (command === 'stream') return (await import('./stream.js')).stream(rest);
  if (command === 'nab') return rest.some((a) => a === '--detector' || a.startsWith('--detector=')) ? (await import('./nab-run.js')).nabRun(rest) : (await import('./nab.js')).nab(rest);
  fail(`unknown command '${command}' (use score, evaluate, compare, tune, nab, stream or detectors; --help for more)`);
}

function listDetectors(): void {
  for (const d of DETECTORS) {
    process.stdout.write(`${d.id}\t${d.name}: ${d.summary}\n`);
    for (const p of d.params) process.stdout.write(`    ${p.name}=${String(p.default)}\t${p.help}\n`);
  }
}

function parse(args: string[], options: Parameters<typeof parseOptions>[1]) {
  // `--contamination -1`: a negative number after an option that takes a value is that value (parseArgs
  // would read it as an option), so the value's own check gives its one-line message.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    if (name && options[name]?.type === 'string' && i + 1 < args.length && /^-(\d|\.\d|inf)/i.test(args[i + 1])) joined.push(`${args[i]}=${args[++i]}`);
    else joined.push(args[i]);
  }
  return parseOptions(joined, options);
}

async function score(args: string[]): Promise<void> {
  const { values: o, positionals } = parse(args, {
    detector: { type: 'string', default: 'zscore' },
    columns: { type: 'string' },
    label: { type: 'string' },
    positive: { type: 'string' },
    contamination: { type: 'string' },
    threshold: { type: 'string' },
    seed: { type: 'string', default: '42' },
    param: { type: 'string', multiple: true },
    train: { type: 'string' },
    'save-model': { type: 'string' },
    'save-onnx': { type: 'string' },
    'onnx-dtype': { type: 'string' },
    model: { type: 'string' },
    out: { type: 'string' },
    'no-formula-escape': { type: 'boolean', default: false },
    missing: { type: 'string', default: 'median' },
    backend: { type: 'string', default: 'auto' },
    beta: { type: 'string' },
    curves: { type: 'string' },
    time: { type: 'string' },
    windows: { type: 'string' },
    'fit-on': { type: 'string' },
    'threshold-method': { type: 'string' },
    encoding: { type: 'string' },
    json: { type: 'boolean', default: false },
  }) as { values: Record<string, string | string[] | boolean | undefined>; positionals: string[] };
  if (positionals.length !== 1) fail(`score needs exactly one CSV file, got ${positionals.length}`);
  parseEncoding(o.encoding as string | undefined);
  if (o.windows !== undefined && o.time === undefined) fail('--windows needs --time COL (the timestamp column the windows are matched against)');
  if (o['fit-on'] !== undefined && o['fit-on'] !== 'all' && o['fit-on'] !== 'probation' && firstPercent(o['fit-on'] as string) === null) fail(`--fit-on must be all, probation or the first N% (N in (0, 100], e.g. 30%), got: '${String(o['fit-on'])}'`);
  if (o['fit-on'] !== undefined && (o.train !== undefined || o.model !== undefined)) fail(`--fit-on chooses rows of ${'FILE'} to fit on: not with ${o.train !== undefined ? '--train' : '--model'}`);
  const file = positionals[0];
  const seed = Number(o.seed);
  if (String(o.seed).trim() === '' || !Number.isInteger(seed)) fail(`--seed must be an integer, got: '${String(o.seed)}'`);
  const missing = o.missing as MissingPolicy;
  if (!MISSING_POLICIES.includes(missing)) fail(`--missing must be one of ${MISSING_POLICIES.join(', ')}, got: ${missing}`);
  const backendPref = o.backend as BackendPreference;
  if (!BACKEND_PREFERENCES.includes(backendPref)) fail(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}, got: ${backendPref}`);
  parseBeta(o.beta as string | undefined);
  // --threshold: the page's slider on the command line (score > T), checked before the file is read.
  const fixedThreshold = o.threshold === undefined ? null : Number(o.threshold);
  if (fixedThreshold !== null && (String(o.threshold).trim() === '' || !Number.isFinite(fixedThreshold))) fail(`--threshold must be a number, got: '${String(o.threshold)}'`);
  if (o['threshold-method'] !== undefined && !isThresholdMethod(o['threshold-method'] as string)) fail(`--threshold-method must be one of ${THRESHOLD_METHODS.join(', ')}, got: '${String(o['threshold-method'])}'`);
  if (o['threshold-method'] !== undefined && fixedThreshold !== null) fail('give --threshold or --threshold-method, not both');
  // Outputs: never one of the inputs, and writable, before any work.
  checkOutputs(
    [['--out', o.out], ['--save-model', o['save-model']], ['--save-onnx', o['save-onnx']], ['--curves', o.curves]],
    [['the input file', file], ['the --train file', o.train], ['the --model file', o.model]],
  );

  let savedModel: ModelJSON | undefined;
  // `--model ""` is a mistake, not "no model" (it used to fit the default detector silently).
  if (o.model !== undefined) savedModel = readModel(o.model as string);
  const detectorId = savedModel ? savedModel.detector : (o.detector as string);
  getDetector(detectorId);

  // No prototype: `--param __proto__=1` is a parameter named __proto__ (refused below), not a prototype.
  const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const p of (o.param as string[] | undefined) ?? []) {
    const eq = p.indexOf('=');
    if (eq < 1) fail(`--param takes name=value, got: ${p}`);
    params[p.slice(0, eq).trim()] = p.slice(eq + 1);
  }
  if (o.contamination !== undefined) params.contamination = o.contamination;
  // Parameter names and values are checked now, before the file is read (a large file takes seconds).
  if (!savedModel) resolveParams(getDetector(detectorId).params, params, detectorId);
  // --save-onnx: a detector (or windowed model) with no ONNX form is refused before the file is read.
  if (o['onnx-dtype'] !== undefined && o['onnx-dtype'] !== 'float32' && o['onnx-dtype'] !== 'float64') fail(`--onnx-dtype must be float32 or float64, got: '${String(o['onnx-dtype'])}'`);
  if (o['onnx-dtype'] !== undefined && o['save-onnx'] === undefined) fail('--onnx-dtype sets the type of the graph --save-onnx writes: give --save-onnx M.onnx too');
  if (o['save-onnx'] !== undefined) {
    const support = (await import('../core/onnx/index.js')).onnxSupport(detectorId, savedModel ? savedModel.params : resolveParams(getDetector(detectorId).params, params, detectorId));
    if (!support.ok) fail(`--save-onnx: ${support.reason}`);
  }

  // Large files: start the scoring threads now, so they are up by the time the model is fitted.
  const size = fileSize(file);
  // An online detector (windowed_gaussian) scores the rows as one stream, in order: never split across threads.
  const threads = size > 20e6 && !getDetector(detectorId).online ? new ScoringThreads() : null;
  // A neighbour search (LOF, kNN) may want them too, on files of any size. Where it may well be split
  // (from ~2 MB: 45k rows × 10 short numbers), they start now, while the file is read: a thread fetches
  // its rows from this one, which cannot serve them while it searches its own share, so it waits for
  // the threads to be up (~0.35 s) before it starts.
  const search: { threads: ScoringThreads | null } = { threads: null };
  const getThreads = (): ScoringThreads => threads ?? (search.threads ??= new ScoringThreads());
  if (!savedModel && getDetector(detectorId).usesNeighbors && fileSize(typeof o.train === 'string' ? o.train : file) > 2e6) getThreads();
  try {
    await scoreFile(file, o, { detectorId, savedModel, params, seed, missing, backendPref, threads, getThreads });
  } finally {
    threads?.close();
    search.threads?.close();
  }
}

/** A file's size in bytes; 0 when it cannot be read (readCsvFile reports that). */
function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

interface ScoreSetup {
  detectorId: string;
  savedModel?: ModelJSON;
  params: Record<string, unknown>;
  seed: number;
  missing: MissingPolicy;
  backendPref: BackendPreference;
  /** Started for large files, so they are up when the model is fitted. */
  threads: ScoringThreads | null;
  /** The same threads, started on first use. */
  getThreads: () => ScoringThreads;
}

/** The N of --fit-on N% (0 < N ≤ 100), or null when the value is not a percentage. */
function firstPercent(v: string): number | null {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
  const n = m ? Number(m[1]) : NaN;
  return n > 0 && n <= 100 ? n : null;
}

async function scoreFile(file: string, o: Record<string, string | string[] | boolean | undefined>, setup: ScoreSetup): Promise<void> {
  const { detectorId, savedModel, params, seed, missing, backendPref, threads, getThreads } = setup;
  const spec = getDetector(detectorId);
  const t0 = performance.now();
  const encoding = parseEncoding(o.encoding as string | undefined);
  const ds = await readCsvFile(file, undefined, { encoding });
  const trainDs = o.train ? await readCsvFile(o.train as string, undefined, { encoding }) : null;
  const parseMs = performance.now() - t0;

  const labelName = (o.label as string | undefined) ?? guessLabelColumn(ds);
  if (o.label) getColumn(ds, o.label as string);
  const labels = labelName ? resolveLabels(ds, labelName, o.positive as string | undefined) : null;
  let columns: string[];
  if (savedModel?.columns && !o.columns) columns = savedModel.columns;
  else if (o.columns) columns = (o.columns as string).split(',').map((c) => c.trim()).filter(Boolean);
  else columns = numericColumns(ds).filter((c) => c !== labelName && c !== o.time);
  if (columns.length === 0) fail(`${ds.name}: no numeric feature column ${labelName ? `left besides the label '${labelName}'` : 'chosen'}`);
  if (labelName && columns.includes(labelName)) fail(savedModel?.columns && !o.columns ? `${o.model as string}: the model's columns include the label column '${labelName}'` : `--columns includes the label column '${labelName}'`);

  if (spec.columns !== undefined && columns.length !== spec.columns) {
    fail(`${spec.id} scores exactly ${spec.columns} value column${spec.columns === 1 ? ' (a time series)' : 's'}, got ${columns.length} (${columns.join(', ')}): choose ${spec.columns === 1 ? 'one' : spec.columns} with --columns`);
  }
  // --time: the time axis as the page reads it (core/data/time.ts); --windows (NAB's combined JSON or a CSV of
  // start,end): matched to its rows now, so a bad windows file stops before the fit.
  const timeFile = o.time !== undefined ? await import('./time-file.js') : null;
  const timed = timeFile ? timeFile.seriesFor(file, ds, o.time as string, o.windows as string | undefined) : null;
  const nabFile = o.windows ? await import('./nab-file.js') : null;
  const nabSeries = timed?.nab ?? null;
  const target = featureMatrix(ds, columns, missing);
  // --fit-on probation: NAB's probationary period, the first min(floor(0.15 n), 750) rows, then every row scored (causal
  // rows after it); the default for a time series (--time), as in the page. An online detector runs over every row anyway.
  const fitOn = !trainDs && !savedModel && !spec.online ? ((o['fit-on'] as string | undefined) ?? (o.time !== undefined ? 'probation' : 'all')) : 'all';
  const probation = fitOn === 'probation';
  // --fit-on N%: the first floor(n · N / 100) rows (at least 1), as the page's "first N %".
  const percent = firstPercent(fitOn);
  const probationCount = (await import('../core/metrics/nab.js')).probationRows(ds.rows);
  const fitRows = probation ? probationCount : percent !== null ? Math.max(1, Math.floor((ds.rows * percent) / 100)) : ds.rows;
  if (probation && fitRows < 1) fail(`${ds.name}: NAB's probationary period of ${ds.rows} rows is empty: nothing to fit on (--fit-on all)`);
  const prefix = probation || percent !== null;
  const train = trainDs ? featureMatrix(trainDs, columns, missing) : prefix ? { ...target, matrix: { data: target.matrix.data.subarray(0, fitRows * target.matrix.cols), rows: fitRows, cols: target.matrix.cols } } : target;

  const backend = spec.usesTensors ? await chooseBackend(backendPref) : null;
  // A large neighbour search (LOF, kNN) is split across the threads first; fit gets its result as a value.
  let neighbors: Neighbors | undefined;
  const X = train.matrix;
  const k = savedModel ? 0 : neighborsToSearch(spec, params, X.rows);
  if (k > 0 && splitWorthIt(X.rows, X.cols)) {
    const t = getThreads();
    if (t.size > 0 && k >= 1 && k < X.rows) neighbors = await t.neighbors({ datasetId: t.add(trainDs ?? ds), columns, missing }, X, k);
  }
  // An ensemble's members fit side by side on this thread and the threads (member i with seed + i), then
  // are assembled as fitting them in turn would (FitOptions.members); small fits stay on this thread.
  let members: { model: import('../core/detectors/detector.js').FittedModel; trainingScores: Float64Array }[] | undefined;
  if (!savedModel && detectorId === 'ensemble' && X.rows >= ENSEMBLE_THREAD_ROWS) {
    const t = getThreads();
    const list = JSON.parse(String(resolveParams(spec.params, params, detectorId).members)) as { detector: string; params: Record<string, unknown> }[];
    if (t.size > 0) members = await t.fitMembers({ datasetId: t.add(trainDs ?? ds), columns, missing }, prefix && !trainDs ? { kind: 'first', count: fitRows } : { kind: 'all' }, X, list, seed, backend?.backend);
  }
  // The threads read the rows they score from the data API, by the dataset's id.
  const source = threads && threads.size > 0 ? { datasetId: threads.add(ds), columns, missing } : null;
  const result = await fitAndScore(
    {
      detector: detectorId, params, train: train.matrix, score: trainDs || prefix ? target.matrix : undefined, model: savedModel,
      names: { file: ds.name, trainFile: trainDs?.name, columns },
      scorer: threads && source ? (m, X) => threads.score(m, source, X) : undefined,
    },
    {
      seed, backend: backend?.backend, neighbors, members,
    },
  );
  const { model, scores, decision } = result;
  // Built before any file is written: a model too large to export stops here, with no file.
  let onnxBytes: Uint8Array | null = null;
  if (o['save-onnx']) {
    const onnx = await import('../core/onnx/index.js');
    try {
      onnxBytes = onnx.exportOnnx(model, { dtype: (o['onnx-dtype'] as 'float32' | 'float64' | undefined) ?? 'float32', columns });
    } catch (e) {
      if (e instanceof onnx.OnnxExportError) fail(`--save-onnx: ${e.message}`);
      throw e;
    }
  }
  if (onnxBytes) {
    const bytes = onnxBytes;
    await writeFileAtomic(o['save-onnx'] as string, async (out) => {
      out.pushBytes(bytes);
      await out.flush();
    });
  }
  if (o['save-model']) {
    await writeTextAtomic(o['save-model'] as string, JSON.stringify({ ...model.toJSON(), columns }, null, 1));
  }
  const sweep = new ThresholdSweep(scores, labels?.labels);
  // --threshold (checked in score()): the page's slider; else the detector's own.
  const fixedThreshold = o.threshold === undefined ? null : Number(o.threshold);
  // --threshold-method: a label-free rule on the scores (thresholders.ts) instead of the detector's own threshold.
  const method = o['threshold-method'] as ThresholdMethod | undefined;
  const threshold = fixedThreshold ?? (method ? labelFreeThreshold(method, scores) : model.threshold);
  const flagged = sweep.flaggedAt(threshold);
  const metrics = sweep.metricsAt(threshold, parseBeta(o.beta as string | undefined));
  if (o.curves) await writeCurves(o.curves as string, sweep);
  if (o.out) {
    await writeScoredCsv(o.out as string, file, ds, { scores, threshold, decision, scoreSamples: scoreSamplesFromScores(model, scores) }, { formulaEscape: !o['no-formula-escape'], encoding });
  }

  const out = {
    detector: detectorId,
    params: model.params,
    backend: backend?.backend ?? 'none',
    compute: result.compute,
    rows: ds.rows,
    columns,
    label: labelName,
    positive: labels && labelName ? positiveValue(ds, labelName, labels) : null,
    threshold,
    ...(method ? { threshold_method: method } : {}),
    flagged,
    // Fitted attributes by scikit-learn's names where it has them (offset_, max_samples_, n_neighbors_, rho, n_support…).
    model: { n_features_in_: model.features, ...model.info.details },
    // --windows: NAB's three profiles for this file at the model's threshold (metrics.event: the timeline issue).
    metrics: nabFile && nabSeries ? { ...(metrics ?? {}), nab: nabFile.nabMetrics(nabSeries, scores, threshold, fixedThreshold === null) } : metrics,
    timings_ms: { parse: round(parseMs), fit: round(result.timings.fit), score: round(result.timings.score) },
    imputed: [...train.imputed, ...(trainDs ? target.imputed : [])],
    warnings: [...model.info.warnings, ...(backend?.notes ?? [])],
    trained_on: trainDs ? trainDs.name : savedModel ? `model ${o.model as string}` : ds.name,
    // With --time or --fit-on: the rows fitted on, and whether every row after NAB's probationary period was scored by a model that never saw it.
    ...(o.time !== undefined || o['fit-on'] !== undefined ? {
      fit_on: probation ? `probation (first ${fitRows} rows)` : percent !== null ? `first ${percent} % (${fitRows} rows)` : trainDs ? 'the --train file' : savedModel ? 'the --model file' : spec.online ? 'all rows (online)' : 'all rows',
      causal: probation || (percent !== null && fitRows <= probationCount) || !!trainDs || !!savedModel || !!spec.online,
    } : {}),
  };
  // --time: the axis as read (kind, span, unparseable / duplicate / out-of-order rows); with --windows, metrics.event
  // (event-wise precision / recall / F1, mean time to detect) at the same threshold as flagged and metrics.nab.
  if (timeFile && timed) {
    Object.assign(out, { time: timeFile.timeJson(timed) });
    if (timed.windows) Object.assign(out, { metrics: { ...(out.metrics ?? {}), event: timeFile.eventJson(timed, scores, threshold) } });
  }
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    printHuman({ ...out, metrics }, ds, labels);
    const nab = (out.metrics as { nab?: Record<string, { score: number | null } | unknown> } | null)?.nab;
    if (nab) process.stdout.write(`NAB (${String(nab.series)}, ${String(nab.rule)}): ${['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'].map((k) => `${k} ${(nab[k] as { score: number | null }).score?.toFixed(2) ?? '—'}`).join(', ')}\n`);
  }
}

function readModel(file: string): ModelJSON {
  if (file.trim() === '') fail('--model needs a model file name, got an empty one');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`${file} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`${file} is not a model file (not JSON)`);
  }
  // The whole schema before anything reads the model (its columns, its detector): one line naming the field, exit 2.
  return checkModelSchema(json, file);
}

async function evaluate(args: string[]): Promise<void> {
  const { values: o, positionals } = parse(args, {
    score: { type: 'string' },
    label: { type: 'string' },
    positive: { type: 'string' },
    threshold: { type: 'string' },
    contamination: { type: 'string' },
    beta: { type: 'string' },
    curves: { type: 'string' },
    encoding: { type: 'string' },
    json: { type: 'boolean', default: false },
  }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  if (positionals.length !== 1) fail(`evaluate needs exactly one CSV file, got ${positionals.length}`);
  const encoding = parseEncoding(o.encoding as string | undefined);
  if (!o.score) fail('evaluate needs --score COL (the column holding the scores, higher = more anomalous)');
  if (!o.label) fail('evaluate needs --label COL');
  if (o.threshold !== undefined && o.contamination !== undefined) fail('give --threshold or --contamination, not both');
  const beta = parseBeta(o.beta as string | undefined);
  checkOutputs([['--curves', o.curves]], [['the input file', positionals[0]]]);
  let threshold = NaN;
  let contamination = NaN;
  if (o.threshold !== undefined) {
    threshold = Number(o.threshold);
    if (o.threshold === '' || !Number.isFinite(threshold)) fail(`--threshold must be a number, got: '${String(o.threshold)}'`);
  }
  if (o.contamination !== undefined) {
    contamination = Number(o.contamination);
    if (o.contamination === '' || !(contamination > 0 && contamination < 1)) fail(`--contamination must be in (0, 1), got: '${String(o.contamination)}'`);
  }
  const t0 = performance.now();
  const ds = await readCsvFile(positionals[0], undefined, { encoding });
  const parseMs = performance.now() - t0;
  const col = getColumn(ds, o.score as string);
  if (col.kind !== 'numeric') fail(`${ds.name}: score column '${col.name}' is text (e.g. '${col.firstText.value}' in row ${col.firstText.row})`);
  if (col.missing > 0) {
    const row = col.values.findIndex((v) => v !== v) + 1;
    throw new DataError(`${ds.name}: score column '${col.name}' has ${col.missing} missing value(s), first at row ${row}`, ds.name, row, col.name);
  }
  const labels = resolveLabels(ds, o.label as string, o.positive as string | undefined);
  const sweep = new ThresholdSweep(col.values, labels.labels);
  let rule: string;
  if (o.threshold !== undefined) rule = `score > ${threshold}`;
  else if (o.contamination !== undefined) {
    threshold = sweep.thresholdForContamination(contamination);
    rule = `contamination ${contamination}`;
  } else ({ threshold, rule } = sweep.thresholdForPositiveShare()!);
  const metrics = sweep.metricsAt(threshold, beta)!;
  if (o.curves) await writeCurves(o.curves as string, sweep);
  const out = {
    score: col.name,
    label: o.label as string,
    positive: positiveValue(ds, o.label as string, labels),
    positives: labels.positives,
    rows: ds.rows,
    threshold,
    threshold_rule: rule,
    flagged: sweep.flaggedAt(threshold),
    metrics,
    ...(o.curves ? { curves: o.curves as string } : {}),
    timings_ms: { parse: round(parseMs) },
  };
  if (o.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`${ds.name}: ${ds.rows} rows, scores '${col.name}', label '${out.label}' (positive = ${labels.positive}, ${labels.positives} anomalies)\n`);
    process.stdout.write(`threshold ${fmt(threshold)} (${rule}): ${out.flagged} flagged\n`);
    printMetrics(metrics);
    if (o.curves) process.stdout.write(`curves written to ${o.curves as string}\n`);
  }
}

/** --encoding: the input's encoding when it has no byte-order mark (latin1 = Windows-1252); UTF-8 by default. */
function parseEncoding(text: string | undefined): TextEncoding | undefined {
  if (text === undefined) return undefined;
  const encoding = encodingFromName(text);
  if (!encoding) fail(`--encoding must be utf-8, latin1 (Windows-1252), utf-16le or utf-16be, got: '${text}'`);
  return encoding;
}

/** --beta: a number ≥ 0, default 1. */
function parseBeta(text: string | undefined): number {
  if (text === undefined) return 1;
  const beta = Number(text);
  if (text.trim() === '' || !Number.isFinite(beta) || beta < 0) fail(`--beta must be a number >= 0, got: '${text}'`);
  return beta;
}

/** The positive label as it appears in the column: a number for a numeric label column, else the text. */
function positiveValue(ds: Dataset, labelName: string, labels: Labels): number | string {
  return getColumn(ds, labelName).kind === 'numeric' ? Number(labels.positive) : labels.positive;
}

/**
 * --curves: scikit-learn 1.2.1's roc_curve (drop_intermediate=True) and
 * precision_recall_curve at full resolution, one CSV (curve,threshold,x,y).
 * An undefined value (FPR without negatives, TPR without positives, the last
 * PR point's threshold) is an empty cell, as pandas writes NaN.
 */
async function writeCurves(file: string, sweep: ThresholdSweep): Promise<void> {
  if (!sweep.split) fail('--curves needs a label column (--label COL)');
  const cell = (v: number) => (Number.isNaN(v) ? '' : String(v));
  const lines = ['curve,threshold,x,y'];
  for (const [name, c] of [['roc', rocCurveFull(sweep.split)], ['pr', prCurveFull(sweep.split)]] as const) {
    for (let k = 0; k < c.x.length; k++) lines.push(`${name},${cell(c.thresholds[k])},${cell(c.x[k])},${cell(c.y[k])}`);
  }
  await writeTextAtomic(file, `${lines.join('\n')}\n`);
}

/**
 * Refuse, before any work, an output that is one of the inputs (same file, however named) or that two
 * outputs share, and an output that cannot be written (a missing folder, a folder): one line, exit 2.
 */
function checkOutputs(outputs: [string, unknown][], inputs: [string, unknown][]): void {
  const given = (list: [string, unknown][]) => list.filter((e): e is [string, string] => typeof e[1] === 'string');
  const conflict = sameFileConflict(given(outputs), given(inputs));
  if (conflict) fail(conflict);
  for (const [, file] of given(outputs)) checkWritable(file);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function fmt(x: number | null): string {
  if (x === null) return '—';
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(4) : x.toFixed(4);
}

function printMetrics(m: Metrics): void {
  const rows: [string, string][] = [
    ['precision', fmt(m.precision)], ['recall', fmt(m.recall)], ['F1', fmt(m.f1)], [`F-beta (beta ${m.beta})`, fmt(m.fbeta)],
    ['MCC', fmt(m.matthews_corrcoef)], ['balanced accuracy', fmt(m.balanced_accuracy)],
    ['ROC-AUC', fmt(m.roc_auc)], ['average precision', fmt(m.average_precision)], ['precision@n', fmt(m.precision_at_n)],
    ['confusion', `tp ${m.tp}  fp ${m.fp}  fn ${m.fn}  tn ${m.tn}`],
  ];
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(18)} ${v}\n`);
  for (const w of m.warnings) process.stdout.write(`  note: ${w}\n`);
}

function printHuman(out: { detector: string; backend: string; compute: string; rows: number; columns: string[]; threshold: number; flagged: number; metrics: Metrics | null; timings_ms: Record<string, number>; imputed: { column: string; cells: number; value: number }[]; warnings: string[] }, ds: Dataset, labels: Labels | null): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`${ds.name}: ${out.rows} rows, ${out.columns.length} feature columns (${out.columns.join(', ')})`);
  for (const imp of out.imputed) w(`  missing: ${imp.cells} cells of '${imp.column}' filled with ${fmt(imp.value)}`);
  // The One-class SVM's libsvm rule sits just below 0: said as score ≥ 0.
  const rel = thresholdRelation(out.threshold);
  const rule = rel.op === '≥' ? `score ≥ ${rel.value}` : `threshold ${fmt(rel.value)}`;
  w(`${out.detector} on ${out.backend} (${out.compute}): ${rule}, ${out.flagged} flagged (${((100 * out.flagged) / out.rows).toFixed(2)} %)`);
  for (const warning of out.warnings) w(`  note: ${warning}`);
  if (out.metrics && labels) {
    w(`against labels (positive = ${labels.positive}, ${labels.positives} anomalies):`);
    printMetrics(out.metrics);
  }
  w(`time: parse ${out.timings_ms.parse} ms, fit ${out.timings_ms.fit} ms, score ${out.timings_ms.score} ms`);
}

// A reader that stops early (`anomaly-lab … | head -1`) closes the pipe: end quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** Every failure ends here, from main() or thrown anywhere else: one line on stderr and exit 2, or a stack and exit 1 for a bug. */
function report(e: unknown): void {
  const err = e as Error;
  // A reader that closed the pipe (stdout, or --out /dev/stdout): end quietly, as Unix tools do.
  if ((e as NodeJS.ErrnoException | null)?.code === 'EPIPE') process.exit(0);
  // A DataError thrown in a scoring thread arrives as a plain Error with its name (comlink keeps name and message).
  const dataError = e instanceof DataError || err?.name === 'DataError' || err?.name === 'EncodingError';
  if (e instanceof UsageError || dataError || e instanceof WriteError || e instanceof WorkerLost || e instanceof RangeError || e instanceof TypeError) {
    // Bytes that are not UTF-8: the flag that reads them as Latin-1 / Windows-1252.
    process.stderr.write(`anomaly-lab: ${err.message}${err.name === 'EncodingError' ? ' (--encoding latin1)' : ''}\n`);
    process.exit(2);
  }
  // Any other failed system call (reading, writing): its reason in one line, never a stack.
  if (isSystemError(e)) {
    process.stderr.write(`anomaly-lab: ${e.syscall}${e.path ? ` ${e.path}` : ''}: ${ioReason(e)}\n`);
    process.exit(2);
  }
  process.stderr.write(`anomaly-lab: internal error: ${err?.stack ?? String(e)}\n`);
  process.exit(1);
}

// tfjs-backend-wasm's Emscripten glue adds an 'uncaughtException' listener that rethrows, so an error
// thrown outside main()'s promise printed its 40 KB minified line and exited 7: with a capture callback,
// Node calls ours instead of any 'uncaughtException' listener (and for unhandled rejections too).
process.setUncaughtExceptionCaptureCallback(report);

// Control characters in any message (a header with an ANSI / OSC sequence, say) are printed escaped.
escapeTerminalOutput();

main(process.argv.slice(2)).catch(report);
