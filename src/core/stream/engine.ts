/**
 * The stream engine: points arrive one at a time (or in batches, for speed), and each leaves with a
 * score, a flag, the drift detector that fired at it (if any) and whether the model changed. It joins
 * a scorer, a threshold, an update policy and a drift policy; it never holds more than a fixed
 * number of points (ring buffers: ring.ts), however long the stream.
 *
 * Scorers (`source`):
 * - `online`: an OnlineScorer (types.ts: half_space_trees, windowed_gaussian through scorers.ts).
 *   Each point is scored, then learnt. It scores from the first point; there is no update policy
 *   (it learns every point).
 * - `batch`: any fitted detector from the registry, over sliding windows when its parameters ask
 *   for them (`window`: the engine builds the windows, causal, padded at the stream's start as
 *   window-features.ts does; a training window holds no point before the ones it is fitted on).
 *   The first `train` points (default 750, NAB's probationary cap) are learnt: they score 0 and are
 *   never flagged; then the model is fitted on them and scores every later point. With `updateEvery`
 *   N > 0, every N points the model is refitted on the last `updateWindow` points (or fine-tuned for
 *   `fineTuneEpochs` when the fitted model has `fineTune(X, epochs)`: the recurrent autoencoders).
 *
 * Off the scoring path: a refit is an async job; scoring continues with the old model until the new
 * one is ready (`swap: 'ready'`: it replaces the old one before the first point processed after the
 * job finished: in practice the next batch, since a batch is processed without yielding). For tests
 * and benchmarks `swap: { after: k }` is deterministic: the job started after point t has been learnt
 * replaces the model before point t + 1 + k is scored, the engine waiting for it there if needed
 * (k = 0: the next point). A job that comes due while another runs waits for it (nothing is dropped).
 *
 * protect (River's protect_anomaly_detector, default on): flagged points are left out of learning:
 * an online scorer does not learn them, and no training window holds one (a sequence model, lstm_ae
 * or gru_ae, fits on consecutive points: protect leaves none out of its updates).
 *
 * Thresholds (a point is flagged when its score passes):
 * - `model`: the fitted model's own threshold (score > threshold; its contamination parameter), or
 *   the online scorer's (`source.threshold`);
 * - `fixed` T: score > T;
 * - `contamination` C: a batch model's threshold from its training scores (the caller fits with
 *   contamination C); an online scorer's is PyOD's percentile (numpy linear) of the last
 *   `updateWindow` scores, recomputed every `updateEvery` points (or `train`; nothing is flagged
 *   before the first);
 * - `moving`: a MovingThreshold (River's QuantileFilter: score ≥ the running q-quantile), which takes
 *   every reported score.
 *
 * Drift: a DriftDetector per feature column on the input values (`on: 'value'`: a drift when any
 * column's fires) or one on the score (`on: 'score'`, from the first scored point). What a drift does:
 * - `none`: reported only;
 * - `reset`: the model forgets: an online scorer resets; a batch model is dropped and the next `train`
 *   points are learnt again (scoring 0 meanwhile);
 * - `retrain`: the model keeps scoring until `train` points have arrived since the drift, then a model
 *   fitted on exactly those points replaces it (an online scorer: a fresh one that has learnt them);
 * - `select`: as retrain, but the old model is kept: the two most recent models both score every
 *   point, and the one whose recent error is lower scores the stream; a switch is reported. Recent
 *   error = the mean score over the last `selectWindow` points (default 100) that both scored: the
 *   model to which the recent points look more normal (for the recurrent autoencoders the score is
 *   the reconstruction error itself). The newer model is used until it has scored selectWindow points.
 *   A later drift's model replaces the older of the two.
 *
 * @example
 * const engine = new StreamEngine({ features: 1, source: { kind: 'online', make: () => windowedGaussianScorer(100, 10), threshold: 0.99 } });
 * const out = await engine.push({ data: Float64Array.of(1, 2, 1, 9), rows: 4, cols: 1 });
 * out.scores; out.flags; // per point
 */
import type { Matrix } from '../data/matrix.js';
import { windowContext, windowFeatures, type WindowSpec } from '../data/window-features.js';
import type { FittedModel } from '../detectors/detector.js';
import { thresholdFromContamination } from '../metrics/quantile.js';
import { NumberRing, RowRing } from './ring.js';
import type { DriftDetector, DriftId, MovingThreshold, OnlineScorer } from './types.js';

