# %% [markdown]
# # Lesson 03: EM in several dimensions
#
# **What you will do.** Take the EM algorithm of lesson 01 from a line to a
# plane, where each component is a cloud with a shape and a tilt, drawn as an ellipse.
# You will write the density, the ellipse and the M-step with numpy's matrices and have
# each checked, watch EM fit three clusters, and ask the fit about new points.
#
# **What you will learn.**
# - the multivariate normal density, and how to read a covariance matrix as an ellipse;
# - the E-step and the M-step with vectors and matrices;
# - how to step through EM in two dimensions;
# - how a fitted mixture assigns new points, softly or hard, and why the weights count.
#
# **What you need.** Lesson 01. Matrix products, the inverse and the
# determinant; section 2 recalls what we need of eigenvectors.
#
# **Time.** About 48 minutes, with the three exercises.

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
# be **symmetric positive definite** (all its eigenvalues $> 0$): that makes the
# formula below a density, and its level sets ellipses (section 2). The density is
#
# $$\mathcal N(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{D/2} \, |\Sigma|^{1/2}}
#   \exp\!\left(-\tfrac12 (x-\mu)^\top \Sigma^{-1} (x-\mu)\right).$$
#
# Compared with lesson 01, $(x-\mu)^2/\sigma^2$ has become the squared **Mahalanobis
# distance** $(x-\mu)^\top \Sigma^{-1} (x-\mu)$, with the **inverse** of $\Sigma$, and
# $\sigma^2$ under the root the **determinant** $|\Sigma|$. In logarithms:
#
# $$\log \mathcal N(x \mid \mu, \Sigma) = -\tfrac12 \left( D \log 2\pi + \log|\Sigma| + (x-\mu)^\top \Sigma^{-1} (x-\mu) \right).$$
#
# ### Exercise 1: the log-density by hand
#
# Write `gaussian_log_density(X, mean, cov)`, the formula above for every row $x_i$ of `X`,
# without scipy: shapes (N, D), (D,), (D, D) in, (N,) out. Hint: `np.linalg.slogdet(cov)[1]` is $\log|\Sigma|$, and for the differences
# `diff = X - mean`, `np.einsum("ni,ij,nj->n", diff, A, diff)` is $d_i^\top A\, d_i$ for every
# row $d_i$ at once. Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_gaussian_log_density


def gaussian_log_density(X, mean, cov):
    """log N(x_i | mean, cov) for every row x_i of X: (N, D), (D,), (D, D) -> (N,)."""
    ...

# %%
check_gaussian_log_density(gaussian_log_density)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def gaussian_log_density(X, mean, cov):
    """log N(x_i | mean, cov) for every row x_i of X: (N, D), (D,), (D, D) -> (N,)."""
    D = X.shape[1]
    diff = X - mean                                                    # (N, D)
    # row-wise d_n^T Sigma^-1 d_n: the same as [d @ inv @ d for d in diff], without the loop
    mahalanobis2 = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)
    _, log_det = np.linalg.slogdet(cov)          # log |Sigma| directly: no under- or overflow
    return -0.5 * (D * np.log(2 * np.pi) + log_det + mahalanobis2)


check_gaussian_log_density(gaussian_log_density)

# %% [markdown]
# `gmmlib` factorises $\Sigma = LL^\top$ (Cholesky) instead of forming $\Sigma^{-1}$: faster,
# more accurate, and it fails loudly when $\Sigma$ is not positive definite. Here are ours,
# scipy's and `gmmlib`'s (a one-component mixture) at four points of a tilted normal:

# %%
mean = np.array([1.0, 2.0])
cov = np.array([[2.0, 1.2],
                [1.2, 1.0]])   # variances 2 and 1 on the diagonal, covariance 1.2
points = np.array([[1.0, 2.0], [2.0, 3.0], [2.0, 1.0], [-1.0, 0.5]])

print("ours:  ", gaussian_log_density(points, mean, cov))
print("scipy: ", multivariate_normal(mean, cov).logpdf(points))
one_component = gmmlib.GMMParams([1.0], [mean], [cov])
print("gmmlib:", gmmlib.component_log_densities(points, one_component)[:, 0])

