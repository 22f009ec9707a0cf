"""Monte Carlo estimates: Estimate, batches, chunks, the law of large numbers."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from sympy import stats as ss

import symml as sm
from symml.probability import draws as probability_draws
from symml.sampling import monte_carlo, sampler

# --- monte_carlo and Estimate ------------------------------------------------------------------


def test_estimate_agrees_with():
    est = sm.Estimate(mean=1.0, stderr=0.1, n=100)
    assert est.agrees_with(1.39) and not est.agrees_with(1.41)
    assert est.agrees_with(1.45, sigmas=5)
    assert est.agrees_with(sympy.Integer(1))
    assert est.interval(2) == pytest.approx((0.8, 1.2))
    assert est.latex() == r"1 \pm 0.1 \quad (n = 100)"
    with pytest.raises(ValueError, match="value"):
        est.agrees_with("a")


def test_monte_carlo_of_normal_square():
    est = sm.monte_carlo(ss.Normal("X", 0, 1) ** 2, 200_000, rng=0)
    assert est.n == 200_000
    assert est.agrees_with(1)
    assert est.stderr == pytest.approx(np.sqrt(2 / 200_000), rel=0.05)


def test_monte_carlo_batches_match_one_pass(monkeypatch):
    X = ss.Normal("X", 1, 3)
    draws = sm.sampler(X)(5500, rng=3)
    monkeypatch.setattr(probability_draws, "BATCH", 1000)
    est = sm.monte_carlo(X, 5500, rng=3)
    assert est.mean == pytest.approx(draws.mean(), rel=1e-12)
    assert est.stderr == pytest.approx(draws.std(ddof=1) / np.sqrt(5500), rel=1e-10)


def test_monte_carlo_chunks_delegate(monkeypatch):
    seen = {}

    def fake(draw, n, *, rng, chunk_size, client=None):
        seen.update(n=n, chunk_size=chunk_size, client=client, values=draw(7, rng))
        return 0.25, 0.5, n

    monkeypatch.setattr(probability_draws, "chunked_monte_carlo", fake)
    est = sm.monte_carlo(ss.Die("D", 6), 100, rng=0, chunks=30)
    assert est == sm.Estimate(0.25, 0.5, 100)
    assert seen["chunk_size"] == 30 and seen["client"] is None
    assert seen["values"].dtype == np.float64 and seen["values"].shape == (7,)


def test_monte_carlo_chunks_real():
    pytest.importorskip("symml.probability.chunks")
    est = sm.monte_carlo(ss.Die("D", 6), 50_000, rng=1, chunks=20_000)
    assert est.n == 50_000 and est.agrees_with(3.5)


def test_monte_carlo_bad_input():
    with pytest.raises(ValueError, match="n must be"):
        sm.monte_carlo(ss.Normal("X", 0, 1), 1)
    with pytest.raises(ValueError, match="non-finite"):
        sm.monte_carlo(1 / (ss.Die("D", 6) - 1), 1000, rng=0)
    with pytest.raises(ValueError, match="chunks"):
        sm.monte_carlo(ss.Normal("X", 0, 1), 100, chunks=0)
    with pytest.raises(ValueError, match="client"):
        sm.monte_carlo(ss.Normal("X", 0, 1), 100, client=object())


# --- the law of large numbers -------------------------------------------------------------


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