export const DRIFT_POLICIES = ['none', 'reset', 'retrain', 'select'] as const;
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];

/** A batch detector the engine fits: `fit` takes rows of features (the windows, when `window` is set). */
export interface BatchSource {
  kind: 'batch';
  fit(X: Matrix): Promise<FittedModel>;
  /** Sliding windows the engine builds from the points (null: each point as it is). */
  window: WindowSpec | null;
  /** A model fitted already (a saved model): it scores from the first point, nothing is learnt first. */
  model?: FittedModel;
  /** Epochs of a fine-tune update, for a model with fineTune (default 1). */
  fineTuneEpochs?: number;
  /**
   * A sequence model (specs.ts sequenceWindows: lstm_ae, gru_ae) windows the rows itself: the rows
   * before a row its score reads (scoringContext). The engine gives it those rows before each block
   * it scores, and fits it on consecutive points (protect leaves none out).
   */
  sequence?: number;
}

/** An online scorer: `make` gives a fresh one (reset, retrain and select make more). */
export interface OnlineSource {
  kind: 'online';
  make(): OnlineScorer;
  /** Its own threshold (score > threshold), for `threshold: { kind: 'model' }`. */
  threshold?: number;
}

export type ThresholdChoice =
  | { kind: 'model' }
  | { kind: 'fixed'; value: number }
  | { kind: 'contamination'; value: number }
  | { kind: 'moving'; make: () => MovingThreshold };

export interface StreamEngineOptions {
  features: number;
  source: BatchSource | OnlineSource;
  /** Points a batch model is first fitted on, and that retrain / select wait for after a drift (default 750). */
  train?: number;
  /** Refit a batch model every N points (0: never; default 0). */
  updateEvery?: number;
  /** Points a refit reads, the last ones (default max(train, updateEvery)). */
  updateWindow?: number;
  /** Leave flagged points out of learning (default true). */
  protect?: boolean;
  /** Default { kind: 'model' }. */
  threshold?: ThresholdChoice;
  drift?: { make: () => DriftDetector; on: 'value' | 'score'; policy: DriftPolicy };
  /** When a refit's model takes over (see the module comment; default 'ready'). */
  swap?: 'ready' | { after: number };
  /** Points of recent error that select compares (default 100). */
  selectWindow?: number;
  /** A refit that failed: the old model stays; default: rethrown from push. */
  onError?: (e: unknown) => void;
}

export type ModelReason = 'initial' | 'update' | 'reset' | 'retrain' | 'select';

/** The model changed before this point was scored: fitted on `points` points, for `reason`. */
export interface ModelEvent {
  updated: true;
  points: number;
  reason: ModelReason;
  /** select: which of the two models now scores ('newer' or 'older'). */
  switched?: 'newer' | 'older';
}

/** A batch's results, one entry per point. */
export interface StreamOutput {
  /** Higher = more anomalous; 0 while a batch model is learning its first points. */
  scores: Float64Array;
  /** 1 = flagged. */
  flags: Uint8Array;
  /** 1 = the drift detector (`engine.driftId`) fired at this point. */
  drift: Uint8Array;
  /** Model changes, by point index within the batch (sparse). */
  events: { index: number; event: ModelEvent }[];
}

/** One model in use. */
interface Slot {
  online?: OnlineScorer;
  model?: FittedModel;
  /** Points it was fitted on (online: learnt since it was made). */
  points: number;
  /** Batch: its scores of the current batch's points [cacheFrom, cacheTo). */
  cache: Float64Array | null;
  cacheFrom: number;
  cacheTo: number;
  /** select: its recent scores. */
  recent: NumberRing;
}

interface Job {
  reason: ModelReason;
  points: number;
  done: boolean;
  model?: FittedModel;
  online?: OnlineScorer;
  error?: unknown;
  promise: Promise<void>;
  /** Deterministic swap: the stream index before which it takes over. */
  installAt: number;
}

/** Duck-typed fine-tuning of the recurrent autoencoders (issue 17): a new model, the old one unchanged. */
type FineTunable = FittedModel & { fineTune(X: Matrix, epochs: number): Promise<FittedModel> };
function canFineTune(m: FittedModel | undefined): m is FineTunable {
  return !!m && typeof (m as Partial<FineTunable>).fineTune === 'function';
}

