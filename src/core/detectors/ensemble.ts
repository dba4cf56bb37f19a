/**
 * The ensemble detector: several detectors fitted on the same rows, each member's scores put on
 * one scale by a normaliser fitted on its training scores, then combined row by row
 * (combination.ts: PyOD's average / maximization / median / aom / moa, or a weighted average).
 *
 * Fit: members one after the other (progress says which), member i with seed + i, or given fitted
 * (FitOptions.members: the page's pool fits them side by side, one worker each); a member's
 * training scores are its own (`trainingScores`, PyOD's decision_scores_: LOF's
 * negative_outlier_factor_) or, where it keeps none, its scores of the training rows. The combined
 * training scores set the threshold by PyOD's rule (the (1 − contamination) percentile). Score:
 * each member scores the rows, its normaliser maps them, the combination joins them. The model file
 * holds every member's model file (checked as any other by model-schema.ts), the normalisers and
 * the aom / moa buckets, so a reloaded ensemble scores the same to the bit.
 *
 * @example
 * const spec = makeEnsemble(getDetector);
 * const model = await spec.fit(X, resolveParams(spec.params, { members: '[{"detector":"iforest"},{"detector":"zscore"}]' }), { seed: 1 });
 * await model.score(X); // Float64Array (rows,): the mean of the members' z-scored scores
 */
import type { Matrix } from '../data/matrix.js';
import { DEFAULT_SEED } from '../random.js';
import { Scores, checkModelJSON, checkTraining, checkFeatures, throwIfAborted, type DetectorSpec, type FitOptions, type FittedModel, type ModelInfo, type ModelJSON, type ScoreOptions } from './detector.js';
import { resolveParams, type Params } from './params.js';
import { ensembleMeta, type EnsembleMember } from './specs.js';
import { fitThreshold } from './threshold.js';
import { applyNormalizer, combine, fitNormalizer, staticBuckets, type CombineKind, type NormalizeKind, type Normalizer } from './combination.js';

/** What an ensemble's model file keeps beside its params. */
export interface EnsembleState {
  members: ModelJSON[];
  normalizers: Normalizer[];
  /** aom / moa: the buckets of member indices; [] otherwise. */
  buckets: number[][];
}

/** The members and weights as the (resolved) params hold them. */
export function ensembleParts(params: Params): { members: EnsembleMember[]; weights: number[] } {
  return { members: JSON.parse(String(params.members)) as EnsembleMember[], weights: JSON.parse(String(params.weights ?? '[]')) as number[] };
}

/**
 * The ensemble's spec, given the registry's lookup (passed in rather than imported, so that
 * registry.ts and this module do not import each other).
 */
