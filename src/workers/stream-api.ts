/**
 * The stream worker's functions (issue 19): the stream engine (core/stream/engine.ts) run over a
 * loaded series (replay) or over the CLI's `stream --serve` WebSocket (live), with the points it has
 * scored kept here (times, first value column, scores, flags, drift and model markers, alerts), so the
 * page receives a small update per frame (counts, the latest alerts, the live figures) and asks for
 * the timeline decimated to its pixels (core/data/decimate.ts, the timeline view's decimation), never
 * one message per point.
 *
 * - Replay: the series' columns and time axis come from the data worker over a port (`attach`), not
 *   through the page. Speeds: ×1 (real time from the timestamps; one point a second in row order),
 *   ×10 and ×100 (ten and a hundred times real time, and at least 10 / 100 points a second, so that a
 *   5-minute series does not take 3 s a point at ×100), or as fast as possible (blocks of 4,096
 *   points until ~12 ms of a tick are spent).
 * - Live: the WebSocket is opened here, to a loopback address only (core/stream/loopback.ts). Lines
 *   that arrive are queued (at most LIVE_QUEUE; more are dropped and counted) and scored on the next
 *   tick; a dropped connection is retried after 0.5 s, 1 s, 2 s, … (at most 15 s). A line that is not a
 *   point (not JSON, a value that is not a number, the CLI's relayed `{"error": …}`) is an error in the
 *   alert list and the stream goes on.
 * - Memory: a live stream keeps its last LIVE_KEEP points (the oldest half dropped when full); a
 *   replay holds the series it replays.
 */
import * as Comlink from 'comlink';
import type * as DataApi from './data-api';
import { decimate as decimateRows, type Decimated } from '../core/data/decimate';
import { windowSpec } from '../core/data/window-features';
import { parseTime } from '../core/data/time';
import type { TimeWindow } from '../core/data/windows';
import { csvRecord } from '../core/data/csv-write';
import { getDetector } from '../core/detectors/registry';
import { resolveParams } from '../core/detectors/params';
import { usesWindows } from '../core/detectors/specs';
import { StreamEngine, type BatchSource, type DriftPolicy, type OnlineSource, type StreamOutput, type ThresholdChoice } from '../core/stream/engine';
import { isOnlineScorer, onlineSource } from '../core/stream/scorers';
import { makeDrift } from '../core/stream/drift';
import { QuantileFilter } from '../core/stream/quantile-filter';
import type { DriftId } from '../core/stream/types';
import { monitorFigures, windowsFromLabels, type MonitorFigures } from '../core/stream/monitor';
import { loopbackUrl } from '../core/stream/loopback';

export type Speed = 1 | 10 | 100 | 'max';

/** The engine's options as the detector panel sets them (engine.ts explains each). */
export interface StreamSettings {
  detector: string;
  params: Record<string, unknown>;
  /** Batch detectors: sliding windows of this many points (0: each point alone). */
  window: number;
  seed: number;
  drift: DriftId | null;
  driftOn: 'value' | 'score';
  policy: DriftPolicy;
  train: number;
  updateEvery: number;
  protect: boolean;
  threshold: { kind: 'model' } | { kind: 'quantile'; q: number } | { kind: 'contamination'; c: number } | { kind: 'fixed'; t: number };
  /** Points the "last N" figures read. */
  lastN: number;
}

export interface Alert {
  kind: 'alert' | 'error';
  /** Time of the first point (axis units: ms, or the point index), or of the error. */
  time: number;
  /** Last point of the run (alerts). */
  end: number;
  /** Points in the run (consecutive flagged points are one alert). */
  points: number;
  /** The value and score at the run's highest score. */
  value: number;
  score: number;
  detector: string;
  message?: string;
}

export interface LiveState {
  url: string;
  state: 'connecting' | 'open' | 'retrying' | 'closed';
  /** Seconds until the next try (retrying). */
  retryIn: number;
  attempts: number;
  /** Lines waiting to be scored, and lines dropped because the queue was full. */
  queued: number;
  dropped: number;
  lastError: string | null;
}

/** Samples of each figure over the stream, for the sparklines. */
export type Spark = Record<SparkKey, number[]> & { at: number[] };
export const SPARK_KEYS = ['pointF1Last', 'pointF1All', 'pointPLast', 'pointRLast', 'eventF1Last', 'eventF1All', 'eventPLast', 'eventRLast', 'nab', 'alerts', 'mttd'] as const;
export type SparkKey = (typeof SPARK_KEYS)[number];

