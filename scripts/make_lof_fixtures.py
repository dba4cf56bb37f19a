"""Reference values for the LOF and kNN tests, from scikit-learn itself.

Run with Debian's python3-sklearn: /usr/bin/python3 scripts/make_lof_fixtures.py
Writes tests/fixtures/lof.json and public/samples/iris.csv. The tests never need Python.

Rows whose LOF depends on how ties between neighbour distances are broken are
marked: a row whose k-th and (k+1)-th neighbour distances are equal has an
ambiguous neighbour set (and so an ambiguous lrd), and any row with such a
neighbour inherits the ambiguity.
"""
import csv
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_iris
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "datasets")
OUT = os.path.join(ROOT, "tests", "fixtures", "lof.json")
SETS = ["vertebral", "ionosphere", "wbc", "pima", "cardio", "thyroid", "satellite", "annthyroid", "mammography", "shuttle"]


def load(name):
    a = np.genfromtxt(os.path.join(DATA, f"{name}.csv"), delimiter=",", skip_header=1)
    return a[:, :-1], a[:, -1].astype(int)


def ambiguous_rows(X, k):
    """Rows whose LOF depends on tie-breaking among equally distant neighbours."""
    nn = NearestNeighbors(n_neighbors=min(k + 2, X.shape[0]), algorithm="brute").fit(X)
    dist, ind = nn.kneighbors(X)  # includes the row itself (and its duplicates) at distance 0
    # Distances to the other rows: drop the row itself wherever it appears.
    n = X.shape[0]
    own = np.empty((n, dist.shape[1] - 1))
    own_ind = np.empty((n, dist.shape[1] - 1), dtype=int)
    for i in range(n):
        keep = ind[i] != i
        if keep.sum() == dist.shape[1]:
            keep[-1] = False
        own[i] = dist[i][keep][: dist.shape[1] - 1]
        own_ind[i] = ind[i][keep][: dist.shape[1] - 1]
    tie = np.abs(own[:, k - 1] - own[:, k]) <= 1e-9 * np.maximum(own[:, k], 1e-300)
    amb = tie.copy()
    for i in range(n):
        if tie[own_ind[i, :k]].any():
            amb[i] = True
    return amb


def main():
    out = {"sklearn_version": sklearn.__version__}
    X = np.array([[-1.1], [0.2], [101.1], [0.3]])
    clf = LocalOutlierFactor(n_neighbors=2).fit(X)
    out["docstring"] = {"X": X.tolist(), "n_neighbors": 2, "negative_outlier_factor_": clf.negative_outlier_factor_.tolist()}

    iris = load_iris()
    Xi = iris.data
    clf = LocalOutlierFactor(n_neighbors=20, contamination=0.1)
    labels = clf.fit_predict(Xi)
    out["iris"] = {
        "labels": labels.tolist(),
        "outliers": [int(i) for i in np.where(labels == -1)[0]],
        "negative_outlier_factor_": clf.negative_outlier_factor_.tolist(),
        "offset_": float(clf.offset_),
        "ambiguous": [int(i) for i in np.where(ambiguous_rows(Xi, 20))[0]],
    }
    os.makedirs(os.path.join(ROOT, "public", "samples"), exist_ok=True)
    with open(os.path.join(ROOT, "public", "samples", "iris.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sepal_length", "sepal_width", "petal_length", "petal_width", "species"])
        for row, t in zip(Xi, iris.target):
            w.writerow([repr(float(v)) for v in row] + [iris.target_names[t]])

    sets = {}
    for name in SETS:
        Xs, _ = load(name)
        clf = LocalOutlierFactor(n_neighbors=20).fit(Xs)
        amb = ambiguous_rows(Xs, 20)
        sets[name] = {
            "negative_outlier_factor_": clf.negative_outlier_factor_.tolist(),
            "ambiguous": [int(i) for i in np.where(amb)[0]],
        }
        print(name, "ambiguous rows:", int(amb.sum()), "of", Xs.shape[0])
    out["odds"] = sets

    knn = {}
    for name in ["pima", "cardio", "wbc"]:
        Xs, _ = load(name)
        nn = NearestNeighbors(n_neighbors=5).fit(Xs)
        dist, _ = nn.kneighbors(n_neighbors=5)  # PyOD KNN: X=None excludes each row itself
        scores = {"largest": dist[:, -1], "mean": dist.mean(axis=1), "median": np.median(dist, axis=1)}
        knn[name] = {m: {"decision_scores_": s.tolist(), "threshold_": float(np.percentile(s, 90))} for m, s in scores.items()}
        knn[name]["ambiguous"] = [int(i) for i in np.where(ambiguous_rows(Xs, 5))[0]]
    out["knn"] = knn
    with open(OUT, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
