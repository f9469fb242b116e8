"""Checkers for the exercises of K-means: the assignment step, the move step,
and the soft assignments of its small-sigma limit."""

from __future__ import annotations

import numpy as np

from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import (Case, Check, Mistake, Part, _as_numbers, _fmt, checker,
                                    close)
from gmmlib.lloyd import assign, move_centres, soft_assign

__all__ = ["check_kmeans_assign", "check_kmeans_update", "check_soft_assign"]


def _blobs(seed, centres, n_per, spread):
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    X = np.concatenate([c + spread * rng.standard_normal((n_per, centres.shape[1]))
                        for c in centres])
    return np.round(X[rng.permutation(len(X))], 2)


def _assign_cases():
    C2 = np.array([[-2.0, 0.0], [2.0, 0.5], [0.0, 3.0]])
    X2 = _blobs(11, C2, 5, 1.0)
    X1 = np.array([[-1.4], [0.1], [0.9], [2.6], [3.4], [5.2], [6.1], [-0.3]])
    C1 = np.array([[0.0], [3.0], [6.0]])
    C3 = np.array([[0.0, 0.0, 0.0], [2.0, 2.0, 0.0], [0.0, 2.0, 2.0], [2.0, 0.0, 2.0]])
    X3 = _blobs(12, C3, 3, 0.9)
    return [
        Case("2-D, three centres", (X2, C2)),
        Case("1-D data as a column (N, 1), three centres", (X1, C1)),
        Case("3-D, four centres", (X3, C3)),
    ]


def _distances_for_labels(check, number, case, out, X, C):
    """Stop with wrong_type if out holds each point's distance to its nearest centre
    (.min where .argmin goes), squared or not."""
    arr = _as_numbers(out)
    if isinstance(arr, str) or arr.size != len(X):
        return
    arr = arr.reshape(-1)
    d2 = mx.squared_distances(X, C)
    if np.all(arr == np.round(arr)):
        return
    for what, value in (("squared distance", d2.min(axis=1)),
                        ("distance", np.sqrt(d2.min(axis=1)))):
        if close(arr, value):
            check.fail("wrong_type",
                       f"your labels are each point's {what} to its nearest centre "
                       f"{check.in_case(number, case)}, e.g. {_fmt(arr[0])} for point 0: that "
                       f"is a distance, not an index. Use argmin, not min: "
                       f"np.argmin(d2, axis=1) gives the index 0..K−1 of the nearest centre.")


@checker("kmeans_assign")
def check_kmeans_assign(func):
    """Check kmeans_assign(X, centres) -> labels of shape (N,), integers in 0..K−1.

    label_i = argmin_k ‖x_i − c_k‖²: each point goes to its nearest centre.
    """
    check = Check("kmeans_assign", func, "kmeans_assign(X, centres)",
                  "label_i = argmin_k ‖x_i − c_k‖²")
    part = Part("the labels", "", ("point",), integer=True)
    cases = _assign_cases()
    for number, case in enumerate(cases, 1):
        X, C = case.args
        expected = assign(X, C).astype(float)
        out = check.run(number, case)
        _distances_for_labels(check, number, case, out, X, C)
        got = check.array(number, case, out, expected.shape, part,
                          "One label per point: the index of its nearest centre "
                          "(np.argmin(..., axis=1)).")

        def mistakes(case, X=X, C=C, expected=expected):
            d = X[:, None, :] - C[None, :, :]
            return [
                Mistake("farthest", "each point went to its farthest centre",
                        "Take the argmin of the squared distances, not the argmax.",
                        np.argmax(mx.squared_distances(X, C), axis=1)),
                Mistake("off_by_one", "your labels run from 1 to K", "Python counts from 0: "
                        "the labels are the indices 0..K−1 that np.argmin returns.",
                        expected + 1),
                Mistake("wrong_distance", "your distance adds |Δ| over the coordinates (the "
                        "Manhattan distance)", "Use the squared Euclidean distance "
                        "Σ_d (x_id − c_kd)²: square each difference before adding.",
                        np.argmin(np.abs(d).sum(axis=2), axis=1)),
                Mistake("wrong_distance", "your distance adds the differences x_id − c_kd "
                        "without squaring them (so they cancel)", "Square each difference, then "
                        "add over the coordinates: "
                        "((X[:, None] - centres[None]) ** 2).sum(axis=2).",
                        np.argmin(d.sum(axis=2), axis=1)),
                Mistake("wrong_distance", "your distance adds the squares over the wrong axis "
                        "(over the centres instead of the coordinates)",
                        "Sum over the last axis, the coordinates: .sum(axis=2) on the (N, K, D) "
                        "differences.", np.argmin((d ** 2).sum(axis=1), axis=1)),
            ]

        check.compare(number, case, got, expected, part, mistakes)
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


