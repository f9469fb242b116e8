"""Checkers for the exercises on singularities and their remedies: the
log-density of a spike on a data point, reg_covar, and the MAP variance."""

from __future__ import annotations

import numpy as np

from gmmlib.em import CovariancePrior, GMMParams, component_log_densities, e_step, m_step
from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import Case, Check, Mistake, Part, checker

__all__ = ["check_spike_log_density", "check_regularised_variance_1d", "check_map_variance_1d"]


@checker("spike_log_density")
def check_spike_log_density(func):
    """Check spike_log_density(sigma) -> log N(x∣x, σ²) = −log σ − ½ log 2π.

    The log-density of a Gaussian at its own mean: it grows without limit as
    σ → 0. Checked down to σ = 1e-200, where σ² underflows to 0, and σ = 1e-310,
    where 1/σ overflows, so the answer must be computed from log σ, not from σ²
    or the density.
    """
    check = Check("spike_log_density", func, "spike_log_density(sigma)",
                  "log N(x∣x,σ²) = −½ log(2πσ²) = −log σ − ½ log 2π")
    part = Part("the log-density")
    sigmas = [(1.0, "σ = 1"), (0.2, "σ = 0.2"), (3.0, "σ = 3"), (1e-4, "σ = 1e-4"),
              (1e-200, "σ = 1e-200, whose square underflows to 0"),
              (1e-310, "σ = 1e-310, a subnormal number: 1/σ overflows to ∞")]
    cases = [Case(d, (s,)) for s, d in sigmas]
    for number, case in enumerate(cases, 1):
        (sigma,) = case.args
        if sigma ** 2 > 0:
            expected = component_log_densities(
                np.zeros((1, 1)), GMMParams.from_1d([1.0], [0.0], [sigma ** 2]))[0, 0]
        else:
            expected = -np.log(sigma) - 0.5 * mx.LOG_2PI
        expected = np.asarray(expected)
        out = check.run(number, case)
        got = check.scalar(number, case, out, part)
        s = sigma
        check.compare(number, case, got, expected, part, [
            # only an answer that never forms σ² gets to σ = 1e-310: its density overflows
            Mistake("underflow", f"the density 1/(σ√(2π)) overflows to ∞ for σ = {s:g} (too "
                    "large for floating point), and so does its log", "Never compute the "
                    "density: −np.log(sigma) − ½ log 2π (or scipy's norm.logpdf, not "
                    "np.log(norm.pdf)).", np.log(1 / (np.sqrt(2 * np.pi) * s))),
            Mistake("underflow", f"σ² underflows to 0 for σ = {s:g}, and −½ log(2π × 0) = ∞",
                    "Work with log σ: −½ log(2πσ²) = −np.log(sigma) − ½ log 2π, no σ² needed.",
                    -0.5 * np.log(2 * np.pi * s ** 2)),
            Mistake("underflow", f"σ² underflows to 0 for σ = {s:g}, so the density overflows "
                    "to ∞ and so does its log", "Work with log σ: −np.log(sigma) − ½ log 2π, no "
                    "density and no σ² needed.", np.log(1 / np.sqrt(2 * np.pi * s ** 2))),
            Mistake("missing_normaliser", "your constant is −log 2π: the ½ in front of it is "
                    "missing", "log N(x∣x,σ²) = −½ log(2πσ²) = −log σ − ½ log 2π.",
                    -np.log(s) - mx.LOG_2PI),
            Mistake("std_for_variance", "you used σ where σ² goes: −½ log(2πσ)",
                    "The variance is σ²: −½ log(2πσ²) = −log σ − ½ log 2π.",
                    -0.5 * np.log(2 * np.pi * s)),
            Mistake("std_for_variance", "you used σ⁴ where σ² goes (σ squared twice)",
                    "sigma is the standard deviation σ; the variance is σ² = sigma**2.",
                    -0.5 * np.log(2 * np.pi * s ** 4)),
            Mistake("missing_normaliser", "the −½ log 2π term is missing",
                    "log N(x∣x,σ²) = −log σ − ½ log 2π.", -np.log(s)),
            Mistake("density_not_log", "your value is the density 1/√(2πσ²) itself, not its log",
                    "Return its logarithm, −log σ − ½ log 2π.", 1 / np.sqrt(2 * np.pi) / s),
            Mistake("wrong_sign", "your value has the opposite sign",
                    "The log-density at the mean is −log σ − ½ log 2π: large and positive for "
                    "small σ.", np.log(s) + 0.5 * mx.LOG_2PI),
        ], [lambda got, expected: ("underflow", "your value is not finite: σ² or the density "
                                   "is too small or too large for floating point",
                                   "Compute −np.log(sigma) − 0.5 * np.log(2 * np.pi) directly.")
            if not np.isfinite(got) else None])
    return check.passed(len(cases))


