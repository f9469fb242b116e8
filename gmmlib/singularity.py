"""A spike on one data point: why a mixture's likelihood has no maximum.

A mixture explains 1-D data: some "base" components (by default one broad
component with the mean and variance of the data), plus a "spike" centred
exactly on one data point x_j with a standard deviation sigma. As sigma -> 0
the point under the spike contributes about -log(sigma) to the log-likelihood,
which grows without limit, while every other point keeps the finite density
the base components give it.

    from gmmlib.singularity import spike_explorer
    explorer = spike_explorer(x, index=0)   # a slider on sigma, log scale
    explorer = spike_explorer(x, 0, base=fit(x, 2).params)  # spike added to a fit
    explorer                                # shows it (last line of a cell)
    explorer.show(1e-4)                     # drive it from code

Like :mod:`gmmlib.widgets`, the figure is drawn with matplotlib's Agg renderer
and shown as a PNG in an ``ipywidgets.Image``, whatever the notebook's backend.
This module imports ipywidgets; ``import gmmlib`` does not import it.
"""

from __future__ import annotations


import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gmmlib._validation import check_data
from gmmlib.em import GMMParams, log_mixture_density
from gmmlib.plotting import component_colors, grid_for, weighted_component_densities
from gmmlib.widgets import SigmaSliderWidget

__all__ = ["SpikeExplorer", "spike_explorer", "spike_params", "spike_log_likelihoods",
           "broad_component"]


def _check_1d(x, index):
    X = check_data(x, name="x")
    if X.shape[1] != 1:
        raise ValueError(f"the spike explorer draws 1-D data; x has {X.shape[1]} features.")
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise ValueError(f"index must be an integer; got {index!r}.")
    if not -X.shape[0] <= index < X.shape[0]:
        raise ValueError(f"index {index} is outside the {X.shape[0]} data points.")
    return X[:, 0], int(index) % X.shape[0]


def broad_component(x):
    """One component with the mean and variance of x: GMMParams with K = 1."""
    x = check_data(x, name="x")[:, 0]
    return GMMParams.from_1d([1.0], [x.mean()], [x.var()])


def spike_params(x, index, sigma, weight=0.05, base=None):
    """The base mixture plus a spike of standard deviation sigma on x[index].

    x : array of shape (N,)
    index : which point the spike sits on
    sigma : float > 0, the spike's standard deviation (its variance is sigma**2)
    weight : float in (0, 1), the spike's weight
    base : GMMParams with D = 1, or None for one broad component with the
        mean and variance of x. Its weights are scaled by 1 - weight.
    Returns GMMParams with the base components first and the spike last.
    """
    x, index = _check_1d(x, index)
    base = broad_component(x) if base is None else base
    if not isinstance(base, GMMParams) or base.n_features != 1:
        raise ValueError("base must be a GMMParams of a 1-D mixture, or None.")
    if not 0 < weight < 1:
        raise ValueError(f"weight must lie strictly between 0 and 1; got {weight!r}.")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive; got {sigma!r}.")
    return GMMParams.from_1d(np.append((1 - weight) * base.weights, weight),
                             np.append(base.means[:, 0], x[index]),
                             np.append(base.covariances[:, 0, 0], sigma**2))


def spike_log_likelihoods(x, index, sigmas, weight=0.05, base=None):
    """The log-likelihood, and the term of the point under the spike, for each sigma.

    Returns (total, spike_term), two arrays of shape (len(sigmas),):
    total = sum_i log p(x_i), spike_term = log p(x_index).
    """
    x, index = _check_1d(x, index)
    total, term = [], []
    for s in np.atleast_1d(np.asarray(sigmas, dtype=float)):
        log_p = log_mixture_density(x, spike_params(x, index, s, weight, base))
        total.append(log_p.sum())
        term.append(log_p[index])
    return np.array(total), np.array(term)


