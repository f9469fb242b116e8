"""The EM core of gmmlib checked against textbook formulas, scipy and scikit-learn."""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy.stats import multivariate_normal, norm

import gmmlib
from gmmlib import (
    FitResult,
    GMMParams,
    SingularityError,
    component_log_densities,
    e_step,
    fit,
    log_likelihood,
    log_mixture_density,
    m_step,
)

# ---------------------------------------------------------------------------
# Helpers


def blobs(seed, n_points, n_features, n_clusters, separation=4.0):
    """Points from K Gaussian clusters with random centres and random shapes."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=separation, size=(n_clusters, n_features))
    shapes = np.eye(n_features) + 0.5 * rng.normal(size=(n_clusters, n_features, n_features))
    labels = rng.integers(n_clusters, size=n_points)
    noise = rng.normal(size=(n_points, n_features))
    return centres[labels] + np.einsum("nij,nj->ni", shapes[labels], noise)


def random_params(seed, n_components, n_features):
    """Valid parameters with unequal weights and correlated covariances."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.full(n_components, 2.0))
    means = rng.normal(scale=3.0, size=(n_components, n_features))
    A = rng.normal(size=(n_components, n_features, n_features))
    covariances = A @ A.transpose(0, 2, 1) + 0.5 * np.eye(n_features)
    return GMMParams(weights, means, covariances)


def scipy_weighted_densities(X, params):
    """pi_k N(x_i | mu_k, Sigma_k) computed with scipy, shape (N, K)."""
    return np.column_stack([
        w * multivariate_normal(mean=m, cov=S).pdf(X).reshape(-1)
        for w, m, S in zip(params.weights, params.means, params.covariances)
    ])


def textbook_m_step(X, resp, reg_covar, around=None):
    """The M-step written out: N_k, pi_k = N_k / N, weighted means, and weighted
    outer products around the updated means (or around ``around`` if given)."""
    N, D = X.shape
    N_k = resp.sum(axis=0)
    weights = N_k / N
    means = (resp.T @ X) / N_k[:, None]
    centres = means if around is None else around
    covariances = np.array([
        sum(resp[i, k] * np.outer(X[i] - centres[k], X[i] - centres[k]) for i in range(N)) / N_k[k]
        + reg_covar * np.eye(D)
        for k in range(resp.shape[1])
    ])
    return weights, means, covariances


def assert_params_close(got, weights, means, covariances, atol=1e-10):
    np.testing.assert_allclose(got.weights, weights, rtol=0, atol=atol)
    np.testing.assert_allclose(got.means, means, rtol=0, atol=atol)
    np.testing.assert_allclose(got.covariances, covariances, rtol=0, atol=atol)


def array_copies(params):
    return [np.array(a) for a in (params.weights, params.means, params.covariances)]


# ---------------------------------------------------------------------------
# GMMParams


def test_params_shapes_and_sizes():
    """K and D are read from the arrays, and lists are accepted."""
    params = GMMParams([0.25, 0.75], [[0.0, 1.0], [2.0, 3.0]], [np.eye(2), 2 * np.eye(2)])
    assert params.n_components == 2
    assert params.n_features == 2
    assert params.weights.shape == (2,)
    assert params.means.shape == (2, 2)
    assert params.covariances.shape == (2, 2, 2)
    assert params.weights.dtype == float


def test_from_1d_builds_one_dimensional_params():
    """from_1d(weights, means, variances) gives shapes (K,), (K, 1), (K, 1, 1)."""
    params = GMMParams.from_1d([0.2, 0.8], [-1.0, 3.0], [0.5, 4.0])
    assert params == GMMParams([0.2, 0.8], [[-1.0], [3.0]], [[[0.5]], [[4.0]]])
    assert params.n_features == 1
    np.testing.assert_array_equal(params.covariances.reshape(-1), [0.5, 4.0])


GOOD_2D = dict(
    weights=[0.5, 0.3, 0.2],
    means=[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]],
    covariances=[np.eye(2), np.eye(2), np.eye(2)],
)


