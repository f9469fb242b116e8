# %% [markdown]
# # Lesson 06: Remedies for collapse
#
# **What you will do.** Take the fit that collapsed in lesson 05 and repair it
# four different ways: add a small number to every variance, put a prior on
# the covariances, restart the collapsed component, and use fewer components.
# Then compare what each repair does to the same data, and end with a property
# of the mixture likelihood that every comparison of fits must respect.
#
# **What you will learn.**
# - what `reg_covar` does (it is not a floor) and what it costs;
# - MAP-EM with an inverse-Wishart prior on the covariances: why it has a maximum, and its M-step;
# - when re-initialising a collapsed component cures the collapse, and when it cannot;
# - why fewer components help although the likelihood stays unbounded, and why the log-likelihood cannot rank fits when spikes are possible;
# - why a mixture always has $K!$ equally good labellings.
#
# **What you need.** Lesson 05 (the spike, and EM collapsing) and lesson 01
# (the E-step and the M-step). Lesson 03 (ellipses) helps for the
# two-dimensional example of section 4, lesson 04 (label switching) for section 7.
#
# **Time.** About 45 minutes.

# %%
import itertools

import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from scipy.stats import invgamma

import gmmlib
from gmmlib.components import canonical, permute_components
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
# $x_j = -3.1$ a little apart from the left one. The reference fit `two` has two
# components, 0 (blue) for the left group and 1 (orange) for the right. With
# three components and `reg_covar=0`, EM from the start `seed=1` put the spare
# component on the straggler and collapsed. As in lesson 05, every fit with
# three components is renumbered like the groups of `two`: the component closest
# to the left group is 0 (blue), the one closest to the right group 1 (orange),
# and the spare one 2 (green).

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
# Component 2 is the one on the straggler (in `fit`'s numbering as in ours,
# lesson 05, section 5), with a variance heading to 0.
#
# ## 2. Remedy 1: add $\varepsilon$ to every variance, `reg_covar`
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
# its log-likelihood, $-29.95$, is the highest of any fit of these data that
# completes in this lesson. $\varepsilon$ is measured in the units of the data:
# $10^{-6}$ is nothing next to variances of about $0.3$, and an $\varepsilon$ of $0.1$
# keeps every component wide enough to cover several points. That $0.1$ has a
# price, though: it is added to the well-populated components too.

# %%
v_two, v_wide = two.params.covariances[1, 0, 0], floor_wide.params.covariances[1, 0, 0]
print(f"variance of the right group: {v_two:.3f} without reg_covar (K = 2), {v_wide:.3f} with reg_covar=0.1")
print(f"ratio of the variances {v_wide / v_two:.3f}, of the standard deviations {np.sqrt(v_wide / v_two):.3f}")
print(f"reg_covar=0.1, change of the log-likelihood in the last iteration: {np.diff(floor_wide.log_likelihoods)[-1]:.1e}")

