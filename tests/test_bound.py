"""The bound pictures (gmmlib.bound): EM on chosen means, the log-likelihood
and the bound over one mean, and their stepper."""

import numpy as np
import pytest

import gmmlib
from gmmlib import GMMParams, e_step, log_likelihood, lower_bound
from gmmlib.bound import (bound_along_mean, bound_filmstrip, em_for_means,
                          log_likelihood_along_mean, with_mean)
from gmmlib.datasets import three_bumps_1d

X = three_bumps_1d()[0]
START = GMMParams.from_1d([0.45, 0.35, 0.2], [-4.0, 1.0, 4.0], [0.36, 1.0, 0.25])


def test_em_for_means_moves_only_the_chosen_means_and_never_lowers_the_likelihood():
    result = em_for_means(X, START, components=(0, 2), n_iter=8)
    for p in result.history:
        np.testing.assert_array_equal(p.weights, START.weights)
        np.testing.assert_array_equal(p.covariances, START.covariances)
        assert p.means[1, 0] == START.means[1, 0]
    assert np.all(np.diff(result.log_likelihoods) >= 0)
    assert result.params.means[0, 0] != START.means[0, 0]
    np.testing.assert_allclose(result.log_likelihoods, [log_likelihood(X, p) for p in result.history],
                               rtol=1e-12)


def test_the_m_step_is_the_top_of_the_bound_and_the_bound_touches_before_it():
    result = em_for_means(X, START, components=(0,), n_iter=3)
    grid = np.linspace(-5, 1, 601)
    for before, after in zip(result.history, result.history[1:]):
        q = e_step(X, before)
        bound = bound_along_mean(X, before, q, 0, grid)
        curve = log_likelihood_along_mean(X, before, 0, grid)
        assert np.all(bound <= curve + 1e-9)                       # never above
        at_old = lower_bound(X, before, q)
        assert at_old == pytest.approx(log_likelihood(X, before), rel=1e-12)   # touches
        top = grid[np.argmax(bound)]
        assert abs(top - after.means[0, 0]) <= grid[1] - grid[0]   # the M-step is its top
        # the four lines of the proof
        assert log_likelihood(X, after) >= lower_bound(X, after, q) >= at_old


def test_bound_along_a_mean_is_a_parabola():
    q = e_step(X, START)
    grid = np.linspace(-6, 2, 9)
    b = bound_along_mean(X, START, q, 0, grid)
    assert np.allclose(np.diff(b, 3), 0, atol=1e-8)
    assert np.diff(b, 2)[0] < 0


def test_with_mean_changes_one_mean():
    p = with_mean(START, 1, 7.5)
    assert p.means[:, 0].tolist() == [-4.0, 7.5, 4.0]


def test_bound_stepper_moves_and_filmstrip_draws():
    from gmmlib.widgets import bound_stepper

    s = bound_stepper(X, START, component=0, n_iter=4)
    assert s.slider.max == 8
    first = s.image.value
    s.slider.value = 3
    assert s.image.value != first
    assert "bound" in s.readout.value
    fig = bound_filmstrip(X, START, 0, 4, [0, 1, 2])
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 4


@pytest.mark.parametrize("bad, match", [
    (dict(components=(5,)), "component must be <= 2"),
    (dict(components=(0, 0)), "repeat a component"),
    (dict(n_iter=-1), "n_iter must be >= 0"),
])
def test_em_for_means_rejects_bad_arguments(bad, match):
    with pytest.raises(ValueError, match=match):
        em_for_means(X, START, **bad)


def test_em_for_means_rejects_2d_data():
    with pytest.raises(ValueError, match="for 1-D data"):
        em_for_means(np.zeros((5, 2)), START)
