"""Shared by the optimisation tests: Rosenbrock by hand, and the result contract."""

from __future__ import annotations

import numpy as np

from symml.optimize import OptimizeResult

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"


def rosen(p: np.ndarray) -> float:
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosen_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def check_path(r: OptimizeResult) -> None:
    """The result contract: path (n_iter + 1, n), path[-1] == x, values = f(path)."""
    n = len(r.x)
    assert r.path.shape == (r.n_iter + 1, n)
    assert r.values.shape == (r.n_iter + 1,)
    assert r.grad_norms.shape == (r.n_iter + 1,)
    assert np.array_equal(r.path[-1], r.x)
    assert np.array_equal(r.values[-1:], [r.fun], equal_nan=True)
    assert np.array_equal(r.grad_norms[-1:], [r.grad_norm], equal_nan=True)
