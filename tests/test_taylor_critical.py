"""Taylor polynomials and critical points: known answers, steps, numeric checks, bad input."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import sympy

import symml as sm
from symml.calculus import classify

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


# --- critical points ----------------------------------------------------------------------


CASES = [
    ("x^2 + y^2", [({x: 0, y: 0}, "minimum", 0)]),
    ("-(x^2) - y^2 + x*y", [({x: 0, y: 0}, "maximum", 0)]),
    ("x^2 - y^2", [({x: 0, y: 0}, "saddle", 0)]),
    ("x^4 + y^4", [({x: 0, y: 0}, "degenerate", 0)]),
    ("x^3 - 3*x + y^2", [({x: -1, y: 0}, "saddle", 2), ({x: 1, y: 0}, "minimum", -2)]),
    (
        "(x - 1)^2 + 2*(y + 2)^2 + 3*(z - 0.5)^2",
        [({x: 1, y: -2, z: sympy.Rational(1, 2)}, "minimum", 0)],
    ),
    ("x^4 - 2*x^2", [({x: -1}, "minimum", -1), ({x: 0}, "maximum", 0), ({x: 1}, "minimum", -1)]),
]


@pytest.mark.parametrize(("f", "expected"), CASES, ids=[c[0] for c in CASES])
def test_critical_point_classification(f: str, expected: list) -> None:
    pts = sm.critical_points(f)
    assert isinstance(pts, list) and len(pts) == len(expected)
    for p, (point, kind, value) in zip(pts, expected, strict=True):
        assert isinstance(p, sm.CriticalPoint)
        assert {k: sympy.nsimplify(v) for k, v in p.point.items()} == point
        assert p.kind == kind
        assert sympy.simplify(p.value - value) == 0
        assert p.hessian.shape == (len(point), len(point))
        numeric = np.linalg.eigvalsh(np.array(p.hessian.evalf().tolist(), dtype=float))
        assert np.allclose(np.sort(numeric), np.sort([float(e) for e in p.eigenvalues]))
    v = pts.verify(rng=0)
    assert v.passed and v.points == len(expected)


def test_critical_steps_and_latex() -> None:
    pts = sm.critical_points("x^3 - 3*x + y^2", "x, y")
    titles = [s.title for s in pts.steps]
    assert titles[:5] == [
        "definition",
        "gradient",
        "solve the gradient system",
        "solutions",
        "Hessian",
    ]
    assert titles[5:] == [
        "Hessian and eigenvalues at the point",
        "classify: saddle",
        "Hessian and eigenvalues at the point",
        "classify: minimum",
    ]
    assert pts[1].latex() == (
        r"(x, y) = (1, 0):\ \text{minimum},\quad f = -2,"
        r"\quad \lambda(\nabla^2 f) = (2, 6)"
    )
    assert pts.plain().splitlines() == [
        "saddle at x = -1, y = 0: f = 2",
        "minimum at x = 1, y = 0: f = -2",
    ]
    assert r"\text{saddle}" in pts.latex() and r"\begin{aligned}" in pts._repr_latex_()
    assert pts == list(pts)  # compares as the plain list the API promises


def test_a_line_of_critical_points_is_degenerate() -> None:
    pts = sm.critical_points("(x - y)^2")
    assert len(pts) == 1
    p = pts[0]
    assert p.kind == "degenerate" and p.point == {x: y, y: y}
    assert sorted(p.eigenvalues) == [0, 4]
    assert pts.verify(rng=3)


def test_no_real_critical_points() -> None:
    pts = sm.critical_points("exp(x) + x^2*0 + y^2 + 1", "x, y")
    assert pts == [] and pts.plain() == "no real critical points"
    assert sm.critical_points("x^2 + 1 + y*0 + exp(y)*0", "x") == [
        sm.critical_points("x^2 + 1", "x")[0]
    ]


def test_critical_point_check_catches_a_wrong_kind() -> None:
    pts = sm.critical_points("x^2 - y^2")
    p = pts[0]
    fake = sm.CriticalPoint(p.point, p.value, "minimum", p.hessian, p.eigenvalues)
    d = pts.derivation
    wrong = sm.Derivation(
        d.result,
        d.wrt,
        d.steps,
        d.lhs,
        operation="critical_points",
        check=functools.partial(d.check, found=(fake,)),
    )
    assert not wrong.verify()
    moved = sm.CriticalPoint(
        {x: sympy.Integer(1), y: sympy.Integer(0)}, p.value, p.kind, p.hessian, p.eigenvalues
    )
    assert not sm.Derivation(
        d.result,
        d.wrt,
        d.steps,
        d.lhs,
        operation="critical_points",
        check=functools.partial(d.check, found=(moved,)),
    ).verify()


@pytest.mark.parametrize(
    ("eigenvalues", "kind"),
    [
        ((1, 2), "minimum"),
        ((-1, -2), "maximum"),
        ((-1, 2), "saddle"),
        ((0, 2), "degenerate"),
        ((0, -1, 1), "saddle"),
        ((a, 1), "degenerate"),
        ((sympy.sqrt(2) - 1, 3), "minimum"),
    ],
)
def test_classify_table(eigenvalues: tuple, kind: str) -> None:
    assert classify(tuple(sympy.sympify(e) for e in eigenvalues)) == kind


def test_critical_points_bad_input() -> None:
    with pytest.raises(ValueError, match="'w' does not occur"):
        sm.critical_points("x^2 + y^2", "x, w")
    with pytest.raises(ValueError, match="scalar"):
        sm.critical_points("[x, y]")
    with pytest.raises(ValueError, match="no variables"):
        sm.critical_points("3")


def test_critical_points_cannot_be_compiled() -> None:
    with pytest.raises(sm.NotSupportedError):
        sm.critical_points("x^2").to_numpy()


def test_critical_points_of_a_cubic_gradient_with_three_irrational_real_roots() -> None:
    # f' = 4x^3 - 6x + 1 has three real roots that SymPy writes with I (casus irreducibilis)
    pts = sm.critical_points("x**4 - 3*x**2 + x")
    roots = sorted(np.roots([4, 0, -6, 1]).real)
    got = [complex(p.point[next(iter(p.point))].evalf()) for p in pts]
    assert [abs(g.imag) < 1e-12 for g in got] == [True] * 3
    np.testing.assert_allclose([g.real for g in got], roots, rtol=1e-12)
    assert [p.kind for p in pts] == ["minimum", "maximum", "minimum"]
    assert pts.verify()
