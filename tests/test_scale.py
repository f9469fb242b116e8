"""EM at scale (gmmlib.scale): sufficient statistics, chunks, Dask and mini-batches,
each checked against gmmlib's in-memory EM."""

import subprocess
import sys

import numpy as np
import pytest

import gmmlib
from gmmlib import CovariancePrior, FitResult, GMMParams, SingularityError, e_step, fit, m_step
from gmmlib.scale import (
    MinibatchResult,
    SufficientStatistics,
    fit_chunked,
    fit_dask,
    fit_minibatch,
    local_cluster,
    m_step_from_statistics,
    sufficient_statistics,
)

# ---------------------------------------------------------------------------
# Helpers


def blobs(seed, n_points, n_features, n_clusters, separation=5.0, offset=0.0):
    """Points from K Gaussian clusters with random centres and random shapes."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=separation, size=(n_clusters, n_features))
    shapes = np.eye(n_features) + 0.4 * rng.normal(size=(n_clusters, n_features, n_features))
    labels = rng.integers(n_clusters, size=n_points)
    noise = rng.normal(size=(n_points, n_features))
    return offset + centres[labels] + np.einsum("nij,nj->ni", shapes[labels], noise)


def random_params(seed, n_components, n_features, offset=0.0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n_components, n_features, n_features))
    return GMMParams(rng.dirichlet(np.full(n_components, 2.0)),
                     offset + rng.normal(scale=3.0, size=(n_components, n_features)),
                     A @ A.transpose(0, 2, 1) + 0.5 * np.eye(n_features))


def assert_same_params(a, b, atol=1e-10, rtol=1e-10):
    np.testing.assert_allclose(a.weights, b.weights, rtol=rtol, atol=atol)
    np.testing.assert_allclose(a.means, b.means, rtol=rtol, atol=atol)
    np.testing.assert_allclose(a.covariances, b.covariances, rtol=rtol, atol=atol)


def assert_same_fit(got, expected, atol=1e-10):
    """Same number of iterations, same verdict, every iterate within atol,
    the same log-likelihood history."""
    assert isinstance(got, FitResult)
    assert got.n_iter == expected.n_iter
    assert got.converged == expected.converged
    assert len(got.history) == len(expected.history)
    for a, b in zip(got.history, expected.history):
        assert_same_params(a, b, atol=atol)
    np.testing.assert_allclose(got.log_likelihoods, expected.log_likelihoods, rtol=1e-12)


X3 = blobs(seed=3, n_points=3000, n_features=3, n_clusters=4)
START3 = fit(X3, 4, max_iter=0, seed=1).params


# ---------------------------------------------------------------------------
# Sufficient statistics


@pytest.mark.parametrize("D, K", [(1, 2), (2, 3), (3, 4)])
def test_m_step_from_statistics_is_m_step(D, K):
    """The parameters from the statistics are gmmlib.m_step's on the same E-step."""
    X = blobs(seed=D, n_points=500, n_features=D, n_clusters=K)
    params = random_params(seed=K, n_components=K, n_features=D)
    expected = m_step(X, e_step(X, params))
    got = m_step_from_statistics(sufficient_statistics(X, params))
    assert_same_params(got, expected, atol=1e-12)


def test_statistics_are_the_textbook_sums():
    """With shift 0, N_k, S_k and T_k are the plain weighted sums, and the
    log-likelihood is gmmlib's."""
    X = blobs(seed=1, n_points=200, n_features=2, n_clusters=2)
    params = random_params(seed=2, n_components=2, n_features=2)
    resp = e_step(X, params)
    stats = sufficient_statistics(X, params, shift=np.zeros(2))
    assert stats.n == 200 and stats.n_components == 2 and stats.n_features == 2
    np.testing.assert_allclose(stats.counts, resp.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats.sums, resp.T @ X, rtol=1e-12)
    np.testing.assert_allclose(stats.outer, np.einsum("ik,id,ie->kde", resp, X, X), rtol=1e-12)
    assert stats.log_likelihood == pytest.approx(gmmlib.log_likelihood(X, params), rel=1e-12)
    np.testing.assert_array_equal(stats.abs_max, np.abs(X).max(axis=0))


