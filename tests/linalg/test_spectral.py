"""The spectral decomposition A = Q Λ Qᵀ (Q Λ Qᴴ): known answers, Hermitian input, the
time limit and its fallback, and random symmetric matrices."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symml as sm
from tests.linalg.helpers import (
    HARD_4X4,
    SETTINGS,
    SYMBOLIC_4X4,
    TIMEOUT,
    assert_matrix_equal,
    assert_zero,
    entries,
    numeric,
)

IM = sympy.I

# --- known answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "A",
    [
        [[2, 1], [1, 2]],
        [[3, 1, 1], [1, 3, 1], [1, 1, 3]],
        [[2, 0, 0], [0, 3, 4], [0, 4, 9]],
    ],
)
def test_spectral_exact(A):
    s = sm.spectral(A)
    assert_matrix_equal(s.Q.T * s.Q, sympy.eye(len(A)))
    assert_matrix_equal(s.Q * s.Lambda * s.Q.T, A)
    assert s.Lambda.is_diagonal()
    np.testing.assert_allclose(
        [float(x) for x in s.Lambda.diagonal()], np.linalg.eigvalsh(np.array(A, float))[::-1]
    )
    assert s.verify()
    assert s.latex().endswith(r"\end{aligned}")


def test_spectral_symbolic_is_orthonormal_at_random_parameters():
    s = sm.spectral("[[a, b], [b, c]]")
    assert s.verify(rng=3, points=8)


# --- the time limit -----------------------------------------------------------------------


def test_spectral_falls_back_too():
    t0 = time.monotonic()
    s = sm.spectral(SYMBOLIC_4X4, timeout=TIMEOUT)
    assert time.monotonic() - t0 < TIMEOUT + 2.0
    assert s.Q is None and s.method == "numeric (timeout)"
    assert any(st.title.startswith("fallback") for st in s.steps)
    # all parameters 1: the all-ones matrix, eigenvalues 4, 0, 0, 0 exactly
    np.testing.assert_allclose(s.to_numpy()(*np.ones(10)), [4.0, 0.0, 0.0, 0.0], atol=1e-12)
    assert s.verify(rng=1)


@pytest.mark.parametrize("timeout", [1.0, 3.0])
def test_spectral_returns_within_its_timeout(timeout):
    G = HARD_4X4.T * HARD_4X4
    t0 = time.monotonic()
    s = sm.spectral(G, timeout=timeout)
    assert time.monotonic() - t0 < timeout + 2.0
    assert s.Q is not None, s.method
    Q, Lam = numeric(s.Q), numeric(s.Lambda)
    np.testing.assert_allclose(Q @ Lam @ Q.T, numeric(G), atol=1e-9 * 300)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-10)
    if s.method == "symbolic":  # the closed form is huge: its step is summarized, not rendered
        assert any("too large to show" in st.latex for st in s.steps)


# --- random symmetric matrices (hypothesis) -----------------------------------------------


@st.composite
def symmetric(draw: st.DrawFn, n: int) -> sympy.ImmutableMatrix:
    M = sympy.zeros(n, n)
    for i in range(n):
        for j in range(i, n):
            M[i, j] = M[j, i] = draw(entries)
    return sympy.ImmutableMatrix(M)


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


# --- Hermitian input -----------------------------------------------------------------------


def test_spectral_of_a_hermitian_matrix():
    A = sympy.Matrix([[2, IM], [-IM, 2]])
    s = sm.spectral(A)
    assert s.method == "symbolic"
    assert s.Lambda == sympy.diag(3, 1)
    assert (s.Q.H * s.Q).applyfunc(sympy.simplify) == sympy.eye(2)
    assert (s.Q * s.Lambda * s.Q.H - A).applyfunc(sympy.simplify) == sympy.zeros(2)
    np.testing.assert_allclose(
        np.diag(numeric(s.Lambda)).real, np.linalg.eigvalsh(numeric(A))[::-1]
    )
    assert s.verify()
    assert r"Q^{H}" in s.latex()


def test_spectral_of_a_hermitian_matrix_with_a_parameter():
    a = sympy.Symbol("a", real=True)
    s = sm.spectral(sympy.Matrix([[a, 1 + IM], [1 - IM, -a]]))
    assert s.Q is not None and s.method == "symbolic"
    at = {a: sympy.Rational(3, 7)}
    A = numeric(s.matrix.subs(at))
    Q, Lam = numeric(s.Q.subs(at)), numeric(s.Lambda.subs(at))
    np.testing.assert_allclose(Q @ Lam @ Q.conj().T, A, atol=1e-12)
    assert s.verify(rng=2)


@pytest.mark.parametrize(
    ("A", "match"),
    [
        ([[2, IM], [IM, 0]], "complex symmetric, not Hermitian"),
        ([[1, IM], [IM, 1]], "complex symmetric, not Hermitian"),
        ([[1, IM], [2, 1]], "not Hermitian"),
        ([[IM, 0], [0, 1]], "not Hermitian"),
    ],
)
def test_spectral_rejects_non_hermitian_complex_input(A, match):
    with pytest.raises(ValueError, match=match):
        sm.spectral(A)


def test_spectral_float_fallback_step_is_valid_latex():
    s = sm.spectral([[2.0, 1.0], [1.0, 2.0]])
    fallback = [st.latex for st in s.steps if st.title.startswith("fallback")]
    assert any(r"\quad \text{(numpy.linalg.eigh)}" in text for text in fallback)
    assert all("\t" not in st.latex for st in s.steps)
