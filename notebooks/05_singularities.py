# %% [markdown]
# # Lesson 05: Singularities
#
# **What you will do.** Put a very narrow Gaussian on one data point and watch
# the log-likelihood climb without limit; write the two functions that show why.
# Then watch EM find that trick by itself and crash, in one dimension and in two.
#
# **What you will learn.**
# - why the likelihood of a Gaussian mixture has no maximum, and which term runs off to infinity;
# - what a collapsing component looks like during EM, and what `gmmlib` reports;
# - why a positive log-likelihood is not a bug;
# - how a component collapses onto a point, onto a line, or onto duplicated points,
#   and the floating-point test that catches it.
#
# **What you need.** Lesson 01 (the E-step, the M-step, the log-likelihood and
# log-sum-exp). Lesson 03 (the multivariate normal and its ellipses) for section 7.
#
# **Time.** About 48 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from scipy.special import logsumexp
from scipy.stats import norm

import gmmlib
from gmmlib.components import canonical, canonical_number
from gmmlib.plotting import component_colors, plot_log_likelihood, plot_mixture_2d, use_course_style
from gmmlib.singularity import spike_params

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
# 01 and keep the result as a reference: every other fit in this lesson will
# be compared with its log-likelihood. `canonical` numbers the components from
# left to right, so component 0 (blue) is the left group and component 1
# (orange) the right one.

# %%
two = canonical(gmmlib.fit(x, 2, reg_covar=0, seed=1))
print(f"converged after {two.n_iter} iterations, log-likelihood {two.log_likelihoods[-1]:.4f}")
print("weights  ", two.params.weights)
print("means    ", two.params.means[:, 0])
print("variances", two.params.covariances[:, 0, 0])

# %% [markdown]
# (The two variances agree to four digits by chance.)
#
# ## 2. The likelihood has no maximum
#
# Now add a third component, a **spike**: weight $0.05$, centred exactly on the
# straggler $x_j = -3.1$, with a standard deviation $\sigma$ of our choosing. The
# two fitted components keep their shapes and share the remaining weight $0.95$.
# `gmmlib.singularity.spike_params` builds this mixture; here it is with $\sigma = 0.01$:

# %%
spike_weight = 0.05


def spike_mixture(sigma):
    """weights, means, variances, each of shape (3,): `two` (weights times 0.95) and a spike on x[j]."""
    spike = spike_params(x, j, sigma, weight=spike_weight, base=two.params)
    return spike.weights, spike.means[:, 0], spike.covariances[:, 0, 0]


weights, means, variances = spike_mixture(0.01)
print("weights  ", weights)
print("means    ", means)
print("variances", variances, "  (the spike's is 0.01^2)")

# %% [markdown]
# What happens to the log-likelihood as $\sigma$ shrinks? To see which
# points gain and which lose, we need every point's own term of it, not only
# their total.
#
# ### Exercise 1: every point's term, in log space
#
# Write `log_point_terms_1d(x, weights, means, variances)`, the log-density
# of the mixture at each point, an array of shape (N,):
#
# $$\log p(x_i) = \log \sum_k \pi_k\, \mathcal N(x_i \mid \mu_k, \sigma_k^2),
#   \qquad \ell = \sum_i \log p(x_i),$$
#
# where `variances` holds the $\sigma_k^2$. Do not add the terms up: the
# lesson splits them into the straggler's and the others'. Hint: build the
# $N \times K$ table $\log \pi_k + \log \mathcal N(x_i \mid \mu_k, \sigma_k^2)$
# with `norm.logpdf` (its `scale` is the standard deviation $\sigma_k$) and
# reduce each row with `logsumexp` (lesson 01, section 8): the densities of
# the check's far point and narrow spike underflow to 0.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_log_point_terms_1d


def log_point_terms_1d(x, weights, means, variances):
    """x: shape (N,); weights, means, variances: shape (K,). Returns log p(x_i) for every point, shape (N,)."""
    ...

