"""Benchmark of EM at scale: time per iteration and peak memory as N grows.

Run it with ``.venv/bin/python bench/scale.py`` (``--help`` for options);
about 3 to 5 minutes on a 2-core machine with the default sizes.

For N = 10^4, 10^5, 10^6 and 10^7 points (D = 3, K = 5; the sizes that fit
in memory, see --sizes) it times one EM iteration of

- ``gmmlib``: ``gmmlib.fit`` on the array in memory;
- ``sklearn``: ``sklearn.mixture.GaussianMixture(covariance_type="full")``,
  from the same start (weights_init, means_init, precisions_init);
- ``chunked``: ``gmmlib.scale.fit_chunked``, reading chunks of 100,000 rows
  from a .npy file at every iteration (the file sits in the operating
  system's page cache after the first pass, so disk reads are not timed);
- ``dask``: ``gmmlib.scale.fit_dask`` on a LocalCluster of 2 worker
  processes with 1 thread each, the blocks (at least 4) loaded from the same
  file by the workers and persisted in their memory before timing.

Every run starts from the same parameters (k-means++ on the first 10^4
points, ``gmmlib.fit(..., max_iter=0)``) with ``tol=0``, so each runs exactly
``max_iter`` iterations. The time per iteration is (t(n2) - t(n1)) / (n2 - n1)
for two fits of n1 and n2 iterations, which cancels the fixed costs
(validation, the start's E-step, starting the fit on the cluster).

Each (method, N) runs in a fresh Python process, so that peaks do not
mix. Memory is reported as
- ``traced MB``: the peak of tracemalloc in that process, started after the
  imports and a warm-up fit on 1,000 points, before the data are loaded:
  numpy's buffers for the data and the fit (the interpreter and its
  libraries are not counted);
- ``RSS MB``: the process's peak resident size (VmHWM), libraries and
  warm-up included; the first row of the table is a process that only
  imports them;
- ``worker MB``: for Dask, each worker's tracemalloc peak (started with
  client.run before the data are loaded) and its peak resident size.

BLAS is pinned to one thread in every process (OPENBLAS_NUM_THREADS and
friends are set to 1 for the child processes and the Dask workers), so the
in-process methods use one core and Dask two. ``LL/pt`` is the final
log-likelihood per point and ``ΔLL/pt`` its gap to gmmlib's in-memory fit:
every method runs the same iterates.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # gmmlib from this checkout

D, K = 3, 5
SIZES = [10**4, 10**5, 10**6, 10**7]
CHUNK_ROWS = 100_000
DATA_SEED = 2026
REG_COVAR = 1e-6
METHODS = ["gmmlib", "sklearn", "chunked", "dask"]
THREAD_VARIABLES = ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]


# ---------------------------------------------------------------------------
# Data and start (in the parent process)


def write_data(path, n_points, block=1_000_000):
    """A seeded mixture of K well-separated 3-D Gaussians with random shapes,
    written block by block (the first N rows are the data of size N)."""
    rng = np.random.default_rng(DATA_SEED)
    centres = rng.normal(scale=6.0, size=(K, D))
    shapes = np.eye(D) + 0.4 * rng.normal(size=(K, D, D))
    weights = rng.dirichlet(np.full(K, 5.0))
    out = np.lib.format.open_memmap(path, mode="w+", dtype=float, shape=(n_points, D))
    for i, start in enumerate(range(0, n_points, block)):
        r = np.random.default_rng([DATA_SEED, i])
        n = min(block, n_points - start)
        labels = r.choice(K, size=n, p=weights)
        out[start:start + n] = centres[labels] + np.einsum(
            "nij,nj->ni", shapes[labels], r.normal(size=(n, D)))
    out.flush()
    del out


def save_start(data_path, start_path):
    import gmmlib

    sample = np.load(data_path, mmap_mode="r")[:10_000]
    start = gmmlib.fit(np.array(sample), K, max_iter=0, seed=0, reg_covar=REG_COVAR).params
    np.savez(start_path, weights=start.weights, means=start.means, covariances=start.covariances)


# ---------------------------------------------------------------------------
# One run (in a child process)


def load_start(start_path):
    from gmmlib import GMMParams

    with np.load(start_path) as f:
        return GMMParams(f["weights"], f["means"], f["covariances"])


def _read_rows(path, a, b):
    """Rows a..b-1 of the (N, D) float64 .npy file, read with plain file reads
    (a memory map would count the whole file in the resident size)."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, _ = read_header(f)
        f.seek(f.tell() + a * shape[1] * 8)
        return np.fromfile(f, dtype=float, count=(b - a) * shape[1]).reshape(b - a, shape[1])


