# %% [markdown]
# # Lesson 02: Why EM works: the lower bound
#
# **What you will do.** Take the data of lesson 01 and prove, with numbers on
# screen, that an EM iteration can never lower the log-likelihood. Then draw the
# proof: the log-likelihood as a curve, and beneath it the *lower bound* that each
# E-step builds and each M-step climbs, exactly. You write four of the pieces, each checked.
#
# **What you will learn.**
# - Jensen's inequality for the logarithm, and how it turns the log-likelihood into a lower bound $B(q, \theta)$;
# - that the gap between the two is a sum of Kullback-Leibler divergences, zero exactly when $q$ is the E-step's responsibilities;
# - that the M-step maximises the bound, and the four-line proof that EM never goes down;
# - why EM can be slow, why it stops at stationary points, and what generalised EM, MAP-EM,
#   variational inference and scikit-learn's `lower_bound_` have to do with the bound.
#
# **What you need.** Lesson 01 (responsibilities, the M-step, the log-likelihood, log-sum-exp).
# Logarithms and sums.
#
# **Time.** About 50 minutes.

# %%
import numpy as np
import matplotlib.pyplot as plt
import pandas as pd
from scipy.special import logsumexp, xlogy
from scipy.stats import norm

import gmmlib
from gmmlib.bound import em_for_means
from gmmlib.datasets import THREE_BUMPS_1D, three_bumps_1d
from gmmlib.plotting import use_course_style

use_course_style()
np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)

# %% [markdown]
# ## 1. The question
#
# In lesson 01 the log-likelihood $\ell(\theta)$ rose at every one of EM's iterations.
# Here are exactly lesson 01's 300 points (`three_bumps_1d()` draws them with the
# same seed), a deliberately poor start, and ten iterations of `gmmlib.fit` with no
# stopping rule and no `reg_covar`, so that we see plain EM:

# %%
x, _ = three_bumps_1d()
weights, means, variances = np.full(3, 1 / 3), np.array([-4.0, 0.5, 3.0]), np.ones(3)
start = gmmlib.GMMParams.from_1d(weights, means, variances)
run = gmmlib.fit(x, 3, init=start, max_iter=10, tol=0, reg_covar=0)
print("log-likelihood after each iteration:", run.log_likelihoods.round(2))
print("smallest change:", f"{np.diff(run.log_likelihoods).min():.4f}")
assert np.all(np.diff(run.log_likelihoods) > 0)

# %% [markdown]
# Not once did it go down. Nothing in the E-step or the M-step *looks* like it
# is climbing $\ell$: the E-step computes probabilities, the M-step weighted
# averages. The reason is a function that sits below $\ell$ and that the two steps
# push up in turn. First, $\ell$ itself, written by you.
#
# ### Exercise 1: the log-likelihood
#
# Write `log_likelihood_1d(x, weights, means, variances)`: for points `x` of shape
# $(N,)$ and parameters of shape $(K,)$ (`variances` holds $\sigma_k^2$), return the number
#
# $$\ell(\theta) = \sum_i \log \sum_k \pi_k \, \mathcal N(x_i \mid \mu_k, \sigma_k^2),$$
#
# one log per point, then the sum: lesson 01's `log_likelihood` (section 5), written
# from memory this time. *Hint:* as in lesson 01, section 8, work in log space:
# `logsumexp(a, axis=1)` is $\log \sum_k e^{a_{ik}}$ for each row.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_log_likelihood_1d


def log_likelihood_1d(x, weights, means, variances):
    """x of shape (N,), weights, means, variances of shape (K,) -> the float l(theta)."""
    ...


# %%
check_log_likelihood_1d(log_likelihood_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def log_likelihood_1d(x, weights, means, variances):
    """x of shape (N,), weights, means, variances of shape (K,) -> the float l(theta)."""
    a = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))  # (N, K)
    return logsumexp(a, axis=1).sum()        # log p(x_i) for every point, then the sum


check_log_likelihood_1d(log_likelihood_1d)

