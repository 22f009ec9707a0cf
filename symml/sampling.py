"""Fast sampling from ``sympy.stats`` random variables, and Monte Carlo estimates.

:func:`sampler` turns a random variable, or any expression of independent ones, into a
:class:`Sampler` that draws NumPy arrays. The plan is made once and cached in the
Sampler, so a call costs one NumPy draw per variable:

- a standard family (Normal, Exponential, Gamma, Poisson, Geometric...) draws straight from
  the matching ``numpy.random.Generator`` method, its parameters mapped by :data:`FAMILIES`;
- a finite distribution (Bernoulli, Binomial, Die, DiscreteUniform, ``FiniteRV``...) looks its
  values up in the cumulative table of its probabilities;
- another discrete distribution (``DiscreteRV``) is inverted through its tabulated CDF;
- a custom density (``ContinuousRV``) uses the closed-form inverse CDF when SymPy finds one in
  time, else a tabulated inverse CDF (the compiled density integrated on a fine grid, inverted
  by interpolation and polished with vectorised Newton steps), else rejection sampling under
  a piecewise-constant envelope. The choice is reported in :attr:`Sampler.method`;
- an expression of several variables samples each and evaluates the expression compiled by
  :func:`symml.compile.to_numpy` on the arrays.

:func:`monte_carlo` estimates ``E[expr]`` with its standard error as an :class:`Estimate`,
drawing in bounded batches (or through :mod:`symml._chunked` with ``chunks=``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from symml.compile import to_numpy
from symml.deadline import resolve_timeout, run_limited
from symml.derivation import as_expr, as_rng, tex
from symml.errors import DerivationTimeout, NotSupportedError

__all__ = ["FAMILIES", "Estimate", "Sampler", "check_draws", "monte_carlo", "sampler"]

Draw = Callable[[Any, np.random.Generator], np.ndarray]

#: Largest number of draws :func:`monte_carlo` holds in memory at once.
BATCH = 1_000_000
#: Cells of the tabulated inverse CDF.
GRID_CELLS = 4096
#: Newton steps that polish a tabulated inverse CDF.
NEWTON_STEPS = 1
#: How far from 1 the total probability of a density may be before it is rejected.
NORMALISATION_TOL = 1e-4
#: Methods :func:`sampler` accepts.
METHODS = ("auto", "numpy", "closed-form", "tabulated", "rejection")

# Gauss-Legendre nodes and weights on [0, 1]: the quadrature of every tabulated CDF.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(3)
_GL_NODES = (_GL_NODES + 1.0) / 2.0
_GL_WEIGHTS = _GL_WEIGHTS / 2.0
# Tanh-sinh nodes and weights on [0, 1] for the end cells' partial integrals: exact to
# rounding for an integrable power singularity at 0 (1/√x, x^(-2/3)...), which the cells'
# three Gauss-Legendre nodes are not
# (the nodes as a logistic, so that those next to 0 keep their digits down to 1e-38)
_TS = np.arange(-24, 25) / 6.0
_END_NODES = 1.0 / (1.0 + np.exp(-np.pi * np.sinh(_TS)))
_END_WEIGHTS = np.pi * np.cosh(_TS) / (2.0 + 2.0 * np.cosh(np.pi * np.sinh(_TS))) / 6.0
#: Cells at each end of the grid integrated by tanh-sinh (a singularity at the end of the
#: support spoils Gauss-Legendre in its neighbours too, fading like a power of the distance).
NEAR_END_CELLS = 16
#: Further Newton steps in the cells near the ends (where a singularity makes the density steep).
NEAR_END_NEWTON_STEPS = 4
#: Bisection steps that invert the CDF inside an end cell (where Newton's slope is unbounded).
END_BISECTIONS = 44


# --- the standard families: sympy.stats parameters -> numpy.random.Generator ------------------


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


# --- the Sampler and the Estimate ------------------------------------------------------------


@dataclass(frozen=True)
class Sampler:
    r"""Draws samples of a random expression: ``sampler(size, rng=None) -> ndarray``.

    Attributes:
        expr: The random variable or expression of independent ones.
        method: How it draws, e.g. ``"numpy.random.Generator.normal"`` or
            ``"inverse CDF (closed form)"``.
        variables: The random variables, in the order they are drawn.

    Examples:
        >>> from sympy.stats import Normal
        >>> s = sampler(Normal("X", 0, 1))
        >>> s.method
        'numpy.random.Generator.normal'
        >>> s(3, rng=0).shape
        (3,)
        >>> s.latex()
        'X \\sim \\operatorname{Normal}\\left(0, 1\\right)'
    """

    expr: Any
    method: str
    variables: tuple[Any, ...]
    _draw: Draw = field(repr=False, compare=False)

    def __call__(
        self, size: int | tuple[int, ...], rng: Any = None, *, chunks: int | None = None
    ) -> Any:
        """Draw ``size`` samples (an int or a shape) using ``rng`` (Generator, seed or None).

        With ``chunks=`` (Dask-backed mode, the ``dask`` extra) the result is a lazy
        ``dask.array`` of ``size`` draws in chunks of that length, chunk ``k`` drawn from the
        ``k``-th ``SeedSequence`` child of ``rng``: reproducible, and never all in memory.
        """
        if chunks is not None:
            if type(size) is not int or size < 0:
                raise ValueError(f"chunks= needs size to be a non-negative int, got {size!r}")
            if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
                raise ValueError(f"chunks must be a positive int, got {chunks!r}")
            from symml._chunked import chunked_sample

            draw = self._draw
            return chunked_sample(
                lambda k, g: np.asarray(draw(k, g), dtype=float),
                size,
                rng=as_rng(rng),
                chunk_size=int(chunks),
            )
        if type(size) is not int:
            size = _as_size(size)
        elif size < 0:
            raise ValueError(f"size must be a non-negative int or shape, got {size}")
        return self._draw(size, as_rng(rng))

    def latex(self) -> str:
        """LaTeX of what is sampled: the expression and each variable's distribution."""
        laws = [_law_latex(v) for v in self.variables]
        if len(self.variables) == 1 and self.expr == self.variables[0]:
            return laws[0]
        return rf"{tex(self.expr)},\quad " + r",\ ".join(laws)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"


