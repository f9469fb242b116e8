# %% [markdown]
# # Lesson 03: EM in several dimensions
#
# **What you will do.** Take the EM algorithm of lesson 01 from a line to a
# plane. Each component becomes a cloud of points with a shape and a tilt,
# described by a covariance matrix and drawn as an ellipse. You will write the
# density and both EM steps with numpy's matrices, check them against `gmmlib`,
# watch EM fit three clusters, and ask the fitted mixture about new points.
#
# **What you will learn.**
# - the multivariate normal density, and how to read a covariance matrix as an ellipse;
# - the E-step and the M-step with vectors and matrices;
# - how to step through EM in two dimensions;
# - how a fitted mixture assigns new points, softly or hard, and why the weights count.
#
# **What you need.** Lesson 01. Matrix products, the inverse and the
# determinant of a matrix; eigenvalues and eigenvectors help, and section 2
# recalls what we need of them.
#
# **Time.** About 40 minutes.

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
from gmmlib.components import canonical
from gmmlib.datasets import THREE_BLOBS_2D, three_blobs_2d
from gmmlib.plotting import covariance_ellipse, plot_covariance_ellipses, plot_mixture_2d, use_course_style

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
#
# Here it is in numpy, for all the rows of `X` at once:

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
    _, log_det = np.linalg.slogdet(cov)          # log |Sigma| directly: no under- or overflow
    return -0.5 * (D * np.log(2 * np.pi) + log_det + mahalanobis2)

# %% [markdown]
# Let us try it on a normal with a tilted covariance, at four points, and compare with
# scipy and with `gmmlib` (a "mixture" of one component):

# %%
mean = np.array([1.0, 2.0])
cov = np.array([[2.0, 1.2],
                [1.2, 1.0]])   # variances 2 and 1 on the diagonal, covariance 1.2
points = np.array([[1.0, 2.0], [2.0, 3.0], [2.0, 1.0], [-1.0, 0.5]])

print("ours:  ", log_normal(points, mean, cov))
print("scipy: ", multivariate_normal(mean, cov).logpdf(points))
one_component = gmmlib.GMMParams([1.0], [mean], [cov])
print("gmmlib:", gmmlib.component_log_densities(points, one_component)[:, 0])

# %% [markdown]
# The three agree. Note the call `multivariate_normal(mean, cov)`: scipy's
# multivariate normal takes the **covariance** matrix, whereas its 1-D `norm(loc, scale)` takes the
# standard deviation.
#
# The points $(2, 3)$ and $(2, 1)$ are both one step right of the mean and one
# step up or down, yet the density at $(2, 3)$ is about 70 times larger
# ($e^{-2.08}$ against $e^{-6.37}$): the covariance 1.2 says the
# two coordinates tend to rise together, so "right and up" goes with the grain of the
# distribution and "right and down" against it. A distance that ignores $\Sigma$ could not tell them apart.
#
# `log_normal` refuses a matrix that is not positive definite: the Cholesky
# factorisation $\Sigma = LL^\top$ that it tries exists only for those.

# %%
not_pd = np.array([[1.0, 2.0],
                   [2.0, 1.0]])    # symmetric, but its eigenvalues are 3 and -1
try:
    log_normal(points, mean, not_pd)
except np.linalg.LinAlgError as err:
    print("not positive definite:", err)

# %% [markdown]
# Without the check, `not_pd` would silently give numbers that are not log-densities: its
# determinant is $-3$, and along its eigenvector of eigenvalue $-1$ the
# "density" would grow without bound.
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
# The points of equal density are those at equal **squared** Mahalanobis distance,
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
# Its look-alike `np.linalg.eig` (without the h) works for any square matrix. It too
# scales each eigenvector to unit length, but it returns the eigenvalues in **no particular
# order**, so `V[:, 1]` need not be the major axis, and it does not promise eigenvectors at
# right angles (for a repeated eigenvalue they need not be). For a covariance, use `eigh`.

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
[(_, mean_marker)] = plot_covariance_ellipses(ax, one_component, n_std=(1, 2))  # 1 sd solid, 2 sd dashed
mean_marker.set(marker="o", markersize=5, color="black", zorder=6)  # a small dot: it would hide the short arrow
centre, width, height, angle_deg = covariance_ellipse(mean, cov, n_std=3)
ax.add_patch(Ellipse(centre, width, height, angle=angle_deg, fill=False,
                     edgecolor="#1f77b4", lw=1.5, ls=":"))    # 3 sd dotted
