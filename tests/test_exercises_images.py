"""gmmlib.exercises.images: the checkers of lesson 11 (segment, bic_full) pass correct
code of any style, name each classic mistake, and never raise whatever the learner's
function does."""

import math
import time
import warnings

import numpy as np
import pytest
from scipy.special import softmax

import gmmlib
from test_exercises import _bad_answers  # tests/ is on sys.path
from gmmlib.exercises import EXERCISES, MISTAKES, Feedback, check_bic_full, check_segment

CHECKERS = {"segment": check_segment, "bic_full": check_bic_full}


def check(name, func):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a checker silences numpy's warnings itself
        return CHECKERS[name](func)


# ===========================================================================
# Correct solutions: the lesson's, then other styles

# -- segment ---------------------------------------------------------------------

def segment(resp, means, height, width):
    labels = resp.argmax(axis=1).reshape(height, width)
    return labels, means[labels]


def segment_loops(resp, means, height, width):
    labels = [[0] * width for _ in range(height)]
    image = [[None] * width for _ in range(height)]
    for i, row in enumerate(resp):
        k = max(range(len(row)), key=lambda j: row[j])
        labels[i // width][i % width] = k
        image[i // width][i % width] = list(means[k])
    return labels, image  # lists are fine


def segment_log_space(resp, means, height, width):
    labels = np.argmax(np.log(resp), axis=1)          # the same argmax in log space
    image = np.take(means, labels, axis=0).reshape(height, width, -1)
    return labels.reshape(height, width).astype(float), image   # whole floats are fine


def segment_one_hot(resp, means, height, width):
    hard = np.eye(resp.shape[1])[resp.argmax(axis=1)]  # hard responsibilities, (N, K)
    return (hard @ np.arange(resp.shape[1])).reshape(height, width), \
        (hard @ means).reshape(height, width, 3)


# -- bic_full --------------------------------------------------------------------

def bic_full(log_likelihood, n_components, n_features, n_samples):
    K, D = n_components, n_features
    p = (K - 1) + K * D + K * D * (D + 1) // 2
    return -2 * log_likelihood + p * np.log(n_samples)


def bic_full_math(log_likelihood, n_components, n_features, n_samples):
    K, D = n_components, n_features
    weights, means, covariances = K - 1, K * D, K * (D + math.comb(D, 2))
    return -2.0 * log_likelihood + (weights + means + covariances) * math.log(n_samples)


def bic_full_gmmlib(log_likelihood, n_components, n_features, n_samples):
    params = gmmlib.GMMParams(np.full(n_components, 1 / n_components),
                              np.zeros((n_components, n_features)),
                              np.repeat(np.eye(n_features)[None], n_components, axis=0))
    return -2 * log_likelihood + gmmlib.n_parameters(params) * np.log(n_samples)


CORRECT = {
    "segment": [segment, segment_loops, segment_log_space, segment_one_hot],
    "bic_full": [bic_full, bic_full_math, bic_full_gmmlib],
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
    n_cases = {"segment": 4, "bic_full": 5}[name]
    assert str(feedback) == f"✔ {name}: correct on all {n_cases} cases."


def test_the_bic_cases_agree_with_gmmlib_and_scikit_learn():
    """The checker's p is gmmlib's n_parameters and scikit-learn's count for 'full'."""
    from sklearn.mixture import GaussianMixture

    X = np.random.default_rng(0).normal(size=(60, 3))
    gm = GaussianMixture(2, random_state=0).fit(X)
    ll = gm.score(X) * len(X)
    assert math.isclose(bic_full(ll, 2, 3, 60), gm.bic(X), rel_tol=1e-9)
    params = gmmlib.GMMParams(gm.weights_, gm.means_, gm.covariances_)
    assert math.isclose(bic_full(gmmlib.log_likelihood(X, params), 2, 3, 60),
                        gmmlib.bic(X, params), rel_tol=1e-9)


# ===========================================================================
# Wrong solutions, one per classic mistake, written as a learner would

def seg_argmin(resp, means, height, width):
    labels = resp.argmin(axis=1).reshape(height, width)
    return labels, means[labels]


def seg_from_one(resp, means, height, width):
    labels = resp.argmax(axis=1)
    return (labels + 1).reshape(height, width), means[labels].reshape(height, width, 3)


def seg_soft(resp, means, height, width):
    return resp.argmax(axis=1).reshape(height, width), (resp @ means).reshape(height, width, 3)


def seg_column_major(resp, means, height, width):
    labels = resp.argmax(axis=1).reshape(width, height).T
    return labels, means[labels]


def seg_fortran_labels(resp, means, height, width):
    best = resp.argmax(axis=1)
    return best.reshape((height, width), order="F"), means[best].reshape(height, width, 3)


def seg_fortran_image(resp, means, height, width):
    best = resp.argmax(axis=1)
    return best.reshape(height, width), means[best].reshape((height, width, 3), order="F")


def seg_width_first(resp, means, height, width):
    labels = resp.argmax(axis=1).reshape(width, height)
    return labels, means[labels]


def seg_flat(resp, means, height, width):
    labels = resp.argmax(axis=1)
    return labels, means[labels]


def seg_max(resp, means, height, width):
    return resp.max(axis=1).reshape(height, width), \
        means[resp.argmax(axis=1)].reshape(height, width, 3)


def seg_swapped(resp, means, height, width):
    labels, image = segment(resp, means, height, width)
    return image, labels


def seg_labels_only(resp, means, height, width):
    return resp.argmax(axis=1).reshape(height, width)


def seg_image_255(resp, means, height, width):
    labels, image = segment(resp, means, height, width)
    return labels, 255 * image


def seg_image_uint8(resp, means, height, width):
    labels, image = segment(resp, means, height, width)
    return labels, (255 * image).astype(np.uint8)


def _p(K, D):
    return (K - 1) + K * D + K * D * (D + 1) // 2


def bf_aic(ll, K, D, n):
    return -2 * ll + 2 * _p(K, D)


def bf_flipped(ll, K, D, n):
    return 2 * ll - _p(K, D) * np.log(n)


def bf_minus_penalty(ll, K, D, n):
    return -2 * ll - _p(K, D) * np.log(n)


def bf_no_factor_2(ll, K, D, n):
    return -ll + _p(K, D) * np.log(n)


def bf_log10(ll, K, D, n):
    return -2 * ll + _p(K, D) * np.log10(n)


def bf_times_n(ll, K, D, n):
    return -2 * ll * n + _p(K, D) * np.log(n)


def bf_features(ll, K, D, n):
    return -2 * ll + D * np.log(n)


def bf_k_weights(ll, K, D, n):
    return -2 * ll + (K + K * D + K * D * (D + 1) // 2) * np.log(n)


def bf_no_weights(ll, K, D, n):
    return -2 * ll + (K * D + K * D * (D + 1) // 2) * np.log(n)


def bf_no_means(ll, K, D, n):
    return -2 * ll + ((K - 1) + K * D * (D + 1) // 2) * np.log(n)


def bf_d_squared(ll, K, D, n):
    return -2 * ll + ((K - 1) + K * D + K * D * D) * np.log(n)


def bf_no_half(ll, K, D, n):
    return -2 * ll + ((K - 1) + K * D + K * D * (D + 1)) * np.log(n)


def bf_diag(ll, K, D, n):
    return -2 * ll + ((K - 1) + 2 * K * D) * np.log(n)


def bf_tied(ll, K, D, n):
    return -2 * ll + ((K - 1) + K * D + D * (D + 1) // 2) * np.log(n)


def bf_no_covariances(ll, K, D, n):
    return -2 * ll + ((K - 1) + K * D) * np.log(n)


def bf_count(ll, K, D, n):
    return _p(K, D)


def bf_other(ll, K, D, n):
    return -2 * ll + _p(K, D) * np.log(n) + 1.0


def bf_log_n_plus_1(ll, K, D, n):
    return -2 * ll + _p(K, D) * np.log(n + 1)


WRONG = [
    ("segment", seg_argmin, "farthest"),
    ("segment", seg_from_one, "off_by_one"),
    ("segment", seg_soft, "other"),
    ("segment", seg_column_major, "wrong_order"),
    ("segment", seg_fortran_labels, "wrong_order"),
    ("segment", seg_fortran_image, "wrong_order"),
    ("segment", seg_width_first, "shape"),
    ("segment", seg_flat, "shape"),
    ("segment", seg_max, "wrong_type"),
    ("segment", seg_swapped, "wrong_order"),
    ("segment", seg_labels_only, "shape"),
    ("segment", seg_image_255, "other"),
    ("segment", seg_image_uint8, "other"),
    ("bic_full", bf_aic, "wrong_penalty"),
    ("bic_full", bf_flipped, "wrong_penalty"),
    ("bic_full", bf_minus_penalty, "wrong_penalty"),
    ("bic_full", bf_no_factor_2, "wrong_penalty"),
    ("bic_full", bf_log10, "wrong_penalty"),
    ("bic_full", bf_times_n, "mean_not_sum"),
    ("bic_full", bf_features, "wrong_penalty"),
    ("bic_full", bf_k_weights, "wrong_count"),
    ("bic_full", bf_no_weights, "wrong_count"),
    ("bic_full", bf_no_means, "wrong_count"),
    ("bic_full", bf_d_squared, "wrong_count"),
    ("bic_full", bf_no_half, "wrong_count"),
    ("bic_full", bf_diag, "wrong_count"),
    ("bic_full", bf_tied, "wrong_count"),
    ("bic_full", bf_no_covariances, "wrong_count"),
    ("bic_full", bf_count, "wrong_type"),
    ("bic_full", bf_other, "other"),
    ("bic_full", bf_log_n_plus_1, "other"),
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


# What each message says, where a code alone does not tell the diagnosis apart.
MESSAGES = [
    ("segment", seg_argmin, "least responsible component"),
    ("segment", seg_soft, "blends the mean colours by the responsibilities"),
    ("segment", seg_column_major, "placed column by column"),
    ("segment", seg_fortran_labels, "your labels are placed column by column, but your image"),
    ("segment", seg_fortran_image, "your labels are right, but your image's pixels"),
    ("segment", seg_width_first, "Reshape with the height first"),
    ("segment", seg_flat, "one label per pixel in a row"),
    ("segment", seg_max, "Use argmax, not max"),
    ("segment", seg_swapped, "in another order"),
    ("segment", seg_labels_only, "should return 2 values"),
    ("segment", seg_image_255, "255 times the mean colours"),
    ("bic_full", bf_aic, "that is AIC"),
    ("bic_full", bf_flipped, "signs are flipped"),
    ("bic_full", bf_minus_penalty, "penalty is subtracted"),
    ("bic_full", bf_no_factor_2, "factor 2"),
    ("bic_full", bf_log10, "log10"),
    ("bic_full", bf_features, "counts the features"),
    ("bic_full", bf_k_weights, "p = 24 parameters, not 23: you counted K weights"),
    ("bic_full", bf_no_weights, "p = 20 parameters, not 23: the weights are missing"),
    ("bic_full", bf_no_means, "p = 15 parameters, not 23: the means are missing"),
    ("bic_full", bf_d_squared, "D² entries"),
    ("bic_full", bf_no_half, "the /2 is missing"),
    ("bic_full", bf_diag, "as for 'diag'"),
    ("bic_full", bf_tied, "as for 'tied'"),
    ("bic_full", bf_no_covariances, "no covariance parameters"),
    ("bic_full", bf_count, "a number of parameters, not the BIC"),
]


@pytest.mark.parametrize("name,func,text", MESSAGES,
                         ids=[f"{n}-{f.__name__}" for n, f, _ in MESSAGES])
def test_messages_say_what_was_done(name, func, text):
    feedback = check(name, func)
    assert not feedback.passed
    assert text in feedback.message, feedback


def test_messages_say_where():
    message = check("segment", seg_argmin).message
    assert "in case 1 (a 2 × 3 picture (2 rows, 3 columns), two components), " in message
    assert "labels of row " in message and "expected " in message and ", got " in message
    soft = check("segment", seg_soft).message
    assert "image of row " in soft and any(c in soft for c in ("red", "green", "blue"))
    bic = check("bic_full", bf_no_means).message
    assert "in case 1 (K = 4 components in D = 2, N = 500 points)" in bic
    assert "p = (K − 1) + K D + K D(D+1)/2" in bic


def test_a_near_miss_shows_enough_digits_to_differ():
    """log(N + 1) for log N moves case 1's BIC by 0.046: both values are shown with the
    decimals that make the difference visible, and the difference itself."""
    message = check("bic_full", bf_log_n_plus_1).message
    assert "but close to it" in message and "in case 1 (" in message
    assert "expected 2611.936, got 2611.982, a difference of 0.046" in message
    rounded = check("bic_full", lambda ll, K, D, n: round(bic_full(ll, K, D, n))).message
    assert "expected 2611.936, got 2612.000" in rounded


def test_a_near_miss_does_not_hide_a_classic_mistake():
    """In case 2 (BIC about −170 930) counting K weights moves the BIC by only 0.006 %,
    within the near-miss range: it is still named as the miscount it is."""
    def k_weights_in_3d(ll, K, D, n):
        return bf_k_weights(ll, K, D, n) if D == 3 else bic_full(ll, K, D, n)

    feedback = check("bic_full", k_weights_in_3d)
    assert feedback.mistake == "wrong_count" and "in case 2 (" in feedback.message, feedback
    assert "you counted K weights" in feedback.message


def test_miscounts_that_coincide_are_named_together():
    """Leaving out the means and counting only the entries off the diagonal give the same
    p for full covariances (K D + K D(D−1)/2 = K D(D+1)/2): the message names both."""
    message = check("bic_full", bf_no_means).message
    assert "the means are missing" in message and "off the diagonal" in message


def test_a_mistake_from_a_later_case_on_is_found_there():
    """Right on the 2-D first case, and the means left out only in D = 3 (case 2)."""
    def wrong_in_3d(ll, K, D, n):
        return bf_no_means(ll, K, D, n) if D == 3 else bic_full(ll, K, D, n)

    feedback = check("bic_full", wrong_in_3d)
    assert feedback.mistake == "wrong_count" and "in case 2 (K = 5 components in D = 3" \
        in feedback.message


def test_a_component_that_no_pixel_takes_keeps_its_number():
    """Numbering the labels by np.unique (0..number of components used) is wrong in case 3,
    where component 1 is never the most responsible."""
    def renumbered(resp, means, height, width):
        used, labels = np.unique(resp.argmax(axis=1), return_inverse=True)
        return labels.reshape(height, width), means[used][labels].reshape(height, width, 3)

    feedback = check("segment", renumbered)
    assert not feedback.passed and "in case 3 (" in feedback.message, feedback


def test_the_cases_have_no_ties():
    """Every pixel of every case has one clearly most responsible component, so any
    argmax (numpy's, Python's max, in log space) gives the same labels."""
    from gmmlib.exercises.images import _segment_cases

    for case in _segment_cases():
        resp, means, H, W = case.args
        assert resp.shape == (H * W, means.shape[0]) and H != W
        assert np.allclose(resp.sum(axis=1), 1, atol=1e-9) and np.all(resp >= 0)
        top = np.sort(resp, axis=1)
        assert np.all(top[:, -1] - top[:, -2] >= 0.05)


# ===========================================================================
# What every checker does whatever the function does

def skeleton_ellipsis(*args):
    ...


def skeleton_pass(*args):
    pass


def skeleton_tuple(*args):
    return ..., ...


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


def test_a_function_that_modifies_its_input_gets_input_modified():
    def modifying(resp, means, height, width):
        answer = segment(resp.copy(), means.copy(), height, width)
        resp /= resp.max(axis=1, keepdims=True)         # "normalise" in place
        return answer

    feedback = check("segment", modifying)
    assert feedback.mistake == "input_modified", feedback
    assert "`resp`" in feedback.message and "case 1" in feedback.message


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_what_is_not_a_function_is_wrong_type(name):
    for thing in (np.zeros(3), 1.5, name):
        feedback = CHECKERS[name](thing)
        assert feedback.mistake == "wrong_type"
        assert f"check_{name}({name})" in feedback.message


def _junk(reference):
    """The junk answers of test_exercises.py, and some that suit these checkers."""
    answers = _bad_answers(reference)
    answers["random"] = lambda *a: tuple(np.random.default_rng().normal(size=np.shape(v))
                                         for v in reference(*a)) \
        if isinstance(reference(*a), tuple) else np.random.default_rng().normal()
    answers["a_list_of_arrays"] = lambda *a: [np.zeros(2), np.zeros((2, 2))]
    answers["nan_pair"] = lambda *a: (np.nan, np.nan)
    answers["softmax"] = lambda *a: softmax(np.ones((2, 3)), axis=1)
    return answers


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_no_checker_raises(name):
    for label, bad in _junk(REFERENCE[name]).items():
        feedback = check(name, bad)
        assert isinstance(feedback, Feedback), label
        assert not feedback.passed, (label, feedback)
        assert feedback.mistake in MISTAKES, (label, feedback)
        assert "could not judge" not in feedback.message, (label, feedback)
        assert str(feedback) and feedback._repr_html_()


def _scrambled(value):
    if isinstance(value, (tuple, list)):
        return tuple(_scrambled(v) for v in value)
    return 1.37 * np.asarray(value, dtype=float) + 0.1


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_diagnosis_runs_on_every_case(name):
    """Wrong only from the n-th case on: each case's mistakes are computed and compared."""
    reference = REFERENCE[name]
    n_cases = {"segment": 4, "bic_full": 5}[name]
    for n in range(1, n_cases + 2):
        calls = []

        def wrong_from_n(*args, n=n, calls=calls):
            calls.append(1)
            answer = reference(*args)
            return answer if len(calls) < n else _scrambled(answer)

        feedback = check(name, wrong_from_n)
        if n == n_cases + 1:
            assert feedback.passed
            break
        assert feedback.mistake in MISTAKES and "could not judge" not in feedback.message
        assert f"in case {n} (" in feedback.message, feedback


def test_checkers_are_deterministic():
    for name, func, _ in WRONG[::3]:
        assert str(check(name, func)) == str(check(name, func))


def test_checkers_are_fast():
    """A whole check, right or wrong, takes well under a second."""
    start = time.perf_counter()
    for name, func in REFERENCE.items():
        check(name, func)
    for name, func, _ in WRONG:
        check(name, func)
    per_check = (time.perf_counter() - start) / (len(REFERENCE) + len(WRONG))
    assert per_check < 0.5, per_check
