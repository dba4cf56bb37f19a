/**
 * What every detector is, without its code: id, name, parameters (scikit-learn's
 * names, defaults, ranges, help), flags and the constants the page needs.
 *
 * The page (src/app), the pool's main-thread side and the CLI's flags read this
 * module; it imports nothing but the parameter specs, so the main thread's bundle
 * carries no solver, trainer or kernel. Each implementation (`<id>.ts` beside this
 * file) spreads its entry here into its DetectorSpec and adds `fit` / `load`; the
 * fit/load registry (registry.ts) is for workers, the CLI and tests only.
 *
 * @example
 * detectorMeta('lof').params.map((p) => p.name); // ['n_neighbors', 'contamination']
 */
import { contaminationParam, resolveParams, type ParamSpec, type Params } from './params.js';

/** A detector as the page, the pool and the CLI's flags know it (DetectorSpec adds fit and load). */
export interface DetectorMeta {
  id: string;
  name: string;
  /** One line for the detector picker. */
  summary: string;
  params: ParamSpec[];
  /** Whether the detector can use tfjs tensors (so a backend is worth initialising). */
  usesTensors: boolean;
  /** Whether fitting searches each row's neighbours (then FitOptions.neighbors can carry a search done elsewhere). */
  usesNeighbors?: boolean;
  /** How many neighbours fit searches for on `rows` training rows (usesNeighbors detectors). */
  neighborCount?: (params: Params, rows: number) => number;
  /** Whether its fitted models explain a row's score per feature (`explain(X)`, the autoencoder's). */
  explains?: boolean;
  /**
   * The fewest training rows fit accepts with these parameters: where scikit-learn / PyOD fit, so
   * do we (1 when absent). The contract suite fits on exactly this many and expects one fewer refused.
   */
  minRows?: (params: Params) => number;
  /** Where we deliberately differ from the reference library, a line each (the README's table). */
  notes: string[];
  /** Exactly this many feature columns (a time-series detector: 1); any number when absent. The page and the CLI say so before fitting. */
  columns?: number;
  /**
   * Scores causally, row by row in order, continuing from the state its fit ended in (NAB's
   * online detectors): a row's score depends on the rows before it, so its scoring is never
   * split into chunks (the page's pool, the CLI's threads).
   */
  online?: boolean;
  /** The interval every score lies in, where the detector guarantees one (NAB's runner maps the others' scores into [0, 1] by their running ECDF). */
  scoreRange?: [number, number];
  /**
   * A tabular detector that can run over sliding windows (WINDOW_PARAMS: window_size, stride,
   * differences; src/core/detectors/windowed.ts wraps its fit and load, src/core/data/window-features.ts
   * builds the windows). With window_size > 0 a row's score depends on the rows before it.
   */
  slidingWindows?: boolean;
  /**
   * A sequence model that windows the rows itself (lstm_ae, gru_ae: `window_size`, `stride` of its
   * own, not wrapped by windowed.ts): a row's score is its window's, the window ending at it, so it
   * reads the window_size − 1 rows before it (scoringContext), the first window_size − 1 rows score 0
   * (warming up), and it fits on consecutive rows only.
   */
  sequenceWindows?: boolean;
}

/**
 * The sliding-window parameters every tabular detector shares (spread at the end of its params): off
 * by default. Each row becomes the vector of its last window_size values per column (or their first
 * differences); its score is that of the window ending at it, so scores are causal.
 */
export const WINDOW_PARAMS: ParamSpec[] = [
  { name: 'window_size', type: 'int', default: 0, min: 0, max: 10_000, help: 'Sliding windows: each row becomes its last window_size values per column, scored as the window ending at it (causal; 0 = off)' },
  { name: 'stride', type: 'int', default: 1, min: 1, max: 1_000_000, help: 'Windows: fit on every stride-th full window (scoring still scores every row)' },
  { name: 'differences', type: 'int', default: 0, min: 0, max: 1, help: 'Windows: 1 = window the first differences x(t) − x(t−1) instead of the values' },
];

/** Whether a run of this detector with these (raw or resolved) parameters windows its rows (window_size > 0, or a sequence model). */
export function usesWindows(meta: DetectorMeta, params: Record<string, unknown>): boolean {
  if (meta.id === 'ensemble') return ensembleMembersOf(params).some((m) => usesWindows(m.meta, m.params));
  return (meta.slidingWindows === true && Number(params.window_size ?? 0) > 0) || meta.sequenceWindows === true;
}

