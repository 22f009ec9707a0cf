"""Integrals: a known-answer table checked against scipy quadrature, steps, the numeric
fallback (with a real SymPy hang), the antiderivative check, and bad input."""

from __future__ import annotations

import numpy as np
import sympy

import symml as sm

x, y = sm.symbols("x y")


def test_quadrature_helper_matches_numpy_trapezoid() -> None:
    from symml.calculus import quadrature

    value, error = quadrature(sympy.cos(x), [(x, 0, 1)])
    grid = np.linspace(0.0, 1.0, 200_001)
    assert abs(value - np.trapezoid(np.cos(grid), grid)) < 1e-9
    assert error < 1e-10
