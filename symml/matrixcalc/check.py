r"""The numeric check of a matrix derivative, at random concrete sizes.

Each symbolic dimension gets a random size (distinct ones, 2 to 7, drawn again at every
point, so that a transposed or mis-shaped answer cannot pass); every matrix gets random
entries (a square one near 3I, so that it is invertible with a positive determinant; a
symmetric one symmetric positive definite; scalars in [0.5, 1.5]). The function f is
evaluated by NumPy (:mod:`~symml.matrixcalc.numeric`, from the SymPy expression the
user gave, not from the engine's tensors), differentiated entry by entry of X by
central differences with one Richardson step, and compared with the candidate evaluated
the same way: ∂f/∂X (the shape of X), the Jacobian ∂f/∂x, or ∂vec(F)/∂vec(X)ᵀ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from symml.checks import relative_error
from symml.derivation import Derivation, Verification
from symml.errors import NotSupportedError
from symml.matrix_parsing import SymmetricMatrixSymbol
from symml.matrixcalc.numeric import MatrixFunction, arguments

__all__ = ["CHECK_POINTS", "CHECK_RTOL", "Checked", "check_candidate", "check_result"]

#: Points (each at its own random sizes) and relative tolerance of the check run on every
#: answer before it is returned.
CHECK_POINTS = 3
CHECK_RTOL = 1e-6
#: Step of the central differences, relative to the size of the entry.
CHECK_STEP = 1e-3
#: The sizes a symbolic dimension may get.
SIZES = range(2, 8)


@dataclass(frozen=True)
class Checked:
    """The outcome of a check."""

    passed: bool
    max_error: float
    points: int
    sizes: dict[str, int]


def _sizes(expr: Any, rng: np.random.Generator) -> dict[Any, int]:
    dims = sorted(
        {d for m in expr.atoms(sympy.MatrixSymbol) for d in m.shape if isinstance(d, sympy.Symbol)},
        key=lambda d: d.name,
    )
    if len(dims) > len(SIZES):
        raise NotSupportedError(f"too many symbolic dimensions ({len(dims)}) to check")
    picked = rng.choice(np.array(SIZES), size=len(dims), replace=False)
    return {d: int(k) for d, k in zip(dims, picked, strict=True)}


def _value(s: Any, sizes: dict[Any, int], rng: np.random.Generator, positive: bool) -> Any:
    if not isinstance(s, sympy.MatrixSymbol):
        return float(rng.uniform(0.5, 1.5))
    rows, cols = (int(sympy.sympify(d).subs(sizes)) for d in s.shape)
    if isinstance(s, SymmetricMatrixSymbol):
        a = rng.standard_normal((rows, rows))
        return a @ a.T / rows + np.eye(rows)
    block = rng.standard_normal((rows, cols))
    if positive:
        block = np.abs(block) + 0.2
    if rows == cols and rows > 1:
        return block * 0.5 + 3 * np.eye(rows)
    return (block * 0.8).reshape(-1) if 1 in (rows, cols) else block * 0.8


def _vec(a: Any) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return a.ravel(order="F") if a.ndim == 2 else a.reshape(-1)


def numeric_jacobian(f: Callable[..., Any], values: dict[str, Any], name: str) -> np.ndarray:
    """∂vec(f)/∂vec(values[name])ᵀ by central differences with one Richardson step."""
    x0 = np.asarray(values[name], dtype=float)
    flat = _vec(x0)
    shape = x0.shape

    def at(v: np.ndarray) -> np.ndarray:
        x = v.reshape(shape, order="F") if len(shape) == 2 else v.reshape(shape)
        return _vec(f(**(values | {name: x})))

    columns = []
    for k in range(flat.size):
        h = CHECK_STEP * max(1.0, abs(flat[k]))
        e = np.zeros_like(flat)
        e[k] = 1.0
        d1 = (at(flat + h * e) - at(flat - h * e)) / (2 * h)
        d2 = (at(flat + h / 2 * e) - at(flat - h / 2 * e)) / h
        columns.append((4 * d2 - d1) / 3)
    return np.stack(columns, axis=1)


def check_candidate(
    f: Any,
    wrt: Any,
    candidate: Any,
    kind: str,
    *,
    points: int = CHECK_POINTS,
    rng: np.random.Generator,
    rtol: float = CHECK_RTOL,
) -> Checked:
    """Compare ``candidate`` (a SymPy matrix expression) with central differences of ``f``.

    ``kind``: ``"gradient"`` (scalar f, candidate shaped like ``wrt``), ``"jacobian"``
    (vector f wrt vector: n×m) or ``"vec"`` (∂vec(F)/∂vec(X)ᵀ).
    """
    symbols = tuple(sorted(set(arguments(f)) | set(arguments(candidate)), key=lambda s: s.name))
    f_fn = MatrixFunction(f, symbols)
    c_fn = MatrixFunction(candidate, symbols)
    worst, checked = 0.0, 0
    used: dict[str, int] = {}
    for attempt in range(points * 8):
        sizes = _sizes(f, rng)
        values = {s.name: _value(s, sizes, rng, positive=attempt % 2 == 1) for s in symbols}
        with np.errstate(all="ignore"):
            if not np.all(np.isfinite(np.asarray(f_fn(**values), dtype=float))):
                continue
            numeric = numeric_jacobian(f_fn, values, wrt.name)
            try:
                exact = np.asarray(c_fn(**values), dtype=float)
            except (ValueError, np.linalg.LinAlgError):
                return Checked(False, float("inf"), checked, used)
        if not np.all(np.isfinite(numeric)):
            continue
        expected = numeric.shape if kind != "gradient" else np.asarray(values[wrt.name]).shape
        if kind == "gradient":
            exact_flat = _vec(exact) if exact.shape == expected else None
            numeric = numeric.reshape(-1)
        else:
            exact_flat = exact if exact.shape == expected else None
        if exact_flat is None:
            return Checked(False, float("inf"), checked, used)
        worst = max(worst, relative_error(exact_flat, numeric))
        used = {str(d): k for d, k in sizes.items()}
        checked += 1
        if checked == points:
            break
    if checked == 0:
        raise NotSupportedError("found no random matrices where f is finite to check it at")
    return Checked(worst <= rtol, worst, checked, used)


def check_result(
    derivation: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: Any,
    wrt: Any,
    kind: str,
) -> Verification:
    """The check a matrix-calculus result carries (what ``verify()`` runs)."""
    c = check_candidate(f, wrt, derivation.result, kind, points=points, rng=rng, rtol=rtol)
    return Verification(
        passed=c.passed,
        max_error=c.max_error,
        method="element-wise central differences",
        points=c.points,
        details=f"∂f/∂{wrt} against central differences of f evaluated by NumPy",
    )
