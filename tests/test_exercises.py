"""gmmlib.exercises: every checker passes correct code of any style, names each
classic mistake, and never raises whatever the learner's function does."""

import html
import itertools
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from scipy.special import logsumexp, softmax, xlogy
from scipy.stats import multivariate_normal, norm

import gmmlib
from gmmlib.exercises import EXERCISES, MISTAKES, Feedback

ROOT = Path(__file__).resolve().parents[1]
LOG_2PI = math.log(2 * math.pi)


def check(name, func):
    return EXERCISES[name](func)


# ===========================================================================
# Correct solutions, three styles per exercise: the reference solution (as a
# lesson would show it), then two others (loops, scipy, log space, gmmlib ...).

# -- responsibilities_1d -----------------------------------------------------

def responsibilities_1d(x, weights, means, variances):
    a = (np.log(weights) - 0.5 * np.log(2 * np.pi * variances)
         - (x[:, None] - means) ** 2 / (2 * variances))
    a -= a.max(axis=1, keepdims=True)
    r = np.exp(a)
    return r / r.sum(axis=1, keepdims=True)


def responsibilities_1d_loops(x, weights, means, variances):
    rows = []
    for xi in x:
        logs = [math.log(w) - 0.5 * math.log(2 * math.pi * v) - (xi - m) ** 2 / (2 * v)
                for w, m, v in zip(weights, means, variances)]
        top = max(logs)
        e = [math.exp(a - top) for a in logs]
        rows.append([t / sum(e) for t in e])
    return rows  # a list of lists is fine


def responsibilities_1d_scipy(x, weights, means, variances):
    return softmax(np.log(weights) + norm.logpdf(x[:, None], means, np.sqrt(variances)), axis=1)


# -- m_step_1d -----------------------------------------------------------------

def m_step_1d(x, resp):
    N_k = resp.sum(axis=0)
    means = resp.T @ x / N_k
    variances = (resp * (x[:, None] - means) ** 2).sum(axis=0) / N_k
    return N_k / len(x), means, variances


def m_step_1d_loops(x, resp):
    N, K = resp.shape
    weights, means, variances = [], [], []
    for k in range(K):
        n_k = sum(resp[i, k] for i in range(N))
        mu = sum(resp[i, k] * x[i] for i in range(N)) / n_k
        var = sum(resp[i, k] * (x[i] - mu) ** 2 for i in range(N)) / n_k
        weights.append(n_k / N)
        means.append(mu)
        variances.append(var)
    return weights, means, variances


def m_step_1d_numpy_stats(x, resp):
    K = resp.shape[1]
    means = np.array([np.average(x, weights=resp[:, k]) for k in range(K)])
    variances = np.array([np.cov(x, aweights=resp[:, k], bias=True) for k in range(K)])
    return [resp.mean(axis=0), means[:, None], variances]  # a list, means as a column


# -- log_likelihood_1d ---------------------------------------------------------

def log_likelihood_1d(x, weights, means, variances):
    a = (np.log(weights) - 0.5 * np.log(2 * np.pi * variances)
         - (x[:, None] - means) ** 2 / (2 * variances))
    top = a.max(axis=1)
    return float(np.sum(top + np.log(np.exp(a - top[:, None]).sum(axis=1))))


def log_likelihood_1d_loops(x, weights, means, variances):
    total = 0.0
    for xi in x:
        logs = [math.log(w) - 0.5 * math.log(2 * math.pi * v) - (xi - m) ** 2 / (2 * v)
                for w, m, v in zip(weights, means, variances)]
        top = max(logs)
        total += top + math.log(sum(math.exp(a - top) for a in logs))
    return total


def log_likelihood_1d_scipy(x, weights, means, variances):
    return np.sum(logsumexp(norm.logpdf(x[:, None], means, np.sqrt(variances)), b=weights,
                            axis=1))  # a numpy scalar


# -- em_iteration_1d -----------------------------------------------------------

def em_iteration_1d(x, weights, means, variances):
    return m_step_1d(x, responsibilities_1d(x, weights, means, variances))


def em_iteration_1d_loops(x, weights, means, variances):
    resp = np.array(responsibilities_1d_loops(x, weights, means, variances))
    return m_step_1d_loops(x, resp)


def em_iteration_1d_gmmlib(x, weights, means, variances):
    params = gmmlib.GMMParams.from_1d(weights, means, variances)
    new = gmmlib.m_step(x, gmmlib.e_step(x, params), reg_covar=0.0)
    return new.weights, new.means[:, 0], new.covariances[:, 0, 0]


# -- gaussian_log_density ------------------------------------------------------

def gaussian_log_density(X, mean, cov):
    D = X.shape[1]
    d = X - mean
    maha = np.sum(d * np.linalg.solve(cov, d.T).T, axis=1)
    _, logdet = np.linalg.slogdet(cov)
    return -0.5 * (maha + logdet + D * np.log(2 * np.pi))


def gaussian_log_density_loops(X, mean, cov):
    inv = np.linalg.inv(cov)
    logdet = math.log(np.linalg.det(cov))
    out = []
    for x in X:
        d = x - mean
        out.append(-0.5 * (d @ inv @ d + logdet + len(mean) * LOG_2PI))
    return out


def gaussian_log_density_cholesky(X, mean, cov):
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, (X - mean).T)
    return -0.5 * (z ** 2).sum(axis=0) - np.log(np.diag(L)).sum() - 0.5 * len(mean) * LOG_2PI


def gaussian_log_density_scipy(X, mean, cov):
    return np.atleast_1d(multivariate_normal(mean, cov).logpdf(X))


# -- m_step ----------------------------------------------------------------------

def m_step(X, resp):
    N_k = resp.sum(axis=0)
    means = resp.T @ X / N_k[:, None]
    d = X[:, None, :] - means[None]                       # (N, K, D)
    covariances = np.einsum("ik,ikd,ike->kde", resp, d, d) / N_k[:, None, None]
    return N_k / len(X), means, covariances


def m_step_loops(X, resp):
    N, D = X.shape
    K = resp.shape[1]
    weights, means, covs = np.zeros(K), np.zeros((K, D)), np.zeros((K, D, D))
    for k in range(K):
        n_k = resp[:, k].sum()
        weights[k] = n_k / N
        means[k] = sum(resp[i, k] * X[i] for i in range(N)) / n_k
        covs[k] = sum(resp[i, k] * np.outer(X[i] - means[k], X[i] - means[k])
                      for i in range(N)) / n_k
    return weights, means, covs


def m_step_np_cov(X, resp):
    K, D = resp.shape[1], X.shape[1]
    means = np.array([np.average(X, axis=0, weights=resp[:, k]) for k in range(K)])
    covs = np.array([np.cov(X.T, aweights=resp[:, k], bias=True).reshape(D, D)
                     for k in range(K)])
    return resp.mean(axis=0), means, covs


def m_step_gmmlib(X, resp):
    return gmmlib.m_step(X, resp, reg_covar=0.0)  # a GMMParams is read as its three arrays


# -- ellipse_axes --------------------------------------------------------------

def ellipse_axes(cov):
    values, vectors = np.linalg.eigh(cov)         # ascending eigenvalues
    major = vectors[:, 1]
    angle = np.degrees(np.arctan2(major[1], major[0]))
    if angle <= -90:
        angle += 180
    elif angle > 90:
        angle -= 180
    return np.sqrt(values[::-1]), angle


def ellipse_axes_eig(cov):
    values, vectors = np.linalg.eig(cov)
    order = np.argsort(values)[::-1]
    v = vectors[:, order[0]]
    angle = 90.0 if v[0] == 0 else math.degrees(math.atan(v[1] / v[0]))
    return tuple(math.sqrt(values[i]) for i in order), angle


def ellipse_axes_closed_form(cov):
    a, b, c = cov[0, 0], cov[0, 1], cov[1, 1]
    half_gap = math.hypot((a - c) / 2, b)
    major, minor = (a + c) / 2 + half_gap, (a + c) / 2 - half_gap
    angle = math.degrees(0.5 * math.atan2(2 * b, a - c))
    return math.sqrt(major), math.sqrt(minor), angle   # (major, minor, angle) is accepted too


# -- kmeans_assign, kmeans_update ------------------------------------------------

