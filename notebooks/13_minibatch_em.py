# %% [markdown]
# # Lesson 13: Mini-batch EM
#
# **What you will do.** Fit a mixture to every pixel of lesson 12's
# photograph by *stepwise* EM, which updates the parameters after every
# small batch of pixels instead of once per pass over all of them. Two
# exercises check your own code: the update of the running statistics, and
# the batches of one pass. Then you will compare three step-size schedules
# with full-batch EM, pass for pass, and the segmentations they give.
#
# **What you will learn.**
# - stepwise (mini-batch) EM: statistics averaged over the points, moved by a step size $\gamma_t$, an M-step after every batch;
# - how a pass over the data, an *epoch*, is cut into random batches;
# - what stochastic approximation is, and what Cappé and Moulines' convergence theorem assumes;
# - how the schedule of $\gamma_t$ trades speed against noise;
# - how close three passes of mini-batch EM come to full-batch EM's 37.
#
# **What you need.** Lesson 12 (the sufficient statistics and the M-step
# from them; the first cells below repeat its setup) and lesson 11 (pixels
# as data).
#
# **Time.** About 38 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from sklearn.datasets import load_sample_image

import gmmlib
from gmmlib.components import canonical
from gmmlib.scale import fit_minibatch
from gmmlib.plotting import use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# Lesson 12's setup: the pixels in $[0, 1]$, the start from a sample of
# 10 000 of them, full-batch EM in memory, and the two functions of its
# exercises (their solutions):

# %%
photo = load_sample_image("china.jpg")
X = photo.reshape(-1, 3) / 255                        # one row per pixel: (r, g, b)
N, D = X.shape
K = 3
sample = X[np.random.default_rng(0).choice(N, 10_000, replace=False)]
start = gmmlib.fit(sample, K, max_iter=0, seed=0).params
in_memory = gmmlib.fit(X, K, init=start)             # full-batch EM: one M-step per pass


def sufficient_stats(X, resp):
    """X (N, D), resp (N, K) -> the sums (N_k (K,), S_k (K, D), T_k (K, D, D))."""
    return resp.sum(axis=0), resp.T @ X, np.einsum("ik,id,ie->kde", resp, X, X)


def m_step_from_stats(n, counts, sums, outer):
    """N and N_k, S_k, T_k -> (weights (K,), means (K, D), covariances (K, D, D))."""
    means = sums / counts[:, None]
    return counts / n, means, outer / counts[:, None, None] - means[:, :, None] * means[:, None, :]


best = in_memory.log_likelihoods[-1] / N
print(f"{N} pixels; full-batch EM: {in_memory.n_iter} M-steps, mean log-likelihood {best:.4f}")
assert in_memory.n_iter == 37

# %% [markdown]
# ## 1. An M-step after every batch
#
# Full-batch EM makes one M-step per pass over all the data: 37 here, each
# after an E-step on all 273 280 pixels. **Stepwise EM** (Cappé and
# Moulines, 2009; also called online or mini-batch EM) makes an M-step after
# every small *batch* of points.
#
# It keeps one triple of statistics **averaged over the points**,
# $s = (\bar N_k, \bar S_k, \bar T_k)$: lesson 12's sums divided by the
# number of points summed. For all the data, $\bar N_k = N_k / N$,
# $\bar S_k = S_k / N$ and $\bar T_k = T_k / N$, so that
# $\sum_k \bar N_k = 1$. Averages, unlike sums, do not grow with the number of
# points, so a batch of 1 000 pixels and the whole photograph speak in the
# same units.
#
# At step $t$ it takes a batch $B_t$ of $|B_t|$ points, runs the E-step on
# them under the current parameters, computes their sums
# $\mathrm{stats}(B_t) = (N_k, S_k, T_k)$ (lesson 12's `sufficient_stats`),
# and moves $s$ towards their average:
#
# $$s \leftarrow (1 - \gamma_t)\, s + \gamma_t\, \frac{\mathrm{stats}(B_t)}{|B_t|}.$$
#
# Then the parameters become the M-step from $s$ (lesson 12's formulas with
# $N = 1$). The **step size** $\gamma_t \in (0, 1]$ says how much the new
# batch counts against everything before it. Before the first batch, $s$
# holds what the start expects of one point, $\bar N_k = \pi_k$,
# $\bar S_k = \pi_k \mu_k$ and $\bar T_k = \pi_k (\Sigma_k + \mu_k \mu_k^\top)$,
# from which the M-step gives the start back.
#
# ### Exercise 1: one stepwise update
#
# Write `stepwise_update(running, batch, batch_size, gamma)`: `running` is
# the tuple $(\bar N_k, \bar S_k, \bar T_k)$, averaged over the points;
# `batch` the tuple of a batch's sums $(N_k, S_k, T_k)$ (what
# `sufficient_stats` returns) over `batch_size` points; `gamma` is
# $\gamma_t$. Return the updated tuple, of the same shapes, without changing
# the arrays you are given.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_stepwise_update


