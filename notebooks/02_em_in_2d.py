# %% [markdown]
# # Lesson 02: EM in several dimensions
#
# **What you will do.** Take the EM algorithm of lesson 01 from a line to a
# plane. Each component becomes a cloud of points with a shape and a tilt,
# described by a covariance matrix and drawn as an ellipse. You will write the
# density and both EM steps with numpy's matrices, check them against `gmmlib`,
# watch EM fit three clusters, and finally fit the eruptions of the Old Faithful geyser.
#
# **What you will learn.**
# - the multivariate normal density, and how to read a covariance matrix as an ellipse;
# - the E-step and the M-step with vectors and matrices;
# - how a fitted mixture assigns new points, softly or hard, and why the weights count;
# - why the start matters: local optima, restarts, and label switching;
# - why real data are often standardised before fitting.
#
# **What you need.** Lesson 01. Matrix products, the inverse and the
# determinant of a matrix; eigenvalues and eigenvectors help, and section 2
# recalls what we need of them.
#
# **Time.** About 60 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmmlib
from gmmlib.components import match_components, permute_components
from gmmlib.datasets import old_faithful, three_blobs_2d
from gmmlib.steps import em_filmstrip
from gmmlib.plotting import (covariance_ellipse, plot_covariance_ellipses, plot_log_likelihood,
                             plot_mixture_2d, plot_strips, use_course_style)

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. The multivariate normal
#
# A point is now a vector $x \in \mathbb R^D$ (here $D = 2$). A normal
# distribution in $D$ dimensions has a **mean vector** $\mu$ and a **covariance
# matrix** $\Sigma$ of shape $D \times D$: on its diagonal the variance of each
# coordinate, off the diagonal how two coordinates vary together. $\Sigma$ must
# be **symmetric positive definite**: $\Sigma^\top = \Sigma$ and all its
# eigenvalues $> 0$. That is what makes the formula below a valid density
# ($|\Sigma| > 0$, and the exponent falls in every direction), and what makes
# its level sets ellipses (section 2). The density is
#
# $$\mathcal N(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{D/2} \, |\Sigma|^{1/2}}
#   \exp\!\left(-\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)\right).$$
#
# Compare it with the 1-D formula of lesson 01: $(x-\mu)^2/\sigma^2$ has become
# $(x-\mu)^\top \Sigma^{-1} (x-\mu)$, the squared **Mahalanobis distance**, with
# the **inverse** of $\Sigma$ where $1/\sigma^2$ was; and $\sigma^2$ under the
# square root has become the **determinant** $|\Sigma|$. In logarithms:
#
# $$\log \mathcal N(x \mid \mu, \Sigma) = -\tfrac12 \left( D \log 2\pi + \log|\Sigma| + (x-\mu)^\top \Sigma^{-1} (x-\mu) \right).$$

# %%
def log_normal(X, mean, cov):
    """log N(x_i | mean, cov) for every row x_i of X, shape (N, D) -> (N,)."""
    D = X.shape[1]
    if not np.allclose(cov, cov.T):
        raise ValueError("cov must be symmetric")
    np.linalg.cholesky(cov)              # raises LinAlgError unless all eigenvalues are > 0
    diff = X - mean                                                    # (N, D)
    # einsum: for every row n, sum_ij diff[n, i] A[i, j] diff[n, j], i.e. the
    # row-wise d_n^T A d_n; the same as [d @ A @ d for d in diff], without the loop
    mahalanobis2 = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
    _, log_det = np.linalg.slogdet(cov)                                # log |Sigma|, without overflow
    return -0.5 * (D * np.log(2 * np.pi) + log_det + mahalanobis2)


mean = np.array([1.0, 2.0])
cov = np.array([[2.0, 1.2],
                [1.2, 1.0]])   # variances 2 and 1 on the diagonal, covariance 1.2
points = np.array([[1.0, 2.0], [2.0, 3.0], [2.0, 1.0], [-1.0, 0.5]])

ours = log_normal(points, mean, cov)
print("ours:  ", ours)
print("scipy: ", multivariate_normal(mean, cov).logpdf(points))
one_component = gmmlib.GMMParams([1.0], [mean], [cov])
print("gmmlib:", gmmlib.component_log_densities(points, one_component)[:, 0])

not_pd = np.array([[1.0, 2.0],
                   [2.0, 1.0]])    # symmetric, but its eigenvalues are 3 and -1
try:
    log_normal(points, mean, not_pd)
except np.linalg.LinAlgError as err:
    print("not positive definite:", err)

# %% [markdown]
# The three agree. Note the call `multivariate_normal(mean, cov)`: scipy's
# multivariate normal takes the **covariance** matrix, whereas its 1-D `norm(loc, scale)` takes the
# standard deviation. (`np.linalg.slogdet` returns the log of the determinant
# directly, which stays finite when the determinant itself would under- or overflow.)
# `log_normal` refuses a matrix that is not positive definite: the Cholesky
# factorisation $\Sigma = LL^\top$ exists only for those. Without the check,
# `not_pd` would silently give numbers that are not log-densities: its
# determinant is $-3$, and along its eigenvector of eigenvalue $-1$ the
# "density" would grow without bound.
#
# The points $(2, 3)$ and $(2, 1)$ are both one step right of the mean and one
# step up or down, yet the density at $(2, 3)$ is about 70 times larger
# ($e^{-2.08}$ against $e^{-6.37}$): the covariance 1.2 says the
# two coordinates tend to rise together, so "right and up" goes with the grain of the
# distribution and "right and down" against it. A distance that ignores $\Sigma$ could not tell them apart.
#
# Two mistakes are easy to make in this formula: $\Sigma$ in the exponent
# instead of $\Sigma^{-1}$, and a forgotten determinant. A density must
# integrate to 1, so let us integrate on a fine grid:

# %%
g = np.linspace(-12, 14, 801)
grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
cell = (g[1] - g[0]) ** 2                      # area of one grid cell

