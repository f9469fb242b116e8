# %% [markdown]
# # Lesson 06: Remedies for collapse
#
# **What you will do.** Repair the fit that collapsed in lesson 05 four ways:
# add a small number to every variance, put a prior on the covariances, restart
# the collapsed component, use fewer components. Write the M-step variance of
# the first two yourself, then compare the four.
#
# **What you will learn.**
# - what `reg_covar` does (it is not a floor) and what it costs;
# - MAP-EM with an inverse-Wishart prior on the covariances: why it has a maximum, and its M-step;
# - when re-initialising a collapsed component cures the collapse, and when it cannot;
# - why fewer components help although the likelihood stays unbounded, and why the log-likelihood cannot rank fits when spikes are possible.
#
# **What you need.** Lesson 05 (the spike, and EM collapsing), lesson 01 (the
# E-step and the M-step) and lesson 02 (why EM never lowers the log-likelihood).
# Lesson 03 (ellipses) helps for the two-dimensional example of section 4.
#
# **Time.** About 48 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from scipy.stats import invgamma

import gmmlib
from gmmlib.components import canonical
from gmmlib.plotting import (component_colors, grid_for, plot_log_likelihood, plot_mixture_1d,
                             plot_mixture_2d, use_course_style, weighted_component_densities)
from gmmlib.singularity import spike_log_likelihoods, spike_params

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. Where lesson 05 left us
#
# The same 24 measurements: two groups, around $-2$ and $2$, and a straggler
# $x_j = -3.1$. The reference fit `two` has two components, 0 (blue, left) and 1
# (orange, right). With three components and `reg_covar=0`, EM from `seed=1`
# put the spare component 2 (green) on the straggler and collapsed. Every
# three-component fit is renumbered like the groups of `two`, as in lesson 05.

# %%
rng = np.random.default_rng(11)
x = np.concatenate([rng.normal(-2.0, 0.6, 12), rng.normal(2.0, 0.8, 12)]).round(1)
N, j = x.size, int(np.argmin(x))  # j: the straggler, x[j] = -3.1
two = canonical(gmmlib.fit(x, 2, reg_covar=0, seed=1))  # the reference fit, K = 2

try:
    gmmlib.fit(x, 3, reg_covar=0, seed=1)
except gmmlib.SingularityError as err:
    collapse = err
before = canonical(collapse.result, reference=two.params)  # the fit up to the collapse
print(f"two components: log-likelihood {two.log_likelihoods[-1]:.4f}")
print(f"three components: collapse at iteration {collapse.iteration}; means just before "
      f"{before.params.means[:, 0]}, variances {before.params.covariances[:, 0, 0]}")

# %% [markdown]
# Component 2 is the one on the straggler, with a variance heading to 0.
#
# ## 2. Remedy 1: add $\varepsilon$ to every variance, `reg_covar`
#
# The simplest repair adds a small number $\varepsilon$, `reg_covar` (not lesson
# 05's $\varepsilon_{\text{mach}}$), to every variance at every M-step (in
# several dimensions, $\varepsilon I$ to every covariance):
#
# $$\sigma_k^2 = \frac{1}{N_k}\sum_i r_{ik}\,(x_i - \mu_k)^2 + \varepsilon .$$
#
# No variance can then drop below $\varepsilon$. This is often called a *variance
# floor*, but it is not one: a floor would be $\max(\sigma_k^2, \varepsilon)$ and
# would leave every variance above $\varepsilon$ alone. `reg_covar` adds
# $\varepsilon$ to **every** variance. `gmmlib.fit` uses $\varepsilon = 10^{-6}$ by
# default, as scikit-learn does. On our data:

# %%
floor_tiny = canonical(gmmlib.fit(x, 3, reg_covar=1e-6, seed=1), reference=two.params)
floor_wide = canonical(gmmlib.fit(x, 3, reg_covar=0.1, seed=1), reference=two.params)
for name, res, eps in (("reg_covar=1e-6", floor_tiny, 1e-6), ("reg_covar=0.1 ", floor_wide, 0.1)):
    v = res.params.covariances[:, 0, 0]
    print(f"{name}: converged {res.converged} after {res.n_iter} iterations, "
          f"log-likelihood {res.log_likelihoods[-1]:.4f}")
    print(f"    weights {res.params.weights}, means {res.params.means[:, 0]}")
    print(f"    variances [{', '.join(f'{vk:.3g}' for vk in v)}], all >= reg_covar: {np.all(v >= eps)}")

