"""Shared by the probability tests: positive parameters, values compared at points,
partial integrals, and densities far from zero or narrow."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.stats as ss
import sympy
from scipy.integrate import quad

R = sympy.Rational
x = sympy.Symbol("x", real=True)

pos = {
    n: sympy.Symbol(n, positive=True)
    for n in ("sigma", "lamda", "k", "theta", "alpha", "beta", "b", "p", "s1", "s2")
}
P_, LAM, SIG = pos["p"], pos["lamda"], pos["sigma"]


def _at(expr: sympy.Expr, values: dict) -> float:
    value = complex(sympy.N(sympy.sympify(expr).subs(values), 20))
    assert abs(value.imag) < 1e-12, (expr, value)
    return value.real


def _assert_close(got: float, want: float, tol: float, what: str) -> None:
    assert np.isfinite(got), what
    assert abs(got - want) <= tol * max(1.0, abs(want)), f"{what}: {got} != {want}"


def _partial(f: object, a: float, b: float) -> float:
    """∫_a^b f (0 < a < b) by quad over 80 geometric pieces (no mass is skipped)."""
    edges = np.geomspace(a, b, 81)
    with warnings.catch_warnings():  # an oscillating piece warns; the sum is evidence enough
        warnings.simplefilter("ignore")
        return sum(
            quad(f, lo, hi, limit=200)[0] for lo, hi in zip(edges[:-1], edges[1:], strict=True)
        )


#: Custom densities whose mass lies far from 0 or in a narrow peak: (density, support, mean,
#: scipy.stats law). Their quadrature from 0 used to find nothing: ContinuousRV said
#: "integrates to 0", and E[X] of sympy.stats.ContinuousRV came back as 0.0 ± 0.0.
FAR_OR_NARROW = [
    (
        sympy.exp(-((x - 1000) ** 2) / 2) / sympy.sqrt(2 * sympy.pi),
        sympy.Interval(-sympy.oo, sympy.oo),
        1000.0,
        ss.norm(1000, 1),
    ),
    (
        sympy.exp(-((x - 3) ** 2) / (2 * R(1, 10**6) ** 2))
        / (sympy.sqrt(2 * sympy.pi) * R(1, 10**6)),
        sympy.Interval(-sympy.oo, sympy.oo),
        3.0,
        ss.norm(3, 1e-6),
    ),
    (10**8 * sympy.exp(-(10**8) * x), sympy.Interval(0, sympy.oo), 1e-8, ss.expon(scale=1e-8)),
    (
        sympy.exp(-((x + 500) ** 2) / 8) / sympy.sqrt(8 * sympy.pi),
        sympy.Interval(-sympy.oo, 0),
        -500.0,
        ss.norm(-500, 2),
    ),
]
