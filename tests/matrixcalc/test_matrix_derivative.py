"""Matrix calculus: Matrix Cookbook identities, SymPy's silent zeros, and refusals.

Each identity is derived with symbolic dimensions, then checked two ways that do not use
symml's own checker: symbolically (both sides made explicit at size 2 and simplified to a
zero matrix) and numerically (central differences of f on random 3×3-sized matrices,
evaluated by SymPy with numbers substituted).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy
from sympy import Determinant, Identity, MatrixSymbol, OneMatrix, Trace

import symml as sm
from symml.matrixcalc import derive
from symml.matrixcalc import fallback as matrixcalc

k, m = sympy.symbols("k m", integer=True, positive=True)
X = MatrixSymbol("X", k, k)
A = MatrixSymbol("A", k, k)
B = MatrixSymbol("B", k, k)
x = MatrixSymbol("x", k, 1)
a = MatrixSymbol("a", k, 1)
b = MatrixSymbol("b", k, 1)
c = MatrixSymbol("c", k, 1)
Z = MatrixSymbol("Z", m, k)
y = MatrixSymbol("y", m, 1)
_u = sympy.Dummy("u")
SIGMOID = sympy.Lambda(_u, 1 / (1 + sympy.exp(-_u)))

#: (name, f, wrt, expected ∂f/∂wrt): The Matrix Cookbook (numbers of its 2012 edition).
COOKBOOK = [
    ("(69) d x^T a / dx = a", x.T * a, x, a),
    ("(69) d a^T x / dx = a", a.T * x, x, a),
    ("(70) d a^T X b / dX = a b^T", a.T * X * b, X, a * b.T),
    ("(71) d a^T X^T b / dX = b a^T", a.T * X.T * b, X, b * a.T),
    ("(81) d x^T A x / dx = (A + A^T) x", x.T * A * x, x, (A + A.T) * x),
    (
        "(84) d |Ax - b|^2 / dx = 2 A^T (Ax - b)",
        (A * x - b).T * (A * x - b),
        x,
        2 * A.T * (A * x - b),
    ),
    ("(77) d b^T X^T X c / dX = X (b c^T + c b^T)", b.T * X.T * X * c, X, X * (b * c.T + c * b.T)),
    ("(100) d tr(AX) / dX = A^T", Trace(A * X), X, A.T),
    ("(101) d tr(AXB) / dX = A^T B^T", Trace(A * X * B), X, A.T * B.T),
    ("(99) d tr(X) / dX = I", Trace(X), X, Identity(k)),
    ("(103) d tr(X^T X) / dX = 2X", Trace(X.T * X), X, 2 * X),
    ("(106) d tr(X^2) / dX = 2 X^T", Trace(X * X), X, 2 * X.T),
    ("(108) d tr(X^T A X) / dX = (A + A^T) X", Trace(X.T * A * X), X, (A + A.T) * X),
    ("(57) d log det X / dX = X^-T", sympy.log(Determinant(X)), X, X.I.T),
    ("(49) d det X / dX = det(X) X^-T", Determinant(X), X, Determinant(X) * X.I.T),
    ("(61) d a^T X^-1 b / dX = -X^-T a b^T X^-T", a.T * X.I * b, X, -X.I.T * a * b.T * X.I.T),
    (
        "logistic loss: d [1^T log(1 + exp(Zw)) - y^T Z w] / dw = Z^T (sigmoid(Zw) - y)",
        OneMatrix(1, m) * (OneMatrix(m, 1) + (Z * x).applyfunc(sympy.exp)).applyfunc(sympy.log)
        - y.T * Z * x,
        x,
        Z.T * ((Z * x).applyfunc(SIGMOID) - y),
    ),
]

#: Sums of traces and norms, and log det: SymPy 1.14 answers these with a zero matrix
#: (sympy/sympy#27406, #26585, and log(det(X))). (name, f, wrt, expected)
U = MatrixSymbol("U", 3, 2)
V = MatrixSymbol("V", 2, 4)
M = MatrixSymbol("M", 3, 4)
SILENT_ZEROS = [
    ("tr(X^T X) + tr(A^T A)", Trace(X.T * X) + Trace(A.T * A), X, 2 * X),
    ("tr(X^T X) + tr(AX)", Trace(X.T * X) + Trace(A * X), X, 2 * X + A.T),
    ("log det X", sympy.log(Determinant(X)), X, X.I.T),
    (
        "|M - UV|^2/2 + |U|^2/2 (#26585)",
        Trace((M - U * V).T * (M - U * V)) / 2 + Trace(U.T * U) / 2,
        U,
        -(M - U * V) * V.T + U,
    ),
    ("2 log det X + tr(AX)", 2 * sympy.log(Determinant(X)) + Trace(A * X), X, 2 * X.I.T + A.T),
]


def _sizes(n: int) -> dict[sympy.Symbol, int]:
    """Sizes for the symbolic dimensions: k = n, m = n + 1 (distinct, so a transposed
    answer cannot pass)."""
    return {k: n, m: n + 1}


def _explicit(e: sympy.Basic, dims: dict) -> sympy.ImmutableMatrix:
    out = e.subs(dims).doit()
    return sympy.ImmutableMatrix(out.as_explicit() if hasattr(out, "as_explicit") else out)


def _numeric(e: sympy.Basic, values: dict) -> np.ndarray:
    out = e.xreplace(values).doit()
    if hasattr(out, "as_explicit") and not isinstance(out, sympy.MatrixBase):
        out = out.as_explicit()
    if isinstance(out, sympy.MatrixBase):
        return np.array([[complex(v).real for v in row] for row in out.tolist()])
    return np.array(complex(out).real)


def _random_values(expr: sympy.Basic, dims: dict, rng: np.random.Generator) -> dict:
    values = {}
    for mat in expr.atoms(MatrixSymbol):
        concrete = mat.subs(dims)
        r, cols = (int(s) for s in concrete.shape)
        block = rng.standard_normal((r, cols)) * 0.5 + (3 * np.eye(r) if r == cols else 0)
        values[concrete] = sympy.ImmutableMatrix(block)
    return values


def assert_symbolically_equal(got: sympy.Basic, expected: sympy.Basic) -> None:
    dims = _sizes(2)
    difference = _explicit(got, dims) - _explicit(expected, dims)
    simplified = difference.applyfunc(lambda e: sympy.simplify(sympy.cancel(e)))
    assert simplified == sympy.zeros(*simplified.shape), f"{got} != {expected}: {simplified}"


def assert_matches_finite_differences(
    f: sympy.Basic, wrt: MatrixSymbol, got: sympy.Basic, seed: int
) -> None:
    """Central differences of f (evaluated by SymPy at numbers) entry by entry."""
    dims = _sizes(3)
    rng = np.random.default_rng(seed)
    values = _random_values(f, dims, rng)
    fc, Xc = f.subs(dims), wrt.subs(dims)
    base = np.array(values[Xc].tolist(), dtype=float)
    numeric = np.zeros(base.shape)
    h = 1e-5
    for idx in np.ndindex(*base.shape):
        step = np.zeros(base.shape)
        step[idx] = h
        plus = _numeric(fc, values | {Xc: sympy.ImmutableMatrix(base + step)})
        minus = _numeric(fc, values | {Xc: sympy.ImmutableMatrix(base - step)})
        numeric[idx] = float(np.ravel(plus - minus)[0]) / (2 * h)
    exact = _numeric(got.subs(dims), values).reshape(base.shape)
    assert np.abs(exact).max() > 0, "the derivative is zero"
    np.testing.assert_allclose(exact, numeric, rtol=1e-6, atol=1e-6)


@pytest.fixture(scope="module")
def cookbook() -> dict[str, sm.Derivation]:
    return {name: sm.matrix_derivative(f, wrt, rng=0) for name, f, wrt, _ in COOKBOOK}


@pytest.mark.parametrize(("name", "f", "wrt", "expected"), COOKBOOK, ids=[r[0] for r in COOKBOOK])
def test_cookbook_identity(cookbook, name, f, wrt, expected):
    d = cookbook[name]
    assert d.result.shape == wrt.shape
    assert_symbolically_equal(d.result, expected)
    assert_matches_finite_differences(f, wrt, d.result, seed=len(name))
    assert d.operation == "matrix_derivative"
    assert d.steps[-1].title == "checked"


@pytest.mark.parametrize(
    ("name", "f", "wrt", "expected"), SILENT_ZEROS, ids=[r[0] for r in SILENT_ZEROS]
)
def test_sympy_silent_zero_cases_are_right(name, f, wrt, expected):
    # every one of these must be answered (none refused), with the right matrix
    d = sm.matrix_derivative(f, wrt, rng=1)
    assert d.steps[-1].title == "checked"
    assert not isinstance(d.result, sympy.ZeroMatrix)
    assert_symbolically_equal(d.result, expected)
    assert_matches_finite_differences(f, wrt, d.result, seed=7)


def test_sympy_really_answers_zero_for_these():
    """The reason for the checks: SymPy's own answers (if this starts failing, SymPy was
    fixed, and the checks still hold)."""
    zeros = [sympy.diff(f, wrt) for _, f, wrt, _ in SILENT_ZEROS[:3]]
    assert all(isinstance(z, sympy.ZeroMatrix) for z in zeros)


def test_quadratic_form_steps_show_matrix_notation():
    n = 3
    xs, As = MatrixSymbol("x", n, 1), MatrixSymbol("A", n, n)
    d = sm.matrix_derivative(xs.T * As * xs, "x", rng=0)
    assert str(d.result) == "(A + A.T)*x"
    assert r"\left(A + A^{T}\right) x" in d.latex()
    assert "central differences" in d.steps[-1].latex


def test_log_det_steps_use_inverse_transpose():
    d = sm.matrix_derivative(sympy.log(Determinant(X)), X, rng=0)
    assert "X^{-T}" in d.steps[-2].latex
    assert d.steps[-2].title == "identification"


def test_verify_passes_and_catches_a_wrong_answer():
    d = sm.matrix_derivative(Trace(X.T * A * X), X, rng=0)
    v = d.verify(rng=3)
    assert v.passed and v.max_error < 1e-6 and v.method == "element-wise central differences"
    wrong = dataclasses.replace(d, result=A * X)
    assert not wrong.verify(rng=3).passed
    zero = dataclasses.replace(d, result=sympy.ZeroMatrix(k, k))
    assert not zero.verify(rng=3).passed


def _broken_sympy(monkeypatch):
    """SymPy answering zero for everything, and no rules: only the element-wise route."""
    monkeypatch.setattr(
        matrixcalc, "_sympy_derivative", lambda e, wrt: sympy.ZeroMatrix(*wrt.shape)
    )
    monkeypatch.setattr(matrixcalc, "RULES", {})
    monkeypatch.setattr(derive, "ROUTES", ())  # and not the matrix-form engine


def test_wrong_candidates_are_rejected_then_recognised(monkeypatch):
    _broken_sympy(monkeypatch)
    d = sm.matrix_derivative(a.T * X.I * b, X, rng=0)
    titles = [s.title for s in d.steps]
    assert "element-wise derivative" in titles
    assert titles[-2] == "recognised closed form (inverse and determinant)"
    assert_symbolically_equal(d.result, -X.I.T * a * b.T * X.I.T)


def test_explicit_matrix_when_no_closed_form_is_known(monkeypatch):
    _broken_sympy(monkeypatch)
    monkeypatch.setattr(matrixcalc, "CLOSED_FORMS", {})
    X3 = MatrixSymbol("X", 3, 3)
    f = sympy.log(Determinant(X3))
    d = sm.matrix_derivative(f, X3, rng=0)
    assert isinstance(d.result, sympy.MatrixBase) and d.result.shape == (3, 3)
    assert d.steps[-2].title == "explicit matrix"
    assert_matches_finite_differences(f, X3, d.result, seed=5)
    assert d.verify(rng=2).passed


def test_symbolic_size_without_closed_form_is_refused(monkeypatch):
    _broken_sympy(monkeypatch)
    monkeypatch.setattr(matrixcalc, "CLOSED_FORMS", {})
    with pytest.raises(sm.NotSupportedError, match="no recognised closed form"):
        sm.matrix_derivative(sympy.log(Determinant(X)), X, rng=0)


def test_an_answer_that_fails_every_check_is_refused(monkeypatch):
    _broken_sympy(monkeypatch)
    monkeypatch.setattr(matrixcalc, "_elementwise", lambda ex: sympy.zeros(*ex.entries[ex.X].shape))
    with pytest.raises(sm.NotSupportedError, match="passed the numeric check"):
        sm.matrix_derivative(Trace(A * X), X, rng=0)


@pytest.mark.parametrize(
    ("f", "wrt", "error", "match"),
    [
        (x.T * a, X, ValueError, "does not occur"),
        (x.T * a, "Q", ValueError, "not a matrix symbol"),
        (x.T * a, 3, TypeError, "MatrixSymbol"),
        (sympy.ImmutableMatrix([[1, 2]]), "x", ValueError, "scalar"),
    ],
)
def test_bad_input(f, wrt, error, match):
    with pytest.raises(error, match=match):
        sm.matrix_derivative(f, wrt)


def test_matrix_symbols_and_intervals_are_public() -> None:
    import symml as sm

    x = sm.MatrixSymbol("x", 3, 1)
    A = sm.MatrixSymbol("A", 3, 3)
    d = sm.matrix_derivative(x.T * A * x, x)
    assert d.verify(rng=0)
    assert sm.Interval(-1, 1).measure == 2
