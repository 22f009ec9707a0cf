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
    assert np.array_equal(r.values[-1:], [r.fun], equal_nan=True)
    assert np.array_equal(r.grad_norms[-1:], [r.grad_norm], equal_nan=True)


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
    r = gradient_descent(ROSENBROCK, [-1.2, 1], lr=1.0, line_search=True, steps=20_000, tol=1e-6)
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
    for r in (
        newton("-x**2", [0.5]),
        gradient_descent("-x**2", [0.5], lr=0.5),
        gradient_descent("x**3", [-1.0], lr=0.1, line_search=True, steps=10_000),
    ):
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


@pytest.mark.parametrize(
    ("call", "match"),
    [
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
    ],
)
def test_bad_input_is_a_value_error(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_result_latex_and_table() -> None:
    r = gradient_descent("(x - 1)**2 + y**2", [0, 0], lr=0.5)
    assert r.converged and r.n_iter == 1
    assert r.latex() == (
        r"(x, y)^{*} = \left(1, 0\right),\ f((x, y)^{*}) = 0,\ "
        r"\|\nabla f\| = 0 \quad (\text{gradient descent, 1 step, converged})"
    )
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
    code = main(
        ["minimize", ROSENBROCK, "--x0", "-1.2,1", "--method", "newton", "--plot", str(png)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert "converged  yes" in out and "newton" in out
    x_line = out.strip().splitlines()[-1]
    assert x_line.startswith("x ")
    values = [float(part.split("=")[1]) for part in x_line.split(None, 1)[1].split(",")]
    np.testing.assert_allclose(values, [1, 1], atol=1e-8)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["x**2", "--x0", "5", "--lr", "0.1", "--iterations", "3", "--tol", "0"], "x = 2.56"),
        (["x**2", "--x0", "1", "--lr", "1.05"], "diverged"),
        (
            ["(x-1)**2 + (y+2)**2", "--x0=-3,4", "--method", "momentum", "--lr", "0.05"],
            "converged  yes",
        ),
        (["(x-1)**2", "--x0", "pi", "--method", "linesearch", "--lr", "4"], "line search"),
    ],
)
def test_cli_minimize_table(argv: list[str], expect: str, capsys) -> None:
    assert main(["minimize", *argv]) == (4 if expect == "diverged" else 0)  # 4: no minimum
    assert expect in capsys.readouterr().out


def test_cli_minimize_one_variable_plot_and_latex(tmp_path, capsys) -> None:
    png = tmp_path / "f.png"
    assert (
        main(
            [
                "minimize",
                "sin(x) + x/2",
                "--x0",
                "7.5",
                "--lr",
                "0.2",
                "--iterations",
                "20",
                "--plot",
                str(png),
                "--latex",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert png.exists() and r"x^{*} = \left(4.29692\right)" in out


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["x**2 + y**2", "--x0", "1"], "x0 has 1 value"),
        (["x**2", "--x0", "1", "--lr", "-1"], "lr"),
        (["x**2", "--x0", "a"], "--x0"),
        (["x**2", "--x0", "1", "--method", "bfgs"], "method"),
        (["x**2", "--x0", "1", "--plot", "out.txt"], "--plot"),
    ],
)
def test_cli_minimize_bad_input(argv: list[str], match: str, capsys) -> None:
    assert main(["minimize", *argv]) == 2
    err = capsys.readouterr().err
    assert match in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# --- edge cases: arithmetic trouble, Newton's modified step, callbacks, records, shapes --


def _exp_sq(p: np.ndarray) -> float:
    return math.exp(p[0] ** 2)  # OverflowError once p[0]**2 > ~709.8


def _exp_sq_grad(p: np.ndarray) -> np.ndarray:
    return np.array([2 * p[0] * math.exp(p[0] ** 2)])


@pytest.mark.parametrize(
    ("run", "step", "reason"),
    [
        (lambda: gradient_descent(_exp_sq, [2.0], lr=1.0, grad=_exp_sq_grad), 1, "overflow in f"),
        (
            lambda: gradient_descent(lambda p: math.sqrt(p[0]), [1.0], lr=10),
            1,
            "x left the domain of f",
        ),
        (
            lambda: gradient_descent(lambda p: math.exp(p[0]), [1000.0], grad=lambda p: p),
            0,
            "overflow in f",
        ),
        (
            lambda: gradient_descent(
                lambda p: 1 / float(p[0]), [1.0], grad=lambda p: np.ones(1), lr=1.0
            ),
            1,
            "division by zero in f",
        ),
        (
            lambda: newton(
                lambda p: p[0] ** 2,
                [1.0],
                grad=lambda p: 2 * p,
                hess=lambda p: 1 / (float(p[0]) - 1),
            ),
            1,
            "division by zero in hess",
        ),
    ],
)
def test_arithmetic_trouble_in_a_python_objective_is_divergence(
    run, step: int, reason: str
) -> None:
    r = run()
    check_path(r)
    assert not r.converged
    assert r.message.startswith(f"diverged at step {step}: {reason}")
    assert r.n_iter == max(step - 1, 0)  # the run ends at its last good point


