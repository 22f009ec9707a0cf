"""Integrals: indefinite, definite and iterated, with their steps and their checks.

An antiderivative comes from the verified portfolio
(:func:`symml.integration.verified_antiderivative`: several methods in worker processes
under the operation's deadline, each candidate checked at high precision before it is
returned); a definite integral from SymPy under a time limit, falling back to numeric
quadrature (:func:`quadrature`, which compiles the integrand and hands it to
:func:`symml.quadrature.definite_integral`). A closed form is checked against quadrature,
an antiderivative by its exact derivative at 30 digits
(:func:`symml.integration.check_antiderivative`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, TypeAlias

import mpmath
import numpy as np
import sympy
from sympy.calculus.util import singularities

from symml.calculus._common import (
    SIMPLIFY_SECONDS,
    args_of,
    high_precision,
    is_bad,
    parameter_values,
    real_point,
    scalar_expr,
    simplify_limited,
    value_at,
)
from symml.config import config
from symml.deadline import Deadline, run_limited
from symml.derivation import (
    Check,
    Derivation,
    ExprLike,
    Step,
    Verification,
    as_wrt,
    compiled,
    free_symbols,
    tex,
)
from symml.errors import (
    DerivationTimeout,
    NoClosedFormError,
    NoConvergenceError,
    NotSupportedError,
    SymmlError,
)
from symml.integration import Antiderivative, check_antiderivative, verified_antiderivative
from symml.quadrature import Range, definite_integral

__all__ = [
    "INTEGRAL_METHODS",
    "NUMERIC_FALLBACK_SECONDS",
    "STEPS_SECONDS",
    "Bounds",
    "IntegralDerivation",
    "Spec",
    "integral",
    "quadrature",
]

#: One variable of an integral as the caller gives it: ``x`` (a Symbol or a name) or
#: ``(x, a, b)``, the bounds numbers, ``oo``/``-oo``, strs or expressions.
Bounds: TypeAlias = "sympy.Symbol | str | Sequence[ExprLike]"
#: An integration variable with its bounds (``None, None`` for an indefinite integral).
Spec = tuple[sympy.Symbol, "sympy.Expr | None", "sympy.Expr | None"]
#: An integration variable with its bounds, of a definite integral.
Definite = tuple[sympy.Symbol, sympy.Expr, sympy.Expr]

#: Seconds the antiderivative shown in the steps of a definite integral may take at most.
STEPS_SECONDS = 2.0


@dataclass(frozen=True, repr=False)
class IntegralDerivation(Derivation):
    """The Derivation of a symbolic integral, with where its antiderivative holds.

    Attributes:
        valid_on: ``(x, interval)`` for each indefinite level whose verified
            antiderivative holds on that interval only; empty when each holds wherever
            its integrand is real. The steps and the plain text say it too.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> d = IntegralDerivation(-sympy.atan(1 / x), (x,), (), "I",
        ...                        valid_on=((x, sympy.Interval.open(0, sympy.oo)),))
        >>> print(d)
        -atan(1/x)   (valid for x > 0)
    """

    valid_on: tuple[tuple[sympy.Symbol, sympy.Set], ...] = ()

    def plain(self) -> str:
        """The result, then where it holds when that is an interval only."""
        text = super().plain()
        if not self.valid_on:
            return text
        return f"{text}   (valid for {', '.join(_range(x, s) for x, s in self.valid_on)})"


def _spec(item: Bounds, expr: sympy.Expr) -> Spec:
    """One ``x`` or ``(x, a, b)`` item of an integral's variables."""
    if isinstance(item, (tuple, list)):
        if len(item) == 1:
            return _spec(item[0], expr)
        if len(item) != 3:
            raise ValueError(f"integration bounds must be (variable, lower, upper), got {item!r}")
        (x,) = _spec_variable(item[0], expr)
        return (
            x,
            real_point(item[1], expr, x, f"the lower bound of {x}"),
            real_point(item[2], expr, x, f"the upper bound of {x}"),
        )
    (x,) = _spec_variable(item, expr)
    return x, None, None


def _spec_variable(item: Bounds | ExprLike, expr: sympy.Expr) -> tuple[sympy.Symbol]:
    variables = as_wrt(item, expr)
    if len(variables) != 1:
        raise ValueError(
            f"each integration variable is given on its own (or as (x, a, b)); got {item!r}"
        )
    return (variables[0],)