for j, label_at in ((1, (-2.4, 3.7)), (0, (3.0, -0.6))):
    tip = mean + np.sqrt(eigenvalues[j]) * V[:, j]       # one standard deviation along eigenvector j
    ax.annotate("", xy=tip, xytext=mean, zorder=5,
                arrowprops=dict(arrowstyle="-|>", lw=2.5, color="#d62728", mutation_scale=14,
                                shrinkA=0, shrinkB=0))
    ax.annotate(f"$\\sqrt{{\\lambda_{j}}}\\,v_{j}$", xy=tip, xytext=label_at,   # a leader line to the tip
                fontsize=15, color="#d62728", weight="bold", ha="center", va="center",
                arrowprops=dict(arrowstyle="-", lw=0.8, color="#d62728", shrinkB=6))
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
# The 1-sd ellipse is solid, the 2-sd one dashed and the 3-sd one dotted; the black dot is the mean.
# The cloud is stretched along the long red arrow, the eigenvector $v_1$ of the larger
# eigenvalue, and the ellipses follow it; the short arrow $v_0$ is at right angles to it. In two dimensions the share of
# points inside the $s$-sd ellipse is $1 - e^{-s^2/2}$: 39% for one standard
# deviation (not the 68% of a 1-D interval), 86% for two, 99% for three, and
# the sample matches. This is the picture of a component in the rest of the
# course, drawn with the 1-sd (solid) and 2-sd (dashed) ellipses and a cross at the mean.
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
angle_column = np.degrees(np.arctan2(V_flipped[1, 1], V_flipped[0, 1]))  # from column 1: correct
angle_row = np.degrees(np.arctan2(V_flipped[1, 1], V_flipped[1, 0]))     # from row 1: wrong
print(f"angle from the column: {angle_column:.2f}   from the row: {angle_row:.2f}")