@checker("kmeans_update")
def check_kmeans_update(func):
    """Check kmeans_update(X, labels, n_clusters) -> centres of shape (K, D).

    c_k = the mean of the points with label k (every cluster has points here).
    """
    check = Check("kmeans_update", func, "kmeans_update(X, labels, n_clusters)",
                  "c_k = (1 / N_k) Σ_{i: label_i = k} x_i, N_k the number of points with label k")
    part = Part("the centres c_k", "", ("centre", "coordinate"))
    cases = []
    for c in _assign_cases():
        X, C = c.args
        cases.append(Case(c.description.replace("centres", "clusters"),
                          (X, assign(X, C), C.shape[0])))
    for number, case in enumerate(cases, 1):
        X, labels, K = case.args
        expected = move_centres(X, labels, np.zeros((K, X.shape[1])))
        out = check.run(number, case)
        got = check.array(number, case, out, expected.shape, part,
                          "One row per cluster, one column per coordinate.")

        def mistakes(case, X=X, labels=labels, K=K):
            onehot = np.eye(K)[labels]
            sums = onehot.T @ X
            return [
                Mistake("unweighted", "every centre is the mean of all the points: the labels "
                        "are ignored", "Average only the points of cluster k: X[labels == k]"
                        ".mean(axis=0).", np.repeat(X.mean(axis=0)[None], K, axis=0)),
                Mistake("not_normalised", "your centres are the sums of their points, not "
                        "divided by how many there are", "Divide each sum by N_k, the number of "
                        "points with label k (or use .mean(axis=0)).", sums),
                Mistake("unweighted", "your centres divide each cluster's sum by N, the number "
                        "of all points, instead of N_k", "Divide by N_k, the number of points "
                        "with label k.", sums / len(X)),
                Mistake("off_by_one", "centre k is the mean of the points labelled k + 1",
                        "Labels run 0..K−1: use X[labels == k] for centre k.",
                        np.array([X[labels == (k + 1) % K].mean(axis=0) for k in range(K)])),
                Mistake("off_by_one", f"centre k is the mean of the points labelled k + 1, and "
                        f"centre K−1 = {K - 1} is NaN: no point has label K = {K} (the mean of no "
                        f"points is 0/0)", "Labels run 0..K−1: use X[labels == k] for centre k, "
                        "k in range(n_clusters).",
                        np.array([X[labels == k + 1].mean(axis=0) if k + 1 < K
                                  else np.full(X.shape[1], np.nan) for k in range(K)])),
                Mistake("unweighted", "your centres use np.median, not the mean",
                        "K-means' update is the mean of each cluster's points.",
                        np.array([np.median(X[labels == k], axis=0) for k in range(K)])),
            ]

        check.compare(number, case, got, expected, part, mistakes)
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


@checker("soft_assign")
def check_soft_assign(func):
    """Check soft_assign(X, centres, sigma) -> r of shape (N, K).

    r_ik = exp(−‖x_i − c_k‖² / 2σ²) / Σ_j exp(−‖x_i − c_j‖² / 2σ²): equal weights,
    shared variance σ² I. Must stay finite for small σ (log-sum-exp), where the
    rows become K-means' hard assignments.
    """
    check = Check("soft_assign", func, "soft_assign(X, centres, sigma)",
                  "r_ik = exp(−‖x_i − c_k‖² / 2σ²) / Σ_j exp(−‖x_i − c_j‖² / 2σ²)")
    part = Part("the responsibilities r_ik", "r_ik", ("point", "component"))
    base = _assign_cases()
    X2, C2 = base[0].args
    X1, C1 = base[1].args
    cases = [
        Case("2-D, three centres, σ = 1", (X2, C2, 1.0)),
        Case("1-D data as a column (N, 1), σ = 0.8", (X1, C1, 0.8)),
        Case("2-D, σ = 4: soft, nearly equal", (X2, C2, 4.0)),
        Case("2-D, σ = 0.01: nearly hard",
             (X2, C2, 0.01), far=tuple(range(len(X2)))),
    ]
    for number, case in enumerate(cases, 1):
        X, C, sigma = case.args
        expected = soft_assign(X, C, sigma)
        out = check.run(number, case)
        got = check.array(number, case, out, expected.shape, part,
                          "One row per point, one column per centre.")

        def mistakes(case, X=X, C=C, s=sigma):
            d2 = mx.squared_distances(X, C)
            return [
                Mistake("underflow", "every exp(−‖x_i − c_k‖² / 2σ²) underflows to 0 for small "
                        "σ, and 0/0 gives NaN", "Subtract each row's largest exponent before "
                        "exponentiating (log-sum-exp; scipy.special.softmax(-d2 / (2 * sigma**2), "
                        "axis=1) does it).", mx.naive_normalise_rows(np.exp(-d2 / (2 * s ** 2)))),
                Mistake("std_for_variance", "your exponent divides by 2σ where 2σ² goes",
                        "The variance is σ²: exp(−‖x_i − c_k‖² / (2 σ²)).",
                        mx.softmax_rows(-d2 / (2 * s))),
                Mistake("distance_not_squared", "your exponent uses the distance ‖x_i − c_k‖, "
                        "not its square", "Use the squared distance ‖x_i − c_k‖².",
                        mx.softmax_rows(-np.sqrt(d2) / (2 * s ** 2))),
                Mistake("not_normalised", "your values are exp(−‖x_i − c_k‖² / 2σ²) themselves: "
                        "the rows do not sum to 1", "Divide each row by its sum over the "
                        "centres.", np.exp(-d2 / (2 * s ** 2))),
                Mistake("wrong_sign", "your exponent has a + sign: the farthest centre gets the "
                        "most", "exp(−‖x_i − c_k‖² / 2σ²), with the minus sign.",
                        mx.softmax_rows(d2 / (2 * s ** 2))),
            ]

        def underflow(got, expected, case=case):
            if case.far and not np.all(np.isfinite(got)):
                return ("underflow", "your rows hold NaN for small σ: the exponentials "
                        "underflow to 0 before you normalise", "Subtract each row's largest "
                        "exponent −min_k ‖x_i − c_k‖² / 2σ² before exponentiating (log-sum-exp).")

        def not_normalised(got, expected):
            sums = got.sum(axis=1)
            if np.all(np.isfinite(got)) and not np.allclose(sums, 1, rtol=0, atol=1e-6):
                i = int(np.argmax(np.abs(sums - 1)))
                return ("not_normalised", f"your rows do not sum to 1 (row {i} sums to "
                        f"{sums[i]:.4g})", "Divide each row by its sum over the centres.")

        check.compare(number, case, got, expected, part, mistakes, (underflow, not_normalised))
    return check.passed(len(cases))