def with_(**changes):
    """GOOD_2D with some entries replaced."""
    return {**GOOD_2D, **changes}


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (with_(weights=[0.6, -0.1, 0.5]), r"weights must be non-negative; weight 1 is -0\.1"),
        (with_(weights=[0.5, 0.3, 0.3]), r"weights must sum to 1; they sum to 1\.1"),
        (with_(weights=[[0.5, 0.3, 0.2]]), r"weights must have shape \(K,\)"),
        (with_(means=[[0.0, 0.0], [1.0, 1.0]]), r"means must have shape \(K, D\) = \(3, D\)"),
        (with_(means=[0.0, 1.0, 2.0]), r"means must have shape .*from_1d"),
        (with_(covariances=[np.eye(2), np.eye(2)]), r"covariances must have shape \(K, D, D\) = \(3, 2, 2\)"),
        (with_(covariances=[np.eye(3)] * 3), r"covariances must have shape"),
        (with_(weights=[0.5, np.nan, 0.5]), r"weights contains NaN or infinity"),
        (with_(means=[[0.0, 0.0], [np.inf, 1.0], [2.0, 2.0]]), r"means contains NaN or infinity"),
        (with_(covariances=[np.eye(2), np.eye(2), [[1.0, np.nan], [np.nan, 1.0]]]),
         r"covariances contains NaN or infinity"),
        (with_(covariances=[np.eye(2), [[1.0, 0.5], [0.0, 1.0]], np.eye(2)]),
         r"covariance of component 1 is not symmetric"),
        (with_(covariances=[np.eye(2), np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]),
         r"covariance of component 2 is not positive definite"),
        (with_(covariances=[np.eye(2), np.zeros((2, 2)), np.eye(2)]),
         r"covariance of component 1 is not positive definite"),
        (with_(weights="abc"), r"weights must be an array of real numbers"),
    ],
    ids=[
        "negative-weight", "weights-sum", "weights-2d", "means-K", "means-1d", "cov-K", "cov-D",
        "nan-weight", "inf-mean", "nan-cov", "not-symmetric", "not-pd", "zero-cov", "not-numbers",
    ],
)
def test_invalid_params_raise_value_error_naming_the_problem(kwargs, match):
    """Every way of building invalid parameters is a ValueError saying what is wrong."""
    with pytest.raises(ValueError, match=match):
        GMMParams(**kwargs)


def test_from_1d_negative_variance_names_the_component():
    """A non-positive variance is reported with its component index."""
    with pytest.raises(ValueError, match=r"component 1 is not positive definite"):
        GMMParams.from_1d([0.5, 0.5], [0.0, 1.0], [1.0, -1.0])


def test_params_copy_the_callers_arrays_and_are_read_only():
    """Changing the caller's arrays afterwards does not change the params,
    and the params' own arrays cannot be written to."""
    weights = np.array([0.5, 0.5])
    means = np.array([[0.0], [1.0]])
    covariances = np.array([[[1.0]], [[2.0]]])
    params = GMMParams(weights, means, covariances)
    weights[0], means[0, 0], covariances[1, 0, 0] = 99.0, 99.0, 99.0
    np.testing.assert_array_equal(params.weights, [0.5, 0.5])
    np.testing.assert_array_equal(params.means, [[0.0], [1.0]])
    np.testing.assert_array_equal(params.covariances, [[[1.0]], [[2.0]]])
    for a in (params.weights, params.means, params.covariances):
        assert not a.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 0.0


def test_from_1d_copies_too():
    """from_1d reshapes the caller's arrays; the params must still own copies."""
    means = np.array([0.0, 1.0])
    variances = np.array([1.0, 2.0])
    params = GMMParams.from_1d([0.5, 0.5], means, variances)
    means[:] = 7.0
    variances[:] = 7.0
    np.testing.assert_array_equal(params.means.reshape(-1), [0.0, 1.0])
    np.testing.assert_array_equal(params.covariances.reshape(-1), [1.0, 2.0])


# ---------------------------------------------------------------------------
# Densities and the log-likelihood


