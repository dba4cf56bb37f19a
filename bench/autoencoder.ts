/**
 * AutoEncoder: detection quality by PyOD's benchmark protocol, and training /
 * scoring speed in Node on tfjs' wasm and cpu backends.
 *
 * Protocol (PyOD's benchmark): per data set and seed, a 60/40 train/test split
 * (ours: a seeded permutation, test = ceil(0.4 n) rows, as train_test_split
 * counts them; not scikit-learn's shuffle), a standardiser fitted on the
 * training part and applied to both, the detector fitted on the training part
 * with its defaults, and ROC-AUC and precision@n of its scores on the test
 * part; the mean over seeds 0 … 9. Compared with PyOD's published AutoEncoder
 * ROC-AUC on the same ODDS files (../shared/datasets).
 */
import { chooseBackend } from '../src/core/compute/backend.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsvFile } from '../src/cli/read.js';
import { numericColumns } from '../src/core/data/dataset.js';
import type { Matrix } from '../src/core/data/matrix.js';
import { featureMatrix, resolveLabels } from '../src/core/data/prepare.js';
import { autoencoder } from '../src/core/detectors/autoencoder.js';
import type { EpochReport } from '../src/core/detectors/detector.js';
import { resolveParams } from '../src/core/detectors/params.js';
import { ThresholdSweep } from '../src/core/metrics/sweep.js';
import { Random } from '../src/core/random.js';
import { COLS, ROWS, ROWS_100K, SEED, ensureData, generateMatrix } from './gen.js';
import { browserApplyModelBench, browserDetectorBench } from './browser.js';
import { fmtMs, gc, median, met, table } from './util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DATASETS_DIR = path.resolve(here, '..', '..', 'shared', 'datasets');

/** PyOD's published AutoEncoder ROC-AUC (mean of 10 splits) on these ODDS sets. */
export const PYOD_AE_ROC_AUC: Record<string, number> = {
  cardio: 0.8165, pima: 0.6655, wbc: 0.9232, shuttle: 0.9898, satellite: 0.6628, ionosphere: 0.8959,
};
export const AE_GOAL_TOLERANCE = 0.02;


/** Switch tfjs to `name` ('wasm' | 'cpu') in this process; returns the backend now active. */
/** The tfjs backend for a measurement, started as the CLI starts it (src/core/compute/backend.ts). */
async function useBackend(name: 'wasm' | 'cpu'): Promise<string> {
  const choice = await chooseBackend(name);
  if (choice.backend !== name) throw new Error(`tfjs backend ${name} failed to start (${choice.notes.join('; ')})`);
  return choice.backend;
}

export interface AeDatasetResult {
  dataset: string;
  rows: number;
  cols: number;
  seeds: number;
  roc_auc: number[];
  precision_at_n: number[];
  roc_auc_mean: number;
  roc_auc_std: number;
  precision_at_n_mean: number;
  pyod_roc_auc: number;
  /** ours − PyOD's. */
  diff: number;
  met: boolean;
  /** Wall time of all the seeds' fit + score. */
  total_ms: number;
  fit_ms_median: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function std(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
}

/** Rows `idx` of X standardised with the mean / population std of rows `fitIdx` (zero std → 1), as PyOD's standardizer. */
function standardisedRows(X: Matrix, idx: Int32Array, center: Float64Array, scale: Float64Array): Matrix {
  const d = X.cols;
  const out = new Float64Array(idx.length * d);
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < d; j++) out[i * d + j] = (X.data[idx[i] * d + j] - center[j]) / scale[j];
  return { data: out, rows: idx.length, cols: d };
}

function fitStandardiser(X: Matrix, idx: Int32Array): { center: Float64Array; scale: Float64Array } {
  const d = X.cols;
  const center = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const i of idx) for (let j = 0; j < d; j++) center[j] += X.data[i * d + j];
  for (let j = 0; j < d; j++) center[j] /= idx.length;
  for (const i of idx) for (let j = 0; j < d; j++) scale[j] += (X.data[i * d + j] - center[j]) ** 2;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j] / idx.length) || 1;
  return { center, scale };
}

