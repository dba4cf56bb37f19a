/**
 * Extreme values (issue 14, section 1): every registered detector, fed columns holding 1e300,
 * −1e300, 5e-324, values near the largest double and values spanning 600 orders of magnitude,
 * ends (the per-test timeout, and tests/unit/watchdog.ts for a loop that never yields, are the guard; no timing is asserted) with finite scores or one
 * DataError naming the column and the row; the metrics refuse NaN instead of spinning on it; the
 * issue's repro through the CLI exits 2 with one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/data/errors';
import type { Matrix } from '../../src/core/data/matrix';
import { columnMeanStd } from '../../src/core/data/scale';
import { DETECTORS } from '../../src/core/detectors/registry';
import { fitAndScore } from '../../src/core/detectors/run';
import { extremeCell, nonFiniteScoreError } from '../../src/core/detectors/overflow';
import { ThresholdSweep, averagePrecision, averagePrecisionSplit, binaryClfCurve, prCurveFull, rocAuc, rocCurveFull, splitByLabel } from '../../src/core/metrics';
import { Random } from '../../src/core/random';
import { duplicateRows } from '../../src/core/neighbors/duplicates';
import { kdNeighbors } from '../../src/core/neighbors/kdtree';
import { bruteNeighbors } from '../../src/core/neighbors/brute';
import { countAtMost, countBelow, nextDown, quantileSorted } from '../../src/core/metrics/quantile';
import { pow2neg } from '../../src/core/detectors/iforest';
import { REPO_ROOT, expectAllClose } from './helpers';

const N = 60;
const COLS = ['a', 'b', 'c'];

/** A seeded standard normal cloud (N × 3) with `edit` applied. */
function data(edit: (set: (row: number, col: number, v: number) => void, rng: Random) => void): Matrix {
  const rng = new Random(5);
  const d = new Float64Array(N * COLS.length);
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  edit((r, c, v) => { d[r * COLS.length + c] = v; }, rng);
  return { data: d, rows: N, cols: COLS.length };
}

/** Column c of X alone, for detectors that score one column (a time series). */
function column(X: Matrix, c: number): Matrix {
  return { data: Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + c]), rows: X.rows, cols: 1 };
}

/** The extreme column of each case (where the one-column detectors look). */
const EXTREME_COL = [1, 1, 1, 0, 2, 2, 2];

const CASES: [string, Matrix][] = [
  ['one 1e300', data((set) => set(17, 1, 1e300))],
  ['one −1e300', data((set) => set(17, 1, -1e300))],
  ['1e300 and −1e300', data((set) => { set(17, 1, 1e300); set(40, 1, -1e300); })],
  ['a column of 0, ±5e-324', data((set) => { for (let i = 0; i < N; i++) set(i, 0, ((i % 3) - 1) * 5e-324); })],
  ['one 5e-324 among ones', data((set) => { for (let i = 0; i < N; i++) set(i, 2, 1 + (i % 5)); set(23, 2, 5e-324); })],
  ['values near ±1.7e308', data((set, rng) => { for (let i = 0; i < N; i++) set(i, 2, (i % 2 ? 1 : -1) * 1.7e308 * rng.float()); })],
  ['a column spanning 600 orders of magnitude', data((set, rng) => { for (let i = 0; i < N; i++) set(i, 2, 10 ** (-300 + 600 * rng.float())); })],
];

