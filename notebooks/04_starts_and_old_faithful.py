# %% [markdown]
# # Lesson 04: Starting points, label switching and Old Faithful
#
# **What you will do.** Run EM on the three clusters of lesson 03 from a hundred
# different starts and watch a few of them end in a worse fit; compare two fits that
# found the same clusters under different numbers; then fit the eruptions of the Old
# Faithful geyser, the classic two-cluster data set, and read the fit back in minutes.
# On the way you write k-means++'s choice of a start and the matching of two fits yourself.
#
# **What you will learn.**
# - why the result of EM depends on its start: random and k-means++ starts, local optima, restarts with `n_init`;
# - label switching: why the components of a fit have no fixed numbers, and how to line two fits up;
# - why real data are often standardised before fitting, and how to convert the fit back.
#
# **What you need.** Lesson 03: the E- and M-steps with matrices, the covariance
# ellipses, and how the stepper colours the points.
#
# **Time.** About 45 minutes, with the two exercises.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd

import gmmlib
from gmmlib.components import canonical, match_components, permute_components
from gmmlib.datasets import THREE_BLOBS_2D, old_faithful, three_blobs_2d
from gmmlib.steps import em_filmstrip
from gmmlib.plotting import plot_mixture_2d, plot_strips, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# We start from the data and the fit of lesson 03: the 500 points from three Gaussians,
# and the fit of its stepper, `gmmlib.fit(X, 3, seed=0)`. As in every figure of the course,
# `canonical(..., THREE_BLOBS_2D)` numbers the components like the three Gaussians that made
# the data: blue (0) the bottom-left cluster, orange (1) the right one, green (2) the top one.

# %%
X, z_true = three_blobs_2d(n_samples=500, seed=0)
K = 3
good = canonical(gmmlib.fit(X, K, seed=0), THREE_BLOBS_2D)
print(f"log-likelihood {good.log_likelihoods[-1]:.2f} after {good.n_iter} iterations")
print("means:\n", good.params.means)

# %% [markdown]
# ## 1. Initialisation matters
#
# EM climbs the log-likelihood from wherever it starts: no iteration goes down (exactly so
# with `reg_covar=0`; the default `reg_covar=1e-6` could lower it by a hair). `gmmlib.fit`
# stops when the climb has flattened out: the mean log-likelihood per point changed by less
# than `tol` (default $10^{-6}$) in two iterations in a row, and the last M-step barely
# moved the parameters. That is near a **stationary point**, where the log-likelihood is flat
# in every direction: usually a local maximum, and not necessarily the highest one, a
# **local optimum**. `gmmlib.fit` starts every component with weight $1/K$ and the covariance
# of the whole data, and places the means in one of two ways:
#
# - `init="random"`: $K$ distinct data points drawn uniformly;
# - `init="kmeans++"` (the default): spread-out data points. The first is drawn uniformly, and
#   each next one with probability proportional to its squared distance to the nearest mean
#   so far, $p_i = d_i^2 / \sum_j d_j^2$ with $d_i = \min_k \lVert x_i - c_k \rVert$, so two
#   means rarely land in the same cluster.
#
# > **Note.** Like scikit-learn, `gmmlib` uses *greedy* k-means++: each next mean is the best of
# > $2 + \lfloor \ln K \rfloor$ such candidates (3 for $K = 3$), the one that leaves the
# > smallest sum of squared distances from the points to their nearest mean.
#
# ### Exercise 1: k-means++'s probabilities
#
# Write `kmeanspp_probabilities(X, centres)`: for the data `X` (N, D) and the means chosen so
# far, `centres` (K, D), return the array (N,) of $p_i = d_i^2 / \sum_j d_j^2$. Hint:
# `((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)` is the (N, K) table of squared
# distances; $d_i^2$ is the smallest in row $i$. Run the check as it is first (it says
# *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_kmeanspp_probabilities


def kmeanspp_probabilities(X, centres):
    """k-means++'s probability of picking each point next: X (N, D), centres (K, D) -> (N,)."""
    ...

# %%
check_kmeanspp_probabilities(kmeanspp_probabilities)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def kmeanspp_probabilities(X, centres):
    """k-means++'s probability of picking each point next: X (N, D), centres (K, D) -> (N,)."""
    squared = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)   # (N, K)
    d2 = squared.min(axis=1)                                             # to the NEAREST centre
    return d2 / d2.sum()


