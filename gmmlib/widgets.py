"""Interactive steppers: slide through EM one half-step at a time.

    from gmmlib.widgets import em_stepper
    stepper = em_stepper(X, 3)        # X of shape (N,) or (N, 2)
    stepper                           # shows it (last line of a cell)
    stepper.slider.value = 7          # drive it from code, e.g. on a projector

Every frame is drawn when the widget is built (matplotlib's Agg renderer,
whatever the notebook's backend), as a small palette PNG. The browser then
switches frames itself: a few lines of JavaScript in the widget's view swap the
picture when the slider moves, so a move never waits for the kernel. The parts of the figure
that never change (axes, histogram, log-likelihood curve) are drawn once; a
frame redraws only the artists that move.

The same frames also travel as a self-contained HTML player (``text/html``: a
range input and a few lines of inline JavaScript, no external script), which
exported HTML pages and the course website show without a kernel, and as a
PNG of the first frame for viewers that run no JavaScript (GitHub).
"""

from __future__ import annotations

import base64
import html
import io
import json
import math

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

__all__ = ["FramePlayer", "Stepper", "EMStepper", "em_stepper", "KMeansStepper",
           "kmeans_stepper", "bound_stepper", "preferred_values"]

PALETTE_COLORS = 96  # colours of a frame's palette PNG: plots need few, blends need some


def encode_frame(canvas):
    """The canvas's current pixels as a palette PNG (a quarter of an RGBA PNG's size)."""
    w, h = canvas.get_width_height(physical=True)
    rgb = PILImage.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = rgb.convert("RGB").quantize(PALETTE_COLORS, method=PILImage.Quantize.FASTOCTREE,
                                        dither=PILImage.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="png", compress_level=6)
    return out.getvalue()


class BlitFigure:
    """A figure whose static parts are drawn once; frames redraw only ``dynamic`` artists.

    figure : a matplotlib Figure with an Agg canvas, already laid out
    dynamic : the artists that change from frame to frame
    """

    def __init__(self, figure, dynamic):
        self.figure = figure
        self.dynamic = list(dynamic)
        self._background = None
        self._size = None
        self._capturing = False
        figure.canvas.mpl_connect("draw_event", self._on_draw)

    def _on_draw(self, event):
        # Someone drew the whole figure (e.g. displayed it): what is static may
        # have changed, so the background is captured again before the next frame.
        if not self._capturing:
            self._background = None

    def _capture_background(self):
        self._capturing = True
        try:
            for artist in self.dynamic:
                artist.set_visible(False)
            self.figure.canvas.draw()
            self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        finally:
            for artist in self.dynamic:
                artist.set_visible(True)
            self._capturing = False

    def render(self):
        """The figure as it stands, as palette PNG bytes."""
        canvas = self.figure.canvas
        size = canvas.get_width_height(physical=True)
        if self._background is None or size != self._size:
            self._capture_background()
            self._size = size
        canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.figure.draw_artist(artist)
        return encode_frame(canvas)


def preferred_values(min_exponent, max_exponent, per_decade):
    """Round numbers spaced evenly on a log scale: 10**(k / per_decade) to two
    significant digits (per_decade=5: 1, 1.6, 2.5, 4, 6.3, 10, ...), for k
    from min_exponent * per_decade to max_exponent * per_decade."""
    first = math.ceil(min_exponent * per_decade - 1e-9)
    last = math.floor(max_exponent * per_decade + 1e-9)
    return [float(f"{10.0 ** (k / per_decade):.2g}") for k in range(first, last + 1)]


_PLAYER_SCRIPT = """
(function () {
  var root = document.currentScript.parentNode;
  var data = JSON.parse(root.querySelector("script.gmmlib-frames").textContent);
  var img = root.querySelector("img.gmmlib-static-frame");
  var range = root.querySelector("input.gmmlib-range");
  var readout = root.querySelector(".gmmlib-static-readout");
  var play = root.querySelector("button.gmmlib-play");
  var timer = null;
  function show(i) {
    i = Math.max(0, Math.min(data.frames.length - 1, i));
    range.value = i;
    img.src = "data:image/png;base64," + data.frames[i];
    readout.innerHTML = data.readouts[i];
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = "play"; }
  range.addEventListener("input", function () { show(+range.value); });
  root.querySelector("button.gmmlib-back").addEventListener("click", function () { show(+range.value - 1); });
  root.querySelector("button.gmmlib-next").addEventListener("click", function () { show(+range.value + 1); });
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (+range.value >= data.frames.length - 1) { show(0); }
    play.textContent = "pause";
    timer = setInterval(function () {
      if (+range.value >= data.frames.length - 1) { stop(); } else { show(+range.value + 1); }
    }, data.interval);
  });
  root.querySelector(".gmmlib-static-controls").style.display = "flex";
})();
"""


