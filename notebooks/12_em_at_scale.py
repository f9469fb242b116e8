# %% [markdown]
# # Lesson 12: EM at scale: chunks, a cluster and mini-batches
#
# **What you will do.** Fit a mixture to every pixel of a full-size
# photograph in three ways that never need all the points at once: chunk by
# chunk from a file on disk, on a Dask cluster of worker processes, and by
# mini-batches that update the parameters many times per pass. The first two
# give exactly the fit of EM in memory; you will see what the third trades
# for its speed. Three exercises check your own code: the sufficient
# statistics of a chunk, the M-step from them, and one update of mini-batch EM.
#
# **What you will learn.**
# - that the M-step needs the data only through three sums per component, the *sufficient statistics*;
# - how EM runs out of core, one pass over the chunks per iteration, with the same iterates as in memory;
# - how much memory the data take, and how little the statistics do;
# - how the same EM runs on a Dask cluster, and what travels between the machines;
# - stepwise (mini-batch) EM: running statistics, the step size $\gamma_t$, and what its schedule changes.
#
# **What you need.** Lessons 01-03 (the E- and M-steps, the log-likelihood,
# EM with vectors and matrices) and lesson 11 (pixels as data). No Dask:
# section 5 says what each call does.
#
# **Time.** About 50 minutes.

# %%
import tempfile
from pathlib import Path

import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import Patch
from sklearn.datasets import load_sample_image

import gmmlib
from gmmlib.components import canonical
from gmmlib.plotting import COMPONENT_COLORS, component_colors, use_course_style
from gmmlib.scale import (fit_chunked, fit_dask, fit_minibatch, m_step_from_statistics,
                          sufficient_statistics)

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)


def largest_gap(fit_a, fit_b):
    """The largest difference between two fits' parameters, over every iteration."""
    return max(np.abs(x - y).max()
               for p, q in zip(fit_a.history, fit_b.history, strict=True)
               for x, y in ((p.weights, q.weights), (p.means, q.means),
                            (p.covariances, q.covariances)))

# %% [markdown]
# ## 1. Every pixel of a photograph
#
# Lesson 11 averaged blocks of $4 \times 4$ pixels to keep its fits short.
# Here we keep every pixel of scikit-learn's other photograph, a temple
# tower above a lake in China, with its colours divided by 255 so that each lies in $[0, 1]$: one
# row $x_i = (r_i, g_i, b_i)$ per pixel, $D = 3$.

# %%
photo = load_sample_image("china.jpg")
X = photo.reshape(-1, 3) / 255            # one row per pixel: (r, g, b)
N, D = X.shape
print(f"photograph {photo.shape}, X {X.shape}, {X.nbytes / 1e6:.2f} MB")
assert (N, D) == (273_280, 3)

# %% [markdown]
# These 273 280 pixels fit in memory; they stand in for data that do not.
# Such data are too large to seed a start from, so the start comes from a
# random sample of 10 000 pixels: $K = 3$ means by k-means++ seeding, equal
# weights, each covariance that of the sample (`max_iter=0` stops before
# the first iteration). Every fit of this lesson starts from it.

# %%
K = 3
sample = X[np.random.default_rng(0).choice(N, 10_000, replace=False)]
start = gmmlib.fit(sample, K, max_iter=0, seed=0).params
print("means of the start:\n", start.means)