# %% [markdown]
# The right group, whose twelve points have a variance of $0.294$ (the $K = 2$ fit),
# gets $0.394$: a variance a third larger than its data's, a standard deviation
# about 16 % larger.
#
# And EM loses the guarantee of lesson 01 (section 6) that no iteration lowers
# the log-likelihood. That guarantee rests on the M-step: for the responsibilities
# $r_{ik}$ the E-step has just computed, the weighted means and variances are the
# parameters $\theta$ that maximise
#
# $$Q(\theta) = \sum_i \sum_k r_{ik} \log\big(\pi_k\, \mathcal N(x_i \mid \mu_k, \sigma_k^2)\big),$$
#
# the log-likelihood of the data together with their labels, averaged over labels
# drawn with the probabilities $r_{ik}$ (the *expected complete-data
# log-likelihood*; up to a term that does not depend on $\theta$, it is the lower
# bound $B(q, \theta)$ of lesson 02, which the M-step maximises). With $\varepsilon$ added, the new variances no longer
# maximise $Q$, and the guarantee is gone. Here the log-likelihood rises for
# twelve iterations and then falls a little at every one; the printed change of
# the last is $-1.2 \times 10^{-5}$. A fall is not convergence: `gmmlib` stops only
# once the change, up or down, is below `tol` in two iterations in a row and the
# parameters have stopped moving (lesson 01, section 7), so the fit ends at 19
# iterations, not at the first fall.

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
# ## 3. Remedy 2: a prior on the covariances (MAP-EM)
#
# Instead of a hard rule, say in advance which covariances are plausible, and
# let the data overrule that only when they have enough points to do so. A
# *prior* $p(\Sigma_k)$ is a probability density over covariances. EM then
# maximises, instead of the log-likelihood $\ell(\theta)$, the **MAP objective**
#
# $$\ell(\theta) + \sum_k \log p(\Sigma_k),$$
#
# the log-likelihood plus the log-prior of every component's covariance (its
# maximiser is the *maximum a posteriori*, MAP, estimate).
#
# The prior that keeps the M-step in closed form is the **inverse-Wishart**
# $\mathrm{IW}(\Psi, \nu)$, with a scale matrix $\Psi$ and $\nu$ degrees of freedom:
# $p(\Sigma) \propto |\Sigma|^{-(\nu + D + 1)/2} \exp\!\big(-\tfrac12 \operatorname{tr}(\Psi \Sigma^{-1})\big)$.
# In one dimension ($D = 1$, $\Psi$ a number) it is the scaled inverse-$\chi^2$ density
#
# $$p(\sigma^2) \;\propto\; (\sigma^2)^{-(\nu + 2)/2}\, \exp\!\Big(-\frac{\Psi}{2\sigma^2}\Big),$$
#
# which is also an inverse-gamma density with shape $\nu/2$ and scale $\Psi/2$.
# `CovariancePrior.from_data` picks a weak default: $\Psi$ is the data's variance
# divided by $K^{2/D}$ (the spread of one of $K$ equal clusters), and $\nu = D + 2$.

# %%
prior = gmmlib.CovariancePrior.from_data(x, 3)
psi, nu, D = prior.scale_matrix(1)[0, 0], prior.dof, 1  # Psi is a 1 x 1 matrix here
print(f"Psi = {psi:.4f} (the data's variance {x.var():.4f} / 3^2), nu = {nu:g}")
v_test = np.array([0.01, 0.1, 1.0])
print("gmmlib's log-prior at sigma^2 = 0.01, 0.1, 1:", np.array([prior.log_density(v) for v in v_test]))
print("inverse-gamma(nu/2, scale Psi/2) at the same:", invgamma(nu / 2, scale=psi / 2).logpdf(v_test))

