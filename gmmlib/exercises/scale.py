"""Checkers for the exercises of EM at scale: the sufficient statistics of a
chunk of points and the M-step from statistics (lesson 12), one update of
stepwise (mini-batch) EM's running statistics and the batches of one epoch
(lesson 13)."""

from __future__ import annotations

import collections.abc
import itertools
from functools import lru_cache

import numpy as np

from gmmlib.em import GMMParams, e_step, m_step
from gmmlib.exercises._core import (Case, Check, Mistake, Part, _as_numbers, _is_empty, checker,
                                    ndim)

__all__ = ["check_sufficient_stats", "check_m_step_from_stats", "check_stepwise_update",
           "check_epoch_batches"]


# ---------------------------------------------------------------------------
# The cases: points, responsibilities and the statistics they give


def _points(seed, n, centres, spread):
    """n points around the centres in turn (rounded to 2 decimals), shuffled."""
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    X = centres[np.arange(n) % len(centres)] + rng.normal(0.0, spread, (n, centres.shape[1]))
    return np.round(X[rng.permutation(n)], 2)


@lru_cache(maxsize=None)
def _data():
    """(description, X, resp) for the statistics and M-step cases: data away from the
    origin (a mean or a second moment about the wrong point cannot pass for the right
    one), K != D except where the transposed sums must be caught by their values."""
    X2 = _points(41, 12, [[2.0, 1.0], [4.0, 3.5], [1.0, 4.0]], [0.6, 0.8])
    p2 = GMMParams([0.5, 0.3, 0.2], [[2.0, 1.0], [4.0, 3.0], [1.5, 4.0]],
                   [np.eye(2), [[1.0, 0.4], [0.4, 1.0]], [[2.0, -0.5], [-0.5, 1.0]]])
    X3 = np.clip(_points(42, 10, [[0.8, 0.7, 0.6], [0.2, 0.3, 0.1]], 0.1), 0, 1)
    p3 = GMMParams([0.6, 0.4], [[0.7, 0.6, 0.5], [0.3, 0.3, 0.2]],
                   [0.02 * np.eye(3), 0.03 * np.eye(3)])
    Xs = _points(43, 9, [[3.0, -1.0], [5.0, 1.0]], [0.7, 0.5])
    ps = GMMParams([0.5, 0.5], [[3.0, -1.0], [5.0, 1.0]],
                   [[[1.0, 0.3], [0.3, 0.6]], np.eye(2)])
    hard = np.eye(3)[np.argsort(np.argsort(X2[:, 0])) * 3 // len(X2)]
    X1 = np.array([[1.3], [1.9], [2.2], [2.6], [4.4], [5.1], [5.8]])
    p1 = GMMParams.from_1d([0.5, 0.5], [2.0, 5.0], [0.5, 0.5])
    return (
        ("2-D, 12 points, three components, soft responsibilities", X2, e_step(X2, p2)),
        ("3-D colours in [0, 1], 10 points, two components", X3, e_step(X3, p3)),
        ("2-D, two components: K = D, so a transposed S_k has the right shape", Xs,
         e_step(Xs, ps)),
        ("2-D, hard assignments (every r_ik is 0 or 1)", X2, hard),
        ("1-D data as a column (N, 1), two components", X1, e_step(X1, p1)),
    )


def _statistics(X, resp):
    """N_k (K,), S_k (K, D), T_k (K, D, D): the sums over the points."""
    return (resp.sum(axis=0), resp.T @ X, np.einsum("ik,id,ie->kde", resp, X, X))


_STAT_PARTS = (Part("the counts N_k", "N_k", ("component",)),
               Part("the sums S_k", "S_k", ("component", "coordinate")),
               Part("the outer sums T_k", "T_k", ("component", "row", "column")))

_ADD_UP = ("Sums add up across chunks; keep every statistic a sum over the points, "
           "with nothing divided.")


def _unpack_statistics(out):
    if all(hasattr(out, a) for a in ("counts", "sums", "outer")):
        return out.counts, out.sums, out.outer
    return None


def _wrong_order(expected, names, what):
    found = []
    for perm in itertools.permutations(range(3)):
        if perm != (0, 1, 2):
            found.append(Mistake(
                "wrong_order", f"you returned the right numbers in another order "
                f"({', '.join(names[p] for p in perm)})", f"Return {what}, in that order.",
                tuple(expected[p] for p in perm)))
    return found


# ---------------------------------------------------------------------------
# The sufficient statistics of a chunk


def _statistics_mistakes(X, resp):
    N_k, S, T = _statistics(X, resp)
    N, K = resp.shape
    mu = S / N_k[:, None]
    xbar = X.mean(axis=0)
    about_mu = np.stack([(resp[:, k, None] * (X - mu[k])).T @ (X - mu[k]) for k in range(K)])
    about_xbar = np.einsum("ik,id,ie->kde", resp, X - xbar, X - xbar)
    squared_weights = np.einsum("ik,id,ie->kde", resp ** 2, X, X)
    diagonal = np.stack([np.diag(np.diag(t)) for t in T])
    plain_outer = np.repeat((X.T @ X)[None], K, axis=0)
    found = [
        Mistake("unweighted", "your counts are all N: the responsibilities are ignored",
                "N_k = Σ_i r_ik, the column sums of resp: resp.sum(axis=0).",
                (np.full(K, float(N)), None, None)),
        Mistake("unweighted", "every S_k is the plain sum of all the points: the "
                "responsibilities are ignored", "Weight each point by r_ik: S_k = Σ_i r_ik x_i, "
                "all K at once resp.T @ X.", (None, np.repeat(X.sum(axis=0)[None], K, axis=0),
                                              None)),
        Mistake("unweighted", "every T_k is the plain Σ_i x_i x_iᵀ of all the points: the "
                "responsibilities are ignored", "Weight each outer product by r_ik: "
                "T_k = Σ_i r_ik x_i x_iᵀ, e.g. (resp[:, k, None] * X).T @ X.",
                (None, None, plain_outer)),
        Mistake("old_mean", "your T_k is taken about the component's mean μ_k = S_k / N_k: "
                "that is the scatter N_k Σ_k, whose centre moves with every chunk, so "
                "scatters of two chunks do not add up", "T_k = Σ_i r_ik x_i x_iᵀ, about the "
                "origin, with nothing subtracted: the M-step subtracts N_k μ_k μ_kᵀ itself, "
                "once all chunks are in.", (None, None, about_mu)),
        Mistake("old_mean", "your T_k is taken about the mean of all the points, x̄ = "
                "X.mean(axis=0), not about the origin", "T_k = Σ_i r_ik x_i x_iᵀ: multiply the "
                "points themselves, with nothing subtracted (each chunk would have its own x̄).",
                (None, None, about_xbar)),
        Mistake("other", "your T_k weights each outer product by r_ik², not r_ik: you "
                "multiplied both factors by the responsibilities", "Weight only one factor: "
                "(resp[:, k, None] * X).T @ X, or both by √r_ik.",
                (None, None, squared_weights)),
        Mistake("diagonal_only", "your T_k has only its diagonal, Σ_i r_ik x_id²; the entries "
                "off the diagonal are 0", "T_k is a D×D matrix per component: the sum of the "
                "outer products x_i x_iᵀ (np.outer, or (resp[:, k, None] * X).T @ X).",
                (None, None, diagonal)),
        Mistake("other", "your T_k is the outer product of the sums, S_k S_kᵀ, not the sum of "
                "the outer products", "T_k = Σ_i r_ik x_i x_iᵀ: form x_i x_iᵀ for every point, "
                "then add them up.", (None, None, np.einsum("kd,ke->kde", S, S))),
        Mistake("mean_not_sum", "your counts are the weights N_k / N, not the sums N_k",
                f"N_k = Σ_i r_ik, not divided by N. {_ADD_UP}", (N_k / N, None, None)),
        Mistake("mean_not_sum", "your S_k are the means S_k / N_k, not the sums",
                f"S_k = Σ_i r_ik x_i, not divided by N_k. {_ADD_UP}", (None, mu, None)),
        Mistake("mean_not_sum", "your T_k are divided by N_k: averages, not sums",
                f"T_k = Σ_i r_ik x_i x_iᵀ, not divided by N_k. {_ADD_UP}",
                (None, None, T / N_k[:, None, None])),
        Mistake("mean_not_sum", "your S_k are divided by N", f"S_k = Σ_i r_ik x_i. {_ADD_UP}",
                (None, S / N, None)),
        Mistake("mean_not_sum", "your T_k are divided by N", f"T_k = Σ_i r_ik x_i x_iᵀ. "
                f"{_ADD_UP}", (None, None, T / N)),
        Mistake("shape", "your S_k is transposed: one row per coordinate, one column per "
                "component (X.T @ resp)", "Put the components first: resp.T @ X has shape "
                "(K, D), row k is S_k.", (None, S.T, None)),
        Mistake("shape", "your T_k has its axes in another order: the component is not the "
                "first axis", "T[k] must be component k's D×D matrix: "
                "np.einsum('ik,id,ie->kde', resp, X, X).", (None, None, np.moveaxis(T, 0, -1))),
    ]
    return found + _wrong_order((N_k, S, T), ("N_k", "S_k", "T_k"), "counts, sums, outer")


def _statistics_shape_problems(check, number, case, out, N, K, D):
    """Stop with a specific message for parts summed over the wrong axis."""
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        return
    arrays = [_as_numbers(v) for v in out]
    if any(isinstance(a, str) for a in arrays):
        return
    counts, sums, outer = arrays
    if counts.shape == (N,) and N != K:
        check.fail("shape", f"your N_k has shape ({N},), one number per point, "
                            f"{check.in_case(number, case)}: you summed over the components. "
                            "N_k sums over the points: resp.sum(axis=0), shape (K,).")
    if outer.shape == (D, D, K) and K != D:
        check.fail("shape", f"your T_k has shape {outer.shape} but should have shape "
                            f"({K}, {D}, {D}) {check.in_case(number, case)}: the component "
                            "must be the first axis, T[k] the D×D matrix of component k "
                            "(np.einsum('ik,id,ie->kde', resp, X, X)).")
    if outer.shape == (K, D) and sums.shape == (K, D):
        check.fail("shape", f"your T_k has shape ({K}, {D}), a vector per component, "
                            f"{check.in_case(number, case)}: T_k = Σ_i r_ik x_i x_iᵀ is a "
                            f"D×D matrix per component, shape ({K}, {D}, {D}). Use outer "
                            "products, not squares.")


@checker("sufficient_stats")
def check_sufficient_stats(func):
    """Check sufficient_stats(X, resp) -> (counts (K,), sums (K, D), outer (K, D, D)).

    The sums over the points that the M-step needs: N_k = Σ_i r_ik,
    S_k = Σ_i r_ik x_i and T_k = Σ_i r_ik x_i x_iᵀ (about the origin, nothing
    divided, so that chunks add up); in 1-D, 2-D and 3-D, soft and hard, and
    with K = D, where only the values show a transposed S_k.
    """
    check = Check("sufficient_stats", func, "sufficient_stats(X, resp)",
                  "N_k = Σ_i r_ik, S_k = Σ_i r_ik x_i, T_k = Σ_i r_ik x_i x_iᵀ")
    cases = [Case(text, (X, resp)) for text, X, resp in _data()]
    for number, case in enumerate(cases, 1):
        X, resp = case.args
        expected = _statistics(X, resp)
        out = check.run(number, case)
        _statistics_shape_problems(check, number, case, out, *resp.shape, X.shape[1])
        got = check.parts(number, case, out, _STAT_PARTS, [e.shape for e in expected],
                          unpack=_unpack_statistics)
        check.compare(number, case, got, expected, _STAT_PARTS,
                      lambda case, X=X, resp=resp: _statistics_mistakes(X, resp))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------
# The M-step from statistics


_PARAM_PARTS = (Part("the weights π_k", "π_k", ("component",)),
                Part("the means μ_k", "μ_k", ("component", "coordinate")),
                Part("the covariances Σ_k", "Σ_k", ("component", "row", "column")))


def _unpack_params(out):
    if all(hasattr(out, a) for a in ("weights", "means", "covariances")):
        return out.weights, out.means, out.covariances
    return None


class _MStepCheck(Check):
    """A Check whose report of a broadcasting error points to the outer product."""

    def _raise_message(self, number, case, e):
        message = super()._raise_message(number, case, e)
        if isinstance(e, ValueError) and "broadcast" in str(e):
            message += (" A broadcasting error here usually comes from μ_k μ_kᵀ: for the "
                        "(K, D) array of means, means @ means.T is the K×K matrix of the "
                        "products μ_j · μ_k, not K outer products. Use np.outer(mu, mu) for "
                        "one component, or means[:, :, None] * means[:, None, :] for all K "
                        "at once (shape (K, D, D)).")
        return message


@lru_cache(maxsize=None)
def _m_step_cases():
    cases = []
    for text, X, resp in _data():
        counts, sums, outer = _statistics(X, resp)
        cases.append((Case(text, (float(len(X)), counts, sums, outer)), X, resp))
    # averaged over the points, as stepwise EM keeps them: every sum divided by N, n = 1
    text, X, resp = _data()[0]
    counts, sums, outer = (s / len(X) for s in _statistics(X, resp))
    cases.append((Case("the statistics of case 1 averaged over the points (every sum "
                       "divided by N, so n = 1), as mini-batch EM keeps them",
                       (1.0, counts, sums, outer)),
                  X, resp))
    return tuple(cases)


def _m_step_mistakes(n, counts, sums, outer, expected):
    w, mu, cov = expected
    K, D = sums.shape
    N_k = counts[:, None, None]
    mu_over_n = sums / n
    inner = np.einsum("kd,kd->k", mu, mu)[:, None, None]
    found = [
        Mistake("not_normalised", "your weights are the counts N_k, not divided by N",
                "π_k = N_k / N (N is `n`), so that the weights sum to 1.", (counts, mu, cov)),
        Mistake("unweighted", "your weights are all 1/K: the counts N_k are ignored",
                "π_k = N_k / N.", (np.full(K, 1.0 / K), mu, cov)),
        Mistake("not_normalised", "your weights are N_k divided by their largest, not by N",
                "π_k = N_k / N, so that the weights sum to 1.", (counts / counts.max(), mu, cov)),
        Mistake("unweighted", "your means divide S_k by N instead of N_k",
                "μ_k = S_k / N_k: each component's weighted mean divides by its own total "
                "responsibility.", (w, mu_over_n, outer / n - np.einsum("kd,ke->kde",
                                                                         mu_over_n, mu_over_n))),
        Mistake("unweighted", "your means divide S_k by N instead of N_k",
                "μ_k = S_k / N_k: each component's weighted mean divides by its own total "
                "responsibility.", (w, mu_over_n, None)),
        Mistake("unweighted", "your covariances divide T_k by N instead of N_k",
                "Σ_k = T_k / N_k − μ_k μ_kᵀ.", (w, mu, outer / n - np.einsum("kd,ke->kde",
                                                                             mu, mu))),
        Mistake("old_mean", "your covariances are T_k / N_k, the second moments about the "
                "origin: − μ_k μ_kᵀ is missing", "Σ_k = T_k / N_k − μ_k μ_kᵀ: the second "
                "moment about the origin minus the outer product of the mean "
                "(np.outer(mu_k, mu_k)).", (w, mu, outer / N_k)),
        Mistake("other", "you subtracted the number μ_kᵀ μ_k from every entry of T_k / N_k "
                "(for 1-D arrays, mu @ mu and np.dot(mu, mu) are the inner product), not the "
                "matrix μ_k μ_kᵀ", "Use the outer product, a D×D matrix: np.outer(mu_k, mu_k), "
                "or mu[:, None] * mu[None, :].", (w, mu, outer / N_k - inner)),
        Mistake("other", "your covariances are (T_k − μ_k μ_kᵀ) / N_k: μ_k μ_kᵀ is divided "
                "by N_k too", "Σ_k = T_k / N_k − μ_k μ_kᵀ, or (T_k − N_k μ_k μ_kᵀ) / N_k.",
                (w, mu, (outer - np.einsum("kd,ke->kde", mu, mu)) / N_k)),
        Mistake("other", "your covariances subtract S_k S_kᵀ / N_k without dividing T_k − "
                "S_k S_kᵀ / N_k by N_k: that is the scatter N_k Σ_k", "Divide by N_k: "
                "Σ_k = (T_k − S_k S_kᵀ / N_k) / N_k = T_k / N_k − μ_k μ_kᵀ.",
                (w, mu, cov * N_k)),
        Mistake("diagonal_only", "your covariances have only their diagonal, the variances "
                "T_kdd / N_k − μ_kd²; the entries off the diagonal are 0", "Σ_k is a full D×D "
                "matrix: T_k / N_k − μ_k μ_kᵀ with the outer product np.outer(mu_k, mu_k), "
                "not the squares mu_k ** 2.",
                (w, mu, np.stack([np.diag(np.diag(c)) for c in cov]))),
        Mistake("unbiased", "your covariances divide the scatter T_k − N_k μ_k μ_kᵀ by "
                "N_k − 1 instead of N_k", "The M-step divides by N_k itself (no Bessel "
                "correction): Σ_k = T_k / N_k − μ_k μ_kᵀ.",
                (w, mu, cov * N_k / (N_k - 1))),
        Mistake("wrong_regularisation", "your covariances have reg_covar (1e-6) added to the "
                "diagonal", "Leave it out here: m_step_from_statistics adds reg_covar itself.",
                (w, mu, cov + 1e-6 * np.eye(D))),
    ]
    return found + _wrong_order(expected, ("weights", "means", "covariances"),
                                "weights, means, covariances")


@checker("m_step_from_stats")
def check_m_step_from_stats(func):
    """Check m_step_from_stats(n, counts, sums, outer) -> (weights, means, covariances).

    Shapes (K,), (K, D) and (K, D, D) from N, N_k, S_k and T_k:
    π_k = N_k / N, μ_k = S_k / N_k, Σ_k = T_k / N_k − μ_k μ_kᵀ (no reg_covar),
    the parameters gmmlib.m_step gives on the points themselves; in 1-D, 2-D
    and 3-D, soft and hard, and on statistics averaged over the points (n = 1).
    """
    check = _MStepCheck("m_step_from_stats", func, "m_step_from_stats(n, counts, sums, outer)",
                  "π_k = N_k / N, μ_k = S_k / N_k, Σ_k = T_k / N_k − μ_k μ_kᵀ")
    cases = _m_step_cases()
    for number, (case, X, resp) in enumerate(cases, 1):
        n, counts, sums, outer = case.args
        p = m_step(X, resp, reg_covar=0.0)
        expected = (p.weights, p.means, p.covariances)
        out = check.run(number, case)
        got = check.parts(number, case, out, _PARAM_PARTS, [e.shape for e in expected],
                          unpack=_unpack_params)
        check.compare(number, case, got, expected, _PARAM_PARTS,
                      lambda case, n=n, counts=counts, sums=sums, outer=outer, e=expected:
                      _m_step_mistakes(n, counts, sums, outer, e))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------
# One update of stepwise EM


@lru_cache(maxsize=None)
def _stepwise_cases():
    """(description, running, batch, batch_size, gamma): running statistics averaged over the points
    (N_k summing to 1) and a batch's sums."""
    data = _data()
    found = []
    for (text, (_, X, resp), (_, Xb, rb), size, gamma) in (
            ("2-D, three components, a batch of 6 points, γ = 0.3", data[0], data[3], 6, 0.3),
            (f"3-D colours, two components, a batch of 4 points, γ_10 = 12^−0.6 ≈ "
             f"{12.0 ** -0.6:.4f}",
             data[1], data[1], 4, 12.0 ** -0.6),
            ("2-D, two components, a batch of one point, γ = 0.8", data[2], data[2], 1, 0.8),
            ("1-D data as a column (N, 1), a batch of 5 points, a constant step γ = 0.05",
             data[4], data[4], 5, 0.05)):
        running = tuple(s / len(X) for s in _statistics(X, resp))
        rows = np.arange(len(Xb))[-size:]
        batch = _statistics(Xb[rows], rb[rows])
        found.append((text, running, batch, size, gamma))
    return tuple(found)


def _updated(running, batch, size, gamma):
    return tuple((1 - gamma) * r + gamma * b / size for r, b in zip(running, batch))


def _stepwise_mistakes(running, batch, size, gamma):
    per_point = tuple(b / size for b in batch)
    return [
        Mistake("not_normalised", "the batch's sums are not divided by the batch size |B|",
                "The running statistics are averages over the points: add "
                "γ · (batch sums) / |B|, i.e. gamma * b / batch_size.",
                _updated(running, batch, 1, gamma)),
        Mistake("other", "γ and 1 − γ are swapped: the old statistics get the weight γ and "
                "the batch 1 − γ", "s ← (1 − γ) s + γ · stats(batch) / |B|: γ is the weight "
                "of the new batch, small once many batches have been seen.",
                tuple(gamma * r + (1 - gamma) * b / size for r, b in zip(running, batch))),
        Mistake("not_normalised", "the old statistics are not multiplied by 1 − γ: the two "
                "weights, 1 − γ and γ, must add up to 1", "s ← (1 − γ) s + γ · stats(batch) "
                "/ |B|, a weighted average of the old statistics and the batch's.",
                tuple(r + gamma * b / size for r, b in zip(running, batch))),
        Mistake("not_normalised", "the old statistics are not multiplied by 1 − γ, and the "
                "batch's sums are not divided by |B|", "s ← (1 − γ) s + γ · stats(batch) / |B|.",
                tuple(r + gamma * b for r, b in zip(running, batch))),
        Mistake("unchanged", "your statistics are the old ones: the batch is not added",
                "s ← (1 − γ) s + γ · stats(batch) / |B|.", running),
        Mistake("other", "your statistics are the batch's alone (its averages): the old "
                "statistics are forgotten, as if γ were 1", "Keep (1 − γ) of the old "
                "statistics: s ← (1 − γ) s + γ · stats(batch) / |B|.", per_point),
        Mistake("other", "your statistics are the plain average of the old ones and the "
                "batch's, as if γ were ½", "Use the step size you are given: "
                "s ← (1 − γ) s + γ · stats(batch) / |B|.",
                tuple((r + b) / 2 for r, b in zip(running, per_point))),
        Mistake("other", "the whole update is divided by |B|, the old statistics too",
                "Only the batch's sums are divided by |B|: they are sums over |B| points, "
                "the old statistics are already averages.",
                tuple(((1 - gamma) * r + gamma * b) / size for r, b in zip(running, batch))),
    ] + _wrong_order(_updated(running, batch, size, gamma), ("N_k", "S_k", "T_k"),
                     "the updated counts, sums and outer sums")


_RUNNING = ("running", "batch")


def _copies(running, batch):
    return [tuple(np.array(a) for a in running), tuple(np.array(a) for a in batch)]


@checker("stepwise_update")
def check_stepwise_update(func):
    """Check stepwise_update(running, batch, batch_size, gamma) -> (counts, sums, outer).

    running : (N_k, S_k, T_k) averaged over the points, shapes (K,), (K, D), (K, D, D);
    batch : the same three sums over a batch of batch_size points. The update
    of stepwise EM, s ← (1 − γ) s + γ · stats(batch) / |B|, applied to each
    of the three; with γ far from ½, a batch of one point and a constant step.
    """
    check = Check("stepwise_update", func, "stepwise_update(running, batch, batch_size, gamma)",
                  "s ← (1 − γ) s + γ · stats(batch) / |B| for each of N_k, S_k, T_k")
    cases = []
    for text, running, batch, size, gamma in _stepwise_cases():
        cases.append(Case(text, (running, batch, size, gamma)))
    for number, case in enumerate(cases, 1):
        running, batch, size, gamma = case.args
        expected = _updated(running, batch, size, gamma)
        copies = _copies(running, batch) + [size, gamma]
        out = check.run(number, case, copies=copies)
        changed = [name for name, given, passed in zip(_RUNNING, (running, batch), copies)
                   if not _same_tuple(given, passed)]
        if changed:
            name = changed[0]
            check.changed_inputs(number, case, changed,
                                 f"Compute new arrays, e.g. (1 - gamma) * {name}[0] + ..., "
                                 f"instead of writing into the arrays of {name} (no "
                                 f"{name}[0] *= ... or {name}[0][...] = ...).")
        got = check.parts(number, case, out, _STAT_PARTS, [e.shape for e in expected],
                          unpack=_unpack_statistics)
        check.compare(number, case, got, expected, _STAT_PARTS,
                      lambda case, r=running, b=batch, s=size, g=gamma:
                      _stepwise_mistakes(r, b, s, g))
    return check.passed(len(cases))


def _same_tuple(given, passed):
    try:
        return (isinstance(passed, tuple) and len(passed) == len(given)
                and all(isinstance(p, np.ndarray) and p.shape == g.shape
                        and np.array_equal(p, g, equal_nan=True)
                        for g, p in zip(given, passed)))
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return False


# ---------------------------------------------------------------------------
# The batches of one epoch


_BATCH_CASES = ((12, 5, 1), (12, 4, 2), (10, 10, 3), (11, 1, 4), (1000, 64, 5))

_CUT = ("Draw one order per epoch, order = rng.permutation(n), and cut it into consecutive "
        "pieces: [order[i:i + batch_size] for i in range(0, n, batch_size)].")


def _batch_sizes(n, size):
    """The sizes of an epoch's batches: full ones, then the rest, if any."""
    return [size] * (n // size) + ([n % size] if n % size else [])


def _sizes_text(sizes):
    """[5, 5, 2] -> '5, 5, 2'; long lists shortened ('64, 64, ..., 64, 40 (16 batches)')."""
    if len(sizes) <= 6:
        return ", ".join(str(s) for s in sizes)
    return f"{sizes[0]}, {sizes[1]}, ..., {sizes[-2]}, {sizes[-1]} ({len(sizes)} batches)"


def _batch_case(n, size, seed):
    sizes = _batch_sizes(n, size)
    if len(sizes) == 1:
        shape = f"one batch of all {n}"
    elif sizes[-1] == size:
        shape = f"{len(sizes)} batches of {size}" if size > 1 else f"{n} batches of one point"
    else:
        shape = f"{len(sizes) - 1} of {size} and a last one of {sizes[-1]}"
    return Case(f"n = {n} points, batch_size = {size}: {shape}; rng = "
                f"np.random.default_rng({seed})", (n, size, seed))


def _kind(value):
    if isinstance(value, (np.ndarray, np.generic, int, float)) and ndim(value) == 0:
        return "a single number"
    return f"a {type(value).__name__}"


def _read_batches(check, number, case, out):
    """The learner's answer as a list of 1-D integer arrays, or stop with a verdict."""
    where = check.in_case(number, case)
    if isinstance(out, np.ndarray) and out.ndim == 1:
        check.fail("shape", f"your function returned one array of {out.size} numbers {where}: "
                            f"the whole order, not cut into batches. Return a list of batches "
                            f"(arrays of indices). {_CUT}")
    if isinstance(out, (str, bytes, dict, set, frozenset)) or ndim(out) == 0 and \
            not isinstance(out, collections.abc.Iterator) or \
            not isinstance(out, collections.abc.Iterable):
        check.fail("wrong_type", f"your function should return a list of batches, each an "
                                 f"array of indices, but it returned "
                                 f"{_kind(out)} {where}. {_CUT}")
    try:
        items = list(out)  # a generator runs the learner's code here
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - the learner's errors are reported, never raised
        check.fail("raises", check._raise_message(number, case, e))
    if any(_is_empty(b) for b in items):
        check.not_attempted(["some of the batches"])
    batches = []
    for j, item in enumerate(items, 1):
        if isinstance(item, (str, bytes, dict, set, frozenset)):
            arr = None
        else:
            try:
                arr = np.asarray(item)
            except BaseException as e:  # noqa: BLE001
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    raise
                arr = None
        if arr is None or arr.dtype.kind not in "iufb" or arr.ndim > 1:
            what = (f"a {arr.ndim}-D array of shape {arr.shape}" if arr is not None
                    and arr.ndim > 1 and arr.dtype.kind in "iufb" else f"a {type(item).__name__}")
            check.fail("wrong_type", f"batch {j} of your answer {where} is not a 1-D array of "
                                     f"indices (whole numbers): it is {what}. Each batch is a "
                                     f"1-D array of row numbers, so that X[batch] is its "
                                     f"points. {_CUT}")
        if arr.dtype.kind in "fb":
            check.fail("wrong_type", f"batch {j} of your answer {where} holds "
                                     f"{'booleans' if arr.dtype.kind == 'b' else 'floats'}, "
                                     f"not integers: X[batch] needs integer indices. Use the "
                                     f"integers of rng.permutation(n) as they are (or "
                                     f".astype(int)).")
        batches.append(arr.reshape(-1).astype(np.int64))
    return batches


def _judge_epoch(check, number, case, batches):
    """Stop unless one epoch's batches are a permutation of 0..n-1 cut as asked."""
    n, size, _ = case.args
    where = check.in_case(number, case)
    sizes = [b.size for b in batches]
    expected = _batch_sizes(n, size)
    order = np.concatenate(batches) if batches else np.zeros(0, dtype=np.int64)
    if order.size and order.min() >= 1 and order.max() == n and np.unique(order).size == n:
        check.fail("off_by_one", f"your indices run from 1 to {n} {where}: rows are numbered "
                                 f"from 0 in Python, and X[{n}] does not exist. Use "
                                 f"rng.permutation(n), which holds 0, ..., n − 1.")
    outside = order[(order < 0) | (order >= n)]
    if outside.size:
        check.fail("other", f"your batches hold the index {int(outside[0])} {where}, outside "
                            f"0, ..., n − 1 = {n - 1}. {_CUT}")
    values, counts = np.unique(order, return_counts=True)
    if np.any(counts > 1):
        point = int(values[np.argmax(counts > 1)])
        never = n - values.size
        within = [j for j, b in enumerate(batches, 1) if np.unique(b).size < b.size]
        seen = [j for j, b in enumerate(batches, 1) if point in b]
        twice = (f"point {point} comes twice in batch {within[0]}" if within else
                 f"point {point} comes in batches {seen[0]} and {seen[1]}")
        padded = (len(sizes) == len(expected) and sizes[:-1] == expected[:-1]
                  and sizes[-1] == size and n % size)
        if never == 0 and padded:
            say = (f"{twice} of the same epoch {where}: your last batch is filled up to "
                   f"batch_size with points the epoch has already visited (batch sizes "
                   f"{_sizes_text(sizes)}). Keep it short, {n % size} points")
        elif never == 0:
            say = (f"{twice} of the same epoch {where}: your batches have sizes "
                   f"{_sizes_text(sizes)}: {order.size} indices for {n} points, so some "
                   f"batches overlap. Batches of batch_size = {size} are "
                   f"{_sizes_text(expected)}: each slice ends where the next one starts, "
                   f"order[i:i + batch_size]")
        else:
            say = (f"{twice} of the same epoch {where}, and {never} of the {n} points never "
                   f"come: the points are drawn with replacement (rng.integers, or rng.choice "
                   f"with replace=True), or each batch afresh from all of them")
        check.fail("not_permutation", f"{say}. An epoch visits every point exactly once. {_CUT}")
    if order.size < n:
        missing = n - order.size
        if sizes == expected[:-1] and n % size:
            check.fail("shape", f"the last, shorter batch is missing {where}: your "
                                f"{len(sizes)} batch{'es' if len(sizes) > 1 else ''} of "
                                f"{size} visit {order.size} points, and the last {missing} of "
                                f"the order are never visited in this epoch (n // batch_size "
                                f"batches drops them). Keep the rest as a last batch of "
                                f"{missing}: range(0, n, batch_size) starts one there.")
        check.fail("shape", f"your batches visit {order.size} of the {n} points {where} "
                            f"(batch sizes {_sizes_text(sizes)}): an epoch visits every point "
                            f"once. {_CUT}")
    if len(batches) >= 2 and size >= 2 and _in_blocks(batches) and \
            not _same_batches(batches, _stored(n, size)):
        first = _contents(batches)[0]
        check.fail("other", f"every batch holds neighbouring rows {where} (batch 1 is rows "
                            f"{int(first[0])} to {int(first[-1])}): you shuffled the order of "
                            f"the batches, not the points, so the same points meet in a batch "
                            f"every epoch. Shuffle the points. {_CUT}")
    if sizes != expected and [s for s in sizes if s] == expected:
        empty = sizes.count(0)
        check.fail("shape", f"your answer {where} has {empty} empty "
                            f"batch{'es' if empty > 1 else ''} (batch sizes "
                            f"{_sizes_text(sizes)}): an empty batch gives nothing to an "
                            f"M-step (every N_k = 0). Start a batch only where points are "
                            f"left, as range(0, n, batch_size) does: {_sizes_text(expected)}. "
                            f"{_CUT}")
    if sizes != expected:
        note = (" The short batch comes last." if sorted(sizes) == sorted(expected) else "")
        check.fail("shape", f"your batches have sizes {_sizes_text(sizes)} {where}, but "
                            f"batches of batch_size = {size} points are asked, the last one "
                            f"shorter if {size} does not divide {n}: {_sizes_text(expected)}."
                            f"{note} (np.array_split(order, k) cuts into k batches, not into "
                            f"batches of k.) {_CUT}")


def _contents(batches):
    """What matters of an epoch: which points each batch holds, in the order of the
    batches (the order inside a batch does not change its statistics)."""
    return [np.sort(b) for b in batches]


def _stored(n, size):
    """The batches of the stored order: rows 0 .. size - 1, then the next size rows, ..."""
    return [np.arange(i, min(i + size, n)) for i in range(0, n, size)]


def _in_blocks(batches):
    """Every batch a run of neighbouring rows."""
    return all(np.array_equal(b, np.arange(b[0], b[0] + b.size)) for b in _contents(batches))


def _same_batches(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in
                                    zip(_contents(a), _contents(b)))


def _judge_order(check, number, case, epochs):
    """Stop unless the epochs' batches are random: not the stored order, and a fresh
    order each epoch."""
    n, size, _ = case.args
    where = check.in_case(number, case)
    if len(epochs[0]) < 2:  # one batch of all the points: nothing to shuffle
        return
    in_order = [_same_batches(e, _stored(n, size)) for e in epochs]
    if all(in_order):
        first = f"rows 0 to {size - 1}" if size > 1 else "row 0"
        check.fail("other", f"your batches take the points in their stored order, {first} "
                            f"first, {where}: the same batches every epoch, each of "
                            f"neighbouring rows (in a photograph, neighbouring pixels). Shuffle "
                            f"first. {_CUT}")
    if _same_batches(*epochs):
        check.fail("other", f"two epochs gave the same batches {where}: the second call, "
                            f"with the same rng, must draw a fresh order. Draw it from the "
                            f"rng you are given, rng.permutation(n), not from a generator "
                            f"made inside the function (np.random.default_rng(0) starts "
                            f"from the same state at every call).")


@checker("epoch_batches")
def check_epoch_batches(func):
    """Check epoch_batches(n, batch_size, rng) -> a list of arrays of row indices.

    One epoch of mini-batch EM: every index 0, ..., n − 1 exactly once, in a
    random order drawn from ``rng``, cut into batches of ``batch_size`` with a
    last, shorter batch when batch_size does not divide n. Each case calls the
    function twice with the same generator, as two epochs do (the orders must
    differ), and once more with a new generator of the same seed (the first
    epoch must come back: the order comes from rng and nothing else). Any way
    of shuffling passes: rng.permutation, rng.shuffle, rng.choice without
    replacement; batches may be arrays or lists, the answer a list or a generator.
    """
    check = Check("epoch_batches", func, "epoch_batches(n, batch_size, rng)",
                  "a permutation of 0, ..., n − 1 from rng, cut into pieces of batch_size")
    cases = [_batch_case(*args) for args in _BATCH_CASES]
    for number, case in enumerate(cases, 1):
        n, size, seed = case.args
        rng = np.random.default_rng(seed)
        epochs = []
        for _ in range(2):
            out = check.run(number, case, copies=[n, size, rng])
            batches = _read_batches(check, number, case, out)
            _judge_epoch(check, number, case, batches)
            epochs.append(batches)
        _judge_order(check, number, case, epochs)
        fresh = np.random.default_rng(seed)
        again = _read_batches(check, number, case, check.run(number, case, copies=[n, size, fresh]))
        if not _same_batches(again, epochs[0]):
            check.fail("other", f"your batches do not come from the rng you are given "
                                f"{check.in_case(number, case)}: "
                                f"a new generator with the same seed gave another first epoch. "
                                f"Draw the order with rng.permutation(n), not with "
                                f"np.random.permutation or a generator made without a seed, so "
                                f"that the same seed gives the same batches.")
    return check.passed(len(cases))
