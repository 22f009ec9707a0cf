"""Numeric forms of exact linear-algebra results and the primitives their checks share:
compiled matrices, closed forms in complex arithmetic, sorted spectra, backward errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar, overload

import mpmath
import numpy as np
import sympy
from numpy.typing import ArrayLike

from symml.checks import random_points, relative_error
from symml.derivation import Derivation, Verification, compiled
from symml.linalg._common import Params, _params

#: A numeric function of a matrix's parameters (``Params``), broadcast over arrays of them.
NumericForm = Callable[..., np.ndarray]


class _Factored(Protocol):
    """A factorization result: the matrix it factors (its check compares against it)."""

    @property
    def matrix(self) -> sympy.ImmutableMatrix: ...


_F = TypeVar("_F", bound=_Factored)


def _numeric_matrix(M: sympy.MatrixBase, params: Params) -> NumericForm:
    """``params -> (..., m, n)`` array of ``M`` (complex only when the entries are)."""
    fn = compiled(sympy.ImmutableMatrix(M), params)
    shape = M.shape

    def call(*args: ArrayLike) -> np.ndarray:
        out = np.asarray(fn(*args))
        if out.shape[-2:] != shape:  # a column vector comes back as (..., m)
            out = out.reshape(out.shape[:-1] + shape)
        return out

    return call


@overload
def _where_finite(solve: Callable[[np.ndarray], np.ndarray], A: np.ndarray) -> np.ndarray: ...
@overload
def _where_finite(
    solve: Callable[[np.ndarray], tuple[np.ndarray, ...]], A: np.ndarray
) -> tuple[np.ndarray, ...]: ...
def _where_finite(
    solve: Callable[[np.ndarray], np.ndarray | tuple[np.ndarray, ...]], A: np.ndarray
) -> np.ndarray | tuple[np.ndarray, ...]:
    """``solve(A)`` (a ``numpy.linalg`` routine on a stack of matrices ``(..., m, n)``,
    returning an array or a tuple of arrays), with ``nan`` outputs for each matrix that has
    a non-finite entry (a ``nan`` parameter, or one outside an entry's real domain): LAPACK
    would raise for the whole stack, or (``eigvalsh`` reads one triangle) return numbers.

    Examples:
        >>> _where_finite(np.linalg.eigvalsh, np.array([[[2.0, 0], [0, 1]], [[np.nan, 1], [1, 0]]]))
        array([[ 1.,  2.],
               [nan, nan]])
    """
    bad = ~np.all(np.isfinite(A), axis=(-2, -1))
    if not bad.any():
        return solve(A)
    out = solve(np.where(bad[..., None, None], 0, A))

    def blank(x: np.ndarray) -> np.ndarray:
        x = np.array(x, dtype=np.result_type(x, np.float64))
        x[bad] = np.nan
        return x

    return tuple(blank(x) for x in out) if isinstance(out, tuple) else blank(out)


def _evalf_roots(e: sympy.Basic) -> sympy.Basic:
    """``e`` with every ``CRootOf`` replaced by its 30-digit value."""
    e = sympy.sympify(e)
    roots = e.atoms(sympy.CRootOf) if isinstance(e, sympy.Basic) else set()
    return e.xreplace({r: r.evalf(30) for r in roots}) if roots else e


def _complex_args(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """``fn`` with its arguments cast to complex first."""
    return lambda *a: fn(*(np.asarray(x, dtype=complex) for x in a))


#: The NumPy functions of closed forms, taking complex arguments even where an argument is a
#: constant (``sqrt(-4 c³ + d²)`` of the cubic formula is ``nan`` in real arithmetic).
_COMPLEX_NUMPY = {
    name: _complex_args(getattr(np, name))
    for name in (
        "sqrt",
        "exp",
        "log",
        "cos",
        "sin",
        "tan",
        "arccos",
        "arcsin",
        "arctan",
        "cosh",
        "sinh",
        "tanh",
        "arccosh",
        "arcsinh",
        "arctanh",
    )
}


#: Digits for evaluating constant closed forms (mpmath): enough that cancellation in them
#: (σ₂ of [[1e10, 3], [1, 2]] is a difference of numbers near 1e20) leaves 15 good ones.
CONSTANT_DIGITS = 40


@lru_cache(maxsize=128)
def _complex_fn(exprs: tuple[sympy.Basic, ...], params: Params) -> NumericForm:
    """``params -> (..., len(exprs))`` complex array: closed forms in complex arithmetic (so a
    square root of a negative number, a constant one too, is imaginary rather than ``nan``).
    Root objects (``CRootOf``, which NumPy cannot evaluate) enter as 30-digit numbers.
    Without parameters the values are computed by mpmath at :data:`CONSTANT_DIGITS` digits
    and rounded once, so cancellation in a closed form does not cost its digits.

    Cached: the checks evaluate the same factors at every random point (:func:`_eval`)."""
    exprs = tuple(_evalf_roots(e) for e in exprs)
    if not params:
        g = sympy.lambdify((), list(exprs), modules="mpmath", cse=True)

        def constant() -> np.ndarray:
            with mpmath.workdps(CONSTANT_DIGITS):
                return np.array([complex(v) for v in g()], dtype=complex)

        return constant
    f = sympy.lambdify(params, list(exprs), modules=[_COMPLEX_NUMPY, "numpy"], cse=True)

    def call(*args: ArrayLike) -> np.ndarray:
        cargs = [np.asarray(a, dtype=complex) for a in args]
        with np.errstate(all="ignore"):
            outs = [np.asarray(o, dtype=complex) for o in f(*cargs)]
        shaped = np.broadcast_arrays(*outs, *cargs) if cargs else outs
        return np.stack(shaped[: len(exprs)], axis=-1)

    return call


def _all_real(w: np.ndarray) -> bool:
    """Whether every imaginary part is negligible (relative to each point's largest value)."""
    if w.size == 0:
        return True
    with np.errstate(invalid="ignore"):  # nan values (an undefined point) count as real
        scale = np.maximum(1.0, np.abs(w).max(axis=-1, keepdims=True))
        return not np.any(np.abs(w.imag) > 1e-10 * scale)


def _sorted(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the values :func:`_order` returns, the permutation along the last axis it applied)."""
    w = np.asarray(w, dtype=complex)
    if _all_real(w):
        idx = np.argsort(-w.real, axis=-1, kind="stable")
        return np.take_along_axis(w.real, idx, axis=-1), idx
    idx = np.lexsort((-np.round(w.imag, 9), -np.round(w.real, 9)), axis=-1)
    return np.take_along_axis(w, idx, axis=-1), idx


def _order(w: np.ndarray) -> np.ndarray:
    """Eigenvalues along the last axis, sorted descending (by real part, then imaginary);
    real dtype when every imaginary part is negligible.

    Examples:
        >>> _order(np.array([1.0, 3.0 + 1e-17j, 2.0]))
        array([3., 2., 1.])
        >>> _order(np.array([1j, 2.0, 1 - 1j]))
        array([2.+0.j, 1.-1.j, 0.+1.j])
    """
    return _sorted(w)[0]


def _order_pairs(w: np.ndarray, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``(..., n)`` as :func:`_order` sorts them, with the columns of the
    eigenvector matrices ``V`` ``(..., n, n)`` permuted alike (one sort for both)."""
    values, idx = _sorted(w)
    return values, np.take_along_axis(np.asarray(V), idx[..., None, :], axis=-1)


def _points(params: Params, fn: NumericForm, points: int, rng: np.random.Generator) -> np.ndarray:
    """Random parameter points where ``fn`` is finite (complex values are fine here:
    eigenvalues and factors of real matrices may be complex)."""
    if not params:
        return np.zeros((1, 0))
    return random_points(lambda *a: np.abs(fn(*a)), len(params), points, rng)


def _verification(
    worst: float, rtol: float, method: str, points: int, details: str
) -> Verification:
    """The Verification of a check whose largest error was ``worst``."""
    return Verification(
        passed=bool(worst <= rtol),
        max_error=float(worst),
        method=method,
        points=points,
        details=details,
    )


def _backward(X: ArrayLike, A: ArrayLike) -> float:
    """``‖X − A‖ / max(1, ‖A‖)`` (Frobenius; ``inf`` if anything is not finite): how far a
    computed matrix or spectrum ``X`` is from ``A`` relative to the size of ``A``. This is
    what floating point can promise; entry by entry
    (:func:`~symml.checks.relative_error`), an entry 1 beside 1e12 carries an absolute
    error of about 1e-4 and a correct factorization would fail.

    Examples:
        >>> _backward([[1e12, 1.0001], [1, 1e12]], [[1e12, 1], [1, 1e12]]) < 1e-15
        True
    """
    X, A = np.asarray(X, dtype=complex), np.asarray(A, dtype=complex)
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(A))):
        return float("inf")
    return float(np.linalg.norm(X - A)) / max(1.0, float(np.linalg.norm(A)))