@dataclass(frozen=True)
class Estimate:
    r"""A Monte Carlo estimate of an expectation.

    Attributes:
        mean: The sample mean.
        stderr: Its standard error, ``std / sqrt(n)``.
        n: The number of draws.

    Examples:
        >>> e = Estimate(mean=0.51, stderr=0.01, n=2500)
        >>> e.agrees_with(0.5), e.agrees_with(0.6)
        (True, False)
        >>> e.latex()
        '0.51 \\pm 0.01 \\quad (n = 2500)'
    """

    mean: float
    stderr: float
    n: int

    def agrees_with(self, value: Any, sigmas: float = 4) -> bool:
        """Whether ``value`` lies within ``sigmas`` standard errors of the mean."""
        target = _to_float(value, "value")
        slack = sigmas * self.stderr + 1e-12 * max(1.0, abs(target))
        return bool(abs(self.mean - target) <= slack)

    def interval(self, sigmas: float = 4) -> tuple[float, float]:
        """``(mean - sigmas·stderr, mean + sigmas·stderr)``."""
        return self.mean - sigmas * self.stderr, self.mean + sigmas * self.stderr

    def latex(self) -> str:
        return rf"{self.mean:.6g} \pm {self.stderr:.2g} \quad (n = {self.n})"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __str__(self) -> str:
        return f"{self.mean:.6g} ± {self.stderr:.2g} (n = {self.n})"


# --- sampler() -------------------------------------------------------------------------------


def sampler(expr: Any, *, method: str = "auto", timeout: float | None = None) -> Sampler:
    """Build a :class:`Sampler` of a random variable or an expression of independent ones.

    Args:
        expr: A ``sympy.stats`` random variable (``Normal("X", 0, 1)``,
            ``ContinuousRV(x, density, Interval(a, b))``...) or an expression of them.
        method: ``"auto"`` (NumPy for standard families, else the best custom method), or
            force one for continuous variables: ``"numpy"``, ``"closed-form"``,
            ``"tabulated"``, ``"rejection"``.
        timeout: Seconds SymPy may spend looking for a closed-form inverse CDF (default
            ``config.timeout``).

    Returns:
        A cached :class:`Sampler`; calling it draws samples.

    Raises:
        ValueError: For an expression without random variables, symbolic (non-numeric)
            parameters, a density that is negative or does not integrate to 1, or an
            unknown ``method``.
        NotSupportedError: For joint (dependent) distributions or a forced method that
            does not apply.

    Examples:
        >>> import sympy
        >>> from sympy.stats import ContinuousRV, Exponential
        >>> x = sympy.Symbol("x", real=True)
        >>> s = sampler(ContinuousRV(x, 3 * x**2 / 2, sympy.Interval(-1, 1)))
        >>> s.method
        'inverse CDF (closed form)'
        >>> bool(abs(s(100_000, rng=1).mean()) < 0.02)
        True
        >>> sampler(2 * Exponential("T", 1) + 1)(2, rng=0).shape
        (2,)
    """
    if isinstance(expr, Sampler):
        return expr
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    value, _ = as_expr(expr, what="the expression to sample")
    if not isinstance(value, sympy.Expr):
        raise ValueError(f"can only sample a scalar expression, got {value!r}")
    return _sampler_cached(value, method, resolve_timeout(timeout))


@lru_cache(maxsize=256)
def _sampler_cached(expr: sympy.Expr, method: str, timeout: float | None) -> Sampler:
    from sympy.stats.rv import RandomSymbol, random_symbols

    if isinstance(expr, RandomSymbol):
        how, draw = _plan(expr, method, timeout)
        return Sampler(expr, how, (expr,), draw)
    variables = tuple(sorted(random_symbols(expr), key=lambda v: v.name))
    if not variables:
        raise ValueError(
            f"{expr} has no random variable to sample (make them with "
            "sympy.stats, e.g. Normal('X', 0, 1))"
        )
    others = sorted(
        s.name for s in expr.free_symbols - set(variables) if not isinstance(s, RandomSymbol)
    )
    if others:
        raise ValueError(
            f"cannot sample {expr}: it has non-random symbols {', '.join(others)}; "
            "substitute numbers for them first"
        )
    plans = [_plan(v, method, timeout) for v in variables]
    stand_ins = [sympy.Symbol(f"v{i}", real=True) for i in range(len(variables))]
    f = to_numpy(expr.xreplace(dict(zip(variables, stand_ins, strict=True))), stand_ins)
    draws = tuple(d for _, d in plans)

    def draw(size: Any, rng: np.random.Generator) -> np.ndarray:
        return f(*(d(size, rng) for d in draws))

    how = (
        "compiled expression of independent draws ("
        + "; ".join(f"{v.name}: {h}" for v, (h, _) in zip(variables, plans, strict=True))
        + ")"
    )
    return Sampler(expr, how, variables, draw)


