"""check_draws: draws tested against the exact law by KS or by moments."""

from __future__ import annotations

import numpy as np
import sympy
from scipy import stats as sps
from sympy import stats as ss

import symml as sm
from symml.sampling import check_draws
from tests.sampling.helpers import KS_PVALUE


def test_check_draws_of_a_discrete_variable_by_its_moments():
    d = ss.Poisson("N", 3)
    good = sm.sampler(d)(5000, rng=2)
    check = check_draws(d, good)
    assert check.passed and check.method.startswith("mean and variance")
    assert not check_draws(d, good + 0.5).passed  # shifted by 0.5: 12σ off
    assert abs(good.mean() - 3) < 4 * np.sqrt(3 / 5000)


def test_check_draws_computes_the_mean_once(monkeypatch):
    """Before: E[expr] by expectation(), then again inside variance(), each with its own
    time budget. Now one mean serves both, within one budget."""
    from symml.probability import expectations as probability

    real, means = probability._expectation, []

    def counting(e, *args, **kwargs):
        means.append(e)
        return real(e, *args, **kwargs)

    monkeypatch.setattr(probability, "_expectation", counting)
    X, Y = ss.Normal("X", 1, 1), ss.Exponential("Y", 2)
    draws = sm.sampler(X + 2 * Y)(20_000, rng=5)
    check = check_draws(X + 2 * Y, draws)
    assert check.passed and check.method.startswith("mean and variance"), check.details
    assert means == [X + 2 * Y]
    # E = 1 + 2/2 = 2, Var = 1 + 4/4 = 2: the details name the exact values, and the draws agree
    assert "vs 2, variance" in check.details and check.details.endswith("vs 2")
    assert abs(draws.mean() - 2) < 4 * np.sqrt(2 / draws.size)


def test_check_draws_where_sympys_cdf_needs_complex_arithmetic():
    """SymPy's CDF of Beta(1/2, 1/2) has acosh of numbers below 1 (complex parts that
    cancel): evaluated on real floats it was NaN, and KS reported p = nan, FAILED."""
    B = ss.Beta("B", sympy.Rational(1, 2), sympy.Rational(1, 2))
    draws = sm.sampler(B)(4000, rng=3)
    check = sm.sampling.check_draws(B, draws)
    assert check.passed and "Kolmogorov-Smirnov" in check.method
    # the arcsine law's CDF, 2/π asin(√x), as the reference
    assert (
        sps.kstest(draws, lambda t: 2 / np.pi * np.arcsin(np.sqrt(np.clip(t, 0, 1)))).pvalue
        > KS_PVALUE
    )
    assert not sm.sampling.check_draws(B, np.full(4000, 0.5)).passed
