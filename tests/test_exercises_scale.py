"""gmmlib.exercises.scale: the checkers of lessons 12 and 13 (sufficient_stats,
m_step_from_stats, stepwise_update, epoch_batches) pass correct code of any style, name
each classic mistake, and never raise whatever the learner's function does."""

import time
import warnings

import numpy as np
import pytest

import gmmlib
from test_exercises import _bad_answers  # tests/ is on sys.path
from gmmlib.exercises import (EXERCISES, MISTAKES, Feedback, check_epoch_batches,
                              check_m_step_from_stats, check_stepwise_update,
                              check_sufficient_stats)
from gmmlib.scale import SufficientStatistics, m_step_from_statistics, sufficient_statistics

CHECKERS = {"sufficient_stats": check_sufficient_stats,
            "m_step_from_stats": check_m_step_from_stats,
            "stepwise_update": check_stepwise_update,
            "epoch_batches": check_epoch_batches}
N_CASES = {"sufficient_stats": 5, "m_step_from_stats": 6, "stepwise_update": 4,
           "epoch_batches": 5}
CALLS_PER_CASE = {"epoch_batches": 3}  # two epochs, then the first again from the same seed


def check(name, func):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker silences numpy's warnings itself
        return CHECKERS[name](func)


# ===========================================================================
# Correct solutions: the lesson's, then other styles

# -- sufficient_stats --------------------------------------------------------------

def sufficient_stats(X, resp):
    counts = resp.sum(axis=0)
    sums = resp.T @ X
    outer = np.einsum("ik,id,ie->kde", resp, X, X)
    return counts, sums, outer


def sufficient_stats_loops(X, resp):
    N, K = resp.shape
    D = X.shape[1]
    counts, sums, outer = [0.0] * K, np.zeros((K, D)), np.zeros((K, D, D))
    for i in range(N):
        for k in range(K):
            counts[k] += resp[i, k]
            sums[k] += resp[i, k] * X[i]
            outer[k] += resp[i, k] * np.outer(X[i], X[i])
    return counts, sums.tolist(), outer   # lists are fine


def sufficient_stats_sqrt(X, resp):
    """Each point scaled by √r_ik, then one matrix product per component."""
    outer = []
    for k in range(resp.shape[1]):
        Y = X * np.sqrt(resp[:, k])[:, None]
        outer.append(Y.T @ Y)
    return np.sum(resp, axis=0), np.dot(resp.T, X), np.array(outer)


def sufficient_stats_gmmlib_style(X, resp):
    """Products of the responsibilities with the points, broadcast."""
    weighted = resp[:, :, None] * X[:, None, :]                 # (N, K, D)
    return (resp.sum(axis=0), weighted.sum(axis=0),
            (weighted[:, :, :, None] * X[:, None, None, :]).sum(axis=0))


# -- m_step_from_stats -----------------------------------------------------------

def m_step_from_stats(n, counts, sums, outer):
    weights = counts / n
    means = sums / counts[:, None]
    covariances = outer / counts[:, None, None] - np.einsum("kd,ke->kde", means, means)
    return weights, means, covariances


def m_step_from_stats_loops(n, counts, sums, outer):
    weights, means, covariances = [], [], []
    for N_k, S_k, T_k in zip(counts, sums, outer):
        mu = S_k / N_k
        weights.append(N_k / n)
        means.append(mu)
        covariances.append(T_k / N_k - np.outer(mu, mu))
    return weights, means, covariances


def m_step_from_stats_scatter(n, counts, sums, outer):
    """The scatter T_k − S_k S_kᵀ / N_k first, then one division."""
    scatter = outer - sums[:, :, None] * sums[:, None, :] / counts[:, None, None]
    return (counts / counts.sum(), sums / counts[:, None],
            scatter / counts[:, None, None])


def m_step_from_stats_gmmlib(n, counts, sums, outer):
    """gmmlib's own M-step from statistics (with the shift at the origin, no reg_covar)."""
    K, D = np.shape(sums)
    stats = SufficientStatistics(n, counts, sums, outer, 0.0, np.zeros(D), np.full(D, 10.0))
    return m_step_from_statistics(stats, reg_covar=0.0)       # a GMMParams is fine


# -- stepwise_update -------------------------------------------------------------

def stepwise_update(running, batch, batch_size, gamma):
    return tuple((1 - gamma) * s + gamma * b / batch_size for s, b in zip(running, batch))


def stepwise_update_unpacked(running, batch, batch_size, gamma):
    counts, sums, outer = running
    b_counts, b_sums, b_outer = batch
    return [counts + gamma * (b_counts / batch_size - counts),    # the same, moved by γ
            sums + gamma * (b_sums / batch_size - sums),
            outer + gamma * (b_outer / batch_size - outer)]


