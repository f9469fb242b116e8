"""Checkers for exercises that put a formula to work inside a lesson: the
log-density of every point (lesson 05 splits it into the spike's term and the
others'), a mixture's start from K-means clusters (lesson 08) and the held-out
score of a scikit-learn fit (lesson 10)."""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from gmmlib.em import GMMParams, log_mixture_density, m_step
from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import Case, Check, Mistake, Part, _as_numbers, _fmt, checker, close
from gmmlib.exercises.em_1d import _params_cases

__all__ = ["check_log_point_terms_1d", "check_params_from_labels", "check_held_out_score"]


# ---------------------------------------------------------------------------
# The log-density of every point, in one dimension

_X_SPIKE = np.array([-2.3, -1.6, -0.4, 0.5, 1.8, 2.7, 40.0, 40.1])


def _point_cases():
    return _params_cases() + [
        Case("a narrow spike (σ = 0.001) on x = 40 and a point 0.1 beside it",
             (_X_SPIKE, np.array([0.45, 0.5, 0.05]), np.array([-1.5, 0.5, 40.0]),
              np.array([0.8, 0.6, 1e-6])), x=_X_SPIKE, far=(7,)),
    ]


_LOG_SPACE = ("Work in log space: a_ik = log π_k + log N(x_i∣μ_k,σ_k²), then log p(x_i) = "
              "logsumexp over k of a_ik (scipy.special.logsumexp(a, axis=1), or subtract each "
              "row's maximum before exponentiating and add it back after the log).")
_SQUARED = ("`variances` already holds σ_k²: use it as the variance itself, and give scipy's "
            "norm(loc, scale) the standard deviation np.sqrt(variances).")
_SQRT = ("`variances` holds σ_k²: divide (x_i − μ_k)² by 2σ_k², and take the square root only "
         "inside the normaliser 1/√(2πσ_k²).")


def _point_mistakes(x, w, m, v, expected):
    log_n = mx.log_normal_1d(x, m, v)
    a = log_n + np.log(w)
    return [
        Mistake("underflow", "your log p(x_i) is −∞ where every π_k N(x_i∣μ_k,σ_k²) underflows "
                "to 0: you took the log of a sum of densities", _LOG_SPACE,
                np.log(np.exp(a).sum(axis=1))),
        Mistake("missing_weights", "the weights π_k are missing from the mixture density",
                "p(x_i) = Σ_k π_k N(x_i∣μ_k,σ_k²): add log π_k to each log-density before the "
                "log-sum-exp.", mx.logsumexp_rows(log_n)),
        Mistake("missing_weights", "the weights π_k are missing (and the densities underflow)",
                "Add log π_k to each log-density and work in log space: logsumexp over k of "
                "log π_k + log N(x_i∣μ_k,σ_k²).", np.log(np.exp(log_n).sum(axis=1))),
        Mistake("std_for_variance", "your densities use σ_k⁴ as the variance: σ_k² went where "
                "a standard deviation goes", _SQUARED,
                mx.logsumexp_rows(mx.log_normal_1d(x, m, v ** 2) + np.log(w))),
        Mistake("std_for_variance", "your densities use σ_k as the variance: the standard "
                "deviation went where σ_k² goes", _SQRT,
                mx.logsumexp_rows(mx.log_normal_1d(x, m, np.sqrt(v)) + np.log(w))),
        Mistake("missing_normaliser", "the 2π of the normaliser 1/√(2πσ_k²) is missing",
                "log N(x_i∣μ_k,σ_k²) = −(x_i − μ_k)²/(2σ_k²) − ½ log(2πσ_k²).",
                mx.logsumexp_rows(mx.log_normal_1d(x, m, v, "no_2pi") + np.log(w))),
        Mistake("missing_normaliser", "the normaliser 1/√(2πσ_k²) of each density is missing",
                "log N(x_i∣μ_k,σ_k²) = −(x_i − μ_k)²/(2σ_k²) − ½ log(2πσ_k²).",
                mx.logsumexp_rows(mx.log_normal_1d(x, m, v, "none") + np.log(w))),
        Mistake("log_inside_sum", "you added the logs of the terms, Σ_k log(π_k N(x_i∣μ_k,σ_k²)), "
                "instead of taking the log of their sum", "For each point, first add the terms "
                "over the components (in log space: logsumexp over k), then you have log p(x_i).",
                a.sum(axis=1)),
        Mistake("log_inside_sum", "you computed Σ_k π_k log N(x_i∣μ_k,σ_k²): the weighted sum "
                "of logs, not the log of the weighted sum",
                "log p(x_i) = log Σ_k π_k N(x_i∣μ_k,σ_k²): logsumexp over k of "
                "log π_k + log N(x_i∣μ_k,σ_k²).", (w * log_n).sum(axis=1)),
        Mistake("wrong_sign", "your values have the opposite sign",
                "Return log p(x_i) itself, without a minus sign.", -expected),
        Mistake("density_not_log", "your values are the densities p(x_i), not their logarithms",
                "Return log p(x_i), computed in log space (the density of a far point "
                "underflows to 0).", np.exp(expected)),
    ]


