"""gmmlib: the helper package of the course on Gaussian mixtures and EM.

The EM core lives in :mod:`gmmlib.em` and is re-exported here. Plotting
(:mod:`gmmlib.plotting`) and the interactive steppers (:mod:`gmmlib.widgets`)
are imported on demand, so ``import gmmlib`` needs only numpy.
"""

from gmmlib.em import (
    CovariancePrior,
    aic,
    bic,
    FitResult,
    GMMParams,
    SingularityError,
    component_log_densities,
    e_step,
    fit,
    log_likelihood,
    log_mixture_density,
    lower_bound,
    m_step,
    n_parameters,
    predict,
    predict_proba,
)
from gmmlib.lloyd import KMeansResult, kmeans
from gmmlib.scale import (MinibatchResult, SufficientStatistics, fit_chunked, fit_dask,
                          fit_minibatch, m_step_from_statistics, sufficient_statistics)

__all__ = [
    "MinibatchResult", "SufficientStatistics", "fit_chunked", "fit_dask", "fit_minibatch",
    "m_step_from_statistics", "sufficient_statistics",
    "CovariancePrior",
    "KMeansResult",
    "aic",
    "bic",
    "kmeans",
    "n_parameters",
    "FitResult",
    "GMMParams",
    "SingularityError",
    "component_log_densities",
    "e_step",
    "fit",
    "log_likelihood",
    "log_mixture_density",
    "lower_bound",
    "m_step",
    "predict",
    "predict_proba",
]

__version__ = "0.1.0"
