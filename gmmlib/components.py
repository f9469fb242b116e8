"""Comparing fits component by component: distances and label switching.

A mixture's components have no natural order: the same fit can come out with
its components numbered differently (label switching). To compare two fits,
match each component of one with the closest component of the other.

The course numbers (and so colours) the components of every fit it draws by
one rule, :func:`canonical`: like the clusters of a reference mixture when
there is one (for the course's data sets, the mixture that generated them, so
a cluster has the same colour in a fit as in a picture of the true labels),
and otherwise from left to right, by the first coordinate of the means.
"""

from __future__ import annotations

import numpy as np

from gmmlib._validation import check_params
from gmmlib.em import GMMParams

__all__ = ["bhattacharyya_distance", "match_components", "permute_components",
           "canonical_order", "canonical", "canonical_number"]


def bhattacharyya_distance(mean1, cov1, mean2, cov2):
    """The Bhattacharyya distance between N(mean1, cov1) and N(mean2, cov2).

    D_B = (1/8) d^T S^{-1} d + (1/2) log( det S / sqrt(det cov1 det cov2) ),
    with d = mean1 - mean2 and S = (cov1 + cov2) / 2. It is 0 for identical
    Gaussians, grows with the gap between the means (measured in standard
    deviations) and with the difference of the shapes, and does not change when
    the data are rescaled.
    """
    mean1, mean2 = np.atleast_1d(mean1).astype(float), np.atleast_1d(mean2).astype(float)
    cov1, cov2 = np.atleast_2d(cov1).astype(float), np.atleast_2d(cov2).astype(float)
    S = (cov1 + cov2) / 2
    d = mean1 - mean2
    _, logdet_S = np.linalg.slogdet(S)
    _, logdet_1 = np.linalg.slogdet(cov1)
    _, logdet_2 = np.linalg.slogdet(cov2)
    return float(d @ np.linalg.solve(S, d) / 8 + (logdet_S - (logdet_1 + logdet_2) / 2) / 2)


def match_components(reference, other):
    """The order of ``other``'s components that best lines them up with ``reference``'s.

    reference, other : GMMParams with the same K and D
    Returns perm, an integer array of shape (K,): component perm[k] of
    ``other`` is matched with component k of ``reference``, chosen to minimise
    the total Bhattacharyya distance between matched pairs (an optimal
    assignment, scipy's linear_sum_assignment). ``permute_components(other,
    perm)`` then numbers ``other``'s components like ``reference``'s.
    """
    from scipy.optimize import linear_sum_assignment

    check_params(reference, "reference")
    check_params(other, "other")
    if (reference.n_components, reference.n_features) != (other.n_components, other.n_features):
        raise ValueError(
            f"cannot match a mixture of {other.n_components} components in D={other.n_features} "
            f"with one of {reference.n_components} components in D={reference.n_features}."
        )
    K = reference.n_components
    cost = np.array([[bhattacharyya_distance(reference.means[i], reference.covariances[i],
                                             other.means[j], other.covariances[j])
                      for j in range(K)] for i in range(K)])
    _, perm = linear_sum_assignment(cost)
    return perm


def permute_components(params, perm):
    """The same mixture with its components renumbered: new component k is old perm[k]."""
    check_params(params)
    perm = np.asarray(perm)
    K = params.n_components
    if perm.shape != (K,) or sorted(perm.tolist()) != list(range(K)):
        raise ValueError(f"perm must be a permutation of 0..{K - 1}; got {perm.tolist()}.")
    return GMMParams(params.weights[perm], params.means[perm], params.covariances[perm])


def _left_to_right(means):
    """Indices that sort the rows of means by their first coordinate, then the second, ..."""
    means = np.asarray(means, dtype=float)
    return np.lexsort(means.T[::-1])


def canonical_order(means, reference=None, *, covariances=None):
    """The course's numbering of K components: perm[k] is the component that becomes number k.

    means : array of shape (K, D), the components' means
    reference : GMMParams, an array of reference means of shape (K_ref, D), or None
    covariances : array of shape (K, D, D) or None, used with a GMMParams reference

    Without a reference, the components are numbered from left to right (by
    the first coordinate of the mean; ties by the second, ...). With one, each
    reference cluster is matched with one component (an optimal assignment:
    Bhattacharyya distance when both sides have covariances, squared distance
    between means otherwise) and the components are numbered in the order of
    the clusters they match; components left over (K > K_ref) come last, left
    to right.
    """
    from scipy.optimize import linear_sum_assignment

    means = np.asarray(means, dtype=float)
    if means.ndim != 2:
        raise ValueError(f"means must have shape (K, D); got shape {means.shape}.")
    if reference is None:
        return _left_to_right(means)
    if isinstance(reference, GMMParams) and covariances is not None:
        cost = np.array([[bhattacharyya_distance(reference.means[i], reference.covariances[i],
                                                 means[j], covariances[j])
                          for j in range(len(means))] for i in range(reference.n_components)])
    else:
        ref_means = reference.means if isinstance(reference, GMMParams) else np.asarray(reference, float)
        if ref_means.ndim != 2 or ref_means.shape[1] != means.shape[1]:
            raise ValueError(f"reference means must have shape (K_ref, {means.shape[1]}); "
                             f"got shape {ref_means.shape}.")
        cost = ((ref_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    matched = list(cols[np.argsort(rows)])
    rest = [k for k in _left_to_right(means) if k not in matched]
    return np.array(matched + rest)


def canonical(fit, reference=None):
    """A fit with its components renumbered by the course's colour rule (:func:`canonical_order`).

    fit : GMMParams, FitResult (every entry of its history is renumbered alike,
        by the order of its final parameters) or KMeansResult (centres,
        history and labels)
    reference : GMMParams, reference means (K_ref, D), or None
    Returns the same kind of object.
    """
    from dataclasses import replace

    from gmmlib.em import FitResult
    from gmmlib.lloyd import KMeansResult

    if isinstance(fit, GMMParams):
        return permute_components(fit, canonical_order(fit.means, reference,
                                                       covariances=fit.covariances))
    if isinstance(fit, FitResult):
        last = fit.params
        perm = canonical_order(last.means, reference, covariances=last.covariances)
        new_number = np.argsort(perm)
        history = [permute_components(p, perm) for p in fit.history]
        return replace(fit, params=history[-1], history=history,
                       reinitialised=tuple((it, int(new_number[k])) for it, k in fit.reinitialised))
    if isinstance(fit, KMeansResult):
        perm = canonical_order(fit.centres, reference)
        new_number = np.argsort(perm)
        history = [c[perm] for c in fit.history]
        return replace(fit, centres=history[-1], history=history, labels=new_number[fit.labels])
    raise ValueError(f"canonical needs a GMMParams, FitResult or KMeansResult; "
                     f"got {type(fit).__name__}.")


def canonical_number(params, k, reference=None):
    """The number (and colour) that component k of params gets under :func:`canonical`.

    For example, to name a collapsed component as the figures do:
    ``canonical_number(err.result.params, err.component, reference)`` for a
    SingularityError ``err`` (whose ``component`` numbers the raw fit).
    """
    check_params(params)
    perm = canonical_order(params.means, reference, covariances=params.covariances)
    if not 0 <= k < len(perm):
        raise ValueError(f"component {k} is outside 0..{len(perm) - 1}.")
    return int(np.flatnonzero(perm == k)[0])
