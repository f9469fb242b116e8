# %% [markdown]
# # Lesson 03: Singularities and how to avoid them
#
# **What you will do.** Take a small data set, put a very narrow Gaussian on
# one of its points, and watch the log-likelihood climb as far as you like.
# Then watch EM find that trick by itself and crash, and repair the fit four
# different ways, comparing what each repair does to the same data.
#
# **What you will learn.**
# - why the likelihood of a Gaussian mixture has no maximum, and which term runs off to infinity;
# - what a collapsing component looks like during EM, and what `gmmlib` reports when it happens;
# - four remedies: adding a small $\varepsilon$ to every variance (`reg_covar`), a prior on the
#   covariances (MAP-EM), re-initialising the collapsed component, and fewer components,
#   and what each can and cannot do;
# - why a positive log-likelihood is not a bug, and why a mixture always has $K!$ equally good labellings.
#
# **What you need.** Lesson 01 (the E-step, the M-step and the log-likelihood).
# Lesson 02 helps for the two-dimensional example of section 7 and for the last
# section, but is not required.
#
# **Time.** About 50 minutes.

# %%
import itertools

import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from scipy.special import logsumexp
from scipy.stats import norm

import gmmlib
from gmmlib.components import match_components, permute_components
from gmmlib.plotting import (component_colors, grid_for, plot_log_likelihood, plot_mixture_1d,
                             plot_mixture_2d, use_course_style, weighted_component_densities)

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. The data: two groups and a straggler
#
# Twenty-four measurements, recorded to one decimal: twelve from a group
# around $-2$ and twelve from a group around $2$. Look at the sorted values:
# the smallest one, $-3.1$, sits a little apart from the rest of its group.
# Remember it; it will cause all the trouble.

# %%
rng = np.random.default_rng(11)
x = np.concatenate([rng.normal(-2.0, 0.6, 12), rng.normal(2.0, 0.8, 12)]).round(1)
N = x.size
j = int(np.argmin(x))  # the straggler

print("sorted data:", np.sort(x))
print(f"the straggler x[{j}] = {x[j]}; next smallest: {np.sort(x)[1]}")

# %% [markdown]
# Two components suit these data. We fit them with `gmmlib.fit` as in lesson
# 01, and keep the result as a reference: every other fit in this lesson will
# be compared with its log-likelihood.

# %%
two = gmmlib.fit(x, 2, reg_covar=0, seed=1)
print(f"converged after {two.n_iter} iterations, log-likelihood {two.log_likelihoods[-1]:.4f}")
print("weights  ", two.params.weights)
print("means    ", two.params.means[:, 0])
print("variances", two.params.covariances[:, 0, 0])

# %% [markdown]
# ## 2. The likelihood has no maximum
#
# Now add a third component, a **spike**: weight $0.05$, centred exactly on the
# straggler $x_j = -3.1$, with a standard deviation $\sigma$ of our choosing. The
# two fitted components keep their shapes and share the remaining weight $0.95$.
# What happens to the log-likelihood as $\sigma$ shrinks?

# %%
spike_weight = 0.05


def spike_mixture(sigma):
    """The two fitted components (weights scaled by 0.95) plus a spike on x[j]: 1-D arrays."""
    weights = np.append((1 - spike_weight) * two.params.weights, spike_weight)
    means = np.append(two.params.means[:, 0], x[j])
    sds = np.append(np.sqrt(two.params.covariances[:, 0, 0]), sigma)
    return weights, means, sds


def log_density_per_point(sigma):
    """log p(x_i) for every point, in log space (lesson 01, section 8)."""
    weights, means, sds = spike_mixture(sigma)
    return logsumexp(np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=sds), axis=1)


sigmas = 10.0 ** -np.arange(9)  # 1, 0.1, ..., 1e-8
rows = []
for sigma in sigmas:
    log_p = log_density_per_point(sigma)
    rows.append({"σ": sigma, "log p(x_j)": log_p[j], "other 23 points": log_p.sum() - log_p[j],
                 "log-likelihood": log_p.sum()})
table = pd.DataFrame(rows)
table["gain"] = table["log-likelihood"].diff()  # over the row above
with pd.option_context("display.float_format", "{:.4g}".format):
    display(table)

# %% [markdown]
# Read the columns from left to right. Once $\sigma$ is below $0.01$, the
# straggler's own term grows by almost exactly $\log 10 = 2.303$ each time
# $\sigma$ is divided by ten, while the sum over the other 23 points does not move
# at all (to four digits, from $\sigma = 0.1$ on). So the total climbs by $2.303$
# per row, and there is no last row: at $\sigma = 10^{-8}$ the log-likelihood is
# already about $17$ above the honest two-component fit's $-36.00$, and
# $\sigma = 10^{-80}$ would add another $166$.
#
# **Why.** Write out the straggler's term:
#
# $$\log p(x_j) = \log\Big(0.95\, p_{\text{two}}(x_j) + \frac{0.05}{\sqrt{2\pi}\,\sigma}\Big)
#   \;\ge\; \log 0.05 - \tfrac12 \log 2\pi - \log \sigma \;\xrightarrow[\sigma \to 0]{}\; \infty,$$
#
# because the spike's density at its own centre is $1/(\sqrt{2\pi}\,\sigma)$: the
# exponential is $e^0 = 1$ there. Every other point $x_i$ lies a distance $d_i > 0$
# from the spike, where the spike's density $e^{-d_i^2/2\sigma^2}/\sigma$ dies out
# much faster than $1/\sigma$ grows, so $\log p(x_i) \to \log\big(0.95\, p_{\text{two}}(x_i)\big)$:
# finite, **thanks to the other components**. One infinite term, 23 finite ones.
# The numbers agree:

# %%
log_p_tiny = log_density_per_point(1e-8)
two_densities = gmmlib.log_mixture_density(x, two.params)  # log p_two(x_i)
others = np.arange(N) != j
print(f"log p(x_j) + log sigma at sigma = 1e-8:      {log_p_tiny[j] + np.log(1e-8):.4f}")
print(f"log 0.05 - log(2 pi) / 2:                    {np.log(spike_weight) - 0.5 * np.log(2 * np.pi):.4f}")
print(f"other points at sigma = 1e-8:                {log_p_tiny[others].sum():.4f}")
print(f"their limit, sum of log(0.95 p_two(x_i)):     {(np.log(1 - spike_weight) + two_densities[others]).sum():.4f}")

# %% [markdown]
# A single Gaussian cannot play this trick: with nothing else in the model, the
# other points would sit in the spike's vanishing tails and their terms would
# fall to $-\infty$ far faster. The danger comes from mixing: one component
# shrinks onto a point while the others look after the rest.

# %%
single = norm.logpdf(x, loc=x[j], scale=0.01).sum()
print(f"one Gaussian N(x_j, 0.01^2) alone: log-likelihood {single:.4g}")

# %% [markdown]
# The same climb over a continuous range of $\sigma$, on a logarithmic axis,
# with `gmmlib` computing the log-likelihood as a check on our numpy:

# %%
sigma_grid = np.logspace(-8, 1, 200)
per_point = np.array([log_density_per_point(s) for s in sigma_grid])  # (200, N)
weights_4, means_4, sds_4 = spike_mixture(1e-4)
params_at_1e4 = gmmlib.GMMParams.from_1d(weights_4, means_4, sds_4**2)  # variances, not standard deviations
print("gmmlib agrees at sigma = 1e-4:",
      np.isclose(gmmlib.log_likelihood(x, params_at_1e4), log_density_per_point(1e-4).sum()))

colors = component_colors(3)
fig, ax = plt.subplots(figsize=(9, 4.5))
ax.plot(sigma_grid, per_point.sum(axis=1), color="black", lw=2.5, label="log-likelihood")
ax.plot(sigma_grid, per_point[:, j], color=colors[2], lw=2, ls="--", label="term of the straggler $x_j$")
ax.plot(sigma_grid, per_point[:, others].sum(axis=1), color="0.5", lw=2, ls=":",
        label="sum over the other 23 points")
ax.axhline(two.log_likelihoods[-1], color="tab:red", lw=1.5, ls="-.", label="two components, no spike")
ax.set_xscale("log")
ax.set_xlabel("spike's standard deviation $\\sigma$ (log scale)")
ax.set_ylabel("log-likelihood")
ax.set_title("shrinking a spike on one point: the log-likelihood never stops rising")
ax.grid(alpha=0.3)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# On the log axis the climb is a straight line: the slope is one unit of
# log-likelihood per factor $e$ of $\sigma$, the $-\log\sigma$ of the formula.
# The dotted sum over the other points is flat at the left; the whole climb is
# the straggler's dashed term. At large $\sigma$ the spike is no spike at all,
# just a wide, light component that helps the other points a little (the small
# bump of the dotted curve) and the straggler hardly more. The black curve
# crosses the red dash-dotted line of the two-component fit near $\sigma = 0.3$ and never comes back.
#
# ## 3. Shrink the spike yourself
#
# Drag the slider to shrink $\sigma$ (a logarithmic slider: each notch divides it by
# the same factor). The left panel draws the weighted densities on a logarithmic
# axis, so the spike's height and the two wide bumps show at once; the readout
# prints the log-likelihood. `gmmlib.singularity.spike_explorer` builds it in one call.

# %% tags=["nbval-ignore-output"]
from gmmlib.singularity import spike_explorer

explorer = spike_explorer(x, j, base=two.params, weight=spike_weight, sigma=1.0)
explorer

# %% [markdown]
# Things to try: find the $\sigma$ where the log-likelihood passes $-36.00$, the
# honest two-component fit's; watch the spike's height as you go (it rises
# tenfold per decade of $\sigma$), and the green curve's tails, which vanish from
# the other points. An instructor can set the slider from code:

# %%
explorer.slider.value = 1e-4
total, term = explorer.log_likelihoods
print(f"sigma = {explorer.sigma:.0e}: log-likelihood {total:.4f}, term of the straggler {term:.4f}")
print("same as the table's row:", np.isclose(total, table.loc[4, "log-likelihood"]))

# %% [markdown]
# Here is the explorer's picture at $\sigma = 10^{-4}$, drawn as a static figure so that
# it shows even without a running notebook: the spike on $x_j$ towers over the two
# wide components, and the red dot on the right has climbed the curve.

# %%
explorer.figure
#
# ## 4. EM finds the spike by itself
#
# Nothing stops EM from discovering this trick. Fit **three** components to
# our two groups, one more than they need, with `reg_covar=0` (the pure M-step
# of lesson 01) and the start that `seed=1` picks. `gmmlib` watches every
# covariance after every M-step. When a variance of one of them falls below
# $10^{-12}$ times the data's variance (or below 0, which rounding can produce), the
# component has shrunk onto a single point (or, in several dimensions, onto a
# line of points: section 7), and `fit` stops with a `SingularityError` that
# says what happened and what to do:

# %%
try:
    gmmlib.fit(x, 3, reg_covar=0, seed=1)
except gmmlib.SingularityError as err:
    collapse = err
    print(err)
    print("component:", err.component, "  iteration:", err.iteration)

# %% [markdown]
# The error carries the fit up to the collapse in `err.result`: the parameters
# after every iteration that still made sense. Here are the three variances,
# iteration by iteration, on a logarithmic axis, next to the log-likelihood.

# %%
before = collapse.result
variances = np.array([p.covariances[:, 0, 0] for p in before.history])  # (iterations + 1, K)
k_bad = collapse.component

fig, (ax_v, ax_ll) = plt.subplots(1, 2, figsize=(12, 4.3), layout="constrained")
for k, c in enumerate(component_colors(3)):
    ax_v.plot(variances[:, k], "o-", ms=3, color=c, label=f"component {k}")
