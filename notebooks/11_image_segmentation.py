# %% [markdown]
# # Lesson 11: Segmenting an image with a mixture
#
# **What you will do.** Take a photograph that scikit-learn ships, treat its
# pixels as data, and fit Gaussian mixtures to their colours: first to one
# colour channel, as in lesson 01, then to all three. Each component becomes a
# segment of the picture. You will draw the segments and the responsibilities
# as pictures, ask BIC how many segments there should be (and see why its
# answer is not the one you want), and compare the mixture with K-means colour
# quantisation. Two exercises check your own code: the segmented picture from
# the responsibilities, and BIC with the parameters counted by you.
#
# **What you will learn.**
# - how an image becomes an $N \times 3$ data matrix, and back;
# - how a mixture on colours segments a picture, and what the responsibilities look like as pictures;
# - why BIC keeps asking for more components on pixels: they are not independent draws from a mixture;
# - how a mixture's segments differ from K-means' colour quantisation: soft against hard, shaped against round.
#
# **What you need.** Lessons 01 and 03 (EM in one and several dimensions),
# lesson 07 (K-means as hard EM) and lessons 09-10 (counting parameters, BIC).
# numpy's `reshape`.
#
# **Time.** About 45 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from sklearn.datasets import load_sample_image

import gmmlib
from gmmlib.components import canonical
from gmmlib.plotting import (COMPONENT_COLORS, component_colors, plot_covariance_ellipses,
                             plot_mixture_1d, use_course_style)

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)


def show(ax, picture, title, **imshow_kw):
    """Draw a picture of shape (height, width) or (height, width, 3) without axes."""
    ax.imshow(picture, interpolation="nearest", **imshow_kw)
    ax.set_title(title)
    ax.set_axis_off()

# %% [markdown]
# ## 1. A picture as data
#
# scikit-learn ships two photographs inside its package, so nothing is
# downloaded. We take the flower. A colour picture is an array of shape
# (height, width, 3): for each pixel, its red, green and blue intensities,
# whole numbers from 0 to 255.

# %%
photo = load_sample_image("flower.jpg")
print("shape:", photo.shape, " dtype:", photo.dtype, " values from", photo.min(), "to", photo.max())

# %% [markdown]
# That is $427 \times 640 = 273\,280$ pixels. To keep every fit in this
# lesson to a few seconds, we shrink the picture four times in each
# direction: each pixel of the small picture is the **average** of a
# $4 \times 4$ block of the photograph (the last 3 rows, which do not fill a
# block, are dropped). Dividing by 255 puts every intensity in $[0, 1]$.
# Then `reshape` turns the picture into a data matrix $X$ with one row per
# pixel, $x_i = (r_i, g_i, b_i)$, and $D = 3$ columns. It reads the picture
# row by row: pixel $i$ is at row `i // width`, column `i % width`, and
# `X.reshape(height, width, 3)` turns $X$ back into the picture. (For the
# averaging, a second `reshape` cuts the photograph into blocks: axis 1 is
# the row inside a block, axis 3 the column, and the mean is taken over both.)

# %%
block = 4
height, width = photo.shape[0] // block, photo.shape[1] // block
blocks = photo[:height * block, :width * block].reshape(height, block, width, block, 3)
small = blocks.mean(axis=(1, 3)) / 255        # axes 1 and 3: the row and column inside a block
X = small.reshape(-1, 3)                      # one row per pixel: (r, g, b)
N = X.shape[0]
assert photo.shape[0] * photo.shape[1] == 273_280 and photo.shape[0] - height * block == 3
assert N == 16_960
print(f"small picture: {small.shape}, X: {X.shape}")
i = 5 * width + 7                             # the pixel at row 5, column 7
print("row-major order:", np.array_equal(X[i], small[5, 7]),
      "  and back:", np.array_equal(X.reshape(height, width, 3), small))

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
axes[0].imshow(photo)
axes[0].set_title(f"the photograph, {photo.shape[0]} × {photo.shape[1]} pixels")
axes[1].imshow(small, interpolation="nearest")
axes[1].set_title(f"4 × 4 blocks averaged: {height} × {width} pixels")
for ax in axes:
    ax.set_xlabel("column")
    ax.set_ylabel("row")
plt.show()

