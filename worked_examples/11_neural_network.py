"""A small neural network: its loss gradient derived symbolically, checked against backprop.

Chapter: neural networks. A two-layer network with 2 inputs, 3 tanh hidden units and one
linear output computes ŷ = w₂ᵀ tanh(W₁ x + b₁) + b₂; on one example the squared loss is
ℓ = (ŷ − y)²/2. Its gradient with respect to the 13 parameters, by the chain rule, is
back-propagation: δ = ŷ − y, ∂ℓ/∂w₂ = δ h, ∂ℓ/∂b₂ = δ, and with δ₁ = δ w₂ ⊙ (1 − h²),
∂ℓ/∂W₁ = δ₁ xᵀ, ∂ℓ/∂b₁ = δ₁. Here symml derives the same gradient from the formula, compiles
it, and we check it against back-propagation written in NumPy, then train the network by
gradient descent on generated data.

Run: ``python worked_examples/11_neural_network.py [OUTDIR]``.
"""

from __future__ import annotations

import numpy as np
from _common import save, show

import symml as sm

HIDDEN = 3
# Parameter names: W_ij (hidden unit i, input j), b_i, output weights v_i and output bias c.
W1 = [[f"W{i}{j}" for j in range(2)] for i in range(HIDDEN)]
b1 = [f"b{i}" for i in range(HIDDEN)]
w2 = [f"v{i}" for i in range(HIDDEN)]
params = sm.symbols(" ".join([w for row in W1 for w in row] + b1 + w2 + ["c"]))  # 13
data = sm.symbols("x1 x2 y")

# The network and its loss on one example (x1, x2, y), written as a formula.
yhat = (
    " + ".join(f"{w2[i]}*tanh({W1[i][0]}*x1 + {W1[i][1]}*x2 + {b1[i]})" for i in range(HIDDEN))
    + " + c"
)
loss = sm.parse(f"({yhat} - y)**2/2")
show("loss", loss)

grad = sm.gradient(loss, params)  # 13 partial derivatives
show("n_parameters", len(params))
show("dloss_dc", grad.result[-1])  # δ = ŷ − y
# A numeric check of the derivation itself, at one fixed example (x1, x2, y) = (1/2, -1, 1).
at_example = sm.gradient(
    loss.subs(dict(zip(data, sm.parse("[[1/2, -1, 1]]"), strict=True))), params
)
show("gradient_verified", bool(at_example.verify()))  # central differences
# Compile once; the data variables broadcast, so one call evaluates every example.
loss_fn = sm.to_numpy(loss, [*params, *data])
grad_fn = sm.to_numpy(grad.result, [*params, *data])


def unpack(theta: np.ndarray) -> tuple:
    W = theta[:6].reshape(HIDDEN, 2)
    return W, theta[6:9], theta[9:12], theta[12]


def backprop(theta: np.ndarray, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean loss and its gradient by hand-written back-propagation."""
    W, b, v, c = unpack(theta)
    h = np.tanh(X @ W.T + b)  # (m, 3)
    delta = h @ v + c - Y  # (m,)
    d1 = delta[:, None] * v * (1 - h**2)  # (m, 3)
    m = len(Y)
    g = np.concatenate(
        [(d1.T @ X).ravel() / m, d1.mean(0), (delta[:, None] * h).mean(0), [delta.mean()]]
    )
    return float(np.mean(delta**2) / 2), g


def symbolic(theta: np.ndarray, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean loss and gradient from the compiled symbolic formulas (broadcast over examples)."""
    args = (*theta, X[:, 0], X[:, 1], Y)
    return float(np.mean(loss_fn(*args))), grad_fn(*args).mean(axis=0)


# Generated data: y = sin(2 x1) + x2^2 / 2 + noise.
rng = np.random.default_rng(0)
X = rng.uniform(-1.5, 1.5, size=(200, 2))
Y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 / 2 + 0.05 * rng.standard_normal(200)
theta0 = 0.5 * rng.standard_normal(13)

l_sym, g_sym = symbolic(theta0, X, Y)
l_bp, g_bp = backprop(theta0, X, Y)
show("loss_symbolic_vs_backprop", abs(l_sym - l_bp))
show("gradient_symbolic_vs_backprop", float(np.abs(g_sym - g_bp).max() / np.abs(g_bp).max()))

# The same gradient in matrix form, for all examples at once (the rows of X): with
# H = tanh(X W₁ᵀ + 1 b₁ᵀ) and the residual r = c1 + H w₂ − y, matrix calculus gives
# ∂L/∂W₁ = ((r w₂ᵀ) ⊙ (1 − H ⊙ H))ᵀ X and ∂L/∂w₂ = Hᵀ r, compiled and checked against backprop.
shapes = "X:m,d W:k,d b:k v:k c Y:m"
batch_loss = "norm(tanh(X @ W.T + ones(m) @ b.T) @ v + c - Y)**2 / 2"
by_matrix = {p: sm.matrix_derivative(batch_loss, p, shapes=shapes) for p in ("W", "b", "v", "c")}
show("matrix_form_dW", by_matrix["W"].plain())
show("matrix_form_dv", by_matrix["v"].plain())
W0, b0, v0, c0 = unpack(theta0)
at_theta0 = {"X": X, "W": W0, "b": b0, "v": v0, "c": c0, "Y": Y}
g_matrix = np.concatenate(
    [
        np.ravel(d.to_numpy()(**{s.name: at_theta0[s.name] for s in d.wrt}))
        for d in by_matrix.values()
    ]
) / len(Y)
show("matrix_form_vs_backprop", float(np.abs(g_matrix - g_bp).max() / np.abs(g_bp).max()))

# Training: plain gradient descent driven by the compiled symbolic gradient.
result = sm.gradient_descent(
    lambda t: symbolic(t, X, Y)[0],
    theta0,
    grad=lambda t: symbolic(t, X, Y)[1],
    lr=0.2,
    steps=1500,
    tol=1e-6,
)
show("loss_initial", result.values[0])
show("loss_final", float(result.fun))
show("loss_decreased", bool(result.fun < 0.25 * result.values[0]))
show("training_steps", result.n_iter)
show("theta_initial", theta0)
show("theta_final", result.x)
# The final parameters give the same loss through back-propagation.
show("final_loss_backprop", backprop(result.x, X, Y)[0])
baseline = float(np.var(Y) / 2)  # the loss of predicting the mean
show("loss_of_constant_predictor", baseline)

ax = sm.plot_convergence(result)
ax.set_title("Training a 2-3-1 network by gradient descent")
save(ax.figure, "11_training_loss")
