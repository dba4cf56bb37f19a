/**
 * "Copy as Python" (issue 23): a short, runnable scikit-learn / PyOD script that reproduces a run of
 * the page — the same CSV columns, missing-value policy, detector, parameters and seed, the threshold
 * as a contamination quantile or as the score cut in use, and the same metrics. It reads the CSV with
 * the standard library's `csv` and numpy only (no pandas), and takes a cell that is not a finite
 * number as missing, as our reader does (`NA`, empty, `inf`).
 *
 * Scores are ours in sign: higher = more abnormal (`-score_samples`, `-negative_outlier_factor_`,
 * `-decision_function`). Deterministic detectors (LOF, the exact One-class SVM, kNN, z-score) give
 * our numbers to rounding; Isolation Forest's trees come from our random stream, not numpy's, so its
 * scores differ (the snippet says so in a comment).
 */
import type { MissingPolicy } from '../data/prepare.js';

/** What the page ran: enough to write the script. */
export interface PythonRun {
  /** The CSV file's name (the script opens it from the working directory). */
  file: string;
  /** Feature columns, in order. */
  columns: string[];
  missing: MissingPolicy;
  detector: string;
  /** Resolved parameters (params.ts), as the run used them. */
  params: Record<string, unknown>;
  seed: number;
  /** The score cut in use: flagged = score > threshold. */
  threshold: number;
  /** The detector's own threshold (from its contamination); equal to `threshold` until the slider moved. */
  modelThreshold: number;
  /** The label column and the value meaning "anomaly", when labels are chosen. */
  label?: { column: string; positive: string } | null;
  /** Which rows the model was fitted on, in words ('all rows' unless a subset was chosen). */
  fittedOn?: string;
}

/** Detectors the script can rebuild. */
export const PYTHON_DETECTORS = ['iforest', 'lof', 'ocsvm', 'knn', 'zscore'] as const;

/** A JS value as a Python literal (numbers round-trip: String() is the shortest exact form). */
function py(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return "float('nan')";
    if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "-float('inf')";
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  return JSON.stringify(String(v)); // a JSON string is a valid Python string literal for these texts
}

/** A size parameter (max_samples, max_features): 'auto', an integer count or a fraction, as scikit-learn takes it. */
function pySize(v: unknown): string {
  if (v === 'auto') return "'auto'";
  const n = Number(v);
  return Number.isInteger(n) && !String(v).includes('.') ? String(n) : String(n === 1 ? '1.0' : n);
}

function param(run: PythonRun, name: string): unknown {
  return run.params[name];
}

/** The model lines: build, fit, and `scores` (higher = more abnormal) for every row. */
function modelLines(run: PythonRun): { imports: string[]; lines: string[]; random: boolean } {
  const p = (n: string) => py(param(run, n));
  const contamination = param(run, 'contamination');
  switch (run.detector) {
    case 'iforest':
      return {
        imports: ['from sklearn.ensemble import IsolationForest'],
        lines: [
          `model = IsolationForest(n_estimators=${p('n_estimators')}, max_samples=${pySize(param(run, 'max_samples'))}, contamination=${py(contamination)},`,
          `                        max_features=${pySize(param(run, 'max_features'))}, bootstrap=${p('bootstrap')}, random_state=${run.seed}).fit(X)`,
          'scores = -model.score_samples(X)',
        ],
        random: true,
      };
    case 'lof':
      return {
        imports: ['from sklearn.neighbors import LocalOutlierFactor'],
        lines: [
          `model = LocalOutlierFactor(n_neighbors=${p('n_neighbors')}, contamination=${py(contamination)}).fit(X)`,
          'scores = -model.negative_outlier_factor_',
        ],
        random: false,
      };
    case 'ocsvm': {
      const standardize = param(run, 'standardize') === true;
      const nystroem = param(run, 'method') === 'nystroem';
      return {
        imports: ['from sklearn.svm import OneClassSVM', ...(standardize ? ['from sklearn.preprocessing import StandardScaler'] : [])],
        lines: [
          ...(nystroem ? ["# The page used Nystroem + SGDOneClassSVM (approximate); this is the exact One-class SVM."] : []),
          ...(standardize ? ['X = StandardScaler().fit_transform(X)  # standardize=true: the page standardises first'] : []),
          `model = OneClassSVM(kernel=${p('kernel')}, gamma=${typeof param(run, 'gamma') === 'number' ? p('gamma') : py(param(run, 'gamma'))}, nu=${p('nu')}, degree=${p('degree')}, coef0=${p('coef0')},`,
          `                    tol=${p('tol')}, shrinking=${p('shrinking')}, cache_size=${p('cache_size')}, max_iter=${p('max_iter')}).fit(X)`,
          'scores = -model.decision_function(X)',
        ],
        random: false,
      };
    }
    case 'knn':
      return {
        imports: ['from pyod.models.knn import KNN  # pip install pyod'],
        lines: [
          `model = KNN(n_neighbors=${p('n_neighbors')}, method=${p('method')}, contamination=${py(contamination)}).fit(X)`,
          'scores = model.decision_scores_',
        ],
        random: false,
      };
    case 'zscore': {
      const robust = param(run, 'robust') === true;
      return {
        imports: [],
        lines: robust
          ? ['centre = np.median(X, axis=0)', 'scale = 1.4826 * np.median(np.abs(X - centre), axis=0)', 'scores = np.max(np.abs((X - centre) / scale), axis=1)']
          : ['centre = X.mean(axis=0)', 'scale = X.std(axis=0)', 'scores = np.max(np.abs((X - centre) / scale), axis=1)'],
        random: false,
      };
    }
    default:
      throw new RangeError(`Copy as Python covers ${PYTHON_DETECTORS.join(', ')}; ${run.detector} has no scikit-learn / PyOD equivalent to write`);
  }
}

