#!/usr/bin/python3
"""Fixtures for tests/unit/metrics-sklearn.test.ts: the binary cases of
scikit-learn's own tests (sklearn/metrics/tests/test_classification.py and
test_ranking.py) that our metrics can express, with what scikit-learn computes
on each, warnings included.

Run:  /usr/bin/python3 scripts/make_metrics_fixtures.py
Needs numpy and scikit-learn 1.2.1 (Debian: python3-sklearn) and pytest (the
test modules are imported for their make_prediction helpers). Deterministic.
Writes tests/fixtures/metrics-sklearn.json. The tests never need Python.

Every case is (y_true, y_score, threshold): labels 0/1 (1 = anomaly; a
test's other coding, e.g. -1/1 or 'a'/'b', is mapped to it), scores, and the
prediction y_pred = y_score > threshold. A case that ports a test given as
(y_true, y_pred) uses y_score = y_pred and threshold 0.5.
NaN is written as null, ±inf as "inf" / "-inf".
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_json import fl, fl_list  # noqa: E402
from sklearn.metrics import (accuracy_score, average_precision_score, balanced_accuracy_score,
                             f1_score, fbeta_score, matthews_corrcoef, precision_recall_curve,
                             precision_score, recall_score, roc_auc_score, roc_curve)
from sklearn.metrics.tests import test_classification as tc
from sklearn.metrics.tests import test_ranking as tr

assert sklearn.__version__ == '1.2.1', f'scikit-learn 1.2.1 expected, got {sklearn.__version__}'

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'metrics-sklearn.json')
VERSIONS = {'numpy': np.__version__, 'sklearn': sklearn.__version__, 'python': sys.version.split()[0]}
BETAS = [0.0, 0.5, 1.0, 2.0, 1e5, float('inf')]


def caught(fn, *args, **kwargs):
    """fn's result (or the ValueError's message) and the warnings it raised, in order."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter('always')
        try:
            value, error = fn(*args, **kwargs), None
        except ValueError as e:
            value, error = None, str(e)
    return value, error, [str(w.message) for w in record]


def case(name, y_true, y_score, threshold=None):
    y = np.asarray(y_true, dtype=np.int64)
    s = np.asarray(y_score, dtype=np.float64)
    assert set(np.unique(y)) <= {0, 1}, name
    if threshold is None:
        threshold = float(np.median(s))
    pred = (s > threshold).astype(np.int64)
    out = {'name': name, 'labels': y.tolist(), 'scores': fl_list(s), 'threshold': fl(threshold)}
    # classification at the threshold (pos_label=1, average='binary', zero_division='warn')
    for key, fn in [('precision', precision_score), ('recall', recall_score), ('f1', f1_score),
                    ('accuracy', accuracy_score), ('matthews_corrcoef', matthews_corrcoef),
                    ('balanced_accuracy', balanced_accuracy_score)]:
        v, err, w = caught(fn, y, pred)
        assert err is None, (name, key, err)
        out[key] = fl(v)
        out[f'{key}_warnings'] = w
    out['fbeta'] = []
    for b in BETAS:
        v, err, w = caught(fbeta_score, y, pred, beta=b)
        assert err is None, (name, b, err)
        out['fbeta'].append({'beta': fl(b), 'value': fl(v), 'warnings': w})
    # ranking
    v, err, w = caught(roc_auc_score, y, s)
    out['roc_auc'] = None if v is None else fl(v)
    out['roc_auc_error'] = err
    v, err, w = caught(average_precision_score, y, s)
    assert err is None, (name, err)
    out['average_precision'] = fl(v)
    out['average_precision_warnings'] = w
    (fpr, tpr, thr), err, w = caught(roc_curve, y, s)  # drop_intermediate=True, the default
    out['roc_curve'] = {'fpr': fl_list(fpr), 'tpr': fl_list(tpr), 'thresholds': fl_list(thr), 'warnings': w}
    (p, r, thr), err, w = caught(precision_recall_curve, y, s)
    out['pr_curve'] = {'precision': fl_list(p), 'recall': fl_list(r), 'thresholds': fl_list(thr), 'warnings': w}
    return out