right = np.exp(log_normal(grid, mean, cov))
diff = grid - mean
with_sigma = np.exp(-0.5 * np.einsum("ni,ij,nj->n", diff, cov, diff)) / (2 * np.pi * np.sqrt(np.linalg.det(cov)))
no_det = np.exp(-0.5 * np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)) / (2 * np.pi)

print(f"right formula:           {right.sum() * cell:.4f}")
print(f"Sigma instead of inverse: {with_sigma.sum() * cell:.4f}")
print(f"determinant forgotten:    {no_det.sum() * cell:.4f}   (sqrt of |Sigma| = {np.sqrt(np.linalg.det(cov)):.4f})")

# %% [markdown]
# Only the right formula gives 1. Forgetting $|\Sigma|^{1/2}$ multiplies the
# area by exactly $|\Sigma|^{1/2}$ (here 0.7483). Using $\Sigma$ instead of
# $\Sigma^{-1}$ is worse than a wrong constant: it gives a bell of the wrong
# *shape*, narrow along the direction in which the data are spread out and wide
# across it. Either way the numbers are not densities, and responsibilities and
# log-likelihoods computed from them are wrong too.
#
# ## 2. The covariance matrix as an ellipse
#
# The points of equal density are those at equal Mahalanobis distance
# $(x-\mu)^\top \Sigma^{-1} (x-\mu) = s^2$: an ellipse around $\mu$, the
# **$s$-standard-deviation ellipse**. Its axes come from the eigen-decomposition
# $\Sigma = V \Lambda V^\top$:
#
# - the axes point along the **eigenvectors**, the **columns** of $V$;
# - the semi-axis along eigenvector $j$ has length $s\sqrt{\lambda_j}$: the **square root** of the
#   eigenvalue, a standard deviation, not a variance.
#
# `np.linalg.eigh` is the routine for symmetric matrices: it returns the eigenvalues in
# ascending order, and the eigenvectors as the columns of a matrix $V$ that are
# **orthonormal**: each of unit length, and at right angles to each other
# ($V^\top V = I$). Unit length is why $\mu + \sqrt{\lambda_j}\, v_j$ lies exactly one
# standard deviation from the mean along $v_j$.
#
# Two look-alikes to avoid: `np.linalg.eig` (without the h) works for any square matrix
# and returns the eigenvalues in **no particular order**, so `V[:, 1]` need not be
# the major axis; and it does not promise orthonormal eigenvectors either.
# For a covariance, use `eigh`.

# %%
eigenvalues, V = np.linalg.eigh(cov)
print("eigenvalues:      ", eigenvalues)
print("V (columns are the eigenvectors):")
print(V)
# V * eigenvalues broadcasts the (2,) vector over the rows: it multiplies column j
# of V by eigenvalue j, which is V @ np.diag(eigenvalues), i.e. V Lambda
print("cov @ V == V * eigenvalues:", np.allclose(cov @ V, V * eigenvalues))
print("orthonormal columns, V.T @ V == I:", np.allclose(V.T @ V, np.eye(2)))

major = V[:, 1]                                   # the COLUMN of the largest eigenvalue
angle = np.degrees(np.arctan2(major[1], major[0]))
radii = np.sqrt(eigenvalues[::-1])                # SQUARE ROOTS: standard deviations
print(f"angle of the major axis: {angle:.2f} degrees (the same line as {angle % 180:.2f})")
print("semi-axes of the 1-sd ellipse:", radii)
centre, width, height, angle_deg = covariance_ellipse(mean, cov, n_std=1)
print(f"gmmlib's covariance_ellipse: width {width:.4f}, height {height:.4f}, angle {angle_deg:.2f}")

# %% [markdown]
# `gmmlib.plotting.covariance_ellipse` computes the same thing and returns it
# the way matplotlib's `Ellipse` wants it: the centre, full widths (twice the semi-axes) and
# an angle in degrees; $-146.31°$ and $33.69°$ describe the same tilt. Let us
# draw 1000 points from this normal with its 1-, 2- and 3-sd ellipses and its
# two eigenvectors, scaled to one standard deviation.

# %%
rng = np.random.default_rng(0)
sample = rng.multivariate_normal(mean, cov, size=1000)

fig, ax = plt.subplots(figsize=(7, 6))
ax.scatter(*sample.T, s=8, color="0.6")
plot_covariance_ellipses(ax, one_component, n_std=(1, 2))     # 1 sd solid, 2 sd dashed
centre, width, height, angle_deg = covariance_ellipse(mean, cov, n_std=3)
ax.add_patch(Ellipse(centre, width, height, angle=angle_deg, fill=False,
                     edgecolor="#1f77b4", lw=1.5, ls=":"))    # 3 sd dotted
for j, label_at in ((1, (-2.4, 3.7)), (0, (3.0, -0.6))):
    tip = mean + np.sqrt(eigenvalues[j]) * V[:, j]       # one standard deviation along eigenvector j
    ax.annotate("", xy=tip, xytext=mean, zorder=5,
                arrowprops=dict(arrowstyle="-|>", lw=2.5, color="#d62728", mutation_scale=20))
    ax.annotate(f"$\\sqrt{{\\lambda_{j}}}\\,v_{j}$", xy=(mean + tip) / 2, xytext=label_at,
                fontsize=15, color="#d62728", weight="bold", ha="center", va="center",
                arrowprops=dict(arrowstyle="-", lw=0.8, color="#d62728"))
ax.legend(handles=[Line2D([], [], color="#1f77b4", lw=lw, ls=ls, label=label)
                   for lw, ls, label in ((2.5, "-", "1 sd"), (1.5, "--", "2 sd"), (1.5, ":", "3 sd"))],
          loc="lower right")
ax.set_aspect("equal", adjustable="datalim")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("1000 draws with the 1-, 2- and 3-sd ellipses")
plt.show()

