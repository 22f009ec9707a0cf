"""LU, QR and Gram–Schmidt: pivoting, rank-deficient and wide matrices, symbolic and float
input, dependent vectors, and random integer matrices that reconstruct exactly."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

import symml as sm
from tests.linalg.helpers import (
    SETTINGS,
    assert_matrix_equal,
    assert_zero,
    entries,
    numeric,
    square,
)

a, b, c, d = sm.symbols("a b c d")
IM = sympy.I


@pytest.mark.parametrize(
    "A",
    [
        [[0, 1], [1, 0]],
        [[0, 2, 1], [1, 1, 1], [2, 1, 0]],
        [[1, 2], [2, 4]],
        [[0, 0], [0, 1]],
        [[1, 2, 3], [4, 5, 6]],
        [[2, 1], [4, 3], [6, 5]],
    ],
)
def test_lu_pivots_and_reconstructs(A):
    f = sm.lu(A)
    assert sympy.Matrix(A) == f.P * f.L * f.U
    assert f.L.is_lower and all(x == 1 for x in f.L.diagonal())
    assert f.U.is_upper
    assert sorted(f.P * sympy.ones(f.P.rows, 1)) == [1] * f.P.rows  # a permutation
    assert f.verify()


def test_lu_symbolic():
    f = sm.lu("[[a, b], [c, d]]")
    assert_matrix_equal(f.P * f.L * f.U, [[a, b], [c, d]])
    assert f.verify(rng=0)
    assert any(s.title == "eliminate column 1" for s in f.steps)


def test_lu_floats_use_partial_pivoting():
    f = sm.lu([[1.0, 2.0], [4.0, 1.0]])
    assert sympy.Matrix([[0, 1], [1, 0]]) == f.P
    assert f.verify()


@pytest.mark.parametrize("A", [[[3, 0], [4, 5]], [[1, 2], [3, 4]], [[1, 1], [1, 0], [0, 1]]])
def test_qr_exact(A):
    f = sm.qr(A)
    assert_matrix_equal(f.Q * f.R, A)
    assert_matrix_equal(f.Q.T * f.Q, sympy.eye(f.Q.cols))
    assert f.R.is_upper and all(x.is_positive for x in f.R.diagonal())
    _, Rn = np.linalg.qr(np.array(A, float))
    np.testing.assert_allclose(np.abs(np.array(f.R, float)), np.abs(Rn), atol=1e-12)
    assert f.verify()


def test_qr_symbolic_verifies():
    assert sm.qr("[[a, 1], [1, a]]").verify(rng=2)


# --- gram_schmidt -------------------------------------------------------------------------


def test_gram_schmidt_known_answer():
    out = sm.gram_schmidt([(2, 1, 1), (1, 2, 1), (1, 1, 2)])
    expected = [
        sympy.Matrix([2, 1, 1]) / sympy.sqrt(6),
        sympy.Matrix([-4, 7, 1]) / sympy.sqrt(66),
        sympy.Matrix([-1, -1, 3]) / sympy.sqrt(11),
    ]
    assert out == expected
    d = sm.gram_schmidt("[[2,1,1],[1,2,1],[1,1,2]]", steps=True)
    assert list(d.result.T.tolist()) == [list(e) for e in expected]
    assert d.verify()


def test_gram_schmidt_unnormalized_is_orthogonal():
    out = sm.gram_schmidt([[1, 1, 0], [1, 0, 1]], normalize=False)
    assert out[0] == sympy.Matrix([1, 1, 0])
    assert out[1] == sympy.Matrix([sympy.Rational(1, 2), -sympy.Rational(1, 2), 1])
    assert out[0].dot(out[1]) == 0


@pytest.mark.parametrize(
    "vectors",
    [[(1, 2, 3), (2, 4, 6)], [(1, 0), (0, 1), (1, 1)], [(0, 0, 0)], [(1.0, 2.0), (0.5, 1.0)]],
)
def test_gram_schmidt_dependent_is_a_value_error(vectors):
    with pytest.raises(ValueError, match="linearly dependent"):
        sm.gram_schmidt(vectors)


# --- random integer matrices reconstruct exactly (hypothesis) -----------------------------


@st.composite
def rectangular(draw: st.DrawFn) -> sympy.ImmutableMatrix:
    m, n = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return sympy.ImmutableMatrix(m, n, draw(st.lists(entries, min_size=m * n, max_size=m * n)))


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


# --- QR of any matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2], [2, 4]],
        [[1, 2, 3], [4, 5, 6]],
        [[0, 1], [0, 1]],
        [[1, 2, 3], [2, 4, 6], [1, 0, 1]],
        [[1, 1, 2], [1, 1, 2], [0, 1, 1], [0, 0, 0]],
        [[1, IM], [IM, -1]],
        [[1.0, 2.0], [2.0, 4.0]],
    ],
)
def test_qr_of_rank_deficient_or_wide_matrices(A):
    M = sympy.Matrix(A)
    f = sm.qr(M)
    rank = np.linalg.matrix_rank(numeric(M))
    assert f.Q.shape == (M.rows, rank) and f.R.shape == (rank, M.cols)
    Q, R = numeric(f.Q), numeric(f.R)
    np.testing.assert_allclose(Q @ R, numeric(M), atol=1e-12)
    np.testing.assert_allclose(Q.conj().T @ Q, np.eye(rank), atol=1e-12)
    np.testing.assert_allclose(np.triu(R), R, atol=0)
    if not M.has(sympy.Float):
        assert (f.Q * f.R - M).applyfunc(sympy.simplify) == sympy.zeros(*M.shape)
    if rank == M.rows:  # full row rank: numpy's R is the same up to the signs of its rows
        _, Rn = np.linalg.qr(numeric(M))
        np.testing.assert_allclose(np.abs(R), np.abs(Rn), atol=1e-12)
    assert f.verify()


def test_qr_dependent_column_is_a_step():
    f = sm.qr([[1, 2], [2, 4]])
    assert "column 2 is dependent" in [s.title for s in f.steps]
    assert sympy.Matrix([1, 2]) / sympy.sqrt(5) == f.Q
    assert sympy.Matrix([[sympy.sqrt(5), 2 * sympy.sqrt(5)]]) == f.R


# --- complex vectors ----------------------------------------------------------------------


def test_complex_gram_schmidt_entries_are_tidy():
    """Before: the second vector had the entry 1 - I*(1/2 - I/2)."""
    q1, q2 = sm.gram_schmidt([[1, IM], [1, 1]])
    assert q2 == sympy.Matrix([sympy.Rational(1, 2) + IM / 2, sympy.Rational(1, 2) - IM / 2])
    Q = numeric(sympy.Matrix.hstack(q1, q2))
    np.testing.assert_allclose(Q.conj().T @ Q, np.eye(2), atol=1e-15)
    # Gram–Schmidt order: q1 is v1 normalized, q2 the normalized part of v2 orthogonal to it
    np.testing.assert_allclose(Q[:, 0], np.array([1, 1j]) / np.sqrt(2), atol=1e-15)
    r = np.array([1, 1]) - (Q[:, 0].conj() @ np.array([1, 1])) * Q[:, 0]
    np.testing.assert_allclose(Q[:, 1], r / np.linalg.norm(r), atol=1e-15)