@checker("log_point_terms_1d")
def check_log_point_terms_1d(func):
    """Check log_point_terms_1d(x, weights, means, variances) -> log p(x_i), shape (N,).

    log p(x_i) = log Σ_k π_k N(x_i∣μ_k,σ_k²), one number per point (their sum is
    the log-likelihood); on equal and unequal weights, a point far from every
    component and a narrow spike with a point beside it, where only a
    log-space computation (log-sum-exp) gives finite numbers.
    """
    check = Check("log_point_terms_1d", func, "log_point_terms_1d(x, weights, means, variances)",
                  "log p(x_i) = log Σ_k π_k N(x_i∣μ_k,σ_k²), for every point i")
    part = Part("the log-densities log p(x_i)", "", ("point",))
    cases = _point_cases()
    for number, case in enumerate(cases, 1):
        x, w, m, v = case.args
        expected = log_mixture_density(x, GMMParams.from_1d(w, m, v))
        out = check.run(number, case)
        arr = _as_numbers(out)
        if not isinstance(arr, str) and arr.size == 1 and not isinstance(out, (bool, np.bool_)):
            value = float(arr.reshape(()))
            total = float(expected.sum())
            if close(value, total / len(x)):
                what, reduction = "the mean of the log p(x_i)", ".mean()"
            else:
                what = ("the log-likelihood, the total Σ_i log p(x_i)" if close(value, total)
                        else "one number")
                reduction = ".sum()"
            check.fail("shape", f"your function returned {what} ({_fmt(value)}) "
                                f"{check.in_case(number, case)}, but the exercise asks for one "
                                f"log p(x_i) per point, an array of shape ({len(x)},). Leave out "
                                f"the final {reduction}: the lesson adds the terms itself.")
        table = not isinstance(arr, str) and arr.shape in ((len(x), len(w)), (len(w), len(x)))
        hint = ("Return one log p(x_i) per point: reduce each row of your table of "
                "log π_k + log N(x_i∣μ_k,σ_k²) over the components with logsumexp(a, axis=1)."
                if table else "Return one log p(x_i) per point, an array of shape (N,).")
        got = check.array(number, case, out, expected.shape, part, hint)

        def underflow(got, expected, case=case):
            far = list(case.far)
            rest = [i for i in range(len(expected)) if i not in far]
            if far and not np.all(np.isfinite(got[far])) and close(got[rest], expected[rest]):
                return ("underflow", "every log p(x_i) is right but the far point's, which is "
                        "not finite: its densities underflow to 0 before the log", _LOG_SPACE)

        check.compare(number, case, got, expected, part,
                      lambda case, x=x, w=w, m=m, v=v, e=expected: _point_mistakes(x, w, m, v, e),
                      (underflow,))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------
# A mixture's start from K-means clusters


def _blobs(seed, sizes, centres, spread):
    """Points around each centre (rounded), shuffled, and their cluster labels."""
    rng = np.random.default_rng(seed)
    D = len(centres[0])
    X = np.concatenate([rng.normal(c, spread, (n, D)) for n, c in zip(sizes, centres)])
    labels = np.repeat(np.arange(len(sizes)), sizes)
    order = rng.permutation(len(X))
    return np.round(X[order], 2), labels[order]


