/**
 * half_space_trees through the command line (bin/anomaly-lab.js): `score --detector
 * half_space_trees` gives the causal scores of the core's detector (the same fit, in process), and
 * a saved model applied to the next rows continues the stream exactly as the core's model does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliAsync } from './helpers';
import { fitModel } from '../../src/core/detectors/run';
import { Random } from '../../src/core/random';

const dir = mkdtempSync(join(tmpdir(), 'anomaly-lab-cli-hst-'));

/** n rows of two N(0, 1) columns (seeded), a far point at row `spike`, as CSV and as row-major data. */
function twoColumns(n: number, seed: number, spike: number): { text: string; data: Float64Array } {
  const rng = new Random(seed);
  const data = new Float64Array(n * 2);
  const lines = ['a,b'];
  for (let i = 0; i < n; i++) {
    data[2 * i] = i === spike ? 9 : rng.normal();
    data[2 * i + 1] = i === spike ? -9 : rng.normal();
    lines.push(`${data[2 * i]},${data[2 * i + 1]}`);
  }
  return { text: `${lines.join('\n')}\n`, data };
}

function scoresOf(file: string): number[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const k = head.split(',').indexOf('score');
  return rows.map((r) => Number(r.split(',')[k]));
}

describe('score --detector half_space_trees', () => {
  it('the causal scores of the core detector; a saved model continues the stream on the next file exactly as the core model', async () => {
    const train = twoColumns(600, 1, 450);
    const next = twoColumns(300, 2, 200);
    const [trainCsv, nextCsv, model, out1, out2] = ['train.csv', 'next.csv', 'hst.json', 'out1.csv', 'out2.csv'].map((f) => join(dir, f));
    writeFileSync(trainCsv, train.text);
    writeFileSync(nextCsv, next.text);
    const r = await cliAsync('score', trainCsv, '--detector', 'half_space_trees', '--param', 'window_size=100', '--seed', '5', '--save-model', model, '--out', out1, '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ detector: 'half_space_trees', rows: 600, params: { n_trees: 10, height: 8, window_size: 100 } });
    const core = await fitModel('half_space_trees', { window_size: 100 }, { data: train.data, rows: 600, cols: 2 }, { seed: 5 });
    const cli = scoresOf(out1);
    expect(cli.length).toBe(600);
    cli.forEach((s, i) => expect(s, `row ${i}`).toBeCloseTo(core.trainingScores![i], 12));
    expect(cli.slice(0, 100).every((s) => s === 0)).toBe(true);
    // The far point after warm-up ranks in the top 2% of its file.
    expect(cli.filter((s) => s >= cli[450]).length).toBeLessThanOrEqual(12);

    const again = await cliAsync('score', nextCsv, '--model', model, '--out', out2);
    expect(again.stderr).toBe('');
    const applied = await core.score({ data: next.data, rows: 300, cols: 2 });
    scoresOf(out2).forEach((s, i) => expect(s, `next row ${i}`).toBeCloseTo(applied[i], 12));
  }, 120_000);
});
