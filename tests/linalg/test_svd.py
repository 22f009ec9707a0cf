"""The singular value decomposition: known answers, complex and symbolic input, the time
limit and its numeric fallbacks, and what ``verify`` checks."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
import sympy

import symml as sm
from symml.errors import DerivationTimeout
from tests.linalg.helpers import HARD_4X4, assert_matrix_equal, numeric

IM = sympy.I


@pytest.mark.parametrize(
    "A",
    [
        [[1, 2], [3, 4]],
        [[3, 0], [4, 5]],
        [[1, 0, 1], [0, 1, 0]],
        [[1, 1], [1, 1], [0, 0]],
    ],
)
def test_svd_exact(A):
    f = sm.svd(A)
    m, n = np.shape(A)
    assert f.U.shape == (m, m) and f.S.shape == (m, n) and f.V.shape == (n, n)
    assert_matrix_equal(f.U * f.S * f.V.T, A)
    assert_matrix_equal(f.U.T * f.U, sympy.eye(m))
    assert_matrix_equal(f.V.T * f.V, sympy.eye(n))
    sv = np.linalg.svd(np.array(A, float), compute_uv=False)
    np.testing.assert_allclose([float(x) for x in f.singular_values], sv, atol=1e-14)
    # the numeric callable (numpy) against the exact singular values, not numpy again
    exact = [float(x) for x in f.singular_values][: min(m, n)]
    np.testing.assert_allclose(f.to_numpy()(), exact, atol=1e-14)
    assert f.verify()


def test_svd_float_input_is_numeric():
    f = sm.svd([[1.5, 2.0], [0.0, 1.0]])
    assert f.method == "numeric (float input)"
    assert f.verify()


# --- the time limit -----------------------------------------------------------------------


def assert_factors(U, S, V, A) -> None:
    """U S V^H == A with orthonormal U, V (to 1e-10, from the exact input)."""
    U, S, V, A = (numeric(x) for x in (U, S, V, A))
    np.testing.assert_allclose(U @ S @ V.conj().T, A, atol=1e-10 * np.abs(A).max())
    np.testing.assert_allclose(U.conj().T @ U, np.eye(U.shape[1]), atol=1e-10)
    np.testing.assert_allclose(V.conj().T @ V, np.eye(V.shape[1]), atol=1e-10)


@pytest.mark.parametrize("timeout", [1.0, 2.0])
def test_svd_returns_within_its_timeout(timeout):
    t0 = time.monotonic()
    f = sm.svd(HARD_4X4, timeout=timeout)
    assert time.monotonic() - t0 < timeout + 2.0
    assert f.U is not None, f.method
    assert_factors(f.U, f.S, f.V, HARD_4X4)


# --- complex and Hermitian input -----------------------------------------------------------


@pytest.mark.parametrize(
    "A", [[[1, IM], [0, 1]], [[2, 1 + IM], [0, 1], [IM, 3]], [[IM, 0], [0, 2]]]
)
def test_svd_of_a_complex_matrix(A):
    M = sympy.Matrix(A)
    f = sm.svd(M)
    assert f.method == "symbolic"
    assert_factors(f.U, f.S, f.V, M)
    np.testing.assert_allclose(
        [complex(sympy.N(x, 30)) for x in f.singular_values],
        np.linalg.svd(numeric(M), compute_uv=False),
        atol=1e-12,
    )
    assert f.verify()
    assert r"V^{H}" in f.latex()


def test_svd_verify_checks_the_factors():
    f = sm.svd([[1, 2], [3, 4]])
    assert f.verify()
    swapped = dataclasses.replace(f, U=f.U[:, ::-1])
    assert not swapped.verify()


# --- the numeric fallbacks of svd ---------------------------------------------------------------


def test_svd_symbolic():
    f = sm.svd("[[a, 0], [0, b]]")
    assert f.method == "symbolic"
    a, b = f.matrix[0, 0], f.matrix[1, 1]
    assert set(f.singular_values) == {sympy.Abs(a), sympy.Abs(b)}
    for at in [{a: 2, b: -3}, {a: sympy.Rational(-1, 2), b: 5}]:
        assert_factors(f.U.subs(at), f.S.subs(at), f.V.subs(at), f.matrix.subs(at))
    assert f.verify(rng=0)


def test_svd_symbolic_general_2x2_reconstructs_at_random_points():
    f = sm.svd("[[a, b], [b, a]]")
    assert f.method == "symbolic"
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(4):
        at = dict(
            zip(
                sorted(f.matrix.free_symbols, key=str),
                [sympy.Rational(int(x), 7) for x in rng.integers(-20, 20, 2)],
                strict=True,
            )
        )
        if f.matrix.subs(at).det() == 0 or abs(at[next(iter(at))]) == abs(list(at.values())[1]):
            continue
        assert_factors(f.U.subs(at), f.S.subs(at), f.V.subs(at), f.matrix.subs(at))
        checked += 1
    assert checked >= 3  # the skips above are rare: the loop really checks points
    assert f.verify(rng=0)


def test_svd_fallbacks(monkeypatch):
    def timeout(*args, **kwargs):
        raise DerivationTimeout("forced")

    monkeypatch.setattr("symml.linalg.eigen._roots", timeout)
    constant = sm.svd([[1, 2], [3, 4]], timeout=5)
    assert constant.method == "numeric (timeout)" and constant.U is not None
    assert_factors(constant.U, constant.S, constant.V, sympy.Matrix([[1, 2], [3, 4]]))
    symbolic = sm.svd("[[a, 1], [0, a]]", timeout=5)
    assert symbolic.method == "numeric (timeout)" and symbolic.U is None
    assert "numeric only" in symbolic.plain()
    np.testing.assert_allclose(
        symbolic.to_numpy()(2.0), np.sqrt([(9 + np.sqrt(17)) / 2, (9 - np.sqrt(17)) / 2])
    )
