"""The task table of matrix calculus: ML losses, Jacobians, Hessians and vec forms.

Each task is the expression in NumPy notation with its shape spec, the variable, the kind
of derivative, and the same function written by hand in NumPy (``numpy_f``, of a dict of
arrays: vectors 1-D), against which the tests check the derived and compiled answer by
central differences at two random sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


@dataclass(frozen=True)
class Task:
    """One derivative to derive, check and compile."""

    name: str
    text: str
    spec: str
    wrt: str
    kind: str  # "gradient", "jacobian", "vec", "hessian"
    numpy_f: Callable[[dict[str, Any]], Any]


GRADIENTS = [
    Task(
        "least squares",
        "norm(X @ w - y)**2 / 2",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: 0.5 * np.sum((v["X"] @ v["w"] - v["y"]) ** 2),
    ),
    Task(
        "ridge",
        "norm(X @ w - y)**2 / 2 + lam / 2 * w.T @ w",
        "X:n,m w:m y:n lam",
        "w",
        "gradient",
        lambda v: 0.5 * np.sum((v["X"] @ v["w"] - v["y"]) ** 2) + v["lam"] / 2 * v["w"] @ v["w"],
    ),
    Task(
        "logistic (labels ±1)",
        "sum(log(1 + exp(-y * (X @ w))))",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: np.sum(np.log1p(np.exp(-v["y"] * (v["X"] @ v["w"])))),
    ),
    Task(
        "logistic (labels 0/1)",
        "sum(softplus(X @ w)) - y.T @ X @ w",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: np.sum(_softplus(v["X"] @ v["w"])) - v["y"] @ v["X"] @ v["w"],
    ),
    Task(
        "logistic + ridge",
        "sum(softplus(X @ w)) - y.T @ X @ w + lam / 2 * w.T @ w",
        "X:n,m w:m y:n lam",
        "w",
        "gradient",
        lambda v: (
            np.sum(_softplus(v["X"] @ v["w"]))
            - v["y"] @ v["X"] @ v["w"]
            + v["lam"] / 2 * v["w"] @ v["w"]
        ),
    ),
    Task(
        "logistic / 2",
        "(sum(log(1 + exp(X @ w))) - y.T @ X @ w) / 2",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: (np.sum(_softplus(v["X"] @ v["w"])) - v["y"] @ v["X"] @ v["w"]) / 2,
    ),
    Task(
        "Poisson",
        "sum(exp(X @ w) - y * (X @ w))",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: np.sum(np.exp(v["X"] @ v["w"]) - v["y"] * (v["X"] @ v["w"])),
    ),
    Task(
        "softmax cross-entropy, one example",
        "log(sum(exp(W @ x))) - y.T @ W @ x",
        "W:k,m x:m y:k",
        "W",
        "gradient",
        lambda v: np.log(np.sum(np.exp(v["W"] @ v["x"]))) - v["y"] @ v["W"] @ v["x"],
    ),
    Task(
        "softmax cross-entropy, batch",
        "sum(log(exp(X @ W.T) @ ones(k))) - sum(Y * (X @ W.T))",
        "X:n,m W:k,m Y:n,k",
        "W",
        "gradient",
        lambda v: (
            np.sum(np.log(np.exp(v["X"] @ v["W"].T).sum(axis=1)))
            - np.sum(v["Y"] * (v["X"] @ v["W"].T))
        ),
    ),
    Task(
        "tanh layer wrt P",
        "norm(P @ tanh(W @ b) - u)**2 / 2",
        "P:p,k W:k,m b:m u:p",
        "P",
        "gradient",
        lambda v: 0.5 * np.sum((v["P"] @ np.tanh(v["W"] @ v["b"]) - v["u"]) ** 2),
    ),
    Task(
        "tanh layer wrt W",
        "norm(P @ tanh(W @ b) - u)**2 / 2",
        "P:p,k W:k,m b:m u:p",
        "W",
        "gradient",
        lambda v: 0.5 * np.sum((v["P"] @ np.tanh(v["W"] @ v["b"]) - v["u"]) ** 2),
    ),
    Task(
        "metric learning wrt L",
        "(x - z).T @ L.T @ L @ (x - z)",
        "L:k,n x:n z:n",
        "L",
        "gradient",
        lambda v: np.sum((v["L"] @ (v["x"] - v["z"])) ** 2),
    ),
    Task(
        "Gaussian log-likelihood in mu",
        "-logdet(S) / 2 - (x - mu).T @ inv(S) @ (x - mu) / 2",
        "S:n,n:sym x:n mu:n",
        "mu",
        "gradient",
        lambda v: (
            -np.linalg.slogdet(v["S"])[1] / 2
            - (v["x"] - v["mu"]) @ np.linalg.solve(v["S"], v["x"] - v["mu"]) / 2
        ),
    ),
    Task(
        "Gaussian log-likelihood in Sigma",
        "-logdet(S) / 2 - (x - mu).T @ inv(S) @ (x - mu) / 2",
        "S:n,n:sym x:n mu:n",
        "S",
        "gradient",
        lambda v: (
            -np.log(np.linalg.det(v["S"])) / 2
            - (v["x"] - v["mu"]) @ np.linalg.solve(v["S"], v["x"] - v["mu"]) / 2
        ),
    ),
    Task("log det", "logdet(X)", "X:n,n", "X", "gradient", lambda v: np.log(np.linalg.det(v["X"]))),
    Task("det", "det(X)", "X:n,n", "X", "gradient", lambda v: np.linalg.det(v["X"])),
    Task(
        "tr(AXB)",
        "tr(A @ X @ B)",
        "A:p,n X:n,m B:m,p",
        "X",
        "gradient",
        lambda v: np.trace(v["A"] @ v["X"] @ v["B"]),
    ),
    Task(
        "Rayleigh quotient",
        "x.T @ A @ x / (x.T @ x)",
        "A:n,n x:n",
        "x",
        "gradient",
        lambda v: v["x"] @ v["A"] @ v["x"] / (v["x"] @ v["x"]),
    ),
    Task(
        "quadratic form",
        "x.T @ A @ x",
        "A:n,n x:n",
        "x",
        "gradient",
        lambda v: v["x"] @ v["A"] @ v["x"],
    ),
    Task(
        "Frobenius residual",
        "norm(A @ X @ B - C)**2",
        "A:p,n X:n,m B:m,q C:p,q",
        "X",
        "gradient",
        lambda v: np.sum((v["A"] @ v["X"] @ v["B"] - v["C"]) ** 2),
    ),
    Task(
        "tr(A inv(X))",
        "tr(A @ inv(X))",
        "A:n,n X:n,n",
        "X",
        "gradient",
        lambda v: np.trace(v["A"] @ np.linalg.inv(v["X"])),
    ),
    Task(
        "a' inv(X) b",
        "a.T @ inv(X) @ b",
        "a:n X:n,n b:n",
        "X",
        "gradient",
        lambda v: v["a"] @ np.linalg.solve(v["X"], v["b"]),
    ),
    Task(
        "tr(X'X) + tr(AX) (SymPy: zero)",
        "tr(X.T @ X) + tr(A @ X)",
        "X:n,n A:n,n",
        "X",
        "gradient",
        lambda v: np.sum(v["X"] ** 2) + np.trace(v["A"] @ v["X"]),
    ),
    Task(
        "x'Ax + lam x'x (SymPy: TypeError)",
        "x.T @ A @ x + lam * x.T @ x",
        "x:n A:n,n lam",
        "x",
        "gradient",
        lambda v: v["x"] @ v["A"] @ v["x"] + v["lam"] * v["x"] @ v["x"],
    ),
    Task(
        "x'x + x'Ax (SymPy: TypeError)",
        "x.T @ x + x.T @ A @ x",
        "x:n A:n,n",
        "x",
        "gradient",
        lambda v: v["x"] @ v["x"] + v["x"] @ v["A"] @ v["x"],
    ),
    Task(
        "tr(a' inv(S) a)/2 + logdet(S)/2 (SymPy: TypeError)",
        "tr(a.T @ inv(S) @ a) / 2 + logdet(S) / 2",
        "a:n S:n,n",
        "S",
        "gradient",
        lambda v: v["a"] @ np.linalg.solve(v["S"], v["a"]) / 2 + np.log(np.linalg.det(v["S"])) / 2,
    ),
    Task(
        "matrix factorization (SymPy: zero)",
        "norm(M - U @ V)**2 / 2 + norm(U)**2 / 2",
        "M:n,m U:n,k V:k,m",
        "U",
        "gradient",
        lambda v: np.sum((v["M"] - v["U"] @ v["V"]) ** 2) / 2 + np.sum(v["U"] ** 2) / 2,
    ),
    Task(
        "PCA Lagrangian",
        "w.T @ S @ w - lam * (w.T @ w - 1)",
        "S:n,n:sym w:n lam",
        "w",
        "gradient",
        lambda v: v["w"] @ v["S"] @ v["w"] - v["lam"] * (v["w"] @ v["w"] - 1),
    ),
    Task(
        "graphical lasso (smooth part)",
        "tr(S @ T) - logdet(T)",
        "S:n,n:sym T:n,n:sym",
        "T",
        "gradient",
        lambda v: np.trace(v["S"] @ v["T"]) - np.log(np.linalg.det(v["T"])),
    ),
    Task(
        "pseudo-Huber",
        "sum(sqrt(1 + (X @ w - y)**2))",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: np.sum(np.sqrt(1 + (v["X"] @ v["w"] - v["y"]) ** 2)),
    ),
    Task(
        "residual norm",
        "norm(X @ w - y)",
        "X:n,m w:m y:n",
        "w",
        "gradient",
        lambda v: np.linalg.norm(v["X"] @ v["w"] - v["y"]),
    ),
    Task(
        "relu features",
        "sum(relu(X @ w))",
        "X:n,m w:m",
        "w",
        "gradient",
        lambda v: np.sum(np.maximum(v["X"] @ v["w"], 0)),
    ),
    Task(
        "sigmoid outputs wrt X",
        "sum(sigmoid(X @ w))",
        "X:n,m w:m",
        "X",
        "gradient",
        lambda v: np.sum(_sigmoid(v["X"] @ v["w"])),
    ),
    Task(
        "tr(X'AX)",
        "tr(X.T @ A @ X)",
        "X:n,m A:n,n",
        "X",
        "gradient",
        lambda v: np.trace(v["X"].T @ v["A"] @ v["X"]),
    ),
    Task(
        "b'X'Xc",
        "b.T @ X.T @ X @ c",
        "X:n,m b:m c:m",
        "X",
        "gradient",
        lambda v: v["b"] @ v["X"].T @ v["X"] @ v["c"],
    ),
    Task(
        "exp(tr(AX))",
        "exp(tr(A @ X))",
        "A:n,n X:n,n",
        "X",
        "gradient",
        lambda v: np.exp(np.trace(v["A"] @ v["X"]) / 10) ** 10,
    ),
    Task(
        "log(x'Ax)",
        "log(x.T @ A @ x)",
        "A:n,n x:n",
        "x",
        "gradient",
        lambda v: np.log(v["x"] @ v["A"] @ v["x"]),
    ),
    Task(
        "sum of squares of entries",
        "sum(X * X) / 2",
        "X:n,m",
        "X",
        "gradient",
        lambda v: np.sum(v["X"] ** 2) / 2,
    ),
    Task("tr(X^2)", "tr(X @ X)", "X:n,n", "X", "gradient", lambda v: np.trace(v["X"] @ v["X"])),
    Task(
        "L1 regression + ridge",
        "sum(abs(X @ w - y)) + lam * norm(w)**2",
        "X:n,m w:m y:n lam",
        "w",
        "gradient",
        lambda v: np.sum(np.abs(v["X"] @ v["w"] - v["y"])) + v["lam"] * v["w"] @ v["w"],
    ),
    Task(
        "cosine similarity",
        "x.T @ y / (norm(x) * norm(y))",
        "x:n y:n",
        "x",
        "gradient",
        lambda v: v["x"] @ v["y"] / (np.linalg.norm(v["x"]) * np.linalg.norm(v["y"])),
    ),
]

JACOBIANS = [
    Task("A exp(x)", "A @ exp(x)", "A:m,n x:n", "x", "jacobian", lambda v: v["A"] @ np.exp(v["x"])),
    Task(
        "tanh layer",
        "tanh(W @ b)",
        "W:k,m b:m",
        "b",
        "jacobian",
        lambda v: np.tanh(v["W"] @ v["b"]),
    ),
    Task(
        "sigmoid of a linear map",
        "sigmoid(X @ w)",
        "X:n,m w:m",
        "w",
        "jacobian",
        lambda v: _sigmoid(v["X"] @ v["w"]),
    ),
    Task("x * x", "x * x", "x:n", "x", "jacobian", lambda v: v["x"] * v["x"]),
    Task("(x'x) x", "(x.T @ x) * x", "x:n", "x", "jacobian", lambda v: (v["x"] @ v["x"]) * v["x"]),
    Task(
        "softmax",
        "exp(x) / sum(exp(x))",
        "x:n",
        "x",
        "jacobian",
        lambda v: np.exp(v["x"]) / np.sum(np.exp(v["x"])),
    ),
]

VEC_FORMS = [
    Task("X w wrt X", "X @ w", "X:n,m w:m", "X", "vec", lambda v: v["X"] @ v["w"]),
    Task(
        "A X B wrt X",
        "A @ X @ B",
        "A:p,n X:n,m B:m,q",
        "X",
        "vec",
        lambda v: v["A"] @ v["X"] @ v["B"],
    ),
    Task("inverse", "inv(X)", "X:n,n", "X", "vec", lambda v: np.linalg.inv(v["X"])),
    Task("transpose", "X.T", "X:n,m", "X", "vec", lambda v: v["X"].T),
    Task(
        "sigmoid(X W) wrt W",
        "sigmoid(X @ W)",
        "X:n,m W:m,k",
        "W",
        "vec",
        lambda v: _sigmoid(v["X"] @ v["W"]),
    ),
    Task("X * X", "X * X", "X:n,m", "X", "vec", lambda v: v["X"] * v["X"]),
]

HESSIANS = [
    Task(
        "logistic Hessian",
        "sum(softplus(X @ w)) - y.T @ X @ w",
        "X:n,m w:m y:n",
        "w",
        "hessian",
        lambda v: np.sum(_softplus(v["X"] @ v["w"])) - v["y"] @ v["X"] @ v["w"],
    ),
    Task(
        "least squares Hessian",
        "norm(X @ w - y)**2 / 2",
        "X:n,m w:m y:n",
        "w",
        "hessian",
        lambda v: 0.5 * np.sum((v["X"] @ v["w"] - v["y"]) ** 2),
    ),
    Task(
        "ridge Hessian",
        "norm(X @ w - y)**2 / 2 + lam / 2 * w.T @ w",
        "X:n,m w:m y:n lam",
        "w",
        "hessian",
        lambda v: 0.5 * np.sum((v["X"] @ v["w"] - v["y"]) ** 2) + v["lam"] / 2 * v["w"] @ v["w"],
    ),
    Task(
        "Poisson Hessian",
        "sum(exp(X @ w) - y * (X @ w))",
        "X:n,m w:m y:n",
        "w",
        "hessian",
        lambda v: np.sum(np.exp(v["X"] @ v["w"]) - v["y"] * (v["X"] @ v["w"])),
    ),
    Task(
        "quadratic form Hessian",
        "x.T @ A @ x",
        "A:n,n x:n",
        "x",
        "hessian",
        lambda v: v["x"] @ v["A"] @ v["x"],
    ),
    Task(
        "Rayleigh quotient Hessian",
        "x.T @ A @ x / (x.T @ x)",
        "A:n,n x:n",
        "x",
        "hessian",
        lambda v: v["x"] @ v["A"] @ v["x"] / (v["x"] @ v["x"]),
    ),
    Task(
        "log-sum-exp Hessian",
        "log(sum(exp(x)))",
        "x:n",
        "x",
        "hessian",
        lambda v: np.log(np.sum(np.exp(v["x"]))),
    ),
    Task(
        "tr(X'AX) Hessian",
        "tr(X.T @ A @ X)",
        "X:n,m A:n,n",
        "X",
        "hessian",
        lambda v: np.trace(v["X"].T @ v["A"] @ v["X"]),
    ),
    Task(
        "Frobenius residual Hessian",
        "norm(A @ X @ B - C)**2 / 2",
        "A:p,n X:n,m B:m,q C:p,q",
        "X",
        "hessian",
        lambda v: np.sum((v["A"] @ v["X"] @ v["B"] - v["C"]) ** 2) / 2,
    ),
    Task(
        "log det Hessian",
        "logdet(X)",
        "X:n,n",
        "X",
        "hessian",
        lambda v: np.log(np.linalg.det(v["X"])),
    ),
]

TASKS = GRADIENTS + JACOBIANS + VEC_FORMS + HESSIANS