export class StreamEngine {
  readonly features: number;
  readonly train: number;
  readonly updateEvery: number;
  readonly updateWindow: number;
  readonly protect: boolean;
  readonly selectWindow: number;
  readonly driftId: DriftId | null;
  private readonly source: BatchSource | OnlineSource;
  private readonly thresholdChoice: ThresholdChoice;
  private readonly moving: MovingThreshold | null;
  private readonly driftPolicy: DriftPolicy;
  private readonly driftOn: 'value' | 'score';
  private readonly detectors: DriftDetector[];
  private readonly swap: 'ready' | { after: number };
  private readonly context: number;
  /** The last points (capacity: what a refit, a retrain or a window needs). */
  private readonly history: RowRing;
  /** Online contamination: the last updateWindow scores. */
  private readonly recentScores: NumberRing | null;
  private onlineCut = Infinity;
  /** Models in use, oldest first (two only under select); `chosen` scores the stream. */
  private slots: Slot[] = [];
  private chosen = 0;
  /** Points seen so far. */
  private n = 0;
  /** Batch: points learnt towards the first fit (or the fit after a reset). */
  private learning = 0;
  private sinceUpdate = 0;
  private updateDue = false;
  /** retrain / select: points since the last drift (null: none pending; the drift's own point counts as −1). */
  private sinceDrift: number | null = null;
  private retrainDue: 'retrain' | 'select' | null = null;
  /** Online retrain / select: the fresh scorer learning since the drift. */
  private shadow: OnlineScorer | null = null;
  private job: Job | null = null;
  private readonly onError?: (e: unknown) => void;
  private readonly row: Float64Array;
  private readonly fixedCut: number | null;

  constructor(options: StreamEngineOptions) {
    const { features, source } = options;
    if (!(Number.isInteger(features) && features >= 1)) throw new RangeError(`the stream needs at least one feature column, got: ${features}`);
    this.features = features;
    this.source = source;
    this.train = options.train ?? 750;
    if (!(Number.isInteger(this.train) && this.train >= 1)) throw new RangeError(`train must be a whole number >= 1, got: ${this.train}`);
    this.updateEvery = options.updateEvery ?? 0;
    if (!(Number.isInteger(this.updateEvery) && this.updateEvery >= 0)) throw new RangeError(`update_every must be a whole number >= 0, got: ${this.updateEvery}`);
    this.updateWindow = options.updateWindow ?? Math.max(this.train, this.updateEvery);
    if (!(Number.isInteger(this.updateWindow) && this.updateWindow >= 1)) throw new RangeError(`update_window must be a whole number >= 1, got: ${this.updateWindow}`);
    this.protect = options.protect ?? true;
    this.selectWindow = options.selectWindow ?? 100;
    if (!(Number.isInteger(this.selectWindow) && this.selectWindow >= 1)) throw new RangeError(`select_window must be a whole number >= 1, got: ${this.selectWindow}`);
    this.thresholdChoice = options.threshold ?? { kind: 'model' };
    if (this.thresholdChoice.kind === 'contamination' && !(this.thresholdChoice.value > 0 && this.thresholdChoice.value <= 0.5)) {
      throw new RangeError(`contamination must be in (0, 0.5], got: ${this.thresholdChoice.value}`);
    }
    this.moving = this.thresholdChoice.kind === 'moving' ? this.thresholdChoice.make() : null;
    this.driftPolicy = options.drift?.policy ?? 'none';
    this.driftOn = options.drift?.on ?? 'value';
    this.detectors = options.drift ? Array.from({ length: this.driftOn === 'value' ? features : 1 }, () => options.drift!.make()) : [];
    this.driftId = this.detectors[0]?.id ?? null;
    this.swap = options.swap ?? 'ready';
    this.onError = options.onError;
    this.context = source.kind !== 'batch' ? 0 : source.window ? windowContext(source.window) : source.sequence ?? 0;
    if (source.kind === 'batch' && this.train <= this.context) {
      throw new RangeError(`train must be more than the ${this.context} points a window reads before its last (a first fit needs one full window), got: ${this.train}`);
    }
    if (source.kind === 'online' && this.updateEvery > 0 && this.thresholdChoice.kind !== 'contamination') {
      throw new RangeError('an online scorer learns every point: update_every applies to batch detectors (or to contamination thresholds)');
    }
    // A window's context before the oldest point a fit reads.
    this.history = new RowRing(source.kind === 'online' ? 1 : Math.max(this.updateWindow, this.train) + this.context, features);
    // A cut that never moves, read without a lookup per point.
    const t = this.thresholdChoice;
    this.fixedCut = t.kind === 'fixed' ? t.value : t.kind === 'model' && source.kind === 'online' ? source.threshold ?? Infinity : null;
    this.recentScores = source.kind === 'online' && this.thresholdChoice.kind === 'contamination' ? new NumberRing(this.updateWindow) : null;
    this.row = new Float64Array(features);
    if (source.kind === 'online') this.slots = [this.slot({ online: source.make(), points: 0 })];
    else if (source.model) this.slots = [this.slot({ model: source.model, points: 0 })];
  }