describe.each(DETECTORS.map((d) => [d.id, d] as const))('extreme values: %s', (id, spec) => {
  // A detector that refuses three ordinary columns (one that scores a single series) gets the extreme column alone.
  let wide: boolean | null = null;
  const isWide = async () => (wide ??= await fitAndScore({ detector: id, train: data(() => undefined) }, { seed: 1 }).then(() => true, () => false));
  it.each(CASES.map(([what, X], k) => [what, X, k] as const))('%s: finite scores and threshold, or one DataError naming the column and the row', async (_what, wideX, k) => {
    const X = (await isWide()) ? wideX : column(wideX, EXTREME_COL[k]);
    const cols = X.cols === COLS.length ? COLS : [COLS[EXTREME_COL[k]]];
    let result: Awaited<ReturnType<typeof fitAndScore>> | null = null;
    try {
      result = await fitAndScore({ detector: id, train: X, names: { file: 'x.csv', columns: cols } }, { seed: 1 });
    } catch (e) {
      expect(e, String(e)).toBeInstanceOf(DataError);
      const err = e as DataError;
      expect(err.message).toMatch(/^x\.csv: /);
      expect(err.message).toContain(spec.name);
      expect(err.message).toMatch(/row \d+ \(line \d+\)/);
      expect(cols).toContain(err.column);
      expect(err.message).toContain(`column '${err.column}'`);
      expect(err.message).toMatch(/rescale/);
      expect(err.message).not.toContain('\n');
      return;
    }
    for (const s of result.scores) expect(Number.isFinite(s)).toBe(true);
    expect(Number.isNaN(result.model.threshold)).toBe(false);
    // Whatever came out, the metrics take it.
    const labels = new Uint8Array(N).map((_, i) => (i === 17 ? 1 : 0));
    expect(new ThresholdSweep(result.scores, labels).metricsAt(result.model.threshold)).not.toBeNull();
  }, 60_000);
});

