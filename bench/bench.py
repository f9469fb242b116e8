"""Benchmark of gmmlib: its EM iteration against scikit-learn's, and the stepper's redraws.

Run it with ``make bench`` (or ``.venv/bin/python bench/bench.py --help``).

1. Time per EM iteration, gmmlib beside scikit-learn
   ---------------------------------------------------
   For each size (N points, D dimensions, K components) the data is a seeded
   synthetic mixture: K well separated Gaussians with random full covariances.
   One start is computed once (``gmmlib.fit(X, K, max_iter=0).params``:
   k-means++ means, equal weights, the data's covariance) and given to both
   libraries: to ``gmmlib.fit(init=start)`` and to
   ``sklearn.mixture.GaussianMixture(covariance_type="full",
   weights_init=..., means_init=..., precisions_init=inv(covariances))``, with
   the same ``reg_covar`` and ``tol=0``, so both run exactly ``max_iter``
   iterations from the same parameters.

   A fit also costs things that do not depend on the number of iterations
   (validating X, setting up the start, a final E-step). To cancel them, each
   library is timed for max_iter=n1 and max_iter=n2 and the time per iteration
   is (t(n2) - t(n1)) / (n2 - n1). This is repeated, gmmlib and scikit-learn
   interleaved (and alternating which goes first), and the median is
   reported; the ratio is gmmlib / scikit-learn, so <= 1.0 means gmmlib is no
   slower. BLAS threads are pinned to the same number for both (threadpoolctl).

   So that the comparison is honest, the table also shows that both ended at
   the same log-likelihood per point: gmmlib's own value for its final
   parameters against ``GaussianMixture.score(X)`` for scikit-learn's (and the
   same check for the start).

   A second table puts the times next to the machine's matrix-multiply rate.
   An iteration is counted as 4 N K D^2 floating-point operations: per
   component, the M-step's scatter sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T and
   the E-step's whitening L_k^{-1} (x_i - mu_k) each multiply an (N, D) matrix
   by a (D, D) one, 2 N D^2 operations as a general product (the rest is
   O(N K D)). The GEMM rate is the best of several timed numpy products of
   that shape, (N, D) @ (D, D), with the same BLAS threads; the floor is the
   iteration's operations at that rate. gmmlib does these two products with
   a symmetric (syrk) and a triangular (trmm) routine that skip half of the
   work, and its scatter leaves out the points whose responsibility for the
   component is exactly 0 (the table shows their share at the end of the
   run: most of them when the clusters lie far apart in many dimensions),
   so it can run above the GEMM rate by this count.

2. Stepper latency, inside a Jupyter kernel
   ----------------------------------------
   A real ipykernel (this virtualenv's Python, default inline matplotlib
   backend) is started with jupyter_client. Code run in it builds
   ``gmmlib.widgets.em_stepper`` (and ``kmeans_stepper`` on the 2-D set) on a 1-D data set (300 points, K=3) and a
   2-D one (500 points, K=3), then times every ``stepper.slider.value = v``
   with time.perf_counter: first visits of every half-step, in order on one
   stepper and in a shuffled order on a freshly built one, then revisits of
   the same steps in the same order. Every frame is rendered when the stepper
   is built (the "build ms" column); in a browser the slider switches frames
   on the client side, so these in-kernel times only keep the kernel's copy
   of the figure in step (what ``stepper.figure`` shows). What a learner
   feels, key press to picture, is measured by bench/browser.py. The kernel
   prints its measurements as one line of JSON, which is read back from the
   iopub stream messages.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # gmmlib from this checkout

import gmmlib  # noqa: E402

# (N, D, K) of section 1
CASES = [(200_000, 2, 4), (50_000, 8, 5), (20_000, 32, 8)]
N_SHORT, N_LONG = 2, 12  # max_iter of the two timed fits
REPEATS = 5
REG_COVAR = 1e-6
DATA_SEED = 2024
START_SEED = 0
# Two runs count as reaching the same log-likelihood when they differ by less
# than this per point (float64 round-off over a dozen iterations is ~1e-12).
LL_TOLERANCE = 1e-6
# Goals of section 1: gmmlib's time per iteration at most RATIO_GOAL times
# scikit-learn's at every size, and at most FLOOR_GOAL times the
# matrix-multiply floor at the largest D.
RATIO_GOAL = 0.5
FLOOR_GOAL = 3.0
GEMM_REPEATS = 7

BUILD_TARGET_MS = 3000.0  # a stepper renders all its frames when built: a few seconds at most
KERNEL_TIMEOUT_S = 300
JSON_MARK = "GMMLIB_BENCH_JSON "


# ---------------------------------------------------------------------------
# Machine


def machine_lines(blas_threads):
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    blas = [f"{_owner(i['filepath'])}: {i['internal_api']} {i.get('version') or '?'} "
            f"({i['num_threads']} threads by default)"
            for i in sorted(threadpool_info(), key=lambda i: i["filepath"])
            if i["user_api"] == "blas"]
    return [
        f"machine : {platform.machine()} {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} logical cores ({_cpu_model()})",
        f"python  : {platform.python_version()} at {sys.executable}",
        f"versions: numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, gmmlib {gmmlib.__version__}",
        f"BLAS    : {'; '.join(blas) or 'none found'}",
        f"threads : section 1 {_threads_label(blas_threads)}",
    ]


def _owner(filepath):
    """Which package ships a shared library (numpy and scipy each bundle a BLAS)."""
    for package in ("numpy", "scipy", "sklearn", "scikit_learn"):
        if f"{package}." in filepath or f"/{package}/" in filepath:
            return package
    return Path(filepath).name


def _threads_label(blas_threads):
    if blas_threads:
        return f"pins BLAS to {blas_threads} thread(s) for both libraries (threadpoolctl)"
    return "leaves BLAS threads at their defaults, the same for both libraries"


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# ---------------------------------------------------------------------------
# Section 1: data and the same start for both libraries


def random_covariance(rng, D, low=0.5, high=2.0):
    """A random symmetric positive definite matrix with eigenvalues in [low, high]."""
    Q, _ = np.linalg.qr(rng.standard_normal((D, D)))
    return (Q * rng.uniform(low, high, size=D)) @ Q.T


def random_means(rng, K, D, min_distance):
    """K means at least min_distance apart (redrawn until they are)."""
    scale = min_distance * max(1.0, K ** (1.0 / D))
    while True:
        means = rng.uniform(-scale, scale, size=(K, D))
        gaps = np.linalg.norm(means[:, None] - means[None], axis=-1)
        if K == 1 or gaps[np.triu_indices(K, 1)].min() >= min_distance:
            return means


def synthetic_mixture(N, D, K, seed=DATA_SEED):
    """N points from K well separated Gaussians with random full covariances."""
    rng = np.random.default_rng([seed, N, D, K])
    weights = rng.dirichlet(np.full(K, 10.0))
    # Standard deviations are at most sqrt(2): 10 apart is many of them.
    means = random_means(rng, K, D, min_distance=10.0)
    chols = np.array([np.linalg.cholesky(random_covariance(rng, D)) for _ in range(K)])
    z = rng.choice(K, size=N, p=weights)
    noise = rng.standard_normal((N, D))
    return means[z] + np.einsum("nij,nj->ni", chols[z], noise)


def common_start(X, K):
    """One starting GMMParams, shared by both libraries."""
    return gmmlib.fit(X, K, max_iter=0, reg_covar=REG_COVAR, seed=START_SEED).params


# ---------------------------------------------------------------------------
# Section 1: timing


def run_gmmlib(X, start, max_iter):
    """(seconds, log-likelihood per point of the final parameters)."""
    gc.collect()
    t0 = time.perf_counter()
    result = gmmlib.fit(X, start.n_components, init=start, max_iter=max_iter,
                        tol=0.0, reg_covar=REG_COVAR)
    seconds = time.perf_counter() - t0
    assert result.n_iter == max_iter, result.n_iter
    N = X.shape[0]
    return seconds, {"start": result.log_likelihoods[0] / N,
                     "end": result.log_likelihoods[-1] / N,
                     "params": result.params}


def run_sklearn(X, start, precisions, max_iter):
    """(seconds, log-likelihood per point of the final parameters)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 never converges
        t0 = time.perf_counter()
        model = GaussianMixture(
            n_components=start.n_components, covariance_type="full",
            tol=0.0, reg_covar=REG_COVAR, max_iter=max_iter, n_init=1,
            # Overridden by the *_init below; "random_from_data" only avoids
            # the k-means run of the default "kmeans" (a fixed cost anyway).
            init_params="random_from_data", random_state=0,
            weights_init=start.weights, means_init=start.means,
            precisions_init=precisions,
        ).fit(X)
        seconds = time.perf_counter() - t0
    assert model.n_iter_ == max_iter, model.n_iter_
    # lower_bounds_[0] is the mean log-likelihood of the start (the first E-step).
    return seconds, {"start": float(model.lower_bounds_[0]), "end": float(model.score(X))}


