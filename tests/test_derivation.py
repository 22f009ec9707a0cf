"""Derivation, Step, Verification, the coercion of inputs, LaTeX, and the numeric checks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy

import symml as sm

x, y = sympy.symbols("x y", real=True)

# --- steps are real derivation lines --------------------------------------------------------

RULES = [
    ("x**2 + sin(x)", "sum rule"),
    ("x**2*sin(x)", "product rule"),
    ("sin(x)/x**2", "quotient rule"),
    ("sin(x**2)", "chain rule"),
    ("(1 + x**2)**5", "chain rule"),
    ("3*exp(x)", "constant factor"),
]


@pytest.mark.parametrize(("f", "rule"), RULES)
def test_derivative_names_the_rule(f: str, rule: str) -> None:
    d = sm.derivative(f, "x")
    assert rule in [s.title for s in d.steps]
    assert d.verify(rng=0)


def test_simplification_is_its_own_step_only_when_it_changes_the_form() -> None:
    d = sm.derivative("x/(1 + x)", "x")
    assert d.result == 1 / (1 + x) ** 2
    assert [s.title for s in d.steps][-2:] == ["differentiate", "simplify"]
    assert d.steps[-2].latex != d.steps[-1].latex
    plain = sm.derivative("x**3", "x")
    assert "simplify" not in [s.title for s in plain.steps]


def test_hessian_shows_it_is_built_from_the_gradient() -> None:
    d = sm.hessian("x**3*y", "x, y")
    titles = [s.title for s in d.steps]
    assert "gradient" in titles
    assert any("Jacobian of the gradient" in t for t in titles)
    assert d.result == d.result.T
    grad = sm.gradient("x**3*y", "x, y")
    assert d.result == sm.jacobian(grad.result, "x, y").result
    # numerically: H = [[6xy, 3x^2], [3x^2, 0]], and central differences of the gradient
    H = np.asarray(d.to_numpy()(1.5, -0.5))
    assert np.allclose(H, [[6 * 1.5 * -0.5, 3 * 1.5**2], [3 * 1.5**2, 0.0]], rtol=1e-14)
    g, h = grad.to_numpy(), 1e-6
    columns = [
        (
            np.asarray(g(1.5 + h * e[0], -0.5 + h * e[1]))
            - np.asarray(g(1.5 - h * e[0], -0.5 - h * e[1]))
        )
        / (2 * h)
        for e in np.eye(2)
    ]
    assert np.allclose(np.stack(columns, axis=1), H, rtol=1e-7, atol=1e-7)


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
