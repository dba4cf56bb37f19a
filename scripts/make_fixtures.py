#!/usr/bin/python3
"""Reference fixtures for the Vitest unit tests in tests/unit/.

Run:  /usr/bin/python3 scripts/make_fixtures.py      (or `npm run fixtures`)
Needs numpy, scikit-learn and pandas (Debian: python3-sklearn python3-pandas).
Deterministic: every random draw comes from a seeded numpy Generator, so running
it again rewrites identical files. The tests never need Python.

Writes tests/fixtures/{metrics,zscore,cardio,csv,random}.json.
JSON has no NaN / Infinity: a NaN is written as null and ±inf as the strings
"inf" / "-inf" wherever they can occur (the tests decode them).
"""
import io
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_json import fl, fl_list  # noqa: E402
from sklearn.metrics import (accuracy_score, average_precision_score, confusion_matrix,
                             f1_score, precision_score, recall_score, roc_auc_score)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'fixtures')
DATASETS = os.path.join(os.path.dirname(ROOT), 'shared', 'datasets')
if not os.path.isdir(DATASETS):
    DATASETS = '/work/shared/datasets'

VERSIONS = {'numpy': np.__version__, 'sklearn': sklearn.__version__, 'pandas': pd.__version__,
            'python': sys.version.split()[0]}


def write(name, obj):
    obj = {'_generated_by': 'scripts/make_fixtures.py', '_versions': VERSIONS, **obj}
    path = os.path.join(OUT, name)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=None, separators=(',', ':'), allow_nan=False)
        f.write('\n')
    size = os.path.getsize(path)
    assert size < 300_000, f'{name} is {size} bytes'
    print(f'wrote {os.path.relpath(path, ROOT)} ({size} bytes)')


# ---------------------------------------------------------------- metrics

def pyod_precision_n(y, scores):
    """PyOD's precision_n_scores(y, y_pred) with n = None, written out."""
    y = np.asarray(y)
    scores = np.asarray(scores, dtype=np.float64)
    outliers_fraction = np.count_nonzero(y) / len(y)
    threshold = np.percentile(scores, 100 * (1 - outliers_fraction))
    pred = (scores > threshold).astype(int)
    return float(precision_score(y, pred, zero_division=0)), float(threshold)


def classification_case(name, y, scores, threshold):
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=np.float64)
    pred = (scores > threshold).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    return {
        'name': name, 'labels': y.tolist(), 'scores': fl_list(scores), 'threshold': fl(threshold),
        'tp': int(tp), 'fp': int(fp), 'tn': int(tn), 'fn': int(fn),
        'precision': float(precision_score(y, pred, zero_division=0)),
        'recall': float(recall_score(y, pred, zero_division=0)),
        'f1': float(f1_score(y, pred, zero_division=0)),
        'accuracy': float(accuracy_score(y, pred)),
    }


def ranking_case(name, y, scores):
    y = np.asarray(y, dtype=int)
    scores = np.asarray(scores, dtype=np.float64)
    warns = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        try:
            auc = float(roc_auc_score(y, scores))
        except ValueError as e:  # one class only
            auc = None
            warns.append(f'roc_auc_score raised: {e}')
        try:
            ap = float(average_precision_score(y, scores))
        except ValueError as e:
            ap = None
            warns.append(f'average_precision_score raised: {e}')
        warns += [str(x.message) for x in w]
    if y.sum() > 0:
        pn, pn_threshold = pyod_precision_n(y, scores)
    else:
        pn, pn_threshold = None, None
    return {
        'name': name, 'labels': y.tolist(), 'scores': fl_list(scores),
        'roc_auc': None if auc is None else auc + 0.0,
        'average_precision': None if ap is None else ap + 0.0,
        'precision_at_n': pn, 'precision_at_n_threshold': pn_threshold,
        'distinct_scores': int(len(np.unique(scores))),
        'sklearn_warnings': warns,
    }


