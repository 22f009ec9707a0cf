"""The high-precision check of an antiderivative, and where it holds.

``F'`` (SymPy's derivative) against ``f``, both evaluated by mpmath at :data:`DIGITS` + 20
digits, then by SymPy's ``evalf`` (which raises its precision where terms cancel) at a point
where they disagree: no finite-difference step, so no noise, and special functions (erfi,
li, Ei, hyper, meijerg, RootSum, exp_polar, polylog) are evaluated rather than refused.
Then the breakpoints of ``F`` (branch points, poles of tan, conditions) tell whether it
jumps where ``f`` is continuous, or holds on one interval only (``valid_on``).
"""

from __future__ import annotations

import math
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy

from symml.config import config
from symml.deadline import run_limited, run_with_alarm
from symml.derivation import Derivation, Verification
from symml.errors import DerivationTimeout, NotSupportedError

__all__ = ["DIGITS", "TOLERANCE", "check_antiderivative", "high_precision_check"]

#: Digits of the evaluations that compare ``F'`` with ``f``.
DIGITS = 30
#: Relative gap between ``F'`` and ``f`` above which a candidate is wrong. A right
#: antiderivative agrees to about ``DIGITS - 5`` digits; a wrong one differs in the first.
TOLERANCE = 1e-15
#: Points at which the portfolio compares ``F'`` with ``f``.
CHECK_POINTS = 8
#: Seconds a simplification inside a check or a method may take.
SIMPLIFY_SECONDS = 0.3

#: The real line: ``valid_on`` of an antiderivative that holds wherever ``f`` is real.
FULL = sympy.S.Reals


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
    sign = 1 if positive or x.is_nonnegative or rng.random() < 0.5 else -1
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
    """``expr`` compiled for mpmath at :data:`DIGITS` + 20 digits (``exp_polar`` as ``exp``;
    ``None`` where SymPy's printer does not know a function, such as ``RootSum``:
    :func:`_value` then evaluates it). Only agreement is taken from it: a disagreement is
    evaluated again by :func:`_value`."""

    def __init__(self, expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> None:
        self.symbols = tuple(symbols)
        try:
            self.fn: Callable[..., Any] | None = sympy.lambdify(
                self.symbols, expr, modules=[{"exp_polar": mpmath.exp}, "mpmath"]
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
    interval: sympy.Set = FULL,
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
        if interval != FULL:
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
    where = "" if valid_on == FULL else f" for {x} in {valid_on}"
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
    valid_on: sympy.Set = FULL,
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
    valid_on: sympy.Set = FULL,
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


def plausible(F: sympy.Expr, f: sympy.Expr, x: sympy.Symbol) -> bool:
    """A quick test of a partial result inside a method (``F' = f`` at 3 points; ``True``
    where there is no point to test at): the whole answer is checked properly later."""
    found = _compare(F, f, x, 3, np.random.default_rng(0))
    return all(c.gap <= TOLERANCE for c in found)


def _symbolic_zero(expr: sympy.Expr) -> bool:
    """Whether ``expr`` simplifies to 0 cheaply (``cancel``, then ``simplify`` for at most
    :data:`SIMPLIFY_SECONDS` where a timer can stop it)."""
    try:
        if sympy.cancel(expr) == 0:
            return True
        return bool(capped(sympy.simplify, expr) == 0)
    except Exception:  # noqa: BLE001 - SymPy's failures just mean "not shown to be 0"
        return False


def capped(fn: Callable[..., Any], *args: Any, seconds: float = SIMPLIFY_SECONDS) -> Any:
    """``fn(*args)``, or ``None`` when it runs past ``seconds``.

    It runs in a forked child process killed at expiry (:func:`symml.deadline.run_limited`),
    so no callback of SymPy, the garbage collector or JAX can swallow the stop. Inside a
    daemonic worker process (which may not fork again; :func:`~symml.deadline.run_limited`
    would run it in place, bounded by the outer limit only) it runs in place under an
    interval timer (:func:`symml.deadline.run_with_alarm`, whose repeated ticks raise a
    stop swallowed by a callback again); off the main thread there it is ``None``, unrun.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> capped(sympy.simplify, sympy.sin(x) ** 2 + sympy.cos(x) ** 2)
        1
        >>> import time
        >>> capped(time.sleep, 5, seconds=0.1) is None
        True
    """
    try:
        if multiprocessing.current_process().daemon:
            if threading.current_thread() is not threading.main_thread():
                return None  # no timer here: unrun
            return run_with_alarm(fn, seconds, f"{_name(fn)} (capped)", args)
        return run_limited(fn, *args, timeout=seconds, what=f"{_name(fn)} (capped)")
    except DerivationTimeout:
        return None


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


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
        a, b = linear(e.args[0], x)
        if a is None:
            return []
        shift = 0 if isinstance(e, sympy.sin) else sympy.pi / 2
        reach = int(span * abs(float(a)) / math.pi) + 2
        points = [((k * sympy.pi + shift - b) / a).evalf(digits) for k in range(-reach, reach + 1)]
        return [p for p in points if abs(p) <= span]
    if e.free_symbols - {x} or not e.is_rational_function(x):
        return []
    out: list[sympy.Float] = []
    for part in sympy.fraction(sympy.together(e)):
        if not part.has(x):
            continue
        try:
            roots = sympy.Poly(part, x).real_roots()
        except (sympy.PolynomialError, NotImplementedError, ValueError):
            continue
        out.extend(r.evalf(digits) for r in roots if abs(r.evalf(15)) <= span)
    return out


def linear(arg: sympy.Expr, x: sympy.Symbol) -> tuple[Any, Any]:
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
        return FULL
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


def verify(F: sympy.Expr, f: sympy.Expr, x: sympy.Symbol, rng: np.random.Generator) -> Verdict:
    """The portfolio's check of one candidate: :data:`CHECK_POINTS` comparisons, then where
    the candidate holds."""
    found = _compare(F, f, x, CHECK_POINTS, rng)
    if not found:
        if _symbolic_zero(_derivative(F, x) - f):
            check = Verification(True, 0.0, "symbolic derivative", 0, f"dF/d{x} - f = 0")
            return Verdict(check, FULL, "")
        return Verdict(None, None, f"no point where {f} is real and finite to check it at")
    where = _where_valid(F, f, x, found, rng)
    if where is None:
        bad = [c for c in found if c.gap > TOLERANCE]
        why = (
            f"dF/d{x} differs from the integrand at {x} = {float(bad[0].at):.4g}"
            if bad
            else "it jumps where the integrand is continuous, and holds on no interval checked"
        )
        return Verdict(None, None, why)
    shown = [c for c in found if where.contains(c.at) == sympy.true] or found
    check = Verification(
        passed=True,
        max_error=max(c.gap for c in shown),
        method=f"exact derivative at {DIGITS} digits (mpmath)",
        points=len(shown),
        details=f"dF/d{x} against the integrand" + ("" if where == FULL else f" on {where}"),
    )
    return Verdict(check, where, "")


@dataclass(frozen=True)
class Verdict:
    check: Verification | None
    valid_on: sympy.Set | None
    reason: str
