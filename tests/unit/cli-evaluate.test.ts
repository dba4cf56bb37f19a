/**
 * The CLI's metrics at scikit-learn 1.2.1's edge cases (issue 13): labels of
 * one class, one row, the positive label's type, --beta, --curves (against
 * scikit-learn's roc_curve / precision_recall_curve), and every user-facing
 * error message: one line, exit status 2, never `undefined` (nor a `null` /
 * `NaN` standing in for what the user typed).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import { cliAsync as cli, cliAll as all, type CliRun as Run, expectAllClose, fixture, num, nums, type JsonFloat } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-evaluate-'));
const SLOW = { timeout: 120_000 };


function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const json = (r: Run) => {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

const NEG = csv('neg.csv', 's,x,label\n0.1,1,0\n0.5,2,0\n0.3,3,0\n0.2,2.5,0\n');
const POS = csv('pos.csv', 's,x,label\n0.1,1,1\n0.5,2,1\n0.3,3,1\n0.2,2.5,1\n');
const PM = csv('pm.csv', 's,x,label\n0.1,1,1\n0.5,2,-1\n0.3,3,1\n0.9,9,-1\n0.2,2.5,1\n');
const TEXT = csv('text.csv', 's,x,kind\n0.1,1,ok\n0.5,2,bad\n0.3,3,ok\n0.9,9,bad\n');
const BOOL = csv('bool.csv', 's,x,label\n0.1,1,false\n0.5,2,true\n0.3,3,false\n');
const ONE = csv('one.csv', 's,x,label\n0.7,1,1\n');

describe('evaluate and score with labels of one class (scikit-learn 1.2.1)', () => {
  it('evaluate, no positive label: ROC-AUC null with the reason, AP 0 with its warning, nothing flagged', SLOW, async () => {
    const [j, h] = await all([['evaluate', NEG, '--score', 's', '--label', 'label', '--json'], ['evaluate', NEG, '--score', 's', '--label', 'label']]);
    const out = json(j);
    expect(out.metrics.roc_auc).toBeNull();
    expect(out.metrics.average_precision).toBe(0);
    expect(out.flagged).toBe(0);
    expect(out.threshold).toBe(0.5);
    expect(out.threshold_rule).toMatch(/no positive label: nothing flagged/);
    expect(out.metrics.warnings).toEqual([
      'ROC-AUC: Only one class present in y_true. ROC AUC score is not defined in that case.',
      'average precision: No positive class found in y_true, recall is set to one for all thresholds.',
      'Precision is ill-defined and being set to 0.0 due to no predicted samples.',
      'Recall is ill-defined and being set to 0.0 due to no true samples.',
      'F-score is ill-defined and being set to 0.0 due to no true nor predicted samples.',
    ]);
    expect([out.metrics.precision, out.metrics.recall, out.metrics.f1, out.metrics.matthews_corrcoef, out.metrics.balanced_accuracy]).toEqual([0, 0, 0, 0, 1]);
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/ROC-AUC\s+—/);
    expect(h.stdout).toMatch(/note: ROC-AUC: Only one class present in y_true/);
    expect(h.stdout).not.toMatch(/undefined|NaN/);
  });

  it('evaluate, only positive labels: every row flagged, AP 1, ROC-AUC null', SLOW, async () => {
    const [j] = await all([['evaluate', POS, '--score', 's', '--label', 'label', '--json']]);
    const out = json(j);
    expect(out.flagged).toBe(4);
    expect(Number.isFinite(out.threshold)).toBe(true);
    expect(out.threshold).toBeLessThan(0.1);
    expect(out.threshold_rule).toMatch(/every row flagged/);
    expect(out.metrics.roc_auc).toBeNull();
    expect(out.metrics.average_precision).toBe(1);
    expect([out.metrics.precision, out.metrics.recall, out.metrics.f1]).toEqual([1, 1, 1]);
    expect(out.metrics.warnings).toEqual(['ROC-AUC: Only one class present in y_true. ROC AUC score is not defined in that case.']);
  });

  it('score --json with one-class labels gives the same metrics object (the same ThresholdSweep)', SLOW, async () => {
    const [s, h] = await all([
      ['score', NEG, '--columns', 'x', '--label', 'label', '--json'],
      ['score', NEG, '--columns', 'x', '--label', 'label'],
    ]);
    const out = json(s);
    expect(out.metrics.roc_auc).toBeNull();
    expect(out.metrics.average_precision).toBe(0);
    expect(out.metrics.warnings).toContain('ROC-AUC: Only one class present in y_true. ROC AUC score is not defined in that case.');
    expect(out.metrics.warnings).toContain('average precision: No positive class found in y_true, recall is set to one for all thresholds.');
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toMatch(/note: ROC-AUC: Only one class present/);
    // evaluate at score's threshold on score's scores agrees, warnings included
    const scored = join(dir, 'neg-scored.csv');
    const [w] = await all([['score', NEG, '--columns', 'x', '--label', 'label', '--out', scored, '--json']]);
    const thr = json(w).threshold;
    const [e] = await all([['evaluate', scored, '--score', 'score', '--label', 'label', '--threshold', String(thr), '--json']]);
    expect(json(e).metrics).toEqual(out.metrics);
  });

  it('one row, one hit: P = R = F1 = 1 (scikit-learn)', SLOW, async () => {
    const [j] = await all([['evaluate', ONE, '--score', 's', '--label', 'label', '--json']]);
    const out = json(j);
    expect(out.rows).toBe(1);
    expect(out.flagged).toBe(1);
    expect([out.metrics.precision, out.metrics.recall, out.metrics.f1, out.metrics.fbeta]).toEqual([1, 1, 1, 1]);
    expect(out.metrics.roc_auc).toBeNull();
  });
});

describe('the positive label has one type: the label as it appears', () => {
  it('-1/1 labels: -1, a number, in score and evaluate; text labels a string; true/false "true"', SLOW, async () => {
    const [s, e, t, b, sh, eh] = await all([
      ['score', PM, '--columns', 'x', '--label', 'label', '--json'],
      ['evaluate', PM, '--score', 's', '--label', 'label', '--json'],
      ['evaluate', TEXT, '--score', 's', '--label', 'kind', '--positive', 'bad', '--json'],
      ['evaluate', BOOL, '--score', 's', '--label', 'label', '--json'],
      ['score', PM, '--columns', 'x', '--label', 'label'],
      ['evaluate', PM, '--score', 's', '--label', 'label'],
    ]);
    expect(json(s).positive).toBe(-1);
    const ev = json(e);
    expect(ev.positive).toBe(-1);
    expect(ev.positives).toBe(2);
    expect(ev.metrics.tp + ev.metrics.fn).toBe(2);
    expect(json(t).positive).toBe('bad');
    expect(json(b).positive).toBe('true');
    expect(sh.stdout).toMatch(/positive = -1, 2 anomalies/);
    expect(eh.stdout).toMatch(/positive = -1, 2 anomalies/);
  });
});

describe('--beta and the new metrics', () => {
  it('fbeta at --beta, beta echoed; F-beta, MCC and balanced accuracy in human output', SLOW, async () => {
    const [a, b, h, sc] = await all([
      ['evaluate', PM, '--score', 's', '--label', 'label', '--threshold', '0.25', '--json'],
      ['evaluate', PM, '--score', 's', '--label', 'label', '--threshold', '0.25', '--beta', '2', '--json'],
      ['evaluate', PM, '--score', 's', '--label', 'label', '--threshold', '0.25', '--beta', '0.5'],
      ['score', PM, '--columns', 'x', '--label', 'label', '--beta', '2', '--json'],
    ]);
    const m1 = json(a).metrics;
    const m2 = json(b).metrics;
    // flagged: 0.5, 0.3, 0.9 → tp 2, fp 1, fn 0: P = 2/3, R = 1 (scikit-learn: fbeta_score(beta=2) = 10/11)
    expect([m1.tp, m1.fp, m1.fn, m1.tn]).toEqual([2, 1, 0, 2]);
    expect(m1.beta).toBe(1);
    expect(m1.fbeta).toBe(m1.f1);
    expect(m2.beta).toBe(2);
    expect(m2.fbeta).toBeCloseTo(10 / 11, 15);
    expect(m2.f1).toBe(m1.f1);
    expect(m1.matthews_corrcoef).toBeCloseTo(2 / 3, 15);
    expect(m1.balanced_accuracy).toBeCloseTo(5 / 6, 15);
    expect(h.stdout).toMatch(/F-beta \(beta 0\.5\)\s+0\.7143/);
    expect(h.stdout).toMatch(/MCC\s+0\.6667/);
    expect(h.stdout).toMatch(/balanced accuracy\s+0\.8333/);
    expect(json(sc).metrics.beta).toBe(2);
  });
});

interface SkCase {
  name: string; labels: number[]; scores: JsonFloat[];
  roc_curve: { fpr: JsonFloat[]; tpr: JsonFloat[]; thresholds: JsonFloat[] };
  pr_curve: { precision: JsonFloat[]; recall: JsonFloat[]; thresholds: JsonFloat[] };
}

describe('--curves writes scikit-learn\'s roc_curve and precision_recall_curve', () => {
  const cases = fixture<{ cases: SkCase[] }>('metrics-sklearn.json').cases
    .filter((c) => ['heavy ties (scores rounded to 1 decimal)', 'test_roc_curve', 'test_roc_curve_one_label (all negative)'].includes(c.name));

  it('evaluate --curves: every point at full resolution, for ties and for one class', SLOW, async () => {
    expect(cases).toHaveLength(3);
    const files = cases.map((c, k) => {
      const rows = ['score,label', ...c.labels.map((y, i) => `${String(num(c.scores[i]))},${y}`)];
      return { data: csv(`sk${k}.csv`, `${rows.join('\n')}\n`), curves: join(dir, `sk${k}-curves.csv`) };
    });
    const runs = await all(files.map((f) => ['evaluate', f.data, '--score', 'score', '--label', 'label', '--curves', f.curves, '--json']));
    cases.forEach((c, k) => {
      expect(json(runs[k]).curves).toBe(files[k].curves);
      const text = readFileSync(files[k].curves, 'utf8');
      expect(text.split('\n')[0]).toBe('curve,threshold,x,y');
      // read back as text so that an empty cell (NaN) is kept in place
      const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
      const pick = (curve: string, col: number) => Float64Array.from(rows.filter((r) => r[0] === curve), (r) => (r[col] === '' ? NaN : Number(r[col])));
      expectAllClose(pick('roc', 2), nums(c.roc_curve.fpr), 0, 0, `${c.name} fpr`);
      expectAllClose(pick('roc', 3), nums(c.roc_curve.tpr), 0, 0, `${c.name} tpr`);
      expectAllClose(pick('roc', 1), nums(c.roc_curve.thresholds), 0, 0, `${c.name} roc thresholds`);
      expectAllClose(pick('pr', 2), nums(c.pr_curve.recall), 0, 0, `${c.name} recall`);
      expectAllClose(pick('pr', 3), nums(c.pr_curve.precision), 0, 0, `${c.name} precision`);
      expectAllClose(pick('pr', 1), Float64Array.from([...nums(c.pr_curve.thresholds), NaN]), 0, 0, `${c.name} pr thresholds`);
    });
    // more points than the page's 400-point display on a large file
    expect(cases[0].roc_curve.fpr.length + cases[0].pr_curve.recall.length).toBe(readFileSync(files[0].curves, 'utf8').trim().split('\n').length - 1);
    // the CSV reads back with the project's reader too
    const ds = parseCsvString(readFileSync(files[1].curves, 'utf8'), 'curves.csv');
    expect(ds.columns.map((c) => c.name)).toEqual(['curve', 'threshold', 'x', 'y']);
  });

  it('score --curves writes the curves of the detector\'s scores', SLOW, async () => {
    const curves = join(dir, 'score-curves.csv');
    const [r] = await all([['score', PM, '--columns', 'x', '--label', 'label', '--curves', curves, '--json']]);
    json(r);
    const lines = readFileSync(curves, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('curve,threshold,x,y');
    expect(lines.filter((l) => l.startsWith('roc,')).length).toBeGreaterThanOrEqual(2);
    expect(lines[lines.length - 1]).toBe('pr,,0,1');
  });
});

describe('every CLI error message: one line, exit 2, never undefined', () => {
  const GOOD = PM;
  const TEXTSCORE = csv('textscore.csv', 's,x,label\nabc,1,0\n0.3,2,1\n');
  const MISSINGSCORE = csv('missingscore.csv', 's,x,label\n,1,0\n0.3,2,1\n');
  const MISSINGLABEL = csv('missinglabel.csv', 's,x,label\n0.1,1,\n0.3,2,1\n');
  const MANY = csv('many.csv', `s,x,label\n${Array.from({ length: 30 }, (_, i) => `${i},${i},${i}`).join('\n')}\n`);
  const CLASSES = csv('classes.csv', 's,x,label\n0.1,1,2\n0.3,2,3\n');
  const EMPTY = csv('empty.csv', '');
  const HEADER = csv('header.csv', 's,x,label\n');
  const RAGGED = csv('ragged.csv', 's,x,label\n1,2,0\n3,4\n');
  const BINARY = csv('binary.csv', 's,x\n\u0000\u0001\u0002,1\n');
  const ALLTEXT = csv('alltext.csv', 'a,b\nu,v\nw,z\n');
  const NOLABEL = csv('nolabel.csv', 'a,b\n1,2\n3,4\n5,6\n');
  const EMPTYMODEL = csv('empty-model.json', '{}');
  const NULLMODEL = csv('null-model.json', 'null');
  const NOVERSION = csv('noversion-model.json', '{"format":"anomaly-lab-model","detector":"zscore","features":1}');
  const NOTJSON = csv('notjson-model.json', 'not json');
  const ALLMISSING = csv('allmissing.csv', 's,x,label\n0.1,,0\n0.3,,1\n');
  const commands: string[][] = [
    ['frobnicate'],
    ['score'],
    ['score', GOOD, GOOD],
    ['score', join(dir, 'nope.csv')],
    ['score', dir],
    ['score', GOOD, '--frob'],
    ['score', GOOD, '--detector'],
    ['score', GOOD, '--seed', 'x'],
    ['score', GOOD, '--seed', ''],
    ['score', GOOD, '--missing', 'x'],
    ['score', GOOD, '--backend', 'x'],
    ['score', GOOD, '--param', 'x'],
    ['score', GOOD, '--param', '=1'],
    ['score', GOOD, '--detector', 'x'],
    ['score', GOOD, '--detector', 'iforest', '--param', 'nope=1'],
    ['score', GOOD, '--detector', 'iforest', '--param', 'n_estimators=x'],
    ['score', GOOD, '--detector', 'iforest', '--param', 'n_estimators='],
    ['score', GOOD, '--detector', 'iforest', '--param', 'max_samples=0'],
    ['score', GOOD, '--detector', 'iforest', '--param', 'bootstrap=maybe'],
    ['score', GOOD, '--detector', 'lof', '--param', 'n_neighbors=1.5'],
    ['score', GOOD, '--detector', 'knn', '--param', 'n_neighbors=50'],
    ['score', GOOD, '--detector', 'ocsvm', '--param', 'gamma=x'],
    ['score', GOOD, '--detector', 'autoencoder', '--param', 'hidden_neuron_list=a,b'],
    ['score', GOOD, '--contamination', 'x'],
    ['score', GOOD, '--contamination', '0.7'],
    ['score', GOOD, '--contamination', ''],
    ['score', GOOD, '--columns', 'nope'],
    ['score', GOOD, '--columns', ','],
    ['score', NOLABEL, '--columns', ','],
    ['score', GOOD, '--columns', 'x,label', '--label', 'label'],
    ['score', GOOD, '--label', 'nope'],
    ['score', GOOD, '--label', 'label', '--positive', '7'],
    ['score', MISSINGLABEL, '--label', 'label'],
    ['score', MANY, '--label', 'label', '--columns', 'x'],
    ['score', CLASSES, '--label', 'label', '--columns', 'x'],
    ['score', TEXT, '--label', 'kind', '--columns', 'x'],
    ['score', TEXT, '--label', 'kind', '--columns', 'x', '--positive', 'nope'],
    ['score', TEXT, '--columns', 'kind'],
    ['score', ALLMISSING, '--columns', 'x'],
    ['score', EMPTY],
    ['score', HEADER],
    ['score', RAGGED],
    ['score', BINARY],
    ['score', ALLTEXT],
    ['score', GOOD, '--model', join(dir, 'nope.json')],
    ['score', GOOD, '--model', NOTJSON],
    ['score', GOOD, '--model', EMPTYMODEL],
    ['score', GOOD, '--model', NULLMODEL],
    ['score', GOOD, '--model', NOVERSION, '--columns', 'x'],
    ['score', GOOD, '--train', join(dir, 'nope.csv')],
    ['score', GOOD, '--beta', 'x'],
    ['score', GOOD, '--beta', '-1'],
    ['score', NOLABEL, '--curves', join(dir, 'c.csv')],
    ['evaluate'],
    ['evaluate', GOOD],
    ['evaluate', GOOD, '--score', 's'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--threshold', '1', '--contamination', '0.1'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--threshold', 'x'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--threshold', ''],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--contamination', 'x'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--contamination', '1'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--beta', ''],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--beta', 'inf'],
    ['evaluate', GOOD, '--score', 'nope', '--label', 'label'],
    ['evaluate', GOOD, '--score', 's', '--label', 'nope'],
    ['evaluate', TEXTSCORE, '--score', 's', '--label', 'label'],
    ['evaluate', MISSINGSCORE, '--score', 's', '--label', 'label'],
    ['evaluate', MISSINGLABEL, '--score', 's', '--label', 'label'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--positive', '3'],
    ['evaluate', GOOD, '--score', 's', '--label', 'label', '--curves', join(dir, 'no-such-dir', 'c.csv')],
    ['evaluate', join(dir, 'nope.csv'), '--score', 's', '--label', 'label'],
  ];
  let runs: Run[] = [];
  beforeAll(async () => {
    runs = await all(commands);
  }, 600_000);

  it(`${commands.length} mistakes`, () => {
    const bad: string[] = [];
    commands.forEach((args, k) => {
      const r = runs[k];
      const what = `anomaly-lab ${args.map((a) => a.replace(dir, '$DIR')).join(' ')} → ${r.status}: ${r.stderr.trim() || r.stdout.slice(0, 200)}`;
      const typed = args.join(' ');
      const problems = [
        r.status !== 2 && 'exit status is not 2',
        r.stderr.trim().split('\n').length !== 1 && 'not one line',
        !r.stderr.startsWith('anomaly-lab: ') && 'not an anomaly-lab message',
        /undefined/.test(r.stderr) && 'prints undefined',
        /\bnull\b/.test(r.stderr) && !/null/.test(typed) && 'prints null',
        /\bNaN\b/.test(r.stderr) && !/nan/i.test(typed) && 'prints NaN',
        /internal error|\n\s+at /.test(r.stderr) && 'internal error',
      ].filter(Boolean);
      if (problems.length) bad.push(`${what} [${problems.join(', ')}]`);
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });
});
