# %% [markdown]
# # Lesson 08: K-means as a limit
#
# **What you will do.** Keep EM soft this time. Take the mixture behind
# K-means, round components that share one variance and weigh the same, and
# shrink that variance until soft EM *becomes* K-means: first its
# responsibilities, then its updates, then its whole run. Then turn the
# relationship around and use K-means to give EM a head start.
#
# **What you will learn.**
# - K-means as the limit of soft EM for a mixture whose components share one small, fixed, spherical variance;
# - why the weights stop mattering in that limit, and how much they matter before it;
# - how to start EM from a K-means solution, what that buys, and what it can cost.
#
# **What you need.** Lesson 07 (K-means as hard EM, and the data where it
# fails); lessons 01 and 03 (responsibilities, the M-step); lesson 04
# (local optima and restarts with `n_init`); lesson 06 (`reg_covar`).
#
# **Time.** About 40 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.lines import Line2D
from scipy.optimize import brentq
from sklearn.metrics import adjusted_rand_score

import gmmlib
from gmmlib.components import canonical
from gmmlib.datasets import (THREE_BLOBS_2D, UNEQUAL_CLUSTERS, stretched_clusters, three_blobs_2d,
                             unequal_clusters)
from gmmlib.limit import hard_fraction, plot_soft_assignments
from gmmlib.plotting import use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# We start where lesson 07 started: K-means on the three blobs from seed 1,
# its clusters numbered (and coloured) like the components that drew the
# data, and the two data sets on which K-means failed.

# %%
X, z = three_blobs_2d()
km = canonical(gmmlib.kmeans(X, 3, seed=1), THREE_BLOBS_2D)
centres = km.history[0]                              # the starting centres
data_sets = {"stretched": stretched_clusters(), "unequal": unequal_clusters()}
print(f"K-means: {km.n_iter} iterations, final inertia {km.inertia:.4f}")

# %% [markdown]
# ## 1. K-means as a limit of the mixture
#
# Lesson 07 showed that K-means is *hard* EM for a mixture with components
# $\mathcal N(c_k, \sigma^2 I)$ and weights $1/K$, at any $\sigma$. Now run
# ordinary, *soft* EM on that mixture, and **hold $\sigma$ and the weights
# fixed**: the only parameters EM may change are the centres $c_k$. Its
# responsibilities are
#
# $$r_{ik} = \frac{\frac1K (2\pi\sigma^2)^{-D/2} \exp\!\left(-\lVert x_i - c_k\rVert^2 / (2\sigma^2)\right)}
#                 {\sum_j \frac1K (2\pi\sigma^2)^{-D/2} \exp\!\left(-\lVert x_i - c_j\rVert^2 / (2\sigma^2)\right)}
#          = \frac{\exp\!\left(-\lVert x_i - c_k\rVert^2 / (2\sigma^2)\right)}
#                 {\sum_j \exp\!\left(-\lVert x_i - c_j\rVert^2 / (2\sigma^2)\right)}:$$
#
# the weight $1/K$ and the normalising constant $(2\pi\sigma^2)^{-D/2}$ are the
# same for every component, so they cancel, and only the squared distances are
# left, divided by $2\sigma^2$. Unlike the hard E-step, these depend on
# $\sigma$. As $\sigma$ shrinks, the nearest centre's term dwarfs all others,
# and each row of $r$ tends to 1 at the nearest centre and 0 elsewhere:
# K-means' assignment.

# %% [markdown]
# ### Exercise 1: soft assignments
#
# Write `soft_assign(X, centres, sigma)`: for `X` of shape (N, D), `centres`
# of shape (K, D) and the shared standard deviation $\sigma > 0$, return the
# responsibilities $r$ of shape (N, K), with
# $r_{ik} = \exp(-\lVert x_i - c_k\rVert^2 / 2\sigma^2) \,/\, \sum_j \exp(-\lVert x_i - c_j\rVert^2 / 2\sigma^2)$.
# Hint: for small $\sigma$, in the row of a point far from every centre all the
# exponentials underflow to 0 and the ratio becomes 0/0; subtract each row's largest exponent before exponentiating
# (log-sum-exp, lesson 01), which leaves the ratio unchanged.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_soft_assign


