"""The steps linear algebra writes: huge matrices summarized, no control characters."""

from __future__ import annotations

import ast
import inspect

import sympy

import symml.linalg as la
from symml.derivation import tex


def test_huge_matrices_are_summarized_in_steps():
    x = sympy.Symbol("x")
    big = sympy.Matrix(3, 3, lambda i, j: sum(x**k / (k + i + j + 1) for k in range(100)))
    assert la._matrix_step("m", "M", big).latex == r"M = \text{(a 3x3 matrix, too large to show)}"
    assert la._matrix_step("m", "M", sympy.eye(2)).latex == f"M = {tex(sympy.eye(2))}"


# --- no swallowed backslashes in linalg's LaTeX --------------------------------------------


def test_linalg_strings_have_no_control_characters():
    tree = ast.parse(inspect.getsource(la))
    bad = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(ch in node.value for ch in "\t\f\b\a\v\r")
    ]
    assert bad == []
