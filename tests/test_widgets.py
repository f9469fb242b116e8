"""The EM stepper, driven from code as an instructor would drive it."""

import base64
import html
import io
import json
import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

import gmmlib
from gmmlib.datasets import three_blobs_2d, three_bumps_1d
from gmmlib.steps import HalfSteps, em_filmstrip
from gmmlib.widgets import EMStepper, em_stepper


@pytest.fixture(scope="module")
def x1():
    return three_bumps_1d(n_samples=200, seed=3)[0]


@pytest.fixture(scope="module")
def stepper1(x1):
    return em_stepper(x1, 3, seed=0, max_iter=12, tol=0)


@pytest.fixture(scope="module")
def stepper2():
    X, _ = three_blobs_2d(n_samples=300, seed=4)
    return em_stepper(X, 3, seed=0, max_iter=8, tol=0)


def test_half_step_numbering():
    """Step 0 is the start, 2t-1 the E-step and 2t the M-step of iteration t."""
    result = gmmlib.fit(three_bumps_1d(50)[0], 2, max_iter=3, tol=0)
    steps = HalfSteps(gmmlib._validation.check_data(three_bumps_1d(50)[0]), result)
    assert len(steps) == 7
    got = [(s.kind, s.iteration, s.params_index, s.resp_index) for s in map(steps.__getitem__, range(7))]
    assert got == [("start", 0, 0, None),
                   ("E", 1, 0, 0), ("M", 1, 1, 0),
                   ("E", 2, 1, 1), ("M", 2, 2, 1),
                   ("E", 3, 2, 2), ("M", 3, 3, 2)]
    with pytest.raises(IndexError):
        steps[7]


def test_slider_covers_every_half_step(stepper1):
    assert isinstance(stepper1, EMStepper)
    assert stepper1.slider.min == 0
    assert stepper1.slider.max == 2 * stepper1.result.n_iter == 24
    assert stepper1.play.max == stepper1.slider.max


def _png(stepper):
    return np.asarray(Image.open(io.BytesIO(stepper.image.value)).convert("RGB"))


def test_e_step_recolours_points_and_m_step_moves_curves(stepper1):
    """Setting the slider from code redraws: an E-step changes only the point
    colours, an M-step changes only the curves."""
    scene = stepper1._scene
    shown = {}
    for v in (2, 3, 4):
        stepper1.slider.value = v
        shown[v] = (scene.points.get_facecolors().copy(),
                    [line.get_ydata().copy() for line in scene.lines],
                    _png(stepper1))
    colours2, curves2, png2 = shown[2]
    colours3, curves3, png3 = shown[3]  # E-step of iteration 2
    colours4, curves4, png4 = shown[4]  # M-step of iteration 2
    assert not np.allclose(colours2, colours3)
    assert all(np.array_equal(a, b) for a, b in zip(curves2, curves3))
    assert np.array_equal(colours3, colours4)
    assert not all(np.allclose(a, b) for a, b in zip(curves3, curves4))
    assert not np.array_equal(png2, png3) and not np.array_equal(png3, png4)


def test_curves_are_the_weighted_densities_of_the_drawn_params(stepper1):
    stepper1.slider.value = 6
    params = stepper1.result.history[3]
    x = stepper1._scene.lines[0].get_xdata()
    expected = gmmlib.plotting.weighted_component_densities(x, params)
    for line, d in zip(stepper1._scene.lines, expected):
        np.testing.assert_allclose(line.get_ydata(), d)
    np.testing.assert_allclose(stepper1._scene.mixture.get_ydata(), expected.sum(axis=0))


def test_points_start_grey_then_take_soft_colours(stepper1):
    stepper1.slider.value = 0
    grey = stepper1._scene.points.get_facecolors()[:, :3]
    assert np.allclose(grey, grey[0]) and np.allclose(grey[0], grey[0].mean())
    stepper1.slider.value = 1
    resp = gmmlib.e_step(stepper1.steps.X, stepper1.result.history[0])
    expected = resp @ gmmlib.plotting.component_colors(3)
    np.testing.assert_allclose(stepper1._scene.points.get_facecolors()[:, :3], expected, atol=1e-6)