# %% [markdown]
# The three agree. Note that scipy's `multivariate_normal(mean, cov)` takes the
# **covariance** matrix, whereas its 1-D `norm(loc, scale)` takes the standard deviation.
#
# The points $(2, 3)$ and $(2, 1)$ are both one step right of the mean and one
# step up or down, yet the density at $(2, 3)$ is about 73 times larger
# ($e^{-2.08}$ against $e^{-6.37}$, a ratio of $e^{4.29}$): the covariance 1.2 says the
# two coordinates rise together, so "right and up" goes with the grain of the
# distribution and "right and down" against it.
#
# Two mistakes are easy to make in this formula: $\Sigma$ in the exponent
# instead of $\Sigma^{-1}$, and a forgotten determinant. A density must
# integrate to 1, so let us integrate on a fine grid:

# %%
g = np.linspace(-12, 14, 801)
grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
cell = (g[1] - g[0]) ** 2                      # area of one grid cell

right = np.exp(gaussian_log_density(grid, mean, cov))
diff = grid - mean
with_sigma = np.exp(-0.5 * np.einsum("ni,ij,nj->n", diff, cov, diff)) / (2 * np.pi * np.sqrt(np.linalg.det(cov)))
no_det = np.exp(-0.5 * np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff)) / (2 * np.pi)

print(f"right formula:            {right.sum() * cell:.4f}")
print(f"Sigma instead of inverse: {with_sigma.sum() * cell:.4f}   (1 / |Sigma| = {1 / np.linalg.det(cov):.4f})")
print(f"determinant forgotten:    {no_det.sum() * cell:.4f}   (sqrt of |Sigma| = {np.sqrt(np.linalg.det(cov)):.4f})")

# %% [markdown]
# Only the right formula gives 1. Forgetting $|\Sigma|^{1/2}$ multiplies the
# area by exactly $|\Sigma|^{1/2}$ (here 0.7483). Using $\Sigma$ instead of
# $\Sigma^{-1}$ gives an area of exactly $1/|\Sigma| = 1/0.56$, and worse, a bell of the wrong
# *shape*: narrow where the data spread out and wide across it.
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
# `np.linalg.eigh`, for symmetric matrices, returns the eigenvalues in ascending order and
# **orthonormal** eigenvectors ($V^\top V = I$); `np.linalg.eig` gives no order: avoid it here.

# %%
eigenvalues, V = np.linalg.eigh(cov)
print("eigenvalues:      ", eigenvalues)
print("V (columns are the eigenvectors):")
print(V)
# V * eigenvalues multiplies column j of V by eigenvalue j: V @ np.diag(eigenvalues), i.e. V Lambda
print("cov @ V == V * eigenvalues:", np.allclose(cov @ V, V * eigenvalues))
print("orthonormal columns, V.T @ V == I:", np.allclose(V.T @ V, np.eye(2)))

# %% [markdown]
# ### Exercise 2: the axes of the ellipse
#
# Write `ellipse_axes(cov)` for a $2 \times 2$ covariance: return `(radii, angle)`, where
# `radii` holds the two semi-axes of the 1-sd ellipse, the major first ($\sqrt{\lambda_j}$,
# largest first), and `angle` is the angle of the major axis in degrees, in $(-90°, 90°]$.
# Hint: the major axis is the eigenvector $v$ of the largest eigenvalue, the *column*
# `V[:, 1]` of `eigh`'s matrix, and `np.degrees(np.arctan2(v[1], v[0]))` is its angle; an axis has no direction, so adding or
# subtracting 180° gives the same axis. Run the check as it is first (it says *not attempted*),
# then fill in the function.

# %%
from gmmlib.exercises import check_ellipse_axes


def ellipse_axes(cov):
    """Semi-axes (2,), major first, and the major axis' angle in degrees of a (2, 2) covariance."""
    ...

# %%
check_ellipse_axes(ellipse_axes)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def ellipse_axes(cov):
    """Semi-axes (2,), major first, and the major axis' angle in degrees of a (2, 2) covariance."""
    eigenvalues, V = np.linalg.eigh(cov)              # ascending eigenvalues
    radii = np.sqrt(eigenvalues[::-1])                # SQUARE ROOTS, the largest first
    major = V[:, 1]                                   # the COLUMN of the largest eigenvalue
    angle = np.degrees(np.arctan2(major[1], major[0]))
    if angle > 90:                                    # v and -v are the same axis
        angle -= 180
    elif angle <= -90:
        angle += 180
    return radii, angle


check_ellipse_axes(ellipse_axes)