def stepwise_update(running, batch, batch_size, gamma):
    """Averages (N_k, S_k, T_k), a batch's sums (N_k, S_k, T_k), |B|, gamma_t -> new averages."""
    ...

# %%
check_stepwise_update(stepwise_update)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def stepwise_update(running, batch, batch_size, gamma):
    """Averages (N_k, S_k, T_k), a batch's sums (N_k, S_k, T_k), |B|, gamma_t -> new averages."""
    return tuple((1 - gamma) * s + gamma * b / batch_size for s, b in zip(running, batch))


check_stepwise_update(stepwise_update)

# %% [markdown]
# ## 2. The batches of an epoch
#
# One pass through the data is an **epoch**. Each epoch visits the points in
# a fresh random order, so that every batch is a random sample of the data,
# and a different one each time. In their stored order the rows of a
# photograph are neighbouring pixels: a batch of the first 1 000 rows would
# hold only sky. The order is cut into batches of `batch_size` points; when
# `batch_size` does not divide $N$ the last batch is shorter, and is kept, so
# that every point is visited once per epoch.
#
# ### Exercise 2: the batches of one epoch
#
# Write `epoch_batches(n, batch_size, rng)`: for `n` points, return a list of
# arrays of row indices, the batches of one epoch. Every index
# $0, \dots, n - 1$ comes exactly once, in a random order drawn from the
# generator `rng` (a `np.random.default_rng(seed)`), cut into pieces of
# `batch_size`, the last one shorter if needed. Called again with the same
# `rng`, it gives the next epoch: another order.
# *Hint:* `rng.permutation(n)` is a random order of $0, \dots, n - 1$; with
# it, your loop below visits the points in the order gmmlib does.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_epoch_batches


def epoch_batches(n, batch_size, rng):
    """n, |B|, a numpy Generator -> a list of index arrays: one epoch, in a random order."""
    ...

# %%
check_epoch_batches(epoch_batches)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def epoch_batches(n, batch_size, rng):
    """n, |B|, a numpy Generator -> a list of index arrays: one epoch, in a random order."""
    order = rng.permutation(n)                               # a fresh order every call
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


check_epoch_batches(epoch_batches)

# %% [markdown]
# ## 3. Your stepwise EM
#
# With the two functions of the exercises (yours, or the solutions' once
# their cells have run) and lesson 12's, stepwise EM is a short loop. Two
# epochs in batches of 50 000 pixels (five of them and a last one of 23 280
# per epoch), $\gamma_t = (t + 2)^{-0.6}$ with $t = 0, 1, \dots$ counting
# batches across epochs, and `reg_covar` added to each covariance as gmmlib
# does (lesson 06). The last batch's sums are divided by its own size,
# `len(rows)`. Then gmmlib's `fit_minibatch`, which draws its orders by
# `rng.permutation(N)` from the same seed (`gmmlib_rng` below draws them
# too, to see whether your batches are the same):

# %%
B, a = 50_000, 0.6
rng, gmmlib_rng = np.random.default_rng(0), np.random.default_rng(0)
w, m, c = start.weights, start.means, start.covariances
running = (w, w[:, None] * m, w[:, None, None] * (c + m[:, :, None] * m[:, None, :]))
params, t, same_batches = start, 0, True
for epoch in range(2):
    order = gmmlib_rng.permutation(N)                        # fit_minibatch's order
    for j, rows in enumerate(epoch_batches(N, B, rng)):
        same_batches &= np.array_equal(np.sort(rows), np.sort(order[j * B:(j + 1) * B]))
        batch = X[rows]
        stats = sufficient_stats(batch, gmmlib.e_step(batch, params))
        running = stepwise_update(running, stats, len(rows), (t + 2) ** -a)
        weights, means, covariances = m_step_from_stats(1.0, *running)
        params = gmmlib.GMMParams(weights, means, covariances + 1e-6 * np.eye(D))
        t += 1

