"""Reference values for the upload-history checks (tests/unit/history-stats.test.ts):
Python's statistics.mean / stdev / median, round(x, 2) and str() on hard cases, and the
note Dagster's documented asset-check example writes. Run: /usr/bin/python3 scripts/make_history_fixtures.py
(writes tests/fixtures/history-stats.json). Python 3.11's statistics module: exact fractions."""
import json
import random
import statistics

rng = random.Random(22)


def case(values, kind):
    out = {'kind': kind, 'values': values, 'mean': statistics.mean(values)}
    out['mean_str'] = str(round(statistics.mean(values), 2))
    out['median'] = statistics.median(values)
    if len(values) >= 2:
        out['stdev'] = statistics.stdev(values)
        out['stdev_str'] = str(round(statistics.stdev(values), 2))
    return out


cases = []
# Row counts (ints: the mean of ints stays an int when whole, as Dagster's num_rows).
for n in [2, 3, 5, 10, 50]:
    cases.append(case([rng.randint(500, 1500) for _ in range(n)], 'int'))
cases.append(case([1000, 1009], 'int'))
cases.append(case([2, 4, 6], 'int'))
cases.append(case([812, 812, 812], 'int'))
# Floats of every magnitude, and ones that defeat float summation.
for scale in [1e-6, 1e-2, 1, 1e3, 1e9, 1e15]:
    for n in [2, 3, 7, 40]:
        cases.append(case([rng.gauss(5, 2) * scale for _ in range(n)], 'float'))
cases.append(case([0.1] * 10, 'float'))
cases.append(case([1e16 + 2, 1e16 + 4, 1e16 + 8, 1e16 + 16], 'float'))
cases.append(case([1e308, 1e308, -1e308], 'float'))
cases.append(case([1.5, 2.5, 2.5, 2.75, 3.25, 4.75], 'float'))
cases.append(case([0.125, 0.375, 0.625], 'float'))
cases.append(case([3.0, 3.0, 3.0], 'float'))
cases.append(case([-0.0, 0.0, -0.0], 'float'))
cases.append(case([1e-300, 3e-300, 7e-300], 'float'))
cases.append(case([rng.random() for _ in range(1000)], 'float'))

# round(x, 2) and str(): ties on odd eighths, halves that are not exact, signs, magnitudes.
rounds = [0.125, 0.375, 0.625, 0.875, -0.125, -0.375, 2.675, 1.005, 0.005, 0.015, 0.045, 1.115,
          -2.675, 12345.125, 12345.875, 0.001, -0.001, 1e16, 1.2e16 + 2, 123456789012.345, 1e-5,
          61.2, 1004.5, 61.199999, 99.995, 99.994999, 3.0, 0.0, 2.0 ** 52 + 0.5, 2.0 ** 49 + 0.125,
          2.0 ** 49 + 0.375, 7.0e15 + 0.5, 1e20, 1e22, 5e-324]
rounds += [rng.uniform(-1000, 1000) for _ in range(300)]
rounds += [round(rng.uniform(-100, 100), 3) for _ in range(300)]
rounds += [rng.randint(-10 ** 6, 10 ** 6) / 8 for _ in range(100)]
round_cases = [{'x': x, 'round': round(x, 2), 'str': str(round(x, 2))} for x in rounds]


def dagster_note(values_newest_first):
    """Dagster's documented asset check, as written (values newest first, values[:-1])."""
    values = values_newest_first
    mean = statistics.mean(values[:-1])
    stdev = statistics.stdev(values[:-1])
    passed = abs(values[0] - mean) <= stdev
    return {'values': values, 'passed': passed,
            'note': f"num_rows is {round(values[0], 2)}. Mean is {round(mean, 2)}. Standard deviation is {round(stdev, 2)}."}


dagster = [dagster_note([812, 1000, 1009, 1100]), dagster_note([1000, 1009, 812]),
           dagster_note([950, 1000, 1009, 1100, 880])]

with open('tests/fixtures/history-stats.json', 'w') as f:
    json.dump({'python': __import__('sys').version.split()[0], 'stats': cases, 'rounds': round_cases, 'dagster': dagster}, f, indent=0)
print(len(cases), 'stats cases,', len(round_cases), 'round cases')