def _integration_specs(expr: sympy.Expr, items: tuple[Bounds, ...]) -> list[Spec]:
    """The validated specs; a variable that occurs nowhere is an error (a likely typo)
    unless ``f`` is constant or it is a definite variable of an iterated integral."""
    specs = [_spec(item, expr) for item in items]
    names = [s[0] for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"an integration variable is given twice: {', '.join(map(str, names))}")
    if not expr.free_symbols:
        return specs
    for i, (x, a, _) in enumerate(specs):
        elsewhere = free_symbols(
            [b for j, s in enumerate(specs) if j != i for b in s[1:] if b is not None]
        )
        if x in expr.free_symbols or x in elsewhere:
            continue
        if a is None or len(specs) == 1:
            have = ", ".join(sorted(s.name for s in free_symbols(expr))) or "no variables"
            raise ValueError(f"wrt: variable {x.name!r} does not occur in {expr} (it has {have})")
    return specs


def _closed(value: sympy.Basic) -> bool:
    """Whether an integration result is a usable closed form (a Piecewise counts when one
    branch is closed: the others record SymPy's convergence conditions)."""
    if isinstance(value, sympy.Piecewise):
        return any(not is_bad(e) for e, _ in value.args) and not value.has(sympy.nan)
    return not is_bad(value)


def _sympy_integrate(g: sympy.Expr, limits: tuple, what: str) -> sympy.Expr:
    """``sympy.integrate(g, limits)``; any SymPy failure (its ``TypeError`` on an undecidable
    comparison, ``NotImplementedError``, ``PolynomialError``...) on input already validated
    becomes :class:`~symml.errors.NoClosedFormError`, so the caller falls back as for any
    other SymPy limit."""
    try:
        return sympy.integrate(g, limits)
    except SymmlError:
        raise
    except Exception as exc:  # whatever SymPy raises, it is SymPy's limit
        raise NoClosedFormError(f"SymPy failed on {what}: {type(exc).__name__}: {exc}") from None