export interface StreamUpdate {
  source: 'replay' | 'live' | null;
  state: 'idle' | 'playing' | 'paused' | 'ended' | 'live';
  speed: Speed;
  /** Points scored so far, and the replay's length (null live). */
  points: number;
  total: number | null;
  /** Points per second over the last second of playing. */
  rate: number;
  kind: 'time' | 'row';
  extent: [number, number] | null;
  columns: string[];
  detector: string;
  driftId: DriftId | null;
  threshold: number;
  drifts: number;
  modelChanges: number;
  alertsTotal: number;
  errorsTotal: number;
  /** The latest alerts and errors (newest last), at most ALERTS_SENT. */
  alerts: Alert[];
  figures: MonitorFigures | null;
  spark: Spark | null;
  live: LiveState | null;
  error: string | null;
  /** Alerts and spark left out (empty / null here): unchanged since the previous update, keep those. */
  partial: boolean;
  /** The timeline's view for the last viewport the page set (`setViewport`), computed as the update is sent: no round trip per frame. */
  view: StreamView | null;
}

export interface ViewRequest {
  /** Follow the stream: the last `spanPoints` points; otherwise [t0, t1]. */
  follow: boolean;
  spanPoints: number;
  t0?: number;
  t1?: number;
  pixels: number;
}

export interface StreamView {
  range: [number, number];
  extent: [number, number];
  dec: Decimated | null;
  /** Flagged points drawn (one per pixel column at most). */
  flags: { time: Float64Array; value: Float64Array };
  drifts: { time: number; id: string }[];
  models: { time: number; reason: string }[];
  windows: { start: number; end: number }[];
  scoreRange: [number, number] | null;
}

const LIVE_QUEUE = 100_000;
const LIVE_KEEP = 1 << 20;
const ALERTS_KEPT = 100_000;
const ALERTS_SENT = 200;
const MAX_BLOCK = 4096;
const SPARK_MAX = 240;
/** Figures are recomputed at most this often while playing (they read the whole stream so far). */
const FIGURES_MS = 250;
/** Markers sent per view at most. */
const MARKERS_SENT = 500;
/** Updates to the page at most this often while playing (the page draws once per frame anyway). */
const EMIT_MS = 20;

let data: Comlink.Remote<typeof DataApi> | null = null;

/** A channel to the data worker (the series are read there). */
export function attach(port: MessagePort): void {
  data = Comlink.wrap<typeof DataApi>(port);
}

let listener: ((u: StreamUpdate) => void) | null = null;

/** The page's callback for updates (a Comlink proxy): at most one per tick. */
export function subscribe(cb: (u: StreamUpdate) => void): void {
  listener = cb;
}

// ---- what has been scored -----------------------------------------------------------------

class Store {
  n = 0;
  /** Points dropped off the front (live streams longer than LIVE_KEEP). */
  base = 0;
  times: Float64Array;
  values: Float64Array;
  scores: Float64Array;
  flags: Uint8Array;
  /** The scores' range so far (the score panel's axis), kept as they arrive. */
  scoreMin = Infinity;
  scoreMax = -Infinity;
  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.scores = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }
  ensure(more: number): void {
    const need = this.n + more;
    if (need <= this.times.length) return;
    if (need <= LIVE_KEEP) {
      const cap = Math.min(LIVE_KEEP, Math.max(need, this.times.length * 2));
      const grow = <T extends Float64Array | Uint8Array>(a: T, C: new (n: number) => T): T => {
        const b = new C(cap);
        b.set(a.subarray(0, this.n));
        return b;
      };
      this.times = grow(this.times, Float64Array);
      this.values = grow(this.values, Float64Array);
      this.scores = grow(this.scores, Float64Array);
      this.flags = grow(this.flags, Uint8Array);
      return;
    }
    // Full: the oldest half goes.
    const drop = Math.max(this.n >> 1, need - LIVE_KEEP);
    for (const a of [this.times, this.values, this.scores, this.flags]) a.copyWithin(0, drop, this.n);
    this.n -= drop;
    this.base += drop;
  }
}