theirs = fit_minibatch(X, K, init=start, batch_size=B, n_epochs=2, step=a, seed=0)
gap = max(np.abs(p - q).max() for p, q in ((params.weights, theirs.params.weights),
                                           (params.means, theirs.params.means),
                                           (params.covariances, theirs.params.covariances)))
print(f"your {t} steps, fit_minibatch's {theirs.n_steps}; the same batches: {same_batches}; "
      f"the same parameters to within 1e-10: {gap < 1e-10}")
print(f"mean log-likelihood after 2 passes: stepwise {theirs.log_likelihoods[-1] / N:.4f}, "
      f"full-batch {in_memory.log_likelihoods[2] / N:.4f}")
assert t == theirs.n_steps == 12
assert gap < 1e-10 or not same_batches, ("the same batches but other parameters: "
                                         "compare your loop with the cell as given")
assert gap < 0.05, "far from fit_minibatch's parameters: run the solutions, then this cell"
assert theirs.log_likelihoods[-1] > in_memory.log_likelihoods[2]

# %% [markdown]
# If your `epoch_batches` shuffles in another correct way (say
# `rng.choice(n, n, replace=False)`), its batches differ from
# `fit_minibatch`'s and so do the parameters, a little: another sample of
# the batches' noise, not a mistake.
#
# Twelve M-steps in two passes already beat full-batch EM's two. Smaller
# batches make more steps per pass, each from a noisier batch: how much
# each step may move is the step size's job.

# %% [markdown]
# ## 4. The step size
#
# Why should stepwise EM converge at all? Under parameters $\theta$, a full
# E-step would give averaged statistics $\bar s(\theta)$; a batch's average
# $\mathrm{stats}(B_t)/|B_t|$ is a noisy estimate of it, right on average
# when the batch is a random sample. Moving $s$ a step $\gamma_t$ towards
# such an estimate is **stochastic approximation**: the method of Robbins
# and Monro (1951) for finding where a function is zero when only noisy
# values of it can be measured, by steps that shrink so that the noise
# averages out. Here the function is $\bar s(\theta(s)) - s$, with
# $\theta(s)$ the M-step from $s$; it is zero exactly at EM's fixed points.

# %% [markdown]
# Cappé and Moulines prove that, with probability 1, $s$ converges to the
# set of zeros of $\bar s(\theta(s)) - s$, and so $\theta(s)$ to the set of
# **stationary points** of the expected log-likelihood of a new draw (the
# points where its gradient is zero: maxima, usually, as for EM); for draws
# from a fixed data set, that is the data set's mean log-likelihood. Their conditions are *sufficient*, not necessary:
#
# - the points arrive one at a time as **independent draws** from one
#   distribution (for a fixed data set: drawn at random *with*
#   replacement; a batch of such draws only has less noise);
# - the model meets regularity conditions, among them that $s$ stays in a
#   bounded region where the M-step is defined (for a mixture: no
#   component collapsing, lesson 05);
# - the step sizes satisfy $\sum_t \gamma_t = \infty$ (so that $s$ can
#   travel any distance) and $\sum_t \gamma_t^2 < \infty$ (so that the
#   batches' noise averages out). $\gamma_t = (t + 2)^{-a}$ meets both for
#   $0.5 < a \le 1$.

# %% [markdown]
# The theorem is asymptotic: it says where $s$ ends, not how fast it gets
# there. $a = 1$ meets both conditions, yet below it is the worst of three
# schedules: with $\gamma_t \propto 1/t$, stochastic approximation is slow
# wherever EM itself is slow, and full-batch EM's long plateau below shows
# that EM is slow on these pixels.
#
# This lesson, like most software, makes passes in a fresh random order
# instead, each point once per epoch: common practice, and it works well,
# but their theorem does not cover it. Three schedules:
#
# - $a = 1$: $s$ is the plain average of the start's and every batch's
#   statistics; the early batches, computed under poor parameters, are
#   never forgotten;
# - $a = 0.6$: old batches fade faster;
# - a constant $\gamma = 0.05$ breaks the second condition: $\gamma_t$ never
#   gets small, so $s$ keeps taking in 5% of each new batch's noise.
#
# For batches of 1 000 pixels, 274 per epoch, over three epochs:

# %%
steps = np.arange(3 * 274)                          # t = 0, 1, ..., one per batch
schedules = {"a = 0.6": (steps + 2.0) ** -0.6, "a = 1.0": (steps + 2.0) ** -1.0,
             "constant γ = 0.05": np.full(steps.size, 0.05)}