def test_statistics_of_chunks_add_up_to_the_whole():
    """Sums over chunks are the sums over all points, with a common shift or
    with each chunk's own shift (re-centred when added); sum() works too."""
    parts = np.array_split(X3, [100, 1700, 1701])
    shift = parts[0].mean(axis=0)
    whole = sufficient_statistics(X3, START3, shift=shift)
    for total in (sum(sufficient_statistics(p, START3, shift=shift) for p in parts),
                  sum(sufficient_statistics(p, START3) for p in parts)):
        np.testing.assert_allclose(total.shift, shift)
        assert total.n == whole.n == 3000
        np.testing.assert_allclose(total.counts, whole.counts, rtol=1e-12)
        np.testing.assert_allclose(total.sums, whole.sums, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(total.outer, whole.outer, rtol=1e-12)
        assert total.log_likelihood == pytest.approx(whole.log_likelihood, rel=1e-13)
        assert_same_params(m_step_from_statistics(total), m_step_from_statistics(whole), atol=1e-12)


def test_recentred_statistics_give_the_same_parameters():
    stats = sufficient_statistics(X3, START3)
    moved = stats.recentred(np.array([10.0, -3.0, 7.0]))
    np.testing.assert_array_equal(moved.shift, [10.0, -3.0, 7.0])
    direct = sufficient_statistics(X3, START3, shift=[10.0, -3.0, 7.0])
    np.testing.assert_allclose(moved.outer, direct.outer, rtol=1e-12)
    assert_same_params(m_step_from_statistics(moved), m_step_from_statistics(stats), atol=1e-12)


def test_scaled_statistics_give_the_same_parameters():
    stats = sufficient_statistics(X3, START3)
    per_point = stats.scale(1 / stats.n)
    assert per_point.n == pytest.approx(1.0)
    assert per_point.counts.sum() == pytest.approx(1.0)
    assert_same_params(m_step_from_statistics(per_point), m_step_from_statistics(stats), atol=1e-12)
    with pytest.raises(ValueError, match="factor must be a finite number >= 0"):
        stats.scale(-1.0)


def test_statistics_are_read_only():
    stats = sufficient_statistics(X3, START3)
    for a in (stats.counts, stats.sums, stats.outer, stats.shift):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 0.0


@pytest.mark.parametrize("n_chunks", [1, 7])
def test_data_around_a_million_keep_their_digits(n_chunks):
    """Data centred at 1e6 with unit spread: accumulated about the first chunk's
    mean, the covariances are m_step's to 1e-9; the plain sums (shift 0) get
    them wrong by more than 1e-6, so this test would catch a missing shift."""
    X = blobs(seed=5, n_points=2000, n_features=2, n_clusters=3, offset=1e6)
    params = random_params(seed=6, n_components=3, n_features=2, offset=1e6)
    expected = m_step(X, e_step(X, params))
    parts = np.array_split(X, n_chunks)
    shift = parts[0].mean(axis=0)
    got = m_step_from_statistics(sum(sufficient_statistics(p, params, shift=shift) for p in parts))
    np.testing.assert_allclose(got.covariances, expected.covariances, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(got.means - 1e6, expected.means - 1e6, atol=1e-9)
    naive = m_step_from_statistics(sufficient_statistics(X, params, shift=np.zeros(2)))
    assert np.abs(naive.covariances - expected.covariances).max() > 1e-6


def test_m_step_from_statistics_with_a_prior_is_m_steps():
    X = blobs(seed=7, n_points=300, n_features=2, n_clusters=3)
    params = random_params(seed=8, n_components=3, n_features=2)
    prior = CovariancePrior(0.5, 4.0)
    expected = m_step(X, e_step(X, params), covariance_prior=prior)
    got = m_step_from_statistics(sufficient_statistics(X, params), covariance_prior=prior)
    assert_same_params(got, expected, atol=1e-12)


def test_m_step_from_statistics_detects_the_collapse_m_step_detects():
    """A component on identical points: m_step raises with reg_covar=0, and
    so do the statistics (whose variance is 1e-16 from rounding, not 0)."""
    X = np.array([0.0, 0.0, 0.0, 5.0, 6.0])
    params = GMMParams.from_1d([0.5, 0.5], [0.0, 5.5], [1e-4, 1.0])
    with pytest.raises(SingularityError, match="component 0 collapsed"):
        m_step(X, e_step(X, params), reg_covar=0.0)
    stats = sufficient_statistics(X, params)
    with pytest.raises(SingularityError, match="component 0 collapsed") as info:
        m_step_from_statistics(stats, reg_covar=0.0)
    assert info.value.component == 0
    assert m_step_from_statistics(stats).covariances[0, 0, 0] == pytest.approx(1e-6)


@pytest.mark.parametrize("call, match", [
    (lambda: sufficient_statistics(X3, "params"), "params must be a GMMParams"),
    (lambda: sufficient_statistics(X3[:, :2], START3), "X has 2 feature"),
    (lambda: sufficient_statistics(X3, START3, shift=[0.0, 1.0]), r"shift must be a point of shape \(3,\)"),
    (lambda: sufficient_statistics(X3, START3, shift=[0.0, np.nan, 1.0]), "finite coordinates"),
    (lambda: sufficient_statistics(X3, START3).recentred([0.0]), r"shift must be a point of shape \(3,\)"),
    (lambda: m_step_from_statistics(X3), "Compute it with gmmlib.scale.sufficient_statistics"),
    (lambda: m_step_from_statistics(sufficient_statistics(X3, START3), reg_covar=-1), "reg_covar"),
    (lambda: sufficient_statistics(X3, START3) + sufficient_statistics(X3[:, :2], GMMParams(
        [1.0], [[0.0, 0.0]], [np.eye(2)])), "cannot add statistics of 1 components"),
])
def test_statistics_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------------------
# Chunked EM


@pytest.mark.parametrize("split", [[1500], [7, 800, 801, 2999], list(range(100, 3000, 100))])
def test_fit_chunked_is_fit(split):
    """The same iterates, iterations, verdict and log-likelihoods as fit on the
    whole array, however the rows are split into chunks."""
    expected = fit(X3, 4, init=START3)
    assert expected.converged and expected.n_iter > 5
    got = fit_chunked(np.array_split(X3, split), 4, init=START3)
    assert_same_fit(got, expected)
    assert got.start == 0 and got.reinitialised == ()


def test_fit_chunked_reads_chunks_afresh_every_iteration(tmp_path):
    """Chunks from files, read by a function at every pass: out of core."""
    files = []
    for i, part in enumerate(np.array_split(X3, 5)):
        files.append(tmp_path / f"part{i}.npy")
        np.save(files[-1], part)
    calls = []

    def chunks():
        calls.append(1)
        return (np.load(f) for f in files)

    got = fit_chunked(chunks, 4, init=START3, max_iter=12, tol=0)
    assert_same_fit(got, fit(X3, 4, init=START3, max_iter=12, tol=0))
    assert got.n_iter == 12 and len(calls) == 13  # the start's pass, then one per iteration


def test_fit_chunked_far_from_the_origin():
    """Data around 1e6: the fit is the in-memory fit's (which centres the data)."""
    X = blobs(seed=11, n_points=2000, n_features=2, n_clusters=3, offset=1e6)
    start = fit(X, 3, max_iter=0, seed=2).params
    expected = fit(X, 3, init=start)
    got = fit_chunked(np.array_split(X, 4), 3, init=start)
    assert got.n_iter == expected.n_iter and got.converged == expected.converged
    for a, b in zip(got.history, expected.history):
        np.testing.assert_allclose(a.means - 1e6, b.means - 1e6, atol=1e-8)
        np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(a.weights, b.weights, atol=1e-10)
    np.testing.assert_allclose(got.log_likelihoods, expected.log_likelihoods, rtol=1e-11)


def test_fit_chunked_with_a_prior_and_no_tolerance():
    prior = CovariancePrior.from_data(X3, 4)
    expected = fit(X3, 4, init=START3, covariance_prior=prior)
    assert_same_fit(fit_chunked(np.array_split(X3, 3), 4, init=START3, covariance_prior=prior),
                    expected)
    assert_same_fit(fit_chunked([X3], 4, init=START3, max_iter=3, tol=0),
                    fit(X3, 4, init=START3, max_iter=3, tol=0))


def test_fit_chunked_collapses_where_fit_does():
    """Duplicate points and reg_covar=0: the same component at the same
    iteration, with the fit so far."""
    X = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 10.0])
    start = fit(X, 2, max_iter=0, reg_covar=0).params
    with pytest.raises(SingularityError) as expected:
        fit(X, 2, init=start, reg_covar=0)
    for chunks in ([X], [X[:2], X[2:]], [X[i:i + 1] for i in range(6)]):
        with pytest.raises(SingularityError, match="reg_covar") as info:
            fit_chunked(chunks, 2, init=start, reg_covar=0)
        assert info.value.iteration == expected.value.iteration
        assert info.value.component == expected.value.component
        assert_same_fit(info.value.result, expected.value.result)


