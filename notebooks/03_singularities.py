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
# - four remedies: a variance floor (`reg_covar`), a prior on the covariances (MAP-EM),
#   re-initialising the collapsed component, and fewer components;
# - why a positive log-likelihood is not a bug, and why a mixture always has $K!$ equally good labellings.
#
# **What you need.** Lesson 01 (the E-step, the M-step and the log-likelihood).
# Lesson 02 helps for the last section, but is not required.
#
# **Time.** About 40 minutes.

# %%
import itertools

import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from scipy.special import logsumexp
from scipy.stats import norm

import gmmlib
from gmmlib.components import permute_components
from gmmlib.plotting import (component_colors, grid_for, plot_log_likelihood, plot_mixture_1d,
                             use_course_style, weighted_component_densities)

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
ax.axhline(two.log_likelihoods[-1], color="0.3", lw=1, label="two components, no spike")
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
# crosses the thin line of the two-component fit near $\sigma = 0.3$ and never comes back.
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
# Without a running notebook, the table and the figure of section 2 show the same thing.
#
# ## 4. EM finds the spike by itself
#
# Nothing stops EM from discovering this trick. Fit **three** components to
# our two groups, one more than they need, with `reg_covar=0` (the pure M-step
# of lesson 01) and the start that `seed=1` picks. `gmmlib` watches every
# covariance, and when one collapses onto a point (its variance below $10^{-12}$
# times the data's) it stops with a `SingularityError`, which says what happened
# and what to do:

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
ax_ll.axhline(two.log_likelihoods[-1], color="0.3", lw=1, ls="--", label="two components")
ax_ll.set_title("the log-likelihood speeds up at the end")
ax_ll.legend()
plt.show()

print(f"mean of the collapsing component: {before.params.means[k_bad, 0]:.4f}")
print("its variance, last 4 iterations:", variances[-4:, k_bad])
print(f"its effective number of points N_k: {before.params.weights[k_bad] * N:.3f}")

# %% [markdown]
# For a long time nothing looks alarming. From iteration 12 on the
# log-likelihood sits just above the two-component fit's (dashed), creeping up by
# hundredths, while component 2 (green) slowly narrows and drifts to the left
# edge of the left group. Around iteration 35 it plunges: it now sits on the
# straggler, at $-3.096$, holding a little less than one point's worth of
# responsibility, and every iteration shrinks it faster, from $0.136$ to $0.0032$ in
# three steps, while the log-likelihood jumps.
#
# The next M-step is the one that failed. Redo it by hand: the E-step on the
# last good parameters, then the weighted variance of lesson 01.

# %%
resp = gmmlib.e_step(x, before.params)
N_k = resp.sum(axis=0)
means_next = resp.T @ x / N_k
S_k = (resp * (x[:, None] - means_next) ** 2).sum(axis=0)  # sum_i r_ik (x_i - mu_k)^2
ml_variances = S_k / N_k

print("N_k:", N_k)
print("new variances of components 0 and 1:", ml_variances[:2])
print(f"new variance of component {k_bad} below 1e-12 * var(x):", ml_variances[k_bad] < 1e-12 * x.var())

# %% [markdown]
# Component 2 now owns the straggler and almost nothing else, so its weighted
# variance around its own mean is, to within rounding, zero: the spike of
# section 2 with $\sigma = 0$, and a log-likelihood of $+\infty$. EM did exactly its
# job, raising the likelihood, and that is the problem.
#
# ## 5. Remedy 1: a variance floor, `reg_covar`
#
# The simplest repair adds a small number $\varepsilon$ to every variance (in
# several dimensions, $\varepsilon I$ to every covariance) at every M-step:
#
# $$\sigma_k^2 = \frac{1}{N_k}\sum_i r_{ik}\,(x_i - \mu_k)^2 + \varepsilon .$$
#
# No variance can then drop below $\varepsilon$. `gmmlib.fit` uses
# $\varepsilon = 10^{-6}$ by default, as scikit-learn does. On our data:

# %%
floor_tiny = gmmlib.fit(x, 3, reg_covar=1e-6, seed=1)
floor_wide = gmmlib.fit(x, 3, reg_covar=0.1, seed=1)
for name, res, eps in (("reg_covar=1e-6", floor_tiny, 1e-6), ("reg_covar=0.1 ", floor_wide, 0.1)):
    v = res.params.covariances[:, 0, 0]
    print(f"{name}: converged {res.converged} after {res.n_iter} iterations, "
          f"log-likelihood {res.log_likelihoods[-1]:.4f}")
    print(f"    weights {res.params.weights}, means {res.params.means[:, 0]}")
    print(f"    variances [{', '.join(f'{vk:.3g}' for vk in v)}], all >= reg_covar: {np.all(v >= eps)}")

