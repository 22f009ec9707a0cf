"""Draws from a custom density (``ContinuousRV``): inverse CDF or rejection sampling.

:func:`continuous_plan` tries, in order: the closed-form inverse CDF when SymPy finds one
within the time limit (checked against the tabulated CDF before it is trusted); a tabulated
inverse CDF (the compiled density integrated on a fine grid of a map of the support,
inverted by interpolation and polished with vectorised Newton steps); rejection sampling
under a piecewise-constant envelope. The density is first checked to integrate to 1 by the
checked quadrature of :mod:`symml.probability.numeric`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy
from sympy.stats.rv import Distribution, RandomSymbol

from symml.deadline import Deadline
from symml.derivation import compiled
from symml.errors import DerivationTimeout, NotSupportedError
from symml.probability.families import Draw, Size
from symml.probability.numeric import density_mode, integrand, mass
from symml.probability.variables import without_zero_branch
from symml.quadrature import checked_integral

__all__ = ["NORMALISATION_TOL", "check_total", "continuous_plan"]

#: Cells of the tabulated inverse CDF.
GRID_CELLS = 4096
#: Newton steps that polish a tabulated inverse CDF.
NEWTON_STEPS = 1
#: How far from 1 the total probability of a density may be before it is rejected.
NORMALISATION_TOL = 1e-4

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


def continuous_plan(
    rv: RandomSymbol, dist: Distribution, method: str, deadline: Deadline
) -> tuple[str, Draw]:
    """(method description, draw function) of a variable with a custom density.

    Args:
        rv: The variable (named in errors).
        dist: Its distribution, with numeric parameters.
        method: ``"auto"``, ``"closed-form"``, ``"tabulated"`` or ``"rejection"``
            (``"numpy"`` counts as ``"auto"`` here: the family had no NumPy method).
        deadline: The time SymPy may spend looking for a closed-form inverse CDF.

    Raises:
        ValueError: For a density that is negative or does not integrate to 1.
        NotSupportedError: For a support that is not an interval, a density that is not
            finite, or a forced method that does not apply.
    """
    support = dist.set
    if not isinstance(support, sympy.Interval):
        raise NotSupportedError(f"cannot sample {rv}: its support {support} is not an interval")
    x = sympy.Symbol("x", real=True)
    density = without_zero_branch(dist.pdf(x))
    lo, hi = support.inf, support.sup
    table = _mass_table(rv, density, x, float(lo), float(hi))  # refuses negative values
    check_total(rv, _density_total(rv, density, x, lo, hi))
    if method in ("auto", "closed-form"):
        found = _closed_form_inverse(density, x, lo, hi, table, deadline)
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
    density: sympy.Expr, x: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr, u: sympy.Symbol
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
    density: sympy.Expr,
    x: sympy.Symbol,
    lo: sympy.Expr,
    hi: sympy.Expr,
    table: _Table,
    deadline: Deadline,
) -> Draw | None:
    u = sympy.Symbol("u", positive=True)
    try:
        candidates = deadline.run(
            _inverse_cdf_candidates, density, x, lo, hi, u, what=f"the inverse CDF of {density}"
        )
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError, RuntimeError):
        return None
    for candidate in candidates:
        if candidate.free_symbols - {u}:
            continue
        try:
            inverse = compiled(candidate, [u])
        except (ValueError, TypeError, NameError, NotImplementedError):
            continue
        if table.agrees_with_inverse(inverse):
            return _inverse_draw(inverse)
    return None


def _inverse_draw(inverse: Callable[[np.ndarray], np.ndarray]) -> Draw:
    def draw(size: Size, rng: np.random.Generator) -> np.ndarray:
        return inverse(rng.random(size))

    return draw


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
        cls,
        rv: RandomSymbol,
        f: Callable,
        lo: float,
        hi: float,
        around: tuple[float, float] = (0.0, 1.0),
    ) -> _Table:
        """The table on the map of [lo, hi] centred at ``around`` = (centre, scale)."""
        to_x = _MAPS[(math.isfinite(lo), math.isfinite(hi))](lo, hi, *around)
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
        cells = h * (g @ _GL_WEIGHTS)
        near = _near_end(np.arange(GRID_CELLS))
        with np.errstate(all="ignore"):  # tanh-sinh from the nearer end of the grid
            g_near = _g(f, to_x, _toward_end(np.arange(GRID_CELLS)[near], h * np.ones(1), h))
        near_mass = h * (np.nan_to_num(g_near, nan=0.0, posinf=0.0) @ _END_WEIGHTS)
        ends = np.array([0, near_mass.size - 1])
        singular = not np.allclose(near_mass[ends], cells[[0, GRID_CELLS - 1]], rtol=1e-9, atol=0)
        cells[near] = near_mass
        cdf = np.concatenate([[0.0], np.cumsum(cells)])
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

    def inverse_draw(self, size: Size, rng: np.random.Generator) -> np.ndarray:
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

    def rejection_draw(self, size: Size, rng: np.random.Generator) -> np.ndarray:
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


def _mass_table(
    rv: RandomSymbol, density: sympy.Expr, x: sympy.Symbol, lo: float, hi: float
) -> _Table:
    """The table on the standard map of the support (mass near 0 at unit scale), or, when
    that grid misses the mass (a peak at 1000, or 1e-6 wide), on the map centred at the
    density's mode and scaled by its width (:func:`~symml.probability.numeric.density_mode`)."""
    f = compiled(density, [x])
    table = _Table.build(rv, f, lo, hi)
    found = (
        None if abs(table.total - 1.0) <= NORMALISATION_TOL else density_mode(density, x, lo, hi)
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


def _density_total(
    rv: RandomSymbol, density: sympy.Expr, x: sympy.Symbol, lo: sympy.Expr, hi: sympy.Expr
) -> float:
    """The density's integral over its support by checked quadrature (divergence probes at
    the ends; ``inf`` when it diverges)."""
    what = f"the integral of the density of {rv}"
    h = integrand(density, x)
    return checked_integral(h, float(lo), float(hi), what=what, cuts=mass(rv)[2])[0]


def _g(f: Callable, to_x: _Map, t: np.ndarray) -> np.ndarray:
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


def check_total(rv: RandomSymbol, total: float) -> None:
    """Refuse a density (or table) whose total probability is not 1 within
    :data:`NORMALISATION_TOL`.

    Raises:
        ValueError: Naming ``rv`` and the total (or that its integral diverges).

    Examples:
        >>> from sympy.stats import Normal
        >>> check_total(Normal("X", 0, 1), 0.5)
        Traceback (most recent call last):
        ...
        ValueError: cannot sample X: its density integrates to 0.5, not 1
    """
    if math.isinf(total):
        raise ValueError(
            f"cannot sample {rv}: its density does not integrate to 1 (its integral diverges)"
        )
    if not abs(total - 1.0) <= NORMALISATION_TOL:
        raise ValueError(f"cannot sample {rv}: its density integrates to {total:.6g}, not 1")
