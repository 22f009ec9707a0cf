"""Property tests: random expression trees compile to what SymPy's evalf says, and their
derivatives agree with central differences."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symml as sm
from tests.strategies import trees

X, Y = sympy.symbols("x y", real=True)

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
