# %% [markdown]
# # Lesson 05: Gaussian mixtures with scikit-learn
#
# **What you will do.** Hand the EM algorithm you built in lessons 01-03 over to
# scikit-learn's `GaussianMixture`, and check that it computes the same numbers.
# Then use the library for the jobs mixtures are good at: picking the number of
# components, flagging unusual points, generating new data, letting a Bayesian
# mixture switch off components it does not need, and grouping real flowers.
#
# **What you will learn.**
# - the methods and fitted attributes of `GaussianMixture`, and two traps in them
#   (`score` is an average; `sample` returns its points grouped);
# - how to start scikit-learn and `gmmlib` from the same parameters and get the same fit;
# - what the covariance types `full`, `tied`, `diag` and `spherical` assume;
# - how BIC, AIC and a held-out log-likelihood choose the number of components;
# - what `init_params` and `n_init` change;
# - anomaly detection, sampling, and `BayesianGaussianMixture`.
#
# **What you need.** Lessons 01 and 02 (lesson 03 helps for `reg_covar`,
# lesson 04 for k-means, scikit-learn's default start). The scikit-learn
# pattern `model.fit(X)` then `model.predict(X)`.
#
# **Time.** About 60 minutes.

# %%
import copy
import warnings

import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture
from sklearn.model_selection import train_test_split

import gmmlib
from gmmlib.datasets import stretched_clusters, three_blobs_2d
from gmmlib.plotting import (component_colors, full_covariances, plot_covariance_ellipses,
                             plot_mixture_2d, sklearn_params, use_course_style)

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. A first fit
#
# We use the three clusters of lesson 02: 500 points in the plane, made by a
# known mixture so that we can judge the answers. A scikit-learn estimator is
# set up with its options first, and learns from data in `fit`. Every random
# choice it makes (here, the k-means run that starts EM) follows `random_state`,
# so the fit is the same on every run.

# %%
X, z = three_blobs_2d(500, seed=0)
N = X.shape[0]

gm = GaussianMixture(n_components=3, random_state=0)
gm.fit(X)

print("weights_:", gm.weights_)
print("means_:")
print(gm.means_)
print("covariances_ has shape", gm.covariances_.shape)
print("converged_:", gm.converged_, "  n_iter_:", gm.n_iter_, f"  lower_bound_: {gm.lower_bound_:.4f}")
print(f"agreement of predict(X) with the true labels (adjusted Rand index): "
      f"{adjusted_rand_score(z, gm.predict(X)):.4f}")

# %% [markdown]
# The fitted attributes end with an underscore: `weights_` ($\pi_k$), `means_`
# ($\mu_k$) and `covariances_` ($\Sigma_k$, one $2 \times 2$ matrix per component
# here) are the parameters; `converged_`, `n_iter_` and `lower_bound_` describe
# the run: whether EM met its stopping rule, after how many iterations, and
# the log-likelihood it reached, as a mean per point. (For plain EM that
# number is the log-likelihood itself: right after an E-step, the lower bound
# that EM climbs touches the log-likelihood. The name suits the Bayesian
# mixture of section 7, which shares the code and can only compute a bound.) EM stopped after 4 iterations. The true means are $(0, 0)$,
# $(3, 0.5)$ and $(1, 4)$: all three were found, in an order of
# scikit-learn's choosing (label switching, lesson 02). The adjusted Rand
# index (1 for a perfect match, about 0 for chance; lesson 04) says that the
# clusters agree closely with the true labels. The picture, with gmmlib's
# drawing helper:

# %%
fig, ax = plt.subplots(figsize=(7, 6))
plot_mixture_2d(ax, sklearn_params(gm), X)
ax.set_aspect("equal")
ax.set_title("GaussianMixture(n_components=3) on the three clusters")
plt.show()

# %% [markdown]
# The 1-sd (solid) and 2-sd (dashed) ellipses sit on the three clouds, and the
# points take blended colours only where two clouds meet. `sklearn_params(gm)`,
# added to `gmmlib.plotting` for this lesson, turns a fitted scikit-learn mixture
# into a `GMMParams`, so every gmmlib function works on it.
#
# `predict` and `predict_proba` are lesson 02's hard and soft assignments:
# the most probable component of each point, and the probability of each component.
# `score_samples` is the log of the mixture density, $\log p(x_i)$, one number per point.

# %%
new = np.array([[0.0, 0.0], [1.6, 0.4], [6.0, 6.0]])
print("predict:      ", gm.predict(new))
print("predict_proba:")
print(gm.predict_proba(new))
print("score_samples:", gm.score_samples(new))
params = sklearn_params(gm)
print("gmmlib agrees:", np.allclose(gm.predict_proba(new), gmmlib.predict_proba(new, params))
      and np.allclose(gm.score_samples(new), gmmlib.log_mixture_density(new, params)))