/** The threshold lines: the contamination quantile when the score cut is still the detector's own, else the cut as a number. */
function thresholdLines(run: PythonRun): string[] {
  const c = run.params.contamination;
  if (run.threshold === run.modelThreshold && typeof c === 'number') {
    return [
      `contamination = ${py(c)}`,
      '# numpy\'s linear quantile of the training scores, as scikit-learn\'s offset_ and PyOD\'s threshold_',
      'threshold = np.quantile(scores, 1 - contamination)',
    ];
  }
  const why = run.threshold === run.modelThreshold ? `the detector's own (contamination ${py(c ?? 'auto')})` : 'the score cut set in the page';
  return [`threshold = ${py(run.threshold)}  # ${why}; flagged = score > threshold`];
}

function labelLines(run: PythonRun): string[] {
  if (!run.label) return [];
  const pos = run.label.positive;
  const numeric = pos.trim() !== '' && Number.isFinite(Number(pos));
  return [
    `LABEL = ${py(run.label.column)}`,
    numeric
      ? `y = np.array([number(r[LABEL]) == ${py(Number(pos))} for r in rows], dtype=int)  # 1 = anomaly`
      : `y = np.array([r[LABEL].strip() == ${py(pos)} for r in rows], dtype=int)  # 1 = anomaly`,
  ];
}

const IMPUTER: Record<MissingPolicy, string> = {
  median: "SimpleImputer(strategy='median')",
  mean: "SimpleImputer(strategy='mean')",
  zero: "SimpleImputer(strategy='constant', fill_value=0)",
};

/**
 * The script for `run`. Throws a RangeError for a detector it cannot rebuild (the autoencoders,
 * the stream detectors, ensembles) and for sliding windows.
 */
export function pythonSnippet(run: PythonRun): string {
  const windows = Number(run.params.window_size ?? 0);
  if (windows > 0) throw new RangeError(`Copy as Python does not write sliding windows (window_size ${windows}); set window_size to 0`);
  const model = modelLines(run);
  const labelled = !!run.label;
  const out: string[] = [
    `# Anomaly Lab run: ${run.detector} on ${run.file} (${run.columns.length} column${run.columns.length === 1 ? '' : 's'}, seed ${run.seed})`,
    model.random
      ? "# Scores differ from the page's: our random stream is not numpy's, so random_state gives other trees (the same distribution of scores)."
      : "# Deterministic: the same scores as the page's to rounding. Scores differ only where our random stream differs from numpy's (Isolation Forest's trees).",
    ...(run.fittedOn && run.fittedOn !== 'all rows' ? [`# The page fitted on ${run.fittedOn}; this script fits on all rows.`] : []),
    'import csv',
    'import json',
    '',
    'import numpy as np',
    'from sklearn.impute import SimpleImputer',
    ...(labelled ? ['from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score'] : []),
    ...model.imports,
    '',
    `PATH = ${py(run.file)}`,
    `COLUMNS = ${py(run.columns)}`,
    '',
    '',
    'def number(cell):',
    '    """A cell as a float; NaN (missing) for empty, NA, text or a non-finite number, as Anomaly Lab reads it."""',
    '    try:',
    '        v = float(cell)',
    '    except (TypeError, ValueError):',
    "        return float('nan')",
    "    return v if np.isfinite(v) else float('nan')",
    '',
    '',
    "with open(PATH, newline='', encoding='utf-8-sig') as f:",
    '    rows = list(csv.DictReader(f))',
    `X = ${IMPUTER[run.missing]}.fit_transform(np.array([[number(r[c]) for c in COLUMNS] for r in rows]))  # missing cells: ${run.missing}`,
    ...labelLines(run),
    '',
    ...model.lines,
    ...thresholdLines(run),
    'flagged = scores > threshold',
    '',
    `result = {'threshold': float(threshold), 'flagged': int(flagged.sum()), 'rows': len(rows)}`,
    ...(labelled
      ? [
          'result.update(',
          '    precision=precision_score(y, flagged, zero_division=0), recall=recall_score(y, flagged, zero_division=0),',
          '    f1=f1_score(y, flagged, zero_division=0), roc_auc=roc_auc_score(y, scores), average_precision=average_precision_score(y, scores))',
        ]
      : []),
    'print(json.dumps(result, indent=1))',
  ];
  return `${out.join('\n')}\n`;
}