def test_fit_chunked_does_not_modify_its_inputs():
    parts = np.array_split(X3.copy(), 3)
    before = [p.copy() for p in parts]
    start_arrays = [START3.weights.copy(), START3.means.copy(), START3.covariances.copy()]
    fit_chunked(parts, 4, init=START3, max_iter=5)
    for p, b in zip(parts, before):
        np.testing.assert_array_equal(p, b)
    for a, b in zip([START3.weights, START3.means, START3.covariances], start_arrays):
        np.testing.assert_array_equal(a, b)


def _changing_chunks():
    calls = []

    def chunks():
        calls.append(1)
        return iter([X3] if len(calls) == 1 else [X3[:-1]])
    return chunks


@pytest.mark.parametrize("chunks, kwargs, match", [
    (iter([X3]), {}, "an iterator, which can be read only once"),
    ((p for p in [X3]), {}, "a function that returns a fresh iterator"),
    (X3, {}, "chunks is one array; pass a list of arrays"),
    (42, {}, "chunks must be a list of arrays"),
    (lambda: X3, {}, "must return an iterable of arrays"),
    ([], {}, "gave no chunk at all"),
    ([X3], {"init": "kmeans++"}, r"init = gmmlib.fit\(sample, 4, max_iter=0\).params"),
    ([X3], {"init": fit(X3, 3, max_iter=0).params}, "init has 3 components but n_components=4"),
    ([X3, X3[:, :2]], {}, r"chunk 1 has 2 feature\(s\) per point"),
    ([X3, np.full((2, 3), np.nan)], {}, "chunk 1 contains NaN"),
    ([X3[:3]], {"init": START3}, "n_components=4 is more than the 3 data points"),
    ([X3], {"max_iter": -1}, "max_iter must be >= 0"),
    ([X3], {"tol": "small"}, "tol must be a number"),
    ([X3], {"reg_covar": -1e-6}, "reg_covar must be a finite number >= 0"),
    (_changing_chunks(), {}, "the data changed between passes: 2999 points in pass 1"),
])
def test_fit_chunked_rejects_bad_input(chunks, kwargs, match):
    kwargs = {"init": START3, **kwargs}
    with pytest.raises(ValueError, match=match):
        fit_chunked(chunks, 4, **kwargs)


