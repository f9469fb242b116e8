"""Checkers for the exercises on choosing a model and using scikit-learn: the
number of free parameters, BIC, and the total log-likelihood of a fitted
GaussianMixture."""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np

from gmmlib.em import GMMParams, component_log_densities, log_likelihood
from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import Case, Check, Mistake, Part, checker

__all__ = ["check_n_parameters", "check_bic", "check_total_log_likelihood"]

_COV_PARAMS = {
    "full": lambda K, D: K * D * (D + 1) // 2,
    "tied": lambda K, D: D * (D + 1) // 2,
    "diag": lambda K, D: K * D,
    "spherical": lambda K, D: K,
}


def _count(K, D, kind):
    return (K - 1) + K * D + _COV_PARAMS[kind](K, D)


@checker("n_parameters")
def check_n_parameters(func):
    """Check n_parameters(n_components, n_features, covariance_type) -> int.

    K − 1 weights (they sum to 1), K D means, and for the covariances:
    full K D(D+1)/2, tied D(D+1)/2, diag K D, spherical K (scikit-learn's count).
    """
    check = Check("n_parameters", func, "n_parameters(n_components, n_features, covariance_type)",
                  "(K − 1) + K D + [full: K D(D+1)/2, tied: D(D+1)/2, diag: K D, spherical: K]")
    part = Part("the number of parameters", integer=True)
    combos = [(3, 2, "full"), (2, 3, "tied"), (4, 2, "diag"), (3, 4, "spherical"),
              (1, 1, "full"), (5, 3, "full"), (3, 3, "tied"), (2, 5, "diag"), (4, 1, "spherical")]
    cases = [Case(f"K = {K}, D = {D}, '{t}'", (K, D, t)) for K, D, t in combos]
    for number, case in enumerate(cases, 1):
        K, D, kind = case.args
        expected = np.asarray(float(_count(K, D, kind)))
        out = check.run(number, case)
        got = check.scalar(number, case, out, part)
        if got != np.round(got):
            check.fail("wrong_type", f"the number of parameters is a whole number, but your "
                                     f"function returned {float(got):.6g} "
                                     f"{check.in_case(number, case)}.")

        def mistakes(case, K=K, D=D, kind=kind):
            cov = _COV_PARAMS[kind](K, D)
            rest = (K - 1) + K * D
            sym = D * (D + 1) // 2
            off = D * (D - 1) // 2
            if kind == "full":  # K D(D−1)/2 + K D = K D(D+1)/2: the two mistakes give one count
                no_means = Mistake(
                    "wrong_count", "your count is short by K·D: the means are missing, or only "
                    "the D(D−1)/2 entries off the diagonal of each Σ_k were counted",
                    "Count K D means (one D-vector per component) and D(D+1)/2 free entries per "
                    "covariance matrix, the D variances on its diagonal included.", (K - 1) + cov)
            else:
                no_means = Mistake("wrong_count", "the means are missing from your count",
                                   "Add K D means (one D-vector per component).", (K - 1) + cov)
            found = [
                Mistake("wrong_count", "you counted K weights, but they sum to 1, so only K − 1 "
                        "are free", "Count K − 1 weights.", rest + 1 + cov),
                Mistake("wrong_count", "the weights are missing from your count",
                        "Add the K − 1 free weights.", K * D + cov),
                no_means,
                Mistake("wrong_count", "your count includes no covariance parameters",
                        f"Add the '{kind}' covariances' free entries.", rest),
            ]
            if kind in ("full", "tied"):
                n = K if kind == "full" else 1
                found.append(Mistake("wrong_count", "you counted D² entries per covariance "
                                     "matrix, but it is symmetric", "A symmetric D×D matrix has "
                                     "D(D+1)/2 free entries.", rest + n * D * D))
            if kind == "tied":
                found.append(Mistake("wrong_count", "you counted only the D(D−1)/2 entries off "
                                     "the diagonal of the covariance matrix", "A symmetric D×D "
                                     "matrix has D(D+1)/2 free entries: the D variances on its "
                                     "diagonal too.", rest + off))
            if kind != "full":
                found.append(Mistake("wrong_count", f"you counted full covariances for "
                                     f"'{kind}'", _COVARIANCE_FIX[kind], rest + K * sym))
            if kind == "tied":
                found.append(Mistake("wrong_count", "you counted a tied covariance once per "
                                     "component", _COVARIANCE_FIX["tied"], rest + K * sym))
            if kind == "diag":
                found.append(Mistake("wrong_count", "you counted one diagonal for all the "
                                     "components", _COVARIANCE_FIX["diag"], rest + D))
            if kind == "spherical":
                found += [
                    Mistake("wrong_count", "you counted D variances per spherical component",
                            _COVARIANCE_FIX["spherical"], rest + K * D),
                    Mistake("wrong_count", "you counted one variance for all the spherical "
                            "components", _COVARIANCE_FIX["spherical"], rest + 1),
                ]
            return found

        check.compare(number, case, got, expected, part, mistakes)
    return check.passed(len(cases))