def _plan(rv: Any, method: str, timeout: float | None) -> tuple[str, Draw]:
    """(method description, draw function) of one random variable."""
    from sympy.stats.crv import SingleContinuousPSpace
    from sympy.stats.drv import SingleDiscretePSpace
    from sympy.stats.frv import SingleFinitePSpace

    pspace = rv.pspace
    if not isinstance(pspace, (SingleContinuousPSpace, SingleDiscretePSpace, SingleFinitePSpace)):
        raise NotSupportedError(
            f"cannot sample {rv}: only independent single variables are "
            f"supported, not a {type(pspace).__name__}"
        )
    dist = pspace.distribution
    params = sorted(s.name for s in dist.free_symbols)
    if params:
        raise ValueError(
            f"cannot sample {rv}: its distribution has symbolic parameters "
            f"{', '.join(params)}; substitute numbers for them first"
        )
    continuous = isinstance(pspace, SingleContinuousPSpace)
    if method in ("auto", "numpy") or not continuous:
        family = _numpy_family(dist)
        if family is not None:
            return family
        if method == "numpy":
            raise NotSupportedError(f"{rv}: {type(dist).__name__} has no numpy.random method")
    if isinstance(pspace, SingleFinitePSpace):
        return _finite_plan(rv, dist)
    if isinstance(pspace, SingleDiscretePSpace):
        return _discrete_plan(rv, dist)
    return _continuous_plan(rv, dist, method, timeout)


def _numpy_family(dist: Any) -> tuple[str, Draw] | None:
    family = FAMILIES.get(type(dist).__name__)
    if family is None:
        return None
    values = [_python_number(a) for a in dist.args]
    args = family.params(*values)
    if args is None:
        return None
    loc = family.loc(*values) if family.loc else None
    scale = family.scale(*values) if family.scale else None
    name = family.method

    if loc is None and scale is None:

        def draw(size: Any, rng: np.random.Generator) -> np.ndarray:
            return getattr(rng, name)(*args, size=size)
    else:
        shift = 0.0 if loc is None else loc
        factor = 1.0 if scale is None else scale

        def draw(size: Any, rng: np.random.Generator) -> np.ndarray:
            out = getattr(rng, name)(*args, size=size)
            out *= factor
            out += shift
            return out

    return f"numpy.random.Generator.{name}", draw


# --- finite and discrete distributions: tables -----------------------------------------------


def _finite_plan(rv: Any, dist: Any) -> tuple[str, Draw]:
    table = {sympy.sympify(v): p for v, p in dist.dict.items()}
    bad = [str(v) for v in table if not v.is_number]
    if bad:
        raise ValueError(f"cannot sample {rv}: its values {', '.join(bad)} are not numbers")
    items = sorted(table.items(), key=lambda kv: float(kv[0]))
    values = np.array([_python_number(v) for v, _ in items])
    probs = np.array([float(p) for _, p in items])
    _check_total(rv, float(probs.sum()))
    if np.allclose(probs, probs[0], rtol=0, atol=1e-15):

        def draw(size: Any, rng: np.random.Generator) -> np.ndarray:
            return values[rng.integers(0, len(values), size=size)]

        return "table lookup (equally likely values)", draw
    return "table lookup (cumulative probabilities)", _lookup_draw(values, probs)


def _lookup_draw(values: np.ndarray, probs: np.ndarray) -> Draw:
    cumulative = np.cumsum(probs)
    cumulative /= cumulative[-1]
    last = len(values) - 1

    def draw(size: Any, rng: np.random.Generator) -> np.ndarray:
        index = np.searchsorted(cumulative, rng.random(size), side="right")
        return values[np.minimum(index, last)]

    return draw


def _discrete_plan(rv: Any, dist: Any) -> tuple[str, Draw]:
    support = dist.set
    start = support.inf
    if not start.is_finite or not start.is_integer:
        raise NotSupportedError(f"cannot sample {rv}: its support {support} has no first value")
    k = sympy.Symbol("k", integer=True)
    pmf = to_numpy(_on_support(dist.pdf(k)), [k])
    first = int(start)
    last = int(support.sup) if support.sup.is_finite else None
    count = 1024
    while True:
        stop = first + count if last is None else last + 1
        ks = np.arange(first, stop)
        probs = np.nan_to_num(np.asarray(pmf(ks.astype(float)), dtype=float), nan=0.0)
        total = float(probs.sum())
        if last is not None or 1.0 - total < 1e-13 or count >= 2**24:
            break
        count *= 4
    if np.any(probs < 0):
        raise ValueError(f"cannot sample {rv}: its probabilities are negative somewhere")
    _check_total(rv, total)
    return "tabulated inverse CDF (discrete)", _lookup_draw(ks, probs)


# --- continuous custom densities ---------------------------------------------------------------


