"""Matrices with non-finite entries are bad input, and compiled spectra are NaN where the
matrix is not finite."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symml as sm

# --- non-finite entries are bad input -------------------------------------------------------

NON_FINITE = [
    [[sympy.oo, 1], [0, 1]],
    [[1, -sympy.oo], [0, 1]],
    [[sympy.zoo, 1], [0, 1]],
    [[sympy.nan, 1], [0, 1]],
    [[float("inf"), 1.0], [0.0, 1.0]],
    [[1.0, float("nan")], [0.0, 1.0]],
    "[[1/0, 1], [0, 1]]",  # zoo
    "[[1e308*10, 1], [0, 1]]",  # a Float beyond double precision
    "[[log(0), a], [a, 1]]",
]


@pytest.mark.parametrize(
    "fn", ["eig", "spectral", "svd", "qr", "lu", "det", "inverse", "charpoly", "norm"]
)
@pytest.mark.parametrize("A", NON_FINITE)
def test_non_finite_entries_are_refused(fn, A):
    """Before: eig raised SymPy's TypeError (oo), returned [1, nan] (nan) or numpy's
    LinAlgError; svd([[oo]]) returned U = [[0]]. Now a ValueError naming the entry."""
    what = "v" if fn == "norm" else "A"
    with pytest.raises(ValueError, match=rf"{fn}: {what} has a non-finite entry .* at row 1"):
        getattr(sm, fn)(A)


@pytest.mark.parametrize(
    "call",
    [
        lambda: sm.gram_schmidt([[1, 2], [float("nan"), 1]]),
        lambda: sm.projection([1, 2], [sympy.oo, 1]),
        lambda: sm.norm([float("nan"), 1.0]),
    ],
)
def test_non_finite_vectors_are_refused(call):
    with pytest.raises(ValueError, match="non-finite entry"):
        call()


# --- to_numpy at a parameter value where the matrix is not finite --------------------------

COMPANION_5 = "[[0,0,0,0,a],[1,0,0,0,1],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0]]"


@pytest.mark.parametrize(
    "kind, text",
    [
        ("eig", "[[a, 1], [1, a]]"),  # closed form checked against eigvalsh
        ("eig", "[[a, 2], [3, -a]]"),  # closed form checked against eigvals
        ("eig", COMPANION_5),  # no closed form: eigvals
        ("vectors", "[[a, 1], [1, a]]"),
        ("vectors", "[[a, 2], [3, -a]]"),
        ("spectral", "[[a, 1], [1, 2]]"),
        ("svd", "[[a, 1], [0, 2], [1, 1]]"),
        ("eig", "[[sqrt(a), 1], [1, 0]]"),  # a < 0: outside the real domain of sqrt
    ],
)
def test_to_numpy_is_nan_where_the_matrix_is_not_finite(kind, text):
    """Before: eig("[[a, 1], [1, a]]").to_numpy()(nan) gave [1.414, -1.414] (eigvalsh reads one
    triangle); the non-symmetric ones raised LinAlgError for the whole array."""
    make = {
        "eig": lambda t: sm.eig(t).to_numpy(),
        "vectors": lambda t: sm.eig(t).to_numpy(vectors=True),
        "spectral": lambda t: sm.spectral(t).to_numpy(),
        "svd": lambda t: sm.svd(t).to_numpy(),
    }
    f = make[kind](text)
    a = np.array([1.5, np.nan, -1.0, 2.0])
    out = f(a)
    values = out[0] if kind == "vectors" else out
    M = sm.parse(text)
    (param,) = M.free_symbols
    for x, got in zip(a, values, strict=True):
        A = np.array(M.subs(param, x).evalf(), dtype=complex)
        if not np.all(np.isfinite(A)) or np.any(A.imag):
            assert np.all(np.isnan(got)), (x, got)
            continue
        # a defined point: the values there, by traces of powers (no eigen-solver)
        got = np.asarray(got, dtype=complex)
        if kind == "svd":
            A = A.conj().T @ A
            got = np.concatenate([got**2, np.zeros(len(A) - got.size)])
        for k in range(1, len(A) + 1):
            np.testing.assert_allclose(
                np.sum(got**k), np.trace(np.linalg.matrix_power(A, k)), atol=1e-8 * 10**k
            )
    if kind == "vectors":
        assert np.all(np.isnan(out[1][np.isnan(a)]))
        assert np.all(np.isfinite(out[1][[0, 3]]))
    at_nan = f(np.nan)
    assert np.all(np.isnan(at_nan[0] if kind == "vectors" else at_nan))
