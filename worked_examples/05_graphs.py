"""Matrices and graphs: walks counted by powers of the adjacency matrix.

Chapter: matrices and graphs. If A is the adjacency matrix of a graph (A_ij = 1 when i and j
are joined), then (A^k)_ij is the number of walks of length k from i to j: a walk of length
k is a walk of length k−1 followed by one edge, which is exactly the sum in a matrix product.
The trace of A³ counts each triangle 6 times, and through the eigenvalues
tr(A^k) = Σ λ_i^k, so the number of closed walks grows like λ_max^k.

Run: ``python worked_examples/05_graphs.py [OUTDIR]``.
"""

from __future__ import annotations

from itertools import product

import matplotlib.pyplot as plt
import numpy as np
from _common import save, show

import symml as sm

# A house: a square 0-1-2-3 with a roof 2-3-4.
edges = [(0, 1), (1, 2), (2, 3), (3, 0), (2, 4), (3, 4)]
n = 5
A = np.zeros((n, n), dtype=np.int64)
for i, j in edges:
    A[i, j] = A[j, i] = 1


def count_walks(i: int, j: int, k: int) -> int:
    """Brute force: enumerate every sequence of k - 1 intermediate vertices."""
    total = 0
    for middle in product(range(n), repeat=k - 1):
        path = (i, *middle, j)
        total += all(A[a, b] for a, b in zip(path[:-1], path[1:], strict=True))
    return total


A4 = np.linalg.matrix_power(A, 4)
show("walks_len4_0_to_4", int(A4[0, 4]))
show("walks_len4_0_to_4_bruteforce", count_walks(0, 4, 4))
A3 = np.linalg.matrix_power(A, 3)
show("triangles", int(np.trace(A3)) // 6)  # the roof: 1 triangle

# Closed walks on the triangle graph K3, symbolically: the eigenvalues are 2, -1, -1, so
# tr(A^k) = 2^k + 2(-1)^k for every k.
E = sm.eig("[[0, 1, 1], [1, 0, 1], [1, 1, 0]]")
k = sm.symbols("k", integer=True, nonnegative=True)
closed = sum(lam**k for lam in E.values)
show("k3_closed_walks_formula", closed)
K3 = np.ones((3, 3), dtype=np.int64) - np.eye(3, dtype=np.int64)
check = [
    int(np.trace(np.linalg.matrix_power(K3, kk))) - int(closed.subs(k, kk)) for kk in range(1, 11)
]
show("k3_formula_max_mismatch", max(abs(c) for c in check))

# Growth rate of the number of walks on the house graph: λ_max^k. The characteristic
# polynomial is a quintic (no closed-form roots in general), so take its roots numerically.
p = sm.charpoly(A.tolist())
show("house_charpoly", p)
lam_max = float(np.roots([float(c) for c in p.as_poly().all_coeffs()]).real.max())
show("house_lambda_max", lam_max)
show("house_lambda_max_numpy", float(np.linalg.eigvalsh(A.astype(float)).max()))
ks = np.arange(1, 16)
totals = [int(np.linalg.matrix_power(A, kk).sum()) for kk in ks]
show("walks_growth_ratio_k15", totals[-1] / totals[-2])  # tends to λ_max

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.semilogy(ks, totals, "o", label="all walks of length k")
ax.semilogy(ks, totals[-1] * lam_max ** (ks - ks[-1]), "-", label=r"$\propto\lambda_{max}^k$")
ax.set_xlabel("k")
ax.set_ylabel("number of walks")
ax.legend()
ax.set_title("Walks in the house graph")
save(fig, "05_walk_growth")