def bench_case(N, D, K, repeats):
    """Per-iteration times (median and range) of both libraries on one data set."""
    X = synthetic_mixture(N, D, K)
    start = common_start(X, K)
    precisions = np.linalg.inv(start.covariances)
    precisions = (precisions + precisions.transpose(0, 2, 1)) / 2  # exactly symmetric
    runners = {
        "gmmlib": lambda n: run_gmmlib(X, start, n),
        "sklearn": lambda n: run_sklearn(X, start, precisions, n),
    }
    for run in runners.values():  # warm-up: imports, caches, page faults
        run(N_SHORT)

    per_iter = {name: [] for name in runners}
    lls = {}
    for r in range(repeats):
        names = list(runners) if r % 2 == 0 else list(runners)[::-1]
        for name in names:
            t_short, _ = runners[name](N_SHORT)
            t_long, lls[name] = runners[name](N_LONG)
            per_iter[name].append((t_long - t_short) / (N_LONG - N_SHORT))

    ll_gap = max(abs(lls["gmmlib"][key] - lls["sklearn"][key]) for key in ("start", "end"))
    zero_resp = float(np.mean(gmmlib.e_step(X, lls["gmmlib"]["params"]) == 0))
    return {
        "case": (N, D, K),
        "times": per_iter,
        "median": {name: statistics.median(ts) for name, ts in per_iter.items()},
        "ll": lls["gmmlib"]["end"],
        "ll_gap": ll_gap,
        "zero_resp": zero_resp,
    }


