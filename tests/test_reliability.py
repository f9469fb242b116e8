"""gmmlib where it is easy to get wrong: when EM stops, what counts as a
collapse, data far from the origin, points far from every component, and bad
arguments of every kind."""

import datetime
import warnings

import numpy as np
import pytest

import gmmlib
from gmmlib import GMMParams, SingularityError, e_step, fit, log_likelihood, m_step
from gmmlib.datasets import sample_mixture, three_blobs_2d, three_bumps_1d
from gmmlib.components import match_components, permute_components
from gmmlib.em import _kl_divergence
from gmmlib.plotting import plot_covariance_ellipses, plot_mixture_1d, plot_mixture_2d


def sklearn_fit(X, start, **options):
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(
        start.n_components, weights_init=start.weights, means_init=start.means,
        precisions_init=np.linalg.inv(start.covariances), **options,
    ).fit(X)


def blobs():
    return three_blobs_2d()[0]


# ---------------------------------------------------------------------------
# 1. Stopping


@pytest.mark.parametrize("tol", [1e-3, 1e-6])
@pytest.mark.parametrize("data", ["blobs", "bumps", "faithful"])
def test_stops_where_scikit_learn_stops_and_agrees_with_it(data, tol):
    """From the same start with the same tol, gmmlib runs as many iterations
    as scikit-learn and ends at the same parameters."""
    from gmmlib.datasets import old_faithful

    X = {"blobs": blobs(), "bumps": three_bumps_1d()[0][:, None],
         "faithful": np.asarray(old_faithful(), dtype=float)}[data]
    start = fit(X, 3, max_iter=0).params
    ours = fit(X, 3, init=start, tol=tol, max_iter=500)
    gm = sklearn_fit(X, start, tol=tol, max_iter=500)
    assert ours.converged and gm.converged_
    assert ours.n_iter == gm.n_iter_
    np.testing.assert_allclose(ours.params.weights, gm.weights_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.params.means, gm.means_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.params.covariances, gm.covariances_, rtol=0, atol=1e-6)


def test_goes_on_where_the_log_likelihood_only_turns():
    """With reg_covar=0.05 the log-likelihood rises, then falls towards EM's
    fixed point. Where it turns, one change is below tol: scikit-learn stops
    there while the parameters still move; gmmlib goes on to the fixed point."""
    X = blobs()
    start = fit(X, 3, max_iter=0, reg_covar=0.05).params
    ours = fit(X, 3, init=start, reg_covar=0.05, tol=1e-6)
    gm = sklearn_fit(X, start, reg_covar=0.05, tol=1e-6)
    changes = np.diff(ours.log_likelihoods) / len(X)
    turn = int(np.argmax(changes < 0))                  # first fall: index of iteration turn + 1
    assert abs(changes[turn]) < 1e-6 < abs(changes[turn + 1])
    assert gm.n_iter_ == turn + 2 < ours.n_iter
    fixed_point = fit(X, 3, init=start, reg_covar=0.05, tol=0, max_iter=300).params
    ours_off = np.abs(ours.params.means - fixed_point.means).max()
    sklearn_off = np.abs(gm.means_ - fixed_point.means).max()
    assert ours_off < sklearn_off / 10


def test_a_fall_of_the_log_likelihood_does_not_end_the_run():
    """Data in small units (variances ~1e-6) with the default reg_covar=1e-6:
    the log-likelihood falls after the first iteration. EM goes on to the
    fixed point instead of reporting convergence there."""
    X = blobs() * 1e-3
    result = fit(X, 3)
    changes = np.diff(result.log_likelihoods) / len(X)
    assert changes[1] < -1e-3            # a fall much larger than tol...
    assert result.converged and result.n_iter > 10   # ...does not stop EM
    far = fit(X, 3, tol=0, max_iter=1000).params
    assert np.abs(result.params.means - far.means).max() < 0.1 * 1e-3  # a tenth of a cluster's sd


@pytest.mark.parametrize("reg_covar", [0.0, 0.05])
def test_converged_means_another_iteration_would_barely_move(reg_covar):
    """After converged=True, one more EM iteration changes the mean
    log-likelihood by less than tol and moves the parameters by less than tol
    (KL divergence per point)."""
    X = blobs()
    tol = 1e-4
    result = fit(X, 3, tol=tol, reg_covar=reg_covar)
    assert result.converged
    following = m_step(X, e_step(X, result.params), reg_covar=reg_covar)
    change = (log_likelihood(X, following) - log_likelihood(X, result.params)) / len(X)
    assert abs(change) < tol
    assert _kl_divergence(following, result.params) < tol


