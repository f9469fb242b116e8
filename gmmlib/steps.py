"""EM as a sequence of half-steps, and the pictures of each half-step.

A fit of n iterations has 1 + 2n half-steps:

    step 0        the starting parameters (points not yet assigned: grey)
    step 2t - 1   E-step of iteration t: the points are recoloured by the
                  responsibilities computed from the parameters after t - 1
    step 2t       M-step of iteration t: the components move to the new
                  parameters; the colours stay those of the E-step before

This module only uses matplotlib; :mod:`gmmlib.widgets` puts the same pictures
behind a slider, and :func:`em_filmstrip` lays chosen steps side by side for
readers without a running kernel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from gmmlib.em import _e_step
from gmmlib.plotting import (
    UNASSIGNED_COLOR,
    component_colors,
    covariance_ellipse,
    grid_for,
    plot_log_likelihood,
    soft_colors,
    weighted_component_densities,
)

__all__ = ["HalfStep", "HalfSteps", "KMeansHalfSteps", "em_filmstrip", "kmeans_filmstrip"]


@dataclass(frozen=True)
class HalfStep:
    """What half-step ``index`` shows."""

    index: int
    kind: str  # "start", then "E" and "M" for EM, "assign" and "move" for K-means
    iteration: int  # 0 for the start
    params_index: int  # which entry of result.history is drawn
    resp_index: int | None  # the colours come from history[resp_index]
    description: str | None = None  # replaces the default text of the label

    @property
    def label(self):
        if self.description is not None:
            if self.kind == "start":
                return f"start, {self.description}"
            return f"iteration {self.iteration}, {self.description}"
        return {
            "start": "start, initial parameters",
            "E": f"iteration {self.iteration}, E-step: recolour by responsibilities",
            "M": f"iteration {self.iteration}, M-step: move the components",
            "assign": f"iteration {self.iteration}, assign: each point to its nearest centre",
            "move": f"iteration {self.iteration}, move: each centre to the mean of its points",
        }[self.kind]


class HalfSteps:
    """The half-steps of an EM fit, with responsibilities computed once and cached.

    X : array of shape (N, D), already validated
    result : FitResult of ``fit(X, ...)``
    """

    kinds = ("E", "M")
    descriptions = (None, None)  # texts of the two half-steps' labels (None: the default)
    start_description = None      # text of the start's label (None: "initial parameters")
    objective_name = "log-likelihood"

    def __init__(self, X, result):
        self.X = X
        self.result = result
        self.n_steps = 1 + 2 * result.n_iter
        self._resp = lru_cache(maxsize=None)(self._compute_resp)

    def __len__(self):
        return self.n_steps

    def __getitem__(self, index):
        if not 0 <= index < self.n_steps:
            raise IndexError(f"half-step {index} is outside 0..{self.n_steps - 1}.")
        if index == 0:
            return HalfStep(0, "start", 0, 0, None, self.start_description)
        t = (index + 1) // 2
        if index % 2 == 1:
            return HalfStep(index, self.kinds[0], t, t - 1, t - 1, self.descriptions[0])
        return HalfStep(index, self.kinds[1], t, t, t - 1, self.descriptions[1])

    def _compute_resp(self, i):
        return _e_step(self.X, self.result.history[i])[0]

    def resp(self, step):
        """Responsibilities shown at a half-step, shape (N, K), or None at the start."""
        return None if step.resp_index is None else self._resp(step.resp_index)

    def colors(self, step):
        """RGB colour of every point at a half-step, shape (N, 3)."""
        resp = self.resp(step)
        if resp is None:
            return np.tile(UNASSIGNED_COLOR, (self.X.shape[0], 1))
        return soft_colors(resp)

    @property
    def objectives(self):
        """The objective of every entry of the history (here the log-likelihoods)."""
        return self.result.log_likelihoods

    def objective(self, step):
        """The objective of what is drawn at a half-step."""
        return float(self.objectives[step.params_index])

    log_likelihood = objective


class KMeansHalfSteps(HalfSteps):
    """The half-steps of Lloyd's K-means: assign (hard E-step), then move (M-step).

    X : array of shape (N, D), already validated
    result : KMeansResult of ``kmeans(X, ...)``
    """

    kinds = ("assign", "move")
    start_description = "initial centres"
    objective_name = "inertia"

    def _compute_resp(self, i):
        centres = self.result.history[i]
        labels = np.argmin(((self.X[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
        return np.eye(centres.shape[0])[labels]  # one-hot: hard responsibilities

    @property
    def objectives(self):
        return self.result.inertias


# ---------------------------------------------------------------------------
# Scenes: one axes showing the data and the components at any half-step.


class Scene1D:
    """1-D data as a jittered strip under the weighted component curves and the mixture."""

    def __init__(self, ax, steps, *, grid_size=300, point_size=28):
        self.ax, self.steps = ax, steps
        x = steps.X[:, 0]
        history = steps.result.history
        K = history[0].n_components
        self.grid = grid_for(x, n=grid_size)
        self._curves = lru_cache(maxsize=None)(
            lambda i: weighted_component_densities(self.grid, history[i]))
        # Fixed axes for the whole fit, so that only what EM changes moves.
        peaks = [self._curves(i).sum(axis=0).max() for i in range(len(history))]
        hist, _ = np.histogram(x, bins=30, density=True)
        top = 1.08 * max(max(peaks), hist.max())
        ax.hist(x, bins=30, density=True, color="0.88", edgecolor="white", zorder=0)
        ax.axhline(0, color="0.3", lw=0.8)
        ax.set_xlim(self.grid[0], self.grid[-1])
        ax.set_ylim(-0.2 * top, top)
        ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top])  # none under the strip
        ax.set_xlabel("x")
        ax.set_ylabel("density")
        jitter = np.random.default_rng(0).uniform(0.04, 0.16, size=x.size)
        self.points = ax.scatter(x, -jitter * top, s=point_size, linewidths=0.3,
                                 edgecolors="white", zorder=3)
        colors = component_colors(K)
        self.lines = [ax.plot(self.grid, self.grid * 0, color=colors[k], lw=2.2,
                              ls="--", zorder=2)[0] for k in range(K)]
        (self.mixture,) = ax.plot(self.grid, self.grid * 0, color="black", lw=2.5, zorder=2)
        ax.legend([self.lines[0], self.mixture],
                  [r"$\pi_k \mathcal{N}(x \mid \mu_k, \sigma_k^2)$, one colour per component",
                   r"mixture density $p(x)$"], loc="upper right", fontsize=9)
        self.dynamic = [self.points, *self.lines, self.mixture]

    def update(self, step):
        self.points.set_facecolors(self.steps.colors(step))
        dens = self._curves(step.params_index)
        for line, d in zip(self.lines, dens):
            line.set_ydata(d)
        self.mixture.set_ydata(dens.sum(axis=0))


def _equal_aspect_limits(ax, X, extra=None):
    """Axes covering the 2-D data (and the points ``extra``, e.g. the ends of
    the final ellipses) with equal scales on both axes, so that circles look
    round and tilts look true; matplotlib widens one range to fit."""
    if extra is not None:
        X = np.vstack([X, extra])
    (x0, x1), (y0, y1) = grid_for(X[:, 0], n=2, margin=0.08), grid_for(X[:, 1], n=2, margin=0.08)
    ax.update_datalim([(x0, y0), (x1, y1)])
    ax.autoscale_view(tight=True)
    ax.set_aspect("equal", adjustable="datalim")


def _ellipse_extent(params, n_std):
    """The extreme points of every component's n_std ellipse: shape (4K, 2)."""
    corners = []
    for mean, cov in zip(params.means, params.covariances):
        half = n_std * np.sqrt(np.diagonal(cov))
        corners += [mean - half, mean + half, mean + [half[0], -half[1]], mean - [half[0], -half[1]]]
    return np.array(corners)