@pytest.mark.parametrize("D, K", [(1, 1), (2, 3), (3, 2), (5, 4)])
def test_component_log_densities_match_scipy(D, K):
    """component_log_densities is scipy's multivariate_normal.logpdf, no weights."""
    X = blobs(seed=10 * D + K, n_points=40, n_features=D, n_clusters=K)
    params = random_params(seed=D + K, n_components=K, n_features=D)
    expected = np.column_stack([
        multivariate_normal(mean=m, cov=S).logpdf(X).reshape(-1)
        for m, S in zip(params.means, params.covariances)
    ])
    got = component_log_densities(X, params)
    assert got.shape == (40, K)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_1d_covariances_are_variances_not_standard_deviations():
    """In 1-D the density uses scale = sqrt(variance): a std/variance mix-up fails here."""
    variances = np.array([0.25, 4.0, 9.0])
    means = np.array([-2.0, 0.0, 5.0])
    params = GMMParams.from_1d([0.2, 0.5, 0.3], means, variances)
    x = np.linspace(-6.0, 9.0, 31)
    expected = norm(loc=means, scale=np.sqrt(variances)).logpdf(x[:, None])
    wrong = norm(loc=means, scale=variances).logpdf(x[:, None])
    got = component_log_densities(x, params)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert np.abs(got - wrong).max() > 1.0  # the test can tell the two apart


def test_log_mixture_density_is_log_of_weighted_sum():
    """log p(x_i) = log sum_k pi_k N(x_i | mu_k, Sigma_k), point by point."""
    X = blobs(seed=1, n_points=30, n_features=2, n_clusters=3)
    params = random_params(seed=2, n_components=3, n_features=2)
    got = log_mixture_density(X, params)
    assert got.shape == (30,)
    np.testing.assert_allclose(got, np.log(scipy_weighted_densities(X, params).sum(axis=1)), rtol=1e-10)


def test_log_likelihood_is_sum_of_logs_not_log_of_sum():
    """log_likelihood = sum_i log sum_k pi_k p_k(x_i), which is not log sum_i sum_k."""
    params = GMMParams.from_1d([0.3, 0.7], [0.0, 4.0], [1.0, 2.0])
    x = np.array([-1.0, 0.5, 3.0, 4.5, 6.0])
    dens = scipy_weighted_densities(x, params)
    expected = np.log(dens.sum(axis=1)).sum()
    classic_mistake = np.log(dens.sum())
    got = log_likelihood(x, params)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, rel=1e-12)
    assert abs(got - classic_mistake) > 1.0


# ---------------------------------------------------------------------------
# E-step


