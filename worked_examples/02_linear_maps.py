"""Linear transformations, determinants as volume scaling, LU with pivoting, inverses.

Chapter: matrices and linear maps. A matrix A sends the unit square to the parallelogram
spanned by its columns; the area of that image is |det A|. LU factorisation writes A = P L U
(P a permutation, L unit lower triangular, U upper triangular): Gaussian elimination with row
exchanges, which are needed whenever a pivot is zero. The inverse undoes the map and exists
exactly when det A ≠ 0.

Run: ``python worked_examples/02_linear_maps.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# --- determinant as area scaling ------------------------------------------------------------
A = [[2, 1], [1, 3]]
show("det_A", float(sm.det(A)))  # 2*3 - 1*1 = 5

square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)
image = square @ np.array(A, float).T  # rows are the images A p


def shoelace(poly: np.ndarray) -> float:
    """Area of a polygon from its vertices (the shoelace formula)."""
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(x @ np.roll(y, -1) - y @ np.roll(x, -1)))


show("image_area", shoelace(image))  # equals |det A|

# The general 2x2 determinant, symbolically, and a rotation (which preserves area).
show("det_general", sm.det(sm.parse("[[a, b], [c, d]]")))
show("det_rotation", sm.det(sm.parse("[[cos(t), -sin(t)], [sin(t), cos(t)]]")).simplify())

# --- LU with pivoting ----------------------------------------------------------------------
# The (1,1) entry is 0, so elimination must exchange rows first.
M = sm.parse("[[0, 1, 1], [1, 1, 1], [2, 1, 3]]")
f = sm.lu(M)
show("lu_P", [float(c) for c in f.P])
show("lu_L", [float(c) for c in f.L])
show("lu_U", [float(c) for c in f.U])
show("lu_residual", float(max(abs(c) for c in f.P * f.L * f.U - M)))

# Solving M x = b with the factors: forward substitution with L, back substitution with U.
b = np.array([2.0, 3.0, 6.0])
L, U, P = (np.array(m.tolist(), float) for m in (f.L, f.U, f.P))
y = np.linalg.solve(L, P.T @ b)
x = np.linalg.solve(U, y)
show("lu_solution", x)
show("lu_solution_residual", float(np.abs(np.array(M.tolist(), float) @ x - b).max()))

# --- inverses ---------------------------------------------------------------------------------
Minv = sm.inverse(M)
show("inverse", [float(c) for c in Minv])
show(
    "inverse_vs_numpy",
    float(
        np.abs(np.array(Minv.tolist(), float) - np.linalg.inv(np.array(M.tolist(), float))).max()
    ),
)
show("inverse_general", sm.inverse(sm.parse("[[a, b], [c, d]]")).applyfunc(lambda e: e.factor()))
try:
    sm.inverse([[1, 2], [2, 4]])  # det = 0: no inverse
    show("singular_raises", False)
except ValueError as err:
    show("singular_raises", "singular" in str(err))

fig, ax = plt.subplots(figsize=(4.5, 4))
ax.fill(*square.T, alpha=0.4, label="unit square (area 1)")
ax.fill(*image.T, alpha=0.4, label=f"A · square (area {shoelace(image):g} = det A)")
ax.set_aspect("equal")
ax.grid(True, alpha=0.3)
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.legend(loc="upper left", fontsize=8)
ax.set_title("A linear map scales areas by |det A|")
save(fig, "02_determinant_area")
