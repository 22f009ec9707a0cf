"""Numeric checks of derivatives: wrong results are caught, domains (log), n×1 shapes,
points near poles, functions of small or large size, and random expression trees."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

import symml as sm
from tests.strategies import X, Y, trees

x, y = sympy.symbols("x y", real=True)


def test_verification_catches_a_wrong_result() -> None:
    good = sm.gradient("x**2*y", "x, y")
    wrong = dataclasses.replace(good, result=sympy.ImmutableMatrix([2 * x * y, x**2 + 1e-3]))
    check = wrong.verify(rng=0)
    assert not check.passed
    assert check.max_error > 1e-4
    assert not bool(check)
    assert good.verify(rng=0).passed


def test_verification_catches_a_wrong_hessian_entry() -> None:
    good = sm.hessian("x**2*y + y**3", "x, y")
    wrong = dataclasses.replace(
        good, result=sympy.ImmutableMatrix([[2 * y, 2 * x], [2 * x, 6 * y + 0.01]])
    )
    assert not wrong.verify(rng=3).passed


def test_verification_catches_a_wrong_derivative() -> None:
    good = sm.derivative("sin(x)", "x")
    wrong = dataclasses.replace(good, result=sympy.cos(x) * 1.0001)
    assert not wrong.verify(rng=0).passed
    v = good.verify(rng=0, points=7)
    assert v.passed and v.points == 7 and v.method == "central differences"


def test_third_derivative_is_checked() -> None:
    d = sm.derivative("exp(2*x)*x", "x", 3)
    assert d.verify(rng=0).passed
    assert not dataclasses.replace(d, result=d.result + 1).verify(rng=0).passed


DOMAIN_CASES = [
    ("gradient", lambda: sm.gradient("log(x)", "x"), (2.0,), [0.5]),
    ("derivative", lambda: sm.derivative("log(x)", "x"), (4.0,), 0.25),
    ("hessian", lambda: sm.hessian("x*log(x) + y", "x, y"), (2.0, 1.0), [[0.5, 0], [0, 0]]),
    ("log(x-1)", lambda: sm.derivative("log(x - 1)", "x"), (3.0,), 0.5),
    ("sqrt", lambda: sm.derivative("sqrt(x - 1.5)", "x", 2), (2.5,), -0.25),
]


@pytest.mark.parametrize(
    ("name", "make", "at", "value"), DOMAIN_CASES, ids=[c[0] for c in DOMAIN_CASES]
)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_functions_with_a_domain_pass(
    name: str, make: object, at: tuple[float, ...], value: object, seed: int
) -> None:
    d = make()  # type: ignore[operator]
    check = d.verify(rng=seed)
    assert check.passed, check
    assert check.points == 5
    assert np.allclose(np.asarray(d.to_numpy()(*at)), np.asarray(value, dtype=float).squeeze())


@pytest.mark.parametrize(
    "make",
    [
        lambda: sm.hessian("x**3", "x"),
        lambda: sm.jacobian(["x**2", "x**3"], "x"),
        lambda: sm.jacobian(["x*y"], "x, y"),
        lambda: sm.gradient("x**2", "x"),
    ],
)
def test_n_by_1_results_verify(make: object) -> None:
    d = make()  # type: ignore[operator]
    check = d.verify(rng=0)
    assert check.passed, check
    # the compiled function keeps its documented shapes (an n×1 vector is (n,))
    shape = d.result.shape
    want = (shape[0],) if shape[1] == 1 else shape
    assert np.asarray(d.to_numpy()(*([1.5] * len(d.wrt)))).shape == want
    wrong = dataclasses.replace(d, result=d.result * 1.001 + sympy.ones(*shape) * 0.01)
    assert not wrong.verify(rng=0).passed


def test_hessian_of_x_cubed_value() -> None:
    d = sm.hessian("x**3", "x")
    assert float(np.asarray(d.to_numpy()(2.0)).ravel()[0]) == pytest.approx(12.0)


def test_wrong_derivative_near_a_pole_still_fails() -> None:
    d = sm.derivative("log(x - 1)", "x")
    wrong = dataclasses.replace(d, result=d.result * 1.001)
    assert not wrong.verify(rng=0).passed


# A wrong derivative of a function of small size must fail: the check measures the error on
# the values' own scale, not against 1 (which let a factor 2 through for x**3/1e8).
SMALL_CASES = [
    ("derivative", lambda: sm.derivative("x**3/10**8", "x"), 1e-8 * 3),
    ("gaussian", lambda: sm.derivative("exp(-100*x**2)", "x"), None),
    ("gradient", lambda: sm.gradient("1e-7*x*y", "x, y"), None),
    ("jacobian", lambda: sm.jacobian(["1e-9*x**2", "1e-8*y"], "x, y"), None),
    ("hessian", lambda: sm.hessian("1e-9*x**3*y", "x, y"), None),
    ("second", lambda: sm.derivative("1e-9*sin(x)", "x", 2), None),
]


@pytest.mark.parametrize(("name", "make", "at_one"), SMALL_CASES, ids=[c[0] for c in SMALL_CASES])
def test_small_functions_are_checked_on_their_own_scale(
    name: str, make: object, at_one: float | None
) -> None:
    d = make()  # type: ignore[operator]
    assert d.verify(rng=0).passed, d.verify(rng=0)
    for factor in (2, 1.001):
        wrong = dataclasses.replace(d, result=d.result * factor)
        check = wrong.verify(rng=0)
        assert not check.passed, (factor, check)
        assert check.max_error > 5e-4  # the relative error of the factor, not ~1e-7
    if at_one is not None:  # numeric cross-check of the symbolic value itself
        assert float(d.to_numpy()(1.0)) == pytest.approx(at_one, rel=1e-12)


def test_noise_of_a_large_function_is_not_taken_for_an_error() -> None:
    # f is about 1e6 while f' is about 1: the differences carry rounding noise of
    # ~1e-10 relative to f, which must not fail the (correct) derivative...
    d = sm.derivative("1000000 + x**2", "x")
    assert d.verify(rng=0).passed
    # ...but a wrong one is still caught
    assert not dataclasses.replace(d, result=2.5 * x).verify(rng=0).passed
    assert float(d.to_numpy()(1.5)) == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("n", "details"),
    [
        (1, "df/dx against central differences of f"),
        (2, "d^2f/dx^2 against second central differences of f"),
        (4, "d^4f/dx^4 against second central differences of d^2f/dx^2"),
    ],
)
def test_derivative_check_says_what_it_compared(n: int, details: str) -> None:
    d = sm.derivative("exp(x)*sin(x)", "x", n)
    check = d.verify(rng=0)
    assert check.passed and check.details == details
    # d^4/dx^4 (e^x sin x) = -4 e^x sin x
    if n == 4:
        assert float(d.to_numpy()(0.7)) == pytest.approx(-4 * np.exp(0.7) * np.sin(0.7))


def test_subnormal_values_carry_no_relative_precision() -> None:
    # f ~ 1e-320 is subnormal: its differences are rounding noise, not a failed derivative
    d = sm.derivative("1e-320*x**2", "x")
    assert d.verify(rng=0).passed
    assert float(d.to_numpy()(1.0)) == pytest.approx(2e-320, rel=1e-3)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=trees)
def test_random_gradients_pass_central_differences(expr: sympy.Expr) -> None:
    if not expr.free_symbols:
        expr = expr + X * Y
    d = sm.gradient(expr, [X, Y], simplify=False)
    check = d.verify(points=3, rng=0)
    assert check.passed, (expr, check)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=trees)
def test_random_hessians_pass_second_order_differences(expr: sympy.Expr) -> None:
    expr = expr + X * Y**2
    d = sm.hessian(expr, [X, Y], simplify=False)
    check = d.verify(points=2, rng=1, rtol=1e-5)
    assert check.passed, (expr, check)