# %% [markdown]
# Both fits complete, and no variance is below $\varepsilon$. But look at the
# default fit: component 2 sits on the straggler $-3.1$ with weight $1/24$ (one
# point's share) and variance $10^{-6}$, $\varepsilon$ itself (its own spread is 0):
# a spike of standard deviation $0.001$. The crash is gone, the spike is not, and
# its log-likelihood, $-29.95$, is the highest of any fit in this lesson that
# completes. $\varepsilon$ is in the units of the data: $10^{-6}$ is nothing next
# to variances of about $0.3$, while $0.1$ keeps every component wide, at a
# price: it is added to the well-populated components too.
#
# ### Exercise 1: the M-step variance with `reg_covar`
#
# Write `regularised_variance_1d(x, resp_k, eps)`: the new variance of
# component $k$ from its responsibilities `resp_k` $= (r_{1k}, \dots, r_{Nk})$,
#
# $$N_k = \sum_i r_{ik}, \qquad \mu_k = \frac{1}{N_k}\sum_i r_{ik}\, x_i, \qquad
#   \sigma_k^2 = \frac{1}{N_k}\sum_i r_{ik}\,(x_i - \mu_k)^2 + \varepsilon .$$
#
# Hint: the squared deviations are around the new weighted mean $\mu_k$, and
# $\varepsilon$ is added after dividing by $N_k$. Run the check as it is first
# (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_regularised_variance_1d


def regularised_variance_1d(x, resp_k, eps):
    """x, resp_k: shape (N,); eps: reg_covar, a float >= 0. Returns sigma_k^2, a float."""
    ...