def encode_frames(frames):
    """PNG frames as base64 text, the form both HTML views carry them in."""
    return [base64.b64encode(f).decode("ascii") for f in frames]


def player_html(frames, readouts, value, *, width, label, interval):
    """A self-contained HTML player of frames (base64 PNGs, see encode_frames):
    the picture of frame ``value``
    (all a viewer without JavaScript shows), and a range input, buttons and a
    readout that the inline script reveals and drives."""
    data = {"frames": list(frames), "readouts": list(readouts), "interval": int(interval)}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    last = len(frames) - 1
    return (
        f'<div class="gmmlib-static-player">'
        f'<div class="gmmlib-static-controls" style="display:none;flex-wrap:wrap;'
        f'align-items:center;gap:6px;font-family:sans-serif;margin-bottom:4px">'
        f'<button type="button" class="gmmlib-play">play</button>'
        f'<button type="button" class="gmmlib-back" title="previous">&#9664;</button>'
        f'<input type="range" class="gmmlib-range" min="0" max="{last}" step="1" '
        f'value="{value}" aria-label="{html.escape(label)}" style="width:420px">'
        f'<button type="button" class="gmmlib-next" title="next">&#9654;</button>'
        f'<span class="gmmlib-static-readout">{readouts[value]}</span></div>'
        f'<img class="gmmlib-static-frame" alt="{html.escape(label)}" width="{width}" '
        f'style="max-width:100%;height:auto" '
        f'src="data:image/png;base64,{data["frames"][value]}">'
        f'<script type="application/json" class="gmmlib-frames">{payload}</script>'
        f"<script>{_PLAYER_SCRIPT}</script></div>"
    )


# The live view: one ipywidgets.HTML holding the picture, the readout and every
# frame as data. ipywidgets runs no <script> in an HTML widget, but it does run an
# element's event handler: a hidden image that fails to load at once starts
# _LIVE_SCRIPT, which watches the slider's handle (its aria-valuenow) and swaps
# the picture in the page, with no widget views created or destroyed. Driven from
# the kernel or by the play button, the slider moves and the picture follows.
# It also marks whatever takes the focus inside the player with
# data-lm-suppress-shortcuts: Jupyter Notebook 7 runs its keyboard shortcuts
# before a page's controls see the key, and Lumino skips them for such an element,
# so arrow keys move the slider rather than the cell selection.
_LIVE_SCRIPT = (
    "var view = this.closest('.gmmlib-live-view'), player = this.closest('.gmmlib-player');"
    "if (!view || !player || view.dataset.started) return; view.dataset.started = '1';"
    "var data = JSON.parse(view.querySelector('script.gmmlib-data').textContent);"
    "var img = view.querySelector('img.gmmlib-live-frame');"
    "var readout = view.querySelector('.gmmlib-readout'), shown = data.start;"
    "var urls = data.frames.map(function (f) { return 'data:image/png;base64,' + f; });"
    "function show(i) { i = Math.round(i); if (!(i >= 0 && i < urls.length) || i === shown) return;"
    " shown = i; img.src = urls[i]; readout.innerHTML = data.readouts[i]; }"
    "new MutationObserver(function (records) { records.forEach(function (r) {"
    " if (r.target.classList.contains('noUi-handle')) show(+r.target.getAttribute('aria-valuenow')); });"
    "}).observe(player, {subtree: true, attributes: true, attributeFilter: ['aria-valuenow']});"
    "var handle = player.querySelector('.gmmlib-slider .noUi-handle');"
    "if (handle) show(+handle.getAttribute('aria-valuenow'));"
    "player.addEventListener('focusin', function (event) {"
    " event.target.setAttribute('data-lm-suppress-shortcuts', 'true'); });"
)


