"""Checkers for the exercises of "why EM works": the lower bound B(q, θ) and
its gap to the log-likelihood, Σ_i KL(q_i ∥ r_i)."""

from __future__ import annotations

import numpy as np

from gmmlib.em import GMMParams, component_log_densities, e_step, log_mixture_density, lower_bound
from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import Case, Check, Mistake, Part, checker
from gmmlib.exercises.em_1d import _params_cases

__all__ = ["check_lower_bound_1d", "check_posterior_gap_1d"]


def _bound_cases():
    """(x, weights, means, variances, q) cases, and log π_k N(x_i∣μ_k,σ_k²) for each."""
    c1, c2, c3 = _params_cases()
    x, w, m, v = c2.args
    params = GMMParams.from_1d(w, m, v)
    r = e_step(x, params)
    K = len(w)
    hard = np.eye(K)[np.argmin(np.abs(x[:, None] - m[None, :]), axis=1)]
    xf, wf, mf, vf = c3.args
    return [
        Case("q = the posterior r, where the bound touches the log-likelihood",
             (x, w, m, v, r), x=x),
        Case("q = 1/K for every point and component", (x, w, m, v, np.full((len(x), K), 1 / K)),
             x=x),
        Case("hard q: every q_ik is 0 or 1", (x, w, m, v, hard), x=x),
        Case("a point far from every component, q = 1/K",
             (xf, wf, mf, vf, np.full((len(xf), len(wf)), 1 / len(wf))), x=xf, far=(5,)),
    ]


def _log_joint(x, w, m, v):
    """log π_k + log N(x_i∣μ_k,σ_k²), from gmmlib."""
    return component_log_densities(x, GMMParams.from_1d(w, m, v)) + np.log(w)


def _xlogy_sum(q, a):
    """Σ q_ik a_ik with 0 × anything = 0."""
    return float(np.where(q > 0, q * np.where(q > 0, a, 0.0), 0.0).sum())


_ZERO_LOG_ZERO = ("By convention 0 log 0 = 0: skip the terms with q_ik = 0 (np.where(q > 0, ..., "
                  "0)), or use scipy.special.xlogy(q, q), which gives 0 there.")


def _zero_log_zero(case):
    def prop(got, expected):
        if np.isnan(got) and np.any(case.args[4] == 0):
            return ("zero_log_zero", "your value is NaN: the terms with q_ik = 0 give 0 × log 0 "
                    "= 0 × (−∞) = NaN", _ZERO_LOG_ZERO)
    return prop


def _underflow(case, what):
    def prop(got, expected):
        if case.far and not np.isfinite(got):
            return ("underflow", f"your value is not finite: for the far point {what} "
                    "underflows to 0 and its log is infinite", "Compute log π_k + log "
                    "N(x_i∣μ_k,σ_k²) directly in log form (e.g. scipy.stats.norm.logpdf), never "
                    "as the log of a density.")
    return prop


