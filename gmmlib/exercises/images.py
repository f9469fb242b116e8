"""Checkers for the exercises of image segmentation (lesson 11): a segmented
picture from the responsibilities of its pixels, and BIC for a full-covariance
mixture in D dimensions, its parameters counted by the learner."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from gmmlib.exercises._core import Case, Check, Mistake, Part, _as_numbers, _fmt, checker, close

__all__ = ["check_segment", "check_bic_full"]


# ---------------------------------------------------------------------------
# A segmented picture from the responsibilities of its pixels

_CHANNELS = ("red", "green", "blue")


def _responsibilities(rng, n_pixels, n_components, never=None):
    """Rows of responsibilities (Dirichlet draws, rounded) whose largest entry is
    clearly the largest (no ties); component `never` is never the largest."""
    rows = []
    while len(rows) < n_pixels:
        r = np.round(rng.dirichlet(np.ones(n_components)), 3)
        r[-1] = round(1.0 - r[:-1].sum(), 3)
        if r.min() < 0:
            continue
        top = np.sort(r)
        if top[-1] - top[-2] < 0.05 or (never is not None and r.argmax() == never):
            continue
        rows.append(r)
    return np.array(rows)


@lru_cache(maxsize=None)
def _segment_cases():
    rng = np.random.default_rng(111)
    shapes = [((2, 3), 2, None), ((4, 3), 3, None), ((3, 5), 4, 1), ((5, 8), 6, None)]
    words = ["a 2 × 3 picture (2 rows, 3 columns), two components",
             "a 4 × 3 picture (taller than wide), three components",
             "a 3 × 5 picture, four components, component 1 never the most responsible",
             "a 5 × 8 picture, six components"]
    cases = []
    for ((H, W), K, never), text in zip(shapes, words):
        resp = _responsibilities(rng, H * W, K, never)
        means = np.round(rng.uniform(0.05, 0.95, (K, 3)), 2)
        cases.append(Case(text, (resp, means, H, W)))
    return tuple(cases)


_SEGMENT_PARTS = (Part("the labels", "labels", ("row", "column"), integer=True),
                  Part("the segmented image", "image", ("row", "column", _CHANNELS)))

_ROW_MAJOR = ("Pixel i sits at row i // width, column i % width (numpy's row-major order): "
              "labels.reshape(height, width) puts it there.")


def _segment_shape_problems(check, number, case, out, H, W, K):
    """Stop with a specific message for answers of the wrong layout that
    check.parts would only call the wrong shape."""
    if isinstance(out, np.ndarray) and out.shape in ((H, W), (H, W, 3), (H * W,), (H * W, 3)):
        check.fail("shape", f"your function returned one array, of shape {out.shape}, "
                            f"{check.in_case(number, case)}: it should return 2 values, the "
                            f"labels (shape {(H, W)}) and the segmented image (shape "
                            f"{(H, W, 3)}), as a tuple: return labels, image.")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return
    resp = case.args[0]
    for j, (value, want) in enumerate(zip(out, [(H, W), (H, W, 3)])):
        arr = _as_numbers(value)
        if isinstance(arr, str):
            return
        what = _SEGMENT_PARTS[j].name
        flat = (H * W,) if j == 0 else (H * W, 3)
        if arr.shape == flat:
            check.fail("shape", f"{what} {'have' if j == 0 else 'has'} shape {arr.shape}, one "
                                f"{'label' if j == 0 else 'colour'} per pixel in a row, "
                                f"{check.in_case(number, case)}, but a picture is asked for, of "
                                f"shape {want}. Reshape it: .reshape(height, width"
                                f"{'' if j == 0 else ', 3'}).")
        swapped = (W, H) if j == 0 else (W, H, 3)
        if arr.shape == swapped:
            check.fail("shape", f"{what} {'have' if j == 0 else 'has'} shape {arr.shape}, "
                                f"{check.in_case(number, case)}, but the picture has "
                                f"height = {H} rows and width = {W} columns: shape {want}. "
                                f"Reshape with the height first: .reshape(height, width"
                                f"{'' if j == 0 else ', 3'}).")
        if j == 0 and arr.shape == (H, W) and not np.all(arr == np.round(arr)):
            if close(arr, resp.max(axis=1).reshape(H, W)):
                check.fail("wrong_type",
                           f"your labels are each pixel's largest responsibility "
                           f"{check.in_case(number, case)}, e.g. {_fmt(arr.flat[0])} for the "
                           f"first pixel: that is a probability, not a component. Use argmax, "
                           f"not max: resp.argmax(axis=1) gives the index 0..K−1.")


def _segment_mistakes(resp, means, H, W):
    best = resp.argmax(axis=1)
    worst = resp.argmin(axis=1)

    def column_major(v):
        return v.reshape((H, W) + v.shape[1:], order="F")

    return [
        Mistake("farthest", "each pixel took its least responsible component (argmin where "
                "argmax goes)", "Take the argmax of r_ik over the components: the most "
                "responsible one.", (worst.reshape(H, W), means[worst].reshape(H, W, 3))),
        Mistake("off_by_one", "your labels run from 1 to K", "Python counts from 0: the labels "
                "are the indices 0..K−1 that argmax returns (and that index the rows of means).",
                (best.reshape(H, W) + 1, means[best].reshape(H, W, 3))),
        Mistake("other", "your image blends the mean colours by the responsibilities, "
                "Σ_k r_ik μ_k, a soft colouring", "A segmented image gives each pixel the mean "
                "colour of its one most responsible component: means[labels].",
                (best.reshape(H, W), (resp @ means).reshape(H, W, 3))),
        Mistake("other", "your image is 255 times the mean colours, in 0..255", "The colours "
                "here are in [0, 1], like the means (imshow reads floats that way): return "
                "means[labels] as it is.", (best.reshape(H, W), 255 * means[best].reshape(H, W, 3))),
        Mistake("wrong_order", "your pixels are placed column by column (the labels filled in "
                "down each column, as reshape(width, height).T or order='F' does)", _ROW_MAJOR,
                (column_major(best), column_major(means[best]))),
        Mistake("wrong_order", "your labels are placed column by column, but your image is "
                "right", _ROW_MAJOR, (column_major(best), None)),
        Mistake("wrong_order", "your labels are right, but your image's pixels are placed "
                "column by column", _ROW_MAJOR, (None, column_major(means[best]))),
    ]


@checker("segment")
def check_segment(func):
    """Check segment(resp, means, height, width) -> (labels, image).

    resp : (N, K) responsibilities of the N = height × width pixels, in row-major
    order (pixel i at row i // width, column i % width); means : (K, 3) mean
    colours. labels, of shape (height, width), holds each pixel's most
    responsible component, argmax_k r_ik; image, of shape (height, width, 3),
    gives each pixel the mean colour of that component, means[labels]. On
    pictures that are wider than tall and taller than wide, and with a
    component that no pixel takes.
    """
    check = Check("segment", func, "segment(resp, means, height, width)",
                  "labels[row, col] = argmax_k r_ik for pixel i = row · width + col, "
                  "image[row, col] = μ_labels[row, col]")
    cases = _segment_cases()
    for number, case in enumerate(cases, 1):
        resp, means, H, W = case.args
        best = resp.argmax(axis=1)
        expected = (best.reshape(H, W).astype(float), means[best].reshape(H, W, 3))
        out = check.run(number, case)
        _segment_shape_problems(check, number, case, out, H, W, means.shape[0])
        got = check.parts(number, case, out, _SEGMENT_PARTS, [e.shape for e in expected])
        check.compare(number, case, got, expected, _SEGMENT_PARTS,
                      lambda case, resp=resp, means=means, H=H, W=W:
                      _segment_mistakes(resp, means, H, W))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------
# BIC of a full-covariance mixture in D dimensions


def _count(K, D):
    return (K - 1) + K * D + K * D * (D + 1) // 2


def _count_mistakes(K, D):
    """(count, say, fix) for each classic miscount of a full-covariance mixture."""
    rest = (K - 1) + K * D
    sym = D * (D + 1) // 2
    return [
        (K + K * D + K * sym, "you counted K weights, but they sum to 1, so only K − 1 are free",
         "Count K − 1 weights."),
        (K * D + K * sym, "the weights are missing from your count", "Add the K − 1 free "
         "weights."),
        ((K - 1) + K * sym, "the means are missing from your count", "Add K D means (one "
         "D-vector per component)."),
        ((K - 1) + K * D + K * D * (D - 1) // 2 if D > 1 else None,
         "only the D(D−1)/2 entries off the diagonal of each Σ_k are counted",
         "A symmetric D×D matrix has D(D+1)/2 free entries: the D variances on its diagonal "
         "too."),
        (rest, "your count has no covariance parameters", "Add D(D+1)/2 free entries per "
         "covariance matrix, K D(D+1)/2 in all."),
        (rest + K * D * D, "you counted D² entries per covariance matrix, but it is symmetric",
         "A symmetric D×D matrix has D(D+1)/2 free entries."),
        (rest + K * D * (D + 1), "you counted D(D+1) entries per covariance matrix: the /2 is "
         "missing", "A symmetric D×D matrix has D(D+1)/2 free entries."),
        (rest + K * D, "you counted D variances per component, as for 'diag' covariances",
         "'full' covariances have their D(D−1)/2 covariances off the diagonal too: D(D+1)/2 per "
         "component."),
        (rest + sym, "you counted one covariance matrix for all the components, as for 'tied'",
         "Each component has its own Σ_k: K D(D+1)/2 entries in all."),
    ]


def _bic_mistakes(ll, K, D, n):
    p = _count(K, D)
    logn = np.log(n)
    penalty = "BIC = −2 log L + p log N: the penalty p log N grows with the number of points."
    found = [
        Mistake("wrong_penalty", "your parameter count is right but the penalty is 2p: that is "
                "AIC", penalty, -2 * ll + 2 * p),
        Mistake("wrong_penalty", "your signs are flipped: 2 log L − p log N",
                "Lower BIC is better: −2 log L + p log N.", 2 * ll - p * logn),
        Mistake("wrong_penalty", "your penalty is subtracted", penalty, -2 * ll - p * logn),
        Mistake("wrong_penalty", "your log-likelihood term has a + sign: 2 log L + p log N",
                "The fit term is −2 log L.", 2 * ll + p * logn),
        Mistake("wrong_penalty", "the factor 2 of −2 log L is missing", penalty,
                -ll + p * logn),
        Mistake("wrong_penalty", "your value is half the BIC, −log L + (p/2) log N",
                "The convention (and scikit-learn's and gmmlib's) is −2 log L + p log N.",
                -ll + p / 2 * logn),
        Mistake("wrong_penalty", "your penalty uses log10 N; BIC uses the natural log",
                "Use np.log(n_samples).", -2 * ll + p * np.log10(n)),
        Mistake("wrong_penalty", "your penalty is p N instead of p log N", penalty,
                -2 * ll + p * n),
        Mistake("mean_not_sum", "you multiplied log L by N as if it were a mean per point "
                "(scikit-learn's score); here it is already the total",
                "Use the total log-likelihood as given: −2 log L + p log N.",
                -2 * ll * n + p * logn),
        Mistake("wrong_penalty", "your penalty counts the features, D log N, instead of the "
                "parameters", f"p is the number of free parameters, here {p}.",
                -2 * ll + D * logn),
        Mistake("wrong_penalty", "your penalty counts the components, K log N, instead of the "
                "parameters", f"p is the number of free parameters, here {p}.",
                -2 * ll + K * logn),
    ]
    # The miscounts with the right formula around them; miscounts that happen to give
    # the same number in this case are named together.
    by_value = {}
    for count, say, fix in _count_mistakes(K, D):
        if count is not None and count != p:
            by_value.setdefault(count, []).append((say, fix))
    for count, items in by_value.items():
        say = " — or ".join(s for s, _ in items)
        fix = " ".join(dict.fromkeys(f for _, f in items))
        found.append(Mistake("wrong_count", f"your BIC counts p = {count} parameters, not {p}: "
                             f"{say}", f"p = (K − 1) + K D + K D(D+1)/2. {fix}",
                             -2 * ll + count * logn))
    return found


_BIC_CASES = (
    (-1234.5, 4, 2, 500, "K = 4 components in D = 2, N = 500 points"),
    (85708.5, 5, 3, 16960, "K = 5 components in D = 3 (colours), N = 16960 pixels, a positive "
                           "log-likelihood"),
    (-402.0, 2, 5, 272, "K = 2 components in D = 5 (a colour and a position), N = 272"),
    (-85.25, 1, 1, 40, "K = 1 component in D = 1, N = 40"),
    (3120.0, 10, 3, 4000, "K = 10 components in D = 3, N = 4000"),
)


def _near_miss(check, number, case, got, expected, mistakes):
    """Stop on a BIC within 0.1 % of the right one that no classic mistake gives,
    with both shown to enough decimals for the difference to show (expected
    2611.940, got 2611.983; not 2611.9 and 2612)."""
    got, expected = float(got), float(expected)
    if not np.isfinite(got) or close(got, expected) or abs(got - expected) > 1e-3 * abs(expected):
        return
    if any(close(got, m.value) for m in mistakes):
        return
    diff = abs(got - expected)
    decimals = max(1, 1 - int(np.floor(np.log10(diff))))
    check.fail("other", f"this is not what the formula gives, and not one of the classic "
                        f"mistakes this checker knows, but close to it: "
                        f"{check.in_case(number, case)}: expected {expected:.{decimals}f}, got "
                        f"{got:.{decimals}f}, a difference of {diff:.2g}. So small a difference "
                        f"comes from one slightly different number, e.g. log(N + 1) for log N or a rounded value: "
                        f"compare each term with the formula, {check.formula}.")


@checker("bic_full")
def check_bic_full(func):
    """Check bic_full(log_likelihood, n_components, n_features, n_samples) -> float.

    BIC = −2 log L + p log N for a mixture of K components with full
    covariances in D dimensions, p = (K − 1) + K D + K D(D+1)/2 (weights,
    means, covariances), log L the total log-likelihood, N the number of
    points, natural log. Each miscount of p and each wrong penalty is named.
    """
    check = Check("bic_full", func, "bic_full(log_likelihood, n_components, n_features, "
                                    "n_samples)",
                  "BIC = −2 log L + p log N with p = (K − 1) + K D + K D(D+1)/2")
    part = Part("the BIC")
    cases = [Case(text, (ll, K, D, n)) for ll, K, D, n, text in _BIC_CASES]
    for number, case in enumerate(cases, 1):
        ll, K, D, n = case.args
        expected = np.asarray(-2 * ll + _count(K, D) * np.log(n))
        out = check.run(number, case)
        got = check.scalar(number, case, out, part)
        _near_miss(check, number, case, got, expected, _bic_mistakes(ll, K, D, n))

        def count_only(got, expected, K=K, D=D):
            for value in {_count(K, D), *(c for c, _, _ in _count_mistakes(K, D) if c)}:
                if close(got, value):
                    return ("wrong_type", f"your function returned {_fmt(got)}, a number of "
                            f"parameters, not the BIC", "Return −2 log L + p log N, with p "
                            "your count.")
            return None

        check.compare(number, case, got, expected, part,
                      lambda case, ll=ll, K=K, D=D, n=n: _bic_mistakes(ll, K, D, n),
                      (count_only,))
    return check.passed(len(cases))
