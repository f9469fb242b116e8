"""K-means as a limit of EM: soft assignments that harden as a shared sigma shrinks.

A mixture of K components with equal weights 1/K and one shared spherical
covariance sigma^2 I gives each point the responsibilities
:func:`gmmlib.lloyd.soft_assign`. As sigma -> 0 they become 0 or 1: K-means'
hard assignment to the nearest centre.

    from gmmlib.limit import sigma_explorer
    explorer = sigma_explorer(X, centres)    # X of shape (N, 2), centres (K, 2)
    explorer                                 # shows it (last line of a cell)
    explorer.show(0.1)                       # drive it from code

:func:`plot_soft_assignments` draws the same picture on any Axes, for static
figures. The widget renders every frame ahead and switches them in the browser
(see :mod:`gmmlib.widgets`). This module imports ipywidgets; ``import gmmlib``
does not import it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from gmmlib._validation import check_data
from gmmlib.lloyd import _check_centres, soft_assign
from gmmlib.plotting import component_colors, soft_colors
from gmmlib.widgets import SigmaSliderWidget

__all__ = ["hard_fraction", "plot_soft_assignments", "SigmaExplorer", "sigma_explorer"]


def _check_2d(X, centres):
    X = check_data(X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) to be drawn; got shape {X.shape}.")
    return X, _check_centres(centres, 2)


def hard_fraction(resp, threshold=0.99):
    """The fraction of points whose largest responsibility exceeds threshold.

    resp : array of shape (N, K), rows sum to 1. Returns a float in [0, 1]:
    1 means every point is (nearly) hard-assigned, as in K-means.
    """
    return float(np.mean(np.max(resp, axis=1) > threshold))


def plot_soft_assignments(ax, X, centres, sigma, *, point_size=20, title=True):
    """Draw 2-D data coloured by soft_assign(X, centres, sigma), and the centres.

    ax : matplotlib Axes
    X : array of shape (N, 2)
    centres : array of shape (K, 2); centre k has colour ``component_colors(K)[k]``
    sigma : the shared standard deviation; a circle of radius sigma is drawn
        around each centre (the 1-sd circle of its component)
    title : True for a title naming sigma and the fraction of hard points
    Returns a dict: "points" (PathCollection), "circles" (list of Circle),
    "resp" (array of shape (N, K)).
    """
    X, centres = _check_2d(X, centres)
    resp = soft_assign(X, centres, sigma)
    colors = component_colors(centres.shape[0])
    points = ax.scatter(X[:, 0], X[:, 1], c=soft_colors(resp), s=point_size,
                        edgecolors="white", linewidths=0.3, zorder=1)
    circles = []
    for k, c in enumerate(colors):
        circles.append(ax.add_patch(Circle(centres[k], sigma, fill=False, edgecolor=c,
                                           lw=2.5, zorder=2)))
        ax.plot(*centres[k], marker="X", ms=12, color=c, markeredgecolor="black", ls="none",
                zorder=3)
    _fix_limits(ax, X)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(_title(sigma, resp))
    return {"points": points, "circles": circles, "resp": resp}


def _title(sigma, resp):
    return f"σ = {sigma:.3g}: {hard_fraction(resp):.1%} of points hard"


def _fix_limits(ax, X, margin=0.08):
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo).max()
    ax.set_xlim(lo[0] - pad, hi[0] + pad)
    ax.set_ylim(lo[1] - pad, hi[1] + pad)
    ax.set_aspect("equal")


class SigmaExplorer(SigmaSliderWidget):
    """A slider on the shared sigma and the points coloured by their soft assignments.

    Attributes (its interface, also for driving it from code)
    ----------
    slider : ipywidgets.SelectionSlider
        The shared standard deviation sigma, over round values spaced evenly
        on a log scale (``sigmas``); ``show(sigma)`` picks the nearest.
    readout : ipywidgets.HTML
        sigma and the fraction of points whose largest responsibility exceeds 0.99.
    figure : matplotlib.figure.Figure
        The data coloured by their responsibilities, the centres and the
        sigma circles (drawn by :func:`plot_soft_assignments`).
    image : ipywidgets.Image
        The frame on screen.
    points, circles : the matplotlib artists that a slider change updates.
    """

    def __init__(self, X, centres, *, sigma=1.0, min_exponent=-1.5, max_exponent=1.0,
                 figsize=(6, 4.8), dpi=100):
        self.X, self.centres = _check_2d(X, centres)
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.subplots()
        drawn = plot_soft_assignments(self.ax, self.X, self.centres, sigma)
        self.points, self.circles = drawn["points"], drawn["circles"]
        # Lay the figure out once, then keep it: only the points, circles and title change.
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")
        self._start_controls(sigma, min_exponent, max_exponent, per_decade=10,
                             dynamic=[self.points, *self.circles, self.ax.title],
                             label="sigma explorer: soft assignments as sigma shrinks")

    @property
    def resp(self):
        """The responsibilities on screen, shape (N, K)."""
        return soft_assign(self.X, self.centres, self.sigma)

    def _draw_sigma(self, sigma):
        resp = soft_assign(self.X, self.centres, sigma)
        self.points.set_facecolors(soft_colors(resp))
        for circle in self.circles:
            circle.set_radius(sigma)
        self.ax.set_title(_title(sigma, resp))
        return (f"<span style='font-size:1.1em'>σ = <b>{sigma:.3g}</b> &middot; points with a "
                f"responsibility above 0.99: <b>{hard_fraction(resp):.1%}</b></span>")


def sigma_explorer(X, centres, *, sigma=1.0, min_exponent=-1.5, max_exponent=1.0,
                   figsize=(6, 4.8)):
    """A slider on sigma that shows soft assignments hardening into K-means' labels.

    X : array of shape (N, 2)
    centres : array of shape (K, 2), e.g. ``gmmlib.kmeans(X, K).centres``
    sigma : the starting standard deviation
    min_exponent, max_exponent : the slider runs from 10**min_exponent to
        10**max_exponent
    Returns a SigmaExplorer: display it, move ``.slider``, read ``.resp``.
    """
    return SigmaExplorer(X, centres, sigma=sigma, min_exponent=min_exponent,
                         max_exponent=max_exponent, figsize=figsize)