# %% [markdown]
# **Why this stops the spike.** As $\sigma_k \to 0$, the log-likelihood can gain at most
# about $-\log\sigma_k$ (lesson 05, section 2), while the log-prior contains
# $-\Psi/(2\sigma_k^2)$, which goes to $-\infty$ far faster than $-\log\sigma_k$ goes to
# $+\infty$. So the MAP objective is bounded above and has a maximum: the spike
# now loses. Check it on lesson 05's spike (weight $0.05$ on the straggler, added
# to the two components of `two`) by adding the log-prior of its three variances:

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
# log-prior falls much faster, and their sum drops away: no spike can win any more.
#
# **The update.** With a prior, the M-step maximises $Q(\theta) + \sum_k \log p(\Sigma_k)$,
# the $Q$ of section 2 plus the log-prior. The prior involves only the
# covariances, so the weights and the means are updated as before. In 1-D, the
# terms that depend on $v = \sigma_k^2$ (with $\mu_k$ at its new value) are
#
# $$-\frac{N_k}{2}\log v - \frac{S_k}{2v} \;-\; \frac{\nu + 2}{2}\log v - \frac{\Psi}{2v},
#   \qquad S_k = \sum_i r_{ik}(x_i - \mu_k)^2,$$
#
# the first two from $Q$, the last two from the log-prior. Their derivative
# $-\frac{N_k + \nu + 2}{2v} + \frac{S_k + \Psi}{2v^2}$ is zero at
# $v = (S_k + \Psi)/(N_k + \nu + 2)$, and $\nu + 2 = \nu + D + 1$ for $D = 1$. In $D$
# dimensions the same calculation gives
#
# $$\Sigma_k = \frac{S_k + \Psi}{N_k + \nu + D + 1}, \qquad S_k = \sum_i r_{ik}\,(x_i - \mu_k)(x_i - \mu_k)^\top .$$
#
# **Pseudo-points.** Read the update as if $\nu + D + 1$ pseudo-points had been
# added to every component, with a total scatter $\Psi$ (their sum of squared
# deviations, added to $S_k$). So $\Psi$ is not itself a variance the prior pushes
# towards: the prior's *mean* is $\Psi/(\nu - D - 1)$ (which is $\Psi$ for
# $\nu = D + 2$), but its *mode*, the single most probable covariance, is
# $\Psi/(\nu + D + 1)$, and that is what a component with $N_k = 0$ gets. A component
# with $N_k$ points can never go below $\Psi/(N_k + \nu + D + 1)$; a component with
# hundreds of points hardly notices the prior.

# %%
print(f"prior mean Psi / (nu - D - 1) = {psi / (nu - D - 1):.4f}, prior mode Psi / (nu + D + 1) = {psi / (nu + D + 1):.4f}")
print(f"a component with N_k = 1 keeps a variance of at least Psi / (1 + nu + D + 1) = {psi / (1 + nu + D + 1):.4f}")

# %% [markdown]
# Redo the M-step that collapsed in lesson 05 (section 6), with the prior: the
# E-step of iteration 43 on the last good parameters, then both updates.

# %%
resp = gmmlib.e_step(x, before.params)
N_k = resp.sum(axis=0)
means_next = resp.T @ x / N_k
S_k = (resp * (x[:, None] - means_next) ** 2).sum(axis=0)  # sum_i r_ik (x_i - mu_k)^2
ml_variances = S_k / N_k
map_variances = (S_k + psi) / (N_k + nu + D + 1)
by_gmmlib = gmmlib.m_step(x, resp, reg_covar=0, covariance_prior=prior)

print("N_k:", N_k)
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
# With a prior, EM raises the MAP objective at every step, not the
# log-likelihood alone, which may dip now and then. `gmmlib` knows this: its
# `tol` applies to the MAP objective, so the fit stops when what EM climbs has
# settled. Compute that objective from the history:

# %%
map_objective = np.array([ll + sum(prior.log_density(S) for S in p.covariances)
                          for ll, p in zip(map_ll, map_fit.history)])
print(f"largest drop of the log-likelihood on the way: {np.diff(map_ll).min():.4f}")
print("log-likelihood + log-prior rose at every iteration:", bool(np.all(np.diff(map_objective) > 0)))

# %% [markdown]
# The log-likelihood dipped by $0.018$ once on the way, while the MAP objective
# rose at every step. Was the stop premature? Run the same fit for 200
# iterations with no stopping rule (`tol=0`):

# %%
map_long = canonical(gmmlib.fit(x, 3, reg_covar=0, seed=1, covariance_prior=prior, tol=0, max_iter=200),
                     reference=two.params)
long_objective = map_long.log_likelihoods[-1] + sum(prior.log_density(S) for S in map_long.params.covariances)
largest_change = max(np.abs(map_long.params.means - map_fit.params.means).max(),
                     np.abs(map_long.params.covariances - map_fit.params.covariances).max())
