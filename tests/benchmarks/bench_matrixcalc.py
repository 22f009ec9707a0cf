"""Matrix calculus (issue 14): compiled matrix results, and derivation time of the task table.

Row 1: the logistic Hessian Xᵀ diag(σ(Xw) ⊙ (1 − σ(Xw))) X, derived at symbolic shapes and
compiled by ``to_numpy()``, against the hand-written ``X.T @ (d[:, None] * X)`` at
n = 20 000, m = 50 (target ≤ 1.5×: no dense diagonal). Row 2: deriving and checking every
task of ``tests/matrixcalc/tasks.py`` against SymPy's ``diff`` of the same MatrixSymbol
expression, over the tasks where SymPy answers at all (its answers checked, untimed, by
the same numeric check: its silent zeros count as answers, not as right ones).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import sympy

import symml as sm
from symml.matrixcalc.check import check_candidate
from tests.benchmarks._harness import Row
from tests.matrixcalc.tasks import TASKS

HAND = "hand NumPy X.T @ (d[:, None] * X)"


def row_logistic_hessian(quick: bool = False) -> Row:
    n, m = (2000, 50) if quick else (20_000, 50)
    H = sm.matrix_hessian("sum(softplus(X @ w)) - y.T @ X @ w", "w", shapes="X:n,m w:m y:n")
    f = H.to_numpy()
    rng = np.random.default_rng(0)
    X, w, y = rng.standard_normal((n, m)), rng.standard_normal(m) / 10, rng.integers(0, 2, n) * 1.0

    def hand() -> np.ndarray:
        s = 1 / (1 + np.exp(-(X @ w)))
        d = s * (1 - s)
        return X.T @ (d[:, None] * X)

    np.testing.assert_allclose(f(X=X, w=w, y=y), hand(), rtol=1e-10)
    ours, theirs = _interleaved(lambda: f(X=X, w=w, y=y), hand, repeat=15)
    return Row(
        f"logistic Hessian compiled, n = {n}, m = {m}",
        ours,
        {HAND: theirs},
        target=1.5,
        target_of=HAND,
        note="best of 15 calls each, interleaved",
    )


def _interleaved(a: Any, b: Any, repeat: int) -> tuple[float, float]:
    """The best times of ``a`` and ``b`` called alternately (so that a busy machine slows
    both alike)."""
    best = [float("inf"), float("inf")]
    a(), b()
    for _ in range(repeat):
        for k, fn in enumerate((a, b)):
            t0 = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best[0], best[1]


def _sympy_diff(f: Any, X: Any) -> Any:
    try:
        out = sympy.diff(f, X)
    except Exception:  # SymPy's refusals come in many types
        return None
    return out if getattr(out, "shape", None) == X.shape else None


def row_task_table(quick: bool = False) -> Row:
    tasks = [t for t in TASKS if t.kind == "gradient"]
    if quick:
        tasks = tasks[:10]
    ours = theirs = 0.0
    answered = right = 0
    for task in tasks:
        f = sm.parse(task.text, shapes=task.spec)
        X = next(s for s in f.atoms(sympy.MatrixSymbol) if s.name == task.wrt)
        sympy.core.cache.clear_cache()
        t0 = time.perf_counter()
        sympy_answer = _sympy_diff(f, X)
        t_sympy = time.perf_counter() - t0
        if sympy_answer is None:
            continue
        sympy.core.cache.clear_cache()
        t0 = time.perf_counter()
        sm.matrix_derivative(f, X, rng=0)
        ours += time.perf_counter() - t0
        theirs += t_sympy
        answered += 1
        try:
            ok = check_candidate(
                f, X, sympy_answer, "gradient", rng=np.random.default_rng(0)
            ).passed
        except Exception:  # an answer the check cannot evaluate is not right
            ok = False
        right += ok
    return Row(
        f"derive+check {answered} of {len(tasks)} gradient tasks SymPy answers",
        ours,
        {"sympy.diff (unchecked)": theirs},
        note=f"SymPy right on {right} of {answered}; symml right on all (checked)",
    )


ROWS = [row_logistic_hessian, row_task_table]