# %% [markdown]
# An orange flower with a red heart, on a dark, blurred background of leaves.
# The small picture keeps all of that, in 16 960 pixels instead of 273 280.

# %% [markdown]
# ## 2. One channel: a histogram and a 1-D mixture
#
# Start as lesson 01 did, with numbers on a line: the green intensity $g_i$
# of every pixel. (Green rather than red: the background has almost no red
# at all, which section 4 comes back to.) We fit a mixture of two
# components with `gmmlib.fit`, seeded, and number the components left to
# right, darkest first, with `canonical`, as in every lesson.

# %%
green = X[:, 1]
fit_green = canonical(gmmlib.fit(green, 2, seed=0))
p = fit_green.params
print(f"converged: {fit_green.converged} after {fit_green.n_iter} iterations")
print("weights π_k:", p.weights)
print("means μ_k:  ", p.means.ravel())
print("sds σ_k:    ", np.sqrt(p.covariances.ravel()))
assert np.allclose(p.weights, [0.82, 0.18], atol=0.005) and np.allclose(p.means.ravel(), [0.22, 0.605], atol=0.001)

# %% [markdown]
# Its two components over the histogram, and each pixel in the colour of its
# more probable component (`gmmlib.predict`), in its place in the picture:

# %%
colors_green = component_colors(2)
fig, axes = plt.subplots(1, 2, figsize=(14, 4.8), layout="constrained",
                         gridspec_kw={"width_ratios": [1.1, 1]})
plot_mixture_1d(axes[0], p, data=green, bins=60)
axes[0].set_xlabel("green intensity $g_i$")
axes[0].set_title("the green channel: histogram and a 2-component mixture")
axes[0].legend(loc="upper right")
show(axes[1], colors_green[gmmlib.predict(green, p)].reshape(height, width, 3),
     "each pixel coloured by its component")
plt.show()

# %% [markdown]
# Two bumps: the dark background (blue, weight 0.82, mean green 0.22) and
# the bright flower (orange, weight 0.18, mean 0.605), with the same spread,
# $\sigma_k \approx 0.09$. In the picture, component 1 is the flower and
# component 0 the background. One channel is enough to separate a bright
# object from a dark one, but not two colours with the same green: the red
# heart of the flower and the shadows between its petals have as little
# green as the leaves, and join the background. So we use all three channels.

# %% [markdown]
# ## 3. Pixels as points in colour space
#
# Each pixel is a point $x_i = (r_i, g_i, b_i)$ in the unit cube. Here are
# 4 000 of them, chosen at random (seeded), seen from two sides, each drawn
# in its own colour:

# %%
shown = np.random.default_rng(0).choice(N, 4000, replace=False)
fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained")
for ax, (a, b) in zip(axes, [(0, 1), (1, 2)]):
    ax.scatter(X[shown, a], X[shown, b], c=X[shown], s=8)
    ax.set_xlabel(["red $r_i$", "green $g_i$", "blue $b_i$"][a])
    ax.set_ylabel(["red $r_i$", "green $g_i$", "blue $b_i$"][b])
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_aspect("equal")
axes[0].set_title("pixels seen from the blue axis")
axes[1].set_title("pixels seen from the red axis")
plt.show()

# %% [markdown]
# The background is a dense cloud of blue-greens and near-blacks pressed
# against the wall $r = 0$ (left panel); the flower is a long, curved cloud
# from deep red (its heart) to pale orange; a thin trail of in-between
# colours joins them: among them the pixels at the flower's edge, whose
# $4 \times 4$ blocks held some flower and some background.
#
# We fit full-covariance mixtures with $K = 1$ to 10 components to all
# $N = 16\,960$ points, seeded, allowing up to 1000 iterations so that every
# fit converges. `canonical` numbers the components left to right, that is
# by the red of their mean colour, so component 0 is always the least red.
# (The cell takes a few seconds.)

# %%
fits = {K: canonical(gmmlib.fit(X, K, seed=0, max_iter=1000)) for K in range(1, 11)}
per_pixel = {K: fits[K].log_likelihoods[-1] / N for K in fits}
assert all(f.converged for f in fits.values())
assert [round(per_pixel[K], 2) for K in (1, 2, 10)] == [2.06, 4.04, 5.30]
pd.DataFrame({"iterations": [fits[K].n_iter for K in fits],
              "converged": [fits[K].converged for K in fits],
              "log-likelihood per pixel": list(per_pixel.values())},
             index=pd.Index(list(fits), name="K"))