# ---------------------------------------------------------------------------

_X = np.array([-1.9, -1.1, -0.6, -0.2, 0.3, 0.7, 1.2, 2.1, 2.6, 3.4])


def _resp_k_cases():
    params = GMMParams.from_1d([0.5, 0.5], [-0.5, 2.0], [0.8, 1.0])
    r = e_step(_X, params)
    one = np.zeros(len(_X))
    one[4] = 1.0
    return r[:, 0], r[:, 1], one


def _variance_mistakes(x, r, S_k, N_k, mu):
    """Mistakes of the weighted variance itself (before any remedy)."""
    plain_mean = x.mean()
    return {
        "over_N": (S_k / len(x), "unweighted", "your S_k is divided by N instead of N_k",
                   "N_k = Σ_i r_ik; divide S_k = Σ_i r_ik (x_i − μ_k)² by it."),
        "plain_mean": ((r * (x - plain_mean) ** 2).sum() / N_k, "unweighted",
                       "your variance is around the plain mean of x, not the weighted mean μ_k",
                       "μ_k = Σ_i r_ik x_i / N_k; compute the squared deviations around it."),
        "plain": (((x - mu) ** 2).mean(), "unweighted", "your variance ignores the "
                  "responsibilities r_ik", "Weight each squared deviation by r_ik: "
                  "S_k = Σ_i r_ik (x_i − μ_k)²."),
        "N_k-1": (S_k / (N_k - 1), "unbiased", "your variance divides by N_k − 1",
                  "The M-step divides by N_k itself."),
        "np.cov": (S_k / (N_k - (r ** 2).sum() / N_k), "unbiased",
                   "your variance is np.cov's weighted estimate with its default ddof=1, "
                   "S_k / (N_k − Σ_i r_ik² / N_k)", "Pass bias=True to np.cov (np.cov(x, "
                   "aweights=resp_k, bias=True)), or compute S_k / N_k directly."),
    }


@checker("regularised_variance_1d")
def check_regularised_variance_1d(func):
    """Check regularised_variance_1d(x, resp_k, eps) -> float.

    The M-step variance of one component with reg_covar ε added:
    σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k + ε, μ_k = Σ_i r_ik x_i / N_k, as
    gmmlib.m_step(x, resp, reg_covar=eps) computes it.
    """
    check = Check("regularised_variance_1d", func, "regularised_variance_1d(x, resp_k, eps)",
                  "σ_k² = Σ_i r_ik (x_i − μ_k)² / N_k + ε with μ_k = Σ_i r_ik x_i / N_k")
    part = Part("the variance")
    r0, r1, one = _resp_k_cases()
    cases = [
        Case("soft responsibilities, ε = 1e-3", (_X, r0, 1e-3), x=_X),
        Case("another component, ε = 0.05", (_X, r1, 0.05), x=_X),
        Case("all of the responsibility on one point (S_k = 0), ε = 1e-6", (_X, one, 1e-6),
             x=_X),
        Case("ε = 0: the plain M-step variance", (_X, r1, 0.0), x=_X),
    ]
    for number, case in enumerate(cases, 1):
        x, r, eps = case.args
        resp = np.column_stack([r, 1 - r])
        expected = np.asarray(m_step(x, resp, reg_covar=eps).covariances[0, 0, 0])
        out = check.run(number, case)
        got = check.scalar(number, case, out, part)

        def mistakes(case, x=x, r=r, eps=eps):
            N_k = r.sum()
            mu = r @ x / N_k
            S_k = r @ (x - mu) ** 2
            var = S_k / N_k
            found = [
                Mistake("wrong_regularisation", "ε is not added (if you wrote max(σ_k², ε): "
                        "max(σ², ε) is a floor; reg_covar adds ε to every variance)",
                        "Add ε to the variance after dividing by N_k: S_k / N_k + ε.", var),
                Mistake("wrong_regularisation", "ε is added before the division, "
                        "(S_k + ε) / N_k", "Add it after: S_k / N_k + ε, so that every variance "
                        "gets ε.", (S_k + eps) / N_k),
                Mistake("wrong_regularisation", "ε is added twice", "Add ε once.", var + 2 * eps),
                Mistake("std_for_variance", "ε is added to the standard deviation, (σ_k + ε)²",
                        "reg_covar is added to the variance: σ_k² + ε.",
                        (np.sqrt(var) + eps) ** 2),
                Mistake("std_for_variance", "you returned a standard deviation, √(σ_k² + ε)",
                        "Return the variance σ_k² + ε itself.", np.sqrt(var + eps)),
            ]
            for v, code, say, fix in _variance_mistakes(x, r, S_k, N_k, mu).values():
                found.append(Mistake(code, say, fix, v + eps))
            return found

        check.compare(number, case, got, expected, part, mistakes)
    return check.passed(len(cases))


