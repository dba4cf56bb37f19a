import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, ResponsiveContainer, ScatterChart, XAxis, YAxis } from 'recharts';
import { useApp, setPlotAxes, setView, surfaceFor, explainRow, type Surface } from '../store';
import { PlotSampler } from '../../core/data/sample';
import { numericColumns } from '../../core/data/dataset';
import { coolwarm, divergingScale, type DivergingScale } from '../lib/colormap';
import { fmt, fmtInt } from '../lib/format';
import { useElementSize } from '../lib/use-element-size';
import { ColorBar } from './ColorBar';
import { disagreementColor, useDisagreement } from '../state/compare';

/** Points drawn at most: SVG stays responsive up to a few thousand. */
const PLOT_BUDGET = 3000;

interface Point {
  x: number;
  y: number;
  row: number;
  score: number | null;
  flagged: boolean;
  color: string;
  /** The row shown in the explain panel: drawn on top, ringed. */
  selected?: boolean;
}

function Tip({ p, xName, yName }: { p: Point; xName: string; yName: string }) {
  return (
    <div className="tooltip">
      <div><strong>row {fmtInt(p.row + 1)}</strong>{p.flagged ? ' · flagged' : ''}</div>
      <div>{xName} = {fmt(p.x, 5)}</div>
      <div>{yName} = {fmt(p.y, 5)}</div>
      {p.score !== null && <div>score = {fmt(p.score, 5)}</div>}
      <div className="muted">click to explain this row</div>
    </div>
  );
}

/**
 * The points, drawn by us as plain SVG circles over recharts' axes (recharts'
 * own Scatter rebuilt every point as several components on each threshold
 * step: ~600 ms a step for 3,000 points). Keyed by row, so a threshold move
 * touches only the circles whose colour or flag changed. Hover shows the row,
 * click explains it.
 */
const PointLayer = memo(function PointLayer({ points, domain, onHover }: {
  points: Point[];
  domain: { x: [number, number]; y: [number, number] };
  onHover: (p: { point: Point; left: number; top: number } | null) => void;
}) {
  const ref = useRef<SVGSVGElement>(null);
  const size = useElementSize(ref);
  const byRow = useMemo(() => new Map(points.map((p) => [p.row, p])), [points]);
  const circles = useMemo(() => {
    if (!size) return null;
    const [x0, x1] = domain.x;
    const [y0, y1] = domain.y;
    const sx = size.w / (x1 - x0);
    const sy = size.h / (y1 - y0);
    return points.map((p) => {
      const cx = (p.x - x0) * sx;
      const cy = size.h - (p.y - y0) * sy;
      if (p.selected) return <circle key={p.row} data-row={p.row} className="point selected" data-testid="selected-point" cx={cx} cy={cy} r={7} fill={p.color} stroke="#111" strokeWidth={2.5} />;
      return p.flagged
        ? <circle key={p.row} data-row={p.row} className="point flagged" cx={cx} cy={cy} r={4.2} fill={p.color} stroke="#1b1b1b" strokeWidth={1.1} />
        : <circle key={p.row} data-row={p.row} className="point" cx={cx} cy={cy} r={3.2} fill={p.color} stroke="rgba(0,0,0,0.25)" strokeWidth={0.5} />;
    });
  }, [points, domain, size]);
  const rowOf = (e: React.MouseEvent) => {
    const row = (e.target as Element).getAttribute?.('data-row');
    return row === null || row === undefined ? null : byRow.get(Number(row)) ?? null;
  };
  return (
    <svg
      ref={ref}
      className="points"
      style={{ left: AREA.left, top: AREA.top, width: `calc(100% - ${AREA.left + AREA.right}px)`, height: `calc(100% - ${AREA.top + AREA.bottom}px)` }}
      onMouseOver={(e) => {
        const p = rowOf(e);
        if (!p) return;
        const c = e.target as SVGCircleElement;
        onHover({ point: p, left: AREA.left + Number(c.getAttribute('cx')), top: AREA.top + Number(c.getAttribute('cy')) });
      }}
      onMouseOut={(e) => { if (rowOf(e)) onHover(null); }}
      onClick={(e) => { const p = rowOf(e); if (p) void explainRow(p.row); }}
    >
      {circles}
    </svg>
  );
});

