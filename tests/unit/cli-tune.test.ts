/**
 * `anomaly-lab tune` and `score --threshold-method`, run as a user runs them (a child process each):
 * the trials and the best are the core's search on the same folds; without labels the stability
 * heuristic, said so; mistakes are one line and exit 2; the label-free threshold is the rule's value
 * on the scores written by --out.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDetector } from '../../src/core/detectors/registry';
import { labelFreeThreshold } from '../../src/core/detectors/thresholders';
import { Random } from '../../src/core/random';
import { parseGridArg } from '../../src/core/tune/grid';
import { planSearch } from '../../src/core/tune/plan';
import { bestTrial, runTrials, summarize } from '../../src/core/tune/trial';
import { cliAll, type CliRun } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'anomaly-lab-tune-'));
const SLOW = { timeout: 240_000 };
const N = 240;
const file = join(root, 'data.csv');
const unlabelled = join(root, 'unlabelled.csv');
const scored = join(root, 'scored.csv');
const rng = new Random(21);
const rows: number[][] = [];
for (let i = 0; i < N; i++) {
  const out = i % 12 === 0;
  rows.push([out ? rng.uniform(-7, 7) : rng.normal(), out ? rng.uniform(-7, 7) : rng.normal(), out ? 1 : 0]);
}
writeFileSync(file, `a,b,label\n${rows.map((r) => r.join(',')).join('\n')}\n`);
writeFileSync(unlabelled, `a,b\n${rows.map((r) => r.slice(0, 2).join(',')).join('\n')}\n`);

let runs: CliRun[];
beforeAll(async () => {
  runs = await cliAll([
    ['tune', file, '--detector', 'lof', '--grid', 'n_neighbors=5,15', '--grid', 'contamination=0.05,0.1', '--metric', 'f1', '--cv', '3', '--seed', '7', '--json'],
    ['tune', unlabelled, '--detector', 'iforest', '--grid', 'n_estimators=10,50', '--param', 'contamination=0.1', '--cv', '3', '--json'],
    ['tune', file, '--detector', 'lof', '--grid', 'n_neighbors=5,0'],
    ['tune', file, '--detector', 'lof'],
    ['score', file, '--detector', 'lof', '--threshold-method', 'mad', '--out', scored, '--json'],
    ['score', file, '--detector', 'lof', '--threshold-method', 'median'],
    ['tune', file, '--detector', 'knn', '--grid', 'n_neighbors=3,6', '--holdout', '0.3', '--metric', 'roc_auc'],
    ['tune', file, '--detector', 'lof', '--random', '3', '--seed', '5', '--json'],
  ]);
}, 600_000);

describe('anomaly-lab tune', () => {
  it('prints every trial (mean ± sd over the folds) and the best: the core search on the same folds', SLOW, async () => {
    const [r] = runs;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ detector: 'lof', rows: N, criterion: 'f1', heuristic: false, train_on: 'all', folds: { cv: 3, kind: 'StratifiedKFold' } });
    expect(out.trials).toHaveLength(4);
    // The same search in this process.
    const lof = getDetector('lof');
    const labels = Uint8Array.from(rows, (x) => x[2]);
    const X = { data: Float64Array.from(rows.flatMap((x) => x.slice(0, 2))), rows: N, cols: 2 };
    const plan = planSearch(lof, N, labels, { axes: [parseGridArg(lof, 'n_neighbors=5,15'), parseGridArg(lof, 'contamination=0.05,0.1')], seed: 7, cv: 3, metric: 'f1' });
    const summary = summarize(plan.setup, await runTrials(lof, X, labels, plan.setup));
    expect(out.trials.map((t: { params: unknown; mean: number; sd: number }) => [t.params, t.mean, t.sd])).toEqual(summary.map((s) => [{ n_neighbors: s.params.n_neighbors, contamination: s.params.contamination }, s.mean, s.sd]));
    expect(out.best.index).toBe(bestTrial(summary)!.candidate);
    expect(out.best.mean).toBe(Math.max(...summary.map((s) => s.mean!)));
  });

  it('without labels: nothing to optimise, the stability heuristic, said so', SLOW, () => {
    const r = runs[1];
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ criterion: 'stability', heuristic: true, label: null, folds: { kind: 'KFold' } });
    expect(out.note).toMatch(/nothing to optimise against.*heuristic/);
    expect(out.trials.every((t: { mean: number }) => t.mean > 0 && t.mean <= 1)).toBe(true);
  });

  it('a bad grid value or no grid: one line naming the parameter, exit 2', SLOW, () => {
    expect(runs[2].status).toBe(2);
    expect(runs[2].stderr.trim()).toBe('anomaly-lab: n_neighbors must be >= 1, got: "0"');
    expect(runs[3].status).toBe(2);
    expect(runs[3].stderr).toMatch(/tune needs --grid name=v1,v2 .* or --random N/);
    expect(runs[3].stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a hold-out split and a human-readable table', SLOW, () => {
    const r = runs[6];
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/roc_auc on the held-out rows of a stratified hold-out of 0.3 \(72 rows\)/);
    expect(r.stdout.match(/n_neighbors=\d+ +roc_auc \d\.\d{4} ± 0\.0000/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/^best: n_neighbors=\d+/m);
  });
});

describe('anomaly-lab tune --random', () => {
  it("samples N candidates of the detector's default space with the seed", SLOW, () => {
    const r = runs[7];
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.search).toEqual({ kind: 'random', budget: 3 });
    expect(out.trials).toHaveLength(3);
    expect(new Set(out.trials.map((t: { params: unknown }) => JSON.stringify(t.params))).size).toBe(3);
    for (const t of out.trials) {
      expect([5, 10, 20, 40, 80]).toContain(t.params.n_neighbors);
      expect(['auto', 0.01, 0.05, 0.1, 0.2]).toContain(t.params.contamination);
    }
  });
});

describe('anomaly-lab score --threshold-method', () => {
  it("flags score > the rule's threshold on the file's scores", SLOW, () => {
    const r = runs[4];
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.threshold_method).toBe('mad');
    const lines = readFileSync(scored, 'utf8').trim().split('\n');
    const col = lines[0].split(',').indexOf('score');
    const scores = lines.slice(1).map((l) => Number(l.split(',')[col]));
    expect(out.threshold).toBe(labelFreeThreshold('mad', scores));
    expect(out.flagged).toBe(scores.filter((s) => s > out.threshold).length);
  });

  it('an unknown method is one line, exit 2', SLOW, () => {
    expect(runs[5].status).toBe(2);
    expect(runs[5].stderr.trim()).toBe("anomaly-lab: --threshold-method must be one of iqr, mad, zscore, otsu, gap, got: 'median'");
  });
});