interface Session {
  source: 'replay' | 'live';
  settings: StreamSettings;
  engine: StreamEngine | null;
  engineError: string | null;
  store: Store;
  columns: string[];
  kind: 'time' | 'row';
  /** Replay: the series (rows × cols, row-major), its times, labels and windows. */
  X: Float64Array | null;
  cols: number;
  times: Float64Array | null;
  total: number | null;
  labels: Uint8Array | null;
  windows: TimeWindow[];
  /** Next replay row. */
  next: number;
  state: StreamUpdate['state'];
  speed: Speed;
  /** ×1 … ×100: the stream time reached so far, and the wall clock of the last tick. */
  clock: number;
  wall: number;
  /** ×10 / ×100: points owed by the floor of `speed` points a second. */
  credit: number;
  alerts: Alert[];
  alertsTotal: number;
  errorsTotal: number;
  /** The open alert (the last point was flagged). */
  open: Alert | null;
  drifts: { time: number; id: string }[];
  models: { time: number; reason: string }[];
  figures: MonitorFigures | null;
  figuresAt: number;
  spark: Spark;
  sparkEvery: number;
  sparkNext: number;
  rateMark: { t: number; n: number; rate: number };
  live: LiveState | null;
  socket: WebSocket | null;
  queue: string[];
  /** A live stream's feature keys, fixed by its first point. */
  keys: string[] | null;
  error: string | null;
  busy: boolean;
}

let session: Session | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let generation = 0;

function emptySpark(): Spark {
  const s = { at: [] as number[] } as Spark;
  for (const k of SPARK_KEYS) s[k] = [];
  return s;
}

function newSession(source: 'replay' | 'live', settings: StreamSettings): Session {
  return {
    source, settings, engine: null, engineError: null, store: new Store(1024), columns: [], kind: 'row',
    X: null, cols: 0, times: null, total: null, labels: null, windows: [], next: 0,
    state: source === 'live' ? 'live' : 'paused', speed: 100, clock: 0, wall: 0, credit: 0,
    alerts: [], alertsTotal: 0, errorsTotal: 0, open: null, drifts: [], models: [],
    figures: null, figuresAt: 0, spark: emptySpark(), sparkEvery: 1, sparkNext: 1, rateMark: { t: 0, n: 0, rate: 0 },
    live: null, socket: null, queue: [], keys: null, error: null, busy: false,
  };
}

/** The engine for the settings (as the CLI's `stream` builds it, src/cli/stream.ts). */
export function buildEngine(s: StreamSettings, features: number): StreamEngine {
  let source: BatchSource | OnlineSource;
  let choice: ThresholdChoice = { kind: 'model' };
  if (isOnlineScorer(s.detector)) {
    source = onlineSource(s.detector, s.params, features, s.seed);
    // half_space_trees has no threshold of its own: River's QuantileFilter(0.99), as the CLI's default.
    if (s.detector === 'half_space_trees' && s.threshold.kind === 'model') choice = { kind: 'moving', make: () => new QuantileFilter(0.99) };
  } else {
    const spec = getDetector(s.detector);
    if (spec.sequenceWindows) throw new RangeError(`${spec.id} trains on sequences: stream it with the CLI (anomaly-lab stream --detector ${spec.id})`);
    const given: Record<string, unknown> = { ...s.params };
    if (spec.slidingWindows) given.window_size = s.window;
    if (s.threshold.kind === 'contamination') given.contamination = s.threshold.c;
    const params = resolveParams(spec.params, given, spec.id);
    const w = usesWindows(spec, params) ? windowSpec(params) : null;
    const inner = spec.slidingWindows ? { ...params, window_size: 0, stride: 1, differences: 0 } : params;
    source = { kind: 'batch', window: w, fit: (X) => spec.fit(X, inner, { seed: s.seed }) };
  }
  const t = s.threshold;
  if (t.kind === 'quantile') choice = { kind: 'moving', make: () => new QuantileFilter(t.q) };
  if (t.kind === 'fixed') choice = { kind: 'fixed', value: t.t };
  if (t.kind === 'contamination') choice = { kind: 'contamination', value: t.c };
  const drift = s.drift;
  return new StreamEngine({
    features, source, threshold: choice, train: s.train, updateEvery: s.updateEvery, protect: s.protect,
    drift: drift ? { make: () => makeDrift(drift, {}, s.seed), on: s.driftOn, policy: s.policy } : undefined,
    onError: (e) => addError(session, Number.NaN, `a model update failed, the current model goes on: ${(e as Error).message}`),
  });
}

function addError(se: Session | null, time: number, message: string): void {
  if (!se) return;
  se.errorsTotal++;
  se.alerts.push({ kind: 'error', time, end: time, points: 0, value: Number.NaN, score: Number.NaN, detector: se.settings.detector, message });
  if (se.alerts.length > ALERTS_KEPT) se.alerts.splice(0, se.alerts.length - ALERTS_KEPT);
}

// ---- scoring -------------------------------------------------------------------------------

