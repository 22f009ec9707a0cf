"""Taylor polynomials and limits, with their steps and their checks.

Both work where floating point cannot: their checks evaluate ``f`` with
:data:`~symml.calculus._common.DIGITS` digits, near points beyond any float (10^400) and on
the way to values beyond any float (e^(10^20)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import sympy

from symml.calculus._common import (
    DIGITS,
    args_of,
    definition,
    is_bad,
    one_variable,
    parameter_values,
    point_of,
    real_point,
    scalar_expr,
    sympy_limit,
    value_at,
)
from symml.config import config
from symml.deadline import Deadline
from symml.derivation import (
    Derivation,
    ExprLike,
    Step,
    Verification,
    WrtLike,
    function_lhs,
    tex,
)
from symml.errors import DerivationTimeout, NoClosedFormError, NotSupportedError

__all__ = [
    "DIRECTIONS",
    "MAX_TAYLOR_ORDER",
    "NONSMOOTH",
    "SINGULAR_AT",
    "LimitDerivation",
    "limit",
    "taylor",
]

#: The highest order :func:`taylor` accepts: each order adds a derivative and a step, and a
#: polynomial of a higher degree is a series nobody reads (``exp(x)`` to order 200 takes
#: about 0.1 s; order 1000000 would run past any time limit).
MAX_TAYLOR_ORDER = 200

# --- taylor ---------------------------------------------------------------------------------


def _times(k: int) -> str:
    return {1: "once", 2: "twice"}.get(k, f"{k} times")


def _same(u: sympy.Expr, v: sympy.Expr) -> bool:
    return u == v or sympy.simplify(u - v) == 0


def _zero_at(atom: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    return atom.args[0].subs(x, a).is_zero


def _integer_at(atom: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    return atom.args[0].subs(x, a).is_integer


def _tie_at(atom: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    args = [u.subs(x, a) for u in atom.args]
    ties = [(u - v).is_zero for i, u in enumerate(args) for v in args[i + 1 :]]
    return True if any(t is True for t in ties) else (None if None in ties else False)


#: Where each non-smooth function may jump or kink: ``True`` (there), ``False`` (not
#: there: plain substitution is right) or ``None`` (cannot tell, e.g. at a symbolic point).
SINGULAR_AT: dict[type, Callable[[sympy.Expr, sympy.Symbol, sympy.Expr], bool | None]] = {
    sympy.Abs: _zero_at,
    sympy.sign: _zero_at,
    sympy.Heaviside: _zero_at,
    sympy.DiracDelta: _zero_at,
    sympy.floor: _integer_at,
    sympy.ceiling: _integer_at,
    sympy.frac: _integer_at,
    sympy.Max: _tie_at,
    sympy.Min: _tie_at,
}

#: Functions whose derivatives may jump at a point (``abs``, ``sign``, ``floor``...): where
#: one occurs, a Taylor coefficient is taken from the one-sided limits, which must agree.
#: Those of :data:`SINGULAR_AT`, and ``Piecewise``, which cannot tell where it jumps.
NONSMOOTH: tuple[type, ...] = (*SINGULAR_AT, sympy.Piecewise)


def _singular_at(d: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> bool | None:
    """Whether a non-smooth function in ``d`` jumps or kinks at ``x = a`` (see
    :data:`SINGULAR_AT`; a ``Piecewise`` cannot tell)."""
    verdict: bool | None = False
    for atom in d.atoms(*NONSMOOTH):
        if not atom.has(x):
            continue
        test = SINGULAR_AT.get(type(atom))
        found = test(atom, x, a) if test is not None else None
        if found is True:
            return True
        if found is None:
            verdict = None
    return verdict


def _one_sided_value(
    expr: sympy.Expr, d: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, k: int, order: int
) -> sympy.Expr:
    """``f^(k)(a)`` for a derivative ``d`` whose non-smooth parts may jump at ``a``: the
    common one-sided limit (``f^(k-1)`` is continuous at ``a``, so that is the derivative,
    by the mean value theorem); ``f`` itself must equal it there.

    Raises:
        ValueError: When the one-sided limits differ (``f`` is not differentiable ``k``
            times there) or ``f`` is not continuous there.
        NotSupportedError: When SymPy cannot find the one-sided limits.
    """
    try:
        left, right = sympy_limit(d, x, a, "-"), sympy_limit(d, x, a, "+")
    except NoClosedFormError as exc:
        raise NotSupportedError(
            f"SymPy cannot tell whether {expr} is differentiable {_times(k)} at {x} = {a}: {exc}"
        ) from None
    if is_bad(left) or is_bad(right):
        raise NotSupportedError(
            f"SymPy cannot tell whether {expr} is differentiable "
            f"{_times(k)} at {x} = {a} (the one-sided limits of {d} there "
            f"are {left} and {right})"
        )
    at = d.subs(x, a)
    if not _same(left, right):
        what = (
            f"{expr}"
            if k == 0
            else (f"its derivative {d}" if k == 1 else f"its derivative of order {k}, {d},")
        )
        times = (
            "continuous"
            if k == 0
            else ("differentiable" if k == 1 else f"differentiable {_times(k)}")
        )
        raise ValueError(
            f"{expr} is not {times} at {x} = {a}, so it has no Taylor expansion "
            f"of order {order} there: {what} tends to {left} from the left and "
            f"{right} from the right"
        )
    if k == 0 and not is_bad(at) and not _same(at, left):
        raise ValueError(
            f"{expr} is not continuous at {x} = {a} (it is {at} there but tends "
            f"to {left}), so it has no Taylor expansion there"
        )
    return left


def _taylor_terms(
    expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, order: int
) -> list[tuple[sympy.Expr, sympy.Expr]]:
    """``[(f^(k)(x), f^(k)(a)) for k = 0..order]``.

    Raises:
        ValueError: Where ``f`` or a derivative jumps at ``a`` (``abs(x)`` at 0).
        NotSupportedError: Where SymPy leaves a derivative unevaluated (``floor``).
    """
    out = []
    d = expr
    for k in range(order + 1):
        if k:
            d = sympy.diff(d, x)
        if d.has(sympy.Derivative, sympy.Subs):
            raise NotSupportedError(
                f"SymPy cannot differentiate {expr} {_times(k)} in {x} (it "
                f"leaves {d} unevaluated), so its Taylor polynomial at "
                f"{x} = {a} is unknown"
            )
        smooth = not d.has(*NONSMOOTH) or _singular_at(d, x, a) is False
        value = value_at(d, x, a) if smooth else _one_sided_value(expr, d, x, a, k, order)
        out.append((d, value))
    return out


def taylor(
    f: ExprLike,
    wrt: WrtLike = None,
    at: ExprLike = 0,
    order: int = 3,
    *,
    timeout: float | None = None,
) -> Derivation:
    r"""The Taylor polynomial of ``f`` about ``x = at`` whose highest power is ``order``.

    The steps show each derivative, its value at the point, and the assembled polynomial
    :math:`\sum_k f^{(k)}(a) (x - a)^k / k!` (no O-term). A removable singularity at the
    point (``sin(x)/x`` at 0) is handled by taking limits of the derivatives.

    Args:
        f: The scalar expression.
        wrt: The variable (may be omitted when ``f`` has exactly one).
        at: The expansion point (a number, ``str`` or expression without the variable).
        order: The highest power, a non-negative integer up to :data:`MAX_TAYLOR_ORDER`.
        timeout: Seconds the derivatives and their values may take (default
            ``config.timeout``); on expiry :class:`~symml.errors.DerivationTimeout`.

    Raises:
        ValueError: For a non-scalar ``f``, an unknown variable, a bad order, or a point
            where ``f`` (or a derivative) is not finite, or where ``f`` is not
            ``order`` times differentiable (``abs(x)`` at 0: its one-sided derivatives
            differ; a function with ``abs``, ``sign``, ``floor``... is checked through
            one-sided limits wherever one of them may jump).
        NotSupportedError: Where SymPy leaves a derivative unevaluated (``floor(x)``), or
            cannot find the one-sided limits that decide differentiability.
        NoClosedFormError: Where a derivative's value at the point needs a limit SymPy
            fails on.

    Examples:
        >>> t = taylor("exp(x)", "x", 0, 3)
        >>> t.result
        x**3/6 + x**2/2 + x + 1
        >>> taylor("sin(x)/x", "x", order=4).result
        x**4/120 - x**2/6 + 1
        >>> bool(t.verify())
        True
    """
    expr, prior = scalar_expr(f, "f")
    x = one_variable(wrt, expr, "taylor")
    a = point_of(at, expr, x, "at")
    if a.has(sympy.oo, -sympy.oo, sympy.zoo):  # nan: point_of refused it
        raise ValueError(f"at must be a finite point, got {a} (from {at!r})")
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    if order > MAX_TAYLOR_ORDER:
        raise ValueError(
            f"order {order} is above the highest Taylor order symml computes "
            f"({MAX_TAYLOR_ORDER}): each order is a derivative and a step"
        )
    terms = Deadline(timeout).run(
        _taylor_terms, expr, x, a, order, what=f"the derivatives of {expr} at {x} = {a}"
    )
    for k, (_, value) in enumerate(terms):
        if is_bad(value) or value.has(sympy.oo, -sympy.oo):
            raise ValueError(
                f"{expr} has no Taylor expansion of order {order} at {x} = {a}: "
                f"its derivative of order {k} is {value} there"
            )
    result = sympy.Add(
        *[value / sympy.factorial(k) * (x - a) ** k for k, (_, value) in enumerate(terms)]
    )
    args = args_of(expr, a, first=x)
    pt = tex(a)
    steps = [*prior, definition(expr, args)]
    for k, (dk, value) in enumerate(terms):
        name = "f" if k == 0 else rf"f^{{({k})}}"
        steps.append(
            Step(
                f"derivative {k} at the point" if k else "value at the point",
                rf"{name}({tex(x)}) = {tex(dk)}, \quad {name}({pt}) = {tex(value)}",
            )
        )
    lhs = rf"T_{{{order}}}({tex(x)})"
    xa = tex(x - a)
    steps.append(
        Step.equation(
            "assemble the polynomial",
            rf"{lhs} = \sum_{{k=0}}^{{{order}}} \frac{{f^{{(k)}}({pt})}}{{k!}}"
            rf" \left({xa}\right)^{{k}}",
            result,
        )
    )
    return Derivation(
        result,
        args,
        tuple(steps),
        lhs,
        operation="taylor",
        check=partial(_check_taylor, f=expr, x=x, at=a, order=order),
    )


# --- limit ----------------------------------------------------------------------------------

#: The directions a limit may be taken in, and how they are written.
DIRECTIONS: dict[str, str] = {"+": "^{+}", "-": "^{-}", "+-": ""}


#: How each side of a point is named in messages.
SIDE_NAMES: dict[str, tuple[str, str]] = {"-": ("from the left", "<"), "+": ("from the right", ">")}


def _real_near(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, side: str) -> bool | None:
    """Whether ``f`` is real as ``x`` tends to ``a`` from ``side`` (``"-"``/``"+"``; ignored
    for ``±oo``): ``False`` when SymPy says it is not real there, or, without parameters,
    when it is not real at ``a ∓ 10^-k`` (``±10^k``) for k = 6, 9, 12; else ``True``/``None``."""
    t = sympy.Dummy("t", positive=True)
    if a.is_infinite:
        probe = expr.subs(x, (1 if a.is_extended_positive else -1) / t)
    else:
        probe = expr.subs(x, a + (1 if side == "+" else -1) * t)
    verdict = probe.is_extended_real
    if verdict is not None or probe.free_symbols - {t}:
        return verdict
    for h in (sympy.Float(10.0**-k, 30) for k in (6, 9, 12)):
        try:
            z = complex(probe.evalf(30, subs={t: h}))
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if abs(z.imag) <= 1e-12 * max(1.0, abs(z)):
            return None
    return False


def _limits(
    expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, direction: str
) -> dict[str, sympy.Expr]:
    """The one-sided limits needed for ``direction`` (both for a two-sided finite limit),
    on the sides where ``f`` is real: a two-sided limit at a boundary of ``f``'s real domain
    (``sqrt(x)`` at 0) is the limit from inside it; a side outside it is an error."""
    if a.is_infinite:
        if _real_near(expr, x, a, "+-") is False:
            raise ValueError(
                f"the limit of {expr} as {x} -> {a} is outside the real domain "
                f"of {expr}: it is not real as {x} -> {a}"
            )
        return {"+-": sympy_limit(expr, x, a, "+-")}
    sides = ("-", "+") if direction == "+-" else (direction,)
    real = [s for s in sides if _real_near(expr, x, a, s) is not False]
    if not real:
        which = " or ".join(f"{x} {SIDE_NAMES[s][1]} {a}" for s in sides)
        how = "" if direction == "+-" else f" {SIDE_NAMES[direction][0]}"
        raise ValueError(
            f"the limit of {expr} as {x} -> {a}{how} is outside the real domain "
            f"of {expr}: it is not real for {which} near {a}"
        )
    return {s: sympy_limit(expr, x, a, s) for s in real}


def _lhopital(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> Step | None:
    """The L'Hôpital line for a 0/0 quotient at a finite point, else ``None``."""
    num, den = sympy.fraction(sympy.together(expr))
    if not (den.has(x) and num.has(x)) or a.is_infinite:
        return None
    if num.subs(x, a) != 0 or den.subs(x, a) != 0:
        return None
    ratio = sympy.Mul(
        sympy.diff(num, x), sympy.Pow(sympy.diff(den, x), -1, evaluate=False), evaluate=False
    )
    return Step(
        "L'Hôpital's rule (0/0)",
        rf"\lim_{{{tex(x)} \to {tex(a)}}} {tex(expr)} = "
        rf"\lim_{{{tex(x)} \to {tex(a)}}} {tex(ratio)}",
    )