def soft_assign(X, centres, sigma):
    """Responsibilities of shape (N, K) for X (N, D), centres (K, D) and one shared sigma."""
    ...


# %%
check_soft_assign(soft_assign)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def soft_assign(X, centres, sigma):
    """Responsibilities of shape (N, K) for X (N, D), centres (K, D) and one shared sigma."""
    d2 = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)   # |x_i - c_k|^2, shape (N, K)
    a = -d2 / (2 * sigma**2)                                        # the exponents
    a = a - a.max(axis=1, keepdims=True)          # largest exponent 0 in every row: no 0/0
    r = np.exp(a)
    return r / r.sum(axis=1, keepdims=True)       # each row sums to 1


check_soft_assign(soft_assign)

# %% [markdown]
# Here are these responsibilities for the final K-means centres
# (`km.centres`) under four values of $\sigma$, each point coloured by its
# row of $r$ (`gmmlib.limit.plot_soft_assignments` draws them with gmmlib's
# own `soft_assign`):

# %%
sigmas = [3.0, 1.0, 0.3, 0.1]
lo = np.minimum(X.min(axis=0), km.centres.min(axis=0) - max(sigmas)) - 0.3   # room for the largest circles
hi = np.maximum(X.max(axis=0), km.centres.max(axis=0) + max(sigmas)) + 0.3
fig, axes = plt.subplots(1, 4, figsize=(16, 5.2), layout="constrained")
for ax, sigma in zip(axes, sigmas):
    plot_soft_assignments(ax, X, km.centres, sigma, point_size=16)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
key = [Line2D([], [], color="0.3", marker="X", ms=11, markeredgecolor="black", ls="none",
              label="centre $c_k$ (final K-means)"),
       Line2D([], [], color="0.3", lw=2.5, label="circle of radius $\\sigma$ around it")]
fig.legend(handles=key, loc="outside lower center", ncols=2)
fig.suptitle("Soft assignments to the final K-means centres as $\\sigma$ shrinks "
             "(a blended colour: a point shared between centres)")
plt.show()

# %% [markdown]
# Each title gives the share of points whose largest responsibility exceeds
# 0.99. At $\sigma = 3$ the circles cover the data and every point is a
# blend; at $\sigma = 1$ the colours separate but the borders are wide bands
# of blends; at $\sigma = 0.1$ every point has a responsibility above 0.99,
# and the picture is K-means' picture.
#
# The slider below does the same for any $\sigma$ between 0.03 and 10
# (`gmmlib.limit.sigma_explorer`; drive it from code with `explorer.slider.value = 0.1`).

# %% tags=["nbval-ignore-output"]
from gmmlib.limit import sigma_explorer

explorer = sigma_explorer(X, km.centres, sigma=1.0)
explorer

# %% [markdown]
# Slide $\sigma$ down from 1 and watch the bands of blended colour along the
# borders narrow until every point wears one pure colour; slide it up and the
# three colours melt into one. The four panels above are the same pictures,
# frozen at four values, for reading without a running notebook.

# %% [markdown]
# The M-step turns hard too. EM's mean update $\mu_k = \sum_i r_{ik} x_i / \sum_i r_{ik}$
# with these responsibilities becomes the K-means move as $\sigma$ shrinks. We
# go back to the *starting* centres (`centres`) and compare EM's mean update
# from them with K-means' first move (`km.history[1]`), for decreasing
# $\sigma$:

# %%
kmeans_move = km.history[1]                  # the centres after K-means' first move
rows = []
for sigma in (3.0, 1.0, 0.3, 0.1, 0.03, 0.01):
    r = soft_assign(X, centres, sigma)
    em_means = (r.T @ X) / r.sum(axis=0)[:, None]  # sum_i r_ik x_i / sum_i r_ik
    rows.append({"sigma": sigma, "points with r > 0.99": f"{hard_fraction(r):.1%}",
                 "largest |EM mean - K-means move|": f"{np.abs(em_means - kmeans_move).max():.4f}"})
pd.DataFrame(rows)

# %% [markdown]
# At large $\sigma$ every point pulls on every centre, and EM's means land far
# from K-means'. As $\sigma$ shrinks the gap closes (the share of hard points
# differs a little from the figure's because these are the starting centres,
# not the final ones), and from $\sigma = 0.03$ on it is 0 to four decimals.
#
# Not only one update agrees. Run this fixed-$\sigma$ EM, which updates the
# centres alone, from the same start until an update no longer moves them,
# at several $\sigma$, and compare where it ends with where K-means ended:

# %%
def fixed_sigma_em(X, centres, sigma, max_iter=1000):
    """EM for the centres alone, the weights 1/K and sigma held fixed: (final centres, iterations)."""
    c = centres.copy()
    for iteration in range(1, max_iter + 1):
        r = soft_assign(X, c, sigma)                  # E-step
        c_new = (r.T @ X) / r.sum(axis=0)[:, None]    # M-step for the centres only
        if np.abs(c_new - c).max() < 1e-12:           # this update did not move them: stop
            return c, iteration
        c = c_new
    return c, max_iter


rows = []
for sigma in (0.01, 0.1, 0.3, 1.0, 2.0):
    c, n_iter = fixed_sigma_em(X, centres, sigma)
    rows.append({"sigma": sigma, "iterations": n_iter,
                 "largest |final centre - K-means' centre|": np.abs(c - km.centres).max(),
                 "spread of the final centres": np.ptp(c, axis=0).max()})   # 0 if they merged
with pd.option_context("display.float_format", "{:.4f}".format):
    display(pd.DataFrame(rows))

# %% [markdown]
# At $\sigma = 0.01$ the run ends exactly where K-means ended. Its 8
# iterations are K-means' 7 plus the last update, the one that no longer
# moves the centres; K-means does not count its own last step, the
# assignment that changes no label. As $\sigma$ grows the end drifts away
# from K-means' centres, by 0.0001 at $\sigma = 0.1$, 0.008 at 0.3 and 0.11
# at 1, and each run takes longer. At $\sigma = 2$ every point is shared so
# evenly that the three centres merge into one (the gap between them is 0),
# at the mean of all the data.

# %% [markdown]
# **Do the weights matter?** The cancellation above used equal weights. With
# weights $\pi_k$ each exponent keeps a term $\log \pi_k$, and the border
# between components $j$ and $k$ is where their two exponents are equal:
#
# $$\log \pi_j - \frac{\lVert x - c_j\rVert^2}{2\sigma^2} = \log \pi_k - \frac{\lVert x - c_k\rVert^2}{2\sigma^2}
#   \quad\Longleftrightarrow\quad
#   \lVert x - c_j\rVert^2 - \lVert x - c_k\rVert^2 = 2\sigma^2 \log(\pi_j / \pi_k).$$
#
# The $\lVert x \rVert^2$ terms cancel on the left, which is therefore linear in
# $x$: the border is still a straight line perpendicular to the segment from
# $c_j$ to $c_k$, and the weights only move it parallel to itself. On the
# segment, at the midpoint plus $t$ times the unit vector from $c_j$ towards
# $c_k$, the left side is $2t \lVert c_j - c_k \rVert$, so the border sits at
#
# $$t = \frac{\sigma^2 \log(\pi_j / \pi_k)}{\lVert c_j - c_k \rVert}:$$
#
# pushed away from the heavier component, towards the lighter one. The shift
# shrinks like $\sigma^2$, and in the limit the weights drop out.