check_kmeanspp_probabilities(kmeanspp_probabilities)

# %% [markdown]
# Say the first mean is the data point closest to the centre of the bottom-left cluster.
# How likely is the second mean to land in each cluster (by the true labels `z_true`)?

# %%
first = np.argmin(((X - THREE_BLOBS_2D.means[0]) ** 2).sum(axis=1))
p = kmeanspp_probabilities(X, X[[first]])
for k, name in enumerate(("bottom-left", "right", "top")):
    print(f"{name:12s} cluster: {np.mean(z_true == k):.2f} of the points, "
          f"probability {p[z_true == k].sum():.3f}")

# %% [markdown]
# A uniform draw would put the second mean in the same cluster as the first with probability
# 0.36, the cluster's share of the points; k-means++ does it with probability 0.059, and sends
# the second mean most probably to the top cluster, the farthest.
#
# Here is one random start that goes wrong, seed 10, next to the good fit:

# %%
bad = canonical(gmmlib.fit(X, 3, init="random", seed=10, max_iter=500), THREE_BLOBS_2D)
print(f"random start, seed 10: log-likelihood {bad.log_likelihoods[-1]:.2f} after {bad.n_iter} iterations, "
      f"converged: {bad.converged}")
print(f"k-means++, seed 0:     log-likelihood {good.log_likelihoods[-1]:.2f} after {good.n_iter} iterations, "
      f"converged: {good.converged}")

fig, axes = plt.subplots(1, 3, figsize=(16, 5), sharex=True, sharey=True)
panels = ((bad.history[0], f"random start (seed 10): {bad.log_likelihoods[0]:.2f}", False),
          (bad.params, f"where it ends: {bad.log_likelihoods[-1]:.2f}", True),
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
# better fit's: a stationary point that no small step improves, so EM cannot leave it.
#
# > **Note.** The colours follow the course's rule here too: blue is on the bottom-left cluster,
# > as in the better fit, green's wide ellipse covers the top cluster and the right one, and
# > orange, squeezed under blue, is the component that the right (orange) cluster lacks.
#
# How often does this happen? Let us run 50 seeds of each kind of start and
# collect the final log-likelihoods (`max_iter=500` so that every run converges). Runs that
# reach the same optimum stop at slightly different points, so their values differ a little;
# we count a run as worse when it ends more than 1 below the best, and print how far apart
# the others are.

# %%
final = {}
for init in ("random", "kmeans++"):
    runs = [gmmlib.fit(X, 3, init=init, seed=seed, max_iter=500) for seed in range(50)]
    assert all(r.converged for r in runs)
    final[init] = np.array([r.log_likelihoods[-1] for r in runs])
    worse = final[init] < final[init].max() - 1
    print(f"{init:9s}: best {final[init].max():.2f}, the others within 1 of it span "
          f"{np.ptp(final[init][~worse]):.1e}; worse by more than 1: seeds {np.flatnonzero(worse).tolist()}")

# %%
fig, ax = plt.subplots(figsize=(9, 3.2))
dots = plot_strips(ax, {f'init="{init}"': lls for init, lls in final.items()})
for row, (lls, drawn) in enumerate(zip(final.values(), dots)):
    at_best = lls >= lls.max() - 1                      # overlapping dots: write the count
    ax.annotate(f"{at_best.sum()} runs", (lls.max(), row), xytext=(-12, 0), textcoords="offset points",
                ha="right", va="center", fontsize=12)
    for seed in np.flatnonzero(~at_best):               # the outliers: name each one
        ax.annotate(f"seed {seed}", drawn.get_offsets()[seed], xytext=(8, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=12)
ax.set_xlabel("final log-likelihood")
ax.set_title("where EM ends from 50 starts of each kind")
plt.show()

# %% [markdown]
# Each dot is one run; the dots at the same value overlap, so the counts are written next to them.
# Almost all runs pile up at the same best value, $-1654.75$ (48 random starts), within about
# $10^{-4}$ of each other; two random starts (seeds 10 and 21) end about 108 and 109 lower, in a local
# optimum like the one above. Any threshold between the two, such as our 1, tells them apart. The 50 k-means++
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
# draw); the nine others find the better optimum, and the winner is one of them. Their
# final values agree to the two decimals printed; which of them wins is decided by the
# last digits, and does not matter.
#
# ## 2. Label switching
#
# Two runs that reach the same optimum need not number their components the same
# way: nothing in the likelihood says which cluster is "component 0". Here are the
# k-means++ fits from seeds 0 and 5 **as `fit` returns them**, without `canonical`: the
# one figure of this lesson drawn in the raw numbering.

# %%
fit_a = gmmlib.fit(X, 3, seed=0)          # raw numbering: no canonical here, on purpose
fit_b = gmmlib.fit(X, 3, seed=5)
print(f"log-likelihoods: {fit_a.log_likelihoods[-1]:.2f} and {fit_b.log_likelihoods[-1]:.2f}")

fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), sharex=True, sharey=True)
for ax, (name, result) in zip(axes, (("seed 0", fit_a), ("seed 5", fit_b))):
    plot_mixture_2d(ax, result.params, X)
    ax.set_aspect("equal", adjustable="box")         # "datalim" is not allowed when both axes are shared
    for k, m in enumerate(result.params.means):
        ax.annotate(f"{k}", m, xytext=(10, 8), textcoords="offset points", fontsize=15, weight="bold")
    ax.set_title(f"k-means++, {name}, raw numbering")
