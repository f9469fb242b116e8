"""Interactive steppers: slide through EM one half-step at a time.

    from gmmlib.widgets import em_stepper
    stepper = em_stepper(X, 3)        # X of shape (N,) or (N, 2)
    stepper                           # shows it (last line of a cell)
    stepper.slider.value = 7          # drive it from code, e.g. on a projector

The figure is drawn with matplotlib's Agg renderer and shown as a PNG in an
``ipywidgets.Image``, whatever the notebook's matplotlib backend is. The parts
that never change (axes, histogram, log-likelihood curve) are drawn once; a
slider change redraws only the points, the components and the marker.
"""

from __future__ import annotations

import base64
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from gmmlib._validation import check_data
from gmmlib.components import canonical, canonical_order
from gmmlib.em import SingularityError, fit
from gmmlib.lloyd import kmeans
from gmmlib.steps import HalfSteps, KMeansHalfSteps, ObjectivePanel, filmstrip, make_scene

__all__ = ["Stepper", "EMStepper", "em_stepper", "KMeansStepper", "kmeans_stepper",
           "ImageFallback"]


class ImageFallback:
    """Mixin for a widget that shows its picture in ``self.image`` (an ipywidgets.Image).

    Besides the live widget, its display offers the current picture as a PNG,
    which front ends without the widget manager (GitHub, exported HTML) show.
    """

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle = dict(bundle)
            bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle


class SigmaSliderWidget(ImageFallback, widgets.VBox):
    """A picture driven by one log-scale slider on a standard deviation sigma.

    Subclasses draw their figure, then call ``_start_controls``; they define
    ``_show()``, which redraws the picture for ``self.sigma``.
    """

    def _start_controls(self, sigma, min_exponent, max_exponent, step, readout_format):
        self.slider = widgets.FloatLogSlider(
            value=sigma, base=10, min=min_exponent, max=max_exponent, step=step,
            description="σ", readout_format=readout_format, continuous_update=True,
            layout=widgets.Layout(width="480px"))
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        super().__init__([self.slider, self.readout, self.image])
        self.slider.observe(lambda change: self._show(), names="value")
        self._show()

    @property
    def sigma(self):
        """The standard deviation on screen."""
        return float(self.slider.value)


def _panel_layout(X, height=4.3):
    """Width ratios of the (data, objective) panels and a figure size for them.

    2-D data are drawn with equal scales on both axes; the data panel is given
    the shape of the data (width / height of their ranges), so that it is
    filled by the points rather than by empty margins.
    """
    if X.shape[1] != 2:
        return (3, 2), (11, height)
    spans = np.ptp(X, axis=0)
    aspect = float(np.clip(spans[0] / max(spans[1], 1e-12), 0.6, 2.5))
    objective = 0.85
    panel_height = height - 1.0                      # title, labels and ticks
    return (aspect, objective), (round(panel_height * (aspect + objective) + 1.6, 1), height)