def test_readout_and_marker_follow_the_slider(stepper1):
    stepper1.show(5)
    assert stepper1.slider.value == 5
    ll = stepper1.result.log_likelihoods[2]  # E-step of iteration 3 shows history[2]
    assert f"{ll:.3f}" in stepper1.readout.value
    assert "iteration 3, E-step" in stepper1.readout.value
    mx, my = stepper1._ll.marker.get_data()
    assert (mx[0], my[0]) == (2, ll)


def test_every_half_step_is_rendered_ahead(stepper1):
    """All frames exist once the stepper is built; consecutive half-steps differ."""
    assert len(stepper1.frames) == stepper1.slider.max + 1
    pictures = [np.asarray(Image.open(io.BytesIO(f)).convert("RGB")) for f in stepper1.frames]
    assert all(p.shape == pictures[0].shape for p in pictures)
    assert all(not np.array_equal(a, b) for a, b in zip(pictures, pictures[1:]))
    stepper1.slider.value = 7
    assert stepper1.image.value == stepper1.frames[7]


def test_slider_switches_frames_in_the_browser(stepper1):
    """The live view holds every frame and readout as data for its inline script,
    which watches the slider's handle; the play button is linked to the slider
    on the client side (no kernel round trip)."""
    links = {(l.source[0], l.source[1], l.target[0], l.target[1]) for l in stepper1._links}
    assert links == {(stepper1.slider, "value", stepper1.play, "value")}
    assert all(l._model_name == "LinkModel" for l in stepper1._links)  # jslink, not link
    view = stepper1._view.value
    data = json.loads(re.search(r'<script type="application/json" class="gmmlib-data">(.*?)</script>',
                                view).group(1))
    assert [base64.b64decode(f) for f in data["frames"]] == stepper1.frames
    assert data["readouts"] == stepper1.readouts
    handler = re.search(r'<img src="" alt="" hidden onerror="([^"]+)">', view).group(1)
    script = html.unescape(handler)
    assert "aria-valuenow" in script and "MutationObserver" in script
    assert "data-lm-suppress-shortcuts" in script      # Notebook 7's shortcuts keep off
    assert "gmmlib-frames" in stepper1._view._dom_classes


def test_kernel_side_follows_the_slider(stepper1):
    """Driven from code, the figure, the frame and the readout follow the slider;
    the picture and the play button follow it in the browser, and the kernel
    never sets them (its echo would pull a dragged slider back)."""
    before = (stepper1._view.value, stepper1.play.value)
    stepper1.slider.value = 3
    assert "step 3" in stepper1._title.get_text()
    assert stepper1.image.value == stepper1.frames[3] and "step 3" in stepper1.readout.value
    assert (stepper1._view.value, stepper1.play.value) == before
    stepper1._next.click()
    assert stepper1.slider.value == 4
    stepper1.slider.value = stepper1.slider.max
    stepper1._next.click()
    assert stepper1.slider.value == stepper1.slider.max


def test_frames_are_small_palette_pngs(stepper1):
    image = Image.open(io.BytesIO(stepper1.frames[0]))
    assert image.mode == "P" and len(image.getpalette()) // 3 <= gmmlib.widgets.PALETTE_COLORS
    assert max(map(len, stepper1.frames)) < 60_000


def test_blitted_frames_survive_a_full_draw_of_the_figure(stepper1):
    """Saving or displaying stepper.figure must not corrupt later frames."""
    from gmmlib.widgets import BlitFigure

    stepper1.slider.value = 9
    blit = BlitFigure(stepper1.figure, stepper1._blit.dynamic)
    before = blit.render()
    stepper1.figure.savefig(io.BytesIO(), format="png", dpi=50)
    assert blit.render() == before == stepper1.frames[9]


