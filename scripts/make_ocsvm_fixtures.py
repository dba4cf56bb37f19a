"""Reference values for the One-Class SVM tests, from scikit-learn itself.

Run with Debian's python3-sklearn: /usr/bin/python3 scripts/make_ocsvm_fixtures.py
Writes tests/fixtures/ocsvm.json (a minute or so: shuttle's fit is ~15 s, the
Nystroem runs a few seconds each). The tests never need Python.

Sections:
- docstring: OneClassSVM's docstring example, X = [[0],[0.44],[0.45],[0.46],[1]], gamma='auto'.
- demo: the IsolationForest demo data (sklearn_iforest_demo.csv's two feature
  columns), OneClassSVM(gamma='scale', nu=0.1): decision_function, support_,
  dual_coef_, intercept_, the gamma used.
- wine: load_wine() standardised with StandardScaler (X stored), defaults
  (rbf, gamma 'scale', nu 0.5) and nu 0.1.
- kernels: a seeded 200 x 3 gaussian + 10 outliers, one case per kernel at nu 0.3
  (sigmoid on the standardised rows; linear also on rows shifted off the
  origin), and one with shrinking=False.
- odds: each ODDS set standardised with StandardScaler fitted on all rows,
  OneClassSVM(nu=0.1, gamma='scale'): ROC-AUC of -decision_function, n_support,
  fit time; the per-row decision_function only for sets of at most 2,000 rows.
- nystroem: make_pipeline(Nystroem(gamma=<scale value>, n_components=100,
  random_state=s), SGDOneClassSVM(nu=0.1, random_state=s)) for s = 0..4 on three
  standardised ODDS sets: ROC-AUC per seed, mean, std, min, max.

Inputs (X) are stored at full precision (repr), outputs rounded to 12
significant digits.
"""
import json
import os
import time

import numpy as np
import sklearn
from sklearn.datasets import load_wine
from sklearn.kernel_approximation import Nystroem
from sklearn.linear_model import SGDOneClassSVM
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "datasets")
OUT = os.path.join(ROOT, "tests", "fixtures", "ocsvm.json")
SETS = ["vertebral", "ionosphere", "wbc", "pima", "cardio", "thyroid", "satellite", "annthyroid", "mammography", "shuttle"]
PER_ROW_MAX = 2000  # store the per-row decision_function for sets up to this many rows
NYSTROEM_SETS = ["cardio", "satellite", "shuttle"]
SLOW_S = 180  # a set whose fit takes longer is reported as skipped


def r12(a):
    """Floats rounded to 12 significant digits (a scalar or a nested list)."""
    if np.isscalar(a) or np.ndim(a) == 0:
        return float(f"{float(a):.12g}")
    return [r12(x) for x in np.asarray(a).tolist()]


def full(a):
    return np.asarray(a, dtype=np.float64).tolist()


def load(name):
    a = np.genfromtxt(os.path.join(DATA, f"{name}.csv"), delimiter=",", skip_header=1)
    return a[:, :-1], a[:, -1].astype(int)


def gamma_used(X, gamma):
    if gamma == "scale":
        return 1.0 / (X.shape[1] * X.var())
    if gamma == "auto":
        return 1.0 / X.shape[1]
    return float(gamma)


def summary(clf, X, gamma, with_rows=True):
    """What every case stores about a fitted OneClassSVM."""
    out = {
        "n_support": int(clf.n_support_.sum()),
        "intercept_": r12(clf.intercept_[0]),
        "offset_": r12(clf.offset_[0]),
        "gamma_": r12(gamma_used(X, gamma)),
        "n_iter_": int(np.asarray(clf.n_iter_).sum()),
    }
    if with_rows:
        out["decision_function"] = r12(clf.decision_function(X))
    return out


