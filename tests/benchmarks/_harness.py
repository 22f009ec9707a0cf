"""Timing helpers and the row type shared by the benchmark modules."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One benchmark row: symml's time against named baselines (seconds).

    ``target`` is the ratio symml/``target_of`` must stay at or below (``None``: no target),
    or, with ``higher_is_better``, a throughput symml must reach.
    """

    name: str
    symml: float
    baselines: dict[str, float] = field(default_factory=dict)
    target: float | None = None
    target_of: str | None = None
    note: str = ""

    def ratio(self, baseline: str) -> float:
        return self.symml / self.baselines[baseline]

    @property
    def met(self) -> bool | None:
        if self.target is None or self.target_of not in self.baselines:
            return None
        return self.ratio(self.target_of) <= self.target


def best_time(fn: Callable[[], Any], *, repeat: int = 5, number: int = 1) -> float:
    """The best of ``repeat`` timings of ``number`` calls, per call (seconds)."""
    fn()  # warm up: compile, cache, page in
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def once(fn: Callable[[], Any]) -> float:
    """Wall time of one call, without warm-up (for one-off derivations)."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def have(module: str) -> bool:
    """Whether an optional module can be imported."""
    import importlib.util

    return importlib.util.find_spec(module) is not None