/** PyOD's protocol on one ODDS file: `seeds` splits, AutoEncoder defaults, ROC-AUC and precision@n on the test part. */
export async function aeProtocol(name: string, seeds: number, log: (s: string) => void, extra: Record<string, unknown> = {}): Promise<AeDatasetResult> {
  const ds = await readCsvFile(path.join(DATASETS_DIR, `${name}.csv`));
  const cols = numericColumns(ds).filter((c) => c !== 'label');
  const X = featureMatrix(ds, cols).matrix;
  const y = resolveLabels(ds, 'label').labels;
  const n = X.rows;
  const nTest = Math.ceil(0.4 * n);
  const auc: number[] = [];
  const prn: number[] = [];
  const fitMs: number[] = [];
  const t0 = performance.now();
  const params = resolveParams(autoencoder.params, extra, 'autoencoder');
  for (let seed = 0; seed < seeds; seed++) {
    const perm = new Random(seed).permutation(n);
    const test = perm.slice(0, nTest);
    const train = perm.slice(nTest);
    const { center, scale } = fitStandardiser(X, train);
    const Xtr = standardisedRows(X, train, center, scale);
    const Xte = standardisedRows(X, test, center, scale);
    const yte = Uint8Array.from(test, (i) => y[i]);
    const tf0 = performance.now();
    const model = await autoencoder.fit(Xtr, params, { seed });
    fitMs.push(performance.now() - tf0);
    const sweep = new ThresholdSweep(await model.score(Xte), yte);
    auc.push(sweep.rocAuc!);
    prn.push(sweep.precisionAtN!);
    log(`autoencoder: ${name} seed ${seed}: ROC-AUC ${sweep.rocAuc!.toFixed(4)}, precision@n ${sweep.precisionAtN!.toFixed(4)}, fit ${(fitMs[seed] / 1000).toFixed(1)} s`);
  }
  const m = mean(auc);
  const ref = PYOD_AE_ROC_AUC[name];
  return {
    dataset: name, rows: n, cols: X.cols, seeds, roc_auc: auc, precision_at_n: prn, roc_auc_mean: m, roc_auc_std: std(auc), precision_at_n_mean: mean(prn),
    pyod_roc_auc: ref, diff: m - ref, met: m >= ref - AE_GOAL_TOLERANCE, total_ms: performance.now() - t0, fit_ms_median: median(fitMs),
  };
}

export interface AeTrainResult {
  backend: string;
  rows: number;
  cols: number;
  epochs: number;
  batch_size: number;
  /** Wall time of fit (training, validation loss and scoring the training rows). */
  fit_ms: number;
  /** Training time only (onEpoch's elapsed at the last epoch). */
  train_ms: number;
  /** Training rows × epochs / training seconds. */
  rows_epochs_per_s: number;
  epoch_rows_per_s: number[];
  loss: number[];
}

