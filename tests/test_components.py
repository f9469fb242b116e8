"""Matching components between fits (label switching) and the Old Faithful data."""

import numpy as np
import pytest

from gmmlib import GMMParams, fit
from gmmlib.components import bhattacharyya_distance, match_components, permute_components
from gmmlib.datasets import old_faithful, three_blobs_2d


def example_params():
    return GMMParams(
        [0.2, 0.3, 0.5],
        [[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]],
        [np.eye(2), [[2.0, 0.5], [0.5, 1.0]], [[1.0, -0.3], [-0.3, 0.5]]],
    )


@pytest.mark.parametrize("perm", [[0, 1, 2], [2, 0, 1], [1, 0, 2], [2, 1, 0]])
def test_match_recovers_a_known_permutation(perm):
    params = example_params()
    shuffled = permute_components(params, perm)
    found = match_components(params, shuffled)
    assert permute_components(shuffled, found) == params
    assert [perm[i] for i in found] == [0, 1, 2]


def test_two_seeds_give_the_same_solution_up_to_labels():
    X, _ = three_blobs_2d()
    a = fit(X, 3, seed=0, tol=1e-12, max_iter=2000).params
    b = fit(X, 3, seed=5, tol=1e-12, max_iter=2000).params
    aligned = permute_components(b, match_components(a, b))
    np.testing.assert_allclose(aligned.means, a.means, atol=1e-3)
    np.testing.assert_allclose(aligned.weights, a.weights, atol=1e-3)


def test_bhattacharyya_distance_properties():
    m1, S1 = np.array([0.0, 0.0]), np.array([[1.0, 0.2], [0.2, 2.0]])
    m2, S2 = np.array([1.0, -1.0]), np.array([[0.5, 0.0], [0.0, 0.5]])
    assert bhattacharyya_distance(m1, S1, m1, S1) == pytest.approx(0.0, abs=1e-12)
    d = bhattacharyya_distance(m1, S1, m2, S2)
    assert d > 0
    assert bhattacharyya_distance(m2, S2, m1, S1) == pytest.approx(d)
    # Rescaling the data (means by c, covariances by c^2) leaves it unchanged.
    assert bhattacharyya_distance(3 * m1, 9 * S1, 3 * m2, 9 * S2) == pytest.approx(d)
    # Same covariance: one eighth of the squared Mahalanobis distance.
    I = np.eye(2)
    assert bhattacharyya_distance(m1, I, m2, I) == pytest.approx(2.0 / 8)


def test_matching_rejects_mismatched_mixtures():
    params = example_params()
    two = GMMParams([0.5, 0.5], [[0, 0], [1, 1]], [np.eye(2)] * 2)
    with pytest.raises(ValueError, match="cannot match"):
        match_components(params, two)
    with pytest.raises(ValueError, match="GMMParams"):
        match_components(params, "not params")
    with pytest.raises(ValueError, match="permutation of 0..2"):
        permute_components(params, [0, 0, 1])


def test_old_faithful_ships_with_the_package():
    df = old_faithful()
    assert df.shape == (272, 2)
    assert list(df.columns) == ["eruptions", "waiting"]
    assert np.isfinite(df.to_numpy()).all()
    assert 1.5 < df["eruptions"].min() < df["eruptions"].max() < 5.2
    assert 40 < df["waiting"].min() < df["waiting"].max() < 100
