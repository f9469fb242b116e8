"""fit's fast path (_m_step_fast, _e_step_fast) against the readable M-step
and E-step it stands in for (_m_step_arrays, _e_step): the same numbers to
rounding, and fits that end the same way."""

import numpy as np
import pytest

import gmmlib.em as em
from gmmlib import CovariancePrior, GMMParams, SingularityError, fit
from gmmlib.datasets import old_faithful, three_blobs_2d, three_bumps_1d

RTOL = 1e-12  # "to rounding": a few hundred float64 round-offs


def mixture(N, D, K, centre=0.0, scale=1.0, seed=0, apart=3.0):
    """N points from K tilted Gaussians about `centre`, of size `scale`, their
    means about `apart` times that apart, and the mixture that made them
    (seeded)."""
    rng = np.random.default_rng([seed, N, D, K])
    means = centre + apart * scale * rng.standard_normal((K, D))
    A = rng.standard_normal((K, D, D))
    covariances = scale ** 2 * (A @ A.transpose(0, 2, 1) / D + 0.1 * np.eye(D))
    weights = rng.dirichlet(np.full(K, 3.0))
    z = rng.choice(K, size=N, p=weights)
    L = np.linalg.cholesky(covariances)
    X = means[z] + np.einsum("nij,nj->ni", L[z], rng.standard_normal((N, D)))
    return X, GMMParams(weights, means, covariances)


# (N, D, K, centre, scale): D=1, K=1, odd sizes, D=32, data far from the
# origin, tiny and huge variances, and the extremes of floating point.
CASES = {
    "1-D, one component": (40, 1, 1, 0.0, 1.0),
    "1-D": (61, 1, 3, 0.0, 1.0),
    "2-D": (500, 2, 4, 0.0, 1.0),
    "one component in 5-D": (77, 5, 1, 0.0, 1.0),
    "8-D": (400, 8, 5, 0.0, 1.0),
    "32-D": (300, 32, 8, 0.0, 1.0),
    "far from the origin": (300, 3, 2, 1.7e9, 0.01),
    "tiny variances": (200, 2, 3, 0.0, 1e-8),
    "huge variances": (200, 2, 3, 0.0, 1e8),
    "smallest floats": (100, 5, 3, 0.0, 1e-150),
    "largest floats": (100, 5, 3, 0.0, 1e150),
    "clusters far apart": (400, 4, 6, 0.0, 1.0, 0, 300.0),
}


def centred(name):
    """The data centred as fit centres them, and the true mixture moved with them."""
    X, params = mixture(*CASES[name])
    centre = X.mean(axis=0)
    return X - centre, em._shifted(params, -centre)


def assert_same_e_step(fast, readable, log_weighted):
    """Responsibilities and log p(x_i) agree to rounding. Both come from the
    row's log pi_k N(x_i | ...), whose round-off is RTOL times their size,
    and an absolute error d there is a relative error d in a responsibility:
    each row is measured against its largest |log pi_k N(x_i | ...)|."""
    (resp, log_density), (resp_ref, log_density_ref) = fast, readable
    finite = np.where(np.isfinite(log_weighted), np.abs(log_weighted), 0.0)
    row_scale = 1.0 + finite.max(axis=1)
    assert np.all(np.abs(log_density - log_density_ref) <= RTOL * row_scale)
    assert np.all(np.abs(resp - resp_ref) <= RTOL * row_scale[:, None])
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-15)