@checker("lower_bound_1d")
def check_lower_bound_1d(func):
    """Check lower_bound_1d(x, weights, means, variances, q) -> float.

    B(q, θ) = Σ_i Σ_k q_ik log(π_k N(x_i∣μ_k,σ_k²) / q_ik), with 0 log 0 = 0;
    equal to the log-likelihood when q is the posterior, below it otherwise.
    """
    check = Check("lower_bound_1d", func, "lower_bound_1d(x, weights, means, variances, q)",
                  "B(q, θ) = Σ_i Σ_k q_ik log(π_k N(x_i∣μ_k,σ_k²) / q_ik), 0 log 0 = 0")
    part = Part("the bound B(q, θ)")
    cases = _bound_cases()
    for number, case in enumerate(cases, 1):
        x, w, m, v, q = case.args
        expected = np.asarray(lower_bound(x, GMMParams.from_1d(w, m, v), q))
        out = check.run(number, case)
        got = check.scalar(number, case, out, part, n_terms=len(x),
                           total_hint="B(q, θ) adds the terms over points and components.")

        def mistakes(case, x=x, w=w, m=m, v=v, q=q, B=float(expected)):
            a = _log_joint(x, w, m, v)
            Q = _xlogy_sum(q, a)
            H = -_xlogy_sum(q, np.log(q))
            ll = float(log_mixture_density(x, GMMParams.from_1d(w, m, v)).sum())
            naive_a = np.log(w * np.exp(mx.log_normal_1d(x, m, v)))
            return [
                Mistake("zero_log_zero", "your value is NaN: the terms with q_ik = 0 give "
                        "0 × log 0 = NaN", _ZERO_LOG_ZERO, float((q * (a - np.log(q))).sum())),
                Mistake("underflow", "for the far point π_k N(x_i∣μ_k,σ_k²) underflows to 0 and "
                        "its log is −∞", "Compute log π_k + log N(x_i∣μ_k,σ_k²) in log form "
                        "(scipy.stats.norm.logpdf), never as the log of the density.",
                        _xlogy_sum(q, naive_a - np.log(q))),
                Mistake("missing_entropy", "you computed Σ_i Σ_k q_ik log(π_k N(x_i∣μ_k,σ_k²)): "
                        "the term −Σ_i Σ_k q_ik log q_ik is missing", "Divide by q_ik inside the "
                        "log: B = Σ q_ik log(π_k N(...) / q_ik), i.e. subtract Σ q_ik log q_ik.",
                        Q),
                Mistake("wrong_sign", "you added Σ_i Σ_k q_ik log q_ik where it is subtracted",
                        "log(a / q) = log a − log q: B = Σ q_ik log(π_k N(...)) − "
                        "Σ q_ik log q_ik.", Q - H),
                Mistake("wrong_sign", "your value has the opposite sign", "B(q, θ) = "
                        "Σ q_ik log(π_k N(...) / q_ik), without a minus sign in front.", -B),
                Mistake("ignores_q", "your value is the log-likelihood: q is ignored",
                        "The bound depends on q: B = Σ_i Σ_k q_ik log(π_k N(x_i∣μ_k,σ_k²) / q_ik). "
                        "It equals the log-likelihood only when q is the posterior.", ll),
                Mistake("mean_not_sum", "your value is a mean over points, not the sum",
                        "Add the terms over all points (and components): .sum(), not .mean().",
                        B / len(x)),
                Mistake("missing_weights", "the weights π_k are missing",
                        "The joint is π_k N(x_i∣μ_k,σ_k²): add log π_k.",
                        _xlogy_sum(q, a - np.log(w) - np.log(q))),
                Mistake("std_for_variance", "your densities use σ_k⁴ as the variance",
                        "`variances` holds σ_k²: use it as the variance (norm.logpdf wants "
                        "scale = np.sqrt(variances)).",
                        _xlogy_sum(q, mx.log_normal_1d(x, m, v ** 2) + np.log(w) - np.log(q))),
                Mistake("std_for_variance", "your densities use σ_k as the variance",
                        "`variances` holds σ_k²: divide (x_i − μ_k)² by 2σ_k².",
                        _xlogy_sum(q, mx.log_normal_1d(x, m, np.sqrt(v)) + np.log(w)
                                   - np.log(q))),
            ]

        check.compare(number, case, got, expected, part, mistakes,
                      (_zero_log_zero(case), _underflow(case, "π_k N(x_i∣μ_k,σ_k²)")))
    return check.passed(len(cases))


