"""The EM algorithm for a Gaussian mixture with full covariances.

Notation, as in the lessons:

    X            data, array of shape (N, D)
    weights      pi_k, shape (K,), non-negative, summing to 1
    means        mu_k, shape (K, D)
    covariances  Sigma_k, shape (K, D, D), symmetric positive definite
    resp         responsibilities r_ik, shape (N, K), rows sum to 1
    N_k          sum_i r_ik, the "effective number of points" of component k

Every density is handled as a logarithm and normalised with log-sum-exp, so a
point far from every component still gets finite responsibilities.

Public functions validate their arguments once; the private helpers below them
trust what they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gmmlib._validation import (
    as_float_array,
    check_data,
    check_data_matches_params,
    check_init,
    check_int,
    check_n_components,
    check_nonnegative,
    check_params,
    check_resp,
    check_seed,
)

__all__ = [
    "GMMParams",
    "CovariancePrior",
    "FitResult",
    "SingularityError",
    "component_log_densities",
    "log_mixture_density",
    "e_step",
    "m_step",
    "log_likelihood",
    "lower_bound",
    "predict_proba",
    "predict",
    "n_parameters",
    "bic",
    "aic",
    "fit",
]

_LOG_2PI = np.log(2.0 * np.pi)

_EPS = np.finfo(float).eps

# A covariance counts as collapsed when it is no longer usable in floating
# point (see _collapsed_components):
# - its Cholesky factorisation fails (it is not positive definite);
# - a conditional variance (a squared diagonal entry of the Cholesky factor)
#   is below _PIVOT_RTOL times the component's own variance along that axis:
#   zero to working precision, the component has flattened onto a line or a
#   plane, and its density across it is effectively infinite;
# - a variance is below the square of _POINT_RESOLUTION times the largest
#   coordinate of the data along that axis: narrower than the spacing at which
#   the data's coordinates are stored, the component has shrunk onto a point.
# Both thresholds are a few rounding errors, so a thin but genuine cluster
# (a line of points 1e-6 across) is not a collapse.
_PIVOT_RTOL = 32 * _EPS
_POINT_RESOLUTION = 64 * _EPS

# With on_collapse="reinit", a component is restarted at most this many times.
_MAX_RESTARTS = 2


class SingularityError(ValueError):
    """A component's covariance collapsed and is no longer positive definite.

    Attributes
    ----------
    component : int
        Index of the component that collapsed.
    iteration : int or None
        The EM iteration whose M-step produced the collapse (None when raised
        by :func:`m_step` outside of :func:`fit`).
    result : FitResult or None
        The fit up to the last valid parameters (None outside of :func:`fit`).
    """

    def __init__(self, message, *, component, iteration=None, result=None):
        super().__init__(message)
        self.component = component
        self.iteration = iteration
        self.result = result


def _frozen(a):
    a = np.array(a, dtype=float)  # always a private copy
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class GMMParams:
    """Parameters of a Gaussian mixture, validated on creation.

    Parameters
    ----------
    weights : array of shape (K,)
        Mixing weights pi_k: non-negative, summing to 1 (within 1e-6; they
        are then divided by their sum).
    means : array of shape (K, D)
        Component means mu_k.
    covariances : array of shape (K, D, D)
        Component covariance matrices Sigma_k, each symmetric positive definite.
        These are *variances*, not standard deviations.

    The arrays are copied and made read-only, so a GMMParams never changes and
    never shares memory with the caller's arrays. For one-dimensional data,
    :meth:`from_1d` takes plain lists of means and variances.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    # Lower Cholesky factors L_k with Sigma_k = L_k L_k^T, computed once by
    # the validation and reused by every density evaluation.
    _chol: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        weights = _frozen_checked("weights", self.weights)
        means = _frozen_checked("means", self.means)
        covariances = _frozen_checked("covariances", self.covariances)
        if weights.ndim != 1 or weights.shape[0] == 0:
            raise ValueError(
                f"weights must have shape (K,) with K >= 1; got shape {weights.shape}."
            )
        K = weights.shape[0]
        if means.ndim != 2 or means.shape[0] != K:
            raise ValueError(
                f"means must have shape (K, D) = ({K}, D) to match {K} weights; "
                f"got shape {means.shape}. For 1-D data use GMMParams.from_1d."
            )
        D = means.shape[1]
        if covariances.shape != (K, D, D):
            raise ValueError(
                f"covariances must have shape (K, D, D) = ({K}, {D}, {D}) to match "
                f"weights {weights.shape} and means {means.shape}; "
                f"got shape {covariances.shape}."
            )
        if np.any(weights < 0):
            k = int(np.flatnonzero(weights < 0)[0])
            raise ValueError(
                f"weights must be non-negative; weight {k} is {weights[k]:g}."
            )
        total = weights.sum()
        if abs(total - 1.0) > 1e-6:
            raise ValueError(
                f"weights must sum to 1; they sum to {total:.6g}. "
                "Divide them by their sum."
            )
        # Within the tolerance, the weights are divided by their sum, so that
        # every use (densities, sampling) sees weights that sum to 1 to rounding.
        weights = _frozen(weights / total)
        for k in range(K):
            S = covariances[k]
            if not np.allclose(S, S.T, rtol=1e-8, atol=1e-12 * np.abs(S).max()):
                raise ValueError(
                    f"covariance of component {k} is not symmetric: {S.tolist()}."
                )
        try:
            chol = np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:
            k = _first_not_positive_definite(covariances)
            raise ValueError(
                f"covariance of component {k} is not positive definite "
                f"(eigenvalues {np.linalg.eigvalsh(covariances[k]).tolist()}); "
                "every covariance needs strictly positive variances. "
                "Note that covariances hold variances (sigma**2), not standard "
                "deviations."
            ) from None
        chol.setflags(write=False)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "covariances", covariances)
        object.__setattr__(self, "_chol", chol)

    @classmethod
    def from_1d(cls, weights, means, variances):
        """Parameters of a one-dimensional mixture from K weights, means and variances.

        ``variances`` are sigma_k**2, not the standard deviations sigma_k.
        """
        means = as_float_array(means, "means", "of shape (K,)").reshape(-1, 1)
        variances = as_float_array(variances, "variances", "of shape (K,)").reshape(-1, 1, 1)
        return cls(weights, means, variances)

    @property
    def n_components(self):
        """K, the number of components."""
        return self.weights.shape[0]

    @property
    def n_features(self):
        """D, the dimension of the data."""
        return self.means.shape[1]

    def __eq__(self, other):
        if not isinstance(other, GMMParams):
            return NotImplemented
        return (
            np.array_equal(self.weights, other.weights)
            and np.array_equal(self.means, other.means)
            and np.array_equal(self.covariances, other.covariances)
        )

    __hash__ = None