def make_metrics():
    rng = np.random.default_rng(20240601)
    cls = []
    # Normal cases: anomalies score higher on average, overlapping.
    for n, frac in [(50, 0.2), (200, 0.1), (31, 0.5)]:
        y = (rng.random(n) < frac).astype(int)
        s = rng.normal(size=n) + 1.5 * y
        for q in (50, 80, 95):
            cls.append(classification_case(f'normal n={n} t=p{q}', y, s, np.percentile(s, q)))
    y = (rng.random(40) < 0.3).astype(int)
    s = rng.normal(size=40)
    cls.append(classification_case('no predicted positives (threshold = max)', y, s, s.max()))
    cls.append(classification_case('no predicted positives (threshold above max)', y, s, s.max() + 1))
    cls.append(classification_case('everything flagged (threshold below min)', y, s, s.min() - 1))
    y0 = np.zeros(30, dtype=int)
    s0 = rng.normal(size=30)
    cls.append(classification_case('no true positives, some flagged', y0, s0, np.percentile(s0, 70)))
    cls.append(classification_case('all labels 0, nothing flagged', y0, s0, s0.max()))
    y1 = np.ones(25, dtype=int)
    s1 = rng.normal(size=25)
    cls.append(classification_case('all labels 1, some flagged', y1, s1, np.percentile(s1, 40)))
    cls.append(classification_case('all labels 1, nothing flagged', y1, s1, s1.max()))
    yt = (rng.random(60) < 0.25).astype(int)
    st = np.round(rng.normal(size=60) + yt, 1)
    cls.append(classification_case('tied scores, threshold on a tied value', yt, st, float(np.sort(st)[45])))
    si = rng.integers(0, 4, size=60).astype(float) + yt
    cls.append(classification_case('integer scores, threshold 2', yt, si, 2.0))

    rank = []
    for n, frac in [(40, 0.2), (300, 0.05), (500, 0.3)]:
        y = (rng.random(n) < frac).astype(int)
        y[0] = 1  # at least one of each class
        y[1] = 0
        z = rng.normal(size=n) + 1.2 * y
        rank.append(ranking_case(f'no ties n={n}', y, z))
        rank.append(ranking_case(f'rounded to 1 decimal n={n}', y, np.round(z, 1)))
        rank.append(ranking_case(f'integer scores n={n}', y, np.round(z)))
        rank.append(ranking_case(f'three levels n={n}', y, np.clip(np.round(z), -1, 1)))
    y = (rng.random(100) < 0.2).astype(int)
    y[0] = 1
    rank.append(ranking_case('all scores equal', y, np.full(100, 0.5)))
    rank.append(ranking_case('perfect ranking', y, y + rng.random(100) * 0.5))
    rank.append(ranking_case('inverted ranking', y, -y + rng.random(100) * 0.5))
    rank.append(ranking_case('all negative labels', np.zeros(20, dtype=int), rng.normal(size=20)))
    rank.append(ranking_case('all negative labels, tied', np.zeros(20, dtype=int), np.round(rng.normal(size=20))))
    rank.append(ranking_case('all positive labels', np.ones(20, dtype=int), rng.normal(size=20)))
    rank.append(ranking_case('single positive in the middle', np.r_[1, np.zeros(9, dtype=int)], np.r_[5.0, np.arange(9.0)]))
    rank.append(ranking_case('two rows', [0, 1], [0.2, 0.1]))
    # precision@n where the PyOD threshold falls inside a tie
    yk = np.array([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0])
    sk = np.array([3, 2, 2, 2, 2, 1, 1, 0, 0, 0, 1, 0], dtype=float)
    rank.append(ranking_case('precision@n threshold inside a tie', yk, sk))

    pct = []
    arrays = {
        'one value': np.array([4.2]),
        'two values': np.array([1.0, 3.0]),
        'five ints': np.array([5.0, 1.0, 4.0, 2.0, 3.0]),
        'ties': np.round(rng.normal(size=37), 1),
        'normal 101': rng.normal(size=101),
        'lognormal 250': rng.lognormal(size=250) * 1e3,
        'negative and tiny': rng.normal(size=19) * 1e-9 - 1.0,
    }
    qs = [0, 1, 5, 10, 25, 33.3, 50, 66.7, 75, 90, 95, 97.5, 99, 99.9, 100]
    for name, a in arrays.items():
        pct.append({'name': name, 'values': fl_list(a), 'q': qs,
                    'percentile': [float(np.percentile(a, q)) for q in qs]})
    write('metrics.json', {'classification': cls, 'ranking': rank, 'percentile': pct})