plt.show()

# %% [markdown]
# The same ellipses, the same log-likelihood, but every cluster has a different number, and so
# a different colour, in the two panels. The bottom-left cluster, blue in every other figure
# of the course, is component 1 (orange) of seed 0 and component 2 (green) of seed 5.
# Comparing "component 0 of one fit" with "component 0 of the other" would compare different
# clusters: first we must find which component of fit b goes with each component of fit a.
#
# ### Exercise 2: match two fits by their means
#
# Write `match_by_means(means_a, means_b)`: for two arrays of means of shape (K, D), return
# `perm`, an integer array of shape (K,) such that component `perm[k]` of b goes with
# component k of a (so `means_b[perm]` lines up with `means_a`), chosen to minimise the
# total squared distance $\sum_k \lVert \mu^a_k - \mu^b_{\mathrm{perm}[k]} \rVert^2$ over all
# permutations. Hint: `itertools.permutations(range(K))` lists the $K!$ candidates; pairing
# each mean with its nearest is not enough. Run the check as it is first (it says
# *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_match_by_means


def match_by_means(means_a, means_b):
    """perm (K,) with means_b[perm] lined up with means_a, both of shape (K, D)."""
    ...

# %%
check_match_by_means(match_by_means)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
from itertools import permutations


def match_by_means(means_a, means_b):
    """perm (K,) with means_b[perm] lined up with means_a, both of shape (K, D)."""
    K = len(means_a)
    cost = ((means_a[:, None, :] - means_b[None, :, :]) ** 2).sum(axis=2)  # cost[k, j] = |mu_k^a - mu_j^b|^2
    best = min(permutations(range(K)), key=lambda perm: cost[np.arange(K), list(perm)].sum())
    return np.array(best)


check_match_by_means(match_by_means)

# %% [markdown]
# On our two fits:

# %%
perm = match_by_means(fit_a.params.means, fit_b.params.means)
print("perm:", perm, " (component k of seed 0 goes with component perm[k] of seed 5)")
print("means of seed 0:\n", fit_a.params.means)
print("means of seed 5, reordered by perm:\n", fit_b.params.means[perm])

# %% [markdown]
# Component 0 of seed 0 (the right cluster) is component 1 of seed 5, component 1 (bottom
# left) is component 2, and component 2 (top) is component 0. `perm` is a cycle of all three,
# so it differs from its inverse `np.argsort(perm)`, $[2, 0, 1]$, which answers the
# opposite question (which component of a goes with each component of b).
#
# `gmmlib.components.match_components(reference, other)` does the same for whole Gaussians, and
# `permute_components` renumbers. It compares components by the **Bhattacharyya distance**,
# 0 for identical Gaussians:
# $D_B = \tfrac18\, d^\top S^{-1} d + \tfrac12 \log \dfrac{|S|}{\sqrt{|\Sigma_1|\,|\Sigma_2|}}$,
# with $d = \mu_1 - \mu_2$ and $S = (\Sigma_1 + \Sigma_2)/2$. The first term is an eighth of the
# squared Mahalanobis distance between the means, measured with the average covariance $S$; the
# second, 0 for equal covariances, grows with the mismatch of their shapes. Instead of trying all $K!$ permutations it solves the optimal assignment with
# `scipy.optimize.linear_sum_assignment`, fast for any $K$.