def test_newton_on_unbounded_python_objective_diverges() -> None:
    # -cosh overflows (OverflowError) past |x| ~ 710: trial points there are rejected,
    # and the run stops when |f| passes the divergence bound 1e12 (1 + cosh 1)
    r = newton(lambda p: -math.cosh(p[0]), [1.0])
    check_path(r)
    assert not r.converged and r.message.startswith(f"diverged at step {r.n_iter}: f = ")
    assert -r.fun > 1e12 * (1 + math.cosh(1.0))
    assert r.fun == pytest.approx(-math.cosh(r.x[0]), rel=1e-12)
    assert np.all(np.diff(r.values) < 0)


def test_line_search_rejects_a_trial_point_that_overflows() -> None:
    """A Python objective that overflows at a trial point behaves as its symbolic form,
    where the same point has the value inf: the line search backtracks past it."""
    python = gradient_descent(_exp_sq, [2.0], lr=1.0, grad=_exp_sq_grad, line_search=True)
    symbolic = gradient_descent("exp(x**2)", [2.0], lr=1.0, line_search=True)
    check_path(python)
    assert python.converged and symbolic.converged
    np.testing.assert_allclose(python.path, symbolic.path, rtol=1e-12, atol=1e-15)
    assert abs(python.x[0]) < 1e-8 and python.fun == pytest.approx(1.0)


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


@pytest.mark.parametrize(
    "run",
    [
        lambda cb: gradient_descent("x**2", [1.0], callback=cb),
        lambda cb: gradient_descent("x**2", [1.0], momentum=0.5, callback=cb),
        lambda cb: gradient_descent("x**2", [1.0], line_search=True, callback=cb),
        lambda cb: newton("x**4 + x", [1.0], callback=cb),
        lambda cb: gradient_descent(
            lambda p: float(p @ p), [1.0], grad=lambda p: 2 * p, callback=cb
        ),
    ],
)
def test_callback_errors_propagate(run) -> None:
    def callback(k: int, x: np.ndarray, value: float) -> None:
        raise ZeroDivisionError("raised by the callback")

    with pytest.raises(ZeroDivisionError, match="raised by the callback"):
        run(callback)


def test_callback_cannot_corrupt_the_run() -> None:
    seen: list[float] = []

    def callback(k: int, x: np.ndarray, value: float) -> None:
        seen.append(float(x[0]))
        with pytest.raises(ValueError, match="read-only"):
            x[0] = 100.0

    for kwargs in ({}, {"line_search": True}):
        seen.clear()
        r = gradient_descent("x**2", [1.0], lr=0.1, steps=5, tol=0, callback=callback, **kwargs)
        plain = gradient_descent("x**2", [1.0], lr=0.1, steps=5, tol=0, **kwargs)
        np.testing.assert_array_equal(r.path, plain.path)
        assert seen == r.path[1:, 0].tolist()
    seen.clear()
    r = newton("cos(x)", [0.1], callback=callback)
    assert r.converged and seen == r.path[1:, 0].tolist()


def test_large_steps_allocates_only_what_runs() -> None:
    r = gradient_descent("x**2", 1.0, steps=10**10)  # 80 GB if preallocated
    check_path(r)
    # |grad| = 2 * 0.8**k <= 1e-8 first at k = 86
    assert r.converged and r.n_iter == math.ceil(math.log(5e-9) / math.log(0.8)) == 86
    assert r.x[0] == pytest.approx(0.8**86, rel=1e-12)


@pytest.mark.parametrize(
    "run",
    [
        lambda: gradient_descent("x**2 + y**2", [3.0, -4.0], lr=1e-3, steps=2500, tol=0),
        lambda: gradient_descent(
            "x**2 + y**2", [3.0, -4.0], lr=1e-3, momentum=0.5, steps=2500, tol=0
        ),
        lambda: gradient_descent(ROSENBROCK, [-1.2, 1], lr=1.0, line_search=True, steps=2500),
        lambda: newton(ROSENBROCK, [-1.2, 1]),
    ],
)
def test_the_record_grows_without_changing_the_run(run, monkeypatch) -> None:
    default = run()
    monkeypatch.setattr("symml.optimize.INITIAL_ROWS", 2)  # grow from 2 rows: 4, 8, 16 ...
    grown = run()
    check_path(grown)
    np.testing.assert_array_equal(grown.path, default.path)
    np.testing.assert_array_equal(grown.values, default.values)
    np.testing.assert_array_equal(grown.grad_norms, default.grad_norms)
    assert (grown.n_iter, grown.message) == (default.n_iter, default.message)


