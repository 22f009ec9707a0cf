"""Random variables of ``sympy.stats``: their kinds, supports, densities and parameters.

Everything here is SymPy: no numbers are computed. The numeric side (quadrature of a
density, draws) is in :mod:`symml.probability.numeric` and :mod:`symml.probability.draws`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import sympy
from sympy.stats.crv import SingleContinuousPSpace
from sympy.stats.drv import SingleDiscretePSpace
from sympy.stats.frv import SingleFinitePSpace
from sympy.stats.rv import RandomSymbol, random_symbols

from symml.errors import NotSupportedError

__all__ = [
    "MAX_TABLE_VALUES",
    "density",
    "dummy",
    "finite_table",
    "kind",
    "log_pmf",
    "on_support",
    "parameters",
    "random_variables",
    "real_imag",
    "stable_logs",
    "support",
    "variable_on",
    "without_zero_branch",
]

#: The kind of each single-variable probability space.
KINDS: Mapping[type, str] = {
    SingleContinuousPSpace: "continuous",
    SingleDiscretePSpace: "discrete",
    SingleFinitePSpace: "finite",
}


def kind(X: RandomSymbol) -> str:
    """``"continuous"``, ``"discrete"`` or ``"finite"``.

    Raises:
        NotSupportedError: For a joint or compound distribution.

    Examples:
        >>> from sympy.stats import Die, Normal
        >>> kind(Normal("X", 0, 1)), kind(Die("D", 6))
        ('continuous', 'finite')
    """
    for cls, name in KINDS.items():
        if isinstance(X.pspace, cls):
            return name
    raise NotSupportedError(
        f"random variable {X} has a joint or compound distribution "
        f"({type(X.pspace).__name__}); only independent single variables "
        f"are supported"
    )


#: The most values a finite table may have: SymPy lists every one (as a dict and a set),
#: so ``Die("D", 10**9)`` would take hours and tens of GB before any time limit applies.
MAX_TABLE_VALUES = 10**5
#: Per finite family: its number of values, from its parameters (without listing them).
_TABLE_SIZES: Mapping[str, Callable[[Any], Any]] = {
    "DieDistribution": lambda d: d.sides,
    "BinomialDistribution": lambda d: d.n + 1,
    "BetaBinomialDistribution": lambda d: d.n + 1,
    "HypergeometricDistribution": lambda d: sympy.Min(d.n, d.m) + 1,
    "IdealSolitonDistribution": lambda d: d.k,
    "RobustSolitonDistribution": lambda d: d.k,
}


def _check_table_size(X: RandomSymbol) -> None:
    """Refuse a finite variable whose table of values is too large to list."""
    dist = X.pspace.distribution
    size = _TABLE_SIZES.get(type(dist).__name__, lambda d: None)(dist)
    if size is not None and sympy.sympify(size).is_number and size > MAX_TABLE_VALUES:
        raise NotSupportedError(
            f"{X} ({type(dist).__name__.removesuffix('Distribution')}) has {size} values; "
            f"finite tables of more than {MAX_TABLE_VALUES} values are not supported (SymPy "
            f"lists every value): approximate it, e.g. by a Normal or Poisson law"
        )


def random_variables(expr: sympy.Basic) -> tuple[RandomSymbol, ...]:
    """The random variables of ``expr``, sorted by name (a finite table too large to list
    is refused: :data:`MAX_TABLE_VALUES`).

    Examples:
        >>> from sympy.stats import Normal
        >>> random_variables(Normal("Y", 0, 1) + Normal("X", 0, 1))
        (X, Y)
    """
    found = random_symbols(expr)
    for X in found:
        if kind(X) == "finite":
            _check_table_size(X)
    return tuple(sorted(found, key=lambda s: s.name))


def parameters(expr: sympy.Basic) -> set[sympy.Symbol]:
    """Symbols other than the random variables: of the expression and of the distributions.

    Examples:
        >>> from sympy.stats import Normal
        >>> mu = sympy.Symbol("mu")
        >>> sorted(parameters(Normal("X", mu, 1) + sympy.Symbol("c")), key=str)
        [c, mu]
    """
    out = {s for s in expr.free_symbols if not isinstance(s, RandomSymbol)}
    for X in random_symbols(expr):
        out |= X.pspace.distribution.free_symbols
    return out


def dummy(X: RandomSymbol, taken: set[Any]) -> sympy.Symbol:
    """A real symbol for the values of X (``X`` → ``x``), named apart from ``taken``."""
    name = X.name.lower() if X.name.lower() != X.name else f"{X.name}_0"
    while name in {getattr(s, "name", None) for s in taken}:
        name += "'"
    return sympy.Symbol(name, real=True)


def on_support(pdf: sympy.Expr) -> sympy.Expr:
    """The density on its support: the only non-zero piece of a Piecewise density.

    Examples:
        >>> x = sympy.Symbol("x")
        >>> on_support(sympy.Piecewise((2 * x, x < 1), (0, True)))
        2*x
    """
    if isinstance(pdf, sympy.Piecewise):
        pieces = [e for e, _ in pdf.args if e != 0]
        if len(pieces) == 1:
            return pieces[0]
    return pdf


def without_zero_branch(pdf: sympy.Expr) -> sympy.Expr:
    """The density without a ``Piecewise((f, in support), (0, True))`` wrapper; a Piecewise
    of any other shape is kept whole (what the samplers compile and evaluate, also outside
    the support, where :func:`on_support` would drop a condition).

    Examples:
        >>> x = sympy.Symbol("x")
        >>> without_zero_branch(sympy.Piecewise((2 * x, x < 1), (0, True)))
        2*x
        >>> without_zero_branch(sympy.Piecewise((0, x < 0), (2 * x, True)))
        Piecewise((0, x < 0), (2*x, True))
    """
    if isinstance(pdf, sympy.Piecewise) and len(pdf.args) == 2 and pdf.args[1] == (0, True):
        return pdf.args[0].expr
    return pdf


def density(X: RandomSymbol, x: sympy.Symbol) -> sympy.Expr:
    """The density (pmf) of X at ``x``, on its support."""
    return on_support(X.pspace.distribution.pdf(x))


def support(X: RandomSymbol) -> tuple[sympy.Expr, sympy.Expr]:
    """The ends (inf, sup) of the support of X."""
    s = X.pspace.distribution.set
    return s.inf, s.sup


def finite_table(X: RandomSymbol) -> dict[sympy.Basic, sympy.Expr]:
    """The values of a finite X and their probabilities."""
    return dict(X.pspace.distribution.dict)


def variable_on(X: RandomSymbol) -> sympy.Symbol:
    """A dummy carrying what the support of X says (positive, integer), so that logs expand
    only where that is valid (log(x**2) stays whole on a support with negative numbers)."""
    lo = support(X)[0]
    assumptions: dict[str, bool] = {"real": True}
    if kind(X) != "continuous":
        assumptions["integer"] = True
    if (lo >= 0) is sympy.true:
        assumptions["positive" if kind(X) == "continuous" else "nonnegative"] = True
    return sympy.Dummy("x", **assumptions)


@functools.lru_cache(maxsize=256)
def real_imag(e: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """(Re e, Im e) for an expression of real random variables, each standing for a value of
    its support (so √X of a positive X is real); Im is 0 when e is seen to be real.

    Examples:
        >>> from sympy.stats import Exponential, Normal
        >>> X = Normal("X", 0, 1)
        >>> real_imag(sympy.exp(sympy.I * X))
        (cos(X), sin(X))
        >>> real_imag(sympy.sqrt(Exponential("T", 1)))
        (sqrt(T), 0)
    """
    on = {
        X: sympy.Dummy("x", real=True) if kind(X) == "finite" else variable_on(X)
        for X in random_symbols(e)
    }
    local = e.xreplace(on)
    if local.is_extended_real:
        return e, sympy.S.Zero
    back = {v: k for k, v in on.items()}
    re, im = local.as_real_imag()
    return re.xreplace(back), im.xreplace(back)


def log_pmf(pmf: sympy.Expr, *, force: bool = True) -> sympy.Expr:
    """log of a pmf (or density) with factorials as log-gamma, so that large terms do not
    overflow when compiled.

    Examples:
        >>> k = sympy.Symbol("k", real=True)
        >>> log_pmf(3**k * sympy.exp(-3) / sympy.factorial(k))
        k*log(3) - loggamma(k + 1) - 3
    """
    return stable_logs(sympy.expand_log(sympy.log(pmf), force=force))


def stable_logs(logp: sympy.Expr) -> sympy.Expr:
    """log(Γ(z)) and log(z!) as log-gamma (which does not overflow when compiled)."""
    logp = logp.replace(
        lambda e: isinstance(e, sympy.log) and isinstance(e.args[0], sympy.gamma),
        lambda e: sympy.loggamma(e.args[0].args[0]),
    )
    return logp.replace(
        lambda e: isinstance(e, sympy.log) and isinstance(e.args[0], sympy.factorial),
        lambda e: sympy.loggamma(e.args[0].args[0] + 1),
    )
