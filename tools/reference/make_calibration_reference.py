#!/usr/bin/python3
"""Regenerate the reference data for DriftJobs.Core's calibration check and confidence-based performance estimation.

A script of its own (rather than a part of make_performance_reference.py) so that it can change without touching the
realized-metric cases. Run with Debian's Python (apt-get install -y python3-sklearn python3-scipy python3-statsmodels):

    /usr/bin/python3 tools/reference/make_calibration_reference.py

It writes tests/DriftJobs.Core.Tests/Reference/calibration.json, a case per line; the tests only read that file.

Calibration: sklearn.calibration.calibration_curve(strategy='uniform') gives each non-empty bin's positive rate and
mean score. It does not return the bins' counts or edges, so the script assigns bins the way calibration_curve does
(np.searchsorted(np.linspace(0, 1, n_bins + 1)[1:-1], scores), side='left': a score on an inner edge belongs to the
bin *below* it, 0 to the first bin, 1 to the last), checks that this reproduces calibration_curve's output exactly, and
computes ECE = sum(count / n * |mean score - positive rate|) in numpy from it.

Estimation: the expected confusion matrix of a binary classifier whose scores are calibrated probabilities of the
positive class (NannyML's CBPE): E[TP] = sum of s over rows predicted positive, E[FP] = sum of 1 - s over them, E[FN]
and E[TN] likewise over rows predicted negative. The reference is computed in exact rational arithmetic
(fractions.Fraction over the float64 scores) and cross-checked against NannyML's numpy formulas (F1 = TP / (TP +
(FP + FN) / 2); a ratio with a zero denominator is 0, as NannyML's estimate_precision / estimate_f1 return). Standard
errors: the spread of the realized metric around the estimate when each label is an independent Bernoulli(s) draw
(accuracy and precision exactly, recall and F1 by the delta method).
"""

import json
import math
import os
import sys
from fractions import Fraction

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


# ---------------------------------------------------------------------------------------------------------------------
# Confidence-based estimation
# ---------------------------------------------------------------------------------------------------------------------

def ratio(numerator, denominator):
    return Fraction(0) if denominator == 0 else numerator / denominator


def nannyml_style(pred, s):
    """NannyML's estimate_* functions (metrics.py of its confidence_based package), in numpy."""
    tp = np.sum(np.where(pred == 1, s, 0))
    fp = np.sum(np.where(pred == 1, 1 - s, 0))
    fn = np.sum(np.where(pred == 0, s, 0))
    tn = np.sum(np.where(pred == 0, 1 - s, 0))
    f1_denominator = tp + 0.5 * (fp + fn)
    return {"accuracy": (tp + tn) / len(s), "precision": tp / (tp + fp) if tp + fp != 0 else 0,
            "recall": tp / (tp + fn) if tp + fn != 0 else 0, "f1": tp / f1_denominator if f1_denominator != 0 else 0}