def assert_same_parameters(fast, readable, X, rtol=RTOL):
    """Weights to rtol, means to rtol of the data's size, each covariance to
    rtol of its own size."""
    weights, means, covariances = fast
    weights_ref, means_ref, covariances_ref = readable
    np.testing.assert_allclose(weights, weights_ref, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(means, means_ref, rtol=0, atol=rtol * np.abs(X).max())
    for S, S_ref in zip(covariances, covariances_ref):
        np.testing.assert_allclose(S, S_ref, rtol=0, atol=rtol * np.abs(S_ref).max())
        np.testing.assert_array_equal(S, S.T)  # exactly symmetric


def random_resp(N, K, seed, kind="soft"):
    """Responsibilities as fit keeps them (column-major): "soft" rows drawn
    from a Dirichlet, "hard" 0/1 rows, or "sparse" rows shared between two
    components (most r_ik exactly 0, as for clusters far apart)."""
    rng = np.random.default_rng(seed)
    if kind == "soft":
        return np.asfortranarray(rng.dirichlet(np.full(K, 0.5), size=N))
    resp = np.zeros((N, K), order="F")
    first, second = rng.integers(K, size=N), rng.integers(K, size=N)
    share = rng.uniform(size=N) if kind == "sparse" else np.ones(N)
    resp[np.arange(N), first] = share
    resp[np.arange(N), second] += 1 - share
    resp[:K] = np.eye(K)  # every component gets a point
    return resp


# ---------------------------------------------------------------------------
# The E-step


@pytest.mark.parametrize("name", CASES)
def test_e_step_fast_matches_e_step(name):
    X, params = centred(name)
    work = em._Workspace(X, params.n_components)
    fast = em._e_step_fast(work, params)
    readable = em._e_step(X, params)
    assert_same_e_step(fast, readable, em._log_weighted_densities(X, params))


def test_e_step_fast_with_a_weight_of_zero():
    X, params = centred("2-D")
    params = GMMParams([0.5, 0.0, 0.25, 0.25], params.means, params.covariances)
    work = em._Workspace(X, 4)
    resp, log_density = em._e_step_fast(work, params)
    assert np.all(resp[:, 1] == 0)
    assert_same_e_step((resp, log_density), em._e_step(X, params),
                       em._log_weighted_densities(X, params))


def test_e_step_fast_on_points_far_from_every_component():
    params = GMMParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])
    X = np.array([[0.0, 1e3], [0.0, -1e8], [1e12, 0.0], [0.3, 0.0], [0.0, 1e150]])
    work = em._Workspace(X, 2)
    assert_same_e_step(em._e_step_fast(work, params), em._e_step(X, params),
                       em._log_weighted_densities(X, params))


def test_an_overflowing_distance_names_the_same_point_and_component():
    params = GMMParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), 1e-300 * np.eye(2)])
    X = np.array([[0.0, 0.0], [5.0, 1e10], [1.0, 0.0], [0.0, 1e200]])  # 1 and 3 overflow
    with pytest.raises(em.DensityOverflowError) as readable:
        em._e_step(X, params)
    with pytest.raises(em.DensityOverflowError) as fast:
        em._e_step_fast(em._Workspace(X, 2), params)
    assert (fast.value.point, fast.value.component) == (readable.value.point, readable.value.component) == (1, 1)
    assert str(fast.value) == str(readable.value)


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("low_share", [0.0, 0.1, 0.5, 0.97, 1.0])
def test_exp_in_place_is_np_exp(order, low_share):
    """Bit for bit, whatever share of the entries underflow, with the
    borders of underflow (subnormal results, the last nonzero one, 0) and
    -inf (a weight of 0) among them."""
    rng = np.random.default_rng(int(100 * low_share))
    a = np.where(rng.uniform(size=(3000, 7)) < low_share,
                 rng.uniform(-2000.0, -690.0, (3000, 7)), rng.uniform(-50.0, 0.0, (3000, 7)))
    a.flat[:8] = [-745.13, -745.14, -746.0, -708.5, -700.0, -np.inf, 0.0, -1e300]
    a = np.asarray(a, order=order)
    expected = np.exp(a)
    result = em._exp_in_place(a)
    assert result is a
    np.testing.assert_array_equal(result, expected)


# ---------------------------------------------------------------------------
# The M-step, and the distances it hands to the next E-step


@pytest.mark.parametrize("kind", ["soft", "hard", "sparse"])
@pytest.mark.parametrize("name", CASES)
def test_m_step_fast_matches_m_step(name, kind):
    X, params = centred(name)
    N, D = X.shape
    K = params.n_components
    resp = random_resp(N, K, seed=D, kind=kind)
    resp_before = resp.copy()
    reg_covar = 1e-6 * CASES[name][4] ** 2
    work = em._Workspace(X, K)
    *fast, sq_dist = em._m_step_fast(work, resp, reg_covar)
    readable = em._m_step_arrays(X, resp, reg_covar)
    assert_same_parameters(fast, readable, X)
    np.testing.assert_array_equal(resp, resp_before)  # inputs are not modified
    np.testing.assert_array_equal(work.X, X)
    # The distances are those of the new parameters: the E-step from them
    # is the readable E-step on those parameters.
    new = GMMParams(*readable)
    assert sq_dist is work.per_point
    assert_same_e_step(em._e_step_fast(work, new, sq_dist), em._e_step(X, new),
                       em._log_weighted_densities(X, new))


@pytest.mark.parametrize("name", ["1-D", "8-D", "32-D", "tiny variances"])
def test_m_step_fast_with_a_prior_matches_m_step(name):
    X, params = centred(name)
    K = params.n_components
    prior = em._prior_for(CovariancePrior.from_data(X, K), X.shape[1])
    resp = random_resp(X.shape[0], K, seed=1)
    work = em._Workspace(X, K)
    *fast, sq_dist = em._m_step_fast(work, resp, 0.0, prior)
    readable = em._m_step_arrays(X, resp, 0.0, prior)
    assert_same_parameters(fast, readable, X)
    new = GMMParams(*readable)
    assert_same_e_step(em._e_step_fast(work, new, sq_dist), em._e_step(X, new),
                       em._log_weighted_densities(X, new))


