/**
 * `anomaly-lab stream`: the command line as a pipeline stage. Points come in on stdin (CSV with a
 * header, or NDJSON objects: stream-input.ts), and each leaves on stdout as one NDJSON object as soon
 * as its chunk of input is read: `timestamp` (as written; null without a time column), the feature
 * values, `score`, `is_anomaly`, `drift` (null or the drift detector's id) and `model` (null, or
 * `{ "updated": true, "points": N, "reason": … }` on the first point the changed model scored).
 * The engine is src/core/stream/engine.ts (policies, protect, thresholds, drift).
 *
 * - Initial training: an online detector (windowed_gaussian, half_space_trees) scores from the first
 *   point. Any other detector learns the first `--train N` points (default 750, NAB's probationary
 *   cap: a stream has no length to take 15 % of), which score 0 and are never flagged, then scores;
 *   `--model M` scores from the first point with a saved model (and refits it under --update-every).
 * - Fits (the first, refits, retrains) run on a worker thread (stream-fit.ts): the main thread goes on
 *   scoring with the old model until the new one is back.
 * - Back-pressure: stdin is read chunk by chunk (for await), and the next chunk is not read while
 *   stdout's buffer is full (write returned false, until 'drain'). Memory is bounded: the engine's
 *   rings, one chunk of input, and its output.
 * - A reader that goes away (EPIPE, `| head`) ends the command quietly (main.ts). EOF ends it cleanly:
 *   the last line without a newline is read too; running alert commands are waited for.
 * - `--alert-cmd CMD` runs CMD (through the shell) for each new alert with the point's JSON on its
 *   stdin: consecutive flagged points are one alert (the command gets its first point), and a new
 *   alert within `--alert-suppress S` seconds (wall clock; default 60) of the last command run is
 *   counted, not run; the next run's JSON says how many were suppressed (`suppressed`). So is a new
 *   alert while 8 commands are still running.
 * - `--serve PORT` relays every output line as a WebSocket text message to the clients of a server on
 *   127.0.0.1 only (the `ws` package; PORT 0 picks a free port; the port is said on stderr). A client
 *   that falls 8 MiB behind misses points (counted on stderr at the end). Without --detector the raw
 *   points are relayed (timestamp and values), for the page to score.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { UsageError, parseOptions } from './args.js';
import { StreamInput, type InputPoint } from './stream-input.js';
import { FitThread } from './stream-fit.js';
import { windowSpec } from '../core/data/window-features.js';
import type { ModelJSON } from '../core/detectors/detector.js';
import { getDetector } from '../core/detectors/registry.js';
import { resolveParams } from '../core/detectors/params.js';
import { usesWindows } from '../core/detectors/specs.js';
import { scoringContext } from '../core/detectors/windowed.js';
import { DRIFT_POLICIES, StreamEngine, type BatchSource, type DriftPolicy, type ModelEvent, type OnlineSource, type StreamEngineOptions, type ThresholdChoice } from '../core/stream/engine.js';
import { isOnlineScorer, onlineSource } from '../core/stream/scorers.js';
import { isDriftId, makeDrift } from '../core/stream/drift.js';
import { QuantileFilter } from '../core/stream/quantile-filter.js';
import { DRIFT_IDS } from '../core/stream/types.js';

export const STREAM_HELP = `  anomaly-lab stream [--detector ID] [options] < in > out
                                 score points as they arrive: CSV with a header or NDJSON objects on stdin,
                                 one NDJSON object per point on stdout (timestamp, values, score, is_anomaly,
                                 drift, model)

stream options:
  --detector ID          half_space_trees | windowed_gaussian (online), or any detector over windows
                         (--param window_size=N); without it the points are passed (and --serve relayed) raw
  --param name=value     a detector parameter (repeatable); --seed N (default 42)
  --model M.json         score with a saved model from the first point
  --train N              points a batch detector learns before scoring (default 750; they score 0)
  --update-every N       refit (or fine-tune) a batch detector every N points (default 0: never) ...
  --update-window N      ... on the last N points (default max(train, update-every))
  --fine-tune-epochs E   epochs of an update for a model that fine-tunes (LSTM/GRU; default 1)
  --no-protect           learn flagged points too (by default they are left out of updates)
  --threshold T          flag score > T
  --contamination C      the detector's contamination rule (online scorers: over the last update-window scores)
  --quantile Q           flag score >= the running Q-quantile (River's QuantileFilter); half_space_trees' default, 0.99
  --drift ID             ${DRIFT_IDS.join(' | ')} (River's defaults)
  --drift-on value|score what the drift detector watches (value: one per feature column; default value)
  --on-drift P           none | reset | retrain | select (default none)
  --select-window N      points of recent mean score that select compares (default 100)
  --swap ready|K         a refit takes over when ready (default), or exactly K points after it started
  --columns a,b          feature columns (default: every column but the time whose first value is a number)
  --time COL             the time column (default: found by name and content)
  --alert-cmd CMD        run CMD for each new alert (the point's JSON on its stdin)
  --alert-suppress S     at most one alert command per S seconds; consecutive flagged points are one alert (default 60)
  --serve PORT           relay the output lines over a WebSocket on 127.0.0.1:PORT (0: a free port)
`;

/** Output lines buffered before a write (a chunk of input gives at most this many at once). */
const MAX_BATCH = 4096;
/** Alert commands running at once, at most: a new alert meanwhile is counted as suppressed. */
const MAX_ALERT_PROCESSES = 8;
/** A WebSocket client further behind than this misses points. */
const WS_BEHIND = 8 << 20;