# ---------------------------------------------------------------- z-score

def zscore_reference(X, robust):
    """Max |z| over columns. A column whose values are all equal (or whose scale
    is 0) contributes 0: np.std of a constant float column is not always exactly
    0 (np.std(np.full(200, 3.7)) == 4.4e-16), so constancy is tested with ptp."""
    if robust:
        center = np.median(X, axis=0)
        scale = np.median(np.abs(X - center), axis=0) * 1.4826
    else:
        center = X.mean(axis=0)
        scale = X.std(axis=0, ddof=0)
    const = (np.ptp(X, axis=0) == 0) | (scale == 0)
    safe = np.where(const, 1.0, scale)
    Z = np.abs(X - center) / safe
    Z[:, const] = 0.0
    return Z.max(axis=1), center, np.where(const, 0.0, scale)


def make_zscore():
    rng = np.random.default_rng(7)
    n, d = 200, 4
    X = rng.normal(size=(n, d)) * np.array([1.0, 10.0, 0.0, 0.5]) + np.array([0.0, 100.0, 0.0, -3.0])
    X[:, 2] = 3.7  # constant column (numpy's own std of it is not exactly 0)
    planted = [5, 17, 123, 199]
    X[5, 0] = 9.0
    X[17, 1] = 180.0
    X[123, 3] = -9.0
    X[199, 0] = -7.5
    X[199, 3] = 2.0
    cases = {}
    for robust in (False, True):
        scores, center, scale = zscore_reference(X, robust)
        cases['robust' if robust else 'classic'] = {
            'center': fl_list(center), 'scale': fl_list(scale), 'scores': fl_list(scores),
            'threshold_contamination_0.1': float(np.percentile(scores, 90)),
            'threshold_contamination_0.05': float(np.percentile(scores, 95)),
            'flagged_auto': int((scores > 3).sum()),
        }
    # new rows scored with the model fitted above
    Xnew = rng.normal(size=(10, d)) * 3
    Xnew[:, 2] = np.r_[3.7, 100.0, np.full(8, -1.0)]
    for robust in (False, True):
        key = 'robust' if robust else 'classic'
        _, center, scale = zscore_reference(X, robust)
        safe = np.where(scale == 0, 1.0, scale)
        Z = np.abs(Xnew - center) / safe
        Z[:, scale == 0] = 0.0
        cases[key]['new_scores'] = fl_list(Z.max(axis=1))
    write('zscore.json', {
        'rows': n, 'cols': d, 'X': fl_list(X), 'planted_outliers': planted, 'constant_column': 2,
        'X_new': fl_list(Xnew), 'X_new_rows': 10, **cases,
    })


# ---------------------------------------------------------------- cardio

def make_cardio():
    path = os.path.join(DATASETS, 'cardio.csv')
    # round_trip: correctly rounded floats, as JavaScript's Number() reads them
    # (pandas' default C float parser can be an ulp off, which moves medians and ties).
    df = pd.read_csv(path, float_precision='round_trip')
    y = df['label'].to_numpy().astype(int)
    feats = [c for c in df.columns if c != 'label']
    X = df[feats].to_numpy(dtype=np.float64)
    scores, center, scale = zscore_reference(X, robust=False)
    rscores, _, _ = zscore_reference(X, robust=True)
    pn, _ = pyod_precision_n(y, scores)
    write('cardio.json', {
        'file': 'cardio.csv', 'rows': int(len(df)), 'label': 'label', 'features': feats,
        'positives': int(y.sum()),
        'classic': {
            'center': fl_list(center), 'scale': fl_list(scale), 'scores': fl_list(scores),
            'roc_auc': float(roc_auc_score(y, scores)),
            'average_precision': float(average_precision_score(y, scores)),
            'precision_at_n': pn,
            'threshold_contamination_0.1': float(np.percentile(scores, 90)),
        },
        'robust': {
            'roc_auc': float(roc_auc_score(y, rscores)),
            'average_precision': float(average_precision_score(y, rscores)),
        },
    })


# ---------------------------------------------------------------- CSV