# %% [markdown]
# For our covariance, and from `gmmlib`:

# %%
radii, angle = ellipse_axes(cov)
print("semi-axes of the 1-sd ellipse:", radii, f"  angle of the major axis: {angle:.2f} degrees")
centre, width, height, angle_deg = covariance_ellipse(mean, cov, n_std=1)
print(f"gmmlib's covariance_ellipse: width {width:.4f}, height {height:.4f}, angle {angle_deg:.2f}")

# %% [markdown]
# `covariance_ellipse` returns the same ellipse as matplotlib's `Ellipse` wants it: full
# widths (twice the semi-axes), and an angle of $-146.31°$, the same tilt as $33.69°$.
# Here are 1000 draws with the 1-, 2- and 3-sd ellipses and the two eigenvectors, scaled to
# one standard deviation.

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

# %% [markdown]
# The cloud is stretched along the long red arrow, the eigenvector $v_1$ of the larger
# eigenvalue, and the ellipses follow it; the short arrow $v_0$ is at right angles to it; the
# black dot is the mean. How many points fall inside each ellipse?

# %%
mahalanobis2 = np.einsum("ni,ij,nj->n", sample - mean, np.linalg.inv(cov), sample - mean)
for s in (1, 2, 3):
    print(f"inside the {s}-sd ellipse: {np.mean(mahalanobis2 <= s**2):.3f} of the points "
          f"(expected {1 - np.exp(-s**2 / 2):.3f})")

# %% [markdown]
# In two dimensions the share of points inside the $s$-sd ellipse is $1 - e^{-s^2/2}$: 39% for
# one standard deviation (not the 68% of a 1-D interval), 86% for two, 99% for three, and the
# sample matches.
#
# Two classic mistakes draw the wrong ellipse: **radii from the eigenvalues** instead
# of their square roots, and the **angle from a row** of $V$ instead of a column.
# The second can hide: for a $2 \times 2$ matrix `eigh` returns a symmetric $V$, so a row
# holds the same numbers as a column and gives the right angle by luck (the checker above
# can only catch a row taken from `np.linalg.eig`, whose $V$ is not symmetric). But an
# eigenvector is only defined up to its sign; flip the sign of column 1, which is just as
# correct, and compare:

# %%
V_flipped = V * [1, -1]                  # the second eigenvector negated: still eigenvectors
print("still eigenvectors:", np.allclose(cov @ V_flipped, V_flipped * eigenvalues))
angle_column = np.degrees(np.arctan2(V_flipped[1, 1], V_flipped[0, 1]))  # from column 1: correct
angle_row = np.degrees(np.arctan2(V_flipped[1, 1], V_flipped[1, 0]))     # from row 1: wrong
print(f"angle from the column: {angle_column:.2f}   from the row: {angle_row:.2f}")

versions = {
    "right: √λ, a column": (2 * np.sqrt(eigenvalues[::-1]), angle_column),
    "wrong: λ as radii": (2 * eigenvalues[::-1], angle_column),
    "wrong: angle from a row": (2 * np.sqrt(eigenvalues[::-1]), angle_row),
}
fig, axes = plt.subplots(1, 3, figsize=(15, 5.6), sharex=True, sharey=True)
for ax, (title, ((width, height), a)) in zip(axes, versions.items()):
    ax.scatter(*sample.T, s=6, color="0.6")
    for s, lw, ls in ((1, 2.5, "-"), (2, 1.5, "--")):
        ax.add_patch(Ellipse(mean, s * width, s * height, angle=a, fill=False,
                             color="#1f77b4", lw=lw, ls=ls))
    ax.set_aspect("equal", adjustable="box")   # "datalim" is not allowed when both axes are shared
    ax.set_title(title, fontsize=17)
    ax.set_xlabel("$x_1$", fontsize=15)
axes[0].set_ylabel("$x_2$", fontsize=15)
axes[0].legend(handles=[Line2D([], [], color="#1f77b4", lw=2.5, label="1 sd"),
                        Line2D([], [], color="#1f77b4", lw=1.5, ls="--", label="2 sd")],
               loc="upper left", fontsize=14)
plt.show()