mahalanobis2 = np.einsum("ni,ij,nj->n", sample - mean, np.linalg.inv(cov), sample - mean)
for s in (1, 2, 3):
    print(f"inside the {s}-sd ellipse: {np.mean(mahalanobis2 <= s**2):.3f} of the points "
          f"(expected {1 - np.exp(-s**2 / 2):.3f})")

# %% [markdown]
# The 1-sd ellipse is solid, the 2-sd one dashed and the 3-sd one dotted.
# The cloud is stretched along the long red arrow, the eigenvector $v_1$ of the larger
# eigenvalue, and the ellipses follow it; the short arrow $v_0$ is at right angles to it. In two dimensions the share of
# points inside the $s$-sd ellipse is $1 - e^{-s^2/2}$: 39% for one standard
# deviation (not the 68% of a 1-D interval), 86% for two, 99% for three, and
# the sample matches. This is the picture of a component in the rest of the
# course, drawn with the 1-sd (solid) and 2-sd (dashed) ellipses.
#
# Two classic mistakes draw the wrong ellipse: **radii from the eigenvalues** instead
# of their square roots, and the **angle from a row** of $V$ instead of a column.
# The second one can hide: here numpy happened to return a symmetric $V$, so
# row 1 and column 1 hold the same numbers. But an eigenvector is only defined up to its sign,
# and another library, or another matrix, may return $-v$ instead of $v$. Flip the sign of column 1,
# which is just as correct, and compare:

# %%
V_flipped = V * [1, -1]                  # the second eigenvector negated: still eigenvectors
print("still eigenvectors:", np.allclose(cov @ V_flipped, V_flipped * eigenvalues))
angle_column = np.degrees(np.arctan2(V_flipped[1, 1], V_flipped[0, 1]))  # column 1 (right)
angle_row = np.degrees(np.arctan2(V_flipped[1, 1], V_flipped[1, 0]))     # row 1 (wrong)
print(f"angle from the column: {angle_column:.2f}   from the row: {angle_row:.2f}")

versions = {
    "right: sqrt(eigenvalues), column": (2 * np.sqrt(eigenvalues[::-1]), angle_column),
    "wrong: eigenvalues as radii": (2 * eigenvalues[::-1], angle_column),
    "wrong: angle from a row": (2 * np.sqrt(eigenvalues[::-1]), angle_row),
}
fig, axes = plt.subplots(1, 3, figsize=(14, 4.6), sharex=True, sharey=True)
for ax, (title, ((width, height), a)) in zip(axes, versions.items()):
    ax.scatter(*sample.T, s=6, color="0.6")
    for s in (1, 2):
        ax.add_patch(Ellipse(mean, s * width, s * height, angle=a, fill=False,
                             color="#1f77b4", lw=2.5 if s == 1 else 1.5, ls="-" if s == 1 else "--"))
    ax.set_aspect("equal", adjustable="box")   # "datalim" is not allowed when both axes are shared
    ax.set_title(title, fontsize=12)
    ax.set_xlabel("$x_1$")
axes[0].set_ylabel("$x_2$")
plt.show()

# %% [markdown]
# With the column (left) the sign flip changes nothing: $v$ and $-v$ lie on the same line.
# Eigenvalues as radii (middle) stretch the long semi-axis from 1.67 to 2.8 and
# squash the short one from 0.45 to 0.2 (below 1, a variance is smaller than its square root):
# a needle instead of the cloud. The row (right) mirrors the tilt: the ellipse
# leans against the cloud.
#
# ## 3. The E-step and the M-step with vectors and matrices
#
# Our data for the next sections: 500 points from three Gaussians of different
# shapes, from `gmmlib.datasets`. As in lesson 01, we pretend not to know where
# they came from, and start from a rough guess: equal weights, three means picked by
# eye, and the identity matrix as every covariance (circles of radius 1).

# %%
X, z_true = three_blobs_2d(n_samples=500, seed=0)
N, D = X.shape
K = 3

weights = np.full(K, 1 / K)
means = np.array([[-1.0, 2.0], [2.0, -1.0], [3.0, 3.0]])
covariances = np.array([np.eye(D)] * K)
start = gmmlib.GMMParams(weights, means, covariances)

fig, ax = plt.subplots(figsize=(7, 6))
plot_mixture_2d(ax, start, X, soft=False)
ax.set_aspect("equal", adjustable="datalim")     # equal scales: circles look round
ax.set_title("500 points and our rough start")
plt.show()

# %% [markdown]
# The crosses are the three guessed means, the circles their 1- and 2-sd
# ellipses; nobody has coloured the points yet.
#
# The **E-step** is the formula of lesson 01 with the new density,
#
# $$r_{ik} = \frac{\pi_k \, \mathcal N(x_i \mid \mu_k, \Sigma_k)}{\sum_j \pi_j \, \mathcal N(x_i \mid \mu_j, \Sigma_j)},$$
#
# computed, as there, in log space and normalised with log-sum-exp. `resp` has one row per point and
# one column per component.

# %%
log_weighted = np.column_stack([np.log(weights[k]) + log_normal(X, means[k], covariances[k])
                                for k in range(K)])                     # (N, K)
resp = np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))

print("resp.shape:", resp.shape)
print("first three rows:")
print(resp[:3])
print("gmmlib.e_step agrees:", np.allclose(resp, gmmlib.e_step(X, start)))

# %% [markdown]
# The **M-step** keeps its shape, with vectors for the means and matrices for the covariances:
#
# $$N_k = \sum_i r_{ik}, \qquad \pi_k = \frac{N_k}{N}, \qquad
#   \mu_k = \frac{1}{N_k} \sum_i r_{ik}\, x_i, \qquad
#   \Sigma_k = \frac{1}{N_k} \sum_i r_{ik}\, (x_i - \mu_k)(x_i - \mu_k)^\top.$$
#
# The covariance is a weighted average of **outer products** $(x_i - \mu_k)(x_i - \mu_k)^\top$,
# each a $D \times D$ matrix, taken around the **updated** mean $\mu_k$ of the
# line before. In numpy, all the means come out of one matrix product, and
# each covariance out of another: `(resp[:, k, None] * diff).T @ diff` is
# $\sum_i r_{ik}\, d_i d_i^\top$ for the rows $d_i$ of `diff`.