@checker("map_variance_1d")
def check_map_variance_1d(func):
    """Check map_variance_1d(x, resp_k, psi, nu) -> float.

    The MAP variance of one component under an inverse-Wishart prior IW(Ψ, ν):
    (S_k + Ψ) / (N_k + ν + 2), S_k = Σ_i r_ik (x_i − μ_k)² around the weighted
    mean μ_k, as gmmlib.m_step(..., covariance_prior=CovariancePrior(psi, nu)).
    """
    check = Check("map_variance_1d", func, "map_variance_1d(x, resp_k, psi, nu)",
                  "σ_k² = (S_k + Ψ) / (N_k + ν + 2), S_k = Σ_i r_ik (x_i − μ_k)²")
    part = Part("the MAP variance")
    r0, r1, one = _resp_k_cases()
    cases = [
        Case("soft responsibilities, Ψ = 0.5, ν = 3", (_X, r0, 0.5, 3.0), x=_X),
        Case("another component, Ψ = 2, ν = 1", (_X, r1, 2.0, 1.0), x=_X),
        Case("all of the responsibility on one point (S_k = 0), Ψ = 0.1, ν = 0.5",
             (_X, one, 0.1, 0.5), x=_X),
    ]
    for number, case in enumerate(cases, 1):
        x, r, psi, nu = case.args
        resp = np.column_stack([r, 1 - r])
        prior = CovariancePrior(psi, nu)
        expected = np.asarray(
            m_step(x, resp, reg_covar=0.0, covariance_prior=prior).covariances[0, 0, 0])
        out = check.run(number, case)
        got = check.scalar(number, case, out, part)

        def mistakes(case, x=x, r=r, psi=psi, nu=nu):
            N_k = r.sum()
            mu = r @ x / N_k
            S_k = r @ (x - mu) ** 2
            found = [
                Mistake("wrong_prior", "your denominator is N_k + ν, without the + 2",
                        "The denominator is N_k + ν + D + 1 = N_k + ν + 2 in one dimension.",
                        (S_k + psi) / (N_k + nu)),
                Mistake("wrong_prior", "your denominator is N_k + ν + 1",
                        "The denominator is N_k + ν + D + 1 = N_k + ν + 2 in one dimension.",
                        (S_k + psi) / (N_k + nu + 1)),
                Mistake("wrong_prior", "Ψ is missing from the numerator",
                        "Add the prior's scale to the scatter: (S_k + Ψ) / (N_k + ν + 2).",
                        S_k / (N_k + nu + 2)),
                Mistake("wrong_prior", "ν is missing from the denominator",
                        "The denominator is N_k + ν + 2.", (S_k + psi) / (N_k + 2)),
                Mistake("wrong_prior", "your denominator is N_k + ν − 2: that gives the "
                        "posterior mean of σ_k², not its mode", "The MAP estimate is the mode "
                        "of the posterior: (S_k + Ψ) / (N_k + ν + D + 1) = (S_k + Ψ) / "
                        "(N_k + ν + 2) in one dimension.", (S_k + psi) / (N_k + nu - 2)),
                Mistake("wrong_prior", "your numerator adds Ψ/2 where Ψ goes",
                        "Add the prior's scale Ψ itself to the scatter: (S_k + Ψ) / (N_k + ν + 2).",
                        (S_k + psi / 2) / (N_k + nu + 2)),
                Mistake("wrong_prior", "the prior is left out: that is the plain M-step "
                        "variance S_k / N_k", "With the prior: (S_k + Ψ) / (N_k + ν + 2).",
                        S_k / N_k),
                Mistake("mean_not_sum", "you used the weighted mean of the squares, S_k / N_k, "
                        "where the formula wants the weighted sum S_k", "S_k = Σ_i r_ik "
                        "(x_i − μ_k)², not divided by N_k.", (S_k / N_k + psi) / (N_k + nu + 2)),
            ]
            for key, (v, code, say, fix) in _variance_mistakes(x, r, S_k, N_k, mu).items():
                if key in ("plain_mean", "plain"):
                    S = v * (N_k if key == "plain_mean" else len(x))
                    found.append(Mistake(code, say, fix, (S + psi) / (N_k + nu + 2)))
            return found

        check.compare(number, case, got, expected, part, mistakes)
    return check.passed(len(cases))
