"""Numeric check primitives: random points, relative error, finite differences.

Every operation checks its own result (a derivative by central differences, an
eigen-decomposition by ``A v = λ v``, an expectation by Monte Carlo); these are the pieces
they share, as autograd's ``test_util`` serves every gradient. This module is a leaf: it
imports NumPy, the configuration and the errors, nothing else of symml, and works on
plain callables of NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from symml.config import config
from symml.errors import NotSupportedError

__all__ = [
    "NOISE_FACTOR",
    "central_difference",
    "check_options",
    "difference_error",
    "random_points",
    "relative_error",
    "richardson",
    "settled_difference",
    "values_at",
]


def check_options(points: int | None, rtol: float | None) -> tuple[int, float]:
    """The number of points and the relative tolerance of a ``verify()`` call: ``None``
    means ``config.verify_points`` / ``config.verify_rtol``.

    Raises:
        ValueError: For ``points < 1`` or ``rtol <= 0``.

    Examples:
        >>> check_options(None, None) == (config.verify_points, config.verify_rtol)
        True
        >>> check_options(0, 1e-6)
        Traceback (most recent call last):
        ...
        ValueError: points must be a positive integer, got 0
    """
    points = config.verify_points if points is None else points
    rtol = config.verify_rtol if rtol is None else rtol
    if isinstance(points, bool) or not isinstance(points, (int, np.integer)) or points < 1:
        raise ValueError(f"points must be a positive integer, got {points!r}")
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not rtol > 0:
        raise ValueError(f"rtol must be positive, got {rtol!r}")
    return int(points), float(rtol)


def relative_error(a: Any, b: Any) -> float:
    """Largest ``|a - b| / max(1, |a|, |b|)`` over all entries (``inf`` for non-finite).

    Examples:
        >>> relative_error(1.0, 1.0 + 1e-9) < 1e-8
        True
    """
    a, b = np.asarray(a, dtype=complex), np.asarray(b, dtype=complex)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return float(np.max(np.abs(a - b) / scale)) if a.size else 0.0


def random_points(
    f: Callable[..., Any] | Sequence[Callable[..., Any]],
    n_vars: int,
    count: int,
    rng: np.random.Generator,
    *,
    tries: int = 50,
) -> np.ndarray:
    """Random points (count, n_vars) where ``f`` is finite and real, drawn from ±[0.3, 2]
    per axis (then from [0.3, 2] when the domain seems to need positive values).

    Args:
        f: A function of ``n_vars`` arguments, or a sequence of them: every one must be
            finite and real at each point (a check needs the original function *and* its
            claimed result to be defined there: ``log(x)`` and ``1/x`` at ``x < 0``).
        n_vars: How many arguments.
        count: How many points.
        rng: The random generator.
        tries: How many batches to draw before giving up.

    Raises:
        NotSupportedError: When no such points are found.

    Examples:
        >>> log = lambda x: np.log(x - 1 + 0j)  # real only for x > 1
        >>> X = random_points(log, 1, 4, np.random.default_rng(0))
        >>> bool(np.all(X > 1))
        True
    """
    functions = tuple(f) if isinstance(f, Sequence) else (f,)
    found: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        for attempt in range(tries):
            sign = rng.choice([-1.0, 1.0], size=(count, n_vars)) if attempt < tries // 2 else 1.0
            X = sign * rng.uniform(0.3, 2.0, size=(count, n_vars))
            ok = np.ones(count, dtype=bool)
            for g in functions:
                vals = values_at(g, X, count)
                ok &= np.all(np.isfinite(vals), axis=1) & np.all(np.imag(vals) == 0, axis=1)
            found.extend(X[ok])
            if len(found) >= count:
                return np.array(found[:count]).reshape(count, n_vars)
    raise NotSupportedError(
        "could not find points where the function and its result are "
        "finite and real to check them at"
    )


def values_at(g: Callable[..., Any], X: np.ndarray, count: int) -> np.ndarray:
    """``g`` at the rows of ``X``, one row of values per point (constants broadcast)."""
    vals = np.asarray(g(*X.T)) if X.shape[1] else np.asarray(g())
    if X.shape[1] and vals.ndim and vals.shape[0] == count:
        return vals.reshape(count, -1)
    return np.broadcast_to(vals, (count,) + vals.shape).reshape(count, -1)


def central_difference(
    f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float, order: int = 1
) -> np.ndarray:
    """Central-difference directional derivative of ``f`` at ``x`` along ``v``.

    ``order=1``: (f(x+hv) - f(x-hv)) / 2h; ``order=2``: (f(x+hv) - 2f(x) + f(x-hv)) / h².

    Examples:
        >>> float(central_difference(lambda x: x[0] ** 3, np.array([2.0]), np.array([1.0]), 1e-5))
        12.000000000...
    """
    if order == 1:
        return (np.asarray(f(x + h * v)) - np.asarray(f(x - h * v))) / (2 * h)
    if order == 2:
        return (np.asarray(f(x + h * v)) - 2 * np.asarray(f(x)) + np.asarray(f(x - h * v))) / h**2
    raise ValueError(f"order must be 1 or 2, got {order}")


def richardson(
    f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float, order: int
) -> np.ndarray:
    """Central differences with one Richardson extrapolation step (error O(h⁴))."""
    d1 = central_difference(f, x, v, h, order)
    d2 = central_difference(f, x, v, h / 2, order)
    return (4 * d2 - d1) / 3


#: Rounding noise of a difference quotient, in units of (rounding of f(x)) / h^order: each
#: value of f carries a rounding error of a few eps·|f| (more for a long formula; at least
#: the spacing of subnormal numbers, for |f| < 1e-308), the quotient divides their
#: difference by h^order, and Richardson's combination amplifies it 3-20x.
NOISE_FACTOR = 100.0


def difference_error(exact: Any, numeric: Any, noise: Any, rtol: float) -> float:
    """Largest ``|exact - numeric| / scale`` over all entries (``inf`` for non-finite).

    The scale is the larger of the two values themselves, so a function of size 1e-8 is
    checked as strictly as one of size 1 (a scale of at least 1, as :func:`relative_error`
    uses, would let a factor 2 through), and at least ``noise / rtol``: a discrepancy
    within the rounding ``noise`` of the finite difference is no evidence of an error.

    Examples:
        >>> difference_error(3e-8, 6e-8, 0.0, 1e-6)  # a factor 2 at size 1e-8
        0.5
        >>> difference_error(0.0, 1e-13, 1e-11, 1e-6) < 1e-6  # within the noise: passes
        True
    """
    a, b = np.asarray(exact, dtype=complex), np.asarray(numeric, dtype=complex)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    if not a.size:
        return 0.0
    gap = np.abs(a - b)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), np.asarray(noise) / rtol)
    return float(np.max(np.where(gap > 0, gap / np.where(scale > 0, scale, 1.0), 0.0)))


def settled_difference(
    f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float, order: int, rtol: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """A Richardson difference that agrees with the one at a quarter of the step (within
    ``rtol / 4``, by :func:`difference_error`), comparing ``h`` with ``h/4``, then ``h/4``
    with ``h/16``, then ``h/16`` with ``h/64``; it returns the finer value and the
    rounding noise of that value; ``None`` when no finite, settled value is found (next to
    a pole such as ``log(x - 1)`` at 1.01, the step is too coarse)."""
    floats = np.finfo(float)
    size = NOISE_FACTOR * np.maximum(
        floats.eps * np.abs(np.asarray(f(x))), floats.smallest_subnormal
    )
    coarse = richardson(f, x, v, h, order)
    for _ in range(3):
        fine = richardson(f, x, v, h / 4, order)
        if not (np.all(np.isfinite(coarse)) and np.all(np.isfinite(fine))):
            return None
        noise = size / (h / 4) ** order
        if difference_error(coarse, fine, noise, rtol) <= rtol / 4:
            return fine, noise
        coarse, h = fine, h / 4
    return None
