/** The command line as DESIGN.md specifies it: JSON shape, --out, models, --train, errors (exit 2, one line). */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import { REPO_ROOT } from './helpers';

const BIN = resolve(REPO_ROOT, 'bin', 'anomaly-lab.js');
const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-'));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 110_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// 200 points near the origin and 6 far away, labelled.
const rows = ['x,y,label'];
for (let i = 0; i < 200; i++) rows.push(`${Math.sin(i) * 0.5},${Math.cos(i * 1.7) * 0.5},0`);
for (let i = 0; i < 6; i++) rows.push(`${8 + i},${-7 - i},1`);
const DATA = csv('data.csv', `${rows.join('\n')}\n`);

describe('anomaly-lab CLI', () => {
  it('score --json prints the documented object', () => {
    const r = cli('score', DATA, '--detector', 'iforest', '--label', 'label', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['detector', 'params', 'backend', 'rows', 'columns', 'threshold', 'flagged', 'metrics', 'timings_ms']) expect(out).toHaveProperty(key);
    expect(out.detector).toBe('iforest');
    expect(out.rows).toBe(206);
    expect(out.columns).toEqual(['x', 'y']);
    expect(out.params).toMatchObject({ n_estimators: 100, max_samples: 'auto', contamination: 'auto' });
    for (const key of ['precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'tp', 'fp', 'tn', 'fn']) expect(out.metrics).toHaveProperty(key);
    expect(out.metrics.tp + out.metrics.fn).toBe(6);
    expect(out.metrics.roc_auc).toBeGreaterThan(0.99);
    expect(Object.keys(out.timings_ms)).toEqual(['parse', 'fit', 'score']);
  }, 120_000);

  it('--out writes the input columns plus score, is_anomaly and decision_function; evaluate agrees', () => {
    const out = join(dir, 'scored.csv');
    const j = JSON.parse(execFileSync(process.execPath, [BIN, 'score', DATA, '--detector', 'iforest', '--out', out, '--json'], { encoding: 'utf8', timeout: 110_000 }));
    const scored = parseCsvString(readFileSync(out, 'utf8'), 'scored.csv');
    expect(scored.columns.map((c) => c.name)).toEqual(['x', 'y', 'label', 'score', 'is_anomaly', 'decision_function', 'score_samples']);
    const score = scored.columns[3];
    const flag = scored.columns[4];
    const dec = scored.columns[5];
    const ss = scored.columns[6];
    if (score.kind !== 'numeric' || flag.kind !== 'numeric' || dec.kind !== 'numeric' || ss.kind !== 'numeric') throw new Error('numeric columns expected');
    let flagged = 0;
    for (let i = 0; i < scored.rows; i++) {
      expect(flag.values[i]).toBe(score.values[i] > j.threshold ? 1 : 0);
      expect(dec.values[i]).toBe(j.threshold - score.values[i]);
      // IsolationForest: score_samples = −score, decision_function = score_samples − offset_.
      expect(ss.values[i]).toBe(-score.values[i]);
      expect(ss.values[i] - j.model.offset_).toBeCloseTo(dec.values[i], 12);
      flagged += flag.values[i];
    }
    expect(flagged).toBe(j.flagged);
    const ev = JSON.parse(execFileSync(process.execPath, [BIN, 'evaluate', out, '--score', 'score', '--label', 'label', '--threshold', String(j.threshold), '--json'], { encoding: 'utf8', timeout: 110_000 }));
    expect(ev.metrics).toEqual(j.metrics);
  }, 120_000);

  it('--save-model then --model gives identical scores without refitting; --train fits on another file', () => {
    const model = join(dir, 'model.json');
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    execFileSync(process.execPath, [BIN, 'score', DATA, '--detector', 'iforest', '--seed', '7', '--save-model', model, '--out', a], { timeout: 110_000 });
    execFileSync(process.execPath, [BIN, 'score', DATA, '--model', model, '--out', b], { timeout: 110_000 });
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(JSON.parse(readFileSync(model, 'utf8')).columns).toEqual(['x', 'y']);
    const trained = JSON.parse(execFileSync(process.execPath, [BIN, 'score', DATA, '--train', DATA, '--detector', 'iforest', '--seed', '7', '--json'], { encoding: 'utf8', timeout: 110_000 }));
    const self = JSON.parse(execFileSync(process.execPath, [BIN, 'score', DATA, '--detector', 'iforest', '--seed', '7', '--json'], { encoding: 'utf8', timeout: 110_000 }));
    expect(trained.metrics).toEqual(self.metrics);
  }, 120_000);

  it('a user mistake is one line on stderr with exit status 2, never a stack trace', () => {
    const ragged = csv('ragged.csv', 'a,b,label\n1,2,0\n3,4\n');
    const cases: [string[], RegExp][] = [
      [['score', join(dir, 'missing.csv')], /missing\.csv cannot be read: no such file/],
      [['score', ragged], /ragged\.csv: row 2 \(line 3\) has 2 fields, expected 3/],
      [['score', DATA, '--contamination', '0.7'], /contamination must be in \(0, 0\.5\], got: "0\.7"/],
      [['score', DATA, '--detector', 'nope'], /unknown detector 'nope'/],
      [['score', DATA, '--param', 'n_trees=5', '--detector', 'iforest'], /iforest has no parameter 'n_trees'/],
      [['score', DATA, '--columns', 'x,zz'], /no column named 'zz'/],
      [['score', csv('cls.csv', 'a,b,cls\n1,2,u\n3,4,v\n5,6,u\n'), '--label', 'cls'], /label column 'cls' has values u, v: say which one is the anomaly/],
      [['evaluate', DATA, '--score', 'x'], /evaluate needs --label/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});

describe('CLI scoring threads', () => {
  it('split scoring across threads gives bit-identical scores', async () => {
    const { ScoringThreads, THREAD_ROWS } = await import('../../src/cli/threads');
    const { iforest } = await import('../../src/core/detectors/iforest');
    const { resolveParams } = await import('../../src/core/detectors/params');
    const { Random } = await import('../../src/core/random');
    const rows = THREAD_ROWS + 1234;
    const rng = new Random(9);
    const data = new Float64Array(rows * 3);
    for (let i = 0; i < data.length; i++) data[i] = rng.normal();
    const X = { data, rows, cols: 3 };
    const model = await iforest.fit(X, resolveParams(iforest.params, { n_estimators: 20 }), { seed: 3 });
    const threads = new ScoringThreads(2);
    try {
      expect(threads.size).toBe(2);
      const split = await threads.score(model, threads.addMatrix(X), X);
      const whole = await model.score(X);
      expect(split.length).toBe(rows);
      let diff = 0;
      for (let i = 0; i < rows; i++) if (split[i] !== whole[i]) diff++;
      expect(diff).toBe(0);
    } finally {
      threads.close();
    }
  }, 120_000);
});
