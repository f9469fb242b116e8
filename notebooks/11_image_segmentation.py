# %% [markdown]
# # Lesson 11: Segmenting an image with a mixture
#
# **What you will do.** Treat the pixels of a photograph as data and fit
# Gaussian mixtures to their colours, first to one channel, then to all
# three: each component becomes a segment of the picture. You will ask BIC
# how many segments there should be (and see why its answer is not the one
# you want), and compare the mixture with K-means colour quantisation. Two
# exercises check your code: the segmented picture, and BIC.
#
# **What you will learn.**
# - how an image becomes an $N \times 3$ data matrix, and back;
# - how a mixture on colours segments a picture, and the responsibilities as pictures;
# - why BIC keeps asking for more components on pixels: they are not independent draws from a mixture;
# - how a mixture's segments differ from K-means' colour quantisation.
#
# **What you need.** Lessons 01 and 03 (EM in one and several dimensions),
# 04 (several starts), 07 (K-means) and 09-10 (counting parameters, BIC);
# numpy's `reshape`.
#
# **Time.** About 45 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from sklearn.datasets import load_sample_image

import gmmlib
from gmmlib.components import canonical
from gmmlib.plotting import component_colors, plot_mixture_1d, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)


def show(ax, picture, title, frame=None, **imshow_kw):
    """Draw a picture of shape (height, width) or (height, width, 3) without ticks,
    framed in the colour `frame` if one is given."""
    ax.imshow(picture, interpolation="nearest", **imshow_kw)
    ax.set_title(title)
    ax.set(xticks=[], yticks=[])
    for spine in ax.spines.values():
        spine.set(visible=frame is not None, color=frame, linewidth=5)


def swatches(*colours):
    """A legend entry of squares in the given colours, side by side."""
    return tuple(Line2D([], [], marker="s", ms=15, ls="none", color=c, markeredgecolor="black")
                 for c in colours)

# %% [markdown]
# ## 1. A picture as data
#
# scikit-learn ships two photographs inside its package, so nothing is
# downloaded. We take the flower: an array of shape (height, width, 3)
# holding, for each pixel, its red, green and blue intensities, whole
# numbers from 0 to 255.

# %%
photo = load_sample_image("flower.jpg")
assert photo.shape[0] * photo.shape[1] == 273_280
print("shape:", photo.shape, " dtype:", photo.dtype, " values from", photo.min(), "to", photo.max())

# %% [markdown]
# That is $427 \times 640 = 273\,280$ pixels. To keep every fit to seconds,
# each pixel of a small picture is the **average** of a $4 \times 4$ block
# of the photograph (the last 3 rows, which fill no block, are dropped);
# dividing by 255 puts every intensity in $[0, 1]$. The `reshape` cuts the
# photograph into blocks: axis 1 is the row inside a block, axis 3 the
# column, and the mean is taken over both.

# %%
block = 4
height, width = photo.shape[0] // block, photo.shape[1] // block
assert photo.shape[0] - height * block == 3                 # rows dropped
blocks = photo[:height * block, :width * block].reshape(height, block, width, block, 3)
small = blocks.mean(axis=(1, 3)) / 255        # axes 1 and 3: the row and column inside a block

fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
axes[0].imshow(photo)
axes[0].set_title(f"the photograph, {photo.shape[0]} × {photo.shape[1]} pixels")
axes[1].imshow(small, interpolation="nearest")
axes[1].set_title(f"4 × 4 blocks averaged: {height} × {width} pixels")
for ax in axes:
    ax.set(xlabel="column", ylabel="row")
plt.show()

# %% [markdown]
# An orange flower with a red heart, on a dark, blurred background of
# leaves. Now the picture becomes data: `reshape` reads it row by row into a
# matrix $X$ with one row per pixel, $x_i = (r_i, g_i, b_i)$, and $D = 3$
# columns; `X.reshape(height, width, 3)` turns it back.

