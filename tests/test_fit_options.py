"""Prediction, several starts, MAP-EM with a covariance prior, and restarting collapsed components."""

import warnings

import numpy as np
import pytest
from scipy.stats import invwishart
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

import gmmlib
from gmmlib import CovariancePrior, GMMParams, SingularityError, fit, m_step, predict, predict_proba
from gmmlib.em import _MAX_RESTARTS, _collapsed_components, _point_floor


def two_clusters(seed=1, n=25):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(0, 1, (n, 2)), rng.normal([4, 0], 1, (n, 2))])


def sklearn_at(params):
    """A scikit-learn GaussianMixture holding exactly these parameters."""
    gm = GaussianMixture(params.n_components, covariance_type="full")
    gm.weights_ = np.array(params.weights)
    gm.means_ = np.array(params.means)
    gm.covariances_ = np.array(params.covariances)
    gm.precisions_cholesky_ = _compute_precision_cholesky(gm.covariances_, "full")
    return gm


# ---------------------------------------------------------------------------
# predict_proba / predict


@pytest.mark.parametrize("seed, D, K", [(0, 1, 2), (1, 2, 3), (2, 4, 4)])
def test_predict_and_predict_proba_agree_with_scikit_learn(seed, D, K):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, D)) * 3
    params = fit(X, K, seed=seed, max_iter=5, tol=0).params
    gm = sklearn_at(params)
    np.testing.assert_allclose(predict_proba(X, params), gm.predict_proba(X), atol=1e-10)
    np.testing.assert_array_equal(predict(X, params), gm.predict(X))


def test_predict_counts_the_weights():
    """Halfway between two equal-shaped components, the heavier one wins."""
    params = GMMParams.from_1d([0.9, 0.1], [0.0, 2.0], [1.0, 1.0])
    np.testing.assert_allclose(predict_proba([1.0], params), [[0.9, 0.1]])
    assert predict([1.0], params).tolist() == [0]
    swapped = GMMParams.from_1d([0.1, 0.9], [0.0, 2.0], [1.0, 1.0])
    assert predict([1.0], swapped).tolist() == [1]


