#!/usr/bin/python3
"""Fixtures for tests/unit/erfc.test.ts and tests/unit/windowed-gaussian.test.ts.

Run:  /usr/bin/python3 scripts/make_nab_fixtures.py
Needs numpy. Deterministic. Writes tests/fixtures/nab-gaussian.json; the tests never need Python.

- numpy: np.sum / np.mean / np.std of a[i] = (i·7919 mod 1009) / 13 − 30.5 (the same doubles in
  any language) for lengths around numpy's pairwise-summation blocks (8, 128) and 6400.
- erfc: Python's math.erfc (the C library's erfc) on a grid over [-6, 27] and at edge points.
- windowed Gaussian: NAB's WindowedGaussianDetector (numenta/NAB,
  nab/detectors/gaussian/windowedGaussian_detector.py) restated below from its definition
  (handleRecord / _updateWindow / normalProbability: numpy mean and std of the window, math.erfc),
  with window and step as arguments, run on
    * 'small': a seeded series of 400 values with window 50, step 7, with a constant stretch
      (std 0 -> 1e-6) and a jump: every phase of the schedule, all scores stored;
    * 'default': a seeded series of 6,700 values with NAB's window 6400, step 100: values stored
      rounded to 2 decimals (exactly as parsed back), scores at every 13th index and at every
      index in 6380..6620 (the window fills at 6400 and slides at 6500 and 6600);
    * 'nyc_taxi': ../shared/datasets/nab/data/realKnownCause/nyc_taxi.csv when present, scores
      at every 25th index and every index in 6390..6610 (the test reads the file itself and
      skips when it is absent).
- published: the first rows of NAB's own results file for nyc_taxi
  (results/windowedGaussian/realKnownCause/windowedGaussian_nyc_taxi.csv in numenta/NAB, written by
  NAB's runner under Python 2, 12 significant digits), copied as published.
"""
import csv
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_json import fl, fl_list  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'nab-gaussian.json')
NYC = os.path.join(ROOT, '..', 'shared', 'datasets', 'nab', 'data', 'realKnownCause', 'nyc_taxi.csv')


def normal_probability(x, mean, std):
    """P(X > x) for X ~ N(mean, std), reflected about the mean below it (NAB's normalProbability)."""
    if x < mean:
        return normal_probability(2 * mean - x, mean, std)
    z = (x - mean) / std
    return 0.5 * math.erfc(z / math.sqrt(2))


def windowed_gaussian(values, window_size=6400, step_size=100):
    """NAB's windowed Gaussian scores of `values`, in order."""
    window, buffer, mean, std = [], [], 0.0, 1.0
    out = []

    def update():
        m = np.mean(window)
        s = np.std(window)
        return m, (0.000001 if s == 0.0 else s)

    for x in values:
        score = 0.0
        if len(window) > 0:
            score = 1 - normal_probability(x, mean, std)
        if len(window) < window_size:
            window.append(x)
            mean, std = update()
        else:
            buffer.append(x)
            if len(buffer) == step_size:
                window = window[step_size:]
                window.extend(buffer)
                buffer = []
                mean, std = update()
        out.append(float(score))
    return out


def erfc_cases():
    xs = [0.0, -0.0, 1e-300, 1e-17, 1e-9, 0.46875, 0.46876, 0.5, 1.0, 2.0, 4.0, 4.0000001, 5.0, 8.0, 10.0,
          26.5, 26.54, 26.55, 27.0, 30.0, -0.5, -1.0, -4.0, -6.0, -27.0]
    xs += [round(-6 + 0.0531 * i, 6) for i in range(int(33 / 0.0531) + 1)]
    return [{'x': fl(x), 'erfc': fl(math.erfc(x))} for x in xs]


def numpy_cases():
    out = []
    for n in list(range(1, 18)) + [100, 127, 128, 129, 130, 200, 255, 256, 257, 1000, 6399, 6400]:
        a = np.array([(i * 7919 % 1009) / 13 - 30.5 for i in range(n)], dtype=np.float64)
        out.append({'n': n, 'sum': fl(np.sum(a)), 'mean': fl(np.mean(a)), 'std': fl(np.std(a))})
    return out


def small_series(rng):
    v = list(rng.normal(10.0, 2.0, 400).round(6))
    v[120:190] = [7.5] * 70          # constant: the window's std becomes 0 once only 7.5 is left
    v[300:] = [x + 25.0 for x in v[300:]]  # a level shift
    return [float(x) for x in v]


def main():
    rng = np.random.default_rng(20261202)
    small = small_series(rng)
    default = [float(x) for x in (rng.normal(0.0, 1.0, 6700).cumsum() * 0.1 + rng.normal(50.0, 3.0, 6700)).round(2)]
    default[6450] = 90.0
    default_scores = windowed_gaussian(default)
    picks = sorted(set(range(0, len(default), 13)) | set(range(6380, 6621)))
    out = {
        'versions': {'numpy': np.__version__, 'python': sys.version.split()[0]},
        'numpy': numpy_cases(),
        'erfc': erfc_cases(),
        'small': {'window_size': 50, 'step_size': 7, 'values': small, 'scores': fl_list(windowed_gaussian(small, 50, 7))},
        'default': {'window_size': 6400, 'step_size': 100, 'values': default, 'index': picks, 'scores': [fl(default_scores[i]) for i in picks]},
        'published': {
            'source': 'numenta/NAB results/windowedGaussian/realKnownCause/windowedGaussian_nyc_taxi.csv (rows 1-8)',
            'scores': [0.0, 1.0, 0.992048087924, 0.975348091114, 0.942520233845, 0.936639208495, 0.914413932057, 0.891209072142],
        },
    }
    if os.path.exists(NYC):
        with open(NYC) as f:
            values = [float(r['value']) for r in csv.DictReader(f)]
        scores = windowed_gaussian(values)
        idx = sorted(set(range(0, len(values), 25)) | set(range(6390, min(6611, len(values)))))
        out['nyc_taxi'] = {'rows': len(values), 'index': idx, 'scores': [fl(scores[i]) for i in idx]}
    with open(OUT, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {OUT}: {len(out["erfc"])} erfc values, nyc_taxi {"yes" if "nyc_taxi" in out else "absent"}')


if __name__ == '__main__':
    main()
