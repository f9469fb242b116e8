"""EM for data that do not fit in memory: sufficient statistics, chunks, Dask, mini-batches.

An M-step needs only three sums over the points, for every component k:

    N_k = sum_i r_ik                          counts      shape (K,)
    S_k = sum_i r_ik (x_i - c)                sums        shape (K, D)
    T_k = sum_i r_ik (x_i - c)(x_i - c)^T     outer       shape (K, D, D)

(c is a fixed shift, see below). From them

    pi_k    = N_k / N
    mu_k    = c + S_k / N_k
    Sigma_k = T_k / N_k - (S_k / N_k)(S_k / N_k)^T  (+ reg_covar I),

and sums over two halves of the data add up to the sums over all of it. So
the E-step can run on one chunk of points at a time, on another machine, or
on a random mini-batch, and only these K (1 + D + D^2) numbers (and the
log-likelihood, a sum too) need to travel:

- :func:`sufficient_statistics` computes them for an array, with ``+`` to
  add chunks and ``scale`` to average them;
- :func:`m_step_from_statistics` turns them into parameters;
- :func:`fit_chunked` runs EM over chunks read afresh at every iteration
  (from files, a database, a generator function);
- :func:`fit_dask` runs it on a ``dask.array``, on the workers of a Dask cluster;
  :func:`local_cluster` starts a small one on this machine;
- :func:`fit_minibatch` runs stepwise EM (Cappé and Moulines, 2009), which
  updates the parameters after every small batch.

Why the shift c: about the origin, Sigma_k = T_k / N_k - mu_k mu_k^T
subtracts two numbers of the size |mu_k|^2 to get one of the size of the
spread, so the rounding errors of T_k / N_k land in full on Sigma_k. T_k is
a sum of N terms of the size |x|^2; every addition rounds the running sum
by up to u = 1.1e-16 of its size, and over N additions these roundings
build up to about sqrt(N) u |x|^2 in T_k / N_k (N u |x|^2 at worst).
For the 273,280 pixels of a photograph moved to around 1e6 (|x|^2 about
1e12) that is about 0.05, as large as their variances of 0.03 to 0.1.
Added one by one (np.einsum's order), the covariances about the origin
have no correct digit left (a relative error of about 1) and two of three
are not even positive definite; the blocked matrix products of BLAS round
less often, and still leave an error of a few per cent. About a point c near
the data (the mean of the first chunk), the two terms are of the size
|mu_k - c|^2 + spread^2, and the same photograph keeps its covariances to
about 1e-10; for clusters a few spreads apart, nothing to worry about.
(gmmlib.fit, with all the data at hand, sums around the new means
themselves.) A variance below 32 rounding errors of T_k / N_k is zero to
working precision, and the component counts as collapsed. The shift is
stored with the statistics.

``dask`` is imported only inside :func:`fit_dask` and :func:`local_cluster`,
so ``import gmmlib.scale`` needs only numpy.
"""

from __future__ import annotations

import collections.abc
import contextlib
import logging
import numbers
from dataclasses import dataclass, field

import numpy as np

from gmmlib._validation import (
    check_data,
    check_data_matches_params,
    check_init,
    check_int,
    check_n_components,
    check_nonnegative,
    check_seed,
)
from gmmlib.em import (
    _PIVOT_RTOL,
    _POINT_RESOLUTION,
    DensityOverflowError,
    FitResult,
    GMMParams,
    SingularityError,
    _collapse_error,
    _collapsed_components,
    _e_step,
    _kl_divergence,
    _log_prior,
    _prior_for,
    _shifted,
    fit,
)

__all__ = [
    "SufficientStatistics",
    "MinibatchResult",
    "sufficient_statistics",
    "m_step_from_statistics",
    "fit_chunked",
    "fit_dask",
    "local_cluster",
    "fit_minibatch",
]


def _frozen(a):
    a = np.array(a, dtype=float)  # always a private copy
    a.setflags(write=False)
    return a


# ---------------------------------------------------------------------------
# Sufficient statistics


