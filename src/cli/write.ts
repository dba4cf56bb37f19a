/** Writing the scored CSV: the input columns plus score, is_anomaly, and scikit-learn's decision_function and score_samples where the detector defines them. */
import fs from 'node:fs';
import Papa from 'papaparse';
import type { Dataset } from '../core/data/dataset.js';

export async function writeScoredCsv(file: string, ds: Dataset, scores: Float64Array, threshold: number, decision: Float64Array | null, scoreSamples: Float64Array | null = null): Promise<void> {
  const out = fs.createWriteStream(file);
  const header = [...ds.columns.map((c) => c.name), 'score', 'is_anomaly', ...(decision ? ['decision_function'] : []), ...(scoreSamples ? ['score_samples'] : [])];
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((res) => out.once('drain', () => res())));
  await write(`${Papa.unparse([header])}\n`);
  const block = 4096;
  for (let start = 0; start < ds.rows; start += block) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(ds.rows, start + block); i++) {
      const cells: string[] = [];
      for (const c of ds.columns) {
        if (c.kind === 'numeric') {
          const v = c.values[i];
          cells.push(v === v ? String(v) : '');
        } else {
          const code = c.codes ? c.codes[i] : -1;
          const t = code >= 0 ? c.levels[code] : '';
          cells.push(/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
        }
      }
      cells.push(String(scores[i]), scores[i] > threshold ? '1' : '0');
      if (decision) cells.push(String(decision[i]));
      if (scoreSamples) cells.push(String(scoreSamples[i]));
      lines.push(cells.join(','));
    }
    await write(`${lines.join('\n')}\n`);
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
}
