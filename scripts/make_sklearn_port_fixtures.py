"""Expected values for the ports of scikit-learn's own tests, from scikit-learn itself.

Run with Debian's python3-sklearn: /usr/bin/python3 scripts/make_sklearn_port_fixtures.py
Writes tests/fixtures/sklearn_port.json, read by tests/unit/sklearn-iforest.test.ts,
sklearn-lof.test.ts and sklearn-ocsvm.test.ts, which port
sklearn/ensemble/tests/test_iforest.py, sklearn/neighbors/tests/test_lof.py and
the OneClassSVM tests of sklearn/svm/tests/test_svm.py (scikit-learn 1.2.1).
Each section below is named after the scikit-learn test it serves and builds
its data exactly as that test does (same random states), so the TypeScript
side never needs numpy. The tests never need Python.

Isolation Forest draws its trees from numpy's random stream, which ours does
not reproduce: for it only data, deterministic attributes (max_samples_,
offset_ for 'auto', the degenerate scores) and sklearn's own outcomes (for
the record) are stored; the tests assert the properties sklearn's tests assert.

`constraints` lists, per estimator, values tried against scikit-learn's
`_parameter_constraints` (and fit-time checks): whether scikit-learn refuses
the value, and its message. `cli` is the text a user types after --param.
"""
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_diabetes, load_iris, make_classification
from sklearn.ensemble import IsolationForest
from sklearn.ensemble._iforest import _average_path_length
from sklearn.model_selection import train_test_split
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM
from sklearn.utils import check_random_state

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "sklearn_port.json")
GLOBAL_RANDOM_SEED = 42  # scikit-learn's default global_random_seed


def L(a):
    """JSON-safe list: NaN → None, ±inf → 'inf' / '-inf'."""
    a = np.asarray(a, dtype=float)

    def one(v):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return float(v)

    if a.ndim == 0:
        return one(float(a))
    if a.ndim == 1:
        return [one(v) for v in a]
    return [L(r) for r in a]