# %% [markdown]
# ## 2. The M-step needs only sums
#
# Lesson 03's M-step, from the responsibilities $r_{ik}$ of the E-step:
#
# $$N_k = \sum_i r_{ik}, \quad \pi_k = \frac{N_k}{N}, \quad
# \mu_k = \frac{1}{N_k}\sum_i r_{ik}\, x_i, \quad
# \Sigma_k = \frac{1}{N_k}\sum_i r_{ik}\,(x_i - \mu_k)(x_i - \mu_k)^\top.$$
#
# The last sum is taken about $\mu_k$, which is known only once every point
# has been seen, so a chunk could not add its share in the same pass. Multiply the product out, and write $S_k = \sum_i r_{ik}\,
# x_i = N_k \mu_k$:
#
# $$\sum_i r_{ik}(x_i - \mu_k)(x_i - \mu_k)^\top
# = T_k - S_k \mu_k^\top - \mu_k S_k^\top + N_k \mu_k \mu_k^\top
# = T_k - N_k\, \mu_k \mu_k^\top, \qquad T_k = \sum_i r_{ik}\, x_i x_i^\top.$$
#
# So the M-step needs, per component, a number $N_k$, a vector $S_k$ and a
# $D \times D$ matrix $T_k$:
#
# $$\pi_k = \frac{N_k}{N}, \qquad \mu_k = \frac{S_k}{N_k}, \qquad
# \Sigma_k = \frac{T_k}{N_k} - \mu_k \mu_k^\top.$$
#
# These are the M-step's **sufficient statistics** (strictly, the *expected*
# ones: the sums that known labels would give, with each label replaced by
# its probability $r_{ik}$); given them, it needs nothing else from the
# data. Each is a **sum over the points**, and the
# E-step works point by point ($r_{ik}$ depends on $x_i$ and the parameters
# alone). So an iteration splits into pieces: for each chunk of points, its
# E-step and its three sums; add the sums; one M-step.
#
# First the $N \times K$ responsibilities of all the pixels under the start:

# %%
resp = gmmlib.e_step(X, start)
print("resp:", resp.shape, " rows sum to 1:", np.allclose(resp.sum(axis=1), 1))

# %% [markdown]
# ### Exercise 1: the statistics of a chunk
#
# Write `sufficient_stats(X, resp)`: for points `X` of shape $(N, D)$ and
# responsibilities `resp` of shape $(N, K)$, return the tuple
# `(counts, sums, outer)` of $N_k$, $S_k$ and $T_k$, with shapes $(K,)$,
# $(K, D)$ and $(K, D, D)$ (row `k` of `sums` is $S_k$, `outer[k]` is
# $T_k$). Keep them sums: nothing divided, nothing subtracted.
# *Hint:* `resp.T @ X` has shape $(K, D)$. For $T_k$, weight one factor of
# the product: `(resp[:, k, None] * X).T @ X`.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_sufficient_stats


def sufficient_stats(X, resp):
    """X (N, D), resp (N, K) -> (counts N_k (K,), sums S_k (K, D), outer T_k (K, D, D))."""
    ...

# %%
check_sufficient_stats(sufficient_stats)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def sufficient_stats(X, resp):
    """X (N, D), resp (N, K) -> (counts N_k (K,), sums S_k (K, D), outer T_k (K, D, D))."""
    counts = resp.sum(axis=0)                               # N_k = sum_i r_ik
    sums = resp.T @ X                                       # S_k = sum_i r_ik x_i
    outer = np.einsum("ik,id,ie->kde", resp, X, X)          # T_k = sum_i r_ik x_i x_i^T
    return counts, sums, outer


check_sufficient_stats(sufficient_stats)

# %% [markdown]
# Now cut the pixels into 10 chunks, compute each chunk's statistics alone,
# add them up, and compare with the statistics of all the pixels at once:

# %%
whole = sufficient_stats(X, resp)
parts = [sufficient_stats(X[rows], resp[rows]) for rows in np.array_split(np.arange(N), 10)]
added = [sum(part[j] for part in parts) for j in range(3)]
for name, a, b in zip(("N_k", "S_k", "T_k"), added, whole):
    same = np.allclose(a, b, rtol=1e-12, atol=0)
    print(f"{name}, shape {str(b.shape):9s}: 10 chunks added = all at once: {same}")
    assert same
print("N_k:", whole[0], " their sum:", round(whole[0].sum(), 6))

# %% [markdown]
# The same sums, to rounding. The counts $N_k$ add up to $N$, since each
# row of `resp` sums to 1.
#
# ### Exercise 2: the M-step from statistics
#
# Write `m_step_from_stats(n, counts, sums, outer)`: from $N$ (`n`, the
# number of points summed) and the three statistics, return the tuple
# `(weights, means, covariances)` of shapes $(K,)$, $(K, D)$ and
# $(K, D, D)$, by the three formulas above (no `reg_covar`).
# *Hint:* for one component, $\mu_k \mu_k^\top$ is `np.outer(mu, mu)`; for
# all at once, `means[:, :, None] * means[:, None, :]`.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_m_step_from_stats