styles = {"full-batch EM": dict(color="black", ls="-", marker="D", lw=2.5),   # colour-blind safe,
          "a = 0.6": dict(color="#0072B2", ls="--", marker="o", lw=2.5),     # and told apart by
          "a = 1.0": dict(color="#D55E00", ls=":", marker="s", lw=3),        # dash and marker too
          "constant γ = 0.05": dict(color="#009E73", ls="-.", marker="^", lw=2.5)}
fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
for label, gammas in schedules.items():
    ax.plot((steps + 1) / 274, gammas, **{**styles[label], "marker": None}, label=label)
ax.set(yscale="log", xlabel="passes over the data", ylabel="step size $\\gamma_t$",
       title="three schedules of the step size, batches of 1 000 pixels")
ax.grid(alpha=0.3)
ax.legend(fontsize=12)
plt.show()
early = int(np.sum(schedules["a = 0.6"] > 0.05))
print(f"(t + 2)^-0.6 is above 0.05 for the first {early} steps; the last steps:",
      ", ".join(f"{label}: {g[-1]:.4f}" for label, g in schedules.items()))
assert early == 146

# %% [markdown]
# With $a = 1$ the step falls fastest, to 0.0012 after three passes; with
# $a = 0.6$ to 0.0178. The constant 0.05 is smaller than $(t + 2)^{-0.6}$
# for the first 146 steps, about half a pass, and larger after that. Three
# runs of `fit_minibatch` with these schedules, recording the log-likelihood
# of all the pixels four times per pass (a full E-step each time, which does
# not change the fit). That is 12 full E-steps, four times the work of the
# three passes of fitting, spent for the figure alone: in practice you would
# monitor the log-likelihood of a fixed random sample of a few thousand
# points instead.

# %%
runs = {label: fit_minibatch(X, K, init=start, batch_size=1000, n_epochs=3, step=step,
                             seed=0, evaluations_per_epoch=4)
        for label, step in {"a = 0.6": 0.6, "a = 1.0": 1.0,
                            "constant γ = 0.05": lambda t: 0.05}.items()}
assert all(np.allclose(runs[label].step_sizes, gammas) for label, gammas in schedules.items())
print(f"{runs['a = 0.6'].n_steps} M-steps in 3 passes, {runs['a = 0.6'].n_steps // 3} per pass")

# %% [markdown]
# Against full-batch EM, one M-step per pass, as the mean log-likelihood per
# pixel. The passes are on a logarithmic scale, so that the three passes of
# mini-batch EM and the 37 of full-batch EM both show; on the right, the
# distance to full-batch EM's final value, also on a logarithmic scale, so
# that every curve shows near the top:

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 5.4), layout="constrained")
full = np.arange(1, in_memory.n_iter + 1), in_memory.log_likelihoods[1:] / N
curves = {"full-batch EM": full,
          **{f"{label}": (run.passes[1:], run.log_likelihoods[1:] / N) for label, run in runs.items()}}
for label, (x, y) in curves.items():
    name = label if label == "full-batch EM" else f"mini-batch, {label}"
    axes[0].plot(x, y, **styles[label], ms=6, label=name)
    keep = y < best                                  # full-batch EM's last point is 0 away
    axes[1].plot(x[keep], best - y[keep], **styles[label], ms=6, label=name)
axes[0].axhline(best, color="0.6", lw=1.5, label="full-batch EM's final value")
axes[0].set(ylabel="mean log-likelihood per pixel", ylim=(2.45, 3.45),
            title="the log-likelihood")
axes[1].set(yscale="log", ylabel="gap to full-batch EM's final value, per pixel",
            title="how far below full-batch EM's final value")
for ax in axes:
    ax.set(xscale="log", xlabel="passes over the data (log scale)")
    ax.set_xticks([0.25, 0.5, 1, 2, 3, 5, 10, 20, 37], ["¼", "½", "1", "2", "3", "5", "10", "20",
                                                          "37"])
    ax.tick_params(labelsize=13)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right" if ax is axes[0] else "lower left", fontsize=12)
plt.show()