# %% [markdown]
# The point $(1.6, 0.4)$, between the bottom-left and the right clusters, is
# shared by two components. The point $(6, 6)$ is far from every cluster, yet
# `predict_proba` gives it to component 1 (orange, the cluster at the origin)
# with probability 0.985, although the other two clusters are nearer. Far
# from the data, what counts is how slowly each component's density falls
# off in that direction: orange is the broadest cluster, and its ellipses are
# tilted towards $(6, 6)$. Its log-density, $-29.4$ against $-2.4$ at
# $(0, 0)$, tells the real story. A component owning a point does not make
# the point typical; section 7 turns that into an anomaly detector.
#
# ## 2. Two traps: `score` and `sample`
#
# **`score` is an average.** `gm.score(X)` returns the mean log-likelihood *per
# point*, not the log-likelihood $\ell = \sum_i \log p(x_i)$ of lesson 01.
# Multiply by $N$ to get the total:

# %%
print(f"gm.score(X):                 {gm.score(X):.4f}   (per point)")
print(f"gm.score(X) * N:             {gm.score(X) * N:.4f}")
print(f"gm.score_samples(X).sum():   {gm.score_samples(X).sum():.4f}")
print(f"gmmlib.log_likelihood(X, .): {gmmlib.log_likelihood(X, params):.4f}")

# %% [markdown]
# An average makes scores of data sets of different sizes comparable (the
# held-out scores of section 5 use it), but comparing `gm.score` with a total
# from another library, or with a BIC, silently mixes a number with one $N = 500$ times larger.
#
# The same goes for `lower_bound_`: it is the mean log-likelihood per point,
# $-3.3101$ above. It is also not quite the final fit's: scikit-learn computes
# it in the **last E-step**, before the last M-step moved the parameters once
# more, so the final `score` ($-3.3098$) is slightly higher.
#
# A third difference from gmmlib is the stopping rule: scikit-learn stops
# when the mean log-likelihood per point changes by less than `tol=1e-3`,
# gmmlib when it changes by less than `1e-6`. Lesson 01 showed a loose `tol`
# stopping on a plateau; section 6 shows `1e-3` doing it here. Pass `tol`
# explicitly when it matters.
#
# **`sample` returns its points grouped by component.** `gm.sample(n)`
# returns the points and the component that made each, and the components come
# in order: first all points of component 0, then all of component 1, ...

# %%
X_new, labels_new = gm.sample(500)
print("first 10 labels:", labels_new[:10])
print("last 10 labels: ", labels_new[-10:])
print("labels sorted:  ", np.all(np.diff(labels_new) >= 0))
print("a second call draws the same points:", np.array_equal(gm.sample(500)[0], X_new))

moving = copy.deepcopy(gm).set_params(random_state=np.random.RandomState(0))  # a copy: gm stays as it is
print("with a RandomState object, two calls differ:",
      not np.array_equal(moving.sample(5)[0], moving.sample(5)[0]))

# %% [markdown]
# And because `random_state=0` is a fixed number, every call of `sample`
# starts the same random generator afresh and returns the same points (the
# fourth line). To get new draws, ask for more points in one call, or set
# `random_state` to a `numpy.random.RandomState` object, which moves on
# between calls (the last line).
#
# Plotting "the first 150 samples" shows one or two clusters instead of
# three. Shuffle first (with a seeded generator, to keep the picture fixed):

# %%
order = np.random.default_rng(0).permutation(len(X_new))
colors = component_colors(3)
fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharex=True, sharey=True)
for ax, idx, title in ((axes[0], np.arange(150), "first 150 of gm.sample(500) (wrong)"),
                       (axes[1], order[:150], "150 after shuffling (right)")):
    ax.scatter(*X_new[idx].T, c=colors[labels_new[idx]], s=25, edgecolors="white", linewidths=0.3)
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$")
plt.show()
print("components among the first 150:   ", np.bincount(labels_new[:150], minlength=3))
print("components among 150 after shuffle:", np.bincount(labels_new[order[:150]], minlength=3))

# %% [markdown]
# On the left, 145 of the first 150 points come from component 0 (blue) and
# the green cluster is missing; after the shuffle, all three components appear
# in about their weights (0.28, 0.36, 0.36 of 150 would be 42, 54, 54).
#
# ## 3. gmmlib and scikit-learn agree
#
# Both implement the same E- and M-steps, with the same `reg_covar=1e-6` added
# to the covariances. Given the same start and the same number of iterations,
# they must give the same parameters. We take gmmlib's k-means++ start
# (`max_iter=0` runs no iteration) and give it to scikit-learn through
# `weights_init`, `means_init` and `precisions_init`: scikit-learn wants the
# **precisions**, the inverse covariances $\Sigma_k^{-1}$, not the covariances.
#
# `tol=0` makes both run exactly 20 iterations. scikit-learn then warns that it did not
# converge, which here is what we asked for, so we silence that one warning.

# %%
start = gmmlib.fit(X, 3, max_iter=0, seed=0).params
ours = gmmlib.fit(X, 3, init=start, max_iter=20, tol=0)

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    theirs = GaussianMixture(3, tol=0, max_iter=20, weights_init=start.weights,
                             means_init=start.means,
                             precisions_init=np.linalg.inv(start.covariances),
                             random_state=0).fit(X)
print("iterations: gmmlib", ours.n_iter, "  scikit-learn", theirs.n_iter_)


