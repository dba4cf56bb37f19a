import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, ResponsiveContainer, ScatterChart, XAxis, YAxis } from 'recharts';
import { useApp, setView, surfaceFor, explainRow, type Surface } from '../store';
import { OverlaySampler } from '../../core/data/sample';
import { numericColumns } from '../../core/data/dataset';
import { coolwarm, coolwarmRgb, divergingScale, type DivergingScale } from '../lib/colormap';
import { fmt, fmtInt } from '../lib/format';
import { useElementSize } from '../lib/use-element-size';
import { ColorBar } from './ColorBar';
import { disagreementColor, useDisagreement } from '../state/compare';
import { usePlot } from '../state/plot';
import { CONFUSION, DensityLayer, densityCaption, TRUTH_RING, useZoom } from './PlotLayers';
import { ConfusionLegend, PlotToolbar } from './PlotToolbar';

/** Points drawn at most: SVG stays responsive up to a few thousand. */
const PLOT_BUDGET = 3000;
/** Flagged points drawn at most when there are more rows than PLOT_BUDGET: the rest of the budget goes to unflagged rows. */
const FLAGGED_BUDGET = 2000;
/** Labelled anomalies drawn (ringed) at most, besides the sample. */
const TRUTH_BUDGET = 1000;

interface Point {
  x: number;
  y: number;
  row: number;
  score: number | null;
  flagged: boolean;
  color: string;
  /** The row shown in the explain panel: drawn on top, ringed. */
  selected?: boolean;
  /** A labelled anomaly (ringed). */
  truth?: boolean;
  /** The confusion class when colouring by it. */
  kind?: 'tp' | 'fp' | 'fn' | 'tn';
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
const PointLayer = memo(function PointLayer({ points, domain, onHover, dragged }: {
  points: Point[];
  domain: { x: [number, number]; y: [number, number] };
  onHover: (p: { point: Point; left: number; top: number } | null) => void;
  /** Whether the pointer-up before this click ended a pan (then the click explains nothing). */
  dragged: () => boolean;
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
      const kind = p.kind ? ` ${p.kind}` : '';
      const dot = p.selected
        ? <circle key={p.row} data-row={p.row} className={`point selected${kind}`} data-testid="selected-point" cx={cx} cy={cy} r={7} fill={p.color} stroke="#111" strokeWidth={2.5} />
        : p.flagged
          ? <circle key={p.row} data-row={p.row} className={`point flagged${kind}`} cx={cx} cy={cy} r={4.2} fill={p.color} stroke="#1b1b1b" strokeWidth={1.1} />
          : <circle key={p.row} data-row={p.row} className={`point${kind}`} cx={cx} cy={cy} r={3.2} fill={p.color} stroke="rgba(0,0,0,0.25)" strokeWidth={0.5} />;
      return dot;
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
      onClick={(e) => { const p = rowOf(e); if (p && !dragged()) void explainRow(p.row); }}
    >
      {circles}
    </svg>
  );
});

export function ScatterPlot() {
  const dataset = useApp((s) => s.dataset);
  const plotX = useApp((s) => s.plotX);
  const plotY = useApp((s) => s.plotY);
  const columnValues = useApp((s) => s.plotValues);
  const result = useApp((s) => s.result);
  const order = useApp((s) => s.order);
  const labels = useApp((s) => s.labels?.labels ?? null);
  const liveThreshold = useApp((s) => s.threshold);
  const view = useApp((s) => s.view);
  const selectedRow = useApp((s) => s.explained?.row ?? null);
  const projection = usePlot((s) => s.projection);
  const projected = usePlot((s) => s.projected);
  const colorBy = usePlot((s) => s.colorBy);
  const densityMode = usePlot((s) => s.density);
  const grid = usePlot((s) => s.grid);
  // Compare's disagreement colouring: by how many of the compared detectors flag each row (null: off).
  const votes = useDisagreement();
  // The metrics follow the slider at once; the plot may lag a frame behind.
  const threshold = useDeferredValue(liveThreshold);

  // What the axes show: two columns, or the projection the data worker made.
  const onProjection = projection !== 'columns' && projected?.method === projection;
  const values = onProjection ? projected : projection === 'columns' ? columnValues : null;
  const xName = onProjection ? axisName(projected, 0) : plotX ?? '';
  const yName = onProjection ? axisName(projected, 1) : plotY ?? '';
  const confusion = colorBy === 'confusion' && !!labels && !!result && !votes;

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
  // Past FLAGGED_BUDGET flagged rows, a uniform sample of them leaves room for the rest (else the picture is all anomalies).
  const sampler = useMemo(() => (order ? new OverlaySampler(order, scores, PLOT_BUDGET, FLAGGED_BUDGET, sortedScores) : null), [order, scores]); // eslint-disable-line react-hooks/exhaustive-deps
  // The labelled anomalies drawn (ringed), a uniform sample of them past TRUTH_BUDGET: found once per labels.
  const truthRows = useMemo(() => {
    if (!labels || !order) return null;
    const out: number[] = [];
    for (let i = 0; i < order.length && out.length < TRUTH_BUDGET; i++) if (labels[order[i]] === 1) out.push(order[i]);
    return out;
  }, [labels, order]);
  const sample = useMemo(() => {
    if (!values || !sampler) return null;
    return sampler.sample(threshold, result ? result.sweep.flaggedAt(threshold) : 0);
  }, [values, sampler, result, threshold]);

  const points = useMemo(() => {
    if (!sample || !values) return [];
    const pts: Point[] = [];
    const seen = new Set<number>();
    const extra = [...(truthRows ?? []), ...(selectedRow !== null && selectedRow < values.x.length ? [selectedRow] : [])];
    const add = (r: number) => {
      if (seen.has(r)) return;
      seen.add(r);
      const x = values.x[r];
      const y = values.y[r];
      if (x !== x || y !== y) return; // a missing coordinate is not drawn
      const score = scores ? scores[r] : null;
      const flagged = score !== null && score > threshold;
      const truth = labels ? labels[r] === 1 : false;
      const shade = score === null ? null : sklearnView ? result!.modelThreshold - score : score;
      const kind: Point['kind'] = confusion ? (flagged ? (truth ? 'tp' : 'fp') : truth ? 'fn' : 'tn') : undefined;
      const color = votes ? disagreementColor(votes.votes[r], votes.of) : kind ? CONFUSION[kind] : shade !== null && scale ? coolwarm(scale.toUnit(shade)) : '#7a8799';
      pts.push({ x, y, row: r, score, flagged, color, truth: !!labels && truth, kind, selected: r === selectedRow });
    };
    for (const r of sample.rows) add(r);
    // The labelled anomalies (so a miss shows) and the explained row are drawn even when the sample left them out.
    for (const r of extra) add(r);
    // Flagged points last, so they are drawn on top; the selected one above all.
    pts.sort((a, b) => Number(!!a.selected) - Number(!!b.selected) || Number(a.flagged) - Number(b.flagged) || (a.score ?? 0) - (b.score ?? 0));
    return pts;
  }, [sample, values, scores, result, threshold, scale, sklearnView, selectedRow, votes, labels, truthRows, confusion]);

  // Axis ranges fixed from the data (5 % margin) so the background surface lines up with the axes.
  const full = useMemo(() => {
    if (!values) return null;
    const range = (v: Float64Array): [number, number] => {
      let lo = Infinity, hi = -Infinity;
      for (const x of v) if (x === x) { if (x < lo) lo = x; if (x > hi) hi = x; }
      if (!(hi > lo)) { lo -= 1; hi += 1; }
      const pad = 0.05 * (hi - lo);
      return [lo - pad, hi + pad];
    };
    return { x: range(values.x), y: range(values.y) };
  }, [values]);
  const chartRef = useRef<HTMLDivElement>(null);
  const { view: zoomed, dragged } = useZoom(chartRef, AREA, full, values ? `${values.key}` : '');
  const domain = useMemo(() => {
    const v = zoomed ?? full;
    return v ? { x: v.x, y: v.y, xTicks: niceTicks(v.x), yTicks: niceTicks(v.y) } : null;
  }, [zoomed, full]);
  const visible = useMemo(() => (domain && zoomed ? points.filter((p) => p.x >= domain.x[0] && p.x <= domain.x[1] && p.y >= domain.y[0] && p.y <= domain.y[1]) : points), [points, domain, zoomed]);

  const [surface, setSurface] = useState<Surface | null>(null);
  // Keyed on the model: a label change rebuilds `result` (its sweep) but scores the same surface.
  // Recomputed for the zoomed range (after the wheel settles), only over two plotted columns.
  const model = result?.model;
  useEffect(() => {
    let live = true;
    if (!domain || !model || projection !== 'columns') { setSurface(null); return; }
    const t = setTimeout(() => void surfaceFor(domain.x, domain.y).then((s) => live && setSurface(s)).catch(() => undefined), zoomed ? 120 : 0);
    return () => { live = false; clearTimeout(t); };
  }, [domain?.x, domain?.y, model, projection]); // eslint-disable-line react-hooks/exhaustive-deps

  const [hover, setHover] = useState<{ point: Point; left: number; top: number } | null>(null);
  const onHover = useCallback((h: { point: Point; left: number; top: number } | null) => setHover(h), []);
  // A tooltip of a point that is no longer drawn (new sample, new columns) goes.
  useEffect(() => setHover(null), [visible]);
  const shadeOf = useCallback((score: number) => (scale && result ? scale.toUnit(sklearnView ? result.modelThreshold - score : score) : 0.5), [scale, result, sklearnView]);
  const densityColor = useMemo(() => (scale && result && !votes ? (mean: number) => coolwarmRgb(shadeOf(mean)) : null), [scale, result, votes, shadeOf]);

  if (!dataset) {
    return (
      <section className="panel plot-panel empty">
        <p>Choose a CSV file or a sample dataset to begin. Everything stays in this browser tab.</p>
      </section>
    );
  }
  const shown = visible.length;
  const sampled = dataset.rows > PLOT_BUDGET;
  const densityOn = densityMode !== 'off';
  const truthDrawn = points.filter((p) => p.truth).length;
  const m = confusion ? result!.sweep.metricsAt(liveThreshold) : null;
  const pointsNote = !sample ? '' : sampled
    ? `Points: ${sample.totalFlagged > FLAGGED_BUDGET ? `a uniform sample of ${fmtInt(sample.flagged)} of the ${fmtInt(sample.totalFlagged)} flagged rows + ${fmtInt(sample.rest)}` : `all ${fmtInt(sample.flagged)} flagged + ${fmtInt(sample.rows.length - sample.flagged)}`} of the rest (a uniform sample)${truthRows ? `, and ${fmtInt(truthRows.length)} labelled anomalies` : ''}`
    : `${fmtInt(shown)} rows${shown < dataset.rows ? ` (${fmtInt(dataset.rows - shown)} ${zoomed ? 'outside the zoomed range or ' : ''}with a missing coordinate not drawn)` : ''}`;
  const colorNote = votes ? ` · colour = disagreement of ${votes.of} detectors: orange = flagged by some, not all; red = by all; grey = by none` : confusion ? ' · colour = flags against labels (TP / FP / FN / TN)' : result ? (sklearnView ? ' · colour = decision_function (negative = outlier), outlined = flagged' : " · colour = anomaly score (warm = above the detector's threshold), outlined = flagged") : '';
  return (
    <section className="panel plot-panel">
      <PlotToolbar cols={numericColumns(dataset)} plotX={plotX} plotY={plotY} sampled={sampled} hasLabels={!!labels && !!result} />
      <div className="plot-head">
        <span className="muted small" data-testid="plot-note" data-color-by={votes ? 'disagreement' : confusion ? 'confusion' : 'score'}>
          <span data-testid="density-caption">{densityOn ? densityCaption(densityMode, grid?.grid.binned ?? null, !!result) : ''}</span>
          {pointsNote}
          {zoomed ? ' · zoomed (double-click to reset)' : ''}
          {colorNote}
        </span>
        {result?.hasDecision && (
          <label className="small view-toggle" title="Colour by decision_function with 'coolwarm', as in scikit-learn's IsolationForest example">
            <input type="checkbox" data-testid="sklearn-view" checked={view === 'sklearn'} onChange={(e) => setView(e.target.checked ? 'sklearn' : 'score')} /> scikit-learn view
          </label>
        )}
      </div>
      <div className="plot-body">
        <div className="chart" ref={chartRef} data-testid="scatter-plot" data-points={shown} data-zoomed={zoomed ? 'true' : 'false'} data-x-domain={domain ? domain.x.join(',') : ''} data-y-domain={domain ? domain.y.join(',') : ''} data-projection={onProjection ? projection : 'columns'} data-x-label={xName} data-y-label={yName}>
          {surface && scale && result && <SurfaceLayer surface={surface} color={(score) => coolwarm(shadeOf(score))} />}
          {domain && densityOn && <DensityLayer view={domain} area={AREA} color={densityColor} dataKey={values?.key ?? ''} />}
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart accessibilityLayer={false} margin={{ top: 10, right: 16, bottom: 28, left: 8 }}>
              <CartesianGrid stroke="#e5e8ee" />
              <XAxis type="number" dataKey="x" name={xName} domain={domain?.x ?? ['auto', 'auto']} ticks={domain?.xTicks} allowDataOverflow tickFormatter={(v: number) => fmt(v, 3)} label={{ value: xName, position: 'insideBottom', offset: -14 }} />
              <YAxis type="number" dataKey="y" name={yName} domain={domain?.y ?? ['auto', 'auto']} ticks={domain?.yTicks} allowDataOverflow tickFormatter={(v: number) => fmt(v, 3)} width={64} label={{ value: yName, angle: -90, position: 'insideLeft', offset: 0, dx: -4 }} />
            </ScatterChart>
          </ResponsiveContainer>
          {domain && values && truthRows && result && <RingLayer rows={truthRows} values={values} domain={domain} />}
          {domain && <PointLayer points={visible} domain={domain} onHover={onHover} dragged={dragged} />}
          {hover && (
            <div className="point-tip" style={{ left: hover.left + 10, top: hover.top + 10 }}>
              <Tip p={hover.point} xName={xName || 'x'} yName={yName || 'y'} />
            </div>
          )}
        </div>
        {confusion && m ? (
          <ConfusionLegend tp={m.tp} fp={m.fp} fn={m.fn} tn={m.tn} />
        ) : (
          scale && result && !votes && <ColorBar scale={scale} threshold={sklearnView ? result.modelThreshold - liveThreshold : liveThreshold} label={sklearnView ? 'decision_function' : 'anomaly score'} note={sklearnView ? 'red = high = normal (inlier); blue = low = outlier, as scikit-learn draws it' : 'red = high score = anomalous; blue = normal'} />
        )}
      </div>
      {labels && result && (
        <div className="small muted truth-legend" data-testid="truth-legend" data-drawn={truthDrawn}>
          <svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke={TRUTH_RING} strokeWidth="2" /></svg>
          {' '}green ring = labelled anomaly ({fmtInt(truthDrawn)} drawn); a ringed point not outlined is a missed one
        </div>
      )}
    </section>
  );
}

/** PCA's axis with its share of the variance; UMAP's has none. */
function axisName(p: { method: 'pca' | 'umap'; explained?: [number, number] }, k: 0 | 1): string {
  return p.method === 'pca' && p.explained ? `PC${k + 1} (${(100 * p.explained[k]).toFixed(1)} % of variance)` : `UMAP ${k + 1}`;
}

/**
 * Rings around the labelled anomalies drawn, in a layer of their own under the points: they
 * depend on the labels, the axes and the range, never on the threshold, so a threshold move
 * does not touch them.
 */
const RingLayer = memo(function RingLayer({ rows, values, domain }: { rows: number[]; values: { x: Float64Array; y: Float64Array }; domain: { x: [number, number]; y: [number, number] } }) {
  const ref = useRef<SVGSVGElement>(null);
  const size = useElementSize(ref);
  const rings = useMemo(() => {
    if (!size) return null;
    const [x0, x1] = domain.x;
    const [y0, y1] = domain.y;
    const sx = size.w / (x1 - x0);
    const sy = size.h / (y1 - y0);
    const out = [];
    for (const r of rows) {
      const x = values.x[r], y = values.y[r];
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // missing or outside the zoomed range
      out.push(<circle key={r} className="truth-ring" data-row={r} cx={(x - x0) * sx} cy={size.h - (y - y0) * sy} r={7} fill="none" stroke={TRUTH_RING} strokeWidth={1.8} />);
    }
    return out;
  }, [rows, values, domain, size]);
  return (
    <svg ref={ref} className="rings" aria-hidden="true" style={{ position: 'absolute', pointerEvents: 'none', left: AREA.left, top: AREA.top, width: `calc(100% - ${AREA.left + AREA.right}px)`, height: `calc(100% - ${AREA.top + AREA.bottom}px)` }}>
      {rings}
    </svg>
  );
});

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
  return <canvas ref={ref} className="surface" data-testid="decision-surface" data-range={surface.key} style={{ left: AREA.left, top: AREA.top, width: `calc(100% - ${AREA.left + AREA.right}px)`, height: `calc(100% - ${AREA.top + AREA.bottom}px)` }} />;
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
