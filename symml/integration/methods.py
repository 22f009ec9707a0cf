r"""The methods of the integration portfolio, as a table (:data:`METHODS`).

Each method is a function ``(f, x) -> Found`` that raises :class:`NoAnswer` when it does
not apply or finds no closed form; the portfolio runs them in worker processes and checks
their answers (nothing here is trusted). SymPy's ``integrate``, ``manualintegrate``,
``risch_integrate``, ``heurisch`` and the Meijer G route; rational functions by partial
fractions integrated term by term (which keeps the log/atan part); the substitutions
:math:`u = e^{cx}`, :math:`u = x^n`, :math:`u = \sqrt[q]{ax+b}`, :math:`t = \tan(x/2)`
(Weierstrass) and :math:`t = \tan x`; logarithmic derivatives :math:`c\,g'/g`; Gaussian
moments; integration by parts; partial fractions over the transcendental parts (with
dilogarithms); and a simplified or rewritten integrand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy
import sympy.integrals.meijerint  # noqa: F401 - loaded once here, not in every worker
from sympy.integrals.heurisch import heurisch
from sympy.integrals.manualintegrate import manualintegrate
from sympy.integrals.rationaltools import ratint
from sympy.integrals.risch import NonElementaryIntegral, risch_integrate

from symml.derivation import Step, tex
from symml.integration.check import capped, linear, plausible

__all__ = ["METHODS", "Found", "Method", "NoAnswer"]


class NoAnswer(Exception):
    """A method does not apply, or found no closed form."""


@dataclass(frozen=True)
class Found:
    """What a method returns: a candidate and the steps that led to it (the final line
    ``\\int f\\,dx = F`` is added by the portfolio)."""

    F: sympy.Expr
    steps: tuple[Step, ...] = ()


def integral_tex(f: sympy.Expr, x: sympy.Symbol) -> str:
    return tex(sympy.Integral(f, x))


def _closed(F: Any) -> sympy.Expr:
    """``F`` when it is a closed form (no unevaluated integral, nan or None), else
    :class:`NoAnswer`."""
    if F is None or not isinstance(F, sympy.Basic):
        raise NoAnswer("no closed form")
    if F.has(sympy.Integral, NonElementaryIntegral, sympy.nan, sympy.zoo):
        raise NoAnswer("no closed form (an integral is left unevaluated)")
    return F


def _by_sympy(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return Found(_closed(sympy.integrate(f, x)))


def _by_manual(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return Found(_closed(manualintegrate(f, x)))


def _by_risch(f: sympy.Expr, x: sympy.Symbol) -> Found:
    F = risch_integrate(f, x)
    if isinstance(F, NonElementaryIntegral) or F.has(NonElementaryIntegral):
        raise NoAnswer("the Risch algorithm proves it non-elementary")
    return Found(_closed(F))


def _by_heurisch(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return Found(_closed(heurisch(f, x)))


def _by_meijerg(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return Found(_closed(sympy.integrate(f, x, meijerg=True)))


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


def _by_root_sum(f: sympy.Expr, x: sympy.Symbol) -> Found:
    """A rational function over the roots of its denominator: quick, always right, but a
    ``RootSum`` (kept only when no log/atan form arrives in time)."""
    poly_part, proper = sympy.div(*sympy.fraction(sympy.cancel(f)), x)
    F = sympy.integrate(poly_part, x) + _root_sum_antiderivative(
        proper / sympy.fraction(sympy.cancel(f))[1], x
    )
    return Found(
        _closed(F),
        (
            Step.equation(
                "partial fractions over the roots of the denominator", integral_tex(f, x), F
            ),
        ),
    )


def _by_rational(f: sympy.Expr, x: sympy.Symbol) -> Found:
    parts = _partial_fractions(f, x)
    F = _rational_antiderivative(f, x, parts)
    return Found(
        F,
        (
            Step.equation("partial fractions", tex(f), parts),
            Step.equation("integrate term by term", rf"\int {tex(parts)}\, d{tex(x)}", F),
        ),
    )


def _inner(g: sympy.Expr, u: sympy.Symbol) -> sympy.Expr:
    """∫ g du after a substitution or a rewriting: rational functions by partial fractions,
    others by the tanh substitutions (rational functions of sinh and cosh), dilogarithms
    (where ``g`` has logs), the exponential substitution (where it has exponentials),
    ``manualintegrate``, the algebraic substitutions (``u = x^n``, ``u = (ax + b)^(1/q)``),
    the Risch algorithm, then ``sympy.integrate``: the first answer that passes a quick
    check (:func:`~symml.integration.check.plausible`)."""
    if _is_rational(g, u):
        return _rational_antiderivative(g, u)
    chain: tuple[Callable[[sympy.Expr, sympy.Symbol], Found], ...] = (
        _by_manual,
        *(sub for sub, applies in _INNER_SUBSTITUTIONS if applies(g, u)),
        _by_risch,
        _by_sympy,
    )
    if _has_exponential(g, u):
        chain = (_by_exp_substitution, *chain)
    if _has_log(g, u):
        chain = (_by_dilogarithms, *chain)
    if _hyperbolic_rational(g, u):
        chain = (_by_tanh, _by_tanh_half, *chain)
    for method in chain:
        try:
            G = method(g, u).F
        except Exception:  # noqa: BLE001 - NoAnswer, or whatever SymPy raises: the next
            continue
        if plausible(G, g, u):  # SymPy's rules answer wrongly at times: the next then
            return G
    raise NoAnswer(f"no antiderivative of {g} in {u}")


def _substituted(
    f: sympy.Expr,
    x: sympy.Symbol,
    g: sympy.Expr,
    u: sympy.Symbol,
    back: sympy.Expr,
    title: str,
) -> Found:
    """The answer of a substitution ``u = back(x)`` that turned ``∫ f dx`` into ``∫ g du``."""
    g = sympy.cancel(g) if _is_rational(g, u) else g
    if g.has(x):
        raise NoAnswer(f"{title} leaves {x} in the integrand")
    G = _inner(g, u)
    F = G.xreplace({u: back})
    return Found(
        F,
        (
            Step(
                title,
                rf"{integral_tex(f, x)} = {integral_tex(g, u)}, \quad {tex(u)} = {tex(back)}",
            ),
            Step.equation(f"integrate in {u}", integral_tex(g, u), G),
            Step.equation("substitute back", integral_tex(f, x), F),
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


def _by_exp_substitution(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""u = e^{cx} (or b^{cx}), c the largest common slope of the exponentials of ``f``
    (hyperbolic functions written as exponentials): ``∫ R(e^{cx}) dx = ∫ R(u)/(c u) du``."""
    f = _as_exponentials(f)
    powers = _exponentials(f, x)
    if not powers:
        raise NoAnswer("no exponential")
    slopes = []
    for _, exponent in powers:
        a, _b = linear(sympy.expand(exponent), x)
        if a is None:
            raise NoAnswer("an exponent is not linear in x")
        slopes.append(a)
    ratios = [sympy.nsimplify(s / slopes[0]) for s in slopes]
    if not all(r.is_Rational for r in ratios):
        raise NoAnswer("the exponentials have incommensurable slopes")
    unit = slopes[0] / sympy.ilcm(1, *(r.q for r in ratios))
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