# %%
N_k = resp.sum(axis=0)                                 # (K,)
new_weights = N_k / N                                  # (K,)
new_means = resp.T @ X / N_k[:, None]                  # (K, D): row k is sum_i r_ik x_i / N_k
new_covariances = np.empty((K, D, D))
for k in range(K):
    diff = X - new_means[k]                            # around the UPDATED mean
    new_covariances[k] = (resp[:, k, None] * diff).T @ diff / N_k[k]

print("N_k     ", N_k)
print("weights ", new_weights)
print("means\n", new_means)
print("covariances\n", new_covariances)

# %% [markdown]
# `gmmlib.m_step` with `reg_covar=0` does exactly this. A warning if you reach
# for `np.cov` instead: it expects one **variable per row** (pass `rowvar=False`
# for data with one point per row), and it divides by $N - 1$, and with `aweights=resp[:, k]`
# by the matching correction $N_k - \sum_i r_{ik}^2 / N_k$, not by $N_k$ as the
# M-step does; only `bias=True` divides by $N_k$.

# %%
params_1 = gmmlib.m_step(X, resp, reg_covar=0)
print("weights agree:    ", np.allclose(params_1.weights, new_weights))
print("means agree:      ", np.allclose(params_1.means, new_means))
print("covariances agree:", np.allclose(params_1.covariances, new_covariances))

# np.cov: points in ROWS needs rowvar=False; it divides by N_k only with bias=True
cov_default = np.cov(X, rowvar=False, aweights=resp[:, 0])
cov_bias = np.cov(X, rowvar=False, aweights=resp[:, 0], bias=True)
print(f"np.cov(..., aweights) differs from the M-step by {np.abs(cov_default - new_covariances[0]).max():.4f}")
print("np.cov(..., aweights, bias=True) agrees:", np.allclose(cov_bias, new_covariances[0]))

# %% [markdown]
# As in 1-D, the covariance around the **old** mean is a classic mistake. It
# is too large by exactly the outer product of the step the mean has just made,
# $(\mu_k^{\text{new}} - \mu_k^{\text{old}})(\mu_k^{\text{new}} - \mu_k^{\text{old}})^\top$:

# %%
for k in range(K):
    diff_old = X - means[k]                            # around the OLD mean (wrong)
    wrong = (resp[:, k, None] * diff_old).T @ diff_old / N_k[k]
    step = new_means[k] - means[k]
    print(f"component {k}: mean moved by {step}; variances right {np.diag(new_covariances[k])}, "
          f"wrong {np.diag(wrong)}; wrong - right == outer(step, step):",
          np.abs(wrong - new_covariances[k] - np.outer(step, step)).max() < 1e-9)

# %% [markdown]
# The error is largest when EM moves fast. Component 0's mean moved by 0.88 in
# $x_1$ in this first iteration, so its wrong variance along $x_1$ is
# $0.62 + 0.88^2 = 1.39$, more than twice the right one.
#
# And the loop is the loop of lesson 01. Here are the parameters before and after one iteration,
# and the log-likelihood, $\sum_i \log \sum_k \pi_k \mathcal N(x_i \mid \mu_k, \Sigma_k)$, which rose:

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharex=True, sharey=True)
for ax, params, title in ((axes[0], start, "start"), (axes[1], params_1, "after one iteration")):
    plot_mixture_2d(ax, params, X)                   # colours: responsibilities under params
    ax.set_aspect("equal", adjustable="box")         # "datalim" is not allowed when both axes are shared
    ax.set_title(f"{title}: log-likelihood {gmmlib.log_likelihood(X, params):.2f}")
plt.show()

# %% [markdown]
# Here each panel colours the points by the responsibilities under **its own**
# parameters: the right panel is recoloured by the new ones. (The stepper of
# section 4 works differently.) On the left, with equal weights and three equal
# circles, each point leans most towards the nearest guess; the colours are
# soft, so points about equally far from two guesses get a blend.
# On the right, after one M-step, the ellipses have stretched along the points they
# were given, but they have not found the clusters yet: blue is a tall ellipse that
# straddles the bottom-left cluster and the top one. The log-likelihood rose by 559.
#
# Put together, the two steps make the whole algorithm: a plain-numpy loop
# like lesson 01's `em_1d`, now with vectors and matrices. Run for 20
# iterations from our start, it should give the same parameters as `gmmlib.fit`
# with the same start, no convergence test (`tol=0`) and no regularisation (`reg_covar=0`):

# %%
def em_2d(X, weights, means, covariances, n_iter):
    """Plain-numpy EM for a mixture with full covariances; returns the parameters and the log-likelihoods."""
    N, K = X.shape[0], len(weights)
    lls = []
    for _ in range(n_iter + 1):
        # E-step, in log space; its log-sum-exp also gives the log-likelihood
        log_weighted = np.column_stack([np.log(weights[k]) + log_normal(X, means[k], covariances[k])
                                        for k in range(K)])
        log_total = logsumexp(log_weighted, axis=1, keepdims=True)
        lls.append(log_total.sum())
        if len(lls) > n_iter:                   # n_iter M-steps done: stop after the E-step
            break
        resp = np.exp(log_weighted - log_total)
        # M-step: weights, means, then the covariances around the NEW means
        N_k = resp.sum(axis=0)
        weights = N_k / N
        means = resp.T @ X / N_k[:, None]
        covariances = np.array([(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) / N_k[k]
                                for k in range(K)])
    return weights, means, covariances, np.array(lls)