# %% [markdown]
# With the column (left) the sign flip changes nothing: $v$ and $-v$ lie on the same line.
# Eigenvalues as radii (middle) stretch the long semi-axis from 1.67 to 2.8 and
# squash the short one from 0.45 to 0.2: a needle. The row (right) mirrors the tilt.
#
# ## 3. The E-step and the M-step with vectors and matrices
#
# Our data for the rest of the lesson: 500 points from three Gaussians of different
# shapes. As in lesson 01, we pretend not to know where they came from, and start from a
# rough guess: equal weights, three means picked by eye, identity covariances (circles).

# %%
X, z_true = three_blobs_2d(n_samples=500, seed=0)
N, D = X.shape
K = 3

weights = np.full(K, 1 / K)
means = np.array([[-1.0, 1.0], [3.0, -1.0], [2.0, 3.0]])
covariances = np.array([np.eye(D)] * K)
start = gmmlib.GMMParams(weights, means, covariances)

fig, ax = plt.subplots(figsize=(7, 6))
plot_mixture_2d(ax, start, X, soft=False)
ax.set_aspect("equal", adjustable="datalim")     # equal scales: circles look round
ax.set_title("500 points and our rough start")
plt.show()

# %% [markdown]
# The crosses are the guessed means, the circles their 1- and 2-sd ellipses. We numbered
# the guesses like the course's colours for these data: blue (0) near the bottom-left
# cluster, orange (1) near the right one, green (2) near the top one.
#
# The **E-step** is the formula of lesson 01 with the new density,
#
# $$r_{ik} = \frac{\pi_k \, \mathcal N(x_i \mid \mu_k, \Sigma_k)}{\sum_j \pi_j \, \mathcal N(x_i \mid \mu_j, \Sigma_j)},$$
#
# computed, as there, in log space with log-sum-exp, which also gives the log-likelihood
# on the way. `resp` has one row per point and one column per component.

# %%
def e_step_2d(X, weights, means, covariances):
    """Responsibilities, shape (N, K), and the log-likelihood of the parameters."""
    log_weighted = np.column_stack([np.log(w) + gaussian_log_density(X, m, c)
                                    for w, m, c in zip(weights, means, covariances)])   # (N, K)
    log_total = logsumexp(log_weighted, axis=1, keepdims=True)                           # (N, 1)
    return np.exp(log_weighted - log_total), log_total.sum()


resp, log_lik = e_step_2d(X, weights, means, covariances)
print("resp.shape:", resp.shape)
print("first three rows:")
print(resp[:3])
print("gmmlib.e_step agrees:", np.allclose(resp, gmmlib.e_step(X, start)))

# %% [markdown]
# The **M-step** keeps its shape, with vectors for the means and matrices for the covariances.
# A superscript $(t)$ marks the parameters the E-step used (here our start: the $r_{ik}$ come
# from them), $(t+1)$ the new ones:
#
# $$N_k = \sum_i r_{ik}, \qquad \pi_k^{(t+1)} = \frac{N_k}{N}, \qquad
#   \mu_k^{(t+1)} = \frac{1}{N_k} \sum_i r_{ik}\, x_i, \qquad
#   \Sigma_k^{(t+1)} = \frac{1}{N_k} \sum_i r_{ik}\, \big(x_i - \mu_k^{(t+1)}\big)\big(x_i - \mu_k^{(t+1)}\big)^\top.$$
#
# The covariance is a weighted average of **outer products** ($D \times D$ matrices),
# around the **updated** mean $\mu_k^{(t+1)}$.
#
# ### Exercise 3: the M-step with matrices
#
# Write `m_step(X, resp)`: for `X` of shape (N, D) and `resp` of shape (N, K), return
# `(weights, means, covariances)` of shapes (K,), (K, D) and (K, D, D), by the formulas
# above. Hint: for `diff = X - means[k]`, `(resp[:, k, None] * diff).T @ diff` is
# $\sum_i r_{ik}\, d_i d_i^\top$ over the rows $d_i$ of `diff`. Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_m_step


def m_step(X, resp):
    """New weights (K,), means (K, D) and covariances (K, D, D) from X (N, D) and resp (N, K)."""
    ...

# %%
check_m_step(m_step)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def m_step(X, resp):
    """New weights (K,), means (K, D) and covariances (K, D, D) from X (N, D) and resp (N, K)."""
    N, D = X.shape
    K = resp.shape[1]
    N_k = resp.sum(axis=0)                                 # (K,)
    weights = N_k / N                                      # (K,)
    means = resp.T @ X / N_k[:, None]                      # (K, D): row k is sum_i r_ik x_i / N_k
    covariances = np.empty((K, D, D))
    for k in range(K):
        diff = X - means[k]                                # around the UPDATED mean
        covariances[k] = (resp[:, k, None] * diff).T @ diff / N_k[k]
    return weights, means, covariances


