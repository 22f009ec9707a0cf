"""Sampling rows (issue 5): 10⁶ draws, symml vs ``numpy.random`` vs ``sympy.stats.sample``.

Targets: standard families within 1.2× ``numpy.random``; a custom density (3x²/2 on
[-1, 1]) at least 10⁶ draws per second, expressed as a ratio to a 1-second budget per 10⁶
draws. ``sympy.stats.sample`` is slow, so it draws a smaller size and its time is scaled to
the row's size; the note gives its measured draws per second.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy import stats as ss

import symml as sm
from tests.benchmarks._harness import Row, best_time, once

BUDGET = "1 s per 10^6 draws"


def _sympy_rate(X: object, draws: int) -> float:
    """Draws per second of ``sympy.stats.sample`` at ``draws`` draws."""
    seconds = once(lambda: ss.sample(X, size=draws, seed=0))
    return draws / seconds


def _standard_row(name: str, X: object, numpy_draw: object, quick: bool) -> Row:
    n = 10**5 if quick else 10**6
    s = sm.sampler(X)
    rng = np.random.default_rng(0)
    assert s.method.startswith("numpy.random.Generator.")
    t_symml = best_time(lambda: s(n, rng=rng), repeat=7)
    t_numpy = best_time(lambda: numpy_draw(rng, n), repeat=7)
    sympy_draws = 500 if quick else 2_000
    rate = _sympy_rate(X, sympy_draws)
    return Row(
        f"sample {name}, {n:.0e} draws",
        t_symml,
        {
            "numpy.random": t_numpy,
            f"sympy.stats.sample (x{n // sympy_draws} of {sympy_draws})": n / rate,
        },
        target=1.2,
        target_of="numpy.random",
        note=f"symml {n / t_symml:.3g} draws/s; sympy.stats.sample {rate:.3g} draws/s",
    )


def row_normal(quick: bool = False) -> Row:
    return _standard_row(
        "Normal(0, 1)", ss.Normal("X", 0, 1), lambda rng, n: rng.normal(0.0, 1.0, n), quick
    )


def row_exponential(quick: bool = False) -> Row:
    return _standard_row(
        "Exponential(2)", ss.Exponential("X", 2), lambda rng, n: rng.exponential(0.5, n), quick
    )


def _custom_row(method: str, quick: bool) -> Row:
    n = 10**5 if quick else 10**6
    x = sympy.Symbol("x", real=True)
    X = ss.ContinuousRV(x, 3 * x**2 / 2, sympy.Interval(-1, 1))
    s = sm.sampler(X, method=method)
    rng = np.random.default_rng(0)
    t_symml = best_time(lambda: s(n, rng=rng), repeat=5)
    sympy_draws = 50 if quick else 200
    rate = _sympy_rate(X, sympy_draws)
    return Row(
        f"sample density 3x^2/2 on [-1,1] ({method}), {n:.0e} draws",
        t_symml,
        {BUDGET: n / 1e6, f"sympy.stats.sample (x{n // sympy_draws} of {sympy_draws})": n / rate},
        target=1.0,
        target_of=BUDGET,
        note=f"{s.method}: symml {n / t_symml:.3g} draws/s (target >= 1e6); "
        f"sympy.stats.sample {rate:.3g} draws/s",
    )


def row_custom_density(quick: bool = False) -> Row:
    return _custom_row("auto", quick)


def row_custom_density_tabulated(quick: bool = False) -> Row:
    return _custom_row("tabulated", quick)


def row_custom_density_rejection(quick: bool = False) -> Row:
    return _custom_row("rejection", quick)


ROWS = [
    row_normal,
    row_exponential,
    row_custom_density,
    row_custom_density_tabulated,
    row_custom_density_rejection,
]