def test_far_out_start_overflows_with_a_hint():
    """Means 1e160 away from every point: the squared distances overflow, and
    the error says to rescale."""
    far = GMMParams(START3.weights, START3.means + 1e160, START3.covariances)
    with pytest.raises(ValueError, match="Rescale the data"):
        fit_chunked([X3], 4, init=far)


# ---------------------------------------------------------------------------
# Dask, on a local cluster of two worker processes


def test_importing_gmmlib_scale_does_not_import_dask():
    code = "import sys, gmmlib, gmmlib.scale; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def client():
    with local_cluster(n_workers=2) as client:
        yield client


def test_local_cluster_is_two_quiet_worker_processes_closed_on_exit(capfd):
    """local_cluster yields a Client on n worker processes of one thread each, every
    worker joined; it prints nothing, from this process or the workers, on the way in or
    out; on exit the client is closed and the log level of distributed is as before."""
    import logging
    import os

    import distributed  # noqa: F401 - sets the level of its logger when imported

    level = logging.getLogger("distributed").level
    with local_cluster(n_workers=2) as client:
        workers = client.scheduler_info()["workers"]
        assert [w["nthreads"] for w in workers.values()] == [1, 1]
        pids = client.run(os.getpid)
        assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
        assert client.submit(sum, [1, 2]).result() == 3
    assert client.status == "closed"
    assert logging.getLogger("distributed").level == level
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


