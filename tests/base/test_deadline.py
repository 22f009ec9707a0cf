"""Time limits (``symml.deadline``): ``run_limited`` in a worker, one ``Deadline`` budget,
``resolve_timeout``, exceptions carried back from the worker, and timeouts that are not
finite numbers."""

from __future__ import annotations

import math
import pickle
import time

import pytest

import symml as sm
from symml.deadline import Deadline, portable_exception, resolve_timeout, run_limited
from symml.errors import DerivationTimeout, NotSupportedError
from tests.helpers import Cli

x, y = sm.symbols("x y")

# --- run_limited and Deadline -------------------------------------------------------------


def _nested(value: int) -> int:
    # a limited call made from inside a limited call runs in place (no second fork)
    return run_limited(abs, value, timeout=1.0)


def test_nested_limited_calls_run_inside_the_worker() -> None:
    assert run_limited(_nested, -3, timeout=5) == 3


def test_a_sleeping_call_is_cut_off_in_time() -> None:
    start = time.monotonic()
    with pytest.raises(DerivationTimeout, match="napping did not finish within 0.3 s"):
        run_limited(time.sleep, 10, timeout=0.3, what="napping")
    assert time.monotonic() - start < 2.3


def test_deadline_shares_one_budget() -> None:
    d = Deadline(0.5)
    with pytest.raises(
        DerivationTimeout, match=r"first did not finish within the time limit \(0.5 s\)"
    ):
        d.run(time.sleep, 2, what="first")
    with pytest.raises(DerivationTimeout):
        d.run(abs, -1, what="second")  # nothing left
    assert Deadline(None).run(abs, -2, what="the default limit") == 2
    assert Deadline(math.inf).run(abs, -2, what="unlimited") == 2
    assert Deadline(5).run(abs, -2, what="capped", cap=1.0) == 2


def test_resolve_timeout() -> None:
    assert resolve_timeout(None) == sm.config.timeout
    assert resolve_timeout(2) == 2.0
    with pytest.raises(ValueError, match="timeout"):
        resolve_timeout(0)
    with pytest.raises(ValueError, match="timeout"):
        resolve_timeout("soon")


# --- exceptions carried back from the worker ----------------------------------------------


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


# --- timeouts that are not finite numbers -------------------------------------------------


@pytest.mark.parametrize("timeout", [float("nan"), -1.0, 0])
def test_a_timeout_that_is_not_a_positive_number_is_bad_input(timeout: float, cli: Cli) -> None:
    with pytest.raises(ValueError, match=f"timeout must be a positive number.*{timeout}"):
        sm.critical_points("x^2", timeout=timeout)
    # at the CLI: exit 2 on one line (inf was an internal error, nan a DerivationTimeout)
    result = cli("critical", "x^2", "--timeout", str(timeout))
    assert result.code == 2
    err = result.err
    assert "timeout must be a positive number" in err and len(err.splitlines()) == 1


def test_an_infinite_timeout_is_no_limit(cli: Cli) -> None:
    # one meaning of timeout everywhere: None = config.timeout, NO_LIMIT (inf) = no limit
    assert math.isinf(sm.NO_LIMIT) and sm.NO_LIMIT > 0
    [point] = sm.critical_points("x^2", timeout=sm.NO_LIMIT)
    assert point.kind == "minimum"
    result = cli("critical", "x^2", "--timeout", "inf")
    assert result.code == 0 and "minimum" in result.out