def _frozen_checked(name, value):
    a = _frozen(as_float_array(value, name, "(see GMMParams)"))
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinity: {a.tolist()}.")
    return a


def _first_not_positive_definite(covariances):
    for k, S in enumerate(covariances):
        try:
            np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            return k
    return 0  # unreachable when called after a failed batch factorisation


# ---------------------------------------------------------------------------
# Densities


class DensityOverflowError(ValueError):
    """A squared Mahalanobis distance too large for floating point (above 1.8e308)."""

    def __init__(self, message, *, point, component):
        super().__init__(message)
        self.point = point
        self.component = component


def _component_log_densities(X, means, chol):
    """log N(x_i | mu_k, Sigma_k) for every point and component: shape (N, K).

    With Sigma_k = L_k L_k^T, the Mahalanobis term is |L_k^{-1}(x - mu_k)|^2
    and log det Sigma_k = 2 sum log diag(L_k). Writing P_k = L_k^{-T} (an upper
    triangular "precision Cholesky" factor, Sigma_k^{-1} = P_k P_k^T), the
    whitened points are (x - mu_k) P_k, one matrix product per component.
    The deviations x - mu_k are formed first, so data far from the origin
    (1.7e9 +- 0.01) lose no digits to the size of their coordinates.
    """
    N, D = X.shape
    K = means.shape[0]
    eye = np.eye(D)
    sq_dist = np.empty((N, K), order="F")  # one contiguous column per component
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(K):
            P = np.linalg.solve(chol[k], eye).T  # P_k = L_k^{-T}
            z = (X - means[k]) @ P
            sq_dist[:, k] = np.einsum("ij,ij->i", z, z)  # squared Mahalanobis distance
    return _log_densities_from_distances(sq_dist, chol)


def _log_densities_from_distances(sq_dist, chol):
    """log N(x_i | mu_k, Sigma_k) = -(d_ik + D log 2 pi + log det Sigma_k) / 2
    from the squared Mahalanobis distances d_ik, shape (N, K), and the
    Cholesky factors of the covariances. Computed in place: sq_dist becomes
    the result."""
    if not np.all(np.isfinite(sq_dist)):
        i, k = np.argwhere(~np.isfinite(sq_dist))[0]
        raise DensityOverflowError(
            f"the squared distance of point {i} from component {k} overflows floating "
            "point (it exceeds 1.8e308): the data or the means are too large for their "
            "covariances. Rescale the data, e.g. X / X.std(axis=0), and fit again.",
            point=int(i), component=int(k),
        )
    D = chol.shape[1]
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    sq_dist += D * _LOG_2PI + log_det
    sq_dist *= -0.5
    return sq_dist


def _log_weighted_densities(X, params):
    """log pi_k + log N(x_i | mu_k, Sigma_k): shape (N, K)."""
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf
        log_weights = np.log(params.weights)
    return _component_log_densities(X, params.means, params._chol) + log_weights


def _logsumexp_rows(a):
    """log sum_k exp(a_ik) for every row, without overflow or underflow."""
    a_max = a.max(axis=1, keepdims=True)
    return np.log(np.exp(a - a_max).sum(axis=1)) + a_max[:, 0]


def _e_step(X, params):
    """Responsibilities (N, K) and log p(x_i) (N,), from the same computation."""
    return _responsibilities(_log_weighted_densities(X, params))


def _responsibilities(log_weighted):
    """Responsibilities (N, K) and log p(x_i) (N,) from log pi_k N(x_i | mu_k, Sigma_k).

    Each row is shifted by its largest entry before exponentiating (the
    log-sum-exp trick) and then divided by its own sum, so every row sums to 1
    to rounding, even where log p(x_i) is so large (-5e15 for a point 1e8
    standard deviations away) that adding log sum exp(...) to it changes
    nothing. Computed in place: log_weighted becomes the responsibilities.
    """
    row_max = log_weighted.max(axis=1, keepdims=True)
    log_weighted -= row_max
    resp = np.exp(log_weighted, out=log_weighted)
    total = resp.sum(axis=1, keepdims=True)
    resp /= total
    return resp, np.log(total[:, 0]) + row_max[:, 0]