def parameter_table(p):
    """One row per component: weight, mean and the three distinct covariance entries."""
    return pd.DataFrame({"weight": p.weights, "mean x1": p.means[:, 0], "mean x2": p.means[:, 1],
                         "var x1": p.covariances[:, 0, 0], "cov x1 x2": p.covariances[:, 0, 1],
                         "var x2": p.covariances[:, 1, 1]})


side_by_side = pd.concat({"gmmlib": parameter_table(ours.params),
                          "scikit-learn": parameter_table(sklearn_params(theirs))})
side_by_side.round(4)

# %%
difference = max(np.abs(ours.params.weights - theirs.weights_).max(),
                 np.abs(ours.params.means - theirs.means_).max(),
                 np.abs(ours.params.covariances - theirs.covariances_).max())
print("largest difference below 1e-10:", difference < 1e-10)
print("lower_bound_ * N equals gmmlib's log-likelihood after 19 iterations:",
      np.isclose(theirs.lower_bound_ * N, ours.log_likelihoods[19], rtol=0, atol=1e-8))
print(f"BIC of the fit: gmmlib {gmmlib.bic(X, ours.params):.4f}   scikit-learn {theirs.bic(X):.4f}")

# %% [markdown]
# They also stop alike. scikit-learn stops one iteration after the first one
# that changed the mean log-likelihood by less than `tol`. gmmlib stops there
# too when that last iteration also changed it by less than `tol` and barely
# moved the parameters, which is the usual case; where the log-likelihood can
# fall (lesson 03), it goes on until the parameters settle.

# %%
ours_tol = gmmlib.fit(X, 3, init=start, tol=1e-3)
theirs_tol = GaussianMixture(3, tol=1e-3, weights_init=start.weights, means_init=start.means,
                             precisions_init=np.linalg.inv(start.covariances)).fit(X)
print("tol=1e-3, iterations: gmmlib", ours_tol.n_iter, "  scikit-learn", theirs_tol.n_iter_)
print("largest difference below 1e-10:",
      np.abs(ours_tol.params.means - theirs_tol.means_).max() < 1e-10
      and np.abs(ours_tol.params.covariances - theirs_tol.covariances_).max() < 1e-10)

# %% [markdown]
# The two tables are the same to every printed digit, and the largest difference of any
# parameter is below $10^{-10}$: rounding in the last bits of a float, no more. The second check confirms section 2:
# after 20 iterations, `lower_bound_` is the log-likelihood of the parameters
# of iteration 19, divided by $N$, the one the last E-step saw. The last line
# uses the Bayesian information criterion of section 5, computed by each
# library for its own fit: the same number.
#
# ## 4. Covariance types
#
# A full covariance in $D$ dimensions has $D(D+1)/2$ free numbers per component.
# With many features, that is many parameters to estimate from few points, so
# `GaussianMixture` offers three constrained shapes through `covariance_type`:
#
# | type | assumes | `covariances_` shape | ellipses |
# |---|---|---|---|
# | `full` | nothing: each component its own matrix | (K, D, D) | any size, shape, tilt |
# | `tied` | all components share one matrix | (D, D) | same size, shape and tilt everywhere |
# | `diag` | features uncorrelated within a component | (K, D) | aligned with the axes |
# | `spherical` | one variance per component, the same along every axis | (K,) | circles |
#
# The **shape of `covariances_` changes with the type**. Code that draws
# `gm.covariances_[k]` as a matrix draws nonsense or fails for the three
# constrained types (for `tied`, `covariances_[k]` is a *row* of the shared
# matrix, and there is no row $k$ at all once $K > D$).
# `gmmlib.plotting.full_covariances` expands each storage to the (K, D, D) form:

# %%
TYPES = ["full", "tied", "diag", "spherical"]
fits = {}
for ct in TYPES:
    # the same starting means for every type, so that component k sits on the same cluster
    fits[ct] = GaussianMixture(3, covariance_type=ct, means_init=gm.means_, random_state=0).fit(X)
    expanded = full_covariances(fits[ct].covariances_, ct, 3, 2)
    print(f"{ct:9s}  covariances_ {str(fits[ct].covariances_.shape):9s} -> {expanded.shape}")

# %% [markdown]
# The number of free parameters: $K - 1$ weights, $KD$ means, and for the covariances
# $KD(D+1)/2$ (full), $D(D+1)/2$ (tied), $KD$ (diag) or $K$ (spherical).

# %%
def n_free_parameters(K, D, covariance_type):
    """Free parameters of a K-component mixture in D dimensions."""
    n_cov = {"full": K * D * (D + 1) // 2, "tied": D * (D + 1) // 2,
             "diag": K * D, "spherical": K}[covariance_type]
    return (K - 1) + K * D + n_cov


for ct in TYPES:   # scikit-learn's own count is a private method, used here only as a check
    print(f"{ct:9s}  ours {n_free_parameters(3, 2, ct):2d}   scikit-learn {fits[ct]._n_parameters():2d}")
print("gmmlib.n_parameters of the full fit:", gmmlib.n_parameters(sklearn_params(fits["full"])))