# %% [markdown]
# ## 2. Jensen's inequality for the logarithm
#
# The logarithm bends downwards (it is *concave*). So the log of an average is
# at least the average of the logs: for positive numbers $a_k$ and weights
# $q_k \ge 0$ with $\sum_k q_k = 1$,
#
# $$\log \sum_k q_k a_k \;\ge\; \sum_k q_k \log a_k ,$$
#
# with equality when all the $a_k$ with $q_k > 0$ are equal. In a picture with
# two numbers: the chord between $(a_1, \log a_1)$ and $(a_2, \log a_2)$ lies
# under the curve.

# %%
a = np.array([0.5, 6.0])
q = np.array([0.3, 0.7])
t = np.linspace(0.2, 7, 300)

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(t, np.log(t), color="black", lw=2.5, label=r"$\log t$")
ax.plot(a, np.log(a), "o-", color="0.55", label="chord between the two points")
ax.plot(q @ a, np.log(q @ a), "o", ms=10, color="black", label=r"$\log \sum_k q_k a_k$ (on the curve)")
ax.plot(q @ a, q @ np.log(a), "s", ms=9, color="white", markeredgecolor="black", markeredgewidth=1.5,
        label=r"$\sum_k q_k \log a_k$ (on the chord)")
ax.vlines(q @ a, q @ np.log(a), np.log(q @ a), color="black", ls=":")
ax.set_xlabel("$t$")
ax.set_ylabel(r"$\log t$")
ax.set_title("Jensen: the log of an average is above the average of the logs")
ax.legend(loc="lower right", fontsize=10)
plt.show()
print(f"log of the average {np.log(q @ a):.4f} >= average of the logs {q @ np.log(a):.4f}")
assert np.isclose(q @ a, 4.35) and np.log(q @ a) > q @ np.log(a)

# %% [markdown]
# The black dot (the log of the average $\sum_k q_k a_k = 4.35$) sits on the
# curve, the white square (the average of the logs) on the chord below it.
#
# ## 3. The lower bound
#
# Take one point $x_i$ and *any* numbers $q_{i0}, \dots, q_{i,K-1} \ge 0$ that
# sum to 1. Multiply and divide by them inside the log, then use Jensen with
# $a_k = \pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2) / q_{ik}$, both sums over the $k$ with $q_{ik} > 0$:
#
# $$\log p(x_i) \;\ge\; \log \sum_k q_{ik} \,\frac{\pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2)}{q_{ik}}
# \;\ge\; \sum_k q_{ik} \log \frac{\pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2)}{q_{ik}} .$$
#
# The first step is an equality when every $q_{ik} > 0$; otherwise it leaves out
# terms of $p(x_i)$, all positive (a Gaussian density is never 0), which can only
# lower the sum. Summed over the points, this is the **lower bound**
#
# $$B(q, \theta) = \sum_i \sum_k q_{ik} \log \frac{\pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2)}{q_{ik}}
# \;\le\; \ell(\theta),$$
#
# for every $\theta = (\pi, \mu, \sigma^2)$ and every table $q$ whose rows sum to
# 1, a term with $q_{ik} = 0$ counting as 0 (the limit of $q \log q$). The table
# $q$ has the shape of the responsibilities, but can be anything.
#
# ### Exercise 2: the bound
#
# Write `lower_bound_1d(x, weights, means, variances, q)`: with `q` of shape $(N, K)$
# (rows summing to 1), return the number $B(q, \theta)$ above, with $0 \log 0 = 0$.
# *Hint:* split the log of the fraction into two sums; `xlogy(q, q)` is $q \log q$
# with 0 where $q = 0$.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_lower_bound_1d


def lower_bound_1d(x, weights, means, variances, q):
    """x of shape (N,), weights, means, variances of shape (K,), q of shape (N, K) -> B(q, theta)."""
    ...


# %%
check_lower_bound_1d(lower_bound_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def lower_bound_1d(x, weights, means, variances, q):
    """x of shape (N,), weights, means, variances of shape (K,), q of shape (N, K) -> B(q, theta)."""
    log_joint = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))  # (N, K)
    return np.sum(q * log_joint) - np.sum(xlogy(q, q))        # xlogy: 0 log 0 = 0