def _spectrum_error(A: np.ndarray, lams: ArrayLike) -> float:
    """How far ``lams`` is from the spectrum of ``A``, without calling an eigen-solver: the
    backward error ``σ_min(A − λI) / ‖A‖`` of each value, and the power sums
    ``Σ λᵏ = tr Aᵏ`` (k = 1..n, relative to ``n ‖A‖ᵏ``), which fix the values together with
    their algebraic multiplicities."""
    n = len(A)
    lams = np.asarray(lams, dtype=complex).ravel()
    if lams.size != n or not np.all(np.isfinite(lams)):
        return float("inf")
    scale = max(1.0, float(np.linalg.norm(A)))
    eye = np.eye(n)
    backward = max(float(np.linalg.svd(A - lam * eye, compute_uv=False)[-1]) for lam in lams)
    power, Ak = 0.0, eye.astype(complex)
    for k in range(1, n + 1):
        Ak = Ak @ A
        power = max(power, abs(np.sum(lams**k) - np.trace(Ak)) / (n * scale**k))
    return max(backward / scale, float(power))


def _check_factors(
    f: _F,
    error: Callable[[_F, np.ndarray, Params, np.ndarray], float],
    method: str,
    points: int,
    rng: np.random.Generator,
    rtol: float,
) -> Verification:
    """Reconstruction, orthonormality and agreement with ``numpy.linalg`` of a factorization
    ``f``: the largest ``error(f, A, params, x)`` at random parameter points ``x``."""
    params = _params(f.matrix)
    mat = _numeric_matrix(f.matrix, params)
    X = _points(params, mat, points, rng)
    worst = 0.0
    with np.errstate(all="ignore"):
        for x in X:
            A = mat(*x).astype(complex)
            worst = max(worst, error(f, A, params, x))
    name = type(f).__name__
    return _verification(
        worst,
        rtol,
        method,
        len(X),
        f"{name} factors against A and numpy.linalg at random parameters",
    )


def _check_at_points(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    method: str,
    error: Callable[[np.ndarray], float],
) -> Verification:
    """The check of a linear-algebra Derivation: the largest ``error(x)`` at random
    parameter points ``x`` where the result is finite."""
    X = _points(d.wrt, compiled(d.result, d.wrt), points, rng)
    worst = 0.0
    with np.errstate(all="ignore"):
        for x in X:
            worst = max(worst, error(x))
    return _verification(
        worst, rtol, method, len(X), f"{d.operation} against {method} at random parameters"
    )


def _eval(M: sympy.MatrixBase, params: Params, x: np.ndarray | Sequence[float]) -> np.ndarray:
    """The matrix ``M`` at the parameter point ``x``, in complex arithmetic."""
    return _complex_fn(tuple(M), params)(*x).reshape(M.shape)


def _orthonormal_error(Q: np.ndarray) -> float:
    """How far the columns of ``Q`` are from orthonormal: ``Qᴴ Q`` against ``I``."""
    return relative_error(Q.conj().T @ Q, np.eye(Q.shape[1]))
