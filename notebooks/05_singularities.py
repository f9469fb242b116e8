# %% [markdown]
# # Lesson 05: Singularities
#
# **What you will do.** Take a small data set, put a very narrow Gaussian on
# one of its points, and watch the log-likelihood climb as far as you like.
# Then watch EM find that trick by itself and crash, once in one dimension and
# once in two, and look at the test that tells `gmmlib` a component has collapsed.
#
# **What you will learn.**
# - why the likelihood of a Gaussian mixture has no maximum, and which term runs off to infinity;
# - what a collapsing component looks like during EM, and what `gmmlib` reports when it happens;
# - why a positive log-likelihood is not a bug;
# - how a component collapses onto a point in one dimension and onto a line in two,
#   and the floating-point test that catches both;
# - why duplicated points invite a collapse.
#
# **What you need.** Lesson 01 (the E-step, the M-step and the log-likelihood).
# Lesson 03 (the multivariate normal and its ellipses) for the two-dimensional
# example of section 7.
#
# **Time.** About 45 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display
from scipy.special import logsumexp
from scipy.stats import norm

import gmmlib
from gmmlib.components import canonical, canonical_order
from gmmlib.plotting import component_colors, plot_log_likelihood, plot_mixture_2d, use_course_style

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
print("variances to six digits:", ", ".join(f"{v:.6f}" for v in two.params.covariances[:, 0, 0]))

# %% [markdown]
# The two variances print equal to four digits, but that is a coincidence of
# these 24 numbers, not a property of the fit: to six digits they differ
# ($0.294118$ and $0.294095$). The groups were drawn with standard deviations
# $0.6$ and $0.8$; twelve points each tell little about a spread.
#
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
# with `gmmlib` computing the log-likelihood as a check on our numpy. The spike
# is the third component, so its term is drawn in the third colour, green.

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
# crosses the red dash-dotted line of the two-component fit just below $\sigma = 0.3$ and never comes back.
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
# Things to try. The spike's peak, $0.05/(\sqrt{2\pi}\,\sigma)$, rises tenfold per
# decade of $\sigma$: find the $\sigma$ at which it first stands taller than the
# peaks of the two wide bumps. Then watch the readout's "term of the point under
# the spike" and find the $\sigma$ at which it turns positive: from there on the
# mixture's density at $x_j$ is above 1. Watch also the green curve's tails,
# which vanish from the other points. An instructor can set the slider from code:

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

# %% [markdown]
# ## 4. A positive log-likelihood is not a bug
#
# Every log-likelihood so far was negative, but the straggler's own term turned
# positive in the table of section 2 once $\sigma$ was $0.01$ or less, and so did the
# explorer's readout. A density is not a probability: it can exceed 1 as long
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
# ## 5. EM finds the spike by itself
#
# Nothing stops EM from discovering this trick. Fit **three** components to
# our two groups, one more than they need, with `reg_covar=0` (the pure M-step
# of lesson 01) and the start that `seed=1` picks. `gmmlib` checks every
# covariance after every M-step; when one is no longer usable (section 6 says
# exactly what that means), `fit` stops with a `SingularityError` that says what
# happened and what to do:

# %%
try:
    gmmlib.fit(x, 3, reg_covar=0, seed=1)
except gmmlib.SingularityError as err:
    collapse = err
    print(err)
    print("component (in fit's numbering):", err.component, "  iteration:", err.iteration)

# %% [markdown]
# The error carries the fit up to the collapse in `err.result`: the parameters
# after every iteration that still made sense. Its components are numbered as
# `fit` happened to number them, so we renumber the whole history with
# `canonical`, taking the two groups of `two` as the reference: the component
# closest to the left group becomes 0 (blue), the one closest to the right
# group 1 (orange), and the spare one 2 (green), the spike's colour above. That
# is the rule for every three-component fit of these data in this lesson and
# the next. `err.component` is in `fit`'s numbering; `perm` translates it.

# %%
perm = canonical_order(collapse.result.params.means, two.params,
                       covariances=collapse.result.params.covariances)  # perm[k]: fit's number of our k
