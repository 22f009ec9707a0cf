"""Calculus II edge cases: critical points SymPy's ``solve`` misses or
truncates, divergent and oscillating integrals, SymPy failures inside the worker, the time
bound of a whole integral, Taylor polynomials of non-smooth functions, bad bounds, one-sided
limits outside the real domain, and the check of a divergent value."""

from __future__ import annotations

from tests.calculus.helpers import CIN_1
from tests.helpers import Cli


def test_cli_integrate_oscillating_exits_3_without_a_number(cli: Cli) -> None:
    code, out, err = cli("integrate", "sin(x)", "--wrt", "x", "--from", "0", "--to", "oo")
    assert code == 3 and out == ""
    assert "NoConvergenceError" in err and len(err.strip().splitlines()) == 1


def test_cli_integrate_unpicklable_error_prints_the_number(cli: Cli) -> None:
    code, out, err = cli(
        "integrate",
        "abs(sin(x*y))",
        "--wrt",
        "x,y",
        "--from",
        "0",
        "--to",
        "1",
        "--from",
        "0",
        "--to",
        "1",
    )
    assert code == 0 and err == ""
    assert abs(float(out.strip()) - CIN_1) < 1e-8
    assert abs(CIN_1 - 0.2398117420005647) < 1e-15  # the value this test used to hard-code


def test_cli_taylor_abs_is_bad_input(cli: Cli) -> None:
    result = cli("taylor", "abs(x)", "--at", "0")
    assert result.code == 2
    out, err = result.out, result.err
    assert out == "" and "not differentiable at x = 0" in err and "DiracDelta" not in err
