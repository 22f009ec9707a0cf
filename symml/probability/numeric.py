"""Numeric integrals and sums of densities: E[g(X)] of one variable, and where its mass lies.

Every integral goes through :func:`symml.quadrature.checked_integral` (divergence probed at
the ends and at 0, ∫|h| checked where h changes sign), the integrand compiled by
:func:`integrand`; a discrete variable's series is summed in chunks (:func:`series`) after
the same probe of its tail. The cut points that keep quadrature from missing a narrow or
distant mass come from :func:`mass` (a seeded sample, where NumPy draws the family) or
:func:`density_mode` (a custom density).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.stats.rv import RandomSymbol

from symml.derivation import compiled
from symml.errors import NoConvergenceError, NotSupportedError
from symml.probability.families import numpy_family
from symml.probability.variables import (
    density,
    finite_table,
    kind,
    log_pmf,
    parameters,
    stable_logs,
    support,
)
from symml.quadrature import IntegralDoesNotExist, checked_integral, end_divergence

__all__ = [
    "cuts_around",
    "density_cuts",
    "density_mode",
    "integrand",
    "mass",
    "one_variable_mean",
    "series",
]


def integrand(
    expr: sympy.Expr, x: sympy.Symbol, *, zero_nan: bool = False
) -> Callable[[ArrayLike], np.ndarray]:
    """``expr`` as a vectorised real function of ``x``, for :func:`checked_integral`.

    ``exp(a)·exp(b)`` is compiled as ``exp(a + b)``, so that the product does not overflow
    to ``inf·0`` in the tails; ``zero_nan`` counts NaN values (``inf·0`` of a growing g
    times a vanishing density) as 0.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> h = integrand(sympy.exp(-x**2) * sympy.exp(x**2 / 2), x)
        >>> h(np.array([0.0, 2.0])).round(6).tolist()
        [1.0, 0.135335]
        >>> round(checked_integral(integrand(sympy.exp(-x), x), 0.0, math.inf)[0], 12)
        1.0
    """
    f = compiled(sympy.powsimp(expr, combine="exp"), (x,))

    def hv(t: ArrayLike) -> np.ndarray:
        with np.errstate(all="ignore"):
            v = np.real(np.asarray(f(np.asarray(t, dtype=float)))) * np.ones(np.shape(t))
        return np.where(np.isnan(v), 0.0, v) if zero_nan else v

    return hv


def series(
    g: sympy.Expr,
    pmf: sympy.Expr,
    k: sympy.Symbol,
    start: sympy.Expr | int,
    *,
    zero_nan: bool = False,
    max_terms: int = 10_000_000,
    what: str = "the series",
) -> tuple[float, float]:
    """Σ_{k ≥ start} g(k) pmf(k), summed in chunks until the remaining mass is negligible.

    Each term is computed as one expression, g(k)·exp(log pmf(k)) with exponentials and
    factorials merged (``exp(k²)·3^k/k!`` as ``exp(k² + k log 3 − log Γ(k + 1))``), so
    that a term does not become ``inf·0 = nan`` where g overflows and the pmf underflows.
    The tail is probed first as for an integral (:func:`end_divergence`): a series whose
    terms do not fall faster than 1/k is ``±inf`` (one sign) or does not exist. The probe
    looks at ``t = k²``, where ``t·|a(√t) dk/dt| = k·|a(k)|/2`` is the same test, so that
    k stays below 2⁵³ (1e10 … 1.4e15), where float64 still holds integers of both parities
    (at k ~ 1e20 every float is even, and ``(−1)^k`` would be +1).

    Returns:
        ``(value, error)``; ``(±inf, 0.0)`` when the series diverges to ±∞.

    Raises:
        IntegralDoesNotExist: When the series of absolute values diverges with both signs.
        NoConvergenceError: When the terms are not finite or the sum does not settle.

    Examples:
        >>> k = sympy.Symbol("k", real=True)
        >>> value, error = series(k, 2**k * sympy.exp(-2) / sympy.factorial(k), k, 0)
        >>> round(value, 12)
        2.0
    """
    logp = log_pmf(pmf)
    merged = stable_logs(g).replace(
        lambda e: isinstance(e, sympy.factorial), lambda e: sympy.exp(sympy.loggamma(e.args[0] + 1))
    )
    term_f = compiled(sympy.powsimp(merged * sympy.exp(logp), combine="exp"), (k,))
    logp_f = compiled(logp, (k,))

    def terms_at(ks: Any) -> tuple[Any, Any]:
        with np.errstate(all="ignore"):
            p = np.exp(np.asarray(logp_f(ks), dtype=float) * np.ones_like(ks))
            terms = np.asarray(term_f(ks), dtype=float) * np.ones_like(ks)
        if zero_nan:
            terms = np.where(p > 0, np.nan_to_num(terms, nan=0.0), 0.0)
        return p, terms

    def in_squares(t: Any) -> Any:  # a(k) dk/dt at k = ⌊√t⌋
        root = np.sqrt(t)
        return terms_at(np.floor(root))[1] / (2 * root)

    sign = end_divergence(in_squares, math.inf, -1.0)
    if sign in (1, -1):
        return math.inf * sign, 0.0
    if sign == 0:
        raise IntegralDoesNotExist(
            f"{what} does not exist: the series of absolute values "
            f"diverges with an oscillating sign",
            oscillating=True,
        )
    total, mass_seen, lo, chunk = 0.0, 0.0, int(start), 4096
    while lo - int(start) < max_terms:
        p, terms = terms_at(np.arange(lo, lo + chunk, dtype=float))
        total += float(np.sum(terms))
        mass_seen += float(np.sum(p))
        lo += chunk
        if not math.isfinite(total):
            raise NoConvergenceError(f"{what}: the series' terms are not finite near k = {lo}")
        if mass_seen > 0.5 and float(np.sum(p)) < 1e-17:
            # divided by the summed mass: the pmf's rounding (k log λ − log Γ(k + 1) at
            # k ~ 1e6 cancels 1e7-sized terms) is mostly a common factor; what it changed
            # counts in the error
            mean = total / mass_seen
            return mean, (
                abs(float(np.sum(terms)))
                + abs(mean) * abs(mass_seen - 1.0)
                + 1e-15 * max(1.0, abs(mean))
            )
        chunk = min(chunk * 2, 1 << 20)
    raise NoConvergenceError(
        f"{what}: the series did not converge numerically within {max_terms} terms"
    )


def one_variable_mean(
    g: sympy.Expr, X: RandomSymbol, *, zero_nan: bool = False, what: str | None = None
) -> tuple[float, float]:
    """E[g(X)] for one variable: the exact finite sum, a checked series or quadrature.

    Returns:
        ``(value, error)``; ``(±inf, 0.0)`` when the expectation is infinite.

    Raises:
        NoConvergenceError: When it does not exist, or quadrature cannot be trusted.

    Examples:
        >>> from sympy.stats import Normal
        >>> X = Normal("X", 0, 1)
        >>> value, error = one_variable_mean(X**2, X)
        >>> round(value, 12), error < 1e-8
        (1.0, True)
    """
    what = what or f"E[{g}]"
    x = sympy.Symbol("x_", real=True)
    gx = g.xreplace({X: x})
    if kind(X) == "finite":
        return _finite_mean(g, gx, x, X, zero_nan, what)
    a, b = support(X)
    pdf = density(X, x)
    if kind(X) == "discrete":
        return series(gx, pdf, x, a, zero_nan=zero_nan, what=what)
    centre, width, cuts = mass(X)
    c = _round_centre(centre, width)
    if c == 0:
        h = integrand(gx * pdf, x, zero_nan=zero_nan)
        return checked_integral(h, float(a), float(b), what=what, cuts=cuts)
    # far from 0 (relative to its width) the mass is integrated in u = x − c: a float's
    # step at x ~ 1e8 is 1.5e-8 of σ = 1, and the pdf's (x − μ) would lose those digits;
    # c is a short binary number, so SymPy cancels x − μ = u + (c − μ) exactly. Split at
    # x = 0 (u = −c), so that 0 is still an end probed for divergence (E[1/X]).
    u = sympy.Symbol("u_", real=True)
    h = integrand((gx * pdf).xreplace({x: u + c}), u, zero_nan=zero_nan)
    straddles = (a < 0) is sympy.true and (b > 0) is sympy.true
    sides = [(a, sympy.S.Zero), (sympy.S.Zero, b)] if straddles else [(a, b)]
    shifted = tuple(float(t - c) for t in cuts)
    parts = [
        checked_integral(h, float(lo - c), float(hi - c), what=what, cuts=shifted)
        for lo, hi in sides
    ]
    values = [v for v, _ in parts]
    if math.inf in values and -math.inf in values:
        raise IntegralDoesNotExist(
            f"{what} does not exist: it diverges to +∞ on one side of 0 and to −∞ on the other"
        )
    return sum(values), sum(e for _, e in parts)


def _finite_mean(
    g: sympy.Expr, gx: sympy.Expr, x: sympy.Symbol, X: RandomSymbol, zero_nan: bool, what: str
) -> tuple[float, float]:
    """The exact sum of a finite X's table (each value's g finite, or no mean)."""
    table = [(v, p) for v, p in finite_table(X).items() if not (zero_nan and p == 0)]
    values = np.array([float(v) for v, _ in table])
    with np.errstate(all="ignore"):
        gs = np.asarray(compiled(gx, (x,))(values), dtype=float) * np.ones_like(values)
    if not np.isfinite(gs).all():
        at = table[int(np.argmin(np.isfinite(gs)))]
        raise NoConvergenceError(
            f"{what} does not exist: {g} is not finite at {X} = {at[0]} (probability {at[1]})"
        )
    value = float(np.dot(gs, [float(p) for _, p in table]))
    return value, 1e-15 * max(1.0, abs(value))


def _round_centre(centre: float, width: float) -> sympy.Expr:
    """The mass's centre as a short binary number (a multiple of the power of 2 at most its
    width), or 0 when the mass lies within 8 widths of 0 (nothing to gain)."""
    if not (width > 0 and math.isfinite(centre)) or abs(centre) <= 8 * width:
        return sympy.S.Zero
    step = 2.0 ** math.floor(math.log2(width))
    return sympy.Rational(round(centre / step)) * sympy.Rational(step)


@functools.lru_cache(maxsize=256)
def mass(X: RandomSymbol) -> tuple[float, float, tuple[float, ...]]:
    """(centre, width, cut points) of the mass of X: where NumPy can draw it, the median and
    the 0.1%–99.9% range of a seeded sample; for a custom density, its mode and width
    (:func:`density_mode`). The cuts step 4-fold away from the centre
    (:func:`cuts_around`), so that the mass of ``Normal(10**6, 1)`` or
    ``Exponential(1e-8)`` is not missed; ``(0, 0, ())`` when nothing is known.

    Examples:
        >>> from sympy.stats import Normal
        >>> centre, width, cuts = mass(Normal("X", 10**6, 1))
        >>> round(centre / 10**6, 3), 5 < width < 7, len(cuts) > 10
        (1.0, True, True)
    """
    nothing: tuple[float, float, tuple[float, ...]] = (0.0, 0.0, ())
    try:
        found = numpy_family(X.pspace.distribution)
    except (TypeError, ValueError):
        return nothing
    if found is None:
        if kind(X) != "continuous" or parameters(X):
            return nothing
        x = sympy.Symbol("x_", real=True)
        lo, hi = support(X)
        mode = density_mode(density(X, x), x, float(lo), float(hi))
        return nothing if mode is None else (*mode, cuts_around(*mode))
    with np.errstate(all="ignore"):
        draws = np.asarray(found[1](4001, np.random.default_rng(0)), dtype=float)
    draws = draws[np.isfinite(draws)]
    if draws.size == 0:
        return nothing
    low, median, high = (float(q) for q in np.quantile(draws, [0.001, 0.5, 0.999]))
    return median, high - low, cuts_around(median, high - low, (low, high))


def cuts_around(centre: float, width: float, extra: tuple[float, ...] = ()) -> tuple[float, ...]:
    """``centre`` and ``centre ± width·4^j`` out to 4⁹ times the scale (far enough that a
    light tail has ended): each piece of the quadrature about as wide as its distance from
    the mass.

    Examples:
        >>> cuts_around(0.0, 1.0)[8:11]
        (-1.0, 0.0, 1.0)
    """
    if not width > 0:
        return (centre, *extra)
    reach = 4.0**9 * max(abs(centre), width)
    steps = [width * 4.0**j for j in range(64) if width * 4.0**j < reach]
    return tuple(
        sorted({centre, *extra, *(centre + s for s in steps), *(centre - s for s in steps)})
    )


#: Where :func:`density_mode` looks for the mode: 0 and ±10^k for k in [-12, 15], 20 a decade.
MODE_GRID_DECADES = (-12.0, 15.0, 541)


def density_cuts(f: sympy.Expr, x: sympy.Symbol, lo: float, hi: float) -> tuple[float, ...]:
    """Cut points around the mass of a density given as an expression (that NumPy cannot
    draw): :func:`cuts_around` its mode and width (:func:`density_mode`), or ``()``."""
    found = density_mode(f, x, lo, hi)
    return () if found is None else cuts_around(*found)


@functools.lru_cache(maxsize=256)
def density_mode(
    f: sympy.Expr, x: sympy.Symbol, lo: float, hi: float
) -> tuple[float, float] | None:
    """(mode, width) of a density f(x) on [lo, hi], or ``None`` when there is nothing to
    centre on (no finite maximum, f growing toward an infinite end, or unbounded at a
    finite one: the quadrature's own probes and end handling decide there).

    The mode is where log f is largest on a grid from 1e-12 to 1e15 either side of 0, then
    by bounded Brent between the grid's neighbours; the width is where log f has fallen by
    1/2 (σ for a normal peak), to within the factor 1.8 of its grid. log f is compiled from
    the expanded logarithm, so it does not underflow where f does: a peak of width 1e-6 at
    3 is seen on a grid whose f values are all 0.0.

    Examples:
        >>> x = sympy.Symbol("x", real=True)
        >>> f = sympy.exp(-(x - 1000)**2 / 8) / sympy.sqrt(8 * sympy.pi)
        >>> mode, width = density_mode(f, x, -math.inf, math.inf)
        >>> round(mode, 9), 2 <= width < 2 * 1.8  # σ = 2, on a grid of 4 a decade
        (1000.0, True)
    """
    from scipy.optimize import minimize_scalar  # scipy.optimize is heavy: on first use

    try:
        logf = compiled(log_pmf(f), (x,))
    except (NotSupportedError, TypeError, ValueError):
        return None

    def at(t: Any) -> Any:
        with np.errstate(all="ignore"):
            v = np.real(np.asarray(logf(np.asarray(t, dtype=float)), dtype=complex))
        return np.where(np.isnan(v), -np.inf, v) * np.ones(np.shape(t))

    first, last, count = MODE_GRID_DECADES
    side = np.logspace(first, last, int(count))
    grid = np.concatenate([-side[::-1], [0.0], side])
    inside = [
        lo if math.isinf(lo) else np.nextafter(lo, hi),
        *grid[(grid > lo) & (grid < hi)],
        hi if math.isinf(hi) else np.nextafter(hi, lo),
    ]
    grid = np.array([t for t in inside if math.isfinite(t)])
    values = at(grid)
    best = int(np.argmax(values))
    ends = {0: lo, grid.size - 1: hi}
    if not math.isfinite(values[best]) or math.isinf(ends.get(best, 0.0)):
        return None  # no finite maximum, or f grows toward an infinite end
    if best in ends:  # largest at a finite end of the support
        mode = ends[best]
        peak = float(at(mode))
        if not math.isfinite(peak):
            # unbounded there (1/√x): cuts just inside would trap QUADPACK (on
            # [6.6e-11, 1] it returns ∫ 1/(2√x) = 1.0 ± 3e-13 instead of 0.99999); the
            # quadrature's own treatment of an end singularity is better
            return None
    else:
        found = minimize_scalar(
            lambda t: -float(at(t)),
            bounds=(grid[best - 1], grid[best + 1]),
            method="bounded",
            options={"xatol": 1e-13 * max(1.0, abs(grid[best]))},
        )
        mode = float(found.x) if -found.fun >= values[best] else float(grid[best])
        peak = float(at(mode))
    widths = np.logspace(-15, 16, 125) * max(1.0, abs(mode))
    left, right = mode - widths, mode + widths  # a side beyond the support has fallen
    fallen = peak - np.maximum(
        np.where(left >= lo, at(np.clip(left, lo, hi)), -np.inf),
        np.where(right <= hi, at(np.clip(right, lo, hi)), -np.inf),
    )
    wide = widths[fallen >= 0.5]
    return mode, float(wide[0]) if wide.size else 0.0
