/**
 * The scored CSV from a parsed Dataset: the page's "Download scored data"
 * (the data worker holds the Dataset, not the file's text). The same columns
 * as the CLI's `--out` (src/cli/write.ts): the input's columns, then `score`,
 * `is_anomaly` and, where the detector defines them, `decision_function` and
 * `score_samples`; every cell through the one CSV writer (csv-write.ts), so
 * formula-like text cells and header names get the same leading `'`.
 *
 * What differs from `--out`, which copies the input's own text: a numeric
 * cell is written as the number it was read as (`1.0` → `1`, `+1` → `1`,
 * and the reader's missing tokens, `NA` or `inf`, → empty), and a text column whose distinct values were too many to
 * keep (more than 100,000, codes null) is written from its parsed times as
 * ISO 8601 where it has them, else empty. The file reads back to the same
 * numbers either way.
 *
 * The text comes out in chunks of about `chunkChars` characters, never as one
 * string: the caller wraps them in a Blob (the browser keeps its parts apart)
 * or writes them out as they come.
 */
import type { Dataset } from './dataset.js';
import { csvCell, csvNumber } from './csv-write.js';

export interface ScoredColumnsOf {
  /** Anomaly scores, one per row (higher = more abnormal). */
  scores: Float64Array;
  /** `is_anomaly` = score > threshold. */
  threshold: number;
  /** scikit-learn's decision_function per row, or null for a detector without one. */
  decision: Float64Array | null;
  /** scikit-learn's score_samples per row, or null. */
  scoreSamples: Float64Array | null;
}

export interface ScoredCsvOptions {
  /** Prefix formula-like text cells and header names with `'` (default true). */
  formulaEscape?: boolean;
  /** Characters gathered before a chunk is yielded (default 1 MiB of text). */
  chunkChars?: number;
}

/** The header of the scored CSV, as the CLI's --out writes it (names not yet escaped). */
export function scoredHeader(ds: Pick<Dataset, 'columns'>, scored: Pick<ScoredColumnsOf, 'decision' | 'scoreSamples'>): string[] {
  return [...ds.columns.map((c) => c.name), 'score', 'is_anomaly', ...(scored.decision ? ['decision_function'] : []), ...(scored.scoreSamples ? ['score_samples'] : [])];
}

/**
 * The scored CSV of `ds`, chunk by chunk (each ends with a line end; the first holds the header).
 * Throws a RangeError when a scored column's length is not the dataset's row count.
 */
export function* scoredCsvChunks(ds: Dataset, scored: ScoredColumnsOf, options: ScoredCsvOptions = {}): Generator<string> {
  const { scores, threshold, decision, scoreSamples } = scored;
  const formulaEscape = options.formulaEscape !== false;
  const chunkChars = Math.max(1, options.chunkChars ?? 1 << 20);
  for (const [name, a] of [['score', scores], ['decision_function', decision], ['score_samples', scoreSamples]] as const) {
    if (a && a.length !== ds.rows) throw new RangeError(`${ds.name}: ${name} has ${a.length} values for ${ds.rows} rows; score the data again before exporting`);
  }
  const cellOf = ds.columns.map((c): ((i: number) => string) => {
    if (c.kind === 'numeric') return (i) => csvNumber(c.values[i]);
    const levels = c.levels.map((t) => csvCell(t, { formulaEscape }));
    if (c.codes) {
      const codes = c.codes;
      return (i) => (codes[i] < 0 ? '' : levels[codes[i]]);
    }
    const times = c.times;
    return times ? (i) => (times[i] === times[i] ? new Date(times[i]).toISOString() : '') : () => '';
  });
  let out = `${scoredHeader(ds, scored).map((h) => csvCell(h, { formulaEscape })).join(',')}\n`;
  const width = cellOf.length;
  for (let i = 0; i < ds.rows; i++) {
    let line = '';
    for (let j = 0; j < width; j++) line += (j > 0 ? ',' : '') + cellOf[j](i);
    const s = scores[i];
    line += `${width > 0 ? ',' : ''}${csvNumber(s)},${s > threshold ? 1 : 0}`;
    if (decision) line += `,${csvNumber(decision[i])}`;
    if (scoreSamples) line += `,${csvNumber(scoreSamples[i])}`;
    out += `${line}\n`;
    if (out.length >= chunkChars) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}
