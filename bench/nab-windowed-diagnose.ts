/**
 * Why windows hurt on NAB (issue 16): for each setting, the corpus-optimised standard threshold and
 * where the flags land. Rows flagged outside the labelled windows (FP) are split into those within
 * W − 1 rows after a window's end ("tail": the windowed vector still holds the window's last rows)
 * and the rest, with their summed NAB weight (standard profile); flags are also counted in runs of
 * consecutive rows (a "burst"), whose mean length shows how long one flag persists.
 *
 *   node --import tsx bench/nab-windowed-diagnose.ts ['[{"detector":"knn","params":{"window_size":5}}]'] [runner,all,tiled]
 *   THRESHOLD=0.999 node --import tsx bench/nab-windowed-diagnose.ts …   # one fixed threshold instead of the optimised one
 */
import path from 'node:path';
import { runSeries } from '../src/core/detectors/series-run.js';
import { NAB_PROFILES, prepareSeries, scoreLabelled, type LabelledSeries } from '../src/core/metrics/nab.js';
import { readNabSeries, roundScore } from '../src/cli/nab-run.js';
import { NAB_ROOT, loadNabCorpus } from './nab.js';
import { label } from './nab-windowed.js';
import { runningEcdf } from '../src/core/stream/running-ecdf.js';

/** How each setting's raw scores become NAB scores: as the runner did, ECDF over every earlier row, ECDF over the tiling windows' rows. */
const MAPPINGS = (process.argv[3] ?? 'runner,all,tiled').split(',');

const SETTINGS: { detector: string; params: Record<string, unknown> }[] = JSON.parse(process.argv[2] ?? 'null') ?? [
  { detector: 'zscore', params: {} },
  ...[2, 5, 10].map((w) => ({ detector: 'zscore', params: { window_size: w } })),
];

const corpus = loadNabCorpus();
if (!corpus) throw new Error(`no NAB corpus at ${NAB_ROOT}`);
const series = corpus.series.map((s) => readNabSeries(path.join(NAB_ROOT, 'data', s.name), s.name));
const labelled: LabelledSeries[] = series.map((s) => prepareSeries(s.name, s.timestamps, corpus.windows[s.name]));
const fpW = NAB_PROFILES.standard.fpWeight;
for (const e of SETTINGS) {
  const W = Number(e.params.window_size ?? 1) || 1;
  const runs = [];
  for (const s of series) runs.push(await runSeries(e.detector, e.params, s.values, { seed: 42, name: s.name }));
  for (const mapping of MAPPINGS) {
  const scores = runs.map((r) => Float64Array.from(mapping === 'runner' ? r.scores : mapping === 'tiled' ? runningEcdf(r.raw, W) : runningEcdf(r.raw), (v) => roundScore(v, 12)));
  const fixed = process.env.THRESHOLD === undefined ? undefined : Number(process.env.THRESHOLD);
  const res = scoreLabelled(labelled.map((l, k) => ({ series: l, scores: scores[k] })), { profile: 'standard', threshold: fixed }).standard;
  const t = res.threshold;
  let tail = 0, tailCost = 0, other = 0, otherCost = 0, bursts = 0, flagged = 0, fpFiles = 0, fpBursts = 0;
  for (let k = 0; k < labelled.length; k++) {
    const l = labelled[k];
    let prev = false;
    let prevFp = false;
    let fileFp = 0;
    for (let i = l.probation; i < l.rows; i++) {
      const f = scores[k][i] >= t;
      if (f) { flagged++; if (!prev) bursts++; }
      prev = f;
      const isFp = f && l.windowOf[i] < 0;
      if (isFp && !prevFp) fpBursts++;
      prevFp = isFp;
      if (!isFp) continue;
      fileFp++;
      const afterEnd = l.windows.some((w) => i > w.end && i - w.end <= W - 1);
      if (afterEnd) { tail++; tailCost += l.sigmoid[i] * fpW; } else { other++; otherCost += l.sigmoid[i] * fpW; }
    }
    if (fileFp) fpFiles++;
  }
  console.log(JSON.stringify({ setting: label(e), mapping, standard: +res.score!.toFixed(2), threshold: t, tp_rows: res.tp, fp_rows: res.fp, detected: res.detected, windows: res.windows, fp_tail: tail, fp_tail_cost: +tailCost.toFixed(2), fp_other: other, fp_other_cost: +otherCost.toFixed(2), bursts, mean_burst: +(flagged / Math.max(1, bursts)).toFixed(2), fp_bursts: fpBursts, mean_fp_burst: +((tail + other) / Math.max(1, fpBursts)).toFixed(2), files_with_fp: fpFiles }));
}
}

