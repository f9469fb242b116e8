# %% [markdown]
# # Lesson 04: K-means and Gaussian mixtures
#
# **What you will do.** Run K-means, the most popular clustering method, and
# see that it is EM in disguise: the same two alternating steps, with every
# responsibility rounded to 0 or 1. Then put K-means and a Gaussian mixture
# side by side on data where K-means goes wrong, shrink a mixture until it
# *becomes* K-means, and finally use K-means to give EM a head start.
#
# **What you will learn.**
# - Lloyd's K-means as "hard EM": assign each point to its nearest centre, move each centre to the mean of its points;
# - which assumptions hide inside "nearest centre", and the data that break them;
# - what soft probabilities tell you about points between clusters that hard labels hide;
# - K-means as the limit of a mixture whose components share one small, fixed, spherical variance;
# - how to start EM from a K-means solution, and what that buys.
#
# **What you need.** Lessons 01 and 02 (responsibilities, the M-step,
# covariance ellipses, `predict_proba`).
#
# **Time.** About 45 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score

import gmmlib
from gmmlib.components import permute_components
from gmmlib.datasets import stretched_clusters, three_blobs_2d, unequal_clusters
from gmmlib.limit import hard_fraction, plot_soft_assignments
from gmmlib.lloyd import assign, inertia, move_centres, soft_assign
from gmmlib.plotting import plot_kmeans_2d, plot_mixture_2d, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. K-means is EM with hard assignments
#
# K-means describes each of $K$ clusters by a single point, its **centre**
# $c_k$, and repeats two steps:
#
# 1. **assign** each point to its nearest centre: $\;z_i = \arg\min_k \lVert x_i - c_k \rVert^2$;
# 2. **move** each centre to the mean of the points assigned to it:
#    $\;c_k = \frac{1}{N_k} \sum_{i:\, z_i = k} x_i$, with $N_k$ the number of those points.
#
# Put next to EM, the parallel is exact. The assignment is an E-step whose
# responsibilities are one-hot: $r_{ik} = 1$ if $k = z_i$, else 0. The move is
# the M-step's mean update $\mu_k = \sum_i r_{ik} x_i / \sum_i r_{ik}$ with those
# 0/1 weights. What K-means does *not* have is weights $\pi_k$ or covariances:
# every cluster is only a centre.
#
# We use the data of lesson 02 and three starting centres picked by k-means++
# (the same seeding `gmmlib.fit` uses).

# %%
X, z = three_blobs_2d()
km = gmmlib.kmeans(X, 3, seed=1)
centres = km.history[0]                       # the starting centres
print("starting centres:")
print(centres)

# %% [markdown]
# One assignment and one move in plain numpy, each line next to its formula:

# %%
d2 = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)   # |x_i - c_k|^2, shape (N, K)
labels = d2.argmin(axis=1)                                      # z_i = argmin_k |x_i - c_k|^2
new_centres = np.array([X[labels == k].mean(axis=0) for k in range(3)])  # mean of each cluster

print("points per cluster:", np.bincount(labels, minlength=3))
print("moved centres:")
print(new_centres)
print("same labels as gmmlib.lloyd.assign:       ", np.array_equal(labels, assign(X, centres)))
print("same centres as gmmlib.lloyd.move_centres:",
      np.abs(new_centres - move_centres(X, labels, centres)).max() < 1e-12)
print("same centres as K-means' first iteration: ", np.abs(new_centres - km.history[1]).max() < 1e-12)

# %% [markdown]
# Neither step can raise one number. Write
# $J(z, c) = \sum_i \lVert x_i - c_{z_i} \rVert^2$: the sum of squared
# distances from each point to the centre of the cluster it is assigned to.
# The assignment minimises $J$ over the labels $z$ with the centres held still
# (each point takes its nearest centre); the move minimises $J$ over the
# centres with the labels held still (the mean of a set of points is the
# point with the smallest sum of squared distances to them). So neither step
# can raise $J$. Right after an assignment, $J$ is the **inertia**
# $\sum_i \min_k \lVert x_i - c_k \rVert^2$, which depends on the centres
# alone; `gmmlib.kmeans` records it for the starting centres and after every
# iteration. It plays the role that the log-likelihood plays for EM, turned
# upside down: EM climbs, K-means descends.

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
# The first iteration does most of the work (from 1352 down to 857); the last
# iterations shave off fractions. K-means stops when an assignment changes no
# label: the centres would then never move again, so it stops exactly at its
# answer, whereas EM only approaches its answer and needs a tolerance.
#
# ## 2. Step through K-means yourself
#
# The K-means stepper works like lesson 01's EM stepper: step 0 is the start,
# odd steps are assignments (the points change colour, always a pure colour:
# no blends in K-means), even steps are moves (the crosses jump to the mean of
# their points). The right panel is the inertia.