@dataclass(frozen=True, repr=False)
class LimitDerivation(Derivation):
    """The Derivation of a limit, with the side(s) it was taken from.

    Attributes:
        direction: ``"+"`` (from the right), ``"-"`` (from the left) or ``"+-"`` (both
            sides; always for ``±oo``). A two-sided limit at the edge of ``f``'s real domain
            is taken from inside it: ``"+"`` for ``sqrt(x)`` at 0.
    """

    direction: str = "+-"


def limit(
    f: ExprLike,
    wrt: WrtLike = None,
    to: ExprLike = 0,
    dir: str = "+-",
    *,
    timeout: float | None = None,
) -> LimitDerivation:
    r"""The limit of ``f`` as the variable tends to ``to``.

    Args:
        f: The scalar expression.
        wrt: The variable (may be omitted when ``f`` has exactly one).
        to: The point (a number, ``oo``/``-oo``, a ``str`` or an expression).
        dir: ``"+"`` (from the right), ``"-"`` (from the left) or ``"+-"`` (both sides must
            agree). Ignored for ``±oo``.
        timeout: Seconds SymPy may take (default ``config.timeout``).

    Symbols are real: a side where ``f`` is not real near the point (``log(x)`` for
    ``x < 0``) is outside its domain. A one-sided limit from there is an error; a two-sided
    limit at the edge of the domain (``sqrt(x)`` at 0) is the limit from inside it, said in
    a "real domain" step (and ``.direction`` is that side).

    Returns:
        A :class:`LimitDerivation` (a Derivation with the side(s) used, ``.direction``)
        whose steps show direct substitution where ``f`` is continuous, L'Hôpital's rule
        for a 0/0 quotient, and the one-sided limits.

    Raises:
        ValueError: For bad input (``to`` not a real number or ``±oo``), when the limit
            does not exist (one-sided limits differ, or ``f`` oscillates), or when ``f`` is
            not real on the side(s) asked for.
        NoClosedFormError: When SymPy cannot decide the limit.
        DerivationTimeout: When SymPy runs past ``timeout``.

    Examples:
        >>> limit("sin(x)/x", "x", 0).result
        1
        >>> limit("(1 + 1/n)^n", "n", "oo").result
        E
        >>> limit("1/x", "x", 0, "-").result
        -oo
        >>> limit("sqrt(x)", "x", 0).direction
        '+'
        >>> limit("log(x)", "x", 0, "-")
        Traceback (most recent call last):
        ...
        ValueError: the limit of log(x) as x -> 0 from the left is outside the real domain of log(x): it is not real for x < 0 near 0
    """
    expr, prior = scalar_expr(f, "f")
    x = one_variable(wrt, expr, "limit")
    a = real_point(to, expr, x, "to")
    if dir not in DIRECTIONS:
        raise ValueError(f"dir must be one of {', '.join(map(repr, DIRECTIONS))}, got {dir!r}")
    direction = "+-" if a.is_infinite else dir
    sides = Deadline(timeout).run(
        _limits, expr, x, a, direction, what=f"the limit of {expr} as {x} -> {a}"
    )
    # the sides actually used: one, when f is real on one side of the point only
    used = direction if len(sides) == 2 or a.is_infinite else next(iter(sides))
    values = set(sides.values())
    if len(values) > 1:
        raise ValueError(
            f"the limit of {expr} as {x} -> {a} does not exist: from the left "
            f"{sides['-']}, from the right {sides['+']}"
        )
    result = values.pop()
    if result.has(sympy.AccumBounds) or result in (sympy.nan, sympy.zoo):
        raise ValueError(f"the limit of {expr} as {x} -> {a} does not exist ({result})")
    if result.has(sympy.Limit):
        raise NoClosedFormError(f"SymPy cannot find the limit of {expr} as {x} -> {a}")
    args = args_of(expr, a, first=x)
    lhs = rf"\lim_{{{tex(x)} \to {tex(a)}{DIRECTIONS[direction]}}} {function_lhs(args)}"
    steps = [*prior, definition(expr, args)]
    if used != direction:
        inside, outside = SIDE_NAMES[used], SIDE_NAMES["+" if used == "-" else "-"]
        steps.append(
            Step(
                "real domain",
                rf"f \text{{ is not real for }} {tex(x)} {outside[1]} {tex(a)}"
                rf"\text{{ near }} {tex(a)}\text{{: the limit is taken {inside[0]}}}",
            )
        )
    steps += _limit_steps(expr, x, a, sides, result)
    steps.append(Step.equation("limit", lhs, result))
    return LimitDerivation(
        result,
        args,
        tuple(steps),
        lhs,
        operation="limit",
        check=partial(_check_limit, f=expr, x=x, to=a, direction=used),
        direction=used,
    )


