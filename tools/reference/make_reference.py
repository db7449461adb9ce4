#!/usr/bin/python3
"""Regenerate the SciPy/NumPy reference data used by DriftJobs.Core.Tests.

Run with the Python that imports SciPy (on Debian: /usr/bin/python3 after
`apt-get install python3-scipy python3-statsmodels`):

    /usr/bin/python3 tools/reference/make_reference.py

It writes JSON files into tests/DriftJobs.Core.Tests/Reference/. The tests only
read those files; they never run Python.

Large samples are not stored. They are described by a "generator" object that C#
expands bit-for-bit (tests/DriftJobs.Core.Tests/ReferenceData.cs):

    values[i] = ((i * mul + add) % mod) / scale + offset,   i = 0 .. n-1

The integer part is computed in 64-bit integers (i * mul + add < 2^63), then
converted to double, divided by `scale` (a power of two) and `offset` (a multiple
of 1/scale) is added. All these double operations are exact, so every language
gets the same values. With mul coprime to mod the values are a permuted,
evenly spaced lattice; small `mod` gives many ties.
"""

import json
import math
import os
import platform
import sys
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                       "tests", "DriftJobs.Core.Tests", "Reference")

SCALE = 2.0 ** 20
GENERATOR_FORMULA = ("values[i] = ((i * mul + add) % mod) / scale + offset for i in 0..n-1; "
                     "i * mul + add computed in 64-bit integers, the rest in IEEE doubles (all exact)")


def header(extra=None):
    h = {
        "generated_by": "tools/reference/make_reference.py",
        "python": platform.python_version(),
        "scipy": scipy.__version__,
        "numpy": np.__version__,
    }
    if extra:
        h.update(extra)
    return h