# %%
check_log_point_terms_1d(log_point_terms_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def log_point_terms_1d(x, weights, means, variances):
    """x: shape (N,); weights, means, variances: shape (K,). Returns log p(x_i) for every point, shape (N,)."""
    log_terms = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))  # (N, K)
    return logsumexp(log_terms, axis=1)  # log p(x_i), one per point


check_log_point_terms_1d(log_point_terms_1d)

# %% [markdown]
# `split_terms` keeps the straggler's own term, `terms[j]`, and adds up the
# other 23 points' terms; here they are as $\sigma$ shrinks from 1 to $10^{-8}$:

# %%
def split_terms(sigma):
    """(log p(x_j), sum of log p(x_i) over the other points) for a spike of standard deviation sigma."""
    terms = log_point_terms_1d(x, *spike_mixture(sigma))   # shape (N,)
    return terms[j], np.delete(terms, j).sum()


sigmas = 10.0 ** -np.arange(9)  # 1, 0.1, ..., 1e-8
table = pd.DataFrame([split_terms(s) for s in sigmas], columns=["log p(x_j)", "other 23 points"])
table.insert(0, "σ", sigmas)
table["log-likelihood"] = table["log p(x_j)"] + table["other 23 points"]
table["gain"] = table["log-likelihood"].diff()  # over the row above
with pd.option_context("display.float_format", "{:.4g}".format):
    display(table)

# %% [markdown]
# Below $\sigma = 0.01$ the straggler's term grows by almost exactly
# $\log 10 = 2.303$ each time $\sigma$ is divided by ten, while the other 23
# points do not move (to four digits, from $\sigma = 0.1$ on). There is no last
# row: at $\sigma = 10^{-8}$ the log-likelihood is already about $17$ above the
# two-component fit's $-36.00$, and $\sigma = 10^{-80}$ would add another $166$.
#
# **Why.** Write $p_{\text{two}}$ for the density of the fitted two-component
# mixture `two`. The straggler's term is
#
# $$\log p(x_j) = \log\Big(0.95\, p_{\text{two}}(x_j) + 0.05\, \mathcal N(x_j \mid x_j, \sigma^2)\Big)
#   \;\ge\; \log 0.05 + \log \mathcal N(x_j \mid x_j, \sigma^2),$$
#
# and the spike's density at its own centre is $1/(\sqrt{2\pi}\,\sigma)$ (the
# exponential is $e^0 = 1$ there), which goes to $+\infty$ as $\sigma \to 0$. Every other point $x_i$ lies a distance
# $d_i > 0$ from the spike, where the spike's density is proportional to
# $e^{-d_i^2/2\sigma^2}/\sigma$ and dies out much faster than $1/\sigma$ grows, so
# $\log p(x_i) \to \log\big(0.95\, p_{\text{two}}(x_i)\big)$: finite, **thanks to the
# other components**. One infinite term, 23 finite ones.
#
# ### Exercise 2: the term that runs off to infinity
#
# Write `spike_log_density(sigma)`, the log-density of a Gaussian at its own
# mean, for a standard deviation `sigma > 0`:
#
# $$\log \mathcal N(x_j \mid x_j, \sigma^2) = -\tfrac12 \log(2\pi\sigma^2) = -\log\sigma - \tfrac12 \log 2\pi .$$
#
# Hint: the check goes down to $\sigma = 10^{-310}$: $\sigma^2$ already underflows to 0
# at $10^{-200}$, and at $10^{-310}$ even $1/\sigma$ overflows. Compute from
# $\log\sigma$, never from $\sigma^2$ or the density.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_spike_log_density


def spike_log_density(sigma):
    """sigma: a float > 0, the standard deviation. Returns log N(x | x, sigma^2), a float."""
    ...

# %%
check_spike_log_density(spike_log_density)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def spike_log_density(sigma):
    """sigma: a float > 0, the standard deviation. Returns log N(x | x, sigma^2), a float."""
    return -np.log(sigma) - 0.5 * np.log(2 * np.pi)


check_spike_log_density(spike_log_density)

# %% [markdown]
# At $\sigma = 10^{-8}$ the straggler's term equals the bound to four decimals
# ($0.95\, p_{\text{two}}(x_j)$ is negligible next to the spike), and the other
# points are at their limit. Last, a spike $\mathcal N(x_j, 0.01^2)$ with no other component:

# %%
term_j, term_others = split_terms(1e-8)
log_p_two = gmmlib.log_mixture_density(x, two.params)  # log p_two(x_i), shape (N,)
print(f"log p(x_j) at sigma = 1e-8:                {term_j:.4f}")
print(f"log 0.05 + spike_log_density(1e-8):        {np.log(spike_weight) + spike_log_density(1e-8):.4f}")
print(f"other points at sigma = 1e-8:              {term_others:.4f}")
print(f"their limit, sum of log(0.95 p_two(x_i)):  {np.delete(np.log(1 - spike_weight) + log_p_two, j).sum():.4f}")
print(f"one Gaussian N(x_j, 0.01^2) alone:         {norm.logpdf(x, loc=x[j], scale=0.01).sum():.4g}")

# %% [markdown]
# The last line is why a single Gaussian cannot play this trick: with nothing
# else in the model, the other points sit in the spike's vanishing tails and
# their terms fall to $-\infty$ far faster. The danger comes from mixing: one
# component shrinks onto a point while the others look after the rest.
#
# The same climb over a continuous range of $\sigma$, on a logarithmic axis. The
# spike is the third component, so its term is drawn in the third colour, green.

# %%
sigma_grid = np.logspace(-8, 1, 200)
term_j, term_others = np.array([split_terms(s) for s in sigma_grid]).T  # two curves of 200 values

fig, ax = plt.subplots(figsize=(9, 4.5))
ax.plot(sigma_grid, term_j + term_others, color="black", lw=2.5, label="log-likelihood")
ax.plot(sigma_grid, term_j, color=component_colors(3)[2], lw=2, ls="--", label="term of the straggler $x_j$")
ax.plot(sigma_grid, term_others, color="0.5", lw=2, ls=":", label="sum over the other 23 points")
ax.axhline(two.log_likelihoods[-1], color="black", lw=1.2, ls="-.", label="two components, no spike")
ax.set_xscale("log")
ax.set_xlabel("spike's standard deviation $\\sigma$ (log scale)")
ax.set_ylabel("log-likelihood")
ax.set_title("shrinking a spike on one point: the log-likelihood never stops rising")
ax.grid(alpha=0.3)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# On the log axis the climb is a straight line, the $-\log\sigma$ of the
# formula, and all of it is the straggler's dashed term: the dotted sum over the
# other points is flat at the left. (At large $\sigma$ the spike is a wide, light
# component that helps them a little.) The black curve crosses the
# two-component fit's dash-dotted line just below $\sigma = 0.3$ and never comes back.
#
# ## 3. Shrink the spike yourself
#
# Drag the slider to shrink $\sigma$ (each notch divides it by the same factor).
# The left panel draws the weighted densities on a logarithmic axis, so the
# spike and the two wide bumps show at once.

# %% tags=["nbval-ignore-output"]
from gmmlib.singularity import spike_explorer

explorer = spike_explorer(x, j, base=two.params, weight=spike_weight, sigma=1.0)
explorer

# %% [markdown]
# Things to try. The spike's peak, $0.05/(\sqrt{2\pi}\,\sigma)$, rises tenfold per
# decade of $\sigma$: find the $\sigma$ at which it first stands taller than the
# peaks of the two wide bumps, and the $\sigma$ at which the readout's "term of
# the point under the spike" turns positive (the density at $x_j$ is then above
# 1). An instructor can set the slider from code; the explorer's figure then
# shows that state, even without a running notebook:

# %%
explorer.slider.value = 1e-4
total, term = explorer.log_likelihoods
print(f"sigma = {explorer.sigma:.0e}: log-likelihood {total:.4f}, term of the straggler {term:.4f}")
print("same as the table's row:", np.isclose(total, table.loc[4, "log-likelihood"]))
explorer.figure