def test_kl_move_is_the_rise_of_the_lower_bound():
    """The size of a step, KL(new || old) per point, equals the rise of EM's
    lower bound B(q, .) over that M-step (q = responsibilities of old), which
    the rise of the log-likelihood is at least."""
    X = blobs()
    old = fit(X, 3, max_iter=2, tol=0, reg_covar=0).params
    q = e_step(X, old)
    new = m_step(X, q, reg_covar=0)

    def bound(params):
        log_joint = gmmlib.component_log_densities(X, params) + np.log(params.weights)
        return float((q * log_joint).sum() - (q * np.log(q)).sum())

    kl = _kl_divergence(new, old)
    assert kl > 0
    assert kl == pytest.approx((bound(new) - bound(old)) / len(X), rel=1e-9)
    assert (log_likelihood(X, new) - log_likelihood(X, old)) / len(X) >= kl


# ---------------------------------------------------------------------------
# 2. Collapse means a covariance that floating point cannot use


def thin_line(seed=0):
    """A cluster along the line x2 = 2 x1, 1e-6 across it, and a round one."""
    rng = np.random.default_rng(seed)
    t = rng.normal(size=200)
    line = np.c_[t, 2 * t + 1e-6 * rng.normal(size=200)]
    round_ = 0.5 * rng.normal(size=(200, 2)) + [6.0, 0.0]
    return np.r_[line, round_]


def test_a_thin_but_valid_cluster_is_not_a_collapse():
    X = thin_line()
    start = fit(X, 2, max_iter=0, reg_covar=0).params
    ours = fit(X, 2, init=start, reg_covar=0)
    assert ours.converged and np.isfinite(ours.log_likelihoods[-1])
    smallest = np.linalg.eigvalsh(ours.params.covariances).min()
    assert 1e-13 < smallest < 1e-11      # the line's variance across, 1e-12
    gm = sklearn_fit(X, start, reg_covar=0, tol=1e-6)
    assert ours.log_likelihoods[-1] / len(X) == pytest.approx(gm.score(X), abs=1e-6)


def test_a_thin_cluster_far_from_a_wide_one_is_not_a_collapse():
    """The old rule compared with the data set's variance: a cluster 1e-5 wide
    next to one 1e4 wide looked collapsed. Each is judged on its own scale now."""
    rng = np.random.default_rng(1)
    x = np.r_[1e-5 * rng.normal(size=100), 1e4 * rng.normal(size=100) + 5e4]
    result = fit(x, 2, reg_covar=0)
    assert result.converged
    assert sorted(result.params.covariances.ravel()) == pytest.approx([1e-10, 1e8], rel=0.3)


@pytest.mark.parametrize("data", [
    [0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 8.0],                 # identical points
    [0.0, 1e-300, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],        # a point on its own
])
def test_a_real_collapse_is_still_caught(data):
    with pytest.raises(SingularityError, match="collapsed") as info:
        fit(data, 2, reg_covar=0, init=GMMParams.from_1d([0.5, 0.5], [0.0, 7.0], [1.0, 4.0]),
            max_iter=200)
    assert info.value.component == 0
    assert all(np.isfinite(info.value.result.log_likelihoods))


def test_a_line_of_identical_points_in_2d_is_a_collapse():
    """Points exactly on a line: the conditional variance across it is zero to rounding."""
    t = np.linspace(0, 1, 20)
    X = np.r_[np.c_[t, 3 * t], np.random.default_rng(0).normal(size=(20, 2)) + [5, 0]]
    with pytest.raises(SingularityError):
        fit(X, 2, reg_covar=0, max_iter=200)


# ---------------------------------------------------------------------------
# 3. Data far from the origin

SHIFT = 1.7e9


def far_and_near(seed=0):
    """Points near 1.7e9 with a spread of 0.01, and the same points minus 1.7e9
    (exactly: both are stored floats, and the subtraction is exact)."""
    rng = np.random.default_rng(seed)
    far = SHIFT + 0.01 * np.r_[rng.normal(-1, 0.3, 150), rng.normal(1, 0.5, 150)]
    near = far - SHIFT
    assert np.array_equal(near + SHIFT, far)
    return far, near


def test_densities_are_invariant_to_a_shift():
    far, near = far_and_near()
    variances = [0.003 ** 2, 0.005 ** 2]
    P_far = GMMParams.from_1d([0.4, 0.6], SHIFT + np.array([-0.0098, 0.0102]), variances)
    P_near = GMMParams.from_1d([0.4, 0.6], P_far.means[:, 0] - SHIFT, variances)  # exact
    np.testing.assert_allclose(e_step(far, P_far), e_step(near, P_near), rtol=0, atol=1e-12)
    assert log_likelihood(far, P_far) == pytest.approx(log_likelihood(near, P_near), rel=1e-12)
    np.testing.assert_array_equal(gmmlib.predict(far, P_far), gmmlib.predict(near, P_near))


def test_m_step_is_invariant_to_a_shift():
    far, near = far_and_near()
    resp = e_step(near, GMMParams.from_1d([0.5, 0.5], [-0.01, 0.01], [1e-5, 1e-5]))
    a, b = m_step(far, resp), m_step(near, resp)
    np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)
    np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-10)
    # A mean near 1.7e9 is stored to the spacing of floats there (2.4e-7).
    np.testing.assert_allclose(a.means - SHIFT, b.means, rtol=0, atol=2 * np.spacing(SHIFT))


def test_fit_is_invariant_to_a_shift():
    far, near = far_and_near()
    a, b = fit(far, 2), fit(near, 2)
    assert a.n_iter == b.n_iter and a.converged and b.converged
    np.testing.assert_allclose(a.log_likelihoods, b.log_likelihoods, rtol=1e-12)
    np.testing.assert_allclose(a.params.weights, b.params.weights, rtol=1e-12)
    np.testing.assert_allclose(a.params.covariances, b.params.covariances, rtol=1e-10)
    np.testing.assert_allclose(a.params.means - SHIFT, b.params.means, rtol=0,
                               atol=2 * np.spacing(SHIFT))


# ---------------------------------------------------------------------------
# 4. Points far from every component

