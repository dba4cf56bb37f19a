/**
 * The scatter plot's layers and gestures (issue 23): the density layer (every row, binned in the
 * data worker, drawn to a canvas), the ground-truth / confusion legend, and wheel / drag / double-click
 * zoom and pan over the plotted range.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { refreshDensity, usePlot } from '../state/plot';
import { useTimeline } from '../state/timeline';
import { useElementSize } from '../lib/use-element-size';
import { fmtInt } from '../lib/format';

export type Range = [number, number];
export interface View { x: Range; y: Range }

/** Density bins across and up (about 4 px each on a 1440 × 900 screen). */
export const DENSITY_BINS: [number, number] = [160, 110];

/** Confusion colours: flagged and labelled (TP), flagged only (FP), labelled only (FN, a miss), neither (TN). */
export const CONFUSION = { tp: '#b40426', fp: '#f28e2b', fn: '#6a3d9a', tn: '#a3adba' } as const;
/** The ring around a labelled anomaly. */
export const TRUTH_RING = '#0a7d38';

/**
 * Every row of the plotted pair as a 2-D histogram over the visible range: coloured by the bin's
 * mean score (`color` of the mean, opacity by count on a log scale) or by count alone. The grid is
 * asked for when the range, axes, projection or run change (never on a threshold move) and drawn
 * where its own range falls, so a zoom shows the old grid stretched until the new one arrives.
 */
export function DensityLayer({ view, area, color, dataKey }: {
  view: View;
  area: { left: number; top: number; right: number; bottom: number };
  color: ((mean: number) => [number, number, number]) | null;
  dataKey: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const size = useElementSize(ref);
  const mode = usePlot((s) => s.density);
  const grid = usePlot((s) => s.grid);
  const grids = usePlot((s) => s.grids);
  const scoresVersion = useTimeline((s) => s.scoresVersion);
  // Fixed bins, stretched to the canvas: a resize (the caption wrapping to another line on a threshold move) rebins nothing.
  const nx = size ? DENSITY_BINS[0] : 0;
  const ny = size ? DENSITY_BINS[1] : 0;
  useEffect(() => {
    if (!nx || mode === 'off') return;
    const t = setTimeout(() => void refreshDensity(view.x, view.y, nx, ny), 60); // a wheel storm asks once
    return () => clearTimeout(t);
  }, [view, nx, ny, mode, dataKey, scoresVersion, color]);

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !size) return;
    canvas.width = Math.max(1, Math.round(size.w));
    canvas.height = Math.max(1, Math.round(size.h));
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!grid || mode === 'off') return;
    const g = grid.grid;
    const img = new ImageData(g.nx, g.ny);
    const logMax = Math.log1p(g.maxCount || 1);
    const byScore = mode === 'score' && color && g.scoreSums.length === g.counts.length;
    for (let cy = 0; cy < g.ny; cy++) {
      for (let cx = 0; cx < g.nx; cx++) {
        const k = cy * g.nx + cx;
        const c = g.counts[k];
        if (!c) continue;
        const p = 4 * ((g.ny - 1 - cy) * g.nx + cx); // canvas y grows downwards
        const [r, gg, b] = byScore ? color(g.scoreSums[k] / c) : [40, 52, 72];
        img.data[p] = r;
        img.data[p + 1] = gg;
        img.data[p + 2] = b;
        img.data[p + 3] = Math.round(255 * (0.18 + 0.72 * (Math.log1p(c) / logMax)));
      }
    }
    const tile = document.createElement('canvas');
    tile.width = g.nx;
    tile.height = g.ny;
    tile.getContext('2d')!.putImageData(img, 0, 0);
    // Where the grid's own range lies in the current view.
    const sx = canvas.width / (view.x[1] - view.x[0]);
    const sy = canvas.height / (view.y[1] - view.y[0]);
    const left = (g.x[0] - view.x[0]) * sx;
    const top = canvas.height - (g.y[1] - view.y[0]) * sy;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tile, left, top, (g.x[1] - g.x[0]) * sx, (g.y[1] - g.y[0]) * sy);
  }, [grid, size, view, mode, color]);

  return (
    <canvas
      ref={ref}
      className="density"
      data-testid="density-layer"
      data-rows={grid ? grid.grid.binned : ''}
      data-grids={grids}
      data-bins={grid ? `${grid.grid.nx}x${grid.grid.ny}` : ''}
      aria-hidden="true"
      style={{ position: 'absolute', pointerEvents: 'none', left: area.left, top: area.top, width: `calc(100% - ${area.left + area.right}px)`, height: `calc(100% - ${area.top + area.bottom}px)` }}
    />
  );
}