  /** Points seen so far. */
  get seen(): number {
    return this.n;
  }

  /** Models in use now (1, or 2 under select; 0 while a batch model learns). */
  get models(): number {
    return this.slots.length;
  }

  /** Whether a refit is running. */
  get fitting(): boolean {
    return this.job !== null;
  }

  /** The threshold the chosen model flags with now (score > it; for a moving threshold, its value). */
  get threshold(): number {
    const s = this.slots[this.chosen];
    return s ? this.cut(s) : NaN;
  }

  /**
   * Score, flag and learn a batch of points (rows of X, `features` columns, in stream order).
   * The results are the same however the stream is cut into batches, except for when a refit
   * takes over under `swap: 'ready'`.
   */
  async push(X: Matrix): Promise<StreamOutput> {
    if (X.cols !== this.features) throw new RangeError(`the stream has ${this.features} feature columns, got a batch of ${X.cols}`);
    const m = X.rows;
    const out: StreamOutput = { scores: new Float64Array(m), flags: new Uint8Array(m), drift: new Uint8Array(m), events: [] };
    if (this.source.kind === 'online') {
      this.pushOnline(X, out);
      return out;
    }
    for (const s of this.slots) s.cache = null;
    const cols = this.features;
    const data = X.data;
    for (let i = 0; i < m; i++) {
      if (this.nextEvent) {
        out.events.push({ index: i, event: this.nextEvent });
        this.nextEvent = null;
      }
      if (this.job) await this.maybeInstall(out, i);
      const at = i * cols;
      let score = 0;
      let flagged = false;
      const slots = this.slots;
      if (slots.length > 0) {
        if (slots.length === 1) {
          const s = slots[0];
          score = s.cache && i >= s.cacheFrom && i < s.cacheTo ? s.cache[i - s.cacheFrom] : await this.batchScore(s, X, i);
        } else {
          const both = [0, 0];
          for (let k = 0; k < 2; k++) {
            const s = slots[k];
            both[k] = s.cache && i >= s.cacheFrom && i < s.cacheTo ? s.cache[i - s.cacheFrom] : await this.batchScore(s, X, i);
          }
          score = this.select(out, i, both[0], both[1]);
        }
        flagged = this.isAnomaly(score);
        if (this.moving) this.moving.update(score);
      }
      out.scores[i] = score;
      if (flagged) out.flags[i] = 1;
      this.history.push(data, at, this.protect && flagged);
      this.n++;
      if (this.detectors.length > 0 && this.watch(data, at, score, slots.length > 0)) {
        out.drift[i] = 1;
        this.onDrift(out, i);
      }
      const first = this.afterPoint();
      if (first) await first;
    }
    return out;
  }

