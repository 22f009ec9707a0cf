"""Newton's method: known answers, the regularised and modified steps, convergence by the
gradient norm, and Python callables."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

import symml as sm
from symml.optimize import OptimizeResult, gradient_descent, newton
from tests.optimize.helpers import ROSENBROCK, check_path, rosen, rosen_grad

X = sympy.Symbol("x", real=True)  # as parsed: symml variables are real


def rosen_hess(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200.0]])


@pytest.fixture(scope="module")
def newton_rosenbrock() -> OptimizeResult:
    return newton(ROSENBROCK, [-1.2, 1])


def test_newton_pd_quadratic_one_step() -> None:
    f = "3*x**2 + 2*x*y + 2*y**2 - 4*x + y + 7"
    r = newton(f, [10.0, -20.0])
    check_path(r)
    assert r.converged and r.n_iter == 1
    # the minimiser solves H x = -b: [[6, 2], [2, 4]] x = [4, -1]
    np.testing.assert_allclose(r.x, np.linalg.solve([[6, 2], [2, 4]], [4, -1]), atol=1e-12)


def test_newton_rosenbrock(newton_rosenbrock: OptimizeResult) -> None:
    r = newton_rosenbrock
    check_path(r)
    assert r.converged and r.n_iter < 50
    np.testing.assert_allclose(r.x, [1.0, 1.0], atol=1e-8)
    assert np.all(np.diff(r.values) <= 0)  # damped: every step decreases f


# --- callables, callback, inputs -------------------------------------------------------


def test_callable_newton_with_hess() -> None:
    r = newton(rosen, [-1.2, 1], grad=rosen_grad, hess=rosen_hess)
    check_path(r)
    assert r.converged and r.n_iter < 50
    np.testing.assert_allclose(r.x, [1, 1], atol=1e-8)
    assert r.wrt == () and r.objective is None


# --- Newton on non-convex functions, divergence --------------------------------------------


def test_newton_regularises_an_indefinite_hessian() -> None:
    # at x = 0.01 the Hessian of x^4 - 2x^2 is negative: a plain Newton step goes to the
    # maximum at 0; the regularised step descends to the minimum x = 1
    r = newton("x**4 - 2*x**2 + y**2", [0.01, 1.0])
    check_path(r)
    assert r.converged
    np.testing.assert_allclose(r.x, [1.0, 0.0], atol=1e-8)
    assert np.all(np.diff(r.values) <= 0)


def test_newton_on_unbounded_python_objective_diverges() -> None:
    # -cosh overflows (OverflowError) past |x| ~ 710: trial points there are rejected,
    # and the run stops when |f| passes the divergence bound 1e12 (1 + cosh 1)
    r = newton(lambda p: -math.cosh(p[0]), [1.0])
    check_path(r)
    assert not r.converged and r.message.startswith(f"diverged at step {r.n_iter}: f = ")
    assert -r.fun > 1e12 * (1 + math.cosh(1.0))
    assert r.fun == pytest.approx(-math.cosh(r.x[0]), rel=1e-12)
    assert np.all(np.diff(r.values) < 0)


@pytest.mark.parametrize(
    ("f", "x0", "minimum", "grad", "second"),
    [
        # the nearest local minima: cos x = -1/2 at 4 pi/3 (from 7.5), cos at pi (from 0.1)
        ("sin(x) + x/2", 7.5, 4 * math.pi / 3, lambda x: math.cos(x) + 0.5, lambda x: -math.sin(x)),
        ("cos(x)", 0.1, math.pi, lambda x: -math.sin(x), lambda x: -math.cos(x)),
        ("x**4 - 2*x**2", 0.01, 1.0, lambda x: 4 * x**3 - 4 * x, lambda x: 12 * x**2 - 4),
    ],
)
def test_newton_modified_step_reaches_the_nearest_minimum(
    f: str, x0: float, minimum: float, grad, second
) -> None:
    r = newton(f, [x0])
    check_path(r)
    assert r.converged
    x = float(r.x[0])
    assert x == pytest.approx(minimum, abs=1e-9)
    assert abs(grad(x)) < 1e-9 and second(x) > 0.1  # a minimum, checked numerically
    # numeric cross-check of the stationarity with central differences of f itself
    fn = sm.to_numpy(f, "x")
    h = 1e-5
    assert abs((fn(x + h) - fn(x - h)) / (2 * h)) < 1e-6
    assert (fn(x + h) - 2 * fn(x) + fn(x - h)) / h**2 > 0.1
    assert np.all(np.diff(r.values) <= 0)
    assert np.max(np.abs(np.diff(r.path[:, 0]))) < 3  # no jump to a far basin


def test_newton_modified_step_in_two_variables() -> None:
    r = newton("cos(x) + cos(y)", [0.1, -0.2])  # indefinite (negative definite) Hessian
    check_path(r)
    assert r.converged
    np.testing.assert_allclose(r.x, [math.pi, -math.pi], atol=1e-9)
    assert np.linalg.norm([-math.sin(r.x[0]), -math.sin(r.x[1])]) < 1e-9
    assert np.all(np.linalg.eigvalsh(np.diag([-math.cos(v) for v in r.x])) > 0)


def test_converged_means_gradient_norm_at_most_tol() -> None:
    # from (-1.2, 1) Newton used to stop "converged: the Newton step is below tol" with
    # |grad f| = 4.47e-10 > tol = 1e-10
    runs = [
        (newton(ROSENBROCK, [-1.2, 1]), 1e-10),
        (newton(ROSENBROCK, [-1, 1]), 1e-10),
        (newton(ROSENBROCK, [-1.2, 1], tol=1e-13), 1e-13),
        (newton("sin(x) + x/2", [7.5]), 1e-10),
        (gradient_descent("x**2", [5.0]), 1e-8),
    ]
    for r, tol in runs:
        assert r.converged == (r.grad_norm <= tol), r.message
        assert not r.converged or r.message.startswith("converged: gradient norm")
    for r, tol in runs[:3]:  # the reported norm is the hand-written gradient's at x
        assert r.converged
        assert np.linalg.norm(rosen_grad(r.x)) == pytest.approx(r.grad_norm, abs=1e-13)
        assert np.linalg.norm(rosen_grad(r.x)) <= tol + 1e-13


def test_one_variable_callables_may_return_plain_numbers() -> None:
    r = newton(
        lambda p: float(np.cosh(p[0] - 1)),
        [0.5],
        grad=lambda p: math.sinh(p[0] - 1),
        hess=lambda p: math.cosh(p[0] - 1),
    )
    assert r.converged and r.x[0] == pytest.approx(1.0, abs=1e-10)


# --- objectives written with i that are real ----------------------------------------------


@pytest.mark.parametrize(
    "f, minimum, value",
    [
        ((X + sympy.I) * (X - sympy.I), 0.0, 1.0),  # x^2 + 1: before, ComplexWarnings
        (sympy.Abs(X - 2 + sympy.I) ** 2, 2.0, 1.0),  # before: NotSupportedError
        (sympy.Abs(X - 2 + sympy.I), 2.0, 1.0),  # sqrt((x - 2)^2 + 1)
    ],
)
def test_real_valued_objective_written_with_i(f, minimum: float, value: float) -> None:
    r = newton(f, 0.5)
    assert r.converged and r.x[0] == pytest.approx(minimum, abs=1e-8)
    assert r.fun == pytest.approx(value, abs=1e-12)
    exact = complex(f.subs(X, r.x[0]))  # the objective as given, evaluated by SymPy
    assert exact.imag == 0 and r.fun == pytest.approx(exact.real, abs=1e-12)