ax_v.set_yscale("log")
ax_v.set_xlabel("iteration")
ax_v.set_ylabel("variance $\\sigma_k^2$ (log scale)")
ax_v.set_title(f"component {k_bad} shrinks, then collapses")
ax_v.legend()
ax_v.grid(alpha=0.3)
plot_log_likelihood(ax_ll, before.log_likelihoods)
ax_ll.axhline(two.log_likelihoods[-1], color="tab:red", lw=1.5, ls="-.", label="two components")
ax_ll.set_ylim(-37, -33.5)  # the first iterations, from far below, are off the panel
ax_ll.set_title("the log-likelihood creeps, then jumps")
ax_ll.legend(loc="upper left")
plt.show()

ll_before = before.log_likelihoods
print(f"iterations completed before the collapse: {before.n_iter}")
print(f"log-likelihood at the start: {ll_before[0]:.2f}, at iteration 4: {ll_before[4]:.2f}")
print("above the two-component fit from iteration", int(np.argmax(ll_before > two.log_likelihoods[-1])), "on")
print(f"mean of the collapsing component: {before.params.means[k_bad, 0]:.4f}")
print("its variance, iterations 38 to 42:", variances[38:, k_bad])
print("log-likelihood, iterations 38 to 42:", ll_before[38:].round(3))
print(f"its effective number of points N_k (from the E-step of iteration 42): {before.params.weights[k_bad] * N:.3f}")

# %% [markdown]
# For a long time nothing looks alarming. The right panel is zoomed in (the start,
# at $-52.35$, and the first few iterations lie below it). From iteration 12 on the
# log-likelihood sits just above the two-component fit's (red), creeping up by
# hundredths, while component 2 (green) slowly narrows and drifts to the left
# edge of the left group. From iteration 39 to 42 it plunges: it now sits on the
# straggler, at $-3.096$, holding a little less than one point's worth of
# responsibility, and every iteration shrinks it faster, from $0.136$ to $0.0032$ in
# three steps, while the log-likelihood jumps from $-35.73$ to $-33.98$.
#
# The next M-step is the one that failed. Redo it by hand: the E-step on the
# last good parameters, then the weighted variance of lesson 01.

# %%
resp = gmmlib.e_step(x, before.params)
N_k = resp.sum(axis=0)
means_next = resp.T @ x / N_k
S_k = (resp * (x[:, None] - means_next) ** 2).sum(axis=0)  # sum_i r_ik (x_i - mu_k)^2
ml_variances = S_k / N_k

print("N_k (from the E-step of iteration 43):", N_k)
print("new variances of components 0 and 1:", ml_variances[:2])
print(f"new variance of component {k_bad} below 1e-12 * var(x):", ml_variances[k_bad] < 1e-12 * x.var())
print(f"                        ... and even below 1e-30 * var(x):", ml_variances[k_bad] < 1e-30 * x.var())

# %% [markdown]
# The two printed values of $N_k$ differ ($0.981$ for component 2 against $0.928$
# above) because they come from two different E-steps: the weights of the last
# good parameters were computed from the responsibilities of iteration 42, and
# this E-step, on those parameters, is one step later. In between, component 2
# became narrower and taller on the straggler and took more of it.
#
# Component 2 now owns the straggler and almost nothing else, so its weighted
# variance around its own mean is, to within rounding, zero: more than thirty
# orders of magnitude below the data's variance. (We do not print the value
# itself: at that size it is rounding noise, and would differ from one computer
# to the next.) This is the spike of section 2 with $\sigma = 0$, and a
# log-likelihood of $+\infty$. EM did exactly its job, raising the likelihood,
# and that is the problem.
#
# The error message offers four ways out. Three of them are the remedies of the
# next sections: `reg_covar` (section 5), a `covariance_prior` (section 6) and
# fewer components (section 8). The fourth, rescaling the data, is for data
# whose numbers are so small or so large that an honest variance looks
# degenerate; it cannot cure a spike: the threshold is relative to the data's
# own variance, and a variance of zero stays zero in any unit.
#
# ## 5. Remedy 1: add $\varepsilon$ to every variance, `reg_covar`
#
# The simplest repair adds a small number $\varepsilon$ to every variance (in
# several dimensions, $\varepsilon I$ to every covariance) at every M-step:
#
# $$\sigma_k^2 = \frac{1}{N_k}\sum_i r_{ik}\,(x_i - \mu_k)^2 + \varepsilon .$$
#
# No variance can then drop below $\varepsilon$. This is often called a *variance
# floor*, but it is not one: a floor would be $\max(\sigma_k^2, \varepsilon)$ and
# would leave every variance above $\varepsilon$ alone. `reg_covar` adds
# $\varepsilon$ to **every** variance, also to those of well-populated components.
# `gmmlib.fit` uses $\varepsilon = 10^{-6}$ by default, as scikit-learn does. On our data:

# %%
floor_tiny = gmmlib.fit(x, 3, reg_covar=1e-6, seed=1)
floor_wide = gmmlib.fit(x, 3, reg_covar=0.1, seed=1)
for name, res, eps in (("reg_covar=1e-6", floor_tiny, 1e-6), ("reg_covar=0.1 ", floor_wide, 0.1)):
    v = res.params.covariances[:, 0, 0]
    print(f"{name}: converged {res.converged} after {res.n_iter} iterations, "
          f"log-likelihood {res.log_likelihoods[-1]:.4f}")
    print(f"    weights {res.params.weights}, means {res.params.means[:, 0]}")
    print(f"    variances [{', '.join(f'{vk:.3g}' for vk in v)}], all >= reg_covar: {np.all(v >= eps)}")
print(f"variance of the right group: {two.params.covariances[1, 0, 0]:.3f} without reg_covar (K = 2), "
      f"{floor_wide.params.covariances[1, 0, 0]:.3f} with reg_covar=0.1")
print(f"reg_covar=0.1, change of the log-likelihood in the last iteration: {np.diff(floor_wide.log_likelihoods)[-1]:.1e}")

