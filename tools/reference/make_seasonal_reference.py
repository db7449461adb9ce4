#!/usr/bin/python3
"""Reference values for the comparison of a window with the same hours a week earlier (DRIFT_REFERENCE).

    /usr/bin/python3 tools/reference/make_seasonal_reference.py

Writes tests/DriftJobs.Core.Tests/Reference/seasonal.json:
- "homogeneity": scipy.stats.chi2_contingency([a, b], correction=False) of two count vectors (categories empty in
  both left out, as the C# test does; SciPy refuses a zero expected count).
- "binned_ks": two samples of integers given as counts per value 0..k-1; scipy.stats.ks_2samp(x, y, method='auto')
  on the expanded samples. With every value on a grid point the binned D of two windows counted on that grid is the
  D of the raw values, so the C# binned statistic and its p-value must equal SciPy's.
"""

import json
import os
import platform
import sys

import numpy as np
import scipy
from scipy import stats

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "tests", "DriftJobs.Core.Tests", "Reference", "seasonal.json"))


def homogeneity_cases(rng):
    cases = []

    def add(name, a, b):
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        keep = (a + b) > 0
        chi2, p, dof, _ = stats.chi2_contingency(np.vstack([a[keep], b[keep]]), correction=False)
        cases.append({"name": name, "a": [int(v) for v in a], "b": [int(v) for v in b],
                      "statistic": float(chi2), "dof": int(dof), "p": float(p)})

    add("same-shares", [250, 250, 500], [500, 500, 1000])
    add("mild", [230, 270, 500], [500, 500, 1000])
    add("two-categories", [480, 520], [530, 470])
    add("empty-category-in-both", [100, 0, 300, 50], [120, 0, 280, 60])
    add("new-category-this-week", [100, 200, 40], [100, 200, 0])
    shares = rng.dirichlet(np.ones(12))
    add("twelve-sampled", rng.multinomial(5_000, shares), rng.multinomial(7_000, shares))
    add("twelve-shifted", rng.multinomial(5_000, np.roll(shares, 1)), rng.multinomial(7_000, shares))
    add("large-drift-p-underflow", [900_000, 100_000], [100_000, 900_000])
    return cases


def binned_ks_cases(rng):
    cases = []

    def add(name, x_counts, y_counts):
        x_counts = [int(v) for v in x_counts]
        y_counts = [int(v) for v in y_counts]
        k = len(x_counts)
        x = np.repeat(np.arange(k, dtype=np.float64), x_counts)
        y = np.repeat(np.arange(k, dtype=np.float64), y_counts)
        res = stats.ks_2samp(x, y, method="auto")
        cases.append({"name": name, "x_counts": x_counts, "y_counts": y_counts,
                      "statistic": float(res.statistic), "p": float(res.pvalue)})

    k = 21
    base = stats.binom.pmf(np.arange(k), k - 1, 0.5)
    base = base / base.sum()
    add("same-small-exact", rng.multinomial(300, base), rng.multinomial(400, base))
    shifted = stats.binom.pmf(np.arange(k), k - 1, 0.56)
    add("shifted-small-exact", rng.multinomial(300, shifted / shifted.sum()), rng.multinomial(400, base))
    add("same-large-asymptotic", rng.multinomial(20_000, base), rng.multinomial(30_000, base))
    add("shifted-large-asymptotic", rng.multinomial(20_000, shifted / shifted.sum()), rng.multinomial(30_000, base))
    return cases


def main():
    rng = np.random.default_rng(26)
    payload = {
        "source": {
            "generated_by": "tools/reference/make_seasonal_reference.py",
            "python": platform.python_version(),
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "homogeneity": "scipy.stats.chi2_contingency([a, b], correction=False), categories empty in both left out",
            "binned_ks": "scipy.stats.ks_2samp(repeat(arange(k), x_counts), repeat(arange(k), y_counts), method='auto')",
        },
        "homogeneity": homogeneity_cases(rng),
        "binned_ks": binned_ks_cases(rng),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
