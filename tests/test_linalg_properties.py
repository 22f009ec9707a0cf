"""Property tests: random integer matrices reconstruct exactly; numeric forms agree with NumPy."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symml as sm
from symml.linalg import _order

SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

entries = st.integers(min_value=-4, max_value=4)


def square(n: int) -> st.SearchStrategy[sympy.ImmutableMatrix]:
    return st.lists(entries, min_size=n * n, max_size=n * n).map(
        lambda xs: sympy.ImmutableMatrix(n, n, xs)
    )


@st.composite
def rectangular(draw: st.DrawFn) -> sympy.ImmutableMatrix:
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return sympy.ImmutableMatrix(m, n, draw(st.lists(entries, min_size=m * n, max_size=m * n)))


@st.composite
def integer_spectrum(draw: st.DrawFn) -> sympy.ImmutableMatrix:
    """A 3x3 integer matrix S T S^-1 with S unimodular and T upper triangular: integer
    eigenvalues, possibly repeated, possibly defective."""
    lower = sympy.Matrix(3, 3, lambda i, j: 1 if i == j else (draw(entries) if i > j else 0))
    upper = sympy.Matrix(3, 3, lambda i, j: 1 if i == j else (draw(entries) if i < j else 0))
    S = lower * upper
    T = sympy.Matrix(3, 3, lambda i, j: draw(entries) if i <= j else 0)
    return sympy.ImmutableMatrix(S * T * S.inv())


@st.composite
def symmetric(draw: st.DrawFn, n: int) -> sympy.ImmutableMatrix:
    M = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i, n):
            M[i, j] = M[j, i] = draw(entries)
    return sympy.ImmutableMatrix(M)


def assert_zero(M: sympy.MatrixBase) -> None:
    """Every entry simplifies to exactly zero."""
    assert sympy.Matrix(M).applyfunc(sympy.simplify).is_zero_matrix, M


def assert_eigen_exact(e: sm.Eigen) -> None:
    """A v = λ v exactly for every eigenpair, and A = P D P^-1 exactly when diagonalizable."""
    A = sympy.Matrix(e.matrix)
    assert e.method == "symbolic"
    assert sum(alg for alg, _ in e.multiplicities.values()) == A.rows
    for value, basis in e.eigenspaces.items():
        alg, geo = e.multiplicities[value]
        assert 1 <= geo <= alg and len(basis) == geo
        for v in basis:
            assert_zero(A * v - value * v)
    if e.is_diagonalizable:
        assert_zero(e.P * e.D * e.P.inv() - A)
    else:
        assert e.P is None and any(g < a for a, g in e.multiplicities.values())


@SETTINGS
@given(square(2))
def test_eig_2x2_reconstructs_exactly(A):
    assert_eigen_exact(sm.eig(A))


@SETTINGS
@given(integer_spectrum())
def test_eig_3x3_integer_spectrum_reconstructs_exactly(A):
    e = sm.eig(A)
    assert_eigen_exact(e)
    assert all(v.is_Integer for v in e.values)


@SETTINGS
@given(rectangular())
def test_lu_reconstructs_exactly(A):
    f = sm.lu(A)
    assert f.P * f.L * f.U == A
    assert f.L.is_lower and f.U.is_upper


@SETTINGS
@given(square(3) | square(2) | rectangular())
def test_qr_reconstructs_exactly(A):
    assume(not A.is_zero_matrix)  # the zero matrix is a ValueError, tested elsewhere
    f = sm.qr(A)
    rank = A.rank()
    assert f.Q.shape == (A.rows, rank) and f.R.shape == (rank, A.cols)
    assert_zero(f.Q * f.R - A)
    assert_zero(f.Q.T * f.Q - sympy.eye(rank))
    assert f.R.is_upper
    for i in range(rank):  # row echelon: each row starts with a positive pivot, further right
        pivot = next(j for j in range(A.cols) if f.R[i, j] != 0)
        assert f.R[i, pivot].is_positive
        assert i == 0 or pivot > next(j for j in range(A.cols) if f.R[i - 1, j] != 0)
    assert np.linalg.matrix_rank(np.array(A, float)) == rank


@settings(SETTINGS, max_examples=12)
@given(symmetric(2) | symmetric(3))
def test_spectral_gives_orthonormal_q(A):
    s = sm.spectral(A)
    assert s.Q is not None and s.method == "symbolic"
    Q = np.array(sympy.lambdify([], list(s.Q), "numpy")(), dtype=complex).reshape(A.shape)
    lam = np.array([complex(x) for x in s.Lambda.diagonal()])
    np.testing.assert_allclose(Q.conj().T @ Q, np.eye(A.rows), atol=1e-12)
    np.testing.assert_allclose(Q @ np.diag(lam) @ Q.conj().T, np.array(A, float), atol=1e-12)
    np.testing.assert_allclose(lam.real, np.linalg.eigvalsh(np.array(A, float))[::-1], atol=1e-12)
    if A.rows == 2:
        assert_zero(s.Q.T * s.Q - sympy.eye(2))


@SETTINGS
@given(square(2) | square(3))
def test_numeric_eigenvalues_agree_with_numpy(A):
    e = sm.eig(A)
    got = e.to_numpy()()
    expected = _order(np.linalg.eigvals(np.array(A, float)))
    np.testing.assert_allclose(got, expected, atol=1e-6 * max(1.0, np.abs(expected).max()))
    assert e.verify()
