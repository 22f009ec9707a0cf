"""Matrix notation: ``matrices(spec)`` and ``parse(text, shapes=...)``."""

from __future__ import annotations

import pytest
import sympy

import symml as sm
from symml.matrix_parsing import SymmetricMatrixSymbol

SPEC = "X:n,m w:m y:n A:3,3 S:n,n:sym lam"


def test_matrices_from_a_spec() -> None:
    X, w, y, A, S, lam = sm.matrices(SPEC)
    n, m = X.shape
    assert (w.shape, y.shape, A.shape, S.shape) == ((m, 1), (n, 1), (3, 3), (n, n))
    assert n.is_integer and n.is_positive and n is sm.matrices("z:n")[0].shape[0]
    assert isinstance(S, SymmetricMatrixSymbol) and S.T == S
    assert isinstance(lam, sympy.Symbol) and lam.is_real


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("", "declares nothing"),
        ("X:n,m,k", "at most two"),
        ("X:n,m X:m", "declared twice"),
        ("S:n,m:sym", "square"),
        ("X:0,2", "positive"),
        ("exp:n", "function name"),
        ("X:n:foo", "unknown flag"),
    ],
)
def test_bad_specs(spec: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sm.matrices(spec)


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("X.T @ (sigmoid(X @ w) - y)", "m×1"),
        ("sum(log(1 + exp(-y * (X @ w))))", "scalar"),
        ("w.T @ w", "scalar"),
        ("X * X / 2 - X**2", "n×m"),
        ("diag(y) @ X", "n×m"),
        ("diag(S)", "n×1"),
        ("tr(S) + det(S) + logdet(S) + norm(X) + norm(w)", "scalar"),
        ("inv(S) @ ones(n) + eye(n) @ y", "n×1"),
        ("lam * X + 1", "n×m"),
        ("tr(w.T @ w)", "scalar"),
    ],
)
def test_parse_with_shapes(text: str, shape: str) -> None:
    e = sm.parse(text, shapes=SPEC)
    got = "scalar" if not hasattr(e, "shape") else f"{e.shape[0]}×{e.shape[1]}"
    assert got == shape


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("X @ y", r"X is n×m but y is n×1"),
        ("X * w", r"\* is element-wise and needs equal shapes.*X is n×m but w is m×1"),
        ("X + w", r"cannot add.*X is n×m but w is m×1"),
        ("tr(X)", r"tr\(\) needs a square matrix, but X is n×m"),
        ("foo(X)", "unknown function 'foo'"),
        ("X.shape", r"only the attribute \.T"),
        ("__import__('os')", "unknown function"),
        ("X[0]", "Subscript is not allowed"),
        ("ones(q)", "a size must be"),
        ("X ** w", "exponent must be a scalar"),
    ],
)
def test_parse_errors_name_both_operands(text: str, match: str) -> None:
    with pytest.raises(sm.ParseError, match=match):
        sm.parse(text, shapes=SPEC)


def test_shapes_as_a_dict_and_scalar_parse_unchanged() -> None:
    e = sm.parse("X @ w", shapes={"X": ("n", "m"), "w": "m"})
    assert e.shape == (sympy.Symbol("n", integer=True, positive=True), 1)
    assert sm.parse("x**2") == sympy.Symbol("x", real=True) ** 2