_COVARIANCE_FIX = {
    "tied": "'tied' means one full D×D covariance shared by all components: D(D+1)/2 entries "
            "in all.",
    "diag": "'diag' means one diagonal covariance per component: D variances each, K D in all.",
    "spherical": "'spherical' means one variance σ_k² per component (Σ_k = σ_k² I): K in all.",
}


# ---------------------------------------------------------------------------


@checker("bic")
def check_bic(func):
    """Check bic(log_likelihood, n_parameters, n_samples) -> float.

    BIC = −2 log L + p log N, with log L the total log-likelihood, p the number
    of free parameters and N the number of points (natural log). Lower is better.
    """
    check = Check("bic", func, "bic(log_likelihood, n_parameters, n_samples)",
                  "BIC = −2 log L + p log N")
    part = Part("the BIC")
    combos = [(-1234.5, 17, 500), (85.25, 5, 40), (-3.0, 2, 10), (-402.0, 11, 272)]
    cases = [Case(f"log L = {ll}, p = {p}, N = {n}", (ll, p, n)) for ll, p, n in combos]
    for number, case in enumerate(cases, 1):
        ll, p, n = case.args
        expected = np.asarray(-2 * ll + p * np.log(n))
        out = check.run(number, case)
        got = check.scalar(number, case, out, part)
        penalty = "BIC = −2 log L + p log N: the penalty p log N grows with the number of points."
        check.compare(number, case, got, expected, part, [
            Mistake("wrong_penalty", "your penalty is 2p: that is AIC", penalty,
                    -2 * ll + 2 * p),
            Mistake("wrong_penalty", "your signs are flipped: 2 log L − p log N",
                    "Lower BIC is better: −2 log L + p log N.", 2 * ll - p * np.log(n)),
            Mistake("wrong_penalty", "your penalty is subtracted", penalty,
                    -2 * ll - p * np.log(n)),
            Mistake("wrong_penalty", "your log-likelihood term has a + sign: 2 log L + p log N",
                    "The fit term is −2 log L.", 2 * ll + p * np.log(n)),
            Mistake("wrong_penalty", "the factor 2 of −2 log L is missing", penalty,
                    -ll + p * np.log(n)),
            Mistake("wrong_penalty", "your value is half the BIC, −log L + (p/2) log N",
                    "The convention (and scikit-learn's) is −2 log L + p log N.",
                    -ll + p / 2 * np.log(n)),
            Mistake("wrong_penalty", "your penalty uses log10 N; BIC uses the natural log",
                    "Use np.log(n_samples).", -2 * ll + p * np.log10(n)),
            Mistake("wrong_penalty", "your penalty is p N instead of p log N", penalty,
                    -2 * ll + p * n),
            Mistake("mean_not_sum", "you multiplied log L by N as if it were a mean per point "
                    "(scikit-learn's score); here it is already the total", "Use the total "
                    "log-likelihood as given: −2 log L + p log N.", -2 * ll * n + p * np.log(n)),
        ])
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _fitted_models():
    """Small seeded GaussianMixture fits: (description, model, X) triples."""
    from sklearn.mixture import GaussianMixture

    rng = np.random.default_rng(21)
    A = np.concatenate([rng.normal([-2.0, 0.0], [0.8, 0.5], (30, 2)),
                        rng.normal([2.0, 1.0], [0.6, 1.0], (20, 2))])
    B = np.round(rng.normal([0.0, 0.5], [2.0, 1.0], (12, 2)), 2)
    x = np.concatenate([rng.normal(-1.0, 0.5, 25), rng.normal(2.0, 0.8, 15)])[:, None]
    full = GaussianMixture(2, covariance_type="full", random_state=0).fit(A)
    diag = GaussianMixture(3, covariance_type="diag", random_state=0).fit(A)
    one_d = GaussianMixture(2, random_state=0).fit(x)
    return (("a 2-D model on its training data", full, A),
            ("the same model on new data", full, B),
            ("a 1-D model on data of shape (N, 1)", one_d, x),
            ("a 'diag' model with three components", diag, A))


