# %% [markdown]
# # Lesson 07: K-means as hard EM
#
# **What you will do.** Write K-means, the most popular clustering method, and
# see that it is EM in disguise: the same two alternating steps, with every
# responsibility rounded to 0 or 1. Then put K-means and a Gaussian mixture
# side by side on data where K-means goes wrong, and compare its hard labels
# with the mixture's probabilities where clusters meet.
#
# **What you will learn.**
# - Lloyd's K-means as "hard EM": assign each point to its nearest centre, move each centre to the mean of its points;
# - the objective that neither step raises, and how it is a complete-data log-likelihood in disguise;
# - which assumptions hide inside "nearest centre", and the data that break them;
# - what soft probabilities tell you about points between clusters that hard labels hide.
#
# **What you need.** Lessons 01 and 03 (responsibilities, the M-step,
# covariance ellipses, `predict_proba`) and lesson 04 (restarts with `n_init`).
#
# **Time.** About 40 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.lines import Line2D
from sklearn.metrics import adjusted_rand_score

import gmmlib
from gmmlib.components import canonical
from gmmlib.datasets import (STRETCHED_CLUSTERS, THREE_BLOBS_2D, UNEQUAL_CLUSTERS,
                             stretched_clusters, three_blobs_2d, unequal_clusters)
from gmmlib.lloyd import assign, inertia
from gmmlib.plotting import plot_kmeans_2d, plot_mixture_2d, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. K-means is EM with hard assignments
#
# The data are $N$ points $x_i$ in $D$ dimensions (here $D = 2$). K-means
# describes each of $K$ clusters by a single point, its **centre** $c_k$, and
# repeats two steps:
#
# 1. **assign** each point to its nearest centre: $\;z_i = \arg\min_k \lVert x_i - c_k \rVert^2$;
# 2. **move** each centre to the mean of the points assigned to it:
#    $\;c_k = \frac{1}{N_k} \sum_{i:\, z_i = k} x_i$, with $N_k$ the number of those points.
#
# We use the data of lesson 03 and three starting centres picked by k-means++
# (the same seeding `gmmlib.fit` uses). `canonical` numbers the clusters like
# the components of the mixture that drew the data (`THREE_BLOBS_2D`), so that
# each cluster keeps its colour from lesson to lesson.

# %%
X, z = three_blobs_2d()
km = canonical(gmmlib.kmeans(X, 3, seed=1), THREE_BLOBS_2D)
centres = km.history[0]                       # the starting centres, shape (K, D)
print("starting centres:")
print(centres)

# %% [markdown]
# ### Exercise 1: the assignment step
#
# Write `kmeans_assign(X, centres)`: for `X` of shape (N, D) and `centres` of
# shape (K, D), return the labels, an integer array of shape (N,), with
# $z_i = \arg\min_k \lVert x_i - c_k \rVert^2$.
# Hint: `X[:, None, :] - centres[None, :, :]` holds every difference
# $x_i - c_k$ at once, shape (N, K, D); square it, add over the coordinates,
# and take the argmin over the centres.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_kmeans_assign


def kmeans_assign(X, centres):
    """Labels of shape (N,): the nearest of the centres (K, D) for each row of X (N, D)."""
    ...


# %%
check_kmeans_assign(kmeans_assign)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def kmeans_assign(X, centres):
    """Labels of shape (N,): the nearest of the centres (K, D) for each row of X (N, D)."""
    d2 = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)   # |x_i - c_k|^2, shape (N, K)
    return d2.argmin(axis=1)                                        # z_i = argmin_k |x_i - c_k|^2


check_kmeans_assign(kmeans_assign)

# %% [markdown]
# ### Exercise 2: the move step
#
# Write `kmeans_update(X, labels, n_clusters)`: for `X` of shape (N, D) and
# integer `labels` of shape (N,), return the centres, shape (K, D) with
# $K$ = `n_clusters`, row $k$ being $c_k = \frac{1}{N_k} \sum_{i:\, z_i = k} x_i$
# (every cluster has points in the checked cases).
# Hint: `X[labels == k]` selects the points of cluster $k$.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_kmeans_update