@dataclass(frozen=True, eq=False)
class SufficientStatistics:
    """The sums over points that an M-step needs, from one E-step.

    Attributes
    ----------
    n : float
        N, the number of points summed (a fraction after :meth:`scale`).
    counts : array of shape (K,)
        N_k = sum_i r_ik.
    sums : array of shape (K, D)
        S_k = sum_i r_ik (x_i - shift).
    outer : array of shape (K, D, D)
        T_k = sum_i r_ik (x_i - shift)(x_i - shift)^T.
    log_likelihood : float
        sum_i log p(x_i) under the parameters of the E-step.
    shift : array of shape (D,)
        The point c the sums are taken about (see the module's docstring).
    abs_max : array of shape (D,)
        The largest |x_ij| of each feature. Not a statistic of the mixture:
        it lets the M-step recognise a covariance narrower than the spacing
        at which the coordinates are stored (a collapse), as gmmlib.m_step does.

    ``a + b`` is the statistics of both sets of points (``sum(parts)`` works
    too); ``a.scale(f)`` multiplies every sum by f. The arrays are read-only
    copies.
    """

    n: float
    counts: np.ndarray
    sums: np.ndarray
    outer: np.ndarray
    log_likelihood: float
    shift: np.ndarray
    abs_max: np.ndarray = field(repr=False)

    def __post_init__(self):
        counts, sums, outer = _frozen(self.counts), _frozen(self.sums), _frozen(self.outer)
        shift, abs_max = _frozen(self.shift), _frozen(self.abs_max)
        if counts.ndim != 1 or sums.ndim != 2 or sums.shape[0] != counts.shape[0]:
            raise ValueError(
                f"counts must have shape (K,) and sums (K, D); got {counts.shape} and {sums.shape}."
            )
        K, D = sums.shape
        if outer.shape != (K, D, D) or shift.shape != (D,) or abs_max.shape != (D,):
            raise ValueError(
                f"with sums of shape ({K}, {D}), outer must have shape ({K}, {D}, {D}) and "
                f"shift and abs_max ({D},); got {outer.shape}, {shift.shape} and {abs_max.shape}."
            )
        object.__setattr__(self, "n", float(self.n))
        object.__setattr__(self, "log_likelihood", float(self.log_likelihood))
        for name, value in (("counts", counts), ("sums", sums), ("outer", outer),
                            ("shift", shift), ("abs_max", abs_max)):
            object.__setattr__(self, name, value)

    @property
    def n_components(self):
        """K, the number of components."""
        return self.counts.shape[0]

    @property
    def n_features(self):
        """D, the dimension of the data."""
        return self.sums.shape[1]

    def recentred(self, shift):
        """The same statistics taken about another point c' (shape (D,)).

        With d = c - c', x - c' = (x - c) + d, so
        S'_k = S_k + N_k d and T'_k = T_k + S_k d^T + d S_k^T + N_k d d^T.
        """
        shift = _check_shift(shift, self.n_features)
        d = self.shift - shift
        if not np.any(d):
            return self
        Sd = self.sums[:, :, None] * d[None, None, :]  # S_k d^T
        outer = (self.outer + Sd + Sd.transpose(0, 2, 1)
                 + self.counts[:, None, None] * np.outer(d, d)[None])
        return SufficientStatistics(self.n, self.counts, self.sums + self.counts[:, None] * d,
                                    outer, self.log_likelihood, shift, self.abs_max)

    def __add__(self, other):
        if not isinstance(other, SufficientStatistics):
            return NotImplemented
        if other.sums.shape != self.sums.shape:
            raise ValueError(
                f"cannot add statistics of {other.n_components} components in {other.n_features} "
                f"dimensions to statistics of {self.n_components} in {self.n_features}."
            )
        other = other.recentred(self.shift)
        return SufficientStatistics(
            self.n + other.n, self.counts + other.counts, self.sums + other.sums,
            self.outer + other.outer, self.log_likelihood + other.log_likelihood,
            self.shift, np.maximum(self.abs_max, other.abs_max),
        )

    def __radd__(self, other):
        if isinstance(other, numbers.Number) and other == 0:  # sum(list_of_statistics)
            return self
        return NotImplemented

    def scale(self, factor):
        """Every sum (n, counts, sums, outer, log_likelihood) times factor >= 0.

        ``stats.scale(1 / stats.n)`` gives averages over the points; the parameters
        from scaled statistics are the same, since every formula divides by N_k.
        """
        if isinstance(factor, (bool, np.bool_)) or not isinstance(factor, numbers.Real) \
                or not np.isfinite(factor) or factor < 0:
            raise ValueError(f"factor must be a finite number >= 0; got {factor!r}.")
        f = float(factor)
        return SufficientStatistics(f * self.n, f * self.counts, f * self.sums, f * self.outer,
                                    f * self.log_likelihood, self.shift, self.abs_max)


def _statistics(Xs, params_s, shift, abs_max):
    """Statistics of the shifted points Xs = X - shift under params_s (the
    parameters with shift subtracted from their means): one E-step in log
    space (gmmlib.em's), then the three sums."""
    resp, log_density = _e_step(Xs, params_s)
    K, D = resp.shape[1], Xs.shape[1]
    outer = np.empty((K, D, D))
    for k in range(K):
        Y = Xs * np.sqrt(resp[:, k])[:, None]
        outer[k] = Y.T @ Y
    return SufficientStatistics(Xs.shape[0], resp.sum(axis=0), resp.T @ Xs, outer,
                                log_density.sum(), shift, abs_max)


