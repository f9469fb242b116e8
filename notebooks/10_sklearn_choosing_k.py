# %% [markdown]
# # Lesson 10: Choosing K and using a fitted mixture
#
# **What you will do.** Ask scikit-learn's `GaussianMixture` how many
# components and which covariance type the data support, see what its
# starting options and restarts change, and then put a fitted mixture to
# work: flag unusual points, let a Bayesian mixture switch off components it
# does not need, and group real flowers. Two exercises
# check your own code: BIC, and the score of a fit on held-out points.
#
# **What you will learn.**
# - how BIC, AIC and a held-out log-likelihood choose the number of components;
# - what `init_params` and `n_init` change, and why `converged_` can mean a useless fit;
# - anomaly detection with a threshold calibrated on held-out data;
# - what `BayesianGaussianMixture` assumes;
# - why the best density need not be the grouping you have in mind.
#
# **What you need.** Lesson 09 (`GaussianMixture`, its traps, covariance
# types). Lessons 04-06 help for local optima and singularities, lessons 07
# and 08 for k-means and its small-sigma limit.
#
# **Time.** About 45 minutes.

# %%
import warnings

import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import BayesianGaussianMixture, GaussianMixture
from sklearn.model_selection import train_test_split

import gmmlib
from gmmlib.components import canonical, canonical_number
from gmmlib.datasets import THREE_BLOBS_2D, three_blobs_2d
from gmmlib.plotting import component_colors, sklearn_params, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

X, z = three_blobs_2d(500, seed=0)          # lesson 09's three clusters
N = X.shape[0]
gm = GaussianMixture(3, random_state=0).fit(X)   # and its first fit (full covariances, K = 3)
TYPES = ["full", "tied", "diag", "spherical"]

# %% [markdown]
# ## 1. Choosing the number of components
#
# A mixture with more components contains the smaller one (give a component
# weight 0), and a freer covariance type contains a stricter one: `full`
# contains `tied` (equal covariances) and `diag` (off-diagonal entries 0),
# and `diag` contains `spherical` (equal variances along every axis). So in
# principle the freer model's best fit to the training data is at least as
# good, and the log-likelihood alone always asks for more. (In practice the
# likelihood has no maximum at all, lesson 05, until `reg_covar` keeps each
# fit finite, lesson 06; and EM finds a local optimum that depends on the
# start and on where `tol` stops it, lessons 04 and 09.)
# Two criteria add a penalty for the number of free parameters $p$ (lower is
# better):
#
# $$\mathrm{BIC} = -2\,\ell + p \log N, \qquad \mathrm{AIC} = -2\,\ell + 2p,$$
#
# where $\ell$ is the log-likelihood, a **total** over the $N$ points (not `score`).
# BIC charges $\log N$ per parameter ($\log 500 = 6.2$ here), AIC charges 2,
# so BIC prefers smaller models once $N > e^2 \approx 7.4$.

# %% [markdown]
# ### Exercise 1: BIC
#
# Write `bic(log_likelihood, n_parameters, n_samples)` returning the float
# $\mathrm{BIC} = -2\,\ell + p \log N$, where `log_likelihood` is the total
# $\ell = \sum_i \log p(x_i)$, `n_parameters` is $p$ and `n_samples` is $N$.
# Hint: $\log$ is the natural logarithm, `np.log`.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_bic


def bic(log_likelihood, n_parameters, n_samples):
    """BIC from the total log-likelihood, the number of free parameters p and of points N (a float)."""
    ...

# %%
check_bic(bic)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def bic(log_likelihood, n_parameters, n_samples):
    """BIC from the total log-likelihood, the number of free parameters p and of points N (a float)."""
    return -2 * log_likelihood + n_parameters * np.log(n_samples)


check_bic(bic)

# %% [markdown]
# Your `bic`, gmmlib's and scikit-learn's for lesson 09's first fit, and AIC
# the same way:

# %%
full_params = sklearn_params(gm)
p = gmmlib.n_parameters(full_params)         # 17 for K = 3 full covariances in 2-D
ell = gm.score(X) * N                        # a total, from the average
print(f"BIC: bic(ell, p, N) {bic(ell, p, N):.4f}   gmmlib {gmmlib.bic(X, full_params):.4f}   "
      f"scikit-learn {gm.bic(X):.4f}")
print(f"AIC: by hand {-2 * ell + 2 * p:.4f}   gmmlib {gmmlib.aic(X, full_params):.4f}   "
      f"scikit-learn {gm.aic(X):.4f}")

# %% [markdown]
# A third judge needs no formula: fit on part of the data and compute the
# log-likelihood of the points the fit has not seen (higher is better). A
# model that memorised its training points scores worse on new ones. Held-out
# sets differ in size, so the judge is the mean per point, not the total.

# %% [markdown]
# ### Exercise 2: the held-out score
#
# Write `held_out_score(X_train, X_test, n_components, seed)`: fit
# `GaussianMixture(n_components, random_state=seed)` (the other options at
# their defaults) on the training points `X_train` only, and return the float
# $\frac{1}{N_{\text{test}}} \sum_{i} \log p(x_i)$ over the held-out points
# `X_test`, the mean log-likelihood per point. Hint: of the fitted model's
# numbers, `lower_bound_` belongs to the training data; one of its methods
# gives that mean for any points.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_held_out_score


def held_out_score(X_train, X_test, n_components, seed):
    """Mean log-likelihood per point of X_test under a mixture fitted to X_train (a float)."""
    ...

# %%
check_held_out_score(held_out_score)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def held_out_score(X_train, X_test, n_components, seed):
    """Mean log-likelihood per point of X_test under a mixture fitted to X_train (a float)."""
    gm = GaussianMixture(n_components, random_state=seed).fit(X_train)   # fitted on X_train only
    return gm.score(X_test)                   # the mean of log p(x_i) over the held-out points


check_held_out_score(held_out_score)

# %% [markdown]
# We hold out 30% of the points, with a seeded split, and compare the fit's
# score on the points it was fitted to with its score on the others:

# %%
X_train, X_test = train_test_split(X, test_size=0.3, random_state=0)   # 350 and 150 points
fit_train = GaussianMixture(3, random_state=0).fit(X_train)            # the fit held_out_score makes
print(f"per point, on the training points: {fit_train.score(X_train):.4f}")
print(f"per point, on the held-out points: {held_out_score(X_train, X_test, 3, 0):.4f}")

# %% [markdown]
# The held-out points score lower per point than the training points: the
# fit was made to suit the training points, not them.
#
# For each $K$ from 1 to 8 and each covariance type we fit twice (on all the
# data for BIC and AIC, on the training part for the held-out score), with
# `n_init=3` (section 2) and `tol=1e-6`: the criteria assume that each fit
# has reached its optimum, and lesson 09 showed the default stopping early.

# %%
rows = []
with warnings.catch_warnings():
    # a fit that ran out of iterations would warn; its numbers still go in the table
    warnings.simplefilter("ignore", ConvergenceWarning)
    for ct in TYPES:
        for K in range(1, 9):
            options = dict(covariance_type=ct, n_init=3, tol=1e-6, max_iter=1000, random_state=0)
            on_all = GaussianMixture(K, **options).fit(X)
            on_train = GaussianMixture(K, **options).fit(X_train)
            rows.append({"type": ct, "K": K, "log-likelihood": on_all.score(X) * N,   # a total
                         "BIC": on_all.bic(X), "AIC": on_all.aic(X),
                         "held-out score": on_train.score(X_test)})
selection = pd.DataFrame(rows)


def by_type(column):
    """One judge's values as a table: a row per K, a column per covariance type."""
    return selection.pivot(index="K", columns="type", values=column)[TYPES]

# %%
type_styles = {"full": ("black", "o-"), "tied": ("#9467bd", "s--"),
               "diag": ("#8c564b", "D:"), "spherical": ("#17becf", "^-.")}