# %%
check_regularised_variance_1d(regularised_variance_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def regularised_variance_1d(x, resp_k, eps):
    """x, resp_k: shape (N,); eps: reg_covar, a float >= 0. Returns sigma_k^2, a float."""
    N_k = resp_k.sum()
    mu_k = resp_k @ x / N_k
    return resp_k @ (x - mu_k) ** 2 / N_k + eps


check_regularised_variance_1d(regularised_variance_1d)

# %% [markdown]
# The price, for the right group: its M-step variance from the responsibilities
# at the end of the `reg_covar=0.1` fit, with and without $\varepsilon$:

# %%
resp_wide = gmmlib.e_step(x, floor_wide.params)  # at the end of the reg_covar=0.1 fit
own, v_wide = regularised_variance_1d(x, resp_wide[:, 1], 0.0), regularised_variance_1d(x, resp_wide[:, 1], 0.1)
print(f"right group: its own spread {own:.3f}, with reg_covar=0.1 {v_wide:.3f} "
      f"(the fit has {floor_wide.params.covariances[1, 0, 0]:.3f})")
print(f"ratio of the variances {v_wide / own:.3f}, of the standard deviations {np.sqrt(v_wide / own):.3f}")

# %% [markdown]
# The right group's twelve points have a variance of $0.294$; the component gets
# $0.394$, a standard deviation about 16 % larger than its data's.
#
# And EM loses the guarantee of lesson 02 (section 7) that no iteration lowers
# the log-likelihood. That guarantee rests on the M-step: for the responsibilities
# $r_{ik}$ the E-step has just computed, the weighted means and variances are the
# parameters $\theta$ that maximise
#
# $$Q(\theta) = \sum_i \sum_k r_{ik} \log\big(\pi_k\, \mathcal N(x_i \mid \mu_k, \sigma_k^2)\big),$$
#
# the *expected complete-data log-likelihood* (up to a term free of $\theta$, the
# lower bound $B(q, \theta)$ of lesson 02). With $\varepsilon$ added, the new
# variances no longer maximise $Q$, and the guarantee is gone.

# %%
changes = np.diff(floor_wide.log_likelihoods)
print("reg_covar=0.1, iterations where the log-likelihood rose:", np.flatnonzero(changes > 0) + 1)
print(f"change in its last iteration, {floor_wide.n_iter}: {changes[-1]:.1e}")

# %% [markdown]
# The log-likelihood rises for twelve iterations and then falls a little at
# every one. A fall is not convergence: `gmmlib` stops only once the change, up
# or down, is below `tol` in two iterations in a row and the parameters have
# stopped moving (lesson 01, section 7), here at iteration 19, not at the first fall.

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
# On the left, component 2 is a needle at $-3.1$ (cut off by the axis; its
# height is printed). On the right, the green component is light (weight
# $0.028$), wide, inside the left group, and every component is wider than its
# data. `reg_covar` prevents the crash; whether it prevents the spike depends on
# choosing $\varepsilon$ on the scale of the data.
#
# ## 3. Remedy 2: a prior on the covariances (MAP-EM)
#
# Instead, say in advance which variances are plausible with a *prior*
# $p(\Sigma_k)$, a density over covariances. EM then maximises the **MAP objective**
#
# $$\ell(\theta) + \sum_k \log p(\Sigma_k),$$
#
# the log-likelihood plus the log-prior of every component's covariance (its
# maximiser is the *maximum a posteriori*, MAP, estimate). In one dimension the
# prior that keeps the M-step in closed form is
#
# $$p(\sigma^2) \;\propto\; (\sigma^2)^{-(\nu + 2)/2}\, \exp\!\Big(-\frac{\Psi}{2\sigma^2}\Big),$$
#
# with a scale $\Psi > 0$ and $\nu$ degrees of freedom: an inverse-gamma density
# with shape $\nu/2$ and scale $\Psi/2$. `CovariancePrior.from_data` picks a weak
# default: $\Psi$ is the data's variance over $K^{2/D}$ (the spread of one of $K$
# equal clusters), $\nu = D + 2$.
#
# (In $D$ dimensions it is the *inverse-Wishart* $\mathrm{IW}(\Psi, \nu)$ with a
# $D \times D$ scale matrix $\Psi$,
# $p(\Sigma) \propto |\Sigma|^{-(\nu + D + 1)/2} \exp\!\big(-\tfrac12 \operatorname{tr}(\Psi \Sigma^{-1})\big)$,
# which `gmmlib` uses.)

# %%
prior = gmmlib.CovariancePrior.from_data(x, 3)
psi, nu, D = prior.scale.item(), prior.dof, 1  # prior.scale: Psi as a 1 x 1 matrix; prior.dof: nu
print(f"Psi = {psi:.4f} (the data's variance {x.var():.4f} / 3^2), nu = {nu:g}")
v_test = np.array([0.01, 0.1, 1.0])
print("gmmlib's log-prior at sigma^2 = 0.01, 0.1, 1:", np.array([prior.log_density(v) for v in v_test]))
print("inverse-gamma(nu/2, scale Psi/2) at the same:", invgamma(nu / 2, scale=psi / 2).logpdf(v_test))

# %% [markdown]
# **Why this stops the spike.** As $\sigma_k \to 0$, each point under the spike
# adds about $-\log\sigma_k$ to the log-likelihood (lesson 05, section 2), so $m$
# coincident points add $-m \log\sigma_k$. The log-prior contains
# $-\Psi/(2\sigma_k^2)$, which goes to $-\infty$ far faster than any multiple of
# $-\log\sigma_k$ goes to $+\infty$. So the MAP objective is bounded above and has
# a maximum: the spike now loses. Check it on lesson 05's spike (weight $0.05$ on
# the straggler, added to `two`) by adding the log-prior of its three variances:

# %%
rows = []
for sigma in (1.0, 0.3, 0.1, 0.03, 0.01):
    spike = spike_params(x, j, sigma, weight=0.05, base=two.params)
    log_lik = gmmlib.log_likelihood(x, spike)
    log_prior = sum(prior.log_density(S) for S in spike.covariances)
    rows.append({"σ": sigma, "log-likelihood": log_lik, "log-prior": log_prior,
                 "log-likelihood + log-prior": log_lik + log_prior})
with pd.option_context("display.float_format", "{:.2f}".format):
    display(pd.DataFrame(rows))

# %% [markdown]
# The log-likelihood still rises as $\sigma$ shrinks, but below $\sigma \approx 0.3$ the
# log-prior falls much faster, and their sum drops away.
#
# **The update.** The M-step now maximises $Q(\theta) + \sum_k \log p(\Sigma_k)$.
# The prior involves only the covariances, so weights and means are updated as
# before. In 1-D, the terms in $v = \sigma_k^2$ (with the new $\mu_k$) are
#
# $$-\frac{N_k}{2}\log v - \frac{S_k}{2v} \;-\; \frac{\nu + 2}{2}\log v - \frac{\Psi}{2v},
#   \qquad S_k = \sum_i r_{ik}(x_i - \mu_k)^2,$$
#
# the first two from $Q$, the last two from the log-prior. Their derivative
# $-\frac{N_k + \nu + 2}{2v} + \frac{S_k + \Psi}{2v^2}$ is zero at
# $v = (S_k + \Psi)/(N_k + \nu + 2)$. In $D$ dimensions the same calculation gives
# $\Sigma_k = (S_k + \Psi)/(N_k + \nu + D + 1)$ with the scatter matrix
# $S_k = \sum_i r_{ik}\,(x_i - \mu_k)(x_i - \mu_k)^\top$.
#
# ### Exercise 2: the MAP variance
#
# Write `map_variance_1d(x, resp_k, psi, nu)`, the new variance of component $k$
# under the prior ($\Psi$ = `psi`, $\nu$ = `nu`):
#
# $$\sigma_k^2 = \frac{S_k + \Psi}{N_k + \nu + 2}, \qquad S_k = \sum_i r_{ik}\,(x_i - \mu_k)^2,
#   \qquad \mu_k = \frac{1}{N_k}\sum_i r_{ik}\, x_i .$$
#
# Hint: $S_k$ is a weighted *sum* of squares, not divided by $N_k$. Run the check
# as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_map_variance_1d


def map_variance_1d(x, resp_k, psi, nu):
    """x, resp_k: shape (N,); psi, nu: the prior's floats. Returns sigma_k^2, a float."""
    ...

# %%
check_map_variance_1d(map_variance_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def map_variance_1d(x, resp_k, psi, nu):
    """x, resp_k: shape (N,); psi, nu: the prior's floats. Returns sigma_k^2, a float."""
    N_k = resp_k.sum()
    mu_k = resp_k @ x / N_k
    S_k = resp_k @ (x - mu_k) ** 2  # sum_i r_ik (x_i - mu_k)^2
    return (S_k + psi) / (N_k + nu + 2)


check_map_variance_1d(map_variance_1d)

# %% [markdown]
# **Pseudo-points.** Read the update as if $\nu + D + 1$ pseudo-points with a
# total scatter $\Psi$ had joined every component. A component with no points at
# all ($N_k = 0$) gets $\Psi/(\nu + D + 1)$, the prior's *mode*, its single most
# probable covariance; one with $N_k$ points never goes below
# $\Psi/(N_k + \nu + D + 1)$; one with hundreds of points hardly notices the
# prior. (The prior's *mean* is larger, $\Psi/(\nu - D - 1)$, which is $\Psi$
# itself for $\nu = D + 2$.) scipy's inverse-gamma density confirms both in 1-D:

# %%
density = invgamma(nu / 2, scale=psi / 2)
v_grid = np.linspace(1e-4, 2, 200_001)
print(f"prior mode: Psi / (nu + D + 1) = {psi / (nu + D + 1):.4f}; peak of the density "
      f"on a fine grid {v_grid[np.argmax(density.logpdf(v_grid))]:.4f}")
print(f"prior mean: Psi / (nu - D - 1) = {psi / (nu - D - 1):.4f}; scipy's mean {density.mean():.4f}")
print(f"a component with N_k = 1 keeps a variance of at least Psi / (1 + nu + D + 1) = {psi / (1 + nu + D + 1):.4f}")

# %% [markdown]
# Redo, with the prior, the M-step that collapsed in lesson 05 (section 6): the
# E-step of iteration 43 on the last good parameters, then your MAP variance
# for each component.

# %%
resp = gmmlib.e_step(x, before.params)
ml_variances = [regularised_variance_1d(x, resp[:, k], 0.0) for k in range(3)]
map_variances = np.array([map_variance_1d(x, resp[:, k], psi, nu) for k in range(3)])
by_gmmlib = gmmlib.m_step(x, resp, reg_covar=0, covariance_prior=prior)

print("N_k:", resp.sum(axis=0))
print("variances, maximum likelihood (S_k / N_k), components 0 and 1:", np.array(ml_variances[:2]))
print("variances, MAP ((S_k + Psi) / (N_k + nu + 2)):                 ", map_variances)
print("gmmlib.m_step agrees:", np.allclose(by_gmmlib.covariances[:, 0, 0], map_variances))

# %% [markdown]
# The component that was about to collapse gets a variance of $0.074$ instead of
# zero: with $S_k \approx 0$ and $N_k \approx 1$, that is the bound printed above. The two
# big components move too, by about a fifth: with only eleven or twelve points
# each, the prior's five pseudo-points still count.
#
# Now the whole fit, with the default stopping rule:

# %%
map_fit = canonical(gmmlib.fit(x, 3, reg_covar=0, seed=1, covariance_prior=prior), reference=two.params)
map_ll = map_fit.log_likelihoods
print(f"converged {map_fit.converged} after {map_fit.n_iter} iterations, log-likelihood {map_ll[-1]:.4f}")
print("weights  ", map_fit.params.weights)
print("means    ", map_fit.params.means[:, 0])
print("variances", map_fit.params.covariances[:, 0, 0])

# %% [markdown]
# No collapse, and no component on the straggler: the left group is split
# between component 0 (around $-2.2$, straggler included) and component 2
# (around $-1.3$, variance $0.072$, the smallest). The log-likelihood, $-35.96$, is
# slightly above the two-component fit's and far below the spike's.
#
# With a prior, EM raises the MAP objective at every step, by the argument of
# lesson 02 (section 10), not the log-likelihood alone, which may dip. `gmmlib`'s
# `tol` applies to the MAP objective, so the fit stops when what EM climbs has
# settled. Compute that objective from the history:

# %%
map_objective = np.array([ll + sum(prior.log_density(S) for S in p.covariances)
                          for ll, p in zip(map_ll, map_fit.history)])
dips = np.flatnonzero(np.diff(map_ll) < 0) + 1
print("the log-likelihood fell at iterations", dips, "by", np.diff(map_ll)[dips - 1].round(4))
print("log-likelihood + log-prior rose at every iteration:", bool(np.all(np.diff(map_objective) > 0)))

# %% [markdown]
# The log-likelihood dipped at three iterations in a row, by at most $0.018$,
# while the MAP objective rose at every step.
#
# ## 4. Remedy 3: restart the collapsed component
#
# A collapse can be an accident of the path; then the cure is to restart the
# component elsewhere. With `on_collapse="reinit"`, `gmmlib.fit` puts a
# collapsing component on the point that the current mixture, collapsing
# component included, explains worst, with the variance of all the data and the
# weight $1/K$, renormalises the weights, and carries on; `result.reinitialised`
# lists each restart as (iteration, component). If the same component collapses
# again after 2 restarts, `fit` raises `SingularityError` after all.
#
# ### On our 24 points: the straggler pulls it back
#
# First our data, with the same start as in lesson 05 and the default stopping rule:

# %%
restarted = canonical(gmmlib.fit(x, 3, reg_covar=0, seed=1, on_collapse="reinit"), reference=two.params)
ll_re = restarted.log_likelihoods
print("restarts (iteration, component):", restarted.reinitialised)
print(f"log-likelihood just before and just after the restart: {ll_re[42]:.4f}, {ll_re[43]:.4f}")
print(f"converged {restarted.converged} after {restarted.n_iter} iterations, log-likelihood {ll_re[-1]:.4f}")
print(f"weight of component 2 at the stop: {restarted.params.weights[2]:.1e}")
print("its mean, last 3 iterations:", ", ".join(f"{p.means[2, 0]:.3f}" for p in restarted.history[-3:]))

# %% [markdown]
# This looks like a success: one restart at iteration 43, then `converged True`.
# But component 2 ends with a weight of $5.6 \times 10^{-5}$, so whatever it does
# hardly changes the log-likelihood, and it hardly counts in the test that the
# parameters stopped moving either: that test weighs each component's move by
# its weight $\pi_k$. So both tests passed while the component was still
# moving: its mean went from $-2.13$ to $-2.22$ in the last two iterations,
# heading left, towards the straggler. Run the same fit longer, with `tol=0`
# and up to 1000 iterations:

# %%
try:
    gmmlib.fit(x, 3, reg_covar=0, seed=1, on_collapse="reinit", tol=0, max_iter=1000)
except gmmlib.SingularityError as err:
    gave_up = err
    print(err)

long_run = canonical(gave_up.result, reference=two.params)
print("restarts (iteration, component), ours (fit's numbering is the same here):", long_run.reinitialised)
mean_2 = np.array([p.means[2, 0] for p in long_run.history])
var_2 = np.array([p.covariances[2, 0, 0] for p in long_run.history])
for it in (43, 78, 95, 96, long_run.n_iter):
    print(f"iteration {it:3d}: component 2 at {mean_2[it]:6.3f}, weight {long_run.history[it].weights[2]:.1e}")
print(f"its variance at iteration {long_run.n_iter} below 1e-6: {var_2[-1] < 1e-6}")

# %%
def mark_restarts(ax):
    """Dashed lines at the restarts of the long run, a dotted one where fit gave up."""
    for n, (iteration, _) in enumerate(long_run.reinitialised):
        ax.axvline(iteration, color="black", lw=1.5, ls="--", label="restart" if n == 0 else None)
    ax.axvline(gave_up.iteration, color="black", lw=2.5, ls=":", label="gives up")


fig, (ax_ll, ax_m) = plt.subplots(1, 2, figsize=(13, 4.6), layout="constrained")
plot_log_likelihood(ax_ll, long_run.log_likelihoods, ms=2, label="three components")
ax_ll.axhline(two.log_likelihoods[-1], color="0.5", lw=2, ls="-.", label="two components")
ax_ll.set_ylim(-40, -28)
ax_ll.set_title("every restart drops the log-likelihood")
ax_m.plot(mean_2, "o-", ms=2, color=component_colors(3)[2], label="mean of component 2")
for value, name in ((x[j], "straggler"), (np.sort(x)[12], "lowest point of the right group")):
    ax_m.axhline(value, color="0.5", lw=1, ls=":")
    ax_m.annotate(f"{name}, {value:g}", xy=(2, value), xytext=(2, value + 0.15), fontsize=10)
ax_m.set(xlabel="iteration", ylabel="mean of component 2", ylim=(-3.4, 2.4),
         title="the restarted component is pulled back onto a lone point")
ax_m.grid(alpha=0.3)
for ax, columns in ((ax_ll, 2), (ax_m, 1)):
    mark_restarts(ax)
    ax.legend(loc="upper left", ncols=columns, fontsize=10)
plt.show()

# %% [markdown]
# Each restart puts component 2 on $0.8$, the lowest point of the right group:
# with the spike on the straggler still in the mixture, it is the point
# explained worst. From there it wanders back, losing weight, to the straggler;
# at iteration 96 it collapses a second time and is restarted on $0.8$ again.
# Then it wanders along the left edge of the right group, shrinks onto $0.8$,
# and at iteration 128 collapses for the third time: `gmmlib` gives up. The
# "convergence" at iteration 79 was a pause on the way back to the straggler.
#
# Restarting cannot cure a collapse that the data invite: with a spare
# component and an isolated point (or duplicated points), the likelihood keeps
# rewarding a spike, and EM keeps finding one.
#
# ### Lesson 05's two round clusters, where restarting works
#
# In lesson 05 (section 7), four components started on random points of two
# round clusters, and component 3 flattened onto the line through two points at
# iteration 32. Restart it:

# %%
rng2 = np.random.default_rng(1)
X2 = np.concatenate([rng2.normal(0, 1, (25, 2)), rng2.normal([4, 0], 1, (25, 2))])
X2_clusters = gmmlib.GMMParams([0.5, 0.5], [[0, 0], [4, 0]], [np.eye(2), np.eye(2)])

rescued = canonical(gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random", on_collapse="reinit"),
                    reference=X2_clusters)
print("restarts (iteration, component), ours:", rescued.reinitialised)
print(f"converged {rescued.converged} after {rescued.n_iter} iterations, "
      f"log-likelihood {rescued.log_likelihoods[-1]:.3f}")
for k in range(4):
    small, large = np.linalg.eigvalsh(rescued.params.covariances[k])
    print(f"component {k}: N_k = {rescued.params.weights[k] * X2.shape[0]:4.1f}, "
          f"variances along its axes {small:.4f} and {large:.2f}")

# %% [markdown]
# One restart, at iteration 32, and EM converges after 54 iterations. Does it
# hold? Run it again with a tolerance ten thousand times smaller, and with 1000
# iterations and no stopping rule at all:

# %%
for label, tol, max_iter in (("tol=1e-10", 1e-10, 5000), ("tol=0, max_iter=1000", 0, 1000)):
    longer = gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random", on_collapse="reinit",
                        tol=tol, max_iter=max_iter)
    smallest = np.linalg.eigvalsh(longer.params.covariances).min()
    print(f"{label}: restarts {len(longer.reinitialised)}, {longer.n_iter} iterations, "
          f"log-likelihood {longer.log_likelihoods[-1]:.3f}, smallest variance {smallest:.4f}")

# %% [markdown]
# No second restart, the same log-likelihood to three decimals, and the smallest
# variance stays at $0.0057$. But "no collapse" is not "two clusters": compare
# the rescued fit with the two components these data were made from.

# %%
two_2d = canonical(gmmlib.fit(X2, 2, reg_covar=0, seed=3), reference=X2_clusters)
print(f"K = 2: converged {two_2d.converged} after {two_2d.n_iter} iterations, "
      f"log-likelihood {two_2d.log_likelihoods[-1]:.3f}")
print(f"free parameters: K = 4 {gmmlib.n_parameters(rescued.params)}, K = 2 {gmmlib.n_parameters(two_2d.params)}")
print(f"BIC (lesson 10), lower is better: K = 4 rescued {gmmlib.bic(X2, rescued.params):.1f}, "
      f"K = 2 {gmmlib.bic(X2, two_2d.params):.1f}")

fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharex=True, sharey=True, layout="constrained")
plot_mixture_2d(axes[0], rescued.params, X2)
axes[0].set_title(f"K = 4, one restart, {rescued.n_iter} iterations")
plot_mixture_2d(axes[1], two_2d.params, X2)
axes[1].set_title(f"K = 2, {two_2d.n_iter} iterations")
for ax in axes:
    ax.set_aspect("equal")