def _check_shift(shift, D):
    shift = np.asarray(shift, dtype=float)
    if shift.shape != (D,) or not np.all(np.isfinite(shift)):
        raise ValueError(
            f"shift must be a point of shape ({D},) with finite coordinates, near the data "
            f"(e.g. X.mean(axis=0)); got {shift.tolist()!r}."
        )
    return shift


def sufficient_statistics(X, params, *, shift=None):
    """N_k, S_k, T_k and the log-likelihood of X, from one E-step under params.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    params : GMMParams
        The parameters of the E-step (the responsibilities r_ik).
    shift : array of shape (D,) or None
        The point c the sums are taken about; None: the mean of X. Pass the
        same shift for every chunk (the first chunk's mean, say) so that they
        add without re-centring. ``np.zeros(D)`` gives the plain sums, which
        lose digits for data far from the origin (see the module's docstring).

    Returns
    -------
    SufficientStatistics
    """
    X = check_data(X)
    check_data_matches_params(X, params)
    shift = X.mean(axis=0) if shift is None else _check_shift(shift, X.shape[1])
    return _statistics(X - shift, _shifted(params, -shift), shift, np.abs(X).max(axis=0))


def _params_from_statistics(stats, reg_covar, prior, point_floor):
    """Weights, means and covariances from the sums, as gmmlib.m_step computes
    them (the same 10 eps in every N_k against 0 / 0 for an empty component);
    the list of collapsed components."""
    D = stats.n_features
    N_k = stats.counts + 10 * np.finfo(float).eps
    weights = N_k / stats.n
    m = stats.sums / N_k[:, None]                       # mu_k - shift
    covariances = np.empty((stats.n_components, D, D))
    for k in range(stats.n_components):
        # sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T = T_k - N_k m_k m_k^T
        scatter = stats.outer[k] - N_k[k] * np.outer(m[k], m[k])
        scatter = 0.5 * (scatter + scatter.T)
        if prior is None:
            covariances[k] = scatter / N_k[k]
        else:
            covariances[k] = (scatter + prior.scale) / (N_k[k] + prior.dof + D + 1)
        covariances[k].flat[:: D + 1] += reg_covar
    collapsed = _collapsed_components(covariances, point_floor)
    # T_k / N_k - m_k m_k^T is known only to a few rounding errors of T_k / N_k,
    # the second moment about the shift: a variance below that is zero to
    # working precision (a component on identical points gives 1e-16, not 0).
    second_moments = np.diagonal(stats.outer, axis1=1, axis2=2) / N_k[:, None]
    unresolved = np.any(np.diagonal(covariances, axis1=1, axis2=2)
                        <= _PIVOT_RTOL * second_moments, axis=1)
    collapsed = sorted(set(collapsed) | set(np.flatnonzero(unresolved).tolist()))
    return weights / weights.sum(), m + stats.shift, covariances, collapsed


def _point_floor(abs_max):
    return (_POINT_RESOLUTION * abs_max) ** 2


def m_step_from_statistics(stats, reg_covar=1e-6, *, covariance_prior=None):
    """The M-step from sufficient statistics: the same parameters as
    gmmlib.m_step(X, e_step(X, params)) on all the points, to rounding.

    pi_k = N_k / N,  mu_k = c + S_k / N_k,
    Sigma_k = (T_k - N_k m_k m_k^T) / N_k + reg_covar I,  m_k = S_k / N_k,

    or, with an inverse-Wishart prior, (T_k - N_k m_k m_k^T + scale) / (N_k + dof + D + 1).

    Parameters
    ----------
    stats : SufficientStatistics
    reg_covar : float >= 0
    covariance_prior : CovariancePrior or None

    Returns
    -------
    GMMParams

    Raises
    ------
    SingularityError
        When a covariance collapses, as gmmlib.m_step does.
    """
    if not isinstance(stats, SufficientStatistics):
        raise ValueError(
            f"stats must be a SufficientStatistics; got a {type(stats).__name__}. "
            "Compute it with gmmlib.scale.sufficient_statistics(X, params)."
        )
    reg_covar = check_nonnegative("reg_covar", reg_covar)
    if not stats.n > 0:
        raise ValueError(f"stats sum over no points (n = {stats.n:g}); they need at least one.")
    prior = _prior_for(covariance_prior, stats.n_features)
    weights, means, covariances, collapsed = _params_from_statistics(
        stats, reg_covar, prior, _point_floor(stats.abs_max))
    if collapsed:
        raise _collapse_error(collapsed[0], reg_covar)
    return GMMParams(weights, means, covariances)


