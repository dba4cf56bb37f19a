import { useEffect, useRef, useState } from 'react';
import { useApp, explainRow, setThreshold } from '../store';
import { useTimeline, setTimelineRange, zoomTimeline, panTimeline, resetTimeline, refreshTimelineInfo } from '../state/timeline';
import { dataWorker } from '../../workers/data-client';
import type { Decimated } from '../../core/data/decimate';
import { COLORS, drawOverview, drawTimeline, layout, type Drawn } from '../lib/timeline-draw';
import { fullTime } from '../lib/time-ticks';
import { fmt, fmtInt } from '../lib/format';
import { useElementSize } from '../lib/use-element-size';
import { disagreementColor, useDisagreement } from '../state/compare';

/** Value columns drawn at most (one shared axis, as a Grafana panel). */
const MAX_SERIES = 8;
const OVERVIEW_H = 44;

interface Hover {
  row: number;
  time: number;
  values: number[];
  /** Where the tooltip goes (css px in the chart). */
  left: number;
  top: number;
}

/**
 * Ask the data worker for the rows of a range decimated to `pixels` columns; one request in
 * flight, the newest waiting (a pan sends many). The last answer is drawn under the current
 * range until the next arrives, so panning never waits on the worker.
 */
function useDecimated(datasetId: number | null, columns: string[], range: [number, number] | null, pixels: number, version: number): Decimated | null {
  const [dec, setDec] = useState<Decimated | null>(null);
  const want = useRef<(() => Promise<Decimated>) | null>(null);
  const busy = useRef(false);
  const key = `${datasetId}|${columns.join('\u0000')}|${range?.join()}|${pixels}|${version}`;
  useEffect(() => {
    if (datasetId === null || !range || !(pixels >= 1)) { setDec(null); return; }
    const [t0, t1] = range;
    want.current = () => dataWorker().decimate(datasetId, { columns, scores: true, t0, t1, pixels: Math.round(pixels) });
    if (busy.current) return;
    busy.current = true;
    void (async () => {
      while (want.current) {
        const ask = want.current;
        want.current = null;
        try { setDec(await ask()); } catch { /* a dataset dropped meanwhile: the next request answers */ }
      }
      busy.current = false;
    })();
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return dec;
}

/** A canvas sized to its box at the device's pixel ratio; returns its 2-D context scaled to css px. */
function prepare(canvas: HTMLCanvasElement | null, w: number, h: number): CanvasRenderingContext2D | null {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx || w <= 0 || h <= 0) return null;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export function TimelineView() {
  const datasetId = useApp((s) => s.datasetId);
  const dataset = useApp((s) => s.dataset);
  const features = useApp((s) => s.features);
  const result = useApp((s) => s.result);
  const threshold = useApp((s) => s.threshold);
  const windows = useApp((s) => s.windows);
  const probationRows = useApp((s) => s.probationRows);
  const info = useTimeline((s) => s.info);
  const votes = useDisagreement();
  const chosen = useTimeline((s) => s.range);
  const version = useTimeline((s) => s.scoresVersion);
  useEffect(() => { if (datasetId !== null && !info) void refreshTimelineInfo().catch(() => undefined); }, [datasetId, info]);

  const columns = (result?.columns ?? features).slice(0, MAX_SERIES);
  const extent = info && info.extent[1] >= info.extent[0] ? info.extent : null;
  const range = chosen ?? extent;
  const chartRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overviewRef = useRef<HTMLCanvasElement>(null);
  const box = useElementSize(chartRef);
  const w = Math.floor(box?.w ?? 0);
  const h = Math.floor(box?.h ?? 0);
  const withScore = result !== null;
  const L = layout(w, h, withScore);
  const plotW = Math.max(1, w - L.left - L.right);
  const dec = useDecimated(datasetId, columns, range, plotW, version);
  const overview = useDecimated(datasetId, columns.slice(0, 1), extent, plotW, 0);
  const [hover, setHover] = useState<Hover | null>(null);
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const probation: [number, number] | null = info && Number.isFinite(info.probationStart) && Number.isFinite(info.probationEnd) ? [info.probationStart, info.probationEnd] : null;
  const scoreRange: [number, number] | null = result ? (result.sweep.max > result.sweep.min ? [result.sweep.min - 0.05 * (result.sweep.max - result.sweep.min), result.sweep.max + 0.05 * (result.sweep.max - result.sweep.min)] : [result.sweep.min - 1, result.sweep.max + 1]) : null;
  const kind = info?.kind ?? 'row';

  // Drawn on the next frame after anything it shows changed.
  useEffect(() => {
    if (!range) return;
    const frame = requestAnimationFrame(() => {
      const ctx = prepare(canvasRef.current, w, h);
      if (!ctx) return;
      const d = drawTimeline(ctx, L, {
        range, kind, dec, columns, threshold: result ? threshold : null, scoreRange, windows: windows ?? [], probation,
        hover: hover ? { time: hover.time, values: hover.values, score: result?.scores[hover.row] ?? null } : null,
        votes: votes ? { ...votes, color: disagreementColor } : null,
      });
      setDrawn((p) => (p && p.points === d.points && p.flagged === d.flagged && p.thresholdY === d.thresholdY && p.disagreement === d.disagreement ? p : d));
      const octx = prepare(overviewRef.current, w, OVERVIEW_H);
      if (octx && extent) drawOverview(octx, w, OVERVIEW_H, L.left, L.right, { extent, dec: overview, windows: windows ?? [], probation, visible: range });
    });
    return () => cancelAnimationFrame(frame);
  }); // every render: cheap (≈ 2 numbers per pixel column)

  // Wheel zoom around the cursor (a non-passive listener, so the page does not scroll).
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const r = useTimeline.getState().range ?? extent;
      if (!r) return;
      e.preventDefault();
      const px = e.clientX - el.getBoundingClientRect().left;
      const at = r[0] + ((px - L.left) / plotW) * (r[1] - r[0]);
      zoomTimeline(Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.0015))), at);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [extent, L.left, plotW]);

  // Hover: the nearest row from the data worker (one request in flight, the newest waiting).
  const hoverAsk = useRef<{ t: number; left: number; top: number } | null>(null);
  const hoverBusy = useRef(false);
  /** Whether the pointer is over the plot: an answer that arrives after it left shows nothing. */
  const inside = useRef(false);
  const askHover = (t: number, left: number, top: number) => {
    hoverAsk.current = { t, left, top };
    if (hoverBusy.current || datasetId === null) return;
    hoverBusy.current = true;
    void (async () => {
      while (hoverAsk.current) {
        const a = hoverAsk.current;
        hoverAsk.current = null;
        const near = await dataWorker().nearestRow(datasetId, columns, a.t).catch(() => null);
        if (near && inside.current) setHover({ ...near, left: a.left, top: a.top });
      }
      hoverBusy.current = false;
    })();
  };

  const timeAtX = (px: number) => (range ? range[0] + ((px - L.left) / plotW) * (range[1] - range[0]) : 0);
  const scoreAtY = (py: number) => (scoreRange ? scoreRange[0] + ((L.scoreTop + L.scoreH - py) / L.scoreH) * (scoreRange[1] - scoreRange[0]) : 0);
  const nearThreshold = (py: number) => drawn?.thresholdY != null && Math.abs(py - drawn.thresholdY) <= 6 && py >= L.scoreTop - 2;
  const [cursor, setCursor] = useState('crosshair');

  const onMouseDown = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!range || e.button !== 0) return;
    const box = e.currentTarget.getBoundingClientRect();
    const x0 = e.clientX, y0 = e.clientY;
    const from: [number, number] = [range[0], range[1]];
    const dragThreshold = result !== null && nearThreshold(e.clientY - box.top);
    let moved = false;
    const move = (ev: MouseEvent) => {
      if (Math.abs(ev.clientX - x0) + Math.abs(ev.clientY - y0) > 3) moved = true;
      if (!moved) return;
      if (dragThreshold) setThreshold(scoreAtY(Math.min(L.scoreTop + L.scoreH, Math.max(L.scoreTop, ev.clientY - box.top))));
      else { setHover(null); panTimeline(from, -((ev.clientX - x0) / plotW) * (from[1] - from[0])); }
    };
    const up = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      if (moved || dragThreshold || datasetId === null) return;
      // A click: explain the nearest row, as a click on a scatter point does.
      void dataWorker().nearestRow(datasetId, columns, timeAtX(ev.clientX - box.left)).then((near) => near && explainRow(near.row));
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const onMouseMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (e.buttons) return;
    inside.current = true;
    const box = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - box.left, py = e.clientY - box.top;
    setCursor(result && nearThreshold(py) ? 'ns-resize' : 'crosshair');
    if (px < L.left || px > L.left + plotW) { setHover(null); return; }
    askHover(timeAtX(px), px, py);
  };

  // The overview: click to centre there, drag to brush a new range.
  const onOverviewDown = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!extent || !range) return;
    const box = e.currentTarget.getBoundingClientRect();
    const tOf = (cx: number) => extent[0] + ((cx - box.left - L.left) / plotW) * (extent[1] - extent[0]);
    const a = tOf(e.clientX);
    let moved = false;
    const move = (ev: MouseEvent) => {
      if (Math.abs(ev.clientX - e.clientX) > 3) moved = true;
      if (moved) { const b = tOf(ev.clientX); setTimelineRange(Math.min(a, b), Math.max(a, b)); }
    };
    const up = () => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      if (!moved) { const span = range[1] - range[0]; setTimelineRange(a - span / 2, a + span / 2); }
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  if (!dataset) return <section className="panel plot-panel empty"><p>Choose a CSV file or a sample dataset to begin.</p></section>;
  const hoverScore = hover && result ? result.scores[hover.row] : null;
  // A sequence model's first window_size − 1 rows have no full window: they score 0 (warming up).
  const warmup = Number(result?.info.details.warmup_rows ?? 0) || 0;
  const fmtT = (t: number) => (kind === 'time' ? fullTime(t) : `row ${fmtInt(t + 1)}`);
  /** The visible range's ends, to the second (or the row). */
  const fmtR = (t: number) => fmtT(kind === 'time' ? Math.round(t / 1000) * 1000 : Math.round(t));
  return (
    <section className="panel plot-panel timeline-panel">
      <div className="plot-head timeline-head">
        <span className="legend small">
          {columns.map((c, j) => <span key={c}><i className="swatch line" style={{ background: COLORS.series[j % COLORS.series.length] }} />{c}</span>)}
          {result && <span><i className="swatch line" style={{ background: COLORS.score }} />anomaly score</span>}
          {result && <span><i className="swatch dash" />threshold (drag)</span>}
          {result && <span><i className="swatch dot" />flagged</span>}
          {windows && windows.length > 0 && <span><i className="swatch window" />labelled window</span>}
          {probation && <span><i className="swatch probation" />probation ({fmtInt(probationRows)} rows)</span>}
          {warmup > 0 && <span data-testid="timeline-warmup" title="No full window ends on these rows yet: they score 0 and are not flagged">warming up: rows 1–{fmtInt(warmup)}</span>}
        </span>
        <span className="muted small" data-testid="timeline-range">{range ? `${fmtR(range[0])} – ${fmtR(range[1])}${kind === 'time' ? ' UTC' : ''}` : ''}{kind === 'row' ? ' · row order (no time column)' : ''}</span>
        <button type="button" data-testid="timeline-reset" disabled={chosen === null} onClick={resetTimeline} title="Show the whole series">Reset zoom</button>
      </div>
      <div
        ref={chartRef}
        className="chart timeline"
        data-testid="timeline-plot"
        data-kind={kind}
        data-windows={windows?.length ?? 0}
        data-visible-start={range?.[0]}
        data-visible-end={range?.[1]}
        data-rows-in-view={dec?.rows ?? 0}
        data-drawn-start={dec?.t0}
        data-drawn-end={dec?.t1}
        data-points-drawn={drawn?.points ?? 0}
        data-flagged-drawn={drawn?.flagged ?? 0}
        data-disagreement-drawn={drawn?.disagreement ?? 0}
        data-threshold-y={drawn?.thresholdY ?? ''}
        data-probation-end={info?.probationEnd}
      >
        <canvas ref={canvasRef} className="timeline-canvas" style={{ cursor }} onMouseDown={onMouseDown} onMouseMove={onMouseMove} onMouseEnter={() => { inside.current = true; }} onMouseLeave={() => { inside.current = false; hoverAsk.current = null; setHover(null); }} />
        {info && !extent && <p className="muted small timeline-note">No row has a time that parses: nothing to draw on this axis. Pick another time column or row order.</p>}
        {hover && (
          <div className="point-tip" data-testid="timeline-tooltip" style={{ left: Math.min(hover.left + 12, w - 200), top: Math.max(0, hover.top - 10) }}>
            <div className="tooltip">
              <div><strong>{fmtT(hover.time)}</strong>{kind === 'time' ? ' UTC' : ''}{kind === 'time' ? <span className="muted"> · row {fmtInt(hover.row + 1)}</span> : null}</div>
              {columns.map((c, j) => <div key={c}>{c} = {fmt(hover.values[j], 6)}</div>)}
              {hoverScore !== null && <div>score = {fmt(hoverScore, 5)}{hoverScore > threshold ? <strong className="flag"> · flagged</strong> : ''}</div>}
              {hoverScore !== null && hover.row < warmup && <div className="muted">warming up: no full window yet</div>}
              <div className="muted">click to explain this row</div>
            </div>
          </div>
        )}
      </div>
      <canvas ref={overviewRef} className="timeline-overview" data-testid="timeline-overview" style={{ height: OVERVIEW_H }} onMouseDown={onOverviewDown} title="The whole series: drag to choose a range, click to move the view there" />
    </section>
  );
}