def _limit_steps(
    expr: sympy.Expr,
    x: sympy.Symbol,
    a: sympy.Expr,
    sides: dict[str, sympy.Expr],
    result: sympy.Expr,
) -> list[Step]:
    steps: list[Step] = []
    if not a.is_infinite:
        direct = expr.subs(x, a)
        if not is_bad(direct) and not direct.has(sympy.oo, -sympy.oo) and direct == result:
            return [
                Step.equation("direct substitution (f is continuous there)", f"f({tex(a)})", direct)
            ]
        rule = _lhopital(expr, x, a)
        if rule is not None:
            steps.append(rule)
    if len(sides) == 2:
        v = tex(x)
        steps.append(
            Step(
                "one-sided limits agree",
                rf"\lim_{{{v} \to {tex(a)}^{{-}}}} f = {tex(sides['-'])}, \quad "
                rf"\lim_{{{v} \to {tex(a)}^{{+}}}} f = {tex(sides['+'])}",
            )
        )
    return steps


# --- the checks: f in high precision near the point ------------------------------------

#: Values of the symbols of an expression, for ``subs``/``evalf``.
Subs = dict[sympy.Symbol, sympy.Expr]


def _taylor_errors(
    g: sympy.Expr, T: sympy.Expr, x: sympy.Symbol, a: sympy.Float, side: int
) -> list[float]:
    """|f - T| at a + side·h for h = 2^-4 ... 2^-8, relative to max(1, |f(a + h)|)."""
    out = []
    for k in range(4, 9):
        at = {x: a + side * sympy.Float(2.0**-k, DIGITS)}
        fv, tv = _number(g, at), _number(T, at)  # SymPy numbers: e^(10^20) is no float
        out.append(
            float("inf") if fv is None or tv is None else float(abs(fv - tv) / max(1, abs(fv)))
        )
    return out