function fail(message: string): never {
  throw new UsageError(message);
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number >= ${min}, got: ${v}`);
  return n;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) fail(`--${name} must be a number, got: ${v}`);
  return n;
}

function paramsOf(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) fail(`--param takes name=value, got: ${p}`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

const warn = (m: string) => process.stderr.write(`anomaly-lab stream: ${m}\n`);

export async function stream(args: string[]): Promise<void> {
  const { values: o, positionals } = parseOptions(args, {
    detector: { type: 'string' }, param: { type: 'string', multiple: true }, model: { type: 'string' }, seed: { type: 'string' },
    train: { type: 'string' }, 'update-every': { type: 'string' }, 'update-window': { type: 'string' }, 'fine-tune-epochs': { type: 'string' },
    'no-protect': { type: 'boolean' }, threshold: { type: 'string' }, contamination: { type: 'string' }, quantile: { type: 'string' },
    drift: { type: 'string' }, 'drift-on': { type: 'string' }, 'on-drift': { type: 'string' }, 'select-window': { type: 'string' }, swap: { type: 'string' },
    columns: { type: 'string' }, time: { type: 'string' }, 'alert-cmd': { type: 'string' }, 'alert-suppress': { type: 'string' }, serve: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (o.help) {
    process.stdout.write(`Usage:\n${STREAM_HELP}`);
    return;
  }
  if (positionals.length) fail(`stream reads stdin: unexpected argument '${positionals[0]}'`);
  const given = ['threshold', 'contamination', 'quantile'].filter((k) => o[k as 'threshold'] !== undefined);
  if (given.length > 1) fail(`give one of --threshold, --contamination, --quantile (got ${given.map((g) => `--${g}`).join(' and ')})`);
  const seed = int('seed', o.seed, 0) ?? 42;
  const threshold = num('threshold', o.threshold);
  const contamination = num('contamination', o.contamination);
  const quantile = num('quantile', o.quantile);
  if (quantile !== undefined && !(quantile > 0 && quantile < 1)) fail(`--quantile must be in (0, 1), got: ${o.quantile}`);
  if (o.drift !== undefined && !isDriftId(o.drift)) fail(`--drift must be one of ${DRIFT_IDS.join(', ')}, got: ${o.drift}`);
  const driftOn = o['drift-on'] ?? 'value';
  if (driftOn !== 'value' && driftOn !== 'score') fail(`--drift-on must be value or score, got: ${driftOn}`);
  const policy = (o['on-drift'] ?? 'none') as DriftPolicy;
  if (!DRIFT_POLICIES.includes(policy)) fail(`--on-drift must be one of ${DRIFT_POLICIES.join(', ')}, got: ${policy}`);
  if (policy !== 'none' && o.drift === undefined) fail(`--on-drift ${policy} needs --drift`);
  const swap: StreamEngineOptions['swap'] = o.swap === undefined || o.swap === 'ready' ? 'ready' : { after: int('swap', o.swap, 0)! };
  const suppressS = num('alert-suppress', o['alert-suppress']) ?? 60;
  if (suppressS < 0) fail(`--alert-suppress must be >= 0 seconds, got: ${o['alert-suppress']}`);
  const port = int('serve', o.serve, 0);
  if (port !== undefined && port > 65535) fail(`--serve must be a port number (0-65535), got: ${o.serve}`);
  if (o.model !== undefined && o.detector !== undefined) fail('give --detector or --model, not both (a model file names its detector)');
  const raw = paramsOf(o.param);

  // The engine, built once the first point fixes the feature count.
  const scoring = o.detector !== undefined || o.model !== undefined;
  const makeEngine = (features: number): StreamEngine => {
    let source: BatchSource | OnlineSource;
    let choice: ThresholdChoice = { kind: 'model' };
    if (o.detector !== undefined && isOnlineScorer(o.detector)) {
      source = onlineSource(o.detector, raw, features, seed);
      if (o.detector === 'half_space_trees' && threshold === undefined && contamination === undefined && quantile === undefined) choice = { kind: 'moving', make: () => new QuantileFilter(0.99) };
      if (contamination !== undefined) choice = { kind: 'contamination', value: contamination };
    } else {
      source = batchSource(o.detector, o.model, raw, contamination, seed, features, int('fine-tune-epochs', o['fine-tune-epochs'], 1), fitter);
    }
    if (threshold !== undefined) choice = { kind: 'fixed', value: threshold };
    if (quantile !== undefined) choice = { kind: 'moving', make: () => new QuantileFilter(quantile) };
    const drift = o.drift;
    return new StreamEngine({
      features, source, threshold: choice, swap,
      train: int('train', o.train, 1), updateEvery: int('update-every', o['update-every'], 0), updateWindow: int('update-window', o['update-window'], 1),
      selectWindow: int('select-window', o['select-window'], 1),
      protect: !o['no-protect'],
      drift: drift !== undefined && isDriftId(drift) ? { make: () => makeDrift(drift, {}, seed), on: driftOn, policy } : undefined,
      onError: (e) => warn(`a model update failed, the current model goes on: ${(e as Error).message}`),
    });
  };

  // Batch detectors fit on a thread of their own: the main thread scores meanwhile.
  const fitter = new FitThread(warn);
  // A skipped input line is said on stderr and, under --serve, relayed as {"error": …} for the page's alert list.
  // Relayed in input order: before the points read after it (flush interleaves them by batch index).
  const relayErrors: { at: number; line: string }[] = [];
  const inputWarn = (m: string): void => {
    warn(m);
    if (relay) relayErrors.push({ at: batch.length, line: JSON.stringify({ error: m }) });
  };
  const input = new StreamInput({ columns: o.columns?.split(',').map((c) => c.trim()), time: o.time, warn: inputWarn });
  const alerts = o['alert-cmd'] !== undefined ? new Alerts(o['alert-cmd'], suppressS * 1000) : null;
  const relay = port !== undefined ? await Relay.open(port) : null;
  let engine: StreamEngine | null = null;
  let prefixes: string[] = [];

  const batch: InputPoint[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) {
      if (relayErrors.length) relay?.send(relayErrors.splice(0).map((e) => e.line));
      return;
    }
    if (prefixes.length === 0) prefixes = input.features!.map((f) => `,${JSON.stringify(f)}:`);
    let text = '';
    const lines: string[] = [];
    if (scoring) {
      engine ??= makeEngine(input.features!.length);
      const cols = engine.features;
      const data = new Float64Array(batch.length * cols);
      for (let i = 0; i < batch.length; i++) data.set(batch[i].values, i * cols);
      const out = await engine.push({ data, rows: batch.length, cols });
      const events = new Map<number, ModelEvent>();
      for (const e of out.events) events.set(e.index, e.event);
      const driftId = JSON.stringify(engine.driftId);
      for (let i = 0; i < batch.length; i++) {
        const s = out.scores[i];
        const ev = events.get(i);
        const line = `${pointText(batch[i], prefixes)},"score":${Number.isFinite(s) ? s : 'null'},"is_anomaly":${out.flags[i] === 1},"drift":${out.drift[i] ? driftId : 'null'},"model":${ev ? JSON.stringify(ev) : 'null'}}`;
        lines.push(line);
        alerts?.point(out.flags[i] === 1, line);
      }
    } else {
      for (const p of batch) lines.push(`${pointText(p, prefixes)}}`);
    }
    text = `${lines.join('\n')}\n`;
    batch.length = 0;
    if (relay) {
      if (relayErrors.length === 0) relay.send(lines);
      else {
        const out: string[] = [];
        let k = 0;
        for (let i = 0; i <= lines.length; i++) {
          while (k < relayErrors.length && relayErrors[k].at === i) out.push(relayErrors[k++].line);
          if (i < lines.length) out.push(lines[i]);
        }
        relayErrors.length = 0;
        relay.send(out);
      }
    }
    // Back-pressure: wait for stdout to drain before reading more input.
    if (!process.stdout.write(text)) await once(process.stdout, 'drain');
  };

  const decoder = new StringDecoder('utf8');
  let rest = '';
  const take = (text: string): void => {
    const p = input.read(text);
    if (p) batch.push(p);
  };
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      take(text.slice(from, nl));
      from = nl + 1;
      if (batch.length >= MAX_BATCH) await flush();
    }
    rest = text.slice(from);
    await flush();
  }
  rest += decoder.end();
  if (rest !== '') take(rest);
  await flush();
  if (input.format === null) warn('no input on stdin');
  await alerts?.close();
  await relay?.close();
  await fitter.close();
}

/** `{"timestamp":…,"a":1,"b":2` (the object left open for the score fields). */
function pointText(p: InputPoint, prefixes: string[]): string {
  let s = `{"timestamp":${p.timestamp}`;
  for (let j = 0; j < prefixes.length; j++) s += prefixes[j] + p.values[j];
  return s;
}

/** A registry detector as a batch source (over windows when its params ask), or a saved model. */
function batchSource(detector: string | undefined, modelFile: string | undefined, raw: Record<string, string>, contamination: number | undefined, seed: number, features: number, epochs: number | undefined, fitter: FitThread): BatchSource {
  let json: ModelJSON | null = null;
  if (modelFile !== undefined) {
    try {
      json = JSON.parse(fs.readFileSync(modelFile, 'utf8')) as ModelJSON;
    } catch (e) {
      fail(`${modelFile}: cannot read the model: ${(e as Error).message}`);
    }
    if (!json || typeof json !== 'object' || typeof json.detector !== 'string') fail(`${modelFile}: not an Anomaly Lab model file`);
  }
  const spec = getDetector(json ? json.detector : detector!);
  if (spec.online) fail(`${spec.id} is an online detector: use --detector ${spec.id} (no model file needed)`);
  const given: Record<string, unknown> = json ? { ...(json.params as Record<string, unknown>) } : { ...raw };
  if (contamination !== undefined) given.contamination = contamination;
  const params = resolveParams(spec.params, given, spec.id);
  const w = usesWindows(spec, params) ? windowSpec(params) : null;
  const inner = spec.slidingWindows ? { ...params, window_size: 0, stride: 1, differences: 0 } : params;
  let model;
  if (json) {
    if (json.features !== features) fail(`${modelFile}: the model was fitted on ${json.features} feature columns, the stream has ${features}`);
    const { columns: _names, ...rest } = json as ModelJSON & { columns?: unknown };
    model = spec.load(w ? { ...rest, params: inner, features: features * w.size } : json);
  }
  // lstm_ae / gru_ae window the rows themselves: the engine hands them the rows before each block it scores;
  // so for an ensemble whose members window (as far back as its most demanding member reads).
  const sequence = spec.sequenceWindows || spec.id === 'ensemble' ? scoringContext(params, spec) : 0;
  return { kind: 'batch', window: w, sequence, model, fineTuneEpochs: epochs, fit: (X) => fitter.fit(spec, X, inner, seed) };
}

/** --alert-cmd: one command per new alert, at most one per `suppressMs`. */
class Alerts {
  private inAlert = false;
  private lastRun = -Infinity;
  private suppressed = 0;
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly cmd: string, private readonly suppressMs: number) {}

  point(flagged: boolean, line: string): void {
    if (!flagged) {
      this.inAlert = false;
      return;
    }
    if (this.inAlert) return; // the same alert: consecutive flagged points are grouped
    this.inAlert = true;
    const now = Date.now();
    // Within the suppression time, or too many commands still running (one that never ends must not pile up).
    if (now - this.lastRun < this.suppressMs || this.running.size >= MAX_ALERT_PROCESSES) {
      this.suppressed++;
      return;
    }
    this.lastRun = now;
    const json = this.suppressed > 0 ? `${line.slice(0, -1)},"suppressed":${this.suppressed}}` : line;
    this.suppressed = 0;
    // Its output goes to our stderr: stdout is the stream's.
    const child = spawn(this.cmd, { shell: true, stdio: ['pipe', 2, 2] });
    this.running.add(child);
    child.on('error', (e) => warn(`--alert-cmd failed to start: ${e.message}`));
    child.on('close', (code) => {
      this.running.delete(child);
      if (code) warn(`--alert-cmd exited with status ${code}`);
    });
    child.stdin!.on('error', () => {}); // a command that does not read its stdin
    child.stdin!.end(`${json}\n`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.running].map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'close') : null)));
  }
}

/** --serve: the output lines to every WebSocket client on 127.0.0.1. */
class Relay {
  private missed = 0;
  private constructor(private readonly wss: import('ws').WebSocketServer) {}

  static async open(port: number): Promise<Relay> {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', (e: NodeJS.ErrnoException) => reject(new UsageError(`--serve ${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.message}`)));
    });
    const addr = wss.address();
    warn(`serving on ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`);
    return new Relay(wss);
  }

  send(lines: string[]): void {
    for (const c of this.wss.clients) {
      if (c.readyState !== c.OPEN) continue;
      if (c.bufferedAmount > WS_BEHIND) {
        this.missed += lines.length;
        continue;
      }
      for (const l of lines) c.send(l);
    }
  }

  async close(): Promise<void> {
    if (this.missed) warn(`--serve: ${this.missed} points were not sent to clients that fell behind`);
    for (const c of this.wss.clients) c.close(1000, 'end of stream');
    // A client that does not answer the closing handshake is cut after a second.
    const cut = setTimeout(() => {
      for (const c of this.wss.clients) c.terminate();
    }, 1000);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    clearTimeout(cut);
  }
}