# ---------------------------------------------------------------------------
# EM from passes over the data


class _BlockOverflow(ValueError):
    """DensityOverflowError raised on a Dask worker, in a form that pickles."""

    def __init__(self, message, component):
        super().__init__(message, component)
        self.component = component

    def __str__(self):
        return self.args[0]


def _em_from_passes(statistics_of, start, *, max_iter, tol, reg_covar, prior):
    """EM whose E-step is a pass over the data: statistics_of(params) returns
    the SufficientStatistics of every point under params.

    The loop, the stopping rule and the collapse checks are gmmlib.fit's: an
    M-step from the statistics, then a pass under the new parameters, which
    also gives their log-likelihood.
    """
    stats = statistics_of(start)
    n = stats.n
    check_n_components(start.n_components, int(n))
    point_floor = _point_floor(stats.abs_max)
    params = start
    history, log_likelihoods = [start], [stats.log_likelihood]
    objectives = [log_likelihoods[-1] + _log_prior(prior, start)]
    converged = False

    def result():
        return FitResult(params=history[-1], history=list(history),
                         log_likelihoods=np.array(log_likelihoods), converged=converged,
                         n_iter=len(history) - 1,
                         start_log_likelihoods=np.array(log_likelihoods[-1:]))

    for iteration in range(1, max_iter + 1):
        weights, means, covariances, collapsed = _params_from_statistics(
            stats, reg_covar, prior, point_floor)
        if collapsed:
            err = _collapse_error(collapsed[0], reg_covar)
            raise SingularityError(f"EM iteration {iteration}: {err}", component=err.component,
                                   iteration=iteration, result=result())
        new = GMMParams(weights, means, covariances)
        move = _kl_divergence(new, params)
        try:
            stats = statistics_of(new)
        except (DensityOverflowError, _BlockOverflow) as err:
            raise SingularityError(
                f"EM iteration {iteration}: {_collapse_error(err.component, reg_covar)}",
                component=err.component, iteration=iteration, result=result(),
            ) from None
        if stats.n != n:
            raise ValueError(
                f"the data changed between passes: {stats.n:g} points in pass {iteration}, "
                f"{n:g} in pass 0. Every pass must read the same points."
            )
        params = new
        history.append(params)
        log_likelihoods.append(stats.log_likelihood)
        objectives.append(log_likelihoods[-1] + _log_prior(prior, params))
        if tol > 0 and iteration >= 2:
            changes = np.abs(np.diff(objectives[-3:])) / n
            if np.all(changes < tol) and move < tol:
                converged = True
                break
    return result()


def _check_start(init, n_components, what):
    n_components = check_int("n_components", n_components, minimum=1)
    if not isinstance(init, GMMParams):
        raise ValueError(
            f"init must be a GMMParams: {what} does not hold all the data in memory to "
            "choose a start from. Fit a sample first, e.g. "
            f"init = gmmlib.fit(sample, {n_components}, max_iter=0).params, with sample a "
            "chunk or a random subset of the rows."
        )
    if init.n_components != n_components:
        raise ValueError(f"init has {init.n_components} components but n_components={n_components}.")
    return n_components


def _chunk_reader(chunks):
    """A function returning a fresh iterator over the chunks, for every pass."""
    if callable(chunks):
        def read():
            it = chunks()
            if isinstance(it, np.ndarray) or not isinstance(it, collections.abc.Iterable):
                raise ValueError(
                    f"chunks() must return an iterable of arrays (a list, or a generator of "
                    f"arrays); it returned a {type(it).__name__}."
                )
            return iter(it)
        return read
    if isinstance(chunks, np.ndarray):
        raise ValueError(
            "chunks is one array; pass a list of arrays of shape (n_i, D), e.g. "
            "np.array_split(X, 10), or fit it in memory with gmmlib.fit."
        )
    if isinstance(chunks, collections.abc.Iterator):
        raise ValueError(
            "chunks is an iterator, which can be read only once, and EM reads the data "
            "at every iteration. Pass a list of arrays, or a function that returns a fresh "
            "iterator, e.g. lambda: (np.load(f) for f in files)."
        )
    if isinstance(chunks, collections.abc.Sequence) and not isinstance(chunks, (str, bytes)):
        return lambda: iter(chunks)
    raise ValueError(
        f"chunks must be a list of arrays of shape (n_i, D) or a function returning an "
        f"iterable of them; got a {type(chunks).__name__}."
    )