def _antiderivative(g: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    return _sympy_integrate(g, x, f"the integral of {g} in {x}")


def _definite(g: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    return _sympy_integrate(g, (x, a, b), f"the integral of {g} in {x} from {a} to {b}")


def _oscillation(
    value: sympy.Expr, g: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr
) -> NoConvergenceError:
    """The error for a definite integral SymPy evaluates to an ``AccumBounds``: the limit of
    the antiderivative at a bound does not exist (it oscillates)."""
    if isinstance(value, sympy.AccumBounds):
        how = f"it oscillates between {value.min} and {value.max}"
    elif value.has(sympy.oo, -sympy.oo):
        how = f"it oscillates without bound (SymPy: {value})"
    else:
        how = f"it oscillates (SymPy: {value})"
    return NoConvergenceError(
        f"the integral of {g} in {x} from {a} to {b} does not converge: {how}"
    )


def _bounds_steps(
    F: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr
) -> tuple[sympy.Expr, sympy.Expr]:
    """``F`` at the upper and lower bounds (limits where a bound is infinite)."""
    return value_at(F, x, b, "-"), value_at(F, x, a, "+")


def _agree(u: sympy.Expr, v: sympy.Expr) -> bool:
    """Whether two closed forms are the same number (checked at a few parameter values)."""
    symbols = sorted(free_symbols([u, v]), key=lambda s: s.name)
    for trial in (0.73, 1.37):
        subs = {s: sympy.Float(trial + 0.11 * i) for i, s in enumerate(symbols)}
        # SymPy numbers, not floats: a bound of 10^400 gives values no float can hold
        p, q = u.evalf(20, subs=subs), v.evalf(20, subs=subs)
        if not (p.is_number and q.is_number and p.is_finite and q.is_finite):
            return False
        if not bool(abs(p - q) <= 1e-9 * sympy.Max(1, abs(p), abs(q))):
            return False
    return True


def _int_tex(
    g: sympy.Expr, x: sympy.Symbol, a: sympy.Expr | None = None, b: sympy.Expr | None = None
) -> str:
    limits = (x,) if a is None else (x, a, b)
    return tex(sympy.Integral(g, limits))


def _level_steps(
    g: sympy.Expr,
    spec: Definite,
    value: sympy.Expr,
    deadline: Deadline,
    antiderivative: sympy.Expr | None,
) -> list[Step]:
    """The steps of one level of a definite integral: antiderivative, then F(b) − F(a)."""
    x, a, b = spec
    integral_tex = _int_tex(g, x, a, b)
    F = antiderivative
    if F is None:
        try:
            F = deadline.run(_antiderivative, g, x, what="the antiderivative", cap=STEPS_SECONDS)
        except SymmlError:  # the steps then show the value only
            F = None
    at = None
    if F is not None and _closed(F) and not isinstance(F, sympy.Piecewise):
        try:
            at = deadline.run(_bounds_steps, F, x, a, b, what="the bounds", cap=STEPS_SECONDS)
        except SymmlError:  # SymPy's limit failed or ran out of time: the value only
            at = None
    if at is None or any(is_bad(v) for v in at) or not _agree(at[0] - at[1], value):
        return [Step.equation(f"definite integral in {x}", integral_tex, value)]
    Fb, Fa = at
    infinite = a.is_infinite or b.is_infinite
    upper = rf"\lim_{{{tex(x)} \to {tex(b)}}} F" if b.is_infinite else f"F({tex(b)})"
    lower = rf"\lim_{{{tex(x)} \to {tex(a)}}} F" if a.is_infinite else f"F({tex(a)})"
    return [
        Step.equation(f"antiderivative in {x}", rf"F({tex(x)}) = \int {tex(g)}\, d{tex(x)}", F),
        Step.equation(
            "limits at the bounds" if infinite else "evaluate at the bounds",
            rf"{integral_tex} = {upper} - {lower} = {tex(Fb)} - \left({tex(Fa)}\right)",
            value,
        ),
    ]


#: Where an indefinite level's antiderivative holds: ``(x, interval)``.
Validity = tuple[sympy.Symbol, sympy.Set]


def _range(x: sympy.Symbol, where: sympy.Set, show: Callable[[Any], str] = str) -> str:
    """An interval of ``x`` as inequalities (``0 < x < 1``, ``x > 0``), written by ``show``
    (``str`` for plain text, :func:`tex` for LaTeX).

    Examples:
        >>> x = sympy.Symbol("x")
        >>> _range(x, sympy.Interval.open(0, 1)), _range(x, sympy.Interval(0, sympy.oo, True))
        ('0 < x < 1', 'x > 0')
    """
    if not isinstance(where, sympy.Interval):
        return f"{show(x)} in {show(where)}"
    lt, le = ("<", r"\leq") if show is tex else ("<", "<=")
    gt, ge = (">", r"\geq") if show is tex else (">", ">=")
    lo, hi = where.left, where.right
    if lo.is_infinite:
        return f"{show(x)} {lt if where.right_open else le} {show(hi)}"
    if hi.is_infinite:
        return f"{show(x)} {gt if where.left_open else ge} {show(lo)}"
    left = lt if where.left_open else le
    right = lt if where.right_open else le
    return f"{show(lo)} {left} {show(x)} {right} {show(hi)}"


def _indefinite_level(
    g: sympy.Expr, x: sympy.Symbol, deadline: Deadline
) -> tuple[Antiderivative, list[Step]]:
    r"""A verified antiderivative of ``g`` in ``x`` (in this process: the portfolio forks
    its own workers under ``deadline``) and its steps: the method's own, then
    ``\int g\,dx = F + C`` titled with the method (and where ``F`` holds, when that is
    not wherever ``g`` is real)."""
    r = verified_antiderivative(g, x, deadline=deadline)
    integral_tex = _int_tex(g, x)
    final = f"{integral_tex} = {tex(r.F)}"
    shown = [step for step in r.steps if step.latex != final]
    title = f"antiderivative in {x} ({r.method})"
    rhs = f"{tex(r.F)} + C"
    if not r.everywhere:
        title += f", valid for {_range(x, r.valid_on)}"
        rhs += rf" \quad \text{{for }} {_range(x, r.valid_on, tex)}"
    return r, [*shown, Step.equation(title, integral_tex, rhs)]


def _definite_level(
    g: sympy.Expr, spec: Definite, deadline: Deadline, show: bool
) -> tuple[sympy.Expr, list[Step]]:
    """SymPy's definite integral of ``g`` over ``spec`` and its steps."""
    x, a, b = spec
    value = deadline.run(_definite, g, x, a, b, what=f"the integral of {g} in {x} from {a} to {b}")
    if value.has(sympy.AccumBounds):
        raise _oscillation(value, g, x, a, b)
    if not _closed(value):
        raise NoClosedFormError(
            f"SymPy finds no closed form for the integral of {g} in {x} from {a} to {b}"
        )
    if show:
        return value, _level_steps(g, spec, value, deadline, None)
    return value, [Step.equation(f"definite integral in {x}", _int_tex(g, x, a, b), value)]


def _symbolic_integral(
    expr: sympy.Expr, specs: list[Spec], deadline: Deadline, show: bool = True
) -> tuple[sympy.Expr, list[Step], tuple[Validity, ...]]:
    """Integrate level by level (innermost first): each indefinite level by the verified
    portfolio, each definite one by SymPy. Returns the value, the steps and, for each
    indefinite level, where its antiderivative holds; raises
    NoClosedFormError/DerivationTimeout/NoConvergenceError."""
    g = expr
    steps: list[Step] = []
    validity: list[Validity] = []
    for x, a, b in specs:
        if a is None or b is None:
            r, level = _indefinite_level(g, x, deadline)
            value = r.F
            validity.append((x, r.valid_on))
        else:
            value, level = _definite_level(g, (x, a, b), deadline, show)
        steps += level
        g = value
    return g, steps, tuple(validity)


def quadrature(
    expr: sympy.Expr, specs: Sequence[Spec], *, timeout: float | None = None
) -> tuple[float | complex, float]:
    """Numeric value and absolute error estimate of a definite (iterated) integral.

    ``specs`` lists ``(x, a, b)`` innermost first; a bound may depend on the variables of
    the outer integrals. The integrand is compiled and integrated by
    :func:`symml.quadrature.definite_integral`: one variable by
    :func:`~symml.quadrature.checked_integral` (divergence probes at the ends and at the
    singular points SymPy finds inside, then ``scipy.integrate.quad``), several by ``nquad``
    through :func:`~symml.quadrature.checked_nquad`. Both refuse a value whose error
    estimate is too large for it (a divergent or oscillating integral, a pole inside the
    interval). A complex-valued integrand (one written with ``I``) is integrated as its
    real and its imaginary part, each checked: the value is then complex.

    Args:
        expr: The integrand.
        specs: ``(x, a, b)`` for each variable, innermost first.
        timeout: Seconds quadrature may take (``None``: ``config.timeout``;
            :data:`~symml.config.NO_LIMIT`: no limit); it runs in a worker process killed
            on expiry, like a SymPy call.

    Raises:
        ValueError: When the integrand or a bound has free symbols other than the
            integration variables (a number is needed), naming them, or a finite bound
            is beyond the floating-point range.
        NoConvergenceError: When quadrature gives no trustworthy finite value.
        DerivationTimeout: When quadrature runs past ``timeout``.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> value, err = quadrature(sympy.exp(-x**2), [(x, -sympy.oo, sympy.oo)])
        >>> abs(value - 1.7724538509055159) < 1e-10
        True
        >>> value, err = quadrature(sympy.exp(sympy.I * x), [(x, 0, sympy.pi)])
        >>> abs(value - 2j) < 1e-12
        True
        >>> quadrature(sympy.tan(x), [(x, 0, sympy.pi)])
        Traceback (most recent call last):
        ...
        symml.quadrature.IntegralDoesNotExist: the integral of tan(x) over x in [0, pi] does not exist: ...
    """
    variables = tuple(s[0] for s in specs)
    if any(a is None or b is None for _, a, b in specs):
        raise ValueError("numeric quadrature needs bounds for every variable")
    _require_numbers(expr, specs)
    ranges = [_numeric_range(a, b, variables[i + 1 :]) for i, (_, a, b) in enumerate(specs)]
    what = f"the integral of {expr} over " + ", ".join(f"{x} in [{a}, {b}]" for x, a, b in specs)
    integrate = partial(
        definite_integral,
        compiled(expr, variables),
        ranges,
        what=what,
        names=[str(v) for v in variables],
        singular=partial(_singular_along, expr, variables),
    )
    return run_limited(integrate, timeout=timeout, what=f"numeric quadrature of {what}")


def _singular_along(
    expr: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    k: int,
    point: Sequence[float],
    a: float,
    b: float,
) -> tuple[float, ...]:
    """Where ``expr``, along ``variables[k]`` with the others at ``point``, may blow up
    inside ``(a, b)`` (a :data:`symml.quadrature.Singular`)."""
    others = {
        v: sympy.Float(c) for j, (v, c) in enumerate(zip(variables, point, strict=True)) if j != k
    }
    return _inner_singularities(expr.subs(others), variables[k], a, b)


@lru_cache(maxsize=64)
def _inner_singularities(
    expr: sympy.Expr, x: sympy.Symbol, a: float, b: float
) -> tuple[float, ...]:
    """The points strictly between ``a`` and ``b`` where ``expr`` may blow up (SymPy's
    ``singularities``: poles of rational and trigonometric parts, zeros of a log's
    argument...), for quadrature to split and probe there; ``()`` when SymPy cannot say.
    Cached: a complex integrand's real and imaginary parts ask for the same slices."""
    lo, hi = sympy.sympify(a), sympy.sympify(b)  # floats too (inf is oo)
    if not bool(lo <= hi):
        lo, hi = hi, lo
    try:
        found = singularities(expr, x, sympy.Interval.open(lo, hi))
    except Exception:  # a hint for quadrature: no hint is the old behaviour
        return ()
    if not isinstance(found, sympy.FiniteSet):
        return ()
    return tuple(sorted(float(p) for p in found if p.is_real and p.is_finite))


def _require_numbers(expr: sympy.Expr, specs: Sequence[Spec]) -> None:
    variables = [s[0] for s in specs]
    extra = free_symbols(expr) - set(variables)
    if extra:
        names = ", ".join(sorted(s.name for s in extra))
        raise ValueError(
            f"a numeric value of the integral of {expr} needs numbers for "
            f"{names}: it has free symbols {names}"
        )
    for i, (x, a, b) in enumerate(specs):
        for bound in (a, b):
            extra = free_symbols(bound) - set(variables[i + 1 :])
            if extra:
                raise ValueError(
                    f"the bound {bound} of {x} has free symbols "
                    f"{', '.join(sorted(s.name for s in extra))}; numeric "
                    f"quadrature needs numbers there"
                )
            bound = sympy.sympify(bound)  # quadrature() may be given plain numbers
            if bound.is_number and bound.is_finite and not math.isfinite(float(bound)):
                raise ValueError(
                    f"the bound {sympy.N(bound, 6)} of {x} is beyond the "
                    f"floating-point range (about ±1.8e308): numeric "
                    f"quadrature cannot use it"
                )


def _numeric_range(a: sympy.Expr, b: sympy.Expr, outer: tuple[sympy.Symbol, ...]) -> Range:
    """``(a, b)`` as floats, or a callable of the outer variables when a bound uses them."""
    if not (free_symbols(a) | free_symbols(b)):
        return float(a), float(b)
    lo, hi = compiled(a, outer), compiled(b, outer)
    return lambda *xs: (float(lo(*xs[: len(outer)])), float(hi(*xs[: len(outer)])))


#: What ``integral(..., method=...)`` may be.
INTEGRAL_METHODS = ("auto", "symbolic", "numeric")

#: Seconds the quadrature fallback of ``integral`` may take at least, even when SymPy used
#: up the whole ``timeout`` (it gets the time left when that is more).
NUMERIC_FALLBACK_SECONDS = 2.0


def integral(
    f: ExprLike,
    wrt_or_bounds: Bounds,
    *more_bounds: Bounds,
    timeout: float | None = None,
    method: str = "auto",
    steps: bool = True,
) -> Derivation:
    r"""The indefinite, definite or iterated integral of ``f``.

    ``integral(f, x)`` is an antiderivative (no constant); ``integral(f, (x, a, b))`` is
    definite; several variables/bounds integrate innermost first, as SymPy does
    (``integral(f, (x, 0, 1), (y, 0, 2))`` is :math:`\int_0^2 \int_0^1 f \,dx\,dy`).
    Bounds may be numbers, ``oo``/``-oo``, strs or expressions (and may use the outer
    variables). Each level's steps show the antiderivative and ``F(b) - F(a)`` (limits at
    infinite bounds) when that route agrees with SymPy's definite integral.

    An antiderivative (each indefinite level) is never returned unchecked: it comes from
    :func:`~symml.integration.verified_antiderivative`, a portfolio of methods (SymPy's
    ``integrate``, ``manualintegrate``, ``risch``, ``heurisch``, Meijer G, partial
    fractions term by term, substitutions...) run in worker processes under the one
    ``timeout``, whose every candidate is differentiated and compared with the integrand
    at 30 digits; a wrong candidate is dropped and the next one tried. The step of each
    level names the method that won. An antiderivative that holds on an interval only
    says so: in its step, in the plain text (``valid for 0 < x < 1``) and in
    :attr:`IntegralDerivation.valid_on`; ``verify()`` checks it there.

    A definite level is SymPy's, in a worker process bounded by ``timeout`` for the whole
    integral (the steps and the simplification included). When SymPy finds no closed form
    or runs out of time, a definite integral with numeric bounds is computed by quadrature
    (``method="numeric"``, ``error`` set to the absolute error estimate), itself bounded by
    the time left but at least :data:`NUMERIC_FALLBACK_SECONDS`: the whole call returns
    within about ``timeout + NUMERIC_FALLBACK_SECONDS``. An indefinite one raises
    :class:`~symml.errors.NoClosedFormError` (saying when a candidate was found but
    rejected by the check).

    A divergent integral SymPy evaluates is its value (``oo``); one SymPy finds oscillating
    (an ``AccumBounds`` such as :math:`\int_0^\infty \sin x\,dx`), and a numeric one whose
    error estimate cannot be trusted, raise :class:`~symml.errors.NoConvergenceError`:
    never a number.

    Args:
        f: The scalar integrand.
        wrt_or_bounds: ``x`` or ``(x, a, b)``.
        *more_bounds: Further variables or bounds, for iterated integrals.
        timeout: Seconds SymPy may take in all (default ``config.timeout``); with
            ``method="numeric"``, the seconds quadrature may take.
        method: ``"auto"`` (symbolic, numeric fallback), ``"symbolic"`` (no fallback) or
            ``"numeric"`` (quadrature only).
        steps: Show the antiderivative and ``F(b) - F(a)`` of each definite level (SymPy
            works out the antiderivative a second time for them, at most
            :data:`STEPS_SECONDS` per level); ``False`` keeps one line per level.

    Returns:
        An :class:`IntegralDerivation` (a Derivation with ``valid_on``) for a closed form;
        a :class:`~symml.derivation.Derivation` with ``method="numeric"`` for quadrature.

    Raises:
        ValueError: For bad input: a non-scalar ``f``, a variable that occurs nowhere, a
            bound that is not a real number, ``oo`` or ``-oo`` (``nan``, ``1/0``), and,
            with ``method="numeric"``, bounds or parameters with free symbols (quadrature
            was asked for and needs numbers).
        NoClosedFormError: An indefinite integral without closed form (or not found in
            time), ``method="symbolic"`` without closed form, or (``method="auto"``) a
            definite integral SymPy cannot do whose bounds or parameters are legitimately
            symbolic, so that no numeric fallback exists (the message names them).
        NoConvergenceError: The integral oscillates (SymPy), or quadrature finds no
            trustworthy value (divergence, oscillation, a pole inside the interval).
        DerivationTimeout: SymPy ran past ``timeout`` and no fallback applies
            (``method="symbolic"``, or symbolic bounds/parameters), or the quadrature
            fallback ran out of time too.

    Examples:
        >>> integral("exp(-x^2)", ("x", "-oo", "oo")).result
        sqrt(pi)
        >>> integral("x*y", ("x", 0, 1), ("y", 0, 2)).result
        1
        >>> integral("x*cos(x)", "x").result
        x*sin(x) + cos(x)
        >>> integral("sec(x)^2", "x").result
        tan(x)
    """
    expr, prior = scalar_expr(f, "f")
    if method not in INTEGRAL_METHODS:
        raise ValueError(f"method must be one of {INTEGRAL_METHODS}, got {method!r}")
    specs = _integration_specs(expr, (wrt_or_bounds, *more_bounds))
    definite = all(a is not None for _, a, _ in specs)
    limits = [(x,) if a is None else (x, a, b) for x, a, b in specs]
    lhs = tex(sympy.Integral(expr, *limits))
    check = partial(_check_integral, f=expr, specs=tuple(specs))
    head = [*prior, Step.equation("integral", "I", lhs)]
    if method == "numeric" and not definite:
        raise ValueError(f"method='numeric' needs bounds for every variable of {lhs}")
    deadline = Deadline(timeout)
    if method == "numeric":
        return _numeric_integral(
            expr, specs, head, lhs, check, reason="numeric quadrature", timeout=deadline.left()
        )
    try:
        value, level_steps, validity = _symbolic_integral(expr, specs, deadline, steps)
    except NoConvergenceError:
        raise  # SymPy showed that it oscillates: quadrature could only return noise
    except (NoClosedFormError, DerivationTimeout, NotImplementedError) as exc:
        failure = (
            exc
            if isinstance(exc, SymmlError)
            else NoClosedFormError(f"SymPy cannot integrate {expr}: {exc}")
        )
        if isinstance(failure, DerivationTimeout) and method == "symbolic":
            raise
        if not definite or method == "symbolic":
            raise NoClosedFormError(
                f"no closed form found for the integral of {expr} ({failure})"
            ) from exc
        try:
            _require_numbers(expr, specs)
        except ValueError as bad:
            raise type(failure)(f"{failure}; and no numeric fallback: {bad}") from exc
        try:
            return _numeric_integral(
                expr,
                specs,
                head,
                lhs,
                check,
                reason=str(failure),
                timeout=max(deadline.left(), NUMERIC_FALLBACK_SECONDS),
            )
        except DerivationTimeout as late:
            raise DerivationTimeout(f"{failure}; then {late}") from None
    indefinite = all(a is None for _, a, _ in specs)
    if indefinite:  # verified, in the simplest form the portfolio found: kept as it is
        check = partial(
            check_antiderivative,
            f=expr,
            variables=tuple(x for x, _, _ in specs),
            valid_on=validity[0][1],
        )
    elif not isinstance(value, sympy.Piecewise):
        simple = simplify_limited([value], timeout=deadline.left(SIMPLIFY_SECONDS))[0]
        if simple != value:
            value = simple
            level_steps.append(Step.equation("simplify", "I", value))
    return IntegralDerivation(
        value,
        args_of(value),
        (*head, *level_steps),
        lhs,
        operation="integral",
        check=check,
        valid_on=tuple((x, where) for x, where in validity if where != sympy.S.Reals),
    )


def _numeric_integral(
    expr: sympy.Expr,
    specs: list[Spec],
    steps: list[Step],
    lhs: str,
    check: Check,
    reason: str,
    timeout: float,
) -> Derivation:
    value, error = quadrature(expr, specs, timeout=timeout)
    method = "scipy.integrate.quad" if len(specs) == 1 else "scipy.integrate.nquad"
    why = _tex_escape(reason[:120])
    result = (
        sympy.Float(value.real) + sympy.I * sympy.Float(value.imag)
        if isinstance(value, complex)
        else sympy.Float(value)
    )
    steps = [
        *steps,
        Step(
            "no closed form: numeric quadrature",
            rf"I \approx {tex(result)} \quad (\text{{{method}; {why}}})",
        ),
    ]
    return Derivation(
        result,
        (),
        tuple(steps),
        lhs,
        method="numeric",
        error=error,
        operation="integral",
        check=check,
    )


def _tex_escape(text: str) -> str:
    return re.sub(r"([#$%&_{}])", r"\\\1", re.sub(r"[\\^~]", " ", text))


# --- the checks: quadrature, and central differences of an antiderivative ---------------


def _check_integral(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    specs: tuple[Spec, ...],
) -> Verification:
    """A definite integral against quadrature, an antiderivative by its exact derivative
    (:func:`~symml.integration.check_antiderivative`)."""
    if all(a is not None for _, a, _ in specs):
        return _check_definite_integral(d, points, rng, rtol, f=f, specs=specs)
    if any(a is not None for _, a, _ in specs):
        raise NotSupportedError("no numeric check for a mix of definite and indefinite integrals")
    variables = tuple(x for x, _, _ in specs)
    return check_antiderivative(d, points, rng, rtol, f=f, variables=variables)


def _check_definite_integral(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    specs: tuple[Spec, ...],
) -> Verification:
    """The closed form against ``scipy.integrate.quad``/``nquad`` (a numeric result against
    mpmath's tanh-sinh quadrature), at random parameter values.

    A divergent value (``oo``) passes when quadrature refuses to converge too; a finite one
    that quadrature cannot confirm on an infinite interval is checked by mpmath's
    ``quadosc`` where the integrand is an oscillation that decays (``sin(x)/x``)."""
    variables = {x for x, _, _ in specs}
    bounds = [b for _, lo, hi in specs for b in (lo, hi) if b is not None]
    trials = min(points, 3)
    worst, passed, count = 0.0, True, 0
    method = "quadrature"
    for _ in range(trials):
        subs = parameter_values([f, d.result, *bounds], variables, rng)
        g = f.subs(subs)
        sp = [
            (x, sympy.sympify(lo).subs(subs), sympy.sympify(hi).subs(subs)) for x, lo, hi in specs
        ]
        claimed_expr = sympy.sympify(d.result).subs(subs)
        if claimed_expr.is_infinite:
            ok = _diverges_numerically(g, sp, config.timeout)
            method = "quadrature (does not converge: divergent, as claimed)"
            worst = max(worst, 0.0 if ok else float("inf"))
            passed = passed and ok
            count += 1
            if not subs:
                break
            continue
        claimed = high_precision(d.result, subs)
        ref: complex | float | None
        if d.method == "numeric":
            try:
                ref = complex(
                    run_limited(
                        _mp_integral, g, sp, timeout=config.timeout, what="mpmath quadrature"
                    )
                )
                err = 0.0
                method = "quadrature (mpmath tanh-sinh)"
            # bounds that depend on outer variables; mpmath failing on floor(x) ...
            except (TypeError, ValueError, AttributeError, NotImplementedError):
                ref, err = quadrature(g, sp, timeout=config.timeout)
                method = "quadrature"
        else:
            try:
                ref, err = quadrature(g, sp, timeout=config.timeout)
                method = "quadrature"
            except ValueError as exc:  # a bound beyond floats (10**400): nothing to compare
                raise NotSupportedError(f"no numeric check of {d.result}: {exc}") from exc
            except NoConvergenceError as exc:
                ref = _oscillatory_reference(g, sp)
                if ref is None:
                    raise NotSupportedError(f"no numeric check of {d.result}: {exc}") from exc
                err, method = 0.0, "quadrature (mpmath quadosc, decaying oscillation)"
        scale = max(1.0, abs(ref))
        error = abs(claimed - ref) / scale
        allowed = max(rtol, (10 * err + 10 * (d.error or 0.0)) / scale)
        worst = max(worst, error)
        passed = passed and error <= allowed
        count += 1
        if not subs:
            break
    return Verification(
        passed=passed,
        max_error=worst,
        method=method,
        points=count,
        details="the integral's value against numeric quadrature",
    )


def _diverges_numerically(g: sympy.Expr, specs: Sequence[Spec], timeout: float) -> bool:
    """Whether quadrature refuses ``g`` over ``specs`` (what a divergent value predicts)."""
    try:
        quadrature(g, specs, timeout=timeout)
    except NoConvergenceError:
        return True
    return False


def _oscillatory_reference(g: sympy.Expr, specs: Sequence[Spec]) -> complex | None:
    """mpmath's ``quadosc`` value of a one-variable integral over ``[a, oo)``,
    ``(-oo, b]`` or the whole line whose integrand oscillates with one angular frequency
    (``sin``/``cos`` of ``w x + c``) and visibly decays (its envelope over a period falls
    by 100x from x = 1e4 to 1e8): a conditionally convergent integral (Dirichlet's test).
    ``None`` when the integrand is not of that kind."""
    if len(specs) != 1:
        return None
    x, a, b = specs[0]
    if a is None or b is None or not (a.is_infinite or b.is_infinite) or g.free_symbols - {x}:
        return None
    omegas = set()
    for trig in g.atoms(sympy.sin, sympy.cos):
        arg = sympy.expand(trig.args[0])
        w = arg.coeff(x)
        if not (arg - w * x).is_number or not w.is_number or w == 0:  # w x + c only
            return None
        omegas.add(abs(float(w)))
    if len(omegas) != 1:
        return None
    omega = omegas.pop()
    fn = sympy.lambdify(x, g, "mpmath")

    def envelope(at: float, sign: int) -> float:
        grid = np.linspace(at, at + 2 * np.pi / omega, 64)
        return max(abs(complex(fn(mpmath.mpf(sign * t)))) for t in grid)

    def tail(lo: mpmath.mpf, sign: int) -> mpmath.mpf:  # ∫ over [lo, oo) of g(sign * t)
        near, far = envelope(1e4, sign), envelope(1e8, sign)
        if not (far <= 1e-2 * near and far < 1e-3):
            raise ValueError("does not decay")
        return mpmath.quadosc(lambda t: fn(sign * t), [lo, mpmath.inf], omega=omega)

    try:
        with mpmath.workdps(20):
            if a.is_infinite and b.is_infinite:
                value = tail(mpmath.mpf(0), 1) + tail(mpmath.mpf(0), -1)
            elif b.is_infinite:
                value = tail(mpmath.mpf(float(a)), 1)
            else:
                value = tail(mpmath.mpf(-float(b)), -1)
            return complex(value)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None


def _mp_integral(g: sympy.Expr, limits: Sequence[Spec]) -> sympy.Expr:
    return sympy.Integral(g, *limits).evalf(15)