class Stepper(ImageFallback, widgets.VBox):
    """A figure of an algorithm at one half-step, with a slider, a play button and a readout.

    Attributes (its interface, also for driving it from code)
    ----------
    slider : ipywidgets.IntSlider
        The half-step on screen: 0 is the start, 2t - 1 the first half (E-step,
        or assignment) and 2t the second half (M-step, or move) of iteration t.
    play : ipywidgets.Play
        Steps the slider forward by itself.
    figure : matplotlib.figure.Figure
        The figure being shown (its artists reflect the current half-step).
    result : the fit being shown
    steps : HalfSteps
        What each half-step shows.
    """

    def __init__(self, steps, *, figsize=None, dpi=100, interval=700, note=""):
        self.steps = steps
        self.result = steps.result
        last = self.steps.n_steps - 1

        width_ratios, default_size = _panel_layout(steps.X)
        self.figure = Figure(figsize=figsize or default_size, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        ax_data, ax_objective = self.figure.subplots(1, 2, width_ratios=width_ratios)
        self._scene = make_scene(ax_data, self.steps)
        self._ll = ObjectivePanel(ax_objective, self.steps)
        self._title = self.figure.suptitle(self.steps[last].label, x=0.02, ha="left")
        # Lay the figure out once, then freeze it: frames only redraw artists in place.
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")
        self._dynamic = [*self._scene.dynamic, *self._ll.dynamic, self._title]
        self._background = None
        self._size = None
        self._frames = {}  # half-step -> PNG bytes, valid for the current background
        self._capturing = False
        self.figure.canvas.mpl_connect("draw_event", self._on_draw)

        self.slider = widgets.IntSlider(value=0, min=0, max=last, step=1,
                                        description="half-step",
                                        continuous_update=True,
                                        layout=widgets.Layout(width="420px"))
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval,
                                 description="play")
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self._back = widgets.Button(description="◀", tooltip="previous half-step",
                                    layout=widgets.Layout(width="44px"))
        self._next = widgets.Button(description="▶", tooltip="next half-step",
                                    layout=widgets.Layout(width="44px"))
        self._back.on_click(lambda _: self._nudge(-1))
        self._next.on_click(lambda _: self._nudge(+1))
        self.readout = widgets.HTML()
        self.image = widgets.Image(format="png",
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.note = widgets.HTML(note)
        controls = widgets.HBox([self.play, self._back, self.slider, self._next])
        super().__init__([controls, self.readout, self.image, self.note])
        self.slider.observe(self._on_slider, names="value")
        self._show(0)

    # -- driving it ----------------------------------------------------------

    def show(self, step):
        """Jump to a half-step (the same as setting ``slider.value``)."""
        self.slider.value = step

    def _nudge(self, delta):
        self.slider.value = int(np.clip(self.slider.value + delta, 0, self.slider.max))

    def _on_slider(self, change):
        self._show(change["new"])

    def _show(self, index):
        step = self.steps[index]
        self._scene.update(step)
        self._ll.update(step)
        self._title.set_text(f"step {index} of {self.slider.max}: {step.label}")
        value = self.steps.objective(step)
        self.readout.value = (
            f"<span style='font-size:1.1em'><b>step {index}</b> / {self.slider.max} "
            f"&middot; {step.label} &middot; {self.steps.objective_name} "
            f"<b>{value:.3f}</b></span>"
        )
        self.image.value = self._render(index)

    # -- drawing ---------------------------------------------------------------

    def _on_draw(self, event):
        # Someone drew the whole figure (e.g. displayed stepper.figure): what
        # is static may have changed, so capture the background again.
        if not self._capturing:
            self._background = None

    def _render(self, index):
        canvas = self.figure.canvas
        size = canvas.get_width_height(physical=True)
        if self._background is None or size != self._size:
            self._capture_background()
            self._size = size
        png = self._frames.get(index)
        if png is None:
            canvas.restore_region(self._background)
            for artist in self._dynamic:
                self.figure.draw_artist(artist)
            w, h = size
            buffer = canvas.buffer_rgba()
            out = io.BytesIO()
            PILImage.frombuffer("RGBA", (w, h), buffer, "raw", "RGBA", 0, 1).save(
                out, format="png", compress_level=1)
            png = self._frames[index] = out.getvalue()
        return png

    def _capture_background(self):
        self._capturing = True
        try:
            for artist in self._dynamic:
                artist.set_visible(False)
            self.figure.canvas.draw()
            self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        finally:
            for artist in self._dynamic:
                artist.set_visible(True)
            self._capturing = False
        self._frames.clear()

    # -- reading without a kernel ------------------------------------------------

    def filmstrip(self, steps=None, **kwargs):
        """A static matplotlib figure of chosen half-steps (see gmmlib.steps.em_filmstrip)."""
        return filmstrip(self.steps, steps, **kwargs)


class EMStepper(Stepper):
    """The EM stepper: E-steps recolour the points by their responsibilities,
    M-steps move the components; the right panel is the log-likelihood."""

    def __init__(self, X, result, **kwargs):
        super().__init__(HalfSteps(check_data(X), result), **kwargs)


class KMeansStepper(Stepper):
    """The K-means stepper: assignments recolour the points by their nearest
    centre, moves put each centre at the mean of its points; the right panel
    is the inertia."""

    def __init__(self, X, result, **kwargs):
        super().__init__(KMeansHalfSteps(check_data(X), result), **kwargs)


def em_stepper(X, n_components, *, reference=None, figsize=None, interval=700,
               **fit_options):
    """Fit a mixture by EM and return a widget that steps through it.

    X : array of shape (N,) or (N, 1) for 1-D data, (N, 2) for 2-D data
    n_components : int
    reference : GMMParams, reference means or None: the components are
        numbered (and coloured) by the course's rule, gmmlib.components.canonical:
        like the reference's clusters (for the course's data sets pass the
        mixture that generated them, e.g. gmmlib.datasets.THREE_BLOBS_2D), or
        from left to right without one. ``.result`` is the renumbered fit.
    figsize : size of the figure in inches (at 100 dpi); by default 4.3 high,
        and for 2-D data as wide as the data's shape needs
    interval : milliseconds between half-steps when playing
    **fit_options : passed to gmmlib.fit (init, max_iter, tol, reg_covar, seed)

    If a component collapses during the fit, the stepper shows the fit up to
    the collapse and says which component collapsed when.

    Returns an EMStepper: display it, move ``.slider``, look at ``.figure``.
    """
    note = ""
    try:
        result = canonical(fit(X, n_components, **fit_options), reference)
    except SingularityError as err:
        if err.result is None:
            raise
        result = canonical(err.result, reference)
        perm = canonical_order(err.result.params.means, reference,
                               covariances=err.result.params.covariances)
        number = int(np.argsort(perm)[err.component])
        note = (f"<b>Stopped:</b> component {number} collapsed at iteration "
                f"{err.iteration}; the steps shown end just before it.")
    return EMStepper(X, result, figsize=figsize, interval=interval, note=note)


def kmeans_stepper(X, n_clusters, *, reference=None, figsize=None, interval=700,
                   **kmeans_options):
    """Run Lloyd's K-means and return a widget that steps through it, like em_stepper.

    X : array of shape (N,) or (N, 1) for 1-D data, (N, 2) for 2-D data
    n_clusters : int
    reference : GMMParams, reference means or None: clusters numbered and
        coloured by gmmlib.components.canonical, as in em_stepper
    **kmeans_options : passed to gmmlib.kmeans (init, max_iter, seed)

    Returns a KMeansStepper: display it, move ``.slider``, look at ``.figure``.
    """
    result = canonical(kmeans(X, n_clusters, **kmeans_options), reference)
    return KMeansStepper(X, result, figsize=figsize, interval=interval)


def bound_stepper(x, start, component=0, n_iter=6, *, grid=None, figsize=None, interval=900):
    """A stepper through EM's lower bound (lesson "Why EM works").

    EM learns only the mean of ``component`` from ``start`` (a 1-D GMMParams;
    every weight and variance is held), so the log-likelihood is one fixed
    curve over that mean. At each E-step the bound B(q, .) is redrawn to touch
    it at the current mean; at each M-step the mean jumps to the top of the
    bound, where the log-likelihood is at least as high. The right panel is
    the log-likelihood per iteration.

    x : array of shape (N,) or (N, 1)
    start : GMMParams of a 1-D mixture
    component : int, the component whose mean moves
    n_iter : int, the number of iterations
    grid : values of the mean to draw (default: around the data and the path)

    Returns a Stepper: display it, move ``.slider``, look at ``.figure``.
    """
    from gmmlib.bound import bound_steps

    return Stepper(bound_steps(x, start, component, n_iter, grid), figsize=figsize,
                   interval=interval)