/** Fit the AutoEncoder on the first `rows` rows of the bench's seeded 10-column data. */
export async function aeTrain(backend: 'wasm' | 'cpu', rows: number, extra: Record<string, unknown>, log: (s: string) => void): Promise<AeTrainResult> {
  const active = await useBackend(backend);
  const g = generateMatrix(rows, COLS, SEED);
  const X = { data: g.data, rows, cols: COLS };
  const params = resolveParams(autoencoder.params, extra, 'autoencoder');
  const reports: EpochReport[] = [];
  gc();
  const t0 = performance.now();
  await autoencoder.fit(X, params, {
    seed: 42,
    onEpoch: (e) => {
      reports.push(e);
      log(`autoencoder: ${active} ${rows.toLocaleString('en')} × ${COLS} batch ${String(params.batch_size)}: epoch ${e.epoch}/${e.epochs}, ${Math.round(e.rowsPerSecond).toLocaleString('en')} rows/s, loss ${e.loss.toFixed(4)}`);
    },
  });
  const fitMs = performance.now() - t0;
  const trainMs = reports.at(-1)!.elapsedMs;
  const trainRows = rows - Math.floor(rows * Number(params.validation_size));
  const batch = Number(params.batch_size);
  const used = Math.floor(trainRows / batch) * batch;
  return {
    backend: active, rows, cols: COLS, epochs: reports.length, batch_size: batch, fit_ms: fitMs, train_ms: trainMs,
    rows_epochs_per_s: (used * reports.length) / (trainMs / 1000), epoch_rows_per_s: reports.map((e) => e.rowsPerSecond), loss: reports.map((e) => e.loss),
  };
}

export interface AeScoreResult {
  backend: string;
  rows: number;
  score_ms: number[];
  score_median_ms: number;
}

/** Score the first `rows` rows of the bench data with a model fitted on 10k of them (1 epoch: the weights do not change the cost). */
export async function aeScore(backend: 'wasm' | 'cpu', rows: number, reps: number, log: (s: string) => void): Promise<AeScoreResult> {
  await useBackend('wasm');
  const g = generateMatrix(rows, COLS, SEED);
  const model = await autoencoder.fit({ data: g.data.subarray(0, 10_000 * COLS), rows: 10_000, cols: COLS }, resolveParams(autoencoder.params, { epoch_num: 1 }), { seed: 42 });
  const active = await useBackend(backend);
  const X = { data: g.data, rows, cols: COLS };
  await model.score({ data: g.data.subarray(0, 8192 * COLS), rows: 8192, cols: COLS }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc();
    const t0 = performance.now();
    await model.score(X);
    times.push(performance.now() - t0);
    log(`autoencoder: score ${rows.toLocaleString('en')} × ${COLS} on ${active}: ${(times[i] / 1000).toFixed(2)} s`);
  }
  return { backend: active, rows, score_ms: times, score_median_ms: median(times) };
}

export const AE_ROWS = { train: ROWS_100K, score: ROWS };
export const aeDatasetsPresent = (): boolean => Object.keys(PYOD_AE_ROC_AUC).every((n) => fs.existsSync(path.join(DATASETS_DIR, `${n}.csv`)));

/**
 * The bench section: PyOD's protocol on the six sets (10 seeds, wasm), then
 * training throughput (100k × 10: 10 epochs on wasm; one epoch with
 * batch_norm off, with batch 256, and on cpu) and scoring time (100k × 10 on
 * wasm and cpu, 1M × 10 on wasm). Returns the tables and the results for latest.json.
 */
