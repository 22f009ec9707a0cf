"""One function table per backend, each with exactly the NumPy table's keys (as sympy2jax
keeps one mapping per library), every entry printable and right."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symml.compile import functions
from symml.compile.printer import ArrayAPIPrinter, JaxPrinter, NumPyPrinter, TorchPrinter
from tests.compile.conftest import compiled

TABLES = {
    "numba": functions.NUMBA_FUNCTIONS,
    "jax": functions.JAX_FUNCTIONS,
    "torch": functions.TORCH_FUNCTIONS,
    "array_api": functions.ARRAY_API_FUNCTIONS,
}


@pytest.mark.parametrize("backend", sorted(TABLES))
def test_every_table_has_the_numpy_tables_keys(backend: str) -> None:
    assert set(TABLES[backend]) == set(functions.NUMPY_FUNCTIONS)


@pytest.mark.parametrize(
    ("table", "helpers"),
    [
        (functions.NUMPY_FUNCTIONS, functions.NUMPY_HELPERS),
        (functions.NUMBA_FUNCTIONS, functions.NUMBA_HELPERS),
        (functions.JAX_FUNCTIONS, functions.JAX_HELPERS),
        (functions.TORCH_FUNCTIONS, functions.TORCH_HELPERS),
        (functions.ARRAY_API_FUNCTIONS, functions.ARRAY_API_HELPERS),
    ],
)
def test_every_helper_a_table_names_is_defined(table: dict, helpers: dict) -> None:
    for spelling in table.values():
        name = spelling.split("(")[0]
        if name.startswith("_"):
            assert name in helpers, name


x = sympy.Symbol("x", real=True)


def _call(cls: type) -> sympy.Expr:
    """One call of a function of the table, inside its domain for x in (0.3, 0.9), of an
    argument that is a sum (a template must parenthesize it)."""
    u = x / 2 + x**2 / 4  # in (0.17, 0.65)
    if cls in (sympy.Max, sympy.Min, sympy.atan2):
        return cls(u, sympy.Rational(1, 3) - x)
    if cls is functions.LogSumExp:
        return cls(u, 2 * x, -x - 1)
    return cls(1 + u) if cls is sympy.acosh else cls(u)


def test_each_function_of_the_table_on_every_backend(any_backend: str) -> None:
    """Every function of the table (one vector: one compile per backend) against SymPy."""
    calls = [_call(cls) for cls in functions.NUMPY_FUNCTIONS]
    points = np.array([0.3, 0.45, 0.9])
    got = compiled(any_backend, sympy.Matrix(calls), [x])(points)
    for k, call in enumerate(calls):
        want = [float(sympy.N(call.subs(x, sympy.Float(p, 30)), 30)) for p in points]
        np.testing.assert_allclose(got[:, k], want, rtol=1e-12, atol=1e-300, err_msg=str(call))


@pytest.mark.parametrize("printer", [NumPyPrinter, JaxPrinter, TorchPrinter, ArrayAPIPrinter])
def test_relations_and_piecewise_print(printer: type) -> None:
    text = printer().doprint(sympy.Piecewise((x, x > 0), (0, True)))
    assert ("where" in text) or ("select" in text)
