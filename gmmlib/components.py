"""Comparing fits component by component: distances and label switching.

A mixture's components have no natural order: the same fit can come out with
its components numbered differently (label switching). To compare two fits,
match each component of one with the closest component of the other.
"""

from __future__ import annotations

import numpy as np

from gmmlib._validation import check_params
from gmmlib.em import GMMParams

__all__ = ["bhattacharyya_distance", "match_components", "permute_components"]


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
