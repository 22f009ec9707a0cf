"""Taylor polynomials: known answers, steps, the remainder check, bad input, functions that
are not differentiable at the point, and points beyond floats."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import mpmath
import pytest
import sympy

import symml as sm
from symml.calculus.series import MAX_TAYLOR_ORDER
from symml.errors import NoClosedFormError, NotSupportedError
from tests.helpers import Cli

x, y, z, a = sm.symbols("x y z a")

# --- taylor -------------------------------------------------------------------------------


def test_api_example_exp() -> None:
    t = sm.taylor("exp(x)", "x", 0, 3)
    assert sympy.expand(t.result - (1 + x + x**2 / 2 + x**3 / 6)) == 0
    assert t.wrt == (x,)
    titles = [s.title for s in t.steps]
    assert titles == [
        "definition",
        "value at the point",
        "derivative 1 at the point",
        "derivative 2 at the point",
        "derivative 3 at the point",
        "assemble the polynomial",
    ]
    assert t.lhs == "T_{3}(x)"
    v = t.verify()
    assert v.passed and v.method == "Taylor remainder order"


@pytest.mark.parametrize(
    ("f", "at", "order", "known"),
    [
        ("sin(x)", 0, 5, "x - x^3/6 + x^5/120"),
        ("cos(x)", 0, 4, "1 - x^2/2 + x^4/24"),
        ("log(1+x)", 0, 4, "x - x^2/2 + x^3/3 - x^4/4"),
        ("1/(1-x)", 0, 3, "1 + x + x^2 + x^3"),
        ("log(x)", 1, 3, "(x-1) - (x-1)^2/2 + (x-1)^3/3"),
        ("sqrt(x)", 4, 2, "2 + (x-4)/4 - (x-4)^2/64"),
        ("sin(x)/x", 0, 4, "1 - x^2/6 + x^4/120"),
        ("exp(a*x)", 0, 2, "1 + a*x + a^2*x^2/2"),
        ("x^3 + 2*x", 0, 5, "x^3 + 2*x"),
        ("sigmoid(x)", 0, 3, "1/2 + x/4 - x^3/48"),
    ],
)
def test_taylor_table(f: str, at: object, order: int, known: str) -> None:
    t = sm.taylor(f, "x", at, order)
    assert sympy.simplify(t.result - sm.parse(known)) == 0
    # numeric cross-check: the series agrees with f near the point
    fn, tn = sm.to_numpy(sm.parse(f), t.wrt), t.to_numpy()
    args = [float(at) + 1e-3 if s == x else 0.7 for s in t.wrt]
    assert abs(fn(*args) - tn(*args)) < 1e-3 ** (order + 1) * 10
    assert t.verify(rng=0)


def test_taylor_at_a_symbolic_point_and_pi() -> None:
    t = sm.taylor("sin(x)", "x", "pi/4", 2)
    assert sympy.simplify(t.result.subs(x, sympy.pi / 4) - sympy.sqrt(2) / 2) == 0
    assert t.verify()
    s = sm.taylor("exp(x)", "x", "a", 2)
    assert sympy.simplify(s.result - sympy.exp(a) * (1 + (x - a) + (x - a) ** 2 / 2)) == 0
    assert s.verify(rng=2)


def test_taylor_check_catches_a_wrong_order() -> None:
    t = sm.taylor("exp(x)", "x", 0, 3)
    wrong = sm.Derivation(
        t.result - x**3 / 6, t.wrt, t.steps, t.lhs, operation="taylor", check=t.check
    )  # claims order 3 but is only order 2
    v = wrong.verify()
    assert not v.passed
    off = sm.Derivation(
        t.result + x**3 / 100, t.wrt, t.steps, t.lhs, operation="taylor", check=t.check
    )
    assert not off.verify()


def test_taylor_bad_input() -> None:
    with pytest.raises(ValueError, match="'y' does not occur"):
        sm.taylor("exp(x)", "y")
    with pytest.raises(ValueError, match="order must be a non-negative integer"):
        sm.taylor("exp(x)", "x", 0, -1)
    with pytest.raises(ValueError, match="scalar"):
        sm.taylor("[[x, 1], [2, x]]", "x")
    with pytest.raises(ValueError, match="one variable"):
        sm.taylor("x*y", "x, y")
    with pytest.raises(ValueError, match="no Taylor expansion"):
        sm.taylor("log(x)", "x", 0)
    with pytest.raises(ValueError, match="finite point"):
        sm.taylor("exp(-x)", "x", "oo")
    with pytest.raises(ValueError, match="must not contain the variable x"):
        sm.taylor("exp(x)", "x", "x + 1")


# --- Taylor polynomials where f is not differentiable ---------------------------------


@pytest.mark.parametrize(
    ("f", "at", "order", "error", "match"),
    [
        ("abs(x)", 0, 3, ValueError, "Abs\\(x\\) is not differentiable at x = 0"),
        ("sign(x)", 0, 3, ValueError, "sign\\(x\\) is not continuous at x = 0"),
        ("x*abs(x)", 0, 2, ValueError, "not differentiable twice at x = 0"),
        ("relu(x)", 0, 2, ValueError, "is not differentiable at x = 0"),
        ("Max(x, 1 - x)", "1/2", 1, ValueError, "not differentiable at x = 1/2"),
        ("floor(x)", "1/2", 3, NotSupportedError, "SymPy cannot differentiate floor\\(x\\) once"),
    ],
)
def test_taylor_refuses_non_differentiable_points(
    f: str, at: object, order: int, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        sm.taylor(f, "x", at, order)


@pytest.mark.parametrize(
    ("f", "at", "order", "known"),
    [
        ("abs(x)", 1, 3, "x"),
        ("abs(x)", -2, 2, "-x"),
        ("x*abs(x)", 0, 1, "0"),
        ("x^3*abs(x)", 0, 3, "0"),
        ("relu(x)", 1, 2, "x"),
    ],
)
def test_taylor_of_non_smooth_functions_away_from_the_kink(
    f: str, at: float, order: int, known: str
) -> None:
    t = sm.taylor(f, "x", at, order)
    assert sympy.simplify(t.result - sm.parse(known)) == 0
    fn = sm.to_numpy(sm.parse(f), [x])
    h = 1e-2
    assert abs(fn(at + h) - float(t.result.subs(x, at + h))) <= 10 * h ** (order + 1)
    assert t.verify(rng=0)


def test_a_sympy_failure_in_a_taylor_coefficient_is_a_derivation_limit() -> None:
    """SymPy's limit raises NotImplementedError for besselj(1/x, x) at 0 (where the value
    needs a limit): that is a library limit (NoClosedFormError, CLI exit 3), not a raw
    NotImplementedError."""
    t = sympy.Symbol("x", real=True)
    with pytest.raises(NoClosedFormError, match="SymPy failed on the limit of besselj"):
        sm.taylor(sympy.besselj(1 / t, t), t, 0, 2)
    assert sympy.besselj(1 / t, t).subs(t, 0).has(sympy.zoo)  # why a limit is needed


@pytest.mark.parametrize(
    ("f", "at", "g"),
    [
        ("exp(x)", 20, lambda v, a: mpmath.exp(v)),  # e^(10^20): no float holds it
        ("sin(x)", 70, lambda v, a: mpmath.sin(v)),  # a step of 2^-8 from 10^70 needs 80 digits
        ("exp(x/10**400)", 400, lambda v, a: mpmath.exp(v / a)),
    ],
)
def test_taylor_at_a_point_beyond_floats_verifies(
    f: str, at: int, g: Callable[[Any, Any], Any]
) -> None:
    t = sm.taylor(f, "x", f"10**{at}", 2)
    assert t.verify(rng=0)
    point = sympy.Integer(10) ** at
    wrong = sm.Derivation(
        t.result * (1 + (x - point) ** 2 / 100),
        t.wrt,
        t.steps,
        t.lhs,
        operation="taylor",
        check=t.check,
    )
    assert not wrong.verify(rng=0)
    with mpmath.workdps(500):  # mpmath's own Taylor coefficients, at a + 1/16
        a, h = mpmath.mpf(10) ** at, mpmath.mpf(1) / 16
        coefficients = mpmath.taylor(lambda v: g(v, a), a, 2)
        reference = sum(c * h**k for k, c in enumerate(coefficients))
        ours = t.result.evalf(
            50, subs={x: sympy.Float(point, 500) + sympy.Rational(1, 16)}, maxn=600
        )
        assert abs(mpmath.mpf(str(ours)) / reference - 1) < 1e-30
        assert abs(g(a + h, a) - reference) < 2 * h**3 * abs(reference)  # T is close to f


def test_an_absurd_order_is_refused_up_front(cli: Cli) -> None:
    """order 1000000 ran 10.8 s and timed out; it is refused at once (issue 16 item 5)."""
    assert sm.taylor("exp(x)", "x", 0, MAX_TAYLOR_ORDER).result.coeff(x, MAX_TAYLOR_ORDER) != 0
    with pytest.raises(ValueError, match=f"order 1000000 is above .*\\({MAX_TAYLOR_ORDER}\\)"):
        sm.taylor("exp(x)", "x", 0, 1_000_000)
    t0 = time.perf_counter()
    code, out, err = cli("taylor", "exp(x)", "--order", "1000000")
    assert code == 2 and out == "" and "order 1000000 is above" in err
    assert time.perf_counter() - t0 < 5