fig, axes = plt.subplots(1, 3, figsize=(15, 5), layout="constrained")
for ax, column in zip(axes, ["BIC", "AIC", "held-out score"]):
    table = by_type(column)
    for ct, (color, style) in type_styles.items():
        ax.plot(table.index, table[ct], style, color=color, label=ct, ms=6, lw=2)
    ax.set_xlabel("number of components K")
    ax.set_ylabel(column)
    ax.grid(alpha=0.3)
axes[0].set_title("BIC (lower is better)")
axes[1].set_title("AIC (lower is better)")
axes[2].set_title("held-out log-likelihood per point\n(higher is better)")
fig.legend(*axes[0].get_legend_handles_labels(), title="covariance type", loc="outside lower center",
           ncols=4)
plt.show()

# %% [markdown]
# The black line, `full`, has the lowest BIC and the highest held-out score,
# both at $K = 3$; its AIC is almost flat from $K = 3$ on. The constrained
# types need more components to come close. The best $K$ of every type, by
# each judge, and the best setting overall:

# %%
best = pd.DataFrame({"BIC": by_type("BIC").idxmin(),          # the K of the lowest BIC, per type
                     "AIC": by_type("AIC").idxmin(),
                     "held-out score": by_type("held-out score").idxmax()})   # the highest score
for column, lowest in (("BIC", True), ("AIC", True), ("held-out score", False)):
    values = by_type(column).stack()                              # one value per (K, type)
    K, ct = values.idxmin() if lowest else values.idxmax()
    print(f"best overall by {column:14s}: {ct}, K = {K}")
best

# %% [markdown]
# The full-covariance rows, with the log-likelihood that the criteria start from:

# %%
selection[selection["type"] == "full"].set_index("K").drop(columns="type").round(4)

# %% [markdown]
# BIC and the held-out score pick `full` with $K = 3$, the true model. AIC
# picks `full` with $K = 5$, but only just: its values from $K = 3$ to 7 lie
# within 6 of each other (3338.1 to 3343.5), while BIC rises by 22 to 36 with
# each extra component. Each component costs 6 parameters, which BIC charges
# $6 \log 500 \approx 37$ and AIC only $6 \times 2 = 12$, against a gain in
# $-2\ell$ of at most 16 here: with plenty of data AIC tends to accept extra
# components, BIC to refuse them. The constrained types build tilted clusters
# out of several components, so their BIC bottoms out at $K = 5$ for `diag`,
# 7 for `spherical`, and is still falling at $K = 8$ for `tied`. (`full` at
# $K = 3$ has BIC 3415.15 here, 0.27 below `gm`'s 3415.41: the default `tol`
# stopped `gm` a little short.)
#
# That the log-likelihood column rises with $K$ is what these runs found,
# not a law. With scikit-learn's default `tol=1e-3`, the same settings for
# `full` give:

# %%
for K in (7, 8):
    g = GaussianMixture(K, n_init=3, random_state=0).fit(X)        # default tol=1e-3
    print(f"K = {K}, tol=1e-3: log-likelihood {g.score(X) * N:.4f}")

# %% [markdown]
# With the default `tol`, $K = 8$ ends **below** $K = 7$ ($-1641.83$ against
# $-1640.98$), and both far below the $-1628$ of the table: a freer model,
# stopped early, came out worse. Criteria computed from such fits compare
# where EM stopped, not what the models can do.
#
# The held-out score needs no parameter count and works for any model, but
# it spends data on testing, and it depends on the split. Four seeded splits,
# `full` covariances:

# %%
for split in range(4):
    train, test = train_test_split(X, test_size=0.3, random_state=split)
    scores = [GaussianMixture(K, n_init=3, tol=1e-6, max_iter=1000, random_state=0).fit(train).score(test)
              for K in range(1, 7)]
    print(f"split random_state={split}: the held-out score picks K = {np.argmax(scores) + 1}")