  /**
   * push's loop for an online scorer: the same steps, with nothing to wait for (an online scorer's
   * job, a fresh scorer that learnt since a drift, is ready when it starts), so no await per point.
   */
  private pushOnline(X: Matrix, out: StreamOutput): void {
    const cols = this.features;
    const data = X.data;
    for (let i = 0; i < X.rows; i++) {
      if (this.nextEvent) {
        out.events.push({ index: i, event: this.nextEvent });
        this.nextEvent = null;
      }
      const job = this.job;
      if (job && (typeof this.swap !== 'object' || this.n >= job.installAt)) this.install(job, out, i);
      const at = i * cols;
      const x = this.rowAt(data, at);
      const slots = this.slots;
      const score = slots.length === 1 ? slots[0].online!.scoreOne(x) : this.select(out, i, slots[0].online!.scoreOne(x), slots[1].online!.scoreOne(x));
      const flagged = this.isAnomaly(score);
      if (this.moving) this.moving.update(score);
      if (this.recentScores) this.onlineContamination(score);
      out.scores[i] = score;
      if (flagged) out.flags[i] = 1;
      // protect starts after the probation (train points learnt): a scorer's first scores are not yet meaningful.
      if (!(flagged && this.protect && slots[this.chosen].points >= this.train)) {
        for (let k = 0; k < slots.length; k++) {
          slots[k].online!.learnOne(x);
          slots[k].points++;
        }
        if (this.shadow) this.shadow.learnOne(x);
      }
      this.n++;
      if (this.detectors.length > 0 && this.watch(data, at, score, true)) {
        out.drift[i] = 1;
        this.onDrift(out, i);
      }
      if (this.sinceDrift !== null || this.retrainDue) this.afterPoint();
    }
  }

  /** Wait for a running refit and put it in (end of stream, or before saving). */
  async settle(): Promise<ModelEvent | null> {
    if (!this.job) return null;
    await this.job.promise;
    const out: StreamOutput = { scores: new Float64Array(0), flags: new Uint8Array(0), drift: new Uint8Array(0), events: [] };
    this.install(this.job, out, 0);
    return out.events[0]?.event ?? null;
  }

  private slot(s: { online?: OnlineScorer; model?: FittedModel; points: number }): Slot {
    return { ...s, cache: null, cacheFrom: 0, cacheTo: 0, recent: new NumberRing(this.selectWindow) };
  }

  private rowAt(data: Float64Array, at: number): Float64Array {
    if (this.features === 1) {
      this.row[0] = data[at];
      return this.row;
    }
    return data.subarray(at, at + this.features);
  }

  private cut(s: Slot): number {
    const t = this.thresholdChoice;
    if (t.kind === 'fixed') return t.value;
    if (t.kind === 'moving') return this.moving!.value;
    if (s.online) return t.kind === 'contamination' ? this.onlineCut : (this.source as OnlineSource).threshold ?? Infinity;
    return s.model!.threshold;
  }

  private isAnomaly(score: number): boolean {
    if (this.moving) return this.moving.isAnomaly(score);
    if (this.fixedCut !== null) return score > this.fixedCut;
    return score > this.cut(this.slots[this.chosen]);
  }

  private onlineContamination(score: number): void {
    const r = this.recentScores!;
    r.push(score);
    const every = this.updateEvery || this.train;
    if (this.n % every === every - 1 && this.thresholdChoice.kind === 'contamination') {
      this.onlineCut = thresholdFromContamination(r.snapshot(), this.thresholdChoice.value);
    }
  }

  /**
   * A batch slot's score of X's row i: it scores the batch's rows from i on, a block at a time (up to
   * the next update, or 4,096 rows), so a model replaced mid-batch has not scored the whole batch.
   */
  private async batchScore(s: Slot, X: Matrix, i: number): Promise<number> {
    const end = Math.min(X.rows, i + (this.updateEvery > 0 ? Math.max(64, this.updateEvery) : 4096));
    const src = this.source as BatchSource;
    if (src.sequence) {
      // A sequence model windows the rows itself: it reads the rows before the block too, whose scores are dropped.
      const ctx = Math.min(src.sequence, this.history.length);
      const scores = await s.model!.score(this.withHistory(X, i, end, ctx));
      s.cache = scores.subarray(ctx);
    } else {
      s.cache = await s.model!.score(this.featuresFrom(X, i, end));
    }
    s.cacheFrom = i;
    s.cacheTo = end;
    return s.cache[0];
  }

  /** The rows [i, end) of X (or the windows ending at them) as they are scored; the windows read the history before them. */
  private featuresFrom(X: Matrix, i: number, end: number): Matrix {
    const src = this.source as BatchSource;
    if (!src.window) return { data: X.data.subarray(i * X.cols, end * X.cols), rows: end - i, cols: X.cols };
    const ctx = Math.min(this.context, this.history.length);
    return windowFeatures(this.withHistory(X, i, end, ctx), src.window, ctx);
  }