# %%
perm_b = match_components(fit_a.params, fit_b.params)
print("match_components:", perm_b, " the same as match_by_means:", np.array_equal(perm_b, perm))
matched = permute_components(fit_b.params, perm_b)

# %% [markdown]
# A small table shows weights and means side by side, one row per component:

# %%
def side_by_side(named_params):
    """One row per component: "weight at (mean)" for each named GMMParams."""
    columns = {name: [f"{w:.4f} at ({m[0]:+.4f}, {m[1]:+.4f})" for w, m in zip(p.weights, p.means)]
               for name, p in named_params.items()}
    return pd.DataFrame(columns, index=pd.Index(range(K), name="component"))


side_by_side({"seed 0": fit_a.params, "seed 5": fit_b.params, "seed 5, matched": matched})

# %% [markdown]
# Before matching, no row agrees; after, the two fits agree component by component
# to within 0.003. Two runs stop at slightly different points on their way to the same
# optimum, so they agree to the tolerance of the fit, not to the last digit. The covariances line up too:

# %%
print("largest covariance difference after matching: ",
      f"{np.abs(matched.covariances - fit_a.params.covariances).max():.4f}")
print("largest covariance difference before matching:",
      f"{np.abs(fit_b.params.covariances - fit_a.params.covariances).max():.4f}")

# %% [markdown]
# The course's figures avoid the problem with one fixed reference instead of a pair:
# `canonical(fit, THREE_BLOBS_2D)` matches a fit with the mixture that generated the data
# (in the same way, by Bhattacharyya distance), so every fit of these data comes out in
# that mixture's order, whatever its seed:

# %%
side_by_side({"generating mixture": THREE_BLOBS_2D,
              "seed 0, canonical": canonical(fit_a.params, THREE_BLOBS_2D),
              "seed 5, canonical": canonical(fit_b.params, THREE_BLOBS_2D)})

# %% [markdown]
# Both fits now number the bottom-left cluster 0, the right one 1 and the top one 2, like
# the generating mixture (the fitted weights and means differ from the true ones a little,
# as estimates from 500 points do). For data without a known generator, such as the geyser
# below, `canonical(fit)` numbers the components from left to right by the first coordinate
# of their means.
#
# ## 3. Real data: Old Faithful
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
# the M-step does; pandas' `std()` divides by $N - 1$.) EM with full covariances copes
# with that by itself: a fit in minutes reaches the same optimum, as we check at the end.
# What does not cope is everything around it: the squared distances that k-means++ uses to
# place its means are dominated by the waiting time; `reg_covar` adds the same number to
# a variance of 184 and to one of 1.3, so what counts as "small" depends on the units; and a
# start written by hand with round covariances such as the identity means nothing when the
# units differ. So we **standardise**: subtract each column's mean $c_j$ and divide by its
# standard deviation $s_j$, and both columns have mean 0 and spread 1.

# %%
share = faithful.var(ddof=0) / faithful.var(ddof=0).sum()
print("share of the total variance:", share.round(4).to_dict())

c, s = faithful.mean(), faithful.std(ddof=0)           # the vectors c and s, one entry per column
Z = ((faithful - c) / s).to_numpy()                    # (272, 2), standardised
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
# 2, 5 and 20 (half-steps 0, 2, 4, 10, 40). `canonical` numbers the components from
# left to right, so the short eruptions will be blue.

# %%
poor_start = gmmlib.GMMParams(weights=[0.5, 0.5],
                              means=[[-1.5, 1.0], [1.5, -1.0]],
                              covariances=[np.eye(2), np.eye(2)])
faithful_fit = canonical(gmmlib.fit(Z, 2, init=poor_start, tol=0, max_iter=20))   # left to right

