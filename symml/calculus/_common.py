"""What the calculus operations share: coercion of their inputs, bounded simplification,
values and limits at a point, and the high-precision evaluation behind their checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

import numpy as np
import sympy

from symml.deadline import run_limited
from symml.derivation import (
    ExprLike,
    Step,
    WrtLike,
    as_expr,
    as_wrt,
    free_symbols,
    function_lhs,
)
from symml.errors import DerivationTimeout, NoClosedFormError, SymmlError
from symml.parsing import parse

__all__ = [
    "DIGITS",
    "SIMPLIFY_MAX_OPS",
    "SIMPLIFY_SECONDS",
    "UNDEFINED_NAMES",
    "args_of",
    "definition",
    "high_precision",
    "is_bad",
    "one_variable",
    "parameter_values",
    "point_of",
    "real_point",
    "scalar_expr",
    "simplify_limited",
    "sympy_limit",
    "value_at",
]

E = TypeVar("E", bound=sympy.Basic)

#: Largest number of operations for which results are simplified automatically.
SIMPLIFY_MAX_OPS = 150
#: Seconds an automatic simplification may take before the raw form is kept.
SIMPLIFY_SECONDS = 3.0


def scalar_expr(f: ExprLike, what: str) -> tuple[sympy.Expr, tuple[Step, ...]]:
    """``f`` as a scalar SymPy expression (a 1×1 matrix is its entry), with the steps
    carried forward from a Derivation.

    Raises:
        ValueError: For a matrix or anything else that is not a scalar, naming ``what``.
    """
    expr, prior = as_expr(f, what=what)
    if isinstance(expr, sympy.MatrixBase):
        if expr.shape == (1, 1):
            return expr[0, 0], prior
        raise ValueError(
            f"{what} must be a scalar expression, got a {expr.shape[0]}x{expr.shape[1]} matrix"
        )
    if isinstance(expr, dict) or not isinstance(expr, sympy.Expr):
        raise ValueError(f"{what} must be a scalar expression, got {expr!r}")
    return expr, prior


def _vocabulary(e: sympy.Expr) -> set[type]:
    return {type(f) for f in e.atoms(sympy.Function)}


def _simplest(items: list[E]) -> list[E]:
    """The shortest of a few simplified forms that uses no function the input did not use
    (so ``exp`` stays ``exp`` rather than turning into ``cosh``)."""
    out = []
    for e in items:
        allowed = _vocabulary(e)
        candidates = [e]
        for fn in (sympy.simplify, sympy.factor, sympy.cancel):
            try:
                c = fn(e)
            except (sympy.PolynomialError, TypeError, ValueError):
                continue
            if _vocabulary(c) <= allowed:
                candidates.append(c)
        out.append(min(candidates, key=sympy.count_ops))
    return out


def simplify_limited(items: Sequence[E], timeout: float | None = SIMPLIFY_SECONDS) -> list[E]:
    """Simplify each expression when it gets shorter; keep the input on timeout or when large.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> simplify_limited([sympy.sin(x)**2 + sympy.cos(x)**2])
        [1]
    """
    if sum(sympy.count_ops(e) for e in items) > SIMPLIFY_MAX_OPS * max(1, len(items)) or all(
        e.is_Atom for e in items
    ):
        return list(items)
    try:
        return run_limited(_simplest, list(items), timeout=timeout, what="simplify")
    except DerivationTimeout:
        return list(items)


def definition(f: sympy.Expr, wrt: tuple[sympy.Symbol, ...], name: str = "f") -> Step:
    """The first step of an operation: ``f(x, y) = ...``."""
    return Step.equation("definition", function_lhs(wrt, name), f)


def one_variable(wrt: WrtLike, expr: sympy.Expr, op: str) -> sympy.Symbol:
    """The single variable of ``op``: given, or the only free symbol of ``expr``."""
    variables = as_wrt(wrt, expr, strict=True)
    if len(variables) != 1:
        raise ValueError(
            f"{op}() takes one variable, got {len(variables)} "
            f"({', '.join(map(str, variables)) or 'none'}); give wrt"
        )
    return variables[0]


#: Names that the parser reads as symbols but that a user writes to mean "undefined"; a
#: point or bound using one is refused rather than carried along as a parameter.
UNDEFINED_NAMES = frozenset({"nan", "zoo"})


def point_of(value: ExprLike, expr: sympy.Basic, x: sympy.Symbol | None, what: str) -> sympy.Expr:
    """A scalar point or bound (``str``, number or expression), its names matched to ``expr``."""
    if isinstance(value, str):
        known = tuple(sorted(free_symbols(expr), key=lambda s: s.name))
        point = parse(value, wrt=known) if known else parse(value)
    else:
        point, _ = as_expr(value, what=what)
    if isinstance(point, sympy.MatrixBase) or not isinstance(point, sympy.Expr):
        raise ValueError(f"{what} must be a scalar (a number or an expression), got {value!r}")
    if x is not None and point.has(x):
        raise ValueError(f"{what} = {point} must not contain the variable {x}")
    undefined = sorted(s.name for s in point.free_symbols if s.name.lower() in UNDEFINED_NAMES)
    if point.has(sympy.nan) or undefined:
        raise ValueError(
            f"{what} must be a number, got {value!r} (undefined: {', '.join(undefined) or 'nan'})"
        )
    return point


def real_point(value: ExprLike, expr: sympy.Expr, x: sympy.Symbol, what: str) -> sympy.Expr:
    """A limit point or integration bound: a real number, ``oo``/``-oo`` or a real
    expression (:func:`point_of` has refused ``nan``)."""
    point = point_of(value, expr, x, what)
    if point.has(sympy.zoo) or point.is_extended_real is False:
        raise ValueError(f"{what} must be a real number, oo or -oo, got {point} (from {value!r})")
    return point


def args_of(*exprs: sympy.Basic, first: sympy.Symbol | None = None) -> tuple[sympy.Symbol, ...]:
    """The free symbols of ``exprs`` (and ``first``), sorted by name."""
    symbols: set[sympy.Symbol] = set()
    for e in exprs:
        symbols |= free_symbols(e)
    if first is not None:
        symbols.add(first)
    return tuple(sorted(symbols, key=lambda s: s.name))


def is_bad(value: sympy.Basic) -> bool:
    """Whether a SymPy value is undefined or unevaluated (nan, zoo, Limit, Integral, a
    Derivative or Subs SymPy could not do, DiracDelta at its singular point...)."""
    return bool(
        value.has(
            sympy.nan,
            sympy.zoo,
            sympy.Limit,
            sympy.Integral,
            sympy.AccumBounds,
            sympy.DiracDelta,
            sympy.Derivative,
            sympy.Subs,
        )
    )


def sympy_limit(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, side: str) -> sympy.Expr:
    """``sympy.limit`` from ``side``; whatever SymPy raises is :class:`NoClosedFormError`."""
    try:
        return sympy.limit(expr, x, a, side)
    except SymmlError:
        raise
    except Exception as exc:  # whatever SymPy raises, it is SymPy's limit
        raise NoClosedFormError(
            f"SymPy failed on the limit of {expr} as {x} -> {a}: {type(exc).__name__}: {exc}"
        ) from None


def value_at(d: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, direction: str = "+-") -> sympy.Expr:
    """``d`` at ``x = a``: by substitution, else (removable singularity, infinity) by a limit."""
    if not a.has(sympy.oo, -sympy.oo, sympy.zoo):
        value = d.subs(x, a)
        if not is_bad(value) and not value.has(sympy.oo, -sympy.oo):
            return value
    if direction == "+-" and not a.is_infinite:
        right, left = sympy_limit(d, x, a, "+"), sympy_limit(d, x, a, "-")
        return right if right == left else sympy.nan
    return sympy_limit(d, x, a, direction if not a.is_infinite else "+-")


# --- high-precision evaluation, for the checks --------------------------------------------

#: Digits of the high-precision evaluations behind the checks (Taylor, limit, integral,
#: critical points).
DIGITS = 60


def parameter_values(
    exprs: Iterable[sympy.Basic], exclude: Iterable[sympy.Symbol], rng: np.random.Generator
) -> dict[sympy.Symbol, sympy.Float]:
    """Random values in [0.5, 2] for the free symbols of ``exprs`` not in ``exclude``."""
    symbols: set[sympy.Symbol] = set()
    for e in exprs:
        symbols |= {s for s in getattr(e, "free_symbols", set()) if isinstance(s, sympy.Symbol)}
    ordered = sorted(symbols - set(exclude), key=lambda s: s.name)
    return {s: sympy.Float(rng.uniform(0.5, 2.0), DIGITS) for s in ordered}


def high_precision(expr: sympy.Basic, subs: dict[sympy.Symbol, sympy.Expr]) -> complex:
    """``expr`` evaluated with :data:`DIGITS` digits at ``subs`` (nan when undefined)."""
    try:
        value = sympy.sympify(expr).evalf(DIGITS, subs=subs)
        return complex(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return complex("nan")