/** Score rows of `X` (cols per row) at `times`, keep them, note alerts and markers. */
async function score(se: Session, X: Float64Array, rows: number, times: Float64Array): Promise<void> {
  const cols = se.cols;
  if (!se.engine && !se.engineError) {
    try {
      se.engine = buildEngine(se.settings, cols);
    } catch (e) {
      se.engineError = (e as Error).message;
      se.error = se.engineError;
    }
  }
  const st = se.store;
  st.ensure(rows);
  let out: StreamOutput;
  if (se.engine) {
    try {
      out = await se.engine.push({ data: X, rows, cols });
    } catch (e) {
      se.error = (e as Error).message;
      se.engine = null;
      se.engineError = se.error;
      out = { scores: new Float64Array(rows), flags: new Uint8Array(rows), drift: new Uint8Array(rows), events: [] };
    }
  } else out = { scores: new Float64Array(rows), flags: new Uint8Array(rows), drift: new Uint8Array(rows), events: [] };
  const at = st.n;
  const detector = se.settings.detector;
  for (let i = 0; i < rows; i++) {
    const t = times[i];
    const v = X[i * cols];
    const s = out.scores[i];
    const f = out.flags[i];
    st.times[at + i] = t;
    st.values[at + i] = v;
    st.scores[at + i] = s;
    st.flags[at + i] = f;
    if (s < st.scoreMin) st.scoreMin = s;
    if (s > st.scoreMax) st.scoreMax = s;
    if (f) {
      if (se.open) {
        se.open.end = t;
        se.open.points++;
        if (s > se.open.score) { se.open.score = s; se.open.value = v; }
      } else {
        se.open = { kind: 'alert', time: t, end: t, points: 1, value: v, score: s, detector };
        se.alerts.push(se.open);
        se.alertsTotal++;
        if (se.alerts.length > ALERTS_KEPT) se.alerts.splice(0, se.alerts.length - ALERTS_KEPT);
      }
    } else se.open = null;
    if (out.drift[i]) se.drifts.push({ time: t, id: se.engine?.driftId ?? 'drift' });
  }
  for (const e of out.events) se.models.push({ time: times[e.index], reason: e.event.switched ? `${e.event.reason} → ${e.event.switched}` : e.event.reason });
  st.n += rows;
}

function refreshFigures(se: Session, force: boolean): void {
  const now = performance.now();
  if (!force && now - se.figuresAt < FIGURES_MS) return;
  if (se.source !== 'replay' || (!se.labels && se.windows.length === 0)) return;
  se.figuresAt = now;
  const k = se.store.n;
  // Against the replayed series' own row order: the stream's point i is the series' row i.
  const at = (kk: number) => monitorFigures({ k: kk, flags: se.store.flags, labels: se.labels, windows: se.windows, times: se.store.times, lastN: se.settings.lastN });
  se.figures = at(k);
  // Sparkline samples at every sparkEvery points exactly (the figures as they were then: the flags so
  // far are all kept), however many points a tick played.
  while (k >= se.sparkNext) {
    const f = se.sparkNext === k ? se.figures : at(se.sparkNext);
    const sp = se.spark;
    sp.at.push(se.sparkNext);
    sp.pointF1Last.push(f.pointLast.f1);
    sp.pointF1All.push(f.pointAll.f1);
    sp.pointPLast.push(f.pointLast.precision);
    sp.pointRLast.push(f.pointLast.recall);
    sp.eventF1Last.push(f.eventLast?.f1 ?? Number.NaN);
    sp.eventF1All.push(f.eventAll?.f1 ?? Number.NaN);
    sp.eventPLast.push(f.eventLast?.precision ?? Number.NaN);
    sp.eventRLast.push(f.eventLast?.recall ?? Number.NaN);
    sp.nab.push(f.nab ?? Number.NaN);
    sp.alerts.push(f.alerts);
    sp.mttd.push(f.eventAll?.meanTimeToDetect ?? Number.NaN);
    se.sparkNext += se.sparkEvery;
    if (sp.at.length >= SPARK_MAX) {
      // Every other sample goes (those at odd multiples): the sparkline keeps its whole span at half the density.
      for (const key of ['at', ...SPARK_KEYS] as const) sp[key] = sp[key].filter((_, i) => i % 2 === 1);
      se.sparkEvery *= 2;
      se.sparkNext = sp.at[sp.at.length - 1] + se.sparkEvery;
    }
  }
}

/** What the last update sent (the alerts' and figures' versions), so that an unchanged part is not sent again. */
let sent: { session: Session | null; alerts: string; figuresAt: number } = { session: null, alerts: '', figuresAt: -1 };