fig = em_filmstrip(Z, faithful_fit, [0, 2, 4, 10, 40])
for ax in fig.axes[:5]:
    ax.set_xlabel("eruption (standardised)")
    ax.set_ylabel("waiting (standardised)")
fig.suptitle("EM on Old Faithful: the start and iterations 1, 2, 5 and 20")
fig

# %% [markdown]
# The panels follow the stepper's rule (lesson 03, section 4): an M-step panel shows the new ellipses
# in the colours of the E-step before it, i.e. the responsibilities under the
# previous parameters. At the start the two circles sit where there is no data, and every point is
# grey. After one iteration both components have rushed into the data as long, overlapping ellipses
# along the diagonal. The colours of that panel come from the start's two circles: each
# point leans towards the nearer circle, and that already splits the two clusters roughly: the
# lower left one leans blue, the upper right one orange, but most points are blends, because
# both circles are far from all the data. The shapes are not right yet. By iteration 5
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
# with $S = \mathrm{diag}(s)$. A density is per unit of area, so it changes too: in minutes
# it is the standardised one divided by $s_1 s_2$, and the log-likelihood drops by
# $N \log(s_1 s_2)$. $-385.46$ is the log-likelihood of the standardised data; in minutes the
# same fit has $-385.46 - 272 \log(1.1393 \times 13.570)$. Let us convert, and compare with
# EM run on the data in minutes directly:

# %%
p = faithful_fit.params
S = np.diag(s.to_numpy())
means_min = np.array([S @ mu + c.to_numpy() for mu in p.means])       # S mu + c
covs_min = np.array([S @ cov_k @ S for cov_k in p.covariances])        # S Sigma S
ll_min = faithful_fit.log_likelihoods[-1] - len(Z) * np.log(s.prod())  # minus N log(s_1 s_2)

in_minutes_fit = canonical(gmmlib.fit(faithful.to_numpy(), 2))         # EM on the minutes
print(f"converted: log-likelihood {ll_min:.2f};  fitted in minutes: "
      f"{in_minutes_fit.log_likelihoods[-1]:.2f} after {in_minutes_fit.n_iter} iterations")
print("largest difference of the means (min):", f"{np.abs(means_min - in_minutes_fit.params.means).max():.4f}")

# %% [markdown]
# The fit in minutes lands on the same optimum, with the same log-likelihood once the units
# agree: standardising did not change the answer here, only made it safer to reach. Here is
# the fit in minutes, with each component's correlation. A correlation has no units, so it
# is the same in minutes as in standard units:

# %%
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

# %%
print(f"correlation over all 272 eruptions: {faithful['eruptions'].corr(faithful['waiting']):.3f}")

# %% [markdown]
# Most of that strong correlation comes from the two kinds of eruption lying on a diagonal, not from
# inside either kind: a mixture separates the two.
#
# ## Summary
#
# - EM stops at a stationary point of the log-likelihood, which depends on the start and can be a local optimum. k-means++ starts make bad starts rare; `n_init` restarts, keeping the best log-likelihood, help more.
# - Components have no fixed numbering (label switching); `match_components` lines two fits up before comparing them, and `canonical` numbers every fit like one reference, or from left to right.
# - Standardise data whose columns have different units; convert the fit back afterwards ($S\mu + c$, $S\Sigma S$, and the log-likelihood minus $N \log(s_1 s_2)$).
# - Old Faithful has two kinds of eruption, short and long; most of the correlation between duration and wait lies between the kinds, not within them.
#
# ## Where next
#
# Lesson 05, *Singularities*, looks at what can go wrong beyond a bad start: a component can
# shrink onto a single point and drive the log-likelihood to infinity. For the theory of
# this lesson, see section 9.2 of Bishop's *Pattern Recognition and Machine Learning*.
# R's `faithful` data, our 272 rows, are the version of Härdle (1991), *Smoothing Techniques
# with Implementation in S*. Azzalini and Bowman (1990), "A look at some data on the Old
# Faithful geyser", *Applied Statistics* 39, 357-365, studied a longer record of the same
# geyser, 299 eruptions measured continuously over a fortnight in August 1985 (R's
# `MASS::geyser`), not these 272 rows.
