"""Lloyd's K-means: EM with hard assignments.

Each iteration has two half-steps, like EM:

    assign   each point to its nearest centre           (the hard E-step)
    move     each centre to the mean of its points      (the M-step)

The inertia, the sum of squared distances from each point to its nearest
centre, never increases. K-means is also the limit of EM for a mixture whose
components share one spherical variance sigma^2, held fixed, as sigma -> 0:
:func:`soft_assign` gives those responsibilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmmlib._validation import check_data, check_int, check_n_components, check_seed
from gmmlib.em import _kmeans_plusplus

__all__ = ["KMeansResult", "kmeans", "assign", "move_centres", "inertia", "soft_assign"]


def _squared_distances(X, centres):
    """|x_i - c_k|^2 for every point and centre: shape (N, K)."""
    return ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)


def assign(X, centres):
    """The assignment step: the index of each point's nearest centre, shape (N,)."""
    X = check_data(X)
    centres = _check_centres(centres, X.shape[1])
    return np.argmin(_squared_distances(X, centres), axis=1)


def move_centres(X, labels, centres):
    """The move step: each centre to the mean of the points assigned to it.

    A centre with no points keeps its place. Returns an array of shape (K, D).
    """
    X = check_data(X)
    centres = _check_centres(centres, X.shape[1])
    return _move(X, np.asarray(labels), centres)


def _move(X, labels, centres):
    new = centres.copy()
    for k in range(centres.shape[0]):
        members = X[labels == k]
        if len(members):
            new[k] = members.mean(axis=0)
    return new


def inertia(X, centres):
    """The sum over points of the squared distance to the nearest centre."""
    X = check_data(X)
    centres = _check_centres(centres, X.shape[1])
    return float(_squared_distances(X, centres).min(axis=1).sum())


def soft_assign(X, centres, sigma):
    """Responsibilities of a mixture of K equally weighted N(c_k, sigma^2 I): shape (N, K).

    r_ik = exp(-|x_i - c_k|^2 / (2 sigma^2)) / sum_j exp(-|x_i - c_j|^2 / (2 sigma^2)),
    computed with log-sum-exp. As sigma -> 0 each row becomes 1 at the
    nearest centre and 0 elsewhere: K-means' hard assignment.
    """
    X = check_data(X)
    centres = _check_centres(centres, X.shape[1])
    sigma = float(sigma)
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be a positive number; got {sigma!r}.")
    a = -_squared_distances(X, centres) / (2 * sigma**2)
    a -= a.max(axis=1, keepdims=True)
    r = np.exp(a)
    return r / r.sum(axis=1, keepdims=True)


def _check_centres(centres, D):
    try:
        centres = np.array(centres, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("centres must be an array of numbers of shape (K, D).") from None
    if centres.ndim == 1 and D == 1:
        centres = centres.reshape(-1, 1)
    if centres.ndim != 2 or centres.shape[1] != D or centres.shape[0] < 1:
        raise ValueError(f"centres must have shape (K, {D}); got shape {centres.shape}.")
    if not np.all(np.isfinite(centres)):
        raise ValueError("centres contain NaN or infinity.")
    return centres


@dataclass(frozen=True)
class KMeansResult:
    """What :func:`kmeans` returns.

    Attributes
    ----------
    centres : array of shape (K, D)
        The final centres (the last entry of ``history``).
    labels : array of shape (N,)
        Each point's nearest final centre.
    inertia : float
        The final inertia.
    history : list of arrays of shape (K, D)
        The initial centres, then the centres after each iteration.
    inertias : array of shape (len(history),)
        The inertia of each entry of ``history``; it never increases.
    converged : bool
        True when an assignment step changed no label.
    n_iter : int
        The number of iterations run, ``len(history) - 1``.
    """

    centres: np.ndarray
    labels: np.ndarray
    inertia: float
    history: list
    inertias: np.ndarray
    converged: bool
    n_iter: int


def kmeans(X, n_clusters, *, init="kmeans++", max_iter=100, seed=0):
    """Lloyd's K-means.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    n_clusters : int, 1 <= K <= N
    init : "kmeans++", "random" or an array of shape (K, D)
        The starting centres: k-means++ seeding (spread-out data points, as in
        gmmlib.fit), K distinct data points drawn uniformly, or given centres.
    max_iter : int >= 0
    seed : int

    Returns
    -------
    KMeansResult

    Stops when an assignment step changes no label (the centres would not
    move again), or after max_iter iterations.
    """
    X = check_data(X)
    K = check_n_components(n_clusters, X.shape[0])
    max_iter = check_int("max_iter", max_iter, minimum=0)
    rng = np.random.default_rng(check_seed(seed))
    if isinstance(init, str) and init == "kmeans++":
        centres = X[_kmeans_plusplus(X, K, rng)]
    elif isinstance(init, str) and init == "random":
        centres = X[rng.choice(X.shape[0], size=K, replace=False)]
    elif isinstance(init, str):
        raise ValueError(f"init={init!r} is not understood; use 'kmeans++', 'random' "
                         "or an array of centres of shape (K, D).")
    else:
        centres = _check_centres(init, X.shape[1])
        if centres.shape[0] != K:
            raise ValueError(f"init has {centres.shape[0]} centres but n_clusters={K}.")
    centres = np.array(centres, dtype=float)
    history = [centres]
    d2 = _squared_distances(X, centres)
    labels = np.argmin(d2, axis=1)
    inertias = [float(d2.min(axis=1).sum())]
    converged = False
    for _ in range(max_iter):
        centres = _move(X, labels, centres)
        history.append(centres)
        d2 = _squared_distances(X, centres)
        new_labels = np.argmin(d2, axis=1)
        inertias.append(float(d2.min(axis=1).sum()))
        if np.array_equal(new_labels, labels):
            converged = True
            break
        labels = new_labels
    return KMeansResult(centres=centres, labels=np.argmin(d2, axis=1), inertia=inertias[-1],
                        history=history, inertias=np.array(inertias), converged=converged,
                        n_iter=len(history) - 1)