# %%
X = small.reshape(-1, 3)                      # one row per pixel: (r, g, b)
N = X.shape[0]
assert N == 16_960
print(f"small picture: {small.shape}  ->  X: {X.shape}")
print("and back:", np.array_equal(X.reshape(height, width, 3), small))

# %% [markdown]
# ## 2. One channel: a histogram and a 1-D mixture
#
# Start as lesson 01 did, with numbers on a line: the green intensity $g_i$
# of every pixel (the background has almost no red; section 4 comes back to
# that). Two components, numbered left to right by `canonical`, and each
# pixel, in its place, in the colour of its more probable component:

# %%
green = X[:, 1]
p_green = canonical(gmmlib.fit(green, 2, seed=0)).params
green_labels = gmmlib.predict(green, p_green)
print("weights π_k:", p_green.weights, "  means μ_k:", p_green.means.ravel(),
      "  sds σ_k:", np.sqrt(p_green.covariances.ravel()))
assert np.round(p_green.weights, 2).tolist() == [0.82, 0.18]
assert round(p_green.means[0, 0], 2) == 0.22
assert round(p_green.means[1, 0], 3) == 0.605
assert np.round(np.sqrt(p_green.covariances.ravel()), 2).tolist() == [0.09, 0.09]

fig, axes = plt.subplots(1, 2, figsize=(14, 4.8), layout="constrained",
                         gridspec_kw={"width_ratios": [1.1, 1]})
plot_mixture_1d(axes[0], p_green, data=green, bins=60)
axes[0].set_xlabel("green intensity $g_i$")
axes[0].set_title("the green channel: histogram and a 2-component mixture")
axes[0].legend(loc="upper right")
show(axes[1], component_colors(2)[green_labels].reshape(height, width, 3),
     "each pixel coloured by its component")
plt.show()

# %% [markdown]
# Two bumps: the dark background (blue, weight 0.82, mean green 0.22) and
# the bright flower (orange, weight 0.18, mean 0.605), both with
# $\sigma_k \approx 0.09$. But most of the red heart, and the shadows
# between the petals, have as little green as the leaves, and join the
# background. One channel cannot tell apart two colours with the same
# green, so we use all three.

# %% [markdown]
# ## 3. Pixels as points in colour space
#
# Each pixel is a point $x_i = (r_i, g_i, b_i)$ in the unit cube. Here are
# 4 000 of them (a seeded random choice), each in its own colour, seen from
# two sides:

# %%
shown = np.random.default_rng(0).choice(N, 4000, replace=False)
channel = ["red $r_i$", "green $g_i$", "blue $b_i$"]
fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained")
for ax, (a, b) in zip(axes, [(0, 1), (1, 2)]):
    ax.scatter(X[shown, a], X[shown, b], c=X[shown], s=8)
    ax.set(xlabel=channel[a], ylabel=channel[b], xlim=(-0.03, 1.03), ylim=(-0.03, 1.03),
           aspect="equal")
axes[0].set_title("green against red (blue ignored)")
axes[1].set_title("blue against green (red ignored)")
axes[0].annotate("background:\nred ≈ 0", xy=(0.01, 0.3), xytext=(0.2, 0.72), fontsize=13,
                 arrowprops={"arrowstyle": "->", "lw": 2})
plt.show()

# %% [markdown]
# The background is a dense cloud of blue-greens and near-blacks pressed
# against the wall $r = 0$; the flower is a long, curved cloud from deep red
# (its heart) to pale orange; a thin trail of in-between colours joins
# them, among them the pixels at the flower's edge, whose blocks held some
# flower and some background.
#
# We fit full-covariance mixtures with $K = 1$ to 10 to all
# $N = 16\,960$ points. EM ends at a local optimum that depends on its start
# (lesson 04), so each fit keeps the best of three seeded k-means++ starts
# (`n_init=3`; more would be safer, but this cell already takes several
# seconds). `canonical` numbers the components by the red of their means.

