"""Vectors, norms, inner products, projections and Gram–Schmidt (exact vs floating point).

Chapter: vectors and vector spaces. A norm measures length (the p-norms
‖v‖_p = (Σ|v_i|^p)^(1/p)), the inner product ⟨u, v⟩ = Σ u_i v_i measures alignment, and the
projection of v onto u is (⟨v, u⟩/⟨u, u⟩) u. Gram–Schmidt turns a basis into an orthonormal
one by subtracting those projections one vector at a time. In exact arithmetic the result is
orthonormal to the last digit; in floating point the classical algorithm loses orthogonality
on nearly dependent vectors (the Hilbert matrix), which is why numerical codes use the modified
algorithm or Householder QR.

Run: ``python worked_examples/01_vectors.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# --- norms and inner products -------------------------------------------------------------
v = [3, -4]
show("norm2_v", float(sm.norm(v)))  # sqrt(9 + 16) = 5
show("norm1_v", float(sm.norm(v, 1)))  # |3| + |-4| = 7
show("norminf_v", float(sm.norm(v, "oo")))  # max(|3|, |-4|) = 4

# A symbolic norm: the length of (cos t, sin t) is 1 for every t.
unit = sm.norm(sm.parse("[[cos(t)], [sin(t)]]"))
show("norm_unit_circle", unit.simplify())

# --- projection ---------------------------------------------------------------------------
# Projecting v = (1, 0, 1) onto u = (1, 1, 0): (<v,u>/<u,u>) u = (1/2) (1, 1, 0).
p = sm.projection([1, 0, 1], [1, 1, 0])
show("projection", [float(c) for c in p])
# The residual v - p is orthogonal to u (this is what makes p the closest point on the line).
residual = np.array([1, 0, 1], float) - np.array([float(c) for c in p])
show("projection_residual_dot_u", float(residual @ np.array([1.0, 1.0, 0.0])))

# --- Gram–Schmidt, exactly -------------------------------------------------------------------
basis = [[1, 1, 0], [1, 0, 1], [0, 1, 1]]
q = sm.gram_schmidt(basis)  # exact: entries such as sqrt(2)/2
for i, qi in enumerate(q, start=1):
    show(f"gs_q{i}", [float(c) for c in qi])
gram = np.array([[float((a.T * b)[0]) for b in q] for a in q])
show("gs_gram_error", float(np.abs(gram - np.eye(3)).max()))


# --- Gram–Schmidt in floating point ------------------------------------------------------------
def classical_gs(A: np.ndarray) -> np.ndarray:
    """Classical Gram–Schmidt: project the *original* column on every earlier q."""
    Q = np.zeros_like(A)
    for j in range(A.shape[1]):
        w = A[:, j] - Q[:, :j] @ (Q[:, :j].T @ A[:, j])
        Q[:, j] = w / np.linalg.norm(w)
    return Q


def modified_gs(A: np.ndarray) -> np.ndarray:
    """Modified Gram–Schmidt: project the *updated* vector, one q at a time."""
    Q = A.copy()
    for j in range(A.shape[1]):
        Q[:, j] /= np.linalg.norm(Q[:, j])
        for k in range(j + 1, A.shape[1]):
            Q[:, k] -= (Q[:, j] @ Q[:, k]) * Q[:, j]
    return Q


def hilbert(n: int) -> np.ndarray:
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1)


def orthogonality_loss(Q: np.ndarray) -> float:
    return float(np.abs(Q.T @ Q - np.eye(Q.shape[1])).max())


sizes = list(range(2, 11))
loss_cgs = [orthogonality_loss(classical_gs(hilbert(n))) for n in sizes]
loss_mgs = [orthogonality_loss(modified_gs(hilbert(n))) for n in sizes]
show("cgs_loss_hilbert8", loss_cgs[sizes.index(8)])
show("mgs_loss_hilbert8", loss_mgs[sizes.index(8)])

# The exact route: the (unnormalised) Gram–Schmidt of the 6x6 Hilbert columns has rational
# entries, and their pairwise inner products are exactly 0.
H6 = [[sm.parse(f"1/({i}+{j}+1)") for i in range(6)] for j in range(6)]
q_exact = sm.gram_schmidt(H6, normalize=False)
off = max(abs((a.T * b)[0]) for k, a in enumerate(q_exact) for b in q_exact[k + 1 :])
show("exact_gs_hilbert6_max_offdiag", off)

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.semilogy(sizes, loss_cgs, "o-", label="classical Gram–Schmidt")
ax.semilogy(sizes, loss_mgs, "s-", label="modified Gram–Schmidt")
ax.set_xlabel("n (Hilbert matrix size)")
ax.set_ylabel(r"$\max |Q^T Q - I|$")
ax.set_title("Loss of orthogonality in floating point")
ax.legend()
save(fig, "01_gram_schmidt_orthogonality")