@pytest.mark.parametrize("D, K", [(1, 2), (2, 3), (4, 4)])
def test_e_step_matches_scipy_with_weights(D, K):
    """r_ik = pi_k p_k(x_i) / sum_j pi_j p_j(x_i), with the weights included."""
    X = blobs(seed=D * K, n_points=50, n_features=D, n_clusters=K, separation=2.0)
    params = random_params(seed=7 + D, n_components=K, n_features=D)
    weighted = scipy_weighted_densities(X, params)
    expected = weighted / weighted.sum(axis=1, keepdims=True)
    resp = e_step(X, params)
    assert resp.shape == (50, K)
    np.testing.assert_allclose(resp, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    # leaving the weights out gives something measurably different
    unweighted = weighted / params.weights
    assert np.abs(resp - unweighted / unweighted.sum(axis=1, keepdims=True)).max() > 1e-3


def test_e_step_accepts_1d_lists():
    """X as a plain list of N numbers is the same as an (N, 1) array."""
    params = GMMParams.from_1d([0.4, 0.6], [0.0, 3.0], [1.0, 0.5])
    x = [-1.0, 0.0, 1.5, 2.0, 3.0]
    np.testing.assert_array_equal(e_step(x, params), e_step(np.array(x)[:, None], params))


def test_far_point_is_handled_in_log_space():
    """x = 1e4 is thousands of sigmas from both unit-variance components: the
    naive ratio of densities is 0/0, gmmlib's responsibilities are finite and
    give the point to the nearer component."""
    params = GMMParams.from_1d([0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    x = np.array([1e4])
    densities = norm(loc=[0.0, 1.0], scale=1.0).pdf(x[:, None])
    with np.errstate(invalid="ignore"):
        naive = densities / densities.sum(axis=1, keepdims=True)
    assert np.all(densities == 0.0) and np.all(np.isnan(naive))

    resp = e_step(x, params)
    assert np.all(np.isfinite(resp))
    assert resp.sum() == pytest.approx(1.0, abs=1e-12)
    assert resp[0, 1] == pytest.approx(1.0, abs=1e-12)
    ll = log_likelihood(x, params)
    assert np.isfinite(ll)
    # log N(1e4 | 1, 1) + log 0.5 dominates: -0.5 * 9999**2 - 0.5 log(2 pi) + log 0.5
    assert ll == pytest.approx(-0.5 * 9999.0**2 - 0.5 * np.log(2 * np.pi) + np.log(0.5), rel=1e-12)


def test_far_point_goes_to_the_wider_component():
    """Far out in the tails the wider component wins even if it is farther away."""
    params = GMMParams.from_1d([0.5, 0.5], [0.0, 1.0], [4.0, 1.0])
    resp = e_step([1e4], params)
    assert np.all(np.isfinite(resp))
    assert resp[0, 0] == pytest.approx(1.0, abs=1e-12)
    assert np.isfinite(log_mixture_density([1e4], params)[0])


# ---------------------------------------------------------------------------
# M-step


@pytest.mark.parametrize("D, K, reg_covar", [(1, 2, 1e-6), (2, 3, 0.0), (3, 2, 0.1)])
def test_m_step_matches_textbook_formulas(D, K, reg_covar):
    """pi_k = N_k/N, weighted means, and covariances around the updated means + reg_covar*I."""
    rng = np.random.default_rng(D + K)
    X = blobs(seed=3, n_points=25, n_features=D, n_clusters=K)
    resp = rng.dirichlet(np.ones(K), size=25)
    params = m_step(X, resp, reg_covar=reg_covar)
    assert isinstance(params, GMMParams)
    assert_params_close(params, *textbook_m_step(X, resp, reg_covar))


def test_m_step_uses_the_updated_means_for_the_covariances():
    """Covariances around the *old* means would differ a lot on this example."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    old = random_params(seed=5, n_components=2, n_features=2)  # means far from the data
    resp = e_step(X, old)
    params = m_step(X, resp, reg_covar=1e-6)
    _, _, around_new = textbook_m_step(X, resp, 1e-6)
    _, _, around_old = textbook_m_step(X, resp, 1e-6, around=old.means)
    np.testing.assert_allclose(params.covariances, around_new, rtol=0, atol=1e-10)
    assert np.abs(params.covariances - around_old).max() > 1.0


def test_m_step_default_reg_covar_is_added_to_the_diagonal():
    """reg_covar (default 1e-6) is added to the diagonal, and only there."""
    X = blobs(seed=4, n_points=30, n_features=3, n_clusters=2)
    resp = np.random.default_rng(4).dirichlet(np.ones(2), size=30)
    bare = m_step(X, resp, reg_covar=0.0)
    default = m_step(X, resp)
    big = m_step(X, resp, reg_covar=0.5)
    eye = np.broadcast_to(np.eye(3), (2, 3, 3))
    np.testing.assert_allclose(default.covariances - bare.covariances, 1e-6 * eye, rtol=0, atol=1e-12)
    np.testing.assert_allclose(big.covariances - bare.covariances, 0.5 * eye, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(big.means, bare.means)


def test_m_step_with_hard_assignments_gives_cluster_statistics():
    """One-hot responsibilities: weights are cluster fractions, means and
    covariances those of each cluster (population covariance, divided by N_k)."""
    X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [10.0, 10.0], [12.0, 14.0], [9.0, 13.0], [11.0, 9.0]])
    resp = np.array([[1, 0]] * 3 + [[0, 1]] * 4)
    params = m_step(X, resp, reg_covar=0.0)
    np.testing.assert_allclose(params.weights, [3 / 7, 4 / 7])
    np.testing.assert_allclose(params.means, [X[:3].mean(axis=0), X[3:].mean(axis=0)])
    np.testing.assert_allclose(params.covariances[0], np.cov(X[:3].T, bias=True), atol=1e-12)
    np.testing.assert_allclose(params.covariances[1], np.cov(X[3:].T, bias=True), atol=1e-12)


def test_m_step_singular_cluster_raises_singularity_error():
    """A component that sits on a single repeated point collapses; outside fit
    the error has no iteration and no result."""
    X = np.array([0.0, 0.0, 0.0, 5.0, 6.0])
    resp = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1]], dtype=float)
    with pytest.raises(SingularityError, match=r"component 0 collapsed") as info:
        m_step(X, resp, reg_covar=0.0)
    assert info.value.component == 0
    assert info.value.iteration is None and info.value.result is None
    assert m_step(X, resp).covariances[0, 0, 0] == pytest.approx(1e-6)


# ---------------------------------------------------------------------------
# fit


@pytest.fixture(scope="module")
def X2():
    return blobs(seed=42, n_points=150, n_features=2, n_clusters=3)


def test_fit_result_structure(X2):
    """history = start + one entry per iteration; log_likelihoods[t] is the
    log-likelihood of history[t]; params is the last entry."""
    result = fit(X2, 3, max_iter=30, tol=1e-8)
    assert isinstance(result, FitResult)
    assert result.n_iter == len(result.history) - 1 >= 1
    assert len(result.log_likelihoods) == len(result.history)
    assert all(isinstance(p, GMMParams) for p in result.history)
    assert result.params == result.history[-1]
    expected = [log_likelihood(X2, p) for p in result.history]
    np.testing.assert_allclose(result.log_likelihoods, expected, rtol=1e-12)
    assert np.all(np.diff(result.log_likelihoods) >= -1e-9 * np.abs(result.log_likelihoods[1:]))


def test_fit_last_step_is_an_m_step_of_the_previous(X2):
    """Each history entry is m_step(X, e_step(X, previous entry))."""
    result = fit(X2, 3, max_iter=5, tol=0, reg_covar=1e-4)
    for before, after in zip(result.history, result.history[1:]):
        expected = m_step(X2, e_step(X2, before), reg_covar=1e-4)
        assert_params_close(after, expected.weights, expected.means, expected.covariances, atol=1e-12)


@pytest.mark.parametrize("tol", [1e-3, 1e-6])
def test_fit_stops_at_the_first_iteration_that_settles(tol):
    """Converged: the last two changes of mean log-likelihood per point are < tol
    and the last M-step moved the parameters by less than tol (KL per point);
    no earlier iteration met both. The clusters overlap, so EM converges slowly
    and a criterion on the total (not per point) change would stop later."""
    from gmmlib.em import _kl_divergence

    X = blobs(seed=42, n_points=150, n_features=2, n_clusters=3, separation=1.0)
    result = fit(X, 3, tol=tol, max_iter=500)
    assert result.converged
    assert result.n_iter > 10
    changes = np.abs(np.diff(result.log_likelihoods)) / len(X)
    moves = [_kl_divergence(b, a) for a, b in zip(result.history, result.history[1:])]
    settled = [t for t in range(1, len(changes))
               if changes[t - 1] < tol and changes[t] < tol and moves[t] < tol]
    assert settled == [result.n_iter - 1]


def test_tol_zero_runs_exactly_max_iter(X2):
    """With tol=0 every one of max_iter iterations is run and nothing converges."""
    result = fit(X2, 3, tol=0, max_iter=17)
    assert result.n_iter == 17
    assert len(result.history) == 18
    assert not result.converged


def test_max_iter_reached_without_convergence(X2):
    """Stopping on max_iter with a large gain left is reported as not converged."""
    result = fit(X2, 3, tol=1e-12, max_iter=2, init="random", seed=3)
    assert result.n_iter == 2
    assert np.diff(result.log_likelihoods)[-1] / len(X2) >= 1e-12
    assert not result.converged


def test_max_iter_zero_gives_the_start(X2):
    """max_iter=0: history is only the initial parameters."""
    result = fit(X2, 3, max_iter=0)
    assert result.n_iter == 0
    assert len(result.history) == 1 and result.params == result.history[0]
    assert result.log_likelihoods.shape == (1,)
    assert result.log_likelihoods[0] == pytest.approx(log_likelihood(X2, result.params), rel=1e-12)
    assert not result.converged


def test_init_params_are_the_start(X2):
    """A GMMParams as init is history[0] exactly."""
    start = random_params(seed=1, n_components=3, n_features=2)
    result = fit(X2, 3, init=start, max_iter=4, tol=0)
    assert result.history[0] == start
    assert result.log_likelihoods[0] == pytest.approx(log_likelihood(X2, start), rel=1e-12)


@pytest.mark.parametrize("init", ["kmeans++", "random"])
def test_built_in_inits_start_from_distinct_data_points(X2, init):
    """Equal weights, K distinct data points as means, the data covariance (+ reg_covar) for all."""
    start = fit(X2, 3, init=init, max_iter=0, seed=5, reg_covar=1e-3).params
    np.testing.assert_allclose(start.weights, 1 / 3)
    assert len({tuple(m) for m in start.means}) == 3
    for m in start.means:
        assert np.any(np.all(X2 == m, axis=1))
    data_cov = np.cov(X2.T, bias=True) + 1e-3 * np.eye(2)
    np.testing.assert_allclose(start.covariances, np.repeat(data_cov[None], 3, axis=0), rtol=1e-12)


def test_kmeans_plus_plus_spreads_the_starting_means():
    """On three far-apart tight clusters, k-means++ puts one mean in each."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0]])
    X = np.repeat(centres, 30, axis=0) + rng.normal(scale=0.1, size=(90, 2))
    for seed in range(5):
        means = fit(X, 3, max_iter=0, seed=seed).params.means
        nearest = np.argmin(((means[:, None] - centres[None]) ** 2).sum(-1), axis=1)
        assert sorted(nearest) == [0, 1, 2]


@pytest.mark.parametrize("init", ["kmeans++", "random"])
def test_same_seed_same_result(X2, init):
    """The same seed gives identical histories and log-likelihoods."""
    a = fit(X2, 3, init=init, seed=7, max_iter=10, tol=0)
    b = fit(X2, 3, init=init, seed=7, max_iter=10, tol=0)
    assert a.history == b.history
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)


@pytest.mark.parametrize("init", ["kmeans++", "random"])
def test_different_seeds_can_give_different_starts(X2, init):
    """The seed drives the choice of starting means."""
    starts = [fit(X2, 3, init=init, seed=s, max_iter=0).params.means for s in range(5)]
    assert len({m.tobytes() for m in starts}) > 1


def test_integer_input_same_as_float():
    """Integer X is accepted and gives the same fit as the float version."""
    X = np.random.default_rng(3).integers(-20, 20, size=(60, 2))
    a = fit(X, 2, max_iter=20)
    b = fit(X.astype(float), 2, max_iter=20)
    assert a.history == b.history
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)


def test_1d_list_input_same_as_column_array():
    """X given as a list of N numbers is fitted like the (N, 1) array."""
    x = list(np.random.default_rng(8).normal(size=40)) + list(5 + np.random.default_rng(9).normal(size=40))
    a = fit(x, 2, max_iter=15)
    b = fit(np.array(x).reshape(-1, 1), 2, max_iter=15)
    assert a.params.means.shape == (2, 1)
    assert a.history == b.history


def test_inputs_are_not_modified(X2):
    """fit, e_step, m_step and the densities leave X, resp and init untouched."""
    X = X2.copy()
    start = random_params(seed=2, n_components=3, n_features=2)
    start_before = array_copies(start)
    fit(X, 3, init=start, max_iter=5, tol=0)
    fit(X, 3, max_iter=5)
    resp = e_step(X, start)
    resp_before = resp.copy()
    m_step(X, resp)
    log_likelihood(X, start)
    component_log_densities(X, start)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(resp, resp_before)
    for a, b in zip(array_copies(start), start_before):
        np.testing.assert_array_equal(a, b)

    x_list = [0.0, 1.0, 2.0, 10.0, 11.0]
    fit(x_list, 2, max_iter=3)
    assert x_list == [0.0, 1.0, 2.0, 10.0, 11.0]


# ---------------------------------------------------------------------------
# Bad input


X_OK = np.random.default_rng(0).normal(size=(10, 2))


@pytest.mark.parametrize(
    "X, n_components, kwargs, match",
    [
        (np.where(np.arange(20).reshape(10, 2) == 7, np.nan, X_OK), 2, {}, r"X contains NaN .* row 3"),
        (np.where(np.arange(20).reshape(10, 2) == 4, np.inf, X_OK), 2, {}, r"X contains infinity .* row 2"),
        (np.empty((0, 2)), 1, {}, r"X is empty"),
        ([], 1, {}, r"X is empty"),
        (np.zeros((4, 3, 2)), 1, {}, r"X has 3 dimensions"),
        (X_OK, 0, {}, r"n_components must be at least 1; got 0"),
        (X_OK, -2, {}, r"n_components must be at least 1"),
        (X_OK, 11, {}, r"n_components=11 is more than the 10 data points"),
        (X_OK, 2.0, {}, r"n_components must be an integer"),
        (X_OK, "2", {}, r"n_components must be an integer"),
        (X_OK, True, {}, r"n_components must be an integer"),
        (X_OK, 2, dict(reg_covar=-1e-6), r"reg_covar must be a finite number >= 0"),
        (X_OK, 2, dict(tol=-1.0), r"tol must be a finite number >= 0"),
        (X_OK, 2, dict(tol=np.nan), r"tol must be a finite number >= 0"),
        (X_OK, 2, dict(max_iter=-1), r"max_iter must be >= 0"),
        (X_OK, 2, dict(max_iter=2.5), r"max_iter must be an integer"),
        (X_OK, 2, dict(init="kmeans"), r"init='kmeans' is not understood; use one of 'kmeans\+\+', 'random'"),
        (X_OK, 2, dict(init=None), r"init=None is not understood; use one of 'kmeans\+\+', 'random'"),
        (X_OK, 2, dict(init=GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)])), r"init has 1 components but n_components=2"),
    ],
    ids=[
        "nan", "inf", "empty", "empty-list", "3-dims", "K=0", "K<0", "K>N", "K-float", "K-str", "K-bool",
        "reg_covar<0", "tol<0", "tol-nan", "max_iter<0", "max_iter-float", "init-unknown", "init-None",
        "init-wrong-K",
    ],
)
def test_fit_rejects_bad_input(X, n_components, kwargs, match):
    """fit raises a ValueError naming the parameter and what is wrong with it."""
    with pytest.raises(ValueError, match=match):
        fit(X, n_components, **kwargs)


