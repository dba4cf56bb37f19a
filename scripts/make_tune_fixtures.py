"""tests/fixtures/tune.json: scikit-learn 1.2.1's fold sizes and grid order, for tests/unit/tune-folds.test.ts
and tune-grid.test.ts.

- stratified: for label vectors and k, StratifiedKFold(k, shuffle=True)'s count of each class in each
  fold's test rows (the allocation does not depend on the seed; which rows go where does, and comes
  from numpy's generator, which we do not reproduce);
- kfold: KFold(k, shuffle=True)'s test fold sizes;
- grid: ParameterGrid's order for a two-parameter grid.
Run: /usr/bin/python3 scripts/make_tune_fixtures.py
"""
import json
import os

import numpy as np
from sklearn.model_selection import KFold, ParameterGrid, StratifiedKFold

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(0)
cases = []
for labels, k in [
    ([0] * 7 + [1] * 3, 5),
    ([1, 0] * 6 + [0] * 9, 4),
    (list(rng.binomial(1, 0.1, 1831)), 5),
    ([0] * 13 + [1] * 2, 3),
    ([0] * 50 + [1] * 11, 10),
]:
    y = np.asarray(labels)
    folds = []
    for _, test in StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        folds.append({str(c): int((y[test] == c).sum()) for c in sorted(set(labels))})
    cases.append({'labels': [int(v) for v in labels], 'k': k, 'counts': folds})
kfold = [{'n': n, 'k': k, 'sizes': [len(t) for _, t in KFold(k, shuffle=True, random_state=0).split(np.zeros(n))]} for n, k in [(10, 3), (1831, 5), (7, 7), (23, 4)]]
grid = [dict(p) for p in ParameterGrid({'n_neighbors': [5, 10, 20], 'method': ['largest', 'mean']})]
with open(os.path.join(here, '..', 'tests', 'fixtures', 'tune.json'), 'w') as f:
    json.dump({'stratified': cases, 'kfold': kfold, 'grid': grid}, f)