# %% [markdown]
# Every fit converged. The log-likelihood is positive: the densities of
# these tight colour clouds exceed 1 (lesson 05). Per pixel it doubles from
# 2.06 to 4.04 with the second component, and then gains less and less: 5.30
# with ten. Here is the fit with $K = 5$, which we look at closely; its
# components, numbered by red, get the course's colours (new components,
# new colours: orange is no longer the flower of section 2):

# %%
K = 5
params = fits[K].params
colors = component_colors(K)
names = [f"{k} ({c})" for k, c in enumerate(["blue", "orange", "green", "red", "purple"])]
red = params.means[:, 0]
assert np.all(red[:2] < 0.05) and round(red[2], 2) == 0.14 and np.all(red[3:] > 0.7)  # as said below
pd.DataFrame({"weight π_k": params.weights, "red": params.means[:, 0],
              "green": params.means[:, 1], "blue": params.means[:, 2]},
             index=pd.Index(names, name="component"))

# %% [markdown]
# Components 0 and 1, with almost no red, are the background, blue-green and
# dark; 3 and 4, with much red, the red heart and the orange petals; 2, a
# drab olive with a little red (0.14), sits between them.
# Their responsibilities, $r_{ik}$, are one row per pixel, and a
# **segmentation** gives each pixel to its most responsible component.

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
# The $K = 5$ segmentation, as mean colours and as the course's component
# colours:

# %%
resp = gmmlib.e_step(X, params)                       # r_ik, shape (N, K)
labels, image = segment(resp, params.means, height, width)

fig, axes = plt.subplots(1, 3, figsize=(15, 3.9), layout="constrained")
show(axes[0], small, "the picture")
show(axes[1], image, "K = 5: each pixel in its component's mean colour")
show(axes[2], colors[labels], "K = 5: each pixel in its component's colour")
fig.legend(handles=[Line2D([], [], marker="s", ms=12, ls="none", color=colors[k], label=names[k])
                    for k in range(K)], loc="outside lower center", ncols=K, title="component")
plt.show()
print("pixels per component:", np.bincount(labels.ravel(), minlength=K))

# %% [markdown]
# Five colours paint a recognisable flower. In the right panel: the
# background splits into blue-green (0, blue) and dark (1, orange) leaves;
# the heart (3, red) and the petals (4, purple) are the flower; component 2
# (green) draws a ring around the flower and patches of mid-dark leaves: it
# holds the in-between colours of section 3's trail.
#
# The same with every $K$ from 2 to 10, in mean colours:

# %%
fig, axes = plt.subplots(3, 3, figsize=(14, 9.5), layout="constrained")
for ax, k_ in zip(axes.flat, range(2, 11)):
    show(ax, segment(gmmlib.e_step(X, fits[k_].params), fits[k_].params.means, height, width)[1],
         f"K = {k_}")
fig.suptitle("segmentations by the mixture, each pixel in its component's mean colour")
plt.show()

# %% [markdown]
# With $K = 2$ and 3 the mixture separates the flower, with the dusky patch
# below it, from the background, as the green channel did. At $K = 4$ the
# heart gets a component of its own, brown, shared with that patch; from
# $K = 5$ on it is red. Beyond that, new components mostly split the
# background, where most of the pixels are, into more shades.

# %% [markdown]
# The responsibilities themselves are pictures too: $r_{ik}$ for one $k$ is
# a number in $[0, 1]$ per pixel. Here are the five of $K = 5$ (white is 1,
# black 0), each framed in its component's colour, and the mixture's doubt
# about each pixel, $1 - \max_k r_{ik}$: 0 where one component takes the
# pixel whole, up to $1 - 1/K$ where all share it equally.

# %%
fig, axes = plt.subplots(2, 3, figsize=(15, 7.2), layout="constrained")
for k, ax in enumerate(axes.flat[:K]):
    show(ax, resp[:, k].reshape(height, width), f"$r_{{i{k}}}$: component {names[k]}",
         cmap="gray", vmin=0, vmax=1)
    ax.set_axis_on()                                   # for the frame in the component's colour
    ax.set(xticks=[], yticks=[])
    for spine in ax.spines.values():
        spine.set(visible=True, color=colors[k], linewidth=5)
