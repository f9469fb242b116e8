"""Properties of EM that hold on any data set: checked on random mixtures with hypothesis.

Hypothesis draws only the sizes, a seed and a scale; the points themselves come
from a seeded numpy generator, so they are continuous and never repeat.
"""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmmlib import GMMParams, SingularityError, e_step, fit, log_likelihood, m_step

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def problems(draw):
    """(X, K): N in 20..200 points in D = 1..4 dimensions from K = 1..4 clusters."""
    seed = draw(st.integers(0, 2**32 - 1))
    N = draw(st.integers(20, 200))
    D = draw(st.integers(1, 4))
    K = draw(st.integers(1, 4))
    separation = draw(st.floats(0.0, 10.0))
    scale = draw(st.floats(0.1, 10.0))
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=separation, size=(K, D))
    shapes = np.eye(D) + 0.3 * rng.normal(size=(K, D, D))
    labels = rng.integers(K, size=N)
    X = scale * (centres[labels] + np.einsum("nij,nj->ni", shapes[labels], rng.normal(size=(N, D))))
    return X, K


def fit_or_partial(X, K, **kwargs):
    """fit's result; when a component collapses, the valid fit up to the collapse."""
    try:
        return fit(X, K, **kwargs)
    except SingularityError as err:
        return err.result


def assert_valid_params(params, K, D):
    assert isinstance(params, GMMParams)
    assert params.weights.shape == (K,)
    assert params.means.shape == (K, D)
    assert params.covariances.shape == (K, D, D)
    assert np.all(params.weights >= 0)
    assert abs(params.weights.sum() - 1.0) < 1e-9
    np.testing.assert_allclose(params.covariances, params.covariances.transpose(0, 2, 1), rtol=1e-8)
    assert np.all(np.linalg.eigvalsh(params.covariances) > 0)


@SETTINGS
@given(problems(), st.sampled_from([0.0, 1e-6]), st.sampled_from(["kmeans++", "random"]))
def test_log_likelihood_never_decreases(problem, reg_covar, init):
    """Every EM iteration raises the log-likelihood (or keeps it), up to rounding."""
    X, K = problem
    result = fit_or_partial(X, K, init=init, reg_covar=reg_covar, tol=0, max_iter=60)
    ll = result.log_likelihoods
    assert np.all(np.isfinite(ll))
    slack = 1e-9 * (1 + np.abs(ll[1:]))
    drops = np.diff(ll)
    assert np.all(drops >= -slack), f"log-likelihood fell by {-drops.min():g}"


@SETTINGS
@given(problems())
def test_responsibilities_are_probabilities_and_m_step_gives_valid_params(problem):
    """e_step rows lie in [0, 1] and sum to 1; m_step(X, e_step(X, .)) is valid GMMParams."""
    X, K = problem
    N, D = X.shape
    for params in fit_or_partial(X, K, max_iter=3, tol=0).history:
        resp = e_step(X, params)
        assert resp.shape == (N, K)
        assert np.all((resp >= 0) & (resp <= 1))
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert_valid_params(m_step(X, resp), K, D)


@SETTINGS
@given(problems(), st.floats(1e-3, 1e3))
def test_scaling_the_data_shifts_the_log_likelihood(problem, c):
    """Fitting c*X from the correspondingly scaled start gives log-likelihoods
    shifted by exactly -N*D*log(c), and the scaled parameters, at every iteration."""
    X, K = problem
    N, D = X.shape
    start = fit(X, K, max_iter=0, reg_covar=0).params
    scaled_start = GMMParams(start.weights, c * start.means, c**2 * start.covariances)
    plain = fit_or_partial(X, K, init=start, reg_covar=0, tol=0, max_iter=15)
    scaled = fit_or_partial(c * X, K, init=scaled_start, reg_covar=0, tol=0, max_iter=15)
    assert scaled.n_iter == plain.n_iter
    shift = -N * D * np.log(c)
    np.testing.assert_allclose(
        scaled.log_likelihoods, plain.log_likelihoods + shift,
        rtol=1e-9, atol=1e-9 * N * D,
    )
    # a spot check of the first iteration's parameters
    if plain.n_iter:
        np.testing.assert_allclose(scaled.history[1].means, c * plain.history[1].means,
                                   rtol=1e-7, atol=1e-9 * c * (1 + np.abs(X).max()))


@SETTINGS
@given(problems())
def test_log_likelihoods_match_history(problem):
    """Each recorded log-likelihood is log_likelihood of the matching history entry."""
    X, K = problem
    result = fit_or_partial(X, K, max_iter=10)
    assert len(result.log_likelihoods) == len(result.history) == result.n_iter + 1
    expected = [log_likelihood(X, p) for p in result.history]
    np.testing.assert_allclose(result.log_likelihoods, expected, rtol=1e-12)
