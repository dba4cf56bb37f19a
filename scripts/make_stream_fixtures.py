"""Reference values for the stream parts (issue 18): tests/fixtures/ks.json (scipy),
tests/fixtures/hst.json (River's HalfSpaceTrees, ported below) and tests/fixtures/drift.json
(River's ADWIN and PageHinkley, ported below, on River's docstring stream and a longer one).

KSWIN's test is scipy.stats.ks_2samp(W, R, method='auto') on two samples of the same size
(River's kswin.py); src/core/stream/ks-test.ts computes the statistic and the exact p-value.
Each case: two samples (up to n = 100) (seeded numpy draws: same distribution, shifted, with ties, tiny and
KSWIN's size 30) and scipy's statistic and p-value.

River is not installed here (and cannot be), so hst.json comes from a line-for-line Python
port of river/anomaly/hst.py (make_padded_tree, learn_one, score_one, with Python's
random.Random(seed) as River uses it). The port is checked against the scores River prints in
HalfSpaceTrees' docstring (n_trees 5, height 3, window_size 3, seed 42: 0.107, 0.071, 0.107,
0.107, 0.107, 0.071, 0.853) before anything is written. The trees are exported in heap order
(node i's children 2i + 1, 2i + 2) so src/core/stream/half-space-trees.ts can load River's very
trees (its own come from another generator) and must then give the same scores.

Run: /usr/bin/python3 scripts/make_stream_fixtures.py
"""
import json
import math
import os
import random
import warnings

import numpy as np
import scipy
from scipy import stats

from fixture_json import fl, fl_list

rng = np.random.default_rng(2026)
cases = []


def add(name, a, b):
    r = stats.ks_2samp(a, b, method='auto')
    cases.append({'name': name, 'a': fl_list(a), 'b': fl_list(b),
                  'statistic': fl(r.statistic), 'pvalue': fl(r.pvalue)})