print(f"after 200 iterations: log-likelihood {map_long.log_likelihoods[-1]:.4f}; "
      f"log-likelihood + log-prior {long_objective - map_objective[-1]:+.0e} from the stop")
print(f"largest change of a mean or variance: {largest_change:.3f}")

# %% [markdown]
# Running 200 iterations instead of 42 moves the objective by less than
# $10^{-4}$ and the parameters in the third decimal: the default stop was at the MAP
# fixed point, to the precision that `tol` asks for.
#
# ## 4. Remedy 3: restart the collapsed component
#
# A collapse can be an accident of the path: a component wandered onto a lone
# point early and got stuck. Then the cure is to throw that component away and
# restart it somewhere else. With `on_collapse="reinit"`, `gmmlib.fit` puts a
# collapsing component on the point the current mixture explains worst, gives it the
# variance of all the data, and carries on; `result.reinitialised`
# lists each restart as (iteration, component). If the same component collapses
# again after 2 restarts, `fit` gives up and raises `SingularityError` after all.
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

long_run = canonical(gave_up.result, reference=two.params)
print("restarts (iteration, component), ours:", long_run.reinitialised)
mean_2 = np.array([p.means[2, 0] for p in long_run.history])
var_2 = np.array([p.covariances[2, 0, 0] for p in long_run.history])
for it in (43, 78, 95, 96, long_run.n_iter):
    print(f"iteration {it:3d}: component 2 at {mean_2[it]:6.3f}, weight {long_run.history[it].weights[2]:.1e}")
print(f"its variance at iteration {long_run.n_iter} below 1e-6: {var_2[-1] < 1e-6}")

# %% [markdown]
# The error names component 2 in `fit`'s numbering; here ours is the same, as
# the renumbered restarts show.

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
restart_its = " and ".join(str(it) for it, _ in long_run.reinitialised)
ax_ll.set_title(f"restarts at {restart_its} (red), gives up at {gave_up.iteration} (black)")
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
# ### Lesson 05's two round clusters, where restarting works
#
# For a collapse that *is* an accident, go back to the two-dimensional data of
# lesson 05 (section 7): two well-separated round clusters of 25 points each,
# and four components started on four random data points. There, component 3
# (in our numbering: left cluster 0, right cluster 1, spare components after
# them from left to right) flattened onto the line through two points and
# collapsed at iteration 32. Now restart it:

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
# No second collapse: there is no second restart, the log-likelihood agrees to
# three decimals, and the smallest variance stays at $0.0057$ instead of heading
# to 0. But "no collapse" is not "two clusters": compare the rescued fit with the
# two components these data were made from.

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
# The rescued fit covers each cluster with one round component (blue and
# orange, as in the two-component fit) and lays two needles through the gap
# between and below them: components 2 and 3 (green and red), about six points
# each, with a variance of $4.47$ along their long axes against $0.0057$ and $0.053$
# across. They are thin but do not collapse: six points do not lie exactly on
# one line, so the variance across keeps a positive minimum. Nothing in these
# data pulls a component onto a point, so a second chance was all EM needed to
# finish; but its spare components found thin lines of points, not clusters.
# The two-component fit has a lower log-likelihood, $-154.11$ against $-137.50$,
# with 12 fewer parameters, and the BIC of lesson 10, which charges for
# parameters, prefers it ($351.3$ against $365.0$).
#
# ### Duplicated points: restarting cannot help
#
# The duplicated zeros of lesson 05 (section 8) collapsed component 2 at
# iteration 39. Restarting it:

# %%
x_dup = np.concatenate([x, np.zeros(3)])
try:
    gmmlib.fit(x_dup, 3, reg_covar=0, seed=1, on_collapse="reinit", max_iter=1000)
except gmmlib.SingularityError as err:
    dup_gave_up = err
    print(err)
dup_run = canonical(dup_gave_up.result, reference=two.params)
print("restarts (iteration, component), ours:", dup_run.reinitialised)
for it in (38, 39, 84, 85, dup_run.n_iter):
    print(f"iteration {it:3d}: component 2 at {dup_run.history[it].means[2, 0]:6.3f}")

