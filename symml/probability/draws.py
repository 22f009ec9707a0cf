"""Draws of random variables and of expressions of them, and Monte Carlo means.

:func:`sampler` turns a random variable, or any expression of independent ones, into a
:class:`Sampler` that draws NumPy arrays. The plan is made once and cached in the
Sampler, so a call costs one NumPy draw per variable:

- a standard family (Normal, Exponential, Gamma, Poisson, Geometric...) draws straight from
  the matching ``numpy.random.Generator`` method, its parameters mapped by
  :data:`~symml.probability.families.FAMILIES`;
- a finite distribution (Bernoulli, Binomial, Die, DiscreteUniform, ``FiniteRV``...) looks its
  values up in the cumulative table of its probabilities;
- another discrete distribution (``DiscreteRV``) is inverted through its tabulated CDF;
- a custom density (``ContinuousRV``) uses the closed-form inverse CDF when SymPy finds one in
  time, else a tabulated inverse CDF, else rejection sampling
  (:mod:`symml.probability.inversion`). The choice is reported in :attr:`Sampler.method`;
- an expression of several variables samples each and evaluates the expression, compiled,
  on the arrays.

:func:`monte_carlo` estimates ``E[expr]`` with its standard error as an :class:`Estimate`,
drawing in bounded batches (or chunk by chunk, :mod:`symml.probability.chunks`, with
``chunks=``). The expectations' Monte Carlo fallbacks and checks draw through them too;
:mod:`symml.sampling` is their public face.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import sympy
from sympy.stats.crv import SingleContinuousPSpace
from sympy.stats.drv import SingleDiscretePSpace
from sympy.stats.frv import SingleFinitePSpace
from sympy.stats.rv import Distribution, RandomSymbol, random_symbols

from symml.deadline import Deadline, resolve_timeout
from symml.derivation import ExprLike, Result, RngLike, as_expr, as_rng, compiled, tex
from symml.errors import NotSupportedError
from symml.probability.chunks import chunked_monte_carlo, chunked_sample
from symml.probability.families import Draw, Size, numpy_family, python_number
from symml.probability.inversion import check_total, continuous_plan
from symml.probability.variables import without_zero_branch

__all__ = ["BATCH", "METHODS", "Estimate", "Sampler", "monte_carlo", "sampler"]

#: Largest number of draws :func:`monte_carlo` holds in memory at once.
BATCH = 1_000_000
#: Methods :func:`sampler` accepts.
METHODS = ("auto", "numpy", "closed-form", "tabulated", "rejection")


# --- the Sampler and the Estimate ------------------------------------------------------------


class _Inline(Result):
    """A one-line result: Jupyter shows it inline, as ``$\\displaystyle ...$``."""

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"


@dataclass(frozen=True)
class Sampler(_Inline):
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

    expr: sympy.Expr
    method: str
    variables: tuple[RandomSymbol, ...]
    _draw: Draw = field(repr=False, compare=False)

    def __call__(self, size: Size, rng: RngLike = None, *, chunks: int | None = None) -> Any:
        """Draw ``size`` samples (an int or a shape) using ``rng`` (Generator, seed or None).

        With ``chunks=`` (Dask-backed mode, the ``dask`` extra) the result is a lazy
        ``dask.array`` of ``size`` draws in chunks of that length, chunk ``k`` drawn from the
        ``k``-th ``SeedSequence`` child of ``rng``: reproducible, and never all in memory.
        """
        if chunks is not None:
            if type(size) is not int or size < 0:
                raise ValueError(f"chunks= needs size to be a non-negative int, got {size!r}")
            draw = self._draw
            return chunked_sample(
                lambda k, g: np.asarray(draw(k, g), dtype=float),
                size,
                rng=as_rng(rng),
                chunk_size=_chunk_size(chunks),
            )
        if type(size) is not int:
            size = _as_size(size)
        elif size < 0:
            raise ValueError(f"size must be a non-negative int or shape, got {size}")
        return self._draw(size, as_rng(rng))

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX of what is sampled: the expression and each variable's distribution (one
        line, with or without ``steps``)."""
        laws = [_law_latex(v) for v in self.variables]
        if len(self.variables) == 1 and self.expr == self.variables[0]:
            return laws[0]
        return rf"{tex(self.expr)},\quad " + r",\ ".join(laws)