/** The detector the page runs without a click (seed 42). */
export const DEFAULT_DETECTOR = 'iforest';

/** One-class SVM: above this many training rows method 'auto' takes the Nystroem + SGD route (exact training is quadratic: see bench/README.md). */
export const OCSVM_EXACT_MAX_ROWS = 20_000;

/** The autoencoder's hidden activations (torch's names). */
export const ACTIVATIONS = ['relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** libsvm's kernels we implement (src/core/compute/kernels.ts's KERNELS; a test keeps the two equal). */
const OCSVM_KERNELS = ['rbf', 'linear', 'poly', 'sigmoid'];

export const iforestMeta: DetectorMeta = {
  id: 'iforest',
  slidingWindows: true,
  name: 'Isolation Forest',
  summary: "scikit-learn's IsolationForest: random splits isolate anomalies in fewer steps.",
  usesTensors: true,
  // score = −score_samples = 2^(−E[h(x)] / c(n)).
  scoreRange: [0, 1],
  params: [
    { name: 'n_estimators', type: 'int', default: 100, min: 1, max: 10000, help: 'Number of trees' },
    { name: 'max_samples', type: 'size', default: 'auto', options: ['auto'], help: "Rows per tree: 'auto' = min(256, n), an integer count, or a fraction in (0, 1]" },
    contaminationParam("'auto' uses offset −0.5 (the paper's); a fraction in (0, 0.5] flags that share of the training rows"),
    { name: 'max_features', type: 'size', default: '1.0', of: 'columns', help: 'Features per tree: an integer count or a fraction in (0, 1] (1.0 = all)' },
    { name: 'bootstrap', type: 'bool', default: false, help: 'Draw each tree\'s rows with replacement' },
    ...WINDOW_PARAMS,
  ],
  notes: [
    "Trees come from our seeded stream, not numpy's: the same distribution of scores, not the same trees for a random_state.",
    'max_features = 0 and a max_samples fraction that leaves 0 rows are refused with a message.',
  ],
};

export const lofMeta: DetectorMeta = {
  id: 'lof',
  slidingWindows: true,
  name: 'Local Outlier Factor',
  summary: "scikit-learn's LocalOutlierFactor: density of a row against the density of its k nearest neighbours.",
  usesTensors: false,
  usesNeighbors: true,
  minRows: () => 2,
  // scikit-learn's n_neighbors_: clipped to rows − 1.
  neighborCount: (params, rows) => Math.max(1, Math.min(Number(params.n_neighbors), rows - 1)),
  params: [
    { name: 'n_neighbors', type: 'int', default: 20, min: 1, max: 100000, help: 'Neighbours per row (clipped to rows − 1)' },
    contaminationParam("'auto' uses offset −1.5 (LOF > 1.5 flagged); a fraction in (0, 0.5] flags that share of the training rows"),
    ...WINDOW_PARAMS,
  ],
  notes: [
    'One model: training rows get negative_outlier_factor_, other rows the novelty=True score.',
    'Neighbours at equal distance are ordered by row index, not by the tree traversal.',
  ],
};

export const knnMeta: DetectorMeta = {
  id: 'knn',
  slidingWindows: true,
  name: 'k-nearest neighbours',
  summary: "PyOD's KNN: distance to the k-th nearest neighbour (or the mean / median of the k).",
  usesTensors: false,
  usesNeighbors: true,
  minRows: (params) => Number(params.n_neighbors) + 1,
  neighborCount: (params) => Number(params.n_neighbors),
  params: [
    { name: 'n_neighbors', type: 'int', default: 5, min: 1, max: 100000, help: 'Neighbours per row' },
    { name: 'method', type: 'enum', default: 'largest', options: ['largest', 'mean', 'median'], help: 'Distance to the k-th neighbour, or the mean / median over the k' },
    { name: 'contamination', type: 'float', default: 0.1, min: 0, minExclusive: true, max: 0.5, help: 'Share of the training rows flagged (PyOD default 0.1)' },
    ...WINDOW_PARAMS,
  ],
  notes: ['Neighbours at equal distance are ordered by row index, not by the tree traversal.'],
};

export const ocsvmMeta: DetectorMeta = {
  id: 'ocsvm',
  slidingWindows: true,
  name: 'One-class SVM',
  summary: "scikit-learn's OneClassSVM (libsvm's SMO); Nystroem + SGDOneClassSVM above 20,000 rows.",
  usesTensors: true,
  params: [
    { name: 'kernel', type: 'enum', default: 'rbf', options: OCSVM_KERNELS, help: 'Kernel: rbf, linear, poly or sigmoid' },
    { name: 'gamma', type: 'float', default: 'scale', options: ['scale', 'auto'], min: 0, help: "Kernel coefficient: 'scale' = 1 / (features · X.var()), 'auto' = 1 / features, or a number >= 0" },
    { name: 'nu', type: 'float', default: 0.5, min: 0, minExclusive: true, max: 1, help: 'Upper bound on the share of training errors and lower bound on the share of support vectors' },
    { name: 'degree', type: 'int', default: 3, min: 0, advanced: true, help: 'Degree of the poly kernel' },
    { name: 'coef0', type: 'float', default: 0, advanced: true, help: 'Independent term of the poly and sigmoid kernels' },
    { name: 'standardize', type: 'bool', default: false, pageDefault: true, help: 'Standardise the features first (StandardScaler fitted on the training rows)' },
    { name: 'method', type: 'enum', default: 'auto', options: ['auto', 'exact', 'nystroem'], help: `exact: SMO on the full kernel; nystroem: Nystroem + SGDOneClassSVM (approximate); auto: exact up to ${OCSVM_EXACT_MAX_ROWS.toLocaleString('en-US')} rows` },
    { name: 'tol', type: 'float', default: 1e-3, min: 0, minExclusive: true, advanced: true, help: 'Stopping tolerance (SMO: KKT gap; SGD: loss improvement)' },
    { name: 'shrinking', type: 'bool', default: true, advanced: true, help: "Use libsvm's shrinking heuristic" },
    { name: 'cache_size', type: 'float', default: 200, min: 0, minExclusive: true, advanced: true, help: 'Kernel cache in MB' },
    { name: 'max_iter', type: 'int', default: -1, min: -1, advanced: true, help: 'SMO iteration limit (−1: none; 0 stops at the starting point)' },
    { name: 'n_components', type: 'int', default: 100, min: 1, max: 1000, help: 'Nystroem: basis rows of the kernel approximation' },
    { name: 'sgd_max_iter', type: 'int', default: 1000, min: 1, advanced: true, help: 'Nystroem: SGDOneClassSVM epochs at most' },
    contaminationParam("'auto' flags decision_function ≤ 0 (libsvm's predict, as scikit-learn's); a fraction in (0, 0.5] flags that share of the training rows"),
    ...WINDOW_PARAMS,
  ],
  notes: [
    "contamination, standardize and method are ours, not OneClassSVM's.",
    "kernel 'precomputed' and callables are not offered.",
  ],
};

export const zscoreMeta: DetectorMeta = {
  id: 'zscore',
  slidingWindows: true,
  name: 'z-score',
  summary: 'Largest absolute standard score over the columns; robust variant uses median and MAD.',
  usesTensors: true,
  params: [
    { name: 'robust', type: 'bool', default: false, help: 'Use median and MAD·1.4826 instead of mean and standard deviation' },
    contaminationParam("'auto' flags |z| > 3; a fraction in (0, 0.5] flags that share of the training rows"),
    ...WINDOW_PARAMS,
  ],
  notes: ["contamination 'auto' (|z| > 3) is ours; a fraction follows PyOD's threshold_."],
};

export const autoencoderMeta: DetectorMeta = {
  id: 'autoencoder',
  slidingWindows: true,
  name: 'AutoEncoder',
  summary: "PyOD's AutoEncoder: a dense network reconstructs each standardised row; the reconstruction error is the score.",
  usesTensors: true,
  explains: true,
  minRows: () => 2,
  params: [
    { name: 'hidden_neuron_list', type: 'intlist', default: '64,32', min: 1, max: 4096, help: 'Units of the encoder layers, comma-separated; the decoder mirrors them (64,32: d→64→32→64→d)' },
    { name: 'hidden_activation_name', type: 'enum', default: 'relu', options: [...ACTIVATIONS], advanced: true, help: 'Activation of the hidden layers' },
    { name: 'batch_norm', type: 'bool', default: true, help: 'Batch normalisation after each hidden Linear layer (PyOD 2.x default)' },
    { name: 'dropout_rate', type: 'float', default: 0.2, min: 0, max: 0.95, help: 'Dropout after each hidden layer while training' },
    { name: 'lr', type: 'float', default: 1e-3, min: 0, minExclusive: true, max: 10, help: 'Adam learning rate' },
    { name: 'weight_decay', type: 'float', default: 1e-5, min: 0, max: 1, advanced: true, help: "L2 penalty added to the gradients (torch Adam's weight_decay; PyOD's optimizer_params default)" },
    { name: 'epoch_num', type: 'int', default: 10, min: 1, max: 10000, help: 'Training epochs' },
    { name: 'batch_size', type: 'int', default: 32, min: 1, max: 1_000_000, help: 'Rows per training step (the last partial batch of an epoch is dropped)' },
    { name: 'preprocessing', type: 'bool', default: true, advanced: true, help: 'Standardise the columns with the training rows\' mean and standard deviation' },
    { name: 'validation_size', type: 'float', default: 0.1, min: 0, max: 0.5, advanced: true, help: 'Share of the rows held out (seeded) for the validation loss; 0 trains on all rows as PyOD 2.x' },
    { name: 'patience', type: 'int', default: 0, min: 0, max: 10000, advanced: true, help: 'Stop after this many epochs without a lower validation loss (training loss without validation rows); 0 = never' },
    { name: 'contamination', type: 'float', default: 0.1, min: 0, minExclusive: true, max: 0.5, help: 'Share of the training rows flagged (PyOD default 0.1)' },
    ...WINDOW_PARAMS,
  ],
  notes: [
    "Weights are drawn from our seeded stream (torch's generator cannot be matched).",
    'The score is the mean squared error of the standardised row; PyOD reports its Euclidean norm (same order).',
  ],
};

export const windowedGaussianMeta: DetectorMeta = {
  id: 'windowed_gaussian',
  name: 'Windowed Gaussian',
  summary: "NAB's windowed Gaussian: each value's normal tail probability under the mean and std of a window of the values before it (one value column, causal).",
  usesTensors: false,
  columns: 1,
  online: true,
  scoreRange: [0, 1],
  params: [
    { name: 'window_size', type: 'int', default: 6400, min: 1, max: 1_000_000, help: 'Values in the window (NAB: 6400); until it is full every earlier value counts' },
    { name: 'step_size', type: 'int', default: 100, min: 1, max: 1_000_000, help: 'Once the window is full, it slides (and mean / std are recomputed) every this many values (NAB: 100); at most window_size' },
    contaminationParam("'auto' flags values more than 5 std from the window's mean (score > 1 − Q(5)); a fraction in (0, 0.5] flags that share of the training rows"),
  ],
  notes: [
    "contamination is ours: NAB optimises one threshold over its corpus (anomaly-lab nab does that).",
    'A fitted model keeps the stream\'s state: scoring new rows continues the stream where the training rows ended.',
  ],
};

/** The recurrent autoencoders' thresholds: the contamination quantile, or the largest training-window error (the Keras example's rule). */
export const RNN_THRESHOLDS = ['contamination', 'max_train'] as const;

/**
 * The LSTM / GRU autoencoders' parameters (src/core/detectors/rnn-ae.ts). Defaults chosen from
 * PyOD's LSTMAD, Merlion's LSTMED, TimeEval's EncDec-AD and the Keras example (README.md says why):
 * window 30 and early stopping as EncDec-AD, hidden 32 between Merlion's 5 and PyOD's 64.
 */
function rnnParams(cell: 'LSTM' | 'GRU'): ParamSpec[] {
  return [
    { name: 'window_size', type: 'int', default: 30, min: 2, max: 2000, help: `Rows per window: each row is scored by the ${cell} reconstruction of the window ending at it (causal); the first window_size − 1 rows score 0 (warming up)` },
    { name: 'stride', type: 'int', default: 1, min: 1, max: 1_000_000, help: 'Train on every stride-th full window of the fit rows (larger: faster; scoring still scores every row)' },
    { name: 'hidden_size', type: 'int', default: 32, min: 1, max: 1024, help: `Units of each ${cell} layer (the encoder's last hidden state is the window's code)` },
    { name: 'n_layers', type: 'int', default: 1, min: 1, max: 4, help: `Stacked ${cell} layers in the encoder and in the decoder` },
    { name: 'epoch_num', type: 'int', default: 20, min: 1, max: 10000, help: 'Training epochs at most (fewer with early stopping)' },
    { name: 'batch_size', type: 'int', default: 32, min: 1, max: 1_000_000, help: 'Windows per training step (the last batch of an epoch may be smaller)' },
    { name: 'lr', type: 'float', default: 1e-3, min: 0, minExclusive: true, max: 10, help: 'Adam learning rate' },
    { name: 'dropout_rate', type: 'float', default: 0, min: 0, max: 0.95, advanced: true, help: `Dropout after each ${cell} layer while training` },
    { name: 'validation_size', type: 'float', default: 0.1, min: 0, max: 0.5, advanced: true, help: 'Share of the training windows, the latest ones, held out for the validation loss and early stopping (0: none)' },
    { name: 'patience', type: 'int', default: 5, min: 0, max: 10000, advanced: true, help: 'Stop after this many epochs without a lower validation loss (training loss without validation windows) and keep the best epoch\'s weights; 0 = train every epoch, keep the last' },
    { name: 'contamination', type: 'float', default: 0.1, min: 0, minExclusive: true, max: 0.5, help: "Share of the training windows flagged (threshold = 'contamination')" },
    { name: 'threshold', type: 'enum', default: 'contamination', options: [...RNN_THRESHOLDS], help: "'contamination': the (1 − contamination) quantile of the training windows' errors; 'max_train': the largest training-window error (the Keras example's rule)" },
  ];
}

function rnnMeta(id: 'lstm_ae' | 'gru_ae', cell: 'LSTM' | 'GRU'): DetectorMeta {
  return {
    id,
    name: `${cell} autoencoder`,
    summary: `An encoder ${cell} reads each window of the last window_size rows, a decoder ${cell} rebuilds it; the window's mean squared error scores the row that ends it.`,
    usesTensors: true,
    explains: true,
    sequenceWindows: true,
    // One full window.
    minRows: (params) => Number(params.window_size),
    params: rnnParams(cell),
    notes: [
      "Weights are drawn from tfjs' seeded initialisers (Glorot uniform kernels, orthogonal recurrent kernels), not torch's generator.",
      cell === 'GRU'
        ? "The GRU cell is Keras' (reset gate before the recurrent product, reset_after = False): PyTorch's GRU resets after it."
        : "The LSTM cell is Keras' (sigmoid gates, forget-gate bias 1 at the start); PyTorch's starts every bias uniform.",
      'Validation windows are the latest validation_size share (Keras\' validation_split), not a random share.',
    ],
  };
}

export const lstmAeMeta: DetectorMeta = rnnMeta('lstm_ae', 'LSTM');
export const gruAeMeta: DetectorMeta = rnnMeta('gru_ae', 'GRU');

export const halfSpaceTreesMeta: DetectorMeta = {
  id: 'half_space_trees',
  name: 'Half-Space Trees',
  summary: "River's HalfSpaceTrees: an online forest of random half-space splits; a point that falls where few recent points fell scores high (causal, any number of columns).",
  usesTensors: false,
  online: true,
  // 1 − a mass-weighted depth normalised by its largest value.
  scoreRange: [0, 1],
  params: [
    { name: 'n_trees', type: 'int', default: 10, min: 1, max: 10_000, help: 'Number of trees' },
    { name: 'height', type: 'int', default: 8, min: 1, max: 20, help: 'Height of each tree: height + 1 levels, 2^(height+1) − 1 nodes' },
    { name: 'window_size', type: 'int', default: 250, min: 1, max: 1_000_000, help: 'Points per window: the node counts of the last complete window score the points after it; the first window scores 0' },
    { name: 'contamination', type: 'float', default: 0.1, min: 0, minExclusive: true, max: 0.5, help: 'Share of the training rows flagged (the paper defines no constant)' },
  ],
  notes: [
    "Features are scaled by their running min and max (River's MinMaxScaler | HalfSpaceTrees pipeline, built in); a zero range counts as 1 (scikit-learn's MinMaxScaler), where River's scaler gives 0.",
    "Trees come from our seeded stream, not Python's random.Random: the same distribution of trees, not River's trees for a seed.",
    'A fitted model keeps the stream\'s state: scoring new rows continues the stream where the training rows ended.',
  ],
};

/** The ensemble's combination functions: PyOD's (pyod/models/combination.py) and a weighted average with the user's weights. */
export const ENSEMBLE_COMBINE = ['average', 'maximization', 'median', 'aom', 'moa', 'weighted'] as const;
/** How each member's scores are put on one scale before combining, fitted on its training scores. */
export const ENSEMBLE_NORMALIZE = ['zscore', 'minmax', 'rank'] as const;

/** One member of an ensemble, as the `members` parameter lists them (params: the ones given, checked). */
export interface EnsembleMember {
  detector: string;
  params: Record<string, unknown>;
}

/**
 * The `members` parameter checked: a list of at least two `{ "detector": id, "params": {…} }`, each
 * a known detector (no ensemble inside an ensemble, no online member: its model continues a stream;
 * windowed and recurrent members are fine, they score causally), each
 * member's params valid for it (resolveParams' messages, prefixed "members[i] (id)"). Returns the
 * list with each given parameter in its parsed form.
 */
export function checkMembers(v: unknown): EnsembleMember[] {
  if (!Array.isArray(v)) throw new TypeError(`members must be a JSON list such as [{"detector":"iforest"},{"detector":"lof","params":{"n_neighbors":35}}], got: ${JSON.stringify(v)?.slice(0, 80)}`);
  if (v.length < 2) throw new RangeError(`members must list at least 2 detectors, got ${v.length}`);
  if (v.length > 64) throw new RangeError(`members lists at most 64 detectors, got ${v.length}`);
  return v.map((m, i) => {
    const at = `members[${i}]`;
    if (!m || typeof m !== 'object' || Array.isArray(m)) throw new TypeError(`${at} must be an object {"detector": id, "params": {…}}, got: ${JSON.stringify(m)}`);
    const { detector, params = {}, ...rest } = m as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length) throw new RangeError(`${at} has unknown key '${extra[0]}' (keys: detector, params)`);
    if (typeof detector !== 'string') throw new TypeError(`${at}.detector must be a detector id such as "iforest", got: ${JSON.stringify(detector)}`);
    if (detector === 'ensemble') throw new RangeError(`${at}: an ensemble cannot be a member of an ensemble`);
    const meta = DETECTOR_METAS.find((x) => x.id === detector);
    if (!meta) throw new RangeError(`${at}: unknown detector '${detector}' (available: ${DETECTOR_METAS.filter((x) => x.id !== 'ensemble').map((x) => x.id).join(', ')})`);
    if (!params || typeof params !== 'object' || Array.isArray(params)) throw new TypeError(`${at} (${detector}).params must be an object, got: ${JSON.stringify(params)}`);
    let resolved: Params;
    try {
      resolved = resolveParams(meta.params, params as Record<string, unknown>, detector);
    } catch (e) {
      const E = e instanceof TypeError ? TypeError : RangeError;
      throw new E(`${at} (${detector}): ${(e as Error).message}`);
    }
    // An online member's model continues its stream where its fit ended, which the ensemble's own fit-then-score cannot follow.
    if (meta.online) throw new RangeError(`${at} (${detector}) is an online detector (its scores continue one stream); ensemble members fit first and score after: use a windowed or recurrent detector instead`);
    const given: Record<string, unknown> = {};
    for (const k of Object.keys(params as object)) given[k] = resolved[k];
    return { detector, params: given };
  });
}

/**
 * The ensemble's members from its raw or resolved params (the default list when none is given),
 * each with its metadata and resolved parameters; [] when the list does not parse (resolveParams
 * reports that).
 */
export function ensembleMembersOf(params: Record<string, unknown>): { meta: DetectorMeta; params: Params }[] {
  try {
    const raw = params.members ?? ensembleMeta.params[0].default;
    return checkMembers(typeof raw === 'string' ? JSON.parse(raw) : raw).map((m) => {
      const meta = detectorMeta(m.detector);
      return { meta, params: resolveParams(meta.params, m.params, m.detector) };
    });
  } catch {
    return [];
  }
}

/** The `weights` parameter checked: [] (equal weights) or non-negative finite numbers, not all 0; one per member is checked at fit. */
export function checkWeights(v: unknown): number[] {
  if (v === '' || v === null) return [];
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || list.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)) throw new TypeError(`weights must be a JSON list of non-negative numbers such as [2,1], got: ${JSON.stringify(v)}`);
  if (list.length && list.every((w) => w === 0)) throw new RangeError(`weights must not all be 0, got: ${JSON.stringify(v)}`);
  return list as number[];
}