def _m_step_arrays(X, resp, reg_covar, prior=None):
    """Weights, means and covariances that maximise the expected log-likelihood.

    N_k = sum_i r_ik;  pi_k = N_k / N;  mu_k = sum_i r_ik x_i / N_k;
    Sigma_k = S_k / N_k + reg_covar * I,  S_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T,
    around the *updated* mean mu_k. The weighted sum of outer products S_k is
    computed as Y^T Y with rows y_i = sqrt(r_ik) (x_i - mu_k): one symmetric
    matrix product. With an inverse-Wishart prior IW(Psi, nu) on each
    covariance, the MAP update is Sigma_k = (S_k + Psi) / (N_k + nu + D + 1).
    """
    N, D = X.shape
    N_k = resp.sum(axis=0) + 10 * np.finfo(float).eps  # no 0/0 for an empty component
    weights = N_k / N
    means = (resp.T @ X) / N_k[:, None]
    covariances = np.empty((resp.shape[1], D, D))
    for k in range(resp.shape[1]):
        Y = (X - means[k]) * np.sqrt(resp[:, k])[:, None]
        S_k = Y.T @ Y
        if prior is None:
            covariances[k] = S_k / N_k[k]
        else:
            covariances[k] = (S_k + prior.scale) / (N_k[k] + prior.dof + D + 1)
        covariances[k].flat[:: D + 1] += reg_covar
    return weights / weights.sum(), means, covariances


def _point_floor(X):
    """Per-feature variance below which a component has shrunk onto a point:
    (_POINT_RESOLUTION * max_i |x_ij|)^2, in the user's coordinates."""
    return (_POINT_RESOLUTION * np.abs(X).max(axis=0)) ** 2


def _collapsed_components(covariances, point_floor):
    """Indices of the covariances that are no longer usable (see _PIVOT_RTOL)."""
    collapsed = []
    for k, S in enumerate(covariances):
        try:
            L = np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            collapsed.append(k)
            continue
        variances = np.diagonal(S)
        if np.any(np.diagonal(L) ** 2 <= _PIVOT_RTOL * variances) or np.any(variances <= point_floor):
            collapsed.append(k)
    return collapsed


def _collapse_error(k, reg_covar):
    return SingularityError(
        f"component {k} collapsed: its covariance is singular to working precision "
        "(a variance, or a variance across a line or plane, is zero to rounding), "
        "because it has shrunk onto a single point, onto identical points or onto a "
        f"line of points. Increase reg_covar (now {reg_covar:g}), use a "
        "covariance_prior or fewer components, or rescale the data.",
        component=k,
    )


def _check_not_collapsed(covariances, point_floor, reg_covar):
    collapsed = _collapsed_components(covariances, point_floor)
    if collapsed:
        raise _collapse_error(collapsed[0], reg_covar)


def _shifted(params, shift):
    """The same mixture with every mean moved by shift (D,)."""
    return GMMParams(params.weights, params.means + shift, params.covariances)


def _kl_divergence(new, old):
    """KL(p_new || p_old) per point between the complete-data distributions
    p(x, z) of two mixtures: sum_k pi'_k [log(pi'_k / pi_k) + KL(N'_k || N_k)].

    After an M-step from responsibilities q, this is exactly the rise of EM's
    lower bound B(q, .) per point (for plain EM), and so at most the rise of
    the mean log-likelihood: the natural size of a step of EM.
    """
    D = old.n_features
    # KL(N'||N) = (tr(S^-1 S') + |L^-1 (mu - mu')|^2 - D + log|S| - log|S'|) / 2
    A = np.linalg.solve(old._chol, new._chol)                 # L^-1 L'
    m = np.linalg.solve(old._chol, (old.means - new.means)[:, :, None])[:, :, 0]
    log_det_ratio = 2 * (np.log(np.diagonal(old._chol, axis1=1, axis2=2))
                         - np.log(np.diagonal(new._chol, axis1=1, axis2=2))).sum(axis=1)
    kl_gauss = 0.5 * ((A ** 2).sum(axis=(1, 2)) + (m ** 2).sum(axis=1) - D + log_det_ratio)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_weights = np.where(new.weights > 0, new.weights * np.log(new.weights / old.weights), 0.0)
    return float(kl_weights.sum() + (new.weights * kl_gauss).sum())


@dataclass(frozen=True)
class CovariancePrior:
    """An inverse-Wishart prior IW(scale, dof) on every component's covariance.

    With it, EM finds the maximum a posteriori (MAP) parameters: the M-step
    becomes Sigma_k = (S_k + scale) / (N_k + dof + D + 1), which can never
    collapse, because scale is positive definite. A larger dof or scale pulls
    the covariances harder towards scale / (dof + D + 1).

    scale : array of shape (D, D), symmetric positive definite, or a positive
        number meaning that number times the identity
    dof : float > D - 1, the prior's degrees of freedom
    """

    scale: np.ndarray
    dof: float

    def __post_init__(self):
        scale = np.asarray(self.scale, dtype=float)
        if not np.all(np.isfinite(scale)):
            raise ValueError("CovariancePrior scale contains NaN or infinity.")
        if scale.ndim == 0:
            if scale <= 0:
                raise ValueError(f"CovariancePrior scale must be positive; got {float(scale):g}.")
        elif scale.ndim != 2 or scale.shape[0] != scale.shape[1]:
            raise ValueError(f"CovariancePrior scale must be a number or a (D, D) matrix; got shape {scale.shape}.")
        else:
            try:
                np.linalg.cholesky(scale)
            except np.linalg.LinAlgError:
                raise ValueError("CovariancePrior scale must be symmetric positive definite.") from None
            if not np.allclose(scale, scale.T):
                raise ValueError("CovariancePrior scale must be symmetric.")
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "dof", float(self.dof))

    @classmethod
    def from_data(cls, X, n_components):
        """A weak default prior: scale = cov(X) / K^(2/D), dof = D + 2.

        Each component is pulled towards the spread one of K equal clusters
        would have; dof = D + 2 makes the prior as weak as it can be while
        keeping its mean finite.
        """
        X = check_data(X)
        D = X.shape[1]
        cov = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
        return cls(cov / n_components ** (2.0 / D), D + 2)

    def log_density(self, covariance):
        """log IW(covariance | scale, dof), the prior's log-density at one (D, D) covariance.

        (dof/2) log|scale| - (dof D / 2) log 2 - log Gamma_D(dof/2)
        - ((dof + D + 1)/2) log|covariance| - tr(scale covariance^-1) / 2
        """
        from scipy.special import multigammaln

        covariance = np.atleast_2d(covariance)
        D = covariance.shape[0]
        scale = self.scale_matrix(D)
        _, logdet_scale = np.linalg.slogdet(scale)
        _, logdet_cov = np.linalg.slogdet(covariance)
        return float(self.dof / 2 * logdet_scale - self.dof * D / 2 * np.log(2)
                     - multigammaln(self.dof / 2, D)
                     - (self.dof + D + 1) / 2 * logdet_cov
                     - np.trace(np.linalg.solve(covariance, scale)) / 2)

    def scale_matrix(self, D):
        """The scale as a (D, D) matrix."""
        if self.scale.ndim == 0:
            return float(self.scale) * np.eye(D)
        if self.scale.shape != (D, D):
            raise ValueError(f"CovariancePrior scale has shape {self.scale.shape} but the data has D={D}.")
        return self.scale


