import { useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { agreement, setCompareForm, useCompare, type CompareRow } from '../state/compare';
import { curveBand, unitGrid } from '../../core/metrics/compare';
import { prCurve, rocCurve } from '../../core/metrics';
import { fmt } from '../lib/format';

const COLORS = ['#3b4cc0', '#b40426', '#2a9d55', '#d08b00', '#7b3fa0', '#1b8a9a', '#6b6b6b', '#c2185b'];

/** ROC and PR overlays of every compared detector (a band of ± sd over seeds where there are several), the Spearman and Jaccard matrices, and the disagreement colouring switch. */
export function CompareViews() {
  const rows = useCompare((s) => s.rows);
  const contamination = useCompare((s) => s.contamination);
  const disagreement = useCompare((s) => s.disagreement);
  const votes = useCompare((s) => s.votes);
  const agree = useMemo(() => agreement(rows, contamination), [rows, contamination]);
  const done = rows.filter((r) => r.state === 'done');
  const labelled = done.some((r) => r.runs[0]?.sweep.split);
  return (
    <div className="compare-views">
      {labelled && (
        <div className="compare-curves">
          <Overlay kind="roc" rows={rows} />
          <Overlay kind="pr" rows={rows} />
        </div>
      )}
      {agree && (
        <div className="compare-matrices">
          <Matrix testId="compare-spearman" title="Spearman rank correlation (first seed)" labels={agree.labels} values={agree.spearman} />
          <Matrix testId="compare-jaccard" title={`Top-k overlap: Jaccard of the sets flagged at contamination ${contamination}`} labels={agree.labels} values={agree.jaccard} />
        </div>
      )}
      {votes && (
        <label className="small view-toggle" title="Colour the scatter and the timeline by how many of the compared detectors flag each row (at their own thresholds)">
          <input type="checkbox" data-testid="compare-disagreement" checked={disagreement} onChange={(e) => setCompareForm({ disagreement: e.target.checked })} />
          colour the scatter and the timeline by disagreement ({countSome(votes, done.length)} rows flagged by some, not all)
        </label>
      )}
    </div>
  );
}

function countSome(votes: Uint8Array, n: number): number {
  let c = 0;
  for (const v of votes) if (v > 0 && v < n) c++;
  return c;
}

interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  band: { x: number; range: [number, number] }[] | null;
}

function Overlay({ kind, rows }: { kind: 'roc' | 'pr'; rows: CompareRow[] }) {
  const series = useMemo<Series[]>(() => rows.flatMap((r, i) => {
    if (r.state !== 'done' || !r.runs[0]?.sweep.split) return [];
    const curve = (k: number) => {
      const s = r.runs[k].sweep;
      return kind === 'roc' ? rocCurve(s.split!, 300, s.sorted) : prCurve(s.split!, 300, s.sorted);
    };
    let band: Series['band'] = null;
    let points: { x: number; y: number }[] = curve(0);
    if (r.runs.length > 1) {
      // Mean ± sd over the seeds on a common grid (numpy.interp, as scikit-learn's cross-validated ROC example).
      const b = curveBand(r.runs.map((_, k) => curve(k)), unitGrid(101));
      points = b.x.map((x, j) => ({ x, y: b.mean[j] }));
      band = b.x.map((x, j) => ({ x, range: [Math.max(0, b.mean[j] - b.sd[j]), Math.min(1, b.mean[j] + b.sd[j])] }));
    }
    return [{ label: r.entry.label, color: COLORS[i % COLORS.length], points, band }];
  }), [rows, kind]);
  return (
    <div className="compare-curve" data-testid={kind === 'roc' ? 'compare-roc' : 'compare-pr'} data-series={series.length}>
      <div className="muted small">{kind === 'roc' ? 'ROC curves' : 'Precision–recall curves'}{series.some((s) => s.band) ? ' · band: ± sd over seeds' : ''}</div>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart accessibilityLayer={false} margin={{ top: 6, right: 12, bottom: 22, left: 0 }}>
          <CartesianGrid stroke="#e5e8ee" />
          <XAxis dataKey="x" type="number" domain={[0, 1]} tickFormatter={(v: number) => fmt(v, 2)} allowDuplicatedCategory={false} label={{ value: kind === 'roc' ? 'false positive rate' : 'recall', position: 'insideBottom', offset: -12 }} />
          <YAxis type="number" domain={[0, 1]} width={44} tickFormatter={(v: number) => fmt(v, 2)} />
          <Tooltip isAnimationActive={false} formatter={(v) => (Array.isArray(v) ? v.map((x) => fmt(Number(x), 3)).join(' – ') : fmt(Number(v), 4))} labelFormatter={(v) => fmt(Number(v), 3)} />
          <Legend verticalAlign="top" height={22} />
          {series.map((s) => s.band && <Area key={`band-${s.label}`} data={s.band} dataKey="range" stroke="none" fill={s.color} fillOpacity={0.15} isAnimationActive={false} legendType="none" name={`${s.label} ± sd`} />)}
          {series.map((s) => <Line key={s.label} data={s.points} dataKey="y" name={s.label} stroke={s.color} dot={false} strokeWidth={1.8} type={kind === 'roc' ? 'linear' : 'stepAfter'} isAnimationActive={false} />)}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function Matrix({ testId, title, labels, values }: { testId: string; title: string; labels: string[]; values: number[][] }) {
  return (
    <table className="small compare-matrix" data-testid={testId}>
      <caption className="muted">{title}</caption>
      <thead><tr><th />{labels.map((l) => <th key={l}>{l}</th>)}</tr></thead>
      <tbody>
        {values.map((r, i) => (
          <tr key={labels[i]}>
            <th>{labels[i]}</th>
            {r.map((v, j) => <td key={j} data-i={i} data-j={j} data-value={Number.isNaN(v) ? '' : v} style={{ background: Number.isNaN(v) ? undefined : `rgba(59, 76, 192, ${Math.max(0, v) * 0.35})` }}>{fmt(v, 3)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
