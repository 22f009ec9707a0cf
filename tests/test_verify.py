"""Numeric checks of derivatives: domains (log), n×1 shapes, points near poles."""

from __future__ import annotations

import numpy as np
import pytest

import symml as sm
from symml.verify import random_points
from tests.helpers import Cli


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


@pytest.mark.parametrize(
    "argv",
    [
        ["grad", "log(x)", "--wrt", "x", "--verify"],
        ["diff", "log(x)", "--wrt", "x", "--verify"],
        ["hessian", "x*log(x)+y", "--verify"],
        ["hessian", "x**3", "--verify"],
        ["jacobian", "[x**2, x**3]", "--wrt", "x", "--verify"],
    ],
)
def test_cli_verify_passes(argv: list[str], cli: Cli) -> None:
    result = cli(*argv)
    assert result.code == 0
    out = result.out
    assert "verify: passed" in out
