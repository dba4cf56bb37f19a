/**
 * The stream's state in the page (issue 19), a small store of its own: the engine's options (set in
 * the detector panel), the stream worker's latest update (one per animation frame at most, however
 * many batches arrived), the timeline's follow / scroll-back range and the live input's address.
 * The stream worker (workers/stream.worker.ts) runs the engine and keeps the points; the series it
 * replays comes from the data worker over a port of its own, never through this thread.
 */
import { create } from 'zustand';
import * as Comlink from 'comlink';
import { dataPort } from '../../workers/data-client';
import type { StreamWorkerApi } from '../../workers/stream.worker';
import type { Speed, StreamSettings, StreamUpdate } from '../../workers/stream-api';
import { message, useApp } from './store';

export type { Speed, StreamSettings, StreamUpdate };

export const DEFAULT_STREAM_SETTINGS: StreamSettings = {
  detector: 'half_space_trees',
  params: {},
  window: 10,
  seed: 42,
  drift: null,
  driftOn: 'value',
  policy: 'none',
  train: 750,
  updateEvery: 0,
  protect: true,
  threshold: { kind: 'model' },
  lastN: 500,
};

export interface StreamState {
  settings: StreamSettings;
  update: StreamUpdate | null;
  /** The dataset (and columns) the replay session holds, to know when to open a new one. */
  replayOf: string | null;
  /** The settings the replay session was opened (or restarted) with. */
  replaySettings: StreamSettings | null;
  /** Follow the stream's newest points; false after a scroll back (or a click on an alert). */
  follow: boolean;
  /** Points the timeline shows while following. */
  spanPoints: number;
  /** The range shown when not following. */
  range: [number, number] | null;
  address: string;
  /** The replay speed chosen (kept here: it may be chosen before a replay opens). */
  speed: Speed;
  error: string | null;
}

export const useStream = create<StreamState>(() => ({
  settings: DEFAULT_STREAM_SETTINGS,
  update: null,
  replayOf: null,
  replaySettings: null,
  follow: true,
  spanPoints: 2000,
  range: null,
  address: '',
  speed: 100,
  error: null,
}));

let remote: Comlink.Remote<StreamWorkerApi> | null = null;
let ready: Promise<Comlink.Remote<StreamWorkerApi>> | null = null;

/** The stream worker, started on first use with a channel to the data worker and a listener. */
export function streamWorker(): Promise<Comlink.Remote<StreamWorkerApi>> {
  ready ??= (async () => {
    const worker = new Worker(new URL('../../workers/stream.worker.ts', import.meta.url), { type: 'module', name: 'stream' });
    remote = Comlink.wrap<StreamWorkerApi>(worker);
    const port = await dataPort();
    await remote.attach(Comlink.transfer(port, [port]));
    await remote.subscribe(Comlink.proxy(receive));
    return remote;
  })();
  return ready;
}

// Updates come per worker tick; the store takes the newest once per frame.
let pending: StreamUpdate | null = null;
let frame = 0;
function receive(u: StreamUpdate): void {
  // A partial update leaves out the alerts and sparklines when they did not change: keep the last ones.
  if (u.partial) {
    const prev = pending ?? useStream.getState().update;
    if (prev) u = { ...u, alerts: prev.alerts, spark: u.figures ? prev.spark : null };
  }
  pending = u;
  if (frame) return;
  const flush = () => {
    frame = 0;
    if (pending) useStream.setState({ update: pending });
    pending = null;
  };
  frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(flush) : (setTimeout(flush, 16) as unknown as number);
}

async function guarded<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    useStream.setState({ error: null });
    return await f();
  } catch (e) {
    useStream.setState({ error: message(e) });
    return undefined;
  }
}

function replayKey(): string | null {
  const { datasetId, features, labels, windows } = useApp.getState();
  if (datasetId === null) return null;
  return `${datasetId}|${features.join('\u0000')}|${labels ? 'l' : ''}|${windows?.length ?? 0}`;
}