def _continuous_plan(rv: Any, dist: Any, method: str, timeout: float | None) -> tuple[str, Draw]:
    support = dist.set
    if not isinstance(support, sympy.Interval):
        raise NotSupportedError(f"cannot sample {rv}: its support {support} is not an interval")
    x = sympy.Symbol("x", real=True)
    density = _on_support(dist.pdf(x))
    lo, hi = support.inf, support.sup
    table = _mass_table(rv, density, x, float(lo), float(hi))  # refuses negative values
    _check_total(rv, _density_total(rv, density, x, lo, hi))
    if method in ("auto", "closed-form"):
        found = _closed_form_inverse(density, x, lo, hi, table, timeout)
        if found is not None:
            return "inverse CDF (closed form)", found
        if method == "closed-form":
            raise NotSupportedError(f"SymPy found no closed-form inverse CDF of {rv} in time")
    if not abs(table.total - 1.0) <= NORMALISATION_TOL:
        raise NotSupportedError(
            f"cannot sample {rv}: its tabulated CDF holds "
            f"{table.total:.6g} of the mass, not 1 (a narrow peak or an "
            f"interior singularity the grid misses), and SymPy found no "
            f"closed-form inverse CDF"
        )
    if method in ("auto", "tabulated") and (table.accurate() or method == "tabulated"):
        return "inverse CDF (tabulated, Newton-polished)", table.inverse_draw
    if table.singular:
        raise NotSupportedError(
            f"cannot sample {rv} by rejection: its density is unbounded at "
            f"an end of its support (no envelope); the tabulated inverse "
            f"CDF is not accurate enough either"
        )
    return "rejection (piecewise-constant envelope)", table.rejection_draw


def _inverse_cdf_candidates(
    density: sympy.Expr, x: sympy.Symbol, lo: Any, hi: Any, u: sympy.Symbol
) -> list[sympy.Expr]:
    """Closed forms of F⁻¹(u) (run in a child process under a time limit)."""
    t = sympy.Dummy("t", real=True)
    cdf = sympy.integrate(density.subs(x, t), (t, lo, x))
    if cdf.has(sympy.Integral):
        return []
    solutions = sympy.solveset(sympy.Eq(cdf, u), x, sympy.Interval(lo, hi))
    return _finite_elements(solutions)


def _finite_elements(s: Any) -> list[sympy.Expr]:
    if isinstance(s, sympy.FiniteSet):
        return list(s)
    found: list[sympy.Expr] = []
    for a in getattr(s, "args", ()):
        if isinstance(a, sympy.Set):
            found += _finite_elements(a)
    return found


def _closed_form_inverse(
    density: sympy.Expr, x: sympy.Symbol, lo: Any, hi: Any, table: _Table, timeout: float | None
) -> Draw | None:
    u = sympy.Symbol("u", positive=True)
    try:
        candidates = run_limited(
            _inverse_cdf_candidates,
            density,
            x,
            lo,
            hi,
            u,
            timeout=timeout,
            what=f"the inverse CDF of {density}",
        )
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError, RuntimeError):
        return None
    for candidate in candidates:
        if candidate.free_symbols - {u}:
            continue
        try:
            inverse = to_numpy(candidate, [u])
        except (ValueError, TypeError, NameError, NotImplementedError):
            continue
        if table.agrees_with_inverse(inverse):
            return lambda size, rng, f=inverse: f(rng.random(size))
    return None