fig.colorbar(axes.flat[0].images[0], ax=axes[0, 2], label="$r_{ik}$ (first five panels)")
show(axes.flat[K], 1 - resp.max(axis=1).reshape(height, width),
     r"doubt $1 - \max_k r_{ik}$", cmap="magma", vmin=0, vmax=0.5)
fig.colorbar(axes.flat[K].images[0], ax=axes[1, 2], label="doubt", extend="max")
plt.show()
unsure = np.mean(resp.max(axis=1) < 0.9)
assert round(unsure, 3) == 0.079
print(f"pixels whose largest responsibility is below 0.9: {unsure:.1%}")

# %% [markdown]
# Most pixels are black or white in the five panels: the mixture is sure.
# The doubtful pixels (bright in the last panel, whose colour scale stops at
# 0.5) lie where one region turns into another: along the outlines of the
# petals, where light petal meets dark shadow, and along the borders
# between shades of leaves. Only 7.9% of the pixels have a largest
# responsibility below 0.9. A hard segmentation hides this doubt; the
# responsibilities keep it, for example to blend the borders smoothly.

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
# In $D = 3$ each component costs $1 + 3 + 6 = 10$ parameters. The BIC of
# every fit, from your function and from `gmmlib.bic`:

# %%
bics = pd.Series({k_: bic_full(fits[k_].log_likelihoods[-1], k_, 3, N) for k_ in fits}, name="BIC")
assert all(np.isclose(bics[k_], gmmlib.bic(X, fits[k_].params)) for k_ in fits)
assert all(gmmlib.n_parameters(fits[k_ + 1].params) - gmmlib.n_parameters(fits[k_].params) == 10
           for k_ in range(1, 10))

fig, ax = plt.subplots(figsize=(8, 4.2))
ax.plot(bics.index, bics.values, "o-", color="black", lw=2)
ax.set_xlabel("number of components K")
ax.set_ylabel("BIC")
ax.set_title("BIC of the mixtures on 16 960 pixels (lower is better)")
ax.grid(alpha=0.3)
plt.show()
falls = bool(np.all(np.diff(bics) < 0))
assert bics.idxmin() == 10 and falls and bics[9] - bics[10] > 1000
print("BIC is lowest at K =", bics.idxmin(), "  and falls at every step:", falls)

# %% [markdown]
# BIC falls at every step and picks $K = 10$, the largest we tried; its
# last step, from 9 to 10, still lowers it by more than 1 000. Yet no one
# sees ten kinds of region in this flower. BIC does its job, but its job is
# not ours: it asks which mixture best describes the colours as
# **independent draws from a mixture of Gaussians**, and pixels are
# neither. Three things push it to more components, each measured on our
# fits.
#
# **The penalty grows like $\log N$, the evidence like $N$.** Adding a
# component costs $10 \log N = 97$ in BIC here (10 parameters,
# $N = 16\,960$). It buys a gain in log-likelihood that is roughly a fixed
# amount per pixel, so its value
# grows with $N$: once $2 N \times \text{(gain per pixel)}$ exceeds
# $10 \log N$, BIC accepts it. For each step of our fits, the gain per pixel
# and the number of pixels from which it would pay (if the gain per pixel
# stayed the same):

# %%
n_grid = np.arange(2, 10**6)
steps = []
for k_ in range(1, 10):
    gain = (fits[k_ + 1].log_likelihoods[-1] - fits[k_].log_likelihoods[-1]) / N
    steps.append({"step": f"{k_} → {k_ + 1}", "gain per pixel": gain,
                  "change of BIC": bics[k_ + 1] - bics[k_],
                  "pays from N =": int(n_grid[np.argmax(2 * n_grid * gain > 10 * np.log(n_grid))])})
steps = pd.DataFrame(steps).set_index("step")
assert round(10 * np.log(N)) == 97
pays = steps["pays from N ="]
assert steps["gain per pixel"].idxmin() == "7 → 8" and round(steps["gain per pixel"].min(), 4) == 0.0065
assert round(pays["7 → 8"], -2) == 6800 and pays.drop("7 → 8").max() < 2000 and pays.max() < N
steps

