"""The task table: every task answered in matrix form, right, and compiled.

Each task (``tasks.py``) is derived at symbolic shapes, its answer is checked to be a
matrix expression (no entries, ``Indexed`` or ``Sum``), compiled with ``to_numpy()``, and
the compiled function is compared at two random concrete sizes with central differences of
the same function written by hand in NumPy (not with symml's own check).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy
from sympy.matrices.expressions.matexpr import MatrixElement, MatrixExpr

import symml as sm
from symml.matrix_parsing import SymmetricMatrixSymbol
from tests.matrixcalc.tasks import TASKS, Task

STEP = 1e-4


def derive(task: Task) -> sm.Derivation:
    operation = sm.matrix_hessian if task.kind == "hessian" else sm.matrix_derivative
    return operation(task.text, task.wrt, shapes=task.spec, rng=0)


def random_values(task: Task, rng: np.random.Generator) -> dict[str, Any]:
    """Random sizes (distinct, 2 to 6) and values: square matrices near 3I, symmetric ones
    positive definite, scalars in [0.5, 1.5], vectors 1-D."""
    symbols = sm.matrices(task.spec)
    dims = sorted(
        {d for s in symbols for d in getattr(s, "shape", ()) if isinstance(d, sympy.Symbol)},
        key=str,
    )
    sizes = dict(zip(dims, rng.choice(np.arange(2, 7), size=len(dims), replace=False), strict=True))
    values: dict[str, Any] = {}
    for s in symbols:
        if not isinstance(s, sympy.MatrixSymbol):
            values[s.name] = float(rng.uniform(0.5, 1.5))
            continue
        rows, cols = (int(sympy.sympify(d).subs(sizes)) for d in s.shape)
        if isinstance(s, SymmetricMatrixSymbol):
            a = rng.standard_normal((rows, rows))
            values[s.name] = a @ a.T / rows + np.eye(rows)
        elif rows == cols:
            values[s.name] = 3 * np.eye(rows) + 0.5 * rng.standard_normal((rows, rows))
        elif cols == 1:
            values[s.name] = 0.8 * rng.standard_normal(rows)
        else:
            values[s.name] = 0.8 * rng.standard_normal((rows, cols))
    return values


def vec(a: Any) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return a.ravel(order="F") if a.ndim == 2 else a.reshape(-1)


def jacobian(f: Any, values: dict[str, Any], name: str) -> np.ndarray:
    """∂vec f/∂vec(values[name])ᵀ by central differences (Richardson), f by hand."""
    x0 = np.asarray(values[name], dtype=float)
    flat = vec(x0)

    def at(v: np.ndarray) -> np.ndarray:
        x = v.reshape(x0.shape, order="F")
        return vec(f(values | {name: x}))

    cols = []
    for k in range(flat.size):
        e = np.zeros_like(flat)
        e[k] = STEP * max(1.0, abs(flat[k]))
        h = e[k]
        d1 = (at(flat + e) - at(flat - e)) / (2 * h)
        d2 = (at(flat + e / 2) - at(flat - e / 2)) / h
        cols.append((4 * d2 - d1) / 3)
    return np.stack(cols, axis=1)


def expected(task: Task, values: dict[str, Any]) -> np.ndarray:
    if task.kind == "hessian":
        return jacobian(lambda v: jacobian(task.numpy_f, v, task.wrt), values, task.wrt)
    return jacobian(task.numpy_f, values, task.wrt)


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_task_in_matrix_form_right_and_compiled(task: Task) -> None:
    d = derive(task)
    result = d.result
    # matrix form: a matrix (or scalar) expression, no entries, no index sums
    assert not isinstance(result, sympy.MatrixBase)
    assert isinstance(result, (MatrixExpr, sympy.Expr))
    assert not result.has(MatrixElement, sympy.Indexed, sympy.Sum, sympy.Derivative)
    assert d.steps[-1].title == "checked"
    assert any(s.title == "identification" for s in d.steps)
    f = d.to_numpy()
    assert [s.name for s in f.wrt] == sorted(s.name for s in f.wrt)
    for seed in (1, 2):
        values = random_values(task, np.random.default_rng(seed))
        got = np.asarray(f(**{k: values[k] for k in (s.name for s in f.wrt)}), dtype=float)
        want = expected(task, values)
        if task.kind == "gradient":
            got, want = vec(got), want.reshape(-1)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(want).max()))


def test_the_table_is_big_enough() -> None:
    kinds = {k: sum(t.kind == k for t in TASKS) for k in ("gradient", "jacobian", "vec", "hessian")}
    assert len(TASKS) >= 40 and min(kinds.values()) >= 4, kinds