class _Table:
    """A density tabulated on ``t`` in [0, 1], mapped onto the support by ``x = x(t)``.

    ``g(t) = f(x(t)) x'(t) / total`` is the (normalised) density of ``t`` and ``cdf`` its CDF
    at the cell edges (Gauss-Legendre in each cell). Draws invert the CDF by interpolation,
    then polish with Newton steps on the partial-cell integral, bracketed in the cell.
    """

    def __init__(
        self,
        f: Callable,
        to_x: _Map,
        total: float,
        cdf: np.ndarray,
        peaks: np.ndarray,
        singular: bool = False,
    ) -> None:
        self.f, self.to_x, self.cdf, self.peaks = f, to_x, cdf, peaks
        self.total = total  # the density's integral as tabulated (1 when all is well)
        self.singular = singular  # unbounded at an end: no envelope for rejection sampling
        self.edges = np.linspace(0.0, 1.0, GRID_CELLS + 1)
        self.h = 1.0 / GRID_CELLS

    @classmethod
    def build(
        cls, rv: Any, f: Callable, lo: float, hi: float, mass: tuple[float, float] = (0.0, 1.0)
    ) -> _Table:
        """The table on the map of [lo, hi] centred at ``mass`` = (centre, scale)."""
        to_x = _MAPS[(math.isfinite(lo), math.isfinite(hi))](lo, hi, *mass)
        h = 1.0 / GRID_CELLS
        nodes = np.arange(GRID_CELLS)[:, None] * h + h * _GL_NODES[None, :]
        with np.errstate(all="ignore"):
            g = _g(f, to_x, nodes)
        if not np.all(np.isfinite(g)):
            raise NotSupportedError(
                f"cannot sample {rv}: its density is not finite everywhere on its support"
            )
        if np.any(g < 0):
            raise ValueError(
                f"cannot sample {rv}: its density is negative somewhere on its support"
            )
        mass = h * (g @ _GL_WEIGHTS)
        near = _near_end(np.arange(GRID_CELLS))
        with np.errstate(all="ignore"):  # tanh-sinh from the nearer end of the grid
            g_near = _g(f, to_x, _toward_end(np.arange(GRID_CELLS)[near], h * np.ones(1), h))
        near_mass = h * (np.nan_to_num(g_near, nan=0.0, posinf=0.0) @ _END_WEIGHTS)
        ends = np.array([0, near_mass.size - 1])
        singular = not np.allclose(near_mass[ends], mass[[0, GRID_CELLS - 1]], rtol=1e-9, atol=0)
        mass[near] = near_mass
        cdf = np.concatenate([[0.0], np.cumsum(mass)])
        total = float(cdf[-1])
        if not total > 0:  # the grid saw no mass: a table that says so (total 0)
            return cls(f, to_x, 0.0, cdf, g.max(axis=1))
        return cls(f, to_x, total, cdf / total, g.max(axis=1) / total, singular)

    def g(self, t: np.ndarray) -> np.ndarray:
        """The normalised density of ``t`` (0 where it is not finite)."""
        with np.errstate(all="ignore"):
            return np.nan_to_num(_g(self.f, self.to_x, t) / self.total, nan=0.0, posinf=0.0)

    def partial_cdf(self, t: np.ndarray, cell: np.ndarray) -> np.ndarray:
        """The CDF at ``t`` in ``cell``: the edge value plus the Gauss-Legendre partial integral
        (near the ends of the grid by tanh-sinh, so that a density like ``1/√x`` or
        ``x^(-2/3)`` at an end of the support is integrated to rounding)."""
        t, cell = np.asarray(t, dtype=float), np.asarray(cell)
        left = self.edges[cell]
        d = t - left
        out = self.cdf[cell] + d * (
            self.g(left[..., None] + d[..., None] * _GL_NODES) @ _GL_WEIGHTS
        )
        near = _near_end(cell)
        if np.any(near):  # top cells: the cell's mass less the integral from t to its right
            c, tn = cell[near], t[near]
            top = c >= GRID_CELLS // 2
            span = np.where(top, self.edges[c + 1] - tn, tn - self.edges[c])
            part = span * (self.g(_toward_end(c, span, self.h)) @ _END_WEIGHTS)
            out[near] = np.where(top, self.cdf[c + 1] - part, self.cdf[c] + part)
        return out

    def invert(self, u: np.ndarray) -> np.ndarray:
        """``t`` with CDF(t) = u: interpolation in the table, then bracketed Newton steps."""
        cell = np.clip(np.searchsorted(self.cdf, u, side="right") - 1, 0, GRID_CELLS - 1)
        left = self.edges[cell]
        base = self.cdf[cell]
        width = self.cdf[cell + 1] - base
        frac = np.divide(u - base, width, out=np.full_like(u, 0.5), where=width > 0)
        t = left + self.h * frac
        for _ in range(NEWTON_STEPS):
            slope = self.g(t)
            residual = self.partial_cdf(t, cell) - u
            step = np.divide(residual, slope, out=np.zeros_like(t), where=slope > 0)
            t = np.clip(t - step, left, left + self.h)
        near = _near_end(cell)
        for _ in range(NEAR_END_NEWTON_STEPS if np.any(near) else 0):  # steep near the ends
            tn, cn = t[near], cell[near]
            slope = self.g(tn)
            step = np.divide(
                self.partial_cdf(tn, cn) - u[near], slope, out=np.zeros_like(tn), where=slope > 0
            )
            t[near] = np.clip(tn - step, left[near], left[near] + self.h)
        ends = (cell == 0) | (cell == GRID_CELLS - 1)
        if np.any(ends):  # bisection: the density may be unbounded at the support's end
            lo_t, hi_t = left[ends], left[ends] + self.h
            target, where = u[ends], cell[ends]
            for _ in range(END_BISECTIONS):
                mid = (lo_t + hi_t) / 2
                below = self.partial_cdf(mid, where) < target
                lo_t, hi_t = np.where(below, mid, lo_t), np.where(below, hi_t, mid)
            t[ends] = (lo_t + hi_t) / 2
        return t

    def inverse_draw(self, size: Any, rng: np.random.Generator) -> np.ndarray:
        return self.to_x(self.invert(rng.random(size)))

    def accurate(self) -> bool:
        """Whether the polished inverse reproduces ``u`` on a probe grid."""
        u = np.linspace(1e-3, 1 - 1e-3, 257)
        t = self.invert(u)
        cell = np.clip(np.searchsorted(self.edges, t, side="right") - 1, 0, GRID_CELLS - 1)
        error = np.abs(self.partial_cdf(t, cell) - u)
        return bool(np.all(np.isfinite(error)) and error.max() < 1e-9)

    def agrees_with_inverse(self, inverse: Callable) -> bool:
        """Whether a candidate inverse CDF ``x(u)`` matches the tabulated CDF."""
        u = np.linspace(0.005, 0.995, 67)
        with np.errstate(all="ignore"):
            try:
                x = np.asarray(inverse(u))
            except (ValueError, TypeError, ArithmeticError):
                return False
        if x.shape != u.shape or np.iscomplexobj(x) or not np.all(np.isfinite(x)):
            return False
        t = self.to_x.inverse(x)
        cell = np.clip(np.searchsorted(self.edges, t, side="right") - 1, 0, GRID_CELLS - 1)
        with np.errstate(all="ignore"):
            error = np.abs(self.partial_cdf(t, cell) - u)
        return bool(np.all(np.isfinite(error)) and error.max() < 1e-7)

    def rejection_draw(self, size: Any, rng: np.random.Generator) -> np.ndarray:
        """Rejection under the envelope 1.25 × the largest tabulated value near each cell."""
        n = int(np.prod(size))
        envelope = 1.25 * np.maximum(
            self.peaks, np.maximum(np.roll(self.peaks, 1), np.roll(self.peaks, -1))
        )
        cumulative = np.cumsum(envelope)
        cumulative /= cumulative[-1]
        found: list[np.ndarray] = []
        have = 0
        while have < n:
            m = max(1024, int(1.5 * (n - have)))
            cell = np.minimum(
                np.searchsorted(cumulative, rng.random(m), side="right"), GRID_CELLS - 1
            )
            t = self.edges[cell] + self.h * rng.random(m)
            keep = rng.random(m) * envelope[cell] <= self.g(t)
            found.append(t[keep])
            have += int(keep.sum())
        return self.to_x(np.concatenate(found)[:n]).reshape(size)