check_lower_bound_1d(lower_bound_1d)

# %% [markdown]
# Here it is for a random $q$, next to `gmmlib.lower_bound` and the log-likelihood:

# %%
rng = np.random.default_rng(1)
q_random = rng.random((x.size, 3))
q_random /= q_random.sum(axis=1, keepdims=True)            # rows sum to 1

B_random = lower_bound_1d(x, weights, means, variances, q_random)
ell = log_likelihood_1d(x, weights, means, variances)
B_gmmlib = gmmlib.lower_bound(x, start, q_random)
print(f"B(q_random, theta) = {B_random:.4f} (ours)  {B_gmmlib:.4f} (gmmlib)")
print(f"log-likelihood     = {ell:.4f} (ours)  {run.log_likelihoods[0]:.4f} (gmmlib.fit's start)")
assert np.isclose(B_random, B_gmmlib) and B_random < ell

# %% [markdown]
# The bound is below the log-likelihood, as promised, and far below: a random
# $q$ is a poor guess of which component made which point.
#
# ## 4. The gap is a divergence
#
# How far below? Write the responsibilities of lesson 01 as
# $r_{ik} = \pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2) / p(x_i)$, so that
# $\pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2) = p(x_i)\, r_{ik}$. Put that into $B$:
#
# $$B(q, \theta) = \sum_i \sum_k q_{ik} \Big(\log p(x_i) + \log \frac{r_{ik}}{q_{ik}}\Big)
# = \ell(\theta) - \sum_i \underbrace{\sum_k q_{ik} \log \frac{q_{ik}}{r_{ik}}}_{\mathrm{KL}(q_i \,\|\, r_i)} .$$
#
# (The first part uses $\sum_k q_{ik} = 1$.) The gap $\ell - B$ is a sum over points of
# the **Kullback-Leibler divergence** of $q_i$ from $r_i$, a measure of how different two
# distributions over the $K$ components are. It is never negative, by Jensen again:
# $-\mathrm{KL}(q_i \,\|\, r_i) = \sum_k q_{ik} \log (r_{ik} / q_{ik}) \le \log \sum_k r_{ik} \le \log 1 = 0$
# (sums over the $k$ with $q_{ik} > 0$, so $\sum_k r_{ik}$ is at most 1), and it is zero only when $q_i = r_i$.
#
# ### Exercise 3: the gap
#
# Write `posterior_gap_1d(x, weights, means, variances, q)`: return
# $\sum_i \mathrm{KL}(q_i \,\|\, r_i) = \sum_i \sum_k q_{ik} \log (q_{ik} / r_{ik})$,
# with $r$ the responsibilities of `weights, means, variances` and $0 \log 0 = 0$.
# *Hint:* work in log space: $\log r_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \sigma_k^2) - \log p(x_i)$,
# with $\log p(x_i)$ from `logsumexp`; `np.log` of $r$ gives $-\infty$ for a far point (the check has one).
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_posterior_gap_1d


def posterior_gap_1d(x, weights, means, variances, q):
    """x of shape (N,), weights, means, variances (K,), q (N, K) -> sum_i KL(q_i || r_i)."""
    ...


# %%
check_posterior_gap_1d(posterior_gap_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def posterior_gap_1d(x, weights, means, variances, q):
    """x of shape (N,), weights, means, variances (K,), q (N, K) -> sum_i KL(q_i || r_i)."""
    log_joint = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))  # (N, K)
    log_r = log_joint - logsumexp(log_joint, axis=1, keepdims=True)   # log r_ik, finite even far away
    return np.sum(xlogy(q, q) - q * log_r)


check_posterior_gap_1d(posterior_gap_1d)

# %% [markdown]
# ## 5. The E-step makes the bound touch
#
# The gap vanishes when every $q_i$ equals $r_i$: when $q$ is the table of
# responsibilities. So for fixed $\theta$, the best bound over all $q$ is
# obtained at $q = r$, and there it *equals* the log-likelihood. This is what the
# E-step computes: after it, the bound **touches** $\ell$
# at the current parameters. Your two functions, for the random $q$ of section 3 and for $q = r$:

# %%
r = gmmlib.e_step(x, start)
rows = []
for name, q_ in (("q random", q_random), ("q = r", r)):
    B_q = lower_bound_1d(x, weights, means, variances, q_)
    gap_q = posterior_gap_1d(x, weights, means, variances, q_)
    rows.append({"q": name, "B(q, theta)": B_q, "gap": gap_q, "B + gap": B_q + gap_q,
                 "l(theta)": ell})
touch = pd.DataFrame(rows).set_index("q")
display(touch.round(4) + 0.0)                    # + 0.0: no "-0.0" from rounding
assert np.allclose(touch["B + gap"], ell) and abs(touch.loc["q = r", "gap"]) < 1e-9

# %% [markdown]
# In both rows the bound and the gap add up to $\ell$; for $q = r$ the gap is 0
# and the bound is $\ell$ itself.
#
# ## 6. The M-step climbs the bound
#
# Now hold $q$ fixed and look at $B$ as a function of $\theta$. Split the log of the
# fraction:
#
# $$B(q, \theta) = \underbrace{\sum_i \sum_k q_{ik} \log \big(\pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2)\big)}_{Q(\theta)}
# \;\underbrace{-\; \sum_i \sum_k q_{ik} \log q_{ik}}_{H(q)} .$$
#
# The second part, the *entropy* of $q$, does not depend on $\theta$. The first,
# $Q(\theta)$, is the log-likelihood we would have if each point belonged to
# component $k$ with weight $q_{ik}$: the *expected complete-data
# log-likelihood*. Its maximum is lesson 01's M-step. Setting the derivative in
# $\mu_k$ to zero, $\sum_i q_{ik} (x_i - \mu_k) / \sigma_k^2 = 0$, gives the weighted
# mean; the derivative in $\sigma_k^2$, $\sum_i q_{ik} \big((x_i - \mu_k)^2 -
# \sigma_k^2\big) / 2\sigma_k^4 = 0$, gives the weighted variance around that mean.
# The weights enter only through $\sum_k N_k \log \pi_k$, with $N_k = \sum_i q_{ik}$,
# maximised under $\sum_k \pi_k = 1$: a Lagrange multiplier $\lambda$ gives $N_k /
# \pi_k = \lambda$, and summing $\pi_k = N_k / \lambda$ to 1 gives $\lambda = N$, so
# $\pi_k = N_k / N$. Check it: perturb the M-step's answer in a few ways and
# watch $B$ go down every time.

# %%
new = gmmlib.m_step(x, r, reg_covar=0)
B_new = gmmlib.lower_bound(x, new, r)


def nudged(params, d_means=(0, 0, 0), var_factor=(1, 1, 1), d_weight=0.0):
    """params with the means shifted, the variances scaled and weight moved from 2 to 0."""
    w = params.weights + np.array([d_weight, 0.0, -d_weight])
    return gmmlib.GMMParams.from_1d(w, params.means[:, 0] + np.array(d_means),
                                    params.covariances[:, 0, 0] * np.array(var_factor))


tries = {"the M-step's answer": new,
         "mean 0 moved by +0.1": nudged(new, d_means=(0.1, 0, 0)),
         "mean 1 moved by -0.1": nudged(new, d_means=(0, -0.1, 0)),
         "variance 1 times 1.2": nudged(new, var_factor=(1, 1.2, 1)),
         "variance 2 times 0.8": nudged(new, var_factor=(1, 1, 0.8)),
         "0.02 of weight 2 given to 0": nudged(new, d_weight=0.02)}
table = pd.DataFrame({"B(r, theta)": {name: gmmlib.lower_bound(x, p, r) for name, p in tries.items()}})
table["change"] = table["B(r, theta)"] - B_new
display(table)
assert np.all(table["change"].iloc[1:] < 0)

