"""Checks run once at the public boundary. Each failure is a ValueError that
says what is wrong and what to do about it."""

from __future__ import annotations

import numbers

import numpy as np

VALID_INITS = ("kmeans++", "random")


def check_data(X, name="X"):
    """Return X as a float array of shape (N, D); (N,) becomes (N, 1).

    The caller's array is never modified: a new array is made whenever the
    dtype or shape changes, and the EM code only ever reads from X.
    """
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be an array of numbers of shape (N, D), or (N,) for "
            f"one-dimensional data; could not read {type(X).__name__} as one."
        ) from None
    if arr.ndim == 0:
        raise ValueError(f"{name} is a single number; pass an array of shape (N,) or (N, D).")
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim > 2:
        raise ValueError(
            f"{name} has {arr.ndim} dimensions (shape {arr.shape}); it must be "
            "(N, D): one row per point. Reshape it, e.g. X.reshape(-1, D)."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one point.")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {arr.shape}).")
    bad = ~np.isfinite(arr)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        kind = "NaN" if np.isnan(arr).any() else "infinity"
        raise ValueError(
            f"{name} contains {kind} in {rows.size} row(s), the first at row {rows[0]}. "
            "Remove or impute those rows before fitting."
        )
    return arr


def check_data_matches_params(X, params):
    if X.shape[1] != params.n_features:
        raise ValueError(
            f"X has {X.shape[1]} feature(s) per point but the parameters describe "
            f"{params.n_features}-dimensional components."
        )


def check_int(name, value, minimum=None, maximum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}.")
    return value


def check_n_components(n_components, n_points):
    if isinstance(n_components, bool) or not isinstance(n_components, numbers.Integral):
        raise ValueError(f"n_components must be an integer; got {n_components!r}.")
    if n_components < 1:
        raise ValueError(f"n_components must be at least 1; got {n_components}.")
    if n_components > n_points:
        raise ValueError(
            f"n_components={n_components} is more than the {n_points} data points; "
            "each component needs at least one point. Use fewer components."
        )
    return int(n_components)


def check_nonnegative(name, value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number >= 0; got {value!r}.") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return value


def check_init(init, X, n_components):
    from gmmlib.em import GMMParams

    if isinstance(init, GMMParams):
        if init.n_components != n_components:
            raise ValueError(
                f"init has {init.n_components} components but n_components={n_components}."
            )
        if init.n_features != X.shape[1]:
            raise ValueError(
                f"init describes {init.n_features}-dimensional components but X has "
                f"{X.shape[1]} feature(s) per point."
            )
        return init
    if isinstance(init, str) and init in VALID_INITS:
        return init
    raise ValueError(
        f"init={init!r} is not understood; use one of "
        f"{', '.join(repr(v) for v in VALID_INITS)}, or a GMMParams to start from."
    )


def check_resp(resp, n_points):
    try:
        resp = np.asarray(resp, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("resp must be an array of numbers of shape (N, K).") from None
    if resp.ndim != 2 or resp.shape[0] != n_points or resp.shape[1] < 1:
        raise ValueError(
            f"resp must have shape (N, K) = ({n_points}, K), one row per point of X; "
            f"got shape {resp.shape}."
        )
    if not np.all(np.isfinite(resp)):
        raise ValueError("resp contains NaN or infinity.")
    if np.any(resp < 0):
        raise ValueError("resp must be non-negative: responsibilities are probabilities.")
    sums = resp.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-6):
        i = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(
            f"each row of resp must sum to 1; row {i} sums to {sums[i]:.6g}. "
            "Responsibilities come from e_step(X, params)."
        )
    return resp