# %%
fig, axes = plt.subplots(2, 2, figsize=(11, 10), sharex=True, sharey=True)
for ax, ct in zip(axes.flat, TYPES):
    ax.scatter(*X.T, s=8, color="0.75")
    plot_covariance_ellipses(ax, sklearn_params(fits[ct]))
    ax.set_title(f"{ct}: {n_free_parameters(3, 2, ct)} parameters, "
                 f"score {fits[ct].score(X):.3f}")
    ax.set_aspect("equal")
for ax in axes[1]:
    ax.set_xlabel("$x_1$")
for ax in axes[:, 0]:
    ax.set_ylabel("$x_2$")
fig.suptitle("The four covariance types on the same data (1-sd and 2-sd ellipses)")
plt.show()

# %% [markdown]
# Each colour is the same cluster in all four panels. `full` follows the tilt
# of the orange cluster (up to the right), the opposite tilt of the blue one
# (down to the right) and the upright shape of the green one. `diag` keeps
# each component's own variances along the two axes but cannot tilt; `spherical`
# draws circles, each of its component's own size. `tied` must give all three
# the same matrix. Its M-step pools the scatter of every point around its own
# component's mean, so the shared matrix is the weighted average
# $\sum_k \pi_k \Sigma_k$ of the matrices that the components would have on
# their own. Here that average is nearly round:

# %%
shared = fits["tied"].covariances_
print("tied: the one shared covariance matrix")
print(shared)
print(f"its correlation: {shared[0, 1] / np.sqrt(shared[0, 0] * shared[1, 1]):.3f}")
print("the weighted average of the full fit's matrices, sum_k pi_k Sigma_k:")
print(np.einsum("k,kij->ij", fits["full"].weights_, fits["full"].covariances_))

# %% [markdown]
# The two are close (not equal: the tied fit moved its means and weights to
# suit its one matrix). Orange's upward tilt and blue's downward tilt largely
# cancel in the average, so on these data `tied` looks almost like
# `spherical` and scores almost the same. The mean log-likelihood per point (the score in the titles) is highest
# for `full`, which assumes the least; whether its extra parameters are worth
# it is the question of the next section.
#
# `tied` earns its place when the clusters really do share one shape. The
# stretched clusters of lesson 04 were made that way: three copies of one
# long, tilted covariance. They are also the data on which lesson 04's
# K-means fails, and scikit-learn starts EM from k-means: from a single start,
# both types inherit its wrong split.

# %%
Xs, zs = stretched_clusters()
for ct in ("tied", "full"):
    for n_init in (1, 5):
        g = GaussianMixture(3, covariance_type=ct, n_init=n_init, random_state=0).fit(Xs)
        print(f"{ct}, n_init={n_init}: ARI {adjusted_rand_score(zs, g.predict(Xs)):.4f}")

# %% [markdown]
# With five starts `tied` finds the true clusters; `full` still does not (ARI
# 0.58): restarts help, but they guarantee nothing. To compare the two types at
# the same clusters, we start `full` from the means of the tied fit:

# %%
tied_s = GaussianMixture(3, covariance_type="tied", n_init=5, random_state=0).fit(Xs)
full_s = GaussianMixture(3, covariance_type="full", means_init=tied_s.means_, random_state=0).fit(Xs)
for name, g in (("tied", tied_s), ("full", full_s)):
    print(f"{name}: {g._n_parameters()} parameters, ARI {adjusted_rand_score(zs, g.predict(Xs)):.4f}, "
          f"score {g.score(Xs):.4f}, BIC {g.bic(Xs):.1f}")

fig, ax = plt.subplots(figsize=(6, 6))
ax.scatter(*Xs.T, s=8, color="0.75")
plot_covariance_ellipses(ax, sklearn_params(tied_s))
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("tied on clusters that share one shape")
plt.show()

# %% [markdown]
# One shared tilted ellipse fits all three clusters. Both fits find the true
# clusters (ARI 1); `full` scores a little higher on the data it was fitted to,
# as the freer model always does, but it spends 6 more parameters on that, and
# the Bayesian information criterion of the next section (lower is better)
# prefers `tied`.
#
# ## 5. Choosing the number of components
#
# More components, or freer covariances, can always fit the training data at
# least as well: the best fit with more freedom is never worse (though EM need
# not find it; in the table below, `full` with $K = 8$ ends slightly below
# $K = 7$). So the log-likelihood alone always asks for more. Two criteria add a
# penalty for the number of free parameters $p$ (lower is better):
#
# $$\mathrm{BIC} = -2\,\ell + p \log N, \qquad \mathrm{AIC} = -2\,\ell + 2p,$$
#
# where $\ell$ is the log-likelihood, a **total** over the $N$ points (not `score`).
# Both reward fit through $-2\ell$; BIC charges $\log N$ per parameter
# ($\log 500 = 6.2$ here), AIC charges 2, so BIC prefers smaller models once $N > e^2 \approx 7.4$.
# gmmlib computes them for full covariances, and agrees with scikit-learn:

# %%
full_params = sklearn_params(fits["full"])
p = gmmlib.n_parameters(full_params)
ell = fits["full"].score(X) * N                        # a total, from the average
print(f"BIC: by hand {-2 * ell + p * np.log(N):.4f}   gmmlib {gmmlib.bic(X, full_params):.4f}   "
      f"scikit-learn {fits['full'].bic(X):.4f}")
print(f"AIC: by hand {-2 * ell + 2 * p:.4f}   gmmlib {gmmlib.aic(X, full_params):.4f}   "
      f"scikit-learn {fits['full'].aic(X):.4f}")

# %% [markdown]
# A third judge needs no formula: fit on part of the data and measure the
# mean log-likelihood per point (`score`) on points the fit has not seen
# (higher is better). A model that memorised its training points scores worse
# on new ones. We hold out 30% of the points, with a seeded split.
#
# For each $K$ from 1 to 8 and each covariance type we fit with `n_init=3` (section 6)
# and record the three numbers: 32 settings, two fits each (one on all the
# data for BIC and AIC, one on the training part for the held-out score).

# %%
X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)
rows = []
with warnings.catch_warnings():
    # a fit that ran out of iterations would warn; its numbers still go in the table
    warnings.simplefilter("ignore", ConvergenceWarning)
    for ct in TYPES:
        for K in range(1, 9):
            on_all = GaussianMixture(K, covariance_type=ct, n_init=3, random_state=0).fit(X)
            on_train = GaussianMixture(K, covariance_type=ct, n_init=3, random_state=0).fit(X_train)
            rows.append({"type": ct, "K": K, "BIC": on_all.bic(X), "AIC": on_all.aic(X),
                         "held-out score": on_train.score(X_test)})
selection = pd.DataFrame(rows)

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), layout="constrained")
for ax, column in zip(axes, ["BIC", "AIC", "held-out score"]):
    for ct, style in zip(TYPES, ["o-", "s--", "D:", "^-."]):
        part = selection[selection["type"] == ct]
        ax.plot(part["K"], part[column], style, color="black", label=ct, ms=6)
    ax.set_xlabel("number of components K")
    ax.set_ylabel(column)
    ax.grid(alpha=0.3)
axes[0].set_title("BIC (lower is better)")
axes[1].set_title("AIC (lower is better)")
axes[2].set_title("held-out log-likelihood per point\n(higher is better)")
axes[2].legend(title="covariance type")
plt.show()

# %% [markdown]
# The solid line with circles, `full`, has the lowest BIC and AIC and the
# highest held-out score, all at $K = 3$. The other types keep improving as
# $K$ grows past 3. The best $K$ of every type, by each judge:

# %%
best = pd.DataFrame({"BIC": selection.loc[selection.groupby("type")["BIC"].idxmin()].set_index("type")["K"],
                     "AIC": selection.loc[selection.groupby("type")["AIC"].idxmin()].set_index("type")["K"],
                     "held-out score": selection.loc[selection.groupby("type")["held-out score"].idxmax()]
                     .set_index("type")["K"]}).loc[TYPES]
print("best K of each covariance type:")
print(best)
for column, pick in (("BIC", "idxmin"), ("AIC", "idxmin"), ("held-out score", "idxmax")):
    winner = selection.loc[getattr(selection[column], pick)()]
    print(f"best overall by {column:14s}: {winner['type']}, K = {winner['K']}")

# %%
selection[selection["type"] == "full"].set_index("K").drop(columns="type").round(4)

# %% [markdown]
# All three judges pick `full` with $K = 3$, the true model. For full covariances,
# BIC rises steeply after $K = 3$ (each extra component costs 6 parameters, $6 \log 500 \approx 37$),
# AIC only slowly, since it charges $6 \times 2 = 12$ per component. That is the usual pattern: with
# plenty of data AIC tends to accept extra components, BIC tends to refuse them.
# The constrained types need more components to approximate tilted or unequal
# clusters, so their BIC keeps falling beyond $K = 3$ (down to $K = 5$ for `diag`
# and 7 for `spherical`; for `tied` it is still falling at $K = 8$, the largest
# tried): a `spherical` mixture builds an elongated cluster out of several circles.
# (The BIC of `full` at $K = 3$ in this table, 3415.41, differs by about 0.1
# from the 3415.29 computed above: these fits started from `n_init=3`
# k-means runs instead of given means, and `tol` stopped them at a slightly
# different point.)
#
# The held-out score needs no parameter count, and it works for any model, but
# it spends data on testing and depends on the split. On small data sets, where
# no point can be spared, prefer an information criterion.
#
# ## 6. Initialisation and restarts
#
# `init_params` says how scikit-learn starts EM:
#
# - `"kmeans"` (the default): run k-means, start from its clusters as hard responsibilities;
# - `"k-means++"`: only k-means++ seeding (spread-out data points as centres), no k-means iterations;
# - `"random"`: random responsibilities for every point;
# - `"random_from_data"`: $K$ data points drawn at random as the centres.
#
# Here are the final `lower_bound_` and `n_iter_` for five seeds of each:

# %%
rows = []
for init in ["kmeans", "k-means++", "random", "random_from_data"]:
    row = {"init_params": init}
    for seed in range(5):
        g = GaussianMixture(3, init_params=init, random_state=seed).fit(X)
        row[f"seed {seed}"] = f"{g.lower_bound_:.4f} ({g.n_iter_})"
    rows.append(row)
pd.DataFrame(rows).set_index("init_params")

# %% [markdown]
# Where is the top? Run EM from the default start with a far stricter `tol`:

# %%
reference = GaussianMixture(3, tol=1e-10, max_iter=1000, random_state=0).fit(X)
print(f"tol=1e-10: lower_bound_ {reference.lower_bound_:.4f} after {reference.n_iter_} iterations")

# %% [markdown]
# So the optimum is $-3.3095$ per point, and every seed of `"kmeans"`, and
# of the two seeding methods, is climbing towards it: with `tol=1e-3` they stop
# a little short, each at its own point, hence the differences in the fourth
# decimal. `"kmeans"` stops after 4 iterations (k-means has done most of the
# work before EM starts); the seedings mostly need more. `"random"` is the trap:
# four seeds out of five report about $-3.935$ after 2 iterations. Random
# responsibilities give every component almost the same start, near the
# centre of the data:

# %%
g = GaussianMixture(3, init_params="random", random_state=1).fit(X)
print("means after a random start (seed 1):")
print(g.means_)
print("converged_:", g.converged_, "  n_iter_:", g.n_iter_)

# %% [markdown]
# Three copies of the same component barely pull apart in one
# iteration, the gain stays below `tol=1e-3`, and scikit-learn declares
# `converged_ = True` on a useless fit: the plateau of lesson 01. Two
# remedies: a stricter `tol` lets EM creep off the plateau, and `n_init` runs
# EM from several starts and keeps the one with the best `lower_bound_`:

# %%
g = GaussianMixture(3, init_params="random", tol=1e-6, random_state=1).fit(X)
print(f"random start, tol=1e-6: lower_bound_ {g.lower_bound_:.4f} after {g.n_iter_} iterations")
g = GaussianMixture(3, init_params="random", n_init=5, random_state=1).fit(X)
print(f"random start, n_init=5: lower_bound_ {g.lower_bound_:.4f}")

# %% [markdown]
# `converged_` only says that `tol` was met, not that the fit is good. Keep the default
# `"kmeans"` start, and add `n_init` (at the cost of that many fits) or a
# smaller `tol` when the answer matters.
#
# ## 7. Uses of a fitted mixture
#
# ### Density estimation and anomaly detection
#
# A mixture is a density $p(x)$ over the whole plane. Points where it is
# low are unusual: flag the points whose `score_samples` falls below a
# threshold. Here the threshold is the 2% quantile of the training scores, so
# that 2% of the training data are flagged; new points are judged by the same threshold.

# %%
scores = gm.score_samples(X)
threshold = np.quantile(scores, 0.02)
flagged = scores < threshold
print(f"threshold on log p(x): {threshold:.4f}   flagged: {flagged.sum()} of {N}")

visitors = np.array([[1.0, 1.5], [-2.5, 3.0], [5.0, -1.0]])
print("new points' log p(x):", gm.score_samples(visitors), "  unusual:", gm.score_samples(visitors) < threshold)

# %%
g1, g2 = np.meshgrid(np.linspace(-4, 6.5, 200), np.linspace(-3.5, 7, 200))
log_density = gm.score_samples(np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)

fig, ax = plt.subplots(figsize=(8, 6.5))
contours = ax.contourf(g1, g2, log_density, levels=np.linspace(-12, -1, 12), cmap="Greys",
                       extend="min", alpha=0.6)
fig.colorbar(contours, ax=ax, label="log p(x)")
ax.contour(g1, g2, log_density, levels=[threshold], colors="#d62728", linewidths=2, linestyles="solid")
ax.scatter(*X[~flagged].T, s=6, color="black", label="data")
ax.scatter(*X[flagged].T, s=70, facecolors="none", edgecolors="#d62728", linewidths=2,
           label="flagged (lowest 2%)")
ax.scatter(*visitors.T, marker="*", s=250, color="gold", edgecolors="black", label="new points")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_aspect("equal")
ax.set_title("Anomalies: points where the fitted density is lowest")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# The red contour is the threshold: the ten flagged points (circled) lie outside it,
# in the thin outskirts of the clusters. Of the three new points, $(1, 1.5)$ lies
# in the gap between the clusters but still inside the contour; $(-2.5, 3)$ and
# $(5, -1)$ lie outside it and are flagged. The 2% is a choice, not a law: it fixes
# how many training points you are willing to call unusual.
#
# ### Generating new data
#
# A fit is a generative model: `sample` draws new points by lesson 01's story,
# a component by its weight, then a point from its Gaussian. Shuffled (section 2),
# the 500 samples look like the 500 data points:

# %%
X_gen = X_new[order]                                  # the shuffled 500 samples of section 2
fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharex=True, sharey=True)
for ax, points, title in ((axes[0], X, "the data (500 points)"),
                          (axes[1], X_gen, "gm.sample(500), shuffled")):
    ax.scatter(*points.T, s=10, color="black")
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")
axes[0].set_ylabel("$x_2$")
plt.show()

