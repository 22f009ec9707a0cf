"""The numeric checks behind every ``Derivation.verify()``.

Each check compares a symbolic result with an independent numeric computation: central
differences for derivatives (first and second order, in random directions, as
autograd's ``check_grads`` does), quadrature for integrals, Monte Carlo for
expectations, ``A v = λ v`` for eigenpairs. :data:`CHECKS` maps a Derivation's
``operation`` to its check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

from symml.compile import to_numpy
from symml.derivation import Derivation, Verification, as_rng
from symml.errors import NotSupportedError

__all__ = ["CHECKS", "central_difference", "random_points", "relative_error", "verify_derivation"]

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


def random_points(f: Callable[..., Any], n_vars: int, count: int, rng: np.random.Generator,
                  *, tries: int = 50) -> np.ndarray:
    """Random points (count, n_vars) where ``f`` is finite, drawn from ±[0.3, 2] per axis
    (then from [0.3, 2] when the domain seems to need positive values).

    Raises:
        NotSupportedError: When no finite points are found.
    """
    found: list[np.ndarray] = []
    with np.errstate(all="ignore"):
        for attempt in range(tries):
            sign = rng.choice([-1.0, 1.0], size=(count, n_vars)) if attempt < tries // 2 else 1.0
            X = sign * rng.uniform(0.3, 2.0, size=(count, n_vars))
            vals = np.asarray(f(*X.T)) if n_vars else np.asarray(f())
            vals = vals.reshape(count, -1) if n_vars else np.broadcast_to(vals, (count,) + vals.shape).reshape(count, -1)
            ok = np.all(np.isfinite(vals), axis=1)
            found.extend(X[ok])
            if len(found) >= count:
                return np.array(found[:count]).reshape(count, n_vars)
    raise NotSupportedError("could not find points where the function is finite to check it at")


def central_difference(f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float,
                       order: int = 1) -> np.ndarray:
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


def _richardson(f: Callable[[np.ndarray], Any], x: np.ndarray, v: np.ndarray, h: float,
                order: int) -> np.ndarray:
    """Central differences with one Richardson extrapolation step (error O(h⁴))."""
    d1 = central_difference(f, x, v, h, order)
    d2 = central_difference(f, x, v, h / 2, order)
    return (4 * d2 - d1) / 3


def _check_directional(d: Derivation, points: int, rng: np.random.Generator, rtol: float,
                       *, fn: Any, order: int, contract: Callable[[np.ndarray, np.ndarray], Any],
                       method: str) -> Verification:
    """Compare ``contract(result(x), v)`` with a finite difference of ``fn`` along ``v``."""
    wrt = d.wrt
    base = to_numpy(fn, wrt)
    symbolic = to_numpy(d.result, wrt)
    X = random_points(lambda *a: symbolic(*a), len(wrt), points, rng)
    worst = 0.0
    h = 1e-3 if order == 1 else 1e-2
    with np.errstate(all="ignore"):
        for x in X:
            v = rng.standard_normal(len(wrt))
            v /= np.linalg.norm(v)
            numeric = _richardson(lambda p: base(*p), x, v, h, order)
            exact = contract(np.asarray(symbolic(*x)), v)
            worst = max(worst, relative_error(exact, numeric))
    return Verification(passed=worst <= rtol, max_error=worst, method=method, points=len(X),
                        details=f"{d.operation} against {method} of the original function")


def _check_derivative(d: Derivation, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    f, x, n = d.source["f"], d.source["x"], d.source["n"]
    if n > 2:
        f = sympy.diff(f, x, n - 2)  # check the last two orders numerically
        n = 2
    idx = d.wrt.index(x)
    wrt = d.wrt
    base = to_numpy(f, wrt)
    symbolic = to_numpy(d.result, wrt)
    X = random_points(lambda *a: symbolic(*a), len(wrt), points, rng)
    e = np.zeros(len(wrt))
    e[idx] = 1.0
    worst = 0.0
    with np.errstate(all="ignore"):
        for p in X:
            numeric = _richardson(lambda q: base(*q), p, e, 1e-3 if n == 1 else 1e-2, n)
            worst = max(worst, relative_error(symbolic(*p), numeric))
    return Verification(passed=worst <= rtol, max_error=worst, method="central differences",
                        points=len(X), details=f"d^{n}f/d{x}^{n} against central differences")


def _check_gradient(d: Derivation, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    return _check_directional(d, points, rng, rtol, fn=d.source["f"], order=1,
                              contract=lambda g, v: g @ v, method="central differences")


def _check_jacobian(d: Derivation, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    return _check_directional(d, points, rng, rtol, fn=d.source["F"], order=1,
                              contract=lambda J, v: J @ v, method="central differences")


def _check_hessian(d: Derivation, points: int, rng: np.random.Generator, rtol: float) -> Verification:
    second = _check_directional(d, points, rng, rtol, fn=d.source["f"], order=2,
                                contract=lambda H, v: v @ H @ v,
                                method="second-order central differences")
    of_grad = _check_directional(d, points, rng, rtol, fn=d.source["gradient"], order=1,
                                 contract=lambda H, v: H @ v, method="central differences")
    worst = max(second.max_error, of_grad.max_error)
    return Verification(passed=second.passed and of_grad.passed, max_error=worst,
                        method="second-order central differences", points=second.points,
                        details="vᵀHv against second differences of f; Hv against differences of ∇f")


# --- calculus II checks (issue 3) ---------------------------------------------------------

# --- linear algebra checks (issue 4) -------------------------------------------------------

# --- probability checks (issue 5) ----------------------------------------------------------


#: The numeric check of each operation (a Derivation's ``operation``).
CHECKS: dict[str, Check] = {
    "derivative": _check_derivative,
    "gradient": _check_gradient,
    "jacobian": _check_jacobian,
    "hessian": _check_hessian,
    # checks: calculus II (issue 3)
    # checks: linear algebra (issue 4)
    # checks: probability (issue 5)
}


def verify_derivation(d: Derivation, *, points: int = 5, rng: Any = None, rtol: float = 1e-6
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
    check = CHECKS.get(d.operation)
    if check is None:
        raise NotSupportedError(f"no numeric check for a {d.operation or 'plain'} result")
    return check(d, points, as_rng(rng), rtol)