# %% [markdown]
# One split in four picks $K = 4$. $k$-fold cross-validation steadies the
# judge: split the data into $k$ parts, hold out each part once, and average
# the $k$ held-out scores (`sklearn.model_selection.cross_val_score` does
# this with `GaussianMixture`'s `score`), at $k$ times the cost. BIC needs
# one fit per model and no held-out data, which counts on small data sets.
#
# ## 2. Initialisation and restarts
#
# `init_params` says how scikit-learn starts EM:
#
# - `"kmeans"` (the default): run k-means, start from its clusters as hard responsibilities;
# - `"k-means++"`: only k-means++ seeding ($K$ spread-out data points as centres), no k-means iterations;
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
# So the best optimum that these starts find is $-3.3095$ per point (the best
# found, not one proven global). `"k-means++"` from seed 0 reaches it to four
# decimals. The other runs stop a little short with `tol=1e-3`, each at its
# own point (the fourth decimal), except four `"random"` runs, which stop far
# short, near $-3.935$ (below).
# `"kmeans"` stops after 4 iterations: k-means has done most of the work;
# the seedings mostly need more.
#
# `"random"` is the trap of the table: four seeds out of five report about
# $-3.935$ after 2 iterations. Random responsibilities give every component
# almost the same start, near the centre of the data:

# %%
g = GaussianMixture(3, init_params="random", random_state=1).fit(X)
print("means after a random start (seed 1):")
print(g.means_)
print("converged_:", g.converged_, "  n_iter_:", g.n_iter_)

# %% [markdown]
# Three copies of the same component barely pull apart in one
# iteration, the gain stays below `tol=1e-3`, and scikit-learn declares
# `converged_ = True` on a useless fit: a plateau again, as on lesson 09's
# stretched clusters. Two remedies: a stricter `tol` lets EM creep off the
# plateau, and `n_init` runs EM from several starts and keeps the one with the
# best `lower_bound_`:

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
# ## 3. Uses of a fitted mixture
#
# ### Density estimation and anomaly detection
#
# A fitted mixture is a generative model (lesson 09's `sample` draws new
# points from it) and a density $p(x)$ over the whole plane. To find unusual
# points, flag those whose `score_samples` falls below a threshold. The threshold fixes the share of
# normal points flagged by mistake, here 2%; choose it on points the fit has
# not seen, since a density tends to be higher at its training points. The
# detector is section 1's `fit_train` (70% of the points), the threshold the
# 2% quantile of the scores of the other 30%, and 10 000 fresh points from
# the same mixture check the false-alarm rate:

# %%
detector = fit_train
threshold = np.quantile(detector.score_samples(X_test), 0.02)
print(f"threshold on log p(x), from the held-out points: {threshold:.4f}")

fresh, _ = three_blobs_2d(10_000, seed=1)              # new normal points from the same mixture
from_training = np.quantile(detector.score_samples(X_train), 0.02)
print(f"fresh points flagged: {np.mean(detector.score_samples(fresh) < threshold):.2%} "
      f"(with a threshold from the training scores: {np.mean(detector.score_samples(fresh) < from_training):.2%})")

# %% [markdown]
# The threshold flags 1.84% of the fresh points, close to the 2% we chose. A
# threshold from the training scores does about as well here (1.93%): a
# 17-parameter model fitted to 350 points is barely optimistic about them;
# with a more flexible model or fewer points the gap grows. The 2% itself
# is a choice, not a law. Three new points:

# %%
visitors = np.array([[1.0, 1.5], [-2.5, 3.0], [5.0, -1.0]])
print("new points' log p(x):", detector.score_samples(visitors),
      "  unusual:", detector.score_samples(visitors) < threshold)

# %%
g1, g2 = np.meshgrid(np.linspace(-4, 6.5, 200), np.linspace(-3.5, 7, 200))
log_density = detector.score_samples(np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)
flagged = detector.score_samples(X) < threshold

fig, ax = plt.subplots(figsize=(8, 7.5))
contours = ax.contourf(g1, g2, log_density, levels=np.linspace(-12, -1, 12), cmap="Greys",
                       extend="min", alpha=0.6)
