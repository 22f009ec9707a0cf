"""Foundation rows: batched evaluation of a compiled gradient (issue 2, row a).

Row (b) of the foundation issue, 20 000 gradient-descent steps on Rosenbrock, is
``bench_optimize.py``.
"""

from __future__ import annotations

import numpy as np
import sympy

import symml as sm
from tests.benchmarks._harness import Row, best_time

# A fixed two-layer network: 3 inputs, 4 tanh hidden units, softplus output.
W = np.array([[0.5, -1.0, 0.25], [1.5, 0.3, -0.7], [-0.2, 0.8, 1.1], [0.9, -0.4, 0.6]])
B = np.array([0.1, -0.2, 0.3, 0.05])
V = np.array([1.2, -0.7, 0.5, 0.9])
C = -0.3


def network_expr() -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """The network's output as a SymPy expression of its inputs x1, x2, x3."""
    xs = sm.symbols("x1 x2 x3")
    w = sympy.Matrix(W.tolist()).applyfunc(sympy.nsimplify)
    hidden = [
        sympy.tanh(sum(w[j, k] * xs[k] for k in range(3)) + sympy.nsimplify(B[j])) for j in range(4)
    ]
    out = sum(sympy.nsimplify(V[j]) * hidden[j] for j in range(4)) + sympy.nsimplify(C)
    return sympy.log(1 + sympy.exp(out)), xs


def network_grad_numpy(x1: np.ndarray, x2: np.ndarray, x3: np.ndarray) -> np.ndarray:
    """Hand-written backpropagation of the same network, batched."""
    X = np.stack([x1, x2, x3], axis=-1)
    h = np.tanh(X @ W.T + B)
    s = h @ V + C
    dsoftplus = 1.0 / (1.0 + np.exp(-s))
    return (dsoftplus[:, None] * (V * (1.0 - h * h))) @ W


def row_network_gradient(quick: bool = False) -> Row:
    n = 10**5 if quick else 10**6
    expr, xs = network_expr()
    grad = sm.gradient(expr, xs, simplify=False)
    f = sm.to_numpy(grad)
    plain = sympy.lambdify(xs, grad.result, modules="numpy", cse=False)
    rng = np.random.default_rng(0)
    pts = [rng.standard_normal(n) for _ in range(3)]
    ours = f(*pts)
    np.testing.assert_allclose(ours, network_grad_numpy(*pts), rtol=1e-10, atol=1e-12)
    theirs = np.asarray(plain(*pts)).reshape(3, n).T
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)

    def lambdified() -> np.ndarray:
        return np.asarray(plain(*pts))

    t_ours = best_time(lambda: f(*pts))
    return Row(
        f"2-layer tanh net gradient, {n:.0e} points",
        t_ours,
        {
            "hand NumPy": best_time(lambda: network_grad_numpy(*pts)),
            "sympy.lambdify (no cse)": best_time(lambdified, repeat=3),
        },
        target=1.1,
        target_of="hand NumPy",
    )


ROWS = [row_network_gradient]