# %% [markdown]
# Both fits complete, and no variance is below $\varepsilon$. But look at the
# default fit: component 2 sits on the straggler $-3.1$ with weight $1/24$ (one
# point's share) and variance $10^{-6}$, $\varepsilon$ itself (its own spread is 0):
# a spike of standard deviation $0.001$. The crash is gone, the spike is not, and
# its log-likelihood, $-29.95$, is the highest of any fit of these data that
# completes in this lesson. $\varepsilon$ is measured in the units of the data:
# $10^{-6}$ is nothing next to variances of about $0.3$, and an $\varepsilon$ of $0.1$
# keeps every component wide enough to cover several points.
#
# That $0.1$ has a price. It is added to the well-populated components too: the
# right group, whose twelve points have a variance of $0.294$ (the $K = 2$ fit),
# gets $0.394$, a variance a third larger than its data's. And EM loses the guarantee of
# lesson 01 that no iteration lowers the log-likelihood: the M-step with
# $\varepsilon$ added no longer maximises what the E-step set up. Here the
# log-likelihood rises for twelve iterations and then falls a little at every
# one; the printed change of the last is $-1.2 \times 10^{-5}$. A fall is not
# convergence: `gmmlib` stops only once the change, up or down, is below `tol`
# in two iterations in a row and the parameters have stopped moving (lesson 01's
# rule), so the fit ends at 19 iterations, not at the first fall.

# %%
grid = np.union1d(grid_for(x, 800), x)  # the data points are on the grid, so a spike is drawn at its peak
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), sharey=True, layout="constrained")
for ax, res, title in ((axes[0], floor_tiny, "reg_covar = 1e-6: a spike survives"),
                       (axes[1], floor_wide, "reg_covar = 0.1: no spike")):
    drawn = plot_mixture_1d(ax, res.params, grid, data=x, bins=20)
    drawn["mixture"].set_zorder(1.5)  # the dashed components on top of the black mixture
    ax.set_title(title)
axes[0].set_ylim(0, 1.0)
peak = weighted_component_densities([x[j]], floor_tiny.params)[2, 0]
axes[0].annotate(f"component 2 reaches {peak:.1f}", xy=(x[j], 0.97), xytext=(-1.6, 0.85),
                 arrowprops=dict(arrowstyle="->"))
axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# On the left, component 2 is a needle at $-3.1$ (cut off by the axis; its true
# height is printed). On the right, the larger $\varepsilon$ changed the answer: the
# green component is now light (weight $0.028$) and wide, and lies inside the
# left group instead of on a single point, and every component is wider than
# its data. `reg_covar` prevents the crash; whether it prevents the spike depends
# on choosing $\varepsilon$ on the scale of the data, and a large $\varepsilon$ blurs
# every component.
#
# ## 6. Remedy 2: a prior on the covariances (MAP-EM)
#
# Instead of a hard rule, say in advance what covariances are plausible, and
# let the data overrule that only when they have enough points to do so. With
# an inverse-Wishart prior $\mathrm{IW}(\Psi, \nu)$ on each covariance, EM maximises
# the log-likelihood **plus** the log-prior (the *maximum a posteriori*, MAP,
# estimate). In one dimension ($D = 1$, $\Psi$ a number) the inverse-Wishart is the
# scaled inverse-$\chi^2$ density
#
# $$p(\sigma^2) \;\propto\; (\sigma^2)^{-(\nu + 2)/2}\, \exp\!\Big(-\frac{\Psi}{2\sigma^2}\Big).$$
#
# **Why this stops the spike.** As $\sigma_k \to 0$, the log-likelihood can gain at most
# about $-\log\sigma_k$ (section 2), while the log-prior contains $-\Psi/(2\sigma_k^2)$,
# which goes to $-\infty$ far faster than $-\log\sigma_k$ goes to $+\infty$. So
# log-likelihood + log-prior is bounded above and has a maximum: the spike now
# loses.
#
# **The update.** Only the covariance step changes. In 1-D, the part of the
# objective that depends on $v = \sigma_k^2$ is
# $-\frac{N_k}{2}\log v - \frac{S_k}{2v} - \frac{\nu + 2}{2}\log v - \frac{\Psi}{2v}$
# (likelihood, then prior), with $S_k = \sum_i r_{ik}(x_i - \mu_k)^2$. Its
# derivative $-\frac{N_k + \nu + 2}{2v} + \frac{S_k + \Psi}{2v^2}$ is zero at
# $v = (S_k + \Psi)/(N_k + \nu + 2)$, and $\nu + 2 = \nu + D + 1$ for $D = 1$. In $D$
# dimensions the same calculation gives
#
# $$\Sigma_k = \frac{S_k + \Psi}{N_k + \nu + D + 1}, \qquad S_k = \sum_i r_{ik}\,(x_i - \mu_k)(x_i - \mu_k)^\top .$$
#
# Read it as if $\nu + D + 1$ pseudo-points had been added to every component,
# with a total scatter $\Psi$ (their sum of squared deviations, added to $S_k$).
# So $\Psi$ is not itself a variance the prior pushes towards: the prior's *mean*
# is $\Psi/(\nu - D - 1)$ (which is $\Psi$ for $\nu = D + 2$), but its *mode*, the
# single most probable covariance, is $\Psi/(\nu + D + 1)$, and that is what a
# component with $N_k = 0$ gets. A component with $N_k$ points can never go below
# $\Psi/(N_k + \nu + D + 1)$; a component with hundreds of points hardly notices the prior.
# `CovariancePrior.from_data` picks a weak default: $\Psi$ is the data's variance
# divided by $K^{2/D}$ (the spread of one of $K$ equal clusters), and $\nu = D + 2$.

# %%
prior = gmmlib.CovariancePrior.from_data(x, 3)
psi, nu, D = prior.scale_matrix(1)[0, 0], prior.dof, 1  # Psi is a 1 x 1 matrix here
print(f"Psi = {psi:.4f}, nu = {nu:g}")
print(f"prior mean Psi / (nu - D - 1) = {psi / (nu - D - 1):.4f}, prior mode Psi / (nu + D + 1) = {psi / (nu + D + 1):.4f}")
print(f"a component with N_k = 1 keeps a variance of at least Psi / (1 + nu + D + 1) = {psi / (1 + nu + D + 1):.4f}")