# %% [markdown]
# The same three clouds, with the same tilts, in the same proportions; only
# the individual points differ. A fresh fit on the samples recovers the
# parameters, roughly. (We start it from `gm.means_` only so that component
# $k$ of the refit is component $k$ of the fit, which makes the comparison
# direct; a k-means start finds the same clusters in some other order.)

# %%
refit = GaussianMixture(3, means_init=gm.means_, random_state=0).fit(X_gen)
print("weights of the fit:          ", gm.weights_)
print("weights refitted on samples: ", refit.weights_)
print("largest mean difference: ", f"{np.abs(refit.means_ - gm.means_).max():.4f}")

# %% [markdown]
# Refitted on 500 new points, the weights move by less than 0.015 and the means by less
# than 0.09: close, not equal, because a sample is a sample, as in lesson 01.
#
# ### A Bayesian mixture switches components off
#
# `BayesianGaussianMixture` puts a prior on the weights (by default a Dirichlet
# process, `weight_concentration_prior_type="dirichlet_process"`) that favours
# giving the weight to few components, and fits by variational inference, an
# EM-like loop. Give it more components than needed, here 10, and it drives the
# weights of the superfluous ones towards zero. A plain mixture with $K = 10$
# has no such pressure and uses all ten:

# %%
bayes = BayesianGaussianMixture(n_components=10, random_state=0).fit(X)
plain10 = GaussianMixture(10, random_state=0).fit(X)
print("converged_:", bayes.converged_, "after", bayes.n_iter_, "iterations")
print("Bayesian weights_:", bayes.weights_)
print("components with weight > 0.01: Bayesian", (bayes.weights_ > 0.01).sum(),
      "  plain K = 10:", (plain10.weights_ > 0.01).sum())
print("total weight of the Bayesian mixture's other seven below 1e-3:",
      np.sort(bayes.weights_)[:7].sum() < 1e-3)

fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), sharey=True, layout="constrained")
for ax, g, title in ((axes[0], bayes, "BayesianGaussianMixture(n_components=10)"),
                     (axes[1], plain10, "GaussianMixture(n_components=10)")):
    ax.bar(np.arange(10), np.sort(g.weights_)[::-1], color="0.4")
    ax.set_xticks(range(10))
    ax.set_xlabel("component, heaviest first")
    ax.set_title(title)
axes[0].set_ylabel("weight")
plt.show()

# %% [markdown]
# Three components hold all the Bayesian weight, with weights close to those of
# the plain three-component fit (0.28, 0.36, 0.36); the other seven keep less
# than $10^{-3}$ together. The plain ten-component mixture instead cuts the
# three clusters into ten pieces, the smallest still holding 5% of the points.
# This is a softer way of choosing $K$ than BIC: one fit, and the data decide.
# The prior's strength, `weight_concentration_prior` (by default
# `1 / n_components`), still has a say: a large value favours spreading the
# weight, and the idle components get a little more of it:

# %%
generous = BayesianGaussianMixture(n_components=10, weight_concentration_prior=1000.0,
                                   random_state=0).fit(X)
print("weight_concentration_prior=1000: the seven lightest weights",
      np.round(np.sort(generous.weights_)[:7], 4))
print("components with weight > 0.01:", (generous.weights_ > 0.01).sum())

# %% [markdown]
# Still three components that matter, but the seven idle ones now keep about
# 0.002 each instead of nearly nothing: the prior is a real assumption, and
# its strength is a choice, like the threshold of the anomaly detector.
#
# ## 8. Real data: iris flowers
#
# scikit-learn ships Fisher's iris measurements: 150 flowers, four lengths in
# centimetres (sepal length and width, petal length and width), 50 flowers from
# each of three species. We fit a 3-component mixture without telling it the species,
# then compare its components with the species. The **adjusted Rand index**
# (ARI) measures agreement between two groupings whatever their labels: 1 is
# perfect, about 0 is chance.

# %%
iris = load_iris()
flowers, species = iris.data, iris.target_names[iris.target]

iris_gm = GaussianMixture(3, n_init=5, random_state=0).fit(flowers)
found = iris_gm.predict(flowers)
print(f"adjusted Rand index: {adjusted_rand_score(species, found):.4f}")
pd.crosstab(pd.Series(species, name="species"), pd.Series(found, name="component"))

# %% [markdown]
# One component holds exactly the 50 setosa, one holds all 50 virginica plus 5
# versicolor, and one holds the other 45 versicolor: 5 errors in 150, an ARI
# of 0.90, without a single label. Two of the four measurements show it best:

# %%
colors = component_colors(3)
fig, ax = plt.subplots(figsize=(8, 5.5))
for name, marker in zip(iris.target_names, "o^s"):
    of_species = species == name
    ax.scatter(flowers[of_species, 2], flowers[of_species, 3], c=colors[found[of_species]],
               marker=marker, s=45, edgecolors="black", linewidths=0.4)
    ax.scatter([], [], marker=marker, color="white", edgecolors="black", label=name)
