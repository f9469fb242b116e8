"""gmmlib.exercises.applied: the checkers of lessons 05 (log_point_terms_1d),
08 (params_from_labels) and 10 (held_out_score) pass correct code of any style,
name each classic mistake, and never raise whatever the learner's function does."""

import math
import time
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, norm
from sklearn.mixture import GaussianMixture

import gmmlib
from test_exercises import _bad_answers as _junk_answers  # tests/ is on sys.path
from gmmlib.exercises import (EXERCISES, MISTAKES, Feedback, check_held_out_score,
                              check_log_point_terms_1d, check_params_from_labels)

CHECKERS = {"log_point_terms_1d": check_log_point_terms_1d,
            "params_from_labels": check_params_from_labels,
            "held_out_score": check_held_out_score}


def check(name, func):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker silences numpy's and scikit-learn's warnings
        return CHECKERS[name](func)


# ===========================================================================
# Correct solutions: the lesson's, then other styles

# -- log_point_terms_1d --------------------------------------------------------

def log_point_terms_1d(x, weights, means, variances):
    log_terms = np.log(weights) + norm.logpdf(x[:, None], loc=means, scale=np.sqrt(variances))
    return logsumexp(log_terms, axis=1)


def log_point_terms_1d_loops(x, weights, means, variances):
    out = []
    for xi in x:
        logs = [math.log(w) - 0.5 * math.log(2 * math.pi * v) - (xi - m) ** 2 / (2 * v)
                for w, m, v in zip(weights, means, variances)]
        top = max(logs)
        out.append(top + math.log(sum(math.exp(a - top) for a in logs)))
    return out  # a list is fine


def log_point_terms_1d_max_trick(x, weights, means, variances):
    a = (np.log(weights) - 0.5 * np.log(2 * np.pi * variances)
         - (x[:, None] - means) ** 2 / (2 * variances))
    top = a.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=1, keepdims=True)))  # a column (N, 1)


def log_point_terms_1d_gmmlib(x, weights, means, variances):
    return gmmlib.log_mixture_density(x, gmmlib.GMMParams.from_1d(weights, means, variances))


# -- params_from_labels ----------------------------------------------------------

def params_from_labels(X, labels, n_clusters):
    N, D = X.shape
    weights = np.empty(n_clusters)
    means = np.empty((n_clusters, D))
    covariances = np.empty((n_clusters, D, D))
    for k in range(n_clusters):
        members = X[labels == k]
        weights[k] = len(members) / N
        means[k] = members.mean(axis=0)
        d = members - means[k]
        covariances[k] = d.T @ d / len(members)
    return weights, means, covariances


def params_from_labels_np_cov(X, labels, n_clusters):
    counts = np.bincount(labels, minlength=n_clusters)
    means = [X[labels == k].mean(axis=0) for k in range(n_clusters)]
    covs = [np.atleast_2d(np.cov(X[labels == k].T, bias=True)) for k in range(n_clusters)]
    return counts / counts.sum(), means, covs  # lists are fine


def params_from_labels_one_hot(X, labels, n_clusters):
    resp = np.eye(n_clusters)[labels]
    N_k = resp.sum(axis=0)
    means = resp.T @ X / N_k[:, None]
    d = X[:, None, :] - means[None, :, :]                      # (N, K, D)
    covs = np.einsum("ik,ikd,ike->kde", resp, d, d) / N_k[:, None, None]
    return N_k / len(X), means, covs


def params_from_labels_gmmlib(X, labels, n_clusters):
    return gmmlib.m_step(X, np.eye(n_clusters)[labels], reg_covar=0.0)  # a GMMParams


# -- held_out_score --------------------------------------------------------------

def held_out_score(X_train, X_test, n_components, seed):
    gm = GaussianMixture(n_components, random_state=seed).fit(X_train)
    return gm.score(X_test)


def held_out_score_samples(X_train, X_test, n_components, seed):
    gm = GaussianMixture(n_components=n_components, random_state=seed)
    gm.fit(X_train)
    return np.mean(gm.score_samples(X_test))