def m_step_from_stats(n, counts, sums, outer):
    """N and N_k, S_k, T_k -> (weights (K,), means (K, D), covariances (K, D, D))."""
    ...

# %%
check_m_step_from_stats(m_step_from_stats)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def m_step_from_stats(n, counts, sums, outer):
    """N and N_k, S_k, T_k -> (weights (K,), means (K, D), covariances (K, D, D))."""
    weights = counts / n                                    # pi_k = N_k / N
    means = sums / counts[:, None]                          # mu_k = S_k / N_k
    covariances = (outer / counts[:, None, None]            # T_k / N_k - mu_k mu_k^T
                   - means[:, :, None] * means[:, None, :])
    return weights, means, covariances


check_m_step_from_stats(m_step_from_stats)

# %% [markdown]
# Your M-step from the added-up chunks, against gmmlib's M-step on all the
# pixels (`reg_covar=0` in both, so that only the formulas are compared):

# %%
mine = m_step_from_stats(N, *added)
direct = gmmlib.m_step(X, resp, reg_covar=0)
gap = max(np.abs(a - b).max() for a, b in zip(mine, (direct.weights, direct.means,
                                                     direct.covariances)))
print("largest difference below 1e-12:", gap < 1e-12)
assert gap < 1e-12

# %% [markdown]
# gmmlib has both steps in `gmmlib.scale`: `sufficient_statistics(X, params)`
# runs the E-step and returns the sums (and the log-likelihood, a sum too);
# `m_step_from_statistics(stats)` gives the parameters. It takes the sums
# about a fixed point $c$ near the data, $S_k = \sum_i r_{ik}(x_i - c)$ and
# so on, and adds $c$ back, because $T_k / N_k - \mu_k \mu_k^\top$
# subtracts two numbers of the size of $|\mu_k|^2$ to get one of the size
# of $\Sigma_k$. Move the pixels a million units from the origin: then
# $T_k / N_k$ is about $10^{12}$, float64 keeps about 16 digits of it, and
# its rounding alone, about $10^{-4}$, is no longer small next to variances
# of 0.03 to 0.1:

# %%
far = X + 1e6                                             # the same pixels, moved
far_start = gmmlib.GMMParams(start.weights, start.means + 1e6, start.covariances)
about_origin = m_step_from_stats(N, *sufficient_stats(far, resp))[2]
about_c = m_step_from_statistics(sufficient_statistics(far, far_start), reg_covar=0).covariances
error = {name: np.abs(cov - direct.covariances).max() / np.abs(direct.covariances).max()
         for name, cov in (("origin", about_origin), ("c", about_c))}
print("relative error of Σ_k, sums about the origin, above 1e-6:", error["origin"] > 1e-6)
print("relative error of Σ_k, sums about c, below 1e-9:", error["c"] < 1e-9)
variances = np.diagonal(direct.covariances, axis1=1, axis2=2)
assert error["origin"] > 1e-6 and error["c"] < 1e-9
assert (round(variances.min(), 2), round(variances.max(), 1)) == (0.03, 0.1)

# %% [markdown]
# (The responsibilities are the same: the parameters moved with the data.)
# Your formulas are right; pixels in $[0, 1]$ are safe about either point.
#
# ## 3. EM out of core
#
# *Out of core*: the data stay on disk and are read a chunk at a time. We
# save the pixels to a `.npy` file in a temporary folder and open it
# **memory-mapped**: `np.load(..., mmap_mode="r")` returns an array whose
# rows are read from the file only when used.

# %%
folder = tempfile.TemporaryDirectory()
path = Path(folder.name) / "pixels.npy"
np.save(path, X)
on_disk = np.load(path, mmap_mode="r")
print(type(on_disk).__name__, on_disk.shape, f"{path.stat().st_size / 1e6:.2f} MB on disk")

