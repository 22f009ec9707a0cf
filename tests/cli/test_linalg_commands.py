"""The eig and linalg subcommands: output, --steps, --verify and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy


def test_cli_eig_steps(cli):
    result = cli("eig", "[[2,1],[1,2]]", "--steps")
    assert result.code == 0
    out = result.out.strip().splitlines()
    assert out[-1] == "[3, 1]"
    assert any(line.startswith("characteristic polynomial:") for line in out)
    assert any(line.startswith("eigenspace") for line in out)
    assert any(line.startswith("diagonalize:") for line in out)


def test_cli_steps_then_verify(cli):
    result = cli("linalg", "det", "[[1,2],[3,4]]", "--steps", "--verify")
    assert result.code == 0
    out = result.out.strip().splitlines()
    assert out[0].startswith("matrix:") and out[-2].startswith("verify: passed") and out[-1] == "-2"


def test_cli_eig_timeout_falls_back(cli):
    argv = ["eig", "[[a,b,c,d],[b,k,f,g],[c,f,h,m],[d,g,m,n]]", "--timeout", "0.5"]
    result = cli(*argv)
    assert result.code == 0
    assert "numeric only" in result.out.strip().splitlines()[-1]
    # the command line gets no Python hint (issue 16 item 5)
    assert "to_numpy" not in result.out and "depend on a, b, c, d, f, g, h, k, m, n" in result.out


def test_cli_eig_without_a_closed_form_is_marked_numeric(cli):
    """x^5 - x - 1 has no closed-form roots: the values are numeric and say so."""
    companion = "[[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1],[1,1,0,0,0]]"
    result = cli("eig", companion)
    assert result.code == 0 and result.err == ""
    mark, values = result.out.strip().splitlines()[-2:]
    assert mark == "≈ numeric (no closed form)"
    assert values.startswith("[1.1673039782614")


@pytest.mark.parametrize(
    ("argv", "last"),
    [
        (["eig", "[[2,1],[1,2]]", "--latex"], r"\lambda = 3,\ 1"),
        (["linalg", "det", "[[1,2],[3,4]]"], "-2"),
        (
            ["linalg", "lu", "[[0,1],[1,0]]"],
            "P = [[0, 1], [1, 0]]; L = [[1, 0], [0, 1]]; U = [[1, 0], [0, 1]]",
        ),
        (["linalg", "qr", "[[3,0],[4,5]]"], "Q = [[3/5, -4/5], [4/5, 3/5]]; R = [[5, 4], [0, 3]]"),
        (["linalg", "det", "[[a,b],[c,d]]", "--latex"], r"\det A = a d - b c"),
    ],
)
def test_cli_linalg_outputs(cli, argv, last):
    result = cli(*argv)
    assert result.code == 0
    assert result.out.strip().splitlines()[-1] == last


@pytest.mark.parametrize("op", ["det", "inverse", "lu", "qr", "svd", "gram-schmidt"])
def test_cli_linalg_verify(cli, op):
    result = cli("linalg", op, "[[2,1,0],[1,3,1],[0,1,4]]", "--verify")
    assert result.code == 0
    out = result.out
    assert "verify: passed" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["eig", "[[1,2],[3]]"],
        ["eig", "[[1,2,3],[4,5,6]]"],
        ["linalg", "inverse", "[[1,2],[2,4]]"],
        ["linalg", "gram-schmidt", "[[1,2],[2,4]]"],
        ["linalg", "lu", "[[1,2],[3,4]]", "--export", "lu.py"],
        ["linalg", "trace", "[[1,2],[3,4]]"],
    ],
)
def test_cli_bad_input_exits_2(cli, argv):
    result = cli(*argv)
    assert result.code == 2
    err = result.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("symml")


def test_cli_gram_schmidt_of_one_flat_vector(cli):
    result = cli("linalg", "gram-schmidt", "[1,2]")
    assert result.code == 0
    out = result.out.strip().splitlines()[-1]
    assert out == "[[sqrt(5)/5, 2*sqrt(5)/5]]"  # one vector, printed as a row as it was given
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