# %% [markdown]
# Every change of the M-step's parameters lowers the bound: with $q$ held, the
# weighted estimates are its maximum. (This is also why `reg_covar` costs EM its
# guarantee, as lesson 06 shows: adding $\varepsilon$ to each variance moves the
# M-step away from the maximum of $B$.)
#
# ## 7. The proof in four lines
#
# Write $\theta^{(t)}$ for the parameters before an iteration, $q^{(t)}$ for the
# responsibilities the E-step computes from them, and $\theta^{(t+1)}$ for the
# M-step's answer. Then
#
# $$\ell(\theta^{(t+1)}) \;\overset{(1)}{\ge}\; B(q^{(t)}, \theta^{(t+1)})
# \;\overset{(2)}{\ge}\; B(q^{(t)}, \theta^{(t)}) \;\overset{(3)}{=}\; \ell(\theta^{(t)}) ,$$
#
# because (1) $B$ is below $\ell$ for every $q$ and $\theta$ (section 3); (2) the M-step
# maximises $B(q^{(t)}, \cdot)$, so it is at least as high as at the old parameters (section 6);
# (3) the E-step made the bound touch at $\theta^{(t)}$ (section 5). Hence (4):
# $\ell(\theta^{(t+1)}) \ge \ell(\theta^{(t)})$. The proof holds for any correct
# iteration, so let it check yours.
#
# ### Exercise 4: one EM iteration
#
# Write `em_iteration_1d(x, weights, means, variances)`: return the new
# `weights, means, variances` (each of shape $(K,)$) after one E-step,
# $r_{ik} \propto \pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2)$ normalised over $k$, and one M-step,
# $N_k = \sum_i r_{ik}$, $\pi_k = N_k / N$, $\mu_k = \sum_i r_{ik} x_i / N_k$,
# $\sigma_k^2 = \sum_i r_{ik} (x_i - \mu_k)^2 / N_k$ around the new $\mu_k$.
# *Hint:* lesson 01's two exercises in a row; keep the E-step in log space.
# Run the check as it is first (it says *not attempted*), then fill in the function.

# %%
from gmmlib.exercises import check_em_iteration_1d


def em_iteration_1d(x, weights, means, variances):
    """x of shape (N,), weights, means, variances of shape (K,) -> the new ones, each (K,)."""
    ...


# %%
check_em_iteration_1d(em_iteration_1d)

# %% [markdown]
# *Solution* (hidden: click the cell's collapsed bar to open it once you have tried).

# %% jupyter={"source_hidden": true} tags=["solution"]
def em_iteration_1d(x, weights, means, variances):
    """x of shape (N,), weights, means, variances of shape (K,) -> the new ones, each (K,)."""
    a = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))       # E-step, in log space
    N_k = r.sum(axis=0)                                         # M-step
    new_means = (r * x[:, None]).sum(axis=0) / N_k
    new_variances = (r * (x[:, None] - new_means) ** 2).sum(axis=0) / N_k  # around the new means
    return N_k / x.size, new_means, new_variances


check_em_iteration_1d(em_iteration_1d)

# %% [markdown]
# Each line of the proof, for three of your iterations from the start of section 1
# (with your log-likelihood and bound; the responsibilities from `gmmlib.e_step`):

# %%
rows, theta_t = [], (weights, means, variances)
for t_ in range(3):
    q_t = gmmlib.e_step(x, gmmlib.GMMParams.from_1d(*theta_t))
    theta_next = em_iteration_1d(x, *theta_t)
    rows.append({"t": t_, "l(theta_t+1)": log_likelihood_1d(x, *theta_next),
                 "B(q_t, theta_t+1)": lower_bound_1d(x, *theta_next, q_t),
                 "B(q_t, theta_t)": lower_bound_1d(x, *theta_t, q_t),
                 "l(theta_t)": log_likelihood_1d(x, *theta_t)})
    theta_t = theta_next
proof = pd.DataFrame(rows).set_index("t")
display(proof)
assert np.all(proof.iloc[:, 0] >= proof.iloc[:, 1]) and np.all(proof.iloc[:, 1] >= proof.iloc[:, 2])
assert np.allclose(proof.iloc[:, 2], proof.iloc[:, 3])
assert np.allclose(proof.iloc[:, 0], run.log_likelihoods[1:4])   # the same climb as gmmlib.fit