# %% [markdown]
# At $\sigma = 10^{-4}$ the spike towers over the two wide components.
#
# ## 4. A positive log-likelihood is not a bug
#
# The straggler's term in section 2 turned positive once $\sigma$ was $0.01$ or
# less. A density is not a probability: it can exceed 1 as long as its area is
# 1. With $\sigma = 0.1$ its height at the mean is about 4:

# %%
print(f"N(0 | 0, 0.1^2) = exp(spike_log_density(0.1)) = {np.exp(spike_log_density(0.1)):.4f}")
grid = np.linspace(-1, 1, 2001)
print(f"area under it: {np.trapezoid(norm.pdf(grid, scale=0.1), grid):.6f}")

# %% [markdown]
# Whether densities are above or below 1 depends on the units. Write the same
# 24 measurements in a unit a hundred times larger, so that every number is a
# hundred times smaller (metres instead of centimetres): every density becomes
# 100 times taller, each point's log-density rises by $\log 100 = 4.605$, and the
# fit's log-likelihood rises by $24 \times 4.605$:

# %%
two_scaled = gmmlib.fit(x / 100, 2, reg_covar=0, seed=1)
print(f"log-likelihood, original units:         {two.log_likelihoods[-1]:.4f}")
print(f"log-likelihood, units 100 times larger: {two_scaled.log_likelihoods[-1]:+.4f}")
print(f"difference: {two_scaled.log_likelihoods[-1] - two.log_likelihoods[-1]:.4f},  24 log 100 = {N * np.log(100):.4f}")

# %% [markdown]
# Same data, same fit, a log-likelihood of $+74.5$. Its sign says nothing; only
# differences between fits of the same data in the same units mean something.
#
# ## 5. EM finds the spike by itself
#
# Fit **three** components to our two groups, one more than they need, with
# `reg_covar=0` (the pure M-step of lesson 01) and the start that `seed=1` picks.
# `gmmlib` checks every covariance after every M-step; when one is no longer
# usable (section 6), `fit` stops with a `SingularityError` that says what
# happened and what to do:

# %%
try:
    gmmlib.fit(x, 3, reg_covar=0, seed=1)
except gmmlib.SingularityError as err:
    collapse = err
    print(err)
    print("component (in fit's numbering):", err.component, "  iteration:", err.iteration)

# %% [markdown]
# `err.result` holds the fit up to the collapse. We renumber its history with
# `canonical`, the groups of `two` as the reference: the component closest to
# the left group is 0 (blue), to the right group 1 (orange), the spare one 2
# (green), in every three-component fit of these data in this lesson and the
# next. `err.component` is in `fit`'s numbering; `canonical_number` gives ours.

# %%
before = canonical(collapse.result, reference=two.params)
k_bad = canonical_number(collapse.result.params, collapse.component, reference=two.params)
print(f"the collapsing component: {collapse.component} in fit's numbering, {k_bad} in ours")
print("means of the last valid parameters, ours:", before.params.means[:, 0])

# %% [markdown]
# Here the two numberings agree. The three variances, iteration by iteration,
# on a logarithmic axis, next to the log-likelihood (zoomed in: the start and
# the first few iterations lie below the panel):

# %%
variances = np.array([p.covariances[:, 0, 0] for p in before.history])  # (iterations + 1, K)

fig, (ax_v, ax_ll) = plt.subplots(1, 2, figsize=(12, 4.3), layout="constrained")
for k, c in enumerate(component_colors(3)):
    ax_v.plot(variances[:, k], "o-", ms=3, color=c, label=f"component {k}")
ax_v.set_yscale("log")
ax_v.set_xlabel("iteration")
ax_v.set_ylabel("variance $\\sigma_k^2$ (log scale)")
ax_v.set_title(f"component {k_bad} shrinks, then collapses")
ax_v.legend()
ax_v.grid(alpha=0.3)
plot_log_likelihood(ax_ll, before.log_likelihoods, label="three components")
ax_ll.axhline(two.log_likelihoods[-1], color="0.5", lw=2, ls="-.", label="two components")
ax_ll.set_ylim(-37, -33.5)  # the first iterations, from far below, are off the panel
ax_ll.set_title("the log-likelihood creeps, then jumps")
ax_ll.legend(loc="upper left")
plt.show()