# %% [markdown]
# The smallest gain, from 7 to 8 components, is 0.0065 nats per pixel, and
# it pays from about 6 800 pixels on; every other step pays from fewer
# than 2 000. With 16 960 pixels, every step pays. The number of pixels is a
# choice of the camera, not of the flower: a finer picture of the same
# flower would have more pixels, but hardly more to say about its colours,
# and BIC would ask for more components still.

# %% [markdown]
# **Pixels are not independent.** BIC's $\ell$ adds one term per pixel, as
# if each pixel were a new, independent draw. But a pixel looks like its
# neighbours. If the pixels were independent draws, so would be their
# labels, and a pixel and its right-hand neighbour would have the same label
# with probability $\sum_k q_k^2$, where $q_k$ is the share of the pixels
# with label $k$. In the picture:

# %%
same_right = np.mean(labels[:, 1:] == labels[:, :-1])          # each pixel and its right neighbour
same_below = np.mean(labels[1:, :] == labels[:-1, :])          # ... and the one below it
shares = np.bincount(labels.ravel(), minlength=K) / N             # q_k
red_corr = np.corrcoef(small[:, 1:, 0].ravel(), small[:, :-1, 0].ravel())[0, 1]
assert [round(v, 2) for v in (same_right, same_below, np.sum(shares ** 2))] == [0.91, 0.91, 0.27]
assert round(red_corr, 3) == 0.984
print(f"same label as the right neighbour: {same_right:.1%}, as the one below: {same_below:.1%}")
print(f"if the pixels were independent draws: sum of q_k² = {np.sum(shares ** 2):.1%}")
print(f"correlation of the red of neighbouring pixels: {red_corr:.3f}")

# %% [markdown]
# Neighbours share their label 91% of the time, against 27% for
# independent draws, and their red intensities correlate at 0.984. Much of
# what the $N$ terms of $\ell$ report is the same evidence counted again, so
# BIC's evidence is inflated and its penalty, which assumes $N$ independent
# points, is too weak.
#
# **The colours are not a mixture of Gaussians.** A Gaussian has tails on
# every side, but an intensity cannot go below 0. In the background the red
# is clipped at 0: a quarter of the photograph's pixels have red exactly 0,
# and 45.5% of the small picture's have less than 0.01. The mixture answers
# with a component squeezed flat against that wall. The standard deviations
# of each component along its three principal axes (the square roots of the
# eigenvalues of $\Sigma_k$, lesson 03), and the direction of the thinnest:

# %%
sds = np.sqrt(np.linalg.eigvalsh(params.covariances))             # ascending, shape (K, 3)
thinnest = np.linalg.eigh(params.covariances)[1][:, :, 0]         # its eigenvector, per component
assert round(np.mean(photo[..., 0] == 0), 2) == 0.25 and round(np.mean(X[:, 0] < 0.01), 3) == 0.455
assert round(sds[0, 0], 3) == 0.002 and round(sds[0, 2], 2) == 0.09 and abs(thinnest[0, 0]) > 0.99
print(f"red of the photograph exactly 0: {np.mean(photo[..., 0] == 0):.1%} of its pixels;"
      f" red below 0.01 in the small picture: {np.mean(X[:, 0] < 0.01):.1%}")
pd.DataFrame({"smallest sd": sds[:, 0], "middle sd": sds[:, 1], "largest sd": sds[:, 2],
              "thinnest direction (r, g, b)": [np.round(v * np.sign(v[np.argmax(abs(v))]), 2)
                                               for v in thinnest]},
             index=pd.Index(names, name="component"))

# %% [markdown]
# Component 0 is a pancake: its standard deviation is 0.002 along the red
# axis and 0.09 along its longest axis.
# No Gaussian fits a pile of points against a wall, nor the trail of
# blended colours at the flower's edge, nor the smooth shading of the
# leaves, so more components always fit a little better, and with enough
# pixels, a little better is enough for BIC.
#
# So choose $K$ for the purpose, and look at the pictures: $K = 2$
# separates the flower from the background, $K = 5$ adds the heart, larger
# $K$ adds shades. (A held-out score, lesson 10, would not rescue us: it
# too asks how well the mixture describes the colours, and with thousands
# of held-out pixels more components describe them better; held-out pixels
# next to training pixels make it more optimistic still.)