def _worker_memory():
    import tracemalloc as tm
    return {"traced": tm.get_traced_memory()[1]}


def peak_rss():
    """This process's peak resident size in bytes: VmHWM on Linux (ru_maxrss
    would also count the parent's peak, which Linux carries across exec)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _worker_rss():
    return peak_rss()


def _worker_trace():
    import tracemalloc as tm
    tm.start()


def _worker_untrace():
    import tracemalloc as tm
    tm.stop()


def run_one(method, data_path, start_path, n_points, n1, n2):
    """Time fits of n1 and n2 iterations; return a dict of measurements.

    The libraries are imported and each method is run once on 1,000 points
    (lazy imports, first-call costs) before tracemalloc starts and the data
    are loaded, so the traced peak is the data's and the fit's; the timed
    fits run untraced.
    """
    start = load_start(start_path)
    out = {"method": method, "N": n_points}
    if method == "baseline":
        import distributed  # noqa: F401
        import sklearn.mixture  # noqa: F401

        import gmmlib.scale  # noqa: F401
        out.update(per_iter=float("nan"), ll=float("nan"), traced=0,
                   rss=peak_rss())
        return out
    if method == "gmmlib":
        import gmmlib

        def run(X, n):
            return gmmlib.fit(X, K, init=start, max_iter=n, tol=0, reg_covar=REG_COVAR)
    elif method == "sklearn":
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import GaussianMixture

        def run(X, n):
            gm = GaussianMixture(K, covariance_type="full", tol=0, max_iter=n, reg_covar=REG_COVAR,
                                 weights_init=start.weights, means_init=start.means,
                                 precisions_init=np.linalg.inv(start.covariances))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return gm.fit(X)
    elif method == "chunked":
        from gmmlib.scale import fit_chunked

        def run(n_rows, n):
            def chunks():
                return (_read_rows(data_path, a, min(a + CHUNK_ROWS, n_rows))
                        for a in range(0, n_rows, CHUNK_ROWS))
            return fit_chunked(chunks, K, init=start, max_iter=n, tol=0, reg_covar=REG_COVAR)
    elif method == "dask":
        import dask
        import dask.array as da
        from distributed import Client, LocalCluster, wait

        from gmmlib.scale import fit_dask

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)

        def dask_array(n_rows):
            rows = min(CHUNK_ROWS, math.ceil(n_rows / 4))
            bounds = [(a, min(a + rows, n_rows)) for a in range(0, n_rows, rows)]
            X = da.concatenate([
                da.from_delayed(dask.delayed(_read_rows)(data_path, a, b), shape=(b - a, D),
                                dtype=float) for a, b in bounds])
            X = client.persist(X)
            wait(X)
            return X

        def run(X, n):
            return fit_dask(X, K, init=start, client=client, max_iter=n, tol=0,
                            reg_covar=REG_COVAR)
    else:
        raise ValueError(f"unknown method {method!r}")

    # Warm-up on 1,000 points. Then, traced, the data are loaded and one
    # iteration is run: its peak is that of every iteration. tracemalloc
    # slows Python-heavy code (Dask's scheduling 3-4 fold), so it is stopped
    # before the timed fits.
    if method == "chunked":
        run(1000, 1)
    elif method == "dask":
        run(dask_array(1000), 1)
        client.run(_worker_trace)
    else:
        run(_read_rows(data_path, 0, 1000), 1)
    tracemalloc.start()
    if method == "chunked":
        X = n_points
    elif method == "dask":
        X = dask_array(n_points)
        out["blocks"] = X.numblocks[0]
    else:
        X = _read_rows(data_path, 0, n_points)
    run(X, 1)
    out["traced"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if method == "dask":
        out["workers"] = list(client.run(_worker_memory).values())
        client.run(_worker_untrace)
    times = []
    for n in (n1, n2):
        t = time.perf_counter()
        result = run(X, n)
        times.append(time.perf_counter() - t)
    if method == "sklearn":
        out["ll"] = float(result.score(X))
    else:
        out["ll"] = float(result.log_likelihoods[-1] / n_points)
    out["per_iter"] = (times[1] - times[0]) / (n2 - n1)
    out["rss"] = peak_rss()
    if method == "dask":
        for w, rss in zip(out["workers"], client.run(_worker_rss).values()):
            w["rss"] = rss
        client.close()
        cluster.close()
    return out


# ---------------------------------------------------------------------------
# The table


def iterations_for(n_points):
    """n1, n2: 20 extra iterations for small N, 5 for 10^6, 2 for 10^7."""
    extra = int(min(20, max(2, 5e6 // n_points)))
    return 1, 1 + extra


def child(method, data_path, start_path, n_points, timeout):
    n1, n2 = iterations_for(n_points)
    env = dict(os.environ, **{v: "1" for v in THREAD_VARIABLES})
    cmd = [sys.executable, __file__, "--child", method, str(data_path), str(start_path),
           str(n_points), str(n1), str(n2)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"method": method, "N": n_points, "error": f"timed out after {timeout} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"method": method, "N": n_points, "error": last}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def mb(nbytes):
    return f"{nbytes / 2**20:,.0f}"


def machine():
    import dask
    import distributed
    import sklearn

    return (f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} cores; numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
            f"dask {dask.__version__}, distributed {distributed.__version__}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(float(v)) for v in s.split(",")],
                        default=SIZES, help="comma-separated N, e.g. 1e4,1e5 (default 1e4..1e7)")
    parser.add_argument("--methods", type=lambda s: s.split(","), default=METHODS,
                        help=f"comma-separated, from {','.join(METHODS)}")
    parser.add_argument("--timeout", type=float, default=240, help="seconds per run")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument("--write-data", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_data:
        data_path, start_path, n = args.write_data
        write_data(data_path, int(n))
        save_start(data_path, start_path)
        return
    if args.child:
        method, data_path, start_path, n, n1, n2 = args.child
        print(json.dumps(run_one(method, data_path, start_path, int(n), int(n1), int(n2))))
        return

    t0 = time.perf_counter()
    sizes = sorted(args.sizes)
    print(f"EM at scale, D={D}, K={K}: {machine()}")
    print("BLAS pinned to 1 thread per process; Dask: 2 worker processes x 1 thread.")
    print("Load average before: {:.1f} {:.1f} {:.1f} (other work on the machine slows "
          "every row).\n".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="gmm-scale-") as tmp:
        data_path, start_path = Path(tmp) / "X.npy", Path(tmp) / "start.npz"
        # in a child process, so that this one stays small (see peak_rss)
        subprocess.run([sys.executable, __file__, "--write-data", str(data_path),
                        str(start_path), str(sizes[-1])], check=True)
        base = child("baseline", data_path, start_path, sizes[0], args.timeout)
        header = (f"{'N':>10} {'method':>8} {'iters':>6} {'s/iter':>9} {'traced MB':>10} "
                  f"{'RSS MB':>8} {'worker MB (traced / RSS)':>26} {'LL/pt':>10} {'ΔLL/pt':>8}")
        print(header)
        print("-" * len(header))
        print(f"{'':>10} {'imports':>8} {'':>6} {'':>9} {'':>10} {mb(base['rss']):>8}")
        for n in sizes:
            reference = None
            for method in args.methods:
                r = child(method, data_path, start_path, n, args.timeout)
                n1, n2 = iterations_for(n)
                if "error" in r:
                    print(f"{n:>10,} {method:>8}  failed: {r['error']}")
                    continue
                if method == "gmmlib":
                    reference = r["ll"]
                gap = f"{abs(r['ll'] - reference):.0e}" if reference is not None else ""
                workers = ""
                if "workers" in r:
                    workers = " + ".join(f"{mb(w['traced'])}/{mb(w['rss'])}" for w in r["workers"])
                print(f"{n:>10,} {method:>8} {n2 - n1:>6} {r['per_iter']:>9.4f} "
                      f"{mb(r['traced']):>10} {mb(r['rss']):>8} {workers:>26} "
                      f"{r['ll']:>10.5f} {gap:>8}", flush=True)
    print(f"\nChunks and Dask blocks of {CHUNK_ROWS:,} rows (Dask: at least 4 blocks). "
          f"Whole run: {time.perf_counter() - t0:.0f} s. "
          "Load average after: {:.1f} {:.1f} {:.1f}.".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