# %% [markdown]
# Read the left panel from the left: after a quarter of a pass, every
# mini-batch run is above full-batch EM after a whole one (2.53). The right
# panel shows the top: $a = 0.6$ is 0.001 below the final value after two
# passes and 0.00015 after three, while $a = 1$ stalls about 0.12 below it.
#
# Full-batch EM itself has a plateau: from pass 4 (3.29) to pass 20 (3.37)
# it gains less than 0.01 a pass, then climbs to 3.40 in four passes. Not
# a bug: every pass is still above the one before. EM crosses a flat
# stretch of the likelihood, where its steps are short because the
# components overlap and the missing labels matter much (lesson 02, why EM
# is slow); once the components part, its steps lengthen again.
#
# The values at the end
# of each pass, and how many passes full-batch EM needs to do as well as
# $a = 0.6$ does in two:

# %%
table = pd.DataFrame({"full-batch EM": in_memory.log_likelihoods[1:4] / N,
                      **{label: run.log_likelihoods[np.isin(run.passes, [1.0, 2.0, 3.0])] / N
                         for label, run in runs.items()}},
                     index=pd.Index([1, 2, 3], name="passes"))
display(table)
target = table.loc[2, "a = 0.6"]
needed = int(np.argmax(in_memory.log_likelihoods / N >= target))
print(f"full-batch EM reaches {target:.4f} after {needed} passes")
assert needed == 25 and table.loc[3, "a = 1.0"] < table.loc[1, "a = 0.6"]

# %% [markdown]
# With $a = 0.6$, mini-batch EM is at 3.4044 after two passes, which
# full-batch EM needs 25 passes to reach, and at 3.4053 after three, near
# the 3.4055 where full-batch EM ends after 37: 274 M-steps per pass
# instead of one.
#
# With $a = 1$ the statistics average every batch so far, the early ones
# computed under poor parameters, with equal weights: after three passes
# (3.2846) it is still below $a = 0.6$ after one (3.3560). The constant
# $\gamma = 0.05$ starts more slowly than $a = 0.6$, as its smaller early
# steps predict, and nearly catches up in the third pass (3.4053 against
# 3.40535 after $2\frac{3}{4}$ passes). But it never stops
# moving: $s$ takes in 5% of each new batch's noise for ever and ends in a
# cloud around the fixed point, of a size that shrinks with $\gamma$,
# where a falling step shrinks the cloud to nothing. Larger batches also
# cut the noise, at fewer M-steps per pass.
#
# Unlike full-batch EM's, a mini-batch log-likelihood can dip: each step
# follows one batch, not all the data. In the last quarter pass the
# constant step dips from 3.4053 to 3.4050 and $a = 0.6$ a little, from
# 3.40535 to 3.40531 (the rises of the right panel's last points), while
# $a = 1$, whose steps are by then tiny, still climbs:

# %%
ends = {label: np.round(run.log_likelihoods[-2:] / N, 5).tolist() for label, run in runs.items()}
for label, (before, after) in ends.items():
    print(f"{label:18s} after 2¾ passes {before:.5f}, after 3 {after:.5f}")
assert ends["a = 0.6"] == [3.40535, 3.40531] and ends["constant γ = 0.05"] == [3.4053, 3.405]
assert ends["a = 1.0"][1] > ends["a = 1.0"][0]

# %% [markdown]
# ## 5. Do the fits give the same picture?
#
# Each pixel in the mean colour of its most probable component, for
# full-batch EM after 37 passes and mini-batch EM ($a = 0.6$) after three;
# the components numbered from dark to bright (`canonical`, by the red of
# the means), the mini-batch fit numbered to match. The last panel marks
# the pixels where the two disagree:

# %%
full_params = canonical(in_memory.params)                 # numbered darkest first
mini_params = canonical(runs["a = 0.6"].params, full_params)
labels_full, labels_mini = gmmlib.predict(X, full_params), gmmlib.predict(X, mini_params)
differ = labels_full != labels_mini
rows, cols = np.divmod(np.flatnonzero(differ), photo.shape[1])
pictures = {"the photograph": photo / 255,
            f"full-batch EM, {in_memory.n_iter} passes": full_params.means[labels_full],
            "mini-batch EM (a = 0.6), 3 passes": mini_params.means[labels_mini],
            f"the {differ.sum()} pixels where they differ": 0.35 * photo / 255 + 0.65}
fig, axes = plt.subplots(2, 2, figsize=(12.5, 9.6), layout="constrained")
for ax, (title, picture) in zip(axes.flat, pictures.items()):
    ax.imshow(picture.reshape(photo.shape), interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])
axes[1, 1].scatter(cols, rows, s=60, facecolors="none", edgecolors="black", linewidths=1.5,
                   label="a pixel the two fits put in different components")
