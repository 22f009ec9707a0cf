"""Derivatives, gradients, Jacobians and Hessians: a known-answer table, the rule each step
names, random functions against finite differences, the Hessian as the Jacobian of the
gradient, derivation at scale (correctness only), and bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symml as sm
from symml.dag import Differentiator

x, y, z = sm.symbols("x y z")

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


#: (f, d f / dx, the rule the first step names): sigmoid(x) parses to 1/(1 + exp(-x)),
#: softplus(x) to log(1 + exp(x)).
TABLE = [
    ("sin(x**2)", "2*x*cos(x**2)", "chain rule"),
    ("exp(3*x + 1)", "3*exp(3*x + 1)", "chain rule"),
    ("log(1 + x**2)", "2*x/(1 + x**2)", "chain rule"),
    ("(1 + x**2)**5", "10*x*(1 + x**2)**4", "chain rule"),
    ("x*exp(x)", "(x + 1)*exp(x)", "product rule"),
    ("x**2*sin(x)", "2*x*sin(x) + x**2*cos(x)", "product rule"),
    ("sin(x)/x", "(x*cos(x) - sin(x))/x**2", "quotient rule"),
    ("x/(1 + x**2)", "(1 - x**2)/(1 + x**2)**2", "quotient rule"),
    ("sigmoid(x)", "sigmoid(x)*(1 - sigmoid(x))", None),
    ("softplus(x)", "sigmoid(x)", None),
    ("log(cosh(x))", "tanh(x)", "chain rule"),
    ("tanh(x)", "1 - tanh(x)**2", None),
    ("atan(x)", "1/(1 + x**2)", None),
    ("sqrt(1 + x**2)", "x/sqrt(1 + x**2)", "chain rule"),
    ("exp(-x**2/2)", "-x*exp(-x**2/2)", "chain rule"),
    ("x**3 - 2*x + 7", "3*x**2 - 2", "sum rule"),
]


def _values(expr: sympy.Expr, points: np.ndarray) -> np.ndarray:
    return np.asarray(sm.to_numpy(expr, [x])(points), dtype=float)


@pytest.mark.parametrize(("f", "expected", "rule"), TABLE, ids=[r[0] for r in TABLE])
def test_derivative_table(f, expected, rule):
    d = sm.derivative(f, "x")
    want = sm.parse(expected)
    assert sympy.simplify(d.result - want) == 0
    points = np.linspace(-2.0, 2.0, 9) + 0.05  # avoids x = 0 for sin(x)/x
    np.testing.assert_allclose(_values(d.result, points), _values(want, points), rtol=1e-12)
    assert d.verify(rng=0).passed
    if rule is not None:
        assert rule in [s.title for s in d.steps]


def test_log_sum_exp_gradient_is_softmax():
    xs = sm.symbols("x0:4")
    f = sympy.log(sum(sympy.exp(v) for v in xs))
    g = sm.gradient(f, xs)
    softmax = [sympy.exp(v) / sum(sympy.exp(u) for u in xs) for v in xs]
    assert all(sympy.simplify(gi - si) == 0 for gi, si in zip(g.result, softmax, strict=True))
    p = np.random.default_rng(0).standard_normal(4)
    e = np.exp(p - p.max())
    np.testing.assert_allclose(sm.to_numpy(g)(*p), e / e.sum(), rtol=1e-12)
    assert g.verify(rng=1).passed


def _fd_gradient(f, p: np.ndarray, h: float = 1e-5) -> np.ndarray:
    eye = np.eye(len(p))
    return np.array([(f(*(p + h * e)) - f(*(p - h * e))) / (2 * h) for e in eye]).T


# --- random functions (hypothesis) ---------------------------------------------------------

_LEAVES = st.sampled_from([x, y, z, sympy.Integer(2), sympy.Rational(1, 2), sympy.Integer(-3)])
_UNARY = [
    sympy.sin,
    sympy.cos,
    sympy.tanh,
    lambda u: sympy.exp(sympy.sin(u)),
    lambda u: sympy.log(1 + u**2),
    lambda u: 1 / (1 + sympy.exp(-u)),
]


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    unary = st.tuples(st.sampled_from(_UNARY), children).map(lambda t: t[0](t[1]))
    binary = st.tuples(st.sampled_from([sympy.Add, sympy.Mul]), children, children).map(
        lambda t: t[0](t[1], t[2])
    )
    return unary | binary


EXPRESSIONS = st.recursive(_LEAVES, _extend, max_leaves=6).filter(
    lambda e: len(e.free_symbols & {x, y, z}) >= 2
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, st.integers(0, 2**31))
def test_random_gradients_against_finite_differences(f, seed):
    g = sm.gradient(f, [x, y, z], simplify=False)
    assert g.verify(rng=seed).passed
    fn, gn = sm.to_numpy(f, [x, y, z]), sm.to_numpy(g)
    p = np.random.default_rng(seed).uniform(-1.5, 1.5, 3)
    np.testing.assert_allclose(gn(*p), _fd_gradient(fn, p), rtol=1e-6, atol=1e-7)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, st.integers(0, 2**31))
def test_random_hessians_against_finite_differences(f, seed):
    H = sm.hessian(f, [x, y, z], simplify=False)
    assert H.result == H.result.T
    assert H.verify(rng=seed).passed
    gn, Hn = sm.to_numpy(H.check.keywords["gradient"], [x, y, z]), sm.to_numpy(H)
    p = np.random.default_rng(seed).uniform(-1.5, 1.5, 3)
    np.testing.assert_allclose(Hn(*p), _fd_gradient(gn, p), rtol=1e-6, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(EXPRESSIONS)
def test_memoised_differentiation_is_sympys(f):
    # the same derivative as SymPy's: equal after expansion (SymPy's own form of a product
    # with a negated sum, -(x + y) or -x - y, depends on its cache, so forms may differ there)
    D = Differentiator()
    for v in (x, y, z):
        first = D.d(f, v)
        assert sympy.expand(first - sympy.diff(f, v)) == 0
        second = D.d(first, x)
        assert sympy.expand(second - sympy.diff(first, x)) == 0


@pytest.mark.parametrize(
    "f",
    [
        "x**2*y + y**3",
        "exp(x*y)*sin(z)",
        "log(1 + x**2 + y**2)",
        "sigmoid(x*y + z)",
        "softplus(x - y)*z**2",
    ],
)
def test_hessian_is_the_jacobian_of_the_gradient(f):
    H = sm.hessian(f, [x, y, z], simplify=False)
    J = sm.jacobian(sm.gradient(f, [x, y, z], simplify=False), [x, y, z], simplify=False)
    assert H.result == J.result  # the same expressions, not merely equal values
    p = np.array([0.3, -0.7, 1.1])
    np.testing.assert_allclose(sm.to_numpy(H)(*p), sm.to_numpy(J)(*p), rtol=1e-12)


# --- derivation at scale (correctness; the timing is a benchmark row) ----------------------


@pytest.fixture(scope="module")
def scale30():
    xs = sm.symbols("s0:30")
    f = sympy.log(sum(sympy.exp(v) for v in xs)) + sum(v**2 for v in xs) / 2
    g, H = sm.gradient(f, xs), sm.hessian(f, xs)
    return xs, f, g, H, sm.to_numpy(g), sm.to_numpy(H)


def test_scale_gradient_and_hessian_agree_with_numpy(scale30):
    xs, f, g, H, gn, Hn = scale30
    p = np.random.default_rng(30).standard_normal(30)
    e = np.exp(p - p.max())
    soft = e / e.sum()
    np.testing.assert_allclose(gn(*p), soft + p, rtol=1e-12)
    np.testing.assert_allclose(
        Hn(*p), np.diag(soft) - np.outer(soft, soft) + np.eye(30), rtol=1e-10, atol=1e-14
    )
    assert np.array_equal(Hn(*p), Hn(*p).T)
    np.testing.assert_allclose(Hn.packed(p), Hn(*p), rtol=0)
    batch = np.random.default_rng(1).standard_normal((4, 30))
    np.testing.assert_allclose(Hn.packed(batch)[2], Hn(*batch[2]), rtol=1e-14)


def test_scale_compiled_agrees_with_lambdify(scale30):
    xs, f, g, H, gn, Hn = scale30
    p = np.random.default_rng(3).standard_normal(30)
    reference = sympy.lambdify(xs, H.result)  # SymPy's own printer, no shared parts
    np.testing.assert_allclose(Hn(*p), reference(*p), rtol=1e-12, atol=1e-15)
    assert H.verify(rng=0, points=2).passed


def test_scale_results_are_sympys_own_expressions():
    xs = sm.symbols("t0:14")
    f = sympy.log(sum(sympy.exp(v) for v in xs)) + sum(v**3 for v in xs) / 3
    assert sm.hessian(f, xs).result == sympy.hessian(f, xs)
    assert sm.gradient(f, xs).result == sympy.Matrix([sympy.diff(f, v) for v in xs])


def test_scale_steps_stay_small(scale30):
    xs, f, g, H, gn, Hn = scale30
    assert sum(len(s.latex) for s in H.steps) < 20_000
    assert r"\mathbb{R}^{30 \times 30}" in H.steps[-1].latex


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sm.gradient("[[x, y]]", "x, y"), "scalar"),
        (lambda: sm.hessian("[[x], [y]]", "x, y"), "scalar"),
        (lambda: sm.derivative(sympy.Matrix([[x, y], [y, x]]), "x"), "scalar"),
        (lambda: sm.gradient("x**2*y", "x, q"), "'q' does not occur"),
        (lambda: sm.hessian("x**2*y", "w"), "'w' does not occur"),
        (lambda: sm.derivative("sin(x)", "t"), "'t' does not occur"),
        (lambda: sm.jacobian(["x*y", "x + y"], "x, r"), "'r' does not occur"),
        (lambda: sm.gradient("x*y", "x, x"), "twice"),
    ],
)
def test_bad_input_is_a_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_high_order_derivative_is_time_limited() -> None:
    """d^300/dx^300 of exp(x) sin(x) log(x) runs for minutes in SymPy: it is bounded."""
    t0 = time.perf_counter()
    with pytest.raises(sm.DerivationTimeout, match="order 300"):
        sm.derivative("exp(x)*sin(x)*log(x)", "x", 300, timeout=1)
    assert time.perf_counter() - t0 < 1 + 2


def test_a_limited_high_order_derivative_is_the_same_as_in_place() -> None:
    d = sm.derivative("x**3*sin(x)", "x", 12, timeout=30)
    x = sympy.Symbol("x", real=True)
    assert sympy.expand(d.result - sympy.diff(x**3 * sympy.sin(x), x, 12)) == 0
    # numeric cross-check: Leibniz's rule gives the value at x = 0.7 independently
    leibniz = sum(
        sympy.binomial(12, k) * sympy.diff(x**3, x, k) * sympy.diff(sympy.sin(x), x, 12 - k)
        for k in range(4)
    )
    assert float(d.result.subs(x, 0.7)) == pytest.approx(float(leibniz.subs(x, 0.7)), rel=1e-12)
    assert d.verify()


# --- zero partial derivatives (issue 16 item 7) ----------------------------------------------


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: sm.gradient("x**2", "x, y"), sympy.Matrix([2 * x, 0])),
        (lambda: sm.derivative("5", "x"), sympy.Integer(0)),
        (lambda: sm.hessian("x**2", "x, y"), sympy.Matrix([[2, 0], [0, 0]])),
        (lambda: sm.jacobian(["x", "2*x"], "x, y"), sympy.Matrix([[1, 0], [2, 0]])),
        (lambda: sm.gradient("7", "x, y"), sympy.Matrix([0, 0])),
    ],
)
def test_a_named_variable_that_does_not_occur_is_a_zero_partial(call, expected) -> None:
    """Every variable of f is named, plus more: the extra partials are 0 and verify."""
    d = call()
    assert d.result == expected
    assert d.verify()


def test_a_missing_name_beside_an_unnamed_variable_is_still_a_typo() -> None:
    """x**2*y wrt x, q: y is not named, so q is likely a misspelt y and is refused."""
    with pytest.raises(ValueError, match="'q' does not occur in x\\*\\*2\\*y"):
        sm.gradient("x**2*y", "x, q")
    with pytest.raises(ValueError, match="'y' does not occur"):
        sm.derivative("x**2", "y")


@pytest.mark.parametrize("f", ["0/0", "5"])
def test_derivative_of_a_constant_without_wrt_asks_for_wrt(f: str) -> None:
    """No variable to differentiate by: 'give wrt', not 'use gradient()' (issue 16 item 15)."""
    with pytest.raises(ValueError, match="has no variable; give wrt") as info:
        sm.derivative(f)
    assert "gradient" not in str(info.value)