def fit_chunked(chunks, n_components, *, init, max_iter=100, tol=1e-6, reg_covar=1e-6,
                covariance_prior=None):
    """EM over data read one chunk at a time: only one chunk is in memory at once.

    Every iteration is one pass over the chunks: each chunk's E-step gives its
    SufficientStatistics, they are added up, and the M-step uses the total.
    The iterates, the stopping rule and the result are those of
    ``gmmlib.fit(np.concatenate(chunks), n_components, init=init, ...)``, to
    rounding.

    Parameters
    ----------
    chunks : list of arrays of shape (n_i, D), or a function returning an iterable of them
        A function is called afresh at every iteration (for data out of core:
        ``lambda: (np.load(f) for f in files)``); it must give the same
        points every time. Chunks may have different lengths.
    n_components : int >= 1
    init : GMMParams
        The start. Required: there is no whole array to seed from; fit a
        sample, e.g. ``gmmlib.fit(first_chunk, K, max_iter=0).params``.
    max_iter, tol, reg_covar, covariance_prior
        As in gmmlib.fit (the same defaults, the same stopping rule).

    Returns
    -------
    FitResult
        As gmmlib.fit's: history, log-likelihoods, converged, n_iter.

    Raises
    ------
    SingularityError
        When a covariance collapses; its ``result`` holds the fit so far.

    The sums are taken about the mean of the first chunk, so data far from
    the origin keep their digits.
    """
    read = _chunk_reader(chunks)
    n_components = _check_start(init, n_components, "fit_chunked")
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_nonnegative("tol", tol)
    reg_covar = check_nonnegative("reg_covar", reg_covar)
    D = init.n_features
    prior = _prior_for(covariance_prior, D)
    state = {}  # the shift, fixed by the first chunk of the first pass

    def statistics_of(params):
        total, shifted = None, None
        for i, chunk in enumerate(read()):
            chunk = check_data(chunk, name=f"chunk {i}")
            if chunk.shape[1] != D:
                raise ValueError(
                    f"chunk {i} has {chunk.shape[1]} feature(s) per point but init describes "
                    f"{D}-dimensional components; every chunk needs shape (n_i, {D})."
                )
            if "shift" not in state:
                state["shift"] = chunk.mean(axis=0)
            if shifted is None:
                shifted = _shifted(params, -state["shift"])
            part = _statistics(chunk - state["shift"], shifted, state["shift"],
                               np.abs(chunk).max(axis=0))
            total = part if total is None else total + part
        if total is None:
            raise ValueError("chunks gave no chunk at all; pass at least one array of points.")
        return total

    return _em_from_passes(statistics_of, init, max_iter=max_iter, tol=tol,
                           reg_covar=reg_covar, prior=prior)


# ---------------------------------------------------------------------------
# Dask


def _block_statistics(block, params_s, shift, first_row):
    """The statistics of one block of a dask.array (rows first_row, ...), on a worker."""
    bad = np.flatnonzero(~np.isfinite(block).all(axis=1))
    if bad.size:
        raise ValueError(
            f"X contains NaN or infinity in {bad.size} row(s) of the block that starts at "
            f"row {first_row}, the first at row {first_row + bad[0]}. Remove or impute those "
            "rows before fitting, e.g. X[da.isfinite(X).all(axis=1)]."
        )
    try:
        return _statistics(block - shift, params_s, shift, np.abs(block).max(axis=0))
    except DensityOverflowError as err:
        raise _BlockOverflow(str(err), err.component) from None


def _add(a, b):
    return a + b


