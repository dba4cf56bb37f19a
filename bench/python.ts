/** Reference timings from /usr/bin/python3 (pandas / numpy / scikit-learn), when importable. */
import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

const available = new Map<string, boolean>();

/** Whether `import <module>` works in the reference Python. */
export function hasPython(module: string): boolean {
  let ok = available.get(module);
  if (ok === undefined) {
    const r = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
    ok = r.status === 0;
    available.set(module, ok);
  }
  return ok;
}

/** Run a Python snippet that prints one JSON object on its last line of stdout. */
export function runPython<T>(code: string, args: string[] = [], timeoutMs = 600_000): T {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`${PYTHON} failed (${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

export const PANDAS_READ_CSV = `
import sys, time, json, gc
import pandas as pd
path, reps = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(reps):
    gc.collect()
    t = time.perf_counter()
    df = pd.read_csv(path)
    times.append((time.perf_counter() - t) * 1000)
    shape = df.shape
    del df
print(json.dumps({"times_ms": times, "rows": shape[0], "cols": shape[1], "pandas": pd.__version__}))
`;

/** z-score in numpy on the same float64 data (raw little-endian file, row-major rows × cols). */
export const NUMPY_ZSCORE = `
import sys, time, json
import numpy as np
path, rows, cols, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(path, dtype='<f8').reshape(rows, cols)
def one():
    if cols == 1:
        x = X[:, 0]
        return np.abs((x - x.mean()) / x.std())
    return np.abs((X - X.mean(axis=0)) / X.std(axis=0)).max(axis=1)
one()
times = []
for _ in range(reps):
    t = time.perf_counter()
    s = one()
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"times_ms": times, "checksum": float(s.sum()), "numpy": np.__version__}))
`;

/** scikit-learn's precision / recall / F1 at one threshold on 1M scores: the recompute-from-scratch reference. */
export const SKLEARN_PRF = `
import sys, time, json
import numpy as np
from sklearn.metrics import precision_recall_fscore_support
path, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = np.fromfile(path, dtype='<f8')
scores, labels = raw[:n], raw[n:].astype(np.int8)
rng = np.random.default_rng(0)
ts = rng.uniform(scores.min(), scores.max(), reps)
times = []
for t in ts:
    t0 = time.perf_counter()
    precision_recall_fscore_support(labels, (scores > t).astype(np.int8), average='binary', zero_division=0)
    times.append((time.perf_counter() - t0) * 1000)
times_np = []
for t in ts:
    t0 = time.perf_counter()
    pred = scores > t
    tp = int(np.count_nonzero(pred & (labels == 1)))
    fp = int(np.count_nonzero(pred)) - tp
    times_np.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"times_ms": times, "numpy_times_ms": times_np}))
`;

/** Python lines: the CSV at `path` as X (float64, every column but `label`) and y (the label), with pandas. */
export const LOAD_XY = `df = pd.read_csv(path)
y = df["label"].to_numpy()
X = df.drop(columns=["label"]).to_numpy(dtype=np.float64)
del df`;

/**
 * scikit-learn's IsolationForest(random_state=42) on the CSV's feature columns
 * (all but `label`, loaded with pandas): fit and score_samples(X) timed
 * separately, `reps` times; ROC-AUC of −score_samples against the label, once.
 */
export const SKLEARN_IFOREST = `
import sys, time, json, gc
import numpy as np, pandas as pd, sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
path, reps = sys.argv[1], int(sys.argv[2])
${LOAD_XY}
fit, score = [], []
for _ in range(reps):
    gc.collect()
    t = time.perf_counter()
    m = IsolationForest(random_state=42).fit(X)
    fit.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    s = m.score_samples(X)
    score.append((time.perf_counter() - t) * 1000)
print(json.dumps({"fit_ms": fit, "score_ms": score, "rows": X.shape[0], "cols": X.shape[1], "roc_auc": float(roc_auc_score(y, -s)), "sklearn": sklearn.__version__}))
`;

/**
 * scikit-learn's LocalOutlierFactor(n_neighbors=20, algorithm=a).fit(X) on the
 * CSV's feature columns (all but `label`, loaded with pandas), for each
 * `algo:reps` in argv[2] (e.g. "auto:3,brute:1"): fit times, the method
 * 'auto' resolved to (`_fit_method`), and −negative_outlier_factor_ of the last
 * fit written as little-endian float64 to `<argv[3]>.<algo>`.
 */
export const SKLEARN_LOF = `
import sys, time, json, gc
import numpy as np, pandas as pd, sklearn
from sklearn.neighbors import LocalOutlierFactor
path, plan, out = sys.argv[1], sys.argv[2], sys.argv[3]
${LOAD_XY}
res = {}
for item in plan.split(","):
    algo, reps = item.split(":")
    times = []
    for _ in range(int(reps)):
        gc.collect()
        t = time.perf_counter()
        m = LocalOutlierFactor(n_neighbors=20, algorithm=algo).fit(X)
        times.append((time.perf_counter() - t) * 1000)
        print(f"{algo}: {times[-1]:.0f} ms", file=sys.stderr, flush=True)
    np.ascontiguousarray(-m.negative_outlier_factor_, dtype="<f8").tofile(out + "." + algo)
    res[algo] = {"fit_ms": times, "method": m._fit_method}
print(json.dumps({"rows": X.shape[0], "cols": X.shape[1], "sklearn": sklearn.__version__, "numpy": np.__version__, "algos": res}))
`;