# %%
fits = {K: canonical(gmmlib.fit(X, K, seed=0, n_init=3, max_iter=1000)) for K in range(1, 11)}
per_pixel = {K: fits[K].log_likelihoods[-1] / N for K in fits}             # the best start
worst = {K: fits[K].start_log_likelihoods.min() / N for K in fits}
assert all(f.converged for f in fits.values())
assert all(per_pixel[K] - worst[K] > 0.0005 for K in range(3, 11))        # starts disagree
assert round(worst[5], 3) == 5.054
assert round(per_pixel[5], 3) == 5.093
assert round(per_pixel[1], 2) == 2.06
assert round(per_pixel[2], 2) == 4.04
assert per_pixel[7] - per_pixel[6] > per_pixel[6] - per_pixel[5]
assert round(per_pixel[10], 2) == 5.30
pd.DataFrame({"iterations": [fits[K].n_iter for K in fits],
              "log-likelihood per pixel": per_pixel.values(),
              "worst of the 3 starts": worst.values()},
             index=pd.Index(list(fits), name="K"))

# %% [markdown]
# Every fit converged, but from $K = 3$ on the starts never all agree: for
# $K = 5$, two end at 5.054 per pixel and one at 5.093, a different fit. A
# single start would have been a gamble. (A positive log-likelihood: these
# tight colour clouds have densities above 1, lesson 05.) Per pixel it
# rises from 2.06 to 4.04 with the second component, then by smaller steps,
# not always shrinking (6 → 7 gains more than 5 → 6), to 5.30 with ten.
#
# We look closely at $K = 5$; its components get the course's colours (new
# components, new colours: orange is no longer the flower):

# %%
K = 5
params = fits[K].params
colors = component_colors(K)
names = [f"{k} ({c})" for k, c in enumerate(["blue", "orange", "green", "red", "purple"])]
red = params.means[:, 0]
assert red[:2].max() < 0.05
assert round(red[2], 2) == 0.08
assert red[3:].min() > 0.6
pd.DataFrame({"weight π_k": params.weights, "red": params.means[:, 0],
              "green": params.means[:, 1], "blue": params.means[:, 2]},
             index=pd.Index(names, name="component"))

# %% [markdown]
# Components 0 and 1, with almost no red, are the background, blue-green
# and dark; 3 and 4 the red heart and the orange petals; 2, a drab olive
# with a little red (0.08), sits between. The responsibilities $r_{ik}$
# form an $N \times K$ matrix, and a **segmentation** gives each pixel to
# its most responsible component.

# %% [markdown]
# ### Exercise 1: the segmented picture
#
# Write `segment(resp, means, height, width)`. `resp` has shape (N, K) with
# $N$ = `height * width`, one row per pixel in row-major order (pixel $i$ at
# row `i // width`, column `i % width`); `means` has shape (K, 3), the
# components' mean colours. Return two arrays:
# - `labels`, shape (height, width): each pixel's most responsible component, $\arg\max_k r_{ik}$;
# - `image`, shape (height, width, 3): each pixel in the mean colour of that component.
#
# Hint: `resp.argmax(axis=1)` gives the $N$ labels; indexing `means` with an
# array of labels picks one row per label.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_segment


def segment(resp, means, height, width):
    """Labels (height, width) and the picture (height, width, 3) in the components' mean colours."""
    ...


# %%
check_segment(segment)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def segment(resp, means, height, width):
    """Labels (height, width) and the picture (height, width, 3) in the components' mean colours."""
    labels = resp.argmax(axis=1).reshape(height, width)   # the most responsible component
    return labels, means[labels]                         # means[labels] has shape (height, width, 3)


check_segment(segment)

# %% [markdown]
# The segmentations with $K = 2$ and $K = 5$. The dark mean colours look
# alike, so the last panel repeats $K = 5$ in the course's colours, and the
# legend pairs the two:

# %%
resp = gmmlib.e_step(X, params)                       # r_ik, shape (N, K)
labels, image = segment(resp, params.means, height, width)
labels_2, image_2 = segment(gmmlib.e_step(X, fits[2].params), fits[2].params.means, height, width)

fig, axes = plt.subplots(2, 2, figsize=(13, 9.4), layout="constrained")
show(axes[0, 0], small, "the picture")
show(axes[0, 1], image_2, "K = 2: each pixel in its component's mean colour")
show(axes[1, 0], image, "K = 5: each pixel in its component's mean colour")
show(axes[1, 1], colors[labels], "K = 5: each pixel in its component's colour")
fig.legend([swatches(params.means[k], colors[k]) for k in range(K)], names, ncols=K,
           handler_map={tuple: HandlerTuple(ndivide=None)}, loc="outside lower center",
           title="K = 5: component (mean colour, component colour)")
plt.show()
heart = labels == 3
flower_3 = np.mean(labels_2[heart] == 1)                          # K = 2 on three colours
flower_g = np.mean(green_labels.reshape(height, width)[heart] == 1)  # the green channel
assert flower_3 == 1
assert round(1 - flower_g, 2) == 0.74
print(f"pixels of the heart that go with the flower: {flower_3:.0%} with K = 2 on three colours, "
      f"{flower_g:.0%} on the green channel alone")

# %% [markdown]
# With $K = 2$ the mixture separates the flower (with dusky patches above
# and below it) from the background, like the green channel, but with the
# difference that three colours make: every pixel of the heart (component 3
# of $K = 5$) goes with the flower, where green alone put 74% of them in the
# background. With $K = 5$ the background splits into blue-green (0) and
# dark (1) leaves; the heart (3) and the petals (4) are the flower;
# component 2 (green) takes the in-between colours: a rim around the
# flower, one or two pixels wide, and patches of mid-dark leaves.
#
# The responsibilities are pictures too: $r_{ik}$ for one $k$ is a number
# in $[0, 1]$ per pixel (white is 1, black 0). Here are the five of $K = 5$,
# and the mixture's doubt, $1 - \max_k r_{ik}$: 0 where one component takes
# the pixel whole, up to $1 - 1/K$.

# %%
fig, axes = plt.subplots(2, 3, figsize=(15, 7.2), layout="constrained")
for k, ax in enumerate(axes.flat[:K]):
    show(ax, resp[:, k].reshape(height, width), f"$r_{{i{k}}}$: component {names[k]}",
         frame=colors[k], cmap="gray", vmin=0, vmax=1)
fig.colorbar(axes.flat[0].images[0], ax=axes[0, 2], label="$r_{ik}$ (first five panels)")
show(axes.flat[K], 1 - resp.max(axis=1).reshape(height, width),
     r"doubt $1 - \max_k r_{ik}$", cmap="magma", vmin=0, vmax=0.5)
fig.colorbar(axes.flat[K].images[0], ax=axes[1, 2], label="doubt", extend="max")
plt.show()
unsure = np.mean(resp.max(axis=1) < 0.9)
assert round(unsure, 3) == 0.105
print(f"pixels whose largest responsibility is below 0.9: {unsure:.1%}")

# %% [markdown]
# Most pixels are black or white: the mixture is sure. The doubt lies
# where one region turns into another, along the petals' outlines and the
# borders between shades of leaves; only 10.5% of the pixels have a largest
# responsibility below 0.9. A hard segmentation hides this doubt; the
# responsibilities keep it, for example to blend borders smoothly.

# %% [markdown]
# ## 4. How many segments? BIC on pixels
#
# Lesson 10 chose $K$ by BIC, $\mathrm{BIC} = -2\ell + p \log N$ (lower is
# better), with $\ell$ the total log-likelihood and $p$ the number of free
# parameters. Lesson 09 counted $p$ for full covariances: $K - 1$ weights,
# $KD$ means and $K \cdot D(D+1)/2$ covariance entries.

