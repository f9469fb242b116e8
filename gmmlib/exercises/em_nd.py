"""Checkers for the exercises of EM in several dimensions: the multivariate
normal, the M-step with matrices, the covariance ellipse, k-means++ starts and
label switching."""

from __future__ import annotations

import numpy as np

from gmmlib.components import canonical_order
from gmmlib.em import GMMParams, component_log_densities, e_step, m_step
from gmmlib.exercises import _maths as mx
from gmmlib.exercises._core import (ANGLE_ATOL, Case, Check, Mistake, Part, checker, close,
                                    fmt_list, ndim)
from gmmlib.lloyd import _squared_distances

__all__ = ["check_gaussian_log_density", "check_m_step", "check_ellipse_axes",
           "check_kmeanspp_probabilities", "check_match_by_means"]


def _points(seed, n, mean, cov):
    rng = np.random.default_rng(seed)
    return np.round(rng.multivariate_normal(mean, cov, size=n), 2)


# ---------------------------------------------------------------------------


def _density_cases():
    X2 = _points(1, 7, [1.0, -0.5], [[2.0, 0.8], [0.8, 1.0]])
    X3 = _points(2, 6, [0.0, 1.0, 2.0], np.eye(3))
    far = np.vstack([_points(3, 5, [0.0, 0.0], [[1.0, 0.3], [0.3, 0.5]]), [[60.0, -40.0]]])
    X1 = np.array([[1.2], [2.0], [2.3], [3.1], [1.75]])
    return [
        Case("2-D, a non-diagonal covariance",
             (X2, np.array([1.0, -0.5]), np.array([[2.0, 0.8], [0.8, 1.0]]))),
        Case("3-D, correlated coordinates",
             (X3, np.array([0.0, 1.0, 2.0]),
              np.array([[1.5, 0.3, -0.2], [0.3, 1.0, 0.4], [-0.2, 0.4, 2.0]]))),
        Case("2-D, a point far from the mean",
             (far, np.array([0.0, 0.0]), np.array([[1.0, 0.3], [0.3, 0.5]])), far=(5,)),
        Case("1-D data as a column (N, 1) with a 1×1 covariance",
             (X1, np.array([2.0]), np.array([[0.25]]))),
    ]