def _check_taylor(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    x: sympy.Symbol,
    at: sympy.Expr,
    order: int,
) -> Verification:
    """Agreement near the point, and an error that shrinks like h^(order+1) (checked on
    successive halvings of h, in 60-digit arithmetic, on both sides of the point)."""
    a = at
    floor = 1e-45
    worst_order_gap, worst, passed, count = 0.0, 0.0, True, 0
    for _ in range(min(points, 3)):
        subs = parameter_values([f, a], {x}, rng)
        g, T = f.subs(subs), d.result.subs(subs)
        a0 = _centre(a, subs)
        for side in (1, -1):
            errs = _taylor_errors(g, T, x, a0, side)
            if not all(np.isfinite(errs)):
                passed = False
                worst = float("inf")
                continue
            worst = max(worst, errs[-1])
            usable = [
                (p, q) for p, q in zip(errs, errs[1:], strict=False) if p > floor and q > floor
            ]
            if usable:
                p, q = usable[-1]
                observed = float(np.log2(p / q))
                gap = (order + 1) - observed
                worst_order_gap = max(worst_order_gap, gap)
                passed = passed and gap <= 0.5
            passed = passed and errs[-1] <= max(rtol, 2.0 ** (-8 * (order + 1)) * 1e3)
        count += 1
        if not subs:
            break
    return Verification(
        passed=passed,
        max_error=worst,
        method="Taylor remainder order",
        points=count * 2,
        details=f"|f - T| near {x} = {a} shrinks like h^{order + 1} "
        f"(worst shortfall {worst_order_gap:.2f} orders)",
    )