n = 20
w20, m20, c20, lls_20 = em_2d(X, weights, means, covariances, n_iter=n)
reference = gmmlib.fit(X, 3, init=start, max_iter=n, tol=0, reg_covar=0)
print(f"log-likelihood: {lls_20[0]:.2f} at the start, {lls_20[-1]:.2f} after {n} iterations")
print("weights agree to 1e-9:     ", np.abs(w20 - reference.params.weights).max() < 1e-9)
print("means agree to 1e-9:       ", np.abs(m20 - reference.params.means).max() < 1e-9)
print("covariances agree to 1e-9: ", np.abs(c20 - reference.params.covariances).max() < 1e-9)
print("log-likelihoods agree to 1e-6:", np.abs(lls_20 - reference.log_likelihoods).max() < 1e-6)

# %% [markdown]
# They agree. From here on we let `gmmlib.fit` run the loop.
#
# ## 4. Step through EM in two dimensions
#
# The stepper of lesson 01 works unchanged on 2-D data, with the same call.
# Each point is coloured by its responsibilities, each component is drawn as its
# 1-sd (solid) and 2-sd (dashed) ellipse around its mean (the cross), and the
# log-likelihood panel is on the right; both axes of the data panel have the
# same scale, so circles look round and tilts are true. Step 0 is the start chosen by k-means++
# (see section 6), odd steps are E-steps (the colours change), even steps M-steps
# (the ellipses move).
#
# The stepper's rule for the colours: **an E-step recolours the points by the
# responsibilities under the current parameters, and the M-step after it keeps those
# colours** while the ellipses move to the new parameters. So an M-step panel shows the new
# ellipses over the colours that produced them (unlike the before/after figure of section 3,
# which recoloured by the new parameters).

# %% tags=["nbval-ignore-output"]
from gmmlib.widgets import em_stepper

stepper = em_stepper(X, 3, seed=0)
stepper

# %% [markdown]
# Things to try: find the first step at which the three colours are pure;
# watch the top cluster's ellipse tilt at the M-steps; re-run with `init="random"`, `seed=10`
# and `max_iter=500` (that run needs 132 iterations, more than the default `max_iter=100`;
# section 6 explains what you see). An instructor can jump anywhere from code:

# %%
stepper.slider.value = 6
print(stepper.steps[stepper.slider.value].label)
print(f"iterations: {stepper.result.n_iter}, final log-likelihood: {stepper.result.log_likelihoods[-1]:.2f}")

# %% [markdown]
# Without a running kernel, here are some of the same half-steps side by side:

# %%
stepper.filmstrip([0, 1, 2, 6, stepper.slider.max])

# %% [markdown]
# At the start (step 0) all three components have the covariance of the whole data,
# three big overlapping ellipses, and the points are grey. The first E-step colours
# the points, with many blends where the ellipses overlap (the olive points at the top are
# shared by green and orange). The M-step after it (step 2) keeps those colours and
# moves each ellipse onto the points that coloured it; by the M-step of
# iteration 3 (step 6, in the colours of E-step 3) each ellipse sits on its own cluster, and the remaining steps
# only refine the shapes while the log-likelihood flattens.
#
# ## 5. Soft assignment of new points
#
# A fitted mixture answers, for any new point, the question the E-step answers
# for the data: how probable is it that each component made it?
# `gmmlib.predict_proba(X_new, params)` returns these probabilities (the
# responsibilities, weights included), and `gmmlib.predict` the most probable
# component. We use the stepper's fit, `stepper.result`, which is `gmmlib.fit(X, 3, seed=0)`.

# %%
fitted = stepper.result.params
print("weights:", fitted.weights)
print("means:\n", fitted.means)

new_points = np.array([[0.0, 0.0],     # in the middle of a cluster
                       [1.85, 1.0],    # between two clusters
                       [2.9, 2.65]])   # in the gap between two others
proba = gmmlib.predict_proba(new_points, fitted)
table = pd.DataFrame(new_points, columns=["x1", "x2"])
for k in range(K):
    table[f"P(component {k})"] = proba[:, k]
table["predict"] = gmmlib.predict(new_points, fitted)
with pd.option_context("display.float_format", "{:.4f}".format):
    display(table)

# %%
fig, ax = plt.subplots(figsize=(7, 6))
plot_mixture_2d(ax, fitted, X)
ax.set_aspect("equal", adjustable="datalim")
ax.scatter(*new_points.T, marker="*", s=450, color="gold", edgecolors="black", zorder=5)
for i, p in enumerate(new_points):
    ax.annotate(f"point {i}", p, xytext=(12, -4), textcoords="offset points", fontsize=13,
                bbox=dict(boxstyle="round", fc="white", alpha=0.8))
ax.set_title("three new points (stars) and the fitted mixture")
plt.show()

# %% [markdown]
# Point 0 sits in the orange cluster and belongs to it with probability 1
# (to four decimals). Point 1 lies where the orange and blue ellipses meet and is shared almost
# evenly, 0.51 against 0.49: `predict` has to pick one, but the honest answer is
# "either". Point 2, in the gap between the blue and green clusters, goes to
# blue with 0.52 against 0.47.
#
# The probabilities include the weights $\pi_k$: the blue component (weight
# 0.35) makes more points than the green one (0.28), so when their densities are close, blue is the
# likelier maker. Code that forgets the weights (another classic mistake) compares the bare densities,
# and for point 2 that changes the answer:

# %%
log_dens = gmmlib.component_log_densities(new_points, fitted)        # (3, K), no weights
without = np.exp(log_dens - logsumexp(log_dens, axis=1, keepdims=True))
print("with the weights (right):     ", proba[2], "-> component", gmmlib.predict(new_points, fitted)[2])
print("without the weights (wrong):  ", without[2], "-> component", np.argmax(without[2]))

