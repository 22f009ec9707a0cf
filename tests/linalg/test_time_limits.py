"""det, inverse and charpoly under the time limit, and the CLI's summary of a huge result
(issue 16 item 3: a symbolic 8×8 determinant ran minutes and printed 11.5 MB)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy

import symml as sm
from symml.linalg.basic import IN_PLACE_MAX_SIZE
from tests.helpers import Cli

TRIDIAGONAL = "[[2,1,0,0,0],[1,2,1,0,0],[0,1,2,1,0],[0,0,1,2,1],[0,0,0,1,2]]"


def _symbolic(n: int) -> str:
    rows = ("[" + ",".join(f"a{i}{j}" for j in range(n)) + "]" for i in range(n))
    return "[" + ",".join(rows) + "]"


@pytest.mark.parametrize("operation", [sm.det, sm.inverse, sm.charpoly])
def test_a_symbolic_matrix_past_the_limit_raises(operation) -> None:
    t0 = time.perf_counter()
    with pytest.raises(sm.DerivationTimeout, match="of a 8×8 matrix with symbols"):
        operation(_symbolic(8), timeout=0.3)
    assert time.perf_counter() - t0 < 5


def test_a_matrix_of_numbers_past_the_limit_falls_back_to_numpy() -> None:
    d = sm.det(TRIDIAGONAL, steps=True, timeout=1e-4)
    assert d.method == "numeric" and d.error is not None and d.error < 1e-12
    assert float(d.result) == pytest.approx(6.0)
    assert d.verify()
    inv = sm.inverse(TRIDIAGONAL, steps=True, timeout=1e-4)
    assert inv.method == "numeric"
    A = np.array(sympy.Matrix(sm.parse(TRIDIAGONAL)).tolist(), dtype=float)
    np.testing.assert_allclose(np.array(inv.result.tolist(), dtype=float), np.linalg.inv(A))
    assert inv.verify()


def test_small_matrices_stay_exact_and_in_place() -> None:
    assert IN_PLACE_MAX_SIZE >= 4
    assert sm.det("[[a, b], [c, d]]", timeout=1e-4) == sympy.sympify(
        "a*d - b*c", locals={k: sympy.Symbol(k, real=True) for k in "abcd"}
    )
    assert sm.det(TRIDIAGONAL) == 6


def test_cli_summarises_a_huge_result_and_full_prints_it(cli: Cli) -> None:
    code, out, err = cli("linalg", "det", _symbolic(6))
    assert code == 0 and err == ""
    last = out.strip().splitlines()[-1]
    assert last.startswith("too large to print: an expression of ") and "36 symbols" in last
    assert "--full" in last and len(out) < 500
    code, out, _ = cli("linalg", "det", _symbolic(6), "--full")
    assert code == 0 and len(out) > 10_000 and "a00*" in out


def test_cli_linalg_timeout(cli: Cli) -> None:
    code, out, err = cli("linalg", "det", _symbolic(8), "--timeout", "0.3")
    assert code == 3 and out == ""
    assert "DerivationTimeout" in err and "8×8 matrix with symbols" in err
    code, out, _ = cli("linalg", "inverse", TRIDIAGONAL, "--timeout", "0.0001")
    assert code == 0 and out.splitlines()[0].startswith("≈ numeric result")