# %% [markdown]
# Check the bound on the spike of section 2: add the log-prior of its three
# variances to the log-likelihood, and shrink $\sigma$ again.

# %%
rows = []
for sigma in (1.0, 0.3, 0.1, 0.03, 0.01):
    weights_s, means_s, sds_s = spike_mixture(sigma)
    log_lik = log_density_per_point(sigma).sum()
    log_prior = sum(prior.log_density(sd**2) for sd in sds_s)
    rows.append({"σ": sigma, "log-likelihood": log_lik, "log-prior": log_prior,
                 "log-likelihood + log-prior": log_lik + log_prior})
with pd.option_context("display.float_format", "{:.2f}".format):
    display(pd.DataFrame(rows))

# %% [markdown]
# The log-likelihood still rises as $\sigma$ shrinks, but below $\sigma \approx 0.3$ the
# log-prior falls much faster, and their sum drops away: no spike can win any more.
#
# Redo the M-step that collapsed in section 4, with the prior, from the same
# responsibilities `resp` and the $N_k$ and $S_k$ computed there:

# %%
map_variances = (S_k + psi) / (N_k + nu + D + 1)
by_gmmlib = gmmlib.m_step(x, resp, reg_covar=0, covariance_prior=prior)

print("variances, maximum likelihood (S_k / N_k), components 0 and 1:", ml_variances[:2])
print("variances, MAP ((S_k + Psi) / (N_k + nu + D + 1)):             ", map_variances)
print("gmmlib.m_step agrees:", np.allclose(by_gmmlib.covariances[:, 0, 0], map_variances),
      " means unchanged:", np.allclose(by_gmmlib.means[:, 0], means_next))

# %% [markdown]
# The component that was about to collapse gets a variance of $0.074$ instead of
# zero: with $S_k \approx 0$ and $N_k \approx 1$, that is the bound printed above. The two
# big components move too, by about a fifth: with only eleven or twelve points
# each, the prior's five pseudo-points still count; with hundreds of points
# they would hardly matter.
#
# Now the whole fit, with the default stopping rule. With a prior, EM raises the
# log-likelihood *plus the log-prior* at every step, not the log-likelihood
# alone, which may dip now and then. `gmmlib` knows this: its `tol` applies to the
# sum, so the fit stops when the objective it climbs has settled. We compute that
# objective from the history, and run the same fit much longer to check that the
# stop was not premature.

# %%
map_fit = gmmlib.fit(x, 3, reg_covar=0, seed=1, covariance_prior=prior)
map_ll = map_fit.log_likelihoods
map_objective = np.array([ll + sum(prior.log_density(S) for S in p.covariances)
                          for ll, p in zip(map_ll, map_fit.history)])
print(f"converged {map_fit.converged} after {map_fit.n_iter} iterations, log-likelihood {map_ll[-1]:.4f}")
print("weights  ", map_fit.params.weights)
print("means    ", map_fit.params.means[:, 0])
print("variances", map_fit.params.covariances[:, 0, 0])
print(f"largest drop of the log-likelihood on the way: {np.diff(map_ll).min():.4f}")
print("log-likelihood + log-prior rose at every iteration:", bool(np.all(np.diff(map_objective) > 0)))

map_long = gmmlib.fit(x, 3, reg_covar=0, seed=1, covariance_prior=prior, tol=0, max_iter=200)
long_objective = map_long.log_likelihoods[-1] + sum(prior.log_density(S) for S in map_long.params.covariances)
print(f"after 200 iterations: log-likelihood {map_long.log_likelihoods[-1]:.4f}; "
      f"log-likelihood + log-prior {long_objective - map_objective[-1]:+.0e} from the stop")
print("largest change of a mean or variance:",
      f"{max(np.abs(map_long.params.means - map_fit.params.means).max(), np.abs(map_long.params.covariances - map_fit.params.covariances).max()):.3f}")

# %% [markdown]
# No collapse, and no component on the straggler: the left group is split
# between component 0 (around $-1.3$, variance $0.072$, the smallest) and component 2
# (around $-2.2$, straggler included). The log-likelihood, $-35.96$, is slightly above the two-component fit's and far below
# the spike's. The printed drop shows the dip mentioned above: the log-likelihood
# alone is not what MAP-EM climbs, while the sum with the log-prior rose at every
# step. Running 200 iterations instead of 42 moves the objective by less than
# $10^{-4}$ and the parameters in the third decimal: the default stop was at the MAP
# fixed point, to the precision that `tol` asks for.
#
# ## 7. Remedy 3: restart the collapsed component
#
# A collapse can be an accident of the path: a component wandered onto a lone
# point early and got stuck. Then the cure is to throw that component away and
# restart it somewhere else. With `on_collapse="reinit"`, `gmmlib.fit` puts a
# collapsing component on the point the current mixture explains worst, gives it the
# variance of all the data, and carries on; `result.reinitialised` lists each
# restart as (iteration, component). If the same component collapses again after
# 2 restarts, `fit` gives up and raises `SingularityError` after all.
#
# ### On our 24 points: the straggler pulls it back
#
# First our data, with the same start as in section 4 and the default stopping rule:

# %%
restarted = gmmlib.fit(x, 3, reg_covar=0, seed=1, on_collapse="reinit")
ll_re = restarted.log_likelihoods
print("restarts (iteration, component):", restarted.reinitialised)
print(f"log-likelihood just before and just after the restart: {ll_re[42]:.4f}, {ll_re[43]:.4f}")
print(f"converged {restarted.converged} after {restarted.n_iter} iterations, log-likelihood {ll_re[-1]:.4f}")
print(f"weight of component 2 at the stop: {restarted.params.weights[2]:.1e}")
print("its mean, last 3 iterations:", ", ".join(f"{p.means[2, 0]:.3f}" for p in restarted.history[-3:]))