# %% tags=["nbval-ignore-output"]
from gmmlib.widgets import kmeans_stepper

stepper = kmeans_stepper(X, 3, seed=1)
stepper

# %% [markdown]
# Things to try: at the first assignment orange takes the whole middle of the
# picture; find the step where blue has won the lower-left cloud; re-run with
# `seed=0` (three iterations) or with `init="random"`. As with the EM stepper,
# the slider can be driven from code:

# %%
stepper.slider.value = 3
print(stepper.steps[stepper.slider.value].label)

# %% [markdown]
# Without a running notebook, here are the same steps side by side:

# %%
stepper.filmstrip([0, 1, 2, 3, stepper.slider.max])

# %% [markdown]
# Read the panels in pairs: an assignment recolours the points and leaves the
# crosses where they were; the move that follows shifts every cross to the
# middle of its colour and leaves the colours alone. By the last panel, no
# point would change colour any more, and K-means has stopped.
#
# ## 3. Where K-means fails
#
# "Assign to the nearest centre" looks assumption-free, but it is not. Compare
# it with the E-step of lesson 01: the component with the largest
# responsibility is always the one with the nearest mean when **every
# component is a round (spherical) Gaussian with the same variance and the
# same weight**. Then the only thing that tells two components apart is the
# distance to their means, and the border between two clusters is the
# **perpendicular bisector** of the segment joining their centres: the line of
# points equally far from both. Data that break these
# assumptions break K-means. We look at two such sets, each drawn from a known
# mixture with `gmmlib.datasets.sample_mixture`, so that we know the true labels:
#
# - `stretched_clusters()`: three long, thin, parallel clusters, tilted by 70°;
# - `unequal_clusters()`: one wide cluster drawn with weight 0.7, and two small, tight ones
#   (weight 0.15 each, variance 0.15 against the wide cluster's 2.5: a quarter of its
#   standard deviation).

# %%
data_sets = {"stretched": stretched_clusters(), "unequal": unequal_clusters()}
for name, (Xd, zd) in data_sets.items():
    print(f"{name:9s}: {Xd.shape[0]} points, true cluster sizes {np.bincount(zd)}")

# %% [markdown]
# We fit both models with three clusters to each set. To score a clustering
# against the truth we use the **adjusted Rand index** (ARI): 1 for a
# perfect match, about 0 for labels no better than chance; it does not care
# which number a cluster gets. The numbers do matter for the colours, though,
# so the small helper below renumbers each clustering to agree with the true
# labels as well as possible; then blue, orange and green mean the same cluster
# in every panel. Both methods get ten starts and keep their best: K-means the
# run with the lowest inertia, the mixture the fit with the highest
# log-likelihood (`n_init`, lesson 02).

# %%
def match_to_truth(labels, z, K):
    """perm: found cluster perm[k] goes with true component k, pairing them one to one
    so that as many points as possible keep their true label."""
    overlap = np.array([[np.sum((z == k) & (labels == j)) for j in range(K)] for k in range(K)])
    return linear_sum_assignment(-overlap)[1]