# %% [markdown]
# `fit_chunked(chunks, K, init=start)` runs EM with one pass over the
# chunks per iteration: each chunk's E-step gives its statistics, they are
# added, the M-step uses the total. Since every iteration reads the data
# again, `chunks` is a function that starts a fresh pass each time it is
# called. Ours reads 50 000 rows at a time (1.2 MB) and counts the passes:

# %%
CHUNK = 50_000
passes = []


def read_pixels():
    """One pass over the file, CHUNK rows at a time."""
    passes.append(len(passes))              # the number of this pass, from 0
    for i in range(0, N, CHUNK):
        yield np.array(on_disk[i:i + CHUNK])

# %% [markdown]
# EM in memory, `gmmlib.fit` with its default stopping rule, then the same
# from the file (which we delete after):

# %%
in_memory = gmmlib.fit(X, K, init=start)
chunked = fit_chunked(read_pixels, K, init=start)
print(f"in memory: {in_memory.n_iter} iterations, converged {in_memory.converged}")
print(f"chunked:   {chunked.n_iter} iterations, converged {chunked.converged}, "
      f"{len(passes)} passes over the file")
print("largest difference between their iterates below 1e-10:",
      largest_gap(chunked, in_memory) < 1e-10)
assert chunked.n_iter == in_memory.n_iter == 37 and len(passes) == 38
assert largest_gap(chunked, in_memory) < 1e-10
del on_disk
folder.cleanup()

# %% [markdown]
# The same 37 iterations, the same parameters at every one. There is one
# pass more than iterations: the first gives the start's statistics, and
# the pass after each M-step gives both the new parameters' log-likelihood
# (for the stopping rule) and the statistics for the next M-step.

# %% [markdown]
# ## 4. The memory arithmetic
#
# Why bother? Take $N = 10^9$ points in $D = 3$ dimensions, stored as
# float64 (8 bytes a number), and $K = 3$.

# %%
N_big = 10**9
numbers = K * (1 + D + D * D)                   # N_k, S_k and T_k of every component
print(f"X: {N_big * D * 8 / 1e9:.0f} GB, and the responsibilities {N_big * K * 8 / 1e9:.0f} GB more")
print(f"one chunk of {CHUNK} rows: {CHUNK * D * 8 / 1e6:.1f} MB")
print(f"the statistics: {numbers} numbers, {numbers * 8} bytes")
assert (N_big * D * 8, numbers, numbers * 8) == (24 * 10**9, 39, 312)

# %% [markdown]
# The points take 24 GB, more than most laptops hold, and the
# responsibilities as much again. Chunk by chunk, EM holds one chunk and its
# responsibilities, and one iteration carries $K(1 + D + D^2) = 39$ numbers,
# 312 bytes, from the data to the M-step (fewer still, since $T_k$ is
# symmetric), however large $N$. The price is time: every iteration reads
# all the data.
#
# ## 5. The same EM on a cluster, with Dask
#
# When one machine is too slow, the chunks can live on several. **Dask**
# does the bookkeeping: a `dask.array` is an array cut into **blocks**
# (here of rows); a **scheduler** sends tasks to **worker** processes, each
# task where its block is. Blocks of 50 000 rows:

# %%
import logging

import dask.array as da
from distributed import Client, LocalCluster

X_dask = da.from_array(X, chunks=(CHUNK, D))
print(f"{X_dask.numblocks[0]} blocks of up to {CHUNK} rows, {X_dask.dtype}")
assert X_dask.numblocks == (6, 1)

# %% [markdown]
# `LocalCluster` starts a scheduler and two worker processes (one thread
# each) on this machine; a `Client` connects the notebook to them:

# %%
def quiet_logs():
    """On a worker: log only critical errors (a worker stopped in the middle of its
    regular heartbeat to the scheduler logs a harmless error, at random)."""
    logging.getLogger("distributed").setLevel(logging.CRITICAL)


cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                       dashboard_address=":0")         # its web page on any free port
client = Client(cluster)
client.wait_for_workers(2)
client.run(quiet_logs)                      # runs the function on every worker
print("workers:", len(client.scheduler_info()["workers"]))