# %% [markdown]
# For a long time nothing looks alarming. The numbers behind the two panels:

# %%
ll_before = before.log_likelihoods
last = np.arange(before.n_iter - 4, before.n_iter + 1)  # the last five iterations
print(f"log-likelihood at the start {ll_before[0]:.2f}, at iteration 4 {ll_before[4]:.2f}; above the "
      f"two-component fit from iteration {int(np.argmax(ll_before > two.log_likelihoods[-1]))} on")
print(f"iterations completed before the collapse: {before.n_iter}; "
      f"mean of the collapsing component: {before.params.means[k_bad, 0]:.4f}")
print(f"its variance, iterations {last[0]} to {last[-1]}:", variances[last, k_bad])
print(f"log-likelihood, iterations {last[0]} to {last[-1]}:", ll_before[last].round(3))
print(f"its effective number of points N_k (from the E-step of iteration {before.n_iter}): "
      f"{before.params.weights[k_bad] * N:.3f}")

# %% [markdown]
# From iteration 12 on the log-likelihood sits just above the two-component
# fit's (grey), creeping up by hundredths, while component 2 slowly narrows and
# drifts left. At the end it sits on the straggler ($-3.096$) with a little less
# than one point's worth of responsibility, and shrinks ever faster, from
# $0.136$ to $0.0032$ in three steps, while the log-likelihood jumps from
# $-35.73$ to $-33.98$.
#
# ## 6. The M-step that failed, and what `gmmlib` calls a collapse
#
# The next M-step, of iteration 43, is the one that failed. Redo it by hand: the
# E-step on the last good parameters, then the weighted variance of lesson 01.

# %%
resp = gmmlib.e_step(x, before.params)
N_k = resp.sum(axis=0)
means_next = resp.T @ x / N_k
S_k = (resp * (x[:, None] - means_next) ** 2).sum(axis=0)  # sum_i r_ik (x_i - mu_k)^2
ml_variances = S_k / N_k

print("N_k (from the E-step of iteration 43):", N_k)
print("new variances of components 0 and 1:", ml_variances[:2])

# %% [markdown]
# (This E-step is one later than the one behind the weights above, hence
# $0.981$ against $0.928$.) Component 2 owns the straggler and almost nothing
# else, so its new variance is zero to within rounding (not printed: rounding
# noise differs between computers). `gmmlib` asks whether each new covariance
# $\Sigma_k$ is still usable in floating point, where
# $\varepsilon_{\text{mach}} = 2.2 \times 10^{-16}$ is the gap between 1 and the
# next float. A component has collapsed when
#
# 1. the Cholesky factorisation $\Sigma_k = L L^\top$ fails: $\Sigma_k$ is not positive definite;
# 2. a squared diagonal entry $L_{dd}^2$ of $L$ (a *conditional variance*, section 7) is
#    below $32\,\varepsilon_{\text{mach}}$ times the variance $(\Sigma_k)_{dd}$ on that
#    axis: the component is flat across some direction;
# 3. a variance $(\Sigma_k)_{dd}$ is below $(64\,\varepsilon_{\text{mach}} \max_i |x_{id}|)^2$:
#    a standard deviation of 64 to 128 float spacings near the data's largest value
#    (the spacing is constant between two powers of 2 and doubles at each), too
#    narrow for the stored data to tell its point from its neighbours.
#
# In one dimension $L = \sigma_k$, so tests 1 and 2 only catch a variance that is
# zero or negative. Test 3 is the one for a component shrunk onto a point:

# %%
eps_mach = np.finfo(float).eps
largest = np.abs(x).max()
point_floor = (64 * eps_mach * largest) ** 2
print(f"eps_mach = {eps_mach:.3g}; spacing of the floats near max|x_i| = {largest}: {np.spacing(largest):.3g}")
print(f"test 3's floor: (64 eps_mach max|x_i|)^2 = {point_floor:.3g}, a standard deviation of {np.sqrt(point_floor):.2g}")
print(f"new variance of component {k_bad} at or below the floor:", bool(ml_variances[k_bad] <= point_floor))
print("new variances of components 0 and 1 above it:", bool(np.all(ml_variances[:2] > point_floor)))