def kmeans_update(X, labels, n_clusters):
    """Centres of shape (K, D): the mean of the rows of X (N, D) with each label 0..K-1."""
    ...


# %%
check_kmeans_update(kmeans_update)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def kmeans_update(X, labels, n_clusters):
    """Centres of shape (K, D): the mean of the rows of X (N, D) with each label 0..K-1."""
    return np.array([X[labels == k].mean(axis=0) for k in range(n_clusters)])   # c_k


check_kmeans_update(kmeans_update)

# %% [markdown]
# One assignment and one move from the starting centres, with these two
# functions, against gmmlib's assignment and K-means' first iteration:

# %%
labels = kmeans_assign(X, centres)
new_centres = kmeans_update(X, labels, 3)
print("points per cluster:", np.bincount(labels, minlength=3))
print("moved centres:")
print(new_centres)
print("same labels as gmmlib.lloyd.assign:      ", np.array_equal(labels, assign(X, centres)))
print("same centres as K-means' first iteration:", np.abs(new_centres - km.history[1]).max() < 1e-12)

# %% [markdown]
# Now put K-means next to EM for one particular mixture: $K$ components with
# **equal weights** $1/K$ and **one shared, round covariance** $\sigma^2 I$,
# with $\sigma$ held fixed, so that only the means $c_k$ are estimated. The
# move is this mixture's M-step for the means,
# $\mu_k = \sum_i r_{ik} x_i / \sum_i r_{ik}$, with responsibilities that are
# 0 or 1. The assignment is a **hard E-step**: instead of sharing each point
# among the components in proportion to
# $\pi_k \mathcal N(x_i \mid c_k, \sigma^2 I)$, it gives the point whole to the
# most probable component.

# %% [markdown]
# For this mixture
#
# $$\log\left(\pi_k\, \mathcal N(x_i \mid c_k, \sigma^2 I)\right)
#   = -\frac{\lVert x_i - c_k \rVert^2}{2\sigma^2} - \log K - \frac D2 \log(2\pi\sigma^2),$$
#
# and only the first term depends on $k$. So the most probable component is
# the one with the nearest centre, **whatever $\sigma$ is**: $\sigma$ scales
# every distance alike and cannot change which one is smallest. K-means *is*
# hard EM for this mixture, at every $\sigma$. (Soft EM for the same mixture
# turns into K-means only as $\sigma \to 0$: lesson 08.) What K-means does not
# have at all is weights or covariances to estimate. `gmmlib.predict`, which
# picks each point's most probable component, weights and densities included,
# agrees at every $\sigma$:

# %%
for sigma in (0.1, 1.0, 10.0):
    mixture = gmmlib.GMMParams(np.full(3, 1 / 3), centres, [sigma**2 * np.eye(2)] * 3)
    same = np.array_equal(gmmlib.predict(X, mixture), labels)
    print(f"sigma = {sigma:4}: most probable component = nearest centre, for every point: {same}")

# %% [markdown]
# Neither step can raise one number. Write
# $J(z, c) = \sum_i \lVert x_i - c_{z_i} \rVert^2$: the sum of squared
# distances from each point to the centre of the cluster it is assigned to.
# The assignment minimises $J$ over the labels $z$ with the centres held still
# (each point takes its nearest centre); the move minimises $J$ over the
# centres with the labels held still (the mean of a set of points is the
# point with the smallest sum of squared distances to them). Right after an
# assignment, $J$ is the **inertia** $\sum_i \min_k \lVert x_i - c_k \rVert^2$,
# which depends on the centres alone; `gmmlib.kmeans` records it for the
# starting centres and after every iteration. It plays the role that the
# log-likelihood plays for EM, turned upside down: EM climbs, K-means descends.

