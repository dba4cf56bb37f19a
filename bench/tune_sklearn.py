"""scikit-learn's GridSearchCV for `npm run bench -- tune` (bench/tune.ts): LocalOutlierFactor(novelty=True)
over a grid, on the folds Anomaly Lab made (a JSON of [train, test] index lists, so both search the same
splits), with a scorer on the same metric, n_jobs as given, refit=False (we do not refit either).

  /usr/bin/python3 bench/tune_sklearn.py DATA.csv FOLDS.json GRID.json METRIC N_JOBS REPS

Prints one JSON line: fit times (s) of each rep, best_params_, mean and std of the test scores per
candidate in ParameterGrid order.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import LocalOutlierFactor

path, folds_path, grid_path, metric, n_jobs, reps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
df = pd.read_csv(path)
y = (df.pop('label').to_numpy() == 1).astype(int)
X = df.to_numpy(dtype=np.float64)
with open(folds_path) as f:
    cv = [(np.asarray(tr, dtype=np.intp), np.asarray(te, dtype=np.intp)) for tr, te in json.load(f)]
with open(grid_path) as f:
    grid = json.load(f)


# Higher = more anomalous for the ranking metrics (Anomaly Lab's score = -score_samples);
# F1 at the model's own threshold: predict() == -1 (decision_function < 0, offset_ from contamination).
def scorer(est, X_test, y_test):
    if metric == 'f1':
        return f1_score(y_test, (est.predict(X_test) == -1).astype(int))
    s = -est.score_samples(X_test)
    return roc_auc_score(y_test, s) if metric == 'roc_auc' else average_precision_score(y_test, s)


times = []
for _ in range(reps):
    gs = GridSearchCV(LocalOutlierFactor(novelty=True), grid, scoring=scorer, cv=cv, n_jobs=n_jobs, refit=False)
    t0 = time.perf_counter()
    gs.fit(X, y)
    times.append(time.perf_counter() - t0)
r = gs.cv_results_
print(json.dumps({
    'times_s': times,
    'best_params': {k: (v.item() if hasattr(v, 'item') else v) for k, v in gs.best_params_.items()},
    'best_index': int(gs.best_index_),
    'mean': [float(v) for v in r['mean_test_score']],
    'std': [float(v) for v in r['std_test_score']],
    'params': [{k: (v.item() if hasattr(v, 'item') else v) for k, v in p.items()} for p in r['params']],
}))