check_m_step(m_step)

# %% [markdown]
# One M-step from the responsibilities of our start; `gmmlib.m_step` with `reg_covar=0` does
# exactly the same:

# %%
new_weights, new_means, new_covariances = m_step(X, resp)
print("weights ", new_weights)
print("means\n", new_means)
params_1 = gmmlib.m_step(X, resp, reg_covar=0)
print("gmmlib.m_step agrees:", all(np.allclose(a, b) for a, b in zip(
    (params_1.weights, params_1.means, params_1.covariances), (new_weights, new_means, new_covariances))))

# %% [markdown]
# As in 1-D, the covariance around the **old** mean $\mu_k^{(t)}$ is a classic mistake. It
# is too large by exactly the outer product of the step the mean has just made,
# $\big(\mu_k^{(t+1)} - \mu_k^{(t)}\big)\big(\mu_k^{(t+1)} - \mu_k^{(t)}\big)^\top$:

# %%
N_k = resp.sum(axis=0)
for k in range(K):
    diff_old = X - means[k]                            # around the OLD mean (wrong)
    wrong = (resp[:, k, None] * diff_old).T @ diff_old / N_k[k]
    step = new_means[k] - means[k]
    print(f"component {k}: mean moved by {step}; variances right {np.diag(new_covariances[k])}, "
          f"wrong {np.diag(wrong)}; wrong - right == outer(step, step):",
          np.abs(wrong - new_covariances[k] - np.outer(step, step)).max() < 1e-9)

# %% [markdown]
# The error is largest when EM moves fast: component 0's mean moved by 1.14 in
# $x_2$, so its wrong variance along $x_2$ is $1.35 + 1.14^2 = 2.66$, almost twice the right one.
#
# Here are the parameters before and after one iteration, each with its log-likelihood:

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharex=True, sharey=True)
for ax, params, title in ((axes[0], start, "start"), (axes[1], params_1, "after one iteration")):
    plot_mixture_2d(ax, params, X)                   # colours: responsibilities under params
    ax.set_aspect("equal", adjustable="box")         # "datalim" is not allowed when both axes are shared
    ax.set_title(f"{title}: log-likelihood {gmmlib.log_likelihood(X, params):.2f}")
plt.show()

# %% [markdown]
# Each panel colours the points by the responsibilities under **its own**
# parameters. On the left, with equal weights and equal circles, each point leans towards the
# nearest guess, and points between two guesses get a blend. On the right, after one M-step,
# each ellipse has moved onto its cluster and taken its tilt; green is still too large. The
# log-likelihood rose by 417.
#
# Put together, the two steps make the whole algorithm: E, M, E, M, ..., and a last E-step
# for the log-likelihood of the final parameters. Run for 20 iterations from our start, it
# should give the same parameters as `gmmlib.fit` with the same start, no convergence test
# (`tol=0`) and no regularisation (`reg_covar=0`):

# %%
def em_2d(X, weights, means, covariances, n_iter):
    """Plain-numpy EM with full covariances: the final parameters and n_iter + 1 log-likelihoods."""
    lls = []
    for _ in range(n_iter):
        resp, log_lik = e_step_2d(X, weights, means, covariances)   # E-step
        lls.append(log_lik)
        weights, means, covariances = m_step(X, resp)                # M-step
    _, log_lik = e_step_2d(X, weights, means, covariances)          # the final parameters' log-likelihood
    lls.append(log_lik)
    return weights, means, covariances, np.array(lls)


n = 20
w20, m20, c20, lls_20 = em_2d(X, weights, means, covariances, n_iter=n)
by_gmmlib = gmmlib.fit(X, 3, init=start, max_iter=n, tol=0, reg_covar=0)
print(f"log-likelihood: {lls_20[0]:.2f} at the start, {lls_20[-1]:.2f} after {n} iterations")
print("weights agree to 1e-9:     ", np.abs(w20 - by_gmmlib.params.weights).max() < 1e-9)
print("means agree to 1e-9:       ", np.abs(m20 - by_gmmlib.params.means).max() < 1e-9)
print("covariances agree to 1e-9: ", np.abs(c20 - by_gmmlib.params.covariances).max() < 1e-9)
print("log-likelihoods agree to 1e-6:", np.abs(lls_20 - by_gmmlib.log_likelihoods).max() < 1e-6)

