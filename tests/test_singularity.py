"""The spike explorer of lesson 05, driven from code as an instructor would drive it."""

import io

import numpy as np
import pytest
from PIL import Image

import gmmlib
from gmmlib.datasets import three_bumps_1d
from gmmlib.singularity import (
    SpikeExplorer,
    broad_component,
    spike_explorer,
    spike_log_likelihoods,
    spike_params,
)


@pytest.fixture(scope="module")
def x():
    return three_bumps_1d(n_samples=40, seed=2)[0]


@pytest.fixture(scope="module")
def explorer(x):
    return spike_explorer(x, 0, sigma=1.0)


def _png(widget):
    return np.asarray(Image.open(io.BytesIO(widget.image.value)).convert("RGB"))


def test_spike_params_put_the_spike_last_on_the_chosen_point(x):
    params = spike_params(x, 3, 0.01, weight=0.1)
    assert params.n_components == 2
    np.testing.assert_allclose(params.weights, [0.9, 0.1])
    np.testing.assert_allclose(params.means[:, 0], [x.mean(), x[3]])
    np.testing.assert_allclose(params.covariances[:, 0, 0], [x.var(), 1e-4])  # sigma**2, not sigma

    base = gmmlib.fit(x, 3, seed=0).params
    with_base = spike_params(x, 3, 0.01, weight=0.1, base=base)
    assert with_base.n_components == 4
    np.testing.assert_allclose(with_base.weights[:3], 0.9 * base.weights)
    assert with_base.means[3, 0] == x[3]


def test_log_likelihood_grows_like_minus_log_sigma(x):
    """Each factor 10 off sigma adds log(10) once the spike is narrow: the
    point under it gains -log(sigma), the others keep their finite terms."""
    sigmas = 10.0 ** -np.arange(6, 12)
    total, term = spike_log_likelihoods(x, 5, sigmas, weight=0.05)
    np.testing.assert_allclose(np.diff(total), np.log(10), atol=1e-5)
    np.testing.assert_allclose(term + np.log(sigmas), np.log(0.05) - 0.5 * np.log(2 * np.pi), atol=1e-5)
    np.testing.assert_allclose(np.diff(total - term), 0, atol=1e-9)
    params = spike_params(x, 5, 1e-9, weight=0.05)
    assert np.isclose(total[3], gmmlib.log_likelihood(x, params))


def test_slider_redraws_density_marker_and_readout(explorer, x):
    """Setting the slider from code redraws the spike at its true height, moves
    the marker to the new log-likelihood and rewrites the readout."""
    assert isinstance(explorer, SpikeExplorer)
    png_before = _png(explorer)
    ll_before, _ = explorer.log_likelihoods

    explorer.slider.value = 1e-4
    assert explorer.sigma == pytest.approx(1e-4)
    spike_line = explorer.lines[-1]
    peak = explorer.weight / (np.sqrt(2 * np.pi) * 1e-4)
    assert spike_line.get_ydata().max() == pytest.approx(peak)
    assert spike_line.get_xdata()[np.argmax(spike_line.get_ydata())] == x[0]
    total, term = explorer.log_likelihoods
    assert total > ll_before
    assert np.isclose(total, gmmlib.log_likelihood(x, explorer.params))
    mx, my = explorer.marker.get_data()
    assert mx[0] == pytest.approx(1e-4) and my[0] == pytest.approx(total)
    assert f"{total:.3f}" in explorer.readout.value
    assert f"{term:.3f}" in explorer.readout.value
    assert "1.00e-04" in explorer.readout.value
    assert not np.array_equal(png_before, _png(explorer))

    explorer.slider.value = 1e-6
    at_1e6 = explorer.log_likelihoods[0]
    explorer.slider.value = 1e-8
    assert explorer.log_likelihoods[0] == pytest.approx(at_1e6 + 2 * np.log(10), abs=1e-4)


def test_mixture_curve_is_the_sum_of_the_components(explorer):
    explorer.slider.value = 1e-2
    total = sum(line.get_ydata() for line in explorer.lines)
    np.testing.assert_allclose(explorer.mixture.get_ydata(), total, rtol=1e-12, atol=1e-250)


def test_explorer_with_a_fitted_base(x):
    base = gmmlib.fit(x, 3, seed=0).params
    e = spike_explorer(x, 2, base=base, weight=0.05, sigma=1e-3)
    assert len(e.lines) == 4
    assert np.isclose(e.log_likelihoods[0],
                      gmmlib.log_likelihood(x, spike_params(x, 2, 1e-3, 0.05, base)))


@pytest.mark.parametrize("where", ["smallest", "largest"])
def test_legend_leaves_the_spike_visible(x, where):
    """At small sigma the spike reaches the top of the density panel; the
    legend sits in the upper corner away from it, so it never covers it."""
    index = int(np.argmin(x) if where == "smallest" else np.argmax(x))
    e = spike_explorer(x, index, sigma=1e-8)
    ax = e.lines[-1].axes
    e.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    spike_x, _ = ax.transData.transform((x[index], 1.0))
    assert not legend.x0 - 5 <= spike_x <= legend.x1 + 5


def test_static_png_in_the_mime_bundle(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle


@pytest.mark.parametrize("kwargs, message", [
    (dict(index=100), "outside"),
    (dict(index=1.5), "integer"),
    (dict(index=0, weight=1.0), "weight"),
    (dict(index=0, sigma=0.0), "sigma"),
])
def test_bad_arguments_are_named(x, kwargs, message):
    with pytest.raises(ValueError, match=message):
        spike_explorer(x, **kwargs)


def test_two_dimensional_data_is_refused():
    with pytest.raises(ValueError, match="1-D"):
        spike_params(np.zeros((5, 2)), 0, 0.1)


def test_broad_component_has_the_data_moments(x):
    p = broad_component(x)
    assert p.n_components == 1
    assert np.isclose(p.means[0, 0], x.mean()) and np.isclose(p.covariances[0, 0, 0], x.var())


def test_importing_gmmlib_does_not_import_the_widgets():
    import subprocess
    import sys

    code = "import sys, gmmlib; print('ipywidgets' in sys.modules, 'gmmlib.singularity' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_explorer_snaps_to_its_round_values_and_renders_them_ahead(explorer):
    """The slider runs over round sigmas, 5 a decade; show() picks the nearest
    on a log scale, and every value's frame exists before the slider moves."""
    assert explorer.sigmas[:3] == [1e-8, 1.6e-8, 2.5e-8] and explorer.sigmas[-1] == 1.0
    assert len(explorer.frames) == len(explorer.sigmas) == 41
    explorer.show(3.3e-3)
    assert explorer.sigma == 4e-3
    assert explorer.image.value == explorer.frames[explorer.sigmas.index(4e-3)]
    assert "4.00e-03" in explorer.readout.value
    for bad in (0, -1e-3, float("nan")):
        with pytest.raises(ValueError, match="positive"):
            explorer.show(bad)
    page = explorer._repr_mimebundle_()["text/html"]
    assert page.count("gmmlib-static-player") == 1 and 'max="40"' in page