EQUIDISTANT = GMMParams([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [np.eye(2), np.eye(2)])


@pytest.mark.parametrize("distance", [1e3, 1e6, 1e7, 1e8, 1e12, 1e100, 1e150])
def test_rows_sum_to_one_however_far_the_point(distance):
    X = np.array([[0.0, distance], [0.0, -distance], [0.3, 0.0]])
    resp = e_step(X, EQUIDISTANT)
    assert np.all(np.isfinite(resp))
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    m_step(X, resp)  # e_step's own output is always valid input


@pytest.mark.parametrize("function", [e_step, log_likelihood, gmmlib.predict,
                                      gmmlib.log_mixture_density])
def test_an_overflowing_distance_says_to_rescale(function):
    X = np.array([[0.0, 1e200], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"point 0 .* overflows .* Rescale the data"):
        function(X, EQUIDISTANT)


def test_fit_on_huge_data_says_to_rescale():
    X = 1e200 * np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match=r"too large .* Rescale the data"):
        fit(X, 2)


# ---------------------------------------------------------------------------
# 5. Bad arguments: a ValueError that says what to do


def plot_with(plot, params):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        plot(ax, params)
    finally:
        plt.close(fig)


def fitted_sklearn():
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(2, random_state=0).fit(blobs())


NOT_PARAMS = {
    "None": (None, r"it is None: pass e\.g\. result\.params"),
    "dict": ({"weights": [1.0], "means": [[0, 0]], "covariances": [np.eye(2)]},
             r"it is a dict: build GMMParams\(\*\*d\)"),
    "tuple": (([1.0], [[0, 0]], [np.eye(2)]), r"build GMMParams\(weights, means, covariances\)"),
    "sklearn": ("sklearn", r"scikit-learn GaussianMixture: .*gmmlib\.plotting\.sklearn_params"),
}


@pytest.mark.parametrize("case", NOT_PARAMS, ids=list(NOT_PARAMS))
@pytest.mark.parametrize("function", [
    e_step, log_likelihood, gmmlib.predict, gmmlib.predict_proba, gmmlib.component_log_densities,
    gmmlib.log_mixture_density, gmmlib.bic, gmmlib.aic,
    lambda X, p: gmmlib.n_parameters(p), lambda X, p: sample_mixture(p, 10),
    lambda X, p: fit(X, 2, init=p),
    lambda X, p: match_components(p, p), lambda X, p: permute_components(p, [0, 1]),
    lambda X, p: plot_with(plot_mixture_1d, p), lambda X, p: plot_with(plot_mixture_2d, p),
    lambda X, p: plot_with(plot_covariance_ellipses, p),
], ids=["e_step", "log_likelihood", "predict", "predict_proba", "component_log_densities",
        "log_mixture_density", "bic", "aic", "n_parameters", "sample_mixture", "fit-init",
        "match_components", "permute_components", "plot_mixture_1d", "plot_mixture_2d",
        "plot_covariance_ellipses"])
def test_parameters_that_are_not_gmmparams(function, case):
    params, match = NOT_PARAMS[case]
    if params == "sklearn":
        params = fitted_sklearn()
    with pytest.raises(ValueError, match=match):
        function(blobs(), params)


BAD_DATA = {
    "complex": (np.array([1 + 2j, 3 + 0j, 4 + 1j]), r"complex numbers. Pass the real part"),
    "datetime64": (np.array(["2026-01-01", "2026-01-02", "2026-01-05"], dtype="datetime64[D]"),
                   r"dates or times"),
    "datetime": ([datetime.datetime(2026, 1, d) for d in (1, 2, 3)], r"could not read|dates"),
    "numeric-strings": (np.array(["1.0", "2.5", "3.0"]), r"strings.*Convert them to numbers"),
    "string-list": (["1.0", "2.5", "3.0"], r"strings"),
    "mixed-objects": (np.array([1.0, "2.5", 3.0], dtype=object), r"strings"),
    "booleans": (np.array([True, False, True]), r"booleans"),
}


@pytest.mark.parametrize("case", BAD_DATA, ids=list(BAD_DATA))
@pytest.mark.parametrize("function", [
    lambda X: fit(X, 1),
    lambda X: e_step(X, GMMParams.from_1d([1.0], [0.0], [1.0])),
    lambda X: gmmlib.kmeans(X, 1),
], ids=["fit", "e_step", "kmeans"])
def test_data_that_are_not_real_numbers(function, case):
    X, match = BAD_DATA[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        with pytest.raises(ValueError, match=match):
            function(X)


def test_complex_parameters_are_refused_too():
    with pytest.raises(ValueError, match=r"means .*complex"):
        GMMParams.from_1d([1.0], [1j], [1.0])


@pytest.mark.parametrize("option, value", [
    ("tol", "1e-3"), ("tol", True), ("reg_covar", "0.1"), ("reg_covar", False),
    ("max_iter", "10"), ("max_iter", True), ("n_init", "3"), ("n_init", True),
    ("seed", 1.5), ("seed", "0"), ("seed", -1), ("seed", True),
])
def test_options_of_the_wrong_type(option, value):
    with pytest.raises(ValueError, match=rf"{option} must be"):
        fit(blobs(), 2, **{option: value})


def test_kmeans_seed_is_checked_too():
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        gmmlib.kmeans(blobs(), 2, seed=-3)


def test_seed_none_is_fresh_randomness():
    assert fit(blobs(), 2, seed=None, max_iter=2).n_iter == 2


def test_weights_within_tolerance_are_normalised_everywhere():
    """Weights summing to 1 + 5e-7 are accepted, divided by their sum, and then
    work for sampling and give the log-likelihood of the normalised mixture."""
    w = np.array([0.3, 0.7]) * (1 + 5e-7)
    P = GMMParams.from_1d(w, [0.0, 5.0], [1.0, 1.0])
    assert P.weights.sum() == pytest.approx(1.0, abs=1e-15)
    X, _ = sample_mixture(P, 100)            # rng.choice insists on p summing to 1
    exact = GMMParams.from_1d([0.3, 0.7], [0.0, 5.0], [1.0, 1.0])
    assert log_likelihood(X, P) == pytest.approx(log_likelihood(X, exact), abs=1e-12)


def test_non_finite_message_names_each_kind_and_its_first_row():
    X = np.zeros((6, 2))
    X[0, 1] = np.inf
    X[3, 0] = X[5, 1] = np.nan
    with pytest.raises(ValueError, match=r"NaN in 2 rows, the first at row 3 and infinity in 1 row, row 0"):
        fit(X, 1)
    with pytest.raises(ValueError, match=r"resp contains NaN in 1 row, row 1"):
        m_step(np.zeros((2, 1)), [[1.0], [np.nan]])