def test_fixed_rate_path_past_the_first_record_is_exact() -> None:
    r = gradient_descent("x**2", 5.0, lr=1e-3, steps=3000, tol=0)  # more than 1024 rows
    check_path(r)
    k = np.arange(3001)
    np.testing.assert_allclose(r.path[:, 0], 5.0 * 0.998**k, rtol=1e-11)
    np.testing.assert_allclose(r.values, (5.0 * 0.998**k) ** 2, rtol=1e-11)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: gradient_descent(lambda p: p, [1.0, 2.0]),
            ValueError,
            r"f returned an array of shape \(2,\); expected a number",
        ),
        (
            lambda: gradient_descent(lambda p: p * p, [1.0]),
            ValueError,
            r"f returned an array of shape \(1,\)",
        ),
        (
            lambda: gradient_descent(lambda p: None, [1.0]),
            TypeError,
            "f must return a real number, got NoneType",
        ),
        (
            lambda: gradient_descent(lambda p: p @ p, [1.0, 2.0], grad=lambda p: np.ones(3)),
            ValueError,
            r"grad returned an array of shape \(3,\); expected shape \(2,\)",
        ),
        (
            lambda: gradient_descent(lambda p: p @ p, [1.0, 2.0], grad=lambda p: np.ones((2, 1))),
            ValueError,
            r"grad returned an array of shape \(2, 1\); expected shape \(2,\)",
        ),
        (
            lambda: newton(
                lambda p: p @ p, [1.0, 2.0], grad=lambda p: 2 * p, hess=lambda p: np.eye(3)
            ),
            ValueError,
            r"hess returned an array of shape \(3, 3\); expected shape \(2, 2\)",
        ),
        (
            lambda: newton(lambda p: p @ p, [1.0, 2.0], grad=lambda p: 2 * p, hess=lambda p: 2.0),
            ValueError,
            r"hess returned an array of shape \(\); expected shape \(2, 2\)",
        ),
        (
            lambda: gradient_descent(lambda p: math.log(p[0]), [-1.0]),
            ValueError,
            r"f raised ValueError at x0 = \[-1.0\]: math domain error",
        ),
        (
            lambda: gradient_descent(lambda p: (lambda a, b: a * b)(*p), [1.0]),
            TypeError,
            "argument",
        ),
        (
            lambda: gradient_descent("x**2 + y**2", [[1, 2]]),
            ValueError,
            r"x0 must be a number or a 1-D sequence.*shape \(1, 2\)",
        ),
        (lambda: newton(lambda p: p @ p, [[1.0], [2.0]]), ValueError, r"1-D.*shape \(2, 1\)"),
    ],
)
def test_bad_callables_and_x0_are_named(call, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_one_variable_callables_may_return_plain_numbers() -> None:
    r = newton(
        lambda p: float(np.cosh(p[0] - 1)),
        [0.5],
        grad=lambda p: math.sinh(p[0] - 1),
        hess=lambda p: math.cosh(p[0] - 1),
    )
    assert r.converged and r.x[0] == pytest.approx(1.0, abs=1e-10)


# --- complex objectives --------------------------------------------------------------------

X = sympy.Symbol("x", real=True)  # as parsed: symml variables are real


@pytest.mark.parametrize(
    "f, imag",
    [
        (X**2 + sympy.I * X, "x"),  # before: "converged", f = 0.25 (Re only)
        (X**2 + sympy.exp(sympy.I * X), r"sin\(x\)"),  # before: math domain error
        (sympy.log(-1) * X**2, r"pi\*x\*\*2"),  # i pi x^2: before, math domain error
    ],
)
@pytest.mark.parametrize("run", [gradient_descent, newton])
def test_complex_valued_objective_is_refused(run, f, imag: str) -> None:
    with pytest.raises(
        ValueError,
        match=rf"f = .* is not real-valued: its imaginary part is "
        rf"{imag}",
    ):
        run(f, 1.0)


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


# --- minimize --plot far from the origin ---------------------------------------------------


def test_cli_minimize_plot_far_from_the_origin(tmp_path, capsys) -> None:
    """A path at 1e17 has no width at double precision: the window used to be 1e17 ± 0.25,
    i.e. low == high, and the run failed with 'xlim must be finite with low < high'."""
    png = tmp_path / "far.png"
    assert (
        main(
            [
                "minimize",
                "(x - 1e17)**2/1e30 + (y - 1e17)**2/1e30",
                "--x0",
                "1e17,1e17",
                "--plot",
                str(png),
            ]
        )
        == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "converged  yes" in capsys.readouterr().out


def test_cli_minimize_plot_that_cannot_be_drawn_says_plot(tmp_path, capsys) -> None:
    """x0 = 1e200: f = inf on the whole window. One line naming --plot, exit 2."""
    assert (
        main(["minimize", "x**2 + y**2", "--x0", "1e200,1", "--plot", str(tmp_path / "inf.png")])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("symml: error: --plot: ")
    assert "not finite" in err and not (tmp_path / "inf.png").exists()