@pytest.mark.parametrize("n_workers, match", [(0, "n_workers must be >= 1; got 0"),
                                              (2.0, "n_workers must be an integer; got 2.0"),
                                              (True, "n_workers must be an integer")])
def test_local_cluster_rejects_bad_input_before_starting_anything(n_workers, match):
    with pytest.raises(ValueError, match=match):
        local_cluster(n_workers)


@pytest.fixture(scope="module")
def X_dask():
    import dask.array as da
    return da.from_array(X3, chunks=(400, 3))


def test_fit_dask_is_fit_and_runs_on_both_workers(client, X_dask):
    """Each block's statistics are computed on a worker (both workers take
    part), and the fit is the in-memory one."""
    from distributed import get_task_stream

    with get_task_stream(client) as stream:
        got = fit_dask(X_dask, 4, init=START3, client=client)
    assert_same_fit(got, fit(X3, 4, init=START3))
    names = [t["key"] if isinstance(t["key"], str) else t["key"][0] for t in stream.data]
    on_workers = [t for t, name in zip(stream.data, names) if name.startswith("_block_statistics")]
    assert len(on_workers) == (got.n_iter + 1) * X_dask.numblocks[0]
    assert {t["worker"] for t in on_workers} == set(client.scheduler_info()["workers"])


def test_fit_dask_with_the_default_client_column_blocks_and_no_persist(client):
    """client=None uses the Client already made; blocks that split the
    columns are joined; persist=False recomputes the blocks and fits the same."""
    import dask.array as da

    X = da.from_array(X3, chunks=(1000, 1))
    expected = fit(X3, 4, init=START3, max_iter=4, tol=0)
    assert_same_fit(fit_dask(X, 4, init=START3, max_iter=4, tol=0), expected)
    assert_same_fit(fit_dask(X, 4, init=START3, max_iter=4, tol=0, client=client, persist=False),
                    expected)


def test_fit_dask_far_from_the_origin(client):
    import dask.array as da

    X = blobs(seed=11, n_points=2000, n_features=2, n_clusters=3, offset=1e6)
    start = fit(X, 3, max_iter=0, seed=2).params
    expected = fit(X, 3, init=start, max_iter=8, tol=0)
    got = fit_dask(da.from_array(X, chunks=(300, 2)), 3, init=start, client=client, max_iter=8,
                   tol=0)
    assert got.n_iter == expected.n_iter == 8
    np.testing.assert_allclose(got.params.means - 1e6, expected.params.means - 1e6, atol=1e-8)
    np.testing.assert_allclose(got.params.covariances, expected.params.covariances, rtol=1e-8)
    np.testing.assert_allclose(got.log_likelihoods, expected.log_likelihoods, rtol=1e-11)


