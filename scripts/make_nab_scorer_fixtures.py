#!/usr/bin/python3
"""Fixtures for tests/unit/nab.test.ts: NAB's scorer restated naively from its published definitions.

Run:  /usr/bin/python3 scripts/make_nab_scorer_fixtures.py
Needs numpy only (for the seeded generator). Deterministic. Writes tests/fixtures/nab-scorer.json;
the tests never need Python.

This is an independent, deliberately plain re-statement of NAB 1.x's scoring (numenta/NAB
nab/sweeper.py, scorer.py, runner.py normalize), not a port of our TypeScript:
- rows are matched to window edges by parsed time, first occurrence (NAB's timestamps.index);
- probation = min(floor(0.15 n), 0.15 * 5000) rows, not scored;
- per window with a scored row: the earliest detection (score >= threshold) at row i of [l, r] earns
  tp * S(-(r - i + 1) / (r - l + 1)) / S(-1); no detection costs -fn;
- a detection outside windows after a window ending at r (width W) adds fp * S(|i - r| / (W - 1)),
  before any window -fp; S(x) = 2 sigmoid(-5x) - 1, and -1 from x >= 3;
- the corpus threshold: every candidate (1.1, then each distinct scored score, highest first) scored
  from scratch (brute force, no incremental sweep), the first maximum kept (highest threshold on a tie);
- normalised 100 (raw - null) / (perfect - null), perfect = tp x windows, null = -fn x windows with a scored row.

Cases:
- 'corpus': six real NAB files (read by the test from ../shared/datasets/nab; it skips when absent),
  three with duplicate timestamps (DST), one with no window; seeded scores with 2 decimals (so many
  ties; u^4, so high scores are sparse but everywhere), a few strong ones (0.85 to 1) spread over each
  window so the optimum trades TPs against FPs; optimised per profile,
  and every file at threshold 0.5.
- 'synthetic': a 200-row series with duplicate and out-of-order timestamps and three windows, all in
  the fixture (no data needed).
"""
import datetime
import json
import math
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAB = os.path.join(ROOT, '..', 'shared', 'datasets', 'nab')
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'nab-scorer.json')

PROFILES = {
    'standard': {'tpWeight': 1.0, 'fnWeight': 1.0, 'fpWeight': 0.11},
    'reward_low_FP_rate': {'tpWeight': 1.0, 'fnWeight': 1.0, 'fpWeight': 0.22},
    'reward_low_FN_rate': {'tpWeight': 1.0, 'fnWeight': 2.0, 'fpWeight': 0.11},
}

FILES = [
    'artificialWithAnomaly/art_daily_jumpsup.csv',
    'realKnownCause/ec2_request_latency_system_failure.csv',
    'realTraffic/occupancy_t4013.csv',
    'realAWSCloudwatch/ec2_network_in_5abac7.csv',
    'artificialNoAnomaly/art_noisy.csv',
    'realAdExchange/exchange-2_cpc_results.csv',
]


def parse(s):
    s = s.strip()
    if '.' in s:
        return datetime.datetime.strptime(s, '%Y-%m-%d %H:%M:%S.%f')
    return datetime.datetime.strptime(s, '%Y-%m-%d %H:%M:%S')


def S(x):
    if x >= 3.0:
        return -1.0
    return 2.0 * (1.0 / (1.0 + math.exp(-(-5.0 * x)))) - 1.0


_ROWS = {}


def windows_as_rows(times, windows):
    key = (id(times), json.dumps(windows))
    if key in _ROWS:
        return _ROWS[key]
    parsed = [parse(t) for t in times]
    out = []
    for a, b in windows:
        out.append((parsed.index(parse(a)), parsed.index(parse(b))))
    _ROWS[key] = sorted(out)
    return _ROWS[key]


def file_raw(times, scores, windows, cost, thr):
    """NAB's raw score of one file at a threshold, and its row counts."""
    n = len(times)
    prob = min(math.floor(0.15 * n), 0.15 * 5000)
    rows = windows_as_rows(times, windows)
    raw = 0.0
    parts = []
    for (l, r) in rows:
        if r < prob:
            continue
        det = [i for i in range(l, r + 1) if i >= prob and scores[i] >= thr]
        if det:
            i = det[0]
            parts.append(S(-(r - i + 1) / float(r - l + 1)) * cost['tpWeight'] / S(-1.0))
        else:
            parts.append(-cost['fnWeight'])
    fp = 0.0
    counts = {'tp': 0, 'fp': 0, 'fn': 0, 'tn': 0}
    for i in range(int(prob) if prob == int(prob) else math.ceil(prob), n):
        inside = any(l <= i <= r for (l, r) in rows)
        hit = scores[i] >= thr
        if inside:
            counts['tp' if hit else 'fn'] += 1
            continue
        if not hit:
            counts['tn'] += 1
            continue
        counts['fp'] += 1
        before = [(l, r) for (l, r) in rows if r < i]
        if not before:
            fp += -cost['fpWeight']
        else:
            l, r = before[-1]
            fp += S(abs(r - i) / float(r - l + 1 - 1)) * cost['fpWeight']
    raw = fp + sum(parts)
    return raw, counts


