"""Why EM works, drawn exactly: the lower bound that touches the log-likelihood.

For responsibilities q (rows summing to 1) and parameters theta,

    B(q, theta) = sum_i sum_k q_ik log(pi_k N(x_i | mu_k, sigma_k^2) / q_ik)
                = log-likelihood(theta) - sum_i KL(q_i || p(z_i | x_i, theta)),

so B is never above the log-likelihood, and touches it where q is the
posterior (:func:`gmmlib.lower_bound`). The E-step makes it touch; the M-step
climbs it.

To draw both as curves over one parameter, this module runs EM on the means
of chosen components only, with every weight and variance held: then the
log-likelihood is a fixed curve (or surface) over those means, and
B(q, .) is exactly a parabola (or paraboloid) under it. Each M-step puts
every chosen mean at the top of the parabola, the weighted mean
sum_i q_ik x_i / sum_i q_ik.
"""

from __future__ import annotations

import numpy as np

from gmmlib._validation import check_data, check_int, check_params
from gmmlib.em import FitResult, GMMParams, _e_step, lower_bound
from gmmlib.plotting import component_colors
from gmmlib.steps import HalfSteps, filmstrip

__all__ = ["em_for_means", "with_mean", "log_likelihood_along_mean", "bound_along_mean",
           "BoundHalfSteps", "bound_steps", "bound_filmstrip"]


def _check_1d(x):
    x = check_data(x)
    if x.shape[1] != 1:
        raise ValueError(f"the bound pictures are for 1-D data; x has {x.shape[1]} features.")
    return x


def _check_components(components, K):
    components = tuple(int(check_int("component", k, minimum=0, maximum=K - 1))
                       for k in np.atleast_1d(components).tolist())
    if len(set(components)) != len(components):
        raise ValueError(f"components {components} repeat a component.")
    return components


def with_mean(params, k, value):
    """The same mixture with mean k replaced by value (1-D)."""
    means = params.means.copy()
    means[k, 0] = value
    return GMMParams(params.weights, means, params.covariances)


def em_for_means(x, start, components=(0,), n_iter=10):
    """EM that learns only the means of ``components``; weights and variances stay as in start.

    x : array of shape (N,) or (N, 1)
    start : GMMParams, 1-D
    components : the components whose means are learned
    n_iter : int >= 0, the number of iterations (no stopping rule)

    Each iteration: E-step q = e_step(x, theta); M-step mu_k = sum_i q_ik x_i /
    sum_i q_ik for every chosen k, the maximum of B(q, .) over those means.
    Returns a FitResult (history, log-likelihoods), like gmmlib.fit.
    """
    x = _check_1d(x)
    params = check_params(start, "start")
    if params.n_features != 1:
        raise ValueError("start must describe a 1-D mixture.")
    components = _check_components(components, params.n_components)
    n_iter = check_int("n_iter", n_iter, minimum=0)
    history = [params]
    resp, log_density = _e_step(x, params)
    log_likelihoods = [float(log_density.sum())]
    for _ in range(n_iter):
        means = params.means.copy()
        for k in components:
            means[k, 0] = resp[:, k] @ x[:, 0] / resp[:, k].sum()
        params = GMMParams(params.weights, means, params.covariances)
        history.append(params)
        resp, log_density = _e_step(x, params)
        log_likelihoods.append(float(log_density.sum()))
    return FitResult(params=params, history=history, log_likelihoods=np.array(log_likelihoods),
                     converged=False, n_iter=n_iter,
                     start_log_likelihoods=np.array(log_likelihoods[-1:]))


def log_likelihood_along_mean(x, params, k, grid):
    """The log-likelihood with mean k set to each value of grid, all else held: shape (len(grid),)."""
    x = _check_1d(x)
    return np.array([float(_e_step(x, with_mean(params, k, g))[1].sum()) for g in grid])


def bound_along_mean(x, params, resp, k, grid):
    """B(resp, theta) with mean k of theta set to each value of grid, all else held.

    With resp fixed, this is a parabola in the mean: its top is at
    sum_i resp_ik x_i / sum_i resp_ik.
    """
    x = _check_1d(x)
    return np.array([lower_bound(x, with_mean(params, k, g), resp) for g in grid])