def _gmmlib_params(gm):
    cov = np.asarray(gm.covariances_, dtype=float)
    K, D = gm.means_.shape
    if gm.covariance_type == "diag":
        cov = np.stack([np.diag(c) for c in cov])
    elif gm.covariance_type == "spherical":
        cov = cov[:, None, None] * np.eye(D)
    elif gm.covariance_type == "tied":
        cov = np.repeat(cov[None], K, axis=0)
    return GMMParams(gm.weights_, gm.means_, cov)


def _state(gm):
    return [np.array(getattr(gm, a), dtype=float) for a in ("weights_", "means_", "covariances_")]


@checker("total_log_likelihood")
def check_total_log_likelihood(func):
    """Check total_log_likelihood(gm, X) -> float, for a fitted GaussianMixture gm.

    The total Σ_i log p(x_i) = gm.score_samples(X).sum(); gm.score(X) is the
    mean per point. Small models are fitted inside the checker (seeded).
    """
    check = Check("total_log_likelihood", func, "total_log_likelihood(gm, X)",
                  "Σ_i log p(x_i) = gm.score_samples(X).sum()")
    part = Part("the total log-likelihood")
    cases = [Case(d, (gm, X)) for d, gm, X in _fitted_models()]
    for number, case in enumerate(cases, 1):
        gm, X = case.args
        expected = np.asarray(log_likelihood(X, _gmmlib_params(gm)))
        model = copy.deepcopy(gm)
        before = _state(model)
        out = check.run(number, case, copies=[model, np.array(X)])
        if not all(np.array_equal(a, b) for a, b in zip(before, _state(model))):
            check.changed_inputs(number, case, ["gm"],
                                 "Use the fitted model as it is: do not call gm.fit(...) here "
                                 "(work on copy.deepcopy(gm) if you must change one).")
        got = check.scalar(number, case, out, part, n_terms=len(X),
                           total_hint="gm.score_samples(X) gives one log-density per point: "
                                      "add them.")
        per_point = gm.score_samples(X)
        total = float(expected)
        params = _gmmlib_params(gm)
        unweighted = float(mx.logsumexp_rows(component_log_densities(X, params)).sum())
        check.compare(number, case, got, expected, part, [
            Mistake("mean_not_sum", "your value is gm.score(X), the mean log-likelihood per "
                    "point", "Multiply by the number of points, or add gm.score_samples(X).",
                    total / len(X)),
            Mistake("log_of_total", "you took the log of the sum of the densities over all "
                    "points", "Add the log-densities instead: gm.score_samples(X).sum().",
                    np.log(np.exp(per_point).sum())),
            Mistake("density_not_log", "your value adds the densities, not their logs",
                    "gm.score_samples(X) already gives log p(x_i): add those.",
                    np.exp(per_point).sum()),
            Mistake("wrong_sign", "your value has the opposite sign",
                    "Return Σ_i log p(x_i), without a minus sign.", -total),
            Mistake("missing_weights", "your total leaves out the weights π_k: "
                    "Σ_i log Σ_k N(x_i∣μ_k,Σ_k)", "p(x_i) = Σ_k π_k N(x_i∣μ_k,Σ_k): multiply "
                    "each density by gm.weights_[k] (or use gm.score_samples(X).sum()).",
                    unweighted),
            Mistake("training_value", "your value is gm.lower_bound_ times N: the fit's bound "
                    "on its training data at its last iteration",
                    "Compute it on the X given: gm.score_samples(X).sum().",
                    gm.lower_bound_ * len(X)),
            Mistake("training_value", "your value is gm.lower_bound_, the fit's mean bound on "
                    "its training data", "Compute it on the X given: gm.score_samples(X).sum().",
                    gm.lower_bound_),
        ])
    return check.passed(len(cases))