class Scene2D:
    """2-D data in soft colours, with the 1- and 2-standard-deviation ellipse of each component."""

    def __init__(self, ax, steps, *, point_size=22, n_std=(1, 2)):
        self.ax, self.steps = ax, steps
        X = steps.X
        K = steps.result.history[0].n_components
        _equal_aspect_limits(ax, X, _ellipse_extent(steps.result.params, max(n_std)))
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        self.points = ax.scatter(X[:, 0], X[:, 1], s=point_size, linewidths=0.3,
                                 edgecolors="white", zorder=1)
        self.n_std = tuple(n_std)
        self.ellipses, self.centres = [], []
        for c in component_colors(K):
            for s in self.n_std:
                self.ellipses.append(ax.add_patch(Ellipse(
                    (0, 0), 1, 1, fill=False, edgecolor=c, zorder=2,
                    lw=2.5 if s == 1 else 1.5, ls="-" if s == 1 else "--")))
            self.centres.append(ax.plot([], [], marker="X", ms=13, color=c,
                                        markeredgecolor="black", ls="none", zorder=3)[0])
        self.dynamic = [self.points, *self.ellipses, *self.centres]

    def update(self, step):
        self.points.set_facecolors(self.steps.colors(step))
        params = self.steps.result.history[step.params_index]
        patches = iter(self.ellipses)
        for k in range(params.n_components):
            for s in self.n_std:
                centre, w, h, a = covariance_ellipse(params.means[k], params.covariances[k], s)
                e = next(patches)
                e.set_center(centre)
                e.set_width(w)
                e.set_height(h)
                e.set_angle(a)
            self.centres[k].set_data([params.means[k, 0]], [params.means[k, 1]])


