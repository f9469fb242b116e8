# %% [markdown]
# # Lesson 12: EM at scale: sufficient statistics, chunks and a cluster
#
# **What you will do.** Fit a mixture to every pixel of a full-size
# photograph in two ways that never need all the points at once: chunk by
# chunk from a file on disk, and on a Dask cluster of worker processes. Both
# give the fit of EM in memory, to rounding. Two exercises check your own
# code: the sufficient statistics of a chunk, and the M-step from them.
#
# **What you will learn.**
# - that the M-step needs the data only through three sums per component, the *sufficient statistics*;
# - why those sums are taken about a point near the data, and what goes wrong about the origin;
# - how EM runs out of core, one pass over the chunks per iteration, with the iterates of EM in memory;
# - how much memory the data take, and how little the statistics do;
# - how the same EM runs on a Dask cluster, and what travels between the machines.
#
# **What you need.** Lessons 01-03 (the E- and M-steps, the log-likelihood,
# EM with vectors and matrices) and lesson 11 (pixels as data). No Dask:
# section 5 says what each call does.
#
# **Time.** About 40 minutes.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from sklearn.datasets import load_sample_image

import gmmlib
from gmmlib.components import canonical
from gmmlib.plotting import use_course_style
from gmmlib.scale import (fit_chunked, fit_dask, local_cluster, m_step_from_statistics,
                          sufficient_statistics)

use_course_style()
np.set_printoptions(precision=4, suppress=True)


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
# From this start, EM in memory (`gmmlib.fit`, its default stopping rule)
# is the fit that every later one must reproduce. Each pixel in the mean
# colour of its most probable component, the components numbered from dark
# to bright (`canonical`):

# %%
in_memory = gmmlib.fit(X, K, init=start)
params = canonical(in_memory.params)                    # numbered darkest first
segments = params.means[gmmlib.predict(X, params)].reshape(photo.shape)
fig, axes = plt.subplots(1, 2, figsize=(12.5, 5.4), layout="constrained")
for ax, title, picture in ((axes[0], "the photograph, 273 280 pixels", photo),
                           (axes[1], f"3 components, EM in memory, {in_memory.n_iter} iterations",
                            segments)):
    ax.imshow(picture, interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])
swatches = [Line2D([], [], marker="s", ms=18, ls="none", color=mean, markeredgecolor="black")
            for mean in params.means]
fig.legend(swatches, [f"component {k}: {w:.0%} of the pixels" for k, w in enumerate(params.weights)],
           ncols=K, loc="outside lower center", fontsize=12, title="mean colours")
plt.show()
assert np.round(params.weights, 2).tolist() == [0.21, 0.43, 0.37]

# %% [markdown]
# Three colours: nearly black for the leaves and the shadows, a grey-brown
# for the lake, the far shore and the lit parts of the tower, a pale
# blue-white for the sky. Sections 3 and 5 compute this fit again without
# ever holding all the pixels at once.

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

# %% [markdown]
# These are the M-step's **sufficient statistics** (strictly, the *expected*
# ones: the sums that known labels would give, with each label replaced by
# its probability $r_{ik}$); given them, it needs nothing else from the
# data.

# %% [markdown]
# Each is a **sum over the points**, and the
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
# ### Sums about a point near the data
#
# gmmlib has the same two steps in `gmmlib.scale`, with other arguments than
# yours:
#
# | yours (the exercises) | gmmlib's |
# |---|---|
# | `sufficient_stats(X, resp)`: the three sums from given responsibilities | `sufficient_statistics(X, params)`: runs the E-step itself, and returns one object holding $N$, the three sums and the log-likelihood (a sum too) |
# | `m_step_from_stats(n, counts, sums, outer)` | `m_step_from_statistics(stats)`: takes that object, adds `reg_covar` |

# %% [markdown]
# And gmmlib takes its sums about a fixed point $c$ near the data, not
# about the origin: in `fit_chunked` and `fit_dask` the mean of the first
# chunk, the same $c$ for every chunk; in one call of
# `sufficient_statistics(X, params)`, the mean of `X` unless its `shift=`
# says otherwise.
#
# $$S_k = \sum_i r_{ik}\,(x_i - c), \qquad
# T_k = \sum_i r_{ik}\,(x_i - c)(x_i - c)^\top, \qquad
# \mu_k = c + \frac{S_k}{N_k}, \qquad
# \Sigma_k = \frac{T_k}{N_k} - \frac{S_k}{N_k}\,\frac{S_k^\top}{N_k}.$$
#
# Your formulas are the case $c = 0$.

