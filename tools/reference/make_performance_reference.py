#!/usr/bin/python3
"""Regenerate the scikit-learn/statsmodels reference data for DriftJobs.Core's model-performance metrics.

A script of its own rather than a part of make_reference.py: it needs scikit-learn, which the drift statistics do
not, so make_reference.py keeps running with SciPy/NumPy/statsmodels alone. It shares that script's header and writer.
Run with Debian's Python (apt-get install -y python3-sklearn python3-scipy python3-statsmodels):

    /usr/bin/python3 tools/reference/make_performance_reference.py

It writes tests/DriftJobs.Core.Tests/Reference/performance.json, a case per line; the tests only read that file. NaN, which JSON has no
spelling for, is written as null.
"""

import json
import math
import os
import sys
import warnings
from fractions import Fraction

import numpy as np
import sklearn
import statsmodels
from sklearn import metrics
from statsmodels.stats.proportion import proportions_ztest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import OUT_DIR, header  # noqa: E402


def num(x):
    x = float(x)
    return None if math.isnan(x) else x


# ---------------------------------------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------------------------------------

def classification_case(name, labels, predictions, positive=None, scores=None):
    labels = [str(v) for v in labels]
    predictions = [str(v) for v in predictions]
    y, p = np.asarray(labels, dtype=object), np.asarray(predictions, dtype=object)
    classes = [str(c) for c in metrics._classification.unique_labels(y, p)]
    prec, rec, f1, support = metrics.precision_recall_fscore_support(y, p, labels=classes, average=None,
                                                                     zero_division=0)
    macro = metrics.precision_recall_fscore_support(y, p, average="macro", zero_division=0)
    case = {
        "name": name, "labels": labels, "predictions": predictions, "positive": positive,
        "scores": None if scores is None else [float(s) for s in scores],
        "classes": classes,
        "accuracy": float(metrics.accuracy_score(y, p)),
        "precision": [float(v) for v in prec], "recall": [float(v) for v in rec], "f1": [float(v) for v in f1],
        "support": [int(v) for v in support],
        "macro_precision": float(macro[0]), "macro_recall": float(macro[1]), "macro_f1": float(macro[2]),
        "confusion_matrix": metrics.confusion_matrix(y, p, labels=classes).tolist(),
        "positive_precision": None, "positive_recall": None, "positive_f1": None,
        "roc_auc": None, "log_loss": None,
    }
    if positive is not None:
        if len(classes) <= 2:
            # What a binary monitor asks: sklearn's average='binary' with the declared positive label.
            r = metrics.precision_recall_fscore_support(y, p, pos_label=positive, average="binary", zero_division=0)
        else:
            r = metrics.precision_recall_fscore_support(y, p, labels=[positive], average=None, zero_division=0)
        case["positive_precision"], case["positive_recall"], case["positive_f1"] = (float(np.ravel(v)[0]) for v in r[:3])
    if scores is not None:
        truth = (y == positive).astype(int)
        s = np.asarray(scores, dtype=np.float64)
        if 0 < truth.sum() < len(truth):
            case["roc_auc"] = float(metrics.roc_auc_score(truth, s))
        case["log_loss"] = float(metrics.log_loss(truth, s, labels=[0, 1]))
    return case