export function makeEnsemble(lookup: (id: string) => DetectorSpec): DetectorSpec {
  return {
    ...ensembleMeta,
    async fit(X: Matrix, params: Params, options: FitOptions = {}): Promise<FittedModel> {
      checkTraining(X, 'ensemble', 2);
      const { members, weights } = ensembleParts(params);
      const combineKind = params.combine as CombineKind;
      const seed = options.seed ?? DEFAULT_SEED;
      if (combineKind === 'weighted' && weights.length && weights.length !== members.length) throw new RangeError(`weights has ${weights.length} entries but members lists ${members.length} detectors: give one weight per member`);
      const buckets = combineKind === 'aom' || combineKind === 'moa' ? staticBuckets(members.length, Number(params.n_buckets), seed) : [];
      const models: FittedModel[] = [];
      const normalizers: Normalizer[] = [];
      const train: Float64Array[] = [];
      const n = members.length;
      for (let i = 0; i < n; i++) {
        throwIfAborted(options.signal);
        const m = members[i];
        const spec = lookup(m.detector);
        const what = `member ${i + 1}/${n} (${m.detector})`;
        options.onProgress?.(i / n, what);
        // Fitted elsewhere (the pool's workers, side by side): checked to be this member, on these rows.
        const given = options.members?.[i];
        if (given && (given.model.detector !== m.detector || given.model.features !== X.cols || given.trainingScores.length !== X.rows)) throw new RangeError(`${what}: the member fitted elsewhere does not match (${given.model.detector}, ${given.model.features} features, ${given.trainingScores.length} training scores)`);
        const model = given?.model ?? await spec.fit(X, resolveParams(spec.params, m.params, m.detector), {
          seed: seed + i, signal: options.signal, backend: options.backend,
          onProgress: (f, msg) => options.onProgress?.((i + Math.min(1, Math.max(0, f))) / n, `${what}${msg ? `: ${msg}` : ''}`),
        });
        const t = given ? given.trainingScores : model.trainingScores && model.trainingScores.length === X.rows ? model.trainingScores : await model.score(X, { signal: options.signal, backend: options.backend });
        models.push(model);
        train.push(Float64Array.from(t));
        normalizers.push(fitNormalizer(params.normalize as NormalizeKind, t));
      }
      const trainingScores = combine(combineKind, train.map((t, j) => applyNormalizer(normalizers[j], t)), { buckets, weights });
      const { threshold } = fitThreshold({ kind: 'pyod', contamination: Number(params.contamination) }, trainingScores);
      options.onProgress?.(1, 'fitted');
      return new EnsembleModel(params, X.cols, threshold, models, normalizers, buckets, trainingScores);
    },
    load(json: ModelJSON): FittedModel {
      const m = checkModelJSON(json, 'ensemble');
      const s = m.state as EnsembleState;
      const models = s.members.map((mj) => lookup(mj.detector).load(mj));
      return new EnsembleModel(m.params, m.features, m.threshold, models, s.normalizers, s.buckets);
    },
  };
}

class EnsembleModel implements FittedModel {
  readonly detector = 'ensemble';
  readonly info: ModelInfo;
  constructor(
    readonly params: Params,
    readonly features: number,
    readonly threshold: number,
    private readonly members: FittedModel[],
    private readonly normalizers: Normalizer[],
    private readonly buckets: number[][],
    readonly trainingScores?: Float64Array,
  ) {
    this.info = {
      compute: 'float64 typed arrays (members: their own)',
      warnings: members.flatMap((mm, i) => mm.info.warnings.map((w) => `member ${i + 1} (${mm.detector}): ${w}`)),
      details: {
        members: members.map((mm, i) => ({ detector: mm.detector, params: mm.params, threshold: mm.threshold, compute: mm.info.compute, normalizer: summary(normalizers[i]) })),
        normalize: params.normalize,
        combine: params.combine,
        ...(buckets.length ? { buckets } : {}),
      },
    };
  }

  async score(X: Matrix, options: ScoreOptions = {}): Promise<Scores> {
    checkFeatures(X, this.features, 'ensemble');
    const cols: Float64Array[] = [];
    const computes = new Set<string>();
    for (let i = 0; i < this.members.length; i++) {
      throwIfAborted(options.signal);
      const s = await this.members[i].score(X, { signal: options.signal, backend: options.backend, path: options.path });
      computes.add(s.compute);
      cols.push(applyNormalizer(this.normalizers[i], s));
      options.onProgress?.((i + 1) / this.members.length);
    }
    const { weights } = ensembleParts(this.params);
    const out = combine(this.params.combine as CombineKind, cols, { buckets: this.buckets, weights });
    return Scores.with(out, `float64 typed arrays over the members' ${[...computes].join(' / ')}`);
  }

  toJSON(): ModelJSON {
    const state: EnsembleState = { members: this.members.map((m) => m.toJSON()), normalizers: this.normalizers, buckets: this.buckets };
    return { format: 'anomaly-lab-model', version: 1, detector: 'ensemble', params: this.params, threshold: this.threshold, features: this.features, state };
  }
}

function summary(n: Normalizer): Record<string, unknown> {
  return n.kind === 'rank' ? { kind: 'rank', training_scores: n.sorted.length } : { ...n };
}