# %% [markdown]
# Why bother? About $c$,
# $T_k / N_k \approx (\mu_k - c)(\mu_k - c)^\top + \Sigma_k$, and the
# formula for $\Sigma_k$ subtracts the first term again. When $\mu_k$ is
# far from $c$, that is two large numbers subtracted to leave a small one,
# so every rounding error in $T_k / N_k$ lands in full on $\Sigma_k$. Move
# the pixels a million units from the origin and take the sums about the
# origin: each term of $T_k$ is then about $10^{12}$, and each of the
# 273 280 additions rounds the running sum by up to $1.1 \times 10^{-16}$
# of its size.

# %% [markdown]
# Below, $T_k$ about the origin is computed in two ways: term by term with
# `einsum`, as in the solution, and with the hint's matrix product. Then
# $\Sigma_k = T_k / N_k - \mu_k \mu_k^\top$ from each, against
# `gmmlib.m_step` on the pixels where they were:

# %%
far = X + 1e6                                          # the same pixels, moved
counts, sums = resp.sum(axis=0), resp.T @ far          # N_k, and S_k about the origin
mu = sums / counts[:, None]
outer = {"einsum": np.einsum("ik,id,ie->kde", resp, far, far),                # term by term
         "matrix product": np.stack([(resp[:, k, None] * far).T @ far for k in range(K)])}
error, smallest = {}, {}
for name, T in outer.items():
    cov = T / counts[:, None, None] - mu[:, :, None] * mu[:, None, :]
    error[name] = np.abs(cov - direct.covariances).max() / np.abs(direct.covariances).max()
    smallest[name] = np.linalg.eigvalsh(cov)[:, 0]   # the smallest eigenvalue of each Σ_k
    print(f"{name:14s}: relative error of Σ_k {error[name]:.0%}, smallest eigenvalues",
          smallest[name].round(4))
print("gmmlib.m_step : smallest eigenvalues", np.linalg.eigvalsh(direct.covariances)[:, 0].round(4))
assert error["einsum"] > 0.3 and error["matrix product"] > 0.005
assert np.any(smallest["einsum"] < 0)

# %% [markdown]
# (The responsibilities are those of the pixels where they were: the
# parameters moved with the data would give the same.) The roundings add
# up like a random walk, to about
# $\sqrt{N} \times 10^{-16} \times 10^{12} \approx 0.05$ in $T_k / N_k$:
# as much as the variances themselves, 0.03 to 0.1. Term by term, the
# error of $\Sigma_k$ is about as large as its largest entry (100% here):
# not one digit of these covariances is right, and some have a negative
# eigenvalue, a negative variance along some direction, which no covariance
# can have. The matrix product makes as many roundings, but BLAS adds the
# terms in blocks and then adds the blocks' totals, so most additions go
# into partial sums much smaller than the whole, and each rounding is
# smaller: a few per cent (5% here), still enough to make small eigenvalues
# negative. The exact figures depend on the machine's BLAS; their sizes do
# not. The same pixels with gmmlib's sums, about $c$ = the mean of `far`
# (one call, no `shift=`):

# %%
far_start = gmmlib.GMMParams(start.weights, start.means + 1e6, start.covariances)
about_c = m_step_from_statistics(sufficient_statistics(far, far_start), reg_covar=0).covariances
error_c = np.abs(about_c - direct.covariances).max() / np.abs(direct.covariances).max()
print("relative error of Σ_k, sums about c, below 1e-9:", error_c < 1e-9)
variances = np.diagonal(direct.covariances, axis1=1, axis2=2)
assert error_c < 1e-9 and (round(variances.min(), 2), round(variances.max(), 1)) == (0.03, 0.1)

# %% [markdown]
# Your formulas are right, and pixels in $[0, 1]$ are safe about either
# point: that is why the exercises sum about the origin.

# %% [markdown]
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
# The same EM from the file (which we delete after), against EM in memory
# (section 1):

# %%
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
# The same 37 iterations, and the same parameters at every one, to rounding
# (within $10^{-10}$). There are 38 passes, one more than iterations: the
# first gives the start's statistics, and the pass after each M-step gives
# both the new parameters' log-likelihood (for the stopping rule) and the
# statistics for the next M-step.

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