plt.show()

# %% [markdown]
# The rescued fit covers each cluster with one compact component (blue, a little elongated, and
# orange) and lays two needles through the gap between and below them:
# components 2 and 3 (green and red), about six points each, with variances of
# $4.47$ along and $0.0057$ and $0.053$ across. EM has settled at a fixed point:
# no isolated point or duplicate keeps pulling a component back. But the spare
# components found thin lines of points, not clusters. The two-component fit has
# a lower log-likelihood, $-154.11$ against $-137.50$, with 12 fewer parameters,
# and the BIC of lesson 10 prefers it ($351.3$ against $365.0$).
#
# ### Duplicated points: restarting cannot help
#
# The duplicated zeros of lesson 05 (section 8) collapsed component 2 at
# iteration 39. Restart it, and print component 2's mean just before and just
# after each restart:

# %%
x_dup = np.concatenate([x, np.zeros(3)])
try:
    gmmlib.fit(x_dup, 3, reg_covar=0, seed=1, on_collapse="reinit", max_iter=1000)
except gmmlib.SingularityError as err:
    dup_gave_up = err
    print(err)
dup_run = canonical(dup_gave_up.result, reference=two.params)
print("restarts (iteration, component), ours:", dup_run.reinitialised)
for it in [i + d for i, _ in dup_run.reinitialised for d in (-1, 0)] + [dup_run.n_iter]:
    print(f"iteration {it:3d}: component 2 at {dup_run.history[it].means[2, 0]:6.3f}")

