#!/usr/bin/python3
"""Regenerate the reference data for DriftJobs.Core's calibration check.

A script of its own (rather than a part of make_performance_reference.py) so that it can change without touching the
realized-metric cases. Run with Debian's Python (apt-get install -y python3-sklearn python3-scipy python3-statsmodels):

    /usr/bin/python3 tools/reference/make_calibration_reference.py

It writes tests/DriftJobs.Core.Tests/Reference/calibration.json, a case per line; the tests only read that file.

Calibration: sklearn.calibration.calibration_curve(strategy='uniform') gives each non-empty bin's positive rate and
mean score. It does not return the bins' counts or edges, so the script assigns bins the way calibration_curve does
(np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], scores), side='left': a score on an inner edge belongs to the
bin *below* it, 0 to the first bin, 1 to the last), checks that this reproduces calibration_curve's output exactly, and
computes ECE = sum(count / n * |mean score - positive rate|) in numpy from it.
"""

import json
import os
import sys

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import OUT_DIR, header  # noqa: E402
from make_performance_reference import write_one_case_per_line  # noqa: E402


# ---------------------------------------------------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------------------------------------------------

def calibration_case(name, scores, labels, n_bins):
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    prob_true, prob_pred = calibration_curve(y, s, n_bins=n_bins, strategy="uniform")

    # calibration_curve's own assignment, repeated for the counts it does not return.
    ids = np.searchsorted(edges[1:-1], s)
    total = np.bincount(ids, minlength=n_bins)
    positives = np.bincount(ids, weights=y, minlength=n_bins)
    sums = np.bincount(ids, weights=s, minlength=n_bins)
    nonzero = total != 0
    assert np.array_equal(positives[nonzero] / total[nonzero], prob_true), name
    assert np.array_equal(sums[nonzero] / total[nonzero], prob_pred), name

    counts = total[nonzero]
    ece = float(np.sum(counts / len(s) * np.abs(prob_pred - prob_true)))
    bins = [{"lower": float(edges[k]), "upper": float(edges[k + 1]), "count": int(total[k]),
             "mean_score": float(sums[k] / total[k]), "positive_rate": float(positives[k] / total[k])}
            for k in range(n_bins) if total[k] > 0]
    assert [b["positive_rate"] for b in bins] == [float(v) for v in prob_true], name
    assert [b["mean_score"] for b in bins] == [float(v) for v in prob_pred], name
    return {"name": name, "bin_count": n_bins, "scores": [float(v) for v in s], "labels": [bool(v) for v in y],
            "edges": [float(v) for v in edges], "count": len(s), "ece": ece, "bins": bins}


def on_and_beside_edges(n_bins):
    """Every edge as linspace makes it, the nearest doubles either side, and k / n_bins where that is another double
    (3 / 10 = 0.3 < linspace's 0.30000000000000004): the values where the edge convention decides the bin."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    values = set()
    for k, e in enumerate(edges):
        values.update({float(e), float(np.nextafter(e, -1.0)), float(np.nextafter(e, 2.0)), k / n_bins})
    return sorted(v for v in values if 0.0 <= v <= 1.0)


def make_calibration():
    rng = np.random.default_rng(2406)
    cases = []

    for n_bins in (10, 7, 3):
        s = on_and_beside_edges(n_bins)
        cases.append(calibration_case(f"edges-{n_bins}-bins", s, rng.integers(0, 2, len(s)), n_bins))

    # A calibrated model's scores on a 0.01 grid: a tenth of them exactly on a decimal edge.
    s = np.round(rng.uniform(0, 1, 3000), 2)
    cases.append(calibration_case("calibrated-two-decimals-10-bins", s, rng.uniform(0, 1, len(s)) < s, 10))

    # Continuous, calibrated, the default 10 bins.
    s = rng.beta(0.7, 1.5, 5000)
    cases.append(calibration_case("calibrated-continuous-10-bins", s, rng.uniform(0, 1, len(s)) < s, 10))

    # Overconfident: the truth is a flattened version of the score (logit shrunk threefold).
    s = rng.uniform(0, 1, 4000)
    truth = 1 / (1 + np.exp(-np.log(s / (1 - s)) / 3))
    cases.append(calibration_case("overconfident-15-bins", s, rng.uniform(0, 1, len(s)) < truth, 15))

    # Scores only near 0 and near 1: the middle bins are empty and left out.
    s = np.concatenate([rng.uniform(0, 0.2, 300), rng.uniform(0.8, 1, 200)])
    cases.append(calibration_case("empty-middle-bins-10", s, rng.uniform(0, 1, len(s)) < s, 10))

    s = [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    cases.append(calibration_case("scores-only-0-and-1", s, [0, 1, 1, 1, 0, 0, 1], 10))

    s = rng.uniform(0, 1, 50)
    cases.append(calibration_case("one-bin", s, rng.integers(0, 2, 50), 1))

    s = rng.uniform(0, 0.3, 40)
    cases.append(calibration_case("no-positive-label", s, np.zeros(40, dtype=int), 10))

    cases.append(calibration_case("single-row", [0.42], [1], 10))
    return cases


def main():
    write_one_case_per_line("calibration.json", {
        "source": header({
            "generated_by": "tools/reference/make_calibration_reference.py",
            "sklearn": sklearn.__version__,
            "calibration": "sklearn.calibration.calibration_curve(y, scores, n_bins, strategy='uniform') for the "
                           "non-empty bins' positive_rate and mean_score; edges = numpy.linspace(0, 1, n_bins + 1); "
                           "counts from calibration_curve's own assignment numpy.searchsorted(edges[1:-1], scores) "
                           "(side='left': a score on an inner edge falls in the lower bin); ece = sum(count / n * "
                           "|mean_score - positive_rate|)",
        }),
        "calibration": make_calibration(),
    })


if __name__ == "__main__":
    main()