# %%
print(f"inertia of the starting centres: {inertia(X, centres):.4f}")
print(f"inertia of the moved centres:    {inertia(X, new_centres):.4f}")
print(f"inertia at the end:              {km.inertia:.4f}  after {km.n_iter} iterations, converged: {km.converged}")

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(km.inertias, "o-", color="black", ms=5)
ax.set_xlabel("iteration")
ax.set_ylabel("inertia")
ax.set_title("K-means' inertia never goes up")
ax.grid(alpha=0.3)
plt.show()
print("never increases:", np.all(np.diff(km.inertias) <= 0))

# %% [markdown]
# $J$ is not a stranger to EM. Hard EM climbs the **complete-data
# log-likelihood**, the log-probability of the points *together with* their
# labels: $\log p(X, z) = \sum_i \log\left(\pi_{z_i} \mathcal N(x_i \mid c_{z_i}, \sigma^2 I)\right)$.
# Summing the formula above with $k = z_i$ over the $N$ points gives
#
# $$\log p(X, z) = -\frac{J(z, c)}{2\sigma^2} - N \log K - \frac{ND}{2} \log(2\pi\sigma^2).$$
#
# At a fixed $\sigma$, one is a decreasing affine function of the other:
# every step that lowers $J$ raises the complete-data log-likelihood, and the
# labels and centres with the smallest $J$ have the largest. Here are both
# for every iterate of the run above, at $\sigma = 1$, the log-likelihood
# computed from the densities (`gmmlib.component_log_densities`), not from
# the formula:

# %%
N, D, K, sigma = X.shape[0], X.shape[1], 3, 1.0
rows = []
for t, c in enumerate(km.history):
    z_t = kmeans_assign(X, c)                                # the labels that go with these centres
    mixture = gmmlib.GMMParams(np.full(K, 1 / K), c, [sigma**2 * np.eye(D)] * K)
    log_joint = np.log(1 / K) + gmmlib.component_log_densities(X, mixture)[np.arange(N), z_t]
    J_t = inertia(X, c)
    rows.append({"iteration": t, "J": J_t, "log p(X, z)": log_joint.sum(),
                 "-J/(2 sigma^2) + const": -J_t / (2 * sigma**2) - N * np.log(K)
                                           - N * D / 2 * np.log(2 * np.pi * sigma**2)})
pd.DataFrame(rows)

# %% [markdown]
# The last two columns agree, and they climb while $J$ falls. Another
# $\sigma$ would change the column, not the order of the rows: it rescales and
# shifts the objective without changing which labels and centres are best.
# (EM proper maximises a different quantity, the log-likelihood
# $\sum_i \log \sum_k \pi_k \mathcal N(x_i \mid c_k, \sigma^2 I)$, in which
# $\sigma$ does matter; lesson 08 takes that road.)

# %% [markdown]
# The first iteration does most of the work (from 1352 down to 857); the last
# iterations shave off fractions. K-means stops when an assignment changes no
# label: the centres would then never move again. Unlike EM, it gets there
# exactly, without a tolerance, in a finite number of iterations: a label
# changes only when another centre is *strictly* nearer (ties broken the same
# way every time), so every iteration that changes a label lowers $J$
# strictly; no labelling can then come back, and there are only finitely many.
# But the end is only a **fixed point** of the two steps, a *partial optimum*:
# the best labels for these centres and the best centres for these labels,
# not necessarily the smallest $J$ there is. Another start can stop somewhere
# else; section 3 meets data where it does.

# %% [markdown]
# ## 2. Step through K-means yourself
#
# The K-means stepper works like lesson 01's EM stepper: step 0 is the start,
# odd steps are assignments (the points change colour, always a pure colour:
# no blends in K-means), even steps are moves (the crosses, the centres, jump
# to the mean of their points). The right panel is the inertia. Given the same
# `reference`, it numbers and colours the clusters as `canonical` did above.

# %% tags=["nbval-ignore-output"]
from gmmlib.widgets import kmeans_stepper

stepper = kmeans_stepper(X, 3, seed=1, reference=THREE_BLOBS_2D)
stepper

