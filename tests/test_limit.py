"""K-means as the small-sigma limit of EM: soft assignments and the sigma explorer of
lesson 08, driven from code as an instructor would drive it."""

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import gmmlib
from gmmlib.datasets import three_blobs_2d
from gmmlib.limit import SigmaExplorer, hard_fraction, plot_soft_assignments, sigma_explorer
from gmmlib.lloyd import assign, soft_assign
from gmmlib.plotting import component_colors, soft_colors

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data():
    X, _ = three_blobs_2d(n_samples=150, seed=3)
    return X, gmmlib.kmeans(X, 3, seed=0).centres


@pytest.fixture(scope="module")
def explorer(data):
    return sigma_explorer(*data, sigma=1.0)


def _png(widget):
    return np.asarray(Image.open(io.BytesIO(widget.image.value)).convert("RGB"))


def test_hard_fraction_counts_rows_above_the_threshold():
    resp = np.array([[1.0, 0.0], [0.995, 0.005], [0.5, 0.5], [0.2, 0.8]])
    assert hard_fraction(resp) == 0.5
    assert hard_fraction(resp, threshold=0.7) == 0.75


def test_plot_soft_assignments_colours_points_by_the_responsibilities(data):
    X, centres = data
    ax = Figure().subplots()
    drawn = plot_soft_assignments(ax, X, centres, 0.5)
    np.testing.assert_allclose(drawn["resp"], soft_assign(X, centres, 0.5))
    np.testing.assert_allclose(drawn["points"].get_facecolors()[:, :3], soft_colors(drawn["resp"]))
    assert [c.get_radius() for c in drawn["circles"]] == [0.5] * 3
    for circle, colour in zip(drawn["circles"], component_colors(3)):
        np.testing.assert_allclose(circle.get_edgecolor()[:3], colour)
    assert "σ = 0.5" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()


def test_plot_soft_assignments_rejects_data_it_cannot_draw(data):
    X, centres = data
    ax = Figure().subplots()
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot_soft_assignments(ax, np.zeros((5, 3)), np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match="centres must have shape"):
        plot_soft_assignments(ax, X, np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match="sigma must be a positive number"):
        plot_soft_assignments(ax, X, centres, 0.0)


def test_slider_hardens_the_colours_and_redraws(explorer, data):
    X, centres = data
    assert isinstance(explorer, SigmaExplorer)
    assert explorer.sigma == pytest.approx(1.0)
    soft = hard_fraction(explorer.resp)
    png_before = _png(explorer)

    explorer.slider.value = 0.05
    assert explorer.sigma == pytest.approx(0.05)
    resp = explorer.resp
    np.testing.assert_allclose(resp, soft_assign(X, centres, 0.05))
    assert hard_fraction(resp) > soft
    np.testing.assert_array_equal(resp.argmax(axis=1), assign(X, centres))
    np.testing.assert_allclose(explorer.points.get_facecolors()[:, :3], soft_colors(resp))
    assert all(c.get_radius() == pytest.approx(0.05) for c in explorer.circles)
    assert f"{hard_fraction(resp):.1%}" in explorer.readout.value
    assert "0.05" in explorer.readout.value
    assert not np.array_equal(png_before, _png(explorer))
    explorer.slider.value = 1.0


def test_at_small_sigma_the_em_mean_update_is_the_kmeans_move(data):
    """The limit the lesson prints: weighted means with hardened weights = cluster means."""
    X, _ = data
    start = gmmlib.kmeans(X, 3, seed=0, max_iter=0).centres
    resp = soft_assign(X, start, 0.01)
    em_means = resp.T @ X / resp.sum(axis=0)[:, None]
    moved = gmmlib.kmeans(X, 3, init=start, max_iter=1).centres
    np.testing.assert_allclose(em_means, moved, atol=1e-9)


def test_explorer_shows_a_png_without_a_widget_manager(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle
