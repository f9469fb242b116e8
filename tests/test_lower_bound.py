"""gmmlib.lower_bound: EM's lower bound B(q, theta) on the log-likelihood."""

import numpy as np
import pytest

import gmmlib
from gmmlib import GMMParams, e_step, log_likelihood, lower_bound, m_step
from gmmlib.datasets import three_blobs_2d, three_bumps_1d

P1 = GMMParams.from_1d([0.5, 0.3, 0.2], [-2.0, 0.5, 3.0], [0.8, 1.5, 0.4])


def random_resp(n, k, seed):
    q = np.random.default_rng(seed).random((n, k)) ** 3
    return q / q.sum(axis=1, keepdims=True)


def kl_rows(q, r):
    """sum_i KL(q_i || r_i), with 0 log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.where(q > 0, q * (np.log(q) - np.log(r)), 0.0).sum())


@pytest.mark.parametrize("data, params", [
    (three_bumps_1d()[0], P1),
    (three_blobs_2d()[0], gmmlib.fit(three_blobs_2d()[0], 3, max_iter=2, tol=0).params),
])
def test_the_bound_touches_at_the_posterior(data, params):
    assert lower_bound(data, params, e_step(data, params)) == pytest.approx(
        log_likelihood(data, params), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_the_bound_is_below_and_the_gap_is_the_kl_divergence(seed):
    x = three_bumps_1d()[0]
    q = random_resp(x.size, 3, seed)
    b, ll = lower_bound(x, P1, q), log_likelihood(x, P1)
    assert b < ll
    assert ll - b == pytest.approx(kl_rows(q, e_step(x, P1)), rel=1e-10)


def test_zeros_in_q_count_as_zero():
    """Hard assignments (one-hot q) are allowed: 0 log 0 = 0."""
    x = three_bumps_1d()[0]
    hard = np.eye(3)[gmmlib.predict(x, P1)]
    log_joint = gmmlib.component_log_densities(x, P1) + np.log(P1.weights)
    assert lower_bound(x, P1, hard) == pytest.approx(log_joint[hard == 1].sum(), rel=1e-12)


def test_a_zero_weight_component_is_fine_where_q_is_zero():
    x = np.array([-1.0, 0.0, 1.0])
    P = GMMParams.from_1d([1.0, 0.0], [0.0, 5.0], [1.0, 1.0])
    q = np.c_[np.ones(3), np.zeros(3)]
    assert np.isfinite(lower_bound(x, P, q))
    assert lower_bound(x, P, q) == pytest.approx(log_likelihood(x, P), rel=1e-12)


def test_the_m_step_maximises_the_bound_over_theta():
    """With q fixed, the M-step's parameters give a larger bound than
    perturbed ones (reg_covar=0: the exact maximiser)."""
    x = three_bumps_1d()[0]
    q = e_step(x, P1)
    best = m_step(x, q, reg_covar=0)
    top = lower_bound(x, best, q)
    rng = np.random.default_rng(0)
    for _ in range(20):
        means = best.means[:, 0] + 0.05 * rng.normal(size=3)
        variances = best.covariances[:, 0, 0] * np.exp(0.05 * rng.normal(size=3))
        assert lower_bound(x, GMMParams.from_1d(best.weights, means, variances), q) < top


def test_bad_resp_is_rejected():
    x = three_bumps_1d()[0]
    with pytest.raises(ValueError, match="resp has 2 columns but params has 3"):
        lower_bound(x, P1, np.full((x.size, 2), 0.5))
    with pytest.raises(ValueError, match="each row of resp must sum to 1"):
        lower_bound(x, P1, np.full((x.size, 3), 0.5))