def _by_root_substitution(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""x = u^q, q the common denominator of the fractional powers of x:
    ``∫ R(x^{1/q}) dx = ∫ R(u) q u^{q-1} du`` (x > 0)."""
    q = sympy.ilcm(1, *(e.q for e in _powers_of_x(f, x) if not e.is_Integer))
    if q == 1:
        raise NoAnswer("no fractional power of x")
    u = _u()
    g = sympy.powdenest(f.xreplace({x: u**q}), force=True) * q * u ** (q - 1)
    return _substituted(f, x, g, u, x ** sympy.Rational(1, q), f"substitute u = x^(1/{q})")


def _by_power_substitution(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""u = x^n: ``∫ x^{n-1} h(x^n) dx = (1/n) ∫ h(u) du``, for each integer power n ≥ 2 of x
    in ``f`` (the largest first)."""
    exponents = sorted({int(e) for e in _powers_of_x(f, x) if e.is_Integer and e > 1}, reverse=True)
    u = _u()
    for n in [*exponents, *{abs(int(e)) for e in _powers_of_x(f, x) if e.is_Integer and e < -1}]:
        h = sympy.powsimp(sympy.expand_power_base(f / x ** (n - 1))).subs(x**n, u)
        if not h.has(x):
            return _substituted(f, x, h / n, u, x**n, f"substitute u = x^{n}")
    raise NoAnswer("no power substitution applies")


def _linear_roots(f: sympy.Expr, x: sympy.Symbol) -> list[sympy.Pow]:
    return [
        p
        for p in f.atoms(sympy.Pow)
        if p.exp.is_Rational
        and not p.exp.is_Integer
        and p.base.has(x)
        and p.base != x
        and linear(p.base, x)[0] is not None
    ]


def _by_linear_root_substitution(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""u = (ax + b)^{1/q}: ``x = (u^q - b)/a``, ``dx = q u^{q-1}/a du``, for one linear base
    under fractional powers with common denominator q."""
    roots = _linear_roots(f, x)
    bases = {p.base for p in roots}
    if len(bases) != 1:
        raise NoAnswer("not one linear expression under the roots")
    (base,) = bases
    a, b = linear(base, x)
    q = sympy.ilcm(1, *(p.exp.q for p in roots))
    u = _u()
    g = sympy.powdenest(f.xreplace({x: (u**q - b) / a}), force=True) * q * u ** (q - 1) / a
    back = base ** sympy.Rational(1, q)
    return _substituted(
        f, x, sympy.expand_power_base(g, force=True), u, back, f"substitute u = {back}"
    )


@dataclass(frozen=True)
class _Circular:
    """The trigonometric or the hyperbolic functions, for the tangent substitutions.

    Attributes:
        sin, cos, tan: sin, cos, tan (or sinh, cosh, tanh).
        reciprocal: tan, cot, sec, csc (or their hyperbolic kin) written with sin and cos.
        sign: +1 where cos² + sin² = 1, -1 where cosh² - sinh² = 1: with ``t = tan(θ/2)``,
            ``sin θ = 2t/(1 + σt²)``, ``cos θ = (1 - σt²)/(1 + σt²)``, ``dθ = 2/(1 + σt²) dt``;
            with ``t = tan θ``, ``cos² θ = 1/(1 + σt²)``, ``dθ = cos² θ dt``.
        period: The period of ``tan θ`` (``None``: tanh does not repeat, nor jump).
    """

    sin: Any
    cos: Any
    tan: Any
    reciprocal: dict[Any, Callable[[sympy.Expr], sympy.Expr]]
    sign: int
    period: Any


_TRIGONOMETRIC = _Circular(
    sympy.sin,
    sympy.cos,
    sympy.tan,
    {
        sympy.tan: lambda a: sympy.sin(a) / sympy.cos(a),
        sympy.cot: lambda a: sympy.cos(a) / sympy.sin(a),
        sympy.sec: lambda a: 1 / sympy.cos(a),
        sympy.csc: lambda a: 1 / sympy.sin(a),
    },
    1,
    sympy.pi,
)
_HYPERBOLIC_FUNCTIONS = _Circular(
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    {
        sympy.tanh: lambda a: sympy.sinh(a) / sympy.cosh(a),
        sympy.coth: lambda a: sympy.cosh(a) / sympy.sinh(a),
        sympy.sech: lambda a: 1 / sympy.cosh(a),
        sympy.csch: lambda a: 1 / sympy.sinh(a),
    },
    -1,
    None,
)


def _circular_argument(
    f: sympy.Expr, x: sympy.Symbol, kind: _Circular
) -> tuple[sympy.Expr, sympy.Expr]:
    """``f`` in sin and cos (of ``kind``) of one linear argument ``θ = a x + b`` (multiple
    angles expanded where there are several), and ``θ``; :class:`NoAnswer` when there is no
    such single argument."""
    g = f
    for cls, rule in kind.reciprocal.items():
        g = g.replace(cls, rule)
    args = {t.args[0] for t in g.atoms(kind.sin, kind.cos)}
    if len(args) > 1:  # sin(2x) and cos(x): one argument after expanding
        g = sympy.expand_trig(g)
        args = {t.args[0] for t in g.atoms(kind.sin, kind.cos)}
    if len(args) != 1:
        raise NoAnswer("not one trigonometric argument")
    (theta,) = args
    if linear(theta, x)[0] is None:
        raise NoAnswer("the trigonometric argument is not linear")
    return g, theta


def _circular_rational(f: sympy.Expr, x: sympy.Symbol, kind: _Circular) -> bool:
    try:
        g, _ = _circular_argument(f, x, kind)
    except NoAnswer:
        return False
    s, c = sympy.Dummy(), sympy.Dummy()
    h = g.replace(kind.sin, lambda a: s).replace(kind.cos, lambda a: c)
    return not h.has(x) and bool(h.is_rational_function(s, c))


def _trig_rational(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return _circular_rational(f, x, _TRIGONOMETRIC)


def _hyperbolic_rational(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return _circular_rational(f, x, _HYPERBOLIC_FUNCTIONS)


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
        raise NoAnswer("the substituted antiderivative is unbounded at the period's ends")
    return F + sympy.simplify(jump) * sympy.floor((theta + period / 2) / period)


def _tan_substitution(f: sympy.Expr, x: sympy.Symbol, kind: _Circular, half: bool) -> Found:
    g, theta = _circular_argument(f, x, kind)
    a, _ = linear(theta, x)
    t = sympy.Symbol("t", real=True)
    sigma = kind.sign
    if half:  # Weierstrass: t = tan(θ/2)
        sin = 2 * t / (1 + sigma * t**2)
        cos, dtheta = (1 - sigma * t**2) / (1 + sigma * t**2), 2 / (1 + sigma * t**2)
        back, title = kind.tan(theta / 2), "Weierstrass substitution"
        period = None if kind.period is None else 2 * kind.period
    else:  # t = tan θ, for integrands even in (sin, cos) together
        c = sympy.Dummy("c", positive=True)
        sin, cos, dtheta = t * c, c, c**2
        back, period, title = kind.tan(theta), kind.period, "substitution"
    h = g.replace(kind.sin, lambda arg: sin).replace(kind.cos, lambda arg: cos) * dtheta / a
    if not half:
        h = sympy.cancel(sympy.expand(h)).subs(c**2, 1 / (1 + sigma * t**2))
        if h.has(c):
            raise NoAnswer("the integrand is not even in (sin, cos)")
    h = sympy.cancel(h)
    if h.has(x) or not h.is_rational_function(t):
        raise NoAnswer("not a rational function of sin and cos")
    G = _rational_antiderivative(h, t)
    F = G.xreplace({t: back}) if period is None else _periodic(G, t, back, theta, period)
    return Found(
        F,
        (
            Step(
                f"{title} t = {back}",
                rf"{integral_tex(f, x)} = {integral_tex(h, t)}, \quad t = {tex(back)}",
            ),
            Step.equation("partial fractions, term by term", integral_tex(h, t), G),
            Step.equation("substitute back", integral_tex(f, x), F),
        ),
    )


def _by_weierstrass(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return _tan_substitution(f, x, _TRIGONOMETRIC, half=True)


def _by_tan(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return _tan_substitution(f, x, _TRIGONOMETRIC, half=False)


def _by_tanh_half(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return _tan_substitution(f, x, _HYPERBOLIC_FUNCTIONS, half=True)


def _by_tanh(f: sympy.Expr, x: sympy.Symbol) -> Found:
    return _tan_substitution(f, x, _HYPERBOLIC_FUNCTIONS, half=False)


def _by_log_derivative(f: sympy.Expr, x: sympy.Symbol) -> Found:
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
            return Found(
                F,
                (
                    Step(
                        f"logarithmic derivative: f = c g'/g, g = {g}",
                        rf"{integral_tex(f, x)} = {tex(F)}",
                    ),
                ),
            )
    raise NoAnswer("not a logarithmic derivative")


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


def _combined_roots(f: sympy.Expr) -> sympy.Expr:
    """Products of roots combined, their radicands expanded (``sqrt(x - 1)*sqrt(x + 1)`` is
    ``sqrt(x**2 - 1)``): right where the radicands are positive, which the check of the
    answer confirms (or narrows ``valid_on`` to)."""
    combined = sympy.powsimp(f, force=True)
    return combined.replace(
        lambda e: isinstance(e, sympy.Pow) and not e.exp.is_Integer,
        lambda e: sympy.Pow(sympy.expand(e.base), e.exp),
    )


def _by_parts(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""``∫ p(x) L(g(x)) dx = P L - ∫ P L' dx`` for a polynomial (or rational) ``p`` with
    antiderivative ``P`` and one log or inverse function ``L`` of ``x``, whose derivative
    ``L'`` is algebraic: ``∫ log(x + sqrt(x² + 1)) dx``, ``∫ x² atan(x) dx``."""
    funcs = [a for a in f.atoms(*_INVERSE_FUNCTIONS) if a.has(x)]
    if len(funcs) != 1:
        raise NoAnswer("not one log or inverse function")
    (L,) = funcs
    p = sympy.cancel(f / L)
    if p.has(L) or not (p.is_rational_function(x)):
        raise NoAnswer("not a rational function times a log or inverse function")
    P = _inner(p, x)
    dL = sympy.cancel(sympy.radsimp(sympy.together(sympy.diff(L, x))))
    # sqrt(x - 1)*sqrt(x + 1) as sqrt(x² - 1): the check of the answer says where it holds
    rest = _combined_roots(sympy.expand(P * dL))
    R = _inner(rest, x)
    F = P * L - R
    return Found(
        F,
        (
            Step(
                f"integrate by parts, u = {L}",
                rf"{integral_tex(f, x)} = {tex(P * L)} - {integral_tex(rest, x)}",
            ),
            Step.equation(f"integrate in {x}", integral_tex(rest, x), R),
        ),
    )


def _polynomial_factor(f: sympy.Expr, x: sympy.Symbol) -> tuple[sympy.Expr, sympy.Expr]:
    """``(p, h)`` with ``f = p h``: ``p`` the factors of ``f`` that are polynomials in ``x``."""
    p, h = sympy.S.One, sympy.S.One
    for factor in sympy.Mul.make_args(f):
        if factor.has(x) and factor.is_polynomial(x):
            p *= factor
        else:
            h *= factor
    return p, h


def _has_polynomial_factor(f: sympy.Expr, x: sympy.Symbol) -> bool:
    p, h = _polynomial_factor(f, x)
    return p.has(x) and h.has(x) and sympy.degree(p, x) <= 4


def _by_parts_polynomial(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""``∫ p h dx = p H_1 - p' H_2 + p'' H_3 - ...`` for a polynomial ``p`` (degree ≤ 4) and
    ``H_{j+1} = ∫ H_j``, ``H_1 = ∫ h`` (repeated integration by parts):
    ``∫ x sech²(x) dx = x tanh(x) - log(cosh(x))``."""
    p, h = _polynomial_factor(f, x)
    total, H, sign = sympy.S.Zero, h, 1
    while p != 0:
        H = _inner(H, x)
        total += sign * p * H
        p, sign = sympy.diff(p, x), -sign
    return Found(
        total,
        (
            Step.equation(
                "integrate by parts (the polynomial factor differentiated)",
                integral_tex(f, x),
                total,
            ),
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
        raise NoAnswer("the sign of the quadratic's coefficient is unknown")
    return t ** (n - 1) * sympy.exp(a * t**2) / (2 * a) - (n - 1) / (2 * a) * _gaussian(n - 2, a, t)


def _is_gaussian(f: sympy.Expr, x: sympy.Symbol) -> bool:
    exps = [e for e in f.atoms(sympy.exp) if e.has(x)]
    return len(exps) == 1 and sympy.degree(exps[0].args[0], x) == 2 if exps else False


def _by_gaussian_moments(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""``∫ p(x) e^{ax² + bx + c} dx`` for a polynomial ``p``: complete the square
    (``t = x + b/(2a)``), expand ``p`` in ``t``, and integrate each ``t^n e^{at²}`` by the
    reduction formula down to ``erf``/``erfi``: the moments of a Gaussian density."""
    (e,) = [e for e in f.atoms(sympy.exp) if e.has(x)]
    q = sympy.Poly(e.args[0], x)
    if q.degree() != 2 or q.free_symbols - {x}:
        raise NoAnswer("not a numeric quadratic exponent")
    a, b, c = q.all_coeffs()
    p = sympy.cancel(f / e)
    if not p.is_polynomial(x):
        raise NoAnswer("not a polynomial times a Gaussian")
    t = sympy.Dummy("t")
    h = b / (2 * a)
    shifted = sympy.Poly(sympy.expand(p.subs(x, t - h)), t)
    G = sympy.Add(*(coef * _gaussian(m[0], a, t) for m, coef in shifted.terms()))
    F = sympy.exp(c - a * h**2) * G.subs(t, x + h)
    return Found(
        F,
        (
            Step(
                "complete the square, then the Gaussian moments",
                rf"{integral_tex(f, x)} = {tex(F)}",
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
    p, q = linear(lg.args[0], x)
    rest = sympy.cancel(term / lg)
    if p is None or rest.has(sympy.log) or not rest.is_rational_function(x):
        return None
    num, den = sympy.fraction(rest)
    if num.has(x) or sympy.degree(den, x) != 1:
        return None
    a, b = linear(den, x)
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


def _over_transcendental(f: sympy.Expr, x: sympy.Symbol, *, dilogarithms: bool) -> Found:
    """Partial fractions with the transcendental parts held (see :func:`_by_partial_fractions`);
    with ``dilogarithms``, only where at least one term is a dilogarithm's."""
    atoms = _transcendental_atoms(f, x)
    if not atoms:
        raise NoAnswer("no transcendental part")
    held = {a: sympy.Dummy(f"a{i}") for i, a in enumerate(atoms)}
    g = f.xreplace(held)
    if g.has(x) and not g.is_rational_function(x):
        raise NoAnswer("not rational in x with the transcendental parts held")
    parts = sympy.apart(sympy.cancel(g), x).xreplace({d: a for a, d in held.items()})
    terms = sympy.Add.make_args(sympy.expand(parts))
    special = [_dilogarithm(term, x) for term in terms]
    if dilogarithms and all(G is None for G in special):
        raise NoAnswer("no term log(px + q)/(x - r)")
    if len(terms) < 2 and special[0] is None:
        raise NoAnswer("one term only")
    F = sympy.Add(
        *(G if G is not None else _inner(t, x) for t, G in zip(terms, special, strict=True))
    )
    return Found(
        F,
        (
            Step.equation("partial fractions", tex(f), parts),
            Step.equation("integrate term by term", rf"\int {tex(parts)}\, d{tex(x)}", F),
        ),
    )


def _by_partial_fractions(f: sympy.Expr, x: sympy.Symbol) -> Found:
    r"""Partial fractions in ``x`` with the transcendental parts (``log(x)``, ``e^x``...) held as
    coefficients, then each term: ``log(px + q)/(x - r)`` by the dilogarithm
    (:func:`_dilogarithm`, real where the integrand is), others by
    ``manualintegrate``/Risch/``integrate``:
    ``log(x)/(1 - x²) = log(x)/(2(1 - x)) + log(x)/(2(1 + x))``."""
    return _over_transcendental(f, x, dilogarithms=False)


def _by_dilogarithms(f: sympy.Expr, x: sympy.Symbol) -> Found:
    """:func:`_by_partial_fractions` early and briefly, for integrands with a term
    ``log(px + q)/(x - r)``."""
    return _over_transcendental(f, x, dilogarithms=True)


def _has_log(f: sympy.Expr, x: sympy.Symbol) -> bool:
    return any(a.has(x) for a in f.atoms(sympy.log))


_HYPERBOLIC = (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)

#: Rewritings of the integrand tried by the ``rewritten integrand`` method, in order.
_REWRITES: tuple[tuple[str, Callable[[sympy.Expr], sympy.Expr]], ...] = (
    ("simplify", lambda f: capped(sympy.simplify, f)),
    (
        "hyperbolic functions as exponentials",
        lambda f: f.rewrite(sympy.exp) if f.has(*_HYPERBOLIC) else None,
    ),
    ("expand", sympy.expand),
    ("roots combined", _combined_roots),
    (
        "trigonometric identities",
        lambda f: capped(sympy.trigsimp, f) if f.has(sympy.sin, sympy.cos, sympy.tan) else None,
    ),
)


def _by_rewriting(f: sympy.Expr, x: sympy.Symbol) -> Found:
    """The integrand simplified or rewritten, then ``manualintegrate``, Risch, ``integrate``."""
    for title, rewrite in _REWRITES:
        g = rewrite(f)
        if g is None or g == f:
            continue
        try:
            G = _inner(g, x)
        except NoAnswer:
            continue
        return Found(
            G,
            (
                Step.equation(f"rewrite the integrand ({title})", tex(f), g),
                Step.equation("integrate", integral_tex(g, x), G),
            ),
        )
    raise NoAnswer("no rewriting helped")


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
    run: Callable[[sympy.Expr, sympy.Symbol], Found]
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


#: The substitutions ``_inner`` tries after ``manualintegrate``, with their applicability.
_INNER_SUBSTITUTIONS: tuple[
    tuple[Callable[[sympy.Expr, sympy.Symbol], Found], Callable[[sympy.Expr, sympy.Symbol], bool]],
    ...,
] = (
    (_by_power_substitution, _has_integer_powers),
    (_by_linear_root_substitution, _has_linear_roots),
    (_by_root_substitution, _has_roots),
)

#: The portfolio, in the order the methods are started (two at a time): SymPy's own
#: ``integrate`` first (it answers most integrals, and may take the whole budget), beside
#: the quick ones: a log derivative, partial fractions, SymPy's rules, the substitutions
#: (each tried only where its form occurs); then the slower general methods.
METHODS: tuple[Method, ...] = (
    Method("sympy.integrate", "SymPy integrate", _by_sympy, share=1.0),
    Method("logarithmic derivative", "logarithmic derivative", _by_log_derivative, share=0.1),
    Method("rational over the roots", "RootSum", _by_root_sum, _is_rational, share=0.3),
    Method("rational", "partial fractions", _by_rational, _is_rational, share=0.6),
    Method("Gaussian moments", "Gaussian moments", _by_gaussian_moments, _is_gaussian),
    Method("dilogarithm", "partial fractions, dilogarithms", _by_dilogarithms, _has_log, share=0.2),
    Method("manualintegrate", "integration rules (manualintegrate)", _by_manual, share=0.2),
    Method("substitution t = tan(x)", "tangent substitution", _by_tan, _trig_rational),
    Method("substitution t = tanh(x)", "tanh substitution", _by_tanh, _hyperbolic_rational),
    Method(
        "Weierstrass substitution",
        "Weierstrass substitution",
        _by_weierstrass,
        _trig_rational,
        share=0.4,
    ),
    Method("substitution t = tanh(x/2)", "tanh half-angle", _by_tanh_half, _hyperbolic_rational),
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
    Method("integration by parts", "integration by parts", _by_parts, _has_inverse_function),
    Method(
        "integration by parts, polynomial factor",
        "integration by parts",
        _by_parts_polynomial,
        _has_polynomial_factor,
    ),
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