export const ensembleMeta: DetectorMeta = {
  id: 'ensemble',
  name: 'Ensemble',
  summary: "Several detectors fitted on the same rows; each one's scores normalised on its training scores, then combined (PyOD's combination functions or a weighted average).",
  usesTensors: true,
  // As many as its most demanding member needs (a recurrent member: one full window).
  minRows: (params) => Math.max(2, ...ensembleMembersOf(params).map((m) => m.meta.minRows?.(m.params) ?? 1)),
  params: [
    { name: 'members', type: 'json', default: '[{"detector":"iforest","params":{}},{"detector":"lof","params":{}}]', check: checkMembers, help: 'Members as JSON: [{"detector":"iforest"},{"detector":"lof","params":{"n_neighbors":35}}]; member i fits with seed + i' },
    { name: 'normalize', type: 'enum', default: 'zscore', options: [...ENSEMBLE_NORMALIZE], help: "Each member's scores on one scale, fitted on its training scores: zscore (PyOD's standardizer: mean and std), minmax, or rank (the share of training scores ≤ the score)" },
    { name: 'combine', type: 'enum', default: 'average', options: [...ENSEMBLE_COMBINE], help: "average, maximization, median, aom (average of the buckets' maxima), moa (maximum of the buckets' averages), or weighted (average with weights)" },
    { name: 'n_buckets', type: 'int', default: 2, min: 2, max: 64, help: "aom / moa: buckets of members, a seeded shuffle split into equal parts (PyOD's method 'static'); must divide the number of members" },
    { name: 'weights', type: 'json', default: '[]', check: checkWeights, help: 'weighted: one non-negative weight per member as JSON, [2,1]; [] = equal weights' },
    { name: 'contamination', type: 'float', default: 0.1, min: 0, minExclusive: true, max: 0.5, help: "Share of the training rows flagged by the combined score (PyOD's threshold_, default 0.1)" },
  ],
  notes: [
    "aom / moa split the members with our seeded shuffle (PyOD's 'static' method with a random_state), not numpy's: the same rule, not the same split for a seed; 'dynamic' and bootstrap buckets are not offered.",
    'Each member fits with seed + its index, so two Isolation Forests in one ensemble differ.',
    'Online members (windowed_gaussian, half_space_trees) are refused: their models continue one stream. Windowed and recurrent members score causally; the ensemble then reads the rows before a row as its most demanding member does.',
  ],
};