/** What the density layer drew, in words (the caption's first half). */
export function densityCaption(mode: 'off' | 'score' | 'count', binned: number | null, scored: boolean): string {
  if (mode === 'off' || binned === null) return '';
  return `Density: all ${fmtInt(binned)} rows in view, binned; ${mode === 'score' && scored ? 'colour = mean score of the bin, opacity = rows' : 'darker = more rows'}. `;
}

/**
 * Wheel to zoom about the pointer, drag to pan, double-click to reset, on `target` (the point layer).
 * Returns the visible range (null = the full one) and whether the last pointer-up ended a drag (its click is not a point click).
 */
export function useZoom(target: RefObject<HTMLElement | null>, area: { left: number; top: number; right: number; bottom: number }, full: View | null, resetKey: string): { view: View | null; dragged: () => boolean } {
  const [view, setView] = useState<View | null>(null);
  const fullRef = useRef(full);
  fullRef.current = full;
  const viewRef = useRef<View | null>(null);
  viewRef.current = view ?? full;
  const drag = useRef<{ x: number; y: number; v: View; moved: boolean } | null>(null);
  const lastDragged = useRef(false);
  useEffect(() => setView(null), [resetKey]);
  useEffect(() => {
    const el = target.current;
    if (!el) return;
    // The plotting area inside the target (the axes sit in the margins).
    const box = () => {
      const b = el.getBoundingClientRect();
      return { left: b.left + area.left, top: b.top + area.top, width: Math.max(1, b.width - area.left - area.right), height: Math.max(1, b.height - area.top - area.bottom) };
    };
    const toData = (e: { clientX: number; clientY: number }, v: View) => {
      const r = box();
      const fx = (e.clientX - r.left) / r.width;
      const fy = 1 - (e.clientY - r.top) / r.height;
      return { fx, fy, x: v.x[0] + fx * (v.x[1] - v.x[0]), y: v.y[0] + fy * (v.y[1] - v.y[0]) };
    };
    const onWheel = (e: WheelEvent) => {
      const v = viewRef.current;
      if (!v) return;
      e.preventDefault();
      const k = Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.002))); // > 1 zooms out
      const p = toData(e, v);
      const w = (v.x[1] - v.x[0]) * k;
      const h = (v.y[1] - v.y[0]) * k;
      setView({ x: [p.x - p.fx * w, p.x + (1 - p.fx) * w], y: [p.y - p.fy * h, p.y + (1 - p.fy) * h] });
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0 || !viewRef.current) return;
      drag.current = { x: e.clientX, y: e.clientY, v: viewRef.current, moved: false };
      lastDragged.current = false;
    };
    const onMove = (e: PointerEvent) => {
      const d = drag.current;
      if (!d) return;
      const dx = e.clientX - d.x, dy = e.clientY - d.y;
      if (!d.moved && Math.hypot(dx, dy) < 4) return;
      if (!d.moved) el.setPointerCapture?.(e.pointerId);
      d.moved = true;
      const r = box();
      const ux = (dx / r.width) * (d.v.x[1] - d.v.x[0]);
      const uy = (dy / r.height) * (d.v.y[1] - d.v.y[0]);
      setView({ x: [d.v.x[0] - ux, d.v.x[1] - ux], y: [d.v.y[0] + uy, d.v.y[1] + uy] });
    };
    const onUp = () => {
      lastDragged.current = !!drag.current?.moved;
      drag.current = null;
    };
    const onDouble = () => setView(null);
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    el.addEventListener('dblclick', onDouble);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      el.removeEventListener('dblclick', onDouble);
    };
  }, [target, area, full !== null]); // the chart's element exists once there is something to plot
  const dragged = useCallback(() => lastDragged.current, []);
  return { view, dragged };
}
