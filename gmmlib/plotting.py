"""Plotting helpers shared by the lessons and the steppers.

Every function draws on an Axes it is given (or returns numbers to draw), so a
lesson keeps control of its figure layout. Component k has the same colour in
every panel of every lesson: ``component_colors(K)[k]``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse

from gmmlib._validation import check_params
from gmmlib.em import GMMParams, component_log_densities
from gmmlib.lloyd import assign

__all__ = [
    "COMPONENT_COLORS",
    "component_colors",
    "soft_colors",
    "weighted_component_densities",
    "plot_mixture_1d",
    "covariance_ellipse",
    "plot_covariance_ellipses",
    "plot_log_likelihood",
    "plot_mixture_2d",
    "plot_kmeans_2d",
    "plot_strips",
    "grid_for",
    "use_course_style",
    "full_covariances",
    "sklearn_params",
]

# matplotlib's "tab10" palette: distinct on a screen and on a projector.
COMPONENT_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
UNASSIGNED_COLOR = (0.55, 0.55, 0.55)


def component_colors(n_components):
    """RGB colours of components 0..K-1, shape (K, 3)."""
    return np.array([to_rgb(COMPONENT_COLORS[k % len(COMPONENT_COLORS)])
                     for k in range(n_components)])


def soft_colors(resp):
    """Each point's colour mixed from the component colours by its responsibilities.

    resp : array of shape (N, K), rows sum to 1. Returns RGB, shape (N, 3): a
    point owned by one component has that component's colour, a point shared
    half and half between two gets the blend of both.
    """
    resp = np.asarray(resp, dtype=float)
    return np.clip(resp @ component_colors(resp.shape[1]), 0.0, 1.0)


def grid_for(x, n=400, margin=0.15):
    """n evenly spaced values covering the data x with a margin on both sides."""
    x = np.asarray(x, dtype=float).ravel()
    lo, hi = x.min(), x.max()
    pad = margin * (hi - lo) if hi > lo else 1.0
    return np.linspace(lo - pad, hi + pad, n)


def weighted_component_densities(x, params):
    """pi_k N(x | mu_k, sigma_k^2) on one-dimensional points x: shape (K, len(x)).

    Summed over k they give the mixture density, which integrates to 1 (each
    component curve alone integrates to its weight pi_k).
    """
    check_params(params)
    if params.n_features != 1:
        raise ValueError("weighted_component_densities draws 1-D mixtures; "
                         f"these parameters are {params.n_features}-dimensional.")
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    with np.errstate(divide="ignore"):
        log_w = np.log(params.weights)
    return np.exp(component_log_densities(x, params) + log_w).T


def plot_mixture_1d(ax, params, x=None, *, data=None, bins=30, components=True,
                    mixture=True, label_prefix=""):
    """Draw a 1-D mixture: the weighted component curves and their sum.

    ax : matplotlib Axes
    params : GMMParams with D = 1
    x : points at which to draw the curves (default: a grid covering the data
        or the components)
    data : optional 1-D data, drawn as a density histogram underneath
    Returns a dict of the drawn artists: "components" (list), "mixture", "hist".
    """
    check_params(params)
    if x is None:
        if data is not None:
            x = grid_for(data)
        else:
            sd = np.sqrt(params.covariances[:, 0, 0])
            x = grid_for(np.concatenate([params.means[:, 0] - 3 * sd,
                                         params.means[:, 0] + 3 * sd]), margin=0)
    artists = {"components": [], "mixture": None, "hist": None}
    if data is not None:
        artists["hist"] = ax.hist(np.ravel(data), bins=bins, density=True,
                                  color="0.85", edgecolor="white", label="data")
    dens = weighted_component_densities(x, params)
    if components:
        for k, (d, c) in enumerate(zip(dens, component_colors(params.n_components))):
            (line,) = ax.plot(x, d, color=c, lw=2, ls="--",
                              label=f"{label_prefix}$\\pi_{k}\\,N(x\\mid\\mu_{k},\\sigma_{k}^2)$")
            artists["components"].append(line)
    if mixture:
        (artists["mixture"],) = ax.plot(x, dens.sum(axis=0), color="black", lw=2.5,
                                        label=f"{label_prefix}mixture density $p(x)$")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    return artists


def covariance_ellipse(mean, cov, n_std=1.0):
    """Centre, width, height and angle (degrees) of the n_std ellipse of a 2-D Gaussian.

    The axes of the ellipse are the eigenvectors of the covariance (the
    *columns* of the eigenvector matrix) and its semi-axes are n_std times the
    square roots of the eigenvalues: standard deviations, not variances.
    """
    cov = np.asarray(cov, dtype=float)
    if cov.shape != (2, 2):
        raise ValueError(f"covariance_ellipse needs a 2x2 covariance; got shape {cov.shape}.")
    eigenvalues, eigenvectors = np.linalg.eigh(cov)  # ascending eigenvalues
    if eigenvalues[0] < 0:
        raise ValueError(f"covariance has a negative eigenvalue {eigenvalues[0]:g}.")
    major = eigenvectors[:, 1]  # column of the largest eigenvalue
    angle = np.degrees(np.arctan2(major[1], major[0]))
    width, height = 2 * n_std * np.sqrt(eigenvalues[::-1])
    return tuple(float(v) for v in np.ravel(mean)), float(width), float(height), float(angle)


def plot_covariance_ellipses(ax, params, n_std=(1, 2), **ellipse_kw):
    """Draw the n_std ellipses and the mean of every component of a 2-D mixture.

    Returns a list, per component, of (list of Ellipse patches, mean marker).
    """
    check_params(params)
    if params.n_features != 2:
        raise ValueError("plot_covariance_ellipses draws 2-D mixtures; "
                         f"these parameters are {params.n_features}-dimensional.")
    drawn = []
    for k, c in enumerate(component_colors(params.n_components)):
        patches = []
        for s in np.atleast_1d(n_std):
            centre, w, h, a = covariance_ellipse(params.means[k], params.covariances[k], s)
            kw = dict(fill=False, edgecolor=c, lw=2.5 if s == 1 else 1.5,
                      ls="-" if s == 1 else "--")
            kw.update(ellipse_kw)
            patches.append(ax.add_patch(Ellipse(centre, w, h, angle=a, **kw)))
        (marker,) = ax.plot(*params.means[k], marker="X", ms=12, color=c,
                            markeredgecolor="black", ls="none")
        drawn.append((patches, marker))
    return drawn


def plot_log_likelihood(ax, log_likelihoods, **line_kw):
    """The log-likelihood after each iteration (iteration 0 is the start)."""
    ll = np.asarray(log_likelihoods, dtype=float)
    kw = dict(color="black", marker="o", ms=4, lw=1.5)
    kw.update(line_kw)
    (line,) = ax.plot(np.arange(ll.size), ll, **kw)
    ax.set_xlabel("iteration")
    ax.set_ylabel("log-likelihood")
    ax.grid(alpha=0.3)
    return line


def use_course_style():
    """Figure defaults of the course: large fonts that read on a projector, and
    the component colours as matplotlib's colour cycle."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "figure.figsize": (9, 4.5),
        "figure.dpi": 100,
        "font.size": 12,
        "axes.titlesize": 14,
        "axes.labelsize": 13,
        "legend.fontsize": 11,
        "axes.prop_cycle": cycler(color=list(COMPONENT_COLORS)),
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def plot_mixture_2d(ax, params, X=None, *, n_std=(1, 2), point_size=20, soft=True):
    """Draw 2-D data coloured by a mixture's responsibilities, and its ellipses.

    ax : matplotlib Axes
    params : GMMParams with D = 2
    X : optional data, array of shape (N, 2). With ``soft=True`` each point is
        coloured by its responsibilities under ``params`` (``soft_colors``),
        with ``soft=False`` it is grey.
    n_std : the standard-deviation ellipses to draw for every component
    Returns a dict of the drawn artists: "points" (or None) and "components"
    (as returned by :func:`plot_covariance_ellipses`).
    """
    from gmmlib.em import predict_proba

    check_params(params)
    if params.n_features != 2:
        raise ValueError("plot_mixture_2d draws 2-D mixtures; "
                         f"these parameters are {params.n_features}-dimensional.")
    points = None
    if X is not None:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must have shape (N, 2); got shape {X.shape}.")
        if soft:
            colors = soft_colors(predict_proba(X, params))
        else:
            colors = np.tile(UNASSIGNED_COLOR, (X.shape[0], 1))
        points = ax.scatter(X[:, 0], X[:, 1], c=colors, s=point_size, linewidths=0.3,
                            edgecolors="white", zorder=1)
    components = plot_covariance_ellipses(ax, params, n_std=n_std)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return {"points": points, "components": components}