class SpikeExplorer(SigmaSliderWidget):
    """A slider on the spike's sigma, the mixture density it gives, and its log-likelihood.

    Attributes (its interface, also for driving it from code)
    ----------
    slider : ipywidgets.SelectionSlider
        The spike's standard deviation sigma, over round values spaced evenly
        on a log scale (``sigmas``); ``show(sigma)`` picks the nearest.
    readout : ipywidgets.HTML
        sigma, the log-likelihood, and the term of the point under the spike.
    figure : matplotlib.figure.Figure
        Left: the data and the weighted component densities (log scale, so the
        base components and the spike both show; the legend in the upper corner
        away from the spike). Right: the log-likelihood against sigma, with the
        current sigma marked.
    image : ipywidgets.Image
        The frame on screen.
    lines : list of matplotlib Line2D
        The weighted density of each component, the spike last.
    """

    def __init__(self, x, index, *, weight=0.05, base=None, sigma=1.0, min_exponent=-8,
                 max_exponent=0, figsize=(11, 4.3), dpi=100):
        self.x, self.index = _check_1d(x, index)
        self.weight = float(weight)
        self.base = broad_component(self.x) if base is None else base
        K = spike_params(self.x, self.index, sigma, self.weight, self.base).n_components
        x_j = self.x[self.index]

        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        ax_d, ax_ll = self.figure.subplots(1, 2, width_ratios=(3, 2))
        self._base_grid = grid_for(self.x, n=600)
        colors = component_colors(K)

        # Left: weighted densities on a log axis, with limits fixed for every sigma.
        peak = weight / (np.sqrt(2 * np.pi) * 10.0**min_exponent)
        ax_d.set_yscale("log")
        ax_d.set_ylim(1e-3, 10 * peak)
        ax_d.set_xlim(self._base_grid[0], self._base_grid[-1])
        ax_d.plot(self.x, np.full(self.x.size, 2e-3), "|", color="0.3", ms=14, mew=1.5,
                  label="data")
        ax_d.plot([x_j], [2e-3], "|", color=colors[-1], ms=22, mew=3,
                  label=f"$x_j = {x_j:g}$, under the spike")
        (self.mixture,) = ax_d.plot([], [], color="black", lw=4, alpha=0.3,
                                    label="mixture density $p(x)$")
        self.lines = [ax_d.plot([], [], color=colors[k], lw=2, ls="--",
                                label=f"$\\pi_{k} N(x\\mid\\mu_{k},\\sigma_{k}^2)$")[0]
                      for k in range(K - 1)]
        self.lines.append(ax_d.plot([], [], color=colors[-1], lw=2,
                                    label=f"spike $\\pi_{K - 1} N(x\\mid x_j,\\sigma^2)$")[0])
        ax_d.set_xlabel("x")
        ax_d.set_ylabel("density (log scale)")
        ax_d.set_title("a spike on one data point")
        # At small sigma the spike reaches the top of the panel: the legend goes
        # in the upper corner on the other side of the panel, away from the spike.
        middle = 0.5 * (self._base_grid[0] + self._base_grid[-1])
        ax_d.legend(loc="upper right" if x_j < middle else "upper left", fontsize=11)

        # Right: the log-likelihood over the slider's whole range, drawn once.
        self._sigmas = np.logspace(min_exponent, max_exponent, 161)
        total, term = spike_log_likelihoods(self.x, self.index, self._sigmas, self.weight,
                                            self.base)
        ax_ll.plot(self._sigmas, total, color="black", lw=2, label="log-likelihood")
        ax_ll.plot(self._sigmas, term, color=colors[-1], lw=1.5, ls="--",
                   label="term of $x_j$")
        ax_ll.plot(self._sigmas, total - term, color="0.5", lw=1.5, ls=":",
                   label="terms of the other points")
        (self.marker,) = ax_ll.plot([], [], "o", ms=11, color="#d62728",
                                    markeredgecolor="black", zorder=3)
        ax_ll.set_xscale("log")
        ax_ll.set_xlabel("spike's standard deviation $\\sigma$ (log scale)")
        ax_ll.set_ylabel("log-likelihood")
        ax_ll.set_title("smaller $\\sigma$, higher likelihood")
        ax_ll.grid(alpha=0.3)
        ax_ll.legend(loc="best", fontsize=11)
        # Lay the figure out once, then keep it: only the curves move.
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")

        self._start_controls(sigma, min_exponent, max_exponent, per_decade=5,
                             dynamic=[*self.lines, self.mixture, self.marker],
                             label="spike explorer: the log-likelihood as the spike narrows")

    # -- what is on screen --------------------------------------------------------

    @property
    def params(self):
        """The mixture on screen: the base components, then the spike."""
        return spike_params(self.x, self.index, self.sigma, self.weight, self.base)

    @property
    def log_likelihoods(self):
        """(total log-likelihood, term of the point under the spike) on screen."""
        total, term = spike_log_likelihoods(self.x, self.index, [self.sigma], self.weight,
                                            self.base)
        return float(total[0]), float(term[0])

    def _draw_sigma(self, sigma):
        params = spike_params(self.x, self.index, sigma, self.weight, self.base)
        # The grid holds the spike's neighbourhood at its own scale, so the
        # spike is drawn at its true height however narrow it is.
        x_j = self.x[self.index]
        grid = np.union1d(self._base_grid, x_j + sigma * np.linspace(-6, 6, 241))
        dens = weighted_component_densities(grid, params)
        for line, d in zip(self.lines, dens):
            line.set_data(grid, np.maximum(d, 1e-300))  # no log of 0 on the log axis
        self.mixture.set_data(grid, dens.sum(axis=0))
        total, term = (float(v[0]) for v in spike_log_likelihoods(
            self.x, self.index, [sigma], self.weight, self.base))
        self.marker.set_data([sigma], [total])
        return (f"<span style='font-size:1.1em'>σ = <b>{sigma:.2e}</b> &middot; "
                f"log-likelihood <b>{total:.3f}</b> &middot; term of the point under the "
                f"spike {term:.3f} &middot; other points {total - term:.3f}</span>")


def spike_explorer(x, index, *, weight=0.05, base=None, sigma=1.0, min_exponent=-8,
                   max_exponent=0, figsize=(11, 4.3)):
    """A slider that shrinks a spike on the data point x[index] and shows the likelihood climb.

    x : array of shape (N,), one-dimensional data
    index : which data point the spike sits on
    weight : the spike's weight (the base components share 1 - weight)
    base : GMMParams of a 1-D mixture the spike is added to, e.g. a fit of
        the data; None for one broad component with the mean and variance of x
    sigma : the starting standard deviation of the spike
    min_exponent, max_exponent : the slider runs from 10**min_exponent to
        10**max_exponent
    Returns a SpikeExplorer: display it, move ``.slider``, read ``.log_likelihoods``.
    """
    return SpikeExplorer(x, index, weight=weight, base=base, sigma=sigma,
                         min_exponent=min_exponent, max_exponent=max_exponent,
                         figsize=figsize)