def test_m_step_fast_on_an_empty_component():
    """A component with r_ik = 0 for every point: weight 0 (to rounding),
    covariance reg_covar * I, as on the readable path."""
    X, _ = centred("8-D")
    resp = random_resp(len(X), 3, seed=0, kind="sparse")
    resp[:, 1] += resp[:, 2]
    resp[:, 2] = 0.0
    fast = em._m_step_fast(em._Workspace(X, 3), resp, 1e-6)[:3]
    assert_same_parameters(fast, em._m_step_arrays(X, resp, 1e-6), X)
    np.testing.assert_array_equal(fast[2][2], 1e-6 * np.eye(8))


def test_m_step_fast_on_a_component_holding_one_point():
    """Without reg_covar its covariance is zero to rounding, on both paths,
    and no distances come back (the caller sees the collapse first)."""
    X, _ = centred("2-D")
    resp = np.zeros((len(X), 2), order="F")
    resp[:, 0] = 1.0
    resp[7] = [0.0, 1.0]
    *fast, sq_dist = em._m_step_fast(em._Workspace(X, 2), resp, 0.0)
    assert sq_dist is None
    assert_same_parameters(fast, em._m_step_arrays(X, resp, 0.0), X)
    assert em._collapsed_components(fast[2], em._point_floor(X)) == [1]


@pytest.mark.parametrize("name", ["8-D", "clusters far apart"])
def test_steps_in_one_workspace_follow_the_readable_ones(name):
    """As in fit, each M-step reads the responsibilities from the array it
    overwrites with the new distances, which the E-step turns into the new
    responsibilities."""
    X, params = centred(name)
    work = em._Workspace(X, params.n_components)
    resp, _ = em._e_step_fast(work, params)
    resp_ref, _ = em._e_step(X, params)
    for _ in range(5):
        assert resp is work.per_point
        *fast, sq_dist = em._m_step_fast(work, resp, 1e-6)
        assert sq_dist is resp
        readable = em._m_step_arrays(X, resp_ref, 1e-6)
        assert_same_parameters(fast, readable, X, rtol=1e-10)
        resp, _ = em._e_step_fast(work, GMMParams(*fast), sq_dist)
        resp_ref, _ = em._e_step(X, GMMParams(*readable))
        np.testing.assert_allclose(resp, resp_ref, rtol=0, atol=1e-10)


# ---------------------------------------------------------------------------
# Whole fits: the fast path against the readable steps


def _readable_m_step(work, resp, reg_covar, prior=None):
    return (*em._m_step_arrays(work.X, resp, reg_covar, prior), None)


def _readable_e_step(work, params, sq_dist=None):
    return em._e_step(work.X, params)


def fit_both_ways(monkeypatch, *args, **kwargs):
    """(outcome on the fast path, outcome on the readable steps); an outcome
    is a FitResult or the SingularityError raised."""
    def run():
        try:
            return fit(*args, **kwargs)
        except SingularityError as err:
            return err

    fast = run()
    with monkeypatch.context() as m:
        m.setattr(em, "_m_step_fast", _readable_m_step)
        m.setattr(em, "_e_step_fast", _readable_e_step)
        readable = run()
    return fast, readable


def assert_same_fit(fast, readable, X, rtol):
    assert (fast.n_iter, fast.converged, fast.start, fast.reinitialised) == \
        (readable.n_iter, readable.converged, readable.start, readable.reinitialised)
    assert fast.history[0] == readable.history[0]
    for p, q in zip(fast.history, readable.history):
        assert_same_parameters((p.weights, p.means, p.covariances),
                               (q.weights, q.means, q.covariances), X, rtol=rtol)
    scale = np.abs(readable.log_likelihoods).max()
    np.testing.assert_allclose(fast.log_likelihoods, readable.log_likelihoods,
                               rtol=0, atol=rtol * scale)
    np.testing.assert_allclose(fast.start_log_likelihoods, readable.start_log_likelihoods,
                               rtol=0, atol=rtol * scale)


def two_clusters(seed=1, n=25):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(0, 1, (n, 2)), rng.normal([4, 0], 1, (n, 2))])


def far_from_the_origin():
    rng = np.random.default_rng(0)
    return 1.7e9 + 0.01 * np.r_[rng.normal(-1, 0.3, 150), rng.normal(1, 0.5, 150)]


