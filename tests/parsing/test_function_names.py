"""The parser's table of function names: the functions antiderivatives are written with
parse, and every function symml can print parses back to itself."""

from __future__ import annotations

import pytest
import sympy

import symml as sm
from symml.parsing import FUNCTIONS

x, y = sympy.symbols("x y", real=True)

#: The names issue 17 asks for: what SymPy integrates to, and what users type.
ASKED = [
    "sec",
    "csc",
    "cot",
    "sech",
    "csch",
    "coth",
    "asinh",
    "acosh",
    "atanh",
    "erfc",
    "erfi",
    "Ei",
    "li",
    "Si",
    "Ci",
]


@pytest.mark.parametrize("name", ASKED)
def test_the_names_users_type_are_functions(name: str) -> None:
    assert name in FUNCTIONS
    assert sm.parse(f"{name}(x)") == FUNCTIONS[name][0](x)


def _call(name: str) -> sympy.Expr:
    """The function ``name`` applied to arguments it keeps unevaluated."""
    fn, lo, _ = FUNCTIONS[name]
    args = (x, y) if lo == 1 else (sympy.Rational(3, 2), x)
    return fn(*args[:lo]) if lo == 2 else fn(x)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_prints_and_parses_back(name: str) -> None:
    expr = _call(name)
    assert sm.parse(str(expr), wrt=[x, y]) == expr


@pytest.mark.parametrize(
    "text",
    [
        "sec(x)**2 + csc(x)*cot(x)",
        "erfi(2*x) - erfc(x/3) + Ei(-x) + li(x)",
        "Si(x)*Ci(x) + Shi(x) - Chi(x)",
        "polylog(2, 1 - x) + fresnels(x) + fresnelc(x)",
        "uppergamma(1/2, x) + lowergamma(3/2, x) + expint(2, x)",
        "asinh(x) + acosh(x + 2) + atanh(x/3) + acoth(x + 2) + asech(x/3) + acsch(x)",
        "atan2(y, x) + LambertW(x) + loggamma(x + 1) + besselj(0, x)",
    ],
)
def test_expressions_of_them_round_trip(text: str) -> None:
    expr = sm.parse(text)
    assert sm.parse(str(expr), wrt=sorted(expr.free_symbols, key=str)) == expr


@pytest.mark.parametrize(
    "text",
    [
        "loggamma(10**6)",
        "polylog(10**5, 1)",
        "expint(-10**5, 1)",
        "lowergamma(10**6, 1)",
        "uppergamma(10**5, 1)",
    ],
)
def test_huge_orders_are_refused_like_huge_numbers(text: str) -> None:
    # each would make SymPy build an exact number of hundreds of thousands of digits
    with pytest.raises(sm.ParseError, match="digits"):
        sm.parse(text)


def test_the_names_must_be_called() -> None:
    with pytest.raises(sm.ParseError, match="must be called"):
        sm.parse("sec + 1")
