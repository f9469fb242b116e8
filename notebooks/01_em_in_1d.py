# %% [markdown]
# # Lesson 01: EM in one dimension, by hand
#
# **What you will do.** Build a mixture of three Gaussians, draw data from it, and
# then forget where the data came from and recover the mixture with the
# expectation-maximisation (EM) algorithm. Every step is computed in plain
# numpy, with the numbers on screen, before the work is handed to `gmmlib`;
# two of the steps you write yourself, and a checker names any mistake.
#
# **What you will learn.**
# - what a Gaussian mixture is, as a story of how data are generated;
# - the E-step (responsibilities) and the M-step (weighted estimates), formula by formula;
# - why EM's log-likelihood never goes down, and when to stop;
# - why careful code computes densities as logarithms (log-sum-exp).
#
# **What you need.** No earlier lesson: this is the first. Python and numpy;
# the normal distribution and what a probability density is.
#
# **Time.** About 50 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from scipy.special import logsumexp
from scipy.stats import norm

import gmmlib
from gmmlib.plotting import component_colors, plot_mixture_1d, use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. A mixture is a story about how data are made
#
# A mixture of $K$ Gaussians makes each data point in two moves:
#
# 1. pick a component $z \in \{0, \dots, K-1\}$, component $k$ with probability $\pi_k$ (the **weights**, which sum to 1);
# 2. draw $x$ from that component's normal distribution $\mathcal N(\mu_z, \sigma_z^2)$, whose density is
#
# $$\mathcal N(x \mid \mu, \sigma^2) = \frac{1}{\sqrt{2\pi\sigma^2}} \exp\!\left(-\frac{(x-\mu)^2}{2\sigma^2}\right).$$
#
# Here are three components. We write down **variances** $\sigma_k^2$;
# numpy and scipy want the **standard deviation** $\sigma_k$, so we take the square root once, by name.

# %%
true_weights = np.array([0.45, 0.35, 0.20])    # pi_k
true_means = np.array([-2.0, 1.0, 4.0])        # mu_k
true_variances = np.array([0.36, 1.0, 0.25])   # sigma_k^2
true_sds = np.sqrt(true_variances)             # sigma_k: what numpy and scipy call "scale"

rng = np.random.default_rng(0)
N = 300
z = rng.choice(3, size=N, p=true_weights)      # step 1: which component made each point
x = rng.normal(true_means[z], true_sds[z])     # step 2: a draw from that component

print("first five components:", z[:5])
print("first five points:    ", x[:5])
print("points per component: ", np.bincount(z))

# %% [markdown]
# The density of a point under the mixture adds up the three ways it could have been made:
#
# $$p(x) = \sum_{k} \pi_k \, \mathcal N(x \mid \mu_k, \sigma_k^2).$$
#
# Each weighted curve $\pi_k \mathcal N(x \mid \mu_k, \sigma_k^2)$ has area $\pi_k$, and together they have area 1.
# Forget the weights and the "density" has area $K$: a classic mistake in plots.

# %%
true_params = gmmlib.GMMParams.from_1d(true_weights, true_means, true_variances)

fig, ax = plt.subplots()
plot_mixture_1d(ax, true_params, data=x)
ax.set_title("300 draws and the mixture that made them")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# The histogram of the draws follows the black curve, roughly: 300 points are a
# sample, and this one happens to hold more points from the right-hand
# component (79) than its weight 0.2 predicts (60). The dashed curves are the
# three weighted components. Their areas, by the trapezoidal rule on a fine grid:

# %%
grid = np.linspace(-6, 8, 2001)
curves = true_weights[:, None] * norm.pdf(grid, loc=true_means[:, None], scale=true_sds[:, None])
print("area under each weighted curve:", np.trapezoid(curves, grid, axis=1))
print(f"area under the mixture:         {np.trapezoid(curves.sum(axis=0), grid):.6f}")

# %% [markdown]
# They come out as the weights, and the mixture's as 1.
#
# ## 2. The chicken-and-egg problem
#
# Now pretend we only have `x`. To fit the mixture we need the parameters
# $\pi_k, \mu_k, \sigma_k^2$. **If we knew which component made each point**, that would be easy:
# the fraction of points, mean and variance of each group.

# %%
for k in range(3):
    group = x[z == k]
    print(f"component {k}: weight {group.size / N:.3f}   mean {group.mean():+.3f}   "
          f"variance {group.var():.3f}   (true: {true_weights[k]}, {true_means[k]:+}, {true_variances[k]})")