axes[1, 1].legend(loc="lower left", fontsize=12)
names = [f"component {k}: {full_params.weights[k]:.0%} / {mini_params.weights[k]:.0%}"
         for k in range(K)]
swatches = [tuple(Line2D([], [], marker="s", ms=18, ls="none", color=p.means[k],
                         markeredgecolor="black") for p in (full_params, mini_params))
            for k in range(K)]
fig.legend(swatches, names, ncols=K, loc="outside lower center", fontsize=12,
           handler_map={tuple: HandlerTuple(ndivide=None)},
           title="mean colours (full-batch, mini-batch) and weights (full-batch / mini-batch)")
plt.show()
moves = pd.Series(list(zip(labels_full[differ].tolist(), labels_mini[differ].tolist())))
moves = moves.value_counts().to_dict()
print(f"pixels in the same component: {1 - differ.mean():.2%}; "
      "(full-batch, mini-batch) component of the others:", moves)
assert np.all(np.diff(full_params.means[:, 0]) > 0) and round(1 - differ.mean(), 4) == 0.9996
assert np.round(full_params.weights, 2).tolist() == [0.21, 0.43, 0.37]

# %% [markdown]
# Component 0 (21% of the pixels, nearly black) takes the leaves and the
# shadows; component 1 (43%, a middle grey-brown) the lake, the far shore
# and the lit parts of the tower; component 2 (37%, a pale blue-white) the
# sky. The two fits agree on 99.96% of the pixels. The 121 others sit
# between two components: 82 pale pixels along the hazy horizon (far left,
# and behind the lake) and at the edges of the roofs against the sky, which
# mini-batch EM gives to the sky and full-batch EM to component 1; 31 dark
# teal pixels (mean colour about 0.14, 0.18, 0.18), most of them in the
# tower's painted woodwork and 3 in the trees, which full-batch EM gives to
# component 0 and mini-batch EM to 1; and 8 dim brown ones (about 0.31,
# 0.29, 0.22) that go the other way, from component 1 to 0.

# %% [markdown]
# ## Summary
#
# - Stepwise EM keeps the statistics averaged over the points, $s = (\bar N_k, \bar S_k, \bar T_k)$, moves them after every batch, $s \leftarrow (1 - \gamma_t)\, s + \gamma_t\, \mathrm{stats}(B_t)/|B_t|$, and makes an M-step from them: many M-steps per pass instead of one.
# - Each epoch visits the points once, in a fresh random order cut into batches, the last one shorter.
# - It is stochastic approximation (Robbins and Monro): for independent draws, regular models and steps with $\sum_t \gamma_t = \infty$, $\sum_t \gamma_t^2 < \infty$, Cappé and Moulines prove convergence to stationary points of the log-likelihood; shuffled passes are common practice outside their theorem.
# - Here $a = 0.6$ is after 2 passes where full-batch EM is after 25; $a = 1$ remembers its poor early batches too long; a constant $\gamma$ never stops moving.
# - Three passes of mini-batch EM segment the photograph like 37 of full-batch EM, all but 0.04% of the pixels.
#
# ## Where next
#
# This is the last lesson of the course. To go on:
#
# - **Back to lesson 02.** The bound $B(q, \theta)$ justifies more ways of
#   cutting EM into pieces: Neal and Hinton's *incremental EM* keeps each
#   chunk's statistics, and after the E-step of one chunk replaces that
#   chunk's share of the total before an M-step: the bound never goes down,
#   and there is no step size to choose (their paper closes lesson 02).
# - **Bayesian mixtures at scale.** The variational updates of
#   `BayesianGaussianMixture` (lesson 10) use the same $N_k$, $S_k$, $T_k$;
#   *stochastic variational inference* (Hoffman, Blei, Wang and Paisley,
#   *Journal of Machine Learning Research* 14, 2013) is to it what stepwise
#   EM is to EM. scikit-learn's own mini-batch clustering is `MiniBatchKMeans`.
# - **Read** Cappé and Moulines, "On-line expectation-maximization algorithm
#   for latent data models" (*Journal of the Royal Statistical Society B* 71,
#   2009), for the theorem and the averaging of the iterates, and Liang and
#   Klein, "Online EM for unsupervised models" (NAACL 2009), for step sizes
#   and batch sizes in practice.
# - **Try** `fit_minibatch` on this photograph with $K = 5$, with batches of
#   100 and of 10 000 pixels, or with `step=lambda t: 0.01`.