# %% [markdown]
# `fit_dask` runs the same EM. Each iteration sends the parameters to the
# workers; each of the 6 blocks computes its statistics on the worker that
# holds it; the statistics are added in pairs; only their 39 numbers (and
# the log-likelihood) come back for the M-step. The points never travel.

# %%
on_dask = fit_dask(X_dask, K, init=start, client=client)
print(f"Dask: {on_dask.n_iter} iterations, converged {on_dask.converged}")
print("largest difference from EM in memory below 1e-10:", largest_gap(on_dask, in_memory) < 1e-10)
assert on_dask.n_iter == in_memory.n_iter and largest_gap(on_dask, in_memory) < 1e-10

# %% [markdown]
# The same fit again. On a real cluster one line changes: the client
# connects to the scheduler's address, `client = Client("tcp://scheduler:8786")`
# (the workers need gmmlib installed, and would read their blocks from
# shared storage, e.g. `da.from_zarr`, rather than from the notebook). We
# close the client and the cluster:

# %%
client.close()
cluster.close()

# %% [markdown]
# How fast is each? Timings vary between runs and machines, so this lesson
# prints none: `make bench` prints the time per iteration and the peak
# memory as $N$ grows, for gmmlib in memory, scikit-learn, chunks and Dask.
# On one machine Dask adds the cost of sending tasks and results; it pays
# off when the data outgrow the machine.
#
# ## 6. Mini-batch EM
#
# Chunks and clusters still make one M-step per pass over all the data: 37
# passes above. **Stepwise EM** (online or mini-batch EM; Cappé and
# Moulines, 2009) makes an M-step after every small batch of points. It
# keeps **running statistics per point**
# $s = (\bar N_k, \bar S_k, \bar T_k)$, averages instead of sums, so that
# $\sum_k \bar N_k = 1$. At step $t$ it takes a batch $B_t$ of $|B|$ points,
# runs the E-step on them under the current parameters, computes their
# sums $\mathrm{stats}(B_t) = (N_k, S_k, T_k)$, and updates
#
# $$s \leftarrow (1 - \gamma_t)\, s + \gamma_t\, \frac{\mathrm{stats}(B_t)}{|B|},$$
#
# then the parameters become the M-step from $s$ (with $N = 1$). The **step
# size** $\gamma_t \in (0, 1]$ says how much the new batch counts. Before the
# first batch, $s$ holds what the start expects of one point:
# $\bar N_k = \pi_k$, $\bar S_k = \pi_k \mu_k$ and
# $\bar T_k = \pi_k (\Sigma_k + \mu_k \mu_k^\top)$, from which the M-step
# gives the start back.
#
# ### Exercise 3: one stepwise update
#
# Write `stepwise_update(running, batch, batch_size, gamma)`: `running` is
# the tuple $(\bar N_k, \bar S_k, \bar T_k)$ per point, `batch` the tuple of
# a batch's sums $(N_k, S_k, T_k)$ (what `sufficient_stats` returns) over
# `batch_size` points, and `gamma` is $\gamma_t$. Return the updated tuple,
# of the same shapes, without changing the arrays you are given.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_stepwise_update


def stepwise_update(running, batch, batch_size, gamma):
    """(N_k, S_k, T_k) per point, a batch's sums (N_k, S_k, T_k), |B|, gamma_t -> the new running tuple."""
    ...

# %%
check_stepwise_update(stepwise_update)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def stepwise_update(running, batch, batch_size, gamma):
    """(N_k, S_k, T_k) per point, a batch's sums (N_k, S_k, T_k), |B|, gamma_t -> the new running tuple."""
    return tuple((1 - gamma) * s + gamma * b / batch_size for s, b in zip(running, batch))


check_stepwise_update(stepwise_update)

# %% [markdown]
# With your three functions, stepwise EM is a short loop: ten batches of
# $N/10$ pixels in a random order, $\gamma_t = (t + 2)^{-0.6}$, `reg_covar`
# added to each covariance as gmmlib does (lesson 06), and then gmmlib's
# `fit_minibatch`, which visits the points in the same order for the same seed:

