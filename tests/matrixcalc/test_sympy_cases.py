"""SymPy's own matrix expressions: its silent zeros answered right, its crashes answered.

The expressions are built with SymPy objects (not parsed), the way the issue's repros
were written; the answers are compared numerically with the expected closed forms at
random sizes (the expected forms evaluated by symml's NumPy evaluator of SymPy trees).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from sympy import Determinant, MatrixSymbol, Trace

import symml as sm
from symml.matrixcalc.numeric import MatrixFunction

n, m = sympy.symbols("n m", integer=True, positive=True)
X, A = MatrixSymbol("X", n, n), MatrixSymbol("A", n, n)
U, V, M = MatrixSymbol("U", n, m), MatrixSymbol("V", m, n), MatrixSymbol("M", n, n)
x, a = MatrixSymbol("x", n, 1), MatrixSymbol("a", n, 1)
S = MatrixSymbol("S", n, n)
lam = sympy.Symbol("lambda", positive=True)

#: Sums of traces and norms, and log det: SymPy 1.14 answers these with a zero matrix.
SILENT_ZEROS = [
    ("tr(X'X) + tr(A'A)", Trace(X.T * X) + Trace(A.T * A), X, 2 * X),
    ("tr(X'X) + tr(AX)", Trace(X.T * X) + Trace(A * X), X, 2 * X + A.T),
    ("log det X", sympy.log(Determinant(X)), X, X.I.T),
    (
        "|M - UV|^2/2 + |U|^2/2",
        Trace((M - U * V).T * (M - U * V)) / 2 + Trace(U.T * U) / 2,
        U,
        -(M - U * V) * V.T + U,
    ),
    ("2 log det X + tr(AX)", 2 * sympy.log(Determinant(X)) + Trace(A * X), X, 2 * X.I.T + A.T),
]

#: ``TypeError: Mix of Matrix and Scalar symbols`` in the older route (the issue's repros).
CRASHES = [
    ("x'Ax + lambda x'x", x.T * A * x + lam * x.T * x, x, (A + A.T) * x + 2 * lam * x),
    ("x'x + x'Ax", x.T * x + x.T * A * x, x, 2 * x + (A + A.T) * x),
    (
        "tr(a' inv(S) a)/2 + log det(S)/2",
        Trace(a.T * S.I * a) / 2 + sympy.log(Determinant(S)) / 2,
        S,
        (S.I.T - S.I.T * a * a.T * S.I.T) / 2,
    ),
]


def assert_same(got: sympy.Basic, want: sympy.Basic, f: sympy.Basic) -> None:
    symbols = MatrixFunction(f).wrt
    rng = np.random.default_rng(0)
    for k in (2, 4):
        values = {}
        for s in symbols:
            if isinstance(s, MatrixSymbol):
                rows, cols = (int(sympy.sympify(d).subs({n: k, m: k + 1})) for d in s.shape)
                block = rng.standard_normal((rows, cols))
                values[s.name] = 3 * np.eye(rows) + 0.5 * block if rows == cols else block
            else:
                values[s.name] = 0.7
        g = MatrixFunction(got, symbols)(**values)
        w = MatrixFunction(want, symbols)(**values)
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "f", "wrt", "want"), SILENT_ZEROS, ids=[c[0] for c in SILENT_ZEROS]
)
def test_silent_zeros_answered_right(name, f, wrt, want) -> None:
    d = sm.matrix_derivative(f, wrt, rng=0)
    assert not isinstance(d.result, sympy.ZeroMatrix)
    assert d.operation == "matrix_derivative" and d.steps[-1].title == "checked"
    assert_same(d.result, want, f)


@pytest.mark.parametrize(("name", "f", "wrt", "want"), CRASHES, ids=[c[0] for c in CRASHES])
def test_former_type_errors_answered(name, f, wrt, want) -> None:
    d = sm.matrix_derivative(f, wrt, rng=0)
    assert_same(d.result, want, f)
    assert d.verify(rng=1)


def test_gaussian_gradient_in_mu_is_simplified() -> None:
    Sigma = sm.matrices("Sigma:n,n:sym")[0]
    mu, xs = MatrixSymbol("mu", n, 1), MatrixSymbol("x", n, 1)
    f = -sympy.log(Determinant(Sigma)) / 2 - Trace((xs - mu).T * Sigma.I * (xs - mu)) / 2
    d = sm.matrix_derivative(f, mu, rng=0)
    assert d.latex(steps=False).endswith(r"= \Sigma^{-1} \left(x - \mu\right)")


def test_rayleigh_quotient_is_two_terms_without_a_matrix_inverse() -> None:
    f = Trace(x.T * A * x) / Trace(x.T * x)
    d = sm.matrix_derivative(f, x, rng=0)
    assert isinstance(d.result, sympy.MatAdd) and len(d.result.args) == 2
    assert not d.result.has(sympy.Inverse)
