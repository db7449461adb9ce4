#!/usr/bin/python3
"""Regenerate the reference data for the degradation tests of DriftJobs.Core.Performance (issue 24, "The verdict").

Run with Debian's Python (apt-get install -y python3-scipy python3-statsmodels python3-mpmath):

    /usr/bin/python3 tools/reference/make_significance_reference.py

It writes tests/DriftJobs.Core.Tests/Reference/significance.json; the tests only read that file. NaN is null.

- welch: scipy.stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False, alternative='greater') with the
  window as side 1; the degrees of freedom from scipy's own _unequal_var_ttest_denom.
- student_t_sf: the Student t upper tail in 50-digit mpmath (betainc), so the engine's tail is checked where scipy's
  double precision is itself in doubt (tiny p, huge df).
- regression: window and reference RegressionSummary fields computed from numpy samples, with the Welch test scipy
  gives for MAE (loss |e|) and for RMSE (loss e², mean = rmse**2 of the stored rmse, as the engine squares it).
- bootstrap: the parametric bootstrap of F1 that DegradationTest.F1 runs, re-implemented in numpy with 200,000
  draws per side (numpy.random.Generator.multinomial); see bootstrap_p for the definition.
"""

import math
import os
import sys
import warnings

import mpmath
import numpy as np
import scipy
from scipy import stats
from scipy.stats._stats_py import _unequal_var_ttest_denom

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import header, write  # noqa: E402

REFERENCE_DRAWS = 200_000


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


# ---------------------------------------------------------------------------------------------------------------------
# Welch t-test from summary statistics
# ---------------------------------------------------------------------------------------------------------------------

def welch(m1, v1, n1, m2, v2, n2):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        t, p = stats.ttest_ind_from_stats(m1, math.sqrt(v1), n1, m2, math.sqrt(v2), n2, equal_var=False,
                                          alternative="greater")
        df, _ = _unequal_var_ttest_denom(np.float64(v1), n1, np.float64(v2), n2)
    # JSON has no infinity: t is null unless finite, and t_limit says what it was then ("inf", "-inf" or "nan").
    t = float(t)
    return {"t": t if math.isfinite(t) else None, "t_limit": None if math.isfinite(t) else repr(t),
            "df": num(df), "p": num(p)}


def welch_case(name, m1, v1, n1, m2, v2, n2):
    case = {"name": name, "window_mean": m1, "window_variance": v1, "window_count": n1,
            "reference_mean": m2, "reference_variance": v2, "reference_count": n2}
    case.update(welch(m1, v1, n1, m2, v2, n2))
    return case


def make_welch():
    return [
        welch_case("window-worse", 1.30, 0.81, 500, 1.20, 0.64, 5000),
        welch_case("window-better", 1.10, 0.81, 500, 1.20, 0.64, 5000),
        welch_case("equal-means", 2.5, 1.0, 300, 2.5, 4.0, 3000),
        welch_case("two-and-three-rows", 3.0, 2.0, 2, 1.0, 0.5, 3),
        welch_case("tiny-p", 1.05, 1.0, 20000, 1.0, 1.0, 200000),
        welch_case("very-tiny-p", 1.2, 1.0, 20000, 1.0, 1.0, 200000),
        welch_case("underflowing-p", 3.0, 1.0, 50000, 1.0, 1.0, 500000),
        welch_case("window-variance-zero", 1.2, 0.0, 40, 1.0, 0.25, 400),
        welch_case("reference-variance-zero", 1.2, 0.25, 40, 1.0, 0.0, 400),
        welch_case("huge-df", 1.0001, 1.0, 10 ** 9, 1.0, 1.0, 10 ** 9),
        welch_case("huge-df-large-t", 1.0005, 1.0, 10 ** 10, 1.0, 1.0, 10 ** 10),
        welch_case("small-df-large-t", 50.0, 1.0, 3, 1.0, 1.0, 3),
        # scipy: both variances 0 makes t = ±inf (p 0 or 1) or 0/0 (NaN); the engine defines the NaN case.
        welch_case("both-variances-zero-window-higher", 2.0, 0.0, 10, 1.0, 0.0, 10),
        welch_case("both-variances-zero-window-lower", 1.0, 0.0, 10, 2.0, 0.0, 10),
        welch_case("both-variances-zero-equal-means", 1.0, 0.0, 10, 1.0, 0.0, 10),
    ]