fig.colorbar(contours, ax=ax, label="log p(x)")
ax.contour(g1, g2, log_density, levels=[threshold], colors="#d62728", linewidths=2, linestyles="solid")
ax.scatter(*X[~flagged].T, s=6, color="black", label="data")
ax.scatter(*X[flagged].T, s=70, facecolors="none", edgecolors="#d62728", linewidths=2,
           label="flagged")
ax.scatter(*visitors.T, marker="*", s=250, color="gold", edgecolors="black", label="new points")
handles, labels = ax.get_legend_handles_labels()
handles.append(Line2D([], [], color="#d62728", lw=2, label="threshold: log p(x) = "
                      f"{threshold:.2f}"))
ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_aspect("equal")
ax.set_title("Anomalies: points where the fitted density is lowest")
plt.show()
print("flagged:", flagged.sum(), "of", N)

# %% [markdown]
# The red contour is the threshold: the 8 flagged points of the 500 (circled)
# lie outside it, in the thin outskirts of the clusters. Of the three new
# points, $(1, 1.5)$ lies in the gap between the clusters but still inside the
# contour; $(-2.5, 3)$ and $(5, -1)$ lie outside it and are flagged.
#
# ### A Bayesian mixture switches components off
#
# `BayesianGaussianMixture` puts a prior on the parameters: on the weights a
# Dirichlet process (the default) or a Dirichlet distribution; on each
# component's mean and **precision matrix** (the inverse covariance
# $\Sigma_k^{-1}$, as in lesson 09's `precisions_init`) a Gaussian-Wishart prior.
#
# A **Dirichlet process** is a prior over mixtures with unboundedly many
# components: each in turn takes a random share of the weight the earlier
# ones left, so a few usually hold most of it. scikit-learn stops it at
# `n_components`.
#
# The fit is by **variational inference**: instead of one best set of
# parameters, an approximate posterior distribution over them (of a simple,
# factorised form), found by an EM-like loop. It raises a lower bound on the
# **evidence** $\log p(X)$, the log-probability of the data with the
# parameters averaged over their prior instead of fixed: lesson 02's bound,
# with $q$ now over the parameters too. That bound, less some constant terms (so only its
# changes mean something), is its `lower_bound_`.
#
# Given more components than needed, here 10, it drives the weights of the
# superfluous ones towards zero:

# %%
bayes = BayesianGaussianMixture(n_components=10, random_state=0).fit(X)
print("converged_:", bayes.converged_, "after", bayes.n_iter_, "iterations")
bayes_params = canonical(sklearn_params(bayes), THREE_BLOBS_2D)     # the three clusters first
print("Bayesian weights:", bayes_params.weights)
print("means of the first three:", bayes_params.means[:3].round(2).tolist())
print("total weight of the other seven below 1e-3:", bayes_params.weights[3:].sum() < 1e-3)

# %% [markdown]
# A plain mixture with $K = 10$ has no such pressure:

# %%
plain10 = GaussianMixture(10, random_state=0).fit(X)
fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), sharey=True, layout="constrained")
for ax, g, title in ((axes[0], bayes, "BayesianGaussianMixture(n_components=10)"),
                     (axes[1], plain10, "GaussianMixture(n_components=10)")):
    ax.bar(np.arange(10), np.sort(g.weights_)[::-1], color="0.4")
    ax.set_xticks(range(10))
    ax.set_xlabel("component, heaviest first")
    ax.set_title(title)
axes[0].set_ylabel("weight")
plt.show()
print(f"smallest weight of the plain mixture: {plain10.weights_.min():.3f}")

# %% [markdown]
# Three components hold nearly all the Bayesian weight, one on each
# cluster, with weights close to the plain three-component fit's (0.36,
# 0.36, 0.28); the other seven keep less than $10^{-3}$ together. The plain
# ten-component mixture cuts the clusters into ten pieces, the smallest still
# holding 5% of the points. One fit with a generous `n_components` is another
# way of choosing $K$, but the priors take part: their strengths (for the
# weights, `weight_concentration_prior`, by default `1 / n_components`) are
# choices, like the detector's threshold.
#
# ## 4. Real data: iris flowers
#
# scikit-learn ships Fisher's iris measurements: 150 flowers, four lengths in
# centimetres (sepal length and width, petal length and width), 50 from each
# of three species. We fit a 3-component mixture without the species, number
# its components left to right (by mean sepal length), and compare with the
# species by the ARI of lesson 07 and a cross-table.