function update(se: Session | null, partialOk = false): StreamUpdate {
  if (!se) {
    return { source: null, state: 'idle', speed: 100, points: 0, total: null, rate: 0, kind: 'row', extent: null, columns: [], detector: '', driftId: null, threshold: Number.NaN, drifts: 0, modelChanges: 0, alertsTotal: 0, errorsTotal: 0, alerts: [], figures: null, spark: null, live: null, error: null, partial: false, view: null };
  }
  const st = se.store;
  const now = performance.now();
  const alertsKey = `${se.alertsTotal}|${se.errorsTotal}|${se.open?.points ?? 0}`;
  const partial = partialOk && sent.session === se && sent.alerts === alertsKey && sent.figuresAt === se.figuresAt;
  sent = { session: se, alerts: alertsKey, figuresAt: se.figuresAt };
  if (now - se.rateMark.t >= 1000) se.rateMark = { t: now, n: st.base + st.n, rate: se.rateMark.t ? ((st.base + st.n - se.rateMark.n) * 1000) / (now - se.rateMark.t) : 0 };
  return {
    source: se.source, state: se.state, speed: se.speed, points: st.base + st.n, total: se.total, rate: se.rateMark.rate, kind: se.kind,
    extent: st.n > 0 ? [st.times[0], st.times[st.n - 1]] : null, columns: se.columns, detector: se.settings.detector,
    driftId: se.engine?.driftId ?? se.settings.drift, threshold: se.engine?.threshold ?? Number.NaN, drifts: se.drifts.length, modelChanges: se.models.length,
    alertsTotal: se.alertsTotal, errorsTotal: se.errorsTotal, alerts: partial ? [] : se.alerts.slice(-ALERTS_SENT).map((a) => ({ ...a })),
    figures: se.figures, spark: se.figures && !partial ? se.spark : null, live: se.live ? { ...se.live, queued: se.queue.length } : null, error: se.error, partial, view: viewport ? view(viewport) : null,
  };
}

let lastEmit = 0;
/** Send an update; `throttled`: at most one per EMIT_MS (a replay as fast as possible ticks far more often). */
function emit(throttled = false): void {
  const now = performance.now();
  if (throttled && now - lastEmit < EMIT_MS) return;
  lastEmit = now;
  listener?.(update(session, true));
}

// ---- replay ---------------------------------------------------------------------------------

/**
 * Replay `columns` of dataset `id` (the first is drawn) with `labels` (the page's label vector) or
 * `windows` (rows) to score against; paused at the start until `play`.
 */
export async function openReplay(id: number, columns: string[], labels: Uint8Array | null, windows: TimeWindow[] | null, settings: StreamSettings): Promise<StreamUpdate> {
  if (!data) throw new Error('the stream worker has no channel to the data worker');
  if (columns.length === 0) throw new RangeError('choose at least one value column to stream');
  stop();
  const gen = ++generation;
  const [cols, times] = await Promise.all([data.columns(id, columns), data.timeValues(id)]);
  if (gen !== generation) return update(session);
  const n = cols[0].length;
  const X = new Float64Array(n * cols.length);
  for (let j = 0; j < cols.length; j++) for (let i = 0; i < n; i++) X[i * cols.length + j] = cols[j][i];
  const se = newSession('replay', settings);
  se.X = X;
  se.cols = cols.length;
  se.columns = columns;
  const timed = !!times && times.length === n && times.every((t) => Number.isFinite(t));
  se.kind = timed ? 'time' : 'row';
  se.times = timed ? times! : Float64Array.from({ length: n }, (_, i) => i);
  se.total = n;
  se.store = new Store(n);
  se.labels = labels && labels.length === n ? labels : null;
  se.windows = windows && windows.length > 0 ? windows : se.labels ? windowsFromLabels(se.labels, se.times) : [];
  se.sparkEvery = Math.max(1, Math.ceil(n / SPARK_MAX));
  se.sparkNext = se.sparkEvery;
  session = se;
  refreshFigures(se, true);
  emit();
  return update(se);
}

/** Start (or go on) playing. */
export function play(): void {
  const se = session;
  if (!se || se.source !== 'replay') return;
  if (se.next >= se.total!) return;
  se.state = 'playing';
  se.wall = performance.now();
  se.credit = 0;
  se.clock = se.next > 0 ? se.times![se.next - 1] : se.times![0];
  schedule(0);
  emit();
}

export function pause(): void {
  const se = session;
  if (!se || se.source !== 'replay' || se.state !== 'playing') return;
  se.state = 'paused';
  refreshFigures(se, true);
  emit();
}

