"""Limits: known answers, one-sided limits, steps, the numeric approach check (infinite
limits, points beyond floats, a bounded check), limits outside the real domain, bad
input and the time limit."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy

import symml as sm
from symml.errors import DerivationTimeout

x, n, a = sm.symbols("x n a")

#: (expression, variable, point, direction, known limit)
LIMITS = [
    ("(1 + 1/n)^n", "n", "oo", "+-", sympy.E),
    ("sin(x)/x", "x", "0", "+-", sympy.Integer(1)),
    ("(1 - cos(x))/x^2", "x", "0", "+-", sympy.Rational(1, 2)),
    ("(exp(x) - 1)/x", "x", "0", "+-", sympy.Integer(1)),
    ("x*log(x)", "x", "0", "+", sympy.Integer(0)),
    ("1/x", "x", "0", "+", sympy.oo),
    ("1/x", "x", "0", "-", -sympy.oo),
    ("sqrt(x)", "x", "0", "+", sympy.Integer(0)),
    ("(3*x^2 + 1)/(x^2 - 5)", "x", "oo", "+-", sympy.Integer(3)),
    ("exp(-x)*x^5", "x", "oo", "+-", sympy.Integer(0)),
    ("(1 + a/n)^n", "n", "oo", "+-", sympy.exp(a)),
    ("sigmoid(x)", "x", "-oo", "+-", sympy.Integer(0)),
    ("abs(x)/x", "x", "0", "+", sympy.Integer(1)),
    ("abs(x)/x", "x", "0", "-", sympy.Integer(-1)),
    ("x^2 + 1", "x", "2", "+-", sympy.Integer(5)),
]


@pytest.mark.parametrize(
    ("f", "var", "to", "direction", "known"),
    LIMITS,
    ids=[f"{r[0]} {r[1]}->{r[2]}{r[3]}" for r in LIMITS],
)
def test_limit_table(f: str, var: str, to: str, direction: str, known: sympy.Expr) -> None:
    d = sm.limit(f, var, to, direction)
    assert d.result == known
    v = d.verify(rng=0)
    assert v.passed and v.method == "numeric approach", v


def test_limit_steps() -> None:
    d = sm.limit("sin(x)/x", "x", 0)
    titles = [s.title for s in d.steps]
    assert titles == ["definition", "L'Hôpital's rule (0/0)", "one-sided limits agree", "limit"]
    assert r"\frac{\cos{\left(x \right)}}{1}" in d.steps[1].latex
    assert d.lhs == r"\lim_{x \to 0} f(x)"
    assert sm.limit("1/x", "x", 0, "+").lhs == r"\lim_{x \to 0^{+}} f(x)"
    direct = sm.limit("x^2 + 1", "x", 2)
    assert direct.steps[1].title.startswith("direct substitution")


def test_limit_check_catches_a_wrong_value() -> None:
    d = sm.limit("(1 + 1/n)^n", "n", "oo")
    wrong = sm.Derivation(sympy.Integer(3), d.wrt, d.steps, d.lhs, operation="limit", check=d.check)
    assert not wrong.verify()
    infinite = sm.Derivation(sympy.oo, d.wrt, d.steps, d.lhs, operation="limit", check=d.check)
    assert not infinite.verify()


def test_two_sided_limit_that_does_not_exist() -> None:
    with pytest.raises(ValueError, match="does not exist: from the left -oo, from the right oo"):
        sm.limit("1/x", "x", 0)
    with pytest.raises(ValueError, match="does not exist"):
        sm.limit("sin(x)", "x", "oo")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("sin(x)/x", "y", 0), "'y' does not occur"),
        (("sin(x)/x", "x", 0, "left"), "dir must be one of"),
        (("[[x, 1]]", "x", 0), "scalar"),
        (("sin(x)/x", "x", "x"), "must not contain the variable x"),
        (("sin(x)/x", "x", "[[1, 2]]"), "must be a scalar"),
    ],
)
def test_limit_bad_input(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sm.limit(*args)


def test_limit_honours_its_timeout() -> None:
    start = time.monotonic()
    with pytest.raises(DerivationTimeout):
        sm.limit("x^x^x^x^x^x/(exp(x^x^x))", "x", "oo", timeout=0.01)
    assert time.monotonic() - start < 2.0


def test_limit_point_must_be_real() -> None:
    with pytest.raises(ValueError, match="to must be a real number"):
        sm.limit("x", "x", sympy.zoo)
    with pytest.raises(ValueError, match="1/0"):
        sm.limit("x", "x", "1/0")


# --- one-sided limits outside the real domain ----------------------------------------


@pytest.mark.parametrize(
    ("f", "to", "direction", "match"),
    [
        ("log(x)", 0, "-", "from the left is outside the real domain of log\\(x\\)"),
        ("sqrt(x)", 0, "-", "not real for x < 0 near 0"),
        ("sqrt(-x)", 0, "+", "not real for x > 0 near 0"),
        ("sqrt(x - 1)", 0, "+-", "not real for x < 0 or x > 0 near 0"),
        ("log(x)", "-oo", "+-", "not real as x -> -oo"),
    ],
)
def test_limit_outside_the_real_domain_is_an_error(
    f: str, to: object, direction: str, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        sm.limit(f, "x", to, direction)


def test_two_sided_limit_at_the_edge_of_the_domain_is_taken_inside() -> None:
    d = sm.limit("sqrt(x)", "x", 0)
    assert d.result == 0 and d.direction == "+"
    assert "real domain" in [s.title for s in d.steps]
    assert d.verify()
    near = sm.to_numpy(sm.parse("sqrt(x)"), [x])
    assert abs(near(1e-12) - float(d.result)) < 1e-5  # the side used really tends to 0
    (step,) = [s for s in d.steps if s.title == "real domain"]
    assert r"\text{ is not real for }" in step.latex  # LaTeX, not a tab and "ext"
    assert not any(c in step.latex for c in "\t\b\f")
    e = sm.limit("x*log(x)", "x", 0)
    assert e.result == 0 and e.verify()


def test_infinite_limits_growing_slowly_verify() -> None:
    d = sm.limit("log(x)", "x", 0, "+")
    assert d.result == -sympy.oo
    assert d.verify()
    fake = sm.Derivation(
        -sympy.oo,
        d.wrt,
        d.steps,
        d.lhs,
        operation="limit",
        check=functools.partial(d.check, f=1 / sympy.log(x)),
    )  # tends to 0
    assert not fake.verify()


# --- the numeric check of a limit: no float overflow, no endless evaluation -----------


@pytest.mark.parametrize(
    ("f", "to", "direction"),
    [
        ("exp(x)", "oo", "+-"),
        ("x**x", "oo", "+-"),
        ("exp(x)/x**100", "oo", "+-"),
        ("exp(-x)", "-oo", "+-"),
        ("exp(1/x)", 0, "+"),
        ("1/x**400", 0, "+"),
    ],
)
def test_fast_growing_infinite_limits_verify(f: str, to: object, direction: str) -> None:
    d = sm.limit(f, "x", to, direction)
    assert d.result == sympy.oo
    # the values really are beyond any float on the way (what made the check fail)
    g = sm.to_numpy(sm.parse(f), [x])
    with np.errstate(all="ignore"):
        far = g(1e20 if to == "oo" else (-1e3 if to == "-oo" else 1e-3))
    assert not np.isfinite(far) or far > 1e300
    assert d.verify(rng=0)
    fake = sm.Derivation(-sympy.oo, d.wrt, d.steps, d.lhs, operation="limit", check=d.check)
    assert not fake.verify(rng=0)


def test_limit_check_that_cannot_be_evaluated_is_bounded_not_endless() -> None:
    d = sm.limit("exp(exp(x))", "x", "oo")
    assert d.result == sympy.oo
    start = time.monotonic()
    with pytest.raises(sm.DerivationTimeout, match="numeric check of the limit"):
        d.verify(rng=0)
    assert time.monotonic() - start < sm.config.timeout + 2.0


def test_limit_at_a_point_beyond_floats_verifies() -> None:
    d = sm.limit("x**2 + 1", "x", "10**400")
    assert d.result == sympy.Integer(10) ** 800 + 1
    assert d.verify(rng=0)
    wrong = sm.Derivation(d.result * 2, d.wrt, d.steps, d.lhs, operation="limit", check=d.check)
    assert not wrong.verify(rng=0)


@pytest.mark.parametrize(
    ("f", "to", "direction", "near"),
    [
        # f a step u = 1e-30 above the point, by mpmath in 500 digits (u survives there)
        ("1/(x - 10**400)", 400, "+", lambda c, u: 1 / ((c + u) - c)),  # oo
        (
            "sin(x - 10**400)/(x - 10**400)",
            400,
            "+-",
            lambda c, u: mpmath.sin((c + u) - c) / ((c + u) - c),
        ),  # 1
        (
            "(x - 10**70)*log(x - 10**70)",
            70,
            "+",
            lambda c, u: ((c + u) - c) * mpmath.log((c + u) - c),
        ),  # 0
    ],
)
def test_limit_near_a_point_beyond_double_digits_is_approached(
    f: str, to: int, direction: str, near: Callable[[Any, Any], Any]
) -> None:
    d = sm.limit(f, "x", f"10**{to}", direction)
    assert d.verify(rng=0)
    wrong = sm.Derivation(
        d.result + 1 if d.result.is_finite else -d.result,
        d.wrt,
        d.steps,
        d.lhs,
        operation="limit",
        check=d.check,
    )
    assert not wrong.verify(rng=0)
    with mpmath.workdps(500):
        value = near(mpmath.mpf(10) ** to, mpmath.mpf(10) ** -30)
        assert value > 1e29 if d.result == sympy.oo else abs(value - float(d.result)) < 1e-27
