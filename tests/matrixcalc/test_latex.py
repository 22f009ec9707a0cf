"""LaTeX of matrix results, as exact strings: ⊙, diag, σ(Xw), X^{-T}, ⊗, Greek names."""

from __future__ import annotations

import pytest

import symml as sm

SPEC = "X:n,m w:m y:n lam M:n,n A:p,n B:n,q S:n,n:sym Sigma:n,n:sym x:n mu:n P:p,k W:k,m b:m u:p"

#: (operation, expression, wrt, the LaTeX of the result without steps)
CASES = [
    (
        "derivative",
        "sum(softplus(X @ w)) - y.T @ X @ w",
        "w",
        r"\frac{\partial f}{\partial w} = X^{T} \left(\sigma\left(X w\right) - y\right)",
    ),
    (
        "hessian",
        "sum(softplus(X @ w)) - y.T @ X @ w",
        "w",
        r"\frac{\partial^{2} f}{\partial w\, \partial w^{T}} = X^{T} \operatorname{diag}\left("
        r"\sigma\left(X w\right) \odot \left(\mathbf{1} - \sigma\left(X w\right)\right)\right) X",
    ),
    (
        "derivative",
        "norm(X @ w - y)**2 / 2 + lam / 2 * w.T @ w",
        "w",
        r"\frac{\partial f}{\partial w} = \lambda w + X^{T} \left(X w - y\right)",
    ),
    ("derivative", "logdet(M)", "M", r"\frac{\partial f}{\partial M} = M^{-T}"),
    (
        "derivative",
        "-logdet(Sigma) / 2 - (x - mu).T @ inv(Sigma) @ (x - mu) / 2",
        "mu",
        r"\frac{\partial f}{\partial \mu} = \Sigma^{-1} \left(x - \mu\right)",
    ),
    (
        "derivative",
        "norm(P @ tanh(W @ b) - u)**2 / 2",
        "W",
        r"\frac{\partial f}{\partial W} = \left(P^{T} \left(P \tanh\left(W b\right) - u\right) "
        r"\odot \left(\mathbf{1} - \tanh\left(W b\right)^{\odot 2}\right)\right) b^{T}",
    ),
    (
        "derivative",
        "A @ M @ B",
        "M",
        r"\frac{\partial \operatorname{vec} F}{\partial \operatorname{vec}(M)^{T}} = B^{T} \otimes A",
    ),
    (
        "hessian",
        "logdet(M)",
        "M",
        r"\frac{\partial^{2} f}{\partial \operatorname{vec}(M)\, \partial \operatorname{vec}(M)^{T}}"
        r" = -\left(M^{-1} \otimes M^{-T}\right) K_{n,n}",
    ),
]


@pytest.mark.parametrize(
    ("op", "text", "wrt", "latex"), CASES, ids=[c[1] + " " + c[2] for c in CASES]
)
def test_latex_of_results(op: str, text: str, wrt: str, latex: str) -> None:
    operation = sm.matrix_hessian if op == "hessian" else sm.matrix_derivative
    d = operation(text, wrt, shapes=SPEC, rng=0)
    assert d.latex(steps=False) == latex
    assert sm.to_latex(d, steps=False) == latex


def test_steps_are_differentials_then_the_identification() -> None:
    d = sm.matrix_derivative("sum(log(1 + exp(-y * (X @ w))))", "w", shapes=SPEC, rng=0)
    lines = [s.latex for s in d.steps]
    assert lines[0].startswith("f = ")
    assert r"du_{1} = X dw" in lines[1]
    assert r"\sigma\left(-y \odot u_{1}\right) \odot du_{1}" in lines[2]
    assert d.steps[-2].title == "identification"
    assert r"\Rightarrow \frac{\partial f}{\partial w} = " in d.steps[-2].latex
    block = d.latex()
    assert block.startswith(r"\begin{aligned}") and r"\text{identification}" in block


def test_log_det_step_and_inverse_transpose() -> None:
    d = sm.matrix_derivative("logdet(S) + x.T @ inv(S) @ x", "S", shapes=SPEC, rng=0)
    titles = [s.title for s in d.steps]
    assert "d det A = det A tr(A⁻¹ dA)" in titles and "d(A⁻¹) = −A⁻¹ dA A⁻¹" in titles
    assert r"\operatorname{tr}\left(S^{-1} dS\right)" in d.latex()