def pred_case(name, y_true, y_pred):
    return case(name, y_true, np.asarray(y_pred, dtype=np.float64), 0.5)


def main():
    cases = []
    add = cases.append

    # ---------------------------------------------------------- test_classification.py
    y_true, y_pred, _ = tc.make_prediction(binary=True)
    add(pred_case('test_precision_recall_f1_score_binary', y_true, y_pred))
    add(pred_case('test_precision_recall_f_binary_single_class (all positive)', [1, 1], [1, 1]))
    add(pred_case('test_precision_recall_f_binary_single_class (all negative)', [0, 0], [0, 0]))
    add(pred_case('test_precision_warnings (no predicted samples)', [0, 0], [0, 0]))
    add(pred_case('test_precision_warnings (predicted, no true samples)', [0, 0], [1, 1]))
    add(pred_case('test_recall_warnings (no true samples)', [0, 0], [1, 1]))
    add(pred_case('test_recall_warnings (true, none predicted)', [1, 1], [0, 0]))
    add(pred_case('test_fscore_warnings (no true nor predicted samples)', [0, 0], [0, 0]))
    add(pred_case('test_zero_precision_recall (binary: every prediction wrong)', [0, 1, 1, 0, 1, 0], [1, 0, 0, 1, 0, 1]))
    add(pred_case('test_matthews_corrcoef_nan ([0] vs [1])', [0], [1]))
    add(pred_case('test_matthews_corrcoef_nan ([0, 0] vs [0, 1])', [0, 0], [0, 1]))
    rng = np.random.RandomState(0)
    a = rng.randint(0, 2, size=20)
    b = rng.randint(0, 2, size=20)
    add(pred_case('test_matthews_corrcoef_against_numpy_corrcoef', a, b))
    rng = np.random.RandomState(0)
    yab = np.array([0 if i == 0 else 1 for i in rng.randint(0, 2, size=20)])  # 'a' → 0, 'b' → 1
    add(pred_case('test_matthews_corrcoef (same vectors)', yab, yab))
    add(pred_case('test_matthews_corrcoef (opposite vectors)', yab, 1 - yab))
    add(pred_case('test_matthews_corrcoef (zero vectors)', [0, 0, 0, 0], [0, 0, 0, 0]))
    add(pred_case('test_matthews_corrcoef (constant prediction)', yab, np.zeros_like(yab)))
    y1 = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1]
    y2 = [1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1]
    add(pred_case('test_matthews_corrcoef (zero correlation)', y1, y2))
    for n_points in [100, 10000]:
        rng = np.random.RandomState(20170906)
        x_true = rng.random_sample(n_points)
        x_pred = x_true + 0.2 * (rng.random_sample(n_points) - 0.5)
        add(pred_case(f'test_matthews_corrcoef_overflow[{n_points}] (repeat)', np.repeat([0, 1], n_points), np.repeat([0, 1], n_points)))
        add(pred_case(f'test_matthews_corrcoef_overflow[{n_points}]', (x_true > 0.5).astype(int), (x_pred > 0.5).astype(int)))
    add(pred_case('test_balanced_accuracy_score_unseen', [0, 0, 0], [0, 0, 1]))
    add(pred_case('test_balanced_accuracy_score (a/b)', [0, 1, 0, 1], [0, 0, 0, 1]))
    add(pred_case('test_balanced_accuracy_score (all positive, one predicted negative)', [1, 1, 1], [1, 0, 1]))
    add(pred_case('test_confusion_matrix_binary', [0, 1, 0, 1], [0, 0, 0, 1]))
    add(pred_case('one row, one hit (P = R = F1 = 1)', [1], [1]))
    add(pred_case('one row, normal and not flagged', [0], [0]))
    add(pred_case('one row, anomaly missed', [1], [0]))

    # ---------------------------------------------------------- test_ranking.py
    y_true, y_pred, y_score = tr.make_prediction(binary=True)
    add(case('test_roc_curve', y_true, y_score))
    add(case('test_roc_returns_consistency', y_true, y_score, 0.5))
    add(case('test_roc_curve_confidence', y_true, y_score - 0.5, 0.0))
    add(case('test_roc_curve_hard (always one)', y_true, np.ones(y_true.shape), 0.5))
    add(case('test_roc_curve_hard (always zero)', y_true, np.zeros(y_true.shape), 0.5))
    add(case('test_roc_curve_hard (hard decisions)', y_true, y_pred, 0.5))
    add(case('test_score_scale_invariance (scaled up)', y_true, 100 * y_score))
    add(case('test_score_scale_invariance (scaled down)', y_true, 1e-6 * y_score))
    add(case('test_score_scale_invariance (shifted)', y_true, y_score - 10))
    add(case('test_precision_recall_curve', y_true, y_score))
    add(case('test_precision_recall_curve (first row dropped)', y_true[1:], y_score[1:]))
    add(case('test_precision_recall_curve (constant zero scores)', y_true, np.zeros_like(y_score)))
    add(case('test_precision_recall_curve (toy)', [1, 0, 0, 1], [1, 2, 3, 4]))
    rng = np.random.RandomState(0)
    add(case('test_roc_curve_end_points', [0] * 50 + [1] * 50, rng.randint(3, size=100), 1))
    ones = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    pred = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
    add(case('test_roc_curve_one_label (all positive)', ones, pred, 0.5))
    add(case('test_roc_curve_one_label (all negative)', [0] * 10, pred, 0.5))
    for i, (yt, ys) in enumerate([([0, 1], [0, 1]), ([0, 1], [1, 0]), ([1, 0], [1, 1]), ([1, 0], [1, 0]),
                                  ([1, 0], [0.5, 0.5]), ([0, 0], [0.25, 0.75]), ([1, 1], [0.25, 0.75])]):
        add(case(f'test_roc_curve_toydata [{i}]', yt, ys))
        add(case(f'test_precision_recall_curve_toydata [{i}]', yt, ys, 0.5))
    add(case('test_roc_curve_drop_intermediate', [0, 0, 0, 0, 1, 1], [0.0, 0.2, 0.5, 0.6, 0.7, 1.0]))
    add(case('test_roc_curve_drop_intermediate (repeating scores)', [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1],
             [0.0, 0.1, 0.6, 0.6, 0.7, 0.8, 0.9, 0.6, 0.7, 0.8, 0.9, 0.9, 1.0]))
    yc = np.zeros(100, dtype=int)
    yc[::4] = 1
    add(case('test_average_precision_constant_values', yc, np.ones(100)))
    add(case('test_average_precision_score_duplicate_values', [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
             [0, 0.1, 0.1, 0.4, 0.5, 0.6, 0.6, 0.9, 0.9, 1, 1]))
    add(case('test_average_precision_score_tied_values', [0, 1, 1], [0.5, 0.5, 0.6]))
    rng = np.random.RandomState(7)
    yt = (rng.random_sample(500) < 0.1).astype(int)
    add(case('heavy ties (scores rounded to 1 decimal)', yt, np.round(rng.random_sample(500) + yt * 0.3, 1)))
    add(case('all negative, distinct scores', [0, 0, 0, 0], [0.1, 0.4, 0.35, 0.8]))
    add(case('all positive, distinct scores', [1, 1, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    add(case('constant scores, all negative', [0, 0, 0], [2.0, 2.0, 2.0]))
    add(case('one row, one hit', [1], [0.3], 0.0))

    names = [c['name'] for c in cases]
    assert len(names) == len(set(names)), 'case names must be unique'
    obj = {'_generated_by': 'scripts/make_metrics_fixtures.py', '_versions': VERSIONS, 'cases': cases}
    with open(OUT, 'w') as f:
        json.dump(obj, f, indent=None, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    size = os.path.getsize(OUT)
    assert size < 1_000_000, size
    print(f'wrote {os.path.relpath(OUT, ROOT)} ({len(cases)} cases, {size} bytes)')


if __name__ == '__main__':
    main()