def stepwise_update_gmmlib(running, batch, batch_size, gamma):
    """With gmmlib's SufficientStatistics: scale and add."""
    D = np.shape(running[1])[1]
    s = SufficientStatistics(1.0, *running, 0.0, np.zeros(D), np.zeros(D))
    b = SufficientStatistics(batch_size, *batch, 0.0, np.zeros(D), np.zeros(D))
    new = s.scale(1 - gamma) + b.scale(gamma / batch_size)
    return new.counts, new.sums, new.outer


# -- epoch_batches ---------------------------------------------------------------

def epoch_batches(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def epoch_batches_array_split(n, batch_size, rng):
    return np.array_split(rng.permutation(n), range(batch_size, n, batch_size))


def epoch_batches_choice_lists(n, batch_size, rng):
    """rng.choice without replacement, batches as Python lists."""
    order = rng.choice(n, size=n, replace=False)
    return [order[i:i + batch_size].tolist() for i in range(0, n, batch_size)]


def epoch_batches_generator(n, batch_size, rng):
    """rng.shuffle in place, batches yielded one by one, each sorted (harmless: a
    batch's statistics do not depend on the order of its points)."""
    rows = np.arange(n)
    rng.shuffle(rows)
    for start in range(0, n, batch_size):
        yield np.sort(rows[start:start + batch_size])


CORRECT = {
    "sufficient_stats": [sufficient_stats, sufficient_stats_loops, sufficient_stats_sqrt,
                         sufficient_stats_gmmlib_style],
    "m_step_from_stats": [m_step_from_stats, m_step_from_stats_loops,
                          m_step_from_stats_scatter, m_step_from_stats_gmmlib],
    "stepwise_update": [stepwise_update, stepwise_update_unpacked, stepwise_update_gmmlib],
    "epoch_batches": [epoch_batches, epoch_batches_array_split, epoch_batches_choice_lists,
                      epoch_batches_generator],
}
REFERENCE = {name: funcs[0] for name, funcs in CORRECT.items()}


def test_the_checkers_are_exercises():
    for name, checker in CHECKERS.items():
        assert EXERCISES[name] is checker
        assert checker.__name__ == f"check_{name}" and checker.exercise == name
        assert checker.__doc__ and name in checker.__doc__
        assert getattr(gmmlib.exercises, f"check_{name}") is checker


@pytest.mark.parametrize("name,func", [(n, f) for n, fs in CORRECT.items() for f in fs],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_correct_solutions_pass(name, func):
    feedback = check(name, func)
    assert feedback.passed, feedback
    assert feedback.mistake is None and feedback.exercise == name
    assert str(feedback) == f"✔ {name}: correct on all {N_CASES[name]} cases."


def test_the_statistics_are_gmmlib_s():
    """The checker's statistics are gmmlib.scale's about the origin, and its M-step from
    them is gmmlib.m_step's on the points."""
    from gmmlib.exercises.scale import _data, _m_step_cases, _statistics

    rng = np.random.default_rng(0)
    X = rng.normal([0.5, 0.4, 0.3], 0.1, (50, 3))
    params = gmmlib.fit(X, 2, max_iter=0, seed=0).params
    ours = _statistics(X, gmmlib.e_step(X, params))
    theirs = sufficient_statistics(X, params, shift=np.zeros(3))
    for a, b in zip(ours, (theirs.counts, theirs.sums, theirs.outer)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    for case, X, resp in _m_step_cases():
        p = gmmlib.m_step(X, resp, reg_covar=0.0)
        got = m_step_from_stats(*case.args)
        for a, b in zip(got, (p.weights, p.means, p.covariances)):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert len(_data()) == N_CASES["sufficient_stats"]


def test_summing_chunks_gives_the_statistics_of_all():
    """What the lesson asserts: the statistics of two chunks add up to those of all."""
    from gmmlib.exercises.scale import _data

    _, X, resp = _data()[0]
    parts = [sufficient_stats(X[:5], resp[:5]), sufficient_stats(X[5:], resp[5:])]
    for whole, a, b in zip(sufficient_stats(X, resp), *parts):
        np.testing.assert_allclose(a + b, whole, rtol=1e-12)


# ===========================================================================
# Wrong solutions: one per classic mistake, written as a learner would

# -- sufficient_stats --------------------------------------------------------------

def ss_unweighted(X, resp):
    K = resp.shape[1]
    return (np.full(K, float(len(X))), np.repeat(X.sum(axis=0)[None], K, axis=0),
            np.repeat((X.T @ X)[None], K, axis=0))


def ss_sums_unweighted(X, resp):
    counts, _, outer = sufficient_stats(X, resp)
    return counts, np.repeat(X.sum(axis=0)[None], resp.shape[1], axis=0), outer


def ss_outer_unweighted(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    return counts, sums, np.repeat((X.T @ X)[None], resp.shape[1], axis=0)


def ss_about_mu(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    mu = sums / counts[:, None]
    outer = np.stack([(resp[:, k, None] * (X - mu[k])).T @ (X - mu[k])
                      for k in range(resp.shape[1])])
    return counts, sums, outer


def ss_about_xbar(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    d = X - X.mean(axis=0)
    return counts, sums, np.einsum("ik,id,ie->kde", resp, d, d)


def ss_squared_weights(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    outer = []
    for k in range(resp.shape[1]):
        Y = resp[:, k, None] * X          # both factors weighted: r_ik² x_i x_iᵀ
        outer.append(Y.T @ Y)
    return counts, sums, np.array(outer)


def ss_diagonal(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    return counts, sums, np.stack([np.diag(resp[:, k] @ X ** 2) for k in range(resp.shape[1])])


def ss_outer_of_sums(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    return counts, sums, np.einsum("kd,ke->kde", sums, sums)


def ss_weights(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return counts / len(X), sums, outer


def ss_means(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return counts, sums / counts[:, None], outer


def ss_outer_averaged(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return counts, sums, outer / counts[:, None, None]


def ss_sums_over_n(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return counts, sums / len(X), outer


def ss_outer_over_n(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return counts, sums, outer / len(X)


def ss_sums_transposed(X, resp):
    counts, _, outer = sufficient_stats(X, resp)
    return counts, X.T @ resp, outer


def ss_counts_wrong_axis(X, resp):
    _, sums, outer = sufficient_stats(X, resp)
    return resp.sum(axis=1), sums, outer


def ss_outer_component_last(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    return counts, sums, np.einsum("ik,id,ie->dek", resp, X, X)


def ss_outer_squares(X, resp):
    counts, sums, _ = sufficient_stats(X, resp)
    return counts, sums, resp.T @ X ** 2


def ss_order(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return sums, counts, outer


def ss_in_place(X, resp):
    answer = sufficient_stats(X.copy(), resp.copy())
    X -= X.mean(axis=0)                     # "centre" the data in place
    return answer


def ss_other(X, resp):
    counts, sums, outer = sufficient_stats(X, resp)
    return counts, sums, outer + 1.0


# -- m_step_from_stats -----------------------------------------------------------

def ms_counts(n, counts, sums, outer):
    _, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return counts, means, covariances


def ms_uniform(n, counts, sums, outer):
    _, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return np.full(len(counts), 1 / len(counts)), means, covariances


def ms_by_largest(n, counts, sums, outer):
    _, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return counts / counts.max(), means, covariances


def ms_over_n(n, counts, sums, outer):
    means = sums / n
    return counts / n, means, outer / n - np.einsum("kd,ke->kde", means, means)


def ms_means_over_n(n, counts, sums, outer):
    weights, _, covariances = m_step_from_stats(n, counts, sums, outer)
    return weights, sums / n, covariances


def ms_cov_over_n(n, counts, sums, outer):
    weights, means, _ = m_step_from_stats(n, counts, sums, outer)
    return weights, means, outer / n - np.einsum("kd,ke->kde", means, means)


def ms_diagonal(n, counts, sums, outer):
    weights, means = counts / n, sums / counts[:, None]
    variances = np.diagonal(outer, axis1=1, axis2=2) / counts[:, None] - means ** 2
    return weights, means, np.stack([np.diag(v) for v in variances])


def ms_no_mu_mu(n, counts, sums, outer):
    weights, means, _ = m_step_from_stats(n, counts, sums, outer)
    return weights, means, outer / counts[:, None, None]


def ms_inner_product(n, counts, sums, outer):
    weights, means, _ = m_step_from_stats(n, counts, sums, outer)
    return weights, means, [outer[k] / counts[k] - means[k] @ means[k]
                            for k in range(len(counts))]


def ms_mu_mu_divided(n, counts, sums, outer):
    weights, means, _ = m_step_from_stats(n, counts, sums, outer)
    return weights, means, (outer - np.einsum("kd,ke->kde", means, means)) \
        / counts[:, None, None]


def ms_scatter(n, counts, sums, outer):
    weights, means, _ = m_step_from_stats(n, counts, sums, outer)
    return weights, means, outer - sums[:, :, None] * sums[:, None, :] / counts[:, None, None]


def ms_unbiased(n, counts, sums, outer):
    weights, means, _ = m_step_from_stats(n, counts, sums, outer)
    scatter = outer - counts[:, None, None] * np.einsum("kd,ke->kde", means, means)
    return weights, means, scatter / (counts[:, None, None] - 1)


def ms_reg_covar(n, counts, sums, outer):
    weights, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return weights, means, covariances + 1e-6 * np.eye(sums.shape[1])


def ms_order(n, counts, sums, outer):
    weights, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return means, weights, covariances


def ms_means_transposed(n, counts, sums, outer):
    weights, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return weights, means.T, covariances


def ms_in_place(n, counts, sums, outer):
    answer = m_step_from_stats(n, counts.copy(), sums.copy(), outer.copy())
    counts /= n
    return answer


def ms_other(n, counts, sums, outer):
    weights, means, covariances = m_step_from_stats(n, counts, sums, outer)
    return weights, means + 0.5, covariances


# -- stepwise_update -------------------------------------------------------------

def su_not_divided(running, batch, batch_size, gamma):
    return tuple((1 - gamma) * s + gamma * b for s, b in zip(running, batch))


def su_swapped(running, batch, batch_size, gamma):
    return tuple(gamma * s + (1 - gamma) * b / batch_size for s, b in zip(running, batch))


def su_no_decay(running, batch, batch_size, gamma):
    return tuple(s + gamma * b / batch_size for s, b in zip(running, batch))


def su_no_decay_not_divided(running, batch, batch_size, gamma):
    return tuple(s + gamma * b for s, b in zip(running, batch))


def su_unchanged(running, batch, batch_size, gamma):
    return running


def su_batch_only(running, batch, batch_size, gamma):
    return tuple(b / batch_size for b in batch)


def su_half(running, batch, batch_size, gamma):
    return tuple((s + b / batch_size) / 2 for s, b in zip(running, batch))


def su_all_divided(running, batch, batch_size, gamma):
    return tuple(((1 - gamma) * s + gamma * b) / batch_size for s, b in zip(running, batch))


def su_order(running, batch, batch_size, gamma):
    counts, sums, outer = stepwise_update(running, batch, batch_size, gamma)
    return sums, outer, counts


def su_in_place(running, batch, batch_size, gamma):
    for s, b in zip(running, batch):
        s *= 1 - gamma
        s += gamma * b / batch_size
    return running


def su_two_parts(running, batch, batch_size, gamma):
    counts, sums, _ = stepwise_update(running, batch, batch_size, gamma)
    return counts, sums


def su_other(running, batch, batch_size, gamma):
    return tuple((1 - gamma) * s + gamma * b / batch_size + 0.01 for s, b in zip(running, batch))


# -- epoch_batches ---------------------------------------------------------------

def _cut(order, batch_size):
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def eb_drops_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[b * batch_size:(b + 1) * batch_size] for b in range(n // batch_size)]


def eb_stored_order(n, batch_size, rng):
    return _cut(np.arange(n), batch_size)


def eb_same_every_epoch(n, batch_size, rng):
    return _cut(np.random.default_rng(0).permutation(n), batch_size)


def eb_global_random(n, batch_size, rng):
    return _cut(np.random.permutation(n), batch_size)


def eb_with_replacement(n, batch_size, rng):
    return _cut(rng.integers(0, n, size=n), batch_size)


def eb_afresh_each_batch(n, batch_size, rng):
    sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    return [rng.choice(n, size=size, replace=False) for size in sizes]


def eb_padded(n, batch_size, rng):
    order = rng.permutation(n)
    return _cut(np.concatenate([order, order[:-n % batch_size]]), batch_size)


def eb_from_one(n, batch_size, rng):
    return _cut(rng.permutation(n) + 1, batch_size)


def eb_split_count(n, batch_size, rng):
    return np.array_split(rng.permutation(n), batch_size)


def eb_whole_order(n, batch_size, rng):
    return rng.permutation(n)


def eb_blocks(n, batch_size, rng):
    blocks = _cut(np.arange(n), batch_size)
    return [blocks[j] for j in rng.permutation(len(blocks))]


def eb_floats(n, batch_size, rng):
    return _cut(rng.permutation(n) / 1.0, batch_size)


def eb_short_first(n, batch_size, rng):
    batches = epoch_batches(n, batch_size, rng)
    return batches[-1:] + batches[:-1]


def eb_mask(n, batch_size, rng):
    order = rng.permutation(n)
    return [np.isin(np.arange(n), batch) for batch in _cut(order, batch_size)]


def eb_overlapping(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size + 1] for i in range(0, n, batch_size)]


def eb_trailing_empty(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[b * batch_size:(b + 1) * batch_size] for b in range(n // batch_size + 1)]


def ms_inner_products(n, counts, sums, outer):
    means = sums / counts[:, None]
    return counts / n, means, outer / counts[:, None, None] - means @ means.T


WRONG = [
    ("sufficient_stats", ss_unweighted, "unweighted"),
    ("sufficient_stats", ss_sums_unweighted, "unweighted"),
    ("sufficient_stats", ss_outer_unweighted, "unweighted"),
    ("sufficient_stats", ss_about_mu, "old_mean"),
    ("sufficient_stats", ss_about_xbar, "old_mean"),
    ("sufficient_stats", ss_squared_weights, "other"),
    ("sufficient_stats", ss_diagonal, "diagonal_only"),
    ("sufficient_stats", ss_outer_of_sums, "other"),
    ("sufficient_stats", ss_weights, "mean_not_sum"),
    ("sufficient_stats", ss_means, "mean_not_sum"),
    ("sufficient_stats", ss_outer_averaged, "mean_not_sum"),
    ("sufficient_stats", ss_sums_over_n, "mean_not_sum"),
    ("sufficient_stats", ss_outer_over_n, "mean_not_sum"),
    ("sufficient_stats", ss_sums_transposed, "shape"),
    ("sufficient_stats", ss_counts_wrong_axis, "shape"),
    ("sufficient_stats", ss_outer_component_last, "shape"),
    ("sufficient_stats", ss_outer_squares, "shape"),
    ("sufficient_stats", ss_order, "wrong_order"),
    ("sufficient_stats", ss_in_place, "input_modified"),
    ("sufficient_stats", ss_other, "other"),
    ("m_step_from_stats", ms_counts, "not_normalised"),
    ("m_step_from_stats", ms_uniform, "unweighted"),
    ("m_step_from_stats", ms_by_largest, "not_normalised"),
    ("m_step_from_stats", ms_over_n, "unweighted"),
    ("m_step_from_stats", ms_means_over_n, "unweighted"),
    ("m_step_from_stats", ms_cov_over_n, "unweighted"),
    ("m_step_from_stats", ms_no_mu_mu, "old_mean"),
    ("m_step_from_stats", ms_inner_product, "other"),
    ("m_step_from_stats", ms_mu_mu_divided, "other"),
    ("m_step_from_stats", ms_scatter, "other"),
    ("m_step_from_stats", ms_diagonal, "diagonal_only"),
    ("m_step_from_stats", ms_unbiased, "unbiased"),
    ("m_step_from_stats", ms_reg_covar, "wrong_regularisation"),
    ("m_step_from_stats", ms_order, "wrong_order"),
    ("m_step_from_stats", ms_means_transposed, "shape"),
    ("m_step_from_stats", ms_in_place, "input_modified"),
    ("m_step_from_stats", ms_other, "other"),
    ("stepwise_update", su_not_divided, "not_normalised"),
    ("stepwise_update", su_swapped, "other"),
    ("stepwise_update", su_no_decay, "not_normalised"),
    ("stepwise_update", su_no_decay_not_divided, "not_normalised"),
    ("stepwise_update", su_unchanged, "unchanged"),
    ("stepwise_update", su_batch_only, "other"),
    ("stepwise_update", su_half, "other"),
    ("stepwise_update", su_all_divided, "other"),
    ("stepwise_update", su_order, "wrong_order"),
    ("stepwise_update", su_in_place, "input_modified"),
    ("stepwise_update", su_two_parts, "shape"),
    ("stepwise_update", su_other, "other"),
    ("epoch_batches", eb_drops_last, "shape"),
    ("epoch_batches", eb_stored_order, "other"),
    ("epoch_batches", eb_same_every_epoch, "other"),
    ("epoch_batches", eb_global_random, "other"),
    ("epoch_batches", eb_with_replacement, "not_permutation"),
    ("epoch_batches", eb_afresh_each_batch, "not_permutation"),
    ("epoch_batches", eb_padded, "not_permutation"),
    ("epoch_batches", eb_from_one, "off_by_one"),
    ("epoch_batches", eb_split_count, "shape"),
    ("epoch_batches", eb_whole_order, "shape"),
    ("epoch_batches", eb_blocks, "other"),
    ("epoch_batches", eb_floats, "wrong_type"),
    ("epoch_batches", eb_short_first, "shape"),
    ("epoch_batches", eb_mask, "wrong_type"),
    ("epoch_batches", eb_overlapping, "not_permutation"),
    ("epoch_batches", eb_trailing_empty, "shape"),
    ("m_step_from_stats", ms_inner_products, "raises"),
]


@pytest.mark.parametrize("name,func,code", WRONG,
                         ids=[f"{n}-{f.__name__}-{c}" for n, f, c in WRONG])
def test_each_mistake_is_named(name, func, code):
    feedback = check(name, func)
    assert not feedback.passed
    assert feedback.mistake == code, feedback
    assert feedback.mistake in MISTAKES and feedback.exercise == name
    assert "could not judge" not in feedback.message
    assert feedback.message[-1] == "."


# What each message says, where a code alone does not tell the diagnosis apart.
MESSAGES = [
    ("sufficient_stats", ss_unweighted, "your counts are all N"),
    ("sufficient_stats", ss_sums_unweighted, "every S_k is the plain sum of all the points"),
    ("sufficient_stats", ss_outer_unweighted, "every T_k is the plain Σ_i x_i x_iᵀ"),
    ("sufficient_stats", ss_about_mu, "scatters of two chunks do not add up"),
    ("sufficient_stats", ss_about_xbar, "x̄ = X.mean(axis=0)"),
    ("sufficient_stats", ss_squared_weights, "r_ik², not r_ik"),
    ("sufficient_stats", ss_outer_of_sums, "the outer product of the sums"),
    ("sufficient_stats", ss_weights, "the weights N_k / N"),
    ("sufficient_stats", ss_means, "the means S_k / N_k"),
    ("sufficient_stats", ss_outer_averaged, "averages, not sums"),
    ("sufficient_stats", ss_sums_transposed, "transposed"),
    ("sufficient_stats", ss_counts_wrong_axis, "you summed over the components"),
    ("sufficient_stats", ss_outer_component_last, "the component must be the first axis"),
    ("sufficient_stats", ss_outer_squares, "Use outer products, not squares"),
    ("sufficient_stats", ss_in_place, "`X`"),
    ("m_step_from_stats", ms_counts, "your weights are the counts N_k"),
    ("m_step_from_stats", ms_uniform, "all 1/K"),
    ("m_step_from_stats", ms_by_largest, "divided by their largest"),
    ("m_step_from_stats", ms_over_n, "your means divide S_k by N instead of N_k"),
    ("m_step_from_stats", ms_cov_over_n, "your covariances divide T_k by N instead of N_k"),
    ("m_step_from_stats", ms_no_mu_mu, "− μ_k μ_kᵀ is missing"),
    ("m_step_from_stats", ms_inner_product, "the number μ_kᵀ μ_k"),
    ("m_step_from_stats", ms_mu_mu_divided, "μ_k μ_kᵀ is divided by N_k too"),
    ("m_step_from_stats", ms_scatter, "the scatter N_k Σ_k"),
    ("m_step_from_stats", ms_diagonal, "the entries off the diagonal are 0"),
    ("m_step_from_stats", ms_unbiased, "N_k − 1"),
    ("m_step_from_stats", ms_means_transposed, "transposed"),
    ("m_step_from_stats", ms_in_place, "`counts`"),
    ("stepwise_update", su_not_divided, "not divided by the batch size"),
    ("stepwise_update", su_swapped, "γ and 1 − γ are swapped"),
    ("stepwise_update", su_no_decay, "must add up to 1"),
    ("stepwise_update", su_no_decay_not_divided, "and the batch's sums are not divided"),
    ("stepwise_update", su_batch_only, "the old statistics are forgotten"),
    ("stepwise_update", su_half, "as if γ were ½"),
    ("stepwise_update", su_all_divided, "the old statistics too"),
    ("stepwise_update", su_in_place, "`running`"),
    ("stepwise_update", su_two_parts, "should return 3 values"),
    ("epoch_batches", eb_drops_last, "the last, shorter batch is missing"),
    ("epoch_batches", eb_stored_order, "stored order"),
    ("epoch_batches", eb_same_every_epoch, "two epochs gave the same batches"),
    ("epoch_batches", eb_global_random, "do not come from the rng you are given"),
    ("epoch_batches", eb_with_replacement, "drawn with replacement"),
    ("epoch_batches", eb_afresh_each_batch, "or each batch afresh from all of them"),
    ("epoch_batches", eb_padded, "filled up to batch_size"),
    ("epoch_batches", eb_from_one, "numbered from 0"),
    ("epoch_batches", eb_split_count, "cuts into k batches, not into batches of k"),
    ("epoch_batches", eb_whole_order, "not cut into batches"),
    ("epoch_batches", eb_blocks, "you shuffled the order of the batches, not the points"),
    ("epoch_batches", eb_floats, "holds floats, not integers"),
    ("epoch_batches", eb_short_first, "The short batch comes last."),
    ("epoch_batches", eb_mask, "holds booleans"),
    ("epoch_batches", eb_overlapping, "some batches overlap"),
    ("epoch_batches", eb_trailing_empty, "1 empty batch"),
    ("m_step_from_stats", ms_inner_products, "np.outer(mu, mu)"),
]


@pytest.mark.parametrize("name,func,text", MESSAGES,
                         ids=[f"{n}-{f.__name__}" for n, f, _ in MESSAGES])
def test_messages_say_what_was_done(name, func, text):
    feedback = check(name, func)
    assert not feedback.passed
    assert text in feedback.message, feedback


def test_messages_say_where():
    message = check("sufficient_stats", ss_about_mu).message
    assert "in case 1 (2-D, 12 points, three components, soft responsibilities), " in message
    assert "T_k of component " in message and "expected " in message and ", got " in message
    message = check("m_step_from_stats", ms_no_mu_mu).message
    assert "Σ_k of component " in message and "row " in message and "column " in message
    message = check("stepwise_update", su_swapped).message
    assert "in case 1 (2-D, three components, a batch of 6 points, γ = 0.3)" in message


def test_a_transposed_s_k_is_caught_by_its_values_where_k_equals_d():
    """With K = D = 2 (case 3) X.T @ resp has the shape of S_k: only its values show it."""
    def transposed_where_square(X, resp):
        counts, sums, outer = sufficient_stats(X, resp)
        return counts, (X.T @ resp if resp.shape[1] == X.shape[1] else sums), outer

    feedback = check("sufficient_stats", transposed_where_square)
    assert feedback.mistake == "shape" and "in case 3 (" in feedback.message, feedback
    assert "one row per coordinate" in feedback.message


def test_squared_weights_pass_only_hard_assignments():
    """r_ik² = r_ik when every r_ik is 0 or 1: the soft cases catch the mistake."""
    from gmmlib.exercises.scale import _data

    _, X, hard = _data()[3]
    assert set(np.unique(hard)) == {0.0, 1.0}
    for a, b in zip(ss_squared_weights(X, hard), sufficient_stats(X, hard)):
        np.testing.assert_allclose(a, b)
    assert "in case 1 (" in check("sufficient_stats", ss_squared_weights).message


def test_the_stepwise_cases_tell_gamma_from_one_minus_gamma():
    from gmmlib.exercises.scale import _stepwise_cases

    for text, running, batch, size, gamma in _stepwise_cases():
        assert 0 < gamma < 1 and abs(gamma - 0.5) > 0.1
        assert np.isclose(np.sum(running[0]), 1.0)             # averaged over the points: N_k sum to 1
        assert np.isclose(np.sum(batch[0]), size)               # sums over the batch
        assert f"{size} point" in text or (size == 1 and "one point" in text)


# ===========================================================================
# What every checker does whatever the function does

def skeleton_ellipsis(*args):
    ...


def skeleton_pass(*args):
    pass


def skeleton_tuple(*args):
    return ..., ..., ...


def skeleton_not_implemented(*args):
    raise NotImplementedError


@pytest.mark.parametrize("name", sorted(CHECKERS))
@pytest.mark.parametrize("skeleton", [skeleton_ellipsis, skeleton_pass, skeleton_tuple,
                                      skeleton_not_implemented], ids=lambda f: f.__name__)
def test_skeletons_and_none_are_not_attempted(name, skeleton):
    feedback = check(name, skeleton)
    assert feedback.mistake == "not_attempted"
    assert str(feedback) == f"✘ {name} — not_attempted: {feedback.message}"
    assert CHECKERS[name](None).mistake == "not_attempted"


def test_a_partly_filled_answer_is_not_finished():
    def partial(X, resp):
        return resp.sum(axis=0), ..., ...

    feedback = check("sufficient_stats", partial)
    assert feedback.mistake == "not_attempted" and feedback.message.startswith("Not finished")
    assert "the sums S_k and the outer sums T_k" in feedback.message


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_a_raising_function_gets_raises(name):
    def broken(*args):
        raise ValueError("operands could not be broadcast together")

    feedback = check(name, broken)
    assert feedback.mistake == "raises"
    assert "ValueError: operands could not be broadcast together" in feedback.message
    assert "in case 1" in feedback.message and "line" in feedback.message
    assert f"{name}(" in feedback.message


# The checkers whose cases hold arrays a function could write into (epoch_batches is
# given two integers and a generator, which it is meant to advance).
IN_PLACE = {"sufficient_stats": ss_in_place, "m_step_from_stats": ms_in_place,
            "stepwise_update": su_in_place}


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_the_cases_are_left_as_they_were(name):
    """A function that writes into its inputs is caught, and the next check still
    sees the original cases."""
    assert check(name, IN_PLACE[name]).mistake == "input_modified"
    assert check(name, REFERENCE[name]).passed


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_what_is_not_a_function_is_wrong_type(name):
    for thing in (np.zeros(3), 1.5, name):
        feedback = CHECKERS[name](thing)
        assert feedback.mistake == "wrong_type"
        assert f"check_{name}({name})" in feedback.message


def _junk(reference):
    """The junk answers of test_exercises.py, and some that suit these checkers."""
    answers = _bad_answers(reference)
    answers["random"] = lambda *a: tuple(np.random.default_rng().normal(size=np.shape(v))
                                         for v in reference(*a))
    answers["a_list_of_arrays"] = lambda *a: [np.zeros(2), np.zeros((2, 2)), np.zeros(1)]
    answers["nan_triple"] = lambda *a: (np.nan, np.nan, np.nan)
    answers["statistics_object"] = lambda *a: SufficientStatistics(
        1.0, np.ones(2), np.ones((2, 3)), np.ones((2, 3, 3)), 0.0, np.zeros(3), np.zeros(3))
    answers["params_object"] = lambda *a: gmmlib.GMMParams([0.5, 0.5], [[0.0], [1.0]],
                                                           [[[1.0]], [[1.0]]])
    answers["tuple_of_tuples"] = lambda *a: ((1.0,), (2.0,), (3.0,))
    answers["zero_division"] = lambda *a: tuple(np.asarray(v) / 0.0 for v in reference(*a))
    return answers


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_no_checker_raises(name):
    for label, bad in _junk(REFERENCE[name]).items():
        feedback = check(name, bad)
        assert isinstance(feedback, Feedback), label
        assert not feedback.passed, (label, feedback)
        assert feedback.mistake in MISTAKES, (label, feedback)
        assert "could not judge" not in feedback.message, (label, feedback)
        assert str(feedback) and feedback._repr_html_()


def _scrambled(value):
    if isinstance(value, (tuple, list)):
        return tuple(_scrambled(v) for v in value)
    if hasattr(value, "weights"):
        return _scrambled((value.weights, value.means, value.covariances))
    return 1.37 * np.asarray(value, dtype=float) + 0.1


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_diagnosis_runs_on_every_case(name):
    """Wrong only from the n-th case on: each case's mistakes are computed and compared."""
    reference = REFERENCE[name]
    n_cases, per_case = N_CASES[name], CALLS_PER_CASE.get(name, 1)
    for n in range(1, n_cases + 2):
        calls = []

        def wrong_from_n(*args, n=n, calls=calls):
            calls.append(1)
            answer = reference(*args)
            case = (len(calls) - 1) // per_case + 1
            return answer if case < n else _scrambled(answer)

        feedback = check(name, wrong_from_n)
        if n == n_cases + 1:
            assert feedback.passed
            break
        assert feedback.mistake in MISTAKES and "could not judge" not in feedback.message
        assert f"in case {n} (" in feedback.message, feedback


def test_checkers_are_deterministic():
    for name, func, _ in WRONG[::3]:
        assert str(check(name, func)) == str(check(name, func))


def test_checkers_are_fast():
    """A whole check, right or wrong, takes well under a second."""
    start = time.perf_counter()
    for name, func in REFERENCE.items():
        check(name, func)
    for name, func, _ in WRONG:
        check(name, func)
    per_check = (time.perf_counter() - start) / (len(REFERENCE) + len(WRONG))
    assert per_check < 0.5, per_check


def test_a_rotated_order_is_named_in_the_order_returned():
    """(S, T, N) instead of (N, S, T): the message names the parts in the order
    the function returned them, and the order asked for."""
    def rotated(X, resp):
        n_k, s_k, t_k = sufficient_stats(X, resp)
        return s_k, t_k, n_k

    feedback = check_sufficient_stats(rotated)
    assert feedback.mistake == "wrong_order"
    assert "fit S_k, T_k, N_k" in feedback.message


def test_overlapping_and_empty_batches_are_not_called_padding():
    overlap = check("epoch_batches", eb_overlapping).message
    assert "filled up" not in overlap and "6, 6, 2" in overlap and "5, 5, 2" in overlap
    empty = check("epoch_batches", eb_trailing_empty).message
    assert "array_split" not in empty and "4, 4, 4, 0" in empty