# %% [markdown]
# Without the weights, point 2 goes to green, 0.52 against 0.46. The weights move the
# boundary between two components towards the lighter one. Here they are
# fairly even, so only points close to a boundary change sides; the more
# unequal the weights, the wider the band of points that a weightless rule gets wrong.
#
# ## 6. Initialisation matters
#
# EM climbs the log-likelihood from wherever it starts, and stops at the top of
# the hill it is on, which need not be the highest hill: a **local optimum**. `gmmlib.fit`
# starts every component with weight $1/K$ and the covariance of the whole data, and
# places the means in one of two ways:
#
# - `init="random"`: $K$ distinct data points drawn uniformly;
# - `init="kmeans++"` (the default): spread-out data points, by *greedy* k-means++. The first
#   is drawn uniformly. For each next one, $2 + \lfloor\log K\rfloor$ candidates are drawn, each
#   with probability proportional to its squared distance from the nearest mean so far, and
#   the candidate that leaves the smallest sum of squared distances from the points to their
#   nearest mean is kept. So two means rarely land in the same cluster.
#
# Here is one random start that goes wrong, seed 10, next to the fit of the stepper:

# %%
bad = gmmlib.fit(X, 3, init="random", seed=10, max_iter=500)
good = stepper.result
print(f"random start, seed 10: log-likelihood {bad.log_likelihoods[-1]:.2f} after {bad.n_iter} iterations, "
      f"converged: {bad.converged}")
print(f"k-means++, seed 0:     log-likelihood {good.log_likelihoods[-1]:.2f} after {good.n_iter} iterations, "
      f"converged: {good.converged}")

# Colour the bad run's components like the most similar components of the good fit
# (match_components, see section 7); its start keeps the numbering of its end.
perm_bad = match_components(good.params, bad.params)
bad_start, bad_end = (permute_components(p, perm_bad) for p in (bad.history[0], bad.params))

fig, axes = plt.subplots(1, 3, figsize=(16, 5), sharex=True, sharey=True)
panels = ((bad_start, "random start (seed 10)", False),
          (bad_end, f"where it ends: {bad.log_likelihoods[-1]:.2f}", True),
          (good.params, f"the better fit: {good.log_likelihoods[-1]:.2f}", True))
for ax, (params, title, soft) in zip(axes, panels):
    plot_mixture_2d(ax, params, X, soft=soft)
    ax.set_aspect("equal", adjustable="box")         # "datalim" is not allowed when both axes are shared
    ax.set_title(title)
plt.show()

# %% [markdown]
# The random start put two of its three means into the same (bottom left)
# cluster. EM never recovers: those two components split that cluster between
# them, and the third has to cover the other two clusters with one wide
# ellipse. It has converged, to a log-likelihood about 108 lower than the
# better fit's. No small step improves it, so EM cannot leave. (To make the panels
# comparable, the bad run's components are renumbered with `match_components` of section 7,
# so that each takes the colour of the most similar component of the better fit: orange
# holds the bottom-left cluster in both, the wide ellipse is green like the top
# cluster, one of the two it covers, and blue, squeezed into the bottom-left cluster, has no
# counterpart, whereas blue is the right cluster in the better fit.)
#
# How often does this happen? Let us run 50 seeds of each kind of start and
# collect the final log-likelihoods (`max_iter=500` so that every run converges).

# %%
final = {}
for init in ("random", "kmeans++"):
    runs = [gmmlib.fit(X, 3, init=init, seed=seed, max_iter=500) for seed in range(50)]
    assert all(r.converged for r in runs)
    final[init] = np.array([r.log_likelihoods[-1] for r in runs])
    worse = final[init] < final[init].max() - 1
    print(f"{init:9s}: best {final[init].max():.2f}, worse by more than 1 in {worse.sum()} of 50 "
          f"(seeds {np.flatnonzero(worse).tolist()})")