/** Every detector in the picker's order; the registry holds their implementations in the same order. */
export const DETECTOR_METAS: readonly DetectorMeta[] = [iforestMeta, lofMeta, knnMeta, ocsvmMeta, zscoreMeta, autoencoderMeta, windowedGaussianMeta, halfSpaceTreesMeta, lstmAeMeta, gruAeMeta, ensembleMeta];

/** A detector's metadata by id; an unknown id is a RangeError listing the known ones. */
export function detectorMeta(id: string): DetectorMeta {
  const d = DETECTOR_METAS.find((x) => x.id === id);
  if (!d) throw new RangeError(`unknown detector '${id}' (available: ${DETECTOR_METAS.map((x) => x.id).join(', ')})`);
  return d;
}

/**
 * How many neighbours a detector's fit searches on `rows` training rows with these (raw) parameters;
 * 0 for a detector that searches none (or a windowed run). The page's pool and the CLI split that search before the fit.
 */
export function neighborsToSearch(meta: DetectorMeta, params: Record<string, unknown>, rows: number): number {
  // A windowed fit searches among its training windows, not the rows: it does its own search.
  if (usesWindows(meta, params)) return 0;
  return meta.usesNeighbors && meta.neighborCount ? meta.neighborCount(resolveParams(meta.params, params, meta.id), rows) : 0;
}