# %% [markdown]
# (`group.var()` divides by the group size, not by size minus one, and so does
# the M-step below: dividing by the size gives the variance under which the
# data are most probable, the maximum-likelihood estimate; lesson 02, section 6,
# derives it.) Even with the true labels the estimates are off by up to 0.07:
# that is what a sample of 300 points allows.
#
# **If we knew the parameters**, we could work out for each point how probable it
# is that each component made it. But we know neither. EM breaks the circle by
# alternating: guess parameters, compute *soft* memberships from them (E-step), re-estimate
# the parameters from those memberships (M-step), and repeat.
#
# We start from a deliberately rough guess: equal weights, means at $-3, 0, 3$, unit variances.

# %%
weights = np.array([1 / 3, 1 / 3, 1 / 3])
means = np.array([-3.0, 0.0, 3.0])
variances = np.array([1.0, 1.0, 1.0])

# %% [markdown]
# ## 3. The E-step: responsibilities
#
# The **responsibility** of component $k$ for point $x_i$ is the probability that
# $k$ made $x_i$, having seen $x_i$, under the current parameters:
# $r_{ik} = p(z_i = k \mid x_i)$. A superscript $(t)$ marks the parameters after
# $t$ iterations ($t = 0$: our start; $\sigma_k^{2\,(t)}$ is the variance). Bayes' rule
# turns the *prior* $\pi_k^{(t)}$ (how often $k$ makes points at all) into this *posterior*:
#
# $$r_{ik} = \frac{\pi_k^{(t)} \, \mathcal N(x_i \mid \mu_k^{(t)}, \sigma_k^{2\,(t)})}{\sum_j \pi_j^{(t)} \, \mathcal N(x_i \mid \mu_j^{(t)}, \sigma_j^{2\,(t)})}.$$
#
# The numerator is the weighted density; the denominator is the mixture density $p(x_i)$, which makes each row sum to 1.
# Here it is for six points, one column per quantity.

# %%
targets = (-3.0, -1.5, 0.0, 1.5, 3.0, 4.5)
few = np.array([x[np.argmin(np.abs(x - t))] for t in targets])  # the data point nearest each target

weighted = weights * norm.pdf(few[:, None], loc=means, scale=np.sqrt(variances))  # (6, 3)
mixture = weighted.sum(axis=1, keepdims=True)                                     # p(x_i)
resp_few = weighted / mixture                                                     # r_ik

table = pd.DataFrame({"x": few})
for k in range(3):
    table[f"π{k}·N(x | μ{k}, σ{k}²)"] = weighted[:, k]
table["p(x)"] = mixture[:, 0]
for k in range(3):
    table[f"r{k}"] = resp_few[:, k]
with pd.option_context("display.float_format", "{:.3g}".format):
    display(table)

# %% [markdown]
# Read a row from left to right: the point $x = 1.5$ is about equally far from the
# means $0$ and $3$, and our guess gives all components the same weight and the
# same variance, so components 1 and 2 share it almost evenly, and component 0
# gets next to nothing. (With unequal weights or variances, the nearest mean
# would not decide alone: section 4 shows the weights at work.)
#
# For all 300 points at once, we colour each point by its responsibilities: a
# point owned by one component gets its colour; a shared point gets a blend.

# %%
resp = weights * norm.pdf(x[:, None], loc=means, scale=np.sqrt(variances))
resp /= resp.sum(axis=1, keepdims=True)  # the E-step for every point: shape (300, 3)

# each point's colour: the RGB colours of the components (rows of a (3, 3) table),
# averaged with the point's responsibilities as weights, so a 50/50 point gets the midway colour
colors = resp @ component_colors(3)
fig, ax = plt.subplots(figsize=(9, 2.8))
jitter = np.random.default_rng(1).uniform(0, 1, N)  # vertical position: random, only to spread the points
ax.scatter(x, jitter, c=colors, s=30, edgecolors="white", linewidths=0.3)
for k, c in enumerate(component_colors(3)):
    ax.axvline(means[k], color=c, ls="--", lw=2, label=f"current mean $\\mu_{k}$")
