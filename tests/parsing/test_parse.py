"""The safe parser: hostile strings are rejected without side effects; valid ones parse."""

from __future__ import annotations

import ast
import builtins
import math
import os
import re

import numpy as np
import pytest
import sympy

import symml as sm
from symml.parsing import _parse_cached
from tests.helpers import Cli

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
    # resource exhaustion: each would build an exact number of millions of digits (or hang)
    "9**9**9",
    "10**10**10",
    "2**10**8",
    "2^10^8",
    "gamma(10**7)",
    "gamma(2001/2)",
    "exp(10**8*log(2))",
    "e**(10**8*log(2))",
    "exp(x + 10**8*log(2))",
    "(2*x)**10**8",
    "sqrt(2)**10**8",
    "2**(10**8/3)",
    "(1/3)**10**7",
    "*".join(["10**999"] * 30),
    "1" + "0" * 1500,
    "(" * 150 + "x" + ")" * 150,
    "sin(" * 101 + "x" + ")" * 101,
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


SPIED = ("eval", "exec", "open", "__import__", "compile", "getattr")


def test_no_builtin_was_reached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple[object, ...], dict[str, object]]] = []
    active = [False]  # record only inside sm.parse (pytest itself imports lazily)
    for name in SPIED:
        original = getattr(builtins, name)

        def spy(*a: object, _n: str = name, _o: object = original, **k: object) -> object:
            if active[0]:
                calls.append((_n, a, k))
            return _o(*a, **k)  # type: ignore[operator]

        monkeypatch.setattr(builtins, name, spy)
    _parse_cached.cache_clear()
    texts = (
        "__import__('os').system('id')",
        "open('f')",
        "eval('1')",
        "exec('x=1')",
        "__import__(os)",
        "open(f)",
        "eval(x)",
        "exec(x)",
        "compile(x)",
        "getattr(x, y)",
        "x.__class__",
        "().__class__.__bases__",
    )
    errors = []
    for text in texts:
        active[0] = True
        try:
            sm.parse(text)
        except sm.ParseError as exc:
            errors.append(exc)
        finally:
            active[0] = False
    monkeypatch.undo()
    assert len(errors) == len(texts)
    # none of the six spied builtins was reached, except ast.parse's compile, and that one
    # only to a syntax tree (PyCF_ONLY_AST), never to code
    assert {name for name, _, _ in calls} <= {"compile"}, calls
    assert all(
        (a[3] if len(a) > 3 else k.get("flags", 0)) & ast.PyCF_ONLY_AST for _, a, k in calls
    ), calls


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
    (
        "asin(x) + acos(x) + atan(x) + tan(x)",
        sympy.asin(x) + sympy.acos(x) + sympy.atan(x) + sympy.tan(x),
    ),
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
def test_implicit_multiplication_names_column_and_suggests_star(
    text: str, column: int, token: str
) -> None:
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


# --- flat chains, number sizes, messages --------------------------------------


def test_flat_sum_over_a_hundred_terms_parses() -> None:
    names = sympy.symbols("x0:101", real=True)
    got = sm.parse("+".join(f"x{i}" for i in range(101)))
    assert got == sympy.Add(*names)
    value = sm.to_numpy(got, names)(*range(101))
    assert float(value) == sum(range(101))


def test_sympys_own_expanded_output_parses_back() -> None:
    expanded = sympy.expand((x + y + z + 1) ** 7)
    got = sm.parse(str(expanded))
    assert sympy.expand(got - expanded) == 0
    at = {x: 0.3, y: -1.1, z: 0.7}
    assert float(got.subs(at)) == pytest.approx((0.3 - 1.1 + 0.7 + 1) ** 7, rel=1e-12)


@pytest.mark.parametrize("op", ["+", "-", "*"])
def test_five_thousand_term_chains_parse_without_recursion_error(op: str) -> None:
    text = op.join(["x", "y"] * 2500)
    got = sm.parse(text)
    f = sm.to_numpy(got, [x, y])
    want = {
        "+": 2500 * (1.01 + 0.99),
        "-": 1.01 - 2499 * 1.01 - 2500 * 0.99,  # x - y - x - y ...: one x, minus the rest
        "*": (1.01 * 0.99) ** 2500,
    }[op]
    assert float(f(1.01, 0.99)) == pytest.approx(want, rel=1e-9)


