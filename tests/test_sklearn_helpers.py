"""Bridging scikit-learn's GaussianMixture and gmmlib: covariance shapes and densities."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmmlib
from gmmlib.datasets import three_blobs_2d
from gmmlib.plotting import full_covariances, sklearn_params

COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


def fitted(covariance_type, X, K=3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(K, covariance_type=covariance_type, random_state=0).fit(X)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_expanded_covariances_give_sklearn_densities(covariance_type):
    """GMMParams built from the expanded covariances reproduce score_samples."""
    X, _ = three_blobs_2d(300, seed=1)
    gm = fitted(covariance_type, X)
    covs = full_covariances(gm.covariances_, covariance_type, 3, 2)
    assert covs.shape == (3, 2, 2)
    params = gmmlib.GMMParams(gm.weights_, gm.means_, covs)
    np.testing.assert_allclose(gmmlib.log_mixture_density(X, params), gm.score_samples(X),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gmmlib.predict_proba(X, params), gm.predict_proba(X), atol=1e-10)
    assert sklearn_params(gm) == params


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_expanded_covariances_have_the_structure_of_their_type(covariance_type):
    X, _ = three_blobs_2d(300, seed=2)
    X3 = np.column_stack([X, X[:, 0] - 0.5 * X[:, 1] + np.random.default_rng(0).normal(size=300)])
    gm = fitted(covariance_type, X3, K=2)
    covs = full_covariances(gm.covariances_, covariance_type, 2, 3)
    assert covs.shape == (2, 3, 3)
    off_diagonal = covs * (1 - np.eye(3))
    if covariance_type == "full":
        np.testing.assert_array_equal(covs, gm.covariances_)
        assert covs is not gm.covariances_
    elif covariance_type == "tied":
        np.testing.assert_array_equal(covs[0], covs[1])
        np.testing.assert_array_equal(covs[0], gm.covariances_)
    elif covariance_type == "diag":
        assert np.all(off_diagonal == 0)
        np.testing.assert_array_equal(np.diagonal(covs, axis1=1, axis2=2), gm.covariances_)
    else:
        assert np.all(off_diagonal == 0)
        np.testing.assert_array_equal(np.diagonal(covs, axis1=1, axis2=2),
                                      np.repeat(gm.covariances_[:, None], 3, axis=1))
    np.testing.assert_allclose(gmmlib.log_mixture_density(X3, sklearn_params(gm)),
                               gm.score_samples(X3), rtol=1e-10, atol=1e-10)


def test_full_covariances_rejects_a_shape_that_does_not_match_the_type():
    with pytest.raises(ValueError, match=r"needs covariances of shape \(3, 2\)"):
        full_covariances(np.ones(3), "diag", 3, 2)
    with pytest.raises(ValueError, match="not understood"):
        full_covariances(np.ones(3), "isotropic", 3, 2)


def test_sklearn_params_needs_a_fitted_mixture():
    with pytest.raises(ValueError, match="Call its fit"):
        sklearn_params(GaussianMixture(2))


def test_gmmlib_bic_and_aic_equal_sklearn_for_full_covariances():
    X, _ = three_blobs_2d(300, seed=3)
    gm = fitted("full", X)
    params = sklearn_params(gm)
    assert gmmlib.n_parameters(params) == gm._n_parameters()
    assert gmmlib.bic(X, params) == pytest.approx(gm.bic(X), rel=1e-10)
    assert gmmlib.aic(X, params) == pytest.approx(gm.aic(X), rel=1e-10)