@checker("posterior_gap_1d")
def check_posterior_gap_1d(func):
    """Check posterior_gap_1d(x, weights, means, variances, q) -> float.

    Σ_i KL(q_i ∥ r_i) = Σ_i Σ_k q_ik log(q_ik / r_ik), r the posterior
    responsibilities, 0 log 0 = 0: the gap log-likelihood − B(q, θ), 0 exactly
    when q = r. Checked for a point far from every component too, where log r_ik
    must be computed in log form.
    """
    check = Check("posterior_gap_1d", func, "posterior_gap_1d(x, weights, means, variances, q)",
                  "Σ_i KL(q_i ∥ r_i) = Σ_i Σ_k q_ik log(q_ik / r_ik), 0 log 0 = 0")
    part = Part("the gap Σ_i KL(q_i ∥ r_i)")
    cases = _bound_cases()
    cases[0], cases[1] = cases[1], cases[0]
    for number, case in enumerate(cases, 1):
        x, w, m, v, q = case.args
        params = GMMParams.from_1d(w, m, v)
        a = _log_joint(x, w, m, v)
        log_r = a - log_mixture_density(x, params)[:, None]
        expected = np.asarray(_xlogy_sum(q, np.log(q) - log_r))
        out = check.run(number, case)
        got = check.scalar(number, case, out, part, n_terms=len(x),
                           total_hint="Add the KL divergences of all the points.")

        def mistakes(case, x=x, w=w, m=m, v=v, q=q, log_r=log_r, gap=float(expected)):
            r = np.exp(log_r)
            with_r = lambda log_r2: _xlogy_sum(q, np.log(q) - log_r2)  # noqa: E731
            log_softmax = lambda b: b - mx.logsumexp_rows(b)[:, None]  # noqa: E731
            return [
                Mistake("zero_log_zero", "your value is NaN: the terms with q_ik = 0 give "
                        "0 × log 0 = NaN", _ZERO_LOG_ZERO, float((q * (np.log(q) - log_r)).sum())),
                Mistake("underflow", "for the far point some r_ik underflow to 0, and log 0 = −∞",
                        "Compute log r_ik directly: log π_k + log N(x_i∣μ_k,σ_k²) − log p(x_i), "
                        "with log p(x_i) from log-sum-exp, instead of taking the log of r.",
                        with_r(np.log(r))),
                Mistake("underflow", "for the far point the densities underflow to 0 and r is NaN",
                        "Compute log r_ik = log π_k + log N(x_i∣μ_k,σ_k²) − log p(x_i) in log "
                        "form, with log-sum-exp.",
                        with_r(np.log(mx.e_step_1d(x, w, m, v, log_space=False)))),
                Mistake("reversed_kl", "you computed Σ_i KL(r_i ∥ q_i), with q and r swapped",
                        "KL(q_i ∥ r_i) = Σ_k q_ik log(q_ik / r_ik): the weights of the sum are q.",
                        _xlogy_sum(r, log_r - np.log(q))),
                Mistake("wrong_sign", "your value has the opposite sign (a KL divergence is "
                        "never negative)", "Σ_k q_ik log(q_ik / r_ik): q on top.", -gap),
                Mistake("mean_not_sum", "your value is a mean over points, not the sum",
                        "Add the divergences of all points: .sum(), not .mean().", gap / len(x)),
                Mistake("missing_weights", "your r_ik leaves out the weights π_k",
                        "r_ik ∝ π_k N(x_i∣μ_k,σ_k²): include π_k.",
                        with_r(log_softmax(a - np.log(w)))),
                Mistake("std_for_variance", "your r_ik uses σ_k⁴ as the variance",
                        "`variances` holds σ_k²: use it as the variance.",
                        with_r(log_softmax(mx.log_normal_1d(x, m, v ** 2) + np.log(w)))),
                Mistake("std_for_variance", "your r_ik uses σ_k as the variance",
                        "`variances` holds σ_k²: divide (x_i − μ_k)² by 2σ_k².",
                        with_r(log_softmax(mx.log_normal_1d(x, m, np.sqrt(v)) + np.log(w)))),
                Mistake("missing_entropy", "your value is log L − Σ q_ik log(π_k N(...)): the "
                        "entropy of q is missing from the bound you subtracted",
                        "The gap is log L − B with B = Σ q_ik log(π_k N(...) / q_ik), or "
                        "directly Σ_i Σ_k q_ik log(q_ik / r_ik).",
                        gap - _xlogy_sum(q, np.log(q))),
            ]

        check.compare(number, case, got, expected, part, mistakes,
                      (_zero_log_zero(case), _underflow(case, "r_ik")))
    return check.passed(len(cases))