def _prior_for(prior, D):
    """The prior with its scale as a (D, D) matrix, checked against D."""
    if prior is None:
        return None
    if not isinstance(prior, CovariancePrior):
        raise ValueError(f"covariance_prior must be a CovariancePrior or None; got {type(prior).__name__}.")
    if prior.dof <= D - 1:
        raise ValueError(f"CovariancePrior dof must be > D - 1 = {D - 1}; got {prior.dof:g}.")
    return CovariancePrior(prior.scale_matrix(D), prior.dof)


# ---------------------------------------------------------------------------
# Public functions


def component_log_densities(X, params):
    """log N(x_i | mu_k, Sigma_k) of every point under every component.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    params : GMMParams

    Returns
    -------
    array of shape (N, K). The weights are *not* included.
    """
    X = check_data(X)
    check_data_matches_params(X, params)
    return _component_log_densities(X, params.means, params._chol)


def log_mixture_density(X, params):
    """log p(x_i) = log sum_k pi_k N(x_i | mu_k, Sigma_k) for every point: shape (N,)."""
    X = check_data(X)
    check_data_matches_params(X, params)
    return _logsumexp_rows(_log_weighted_densities(X, params))


def e_step(X, params):
    """The E-step: responsibilities r_ik = p(component k | x_i).

    r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j),
    computed in log space with log-sum-exp.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    params : GMMParams

    Returns
    -------
    resp : array of shape (N, K), rows sum to 1
    """
    X = check_data(X)
    check_data_matches_params(X, params)
    return _e_step(X, params)[0]


def m_step(X, resp, reg_covar=1e-6, *, covariance_prior=None):
    """The M-step: the parameters that maximise the expected complete-data log-likelihood.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    resp : array of shape (N, K), rows sum to 1
    reg_covar : float >= 0
        Added to the diagonal of every covariance, as scikit-learn does, to
        keep covariances away from singular.
    covariance_prior : CovariancePrior or None
        With a prior, the MAP update (S_k + scale) / (N_k + dof + D + 1).

    Returns
    -------
    GMMParams

    Raises
    ------
    SingularityError
        When a covariance collapses (is not positive definite).
    """
    X = check_data(X)
    resp = check_resp(resp, X.shape[0])
    reg_covar = check_nonnegative("reg_covar", reg_covar)
    prior = _prior_for(covariance_prior, X.shape[1])
    # Sums of r_ik x_i lose digits when the data sit far from the origin, so
    # the M-step runs on the centred data and the centre is added back.
    centre = X.mean(axis=0)
    weights, means, covariances = _m_step_arrays(X - centre, resp, reg_covar, prior)
    collapsed = _collapsed_components(covariances, _point_floor(X))
    if collapsed:
        raise _collapse_error(collapsed[0], reg_covar)
    return GMMParams(weights, means + centre, covariances)


def log_likelihood(X, params):
    """The log-likelihood sum_i log sum_k pi_k N(x_i | mu_k, Sigma_k).

    A sum over points of the log of the mixture density (not the log of one
    big sum). Returns a float.
    """
    return float(log_mixture_density(X, params).sum())


def lower_bound(X, params, resp):
    """EM's lower bound B(q, theta) on the log-likelihood, for responsibilities q = resp.

    B(q, theta) = sum_i sum_k q_ik log(pi_k N(x_i | mu_k, Sigma_k) / q_ik),

    with 0 log 0 = 0 (a q_ik of 0 adds nothing). For any q whose rows sum to 1
    it is at most log_likelihood(X, params) (Jensen's inequality); the gap is
    sum_i KL(q_i || r_i), with r = e_step(X, params), so B equals the
    log-likelihood exactly when q = e_step(X, params). Splitting the log,
    B = Q(theta) + H(q): the expected complete-data log-likelihood plus the
    entropy of q. The E-step maximises B over q, the M-step over theta.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    params : GMMParams
    resp : array of shape (N, K), non-negative, rows sum to 1

    Returns a float.
    """
    X = check_data(X)
    check_data_matches_params(X, params)
    resp = check_resp(resp, X.shape[0])
    if resp.shape[1] != params.n_components:
        raise ValueError(f"resp has {resp.shape[1]} columns but params has "
                         f"{params.n_components} components.")
    log_joint = _log_weighted_densities(X, params)       # log pi_k N(x_i | ...), maybe -inf
    used = resp > 0
    terms = np.zeros_like(resp)
    terms[used] = resp[used] * (log_joint[used] - np.log(resp[used]))
    return float(terms.sum())


