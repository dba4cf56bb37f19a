"""Reference values for the stream parts (issue 18) from scipy: tests/fixtures/ks.json.

KSWIN's test is scipy.stats.ks_2samp(W, R, method='auto') on two samples of the same size
(River's kswin.py); src/core/stream/ks-test.ts computes the statistic and the exact p-value.
Each case: two samples (up to n = 100) (seeded numpy draws: same distribution, shifted, with ties, tiny and
KSWIN's size 30) and scipy's statistic and p-value.

Run: /usr/bin/python3 scripts/make_stream_fixtures.py
"""
import json
import os
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