  /** The last `ctx` points of the history, then X's rows [i, end). */
  private withHistory(X: Matrix, i: number, end: number, ctx: number): Matrix {
    const before = this.history.last(ctx).rows;
    const joined = new Float64Array((ctx + end - i) * X.cols);
    joined.set(before.data, 0);
    joined.set(X.data.subarray(i * X.cols, end * X.cols), ctx * X.cols);
    return { data: joined, rows: ctx + end - i, cols: X.cols };
  }

  /** select: of the two models' scores, the one with the lower recent mean score is used (the newer until it has selectWindow scores). */
  private select(out: StreamOutput, i: number, olderScore: number, newerScore: number): number {
    const [older, newer] = this.slots;
    older.recent.push(olderScore);
    newer.recent.push(newerScore);
    let pick = 1;
    if (newer.recent.length >= this.selectWindow) pick = older.recent.sum < newer.recent.sum ? 0 : 1;
    if (pick !== this.chosen) {
      this.chosen = pick;
      out.events.push({ index: i, event: { updated: true, points: this.slots[pick].points, reason: 'select', switched: pick === 1 ? 'newer' : 'older' } });
    }
    return pick === 1 ? newerScore : olderScore;
  }

  /** Feed the drift detectors; true when one fired. */
  private watch(data: Float64Array, at: number, score: number, scored: boolean): boolean {
    let fired = false;
    if (this.driftOn === 'score') {
      if (scored) fired = this.detectors[0].update(score);
    } else {
      for (let c = 0; c < this.detectors.length; c++) if (this.detectors[c].update(data[at + c])) fired = true;
    }
    return fired;
  }

  private onDrift(out: StreamOutput, i: number): void {
    switch (this.driftPolicy) {
      case 'none':
        return;
      case 'reset':
        if (this.source.kind === 'online') {
          const s = this.slots[this.chosen];
          s.online!.reset();
          s.points = 0;
          this.slots = [s];
          this.chosen = 0;
        } else {
          this.slots = [];
          this.chosen = 0;
          this.learning = -1; // the drift's own point is the old regime's: learning starts after it
          this.job = null; // a refit of the old regime is not wanted any more
          this.updateDue = false;
        }
        this.nextEvent = { updated: true, points: 0, reason: 'reset' };
        return;
      case 'retrain':
      case 'select':
        this.sinceDrift = -1;
        this.retrainDue = null;
        if (this.source.kind === 'online') this.shadow = this.source.make();
        return;
      default:
        throw new TypeError(`unknown drift policy '${String(this.driftPolicy)}'`);
    }
  }

  /**
   * After a point has been learnt: a due refit or retrain starts; a batch model's first fit (or the
   * one after a reset) is returned to be waited for (nothing scores until it is there).
   */
  private afterPoint(): Promise<void> | undefined {
    const src = this.source;
    if (src.kind === 'batch' && this.slots.length === 0 && !this.job) {
      this.learning++;
      return this.learning >= this.train ? this.firstFit(src) : undefined;
    }
    if (this.sinceDrift !== null) {
      this.sinceDrift++;
      if (this.sinceDrift >= this.train) {
        this.retrainDue = this.driftPolicy === 'select' ? 'select' : 'retrain';
        this.sinceDrift = null;
      }
    }
    if (src.kind === 'batch' && this.updateEvery > 0 && this.slots.length > 0) {
      this.sinceUpdate++;
      if (this.sinceUpdate >= this.updateEvery) {
        this.sinceUpdate = 0;
        this.updateDue = true;
      }
    }
    if (this.job) return undefined;
    if (this.retrainDue) {
      const reason = this.retrainDue;
      this.retrainDue = null;
      this.start(reason, this.train);
    } else if (this.updateDue) {
      this.updateDue = false;
      this.start('update', this.updateWindow);
    }
    return undefined;
  }

  private async firstFit(src: BatchSource): Promise<void> {
    const reason = this.n === this.learning ? 'initial' : 'reset';
    const model = await src.fit(this.trainingRows(this.learning));
    this.slots = [this.slot({ model, points: this.learning })];
    this.chosen = 0;
    this.sinceUpdate = 0;
    this.nextEvent = { updated: true, points: this.learning, reason };
    this.learning = 0;
  }

  /** A model event reported on the next point scored (a first fit finishes after the last point it reads). */
  private nextEvent: ModelEvent | null = null;