def test_two_dimensional_stepper_draws_ellipses(stepper2):
    stepper2.slider.value = 4
    params = stepper2.result.history[2]
    scene = stepper2._scene
    centre, w, h, a = gmmlib.plotting.covariance_ellipse(params.means[1], params.covariances[1], 1)
    e = scene.ellipses[1 * len(scene.n_std)]
    np.testing.assert_allclose(e.get_center(), centre)
    assert np.isclose(e.get_width(), w) and np.isclose(e.get_height(), h)
    np.testing.assert_allclose(scene.centres[1].get_data(), [[params.means[1, 0]], [params.means[1, 1]]])


def test_stepper_rejects_data_it_cannot_draw():
    X = np.random.default_rng(0).normal(size=(50, 3))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        em_stepper(X, 2)


def test_stepper_passes_fit_options_and_validates_them(x1):
    s = em_stepper(x1, 2, max_iter=3, tol=0, seed=5)
    assert s.result.n_iter == 3
    assert s.result.history[0] == gmmlib.fit(x1, 2, max_iter=0, seed=5).history[0]
    with pytest.raises(ValueError, match="init"):
        em_stepper(x1, 2, init="nope")


def test_stepper_shows_a_collapsing_fit_up_to_the_collapse():
    x = [0.0, 0.0, 0.0, 0.0, 0.0, 10.0]
    with pytest.raises(gmmlib.SingularityError) as info:
        gmmlib.fit(x, 2, reg_covar=0)
    s = em_stepper(x, 2, reg_covar=0)
    assert s.result.n_iter == info.value.iteration - 1
    # The note numbers the component as the stepper draws it (left to right):
    # the one collapsing onto the five zeros is component 0 there.
    collapsed_mean = info.value.result.params.means[info.value.component, 0]
    assert np.isclose(s.result.params.means[0, 0], collapsed_mean)
    assert f"component 0 collapsed at iteration {info.value.iteration}" in s.note.value


def test_display_bundle_has_a_static_image(stepper1):
    stepper1.slider.value = 2
    bundle = stepper1._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"]) == stepper1.frames[2]


def test_display_bundle_has_a_player_that_needs_no_kernel(stepper1):
    """text/html: the current frame as a picture, every frame and readout as data
    for the inline script, and nothing loaded from elsewhere."""
    stepper1.slider.value = 2
    page = stepper1._repr_mimebundle_()["text/html"]
    assert 'class="gmmlib-static-player"' in page and 'class="gmmlib-range"' in page
    assert 'max="24"' in page and 'value="2"' in page
    picture = re.search(r'<img class="gmmlib-static-frame"[^>]* src="data:image/png;base64,([^"]+)"', page)
    assert base64.b64decode(picture.group(1)) == stepper1.frames[2]
    data = json.loads(re.search(r'<script type="application/json" class="gmmlib-frames">(.*?)</script>',
                                page).group(1))
    assert [base64.b64decode(f) for f in data["frames"]] == stepper1.frames
    assert data["readouts"] == stepper1.readouts and "iteration 1, E-step" in data["readouts"][1]
    assert "http" not in page and "src=\"//" not in page


def test_filmstrip_draws_the_chosen_steps(stepper1, x1):
    fig = stepper1.filmstrip([0, 1, 2, 24])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5  # four steps and the log-likelihood
    assert [ax.get_title() for ax in visible[:4]] == [
        "step 0: start", "step 1: E-step 1", "step 2: M-step 1", "step 24: M-step 12"]
    with pytest.raises(ValueError, match="outside 0..24"):
        em_filmstrip(x1, stepper1.result, [25])


def test_preferred_values_are_round_and_log_spaced():
    from gmmlib.widgets import preferred_values

    assert preferred_values(-1, 1, 5) == [0.1, 0.16, 0.25, 0.4, 0.63, 1.0, 1.6, 2.5, 4.0, 6.3, 10.0]
    assert preferred_values(-1.5, -1, 10) == [0.032, 0.04, 0.05, 0.063, 0.079, 0.1]
    assert 1e-4 in preferred_values(-8, 0, 5) and 0.05 in preferred_values(-1.5, 1, 10)