def make_student_t_sf():
    mpmath.mp.dps = 50
    out = []
    for df in [1.0, 2.5, 10.0, 57.3, 1e3, 1e6, 2e6 + 0.5, 1e9, 1e12]:
        for t in [-4.0, -0.5, 0.0, 0.25, 1.0, 2.0, 3.5, 10.0, 30.0]:
            if t == 0:
                sf = mpmath.mpf(0.5)
            else:
                x = mpmath.mpf(df) / (mpmath.mpf(df) + mpmath.mpf(t) ** 2)
                tail = mpmath.betainc(mpmath.mpf(df) / 2, mpmath.mpf(0.5), 0, x, regularized=True) / 2
                sf = tail if t > 0 else 1 - tail
            out.append({"t": t, "df": df, "sf": float(sf), "scipy": float(stats.t.sf(t, df))})
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Regression summaries and their MAE / RMSE tests
# ---------------------------------------------------------------------------------------------------------------------

def summary(errors):
    e = np.asarray(errors, dtype=np.float64)
    a, s = np.abs(e), e * e
    return {"count": len(e), "mae": float(a.mean()), "rmse": float(math.sqrt(s.mean())),
            "absolute_error_variance": float(np.var(a, ddof=1)), "squared_error_variance": float(np.var(s, ddof=1))}


def regression_case(name, window_errors, reference_errors):
    w, r = summary(window_errors), summary(reference_errors)
    return {
        "name": name, "window": w, "reference": r,
        "mae": welch(w["mae"], w["absolute_error_variance"], w["count"],
                     r["mae"], r["absolute_error_variance"], r["count"]),
        "rmse": welch(w["rmse"] ** 2, w["squared_error_variance"], w["count"],
                      r["rmse"] ** 2, r["squared_error_variance"], r["count"]),
    }