versions = {
    "correct: sqrt(eigenvalues), column": (2 * np.sqrt(eigenvalues[::-1]), angle_column),
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
# With the column (left panel) the sign flip changes nothing: $v$ and $-v$ lie on the same line.
# Eigenvalues as radii (middle panel) stretch the long semi-axis from 1.67 to 2.8 and
# squash the short one from 0.45 to 0.2 (below 1, a variance is smaller than its square root):
# a needle instead of the cloud. The row (right panel) mirrors the tilt: the ellipse
# leans against the cloud.
#
# ## 3. The E-step and the M-step with vectors and matrices
#
# Our data for the rest of the lesson: 500 points from three Gaussians of different
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
# The **M-step** keeps its shape, with vectors for the means and matrices for the covariances.
# Write $\mu_k^{(t)}$ for the parameters the E-step used (here our start) and $\mu_k^{(t+1)}$
# for the new ones:
#
# $$N_k = \sum_i r_{ik}, \qquad \pi_k^{(t+1)} = \frac{N_k}{N}, \qquad
#   \mu_k^{(t+1)} = \frac{1}{N_k} \sum_i r_{ik}\, x_i, \qquad
#   \Sigma_k^{(t+1)} = \frac{1}{N_k} \sum_i r_{ik}\, \big(x_i - \mu_k^{(t+1)}\big)\big(x_i - \mu_k^{(t+1)}\big)^\top.$$
#
# The covariance is a weighted average of **outer products**, each a $D \times D$ matrix,
# taken around the **updated** mean $\mu_k^{(t+1)}$ of the
# formula before it. In numpy, all the means come out of one matrix product, and
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
# `gmmlib.m_step` with `reg_covar=0` does exactly this:

# %%
params_1 = gmmlib.m_step(X, resp, reg_covar=0)
print("weights agree:    ", np.allclose(params_1.weights, new_weights))
print("means agree:      ", np.allclose(params_1.means, new_means))
print("covariances agree:", np.allclose(params_1.covariances, new_covariances))

# for the note below: np.cov with weights, points in rows
print("np.cov(X, rowvar=False, aweights=resp[:, 0], bias=True) agrees:",
      np.allclose(np.cov(X, rowvar=False, aweights=resp[:, 0], bias=True), new_covariances[0]))
print("without bias=True, it differs by",
      f"{np.abs(np.cov(X, rowvar=False, aweights=resp[:, 0]) - new_covariances[0]).max():.4f}")

# %% [markdown]
# > **Note.** `np.cov` gives the same matrix only as `np.cov(X, rowvar=False, aweights=resp[:, k], bias=True)`:
# > by default it takes one variable per row, and without `bias=True` it divides by a
# > corrected count instead of $N_k$.
#
# As in 1-D, the covariance around the **old** mean $\mu_k^{(t)}$ is a classic mistake. It
# is too large by exactly the outer product of the step the mean has just made,
# $\big(\mu_k^{(t+1)} - \mu_k^{(t)}\big)\big(\mu_k^{(t+1)} - \mu_k^{(t)}\big)^\top$:

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
by_gmmlib = gmmlib.fit(X, 3, init=start, max_iter=n, tol=0, reg_covar=0)
by_gmmlib = canonical(by_gmmlib, THREE_BLOBS_2D)   # the course's numbering (section 4)
print(f"log-likelihood: {lls_20[0]:.2f} at the start, {lls_20[-1]:.2f} after {n} iterations")
print("weights agree to 1e-9:     ", np.abs(w20 - by_gmmlib.params.weights).max() < 1e-9)
print("means agree to 1e-9:       ", np.abs(m20 - by_gmmlib.params.means).max() < 1e-9)
print("covariances agree to 1e-9: ", np.abs(c20 - by_gmmlib.params.covariances).max() < 1e-9)
print("log-likelihoods agree to 1e-6:", np.abs(lls_20 - by_gmmlib.log_likelihoods).max() < 1e-6)

# %% [markdown]
# They agree. `canonical` renumbers a fit by the course's colour rule of section 4; it
# changed nothing here, or the comparison would have failed, because we chose the order
# of our three guesses to match that rule. From here on we let `gmmlib.fit` run the loop.
#
# ## 4. Step through EM in two dimensions
#
# The stepper of lesson 01 works unchanged on 2-D data, with the same call.
# Each point is coloured by its responsibilities, each component is drawn as its
# 1-sd (solid) and 2-sd (dashed) ellipse around its mean (the cross), and the
# log-likelihood panel is on the right; both axes of the data panel have the
# same scale, so circles look round and tilts are true. Step 0 is the start chosen by k-means++
# (lesson 04 compares it with random starts), odd steps are E-steps (the colours change),
# even steps M-steps (the ellipses move).
#
# The stepper's rule for the colours: **an E-step recolours the points by the
# responsibilities under the current parameters, and the M-step after it keeps those
# colours** while the ellipses move to the new parameters. So an M-step panel shows the new
# ellipses over the colours that produced them (unlike the before/after figure of section 3,
# which recoloured by the new parameters).
#
# Which component gets which colour is fixed by the course's rule, `reference=THREE_BLOBS_2D`:
# the components are numbered like the three Gaussians that made the data, so a cluster has
# the same colour in every figure of every lesson.

# %% tags=["nbval-ignore-output"]
from gmmlib.widgets import em_stepper

stepper = em_stepper(X, 3, seed=0, reference=THREE_BLOBS_2D)
stepper

# %% [markdown]
# Things to try: find the first step at which the three colours are pure;
# watch the top cluster's ellipse tilt at the M-steps; re-run with `init="random"`, `seed=10`
# and `max_iter=500` (that run needs 132 iterations, more than the default `max_iter=100`;
# lesson 04 explains what you see). An instructor can jump anywhere from code:

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
# the points, with many blends where the ellipses overlap: brownish between the blue and
# orange circles, olive where green meets orange at the top right. The M-step after it (step 2) keeps those colours and
# moves each ellipse onto the points that coloured it; by the M-step of
# iteration 3 (step 6, in the colours of E-step 3) each ellipse sits on its own cluster (blue
# the bottom-left one, orange the right one, green the top one), and the remaining steps
# only refine the shapes while the log-likelihood flattens.
#
# ## 5. Soft assignment of new points
#
# A fitted mixture answers, for any new point, the question the E-step answers
# for the data: how probable is it that each component made it?
# `gmmlib.predict_proba(X_new, params)` returns these probabilities (the
# responsibilities, weights included), and `gmmlib.predict` the most probable
# component. We use the stepper's fit, `stepper.result`, which is
# `canonical(gmmlib.fit(X, 3, seed=0), THREE_BLOBS_2D)`.

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
# Point 0 sits in the blue cluster and belongs to it with probability 1
# (to four decimals). Point 1 lies where the blue and orange ellipses meet and is shared almost
# evenly, 0.51 (orange) against 0.49 (blue): `predict` has to pick one, but the honest answer is
# "either". Point 2, in the gap between the orange and green clusters, goes to
# orange with 0.52 against 0.47.
#
# The probabilities include the weights $\pi_k$: the orange component (weight
# 0.35) makes more points than the green one (0.28), so when their densities are close, orange is the
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
# ## Summary
#
# - The multivariate normal needs a symmetric positive definite $\Sigma$; it has $\Sigma^{-1}$ in its exponent and $|\Sigma|^{1/2}$ in its normalisation; forget either and it is no longer a density. scipy's `multivariate_normal(mean, cov)` takes the covariance.
# - A covariance is an ellipse: axes along the eigenvectors (the **columns** of `np.linalg.eigh`'s matrix), semi-axes $s\sqrt{\lambda_j}$ (**square roots** of the eigenvalues). In 2-D the $s$-sd ellipse holds $1 - e^{-s^2/2}$ of the points.
# - E-step and M-step keep their lesson-01 form; the covariance update is a weighted average of outer products around the **updated** mean $\mu_k^{(t+1)}$.
# - The 2-D stepper shows the colours change at E-steps and the ellipses move at M-steps; `reference=` gives every cluster its course-wide colour.
# - `predict_proba` gives the probabilities of each component for new points, and `predict` the most probable; both include the weights $\pi_k$.
#
# ## Where next
#
# Lesson 04, *Starting points, label switching and Old Faithful*, asks how much the
# start matters: random and k-means++ starts, local optima and restarts, fits that number
# the same clusters differently, and a first real data set, the eruptions of the Old
# Faithful geyser. For the theory of this lesson, see section 2.3 (the Gaussian distribution)
# and section 9.2 of Bishop's *Pattern Recognition and Machine Learning*.
