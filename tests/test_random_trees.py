"""Property tests: random expression trees compile to what SymPy's evalf says, and their
derivatives agree with central differences."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symml as sm

X, Y = sympy.symbols("x y", real=True)

# Unary functions with a domain made safe by construction (arguments kept positive where needed).
UNARY = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tanh": sympy.tanh,
    "exp": lambda a: sympy.exp(sympy.tanh(a)),  # bounded exponent
    "log": lambda a: sympy.log(1 + a**2),  # positive argument
    "sqrt": lambda a: sympy.sqrt(1 + a**2),  # positive argument
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (2 + sympy.sin(b)),  # denominator in [1, 3]
    "**": lambda a, b: (1 + a**2) ** sympy.tanh(b),  # positive base, exponent in (-1, 1)
}

leaves = st.sampled_from([X, Y, sympy.Integer(2), sympy.Rational(1, 3), sympy.Float(0.75)])


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    unary = st.builds(lambda f, a: UNARY[f](a), st.sampled_from(sorted(UNARY)), children)
    binary = st.builds(
        lambda op, a, b: BINARY[op](a, b), st.sampled_from(sorted(BINARY)), children, children
    )
    return unary | binary


trees = st.recursive(leaves, _extend, max_leaves=8)
points = st.tuples(st.floats(-2, 2), st.floats(-2, 2))

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@SETTINGS
@given(expr=trees, p=points)
def test_compiled_equals_evalf(expr: sympy.Expr, p: tuple[float, float]) -> None:
    f = sm.to_numpy(expr, [X, Y])
    got = complex(f(*p))
    want = complex(sympy.N(expr.subs({X: p[0], Y: p[1]}), 30))
    assert abs(got - want) <= 1e-10 * max(1.0, abs(want))


@SETTINGS
@given(expr=trees, p=points)
def test_compiled_equals_evalf_on_arrays(expr: sympy.Expr, p: tuple[float, float]) -> None:
    f = sm.to_numpy(expr, [X, Y])
    xs = np.array([p[0], -p[0], 0.5])
    out = f(xs, p[1])
    assert out.shape == (3,)
    for xi, oi in zip(xs, out, strict=True):
        want = complex(sympy.N(expr.subs({X: xi, Y: p[1]}), 30))
        assert abs(complex(oi) - want) <= 1e-10 * max(1.0, abs(want))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=trees)
def test_random_gradients_pass_central_differences(expr: sympy.Expr) -> None:
    if not expr.free_symbols:
        expr = expr + X * Y
    d = sm.gradient(expr, [X, Y], simplify=False)
    check = d.verify(points=3, rng=0)
    assert check.passed, (expr, check)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=trees)
def test_random_hessians_pass_second_order_differences(expr: sympy.Expr) -> None:
    expr = expr + X * Y**2
    d = sm.hessian(expr, [X, Y], simplify=False)
    check = d.verify(points=2, rng=1, rtol=1e-5)
    assert check.passed, (expr, check)
