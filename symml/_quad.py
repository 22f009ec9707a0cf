"""Numeric quadrature that refuses to return an untrustworthy number.

``scipy.integrate.quad`` always returns *a* number: on a divergent integral (∫₀¹ 1/x dx), a
non-absolutely-convergent oscillatory one (∫₀^∞ sin x dx) or a heavy tail (E[T²] for a
Student t with one degree of freedom) it warns and hands back a value with an error
estimate as large as the value, or larger. :func:`checked_quad` turns those cases into a
:class:`~symml.errors.NoConvergenceError` naming the integral, so that a fallback never
returns a silently wrong answer. Every numeric integral in symml goes through it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from symml.errors import NoConvergenceError

__all__ = ["TRUSTED_RELATIVE_ERROR", "checked_nquad", "checked_quad", "trusted"]

#: The largest error estimate, relative to ``max(1, |value|)``, that quadrature may report
#: after a warning (roundoff, subdivision limit, probable divergence) and still be trusted.
TRUSTED_RELATIVE_ERROR = 1e-6


def trusted(value: float, error: float, warned: bool) -> bool:
    """Whether a quadrature result can be believed.

    A non-finite value or error is never trusted; after a SciPy warning the error estimate
    must be small; without one, an error estimate above 1e-3 of the value still means
    quadrature did not settle.

    Examples:
        >>> trusted(1.0, 1e-12, warned=False)
        True
        >>> trusted(23283401.9, 5e7, warned=True)
        False
        >>> trusted(1.0, 1e-9, warned=True)
        True
    """
    if not (math.isfinite(value) and math.isfinite(error)):
        return False
    scale = max(1.0, abs(value))
    limit = TRUSTED_RELATIVE_ERROR if warned else 1e-3
    return error <= limit * scale


def _refuse(what: str, value: float, error: float, messages: Sequence[str]) -> NoConvergenceError:
    said = f"; SciPy: {messages[0].splitlines()[0].strip()}" if messages else ""
    return NoConvergenceError(
        f"{what} does not converge numerically: quadrature gave {value:.6g} with error "
        f"estimate {error:.3g} (the integral may diverge or oscillate without decaying)"
        f"{said}")


def _run(call: Callable[[], tuple[float, float]]) -> tuple[float, float, list[str]]:
    import numpy as np
    from scipy.integrate import IntegrationWarning

    with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always", IntegrationWarning)
        value, error = call()[:2]
    messages = [str(w.message) for w in caught if issubclass(w.category, IntegrationWarning)]
    return float(value), float(error), messages


def checked_quad(func: Callable[[float], float], a: float, b: float, *, what: str,
                 **options: Any) -> tuple[float, float]:
    """``scipy.integrate.quad(func, a, b, **options)``, refusing results it cannot trust.

    Args:
        func: The scalar integrand.
        a: Lower bound (may be ``-inf``).
        b: Upper bound (may be ``inf``).
        what: How to name the integral in an error (``"the integral of 1/x over [0, 1]"``).
        **options: Passed to ``quad`` (``limit``, ``epsabs``, ``epsrel``, ``points``).

    Returns:
        ``(value, error)``, the value and SciPy's absolute error estimate.

    Raises:
        NoConvergenceError: When the value or error is not finite, or the error estimate is
            too large for the value (after a SciPy ``IntegrationWarning``, or above 1e-3 of
            the value without one).

    Examples:
        >>> import math
        >>> value, err = checked_quad(lambda t: math.exp(-t * t), -math.inf, math.inf,
        ...                           what="the Gaussian integral")
        >>> abs(value - math.sqrt(math.pi)) < 1e-10
        True
        >>> checked_quad(lambda t: 1 / t, 0.0, 1.0, what="the integral of 1/x over [0, 1]")
        Traceback (most recent call last):
        ...
        symml.errors.NoConvergenceError: the integral of 1/x over [0, 1] does not converge numerically: ...
    """
    from scipy.integrate import quad

    value, error, messages = _run(lambda: quad(func, a, b, **options))
    if not trusted(value, error, bool(messages)):
        raise _refuse(what, value, error, messages)
    return value, error


def checked_nquad(func: Callable[..., float], ranges: Sequence[Any], *, what: str,
                  **options: Any) -> tuple[float, float]:
    """``scipy.integrate.nquad(func, ranges, **options)``, refusing untrustworthy results.

    The same rules as :func:`checked_quad`, for iterated integrals.

    Examples:
        >>> value, err = checked_nquad(lambda x, y: x * y, [(0, 1), (0, 2)], what="∫∫ x y")
        >>> round(value, 12)
        1.0
    """
    from scipy.integrate import nquad

    value, error, messages = _run(lambda: nquad(func, ranges, **options))
    if not trusted(value, error, bool(messages)):
        raise _refuse(what, value, error, messages)
    return value, error