# %% [markdown]
# This looks like a success: one restart at iteration 43, then `converged True`.
# But the stop says little here. Component 2 ends with a weight of $5.6 \times 10^{-5}$,
# so whatever it does hardly changes the log-likelihood, and the gain per point
# fell below `tol` while the component was still moving: its mean went from $-2.13$
# to $-2.22$ in the last two iterations, heading left, towards the straggler. Run the same fit longer,
# with `tol=0` and up to 1000 iterations:

# %%
try:
    gmmlib.fit(x, 3, reg_covar=0, seed=1, on_collapse="reinit", tol=0, max_iter=1000)
except gmmlib.SingularityError as err:
    gave_up = err
    print(err)
    print("restarts (iteration, component):", err.result.reinitialised)
    print("component:", err.component, "  iteration:", err.iteration)

long_run = gave_up.result
mean_2 = np.array([p.means[2, 0] for p in long_run.history])
var_2 = np.array([p.covariances[2, 0, 0] for p in long_run.history])
for it in (43, 78, 95, 96, long_run.n_iter):
    print(f"iteration {it:3d}: component 2 at {mean_2[it]:6.3f}, weight {long_run.history[it].weights[2]:.1e}")
print(f"its variance at iteration {long_run.n_iter} below 1e-6: {var_2[-1] < 1e-6}")

# %%
fig, (ax_ll, ax_m) = plt.subplots(1, 2, figsize=(13, 4.3), layout="constrained")
plot_log_likelihood(ax_ll, long_run.log_likelihoods, ms=2)
ax_m.plot(mean_2, "o-", ms=2, color=component_colors(3)[2], label="mean of component 2")
for value, name in ((x[j], "straggler"), (np.sort(x)[12], "lowest point of the right group")):
    ax_m.axhline(value, color="0.5", lw=1, ls=":")
    ax_m.annotate(f"{name}, {value:g}", xy=(2, value), xytext=(2, value + 0.15), fontsize=10)
for ax in (ax_ll, ax_m):
    for iteration, k in long_run.reinitialised:
        ax.axvline(iteration, color="tab:red", lw=1.5, ls="--")
    ax.axvline(gave_up.iteration, color="black", lw=1.5, ls="--")
ax_ll.axhline(two.log_likelihoods[-1], color="tab:red", lw=1.5, ls="-.", label="two components")
ax_ll.set_ylim(-40, -29)
ax_ll.legend(loc="upper left")
ax_ll.set_title("restarts at 43 and 96 (red), gives up at 128 (black)")
ax_m.set_xlabel("iteration")
ax_m.set_ylabel("mean of component 2")
ax_m.set_title("the restarted component is pulled back onto a lone point")
ax_m.grid(alpha=0.3)
plt.show()

# %% [markdown]
# Each restart puts component 2 on $0.8$, the lowest point of the right group and
# the one the other two components explain worst. From there it wanders back,
# losing weight, to the straggler $-3.1$; at iteration 96 it collapses onto it a
# second time and is restarted on $0.8$ again. This time it wanders along the left
# edge of the right group (its mean goes down to about $0.2$ and up to about $1.4$),
# comes back to $0.8$, shrinks onto that lone point, and at iteration 128 collapses
# for the third time: `gmmlib` gives up with the message above. The earlier "convergence" at iteration 79 was
# a pause on the way back to the straggler.
#
# This is the real lesson of restarting. It cures collapses that are accidents of
# the path. It cannot cure a collapse that the data invite: with a spare component
# and an isolated point (or, below, duplicated points), the likelihood keeps
# rewarding a spike, and EM keeps finding one. `gmmlib` stops after 2 restarts
# with a clear error instead of restarting forever.
#
# ### A different data set, where restarting works
#
# For a collapse that *is* an accident, take two dimensions: two well-separated
# round clusters of 25 points each, no stragglers, no duplicates, and four
# components started on four random data points (`init="random"`). This is a
# different data set from the rest of the lesson, `X2` below.

# %%
rng2 = np.random.default_rng(1)
X2 = np.concatenate([rng2.normal(0, 1, (25, 2)), rng2.normal([4, 0], 1, (25, 2))])

try:
    gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random")
except gmmlib.SingularityError as err:
    accident = err
    print(err)
at_collapse = accident.result.params
k_acc = accident.component
resp2 = gmmlib.e_step(X2, at_collapse)
print(f"component {k_acc}: effective number of points N_k = {resp2[:, k_acc].sum():.2f}")
print("its two variances along its axes (eigenvalues):",
      ", ".join(f"{v:.1e}" for v in np.linalg.eigvalsh(at_collapse.covariances[k_acc])))

# %% [markdown]
# Component 0 collapsed at iteration 32, but not onto a point: it holds two
# points, and its covariance has flattened onto the **line through them**. One of
# its variances (an eigenvalue of $\Sigma_0$, the squared length of a semi-axis of its
# ellipse, lesson 02, section 2) is still about $12$, the other is already about
# $3 \times 10^{-5}$ and on its way to 0. In $D$ dimensions the likelihood has more
# spikes than in one: a component can sit on any $D$ or fewer points, which always
# lie on a line (a plane, ...) of dimension below $D$, and squeeze its ellipse flat
# onto it. The determinant $|\Sigma_k|$ in the normal density (lesson 02,
# section 1) then goes to 0, and the density on that line to infinity, exactly as
# $1/\sigma$ did in section 2. `gmmlib`'s test looks at the variances of the
# covariance one axis at a time, so it catches this flattening too. Now restart:

# %%
rescued = gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random", on_collapse="reinit")
print("restarts (iteration, component):", rescued.reinitialised)
print(f"converged {rescued.converged} after {rescued.n_iter} iterations, "
      f"log-likelihood {rescued.log_likelihoods[-1]:.3f}")
print("weights", rescued.params.weights)

longer_fits = {kw: gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random", on_collapse="reinit",
                              tol=tol, max_iter=max_iter)
               for kw, tol, max_iter in (("tol=1e-10", 1e-10, 5000), ("tol=0, max_iter=1000", 0, 1000))}
