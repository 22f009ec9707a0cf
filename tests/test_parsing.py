"""The safe parser: hostile strings are rejected without side effects; valid ones parse."""

from __future__ import annotations

import builtins
import os

import pytest
import sympy

import symml as sm
from symml.parsing import _parse_cached

x, y, z = sympy.symbols("x y z", real=True)

HOSTILE = [
    "__import__('os').system('id')",
    "__import__",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__dict__",
    "x.real",
    "lambda: 0",
    "(lambda: 0)()",
    "[c for c in ()]",
    "{c for c in ()}",
    "(c for c in ())",
    "{'a': 1}",
    "open('f')",
    "exec('1')",
    "eval('1')",
    "compile('1', 'f', 'eval')",
    "globals()",
    "getattr(x, 'y')",
    "sin(x=1)",
    "sin(*x)",
    "x[0]",
    "x if y else z",
    "x == y",
    "x and y",
    "not x",
    "x @ y",
    "x % y",
    "x // y",
    "x << 2",
    "~x",
    "(x := 3)",
    "'abc'",
    "b'abc'",
    "f'{x}'",
    "x; y",
    "x\ny",
    "import os",
    "1j",
    "True",
    "None",
    "...",
    "__builtins__",
    "_private",
    "x$y",
    "x ? y",
    "a\x00b",
    "(" * 5000 + "x" + ")" * 5000,
    "x" + "+x" * 30000,
    "-" * 200 + "x",
    "2x",
    "x y",
    "sin(x)(y)",
    "[[1, 2], [3]]",
    "[[1, 2], 3]",
    "[]",
    "",
    "   ",
    "f(x)",
    "sin(x, y)",
    "log()",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_are_rejected(text: str) -> None:
    before = set(os.listdir("."))
    with pytest.raises(sm.ParseError) as info:
        sm.parse(text)
    assert isinstance(info.value, ValueError)
    assert str(info.value)
    assert set(os.listdir(".")) == before  # no file was created (e.g. by open())


def test_at_least_thirty_hostile_strings() -> None:
    assert len(HOSTILE) >= 30


def test_no_builtin_was_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    for name in ("eval", "exec", "open", "__import__", "compile", "getattr"):
        original = getattr(builtins, name)

        def spy(*a: object, _n: str = name, _o: object = original, **k: object) -> object:
            calls.append(_n)
            return _o(*a, **k)  # type: ignore[operator]

        monkeypatch.setattr(builtins, name, spy)
    _parse_cached.cache_clear()
    for text in ("__import__('os').system('id')", "open('f')", "eval('1')", "exec('x=1')"):
        with pytest.raises(sm.ParseError):
            sm.parse(text)
    monkeypatch.undo()
    assert not {"eval", "exec", "open"} & set(calls)


VALID = [
    ("x^2*sin(x)", x**2 * sympy.sin(x)),
    ("x**2*y + y**3", x**2 * y + y**3),
    ("-x^2", -(x**2)),
    ("2^3^2", sympy.Integer(512)),
    ("x^-1", 1 / x),
    ("(x + 1)*(x - 1)", (x + 1) * (x - 1)),
    ("exp(-x^2/2)/sqrt(2*pi)", sympy.exp(-(x**2) / 2) / sympy.sqrt(2 * sympy.pi)),
    ("log(x)", sympy.log(x)),
    ("log(x, 2)", sympy.log(x, 2)),
    ("ln(x)", sympy.log(x)),
    ("abs(x) + sign(y)", sympy.Abs(x) + sympy.sign(y)),
    ("tanh(x) + cosh(y) + sinh(z)", sympy.tanh(x) + sympy.cosh(y) + sympy.sinh(z)),
    ("asin(x) + acos(x) + atan(x) + tan(x)",
     sympy.asin(x) + sympy.acos(x) + sympy.atan(x) + sympy.tan(x)),
    ("erf(x) + gamma(y)", sympy.erf(x) + sympy.gamma(y)),
    ("sigmoid(x)", 1 / (1 + sympy.exp(-x))),
    ("relu(x)", sympy.Max(0, x)),
    ("softplus(x)", sympy.log(1 + sympy.exp(x))),
    ("Max(x, y, 1) + Min(x, 2)", sympy.Max(x, y, 1) + sympy.Min(x, 2)),
    ("floor(x) + ceiling(y)", sympy.floor(x) + sympy.ceiling(y)),
    ("pi + e + E", sympy.pi + 2 * sympy.E),
    ("oo", sympy.oo),
    ("-inf", -sympy.oo),
    ("x_1 + alpha2", sympy.Symbol("x_1", real=True) + sympy.Symbol("alpha2", real=True)),
    ("3/4", sympy.Rational(3, 4)),
    ("1.5*x", sympy.Float(1.5) * x),
    ("1e-3", sympy.Float("0.001")),
    ("+x", x),
    ("((x))", x),
    ("[[1, 2], [3, 4]]", sympy.Matrix([[1, 2], [3, 4]])),
    ("[x, y]", sympy.Matrix([x, y])),
    ("[[x*y, x + y]]", sympy.Matrix([[x * y, x + y]])),
    ("[[1, 0], [0, 1]] * [x, y]", sympy.Matrix([x, y])),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_strings(text: str, expected: object) -> None:
    got = sm.parse(text)
    if isinstance(expected, sympy.MatrixBase):
        assert isinstance(got, sympy.MatrixBase)
        assert got.shape == expected.shape
        assert (sympy.Matrix(got) - expected).is_zero_matrix
    else:
        assert got == expected
        assert got.free_symbols == expected.free_symbols


def test_symbols_are_real_by_default() -> None:
    assert sm.parse("x").is_real
    assert sm.symbols("a").is_real
    a, b = sm.symbols("a b", positive=True)
    assert a.is_positive and b.is_positive
    assert sm.symbols("c", real=None).is_real is None


def test_wrt_keeps_a_users_symbol() -> None:
    t = sympy.Symbol("t", positive=True)
    expr = sm.parse("t^2 + s", wrt=[t])
    assert t in expr.free_symbols
    assert sympy.sqrt(expr.subs(sympy.Symbol("s", real=True), 0)) == t


@pytest.mark.parametrize(
    ("text", "column", "token"),
    [
        ("2x", 2, "x"),
        ("x + 3y", 6, "y"),
        ("x y", 3, "y"),
        ("(x+1)(x-1)", 6, "("),
        ("x^2 + 2z", 8, "z"),
    ],
)
def test_implicit_multiplication_names_column_and_suggests_star(text: str, column: int, token: str) -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse(text)
    err = info.value
    assert err.position == column
    assert err.token == token
    assert "*" in str(err) and "implicit multiplication" in str(err)


def test_error_position_of_attribute_and_unknown_function() -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse("x + foo(y)")
    assert info.value.position == 5
    assert info.value.token == "foo"
    with pytest.raises(sm.ParseError) as info:
        sm.parse("1 + x.y")
    assert info.value.position == 5


def test_column_accounts_for_caret() -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse("x^2^3 + 4w")
    assert info.value.position == 10


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        sm.parse(b"x")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sm.parse(3)  # type: ignore[arg-type]


def test_parse_returns_fresh_matrices() -> None:
    m = sm.parse("[[1, 2], [3, 4]]")
    m[0, 0] = 99
    assert sm.parse("[[1, 2], [3, 4]]")[0, 0] == 1