def _near_end(cell: np.ndarray) -> np.ndarray:
    """Which cells lie within :data:`NEAR_END_CELLS` of an end of the grid."""
    return (cell < NEAR_END_CELLS) | (cell >= GRID_CELLS - NEAR_END_CELLS)


def _toward_end(cell: np.ndarray, span: np.ndarray, h: float) -> np.ndarray:
    """Tanh-sinh nodes (one row per cell) on ``span`` from the cell's edge nearer the end of
    the grid: from its left edge in the lower half, its right edge in the upper half (so
    that nodes crowd where a singularity at that end of the support would be)."""
    top = (cell >= GRID_CELLS // 2)[:, None]
    left = (cell * h)[:, None]
    right = ((cell + 1) * h)[:, None]
    span = np.broadcast_to(np.asarray(span, dtype=float), cell.shape)[:, None]
    return np.where(top, right - span * _END_NODES, left + span * _END_NODES)


def _mass_table(rv: Any, density: sympy.Expr, x: sympy.Symbol, lo: float, hi: float) -> _Table:
    """The table on the standard map of the support (mass near 0 at unit scale), or, when
    that grid misses the mass (a peak at 1000, or 1e-6 wide), on the map centred at the
    density's mode and scaled by its width (:func:`symml.probability._density_mode`)."""
    from symml.probability import _density_mode

    f = to_numpy(density, [x])
    table = _Table.build(rv, f, lo, hi)
    found = (
        None if abs(table.total - 1.0) <= NORMALISATION_TOL else _density_mode(density, x, lo, hi)
    )
    if found is None or not found[1] > 0:
        return table
    mode, width = found
    # on a half-line, t = 1/2 falls at the end ± scale: the mode (or the width beyond it)
    scale = (
        width
        if math.isinf(lo) and math.isinf(hi)
        else max(width, mode - lo if math.isfinite(lo) else hi - mode)
    )
    centred = _Table.build(rv, f, lo, hi, (mode, scale))
    return centred if abs(centred.total - 1.0) < abs(table.total - 1.0) else table


def _density_total(rv: Any, density: sympy.Expr, x: sympy.Symbol, lo: Any, hi: Any) -> float:
    """The density's integral over its support by the probability module's checked
    quadrature (divergence probes at the ends; ``inf`` when it diverges)."""
    from symml.probability import _mass, _quad

    return _quad(
        density, x, lo, hi, what=f"the integral of the density of {rv}", cuts=_mass(rv)[2]
    )[0]


def _g(f: Callable, to_x: Any, t: np.ndarray) -> np.ndarray:
    x, dx = to_x(t), to_x.derivative(t)
    return np.asarray(f(x), dtype=float) * dx


class _Map:
    """``x(t)`` for ``t`` in [0, 1] onto an interval, with its derivative and inverse."""

    def __init__(self, forward: Callable, derivative: Callable, inverse: Callable) -> None:
        self.forward, self.derivative, self.backward = forward, derivative, inverse

    def __call__(self, t: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.forward(t)

    def inverse(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.clip(self.backward(x), 0.0, 1.0)


# Each map takes the support [lo, hi] and a centre c and scale s of the mass (0 and 1 by
# default): an infinite range is mapped so that t = 1/2 falls at c (at lo + s, hi − s on a
# half-line) with a unit of t about s wide there.


def _finite_map(lo: float, hi: float, c: float = 0.0, s: float = 1.0) -> _Map:
    return _Map(lambda t: lo + (hi - lo) * t, lambda t: hi - lo, lambda x: (x - lo) / (hi - lo))


def _upper_map(lo: float, hi: float, c: float = 0.0, s: float = 1.0) -> _Map:
    return _Map(
        lambda t: lo + s * t / (1 - t),
        lambda t: s / (1 - t) ** 2,
        lambda x: (x - lo) / (s + (x - lo)),
    )


def _lower_map(lo: float, hi: float, c: float = 0.0, s: float = 1.0) -> _Map:
    return _Map(
        lambda t: hi + s * (t - 1) / t, lambda t: s / t**2, lambda x: 1 / (1 + (hi - x) / s)
    )


def _real_s(x: np.ndarray) -> np.ndarray:
    """The root in [-1, 1] of s / (1 - s²) = x."""
    return np.where(x == 0, 0.0, 2 * x / (1 + np.sqrt(1 + 4 * x * x)))


def _real_map(lo: float, hi: float, c: float = 0.0, s: float = 1.0) -> _Map:
    return _Map(
        lambda t: c + s * (2 * t - 1) / (1 - (2 * t - 1) ** 2),
        lambda t: s * 2 * (1 + (2 * t - 1) ** 2) / (1 - (2 * t - 1) ** 2) ** 2,
        lambda x: (_real_s((x - c) / s) + 1) / 2,
    )


#: (lower bound finite, upper bound finite) -> the map of [0, 1] onto the support.
_MAPS: Mapping[tuple[bool, bool], Callable[..., _Map]] = {
    (True, True): _finite_map,
    (True, False): _upper_map,
    (False, True): _lower_map,
    (False, False): _real_map,
}


# --- monte_carlo ---------------------------------------------------------------------------------


def monte_carlo(
    expr: Any, n: int, rng: Any = None, *, chunks: int | None = None, client: Any = None
) -> Estimate:
    """Monte Carlo estimate of ``E[expr]`` from ``n`` independent draws.

    Args:
        expr: A random variable, an expression of independent ones, or a :class:`Sampler`.
        n: How many draws (at least 2).
        rng: A ``numpy.random.Generator``, an int seed or ``None``.
        chunks: Draw in chunks of this size through :mod:`symml._chunked` (optionally on a
            dask ``client``); otherwise draws are made in batches of at most
            :data:`BATCH`, so memory stays bounded for any ``n``.
        client: A dask client for ``chunks=`` mode.

    Returns:
        :class:`Estimate` with the mean, its standard error and ``n``.

    Raises:
        ValueError: For ``n < 2`` or draws that are not finite.

    Examples:
        >>> from sympy.stats import Die
        >>> est = monte_carlo(Die("D", 6), 100_000, rng=0)
        >>> est.agrees_with(3.5)
        True
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an int >= 2, got {n!r}")
    n = int(n)
    sample = sampler(expr)
    generator = as_rng(rng)

    def draw(size: int, rng: np.random.Generator) -> np.ndarray:
        values = np.asarray(sample(size, rng))
        if np.iscomplexobj(values):
            if np.any(values.imag != 0):
                raise ValueError(
                    f"{sample.expr} is complex-valued; Monte Carlo averages real "
                    f"draws: estimate its real and imaginary parts (sympy.re, "
                    f"sympy.im) separately"
                )
            values = values.real
        return values.astype(float, copy=False)

    if chunks is not None:
        if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
            raise ValueError(f"chunks must be a positive int, got {chunks!r}")
        from symml._chunked import chunked_monte_carlo

        mean, stderr, count = chunked_monte_carlo(
            draw, n, rng=generator, chunk_size=int(chunks), client=client
        )
        return Estimate(float(mean), float(stderr), int(count))
    if client is not None:
        raise ValueError("client= needs chunks= (the chunk size)")
    mean, m2, count = 0.0, 0.0, 0
    while count < n:
        with np.errstate(all="ignore"):
            values = draw(min(BATCH, n - count), generator)
        if not np.all(np.isfinite(values)):
            raise ValueError(
                f"{sample.expr} gave non-finite values; its expectation is not "
                "estimable by Monte Carlo"
            )
        mean, m2, count = _merge(mean, m2, count, values)
    return Estimate(mean, math.sqrt(m2 / (count - 1) / count), count)


def _merge(mean: float, m2: float, count: int, values: np.ndarray) -> tuple[float, float, int]:
    """Chan et al.'s update of (mean, sum of squared deviations, count) with a batch."""
    k = values.size
    batch_mean = float(values.mean())
    batch_m2 = float(np.square(values - batch_mean).sum())
    total = count + k
    delta = batch_mean - mean
    return (mean + delta * k / total, m2 + batch_m2 + delta**2 * count * k / total, total)


# --- checking draws against the law (the CLI's sample --verify) ---------------------------------

#: A Kolmogorov-Smirnov p-value below this fails :func:`check_draws`.
KS_PVALUE = 1e-3


def check_draws(expr: Any, values: Any, *, timeout: float | None = None) -> Any:
    """Check draws of ``expr`` against its law: a :class:`~symml.derivation.Verification`.

    One continuous variable: the Kolmogorov-Smirnov test against its exact CDF (SymPy's,
    compiled and evaluated in complex arithmetic; passed when p > :data:`KS_PVALUE`).
    Otherwise (a discrete variable, an expression of several, or a CDF SymPy does not give
    in time or that is not a probability at every draw): the sample mean and
    variance within 4 standard errors of the exact E and Var (:func:`symml.expectation`,
    :func:`symml.variance`; their own error counts when they are numeric).

    Examples:
        >>> from sympy.stats import Normal, Die
        >>> s = sampler(Normal("X", 0, 1))
        >>> check = check_draws(s.expr, s(2000, rng=0))
        >>> check.passed, check.method.split(" (")[0]
        (True, 'Kolmogorov-Smirnov against the exact CDF')
        >>> check_draws(Die("D", 6), np.full(100, 6.0)).passed
        False
    """
    from sympy.stats.crv import SingleContinuousPSpace
    from sympy.stats.rv import RandomSymbol

    from symml.derivation import Verification

    values = np.asarray(values, dtype=float).ravel()
    limit = resolve_timeout(timeout)
    if isinstance(expr, RandomSymbol) and isinstance(expr.pspace, SingleContinuousPSpace):
        cdf = _exact_cdf(expr, limit)
        at_draws = None if cdf is None else cdf(values)
        if at_draws is not None and np.all((at_draws >= -1e-9) & (at_draws <= 1 + 1e-9)):
            from scipy import stats as sps

            with np.errstate(all="ignore"):
                result = sps.kstest(values, cdf)
            return Verification(
                passed=bool(result.pvalue > KS_PVALUE),
                max_error=float(result.statistic),
                method=f"Kolmogorov-Smirnov against the exact CDF (p = {result.pvalue:.3g})",
                points=int(values.size),
                details=f"D = {result.statistic:.4g}",
            )
    return _check_moments(expr, values, limit)


def _exact_cdf(rv: Any, timeout: float | None) -> Callable[[np.ndarray], np.ndarray] | None:
    """SymPy's CDF of ``rv`` compiled (``None`` when SymPy gives none in time)."""
    from sympy.stats import cdf

    z = sympy.Symbol("z", real=True)
    try:
        F = run_limited(lambda: cdf(rv)(z), timeout=timeout, what=f"the CDF of {rv}")
        f = to_numpy(F, [z])
    except Exception:  # no usable CDF: the moments are checked instead
        return None
    if F.has(sympy.Integral):
        return None

    def compiled(t: np.ndarray) -> np.ndarray:
        # on complex inputs: SymPy's CDFs can hold parts that are complex and cancel
        # (Beta(1/2, 1/2): i·acosh(√z) of z < 1), NaN in real floating point; the real
        # part is the CDF (the compiled function's float output keeps just that)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            return np.real(np.asarray(f(np.asarray(t, dtype=complex)), dtype=complex))

    return compiled


def _check_moments(expr: Any, values: np.ndarray, timeout: float | None) -> Any:
    from symml.derivation import Verification
    from symml.errors import SymmlError
    from symml.probability import MC_SAMPLES, _mean_and_variance

    n = int(values.size)
    if n < 2:
        raise ValueError("checking draws needs at least 2 of them")
    try:
        mean_d, var_d = _mean_and_variance(expr, timeout, None, MC_SAMPLES)
        mean, var = float(mean_d.result), float(var_d.result)
    except (SymmlError, TypeError, ValueError) as exc:
        return Verification(
            passed=False,
            max_error=float("inf"),
            method="moments",
            points=n,
            details=f"the exact mean and variance of {expr} are not available: {exc}",
        )
    if not (math.isfinite(mean) and math.isfinite(var)):
        return Verification(
            passed=False,
            max_error=float("inf"),
            method="moments",
            points=n,
            details=f"E = {mean}, Var = {var}: no finite moments to compare",
        )
    got_mean, got_var = float(values.mean()), float(values.var(ddof=1))
    se_mean = math.hypot(math.sqrt(max(var, 0.0) / n), mean_d.error or 0.0)
    se_var = math.hypot(
        float(np.std((values - got_mean) ** 2, ddof=1)) / math.sqrt(n), var_d.error or 0.0
    )
    gaps = (abs(got_mean - mean), abs(got_var - var))
    ok = gaps[0] <= 4 * se_mean + 1e-12 * max(1.0, abs(mean)) and gaps[
        1
    ] <= 4 * se_var + 1e-12 * max(1.0, abs(var))
    return Verification(
        passed=bool(ok),
        max_error=max(gaps),
        method="mean and variance within 4 standard errors of the exact ones",
        points=n,
        details=f"mean {got_mean:.6g} vs {mean:.6g}, variance {got_var:.6g} vs {var:.6g}",
    )


# --- small helpers ----------------------------------------------------------------------------


def _on_support(density: sympy.Expr) -> sympy.Expr:
    """The density without the ``Piecewise((f, in support), (0, True))`` wrapper."""
    if (
        isinstance(density, sympy.Piecewise)
        and len(density.args) == 2
        and density.args[1] == (0, True)
    ):
        return density.args[0].expr
    return density


def _check_total(rv: Any, total: float) -> None:
    if math.isinf(total):
        raise ValueError(
            f"cannot sample {rv}: its density does not integrate to 1 (its integral diverges)"
        )
    if not abs(total - 1.0) <= NORMALISATION_TOL:
        raise ValueError(f"cannot sample {rv}: its density integrates to {total:.6g}, not 1")


def _python_number(value: Any) -> Any:
    if isinstance(value, (bool, sympy.logic.boolalg.BooleanAtom)):
        return bool(value)
    value = sympy.sympify(value)
    if value.is_Integer:
        return int(value)
    if value.is_number:
        return float(value)
    raise ValueError(f"parameter {value} is not a number")


def _to_float(value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None


def _as_size(size: Any) -> Any:
    if isinstance(size, (bool, float)) or not isinstance(size, (int, np.integer, tuple)):
        raise TypeError(f"size must be an int or a tuple of ints, got {size!r}")
    if isinstance(size, tuple):
        if not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 0 for s in size
        ):
            raise ValueError(f"size must be a tuple of non-negative ints, got {size!r}")
        return tuple(int(s) for s in size)
    if size < 0:
        raise ValueError(f"size must be non-negative, got {size}")
    return int(size)


def _law_latex(rv: Any) -> str:
    dist = rv.pspace.distribution
    name = type(dist).__name__.removesuffix("Distribution")
    if name in (
        "ContinuousDistributionHandmade",
        "DiscreteDistributionHandmade",
        "FiniteDistributionHandmade",
    ):
        z = sympy.Symbol(rv.name, real=True)
        return (
            rf"{tex(rv)} \sim p({tex(z)}) = {tex(_on_support(dist.pdf(z)))},\ "
            rf"{tex(z)} \in {tex(dist.set)}"
        )
    args = ", ".join(tex(a) for a in dist.args)
    return rf"{tex(rv)} \sim \operatorname{{{name}}}\left({args}\right)"