def fit_dask(X, n_components, *, init, client=None, max_iter=100, tol=1e-6, reg_covar=1e-6,
             covariance_prior=None, persist=True):
    """EM on a dask.array, with each block's E-step run where the block lives.

    Every iteration the parameters are scattered to the workers (K (1 + D +
    D^2) numbers), each block of rows computes its SufficientStatistics on its
    worker, the statistics are added in a tree, and only their K (1 + D + D^2)
    numbers (and the log-likelihood) come back for the M-step. The iterates,
    the stopping rule and the result are those of
    ``gmmlib.fit(X.compute(), n_components, init=init, ...)``, to rounding.

    Parameters
    ----------
    X : dask.array of shape (N, D), chunked along the rows
        Blocks that split the columns are joined (``X.rechunk({1: -1})``).
    n_components : int >= 1
    init : GMMParams
        The start, e.g. ``gmmlib.fit(X[:10_000].compute(), K, max_iter=0).params``.
    client : distributed.Client or None
        The cluster to run on; None: the current default Client if there is
        one, else dask's local scheduler (without scattering).
    max_iter, tol, reg_covar, covariance_prior
        As in gmmlib.fit.
    persist : bool
        Keep X's blocks in the workers' memory between iterations (loaded
        once). With False every iteration recomputes the blocks from their
        source, for data larger than the cluster's memory.

    Returns
    -------
    FitResult

    A cluster on one machine (see :func:`local_cluster`), and the same on a real one::

        with local_cluster(n_workers=2) as client:
            result = fit_dask(X, 3, init=start, client=client)

    On a real cluster only the scheduler's address changes:
    ``client = Client("tcp://host:8786")``. The workers need gmmlib installed.
    """
    import dask
    import dask.array as da

    if not isinstance(X, da.Array):
        raise ValueError(
            f"X must be a dask.array; got a {type(X).__name__}. For an array in memory use "
            "gmmlib.fit, or wrap it: dask.array.from_array(X, chunks=(100_000, -1))."
        )
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"X must have shape (N, D) with N, D >= 1, one row per point; got shape {X.shape}. "
            "For one-dimensional data use X.reshape(-1, 1)."
        )
    if np.isnan(X.shape[0]):
        raise ValueError("X has unknown row counts; call X.compute_chunk_sizes() first.")
    if X.dtype.kind not in "fiu":
        raise ValueError(
            f"X must hold real numbers; it holds {X.dtype}. Convert it first, e.g. X.astype(float)."
        )
    n_components = _check_start(init, n_components, "fit_dask")
    if init.n_features != X.shape[1]:
        raise ValueError(f"init describes {init.n_features}-dimensional components but X has "
                         f"{X.shape[1]} feature(s) per point.")
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_nonnegative("tol", tol)
    reg_covar = check_nonnegative("reg_covar", reg_covar)
    prior = _prior_for(covariance_prior, X.shape[1])
    if not isinstance(persist, (bool, np.bool_)):
        raise ValueError(f"persist must be True or False; got {persist!r}.")
    if client is None:
        try:
            from distributed import default_client
            client = default_client()
        except (ImportError, ValueError):
            client = None
    else:
        from distributed import Client

        if not isinstance(client, Client):
            raise ValueError(
                f"client must be a distributed.Client or None; got a {type(client).__name__}. "
                "Connect one with distributed.Client(cluster) or Client('tcp://host:8786')."
            )

    X = X.astype(float).rechunk({1: -1})
    if persist:
        X = client.persist(X) if client is not None else X.persist()
    blocks = X.to_delayed().ravel()
    first_rows = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).tolist()
    first = X.blocks[0]
    shift = (client.compute(first.mean(axis=0)).result() if client is not None
             else first.mean(axis=0).compute())
    if not np.all(np.isfinite(shift)):
        raise ValueError(f"X contains NaN or infinity in its first {X.chunks[0][0]} rows (its "
                         "first block). Remove or impute those rows before fitting, e.g. "
                         "X[da.isfinite(X).all(axis=1)].")
    block_statistics = dask.delayed(_block_statistics, pure=True)
    add = dask.delayed(_add, pure=True)

    def statistics_of(params):
        params_s = _shifted(params, -shift)
        if client is not None:
            params_s = client.scatter(params_s, broadcast=True, hash=False)
        parts = [block_statistics(b, params_s, shift, r) for b, r in zip(blocks, first_rows)]
        while len(parts) > 1:  # a tree of sums: log2(blocks) levels
            parts = [add(parts[j], parts[j + 1]) if j + 1 < len(parts) else parts[j]
                     for j in range(0, len(parts), 2)]
        if client is not None:
            total = client.compute(parts[0]).result()
            params_s.release()
            return total
        return parts[0].compute()

    return _em_from_passes(statistics_of, init, max_iter=max_iter, tol=tol,
                           reg_covar=reg_covar, prior=prior)