# %% [markdown]
# ### Exercise 2: BIC for a full-covariance mixture
#
# Write `bic_full(log_likelihood, n_components, n_features, n_samples)`
# returning the float $\mathrm{BIC} = -2\ell + p \log N$ for a mixture of
# $K$ = `n_components` Gaussians with full covariances in $D$ = `n_features`
# dimensions, fitted to $N$ = `n_samples` points, with total log-likelihood
# $\ell$ = `log_likelihood`. Count $p$ yourself.
# Hint: a symmetric $D \times D$ matrix has $D(D+1)/2$ free entries.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_bic_full


def bic_full(log_likelihood, n_components, n_features, n_samples):
    """BIC of a full-covariance mixture from its total log-likelihood, K, D and N (a float)."""
    ...


# %%
check_bic_full(bic_full)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def bic_full(log_likelihood, n_components, n_features, n_samples):
    """BIC of a full-covariance mixture from its total log-likelihood, K, D and N (a float)."""
    K, D = n_components, n_features
    p = (K - 1) + K * D + K * D * (D + 1) // 2       # weights, means, covariances
    return -2 * log_likelihood + p * np.log(n_samples)


check_bic_full(bic_full)

# %% [markdown]
# In $D = 3$ each component costs $1 + 3 + 6 = 10$ parameters, so one more
# adds $10 \log N = 97$ to the penalty: BIC falls if it raises $2\ell$ by
# more than that. The BIC of every fit, from your function, and each added
# component's gain against that cost (on a log scale, so the late gains
# show):

# %%
bics = pd.Series({k_: bic_full(fits[k_].log_likelihoods[-1], k_, 3, N) for k_ in fits})
assert all(np.isclose(bics[k_], gmmlib.bic(X, fits[k_].params)) for k_ in fits)
steps = [f"{k_} → {k_ + 1}" for k_ in range(1, 10)]
gain_2l = 2 * N * np.diff(list(per_pixel.values()))        # 2ℓ(K + 1) − 2ℓ(K)
cost = 10 * np.log(N)
assert round(cost) == 97

fig, axes = plt.subplots(1, 2, figsize=(14, 4.8), layout="constrained")
axes[0].plot(bics.index, bics.values, "o-", color="black", lw=2)
axes[0].set(xlabel="number of components K", ylabel="BIC", title="BIC on 16 960 pixels (lower is better)")
axes[1].bar(steps, gain_2l, color="0.6", label="gain in $2\\ell$")
axes[1].axhline(cost, color="black", ls="--", lw=2, label=f"cost $10 \\log N$ = {cost:.0f}")
axes[1].set(yscale="log", xlabel="added component", ylabel="BIC units (log scale)",
            title="each added component: gain against cost")
axes[1].legend()
for ax in axes:
    ax.grid(alpha=0.3)
plt.show()
assert np.all(gain_2l > cost)                                   # every gain beats the cost
assert np.all(np.diff(bics) < 0)                                # so BIC falls at every step
assert bics.idxmin() == 10
assert round(bics[9] - bics[10], -2) == 500

# %% [markdown]
# Every gain beats the cost: BIC falls at every step, even by about 500
# from 9 to 10, and picks $K = 10$, the largest we tried. Yet no one sees
# ten kinds of region in this flower. BIC asks which mixture best describes
# the colours as **independent draws from a mixture of Gaussians**, and
# pixels are neither. Three things push it to more components.
#
# **The penalty grows like $\log N$, the evidence like $N$.** A gain in
# $\ell$ is roughly a fixed amount per pixel, so $2N \times \text{(gain per
# pixel)}$ overtakes $10 \log N$ once $N$ is large enough. For each step,
# the gain per pixel and the $N$ from which on it would pay (if the gain per
# pixel stayed the same):

# %%
n_grid = np.arange(1, 10**6)                           # numbers of pixels


