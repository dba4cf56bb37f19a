"""Floats for the JSON fixtures, shared by the scripts/make_*fixtures.py scripts."""
import numpy as np


def fl(x):
    """A float for JSON: NaN → None, ±inf → 'inf' / '-inf', -0.0 → 0.0."""
    x = float(x)
    if np.isnan(x):
        return None
    if np.isinf(x):
        return 'inf' if x > 0 else '-inf'
    return x + 0.0


def fl_list(a):
    return [fl(v) for v in np.asarray(a, dtype=np.float64).ravel()]