fig, ax = plt.subplots(figsize=(9, 3.2))
plot_strips(ax, {f'init="{init}"': lls for init, lls in final.items()})
for row, lls in enumerate(final.values()):              # overlapping dots: write the counts
    at_best = lls >= lls.max() - 1
    ax.annotate(f"{at_best.sum()} runs", (lls.max(), row), xytext=(-12, 0), textcoords="offset points",
                ha="right", va="center", fontsize=12)
    if (~at_best).any():
        seeds = ", ".join(str(seed) for seed in np.flatnonzero(~at_best))
        ax.annotate(f"seeds {seeds}", (lls[~at_best].max(), row), xytext=(12, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=12)
ax.set_xlabel("final log-likelihood")
ax.set_title("where EM ends from 50 starts of each kind")
plt.show()

# %% [markdown]
# Each dot is one run; the dots at the same value overlap, so the counts are written next to them.
# Almost all runs pile up at the same best value, $-1654.75$ (48 random starts); two random starts
# (seeds 10 and 21) end about 110 lower, in a local optimum like the one above. The 50 k-means++
# starts all reach the best value. On well-separated clusters, k-means++
# makes a bad start rare; it does not make it impossible, and with more
# components or overlapping clusters bad starts come back.
#
# The cure is cheap: run EM from several starts and keep the fit with the
# highest final log-likelihood. `fit(..., n_init=10)` does that, drawing the starts one after the other from
# one seeded generator; `result.start` says which start won and
# `result.start_log_likelihoods` shows all of them:

# %%
several = gmmlib.fit(X, 3, init="random", seed=10, n_init=10, max_iter=500)
print("final log-likelihood of each start:")
print(np.round(several.start_log_likelihoods, 2))
print(f"the winner is start {several.start}: {several.log_likelihoods[-1]:.2f}")

# %% [markdown]
# Start 0 is the bad start of seed 10 we drew above (the same generator, first
# draw); the nine others find the better optimum, and the winner is one of them. (Their
# final values agree to the two decimals printed: which of them wins is decided by the
# last digits, and does not matter.)
#
# ## 7. Label switching
#
# Two runs that reach the same optimum need not number their components the same
# way: nothing in the likelihood says which cluster is "component 0". Here are the
# k-means++ fits from seeds 0 and 3:

# %%
fit_a = gmmlib.fit(X, 3, seed=0)
fit_b = gmmlib.fit(X, 3, seed=3)
print(f"log-likelihoods: {fit_a.log_likelihoods[-1]:.2f} and {fit_b.log_likelihoods[-1]:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharex=True, sharey=True)
for ax, (name, result) in zip(axes, (("seed 0", fit_a), ("seed 3", fit_b))):
    plot_mixture_2d(ax, result.params, X)
    ax.set_aspect("equal", adjustable="box")         # "datalim" is not allowed when both axes are shared
    for k, m in enumerate(result.params.means):
        ax.annotate(f"{k}", m, xytext=(10, 8), textcoords="offset points", fontsize=15, weight="bold")
    ax.set_title(f"k-means++, {name}")
plt.show()

# %% [markdown]
# The same ellipses, the same log-likelihood, but the blue and green components have
# swapped clusters. Comparing "component 0 of one fit" with "component 0 of
# the other" would compare different clusters. `gmmlib.components.match_components(reference, other)`
# pairs each component of `reference` with the most similar one of `other`
# (smallest total Bhattacharyya distance: a dissimilarity between two Gaussians, 0 for identical ones,
# though not a distance in the strict sense, since the triangle inequality can fail) and
# returns the order that lines them up; `permute_components` renumbers:

# %%
perm = match_components(fit_a.params, fit_b.params)
print("perm:", perm, " (component k of seed 0 matches component perm[k] of seed 3)")
matched = permute_components(fit_b.params, perm)


def side_by_side(named_params):
    """One row per component: "weight at (mean)" for each named GMMParams."""
    columns = {name: [f"{w:.4f} at ({m[0]:+.4f}, {m[1]:+.4f})" for w, m in zip(p.weights, p.means)]
               for name, p in named_params.items()}
    return pd.DataFrame(columns, index=pd.Index(range(K), name="component"))


side_by_side({"seed 0": fit_a.params, "seed 3": fit_b.params, "seed 3, matched": matched})

# %% [markdown]
# Before matching, rows 0 and 2 disagree; after, the two fits agree component by component
# to within 0.003. (Two runs stop at slightly different points on their way to the same
# optimum, so they agree to the tolerance of the fit, not to the last digit.) The covariances line up too:

# %%
print("largest covariance difference after matching: ",
      f"{np.abs(matched.covariances - fit_a.params.covariances).max():.4f}")
print("largest covariance difference before matching:",
      f"{np.abs(fit_b.params.covariances - fit_a.params.covariances).max():.4f}")

# %% [markdown]
# ## 8. Real data: Old Faithful
#
# The Old Faithful geyser in Yellowstone National Park erupts every hour or
# so. The classic data set records 272 eruptions: how long each lasted and how long
# the wait was until the next one, both in minutes. It is R's `faithful` data
# set; `gmmlib` ships a copy (`gmmlib/data/old_faithful.csv`, with its source in
# `gmmlib/data/SOURCES.md`), so nothing is downloaded.

# %%
faithful = old_faithful()
print(faithful.shape)
summary = pd.DataFrame({"mean": faithful.mean(), "std (ddof=0)": faithful.std(ddof=0),
                        "variance (ddof=0)": faithful.var(ddof=0),
                        "min": faithful.min(), "max": faithful.max()}).T
summary

# %% [markdown]
# The two columns live on very different scales: waiting times spread over
# tens of minutes, eruption durations over a few. (We divide by $N$ here, `ddof=0`, as
# the M-step does and as the standardisation below will; pandas' `describe()` and `std()`
# divide by $N - 1$ and would show 13.595 instead of 13.570.) EM with full covariances
# could cope with that in principle, but much around it cannot: the squared distances that k-means++ uses to
# place its means are dominated by the waiting time, `reg_covar` adds the same small number to
# a variance of 184 and to one of 1.3, and a start written with round covariances such as the identity
# means nothing when the units differ. So we **standardise**: subtract each
# column's mean and divide by its standard deviation, and both columns have mean 0 and spread 1.

# %%
share = faithful.var(ddof=0) / faithful.var(ddof=0).sum()
print("share of the total variance:", share.round(4).to_dict())

centre, scale = faithful.mean(), faithful.std(ddof=0)
Z = ((faithful - centre) / scale).to_numpy()           # (272, 2), standardised
print("after standardising: means", Z.mean(axis=0).round(4), " standard deviations", Z.std(axis=0).round(4))

fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
axes[0].scatter(faithful["eruptions"], faithful["waiting"], s=12, color="0.4")
axes[0].set_aspect("equal", adjustable="datalim")     # one minute is as long on both axes
axes[0].set_xlabel("eruption (minutes)")
axes[0].set_ylabel("waiting (minutes)")
axes[0].set_title("in minutes, one scale for both axes")
axes[1].scatter(*Z.T, s=12, color="0.4")
axes[1].set_aspect("equal", adjustable="datalim")
axes[1].set_xlabel("eruption (standardised)")
axes[1].set_ylabel("waiting (standardised)")
axes[1].set_title("standardised")
plt.show()

# %% [markdown]
# The waiting time carries 99.3% of the total variance. On the left, drawn in minutes with the same scale on
# both axes, the data are a thin vertical streak: that is how a distance in minutes sees them.
# On the right, standardised, two clusters appear: short eruptions followed by
# short waits, long eruptions followed by long waits.
#
# Now the classic picture of EM at work. We start it deliberately badly: each
# mean in an empty corner, unit covariances, equal weights, and run exactly 20
# iterations (`tol=0`), then look at the start and the M-steps of iterations 1,
# 2, 5 and 20 (half-steps 0, 2, 4, 10, 40).

# %%
poor_start = gmmlib.GMMParams(weights=[0.5, 0.5],
                              means=[[-1.5, 1.0], [1.5, -1.0]],
                              covariances=[np.eye(2), np.eye(2)])
faithful_fit = gmmlib.fit(Z, 2, init=poor_start, tol=0, max_iter=20)

fig = em_filmstrip(Z, faithful_fit, [0, 2, 4, 10, 40])
for ax in fig.axes[:5]:
    ax.set_xlabel("eruption (standardised)")
    ax.set_ylabel("waiting (standardised)")
fig.suptitle("EM on Old Faithful: the start and iterations 1, 2, 5 and 20")
fig

# %% [markdown]
# The panels follow the stepper's rule (section 4): an M-step panel shows the new ellipses
# in the colours of the E-step before it, i.e. the responsibilities under the
# previous parameters. At the start the two circles sit where there is no data, and every point is
# grey. After one iteration both components have rushed into the data as long, overlapping ellipses
# along the diagonal. The colours of that panel come from the start's two circles: each
# point leans towards the nearer circle, and that already splits the two clusters roughly
# (the lower left one blue, the upper right one mostly orange, with blends at its left edge); the shapes are not right yet. By iteration 5
# orange holds the upper right cluster and blue stretches over the lower left
# one and the points between; by iteration 20 each ellipse sits on one cluster. The log-likelihood
# panel tells the same story in numbers:

# %%
lls = faithful_fit.log_likelihoods
with np.printoptions(precision=2):
    print("log-likelihood after each iteration (0 = start):")
    print(lls)
    print("gain of each iteration:")
    print(np.diff(lls))
print("never decreases:", np.all(np.diff(lls) >= 0))

# %% [markdown]
# The first iteration gains 613, just by moving the components into the data.
# The next eleven gain between 1 and 41 each while the two components pull apart, and
# after iteration 13 the gains are 0.00 to two decimals. We forced 20 iterations with `tol=0`; with
# the default convergence test, how long does the poor start take, and a default
# start (k-means++)?

# %%
poor_default = gmmlib.fit(Z, 2, init=poor_start)
default_fit = gmmlib.fit(Z, 2)
print(f"poor start (default tol): {poor_default.log_likelihoods[-1]:.2f} after {poor_default.n_iter} iterations")
print(f"k-means++ start (default): {default_fit.log_likelihoods[-1]:.2f} after {default_fit.n_iter} iterations")

# %% [markdown]
# Both reach the same log-likelihood, $-385.46$: the poor start in 16 iterations, the
# k-means++ start in 11.
#
# Finally, back to minutes. Standardising is a change of units, so the fit
# converts back: each mean becomes $S\mu + c$, and each covariance $S\,\Sigma\,S$,
# with $S = \mathrm{diag}(s)$ ($c$ and $s$ the vectors of column means and standard deviations).
# A correlation has no units, so it comes out the same in minutes as in standard units:
# standardising leaves it unchanged.

# %%
p = faithful_fit.params
S = np.diag(scale.to_numpy())
c = centre.to_numpy()
means_min = np.array([S @ mu + c for mu in p.means])                  # S mu + c
covs_min = np.array([S @ cov_k @ S for cov_k in p.covariances])        # S Sigma S


def correlation(cov_k):
    return cov_k[0, 1] / np.sqrt(cov_k[0, 0] * cov_k[1, 1])


in_minutes = pd.DataFrame({
    "weight": p.weights,
    "eruption (min)": means_min[:, 0],
    "waiting (min)": means_min[:, 1],
    "sd eruption (min)": np.sqrt(covs_min[:, 0, 0]),
    "sd waiting (min)": np.sqrt(covs_min[:, 1, 1]),
    "correlation": [correlation(cov_k) for cov_k in covs_min],
}, index=pd.Index(range(2), name="component"))
print("correlations the same in minutes and standardised:",
      np.allclose([correlation(cov_k) for cov_k in covs_min],
                  [correlation(cov_k) for cov_k in p.covariances]))
in_minutes

# %% [markdown]
# Old Faithful has two kinds of eruption. About a third are short, around 2
# minutes, and the next eruption comes about 54 minutes later; about two thirds are long, around 4.3
# minutes, followed by a wait of about 80. Within each kind, duration and wait are
# only mildly correlated (0.29 and 0.38), much less than over the whole data set:
#
# %%
print(f"correlation over all 272 eruptions: {faithful['eruptions'].corr(faithful['waiting']):.3f}")

# %% [markdown]
# Most of that strong correlation comes from the two kinds of eruption lying on a diagonal, not from
# inside either kind: a mixture separates the two.
#
# ## Summary
#
# - The multivariate normal needs a symmetric positive definite $\Sigma$; it has $\Sigma^{-1}$ in its exponent and $|\Sigma|^{1/2}$ in its normalisation; forget either and it is no longer a density. scipy's `multivariate_normal(mean, cov)` takes the covariance.
# - A covariance is an ellipse: axes along the eigenvectors (the **columns** of `np.linalg.eigh`'s matrix), semi-axes $s\sqrt{\lambda_j}$ (**square roots** of the eigenvalues). In 2-D the $s$-sd ellipse holds $1 - e^{-s^2/2}$ of the points.
# - E-step and M-step keep their lesson-01 form; the covariance update is a weighted average of outer products around the **updated** mean.
# - `predict_proba` gives the probabilities of each component for new points, and `predict` the most probable; both include the weights $\pi_k$.
# - EM finds a local optimum that depends on the start. k-means++ starts help; `n_init` restarts and keeping the best log-likelihood help more.
# - Components have no fixed numbering (label switching); `match_components` lines two fits up before comparing them.
# - Standardise data whose columns have different units; convert the fit back afterwards.
#
# ## Where next
#
# Lesson 03 looks at what can go wrong beyond a bad start: a component can
# shrink onto a single point and drive the log-likelihood to infinity. It shows
# why, and how `reg_covar`, priors and restarts prevent it. For the theory of
# this lesson, see section 2.3 (the Gaussian distribution) and chapter 9 of Bishop's
# *Pattern Recognition and Machine Learning*; the Old Faithful data are studied in
# Azzalini and Bowman (1990), "A look at some data on the Old Faithful geyser", *Applied Statistics* 39.
