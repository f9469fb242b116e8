"""Lloyd's K-means, its stepper, the small-sigma limit of EM, and BIC/AIC."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

import gmmlib
from gmmlib import aic, bic, kmeans, n_parameters
from gmmlib.datasets import three_blobs_2d, three_bumps_1d
from gmmlib.lloyd import assign, inertia, move_centres, soft_assign
from gmmlib.widgets import KMeansStepper, kmeans_stepper


@pytest.mark.parametrize("seed, init", [(0, "random"), (1, "random"), (2, "kmeans++")])
def test_kmeans_matches_scikit_learn_from_the_same_centres(seed, init):
    X, _ = three_blobs_2d(n_samples=400, seed=seed)
    ours = kmeans(X, 3, init=init, seed=seed)
    theirs = KMeans(3, init=ours.history[0], n_init=1, algorithm="lloyd", tol=0,
                    max_iter=300).fit(X)
    np.testing.assert_allclose(ours.centres, theirs.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(ours.labels, theirs.labels_)
    assert ours.inertia == pytest.approx(theirs.inertia_)
    assert ours.converged


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(seed=st.integers(0, 10_000), n=st.integers(10, 120), D=st.integers(1, 3), K=st.integers(1, 4))
def test_inertia_never_increases(seed, n, D, K):
    X = np.random.default_rng(seed).normal(size=(n, D)) * [1.0, 3.0, 0.5][:D]
    r = kmeans(X, K, seed=seed, init="random")
    assert np.all(np.diff(r.inertias) <= 1e-9 * (1 + r.inertias[:-1]))
    assert r.inertias[-1] == pytest.approx(inertia(X, r.centres))
    assert len(r.history) == len(r.inertias) == r.n_iter + 1


def test_one_iteration_is_assign_then_move():
    X, _ = three_blobs_2d(n_samples=200)
    r = kmeans(X, 3, max_iter=1, seed=4)
    labels = assign(X, r.history[0])
    np.testing.assert_allclose(r.history[1], move_centres(X, labels, r.history[0]))
    for k in range(3):
        np.testing.assert_allclose(r.history[1][k], X[labels == k].mean(axis=0))


def test_kmeans_is_deterministic_and_accepts_1d_lists():
    x, _ = three_bumps_1d(n_samples=100)
    a = kmeans(list(x), 3, seed=5)
    b = kmeans(x.reshape(-1, 1), 3, seed=5)
    np.testing.assert_array_equal(a.centres, b.centres)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_kmeans_rejects_bad_input():
    X, _ = three_blobs_2d(n_samples=50)
    with pytest.raises(ValueError, match="n_components=60 is more than the 50"):
        kmeans(X, 60)
    with pytest.raises(ValueError, match="init='nope'"):
        kmeans(X, 2, init="nope")
    with pytest.raises(ValueError, match=r"init has 3 centres but n_clusters=2"):
        kmeans(X, 2, init=np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"shape \(K, 2\)"):
        kmeans(X, 2, init=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        kmeans(np.array([[0.0, np.nan]]), 1)


def test_kmeans_does_not_modify_its_inputs():
    X, _ = three_blobs_2d(n_samples=100)
    init = X[:3].copy()
    X_before, init_before = X.copy(), init.copy()
    kmeans(X, 3, init=init)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(init, init_before)


# ---------------------------------------------------------------------------
# K-means as the small-sigma limit of EM


def test_soft_assignments_harden_as_sigma_shrinks():
    X, _ = three_blobs_2d(n_samples=200)
    centres = kmeans(X, 3, max_iter=2, seed=0).centres
    hard = np.eye(3)[assign(X, centres)]
    wide = soft_assign(X, centres, sigma=10.0)
    narrow = soft_assign(X, centres, sigma=1e-3)
    assert np.abs(wide - hard).max() > 0.5
    np.testing.assert_allclose(narrow, hard, atol=1e-12)
    np.testing.assert_allclose(soft_assign(X, centres, sigma=0.7).sum(axis=1), 1.0)


def test_small_sigma_em_step_is_the_kmeans_step():
    """With weights and a shared spherical sigma held fixed, EM's mean update is
    sum_i r_ik x_i / sum_i r_ik; at small sigma it equals the K-means move."""
    X, _ = three_blobs_2d(n_samples=300)
    centres = X[[0, 1, 2]]
    r = soft_assign(X, centres, sigma=1e-4)
    em_means = (r.T @ X) / r.sum(axis=0)[:, None]
    np.testing.assert_allclose(em_means, move_centres(X, assign(X, centres), centres), atol=1e-10)


def test_soft_assign_rejects_bad_sigma():
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        soft_assign([[0.0]], [[0.0]], sigma=0)


# ---------------------------------------------------------------------------
# The K-means stepper behaves like the EM stepper


@pytest.fixture(scope="module")
def km_stepper():
    X, _ = three_blobs_2d(n_samples=300, seed=2)
    return kmeans_stepper(X, 3, init="random", seed=3)


def test_kmeans_stepper_has_the_em_stepper_controls(km_stepper):
    assert isinstance(km_stepper, KMeansStepper)
    assert km_stepper.slider.max == 2 * km_stepper.result.n_iter
    assert km_stepper.play.max == km_stepper.slider.max
    assert km_stepper.figure is not None


def test_kmeans_assign_recolours_and_move_moves_centres(km_stepper):
    scene = km_stepper._scene
    km_stepper.slider.value = 2
    colours2 = scene.points.get_facecolors().copy()
    centres2 = [m.get_data() for m in scene.centres]
    km_stepper.slider.value = 3  # assignment of iteration 2
    colours3 = scene.points.get_facecolors().copy()
    assert [m.get_data() for m in scene.centres] == centres2
    assert not np.array_equal(colours2, colours3)
    km_stepper.slider.value = 4  # move of iteration 2
    assert np.array_equal(scene.points.get_facecolors(), colours3)
    expected = km_stepper.result.history[2]
    for marker, c in zip(scene.centres, expected):
        np.testing.assert_allclose(np.ravel(marker.get_data()), c)
    assert "inertia" in km_stepper.readout.value
    assert f"{km_stepper.result.inertias[2]:.3f}" in km_stepper.readout.value


def test_kmeans_colours_are_pure(km_stepper):
    km_stepper.slider.value = 1
    colours = km_stepper._scene.points.get_facecolors()[:, :3]
    palette = gmmlib.plotting.component_colors(3)
    labels = assign(km_stepper.steps.X, km_stepper.result.history[0])
    np.testing.assert_allclose(colours, palette[labels], atol=1e-6)


def test_kmeans_stepper_on_1d_and_its_filmstrip():
    x, _ = three_bumps_1d(n_samples=120)
    s = kmeans_stepper(x, 3, seed=0)
    s.slider.value = s.slider.max
    fig = s.filmstrip([0, 1, 2])
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles[:3] == ["step 0: start", "step 1: assign 1", "step 2: move 1"]
    assert titles[3] == "inertia"


# ---------------------------------------------------------------------------
# Parameter counts, BIC and AIC


def sklearn_at(params):
    gm = GaussianMixture(params.n_components, covariance_type="full")
    gm.weights_, gm.means_ = np.array(params.weights), np.array(params.means)
    gm.covariances_ = np.array(params.covariances)
    gm.precisions_cholesky_ = _compute_precision_cholesky(gm.covariances_, "full")
    return gm


@pytest.mark.parametrize("D, K", [(1, 1), (1, 3), (2, 2), (3, 4)])
def test_parameter_counts_bic_and_aic_match_scikit_learn(D, K):
    X = np.random.default_rng(D * 10 + K).normal(size=(150, D))
    params = gmmlib.fit(X, K, seed=0).params
    gm = sklearn_at(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert n_parameters(params) == gm._n_parameters()
    assert n_parameters(params) == (K - 1) + K * D + K * D * (D + 1) // 2
    assert bic(X, params) == pytest.approx(gm.bic(X), rel=1e-10)
    assert aic(X, params) == pytest.approx(gm.aic(X), rel=1e-10)
