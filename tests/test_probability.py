"""Probability (issue 5): expectations, variances, entropies, KL, covariance, fallbacks, CLI."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symml as sm
from symml.sampling import monte_carlo, sampler
from tests.helpers import Cli


@pytest.mark.parametrize(
    ("rv", "mean", "sd"),
    [
        (sm.Bernoulli("Coin", sympy.Rational(1, 2)), 0.5, 0.5),
        (sm.Die("D", 6), 3.5, float(np.sqrt(35 / 12))),
    ],
)
def test_law_of_large_numbers(rv: object, mean: float, sd: float) -> None:
    """Running means of coin and die samples approach 1/2 and 7/2."""
    n = 200_000
    draws = sampler(rv)(n, rng=np.random.default_rng(42))
    running = np.cumsum(draws) / np.arange(1, n + 1)
    for m in (1_000, 10_000, 100_000, 200_000):
        assert abs(running[m - 1] - mean) <= 4 * sd / np.sqrt(m), m
    tail = np.abs(running[n // 2 :] - mean).max()
    assert tail <= 5 * sd / np.sqrt(n // 2)
    assert tail < np.abs(running[:100] - mean).max()
    est = monte_carlo(rv, n, rng=7)
    assert est.agrees_with(mean) and est.stderr == pytest.approx(sd / np.sqrt(n), rel=0.02)


def test_cli_expect_prints_one(cli: Cli) -> None:
    result = cli("expect", "X**2", "--dist", "X=Normal(0,1)")
    assert result.code == 0
    assert result.out.strip().splitlines()[-1] == "1"


def test_cli_expect_several_variables_steps_and_verify(cli: Cli) -> None:
    result = cli(
        "expect",
        "X*Y + Y",
        "--dist",
        "X=Die(6)",
        "--dist",
        "Y=Bernoulli(1/2)",
        "--verify",
        "--steps",
    )
    code = result.code
    out = result.out.strip().splitlines()
    assert code == 0 and out[-1] == "9/4"
    assert any(line.startswith("verify: passed") for line in out)
    result = cli("expect", "X", "--dist", "X=Exponential(2)", "--latex")
    assert result.code == 0
    assert result.out.strip() == r"\mathbb{E}\left[X\right] = \frac{1}{2}"


def test_cli_unknown_distribution_exits_2(cli: Cli) -> None:
    result = cli("expect", "X", "--dist", "X=Cauchy(0,1)")
    assert result.code == 2
    err = result.err
    assert "Cauchy" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    result = cli("expect", "X", "--dist", "X=Normal(0,-1)")
    assert result.code == 2
    assert "std" in result.err