def test_predict_rejects_wrong_dimension():
    params = GMMParams.from_1d([1.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="feature"):
        predict(np.zeros((3, 2)), params)


# ---------------------------------------------------------------------------
# n_init


def test_single_start_is_start_zero():
    X = two_clusters()
    r = fit(X, 2, seed=3)
    assert r.start == 0
    np.testing.assert_array_equal(r.start_log_likelihoods, [r.log_likelihoods[-1]])


def test_several_starts_keep_the_best_and_never_do_worse_than_one():
    X = two_clusters(seed=10)
    single = fit(X, 4, seed=0, init="random")
    best = fit(X, 4, seed=0, init="random", n_init=6)
    assert best.start_log_likelihoods.shape == (6,)
    # The first start of n_init is the single-start fit itself.
    assert best.start_log_likelihoods[0] == single.log_likelihoods[-1]
    assert best.log_likelihoods[-1] == best.start_log_likelihoods.max()
    assert best.start == int(np.argmax(best.start_log_likelihoods))
    assert best.log_likelihoods[-1] >= single.log_likelihoods[-1]
    assert len(set(np.round(best.start_log_likelihoods, 6))) > 1  # the starts really differ


def test_n_init_is_deterministic():
    X = two_clusters(seed=4)
    a, b = fit(X, 3, n_init=4, seed=7), fit(X, 3, n_init=4, seed=7)
    assert a.params == b.params and a.start == b.start


def test_n_init_rejects_bad_values():
    X = two_clusters()
    with pytest.raises(ValueError, match="n_init must be >= 1"):
        fit(X, 2, n_init=0)
    start = fit(X, 2, max_iter=0).params
    with pytest.raises(ValueError, match="n_init > 1 needs random starts"):
        fit(X, 2, init=start, n_init=3)


# ---------------------------------------------------------------------------
# MAP-EM with an inverse-Wishart prior on the covariances


@pytest.mark.parametrize("scale", [0.5, np.array([[2.0, 0.3], [0.3, 1.0]])])
def test_map_m_step_matches_its_formula(scale):
    X = two_clusters(seed=2)
    resp = gmmlib.e_step(X, fit(X, 2, max_iter=2, tol=0).params)
    prior = CovariancePrior(scale, dof=5.0)
    got = m_step(X, resp, reg_covar=0, covariance_prior=prior)
    D = 2
    psi = scale * np.eye(D) if np.ndim(scale) == 0 else scale
    for k in range(2):
        r = resp[:, k]
        N_k = r.sum()
        mu = r @ X / N_k
        S = (r[:, None] * (X - mu)).T @ (X - mu)
        np.testing.assert_allclose(got.means[k], mu, rtol=1e-10)
        np.testing.assert_allclose(got.covariances[k], (S + psi) / (N_k + 5.0 + D + 1), rtol=1e-8)


def test_map_em_never_lowers_the_log_posterior():
    """MAP-EM climbs log-likelihood + sum_k log IW(Sigma_k | scale, dof)."""
    X = two_clusters(seed=5, n=15)
    prior = CovariancePrior.from_data(X, 3)
    r = fit(X, 3, covariance_prior=prior, reg_covar=0, max_iter=40, tol=0, seed=1)
    iw = invwishart(df=prior.dof, scale=prior.scale)
    log_post = [ll + sum(iw.logpdf(S) for S in p.covariances)
                for ll, p in zip(r.log_likelihoods, r.history)]
    assert np.all(np.diff(log_post) >= -1e-9 * np.abs(log_post[:-1]))


def test_prior_prevents_the_collapse():
    x = [0.0, 0.0, 0.0, 0.0, 0.0, 10.0]
    with pytest.raises(SingularityError):
        fit(x, 2, reg_covar=0)
    prior = CovariancePrior(0.1, dof=2.0)
    r = fit(x, 2, reg_covar=0, covariance_prior=prior)
    # Each variance is at least scale / (N + dof + D + 1).
    assert r.params.covariances.min() >= 0.1 / (6 + 2 + 1 + 1)


def test_prior_from_data():
    X = two_clusters()
    prior = CovariancePrior.from_data(X, 4)
    np.testing.assert_allclose(prior.scale, np.cov(X.T, bias=True) / 4)  # K^(2/D) = 4 for D=2
    assert prior.dof == 4


@pytest.mark.parametrize(
    "scale, dof, match",
    [
        (-1.0, 3, "positive"),
        (np.array([[1.0, 2.0], [2.0, 1.0]]), 3, "positive definite"),
        (np.ones((2, 3)), 3, r"\(D, D\)"),
        (np.nan, 3, "NaN"),
    ],
)
def test_prior_rejects_bad_scale(scale, dof, match):
    with pytest.raises(ValueError, match=match):
        CovariancePrior(scale, dof)


def test_prior_must_fit_the_data():
    X = two_clusters()
    with pytest.raises(ValueError, match="dof must be > D - 1"):
        fit(X, 2, covariance_prior=CovariancePrior(1.0, dof=0.5))
    with pytest.raises(ValueError, match="D=2"):
        fit(X, 2, covariance_prior=CovariancePrior(np.eye(3), dof=5))
    with pytest.raises(ValueError, match="CovariancePrior or None"):
        fit(X, 2, covariance_prior=(1.0, 3))


# ---------------------------------------------------------------------------
# Restarting a collapsed component


def test_reinit_rescues_an_accidental_collapse():
    X = two_clusters(seed=1)
    with pytest.raises(SingularityError) as info:
        fit(X, 4, reg_covar=0, seed=3, init="random")
    r = fit(X, 4, reg_covar=0, seed=3, init="random", on_collapse="reinit")
    assert r.reinitialised and r.reinitialised[0][0] == info.value.iteration
    assert r.converged
    # No component of the final fit (or of any step) is collapsed.
    floor = _point_floor(X)
    assert all(_collapsed_components(p.covariances, floor) == [] for p in r.history)
    # Until the collapse, the path is the one that raised.
    for a, b in zip(r.history, info.value.result.history):
        assert a == b


def test_reinit_does_not_declare_convergence_on_the_drop_after_a_restart():
    X = two_clusters(seed=1)
    r = fit(X, 4, reg_covar=0, seed=3, init="random", on_collapse="reinit")
    t = r.reinitialised[0][0]
    assert r.n_iter > t + 1


def test_reinit_gives_up_on_duplicates_with_a_clear_error():
    with pytest.raises(SingularityError, match="collapsed again after 2 restarts") as info:
        fit([0.0, 0.0, 0.0, 0.0, 0.0, 10.0], 2, reg_covar=0, on_collapse="reinit")
    err = info.value
    restarts = [k for _, k in err.result.reinitialised]
    assert restarts.count(err.component) == _MAX_RESTARTS
    assert "reg_covar" in str(err) and "covariance_prior" in str(err)


def test_on_collapse_rejects_unknown_values():
    with pytest.raises(ValueError, match="'raise' or 'reinit'"):
        fit(two_clusters(), 2, on_collapse="ignore")


def test_default_fit_has_no_restarts():
    r = fit(two_clusters(), 2)
    assert r.reinitialised == ()


def test_sklearn_agreement_is_unchanged_by_the_new_options():
    """The defaults still give scikit-learn's iterates."""
    X = two_clusters(seed=8)
    start = fit(X, 3, max_iter=0, seed=2).params
    r = fit(X, 3, init=start, max_iter=10, tol=0)
    gm = GaussianMixture(3, covariance_type="full", weights_init=start.weights, means_init=start.means,
                         precisions_init=np.linalg.inv(start.covariances), max_iter=10, tol=0,
                         init_params="random_from_data")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X)
    np.testing.assert_allclose(r.params.covariances, gm.covariances_, atol=1e-8)


def test_prior_log_density_matches_scipy():
    prior = CovariancePrior(np.array([[2.0, 0.3], [0.3, 1.0]]), dof=5.0)
    S = np.array([[1.5, -0.2], [-0.2, 0.7]])
    assert prior.log_density(S) == pytest.approx(invwishart(df=5.0, scale=prior.scale).logpdf(S))


def test_map_em_stops_at_its_fixed_point_not_at_a_dip_of_the_log_likelihood():
    """MAP-EM may lower the log-likelihood; its stopping rule watches the log-posterior."""
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.normal(-2.0, 0.6, 12), rng.normal(2.0, 0.8, 12)]).round(1)
    prior = CovariancePrior.from_data(x, 3)
    stopped = fit(x, 3, seed=1, reg_covar=0, covariance_prior=prior, tol=1e-10, max_iter=5000)
    long_run = fit(x, 3, seed=1, reg_covar=0, covariance_prior=prior, tol=0, max_iter=stopped.n_iter + 500)
    assert stopped.converged
    np.testing.assert_allclose(stopped.params.means, long_run.params.means, atol=1e-3)
