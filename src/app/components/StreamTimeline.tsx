/**
 * The stream's timeline (issue 19): the timeline view's drawing (lib/timeline-draw.ts) over what the
 * stream worker has scored, decimated there to the canvas' pixels: the page sets the viewport once
 * (setViewport) and each update from the worker carries the view for it, so a frame costs no round trip. It follows the newest points until scrolled back (wheel or drag; "Follow" returns), draws
 * flagged points, marks drifts (a red line and a label: test id drift-marker, data-detector) and model
 * updates and switches more quietly (a thin dashed grey line).
 */
import { useEffect, useRef } from 'react';
import { drawTimeline, layout, COLORS } from '../lib/timeline-draw';
import { fullTime } from '../lib/time-ticks';
import { fmtInt } from '../lib/format';
import { useElementSize } from '../lib/use-element-size';
import { setStreamRange, streamWorker, useStream } from '../state/stream';
import type { StreamView } from '../../workers/stream-api';

const HEIGHT = 260;

export function StreamTimeline() {
  const update = useStream((s) => s.update);
  const follow = useStream((s) => s.follow);
  const range = useStream((s) => s.range);
  const spanPoints = useStream((s) => s.spanPoints);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const box = useElementSize(boxRef);
  const w = Math.floor(box?.w ?? 0);
  const L = layout(w, HEIGHT, true);
  const plotW = Math.max(1, w - L.left - L.right);
  // What the worker's latest update carries (decimated for the viewport set below).
  const view: StreamView | null = update && update.points > 0 ? update.view : null;
  const frames = useRef(0);

  // The worker computes the view as it sends each update (no round trip per frame); a new viewport
  // (follow, a range, the width) is told to it once, and it sends an update with the new view.
  const source = update?.source ?? null;
  useEffect(() => {
    if (!source || w <= 0) return;
    void streamWorker().then((wk) => wk.setViewport({ follow, spanPoints, t0: range?.[0], t1: range?.[1], pixels: plotW })).catch(() => undefined);
  }, [follow, range?.[0], range?.[1], spanPoints, plotW, source]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || w <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(HEIGHT * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(HEIGHT * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (!view) { ctx.clearRect(0, 0, w, HEIGHT); return; }
    const kind = update?.kind ?? 'row';
    const drawn = drawTimeline(ctx, L, { range: view.range, kind, dec: view.dec, columns: update?.columns.slice(0, 1) ?? [], threshold: null, scoreRange: view.scoreRange, windows: view.windows, probation: null, hover: null });
    // Flagged points, as the stream engine flagged them (its threshold may move).
    const [t0, t1] = view.range;
    const x = (t: number) => L.left + ((t - t0) / (t1 - t0 || 1)) * plotW;
    const [lo, hi] = drawn.valueRange;
    const y = (v: number) => L.valueTop + (1 - (v - lo) / (hi - lo || 1)) * L.valueH;
    ctx.fillStyle = COLORS.flagged;
    for (let i = 0; i < view.flags.time.length; i++) {
      ctx.beginPath();
      ctx.arc(x(view.flags.time[i]), y(view.flags.value[i]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    // Counted on the element itself (no re-render): the bench reads the redraw rate from it.
    frames.current++;
    canvas.dataset.draws = String(frames.current);
  }, [view, w]); // eslint-disable-line react-hooks/exhaustive-deps

  // Wheel and drag scroll back in time (a non-passive listener so the page itself does not scroll).
  useEffect(() => {
    const el = canvasRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const r = useStream.getState().range ?? view?.range;
      if (!r) return;
      e.preventDefault();
      const d = (e.deltaX !== 0 ? e.deltaX : e.deltaY) / plotW;
      pan(r, d * (r[1] - r[0]));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [view, plotW]);
  const pan = (r: [number, number], dt: number) => {
    const extent = view?.extent;
    if (!extent) return;
    const span = r[1] - r[0];
    let a = r[0] + dt;
    a = Math.max(extent[0], Math.min(a, extent[1] - span));
    // Back at the newest points: follow them again.
    if (a + span >= extent[1] && dt > 0) setStreamRange(null);
    else setStreamRange([a, a + span]);
  };
  const drag = useRef<{ x: number; r: [number, number] } | null>(null);
  const onMouseDown = (e: React.MouseEvent) => {
    if (!view) return;
    drag.current = { x: e.clientX, r: view.range };
    const move = (ev: MouseEvent) => {
      const d = drag.current;
      if (!d) return;
      pan(d.r, (-(ev.clientX - d.x) / plotW) * (d.r[1] - d.r[0]));
    };
    const up = () => {
      drag.current = null;
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const kind = update?.kind ?? 'row';
  const fmtT = (t: number) => (kind === 'time' ? `${fullTime(t)} UTC` : `point ${fmtInt(t + 1)}`);
  const xOf = (t: number) => (view ? L.left + ((t - view.range[0]) / (view.range[1] - view.range[0] || 1)) * plotW : 0);
  return (
    <div className="stream-timeline">
      <div className="plot-head small">
        <span className="legend">
          <span><i className="swatch line" style={{ background: COLORS.series[0] }} />{update?.columns[0] ?? 'value'}</span>
          <span><i className="swatch line" style={{ background: COLORS.score }} />anomaly score</span>
          <span><i className="swatch dot" />flagged</span>
          <span><i className="swatch drift" />drift</span>
          <span><i className="swatch model" />model update</span>
        </span>
        <span className="muted" data-testid="stream-range">{view ? `${fmtT(view.range[0])} – ${fmtT(view.range[1])}` : ''}</span>
        <button type="button" data-testid="stream-follow" disabled={follow} onClick={() => setStreamRange(null)} title="Follow the newest points">Follow</button>
      </div>
      <div ref={boxRef} className="chart stream-chart" data-testid="stream-timeline" data-follow={follow} data-visible-start={view?.range[0]} data-visible-end={view?.range[1]} data-rows-in-view={view?.dec?.rows ?? 0} style={{ height: HEIGHT }}>
        <canvas ref={canvasRef} className="timeline-canvas" style={{ cursor: 'grab', height: HEIGHT }} onMouseDown={onMouseDown} />
        {view?.models.map((m, i) => (
          <div key={`m${i}`} className="stream-marker model" data-testid="model-marker" data-reason={m.reason} style={{ left: xOf(m.time), top: L.valueTop, height: L.axisTop - L.valueTop }} title={`model ${m.reason} at ${fmtT(m.time)}`} />
        ))}
        {view?.drifts.map((d, i) => (
          <div key={`d${i}`} className="stream-marker drift" data-testid="drift-marker" data-detector={d.id} data-time={d.time} style={{ left: xOf(d.time), top: L.valueTop, height: L.axisTop - L.valueTop }} title={`drift (${d.id}) at ${fmtT(d.time)}`}>
            <span>{d.id}</span>
          </div>
        ))}
        {!view && <p className="muted small timeline-note">Press play to replay the loaded series as a stream, or connect to a live one.</p>}
      </div>
    </div>
  );
}