/** Score the next `points` points (paused). */
export async function step(points = 1): Promise<StreamUpdate> {
  const se = session;
  if (!se || se.source !== 'replay') return update(se);
  if (se.state === 'playing') se.state = 'paused';
  await replayRows(se, Math.max(1, Math.floor(points)));
  refreshFigures(se, true);
  emit();
  return update(se);
}

export function setSpeed(speed: Speed): void {
  if (!session) return;
  session.speed = speed;
  session.wall = performance.now();
  session.credit = 0;
  if (session.next > 0 && session.times) session.clock = session.times[session.next - 1];
  emit();
}

/** Back to the first point with a fresh engine (the settings given, or the same). */
export async function restart(settings?: StreamSettings): Promise<StreamUpdate> {
  const se = session;
  if (!se || se.source !== 'replay') return update(se);
  const fresh = newSession('replay', settings ?? se.settings);
  Object.assign(fresh, { X: se.X, cols: se.cols, columns: se.columns, kind: se.kind, times: se.times, total: se.total, labels: se.labels, windows: se.windows, speed: se.speed });
  fresh.store = new Store(se.total!);
  fresh.sparkEvery = Math.max(1, Math.ceil(se.total! / SPARK_MAX));
  fresh.sparkNext = fresh.sparkEvery;
  generation++;
  if (timer) clearTimeout(timer);
  timer = null;
  session = fresh;
  refreshFigures(fresh, true);
  emit();
  return update(fresh);
}

async function replayRows(se: Session, count: number): Promise<void> {
  const from = se.next;
  const to = Math.min(se.total!, from + count);
  if (to <= from) return;
  se.busy = true;
  try {
    for (let a = from; a < to; a += MAX_BLOCK) {
      const b = Math.min(to, a + MAX_BLOCK);
      await score(se, se.X!.subarray(a * se.cols, b * se.cols), b - a, se.times!.subarray(a, b));
      se.next = b;
    }
  } finally {
    se.busy = false;
  }
  if (se.next >= se.total!) {
    se.state = 'ended';
    se.open = null;
  }
}

function schedule(ms: number): void {
  if (timer) clearTimeout(timer);
  const gen = generation;
  timer = setTimeout(() => void tick(gen), ms);
}

async function tick(gen: number): Promise<void> {
  timer = null;
  const se = session;
  if (!se || gen !== generation) return;
  if (se.source === 'replay') {
    if (se.state !== 'playing') return;
    const start = performance.now();
    if (se.speed === 'max') {
      // Blocks until ~12 ms of this tick are spent: the page gets ~60 updates a second at most.
      while (se.state === 'playing' && performance.now() - start < 12 && gen === generation) await replayRows(se, MAX_BLOCK);
    } else {
      // Stream time moves at `speed` × the wall clock (row order: one point a second at ×1). ×10 and ×100
      // also play at least 10 / 100 points a second: at ×100, NAB's 5-minute series would otherwise take
      // 3 s a point (×1 stays real time).
      const dt = (start - se.wall) / 1000;
      const perSecond = se.kind === 'time' ? 1000 : 1;
      se.clock += dt * perSecond * se.speed;
      se.wall = start;
      if (se.speed > 1) se.credit += dt * se.speed;
      let end = se.next;
      const times = se.times!;
      while (end < se.total! && times[end] <= se.clock && end - se.next < 65536) end++;
      end = Math.min(se.total!, Math.max(end, se.next + Math.floor(se.credit)));
      se.credit = Math.max(0, se.credit - (end - se.next));
      if (end > se.next) se.clock = Math.max(se.clock, times[end - 1]);
      await replayRows(se, end - se.next);
    }
    if (gen !== generation) return;
    const ended = (se.state as StreamUpdate['state']) === 'ended';
    refreshFigures(se, ended);
    emit(!ended);
    if (se.state === 'playing') schedule(se.speed === 'max' ? 0 : 33);
    return;
  }
  // live
  await drainLive(se);
  if (gen !== generation) return;
  emit(true);
  if (se.live && se.live.state !== 'closed') schedule(se.queue.length > 0 ? 0 : 50);
}

// ---- live -----------------------------------------------------------------------------------

const NOT_VALUES = new Set(['timestamp', 'time', 'score', 'is_anomaly', 'drift', 'model', 'suppressed', 'error']);