def test_long_sum_inside_a_call_and_parentheses_parses() -> None:
    terms = "+".join(f"{i}*x" for i in range(1, 3001))
    got = sm.parse(f"sigmoid(({terms})/(2*y))")
    total = 3000 * 3001 // 2
    assert float(got.subs({x: 1e-6, y: 1.0})) == pytest.approx(1 / (1 + np.exp(-total * 1e-6 / 2)))


def test_real_nesting_is_still_bounded() -> None:
    with pytest.raises(sm.ParseError, match="nesting deeper than 100"):
        sm.parse("sin(" * 101 + "x" + ")" * 101)
    assert sm.parse("sin(" * 99 + "x" + ")" * 99).free_symbols == {x}
    with pytest.raises(sm.ParseError, match="longer than"):
        sm.parse("x+" * 10001 + "x")


@pytest.mark.parametrize(
    "text",
    ["9**9**9", "10**10**10", "gamma(10**7)", "2**10**8", "exp(10**8*log(2))", "(2*x)**10**8"],
)
def test_huge_numbers_are_refused_quickly(text: str) -> None:
    import time

    start = time.monotonic()
    with pytest.raises(sm.ParseError, match="digits"):
        sm.parse(text)
    assert time.monotonic() - start < 5.0  # a bound, not a speed test: they used to hang


def test_moderate_numbers_still_evaluate() -> None:
    assert sm.parse("2**100") == 2**100
    assert sm.parse("gamma(10)") == 362880
    assert sm.parse("exp(3*log(2))") == 8
    assert sm.parse("x**(10**8)") == x**100000000  # symbolic: no big number is built
    assert float(sm.parse("gamma(1000.5)")) == pytest.approx(
        float(sympy.gamma(sympy.Float(1000.5)))
    )
    # (both sides above are inf: Γ(1000.5) ≈ 1.27e2566 is past any float) so the value is
    # checked by its logarithm against math.lgamma
    big = sm.parse("gamma(1000.5)")
    assert big.is_Float and float(sympy.log(big)) == pytest.approx(math.lgamma(1000.5), rel=1e-13)


@pytest.mark.parametrize(
    ("text", "log10_value"),
    [
        ("pi**3000", 3000 * math.log10(math.pi)),
        ("(1 + sqrt(2))**3000", 3000 * math.log10(1 + math.sqrt(2))),
        ("log(2)**-10000", -10000 * math.log10(math.log(2))),
    ],
)
def test_powers_sympy_leaves_unevaluated_are_not_refused(text: str, log10_value: float) -> None:
    # no exact number is built for these (they stay powers): only rational factors and
    # rational powers of rationals (sqrt(2)**n is 2**(n/2)) count towards the digit limit
    value = sm.parse(text)
    assert value.is_Pow and value.free_symbols == set()
    assert float(sympy.log(value, 10).evalf(30)) == pytest.approx(log10_value, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("gamma(10**20)", "gamma() would be an exact number of astronomically many digits"),
        ("2**10**8", "the power would be an exact number of about 3.01e+07 digits"),
    ],
)
def test_huge_number_message_reads(text: str, words: str) -> None:
    # 2**(10**8) has floor(10**8 log10 2) + 1 = 30102999 + 1 digits
    assert math.floor(10**8 * math.log10(2)) + 1 == 30_103_000
    with pytest.raises(sm.ParseError, match=re.escape(words)):
        sm.parse(text)


@pytest.mark.parametrize(
    ("text", "column", "token", "words"),
    [
        ("0777", 1, "0777", "leading zeros"),
        ("x + 1..2", 5, "1..2", "not a number"),
        ("α + 1", 1, "α", "spell 'α' as 'alpha'"),
        ("2*λ", 3, "λ", "'lam'"),
        ("x % y", 3, "%", "only + - * / ** ^"),
        ("x^2 // y", 5, "//", "only + - * / ** ^"),
        ("x^2 + y.z", 7, "y.z", "attribute"),
        ("x^(y.z)", 4, "y.z", "attribute"),
    ],
)
def test_parse_messages_point_at_the_users_text(
    text: str, column: int, token: str, words: str
) -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse(text)
    assert info.value.position == column
    assert info.value.token == token
    assert words in str(info.value)
    assert "*" + "*" not in info.value.token or "**" in text  # the user's ^, not **


