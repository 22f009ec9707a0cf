"""Eigenvalues and eigenvectors: power iteration and the QR algorithm, compared with sm.eig.

Chapter: eigenvalues. Power iteration multiplies a vector by A again and again; the component
along the eigenvector of the largest |λ| grows fastest, so the direction converges at the rate
|λ₂/λ₁|. The (unshifted) QR algorithm factors A_k = Q_k R_k and sets A_{k+1} = R_k Q_k, a
similarity transform (A_{k+1} = Q_kᵀ A_k Q_k) that drives A_k towards triangular form when the
eigenvalues have distinct magnitudes. For a permutation matrix every eigenvalue has |λ| = 1:
A = Q·I is already its own QR factorisation, R Q = A, and the iteration never moves.

Run: ``python worked_examples/03_eigen.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

A_text = "[[2, 1, 0], [1, 2, 1], [0, 1, 2]]"
E = sm.eig(A_text)  # exact: 2 + sqrt(2), 2, 2 - sqrt(2)
show("eig_values_exact", ", ".join(str(v) for v in E.values))
exact = np.array([float(v) for v in E.values])
show("eig_values", exact)
show("eig_check", bool(E.verify()))  # A v = λ v for every pair
for i, vec in enumerate(E.vectors):  # exact: (1, √2, 1), (−1, 0, 1), (1, −√2, 1)
    show(f"eig_vector_{i}", [float(c) for c in vec])
A = np.array(sm.parse(A_text).tolist(), float)


# --- power iteration ---------------------------------------------------------------------------
def power_iteration(A: np.ndarray, steps: int, rng: np.random.Generator) -> tuple[float, list]:
    """Return the Rayleigh quotient after ``steps`` steps and its error history."""
    v = rng.standard_normal(A.shape[0])
    history = []
    for _ in range(steps):
        v = A @ v
        v /= np.linalg.norm(v)
        history.append(float(v @ A @ v))
    return history[-1], history


lam_power, power_hist = power_iteration(A, 60, np.random.default_rng(0))
show("power_lambda", lam_power)
show("power_error", abs(lam_power - exact[0]))


# --- the QR algorithm --------------------------------------------------------------------------
def qr_algorithm(A: np.ndarray, steps: int) -> tuple[np.ndarray, list[float]]:
    """Unshifted QR iteration; returns the final A_k and the size of its lower triangle."""
    Ak = A.copy()
    below = []
    for _ in range(steps):
        Q, R = np.linalg.qr(Ak)
        Ak = R @ Q
        below.append(float(np.abs(np.tril(Ak, -1)).max()))
    return Ak, below


Ak, qr_hist = qr_algorithm(A, 60)
qr_values = np.sort(np.diag(Ak))[::-1]
show("qr_values", qr_values)
show("qr_error", float(np.abs(qr_values - exact).max()))

# --- where it fails: a permutation matrix ---------------------------------------------------------
Pm = sm.parse("[[0, 1], [1, 0]]")
show("perm_eig_values", [float(v) for v in sm.eig(Pm).values])  # 1 and -1: equal |λ|
Pk, perm_hist = qr_algorithm(np.array(Pm.tolist(), float), 60)
show("perm_qr_offdiag_after_60", perm_hist[-1])  # still 1: no progress
# A cyclic 3x3 permutation: eigenvalues are the cube roots of unity, all of modulus 1.
C = sm.eig("[[0, 0, 1], [1, 0, 0], [0, 1, 0]]")
show("cyclic_eig_moduli", [abs(complex(v)) for v in C.values])

fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.semilogy(np.abs(np.array(power_hist) - exact[0]) + 1e-17, label="power iteration |λ − λ₁|")
ax.semilogy(np.array(qr_hist) + 1e-17, label="QR algorithm, max below diagonal")
ax.semilogy(np.array(perm_hist) + 1e-17, "--", label="QR on a permutation matrix")
ax.set_xlabel("iteration")
ax.set_ylabel("error (log scale)")
ax.legend(fontsize=8, loc="center right")
ax.set_title("Convergence of eigenvalue iterations")
save(fig, "03_eigen_convergence")

# --- what a symmetric 2x2 matrix does to the unit circle ------------------------------------------
S2 = "[[2, 1], [1, 2]]"
show("eig_2x2_values", [float(v) for v in sm.eig(S2).values])  # 3 and 1
ax = sm.plot_eigen(S2)
ax.set_title(
    "A = [[2, 1], [1, 2]]: the circle becomes an ellipse\nwith axes along the eigenvectors"
)
save(ax.figure, "03_eigen_2x2")