def make_classification():
    rng = np.random.default_rng(2024)
    cases = []

    # Binary, balanced, scores on a 0.001 grid: many ties.
    n = 400
    y = rng.integers(0, 2, n)
    s = np.clip(np.round(0.35 * y + rng.uniform(0, 0.65, n), 3), 0, 1)
    cases.append(classification_case("binary-balanced-tied-scores", y, (s >= 0.5).astype(int), "1", s))

    # Binary, 3 % positives, continuous scores (9 decimals, all distinct, fewer than the exact limit).
    n = 3000
    y = (rng.uniform(0, 1, n) < 0.03).astype(int)
    s = np.round(1 / (1 + np.exp(-(rng.normal(0, 1, n) + 2.2 * y - 2.5))), 9)
    cases.append(classification_case("binary-imbalanced", y, (s >= 0.3).astype(int), "1", s))

    # Scores of exactly 0 and 1, right and wrong: the clipping decides the log loss.
    y = [1, 0, 1, 0, 1, 0, 1, 0]
    s = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.7, 0.2]
    cases.append(classification_case("binary-scores-at-0-and-1", y, [int(v >= 0.5) for v in s], "1", s))

    # Text labels, positive class sorting first, three distinct scores only.
    n = 500
    fraud = rng.uniform(0, 1, n) < 0.2
    s = np.where(fraud, rng.choice([0.1, 0.5, 0.9], n, p=[0.2, 0.3, 0.5]), rng.choice([0.1, 0.5, 0.9], n, p=[0.6, 0.3, 0.1]))
    labels = np.where(fraud, "fraud", "ok")
    cases.append(classification_case("binary-text-labels-three-scores", labels, np.where(s > 0.5, "fraud", "ok"), "fraud", s))

    # Every score separates the classes.
    y = [0, 0, 0, 1, 1]
    s = [0.1, 0.2, 0.3, 0.8, 0.9]
    cases.append(classification_case("binary-perfect-separation", y, [0, 0, 1, 1, 1], "1", s))

    # The positive class is never a label: no ROC AUC, log loss still defined.
    y = [0, 0, 0, 0]
    s = [0.1, 0.6, 0.05, 0.3]
    cases.append(classification_case("binary-no-positive-label", y, [int(v >= 0.5) for v in s], "1", s))

    # Binary, the positive class never predicted: its precision is 0/0 (zero_division=0).
    y = rng.integers(0, 2, 50)
    cases.append(classification_case("binary-positive-never-predicted", y, np.zeros(50, dtype=int), "1"))

    # Three classes, imbalanced, confusions between all of them.
    n = 600
    y = rng.choice(["bird", "cat", "dog"], n, p=[0.1, 0.3, 0.6])
    p = np.where(rng.uniform(0, 1, n) < 0.7, y, rng.choice(["bird", "cat", "dog"], n))
    cases.append(classification_case("three-class-imbalanced", y, p, "cat"))

    # Three classes, one never predicted.
    y = rng.choice(["a", "b", "c"], 90)
    p = np.where(y == "c", "b", y)
    cases.append(classification_case("three-class-never-predicted", y, p))

    # A class predicted that is never a label (its recall is 0/0).
    y = rng.choice(["a", "b"], 80)
    p = np.where(rng.uniform(0, 1, 80) < 0.15, "z", y)
    cases.append(classification_case("class-never-a-label", y, p))

    # Integer labels as invariant text: "10" sorts before "2", as numpy sorts strings.
    y = rng.choice([0, 1, 2, 10], 120)
    p = np.where(rng.uniform(0, 1, 120) < 0.6, y, rng.choice([0, 1, 2, 10], 120))
    cases.append(classification_case("integer-labels-as-text", y, p))

    # More distinct scores (7 decimals) than the exact limit, 10,000: the engine bins them and bounds its AUC error.
    n = 15_000
    y = (rng.uniform(0, 1, n) < 0.25).astype(int)
    s = np.round(1 / (1 + np.exp(-(rng.normal(0, 1.5, n) + 1.5 * y - 1.2))), 7)
    cases.append(classification_case("binary-many-distinct-scores", y, (s >= 0.5).astype(int), "1", s))
    return cases


# ---------------------------------------------------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------------------------------------------------

def exact_regression(y, p):
    """MAE, RMSE², bias and R² in exact rational arithmetic over the float64 inputs, errors rounded as numpy does."""
    n = len(y)
    e = [Fraction(float(pi - yi)) for yi, pi in zip(np.asarray(y, np.float64), np.asarray(p, np.float64))]
    yf = [Fraction(float(v)) for v in y]
    mean = sum(yf) / n
    ss_tot = sum((v - mean) ** 2 for v in yf)
    ss_res = sum(v * v for v in e)
    return {"mae": float(sum(abs(v) for v in e) / n), "mse": float(ss_res / n), "bias": float(sum(e) / n),
            "r2": None if ss_tot == 0 else float(1 - ss_res / ss_tot)}