class KMeansScene:
    """K-means on 1-D data (a jittered strip) or 2-D data: points in their
    cluster's colour, and the centres."""

    def __init__(self, ax, steps, *, point_size=22):
        self.ax, self.steps = ax, steps
        X = steps.X
        K = steps.result.history[0].shape[0]
        colors = component_colors(K)
        if X.shape[1] == 1:
            ax.set_xlim(*grid_for(X[:, 0], n=2, margin=0.08))
            y = np.random.default_rng(0).uniform(0.1, 0.9, size=X.shape[0])
            ax.set_ylim(0, 1)
            ax.set_yticks([])
            ax.set_xlabel("x")
            self.points = ax.scatter(X[:, 0], y, s=point_size, linewidths=0.3,
                                     edgecolors="white", zorder=1)
            self.centres = [ax.axvline(0, color=c, lw=3, zorder=2) for c in colors]
        else:
            _equal_aspect_limits(ax, X)
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            self.points = ax.scatter(X[:, 0], X[:, 1], s=point_size, linewidths=0.3,
                                     edgecolors="white", zorder=1)
            self.centres = [ax.plot([], [], marker="X", ms=15, color=c, markeredgecolor="black",
                                    ls="none", zorder=3)[0] for c in colors]
        self.dynamic = [self.points, *self.centres]

    def update(self, step):
        self.points.set_facecolors(self.steps.colors(step))
        centres = self.steps.result.history[step.params_index]
        for marker, c in zip(self.centres, centres):
            if self.steps.X.shape[1] == 1:
                marker.set_xdata([c[0], c[0]])
            else:
                marker.set_data([c[0]], [c[1]])


def make_scene(ax, steps, **kw):
    """The scene that suits the algorithm and the dimension of the data (1 or 2)."""
    D = steps.X.shape[1]
    if D not in (1, 2):
        raise ValueError(
            f"the step-by-step pictures draw 1-D or 2-D data; this data has {D} features. "
            "Pick two of them, e.g. X[:, :2], or project the data first."
        )
    if isinstance(steps, KMeansHalfSteps):
        return KMeansScene(ax, steps, **kw)
    if hasattr(steps, "make_scene"):  # half-steps that bring their own picture
        return steps.make_scene(ax, **kw)
    if D == 1:
        return Scene1D(ax, steps, **kw)
    if D == 2:
        return Scene2D(ax, steps, **kw)
    raise ValueError(
        f"the EM pictures draw 1-D or 2-D data; this data has {D} features. "
        "Pick two of them, e.g. X[:, :2], or project the data first."
    )