def predict_proba(X, params):
    """The probability that each component made each point: shape (N, K).

    The same as :func:`e_step`: pi_k N(x_i | mu_k, Sigma_k) / p(x_i), weights
    included, computed in log space.
    """
    return e_step(X, params)


def predict(X, params):
    """The most probable component of each point: shape (N,), integers in 0..K-1.

    The argmax over k of pi_k N(x_i | mu_k, Sigma_k): the weights count, so a
    point halfway between two equal-shaped components goes to the heavier one.
    """
    X = check_data(X)
    check_data_matches_params(X, params)
    return np.argmax(_log_weighted_densities(X, params), axis=1)


def n_parameters(params):
    """The number of free parameters of a full-covariance mixture.

    K - 1 weights (they sum to 1), K D means, and K D (D + 1) / 2 covariance
    entries (each covariance is symmetric).
    """
    check_params(params)
    K, D = params.n_components, params.n_features
    return int((K - 1) + K * D + K * D * (D + 1) // 2)


def bic(X, params):
    """The Bayesian information criterion: -2 log-likelihood + n_parameters * log N.

    Lower is better; the penalty grows with the number of points.
    """
    X = check_data(X)
    return -2 * log_likelihood(X, params) + n_parameters(params) * np.log(X.shape[0])


def aic(X, params):
    """Akaike's information criterion: -2 log-likelihood + 2 n_parameters. Lower is better."""
    return -2 * log_likelihood(X, params) + 2 * n_parameters(params)


@dataclass(frozen=True)
class FitResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    params : GMMParams
        The final parameters (the last entry of ``history``).
    history : list of GMMParams
        The initial parameters, then the parameters after each iteration.
    log_likelihoods : array of shape (len(history),)
        The log-likelihood of each entry of ``history``.
    converged : bool
        True when EM stopped because it had settled (see ``tol`` in :func:`fit`):
        the mean log-likelihood changed by less than ``tol`` in each of the
        last two iterations, and the last M-step moved the parameters by less
        than ``tol``. False when ``max_iter`` ran out first.
    n_iter : int
        The number of EM iterations run, ``len(history) - 1``.
    start : int
        With ``n_init`` > 1, which start (0, 1, ...) this fit is: the one with
        the highest final log-likelihood. 0 for a single start.
    start_log_likelihoods : array of shape (n_init,)
        The final log-likelihood of every start.
    reinitialised : tuple of (iteration, component) pairs
        With ``on_collapse="reinit"``, each component restarted and when.
    """

    params: GMMParams
    history: list
    log_likelihoods: np.ndarray
    converged: bool
    n_iter: int
    start: int = 0
    start_log_likelihoods: np.ndarray = None
    reinitialised: tuple = ()


def _initial_params(X, Xc, n_components, init, rng, reg_covar, point_floor):
    """Starting parameters in the user's coordinates: K data points of X as
    means (chosen on the centred data Xc = X - centre), equal weights, the
    data's covariance for all."""
    if isinstance(init, GMMParams):
        return init
    N, D = X.shape
    if init == "random":
        chosen = rng.choice(N, size=n_components, replace=False)
    else:
        chosen = _kmeans_plusplus(Xc, n_components, rng)
    cov = np.atleast_2d(np.cov(Xc, rowvar=False, bias=True)) + reg_covar * np.eye(D)
    covariances = np.repeat(cov[None], n_components, axis=0)
    _check_not_collapsed(covariances, point_floor, reg_covar)
    weights = np.full(n_components, 1.0 / n_components)
    return GMMParams(weights, X[chosen], covariances)


def _kmeans_plusplus(X, n_components, rng):
    """Greedy k-means++ seeding: the indices of spread-out data points, to be
    the starting means.

    The first centre is a data point drawn uniformly. Each next one is drawn
    with probability proportional to the squared distance of a point from its
    nearest centre so far; of 2 + log(K) such candidates, the one that brings
    the points closest to their centres (smallest sum of squared distances) is
    kept, which avoids two centres landing in the same cluster.
    """
    N = X.shape[0]
    n_trials = 2 + int(np.log(n_components))
    chosen = [rng.integers(N)]
    dist2 = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, n_components):
        total = dist2.sum()
        if total > 0:
            candidates = rng.choice(N, size=n_trials, p=dist2 / total)
        else:  # every point sits on a centre already
            candidates = rng.integers(N, size=n_trials)
        new_dist2 = [np.minimum(dist2, ((X - X[i]) ** 2).sum(axis=1)) for i in candidates]
        best = int(np.argmin([d.sum() for d in new_dist2]))
        chosen.append(candidates[best])
        dist2 = new_dist2[best]
    return np.array(chosen)


