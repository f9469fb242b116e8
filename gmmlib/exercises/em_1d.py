"""Checkers for the exercises of EM in one dimension: the E-step, the M-step,
the log-likelihood and one full iteration."""

from __future__ import annotations

import itertools

import numpy as np

from gmmlib.em import GMMParams, e_step, log_likelihood, m_step
from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import (ATOL, RTOL, Case, Check, Mistake, Part, checker, close,
                                    fmt_list)

__all__ = ["check_responsibilities_1d", "check_m_step_1d", "check_log_likelihood_1d",
           "check_em_iteration_1d"]

_X = np.array([-3.1, -2.2, -1.7, -0.9, -0.4, 0.0, 0.35, 0.8, 1.6, 2.4, 3.3, 4.1])
_X_FAR = np.array([-1.2, -0.3, 0.4, 1.1, 2.0, 40.0])


def _params_cases():
    """(x, weights, means, variances) cases shared by the 1-D exercises."""
    return [
        Case("three components with equal weights",
             (_X, np.full(3, 1 / 3), np.array([-2.0, 0.5, 3.0]), np.array([0.6, 1.0, 1.5])),
             x=_X),
        Case("unequal weights 0.7/0.2/0.1",
             (_X, np.array([0.7, 0.2, 0.1]), np.array([-1.5, 1.0, 3.0]),
              np.array([1.2, 0.4, 2.0])), x=_X),
        Case("a point far from every component",
             (_X_FAR, np.array([0.6, 0.4]), np.array([-0.5, 1.5]), np.array([0.3, 0.5])),
             x=_X_FAR, far=(5,)),
    ]


def _four_components():
    x = np.array([0.2, 1.4, 2.9, -0.7, 5.0])
    return Case("five points and four components with weights 0.1/0.2/0.3/0.4",
                (x, np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.0, 1.0, 2.0, 3.0]),
                 np.array([0.5, 1.0, 1.5, 2.0])), x=x)


def _gmm(weights, means, variances):
    return GMMParams.from_1d(weights, means, variances)


# -- wording shared by the E-step, the log-likelihood and the iteration --------

_LOGSUMEXP = ("Work in log space: a_ik = log π_k + log N(x_i∣μ_k,σ_k²); subtract each row's "
              "maximum before exponentiating, then normalise (the log-sum-exp trick; "
              "scipy.special.softmax(a, axis=1) does exactly this).")
_SQUARED = ("`variances` already holds σ_k²: use it as the variance itself, and give scipy's "
            "norm(loc, scale) the standard deviation np.sqrt(variances).")
_SQRT = ("`variances` holds σ_k²: divide (x_i − μ_k)² by 2σ_k², and take the square root only "
         "inside the normaliser 1/√(2πσ_k²).")


def _e_step_mistakes(x, w, m, v):
    """(code, say, fix, responsibilities) of the classic E-step mistakes."""
    return [
        ("underflow", "for the far point every π_k N(x_i∣μ_k,σ_k²) underflows to 0, and 0/0 "
         "gives NaN", _LOGSUMEXP, mx.e_step_1d(x, w, m, v, log_space=False)),
        ("missing_weights", "your rows sum to 1 but the weights π_k are missing",
         "Multiply each density by its weight π_k before normalising: "
         "r_ik ∝ π_k N(x_i∣μ_k,σ_k²).", mx.e_step_1d(x, w, m, v, use_weights=False)),
        ("std_for_variance", "your densities use σ_k⁴ as the variance: σ_k² went where a "
         "standard deviation goes", _SQUARED, mx.e_step_1d(x, w, m, v, variance="squared")),
        ("std_for_variance", "your densities use σ_k as the variance: the standard deviation "
         "went where σ_k² goes", _SQRT, mx.e_step_1d(x, w, m, v, variance="sqrt")),
        ("missing_normaliser", "the factor 1/√(2πσ_k²) of each density is missing: the 2π "
         "cancels between numerator and denominator, but σ_k does not",
         "Keep 1/√(2πσ_k²) (−½ log(2πσ_k²) in log space) in every component's density.",
         mx.e_step_1d(x, w, m, v, normaliser="none")),
        ("missing_weights", "your rows sum to 1 but the weights π_k are missing (and the "
         "far point underflows)", "Multiply each density by π_k before normalising. "
         + _LOGSUMEXP, mx.e_step_1d(x, w, m, v, use_weights=False, log_space=False)),
    ]