@dataclass(frozen=True)
class Estimate(_Inline):
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

    def latex(self, *, steps: bool = True) -> str:
        """LaTeX ``mean ± stderr (n = ...)`` (one line, with or without ``steps``)."""
        return rf"{self.mean:.6g} \pm {self.stderr:.2g} \quad (n = {self.n})"

    def plain(self) -> str:
        return f"{self.mean:.6g} ± {self.stderr:.2g} (n = {self.n})"


# --- sampler() -------------------------------------------------------------------------------


def sampler(
    expr: ExprLike | Sampler, *, method: str = "auto", timeout: float | None = None
) -> Sampler:
    """Build a :class:`Sampler` of a random variable or an expression of independent ones.

    Args:
        expr: A ``sympy.stats`` random variable (``Normal("X", 0, 1)``,
            ``ContinuousRV(x, density, Interval(a, b))``...) or an expression of them.
        method: ``"auto"`` (NumPy for standard families, else the best custom method), or
            force one for continuous variables: ``"numpy"``, ``"closed-form"``,
            ``"tabulated"``, ``"rejection"``.
        timeout: Seconds SymPy may spend looking for closed-form inverse CDFs, all the
            variables together (``None``: ``config.timeout``;
            :data:`~symml.config.NO_LIMIT`: no limit).

    Returns:
        A cached :class:`Sampler`; calling it draws samples.

    Raises:
        ValueError: For an expression without random variables, symbolic (non-numeric)
            parameters, a density that is negative or does not integrate to 1, or an
            unknown ``method``.
        NotSupportedError: For joint (dependent) distributions or a forced method that
            does not apply.

    Examples:
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
    # resolved here (not in the cache) so that None and config.timeout share one entry
    return _sampler_cached(value, method, resolve_timeout(timeout))


@lru_cache(maxsize=256)
def _sampler_cached(expr: sympy.Expr, method: str, timeout: float) -> Sampler:
    deadline = Deadline(timeout)  # one budget for every variable's plan
    if isinstance(expr, RandomSymbol):
        how, one = _plan(expr, method, deadline)
        return Sampler(expr, how, (expr,), one)
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
    plans = [_plan(v, method, deadline) for v in variables]
    stand_ins = [sympy.Symbol(f"v{i}", real=True) for i in range(len(variables))]
    f = compiled(expr.xreplace(dict(zip(variables, stand_ins, strict=True))), stand_ins)
    draws = tuple(d for _, d in plans)

    def draw(size: Size, rng: np.random.Generator) -> np.ndarray:
        return f(*(d(size, rng) for d in draws))

    how = (
        "compiled expression of independent draws ("
        + "; ".join(f"{v.name}: {h}" for v, (h, _) in zip(variables, plans, strict=True))
        + ")"
    )
    return Sampler(expr, how, variables, draw)


def _plan(rv: RandomSymbol, method: str, deadline: Deadline) -> tuple[str, Draw]:
    """(method description, draw function) of one random variable."""
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
        family = numpy_family(dist)
        if family is not None:
            return family
        if method == "numpy":
            raise NotSupportedError(f"{rv}: {type(dist).__name__} has no numpy.random method")
    if isinstance(pspace, SingleFinitePSpace):
        return _finite_plan(rv, dist)
    if isinstance(pspace, SingleDiscretePSpace):
        return _discrete_plan(rv, dist)
    return continuous_plan(rv, dist, method, deadline)


# --- finite and discrete distributions: tables -----------------------------------------------


def _finite_plan(rv: RandomSymbol, dist: Distribution) -> tuple[str, Draw]:
    table = {sympy.sympify(v): p for v, p in dist.dict.items()}
    bad = [str(v) for v in table if not v.is_number]
    if bad:
        raise ValueError(f"cannot sample {rv}: its values {', '.join(bad)} are not numbers")
    items = sorted(table.items(), key=lambda kv: float(kv[0]))
    values = np.array([python_number(v) for v, _ in items])
    probs = np.array([float(p) for _, p in items])
    check_total(rv, float(probs.sum()))
    if np.allclose(probs, probs[0], rtol=0, atol=1e-15):
        return "table lookup (equally likely values)", _uniform_draw(values)
    return "table lookup (cumulative probabilities)", _lookup_draw(values, probs)


def _uniform_draw(values: np.ndarray) -> Draw:
    def draw(size: Size, rng: np.random.Generator) -> np.ndarray:
        return values[rng.integers(0, len(values), size=size)]

    return draw


def _lookup_draw(values: np.ndarray, probs: np.ndarray) -> Draw:
    cumulative = np.cumsum(probs)
    cumulative /= cumulative[-1]
    last = len(values) - 1

    def draw(size: Size, rng: np.random.Generator) -> np.ndarray:
        index = np.searchsorted(cumulative, rng.random(size), side="right")
        return values[np.minimum(index, last)]

    return draw


def _discrete_plan(rv: RandomSymbol, dist: Distribution) -> tuple[str, Draw]:
    support = dist.set
    start = support.inf
    if not start.is_finite or not start.is_integer:
        raise NotSupportedError(f"cannot sample {rv}: its support {support} has no first value")
    k = sympy.Symbol("k", integer=True)
    pmf = compiled(without_zero_branch(dist.pdf(k)), [k])
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
    check_total(rv, total)
    return "tabulated inverse CDF (discrete)", _lookup_draw(ks, probs)


# --- monte_carlo ---------------------------------------------------------------------------------


def monte_carlo(
    expr: ExprLike | Sampler,
    n: int,
    rng: RngLike = None,
    *,
    chunks: int | None = None,
    client: Any = None,
) -> Estimate:
    """Monte Carlo estimate of ``E[expr]`` from ``n`` independent draws.

    Args:
        expr: A random variable, an expression of independent ones, or a :class:`Sampler`.
        n: How many draws (at least 2).
        rng: A ``numpy.random.Generator``, an int seed or ``None``.
        chunks: Draw in chunks of this size (:mod:`symml.probability.chunks`), optionally
            on a dask ``client``; otherwise draws are made in batches of at most
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
        mean, stderr, count = chunked_monte_carlo(
            draw, n, rng=generator, chunk_size=_chunk_size(chunks), client=client
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


# --- small helpers ----------------------------------------------------------------------------


def _chunk_size(chunks: Any) -> int:
    """``chunks=`` checked: a positive int."""
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)) or chunks < 1:
        raise ValueError(f"chunks must be a positive int, got {chunks!r}")
    return int(chunks)


def _to_float(value: Any, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None


def _as_size(size: Any) -> Size:
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


#: Distribution classes made from a user's density or table (shown as the density itself).
_HANDMADE = (
    "ContinuousDistributionHandmade",
    "DiscreteDistributionHandmade",
    "FiniteDistributionHandmade",
)


def _law_latex(rv: RandomSymbol) -> str:
    dist = rv.pspace.distribution
    name = type(dist).__name__.removesuffix("Distribution")
    if name in _HANDMADE:
        z = sympy.Symbol(rv.name, real=True)
        return (
            rf"{tex(rv)} \sim p({tex(z)}) = {tex(without_zero_branch(dist.pdf(z)))},\ "
            rf"{tex(z)} \in {tex(dist.set)}"
        )
    args = ", ".join(tex(a) for a in dist.args)
    return rf"{tex(rv)} \sim \operatorname{{{name}}}\left({args}\right)"
