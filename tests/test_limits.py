"""Limits (known answers, one-sided, steps, the numeric approach check, bad input) and the
time-limit machinery of ``symml.deadline``."""

from __future__ import annotations

import math
import time

import pytest
import sympy

import symml as sm
from symml.deadline import Deadline, resolve_timeout, run_limited
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


# --- _limits --------------------------------------------------------------------------------


def _nested(value: int) -> int:
    # a limited call made from inside a limited call runs in place (no second fork)
    return run_limited(abs, value, timeout=1.0)


def test_nested_limited_calls_run_inside_the_worker() -> None:
    assert run_limited(_nested, -3, timeout=5) == 3


def test_a_sleeping_call_is_cut_off_in_time() -> None:
    start = time.monotonic()
    with pytest.raises(DerivationTimeout, match="napping did not finish within 0.3 s"):
        run_limited(time.sleep, 10, timeout=0.3, what="napping")
    assert time.monotonic() - start < 2.3


def test_deadline_shares_one_budget() -> None:
    d = Deadline(0.5)
    with pytest.raises(
        DerivationTimeout, match=r"first did not finish within the time limit \(0.5 s\)"
    ):
        d.run(time.sleep, 2, what="first")
    with pytest.raises(DerivationTimeout):
        d.run(abs, -1, what="second")  # nothing left
    assert Deadline(None).run(abs, -2, what="the default limit") == 2
    assert Deadline(math.inf).run(abs, -2, what="unlimited") == 2
    assert Deadline(5).run(abs, -2, what="capped", cap=1.0) == 2


def test_resolve_timeout() -> None:
    assert resolve_timeout(None) == sm.config.timeout
    assert resolve_timeout(2) == 2.0
    with pytest.raises(ValueError, match="timeout"):
        resolve_timeout(0)
    with pytest.raises(ValueError, match="timeout"):
        resolve_timeout("soon")


def test_limit_honours_its_timeout() -> None:
    start = time.monotonic()
    with pytest.raises(DerivationTimeout):
        sm.limit("x^x^x^x^x^x/(exp(x^x^x))", "x", "oo", timeout=0.01)
    assert time.monotonic() - start < 2.0