def print_em_table(rows):
    header = (f"{'N':>8} {'D':>3} {'K':>3} | {'gmmlib ms/iter':>22} | "
              f"{'sklearn ms/iter':>22} | {'ratio':>5} | {'LL/point':>10} | "
              f"{'|ΔLL/point|':>11} agree")
    print(header)
    print("-" * len(header))
    for row in rows:
        N, D, K = row["case"]
        g, s = row["median"]["gmmlib"], row["median"]["sklearn"]
        agree = "yes" if row["ll_gap"] <= LL_TOLERANCE else "NO"
        print(f"{N:>8,} {D:>3} {K:>3} | {_ms_with_range(row['times']['gmmlib']):>22} | "
              f"{_ms_with_range(row['times']['sklearn']):>22} | {g / s:>5.2f} | "
              f"{row['ll']:>10.4f} | {row['ll_gap']:>11.1e} {agree}")


def flops_per_iteration(N, D, K):
    """4 N K D^2: two (N, D) @ (D, D) products per component (see the module docstring)."""
    return 4 * N * K * D * D


def gemm_rate(N, D, repeats=GEMM_REPEATS):
    """GFLOP/s of numpy's matrix product (N, D) @ (D, D), the shape of the
    work, best of `repeats` timings of enough products to take ~20 ms."""
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((N, D)), rng.standard_normal((D, D))
    out = np.empty((N, D))
    np.matmul(A, B, out=out)  # warm-up
    t0 = time.perf_counter()
    np.matmul(A, B, out=out)
    inner = max(1, int(0.02 / max(time.perf_counter() - t0, 1e-6)))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            np.matmul(A, B, out=out)
        best = min(best, (time.perf_counter() - t0) / inner)
    return 2 * N * D * D / best / 1e9