add('disjoint n=3', [1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
add('identical n=4', [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0])
add('n=1', [0.5], [0.7])
add('ties n=6', [0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 3])
for n in (2, 5, 10, 30, 30, 30, 100):
    for shift in (0.0, 0.5, 1.5):
        a = rng.normal(size=n)
        b = rng.normal(size=n) + shift
        add(f'normal n={n} shift={shift}', a, b)
for n in (30, 200):
    a = rng.integers(0, 4, size=n).astype(float)
    b = rng.integers(1, 5, size=n).astype(float)
    add(f'integers with ties n={n}', a, b)

# Larger sizes, p-value only (it depends on n and D alone): 0, 1, …, n−1 against the same shifted
# by h gives D = h/n exactly.
by_h = []
for n in (200, 1000, 5000, 10000):
    for h in sorted({1, 2, 3, n // 50, n // 20, n // 10, n // 4, n // 2, n - 1, n}):
        a = np.arange(n, dtype=float)
        # For h of 1 to 3 at large n scipy's exact sum comes out a hair above 1, which it treats as a
        # failure and answers asymptotically (1.0 as well): 'asymp' records that.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            r = stats.ks_2samp(a, a + h, method='auto')
        by_h.append({'n': n, 'h': h, 'statistic': fl(r.statistic), 'pvalue': fl(r.pvalue), 'asymp': len(caught) > 0})

out = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'ks.json')
with open(out, 'w') as f:
    json.dump({'scipy': scipy.__version__, 'cases': cases, 'by_h': by_h}, f)
print(f'wrote {len(cases)} cases to {out} (scipy {scipy.__version__})')


# --- River's HalfSpaceTrees, ported (river/anomaly/hst.py) -------------------------------------

class Node:
    def __init__(self, feature=None, threshold=None, left=None, right=None):
        self.feature, self.threshold, self.left, self.right = feature, threshold, left, right
        self.l_mass = 0
        self.r_mass = 0


def make_padded_tree(limits, height, padding, rng):
    if height == 0:
        return Node()
    on = rng.choices(population=list(limits.keys()), weights=[limits[i][1] - limits[i][0] for i in limits])[0]
    a, b = limits[on]
    at = rng.uniform(a + padding * (b - a), b - padding * (b - a))
    tmp = limits[on]
    limits[on] = (tmp[0], at)
    left = make_padded_tree(limits, height - 1, padding, rng)
    limits[on] = tmp
    limits[on] = (at, tmp[1])
    right = make_padded_tree(limits, height - 1, padding, rng)
    limits[on] = tmp
    return Node(on, at, left, right)


def path(node, x):
    while True:
        yield node
        if node.left is None:
            return
        node = node.left if x[node.feature] < node.threshold else node.right


def walk_all(node):
    yield node
    if node.left is not None:
        yield from walk_all(node.left)
        yield from walk_all(node.right)


class RiverHST:
    def __init__(self, n_trees=10, height=8, window_size=250, seed=None):
        self.n_trees, self.height, self.window_size = n_trees, height, window_size
        self.rng = random.Random(seed)
        self.trees = []
        self.counter = 0
        self.first_window = True

    def learn_one(self, x):
        if not self.trees:
            self.trees = [make_padded_tree({i: (0, 1) for i in x}, self.height, 0.15, self.rng) for _ in range(self.n_trees)]
        for tree in self.trees:
            for node in path(tree, x):
                node.l_mass += 1
        self.counter += 1
        if self.counter == self.window_size:
            for tree in self.trees:
                for node in walk_all(tree):
                    node.r_mass = node.l_mass
                    node.l_mass = 0
            self.first_window = False
            self.counter = 0

    def score_one(self, x):
        if self.first_window:
            return 0
        score = 0.0
        for tree in self.trees:
            for depth, node in enumerate(path(tree, x)):
                score += node.r_mass * 2 ** depth
                if node.r_mass < 0.1 * self.window_size:
                    break
        score /= self.n_trees * self.window_size * (2 ** (self.height + 1) - 1)
        return 1 - score

    def heap(self, features):
        """Splits per tree in heap order: feature index and threshold of each inner node."""
        feat, thr = [], []
        for tree in self.trees:
            inner = 2 ** self.height - 1
            f = [0] * inner
            t = [0.0] * inner
            stack = [(tree, 0)]
            while stack:
                node, i = stack.pop()
                if node.left is None:
                    continue
                f[i] = features.index(node.feature)
                t[i] = node.threshold
                stack.append((node.left, 2 * i + 1))
                stack.append((node.right, 2 * i + 2))
            feat += f
            thr += t
        return feat, thr


# River's docstring, to check the port: learn the first three, then learn-and-score each value.
X = [0.5, 0.45, 0.43, 0.44, 0.445, 0.45, 0.0]
hst = RiverHST(n_trees=5, height=3, window_size=3, seed=42)
for x in X[:3]:
    hst.learn_one({'x': x})
doc_scores = []
for x in X:
    hst.learn_one({'x': x})
    doc_scores.append(hst.score_one({'x': x}))
assert [f'{v:.3f}' for v in doc_scores] == ['0.107', '0.071', '0.107', '0.107', '0.107', '0.071', '0.853'], doc_scores
doc = RiverHST(n_trees=5, height=3, window_size=3, seed=42)
doc.learn_one({'x': X[0]})  # builds the trees; the test replays the whole sequence from empty masses
df, dt = doc.heap(['x'])
hst_cases = [{'name': 'River docstring', 'n_trees': 5, 'height': 3, 'window_size': 3, 'features': 1,
              'split_feature': df, 'split_value': dt, 'warmup': [[x] for x in X[:3]],
              'values': [[x] for x in X], 'order': 'learn_then_score', 'scores': doc_scores}]

# River's defaults on a 3-feature stream in [0, 1] (uniform, plus a few points in a corner):
# score then learn, as a stream is run.
drng = np.random.default_rng(7)
pts = drng.uniform(0.2, 0.8, size=(800, 3))
pts[400::53] = [0.02, 0.97, 0.05]
big = RiverHST(seed=7)
names = ['a', 'b', 'c']
big_scores = []
for p in pts:
    x = dict(zip(names, p))
    if big.trees:
        big_scores.append(big.score_one(x))
    else:
        big_scores.append(0)
    big.learn_one(x)
bf, bt = big.heap(names)
hst_cases.append({'name': 'River defaults, 3 features, 800 points', 'n_trees': 10, 'height': 8, 'window_size': 250,
                  'features': 3, 'split_feature': bf, 'split_value': bt, 'warmup': [],
                  'values': pts.tolist(), 'order': 'score_then_learn', 'scores': big_scores})

out = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'hst.json')
with open(out, 'w') as f:
    json.dump({'cases': hst_cases}, f)
print(f'wrote {len(hst_cases)} cases to {out} (port checked against River\'s docstring: {[round(v, 3) for v in doc_scores]})')


# --- River's ADWIN (river/drift/adwin.py + adwin_c.pyx, the version that scans every bucket) ----
# and PageHinkley (river/drift/page_hinkley.py, two-sided), ported. -----------------------------

class AdwinPort:
    def __init__(self, delta=0.002, clock=32, max_buckets=5, min_window_length=5, grace_period=10):
        self.args = (delta, clock, max_buckets, min_window_length, grace_period)
        self.detected = False
        self._reset()

    def _reset(self):
        self.delta, self.clock, self.max_buckets, self.min_window_length, self.grace_period = self.args
        self.rows = [[]]  # row r: list of [total, variance], oldest first (River's Bucket arrays)
        self.total = 0.0
        self.variance = 0.0
        self.width = 0.0
        self.tick = 0

    def update(self, x):
        if self.detected:
            self._reset()
        self._insert(float(x))
        self.detected = self._detect()
        return self.detected

    def _insert(self, value):
        self.rows[0].append([value, 0.0])
        self.width += 1
        inc = 0.0
        if self.width > 1.0:
            inc = (self.width - 1.0) * (value - self.total / (self.width - 1.0)) * (value - self.total / (self.width - 1.0)) / self.width
        self.variance += inc
        self.total += value
        idx = 0
        while idx < len(self.rows):
            row = self.rows[idx]
            if len(row) == self.max_buckets + 1:
                if idx + 1 == len(self.rows):
                    self.rows.append([])
                n1 = float(2 ** idx)
                mu1 = row[0][0] / n1
                mu2 = row[1][0] / n1
                total12 = row[0][0] + row[1][0]
                temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2)
                v12 = row[0][1] + row[1][1] + temp
                self.rows[idx + 1].append([total12, v12])
                del row[0:2]
                if len(self.rows[idx + 1]) <= self.max_buckets:
                    break
            else:
                break
            idx += 1

    def _delete(self):
        row = self.rows[-1]
        n = float(2 ** (len(self.rows) - 1))
        u, v = row[0]
        mu = u / n
        self.width -= n
        self.total -= u
        mu_window = self.total / self.width
        self.variance -= v + n * self.width * (mu - mu_window) * (mu - mu_window) / (n + self.width)
        del row[0]
        if not row:
            self.rows.pop()
        return n

    def _cut(self, n0, n1, delta_mean):
        delta_prime = math.log(2 * math.log(self.width) / self.delta)
        m_recip = 1.0 / (n0 - self.min_window_length + 1) + 1.0 / (n1 - self.min_window_length + 1)
        epsilon = math.sqrt(2 * m_recip * (self.variance / self.width) * delta_prime) + 2.0 / 3.0 * delta_prime * m_recip
        return abs(delta_mean) > epsilon

    def _detect(self):
        change = False
        self.tick += 1
        if self.tick % self.clock == 0 and self.width > self.grace_period:
            reduce = True
            while reduce:
                reduce = False
                exit_flag = False
                n0, n1, u0, u1 = 0.0, self.width, 0.0, self.total
                for idx in range(len(self.rows) - 1, -1, -1):
                    if exit_flag:
                        break
                    row = self.rows[idx]
                    size = float(2 ** idx)
                    for k in range(len(row)):
                        n0 += size
                        n1 -= size
                        u0 += row[k][0]
                        u1 -= row[k][0]
                        if idx == 0 and k == len(row) - 1:
                            exit_flag = True
                            break
                        if n1 >= self.min_window_length and n0 >= self.min_window_length and self._cut(n0, n1, u0 / n0 - u1 / n1):
                            reduce = True
                            change = True
                            if self.width > 0:
                                n0 -= self._delete()
                                exit_flag = True
                                break
        return change


class PageHinkleyPort:
    def __init__(self, min_instances=30, delta=0.005, threshold=50.0, alpha=1 - 0.0001, mode='both'):
        self.min_instances, self.delta, self.threshold, self.alpha, self.mode = min_instances, delta, threshold, alpha, mode
        self.detected = False
        self._reset()

    def _reset(self):
        self.n = 0
        self.mean = 0.0
        self.sum_increase = 0.0
        self.sum_decrease = 0.0
        self.min_increase = float('inf')
        self.max_decrease = -1
        self.detected = False

    def update(self, x):
        if self.detected:
            self._reset()
        self.n += 1
        self.mean += (x - self.mean) / self.n
        dev = x - self.mean
        self.sum_increase = self.alpha * self.sum_increase + dev - self.delta
        self.sum_decrease = self.alpha * self.sum_decrease + dev + self.delta
        if self.sum_increase < self.min_increase:
            self.min_increase = self.sum_increase
        if self.sum_decrease > self.max_decrease:
            self.max_decrease = self.sum_decrease
        if self.n >= self.min_instances:
            up = self.sum_increase - self.min_increase > self.threshold
            down = self.max_decrease - self.sum_decrease > self.threshold
            self.detected = up if self.mode == 'up' else down if self.mode == 'down' else (up or down)
        return self.detected


def detections(d, values):
    return [i for i, v in enumerate(values) if d.update(v)]


# River's docstring stream (ADWIN, PageHinkley): the ports must print River's indices.
rng = random.Random(12345)
doc_stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
assert detections(AdwinPort(), doc_stream)[:1] == [1023]
assert detections(PageHinkleyPort(), doc_stream)[:1] == [1006]

# A longer stream: level shifts up and down, a variance change, a slow ramp; 6,000 values, rounded
# to 4 decimals (the fixture's size; both sides read the same rounded values).
lrng = np.random.default_rng(18)
parts = [lrng.normal(0, 1, 1500), lrng.normal(3, 1, 1000), lrng.normal(-1, 1, 1000),
         lrng.normal(-1, 4, 1000), np.linspace(0, 6, 1500) + lrng.normal(0, 1, 1500)]
long_stream = [round(float(v), 4) for v in np.concatenate(parts)]
drift_cases = []
for name, make in [('adwin', lambda: AdwinPort()), ('adwin clock 1', lambda: AdwinPort(clock=1)),
                   ('adwin delta 0.1, max_buckets 2, min_window_length 10', lambda: AdwinPort(delta=0.1, max_buckets=2, min_window_length=10)),
                   ('page_hinkley', lambda: PageHinkleyPort()),
                   ('page_hinkley up, threshold 20, alpha 0.999', lambda: PageHinkleyPort(threshold=20, alpha=0.999, mode='up'))]:
    for stream_name, stream in [('docstring', doc_stream), ('long', long_stream)]:
        d = make()
        hits = []
        widths = []
        for i, v in enumerate(stream):
            if d.update(v):
                hits.append(i)
            if isinstance(d, AdwinPort) and i % 250 == 249:
                widths.append(d.width)
        drift_cases.append({'detector': name, 'stream': stream_name, 'detections': hits, 'widths_every_250': widths})

out = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'drift.json')
with open(out, 'w') as f:
    json.dump({'streams': {'docstring': doc_stream, 'long': long_stream}, 'cases': drift_cases}, f)
print(f'wrote {len(drift_cases)} drift cases to {out}: ' + '; '.join(f"{c['detector']} on {c['stream']}: {len(c['detections'])}" for c in drift_cases))