def _underflow_rows(case, got, expected):
    """Right everywhere except at the far points, which are NaN, 0 or uniform."""
    far = list(case.far)
    if not far or got.shape != expected.shape or got.ndim != 2:
        return False
    rest = [i for i in range(got.shape[0]) if i not in far]
    if not np.allclose(got[rest], expected[rest], rtol=1e-6, atol=1e-9, equal_nan=False):
        return False
    bad = got[far]
    return bool(np.any(~np.isfinite(bad)) or np.any(np.all(bad == 0, axis=1))
                or np.allclose(bad, 1 / got.shape[1]))


# ---------------------------------------------------------------------------


@checker("responsibilities_1d")
def check_responsibilities_1d(func):
    """Check responsibilities_1d(x, weights, means, variances) -> r of shape (N, K).

    r_ik = π_k N(x_i∣μ_k,σ_k²) / Σ_j π_j N(x_i∣μ_j,σ_j²), on four cases: equal
    weights, unequal weights, a point far from every component (where only a
    log-space computation gives finite numbers) and N = 5 points with K = 4.
    """
    check = Check("responsibilities_1d", func, "responsibilities_1d(x, weights, means, variances)",
                  "r_ik = π_k N(x_i∣μ_k,σ_k²) / Σ_j π_j N(x_i∣μ_j,σ_j²)")
    part = Part("the responsibilities r_ik", "r_ik", ("point", "component"))
    cases = _params_cases() + [_four_components()]
    for number, case in enumerate(cases, 1):
        x, w, m, v = case.args
        expected = e_step(x, _gmm(w, m, v))
        out = check.run(number, case)
        got = check.array(number, case, out, expected.shape, part,
                          "One row per point x_i, one column per component k.")

        def mistakes(case, x=x, w=w, m=m, v=v):
            found = [Mistake(c, s, f, val) for c, s, f, val in _e_step_mistakes(x, w, m, v)]
            p = np.exp(mx.log_normal_1d(x, m, v)) * w
            found += [
                Mistake("not_normalised", "your values are π_k N(x_i∣μ_k,σ_k²) itself: the rows "
                        "do not sum to 1", "Divide each row by its sum Σ_j π_j N(x_i∣μ_j,σ_j²).",
                        p),
                Mistake("not_normalised", "your values are the densities N(x_i∣μ_k,σ_k²), "
                        "neither weighted nor normalised",
                        "Multiply each by π_k, then divide each row by its sum.", p / w),
                Mistake("not_normalised", "your columns sum to 1, not your rows: you divided by "
                        "the sum over points instead of the sum over components",
                        "Normalise over components: divide by p.sum(axis=1, keepdims=True).",
                        p / p.sum(axis=0, keepdims=True)),
            ]
            return found

        def underflow(got, expected, case=case):
            if _underflow_rows(case, got, expected):
                return ("underflow", "every row is right but the far point's: its densities "
                        "underflow to 0 before you normalise", _LOGSUMEXP)

        def not_normalised(got, expected):
            sums = got.sum(axis=1)
            if np.all(np.isfinite(got)) and not np.allclose(sums, 1, rtol=0, atol=1e-6):
                i = int(np.argmax(np.abs(sums - 1)))
                return ("not_normalised", f"your rows do not sum to 1 (row {i} sums to "
                        f"{sums[i]:.4g})", "r_ik is a probability over the components: divide "
                        "each row by its sum over k.")

        check.compare(number, case, got, expected, part, mistakes, (underflow, not_normalised))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------

_M_PARTS = (Part("the weights π_k", "π_k", ("component",)),
            Part("the means μ_k", "μ_k", ("component",)),
            Part("the variances σ_k²", "σ_k²", ("component",)))