describe('extreme values: what is scaled and what is refused', () => {
  it('LOF blames the 1e300 cell: its row and column, and refuses it (scikit-learn does not scale)', async () => {
    const X = CASES[0][1];
    const run = fitAndScore({ detector: 'lof', train: X, names: { file: 'x.csv', columns: COLS } });
    await expect(run).rejects.toThrow(DataError);
    const err = (await run.catch((e: unknown) => e)) as DataError;
    expect(err.row).toBe(18);
    expect(err.column).toBe('b');
    expect(err.message).toMatch(/row 18 \(line 19\) scores NaN/);
  });

  it('the One-class SVM without standardize points to standardize=true, and with it scores the same data', async () => {
    const X = CASES[0][1];
    const err = (await fitAndScore({ detector: 'ocsvm', train: X, names: { file: 'x.csv', columns: COLS } }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain('standardize=true');
    const ok = await fitAndScore({ detector: 'ocsvm', params: { standardize: 'true' }, train: X });
    expect(ok.scores.every(Number.isFinite)).toBe(true);
  });

  it('z-score on values near 1e308 equals z-score on the same values scaled down (std no longer overflows to Infinity)', async () => {
    const rng = new Random(9);
    const big = new Float64Array(200);
    for (let i = 0; i < big.length; i++) big[i] = rng.normal() * 1e307;
    big[50] = 1.7e308;
    const small = big.map((v) => v / 1e300);
    const a = await fitAndScore({ detector: 'zscore', train: { data: big, rows: 200, cols: 1 } });
    const b = await fitAndScore({ detector: 'zscore', train: { data: small, rows: 200, cols: 1 } });
    expectAllClose(a.scores, b.scores, 1e-12, 0, 'z');
    expect(Math.max(...a.scores)).toBe(a.scores[50]);
    expect(a.scores[50]).toBeGreaterThan(3); // flagged by the 'auto' rule |z| > 3
  });

  it('column std with squares that overflow or underflow stays finite and non-zero', () => {
    const col = (v: number[]) => columnMeanStd({ data: Float64Array.from(v), rows: v.length, cols: 1 });
    const huge = col([1e300, -1e300, 1e300, -1e300]);
    expect(huge.mean[0]).toBe(0);
    expect(huge.std[0]).toBe(1e300);
    const tiny = col([0, 1e-320, 0, 1e-320]);
    expect(tiny.std[0]).toBeGreaterThan(0);
    // Ordinary columns keep numpy's plain sums.
    expect(col([1, 2, 3, 4]).std[0]).toBe(Math.sqrt(1.25));
  });

  it('the autoencoder standardises as PyOD does, so 1e300 gives finite scores with that row the most anomalous', async () => {
    const r = await fitAndScore({ detector: 'autoencoder', params: { epoch_num: 3 }, train: CASES[0][1] }, { seed: 3 });
    expect(r.scores.every(Number.isFinite)).toBe(true);
    expect(Math.max(...r.scores)).toBe(r.scores[17]);
  }, 60_000);

  it('extremeCell picks the cell furthest from its column in orders of magnitude, either way', () => {
    expect(extremeCell(CASES[0][1])).toMatchObject({ row: 17, col: 1, value: 1e300 });
    expect(extremeCell(CASES[4][1])).toMatchObject({ row: 23, col: 2, value: 5e-324 });
    const e = nonFiniteScoreError(Float64Array.of(1, NaN, 2), { data: Float64Array.of(1, 1, 1e200, 2, 3, 4), rows: 3, cols: 2 }, { detector: 'D', file: 'f.csv', columns: ['p', 'q'], rowNumber: (i) => 100 + i + 1 });
    expect(e?.message).toMatch(/^f\.csv: D: the arithmetic overflowed: row 102 \(line 103\) scores NaN; column 'p' holds 1e\+200 there/);
    expect(nonFiniteScoreError(Float64Array.of(1, 2), { data: Float64Array.of(1, 2), rows: 2, cols: 1 }, { detector: 'D', file: 'f' })).toBeNull();
  });
});

describe('a training file that overflows, scored on a clean one', () => {
  it('names the training file and its row: the threshold would be NaN', async () => {
    const clean = data(() => undefined);
    const err = (await fitAndScore({ detector: 'lof', train: CASES[0][1], score: clean, names: { file: 'new.csv', trainFile: 'train.csv', columns: COLS } }).catch((e: unknown) => e)) as DataError;
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/^train\.csv: Local Outlier Factor: the arithmetic overflowed: row 18 \(line 19\)/);
  });
});

describe('metrics refuse NaN scores instead of spinning on them', () => {
  const scores = Float64Array.of(0.1, NaN, 0.3, 0.9);
  const labels = Uint8Array.of(0, 1, 0, 1);
  it('ThresholdSweep, rocAuc and averagePrecision throw a RangeError naming the row', () => {
    expect(() => new ThresholdSweep(scores, labels)).toThrow(/NaN \(first at row 2\)/);
    expect(() => new ThresholdSweep(scores)).toThrow(RangeError);
    expect(() => averagePrecision(scores, labels)).toThrow(/NaN/);
    expect(() => rocAuc(scores, labels)).toThrow(/NaN/);
    expect(() => splitByLabel(scores, labels)).toThrow(RangeError);
  });
  it('a split built by hand with NaN in it is refused by every walk', () => {
    const split = { pos: Float64Array.of(0.2, NaN), neg: Float64Array.of(0.1) };
    expect(() => averagePrecisionSplit(split)).toThrow(/NaN/);
    expect(() => binaryClfCurve(split)).toThrow(/NaN/);
    expect(() => rocCurveFull(split)).toThrow(/NaN/);
    expect(() => prCurveFull(split)).toThrow(/NaN/);
  });
  it('infinite scores are ordered, so the metrics still take them', () => {
    expect(rocAuc(Float64Array.of(-Infinity, 0, Infinity, Infinity), Uint8Array.of(0, 0, 1, 1))).toBe(1);
    expect(averagePrecision(Float64Array.of(-Infinity, 0, Infinity), Uint8Array.of(0, 0, 1))).toBe(1);
  });
});

describe('loops whose progress hangs on float comparisons end on NaN and ±Infinity (the watchdog of tests/unit/watchdog.ts is the guard)', () => {
  const odd = (n: number, cols: number) => {
    const d = new Float64Array(n * cols);
    for (let i = 0; i < d.length; i++) d[i] = [NaN, Infinity, -Infinity, 1e300, -1e300, 5e-324, 0, i][i % 8];
    return { data: d, rows: n, cols };
  };
  it('duplicateRows: a NaN row is not equal to itself, and the grouping still ends', () => {
    const X = { data: Float64Array.of(NaN, 1, NaN, 1, 2, 3), rows: 3, cols: 2 };
    expect(duplicateRows(X)).toEqual({ duplicated: 0, maxCopies: 1 });
    expect(duplicateRows({ data: Float64Array.of(1, 2, 1, 2), rows: 2, cols: 2 })).toEqual({ duplicated: 2, maxCopies: 2 });
  }, 10_000);
  it('KD-tree and brute-force neighbour searches over NaN / ±Infinity / 1e300 values end with k neighbours per row', () => {
    for (const cols of [1, 2, 3]) {
      const X = odd(200, cols);
      for (const nb of [kdNeighbors(X, 3, undefined, {}), bruteNeighbors(X, 3, undefined, {})]) expect(nb.indices.length).toBe(600);
    }
  }, 20_000);
  it('quantile, countAtMost / countBelow, nextDown and pow2neg end and say NaN where the input is NaN', () => {
    const sorted = Float64Array.of(-Infinity, 0, 1, Infinity, NaN);
    expect(countAtMost(sorted, NaN)).toBeLessThanOrEqual(5);
    expect(countBelow(sorted, Infinity)).toBe(3);
    expect(quantileSorted(Float64Array.of(-Infinity, Infinity), 0.5)).toBeNaN();
    expect(nextDown(NaN)).toBeNaN();
    expect(nextDown(Infinity)).toBe(Number.MAX_VALUE);
    expect(pow2neg(Infinity)).toBe(0);
    expect(pow2neg(NaN)).toBeNaN();
    expect(pow2neg(1e308)).toBe(0);
  }, 10_000);
});

describe('the issue\'s repro through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-extreme-'));
  const good = readFileSync(resolve(REPO_ROOT, 'e2e', 'fixtures', 'sklearn_iforest_demo.csv'), 'utf8').trimEnd().split('\n');
  // (head -100 good.csv; echo "1e200,0.5,1"; tail -n +101 good.csv) > x.csv
  const x = join(dir, 'x.csv');
  writeFileSync(x, `${[...good.slice(0, 100), '1e200,0.5,1', ...good.slice(100)].join('\n')}\n`);
  const bin = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
  const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });

  it.each(['lof', 'ocsvm', 'knn'])('score x.csv --detector %s exits 2 with one line naming row 100 and column x0, writing nothing', (detector) => {
    const out = join(dir, `${detector}.csv`);
    const r = cli('score', x, '--detector', detector, '--out', out);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^anomaly-lab: x\.csv: .*row 100 \(line 101\).*column 'x0' holds 1e\+200/);
    expect(() => readFileSync(out)).toThrow();
  }, 120_000);

  it('a file large enough for scoring threads (> 20 MB): the error from a thread is the same one line, exit 2, with the file-wide row', () => {
    const small = join(dir, 'small.csv');
    writeFileSync(small, `x0,x1\n${Array.from({ length: 200 }, (_, i) => `${(i % 17) / 17},${(i % 5) / 5}`).join('\n')}\n`);
    const model = join(dir, 'lof.json');
    expect(cli('score', small, '--detector', 'lof', '--save-model', model).status).toBe(0);
    // Long lines (a wide unused column) reach 20 MB with few rows, so the scoring stays short.
    const pad = '0.1234567890123456789012345678901234567890';
    const lines = ['x0,x1,pad'];
    for (let i = 0; i < 340_000; i++) lines.push(i === 254_321 ? `1e200,0.5,${pad}` : `${((i * 7919) % 10007) / 10007},${((i * 104729) % 1009) / 100.9},${pad}`);
    const big = join(dir, 'big.csv');
    writeFileSync(big, `${lines.join('\n')}\n`);
    const r = cli('score', big, '--model', model);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^anomaly-lab: big\.csv: Local Outlier Factor: the arithmetic overflowed: row 254322 \(line 254323\) scores NaN; column 'x0'/);
  }, 120_000);

  it.each(['autoencoder', 'zscore', 'iforest'])('score x.csv --detector %s (which scale or split, not square) finishes with finite scores and flags the row', (detector) => {
    const out = join(dir, `${detector}.csv`);
    const r = cli('score', x, '--detector', detector, '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const head = lines[0].split(',');
    const row = lines[100].split(',');
    expect(row[0]).toMatch(/^1e\+?200$/);
    expect(Number.isFinite(Number(row[head.indexOf('score')]))).toBe(true);
    expect(row[head.indexOf('is_anomaly')]).toBe('1');
    for (const line of lines.slice(1)) expect(Number.isFinite(Number(line.split(',')[head.indexOf('score')]))).toBe(true);
  }, 120_000);
});