def write(name, payload):
    path = os.path.normpath(os.path.join(OUT_DIR, name))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        # json writes floats with repr(), i.e. the shortest string that round-trips.
        json.dump(payload, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {path}", file=sys.stderr)


def gen(n, mul, add, mod, offset_units=0, scale=SCALE):
    """A generator spec; offset is offset_units / scale so that it stays exact."""
    assert (n - 1) * mul + add < 2 ** 62
    assert mod < 2 ** 52 and (mod + abs(offset_units)) < 2 ** 52
    spec = {"generator": {"n": int(n), "mul": int(mul), "add": int(add), "mod": int(mod),
                          "scale": float(scale), "offset": float(offset_units) / scale}}
    # A few expanded values, so a reader of the JSON can check its expansion against Python's.
    values = expand(spec)
    indices = sorted({0, 1, n // 3, n // 2, n - 1} & set(range(n)))
    spec["check"] = {"indices": indices, "values": [float(values[i]) for i in indices]}
    return spec


def explicit(values):
    return {"values": [float(v) for v in values]}


def expand(spec):
    if "values" in spec:
        return np.asarray(spec["values"], dtype=np.float64)
    g = spec["generator"]
    i = np.arange(g["n"], dtype=np.int64)
    r = (i * np.int64(g["mul"]) + np.int64(g["add"])) % np.int64(g["mod"])
    return r.astype(np.float64) / g["scale"] + g["offset"]


# ---------------------------------------------------------------------------------------------------------------------
# Kolmogorov-Smirnov
# ---------------------------------------------------------------------------------------------------------------------

def kstwo_branch(n, x):
    """Which branch of scipy.stats._ksstats._kolmogn (cdf=False) handles kstwo.sf(x, n)."""
    if x <= 0.5 / n:
        return "below-support"
    if x >= 1.0:
        return "at-or-above-1"
    t = n * x
    if t <= 1.0:
        return "ruben-gambino-low" + ("-product" if n <= 140 else "-stirling")
    if t >= n - 1:
        return "ruben-gambino-high"
    if x >= 0.5:
        return "two-smirnov-x-ge-half"
    nx2 = t * x
    if n <= 140:
        if nx2 <= 0.754693:
            return "durbin-mtw-small-n"
        if nx2 <= 4:
            return "pomeranz"
        return "two-smirnov-small-n"
    if nx2 >= 370.0:
        return "zero"
    if nx2 >= 2.2:
        return "two-smirnov" + ("-approximation" if n > 1_000_000 else "")
    if n <= 100000 and n * x ** 1.5 <= 1.4:
        return "durbin-mtw"
    return "pelz-good"


def kstwo_cases():
    cases = []

    def add(d, n):
        d = float(d)
        cases.append({"d": d, "n": int(n), "sf": float(stats.kstwo.sf(d, n)), "branch": kstwo_branch(n, d)})

    ns = [1, 2, 3, 5, 10, 37, 100, 140, 141, 500, 1000, 10_000, 99_999, 100_000, 100_001,
          300_000, 1_000_000, 1_000_001, 3_000_000, 10_000_000]
    for n in ns:
        # z = d*sqrt(n) spans the bulk of the distribution; then the special regions in d itself.
        # Above 10^5 the exact Smirnov sum costs O(n) (about a second at n = 10^6), so fewer points go there.
        zs = (0.3, 0.6, 0.83, 1.0, 1.22, 1.36, 1.63, 2.0, 3.0, 5.0) if n <= 100_001 or n > 1_000_000 else \
            (0.3, 0.83, 1.22, 1.36, 2.0)
        for z in zs:
            d = z / math.sqrt(n)
            if d < 1:
                add(d, n)
        for d in (0.25 / n, 0.5 / n, 0.75 / n, 1.0 / n, 1.5 / n, 0.3, 0.5, 0.7, 1 - 1.0 / n, 1 - 0.25 / n, 1.0):
            if 0 < d <= 1:
                add(d, n)
    # Hand-picked points on both sides of each branch threshold.
    for n, d in [(140, math.sqrt(0.754693 / 140) * 0.999), (140, math.sqrt(0.754693 / 140) * 1.001),
                 (140, math.sqrt(4 / 140) * 0.999), (140, math.sqrt(4 / 140) * 1.001),
                 (50_000, math.sqrt(2.2 / 50_000) * 0.999), (50_000, math.sqrt(2.2 / 50_000) * 1.001),
                 (50_000, (1.4 / 50_000) ** (2 / 3) * 0.99), (50_000, (1.4 / 50_000) ** (2 / 3) * 1.01),
                 (100_000, (1.4 / 100_000) ** (2 / 3) * 0.99), (100_001, (1.4 / 100_001) ** (2 / 3) * 0.99),
                 (2000, math.sqrt(370 / 2000) * 0.999), (2000, math.sqrt(370 / 2000) * 1.001),
                 (1_000_001, math.sqrt(2.5 / 1_000_001)),
                 (7, 0.2), (7, 0.45), (12, 0.6), (25, 0.1)]:
        add(d, n)
    seen = set()
    unique = []
    for c in cases:
        key = (c["d"], c["n"])
        if key not in seen:
            seen.add(key)
            unique.append(c)
    return unique


def ks_case(name, x_spec, y_spec, cases):
    x = expand(x_spec)
    y = expand(y_spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = stats.ks_2samp(x, y, method="auto")
    n1, n2 = len(x), len(y)
    case = {
        "name": name,
        "x": x_spec,
        "y": y_spec,
        "n1": n1,
        "n2": n2,
        "regime": "exact" if max(n1, n2) <= 10_000 else "asymptotic",
        "d": float(res.statistic),
        "p": float(res.pvalue),
    }
    if caught:
        case["scipy_warnings"] = [str(w.message) for w in caught]
    print(f"  ks {name}: n1={n1} n2={n2} d={case['d']:.6g} p={case['p']:.6g}", file=sys.stderr)
    cases.append(case)


def shift_for_p(target_p, x_spec, y_spec):
    """Offset (in 1/scale units) for y so that ks_2samp(x, y) gives a p-value close to target_p.

    Starts from the asymptotic guess and, for samples cheap enough to test repeatedly, bisects on log(p)."""
    x = expand(x_spec)
    y0 = expand(y_spec)
    g = y_spec["generator"]
    n1, n2 = len(x), len(y0)
    m, n = max(n1, n2), min(n1, n2)
    en = round(m * n / (m + n))
    guess = int(round(float(stats.kstwo.isf(target_p, en)) * g["mod"]))
    if max(n1, n2) > 200_000:
        return guess
    lo, hi = 0, 3 * guess
    best = guess
    for _ in range(20):
        mid = (lo + hi) // 2
        p = stats.ks_2samp(x, y0 + mid / g["scale"], method="auto").pvalue
        if abs(math.log(p / target_p)) < abs(math.log(
                stats.ks_2samp(x, y0 + best / g["scale"], method="auto").pvalue / target_p)):
            best = mid
        if p > target_p:
            lo = mid + 1
        else:
            hi = mid
        if lo >= hi:
            break
    return best


def ks_cases():
    rng = np.random.default_rng(20240611)
    cases = []
    p1, p2 = 1_000_003, 999_983  # primes, so every mul < mod is coprime

    # Tiny samples with explicit values.
    ks_case("one-vs-one", explicit([0.25]), explicit([0.75]), cases)
    ks_case("one-vs-one-identical", explicit([0.5]), explicit([0.5]), cases)
    ks_case("one-vs-fifty", explicit([0.9]), explicit(np.round(rng.uniform(0, 1, 50), 6)), cases)
    ks_case("seven-vs-ten", explicit(np.round(rng.normal(0, 1, 7), 6)), explicit(np.round(rng.normal(0.8, 1, 10), 6)),
            cases)
    ks_case("fifty-vs-fifty-normal", explicit(np.round(rng.normal(0, 1, 50), 6)),
            explicit(np.round(rng.normal(0.3, 1.2, 50), 6)), cases)
    ks_case("twenty-vs-thirty-separated", explicit(np.arange(20) / 20), explicit(2 + np.arange(30) / 30), cases)
    ks_case("ties-small-explicit", explicit([1, 1, 2, 2, 2, 3, 3, 4]), explicit([2, 2, 3, 3, 3, 3, 4, 5, 5]), cases)

    # Exact regime, equal sizes.
    ks_case("exact-equal-1000-p-near-1", gen(1000, 618_034, 11, p1), gen(1000, 414_214, 5, p1, 137), cases)
    x, y = gen(1000, 618_034, 11, p1), gen(1000, 414_214, 5, p1)
    ks_case("exact-equal-1000-p-about-0.05", x, gen(1000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    ks_case("exact-equal-10000-p-below-1e-6", gen(10_000, 618_034, 11, p1), gen(10_000, 414_214, 5, p1, 60_000), cases)
    x, y = gen(10_000, 618_034, 11, p1), gen(10_000, 414_214, 5, p1)
    ks_case("exact-equal-10000-p-about-0.05", x, gen(10_000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    ks_case("exact-equal-identical", gen(3000, 618_034, 11, p1), gen(3000, 618_034, 11, p1), cases)

    # Exact regime, unequal sizes.
    ks_case("exact-unequal-300-700", gen(300, 618_034, 11, p1), gen(700, 414_214, 5, p2, 30_000), cases)
    x, y = gen(2500, 618_034, 11, p1), gen(10_000, 414_214, 5, p1)
    ks_case("exact-unequal-2500-10000-p-about-0.05", x, gen(10_000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    x, y = gen(77, 618_034, 11, p1), gen(130, 414_214, 5, p1)
    ks_case("exact-unequal-77-130-p-about-0.05", x, gen(130, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    ks_case("exact-unequal-9999-10000-p-near-1", gen(9999, 618_034, 11, p1), gen(10_000, 414_214, 5, p2), cases)
    ks_case("exact-unequal-1234-5678-p-below-1e-6", gen(1234, 618_034, 11, p1), gen(5678, 414_214, 5, p1, 150_000),
            cases)
    x, y = gen(3000, 618_034, 11, p1), gen(4500, 414_214, 5, p1)
    ks_case("exact-unequal-3000-4500-p-about-0.9", x, gen(4500, 414_214, 5, p1, shift_for_p(0.9, x, y)), cases)
    ks_case("exact-ties-500-800", gen(500, 7, 3, 20, scale=1.0), gen(800, 11, 1, 20, 1, scale=1.0), cases)

    # Asymptotic regime.
    ks_case("asymptotic-7-vs-100000", explicit(np.round(rng.uniform(0, 1, 7), 6)), gen(100_000, 618_034, 11, p1), cases)
    x, y = gen(50_000, 618_034, 11, p1), gen(12_000, 414_214, 5, p1)
    ks_case("asymptotic-50000-12000-p-about-0.9", x, gen(12_000, 414_214, 5, p1, shift_for_p(0.9, x, y)), cases)
    ks_case("asymptotic-10001-equal-p-near-1", gen(10_001, 618_034, 11, p1), gen(10_001, 414_214, 5, p2), cases)
    x, y = gen(20_000, 618_034, 11, p1), gen(30_000, 414_214, 5, p1)
    ks_case("asymptotic-20000-30000-p-about-0.05", x, gen(30_000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    x, y = gen(100_000, 618_034, 11, p1), gen(100_000, 414_214, 5, p1)
    ks_case("asymptotic-100000-equal-p-about-0.05", x, gen(100_000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    ks_case("asymptotic-100000-200000-p-below-1e-6", gen(100_000, 618_034, 11, p1), gen(200_000, 414_214, 5, p1, 20_000),
            cases)
    ks_case("asymptotic-ties-50000-30000-shifted", gen(50_000, 7, 3, 20, scale=1.0),
            gen(30_000, 11, 1, 20, 1, scale=1.0), cases)
    ks_case("asymptotic-ties-50000-30010-same", gen(50_000, 7, 3, 20, scale=1.0), gen(30_010, 11, 1, 20, scale=1.0),
            cases)
    ks_case("asymptotic-identical-200000", gen(200_000, 618_034, 11, p1), gen(200_000, 618_034, 11, p1), cases)
    ks_case("asymptotic-separated-20000", gen(20_000, 618_034, 11, p1), gen(20_000, 414_214, 5, p1, 2 * p1), cases)
    x, y = gen(1_000_000, 618_034, 11, p1), gen(100_000, 414_214, 5, p1)
    ks_case("asymptotic-1e6-1e5-p-about-0.05", x, gen(100_000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    ks_case("asymptotic-1e6-equal-p-near-1", gen(1_000_000, 618_034, 11, p1), gen(1_000_000, 414_214, 5, p2, 5), cases)
    x, y = gen(1_000_000, 618_034, 11, p1), gen(1_000_000, 414_214, 5, p1)
    ks_case("asymptotic-1e6-equal-p-about-0.05", x, gen(1_000_000, 414_214, 5, p1, shift_for_p(0.05, x, y)), cases)
    ks_case("asymptotic-1e6-equal-p-below-1e-6", gen(1_000_000, 618_034, 11, p1), gen(1_000_000, 414_214, 5, p1, 4000),
            cases)
    return cases


def make_ks():
    write("ks.json", {
        "source": header({"function": "scipy.stats.ks_2samp(x, y, method='auto'); scipy.stats.kstwo.sf(d, n)"}),
        "generator_formula": GENERATOR_FORMULA,
        "note": "d is the statistic scipy returns; in the exact regime (max(n1, n2) <= 10000) scipy rounds it to "
                "h/lcm(n1, n2), so it can differ from the raw ECDF difference in the last bits.",
        "cases": ks_cases(),
        "kstwo": kstwo_cases(),
    })


# ---------------------------------------------------------------------------------------------------------------------
# Chi-square goodness of fit
# ---------------------------------------------------------------------------------------------------------------------

def make_chisquare():
    rng = np.random.default_rng(7)
    cases = []

    def add(name, observed, shares):
        observed = np.asarray(observed, dtype=np.int64)
        shares = np.asarray(shares, dtype=np.float64)
        assert abs(shares.sum() - 1) < 1e-12, name
        f_exp = shares * observed.sum()
        res = stats.chisquare(observed, f_exp=f_exp)
        cases.append({"name": name, "observed": [int(o) for o in observed], "expected_shares": [float(s) for s in shares],
                      "dof": len(observed) - 1, "statistic": float(res.statistic), "p": float(res.pvalue)})

    add("uniform-exact-fit", [25, 25, 25, 25], [0.25] * 4)
    add("two-categories", [480, 520], [0.5, 0.5])
    add("uniform-mild", [18, 22, 25, 35], [0.25] * 4)
    add("skewed-shares", [700, 200, 80, 20], [0.7, 0.2, 0.075, 0.025])
    add("skewed-drifted", [500, 300, 150, 50], [0.7, 0.2, 0.075, 0.025])
    add("zero-observed-count", [0, 40, 60], [0.1, 0.4, 0.5])
    add("tiny-expected-share", [990, 9, 1], [0.998, 0.001, 0.001])
    add("large-counts-no-drift", [250_123, 249_877, 500_000], [0.25, 0.25, 0.5])
    add("large-counts-drift", [260_000, 240_000, 500_000], [0.25, 0.25, 0.5])
    add("huge-statistic-p-underflow", [1_000_000, 0, 0], [1 / 3, 1 / 3, 1 - 2 / 3])
    shares = rng.dirichlet(np.ones(50))
    shares = shares / shares.sum()
    shares[-1] = 1 - shares[:-1].sum()
    add("fifty-categories-sampled", rng.multinomial(10_000, shares), shares)
    shifted = np.roll(shares, 1)
    add("fifty-categories-shifted", rng.multinomial(10_000, shifted / shifted.sum()), shares)
    add("p-about-0.05", [115, 85, 100], [1 / 3, 1 / 3, 1 - 2 / 3])
    write("chisquare.json", {
        "source": header({"function": "scipy.stats.chisquare(observed, f_exp=expected_shares * sum(observed))"}),
        "cases": cases,
    })


# ---------------------------------------------------------------------------------------------------------------------
# Jensen-Shannon
# ---------------------------------------------------------------------------------------------------------------------

def make_jensenshannon():
    rng = np.random.default_rng(11)
    cases = []

    def add(name, p, q):
        d = distance.jensenshannon(np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64), base=2)
        cases.append({"name": name, "p": [float(v) for v in p], "q": [float(v) for v in q], "distance": float(d)})

    add("identical", [0.2, 0.3, 0.5], [0.2, 0.3, 0.5])
    add("disjoint-support", [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.4, 0.6])
    add("zero-in-p", [0.0, 0.5, 0.5], [0.2, 0.3, 0.5])
    add("zero-in-both-same-bin", [0.0, 0.4, 0.6], [0.0, 0.7, 0.3])
    add("zeros-in-different-bins", [0.0, 0.5, 0.5, 0.0], [0.25, 0.25, 0.0, 0.5])
    add("unnormalized-counts", [10, 20, 30, 40], [40, 30, 20, 10])
    add("near-identical", [0.25, 0.25, 0.25, 0.25], [0.2501, 0.2499, 0.25, 0.25])
    add("two-bins", [0.9, 0.1], [0.1, 0.9])
    add("thirty-bins-random", rng.dirichlet(np.ones(30)), rng.dirichlet(np.ones(30)))
    add("thousand-bins-random", rng.dirichlet(np.ones(1000)), rng.dirichlet(np.ones(1000)))
    write("jensenshannon.json", {
        "source": header({"function": "scipy.spatial.distance.jensenshannon(p, q, base=2)",
                          "note": "scipy normalizes p and q to sum 1 before computing the distance"}),
        "cases": cases,
    })


# ---------------------------------------------------------------------------------------------------------------------
# Wasserstein
# ---------------------------------------------------------------------------------------------------------------------

def make_wasserstein():
    rng = np.random.default_rng(13)
    cases = []

    def add(name, u, v, uw=None, vw=None):
        d = stats.wasserstein_distance(u, v, uw, vw)
        cases.append({"name": name, "u_values": [float(x) for x in u],
                      "u_weights": None if uw is None else [float(x) for x in uw],
                      "v_values": [float(x) for x in v],
                      "v_weights": None if vw is None else [float(x) for x in vw], "distance": float(d)})

    add("scipy-doc-unweighted", [0, 1, 3], [5, 6, 8])
    add("scipy-doc-weighted", [0, 1], [0, 1], [3, 1], [2, 2])
    add("scipy-doc-weighted-2", [3.4, 3.9, 7.5, 7.8], [4.5, 1.4], [1.4, 0.9, 3.1, 7.2], [3.2, 3.5])
    add("identical", [1.0, 2.0, 3.0], [3.0, 2.0, 1.0])
    add("single-points", [0.0], [2.5])
    add("ties", [1, 1, 1, 2, 2], [1, 2, 2, 2, 3])
    add("different-sizes", np.round(rng.normal(0, 1, 17), 6), np.round(rng.normal(0.5, 2, 40), 6))
    add("histogram-like-weights", [0.5, 1.5, 2.5, 3.5], [0.5, 1.5, 2.5, 3.5], [10, 20, 30, 40], [40, 30, 20, 10])
    add("zero-weights", [0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0])
    add("large-random", np.round(rng.exponential(1, 2000), 6), np.round(rng.exponential(1.2, 1500), 6))
    write("wasserstein.json", {
        "source": header({"function": "scipy.stats.wasserstein_distance(u_values, v_values, u_weights, v_weights)",
                          "note": "null weights mean every value has weight 1"}),
        "cases": cases,
    })


# ---------------------------------------------------------------------------------------------------------------------
# Quantiles
# ---------------------------------------------------------------------------------------------------------------------

PROBS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]


def make_quantiles():
    rng = np.random.default_rng(17)
    cases = []

    def add(name, spec):
        values = expand(spec)
        q = np.quantile(values, PROBS)
        cases.append({"name": name, "values": spec, "n": int(len(values)), "quantiles": [float(v) for v in q]})

    add("single-value", explicit([3.5]))
    add("two-values", explicit([1.0, 2.0]))
    add("five-values", explicit([5, 1, 4, 2, 3]))
    add("ties", explicit([1, 1, 1, 2, 2, 3, 3, 3, 3, 10]))
    add("negative-and-positive", explicit(np.round(rng.normal(0, 10, 37), 6)))
    add("generator-1000", gen(1000, 618_034, 11, 1_000_003))
    add("generator-100001", gen(100_001, 414_214, 5, 999_983, -500_000))
    add("generator-ties-1000000", gen(1_000_000, 7, 3, 20, scale=1.0))
    write("quantiles.json", {
        "source": header({"function": "numpy.quantile(values, probs) (method='linear')"}),
        "generator_formula": GENERATOR_FORMULA,
        "probs": PROBS,
        "cases": cases,
    })


# ---------------------------------------------------------------------------------------------------------------------
# Multiple testing
# ---------------------------------------------------------------------------------------------------------------------

def make_bh():
    if hasattr(stats, "false_discovery_control"):
        bh_source = "scipy.stats.false_discovery_control(p, method='bh')"

        def bh(p):
            return stats.false_discovery_control(p, method="bh")
    else:
        from statsmodels.stats.multitest import multipletests
        import statsmodels
        bh_source = f"statsmodels {statsmodels.__version__} multipletests(p, method='fdr_bh')[1]"

        def bh(p):
            return multipletests(p, method="fdr_bh")[1]

    rng = np.random.default_rng(19)
    cases = []

    def add(name, p):
        p = np.asarray(p, dtype=np.float64)
        cases.append({"name": name, "p": [float(v) for v in p], "bh": [float(v) for v in bh(p)],
                      "bonferroni": [float(v) for v in np.minimum(1.0, p * len(p))]})

    add("single", [0.03])
    add("all-ones", [1.0, 1.0, 1.0])
    add("sorted", [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    add("unsorted", [0.2, 0.01, 0.5, 0.03, 0.0001, 0.04])
    add("ties", [0.01, 0.01, 0.02, 0.02, 0.5])
    add("with-zero", [0.0, 0.2, 0.04, 1.0])
    add("random-40", rng.uniform(0, 1, 40) ** 3)
    write("bh.json", {
        "source": header({"bh": bh_source, "bonferroni": "numpy.minimum(1, p * m)"}),
        "cases": cases,
    })


def main():
    make_chisquare()
    make_jensenshannon()
    make_wasserstein()
    make_quantiles()
    make_bh()
    make_ks()


if __name__ == "__main__":
    main()