def test_fit_init_with_wrong_dimension_names_init():
    """A GMMParams init describing 1-D components for 2-D data: the message
    must say that the problem is the init (as it does for a wrong K)."""
    init = GMMParams.from_1d([0.5, 0.5], [0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"1-dimensional") as info:
        fit(X_OK, 2, init=init)
    assert "init" in str(info.value), f"message does not name init: {info.value}"


def test_e_step_rejects_data_of_the_wrong_dimension():
    """X must have the params' D features; it must also be finite."""
    params = random_params(seed=0, n_components=2, n_features=3)
    with pytest.raises(ValueError, match=r"X has 2 feature\(s\) per point but the parameters describe 3-dimensional"):
        e_step(X_OK, params)
    with pytest.raises(ValueError, match=r"X has 2 feature"):
        log_likelihood(X_OK, params)
    with pytest.raises(ValueError, match=r"X contains NaN"):
        e_step(np.full((3, 3), np.nan), params)


@pytest.mark.parametrize(
    "resp, match",
    [
        (np.full((9, 2), 0.5), r"resp must have shape \(N, K\) = \(10, K\)"),
        (np.full(10, 1.0), r"resp must have shape"),
        (np.full((10, 2), 0.4), r"each row of resp must sum to 1; row 0 sums to 0\.8"),
        (np.tile([1.5, -0.5], (10, 1)), r"resp must be non-negative"),
        (np.tile([np.nan, 1.0], (10, 1)), r"resp contains NaN"),
    ],
    ids=["wrong-N", "1-d", "rows-sum", "negative", "nan"],
)
def test_m_step_rejects_bad_resp(resp, match):
    """resp must be (N, K), finite, non-negative, with rows summing to 1."""
    with pytest.raises(ValueError, match=match):
        m_step(X_OK, resp)


def test_m_step_rejects_negative_reg_covar():
    """reg_covar < 0 is refused by m_step as by fit."""
    with pytest.raises(ValueError, match=r"reg_covar must be a finite number >= 0"):
        m_step(X_OK, np.full((10, 2), 0.5), reg_covar=-0.1)


# ---------------------------------------------------------------------------
# Collapse


COLLAPSING = [0, 0, 0, 0, 0, 10]


def test_collapse_raises_singularity_error_with_the_fit_so_far():
    """Duplicate points with reg_covar=0: a component shrinks onto one point.
    The error says which component at which iteration, what to do, and carries
    the valid history up to the collapse."""
    with pytest.raises(SingularityError) as info:
        fit(COLLAPSING, 2, reg_covar=0)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.component in (0, 1)
    assert isinstance(err.iteration, int) and err.iteration >= 1
    message = str(err)
    assert f"component {err.component}" in message
    assert f"iteration {err.iteration}" in message
    assert "reg_covar" in message
    assert "fewer components" in message
    assert "rescale" in message

    result = err.result
    assert isinstance(result, FitResult)
    assert result.n_iter == err.iteration - 1 == len(result.history) - 1
    assert not result.converged
    assert result.params == result.history[-1]
    np.testing.assert_allclose(
        result.log_likelihoods, [log_likelihood(COLLAPSING, p) for p in result.history], rtol=1e-12
    )
    # the next M-step is exactly the one that collapses
    with pytest.raises(SingularityError):
        m_step(COLLAPSING, e_step(COLLAPSING, result.params), reg_covar=0)


def test_same_data_with_default_reg_covar_does_not_collapse():
    """reg_covar=1e-6 keeps every covariance at least 1e-6 * I: no collapse."""
    result = fit(COLLAPSING, 2)
    assert np.all(np.isfinite(result.log_likelihoods))
    assert np.all(np.linalg.eigvalsh(result.params.covariances) >= 1e-6 * (1 - 1e-9))


def test_collapse_in_the_start_is_iteration_zero():
    """All points equal and reg_covar=0: the starting covariance is already singular."""
    with pytest.raises(SingularityError, match=r"already singular") as info:
        fit([3.0, 3.0, 3.0], 1, reg_covar=0)
    assert info.value.iteration == 0


# ---------------------------------------------------------------------------
# Agreement with scikit-learn


@pytest.mark.parametrize(
    "N, D, K, n_iter",
    [(60, 1, 1, 5), (120, 1, 3, 20), (150, 2, 2, 15), (200, 3, 4, 25), (300, 5, 3, 15), (150, 5, 4, 10)],
)
def test_agrees_with_scikit_learn(N, D, K, n_iter):
    """From the same start, the same number of EM iterations gives the same
    parameters and log-likelihood as sklearn's GaussianMixture."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    X = blobs(seed=N + D + K, n_points=N, n_features=D, n_clusters=K)
    reg_covar = 1e-6
    start = fit(X, K, max_iter=0, seed=1, reg_covar=reg_covar).params
    ours = fit(X, K, init=start, max_iter=n_iter, tol=0, reg_covar=reg_covar)
    gm = GaussianMixture(
        n_components=K, covariance_type="full", weights_init=start.weights, means_init=start.means,
        precisions_init=np.linalg.inv(start.covariances), reg_covar=reg_covar, tol=0,
        max_iter=n_iter, n_init=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 never converges
        gm.fit(X)
    assert gm.n_iter_ == ours.n_iter == n_iter
    assert_params_close(ours.params, gm.weights_, gm.means_, gm.covariances_, atol=1e-6)
    assert gm.score(X) * N == pytest.approx(ours.log_likelihoods[-1], rel=1e-10, abs=1e-8)


# ---------------------------------------------------------------------------
# Packaging


def test_import_gmmlib_does_not_import_plotting_libraries():
    """import gmmlib needs only numpy: matplotlib and ipywidgets load on demand."""
    code = "import gmmlib, sys; print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_public_names_are_exported():
    """The EM core is importable from gmmlib itself."""
    for name in ("GMMParams", "FitResult", "SingularityError", "e_step", "m_step", "fit",
                 "log_likelihood", "log_mixture_density", "component_log_densities"):
        assert name in gmmlib.__all__ and hasattr(gmmlib, name)
    assert issubclass(SingularityError, ValueError)
