"""Quadrature helpers: the checked quadrature against NumPy, and the probe that tells
whether an integrand diverges at an end of its interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

import symml as sm
from symml.quadrature import end_divergence
from tests.probability.helpers import _partial

x, y = sm.symbols("x y")


def test_quadrature_helper_matches_numpy_trapezoid() -> None:
    from symml.calculus import quadrature

    value, error = quadrature(sympy.cos(x), [(x, 0, 1)])
    grid = np.linspace(0.0, 1.0, 200_001)
    assert abs(value - np.trapezoid(np.cos(grid), grid)) < 1e-9
    assert error < 1e-10


def test_end_divergence_probe() -> None:
    assert end_divergence(lambda t: 1 / (1 + t * t), math.inf, -1.0) is None
    assert end_divergence(lambda t: np.ones_like(t) / (1 + abs(t)), -math.inf, 1.0) == 1
    assert end_divergence(lambda t: -1 / t**2, 0.0, 1.0) == -1
    assert end_divergence(lambda t: 1 / np.sqrt(t - 2), 2.0, 1.0) is None
    assert end_divergence(lambda t: 1 / (t - 2), 2.0, 1.0) == 1
    assert end_divergence(lambda t: np.sin(t), math.inf, -1.0) == 0
    # eˣ − 1 is 0.0 at x = 1e-20 (an overflow of floating point, not of the maths): looked at
    # again further out, x³/(eˣ − 1) ~ x² converges; e^{-x} overflowing at every distance diverges
    with np.errstate(all="ignore"):
        assert end_divergence(lambda t: t**3 / (np.exp(t) - 1), 0.0, 1.0) is None
        assert end_divergence(lambda t: np.exp(-t), -math.inf, 1.0) == 1
    # x^(-1.5) converges, 1/x diverges: the integrals over growing ranges agree
    assert _partial(lambda t: t**-1.5, 1, 1e8) == pytest.approx(2.0, rel=1e-3)
    assert _partial(lambda t: 1 / t, 1, 1e8) == pytest.approx(8 * math.log(10))