def kmeans_assign(X, centres):
    return np.argmin(((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)


def kmeans_assign_loops(X, centres):
    labels = []
    for x in X:
        d = [sum((xj - cj) ** 2 for xj, cj in zip(x, c)) for c in centres]
        labels.append(d.index(min(d)))
    return labels


def kmeans_assign_cdist(X, centres):
    return cdist(X, centres).argmin(axis=1).astype(float)  # whole-number floats are fine


def kmeans_update(X, labels, n_clusters):
    return np.array([X[labels == k].mean(axis=0) for k in range(n_clusters)])


def kmeans_update_loops(X, labels, n_clusters):
    sums = np.zeros((n_clusters, X.shape[1]))
    counts = np.zeros(n_clusters)
    for x, k in zip(X, labels):
        sums[k] += x
        counts[k] += 1
    return sums / counts[:, None]


def kmeans_update_add_at(X, labels, n_clusters):
    sums = np.zeros((n_clusters, X.shape[1]))
    np.add.at(sums, labels, X)
    return sums / np.bincount(labels, minlength=n_clusters)[:, None]


# -- n_parameters, bic ---------------------------------------------------------

def n_parameters(n_components, n_features, covariance_type):
    K, D = n_components, n_features
    cov = {"full": K * D * (D + 1) // 2, "tied": D * (D + 1) // 2,
           "diag": K * D, "spherical": K}[covariance_type]
    return (K - 1) + K * D + cov


def n_parameters_if(n_components, n_features, covariance_type):
    K, D = n_components, n_features
    if covariance_type == "full":
        cov = K * D * (D + 1) / 2
    elif covariance_type == "tied":
        cov = D * (D + 1) / 2
    elif covariance_type == "diag":
        cov = K * D
    else:
        cov = K
    return np.int64(K - 1 + K * D + cov)


def n_parameters_sklearn(n_components, n_features, covariance_type):
    from sklearn.mixture import GaussianMixture

    rng = np.random.default_rng(0)
    gm = GaussianMixture(n_components, covariance_type=covariance_type, max_iter=1,
                         random_state=0).fit(rng.normal(size=(max(10, 2 * n_components),
                                                              n_features)))
    return gm._n_parameters()


def bic(log_likelihood, n_parameters, n_samples):
    return -2 * log_likelihood + n_parameters * np.log(n_samples)


def bic_math(log_likelihood, n_parameters, n_samples):
    return n_parameters * math.log(n_samples) - 2.0 * log_likelihood


def bic_array(log_likelihood, n_parameters, n_samples):
    return np.array([-2 * log_likelihood + n_parameters * np.log(n_samples)])  # size 1 is fine


# -- lower_bound_1d, posterior_gap_1d ------------------------------------------

def _log_joint(x, weights, means, variances):
    return np.log(weights) + norm.logpdf(x[:, None], means, np.sqrt(variances))


def lower_bound_1d(x, weights, means, variances, q):
    a = _log_joint(x, weights, means, variances)
    return float(np.sum(q * a) - np.sum(xlogy(q, q)))


def lower_bound_1d_loops(x, weights, means, variances, q):
    total = 0.0
    for i, xi in enumerate(x):
        for k, (w, m, v) in enumerate(zip(weights, means, variances)):
            if q[i, k] > 0:
                log_joint = math.log(w) - 0.5 * math.log(2 * math.pi * v) - (xi - m) ** 2 / (2 * v)
                total += q[i, k] * (log_joint - math.log(q[i, k]))
    return total


def lower_bound_1d_gmmlib(x, weights, means, variances, q):
    return gmmlib.lower_bound(x, gmmlib.GMMParams.from_1d(weights, means, variances), q)


def posterior_gap_1d(x, weights, means, variances, q):
    a = _log_joint(x, weights, means, variances)
    log_r = a - logsumexp(a, axis=1, keepdims=True)
    return float(np.sum(xlogy(q, q)) - np.sum(np.where(q > 0, q * log_r, 0.0)))


def posterior_gap_1d_difference(x, weights, means, variances, q):
    ll = log_likelihood_1d(x, weights, means, variances)
    return ll - lower_bound_1d(x, weights, means, variances, q)


def posterior_gap_1d_loops(x, weights, means, variances, q):
    total = 0.0
    for i, xi in enumerate(x):
        logs = [math.log(w) - 0.5 * math.log(2 * math.pi * v) - (xi - m) ** 2 / (2 * v)
                for w, m, v in zip(weights, means, variances)]
        top = max(logs)
        log_p = top + math.log(sum(math.exp(a - top) for a in logs))
        for k, a in enumerate(logs):
            if q[i, k] > 0:
                total += q[i, k] * (math.log(q[i, k]) - (a - log_p))
    return total


# -- kmeanspp_probabilities, match_by_means -------------------------------------

def kmeanspp_probabilities(X, centres):
    d2 = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    return d2 / d2.sum()


def kmeanspp_probabilities_loops(X, centres):
    d2 = [min(sum((a - b) ** 2 for a, b in zip(x, c)) for c in centres) for x in X]
    return [d / sum(d2) for d in d2]


def kmeanspp_probabilities_cdist(X, centres):
    d = cdist(X, centres).min(axis=1)
    return d ** 2 / np.sum(d ** 2)


def match_by_means(means_a, means_b):
    cost = ((means_a[:, None, :] - means_b[None, :, :]) ** 2).sum(axis=2)
    _, perm = linear_sum_assignment(cost)
    return perm


def match_by_means_brute_force(means_a, means_b):
    K = len(means_a)
    return list(min(itertools.permutations(range(K)),
                    key=lambda p: sum(((means_a[k] - means_b[p[k]]) ** 2).sum()
                                      for k in range(K))))


def match_by_means_cdist(means_a, means_b):
    return tuple(linear_sum_assignment(cdist(means_a, means_b, "sqeuclidean"))[1])


# -- spike_log_density, regularised_variance_1d, map_variance_1d -----------------

def spike_log_density(sigma):
    return -np.log(sigma) - 0.5 * np.log(2 * np.pi)


def spike_log_density_scipy(sigma):
    return norm.logpdf(0.0, loc=0.0, scale=sigma)


def spike_log_density_math(sigma):
    return -(math.log(2 * math.pi) + 2 * math.log(sigma)) / 2


def regularised_variance_1d(x, resp_k, eps):
    N_k = resp_k.sum()
    mu = resp_k @ x / N_k
    return resp_k @ (x - mu) ** 2 / N_k + eps


def regularised_variance_1d_loops(x, resp_k, eps):
    n_k = sum(resp_k)
    mu = sum(r * xi for r, xi in zip(resp_k, x)) / n_k
    return sum(r * (xi - mu) ** 2 for r, xi in zip(resp_k, x)) / n_k + eps


def regularised_variance_1d_np_cov(x, resp_k, eps):
    return np.cov(x, aweights=resp_k, bias=True) + eps  # a 0-d array


def map_variance_1d(x, resp_k, psi, nu):
    N_k = resp_k.sum()
    mu = resp_k @ x / N_k
    S_k = resp_k @ (x - mu) ** 2
    return (S_k + psi) / (N_k + nu + 2)


def map_variance_1d_loops(x, resp_k, psi, nu):
    n_k = sum(resp_k)
    mu = sum(r * xi for r, xi in zip(resp_k, x)) / n_k
    return (sum(r * (xi - mu) ** 2 for r, xi in zip(resp_k, x)) + psi) / (n_k + nu + 2)


def map_variance_1d_gmmlib(x, resp_k, psi, nu):
    resp = np.column_stack([resp_k, 1 - resp_k])
    prior = gmmlib.CovariancePrior(psi, nu)
    return gmmlib.m_step(x, resp, reg_covar=0.0, covariance_prior=prior).covariances[0, 0, 0]


# -- soft_assign -----------------------------------------------------------------

def soft_assign(X, centres, sigma):
    a = -((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2) / (2 * sigma ** 2)
    a -= a.max(axis=1, keepdims=True)
    r = np.exp(a)
    return r / r.sum(axis=1, keepdims=True)


def soft_assign_scipy(X, centres, sigma):
    return softmax(-cdist(X, centres, "sqeuclidean") / (2 * sigma ** 2), axis=1)


def soft_assign_loops(X, centres, sigma):
    rows = []
    for x in X:
        a = [-sum((xj - cj) ** 2 for xj, cj in zip(x, c)) / (2 * sigma ** 2) for c in centres]
        top = max(a)
        e = [math.exp(v - top) for v in a]
        rows.append([v / sum(e) for v in e])
    return np.array(rows)


# -- total_log_likelihood --------------------------------------------------------

def total_log_likelihood(gm, X):
    return gm.score_samples(X).sum()


def total_log_likelihood_score(gm, X):
    return gm.score(X) * len(X)


def total_log_likelihood_scipy(gm, X):
    K, D = gm.means_.shape
    covs = gm.covariances_
    if gm.covariance_type == "diag":
        covs = [np.diag(c) for c in covs]
    dens = np.column_stack([multivariate_normal(gm.means_[k], covs[k]).logpdf(X).reshape(-1)
                            for k in range(K)])
    return float(logsumexp(dens, b=gm.weights_, axis=1).sum())


CORRECT = {
    "responsibilities_1d": [responsibilities_1d, responsibilities_1d_loops,
                            responsibilities_1d_scipy],
    "m_step_1d": [m_step_1d, m_step_1d_loops, m_step_1d_numpy_stats],
    "log_likelihood_1d": [log_likelihood_1d, log_likelihood_1d_loops, log_likelihood_1d_scipy],
    "em_iteration_1d": [em_iteration_1d, em_iteration_1d_loops, em_iteration_1d_gmmlib],
    "gaussian_log_density": [gaussian_log_density, gaussian_log_density_loops,
                             gaussian_log_density_cholesky, gaussian_log_density_scipy],
    "m_step": [m_step, m_step_loops, m_step_np_cov, m_step_gmmlib],
    "ellipse_axes": [ellipse_axes, ellipse_axes_eig, ellipse_axes_closed_form],
    "kmeans_assign": [kmeans_assign, kmeans_assign_loops, kmeans_assign_cdist],
    "kmeans_update": [kmeans_update, kmeans_update_loops, kmeans_update_add_at],
    "n_parameters": [n_parameters, n_parameters_if, n_parameters_sklearn],
    "bic": [bic, bic_math, bic_array],
    "lower_bound_1d": [lower_bound_1d, lower_bound_1d_loops, lower_bound_1d_gmmlib],
    "posterior_gap_1d": [posterior_gap_1d, posterior_gap_1d_difference, posterior_gap_1d_loops],
    "kmeanspp_probabilities": [kmeanspp_probabilities, kmeanspp_probabilities_loops,
                               kmeanspp_probabilities_cdist],
    "match_by_means": [match_by_means, match_by_means_brute_force, match_by_means_cdist],
    "spike_log_density": [spike_log_density, spike_log_density_scipy, spike_log_density_math],
    "regularised_variance_1d": [regularised_variance_1d, regularised_variance_1d_loops,
                                regularised_variance_1d_np_cov],
    "map_variance_1d": [map_variance_1d, map_variance_1d_loops, map_variance_1d_gmmlib],
    "soft_assign": [soft_assign, soft_assign_scipy, soft_assign_loops],
    "total_log_likelihood": [total_log_likelihood, total_log_likelihood_score,
                             total_log_likelihood_scipy],
}
REFERENCE = {name: funcs[0] for name, funcs in CORRECT.items()}

REQUIRED = ["responsibilities_1d", "m_step_1d", "log_likelihood_1d", "em_iteration_1d",
            "gaussian_log_density", "m_step", "ellipse_axes", "kmeans_assign", "kmeans_update",
            "n_parameters", "bic"]
EXTRA = ["lower_bound_1d", "posterior_gap_1d", "kmeanspp_probabilities", "match_by_means",
         "spike_log_density", "regularised_variance_1d", "map_variance_1d", "soft_assign",
         "total_log_likelihood"]


# Checkers of the applied exercises, tested the same way in tests/test_exercises_applied.py.
APPLIED = ["log_point_terms_1d", "params_from_labels", "held_out_score"]
IMAGES = ["segment", "bic_full"]  # tested in tests/test_exercises_images.py
SCALE = ["sufficient_stats", "m_step_from_stats", "stepwise_update", "epoch_batches"]  # tests/test_exercises_scale.py


def test_every_exercise_has_a_checker():
    assert sorted(EXERCISES) == sorted(REQUIRED + EXTRA + APPLIED + IMAGES + SCALE)
    assert sorted(CORRECT) == sorted(REQUIRED + EXTRA)
    for name, checker in EXERCISES.items():
        assert checker.__name__ == f"check_{name}"
        assert checker.__doc__ and name in checker.__doc__
        assert getattr(gmmlib.exercises, f"check_{name}") is checker


@pytest.mark.parametrize("name,func", [(n, f) for n, fs in CORRECT.items() for f in fs],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_correct_solutions_pass(name, func):
    feedback = check(name, func)
    assert feedback.passed, feedback
    assert feedback.mistake is None
    assert feedback.exercise == name
    assert str(feedback).startswith(f"✔ {name}: correct on all ")


# ===========================================================================
# Wrong solutions: one function per classic mistake, written as a learner would.

def _density_1d(x, means, variances, weights=None, scale=None, normaliser=True):
    """Weighted (or not) 1-D Gaussian densities, the naive way: shape (N, K)."""
    scale = np.sqrt(variances) if scale is None else scale
    p = np.exp(-(x[:, None] - means) ** 2 / (2 * scale ** 2))
    if normaliser:
        p = p / np.sqrt(2 * np.pi * scale ** 2)
    return p if weights is None else weights * p


def _logsoftmax(a):
    return a - logsumexp(a, axis=1, keepdims=True)


# responsibilities_1d
def resp_naive(x, w, m, v):
    p = w * norm.pdf(x[:, None], m, np.sqrt(v))
    return p / p.sum(axis=1, keepdims=True)


def resp_nan_to_uniform(x, w, m, v):
    return np.nan_to_num(resp_naive(x, w, m, v), nan=1 / len(w))


def resp_missing_weights(x, w, m, v):
    return softmax(norm.logpdf(x[:, None], m, np.sqrt(v)), axis=1)


def resp_variance_as_scale(x, w, m, v):
    return softmax(np.log(w) + norm.logpdf(x[:, None], m, v), axis=1)


def resp_std_as_variance(x, w, m, v):
    a = np.log(w) - 0.5 * np.log(2 * np.pi * np.sqrt(v)) - (x[:, None] - m) ** 2 / (2 * np.sqrt(v))
    return softmax(a, axis=1)


def resp_no_normaliser(x, w, m, v):
    return softmax(np.log(w) - (x[:, None] - m) ** 2 / (2 * v), axis=1)


def resp_unnormalised(x, w, m, v):
    return np.exp(np.log(w) + norm.logpdf(x[:, None], m, np.sqrt(v)))


def resp_columns(x, w, m, v):
    p = w * norm.pdf(x[:, None], m, np.sqrt(v))
    return p / p.sum(axis=0, keepdims=True)


def resp_transposed(x, w, m, v):
    return responsibilities_1d(x, w, m, v).T


def resp_half(x, w, m, v):
    return responsibilities_1d(x, w, m, v) / 2


def resp_other(x, w, m, v):
    return softmax(np.log(w) - np.abs(x[:, None] - m), axis=1)


# m_step_1d
def m1_weights_N_k(x, r):
    w, m, v = m_step_1d(x, r)
    return w * len(x), m, v


def m1_plain_means(x, r):
    w, m, v = m_step_1d(x, r)
    means = np.full(r.shape[1], x.mean())
    return w, means, (r * (x[:, None] - means) ** 2).sum(axis=0) / r.sum(axis=0)


def m1_means_over_N(x, r):
    w, m, v = m_step_1d(x, r)
    return w, r.T @ x / len(x), v


def m1_variances_over_N(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m, (r * (x[:, None] - m) ** 2).sum(axis=0) / len(x)


def m1_variances_unweighted(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m, ((x[:, None] - m) ** 2).mean(axis=0)


def m1_np_cov_default(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m, np.array([np.cov(x, aweights=r[:, k]) for k in range(r.shape[1])])


def m1_bessel(x, r):
    w, m, v = m_step_1d(x, r)
    N_k = r.sum(axis=0)
    return w, m, v * N_k / (N_k - 1)


def m1_std(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m, np.sqrt(v)


def m1_order(x, r):
    w, m, v = m_step_1d(x, r)
    return m, w, v


def m1_two_values(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m


def m1_partial(x, r):
    return r.mean(axis=0), None, None


def m1_var_around_xbar(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m, (r * (x[:, None] - x.mean()) ** 2).sum(axis=0) / r.sum(axis=0)


def m1_var_around_shifted(x, r):
    w, m, v = m_step_1d(x, r)
    return w, m, (r * (x[:, None] - (m + 0.25)) ** 2).sum(axis=0) / r.sum(axis=0)


# log_likelihood_1d
def ll_naive(x, w, m, v):
    return np.sum(np.log((w * norm.pdf(x[:, None], m, np.sqrt(v))).sum(axis=1)))


def ll_log_of_total(x, w, m, v):
    return np.log(np.sum(w * norm.pdf(x[:, None], m, np.sqrt(v))))


def ll_mean(x, w, m, v):
    return np.mean(logsumexp(np.log(w) + norm.logpdf(x[:, None], m, np.sqrt(v)), axis=1))


def ll_per_point(x, w, m, v):
    return logsumexp(np.log(w) + norm.logpdf(x[:, None], m, np.sqrt(v)), axis=1)


def ll_negative(x, w, m, v):
    return -log_likelihood_1d(x, w, m, v)


def ll_missing_weights(x, w, m, v):
    return logsumexp(norm.logpdf(x[:, None], m, np.sqrt(v)), axis=1).sum()


def ll_variance_as_scale(x, w, m, v):
    return logsumexp(np.log(w) + norm.logpdf(x[:, None], m, v), axis=1).sum()


def ll_no_2pi(x, w, m, v):
    a = np.log(w) - 0.5 * np.log(v) - (x[:, None] - m) ** 2 / (2 * v)
    return logsumexp(a, axis=1).sum()


def ll_logs_added(x, w, m, v):
    return np.sum(np.log(w) + norm.logpdf(x[:, None], m, np.sqrt(v)))


# em_iteration_1d
def em_naive(x, w, m, v):
    return m_step_1d(x, resp_naive(x, w, m, v))


def em_old_mean(x, w, m, v):
    r = responsibilities_1d(x, w, m, v)
    N_k = r.sum(axis=0)
    return N_k / len(x), r.T @ x / N_k, (r * (x[:, None] - m) ** 2).sum(axis=0) / N_k


def em_missing_weights(x, w, m, v):
    return m_step_1d(x, resp_missing_weights(x, w, m, v))


def em_variance_as_scale(x, w, m, v):
    return m_step_1d(x, resp_variance_as_scale(x, w, m, v))


def em_unchanged(x, w, m, v):
    return w, m, v


def em_weights_N_k(x, w, m, v):
    return m1_weights_N_k(x, responsibilities_1d(x, w, m, v))


def em_std(x, w, m, v):
    return m1_std(x, responsibilities_1d(x, w, m, v))


def em_order(x, w, m, v):
    w2, m2, v2 = em_iteration_1d(x, w, m, v)
    return w2, v2, m2


def em_variances_over_N(x, w, m, v):
    return m1_variances_over_N(x, responsibilities_1d(x, w, m, v))


def em_weights_given(x, w, m, v):
    _, m2, v2 = em_iteration_1d(x, w, m, v)
    return w, m2, v2


def em_means_given(x, w, m, v):
    r = responsibilities_1d(x, w, m, v)
    N_k = r.sum(axis=0)
    return N_k / len(x), m, (r * (x[:, None] - m) ** 2).sum(axis=0) / N_k


# gaussian_log_density
def gld_naive(X, mean, cov):
    return np.log(multivariate_normal(mean, cov).pdf(X)).reshape(-1)


def gld_precision(X, mean, cov):
    d = X - mean
    return -0.5 * (np.sum(d @ cov * d, axis=1) + np.log(np.linalg.det(cov))
                   + X.shape[1] * np.log(2 * np.pi))


def gld_no_det(X, mean, cov):
    d = X - mean
    return -0.5 * (np.sum(d @ np.linalg.inv(cov) * d, axis=1) + X.shape[1] * np.log(2 * np.pi))


def gld_det_not_log(X, mean, cov):
    d = X - mean
    return -0.5 * (np.sum(d @ np.linalg.inv(cov) * d, axis=1) + np.linalg.det(cov)
                   + X.shape[1] * np.log(2 * np.pi))


def gld_no_2pi(X, mean, cov):
    return gaussian_log_density(X, mean, cov) + 0.5 * X.shape[1] * np.log(2 * np.pi)


def gld_one_2pi(X, mean, cov):
    return gaussian_log_density(X, mean, cov) + 0.5 * (X.shape[1] - 1) * np.log(2 * np.pi)


def gld_density(X, mean, cov):
    return multivariate_normal(mean, cov).pdf(X).reshape(-1)


def gld_column(X, mean, cov):
    return gaussian_log_density(X, mean, cov)[:, None, None]


def gld_2d_normaliser(X, mean, cov):
    d = X - mean
    return (-0.5 * (np.sum(d @ np.linalg.inv(cov) * d, axis=1) + np.linalg.slogdet(cov)[1])
            - np.log(2 * np.pi))


# m_step (D dimensions)
def md_weights_N_k(X, r):
    w, m, c = m_step(X, r)
    return r.sum(axis=0), m, c


def md_means_over_N(X, r):
    w, m, c = m_step(X, r)
    return w, r.T @ X / len(X), c


def md_covs_over_N(X, r):
    w, m, c = m_step(X, r)
    return w, m, c * r.sum(axis=0)[:, None, None] / len(X)


def md_np_cov_default(X, r):
    w, m, c = m_step(X, r)
    D = X.shape[1]
    return w, m, np.array([np.cov(X.T, aweights=r[:, k]).reshape(D, D) for k in range(r.shape[1])])


def md_diagonal(X, r):
    w, m, c = m_step(X, r)
    N_k = r.sum(axis=0)
    var = np.array([(r[:, k, None] * (X - m[k]) ** 2).sum(axis=0) / N_k[k]
                    for k in range(r.shape[1])])
    return w, m, np.array([np.diag(v) for v in var])


def md_means_transposed(X, r):
    w, m, c = m_step(X, r)
    return w, m.T, c


def md_order(X, r):
    w, m, c = m_step(X, r)
    return m, w, c


def md_unweighted_covs(X, r):
    w, m, c = m_step(X, r)
    return w, m, np.array([(X - m[k]).T @ (X - m[k]) / len(X) for k in range(r.shape[1])])


def md_cov_around_xbar(X, r):
    w, m, c = m_step(X, r)
    d = X - X.mean(axis=0)
    return w, m, np.array([(r[:, k, None] * d).T @ d / r[:, k].sum() for k in range(r.shape[1])])


def md_cov_around_shifted(X, r):
    w, m, c = m_step(X, r)
    covs = []
    for k in range(r.shape[1]):
        d = X - (m[k] + 0.3 * (k + 1))
        covs.append((r[:, k, None] * d).T @ d / r[:, k].sum())
    return w, m, np.array(covs)


# ellipse_axes
def ea_eigenvalues(cov):
    values, vectors = np.linalg.eigh(cov)
    return values[::-1], ellipse_axes(cov)[1]


def ea_widths(cov):
    radii, angle = ellipse_axes(cov)
    return 2 * radii, angle


def ea_minor_first(cov):
    values, vectors = np.linalg.eigh(cov)
    angle = np.degrees(np.arctan2(vectors[1, 0], vectors[0, 0]))
    if angle <= -90:
        angle += 180
    elif angle > 90:
        angle -= 180
    return np.sqrt(values[::-1]), angle


def ea_radii_ascending(cov):
    radii, angle = ellipse_axes(cov)
    return radii[::-1], angle


def ea_row(cov):
    values, vectors = np.linalg.eig(cov)
    k = np.argmax(values)
    angle = np.degrees(np.arctan2(vectors[k, 1], vectors[k, 0]))
    if angle <= -90:
        angle += 180
    elif angle > 90:
        angle -= 180
    return np.sqrt(np.sort(values)[::-1]), angle


def ea_radians(cov):
    radii, angle = ellipse_axes(cov)
    return radii, np.radians(angle)


def ea_unfolded(cov):
    values, vectors = np.linalg.eigh(cov)
    return np.sqrt(values[::-1]), np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1])) + 180


def ea_eig_unsorted(cov):
    values, vectors = np.linalg.eig(cov)
    v = vectors[:, np.argmax(values)]
    angle = np.degrees(np.arctan2(v[1], v[0]))
    if angle <= -90:
        angle += 180
    elif angle > 90:
        angle -= 180
    return np.sqrt(values), angle


# kmeans_assign, kmeans_update
def ka_argmax(X, C):
    return np.argmax(((X[:, None] - C[None]) ** 2).sum(axis=2), axis=1)


def ka_one_based(X, C):
    return kmeans_assign(X, C) + 1


def ka_manhattan(X, C):
    return np.abs(X[:, None] - C[None]).sum(axis=2).argmin(axis=1)


def ka_not_squared(X, C):
    return (X[:, None] - C[None]).sum(axis=2).argmin(axis=1)


def ka_distances(X, C):
    return ((X[:, None] - C[None]) ** 2).sum(axis=2)


def ka_wrong_axis(X, C):
    return ((X[:, None] - C[None]) ** 2).sum(axis=1).argmin(axis=1)


def ka_fractional(X, C):
    return kmeans_assign(X, C) + 0.5


def ka_min(X, C):
    return ((X[:, None] - C[None]) ** 2).sum(axis=2).min(axis=1)


def ka_min_cdist(X, C):
    return cdist(X, C).min(axis=1)


def ku_all_mean(X, labels, K):
    return np.tile(X.mean(axis=0), (K, 1))


def ku_sums(X, labels, K):
    return np.array([X[labels == k].sum(axis=0) for k in range(K)])


def ku_over_N(X, labels, K):
    return np.array([X[labels == k].sum(axis=0) / len(X) for k in range(K)])


def ku_transposed(X, labels, K):
    return kmeans_update(X, labels, K).T


def ku_median(X, labels, K):
    return np.array([np.median(X[labels == k], axis=0) for k in range(K)])


def ku_one_based(X, labels, K):
    return np.array([X[labels == k + 1].mean(axis=0) for k in range(K)])


# n_parameters
def np_K_weights(K, D, t):
    return n_parameters(K, D, t) + 1


def np_D_squared(K, D, t):
    return n_parameters(K, D, t) + {"full": K, "tied": 1}.get(t, 0) * (D * D - D * (D + 1) // 2)


def np_ignores_type(K, D, t):
    return n_parameters(K, D, "full")


def np_no_means(K, D, t):
    return n_parameters(K, D, t) - K * D


def np_only_full(K, D, t):
    if t != "full":
        raise ValueError(f"unknown covariance_type {t!r}")
    return n_parameters(K, D, t)


def np_float_half(K, D, t):
    return n_parameters(K, D, t) + 0.5


def np_off_diagonal(K, D, t):
    return n_parameters(K, D, t) - {"full": K, "tied": 1}.get(t, 0) * D


# bic
def bic_aic(ll, p, n):
    return -2 * ll + 2 * p


def bic_flipped(ll, p, n):
    return 2 * ll - p * np.log(n)


def bic_log10(ll, p, n):
    return -2 * ll + p * np.log10(n)


def bic_no_2(ll, p, n):
    return -ll + p * np.log(n)


def bic_times_n(ll, p, n):
    return -2 * ll * n + p * np.log(n)


# lower_bound_1d
def lb_naive_0log0(x, w, m, v, q):
    a = _log_joint(x, w, m, v)
    return np.sum(q * (a - np.log(q)))


def lb_underflow(x, w, m, v, q):
    a = np.log(w * norm.pdf(x[:, None], m, np.sqrt(v)))
    return np.sum(np.where(q > 0, q * a, 0.0)) - np.sum(xlogy(q, q))


def lb_no_entropy(x, w, m, v, q):
    return np.sum(q * _log_joint(x, w, m, v))


def lb_entropy_sign(x, w, m, v, q):
    return np.sum(q * _log_joint(x, w, m, v)) + np.sum(xlogy(q, q))


def lb_log_likelihood(x, w, m, v, q):
    return log_likelihood_1d(x, w, m, v)


def lb_mean(x, w, m, v, q):
    return lower_bound_1d(x, w, m, v, q) / len(x)


def lb_per_point(x, w, m, v, q):
    return (q * _log_joint(x, w, m, v) - xlogy(q, q)).sum(axis=1)


def lb_missing_weights(x, w, m, v, q):
    return np.sum(q * norm.logpdf(x[:, None], m, np.sqrt(v))) - np.sum(xlogy(q, q))


# posterior_gap_1d
def gap_log_of_r(x, w, m, v, q):
    r = responsibilities_1d(x, w, m, v)
    return np.sum(xlogy(q, q)) - np.sum(np.where(q > 0, q * np.log(r), 0.0))


def gap_reversed(x, w, m, v, q):
    r = responsibilities_1d(x, w, m, v)
    return np.sum(xlogy(r, r)) - np.sum(r * np.log(q))


def gap_0log0(x, w, m, v, q):
    log_r = _logsoftmax(_log_joint(x, w, m, v))
    return np.sum(q * (np.log(q) - log_r))


def gap_negative(x, w, m, v, q):
    return -posterior_gap_1d(x, w, m, v, q)


def gap_mean(x, w, m, v, q):
    return posterior_gap_1d(x, w, m, v, q) / len(x)


def gap_missing_weights(x, w, m, v, q):
    log_r = _logsoftmax(norm.logpdf(x[:, None], m, np.sqrt(v)))
    return np.sum(xlogy(q, q)) - np.sum(np.where(q > 0, q * log_r, 0.0))


def gap_no_entropy(x, w, m, v, q):
    return log_likelihood_1d(x, w, m, v) - np.sum(q * _log_joint(x, w, m, v))


def gap_per_point(x, w, m, v, q):
    log_r = _logsoftmax(_log_joint(x, w, m, v))
    return (xlogy(q, q) - np.where(q > 0, q * log_r, 0.0)).sum(axis=1)


# kmeanspp_probabilities, match_by_means
def kpp_not_squared(X, C):
    d = np.sqrt(((X[:, None] - C[None]) ** 2).sum(axis=2)).min(axis=1)
    return d / d.sum()


def kpp_not_divided(X, C):
    return ((X[:, None] - C[None]) ** 2).sum(axis=2).min(axis=1)


def kpp_first_centre(X, C):
    d2 = ((X - C[0]) ** 2).sum(axis=1)
    return d2 / d2.sum()


def kpp_sum_over_centres(X, C):
    d2 = ((X[:, None] - C[None]) ** 2).sum(axis=2).sum(axis=1)
    return d2 / d2.sum()


def kpp_per_centre(X, C):
    d2 = ((X[:, None] - C[None]) ** 2).sum(axis=2)
    return d2 / d2.sum()


def kpp_manhattan(X, C):
    d = np.abs(X[:, None] - C[None]).sum(axis=2).min(axis=1)
    return d ** 2 / (d ** 2).sum()


def kpp_manhattan_as_d2(X, C):
    d = np.abs(X[:, None] - C[None]).sum(axis=2).min(axis=1)
    return d / d.sum()


def kpp_summed_then_squared(X, C):
    d2 = ((X[:, None] - C[None]).sum(axis=2) ** 2).min(axis=1)
    return d2 / d2.sum()


def mbm_inverse(a, b):
    return np.argsort(match_by_means(a, b))


def mbm_greedy(a, b):
    free, perm = list(range(len(b))), []
    for k in range(len(a)):
        j = min(free, key=lambda j: ((a[k] - b[j]) ** 2).sum())
        perm.append(j)
        free.remove(j)
    return perm


def mbm_nearest_each(a, b):
    return ((a[:, None] - b[None]) ** 2).sum(axis=2).argmin(axis=1)


def mbm_distance(a, b):
    return linear_sum_assignment(cdist(a, b))[1]


def mbm_one_based(a, b):
    return match_by_means(a, b) + 1


def mbm_sort_by_x(a, b):
    return np.argsort(b[:, 0])[np.argsort(np.argsort(a[:, 0]))]


# spike_log_density
def spike_sigma_for_variance(s):
    return -0.5 * np.log(2 * np.pi * s)


def spike_naive(s):
    return -0.5 * np.log(2 * np.pi * s ** 2)


def spike_no_2pi(s):
    return -np.log(s)


def spike_density(s):
    return norm.pdf(0.0, 0.0, s)


def spike_positive(s):
    return np.log(s) + 0.5 * np.log(2 * np.pi)


def spike_string(s):
    return f"{spike_log_density(s):.3f}"


def spike_log_of_pdf(s):
    return np.log(norm.pdf(0.0, 0.0, s))


def spike_2pi_not_halved(s):
    return -np.log(s) - np.log(2 * np.pi)


# regularised_variance_1d, map_variance_1d
def rv_no_eps(x, r, eps):
    return regularised_variance_1d(x, r, 0.0)


def rv_eps_inside(x, r, eps):
    N_k = r.sum()
    mu = r @ x / N_k
    return (r @ (x - mu) ** 2 + eps) / N_k


def rv_eps_on_std(x, r, eps):
    return (np.sqrt(regularised_variance_1d(x, r, 0.0)) + eps) ** 2


def rv_over_N(x, r, eps):
    mu = r @ x / r.sum()
    return r @ (x - mu) ** 2 / len(x) + eps


def rv_bessel(x, r, eps):
    N_k = r.sum()
    mu = r @ x / N_k
    return r @ (x - mu) ** 2 / (N_k - 1) + eps


def rv_np_cov_default(x, r, eps):
    return np.cov(x, aweights=r) + eps


def rv_floor(x, r, eps):
    return max(regularised_variance_1d(x, r, 0.0), eps)


def mv_no_2(x, r, psi, nu):
    return map_variance_1d(x, r, psi, nu) * (r.sum() + nu + 2) / (r.sum() + nu)


def mv_no_psi(x, r, psi, nu):
    return map_variance_1d(x, r, 0.0, nu)


def mv_mean_scatter(x, r, psi, nu):
    N_k = r.sum()
    mu = r @ x / N_k
    return (r @ (x - mu) ** 2 / N_k + psi) / (N_k + nu + 2)


def mv_plain_mean(x, r, psi, nu):
    N_k = r.sum()
    return (r @ (x - x.mean()) ** 2 + psi) / (N_k + nu + 2)


def mv_half_psi(x, r, psi, nu):
    return map_variance_1d(x, r, psi / 2, nu)


def mv_posterior_mean(x, r, psi, nu):
    N_k = r.sum()
    mu = r @ x / N_k
    return (r @ (x - mu) ** 2 + psi) / (N_k + nu - 2)


# soft_assign
def sa_naive(X, C, s):
    p = np.exp(-((X[:, None] - C[None]) ** 2).sum(axis=2) / (2 * s ** 2))
    return p / p.sum(axis=1, keepdims=True)


def sa_sigma(X, C, s):
    return softmax(-((X[:, None] - C[None]) ** 2).sum(axis=2) / (2 * s), axis=1)


def sa_distance(X, C, s):
    return softmax(-cdist(X, C) / (2 * s ** 2), axis=1)


def sa_unnormalised(X, C, s):
    return np.exp(-((X[:, None] - C[None]) ** 2).sum(axis=2) / (2 * s ** 2))


def sa_plus(X, C, s):
    return softmax(((X[:, None] - C[None]) ** 2).sum(axis=2) / (2 * s ** 2), axis=1)


def sa_transposed(X, C, s):
    return soft_assign(X, C, s).T


# total_log_likelihood
def tll_score(gm, X):
    return gm.score(X)


def tll_log_of_total(gm, X):
    return np.log(np.exp(gm.score_samples(X)).sum())


def tll_densities(gm, X):
    return np.exp(gm.score_samples(X)).sum()


def tll_negative(gm, X):
    return -gm.score_samples(X).sum()


def tll_lower_bound(gm, X):
    return gm.lower_bound_ * len(X)


def tll_per_point(gm, X):
    return gm.score_samples(X)


def tll_refit(gm, X):
    return gm.fit(X).score_samples(X).sum()


def tll_no_weights(gm, X):
    covs = gm.covariances_
    if gm.covariance_type == "diag":
        covs = [np.diag(c) for c in covs]
    dens = np.column_stack([multivariate_normal(gm.means_[k], covs[k]).pdf(X).reshape(-1)
                            for k in range(len(gm.means_))])
    return np.log(dens.sum(axis=1)).sum()


WRONG = [
    ("responsibilities_1d", resp_naive, "underflow"),
    ("responsibilities_1d", resp_nan_to_uniform, "underflow"),
    ("responsibilities_1d", resp_missing_weights, "missing_weights"),
    ("responsibilities_1d", resp_variance_as_scale, "std_for_variance"),
    ("responsibilities_1d", resp_std_as_variance, "std_for_variance"),
    ("responsibilities_1d", resp_no_normaliser, "missing_normaliser"),
    ("responsibilities_1d", resp_unnormalised, "not_normalised"),
    ("responsibilities_1d", resp_columns, "not_normalised"),
    ("responsibilities_1d", resp_half, "not_normalised"),
    ("responsibilities_1d", resp_transposed, "shape"),
    ("responsibilities_1d", resp_other, "other"),
    ("m_step_1d", m1_weights_N_k, "not_normalised"),
    ("m_step_1d", m1_plain_means, "unweighted"),
    ("m_step_1d", m1_means_over_N, "unweighted"),
    ("m_step_1d", m1_variances_over_N, "unweighted"),
    ("m_step_1d", m1_variances_unweighted, "unweighted"),
    ("m_step_1d", m1_np_cov_default, "unbiased"),
    ("m_step_1d", m1_bessel, "unbiased"),
    ("m_step_1d", m1_std, "std_for_variance"),
    ("m_step_1d", m1_order, "wrong_order"),
    ("m_step_1d", m1_two_values, "shape"),
    ("m_step_1d", m1_partial, "not_attempted"),
    ("m_step_1d", m1_var_around_xbar, "old_mean"),
    ("m_step_1d", m1_var_around_shifted, "old_mean"),
    ("log_likelihood_1d", ll_naive, "underflow"),
    ("log_likelihood_1d", ll_log_of_total, "log_of_total"),
    ("log_likelihood_1d", ll_mean, "mean_not_sum"),
    ("log_likelihood_1d", ll_per_point, "not_total"),
    ("log_likelihood_1d", ll_negative, "wrong_sign"),
    ("log_likelihood_1d", ll_missing_weights, "missing_weights"),
    ("log_likelihood_1d", ll_variance_as_scale, "std_for_variance"),
    ("log_likelihood_1d", ll_no_2pi, "missing_normaliser"),
    ("log_likelihood_1d", ll_logs_added, "log_inside_sum"),
    ("em_iteration_1d", em_naive, "underflow"),
    ("em_iteration_1d", em_old_mean, "old_mean"),
    ("em_iteration_1d", em_weights_given, "unchanged"),
    ("em_iteration_1d", em_means_given, "unchanged"),
    ("em_iteration_1d", em_missing_weights, "missing_weights"),
    ("em_iteration_1d", em_variance_as_scale, "std_for_variance"),
    ("em_iteration_1d", em_unchanged, "unchanged"),
    ("em_iteration_1d", em_weights_N_k, "not_normalised"),
    ("em_iteration_1d", em_std, "std_for_variance"),
    ("em_iteration_1d", em_order, "wrong_order"),
    ("em_iteration_1d", em_variances_over_N, "unweighted"),
    ("gaussian_log_density", gld_naive, "underflow"),
    ("gaussian_log_density", gld_precision, "precision_for_covariance"),
    ("gaussian_log_density", gld_no_det, "missing_determinant"),
    ("gaussian_log_density", gld_det_not_log, "missing_determinant"),
    ("gaussian_log_density", gld_no_2pi, "missing_normaliser"),
    ("gaussian_log_density", gld_one_2pi, "missing_normaliser"),
    ("gaussian_log_density", gld_density, "density_not_log"),
    ("gaussian_log_density", gld_column, "shape"),
    ("gaussian_log_density", gld_2d_normaliser, "missing_normaliser"),
    ("m_step", md_weights_N_k, "not_normalised"),
    ("m_step", md_means_over_N, "unweighted"),
    ("m_step", md_covs_over_N, "unweighted"),
    ("m_step", md_unweighted_covs, "unweighted"),
    ("m_step", md_np_cov_default, "unbiased"),
    ("m_step", md_diagonal, "diagonal_only"),
    ("m_step", md_means_transposed, "shape"),
    ("m_step", md_order, "wrong_order"),
    ("m_step", md_cov_around_xbar, "old_mean"),
    ("m_step", md_cov_around_shifted, "old_mean"),
    ("ellipse_axes", ea_eigenvalues, "eigenvalues_for_radii"),
    ("ellipse_axes", ea_widths, "diameters"),
    ("ellipse_axes", ea_minor_first, "minor_axis"),
    ("ellipse_axes", ea_radii_ascending, "minor_axis"),
    ("ellipse_axes", ea_row, "eigenvector_row"),
    ("ellipse_axes", ea_radians, "radians"),
    ("ellipse_axes", ea_unfolded, "angle_range"),
    ("ellipse_axes", ea_eig_unsorted, "minor_axis"),
    ("kmeans_assign", ka_argmax, "farthest"),
    ("kmeans_assign", ka_one_based, "off_by_one"),
    ("kmeans_assign", ka_manhattan, "wrong_distance"),
    ("kmeans_assign", ka_not_squared, "wrong_distance"),
    ("kmeans_assign", ka_wrong_axis, "wrong_distance"),
    ("kmeans_assign", ka_distances, "shape"),
    ("kmeans_assign", ka_fractional, "wrong_type"),
    ("kmeans_assign", ka_min, "wrong_type"),
    ("kmeans_assign", ka_min_cdist, "wrong_type"),
    ("kmeans_update", ku_all_mean, "unweighted"),
    ("kmeans_update", ku_sums, "not_normalised"),
    ("kmeans_update", ku_over_N, "unweighted"),
    ("kmeans_update", ku_median, "unweighted"),
    ("kmeans_update", ku_transposed, "shape"),
    ("kmeans_update", ku_one_based, "off_by_one"),
    ("n_parameters", np_K_weights, "wrong_count"),
    ("n_parameters", np_D_squared, "wrong_count"),
    ("n_parameters", np_ignores_type, "wrong_count"),
    ("n_parameters", np_no_means, "wrong_count"),
    ("n_parameters", np_only_full, "raises"),
    ("n_parameters", np_float_half, "wrong_type"),
    ("n_parameters", np_off_diagonal, "wrong_count"),
    ("bic", bic_aic, "wrong_penalty"),
    ("bic", bic_flipped, "wrong_penalty"),
    ("bic", bic_log10, "wrong_penalty"),
    ("bic", bic_no_2, "wrong_penalty"),
    ("bic", bic_times_n, "mean_not_sum"),
    ("lower_bound_1d", lb_naive_0log0, "zero_log_zero"),
    ("lower_bound_1d", lb_underflow, "underflow"),
    ("lower_bound_1d", lb_no_entropy, "missing_entropy"),
    ("lower_bound_1d", lb_entropy_sign, "wrong_sign"),
    ("lower_bound_1d", lb_log_likelihood, "ignores_q"),
    ("lower_bound_1d", lb_mean, "mean_not_sum"),
    ("lower_bound_1d", lb_per_point, "not_total"),
    ("lower_bound_1d", lb_missing_weights, "missing_weights"),
    ("posterior_gap_1d", gap_log_of_r, "underflow"),
    ("posterior_gap_1d", gap_reversed, "reversed_kl"),
    ("posterior_gap_1d", gap_0log0, "zero_log_zero"),
    ("posterior_gap_1d", gap_negative, "wrong_sign"),
    ("posterior_gap_1d", gap_mean, "mean_not_sum"),
    ("posterior_gap_1d", gap_missing_weights, "missing_weights"),
    ("posterior_gap_1d", gap_no_entropy, "missing_entropy"),
    ("posterior_gap_1d", gap_per_point, "not_total"),
    ("kmeanspp_probabilities", kpp_not_squared, "distance_not_squared"),
    ("kmeanspp_probabilities", kpp_not_divided, "not_normalised"),
    ("kmeanspp_probabilities", kpp_first_centre, "not_nearest"),
    ("kmeanspp_probabilities", kpp_sum_over_centres, "not_nearest"),
    ("kmeanspp_probabilities", kpp_per_centre, "shape"),
    ("kmeanspp_probabilities", kpp_manhattan, "wrong_distance"),
    ("kmeanspp_probabilities", kpp_manhattan_as_d2, "wrong_distance"),
    ("kmeanspp_probabilities", kpp_summed_then_squared, "wrong_distance"),
    ("match_by_means", mbm_inverse, "inverse_permutation"),
    ("match_by_means", mbm_greedy, "greedy"),
    ("match_by_means", mbm_nearest_each, "not_permutation"),
    ("match_by_means", mbm_distance, "distance_not_squared"),
    ("match_by_means", mbm_one_based, "off_by_one"),
    ("match_by_means", mbm_sort_by_x, "wrong_distance"),
    ("spike_log_density", spike_sigma_for_variance, "std_for_variance"),
    ("spike_log_density", spike_naive, "underflow"),
    ("spike_log_density", spike_no_2pi, "missing_normaliser"),
    ("spike_log_density", spike_density, "density_not_log"),
    ("spike_log_density", spike_positive, "wrong_sign"),
    ("spike_log_density", spike_string, "wrong_type"),
    ("spike_log_density", spike_log_of_pdf, "underflow"),
    ("spike_log_density", spike_2pi_not_halved, "missing_normaliser"),
    ("regularised_variance_1d", rv_no_eps, "wrong_regularisation"),
    ("regularised_variance_1d", rv_eps_inside, "wrong_regularisation"),
    ("regularised_variance_1d", rv_eps_on_std, "std_for_variance"),
    ("regularised_variance_1d", rv_over_N, "unweighted"),
    ("regularised_variance_1d", rv_bessel, "unbiased"),
    ("regularised_variance_1d", rv_np_cov_default, "unbiased"),
    ("regularised_variance_1d", rv_floor, "wrong_regularisation"),
    ("map_variance_1d", mv_no_2, "wrong_prior"),
    ("map_variance_1d", mv_no_psi, "wrong_prior"),
    ("map_variance_1d", mv_mean_scatter, "mean_not_sum"),
    ("map_variance_1d", mv_plain_mean, "unweighted"),
    ("map_variance_1d", mv_half_psi, "wrong_prior"),
    ("map_variance_1d", mv_posterior_mean, "wrong_prior"),
    ("soft_assign", sa_naive, "underflow"),
    ("soft_assign", sa_sigma, "std_for_variance"),
    ("soft_assign", sa_distance, "distance_not_squared"),
    ("soft_assign", sa_unnormalised, "not_normalised"),
    ("soft_assign", sa_plus, "wrong_sign"),
    ("soft_assign", sa_transposed, "shape"),
    ("total_log_likelihood", tll_score, "mean_not_sum"),
    ("total_log_likelihood", tll_log_of_total, "log_of_total"),
    ("total_log_likelihood", tll_densities, "density_not_log"),
    ("total_log_likelihood", tll_negative, "wrong_sign"),
    ("total_log_likelihood", tll_lower_bound, "training_value"),
    ("total_log_likelihood", tll_per_point, "not_total"),
    ("total_log_likelihood", tll_refit, "input_modified"),
    ("total_log_likelihood", tll_no_weights, "missing_weights"),
]


@pytest.mark.parametrize("name,func,code", WRONG,
                         ids=[f"{n}-{f.__name__}-{c}" for n, f, c in WRONG])
def test_each_mistake_is_named(name, func, code):
    feedback = check(name, func)
    assert not feedback.passed
    assert feedback.mistake == code, feedback
    assert feedback.mistake in MISTAKES
    assert feedback.exercise == name
    assert "could not judge" not in feedback.message
    assert feedback.message[-1] == "."


def test_messages_name_case_point_component_expected_and_got():
    feedback = check("responsibilities_1d", resp_missing_weights)
    message = feedback.message
    assert message.startswith("your rows sum to 1 but the weights π_k are missing: in case 2 "
                              "(unequal weights 0.7/0.2/0.1), point ")
    assert ", component " in message and "expected " in message and ", got " in message
    assert "Multiply each density by its weight π_k" in message
    other = check("responsibilities_1d", resp_other).message
    assert "in case 1 (three components with equal weights), point 0 (x_0 = -3.1), component "\
        in other and "the formula" in other


# What each message says, where a code alone does not tell the diagnosis apart.
MESSAGES = [
    ("m_step_1d", m1_var_around_xbar, "around the mean of all the points, x̄"),
    ("m_step_1d", m1_var_around_shifted, "every variance is too large"),
    ("m_step_1d", m1_plain_means, "every μ_k is the plain mean of all the points"),
    ("em_iteration_1d", em_weights_given, "your weights are the given π_k"),
    ("em_iteration_1d", em_means_given, "your means are the given μ_k"),
    ("gaussian_log_density", gld_2d_normaliser, "the 2-D one, log 2π"),
    ("m_step", md_cov_around_xbar, "X.mean(axis=0)"),
    ("m_step", md_cov_around_shifted, "around other means than the new μ_k"),
    ("kmeanspp_probabilities", kpp_manhattan, "|Δx| + |Δy|"),
    ("kmeanspp_probabilities", kpp_summed_then_squared, "before squaring them"),
    ("match_by_means", mbm_sort_by_x, "in case 4 (2-D, three components where sorting by the "
                                      "first coordinate"),
    ("ellipse_axes", ea_eig_unsorted, "eig does not sort the eigenvalues, np.linalg.eigh sorts "
                                      "them ascending"),
    ("ellipse_axes", ea_row, "as the columns"),
    ("kmeans_update", ku_one_based, "centre K−1 = 2 is NaN: no point has label K = 3"),
    ("regularised_variance_1d", rv_np_cov_default, "bias=True"),
    ("regularised_variance_1d", rv_floor, "max(σ², ε) is a floor; reg_covar adds ε to every "
                                          "variance"),
    ("regularised_variance_1d", rv_eps_inside, "so that every variance gets ε"),
    ("map_variance_1d", mv_half_psi, "Ψ/2"),
    ("map_variance_1d", mv_posterior_mean, "posterior mean"),
    ("spike_log_density", spike_log_of_pdf, "in case 6 (σ = 1e-310"),
    ("spike_log_density", spike_2pi_not_halved, "the ½ in front of it is missing"),
    ("spike_log_density", spike_naive, "σ² underflows to 0 for σ = 1e-200"),
    ("total_log_likelihood", tll_no_weights, "Σ_i log Σ_k N(x_i∣μ_k,Σ_k)"),
    ("n_parameters", np_off_diagonal, "or only the D(D−1)/2 entries off the diagonal"),
    ("kmeans_assign", ka_min, "that is a distance, not an index. Use argmin"),
]


@pytest.mark.parametrize("name,func,text", MESSAGES,
                         ids=[f"{n}-{f.__name__}" for n, f, _ in MESSAGES])
def test_messages_say_what_was_done(name, func, text):
    feedback = check(name, func)
    assert not feedback.passed
    assert text in feedback.message, feedback


def test_eigh_rows_are_its_columns_in_2d():
    """Why a row of eigh's eigenvector matrix cannot be told from a column in 2-D: LAPACK
    returns a symmetric V there, so only eig's rows are caught (ea_row)."""
    for cov in ([[3.0, 1.0], [1.0, 2.0]], [[2.0, -1.2], [-1.2, 1.0]], [[1.0, 0.8], [0.8, 1.0]]):
        vectors = np.linalg.eigh(np.array(cov))[1]
        assert np.allclose(vectors, vectors.T)


def test_every_mistake_code_is_produced_somewhere():
    produced = {code for _, _, code in WRONG} | {"raises", "input_modified", "not_attempted"}
    assert produced == set(MISTAKES), sorted(set(MISTAKES) ^ produced)
    assert all(isinstance(v, str) and v and "\n" not in v for v in MISTAKES.values())


# ===========================================================================
# What every checker does whatever the exercise


def skeleton_ellipsis(*args):
    ...


def skeleton_pass(*args):
    pass


def skeleton_none(*args):
    return None


def skeleton_tuple(*args):
    return ..., ..., ...


def skeleton_not_implemented(*args):
    raise NotImplementedError


@pytest.mark.parametrize("name", sorted(CORRECT))
@pytest.mark.parametrize("skeleton", [skeleton_ellipsis, skeleton_pass, skeleton_none,
                                      skeleton_tuple, skeleton_not_implemented],
                         ids=lambda f: f.__name__)
def test_skeletons_are_not_attempted(name, skeleton):
    feedback = check(name, skeleton)
    assert feedback.mistake == "not_attempted"
    assert feedback.message == ("Not attempted yet: fill in the function body, then run this "
                                "cell again.")
    assert str(feedback) == f"✘ {name} — not_attempted: {feedback.message}"


def test_a_partly_filled_answer_is_not_finished():
    feedback = check("m_step_1d", m1_partial)
    assert feedback.message.startswith("Not finished yet")
    assert "the means μ_k and the variances σ_k²" in feedback.message


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_a_raising_function_gets_raises(name):
    def broken(*args):
        raise ValueError("operands could not be broadcast together")

    feedback = check(name, broken)
    assert feedback.mistake == "raises"
    assert "ValueError: operands could not be broadcast together" in feedback.message
    assert "in case 1" in feedback.message and "line" in feedback.message
    assert f"{name}(" in feedback.message  # how the checker calls it


@pytest.mark.parametrize("name", sorted(set(CORRECT) - {"spike_log_density", "n_parameters",
                                                          "bic"}))
def test_a_function_that_modifies_its_input_gets_input_modified(name):
    reference = REFERENCE[name]

    def modifying(*args):
        answer = reference(*[np.array(a) if isinstance(a, np.ndarray) else a for a in args])
        target = next(a for a in args if isinstance(a, np.ndarray))
        target.flat[0] += 1.0
        return answer

    feedback = check(name, modifying)
    assert feedback.mistake == "input_modified", feedback
    assert "`" in feedback.message and "case 1" in feedback.message


def _like(value, fill):
    """The same structure as a right answer, every number replaced by fill."""
    if isinstance(value, tuple):
        return tuple(np.full(np.shape(v), fill) for v in value)
    return np.full(np.shape(value), fill)


class Unreadable:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")

    def __len__(self):
        raise RuntimeError("no length either")


def _bad_answers(reference):
    return {
        "string": lambda *a: "the answer",
        "bytes": lambda *a: b"\x00",
        "dict": lambda *a: {"r": 1},
        "object": lambda *a: object(),
        "unreadable": lambda *a: Unreadable(),
        "generator": lambda *a: (i for i in range(3)),
        "ragged": lambda *a: [[1.0, 2.0], [3.0]],
        "strings_array": lambda *a: np.array(["a", "b"]),
        "complex": lambda *a: np.array([1 + 2j, 3j]),
        "bool": lambda *a: True,
        "scalar": lambda *a: 0.5,
        "empty": lambda *a: np.array([]),
        "wrong_shape": lambda *a: np.zeros((2, 3, 4)),
        "nan": lambda *a: _like(reference(*a), np.nan),
        "inf": lambda *a: _like(reference(*a), -np.inf),
        "huge": lambda *a: _like(reference(*a), 1e308),
        "zeros": lambda *a: _like(reference(*a), 0.0),
        "negative": lambda *a: _like(reference(*a), -1.0),
        "too_many": lambda *a: (1.0,) * 7,
        "three_unreadables": lambda *a: (Unreadable(),) * 3,
        "object_array": lambda *a: _object_array([np.zeros(2), np.zeros(3), "x"]),
        "wrong_signature": lambda a: a,
        "recursion": lambda *a: _recurse(),
        "warning_storm": lambda *a: np.log(np.zeros(3)) / np.zeros(3),
    }


def _recurse():
    return _recurse()


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_no_checker_raises(name):
    for label, bad in _bad_answers(REFERENCE[name]).items():
        feedback = check(name, bad)
        assert isinstance(feedback, Feedback), label
        assert not feedback.passed, (label, feedback)
        assert feedback.mistake in MISTAKES, (label, feedback)
        assert "could not judge" not in feedback.message, (label, feedback)
        assert str(feedback) and feedback._repr_html_()


def test_no_checker_raises_for_what_is_not_a_function():
    for name, checker in EXERCISES.items():
        assert checker(None).mistake == "not_attempted"
        for thing in (np.zeros(3), 1.5, name):
            feedback = checker(thing)
            assert feedback.mistake == "wrong_type"
            assert f"check_{name}({name})" in feedback.message


def test_keyboard_interrupt_is_not_swallowed():
    def interrupted(*args):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check("bic", interrupted)


def test_numpy_error_settings_are_restored():
    before = np.geterr()
    check("responsibilities_1d", resp_naive)
    assert np.geterr() == before


def _object_array(values):
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def test_answers_in_other_containers_are_accepted():
    assert check("log_likelihood_1d", lambda *a: [log_likelihood_1d(*a)]).passed
    assert check("log_likelihood_1d", lambda *a: np.array(log_likelihood_1d(*a))).passed
    assert check("kmeans_assign", lambda X, C: tuple(kmeans_assign(X, C).tolist())).passed
    assert check("m_step_1d", lambda x, r: np.array(m_step_1d(x, r))).passed
    assert check("m_step", lambda X, r: list(m_step(X, r))).passed
    assert check("kmeanspp_probabilities",
                 lambda X, C: kmeanspp_probabilities(X, C)[None, :]).passed
    assert check("m_step", lambda X, r: _object_array(m_step(X, r))).passed
    assert check("ellipse_axes", lambda c: list(ellipse_axes(c))).passed


def test_checkers_are_deterministic():
    first = [str(check(n, f)) for n, f, _ in WRONG[::7]]
    assert first == [str(check(n, f)) for n, f, _ in WRONG[::7]]


# ===========================================================================
# Feedback


def test_feedback_shows_as_text_and_as_a_box():
    good = check("bic", bic)
    assert repr(good) == str(good) == "✔ bic: correct on all 4 cases."
    box = good._repr_html_()
    assert box.startswith("<div style=") and "#2e7d32" in box and "correct on all 4 cases." in box
    bad = check("bic", bic_aic)
    assert repr(bad) == f"✘ bic — wrong_penalty: {bad.message}"
    box = bad._repr_html_()
    assert "#c62828" in box and "<code" in box and "wrong_penalty" in box
    assert html.escape(bad.message) in box
    assert "http" not in box and "<script" not in box and "<link" not in box
    assert "#9e9e9e" in check("bic", skeleton_pass)._repr_html_()  # a neutral box


def test_feedback_escapes_html_and_is_frozen():
    feedback = Feedback(False, "other", "expected <b>1</b> & got 2", "demo")
    assert "&lt;b&gt;1&lt;/b&gt; &amp; got 2" in feedback._repr_html_()
    with pytest.raises(AttributeError):
        feedback.passed = True
    assert [f.name for f in __import__("dataclasses").fields(Feedback)] == [
        "passed", "mistake", "message", "exercise"]


# ===========================================================================
# The package stays cheap


def test_import_gmmlib_does_not_load_the_exercises():
    code = ("import sys, gmmlib; import gmmlib.exercises; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules, "
            "'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert out == ["False", "False", "False"]
    code = "import sys, gmmlib; print('gmmlib.exercises' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert out == ["False"]


def _scrambled(value):
    """A wrong answer of the right shape: numbers changed, whole numbers reordered."""
    if isinstance(value, tuple):
        return tuple(_scrambled(v) for v in value)
    arr = np.asarray(value, dtype=float)
    if np.all(arr == np.round(arr)):
        return arr + 3 if arr.ndim == 0 else arr[::-1]
    return 1.37 * arr + 0.1


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_diagnosis_runs_on_every_case(name):
    """Wrong only from the n-th case on: every case's mistakes are computed and compared."""
    reference = REFERENCE[name]
    for n in range(1, 20):
        calls = []

        def wrong_from_n(*args, n=n, calls=calls):
            calls.append(1)
            answer = reference(*args)
            return answer if len(calls) < n else _scrambled(answer)

        feedback = check(name, wrong_from_n)
        if feedback.passed:  # fewer than n cases
            assert n > 2
            break
        assert feedback.mistake in MISTAKES
        assert "could not judge" not in feedback.message
        assert f"in case {n} (" in feedback.message, feedback