# %%
iris = load_iris()
flowers, species = iris.data, iris.target_names[iris.target]

iris_gm = GaussianMixture(3, n_init=5, random_state=0).fit(flowers)
number = np.array([canonical_number(sklearn_params(iris_gm), j) for j in range(3)])  # left to right
found = number[iris_gm.predict(flowers)]                  # each flower's component, course's number
print(f"adjusted Rand index: {adjusted_rand_score(species, found):.4f}")
pd.crosstab(pd.Series(species, name="species"), pd.Series(found, name="component"))

# %% [markdown]
# Component 0 (blue) holds exactly the 50 setosa, component 1 (orange) 45 of
# the 50 versicolor, and component 2 (green) all 50 virginica plus the other 5
# versicolor: 5 errors in 150, an ARI of 0.90, without a single label. The
# petals show it best. They are measured to 0.1 cm, so many flowers share a
# point: we jitter each by up to 0.04 cm (seeded), and draw the flowers
# outside their species' component last, large, with a black edge.

# %%
home = {name: np.bincount(found[species == name]).argmax() for name in iris.target_names}
misplaced = found != np.array([home[name] for name in species])   # not in its species' component
shown = flowers[:, 2:] + np.random.default_rng(0).uniform(-0.04, 0.04, (150, 2))  # jitter, see below
colors = component_colors(3)

fig, axes = plt.subplots(1, 2, figsize=(14, 5.5), layout="constrained")
for ax in axes:
    for name, marker in zip(iris.target_names, "o^s"):
        ok, off = (species == name) & ~misplaced, (species == name) & misplaced
        ax.scatter(*shown[ok].T, c=colors[found[ok]], marker=marker, s=45, alpha=0.55, edgecolors="none")
        ax.scatter(*shown[off].T, c=colors[found[off]], marker=marker, s=160, edgecolors="black",
                   linewidths=2, zorder=3)
    ax.set_xlabel("petal length (cm, jittered)")
    ax.set_ylabel("petal width (cm, jittered)")
axes[0].set_title("Iris: colour = mixture component, marker = species")
axes[1].set_xlim(3.8, 5.8)
axes[1].set_ylim(1.1, 2.1)
axes[1].set_title("zoom where versicolor and virginica meet")
key = ([Line2D([], [], marker=m, color="white", markeredgecolor="black", ms=9, ls="none", label=name)
        for name, m in zip(iris.target_names, "o^s")]
       + [Patch(color=colors[k], label=f"component {k}") for k in range(3)]
       + [Line2D([], [], marker="^", color="0.6", markeredgecolor="black", markeredgewidth=2, ms=13,
                 ls="none", label="large, black edge: not in\nits species' component")])
fig.legend(handles=key, loc="outside right upper")
plt.show()

# %% [markdown]
# Setosa (circles) sits apart, with small petals, in a component of its own.
# Versicolor (triangles) and virginica (squares) touch; the five green
# triangles are the misplaced versicolor flowers, all where the two species
# meet, with petals 4.5 to 5.1 cm long. Without the jitter and the drawing
# order, one of them would hide under four other versicolor flowers with
# the same petal measurements, $(4.5, 1.5)$, another under one at $(4.9, 1.5)$, and a
# third under two virginica at $(4.8, 1.8)$.
# The full covariances matter here, as the other types show:

# %%
for ct in TYPES:
    g = GaussianMixture(3, covariance_type=ct, n_init=5, random_state=0).fit(flowers)
    print(f"{ct:9s}  ARI {adjusted_rand_score(species, g.predict(flowers)):.4f}   BIC {g.bic(flowers):.1f}")
