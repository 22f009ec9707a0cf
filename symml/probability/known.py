r"""Known answers: what the families themselves say, tried before any integral.

- :data:`POSITIVE_ARGS`: the parameters a family needs positive (scales, rates, shapes).
  :func:`positive_inside` swaps a symbol given there for a same-named positive one for the
  time of a SymPy call, and :func:`back` maps the answer onto the user's symbols again, so
  that a ``real`` σ does not leave ``Abs(arg(sigma))`` conditions in the result.
- :data:`LOG_MEANS`: :math:`\mathbb{E}[\log X]` per family (ψ is the digamma function,
  γ the Euler–Mascheroni constant); :func:`log_mean` applies it to ``a + b·log(X)``.
- :data:`CENTRES`: the families symmetric about a centre c; :func:`symmetric_mean` gives
  :math:`\mathbb{E}[g(X)] = K/2` when :math:`g(c+t) + g(c-t) = K` for every t and g is
  bounded and continuous (so that the mean exists).

Everything here is SymPy; the caller runs the simplification under its deadline.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from typing import Any

import sympy
from sympy.calculus.util import continuous_domain
from sympy.stats.rv import RandomSymbol

from symml.derivation import Step, tex
from symml.probability.variables import random_variables

__all__ = [
    "CENTRES",
    "LOG_MEANS",
    "POSITIVE_ARGS",
    "back",
    "log_mean",
    "may_be_symmetric",
    "positive_inside",
    "positively",
    "symmetric_mean",
]

#: Per ``sympy.stats`` distribution class: the positions of the parameters that must be
#: positive (σ of a normal, a rate, a shape).
POSITIVE_ARGS: Mapping[str, tuple[int, ...]] = {
    "NormalDistribution": (1,),
    "LaplaceDistribution": (1,),
    "CauchyDistribution": (1,),
    "LogisticDistribution": (1,),
    "StudentTDistribution": (0,),
    "ExponentialDistribution": (0,),
    "GammaDistribution": (0, 1),
    "BetaDistribution": (0, 1),
    "LogNormalDistribution": (1,),
    "ChiSquaredDistribution": (0,),
    "ChiDistribution": (0,),
    "WeibullDistribution": (0, 1),
    "RayleighDistribution": (0,),
    "ParetoDistribution": (0, 1),
    "GammaInverseDistribution": (0, 1),
    "GumbelDistribution": (0,),
    "FDistributionDistribution": (0, 1),
    "NakagamiDistribution": (0, 1),
    "MaxwellDistribution": (0,),
    "FrechetDistribution": (0, 1),
    "KumaraswamyDistribution": (0, 1),
    "LevyDistribution": (1,),
    "PoissonDistribution": (0,),
}


def _family(X: RandomSymbol) -> tuple[str, tuple[Any, ...]]:
    dist = X.pspace.distribution
    return type(dist).__name__, tuple(dist.args)


def positive_inside(*exprs: sympy.Basic) -> tuple[tuple[sympy.Basic, ...], dict[Any, Any]]:
    """``exprs`` with every symbol given as a positive parameter of a family
    (:data:`POSITIVE_ARGS`) replaced by a same-named positive symbol, and the map back.

    Examples:
        >>> from sympy.stats import Normal
        >>> from symml.probability.variables import parameters
        >>> mu, sigma = sympy.symbols("mu sigma", real=True)
        >>> (e,), undo = positive_inside(Normal("X", mu, sigma) ** 2)
        >>> [p.is_positive for p in sorted(parameters(e), key=str)]
        [None, True]
        >>> undo
        {sigma: sigma}
    """
    swap: dict[Any, Any] = {}
    for e in exprs:
        for X in random_variables(e):
            family, args = _family(X)
            for i in POSITIVE_ARGS.get(family, ()):
                p = args[i] if i < len(args) else None
                if isinstance(p, sympy.Symbol) and p.is_positive is not True:
                    swap[p] = sympy.Symbol(p.name, positive=True)
    if not swap:
        return exprs, {}
    return tuple(e.xreplace(swap) for e in exprs), {v: k for k, v in swap.items()}


def back(value: Any, undo: Mapping[Any, Any]) -> Any:
    """``value`` with the positive stand-ins of :func:`positive_inside` mapped back."""
    return value.xreplace(dict(undo)) if undo and isinstance(value, sympy.Basic) else value


def positively(fn: Callable[..., Any], *exprs: sympy.Basic) -> Any:
    """``fn(*exprs)`` computed with the families' positive parameters positive
    (:func:`positive_inside`), the answer in the user's symbols.

    Examples:
        >>> from sympy.stats import E, Normal
        >>> t, mu, sigma = sympy.symbols("t mu sigma", real=True)
        >>> sympy.simplify(positively(E, sympy.exp(t * Normal("X", mu, sigma))))
        exp(t*(mu + sigma**2*t/2))
    """
    inside, undo = positive_inside(*exprs)
    return back(fn(*inside), undo)


# --- E[log X] -------------------------------------------------------------------------------

_a, _b, _k, _th = sympy.symbols("a b k theta", positive=True)
_mu = sympy.Symbol("mu", real=True)
_lam, _s = sympy.symbols("lambda sigma", positive=True)
_EG = sympy.EulerGamma

#: Per distribution class: (its parameters as symbols, E[log X] in them). Every family here
#: lives on (0, ∞) or (0, 1), so that log X is real.
LOG_MEANS: Mapping[str, tuple[tuple[sympy.Symbol, ...], sympy.Expr]] = {
    "GammaDistribution": ((_k, _th), sympy.digamma(_k) + sympy.log(_th)),
    "ExponentialDistribution": ((_lam,), -_EG - sympy.log(_lam)),
    "BetaDistribution": ((_a, _b), sympy.digamma(_a) - sympy.digamma(_a + _b)),
    "LogNormalDistribution": ((_mu, _s), _mu),
    "ChiSquaredDistribution": ((_k,), sympy.digamma(_k / 2) + sympy.log(2)),
    "ChiDistribution": ((_k,), (sympy.digamma(_k / 2) + sympy.log(2)) / 2),
    "WeibullDistribution": ((_lam, _k), sympy.log(_lam) - _EG / _k),
    "RayleighDistribution": ((_s,), sympy.log(_s) + (sympy.log(2) - _EG) / 2),
    "ParetoDistribution": ((_th, _a), sympy.log(_th) + 1 / _a),
    "GammaInverseDistribution": ((_a, _b), sympy.log(_b) - sympy.digamma(_a)),
}


def log_mean(e: sympy.Expr) -> tuple[sympy.Expr, list[Step]] | None:
    r"""E[e] for ``e = a + b·log(X)`` (after expanding the logs; a, b free of X) and X of a
    family in :data:`LOG_MEANS`: ``(value, steps)``, else ``None``.

    Examples:
        >>> from sympy.stats import Gamma
        >>> value, steps = log_mean(sympy.log(Gamma("X", 2, 1)))
        >>> value, steps[0].title
        (1 - EulerGamma, 'known mean of log X for the Gamma family')
        >>> log_mean(sympy.log(Gamma("X", 2, 1)) ** 2) is None
        True
    """
    rvs = random_variables(e)
    if len(rvs) != 1 or not e.has(sympy.log):
        return None
    X = rvs[0]
    family, args = _family(X)
    row = LOG_MEANS.get(family)
    if row is None:
        return None
    p, u = sympy.Dummy("p", positive=True), sympy.Dummy("u")
    h = sympy.expand_log(e.xreplace({X: p})).xreplace({sympy.log(p): u})
    if h.has(p) or not h.is_polynomial(u) or sympy.degree(h, u) != 1:
        return None
    names, general = row
    m = general.xreplace(dict(zip(names, args, strict=True)))
    value = h.xreplace({u: m})
    name = family.removesuffix("Distribution")
    params = ", ".join(tex(n) for n in names)
    law = rf"\mathbb{{E}}[\log {tex(X)}] = {tex(general)}"
    steps = [
        Step(
            f"known mean of log {X} for the {name} family",
            rf"{tex(X)} \sim \mathrm{{{name}}}({params}):\ {law} = {tex(m)}",
        )
    ]
    if h != u:
        steps.append(Step.equation("linearity", rf"\mathbb{{E}}\left[{tex(e)}\right]", value))
    return value, steps


# --- symmetry ---------------------------------------------------------------------------------

#: The families symmetric about a centre, per distribution class: the centre of its arguments.
CENTRES: Mapping[str, Callable[..., sympy.Expr]] = {
    "NormalDistribution": lambda mean, std: mean,
    "LaplaceDistribution": lambda mu, b: mu,
    "CauchyDistribution": lambda x0, gamma: x0,
    "LogisticDistribution": lambda mu, s: mu,
    "StudentTDistribution": lambda nu: sympy.S.Zero,
    "UniformDistribution": lambda left, right: (left + right) / 2,
}

#: Points t where g(c + t) + g(c − t) is first compared numerically (a cheap filter).
_PROBES = (0.37, 1.3, 2.9)


def _sum_at(s: sympy.Expr, t: sympy.Symbol, values: dict[Any, Any]) -> list[complex] | None:
    try:
        return [complex(s.xreplace({**values, t: v}).evalf(15)) for v in _PROBES]
    except (TypeError, ValueError, ArithmeticError):
        return None


def _looks_constant(s: sympy.Expr, t: sympy.Symbol) -> bool:
    """Whether ``s(t)`` takes one value at the probe points (parameters drawn in (1, 2))."""
    rng = random.Random(0)
    values = {p: sympy.Float(rng.uniform(1, 2)) for p in s.free_symbols - {t}}
    seen = _sum_at(s, t, values)
    if seen is None or any(not math.isfinite(abs(v)) for v in seen):
        return False
    return all(abs(v - seen[0]) <= 1e-9 * max(1.0, abs(seen[0])) for v in seen)


#: Functions continuous on the whole real line.
CONTINUOUS: tuple[type, ...] = (
    sympy.exp,
    sympy.sin,
    sympy.cos,
    sympy.sinh,
    sympy.cosh,
    sympy.tanh,
    sympy.atan,
    sympy.erf,
    sympy.erfc,
    sympy.Abs,
    sympy.Max,
    sympy.Min,
)


def _continuous_everywhere(g: sympy.Expr) -> bool:
    """Whether g is continuous on the real line by its make: functions of
    :data:`CONTINUOUS` only, and powers with a non-negative integer exponent or a positive
    base (``1/(1 + exp(-t))``)."""
    if not all(isinstance(f, CONTINUOUS) for f in g.atoms(sympy.Function)):
        return False
    return all(
        (p.exp.is_integer and p.exp.is_nonnegative) or p.base.is_positive
        for p in g.atoms(sympy.Pow)
    )


def _continuous_on(g: sympy.Expr, t: sympy.Symbol, span: sympy.Interval) -> bool:
    if _continuous_everywhere(g):
        return True
    try:
        return bool(continuous_domain(g, t, span) == span)
    except (NotImplementedError, TypeError, ValueError):
        return False


def _bounded_continuous(g: sympy.Expr, t: sympy.Symbol, X: RandomSymbol, c: sympy.Expr) -> bool:
    """Whether ``g`` (g(c + t) as a function of t) is continuous for every c + t of the
    support of X and bounded (finite limits at the infinite ends): then E[g(X)] exists
    whatever the tails of X."""
    lo, hi = X.pspace.domain.set.inf, X.pspace.domain.set.sup
    if not _continuous_on(g, t, sympy.Interval(lo - c, hi - c)):
        return False
    sides = [side for end, side in ((lo, -sympy.oo), (hi, sympy.oo)) if end == side]
    return all(sympy.limit(g, t, side).is_finite for side in sides)


def _symmetric_parts(e: sympy.Expr) -> tuple[RandomSymbol, sympy.Expr, sympy.Symbol] | None:
    """(X, its centre c, t) when ``e`` is of one variable X of a symmetric family."""
    rvs = random_variables(e)
    if len(rvs) != 1 or _family(rvs[0])[0] not in CENTRES:
        return None
    family, args = _family(rvs[0])
    return rvs[0], CENTRES[family](*args), sympy.Dummy("t", real=True)


def may_be_symmetric(e: sympy.Expr) -> bool:
    """A cheap filter before :func:`symmetric_mean`: X of a symmetric family, g not a
    polynomial (SymPy's moments answer those at once), and g(c + t) + g(c − t) takes one
    value at a few points.

    Examples:
        >>> from sympy.stats import Normal
        >>> X = Normal("X", 0, 1)
        >>> may_be_symmetric(sympy.tanh(X)), may_be_symmetric(X**2)
        (True, False)
    """
    parts = _symmetric_parts(e)
    if parts is None:
        return False
    X, c, t = parts
    if e.is_polynomial(X):
        return False
    return _looks_constant(e.xreplace({X: c + t}) + e.xreplace({X: c - t}), t)


def symmetric_mean(e: sympy.Expr) -> tuple[sympy.Expr, list[Step]] | None:
    r"""E[g(X)] = K/2 when X is symmetric about c (:data:`CENTRES`), g(c+t) + g(c−t)
    simplifies to a constant K, and g is bounded and continuous: ``(K/2, steps)``, else
    ``None``. Runs ``simplify``: call it under a deadline.

    Examples:
        >>> from sympy.stats import Normal
        >>> X = Normal("X", 0, 1)
        >>> value, steps = symmetric_mean(1 / (1 + sympy.exp(-X)))
        >>> value, steps[0].title
        (1/2, 'by symmetry of X about 0')
        >>> symmetric_mean(X) is None  # unbounded: SymPy's own rules answer
        True
    """
    parts = _symmetric_parts(e)
    if parts is None:
        return None
    X, c, t = parts
    up, down = e.xreplace({X: c + t}), e.xreplace({X: c - t})
    if not _looks_constant(up + down, t):
        return None
    K = sympy.simplify(up + down)
    if K.has(t) or K.has(sympy.nan, sympy.zoo) or not _bounded_continuous(up, t, X, c):
        return None
    tt = sympy.Symbol("t")
    g_up, g_down = e.xreplace({X: c + tt}), e.xreplace({X: c - tt})
    steps = [
        Step(
            f"by symmetry of {X} about {c}",
            rf"{tex(g_up)} + {tex(g_down)} = {tex(K)}"
            rf"\ \text{{for every }} t \text{{, and the integrand is bounded}}",
        ),
        Step.equation("half the sum", rf"\mathbb{{E}}\left[{tex(e)}\right]", K / 2),
    ]
    return K / 2, steps