# %% [markdown]
# Each restart puts component 2 on the straggler, the point that the mixture,
# spike on the zeros included, explains worst; it wanders back to the zeros and
# collapses again, and at iteration 131 `gmmlib` gives up. The remedies here are
# the others, or better, cleaning the data (those zeros are not measurements).
#
# ## 5. Remedy 4: fewer components
#
# The data have two groups, and the third component was spare from the start.
# Our reference fit, `two`, is this remedy: it converged in a handful of
# iterations with `reg_covar=0` and no help at all. It does not make the
# likelihood bounded: lesson 05's argument works for any $K \ge 2$, since one
# component can sit on the straggler while the other looks after the rest.
# `gmmlib.singularity.spike_log_likelihoods` computes exactly that two-component
# mixture, one broad component with the data's mean and variance plus a spike:

# %%
spike_sigmas = [1e-4, 1e-8, 1e-16]
totals, _ = spike_log_likelihoods(x, j, spike_sigmas, weight=0.05)
for sigma, total in zip(spike_sigmas, totals):
    print(f"K = 2, broad component + spike with sigma = {sigma:.0e}: log-likelihood {total:.2f}")

# %% [markdown]
# At $\sigma = 10^{-8}$ this crude pair already beats the honest fit's $-36.00$, and it
# has no ceiling. What fewer components change is the path: with no spare
# component, every component is needed to cover a group of points, and EM is far
# less likely to wander onto a spike. Too many components is the most common
# cause of collapse; lesson 10 shows how to choose $K$.
#
# ## 6. The remedies side by side
#
# Our 24 points, the same start (`seed=1`), three components except in the last
# row. The restart row is the long run of section 4.

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
# The same fits drawn side by side, except the restart, which ends with an
# error and has no final fit. Every fit is numbered like the groups of `two`:
# the left group is blue, the right group orange and a spare component green.