def print_flops_table(rows, rates):
    print(f"\n   Arithmetic: 4 N K D^2 flops per iteration; GEMM = numpy (N, D) @ (D, D) with the "
          f"same BLAS threads, best of {GEMM_REPEATS}; floor = flops / GEMM rate\n")
    header = (f"{'N':>8} {'D':>3} {'K':>3} | {'Mflop/iter':>10} | {'gmmlib GFLOP/s':>14} | "
              f"{'sklearn GFLOP/s':>15} | {'GEMM GFLOP/s':>12} | {'floor ms':>8} | "
              f"{'gmmlib / floor':>14} | {'r_ik = 0':>8}")
    print(header)
    print("-" * len(header))
    for row, rate in zip(rows, rates):
        N, D, K = row["case"]
        flops = flops_per_iteration(N, D, K)
        g, s = row["median"]["gmmlib"], row["median"]["sklearn"]
        floor = flops / (rate * 1e9)
        print(f"{N:>8,} {D:>3} {K:>3} | {flops / 1e6:>10.1f} | {flops / g / 1e9:>14.1f} | "
              f"{flops / s / 1e9:>15.1f} | {rate:>12.1f} | {1e3 * floor:>8.2f} | "
              f"{g / floor:>13.2f}x | {100 * row['zero_resp']:>7.0f}%")


def print_goals(rows, rates):
    ratios = [row["median"]["gmmlib"] / row["median"]["sklearn"] for row in rows]
    widest = max(range(len(rows)), key=lambda i: rows[i]["case"][1])
    N, D, K = rows[widest]["case"]
    floor = flops_per_iteration(N, D, K) / (rates[widest] * 1e9)
    times_floor = rows[widest]["median"]["gmmlib"] / floor
    verdict = {True: "met", False: "MISSED"}
    print(f"\n   goals: ratio <= {RATIO_GOAL:.2f} at every size: "
          f"{verdict[max(ratios) <= RATIO_GOAL]} ({', '.join(f'{r:.2f}' for r in ratios)}); "
          f"D={D} within {FLOOR_GOAL:g}x of the matrix-multiply floor: "
          f"{verdict[times_floor <= FLOOR_GOAL]} ({times_floor:.2f}x)")


def _ms_with_range(seconds):
    ms = [1e3 * t for t in seconds]
    return f"{statistics.median(ms):.2f} ({min(ms):.2f}-{max(ms):.2f})"


def section_em(repeats, blas_threads):
    from threadpoolctl import threadpool_limits

    print("\n1. Time per EM iteration: gmmlib.fit vs sklearn GaussianMixture(covariance_type='full')")
    print(f"   same data, same start, reg_covar={REG_COVAR:g}, tol=0; per iteration = "
          f"(t[max_iter={N_LONG}] - t[max_iter={N_SHORT}]) / {N_LONG - N_SHORT};")
    print(f"   median (min-max) of {repeats} interleaved repeats; ratio = gmmlib / sklearn "
          f"(<= 1.0: gmmlib no slower); BLAS threads: {blas_threads or 'defaults'}")
    print("   LL/point: final mean log-likelihood; |ΔLL/point|: largest gap between the "
          "libraries, at the start and at the end\n")
    rows = []
    with threadpool_limits(limits=blas_threads or None, user_api="blas"):
        for N, D, K in CASES:
            rows.append(bench_case(N, D, K, repeats))
        rates = [gemm_rate(N, D) for N, D, K in CASES]
    print_em_table(rows)
    print_flops_table(rows, rates)
    print_goals(rows, rates)
    return rows


# ---------------------------------------------------------------------------
# Section 2: the stepper inside a Jupyter kernel