class BoundHalfSteps(HalfSteps):
    """The half-steps of :func:`em_for_means`, pictured as the log-likelihood
    over mean k and the bound beneath it.

    x : array of shape (N, 1), already validated
    result : FitResult of em_for_means(x, start, components=(k,))
    k : the component whose mean is on the horizontal axis
    grid : values of that mean to draw
    """

    descriptions = ("E-step: the bound is redrawn to touch the log-likelihood",
                    "M-step: the mean jumps to the top of the bound")

    def __init__(self, x, result, k, grid):
        super().__init__(x, result)
        self.k = int(k)
        self.grid = np.asarray(grid, dtype=float)
        self.curve = log_likelihood_along_mean(x, result.history[0], self.k, self.grid)
        self._bounds = {}

    def bound(self, resp_index):
        """B(q, .) over the grid, with q the responsibilities of history[resp_index]."""
        if resp_index not in self._bounds:
            params = self.result.history[resp_index]
            q = self._resp(resp_index)
            self._bounds[resp_index] = bound_along_mean(self.X, params, q, self.k, self.grid)
        return self._bounds[resp_index]

    def make_scene(self, ax, **kw):
        return BoundScene(ax, self)


class BoundScene:
    """The log-likelihood over one mean (fixed), the bound of the current
    E-step beneath it, and where the current mean stands on each."""

    def __init__(self, ax, steps):
        self.ax, self.steps = ax, steps
        grid, curve = steps.grid, steps.curve
        colour = component_colors(steps.result.history[0].n_components)[steps.k]
        mu = rf"\mu_{steps.k}"
        ax.plot(grid, curve, color="black", lw=2.5, label=rf"log-likelihood $\ell({mu})$")
        # Show the log-likelihood whole, and the bound where it comes near it.
        span = curve.max() - curve.min()
        ax.set_ylim(curve.min() - 0.35 * span, curve.max() + 0.08 * span)
        ax.set_xlim(grid[0], grid[-1])
        (self.bound_line,) = ax.plot([], [], color=colour, lw=2.2, ls="--",
                                     label=rf"bound $B(q, {mu})$ (from an E-step)")
        (self.on_curve,) = ax.plot([], [], "o", ms=11, color="black", zorder=4,
                                   label=rf"current ${mu}$ on $\ell$")
        (self.on_bound,) = ax.plot([], [], "o", ms=9, color=colour, markeredgecolor="black",
                                   zorder=5, label=rf"current ${mu}$ on $B$")
        self.stem = ax.axvline(grid[0], color="0.5", lw=1, ls=":")
        ax.set_xlabel(rf"mean $\mu_{steps.k}$ of component {steps.k}")
        ax.set_ylabel("log-likelihood and bound")
        ax.legend(loc="upper right", fontsize=9)
        ax.grid(alpha=0.3)
        self.dynamic = [self.bound_line, self.on_curve, self.on_bound, self.stem]

    def update(self, step):
        params = self.steps.result.history[step.params_index]
        mu = params.means[self.steps.k, 0]
        ll = self.steps.result.log_likelihoods[step.params_index]
        self.on_curve.set_data([mu], [ll])
        self.stem.set_xdata([mu, mu])
        if step.resp_index is None:  # the start: no responsibilities, no bound yet
            self.bound_line.set_data([], [])
            self.on_bound.set_data([], [])
            return
        self.bound_line.set_data(self.steps.grid, self.steps.bound(step.resp_index))
        q = self.steps._resp(step.resp_index)
        self.on_bound.set_data([mu], [lower_bound(self.steps.X, params, q)])


def _grid_around(x, result, k, n=241):
    means = [p.means[k, 0] for p in result.history]
    lo, hi = min(x.min(), *means), max(x.max(), *means)
    pad = 0.1 * (hi - lo)
    return np.linspace(lo - pad, hi + pad, n)


def bound_steps(x, start, component=0, n_iter=6, grid=None):
    """BoundHalfSteps of EM on the mean of one component from start."""
    x = _check_1d(x)
    result = em_for_means(x, start, (component,), n_iter)
    grid = _grid_around(x, result, component) if grid is None else grid
    return BoundHalfSteps(x, result, component, grid)


def bound_filmstrip(x, start, component=0, n_iter=6, steps=None, *, grid=None, ncols=3,
                    panel_size=(4.8, 3.6)):
    """A static figure of chosen half-steps of the bound picture (see :func:`bound_stepper`
    in gmmlib.widgets)."""
    return filmstrip(bound_steps(x, start, component, n_iter, grid), steps, ncols=ncols,
                     panel_size=panel_size)
