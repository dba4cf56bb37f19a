import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApp } from '../store';
import { countAtMost, prCurve, rocCurve, type ThresholdSweep } from '../../core/metrics';
import { fmt, fmtInt } from '../lib/format';
import { THRESHOLD_METHOD_NAMES } from '../../core/detectors/thresholders';
import { useThresholdMethod } from '../state/tune';

const BINS = 60;

/** Score histogram (by label when there is one), with the threshold as a line. */
export function ScoreHistogram() {
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const hasLabels = useApp((s) => s.labels !== null);
  const bins = useMemo(() => (result ? histogram(result.sweep) : null), [result]);
  // A threshold set by a label-free rule (the threshold panel's "threshold by") is named on its line.
  const method = useThresholdMethod();
  if (!result || !bins) return null;
  return (
    <div className="view-body" data-testid="score-histogram" data-threshold={threshold} data-threshold-method={method ?? ''}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={bins} margin={{ top: 10, right: 16, bottom: 28, left: 8 }} barCategoryGap={0}>
          <CartesianGrid stroke="#e5e8ee" />
          <XAxis dataKey="mid" type="number" domain={[bins[0].lo, bins[bins.length - 1].hi]} tickFormatter={(v: number) => fmt(v, 3)} label={{ value: 'anomaly score', position: 'insideBottom', offset: -14 }} />
          <YAxis width={64} tickFormatter={(v: number) => fmtInt(v)} label={{ value: 'rows', angle: -90, position: 'insideLeft' }} />
          <Tooltip isAnimationActive={false} labelFormatter={(_, p) => (p?.[0] ? `score ${fmt(p[0].payload.lo, 4)} – ${fmt(p[0].payload.hi, 4)}` : '')} formatter={(v) => fmtInt(Number(v))} />
          {hasLabels ? (
            <>
              <Legend verticalAlign="top" height={24} />
              <Bar dataKey="normal" name="labelled normal" stackId="a" fill="#6f8fd8" isAnimationActive={false} />
              <Bar dataKey="anomaly" name="labelled anomaly" stackId="a" fill="#c8473a" isAnimationActive={false} />
            </>
          ) : (
            <Bar dataKey="all" name="rows" fill="#7d8fb3" isAnimationActive={false} />
          )}
          <ReferenceLine x={Math.min(Math.max(threshold, bins[0].lo), bins[bins.length - 1].hi)} stroke="#111" strokeWidth={2} label={{ value: `threshold${method ? ` by ${THRESHOLD_METHOD_NAMES[method]}` : ''} ${fmt(threshold, 4)}`, position: 'insideTopRight' }} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

interface Bin {
  lo: number;
  hi: number;
  mid: number;
  all: number;
  anomaly: number;
  normal: number;
}

/** Equal-width bins over the 0.1–99.9 % range of the scores (the rest in the end bins), counted by binary search. */
function histogram(sweep: ThresholdSweep): Bin[] {
  let lo = sweep.quantile(0.001);
  let hi = sweep.quantile(0.999);
  if (!(hi > lo)) {
    lo = sweep.min;
    hi = sweep.max > lo ? sweep.max : lo + 1;
  }
  const width = (hi - lo) / BINS;
  const below = (arr: Float64Array, x: number) => (x === Infinity ? arr.length : x === -Infinity ? 0 : countAtMost(arr, x));
  const out: Bin[] = [];
  for (let b = 0; b < BINS; b++) {
    const a = b === 0 ? -Infinity : lo + b * width;
    const z = b === BINS - 1 ? Infinity : lo + (b + 1) * width;
    const all = below(sweep.sorted, z) - below(sweep.sorted, a);
    const anomaly = sweep.split ? below(sweep.split.pos, z) - below(sweep.split.pos, a) : 0;
    out.push({ lo: lo + b * width, hi: lo + (b + 1) * width, mid: lo + (b + 0.5) * width, all, anomaly, normal: all - anomaly });
  }
  return out;
}

/** ROC or precision–recall curve, with the current threshold's operating point. */
export function CurveView({ kind }: { kind: 'roc' | 'pr' }) {
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const points = useMemo(() => (result?.sweep.split ? (kind === 'roc' ? rocCurve(result.sweep.split, 400, result.sweep.sorted) : prCurve(result.sweep.split, 400, result.sweep.sorted)) : []), [result, kind]);
  if (!result) return null;
  const m = result.sweep.metricsAt(threshold);
  if (!m || points.length === 0) return <p className="muted view-empty">Pick a label column (with both classes) to see the {kind === 'roc' ? 'ROC' : 'precision–recall'} curve.</p>;
  const here = kind === 'roc' ? { x: m.fp / Math.max(1, m.fp + m.tn), y: m.recall } : { x: m.recall, y: m.tp + m.fp ? m.precision : 1 };
  const area = kind === 'roc' ? `ROC-AUC ${fmt(m.roc_auc, 4)}` : `average precision ${fmt(m.average_precision, 4)}`;
  return (
    <div className="view-body" data-testid={kind === 'roc' ? 'roc-curve' : 'pr-curve'}>
      <div className="muted small curve-title">{area} · dot = current threshold ({fmt(threshold, 4)})</div>
      <ResponsiveContainer width="100%" height="94%">
        <LineChart accessibilityLayer={false} data={points} margin={{ top: 10, right: 24, bottom: 28, left: 8 }}>
          <CartesianGrid stroke="#e5e8ee" />
          <XAxis dataKey="x" type="number" domain={[0, 1]} tickFormatter={(v: number) => fmt(v, 2)} label={{ value: kind === 'roc' ? 'false positive rate' : 'recall', position: 'insideBottom', offset: -14 }} />
          <YAxis type="number" domain={[0, 1]} width={56} tickFormatter={(v: number) => fmt(v, 2)} label={{ value: kind === 'roc' ? 'true positive rate' : 'precision', angle: -90, position: 'insideLeft' }} />
          <Tooltip isAnimationActive={false} formatter={(v) => fmt(Number(v), 4)} labelFormatter={(v) => `${kind === 'roc' ? 'FPR' : 'recall'} ${fmt(Number(v), 4)}`} />
          {kind === 'roc' && <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#b8c1d1" strokeDasharray="4 4" />}
          {kind === 'pr' && <ReferenceLine y={result.sweep.positives / result.sweep.n} stroke="#b8c1d1" strokeDasharray="4 4" />}
          <Line type={kind === 'roc' ? 'linear' : 'stepAfter'} dataKey="y" name={kind === 'roc' ? 'TPR' : 'precision'} stroke="#3b4cc0" dot={false} strokeWidth={2} isAnimationActive={false} />
          <ReferenceDot x={here.x} y={here.y} r={6} fill="#b40426" stroke="#fff" />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
