"""Limits (known answers, one-sided, steps, the numeric approach check, bad input) and the
time-limit machinery of ``symml.deadline``."""

from __future__ import annotations

import math
import time

import pytest

import symml as sm
from symml.deadline import Deadline, resolve_timeout, run_limited
from symml.errors import DerivationTimeout

# --- _limits --------------------------------------------------------------------------------


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