# %% [markdown]
# To check the formula we give the three components the weights
# $(0.7, 0.2, 0.1)$ and covariances $\sigma^2 I$, use gmmlib's own E-step, and
# find the border between components 0 and 1 numerically, where
# $r_{i0} = r_{i1}$, with scipy's root finder `brentq` (it finds where a
# function changes sign inside an interval):

# %%
skewed = np.array([0.7, 0.2, 0.1])
gap_01 = np.linalg.norm(centres[1] - centres[0])
towards_1 = (centres[1] - centres[0]) / gap_01          # unit vector from centre 0 to centre 1
midpoint = (centres[0] + centres[1]) / 2


def skewed_mixture(sigma):
    """The weights (0.7, 0.2, 0.1), the starting centres and covariances sigma^2 I."""
    return gmmlib.GMMParams(skewed, centres, [sigma**2 * np.eye(2)] * 3)


def r0_minus_r1(t, params):
    """r_0 - r_1 at the point midpoint + t * towards_1."""
    r = gmmlib.e_step((midpoint + t * towards_1)[None, :], params)
    return r[0, 0] - r[0, 1]


# %% [markdown]
# The border, found numerically, against the formula, and EM's mean update
# with these weights against K-means' first move:

# %%
for sigma in (1.0, 0.1, 0.01):
    params = skewed_mixture(sigma)
    border = brentq(r0_minus_r1, -gap_01 / 2, gap_01 / 2, args=(params,), xtol=1e-12)
    formula = sigma**2 * np.log(skewed[0] / skewed[1]) / gap_01
    r = gmmlib.e_step(X, params)
    em_means = (r.T @ X) / r.sum(axis=0)[:, None]
    print(f"sigma = {sigma:4}: border at t = {border:+.6f}, formula {formula:+.6f};  "
          f"largest |EM mean - K-means move| {np.abs(em_means - kmeans_move).max():.2e}")

# %% [markdown]
# The border sits where the formula puts it, and it moves in by a factor of
# 100 each time $\sigma$ shrinks by 10. At $\sigma = 1$ EM's means with
# these weights land 0.18 from K-means' move, more than twice as far as with
# equal weights (0.0743 in the table above); at $\sigma = 0.01$ the weights no
# longer make a difference that shows.

# %% [markdown]
# So two facts sit side by side. *Hard* EM for a mixture of round components
# that share one fixed variance and weigh the same is K-means at any
# $\sigma$ (lesson 07). *Soft* EM for the same mixture, with $\sigma$ and the
# weights held fixed, becomes K-means only as $\sigma \to 0$, and in that
# limit the values of the weights no longer matter. Full EM lets go of each
# restriction. Its covariances, one per component, let clusters be stretched
# or of different spread: that is what fits the stretched clusters of lesson
# 07, where K-means failed. Its weights, at any real spread, move the borders
# towards the rarer clusters, which helps on the unequal ones.
#
# ## 2. K-means as a starting point for EM
#
# K-means is cheap, and its answer is often roughly right. That makes it a
# popular start for EM (scikit-learn's `GaussianMixture` starts from K-means by
# default). Turning K-means clusters into mixture parameters is one M-step
# with K-means' hard responsibilities ($r_{ik} = 1$ if point $i$ is in cluster
# $k$, else 0). With 0s and 1s the sums over points become sums over each
# cluster's own points: $N_k$ counts them, and the M-step's formulas read
#
# $$\pi_k = \frac{N_k}{N}, \qquad \mu_k = \frac{1}{N_k} \sum_{i:\, z_i = k} x_i, \qquad
#   \Sigma_k = \frac{1}{N_k} \sum_{i:\, z_i = k} (x_i - \mu_k)(x_i - \mu_k)^\top:$$
#
# the cluster fractions, the cluster means (K-means' final centres) and the
# within-cluster covariances.

