"""Shared by the linear-algebra tests: exact and numeric comparisons of matrices, the
matrices several files use, and hypothesis strategies of small integer matrices."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import symml.linalg as la

# --- comparisons ---------------------------------------------------------------------------


def assert_matrix_equal(M, N):
    """Exact equality of two matrices, up to simplification."""
    diff = (sympy.Matrix(M) - sympy.Matrix(N)).applyfunc(sympy.simplify)
    assert diff.is_zero_matrix, f"{M} != {N}"


def assert_zero(M: sympy.MatrixBase) -> None:
    """Every entry simplifies to exactly zero."""
    assert sympy.Matrix(M).applyfunc(sympy.simplify).is_zero_matrix, M


def numeric(M: sympy.MatrixBase) -> np.ndarray:
    """The exact matrix ``M`` evaluated in complex double precision (by lambdify: evalf
    takes minutes on the huge closed forms of a 4x4 spectral decomposition)."""
    M = sympy.Matrix(M)
    return la._complex_fn(tuple(M), ())().reshape(M.shape)


# --- matrices whose decompositions run into the time limit ---------------------------------

#: A general symmetric 4x4: the roots of its quartic characteristic polynomial run for minutes.
SYMBOLIC_4X4 = "[[a, b, c, d], [b, k, f, g], [c, f, h, m], [d, g, m, n]]"
TIMEOUT = 1.0

#: A constant 4x4 whose exact SVD and spectral decomposition (of HARD_4X4ᵀ HARD_4X4) are slow.
HARD_4X4 = sympy.Matrix([[1, 2, 3, -2], [4, -4, -4, 4], [4, -2, -3, -2], [-4, 4, 1, 1]])

# --- random integer matrices (hypothesis) ----------------------------------------------------

SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

entries = st.integers(min_value=-4, max_value=4)


def square(n: int) -> st.SearchStrategy[sympy.ImmutableMatrix]:
    return st.lists(entries, min_size=n * n, max_size=n * n).map(
        lambda xs: sympy.ImmutableMatrix(n, n, xs)
    )
