"""Integrals: a known-answer table checked against scipy quadrature, steps, the numeric
fallback (with a real SymPy hang), the antiderivative check, and bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy
from scipy import integrate as scipy_integrate

import symml as sm
from symml.errors import DerivationTimeout, NoClosedFormError

x, y = sm.symbols("x y")
pi, S = sympy.pi, sympy.S

#: (name, integrand, bounds (innermost first), known value, method SymPy reaches)
TABLE = [
    ("gaussian", "exp(-x^2)", [("x", "-oo", "oo")], sympy.sqrt(pi), "symbolic"),
    ("gaussian 2nd moment", "x^2*exp(-x^2)", [("x", "-oo", "oo")], sympy.sqrt(pi) / 2, "symbolic"),
    (
        "gaussian 4th moment",
        "x^4*exp(-x^2/2)",
        [("x", "-oo", "oo")],
        3 * sympy.sqrt(2 * pi),
        "symbolic",
    ),
    ("normal density", "exp(-x^2/2)/sqrt(2*pi)", [("x", "-oo", "oo")], S(1), "symbolic"),
    ("normal variance", "x^2*exp(-x^2/2)/sqrt(2*pi)", [("x", "-oo", "oo")], S(1), "symbolic"),
    ("half-line first moment", "x*exp(-x^2)", [("x", 0, "oo")], S(1) / 2, "symbolic"),
    ("Gamma(4)", "x^3*exp(-x)", [("x", 0, "oo")], S(6), "symbolic"),
    ("Gamma(7/2)", "x^(5/2)*exp(-x)", [("x", 0, "oo")], 15 * sympy.sqrt(pi) / 8, "symbolic"),
    ("Gamma(1/2)", "exp(-x)/sqrt(x)", [("x", 0, "oo")], sympy.sqrt(pi), "symbolic"),
    ("Gamma(5)/2^5", "x^4*exp(-2*x)", [("x", 0, "oo")], S(3) / 4, "symbolic"),
    ("B(3, 4)", "x^2*(1-x)^3", [("x", 0, 1)], S(1) / 60, "symbolic"),
    ("B(2, 3/2)", "x*sqrt(1-x)", [("x", 0, 1)], S(4) / 15, "symbolic"),
    ("B(1/2, 1/2)", "1/sqrt(x*(1-x))", [("x", 0, 1)], pi, "symbolic"),
    ("22/7 - pi", "x^4*(1-x)^4/(1+x^2)", [("x", 0, 1)], S(22) / 7 - pi, "symbolic"),
    ("sin^2", "sin(x)^2", [("x", 0, "pi")], pi / 2, "symbolic"),
    ("sin", "sin(x)", [("x", 0, "pi")], S(2), "symbolic"),
    ("cos^4", "cos(x)^4", [("x", 0, "pi/2")], 3 * pi / 16, "symbolic"),
    ("x sin x", "x*sin(x)", [("x", 0, "pi")], pi, "symbolic"),
    ("1/(2 + cos x)", "1/(2+cos(x))", [("x", 0, "2*pi")], 2 * pi / sympy.sqrt(3), "symbolic"),
    ("Cauchy", "1/(1+x^2)", [("x", "-oo", "oo")], pi, "symbolic"),
    ("squared Cauchy", "1/(1+x^2)^2", [("x", 0, "oo")], pi / 4, "symbolic"),
    ("rational with log", "(2*x+3)/(x^2+3*x+2)", [("x", 0, 1)], sympy.log(3), "symbolic"),
    ("improper 1/x^2", "1/x^2", [("x", 1, "oo")], S(1), "symbolic"),
    ("improper log", "log(x)", [("x", 0, 1)], S(-1), "symbolic"),
    ("improper 1/sqrt(x)", "1/sqrt(x)", [("x", 0, 1)], S(2), "symbolic"),
    ("exponential", "exp(-x)", [("x", 0, "oo")], S(1), "symbolic"),
    ("rectangle x*y", "x*y", [("x", 0, 1), ("y", 0, 2)], S(1), "symbolic"),
    ("rectangle x^2 + y^2", "x^2+y^2", [("x", 0, 1), ("y", 0, 1)], S(2) / 3, "symbolic"),
    ("rectangle sin*cos", "sin(x)*cos(y)", [("x", 0, "pi"), ("y", 0, "pi/2")], S(2), "symbolic"),
    ("quadrant exp", "exp(-x-y)", [("x", 0, "oo"), ("y", 0, "oo")], S(1), "symbolic"),
    (
        "Bose-Einstein (no closed form in SymPy)",
        "x^3/(exp(x)-1)",
        [("x", 0, "oo")],
        pi**4 / 15,
        "numeric",
    ),
]


def _number(text: str) -> float:
    return float(sm.parse(text)) if isinstance(text, str) else float(text)


def _scipy_value(f: sympy.Expr, bounds: list[tuple]) -> float:
    """The integral by scipy.integrate.quad (one variable) or dblquad (two)."""
    if len(bounds) == 1:
        fn = sm.to_numpy(f, [x])
        with np.errstate(over="ignore"):
            value, _ = scipy_integrate.quad(
                lambda t: float(fn(t)), _number(bounds[0][1]), _number(bounds[0][2]), limit=200
            )
        return value
    fn = sm.to_numpy(f, [x, y])
    (_, a, b), (_, c, d) = bounds
    value, _ = scipy_integrate.dblquad(
        lambda inner, outer: float(fn(inner, outer)), _number(c), _number(d), _number(a), _number(b)
    )
    return value


@pytest.mark.parametrize(
    ("name", "f", "bounds", "known", "method"), TABLE, ids=[row[0] for row in TABLE]
)
def test_known_integrals(name: str, f: str, bounds: list, known: sympy.Expr, method: str) -> None:
    d = sm.integral(f, *bounds, steps=False)
    assert d.method == method
    if method == "symbolic":
        assert sympy.simplify(d.result - known) == 0, (name, d.result)
    else:
        assert d.error is not None and d.error < 1e-6
    assert abs(float(d.result) - float(known)) <= 1e-8 * max(1.0, abs(float(known)))
    reference = _scipy_value(sm.parse(f), bounds)
    assert abs(reference - float(known)) <= 1e-7 * max(1.0, abs(float(known))), (name, reference)


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 25
    assert sum(len(row[2]) > 1 for row in TABLE) >= 3


@pytest.fixture(scope="module")
def gaussian() -> sm.Derivation:
    return sm.integral("exp(-x^2)", ("x", "-oo", "oo"))


def test_gaussian_steps_show_antiderivative_and_limits(gaussian: sm.Derivation) -> None:
    assert gaussian.result == sympy.sqrt(pi)
    titles = [s.title for s in gaussian.steps]
    assert titles == ["integral", "antiderivative in x", "limits at the bounds"]
    assert r"\operatorname{erf}" in gaussian.steps[1].latex
    assert r"\lim_{x \to \infty} F" in gaussian.steps[2].latex
    assert gaussian.latex(steps=False).endswith(r"= \sqrt{\pi}")
    assert gaussian.verify()


def test_definite_steps_evaluate_at_the_bounds() -> None:
    d = sm.integral("x*y", ("x", 0, 1), ("y", 0, 2))
    titles = [s.title for s in d.steps]
    assert titles == [
        "integral",
        "antiderivative in x",
        "evaluate at the bounds",
        "antiderivative in y",
        "evaluate at the bounds",
    ]
    assert r"F(1) - F(0)" in d.steps[2].latex and r"\frac{y}{2}" in d.steps[2].latex
    assert d.result == 1
    v = d.verify()
    assert v.passed and v.method == "quadrature"


def test_an_antiderivative_that_disagrees_is_not_shown_as_F_b_minus_F_a() -> None:
    from symml.calculus.integrals import _level_steps
    from symml.deadline import Deadline

    g = 1 / (2 + sympy.cos(x))
    jumpy = 2 * sympy.sqrt(3) * sympy.atan(sympy.sqrt(3) * sympy.tan(x / 2) / 3) / 3
    value = 2 * pi / sympy.sqrt(3)
    steps = _level_steps(g, (x, S(0), 2 * pi), value, Deadline(5), jumpy)
    assert [s.title for s in steps] == ["definite integral in x"]
    good = _level_steps(
        g, (x, S(0), pi / 2), sympy.integrate(g, (x, 0, pi / 2)), Deadline(5), jumpy
    )
    assert [s.title for s in good] == ["antiderivative in x", "evaluate at the bounds"]


def test_parameters_in_the_integrand_are_checked_at_random_values() -> None:
    d = sm.integral("exp(-x^2/(2*s^2))", ("x", "-oo", "oo"))
    s = sm.symbols("s")
    assert d.wrt == (s,)
    value = sympy.sympify(d.result).subs(s, 1.5)
    assert abs(float(value) - float(sympy.sqrt(2 * pi) * 1.5)) < 1e-10
    v = d.verify(rng=1)
    assert v.passed and v.points == 3


def test_dependent_bounds_symbolic_and_numeric_agree() -> None:
    exact = sm.integral("x", ("x", 0, "y"), ("y", 0, 1))
    numeric = sm.integral("x", ("x", 0, "y"), ("y", 0, 1), method="numeric")
    assert exact.result == S(1) / 6
    assert numeric.method == "numeric" and abs(float(numeric.result) - 1 / 6) < 1e-10
    assert numeric.verify()


def test_numeric_iterated_with_infinite_bound() -> None:
    d = sm.integral("x^3/(exp(x)-1)*y", ("x", 0, "oo"), ("y", 0, 1), method="numeric")
    assert abs(float(d.result) - float(pi**4 / 30)) < 1e-7
    assert d.error is not None and d.error < 1e-6


# --- indefinite ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "known"),
    [
        ("x*cos(x)", "x*sin(x) + cos(x)"),
        ("1/(1+x^2)", "atan(x)"),
        ("x*exp(x)", "(x - 1)*exp(x)"),
        ("2*x*y", "x^2*y"),
    ],
)
def test_indefinite_matches_and_verifies(f: str, known: str) -> None:
    d = sm.integral(f, "x")
    assert sympy.simplify(d.result - sm.parse(known)) == 0
    assert "+ C" in d.steps[-1].latex
    v = d.verify(rng=0)
    assert v.passed and v.method == "central differences"


def test_indefinite_iterated_verifies() -> None:
    d = sm.integral("x*y^2", "x", "y")
    assert sympy.simplify(d.result - x**2 * y**3 / 6) == 0
    assert d.verify(rng=0)


def test_antiderivative_check_catches_a_wrong_result() -> None:
    d = sm.integral("x*cos(x)", "x")
    wrong = sm.Derivation(
        d.result + x**2, d.wrt, d.steps, d.lhs, operation="integral", check=d.check
    )
    assert not wrong.verify(rng=0)


def test_definite_check_catches_a_wrong_value(gaussian: sm.Derivation) -> None:
    wrong = sm.Derivation(
        gaussian.result * 1.001,
        (),
        gaussian.steps,
        gaussian.lhs,
        operation="integral",
        check=gaussian.check,
    )
    assert not wrong.verify()


def test_indefinite_without_closed_form_raises_naming_the_integrand() -> None:
    with pytest.raises(NoClosedFormError, match=r"sin\(sin\(x\)\)"):
        sm.integral("sin(sin(x))", "x")


# --- SymPy hangs (sympy/sympy#15227: integrate(log(1-x)*log((1+x)**2)/x, (x, 0, 1))) ------

HANGING = "log(1-x)*log((1+x)**2)/x"


def test_hanging_integral_falls_back_to_quadrature_in_time() -> None:
    start = time.monotonic()
    d = sm.integral(HANGING, ("x", 0, 1), timeout=1.5)
    elapsed = time.monotonic() - start
    assert elapsed < 1.5 + 2.0
    assert d.method == "numeric"
    assert d.error is not None and d.error < 1e-6
    assert abs(float(d.result) - float(-5 * sympy.zeta(3) / 4)) < 1e-8
    assert "numeric quadrature" in d.steps[-1].title
    assert "numeric" in d.latex(steps=False)
    assert d.verify()


def test_hanging_indefinite_raises_no_closed_form_in_time() -> None:
    start = time.monotonic()
    with pytest.raises(NoClosedFormError, match=r"log\(1 - x\)"):
        sm.integral(HANGING, "x", timeout=1)
    assert time.monotonic() - start < 1 + 2.0


def test_hanging_symbolic_only_times_out() -> None:
    with pytest.raises(DerivationTimeout, match="time limit"):
        sm.integral(HANGING, ("x", 0, 1), timeout=1, method="symbolic")


def test_hanging_with_a_symbolic_bound_names_it() -> None:
    with pytest.raises(DerivationTimeout, match="bound c of x has free symbols c"):
        sm.integral(HANGING, ("x", 0, "c"), timeout=1)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("x**2", "y"), {}, "'y' does not occur in x\\*\\*2"),
        (("x**2*y", ("z", 0, 1)), {}, "'z' does not occur"),
        (("[[1, 2], [3, 4]]", "x"), {}, "scalar"),
        (("x", ("x", 0)), {}, r"\(variable, lower, upper\)"),
        (("x", ("x", 0, "x")), {}, "must not contain the variable x"),
        (("exp(-x^2)", ("x", 0, "a")), {"method": "numeric"}, "bound a of x has free symbols a"),
        (("exp(-a*x^2)", ("x", 0, 1)), {"method": "numeric"}, "needs numbers for a"),
        (("x", "x"), {"method": "numeric"}, "needs bounds"),
        (("x", ("x", 0, 1)), {"method": "fast"}, "method must be one of"),
        (("x", "x", "x"), {}, "given twice"),
        (("x", ("x", 0, 1)), {"timeout": -1}, "timeout"),
    ],
)
def test_bad_input_is_a_value_error(args: tuple, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sm.integral(*args, **kwargs)


def test_constant_integrand_accepts_any_variable() -> None:
    assert sm.integral("1", ("t", 0, 3)).result == 3
    assert sm.integral("y", ("x", 0, 2), ("y", 0, 1)).result == 1


def test_quadrature_helper_matches_numpy_trapezoid() -> None:
    from symml.calculus import quadrature

    value, error = quadrature(sympy.cos(x), [(x, 0, 1)])
    grid = np.linspace(0.0, 1.0, 200_001)
    assert abs(value - np.trapezoid(np.cos(grid), grid)) < 1e-9
    assert error < 1e-10