def _m_step_mistakes(x, resp, prefix=""):
    """Mistakes of the 1-D M-step, as (weights, means, variances) triples."""
    right = mx.m_step_1d(x, resp)
    found = [
        Mistake("not_normalised", f"{prefix}your weights are N_k = Σ_i r_ik, not divided by N",
                "π_k = N_k / N: divide by the number of points, so that the weights sum to 1.",
                mx.m_step_1d(x, resp, weights="N_k")),
        Mistake("unweighted", f"{prefix}every μ_k is the plain mean of all the points: the "
                "responsibilities are ignored", "μ_k = Σ_i r_ik x_i / N_k: weight each point by "
                "r_ik and divide by N_k = Σ_i r_ik.", mx.m_step_1d(x, resp, means="plain")),
        Mistake("unweighted", f"{prefix}your means divide Σ_i r_ik x_i by N instead of N_k",
                "μ_k = Σ_i r_ik x_i / N_k, with N_k = Σ_i r_ik (resp.sum(axis=0)).",
                mx.m_step_1d(x, resp, means="over_N")),
        Mistake("unweighted", f"{prefix}your variances divide by N instead of N_k",
                "σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k.", mx.m_step_1d(x, resp, variances="over_N")),
        Mistake("unweighted", f"{prefix}your variances give every point the same weight: the "
                "responsibilities are ignored", "σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k: weight each "
                "squared deviation by r_ik.", mx.m_step_1d(x, resp, variances="plain")),
        Mistake("unbiased", f"{prefix}your variances divide by N_k − 1 instead of N_k",
                "The M-step divides the weighted sum of squares by N_k itself (no Bessel "
                "correction).", mx.m_step_1d(x, resp, variances="N_k-1")),
        Mistake("unbiased", f"{prefix}your variances are np.cov's weighted estimate with its "
                "default ddof=1", "Pass bias=True to np.cov, or compute "
                "Σ_i r_ik (x_i − μ_k)² / N_k directly.", mx.m_step_1d(x, resp, variances="np.cov")),
        Mistake("std_for_variance", f"{prefix}you returned the standard deviations σ_k instead "
                "of the variances σ_k²", "Return σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k, without a "
                "square root.", mx.m_step_1d(x, resp, return_std=True)),
        Mistake("old_mean", f"{prefix}your weights and means are right, but your variances are "
                "taken around the mean of all the points, x̄, not around each μ_k",
                "σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k: the squared deviations from the component's "
                "own weighted mean μ_k.",
                mx.m_step_1d(x, resp, centre=np.full(resp.shape[1], np.mean(x)))),
    ]
    names = ("weights", "means", "variances")
    for perm in itertools.permutations(range(3)):
        if perm != (0, 1, 2):
            found.append(Mistake(
                "wrong_order", "you returned the right numbers in another order "
                f"({', '.join(names[p] for p in perm)})",
                "Return weights, means, variances, in that order.",
                tuple(right[p] for p in perm)))
    return found


def _variances_too_large(prefix=""):
    """A property: weights and means right, every variance too large by some d_k >= 0.

    Around a point c, Σ_i r_ik (x_i − c)² / N_k = σ_k² + (μ_k − c)²: a variance
    taken around another point than μ_k is too large by (μ_k − c)², never too small.
    """
    def prop(got, expected):
        (gw, gm, gv), (ew, em, ev) = got, expected
        if not (close(gw, ew) and close(gm, em)) or not np.all(np.isfinite(gv)):
            return None
        d = gv - ev
        tol = ATOL + RTOL * np.abs(ev)
        if np.all(d >= -tol) and np.any(d > tol):
            return ("old_mean", f"{prefix}your weights and means are right, but every variance "
                    "is too large (by d_k ≥ 0, d_k = " + fmt_list(np.where(d > tol, d, 0.0))
                    + "): they are taken around other points than the new μ_k (around a point "
                    "c, Σ_i r_ik (x_i − c)² / N_k = σ_k² + (μ_k − c)²)",
                    "Compute σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k around the μ_k you have just "
                    "computed.")
        return None
    return prop


def _resp_cases():
    cases = []
    for c in _params_cases()[:2]:
        x, w, m, v = c.args
        cases.append(Case(f"responsibilities of {c.description}",
                          (x, e_step(x, _gmm(w, m, v))), x=x))
    labels = (_X > 0.5).astype(int)
    cases.append(Case("hard assignments: every r_ik is 0 or 1", (_X, np.eye(2)[labels]), x=_X))
    x4, w4, m4, v4 = _four_components().args
    x4 = np.concatenate([x4, x4 + 0.3])
    cases.append(Case("ten points and four components", (x4, e_step(x4, _gmm(w4, m4, v4))),
                      x=x4))
    return cases