# %% [markdown]
# ### Exercise 2: a mixture from K-means clusters
#
# Write `params_from_labels(X, labels, n_clusters)`: for `X` of shape (N, D)
# and integer `labels` of shape (N,) with values $0, \dots, K-1$
# (`n_clusters` is $K$), return the tuple `(weights, means, covariances)` of
# shapes (K,), (K, D) and (K, D, D) given by the three formulas above, without
# `reg_covar`. Hint: `X[labels == k]` holds the points of cluster $k$; with
# `d` their deviations from their own mean, `d.T @ d / N_k` is $\Sigma_k$
# (`np.cov` divides by $N_k - 1$ unless given `bias=True`).
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_params_from_labels


def params_from_labels(X, labels, n_clusters):
    """(weights (K,), means (K, D), covariances (K, D, D)) of the clusters of X (N, D) given by labels (N,)."""
    ...


# %%
check_params_from_labels(params_from_labels)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def params_from_labels(X, labels, n_clusters):
    """(weights (K,), means (K, D), covariances (K, D, D)) of the clusters of X (N, D) given by labels (N,)."""
    N, D = X.shape
    weights = np.empty(n_clusters)
    means = np.empty((n_clusters, D))
    covariances = np.empty((n_clusters, D, D))
    for k in range(n_clusters):
        members = X[labels == k]                    # the N_k points of cluster k
        weights[k] = len(members) / N               # pi_k = N_k / N
        means[k] = members.mean(axis=0)             # mu_k
        d = members - means[k]                      # deviations from the cluster's own mean
        covariances[k] = d.T @ d / len(members)     # Sigma_k, divided by N_k
    return weights, means, covariances


check_params_from_labels(params_from_labels)

# %% [markdown]
# Applied to K-means' labels, it gives the start. `gmmlib.m_step` also adds
# the small `reg_covar` (lesson 06) to the diagonal of every covariance; we
# add it too, so that the start is the one gmmlib would compute from the
# one-hot responsibilities:

# %%
def params_from_kmeans(X, result, reg_covar=1e-6):
    """GMMParams from K-means clusters: the M-step with one-hot responsibilities, plus reg_covar."""
    K, D = result.centres.shape
    weights, means, covariances = params_from_labels(X, result.labels, K)
    return gmmlib.GMMParams(weights, means, covariances + reg_covar * np.eye(D))


Xu, zu = data_sets["unequal"]
km_u = canonical(gmmlib.kmeans(Xu, 3, seed=0), UNEQUAL_CLUSTERS)   # wide, upper, lower
start_u = params_from_kmeans(Xu, km_u)
print("weights = cluster fractions:", start_u.weights, "  cluster sizes:", np.bincount(km_u.labels))
print("means = K-means' centres:", np.abs(start_u.means - km_u.centres).max() < 1e-12)
print("the start gmmlib.m_step gives:", np.allclose(start_u.covariances,
                                                    gmmlib.m_step(Xu, np.eye(3)[km_u.labels]).covariances))

# %% [markdown]
# The start inherits K-means' mistake on these data: the unequal clusters
# were drawn with weights 0.7, 0.15 and 0.15, but K-means' clusters hold
# 0.53, 0.23 and 0.24 of the points, because the two small clusters swallow
# the edge of the wide one (lesson 07). EM has to move weight back to the
# wide cluster.
#
# Now fit each data set twice, once from `gmmlib.fit`'s default start
# (k-means++ means, equal weights, the covariance of all the data) and once
# from the K-means clusters, with the same seed for both, and up to 300 EM
# iterations so that every run can converge. The K-means start
# costs K-means' own iterations first; they are cheaper than EM's (distances
# only, no covariances or densities), but not free, so the table lists them too.