CSV_CASES = [
    ('quoted commas and newlines', ',',
     'id,name,value\n1,"Smith, J",3.5\n2,"multi\nline ""quoted""",4\n3,plain,-1e3\n4,"a,b,c",0.25\n'),
    ('semicolon delimiter', ';', 'a;b;c\n1;2,5;x\n4;5;y\n7;8;z\n'),
    ('tab delimiter', '\t', 'alpha\tbeta\tgamma\n1.5\t-2\t1e-3\n3\t4\t5\n6\t7\t\n'),
    ('pipe delimiter', '|', 'p|q\n1|2\n3|4\n5|6\n'),
    ('BOM and CRLF', ',', '\ufeffx,y,z\r\n1,2,3\r\n4,5,6\r\n7,8,9\r\n'),
    ('CRLF without final newline', ',', 'x,y\r\n1,2\r\n3,4'),
    ('missing tokens', ',',
     'a,b,c,d\n1,NA,x,1\n2,NaN,y,\n3,null,z,2\n,inf,w,N/A\n5,-inf,v,#N/A\n6,7,,nan\n8,-nan,NA,9\n9,1.5,u,NULL\n'),
    ('duplicate header names', ',', 'a,a,a.1,b,b,a\n1,2,3,4,5,6\n7,8,9,10,11,12\n'),
    ('duplicates colliding with later names', ',', 'x,x,x,x.1,x.3,x\n1,2,3,4,5,6\n6,7,8,9,10,11\n'),
    ('column turns text mid-file', ',', 'a,b,c\n1,2,0.5\n3,4,oops\n5,6,7\n8,9,\n'),
    ('quoted numbers and exponents', ',', 'a,b,c\n"1.5","2",1E3\n"3",4,-2.5e-3\n+7,.5,1.\n'),
    ('blank line in the middle', ',', 'a,b\n1,2\n\n3,4\n5,6\n'),
    ('hex-looking cells are text', ',', 'a,b\n1,0x1A\n2,3\n4,0x10\n'),
    ('label column with text classes', ',', 'v,label\n0.1,normal\n0.2,normal\n9.9,attack\n0.3,normal\n'),
    ('booleans', ',', 'v,flag\n1,true\n2,false\n3,TRUE\n4,False\n'),
]


def csv_case(name, sep, text):
    df = pd.read_csv(io.StringIO(text), sep=sep, float_precision='round_trip')
    cols = []
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s):
            kind = 'bool'
        elif pd.api.types.is_numeric_dtype(s):
            kind = 'numeric'
        else:
            kind = 'text'
        if kind == 'numeric':
            values = fl_list(s.to_numpy(dtype=np.float64))
            nan = int(s.isna().sum())
            inf = int(np.isinf(s.to_numpy(dtype=np.float64)).sum())
        elif kind == 'bool':
            values = [bool(v) for v in s]
            nan, inf = 0, 0
        else:
            values = [None if pd.isna(v) else str(v) for v in s]
            nan, inf = int(s.isna().sum()), 0
        cols.append({'name': str(c), 'kind': kind, 'dtype': str(s.dtype), 'values': values,
                     'nan': nan, 'inf': inf})
    return {'name': name, 'delimiter': sep, 'text': text, 'rows': int(len(df)), 'columns': cols}


def make_csv():
    write('csv.json', {'cases': [csv_case(*c) for c in CSV_CASES]})


# ---------------------------------------------------------------- random

M32 = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Xoshiro128ss:
    """xoshiro128** 1.1 (Blackman & Vigna's reference C), seeded by the
    splitmix32-style expansion that src/core/random.ts documents."""

    def __init__(self, seed):
        x = (int(seed) & M32) ^ 0x9E3779B9
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = x
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            s.append((z ^ (z >> 16)) & M32)
        self.s = s

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def float(self):
        hi = self.next() >> 5
        lo = self.next() >> 6
        return (hi * 67108864 + lo) / 9007199254740992


def make_random():
    out = []
    for seed in (0, 1, 42, 123456789, 4294967295, -1):
        g = Xoshiro128ss(seed)
        u = [g.next() for _ in range(8)]
        f = [g.float() for _ in range(4)]
        out.append({'seed': seed, 'uint32': u, 'float': f})
    write('random.json', {'sequences': out})


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    make_metrics()
    make_zscore()
    make_cardio()
    make_csv()
    make_random()
