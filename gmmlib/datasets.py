"""Data sets for the lessons: seeded, so every run and every class sees the same points."""

from __future__ import annotations

import numpy as np

from gmmlib._validation import check_params, check_seed
from gmmlib.em import GMMParams

__all__ = ["sample_mixture", "three_bumps_1d", "three_blobs_2d", "old_faithful",
           "stretched_clusters", "unequal_clusters",
           "THREE_BUMPS_1D", "THREE_BLOBS_2D", "STRETCHED_CLUSTERS", "UNEQUAL_CLUSTERS"]

# Each synthetic data set is drawn from one of the mixtures below; its
# z labels number the clusters like that mixture's components. Passing the
# mixture as ``reference`` to gmmlib.components.canonical (or to a stepper)
# gives every fit of the data the same numbering, and so the same colours.


def sample_mixture(params, n_samples, seed=0):
    """Draw points from a Gaussian mixture by its generative story.

    For each point: pick a component z with probability pi_z, then draw
    x ~ N(mu_z, Sigma_z). Returns (X, z): X of shape (n_samples, D), z of
    shape (n_samples,) with the component of each point. Points come in a
    random order, not grouped by component.
    """
    check_params(params)
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}.")
    rng = np.random.default_rng(check_seed(seed))
    z = rng.choice(params.n_components, size=n_samples, p=params.weights)
    noise = rng.standard_normal((n_samples, params.n_features))
    # x = mu_z + L_z e with Sigma_z = L_z L_z^T and e ~ N(0, I)
    X = params.means[z] + np.einsum("nij,nj->ni", params._chol[z], noise)
    return X, z


THREE_BUMPS_1D = GMMParams.from_1d(
    weights=[0.45, 0.35, 0.20], means=[-2.0, 1.0, 4.0], variances=[0.36, 1.0, 0.25])

THREE_BLOBS_2D = GMMParams(
    weights=[0.4, 0.35, 0.25],
    means=[[0.0, 0.0], [3.0, 0.5], [1.0, 4.0]],
    covariances=[[[1.0, 0.7], [0.7, 1.0]], [[0.3, 0.0], [0.0, 1.0]], [[1.0, -0.3], [-0.3, 0.4]]],
)


def three_bumps_1d(n_samples=300, seed=0):
    """1-D data from three well separated Gaussians (THREE_BUMPS_1D).

    Returns (x, z): x of shape (n_samples,), z the true component of each point.
    """
    X, z = sample_mixture(THREE_BUMPS_1D, n_samples, seed)
    return X[:, 0], z


def three_blobs_2d(n_samples=500, seed=0):
    """2-D data from three Gaussians with different shapes (THREE_BLOBS_2D).

    Returns (X, z): X of shape (n_samples, 2), z the true component of each point.
    """
    return sample_mixture(THREE_BLOBS_2D, n_samples, seed)


def old_faithful():
    """Eruptions of the Old Faithful geyser: 272 rows, two columns in minutes.

    Returns a pandas DataFrame with columns ``eruptions`` (duration of the
    eruption) and ``waiting`` (time to the next eruption). The file ships with
    gmmlib (gmmlib/data/old_faithful.csv; its source is in
    gmmlib/data/SOURCES.md), so no network is needed.
    """
    from importlib.resources import files

    import pandas as pd

    with files("gmmlib").joinpath("data/old_faithful.csv").open("r") as f:
        return pd.read_csv(f)


def _stretched_covariance(angle_deg, var_along, var_across):
    """A 2-D covariance with variance var_along in the direction angle_deg
    (degrees from the x_1 axis) and var_across perpendicular to it."""
    t = np.radians(angle_deg)
    V = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])  # columns: the two axes
    return V @ np.diag([var_along, var_across]) @ V.T


# Three long, thin, parallel clusters, side by side and tilted by 70 degrees:
# each is about 6 times longer (standard deviation sqrt(3)) than wide (sqrt(0.08)),
# and its neighbours are only 2.2 apart. (Lesson 07: where K-means fails.)
STRETCHED_CLUSTERS = GMMParams(
    weights=[1 / 3, 1 / 3, 1 / 3],
    means=[[-2.2, 0.0], [0.0, 0.0], [2.2, 0.0]],
    covariances=[_stretched_covariance(70, 3.0, 0.08)] * 3,
)

# One large, wide cluster (70% of the points, variance 2.5 in every direction)
# with two small, tight ones (15% each, variance 0.15) on its right. (Lessons 07 and 08.)
UNEQUAL_CLUSTERS = GMMParams(
    weights=[0.7, 0.15, 0.15],
    means=[[0.0, 0.0], [4.0, 2.5], [4.0, -2.5]],
    covariances=[2.5 * np.eye(2), 0.15 * np.eye(2), 0.15 * np.eye(2)],
)


def stretched_clusters(n_samples=450, seed=0):
    """2-D data from three stretched, parallel Gaussians (STRETCHED_CLUSTERS).

    The clusters are long and thin, so a point is often nearer the centre of
    a neighbouring cluster than the centre of its own: K-means splits them
    wrongly, a mixture with full covariances does not.
    Returns (X, z): X of shape (n_samples, 2), z the true component of each point.
    """
    return sample_mixture(STRETCHED_CLUSTERS, n_samples, seed)


def unequal_clusters(n_samples=500, seed=0):
    """2-D data from one large, wide Gaussian and two small, tight ones (UNEQUAL_CLUSTERS).

    K-means draws the border between two clusters halfway between their
    centres, so the small clusters take the edge of the wide one.
    Returns (X, z): X of shape (n_samples, 2), z the true component of each point.
    """
    return sample_mixture(UNEQUAL_CLUSTERS, n_samples, seed)