def test_fit_dask_reports_bad_rows_and_overflow(client):
    import dask.array as da

    X = X3.copy()
    X[1234, 1] = np.inf
    with pytest.raises(ValueError, match="the first at row 1234. Remove or impute"):
        fit_dask(da.from_array(X, chunks=(400, 3)), 4, init=START3, client=client)
    far = GMMParams(START3.weights, START3.means + 1e160, START3.covariances)
    with pytest.raises(ValueError, match="Rescale the data"):
        fit_dask(da.from_array(X3, chunks=(400, 3)), 4, init=far, client=client)


@pytest.mark.parametrize("X, kwargs, match", [
    (X3, {}, r"X must be a dask.array; got a ndarray. For an array in memory use gmmlib.fit"),
    ("1-D", {}, r"X.reshape\(-1, 1\)"),
    ("dask", {"init": "kmeans++"}, "init must be a GMMParams"),
    ("dask", {"init": GMMParams([1.0], [[0.0, 0.0]], [np.eye(2)])}, "init has 1 components"),
    ("dask", {"persist": "yes"}, "persist must be True or False"),
    ("dask", {"tol": -1.0}, "tol must be a finite number >= 0"),
    ("dask", {"client": "tcp://127.0.0.1:8786"}, r"client must be a distributed.Client or None"),
])
def test_fit_dask_rejects_bad_input(X, kwargs, match, X_dask):
    if isinstance(X, str):
        X = X_dask[:, 0] if X == "1-D" else X_dask
    with pytest.raises(ValueError, match=match):
        fit_dask(X, 4, **{"init": START3, **kwargs})


# ---------------------------------------------------------------------------
# Mini-batch (stepwise) EM

WELL_SEPARATED = blobs(seed=21, n_points=20_000, n_features=2, n_clusters=3, separation=8.0)
START_WS = fit(WELL_SEPARATED, 3, max_iter=0, seed=0).params


def test_minibatch_reaches_full_batch_ems_log_likelihood():
    """After three passes in batches of 500 the mean log-likelihood is within
    2e-3 of converged full-batch EM's, and it climbs from the start."""
    full = fit(WELL_SEPARATED, 3, init=START_WS)
    got = fit_minibatch(WELL_SEPARATED, 3, init=START_WS, batch_size=500, n_epochs=3, seed=0)
    assert isinstance(got, MinibatchResult)
    per_point = got.log_likelihoods / len(WELL_SEPARATED)
    best = full.log_likelihoods[-1] / len(WELL_SEPARATED)
    assert best - 2e-3 < per_point[-1] <= best + 1e-9
    assert per_point[-1] > per_point[0] + 0.1
    assert got.n_steps == 3 * 40 and len(got.step_sizes) == 120
    np.testing.assert_allclose(got.step_sizes, (np.arange(120) + 2.0) ** -0.6)
    np.testing.assert_allclose(got.log_likelihoods,
                               [gmmlib.log_likelihood(WELL_SEPARATED, p) for p in got.history],
                               rtol=1e-12)


def test_minibatch_is_seeded():
    a = fit_minibatch(X3, 4, init=START3, batch_size=256, n_epochs=2, seed=5)
    b = fit_minibatch(X3, 4, init=START3, batch_size=256, n_epochs=2, seed=5)
    c = fit_minibatch(X3, 4, init=START3, batch_size=256, n_epochs=2, seed=6)
    assert a.history == b.history
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)
    assert a.params != c.params
    d = fit_minibatch(X3, 4, batch_size=256, n_epochs=1, seed=5)  # k-means++ start from seed
    assert d.history[0] == fit(X3, 4, max_iter=0, seed=5).params
    assert d.history == fit_minibatch(X3, 4, batch_size=256, n_epochs=1, seed=5).history