# %% [markdown]
# A standard deviation of $4.4 \times 10^{-14}$ is about a hundred float spacings at
# $3.1$, and component 2's new variance is below even that: the spike of section
# 2 with a $\sigma$ below anything a float resolves. EM did its job, raising the
# likelihood, and that is the problem. Both thresholds sit at the size of
# rounding errors, so a thin but genuine cluster (points on a line $10^{-6}$
# across, say) is not called a collapse.
#
# Of the error message's four ways out, three are the remedies of lesson 06;
# the fourth, rescaling, is for data whose squares underflow, and cannot cure a
# spike: both thresholds scale with the data.
#
# ## 7. In two dimensions: flattening onto a line
#
# A different data set, `X2`: two well-separated round clusters of 25 points
# each, no stragglers, no duplicates, and four components started on four
# random data points (`init="random"`). Its fits are numbered like the clusters
# that generated it, `X2_clusters` (left 0, blue; right 1, orange), spare
# components after them from left to right.

# %%
rng2 = np.random.default_rng(1)
X2 = np.concatenate([rng2.normal(0, 1, (25, 2)), rng2.normal([4, 0], 1, (25, 2))])
X2_clusters = gmmlib.GMMParams([0.5, 0.5], [[0, 0], [4, 0]], [np.eye(2), np.eye(2)])

try:
    gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random")
except gmmlib.SingularityError as err:
    accident = err
    print(err)
at_collapse = canonical(accident.result.params, reference=X2_clusters)
k_acc = canonical_number(accident.result.params, accident.component, reference=X2_clusters)
print(f"the collapsing component: {accident.component} in fit's numbering, {k_acc} in ours")

# %% [markdown]
# Here the numberings differ: `fit`'s component 0 is our component 3 (red). Look
# at the last valid parameters, of iteration 31, one before the collapse, with
# the two points that component 3 holds ringed:

# %%
resp2 = gmmlib.e_step(X2, at_collapse)
for k in (2, 3):
    print(f"component {k}: N_k = {resp2[:, k].sum():.2f}, variances along its own axes (eigenvalues) "
          + ", ".join(f"{v:.1e}" for v in np.linalg.eigvalsh(at_collapse.covariances[k])))
held = np.argsort(resp2[:, k_acc])[-2:]  # the two points with the largest responsibility of component 3

fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
plot_mixture_2d(ax, at_collapse, X2)
ax.scatter(*X2[held].T, s=320, facecolors="none", edgecolors="black", linewidths=2.5, zorder=6,
           label=f"the two points of component {k_acc}")
ax.legend(loc="upper right")
ax.set_title(f"iteration {accident.result.n_iter}, one before the collapse:\n"
             f"component {k_acc} (red) flattening onto two points")
ax.set_aspect("equal")
plt.show()

# %% [markdown]
# Component 3 holds two points (ringed), and its ellipse has flattened onto the
# **line through them** (the long red line). One of its variances (an eigenvalue
# of $\Sigma_3$, the squared length of a semi-axis of its 1-standard-deviation
# ellipse, lesson 03, section 2) is still about $12$, the other about
# $3 \times 10^{-5}$. So $|\Sigma_3| \to 0$, and the density on that line goes to
# infinity, as $1/\sigma$ did in section 2. The thin green component 2 is a
# needle too, through the six green points below the left cluster and across
# the gap, but with a variance of $0.006$ across: not the one that collapses.
#
# Redo the failed M-step of iteration 32 and apply section 6's tests. Number
# the axes as the figure does, $x_1$ and $x_2$ (numpy's columns 0 and 1):
# $\Sigma_{11}$, $\Sigma_{22}$ are the variances along them, $\Sigma_{12}$ their
# covariance. The Cholesky factor has $L_{11}^2 = \Sigma_{11}$ and $L_{22}^2 = \Sigma_{22} - \Sigma_{12}^2/\Sigma_{11} = |\Sigma|/\Sigma_{11}$,
# the variance of $x_2$ once $x_1$ is known:

# %%
r = resp2[:, k_acc]
mean_new = r @ X2 / r.sum()
d = X2 - mean_new
S_new = (r[:, None] * d).T @ d / r.sum()  # weighted outer products around the new mean
conditional = S_new[1, 1] - S_new[0, 1] ** 2 / S_new[0, 0]  # L_22^2 (numpy's [1, 1] is Sigma_22)
floor_2d = (64 * eps_mach * np.abs(X2).max(axis=0)) ** 2

print("new covariance:", np.array2string(S_new, prefix="new covariance: "))
print("variances along x1 and x2:", np.diag(S_new), " above test 3's floor:", bool(np.all(np.diag(S_new) > floor_2d)))
print("its largest eigenvalue:", f"{np.linalg.eigvalsh(S_new)[-1]:.4f}")
print("conditional variance of x2 given x1 below 32 eps_mach * variance of x2:",
      bool(conditional <= 32 * eps_mach * S_new[1, 1]))

# %% [markdown]
# Along each axis the new covariance looks healthy: variances of $7.38$ and
# $4.61$, far above test 3's floor. But once $x_1$ is known, $x_2$ has no variance
# left, to rounding. Test 2 (or, with other rounding, test 1) catches it; the
# variances along the axes would not. In $D$ dimensions any $D$ or fewer points
# lie on a line (a plane, ...) of dimension below $D$, and a component can
# squeeze its ellipse flat onto it.
#
# ## 8. Duplicated points: a spike the data insist on
#
# Back to our 24 measurements, with a typical data-entry fault: three failed
# readings logged as $0.0$. A component on three identical points gains
# $-\log\sigma$ **three times**.

# %%
x_dup = np.concatenate([x, np.zeros(3)])
try:
    gmmlib.fit(x_dup, 3, reg_covar=0, seed=1)
except gmmlib.SingularityError as err:
    dup_collapse = err
    print(err)
dup_before = canonical(dup_collapse.result, reference=two.params)
k_dup = canonical_number(dup_collapse.result.params, dup_collapse.component, reference=two.params)
print(f"the collapsing component: {dup_collapse.component} in fit's numbering, {k_dup} in ours")
print(f"at iteration {dup_before.n_iter}: means {dup_before.params.means[:, 0]}, "
      f"effective numbers of points {dup_before.params.weights * x_dup.size}")

# %% [markdown]
# (`fit` numbered the two groups the other way round; `canonical` puts them
# back.) The spare component 2 collapses onto the three zeros at iteration 39,
# with three points' worth of responsibility: the spike is in the data.
#
# ## Summary
#
# - The likelihood of a Gaussian mixture has no maximum: a component centred on one data point adds about $-\log\sigma$, which grows without limit as $\sigma \to 0$, while the other components keep every other point's term finite.
# - A log-likelihood can be positive: densities exceed 1 where they are narrow, for example when the data are written in a large unit (small numbers). Only differences between fits of the same data in the same units mean something.
# - EM finds the spike by itself, most often with more components than the data need or with duplicated points; `gmmlib.fit` then raises `SingularityError` with the component (in `fit`'s numbering; `canonical_number` translates), the iteration and the fit so far.
# - `gmmlib` calls a covariance collapsed when it is no longer usable in floating point: its Cholesky factorisation fails, a conditional variance is below $32\,\varepsilon_{\text{mach}}$ times the variance on that axis, or a variance is below $(64\,\varepsilon_{\text{mach}} \max_i|x_{id}|)^2$.
# - In $D$ dimensions a component can collapse onto a line (or plane) through $D$ or fewer points: $|\Sigma_k| \to 0$ while the variances along the axes stay large.
#
# ## Where next
#
# Lesson 06, *Remedies for collapse*, repairs this lesson's collapsing fit four
# ways (adding a small number to every variance, a prior on the covariances,
# restarting the collapsed component, fewer components) and compares them. For
# the theory, see section 9.2.1 of Bishop's *Pattern Recognition and Machine Learning*.
