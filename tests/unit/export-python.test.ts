/**
 * "Copy as Python" (issue 23): the script written by core/export/python.ts, run with Debian's
 * scikit-learn (/usr/bin/python3) where it is present, gives our LOF and One-class SVM numbers back:
 * scores, threshold, flagged count and metrics. Skipped where python3 + sklearn are missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvString } from '../../src/core/data/csv';
import { featureMatrix, resolveLabels } from '../../src/core/data/prepare';
import { fitAndScore } from '../../src/core/detectors/run';
import { resolveParams } from '../../src/core/detectors/params';
import { detectorMeta } from '../../src/core/detectors/specs';
import { ThresholdSweep } from '../../src/core/metrics/sweep';
import { Random } from '../../src/core/random';
import { pythonSnippet, type PythonRun } from '../../src/core/export/python';

const PY = '/usr/bin/python3';
const hasSklearn = fs.existsSync(PY) && spawnSync(PY, ['-c', 'import sklearn, numpy'], { timeout: 60_000 }).status === 0;
const dir = fs.mkdtempSync(join(os.tmpdir(), 'export-python-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 200 rows of 3 Gaussian columns, 10 shifted rows labelled 1, a few missing cells and a text cell. */
function csvText(): string {
  const rnd = new Random(7);
  let t = 'a,b,c,label\n';
  for (let i = 0; i < 200; i++) {
    const out = i % 20 === 0;
    const v = [0, 1, 2].map(() => rnd.normal() * (out ? 1 : 0.5) + (out ? 3 : 0));
    const cells = v.map((x, j) => (i % 37 === 5 && j === 1 ? '' : i === 11 && j === 2 ? 'NA' : String(x)));
    t += `${cells.join(',')},${out ? 1 : 0}\n`;
  }
  return t;
}

async function ours(detector: string, raw: Record<string, string>) {
  const text = csvText();
  const file = `${detector}.csv`;
  fs.writeFileSync(join(dir, file), text);
  const ds = parseCsvString(text, file);
  const columns = ['a', 'b', 'c'];
  const { matrix } = featureMatrix(ds, columns, 'median');
  const { scores, model } = await fitAndScore({ detector, params: raw, train: matrix }, { seed: 3 });
  const labels = resolveLabels(ds, 'label', null);
  const sweep = new ThresholdSweep(scores, labels.labels);
  const params = resolveParams(detectorMeta(detector).params, raw, detector) as Record<string, unknown>;
  const run: PythonRun = { file, columns, missing: 'median', detector, params, seed: 3, threshold: model.threshold, modelThreshold: model.threshold, label: { column: 'label', positive: labels.positive }, fittedOn: 'all rows' };
  return { scores, threshold: model.threshold, metrics: sweep.metricsAt(model.threshold)!, flagged: sweep.flaggedAt(model.threshold), run, sweep };
}

function runPython(script: string): { result: Record<string, number>; scores: number[] } {
  const path = join(dir, `run-${Math.random().toString(36).slice(2)}.py`);
  fs.writeFileSync(path, `${script}print('SCORES', json.dumps(scores.tolist()))\n`);
  const r = spawnSync(PY, [path], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  const [json, scoreLine] = r.stdout.split('SCORES ');
  return { result: JSON.parse(json), scores: JSON.parse(scoreLine) };
}

function close(a: number, b: number, rel = 1e-9): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(a), Math.abs(b)));
}

describe('pythonSnippet', () => {
  it('writes the columns, policy, detector, params, seed, threshold and metrics', async () => {
    const { run } = await ours('lof', { n_neighbors: '10', contamination: '0.05' });
    const s = pythonSnippet(run);
    expect(s).toContain("COLUMNS = [\"a\", \"b\", \"c\"]");
    expect(s).toContain("SimpleImputer(strategy='median')");
    expect(s).toContain('LocalOutlierFactor(n_neighbors=10, contamination=0.05)');
    expect(s).toContain('contamination = 0.05');
    expect(s).toContain('roc_auc_score(y, scores)');
    expect(s).toMatch(/random stream/);
    // A moved slider: the cut as a number.
    expect(pythonSnippet({ ...run, threshold: 1.25 })).toContain('threshold = 1.25  # the score cut set in the page');
    expect(pythonSnippet({ ...run, missing: 'zero' })).toContain("strategy='constant', fill_value=0");
    expect(() => pythonSnippet({ ...run, detector: 'autoencoder' })).toThrow(/no scikit-learn \/ PyOD equivalent/);
    expect(() => pythonSnippet({ ...run, params: { ...run.params, window_size: 4 } })).toThrow(/sliding windows/);
    expect(pythonSnippet({ ...run, detector: 'iforest', params: { n_estimators: 100, max_samples: 'auto', contamination: 'auto', max_features: 1, bootstrap: false } })).toMatch(/Scores differ[^\n]*random stream is not numpy's/);
  });

  for (const [detector, raw] of [
    ['lof', { n_neighbors: '10', contamination: '0.05' }],
    ['lof', { n_neighbors: '20', contamination: 'auto' }],
    ['ocsvm', { nu: '0.1', standardize: 'true' }],
    ['ocsvm', { nu: '0.5', kernel: 'rbf', standardize: 'false', contamination: '0.1' }],
  ] as const) {
    it.skipIf(!hasSklearn)(`scikit-learn runs the ${detector} ${JSON.stringify(raw)} script and gets our numbers`, async () => {
      const o = await ours(detector, raw);
      const { result, scores } = runPython(pythonSnippet(o.run));
      expect(scores.length).toBe(o.scores.length);
      for (let i = 0; i < scores.length; i++) close(scores[i], o.scores[i], 1e-6);
      close(result.threshold, o.threshold, 1e-6);
      expect(result.flagged).toBe(o.flagged);
      close(result.precision, o.metrics.precision);
      close(result.recall, o.metrics.recall);
      close(result.f1, o.metrics.f1);
      close(result.roc_auc, o.metrics.roc_auc!, 1e-6);
      close(result.average_precision, o.metrics.average_precision!, 1e-6);
    }, 120_000);
  }
});