# %% [markdown]
# At step 0 the points are grey and the crosses sit at the starting centres.
# Things to try: at the first assignment orange takes the whole middle of the
# picture; find the step where blue has won the lower-left cloud; re-run with
# `seed=0` (three iterations) or with `init="random"`. As with the EM stepper,
# the slider can be driven from code: `stepper.slider.value = 3`. Without a
# running notebook, here are the same steps side by side:

# %%
stepper.filmstrip([0, 1, 2, 3, stepper.slider.max])

# %% [markdown]
# Read the panels in pairs: an assignment recolours the points and leaves the
# crosses (the centres) where they were; the move that follows shifts every
# cross to the middle of its colour and leaves the colours alone. By the last
# map (step 14), no point would change colour any more, and K-means has stopped.

# %% [markdown]
# ## 3. Where K-means fails
#
# "Assign to the nearest centre" looks assumption-free, but it is not. Compare
# it with the E-step of lesson 03: the component with the largest
# responsibility is always the one with the nearest mean when **every
# component is a round (spherical) Gaussian with the same variance and the
# same weight**, the mixture of section 1. Then the only thing that tells two
# components apart is the distance to their means, and the border between two
# clusters is the **perpendicular bisector** of the segment joining their
# centres: the line of points equally far from both. Data that break these
# assumptions break K-means. We look at two such sets, each drawn from a known
# mixture with `gmmlib.datasets.sample_mixture`, so that we know the true labels:
#
# - `stretched_clusters()`: three long, thin, parallel clusters, tilted by 70°;
# - `unequal_clusters()`: one wide cluster drawn with weight 0.7, and two small, tight ones
#   (weight 0.15 each, variance 0.15 against the wide cluster's 2.5: a quarter of its
#   standard deviation).

# %%
data_sets = {"stretched": stretched_clusters(), "unequal": unequal_clusters()}
references = {"stretched": STRETCHED_CLUSTERS, "unequal": UNEQUAL_CLUSTERS}  # the mixtures that drew them
for name, (Xd, zd) in data_sets.items():
    print(f"{name:9s}: {Xd.shape[0]} points, true cluster sizes {np.bincount(zd)}")

# %% [markdown]
# We fit both models with three clusters to each set, each with ten starts,
# keeping its best: K-means the run with the lowest inertia, the mixture (full
# covariances) the fit with the highest log-likelihood (`n_init`, lesson 04).
# Each result is renumbered by `canonical` with the mixture that drew the data
# as reference, so that blue, orange and green mean the same cluster for the
# truth, for K-means and for the mixture. The cell prints each *distinct*
# inertia at which K-means' ten runs stopped:

# %%
km_fits, gmm_fits = {}, {}
for name, (Xd, zd) in data_sets.items():
    runs = [gmmlib.kmeans(Xd, 3, seed=s) for s in range(10)]
    km_fits[name] = canonical(min(runs, key=lambda r: r.inertia), references[name])
    gmm_fits[name] = canonical(gmmlib.fit(Xd, 3, seed=0, n_init=10), references[name]).params
    print(f"{name:9s}: distinct final inertias of K-means' ten runs {sorted({round(r.inertia, 1) for r in runs})}")

# %% [markdown]
# Different starts stop at different fixed points, as section 1 warned; we
# keep the lowest. Each panel below scores its clustering against the truth
# with the **adjusted Rand index** (ARI): 1 for a perfect match, about 0 for
# labels no better than chance; it does not care which number a cluster gets.
# The truth, K-means and the mixture, side by side:

# %%
Xu, zu = data_sets["unequal"]
proba = gmmlib.predict_proba(Xu, gmm_fits["unequal"])
unsure = np.argsort(proba.max(axis=1))[:6]        # the six points the mixture is least sure about