# %%
B = N // 10                                              # 27 328 pixels per batch
order = np.random.default_rng(0).permutation(N)
w, m, c = start.weights, start.means, start.covariances
running = (w, w[:, None] * m, w[:, None, None] * (c + m[:, :, None] * m[:, None, :]))
params = start
for t in range(10):
    batch = X[order[t * B:(t + 1) * B]]
    running = stepwise_update(running, sufficient_stats(batch, gmmlib.e_step(batch, params)),
                              B, (t + 2) ** -0.6)
    weights, means, covariances = m_step_from_stats(1.0, *running)
    params = gmmlib.GMMParams(weights, means, covariances + 1e-6 * np.eye(D))

theirs = fit_minibatch(X, K, init=start, batch_size=B, n_epochs=1, step=0.6, seed=0).params
gap = max(np.abs(a - b).max() for a, b in ((params.weights, theirs.weights),
                                           (params.means, theirs.means),
                                           (params.covariances, theirs.covariances)))
print("your ten steps = fit_minibatch's, to within 1e-10:", gap < 1e-10)
assert gap < 1e-10

# %% [markdown]
# ### The step size
#
# Why should stepwise EM converge? $\mathrm{stats}(B_t)/|B|$ is a noisy
# estimate of the statistics per point that a full E-step under the current
# parameters would give, and the update moves $s$ a step $\gamma_t$ towards
# it: a *stochastic approximation* (Robbins and Monro, 1951) of EM's fixed
# point. Cappé and Moulines show that it converges, like EM, to a
# stationary point of the log-likelihood (for batches drawn at random from
# the data), when $\sum_t \gamma_t = \infty$ (so that $s$ can
# travel any distance) and $\sum_t \gamma_t^2 < \infty$ (so that the
# batches' noise averages out). $\gamma_t = (t + 2)^{-a}$ meets both for
# $0.5 < a \le 1$:
#
# - $a = 1$: $s$ is the plain average of the start's and every batch's
#   statistics; the early batches, computed under poor parameters, are
#   never forgotten;
# - $a = 0.6$: old batches fade faster;
# - a constant $\gamma$ breaks the second condition: fast at first, but $s$
#   keeps moving with each batch's noise.
#
# Three runs of `fit_minibatch`, batches of 1 000 pixels, three passes each,
# with the log-likelihood of all the pixels recorded four times per pass (a
# full E-step each time, which does not change the fit):

# %%
schedules = {"a = 0.6": 0.6, "a = 1.0": 1.0, "constant γ = 0.05": lambda t: 0.05}
runs = {label: fit_minibatch(X, K, init=start, batch_size=1000, n_epochs=3, step=step,
                             seed=0, evaluations_per_epoch=4)
        for label, step in schedules.items()}
print(f"{runs['a = 0.6'].n_steps} M-steps in 3 passes, {runs['a = 0.6'].n_steps // 3} per pass")
assert runs["a = 0.6"].n_steps == 3 * 274

# %% [markdown]
# Against full-batch EM, one M-step per pass (section 3's fit), as the mean
# log-likelihood per pixel:

# %%
styles = {"a = 0.6": ("#9467bd", "o-"), "a = 1.0": ("#8c564b", "s--"),
          "constant γ = 0.05": ("#17becf", "^-.")}
best = in_memory.log_likelihoods[-1] / N
fig, axes = plt.subplots(1, 3, figsize=(16, 5), layout="constrained",
                         gridspec_kw={"width_ratios": [1.2, 1, 1]})
for ax in axes[:2]:
    ax.plot(np.arange(in_memory.n_iter + 1), in_memory.log_likelihoods / N, "D-",
            color="black", lw=2, ms=5, label="full-batch EM (one M-step per pass)")
    for label, run in runs.items():
        color, style = styles[label]
        ax.plot(run.passes, run.log_likelihoods / N, style, color=color, lw=2, ms=6,
                label=f"mini-batch, {label}")
    ax.axhline(best, color="0.4", lw=1.5, ls=":")
    ax.set_xlabel("passes over the data")
    ax.set_ylabel("mean log-likelihood per pixel")
    ax.grid(alpha=0.3)