def make_regression():
    rng = np.random.default_rng(2424)
    return [
        regression_case("same-noise", rng.normal(0, 2, 800), rng.normal(0, 2, 8000)),
        regression_case("window-noisier", rng.normal(0, 2.3, 800), rng.normal(0, 2, 8000)),
        regression_case("window-biased", rng.normal(0.8, 2, 800), rng.normal(0, 2, 8000)),
        regression_case("heavy-tailed-small-window", rng.standard_t(3, 60) * 1.5, rng.standard_t(3, 5000)),
        regression_case("window-better", rng.normal(0, 1.5, 800), rng.normal(0, 2, 8000)),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Parametric bootstrap of F1
# ---------------------------------------------------------------------------------------------------------------------

def f1_of_draws(draws, k, positive):
    """F1 of each drawn confusion matrix (rows labels, columns predictions). Per class 2·TP / (support + predicted),
    0 when that is 0/0 (sklearn zero_division=0). With a positive class index, that class's F1; else the mean over
    the classes that occur in the draw as a label or a prediction (sklearn's macro over unique_labels)."""
    m = draws.reshape(-1, k, k)
    tp = np.einsum("bii->bi", m).astype(np.float64)
    den = m.sum(axis=2) + m.sum(axis=1)
    f1 = np.divide(2 * tp, den, out=np.zeros_like(tp), where=den > 0)
    if positive is not None:
        return f1[:, positive]
    present = den > 0
    return (f1 * present).sum(axis=1) / present.sum(axis=1)


def bootstrap_p(window, reference, window_positive, reference_positive, draws, seed):
    """p = (1 + #{draws with F1_window* >= F1_reference*}) / (draws + 1): the share of bootstrap draws in which the
    window is not worse than the reference, H1 being "the window's F1 is below the reference's"."""
    rng = np.random.default_rng(seed)
    w, r = np.asarray(window, np.int64), np.asarray(reference, np.int64)
    not_worse = 0
    chunk = 10_000
    for start in range(0, draws, chunk):
        size = min(chunk, draws - start)
        fw = f1_of_draws(rng.multinomial(w.sum(), w.ravel() / w.sum(), size=size), len(w), window_positive)
        fr = f1_of_draws(rng.multinomial(r.sum(), r.ravel() / r.sum(), size=size), len(r), reference_positive)
        not_worse += int(np.count_nonzero(fw >= fr))
    return (1 + not_worse) / (draws + 1)


def observed_f1(matrix, positive):
    return float(f1_of_draws(np.asarray(matrix, np.int64)[None], len(matrix), positive)[0])


def bootstrap_case(name, window, reference, positive=None):
    window, reference = [list(map(int, row)) for row in window], [list(map(int, row)) for row in reference]
    return {"name": name, "window": window, "reference": reference, "positive": positive,
            "window_f1": observed_f1(window, positive), "reference_f1": observed_f1(reference, positive),
            "draws": REFERENCE_DRAWS, "p": bootstrap_p(window, reference, positive, positive, REFERENCE_DRAWS, 7)}


def confusion(rng, k, n, class_shares, right):
    """n pairs: labels drawn with class_shares, the prediction right with probability right[label], else uniform."""
    labels = rng.choice(k, n, p=class_shares)
    wrong = rng.integers(0, k, n)
    predictions = np.where(rng.uniform(0, 1, n) < np.asarray(right)[labels], labels, wrong)
    m = np.zeros((k, k), np.int64)
    np.add.at(m, (labels, predictions), 1)
    return m.tolist()


def make_bootstrap():
    rng = np.random.default_rng(77)
    binary = [[620, 80], [90, 210]]
    ten_shares = np.linspace(1, 3, 10) / np.linspace(1, 3, 10).sum()
    ten_reference = confusion(rng, 10, 20000, ten_shares, np.full(10, 0.8))
    return [
        bootstrap_case("binary-identical", binary, binary, 1),
        bootstrap_case("binary-clearly-worse", [[600, 100], [180, 120]], binary, 1),
        bootstrap_case("binary-slightly-worse", [[612, 88], [99, 201]], binary, 1),
        bootstrap_case("binary-borderline", [[300, 50], [58, 92]], [[6200, 800], [900, 2100]], 1),
        bootstrap_case("binary-window-better", [[640, 60], [80, 220]], binary, 1),
        bootstrap_case("binary-small-window", [[15, 3], [4, 8]], [[6200, 800], [900, 2100]], 1),
        bootstrap_case("binary-positive-first-row", [[200, 95], [75, 630]], [[2100, 900], [800, 6200]], 0),
        bootstrap_case("ten-class-identical", ten_reference, ten_reference),
        bootstrap_case("ten-class-slightly-worse", confusion(rng, 10, 2000, ten_shares, np.full(10, 0.77)),
                       ten_reference),
        bootstrap_case("ten-class-one-class-broken",
                       confusion(rng, 10, 2000, ten_shares, [0.8] * 9 + [0.3]), ten_reference),
        # Rare classes vanish from some draws, which then leave them out of the macro mean.
        bootstrap_case("three-class-rare", [[40, 3, 1], [4, 30, 0], [1, 0, 1]], [[400, 20, 5], [30, 320, 4],
                                                                               [4, 3, 12]]),
    ]


def main():
    write("significance.json", {
        "source": header({
            "generated_by": "tools/reference/make_significance_reference.py",
            "mpmath": mpmath.__version__,
            "welch": "scipy.stats.ttest_ind_from_stats(window_mean, sqrt(window_variance), window_count, "
                     "reference_mean, sqrt(reference_variance), reference_count, equal_var=False, "
                     "alternative='greater'); df from scipy.stats._stats_py._unequal_var_ttest_denom; null = NaN",
            "student_t_sf": "mpmath (50 digits) betainc(df/2, 1/2, 0, df/(df+t^2), regularized)/2 for t > 0, "
                            "1 minus that for t < 0; 'scipy' = scipy.stats.t.sf for comparison",
            "regression": "summaries of numpy samples of errors (mae, rmse, ddof=1 variances of |e| and e^2) and "
                          "the welch test above on (mae, abs var) and (rmse**2, squared var)",
            "bootstrap": "parametric bootstrap of F1 (positive class's, or macro over the classes present in each "
                         "draw): numpy Generator(seed 7).multinomial of each confusion matrix with its cell shares, "
                         f"{REFERENCE_DRAWS} draws per side, p = (1 + #(F1_window* >= F1_reference*)) / (draws + 1)",
        }),
        "welch": make_welch(),
        "student_t_sf": make_student_t_sf(),
        "regression": make_regression(),
        "bootstrap": make_bootstrap(),
    })


if __name__ == "__main__":
    main()
