/**
 * Drawing the timeline on a canvas (no React): the value panel over the score
 * panel on one time axis, as Grafana draws a dashboard row — dark on light, thin
 * lines, light shaded regions. Everything drawn comes decimated from the data
 * worker (≈ 2 numbers per pixel column per series), so a frame is cheap.
 */
import type { Decimated } from '../../core/data/decimate';
import { fmt } from './format';
import { niceTicks, rowTicks, timeTicks } from './time-ticks';

export const COLORS = {
  series: ['#3274d9', '#56a64b', '#ff9830', '#8f3bb8', '#f2cc0c', '#37872d', '#c4162a', '#1f60c4'],
  score: '#8f3bb8',
  flagged: '#e02f44',
  threshold: '#e02f44',
  window: 'rgba(242, 73, 92, 0.14)',
  windowEdge: 'rgba(224, 47, 68, 0.5)',
  probation: 'rgba(120, 128, 140, 0.10)',
  grid: '#eceff4',
  frame: '#d5dae2',
  text: '#464c54',
  muted: '#7b8087',
  crosshair: '#5c6470',
};

export interface Layout {
  w: number;
  h: number;
  left: number;
  right: number;
  valueTop: number;
  valueH: number;
  scoreTop: number;
  scoreH: number;
  /** Where the time labels go. */
  axisTop: number;
}

export function layout(w: number, h: number, withScore: boolean): Layout {
  const left = 64, right = 14, top = 8, gap = 16, bottom = 24;
  const inner = h - top - bottom - (withScore ? gap : 0);
  const valueH = withScore ? Math.round(inner * 0.64) : inner;
  const scoreTop = top + valueH + gap;
  const scoreH = withScore ? inner - valueH : 0;
  return { w, h, left, right, valueTop: top, valueH, scoreTop, scoreH, axisTop: withScore ? scoreTop + scoreH : top + valueH };
}

export interface Scene {
  range: [number, number];
  kind: 'time' | 'row';
  dec: Decimated | null;
  columns: string[];
  threshold: number | null;
  /** The score panel's fixed range (the scores' extent), null without scores. */
  scoreRange: [number, number] | null;
  windows: { start: number; end: number }[];
  /** [start, end] of NAB's probationary period, or null. */
  probation: [number, number] | null;
  /** The hovered row's time and values (crosshair), or a bare x in css px. */
  hover: { time: number; values: number[]; score: number | null } | { x: number } | null;
  /** Compare's disagreement colouring: per row how many of `of` compared detectors flag it; drawn as ticks along the top of the score panel (a bucket by its highest-scoring row). */
  votes?: { votes: Uint8Array; of: number; color: (v: number, of: number) => string } | null;
}

export interface Drawn {
  points: number;
  flagged: number;
  valueRange: [number, number];
  /** The threshold line's y in css px from the canvas top (null when not drawn). */
  thresholdY: number | null;
  /** Disagreement ticks drawn (rows or buckets flagged by some compared detectors but not all). */
  disagreement: number;
}

/** The probation's hatch: grey diagonal lines, built once per context. */
const hatches = new WeakMap<CanvasRenderingContext2D, CanvasPattern | null>();
function hatch(ctx: CanvasRenderingContext2D): CanvasPattern | string {
  if (!hatches.has(ctx)) {
    const c = new OffscreenCanvas(8, 8);
    const g = c.getContext('2d')!;
    g.strokeStyle = 'rgba(110, 118, 130, 0.28)';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, 8);
    g.lineTo(8, 0);
    g.stroke();
    hatches.set(ctx, ctx.createPattern(c, 'repeat'));
  }
  return hatches.get(ctx) ?? COLORS.probation;
}