def live_view_html(frames, readouts, value, *, width):
    """The live player's picture and readout, with every frame (base64 PNGs,
    see encode_frames) as data for _LIVE_SCRIPT (see above)."""
    data = {"frames": list(frames), "readouts": list(readouts), "start": int(value)}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="gmmlib-live-view">'
        f'<div class="gmmlib-readout">{readouts[value]}</div>'
        f'<img class="gmmlib-live-frame" alt="" width="{width}" '
        f'style="max-width:100%;height:auto" '
        f'src="data:image/png;base64,{data["frames"][value]}">'
        f'<script type="application/json" class="gmmlib-data">{payload}</script>'
        f'<img src="" alt="" hidden onerror="{html.escape(_LIVE_SCRIPT, quote=True)}">'
        f"</div>"
    )


class _Shown:
    """What is on screen for one frame: ``value`` (PNG bytes or readout HTML)."""

    def __init__(self, value):
        self.value = value


class FramePlayer(widgets.VBox):
    """A figure behind a slider, every frame rendered ahead and switched in the browser.

    Subclasses build ``self.figure`` (laid out, an Agg canvas), then call
    ``_start_player`` with the slider, the artists that move, and ``_draw(i)``,
    which sets those artists for frame i and returns frame i's readout (HTML).

    Attributes (the interface, also for driving it from code)
    ----------
    slider : the slider; setting ``slider.value`` shows that frame
    play : ipywidgets.Play, steps the slider forward by itself
    frame : int, the number of the frame on screen
    frames : list of bytes, every frame as a PNG
    image : the frame on screen (``image.value``: its PNG)
    readout : the readout on screen (``readout.value``: its HTML)
    figure : the matplotlib figure, its artists set for the frame on screen
    """

    def _start_player(self, slider, dynamic, *, link, interval, note="", label=""):
        self.slider = slider
        self._link = link                       # "value" (IntSlider) or "index" (SelectionSlider)
        self._label = label
        self._interval = interval
        blit = self._blit = BlitFigure(self.figure, dynamic)
        n = self._n_frames()
        self.frames, self.readouts = [], []
        for i in range(n):
            self.readouts.append(self._draw(i))
            self.frames.append(blit.render())
        self._width = self.figure.canvas.get_width_height(physical=True)[0]
        start = self.frame
        self._encoded = encode_frames(self.frames)     # once, for both HTML views
        self._view = widgets.HTML(live_view_html(self._encoded, self.readouts, start,
                                                 width=self._width))
        self._view.add_class("gmmlib-frames")
        self.play = widgets.Play(value=start, min=0, max=n - 1, step=1, interval=interval,
                                 description="play")
        # The play button moves the slider in the browser (a client-side link,
        # the slider its source), and the slider moves the picture (_LIVE_SCRIPT).
        self._links = [widgets.jslink((self.slider, link), (self.play, "value"))]
        self.slider.add_class("gmmlib-slider")
        self._back = widgets.Button(description="◀", tooltip="previous",
                                    layout=widgets.Layout(width="44px"))
        self._next = widgets.Button(description="▶", tooltip="next",
                                    layout=widgets.Layout(width="44px"))
        self._back.on_click(lambda _: self._nudge(-1))
        self._next.on_click(lambda _: self._nudge(+1))
        self.note = widgets.HTML(note)
        controls = widgets.HBox([self.play, self._back, self.slider, self._next])
        super().__init__([controls, self._view, self.note])
        self.add_class("gmmlib-player")
        self.slider.observe(self._on_slider, names=link)
        self._draw(start)

    # -- driving it ----------------------------------------------------------

    @property
    def frame(self):
        """The number of the frame on screen."""
        return int(getattr(self.slider, self._link))

    @property
    def image(self):
        """The frame on screen: ``image.value`` is its PNG."""
        return _Shown(self.frames[self.frame])

    @property
    def readout(self):
        """The readout on screen: ``readout.value`` is its HTML."""
        return _Shown(self.readouts[self.frame])

    def _nudge(self, delta):
        n = len(self.frames)
        setattr(self.slider, self._link, int(np.clip(self.frame + delta, 0, n - 1)))

    def _on_slider(self, change):
        # The browser has switched the picture already; the kernel only keeps its
        # figure in step. It does not set the play button: its echo would arrive
        # after the next move and pull the slider back.
        self._draw(self.frame)

    # -- without a kernel --------------------------------------------------------

    def save_gif(self, path, frames=None, *, interval=None, hold_last=2000):
        """Write the frames (all, or the numbers in ``frames``) as an animated GIF,
        e.g. for slides or a README: ``interval`` ms per frame (the play
        button's by default), the last frame held ``hold_last`` ms longer."""
        chosen = range(len(self.frames)) if frames is None else list(frames)
        if not chosen or not all(0 <= int(i) < len(self.frames) for i in chosen):
            raise ValueError(f"frames must be numbers from 0 to {len(self.frames) - 1}; "
                             f"got {frames!r}.")
        pictures = [PILImage.open(io.BytesIO(self.frames[int(i)])) for i in chosen]
        step = int(self._interval if interval is None else interval)
        durations = [step] * (len(pictures) - 1) + [step + int(hold_last)]
        pictures[0].save(path, format="gif", save_all=True, append_images=pictures[1:],
                         duration=durations, loop=0, optimize=True)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        bundle = dict(bundle)
        i = self.frame
        bundle["text/html"] = player_html(self._encoded, self.readouts, i, width=self._width,
                                          label=self._label, interval=self._interval)
        bundle["image/png"] = self._encoded[i]
        return bundle