export function ScatterPlot() {
  const dataset = useApp((s) => s.dataset);
  const plotX = useApp((s) => s.plotX);
  const plotY = useApp((s) => s.plotY);
  const values = useApp((s) => s.plotValues);
  const result = useApp((s) => s.result);
  const order = useApp((s) => s.order);
  const liveThreshold = useApp((s) => s.threshold);
  const view = useApp((s) => s.view);
  const selectedRow = useApp((s) => s.explained?.row ?? null);
  // Compare's disagreement colouring: by how many of the compared detectors flag each row (null: off).
  const votes = useDisagreement();
  // The metrics follow the slider at once; the plot may lag a frame behind.
  const threshold = useDeferredValue(liveThreshold);

  // scikit-learn's view needs a decision_function: decision = detector threshold − score.
  const sklearnView = view === 'sklearn' && !!result?.hasDecision;
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

  // Built once per result; a threshold move then costs O(log n) for the count, not a scan of every row.
  const scores = result?.scores ?? null;
  const sortedScores = result?.sweep.sorted;
  const sampler = useMemo(() => (order ? new PlotSampler(order, scores, PLOT_BUDGET, sortedScores) : null), [order, scores]); // eslint-disable-line react-hooks/exhaustive-deps
  const sample = useMemo(() => {
    if (!values || !sampler) return null;
    return sampler.sample(threshold, result ? result.sweep.flaggedAt(threshold) : 0);
  }, [values, sampler, result, threshold]);

  const points = useMemo(() => {
    if (!sample || !values) return [];
    const scores = result?.scores ?? null;
    const pts: Point[] = [];
    // The explained row is drawn even when the plot's sample left it out.
    const rows = selectedRow !== null && selectedRow < values.x.length && !sample.rows.includes(selectedRow) ? [...sample.rows, selectedRow] : sample.rows;
    for (const r of rows) {
      const x = values.x[r];
      const y = values.y[r];
      if (x !== x || y !== y) continue; // a missing coordinate is not drawn
      const score = scores ? scores[r] : null;
      const flagged = score !== null && score > threshold;
      const shade = score === null ? null : sklearnView ? result!.modelThreshold - score : score;
      const color = votes ? disagreementColor(votes.votes[r], votes.of) : shade !== null && scale ? coolwarm(scale.toUnit(shade)) : '#7a8799';
      pts.push({ x, y, row: r, score, flagged, color, selected: r === selectedRow });
    }
    // Flagged points last, so they are drawn on top; the selected one above all.
    pts.sort((a, b) => Number(!!a.selected) - Number(!!b.selected) || Number(a.flagged) - Number(b.flagged) || (a.score ?? 0) - (b.score ?? 0));
    return pts;
  }, [sample, values, result, threshold, scale, sklearnView, selectedRow, votes]);

  // Axis ranges fixed from the data (5 % margin) so the background surface lines up with the axes.
  const domain = useMemo(() => {
    if (!values) return null;
    const range = (v: Float64Array): [number, number] => {
      let lo = Infinity, hi = -Infinity;
      for (const x of v) if (x === x) { if (x < lo) lo = x; if (x > hi) hi = x; }
      if (!(hi > lo)) { lo -= 1; hi += 1; }
      const pad = 0.05 * (hi - lo);
      return [lo - pad, hi + pad];
    };
    const x = range(values.x);
    const y = range(values.y);
    return { x, y, xTicks: niceTicks(x), yTicks: niceTicks(y) };
  }, [values]);

  const [surface, setSurface] = useState<Surface | null>(null);
  // Keyed on the model: a label change rebuilds `result` (its sweep) but scores the same surface.
  const model = result?.model;
  useEffect(() => {
    let live = true;
    setSurface(null);
    if (domain && model) void surfaceFor(domain.x, domain.y).then((s) => live && setSurface(s)).catch(() => undefined);
    return () => { live = false; };
  }, [domain, model]);

  const [hover, setHover] = useState<{ point: Point; left: number; top: number } | null>(null);
  const onHover = useCallback((h: { point: Point; left: number; top: number } | null) => setHover(h), []);
  // A tooltip of a point that is no longer drawn (new sample, new columns) goes.
  useEffect(() => setHover(null), [points]);

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
        <span className="muted small" data-testid="plot-note" data-color-by={votes ? 'disagreement' : 'score'}>
          {sampled
            ? `Showing ${fmtInt(shown)} of ${fmtInt(dataset.rows)} rows: ${sample && sample.flagged >= PLOT_BUDGET ? 'a uniform sample of the flagged rows' : `all ${fmtInt(sample?.flagged ?? 0)} flagged + a uniform sample of the rest`}`
            : `${fmtInt(shown)} rows${shown < dataset.rows ? ` (${fmtInt(dataset.rows - shown)} with a missing coordinate not drawn)` : ''}`}
          {votes ? ` · colour = disagreement of ${votes.of} detectors: orange = flagged by some, not all; red = by all; grey = by none` : result ? (sklearnView ? ' · colour = decision_function (negative = outlier), outlined = flagged' : " · colour = anomaly score (warm = above the detector's threshold), outlined = flagged") : ''}
        </span>
        {result?.hasDecision && (
          <label className="small view-toggle" title="Colour by decision_function with 'coolwarm', as in scikit-learn's IsolationForest example">
            <input type="checkbox" data-testid="sklearn-view" checked={view === 'sklearn'} onChange={(e) => setView(e.target.checked ? 'sklearn' : 'score')} /> scikit-learn view
          </label>
        )}
      </div>
      <div className="plot-body">
        <div className="chart" data-testid="scatter-plot" data-points={shown}>
          {surface && scale && result && <SurfaceLayer surface={surface} color={(score) => coolwarm(scale.toUnit(sklearnView ? result.modelThreshold - score : score))} />}
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 10, right: 16, bottom: 28, left: 8 }}>
              <CartesianGrid stroke="#e5e8ee" />
              <XAxis type="number" dataKey="x" name={plotX ?? ''} domain={domain?.x ?? ['auto', 'auto']} ticks={domain?.xTicks} allowDataOverflow tickFormatter={(v: number) => fmt(v, 3)} label={{ value: plotX ?? '', position: 'insideBottom', offset: -14 }} />
              <YAxis type="number" dataKey="y" name={plotY ?? ''} domain={domain?.y ?? ['auto', 'auto']} ticks={domain?.yTicks} allowDataOverflow tickFormatter={(v: number) => fmt(v, 3)} width={64} label={{ value: plotY ?? '', angle: -90, position: 'insideLeft', offset: 0, dx: -4 }} />
            </ScatterChart>
          </ResponsiveContainer>
          {domain && <PointLayer points={points} domain={domain} onHover={onHover} />}
          {hover && (
            <div className="point-tip" style={{ left: hover.left + 10, top: hover.top + 10 }}>
              <Tip p={hover.point} xName={plotX ?? 'x'} yName={plotY ?? 'y'} />
            </div>
          )}
        </div>
        {scale && result && <ColorBar scale={scale} threshold={sklearnView ? result.modelThreshold - liveThreshold : liveThreshold} label={sklearnView ? 'decision_function' : 'anomaly score'} />}
      </div>
    </section>
  );
}

/** Where recharts puts the plotting area inside .chart (margins + axis sizes above). */
const AREA = { left: 8 + 64, top: 10, right: 16, bottom: 28 + 30 };

/** The model's scores over a grid, painted behind the points (like scikit-learn's DecisionBoundaryDisplay). */
function SurfaceLayer({ surface, color }: { surface: Surface; color: (score: number) => string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const n = surface.size;
    canvas.width = n;
    canvas.height = n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        ctx.fillStyle = color(surface.scores[r * n + c]);
        ctx.fillRect(c, n - 1 - r, 1, 1); // canvas y grows downwards
      }
    }
  }, [surface, color]);
  return <canvas ref={ref} className="surface" data-testid="decision-surface" style={{ left: AREA.left, top: AREA.top, width: `calc(100% - ${AREA.left + AREA.right}px)`, height: `calc(100% - ${AREA.top + AREA.bottom}px)` }} />;
}

/** Round tick values (1, 2, 5 × 10^k steps) inside [lo, hi]. */
function niceTicks([lo, hi]: [number, number], count = 6): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12 * Math.abs(hi); t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