  /**
   * Points of the last `k` (with their windows' context), as the rows a fit reads; `protect`: leave
   * out the flagged ones (not after a drift: there the flagged points are the new normal).
   */
  private trainingRows(k: number, protect = this.protect): Matrix {
    const src = this.source as BatchSource;
    const need = Math.min(this.history.length, k + (src.window ? this.context : 0));
    const { rows, flags } = this.history.last(need);
    const first = rows.rows - Math.min(k, rows.rows);
    // A sequence model fits on consecutive rows: nothing can be left out.
    if (src.sequence) return rows;
    if (!src.window) return protect ? keepRows(rows, flags, 0) : rows;
    // Windows ending at the last k points, every stride-th, holding no left-out point; never padded.
    const ctx = this.context;
    const from = Math.max(first, ctx);
    const all = windowFeatures(rows, src.window, from);
    const keep = new Uint8Array(all.rows);
    for (let r = 0; r < all.rows; r += src.window.stride) {
      let ok = true;
      if (protect) for (let t = from + r - ctx; t <= from + r && ok; t++) if (flags[t]) ok = false;
      keep[r] = ok ? 1 : 0;
    }
    return keepRows(all, keep, 1);
  }

  /** Start a refit job on the last `k` points (retrain / select: those since the drift). */
  private start(reason: ModelReason, k: number): void {
    const src = this.source;
    const job: Job = { reason, points: src.kind === 'online' ? k : Math.min(k, this.history.length), done: false, installAt: typeof this.swap === 'object' ? this.n + this.swap.after : Infinity, promise: Promise.resolve() };
    if (src.kind === 'online') {
      // The shadow scorer has learnt the points since the drift already: ready at once.
      job.online = this.shadow ?? src.make();
      this.shadow = null;
      job.done = true;
    } else {
      const rows = this.trainingRows(k, reason === 'update' && this.protect);
      // Every point flagged (protect): nothing to learn, the model stays.
      if (rows.rows === 0) return;
      const current = this.slots[this.slots.length - 1]?.model;
      job.promise = (async () => {
        // Yield first, so the caller's loop goes on scoring with the old model.
        await Promise.resolve();
        try {
          job.model = reason === 'update' && canFineTune(current) ? await current.fineTune(rows, src.fineTuneEpochs ?? 1) : await src.fit(rows);
        } catch (e) {
          job.error = e;
        }
        job.done = true;
      })();
    }
    this.job = job;
  }

  private async maybeInstall(out: StreamOutput, i: number): Promise<void> {
    const job = this.job!;
    if (typeof this.swap === 'object') {
      if (this.n < job.installAt) return;
      await job.promise;
    } else if (!job.done) {
      return;
    }
    this.install(job, out, i);
  }

  private install(job: Job, out: StreamOutput, i: number): void {
    this.job = null;
    if (job.error !== undefined) {
      if (this.onError) this.onError(job.error);
      else throw job.error;
      return;
    }
    const fresh = this.slot({ online: job.online, model: job.model, points: job.points });
    if (job.reason === 'select') {
      // Keep the two most recent; the newer scores until it has a recent error to compare.
      this.slots = [this.slots[this.slots.length - 1], fresh].filter((s): s is Slot => !!s);
      for (const s of this.slots) s.recent.clear();
      this.chosen = this.slots.length - 1;
    } else {
      const at = Math.max(0, this.slots.length - 1);
      this.slots[at] = fresh;
      if (this.slots.length > 1) for (const s of this.slots) s.recent.clear();
      this.chosen = this.slots.length - 1;
    }
    if (this.source.kind === 'batch') this.sinceUpdate = 0;
    out.events.push({ index: i, event: { updated: true, points: job.points, reason: job.reason, ...(this.slots.length > 1 ? { switched: 'newer' as const } : {}) } });
  }
}

/** The rows of M whose mask entry is `want` (mask: one per row), as a new matrix (M itself when all are). */
function keepRows(M: Matrix, mask: Uint8Array, want: 0 | 1): Matrix {
  let count = 0;
  for (let r = 0; r < M.rows; r++) if (mask[r] === want) count++;
  if (count === M.rows) return M;
  const out = new Float64Array(count * M.cols);
  let o = 0;
  for (let r = 0; r < M.rows; r++) {
    if (mask[r] !== want) continue;
    out.set(M.data.subarray(r * M.cols, (r + 1) * M.cols), o * M.cols);
    o++;
  }
  return { data: out, rows: count, cols: M.cols };
}
