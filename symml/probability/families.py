"""The standard families: how ``sympy.stats`` parameters map onto ``numpy.random``.

:data:`FAMILIES` holds, per ``sympy.stats`` distribution class, the
``numpy.random.Generator`` method that draws it; :func:`numpy_family` turns a distribution
with numeric parameters into a draw function. Both the numeric integrals (which find the
mass of a variable from a seeded sample) and the samplers draw through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import sympy
from sympy.stats.rv import Distribution

__all__ = ["FAMILIES", "Draw", "Family", "Size", "numpy_family", "python_number"]

#: How many draws: a number, or the shape of the array of them.
Size: TypeAlias = "int | tuple[int, ...]"
#: ``draw(size, rng) -> ndarray``: ``size`` draws made with the Generator ``rng``.
Draw: TypeAlias = Callable[[Size, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Family:
    """How a ``sympy.stats`` family maps onto a ``numpy.random.Generator`` method.

    ``params`` takes SymPy's parameters (as Python numbers) and returns NumPy's positional
    arguments, or ``None`` when this variant is not NumPy's (the generic path is used then).
    A draw is ``loc + scale * getattr(rng, method)(*args, size=size)``.

    Attributes:
        method: The Generator method, e.g. ``"normal"``.
        params: SymPy parameters -> NumPy arguments.
        loc: SymPy parameters -> added shift (``None``: none).
        scale: SymPy parameters -> factor (``None``: none).
    """

    method: str
    params: Callable[..., tuple | None]
    loc: Callable[..., float] | None = None
    scale: Callable[..., float] | None = None


#: sympy.stats distribution class name -> how to draw it with NumPy.
FAMILIES: Mapping[str, Family] = {
    "NormalDistribution": Family("normal", lambda mu, sigma: (mu, sigma)),
    "ExponentialDistribution": Family("exponential", lambda rate: (1.0 / rate,)),
    "UniformDistribution": Family("uniform", lambda a, b: (a, b)),
    "GammaDistribution": Family("gamma", lambda k, theta: (k, theta)),
    "ErlangDistribution": Family("gamma", lambda k, rate: (k, 1.0 / rate)),
    "BetaDistribution": Family("beta", lambda a, b: (a, b)),
    "LaplaceDistribution": Family("laplace", lambda mu, b: (mu, b)),
    "LogisticDistribution": Family("logistic", lambda mu, s: (mu, s)),
    "LogNormalDistribution": Family("lognormal", lambda mu, sigma: (mu, sigma)),
    "ChiSquaredDistribution": Family("chisquare", lambda k: (k,)),
    "StudentTDistribution": Family("standard_t", lambda nu: (nu,)),
    "FDistributionDistribution": Family("f", lambda d1, d2: (d1, d2)),
    "RayleighDistribution": Family("rayleigh", lambda sigma: (sigma,)),
    "TriangularDistribution": Family("triangular", lambda a, b, c: (a, c, b)),
    "CauchyDistribution": Family(
        "standard_cauchy",
        lambda x0, gamma: (),
        loc=lambda x0, gamma: x0,
        scale=lambda x0, gamma: gamma,
    ),
    "WeibullDistribution": Family(
        "weibull", lambda alpha, beta: (beta,), scale=lambda alpha, beta: alpha
    ),
    "ParetoDistribution": Family(
        "pareto", lambda xm, alpha: (alpha,), loc=lambda xm, alpha: xm, scale=lambda xm, alpha: xm
    ),
    "GumbelDistribution": Family(
        "gumbel", lambda beta, mu, minimum: (mu, beta) if not minimum else None
    ),
    "BernoulliDistribution": Family(
        "binomial", lambda p, succ, fail: (1, p) if (succ, fail) == (1, 0) else None
    ),
    "BinomialDistribution": Family(
        "binomial", lambda n, p, succ, fail: (n, p) if (succ, fail) == (1, 0) else None
    ),
    "PoissonDistribution": Family("poisson", lambda lam: (lam,)),
    "GeometricDistribution": Family("geometric", lambda p: (p,)),
    "NegativeBinomialDistribution": Family("negative_binomial", lambda r, p: (r, p)),
    "ZetaDistribution": Family("zipf", lambda s: (s,)),
    "DieDistribution": Family("integers", lambda sides: (1, sides + 1)),
}


def numpy_family(dist: Distribution) -> tuple[str, Draw] | None:
    """(description, draw) of a distribution NumPy draws directly, or ``None``.

    Raises:
        ValueError: For a parameter that is not a number.

    Examples:
        >>> from sympy.stats import Normal
        >>> how, draw = numpy_family(Normal("X", 0, 1).pspace.distribution)
        >>> how, draw(3, np.random.default_rng(0)).shape
        ('numpy.random.Generator.normal', (3,))
    """
    family = FAMILIES.get(type(dist).__name__)
    if family is None:
        return None
    values = [python_number(a) for a in dist.args]
    args = family.params(*values)
    if args is None:
        return None
    loc = family.loc(*values) if family.loc else None
    scale = family.scale(*values) if family.scale else None
    name = family.method
    if loc is None and scale is None:
        return f"numpy.random.Generator.{name}", _plain(name, args)
    return f"numpy.random.Generator.{name}", _shifted(
        name, args, 0.0 if loc is None else loc, 1.0 if scale is None else scale
    )


def _plain(name: str, args: tuple) -> Draw:
    def draw(size: Size, rng: np.random.Generator) -> np.ndarray:
        return getattr(rng, name)(*args, size=size)

    return draw


def _shifted(name: str, args: tuple, shift: float, factor: float) -> Draw:
    def draw(size: Size, rng: np.random.Generator) -> np.ndarray:
        out = getattr(rng, name)(*args, size=size)
        out *= factor
        out += shift
        return out

    return draw


def python_number(value: Any) -> bool | int | float:
    """A SymPy parameter as a Python ``bool``, ``int`` or ``float``.

    Raises:
        ValueError: When it is not a number.

    Examples:
        >>> python_number(sympy.Integer(3)), python_number(sympy.Rational(1, 2))
        (3, 0.5)
    """
    if isinstance(value, (bool, sympy.logic.boolalg.BooleanAtom)):
        return bool(value)
    value = sympy.sympify(value)
    if value.is_Integer:
        return int(value)
    if value.is_number:
        return float(value)
    raise ValueError(f"parameter {value} is not a number")