def _quiet_worker():
    """On a worker: log only critical errors of distributed."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


def local_cluster(n_workers=2):
    """A Dask cluster on this machine, for trying fit_dask: a context manager.

    ``with local_cluster(2) as client:`` starts a scheduler and ``n_workers``
    worker processes with one thread each (``distributed.LocalCluster``),
    waits until every worker has joined, and yields a ``distributed.Client``
    connected to them. On leaving the block the client and the cluster are
    closed, the workers stopped.

    The cluster is quiet: the scheduler, the workers and their nannies log
    only critical errors while it runs (a worker stopped in the middle of its
    regular heartbeat to the scheduler logs a harmless error, at random
    moments, which would otherwise print into a notebook). Its dashboard, if
    bokeh is installed, listens on any free port: ``client.dashboard_link``.

    Parameters
    ----------
    n_workers : int >= 1

    Returns
    -------
    A context manager yielding a distributed.Client.

    On a real cluster use ``distributed.Client("tcp://host:8786")`` instead.
    """
    n_workers = check_int("n_workers", n_workers, minimum=1)
    return _local_cluster(n_workers)


@contextlib.contextmanager
def _local_cluster(n_workers):
    from distributed import Client, LocalCluster

    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # the scheduler and the nannies, in this process
    try:
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0", silence_logs=logging.CRITICAL) as cluster, \
                Client(cluster) as client:
            client.wait_for_workers(n_workers)
            client.run(_quiet_worker)
            yield client
    finally:
        logger.setLevel(level)


# ---------------------------------------------------------------------------
# Mini-batch (stepwise) EM


@dataclass(frozen=True)
class MinibatchResult:
    """What :func:`fit_minibatch` returns.

    Attributes
    ----------
    params : GMMParams
        The parameters after the last batch.
    history : list of GMMParams
        The start, then the parameters at each record (see ``passes``).
    log_likelihoods : array of shape (len(history),)
        The log-likelihood of all the data under each entry of ``history``.
    passes : array of shape (len(history),)
        How many passes through the data had been made at each record:
        0, then 1/e, 2/e, ... for e = evaluations_per_epoch.
    n_steps : int
        The number of batches processed, each followed by an M-step.
    step_sizes : array of shape (n_steps,)
        gamma_t of every step.
    """

    params: GMMParams
    history: list
    log_likelihoods: np.ndarray
    passes: np.ndarray
    n_steps: int
    step_sizes: np.ndarray


def _expected_statistics(params, shift):
    """The statistics, averaged over the points, that params expect of their own data:
    N_k = pi_k, S_k = pi_k (mu_k - c), T_k = pi_k (Sigma_k + (mu_k - c)(mu_k - c)^T),
    so the M-step from them gives params back (with reg_covar added)."""
    w = params.weights
    m = params.means - shift
    outer = w[:, None, None] * (params.covariances + m[:, :, None] * m[:, None, :])
    return SufficientStatistics(1.0, w, w[:, None] * m, outer, np.nan, shift,
                                np.zeros(params.n_features))


def _step_sizes(step, n_steps):
    """gamma_t for t = 0 .. n_steps - 1, checked to lie in (0, 1]."""
    if isinstance(step, (bool, np.bool_)):
        step = None
    if isinstance(step, numbers.Real):
        a = float(step)
        if not 0.5 < a <= 1.0:
            raise ValueError(
                f"step={step!r} as an exponent a of gamma_t = (t + 2) ** -a must lie in "
                "(0.5, 1]: the steps must add up to infinity (a <= 1), so that the "
                "statistics can travel any distance, while their squares add up to a finite "
                "number (a > 0.5), so that the noise of the batches dies out. Use e.g. 0.6."
            )
        return (np.arange(n_steps) + 2.0) ** -a
    if callable(step):
        gammas = np.empty(n_steps)
        for t in range(n_steps):
            g = step(t)
            if isinstance(g, (bool, np.bool_)) or not isinstance(g, numbers.Real) \
                    or not 0 < g <= 1:
                raise ValueError(
                    f"step(t) must return a number in (0, 1], the weight of batch t in the "
                    f"running statistics; step({t}) returned {g!r}. Use e.g. "
                    "step=lambda t: (t + 2) ** -0.6."
                )
            gammas[t] = g
        return gammas
    raise ValueError(
        f"step must be an exponent a in (0.5, 1] (gamma_t = (t + 2) ** -a) or a function "
        f"t -> gamma_t in (0, 1]; got {step!r}."
    )


def _log_likelihood_by_slabs(Xs, params_s, slab=65_536):
    """sum_i log p(x_i), a slab of rows at a time (no N x K array for large N)."""
    return float(sum(_e_step(Xs[i:i + slab], params_s)[1].sum()
                     for i in range(0, Xs.shape[0], slab)))


def fit_minibatch(X, n_components, *, init="kmeans++", batch_size=1000, n_epochs=10, step=0.6,
                  reg_covar=1e-6, seed=0, evaluations_per_epoch=1):
    """Stepwise EM (Cappé and Moulines, 2009): an M-step after every small batch.

    The statistics averaged over the points, s, are a running average: after the E-step on
    batch t,

        s <- (1 - gamma_t) s + gamma_t * stats(batch) / |batch|,

    and the parameters become m_step_from_statistics(s). Before the first
    batch, s holds the statistics the start expects of its own data (so the
    parameters from it are the start). Each epoch visits the points once, in
    a fresh random order.

    Parameters
    ----------
    X : array of shape (N, D), or (N,) for one-dimensional data
    n_components : int, 1 <= K <= N
    init : "kmeans++", "random" or GMMParams
        As in gmmlib.fit (the seeding uses ``seed``).
    batch_size : int, 1 <= batch_size <= N
        Points per batch; the last batch of an epoch may be smaller.
    n_epochs : int >= 1
        Passes through the data.
    step : float in (0.5, 1], or a function t -> gamma_t in (0, 1]
        A number a means gamma_t = (t + 2) ** -a, t = 0, 1, ... counting
        batches. Smaller a forgets old batches faster and is noisier.
    reg_covar : float >= 0
    seed : int >= 0 or None
        Seed of the start and of the order of the batches.
    evaluations_per_epoch : int >= 1
        How many times per epoch the log-likelihood of all of X is recorded
        (each costs a full E-step; it does not change the fit).

    Returns
    -------
    MinibatchResult

    Raises
    ------
    SingularityError
        When a covariance collapses (a smaller step, larger batches or a
        larger reg_covar help). Its ``iteration`` is the step (1, 2, ...)
        whose M-step collapsed, its ``result`` the fit before that step.
    """
    X = check_data(X)
    N, D = X.shape
    n_components = check_n_components(n_components, N)
    init = check_init(init, X, n_components)
    if isinstance(batch_size, (bool, np.bool_)) or not isinstance(batch_size, numbers.Integral):
        raise ValueError(f"batch_size must be an integer number of points; got {batch_size!r}.")
    if not 1 <= batch_size <= N:
        raise ValueError(
            f"batch_size must be between 1 and N = {N}; got {batch_size}. A batch of all N "
            "points makes every step a full E-step: for that, use gmmlib.fit."
        )
    batch_size = int(batch_size)
    n_epochs = check_int("n_epochs", n_epochs, minimum=1)
    reg_covar = check_nonnegative("reg_covar", reg_covar)
    seed = check_seed(seed)
    batches_per_epoch = -(-N // batch_size)
    evaluations_per_epoch = check_int("evaluations_per_epoch", evaluations_per_epoch, minimum=1,
                                      maximum=batches_per_epoch)
    gammas = _step_sizes(step, n_epochs * batches_per_epoch)

    if not isinstance(init, GMMParams):
        init = fit(X, n_components, init=init, max_iter=0, reg_covar=reg_covar, seed=seed).params
    rng = np.random.default_rng(seed)
    shift = X.mean(axis=0)
    Xs = X - shift
    abs_max = np.abs(X).max(axis=0)
    point_floor = _point_floor(abs_max)
    s = _expected_statistics(init, shift)
    params, params_s = init, _shifted(init, -shift)
    history, log_likelihoods, passes = [init], [_log_likelihood_by_slabs(Xs, params_s)], [0.0]
    # record after these batches of each epoch, evenly spread, the last batch included
    records = {round((j + 1) * batches_per_epoch / evaluations_per_epoch) - 1
               for j in range(evaluations_per_epoch)}

    def result(t):
        return MinibatchResult(history[-1], list(history), np.array(log_likelihoods),
                               np.array(passes), t, gammas[:t].copy())

    t = 0
    for epoch in range(n_epochs):
        order = rng.permutation(N)
        for b in range(batches_per_epoch):
            batch = Xs[order[b * batch_size:(b + 1) * batch_size]]
            try:
                stats = _statistics(batch, params_s, shift, abs_max)
            except DensityOverflowError as err:
                raise SingularityError(
                    f"mini-batch step {t + 1}: {_collapse_error(err.component, reg_covar)}",
                    component=err.component, iteration=t + 1, result=result(t),
                ) from None
            s = s.scale(1.0 - gammas[t]) + stats.scale(gammas[t] / batch.shape[0])
            weights, means, covariances, collapsed = _params_from_statistics(
                s, reg_covar, None, point_floor)
            if collapsed:
                err = _collapse_error(collapsed[0], reg_covar)
                raise SingularityError(
                    f"mini-batch step {t + 1}: {err} A smaller step or larger batches help too.",
                    component=err.component, iteration=t + 1, result=result(t),
                )
            params = GMMParams(weights, means, covariances)
            params_s = _shifted(params, -shift)
            t += 1
            if b in records:
                history.append(params)
                log_likelihoods.append(_log_likelihood_by_slabs(Xs, params_s))
                passes.append(epoch + min((b + 1) * batch_size, N) / N)
    return result(t)
