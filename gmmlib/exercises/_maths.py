"""Plain numpy versions of the formulas, right and wrong, that the checkers
use to say what each classic mistake would give on a case.

The right answers themselves come from gmmlib (e_step, m_step,
log_likelihood, ...); these helpers only build the wrong ones, written the way
a learner would write them (so an underflowing version really underflows).
"""

from __future__ import annotations

import numpy as np

LOG_2PI = float(np.log(2 * np.pi))


def log_normal_1d(x, means, variances, normaliser="full"):
    """log N(x_i | mu_k, var_k): shape (N, K).

    normaliser : "full" (-1/2 log(2 pi var)), "no_2pi" (-1/2 log var) or "none"
    """
    x, means, variances = (np.asarray(a, dtype=float) for a in (x, means, variances))
    out = -0.5 * (x[:, None] - means[None, :]) ** 2 / variances[None, :]
    if normaliser in ("full", "no_2pi"):
        out = out - 0.5 * np.log(variances)[None, :]
    if normaliser == "full":
        out = out - 0.5 * LOG_2PI
    return out


def logsumexp_rows(a):
    m = np.max(a, axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.log(np.exp(a - m).sum(axis=1)) + m[:, 0]


def softmax_rows(a):
    return np.exp(a - logsumexp_rows(a)[:, None])


def naive_normalise_rows(p):
    """p / p.sum(axis=1): 0/0 = NaN where every entry of a row underflowed."""
    return p / p.sum(axis=1, keepdims=True)


def e_step_1d(x, weights, means, variances, *, use_weights=True, variance="var",
              normaliser="full", log_space=True):
    """Responsibilities, right or with one mistake.

    variance : "var" (right), "squared" (var_k**2 used as the variance: the
        variance passed where a standard deviation goes) or "sqrt" (sqrt(var_k)
        used as the variance: the standard deviation where the variance goes)
    """
    v = np.asarray(variances, dtype=float)
    v = {"var": v, "squared": v ** 2, "sqrt": np.sqrt(v)}[variance]
    a = log_normal_1d(x, means, v, normaliser)
    if use_weights:
        a = a + np.log(np.asarray(weights, dtype=float))[None, :]
    if log_space:
        return softmax_rows(a)
    return naive_normalise_rows(np.exp(a))


def m_step_1d(x, resp, *, weights="N_k/N", means="weighted", variances="weighted",
              centre=None, return_std=False):
    """The 1-D M-step, right or with one mistake.

    weights : "N_k/N" or "N_k" (not divided by N)
    means : "weighted", "over_N" (sum r x / N) or "plain" (the mean of all x)
    variances : "weighted" (S_k / N_k), "over_N" (S_k / N), "plain" (mean over
        all points of (x - mu_k)^2), "N_k-1" (S_k / (N_k - 1)), "np.cov"
        (np.cov with aweights, ddof=1)
    centre : the means the variances are computed around (default: the new means)
    """
    x, resp = np.asarray(x, dtype=float), np.asarray(resp, dtype=float)
    N = x.shape[0]
    N_k = resp.sum(axis=0)
    w = N_k / N if weights == "N_k/N" else N_k
    if means == "weighted":
        mu = resp.T @ x / N_k
    elif means == "over_N":
        mu = resp.T @ x / N
    else:
        mu = np.full(resp.shape[1], x.mean())
    c = mu if centre is None else np.asarray(centre, dtype=float)
    d2 = (x[:, None] - c[None, :]) ** 2
    S = (resp * d2).sum(axis=0)
    if variances == "weighted":
        var = S / N_k
    elif variances == "over_N":
        var = S / N
    elif variances == "plain":
        var = d2.mean(axis=0)
    elif variances == "N_k-1":
        var = S / (N_k - 1)
    else:  # np.cov(x, aweights=r_k): S_k / (V1 - V2 / V1)
        V2 = (resp ** 2).sum(axis=0)
        var = S / (N_k - V2 / N_k)
    if return_std:
        var = np.sqrt(var)
    return w, mu, var


def log_normal(X, mean, cov, *, inverse=True, log_det="log", normaliser="D"):
    """log N(x_i | mean, cov): shape (N,), right or with one mistake.

    inverse : False puts cov where cov^-1 goes
    log_det : "log" (right), "none" (left out) or "det" (det where log det goes)
    normaliser : "D" (right: -D/2 log 2 pi), "none" or "once" (-1/2 log 2 pi)
    """
    X, mean, cov = (np.asarray(a, dtype=float) for a in (X, mean, cov))
    D = X.shape[1]
    d = X - mean
    M = np.linalg.inv(cov) if inverse else cov
    quad = np.einsum("ij,jk,ik->i", d, M, d)
    out = -0.5 * quad
    if log_det == "log":
        out = out - 0.5 * np.linalg.slogdet(cov)[1]
    elif log_det == "det":
        out = out - 0.5 * np.linalg.det(cov)
    if normaliser == "D":
        out = out - 0.5 * D * LOG_2PI
    elif normaliser == "once":
        out = out - 0.5 * LOG_2PI
    return out


def m_step_nd(X, resp, *, weights="N_k/N", means="weighted", covariances="weighted",
              centre=None):
    """The D-dimensional M-step, right or with one mistake (see m_step_1d);
    covariances also takes "diagonal" (off-diagonal entries left at 0);
    centre : (K, D) points the covariances are computed around (default: the new means)."""
    X, resp = np.asarray(X, dtype=float), np.asarray(resp, dtype=float)
    N, D = X.shape
    K = resp.shape[1]
    N_k = resp.sum(axis=0)
    w = N_k / N if weights == "N_k/N" else N_k
    mu = resp.T @ X / (N_k[:, None] if means == "weighted" else N)
    covs = np.empty((K, D, D))
    c = mu if centre is None else np.asarray(centre, dtype=float).reshape(K, D)
    for k in range(K):
        d = X - c[k]
        S = (resp[:, k, None] * d).T @ d
        if covariances == "weighted":
            covs[k] = S / N_k[k]
        elif covariances == "over_N":
            covs[k] = S / N
        elif covariances == "plain":
            covs[k] = d.T @ d / N
        elif covariances == "N_k-1":
            covs[k] = S / (N_k[k] - 1)
        elif covariances == "np.cov":
            V2 = (resp[:, k] ** 2).sum()
            covs[k] = S / (N_k[k] - V2 / N_k[k])
        else:  # "diagonal"
            covs[k] = np.diag(np.diag(S / N_k[k]))
    return w, mu, covs


def squared_distances(X, centres):
    X, centres = np.asarray(X, dtype=float), np.asarray(centres, dtype=float)
    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)


def fold_angle(degrees):
    """An axis angle in degrees folded into (-90, 90]."""
    a = np.mod(np.asarray(degrees, dtype=float) + 90.0, 180.0) - 90.0
    return np.where(a <= -90.0 + 1e-12, a + 180.0, a)