function valueExtent(dec: Decimated | null): [number, number] {
  let lo = Infinity, hi = -Infinity;
  if (dec) {
    const arrays = dec.kind === 'buckets' ? dec.series.flatMap((m) => [m.min, m.max]) : dec.series;
    for (const a of arrays) for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  if (!(hi >= lo)) return [0, 1];
  if (hi === lo) return [lo - 1, hi + 1];
  const pad = 0.06 * (hi - lo);
  return [lo - pad, hi + pad];
}

/** The time of bucket b's centre (buckets are drawn there, under whatever range is shown now). */
const bucketTime = (dec: Decimated, b: number) => dec.t0 + ((b + 0.5) * (dec.t1 - dec.t0)) / dec.pixels;

export function drawTimeline(ctx: CanvasRenderingContext2D, L: Layout, s: Scene): Drawn {
  const [t0, t1] = s.range;
  const plotW = L.w - L.left - L.right;
  const x = (t: number) => L.left + ((t - t0) / (t1 - t0 || 1)) * plotW;
  const valueRange = valueExtent(s.dec);
  const yv = (v: number) => L.valueTop + L.valueH - ((v - valueRange[0]) / (valueRange[1] - valueRange[0])) * L.valueH;
  const sr = s.scoreRange;
  const ys = (v: number) => (sr ? L.scoreTop + L.scoreH - ((v - sr[0]) / (sr[1] - sr[0] || 1)) * L.scoreH : 0);
  const panels: [number, number][] = [[L.valueTop, L.valueH], ...(L.scoreH > 0 ? [[L.scoreTop, L.scoreH] as [number, number]] : [])];

  ctx.clearRect(0, 0, L.w, L.h);
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;

  // Shaded regions first: probation (hatched grey), then the labelled windows (light red).
  ctx.save();
  ctx.beginPath();
  ctx.rect(L.left, 0, plotW, L.h);
  ctx.clip();
  for (const [top, height] of panels) {
    if (s.probation) {
      const a = x(s.probation[0]), b = x(s.probation[1]);
      ctx.fillStyle = COLORS.probation;
      ctx.fillRect(a, top, Math.max(1, b - a), height);
      ctx.fillStyle = hatch(ctx);
      ctx.fillRect(a, top, Math.max(1, b - a), height);
    }
    for (const w of s.windows) {
      const a = x(w.start), b = x(w.end);
      if (b < L.left || a > L.left + plotW) continue;
      ctx.fillStyle = COLORS.window;
      ctx.fillRect(a, top, Math.max(2, b - a), height);
      ctx.fillStyle = COLORS.windowEdge;
      ctx.fillRect(a, top, 1, height);
      ctx.fillRect(Math.max(a, b - 1), top, 1, height);
    }
  }
  ctx.restore();

  // Grid and axes.
  const xt = s.kind === 'time' ? timeTicks(t0, t1, Math.max(2, Math.floor(plotW / 75))) : rowTicks(t0, t1, Math.max(2, Math.floor(plotW / 90)));
  ctx.strokeStyle = COLORS.grid;
  ctx.fillStyle = COLORS.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const tk of xt) {
    const px = Math.round(x(tk.value)) + 0.5;
    if (px < L.left || px > L.left + plotW) continue;
    for (const [top, height] of panels) {
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + height);
      ctx.stroke();
    }
    ctx.fillText(tk.label, px, L.axisTop + 6);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yAxis = (top: number, height: number, lo: number, hi: number, y: (v: number) => number) => {
    for (const v of niceTicks(lo, hi, Math.max(2, Math.floor(height / 36)))) {
      const py = Math.round(y(v)) + 0.5;
      if (py < top - 0.5 || py > top + height + 0.5) continue;
      ctx.strokeStyle = COLORS.grid;
      ctx.beginPath();
      ctx.moveTo(L.left, py);
      ctx.lineTo(L.left + plotW, py);
      ctx.stroke();
      ctx.fillStyle = COLORS.text;
      ctx.fillText(fmt(v, 4), L.left - 6, py);
    }
  };
  yAxis(L.valueTop, L.valueH, valueRange[0], valueRange[1], yv);
  if (sr && L.scoreH > 0) yAxis(L.scoreTop, L.scoreH, sr[0], sr[1], ys);
  ctx.strokeStyle = COLORS.frame;
  for (const [top, height] of panels) ctx.strokeRect(L.left + 0.5, top + 0.5, plotW - 1, height - 1);

  // The series, clipped to their panels.
  let points = 0;
  let flagged = 0;
  const dots: [number, number][] = [];
  const clip = (top: number, height: number) => {
    ctx.save();
    ctx.beginPath();
    ctx.rect(L.left, top, plotW, height);
    ctx.clip();
  };
  const dec = s.dec;
  const th = s.threshold;
  clip(L.valueTop, L.valueH);
  ctx.lineWidth = 1;
  if (dec) {
    dec.series.forEach((_, j) => {
      ctx.strokeStyle = COLORS.series[j % COLORS.series.length];
      ctx.beginPath();
      let open = false;
      if (dec.kind === 'buckets') {
        const { min, max } = dec.series[j];
        for (let b = 0; b < dec.pixels; b++) {
          if (!(min[b] === min[b])) { if (dec.count[b] > 0) open = false; continue; } // missing: a gap
          const px = x(bucketTime(dec, b));
          if (open) ctx.lineTo(px, yv(min[b]));
          else ctx.moveTo(px, yv(min[b]));
          ctx.lineTo(px + 0.01, yv(max[b]));
          open = true;
        }
        if (j === 0) points = dec.pixels - dec.count.filter((c) => c === 0).length;
      } else {
        const v = dec.series[j];
        for (let i = 0; i < v.length; i++) {
          if (!(v[i] === v[i])) { open = false; continue; }
          const px = x(dec.time[i]);
          if (open) ctx.lineTo(px, yv(v[i]));
          else ctx.moveTo(px, yv(v[i]));
          open = true;
        }
        if (j === 0) points = v.length;
      }
      ctx.stroke();
    });
    // Flagged points: where the score is above the threshold (per bucket, at its highest-scoring row).
    if (th !== null) {
      if (dec.kind === 'buckets' && dec.score) {
        for (let b = 0; b < dec.pixels; b++) if (dec.score.max[b] > th) { dots.push([x(bucketTime(dec, b)), b]); flagged++; }
        ctx.fillStyle = COLORS.flagged;
        for (const [px, b] of dots) for (const pv of dec.peakValues) if (pv[b] === pv[b]) dot(ctx, px, yv(pv[b]));
      } else if (dec.kind === 'points' && dec.score) {
        ctx.fillStyle = COLORS.flagged;
        for (let i = 0; i < dec.score.length; i++) {
          if (!(dec.score[i] > th)) continue;
          flagged++;
          dots.push([x(dec.time[i]), i]);
          for (const v of dec.series) if (v[i] === v[i]) dot(ctx, x(dec.time[i]), yv(v[i]));
        }
      }
    }
  }
  ctx.restore();

  let thresholdY: number | null = null;
  if (sr && L.scoreH > 0) {
    clip(L.scoreTop, L.scoreH);
    if (dec?.score) {
      ctx.strokeStyle = COLORS.score;
      ctx.beginPath();
      let open = false;
      if (dec.kind === 'buckets') {
        const { min, max } = dec.score;
        for (let b = 0; b < dec.pixels; b++) {
          if (!(min[b] === min[b])) { if (dec.count[b] > 0) open = false; continue; }
          const px = x(bucketTime(dec, b));
          if (open) ctx.lineTo(px, ys(min[b]));
          else ctx.moveTo(px, ys(min[b]));
          ctx.lineTo(px + 0.01, ys(max[b]));
          open = true;
        }
      } else {
        for (let i = 0; i < dec.score.length; i++) {
          const v = dec.score[i];
          if (!(v === v)) { open = false; continue; }
          if (open) ctx.lineTo(x(dec.time[i]), ys(v));
          else ctx.moveTo(x(dec.time[i]), ys(v));
          open = true;
        }
      }
      ctx.stroke();
      ctx.fillStyle = COLORS.flagged;
      for (const [px, k] of dots) dot(ctx, px, ys(dec.kind === 'buckets' ? dec.score.max[k] : dec.score[k]));
    }
    ctx.restore();
    if (th !== null && Number.isFinite(th)) {
      // The threshold, held inside the panel when it lies beyond the scores (flag all / none).
      const y = Math.min(L.scoreTop + L.scoreH - 1, Math.max(L.scoreTop + 1, ys(th)));
      thresholdY = y;
      ctx.strokeStyle = COLORS.threshold;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(L.left, y);
      ctx.lineTo(L.left + plotW, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
      // A handle at the right end: the line can be dragged.
      ctx.fillStyle = COLORS.threshold;
      ctx.fillRect(L.left + plotW - 10, y - 4, 10, 8);
    }
  }

  // Compare's disagreement: a tick per row (bucket: its highest-scoring row) flagged by at least one compared detector, coloured by how many.
  let disagreement = 0;
  if (s.votes && dec && L.scoreH > 0) {
    const { votes, of, color } = s.votes;
    const tick = (px: number, r: number) => {
      const v = r >= 0 && r < votes.length ? votes[r] : 0;
      if (v === 0) return;
      if (v < of) disagreement++;
      ctx.fillStyle = color(v, of);
      ctx.fillRect(px - 1, L.scoreTop + 1, 2, 6);
    };
    if (dec.kind === 'buckets') for (let b = 0; b < dec.pixels; b++) tick(x(bucketTime(dec, b)), dec.peakRow[b]);
    else for (let i = 0; i < dec.row.length; i++) tick(x(dec.time[i]), dec.row[i]);
  }

  // Panel titles, top-left inside each panel.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  // On a light backing, so a line or the threshold under a title leaves it readable.
  const title = (text: string, top: number) => {
    const w = ctx.measureText(text).width;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(L.left + 2, top + 2, w + 8, 15);
    ctx.fillStyle = COLORS.muted;
    ctx.fillText(text, L.left + 6, top + 4);
  };
  title(s.columns.join(', '), L.valueTop);
  if (L.scoreH > 0) title('anomaly score', L.scoreTop);

  // Crosshair and the hovered row's markers.
  if (s.hover) {
    const px = 'x' in s.hover ? s.hover.x : x(s.hover.time);
    if (px >= L.left && px <= L.left + plotW) {
      ctx.strokeStyle = COLORS.crosshair;
      ctx.setLineDash([3, 3]);
      for (const [top, height] of panels) {
        ctx.beginPath();
        ctx.moveTo(Math.round(px) + 0.5, top);
        ctx.lineTo(Math.round(px) + 0.5, top + height);
        ctx.stroke();
      }
      ctx.setLineDash([]);
      if (!('x' in s.hover)) {
        const h = s.hover;
        h.values.forEach((v, j) => {
          if (v !== v) return;
          ctx.fillStyle = COLORS.series[j % COLORS.series.length];
          ring(ctx, px, yv(v));
        });
        if (h.score !== null && sr) { ctx.fillStyle = COLORS.score; ring(ctx, px, ys(h.score)); }
      }
    }
  }
  return { points, flagged, valueRange, thresholdY, disagreement };
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.beginPath();
  ctx.arc(x, y, 2.6, 0, 2 * Math.PI);
  ctx.fill();
}

function ring(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.beginPath();
  ctx.arc(x, y, 4, 0, 2 * Math.PI);
  ctx.fill();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.lineWidth = 1;
}

/** The overview strip: the whole series small, the windows, and the visible range as a box. */
export function drawOverview(ctx: CanvasRenderingContext2D, w: number, h: number, left: number, right: number, s: { extent: [number, number]; dec: Decimated | null; windows: { start: number; end: number }[]; probation: [number, number] | null; visible: [number, number] }): void {
  const [a, b] = s.extent;
  const plotW = w - left - right;
  const x = (t: number) => left + ((t - a) / (b - a || 1)) * plotW;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fafbfc';
  ctx.fillRect(left, 0, plotW, h);
  if (s.probation) { ctx.fillStyle = COLORS.probation; ctx.fillRect(x(s.probation[0]), 0, Math.max(1, x(s.probation[1]) - x(s.probation[0])), h); }
  ctx.fillStyle = COLORS.window;
  for (const win of s.windows) ctx.fillRect(x(win.start), 0, Math.max(2, x(win.end) - x(win.start)), h);
  const [lo, hi] = valueExtent(s.dec);
  const y = (v: number) => h - 3 - ((v - lo) / (hi - lo)) * (h - 6);
  const dec = s.dec;
  if (dec && dec.series.length > 0) {
    ctx.strokeStyle = COLORS.series[0];
    ctx.beginPath();
    if (dec.kind === 'buckets') {
      const { min, max } = dec.series[0];
      for (let k = 0; k < dec.pixels; k++) {
        if (!(min[k] === min[k])) continue;
        const px = x(bucketTime(dec, k));
        ctx.moveTo(px, y(min[k]));
        ctx.lineTo(px, y(max[k]) - 0.5);
      }
    } else {
      const v = dec.series[0];
      let open = false;
      for (let i = 0; i < v.length; i++) {
        if (!(v[i] === v[i])) { open = false; continue; }
        if (open) ctx.lineTo(x(dec.time[i]), y(v[i]));
        else ctx.moveTo(x(dec.time[i]), y(v[i]));
        open = true;
      }
    }
    ctx.stroke();
  }
  // Outside the visible range: dimmed; the range itself: a box.
  const va = x(s.visible[0]), vb = x(s.visible[1]);
  ctx.fillStyle = 'rgba(40, 50, 70, 0.12)';
  ctx.fillRect(left, 0, Math.max(0, va - left), h);
  ctx.fillRect(vb, 0, Math.max(0, left + plotW - vb), h);
  ctx.strokeStyle = '#3274d9';
  ctx.lineWidth = 1.5;
  ctx.strokeRect(va + 0.75, 0.75, Math.max(2, vb - va - 1.5), h - 1.5);
  ctx.lineWidth = 1;
  ctx.strokeStyle = COLORS.frame;
  ctx.strokeRect(left + 0.5, 0.5, plotW - 1, h - 1);
}