axes[0].set_title(f"all {in_memory.n_iter} passes of full-batch EM")
axes[1].set_xlim(-0.05, 3.1)
axes[1].set_ylim(best - 0.01, best + 0.001)
axes[1].set_title("zoom on the top\n(dotted: full-batch EM's final value)")
for label, run in runs.items():
    color, style = styles[label]
    steps = np.arange(1, run.n_steps + 1)
    axes[2].plot(steps / (run.n_steps / 3), run.step_sizes, style[1:], color=color, lw=2)
axes[2].set_yscale("log")
axes[2].set_xlabel("passes over the data")
axes[2].set_ylabel("step size $\\gamma_t$")
axes[2].set_title("the step sizes")
axes[2].grid(alpha=0.3)
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
plt.show()

# %% [markdown]
# The values at the end of each pass, and how many passes full-batch EM
# needs to do as well as $a = 0.6$ does in two:

# %%
ends = [1.0, 2.0, 3.0]
table = pd.DataFrame({"full-batch EM": in_memory.log_likelihoods[1:4] / N,
                      **{label: run.log_likelihoods[np.isin(run.passes, ends)] / N
                         for label, run in runs.items()}},
                     index=pd.Index([1, 2, 3], name="passes"))
display(table)
target = table.loc[2, "a = 0.6"]
needed = int(np.argmax(in_memory.log_likelihoods / N >= target))
print(f"full-batch EM reaches {target:.4f} after {needed} passes")
final = {label: run.step_sizes[-1] for label, run in runs.items()}
print("the last step sizes:", ", ".join(f"{label}: {g:.4f}" for label, g in final.items()))
assert needed == 25 and table.loc[3, "a = 1.0"] < table.loc[1, "a = 0.6"]
early = int(np.sum(runs["a = 0.6"].step_sizes > 0.05))
print(f"steps where (t + 2)^-0.6 > 0.05: the first {early}")
assert [round(g, 4) for g in final.values()] == [0.0178, 0.0012, 0.05] and early == 146

# %% [markdown]
# With $a = 0.6$, mini-batch EM is at 3.4044 after two passes, which
# full-batch EM needs 25 passes to reach, and at 3.4053 after three, near
# the 3.4055 where full-batch EM ends after 37: 274 M-steps per pass
# instead of one.
#
# The schedules differ in how fast $\gamma_t$ falls (right panel). With
# $a = 1$ it falls fastest, to 0.0012: the statistics average every batch
# so far, the early ones computed under poor parameters, and after three
# passes (3.2846, below the zoom) it is still below $a = 0.6$ after one
# (3.3560). (Unlike EM's, a mini-batch log-likelihood can also dip a
# little: each step follows one batch.) The constant $\gamma = 0.05$ is smaller than $(t + 2)^{-0.6}$
# for the first 146 steps, about half a pass, so it starts more slowly and
# then catches up. But it stays at 0.05, almost three times the final 0.0178
# of $a = 0.6$: with a constant step, $s$ takes in 5% of each new batch's
# noise for ever and ends in a cloud around the fixed point, of a size that
# shrinks with $\gamma$, where a falling step shrinks the cloud to nothing.
# Larger batches also cut the noise, at fewer M-steps per pass.
#
# Do the fits give the same picture? Each pixel in the colour of its most
# probable component, numbered from dark to bright (`canonical`, by the red
# of the means), the mini-batch fit numbered to match:

# %%
colors = component_colors(K)
full_params = canonical(in_memory.params)                 # numbered darkest first
mini_params = canonical(runs["a = 0.6"].params, full_params)
labels_full, labels_mini = gmmlib.predict(X, full_params), gmmlib.predict(X, mini_params)
fig, axes = plt.subplots(1, 3, figsize=(15, 3.9), layout="constrained")
axes[0].imshow(photo)
axes[0].set_title("the photograph")
axes[1].imshow(colors[labels_full].reshape(photo.shape))
axes[1].set_title(f"full-batch EM, {in_memory.n_iter} passes")
axes[2].imshow(colors[labels_mini].reshape(photo.shape))
axes[2].set_title("mini-batch EM (a = 0.6), 3 passes")
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.legend(handles=[Patch(color=COMPONENT_COLORS[k], label=f"component {k}") for k in range(K)],
           loc="outside lower center", ncols=K)
