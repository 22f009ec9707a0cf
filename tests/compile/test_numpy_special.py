"""Special functions the NumPy backend alone compiles (through ``scipy.special``: erfi, li,
Shi, Chi), and the error naming a function no backend has (polylog, expint)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symml as sm
from symml.compile.functions import NUMPY_ONLY_FUNCTIONS
from symml.errors import NotSupportedError

x = sympy.Symbol("x", real=True)


@pytest.mark.parametrize("cls", list(NUMPY_ONLY_FUNCTIONS), ids=lambda c: c.__name__)
def test_each_numpy_only_function_against_sympy(cls: type) -> None:
    call = cls(x / 2 + x**2 / 4 + sympy.Rational(1, 10))  # li's argument stays off 1
    points = np.array([0.3, 0.45, 0.9, 2.5])
    got = sm.to_numpy(call, [x])(points)
    want = [float(sympy.N(call.subs(x, sympy.Float(p, 30)), 30)) for p in points]
    np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=str(call))


@pytest.mark.parametrize(
    ("expr", "name"), [(sympy.polylog(2, x), "polylog"), (sympy.expint(2, x), "expint")]
)
def test_a_function_without_numpy_form_is_named_with_what_to_use(
    expr: sympy.Expr, name: str
) -> None:
    with pytest.raises(NotSupportedError, match=rf"no NumPy implementation of {name}; .*mpmath"):
        sm.to_numpy(expr + x, [x])


def test_an_antiderivative_with_erfi_compiles() -> None:
    d = sm.integral("exp(x^2)", "x")
    assert d.result.has(sympy.erfi)
    fn = d.to_numpy()
    assert abs(fn(0.8) - float(d.result.evalf(30, subs={x: sympy.Rational(4, 5)}))) < 1e-12