@checker("gaussian_log_density")
def check_gaussian_log_density(func):
    """Check gaussian_log_density(X, mean, cov) -> log N(x_i∣μ,Σ) of every row, shape (N,).

    log N(x∣μ,Σ) = −½ [(x − μ)ᵀ Σ⁻¹ (x − μ) + log det Σ + D log 2π], in 2-D
    and 3-D with non-diagonal covariances, for a point far from the mean
    (where log(pdf) gives −∞) and for 1-D data given as a column.
    """
    check = Check("gaussian_log_density", func, "gaussian_log_density(X, mean, cov)",
                  "log N(x_i∣μ,Σ) = −½ [(x_i − μ)ᵀ Σ⁻¹ (x_i − μ) + log det Σ + D log 2π]")
    part = Part("the log-densities", "", ("point",))
    cases = _density_cases()
    for number, case in enumerate(cases, 1):
        X, mean, cov = case.args
        expected = component_log_densities(X, GMMParams([1.0], mean[None], cov[None]))[:, 0]
        out = check.run(number, case)
        got = check.array(number, case, out, expected.shape, part,
                          "Return one log-density per row of X, an array of shape (N,).")

        def mistakes(case, X=X, mean=mean, cov=cov, expected=expected):
            return [
                Mistake("underflow", "for the far point the density underflows to 0 and its log "
                        "is −∞", "Compute the log-density directly, "
                        "−½[(x−μ)ᵀΣ⁻¹(x−μ) + log det Σ + D log 2π], never as the log of the "
                        "density (scipy's multivariate_normal.logpdf does the same).",
                        np.log(np.exp(expected))),
                Mistake("precision_for_covariance", "your exponent uses Σ where Σ⁻¹ goes: "
                        "(x−μ)ᵀ Σ (x−μ)", "Use the inverse: (x−μ)ᵀ Σ⁻¹ (x−μ), e.g. with "
                        "np.linalg.solve(cov, d.T) instead of cov @ d.T.",
                        mx.log_normal(X, mean, cov, inverse=False)),
                Mistake("missing_determinant", "the term −½ log det Σ is missing",
                        "Add −½ log det Σ (np.linalg.slogdet(cov)[1] is log det Σ).",
                        mx.log_normal(X, mean, cov, log_det="none")),
                Mistake("missing_determinant", "you subtracted ½ det Σ where ½ log det Σ goes",
                        "Take the log of the determinant: np.linalg.slogdet(cov)[1].",
                        mx.log_normal(X, mean, cov, log_det="det")),
                Mistake("missing_normaliser", "the normalising term −(D/2) log 2π is missing",
                        "Add −(D/2) log 2π, D = X.shape[1]: the density has (2π)^(D/2) in its "
                        "denominator.", mx.log_normal(X, mean, cov, normaliser="none")),
                Mistake("missing_normaliser", "you subtracted ½ log 2π once, but the normaliser "
                        "is (2π)^(D/2)", "Subtract (D/2) log 2π, D = X.shape[1].",
                        mx.log_normal(X, mean, cov, normaliser="once")),
                Mistake("missing_normaliser", f"your normaliser is the 2-D one, log 2π, but here "
                        f"D = {X.shape[1]}", "Use (D/2) log 2π with D = X.shape[1], not a fixed "
                        "log 2π.", mx.log_normal(X, mean, cov, normaliser="none") - mx.LOG_2PI),
                Mistake("density_not_log", "your values are the density N(x_i∣μ,Σ), not its "
                        "logarithm", "Return the log-density itself (and compute it in log form: "
                        "the log of the density underflows for far points).", np.exp(expected)),
                Mistake("wrong_sign", "your values have the opposite sign",
                        "log N(x∣μ,Σ) = −½ [...]: keep the minus sign in front.", -expected),
            ]

        def underflow(got, expected, case=case):
            far = list(case.far)
            rest = [i for i in range(len(expected)) if i not in far]
            if far and not np.all(np.isfinite(got[far])) and close(got[rest], expected[rest]):
                return ("underflow", "the far point's log-density is not finite: its density "
                        "underflowed to 0 before the log", "Compute −½[(x−μ)ᵀΣ⁻¹(x−μ) + "
                        "log det Σ + D log 2π] without exponentiating.")

        check.compare(number, case, got, expected, part, mistakes, (underflow,))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------

_ND_PARTS = (Part("the weights π_k", "π_k", ("component",)),
             Part("the means μ_k", "μ_k", ("component", "coordinate")),
             Part("the covariances Σ_k", "Σ_k", ("component", "row", "column")))