def _approach(a: sympy.Expr, side: str, subs: Subs) -> list[sympy.Float]:
    """Points tending to ``a`` from ``side``: a ± 10^-k, or ±10^k towards ±oo."""
    if a.is_infinite:
        sign = 1 if a.is_extended_positive else -1
        return [sympy.Float(sign * 10.0**k, DIGITS) for k in range(4, 21, 2)]
    centre = _centre(a, subs)
    sign = 1 if side == "+" else -1
    return [centre + sign * sympy.Float(10.0**-k, DIGITS) for k in range(4, 21, 2)]


def _integer_digits(value: sympy.Expr) -> int:
    """Decimal digits of the integer part of a real number (0 below 1)."""
    whole = int(abs(value))
    return len(str(whole)) if whole else 0


def _centre(a: sympy.Expr, subs: Subs) -> sympy.Float:
    """The finite point ``a`` at ``subs``, a SymPy Float with ``DIGITS`` digits after its
    integer part, so that a step from it survives (10^400 + 10^-20 needs 460 digits; a float
    would overflow, 60 digits would lose the step)."""
    point = a.subs(subs)
    return sympy.re(sympy.N(point, DIGITS + _integer_digits(sympy.re(sympy.N(point, 15)))))


def _number(expr: sympy.Basic, subs: Subs) -> sympy.Expr | None:
    """``expr`` at ``subs`` to ``DIGITS`` digits, kept a SymPy number (``exp(x)`` at
    ``x = 10^20`` is e^(10^20), far beyond a float); ``None`` where it is undefined. SymPy
    may work with as many more digits as the point has before its decimal point (beyond its
    default of 100, ``x - 10^400`` at ``x = 10^400 + 10^-4`` cancels to nothing)."""
    extra = max((_integer_digits(v) for v in subs.values() if v.is_real), default=0)
    try:
        value = sympy.sympify(expr).evalf(DIGITS, subs=subs, maxn=100 + extra)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return value if value.is_number and value.is_finite else None


