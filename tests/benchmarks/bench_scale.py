"""Derivation at scale: gradient + Hessian + compile of an n-variable log-sum-exp + quadratic.

symml (``gradient`` + ``hessian`` + ``to_numpy`` of both + one evaluation) against SymPy
(``sympy.hessian`` + the gradient as a Jacobian + ``sympy.lambdify(cse=True)`` of both + one
evaluation). Each side starts from fresh symbols and an empty SymPy cache, and each row
asserts that both give the same numbers at a random point. Target (DESIGN.md): at least 10×
faster at n = 100.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import numpy as np
import sympy

import symml as sm
from tests.benchmarks._harness import Row

BASELINE = "sympy.hessian+lambdify(cse)"
_fresh = itertools.count()


def _function(n: int) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """log Σ exp(x_i) + Σ x_i²/2 in fresh symbols (so no cache of an earlier run helps)."""
    run = next(_fresh)
    xs = sympy.symbols(f"x{run}_0:{n}", real=True)
    return sympy.log(sum(sympy.exp(x) for x in xs)) + sum(x**2 for x in xs) / 2, xs


def _timed(fn: Any) -> tuple[float, Any]:
    sympy.core.cache.clear_cache()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def _symml(f: sympy.Expr, xs: tuple[sympy.Symbol, ...], point: np.ndarray) -> tuple[Any, Any]:
    g = sm.to_numpy(sm.gradient(f, xs))
    H = sm.to_numpy(sm.hessian(f, xs))
    return g(*point), H(*point)


def _sympy(f: sympy.Expr, xs: tuple[sympy.Symbol, ...], point: np.ndarray) -> tuple[Any, Any]:
    H = sympy.hessian(f, xs)
    g = sympy.Matrix([f]).jacobian(xs).T
    gf = sympy.lambdify(xs, g, cse=True)
    Hf = sympy.lambdify(xs, H, cse=True)
    return np.asarray(gf(*point), dtype=float).ravel(), np.asarray(Hf(*point), dtype=float)


def _row(n: int, target: float | None) -> Row:
    point = np.random.default_rng(n).standard_normal(n)
    f, xs = _function(n)
    t_symml, (g1, H1) = _timed(lambda: _symml(f, xs, point))
    f, xs = _function(n)
    t_sympy, (g2, H2) = _timed(lambda: _sympy(f, xs, point))
    np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H1, H2, rtol=1e-12, atol=1e-14)
    assert np.array_equal(H1, H1.T), "the compiled Hessian is not exactly symmetric"
    return Row(
        f"derivation at scale n={n}: grad+hessian+to_numpy+eval",
        t_symml,
        {BASELINE: t_sympy},
        target=target,
        target_of=BASELINE if target else None,
        note="same numbers (rtol 1e-12)",
    )


def scale_rows(quick: bool) -> list[Row]:
    """n = 10, 50, 100 (quick: 10, 30); the 10× target applies at n = 100."""
    sizes = (10, 30) if quick else (10, 50, 100)
    return [_row(n, 0.1 if n == 100 else None) for n in sizes]


ROWS = [scale_rows]