def test_minibatch_with_one_batch_and_full_steps_is_em():
    """batch_size=N and gamma_t = 1: every step replaces the statistics by
    those of all the data, so the iterates are plain EM's."""
    got = fit_minibatch(X3, 4, init=START3, batch_size=len(X3), n_epochs=6, step=lambda t: 1.0)
    expected = fit(X3, 4, init=START3, max_iter=6, tol=0)
    assert len(got.history) == 7
    for a, b in zip(got.history, expected.history):
        assert_same_params(a, b, atol=1e-10)
    np.testing.assert_allclose(got.log_likelihoods, expected.log_likelihoods, rtol=1e-12)


def test_minibatch_starts_from_the_starts_own_statistics():
    """Before the first batch the running statistics are the start's expected
    ones: with tiny steps the parameters stay at the start (plus reg_covar)."""
    got = fit_minibatch(X3, 4, init=START3, batch_size=300, n_epochs=1, step=lambda t: 1e-12,
                        reg_covar=0.0)
    assert_same_params(got.params, START3, atol=1e-9)


def test_minibatch_records_fractions_of_a_pass():
    got = fit_minibatch(X3, 4, init=START3, batch_size=300, n_epochs=2, evaluations_per_epoch=5)
    np.testing.assert_allclose(got.passes, np.arange(11) / 5)
    assert len(got.history) == len(got.log_likelihoods) == 11
    odd = fit_minibatch(X3, 4, init=START3, batch_size=700, n_epochs=1)  # 5 batches, last of 200
    np.testing.assert_allclose(odd.passes, [0.0, 1.0])
    assert odd.n_steps == 5


def test_minibatch_does_not_modify_its_inputs():
    X = X3.copy()
    fit_minibatch(X, 4, init=START3, batch_size=500, n_epochs=1)
    np.testing.assert_array_equal(X, X3)


def test_minibatch_collapse_carries_the_fit_so_far():
    X = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 10.0])
    start = fit(X, 2, max_iter=0, reg_covar=0).params
    with pytest.raises(SingularityError, match="A smaller step or larger batches help") as info:
        fit_minibatch(X, 2, init=start, batch_size=3, n_epochs=5, reg_covar=0,
                      step=lambda t: 1.0)
    assert isinstance(info.value.result, MinibatchResult)
    assert info.value.result.n_steps == info.value.iteration - 1
    assert f"mini-batch step {info.value.iteration}:" in str(info.value)


@pytest.mark.parametrize("kwargs, match", [
    ({"step": 0.5}, r"must lie in \(0.5, 1\].*Use e.g. 0.6"),
    ({"step": 1.5}, r"must lie in \(0.5, 1\]"),
    ({"step": lambda t: 1.5}, r"step\(0\) returned 1.5. Use e.g. step=lambda t"),
    ({"step": lambda t: 0.5 if t < 7 else 0.0}, r"step\(7\) returned 0.0"),
    ({"step": lambda t: float("nan")}, r"must return a number in \(0, 1\]"),
    ({"step": "0.6"}, "step must be an exponent a in"),
    ({"batch_size": 0}, "batch_size must be between 1 and N = 3000"),
    ({"batch_size": 3001}, "for that, use gmmlib.fit"),
    ({"batch_size": 100.0}, "batch_size must be an integer number of points"),
    ({"n_epochs": 0}, "n_epochs must be >= 1"),
    ({"evaluations_per_epoch": 31}, "evaluations_per_epoch must be <= 30"),
    ({"seed": -1}, "seed must be an integer >= 0"),
    ({"init": "best"}, "init='best' is not understood"),
])
def test_minibatch_rejects_bad_input(kwargs, match):
    kwargs = {"init": START3, "batch_size": 100, **kwargs}
    with pytest.raises(ValueError, match=match):
        fit_minibatch(X3, 4, **kwargs)