#: Past this size a value on a sequence tending to ±oo is far beyond any rounding: the
#: sequence stops there (``exp(exp(x))`` at x = 10^8 would need 10^7-digit arithmetic).
FAR = sympy.Float(10) ** 100


def _approach_values(
    g: sympy.Expr, x: sympy.Symbol, points: list[sympy.Float], deadline: Deadline, sign: int | None
) -> tuple[list[sympy.Expr | None], bool]:
    """``g`` at each point in turn, each evaluation bounded by the ``deadline`` (a quarter
    of ``config.timeout`` at most). With ``sign`` (the claimed limit is ``sign * oo``) the
    sequence stops once three values grow past :data:`FAR`. Returns the values and whether
    an evaluation ran out of time (then the values are a prefix)."""
    values: list[sympy.Expr | None] = []
    for p in points:
        try:
            values.append(
                deadline.run(
                    _number, g, {x: p}, what=f"{g} at {x} = {p:.3g}", cap=config.timeout / 4
                )
            )
        except DerivationTimeout:
            return values, True
        if (
            sign is not None
            and len(values) >= 3
            and _tends_to_infinity(values[-3:], sign)
            and all(sign * sympy.re(v) > FAR for v in values[-3:])
        ):
            break
    return values, False


def _tends_to_infinity(values: list[sympy.Expr | None], sign: int) -> bool:
    """Whether real values on a sequence tending to the point grow towards ``sign * oo``:
    at least two, monotonically, and either past 10^6 or with steps that do not shrink
    (``log`` at 0 grows by the same amount per decade; a convergent sequence's steps
    shrink fast)."""
    known = [v for v in values if v is not None]
    if len(values) < 2 or len(known) < len(values):
        return False
    parts = [v.as_real_imag() for v in known]
    if any(abs(im) > 1e-12 * max(1, abs(re)) for re, im in parts):
        return False
    signed = [sign * re for re, _ in parts]
    steps = [b - a for a, b in zip(signed, signed[1:], strict=False)]
    if not all(step > 0 for step in steps):
        return False
    return bool(signed[-1] > 1e6 or (signed[-1] > 0 and steps[-1] >= 0.2 * steps[0]))