plt.show()
same = np.mean(labels_full == labels_mini)
print("weights:", full_params.weights, "\nmean colours:\n", full_params.means)
print(f"pixels in the same component: {same:.2%}")
assert np.all(np.diff(full_params.means[:, 0]) > 0) and round(same, 4) == 0.9996
assert np.round(full_params.weights, 2).tolist() == [0.21, 0.43, 0.37]

# %% [markdown]
# Component 0 (blue, 21% of the pixels) takes the dark ones, leaves and
# shadows; component 1 (orange, 43%) the middle tones, the lake, the far
# shore and the lit parts of the tower; component 2 (green, 37%) the bright,
# slightly blue sky. The two fits agree on 99.96% of the pixels.

# %% [markdown]
# ## Summary
#
# - The M-step needs the data only through three sums per component, $N_k = \sum_i r_{ik}$, $S_k = \sum_i r_{ik} x_i$ and $T_k = \sum_i r_{ik} x_i x_i^\top$: then $\pi_k = N_k / N$, $\mu_k = S_k / N_k$, $\Sigma_k = T_k / N_k - \mu_k \mu_k^\top$. Sums are best taken about a point near the data, or the subtraction loses digits.
# - Sums over chunks add up to the sums over all the points, so an EM iteration is one pass over the chunks: from a file (`fit_chunked`) or on the workers of a Dask cluster (`fit_dask`), with exactly the iterates of EM in memory.
# - Memory: one chunk at a time; $K(1 + D + D^2)$ numbers travel per iteration, whatever $N$. Time: one pass over all the data per iteration.
# - Stepwise EM keeps running statistics per point, $s \leftarrow (1 - \gamma_t)\, s + \gamma_t\, \mathrm{stats}(B_t)/|B|$, and makes an M-step after every batch: here as high after 2 passes as full-batch EM after 25. $\gamma_t = (t+2)^{-a}$ with $0.5 < a \le 1$ converges; $a = 1$ forgets too slowly; a constant $\gamma$ never stops moving.
#
# ## Where next
#
# This is the last lesson of the course. To go on:
#
# - **Back to lesson 02.** The bound $B(q, \theta)$ justifies more ways of
#   cutting EM into pieces: Neal and Hinton's *incremental EM* keeps each
#   chunk's statistics, and after the E-step of one chunk replaces that
#   chunk's share of the total before an M-step: the bound never goes down,
#   and there is no step size to choose (their paper closes lesson 02).
# - **Bayesian mixtures at scale.** The variational updates of
#   `BayesianGaussianMixture` (lesson 10) use the same $N_k$, $S_k$, $T_k$;
#   *stochastic variational inference* (Hoffman, Blei, Wang and Paisley,
#   *Journal of Machine Learning Research* 14, 2013) is to it what stepwise
#   EM is to EM.
# - **Dask-ML** (<https://ml.dask.org>) runs scikit-learn-style estimators on
#   Dask arrays, among them `dask_ml.cluster.KMeans` with the parallel
#   k-means|| start, a way to choose a start from all the data instead of a
#   sample. scikit-learn's own mini-batch clustering is `MiniBatchKMeans`.
# - **Read** Cappé and Moulines, "On-line expectation-maximization algorithm
#   for latent data models" (*Journal of the Royal Statistical Society B* 71,
#   2009), for why stepwise EM converges and the averaging of its iterates,
#   and Liang and Klein, "Online EM for unsupervised models" (NAACL 2009),
#   for step sizes and batch sizes in practice.
# - **Try** it yourself: `fit_minibatch` on this photograph with $K = 5$,
#   with batches of 100 and of 10 000 pixels; or `fit_chunked` on a file of
#   your own that does not fit in memory. `make bench` shows how the time per
#   iteration grows with $N$.