def _reference_m_step(x, resp):
    p = m_step(x, resp, reg_covar=0.0)
    return p.weights, p.means[:, 0], p.covariances[:, 0, 0]


@checker("m_step_1d")
def check_m_step_1d(func):
    """Check m_step_1d(x, resp) -> (weights, means, variances), each of shape (K,).

    N_k = Σ_i r_ik, π_k = N_k / N, μ_k = Σ_i r_ik x_i / N_k,
    σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k; on soft and hard responsibilities.
    """
    check = Check("m_step_1d", func, "m_step_1d(x, resp)",
                  "π_k = N_k / N, μ_k = Σ_i r_ik x_i / N_k, σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k")
    cases = _resp_cases()
    for number, case in enumerate(cases, 1):
        x, resp = case.args
        expected = _reference_m_step(x, resp)
        out = check.run(number, case)
        got = check.parts(number, case, out, _M_PARTS, [e.shape for e in expected])
        check.compare(number, case, got, expected, _M_PARTS,
                      lambda case, x=x, resp=resp: _m_step_mistakes(x, resp),
                      (_variances_too_large(),))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


@checker("log_likelihood_1d")
def check_log_likelihood_1d(func):
    """Check log_likelihood_1d(x, weights, means, variances) -> float, the total over points.

    Σ_i log Σ_k π_k N(x_i∣μ_k,σ_k²), on equal and unequal weights, a point far
    from every component (log-sum-exp needed) and four components.
    """
    check = Check("log_likelihood_1d", func, "log_likelihood_1d(x, weights, means, variances)",
                  "Σ_i log Σ_k π_k N(x_i∣μ_k,σ_k²)")
    part = Part("the log-likelihood")
    cases = _params_cases() + [_four_components()]
    for number, case in enumerate(cases, 1):
        x, w, m, v = case.args
        expected = np.asarray(log_likelihood(x, _gmm(w, m, v)))
        out = check.run(number, case)
        got = check.scalar(number, case, out, part, n_terms=len(x),
                           total_hint="Add the log-densities of the points: .sum().")

        def mistakes(case, x=x, w=w, m=m, v=v, total=float(expected)):
            a = mx.log_normal_1d(x, m, v) + np.log(w)
            p = np.exp(a)
            return [
                Mistake("underflow", "for the far point every π_k N(x_i∣μ_k,σ_k²) underflows "
                        "to 0, and log 0 = −∞", "Add log π_k + log N(x_i∣μ_k,σ_k²) over k with "
                        "log-sum-exp (scipy.special.logsumexp(a, axis=1)), then sum over points.",
                        np.log(p.sum(axis=1)).sum()),
                Mistake("log_of_total", "you took the log of one sum over all points, "
                        "log Σ_i Σ_k π_k N(x_i∣μ_k,σ_k²)", "Take the log point by point, then add: "
                        "Σ_i log Σ_k π_k N(x_i∣μ_k,σ_k²).", np.log(p.sum())),
                Mistake("mean_not_sum", "your value is the mean over points, not the sum",
                        "The log-likelihood is the total Σ_i log p(x_i): use .sum(), not .mean().",
                        total / len(x)),
                Mistake("wrong_sign", "your value has the opposite sign: that is the negative "
                        "log-likelihood", "Return Σ_i log p(x_i) itself, without the minus sign.",
                        -total),
                Mistake("missing_weights", "the weights π_k are missing from the mixture density",
                        "p(x_i) = Σ_k π_k N(x_i∣μ_k,σ_k²): multiply each density by its weight.",
                        mx.logsumexp_rows(mx.log_normal_1d(x, m, v)).sum()),
                Mistake("std_for_variance", "your densities use σ_k⁴ as the variance: σ_k² went "
                        "where a standard deviation goes", _SQUARED,
                        mx.logsumexp_rows(mx.log_normal_1d(x, m, v ** 2) + np.log(w)).sum()),
                Mistake("std_for_variance", "your densities use σ_k as the variance: the "
                        "standard deviation went where σ_k² goes", _SQRT,
                        mx.logsumexp_rows(mx.log_normal_1d(x, m, np.sqrt(v)) + np.log(w)).sum()),
                Mistake("missing_normaliser", "the 2π of the normaliser 1/√(2πσ_k²) is missing",
                        "Each density is exp(−(x_i − μ_k)²/(2σ_k²)) / √(2πσ_k²).",
                        mx.logsumexp_rows(mx.log_normal_1d(x, m, v, "no_2pi") + np.log(w)).sum()),
                Mistake("missing_normaliser", "the normaliser 1/√(2πσ_k²) of each density is "
                        "missing", "Each density is exp(−(x_i − μ_k)²/(2σ_k²)) / √(2πσ_k²).",
                        mx.logsumexp_rows(mx.log_normal_1d(x, m, v, "none") + np.log(w)).sum()),
                Mistake("log_inside_sum", "you added the logs of the terms, "
                        "Σ_i Σ_k log(π_k N(x_i∣μ_k,σ_k²)), instead of taking the log of their sum",
                        "For each point, first add over the components, then take the log.",
                        a.sum()),
                Mistake("log_inside_sum", "you computed Σ_i Σ_k π_k log N(x_i∣μ_k,σ_k²): the "
                        "weighted sum of logs, not the log of the weighted sum",
                        "For each point, take the log of Σ_k π_k N(x_i∣μ_k,σ_k²).",
                        (w * mx.log_normal_1d(x, m, v)).sum()),
            ]

        def underflow(got, expected, case=case):
            if case.far and not np.isfinite(got):
                return ("underflow", "your total is not finite: the far point's density "
                        "underflows to 0 and its log is −∞",
                        "Compute log p(x_i) with log-sum-exp over log π_k + log N(x_i∣μ_k,σ_k²).")

        check.compare(number, case, got, expected, part, mistakes, (underflow,))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