class SigmaSliderWidget(FramePlayer):
    """A picture driven by one slider on a standard deviation sigma, over round
    values spaced evenly on a log scale (see :func:`preferred_values`).

    Subclasses draw their figure, then call ``_start_controls``; they define
    ``_draw_sigma(sigma)``, which sets the moving artists for ``sigma`` and
    returns the readout.
    """

    def _start_controls(self, sigma, min_exponent, max_exponent, per_decade, dynamic,
                        label):
        self.sigmas = preferred_values(min_exponent, max_exponent, per_decade)
        if not self.sigmas:
            raise ValueError(f"no sigma between 10**{min_exponent} and 10**{max_exponent}: "
                             "give a wider range of exponents.")
        start = self._nearest(sigma)
        options = [(f"{s:.2g}", s) for s in self.sigmas]
        slider = widgets.SelectionSlider(options=options, value=start, description="σ",
                                         continuous_update=True,
                                         layout=widgets.Layout(width="480px"))
        self._start_player(slider, dynamic, link="index", interval=400, label=label)

    def _nearest(self, sigma):
        logs = np.log10(self.sigmas)
        return self.sigmas[int(np.argmin(np.abs(logs - np.log10(float(sigma)))))]

    def _n_frames(self):
        return len(self.sigmas)

    def _draw(self, i):
        return self._draw_sigma(self.sigmas[i])

    def show(self, sigma):
        """Show the slider's value nearest to ``sigma`` (on a log scale)."""
        if not (np.isfinite(sigma) and sigma > 0):
            raise ValueError(f"sigma must be a positive number; got {sigma!r}.")
        self.slider.value = self._nearest(sigma)

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


class Stepper(FramePlayer):
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
    frames : list of bytes, the PNG of every half-step
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
        slider = widgets.IntSlider(value=0, min=0, max=last, step=1, description="half-step",
                                   continuous_update=True, layout=widgets.Layout(width="420px"))
        self._start_player(slider, [*self._scene.dynamic, *self._ll.dynamic, self._title],
                           link="value", interval=interval, note=note,
                           label=f"{type(self).__name__}: {last + 1} half-steps")

    def show(self, step):
        """Jump to a half-step (the same as setting ``slider.value``)."""
        self.slider.value = step

    def _n_frames(self):
        return self.steps.n_steps

    def _draw(self, index):
        step = self.steps[index]
        self._scene.update(step)
        self._ll.update(step)
        last = self.steps.n_steps - 1
        self._title.set_text(f"step {index} of {last}: {step.label}")
        value = self.steps.objective(step)
        return (f"<span style='font-size:1.1em'><b>step {index}</b> / {last} "
                f"&middot; {step.label} &middot; {self.steps.objective_name} "
                f"<b>{value:.3f}</b></span>")

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