# %% [markdown]
# ## 5. The mixture against K-means colour quantisation
#
# **Colour quantisation** repaints a picture with a few colours; the classic
# tool is K-means (lesson 07) on the pixels: each pixel takes its nearest
# centre's colour (`sklearn.cluster.KMeans` runs the same algorithm). We
# run `gmmlib.kmeans` with the same $K = 5$ and number its
# clusters like the mixture's components (`canonical` with the mixture's
# means as reference), so that the same colour means a matching pair:

# %%
km = canonical(gmmlib.kmeans(X, K, seed=0), params.means)
km_shares = np.bincount(km.labels, minlength=K) / N
assert [round(v, 2) for v in km_shares[:3]] == [0.22, 0.21, 0.32] and round(shares[0], 2) == 0.39
assert km_shares[3] > shares[3]                  # K-means' heart is larger
print(f"K-means: converged {km.converged} after {km.n_iter} iterations")
pd.DataFrame({"K-means share": km_shares, "mixture share": shares,
              "K-means centre": [np.round(c, 3) for c in km.centres],
              "mixture mean": [np.round(m, 3) for m in params.means]},
             index=pd.Index(names, name="cluster / component"))

# %%
km_labels = km.labels.reshape(height, width)
fig, axes = plt.subplots(2, 3, figsize=(15, 7.5), layout="constrained")
show(axes[0, 0], small, "the picture")
show(axes[0, 1], km.centres[km_labels], "K-means: centre colours")
show(axes[0, 2], image, "mixture: mean colours")
show(axes[1, 0], km_labels != labels, "where they disagree (white)", cmap="gray")
show(axes[1, 1], colors[km_labels], "K-means: cluster colours")
show(axes[1, 2], colors[labels], "mixture: component colours")
fig.legend(handles=[Line2D([], [], marker="s", ms=12, ls="none", color=colors[k], label=names[k])
                    for k in range(K)], loc="outside lower center", ncols=K)
plt.show()
disagree = np.mean(km_labels != labels)
off_flower = np.mean(labels[km_labels != labels] <= 2)     # of those, the mixture's 0, 1 or 2
assert round(disagree, 2) == 0.36 and round(off_flower, 2) == 0.94
print(f"pixels with different labels: {disagree:.1%}, of which {off_flower:.1%} are in the "
      f"mixture's components 0, 1 or 2")

# %% [markdown]
# Both find the flower, its heart, and dark and blue-green leaves, yet they
# disagree on 36% of the pixels, 94% of them off the flower (in the
# mixture's background and blend components 0, 1 and 2). K-means splits
# the background into three shades of similar size (22%, 21% and 32% of
# the pixels for clusters 0, 1 and 2) and has no place for the flower's
# edge: each in-between pixel goes to the nearest centre. The mixture spends
# a component, 2 (green), on the in-between colours, the ring around the
# flower among them, and makes its blue-green component 0 large (39% of the
# pixels). K-means also gives the red heart more of the shadows between the
# petals.
#
# They are not trying to do the same thing. K-means minimises the squared
# distance of each pixel to its colour, the **quantisation error**; the
# mixture maximises a likelihood. Each wins at its own game:

# %%
km_mixture = gmmlib.m_step(X, np.eye(K)[km.labels])     # K-means' clusters as a mixture (lesson 08)
quant_error = {"K-means": km.inertia / N,
               "mixture": np.mean(np.sum((X - params.means[labels.ravel()]) ** 2, axis=1))}
per_pixel_ll = {"K-means": gmmlib.log_likelihood(X, km_mixture) / N,
                "mixture": fits[K].log_likelihoods[-1] / N}
assert [round(quant_error[m], 4) for m in quant_error] == [0.0105, 0.0154]
assert [round(per_pixel_ll[m], 2) for m in per_pixel_ll] == [3.87, 5.05]
pd.DataFrame({"squared colour error per pixel": quant_error,
              "log-likelihood per pixel": per_pixel_ll})