def pays_from(gain):
    """The smallest N from which on 2 N gain > 10 log N, for every larger N too."""
    fails = 2 * n_grid * gain <= 10 * np.log(n_grid)
    return int(n_grid[fails].max()) + 1 if fails.any() else 1


table = pd.DataFrame({"gain per pixel": gain_2l / (2 * N),
                      "pays from N =": [pays_from(g) for g in gain_2l / (2 * N)]},
                     index=pd.Index(steps, name="step"))
assert table["gain per pixel"].idxmin() == "9 → 10"
assert round(table["gain per pixel"].min(), 3) == 0.018
assert round(table["pays from N ="].max(), -2) == 2200
assert table.loc["1 → 2", "pays from N ="] == 1
table

# %% [markdown]
# The smallest gain, from 9 to 10, is 0.018 per pixel (in natural-log
# units, like every log-likelihood in the course); it pays from about
# 2 200 pixels on, and we have 16 960. But the number of pixels is a choice
# of the camera, not of the flower: a finer picture would have more pixels,
# hardly more to say about the colours, and BIC would ask for more
# components still.

# %% [markdown]
# **Pixels are not independent.** BIC's $\ell$ adds one term per pixel, as
# if each were a new, independent draw. But a pixel looks like its
# neighbours. Were the pixels independent, so would be their labels, and a
# pixel and its right-hand neighbour would share a label with probability
# $\sum_k q_k^2$, where $q_k$ is the share of the pixels with label $k$:

# %%
same_right = np.mean(labels[:, 1:] == labels[:, :-1])          # each pixel and its right neighbour
same_below = np.mean(labels[1:, :] == labels[:-1, :])          # ... and the one below it
shares = np.bincount(labels.ravel(), minlength=K) / N             # q_k
red_corr = np.corrcoef(small[:, 1:, 0].ravel(), small[:, :-1, 0].ravel())[0, 1]
assert round(same_right, 2) == 0.90
assert round(same_below, 2) == 0.90
assert round(np.sum(shares ** 2), 2) == 0.26
assert round(red_corr, 3) == 0.984
print(f"same label as the right neighbour: {same_right:.1%}, as the one below: {same_below:.1%}")
print(f"if the pixels were independent draws: sum of q_k² = {np.sum(shares ** 2):.1%}")
print(f"correlation of the red of neighbouring pixels: {red_corr:.3f}")

# %% [markdown]
# Neighbours share their label 90% of the time, against 26% for
# independent draws, and their red intensities correlate at 0.984. Much of
# what the $N$ terms of $\ell$ report is the same evidence counted again:
# BIC's penalty, made for $N$ independent points, is too weak.
#
# **The colours are not a mixture of Gaussians.** A Gaussian has tails on
# every side, but an intensity cannot go below 0: a quarter of the
# photograph's pixels have red exactly 0, and 45.5% of the small picture's
# less than 0.01. The mixture answers with a component squeezed flat
# against that wall. Below, the standard deviations of each component along
# its principal axes (square roots of the eigenvalues of $\Sigma_k$,
# lesson 03), the direction of the thinnest, and the same fit run on with a
# smaller floor `reg_covar` (lesson 06):

# %%
sds = np.sqrt(np.linalg.eigvalsh(params.covariances))             # ascending, shape (K, 3)
thinnest = np.linalg.eigh(params.covariances)[1][:, :, 0]         # its eigenvector, per component
thinner = canonical(gmmlib.fit(X, K, init=params, reg_covar=1e-8, max_iter=1000))  # default 1e-6
thinner_sd = np.sqrt(np.linalg.eigvalsh(thinner.params.covariances)[0, 0])
assert round(np.mean(photo[..., 0] == 0), 2) == 0.25
assert round(np.mean(X[:, 0] < 0.01), 3) == 0.455
assert round(sds[0, 0], 4) == 0.0017
assert abs(thinnest[0, 0]) > 0.99                                      # along the red axis
assert round(sds[0, 2], 2) == 0.09
assert round(1e-6 / sds[0, 0] ** 2, 1) == 0.3                          # reg_covar's share of it
assert round(thinner_sd, 4) == 0.0012
assert round(thinner.log_likelihoods[-1] / N, 2) == 5.12
print(f"with reg_covar=1e-8: component 0's smallest sd {thinner_sd:.4f}, "
      f"log-likelihood per pixel {thinner.log_likelihoods[-1] / N:.4f} (was {per_pixel[K]:.4f})")