# %% [markdown]
# ## 5. The same EM on a cluster, with Dask
#
# When one machine is too slow, the chunks can live on several. **Dask**
# does the bookkeeping: a `dask.array` is an array cut into **blocks**
# (here of rows); a **scheduler** sends tasks to **worker** processes, each
# task where its block is. Blocks of 50 000 rows:

# %%
import dask.array as da

X_dask = da.from_array(X, chunks=(CHUNK, D))
print(f"{X_dask.numblocks[0]} blocks of up to {CHUNK} rows, {X_dask.dtype}")
assert X_dask.numblocks == (6, 1)

# %% [markdown]
# `local_cluster(n_workers=2)`, from `gmmlib.scale`, starts a small Dask
# cluster on this machine: a scheduler and two worker processes with one
# thread each, and a `Client` that connects the notebook to them. In a
# `with` block it waits until both workers have joined, keeps Dask's logs
# quiet, and closes everything at the end of the block.
#
# Inside, `fit_dask` runs the same EM. The points travel once, to the
# workers: first each block is sent to a worker, which keeps it in memory.
# After that only parameters and statistics do. Each iteration sends the
# parameters to the workers; each of the 6 blocks computes its statistics
# on the worker that holds it; the statistics are added in pairs, and only
# their total, 39 numbers and the log-likelihood, comes back for the M-step.

# %%
with local_cluster(n_workers=2) as client:
    print("workers:", len(client.scheduler_info()["workers"]))
    on_dask = fit_dask(X_dask, K, init=start, client=client)
print(f"Dask: {on_dask.n_iter} iterations, converged {on_dask.converged}")
print("largest difference from EM in memory below 1e-10:", largest_gap(on_dask, in_memory) < 1e-10)
assert on_dask.n_iter == in_memory.n_iter and largest_gap(on_dask, in_memory) < 1e-10

# %% [markdown]
# The same fit again, to rounding. On a real cluster, the client connects
# to the scheduler's address instead, `client = Client("tcp://scheduler:8786")`
# (`from distributed import Client`; the workers need gmmlib installed).
# There the workers would read their blocks from shared storage (e.g.
# `da.from_zarr`), so that the points do not even travel from the notebook.
#
# How fast is each? Timings vary between runs and machines, so this lesson
# prints none: `make bench` (its `bench/scale.py` part) prints the time per
# iteration and the peak memory as $N$ grows, for gmmlib in memory,
# scikit-learn, chunks and Dask. On one machine Dask adds the cost of
# sending tasks and results; it pays off when the data outgrow the machine.

# %% [markdown]
# ## Summary
#
# - The M-step needs the data only through three sums per component, $N_k = \sum_i r_{ik}$, $S_k = \sum_i r_{ik} x_i$ and $T_k = \sum_i r_{ik} x_i x_i^\top$: then $\pi_k = N_k / N$, $\mu_k = S_k / N_k$, $\Sigma_k = T_k / N_k - \mu_k \mu_k^\top$.
# - Take the sums about a point $c$ near the data: about the origin, the subtraction in $\Sigma_k$ keeps the rounding errors of $T_k / N_k$, and for data a million units away nothing of $\Sigma_k$ is left.
# - Sums over chunks add up to the sums over all the points, so an EM iteration is one pass over the chunks: from a file (`fit_chunked`) or on the workers of a Dask cluster (`fit_dask`, here on `local_cluster`), with the iterates of EM in memory to rounding.
# - Memory: one chunk at a time; $K(1 + D + D^2)$ numbers travel per iteration, whatever $N$; on a cluster the points travel once, to the workers. Time: one pass over all the data per iteration.
#
# ## Where next
#
# - **Lesson 13: Mini-batch EM.** Chunks and clusters still make one M-step
#   per pass over all the data: 37 M-steps, and 38 passes, above. Stepwise
#   EM makes an M-step after every small batch of points, with the same
#   sufficient statistics, averaged over the points and updated by a step
#   size; lesson 13 builds it and compares it with full-batch EM pass for pass.
# - **Dask-ML** (<https://ml.dask.org>) runs scikit-learn-style estimators on
#   Dask arrays, among them `dask_ml.cluster.KMeans` with the parallel
#   k-means|| start, a way to choose a start from all the data instead of a
#   sample.
# - **Try** `fit_chunked` on a file of your own that does not fit in memory,
#   e.g. one `.npy` file per chunk and `lambda: (np.load(f) for f in files)`.