def main():
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__}

    # The docstring example.
    X = np.array([[0], [0.44], [0.45], [0.46], [1]])
    clf = OneClassSVM(gamma="auto").fit(X)
    out["docstring"] = {
        "X": full(X),
        "params": {"kernel": "rbf", "gamma": "auto", "nu": 0.5},
        "score_samples": r12(clf.score_samples(X)),
        **summary(clf, X, "auto"),
    }

    # The IsolationForest demo data.
    X, y = load("sklearn_iforest_demo")
    clf = OneClassSVM(gamma="scale", nu=0.1).fit(X)
    out["demo"] = {
        "X": full(X),
        "y": y.tolist(),
        "params": {"kernel": "rbf", "gamma": "scale", "nu": 0.1},
        **summary(clf, X, "scale"),
        "support_": clf.support_.tolist(),
        "dual_coef_": r12(clf.dual_coef_[0]),
        "score_samples": r12(clf.score_samples(X)),
    }
    print("demo: n_support", out["demo"]["n_support"], "gamma", out["demo"]["gamma_"])

    # Wine, standardised.
    Xw = StandardScaler().fit_transform(load_wine().data)
    wine = {"X": full(Xw), "cases": []}
    for nu in [0.5, 0.1]:
        clf = OneClassSVM(nu=nu).fit(Xw)
        wine["cases"].append({"params": {"kernel": "rbf", "gamma": "scale", "nu": nu}, **summary(clf, Xw, "scale")})
        print("wine nu", nu, "n_support", wine["cases"][-1]["n_support"])
    out["wine"] = wine

    # One case per kernel on a small seeded set.
    rng = np.random.RandomState(0)
    Xk = np.vstack([rng.randn(200, 3), rng.uniform(-6, 6, size=(10, 3))])
    Xks = StandardScaler().fit_transform(Xk)
    Xksh = Xk + np.array([3.0, -2.0, 4.0])
    kernels = {"X": full(Xk), "X_standardized": full(Xks), "X_shifted": full(Xksh), "cases": []}
    data = {"X": Xk, "X_standardized": Xks, "X_shifted": Xksh}
    specs = [
        # Centred data: the linear hyperplane passes near the origin and decision values span only ~1e-4.
        ("linear", {"kernel": "linear", "nu": 0.3}, "X"),
        ("linear-shifted", {"kernel": "linear", "nu": 0.3}, "X_shifted"),
        ("poly", {"kernel": "poly", "degree": 3, "gamma": "auto", "coef0": 1.0, "nu": 0.3}, "X"),
        ("sigmoid", {"kernel": "sigmoid", "gamma": "auto", "coef0": 0.0, "nu": 0.3}, "X_standardized"),
        ("rbf", {"kernel": "rbf", "gamma": 0.5, "nu": 0.3}, "X"),
        ("rbf-noshrink", {"kernel": "rbf", "gamma": 0.5, "nu": 0.3, "shrinking": False}, "X"),
        ("poly-scale", {"kernel": "poly", "degree": 2, "gamma": "scale", "coef0": 0.5, "nu": 0.3}, "X"),
    ]
    for name, p, which in specs:
        Xc = data[which]
        clf = OneClassSVM(**p).fit(Xc)
        kernels["cases"].append({"name": name, "data": which, "params": p, **summary(clf, Xc, p.get("gamma", "scale"))})
        print("kernels", name, "n_support", kernels["cases"][-1]["n_support"], "n_iter", kernels["cases"][-1]["n_iter_"])
    out["kernels"] = kernels

    # ODDS.
    odds = {}
    skipped = {}
    for name in SETS:
        X, y = load(name)
        sc = StandardScaler().fit(X)
        Xs = sc.transform(X)
        t = time.perf_counter()
        clf = OneClassSVM(nu=0.1, gamma="scale").fit(Xs)
        fit_s = time.perf_counter() - t
        if fit_s > SLOW_S:
            skipped[name] = f"fit took {fit_s:.0f} s (> {SLOW_S} s)"
            continue
        t = time.perf_counter()
        d = clf.decision_function(Xs)
        df_s = time.perf_counter() - t
        entry = {
            "rows": int(X.shape[0]),
            "cols": int(X.shape[1]),
            "roc_auc": r12(roc_auc_score(y, -d)),
            **summary(clf, Xs, "scale", with_rows=False),
            "fit_s": round(fit_s, 4),
            "decision_function_s": round(df_s, 4),
            "mean_": r12(sc.mean_),
            "scale_": r12(sc.scale_),
        }
        if X.shape[0] <= PER_ROW_MAX:
            entry["decision_function"] = r12(d)
        odds[name] = entry
        print(f"{name}: {X.shape} auc {entry['roc_auc']:.4f} n_support {entry['n_support']} fit {fit_s:.2f} s")
    out["odds"] = odds
    out["odds_params"] = {"kernel": "rbf", "gamma": "scale", "nu": 0.1, "standardize": "StandardScaler fitted on all rows"}
    out["odds_skipped"] = skipped

    # The approximate path's reference: Nystroem + SGDOneClassSVM.
    ny = {}
    for name in NYSTROEM_SETS:
        X, y = load(name)
        Xs = StandardScaler().fit_transform(X)
        g = gamma_used(Xs, "scale")
        aucs, times = [], []
        for s in range(5):
            t = time.perf_counter()
            pipe = make_pipeline(Nystroem(gamma=g, n_components=100, random_state=s), SGDOneClassSVM(nu=0.1, random_state=s)).fit(Xs)
            d = pipe.decision_function(Xs)
            times.append(time.perf_counter() - t)
            aucs.append(roc_auc_score(y, -d))
        a = np.array(aucs)
        ny[name] = {
            "gamma": r12(g),
            "roc_auc": r12(a),
            "roc_auc_mean": r12(a.mean()),
            "roc_auc_std": r12(a.std()),
            "roc_auc_min": r12(a.min()),
            "roc_auc_max": r12(a.max()),
            "fit_score_s": [round(x, 4) for x in times],
            "exact_roc_auc": odds.get(name, {}).get("roc_auc"),
        }
        print(f"nystroem {name}: auc {a.mean():.4f} ± {a.std():.4f} (exact {ny[name]['exact_roc_auc']})")
    out["nystroem"] = ny
    out["nystroem_params"] = {
        "pipeline": "make_pipeline(Nystroem(gamma=<scale value>, n_components=100, random_state=s), SGDOneClassSVM(nu=0.1, random_state=s))",
        "seeds": [0, 1, 2, 3, 4],
        "standardize": "StandardScaler fitted on all rows",
    }

    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