pd.DataFrame({"smallest sd": sds[:, 0], "middle sd": sds[:, 1], "largest sd": sds[:, 2],
              "thinnest direction (r, g, b)": [np.round(v * np.sign(v[np.argmax(abs(v))]), 2)
                                               for v in thinnest]},
             index=pd.Index(names, name="component"))

# %% [markdown]
# Component 0 is a pancake: its standard deviation is 0.0017 along the red
# axis and 0.09 along its longest. Part of that is ours: `reg_covar` adds
# $10^{-6}$ to every variance, about a third of this one. With $10^{-8}$ the
# pancake thins to 0.0012 and the log-likelihood per pixel rises from 5.09
# to 5.12: the likelihood rewards squeezing a
# component onto a wall of points (lesson 05). No Gaussian fits such a
# wall, nor the blends at the flower's edge, nor the smooth shading of the
# leaves, so more components always fit a little better, and with enough
# pixels a little better is enough for BIC.
#
# So choose $K$ for the purpose, and look at the pictures: $K = 2$
# separates the flower from the background, $K = 5$ adds the heart and the
# blends. (A held-out score, lesson 10, would not rescue us: with thousands
# of held-out pixels, more components describe them better too.)

# %% [markdown]
# ## 5. The mixture against K-means colour quantisation
#
# **Colour quantisation** repaints a picture with a few colours; the classic
# tool is K-means (lesson 07): each pixel takes its nearest centre's colour.
# We run `gmmlib.kmeans` with $K = 5$ and pair its clusters one to one with
# the mixture's components (`canonical` with the means as reference: the
# pairing with the smallest total squared distance), so that cluster $k$
# goes with component $k$:

# %%
km = canonical(gmmlib.kmeans(X, K, seed=0), params.means)
km_shares = np.bincount(km.labels, minlength=K) / N
gap = np.linalg.norm(km.centres - params.means, axis=1)          # each centre to its paired mean
assert round(km_shares[3], 3) == 0.083                          # the heart
assert round(shares[3], 3) == 0.083
assert np.round(km_shares[:3], 2).tolist() == [0.22, 0.21, 0.32]
assert round(shares[0], 2) == 0.39
assert round(shares[2], 2) == 0.10
assert gap.argmax() == 2
assert round(gap[2], 2) == 0.08
assert round(np.delete(gap, 2).max(), 2) == 0.07
print(f"K-means: converged {km.converged} after {km.n_iter} iterations")
pd.DataFrame({"K-means share": km_shares, "mixture share": shares,
              "K-means centre": [np.round(c, 3) for c in km.centres],
              "mixture mean": [np.round(m, 3) for m in params.means],
              "distance": gap},
             index=pd.Index(names, name="cluster / component"))

# %%
km_labels = km.labels.reshape(height, width)
fig, axes = plt.subplots(2, 3, figsize=(15, 7.8), layout="constrained")
show(axes[0, 0], small, "the picture")
show(axes[0, 1], km.centres[km_labels], "K-means: centre colours")
show(axes[0, 2], image, "mixture: mean colours")
show(axes[1, 0], km_labels != labels, "where they disagree (white)", cmap="gray")
show(axes[1, 1], colors[km_labels], "K-means: cluster colours")
show(axes[1, 2], colors[labels], "mixture: component colours")
fig.suptitle("K = 5: K-means colour quantisation against the mixture's segments", fontsize=16)
fig.legend([swatches(colors[k]) for k in range(K)], names, ncols=K, loc="outside lower center",
           title="cluster / component")