@checker("em_iteration_1d")
def check_em_iteration_1d(func):
    """Check em_iteration_1d(x, weights, means, variances) -> (weights, means, variances).

    One E-step (responsibilities from the given parameters) then one M-step
    (the new parameters from them), on equal and unequal weights, a far point
    and four components.
    """
    check = Check("em_iteration_1d", func, "em_iteration_1d(x, weights, means, variances)",
                  "r = E-step(x, π, μ, σ²), then π_k = N_k / N, μ_k = Σ_i r_ik x_i / N_k, "
                  "σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k with the new μ_k")
    cases = _params_cases() + [_four_components()]
    for number, case in enumerate(cases, 1):
        x, w, m, v = case.args
        resp = e_step(x, _gmm(w, m, v))
        expected = _reference_m_step(x, resp)
        out = check.run(number, case)
        got = check.parts(number, case, out, _M_PARTS, [e.shape for e in expected])

        def mistakes(case, x=x, w=w, m=m, v=v, resp=resp):
            found = [Mistake(c, "in the E-step, " + s, f, mx.m_step_1d(x, r))
                     for c, s, f, r in _e_step_mistakes(x, w, m, v)]
            found.append(Mistake(
                "old_mean", "your variances are computed around the old means μ_k, not the "
                "updated ones", "First compute the new μ_k, then "
                "σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k around them.",
                mx.m_step_1d(x, resp, centre=m)))
            found.append(Mistake(
                "unchanged", "your function returned the parameters it was given",
                "Compute the responsibilities from the given parameters (E-step), then the new "
                "parameters from them (M-step), and return those.", (w, m, v)))
            new_w, new_m, new_v = mx.m_step_1d(x, resp)
            found.append(Mistake(
                "unchanged", "your means and variances are updated, but your weights are the "
                "given π_k", "Update them too: π_k = N_k / N, with N_k = Σ_i r_ik from the new "
                "responsibilities.", (w, new_m, new_v)))
            found.append(Mistake(
                "unchanged", "your means are the given μ_k, not updated (and your variances are "
                "taken around them)", "Update them: μ_k = Σ_i r_ik x_i / N_k, then compute the "
                "variances around the new μ_k.", (new_w, m, mx.m_step_1d(x, resp, centre=m)[2])))
            found += _m_step_mistakes(x, resp, prefix="in the M-step, ")
            return found

        def underflow(got, expected, case=case):
            if case.far and not all(np.all(np.isfinite(g)) for g in got):
                return ("underflow", "your parameters hold NaN: the far point's densities "
                        "underflow to 0 in the E-step and 0/0 gives NaN", _LOGSUMEXP)

        check.compare(number, case, got, expected, _M_PARTS, mistakes,
                      (underflow, _variances_too_large("in the M-step, ")))
    return check.passed(len(cases))


