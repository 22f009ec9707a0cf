"""Linear algebra regressions: wrong closed forms at degenerate
points, time limits, the 2-norm, complex and Hermitian input, rank-deficient QR, and what
``verify`` checks."""

from __future__ import annotations

import numpy as np
import pytest
import sympy


def test_cli_gram_schmidt_of_one_flat_vector(cli):
    result = cli("linalg", "gram-schmidt", "[1,2]")
    assert result.code == 0
    out = result.out.strip().splitlines()[-1]
    assert out == "Matrix([[sqrt(5)/5], [2*sqrt(5)/5]])"
    assert float(sympy.sqrt(5) / 5) == pytest.approx(1 / np.linalg.norm([1, 2]))


def test_cli_qr_of_a_wide_matrix(cli):
    result = cli("linalg", "qr", "[[3,0,1],[4,5,2]]", "--verify")
    assert result.code == 0
    out = result.out
    assert "verify: passed" in out
    # the printed factors themselves (test code may parse): Q R = A, QᵀQ = I, R upper
    q_text, r_text = out.strip().splitlines()[-1].removeprefix("Q = ").split("; R = ")
    Q, R = (np.array(sympy.Matrix(sympy.sympify(t)), dtype=float) for t in (q_text, r_text))
    np.testing.assert_allclose(Q @ R, [[3, 0, 1], [4, 5, 2]], atol=1e-14)
    np.testing.assert_allclose(Q.T @ Q, np.eye(2), atol=1e-14)
    assert Q.shape == (2, 2) and R.shape == (2, 3) and R[1, 0] == 0


@pytest.mark.parametrize(
    "argv",
    [["eig", "[[inf, 1], [0, 1]]"], ["eig", "[[1/0, 1], [0, 1]]"], ["linalg", "svd", "[[oo]]"]],
)
def test_cli_non_finite_matrix_is_bad_input(argv, cli):
    result = cli(*argv)
    assert result.code == 2
    err = result.err.strip()
    assert len(err.splitlines()) == 1 and "non-finite entry" in err
