"""Reference values for the plot's PCA projection (issue 23), from scikit-learn itself.

Run with Debian's python3-sklearn: /usr/bin/python3 scripts/make_pca_fixtures.py
Writes tests/fixtures/pca.json: for cardio (21 columns) and a seeded 3-column
Gaussian with correlated columns, the PCA(n_components=2)
coordinates (all of the Gaussian's, cardio's first 40 rows), the components and explained_variance_ratio_. The tests never need Python.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA

from fixture_json import fl_list

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "datasets")
OUT = os.path.join(ROOT, "tests", "fixtures", "pca.json")


def case(name, X, with_x):
    p = PCA(n_components=2).fit(X)
    Z = p.transform(X)
    return {
        "name": name,
        "rows": X.shape[0],
        "cols": X.shape[1],
        # cardio's rows are read from ../shared/datasets by the test; its first 40 projected rows are kept
        "X": fl_list(X) if with_x else None,
        "Z": fl_list(Z if with_x else Z[:40]),
        "components": fl_list(p.components_),
        "explained": fl_list(p.explained_variance_ratio_),
    }


def main():
    cardio = np.genfromtxt(os.path.join(DATA, "cardio.csv"), delimiter=",", skip_header=1)[:, :-1]
    rng = np.random.default_rng(23)
    g = rng.normal(size=(300, 3)) @ np.array([[3.0, 1.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 0.2]]) + [5.0, -2.0, 1.0]
    out = {"sklearn": sklearn.__version__, "cases": [case("cardio", cardio, False), case("gauss3", g, True)]}
    with open(OUT, "w") as f:
        json.dump(out, f)
    print(OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