# %% [markdown]
# Component 2 (in both numberings) is put on the straggler, the point explained
# worst once it is gone, wanders back to the zeros, collapses again at iteration
# 85, and after the second restart does the same once more: at iteration 131
# `gmmlib` gives up. Here the spike is in the data, and the remedies are the
# others: `reg_covar`, a prior, fewer components, or better, cleaning the data
# (those zeros are not measurements).
#
# ## 5. Remedy 4: fewer components
#
# The data have two groups, and the third component was spare from the start.
# Our reference fit, `two`, is this remedy: it converged in a handful of
# iterations with `reg_covar=0` and no help at all. It does not make the
# likelihood bounded: the argument of lesson 05 (section 2) works for any $K \ge 2$, since one
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
# cause of collapse, and lesson 10 shows how to choose $K$ (BIC, held-out likelihood).
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
# The same fits drawn side by side. The restart is left out: it has no final
# fit to draw, since it ends with an error at iteration 128, when component 2
# collapses for the third time. Every fit is numbered like the groups of `two`,
# so the left group is blue, the right group orange and a spare component green
# in every panel.

# %%
panels = [("reg_covar = 1e-6 (default)", floor_tiny), ("reg_covar = 0.1", floor_wide),
          ("prior (MAP)", map_fit), ("two components", two)]
fig, axes = plt.subplots(2, 2, figsize=(13, 7.5), sharex=True, sharey=True, layout="constrained")
for ax, (name, res) in zip(axes.ravel(), panels):
    drawn = plot_mixture_1d(ax, res.params, grid, data=x, bins=20)
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
# ## 7. $K!$ equally good answers
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
# of lesson 04 (section 2), why fits are compared component by component only after
# matching them (`gmmlib.components.match_components`), and why this course
# renumbers every fit with `canonical` before drawing it.
#
# ## Summary
#
# - **`reg_covar`** adds $\varepsilon$ to every variance (it is not a floor): no crash, but a spike of variance $\varepsilon$ can survive, every component gets wider by $\varepsilon$, and EM may lower the log-likelihood slightly, because the M-step no longer maximises $Q$; choose $\varepsilon$ on the scale of the data.
# - **A prior** (MAP-EM, $\Sigma_k = (S_k + \Psi)/(N_k + \nu + D + 1)$, as if $\nu + D + 1$ pseudo-points with scatter $\Psi$ joined every component) makes the MAP objective, log-likelihood + log-prior, bounded, so it has a maximum, and keeps every covariance away from 0 smoothly; the log-likelihood alone may then dip during EM, and `tol` watches the MAP objective.
# - **Restarting** a collapsed component cures accidents of the path; when the data invite a spike (an isolated point, duplicates), the component is pulled back, and `gmmlib` gives up after 2 restarts. A fit that no longer collapses can still hold thin spare components.
# - **Fewer components** leave no spare component, so EM is far less likely to find a spike; the likelihood is still unbounded for any $K \ge 2$.
# - The log-likelihood cannot rank fits when spikes are possible: the highest one here belongs to the default `reg_covar`'s spike.
# - Relabelling the components gives $K!$ equal maxima: the components are a set, not a list.
#
# ## Where next
#
# Lesson 07, *K-means as hard EM*, meets the most popular clustering method and
# finds EM in it; lesson 08 then shows that K-means is what EM becomes when
# every component shares one spherical variance that shrinks to zero, a much
# tamer way of letting variances go to 0 than the collapse of lesson 05.
# For the theory of singularities and MAP-EM, see section 9.2.1 of Bishop's
# *Pattern Recognition and Machine Learning* and the part of chapter 11 of
# Murphy's *Machine Learning: A Probabilistic Perspective* on MAP estimation for mixtures.