def test_error_token_shows_caret_as_typed() -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse("x^2 + [1, 2]")
    assert info.value.token == "x^2 + [1, 2]"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("sin x", "write sin(x)"),
        ("2*sqrt x", "write sqrt(x)"),
        ("x*lambda", "'lambda' is a Python keyword"),
        ("lambda + 1", "'lambda' is a Python keyword"),
        ("x^^2", "two operators"),
        ("x**/2", "two operators"),
    ],
)
def test_messages_suggest_what_was_meant(text: str, words: str) -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse(text)
    assert words in str(info.value)


@pytest.mark.parametrize("text", ["nan", "x + NaN", "zoo*x", "[[1, nan], [0, 1]]"])
def test_names_of_non_numbers_are_refused(text: str) -> None:
    """A symbol called nan would print as 'nan' and pass for a numeric failure."""
    with pytest.raises(sm.ParseError, match="is not a value symml takes") as info:
        sm.parse(text)
    assert info.value.token in ("nan", "NaN", "zoo")
    assert sm.parse("nanx") == sympy.Symbol("nanx", real=True)  # a longer name is a name


# --- messages that pointed the wrong way (issue 16 item 15) ---------------------------------


@pytest.mark.parametrize(
    ("text", "says", "column"),
    [
        ("(lambda: 1)()", "lambda expressions are not allowed", 2),
        ("(lambda x: x)(2)", "lambda expressions are not allowed", 2),
        ("(1 if x else 2)(3)", "conditional expressions are not allowed", 2),
        ("x.real()", "attribute access is not allowed", 1),
        ("1" * 5000, "a number of 5000 digits (at most 1000 allowed)", 1),
        ("2*" + "9" * 1200 + "*x", "a number of 1200 digits", 3),
    ],
)
def test_the_message_names_the_construct(text: str, says: str, column: int) -> None:
    with pytest.raises(sm.ParseError) as info:
        sm.parse(text)
    message = str(info.value)
    assert says in message and info.value.position == column
    assert "implicit multiplication" not in message and "set_int_max_str_digits" not in message


def test_a_product_of_brackets_still_suggests_a_star() -> None:
    with pytest.raises(sm.ParseError, match=r"implicit multiplication .* write \)\*\("):
        sm.parse("(x)(y)")


def test_the_cli_says_it_too(cli: Cli) -> None:
    code, out, err = cli("diff", "(lambda: 1)()", "--wrt", "x")
    assert code == 2 and out == "" and "lambda expressions are not allowed" in err
    code, _, err = cli("diff", "1" * 5000 + "*x")
    assert code == 2 and "a number of 5000 digits" in err and "sys." not in err
    code, _, err = cli("diff", "0/0")
    assert code == 2 and "gradient" not in err


# --- 'e' read as Euler's number where a variable is likely (issue 16 item 6) ---------------


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("[[a,b,c],[d,e,f],[g,h,i]]", [13]),
        ("a*e + b", [3]),
        ("e*x", [1]),
        ("e**x + e^2 + log(e) + e + 1", []),
        ("exp(x) + E*x", []),
    ],
)
def test_euler_columns(text: str, columns: list[int]) -> None:
    assert sm.parsing.euler_columns(text) == columns


def test_the_cli_notes_e_read_as_eulers_number(cli: Cli) -> None:
    code, out, err = cli("linalg", "inverse", "[[a,b,c],[d,e,f],[g,h,i]]")
    assert code == 0 and "E*" in out
    assert err.strip() == (
        "symml: note: 'e' at column 13 of the matrix is Euler's number e = 2.718..., "
        "not a variable (name a variable e.g. e1)"
    )
    code, _, err = cli("diff", "exp(x) + e**x", "--wrt", "x")
    assert code == 0 and err == ""