# %% [markdown]
# Read each row from right to left: the bound touches (columns 4 and 3 agree),
# the M-step climbs it (column 2 above column 3), and the log-likelihood at
# the new parameters is above the bound there (column 1 above column 2); column 1
# is section 1's climb. The climb of the bound is usually only part of the gain:
# at the new parameters the gap is positive again, and the next E-step closes it.
#
# ## 8. The picture, exactly
#
# We can draw the real curves if the parameters have one dimension. So let EM
# learn only the **mean of component 0**:
# its weight and variance, and the other two components, stay where the data were
# made (`THREE_BUMPS_1D`), and the start puts $\mu_0$ at $-4$. Then $\ell(\mu_0)$ is one
# fixed curve, and with $q$ fixed the bound is exactly a parabola in $\mu_0$, with its
# top at the weighted mean $\sum_i q_{i0} x_i / \sum_i q_{i0}$. In the model where
# $\mu_0$ alone is free this is exact EM: the E-step is the same, and the M-step
# maximises $B$ over the one free parameter. (Seen in the full model, where all
# parameters could move, updating $\mu_0$ alone is a partial M-step: section 10's
# generalised EM.) `gmmlib.bound.em_for_means` runs this EM on chosen means only:

# %%
held = gmmlib.GMMParams(THREE_BUMPS_1D.weights, [[-4.0], [1.0], [4.0]], THREE_BUMPS_1D.covariances)
one_mean = em_for_means(x, held, components=(0,), n_iter=6)
print("mu_0 after each iteration:", np.array([p.means[0, 0] for p in one_mean.history]).round(4))
print("log-likelihood:           ", one_mean.log_likelihoods.round(2))
mu_path = np.array([p.means[0, 0] for p in one_mean.history])
assert np.all(np.diff(one_mean.log_likelihoods) >= 0)                  # never down
assert round(mu_path[1], 2) == -2.42 and round(mu_path[2], 2) == -2.08  # the prose below
assert round(mu_path[-1], 2) == -2.01 and abs(mu_path[2] - mu_path[-1] - (-0.07)) < 0.005

# %% [markdown]
# Slide through the half-steps. At an **E-step** the dashed bound is redrawn so
# that it touches the black log-likelihood at the current $\mu_0$ (the two dots
# coincide). At an **M-step** $\mu_0$ jumps to the top of that parabola: the blue
# dot on the bound rises, and the black dot above it, on $\ell$, rises further.

# %% tags=["nbval-ignore-output"]
from gmmlib.widgets import bound_stepper

stepper = bound_stepper(x, held, component=0, n_iter=6)
stepper

# %% [markdown]
# Without a running kernel, the first half-steps side by side:

# %%
fig = stepper.filmstrip([0, 1, 2, 3, 4])
fig

# %% [markdown]
# At step 1 the parabola touches the curve at $\mu_0 = -4$, on the left slope
# of the peak. At step 2 the mean jumps to the parabola's top, $-2.42$; the
# log-likelihood there is far above the bound. At step 3 a new parabola
# touches at the new place, and by step 4 the mean, $-2.08$, is about $0.07$
# from the peak of $\ell$ (near $-2.01$, where EM settles), and the two curves are
# nearly the same shape there.
#
# ## 9. Two means at once
#
# With two free means, $\ell(\mu_0, \mu_1)$ is a surface. Components 0 and 1 both
# start in the wrong place; we compute EM's path, the surface on a grid, and the
# bound of the first E-step on the same grid:

# %%
held2 = gmmlib.GMMParams(THREE_BUMPS_1D.weights, [[-4.0], [3.0], [4.0]], THREE_BUMPS_1D.covariances)
two_means = em_for_means(x, held2, components=(0, 1), n_iter=12)
path = np.array([p.means[[0, 1], 0] for p in two_means.history])
g0, g1 = np.linspace(-5, 0.5, 70), np.linspace(-2, 4.5, 70)


