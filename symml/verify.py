"""The numeric checks behind every ``Derivation.verify()``.

Each check compares a symbolic result with an independent numeric computation: central
differences for derivatives (first and second order, in random directions, as
autograd's ``check_grads`` does), quadrature for integrals, Monte Carlo for
expectations, ``A v = λ v`` for eigenpairs. :data:`CHECKS` maps a Derivation's
``operation`` to its check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from symml.derivation import Derivation, Verification, as_rng
from symml.errors import NotSupportedError

__all__ = [
    "CHECKS",
    "random_points",
    "relative_error",
    "verify_derivation",
]

Check = Callable[[Derivation, int, np.random.Generator, float], Verification]


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
        >>> import symml as sm
        >>> log = sm.to_numpy("log(x - 1)", "x")
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
                vals = _values_at(g, X, count)
                ok &= np.all(np.isfinite(vals), axis=1) & np.all(np.imag(vals) == 0, axis=1)
            found.extend(X[ok])
            if len(found) >= count:
                return np.array(found[:count]).reshape(count, n_vars)
    raise NotSupportedError(
        "could not find points where the function and its result are "
        "finite and real to check them at"
    )


def _values_at(g: Callable[..., Any], X: np.ndarray, count: int) -> np.ndarray:
    """``g`` at the rows of ``X``, one row of values per point (constants broadcast)."""
    vals = np.asarray(g(*X.T)) if X.shape[1] else np.asarray(g())
    if X.shape[1] and vals.ndim and vals.shape[0] == count:
        return vals.reshape(count, -1)
    return np.broadcast_to(vals, (count,) + vals.shape).reshape(count, -1)


# --- linear algebra checks (issue 4) -------------------------------------------------------


def _check_linalg(
    d: Derivation, points: int, rng: np.random.Generator, rtol: float
) -> Verification:
    """det, inverse, charpoly, projection, norm, gram_schmidt against numpy.linalg."""
    from symml.linalg import check_derivation

    return check_derivation(d, points, rng, rtol)


#: The numeric check of each operation (a Derivation's ``operation``).
CHECKS: dict[str, Check] = {
    # checks: linear algebra (issue 4)
    "det": _check_linalg,
    "inverse": _check_linalg,
    "charpoly": _check_linalg,
    "projection": _check_linalg,
    "norm": _check_linalg,
    "gram_schmidt": _check_linalg,
}


def verify_derivation(
    d: Derivation, *, points: int = 5, rng: Any = None, rtol: float = 1e-6
) -> Verification:
    """Run the numeric check that fits ``d.operation``.

    Raises:
        NotSupportedError: When no numeric check exists for this kind of result.
        ValueError: For ``points < 1`` or ``rtol <= 0``.

    Examples:
        >>> import symml as sm
        >>> v = verify_derivation(sm.hessian("x**3*y", "x, y"), rng=0)
        >>> v.passed, v.method
        (True, 'second-order central differences')
    """
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points must be a positive integer, got {points!r}")
    if not rtol > 0:
        raise ValueError(f"rtol must be positive, got {rtol!r}")
    check = d.check or CHECKS.get(d.operation)  # the check attached, else by name
    if check is None:
        raise NotSupportedError(f"no numeric check for a {d.operation or 'plain'} result")
    return check(d, points, as_rng(rng), rtol)