def outcome(fn):
    """Run fn; {'refused': False, 'warnings': [...]} or {'refused': True, 'error': type, 'message': ...}."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - recording scikit-learn's answer, whatever it is
            return {"refused": True, "error": type(e).__name__, "message": str(e)}
    return {"refused": False, "warnings": [str(x.message) for x in w if issubclass(x.category, UserWarning)]}


def _ties(dist, k):
    """Whether the k-th and (k+1)-th distances of each row are equal up to rounding."""
    return np.abs(dist[:, k - 1] - dist[:, k]) <= 1e-9 * np.maximum(dist[:, k], 1e-300)


def lof_ambiguous(train, k, query=None, propagate=True):
    """Rows whose LOF depends on how ties between equally distant neighbours are broken.

    Training rows (query None, self excluded) or new rows (query given): a row whose k-th
    and (k+1)-th nearest distances tie up to rounding has an ambiguous neighbour set (its
    lrd depends on which is taken), and a row with such a training row among its k
    neighbours inherits the ambiguity (unless propagate is False: on iris, whose one-decimal
    values tie everywhere, that marks every row). Our search and scikit-learn's round distances
    differently, so exact-looking ties may break either way.
    """
    n = train.shape[0]
    D = np.sqrt(((train[:, None, :] - train[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(D, np.inf)
    order = np.argsort(D, axis=1, kind="stable")
    dist = np.take_along_axis(D, order, axis=1)
    tie_train = _ties(dist, k) if k < n - 1 else np.zeros(n, dtype=bool)
    if query is None:
        amb = tie_train.copy()
        for i in range(n if propagate else 0):
            amb[i] |= tie_train[order[i, :k]].any()
        return amb
    Q = np.sqrt(((query[:, None, :] - train[None, :, :]) ** 2).sum(-1))
    qo = np.argsort(Q, axis=1, kind="stable")
    qd = np.take_along_axis(Q, qo, axis=1)
    amb = _ties(qd, k) if k < n else np.zeros(query.shape[0], dtype=bool)
    for i in range(query.shape[0] if propagate else 0):
        amb[i] |= tie_train[qo[i, :k]].any()
    return amb


def constraint_cases(make, X, cases, extra=None):
    """Each case: scikit-learn's outcome, and for an accepted value what `extra(fitted)` reports."""
    out = []
    for name, cli, value in cases:
        res = outcome(lambda: make(**{name: value}).fit(X))
        if extra is not None and not res["refused"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res.update(extra(make(**{name: value}).fit(X)))
        out.append({"param": name, "cli": cli, "python": repr(value), **res})
    return out


def iforest_section(iris, diabetes):
    s = {}
    # test_iforest
    X_train = np.array([[0, 1], [1, 2]])
    X_test = np.array([[2, 1], [1, 1]])
    grid = []
    for ms in [0.5, 1.0, 3]:
        for bootstrap in [True, False]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = IsolationForest(random_state=GLOBAL_RANDOM_SEED, n_estimators=3, max_samples=ms, bootstrap=bootstrap).fit(X_train)
            grid.append({
                "max_samples": repr(ms), "bootstrap": bootstrap, "max_samples_": int(clf.max_samples_),
                "predict": clf.predict(X_test).tolist(), "score_samples": L(clf.score_samples(X_test)),
                "decision_function": L(clf.decision_function(X_test)),
            })
    s["test_iforest"] = {"X_train": X_train.tolist(), "X_test": X_test.tolist(), "grid": grid}

    # test_iforest_error
    def warns(ms):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            IsolationForest(max_samples=ms).fit(iris.data)
        return [str(x.message) for x in w if issubclass(x.category, UserWarning)]

    s["test_iforest_error"] = {"warn_1000": warns(1000), "warn_auto": warns("auto"), "warn_2": warns(2)}
    try:
        IsolationForest().fit(iris.data).predict(iris.data[:, 1:])
        s["test_iforest_error"]["feature_mismatch"] = None
    except ValueError as e:
        s["test_iforest_error"]["feature_mismatch"] = str(e)

    # test_recalculate_max_depth
    clf = IsolationForest().fit(iris.data)
    s["test_recalculate_max_depth"] = {"max_depth": sorted({int(e.max_depth) for e in clf.estimators_}), "tree_depths_at_most": max(int(e.get_depth()) for e in clf.estimators_)}

    # test_max_samples_attribute
    rows = []
    for ms, cli in [("auto", "auto"), (500, "500"), (0.4, "0.4")]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            c = IsolationForest(max_samples=ms).fit(iris.data)
        rows.append({"cli": cli, "max_samples_": int(c.max_samples_)})
    s["test_max_samples_attribute"] = rows

    # test_iforest_parallel_regression: the split of diabetes with rng(global seed)
    rng = check_random_state(GLOBAL_RANDOM_SEED)
    idx = np.arange(diabetes.data.shape[0])
    tr, te = train_test_split(idx, random_state=rng)
    s["test_iforest_parallel_regression"] = {"train": tr.tolist(), "test": te.tolist()}

    # test_iforest_performance
    perf = []
    for seed in [GLOBAL_RANDOM_SEED, 0, 1]:
        rng = check_random_state(seed)
        X = 0.3 * rng.randn(600, 2)
        X = rng.permutation(np.vstack((X + 2, X - 2)))
        X_tr = X[:1000]
        X_out = rng.uniform(low=-1, high=1, size=(200, 2))
        X_te = np.vstack((X[1000:], X_out))
        y_te = np.array([0] * 200 + [1] * 200)
        clf = IsolationForest(max_samples=100, random_state=rng).fit(X_tr)
        auc = roc_auc_score(y_te, -clf.decision_function(X_te))
        perf.append({"seed": seed, "X_train": L(X_tr), "X_test": L(X_te), "y_test": y_te.tolist(), "roc_auc": auc})
    s["test_iforest_performance"] = perf

    # test_iforest_works (and the chunked variants)
    Xw = [[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1], [7, 4], [-5, 9]]
    works = {}
    for cont in [0.25, "auto"]:
        clf = IsolationForest(random_state=GLOBAL_RANDOM_SEED, contamination=cont).fit(Xw)
        works[str(cont)] = {"predict": clf.predict(Xw).tolist(), "decision_function": L(clf.decision_function(Xw)), "offset_": clf.offset_}
    s["test_iforest_works"] = {"X": Xw, "results": works}

    # test_iforest_subsampled_features
    rng = check_random_state(0)
    tr, te = train_test_split(np.arange(50), random_state=rng)
    s["test_iforest_subsampled_features"] = {"train": tr.tolist(), "test": te.tolist()}

    # test_iforest_average_path_length
    s["test_iforest_average_path_length"] = {
        "n": [0, 1, 2, 5, 999], "c": L(_average_path_length([0, 1, 2, 5, 999])),
        "result_one": 2.0 * (np.log(4.0) + np.euler_gamma) - 2.0 * 4.0 / 5.0,
        "result_two": 2.0 * (np.log(998.0) + np.euler_gamma) - 2.0 * 998.0 / 999.0,
        "arange5": L(_average_path_length(np.arange(5))),
    }

    # test_score_samples
    X_train = [[1, 1], [1, 2], [2, 1]]
    clf1 = IsolationForest(contamination=0.1, random_state=GLOBAL_RANDOM_SEED).fit(X_train)
    clf2 = IsolationForest(random_state=GLOBAL_RANDOM_SEED).fit(X_train)
    s["test_score_samples"] = {
        "X_train": X_train, "X_test": [[2.0, 2.0]],
        "clf1": {"contamination": 0.1, "score_samples": L(clf1.score_samples([[2.0, 2.0]])), "decision_function": L(clf1.decision_function([[2.0, 2.0]])), "offset_": clf1.offset_, "max_samples_": int(clf1.max_samples_)},
        "clf2": {"contamination": "auto", "score_samples": L(clf2.score_samples([[2.0, 2.0]])), "decision_function": L(clf2.decision_function([[2.0, 2.0]])), "offset_": clf2.offset_, "max_samples_": int(clf2.max_samples_)},
    }

    # test_iforest_with_uniform_data: the arrays in the order the test draws them
    rng = np.random.RandomState(0)
    u = {}
    X = np.ones((100, 10))
    c = IsolationForest().fit(X)
    A = rng.randn(100, 10)
    u["ones"] = {"train": L(X), "tests": {"X": L(X), "randn": L(A), "X+1": L(X + 1), "X-1": L(X - 1)}}
    u["ones"]["predict"] = {k: np.asarray(c.predict(np.asarray(v, dtype=float))).tolist() for k, v in u["ones"]["tests"].items()}
    u["ones"]["score_samples"] = {k: L(c.score_samples(np.asarray(v, dtype=float))) for k, v in u["ones"]["tests"].items()}
    X = np.repeat(rng.randn(1, 10), 100, 0)
    c = IsolationForest().fit(X)
    A = rng.randn(100, 10)
    u["repeated"] = {"train": L(X), "tests": {"X": L(X), "randn": L(A), "ones": L(np.ones((100, 10)))}}
    u["repeated"]["predict"] = {k: np.asarray(c.predict(np.asarray(v, dtype=float))).tolist() for k, v in u["repeated"]["tests"].items()}
    u["repeated"]["score_samples"] = {k: L(c.score_samples(np.asarray(v, dtype=float))) for k, v in u["repeated"]["tests"].items()}
    X = rng.randn(1, 10)
    c = IsolationForest().fit(X)
    A = rng.randn(100, 10)
    u["single"] = {"train": L(X), "tests": {"X": L(X), "randn": L(A), "ones": L(np.ones((100, 10)))}, "max_samples_": int(c.max_samples_)}
    u["single"]["predict"] = {k: np.asarray(c.predict(np.asarray(v, dtype=float))).tolist() for k, v in u["single"]["tests"].items()}
    u["single"]["score_samples"] = {k: L(c.score_samples(np.asarray(v, dtype=float))) for k, v in u["single"]["tests"].items()}
    u["single"]["decision_function"] = {k: L(c.decision_function(np.asarray(v, dtype=float))) for k, v in u["single"]["tests"].items()}
    s["test_iforest_with_uniform_data"] = u

    # max_samples resolving to 1 (test_iforest's max_samples=0.5 on 2 rows)
    c = IsolationForest(max_samples=0.5, random_state=0).fit(X_train := np.array([[0, 1], [1, 2]]))
    s["max_samples_one"] = {"X_train": X_train.tolist(), "X_test": [[2, 1], [1, 1]], "max_samples_": int(c.max_samples_),
                            "score_samples": L(c.score_samples([[2, 1], [1, 1]])), "decision_function": L(c.decision_function([[2, 1], [1, 1]])), "predict": c.predict([[2, 1], [1, 1]]).tolist()}

    # _parameter_constraints (+ fit-time checks), on the 6-row toy set of 2 columns
    Xc = np.array([[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1]], dtype=float)
    cases = [
        ("n_estimators", "0", 0), ("n_estimators", "-1", -1), ("n_estimators", "1.5", 1.5), ("n_estimators", "abc", "abc"), ("n_estimators", "1", 1),
        ("n_estimators", "100.0", 100.0), ("n_estimators", "1e2", 1e2), ("n_estimators", "10001", 10001), ("max_samples", "1e3", 1e3),
        ("max_samples", "0", 0), ("max_samples", "-1", -1), ("max_samples", "0.0", 0.0), ("max_samples", "1.5", 1.5), ("max_samples", "2.0", 2.0),
        ("max_samples", "lots", "lots"), ("max_samples", "auto", "auto"), ("max_samples", "1.0", 1.0), ("max_samples", "0.5", 0.5), ("max_samples", "3", 3), ("max_samples", "1", 1),
        ("contamination", "0", 0), ("contamination", "0.0", 0.0), ("contamination", "-0.1", -0.1), ("contamination", "0.6", 0.6), ("contamination", "1", 1),
        ("contamination", "lots", "lots"), ("contamination", "0.5", 0.5), ("contamination", "auto", "auto"),
        ("max_features", "0.0", 0.0), ("max_features", "-0.5", -0.5), ("max_features", "1.5", 1.5), ("max_features", "2.0", 2.0), ("max_features", "3", 3),
        ("max_features", "lots", "lots"), ("max_features", "0.5", 0.5), ("max_features", "1.0", 1.0), ("max_features", "2", 2), ("max_features", "1", 1),
        ("max_features", "0", 0), ("max_features", "-1", -1),
        ("bootstrap", "maybe", "maybe"), ("bootstrap", "true", True), ("bootstrap", "false", False),
    ]
    s["constraints"] = {"X": Xc.tolist(), "cases": constraint_cases(lambda **kw: IsolationForest(random_state=0, **kw), Xc, cases, lambda c: {"max_samples_": int(c.max_samples_)})}

    # test_iforest's bootstrap on 2 rows: a tree whose draw repeats one row is grown on that one row
    # (BaseBagging passes the draw as sample weights; n_node_samples counts distinct rows), so its
    # path length is 0, not c(2) = 1. With many trees score_samples is about -2^(-1/2), not -0.5.
    bs = []
    for seed in range(20):
        c = IsolationForest(n_estimators=100, max_samples=2, bootstrap=True, random_state=seed).fit(np.array([[0, 1], [1, 2]]))
        bs.append(float(c.score_samples([[2, 1]])[0]))
    s["bootstrap_two_rows"] = {"X_train": [[0, 1], [1, 2]], "X_test": [[2, 1], [1, 1]], "n_estimators": 100, "score_samples_seeds_0_19": bs,
                               "min": min(bs), "max": max(bs)}
    return s


def lof_section(iris):
    s = {}
    # test_lof
    X = np.asarray([[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1], [5, 3], [-4, 2]], dtype=float)
    c1 = LocalOutlierFactor(n_neighbors=5).fit(X)
    c2 = LocalOutlierFactor(contamination=0.25, n_neighbors=5).fit(X)
    s["test_lof"] = {"X": X.tolist(), "negative_outlier_factor_": L(c1.negative_outlier_factor_), "offset_auto": c1.offset_,
                     "offset_025": c2.offset_, "fit_predict_025": LocalOutlierFactor(contamination=0.25, n_neighbors=5).fit_predict(X).tolist()}

    # test_lof_performance
    rng = check_random_state(2)
    Xp = 0.3 * rng.randn(120, 2)
    X_train = Xp[:100]
    X_out = rng.uniform(low=-4, high=4, size=(20, 2))
    X_test = np.r_[Xp[100:], X_out]
    y_test = np.array([0] * 20 + [1] * 20)
    clf = LocalOutlierFactor(novelty=True).fit(X_train)
    dec = clf.decision_function(X_test)
    s["test_lof_performance"] = {"X_train": L(X_train), "X_test": L(X_test), "y_test": y_test.tolist(), "decision_function": L(dec),
                                 "score_samples": L(clf.score_samples(X_test)), "offset_": clf.offset_, "roc_auc": roc_auc_score(y_test, -dec)}

    # test_lof_values
    X_train = [[1, 1], [1, 2], [2, 1]]
    s_0 = 2.0 * math.sqrt(2.0) / (1.0 + math.sqrt(2.0))
    s_1 = (1.0 + math.sqrt(2)) * (1.0 / (4.0 * math.sqrt(2.0)) + 1.0 / (2.0 + 2.0 * math.sqrt(2)))
    c1 = LocalOutlierFactor(n_neighbors=2, contamination=0.1, novelty=True).fit(X_train)
    c2 = LocalOutlierFactor(n_neighbors=2, novelty=True).fit(X_train)
    s["test_lof_values"] = {
        "X_train": X_train, "s_0": s_0, "s_1": s_1,
        "clf1": {"negative_outlier_factor_": L(c1.negative_outlier_factor_), "score_2_2": L(c1.score_samples([[2.0, 2.0]])), "score_1_1": L(c1.score_samples([[1.0, 1.0]])), "offset_": c1.offset_},
        "clf2": {"negative_outlier_factor_": L(c2.negative_outlier_factor_), "score_2_2": L(c2.score_samples([[2.0, 2.0]])), "score_1_1": L(c2.score_samples([[1.0, 1.0]])), "offset_": c2.offset_},
    }

    # test_lof_precomputed (the feature-matrix half)
    rng = np.random.RandomState(42)
    Xq = rng.random_sample((10, 4))
    Yq = rng.random_sample((3, 4))
    lx = LocalOutlierFactor(n_neighbors=3, novelty=True).fit(Xq)
    s["test_lof_precomputed"] = {"X": L(Xq), "Y": L(Yq), "pred_X_X": lx._predict().tolist(), "pred_X_Y": lx.predict(Yq).tolist(),
                                 "negative_outlier_factor_": L(lx.negative_outlier_factor_), "decision_Y": L(lx.decision_function(Yq)), "offset_": lx.offset_}

    # test_n_neighbors_attribute (iris permuted as the module does)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        c = LocalOutlierFactor(n_neighbors=500).fit(iris.data)
    s["test_n_neighbors_attribute"] = {"n_neighbors_": int(c.n_neighbors_), "warnings": [str(x.message) for x in w if issubclass(x.category, UserWarning)]}

    # test_score_samples
    X_test = [[2.0, 2.0]]
    c1 = LocalOutlierFactor(n_neighbors=2, contamination=0.1, novelty=True).fit(X_train)
    c2 = LocalOutlierFactor(n_neighbors=2, novelty=True).fit(X_train)
    s["test_score_samples"] = {
        "X_train": X_train, "X_test": X_test,
        "clf1": {"score_samples": L(c1.score_samples(X_test)), "decision_function": L(c1.decision_function(X_test)), "offset_": c1.offset_},
        "clf2": {"score_samples": L(c2.score_samples(X_test)), "decision_function": L(c2.decision_function(X_test)), "offset_": c2.offset_},
    }

    # test_novelty_training_scores
    c1 = LocalOutlierFactor().fit(iris.data)
    c2 = LocalOutlierFactor(novelty=True).fit(iris.data)
    # Rows whose values depend on how ties between equally distant neighbours are broken (iris has
    # duplicates): those whose value changes when the rows are fed in another order.
    ss = c2.score_samples(iris.data)
    amb = np.zeros(iris.data.shape[0], dtype=bool)
    for seed in range(1, 6):
        p = np.random.RandomState(seed).permutation(iris.data.shape[0])
        back = np.argsort(p)
        n2 = LocalOutlierFactor().fit(iris.data[p]).negative_outlier_factor_[back]
        s2 = LocalOutlierFactor(novelty=True).fit(iris.data[p]).score_samples(iris.data)
        amb |= np.abs(n2 - c1.negative_outlier_factor_) > 1e-12
        amb |= np.abs(s2 - ss) > 1e-12
    # Direct ties only (iris's ties propagate to every row): the rows scikit-learn itself changes
    # under reordering above cover most of the rest.
    amb |= lof_ambiguous(iris.data, 20, propagate=False) | lof_ambiguous(iris.data, 20, iris.data, propagate=False)
    s["test_novelty_training_scores"] = {"negative_outlier_factor_novelty_false": L(c1.negative_outlier_factor_), "negative_outlier_factor_novelty_true": L(c2.negative_outlier_factor_),
                                         "score_samples_X": L(ss), "ambiguous": np.flatnonzero(amb).tolist()}

    # test_predicted_outlier_number
    po = []
    for expected in [30, 53]:
        cont = float(expected) / iris.data.shape[0]
        c = LocalOutlierFactor(contamination=cont)
        y = c.fit_predict(iris.data)
        po.append({"expected_outliers": expected, "contamination": cont, "num_outliers": int(np.sum(y != 1)), "offset_": c.offset_, "predict": y.tolist()})
    s["test_predicted_outlier_number"] = po

    # test_lof_dtype_equivalence: iris[:50] + iris[-5:] rounded to float32, 64-bit results
    iris_raw = load_iris().data
    X32 = np.concatenate([iris_raw[:50], iris_raw[-5:]], axis=0).astype(np.float32)
    X64 = X32.astype(np.float64)
    eq = {"X": L(X64), "cases": []}
    for novelty in [True, False]:
        for cont in [0.5, "auto"]:
            c = LocalOutlierFactor(novelty=novelty, contamination=cont).fit(X64)
            case = {"novelty": novelty, "contamination": cont, "offset_": float(c.offset_), "negative_outlier_factor_": L(c.negative_outlier_factor_)}
            if novelty:
                case["predict"] = c.predict(X64).tolist()
                case["score_samples"] = L(c.score_samples(X64))
                case["decision_function"] = L(c.decision_function(X64))
            else:
                case["fit_predict"] = LocalOutlierFactor(novelty=False, contamination=cont).fit_predict(X64).tolist()
            case["ambiguous"] = np.flatnonzero(lof_ambiguous(X64, 20, X64 if novelty else None)).tolist()
            c32 = LocalOutlierFactor(novelty=novelty, contamination=cont).fit(X32)
            case["negative_outlier_factor_32"] = L(c32.negative_outlier_factor_)
            eq["cases"].append(case)
    s["test_lof_dtype_equivalence"] = eq

    # fewer than 2 training rows
    s["one_row"] = {"auto": outcome(lambda: LocalOutlierFactor().fit([[1.0, 2.0]])), "novelty": outcome(lambda: LocalOutlierFactor(novelty=True).fit([[1.0, 2.0]])),
                    "n_neighbors_1": outcome(lambda: LocalOutlierFactor(n_neighbors=1).fit([[1.0, 2.0]]))}

    # _parameter_constraints
    Xc = np.array([[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1], [5, 3], [-4, 2]], dtype=float)
    cases = [
        ("n_neighbors", "0", 0), ("n_neighbors", "-1", -1), ("n_neighbors", "1.5", 1.5), ("n_neighbors", "lots", "lots"), ("n_neighbors", "5.0", 5.0),
        ("n_neighbors", "1", 1), ("n_neighbors", "7", 7), ("n_neighbors", "20", 20), ("n_neighbors", "100001", 100001),
        ("contamination", "0", 0), ("contamination", "-0.1", -0.1), ("contamination", "0.6", 0.6), ("contamination", "lots", "lots"),
        ("contamination", "0.5", 0.5), ("contamination", "auto", "auto"),
    ]
    s["constraints"] = {"X": Xc.tolist(), "cases": constraint_cases(lambda **kw: LocalOutlierFactor(**kw), Xc, cases,
                                                              lambda c: {"n_neighbors_": int(c.n_neighbors_), "offset_": float(c.offset_), "negative_outlier_factor_": L(c.negative_outlier_factor_)})}
    c = LocalOutlierFactor(n_neighbors=100001).fit(Xc)
    s["n_neighbors_large"] = {"n_neighbors_": int(c.n_neighbors_), "negative_outlier_factor_": L(c.negative_outlier_factor_)}
    return s


def ocsvm_summary(clf):
    return {"rho": float(-clf.intercept_[0]), "intercept_": float(clf.intercept_[0]), "offset_": float(clf.offset_),
            "dual_coef_": L(clf.dual_coef_[0]), "support_": clf.support_.tolist(), "n_support_": clf.n_support_.tolist(), "n_iter_": int(clf.n_iter_)}


def ocsvm_section(iris):
    s = {}
    X = [[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1]]
    T = [[-1, -1], [2, 2], [3, 2]]
    # test_oneclass
    clf = OneClassSVM().fit(X)
    s["test_oneclass"] = {"X": X, "T": T, "predict": clf.predict(T).tolist(), "decision_function": L(clf.decision_function(T)),
                          "score_samples": L(clf.score_samples(T)), **ocsvm_summary(clf)}

    # test_oneclass_decision_function
    rnd = check_random_state(2)
    Xr = 0.3 * rnd.randn(100, 2)
    X_train = np.r_[Xr + 2, Xr - 2]
    Xr = 0.3 * rnd.randn(20, 2)
    X_test = np.r_[Xr + 2, Xr - 2]
    X_outliers = rnd.uniform(low=-4, high=4, size=(20, 2))
    clf = OneClassSVM(nu=0.1, kernel="rbf", gamma=0.1).fit(X_train)
    s["test_oneclass_decision_function"] = {
        "X_train": L(X_train), "X_test": L(X_test), "X_outliers": L(X_outliers),
        "predict_test": clf.predict(X_test).tolist(), "predict_outliers": clf.predict(X_outliers).tolist(),
        "decision_test": L(clf.decision_function(X_test)), "decision_outliers": L(clf.decision_function(X_outliers)),
        "decision_train": L(clf.decision_function(X_train)), **ocsvm_summary(clf),
    }

    # test_oneclass_score_samples
    X_train = [[1, 1], [1, 2], [2, 1]]
    clf = OneClassSVM(gamma=1).fit(X_train)
    s["test_oneclass_score_samples"] = {"X_train": X_train, "X_test": [[2.0, 2.0]], "score_samples": L(clf.score_samples([[2.0, 2.0]])),
                                        "decision_function": L(clf.decision_function([[2.0, 2.0]])), "predict": clf.predict([[2.0, 2.0]]).tolist(), **ocsvm_summary(clf)}

    # test_n_support
    Xn = np.array([[0], [0.44], [0.45], [0.46], [1]])
    clf = OneClassSVM().fit(Xn)
    s["test_n_support"] = {"X": Xn.tolist(), "support_vectors_rows": int(clf.support_vectors_.shape[0]), "decision_function": L(clf.decision_function(Xn)), **ocsvm_summary(clf)}

    # test_n_iter_libsvm (OneClassSVM, kernel='linear', on make_classification's three data sets)
    it = []
    for nc in [2, 3, 4]:
        Xm, _ = make_classification(n_classes=nc, n_informative=nc, random_state=0)
        clf = OneClassSVM(kernel="linear").fit(Xm)
        it.append({"n_classes": nc, "X": L(Xm), "decision_function": L(clf.decision_function(Xm)), **ocsvm_summary(clf)})
    s["test_n_iter_libsvm"] = it

    # test_immutable_coef_property's fit: OneClassSVM(kernel='linear') on iris (coef_ = dual_coef_ @ support_vectors_)
    iris_raw = load_iris().data
    clf = OneClassSVM(kernel="linear").fit(iris_raw)
    s["linear_iris"] = {"coef_": L(clf.coef_[0]), "decision_function": L(clf.decision_function(iris_raw)), **ocsvm_summary(clf)}

    # decision_function exactly 0 (five identical rows): libsvm predicts -1
    Xi = np.ones((5, 2))
    clf = OneClassSVM().fit(Xi)
    s["identical_rows"] = {"X": Xi.tolist(), "decision_function": L(clf.decision_function(Xi)), "predict": clf.predict(Xi).tolist(), **ocsvm_summary(clf)}
    # one training row, one row scored
    clf = OneClassSVM().fit([[1.0, 2.0]])
    s["one_row"] = {"X": [[1.0, 2.0]], "decision_function": L(clf.decision_function([[1.0, 2.0]])), "predict": clf.predict([[1.0, 2.0]]).tolist(), **ocsvm_summary(clf)}

    # _parameter_constraints (+ fit-time failures)
    Xc = np.array(X, dtype=float)
    cases = [
        ("kernel", "foo", "foo"), ("kernel", "rbf", "rbf"), ("kernel", "linear", "linear"), ("kernel", "poly", "poly"), ("kernel", "sigmoid", "sigmoid"),
        ("degree", "-1", -1), ("degree", "1.5", 1.5), ("degree", "3.0", 3.0), ("max_iter", "1e3", 1e3), ("degree", "0", 0), ("degree", "2", 2),
        ("gamma", "-1", -1.0), ("gamma", "foo", "foo"), ("gamma", "0", 0.0), ("gamma", "0.1", 0.1), ("gamma", "scale", "scale"), ("gamma", "auto", "auto"),
        ("coef0", "inf", float("inf")), ("coef0", "foo", "foo"), ("coef0", "-1", -1.0),
        ("tol", "0", 0.0), ("tol", "-1", -1.0), ("tol", "foo", "foo"), ("tol", "0.1", 0.1),
        ("nu", "0", 0.0), ("nu", "-0.1", -0.1), ("nu", "1.5", 1.5), ("nu", "foo", "foo"), ("nu", "1.0", 1.0), ("nu", "0.1", 0.1), ("nu", "0.9999", 0.9999),
        ("shrinking", "maybe", "maybe"), ("shrinking", "false", False),
        ("cache_size", "0", 0.0), ("cache_size", "-1", -1.0), ("cache_size", "0.5", 0.5), ("cache_size", "200", 200.0),
        ("max_iter", "-2", -2), ("max_iter", "1.5", 1.5), ("max_iter", "-1", -1), ("max_iter", "5", 5),
    ]
    s["constraints"] = {"X": Xc.tolist(), "cases": constraint_cases(lambda **kw: OneClassSVM(**kw), Xc, cases)}
    for case in s["constraints"]["cases"]:
        if not case["refused"]:
            clf = OneClassSVM(**{case["param"]: eval(case["python"], {"inf": float("inf")})}).fit(Xc)
            case["decision_function"] = L(clf.decision_function(Xc))
            case["predict"] = clf.predict(Xc).tolist()
    return s


def main():
    iris = load_iris()
    rng = check_random_state(0)
    perm = rng.permutation(iris.target.size)  # test_lof.py permutes iris at import
    iris_perm = type("D", (), {})()
    iris_perm.data = iris.data[perm]
    diabetes = load_diabetes()
    out = {
        "sklearn_version": sklearn.__version__,
        "global_random_seed": GLOBAL_RANDOM_SEED,
        "iris": L(iris.data),
        "iris_lof_perm": perm.tolist(),
        "diabetes": L(diabetes.data),
        "iforest": iforest_section(iris, diabetes),
        "lof": lof_section(iris_perm),
        "ocsvm": ocsvm_section(iris),
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT) / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
