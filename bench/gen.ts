/**
 * Seeded benchmark data: ROWS rows × COLS numeric columns of standard normal
 * draws, about 1 % of the rows planted outliers (a few columns shifted by
 * 5–9 σ), and a 0/1 `label` column. Numbers are printed as shortest
 * round-trip strings (String(x)), so the file is ~190 MB at 1M × 10.
 *
 * Generated only when missing: `node --import tsx bench/gen.ts [--force]`
 * (the 1M-row file and the 100k-row one, a prefix of it, for Isolation Forest).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/random.js';

export const ROWS = 1_000_000;
export const COLS = 10;
export const SEED = 20261122;
export const OUTLIER_RATE = 0.01;

const here = path.dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = path.join(here, 'data');
/** The CSV of the first `rows` rows of the seeded stream (a smaller file is a prefix of the larger one). */
export const dataFileFor = (rows: number, cols = COLS): string => path.join(DATA_DIR, `bench_${rows}x${cols}_seed${SEED}.csv`);
/** The Isolation Forest bench's smaller file. */
export const ROWS_100K = 100_000;

export interface GenResult {
  file: string;
  bytes: number;
  rows: number;
  cols: number;
  outliers: number | null;
  generated: boolean;
  seconds: number;
}

/**
 * One row: standard normal draws into `out`; with probability OUTLIER_RATE,
 * 1–3 random columns are shifted by ±(5..9)σ. Returns whether it is an outlier.
 */
export function sampleRow(rng: Random, out: Float64Array): boolean {
  const outlier = rng.float() < OUTLIER_RATE;
  for (let j = 0; j < out.length; j++) out[j] = rng.normal();
  if (outlier) {
    const k = 1 + rng.int(3);
    for (let m = 0; m < k; m++) {
      const j = rng.int(out.length);
      out[j] += (rng.float() < 0.5 ? -1 : 1) * rng.uniform(5, 9);
    }
  }
  return outlier;
}

/** The same distribution in memory: a row-major rows × cols matrix and its labels. */
export function generateMatrix(rows: number, cols: number, seed = SEED): { data: Float64Array; labels: Uint8Array; rows: number; cols: number } {
  const rng = new Random(seed);
  const data = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = sampleRow(rng, data.subarray(i * cols, (i + 1) * cols)) ? 1 : 0;
  return { data, labels, rows, cols };
}

/**
 * Write the CSV unless it is already there (same name = same seed and shape).
 * With cols = COLS a smaller file is a prefix of the larger one; other widths
 * (the LOF bench's 50k × 2) are their own stream from the same seed, equal to
 * `generateMatrix(rows, cols, SEED)`.
 */
export function ensureData(force = false, rows = ROWS, cols = COLS): GenResult {
  const t0 = performance.now();
  const file = dataFileFor(rows, cols);
  if (!force && fs.existsSync(file)) {
    return { file, bytes: fs.statSync(file).size, rows, cols, outliers: null, generated: false, seconds: 0 };
  }
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  const rng = new Random(SEED);
  const header = [...Array.from({ length: cols }, (_, j) => `x${j}`), 'label'].join(',') + '\n';
  fs.writeSync(fd, header);
  let outliers = 0;
  let buf: string[] = [];
  const values = new Float64Array(cols);
  const row = new Array<string>(cols + 1);
  for (let i = 0; i < rows; i++) {
    const outlier = sampleRow(rng, values);
    if (outlier) outliers++;
    for (let j = 0; j < cols; j++) row[j] = String(values[j]);
    row[cols] = outlier ? '1' : '0';
    buf.push(row.join(','));
    if (buf.length === 20_000) {
      fs.writeSync(fd, buf.join('\n') + '\n');
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return { file, bytes: fs.statSync(file).size, rows, cols, outliers, generated: true, seconds: (performance.now() - t0) / 1000 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const rows of [ROWS, ROWS_100K]) {
    const r = ensureData(process.argv.includes('--force'), rows);
    console.log(`${r.generated ? 'wrote' : 'kept'} ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB, ${r.rows} rows × ${r.cols} + label${r.outliers !== null ? `, ${r.outliers} outliers` : ''}${r.generated ? `, ${r.seconds.toFixed(1)} s` : ''})`);
  }
}
