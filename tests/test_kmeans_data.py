"""The data sets of lessons 07 and 08 (stretched and unequal clusters): seeded, shaped as documented, and hard for K-means."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

import gmmlib
from gmmlib.datasets import (STRETCHED_CLUSTERS, UNEQUAL_CLUSTERS, sample_mixture,
                             stretched_clusters, unequal_clusters)

DATA_SETS = [(stretched_clusters, STRETCHED_CLUSTERS, 450),
             (unequal_clusters, UNEQUAL_CLUSTERS, 500)]


@pytest.mark.parametrize("make, params, n", DATA_SETS)
def test_same_seed_same_points_and_shapes(make, params, n):
    X, z = make()
    assert X.shape == (n, 2) and z.shape == (n,)
    X2, z2 = make()
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(z, z2)
    X3, _ = make(seed=1)
    assert not np.array_equal(X, X3)
    Xs, zs = sample_mixture(params, n, 0)
    np.testing.assert_array_equal(X, Xs)
    np.testing.assert_array_equal(z, zs)
    assert make(n_samples=20)[0].shape == (20, 2)


def test_stretched_clusters_are_long_thin_and_tilted():
    for cov in STRETCHED_CLUSTERS.covariances:
        eigenvalues, V = np.linalg.eigh(cov)
        np.testing.assert_allclose(eigenvalues, [0.08, 3.0])
        angle = np.degrees(np.arctan2(V[1, 1], V[0, 1])) % 180
        assert angle == pytest.approx(70)
    X, z = stretched_clusters(n_samples=3000)
    for k in range(3):
        np.testing.assert_allclose(np.cov(X[z == k], rowvar=False), STRETCHED_CLUSTERS.covariances[k],
                                   atol=0.3)


def test_unequal_clusters_have_the_documented_sizes_and_spreads():
    X, z = unequal_clusters(n_samples=4000)
    np.testing.assert_allclose(np.bincount(z) / z.size, [0.7, 0.15, 0.15], atol=0.03)
    spreads = [X[z == k].var(axis=0).mean() for k in range(3)]
    np.testing.assert_allclose(spreads, [2.5, 0.15, 0.15], rtol=0.15)


@pytest.mark.parametrize("make", [stretched_clusters, unequal_clusters])
def test_kmeans_fails_where_a_full_covariance_mixture_succeeds(make):
    """What lesson 07 shows: a clear gap in adjusted Rand index on the default data."""
    X, z = make()
    km = gmmlib.kmeans(X, 3, seed=0)
    gmm = gmmlib.fit(X, 3, seed=0, n_init=5)
    ari_km = adjusted_rand_score(z, km.labels)
    ari_gmm = adjusted_rand_score(z, gmmlib.predict(X, gmm.params))
    assert ari_km < 0.7
    assert ari_gmm > 0.95
