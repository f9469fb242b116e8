"""One colour per cluster: every fit the course draws is numbered by one rule
(gmmlib.components.canonical), so the same cluster of the same data has the
same colour in every figure, stepper and filmstrip."""

import numpy as np
import pytest

import gmmlib
from gmmlib.components import canonical, canonical_number, canonical_order, permute_components
from gmmlib.datasets import (THREE_BLOBS_2D, THREE_BUMPS_1D, UNEQUAL_CLUSTERS, three_blobs_2d,
                             three_bumps_1d, unequal_clusters)
from gmmlib.plotting import component_colors, soft_colors


def colour_of_each_true_cluster(X, z, params):
    """The colour a figure of params gives each true cluster: the colour of
    the component that most of the cluster's points belong to."""
    labels = gmmlib.predict(X, params)
    colours = component_colors(params.n_components)
    return [tuple(colours[np.bincount(labels[z == c]).argmax()]) for c in np.unique(z)]


@pytest.mark.parametrize("data, reference", [(three_blobs_2d, THREE_BLOBS_2D),
                                             (unequal_clusters, UNEQUAL_CLUSTERS),
                                             (three_bumps_1d, THREE_BUMPS_1D)])
def test_fits_from_different_starts_colour_each_cluster_alike(data, reference):
    """Fits from different seeds and starts number their components
    differently; after canonical, each true cluster gets the colour of its
    own number in the reference, in every fit."""
    X, z = data()
    raw_orders, colours = set(), set()
    for seed in range(4):
        for init in ("kmeans++", "random"):
            fit = gmmlib.fit(X, 3, seed=seed, init=init, max_iter=300)
            raw_orders.add(tuple(np.argsort(fit.params.means[:, 0])))
            colours.add(tuple(colour_of_each_true_cluster(X, z, canonical(fit.params, reference))))
    assert len(raw_orders) > 1          # the raw fits really do disagree
    assert colours == {tuple(tuple(c) for c in component_colors(3))}


def test_the_stepper_and_a_static_figure_agree():
    """The stepper's last frame and a static figure of a fit from another seed
    colour every point alike."""
    from gmmlib.widgets import em_stepper

    X, _ = three_blobs_2d()
    stepper = em_stepper(X, 3, seed=0, reference=THREE_BLOBS_2D)
    other = canonical(gmmlib.fit(X, 3, seed=5, init="random", max_iter=300).params, THREE_BLOBS_2D)
    last = stepper.steps[stepper.steps.n_steps - 2]       # the last E-step
    in_stepper = stepper.steps.colors(last)
    in_figure = soft_colors(gmmlib.e_step(X, other))
    assert np.abs(in_stepper - in_figure).max() < 0.05


def test_canonical_renumbers_a_whole_run_alike():
    X, _ = three_blobs_2d()
    fit = gmmlib.fit(X, 3, seed=1, init="random", max_iter=50)
    ordered = canonical(fit, THREE_BLOBS_2D)
    perm = canonical_order(fit.params.means, THREE_BLOBS_2D, covariances=fit.params.covariances)
    assert all(a == permute_components(b, perm) for a, b in zip(ordered.history, fit.history))
    assert ordered.params == ordered.history[-1]
    np.testing.assert_array_equal(ordered.log_likelihoods, fit.log_likelihoods)


def test_without_a_reference_components_go_left_to_right():
    P = gmmlib.GMMParams.from_1d([0.2, 0.5, 0.3], [4.0, -1.0, 2.0], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(canonical(P).means[:, 0], [-1.0, 2.0, 4.0])
    np.testing.assert_array_equal(canonical(P).weights, [0.5, 0.3, 0.2])


def test_kmeans_results_follow_the_same_rule():
    X, z = three_blobs_2d()
    km = canonical(gmmlib.kmeans(X, 3, seed=2), THREE_BLOBS_2D)
    np.testing.assert_allclose(km.centres, THREE_BLOBS_2D.means, atol=0.5)
    np.testing.assert_array_equal(km.labels, np.argmin(
        ((X[:, None, :] - km.centres[None]) ** 2).sum(axis=2), axis=1))
    assert (km.labels == z).mean() > 0.9


def test_more_components_than_reference_clusters_come_last():
    P = gmmlib.GMMParams.from_1d([0.25] * 4, [9.0, 0.1, 5.0, 3.9], [1.0] * 4)
    ref = np.array([[0.0], [4.0]])
    np.testing.assert_array_equal(canonical(P, ref).means[:, 0], [0.1, 3.9, 5.0, 9.0])


def test_canonical_number_names_a_raw_component_as_the_figures_do():
    P = gmmlib.GMMParams.from_1d([0.2, 0.5, 0.3], [4.0, -1.0, 2.0], [1.0, 1.0, 1.0])
    ordered = canonical(P)
    for k in range(3):
        assert ordered.means[canonical_number(P, k), 0] == P.means[k, 0]