fits = {}
for name, (Xd, zd) in data_sets.items():
    kmd = min((gmmlib.kmeans(Xd, 3, seed=s) for s in range(10)), key=lambda r: r.inertia)
    perm = match_to_truth(kmd.labels, zd, 3)
    km_centres, km_labels = kmd.centres[perm], np.argsort(perm)[kmd.labels]
    gmm = gmmlib.fit(Xd, 3, seed=0, n_init=10)
    gmm_params = permute_components(gmm.params, match_to_truth(gmmlib.predict(Xd, gmm.params), zd, 3))
    fits[name] = dict(km_centres=km_centres, km_labels=km_labels, gmm=gmm_params)
    true_means = np.array([Xd[zd == k].mean(axis=0) for k in range(3)])
    print(f"{name:9s}: ARI of K-means {adjusted_rand_score(zd, km_labels):.4f}, "
          f"of the mixture {adjusted_rand_score(zd, gmmlib.predict(Xd, gmm_params)):.4f};  "
          f"J of K-means' clusters {kmd.inertia:.1f}, "
          f"of the true clusters {((Xd - true_means[zd]) ** 2).sum():.1f}")

# %%
fig, axes = plt.subplots(2, 2, figsize=(10, 9), layout="constrained")
for row, (name, (Xd, zd)) in zip(axes, data_sets.items()):
    f = fits[name]
    plot_kmeans_2d(row[0], Xd, f["km_labels"], f["km_centres"], point_size=14)
    row[0].set_title(f"{name}: K-means, ARI {adjusted_rand_score(zd, f['km_labels']):.2f}")
    plot_mixture_2d(row[1], f["gmm"], Xd, point_size=14)
    row[1].set_title(f"{name}: mixture, ARI {adjusted_rand_score(zd, gmmlib.predict(Xd, f['gmm'])):.2f}")
    row[1].set_aspect("equal")
    row[1].set_xlim(row[0].get_xlim())
    row[1].set_ylim(row[0].get_ylim())
plt.show()

# %% [markdown]
# In the K-means panels (left) the shading shows the region of each centre:
# every place is tinted with the colour of its nearest cross, so the borders
# between shades are the perpendicular bisectors K-means draws. The mixture
# panels (right) show the 1- and 2-standard-deviation ellipses of each
# component, and colour each point by its responsibilities, as in lesson 02:
# the few points with a blended colour are the ones the mixture is unsure about.
#
# Top row: K-means finds the left cluster, but cuts the other two *across*
# their length: orange takes the lower parts of both, green the upper parts.
# The border between orange and green runs across the clusters instead of
# along the gaps between them: the top of the middle cluster is nearer the
# green centre than the true mean of its own long cluster (printed below).
# The mixture's tilted ellipses fit the three clusters, and its labels match
# the truth exactly. Restarts do not rescue K-means: the panel already shows the
# best of ten runs, the one with the lowest inertia. The wrong split *is*
# what K-means is looking for: the printout above shows that its clusters have
# a smaller sum of squared distances $J$ (1049.8) than the true clusters
# around their own means (1321.5).
#
# Bottom row: K-means' two small clusters (orange, green) swallow the right
# edge of the wide blue one, because the border between blue and orange lies
# halfway between their centres, and the wide cluster spreads well past
# halfway. The mixture knows that blue is wide and frequent and the others
# are narrow and rare, and draws its borders close around the small clusters.
# The distances behind the top row, and the count of blue points given away
# in the bottom row:

# %%
Xs0, zs0 = data_sets["stretched"]
top = np.flatnonzero(zs0 == 1)[np.argmax(Xs0[zs0 == 1, 1])]   # the highest point of the middle cluster
middle_mean = Xs0[zs0 == 1].mean(axis=0)
print(f"top of the middle cluster {Xs0[top].round(2)}: "
      f"{np.linalg.norm(Xs0[top] - middle_mean):.2f} from its cluster's true mean, "
      f"{np.linalg.norm(Xs0[top] - fits['stretched']['km_centres'][2]):.2f} from the green centre")

Xu, zu = data_sets["unequal"]
f = fits["unequal"]
for model, labels_u in (("K-means", f["km_labels"]), ("mixture", gmmlib.predict(Xu, f["gmm"]))):
    lost = np.sum((zu == 0) & (labels_u != 0))
    print(f"{model:8s}: {lost:3d} of the {np.sum(zu == 0)} points of the wide cluster go to a small one")

