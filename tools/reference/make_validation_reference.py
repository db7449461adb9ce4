#!/usr/bin/python3
"""Regenerate the validation data and scikit-learn's metrics for the baseline job's VALIDATION_DATA tests.

The baseline job computes a model's reference performance from validation files (the label column, `prediction`,
optional `prediction_score`); tests/DriftJobs.Jobs.Tests/BaselineJobTests.cs runs it end to end on these files and
compares baseline.json's `performance` with what scikit-learn computes here from the same rows. Run with Debian's Python
(apt-get install -y python3-sklearn):

    /usr/bin/python3 tools/reference/make_validation_reference.py

It writes tests/DriftJobs.Jobs.Tests/Reference/Validation/{case}/part-*.csv and {case}.json. The data comes from a
seeded generator, so a rerun writes the same files. The tests never run Python; they convert the CSV files to Parquet
themselves to read the same rows in both formats.
"""

import json
import os

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.calibration import calibration_curve

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "DriftJobs.Jobs.Tests",
                       "Reference", "Validation")


def write_parts(case, header, parts):
    """parts: a list of row lists; None is written as an empty field (a missing value to the job's CSV reader)."""
    folder = os.path.join(OUT_DIR, case)
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        os.remove(os.path.join(folder, old))
    for i, rows in enumerate(parts):
        with open(os.path.join(folder, f"part-{i}.csv"), "w", encoding="utf-8", newline="\n") as f:
            f.write(",".join(header) + "\n")
            for row in rows:
                f.write(",".join("" if v is None else v for v in row) + "\n")