def fit(X, n_components, *, init="kmeans++", max_iter=100, tol=1e-6, reg_covar=1e-6,
        seed=0, n_init=1, covariance_prior=None, on_collapse="raise"):
    """Fit a Gaussian mixture with full covariances by EM.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    n_components : int, 1 <= K <= N
    init : "kmeans++", "random" or GMMParams
        How to choose the starting means: k-means++ seeding (spread-out data
        points) or K distinct data points drawn uniformly. Every component
        then starts with weight 1/K and the covariance of the whole data set.
        A GMMParams is used as the start itself.
    max_iter : int >= 0
        The most EM iterations to run.
    tol : float >= 0
        EM stops, with ``converged=True``, after an iteration where (1) the
        mean log-likelihood per point changed by less than tol, up or down,
        both in that iteration and in the one before, and (2) the M-step
        moved the parameters by less than tol, measured as the KL divergence
        per point between the old and new mixtures (with the hidden labels):
        for plain EM that is the rise of EM's lower bound, so a move of that
        size is what a change of tol in the log-likelihood allows. Rule (1)
        alone is scikit-learn's (its ``n_iter_`` counts iterations the same
        way); (2) keeps EM going where a log-likelihood that can fall (with
        reg_covar or a prior) happens to change little while the parameters
        still move. With tol=0, exactly max_iter iterations are run.
    reg_covar : float >= 0
        Added to the diagonal of every covariance at every M-step. It is in
        the data's units squared: for data in small units (variances near
        1e-6) the default is as large as the clusters, so rescale the data.
    seed : int >= 0 or None
        Seed of the random choices of the initialisation (None: fresh
        randomness, a different run each time).
    n_init : int >= 1
        Run EM from this many starts (drawn one after the other from the
        seeded generator) and keep the fit with the highest final
        log-likelihood; ``result.start`` says which start won.
    covariance_prior : CovariancePrior or None
        An inverse-Wishart prior on the covariances: EM then finds the MAP
        parameters (see CovariancePrior). The reported log-likelihoods are
        still log-likelihoods, without the prior (they may dip: MAP-EM climbs
        log-likelihood + log-prior, and ``tol`` applies to that sum).
    on_collapse : "raise" or "reinit"
        What to do when a covariance collapses: raise SingularityError, or
        restart that component at the point the mixture explains worst, with
        the data's covariance, and go on (``result.reinitialised`` lists when).
        Restarting cures collapses that are accidents of the path; when the
        data keep pulling a component onto one point or onto duplicates, it
        collapses again, and after 2 restarts of the same component
        SingularityError is raised after all.

    Returns
    -------
    FitResult

    Raises
    ------
    SingularityError
        When a covariance collapses and on_collapse="raise"; its ``result``
        holds the fit up to the collapse.

    EM runs on the centred data X - mean(X) and the centre is added back to
    every mean it reports, so data far from the origin (1.7e9 +- 0.01) are fitted
    as precisely as the same data near 0.
    """
    X = check_data(X)
    n_components = check_n_components(n_components, X.shape[0])
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_nonnegative("tol", tol)
    reg_covar = check_nonnegative("reg_covar", reg_covar)
    init = check_init(init, X, n_components)
    n_init = check_int("n_init", n_init, minimum=1)
    seed = check_seed(seed)
    if n_init > 1 and isinstance(init, GMMParams):
        raise ValueError("n_init > 1 needs random starts; with init=GMMParams every "
                         "start would be the same. Use init='kmeans++' or 'random'.")
    prior = _prior_for(covariance_prior, X.shape[1])
    if on_collapse not in ("raise", "reinit"):
        raise ValueError(f"on_collapse={on_collapse!r} is not understood; use 'raise' or 'reinit'.")
    centre = X.mean(axis=0)
    Xc = X - centre
    with np.errstate(over="ignore"):
        too_large = not np.isfinite(np.einsum("ij,ij->", Xc, Xc))
    if too_large:
        raise ValueError(
            f"X is too large for floating point: its squared deviations overflow (largest "
            f"|value| {np.abs(X).max():.3g}). Rescale the data, e.g. X / X.std(axis=0), and fit again."
        )
    rng = np.random.default_rng(seed)
    point_floor = _point_floor(X)

    fits = [_fit_one_start(X, Xc, centre, n_components, init, rng, max_iter, tol, reg_covar,
                           prior, on_collapse, point_floor) for _ in range(n_init)]
    finals = np.array([f.log_likelihoods[-1] for f in fits])
    best = int(np.argmax(finals))
    return replace(fits[best], start=best, start_log_likelihoods=finals)


def _fit_one_start(X_user, X, centre, n_components, init, rng, max_iter, tol, reg_covar, prior,
                   on_collapse, point_floor):
    """EM from one start, on the centred data X = X_user - centre (centre is
    added back to the means of the result). Each iteration is an M-step from
    the current responsibilities and an E-step on the new parameters, which
    also yields their log-likelihood (both on the fast path, see _Workspace)."""
    N = X.shape[0]
    try:
        start = _initial_params(X_user, X, n_components, init, rng, reg_covar, point_floor)
    except SingularityError as err:
        raise SingularityError(
            f"The starting parameters are already singular: {err}",
            component=err.component, iteration=0,
        ) from None
    params = _shifted(start, -centre)
    history, reinitialised = [params], []
    work = _Workspace(X, n_components)
    resp, log_density = _e_step_fast(work, params)
    log_likelihoods = [float(log_density.sum())]
    objectives = [log_likelihoods[-1] + _log_prior(prior, params)]  # what EM climbs
    converged = False

    def so_far():
        return replace(_result(start, history, log_likelihoods, False, centre),
                       reinitialised=tuple(reinitialised))

    for iteration in range(1, max_iter + 1):
        weights, means, covariances, sq_dist = _m_step_fast(work, resp, reg_covar, prior)
        collapsed = _collapsed_components(covariances, point_floor)
        if collapsed and on_collapse == "raise":
            err = _collapse_error(collapsed[0], reg_covar)
            raise SingularityError(
                f"EM iteration {iteration}: {err}",
                component=err.component, iteration=iteration, result=so_far(),
            ) from None
        if collapsed:
            restarts = [k for _, k in reinitialised]
            hopeless = [k for k in collapsed if restarts.count(k) >= _MAX_RESTARTS]
            if hopeless:
                raise SingularityError(
                    f"EM iteration {iteration}: component {hopeless[0]} collapsed again after "
                    f"{_MAX_RESTARTS} restarts. The data keep pulling a component onto a "
                    "single point or onto identical points, which re-initialising cannot "
                    f"cure: increase reg_covar (now {reg_covar:g}), use a covariance_prior, "
                    "or use fewer components.",
                    component=hopeless[0], iteration=iteration, result=so_far(),
                )
            _restart_components(X, collapsed, log_density, weights, means, covariances, reg_covar)
            reinitialised.extend((iteration, k) for k in collapsed)
            sq_dist = None  # the restarted components' distances are not known yet
        new = GMMParams(weights, means, covariances)
        move = _kl_divergence(new, params)
        try:
            resp, log_density = _e_step_fast(work, new, sq_dist)
        except DensityOverflowError as err:  # a covariance too small for the distances
            raise SingularityError(
                f"EM iteration {iteration}: {_collapse_error(err.component, reg_covar)}",
                component=err.component, iteration=iteration, result=so_far(),
            ) from None
        params = new
        history.append(params)
        log_likelihoods.append(float(log_density.sum()))
        objectives.append(log_likelihoods[-1] + _log_prior(prior, params))
        restarted = any(it >= iteration - 1 for it, _ in reinitialised)  # a restart may lower it
        if tol > 0 and iteration >= 2 and not restarted:
            changes = np.abs(np.diff(objectives[-3:])) / N
            if np.all(changes < tol) and move < tol:
                converged = True
                break
    return replace(_result(start, history, log_likelihoods, converged, centre),
                   reinitialised=tuple(reinitialised))


