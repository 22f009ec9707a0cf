"""Critical points: classification by the Hessian, steps and LaTeX, degenerate lines,
the check, points SymPy's ``solve`` misses (CRootOf, polynomial systems), infinite
sets refused, and points outside the real domain."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
import sympy

import symml as sm
from symml.calculus import classify
from symml.errors import NoClosedFormError, NotSupportedError

x, y, z, a = sm.symbols("x y z a")

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


def _real_roots(coefficients: list[float]) -> list[float]:
    roots = np.roots(coefficients)
    return sorted(r.real for r in roots if abs(r.imag) < 1e-9)


def _coordinate(p: sm.CriticalPoint, v: sympy.Symbol) -> float:
    z = complex(sympy.N(p.point[v], 30))
    assert abs(z.imag) < 1e-20, (p, z)
    return z.real


def _with_points(pts: sm.CriticalPoints, keep: list) -> sm.Derivation:
    d = pts.derivation
    return sm.Derivation(
        d.result,
        d.wrt,
        d.steps,
        d.lhs,
        operation="critical_points",
        check=functools.partial(d.check, found=tuple(keep)),
    )


# --- critical points written with CRootOf ---------------------------------------------


def test_quintic_gradient_gives_all_three_real_critical_points() -> None:
    pts = sm.critical_points("x^6 - 3*x^4 + x")
    got = [_coordinate(p, x) for p in pts]
    np.testing.assert_allclose(got, _real_roots([6, 0, -12, 0, 0, 1]), rtol=1e-12)
    assert [p.kind for p in pts] == ["minimum", "maximum", "minimum"]
    f = sm.to_numpy(sm.parse("x^6 - 3*x^4 + x"), [x])
    for p, at in zip(pts, got, strict=True):  # the value, against the function itself
        assert abs(complex(sympy.N(p.value)).real - f(at)) < 1e-10
    assert pts.plain().splitlines()[1].startswith("maximum at x ≈ 0.45282700")
    assert pts.verify(rng=0)


def test_separable_and_coupled_polynomial_systems_with_quintic_roots() -> None:
    separable = sm.critical_points("x^6 - 3*x^4 + x + y^2")
    assert [p.kind for p in separable] == ["minimum", "saddle", "minimum"]
    assert all(p.point[y] == 0 for p in separable)
    coupled = sm.critical_points("x^6 - 3*x^4 + x + x*y + y^2")  # SymPy's solve returns []
    assert len(coupled) == 3
    # eliminating x = -2y: 192 y^5 - 96 y^3 - y - 1 = 0
    ys = _real_roots([192, 0, -96, 0, -1, -1])
    np.testing.assert_allclose(sorted(_coordinate(p, y) for p in coupled), ys, rtol=1e-12)
    grad = sm.to_numpy(sm.gradient("x^6 - 3*x^4 + x + x*y + y^2", "x, y"))
    for p in coupled:
        assert np.max(np.abs(grad(_coordinate(p, x), _coordinate(p, y)))) < 1e-9
    assert coupled.verify(rng=1)


def test_verify_finds_a_critical_point_missing_from_the_list() -> None:
    pts = sm.critical_points("x^6 - 3*x^4 + x")
    for keep in ([], list(pts)[1:]):
        check = _with_points(pts, keep).verify(rng=0)
        assert not check.passed
        assert "a critical point the list lacks" in check.details
    two = sm.critical_points("x^3 - 3*x + y^2")
    assert not _with_points(two, [two[1]]).verify(rng=0)
    assert "no other critical point" in two.verify(rng=0).details


def test_verify_of_a_true_empty_list_and_of_a_line_still_passes() -> None:
    none = sm.critical_points("exp(x) + y^2 + 1", "x, y")
    assert len(none) == 0  # d/dx = e^x > 0 everywhere: truly no critical point
    assert none.verify(rng=0)
    line = sm.critical_points("(x - y)^2 + z^2")
    assert line.verify(rng=0)
    (p,) = line  # the line x = y, z = 0 as one parametrised point
    z = sympy.Symbol("z", real=True)
    assert p.kind == "degenerate" and p.value == 0 and p.point[z] == 0
    assert sympy.simplify(p.point[x] - p.point[y]) == 0
    grad = sm.to_numpy(sm.gradient("(x - y)^2 + z^2", "x, y, z"))
    for t in (-1.3, 0.0, 2.7):  # numerically critical all along the line
        assert np.max(np.abs(grad(t, t, 0.0))) == 0
        assert np.max(np.abs(grad(t + 0.1, t, 0.0))) > 0.1  # and not off it


# --- infinite sets of critical points -------------------------------------------------


@pytest.mark.parametrize(
    ("f", "match"),
    [
        ("sin(x)", r"infinite set: x in Union\(ImageSet\(Lambda\(n, 2\*n\*pi \+ pi/2\)"),
        ("x + sin(x)", r"infinite set: x in ImageSet\(Lambda\(n, 2\*n\*pi \+ pi\)"),
        ("sin(x)*sin(y)", r"periodic in x with period 2\*pi"),
        ("x*sin(y)", r"periodic in y with period 2\*pi"),
    ],
)
def test_periodic_critical_points_are_refused_not_truncated(f: str, match: str) -> None:
    with pytest.raises(NotSupportedError, match=match):
        sm.critical_points(f)


def test_the_reported_family_really_is_critical() -> None:
    with pytest.raises(NotSupportedError) as caught:
        sm.critical_points("sin(x)")
    # the families symml reports, read back from its message (test code may parse)
    n = sympy.Symbol("n")
    families = [
        sympy.sympify(body, locals={"n": n})
        for body in re.findall(r"Lambda\(n, ([^)]*)\)", str(caught.value))
    ]
    points = sorted(float(fam.subs(n, k)) for fam in families for k in range(-3, 3))
    d = sm.to_numpy(sm.derivative("sin(x)", "x"))
    assert np.max(np.abs(d(np.array(points)))) < 1e-12  # each is critical
    # and together they are every zero of cos in [-6pi, 6pi): pi/2 + k pi
    np.testing.assert_allclose(points, np.pi / 2 + np.pi * np.arange(-6, 6), atol=1e-12)


# --- polynomial systems where SymPy's solve drops the CRootOf solutions ---------------


@pytest.mark.parametrize(
    ("f", "kinds", "eliminant"),
    [
        # grad: y = x and x(6x^5 - 12x^3 + 1) = 0; solve keeps only (0, 0)
        (
            "6*x**7/7 - 12*x**5/5 + x**2/2 + (y - x)**2/2",
            ["saddle", "minimum", "saddle", "minimum"],
            [6, 0, -12, 0, 0, 1, 0],
        ),
        # grad: y = 0 and the same factors; solve keeps only (0, 0)
        (
            "6*x**7/7 - 12*x**5/5 + x**2/2 + x*y**2",
            ["maximum", "degenerate", "saddle", "minimum"],
            [6, 0, -12, 0, 0, 1, 0],
        ),
        # y = 0 and 8x^7 - 21x^6 + 1 = 0: lex in (x, y) is not in shape position, in (y, x) it
        # is; solve finds nothing
        (
            "x**8 - 3*x**7 + x + x**2*y**2 + y**2",
            ["minimum", "saddle", "minimum"],
            [8, -21, 0, 0, 0, 0, 0, 1],
        ),
    ],
)
def test_polynomial_systems_give_every_real_critical_point(
    f: str, kinds: list[str], eliminant: list[int]
) -> None:
    pts = sm.critical_points(f)
    assert [p.kind for p in pts] == kinds
    grad = sm.to_numpy(sm.gradient(f, "x, y"))
    xs = [_coordinate(p, x) for p in pts]
    for p, at in zip(pts, xs, strict=True):
        assert np.max(np.abs(grad(at, _coordinate(p, y)))) < 1e-9
    # every real root of the eliminant in x is there (numpy's roots, independently)
    np.testing.assert_allclose(sorted(xs), _real_roots(eliminant), atol=1e-12)
    assert pts.verify(rng=0)


@pytest.mark.parametrize("c", ["1", "sqrt(2)", "0.5", "pi"])
def test_an_inconsistent_polynomial_gradient_has_no_critical_points(c: str) -> None:
    """grad (c x + x^2 y) = (c + 2xy, x^2): x = 0 forces c = 0, so there is none. With an
    irrational or float c SymPy's solve also says [], which was refused as if the system
    had solutions it could not find."""
    f = f"{c}*x + x**2*y"
    pts = sm.critical_points(f)
    assert len(pts) == 0
    assert pts.verify(rng=0)  # the Newton search finds no critical point either
    grad = sm.to_numpy(sm.gradient(f, "x, y"))
    value = float(sympy.N(sm.parse(c)))
    for u, v in [(0.0, 0.0), (1e-3, 1.0), (-0.7, 2.0)]:  # |∂f/∂x| = |c| wherever ∂f/∂y = 0
        gx, gy = grad(u, v)
        assert gy == u * u and (u != 0 or gx == value)
    with pytest.raises(NoClosedFormError, match="Groebner basis says it has some"):
        sm.critical_points("x^6 - 3*x^4 + sqrt(2)*x + x*y + y^2")  # solutions exist


def test_critical_points_where_sympy_cannot_differentiate_are_refused() -> None:
    with pytest.raises(NotSupportedError, match=r"leaves Derivative\(floor\(x\), x\) unevaluated"):
        sm.critical_points("floor(x) + y^2")
    g = sm.to_numpy(sm.parse("floor(x) + y^2"), [x, y])
    h = 1e-6  # (1/2, 0) is critical (floor is flat there): "no critical points" was wrong
    assert g(0.5 + h, 0.0) - g(0.5 - h, 0.0) == 0 and g(0.0, h) - g(0.0, -h) == 0


def test_critical_points_outside_the_real_domain_are_left_out() -> None:
    pts = sm.critical_points("sqrt(x)*(x**6 - 3*x**4 + x)")
    xs = [_coordinate(p, x) for p in pts]
    assert all(v > 0 for v in xs) and len(xs) == 2  # was also x ≈ -1.466 with f ≈ -6.53i
    f = sm.to_numpy(sm.parse("sqrt(x)*(x**6 - 3*x**4 + x)"), [x])
    for p, at in zip(pts, xs, strict=True):
        assert abs(complex(sympy.N(p.value)) - f(at)) < 1e-9  # real values, f's own
    assert pts.verify(rng=0)