/** Connect to the CLI's `stream --serve` (a loopback address or a port only) and score what it sends. */
export function connectLive(address: string, settings: StreamSettings): StreamUpdate {
  const url = loopbackUrl(address);
  stop();
  generation++;
  const se = newSession('live', settings);
  se.kind = 'row';
  se.live = { url, state: 'connecting', retryIn: 0, attempts: 0, queued: 0, dropped: 0, lastError: null };
  session = se;
  open(se, generation);
  schedule(50);
  return update(se);
}

function open(se: Session, gen: number): void {
  const live = se.live!;
  live.state = 'connecting';
  let ws: WebSocket;
  try {
    ws = new WebSocket(live.url);
  } catch (e) {
    live.lastError = (e as Error).message;
    retry(se, gen);
    return;
  }
  se.socket = ws;
  ws.onopen = () => {
    if (gen !== generation) return ws.close();
    live.state = 'open';
    live.attempts = 0;
    live.lastError = null;
    emit();
  };
  ws.onmessage = (ev) => {
    if (gen !== generation) return;
    // Bounded: a page that cannot keep up drops the newest lines and says how many.
    if (se.queue.length >= LIVE_QUEUE) live.dropped++;
    else se.queue.push(typeof ev.data === 'string' ? ev.data : String(ev.data));
  };
  ws.onclose = (ev) => {
    if (gen !== generation || live.state === 'closed') return;
    live.lastError = ev.reason ? `connection closed: ${ev.reason}` : 'connection dropped';
    retry(se, gen);
  };
}

function retry(se: Session, gen: number): void {
  const live = se.live!;
  se.socket = null;
  live.state = 'retrying';
  const delay = Math.min(15000, 500 * 2 ** live.attempts);
  live.attempts++;
  live.retryIn = delay / 1000;
  emit();
  setTimeout(() => {
    if (gen === generation && live.state === 'retrying') open(se, gen);
  }, delay);
  schedule(50);
}

export function disconnectLive(): void {
  const se = session;
  if (!se || se.source !== 'live') return;
  se.live!.state = 'closed';
  se.socket?.close();
  se.socket = null;
  emit();
}

/** One live line as a point: its time (NaN: none) and values, or an error sentence. */
function parseLine(se: Session, line: string): { time: number; values: number[] } | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return `not a JSON point: ${line.length > 60 ? `${line.slice(0, 60)}…` : line}`;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return `not a JSON object: ${line.slice(0, 60)}`;
  const rec = o as Record<string, unknown>;
  // The CLI relays its own input errors (a malformed line it skipped).
  if (typeof rec.error === 'string') return rec.error;
  if (!se.keys) {
    se.keys = Object.keys(rec).filter((k) => !NOT_VALUES.has(k) && typeof rec[k] === 'number');
    if (se.keys.length === 0) {
      se.keys = null;
      return `no numeric value in ${line.slice(0, 60)}`;
    }
    se.columns = se.keys;
    se.cols = se.keys.length;
  }
  const values: number[] = [];
  for (const k of se.keys) {
    const v = rec[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) return `'${k}' is not a number (${JSON.stringify(v ?? null)}): point skipped`;
    values.push(v);
  }
  const ts = rec.timestamp ?? rec.time;
  let time = Number.NaN;
  if (typeof ts === 'string') time = parseTime(ts);
  else if (typeof ts === 'number') time = ts < 1e11 ? ts * 1000 : ts;
  return { time, values };
}

async function drainLive(se: Session): Promise<void> {
  if (se.busy || se.queue.length === 0) return;
  se.busy = true;
  try {
    const lines = se.queue.splice(0, MAX_BLOCK * 4);
    const vals: number[] = [];
    const times: number[] = [];
    const flush = async () => {
      if (times.length === 0) return;
      await score(se, Float64Array.from(vals), times.length, Float64Array.from(times));
      vals.length = 0;
      times.length = 0;
    };
    for (const line of lines) {
      if (line.trim() === '') continue;
      const p = parseLine(se, line);
      const st = se.store;
      const last = st.n > 0 ? st.times[st.n - 1] : Number.NaN;
      if (typeof p === 'string') {
        addError(se, times.length > 0 ? times[times.length - 1] : last, p);
        continue;
      }
      // Time: the point's own when it has one that does not go back, else one after the last.
      const prev = times.length > 0 ? times[times.length - 1] : last;
      let t = p.time;
      if (!Number.isFinite(t)) {
        se.kind = 'row';
        t = Number.isFinite(prev) ? prev + 1 : 0;
      } else {
        if (st.n === 0 && times.length === 0) se.kind = 'time';
        if (Number.isFinite(prev) && t < prev) {
          addError(se, prev, `time ${new Date(t).toISOString()} is earlier than the previous point's: point skipped`);
          continue;
        }
      }
      times.push(t);
      vals.push(...p.values);
      if (times.length >= MAX_BLOCK) await flush();
    }
    await flush();
  } finally {
    se.busy = false;
  }
}