# Runs inside the kernel, after MARK (JSON_MARK) and SPEC (STEPPER_SPEC as JSON) are set.
KERNEL_CODE = r'''
import json, random, statistics, sys, time

def _gmmlib_bench_stepper(spec):
    import matplotlib
    import numpy as np
    from IPython.display import display

    out = {"executable": sys.executable, "prefix": sys.prefix,
           "backend": matplotlib.get_backend(), "cases": []}
    t0 = time.perf_counter()
    try:
        from gmmlib.widgets import em_stepper, kmeans_stepper
    except Exception as err:  # not written yet, or broken
        out["error"] = f"cannot import gmmlib.widgets.em_stepper: {type(err).__name__}: {err}"
        return out
    out["import_ms"] = 1e3 * (time.perf_counter() - t0)

    def dataset(D, n):
        try:
            from gmmlib import datasets
            X = (datasets.three_bumps_1d(n, seed=0) if D == 1
                 else datasets.three_blobs_2d(n, seed=0))[0]
            return X, f"gmmlib.datasets.{'three_bumps_1d' if D == 1 else 'three_blobs_2d'}"
        except Exception:  # a seeded stand-in with the same shape
            rng = np.random.default_rng(0)
            centres = np.array([[-2.0, 0.0], [1.0, 3.0], [4.0, -1.0]])[:, :D]
            X = centres[rng.integers(3, size=n)] + 0.7 * rng.standard_normal((n, D))
            return (X[:, 0] if D == 1 else X), "seeded 3-cluster stand-in"

    def build(kind, X, K):
        make = em_stepper if kind == "EM" else kmeans_stepper
        t = time.perf_counter()
        stepper = make(X, K, **spec["fit_options"])
        ms = 1e3 * (time.perf_counter() - t)
        display(stepper)
        return stepper, ms

    def visit(stepper, order):
        times = []
        for v in order:
            if v == stepper.slider.value:  # no change, no redraw
                continue
            t = time.perf_counter()
            stepper.slider.value = v
            times.append(1e3 * (time.perf_counter() - t))
        return times

    for kind, D, n, K in spec["datasets"]:
        X, source = dataset(D, n)
        in_order, in_order_ms = build(kind, X, K)
        last = in_order.slider.max
        steps = list(range(1, last + 1))  # the build drew half-step 0
        shuffled_steps = steps[:]
        random.Random(spec["seed"]).shuffle(shuffled_steps)
        first = visit(in_order, steps)
        again = visit(in_order, steps)
        out["cases"].append({"kind": kind, "D": D, "N": n, "K": K, "source": source,
                             "max": last, "order": "in order", "build_ms": in_order_ms,
                             "first": first, "revisit": again})
        shuffled, shuffled_ms = build(kind, X, K)
        first = visit(shuffled, shuffled_steps)
        again = visit(shuffled, shuffled_steps)
        out["cases"].append({"kind": kind, "D": D, "N": n, "K": K, "source": source,
                             "max": last, "order": "shuffled", "build_ms": shuffled_ms,
                             "first": first, "revisit": again})
    return out

print(MARK + json.dumps(_gmmlib_bench_stepper(json.loads(SPEC))), flush=True)
'''

STEPPER_SPEC = {
    "datasets": [("EM", 1, 300, 3), ("EM", 2, 500, 3), ("K-means", 2, 500, 3)],  # (stepper, D, N, K)
    "fit_options": {"seed": 0},
    "seed": 0,  # of the shuffled order
}


