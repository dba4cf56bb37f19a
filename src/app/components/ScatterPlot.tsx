import { useDeferredValue, useMemo } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useApp, setPlotAxes, setView } from '../store';
import { plotSample } from '../../core/data/sample';
import { numericColumns } from '../../core/data/dataset';
import { coolwarm, divergingScale, type DivergingScale } from '../lib/colormap';
import { fmt, fmtInt } from '../lib/format';
import { ColorBar } from './ColorBar';

/** Points drawn at most: SVG stays responsive up to a few thousand. */
export const PLOT_BUDGET = 3000;

interface Point {
  x: number;
  y: number;
  row: number;
  score: number | null;
  flagged: boolean;
  color: string;
}

function Dot(props: { cx?: number; cy?: number; payload?: Point }) {
  const { cx, cy, payload } = props;
  if (cx === undefined || cy === undefined || !payload) return <g />;
  return <circle className={payload.flagged ? 'point flagged' : 'point'} cx={cx} cy={cy} r={payload.flagged ? 4.2 : 3.2} fill={payload.color} stroke={payload.flagged ? '#1b1b1b' : 'rgba(0,0,0,0.25)'} strokeWidth={payload.flagged ? 1.1 : 0.5} />;
}

function Tip({ active, payload, xName, yName }: { active?: boolean; payload?: { payload: Point }[]; xName: string; yName: string }) {
  if (!active || !payload?.length) return null;
  const p = payload[0].payload;
  return (
    <div className="tooltip">
      <div><strong>row {fmtInt(p.row + 1)}</strong>{p.flagged ? ' · flagged' : ''}</div>
      <div>{xName} = {fmt(p.x, 5)}</div>
      <div>{yName} = {fmt(p.y, 5)}</div>
      {p.score !== null && <div>score = {fmt(p.score, 5)}</div>}
    </div>
  );
}

export function ScatterPlot() {
  const dataset = useApp((s) => s.dataset);
  const plotX = useApp((s) => s.plotX);
  const plotY = useApp((s) => s.plotY);
  const values = useApp((s) => s.plotValues);
  const result = useApp((s) => s.result);
  const order = useApp((s) => s.order);
  const liveThreshold = useApp((s) => s.threshold);
  const view = useApp((s) => s.view);
  // The metrics follow the slider at once; the plot may lag a frame behind.
  const threshold = useDeferredValue(liveThreshold);

  // scikit-learn's view needs a decision_function: decision = detector threshold − score.
  const sklearnView = view === 'sklearn' && !!result?.decision;
  const scale: DivergingScale | null = useMemo(() => {
    if (!result) return null;
    const s = result.sweep;
    if (sklearnView) {
      // decision_function, centred on 0 (the detector's threshold), negative = outlier = cool, as matplotlib draws it.
      const t = result.modelThreshold;
      return divergingScale(0, Math.min(t - s.quantile(0.99), -1e-9), Math.max(t - s.quantile(0.01), 1e-9));
    }
    const center = Number.isFinite(result.modelThreshold) ? result.modelThreshold : s.quantile(0.5);
    // Robust ends: the 1st and 99th percentiles, widened to keep the centre inside.
    return divergingScale(center, Math.min(s.quantile(0.01), center - 1e-9), Math.max(s.quantile(0.99), center + 1e-9));
  }, [result, sklearnView]);

  const sample = useMemo(() => {
    if (!values || !order) return null;
    return plotSample(order, result?.scores ?? null, threshold, PLOT_BUDGET);
  }, [values, order, result, threshold]);

  const points = useMemo(() => {
    if (!sample || !values) return [];
    const scores = result?.scores ?? null;
    const pts: Point[] = [];
    for (const r of sample.rows) {
      const x = values.x[r];
      const y = values.y[r];
      if (x !== x || y !== y) continue; // a missing coordinate is not drawn
      const score = scores ? scores[r] : null;
      const flagged = score !== null && score > threshold;
      const shade = score === null ? null : sklearnView ? result!.modelThreshold - score : score;
      pts.push({ x, y, row: r, score, flagged, color: shade !== null && scale ? coolwarm(scale.toUnit(shade)) : '#7a8799' });
    }
    // Flagged points last, so they are drawn on top.
    pts.sort((a, b) => Number(a.flagged) - Number(b.flagged) || (a.score ?? 0) - (b.score ?? 0));
    return pts;
  }, [sample, values, result, threshold, scale, sklearnView]);

  if (!dataset) {
    return (
      <section className="panel plot-panel empty">
        <p>Choose a CSV file or a sample dataset to begin. Everything stays in this browser tab.</p>
      </section>
    );
  }
  const cols = numericColumns(dataset);
  const shown = points.length;
  const sampled = dataset.rows > PLOT_BUDGET;
  return (
    <section className="panel plot-panel">
      <div className="plot-head">
        <label>x <select data-testid="plot-x" value={plotX ?? ''} onChange={(e) => void setPlotAxes(e.target.value, plotY)}>{cols.map((c) => <option key={c}>{c}</option>)}</select></label>
        <label>y <select data-testid="plot-y" value={plotY ?? ''} onChange={(e) => void setPlotAxes(plotX, e.target.value)}>{cols.map((c) => <option key={c}>{c}</option>)}</select></label>
        <span className="muted small" data-testid="plot-note">
          {sampled
            ? `Showing ${fmtInt(shown)} of ${fmtInt(dataset.rows)} rows: ${sample && sample.flagged >= PLOT_BUDGET ? 'a uniform sample of the flagged rows' : `all ${fmtInt(sample?.flagged ?? 0)} flagged + a uniform sample of the rest`}`
            : `${fmtInt(shown)} rows${shown < dataset.rows ? ` (${fmtInt(dataset.rows - shown)} with a missing coordinate not drawn)` : ''}`}
          {result ? (sklearnView ? ' · colour = decision_function (negative = outlier), outlined = flagged' : " · colour = anomaly score (warm = above the detector's threshold), outlined = flagged") : ''}
        </span>
        {result?.decision && (
          <label className="small view-toggle" title="Colour by decision_function with 'coolwarm', as in scikit-learn's IsolationForest example">
            <input type="checkbox" data-testid="sklearn-view" checked={view === 'sklearn'} onChange={(e) => setView(e.target.checked ? 'sklearn' : 'score')} /> scikit-learn view
          </label>
        )}
      </div>
      <div className="plot-body">
        <div className="chart" data-testid="scatter-plot" data-points={shown}>
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 10, right: 16, bottom: 28, left: 8 }}>
              <CartesianGrid stroke="#e5e8ee" />
              <XAxis type="number" dataKey="x" name={plotX ?? ''} domain={['auto', 'auto']} tickFormatter={(v: number) => fmt(v, 3)} label={{ value: plotX ?? '', position: 'insideBottom', offset: -14 }} />
              <YAxis type="number" dataKey="y" name={plotY ?? ''} domain={['auto', 'auto']} tickFormatter={(v: number) => fmt(v, 3)} width={64} label={{ value: plotY ?? '', angle: -90, position: 'insideLeft' }} />
              <Tooltip cursor={false} content={<Tip xName={plotX ?? 'x'} yName={plotY ?? 'y'} />} isAnimationActive={false} />
              <Scatter data={points} shape={<Dot />} isAnimationActive={false} />
            </ScatterChart>
          </ResponsiveContainer>
        </div>
        {scale && result && <ColorBar scale={scale} threshold={sklearnView ? result.modelThreshold - liveThreshold : liveThreshold} label={sklearnView ? 'decision_function' : 'anomaly score'} />}
      </div>
    </section>
  );
}