def plot_kmeans_2d(ax, X, labels, centres, *, regions=True, point_size=20, margin=0.5):
    """Draw a K-means clustering of 2-D data: points, centres and nearest-centre regions.

    ax : matplotlib Axes
    X : array of shape (N, 2)
    labels : array of shape (N,), the cluster of each point (0..K-1); point i
        gets the colour of cluster labels[i]
    centres : array of shape (K, 2), drawn as crosses in their cluster's colour
    regions : shade every place of the plane in the light colour of its
        nearest centre, so that the borders K-means draws (the perpendicular
        bisectors between centres) are visible
    margin : how far the view extends beyond the data, in data units
    Sets equal scales on both axes. Returns a dict of the drawn artists:
    "points", "centres" (a list) and "regions" (or None).
    """
    X = np.asarray(X, dtype=float)
    centres = np.asarray(centres, dtype=float)
    labels = np.asarray(labels)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2); got shape {X.shape}.")
    if centres.ndim != 2 or centres.shape[1] != 2:
        raise ValueError(f"centres must have shape (K, 2); got shape {centres.shape}.")
    K = centres.shape[0]
    if labels.shape != (X.shape[0],) or labels.min() < 0 or labels.max() >= K:
        raise ValueError(f"labels must hold one cluster index in 0..{K - 1} per point "
                         f"(shape ({X.shape[0]},)); got shape {labels.shape}.")
    colors = component_colors(K)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    drawn_regions = None
    if regions:
        g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 300), np.linspace(lo[1], hi[1], 300))
        grid = np.column_stack([g1.ravel(), g2.ravel()])
        nearest = assign(grid, centres)             # K-means' assignment step, on the grid
        light = 0.82 + 0.18 * colors                 # each colour, mostly white
        drawn_regions = ax.imshow(light[nearest].reshape(300, 300, 3), origin="lower",
                                  extent=(lo[0], hi[0], lo[1], hi[1]), interpolation="nearest",
                                  zorder=0)
    points = ax.scatter(X[:, 0], X[:, 1], c=colors[labels], s=point_size, linewidths=0.3,
                        edgecolors="white", zorder=1)
    markers = [ax.plot(*c, marker="X", ms=13, color=colors[k], markeredgecolor="black",
                       ls="none", zorder=3)[0] for k, c in enumerate(centres)]
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return {"points": points, "centres": markers, "regions": drawn_regions}