def regression_case(name, labels, predictions, exact=False):
    y = np.asarray(labels, dtype=np.float64)
    p = np.asarray(predictions, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # r2_score warns, and returns nan, below two samples
        r2 = metrics.r2_score(y, p)
    case = {
        "name": name, "labels": [float(v) for v in y], "predictions": [float(v) for v in p], "count": len(y),
        "mae": float(metrics.mean_absolute_error(y, p)),
        "rmse": float(metrics.mean_squared_error(y, p, squared=False)),
        "bias": float(np.mean(p - y)),  # no sklearn function; prediction − label, positive when over-predicting
        "r2": num(r2),
        # The spread of the per-pair losses, for the tests of a rise in MAE / MSE (ddof=1; null below two pairs).
        "absolute_error_variance": num(np.var(np.abs(p - y), ddof=1)) if len(y) > 1 else None,
        "squared_error_variance": num(np.var((p - y) ** 2, ddof=1)) if len(y) > 1 else None,
        "exact": exact_regression(y, p) if exact else None,
    }
    return case


def make_regression():
    rng = np.random.default_rng(24)
    cases = []
    cases.append(regression_case("small", [3, -0.5, 2, 7], [2.5, 0.0, 2, 8]))
    y = rng.normal(50, 10, 1000)
    cases.append(regression_case("normal-1000", y, y + rng.normal(1.5, 4, 1000)))
    y = 1e9 + np.round(rng.normal(0, 3, 2000), 3)
    cases.append(regression_case("large-offset-1e9", y, y + np.round(rng.normal(-0.5, 1, 2000), 3), exact=True))
    y = 1e12 + rng.integers(0, 1000, 500)
    cases.append(regression_case("large-offset-1e12-integers", y, y + rng.integers(-20, 21, 500), exact=True))
    cases.append(regression_case("constant-label-imperfect", [5.0] * 6, [5.0, 5.5, 4.0, 5.0, 6.0, 5.0]))
    cases.append(regression_case("constant-label-perfect", [5.0] * 6, [5.0] * 6))
    y = rng.uniform(-1, 1, 40)
    cases.append(regression_case("perfect-predictions", y, y))
    cases.append(regression_case("worse-than-the-mean", [1, 2, 3, 4], [4, 3, 2, 1]))
    cases.append(regression_case("single-row", [2.0], [3.5]))
    return cases


# ---------------------------------------------------------------------------------------------------------------------
# Two-proportion z-test
# ---------------------------------------------------------------------------------------------------------------------

def ztest_case(name, window_errors, window_count, reference_errors, reference_count):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0/0 when both rates are 0 or 1
        z, p = proportions_ztest([window_errors, reference_errors], [window_count, reference_count],
                                 alternative="larger")
    return {"name": name, "window_errors": window_errors, "window_count": window_count,
            "reference_errors": reference_errors, "reference_count": reference_count, "z": num(z), "p": num(p)}


def make_ztest():
    return [
        ztest_case("window-worse", 130, 1000, 1000, 10000),
        ztest_case("window-better", 80, 1000, 1000, 10000),
        ztest_case("slightly-worse-small-window", 9, 60, 700, 5000),
        ztest_case("identical-rates", 50, 500, 200, 2000),
        ztest_case("window-has-no-errors", 0, 300, 30, 3000),
        ztest_case("reference-has-no-errors", 4, 300, 0, 3000),
        ztest_case("both-zero", 0, 400, 0, 4000),
        ztest_case("both-all-errors", 20, 20, 100, 100),
        ztest_case("much-worse-tiny-p", 3000, 10000, 10000, 100000),
        ztest_case("single-window-row", 1, 1, 10, 100),
        ztest_case("large-counts", 1_234_567, 10_000_000, 12_300_000, 100_000_000),
    ]


def write_one_case_per_line(name, payload):
    """Like make_reference.write, but a case on each line: the long label and score lists would otherwise take a
    line per value (several MB)."""
    path = os.path.normpath(os.path.join(OUT_DIR, name))
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n")
        for i, (key, value) in enumerate(payload.items()):
            f.write(f" {json.dumps(key)}: ")
            if isinstance(value, list):
                f.write("[\n" + ",\n".join("  " + json.dumps(v, allow_nan=False) for v in value) + "\n ]")
            else:
                f.write(json.dumps(value, indent=1, allow_nan=False).replace("\n", "\n "))
            f.write(",\n" if i < len(payload) - 1 else "\n")
        f.write("}\n")
    print(f"wrote {path}", file=sys.stderr)


def main():
    write_one_case_per_line("performance.json", {
        "source": header({
            "generated_by": "tools/reference/make_performance_reference.py",
            "sklearn": sklearn.__version__, "statsmodels": statsmodels.__version__,
            "classification": "sklearn.metrics: unique_labels, accuracy_score, precision_recall_fscore_support("
                              "zero_division=0; average=None / 'macro' / 'binary' with pos_label), confusion_matrix, "
                              "roc_auc_score(y == positive, scores), log_loss(y == positive, scores, labels=[0, 1], "
                              "eps='auto' = float64 eps 2^-52 in sklearn 1.2)",
            "regression": "sklearn.metrics mean_absolute_error, mean_squared_error(squared=False), r2_score "
                          "(force_finite=True: a constant label gives 1.0 for perfect predictions, else 0.0); "
                          "bias = numpy.mean(prediction - label); *_error_variance = numpy.var(|e| or e², ddof=1); 'exact' = the same in fractions.Fraction over the "
                          "float64 inputs; null = NaN",
            "ztest": "statsmodels proportions_ztest([window_errors, reference_errors], [window_count, "
                     "reference_count], alternative='larger') (pooled variance); null = NaN",
        }),
        "classification": make_classification(),
        "regression": make_regression(),
        "ztest": make_ztest(),
    })


if __name__ == "__main__":
    main()