ax.set_yticks([])
ax.set_ylabel("random height")
ax.set_xlabel("x")
ax.set_title("points coloured by their responsibilities after the first E-step")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %% [markdown]
# Points near $-1.5$ lie halfway between the guesses $-3$ (blue) and $0$
# (orange) and take a blend of both colours, a greyish brown; points near $1.5$
# are shared by orange and green and turn olive. The colours only reflect the
# current guess; the M-step will now move the guess towards the points.
#
# ## 4. The M-step: weighted estimates
#
# Treat each $r_{ik}$ as "point $i$ counts as $r_{ik}$ of a point for component $k$", and
# redo the easy estimates of section 2 with those fractional counts.
#
# ### Exercise 1: the M-step
#
# Write `m_step_1d(x, resp)`: from the points `x`, shape $(N,)$, and the
# responsibilities `resp`, shape $(N, K)$, return `weights, means, variances`
# (each of shape $(K,)$):
#
# $$N_k = \sum_i r_{ik}, \qquad \pi_k^{(t+1)} = \frac{N_k}{N}, \qquad
#   \mu_k^{(t+1)} = \frac{1}{N_k}\sum_i r_{ik}\, x_i, \qquad
#   \sigma_k^{2\,(t+1)} = \frac{1}{N_k}\sum_i r_{ik}\,\bigl(x_i - \mu_k^{(t+1)}\bigr)^2 ,$$
#
# the variance around the **new** mean, divided by $N_k$ as in section 2.
# *Hint:* `resp * x[:, None]` is the $(N, K)$ table of $r_{ik} x_i$; `.sum(axis=0)` sums over $i$.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_m_step_1d


def m_step_1d(x, resp):
    """x of shape (N,), resp of shape (N, K) -> weights, means, variances, each of shape (K,)."""
    ...


# %%
check_m_step_1d(m_step_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def m_step_1d(x, resp):
    """x of shape (N,), resp of shape (N, K) -> weights, means, variances, each of shape (K,)."""
    N_k = resp.sum(axis=0)                                          # effective counts, (K,)
    weights = N_k / x.size
    means = (resp * x[:, None]).sum(axis=0) / N_k
    variances = (resp * (x[:, None] - means) ** 2).sum(axis=0) / N_k  # around the NEW means
    return weights, means, variances


check_m_step_1d(m_step_1d)

# %% [markdown]
# Here it is on the responsibilities of section 3, next to `gmmlib.m_step`. Its
# `reg_covar` adds a tiny number to every variance to keep it away from zero
# (lessons 05 and 06 explain why); with `reg_covar=0` it is exactly the formulas above.

# %%
N_k = resp.sum(axis=0)
new_weights, new_means, new_variances = m_step_1d(x, resp)
params_1 = gmmlib.m_step(x, resp, reg_covar=0)
print("N_k       ", N_k)
print("weights   ", new_weights)
print("means     ", new_means)
print("variances ", new_variances)
print("gmmlib.m_step agrees:", np.allclose(params_1.weights, new_weights)
      and np.allclose(params_1.means[:, 0], new_means)
      and np.allclose(params_1.covariances[:, 0, 0], new_variances))

# %% [markdown]
# A classic mistake takes the variance around the old mean $\mu_k^{(t)}$. That
# adds $\bigl(\mu_k^{(t+1)} - \mu_k^{(t)}\bigr)^2$ to every variance, here 0.67 to
# the left one, whose mean moved from $-3$ to $-2.18$:

# %%
wrong_variances = (resp * (x[:, None] - means) ** 2).sum(axis=0) / N_k
print("variances around the old means (wrong):", wrong_variances)
print("wrong minus right:                     ", wrong_variances - new_variances)
print("(new mean - old mean)^2:               ", (new_means - means) ** 2)

# %% [markdown]
# The new weights are no longer equal, and now they matter. Responsibilities
# that forget $\pi_k$ (another classic mistake) give a different answer, here for
# the point near $1.5$ of the table:

# %%
x_mid = few[3]  # the point near 1.5: row 3 of the table
with_weights = new_weights * norm.pdf(x_mid, loc=new_means, scale=np.sqrt(new_variances))
without = norm.pdf(x_mid, loc=new_means, scale=np.sqrt(new_variances))
print(f"x = {x_mid:.4f}")
print("responsibilities with the weights (right):  ", with_weights / with_weights.sum())
print("responsibilities without the weights (wrong):", without / without.sum())

# %% [markdown]
# ## 5. The log-likelihood: did the iteration help?
#
# How well parameters explain the data is measured by the **log-likelihood**: the
# sum over points of the log of the mixture density,
#
# $$\ell = \sum_i \log p(x_i) = \sum_i \log \sum_k \pi_k \, \mathcal N(x_i \mid \mu_k, \sigma_k^2).$$
#
# The log goes *inside* the sum over points: one term per point. We compute it from
# log-densities with `logsumexp`, for reasons section 8 makes clear.

# %%
def log_likelihood(x, weights, means, variances):
    """sum_i log sum_k pi_k N(x_i | mu_k, sigma_k^2), computed in log space."""
    log_weighted = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))
    return logsumexp(log_weighted, axis=1).sum()