# %%
rows, runs = [], {}
for name, (Xd, zd) in data_sets.items():
    for start_name in ("default", "K-means"):
        if start_name == "default":
            init, km_iterations = "kmeans++", 0
        else:
            km_d = gmmlib.kmeans(Xd, 3, seed=0)
            init, km_iterations = params_from_kmeans(Xd, km_d), km_d.n_iter
        res = gmmlib.fit(Xd, 3, init=init, seed=0, max_iter=300)
        runs[name, start_name] = res
        rows.append({"data": name, "start": start_name, "K-means iterations": km_iterations,
                     "EM iterations": res.n_iter, "converged": res.converged,
                     "final log-likelihood": res.log_likelihoods[-1],
                     "ARI": adjusted_rand_score(zd, gmmlib.predict(Xd, res.params))})
with pd.option_context("display.float_format", "{:.4f}".format):
    display(pd.DataFrame(rows))

# %% [markdown]
# On both sets the two starts reach the same answer, and the K-means start
# gets there sooner. On the unequal data it cuts EM's iterations from 19 to 12
# (after 6 cheap K-means iterations). On the stretched data the difference is
# large: 104 EM iterations from the default start, against 7 of K-means and 26
# of EM. The log-likelihood per iteration shows where the default start loses
# its time:

# %%
fig, ax = plt.subplots(figsize=(8, 4))
for start_name, style in (("default", "-"), ("K-means", "--")):
    ax.plot(runs["stretched", start_name].log_likelihoods, style, color="black",
            label=f"{start_name} start")
ax.axvline(50, color="tab:red", lw=1, ls=":", label="iteration 50")
ax.annotate("plateau near −1627: a wrong split", xy=(50, -1627), xytext=(22, -1800),
            arrowprops=dict(arrowstyle="->", color="tab:red"), color="tab:red")
ax.set_xlabel("EM iteration")
ax.set_ylabel("log-likelihood")
ax.set_title("EM on the stretched clusters from two starts")
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# What the mixture holds on the way, and what the default cap of 100
# iterations would have given:

# %%
Xs0, zs0 = data_sets["stretched"]
for start_name, t in (("default", 50), ("K-means", 2), ("K-means", 10), ("K-means", 15)):
    res = runs["stretched", start_name]
    print(f"{start_name:7s} start, iteration {t:2d}: log-likelihood {res.log_likelihoods[t]:.2f}, "
          f"ARI {adjusted_rand_score(zs0, gmmlib.predict(Xs0, res.history[t])):.4f}")
capped = gmmlib.fit(Xs0, 3, seed=0)                  # the default start and cap, max_iter=100
print(f"default start, max_iter=100: {capped.n_iter} iterations, converged {capped.converged}, "
      f"log-likelihood {capped.log_likelihoods[-1]:.2f}, "
      f"ARI {adjusted_rand_score(zs0, gmmlib.predict(Xs0, capped.params)):.4f}")

# %% [markdown]
# From the default start EM climbs within about 15 iterations onto a plateau
# near $-1627$, where the mixture holds a wrong split much like K-means' in
# lesson 07 (ARI 0.52 at iteration 50): lesson 01's plateau again. It creeps
# along it for some 80 iterations before it finds the way up to $-1418.25$.
# With `gmmlib.fit`'s default cap of 100 iterations it stops on the way up,
# at $-1429.43$: its labels are already nearly right (ARI 0.99), but the fit
# is not finished, and `converged` is False. Check `converged` after every
# fit (scikit-learn's `converged_` too). The K-means start puts EM near a
# similar plateau at once; there its ARI rises from 0.48 at iteration 2 to
# 0.55 at 10 and 0.70 at 15, and EM leaves the plateau soon after.
#
# That is not a guarantee. When K-means' answer is wrong in the way of
# lesson 07, EM starts inside K-means' mistake and must climb out of it, and
# it may instead settle in the local optimum next door. Here is another draw
# of the stretched data (`seed=2`), fitted from six seeds with each start:

# %%
Xs, zs = stretched_clusters(seed=2)
rows = []
for seed in range(6):
    default = gmmlib.fit(Xs, 3, seed=seed)
    km_s = gmmlib.kmeans(Xs, 3, seed=seed)
    from_km = gmmlib.fit(Xs, 3, init=params_from_kmeans(Xs, km_s))
    rows.append({"seed": seed,
                 "default: iter.": default.n_iter, "default: log-lik.": default.log_likelihoods[-1],
                 "default: ARI": adjusted_rand_score(zs, gmmlib.predict(Xs, default.params)),
                 "K-means alone: ARI": adjusted_rand_score(zs, km_s.labels),
                 "from K-means: iter.": from_km.n_iter,
                 "from K-means: log-lik.": from_km.log_likelihoods[-1],
                 "from K-means: ARI": adjusted_rand_score(zs, gmmlib.predict(Xs, from_km.params))})
starts = pd.DataFrame(rows)
with pd.option_context("display.float_format", "{:.4f}".format, "display.width", 140):
    display(starts)

# %% [markdown]
# K-means alone is wrong from every seed (ARI between 0.44 and 0.52: the split
# of lesson 07). The default start finds the right clusters (ARI 1,
# log-likelihood $-1450.06$) from five seeds of six. The K-means start finds
# them from only three: from seeds 2, 4 and 5 EM climbs out of K-means'
# mistake, from seeds 0, 1 and 3 it stays near K-means' wrong split, with an
# ARI near 0.52 and a log-likelihood about 170 lower.
#
# The remedy of lesson 04 applies to both starts: several starts, keeping the
# one with the highest log-likelihood. For the default start that is
# `gmmlib.fit(X, K, n_init=...)`. For the K-means start, `n_init` does not
# apply (a start given as parameters is one start); instead run K-means from
# several seeds, start EM from each, and keep the best, which is what the
# table above did:

# %%
best = starts["from K-means: log-lik."].idxmax()
print(f"best of the six K-means starts: log-likelihood "
      f"{starts.loc[best, 'from K-means: log-lik.']:.4f}, ARI {starts.loc[best, 'from K-means: ARI']:.4f}")
restarted = gmmlib.fit(Xs, 3, n_init=6, seed=0)   # six starts drawn one after another from seed 0
print(f"best of six default starts (n_init=6): log-likelihood {restarted.log_likelihoods[-1]:.4f}, "
      f"ARI {adjusted_rand_score(zs, gmmlib.predict(Xs, restarted.params)):.4f}")

# %% [markdown]
# Both end at the right clusters. (`n_init=6` draws its six starts one after
# another from one generator seeded with 0, so they are not the six seeds of
# the table; with six tries, either way finds the answer.)
#
# ## Summary
#
# - Soft EM for components $\mathcal N(c_k, \sigma^2 I)$, with the weights and $\sigma$ held fixed and only the centres estimated, becomes K-means as $\sigma \to 0$: the responsibilities harden, the mean update becomes the K-means move, and the whole run ends at K-means' centres. (Hard EM for the same mixture is K-means at any $\sigma$, lesson 07.)
# - In the limit the weights no longer matter; at a real $\sigma$ they move each border parallel to itself, towards the lighter component, by $\sigma^2 \lvert\log(\pi_j/\pi_k)\rvert / \lVert c_j - c_k \rVert$.
# - K-means clusters give a start for EM: one M-step with the hard responsibilities (fractions, centres, within-cluster covariances + `reg_covar`). It often saves iterations, but it can also hand EM K-means' mistakes: run it from several seeds, keep the best fit, and check `converged`.
#
# ## Where next
#
# Lesson 09, scikit-learn's `GaussianMixture`, meets K-means again: it is
# that class's default start. Its four covariance types (full, tied,
# diagonal, spherical) relax the full mixture in different ways, and none of
# them is the K-means model: even `"spherical"`, the closest, gives each
# component its own variance and estimates the weights, whereas K-means'
# mixture has one shared $\sigma$, held fixed, and equal weights (and
# needs hard assignments, or $\sigma \to 0$). For the theory, see section
# 9.3.2 of Bishop's *Pattern Recognition and Machine Learning*, on K-means as
# a limit of EM.