def _log_prior(prior, params):
    """sum_k log IW(Sigma_k), or 0 without a prior."""
    if prior is None:
        return 0.0
    return sum(prior.log_density(S) for S in params.covariances)


def _restart_components(X, collapsed, log_density, weights, means, covariances, reg_covar):
    """Put each collapsed component (in place) on one of the points the current
    mixture explains worst, with the covariance of the whole data set and the
    weight 1/K; the weights are then renormalised."""
    D = X.shape[1]
    worst = np.argsort(log_density)[: len(collapsed)]
    cov = np.atleast_2d(np.cov(X, rowvar=False, bias=True)) + reg_covar * np.eye(D)
    for k, i in zip(collapsed, worst):
        means[k] = X[i]
        covariances[k] = cov
        weights[k] = 1.0 / len(weights)
    weights /= weights.sum()


def _result(start, history, log_likelihoods, converged, centre):
    """A FitResult in the user's coordinates: the start as given, and centre
    added back to the means of every later entry of the centred history."""
    history = [start] + [_shifted(p, centre) for p in history[1:]]
    return FitResult(
        params=history[-1],
        history=history,
        log_likelihoods=np.array(log_likelihoods),
        converged=converged,
        n_iter=len(history) - 1,
        start_log_likelihoods=np.array(log_likelihoods[-1:]),
    )


# ---------------------------------------------------------------------------
# The fast path of fit
#
# fit runs the M-step of _m_step_arrays and the E-step of _e_step with the
# same formulas, arranged for speed rather than for reading; the two agree
# to rounding (tests/test_fast_path.py). What makes it fast:
# - The scratch arrays of a fit are allocated once (_Workspace): a fresh
#   (N, D) temporary per component costs more than the arithmetic done in it.
# - The data and every per-point array are column-major, so each operation
#   on one component runs down contiguous columns of length N.
# - The deviations x_i - mu_k that the M-step forms for the covariance are
#   the ones the next E-step needs, for the same new means: right after
#   Sigma_k, its Cholesky factor L_k whitens them in place, so each
#   component's deviations are formed once per iteration.
# - The two matrix products are BLAS-3 routines that skip what is known in
#   advance: the scatter S_k = Y^T Y is a symmetric rank-N update (syrk,
#   one triangle) and the whitening a product with the triangular L_k^{-1}
#   (trmm); each does half the work of a general matrix product.
# - When clusters lie far apart, most responsibilities are exactly 0 (exp
#   underflows): the scatter of a component then uses only the points with
#   r_ik > 0, and the E-step's exponentials avoid np.exp's slow path for
#   arguments that underflow. Both give the same numbers as the plain way.

# Below about -708, np.exp underflows and takes a slow path, several times
# slower; below -746 its result is exactly 0.
_EXP_SLOW_BELOW = -700.0
_EXP_ZERO_BELOW = -746.0

# Where the fast path can compute the same numbers in two ways, it chooses
# from every _SAMPLE_STEP-th entry of the array at hand.
_SAMPLE_STEP = 61


class _Workspace:
    """The centred data of one fit, column-major, and the scratch arrays
    every iteration reuses: N points, D dimensions, K components."""

    def __init__(self, X, n_components):
        from scipy.linalg import blas, lapack  # here: importing gmmlib stays cheap

        N, D = X.shape
        self.X = np.asfortranarray(X)
        self.X_rows = np.ascontiguousarray(X)  # the same, row-major, to gather points from
        self.dev = np.empty((N, D), order="F")  # x_i - mu_k, then L_k^{-1}(x_i - mu_k)
        self.scratch = np.empty(N * D)          # sqrt(r_ik) (x_i - mu_k), for some or all i
        self.sqrt_resp = np.empty(N)
        # The squared distances of every point from every component, which
        # the E-step turns into responsibilities in place; the next M-step
        # overwrites each column of those with the new distances once it has
        # used it.
        self.per_point = np.empty((N, n_components), order="F")
        # Every product of the fast path goes to scipy's BLAS: numpy brings
        # its own, and two BLAS thread pools taking turns slow each other down.
        self.gemm, self.syrk, self.trmm = blas.dgemm, blas.dsyrk, blas.dtrmm
        self.potrf, self.trtri = lapack.dpotrf, lapack.dtrtri