def thin_line():
    """A cluster along x2 = 2 x1, 1e-6 across it, and a round one."""
    rng = np.random.default_rng(0)
    t = rng.normal(size=200)
    return np.r_[np.c_[t, 2 * t + 1e-6 * rng.normal(size=200)],
                 0.5 * rng.normal(size=(200, 2)) + [6.0, 0.0]]


FITS = {
    "blobs": (lambda: three_blobs_2d()[0], 3, {}),
    "bumps, 1-D": (lambda: three_bumps_1d()[0], 3, {"tol": 1e-3}),
    "Old Faithful": (lambda: np.asarray(old_faithful(), dtype=float), 3, {"tol": 1e-8}),
    "one component": (lambda: three_blobs_2d()[0], 1, {}),
    "several starts": (lambda: three_blobs_2d()[0], 4, {"n_init": 4, "seed": 7, "init": "random"}),
    "large reg_covar": (lambda: three_blobs_2d()[0], 3, {"reg_covar": 0.05}),
    "a prior": (lambda: three_blobs_2d()[0], 3,
                {"covariance_prior": CovariancePrior(0.5, 4.0), "reg_covar": 0.0, "tol": 0,
                 "max_iter": 40}),
    "far from the origin": (far_from_the_origin, 2, {}),
    "16-D": (lambda: mixture(3000, 16, 5, seed=3)[0], 5, {"tol": 0, "max_iter": 25}),
    "clusters far apart, 24-D": (lambda: mixture(2000, 24, 6, seed=4, apart=5.0)[0], 6, {}),
    "restarts": (lambda: two_clusters(), 4,
                 {"reg_covar": 0.0, "seed": 3, "init": "random", "on_collapse": "reinit"}),
}

COLLAPSES = {
    "onto identical points": (lambda: np.array([0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 8.0]), 2,
                              {"reg_covar": 0.0, "max_iter": 200,
                               "init": GMMParams.from_1d([0.5, 0.5], [0.0, 7.0], [1.0, 4.0])}),
    "onto a point on its own": (lambda: np.array([0.0, 1e-300, 5, 6, 7, 8, 9, 10]), 2,
                                {"reg_covar": 0.0, "max_iter": 200,
                                 "init": GMMParams.from_1d([0.5, 0.5], [0.0, 7.0], [1.0, 4.0])}),
    "onto a line": (lambda: np.r_[np.c_[np.linspace(0, 1, 20), 3 * np.linspace(0, 1, 20)],
                                  np.random.default_rng(0).normal(size=(20, 2)) + [5, 0]], 2,
                    {"reg_covar": 0.0, "max_iter": 200}),
    "by accident": (lambda: two_clusters(), 4, {"reg_covar": 0.0, "seed": 3, "init": "random"}),
    "again after restarts": (lambda: np.array([0.0, 0.0, 0.0, 0.0, 0.0, 10.0]), 2,
                             {"reg_covar": 0.0, "on_collapse": "reinit"}),
}


@pytest.mark.parametrize("name", FITS)
def test_fit_is_unchanged_by_the_fast_path(monkeypatch, name):
    data, K, options = FITS[name]
    X = data()
    fast, readable = fit_both_ways(monkeypatch, X, K, **options)
    assert not isinstance(fast, SingularityError) and not isinstance(readable, SingularityError)
    assert_same_fit(fast, readable, np.atleast_2d(X.T).T, rtol=1e-10)


@pytest.mark.parametrize("name", COLLAPSES)
def test_collapses_are_caught_at_the_same_component_and_iteration(monkeypatch, name):
    data, K, options = COLLAPSES[name]
    X = data()
    fast, readable = fit_both_ways(monkeypatch, X, K, **options)
    assert isinstance(fast, SingularityError) and isinstance(readable, SingularityError)
    assert (fast.component, fast.iteration) == (readable.component, readable.iteration)
    assert str(fast) == str(readable)
    assert_same_fit(fast.result, readable.result, np.atleast_2d(X.T).T, rtol=1e-10)


def test_an_ill_conditioned_fit_ends_in_the_same_place(monkeypatch):
    """Across the thin line the covariance has a condition number near 1e12,
    which magnifies round-off a millionfold, up to the size of the changes
    that decide convergence: both paths converge to the same parameters (to
    1e-6), within one iteration of each other."""
    X = thin_line()
    fast, readable = fit_both_ways(monkeypatch, X, 2, reg_covar=0.0)
    assert fast.converged and readable.converged
    assert abs(fast.n_iter - readable.n_iter) <= 1
    p, q = fast.params, readable.params
    assert_same_parameters((p.weights, p.means, p.covariances),
                           (q.weights, q.means, q.covariances), X, rtol=1e-6)
    assert fast.log_likelihoods[-1] == pytest.approx(readable.log_likelihoods[-1], rel=1e-6)