/** Open a replay of the loaded series (its chosen value columns) with the settings. */
export function openReplay(): Promise<StreamUpdate | undefined> {
  return guarded(async () => {
    const { datasetId, features, labels, windows } = useApp.getState();
    if (datasetId === null) throw new Error('load a series first (a NAB sample or a CSV): replay plays a loaded series');
    if (features.length === 0) throw new Error('choose a value column to stream in the data panel');
    const w = await streamWorker();
    const lab = labels ? labels.labels.slice() : null;
    const u = await w.openReplay(datasetId, features, lab ? Comlink.transfer(lab, [lab.buffer]) : null, windows, useStream.getState().settings);
    useStream.setState({ update: u, replayOf: replayKey(), replaySettings: useStream.getState().settings, follow: true, range: null });
    return u;
  });
}

async function replaySession(): Promise<Comlink.Remote<StreamWorkerApi>> {
  const s = useStream.getState();
  if (s.update?.source !== 'replay' || s.replayOf !== replayKey()) {
    const u = await openReplay();
    if (!u) throw new Error(useStream.getState().error ?? 'the replay did not open');
  }
  return streamWorker();
}

export function play(): Promise<unknown> {
  return guarded(async () => {
    const w = await replaySession();
    await w.setSpeed(useStream.getState().speed);
    const st = useStream.getState();
    // From the start (or again after the end) with the options as they are now.
    if (st.update?.state === 'ended' || (st.update?.points === 0 && st.replaySettings !== st.settings)) {
      await w.restart(st.settings);
      useStream.setState({ replaySettings: st.settings });
    }
    useStream.setState({ follow: true });
    await w.play();
  });
}

export function pause(): Promise<unknown> {
  return guarded(async () => (await streamWorker()).pause());
}

export function step(points = 1): Promise<unknown> {
  return guarded(async () => {
    const u = await (await replaySession()).step(points);
    useStream.setState({ update: u });
  });
}

export function setSpeed(speed: Speed): Promise<unknown> {
  useStream.setState({ speed });
  return guarded(async () => (await streamWorker()).setSpeed(speed));
}

/** Back to the first point, with the options as they are now. */
export function restart(): Promise<unknown> {
  return guarded(async () => {
    const w = await replaySession();
    const settings = useStream.getState().settings;
    const u = await w.restart(settings);
    useStream.setState({ update: u, replaySettings: settings, follow: true, range: null });
  });
}

/** Connect to `anomaly-lab stream --serve PORT` on this machine (an address or a port). */
export function connectLive(address: string): Promise<unknown> {
  useStream.setState({ address });
  return guarded(async () => {
    const u = await (await streamWorker()).connectLive(address, useStream.getState().settings);
    useStream.setState({ update: u, replayOf: null, follow: true, range: null });
  });
}

export function disconnectLive(): Promise<unknown> {
  return guarded(async () => (await streamWorker()).disconnectLive());
}

export function setStreamSettings(patch: Partial<StreamSettings>): void {
  useStream.setState((s) => ({ settings: { ...s.settings, ...patch } }));
}

/** Follow the newest points again, or show [t0, t1] (scrolled back; an alert clicked). */
export function setStreamRange(range: [number, number] | null): void {
  useStream.setState(range ? { follow: false, range } : { follow: true, range: null });
}

/** Every alert and error as CSV (the worker writes it with the scored data's CSV writer), downloaded. */
export function exportAlerts(): Promise<unknown> {
  return guarded(async () => {
    const csv = await (await streamWorker()).alertsCsv();
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'alerts.csv';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
}

// A new dataset stops the replay of the old one (its points stay on screen until the next play).
useApp.subscribe((s, p) => {
  if (s.datasetId !== p.datasetId && useStream.getState().update?.source === 'replay') {
    void streamWorker().then((w) => w.stop()).catch(() => undefined);
    useStream.setState({ replayOf: null });
  }
});