// ---- shared -----------------------------------------------------------------------------------

/** Stop whatever plays or listens (the points scored so far stay until the next open). */
export function stop(): void {
  generation++;
  if (timer) clearTimeout(timer);
  timer = null;
  const se = session;
  if (se?.socket) {
    se.live!.state = 'closed';
    se.socket.close();
    se.socket = null;
  }
  if (se && se.state === 'playing') se.state = 'paused';
}

export function current(): StreamUpdate {
  return update(session);
}

let viewport: ViewRequest | null = null;

/** The timeline's viewport (follow or a range, and its pixels): each update carries its view; returns it now too. */
export function setViewport(req: ViewRequest | null): StreamView | null {
  viewport = req;
  // The page draws what the updates carry: one now, for a stream that is paused or ended.
  emit();
  return req ? view(req) : null;
}

/** The timeline's view of what has been scored: decimated to `pixels`, with markers and windows in range. */
export function view(req: ViewRequest): StreamView | null {
  const se = session;
  if (!se || se.store.n === 0) return null;
  const st = se.store;
  const n = st.n;
  const times = st.times.subarray(0, n);
  const extent: [number, number] = [times[0], times[n - 1]];
  let t0: number, t1: number;
  if (req.follow || req.t0 === undefined || req.t1 === undefined) {
    t1 = times[n - 1];
    t0 = times[Math.max(0, n - Math.max(2, req.spanPoints))];
    // A replay shows its span from the start while it fills it.
    if (se.source === 'replay' && se.total) {
      const span = se.times![Math.min(se.total - 1, Math.max(1, req.spanPoints) - 1)] - se.times![0];
      if (t1 - t0 < span) t1 = t0 + span;
    }
  } else {
    t0 = req.t0;
    t1 = req.t1;
  }
  if (!(t1 > t0)) t1 = t0 + 1;
  const pixels = Math.max(1, Math.round(req.pixels));
  const values = st.values.subarray(0, n);
  const scores = st.scores.subarray(0, n);
  const flags = st.flags.subarray(0, n);
  const dec = decimateRows({ times, sorted: true, series: [values], scores, t0, t1, pixels });
  // Flagged points: per pixel column the flagged point (decimated with the flags as the "score").
  const fd = decimateRows({ times, sorted: true, series: [values], scores: flags, t0, t1, pixels });
  const ft: number[] = [];
  const fv: number[] = [];
  if (fd.kind === 'buckets') {
    for (let b = 0; b < fd.pixels; b++) if (fd.score!.max[b] > 0.5) { ft.push(times[fd.peakRow[b]]); fv.push(fd.peakValues[0][b]); }
  } else for (let i = 0; i < fd.rows; i++) if (fd.score![i] > 0.5) { ft.push(fd.time[i]); fv.push(fd.series[0][i]); }
  const lo = st.scoreMin, hi = st.scoreMax;
  const inRange = <T extends { time: number }>(xs: T[]) => xs.filter((m) => m.time >= t0 && m.time <= t1).slice(-MARKERS_SENT);
  return {
    range: [t0, t1], extent, dec,
    flags: { time: Float64Array.from(ft), value: Float64Array.from(fv) },
    drifts: inRange(se.drifts), models: inRange(se.models),
    windows: se.windows.filter((w) => w.end >= t0 && w.start <= t1 && w.startRow < n).map((w) => ({ start: w.start, end: Math.min(w.end, times[n - 1]) })),
    scoreRange: hi >= lo ? [Math.min(0, lo), hi > lo ? hi : lo + 1] : null,
  };
}

/** Every alert and error kept, as CSV (the scored data's writer: csv-write.ts). */
export function alertsCsv(): string {
  const se = session;
  const lines = [csvRecord(['kind', 'time', 'end', 'points', 'value', 'score', 'detector', 'message'])];
  if (se) {
    const t = (x: number) => (Number.isNaN(x) ? '' : se.kind === 'time' ? new Date(x).toISOString() : x);
    for (const a of se.alerts) lines.push(csvRecord([a.kind, t(a.time), t(a.end), a.points, Number.isNaN(a.value) ? '' : a.value, Number.isNaN(a.score) ? '' : a.score, a.detector, a.message ?? '']));
  }
  return `${lines.join('\n')}\n`;
}