def _whitened_sq_norms(work, chol_k, out):
    """|L_k^{-1}(x_i - mu_k)|^2 for every point, into out (N,), from the
    deviations x_i - mu_k in work.dev (overwritten by the whitened ones)."""
    inverse, _ = work.trtri(chol_k, lower=1)                    # L_k^{-1}
    # dev <- dev L_k^{-T}, in place: each row becomes L_k^{-1}(x_i - mu_k).
    z = work.trmm(1.0, inverse, work.dev, side=1, lower=1, trans_a=1, overwrite_b=1)
    with np.errstate(over="ignore", invalid="ignore"):
        np.einsum("ij,ij->i", z, z, out=out)


def _scatter(work, resp_k, mean_k):
    """The lower triangle of S_k = Y^T Y, rows y_i = sqrt(r_ik) (x_i - mu_k),
    from the deviations in work.dev. A point with r_ik = 0 adds nothing:
    when most points have r_ik = 0 exactly, only the others are gathered."""
    N, D = work.X.shape
    sample = resp_k[::_SAMPLE_STEP]
    if 2 * np.count_nonzero(sample) < sample.size:
        rows = np.flatnonzero(resp_k)
        Y = work.scratch[: rows.size * D].reshape(rows.size, D)  # row-major
        np.take(work.X_rows, rows, axis=0, out=Y, mode="clip")   # (clip: unbuffered)
        Y -= mean_k
        Y *= np.sqrt(resp_k[rows])[:, None]
        return work.syrk(1.0, Y.T, trans=0, lower=1)
    np.sqrt(resp_k, out=work.sqrt_resp)
    Y = np.multiply(work.dev, work.sqrt_resp[:, None],
                    out=work.scratch.reshape((N, D), order="F"))
    return work.syrk(1.0, Y, trans=1, lower=1)


def _m_step_fast(work, resp, reg_covar, prior=None):
    """_m_step_arrays(work.X, resp, reg_covar, prior), and the squared
    Mahalanobis distances under the new parameters that the next E-step needs.

    Returns weights, means, covariances and an (N, K) array of
    |L_k^{-1}(x_i - mu_k)|^2 for the new mu_k and Sigma_k = L_k L_k^T, or
    None in its place when a covariance is not positive definite (the caller
    detects that collapse and does not take the E-step). The distances are
    written into work.per_point: when resp is that array (the previous
    E-step's, in fit), it is overwritten, column k once it has been used.
    """
    X = work.X
    N, D = X.shape
    K = resp.shape[1]
    N_k = resp.sum(axis=0) + 10 * _EPS  # no 0/0 for an empty component
    weights = N_k / N
    means = np.ascontiguousarray(work.gemm(1.0, resp, X, trans_a=1)) / N_k[:, None]
    covariances = np.empty((K, D, D))
    sq_dist = work.per_point
    for k in range(K):
        np.subtract(X, means[k], out=work.dev)
        lower = np.tril(_scatter(work, resp[:, k], means[k]))
        S_k = lower + np.tril(lower, -1).T
        if prior is None:
            covariance = S_k / N_k[k]
        else:
            covariance = (S_k + prior.scale) / (N_k[k] + prior.dof + D + 1)
        covariance.flat[:: D + 1] += reg_covar
        covariances[k] = covariance
        if sq_dist is None:
            continue
        chol_k, failed = work.potrf(covariance, lower=1)  # Sigma_k = L_k L_k^T
        if failed:
            sq_dist = None
            continue
        _whitened_sq_norms(work, chol_k, sq_dist[:, k])
    return weights / weights.sum(), means, covariances, sq_dist


def _exp_in_place(a):
    """np.exp(a, out=a) for a contiguous array of numbers <= 0, the same
    numbers bit for bit. When most entries are below -700 (responsibilities
    that are 0 or nearly), np.exp works on them raised to -700, where it is
    fast, and those results are set to 0; the few of them that are not 0
    to the last bit (above -746) are computed apart."""
    flat = a.ravel(order="K")  # a view of a, as a is contiguous
    sample = flat[::_SAMPLE_STEP]
    if 4 * np.count_nonzero(sample < _EXP_SLOW_BELOW) < sample.size:
        return np.exp(a, out=a)
    low = a < _EXP_SLOW_BELOW
    not_zero = np.flatnonzero(low.ravel(order="K") & (flat >= _EXP_ZERO_BELOW))
    not_zero_values = np.exp(flat[not_zero])
    np.maximum(a, _EXP_SLOW_BELOW, out=a)
    np.exp(a, out=a)
    a *= ~low
    flat[not_zero] = not_zero_values
    return a


def _e_step_fast(work, params, sq_dist=None):
    """_e_step(work.X, params): responsibilities (N, K) and log p(x_i) (N,).

    sq_dist, from _m_step_fast for these very parameters, holds the squared
    Mahalanobis distances already and becomes the responsibilities; without
    it they are computed here, into work.per_point. Either way the
    responsibilities returned are work.per_point, which the next M-step
    overwrites. The steps after the distances are those of _responsibilities.
    """
    if sq_dist is None:
        sq_dist = work.per_point
        for k in range(params.n_components):
            np.subtract(work.X, params.means[k], out=work.dev)
            _whitened_sq_norms(work, params._chol[k], sq_dist[:, k])
    log_weighted = _log_densities_from_distances(sq_dist, params._chol)
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf
        log_weighted += np.log(params.weights)
    row_max = log_weighted.max(axis=1, keepdims=True)
    log_weighted -= row_max
    resp = _exp_in_place(log_weighted)
    total = resp.sum(axis=1, keepdims=True)
    resp /= total
    return resp, np.log(total[:, 0]) + row_max[:, 0]
