"""Calculus II edge cases: critical points SymPy's ``solve`` misses or
truncates, divergent and oscillating integrals, SymPy failures inside the worker, the time
bound of a whole integral, Taylor polynomials of non-smooth functions, bad bounds, one-sided
limits outside the real domain, and the check of a divergent value."""

from __future__ import annotations

import pickle

import pytest

import symml as sm
from symml.deadline import portable_exception, run_limited
from symml.errors import NotSupportedError
from tests.calculus.helpers import CIN_1
from tests.helpers import Cli

x, y = sm.symbols("x y")


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


def _sympy_type_error() -> None:
    bool(x < y)  # SymPy's TypeError carries an unpicklable lazy message


def test_run_limited_reraises_a_faithful_stand_in() -> None:
    with pytest.raises(TypeError, match="cannot determine truth value of Relational"):
        run_limited(_sympy_type_error, timeout=10)
    try:
        _sympy_type_error()
    except TypeError as exc:
        with pytest.raises(Exception, match="pickle"):
            pickle.dumps(exc)
        clone = portable_exception(exc, "the call")
    assert type(clone) is TypeError
    assert pickle.loads(pickle.dumps(clone)).args == clone.args


class _Unbuildable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(a, b)
        self.hook = lambda: None


def _raise_unbuildable() -> None:
    raise _Unbuildable(1, 2)


def test_an_exception_that_cannot_be_rebuilt_becomes_not_supported() -> None:
    with pytest.raises(NotSupportedError, match=r"sleepy call failed: _Unbuildable: \(1, 2\)"):
        run_limited(_raise_unbuildable, timeout=10, what="the sleepy call")


def test_cli_taylor_abs_is_bad_input(cli: Cli) -> None:
    result = cli("taylor", "abs(x)", "--at", "0")
    assert result.code == 2
    out, err = result.out, result.err
    assert out == "" and "not differentiable at x = 0" in err and "DiracDelta" not in err


@pytest.mark.parametrize("timeout", [float("nan"), float("inf")])
def test_a_timeout_that_is_not_a_finite_number_is_bad_input(timeout: float, cli: Cli) -> None:
    with pytest.raises(ValueError, match=f"timeout must be a positive, finite number.*{timeout}"):
        sm.critical_points("x^2", timeout=timeout)
    # at the CLI: exit 2 on one line (inf was an internal error, nan a DerivationTimeout)
    result = cli("critical", "x^2", "--timeout", str(timeout))
    assert result.code == 2
    err = result.err
    assert "timeout must be a positive, finite number" in err and len(err.splitlines()) == 1