for name in ("versicolor", "virginica"):
    r = np.corrcoef(flowers[species == name].T)          # 4 x 4, within one species
    print(f"{name}: correlation of petal length and width {r[2, 3]:.2f}, "
          f"of sepal length and petal length {r[0, 2]:.2f}")

# %% [markdown]
# Within a species the measurements are correlated: in the figure,
# versicolor's petals lie along a tilted band (length and width correlate at
# 0.79; 0.32 within virginica), and a longer sepal goes with a longer petal
# (0.75 and 0.86). Only `full` and `tied` model such correlations, and they
# group best (ARI 0.90 and 0.89); BIC also prefers `full` among the four
# types at $K = 3$. But is 3 the best $K$?

# %%
print("full covariances, BIC for K = 1..5:",
      [round(GaussianMixture(K, n_init=5, random_state=0).fit(flowers).bic(flowers), 1) for K in range(1, 6)])

# %% [markdown]
# BIC prefers $K = 2$ (574.0) to $K = 3$ (580.9). The two components it
# prefers:

# %%
two = GaussianMixture(2, n_init=5, random_state=0).fit(flowers)
number_two = np.array([canonical_number(sklearn_params(two), j) for j in range(2)])
pd.crosstab(pd.Series(species, name="species"), pd.Series(number_two[two.predict(flowers)], name="component"))

# %% [markdown]
# Setosa in one, versicolor and virginica together in the other: from the
# measurements alone, the two overlapping species look like one cluster, and
# 150 flowers are too few for BIC to pay for a third. A criterion chooses the
# best *density*, which need not be the grouping that a botanist has in mind.
#
# ## Summary
#
# - Choose $K$ by BIC $= -2\ell + p\log N$ (stricter), AIC $= -2\ell + 2p$, or the held-out log-likelihood (steadier over $k$ folds); $\ell$ is a total, `score` a mean.
# - More freedom does not guarantee a higher log-likelihood from EM: stopped early by the default `tol` (section 1's $K = 8$ below $K = 7$) or in a local optimum, a freer model can come out worse. Fit each candidate to its optimum (a strict `tol`, restarts) before comparing.
# - Keep the `"kmeans"` start; a `"random"` start can stop at once with `converged_=True` on a useless fit; a strict `tol` or `n_init` restarts guard against bad starts.
# - A threshold on `score_samples`, calibrated on held-out points, flags anomalies at a chosen false-alarm rate.
# - `BayesianGaussianMixture` puts priors on the weights (a Dirichlet process) and on means and precisions (Gaussian-Wishart), fits them by variational inference, and with a generous `n_components` switches off components it does not need; its prior is a real assumption.
# - On iris, a full-covariance mixture finds the three species from the measurements alone (ARI 0.90), yet BIC prefers two components: a criterion picks the best density, not necessarily the grouping you have in mind.
#
# ## Where next
#
# Lesson 11, segmenting an image, puts mixtures to work on the pixels of a
# photograph: each component becomes a segment, and BIC, asked how many
# segments there should be, meets data that are not independent draws from a
# mixture. It also compares the mixture with K-means colour quantisation.
#
# To go further with the library, scikit-learn's user guide page "Gaussian mixture
# models" (<https://scikit-learn.org/stable/modules/mixture.html>) covers
# both estimators, their options and the variational Bayesian mixture. For
# data that do not fit on one machine, Apache Spark's
# `pyspark.ml.clustering.GaussianMixture` runs the same EM; its `tol` bounds
# the change of the **total** log-likelihood, not the mean per point.
#
# For the theory, see Bishop's *Pattern Recognition and Machine Learning* (section 4.4.1 for
# BIC; section 10.2 for a variational Bayesian mixture with a Dirichlet
# prior on the weights, scikit-learn's
# `weight_concentration_prior_type="dirichlet_distribution"`), Blei and Jordan,
# "Variational inference for Dirichlet process mixtures" (*Bayesian Analysis* 1,
# 2006) for the Dirichlet-process default, and Schwarz's original paper on BIC,
# "Estimating the dimension of a model" (*Annals of Statistics* 6, 1978).
