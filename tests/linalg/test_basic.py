"""det, inverse, charpoly, projection and norm: known answers and NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symml as sm
from tests.linalg.helpers import assert_matrix_equal, numeric

a, b, c, d = sm.symbols("a b c d")
IM = sympy.I


@pytest.mark.parametrize(
    ("A", "expected"),
    [
        ([[1, 2], [3, 4]], -2),
        ([[2, 0, 1], [1, 3, 2], [1, 1, 2]], 6),
        ("[[a, b], [c, d]]", a * d - b * c),
    ],
)
def test_det_known_answers(A, expected):
    assert sympy.expand(sm.det(A) - expected) == 0
    der = sm.det(A, steps=True)
    assert der.result == sm.det(A) and der.verify(rng=0)


def test_det_matches_numpy():
    A = [[2, -1, 0, 3], [1, 0, 4, 1], [0, 2, 1, 1], [3, 1, 0, 2]]
    assert float(sm.det(A)) == pytest.approx(np.linalg.det(np.array(A, float)), rel=1e-12)


def test_inverse_exact_and_symbolic():
    A = sympy.Matrix([[2, 1, 0], [1, 2, 1], [0, 1, 2]])
    assert sm.inverse(A) * A == sympy.eye(3)
    np.testing.assert_allclose(np.array(sm.inverse(A), float), np.linalg.inv(np.array(A, float)))
    inv = sm.inverse("[[a, b], [c, d]]", steps=True)
    assert_matrix_equal(inv.result * sympy.Matrix([[a, b], [c, d]]), sympy.eye(2))
    assert inv.verify(rng=0)


def test_charpoly_known_answer_and_roots():
    lam = sympy.Symbol("lambda")
    assert sm.charpoly([[2, 1], [1, 2]]) == lam**2 - 4 * lam + 3
    A = [[1, 2, 0], [0, 3, 1], [1, 0, 2]]
    p = sympy.Poly(sm.charpoly(A, "t"), sympy.Symbol("t"))
    np.testing.assert_allclose([float(x) for x in p.all_coeffs()], np.poly(np.array(A, float)))
    assert sm.charpoly("[[a, 1], [1, a]]", steps=True).verify(rng=0)


def test_projection_known_answer():
    assert sm.projection([1, 2], [2, 1]) == sympy.Matrix(
        [sympy.Rational(8, 5), sympy.Rational(4, 5)]
    )
    d = sm.projection([1, 2, 3], [[1, 0], [0, 1], [0, 0]], steps=True)
    assert d.result == sympy.Matrix([1, 2, 0])
    assert d.verify()
    assert sm.projection("[x, y]", "[1, 1]", steps=True).verify(rng=0)


@pytest.mark.parametrize(
    ("p", "expected"),
    [(1, 7.5), (2, 4.036087214122113), ("inf", 3.0), (sympy.oo, 3.0), (np.inf, 3.0)],
)
def test_norm_known_answers(p, expected):
    assert float(sm.norm([-3, 1.2, 1.2, 2.1], p)) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("p", [1, 2, 3, 2.5, "inf"])
def test_norm_general_p_matches_numpy(p):
    v = [-3, 1, 4, -2]
    order = np.inf if p == "inf" else p
    assert float(sm.norm(v, p)) == pytest.approx(np.linalg.norm(v, ord=order), rel=1e-14)


def test_norm_exact_symbolic_and_matrix():
    assert sm.norm([3, 4]) == 5
    assert sm.norm([1, 1], 3) == sympy.root(2, 3)
    x, y = sm.symbols("x y")
    assert sm.norm("[x, y]") == sympy.sqrt(x**2 + y**2)
    assert sm.norm("[x, -2, y]", 3, steps=True).verify(rng=0)
    A = [[1, -2], [3, 4]]
    for p, order in [(1, 1), ("inf", np.inf), ("fro", "fro"), (2, 2)]:
        assert float(sm.norm(A, p)) == pytest.approx(np.linalg.norm(np.array(A, float), ord=order))


@pytest.mark.parametrize("A", [[[1, 2], [2, 4]], "[[a, a], [a, a]]", [[1.0, 2.0], [0.5, 1.0]]])
def test_singular_inverse_is_a_value_error(A):
    with pytest.raises(ValueError, match="singular"):
        sm.inverse(A)


# --- the 2-norm of a matrix ----------------------------------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2, 3], [4, 5, 6], [7, 8, 10]],
        [[1, -2], [3, 4]],
        [[1, 2], [2, 4]],
        [[0, 0], [0, 0]],
        [[2, 0, 0], [0, -3, 0], [0, 0, 1]],
        [[1, IM], [0, 1]],
        [[sympy.sqrt(2), 1], [0, sympy.sqrt(3)]],
        [[1.5, 2.0], [0.0, 1.0]],
    ],
)
def test_matrix_2_norm_matches_numpy(A):
    value = sm.norm(A, 2)
    assert value.is_real is not False and not value.has(IM)
    assert float(value) == pytest.approx(
        np.linalg.norm(numeric(sympy.Matrix(A)), 2), rel=1e-13, abs=1e-15
    )
    assert sm.norm(A, 2, steps=True).verify()


def test_matrix_2_norm_of_a_diagonal_is_exact():
    assert sm.norm([[2, 0, 0], [0, -3, 0], [0, 0, 1]], 2) == 3
    assert sm.norm([[1, -2], [3, 4]], 2) == sympy.sqrt(15 + 5 * sympy.sqrt(5))


@pytest.mark.parametrize("p", [np.int64(2), np.int32(2), np.float64(2.0), np.float32(2.0)])
def test_norm_takes_numpy_scalars(p):
    assert float(sm.norm([3, 4], p)) == pytest.approx(5.0, rel=1e-15)
    assert float(sm.norm([3, -4], np.int64(1))) == 7.0


def test_norm_rejects_numpy_bool():
    with pytest.raises(TypeError, match="p must be"):
        sm.norm([3, 4], np.bool_(True))


def test_inverse_of_a_numerically_singular_float_matrix_says_so():
    """Before: 'is singular (det A = 1.11e-15)', a contradiction on its face."""
    A = [[1.0, 1.0], [1.0, 1.0 + 1e-15]]
    assert np.linalg.cond(np.array(A)) > 1e15  # numerically singular indeed
    with pytest.raises(
        ValueError,
        match=r"numerically singular \(rank 1 < 2 in floating "
        r"point; det A = 1\.1\d*E-15\)",
    ):
        sm.inverse(A)
    with pytest.raises(ValueError, match=r"is singular \(det A = 0\)"):
        sm.inverse([[1, 2], [2, 4]])