# %% [markdown]
# Both fits complete, and no variance is below its floor. But look at the
# default fit: component 2 sits on the straggler $-3.1$ with weight $1/24$ (one
# point's share) and variance $10^{-6}$, the floor itself: a spike of standard deviation $0.001$. The crash is gone, the spike is not, and
# its log-likelihood is the highest of the lesson. $\varepsilon$ is measured
# in the units of the data: $10^{-6}$ is nothing next to variances of about $0.3$. A
# floor of $0.1$ keeps every component wide enough to cover several points.

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
# height is printed). On the right, the wider floor changed the answer: the
# green component is now light (weight $0.029$) and wide, and lies inside the
# left group instead of on a single point. A floor prevents the crash; whether it prevents
# the spike depends on choosing $\varepsilon$ on the scale of the data.
#
# ## 6. Remedy 2: a prior on the covariances (MAP-EM)
#
# Instead of a hard floor, say in advance what covariances are plausible, and
# let the data overrule that only when they have enough points to do so. With
# an inverse-Wishart prior $\mathrm{IW}(\Psi, \nu)$ on each covariance, EM maximises
# the log-likelihood **plus** the log-prior (the *maximum a posteriori*, MAP,
# estimate), and only the covariance update changes:
#
# $$\Sigma_k = \frac{S_k + \Psi}{N_k + \nu + D + 1}, \qquad S_k = \sum_i r_{ik}\,(x_i - \mu_k)(x_i - \mu_k)^\top .$$
#
# The prior acts like $\nu + D + 1$ extra pseudo-points with spread $\Psi$. A
# component with $N_k$ near 0 gets $\Sigma_k \approx \Psi / (\nu + D + 1)$, never 0; a
# component with hundreds of points hardly notices the prior.
# `CovariancePrior.from_data` picks a weak default: $\Psi$ is the data's variance
# divided by $K^{2/D}$ (the spread of one of $K$ equal clusters), and $\nu = D + 2$.

# %%
prior = gmmlib.CovariancePrior.from_data(x, 3)
psi, nu, D = prior.scale_matrix(1)[0, 0], prior.dof, 1  # Psi is a 1 x 1 matrix here
print(f"Psi = {psi:.4f}, nu = {nu:g}: a component with N_k = 1 keeps a variance of at least "
      f"{psi / (1 + nu + D + 1):.4f}")

# %% [markdown]
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
# zero. The two big components move too, by about a fifth: with only eleven or
# twelve points each, the prior's five pseudo-points still count; with
# hundreds of points they would hardly matter. Now the whole
# fit. One detail: with a prior, EM raises the log-likelihood *plus the
# log-prior* at every step, so the log-likelihood alone may dip now and then,
# and a stopping rule that watches it would stop too early. We run a fixed
# number of iterations instead (`tol=0`), more than enough to settle.

# %%
map_fit = gmmlib.fit(x, 3, reg_covar=0, seed=1, covariance_prior=prior, tol=0, max_iter=200)
map_ll = map_fit.log_likelihoods
print(f"completed {map_fit.n_iter} iterations, log-likelihood {map_ll[-1]:.4f}")
print("weights  ", map_fit.params.weights)
print("means    ", map_fit.params.means[:, 0])
print("variances", map_fit.params.covariances[:, 0, 0])
print(f"largest drop of the log-likelihood on the way: {np.diff(map_ll).min():.4f}")
print(f"change over the last 50 iterations: below 1e-9: {abs(map_ll[-1] - map_ll[-51]) < 1e-9}")

# %% [markdown]
# No collapse, and no component on the straggler: the left group is split
# between component 0 (around $-1.3$, variance $0.072$, the smallest) and component 2
# (around $-2.2$, straggler included). The log-likelihood, $-35.96$, is slightly above the two-component fit's and far below
# the spike's. The printed drop shows the dip mentioned above: the
# log-likelihood alone is not what MAP-EM climbs.
#
# ## 7. Remedy 3: restart the collapsed component
#
# A collapse can be an accident of the path: a component wandered onto a lone
# point early and got stuck. Then the cure is to throw that component away and
# restart it somewhere else. With `on_collapse="reinit"`, `gmmlib.fit` puts a
# collapsing component on the point the current mixture explains worst, gives it the
# variance of all the data, and carries on; `result.reinitialised` lists each
# restart as (iteration, component).

# %%
restarted = gmmlib.fit(x, 3, reg_covar=0, seed=1, on_collapse="reinit")
print("restarts (iteration, component):", restarted.reinitialised)
ll_re = restarted.log_likelihoods
print(f"log-likelihood just before and just after the restart: {ll_re[42]:.4f}, {ll_re[43]:.4f}")
print(f"converged {restarted.converged} after {restarted.n_iter} iterations, "
      f"log-likelihood {restarted.log_likelihoods[-1]:.4f}")