export async function autoencoderBench(log: (s: string) => void, seeds = 10): Promise<{ table: string; results: Record<string, unknown> }> {
  const t0 = performance.now();
  const protocol: AeDatasetResult[] = [];
  const rowsOut: string[][] = [];
  const backend = await useBackend('wasm');
  if (!aeDatasetsPresent()) {
    rowsOut.push(['PyOD protocol', `skipped: ${DATASETS_DIR} lacks one of ${Object.keys(PYOD_AE_ROC_AUC).join(', ')}`, '', '', '', '']);
  } else {
    for (const name of Object.keys(PYOD_AE_ROC_AUC)) {
      log(`autoencoder: ${name}, ${seeds} seeds on ${backend} …`);
      protocol.push(await aeProtocol(name, seeds, log));
    }
    for (const r of protocol) {
      rowsOut.push([
        `${r.dataset} (${r.rows.toLocaleString('en')} × ${r.cols})`,
        `${r.roc_auc_mean.toFixed(4)} ± ${r.roc_auc_std.toFixed(4)}`, r.precision_at_n_mean.toFixed(4), fmtMs(r.total_ms),
        r.pyod_roc_auc.toFixed(4), `${r.diff >= 0 ? '+' : ''}${r.diff.toFixed(4)}`, `≥ ${(r.pyod_roc_auc - AE_GOAL_TOLERANCE).toFixed(4)}`, met(r.met),
      ]);
    }
  }
  const protocolS = (performance.now() - t0) / 1000;
  const t1 = table(
    `AutoEncoder by PyOD's protocol (60/40 split per seed 0–${seeds - 1}, standardiser on the training part, ROC-AUC and precision@n of the test part; defaults: 64,32, batch_norm, dropout 0.2, Adam 1e-3, 10 epochs, batch 32, validation_size 0.1; tfjs ${backend}; ${protocolS.toFixed(0)} s in all)`,
    ['data set', `ROC-AUC, mean ± std of ${seeds}`, 'precision@n', 'fit + score, all seeds', 'PyOD AutoEncoder ROC-AUC', 'diff', 'goal (within 0.02 or better)', 'met?'],
    rowsOut,
  );

  const rows = AE_ROWS.train;
  const label = `${rows / 1000}k × ${COLS}`;
  log(`autoencoder: training ${label}, 10 epochs on wasm …`);
  const wasm10 = await aeTrain('wasm', rows, {}, log);
  const wasmNoBn = await aeTrain('wasm', rows, { epoch_num: 1, batch_norm: false }, log);
  const wasm256 = await aeTrain('wasm', rows, { epoch_num: 1, batch_size: 256 }, log);
  log(`autoencoder: training ${label}, 1 epoch on cpu …`);
  const cpu1 = await aeTrain('cpu', rows, { epoch_num: 1 }, log);
  const score100kWasm = await aeScore('wasm', rows, 3, log);
  const score1mWasm = await aeScore('wasm', AE_ROWS.score, 3, log);
  const score100kCpu = await aeScore('cpu', rows, 1, log);
  await useBackend('wasm');
  const rate = (r: AeTrainResult) => `${Math.round(r.rows_epochs_per_s).toLocaleString('en')} rows·epochs/s`;
  /** Ten epochs at the measured rate (the training rows: 90 % with validation_size 0.1). */
  const tenEpochs = (r: AeTrainResult) => fmtMs(((r.rows * 0.9 * 10) / r.rows_epochs_per_s) * 1000);
  // In Chromium, the goals' own setting: training in a worker on the page's backend (wasm here), and a saved
  // model scoring 1M rows across the pool.
  const file100k = ensureData(false, rows).file;
  const file1m = ensureData(false, AE_ROWS.score).file;
  const trainB = await browserDetectorBench(file100k, rows, 'autoencoder', {}, log);
  const small = generateMatrix(20_000, COLS, SEED);
  const m = await autoencoder.fit({ data: small.data, rows: small.rows, cols: small.cols }, resolveParams(autoencoder.params, { epoch_num: 1 }), { seed: 42 });
  const modelPath = path.join(os.tmpdir(), `anomaly-lab-bench-${process.pid}-ae.json`);
  fs.writeFileSync(modelPath, JSON.stringify({ ...m.toJSON(), columns: Array.from({ length: COLS }, (_, j) => `x${j}`) }));
  const scoreB = await browserApplyModelBench(file1m, AE_ROWS.score, modelPath, log);
  const score100kB = await browserApplyModelBench(file100k, rows, modelPath, log, 'wasm');
  const score100kCpuB = await browserApplyModelBench(file100k, rows, modelPath, log, 'cpu');
  fs.rmSync(modelPath, { force: true });
  const tb = trainB.timings as { fit_ms?: number } | undefined;
  const browserRows: string[][] = [
    [`Chromium: train ${label}, 10 epochs, defaults, in a worker (${trainB.backend ?? '?'}): fit; upload → plotted`, trainB.skipped ? `skipped: ${trainB.skipped}` : `fit ${fmtMs(tb?.fit_ms ?? NaN)}; ${fmtMs(trainB.wall_total_ms!)}`, '≤ 10 s', met(trainB.skipped ? null : (tb?.fit_ms ?? Infinity) <= 10_000)],
    ...[[score100kB, 'wasm'], [score100kCpuB, 'cpu']].map(([b, name]) => {
      const r = b as typeof scoreB;
      return [`Chromium: score ${label} with a saved model, forced ${name as string} (${r.backend ?? '?'}), ${r.workers ?? '?'} workers: model opened → plotted`, r.skipped ? `skipped: ${r.skipped}` : fmtMs(r.wall_score_ms!), '', ''];
    }),
    [`Chromium: score ${AE_ROWS.score / 1e6}M × ${COLS} with a saved model, ${scoreB.workers ?? '?'} workers (${scoreB.backend ?? '?'}): model opened → plotted`, scoreB.skipped ? `skipped: ${scoreB.skipped}` : fmtMs(scoreB.wall_score_ms!), '≤ 5 s', met(scoreB.skipped ? null : scoreB.wall_score_ms! <= 5000)],
  ];
  const t2 = table(`AutoEncoder speed in Node (one thread; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; the goals are the browser's)`, ['task', 'ours', 'goal', 'met?'], [
    [`train ${label}, 10 epochs, defaults (batch 32, batch_norm), wasm: training; whole fit`, `${fmtMs(wasm10.train_ms)} (${rate(wasm10)}); fit ${fmtMs(wasm10.fit_ms)}`, '≤ 10 s', met(wasm10.train_ms <= 10_000)],
    [`train ${label}, 1 epoch, batch_norm = false, wasm`, `${rate(wasmNoBn)} → 10 epochs ≈ ${tenEpochs(wasmNoBn)}`, '', ''],
    [`train ${label}, 1 epoch, batch_size = 256, wasm`, `${rate(wasm256)} → 10 epochs ≈ ${tenEpochs(wasm256)}`, '', ''],
    [`train ${label}, 1 epoch, defaults, cpu`, `${rate(cpu1)} → 10 epochs ≈ ${tenEpochs(cpu1)}`, '', ''],
    [`score ${label}, wasm (median of ${score100kWasm.score_ms.length})`, fmtMs(score100kWasm.score_median_ms), '', ''],
    [`score ${label}, cpu (1 run)`, fmtMs(score100kCpu.score_median_ms), '', ''],
    [`score ${AE_ROWS.score / 1e6}M × ${COLS}, wasm (median of ${score1mWasm.score_ms.length})`, fmtMs(score1mWasm.score_median_ms), '≤ 5 s', met(score1mWasm.score_median_ms <= 5000)],
    ...browserRows,
  ]);
  return {
    table: `${t1}\n${t2}`,
    results: {
      when: new Date().toISOString(),
      params: 'PyOD AutoEncoder defaults: hidden_neuron_list 64,32, relu, batch_norm, dropout 0.2, lr 1e-3, weight_decay 1e-5, epoch_num 10, batch_size 32, validation_size 0.1, contamination 0.1',
      backend, seeds, protocol, protocol_s: protocolS,
      browser: { train: trainB, score: scoreB, score_100k_wasm: score100kB, score_100k_cpu: score100kCpuB },
      speed: { train_wasm_10_epochs: wasm10, train_wasm_no_batch_norm: wasmNoBn, train_wasm_batch256: wasm256, train_cpu_1_epoch: cpu1, score_100k_wasm: score100kWasm, score_1m_wasm: score1mWasm, score_100k_cpu: score100kCpu },
      goals: { roc_auc: `each within ${AE_GOAL_TOLERANCE} of PyOD's published AutoEncoder ROC-AUC or better`, train: '100k × 10, 10 epochs, < 10 s on wasm (browser)', score: '1M × 10 < 5 s (browser)' },
    },
  };
}