# %% [markdown]
# K-means' colours are closer to the picture (error 0.0105 against 0.0154
# per pixel); the mixture describes the distribution of colours better
# (5.05 against 3.87 nats per pixel, where K-means' clusters are turned into
# a mixture with their own weights and covariances, as in lesson 08).
#
# The difference comes from the shapes: the mixture's components have
# covariances, and K-means uses none. Here they are, seen from the two
# sides of section 3: the 1- and 2-standard-deviation ellipses of each
# component (the ellipses of the 2-D marginal Gaussians), with K-means'
# centres as squares of the same colour:

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 6.2), layout="constrained")
for ax, (a, b) in zip(axes, [(0, 1), (1, 2)]):
    ax.scatter(X[shown, a], X[shown, b], c=X[shown], s=6, alpha=0.5)
    side = gmmlib.GMMParams(params.weights, params.means[:, [a, b]],
                            params.covariances[:, [a, b]][:, :, [a, b]])
    plot_covariance_ellipses(ax, side)
    ax.scatter(km.centres[:, a], km.centres[:, b], marker="s", s=140, c=colors,
               edgecolors="black", linewidths=1.5, zorder=5)
    ax.set_xlabel(["red $r$", "green $g$", "blue $b$"][a])
    ax.set_ylabel(["red $r$", "green $g$", "blue $b$"][b])
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 0.8)
    ax.set_aspect("equal")
axes[0].annotate("component 0: flat\nagainst r = 0", xy=(0.005, 0.33), xytext=(0.12, 0.55),
                 arrowprops={"arrowstyle": "->", "color": COMPONENT_COLORS[0], "lw": 2},
                 color=COMPONENT_COLORS[0], fontsize=12)
axes[0].set_title("mixture ellipses and K-means centres: red–green")
axes[1].set_title("the same: green–blue")
fig.legend(handles=[Line2D([], [], marker="X", ms=12, ls="none", color="0.4", markeredgecolor="black",
                           label="mixture mean"),
                    Line2D([], [], marker="s", ms=11, ls="none", color="0.4", markeredgecolor="black",
                           label="K-means centre"),
                    *[Line2D([], [], color=colors[k], lw=3, label=names[k]) for k in range(K)]],
           loc="outside lower center", ncols=4)
plt.show()
gap = np.linalg.norm(km.centres - params.means, axis=1)      # each K-means centre to its matched mean
assert gap.argmax() == 2 and np.all(np.delete(gap, [2, 3]) < 0.07)
print("distance from each K-means centre to the matching mixture mean:", gap.round(3))

# %% [markdown]
# The petals' component (purple) is a long ellipse along the line from dark
# to light orange (right panel): one component for a shaded surface, where
# K-means would need a centre per shade. The blue component is flat against $r = 0$ (left
# panel). The green component is wide and lies between the background and
# the flower: it takes the blends. K-means' blue, orange and purple centres
# sit near the mixture's means (within 0.07); its green centre sits in the
# background cloud instead, where it lowers the squared error of far more
# pixels than it could among the few blends. And its borders are the planes
# halfway between two centres, whatever the shapes of the clouds: it has no
# way to say that one cloud is long and another flat.
#
# ## Summary
#
# - A picture of shape (height, width, 3) is a data matrix of $N$ = height × width rows, one colour $x_i = (r_i, g_i, b_i)$ per pixel; `reshape` goes there and back, row by row.
# - A mixture on one channel separates bright from dark; on the three colours, its components are the segments: each pixel goes to its most responsible component, and the responsibilities, one picture per component, show where the mixture is unsure (the borders).
# - BIC keeps asking for more components on pixels: the penalty grows like $\log N$ while the evidence grows like $N$; neighbouring pixels repeat each other, so the evidence is overcounted; and clipped intensities, shading and blends are not Gaussian. Choose $K$ for the purpose.
# - K-means colour quantisation minimises the colour error, with borders halfway between centres; a mixture maximises the likelihood with weights and covariances, so it can spend a component on a shaded surface or on the blends at an edge, and it is soft where K-means is hard.
#
# ## Where next
#
# Lesson 12, EM at scale, fits the full photograph, all 273 280 pixels.
# Its key observation: the M-step needs the data only through
# sums over the points, $N_k = \sum_i r_{ik}$, $\sum_i r_{ik} x_i$ and
# $\sum_i r_{ik} x_i x_i^\top$, the **sufficient statistics**. Sums can be
# computed chunk by chunk, so EM runs on data that do not fit in memory, in
# parallel with Dask, or on mini-batches that update the statistics a
# little at a time.