before = canonical(collapse.result, reference=two.params)
k_bad = int(np.flatnonzero(perm == collapse.component)[0])
print(f"the collapsing component: {collapse.component} in fit's numbering, {k_bad} in ours")
print("means of the last valid parameters, ours:", before.params.means[:, 0])

# %% [markdown]
# Here the two numberings happen to agree. Now the three variances, iteration by
# iteration, on a logarithmic axis, next to the log-likelihood:

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
plot_log_likelihood(ax_ll, before.log_likelihoods)
ax_ll.axhline(two.log_likelihoods[-1], color="tab:red", lw=1.5, ls="-.", label="two components")
ax_ll.set_ylim(-37, -33.5)  # the first iterations, from far below, are off the panel
ax_ll.set_title("the log-likelihood creeps, then jumps")
ax_ll.legend(loc="upper left")
plt.show()

# %% [markdown]
# For a long time nothing looks alarming. The right panel is zoomed in: the
# start and the first few iterations lie below it.

# %%
ll_before = before.log_likelihoods
print(f"iterations completed before the collapse: {before.n_iter}")
print(f"log-likelihood at the start: {ll_before[0]:.2f}, at iteration 4: {ll_before[4]:.2f}")
print("above the two-component fit from iteration", int(np.argmax(ll_before > two.log_likelihoods[-1])), "on")

# %% [markdown]
# From iteration 12 on the log-likelihood sits just above the two-component
# fit's (red), creeping up by hundredths, while component 2 (green) slowly
# narrows and drifts to the left edge of the left group. Then, in the last few
# iterations, it plunges:

# %%
print(f"mean of the collapsing component: {before.params.means[k_bad, 0]:.4f}")
print("its variance, iterations 38 to 42:", variances[38:, k_bad])
print("log-likelihood, iterations 38 to 42:", ll_before[38:].round(3))
print(f"its effective number of points N_k (from the E-step of iteration 42): {before.params.weights[k_bad] * N:.3f}")

# %% [markdown]
# Component 2 now sits on the straggler, at $-3.096$, holding a little less
# than one point's worth of responsibility, and every iteration shrinks it
# faster, from $0.136$ to $0.0032$ in three steps, while the log-likelihood jumps
# from $-35.73$ to $-33.98$.
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
# The two printed values of $N_k$ differ ($0.981$ for component 2 against $0.928$
# above) because they come from two different E-steps: the weights of the last
# good parameters were computed from the responsibilities of iteration 42, and
# this E-step, on those parameters, is one step later. In between, component 2
# became narrower and taller on the straggler and took more of it.
#
# Component 2 now owns the straggler and almost nothing else, so its weighted
# variance around its own mean is zero to within rounding. We do not print the
# value itself: at that size it is rounding noise, and would differ from one
# computer to the next. What `gmmlib` asks of every new covariance $\Sigma_k$ is
# whether it is still usable in floating point, where $\varepsilon = 2.2 \times 10^{-16}$
# is the gap between 1 and the next number a float can hold. It calls a
# component collapsed when one of three things happens:
#
# 1. the Cholesky factorisation $\Sigma_k = L L^\top$ fails: $\Sigma_k$ is not positive definite;
# 2. a **conditional variance**, a squared diagonal entry $L_{dd}^2$ of the Cholesky
#    factor, is below $32\,\varepsilon$ times the component's own variance on that axis,
#    $(\Sigma_k)_{dd}$: the component is flat across some direction (section 7);
# 3. a variance $(\Sigma_k)_{dd}$ is below $(64\,\varepsilon \max_i |x_{id}|)^2$: the
#    component's standard deviation is below 64 to 128 times the spacing of the
#    floats near the data's largest value, too narrow for the stored data to tell
#    its point from its neighbours.
#
# In one dimension $\Sigma_k$ is the number $\sigma_k^2$ and $L = \sigma_k$, so tests 1
# and 2 only catch a variance that is zero or negative. Test 3 is the one for a
# component that has shrunk onto a point:

# %%
eps = np.finfo(float).eps
largest = np.abs(x).max()
point_floor = (64 * eps * largest) ** 2
print(f"eps = {eps:.3g}; spacing of the floats near max|x_i| = {largest}: {np.spacing(largest):.3g}")
print(f"test 3's floor: (64 eps max|x_i|)^2 = {point_floor:.3g}, a standard deviation of {np.sqrt(point_floor):.2g}")
print(f"new variance of component {k_bad} at or below the floor:", bool(ml_variances[k_bad] <= point_floor))
print("new variances of components 0 and 1 above it:", bool(np.all(ml_variances[:2] > point_floor)))

# %% [markdown]
# A standard deviation of $4.4 \times 10^{-14}$ is about a hundred float spacings at
# $3.1$, and the new variance of component 2 is below even that: this is the spike
# of section 2 with $\sigma = 0$, and a log-likelihood of $+\infty$. EM did exactly
# its job, raising the likelihood, and that is the problem. Both thresholds sit
# at the size of rounding errors, so a thin but genuine cluster (points on a line
# $10^{-6}$ across, say) is not called a collapse.
#
# The error message offers four ways out. Three of them are the remedies of
# lesson 06: `reg_covar`, a `covariance_prior` and fewer components. The
# fourth, rescaling the data, is for data in extreme units, so small that their
# squares underflow in floating point; it cannot cure a spike, because both
# thresholds scale with the data, and a variance of zero stays zero in any unit.
#
# ## 7. In two dimensions: flattening onto a line
#
# In $D$ dimensions a component has more ways to collapse. Take two
# well-separated round clusters of 25 points each, no stragglers, no
# duplicates, and four components started on four random data points
# (`init="random"`). This is a different data set from the rest of the lesson,
# `X2` below. Its fits are numbered like the two clusters that generated it,
# `X2_clusters` (left cluster 0, blue; right cluster 1, orange); spare
# components come after them, from left to right.

# %%
rng2 = np.random.default_rng(1)
X2 = np.concatenate([rng2.normal(0, 1, (25, 2)), rng2.normal([4, 0], 1, (25, 2))])
X2_clusters = gmmlib.GMMParams([0.5, 0.5], [[0, 0], [4, 0]], [np.eye(2), np.eye(2)])

try:
    gmmlib.fit(X2, 4, reg_covar=0, seed=3, init="random")
except gmmlib.SingularityError as err:
    accident = err
    print(err)
raw_2d = accident.result.params
perm_2d = canonical_order(raw_2d.means, X2_clusters, covariances=raw_2d.covariances)
at_collapse = canonical(raw_2d, reference=X2_clusters)
k_acc = int(np.flatnonzero(perm_2d == accident.component)[0])
print(f"the collapsing component: {accident.component} in fit's numbering, {k_acc} in ours")

# %% [markdown]
# Here the numberings differ: `fit`'s component 0 is our component 3 (red). Look
# at the last valid parameters, of iteration 31, one before the collapse:

# %%
resp2 = gmmlib.e_step(X2, at_collapse)
print(f"component {k_acc}: effective number of points N_k = {resp2[:, k_acc].sum():.2f}")
print("its two variances along its own axes (eigenvalues):",
      ", ".join(f"{v:.1e}" for v in np.linalg.eigvalsh(at_collapse.covariances[k_acc])))

fig, ax = plt.subplots(figsize=(7, 5.5), layout="constrained")
plot_mixture_2d(ax, at_collapse, X2)
ax.set_title(f"iteration {accident.result.n_iter}, one before the collapse:\n"
             f"component {k_acc} (red) flattening onto two points")
ax.set_aspect("equal")
plt.show()

# %% [markdown]
# Component 3 did not shrink onto a point: it holds two points, and its
# ellipse has flattened onto the **line through them** (the long red line).
# One of its variances (an eigenvalue of $\Sigma_3$, the squared length of a
# semi-axis of its ellipse, lesson 03, section 2) is still about $12$, the other is
# already about $3 \times 10^{-5}$. The determinant $|\Sigma_3|$ in the normal density
# (lesson 03, section 1) is going to 0, and the density on that line to
# infinity, exactly as $1/\sigma$ did in section 2.
#
# Redo the M-step of iteration 32, which failed, and apply the three tests of
# section 6. For a $2 \times 2$ covariance the second diagonal entry of the
# Cholesky factor is $L_{11}^2 = \Sigma_{11} - \Sigma_{01}^2/\Sigma_{00} = |\Sigma|/\Sigma_{00}$, the
# variance of $x_2$ once $x_1$ is known (the first, $L_{00}^2$, is $\Sigma_{00}$ itself):