def held_out_score_scipy(X_train, X_test, n_components, seed):
    gm = GaussianMixture(n_components, random_state=seed).fit(X_train)
    logs = np.column_stack([multivariate_normal(m, c).logpdf(X_test).reshape(-1)
                            for m, c in zip(gm.means_, gm.covariances_)])
    return float(logsumexp(logs, b=gm.weights_, axis=1).mean())


CORRECT = {
    "log_point_terms_1d": [log_point_terms_1d, log_point_terms_1d_loops,
                           log_point_terms_1d_max_trick, log_point_terms_1d_gmmlib],
    "params_from_labels": [params_from_labels, params_from_labels_np_cov,
                           params_from_labels_one_hot, params_from_labels_gmmlib],
    "held_out_score": [held_out_score, held_out_score_samples, held_out_score_scipy],
}
REFERENCE = {name: funcs[0] for name, funcs in CORRECT.items()}


def test_the_checkers_are_exercises():
    for name, checker in CHECKERS.items():
        assert EXERCISES[name] is checker
        assert checker.__name__ == f"check_{name}" and checker.exercise == name
        assert checker.__doc__ and name in checker.__doc__


@pytest.mark.parametrize("name,func", [(n, f) for n, fs in CORRECT.items() for f in fs],
                         ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_correct_solutions_pass(name, func):
    feedback = check(name, func)
    assert feedback.passed, feedback
    assert feedback.mistake is None and feedback.exercise == name
    assert str(feedback) == f"✔ {name}: correct on all 4 cases."


# ===========================================================================
# Wrong solutions, one per classic mistake, written as a learner would

def _log_terms(x, w, m, v, scale=None):
    return np.log(w) + norm.logpdf(x[:, None], m, np.sqrt(v) if scale is None else scale)


def lpt_naive(x, w, m, v):
    return np.log((w * norm.pdf(x[:, None], m, np.sqrt(v))).sum(axis=1))


def lpt_missing_weights(x, w, m, v):
    return logsumexp(norm.logpdf(x[:, None], m, np.sqrt(v)), axis=1)


def lpt_variance_as_scale(x, w, m, v):
    return logsumexp(_log_terms(x, w, m, v, scale=v), axis=1)


def lpt_std_as_variance(x, w, m, v):
    return logsumexp(_log_terms(x, w, m, v, scale=np.sqrt(np.sqrt(v))), axis=1)


def lpt_no_normaliser(x, w, m, v):
    return logsumexp(np.log(w) - (x[:, None] - m) ** 2 / (2 * v), axis=1)


def lpt_log_inside_sum(x, w, m, v):
    return _log_terms(x, w, m, v).sum(axis=1)


def lpt_weighted_logs(x, w, m, v):
    return (w * norm.logpdf(x[:, None], m, np.sqrt(v))).sum(axis=1)


def lpt_total(x, w, m, v):
    return logsumexp(_log_terms(x, w, m, v), axis=1).sum()


def lpt_mean(x, w, m, v):
    return logsumexp(_log_terms(x, w, m, v), axis=1).mean()


def lpt_table(x, w, m, v):
    return _log_terms(x, w, m, v)


def lpt_negative(x, w, m, v):
    return -logsumexp(_log_terms(x, w, m, v), axis=1)


def lpt_density(x, w, m, v):
    return np.exp(logsumexp(_log_terms(x, w, m, v), axis=1))


def lpt_other(x, w, m, v):
    return logsumexp(_log_terms(x, w, m, v), axis=1) + 0.1


def pl_equal_weights(X, labels, K):
    w, m, c = params_from_labels(X, labels, K)
    return np.full(K, 1 / K), m, c


def pl_counts(X, labels, K):
    w, m, c = params_from_labels(X, labels, K)
    return np.bincount(labels, minlength=K), m, c


def pl_grand_mean(X, labels, K):
    w, m, _ = params_from_labels(X, labels, K)
    centre = X.mean(axis=0)
    return w, m, [(X[labels == k] - centre).T @ (X[labels == k] - centre) / np.sum(labels == k)
                  for k in range(K)]


def pl_all_points(X, labels, K):
    w, m, _ = params_from_labels(X, labels, K)
    return w, m, [np.atleast_2d(np.cov(X.T, bias=True))] * K


def pl_ddof_1(X, labels, K):
    w, m, _ = params_from_labels(X, labels, K)
    return w, m, [np.atleast_2d(np.cov(X[labels == k].T)) for k in range(K)]


def pl_over_N(X, labels, K):
    w, m, _ = params_from_labels(X, labels, K)
    return w, m, [(X[labels == k] - m[k]).T @ (X[labels == k] - m[k]) / len(X) for k in range(K)]


def pl_diagonal(X, labels, K):
    w, m, _ = params_from_labels(X, labels, K)
    return w, m, [np.diag(((X[labels == k] - m[k]) ** 2).mean(axis=0)) for k in range(K)]


def pl_means_transposed(X, labels, K):
    w, m, c = params_from_labels(X, labels, K)
    return w, m.T, c


def pl_reg_covar(X, labels, K):
    w, m, c = params_from_labels(X, labels, K)
    return w, m, c + 1e-6 * np.eye(X.shape[1])


def pl_order(X, labels, K):
    w, m, c = params_from_labels(X, labels, K)
    return m, w, c


def pl_other(X, labels, K):
    w, m, c = params_from_labels(X, labels, K)
    return w, m, 1.1 * c


def _fit(X, K, seed):
    return GaussianMixture(K, random_state=seed).fit(X)


def hos_train(X_train, X_test, K, seed):
    return _fit(X_train, K, seed).score(X_train)


def hos_total(X_train, X_test, K, seed):
    return _fit(X_train, K, seed).score(X_test) * len(X_test)


def hos_lower_bound(X_train, X_test, K, seed):
    return _fit(X_train, K, seed).lower_bound_


def hos_fit_on_test(X_train, X_test, K, seed):
    return _fit(X_test, K, seed).score(X_test)


def hos_fit_on_both(X_train, X_test, K, seed):
    return _fit(np.vstack([X_train, X_test]), K, seed).score(X_test)


def hos_swapped(X_train, X_test, K, seed):
    return _fit(X_test, K, seed).score(X_train)


def hos_negative(X_train, X_test, K, seed):
    return -_fit(X_train, K, seed).score(X_test)


def hos_log_mean_density(X_train, X_test, K, seed):
    return np.log(np.exp(_fit(X_train, K, seed).score_samples(X_test)).mean())


def hos_per_point(X_train, X_test, K, seed):
    return _fit(X_train, K, seed).score_samples(X_test)


def hos_model(X_train, X_test, K, seed):
    return _fit(X_train, K, seed)


def hos_seed_0(X_train, X_test, K, seed):
    return _fit(X_train, K, 0).score(X_test)


WRONG = [
    ("log_point_terms_1d", lpt_naive, "underflow"),
    ("log_point_terms_1d", lpt_missing_weights, "missing_weights"),
    ("log_point_terms_1d", lpt_variance_as_scale, "std_for_variance"),
    ("log_point_terms_1d", lpt_std_as_variance, "std_for_variance"),
    ("log_point_terms_1d", lpt_no_normaliser, "missing_normaliser"),
    ("log_point_terms_1d", lpt_log_inside_sum, "log_inside_sum"),
    ("log_point_terms_1d", lpt_weighted_logs, "log_inside_sum"),
    ("log_point_terms_1d", lpt_total, "shape"),
    ("log_point_terms_1d", lpt_mean, "shape"),
    ("log_point_terms_1d", lpt_table, "shape"),
    ("log_point_terms_1d", lpt_negative, "wrong_sign"),
    ("log_point_terms_1d", lpt_density, "density_not_log"),
    ("log_point_terms_1d", lpt_other, "other"),
    ("params_from_labels", pl_equal_weights, "unweighted"),
    ("params_from_labels", pl_counts, "not_normalised"),
    ("params_from_labels", pl_grand_mean, "old_mean"),
    ("params_from_labels", pl_all_points, "unweighted"),
    ("params_from_labels", pl_ddof_1, "unbiased"),
    ("params_from_labels", pl_over_N, "unweighted"),
    ("params_from_labels", pl_diagonal, "diagonal_only"),
    ("params_from_labels", pl_means_transposed, "shape"),
    ("params_from_labels", pl_reg_covar, "wrong_regularisation"),
    ("params_from_labels", pl_order, "wrong_order"),
    ("params_from_labels", pl_other, "other"),
    ("held_out_score", hos_train, "training_value"),
    ("held_out_score", hos_total, "not_normalised"),
    ("held_out_score", hos_lower_bound, "training_value"),
    ("held_out_score", hos_fit_on_test, "training_value"),
    ("held_out_score", hos_fit_on_both, "training_value"),
    ("held_out_score", hos_swapped, "wrong_order"),
    ("held_out_score", hos_negative, "wrong_sign"),
    ("held_out_score", hos_log_mean_density, "log_of_total"),
    ("held_out_score", hos_per_point, "shape"),
    ("held_out_score", hos_model, "wrong_type"),
    ("held_out_score", hos_seed_0, "other"),
]


@pytest.mark.parametrize("name,func,code", WRONG,
                         ids=[f"{n}-{f.__name__}-{c}" for n, f, c in WRONG])
def test_each_mistake_is_named(name, func, code):
    feedback = check(name, func)
    assert not feedback.passed
    assert feedback.mistake == code, feedback
    assert feedback.mistake in MISTAKES and feedback.exercise == name
    assert "could not judge" not in feedback.message
    assert feedback.message[-1] == "."


def test_messages_say_where_and_what():
    underflow = check("log_point_terms_1d", lpt_naive).message
    assert "in case 3 (a point far from every component), point 5 (x_5 = 40)" in underflow
    assert "expected " in underflow and "got −∞" in underflow and "logsumexp" in underflow
    total = check("log_point_terms_1d", lpt_total).message
    assert total.startswith("your function returned the log-likelihood, the total")
    assert "shape (12,)" in total
    ddof = check("params_from_labels", pl_ddof_1).message
    assert "N_k − 1" in ddof and "in case 1 (" in ddof and "Σ_k of component " in ddof
    transposed = check("params_from_labels", pl_means_transposed).message
    assert "transposed" in transposed
    seed = check("held_out_score", hos_seed_0).message
    assert "random_state=0" in seed and "in case 2 (" in seed and "random_state=seed" in seed


def test_a_fit_without_a_seed_is_called_random():
    def unseeded(X_train, X_test, K, seed):
        return GaussianMixture(K).fit(X_train).score(X_test)

    state = np.random.get_state()
    try:
        np.random.seed(12345)  # random_state=None draws from numpy's global generator
        feedback = check("held_out_score", unseeded)
    finally:
        np.random.set_state(state)
    assert feedback.mistake == "other", feedback
    assert "different value each time" in feedback.message and "random_state=seed" in feedback.message


def test_the_underflow_is_found_for_the_spike_too():
    """Right on the far point of case 3 (no underflow there), naive at the spike of case 4."""
    def naive_after_case_3(x, w, m, v):
        return lpt_naive(x, w, m, v) if len(w) == 3 and v.min() < 1e-3 else log_point_terms_1d(
            x, w, m, v)

    feedback = check("log_point_terms_1d", naive_after_case_3)
    assert feedback.mistake == "underflow" and "in case 4 (a narrow spike" in feedback.message


# ===========================================================================
# What every checker does whatever the function does

def skeleton_ellipsis(*args):
    ...


def skeleton_pass(*args):
    pass


def skeleton_tuple(*args):
    return ..., ..., ...


def skeleton_not_implemented(*args):
    raise NotImplementedError


@pytest.mark.parametrize("name", sorted(CHECKERS))
@pytest.mark.parametrize("skeleton", [skeleton_ellipsis, skeleton_pass, skeleton_tuple,
                                      skeleton_not_implemented], ids=lambda f: f.__name__)
def test_skeletons_and_none_are_not_attempted(name, skeleton):
    feedback = check(name, skeleton)
    assert feedback.mistake == "not_attempted"
    assert str(feedback) == f"✘ {name} — not_attempted: {feedback.message}"
    assert CHECKERS[name](None).mistake == "not_attempted"


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_a_raising_function_gets_raises(name):
    def broken(*args):
        raise ValueError("operands could not be broadcast together")

    feedback = check(name, broken)
    assert feedback.mistake == "raises"
    assert "ValueError: operands could not be broadcast together" in feedback.message
    assert "in case 1" in feedback.message and "line" in feedback.message
    assert f"{name}(" in feedback.message


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_a_function_that_modifies_its_input_gets_input_modified(name):
    reference = REFERENCE[name]

    def modifying(*args):
        answer = reference(*[np.array(a) if isinstance(a, np.ndarray) else a for a in args])
        next(a for a in args if isinstance(a, np.ndarray)).flat[0] += 1.0
        return answer

    feedback = check(name, modifying)
    assert feedback.mistake == "input_modified", feedback
    assert "`" in feedback.message and "case 1" in feedback.message


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_what_is_not_a_function_is_wrong_type(name):
    for thing in (np.zeros(3), 1.5, name):
        feedback = CHECKERS[name](thing)
        assert feedback.mistake == "wrong_type"
        assert f"check_{name}({name})" in feedback.message


def _bad_answers(reference):
    """The junk answers of test_exercises.py, and two more that suit these checkers."""
    answers = _junk_answers(reference)
    answers["a_model"] = lambda *a: GaussianMixture(2)
    answers["random"] = lambda *a: np.random.default_rng().normal(size=np.shape(
        np.asarray(reference(*a), dtype=object) if not isinstance(reference(*a), tuple) else 3))
    return answers


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_no_checker_raises(name):
    for label, bad in _bad_answers(REFERENCE[name]).items():
        feedback = check(name, bad)
        assert isinstance(feedback, Feedback), label
        assert not feedback.passed, (label, feedback)
        assert feedback.mistake in MISTAKES, (label, feedback)
        assert "could not judge" not in feedback.message, (label, feedback)
        assert str(feedback) and feedback._repr_html_()


def _scrambled(value):
    if hasattr(value, "weights"):
        value = (value.weights, value.means, value.covariances)
    if isinstance(value, (tuple, list)):
        return tuple(_scrambled(v) for v in value)
    return 1.37 * np.asarray(value, dtype=float) + 0.1


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_diagnosis_runs_on_every_case(name):
    """Wrong only from the n-th case on: each case's mistakes are computed and compared."""
    reference = REFERENCE[name]
    for n in range(1, 6):
        calls = []

        def wrong_from_n(*args, n=n, calls=calls):
            calls.append(1)
            answer = reference(*args)
            return answer if len(calls) < n else _scrambled(answer)

        feedback = check(name, wrong_from_n)
        if n == 5:
            assert feedback.passed
            break
        assert feedback.mistake in MISTAKES and "could not judge" not in feedback.message
        assert f"in case {n} (" in feedback.message, feedback


def test_checkers_are_deterministic():
    for name, func, _ in WRONG[::4]:
        assert str(check(name, func)) == str(check(name, func))


def test_checkers_are_fast():
    """A whole check, right or wrong, takes well under a second once its fits are cached,
    and the first check of held_out_score fits only a few small models."""
    start = time.perf_counter()
    for name, func in REFERENCE.items():
        check(name, func)
    for name, func, _ in WRONG:
        check(name, func)
    per_check = (time.perf_counter() - start) / (len(REFERENCE) + len(WRONG))
    assert per_check < 0.5, per_check
