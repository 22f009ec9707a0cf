"""Logistic regression: the cross-entropy gradient, from one example to matrix form, and training.

Chapter: logistic regression. The model predicts p = σ(wᵀx + b) and the cross-entropy loss of
one example is ℓ = −[y log p + (1 − y) log(1 − p)]. Because σ' = σ(1 − σ), the derivative
collapses to ∂ℓ/∂w_j = (p − y) x_j and ∂ℓ/∂b = p − y. Stacking the m examples as the rows of
X (with a column of ones for b) gives the matrix form ∇L = Xᵀ(σ(Xw) − y)/m, and the Hessian
Xᵀ S X/m with S = diag(p(1 − p)), positive semi-definite: the loss is convex.

Run: ``python worked_examples/12_logistic_regression.py [OUTDIR]``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import sympy
from _common import save, show

import symml as sm

# --- the gradient of one example's loss ---------------------------------------------------------
w1, w2, b, x1, x2, y = sm.symbols("w1 w2 b x1 x2 y")
p = sm.parse("1/(1 + exp(-(w1*x1 + w2*x2 + b)))")
loss = sm.parse("-(y*log(P) + (1 - y)*log(1 - P))").subs(sm.symbols("P"), p)
g = sm.gradient(loss, [w1, w2, b])
show("gradient_w1", g.result[0])
for comp, factor, name in zip(g.result, (x1, x2, 1), ("w1", "w2", "b"), strict=True):
    # (p - y) x_j, exactly:
    show(f"gradient_{name}_identity", (comp - (p - y) * factor).simplify())

# --- the matrix form derived by matrix calculus ---------------------------------------------------
# The summed loss of m examples, the rows of Z, in matrix notation: 1ᵀ log(1 + exp(Zw)) − yᵀZw.
mm, kk = sympy.symbols("m k", integer=True, positive=True)
Zs, ws, ys = sm.MatrixSymbol("Z", mm, kk), sm.MatrixSymbol("w", kk, 1), sm.MatrixSymbol("y", mm, 1)
summed = (
    sympy.OneMatrix(1, mm)
    * (sympy.OneMatrix(mm, 1) + (Zs * ws).applyfunc(sympy.exp)).applyfunc(sympy.log)
    - ys.T * Zs * ws
)
md = sm.matrix_derivative(summed, ws)  # Zᵀ(σ(Zw) − y), checked by itself
show("matrix_derivative", md.result)
show("matrix_derivative_check", md.verify())

# --- matrix form, checked against the compiled symbolic gradient -------------------------------
rng = np.random.default_rng(0)
m = 400
labels = rng.integers(0, 2, m).astype(float)
centres = np.where(labels[:, None] == 1.0, [1.5, 1.0], [-1.0, -1.0])
feats = centres + rng.standard_normal((m, 2))
X = np.column_stack([feats, np.ones(m)])  # a column of ones carries b

grad_fn = sm.to_numpy(g, [w1, w2, b, x1, x2, y])  # broadcast over the examples
loss_fn = sm.to_numpy(loss, [w1, w2, b, x1, x2, y])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def matrix_gradient_of(Xs: np.ndarray, ys_: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """∇ of the mean loss over the rows of Xs: Xsᵀ(σ(Xs θ) − y)/m, in NumPy."""
    return Xs.T @ (sigmoid(Xs @ theta) - ys_) / len(ys_)


def matrix_gradient(theta: np.ndarray) -> np.ndarray:
    return matrix_gradient_of(X, labels, theta)


def matrix_hessian(theta: np.ndarray) -> np.ndarray:
    s = sigmoid(X @ theta)
    return (X.T * (s * (1 - s))) @ X / m


def mean_loss(theta: np.ndarray) -> float:
    return float(np.mean(loss_fn(*theta, feats[:, 0], feats[:, 1], labels)))


theta_test = np.array([0.3, -0.7, 0.2])
# the derived matrix form at the data: its entries, evaluated by SymPy on the first 12 examples
at = {
    Zs: sympy.ImmutableMatrix(X[:12]),
    ws: sympy.ImmutableMatrix(theta_test),
    ys: sympy.ImmutableMatrix(labels[:12]),
    mm: 12,
    kk: 3,
}
derived = np.array(md.result.subs(at).doit(), dtype=float).ravel()
show(
    "matrix_derivative_vs_numpy",
    float(np.abs(derived - 12 * matrix_gradient_of(X[:12], labels[:12], theta_test)).max()),
)
per_example = grad_fn(*theta_test, feats[:, 0], feats[:, 1], labels)  # (m, 3)
show(
    "matrix_form_vs_symbolic",
    float(np.abs(per_example.mean(0) - matrix_gradient(theta_test)).max()),
)
# The Hessian in matrix form against the symbolic Hessian of one example, averaged.
Hs = sm.to_numpy(sm.hessian(loss, [w1, w2, b]), [w1, w2, b, x1, x2, y])
show(
    "hessian_matrix_form_vs_symbolic",
    float(
        np.abs(
            Hs(*theta_test, feats[:, 0], feats[:, 1], labels).mean(0) - matrix_hessian(theta_test)
        ).max()
    ),
)
show("hessian_min_eigenvalue", float(np.linalg.eigvalsh(matrix_hessian(theta_test)).min()))
# ... and derived in matrix form, Xᵀ diag(σ(Xw) ⊙ (1 − σ(Xw))) X, compiled (no dense diagonal).
hess = sm.matrix_hessian("sum(softplus(X @ w)) - y.T @ X @ w", "w", shapes="X:m,k w:k y:m")
show("matrix_hessian", hess.plain())
show(
    "matrix_hessian_vs_numpy",
    float(
        np.abs(hess.to_numpy()(X=X, w=theta_test, y=labels) / m - matrix_hessian(theta_test)).max()
    ),
)

# --- training -------------------------------------------------------------------------------------
theta0 = np.zeros(3)
gd = sm.gradient_descent(mean_loss, theta0, grad=matrix_gradient, lr=1.0, steps=2000, tol=1e-6)
nt = sm.newton(mean_loss, theta0, grad=matrix_gradient, hess=matrix_hessian)
show("loss_initial", mean_loss(theta0))  # log 2 at w = 0
show("gd_loss", float(gd.fun))
show("gd_steps", gd.n_iter)
show("newton_loss", float(nt.fun))
show("newton_steps", nt.n_iter)
show("gd_vs_newton_theta", float(np.abs(gd.x - nt.x).max()))
accuracy = float(np.mean((X @ nt.x > 0) == (labels == 1.0)))
show("training_accuracy", accuracy)

fig, ax = plt.subplots(figsize=(5, 4))
ax.scatter(*feats[labels == 0].T, s=6, label="y = 0")
ax.scatter(*feats[labels == 1].T, s=6, label="y = 1")
xs = np.linspace(feats[:, 0].min(), feats[:, 0].max(), 2)
ax.plot(xs, -(nt.x[0] * xs + nt.x[2]) / nt.x[1], "k-", label="decision boundary p = 1/2")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3)
ax.set_title("Logistic regression")
save(fig, "12_logistic_boundary")