# %%
panels = [("reg_covar = 1e-6 (default)", floor_tiny), ("reg_covar = 0.1", floor_wide),
          ("prior (MAP)", map_fit), ("two components", two)]
fig, axes = plt.subplots(2, 2, figsize=(14, 7.5), sharex=True, sharey=True, layout="constrained")
for ax, (name, res) in zip(axes.ravel(), panels):
    drawn = plot_mixture_1d(ax, res.params, grid, data=x, bins=20)
    drawn["mixture"].set_zorder(1.5)
    ax.set_title(f"{name}: log-likelihood {res.log_likelihoods[-1]:.2f}")
axes[0, 0].set_ylim(0, 0.65)
axes[0, 0].annotate(f"spike, height {peak:.1f}", xy=(x[j], 0.63), xytext=(-1.2, 0.56),
                    arrowprops=dict(arrowstyle="->"))
axes[0, 1].legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# Two lessons in one table. First, three of the four remedies complete, and
# they find different mixtures: the default `reg_covar` keeps the spike on the
# straggler, `reg_covar = 0.1` a light third component inside the left group
# (and widens every component), the prior splits the left group in two, and
# $K = 2$ finds just the two groups. Second, **the highest log-likelihood belongs
# to the fit we trust least**: the default `reg_covar`'s $-29.95$, bought with a
# spike on one point. When the likelihood has no maximum, "higher is better"
# stops being true.
#
# (Renumbering a fit's components gives the same mixture and likelihood, so
# each three-component fit here has $3! = 6$ equally good labellings (the
# two-component fit $2! = 2$): the *label switching* of
# lesson 04, section 2, and why the course renumbers every fit with `canonical`.)
#
# ## Summary
#
# - **`reg_covar`** adds $\varepsilon$ to every variance (it is not a floor): no crash, but a spike of variance $\varepsilon$ can survive, every variance grows by $\varepsilon$, and EM may lower the log-likelihood slightly, because the M-step no longer maximises $Q$; choose $\varepsilon$ on the scale of the data.
# - **A prior** (MAP-EM, $\Sigma_k = (S_k + \Psi)/(N_k + \nu + D + 1)$, as if $\nu + D + 1$ pseudo-points with scatter $\Psi$ joined every component) bounds the MAP objective, so it has a maximum; the log-likelihood alone may dip during EM, and `tol` watches the MAP objective.
# - **Restarting** a collapsed component cures accidents of the path; when the data invite a spike (an isolated point, duplicates), the component is pulled back, and `gmmlib` gives up after 2 restarts. A fit that no longer collapses can still hold thin spare components.
# - **Fewer components** leave no spare component, so EM is far less likely to find a spike; the likelihood is still unbounded for any $K \ge 2$.
# - The log-likelihood cannot rank fits when spikes are possible: the highest one here belongs to the default `reg_covar`'s spike.
#
# ## Where next
#
# Lesson 07, *K-means as hard EM*, finds EM in the most popular clustering
# method; lesson 08 shows that K-means is what EM becomes when every component
# shares one spherical variance that shrinks to zero, a tamer way of letting
# variances go to 0 than the collapse of lesson 05. For the theory, see section
# 9.2.1 of Bishop's *Pattern Recognition and Machine Learning* and, on MAP
# estimation for mixtures, chapter 11 of Murphy's *Machine Learning: A Probabilistic Perspective*.
