"""Bad input to the linear-algebra functions: non-square, ragged, wrong arguments."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symml as sm

# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [sm.eig, sm.det, sm.inverse, sm.charpoly, sm.spectral])
def test_non_square_is_a_value_error(fn):
    with pytest.raises(ValueError, match="square"):
        fn([[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("fn", [sm.eig, sm.det, sm.inverse, sm.lu, sm.qr, sm.svd, sm.charpoly])
@pytest.mark.parametrize("bad", ["[[1,2],[3]]", [[1, 2], [3]]])
def test_ragged_matrix_is_a_value_error(fn, bad):
    with pytest.raises(ValueError, match="ragged"):
        fn(bad)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sm.spectral([[1, 2], [3, 4]]), "symmetric"),
        (lambda: sm.qr([[0, 0], [0, 0]]), "zero matrix"),
        (lambda: sm.projection([1, 2], [0, 0]), "zero vector"),
        (lambda: sm.projection([1, 2, 3], [1, 2]), "length"),
        (lambda: sm.norm([1, 2], 0.5), "p must be"),
        (lambda: sm.pca([[1.0, 2.0]], 1), "m >= 2"),
        (lambda: sm.pca(np.ones((5, 2)), 3), "k must be"),
        (lambda: sm.eig("x + 1"), "matrix"),
        (lambda: sm.charpoly([[sympy.Symbol("lambda"), 1], [0, 1]]), "lambda already occurs"),
        (lambda: sm.eig([[sympy.Symbol("t"), 1], [0, 1]], lam="t"), "t already occurs"),
    ],
)
def test_bad_input_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