def start_kernel(stderr):
    """A kernel running this Python: (manager, client, how it was started, temp dir).

    The kernel's stderr goes to the open file ``stderr`` (shown on failure).
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from jupyter_client.manager import KernelManager, start_new_kernel

    # The kernel gets ipykernel's default matplotlib backend (inline), not
    # whatever MPLBACKEND this shell has.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    launch = {"cwd": str(ROOT), "env": env, "stderr": stderr}
    try:
        argv0 = KernelSpecManager().get_kernel_spec("python3").argv[0]
    except NoSuchKernel:
        argv0 = None
    # jupyter_client itself replaces a bare "python"/"python3" by sys.executable.
    this_python = {sys.executable, "python", f"python{sys.version_info[0]}",
                   "python%d.%d" % sys.version_info[:2]}
    if argv0 in this_python:
        km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60, **launch)
        return km, kc, "the python3 kernelspec", None

    spec_root = tempfile.mkdtemp(prefix="gmmlib-bench-kernels-")
    spec_dir = Path(spec_root, "gmmlib-bench")
    spec_dir.mkdir()
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "gmmlib bench", "language": "python",
    }))
    km = KernelManager(kernel_name="gmmlib-bench",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[spec_root]))
    try:
        km.start_kernel(**launch)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
    except Exception:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
        shutil.rmtree(spec_root, ignore_errors=True)
        raise
    return km, kc, f"a temporary kernelspec (python3's runs {argv0!r})", spec_root


def run_in_kernel(kc, code, timeout=KERNEL_TIMEOUT_S):
    """Execute code; return (everything it printed to stdout, error text or None)."""
    stdout, errors = [], []

    def on_iopub(msg):
        kind, content = msg["header"]["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            stdout.append(content["text"])
        elif kind == "error":
            errors.append(re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(content["traceback"])))

    reply = kc.execute_interactive(code, output_hook=on_iopub, timeout=timeout,
                                   store_history=False)
    if reply["content"]["status"] != "ok" and not errors:
        errors.append(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    return "".join(stdout), ("\n".join(errors) or None)


def measure_stepper():
    """Run the stepper benchmark in a fresh kernel: (result dict, how started)."""
    code = f"MARK = {JSON_MARK!r}\nSPEC = {json.dumps(STEPPER_SPEC)!r}\n" + KERNEL_CODE
    with tempfile.TemporaryFile("w+") as kernel_stderr:
        try:
            km, kc, how, spec_root = start_kernel(kernel_stderr)
            try:
                stdout, error = run_in_kernel(kc, code)
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)
                if spec_root:
                    shutil.rmtree(spec_root, ignore_errors=True)
            if error:
                raise RuntimeError(f"the benchmark code failed inside the kernel:\n{error}")
            for line in stdout.splitlines():
                if line.startswith(JSON_MARK):
                    return json.loads(line[len(JSON_MARK):]), how
            raise RuntimeError(f"the kernel printed no result; its output was:\n{stdout}")
        except Exception as err:
            kernel_stderr.seek(0)
            log = kernel_stderr.read().strip()
            if not log:
                raise
            raise RuntimeError(f"{type(err).__name__}: {err}\nkernel stderr:\n"
                               + textwrap.indent(log, "    ")) from err


def percentile(values, q):
    return float(np.percentile(values, q)) if values else float("nan")


def print_stepper_table(cases):
    header = (f"{'stepper':<8} {'data':<12} {'half-steps':>10} {'order':<9} {'build ms':>8} | "
              f"{'first visits: median  p90':>26} | {'revisits: median  p90':>22} | target")
    print(header)
    print("-" * len(header))
    for c in cases:
        first, again = c["first"], c["revisit"]
        verdict = "met" if c["build_ms"] <= BUILD_TARGET_MS else "MISSED"
        print(f"{c['kind']:<8} {c['D']}-D N={c['N']:<5} {c['max'] + 1:>10} {c['order']:<9} {c['build_ms']:>8.0f} | "
              f"{'':>7}{statistics.median(first):>8.1f} {percentile(first, 90):>8.1f} ms | "
              f"{'':>3}{statistics.median(again):>8.1f} {percentile(again, 90):>8.1f} ms | "
              f"{verdict}")
    print(f"\n   target: building a stepper (every frame rendered) <= {BUILD_TARGET_MS:.0f} ms; "
          "key press to picture in a browser: bench/browser.py")


def section_stepper():
    print("\n2. Steppers inside a Jupyter kernel: building em_stepper and kmeans_stepper "
          "(every frame), then stepper.slider.value = v (the kernel's figure kept in step)")
    try:
        import jupyter_client  # noqa: F401
        import ipykernel  # noqa: F401
    except ImportError as err:
        print(f"   SKIPPED: {err}. Install the test extras: make install")
        return None
    try:
        result, how = measure_stepper()
    except Exception as err:  # the section must not take section 1 down with it
        print(f"   SKIPPED: could not measure the stepper: {type(err).__name__}: {err}")
        return None
    print(f"   kernel: {result['executable']} via {how}; matplotlib backend {result['backend']}")
    if result["prefix"] != sys.prefix:
        print(f"   WARNING: the kernel runs in {result['prefix']}, not in {sys.prefix}")
    if "error" in result:
        print(f"   SKIPPED: {result['error']}")
        return result
    sources = sorted({c["source"] for c in result["cases"]})
    print(f"   data: {', '.join(sources)}; fit options {STEPPER_SPEC['fit_options']}; "
          f"import gmmlib.widgets {result['import_ms']:.0f} ms")
    print("   build = em_stepper(X, K) or kmeans_stepper(X, K), including the fit and the first draw; "
          "timed per slider change with time.perf_counter\n")
    print_stepper_table(result["cases"])
    return result


# ---------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=REPEATS,
                        help=f"timed repeats per library and size (default {REPEATS})")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads for both libraries in section 1 "
                             "(default 1; 0 leaves the libraries' defaults)")
    parser.add_argument("--skip-em", action="store_true", help="skip section 1")
    parser.add_argument("--skip-stepper", action="store_true", help="skip section 2")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    print("gmmlib benchmark")
    for line in machine_lines(args.blas_threads):
        print("  " + line)
    if not args.skip_em:
        section_em(args.repeats, args.blas_threads)
    if not args.skip_stepper:
        section_stepper()
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
