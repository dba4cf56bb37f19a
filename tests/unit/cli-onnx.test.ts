/**
 * CLI `score --save-onnx M.onnx [--onnx-dtype float32|float64]` (issue 24), spawned: the graph
 * written scores the file in onnxruntime-web as --out does (float64: within 1e-6 relative, same
 * is_anomaly column), carries the columns and threshold the JSON reports; a detector with no ONNX
 * form, or a bad --onnx-dtype, is one line on stderr, exit 2, and no file.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { cliAsync } from './helpers';
import { decodeModel } from '../../src/core/onnx/proto';

ort.env.wasm.numThreads = 1;
const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-onnx-'));

function writeData(file: string, from = 0): void {
  const lines = ['a,b,c,label'];
  for (let i = from; i < from + 500; i++) {
    const out = i % 50 === 7;
    lines.push(`${Math.sin(i) * (out ? 9 : 1)},${((i * 7919) % 101) / 10},${Math.cos(i * 0.3)},${out ? 1 : 0}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

function column(file: string, name: string): number[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const k = head.split(',').indexOf(name);
  return rows.map((r) => Number(r.split(',')[k]));
}

describe('score --save-onnx', () => {
  it.each([['iforest', 'float64'], ['lof', 'float64'], ['ocsvm', 'float32']] as const)('%s (%s): ONNX Runtime scores the file as --out does', async (id, dtype) => {
    // Fitted on one file and scoring another (--train): on its own training rows LOF and kNN leave each
    // row out of its neighbours (scikit-learn's negative_outlier_factor_), which a graph for new rows does not.
    const [file, train] = [join(dir, `${id}.csv`), join(dir, `${id}-train.csv`)];
    writeData(file, 1000);
    writeData(train);
    const [onnxFile, out] = [join(dir, `${id}.onnx`), join(dir, `${id}-out.csv`)];
    const r = await cliAsync('score', file, '--detector', id, '--label', 'label', '--train', train, '--save-onnx', onnxFile, '--onnx-dtype', dtype, '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    const bytes = readFileSync(onnxFile);
    const meta = Object.fromEntries((decodeModel(bytes).metadata_props as { key: string; value: string }[]).map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.columns)).toEqual(['a', 'b', 'c']);
    expect(Number(meta.threshold)).toBe(json.threshold);
    expect(meta.detector).toBe(id);
    const a = column(file, 'a'), b = column(file, 'b'), c = column(file, 'c');
    const X = a.flatMap((v, i) => [v, b[i], c[i]]);
    const session = await ort.InferenceSession.create(bytes);
    const res = await session.run({ X: dtype === 'float64' ? new ort.Tensor('float64', Float64Array.from(X), [a.length, 3]) : new ort.Tensor('float32', Float32Array.from(X), [a.length, 3]) });
    const ours = column(out, 'score');
    const flagged = column(out, 'is_anomaly');
    const tol = dtype === 'float64' ? 1e-6 : 5e-4;
    const spread = Math.max(...ours) - Math.min(...ours);
    let same = 0;
    ours.forEach((s, i) => {
      expect(Math.abs(Number(res.score.data[i]) - s)).toBeLessThanOrEqual(tol * Math.max(Math.abs(s), spread * 1e-3, id === 'ocsvm' ? 1 : 0));
      if (Number(res.is_anomaly.data[i]) === flagged[i]) same++;
    });
    expect(same).toBeGreaterThanOrEqual(ours.length - (dtype === 'float64' ? 0 : 2));
    expect(flagged.reduce((x, y) => x + y, 0)).toBe(json.flagged);
  }, 120_000);

  it('refuses a detector with no ONNX form and a bad --onnx-dtype: one line, exit 2, no file', async () => {
    const file = join(dir, 'refuse.csv');
    writeData(file);
    const target = join(dir, 'refused.onnx');
    const r = await cliAsync('score', file, '--detector', 'half_space_trees', '--save-onnx', target);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--save-onnx: half_space_trees has no ONNX export yet/);
    expect(existsSync(target)).toBe(false);
    const d = await cliAsync('score', file, '--detector', 'iforest', '--save-onnx', target, '--onnx-dtype', 'int8');
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/--onnx-dtype must be float32 or float64, got: 'int8'/);
    expect(existsSync(target)).toBe(false);
  }, 120_000);
});