# %% [markdown]
# They agree, component by component in the order of our start, and after 20 iterations
# reach $-1654.75$, the optimum the stepper below finds from its own start. From here on we
# let `gmmlib.fit` run the loop.
#
# ## 4. Step through EM in two dimensions
#
# The stepper of lesson 01 works unchanged on 2-D data, with the same call: points
# coloured by their responsibilities, each component's 1- and 2-sd ellipses, the
# log-likelihood on the right, equal scales on both axes. Step 0 is a k-means++ start
# (lesson 04 compares it with random starts), odd steps are E-steps (the colours change),
# even steps M-steps (the ellipses move).
#
# The stepper's rule for the colours: **an E-step recolours the points by the current
# parameters, and the M-step after it keeps those colours** while the ellipses move (unlike
# the before/after figure above). `reference=THREE_BLOBS_2D` numbers the components like the
# three Gaussians that made the data, so a cluster has the same colour in every lesson.

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
# At the start (step 0) all three components have the covariance of the whole data: three
# big overlapping ellipses over grey points. The first E-step colours the points, with blends
# where the ellipses overlap; the M-step after it (step 2) moves each ellipse onto the points
# that coloured it. By step 6 each ellipse sits on its own cluster (blue the bottom-left one,
# orange the right one, green the top one); the remaining steps only refine the shapes.
#
# ## 5. Soft assignment of new points
#
# A fitted mixture answers, for any new point, the question the E-step answers
# for the data: how probable is it that each component made it?
# `gmmlib.predict_proba(X_new, params)` returns these probabilities (the
# responsibilities, weights included), and `gmmlib.predict` the most probable
# component. We use the stepper's fit, `stepper.result`.

# %%
fitted = stepper.result.params
print("weights:", fitted.weights)
print("means:\n", fitted.means)

new_points = np.array([[-0.7, -0.9],   # inside a cluster, below its mean
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
# Point 0 belongs to blue with probability 1 (to four decimals). Point 1, where the blue and
# orange ellipses meet, is shared almost evenly, 0.51 (orange) against 0.49 (blue): `predict`
# has to pick one, but the honest answer is "either". Point 2, in the gap between orange and
# green, goes to orange with 0.52 against 0.47.
#
# The probabilities include the weights $\pi_k$: orange (weight 0.35) makes more points than
# green (0.28), so when their densities are close, orange is the likelier maker. Code that
# forgets the weights (a classic mistake) compares the bare densities, and for point 2 that
# changes the answer:

# %%
log_dens = gmmlib.component_log_densities(new_points, fitted)        # (3, K), no weights
without = np.exp(log_dens - logsumexp(log_dens, axis=1, keepdims=True))
print("with the weights (right):     ", proba[2], "-> component", gmmlib.predict(new_points, fitted)[2])
print("without the weights (wrong):  ", without[2], "-> component", np.argmax(without[2]))

# %% [markdown]
# Without the weights, point 2 goes to green, 0.52 against 0.46: the weights move the
# boundary between two components towards the lighter one.
#
# ## Summary
#
# - The multivariate normal has $\Sigma^{-1}$ in its exponent and $|\Sigma|^{1/2}$ in its normalisation; forget either and it is no longer a density.
# - A covariance is an ellipse: axes along the eigenvectors (the **columns** of `np.linalg.eigh`'s matrix), semi-axes $s\sqrt{\lambda_j}$ (**square roots** of the eigenvalues). In 2-D the $s$-sd ellipse holds $1 - e^{-s^2/2}$ of the points.
# - E-step and M-step keep their lesson-01 form; the covariance update averages outer products around the **updated** mean.
# - `predict_proba` gives each component's probability for new points, weights $\pi_k$ included.
#
# ## Where next
#
# Lesson 04, *Starting points, label switching and Old Faithful*, asks how much the
# start matters, how to compare fits that number the same clusters differently, and fits a
# first real data set, the eruptions of the Old Faithful geyser. For the theory of this
# lesson, see sections 2.3 and 9.2 of Bishop's *Pattern Recognition and Machine Learning*.
