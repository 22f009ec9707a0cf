"""Numeric check primitives: random points where every function is finite and real."""

from __future__ import annotations

import numpy as np
import pytest

import symml as sm
from symml.checks import random_points


def test_random_points_lie_where_every_function_is_finite_and_real() -> None:
    f, g = sm.to_numpy("log(x)", "x, y"), sm.to_numpy("sqrt(y - 0.5)", "x, y")
    X = random_points((f, g), 2, 50, np.random.default_rng(0))
    assert X.shape == (50, 2)
    assert np.all(X[:, 0] > 0) and np.all(X[:, 1] > 0.5)
    assert np.all(np.isfinite(f(*X.T))) and np.all(np.isfinite(g(*X.T)))


def test_random_points_refuse_a_function_defined_nowhere() -> None:
    f = sm.to_numpy("log(-x**2 - 1)", "x")
    with pytest.raises(sm.NotSupportedError):
        random_points(f, 1, 3, np.random.default_rng(0), tries=4)
