"""The machinery every checker shares: Feedback, the mistake codes, running the
learner's function safely, reading its answer and naming what is wrong.

A checker describes its cases and, for each case, what the right answer is and
what each classic mistake would give; this module runs the learner's function
on fresh copies of the inputs, turns whatever comes back into arrays, compares
them with the right answer within a tolerance that rounding cannot break, and,
when they differ, looks for the mistake whose answer the learner's matches.
"""

from __future__ import annotations

import functools
import html
import itertools
import traceback
import warnings
from dataclasses import dataclass

import numpy as np

# An answer is right when |got - expected| <= ATOL + RTOL |expected| everywhere:
# far above the rounding of any way of computing it, far below any mistake.
RTOL = 1e-6
ATOL = 1e-9
# Angles (degrees) are compared modulo 180 with this tolerance.
ANGLE_ATOL = 1e-6

MISTAKES = {
    # How the function behaved
    "not_attempted": "the function body is still the skeleton (it returns None or ...)",
    "raises": "the function raised an exception",
    "wrong_type": "the function returned something that is not a number or an array of numbers "
                  "(or not whole numbers where labels or counts are asked for)",
    "shape": "the answer has the wrong shape or orientation (e.g. (K, N) where (N, K) is asked)",
    "wrong_order": "the right values, returned in the wrong order",
    "input_modified": "the function changed one of its inputs in place",
    # Densities and the E-step
    "not_normalised": "not divided by its total: rows of r_ik not summing to 1, weights N_k not "
                      "divided by N, probabilities not summing to 1",
    "missing_weights": "the mixing weights π_k are left out",
    "std_for_variance": "a standard deviation σ where the variance σ² goes, or the reverse "
                        "(scipy's norm(loc, scale) takes the standard deviation)",
    "underflow": "densities exponentiated before normalising (or a number too small for floating "
                 "point): NaN, 0 or ∞ for a far point; log-sum-exp cures it",
    "missing_normaliser": "the normalising constant (the 2π term, or 1/√(2πσ²)) is missing",
    "precision_for_covariance": "Σ where Σ⁻¹ goes in the exponent",
    "missing_determinant": "the log-determinant term is missing (or det Σ where log det Σ goes)",
    "density_not_log": "the density itself where its logarithm is asked for",
    # The log-likelihood
    "log_of_total": "the log of one sum over all points instead of a sum over points of logs",
    "log_inside_sum": "a sum over components of logs instead of the log of the sum over components",
    "mean_not_sum": "a mean over points where the formula wants a sum (e.g. the log-likelihood "
                    "averaged instead of summed, or scikit-learn's score used as a total)",
    "not_total": "one value per point (or per term) returned instead of their total",
    "wrong_sign": "the sign is flipped",
    "training_value": "a number stored when the model was fitted (on its training data) instead "
                      "of one computed on the data given",
    # The M-step
    "old_mean": "the variance or covariance computed around another point than the updated "
                "mean μ_k (the old mean, or the mean of all the points)",
    "unweighted": "the responsibilities (or labels) ignored, or a division by N instead of N_k",
    "unbiased": "a division by N_k − 1 (np.cov's default ddof=1) where the M-step divides by N_k",
    "diagonal_only": "only the variances computed: the covariances off the diagonal left at 0",
    "unchanged": "the parameters returned as they were given, not updated",
    # Ellipses
    "eigenvalues_for_radii": "eigenvalues used as radii (no square root)",
    "diameters": "widths (twice the radii) returned instead of radii",
    "minor_axis": "the minor axis where the major one is asked for (eigh sorts eigenvalues up)",
    "eigenvector_row": "a row of the eigenvector matrix instead of a column",
    "radians": "the angle in radians instead of degrees",
    "angle_range": "the right axis, but the angle is outside (−90°, 90°]",
    # K-means, starts, label switching
    "farthest": "the farthest centre where the nearest is asked for (argmax where argmin goes)",
    "wrong_distance": "not the squared Euclidean distance (e.g. |Δx| + |Δy|, or differences not "
                      "squared, or summed over the wrong axis)",
    "off_by_one": "numbers counted from 1 where Python counts from 0",
    "distance_not_squared": "the distance d where its square d² goes",
    "not_nearest": "a distance that is not the one to the nearest centre (the first, the last, "
                   "the farthest or a sum over centres)",
    "not_permutation": "the answer repeats an entry (a component, or a point within one epoch): "
                       "it is not a permutation",
    "inverse_permutation": "the inverse permutation (which component of a goes with each of b)",
    "greedy": "a greedy matching (each component takes the nearest one left), not the best total",
    # Model size and BIC
    "wrong_count": "the number of free parameters is miscounted",
    "wrong_penalty": "the BIC/AIC penalty or its sign is wrong",
    # The lower bound
    "zero_log_zero": "0 log 0 computed as NaN instead of 0",
    "missing_entropy": "the entropy term −Σ q log q is missing (that is Q, not the bound)",
    "ignores_q": "q is ignored: the log-likelihood equals the bound only when q is the posterior",
    "reversed_kl": "KL(r ∥ q) instead of KL(q ∥ r)",
    # Singularities and remedies
    "wrong_regularisation": "reg_covar ε missing or added in the wrong place",
    "wrong_prior": "the prior's Ψ or ν in the wrong place, or the wrong constant in N_k + ν + 2",
    "other": "wrong in a way that no code names",
}


@dataclass(frozen=True, repr=False)
class Feedback:
    """What a checker says about the learner's function.

    passed : bool
    mistake : None when passed, otherwise a code of MISTAKES
    message : what went wrong and what to do, in the lessons' notation
    exercise : the name of the function the learner writes
    """

    passed: bool
    mistake: str | None
    message: str
    exercise: str

    def __str__(self):
        if self.passed:
            return f"✔ {self.exercise}: {self.message}"
        return f"✘ {self.exercise} — {self.mistake}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        if self.passed:
            border, background, colour = "#2e7d32", "#e8f5e9", "#1b3d1f"
            head = f"<b>✔ {html.escape(self.exercise)}</b>: "
        else:
            if self.mistake == "not_attempted":  # a skeleton: a neutral box, not an alarm
                border, background, colour = "#9e9e9e", "#f5f5f5", "#303030"
            else:
                border, background, colour = "#c62828", "#fdecea", "#4a1212"
            explanation = html.escape(MISTAKES.get(self.mistake, ""), quote=True)
            head = (f"<b>✘ {html.escape(self.exercise)}</b> — "
                    f"<code title=\"{explanation}\">{html.escape(str(self.mistake))}</code>: ")
        return (f"<div style=\"border-left: 6px solid {border}; background: {background}; "
                f"color: {colour}; padding: 6px 10px; margin: 4px 0; border-radius: 4px; "
                f"font-family: sans-serif; line-height: 1.45\">"
                f"{head}{html.escape(self.message)}</div>")


class _Done(Exception):
    """Raised inside a checker to stop it with a verdict."""

    def __init__(self, feedback):
        super().__init__(feedback.message)
        self.feedback = feedback


# ---------------------------------------------------------------------------
# Cases, parts of an answer, mistakes


@dataclass
class Case:
    """One set of inputs: args are passed to the learner's function (as copies).

    description : shown in messages, e.g. "unequal weights 0.7/0.2/0.1"
    x : the 1-D data, to show x_i next to "point i" (or None)
    far : indices of points far from every component (for underflow)
    """

    description: str
    args: tuple
    x: np.ndarray | None = None
    far: tuple = ()


@dataclass(frozen=True)
class Part:
    """One returned value: its name in the lessons' notation and what its axes count.

    name : e.g. "the variances σ_k²" (used when an answer has several parts)
    short : e.g. "σ_k²", put before the position in messages of several parts
    labels : one word per axis, e.g. ("point", "component"), a pattern such
        as "perm[{}]", or a tuple of names, one per position
    integer : True for labels, counts, permutations (compared exactly)
    """

    name: str
    short: str = ""
    labels: tuple = ()
    integer: bool = False


@dataclass
class Mistake:
    """What one classic mistake gives on a case.

    value : an array for a one-part answer, a tuple of arrays for several parts
    say : what the learner did, e.g. "your rows sum to 1 but the weights π_k are missing"
    fix : what to do, e.g. "Multiply each density by its weight π_k before normalising."
    """

    code: str
    say: str
    fix: str
    value: object = None

    def __post_init__(self):
        if self.code not in MISTAKES:
            raise KeyError(f"mistake code {self.code!r} is not in MISTAKES")


def _is_empty(value):
    return value is None or value is Ellipsis


def _as_numbers(value):
    """value as a float (or complex) array, or a str saying why it cannot be one."""
    if isinstance(value, (str, bytes)):
        return f"a string ({value[:40]!r})"
    if isinstance(value, (dict, set, frozenset)):
        return f"a {type(value).__name__}"
    try:
        arr = np.asarray(value)
    except BaseException as e:  # noqa: BLE001 - an odd object must not stop the checker
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return f"a {type(value).__name__} that numpy cannot read as an array ({_short(e)})"
    if arr.dtype.kind == "O":
        flat = list(arr.ravel())
        if any(_is_empty(v) for v in flat):
            return "not attempted"
        if any(isinstance(v, (str, bytes)) for v in flat):
            return "an array holding strings"
        try:
            arr = np.asarray(arr.tolist(), dtype=float)
        except BaseException as e:  # noqa: BLE001
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            return f"a {type(value).__name__} that is not an array of numbers (ragged or mixed)"
    if arr.dtype.kind in "US":
        return "an array of strings"
    if arr.dtype.kind == "c":
        if np.all(arr.imag == 0):
            arr = arr.real
        else:
            return ("complex numbers (e.g. from np.linalg.eig or a square root of a negative "
                    "number)")
    if arr.dtype.kind not in "biuf":
        return f"an array of dtype {arr.dtype}"
    return np.asarray(arr, dtype=float)


def _short(exc, limit=300):
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# Numbers in messages


def _fmt(value, digits=4, integer=False):
    value = float(value)
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "∞" if value > 0 else "−∞"
    if integer and value == int(value):
        return str(int(value))
    return f"{value + 0.0:.{digits}g}"  # + 0.0: no "-0"


def fmt_pair(expected, got, integer=False):
    """The two numbers with just enough digits to tell them apart."""
    for digits in range(4, 17):
        e, g = _fmt(expected, digits, integer), _fmt(got, digits, integer)
        if e != g:
            break
    return e, g


def fmt_list(values, digits=3):
    return "/".join(_fmt(v, digits) for v in np.ravel(values))


# ---------------------------------------------------------------------------
# The check of one function


def close(got, expected, integer=False, rtol=RTOL, atol=ATOL):
    """got matches expected (same shape, equal within tolerance; NaN matches NaN)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    if integer:
        return bool(np.array_equal(got, expected, equal_nan=True))
    return bool(np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True))


def first_difference(got, expected, integer=False, largest=False):
    """The index of the first entry of got that differs from expected (or,
    with largest=True, of the one that differs most; NaN counts as most)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if integer:
        bad = ~((got == expected) | (np.isnan(got) & np.isnan(expected)))
    else:
        bad = ~np.isclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
    where = np.argwhere(bad)
    if not len(where):
        return None
    if largest and got.ndim:
        gap = np.abs(got - expected)
        gap = np.where(np.isnan(gap), np.inf, gap)
        return tuple(int(i) for i in np.unravel_index(np.argmax(np.where(bad, gap, -1)),
                                                          got.shape))
    return tuple(int(i) for i in where[0])


class Check:
    """One run of a checker on one learner function.

    name : the exercise (the learner's function's name)
    call : how the function is called, e.g. "responsibilities_1d(x, weights, means, variances)"
    formula : the formula to compare with, for messages that no mistake explains
    """

    def __init__(self, name, func, call, formula):
        self.name, self.func, self.call, self.formula = name, func, call, formula
        self.arg_names = [a.strip() for a in call[call.index("(") + 1: call.rindex(")")].split(",")
                          if a.strip()]

    # -- verdicts ---------------------------------------------------------
    def fail(self, mistake, message):
        if mistake not in MISTAKES:
            raise KeyError(f"mistake code {mistake!r} is not in MISTAKES")
        raise _Done(Feedback(False, mistake, message, self.name))

    def passed(self, n_cases):
        cases = "the only case" if n_cases == 1 else f"all {n_cases} cases"
        return Feedback(True, None, f"correct on {cases}.", self.name)

    @staticmethod
    def in_case(number, case):
        return f"in case {number} ({case.description})"

    # -- running ----------------------------------------------------------
    def run(self, number, case, copies=None):
        """Call the learner's function on copies of case.args; return what it returns.

        Stops the check for an exception (raises), an untouched skeleton
        (not_attempted) or inputs changed in place (input_modified).
        copies : the arguments to pass (made from case.args when None)
        """
        if copies is None:
            copies = [np.array(a) if isinstance(a, np.ndarray) else a
                      for a in case.args]
        try:
            out = self.func(*copies)
        except (KeyboardInterrupt, SystemExit):
            raise
        except NotImplementedError:
            self.not_attempted()
        except BaseException as e:  # noqa: BLE001 - the learner's errors are reported, never raised
            self.fail("raises", self._raise_message(number, case, e))
        if _is_empty(out) or (isinstance(out, (tuple, list)) and len(out) > 0
                              and all(_is_empty(v) for v in out)):
            self.not_attempted()
        changed = [name for name, a, c in zip(self.arg_names, case.args, copies)
                   if isinstance(a, np.ndarray) and not _same_array(a, c)]
        if changed:
            self.changed_inputs(number, case, changed)
        return out

    def not_attempted(self, missing=None):
        if missing:
            self.fail("not_attempted",
                      f"Not finished yet: your function still returns None (or ...) for "
                      f"{_and(missing)}. Fill them in, then run this cell again.")
        self.fail("not_attempted",
                  "Not attempted yet: fill in the function body, then run this cell again.")

    def changed_inputs(self, number, case, names, advice=None):
        shown = ", ".join(f"`{n}`" for n in names)
        first = names[0]
        advice = advice or (f"Compute into new arrays instead of writing into {first} (no "
                            f"{first} -= ..., {first}[...] = ... or {first}.sort()), or work on "
                            f"a copy: {first} = {first}.copy().")
        self.fail("input_modified",
                  f"your function changed its input {shown} {self.in_case(number, case)}: "
                  f"the rest of the lesson still needs it as it was. {advice}")

    def _raise_message(self, number, case, e):
        line = ""
        code = getattr(self.func, "__code__", None)
        if code is not None:
            frames = [f for f in traceback.extract_tb(e.__traceback__)
                      if f.filename == code.co_filename]
            if frames:
                line = f" on line {frames[-1].lineno} of your code"
        return (f"your function raised {_short(e)}{line}, {self.in_case(number, case)}. "
                f"The checker calls {self.call}. Read the error, fix that line, "
                "and run the cell again.")

    # -- reading the answer ----------------------------------------------
    def array(self, number, case, value, shape, part, hint=""):
        """value as a float array of the expected shape, or stop with wrong_type/shape.

        A one-dimensional shape (n,) also accepts (n, 1) and (1, n); a scalar
        shape () accepts any single number.
        """
        arr = _as_numbers(value)
        what = part.name
        if isinstance(arr, str):
            if arr == "not attempted":
                self.not_attempted([what])
            self.fail("wrong_type",
                      f"{what} should be {'a number' if shape == () else 'an array of numbers'} "
                      f"but your function returned {arr} {self.in_case(number, case)}. "
                      f"Return {_shape_words(shape)}.")
        if not _fits(arr.shape, shape):
            self.wrong_shape(number, case, arr.shape, shape, part, hint)
        arr = arr.reshape(shape)
        if part.integer:
            bad = ~np.isfinite(arr) | (arr != np.round(arr))
            if np.any(bad):
                i = tuple(int(j) for j in np.argwhere(bad)[0]) if arr.ndim else ()
                place = self.where(part, i, case, several=False)
                self.fail("wrong_type",
                          f"{what} should hold whole numbers, but {self.in_case(number, case)} "
                          f"{place + ' holds' if place else 'it is'} {_fmt(arr[i])}. "
                          f"{hint}".strip())
        return arr

    def wrong_shape(self, number, case, got, expected, part, hint=""):
        words = [w for w in part.labels if isinstance(w, str) and "{}" not in w]
        if len(got) == 2 and len(expected) == 2 and got == expected[::-1]:
            rows = f"one row per {words[0]}" if words else "one row per entry"
            cols = f", one column per {words[1]}" if len(words) > 1 else ""
            msg = (f"{_your(part.name)} {_have(part.name)} shape {got} but should have shape "
                   f"{expected} {self.in_case(number, case)}: it is transposed. Build it with "
                   f"{rows}{cols} (or return .T).")
        else:
            msg = (f"{_your(part.name)} {_have(part.name)} shape {got} but should have shape "
                   f"{expected} {self.in_case(number, case)}. {hint}".strip())
        self.fail("shape", msg)

    def scalar(self, number, case, value, part, n_terms=None, total_hint=""):
        """A single number; an array of n_terms (or more) values gives not_total."""
        arr = _as_numbers(value)
        if isinstance(arr, str) or isinstance(value, (bool, np.bool_)):
            if arr == "not attempted":
                self.not_attempted([part.name])
            kind = "a boolean" if isinstance(value, (bool, np.bool_)) else arr
            self.fail("wrong_type", f"{part.name} should be a number but your function returned "
                                    f"{kind} {self.in_case(number, case)}. Return a float.")
        if arr.size != 1:
            if n_terms is not None and arr.size >= 2 and arr.shape[:1] == (n_terms,):
                self.fail("not_total",
                          f"your function returned {arr.size} numbers (shape {arr.shape}) "
                          f"{self.in_case(number, case)}, but {part.name} is one number: the "
                          f"total over points. {total_hint}".strip())
            self.fail("shape", f"{part.name} should be a single number but your function "
                               f"returned an array of shape {arr.shape} "
                               f"{self.in_case(number, case)}. Return a float.")
        return arr.reshape(())

    def parts(self, number, case, out, parts, shapes, unpack=None):
        """A tuple answer as a list of arrays of the expected shapes.

        unpack : a function turning other containers (e.g. a GMMParams) into a
        tuple, or returning None when it does not apply.
        """
        n = len(parts)
        names = _and([p.name for p in parts])
        if unpack is not None and not isinstance(out, (tuple, list, np.ndarray)):
            unpacked = unpack(out)
            if unpacked is not None:
                out = unpacked
        if isinstance(out, np.ndarray) and out.ndim >= 1:
            out = list(out)
        if not isinstance(out, (tuple, list)) or len(out) != n:
            got = (f"{len(out)} values" if isinstance(out, (tuple, list))
                   else f"a single {type(out).__name__}")
            self.fail("shape", f"your function should return {n} values, {names}, as a tuple "
                               f"(return a, b, c), but it returned {got} "
                               f"{self.in_case(number, case)}.")
        missing = [p.name for p, v in zip(parts, out) if _is_empty(v)]
        if missing:
            self.not_attempted(missing)
        arrays = []
        for p, v in zip(parts, out):
            arr = _as_numbers(v)
            if isinstance(arr, str):
                if arr == "not attempted":
                    self.not_attempted([p.name])
                self.fail("wrong_type", f"{p.name} should be an array of numbers but your "
                                        f"function returned {arr} {self.in_case(number, case)}.")
            arrays.append(arr)
        got_shapes = [a.shape for a in arrays]
        fits = [_fits(g, s) for g, s in zip(got_shapes, shapes)]
        if not all(fits):
            for perm in itertools.permutations(range(n)):
                if perm != tuple(range(n)) and all(_fits(got_shapes[perm[j]], shapes[j])
                                                   for j in range(n)):
                    # Output i holds part j where perm[j] == i: name them in output order.
                    held = {perm[j]: parts[j] for j in range(n)}
                    order = ", ".join(held[i].short or held[i].name for i in range(n))
                    self.fail("wrong_order",
                              f"your function returns its values in another order "
                              f"{self.in_case(number, case)}: the shapes {got_shapes} fit "
                              f"{order}. Return {names}, in that order.")
            j = fits.index(False)
            self.wrong_shape(number, case, got_shapes[j], shapes[j], parts[j])
        return [a.reshape(s) for a, s in zip(arrays, shapes)]

    # -- comparing and diagnosing ----------------------------------------
    def where(self, part, index, case, several):
        words = []
        for label, i in zip(part.labels, index):
            if label == "point" and case.x is not None:
                words.append(f"point {i} (x_{i} = {_fmt(case.x[i])})")
            elif isinstance(label, tuple):  # one name per position
                words.append(label[i])
            elif "{}" in label:
                words.append(label.format(i))
            else:
                words.append(f"{label} {i}")
        place = ", ".join(words)
        if several and part.short:
            place = f"{part.short} of {place}" if place else part.short
        return place

    def compare(self, number, case, got, expected, parts, mistakes=(), properties=(),
                match=None):
        """Stop with a diagnosis unless got matches expected.

        got, expected : an array (one part) or lists of arrays (one per part)
        mistakes : a function case -> list of Mistake (computed only on failure); one
            names the answer when all its parts match, or when the first wrong part
            matches and its other parts agree with those the learner got right (failing
            that, those before the first wrong part); a part may be None: that mistake
            says nothing about it
        properties : functions (got, expected) -> (code, say, fix) or None,
            tried when no mistake's value matches (e.g. "rows do not sum to 1")
        match : a function (got, value) -> bool replacing the tolerance test
        """
        single = not isinstance(got, (list, tuple))
        got_l = [got] if single else list(got)
        exp_l = [expected] if single else list(expected)
        part_l = [parts] if single else list(parts)
        same = match or (lambda g, v, p: close(g, v, p.integer))
        bad = [j for j in range(len(got_l)) if not same(got_l[j], exp_l[j], part_l[j])]
        if not bad:
            return
        j = bad[0]

        def show(largest):
            index = first_difference(got_l[j], exp_l[j], part_l[j].integer, largest) or ()
            place = self.where(part_l[j], index, case, several=not single)
            e, g = fmt_pair(np.asarray(exp_l[j])[index], np.asarray(got_l[j])[index],
                            part_l[j].integer)
            at = f"{self.in_case(number, case)}, {place}" if place else self.in_case(number, case)
            return f"{at}: expected {e}, got {g}", g

        shown, _ = show(largest=True)
        candidates = list(mistakes(case)) if callable(mistakes) else list(mistakes)
        for m in candidates:  # the whole answer as one mistake gives it
            value = [m.value] if single else list(m.value)
            if all(same(got_l[i], value[i], part_l[i]) for i in range(len(got_l))):
                self.fail(m.code, f"{m.say}: {shown}. {m.fix}")
        if not single:  # the first wrong part as one mistake gives it
            right = [i for i in range(len(got_l)) if i not in bad]

            def agrees(m, parts):
                value = list(m.value)
                return all(value[i] is None or same(got_l[i], value[i], part_l[i])
                           for i in parts)

            # first a mistake that also gives every part the learner got right, then one
            # that gives the parts before j (a mistake in μ_k that the learner's σ_k² does
            # not carry along), never one that changes a part before j that is right
            for parts in (right, range(j)):
                for m in candidates:
                    if list(m.value)[j] is not None and agrees(m, [j]) and agrees(m, parts):
                        self.fail(m.code, f"{m.say}: {shown}. {m.fix}")
        for prop in properties:
            found = prop(got if single else got_l, expected if single else exp_l)
            if found:
                code, say, fix = found
                self.fail(code, f"{say}: {shown}. {fix}")
        shown, g = show(largest=False)
        nan = " (NaN comes from 0/0, ∞ − ∞, 0 × ∞ or the log of a negative number)" \
            if g == "NaN" else ""
        self.fail("other", f"this is not what the formula gives, and not one of the classic "
                           f"mistakes this checker knows: {shown}{nan}. Compare your code with "
                           f"the formula, {self.formula}.")


def _fits(got, shape):
    """got is shape, or holds the same n numbers as a one-dimensional shape (n,):
    (n, 1) and (1, n) are accepted for (n,), any single number for ()."""
    if got == tuple(shape):
        return True
    n = int(np.prod(shape))
    return (len(shape) <= 1 and len(got) <= 2 and int(np.prod(got)) == n
            and (len(shape) == 0 or max(got, default=1) == n))


def _same_array(original, passed):
    try:
        now = np.asarray(passed)
        return now.shape == original.shape and bool(np.array_equal(now, original, equal_nan=True))
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return False


def _your(name):
    """'the weights π_k' -> 'your weights π_k'."""
    return "your " + (name[4:] if name.startswith("the ") else name)


def _have(name):
    """'have' for plural names ('the weights π_k'), 'has' otherwise."""
    word = name.split()[1] if name.startswith("the ") and len(name.split()) > 1 else name
    return "have" if word.endswith("s") else "has"


def _and(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _shape_words(shape):
    if shape == ():
        return "a float"
    return f"a numpy array of shape {tuple(shape)}"


# ---------------------------------------------------------------------------
# The checker decorator


def checker(name):
    """Turn body(check, func) into a checker that never raises.

    The body runs with numpy's floating-point warnings and Python warnings
    silenced (the learner's NaN must become a diagnosis, not a warning), and
    returns a Feedback or stops with check.fail(...).
    """

    def decorate(body):
        @functools.wraps(body)
        def check_function(func):
            if _is_empty(func):
                return Feedback(False, "not_attempted", "Not attempted yet: define the function, "
                                "then pass it to this checker.", name)
            if not callable(func):
                return Feedback(False, "wrong_type",
                                f"the checker takes your function itself, not "
                                f"{'its result' if not isinstance(func, str) else 'its name'}: "
                                f"write {body.__name__}({name}), without parentheses after "
                                f"{name}.", name)
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return body(func)
            except _Done as done:
                return done.feedback
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as e:  # noqa: BLE001 - a checker never raises
                return Feedback(False, "other",
                                f"the checker could not judge your function's answer "
                                f"({_short(e)}). Check that it returns what the task asks for.",
                                name)

        check_function.exercise = name
        return check_function

    return decorate


def ndim(value):
    """np.ndim that never raises (an unreadable object counts as 1-dimensional)."""
    try:
        return np.ndim(value)
    except BaseException as e:  # noqa: BLE001
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        return 1