plt.show()
disagree = np.mean(km_labels != labels)
background = np.mean(labels[km_labels != labels] <= 2)     # of those, the mixture's 0, 1 or 2
assert round(disagree, 2) == 0.36
assert round(background, 2) == 0.90
print(f"pixels with different labels: {disagree:.1%}, of which {background:.1%} are in the "
      f"mixture's components 0, 1 or 2")

# %% [markdown]
# Both find the flower and its heart (8.3% of the pixels in each), yet they
# disagree on 36% of the pixels, 90% of them in the mixture's components 0,
# 1 and 2. Four of K-means' centres lie within 0.07 of their paired means;
# centre 2, 0.08 from the blends, sits in the background cloud. K-means
# cuts the background into three shades (22%, 21% and 32% of the pixels);
# the mixture makes one large blue-green component (39%) and spends
# component 2 on the few in-between colours (10%), the flower's rim among
# them. For K-means' squared error, a centre among many background pixels
# is worth more than one among a few blends.
#
# They play different games. K-means minimises the squared distance of each
# pixel to its colour, the **quantisation error**; the mixture maximises a
# likelihood. Each wins its own:

# %%
km_mixture = gmmlib.m_step(X, np.eye(K)[km.labels])     # K-means' clusters as a mixture (lesson 08)
quant_error = {"K-means": km.inertia / N,
               "mixture": np.mean(np.sum((X - params.means[labels.ravel()]) ** 2, axis=1))}
per_pixel_ll = {"K-means": gmmlib.log_likelihood(X, km_mixture) / N, "mixture": per_pixel[K]}
assert round(quant_error["K-means"], 4) == 0.0105
assert round(quant_error["mixture"], 4) == 0.0160
assert round(per_pixel_ll["K-means"], 2) == 3.87
assert round(per_pixel_ll["mixture"], 2) == 5.09
pd.DataFrame({"squared colour error per pixel": quant_error,
              "log-likelihood per pixel": per_pixel_ll})

# %% [markdown]
# K-means' colours are closer to the picture (error 0.0105 against 0.0160
# per pixel); the mixture describes the distribution of colours better
# (5.09 against 3.87 per pixel, K-means' clusters turned into a mixture
# with their own weights and covariances, as in lesson 08). The shapes make
# the difference: K-means' borders are planes halfway between centres,
# whatever the clouds look like; the mixture's components have covariances,
# as unlike as section 4's table shows: component 0 flat, the petals (4)
# long, the blends (2) wide.
#
# ## Summary
#
# - A picture of shape (height, width, 3) is a data matrix of $N$ = height × width rows, one colour per pixel; `reshape` goes there and back, row by row.
# - On one channel a mixture separates bright from dark; on three colours its components are the segments, and the responsibilities show where it is unsure (the borders). On pixels too, EM has local optima: fit from several starts.
# - BIC keeps asking for more components on pixels: its penalty grows like $\log N$, the evidence like $N$; neighbouring pixels repeat each other; and clipped intensities, shading and blends are not Gaussian. Choose $K$ for the purpose.
# - K-means minimises the colour error, with borders halfway between centres; a mixture, with weights and covariances, can spend a component on the blends at an edge, and it is soft where K-means is hard.
#
# ## Where next
#
# Lesson 12, EM at scale, fits all 273 280 pixels of scikit-learn's other photograph. The
# M-step needs the data only through sums over the points,
# $N_k = \sum_i r_{ik}$, $\sum_i r_{ik} x_i$ and $\sum_i r_{ik} x_i x_i^\top$,
# the **sufficient statistics**, and sums can be computed chunk by chunk,
# in parallel with Dask, or a mini-batch at a time.