def at(m0, m1):
    """held2 with means 0 and 1 set to m0 and m1."""
    return gmmlib.GMMParams(held2.weights, [[m0], [m1], [4.0]], held2.covariances)


surface = np.array([[gmmlib.log_likelihood(x, at(m0, m1)) for m0 in g0] for m1 in g1])
q0 = gmmlib.e_step(x, held2)                         # the first E-step's responsibilities
bowl = np.array([[gmmlib.lower_bound(x, at(m0, m1), q0) for m0 in g0] for m1 in g1])
print("path:", path.round(2).tolist()[:4], "...", path[-1].round(3).tolist())
top = np.unravel_index(np.argmax(bowl), bowl.shape)                # the top of the first bound...
assert abs(g0[top[1]] - path[1, 0]) <= g0[1] - g0[0] and abs(g1[top[0]] - path[1, 1]) <= g1[1] - g1[0]
assert np.all(np.diff(two_means.log_likelihoods) >= 0)            # ...is the second dot; never down

# %% [markdown]
# The surface as filled contours, the bound as white dashed ones, and the path,
# whose end an inset enlarges:

# %%
fig, ax = plt.subplots(figsize=(8, 7))
top = np.floor(surface.max() / 50) * 50               # round contour levels, every 50
filled = ax.contourf(g0, g1, surface, levels=np.arange(top - 700, top + 1, 50),
                     cmap="viridis", extend="both")
fig.colorbar(filled, ax=ax, label=r"log-likelihood $\ell(\mu_0, \mu_1)$", shrink=0.8)
ax.contour(g0, g1, bowl, levels=np.linspace(bowl.max() - 600, bowl.max() - 5, 6),
           colors="white", linestyles="--", linewidths=1.2)
ax.plot([], [], "w--", label=r"bound $B(q^{(0)}, \cdot)$ of the first E-step")
ax.plot(path[:, 0], path[:, 1], "o-", color="black", mfc="white", ms=5,
        label="EM's path (one dot per iteration)")
ax.plot(*path[0], "s", ms=9, color="black", mfc="white", label="start")
inset = ax.inset_axes([0.6, 0.05, 0.36, 0.28], xlim=(-2.2, -1.95), ylim=(1.08, 1.48))
inset.plot(path[:, 0], path[:, 1], "o-", color="black", mfc="white", ms=5)
inset.set_title("the end of the path", fontsize=10)
inset.tick_params(labelsize=8)
ax.indicate_inset_zoom(inset, edgecolor="white")
ax.set_aspect("equal")
ax.set_xlabel(r"$\mu_0$ (blue component)")
ax.set_ylabel(r"$\mu_1$ (orange component)")
ax.set_title("EM on two means: the log-likelihood and the first bound")
ax.legend(loc="upper left", facecolor="0.85")
plt.show()

# %% [markdown]
# The white dashed ellipses are the contours of the first E-step's bound: an
# upturned bowl that touches the surface at the start, and whose top is the
# second dot of the path. Every later step does the same from the dot
# before it. Far from the peak the steps are long; near it they shorten, as the
# inset shows, and section 10 says why they can become *very* short.
#
# ## 10. What the bound explains
#
# **EM can be slow.** The bound's parabola in $\mu_k$ has curvature
# $N_k / \sigma_k^2$ (the second derivative of $-\sum_i q_{ik}(x_i - \mu_k)^2 / 2\sigma_k^2$).
# The log-likelihood is flatter than that wherever components overlap, because a
# point shared by two components can be claimed by either. A bound much more curved
# than $\ell$ has its top close to where it touches, so each M-step is a short
# step. The more the components overlap, the slower EM crawls, as on the plateaus
# of lessons 01 and 08. Compare well-separated and overlapping bumps:

# %%
def iterations_to_converge(separation):
    """EM iterations for two unit-variance bumps `separation` apart (same seed, same start)."""
    rng_sep = np.random.default_rng(2)
    data = np.concatenate([rng_sep.normal(0, 1, 200), rng_sep.normal(separation, 1, 200)])
    guess = gmmlib.GMMParams.from_1d([0.5, 0.5], [data.min(), data.max()], [1.0, 1.0])
    return gmmlib.fit(data, 2, init=guess, tol=1e-8, max_iter=5000, reg_covar=0).n_iter