def _m_step_cases():
    X2 = _points(4, 12, [0.0, 0.0], [[3.0, 1.5], [1.5, 2.0]])
    p2 = GMMParams([0.5, 0.3, 0.2], [[-1.0, -1.0], [0.5, 0.5], [2.0, 1.0]],
                   [np.eye(2), [[1.0, 0.4], [0.4, 1.0]], [[2.0, -0.5], [-0.5, 1.0]]])
    X3 = _points(5, 10, [0.0, 1.0, -1.0], [[2.0, 0.6, 0.3], [0.6, 1.0, 0.2], [0.3, 0.2, 1.5]])
    p3 = GMMParams([0.6, 0.4], [[-0.5, 0.5, -1.0], [1.0, 1.5, -0.5]],
                   [np.eye(3), 1.5 * np.eye(3)])
    hard = np.eye(3)[np.argsort(np.argsort(X2[:, 0])) * 3 // len(X2)]
    X1 = np.array([[-1.3], [-0.6], [0.2], [0.9], [1.4], [2.8], [3.3]])
    p1 = GMMParams.from_1d([0.5, 0.5], [0.0, 3.0], [1.0, 0.5])
    return [
        Case("2-D, three components, soft responsibilities", (X2, e_step(X2, p2))),
        Case("3-D, two components", (X3, e_step(X3, p3))),
        Case("2-D, hard assignments (every r_ik is 0 or 1)", (X2, hard)),
        Case("1-D data as a column (N, 1), two components", (X1, e_step(X1, p1))),
    ]


def _unpack_params(out):
    if all(hasattr(out, a) for a in ("weights", "means", "covariances")):
        return out.weights, out.means, out.covariances
    return None


@checker("m_step")
def check_m_step(func):
    """Check m_step(X, resp) -> (weights (K,), means (K, D), covariances (K, D, D)).

    N_k = Σ_i r_ik, π_k = N_k / N, μ_k = Σ_i r_ik x_i / N_k,
    Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k; in 1-D, 2-D and 3-D, soft and hard.
    """
    check = Check("m_step", func, "m_step(X, resp)",
                  "π_k = N_k / N, μ_k = Σ_i r_ik x_i / N_k, "
                  "Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k")
    cases = _m_step_cases()
    for number, case in enumerate(cases, 1):
        X, resp = case.args
        p = m_step(X, resp, reg_covar=0.0)
        expected = (p.weights, p.means, p.covariances)
        out = check.run(number, case)
        got = check.parts(number, case, out, _ND_PARTS, [e.shape for e in expected],
                          unpack=_unpack_params)

        def mistakes(case, X=X, resp=resp):
            return [
                Mistake("not_normalised", "your weights are N_k = Σ_i r_ik, not divided by N",
                        "π_k = N_k / N: divide by the number of points.",
                        mx.m_step_nd(X, resp, weights="N_k")),
                Mistake("unweighted", "your means divide Σ_i r_ik x_i by N instead of N_k",
                        "μ_k = Σ_i r_ik x_i / N_k, with N_k = resp.sum(axis=0).",
                        mx.m_step_nd(X, resp, means="over_N")),
                Mistake("unweighted", "your covariances divide by N instead of N_k",
                        "Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k.",
                        mx.m_step_nd(X, resp, covariances="over_N")),
                Mistake("unweighted", "your covariances give every point the same weight: the "
                        "responsibilities are ignored", "Weight each outer product "
                        "(x_i − μ_k)(x_i − μ_k)ᵀ by r_ik and divide by N_k.",
                        mx.m_step_nd(X, resp, covariances="plain")),
                Mistake("unbiased", "your covariances divide by N_k − 1 instead of N_k",
                        "The M-step divides by N_k itself (no Bessel correction).",
                        mx.m_step_nd(X, resp, covariances="N_k-1")),
                Mistake("unbiased", "your covariances are np.cov's weighted estimate with its "
                        "default ddof=1", "Pass bias=True to np.cov (np.cov(X.T, aweights=r_k, "
                        "bias=True)), or compute the weighted sum of outer products / N_k.",
                        mx.m_step_nd(X, resp, covariances="np.cov")),
                Mistake("old_mean", "your weights and means are right, but your covariances "
                        "are taken around the mean of all the points, x̄ = X.mean(axis=0), not "
                        "around each μ_k", "Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k: the "
                        "deviations from the component's own weighted mean μ_k.",
                        mx.m_step_nd(X, resp, centre=np.repeat(X.mean(axis=0)[None],
                                                               resp.shape[1], axis=0))),
                Mistake("diagonal_only", "your covariances have only their diagonal (the "
                        "variances); the entries off the diagonal are 0",
                        "Use the outer product (x_i − μ_k)(x_i − μ_k)ᵀ, a D×D matrix per point "
                        "(np.outer, or d.T @ (r[:, None] * d)), not the squared deviations alone.",
                        mx.m_step_nd(X, resp, covariances="diagonal")),
            ]

        check.compare(number, case, got, expected, _ND_PARTS, mistakes,
                      (_covariances_around_other_points,))
    return check.passed(len(cases))


def _rank_one_excess(diff, scale):
    """diff (D, D) is c cᵀ for some vector c (0 included), within rounding of scale."""
    if not np.all(np.isfinite(diff)):
        return False
    tol = 1e-6 * scale + 1e-9
    if np.max(np.abs(diff - diff.T), initial=0.0) > tol:
        return False
    values = np.linalg.eigvalsh((diff + diff.T) / 2)
    return bool(values[0] >= -tol and (len(values) < 2 or abs(values[-2]) <= tol))


def _covariances_around_other_points(got, expected):
    """A property: weights and means right, each Σ_k too large by a rank-1 c_k c_kᵀ.

    Around a point c, Σ_i r_ik (x_i − c)(x_i − c)ᵀ / N_k = Σ_k + (μ_k − c)(μ_k − c)ᵀ:
    a covariance taken around another point than μ_k is too large by a rank-1 matrix.
    """
    (gw, gm, gc), (ew, em, ec) = got, expected
    if not (close(gw, ew) and close(gm, em)):
        return None
    diffs = gc - ec
    scales = [np.max(np.abs(e)) + np.max(np.abs(d), initial=0.0) if np.all(np.isfinite(d))
              else 1.0 for e, d in zip(ec, diffs)]
    if all(_rank_one_excess(d, sc) for d, sc in zip(diffs, scales)):
        return ("old_mean", "your weights and means are right, but each covariance is too large "
                "by a rank-1 matrix c_k c_kᵀ: your covariances are taken around other means "
                "than the new μ_k (around a point c, Σ_i r_ik (x_i − c)(x_i − c)ᵀ / N_k = "
                "Σ_k + (μ_k − c)(μ_k − c)ᵀ)", "Compute Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / "
                "N_k around the μ_k you have just computed.")
    return None


# ---------------------------------------------------------------------------


def _ellipse_reference(cov):
    values, vectors = np.linalg.eigh(cov)
    major = vectors[:, 1]
    angle = float(mx.fold_angle(np.degrees(np.arctan2(major[1], major[0]))))
    return np.sqrt(values[::-1]), angle


def _angle_match(got, value, part=None):
    d = (float(got) - float(value) + 90.0) % 180.0 - 90.0
    return bool(np.isfinite(d) and abs(d) <= ANGLE_ATOL)


def _row_angles(cov):
    """The angles a row of the eigenvector matrix gives, for eigh and for eig."""
    angles = []
    for solver in (np.linalg.eigh, np.linalg.eig):
        values, vectors = solver(cov)
        values, vectors = np.real(values), np.real(vectors)
        for i in range(2):
            row = vectors[i, :]
            angles.append(float(mx.fold_angle(np.degrees(np.arctan2(row[1], row[0])))))
    return angles


_RADII = Part("the radii", "radii", (("the major radius", "the minor radius"),))
_ANGLE = Part("the angle (degrees)", "angle")


@checker("ellipse_axes")
def check_ellipse_axes(func):
    """Check ellipse_axes(cov) -> (radii, angle) for a 2×2 covariance.

    radii : the semi-axes of the 1-standard-deviation ellipse, major first,
    the square roots of the eigenvalues; angle : of the major axis (the
    eigenvector, a column of the eigenvector matrix), in degrees, in (-90, 90].
    """
    check = Check("ellipse_axes", func, "ellipse_axes(cov)",
                  "radii = √(eigenvalues of Σ), largest first; angle = arctan2(v_y, v_x) of the "
                  "major eigenvector v (a column), in degrees, in (−90°, 90°]")
    covs = [("wider than tall, not tilted", [[4.0, 0.0], [0.0, 1.0]]),
            ("tilted upwards", [[3.0, 1.0], [1.0, 2.0]]),
            ("tilted downwards", [[2.0, -1.2], [-1.2, 1.0]]),
            ("taller than wide: the major axis is vertical", [[1.0, 0.0], [0.0, 9.0]]),
            ("strongly correlated, at 45°", [[1.0, 0.8], [0.8, 1.0]])]
    cases = [Case(f"Σ = {np.array(c).tolist()}, {d}", (np.array(c),)) for d, c in covs]
    for number, case in enumerate(cases, 1):
        (cov,) = case.args
        radii, angle = _ellipse_reference(cov)
        out = check.run(number, case)
        if (isinstance(out, (tuple, list)) and len(out) == 3
                and all(ndim(v) == 0 for v in out)):
            out = ((out[0], out[1]), out[2])  # (major, minor, angle) is fine too
        got_radii, got_angle = check.parts(number, case, out, (_RADII, _ANGLE), [(2,), ()])
        values = np.linalg.eigvalsh(cov)[::-1]
        check.compare(number, case, got_radii, radii, _RADII, [
            Mistake("eigenvalues_for_radii", "your radii are the eigenvalues (variances)",
                    "The radii of the 1-sd ellipse are standard deviations: take np.sqrt of the "
                    "eigenvalues.", values),
            Mistake("eigenvalues_for_radii", "your radii are the eigenvalues, smallest first",
                    "Take np.sqrt of the eigenvalues, and put the largest first.", values[::-1]),
            Mistake("diameters", "your values are twice the radii: the width and height",
                    "Return the radii √λ; matplotlib's Ellipse wants width = 2 × radius, but "
                    "this function returns the radii.", 2 * radii),
            Mistake("minor_axis", "your radii are smallest first: np.linalg.eig does not sort "
                    "the eigenvalues, np.linalg.eigh sorts them ascending",
                    "Put the major axis first: np.sqrt(values[::-1]) after eigh, "
                    "np.sqrt(np.sort(values)[::-1]) after eig.", radii[::-1]),
        ])
        if _angle_match(got_angle, angle):
            if not -90.0 - ANGLE_ATOL <= float(got_angle) <= 90.0 + ANGLE_ATOL:
                check.fail("angle_range",
                           f"your angle {float(got_angle):.4g}° is the right axis but outside "
                           f"(−90°, 90°] {check.in_case(number, case)}: expected {angle:.4g}°. "
                           "An axis has no direction: add or subtract 180° to bring it into "
                           "(−90°, 90°].")
            continue
        rad = np.radians(angle)
        rows = [a for a in _row_angles(cov) if not _angle_match(a, angle)]
        check.compare(number, case, got_angle, angle, _ANGLE, [
            Mistake("radians", "your angle is in radians", "Convert it: np.degrees(angle).",
                    rad),
            Mistake("radians", "your angle is in radians", "Convert it: np.degrees(angle).",
                    rad + np.pi),
            Mistake("radians", "your angle is in radians", "Convert it: np.degrees(angle).",
                    rad - np.pi),
            Mistake("minor_axis", "your angle is that of the minor axis (np.linalg.eigh sorts "
                    "the eigenvalues ascending, so its first eigenvector is the minor one; "
                    "np.linalg.eig does not sort them)",
                    "Use the eigenvector of the largest eigenvalue: vectors[:, np.argmax(values)].",
                    angle + 90.0),
        ] + [Mistake("eigenvector_row", "your angle comes from a row of the eigenvector matrix",
                     "np.linalg.eig and np.linalg.eigh return the eigenvectors as the columns: "
                     "v = vectors[:, k], not vectors[k].", a)
             for a in rows], match=_angle_match)
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


@checker("kmeanspp_probabilities")
def check_kmeanspp_probabilities(func):
    """Check kmeanspp_probabilities(X, centres) -> p of shape (N,).

    p_i = d_i² / Σ_j d_j², with d_i the distance from x_i to its nearest centre:
    the probability that k-means++ picks x_i as the next centre.
    """
    check = Check("kmeanspp_probabilities", func, "kmeanspp_probabilities(X, centres)",
                  "p_i = d_i² / Σ_j d_j², d_i² = min_k ‖x_i − c_k‖²")
    part = Part("the probabilities p_i", "", ("point",))
    X = _points(6, 10, [0.0, 0.0], [[4.0, 1.0], [1.0, 2.0]])
    X3 = _points(7, 8, [0.0, 0.0, 0.0], [[2.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 1.5]])
    cases = [
        Case("2-D, one centre, the data point x_3", (X, X[[3]])),
        Case("2-D, two centres, the data points x_3 and x_7", (X, X[[3, 7]])),
        Case("3-D, three centres that are not data points",
             (X3, np.array([[1.0, 0.0, 0.0], [-1.0, 1.0, 0.5], [0.0, -1.0, -1.0]]))),
    ]
    for number, case in enumerate(cases, 1):
        X, centres = case.args
        d2 = _squared_distances(X, centres)
        nearest = d2.min(axis=1)
        expected = nearest / nearest.sum()
        out = check.run(number, case)
        got = check.array(number, case, out, expected.shape, part,
                          "One probability per point: take the minimum over the centres "
                          "(axis=1), then divide by the total.")

        def mistakes(case, X=X, centres=centres, d2=d2, nearest=nearest):
            d = np.sqrt(nearest)
            diff = X[:, None, :] - centres[None, :, :]
            found = [
                Mistake("distance_not_squared", "your probabilities are proportional to the "
                        "distance d_i, not to its square", "Use d_i² = min_k ‖x_i − c_k‖².",
                        d / d.sum()),
                Mistake("not_normalised", "your values are the squared distances d_i² "
                        "themselves", "Divide them by their sum Σ_j d_j², so that they add up to "
                        "1.", nearest),
            ]
            for say, v in (("the first centre", d2[:, 0]), ("the last centre", d2[:, -1]),
                           ("the farthest centre", d2.max(axis=1)),
                           ("all the centres, added", d2.sum(axis=1))):
                found.append(Mistake("not_nearest", f"your d_i is the distance to {say}",
                                     "d_i is the distance to the nearest centre: "
                                     "the minimum over centres, d2.min(axis=1).", v / v.sum()))
            square = ("Use the squared Euclidean distance d_i² = min_k Σ_d (x_id − c_kd)²: "
                      "square each difference, then add over the coordinates "
                      "(((X[:, None] - centres[None]) ** 2).sum(axis=2)).")
            manhattan = np.abs(diff).sum(axis=2).min(axis=1)
            summed = diff.sum(axis=2)
            for say, v in (
                    ("your distance adds |Δ| over the coordinates (|Δx| + |Δy|, the Manhattan "
                     "distance) where d_i² goes", manhattan),
                    ("your distance is the square of |Δx| + |Δy| (the Manhattan distance), not "
                     "the squared Euclidean distance", manhattan ** 2),
                    ("your distance adds the differences x_id − c_kd before squaring them, "
                     "(Σ_d (x_id − c_kd))², so that they cancel", (summed ** 2).min(axis=1)),
                    ("your distance adds the differences x_id − c_kd without squaring them",
                     summed.min(axis=1)),
                    ("your distance adds the squares over the wrong axis (over the centres "
                     "instead of the coordinates)", (diff ** 2).sum(axis=1).min(axis=1))):
                found.append(Mistake("wrong_distance", say, square, v / v.sum()))
            return found

        def not_normalised(got, expected):
            if np.all(np.isfinite(got)) and abs(got.sum() - 1) > 1e-6:
                return ("not_normalised", f"your probabilities add up to {got.sum():.4g}, not 1",
                        "Divide by the total Σ_j d_j².")

        check.compare(number, case, got, expected, part, mistakes, (not_normalised,))
    return check.passed(len(cases))


# ---------------------------------------------------------------------------


def _greedy(a, b, by_pairs=False):
    cost = mx.squared_distances(a, b)
    K = len(a)
    perm = [-1] * K
    free_a, free_b = set(range(K)), set(range(K))
    order = range(K)
    for step in order:
        if by_pairs:
            k, j = min(((k, j) for k in free_a for j in free_b), key=lambda kj: cost[kj])
        else:
            k = step
            j = min(free_b, key=lambda j: cost[k, j])
        perm[k] = j
        free_a.discard(k)
        free_b.discard(j)
    return np.array(perm)


def _by_coordinate(a, b, d):
    """The matching that sorts both sets of means by coordinate d."""
    rank_a = np.argsort(np.argsort(a[:, d], kind="stable"), kind="stable")
    return np.argsort(b[:, d], kind="stable")[rank_a]


@checker("match_by_means")
def check_match_by_means(func):
    """Check match_by_means(means_a, means_b) -> perm of shape (K,).

    Component perm[k] of b goes with component k of a; the matching minimises
    the total squared distance Σ_k ‖μ_k^a − μ_perm[k]^b‖² over all permutations.
    """
    check = Check("match_by_means", func, "match_by_means(means_a, means_b)",
                  "perm minimising Σ_k ‖μ_k^a − μ_perm[k]^b‖² over all permutations")
    part = Part("the permutation", "", ("perm[{}]",), integer=True)
    a4 = np.array([[-2.0, 0.0], [0.0, 2.0], [2.5, 0.5], [0.5, -2.0]])
    shuffle = np.array([2, 0, 3, 1])
    b4 = a4[shuffle] + np.array([[0.2, -0.1], [-0.15, 0.1], [0.1, 0.2], [-0.1, -0.2]])
    cases = [
        Case("1-D, three components listed in another order",
             (np.array([[-2.0], [0.5], [3.0]]), np.array([[3.1], [-1.9], [0.4]]))),
        Case("2-D, three components where the nearest-first choice is not the best",
             (np.array([[-2.5, 1.3], [0.5, -2.1], [-1.7, -0.7]]),
              np.array([[2.6, 0.8], [0.4, 0.8], [-2.2, -0.1]]))),
        Case("2-D, four components of two fits that agree up to numbering", (a4, b4)),
        Case("2-D, three components where sorting by the first coordinate is not the best",
             (np.array([[0.0, 0.0], [0.2, 3.0], [3.0, 1.0]]),
              np.array([[3.1, 0.9], [0.35, 0.1], [0.05, 2.9]]))),
    ]
    for number, case in enumerate(cases, 1):
        a, b = case.args
        expected = np.asarray(canonical_order(b, a), dtype=float)
        out = check.run(number, case)
        got = check.array(number, case, out, expected.shape, part,
                          "Return one index of b per component of a.")

        def mistakes(case, a=a, b=b, expected=expected):
            from scipy.optimize import linear_sum_assignment

            _, by_distance = linear_sum_assignment(np.sqrt(mx.squared_distances(a, b)))
            greedy = ("your matching is greedy: each component takes the nearest component "
                      "still free, which does not give the smallest total")
            fix_all = ("Compare the totals of all K! matchings (itertools.permutations), or use "
                       "scipy.optimize.linear_sum_assignment on the K×K matrix of squared "
                       "distances.")
            return [
                Mistake("inverse_permutation", "you returned the inverse permutation: your "
                        "entry j says which component of a goes with component j of b",
                        "perm[k] must be the component of b matched with component k of a, so "
                        "that means_b[perm] lines up with means_a (np.argsort inverts it).",
                        np.argsort(expected)),
                Mistake("greedy", greedy, fix_all, _greedy(a, b)),
                Mistake("greedy", greedy, fix_all, _greedy(a, b, by_pairs=True)),
                Mistake("distance_not_squared", "your matching minimises the total distance, "
                        "not the total squared distance", "Use the squared distances "
                        "‖μ_k^a − μ_j^b‖² in the cost.", by_distance),
                Mistake("off_by_one", "your indices run from 1 to K", "Python counts from 0: "
                        "component indices run from 0 to K − 1.", expected + 1),
            ] + [Mistake("wrong_distance", f"your matching sorts both sets of means by "
                         f"coordinate {d} alone (the smallest of a goes with the smallest of b, "
                         f"and so on): it ignores the other coordinates",
                         "Compare whole vectors: the cost of matching μ_k^a with μ_j^b is "
                         "‖μ_k^a − μ_j^b‖², summed over all the coordinates; minimise the total "
                         "over permutations (scipy.optimize.linear_sum_assignment).",
                         _by_coordinate(a, b, d))
                 for d in range(a.shape[1]) if a.shape[1] > 1]

        def not_permutation(got, expected):
            if sorted(got.tolist()) != sorted(expected.tolist()):
                return ("not_permutation", f"your answer {fmt_list(got, 3).replace('/', ', ')} "
                        "is not a permutation of 0..K−1: a component of b is used twice or not "
                        "at all", "Each component of b may be matched once: compare the totals "
                        "of whole permutations, not each component's nearest.")

        check.compare(number, case, got, expected, part, mistakes, (not_permutation,))
    return check.passed(len(cases))