before = log_likelihood(x, weights, means, variances)
after = log_likelihood(x, new_weights, new_means, new_variances)
print(f"log-likelihood at the start:          {before:.4f}")
print(f"log-likelihood after one E and one M: {after:.4f}")
print(f"gmmlib.log_likelihood after:          {gmmlib.log_likelihood(x, params_1):.4f}")

# %% [markdown]
# One iteration raised it by about 76. A common mistake takes the log of one big
# sum over all points instead: one log for all 300 points, not one per point. It
# is a different quantity altogether, near $+3.7$ where the log-likelihood is near $-625$:

# %%
wrong = np.log((new_weights * norm.pdf(x[:, None], loc=new_means, scale=np.sqrt(new_variances))).sum())
print(f"log of one sum over all points (wrong): {wrong:.4f}")

# %% [markdown]
# ## 6. The loop
#
# An EM iteration is one E-step and one M-step. Here are both as a loop, for 30
# iterations from our rough start, keeping the log-likelihood after each.

# %%
def em_1d(x, weights, means, variances, n_iter):
    """Plain-numpy EM for a 1-D mixture; returns the parameters and the log-likelihoods."""
    lls = [log_likelihood(x, weights, means, variances)]
    for _ in range(n_iter):
        # E-step as in section 3 (section 8 shows where it breaks, and the cure)
        weighted = weights * norm.pdf(x[:, None], loc=means, scale=np.sqrt(variances))
        resp = weighted / weighted.sum(axis=1, keepdims=True)
        weights, means, variances = m_step_1d(x, resp)    # M-step: exercise 1
        lls.append(log_likelihood(x, weights, means, variances))
    return weights, means, variances, np.array(lls)


w30, m30, v30, lls = em_1d(x, weights, means, variances, n_iter=30)
print(f"log-likelihood: {lls[0]:.4f} at the start, {lls[-1]:.4f} after 30 iterations")
print("weights  ", w30, "  true", true_weights)
print("means    ", m30, "  true", true_means)
print("variances", v30, "  true", true_variances)

# %% [markdown]
# The estimates are near the truth but 20-50% off in places (the right-hand
# variance, 0.16 against 0.25). That is not a failure: EM climbs the
# likelihood of *this sample* to a maximum (a local one: lesson 05 shows that
# the likelihood has no global maximum at all), and by that
# measure its answer beats both the true parameters and the estimates from
# the true labels of section 2:

# %%
label_params = [np.array([(z == k).mean() for k in range(3)]),
                np.array([x[z == k].mean() for k in range(3)]),
                np.array([x[z == k].var() for k in range(3)])]
print(f"log-likelihood of EM's answer:              {lls[-1]:.4f}")
print(f"log-likelihood of the true parameters:      {log_likelihood(x, true_weights, true_means, true_variances):.4f}")
print(f"log-likelihood of the true-label estimates: {log_likelihood(x, *label_params):.4f}")

# %%
fig, ax = plt.subplots(figsize=(8, 3.8))
ax.plot(lls, "o-", color="black", ms=4)
ax.set_xlabel("iteration")
ax.set_ylabel("log-likelihood")
ax.set_title("EM's log-likelihood never goes down")
ax.grid(alpha=0.3)
plt.show()
print("never decreases:", np.all(np.diff(lls) >= 0))
print("gain of each of the first 12 iterations:", np.diff(lls)[:12])

# %% [markdown]
# The curve rises steeply, then slowly, then steeply again before it flattens.
# The first iteration gains 76; then comes a plateau (iterations 2-7, gains of
# about 1 to 2.5), a second climb (iterations 8-11, gains up to 6.6), and
# only then the flattening: meanwhile the middle and right components share out
# the points between 0 and 3 (from iteration 1 to 30 the middle mean creeps
# from $-0.07$ to $0.97$, the right variance shrinks from 1.21 to 0.16). So
# "never decreases" does not mean "each gain smaller than the last", and a
# nearly flat stretch is no proof that EM has arrived.
#
# That EM never lowers $\ell$ is a theorem, not luck: lesson 02 proves it.
# `gmmlib.fit` runs the same loop. Started from the same parameters with
# `tol=0` (no early stop) and `reg_covar=0`, it retraces our numbers up to
# rounding in the last digits:

# %%
start = gmmlib.GMMParams.from_1d(weights, means, variances)
result = gmmlib.fit(x, 3, init=start, max_iter=30, tol=0, reg_covar=0)
print("log-likelihoods agree to 1e-9:", np.abs(result.log_likelihoods - lls).max() < 1e-9)
print("means agree to 1e-12:         ", np.abs(result.params.means[:, 0] - m30).max() < 1e-12)

# %% [markdown]
# ## 7. When to stop
#
# EM approaches its answer but never lands exactly on it, so we stop when the
# iterations no longer change much: when the **mean log-likelihood per point**
# changes by less than a tolerance `tol` in two iterations in a row (per point,
# so the same `tol` suits 100 or 100,000 points), with a cap `max_iter` in case
# that never happens. (`gmmlib.fit` also checks that the parameters have
# stopped moving; `help(gmmlib.fit)` gives the exact rule.)

# %%
rows = []
for tol, max_iter in ((1e-1, 500), (1e-3, 500), (1e-6, 500), (1e-9, 500), (1e-6, 5)):
    res = gmmlib.fit(x, 3, init=start, tol=tol, max_iter=max_iter)
    rows.append({"tol": f"{tol:.0e}", "max_iter": max_iter, "iterations": res.n_iter,
                 "converged": res.converged, "final log-likelihood": res.log_likelihoods[-1]})
pd.DataFrame(rows)

# %% [markdown]
# `tol=0.1` is a trap: it stops after 3 iterations, on the plateau of section 6,
# 30 below the answer, because two iterations there in a row gain less than 0.1
# per point. `1e-3` stops at iteration 15, soon after the second climb; beyond
# `1e-6` the answer hardly changes. With `max_iter=5` the cap stops the run
# first, and `converged` says so. `gmmlib.fit` uses `tol=1e-6` and `max_iter=100` by
# default; scikit-learn's `GaussianMixture` (lesson 09) uses a looser `tol=1e-3`.
#
# ## 8. Numerical care: log-sum-exp
#
# Densities of far-away points are tiny. At $x = 50$, 47 to 53 standard
# deviations from the means, all three weighted densities are below the
# smallest positive float and come out as exactly 0, so the responsibility
# ratio becomes $0/0$. That needs *every* component to underflow at once (one
# alone would just get responsibility 0), and it happens in real fits too: an
# outlier far from all the components, or components all much narrower than
# the spread of the data.

# %%
far = np.array([50.0])
with np.errstate(invalid="ignore"):  # numpy would warn about 0/0; we want to see the result
    dens = weights * norm.pdf(far[:, None], loc=means, scale=np.sqrt(variances))
    print("distance in standard deviations:", (far[:, None] - means) / np.sqrt(variances))
    print("weighted densities:             ", dens)
    print("naive responsibilities:         ", dens / dens.sum(axis=1, keepdims=True))

# %% [markdown]
# In logarithms nothing underflows: $a_k = \log \pi_k + \log \mathcal N(50 \mid \mu_k, \sigma_k^2)
# = \log \pi_k - \tfrac12 \log (2\pi\sigma_k^2) - \tfrac12 d_k^2$, with $d_k$ the distance in standard
# deviations, lies between about $-1407$ and $-1107$, perfectly ordinary numbers. To normalise, subtract the
# largest term $m$ before exponentiating:
#
# $$\log \sum_k e^{a_k} = m + \log \sum_k e^{a_k - m}, \qquad m = \max_k a_k,$$
#
# so the largest term becomes $e^0 = 1$ and the sum can neither underflow to 0 nor overflow.
#
# ### Exercise 2: the E-step in log space
#
# Write `responsibilities_1d(x, weights, means, variances)`: for points `x`, shape $(N,)$,
# and parameters of shape $(K,)$ (`variances` holds $\sigma_k^2$), return the $(N, K)$ table
#
# $$r_{ik} = \exp\Big(a_{ik} - \log \sum_j e^{a_{ij}}\Big), \qquad a_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \sigma_k^2),$$
#
# which is section 3's $r_{ik}$, computed without underflow. *Hint:*
# `norm.logpdf(x[:, None], loc=means, scale=...)` gives $\log \mathcal N$ as an $(N, K)$ table, and
# its `scale` is the standard deviation. The check includes a point far from every component.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_responsibilities_1d


def responsibilities_1d(x, weights, means, variances):
    """x of shape (N,), weights, means, variances of shape (K,) -> r of shape (N, K), rows sum to 1."""
    ...