def plot_strips(ax, groups, *, seed=0, jitter=0.2, point_size=30):
    """A strip plot: one horizontal row of jittered dots per group of numbers.

    ax : matplotlib Axes
    groups : dict mapping a label (str) to a 1-D array of values; the first
        group is drawn at the top
    seed : seed of the vertical jitter (only there to separate equal values)
    Returns the list of PathCollections, one per group.
    """
    rng = np.random.default_rng(seed)
    labels = list(groups)
    drawn = []
    for row, label in enumerate(labels):
        values = np.ravel(np.asarray(groups[label], dtype=float))
        y = row + rng.uniform(-jitter, jitter, size=values.size)
        drawn.append(ax.scatter(values, y, s=point_size, alpha=0.6, color="black",
                                edgecolors="white", linewidths=0.3))
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)
    return drawn



def full_covariances(covariances, covariance_type, n_components, n_features):
    """Expand scikit-learn's ``covariances_`` to one full matrix per component.

    scikit-learn stores the covariances of a fitted ``GaussianMixture`` in a
    shape that depends on ``covariance_type``:

    - "full":      (K, D, D), one matrix per component (returned as a copy);
    - "tied":      (D, D), one matrix shared by every component;
    - "diag":      (K, D), the variances of each component (no correlations);
    - "spherical": (K,), one variance per component, the same along every axis.

    Returns an array of shape (K, D, D), as GMMParams and the drawing helpers
    want it. The numbers are variances, not standard deviations.
    """
    cov = np.asarray(covariances, dtype=float)
    K, D = int(n_components), int(n_features)
    expected = {"full": (K, D, D), "tied": (D, D), "diag": (K, D), "spherical": (K,)}
    if covariance_type not in expected:
        raise ValueError(f"covariance_type={covariance_type!r} is not understood; "
                         "use 'full', 'tied', 'diag' or 'spherical'.")
    if cov.shape != expected[covariance_type]:
        raise ValueError(f"covariance_type={covariance_type!r} with K={K}, D={D} needs "
                         f"covariances of shape {expected[covariance_type]}; got {cov.shape}. "
                         "Pass the estimator's own covariance_type.")
    if covariance_type == "full":
        return cov.copy()
    if covariance_type == "tied":
        return np.repeat(cov[None], K, axis=0)
    if covariance_type == "diag":
        return np.einsum("kd,de->kde", cov, np.eye(D))
    return cov[:, None, None] * np.eye(D)


def sklearn_params(gm):
    """GMMParams of a fitted scikit-learn ``GaussianMixture`` (or ``BayesianGaussianMixture``).

    Reads ``weights_``, ``means_`` and ``covariances_`` and expands the
    covariances with :func:`full_covariances`, whatever the covariance_type,
    so that gmmlib's densities and the drawing helpers apply to the fit.
    """
    for name in ("weights_", "means_", "covariances_"):
        if not hasattr(gm, name):
            raise ValueError(f"sklearn_params needs a fitted mixture; {type(gm).__name__} has no "
                             f"{name}. Call its fit(X) first.")
    K, D = np.shape(gm.means_)
    return GMMParams(gm.weights_, gm.means_,
                     full_covariances(gm.covariances_, gm.covariance_type, K, D))
