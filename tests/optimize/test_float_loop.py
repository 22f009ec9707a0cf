"""Gradient descent on Python floats (``_float_loop``, for a symbolic objective of at most
``FLOAT_LOOP_MAX`` variables) runs the same steps as the loop on NumPy arrays: the same
path and values bit for bit, the same stops and messages; the gradient norms agree to the
last bit or so (summed in order rather than by BLAS)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import symml.optimize as opt
from symml.optimize import OptimizeResult, gradient_descent
from tests.optimize.helpers import ROSENBROCK, check_path, rosen, rosen_grad

RUNS: dict[str, Callable[[], OptimizeResult]] = {
    "rosenbrock": lambda: gradient_descent(ROSENBROCK, [-1.0, 1.0], lr=1e-3, steps=1500),
    "momentum": lambda: gradient_descent(
        ROSENBROCK, [-1.0, 1.0], lr=1e-3, momentum=0.9, steps=1500
    ),
    "converges": lambda: gradient_descent("(x - 1)**2 + 3*(y + 2)**2", [0.0, 0.0], lr=0.1),
    "diverges": lambda: gradient_descent("x**4", 3.0, lr=0.5, steps=50),
    "leaves the domain": lambda: gradient_descent("sqrt(x) + x**2", 0.1, lr=1.0, steps=20),
    "overflows in Python": lambda: gradient_descent("x**40", 3.0, lr=1.0, steps=20),
    "stopped": lambda: gradient_descent(
        "x**2 + y**2", [3.0, -4.0], lr=0.01, callback=lambda k, x, f: k == 7
    ),
    "three variables": lambda: gradient_descent(
        "(x - 1)**2 + (y - x)**2 + exp(z) - z", [0.0, 0.5, 1.0], lr=0.05, steps=400
    ),
}


def _on_arrays(
    run: Callable[[], OptimizeResult], monkeypatch: pytest.MonkeyPatch
) -> OptimizeResult:
    with monkeypatch.context() as m:
        m.setattr(opt, "FLOAT_LOOP_MAX", 0)
        return run()


@pytest.mark.parametrize("name", RUNS)
def test_float_loop_runs_the_array_loops_steps(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    floats = RUNS[name]()
    arrays = _on_arrays(RUNS[name], monkeypatch)
    check_path(floats)
    np.testing.assert_array_equal(floats.path, arrays.path)
    np.testing.assert_array_equal(floats.values, arrays.values)
    np.testing.assert_allclose(floats.grad_norms, arrays.grad_norms, rtol=1e-15, atol=0)
    assert (floats.n_iter, floats.status, floats.message, floats.converged) == (
        arrays.n_iter,
        arrays.status,
        arrays.message,
        arrays.converged,
    )
    ends = [[r.fun, r.grad_norm] for r in (floats, arrays)]
    np.testing.assert_array_equal(*ends)  # NaN where both are NaN


def test_the_float_loop_is_what_a_small_symbolic_objective_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    real = opt._float_loop

    def spy(*args: object, **kwargs: object) -> None:
        calls.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(opt, "_float_loop", spy)
    gradient_descent(ROSENBROCK, [-1.0, 1.0], lr=1e-3, steps=10)
    assert calls == [1]
    gradient_descent(rosen, [-1.0, 1.0], grad=rosen_grad, lr=1e-3, steps=10)  # a callable
    gradient_descent(ROSENBROCK, [-1.0, 1.0], lr=1e-3, steps=10, line_search=True)
    assert calls == [1]


def test_float_loop_matches_the_hand_written_rosenbrock_steps() -> None:
    r = gradient_descent(ROSENBROCK, [-1.0, 1.0], lr=1e-3, steps=300, tol=0)
    x = np.array([-1.0, 1.0])
    for _ in range(300):
        x = x - 1e-3 * rosen_grad(x)
    np.testing.assert_allclose(r.x, x, rtol=1e-12)
    assert r.values[-1] == pytest.approx(rosen(x), rel=1e-12)


def test_callback_sees_a_read_only_row_of_the_path() -> None:
    seen: list[np.ndarray] = []

    def callback(k: int, x: np.ndarray, f: float) -> bool:
        assert not x.flags.writeable
        seen.append(x.copy())
        return False

    r = gradient_descent("x**2 + y**2", [3.0, -4.0], lr=0.1, steps=5, tol=0, callback=callback)
    np.testing.assert_array_equal(np.array(seen), r.path[1:])