@lru_cache(maxsize=None)
def _label_cases():
    from gmmlib.lloyd import kmeans

    X2, z2 = _blobs(31, [6, 4, 5], [[-2.0, 0.0], [1.5, 1.5], [1.0, -2.0]], [0.8, 0.6])
    X3, z3 = _blobs(32, [5, 7], [[0.0, 0.0, 0.0], [2.0, 1.0, -1.0]], [0.7, 1.0, 0.5])
    X1, z1 = _blobs(33, [4, 6], [[-1.0], [2.0]], [0.5])
    Xk, _ = _blobs(34, [8, 6, 7, 5], [[0.0, 0.0], [3.0, 0.5], [0.5, 3.0], [3.5, 3.5]], [0.7, 0.9])
    zk = kmeans(Xk, 4, seed=0).labels
    return (Case("2-D, three clusters of 6, 4 and 5 points, labels in no order", (X2, z2, 3)),
            Case("3-D, two clusters of 5 and 7 points", (X3, z3, 2)),
            Case("1-D data as a column (N, 1), two clusters", (X1, z1, 2)),
            Case(f"2-D, four clusters from K-means (sizes {'/'.join(map(str, np.bincount(zk)))})",
                 (Xk, np.asarray(zk), 4)))


_LABEL_PARTS = (Part("the weights π_k", "π_k", ("component",)),
                Part("the means μ_k", "μ_k", ("component", "coordinate")),
                Part("the covariances Σ_k", "Σ_k", ("component", "row", "column")))


def _unpack_params(out):
    if all(hasattr(out, a) for a in ("weights", "means", "covariances")):
        return out.weights, out.means, out.covariances
    return None


def _label_mistakes(X, labels, K, expected):
    resp = np.eye(K)[labels]
    w, mu, cov = expected
    N, D = X.shape
    centre = X.mean(axis=0)
    around_all = np.stack([(X[labels == k] - centre).T @ (X[labels == k] - centre)
                           / np.sum(labels == k) for k in range(K)])
    everything = np.repeat(np.cov(X.T, bias=True).reshape(1, D, D), K, axis=0)
    found = [
        Mistake("unweighted", "your weights are all 1/K: the cluster sizes are ignored",
                "π_k = N_k / N, the fraction of the points with label k "
                "(np.bincount(labels, minlength=n_clusters) / N).", (np.full(K, 1 / K), mu, cov)),
        Mistake("not_normalised", "your weights are the counts N_k, not divided by N",
                "π_k = N_k / N: divide by the number of points, so that the weights sum to 1.",
                mx.m_step_nd(X, resp, weights="N_k")),
        Mistake("old_mean", "your covariances are computed around the mean of all the points, "
                "not around each cluster's own mean", "Subtract μ_k, the mean of cluster k, from "
                "its points: d = X[labels == k] − μ_k, then Σ_k = dᵀ d / N_k.",
                (w, mu, around_all)),
        Mistake("unweighted", "every Σ_k is the covariance of all the points: the labels are "
                "ignored", "Use only the points of cluster k: X[labels == k].",
                (w, mu, everything)),
        Mistake("unweighted", "your covariances use all the points around each μ_k: the labels "
                "are ignored", "Use only the points of cluster k: X[labels == k].",
                mx.m_step_nd(X, resp, covariances="plain")),
        Mistake("unbiased", "your covariances divide by N_k − 1 (np.cov's default ddof=1) "
                "instead of N_k", "The M-step divides by N_k itself: np.cov(Xk.T, bias=True), "
                "or dᵀ d / N_k.", mx.m_step_nd(X, resp, covariances="N_k-1")),
        Mistake("unweighted", "your covariances divide by N, the number of all the points, "
                "instead of N_k", "Σ_k = Σ_{i in cluster k} (x_i − μ_k)(x_i − μ_k)ᵀ / N_k.",
                mx.m_step_nd(X, resp, covariances="over_N")),
        Mistake("unweighted", "your means divide the sum of cluster k's points by N instead of "
                "N_k", "μ_k = (sum of the points of cluster k) / N_k, e.g. "
                "X[labels == k].mean(axis=0).", mx.m_step_nd(X, resp, means="over_N")),
        Mistake("diagonal_only", "your covariances have only their diagonal (the variances); "
                "the entries off the diagonal are 0", "Use the outer products: dᵀ d / N_k with "
                "d of shape (N_k, D), or np.cov(Xk.T, bias=True), not the squared deviations "
                "alone.", mx.m_step_nd(X, resp, covariances="diagonal")),
        Mistake("wrong_regularisation", "your covariances have reg_covar (1e-6) added to the "
                "diagonal", "Leave it out here: params_from_kmeans in the lesson adds reg_covar "
                "itself.", (w, mu, cov + 1e-6 * np.eye(D))),
    ]
    names = ("weights", "means", "covariances")
    for perm in itertools.permutations(range(3)):
        if perm != (0, 1, 2):
            found.append(Mistake(
                "wrong_order", "you returned the right numbers in another order "
                f"({', '.join(names[p] for p in perm)})",
                "Return weights, means, covariances, in that order.",
                tuple(expected[p] for p in perm)))
    return found


