"""What ``verify`` checks across the factorizations: numeric-only results, badly scaled
matrices, and each closed form compiled once."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import sympy

import symml as sm
import symml.linalg as la
from symml.errors import DerivationTimeout


def test_numeric_only_verify_checks_against_the_matrix(monkeypatch):
    """With only numeric values, verify() checks them against A itself (σ_min(A − λI),
    tr Aᵏ), not against numpy's solver again: wrong values fail."""

    def timeout(*args, **kwargs):
        raise DerivationTimeout("forced")

    monkeypatch.setattr("symml.linalg.eigen._roots", timeout)
    e = sm.eig("[[a, 1], [1, b]]", timeout=5)
    s = sm.spectral("[[a, 1], [1, b]]", timeout=5)
    f = sm.svd("[[a, 1], [0, b]]", timeout=5)
    assert e.values == () and s.Q is None and f.U is None
    assert e.verify(rng=0) and s.verify(rng=0) and f.verify(rng=0)
    for cls, obj in [(sm.Eigen, e), (sm.Spectral, s), (sm.SVD, f)]:
        good = cls.to_numpy

        def skewed(self, *, _good=good, **kwargs):
            inner = _good(self, **kwargs)
            return la.SpectrumFunction(inner.wrt, inner.kind, lambda *a: 1.001 * inner(*a))

        monkeypatch.setattr(cls, "to_numpy", skewed)
        assert not obj.verify(rng=0), cls.__name__


# --- verify on badly scaled or nearly degenerate exact matrices ------------------------------

SCALED = [
    [[10**12, 1], [1, 10**12]],  # eigenvalues 1e12 ± 1
    [[10**30, 1], [1, 10**30]],  # 1e30 ± 1: a gap below eps
    [[1, sympy.Rational(1, 10**12)], [sympy.Rational(1, 10**12), 1]],  # 1 ± 1e-12
    [[10**10, 3], [1, 2]],  # cond ~ 5e9, full rank
    [[10**9, 1, 0], [0, 2, 1], [1, 0, 3]],
]


@pytest.mark.parametrize(
    ("fn", "A"),
    [
        (fn, A)
        for A in SCALED
        for fn in ("eig", "spectral", "svd", "qr", "lu")
        if fn != "spectral" or sympy.Matrix(A).is_symmetric()
    ],
)  # spectral needs a symmetric A
def test_verify_passes_correct_factors_of_badly_scaled_matrices(fn, A):
    """Before: eig/spectral/svd/qr verify() failed these exact, correct results: matrix
    identities were compared entry by entry against a floor of 1 (an entry 1 next to 1e12
    carries an absolute float error ~1e-4), QR's numeric rank used 1e-8 ‖A‖ (rank 1 for
    [[1e10, 3], [1, 2]]), and eigenvalues 1e12 ± 1 were each found to have a 2-dimensional
    numeric null space."""
    M = sympy.Matrix(A)
    result = getattr(sm, fn)(A)
    check = result.verify()
    assert check, check.details
    # an independent exact check of the same result: the factors multiply back exactly
    if fn == "eig":
        for v, basis in result.eigenspaces.items():
            for b in basis:
                assert sympy.simplify(M * b - v * b) == sympy.zeros(M.rows, 1)
    elif fn == "qr":
        assert sympy.simplify(result.Q * result.R - M) == sympy.zeros(*M.shape)
    elif fn == "lu":
        assert result.P * result.L * result.U == M


@pytest.mark.parametrize("A", SCALED[:1] + SCALED[3:4])
def test_verify_still_fails_wrong_factors_of_scaled_matrices(A):
    """The scale-aware checks still catch a factor that is wrong by 1e-4 of the matrix norm,
    and (eigenvalues well apart) an eigenvector tilted by 1e-4. (For 1e12 ± 1 every vector
    of the plane is an eigenvector of a matrix within 1e-12 ‖A‖ of A: no backward check at
    rtol = 1e-6 can tell, so that case is not asked.)"""
    M = sympy.Matrix(A)
    f = sm.qr(A)
    bump = sympy.ImmutableMatrix(
        f.R.rows,
        f.R.cols,
        lambda i, j: sympy.Rational(1, 10**4) * M.norm() if (i, j) == (0, 1) else 0,
    )
    assert not dataclasses.replace(f, R=f.R + bump).verify()
    e = sm.eig(A)
    values = sorted(complex(v).real for v in e.eigenspaces)
    if values[1] - values[0] < 1e-6 * float(M.norm()):
        assert A is SCALED[0]  # only 1e12 ± 1 (see above) skips the eigenvector half
        return
    v = max(e.eigenspaces, key=lambda k: abs(complex(k)))  # its vector is well conditioned
    skewed = {
        k: tuple(b + sympy.ImmutableMatrix([0] * (M.rows - 1) + [b.norm() / 10**4]) for b in basis)
        if k == v
        else basis
        for k, basis in e.eigenspaces.items()
    }
    check = dataclasses.replace(e, eigenspaces=skewed).verify()
    assert not check and "A v = λ v" in check.details


# --- verify compiles each closed form once ---------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: sm.lu("[[a, 1], [2, a + 3]]"),
        lambda: sm.qr("[[a, 1], [2, a + 3]]"),
        lambda: sm.eig("[[a, 1], [2, a + 3]]"),
    ],
    ids=["lu", "qr", "eig"],
)
def test_verify_lambdifies_each_factor_once_not_at_every_point(make, monkeypatch):
    """Before: the cache meant for _complex_fn sat on a helper, so verify() re-lambdified
    every factor (P, L, U; Q, R; P, D) at each of its random points."""
    result = make()
    real, calls = sympy.lambdify, []

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(sympy, "lambdify", counting)
    la._complex_fn.cache_clear()
    points = 8
    assert result.verify(points=points, rng=0)
    assert 0 < len(calls) < points, len(calls)  # a handful of closed forms, not one per point
    # the cached functions still give the right numbers: A = a·I + [[0, 1], [2, 3]] at a = 0.5
    A = np.array([[0.5, 1.0], [2.0, 3.5]])
    params = la._params(result.matrix)
    if isinstance(result, sm.Eigen):
        got = la._complex_fn(tuple(result.values), params)(0.5)
        np.testing.assert_allclose(
            np.sort(got.real), np.sort(np.linalg.eigvals(A).real), atol=1e-12
        )
        return
    factors = (result.P, result.L, result.U) if isinstance(result, sm.LU) else (result.Q, result.R)
    product = np.linalg.multi_dot([la._eval(M, params, (0.5,)) for M in factors])
    np.testing.assert_allclose(product, A, atol=1e-12)