def estimation_case(name, predicted_positive, scores):
    pred = np.asarray(predicted_positive, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    exact = [Fraction(float(v)) for v in s]
    n = len(exact)
    positive = [f for f, p in zip(exact, pred) if p]
    negative = [f for f, p in zip(exact, pred) if not p]
    tp, fn = sum(positive, Fraction(0)), sum(negative, Fraction(0))
    fp, tn = len(positive) - tp, len(negative) - fn
    var_tp = sum((f * (1 - f) for f in positive), Fraction(0))
    var_fn = sum((f * (1 - f) for f in negative), Fraction(0))
    count_positive = len(positive)

    # TP and FN are sums of independent Bernoulli(s) labels; the predicted-positive count is fixed.
    accuracy_var = (var_tp + var_fn) / n ** 2
    precision_var = ratio(var_tp, count_positive ** 2)
    recall_var = ratio(fn ** 2 * var_tp + tp ** 2 * var_fn, (tp + fn) ** 4)
    d = tp + count_positive + fn  # 2 TP + FP + FN
    f1_var = ratio(4 * ((count_positive + fn) ** 2 * var_tp + tp ** 2 * var_fn), d ** 4)

    case = {
        "name": name, "predicted_positive": [bool(v) for v in pred], "scores": [float(v) for v in s],
        "count": n,
        "expected_true_positives": float(tp), "expected_false_positives": float(fp),
        "expected_false_negatives": float(fn), "expected_true_negatives": float(tn),
        "accuracy": float((tp + tn) / n), "precision": float(ratio(tp, tp + fp)), "recall": float(ratio(tp, tp + fn)),
        "f1": float(ratio(2 * tp, 2 * tp + fp + fn)),
        "accuracy_std_error": math.sqrt(accuracy_var), "precision_std_error": math.sqrt(precision_var),
        "recall_std_error": math.sqrt(recall_var), "f1_std_error": math.sqrt(f1_var),
    }
    for metric, value in nannyml_style(pred, s).items():
        assert abs(value - case[metric]) <= 1e-12, (name, metric, value, case[metric])
    return case


def make_estimation():
    rng = np.random.default_rng(1024)
    cases = []

    # Small enough to check by hand: E[TP] = 0.9 + 0.75 + 0.5 + 0.6 = 2.75, E[FP] = 1.25, E[FN] = 0.25 + 0.1 + 0.2 =
    # 0.55, E[TN] = 2.45; accuracy 5.2 / 7, precision 2.75 / 4, recall 2.75 / 3.3, F1 5.5 / 7.3.
    hand = estimation_case("hand-seven-rows", [1, 1, 1, 0, 0, 1, 0], [0.9, 0.75, 0.5, 0.25, 0.1, 0.6, 0.2])
    for metric, value in {"expected_true_positives": 2.75, "expected_false_positives": 1.25,
                          "expected_false_negatives": 0.55, "expected_true_negatives": 2.45, "accuracy": 5.2 / 7,
                          "precision": 2.75 / 4, "recall": 2.75 / 3.3, "f1": 5.5 / 7.3}.items():
        assert abs(hand[metric] - value) <= 1e-15, (metric, hand[metric], value)
    cases.append(hand)

    # Predictions from a threshold of 0.3, not 0.5: the estimate must follow the prediction, not the score.
    s = np.round(rng.uniform(0, 1, 40), 3)
    cases.append(estimation_case("threshold-0.3", s >= 0.3, s))

    # Nothing predicted positive: precision is 0/0 (0, as NannyML and sklearn's zero_division=0).
    cases.append(estimation_case("nothing-predicted-positive", [0, 0, 0, 0], [0.1, 0.4, 0.05, 0.3]))

    # Every score 0 and nothing predicted positive: recall and F1 are 0/0 as well; the realized values are certain.
    cases.append(estimation_case("all-scores-zero", [0, 0, 0], [0.0, 0.0, 0.0]))

    # Scores of exactly 0 and 1: the outcome is certain, every standard error is 0.
    cases.append(estimation_case("certain-scores", [1, 1, 0, 0, 1], [1.0, 0.0, 0.0, 1.0, 1.0]))

    cases.append(estimation_case("single-row", [1], [0.8]))

    # A calibrated model's continuous scores, ~13 % positives, ~4 % predicted positive.
    s = 1 / (1 + np.exp(-rng.normal(-2.5, 1.5, 2000)))
    cases.append(estimation_case("imbalanced-continuous", s >= 0.5, s))

    s = rng.beta(2, 2, 1000)
    cases.append(estimation_case("balanced-continuous", s >= 0.5, s))
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
            "estimation": "expected confusion matrix (NannyML CBPE) in fractions.Fraction over the float64 scores: "
                          "E[TP] = sum(s | predicted positive), E[FP] = sum(1 - s | predicted positive), E[FN], "
                          "E[TN] likewise over predicted negatives; a ratio over 0 is 0; standard errors of the "
                          "realized metric under independent Bernoulli(s) labels (delta method for recall and F1)",
        }),
        "calibration": make_calibration(),
        "estimation": make_estimation(),
    })


if __name__ == "__main__":
    main()