# %% [markdown]
# ## 4. Hard labels against probabilities at the border
#
# K-means gives each point one label and says nothing about how sure it is.
# A mixture gives probabilities, `gmmlib.predict_proba`, and they are most
# useful exactly where clusters meet. Here are the six points of the unequal
# data about which the fitted mixture is least sure, with the clusters named
# as in the figure: blue is the wide one, orange the upper small one, green the
# lower small one.

# %%
names = np.array(["wide", "upper", "lower"])      # clusters 0, 1, 2: blue, orange, green
proba = gmmlib.predict_proba(Xu, f["gmm"])
unsure = np.argsort(proba.max(axis=1))[:6]
table = pd.DataFrame({"x1": Xu[unsure, 0], "x2": Xu[unsure, 1], "true": names[zu[unsure]],
                      "K-means": names[f["km_labels"][unsure]],
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
# the fair comparison). The difference is that only the mixture warns you
# which labels to doubt. Such probabilities can be
# carried into the next step of an analysis (flag the unsure points, weight
# them) instead of being thrown away.
#
# ## 5. K-means as a limit of the mixture
#
# Section 3 said that the most responsible component is the one with the
# nearest mean when the components are round, share one variance and weigh
# the same. Take that mixture, with components $\mathcal N(c_k, \sigma^2 I)$
# and weights $1/K$, and **hold $\sigma$ and the weights fixed**: the only
# parameters EM may change are the centres $c_k$. Its responsibilities are
#
# $$r_{ik} = \frac{\frac1K (2\pi\sigma^2)^{-D/2} \exp\!\left(-\lVert x_i - c_k\rVert^2 / (2\sigma^2)\right)}
#                 {\sum_j \frac1K (2\pi\sigma^2)^{-D/2} \exp\!\left(-\lVert x_i - c_j\rVert^2 / (2\sigma^2)\right)}
#          = \frac{\exp\!\left(-\lVert x_i - c_k\rVert^2 / (2\sigma^2)\right)}
#                 {\sum_j \exp\!\left(-\lVert x_i - c_j\rVert^2 / (2\sigma^2)\right)}:$$
#
# the weight $1/K$ and the normalising constant $(2\pi\sigma^2)^{-D/2}$ are the
# same for every component, so they cancel, and only the squared distances are
# left, divided by $2\sigma^2$. As $\sigma$ shrinks, the nearest centre's term
# dwarfs all others, and each row of $r$ tends to 1 at the nearest centre and 0
# elsewhere: K-means' assignment. `gmmlib.lloyd.soft_assign(X, centres, sigma)`
# computes these responsibilities (in log space). Here they are for the final
# K-means centres of section 1 (`km.centres`), under four values of $\sigma$:

# %%
sigmas = [3.0, 1.0, 0.3, 0.1]
fig, axes = plt.subplots(1, 4, figsize=(16, 4.6), layout="constrained")
for ax, sigma in zip(axes, sigmas):
    plot_soft_assignments(ax, X, km.centres, sigma, point_size=12)
plt.show()

# %% [markdown]
# Each title gives the share of points whose largest responsibility exceeds
# 0.99; the circles have radius $\sigma$. At $\sigma = 3$ the circles cover
# the data and every point is a blend; at $\sigma = 1$ the colours separate
# but the borders are wide bands of blends; at $\sigma = 0.1$ every point has
# a responsibility above 0.99, and the picture is K-means' picture.
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
#
# The M-step turns hard too. EM's mean update $\mu_k = \sum_i r_{ik} x_i / \sum_i r_{ik}$
# with these responsibilities becomes the K-means move as $\sigma$ shrinks. We
# go back to the *starting* centres of section 1 (`centres`) and compare EM's
# mean update from them with K-means' first move (`km.history[1]`), for
# decreasing $\sigma$:

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
# not the final ones); at $\sigma = 0.01$ the two agree to many decimals:

# %%
r = soft_assign(X, centres, 0.01)
em_means = (r.T @ X) / r.sum(axis=0)[:, None]
print("EM mean update (sigma = 0.01)   K-means move")
for k in range(3):
    print(f"  ({em_means[k, 0]:7.4f}, {em_means[k, 1]:7.4f})          ({kmeans_move[k, 0]:7.4f}, {kmeans_move[k, 1]:7.4f})")
print("agree to 1e-9:", np.abs(em_means - kmeans_move).max() < 1e-9)

# %% [markdown]
# Not only one update agrees: run this fixed-$\sigma$ EM, which updates the
# centres alone, from the same start until the centres stop moving, and it
# ends exactly where K-means ended.

# %%
c = centres.copy()
for iteration in range(1, 101):
    r = soft_assign(X, c, 0.01)                     # E-step with sigma and the weights fixed
    c_new = (r.T @ X) / r.sum(axis=0)[:, None]      # M-step for the centres only
    if np.abs(c_new - c).max() < 1e-12:
        break
    c = c_new
print(f"fixed-sigma EM stopped after {iteration} iterations")
print("same final centres as K-means (to 1e-9):", np.abs(c - km.centres).max() < 1e-9)

# %% [markdown]
# **Do the weights matter?** The cancellation above used equal weights. With
# weights $\pi_k$ each exponent keeps a term $\log \pi_k$ beside
# $-\lVert x_i - c_k\rVert^2 / (2\sigma^2)$, and the border between components
# $j$ and $k$ leaves the bisector: it moves towards the lighter component, by
# $\sigma^2 \lvert\log(\pi_j/\pi_k)\rvert / \lVert c_j - c_k \rVert$. At a real
# $\sigma$ that is a real shift, so there equal weights are what makes the
# nearest centre win. But the shift shrinks like $\sigma^2$, and in the limit
# the weights drop out. The same comparison with weights $(0.7, 0.2, 0.1)$, using
# gmmlib's own E-step on a mixture with covariances $\sigma^2 I$. To check the
# formula, we also find the border itself: the point where $r_{i0} = r_{i1}$ on
# the segment from centre 0 to centre 1, written as the midpoint plus $t$
# times the unit vector towards centre 1 ($t > 0$: towards centre 1, the
# lighter of the two).

# %%
from scipy.optimize import brentq

skewed = np.array([0.7, 0.2, 0.1])
gap_01 = np.linalg.norm(centres[1] - centres[0])
towards_1 = (centres[1] - centres[0]) / gap_01          # unit vector from centre 0 to centre 1
midpoint = (centres[0] + centres[1]) / 2


def r0_minus_r1(t, params):
    """r_0 - r_1 at the point midpoint + t * towards_1."""
    r = gmmlib.e_step((midpoint + t * towards_1)[None, :], params)
    return r[0, 0] - r[0, 1]


for sigma in (1.0, 0.1, 0.01):
    params = gmmlib.GMMParams(skewed, centres, [sigma**2 * np.eye(2)] * 3)
    r = gmmlib.e_step(X, params)
    em_means = (r.T @ X) / r.sum(axis=0)[:, None]
    border = brentq(r0_minus_r1, -gap_01 / 2, gap_01 / 2, args=(params,), xtol=1e-12)
    formula = sigma**2 * np.log(skewed[0] / skewed[1]) / gap_01
    print(f"sigma = {sigma:4}: border at t = {border:+.6f} (formula {formula:+.6f}),  "
          f"largest |EM mean - K-means move| {np.abs(em_means - kmeans_move).max():.2e}")

# %% [markdown]
# So K-means is EM for a mixture of round components that share one variance,
# with that variance held fixed and taken to zero and the weights held fixed
# (in the limit, their values no longer matter). Full EM lets go of each
# restriction: it estimates a covariance per component, so clusters may be
# stretched (section 3, top) or of different spread (section 3, bottom), and it
# estimates the weights, which at any real spread move the borders towards the
# rarer clusters. That is why it survives where K-means fails.
#
# ## 6. K-means as a starting point for EM
#
# K-means is cheap, and its answer is often roughly right. That makes it a
# popular start for EM (scikit-learn's `GaussianMixture` starts from K-means by
# default). Turning K-means clusters into mixture parameters is one M-step
# with K-means' hard responsibilities ($r_{ik} = 1$ if point $i$ is in cluster
# $k$, else 0): the weights become the cluster fractions $N_k / N$, the means
# the cluster means (K-means' final centres), the covariances the
# within-cluster covariances, plus the small `reg_covar` that `gmmlib.m_step`
# adds to the diagonal at every M-step.

# %%
def params_from_kmeans(X, result):
    """GMMParams from K-means clusters: one M-step with one-hot responsibilities."""
    K = result.centres.shape[0]
    hard = np.eye(K)[result.labels]          # r_ik = 1 if z_i = k, else 0; shape (N, K)
    return gmmlib.m_step(X, hard)


km_u = gmmlib.kmeans(Xu, 3, seed=0)
start_u = params_from_kmeans(Xu, km_u)
print("weights = cluster fractions:", start_u.weights, "  cluster sizes:", np.bincount(km_u.labels))
print("means = K-means' centres:", np.abs(start_u.means - km_u.centres).max() < 1e-12)

# %% [markdown]
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
fig, ax = plt.subplots(figsize=(8, 3.8))
for start_name, style in (("default", "-"), ("K-means", "--")):
    ax.plot(runs["stretched", start_name].log_likelihoods, style, color="black",
            label=f"{start_name} start")
ax.set_xlabel("EM iteration")
ax.set_ylabel("log-likelihood")
ax.set_title("EM on the stretched clusters from two starts")
ax.legend()
ax.grid(alpha=0.3)
plt.show()
on_plateau = runs["stretched", "default"].history[50]        # the default run's parameters at iteration 50
print(f"default start, iteration 50: ARI {adjusted_rand_score(zs0, gmmlib.predict(Xs0, on_plateau)):.4f}")

# %% [markdown]
# Both runs pass over the same plateau near $-1627$, where the mixture holds
# a wrong split much like K-means' in section 3 (ARI about 0.52 at iteration
# 50): lesson 01's plateau again. From the
# default start EM climbs onto it within about 10 iterations and then creeps
# along it for some 80 more before it finds the way up to $-1418.25$ (with
# `gmmlib.fit`'s default cap of 100 iterations it would have stopped on the
# way up, short of the answer). The K-means start puts EM on the plateau
# at once, and EM leaves it after about 15 iterations.
#
# That is not a guarantee. When K-means' answer is wrong in the way of
# section 3, EM starts inside K-means' mistake and must climb out of it, and
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
# of section 3). The default start finds the right clusters (ARI 1,
# log-likelihood $-1450.06$) from five seeds of six. The K-means start finds
# them from only three: from seeds 2, 4 and 5 EM climbs out of K-means'
# mistake, from seeds 0, 1 and 3 it stays near K-means' wrong split, with an
# ARI near 0.52 and a log-likelihood about 170 lower.
#
# The remedy of lesson 02 applies to both starts: several starts, keeping the
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
# - K-means alternates **assign** (each point to its nearest centre) and **move** (each centre to the mean of its points): EM's two steps with 0/1 responsibilities and only means to estimate. Its inertia never goes up, and it stops exactly when no label changes.
# - Nearest-centre assignment assumes round clusters of **equal spread and equal weight**; borders are the perpendicular bisectors between centres. Stretched clusters, or clusters of different spread and weight, break it, and restarts do not help because the wrong split has the lower inertia; a mixture with full covariances and weights does not break.
# - A mixture's `predict_proba` says how sure each assignment is; K-means' labels hide the doubt about points between clusters.
# - K-means is the limit of EM for components $\mathcal N(c_k, \sigma^2 I)$ with the weights and $\sigma$ held fixed and $\sigma \to 0$: the responsibilities harden, the mean update becomes the K-means move, and the whole run ends at K-means' centres. In the limit the weights no longer matter; at a real $\sigma$ they shift the borders.
# - K-means clusters give a start for EM: one M-step with the hard responsibilities (fractions, centres, within-cluster covariances + `reg_covar`). It often saves iterations, but it can also hand EM K-means' mistakes: run it from several seeds and keep the best fit.
#
# ## Where next
#
# Lesson 05 moves to scikit-learn's `GaussianMixture`, which starts from
# K-means by default and whose covariance types (full, tied, diagonal,
# spherical) sit between the K-means model of section 5 and the full mixture.
# For the theory, see section 9.3.2 of Bishop's *Pattern Recognition and
# Machine Learning*, on K-means as a limit of EM.
