"""Never a wrong matrix, never a raw TypeError: what the engine cannot answer is refused."""

from __future__ import annotations

import pickle

import pytest
import sympy

import symml as sm
from symml.matrixcalc import derive, fallback

SPEC = "X:n,m w:m y:n A:n,n M:n,n x:n"


def test_a_wrong_engine_answer_is_caught_and_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(derive, "_matrix_form", lambda node, x, shape, kind: 2 * sympy.Identity(3))
    with pytest.raises(sm.NotSupportedError, match="passed the numeric check"):
        sm.matrix_derivative("A @ exp(x)", "x", shapes=SPEC, rng=0)


def test_a_wrong_engine_gradient_falls_back_to_a_checked_candidate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    X = sm.matrices("X:n,n")[0]
    monkeypatch.setattr(derive, "_matrix_form", lambda node, x, shape, kind: X)
    d = sm.matrix_derivative(sympy.Trace(X * X), X, rng=0)  # SymPy's own answer, checked
    assert d.verify(rng=0)


def test_entries_are_not_matrix_calculus() -> None:
    X = sympy.MatrixSymbol("X", 3, 3)
    with pytest.raises(sm.NotSupportedError, match="entries"):
        sm.matrix_derivative(X * X[0, 1], X, rng=0)


def test_hessian_needs_a_scalar() -> None:
    with pytest.raises(ValueError, match="scalar f"):
        sm.matrix_hessian("X @ w", "w", shapes=SPEC)


def test_results_pickle_with_their_check() -> None:
    d = sm.matrix_derivative("sum(softplus(X @ w)) - y.T @ X @ w", "w", shapes=SPEC, rng=0)
    back = pickle.loads(pickle.dumps(d))
    assert back.result == d.result and back.verify(rng=2)


def test_a_crash_in_every_route_is_a_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise TypeError("Mix of Matrix and Scalar symbols")

    monkeypatch.setattr(derive, "_matrix_form", crash)
    monkeypatch.setattr(fallback, "matrix_derivative", crash)
    with pytest.raises(sm.NotSupportedError, match="Mix of Matrix and Scalar"):
        sm.matrix_derivative("x.T @ A @ x + lam * x.T @ x", "x", shapes=SPEC + " lam", rng=0)