@checker("params_from_labels")
def check_params_from_labels(func):
    """Check params_from_labels(X, labels, n_clusters) -> (weights, means, covariances).

    Shapes (K,), (K, D) and (K, D, D): a mixture's start from K-means clusters,
    the M-step with one-hot responsibilities, without reg_covar: π_k = N_k / N
    (the cluster fractions), μ_k = the mean of cluster k,
    Σ_k = Σ_{z_i = k} (x_i − μ_k)(x_i − μ_k)ᵀ / N_k; in 1-D, 2-D and 3-D, on
    labels in no order and on K-means' own labels.
    """
    check = Check("params_from_labels", func, "params_from_labels(X, labels, n_clusters)",
                  "π_k = N_k / N, μ_k = (1/N_k) Σ_{z_i = k} x_i, "
                  "Σ_k = (1/N_k) Σ_{z_i = k} (x_i − μ_k)(x_i − μ_k)ᵀ")
    cases = _label_cases()
    for number, case in enumerate(cases, 1):
        X, labels, K = case.args
        p = m_step(X, np.eye(K)[labels], reg_covar=0.0)
        expected = (p.weights, p.means, p.covariances)
        out = check.run(number, case)
        got = check.parts(number, case, out, _LABEL_PARTS, [e.shape for e in expected],
                          unpack=_unpack_params)
        check.compare(number, case, got, expected, _LABEL_PARTS,
                      lambda case, X=X, labels=labels, K=K, e=expected:
                      _label_mistakes(X, labels, K, e))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------
# The held-out score of a scikit-learn fit


@lru_cache(maxsize=None)
def _score_data():
    rng = np.random.default_rng(5)
    A = np.concatenate([rng.normal([-2.0, 0.0], [0.9, 0.6], (36, 2)),
                        rng.normal([1.5, 1.0], [0.7, 1.1], (30, 2)),
                        rng.normal([0.0, -2.5], [1.2, 0.5], (24, 2))])
    A = np.round(A[rng.permutation(len(A))], 2)
    x = np.round(np.concatenate([rng.normal(-1.0, 0.6, 30), rng.normal(1.5, 0.9, 20)]), 2)
    x = x[rng.permutation(len(x))][:, None]
    return A, x


def _score_cases():
    A, x = _score_data()
    return [
        Case("2-D, three clusters, 60 training and 30 held-out points, K = 3, seed 0",
             (A[:60], A[60:], 3, 0)),
        Case("the same points with K = 4, more components than clusters, seed 3",
             (A[:60], A[60:], 4, 3)),
        Case("1-D data as a column (N, 1), 35 and 15 points, K = 2, seed 5",
             (x[:35], x[35:], 2, 5)),
        Case("2-D, 70 training and 20 held-out points, K = 2, seed 11", (A[:70], A[70:], 2, 11)),
    ]


@lru_cache(maxsize=256)
def _fitted(case_number, which, n_components, seed):
    """GaussianMixture(n_components, random_state=seed) fitted on the case's
    training points, its held-out points, or both (cached: a check refits nothing)."""
    from sklearn.mixture import GaussianMixture

    X_train, X_test = _score_cases()[case_number - 1].args[:2]
    X = {"train": X_train, "test": X_test, "both": np.concatenate([X_train, X_test])}[which]
    return GaussianMixture(n_components, random_state=seed).fit(X)


_OTHER_SEEDS = (0, 1, 42)


