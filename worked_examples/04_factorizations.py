"""Matrix factorisations: the spectral decomposition, the SVD, and PCA on generated data.

Chapter: matrix factorisations. A symmetric matrix is Q Λ Qᵀ with Q orthonormal (its
eigenvectors) and Λ diagonal (its real eigenvalues). Every matrix is U S Vᵀ (singular value
decomposition): the singular values are the square roots of the eigenvalues of AᵀA. PCA is the
spectral decomposition of the sample covariance: the principal directions are its eigenvectors
and the explained variances its eigenvalues.

Run: ``python worked_examples/04_factorizations.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# --- spectral decomposition -----------------------------------------------------------------
S = sm.spectral("[[2, 1], [1, 2]]")
show("spectral_Lambda", [float(c) for c in S.Lambda])  # diag(3, 1)
show(
    "spectral_residual",
    float(max(abs(c) for c in S.Q * S.Lambda * S.Q.T - sm.parse("[[2, 1], [1, 2]]"))),
)
try:
    sm.spectral("[[1, 2], [0, 1]]")  # not symmetric
    show("spectral_nonsymmetric_raises", False)
except ValueError:
    show("spectral_nonsymmetric_raises", True)

# --- singular value decomposition -----------------------------------------------------------------
M = sm.parse("[[3, 0], [4, 5]]")
D = sm.svd(M)  # singular values 3*sqrt(5), sqrt(5)
show("svd_singular_values_exact", ", ".join(str(D.S[i, i]) for i in range(2)))
sv = np.array([float(D.S[i, i]) for i in range(2)])
show("svd_singular_values", sv)
show(
    "svd_vs_numpy",
    float(np.abs(sv - np.linalg.svd(np.array(M.tolist(), float), compute_uv=False)).max()),
)
show("svd_residual", float(max(abs(c) for c in (D.U * D.S * D.V.T - M).evalf())))

# --- PCA on generated data -------------------------------------------------------------------
# Points spread with standard deviation 3 along the direction at 30 degrees and 0.5 across it.
rng = np.random.default_rng(0)
theta = np.deg2rad(30.0)
R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
X = (rng.standard_normal((2000, 2)) * [3.0, 0.5]) @ R.T + [1.0, -2.0]
p = sm.pca(X, 2)
angle = np.rad2deg(np.arctan2(p.components[0, 1], p.components[0, 0])) % 180.0
show("pca_angle_deg", angle)  # about 30
show("pca_explained_variance", p.explained_variance)  # about 9 and 0.25
show("pca_mean", p.mean)  # about (1, -2)
# The same numbers from the spectral decomposition of the sample covariance.
cov = np.cov(X.T)
show(
    "pca_vs_covariance_eigs",
    float(np.abs(np.sort(np.linalg.eigvalsh(cov))[::-1] - p.explained_variance).max()),
)

fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter(*X.T, s=3, alpha=0.3)
for comp, var in zip(p.components, p.explained_variance, strict=True):
    ax.annotate(
        "",
        xy=p.mean + 2 * np.sqrt(var) * comp,
        xytext=p.mean,
        arrowprops={"arrowstyle": "->", "color": "C3", "lw": 2},
    )
ax.set_aspect("equal")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_title("PCA: principal directions (2 standard deviations)")
save(fig, "04_pca")
