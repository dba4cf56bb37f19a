/**
 * `anomaly-lab compare` and `score --detector ensemble`, run as a user runs them (a child process
 * each): every number compare prints is the one `score` gives for that detector and seed; the
 * seed summary is the mean ± sd of those runs; the agreement matrices are compare.ts's on the
 * scores `score --out` writes; mistakes are one line and exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/core/random';
import { fromRows } from '../../src/core/data/matrix';
import { resolveParams } from '../../src/core/detectors/params';
import { getDetector } from '../../src/core/detectors/registry';
import { jaccardMatrix, meanSd, spearmanMatrix } from '../../src/core/metrics/compare';
import { BIN, REPO_ROOT, cliAll, cliAsync, type CliRun } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'anomaly-lab-compare-'));
const SLOW = { timeout: 240_000 };
const file = join(root, 'data.csv');
const rng = new Random(5);
const rows: number[][] = [];
for (let i = 0; i < 200; i++) {
  const out = i % 10 === 0;
  rows.push([out ? rng.uniform(-6, 6) : rng.normal(), out ? rng.uniform(-6, 6) : rng.normal(), rng.normal(), out ? 1 : 0]);
}
writeFileSync(file, `a,b,c,label\n${rows.map((r) => r.join(',')).join('\n')}\n`);
// 6,000 rows: an ensemble's members then fit on the CLI's threads (ENSEMBLE_THREAD_ROWS).
const big = join(root, 'big.csv');
const bigRows: number[][] = [];
for (let i = 0; i < 6000; i++) bigRows.push([rng.normal(), rng.normal() * 2, i % 97 === 0 ? 9 : rng.normal()]);
writeFileSync(big, `a,b,c\n${bigRows.map((r) => r.join(',')).join('\n')}\n`);
const BIG_MEMBERS = '[{"detector":"iforest","params":{"n_estimators":20}},{"detector":"lof","params":{"n_neighbors":10}},{"detector":"zscore"}]';
const LOF = '{"detector":"lof","params":{"n_neighbors":15}}';
const MEMBERS = 'members=[{"detector":"iforest","params":{"n_estimators":30}},{"detector":"zscore"}]';
const out = (name: string) => join(root, name);

let runs: CliRun[];
beforeAll(async () => {
  runs = await cliAll([
    ['compare', file, '--detector', 'iforest', '--detector', LOF, '--detector', 'zscore', '--seeds', '3', '--seed', '7', '--label', 'label', '--json'],
    ['score', file, '--detector', 'iforest', '--seed', '7', '--label', 'label', '--json', '--out', out('if7.csv')],
    ['score', file, '--detector', 'iforest', '--seed', '8', '--label', 'label', '--json'],
    ['score', file, '--detector', 'iforest', '--seed', '9', '--label', 'label', '--json'],
    ['score', file, '--detector', 'lof', '--param', 'n_neighbors=15', '--seed', '7', '--label', 'label', '--json', '--out', out('lof.csv')],
    ['score', file, '--detector', 'zscore', '--label', 'label', '--json', '--out', out('z.csv')],
    ['compare', file, '--detector', 'iforest', '--detector', '{"detector":"lof","params":{"n_neighbors":0}}'],
    ['compare', file, '--detector', 'nope'],
    ['score', file, '--detector', 'ensemble', '--param', MEMBERS, '--param', 'combine=weighted', '--param', 'weights=[2,1]', '--seed', '3', '--label', 'label', '--json', '--save-model', out('ens.json')],
    ['score', file, '--detector', 'ensemble', '--param', 'members=[{"detector":"iforest"},{"detector":"lof","params":{"n_neighbors":"x"}}]'],
    ['compare', file, '--detector', 'iforest', '--detector', 'ensemble', '--seed', '3', '--label', 'label', '--json'],
    ['score', big, '--detector', 'ensemble', '--param', `members=${BIG_MEMBERS}`, '--param', 'combine=moa', '--param', 'n_buckets=3', '--seed', '11', '--json', '--out', out('big-scored.csv')],
  ], 2);
  // After the run that saves it.
  runs.push(await cliAsync('score', file, '--model', out('ens.json'), '--label', 'label', '--json')); // index 12
}, 600_000);

const json = (i: number) => {
  expect(runs[i].stderr).toBe('');
  expect(runs[i].status).toBe(0);
  return JSON.parse(runs[i].stdout);
};
const scoresOf = (name: string) => readFileSync(out(name), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[4]));

describe('anomaly-lab compare', () => {
  it("each detector's numbers per seed equal `score`'s for that detector and seed", SLOW, () => {
    const c = json(0);
    expect(c.seeds).toEqual([7, 8, 9]);
    expect(c.detectors.map((d: { label: string }) => d.label)).toEqual(['iforest', 'lof n_neighbors=15', 'zscore']);
    const [ifr, lof, z] = c.detectors;
    for (const [k, i] of [[0, 1], [1, 2], [2, 3]] as const) {
      const s = json(i);
      expect(ifr.runs[k].seed).toBe(7 + k);
      expect(ifr.runs[k].roc_auc).toBe(s.metrics.roc_auc);
      expect(ifr.runs[k].average_precision).toBe(s.metrics.average_precision);
      expect(ifr.runs[k].f1).toBe(s.metrics.f1);
      expect(ifr.runs[k].threshold).toBe(s.threshold);
      expect(ifr.runs[k].flagged).toBe(s.flagged);
    }
    expect(lof.runs[0].precision_at_n).toBe(json(4).metrics.precision_at_n);
    expect(lof.runs[0].recall).toBe(json(4).metrics.recall);
    expect(z.runs[0].precision).toBe(json(5).metrics.precision);
    // seed spread: the iforest runs differ, and the summary is their mean ± sd
    const aucs = [1, 2, 3].map((i) => json(i).metrics.roc_auc as number);
    expect(new Set(aucs).size).toBeGreaterThan(1);
    const m = meanSd(aucs);
    expect(ifr.summary.roc_auc.mean).toBeCloseTo(m.mean, 14);
    expect(ifr.summary.roc_auc.sd).toBeCloseTo(m.sd, 14);
    expect(z.summary.roc_auc.sd).toBe(0);
  });

  it("agreement: Spearman and Jaccard are compare.ts's on the scores `score --out` writes", SLOW, () => {
    const c = json(0);
    const s = [scoresOf('if7.csv'), scoresOf('lof.csv'), scoresOf('z.csv')];
    expect(s.every((x) => x.length === 200 && x.every(Number.isFinite))).toBe(true);
    const sp = spearmanMatrix(s);
    const jc = jaccardMatrix(s, 0.1);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      expect(c.agreement.spearman[i][j]).toBeCloseTo(sp[i][j], 12);
      expect(c.agreement.jaccard.matrix[i][j]).toBeCloseTo(jc[i][j], 12);
    }
    expect(c.agreement.jaccard.contamination).toBe(0.1);
    expect(c.agreement.flagged_by_all + c.agreement.disagreement).toBeGreaterThan(0);
  });

  it('a bad entry is one line naming it, exit 2, before the file is read', SLOW, () => {
    expect(runs[6].status).toBe(2);
    expect(runs[6].stderr.trim().split('\n')).toHaveLength(1);
    expect(runs[6].stderr).toMatch(/--detector #2: n_neighbors must be >= 1, got: 0/);
    expect(runs[7].status).toBe(2);
    expect(runs[7].stderr).toMatch(/--detector #1: unknown detector 'nope'/);
  });
});

describe('anomaly-lab score --detector ensemble', () => {
  it('fits, saves and reloads: the saved model scores to the same metrics', SLOW, () => {
    const a = json(8);
    expect(a.detector).toBe('ensemble');
    expect(a.params.combine).toBe('weighted');
    expect(a.params.weights).toBe('[2,1]');
    expect(a.metrics.roc_auc).toBeGreaterThan(0.8);
    const b = json(12);
    expect(b.threshold).toBe(a.threshold);
    // the reloaded model scores the rows afresh (no training scores kept), the fitted run reused its own: same ranking quality
    expect(b.metrics.roc_auc).toBeCloseTo(a.metrics.roc_auc, 12);
  });

  it('a bad member is one line naming it', SLOW, () => {
    expect(runs[9].status).toBe(2);
    expect(runs[9].stderr.trim()).toMatch(/members\[1\] \(lof\): n_neighbors must be a number|members\[1\] \(lof\): n_neighbors must be an integer/);
  });

  it('compare runs the ensemble like any detector', SLOW, () => {
    const c = json(10);
    expect(c.detectors[1].detector).toBe('ensemble');
    expect(c.detectors[1].runs[0].roc_auc).toBeGreaterThan(0.5);
  });
});

describe('anomaly-lab score --detector ensemble on 6,000 rows (members on the threads)', () => {
  it('scores equal the ensemble fitted in turn in this process, to the bit', SLOW, async () => {
    const r = json(11);
    expect(r.rows).toBe(6000);
    const cli = readFileSync(out('big-scored.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[3]));
    const spec = getDetector('ensemble');
    const X = fromRows(bigRows);
    const model = await spec.fit(X, resolveParams(spec.params, { members: BIG_MEMBERS, combine: 'moa', n_buckets: 3 }, 'ensemble'), { seed: 11 });
    expect(r.threshold).toBe(model.threshold);
    expect(cli).toHaveLength(6000);
    // --out writes shortest round-trip text, so the numbers read back are the doubles written
    expect(cli).toEqual(Array.from(model.trainingScores!));
  });
});

describe('anomaly-lab stream --detector ensemble (windowed members)', () => {
  it('streamed scores after the training points equal score --fit-on of the same rows, to the bit', SLOW, async () => {
    const M = 'members=[{"detector":"knn","params":{"window_size":4}},{"detector":"zscore","params":{"window_size":2,"differences":1}}]';
    const n = 500;
    const series = Array.from({ length: n }, (_, i) => Math.sin(i / 9) + (i === 420 ? 5 : 0) + 0.01 * ((i * 7919) % 13));
    // a time column by name (the stream finds it as the score command's --time does): epoch seconds, 5 minutes apart
    const text = `timestamp,value\n${series.map((v, i) => `${1_600_000_000 + 300 * i},${v}`).join('\n')}\n`;
    const csv = join(root, 'series.csv');
    writeFileSync(csv, text);
    const streamed = await new Promise<string>((done, reject) => {
      const p = spawn(process.execPath, [BIN, 'stream', '--detector', 'ensemble', '--param', M, '--train', '100'], { cwd: REPO_ROOT, timeout: 110_000 });
      let out = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
      p.on('close', (status) => (status === 0 ? done(out) : reject(new Error(`stream exited ${status}`))));
      p.stdin.end(text);
    });
    const batch = await cliAsync('score', csv, '--time', 'timestamp', '--detector', 'ensemble', '--param', M, '--fit-on', '20%', '--out', out('series-scored.csv'));
    expect(batch.stderr).toBe('');
    const s = streamed.trim().split('\n').map((l) => JSON.parse(l).score as number);
    const b = readFileSync(out('series-scored.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
    expect(s).toHaveLength(n);
    expect(s.slice(100)).toEqual(b.slice(100));
    // the spike is the top score
    expect(s.indexOf(Math.max(...s))).toBeGreaterThanOrEqual(420);
  });
});
