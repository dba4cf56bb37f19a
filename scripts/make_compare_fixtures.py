"""Fixtures for src/core/metrics/compare.ts from scipy / numpy (tests/fixtures/compare.json).

Run: /usr/bin/python3 scripts/make_compare_fixtures.py
Spearman = scipy.stats.spearmanr, ranks = scipy.stats.rankdata('average'), Jaccard = 1 − scipy's
jaccard distance of the sets flagged at a contamination (score > numpy.percentile(s, 100·(1 − c))),
seed spread = numpy.std(ddof=1), curve bands = numpy.interp on a grid.
"""
import json
import os
import sys

import numpy as np
import scipy
from scipy.spatial.distance import jaccard
from scipy.stats import rankdata, spearmanr

sys.path.insert(0, os.path.dirname(__file__))
from fixture_json import fl, fl_list  # noqa: E402

rng = np.random.RandomState(20)
n = 300
base = rng.normal(size=n)
scores = [
    base,
    base + 0.5 * rng.normal(size=n),
    np.round(base * 2) / 2,            # many ties
    -base + 0.1 * rng.normal(size=n),  # negative correlation
    rng.randint(0, 5, size=n).astype(float),  # heavy ties, unrelated
]
cases = []
for i in range(len(scores)):
    for j in range(i + 1, len(scores)):
        rho = spearmanr(scores[i], scores[j]).correlation
        cases.append({'i': i, 'j': j, 'spearman': fl(rho)})

jac = []
for c in (0.05, 0.1, 0.2):
    flags = [s > np.percentile(s, 100 * (1 - c)) for s in scores]
    for i in range(len(scores)):
        for j in range(i + 1, len(scores)):
            d = jaccard(flags[i], flags[j])
            jac.append({'c': c, 'i': i, 'j': j, 'jaccard': fl(1 - d), 'flagged_i': int(flags[i].sum())})

seed_values = rng.uniform(0.8, 0.9, size=7)
grid = np.linspace(0, 1, 11)
curves = []
for k in range(4):
    x = np.sort(np.concatenate([[0, 1], rng.uniform(size=6)]))
    y = np.sort(np.concatenate([[0, 1], rng.uniform(size=6)]))
    curves.append({'x': fl_list(x), 'y': fl_list(y)})
ys = np.array([np.interp(grid, c['x'], c['y']) for c in curves])

out = {
    'versions': {'numpy': np.__version__, 'scipy': scipy.__version__},
    'scores': [fl_list(s) for s in scores],
    'ranks_2': fl_list(rankdata(scores[2], method='average')),
    'spearman': cases,
    'jaccard': jac,
    'seed_values': fl_list(seed_values),
    'seed_mean': fl(np.mean(seed_values)),
    'seed_sd': fl(np.std(seed_values, ddof=1)),
    'grid': fl_list(grid),
    'curves': curves,
    'band_mean': fl_list(ys.mean(axis=0)),
    'band_sd': fl_list(ys.std(axis=0, ddof=1)),
}
path = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'compare.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', path)