# %%
check_responsibilities_1d(responsibilities_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def responsibilities_1d(x, weights, means, variances):
    """x of shape (N,), weights, means, variances of shape (K,) -> r of shape (N, K), rows sum to 1."""
    a = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))  # a_ik
    m = a.max(axis=1, keepdims=True)                                # the largest term of each row
    log_p = m + np.log(np.exp(a - m).sum(axis=1, keepdims=True))    # log p(x_i), by log-sum-exp
    return np.exp(a - log_p)


check_responsibilities_1d(responsibilities_1d)

# %% [markdown]
# At $x = 50$: the $a_k$, then the responsibilities, yours and `gmmlib.e_step`'s:

# %%
print("a_k:                ", np.log(weights) + norm.logpdf(50.0, loc=means, scale=np.sqrt(variances)))
with np.printoptions(precision=3, suppress=False):
    print("responsibilities_1d:", responsibilities_1d(far, weights, means, variances))
    print("gmmlib.e_step:      ", gmmlib.e_step(far, start))

# %% [markdown]
# The point goes to the rightmost component, as it should: the other two keep
# responsibilities of about $10^{-131}$ and $10^{-64}$, tiny but not $0/0$. `gmmlib`
# computes every density this way; with `responsibilities_1d` as its E-step, the loop
# of section 6 would survive such a point too.
#
# ## 9. Step through EM yourself
#
# The stepper below runs EM on our data from `gmmlib.fit`'s own start, not our
# hand-made guess: every component starts with weight 1/3 and the variance of
# all the data, and the means are three data points spread out by greedy
# **k-means++** (lesson 04 explains it: each next mean is the best of a few
# candidates drawn far from the means so far). Its numbers therefore differ from ours,
# but not its colours: `reference=THREE_BUMPS_1D`, the mixture of section 1,
# numbers the components like the true ones (blue left, orange middle, green
# right), as in the figures above.
#
# Slide through it one **half-step** at a time: step 0 is the start, odd steps
# are E-steps (the points change colour), even steps M-steps (the curves move).
# The red dot, the log-likelihood of the curves on screen, moves only at
# M-steps, which alone change the parameters. Press play, or drag the slider.

# %% tags=["nbval-ignore-output"]
from gmmlib.datasets import THREE_BUMPS_1D
from gmmlib.widgets import em_stepper

stepper = em_stepper(x, 3, seed=0, reference=THREE_BUMPS_1D)
stepper

# %% [markdown]
# Things to try: at the first E-step the grey points take colours, but only
# blends, because all three starting components are wide and overlap; find the
# step where the colours become pure. Re-run the cell with `seed=1`, or with 2
# or 4 components instead of 3. An instructor can drive it from code:
# `stepper.slider.value = 2` jumps to the first M-step.
#
# If you are reading this without a running notebook, here are some of the
# same steps side by side:

# %%
stepper.filmstrip([0, 1, 2, 16, stepper.slider.max])

# %% [markdown]
# ## Summary
#
# - A Gaussian mixture makes a point by picking component $k$ with probability $\pi_k$, then drawing from $\mathcal N(\mu_k, \sigma_k^2)$; its density is $\sum_k \pi_k \mathcal N(x \mid \mu_k, \sigma_k^2)$.
# - **E-step:** responsibilities $r_{ik} \propto \pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2)$, normalised over $k$ (weights included!).
# - **M-step:** $N_k = \sum_i r_{ik}$, $\pi_k = N_k/N$, weighted means, and weighted variances around the *new* means.
# - The log-likelihood $\sum_i \log p(x_i)$ never decreases as EM climbs to a (local) maximum; stop when its mean per point changes by less than `tol` twice in a row.
# - Compute densities in log space and normalise with log-sum-exp: far points then get finite, correct responsibilities instead of $0/0$.
# - Variances and standard deviations are different numbers: scipy's `norm(loc, scale)` takes $\sigma$, not $\sigma^2$.
#
# ## Where next
#
# Lesson 02, *Why EM works*, shows why the log-likelihood can never go down: the
# lower bound that each E-step builds and each M-step climbs, drawn exactly. Lesson 03,
# *EM in several dimensions*, then does the same with vectors, where each
# variance becomes a covariance matrix and each component an ellipse. For the theory, see chapter 9
# of Bishop's *Pattern Recognition and Machine Learning* and chapter 11 of Murphy's
# *Machine Learning: A Probabilistic Perspective*.
