"""Fast sampling from ``sympy.stats`` random variables, and Monte Carlo estimates.

:func:`sampler` turns a random variable, or any expression of independent ones, into a
:class:`Sampler` that draws NumPy arrays (``numpy.random`` for the standard families, table
lookups for finite and discrete laws, an inverse CDF or rejection for custom densities);
:func:`monte_carlo` estimates ``E[expr]`` with its standard error as an :class:`Estimate`,
in bounded batches or chunk by chunk (``chunks=``, optionally on a Dask cluster). They are
implemented below the expectations that fall back on them, in
:mod:`symml.probability.draws`, and re-exported here.

:func:`check_draws` checks a sample against its law: Kolmogorov-Smirnov against the exact
CDF, or the exact mean and variance (:func:`symml.variance`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.stats import cdf
from sympy.stats.crv import SingleContinuousPSpace
from sympy.stats.rv import RandomSymbol

from symml.compile import to_numpy
from symml.deadline import Deadline
from symml.derivation import ExprLike, Verification
from symml.errors import SymmlError
from symml.probability.draws import Estimate, Sampler, monte_carlo, sampler
from symml.probability.expectations import MC_SAMPLES, mean_and_variance
from symml.probability.families import FAMILIES
from symml.probability.families import Family as Family

__all__ = ["FAMILIES", "Estimate", "Sampler", "check_draws", "monte_carlo", "sampler"]


# --- checking draws against the law (the CLI's sample --verify) ---------------------------------

#: A Kolmogorov-Smirnov p-value below this fails :func:`check_draws`.
KS_PVALUE = 1e-3


def check_draws(expr: ExprLike, values: ArrayLike, *, timeout: float | None = None) -> Verification:
    """Check draws of ``expr`` against its law: a :class:`~symml.derivation.Verification`.

    Args:
        expr: The random variable (or expression of independent ones) drawn.
        values: The draws.
        timeout: Seconds SymPy may take for the CDF and the exact moments, together
            (``None``: ``config.timeout``; :data:`~symml.config.NO_LIMIT`: no limit).

    One continuous variable: the Kolmogorov-Smirnov test against its exact CDF (SymPy's,
    compiled and evaluated in complex arithmetic; passed when p > :data:`KS_PVALUE`).
    Otherwise (a discrete variable, an expression of several, or a CDF SymPy does not give
    in time or that is not a probability at every draw): the sample mean and
    variance within 4 standard errors of the exact E and Var (:func:`symml.expectation`,
    :func:`symml.variance`; their own error counts when they are numeric).

    Examples:
        >>> from sympy.stats import Normal, Die
        >>> s = sampler(Normal("X", 0, 1))
        >>> check = check_draws(s.expr, s(2000, rng=0))
        >>> check.passed, check.method.split(" (")[0]
        (True, 'Kolmogorov-Smirnov against the exact CDF')
        >>> check_draws(Die("D", 6), np.full(100, 6.0)).passed
        False
    """
    values = np.asarray(values, dtype=float).ravel()
    deadline = Deadline(timeout)  # the CDF, then the moments: one budget
    if isinstance(expr, RandomSymbol) and isinstance(expr.pspace, SingleContinuousPSpace):
        exact = _exact_cdf(expr, deadline)
        at_draws = None if exact is None else exact(values)
        if at_draws is not None and np.all((at_draws >= -1e-9) & (at_draws <= 1 + 1e-9)):
            from scipy import stats as sps  # scipy.stats is heavy: on first use

            with np.errstate(all="ignore"):
                result = sps.kstest(values, exact)
            return Verification(
                passed=bool(result.pvalue > KS_PVALUE),
                max_error=float(result.statistic),
                method=f"Kolmogorov-Smirnov against the exact CDF (p = {result.pvalue:.3g})",
                points=int(values.size),
                details=f"D = {result.statistic:.4g}",
            )
    return _check_moments(expr, values, deadline)


def _cdf_at(rv: RandomSymbol, z: sympy.Symbol) -> sympy.Expr:
    return cdf(rv)(z)


def _exact_cdf(rv: RandomSymbol, deadline: Deadline) -> Callable[[np.ndarray], np.ndarray] | None:
    """SymPy's CDF of ``rv`` compiled (``None`` when SymPy gives none in time)."""
    z = sympy.Symbol("z", real=True)
    try:
        F = deadline.run(_cdf_at, rv, z, what=f"the CDF of {rv}")
        f = to_numpy(F, [z])
    except Exception:  # no usable CDF: the moments are checked instead
        return None
    if F.has(sympy.Integral):
        return None

    def compiled(t: np.ndarray) -> np.ndarray:
        # on complex inputs: SymPy's CDFs can hold parts that are complex and cancel
        # (Beta(1/2, 1/2): i·acosh(√z) of z < 1), NaN in real floating point; the real
        # part is the CDF (the compiled function's float output keeps just that)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            return np.real(np.asarray(f(np.asarray(t, dtype=complex)), dtype=complex))

    return compiled


def _check_moments(expr: ExprLike, values: np.ndarray, deadline: Deadline) -> Verification:
    n = int(values.size)
    if n < 2:
        raise ValueError("checking draws needs at least 2 of them")
    try:
        mean_d, var_d = mean_and_variance(expr, deadline, None, MC_SAMPLES)
        mean, var = float(mean_d.result), float(var_d.result)
    except (SymmlError, TypeError, ValueError) as exc:
        return Verification(
            passed=False,
            max_error=float("inf"),
            method="moments",
            points=n,
            details=f"the exact mean and variance of {expr} are not available: {exc}",
        )
    if not (math.isfinite(mean) and math.isfinite(var)):
        return Verification(
            passed=False,
            max_error=float("inf"),
            method="moments",
            points=n,
            details=f"E = {mean}, Var = {var}: no finite moments to compare",
        )
    got_mean, got_var = float(values.mean()), float(values.var(ddof=1))
    se_mean = math.hypot(math.sqrt(max(var, 0.0) / n), mean_d.error or 0.0)
    se_var = math.hypot(
        float(np.std((values - got_mean) ** 2, ddof=1)) / math.sqrt(n), var_d.error or 0.0
    )
    gaps = (abs(got_mean - mean), abs(got_var - var))
    ok = gaps[0] <= 4 * se_mean + 1e-12 * max(1.0, abs(mean)) and gaps[
        1
    ] <= 4 * se_var + 1e-12 * max(1.0, abs(var))
    return Verification(
        passed=bool(ok),
        max_error=max(gaps),
        method="mean and variance within 4 standard errors of the exact ones",
        points=n,
        details=f"mean {got_mean:.6g} vs {mean:.6g}, variance {got_var:.6g} vs {var:.6g}",
    )
