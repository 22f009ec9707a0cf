"""Principal component analysis of a data matrix (numeric)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy
from numpy.typing import ArrayLike

from symml.checks import relative_error
from symml.derivation import Result, Step, Verification, render_steps, tex
from symml.linalg._numeric import _verification

__all__ = ["PCA", "pca"]


@dataclass(frozen=True, eq=False)
class PCA(Result):
    r"""Principal components of a data matrix (rows are samples).

    Attributes:
        components: ``(k, n)`` unit rows, the directions of largest variance (each row's
            largest-magnitude entry is positive, for a deterministic sign).
        explained_variance: ``(k,)`` variances along them, divided by ``m − 1``.
        explained_variance_ratio: ``(k,)`` fractions of the total variance.
        mean: ``(n,)`` column means.
        steps: The derivation.
    """

    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray
    mean: np.ndarray
    data: np.ndarray = field(repr=False)
    steps: tuple[Step, ...] = field(repr=False)
    method: str = "numeric"

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Project rows of ``X`` (…, n) onto the components: ``(X − mean) @ componentsᵀ``."""
        X = np.asarray(X, dtype=float)
        if X.shape[-1] != self.mean.shape[0]:
            raise ValueError(
                f"transform: X must have {self.mean.shape[0]} columns, got shape {X.shape}"
            )
        return (X - self.mean) @ self.components.T

    def inverse_transform(self, Z: ArrayLike) -> np.ndarray:
        """Map scores back: ``Z @ components + mean``."""
        return np.asarray(Z, dtype=float) @ self.components + self.mean

    def to_numpy(self) -> Callable[[ArrayLike], np.ndarray]:
        """The projection :meth:`transform` as a callable."""
        return self.transform

    def latex(self, *, steps: bool = True) -> str:
        final = (
            rf"W = {tex(sympy.Matrix(np.round(self.components, 6).tolist()))},\ "
            rf"\sigma^2 = {tex([sympy.Float(x, 6) for x in self.explained_variance])}"
        )
        return render_steps(self.steps, final) if steps else final

    def plain(self) -> str:
        """The components and variances on one line."""
        return (
            f"components = {np.array2string(self.components, separator=', ')}; "
            f"explained_variance = {np.array2string(self.explained_variance, separator=', ')}"
        )

    def _check(self, points: int, rng: np.random.Generator, rtol: float) -> Verification:
        """Check against ``numpy.linalg.eigh`` of the sample covariance: the variances, and
        each component as a unit eigenvector (``C w = σ² w``)."""
        C = np.cov(self.data, rowvar=False, ddof=1).reshape(self.mean.size, self.mean.size)
        w = np.linalg.eigvalsh(C)[::-1][: len(self.explained_variance)]
        scale = max(1.0, float(np.abs(C).max()))
        worst = relative_error(w / scale, self.explained_variance / scale)
        for comp, var in zip(self.components, self.explained_variance, strict=True):
            worst = max(
                worst,
                float(np.linalg.norm(C @ comp - var * comp)) / scale,
                abs(float(np.linalg.norm(comp)) - 1.0),
            )
        return _verification(
            worst,
            rtol,
            "numpy.linalg.eigh",
            len(self.components),
            "explained variances and C w = σ² w against the sample covariance",
        )


def pca(X: ArrayLike, k: int | None = None) -> PCA:
    """Principal component analysis of an (m, n) array by the SVD of the centred data.

    Args:
        X: Data, one sample per row (m ≥ 2).
        k: Number of components (default ``min(m, n)``).

    Raises:
        ValueError: For a non-2-D or non-finite array, m < 2 or a bad ``k``.

    Examples:
        >>> p = pca([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]], 1)
        >>> p.components, p.explained_variance
        (array([[1., 0.]]), array([4.]))
    """
    try:
        data = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"pca: X must be a numeric (m, n) array: {exc}") from exc
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 1:
        raise ValueError(f"pca: X must be an (m, n) array with m >= 2 rows, got shape {data.shape}")
    if not np.all(np.isfinite(data)):
        raise ValueError("pca: X contains non-finite values")
    m, n = data.shape
    if k is None:
        k = min(m, n)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= min(m, n):
        raise ValueError(f"pca: k must be an integer in 1..{min(m, n)}, got {k!r}")
    mean = data.mean(axis=0)
    _, s, vt = np.linalg.svd(data - mean, full_matrices=False)
    comps = vt[:k]
    signs = np.sign(comps[np.arange(k), np.argmax(np.abs(comps), axis=1)])
    comps = comps * np.where(signs == 0, 1.0, signs)[:, None]
    var_all = s**2 / (m - 1)
    var = var_all[:k]
    total = float(var_all.sum())
    ratio = var / total if total > 0 else np.zeros(k)
    steps = (
        Step.equation("centre", r"\bar x", sympy.Matrix([np.round(mean, 6).tolist()])),
        Step("covariance", r"C = \frac{1}{m-1} (X - \bar x)^{T} (X - \bar x)"),
        Step("SVD of the centred data", r"X - \bar x = U S V^{T},\ \sigma_i^2 = \frac{s_i^2}{m-1}"),
        Step.equation("explained variance", r"\sigma^2", [sympy.Float(x, 6) for x in var]),
    )
    return PCA(comps, var, ratio, mean, data, steps)
