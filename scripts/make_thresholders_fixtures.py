"""tests/fixtures/thresholders.json: the label-free thresholds computed with numpy / scipy on seeded
score arrays, for tests/unit/thresholders.test.ts (beside its hand-computed values).

- iqr: np.percentile(s, 75, method='midpoint') + 1.5 * (Q3 - Q1), as PyThresh's IQR;
- mad: median + 3 * 1.4826 * scipy.stats.median_abs_deviation(s) (the raw MAD; 1.4826 the issue's constant);
- zscore: mean + 3 * np.std(s) (ddof 0);
- otsu: PyThresh's HIST(method='otsu') arithmetic: min-max normalise, np.histogram(bins=int(n**0.7),
  range=(0, 1)), skimage's between-class variance, argmax, the bin centre; mapped back to score units;
- gap: the score just below the largest gap among the top max(2, ceil(0.1 n)) scores.
Run: /usr/bin/python3 scripts/make_thresholders_fixtures.py
"""
import json
import math
import os

import numpy as np
from scipy import stats

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(21)


def otsu(s):
    lo, hi = s.min(), s.max()
    d = (s - lo) / (hi - lo)
    counts, edges = np.histogram(d, bins=int(len(d) ** 0.7), range=(0, 1))
    centers = (edges[:-1] + edges[1:]) / 2.0
    counts = counts.astype(float)
    w1 = np.cumsum(counts)
    w2 = np.cumsum(counts[::-1])[::-1]
    with np.errstate(invalid='ignore', divide='ignore'):
        m1 = np.cumsum(counts * centers) / w1
        m2 = (np.cumsum((counts * centers)[::-1]) / w2[::-1])[::-1]
        v = w1[:-1] * w2[1:] * (m1[:-1] - m2[1:]) ** 2
    v = np.where(np.isnan(v), -np.inf, v)
    return lo + centers[int(np.argmax(v))] * (hi - lo)


def gap(s):
    desc = np.sort(s)[::-1]
    top = min(len(s), max(2, math.ceil(0.1 * len(s))))
    gaps = desc[:top - 1] - desc[1:top]
    i = int(np.argmax(gaps))
    return float(desc[i + 1]) if gaps[i] > 0 else float(desc[0])


cases = []
for n, kind in [(50, 'normal'), (257, 'lognormal'), (1000, 'mixture'), (31, 'uniform'), (4000, 'mixture')]:
    if kind == 'normal':
        s = rng.normal(size=n)
    elif kind == 'lognormal':
        s = rng.lognormal(size=n)
    elif kind == 'uniform':
        s = rng.uniform(size=n)
    else:
        s = np.concatenate([rng.normal(0, 1, n - n // 20), rng.normal(6, 0.5, n // 20)])
    q1 = np.percentile(s, 25, method='midpoint')
    q3 = np.percentile(s, 75, method='midpoint')
    med = np.median(s)
    cases.append({
        'kind': kind, 'scores': [float(v) for v in s],
        'iqr': float(q3 + 1.5 * (q3 - q1)),
        'mad': float(med + 3 * 1.4826 * stats.median_abs_deviation(s)),
        'zscore': float(np.mean(s) + 3 * np.std(s)),
        'otsu': float(otsu(s)),
        'gap': gap(s),
    })
with open(os.path.join(here, '..', 'tests', 'fixtures', 'thresholders.json'), 'w') as f:
    json.dump(cases, f)