def write_expected(case, expected):
    expected["generator"] = f"tools/reference/make_validation_reference.py (scikit-learn {sklearn.__version__}, numpy {np.__version__})"
    with open(os.path.join(OUT_DIR, case + ".json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


def fmt(x):
    return repr(float(x))


def calibration(positive, score, n_bins=10):
    """sklearn's calibration_curve(strategy='uniform') and the ECE over its bins, in numpy. calibration_curve returns
    neither the bins' counts nor their edges, so the bins are assigned as it assigns them (numpy.searchsorted over the
    inner edges of linspace(0, 1, n_bins + 1): a score on an inner edge falls in the bin below) and checked to give its
    exact output."""
    y = positive.astype(np.int64)
    s = score.astype(np.float64)
    prob_true, prob_pred = calibration_curve(y, s, n_bins=n_bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], s)
    total = np.bincount(ids, minlength=n_bins)
    positives = np.bincount(ids, weights=y, minlength=n_bins)
    sums = np.bincount(ids, weights=s, minlength=n_bins)
    nonzero = total != 0
    assert np.array_equal(positives[nonzero] / total[nonzero], prob_true)
    assert np.array_equal(sums[nonzero] / total[nonzero], prob_pred)
    ece = float(np.sum(total[nonzero] / len(s) * np.abs(prob_pred - prob_true)))
    bins = [{"lower": float(edges[k]), "upper": float(edges[k + 1]), "count": int(total[k]),
             "mean_score": float(sums[k] / total[k]), "positive_rate": float(positives[k] / total[k])}
            for k in range(n_bins) if total[k] > 0]
    return {"ece": ece, "count": int(len(s)), "bins": bins}


def binary():
    """A binary classifier with 0/1 labels, scores on a 0.001 grid (ties), some rows without a label, a prediction or
    a score. part-0 writes labels and predictions as floats ("1.0"), part-1 as integers ("1"): one class either way."""
    rng = np.random.default_rng(24)
    n = 1500
    x = rng.normal(size=n)
    city = rng.choice(["paris", "berlin", "rome"], size=n)
    p_true = 1 / (1 + np.exp(-(1.5 * x - 0.3)))
    label = (rng.random(n) < p_true).astype(int)
    score = np.clip(np.round(1 / (1 + np.exp(-(1.2 * x - 0.2 + rng.normal(scale=0.6, size=n)))), 3), 0, 1)
    score[:3] = [0.0, 1.0, 0.5]
    prediction = (score >= 0.5).astype(int)
    no_label = rng.random(n) < 0.03
    no_prediction = rng.random(n) < 0.02
    no_score = rng.random(n) < 0.05

    rows = []
    for i in range(n):
        as_float = i < n // 2
        lab = None if no_label[i] else (fmt(label[i]) if as_float else str(label[i]))
        pred = None if no_prediction[i] else (fmt(prediction[i]) if as_float else str(prediction[i]))
        sc = None if no_score[i] else fmt(score[i])
        rows.append([fmt(x[i]), city[i], lab, pred, sc])
    write_parts("binary", ["x", "city", "label", "prediction", "prediction_score"], [rows[: n // 2], rows[n // 2:]])

    used = ~no_label & ~no_prediction
    y, p = label[used], prediction[used]
    scored = used & ~no_score
    ys, ss = label[scored], score[scored]
    prec, rec, f1, _ = metrics.precision_recall_fscore_support(y, p, pos_label=1, average="binary", zero_division=0)
    macro = metrics.precision_recall_fscore_support(y, p, average="macro", zero_division=0)
    write_expected("binary", {
        "rows": n, "unlabelled": int((~used).sum()), "count": int(used.sum()), "scored_count": int(scored.sum()),
        "classes": ["0", "1"], "positive_class": "1",
        "accuracy": float(metrics.accuracy_score(y, p)),
        "errors": int((y != p).sum()),
        "precision": float(prec), "recall": float(rec), "f1": float(f1),
        "macro_precision": float(macro[0]), "macro_recall": float(macro[1]), "macro_f1": float(macro[2]),
        "confusion_matrix": metrics.confusion_matrix(y, p, labels=[0, 1]).tolist(),
        "roc_auc": float(metrics.roc_auc_score(ys, ss)),
        "log_loss": float(metrics.log_loss(ys, ss, labels=[0, 1])),
        "calibration": calibration(ys == 1, ss),
    })


def multiclass():
    """Three text classes, one of which the model never predicts: no positive class, macro metrics."""
    rng = np.random.default_rng(7)
    n = 600
    classes = np.array(["bird", "cat", "dog"])
    label = rng.choice(classes, size=n, p=[0.2, 0.5, 0.3])
    prediction = np.where(rng.random(n) < 0.7, label, rng.choice(classes, size=n))
    prediction = np.where(prediction == "bird", "cat", prediction)
    no_label = rng.random(n) < 0.02
    rows = [[fmt(rng.normal()), None if no_label[i] else label[i], prediction[i]] for i in range(n)]
    write_parts("multiclass", ["x", "animal", "prediction"], [rows])

    used = ~no_label
    y, p = label[used], prediction[used]
    prf = metrics.precision_recall_fscore_support(y, p, labels=list(classes), average="macro", zero_division=0)
    write_expected("multiclass", {
        "rows": n, "unlabelled": int(no_label.sum()), "count": int(used.sum()), "scored_count": 0,
        "classes": list(classes), "positive_class": None,
        "accuracy": float(metrics.accuracy_score(y, p)),
        "errors": int((y != p).sum()),
        "precision": float(prf[0]), "recall": float(prf[1]), "f1": float(prf[2]),
        "macro_precision": float(prf[0]), "macro_recall": float(prf[1]), "macro_f1": float(prf[2]),
        "confusion_matrix": metrics.confusion_matrix(y, p, labels=list(classes)).tolist(),
        "roc_auc": None, "log_loss": None,
        "calibration": None,
    })


def regression():
    """A regressor that over-predicts a little; a few rows without a label or a prediction."""
    rng = np.random.default_rng(11)
    n = 1200
    x = rng.normal(size=n)
    label = 50 + 10 * x + rng.normal(scale=3, size=n)
    prediction = 51 + 9.5 * x + rng.normal(scale=2, size=n)
    no_label = rng.random(n) < 0.02
    no_prediction = rng.random(n) < 0.01
    rows = [[fmt(x[i]), None if no_label[i] else fmt(label[i]), None if no_prediction[i] else fmt(prediction[i])] for i in range(n)]
    write_parts("regression", ["x", "price", "prediction"], [rows[:700], rows[700:]])

    used = ~no_label & ~no_prediction
    y, p = label[used], prediction[used]
    error = p - y
    write_expected("regression", {
        "rows": n, "unlabelled": int((~used).sum()), "count": int(used.sum()),
        "mae": float(metrics.mean_absolute_error(y, p)),
        "rmse": float(metrics.mean_squared_error(y, p, squared=False)),
        "mean_error": float(np.mean(error)),
        "r2": float(metrics.r2_score(y, p)),
        "absolute_error_variance": float(np.var(np.abs(error), ddof=1)),
        "squared_error_variance": float(np.var(error ** 2, ddof=1)),
    })


if __name__ == "__main__":
    binary()
    multiclass()
    regression()