ax.set_xlabel("petal length (cm)")
ax.set_ylabel("petal width (cm)")
ax.set_title("Iris: colour = mixture component, marker = species")
ax.legend(title="species")
plt.show()

# %% [markdown]
# Each species has its own marker, each component its own colour. Setosa (circles)
# sits apart, with small petals, in a component of its own. Versicolor
# (triangles) and virginica (squares) touch; the few triangles in virginica's
# colour (green) are the 5 misplaced versicolor flowers, where the two species
# meet. The full
# covariances matter here, as the other types show:

# %%
for ct in TYPES:
    g = GaussianMixture(3, covariance_type=ct, n_init=5, random_state=0).fit(flowers)
    print(f"{ct:9s}  ARI {adjusted_rand_score(species, g.predict(flowers)):.4f}   BIC {g.bic(flowers):.1f}")
print("full covariances, BIC for K = 1..5:",
      [round(GaussianMixture(K, n_init=5, random_state=0).fit(flowers).bic(flowers), 1) for K in range(1, 6)])
for name in ("versicolor", "virginica"):
    r = np.corrcoef(flowers[species == name][:, [0, 2]].T)[0, 1]
    print(f"{name}: correlation of sepal length and petal length {r:.2f}")

# %% [markdown]
# Versicolor and virginica overlap, and their measurements are correlated
# within each species (a longer flower has longer sepals and longer petals); only `full` and `tied` model those
# correlations, and they group best. But BIC prefers $K = 2$ (574.0) to $K = 3$ (580.9): from
# the measurements alone, the two overlapping species look like one cluster, and 150
# flowers are too few for BIC to pay for a third. A criterion chooses the best
# *density*, which need not be the grouping that a botanist has in mind.
#
# ## Summary
#
# - `GaussianMixture` fits by EM; `weights_`, `means_`, `covariances_` are the parameters, `converged_`, `n_iter_`, `lower_bound_` describe the run. `predict`, `predict_proba`, `score_samples` are gmmlib's `predict`, `predict_proba`, `log_mixture_density`.
# - `score` is the **mean** log-likelihood per point: multiply by $N$ for the total. `lower_bound_` is also per point, from the last E-step.
# - `sample` returns its points **grouped by component**: shuffle before plotting a subset.
# - Started from the same parameters (`precisions_init` takes **inverse** covariances), scikit-learn and gmmlib compute the same fit to $10^{-10}$. scikit-learn's default `tol` is $10^{-3}$, gmmlib's $10^{-6}$.
# - `covariance_type`: `full`, `tied`, `diag`, `spherical`, with `covariances_` of shapes (K, D, D), (D, D), (K, D), (K,); expand them (`full_covariances`) before drawing.
# - Choose $K$ by BIC $= -2\ell + p\log N$ (stricter), AIC $= -2\ell + 2p$, or the held-out log-likelihood.
# - Keep the `"kmeans"` start; a random start can stop at once with `converged_=True`; `n_init` restarts guard against bad starts.
# - A threshold on `score_samples` flags anomalies; `BayesianGaussianMixture` with a generous `n_components` switches off components it does not need.
# - On iris, a full-covariance mixture finds the three species from the measurements alone (ARI 0.90), yet BIC prefers two components: a criterion picks the best density, not necessarily the grouping you have in mind.
#
# ## Where next
#
# When the data no longer fit on one machine, distributed engines fit the same
# model. Apache Spark's `pyspark.ml.clustering.GaussianMixture` (parameters `k`,
# `maxIter`, `tol`, `seed`) runs EM with full covariances over the partitions of
# a cluster of machines. Three differences from what you saw here:
#
# - its `tol` (default 0.01) bounds the change of the **total** log-likelihood,
#   summed over all rows, not the mean per point that scikit-learn's `tol` bounds:
#   with $10^8$ rows, 0.01 is $10^{-10}$ per point. Check what a library's `tol`
#   measures before you compare fits;
# - it starts from a random initialisation, with no k-means start, no `n_init`
#   and no way to pass a start of your own: run it several times with different
#   seeds and keep the best log-likelihood yourself (section 6);
# - it stores a $D \times D$ covariance matrix per component, so it limits the
#   number of features, and its documentation warns that it may do poorly in
#   high dimensions (section 4's parameter counts say why).
#
# To see again what the library does for you: lesson 01 derives the E- and M-steps,
# lesson 02 the covariances and the ellipses, lesson 03 what `reg_covar` prevents,
# and lesson 04 relates k-means, the default start of `GaussianMixture`, to EM.
# For the theory, see Bishop's *Pattern Recognition and Machine Learning*
# (section 4.4.1 for BIC; section 10.2 for a variational Bayesian mixture with a
# Dirichlet prior on the weights, scikit-learn's
# `weight_concentration_prior_type="dirichlet_distribution"`), Blei and Jordan,
# "Variational inference for Dirichlet process mixtures" (*Bayesian Analysis* 1,
# 2006) for the Dirichlet-process default, and Schwarz's original paper on BIC,
# "Estimating the dimension of a model" (*Annals of Statistics* 6, 1978).
