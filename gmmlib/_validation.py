"""Checks run once at the public boundary. Each failure is a ValueError that
says what is wrong and what to do about it."""

from __future__ import annotations

import numbers

import numpy as np

VALID_INITS = ("kmeans++", "random")


def as_float_array(value, name, shape_hint="of shape (N, D), or (N,) for one-dimensional data",
                   allow_bool=False):
    """Read value as an array of real numbers, as floats.

    Complex numbers, dates and times, strings (even numeric ones) and, unless
    allow_bool (0/1 responsibilities), booleans are refused: converting them
    silently would drop an imaginary part, count days since 1970 or parse
    text, and the fit would describe something else.
    """
    what = f"{name} must be an array of real numbers {shape_hint}"
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what}; could not read {type(value).__name__} as one.") from None
    kind = raw.dtype.kind
    if kind == "c":
        raise ValueError(
            f"{what}; it holds complex numbers. Pass the real part (np.real) or split "
            "real and imaginary parts into two features, whichever you mean."
        )
    if kind in "mM":
        raise ValueError(
            f"{what}; it holds dates or times ({raw.dtype}). Convert them to numbers "
            "in a unit you choose first, e.g. hours since the first one."
        )
    refused = (str, bytes) if allow_bool else (str, bytes, bool, np.bool_)
    if kind in ("US" if allow_bool else "USb") or (
            kind == "O" and any(isinstance(v, refused) for v in raw.ravel())):
        found = "booleans" if kind == "b" else "strings or booleans"
        raise ValueError(
            f"{what}; it holds {found}. Convert them to numbers explicitly first, "
            "e.g. np.asarray(values, dtype=float) for numeric text."
        )
    try:
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{what}; could not read {type(value).__name__} as one.") from None


def check_data(X, name="X"):
    """Return X as a float array of shape (N, D); (N,) becomes (N, 1).

    The caller's array is never modified: a new array is made whenever the
    dtype or shape changes, and the EM code only ever reads from X.
    """
    arr = as_float_array(X, name)
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
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains {describe_non_finite(arr)}. "
                         "Remove or impute those rows before fitting.")
    return arr


def describe_non_finite(arr):
    """'NaN in 2 row(s), the first at row 5, and infinity in 1 row(s), at row 0',
    for an (N, D) array holding NaN or infinity."""
    parts = []
    for label, bad in (("NaN", np.isnan(arr)), ("infinity", np.isinf(arr))):
        rows = np.flatnonzero(bad.any(axis=1))
        if rows.size == 1:
            parts.append(f"{label} in 1 row, row {rows[0]}")
        elif rows.size:
            parts.append(f"{label} in {rows.size} rows, the first at row {rows[0]}")
    return " and ".join(parts)


def params_hint(value):
    """How to turn what was passed instead of a GMMParams into one."""
    kind = type(value).__name__
    if hasattr(value, "means_") or "Mixture" in kind:
        return (f"it is a scikit-learn {kind}: convert a fitted one with "
                "gmmlib.plotting.sklearn_params(gm)")
    if value is None:
        return "it is None: pass e.g. result.params from gmmlib.fit"
    if isinstance(value, dict):
        return "it is a dict: build GMMParams(**d) from its weights, means and covariances"
    if isinstance(value, (tuple, list)):
        return (f"it is a {kind}: build GMMParams(weights, means, covariances), or "
                "GMMParams.from_1d(weights, means, variances) for 1-D data")
    return f"got a {kind}"


def check_params(params, name="params"):
    """params must be a GMMParams; say how to get one from what was passed instead."""
    from gmmlib.em import GMMParams

    if not isinstance(params, GMMParams):
        raise ValueError(f"{name} must be a GMMParams; {params_hint(params)}.")
    return params


def check_data_matches_params(X, params):
    check_params(params)
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
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number >= 0; got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return value


def check_seed(seed):
    """A seed for np.random.default_rng: an integer >= 0, or None for fresh randomness."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"seed must be an integer >= 0 (the same seed gives the same run), or None; "
            f"got {seed!r}."
        )
    return int(seed)


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
    hint = "" if isinstance(init, str) else f" ({params_hint(init)})"
    raise ValueError(
        f"init={init!r} is not understood; use one of "
        f"{', '.join(repr(v) for v in VALID_INITS)}, or a GMMParams to start from{hint}."
    )


def check_resp(resp, n_points):
    resp = as_float_array(resp, "resp", "of shape (N, K)", allow_bool=True)
    if resp.ndim != 2 or resp.shape[0] != n_points or resp.shape[1] < 1:
        raise ValueError(
            f"resp must have shape (N, K) = ({n_points}, K), one row per point of X; "
            f"got shape {resp.shape}."
        )
    if not np.all(np.isfinite(resp)):
        raise ValueError(f"resp contains {describe_non_finite(resp)}.")
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