def _check_limit(
    d: Derivation,
    points: int,
    rng: np.random.Generator,
    rtol: float,
    *,
    f: sympy.Expr,
    x: sympy.Symbol,
    to: sympy.Expr,
    direction: str,
) -> Verification:
    """Evaluate f (60 digits) on a sequence approaching the point; a finite limit must be
    approached monotonically in the tail and reached within ``rtol`` at 10^-20 (10^20 for
    ±oo); an infinite one must grow monotonically with the right sign, past 10^6 or at a
    rate that does not slow down (see :func:`_tends_to_infinity`).

    Each value is computed under a time limit (``config.timeout`` for the whole check):
    where one runs out, the values before it decide when they suffice (an infinite limit
    already past 10^6; a finite one already within ``rtol``), else
    :class:`~symml.errors.DerivationTimeout` says the check could not be done."""
    a = to
    sides = ("+", "-") if direction == "+-" and not a.is_infinite else (direction,)
    deadline = Deadline(config.timeout)
    worst, passed, count = 0.0, True, 0
    for _ in range(min(points, 3)):
        subs = parameter_values([f, a, d.result], {x}, rng)
        g = f.subs(subs)
        target = sympy.sympify(d.result).subs(subs)
        for side in sides:
            sign = (1 if target.is_extended_positive else -1) if target.is_infinite else None
            values, late = _approach_values(g, x, _approach(a, side, subs), deadline, sign)
            if sign is not None:
                ok = _tends_to_infinity(values, sign)
                error = 0.0 if ok else float("inf")
            else:
                L = _number(target, {})
                errs = [
                    float(abs(v - L) / max(1, abs(L)))
                    if v is not None and L is not None
                    else float("inf")
                    for v in values
                ]
                error = errs[-1] if errs else float("inf")
                ok = error <= rtol and errs[-1] <= errs[0] + rtol
            if late and not ok:
                raise DerivationTimeout(
                    f"the numeric check of the limit of {f} as {x} -> {a}: "
                    f"evaluating f on the way there did not finish within "
                    f"{config.timeout:g} s"
                )
            worst = max(worst, error)
            passed = passed and ok
            count += 1
        if not subs:
            break
    return Verification(
        passed=passed,
        max_error=worst,
        method="numeric approach",
        points=count,
        details=f"f on a sequence tending to {x} -> {a} against the limit",
    )