print("weights  ", restarted.params.weights)
print("means    ", restarted.params.means[:, 0])
print("variances", restarted.params.covariances[:, 0, 0])

# %%
fig, ax = plt.subplots(figsize=(9, 4.3))
plot_log_likelihood(ax, restarted.log_likelihoods)
for iteration, k in restarted.reinitialised:
    ax.axvline(iteration, color=component_colors(3)[k], lw=2, ls="--",
               label=f"component {k} restarted")
ax.axhline(two.log_likelihoods[-1], color="0.3", lw=1, ls=":", label="two components")
ax.set_title("a restart costs log-likelihood, then EM settles elsewhere")
ax.legend()
plt.show()

# %% [markdown]
# At iteration 43 the log-likelihood falls from $-33.98$, the edge of the spike,
# to $-38.76$: the restarted component is wide and misplaced. EM then climbs
# again and settles without another collapse. Look at the weights, though:
# the restarted component 2 ends with a weight of about $0.0001$, a component in
# name only. Given a second chance, EM decided that two components were enough,
# and the final log-likelihood matches the two-component fit to three decimals.
# Restarting treats a collapse as bad luck; when the data really pull a spare
# component onto one point, the component can collapse again.
#
# ## 8. Remedy 4: fewer components
#
# The data have two groups, and the third component was spare from the start.
# Our reference fit, `two`, is this remedy: it converged in a handful of
# iterations with `reg_covar=0` and no help at all. Too many components is the
# most common cause of collapse, and the next lessons show how to choose $K$
# (lesson 05: BIC, held-out likelihood).
#
# ## 9. The remedies side by side
#
# The same data, the same start (`seed=1`), three components except in the last row:

# %%
def summary(name, res):
    v = res.params.covariances[:, 0, 0]
    return {"remedy": name, "completed": "yes", "iterations": res.n_iter,
            "final log-likelihood": f"{res.log_likelihoods[-1]:.3f}", "smallest variance": f"{v.min():.3g}"}


comparison = pd.DataFrame([
    {"remedy": "none (reg_covar=0)", "completed": f"no: collapse at iteration {collapse.iteration}",
     "iterations": collapse.iteration, "final log-likelihood": "→ +∞", "smallest variance": "→ 0"},
    summary("reg_covar=1e-6 (default)", floor_tiny),
    summary("reg_covar=0.1", floor_wide),
    summary("inverse-Wishart prior (MAP)", map_fit),
    summary('on_collapse="reinit"', restarted),
    summary("two components", two),
])
comparison

# %%
fig, axes = plt.subplots(2, 2, figsize=(13, 7.5), sharex=True, sharey=True, layout="constrained")
for ax, (name, res) in zip(axes.ravel(), (("reg_covar = 0.1", floor_wide), ("prior (MAP)", map_fit),
                                           ('on_collapse = "reinit"', restarted), ("two components", two))):
    drawn = plot_mixture_1d(ax, res.params, grid, data=x, bins=20)
    drawn["mixture"].set_zorder(1.5)
    ax.set_title(f"{name}: log-likelihood {res.log_likelihoods[-1]:.2f}")
axes[0, 0].set_ylim(0, 1.0)
axes[0, 1].legend(loc="upper right", fontsize=10)
plt.show()

# %% [markdown]
# Two lessons in one table. First, every remedy completes, but they do not
# find the same mixture: the wide floor keeps a light third component inside
# the left group, the prior splits the left group in two, and the restart and
# $K = 2$ find just the two groups. Second,
# **the highest log-likelihood belongs to the fit we trust least**: the default
# floor's $-29.95$, bought with a spike on one point. When the likelihood has
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
# With $K$ components there are $K!$ numberings, so every maximum of the
# likelihood comes with $K! - 1$ twins. Here are all $3! = 6$ for the MAP fit:

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
# - EM can find this by itself, most often when it has more components than the data need; `gmmlib.fit` then raises `SingularityError` with the component, the iteration and the fit so far (`err.result`).
# - **`reg_covar`** adds $\varepsilon$ to every variance: no crash, but a spike of variance $\varepsilon$ can survive; choose $\varepsilon$ on the scale of the data.
# - **A prior** (MAP-EM, $\Sigma_k = (S_k + \Psi)/(N_k + \nu + D + 1)$) keeps every covariance away from 0 smoothly; the log-likelihood alone may then dip during EM.
# - **Restarting** a collapsed component cures accidents of the path; **fewer components** removes the cause.
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