def scored_windows(times, windows):
    n = len(times)
    prob = min(math.floor(0.15 * n), 0.15 * 5000)
    return sum(1 for (l, r) in windows_as_rows(times, windows) if r >= prob)


def corpus(files, cost, thr):
    raw = 0.0
    counts = {'tp': 0, 'fp': 0, 'fn': 0, 'tn': 0}
    for f in files:
        r, c = file_raw(f['times'], f['scores'], f['windows'], cost, thr)
        raw += r
        for k in counts:
            counts[k] += c[k]
    return raw, counts


def optimise(files, cost):
    cands = set()
    for f in files:
        n = len(f['times'])
        prob = min(math.floor(0.15 * n), 0.15 * 5000)
        for i in range(n):
            if i >= prob:
                cands.add(f['scores'][i])
    best, best_t = None, None
    for t in [1.1] + sorted(cands, reverse=True):
        raw, _ = corpus(files, cost, t)
        if best is None or raw > best:
            best, best_t = raw, t
    return best_t


def expected(files):
    out = {}
    windows = sum(len(f['windows']) for f in files)
    scored = sum(scored_windows(f['times'], f['windows']) for f in files)
    for name, cost in PROFILES.items():
        t = optimise(files, cost)
        raw, counts = corpus(files, cost, t)
        null = -cost['fnWeight'] * scored
        perfect = cost['tpWeight'] * windows
        at_half = [file_raw(f['times'], f['scores'], f['windows'], cost, 0.5)[0] for f in files]
        out[name] = dict(threshold=t, raw=raw, null=null, perfect=perfect,
                         score=100.0 * (raw - null) / (perfect - null), **counts, files_at_half=at_half)
    return out


def main():
    rng = np.random.default_rng(20141)
    cases = {}
    allw = json.load(open(os.path.join(NAB, 'labels', 'combined_windows.json')))
    files = []
    for name in FILES:
        lines = open(os.path.join(NAB, 'data', name)).read().strip().split('\n')[1:]
        times = [l.split(',')[0] for l in lines]
        n = len(times)
        scores = np.round(rng.random(n) ** 4, 2)  # a sparse tail of high scores: false positives at any threshold
        for (l, r) in windows_as_rows(times, allw[name]):
            # A few strong detections spread over each window (and one just after it).
            for i in range(l, min(n, r + 3)):
                if rng.random() < 0.02:
                    scores[i] = round(0.85 + 0.15 * rng.random(), 2)
        files.append({'name': name, 'times': times, 'windows': allw[name], 'scores': [float(s) for s in scores]})
    cases['corpus'] = {
        'files': [{'name': f['name'], 'scores': f['scores']} for f in files],
        'expected': expected(files),
    }

    # Synthetic: 200 rows, 5-minute steps, a repeated hour (duplicates) and one row out of order.
    t0 = datetime.datetime(2015, 3, 1)
    times = [t0 + datetime.timedelta(minutes=5 * i) for i in range(200)]
    times[60:64] = times[56:60]          # a repeated stretch: rows 56..59 again as 60..63
    times[120], times[121] = times[121], times[120]  # out of order
    tstr = [t.strftime('%Y-%m-%d %H:%M:%S') for t in times]
    wins = [
        [tstr[40] + '.000000', tstr[57] + '.000000'],   # ends at a duplicated time: first occurrence (57)
        [tstr[100] + '.000000', tstr[110] + '.000000'],
        [tstr[121] + '.000000', tstr[150] + '.000000'],  # starts at the out-of-order row
    ]
    scores = np.round(rng.random(200) * 0.8, 2)
    for i in (45, 58, 61, 104, 112, 125, 160, 20, 35):
        scores[i] = round(0.8 + 0.2 * rng.random(), 2)
    syn = [{'name': 'synthetic/dups.csv', 'times': tstr, 'windows': wins, 'scores': [float(s) for s in scores]}]
    cases['synthetic'] = {
        'files': [{'name': 'synthetic/dups.csv', 'times': tstr, 'windows': wins, 'scores': syn[0]['scores']}],
        'window_rows': [list(w) for w in windows_as_rows(tstr, wins)],
        'expected': expected(syn),
    }
    with open(OUT, 'w') as f:
        json.dump({'generator': 'scripts/make_nab_scorer_fixtures.py', 'numpy': np.__version__, 'cases': cases}, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', OUT, os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()
