"""Checked exercises: the learner writes a step of EM, a checker says whether it
is right and, when it is not, which classic mistake it is.

A lesson's exercise has a skeleton cell the learner fills in and a check cell::

    from gmmlib.exercises import check_responsibilities_1d

    def responsibilities_1d(x, weights, means, variances):
        ...  # your code

    check_responsibilities_1d(responsibilities_1d)   # last line of the cell: shows the box

A checker takes the learner's function (the function itself, not its result),
runs it on several cases that it chooses (1-D and 2-D data, unequal weights, a
point far from every component, non-diagonal covariances, ...), compares each
answer with gmmlib's own within a tolerance that rounding cannot break
(rtol 1e-6, atol 1e-9), and returns a :class:`Feedback`:

    feedback.passed     True or False
    feedback.mistake    None, or a code of MISTAKES, e.g. "missing_weights"
    feedback.message    what went wrong, where (case, point, component, expected
                        and got) and what to do, in the lessons' notation
    feedback.exercise   the name of the learner's function

In a notebook it shows as a short green or red box (grey for an untouched
skeleton); its plain-text form is one line, e.g.
``✔ responsibilities_1d: correct on all 4 cases.``

How a wrong answer is diagnosed: for each case, in this order, an exception
gives ``raises``; None or ``...`` (a skeleton whose body is ``...``, ``pass``
or ``return None``) gives ``not_attempted``; inputs changed in place give
``input_modified``; a wrong shape or orientation gives ``shape``; then the
values are compared. When they differ, the checker computes what each classic
mistake would give on the same case (the weights left out, sigma where sigma^2
goes, densities that underflow, the log of one big sum, ...) and names the
mistake whose answer the learner's matches; ``other`` only when none does.

A checker never raises because of the learner's function: numpy's warnings
are silenced while it runs, and whatever it returns (a string, NaN, an array of
the wrong shape) becomes a Feedback. Any correct implementation passes,
whatever its style: loops, vectorised numpy, scipy.stats, log space. Lists,
tuples and numpy scalars are accepted wherever an array or a float is asked for.

:data:`EXERCISES` maps every exercise's name to its checker.
"""

from gmmlib.exercises._core import MISTAKES, Feedback
from gmmlib.exercises.applied import (check_held_out_score, check_log_point_terms_1d,
                                      check_params_from_labels)
from gmmlib.exercises.bound import check_lower_bound_1d, check_posterior_gap_1d
from gmmlib.exercises.em_1d import (check_em_iteration_1d, check_log_likelihood_1d,
                                    check_m_step_1d, check_responsibilities_1d)
from gmmlib.exercises.em_nd import (check_ellipse_axes, check_gaussian_log_density,
                                    check_kmeanspp_probabilities, check_m_step,
                                    check_match_by_means)
from gmmlib.exercises.images import check_bic_full, check_segment
from gmmlib.exercises.kmeans import check_kmeans_assign, check_kmeans_update, check_soft_assign
from gmmlib.exercises.model_choice import check_bic, check_n_parameters, check_total_log_likelihood
from gmmlib.exercises.scale import (check_epoch_batches, check_m_step_from_stats,
                                   check_stepwise_update, check_sufficient_stats)
from gmmlib.exercises.singularities import (check_map_variance_1d, check_regularised_variance_1d,
                                            check_spike_log_density)

#: Every exercise, by the name of the function the learner writes, with its checker.
EXERCISES = {
    check.exercise: check
    for check in (
        # EM in one dimension
        check_responsibilities_1d, check_m_step_1d, check_log_likelihood_1d,
        check_em_iteration_1d,
        # EM in several dimensions, starts and label switching
        check_gaussian_log_density, check_m_step, check_ellipse_axes,
        check_kmeanspp_probabilities, check_match_by_means,
        # Why EM works
        check_lower_bound_1d, check_posterior_gap_1d,
        # Singularities and remedies
        check_spike_log_density, check_regularised_variance_1d, check_map_variance_1d,
        check_log_point_terms_1d,
        # K-means
        check_kmeans_assign, check_kmeans_update, check_soft_assign, check_params_from_labels,
        # Choosing K and scikit-learn
        check_n_parameters, check_bic, check_total_log_likelihood, check_held_out_score,
        # Image segmentation
        check_segment, check_bic_full,
        # EM at scale
        check_sufficient_stats, check_m_step_from_stats, check_stepwise_update,
        check_epoch_batches,
    )
}

__all__ = ["EXERCISES", "MISTAKES", "Feedback", *(c.__name__ for c in EXERCISES.values())]