class ObjectivePanel:
    """The objective per iteration (log-likelihood for EM, inertia for
    K-means), with the current half-step marked."""

    def __init__(self, ax, steps):
        self.steps = steps
        ll = steps.objectives
        # The axes are scaled for the whole run, but only the iterations done
        # so far are drawn: the panel does not give away what comes next.
        whole = plot_log_likelihood(ax, ll, color="0.35")
        ax.relim()
        ax.autoscale_view()
        ax.set_autoscale_on(False)
        whole.remove()
        (self.past,) = ax.plot([], [], color="0.35", marker="o", ms=4, lw=1.5)
        ax.set_title(steps.objective_name)
        ax.set_ylabel(steps.objective_name)
        if ll.size == 1:
            ax.set_xlim(-0.5, 0.5)
        (self.marker,) = ax.plot([], [], "o", ms=13, color="#d62728",
                                 markeredgecolor="black", zorder=3)
        self.vline = ax.axvline(0, color="#d62728", lw=1, alpha=0.6)
        self.dynamic = [self.past, self.vline, self.marker]

    def update(self, step):
        x = step.params_index
        done = np.arange(x + 1)
        self.past.set_data(done, self.steps.objectives[done])
        self.marker.set_data([x], [self.steps.objective(step)])
        self.vline.set_xdata([x, x])


LogLikelihoodPanel = ObjectivePanel


def em_filmstrip(X, result, steps=None, *, ncols=3, panel_size=None):
    """A static figure of chosen half-steps of an EM fit, for reading without a kernel.

    X : array of shape (N,), (N, 1) or (N, 2): the data the fit was run on
    result : FitResult
    steps : half-step indices to draw (default: the start, the first two E/M
        pairs, and the last M-step); 0 is the start, 2t - 1 the E-step and 2t
        the M-step of iteration t.
    Returns a matplotlib Figure.
    """
    from gmmlib._validation import check_data

    return filmstrip(HalfSteps(check_data(X), result), steps, ncols=ncols, panel_size=panel_size)


def kmeans_filmstrip(X, result, steps=None, *, ncols=3, panel_size=None):
    """The same as :func:`em_filmstrip` for a KMeansResult: 2t - 1 is the
    assignment and 2t the move of iteration t."""
    from gmmlib._validation import check_data

    return filmstrip(KMeansHalfSteps(check_data(X), result), steps, ncols=ncols,
                     panel_size=panel_size)


def _panel_size(X, height=3.4):
    """A filmstrip panel as wide as the data's shape needs (2-D data: equal scales)."""
    if X.shape[1] != 2:
        return (4.4, height)
    spans = np.ptp(X, axis=0)
    aspect = float(np.clip(spans[0] / max(spans[1], 1e-12), 0.8, 2.2))
    return (round((height - 0.9) * aspect + 1.1, 2), height)


def filmstrip(half_steps, steps=None, *, ncols=3, panel_size=None):
    """Chosen half-steps side by side, and the objective with the last of them marked."""
    last = half_steps.n_steps - 1
    if steps is None:
        steps = sorted({0, 1, 2, 3, 4, last} & set(range(last + 1)))
    steps = [int(s) for s in steps]
    for s in steps:
        if not 0 <= s <= last:
            raise ValueError(f"step {s} is outside 0..{last} "
                             f"(this fit has {half_steps.result.n_iter} iterations).")
    n = len(steps) + 1  # one more panel for the objective
    ncols = min(ncols, n)
    if panel_size is None:
        panel_size = _panel_size(half_steps.X)
    nrows = -(-n // ncols)
    fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, s in zip(axes, steps):
        step = half_steps[s]
        make_scene(ax, half_steps, point_size=20).update(step)
        ax.set_title(f"step {s}: " + ("start" if step.kind == "start"
                                      else f"{step.kind}-step {step.iteration}"
                                      if len(step.kind) == 1 else f"{step.kind} {step.iteration}"))
    panel = ObjectivePanel(axes[len(steps)], half_steps)
    panel.update(half_steps[steps[-1]])
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig
