r"""Verified antiderivatives: a portfolio of integration methods under one deadline.

SymPy's integrators each fail in their own way: one hangs, one returns half an answer
(``ratint`` drops the log/atan part of some rational functions), one returns a ``RootSum``
whose derivative is another function, one a formula that turns complex on half of the real
line. :func:`verified_antiderivative` runs several methods side by side in worker
processes under one :class:`~symml.deadline.Deadline` and returns only a candidate ``F``
whose derivative *is* the integrand: ``F'`` equals ``f`` at random points, both evaluated
with mpmath at :data:`DIGITS` digits (no finite-difference step, so no noise), at points
where ``f`` is real and finite. A candidate that fails is dropped and the next one tried; a
candidate right on part of the real line only carries that interval (``valid_on``).

The methods (:data:`METHODS`, a table): SymPy's ``integrate``, ``manualintegrate``,
``risch_integrate``, ``heurisch`` and the Meijer G route; rational functions by partial
fractions integrated term by term (which keeps the log/atan part); the substitutions
:math:`u = e^{cx}`, :math:`u = x^n`, :math:`u = \sqrt[q]{ax+b}`,
:math:`t = \tan(x/2)` (Weierstrass) and :math:`t = \tan x`; logarithmic derivatives
:math:`c\,g'/g`; partial fractions over the transcendental parts; and a simplified or
rewritten integrand. :func:`high_precision_check` is the same check for any
antiderivative, as a ``verify()`` that never reports a right answer as wrong.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np
import sympy
import sympy.integrals.meijerint  # noqa: F401 - loaded once here, not in every worker
from sympy.integrals.heurisch import heurisch
from sympy.integrals.manualintegrate import manualintegrate
from sympy.integrals.rationaltools import ratint
from sympy.integrals.risch import NonElementaryIntegral, risch_integrate

from symml.config import config
from symml.deadline import Deadline, portable_exception, run_limited
from symml.derivation import Derivation, Step, Verification, tex
from symml.errors import DerivationTimeout, NoClosedFormError, NotSupportedError

__all__ = [
    "DIGITS",
    "METHODS",
    "Antiderivative",
    "Method",
    "check_antiderivative",
    "high_precision_check",
    "verified_antiderivative",
]

#: Digits of the evaluations that compare ``F'`` with ``f``.
DIGITS = 30
#: Relative gap between ``F'`` and ``f`` above which a candidate is wrong. A right
#: antiderivative agrees to about ``DIGITS - 5`` digits; a wrong one differs in the first.
TOLERANCE = 1e-15
#: Points at which the portfolio compares ``F'`` with ``f``.
CHECK_POINTS = 8
#: Seconds the portfolio keeps waiting, after the first verified answer, for the methods
#: still running: the simplest of the answers in by then is kept.
GRACE_SECONDS = 0.3
#: Seconds a method may run at least, however small the budget.
MIN_METHOD_SECONDS = 0.5
#: Seconds the simplification of a verified answer may take (inside its worker).
SIMPLIFY_SECONDS = 0.3
#: Smallest operation count of a verified answer that the portfolio tries to simplify.
SIMPLIFY_MIN_OPS = 8
#: Largest one (``simplify`` of a larger form rarely finishes in time).
SIMPLIFY_MAX_OPS = 80
#: Worker processes run at once.
WORKERS = 2

_FULL = sympy.S.Reals


# --- the result -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Antiderivative:
    r"""A verified antiderivative :math:`F` of :math:`f` in :math:`x`.

    Attributes:
        F: The antiderivative (no constant of integration).
        f: The integrand.
        x: The variable.
        method: The name of the method that found it (a :data:`METHODS` name, e.g.
            ``"rational"``, ``"manualintegrate"``, ``"substitution u = exp(c*x)"``).
        steps: The derivation: the method, its substitutions, the simplification, and
            the final line ``\int f\,dx = F``.
        valid_on: Where ``F`` is an antiderivative: ``sympy.Reals`` when ``F' = f``
            wherever ``f`` is real and finite, else the interval on which it holds.
        verification: The check it passed.
        rejected: ``"method: reason"`` for each candidate that failed the check.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> r = verified_antiderivative(x * sympy.cos(x), x, deadline=Deadline(20))
        >>> r.F
        x*sin(x) + cos(x)
        >>> r.valid_on
        Reals
    """

    F: sympy.Expr
    f: sympy.Expr
    x: sympy.Symbol
    method: str
    steps: tuple[Step, ...]
    valid_on: sympy.Set = _FULL
    verification: Verification | None = None
    rejected: tuple[str, ...] = field(default=(), compare=False)

    @property
    def everywhere(self) -> bool:
        """Whether ``F`` holds wherever ``f`` is real (``valid_on`` is the real line)."""
        return self.valid_on == _FULL


# --- high-precision evaluation --------------------------------------------------------------


def _value(expr: sympy.Expr, subs: dict[sympy.Symbol, sympy.Expr]) -> sympy.Expr | None:
    """``expr`` at ``subs`` with :data:`DIGITS` digits by mpmath (special functions, hyper,
    meijerg, RootSum and exp_polar included); ``None`` where it is undefined or infinite."""
    try:
        value = expr.evalf(DIGITS, subs=subs)
        if not value.is_number:  # a Piecewise whose conditions evalf left undecided
            value = expr.xreplace(subs).evalf(DIGITS)
    except (ArithmeticError, TypeError, ValueError, AttributeError, RecursionError):
        return None
    except NotImplementedError:
        return None
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    try:
        re, im = (sympy.Float(part, DIGITS) for part in value.as_real_imag())
    except (TypeError, ValueError):
        return None
    if not (sympy.Abs(re).is_finite and sympy.Abs(im).is_finite):
        return None
    return re + sympy.I * im


def _is_real(value: sympy.Expr) -> bool:
    re, im = value.as_real_imag()
    return bool(abs(im) <= sympy.Float(10.0 ** (10 - DIGITS)) * max(abs(re), 1))


def _gap(a: sympy.Expr, b: sympy.Expr) -> float:
    """``|a - b| / max(|a|, |b|)`` (0 when both vanish to the working precision)."""
    scale = max(abs(a), abs(b), sympy.Float(10.0 ** (15 - DIGITS)))
    return float(abs(a - b) / scale)


def _derivative(F: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    """``dF/dx``; ``floor``/``ceiling`` terms (the constants that make a Weierstrass-type
    formula continuous) count as constants, which they are between their jumps."""
    steps = {a: sympy.Dummy("k") for a in F.atoms(sympy.floor, sympy.ceiling) if a.has(x)}
    dF = sympy.diff(F.xreplace(steps), x)
    return dF.xreplace({d: a for a, d in steps.items()})


def _slope(F: sympy.Expr, dF: sympy.Expr, subs: dict[sympy.Symbol, Any], x: sympy.Symbol) -> Any:
    """``F'`` at ``subs``: the symbolic derivative, or (where SymPy leaves a ``Derivative``)
    a fourth-order central difference with a step of 1e-15 at :data:`DIGITS` + 20 digits,
    whose error (about 1e-60 F⁽⁵⁾) is far below the tolerance."""
    if not dF.has(sympy.Derivative, sympy.Subs):
        return _value(dF, subs)
    h = sympy.Rational(1, 10**15)
    at = subs[x]
    values = []
    for k in (2, 1, -1, -2):
        v = _value(F, {**subs, x: at + k * h})
        if v is None:
            return None
        values.append(v)
    return (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)


# --- random points --------------------------------------------------------------------------


def _parameter_value(s: sympy.Symbol, rng: np.random.Generator) -> sympy.Rational:
    """A random value of a parameter that respects its assumptions (positive, integer)."""
    if s.is_integer:
        return sympy.Integer(int(rng.integers(1, 4)))
    magnitude = sympy.Rational(int(rng.uniform(0.5, 2.0) * 2**12), 2**12)
    if s.is_nonnegative or s.is_positive or rng.random() < 0.5:
        return magnitude
    return -magnitude


def _draw(
    x: sympy.Symbol,
    parameters: Sequence[sympy.Symbol],
    rng: np.random.Generator,
    attempt: int,
    positive: bool,
) -> dict[sympy.Symbol, sympy.Expr]:
    """One random point: ``x`` from ±[0.3, 2] (wider, ±[0.05, 8], every third attempt),
    an exact dyadic rational so that no rounding enters the evaluation."""
    if attempt % 3 == 2:
        magnitude = float(np.exp(rng.uniform(math.log(0.05), math.log(8.0))))
    else:
        magnitude = float(rng.uniform(0.3, 2.0))
    sign = 1 if positive or rng.random() < 0.5 else -1
    point = {x: sympy.Rational(sign * int(magnitude * 2**20), 2**20)}
    point.update({p: _parameter_value(p, rng) for p in parameters})
    return point


@dataclass(frozen=True)
class _Comparison:
    """``F'`` against ``f`` at one point: its ``x``, the relative gap (``inf`` where ``F'`` is
    undefined but ``f`` is not)."""

    at: sympy.Expr
    gap: float


class _Fast:
    """``expr`` compiled for mpmath at :data:`DIGITS` + 20 digits (``None`` where SymPy's
    printer does not know a function: ``RootSum``, ``exp_polar``; :func:`_value` then
    evaluates it)."""

    def __init__(self, expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> None:
        self.symbols = tuple(symbols)
        try:
            self.fn: Callable[..., Any] | None = sympy.lambdify(
                self.symbols, expr, modules="mpmath"
            )
        except Exception:  # noqa: BLE001 - any printer failure: no fast route
            self.fn = None

    def __call__(self, point: dict[sympy.Symbol, sympy.Rational]) -> Any:
        if self.fn is None:
            return None
        try:
            with mpmath.workdps(DIGITS + 20):
                args = [mpmath.mpf(int(point[s].p)) / int(point[s].q) for s in self.symbols]
                value = mpmath.mpc(self.fn(*args))
        except Exception:  # noqa: BLE001 - a name the printer left (exp_polar), a domain error
            return None
        return value if mpmath.isfinite(value) else None


def _real_mp(value: Any) -> bool:
    return bool(abs(value.imag) <= mpmath.mpf(10) ** (10 - DIGITS) * max(abs(value.real), 1))


def _mp_gap(a: Any, b: Any) -> float:
    scale = max(abs(a), abs(b), mpmath.mpf(10) ** (15 - DIGITS))
    return float(abs(a - b) / scale)


def _compare(
    F: sympy.Expr,
    f: sympy.Expr,
    x: sympy.Symbol,
    count: int,
    rng: np.random.Generator,
    *,
    interval: sympy.Set = _FULL,
    tries: int = 12,
) -> list[_Comparison]:
    """``count`` comparisons at random points where ``f`` is real and finite (inside
    ``interval``); where ``f`` is nowhere real (it holds ``I``), where it is finite.

    Both sides are evaluated by mpmath at :data:`DIGITS` + 20 digits first; a point where
    they disagree is evaluated again by SymPy's ``evalf`` (which raises its precision
    where terms cancel), so that a failure is never an artefact of rounding."""
    dF = _derivative(F, x)
    parameters = sorted((F.free_symbols | f.free_symbols) - {x}, key=lambda s: s.name)
    fast_f, fast_dF = _Fast(f, (x, *parameters)), _Fast(dF, (x, *parameters))
    out: list[_Comparison] = []
    complex_ok = f.has(sympy.I)
    for attempt in range(tries * count):
        if len(out) >= count:
            break
        point = _draw(x, parameters, rng, attempt, positive=attempt >= tries * count // 2)
        if interval != _FULL:
            point[x] = _inside(interval, rng)
        fv, dv = fast_f(point), fast_dF(point)
        fast = fv is not None and dv is not None and (complex_ok or _real_mp(fv))
        if fast and _mp_gap(dv, fv) <= TOLERANCE:
            out.append(_Comparison(point[x], _mp_gap(dv, fv)))
            continue
        exact_f = _value(f, point)
        if exact_f is None or not (complex_ok or _is_real(exact_f)):
            continue
        exact_dF = _slope(F, dF, point, x)
        out.append(_Comparison(point[x], math.inf if exact_dF is None else _gap(exact_dF, exact_f)))
    return out


def _inside(interval: sympy.Set, rng: np.random.Generator) -> sympy.Rational:
    """A random dyadic rational inside a (possibly unbounded) interval."""
    lo, hi = interval.inf, interval.sup
    if lo.is_infinite and hi.is_infinite:
        u = rng.uniform(-2.0, 2.0)
    elif lo.is_infinite:
        u = float(hi) - float(np.exp(rng.uniform(math.log(0.05), math.log(8.0))))
    elif hi.is_infinite:
        u = float(lo) + float(np.exp(rng.uniform(math.log(0.05), math.log(8.0))))
    else:
        a, b = float(lo), float(hi)
        u = a + (b - a) * rng.uniform(0.02, 0.98)
    return sympy.Rational(int(u * 2**20), 2**20)


# --- the check, as verify() uses it ---------------------------------------------------------


def _check_points(
    F: sympy.Expr,
    f: sympy.Expr,
    x: sympy.Symbol,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    valid_on: sympy.Set,
) -> Verification:
    found = _compare(F, f, x, points, rng, interval=valid_on)
    if not found:
        if _symbolic_zero(_derivative(F, x) - f):
            return Verification(True, 0.0, "symbolic derivative", 0, f"dF/d{x} - f simplifies to 0")
        raise NotSupportedError(
            f"no point where {f} is real and finite to check its antiderivative at"
        )
    worst = max(c.gap for c in found)
    where = "" if valid_on == _FULL else f" for {x} in {valid_on}"
    return Verification(
        passed=worst <= rtol,
        max_error=worst,
        method=f"exact derivative at {DIGITS} digits (mpmath)",
        points=len(found),
        details=f"dF/d{x} against the integrand{where}",
    )


def high_precision_check(
    F: sympy.Expr,
    f: sympy.Expr,
    x: sympy.Symbol,
    points: int,
    rng: np.random.Generator,
    rtol: float | None = None,
    *,
    valid_on: sympy.Set = _FULL,
    timeout: float | None = None,
) -> Verification:
    r"""Check that ``F`` is an antiderivative of ``f`` in ``x``: ``dF/dx`` (SymPy's
    derivative) against ``f``, both evaluated by mpmath at :data:`DIGITS` digits at
    ``points`` random points where ``f`` is real and finite (inside ``valid_on``).

    No finite-difference step is involved, so a right answer agrees to some 35 digits and
    never fails for noise; special functions (``erfi``, ``li``, ``Ei``, ``hyper``,
    ``meijerg``, ``RootSum``, ``exp_polar``, ``polylog``...) are evaluated rather than
    refused. Other free symbols get random values in ±[0.5, 2] (positive, integer as
    their assumptions say).

    Args:
        F: The claimed antiderivative.
        f: The integrand.
        x: The variable.
        points: How many points to compare at.
        rng: The random generator.
        rtol: Relative tolerance (``None``: ``config.verify_rtol``).
        valid_on: Where ``F`` claims to hold (the real line by default).
        timeout: Seconds the check may take (``None``: ``config.timeout``).

    Returns:
        A :class:`~symml.derivation.Verification`.

    Raises:
        NotSupportedError: When ``f`` is real and finite at no point tried (and
            ``F' - f`` does not simplify to 0).
        DerivationTimeout: When the evaluation ran past ``timeout``.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> v = high_precision_check(sympy.erfi(x), 2 * sympy.exp(x**2) / sympy.sqrt(sympy.pi),
        ...                          x, 5, np.random.default_rng(0))
        >>> bool(v), v.max_error < 1e-30
        (True, True)
        >>> bool(high_precision_check(x**3 / 3 + x, x**2, x, 5, np.random.default_rng(0)))
        False
    """
    tol = config.verify_rtol if rtol is None else rtol
    return run_limited(
        _check_points,
        sympy.sympify(F),
        sympy.sympify(f),
        x,
        points,
        rng,
        tol,
        valid_on,
        timeout=timeout,
        what="the high-precision check of the antiderivative",
    )


def check_antiderivative(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    variables: tuple[sympy.Symbol, ...],
    valid_on: sympy.Set = _FULL,
    timeout: float | None = None,
) -> Verification:
    r"""The check an indefinite integral attaches (``Derivation(..., check=partial(
    check_antiderivative, f=f, variables=(x, y...)))``): ``d.result`` differentiated in
    the outer variables ``variables[1:]``, then :func:`high_precision_check` in
    ``variables[0]`` (inside ``valid_on``, within ``timeout`` seconds).

    Examples:
        >>> from functools import partial
        >>> x = sympy.Symbol("x", real=True)
        >>> d = Derivation(sympy.li(x), (x,), (), "F", check=partial(
        ...     check_antiderivative, f=1 / sympy.log(x), variables=(x,)))
        >>> bool(d.verify(rng=0))
        True
    """
    F = d.result
    for y in variables[1:]:
        F = sympy.diff(F, y)
    return high_precision_check(
        F, f, variables[0], points, rng, rtol, valid_on=valid_on, timeout=timeout
    )


# --- where a candidate holds ----------------------------------------------------------------


def _symbolic_zero(expr: sympy.Expr) -> bool:
    """Whether ``expr`` simplifies to 0 cheaply (``cancel``, then ``simplify`` for at most
    :data:`SIMPLIFY_SECONDS` where a timer can stop it)."""
    try:
        if sympy.cancel(expr) == 0:
            return True
        return bool(_capped(sympy.simplify, expr) == 0)
    except Exception:  # noqa: BLE001 - SymPy's failures just mean "not shown to be 0"
        return False


def _capped(fn: Callable[..., Any], *args: Any, seconds: float = SIMPLIFY_SECONDS) -> Any:
    """``fn(*args)`` stopped after ``seconds`` by an interval timer (in the main thread;
    elsewhere ``None``, unrun)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        return None

    def stop(signum: int, frame: Any) -> None:
        raise DerivationTimeout

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    except DerivationTimeout:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


#: Where a function's formula changes branch or jumps: ``(class, expressions of its
#: argument that vanish there)``.
_BRANCHES: dict[type, Callable[[sympy.Expr], tuple[sympy.Expr, ...]]] = {
    sympy.log: lambda a: (a,),
    sympy.Abs: lambda a: (a,),
    sympy.sign: lambda a: (a,),
    sympy.Heaviside: lambda a: (a,),
    sympy.polylog: lambda a: (a, a - 1),
    sympy.atanh: lambda a: (a - 1, a + 1),
    sympy.acoth: lambda a: (a - 1, a + 1),
    sympy.asin: lambda a: (a - 1, a + 1),
    sympy.acos: lambda a: (a - 1, a + 1),
    sympy.acosh: lambda a: (a - 1,),
    sympy.atan: lambda a: (1 / a,),
    sympy.tan: lambda a: (sympy.cos(a),),
    sympy.sec: lambda a: (sympy.cos(a),),
    sympy.cot: lambda a: (sympy.sin(a),),
    sympy.csc: lambda a: (sympy.sin(a),),
}


def _critical_expressions(F: sympy.Expr) -> Iterable[sympy.Expr]:
    for node in sympy.preorder_traversal(F):
        rule = _BRANCHES.get(type(node))
        if rule is not None and node.args:
            yield from rule(node.args[-1] if isinstance(node, sympy.polylog) else node.args[0])
        elif (
            isinstance(node, sympy.Pow)
            and not node.exp.is_Integer
            or isinstance(node, sympy.Pow)
            and node.exp.is_negative
        ):
            yield node.base
        elif isinstance(node, sympy.core.relational.Relational):
            gap = node.lhs - node.rhs
            yield gap.replace(sympy.Abs, lambda a: a)
            yield gap.replace(sympy.Abs, lambda a: -a)


def _breakpoints(F: sympy.Expr, x: sympy.Symbol, span: float = 20.0) -> list[sympy.Float]:
    """Real points in ``[-span, span]`` where ``F``'s formula may jump or change branch, to
    :data:`DIGITS` + 10 digits: the real roots of the arguments of its logs, roots, powers,
    inverse functions and conditions (those that are rational in ``x``), and the poles of
    tan, cot, sec, csc."""
    found: dict[float, sympy.Float] = {}
    for e in _critical_expressions(F):
        e = sympy.unpolarify(e)
        if e.has(x):
            found.update((float(r), r) for r in _real_zeros(e, x, span))
    return [found[k] for k in sorted(found)]


def _real_zeros(e: sympy.Expr, x: sympy.Symbol, span: float) -> list[sympy.Float]:
    """Real zeros in ``[-span, span]`` of a rational function of ``x`` (of its numerator and
    denominator), or of sin/cos of a linear argument; otherwise none."""
    digits = DIGITS + 10
    if isinstance(e, (sympy.sin, sympy.cos)):
        a, b = _linear(e.args[0], x)
        if a is None:
            return []
        shift = 0 if isinstance(e, sympy.sin) else sympy.pi / 2
        reach = int(span * abs(float(a)) / math.pi) + 2
        points = [((k * sympy.pi + shift - b) / a).evalf(digits) for k in range(-reach, reach + 1)]
        return [p for p in points if abs(p) <= span]
    if e.free_symbols - {x} or not e.is_rational_function(x):
        return []
    out = []
    for part in sympy.fraction(sympy.together(e)):
        if not part.has(x):
            continue
        try:
            roots = sympy.Poly(part, x).real_roots()
        except (sympy.PolynomialError, NotImplementedError, ValueError):
            continue
        out.extend(r.evalf(digits) for r in roots if abs(r.evalf(15)) <= span)
    return out


def _linear(arg: sympy.Expr, x: sympy.Symbol) -> tuple[Any, Any]:
    """``(a, b)`` for an argument ``a*x + b`` with numbers a != 0, b; else ``(None, None)``."""
    a = sympy.diff(arg, x)
    if a == 0 or a.free_symbols:
        return None, None
    b = sympy.expand(arg - a * x)
    return (a, b) if not b.free_symbols else (None, None)


def _jumps(
    F: sympy.Expr, f: sympy.Expr, x: sympy.Symbol, points: Iterable[sympy.Float]
) -> list[sympy.Float]:
    """The points among ``points`` where ``f`` is real and bounded on both sides (no pole)
    but ``F`` jumps: ``atan(tan(x/2)/2)`` at ``x = pi`` for ``f = 1/(4 cos²(x/2) + ...)``."""
    eps = sympy.Rational(1, 10**20)
    out = []
    for b in points:
        at = sympy.Rational(b)
        bounded = [_value(f, {x: at + s * eps}) for s in (-1, 1)]
        if any(v is None or not _is_real(v) or abs(v) > 1e8 for v in bounded):
            continue
        left, right = (_value(F, {x: at + s * eps}) for s in (-1, 1))
        if left is None or right is None:
            continue
        if abs(left - right) > 1e-12 * max(1, abs(left), abs(right)):
            out.append(b)
    return out


def _real_side(
    f: sympy.Expr, x: sympy.Symbol, lo: float, hi: float, rng: np.random.Generator
) -> bool:
    """Whether ``f`` is real somewhere in ``(lo, hi)`` (at one of 4 random points)."""
    interval = sympy.Interval.open(_exact(lo), _exact(hi))
    for _ in range(4):
        v = _value(f, {x: _inside(interval, rng)})
        if v is not None and _is_real(v):
            return True
    return False


def _domain_hull(
    f: sympy.Expr, x: sympy.Symbol, lo: float, hi: float, home: float, rng: np.random.Generator
) -> tuple[float, float]:
    """``(lo, hi)`` narrowed to the breakpoints of ``f`` beyond which ``f`` is not real
    (``log(x)/(1 - x²)`` is real for ``x > 0`` only: ``(-oo, 1)`` becomes ``(0, 1)``)."""
    for b in map(float, _breakpoints(f, x)):
        if lo < b < home and not _real_side(f, x, max(lo, b - 10), b, rng):
            lo = b
        elif home < b < hi and not _real_side(f, x, b, min(hi, b + 10), rng):
            hi = b
    return lo, hi


def _where_valid(
    F: sympy.Expr,
    f: sympy.Expr,
    x: sympy.Symbol,
    found: list[_Comparison],
    rng: np.random.Generator,
) -> sympy.Set | None:
    """The interval on which ``F`` is an antiderivative, from the comparisons ``found``:
    the real line when all passed and ``F`` does not jump where ``f`` is continuous;
    else the interval between the breakpoints around a passing point (confirmed at new
    points inside); ``None`` when no such interval holds."""
    passed = [float(c.at) for c in found if c.gap <= TOLERANCE]
    failed = [float(c.at) for c in found if c.gap > TOLERANCE]
    if not passed or (F.free_symbols | f.free_symbols) - {x} and failed:
        return None  # a parameter-dependent interval is beyond this check
    exact_breaks = _breakpoints(F, x)
    jumps = [float(b) for b in _jumps(F, f, x, exact_breaks)]
    breaks = [float(b) for b in exact_breaks]
    if not failed and not jumps:
        return _FULL
    home = min(passed, key=lambda p: abs(p - 1.0))
    walls = sorted({*jumps, *(b for b in breaks if any(_between(b, home, q) for q in failed))})
    lo = max((b for b in walls if b < home), default=-math.inf)
    hi = min((b for b in walls if b > home), default=math.inf)
    if any(lo < q < hi for q in failed):
        return None
    lo, hi = _domain_hull(f, x, lo, hi, home, rng)
    interval = sympy.Interval.open(_exact(lo), _exact(hi))
    confirm = _compare(F, f, x, 4, rng, interval=interval)
    if len(confirm) < 2 or any(c.gap > TOLERANCE for c in confirm):
        return None
    return interval


def _between(b: float, home: float, q: float) -> bool:
    return min(home, q) < b < max(home, q)


def _exact(b: float) -> sympy.Expr:
    """A breakpoint as SymPy writes it: oo, an integer, pi/2, sqrt(2)... where it is one."""
    if math.isinf(b):
        return sympy.oo if b > 0 else -sympy.oo
    return sympy.nsimplify(b, [sympy.pi], tolerance=1e-12)


def _verify(F: sympy.Expr, f: sympy.Expr, x: sympy.Symbol, rng: np.random.Generator) -> _Verdict:
    """The portfolio's check of one candidate: :data:`CHECK_POINTS` comparisons, then where
    the candidate holds."""
    found = _compare(F, f, x, CHECK_POINTS, rng)
    if not found:
        if _symbolic_zero(_derivative(F, x) - f):
            check = Verification(True, 0.0, "symbolic derivative", 0, f"dF/d{x} - f = 0")
            return _Verdict(check, _FULL, "")
        return _Verdict(None, None, f"no point where {f} is real and finite to check it at")
    worst = max(c.gap for c in found)
    where = _where_valid(F, f, x, found, rng)
    if where is None:
        bad = next(c for c in found if c.gap > TOLERANCE)
        return _Verdict(
            None, None, f"dF/d{x} differs from the integrand at {x} = {float(bad.at):.4g}"
        )
    shown = [c for c in found if where.contains(c.at) == sympy.true] or found
    check = Verification(
        passed=True,
        max_error=max(c.gap for c in shown),
        method=f"exact derivative at {DIGITS} digits (mpmath)",
        points=len(shown),
        details=f"dF/d{x} against the integrand" + ("" if where == _FULL else f" on {where}"),
    )
    del worst
    return _Verdict(check, where, "")


@dataclass(frozen=True)
class _Verdict:
    check: Verification | None
    valid_on: sympy.Set | None
    reason: str


# --- the methods ----------------------------------------------------------------------------


class _NoAnswer(Exception):
    """A method does not apply, or found no closed form."""


@dataclass(frozen=True)
class _Found:
    """What a method returns: a candidate and the steps that led to it (the final line
    ``\\int f\\,dx = F`` is added by the portfolio)."""

    F: sympy.Expr
    steps: tuple[Step, ...] = ()


def _integral_tex(f: sympy.Expr, x: sympy.Symbol) -> str:
    return tex(sympy.Integral(f, x))


def _closed(F: Any) -> sympy.Expr:
    """``F`` when it is a closed form (no unevaluated integral, nan or None), else
    :class:`_NoAnswer`."""
    if F is None or not isinstance(F, sympy.Basic):
        raise _NoAnswer("no closed form")
    if F.has(sympy.Integral, NonElementaryIntegral, sympy.nan, sympy.zoo):
        raise _NoAnswer("no closed form (an integral is left unevaluated)")
    return F


def _by_sympy(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    return _Found(_closed(sympy.integrate(f, x)))


def _by_manual(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    return _Found(_closed(manualintegrate(f, x)))


def _by_risch(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    F = risch_integrate(f, x)
    if isinstance(F, NonElementaryIntegral) or F.has(NonElementaryIntegral):
        raise _NoAnswer("the Risch algorithm proves it non-elementary")
    return _Found(_closed(F))


def _by_heurisch(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    return _Found(_closed(heurisch(f, x)))


def _by_meijerg(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    return _Found(_closed(sympy.integrate(f, x, meijerg=True)))


def _is_rational(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return bool(f.has(x) and f.is_rational_function(x))


def _rational_antiderivative(
    f: sympy.Expr, x: sympy.Symbol, parts: sympy.Expr | None = None
) -> sympy.Expr:
    """∫ f dx of a rational function: partial fractions (``parts``, from ``apart``), then
    each fraction numerator monomial by monomial through ``ratint`` (SymPy's ``ratint``
    drops the log/atan part of some whole fractions, e.g. (75043x³ - ...)/(3x⁴ + 2), and
    takes longer on them than on their monomials together)."""
    if parts is None:
        parts = _partial_fractions(f, x)
    total = sympy.S.Zero
    for term in sympy.Add.make_args(parts):
        num, den = sympy.fraction(sympy.factor_terms(term))
        if not den.has(x):
            total += sympy.integrate(sympy.expand(term), x)
            continue
        if _root_sum_denominator(den, x):
            total += _root_sum_antiderivative(term, x)
            continue
        for piece in sympy.Add.make_args(sympy.expand(num)):
            total += ratint(piece / den, x)
    return _closed(total)


def _root_sum_denominator(den: sympy.Expr, x: sympy.Symbol) -> bool:
    """Whether ``den`` is a power of one irreducible polynomial of degree 3 or more that is
    not a polynomial in ``x^k`` (k ≥ 2): its roots have no useful radical form (Cardano's
    for a cubic, tens of thousands of characters after ``ratint``), so the antiderivative
    is written as a ``RootSum`` over them."""
    factors = [q for q, _ in sympy.factor_list(den, x)[1] if q.has(x)]
    if len(factors) != 1:
        return False
    poly = sympy.Poly(factors[0], x)
    if poly.degree() < 3:
        return False
    powers = [m[0] for m in poly.monoms() if m[0]]
    return sympy.igcd(*powers) == 1 if len(powers) > 1 else False


def _root_sum_antiderivative(term: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    """∫ of a proper fraction over the roots r of its denominator: ``apart(full=True)``
    gives ``RootSum(q, r -> c(r)/(x - r)^k)``; each ``c/(x - r)^k`` integrates to
    ``c log(x - r)`` or ``-c/((k - 1)(x - r)^(k - 1))``."""
    total = sympy.S.Zero
    for part in sympy.Add.make_args(sympy.apart(term, x, full=True)):
        if isinstance(part, sympy.RootSum):
            fn = part.fun
            total += sympy.RootSum(part.poly, sympy.Lambda(fn.variables, ratint(fn.expr, x)))
        else:
            total += ratint(part, x)
    return total


def _partial_fractions(f: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    try:
        return sympy.apart(sympy.cancel(f), x)
    except (sympy.PolynomialError, NotImplementedError):
        return f


def _by_rational(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    parts = _partial_fractions(f, x)
    F = _rational_antiderivative(f, x, parts)
    return _Found(
        F,
        (
            Step.equation("partial fractions", tex(f), parts),
            Step.equation("integrate term by term", rf"\int {tex(parts)}\, d{tex(x)}", F),
        ),
    )


def _inner(g: sympy.Expr, u: sympy.Symbol) -> sympy.Expr:
    """∫ g du after a substitution or a rewriting: rational functions by partial fractions,
    others by the exponential substitution (where ``g`` has exponentials),
    ``manualintegrate``, the Risch algorithm, then ``sympy.integrate``."""
    if _is_rational(g, u):
        return _rational_antiderivative(g, u)
    chain = (_by_manual, _by_risch, _by_sympy)
    if _has_exponential(g, u):
        chain = (_by_exp_substitution, *chain)
    for method in chain:
        try:
            return method(g, u).F
        except _NoAnswer:
            continue
        except Exception:  # noqa: BLE001 - whatever SymPy raises, try the next
            continue
    raise _NoAnswer(f"no antiderivative of {g} in {u}")


def _substituted(
    f: sympy.Expr,
    x: sympy.Symbol,
    g: sympy.Expr,
    u: sympy.Symbol,
    back: sympy.Expr,
    title: str,
) -> _Found:
    """The answer of a substitution ``u = back(x)`` that turned ``∫ f dx`` into ``∫ g du``."""
    g = sympy.cancel(g) if _is_rational(g, u) else g
    if g.has(x):
        raise _NoAnswer(f"{title} leaves {x} in the integrand")
    G = _inner(g, u)
    F = G.xreplace({u: back})
    return _Found(
        F,
        (
            Step(
                title,
                rf"{_integral_tex(f, x)} = {_integral_tex(g, u)}, \quad {tex(u)} = {tex(back)}",
            ),
            Step.equation(f"integrate in {u}", _integral_tex(g, u), G),
            Step.equation("substitute back", _integral_tex(f, x), F),
        ),
    )


def _u() -> sympy.Symbol:
    return sympy.Symbol("u", positive=True)


def _exponentials(f: sympy.Expr, x: sympy.Symbol) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """Each ``exp(a)`` and ``b**a`` (``b`` a number) of ``f`` whose exponent holds ``x``, as
    ``(the power, its exponent in base e)``."""
    out = []
    for p in f.atoms(sympy.exp, sympy.Pow):
        if isinstance(p, sympy.exp) and p.args[0].has(x):
            out.append((p, p.args[0]))
        elif isinstance(p, sympy.Pow) and p.exp.has(x) and not p.base.has(x):
            out.append((p, p.exp * sympy.log(p.base)))
    return out


def _has_exponential(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return bool(_exponentials(f, x)) or f.has(*_HYPERBOLIC)


def _as_exponentials(f: sympy.Expr) -> sympy.Expr:
    """``f`` with its hyperbolic functions written as exponentials."""
    for cls in _HYPERBOLIC:
        f = f.replace(cls, lambda a, cls=cls: cls(a).rewrite(sympy.exp))
    return f


def _by_exp_substitution(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""u = e^{cx} (or b^{cx}), c the largest common slope of the exponentials of ``f``
    (hyperbolic functions written as exponentials): ``∫ R(e^{cx}) dx = ∫ R(u)/(c u) du``."""
    f = _as_exponentials(f)
    powers = _exponentials(f, x)
    if not powers:
        raise _NoAnswer("no exponential")
    slopes = []
    for _, exponent in powers:
        a, _b = _linear(sympy.expand(exponent), x)
        if a is None:
            raise _NoAnswer("an exponent is not linear in x")
        slopes.append(a)
    ratios = [sympy.nsimplify(s / slopes[0]) for s in slopes]
    if not all(r.is_Rational for r in ratios):
        raise _NoAnswer("the exponentials have incommensurable slopes")
    unit = slopes[0] / sympy.ilcm(*(r.q for r in ratios))
    u = _u()
    repl = {}
    for (power, exponent), r in zip(powers, ratios, strict=True):
        k = r * slopes[0] / unit
        repl[power] = sympy.exp(sympy.expand(exponent - k * unit * x)) * u**k
    g = f.xreplace(repl) / (unit * u)
    bases = {p.base for p, _ in powers if isinstance(p, sympy.Pow)}
    if len(bases) == 1 and not any(isinstance(p, sympy.exp) for p, _ in powers):
        (base,) = bases
        back = base ** sympy.simplify(unit * x / sympy.log(base))
    else:
        back = sympy.exp(unit * x)
    return _substituted(f, x, g, u, back, f"substitute u = {back}")


def _powers_of_x(f: sympy.Expr, x: sympy.Symbol) -> list[sympy.Rational]:
    return [p.exp for p in f.atoms(sympy.Pow) if p.base == x and p.exp.is_Rational]


def _by_root_substitution(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""x = u^q, q the common denominator of the fractional powers of x:
    ``∫ R(x^{1/q}) dx = ∫ R(u) q u^{q-1} du`` (x > 0)."""
    q = sympy.ilcm(*(e.q for e in _powers_of_x(f, x) if not e.is_Integer), 1)
    if q == 1:
        raise _NoAnswer("no fractional power of x")
    u = _u()
    g = sympy.powdenest(f.xreplace({x: u**q}), force=True) * q * u ** (q - 1)
    return _substituted(f, x, g, u, x ** sympy.Rational(1, q), f"substitute u = x^(1/{q})")


def _by_power_substitution(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""u = x^n: ``∫ x^{n-1} h(x^n) dx = (1/n) ∫ h(u) du``, for each integer power n ≥ 2 of x
    in ``f`` (the largest first)."""
    exponents = sorted({int(e) for e in _powers_of_x(f, x) if e.is_Integer and e > 1}, reverse=True)
    u = _u()
    for n in [*exponents, *{abs(int(e)) for e in _powers_of_x(f, x) if e.is_Integer and e < -1}]:
        h = sympy.powsimp(sympy.expand_power_base(f / x ** (n - 1))).subs(x**n, u)
        if not h.has(x):
            return _substituted(f, x, h / n, u, x**n, f"substitute u = x^{n}")
    raise _NoAnswer("no power substitution applies")


def _linear_roots(f: sympy.Expr, x: sympy.Symbol) -> list[sympy.Pow]:
    return [
        p
        for p in f.atoms(sympy.Pow)
        if p.exp.is_Rational
        and not p.exp.is_Integer
        and p.base.has(x)
        and p.base != x
        and _linear(p.base, x)[0] is not None
    ]


def _by_linear_root_substitution(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""u = (ax + b)^{1/q}: ``x = (u^q - b)/a``, ``dx = q u^{q-1}/a du``, for one linear base
    under fractional powers with common denominator q."""
    roots = _linear_roots(f, x)
    bases = {p.base for p in roots}
    if len(bases) != 1:
        raise _NoAnswer("not one linear expression under the roots")
    (base,) = bases
    a, b = _linear(base, x)
    q = sympy.ilcm(*(p.exp.q for p in roots))
    u = _u()
    g = sympy.powdenest(f.xreplace({x: (u**q - b) / a}), force=True) * q * u ** (q - 1) / a
    back = base ** sympy.Rational(1, q)
    return _substituted(
        f, x, sympy.expand_power_base(g, force=True), u, back, f"substitute u = {back}"
    )


#: The trigonometric functions written with sin and cos, for the tan substitutions.
_SIN_COS: dict[type, Callable[[sympy.Expr], sympy.Expr]] = {
    sympy.tan: lambda a: sympy.sin(a) / sympy.cos(a),
    sympy.cot: lambda a: sympy.cos(a) / sympy.sin(a),
    sympy.sec: lambda a: 1 / sympy.cos(a),
    sympy.csc: lambda a: 1 / sympy.sin(a),
}


def _trig_argument(f: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr]:
    """``f`` in sin and cos of one linear argument ``θ = a x + b`` (multiple angles
    expanded), and ``θ``; :class:`_NoAnswer` when there is no such single argument."""
    g = f
    for cls, rule in _SIN_COS.items():
        g = g.replace(cls, rule)
    g = sympy.expand_trig(g)
    args = {t.args[0] for t in g.atoms(sympy.sin, sympy.cos)}
    if len(args) != 1:
        raise _NoAnswer("not one trigonometric argument")
    (theta,) = args
    if _linear(theta, x)[0] is None:
        raise _NoAnswer("the trigonometric argument is not linear")
    return g, theta


def _trig_rational(f: sympy.Expr, x: sympy.Symbol) -> bool:
    try:
        g, _ = _trig_argument(f, x)
    except _NoAnswer:
        return False
    s, c = sympy.Dummy(), sympy.Dummy()
    h = g.replace(sympy.sin, lambda a: s).replace(sympy.cos, lambda a: c)
    return not h.has(x) and bool(h.is_rational_function(s, c))


def _periodic(
    G: sympy.Expr, t: sympy.Symbol, back: sympy.Expr, theta: sympy.Expr, period: Any
) -> sympy.Expr:
    """``G(back)`` made continuous: ``back`` (tan of θ/2 or of θ) runs from -oo to oo on
    each period of θ, so ``G(back)`` jumps by ``G(oo) - G(-oo)`` where θ crosses a multiple
    of the period; a floor term adds those jumps back (as SymPy's own answers do)."""
    jump = sympy.limit(G, t, sympy.oo) - sympy.limit(G, t, -sympy.oo)
    F = G.xreplace({t: back})
    if jump == 0:
        return F
    if not jump.is_finite:
        raise _NoAnswer("the substituted antiderivative is unbounded at the period's ends")
    return F + sympy.simplify(jump) * sympy.floor((theta + period / 2) / period)


def _tan_substitution(f: sympy.Expr, x: sympy.Symbol, half: bool) -> _Found:
    g, theta = _trig_argument(f, x)
    a, _ = _linear(theta, x)
    t = sympy.Symbol("t", real=True)
    if half:  # Weierstrass: t = tan(θ/2)
        sin, cos, dtheta = 2 * t / (1 + t**2), (1 - t**2) / (1 + t**2), 2 / (1 + t**2)
        back, period, title = sympy.tan(theta / 2), 2 * sympy.pi, "Weierstrass substitution"
    else:  # t = tan θ, for integrands even in (sin, cos) together
        c = sympy.Dummy("c", positive=True)
        sin, cos, dtheta = t * c, c, c**2
        back, period, title = sympy.tan(theta), sympy.pi, "substitution"
    h = g.replace(sympy.sin, lambda arg: sin).replace(sympy.cos, lambda arg: cos) * dtheta / a
    if not half:
        h = sympy.cancel(sympy.expand(h)).subs(c**2, 1 / (1 + t**2))
        if h.has(c):
            raise _NoAnswer("the integrand is not even in (sin, cos)")
    h = sympy.cancel(h)
    if h.has(x) or not h.is_rational_function(t):
        raise _NoAnswer("not a rational function of sin and cos")
    G = _rational_antiderivative(h, t)
    F = _periodic(G, t, back, theta, period)
    return _Found(
        F,
        (
            Step(
                f"{title} t = {back}",
                rf"{_integral_tex(f, x)} = {_integral_tex(h, t)}, \quad t = {tex(back)}",
            ),
            Step.equation("partial fractions, term by term", _integral_tex(h, t), G),
            Step.equation(
                "substitute back (continuous across the periods)", _integral_tex(f, x), F
            ),
        ),
    )


def _by_weierstrass(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    return _tan_substitution(f, x, half=True)


def _by_tan(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    return _tan_substitution(f, x, half=False)


def _by_log_derivative(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""f = c g'/g for g the denominator of f (or one of its factors): F = c log(g)."""
    _, den = sympy.fraction(sympy.together(f))
    candidates = [den, *(b for b, _ in sympy.factor_list(den)[1])] if den.has(x) else []
    for g in candidates:
        dg = sympy.diff(g, x)
        if dg == 0:
            continue
        c = sympy.cancel(f * g / dg)
        if not c.has(x):
            F = c * sympy.log(g)
            return _Found(
                F,
                (
                    Step(
                        f"logarithmic derivative: f = c g'/g, g = {g}",
                        rf"{_integral_tex(f, x)} = {tex(F)}",
                    ),
                ),
            )
    raise _NoAnswer("not a logarithmic derivative")


#: The functions integration by parts differentiates away (their derivatives are algebraic).
_INVERSE_FUNCTIONS = (
    sympy.log,
    sympy.atan,
    sympy.asin,
    sympy.acos,
    sympy.acot,
    sympy.asinh,
    sympy.acosh,
    sympy.atanh,
    sympy.acoth,
)


def _by_parts(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""``∫ p(x) L(g(x)) dx = P L - ∫ P L' dx`` for a polynomial (or rational) ``p`` with
    antiderivative ``P`` and one log or inverse function ``L`` of ``x``, whose derivative
    ``L'`` is algebraic: ``∫ log(x + sqrt(x² + 1)) dx``, ``∫ x² atan(x) dx``."""
    funcs = [a for a in f.atoms(*_INVERSE_FUNCTIONS) if a.has(x)]
    if len(funcs) != 1:
        raise _NoAnswer("not one log or inverse function")
    (L,) = funcs
    p = sympy.cancel(f / L)
    if p.has(L) or not (p.is_rational_function(x)):
        raise _NoAnswer("not a rational function times a log or inverse function")
    P = _inner(p, x)
    dL = sympy.cancel(sympy.radsimp(sympy.together(sympy.diff(L, x))))
    rest = sympy.expand(P * dL)
    R = _inner(rest, x)
    F = P * L - R
    return _Found(
        F,
        (
            Step(
                f"integrate by parts, u = {L}",
                rf"{_integral_tex(f, x)} = {tex(P * L)} - {_integral_tex(rest, x)}",
            ),
            Step.equation(f"integrate in {x}", _integral_tex(rest, x), R),
        ),
    )


def _gaussian(n: int, a: sympy.Expr, t: sympy.Symbol) -> sympy.Expr:
    """∫ t^n exp(a t²) dt by the reduction ``t^(n-1) e^(at²)/(2a) - (n-1)/(2a) ∫ t^(n-2)...``,
    down to erf/erfi (n = 0) or e^(at²)/(2a) (n = 1)."""
    if n == 1:
        return sympy.exp(a * t**2) / (2 * a)
    if n == 0:
        if a.is_negative:
            return sympy.sqrt(sympy.pi) * sympy.erf(sympy.sqrt(-a) * t) / (2 * sympy.sqrt(-a))
        if a.is_positive:
            return sympy.sqrt(sympy.pi) * sympy.erfi(sympy.sqrt(a) * t) / (2 * sympy.sqrt(a))
        raise _NoAnswer("the sign of the quadratic's coefficient is unknown")
    return t ** (n - 1) * sympy.exp(a * t**2) / (2 * a) - (n - 1) / (2 * a) * _gaussian(n - 2, a, t)


def _is_gaussian(f: sympy.Expr, x: sympy.Symbol) -> bool:
    exps = [e for e in f.atoms(sympy.exp) if e.has(x)]
    return len(exps) == 1 and sympy.degree(exps[0].args[0], x) == 2 if exps else False


def _by_gaussian_moments(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""``∫ p(x) e^{ax² + bx + c} dx`` for a polynomial ``p``: complete the square
    (``t = x + b/(2a)``), expand ``p`` in ``t``, and integrate each ``t^n e^{at²}`` by the
    reduction formula down to ``erf``/``erfi``: the moments of a Gaussian density."""
    (e,) = [e for e in f.atoms(sympy.exp) if e.has(x)]
    q = sympy.Poly(e.args[0], x)
    if q.degree() != 2 or q.free_symbols - {x}:
        raise _NoAnswer("not a numeric quadratic exponent")
    a, b, c = q.all_coeffs()
    p = sympy.cancel(f / e)
    if not p.is_polynomial(x):
        raise _NoAnswer("not a polynomial times a Gaussian")
    t = sympy.Dummy("t")
    h = b / (2 * a)
    shifted = sympy.Poly(sympy.expand(p.subs(x, t - h)), t)
    G = sympy.Add(*(coef * _gaussian(m[0], a, t) for m, coef in shifted.terms()))
    F = sympy.exp(c - a * h**2) * G.subs(t, x + h)
    return _Found(
        F,
        (
            Step(
                "complete the square, then the Gaussian moments",
                rf"{_integral_tex(f, x)} = {tex(F)}",
            ),
        ),
    )


def _transcendental_atoms(f: sympy.Expr, x: sympy.Symbol) -> set[sympy.Expr]:
    return {
        a
        for a in f.atoms(sympy.Function, sympy.Pow)
        if a.has(x) and not (isinstance(a, sympy.Pow) and a.exp.is_Integer)
    }


def _dilogarithm(term: sympy.Expr, x: sympy.Symbol) -> sympy.Expr | None:
    r"""∫ c log(px + q)/(x - r) dx in a form that is real wherever the integrand is
    (``px + q > 0``), or ``None`` for another kind of term. With ``t = x - r`` and
    ``s = pr + q`` (the log's argument at the pole):
    ``s > 0``: :math:`\log s \log|t| - \operatorname{Li}_2(-pt/s)`;
    ``s < 0``: :math:`\tfrac12\log^2(pt) + \operatorname{Li}_2(-s/(pt))`;
    ``s = 0``: :math:`\tfrac12\log^2(pt)`."""
    logs = term.atoms(sympy.log)
    if len(logs) != 1:
        return None
    (lg,) = logs
    p, q = _linear(lg.args[0], x)
    rest = sympy.cancel(term / lg)
    if p is None or rest.has(sympy.log) or not rest.is_rational_function(x):
        return None
    num, den = sympy.fraction(rest)
    if num.has(x) or sympy.degree(den, x) != 1:
        return None
    a, b = _linear(den, x)
    if a is None:
        return None
    r, c = -b / a, num / a
    s, t = p * r + q, x - r
    if s.is_positive:
        G = sympy.log(s) * sympy.log(sympy.Abs(t)) - sympy.polylog(2, -p * t / s)
    elif s.is_negative:
        G = sympy.log(p * t) ** 2 / 2 + sympy.polylog(2, -s / (p * t))
    elif s.is_zero:
        G = sympy.log(p * t) ** 2 / 2
    else:
        return None
    return c * G


def _by_partial_fractions(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    r"""Partial fractions in ``x`` with the transcendental parts (``log(x)``, ``e^x``...) held as
    coefficients, then each term: ``log(px + q)/(x - r)`` by the dilogarithm
    (:func:`_dilogarithm`, real where the integrand is), others by
    ``manualintegrate``/Risch/``integrate``:
    ``log(x)/(1 - x²) = log(x)/(2(1 - x)) + log(x)/(2(1 + x))``."""
    atoms = _transcendental_atoms(f, x)
    if not atoms:
        raise _NoAnswer("no transcendental part")
    held = {a: sympy.Dummy(f"a{i}") for i, a in enumerate(atoms)}
    g = f.xreplace(held)
    if g.has(x) and not g.is_rational_function(x):
        raise _NoAnswer("not rational in x with the transcendental parts held")
    parts = sympy.apart(sympy.cancel(g), x).xreplace({d: a for a, d in held.items()})
    terms = sympy.Add.make_args(sympy.expand(parts))
    special = [_dilogarithm(term, x) for term in terms]
    if len(terms) < 2 and special[0] is None:
        raise _NoAnswer("one term only")
    F = sympy.Add(
        *(G if G is not None else _inner(t, x) for t, G in zip(terms, special, strict=True))
    )
    return _Found(
        F,
        (
            Step.equation("partial fractions", tex(f), parts),
            Step.equation("integrate term by term", rf"\int {tex(parts)}\, d{tex(x)}", F),
        ),
    )


_HYPERBOLIC = (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)

#: Rewritings of the integrand tried by the ``rewritten integrand`` method, in order.
_REWRITES: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr]], ...] = (
    ("simplify", lambda f: _capped(sympy.simplify, f)),
    (
        "hyperbolic functions as exponentials",
        lambda f: f.rewrite(sympy.exp) if f.has(*_HYPERBOLIC) else None,
    ),
    ("expand", sympy.expand),
    (
        "trigonometric identities",
        lambda f: _capped(sympy.trigsimp, f) if f.has(sympy.sin, sympy.cos, sympy.tan) else None,
    ),
)


def _by_rewriting(f: sympy.Expr, x: sympy.Symbol) -> _Found:
    """The integrand simplified or rewritten, then ``manualintegrate``, Risch, ``integrate``."""
    for title, rewrite in _REWRITES:
        g = rewrite(f)
        if g is None or g == f:
            continue
        try:
            G = _inner(g, x)
        except _NoAnswer:
            continue
        return _Found(
            G,
            (
                Step.equation(f"rewrite the integrand ({title})", tex(f), g),
                Step.equation("integrate", _integral_tex(g, x), G),
            ),
        )
    raise _NoAnswer("no rewriting helped")


def _always(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return True


@dataclass(frozen=True)
class Method:
    """One method of the portfolio.

    Attributes:
        name: Its name (``Antiderivative.method``).
        title: How its step is titled.
        run: ``run(f, x)`` -> the candidate (raises when it has none).
        applies: ``applies(f, x)``: whether to try it at all (a cheap test, in the parent).
        share: The fraction of the budget it may use (at least :data:`MIN_METHOD_SECONDS`).
    """

    name: str
    title: str
    run: Callable[[sympy.Expr, sympy.Symbol], _Found]
    applies: Callable[[sympy.Expr, sympy.Symbol], bool] = _always
    share: float = 0.3


def _has_roots(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return any(not e.is_Integer for e in _powers_of_x(f, x))


def _has_integer_powers(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return any(e.is_Integer and abs(e) > 1 for e in _powers_of_x(f, x))


def _has_linear_roots(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return bool(_linear_roots(f, x))


def _has_inverse_function(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return any(a.has(x) for a in f.atoms(*_INVERSE_FUNCTIONS))


def _not_rational(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return not _is_rational(f, x)


#: The portfolio, in the order the methods are started (two at a time): SymPy's own
#: ``integrate`` first (it answers most integrals, and may take the whole budget), beside
#: the quick ones: a log derivative, partial fractions, SymPy's rules, the substitutions
#: (each tried only where its form occurs); then the slower general methods.
METHODS: tuple[Method, ...] = (
    Method("sympy.integrate", "SymPy integrate", _by_sympy, share=1.0),
    Method("logarithmic derivative", "logarithmic derivative", _by_log_derivative, share=0.1),
    Method("rational", "partial fractions", _by_rational, _is_rational, share=0.6),
    Method("manualintegrate", "integration rules (manualintegrate)", _by_manual, share=0.2),
    Method("Gaussian moments", "Gaussian moments", _by_gaussian_moments, _is_gaussian),
    Method("integration by parts", "integration by parts", _by_parts, _has_inverse_function),
    Method(
        "substitution u = exp(c*x)",
        "exponential substitution",
        _by_exp_substitution,
        _has_exponential,
    ),
    Method("substitution u = x**(1/q)", "root substitution", _by_root_substitution, _has_roots),
    Method(
        "substitution u = x**n", "power substitution", _by_power_substitution, _has_integer_powers
    ),
    Method(
        "substitution u = (a*x + b)**(1/q)",
        "linear root substitution",
        _by_linear_root_substitution,
        _has_linear_roots,
    ),
    Method(
        "Weierstrass substitution",
        "Weierstrass substitution",
        _by_weierstrass,
        _trig_rational,
        share=0.4,
    ),
    Method("substitution t = tan(x)", "tangent substitution", _by_tan, _trig_rational),
    Method("risch", "Risch algorithm", _by_risch, _not_rational, share=0.3),
    Method(
        "partial fractions over transcendental parts",
        "partial fractions",
        _by_partial_fractions,
        _not_rational,
        share=0.5,
    ),
    Method("rewritten integrand", "rewritten integrand", _by_rewriting, _not_rational, share=0.5),
    Method("heurisch", "Risch-Norman heuristic", _by_heurisch, _not_rational, share=0.4),
    Method("meijerg", "Meijer G-functions", _by_meijerg, _not_rational, share=0.5),
)


# --- one attempt, in a worker ---------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What one method's attempt came to: ``kind`` is ``"ok"`` (a verified candidate),
    ``"rejected"`` (a candidate that failed the check), ``"none"`` (no candidate) or
    ``"timeout"``."""

    method: str
    kind: str
    F: sympy.Expr | None = None
    steps: tuple[Step, ...] = ()
    valid_on: sympy.Set | None = None
    check: Verification | None = None
    reason: str = ""


def _tidy(F: sympy.Expr) -> sympy.Expr:
    """Polar numbers (SymPy's Meijer G route leaves ``exp_polar(I*pi)``) made ordinary."""
    F = sympy.unpolarify(F)
    return F.replace(sympy.exp_polar, sympy.exp) if F.has(sympy.exp_polar) else F


def _size(F: sympy.Expr) -> tuple[int, int, int]:
    """How complicated a form is: special forms (``RootSum``, ``Piecewise``, ``I``) first,
    then SymPy's operation count, then the length of its text."""
    special = F.has(sympy.RootSum, sympy.Piecewise, sympy.meijerg, sympy.hyper) + F.has(sympy.I)
    return special, int(sympy.count_ops(F)), len(str(F))


def _much_simpler(form: sympy.Expr, F: sympy.Expr) -> bool:
    """Whether ``form`` is shorter than ``F`` by a fifth (in operations and in text), with
    no special form that ``F`` lacks."""
    (s1, ops1, len1), (s2, ops2, len2) = _size(form), _size(F)
    return s1 <= s2 and ops1 <= 0.8 * ops2 and len1 < len2


def _simpler_forms(F: sympy.Expr) -> Iterable[sympy.Expr]:
    """Cheaper rewritings first (common factors pulled out), then SymPy's ``simplify``
    for at most :data:`SIMPLIFY_SECONDS` (``floor`` terms and larger forms skip it)."""
    yield sympy.factor_terms(F)
    if not F.has(sympy.floor) and sympy.count_ops(F) <= SIMPLIFY_MAX_OPS:
        simple = _capped(sympy.simplify, F)
        if simple is not None:
            yield simple


def _simplest(
    F: sympy.Expr, f: sympy.Expr, x: sympy.Symbol, rng: np.random.Generator, verdict: _Verdict
) -> tuple[sympy.Expr, _Verdict] | None:
    """A simpler form of a verified ``F`` that verifies as well (``None`` if none)."""
    if F.has(sympy.Piecewise, sympy.RootSum) or sympy.count_ops(F) < SIMPLIFY_MIN_OPS:
        return None
    best = None
    for form in _simpler_forms(F):
        if form == F or not _much_simpler(form, best[0] if best else F):
            continue
        again = _verify(form, f, x, rng)
        if again.check is not None and again.valid_on in (verdict.valid_on, _FULL):
            best = (form, again)
    return best


def _attempt(method: Method, f: sympy.Expr, x: sympy.Symbol, seed: int) -> _Outcome:
    """Run one method, then check its candidate (and a simpler form of it)."""
    try:
        found = method.run(f, x)
    except _NoAnswer as exc:
        return _Outcome(method.name, "none", reason=str(exc))
    except Exception as exc:  # noqa: BLE001 - whatever SymPy raises, the method has no answer
        return _Outcome(method.name, "none", reason=f"{type(exc).__name__}: {exc}"[:200])
    F = _tidy(found.F)
    rng = np.random.default_rng(seed)
    verdict = _verify(F, f, x, rng)
    if verdict.check is None:
        return _Outcome(method.name, "rejected", F=F, reason=verdict.reason)
    steps = found.steps or (Step.equation(method.title, _integral_tex(f, x), F),)
    simpler = _simplest(F, f, x, rng, verdict)
    if simpler is not None:
        F, verdict = simpler
        steps = (*steps, Step.equation("simplify", _integral_tex(f, x), F))
    return _Outcome(method.name, "ok", F, steps, verdict.valid_on, verdict.check)


# --- the workers ----------------------------------------------------------------------------


@dataclass
class _Job:
    """A forked worker running one attempt: its pid, the pipe its result comes back on,
    and when it is killed."""

    method: Method
    pid: int
    fd: int
    until: float
    data: bytearray = field(default_factory=bytearray)


def _start(method: Method, f: sympy.Expr, x: sympy.Symbol, seed: int, until: float) -> _Job:
    """Fork a worker for ``_attempt(method, f, x, seed)`` (as :func:`symml.deadline.run_limited`
    does, but several at once, each read back through its own pipe)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker (coverage does not follow forks)
        try:
            os.close(read)
            try:
                outcome = _attempt(method, f, x, seed)
                payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                shown = portable_exception(exc, method.name)
                payload = pickle.dumps(
                    _Outcome(method.name, "none", reason=f"{type(shown).__name__}: {shown}"[:200])
                )
            view = memoryview(payload)
            while view:
                view = view[os.write(write, view) :]
        finally:
            os._exit(0)
    os.close(write)
    return _Job(method, pid, read, until)


def _stop(job: _Job) -> None:
    """Kill a worker (it may have finished already) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(job.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(job.pid, 0)
    os.close(job.fd)


def _read(job: _Job) -> _Outcome | None:
    """Read what the worker has written; its outcome once the pipe is closed."""
    chunk = os.read(job.fd, 1 << 16)
    if chunk:
        job.data += chunk
        return None
    try:
        return pickle.loads(bytes(job.data))
    except Exception:  # noqa: BLE001 - the worker died before it finished writing
        return _Outcome(job.method.name, "none", reason="the worker process crashed")


def _cap(method: Method, deadline: Deadline) -> float:
    """Seconds a method may run: its share of the budget (of ``config.timeout`` when the
    budget is unlimited, except SymPy's ``integrate``, which then runs unbounded)."""
    if math.isinf(deadline.timeout):
        return (
            math.inf
            if method.name == "sympy.integrate"
            else max(MIN_METHOD_SECONDS, method.share * config.timeout)
        )
    return max(MIN_METHOD_SECONDS, method.share * deadline.timeout)


def _portfolio(
    methods: Sequence[Method], f: sympy.Expr, x: sympy.Symbol, deadline: Deadline, seed: int
) -> list[_Outcome]:
    """Run the methods, :data:`WORKERS` at a time, each in a forked worker killed at its
    cap or at the deadline; stop :data:`GRACE_SECONDS` after the first answer verified on
    the whole real line (after the last method, when the answers hold on intervals only)."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: one at a time
        return _in_turn(methods, f, x, deadline, seed)
    pending = list(enumerate(methods))
    jobs: list[_Job] = []
    outcomes: list[_Outcome] = []
    stop_at = math.inf
    started = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            while pending and len(jobs) < WORKERS and math.isinf(stop_at) and not deadline.expired:
                i, m = pending.pop(0)
                jobs.append(_start(m, f, x, seed + i, min(now + _cap(m, deadline), deadline.end)))
            if not jobs:
                break
            horizon = min(stop_at, *(j.until for j in jobs))
            wait = None if math.isinf(horizon) else max(0.0, horizon - now)
            ready, _, _ = select.select([j.fd for j in jobs], [], [], wait)
            for job in [j for j in jobs if j.fd in ready]:
                outcome = _read(job)
                if outcome is not None:
                    outcomes.append(outcome)
                    jobs.remove(job)
                    _stop(job)
            now = time.monotonic()
            for job in [j for j in jobs if j.until <= now]:
                outcomes.append(_Outcome(job.method.name, "timeout", reason="ran out of time"))
                jobs.remove(job)
                _stop(job)
            if math.isinf(stop_at) and any(
                o.kind == "ok" and o.valid_on == _FULL for o in outcomes
            ):
                stop_at = now + min(GRACE_SECONDS, (now - started) / 4)
            if now >= stop_at or deadline.expired:
                break
    finally:
        for job in jobs:
            outcomes.append(_Outcome(job.method.name, "timeout", reason="stopped"))
            _stop(job)
    return outcomes


def _in_turn(
    methods: Sequence[Method], f: sympy.Expr, x: sympy.Symbol, deadline: Deadline, seed: int
) -> list[_Outcome]:  # pragma: no cover - without fork
    outcomes = []
    for i, m in enumerate(methods):
        if deadline.expired:
            break
        try:
            outcome = run_limited(
                _attempt,
                m,
                f,
                x,
                seed + i,
                timeout=min(_cap(m, deadline), deadline.left()),
                what=m.name,
            )
        except DerivationTimeout:
            outcome = _Outcome(m.name, "timeout", reason="ran out of time")
        outcomes.append(outcome)
        if outcome.kind == "ok" and outcome.valid_on == _FULL:
            break
    return outcomes


# --- the portfolio --------------------------------------------------------------------------


def _applies(method: Method, f: sympy.Expr, x: sympy.Symbol) -> bool:
    try:
        return bool(method.applies(f, x))
    except Exception:  # noqa: BLE001 - a test SymPy cannot decide: try the method
        return True


def _best(outcomes: list[_Outcome], order: dict[str, int]) -> _Outcome | None:
    """The verified answer that holds most widely, then the simplest."""
    ok = [o for o in outcomes if o.kind == "ok"]
    if not ok:
        return None
    return min(ok, key=lambda o: (o.valid_on != _FULL, _size(o.F), order.get(o.method, 0)))


def _failure(f: sympy.Expr, x: sympy.Symbol, outcomes: list[_Outcome]) -> NoClosedFormError:
    rejected = [o for o in outcomes if o.kind == "rejected"]
    timed_out = sorted({o.method for o in outcomes if o.kind == "timeout"})
    parts = []
    if rejected:
        shown = "; ".join(f"{o.method}: {o.reason}" for o in rejected[:3])
        parts.append(f"{len(rejected)} candidate(s) rejected by the check ({shown})")
    if timed_out:
        parts.append(f"out of time: {', '.join(timed_out)}")
    tried = len(outcomes)
    why = "; ".join(parts) or "no method found a closed form"
    return NoClosedFormError(
        f"no verified antiderivative of {f} in {x} ({tried} method(s) tried; {why})"
    )


def verified_antiderivative(
    f: sympy.Expr,
    x: sympy.Symbol,
    *,
    deadline: Deadline,
    methods: Sequence[str] | None = None,
    seed: int = 0,
) -> Antiderivative:
    r"""An antiderivative of ``f`` in ``x`` that has passed a high-precision check.

    The methods of :data:`METHODS` that apply to ``f`` run :data:`WORKERS` at a time in
    forked worker processes, each for its share of ``deadline``'s budget, all killed when
    it expires. Each candidate is checked in its worker: ``F'`` (SymPy's derivative)
    against ``f`` by mpmath at :data:`DIGITS` digits, at :data:`CHECK_POINTS` random
    points where ``f`` is real and finite; then whether ``F`` jumps or turns wrong
    somewhere (``valid_on``); then a simpler form of it, checked again. The first answer
    valid on the whole real line ends the search (the answers arriving within
    :data:`GRACE_SECONDS` compete: the simplest is kept); an answer valid on an interval
    only is kept when nothing better arrives.

    Args:
        f: The integrand (a SymPy expression; other free symbols are parameters).
        x: The variable.
        deadline: The time budget, shared by all the methods.
        methods: Names of the methods to try (default: all that apply).
        seed: Seed of the random check points.

    Returns:
        An :class:`Antiderivative`: ``F``, the ``method`` that found it, its ``steps``,
        ``valid_on`` and the ``verification``.

    Raises:
        NoClosedFormError: When no method found a candidate that passes the check in time;
            the message says how many candidates were rejected by it, and which methods
            ran out of time.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> r = verified_antiderivative(sympy.sec(x) ** 2, x, deadline=Deadline(20))
        >>> r.F, r.valid_on
        (tan(x), Reals)
        >>> f = x**3 * (sympy.Rational(7, 3) * x + sympy.Rational(5, 2)) ** 4 / (3 * x**4 + 2)
        >>> r = verified_antiderivative(f, x, deadline=Deadline(20))
        >>> r.F.has(sympy.log, sympy.atan)  # the part sympy.integrate loses
        True
    """
    f = sympy.sympify(f)
    if not f.has(x):
        F = f * x
        check = Verification(True, 0.0, "symbolic derivative", 0, f"d({F})/d{x} = {f}")
        line = (Step.equation("constant integrand", _integral_tex(f, x), F),)
        return Antiderivative(F, f, x, "constant", line, _FULL, check)
    chosen = [m for m in METHODS if (methods is None or m.name in methods) and _applies(m, f, x)]
    outcomes = _portfolio(chosen, f, x, deadline, seed)
    best = _best(outcomes, {m.name: i for i, m in enumerate(METHODS)})
    if best is None:
        raise _failure(f, x, outcomes)
    assert best.F is not None and best.valid_on is not None  # an "ok" outcome has both
    steps: tuple[Step, ...] = best.steps
    final = f"{_integral_tex(f, x)} = {tex(best.F)}"
    if best.valid_on != _FULL:
        steps = (*steps, Step(f"valid for {x} in {best.valid_on}", final))
    elif not steps or steps[-1].latex != final:
        steps = (*steps, Step("antiderivative", final))
    rejected = tuple(f"{o.method}: {o.reason}" for o in outcomes if o.kind == "rejected")
    return Antiderivative(best.F, f, x, best.method, steps, best.valid_on, best.check, rejected)
