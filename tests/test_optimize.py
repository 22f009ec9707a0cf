"""Gradient descent and Newton's method: known answers, the path contract, callbacks,
momentum, line search, divergence, bad input and the ``minimize`` command."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

import symml as sm
from symml.cli import main
from symml.optimize import OptimizeResult, gradient_descent, newton

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"


def rosen(p: np.ndarray) -> float:
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


def rosen_grad(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def rosen_hess(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200.0]])


@pytest.fixture(scope="module")
def gd_rosenbrock() -> OptimizeResult:
    return gradient_descent(ROSENBROCK, [-1, 1], lr=1e-3, steps=20_000)


@pytest.fixture(scope="module")
def newton_rosenbrock() -> OptimizeResult:
    return newton(ROSENBROCK, [-1.2, 1])


def check_path(r: OptimizeResult) -> None:
    """The result contract: path (n_iter + 1, n), path[-1] == x, values = f(path)."""
    n = len(r.x)
    assert r.path.shape == (r.n_iter + 1, n)
    assert r.values.shape == (r.n_iter + 1,)
    assert r.grad_norms.shape == (r.n_iter + 1,)
    assert np.array_equal(r.path[-1], r.x)
    assert r.values[-1] == r.fun
    assert r.grad_norms[-1] == r.grad_norm


# --- known answers -----------------------------------------------------------------------


def test_x_squared_from_5_for_1000_steps() -> None:
    r = gradient_descent("x**2", 5.0, lr=0.1, steps=1000, tol=0)
    check_path(r)
    assert r.n_iter == 1000
    assert r.x[0] == pytest.approx(5 * 0.8**1000, rel=1e-12, abs=0)
    assert abs(r.x[0]) < 1e-90  # within float error of the minimum 0
    np.testing.assert_allclose(r.path[:4, 0], [5.0, 4.0, 3.2, 2.56], rtol=1e-15)


def test_x_squared_default_tol_converges_early() -> None:
    r = gradient_descent("x**2", 5.0, lr=0.1, steps=1000)
    check_path(r)
    assert r.converged and "converged" in r.message
    # |grad| = 10 * 0.8**k <= 1e-8  first at k = 93
    assert r.n_iter == math.ceil(math.log(1e-9) / math.log(0.8))
    assert r.grad_norm <= 1e-8


def test_lr_above_one_diverges_without_raising() -> None:
    r = gradient_descent("x**2", 1.0, lr=1.05, steps=10_000)
    check_path(r)
    assert not r.converged
    assert "diverged" in r.message and f"step {r.n_iter}" in r.message
    assert abs(r.fun) > 1e12  # past the bound 1e12 * (1 + |f(x0)|)
    # x_k = (-1.1)^k exactly as iterated
    assert r.x[0] == pytest.approx((-1.1) ** r.n_iter, rel=1e-9)


def test_sin_plus_half_x_twenty_steps() -> None:
    r = gradient_descent("sin(x) + x/2", 7.5, lr=0.2, steps=20)
    check_path(r)
    assert r.n_iter == 20
    assert r.x[0] == pytest.approx(4.2969, abs=1e-4)
    long = gradient_descent("sin(x) + x/2", 7.5, lr=0.2, steps=2000)
    assert long.converged
    assert long.x[0] == pytest.approx(4 * math.pi / 3, abs=1e-8)  # cos x = -1/2


def test_norm_squared_from_10_minus_15() -> None:
    x, y = sm.symbols("x y")
    r = gradient_descent(x**2 + y**2, [10, -15], lr=0.1, steps=1000, tol=0)
    check_path(r)
    np.testing.assert_allclose(r.x, np.array([10.0, -15.0]) * 0.8**1000, rtol=1e-12)


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


def test_gd_rosenbrock(gd_rosenbrock: OptimizeResult) -> None:
    r = gd_rosenbrock
    check_path(r)
    assert r.n_iter == 20_000
    assert np.max(np.abs(r.x - 1.0)) < 1e-3


def test_compiled_gradient_matches_hand_written(gd_rosenbrock: OptimizeResult) -> None:
    """Two routes: the symbolic gradient compiled, and a hand-written NumPy gradient."""
    hand = gradient_descent(rosen, [-1, 1], lr=1e-3, steps=20_000, grad=rosen_grad)
    np.testing.assert_allclose(gd_rosenbrock.path, hand.path, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gd_rosenbrock.values, hand.values, rtol=1e-9, atol=1e-15)


# --- callables, callback, inputs -------------------------------------------------------


def test_callable_newton_with_hess() -> None:
    r = newton(rosen, [-1.2, 1], grad=rosen_grad, hess=rosen_hess)
    check_path(r)
    assert r.converged and r.n_iter < 50
    np.testing.assert_allclose(r.x, [1, 1], atol=1e-8)
    assert r.wrt == () and r.objective is None


def test_callable_without_grad_uses_central_differences() -> None:
    r = gradient_descent(lambda p: float((p[0] - 3) ** 2 + (p[1] + 1) ** 2), [0, 0], lr=0.25)
    assert r.converged
    np.testing.assert_allclose(r.x, [3, -1], atol=1e-7)
    rn = newton(lambda p: float(np.cosh(p[0] - 1)), [0.5])
    np.testing.assert_allclose(rn.x, [1.0], atol=1e-6)


def test_callback_stops_early_and_sees_each_step() -> None:
    seen: list[tuple[int, float, float]] = []

    def callback(step: int, x: np.ndarray, value: float) -> bool:
        seen.append((step, float(x[0]), float(value)))
        return step == 3

    r = gradient_descent("x**2", 5.0, lr=0.1, callback=callback)
    check_path(r)
    assert r.n_iter == 3 and not r.converged and "callback" in r.message
    assert [s for s, _, _ in seen] == [1, 2, 3]
    assert [v for _, _, v in seen] == pytest.approx([16.0, 10.24, 6.5536])
    rn = newton(ROSENBROCK, [-1.2, 1], callback=lambda k, x, v: True)
    assert rn.n_iter == 1 and not rn.converged


def test_derivation_and_mapping_inputs() -> None:
    d = sm.derivative("x**3/3 - x*y + y**2", "x")  # x**2 - y, a function of (x, y)
    r = gradient_descent(sm.parse("(x - 2)**2 + (y + 1)**2"), {"y": 0.0, "x": 0.0}, lr=0.25)
    np.testing.assert_allclose(r.x, [2, -1], atol=1e-8)
    assert [s.name for s in r.wrt] == ["x", "y"]
    with pytest.raises(ValueError, match="has 1 value"):
        gradient_descent(d, [1.0])  # the Derivation's wrt (x, y) sets the length


def test_wrt_orders_the_variables() -> None:
    r = gradient_descent("(x - 2)**2 + (y + 1)**2", [0, 0], wrt="y, x", lr=0.25)
    np.testing.assert_allclose(r.x, [-1, 2], atol=1e-8)


def test_steps_zero() -> None:
    r = gradient_descent("x**2", 2.0, steps=0)
    check_path(r)
    assert r.n_iter == 0 and r.fun == 4.0 and not r.converged


# --- momentum and line search ------------------------------------------------------------


def test_momentum_is_heavy_ball() -> None:
    lr, mu = 0.01, 0.9
    r = gradient_descent("x**2 + 10*y**2", [1.0, 1.0], lr=lr, momentum=mu, steps=3, tol=0)
    grad = lambda p: np.array([2 * p[0], 20 * p[1]])  # noqa: E731
    x, v = np.array([1.0, 1.0]), np.zeros(2)
    for k in range(1, 4):
        v = mu * v - lr * grad(x)
        x = x + v
        np.testing.assert_allclose(r.path[k], x, rtol=1e-14)
    assert r.method == "momentum"


def test_momentum_is_faster_on_an_ill_conditioned_quadratic() -> None:
    f = "x**2 + 50*y**2"
    plain = gradient_descent(f, [1.0, 1.0], lr=0.009, steps=5000, tol=1e-6)
    heavy = gradient_descent(f, [1.0, 1.0], lr=0.009, momentum=0.8, steps=5000, tol=1e-6)
    assert plain.converged and heavy.converged
    assert heavy.n_iter < plain.n_iter / 3


def test_line_search_rescues_a_too_large_rate() -> None:
    f = "x**2 + 3*y**2"
    assert "diverged" in gradient_descent(f, [2.0, 1.0], lr=5.0).message
    r = gradient_descent(f, [2.0, 1.0], lr=5.0, line_search=True, steps=500)
    check_path(r)
    assert r.converged and r.method == "line search"
    np.testing.assert_allclose(r.x, [0, 0], atol=1e-8)
    # Armijo: each accepted step decreased f by at least c t |g|^2 > 0
    assert np.all(np.diff(r.values) < 0)


def test_line_search_on_rosenbrock_converges() -> None:
    r = gradient_descent(ROSENBROCK, [-1.2, 1], lr=1.0, line_search=True, steps=20_000,
                         tol=1e-6)
    assert r.converged
    np.testing.assert_allclose(r.x, [1, 1], atol=1e-5)
    assert np.all(np.diff(r.values) <= 0)


# --- Newton on non-convex functions, divergence --------------------------------------------


def test_newton_regularises_an_indefinite_hessian() -> None:
    # at x = 0.01 the Hessian of x^4 - 2x^2 is negative: a plain Newton step goes to the
    # maximum at 0; the regularised step descends to the minimum x = 1
    r = newton("x**4 - 2*x**2 + y**2", [0.01, 1.0])
    check_path(r)
    assert r.converged
    np.testing.assert_allclose(r.x, [1.0, 0.0], atol=1e-8)
    assert np.all(np.diff(r.values) <= 0)


def test_unbounded_objective_diverges_without_raising() -> None:
    for r in (newton("-x**2", [0.5]), gradient_descent("-x**2", [0.5], lr=0.5),
              gradient_descent("x**3", [-1.0], lr=0.1, line_search=True, steps=10_000)):
        check_path(r)
        assert not r.converged and "diverged at step" in r.message


def test_non_finite_start_or_overflow_is_divergence() -> None:
    r = gradient_descent("log(x)", [-1.0])  # f(x0) is not finite
    assert not r.converged and "diverged at step 0" in r.message and r.n_iter == 0

    def explode(p: np.ndarray) -> float:
        return math.exp(float(p[0]))  # OverflowError past ~709

    r = gradient_descent(explode, [700.0], lr=1.0, grad=lambda p: -np.ones(1) * 5)
    assert not r.converged and "diverged" in r.message
    check_path(r)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "match"), [
    (lambda: gradient_descent("x**2 + y**2", [1.0]), "x0 has 1 value"),
    (lambda: gradient_descent("x**2", [1.0, 2.0]), "x0 has 2 value"),
    (lambda: newton("x**2 + y**2", [1, 2, 3]), "x0 has 3 value"),
    (lambda: gradient_descent("[x, y]", [1, 2]), "objective f must be a scalar"),
    (lambda: newton(sympy.Matrix([[1, 2], [3, 4]]), [1]), "objective f must be a scalar"),
    (lambda: gradient_descent("x**2", [1.0], lr=0), "lr"),
    (lambda: gradient_descent("x**2", [1.0], lr=-0.1), "lr"),
    (lambda: gradient_descent("x**2", [1.0], lr=float("nan")), "lr"),
    (lambda: gradient_descent("x**2", [1.0], momentum=1.0), "momentum"),
    (lambda: gradient_descent("x**2", [1.0], steps=-1), "steps"),
    (lambda: gradient_descent("x**2", ["a"]), "x0"),
    (lambda: gradient_descent("x**2", [float("inf")]), "x0"),
    (lambda: gradient_descent("7", [1.0]), "no variables"),
    (lambda: gradient_descent("x**2", [1.0], wrt="z"), "z"),
    (lambda: gradient_descent("x**2", [1.0], grad=lambda p: p), "grad"),
])
def test_bad_input_is_a_value_error(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_result_latex_and_table() -> None:
    r = gradient_descent("(x - 1)**2 + y**2", [0, 0], lr=0.5)
    assert r.converged and r.n_iter == 1
    assert r.latex() == (r"(x, y)^{*} = \left(1, 0\right),\ f((x, y)^{*}) = 0,\ "
                         r"\|\nabla f\| = 0 \quad (\text{gradient descent, 1 step, converged})")
    assert r._repr_latex_().startswith("$")
    table = r.plain()
    assert "converged  yes" in table and table.splitlines()[-1] == "x          x = 1, y = 0"
    with pytest.raises(AttributeError):
        r.x = np.zeros(2)  # frozen
    with pytest.raises(ValueError):
        r.path[0, 0] = 3.0  # read-only


# --- the minimize command ----------------------------------------------------------------


def test_cli_minimize_newton_with_plot(tmp_path, capsys) -> None:
    png = tmp_path / "path.png"
    code = main(["minimize", ROSENBROCK, "--x0", "-1.2,1", "--method", "newton",
                 "--plot", str(png)])
    out = capsys.readouterr().out
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "converged  yes" in out and "newton" in out
    x_line = out.strip().splitlines()[-1]
    assert x_line.startswith("x ")
    values = [float(part.split("=")[1]) for part in x_line.split(None, 1)[1].split(",")]
    np.testing.assert_allclose(values, [1, 1], atol=1e-8)


@pytest.mark.parametrize(("argv", "expect"), [
    (["x**2", "--x0", "5", "--lr", "0.1", "--steps", "3", "--tol", "0"], "x = 2.56"),
    (["x**2", "--x0", "1", "--lr", "1.05"], "diverged"),
    (["(x-1)**2 + (y+2)**2", "--x0=-3,4", "--method", "momentum", "--lr", "0.05"],
     "converged  yes"),
    (["(x-1)**2", "--x0", "pi", "--method", "linesearch", "--lr", "4"], "line search"),
])
def test_cli_minimize_table(argv: list[str], expect: str, capsys) -> None:
    assert main(["minimize", *argv]) == 0
    assert expect in capsys.readouterr().out


def test_cli_minimize_one_variable_plot_and_latex(tmp_path, capsys) -> None:
    png = tmp_path / "f.png"
    assert main(["minimize", "sin(x) + x/2", "--x0", "7.5", "--lr", "0.2", "--steps", "20",
                 "--plot", str(png), "--latex"]) == 0
    out = capsys.readouterr().out
    assert png.exists() and r"x^{*} = \left(4.29692\right)" in out


@pytest.mark.parametrize(("argv", "match"), [
    (["x**2 + y**2", "--x0", "1"], "x0 has 1 value"),
    (["x**2", "--x0", "1", "--lr", "-1"], "lr"),
    (["x**2", "--x0", "a"], "--x0"),
    (["x**2", "--x0", "1", "--method", "bfgs"], "method"),
    (["x**2", "--x0", "1", "--plot", "out.txt"], "--plot"),
])
def test_cli_minimize_bad_input(argv: list[str], match: str, capsys) -> None:
    assert main(["minimize", *argv]) == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