# %%
r = resp2[:, k_acc]
mean_new = r @ X2 / r.sum()
d = X2 - mean_new
S_new = (r[:, None] * d).T @ d / r.sum()  # weighted outer products around the new mean
conditional = S_new[1, 1] - S_new[0, 1] ** 2 / S_new[0, 0]  # L_11^2
floor_2d = (64 * eps * np.abs(X2).max(axis=0)) ** 2

print("new covariance:", np.array2string(S_new, prefix="new covariance: "))
print("variances along x1 and x2:", np.diag(S_new), " above test 3's floor:", bool(np.all(np.diag(S_new) > floor_2d)))
print("its largest eigenvalue:", f"{np.linalg.eigvalsh(S_new)[-1]:.4f}")
print("conditional variance of x2 given x1 below 32 eps * variance of x2:",
      bool(conditional <= 32 * eps * S_new[1, 1]))

# %% [markdown]
# Along each axis the new covariance looks healthy: variances of $7.38$ and
# $4.61$, far above test 3's floor. But the two are perfectly correlated: once
# $x_1$ is known, $x_2$ has no variance left, to rounding. Test 2 (or, with other
# rounding, test 1) catches it; a test that looked only at the variances along
# the axes would not. In $D$ dimensions the likelihood has more spikes than in
# one: a component can sit on any $D$ or fewer points, which always lie on a line
# (a plane, ...) of dimension below $D$, and squeeze its ellipse flat onto it.
#
# ## 8. Duplicated points: a spike the data insist on
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
    dup_collapse = err
    print(err)
dup_perm = canonical_order(dup_collapse.result.params.means, two.params,
                           covariances=dup_collapse.result.params.covariances)
dup_before = canonical(dup_collapse.result, reference=two.params)
k_dup = int(np.flatnonzero(dup_perm == dup_collapse.component)[0])
print(f"the collapsing component: {dup_collapse.component} in fit's numbering, {k_dup} in ours")
print(f"at iteration {dup_before.n_iter}: means {dup_before.params.means[:, 0]}, "
      f"effective numbers of points {dup_before.params.weights * x_dup.size}")

# %% [markdown]
# Here `fit` numbered the groups the other way round, and `canonical` puts them
# back: left group 0, right group 1. The spare component 2 collapses onto the
# three zeros at iteration 39, with three points' worth of responsibility. No
# isolated point was needed this time: the spike is in the data.
#
# ## Summary
#
# - The likelihood of a Gaussian mixture has no maximum: a component centred on one data point contributes about $-\log\sigma$ to the log-likelihood, which grows without limit as $\sigma \to 0$, while the other components keep every other point's term finite.
# - A log-likelihood can be positive: densities exceed 1 where they are narrow, for example in small units. Only differences between fits of the same data in the same units mean something.
# - EM can find this by itself, most often when it has more components than the data need, or when points are duplicated; `gmmlib.fit` then raises `SingularityError` with the component (numbered as `fit` numbered it), the iteration and the fit so far (`err.result`).
# - `gmmlib` calls a covariance collapsed when it is no longer usable in floating point: its Cholesky factorisation fails, a conditional variance is below $32\,\varepsilon$ times the variance on that axis, or a variance is below $(64\,\varepsilon \max_i|x_{id}|)^2$.
# - In $D$ dimensions a component can also collapse onto a line (or plane) through $D$ or fewer points: its ellipse goes flat, $|\Sigma_k| \to 0$, and the variances along the axes can stay large while a conditional variance goes to 0.
#
# ## Where next
#
# Lesson 06, *Remedies for collapse*, repairs the collapsing fit of this
# lesson four ways (adding $\varepsilon$ to every variance, a prior on the
# covariances, restarting the collapsed component, fewer components) and
# compares what each does to the same data. For the theory of singularities,
# see section 9.2.1 of Bishop's *Pattern Recognition and Machine Learning*.
