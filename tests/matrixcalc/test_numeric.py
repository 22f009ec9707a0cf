"""Compiled matrix results against hand-written NumPy; calling conventions and checks."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import symml as sm

SPEC = "X:n,m w:m y:n lam A:n,n M:n,n B:n,q"
RNG = np.random.default_rng(0)
Xv, wv, yv = RNG.standard_normal((40, 5)), RNG.standard_normal(5), RNG.integers(0, 2, 40) * 1.0


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


@pytest.fixture(scope="module")
def logistic_hessian() -> sm.Derivation:
    return sm.matrix_hessian("sum(softplus(X @ w)) - y.T @ X @ w", "w", shapes=SPEC, rng=0)


def test_logistic_hessian_matches_hand_numpy_without_a_dense_diagonal(logistic_hessian) -> None:
    f = logistic_hessian.to_numpy()
    s = sigmoid(Xv @ wv)
    d = s * (1 - s)
    np.testing.assert_allclose(f(X=Xv, w=wv, y=yv), Xv.T @ (d[:, None] * Xv), rtol=1e-12)
    body = f.source.split("\ndef f(")[1]  # the function itself (not the helpers)
    assert "numpy.diag(" not in body and "numpy.eye(" not in body


def test_gradient_matches_hand_numpy_and_takes_positional_arguments() -> None:
    g = sm.matrix_derivative("sum(softplus(X @ w)) - y.T @ X @ w", "w", shapes=SPEC, rng=0)
    f = g.to_numpy()
    assert [s.name for s in f.wrt] == ["X", "w", "y"]
    want = Xv.T @ (sigmoid(Xv @ wv) - yv)
    np.testing.assert_allclose(f(Xv, wv, yv), want, rtol=1e-12)
    np.testing.assert_allclose(f(y=yv, X=Xv, w=wv[:, None]), want, rtol=1e-12)  # a column too


def test_sm_to_numpy_of_a_matrix_result_is_its_own_to_numpy() -> None:
    g = sm.matrix_derivative("sum(softplus(X @ w)) - y.T @ X @ w", "w", shapes=SPEC, rng=0)
    f = sm.to_numpy(g)  # was a TypeError: "substitute explicit matrices first"
    np.testing.assert_allclose(f(Xv, wv, yv), Xv.T @ (sigmoid(Xv @ wv) - yv), rtol=1e-12)
    for options in ({"wrt": "w"}, {"backend": "array_api"}, {"cse": False}):
        with pytest.raises(TypeError, match=r"its own \.to_numpy\(\).*X, w, y"):
            sm.to_numpy(g, **options)


def test_dimensions_are_read_and_checked(logistic_hessian) -> None:
    f = logistic_hessian.to_numpy()
    with pytest.raises(ValueError, match="w has 4 along axis 0, but m = 5"):
        f(X=Xv, w=wv[:4], y=yv)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        f(X=wv, w=wv, y=yv)
    with pytest.raises(TypeError, match="missing argument"):
        f(X=Xv, w=wv)
    with pytest.raises(TypeError, match="unknown argument 'Z'"):
        f(X=Xv, w=wv, y=yv, Z=1)


def test_scalar_matrix_and_kronecker_results() -> None:
    Mv, Av = 3 * np.eye(4) + RNG.standard_normal((4, 4)) * 0.3, RNG.standard_normal((4, 4))
    Bv = RNG.standard_normal((4, 2))
    logdet = sm.matrix_derivative("logdet(M) + tr(A @ M)", "M", shapes=SPEC, rng=0).to_numpy()
    np.testing.assert_allclose(logdet(A=Av, M=Mv), np.linalg.inv(Mv).T + Av.T, rtol=1e-12)
    kron = sm.matrix_derivative("A @ M @ B", "M", shapes=SPEC, rng=0).to_numpy()
    np.testing.assert_allclose(kron(A=Av, B=Bv, M=Mv), np.kron(Bv.T, Av), rtol=1e-12)
    hess = sm.matrix_hessian("logdet(M)", "M", shapes=SPEC, rng=0).to_numpy()
    inv = np.linalg.inv(Mv)
    # −K(M⁻ᵀ ⊗ M⁻¹): the entry for (dM_ij, dM_kl) is −(M⁻¹)_jk (M⁻¹)_li
    want = -np.einsum("jk,li->ijkl", inv, inv).reshape(16, 16, order="F")
    np.testing.assert_allclose(hess(M=Mv), want, rtol=1e-12)


def test_export_writes_a_standalone_module(logistic_hessian, tmp_path: Path) -> None:
    path = logistic_hessian.to_numpy().save(tmp_path / "hess.py", name="hess")
    spec = importlib.util.spec_from_file_location("hess", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    s = sigmoid(Xv @ wv)
    np.testing.assert_allclose(
        module.hess(Xv, wv, yv), Xv.T @ ((s * (1 - s))[:, None] * Xv), rtol=1e-12
    )


def test_to_numpy_takes_no_scalar_compile_options(logistic_hessian) -> None:
    with pytest.raises(TypeError, match="no compile options"):
        logistic_hessian.to_numpy(cse=True)
