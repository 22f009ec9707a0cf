"""PCA against the eigen-decomposition of the covariance, and a known answer."""

from __future__ import annotations

import numpy as np

import symml as sm

# --- PCA ---------------------------------------------------------------------------------------


def test_pca_matches_covariance_eigendecomposition():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) @ np.array([[3.0, 0, 0], [1.0, 1.0, 0], [0, 0.5, 0.2]])
    p = sm.pca(X, 2)
    w, V = np.linalg.eigh(np.cov(X, rowvar=False))
    np.testing.assert_allclose(p.explained_variance, w[::-1][:2], rtol=1e-10)
    for comp, vec in zip(p.components, V[:, ::-1].T, strict=False):
        assert abs(abs(comp @ vec) - 1.0) < 1e-10
    np.testing.assert_allclose(np.linalg.norm(p.components, axis=1), 1.0)
    Z = p.transform(X)
    assert Z.shape == (200, 2)
    np.testing.assert_allclose(Z.var(axis=0, ddof=1), p.explained_variance, rtol=1e-10)
    np.testing.assert_allclose(p.mean, X.mean(axis=0))
    assert p.verify()
    assert 0 < p.explained_variance_ratio.sum() <= 1


def test_pca_known_answer():
    X = [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]
    p = sm.pca(X, 1)
    np.testing.assert_allclose(p.components, [[2**-0.5, 2**-0.5]])
    np.testing.assert_allclose(p.explained_variance, [2.0])
    np.testing.assert_allclose(p.explained_variance_ratio, [1.0])