speed = pd.DataFrame({"distance between the bumps (in sd)": [6, 4, 3, 2],
                      "EM iterations (tol=1e-8)": [iterations_to_converge(s) for s in (6, 4, 3, 2)]})
display(speed)
assert speed.iloc[:, 1].is_monotonic_increasing

# %% [markdown]
# **EM stops at stationary points.** When the M-step returns the parameters it
# started from, the bound's top is where it touches $\ell$, and there the slope of
# $\ell$ is zero. That is a local maximum, or, rarely, a saddle point, not
# necessarily the best answer (lesson 04 shows EM stuck from bad starts, and
# lesson 05 that the likelihood may have no maximum at all).
#
# **Generalised EM.** The proof only needs line (2): *some* increase of the bound.
# An M-step that raises $B$ without maximising it still never lowers $\ell$.
# Section 8, seen in the full model, was one: it raised $B$ over one mean and
# left the rest alone.
#
# **MAP-EM** (lesson 06) maximises $\ell(\theta) + \log p(\theta)$. Add the
# log-prior to both sides of the bound: $B(q, \theta) + \log p(\theta)$ is below
# the objective and touches it at the E-step, and the M-step maximises it, so the
# objective never goes down, while $\ell$ alone may.
#
# **Variational inference** (the Bayesian mixture of lesson 10) maximises the same
# kind of bound, the *evidence lower bound*, over a $q$ restricted to simple
# distributions (of the parameters too), which cannot equal the posterior: the bound no longer touches.
#
# ## 11. scikit-learn's `lower_bound_`
#
# `GaussianMixture` (lesson 09 introduces it) reports `lower_bound_`: the bound *per point* right after its last
# E-step, which (section 5) is the mean log-likelihood of the parameters that E-step used.
# Those are the parameters *before* its last M-step: the returned parameters are one
# M-step further, so `score(X)`, their mean log-likelihood, is slightly higher. The name
# comes from the code it shares with `BayesianGaussianMixture`, where the bound does not touch.

# %%
from sklearn.mixture import GaussianMixture

gm = GaussianMixture(3, random_state=0, tol=1e-3).fit(x[:, None])
print(f"lower_bound_ {gm.lower_bound_:.6f}   score(X) {gm.score(x[:, None]):.6f}   "
      f"n_iter_ {gm.n_iter_}")
assert gm.score(x[:, None]) >= gm.lower_bound_

# %% [markdown]
# ## Summary
#
# - For any table $q$ with rows summing to 1, $B(q, \theta) = \sum_i \sum_k q_{ik}
#   \log\big(\pi_k \mathcal N(x_i \mid \mu_k, \sigma_k^2) / q_{ik}\big) \le \ell(\theta)$ (Jensen's inequality).
# - The gap $\ell - B$ is $\sum_i \mathrm{KL}(q_i \,\|\, r_i)$: zero exactly when $q$ is the responsibilities.
# - The E-step sets $q = r$, so the bound touches $\ell$; the M-step maximises $B = Q(\theta) + H(q)$ over $\theta$, which gives lesson 01's weighted estimates.
# - So $\ell(\theta^{(t+1)}) \ge B(q^{(t)}, \theta^{(t+1)}) \ge B(q^{(t)}, \theta^{(t)}) = \ell(\theta^{(t)})$: EM never goes down.
# - EM is slow where the bound is much more curved than $\ell$ (overlapping components), stops at stationary points, and its relatives (generalised EM, MAP-EM, variational inference) climb bounds of the same kind.
#
# ## Where next
#
# Lesson 03, *EM in several dimensions*, takes EM to vectors and covariance matrices. For
# the bound in general (any latent-variable model), see section 9.4 of Bishop's
# *Pattern Recognition and Machine Learning*, and Neal and Hinton's *A view of the EM
# algorithm that justifies incremental, sparse, and other variants* (1998).