fig, axes = plt.subplots(2, 3, figsize=(14, 9.5), sharex="row", sharey="row", layout="constrained")
for row, (name, (Xd, zd)) in zip(axes, data_sets.items()):
    plot_kmeans_2d(row[0], Xd, zd, references[name].means, regions=False, point_size=24)
    row[0].set_title(f"{name}: true clusters")
    drawn = plot_kmeans_2d(row[1], Xd, km_fits[name].labels, km_fits[name].centres, point_size=24)
    drawn["regions"].set_data(1 - 1.6 * (1 - drawn["regions"].get_array()))   # a stronger tint
    row[1].set_title(f"{name}: K-means, ARI {adjusted_rand_score(zd, km_fits[name].labels):.2f}")
    plot_mixture_2d(row[2], gmm_fits[name], Xd, point_size=24)
    row[2].set_title(f"{name}: mixture, ARI {adjusted_rand_score(zd, gmmlib.predict(Xd, gmm_fits[name])):.2f}")
    row[0].set(xlim=(Xd[:, 0].min() - 0.5, Xd[:, 0].max() + 0.5),   # one view for the row
               ylim=(Xd[:, 1].min() - 0.5, Xd[:, 1].max() + 0.5))
axes[1, 2].scatter(Xu[unsure, 0], Xu[unsure, 1], s=260, facecolors="none", edgecolors="black",
                   linewidths=1.8, zorder=4)
key = [Line2D([], [], color="0.3", marker="X", ms=11, markeredgecolor="black", ls="none",
              label="true mean / K-means centre / component mean"),
       Line2D([], [], color="0.3", lw=2.5, label="mixture: 1-sd ellipse"),
       Line2D([], [], color="0.3", lw=1.5, ls="--", label="mixture: 2-sd ellipse"),
       Line2D([], [], marker="o", ms=13, mfc="none", mec="black", ls="none",
              label="the six least sure points (section 4)")]
fig.legend(handles=key, loc="outside lower center", ncols=4)
plt.show()

# %% [markdown]
# The left panels show the true labels, with a cross at each **true mean**,
# the mean of a component of the mixture that drew the data. In the K-means
# panels (middle) the shading shows the region of each centre: every place is
# tinted with the colour of its nearest cross, so the borders between shades
# are the perpendicular bisectors K-means draws. The mixture panels (right)
# show the 1-standard-deviation (solid) and 2-standard-deviation (dashed)
# ellipses of each component, and colour each point by its responsibilities,
# as in lesson 03: the few points with a blended colour are the ones the
# mixture is unsure about.

# %% [markdown]
# Top row: K-means finds the left cluster, but cuts the other two *across*
# their length: orange takes the lower parts of both, green the upper parts.
# The border between orange and green runs across the clusters instead of
# along the gaps between them. The mixture's tilted ellipses fit the three
# clusters, and its labels match the truth exactly.
#
# Why does K-means cut across? Along its length each cluster has a standard
# deviation of $\sqrt 3 \approx 1.7$, so its ends, two standard deviations
# out, lie about 3.5 from its own mean, while the neighbouring cluster's mean
# is only 2.2 to the side. Measure every point against the three true means:

# %%
Xs, zs = data_sets["stretched"]
true_means = STRETCHED_CLUSTERS.means                                     # the means that drew the clusters
dist = np.linalg.norm(Xs[:, None, :] - true_means[None, :, :], axis=2)   # |x_i - mean_k|, shape (N, 3)
middle = np.flatnonzero(zs == 1)                  # the points of the middle cluster
top = middle[np.argmax(Xs[middle, 1])]            # the highest of them
print(f"top of the middle cluster {Xs[top].round(2)}: distances to the true means {dist[top].round(2)}")
print(f"points nearer another cluster's true mean than their own: "
      f"{np.sum(dist.argmin(axis=1) != zs)} of {len(zs)}")

# %% [markdown]
# The top of the middle (orange) cluster is nearer the mean of the right
# (green) cluster than the mean of its own: even handed the true means,
# "nearest centre" would give it, and 22 other points, to the wrong cluster.
# And once K-means moves its centres, it finds a split it likes better still.
# Restarts do not rescue it: the panel already shows the best of ten runs, the
# one with the lowest inertia. The wrong split *is* what K-means is looking
# for: its clusters have a smaller sum of squared distances $J$ than the true
# clusters, each measured around the mean of its own points:

# %%
for name, (Xd, zd) in data_sets.items():
    cluster_means = np.array([Xd[zd == k].mean(axis=0) for k in range(3)])   # of each true cluster's points
    print(f"{name:9s}: J of K-means' clusters {km_fits[name].inertia:.1f}, "
          f"of the true clusters {((Xd - cluster_means[zd]) ** 2).sum():.1f}")

# %% [markdown]
# Bottom row: K-means' two small clusters (orange, green) swallow the right
# edge of the wide blue one, because the border between blue and orange lies
# halfway between their centres, and the wide cluster spreads well past
# halfway. The mixture knows that blue is wide and frequent and the others
# are narrow and rare, and draws its borders close around the small clusters.
# The count of blue points given away:

# %%
km_u, gmm_u = km_fits["unequal"], gmm_fits["unequal"]
for model, labels_u in (("K-means", km_u.labels), ("mixture", gmmlib.predict(Xu, gmm_u))):
    lost = np.sum((zu == 0) & (labels_u != 0))
    print(f"{model:8s}: {lost:3d} of the {np.sum(zu == 0)} points of the wide cluster go to a small one")

# %% [markdown]
# ## 4. Hard labels against probabilities at the border
#
# K-means gives each point one label and says nothing about how sure it is.
# A mixture gives probabilities, `gmmlib.predict_proba`, and they are most
# useful exactly where clusters meet. Here are the six points ringed in the
# figure, those of the unequal data about which the fitted mixture is least
# sure, with the clusters named as in the figure: blue is the wide one,
# orange the upper small one, green the lower small one.

# %%
names = np.array(["wide", "upper", "lower"])      # clusters 0, 1, 2: blue, orange, green
table = pd.DataFrame({"x1": Xu[unsure, 0], "x2": Xu[unsure, 1], "true": names[zu[unsure]],
                      "K-means": names[km_u.labels[unsure]],
                      "mixture": names[proba[unsure].argmax(axis=1)]})
for k in range(3):
    table[f"P({names[k]})"] = proba[unsure, k]
with pd.option_context("display.float_format", "{:.4f}".format):
    display(table)

# %% [markdown]
# K-means states each of these labels as flatly as it labels a point in the
# middle of a cluster. The mixture says that these points could belong to
# the wide cluster or to a small one, with probabilities between about 0.3
# and 0.7: an honest answer, because the truth column shows that both happen.
# Both models get some of these six wrong: they are the hardest points of the
# data, chosen for that, so the count says little (section 3's 63 against 1 is
# the fair comparison). Only the mixture warns you which labels to doubt, and
# its probabilities can be carried into the next step of an analysis (flag
# the unsure points, weight them) instead of being thrown away.
#
# ## Summary
#
# - K-means alternates **assign** (each point to its nearest centre) and **move** (each centre to the mean of its points): hard EM for a mixture of components $\mathcal N(c_k, \sigma^2 I)$ with equal weights and one fixed $\sigma$, *at any* $\sigma$, because $\sigma$ cannot change which centre is nearest.
# - Neither step raises $J$, the sum of squared distances to the assigned centres; up to the factor $-1/(2\sigma^2)$ and a constant, $J$ is the complete-data log-likelihood. K-means stops exactly, after finitely many iterations, when no label changes: at a fixed point (a partial optimum of $J$), not necessarily the best one.
# - Nearest-centre assignment assumes round clusters of **equal spread and equal weight**; borders are the perpendicular bisectors between centres. Stretched clusters, or clusters of different spread and weight, break it, and restarts do not help because the wrong split has the lower $J$; a mixture with full covariances and weights does not break.
# - A mixture's `predict_proba` says how sure each assignment is; K-means' labels hide the doubt about points between clusters.
#
# ## Where next
#
# Lesson 08, K-means as a limit, keeps the soft E-step instead: EM for the
# same mixture, with $\sigma$ shrinking, turns into K-means as
# $\sigma \to 0$ (with a slider). It then uses K-means to give EM a head start.