@checker("held_out_score")
def check_held_out_score(func):
    """Check held_out_score(X_train, X_test, n_components, seed) -> float.

    Fit sklearn.mixture.GaussianMixture(n_components, random_state=seed) on
    X_train and return the mean log-likelihood per point of X_test, its
    score(X_test) = (1/N_test) Σ_i log p(x_i). Four small seeded cases, one
    where the seed changes the fit; the fits are cached.
    """
    check = Check("held_out_score", func, "held_out_score(X_train, X_test, n_components, seed)",
                  "GaussianMixture(n_components, random_state=seed).fit(X_train).score(X_test), "
                  "the mean of log p(x_i) over the held-out points")
    part = Part("the held-out score")
    cases = _score_cases()
    for number, case in enumerate(cases, 1):
        X_train, X_test, K, seed = case.args
        gm = _fitted(number, "train", K, seed)
        expected = np.asarray(gm.score(X_test))
        out = check.run(number, case)
        if all(hasattr(out, a) for a in ("score", "means_")):
            check.fail("wrong_type", f"your function returned the fitted model "
                                     f"{check.in_case(number, case)}; return its score on the "
                                     "held-out points, gm.score(X_test), a float.")
        arr = _as_numbers(out)
        if not isinstance(arr, str) and arr.size == len(X_test) and arr.size > 1:
            check.fail("shape", f"your function returned {arr.size} numbers (shape {arr.shape}) "
                                f"{check.in_case(number, case)}, one per held-out point: the "
                                "score is their mean, one float. gm.score(X_test) gives it "
                                "(or gm.score_samples(X_test).mean()).")
        got = check.scalar(number, case, out, part)
        n_test = len(X_test)
        score = float(expected)

        def mistakes(case, number=number, K=K, seed=seed, gm=gm, X_train=X_train,
                     X_test=X_test, n_test=n_test, score=score):
            on_test = _fitted(number, "test", K, seed)
            return [
                Mistake("training_value", "your value is the score on the training points, "
                        "gm.score(X_train)", "Score the points the fit has not seen: "
                        "gm.score(X_test).", gm.score(X_train)),
                Mistake("not_normalised", "your value is the total Σ_i log p(x_i) over the "
                        "held-out points, not the mean per point",
                        "Divide by the number of held-out points, or use gm.score(X_test), "
                        "which is already the mean.", score * n_test),
                Mistake("training_value", "your value is gm.lower_bound_, the fit's mean bound "
                        "on its training points at its last iteration",
                        "Compute it on the held-out points: gm.score(X_test).", gm.lower_bound_),
                Mistake("training_value", "your model was fitted on X_test itself, so it has "
                        "seen the points it scores", "Fit on X_train, score X_test: "
                        "GaussianMixture(...).fit(X_train).score(X_test).",
                        on_test.score(X_test)),
                Mistake("training_value", "your model was fitted on X_train and X_test together, "
                        "so it has seen the points it scores", "Fit on X_train alone, then score "
                        "X_test.", _fitted(number, "both", K, seed).score(X_test)),
                Mistake("wrong_order", "you fitted on X_test and scored X_train: the two sets "
                        "are swapped", "Fit on the first argument, X_train; score the second, "
                        "X_test.", on_test.score(X_train)),
                Mistake("wrong_sign", "your value has the opposite sign",
                        "Return the mean log-likelihood itself, without a minus sign.", -score),
                Mistake("log_of_total", "your value is the log of the mean density, "
                        "log((1/N) Σ_i p(x_i)), not the mean of the log-densities",
                        "Take the log point by point, then average: gm.score(X_test).",
                        np.log(np.mean(np.exp(gm.score_samples(X_test))))),
            ]

        def other_seed(got, expected, number=number, K=K, seed=seed, case=case):
            for s in _OTHER_SEEDS:
                if s == seed:
                    continue
                value = _fitted(number, "train", K, s).score(case.args[1])
                if close(got, value) and not close(value, expected):
                    return ("other", f"your value is the score of the fit with random_state={s}, "
                            f"not random_state=seed (here {seed})",
                            "Pass the seed you are given: GaussianMixture(n_components, "
                            "random_state=seed).")
            again = _call_again(func, case)
            if again is not None and not close(again, got):
                return ("other", f"your function gives a different value each time it is "
                        f"called (now {_fmt(again, 8)}): its fit does not use random_state=seed",
                        "Pass the seed you are given: GaussianMixture(n_components, "
                        "random_state=seed), so that the same call gives the same fit.")

        check.compare(number, case, got, expected, part, mistakes, (other_seed,))
    return check.passed(len(cases))


def _call_again(func, case):
    """The learner's answer on a second call with the same arguments (None if unreadable)."""
    try:
        out = func(*[np.array(a) if isinstance(a, np.ndarray) else a for a in case.args])
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - the first call's verdict stands
        return None
    arr = _as_numbers(out)
    if isinstance(arr, str) or arr.size != 1:
        return None
    return arr.reshape(())