for kw, longer in longer_fits.items():
    smallest = np.linalg.eigvalsh(longer.params.covariances).min()
    print(f"{kw}: restarts {longer.reinitialised}, {longer.n_iter} iterations, "
          f"log-likelihood {longer.log_likelihoods[-1]:.3f}, smallest variance {smallest:.4f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharex=True, sharey=True, layout="constrained")
plot_mixture_2d(axes[0], at_collapse, X2)
axes[0].set_title(f"iteration {accident.result.n_iter}: component {k_acc} flattening onto two points")
plot_mixture_2d(axes[1], longer.params, X2)
axes[1].set_title(f"after one restart and {longer.n_iter} iterations")
for ax in axes:
    ax.set_aspect("equal")
plt.show()

# %% [markdown]
# One restart, at iteration 32, and EM converges after 54 iterations. This time
# the result holds: with a tolerance ten thousand times smaller, and with 1000
# iterations and no stopping rule at all, there is no second restart, the
# log-likelihood agrees to three decimals, and the smallest variance (of the thin
# green component) stays at $0.0057$ instead of heading to 0. Nothing in these
# data pulls a component onto a point, so a second chance is all it needed.
#
# ### Duplicated points: a spike the data insist on
#
# Back to our 24 measurements, now with a typical data-entry fault: three
# readings that failed were logged as $0.0$. Three identical points are an even
# stronger invitation than one straggler: a component on them gains
# $-\log\sigma$ **three times**.

# %%
x_dup = np.concatenate([x, np.zeros(3)])
try:
    gmmlib.fit(x_dup, 3, reg_covar=0, seed=1)
except gmmlib.SingularityError as err:
    print(err)
    print(f"component {err.component} at {err.result.params.means[err.component, 0]:.3f}, "
          f"effective number of points {err.result.params.weights[err.component] * x_dup.size:.2f}")

try:
    gmmlib.fit(x_dup, 3, reg_covar=0, seed=1, on_collapse="reinit", max_iter=1000)
except gmmlib.SingularityError as err:
    print(err)
    print("restarts (iteration, component):", err.result.reinitialised)
    dup_history = err.result.history
    for it in (38, 39, 84, 85, err.result.n_iter):
        print(f"iteration {it:3d}: component 2 at {dup_history[it].means[2, 0]:6.3f}")

# %% [markdown]
# Without restarts, component 2 collapses onto the three zeros at iteration 39,
# with three points' worth of responsibility. With restarts, it is put on the
# straggler, the point explained worst once it is gone, wanders back to the zeros,
# collapses again at iteration 85, and after the second restart does the same
# once more: at iteration 131 `gmmlib` gives up. Here the spike is in the data,
# and the remedies are the others: `reg_covar`, a prior, fewer components, or
# better, cleaning the data (those zeros are not measurements).
#
# ## 8. Remedy 4: fewer components
#
# The data have two groups, and the third component was spare from the start.
# Our reference fit, `two`, is this remedy: it converged in a handful of
# iterations with `reg_covar=0` and no help at all. It does not make the
# likelihood bounded: the argument of section 2 works for any $K \ge 2$, since one
# component can sit on the straggler while the other looks after the rest.
# `gmmlib.singularity.spike_log_likelihoods` computes exactly that two-component
# mixture, one broad component with the data's mean and variance plus a spike:

# %%
from gmmlib.singularity import spike_log_likelihoods

spike_sigmas = [1e-4, 1e-8, 1e-16]
totals, _ = spike_log_likelihoods(x, j, spike_sigmas, weight=spike_weight)
for sigma, total in zip(spike_sigmas, totals):
    print(f"K = 2, broad component + spike with sigma = {sigma:.0e}: log-likelihood {total:.2f}")

# %% [markdown]
# At $\sigma = 10^{-8}$ this crude pair already beats the honest fit's $-36.00$, and it
# has no ceiling. What fewer components change is the path: with no spare
# component, every component is needed to cover a group of points, and EM is far
# less likely to wander onto a spike. Too many components is the most common
# cause of collapse, and the next lessons show how to choose $K$ (lesson 05: BIC,
# held-out likelihood).
#
# ## 9. The remedies side by side
#
# Our 24 points, the same start (`seed=1`), three components except in the last
# row. The restart row is the long run of section 7.

# %%
def summary(name, res):
    v = res.params.covariances[:, 0, 0]
    return {"remedy": name, "completed": "yes", "EM iterations completed": res.n_iter,
            "final log-likelihood": f"{res.log_likelihoods[-1]:.3f}", "smallest variance": f"{v.min():.3g}"}


comparison = pd.DataFrame([
    {"remedy": "none (reg_covar=0)", "completed": f"no: collapse at iteration {collapse.iteration}",
     "EM iterations completed": collapse.result.n_iter, "final log-likelihood": "→ +∞", "smallest variance": "→ 0"},
    summary("reg_covar=1e-6 (default)", floor_tiny),
    summary("reg_covar=0.1", floor_wide),
    summary("inverse-Wishart prior (MAP)", map_fit),
    {"remedy": 'on_collapse="reinit"',
     "completed": f"no: gave up at iteration {gave_up.iteration} after 2 restarts",
     "EM iterations completed": gave_up.result.n_iter, "final log-likelihood": "→ +∞", "smallest variance": "→ 0"},
    summary("two components", two),
])
comparison

# %% [markdown]
# The same fits drawn side by side (the restart is left out: it never ends). The
# components of the three-component fits are renumbered with
# `match_components` and `permute_components` to line up with those of
# `reg_covar = 0.1`, so that matching components share a colour; in the
# two-component fit, component 0 is the left group and component 1 the right, as
# everywhere else.

# %%
reference = floor_wide.params
panels = [("reg_covar = 1e-6 (default)", floor_tiny), ("reg_covar = 0.1", floor_wide),
          ("prior (MAP)", map_fit), ("two components", two)]
fig, axes = plt.subplots(2, 2, figsize=(13, 7.5), sharex=True, sharey=True, layout="constrained")
for ax, (name, res) in zip(axes.ravel(), panels):
    params = res.params
    if params.n_components == reference.n_components:
        params = permute_components(params, match_components(reference, params))
    drawn = plot_mixture_1d(ax, params, grid, data=x, bins=20)
    drawn["mixture"].set_zorder(1.5)
    ax.set_title(f"{name}: log-likelihood {res.log_likelihoods[-1]:.2f}")
axes[0, 0].set_ylim(0, 0.65)
axes[0, 0].annotate(f"spike, height {peak:.1f}", xy=(x[j], 0.63), xytext=(-1.2, 0.56),
                    arrowprops=dict(arrowstyle="->"))
axes[0, 1].legend(loc="upper right", fontsize=10)
plt.show()

# %% [markdown]
# Two lessons in one table. First, three of the four remedies complete on these
# data, and they do not find the same mixture: the default `reg_covar` keeps the
# spike on the straggler, `reg_covar = 0.1` keeps a light third component inside
# the left group (and widens every component), the prior splits the left group
# in two, and $K = 2$ finds just the two groups. Restarting does not complete: an
# isolated point keeps pulling the spare component back. Second,
# **the highest log-likelihood belongs to the fit we trust least**: the default
# `reg_covar`'s $-29.95$, bought with a spike on one point. When the likelihood has
# no maximum, "higher is better" stops being true, and comparing fits by their
# log-likelihood alone rewards spikes.
#
# ## 10. A positive log-likelihood is not a bug
#
# Every log-likelihood so far was negative, but several of the spikes in section
# 2 had positive terms. A density is not a probability: it can exceed 1 as long
# as its area is 1. A normal density with $\sigma = 0.1$ has a height of about 4 at its mean:

# %%
print(f"N(0 | 0, 0.1^2) = {norm.pdf(0.0, loc=0.0, scale=0.1):.4f}")
print(f"area under it: {np.trapezoid(norm.pdf(np.linspace(-1, 1, 2001), scale=0.1), np.linspace(-1, 1, 2001)):.6f}")

# %% [markdown]
# Whether densities are above or below 1 depends on the units. Write the same
# 24 measurements in a unit a hundred times larger (centimetres as metres,
# say): every density becomes 100 times taller, each point's log-density rises
# by $\log 100 = 4.605$, and the fit's log-likelihood rises by $24 \times 4.605$:

# %%
two_scaled = gmmlib.fit(x / 100, 2, reg_covar=0, seed=1)
print(f"log-likelihood, original units:         {two.log_likelihoods[-1]:.4f}")
print(f"log-likelihood, units 100 times larger: {two_scaled.log_likelihoods[-1]:+.4f}")
print(f"difference: {two_scaled.log_likelihoods[-1] - two.log_likelihoods[-1]:.4f},  24 log 100 = {N * np.log(100):.4f}")

# %% [markdown]
# Same data, same fit, a log-likelihood of $+74.5$. Its sign says nothing; only
# differences between fits of the same data in the same units mean something.
#
# ## 11. $K!$ equally good answers
#
# One more property of the mixture likelihood: it does not care how the
# components are numbered. Swap components 0 and 2 (weights, means and
# variances together) and you have the same mixture, with the same density at every point.
# With $K$ components there are $K!$ numberings, so every local maximum (of the
# likelihood, or of the MAP objective) with $K$ distinct components has $K! - 1$
# relabelled twins. Here are all $3! = 6$ for the MAP fit:

# %%
for perm in itertools.permutations(range(3)):
    relabelled = permute_components(map_fit.params, perm)
    print(f"order {perm}: means {relabelled.means[:, 0]}, "
          f"log-likelihood {gmmlib.log_likelihood(x, relabelled):.4f}")

# %% [markdown]
# The parameters of a mixture are therefore **not identifiable** from the data:
# only the set of components is. This is why two runs of EM from different
# starts can return the same answer in a different order, the *label switching*
# of lesson 02, and why fits are compared component by component only after
# matching them (`gmmlib.components.match_components`).
#
# ## Summary
#
# - The likelihood of a Gaussian mixture has no maximum: a component centred on one data point contributes about $-\log\sigma$ to the log-likelihood, which grows without limit as $\sigma \to 0$, while the other components keep every other point's term finite.
# - EM can find this by itself, most often when it has more components than the data need, or when points are duplicated; `gmmlib.fit` then raises `SingularityError` with the component, the iteration and the fit so far (`err.result`).
# - In $D$ dimensions a component can also collapse onto a line (or plane) through $D$ or fewer points: its ellipse goes flat and $|\Sigma_k| \to 0$.
# - **`reg_covar`** adds $\varepsilon$ to every variance (it is not a floor): no crash, but a spike of variance $\varepsilon$ can survive, every component gets wider by $\varepsilon$, and EM may lower the log-likelihood slightly; choose $\varepsilon$ on the scale of the data.
# - **A prior** (MAP-EM, $\Sigma_k = (S_k + \Psi)/(N_k + \nu + D + 1)$) makes log-likelihood + log-prior bounded, so it has a maximum, and keeps every covariance away from 0 smoothly; the log-likelihood alone may then dip during EM, and `tol` watches the sum.
# - **Restarting** a collapsed component cures accidents of the path; when the data invite a spike (an isolated point, duplicates), the component is pulled back, and `gmmlib` gives up after 2 restarts.
# - **Fewer components** leave no spare component, so EM is far less likely to find a spike; the likelihood is still unbounded for any $K \ge 2$.
# - A log-likelihood can be positive (densities exceed 1 in small units), and it cannot rank fits when spikes are possible.
# - Relabelling the components gives $K!$ equal maxima: the components are a set, not a list.
#
# ## Where next
#
# Lesson 04 connects Gaussian mixtures with K-means: K-means is what EM becomes
# when every component shares one spherical variance that shrinks to zero, a
# much tamer way of letting variances go to 0 than the collapse of this lesson.
# For the theory of singularities and MAP-EM, see section 9.2.1 of Bishop's
# *Pattern Recognition and Machine Learning* and the part of chapter 11 of
# Murphy's *Machine Learning: A Probabilistic Perspective* on MAP estimation for mixtures.
