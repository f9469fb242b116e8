"""Plotting helpers and data sets: the geometry and the numbers behind the pictures."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.stats import norm

import gmmlib
from gmmlib.datasets import sample_mixture, three_blobs_2d, three_bumps_1d
from gmmlib.plotting import (
    component_colors,
    covariance_ellipse,
    plot_covariance_ellipses,
    plot_mixture_1d,
    soft_colors,
    weighted_component_densities,
)


def test_weighted_component_curves_have_area_pi_and_sum_to_one():
    params = gmmlib.GMMParams.from_1d([0.2, 0.5, 0.3], [-3, 0, 4], [0.25, 1.0, 4.0])
    x = np.linspace(-15, 20, 20001)
    dens = weighted_component_densities(x, params)
    np.testing.assert_allclose(np.trapezoid(dens, x, axis=1), params.weights, atol=1e-6)
    np.testing.assert_allclose(np.trapezoid(dens.sum(axis=0), x), 1.0, atol=1e-6)
    # variances, not standard deviations: component 2 has sigma = 2
    np.testing.assert_allclose(dens[2], 0.3 * norm.pdf(x, loc=4, scale=2.0))


def test_plot_mixture_1d_draws_the_sum_of_the_components():
    params = gmmlib.GMMParams.from_1d([0.5, 0.5], [0, 3], [1, 1])
    ax = Figure().subplots()
    drawn = plot_mixture_1d(ax, params, data=[0.0, 1.0, 3.0])
    total = sum(line.get_ydata() for line in drawn["components"])
    np.testing.assert_allclose(drawn["mixture"].get_ydata(), total)


@pytest.mark.parametrize(
    "cov, width, height, angle",
    [
        ([[4.0, 0.0], [0.0, 1.0]], 2 * 2.0, 2 * 1.0, 0.0),  # diagonal: radii are sqrt of variances
        ([[1.0, 0.0], [0.0, 9.0]], 2 * 3.0, 2 * 1.0, 90.0),  # major axis along x2
        # rotated by 30 degrees: R diag(9, 1) R^T
        (None, 2 * 3.0, 2 * 1.0, 30.0),
        ([[1.0, 0.999999], [0.999999, 1.0]], 2 * np.sqrt(1.999999), 2 * np.sqrt(1e-6), 45.0),  # nearly singular
    ],
)
def test_covariance_ellipse_geometry(cov, width, height, angle):
    if cov is None:
        t = np.radians(30)
        R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        cov = R @ np.diag([9.0, 1.0]) @ R.T
    centre, w, h, a = covariance_ellipse([1.0, -2.0], cov, n_std=1)
    assert centre == (1.0, -2.0)
    assert np.isclose(w, width, rtol=1e-6) and np.isclose(h, height, rtol=1e-5)
    assert np.isclose(a % 180, angle % 180, atol=1e-6)
    # n_std scales both axes
    _, w2, h2, _ = covariance_ellipse([0, 0], cov, n_std=2)
    assert np.isclose(w2, 2 * w) and np.isclose(h2, 2 * h)


def test_covariance_ellipse_points_lie_at_one_mahalanobis_distance():
    cov = np.array([[2.0, 1.2], [1.2, 1.5]])
    centre, w, h, a = covariance_ellipse([0.0, 0.0], cov, n_std=1)
    t = np.linspace(0, 2 * np.pi, 50)
    ang = np.radians(a)
    pts = np.stack([w / 2 * np.cos(t), h / 2 * np.sin(t)])
    pts = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]]) @ pts
    maha = np.einsum("in,ij,jn->n", pts, np.linalg.inv(cov), pts)
    np.testing.assert_allclose(maha, 1.0)


def test_covariance_ellipse_rejects_bad_input():
    with pytest.raises(ValueError, match="2x2"):
        covariance_ellipse([0, 0, 0], np.eye(3))


def test_plot_covariance_ellipses_one_per_component_and_std():
    params = gmmlib.GMMParams([0.5, 0.5], [[0, 0], [3, 3]], [np.eye(2), np.diag([4.0, 1.0])])
    ax = Figure().subplots()
    drawn = plot_covariance_ellipses(ax, params, n_std=(1, 2, 3))
    assert [len(patches) for patches, _ in drawn] == [3, 3]
    assert np.isclose(drawn[1][0][2].get_width(), 2 * 3 * 2.0)


def test_soft_colours_mix_component_colours():
    resp = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    c = component_colors(2)
    got = soft_colors(resp)
    np.testing.assert_allclose(got[:2], c)
    np.testing.assert_allclose(got[2], c.mean(axis=0))


def test_datasets_are_seeded_and_follow_their_mixture():
    x1, z1 = three_bumps_1d()
    x2, z2 = three_bumps_1d()
    assert np.array_equal(x1, x2) and np.array_equal(z1, z2)
    assert not np.array_equal(three_bumps_1d(seed=1)[0], x1)
    X, z = three_blobs_2d()
    assert X.shape == (500, 2) and z.shape == (500,)


def test_sample_mixture_statistics():
    """Component counts and per-component means within a few standard errors."""
    params = gmmlib.GMMParams([0.6, 0.4], [[0, 0], [5, 5]], [np.diag([1.0, 4.0]), np.eye(2)])
    n = 20000
    X, z = sample_mixture(params, n, seed=1)
    counts = np.bincount(z)
    se = np.sqrt(n * params.weights * (1 - params.weights))
    assert np.all(np.abs(counts - n * params.weights) < 4 * se)
    for k in range(2):
        Xk = X[z == k]
        se_mean = np.sqrt(np.diag(params.covariances[k]) / len(Xk))
        assert np.all(np.abs(Xk.mean(axis=0) - params.means[k]) < 4 * se_mean)
        np.testing.assert_allclose(np.cov(Xk.T), params.covariances[k], atol=0.15)
    assert not np.all(np.diff(z) >= 0)  # not grouped by component


def test_sample_mixture_rejects_bad_input():
    with pytest.raises(ValueError, match="GMMParams"):
        sample_mixture([0.5, 0.5], 10)
    with pytest.raises(ValueError, match="n_samples"):
        sample_mixture(gmmlib.GMMParams.from_1d([1.0], [0.0], [1.0]), 0)


def test_plot_mixture_2d_colours_points_by_responsibilities():
    from gmmlib.plotting import UNASSIGNED_COLOR, plot_mixture_2d

    params = gmmlib.GMMParams([0.5, 0.5], [[0, 0], [6, 0]], [np.eye(2), np.eye(2)])
    X = np.array([[0.0, 0.0], [6.0, 0.0], [3.0, 0.0]])
    ax = Figure().subplots()
    drawn = plot_mixture_2d(ax, params, X, n_std=(1, 2, 3))
    colours = drawn["points"].get_facecolors()[:, :3]
    c = component_colors(2)
    np.testing.assert_allclose(colours[0], c[0], atol=1e-6)
    np.testing.assert_allclose(colours[1], c[1], atol=1e-6)
    np.testing.assert_allclose(colours[2], c.mean(axis=0), atol=1e-6)  # halfway: an even blend
    assert [len(patches) for patches, _ in drawn["components"]] == [3, 3]
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"

    grey = plot_mixture_2d(Figure().subplots(), params, X, soft=False)["points"]
    np.testing.assert_allclose(grey.get_facecolors()[:, :3], np.tile(UNASSIGNED_COLOR, (3, 1)))
    assert plot_mixture_2d(Figure().subplots(), params)["points"] is None
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot_mixture_2d(Figure().subplots(), params, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="2-D"):
        plot_mixture_2d(Figure().subplots(), gmmlib.GMMParams.from_1d([1.0], [0.0], [1.0]))


def test_plot_strips_one_row_per_group_in_order():
    from gmmlib.plotting import plot_strips

    ax = Figure().subplots()
    groups = {"first": [1.0, 2.0, 3.0], "second": np.array([5.0, 5.0])}
    drawn = plot_strips(ax, groups, jitter=0.2)
    assert len(drawn) == 2
    for row, (collection, values) in enumerate(zip(drawn, groups.values())):
        offsets = collection.get_offsets()
        np.testing.assert_allclose(offsets[:, 0], values)
        assert np.all(np.abs(offsets[:, 1] - row) <= 0.2)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["first", "second"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the first group on top


def test_plot_kmeans_2d_shades_each_place_by_its_nearest_centre():
    from gmmlib.plotting import plot_kmeans_2d

    X = np.array([[0.0, 0.0], [1.0, 0.2], [4.0, 0.0], [4.2, 1.0]])
    centres = np.array([[0.5, 0.1], [4.1, 0.5]])
    labels = np.array([0, 0, 1, 1])
    ax = Figure().subplots()
    drawn = plot_kmeans_2d(ax, X, labels, centres, margin=0.5)
    c = component_colors(2)
    np.testing.assert_allclose(drawn["points"].get_facecolors()[:, :3], c[labels], atol=1e-6)
    assert len(drawn["centres"]) == 2
    image = drawn["regions"].get_array()
    x0, x1, y0, y1 = drawn["regions"].get_extent()
    assert (x0, x1) == pytest.approx((-0.5, 4.7)) and (y0, y1) == pytest.approx((-0.5, 1.5))
    # the left edge of the picture is nearest centre 0, the right edge centre 1
    left, right = image[150, 0], image[150, -1]
    assert not np.allclose(left, right)
    np.testing.assert_allclose(left, 0.82 + 0.18 * c[0])
    np.testing.assert_allclose(right, 0.82 + 0.18 * c[1])
    # every pixel has the colour of its nearest centre
    cols = np.linspace(x0, x1, 300)
    row_y = np.linspace(y0, y1, 300)[150]
    for j in (0, 299, 100, 200):
        p = np.array([cols[j], row_y])
        nearest = np.argmin(((centres - p) ** 2).sum(axis=1))
        np.testing.assert_allclose(image[150, j], 0.82 + 0.18 * c[nearest])
    assert ax.get_aspect() == 1.0
    assert plot_kmeans_2d(Figure().subplots(), X, labels, centres, regions=False)["regions"] is None
    with pytest.raises(ValueError, match="labels"):
        plot_kmeans_2d(Figure().subplots(), X, np.array([0, 1, 2, 0]), centres)
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot_kmeans_2d(Figure().subplots(), X[:, :1], labels, centres)
