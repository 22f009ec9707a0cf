"""Entropy and KL divergence: known formulas, discrete and infinite cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as ss
import sympy

import symml as sm
from tests.probability.helpers import LAM, SIG, _assert_close, _at, pos

mu, a, b_ = sympy.symbols("mu a b", real=True)
R = sympy.Rational


def test_geometric_one_half_entropy_is_two_log_two() -> None:
    d = sm.entropy(sm.Geometric("G", sympy.Rational(1, 2)))
    assert d.method == "symbolic"
    assert sympy.simplify(d.result - 2 * sympy.log(2)) == 0
    assert float(d.result) == pytest.approx(float(ss.geom(0.5).entropy()), rel=1e-12)


# --- KL divergence ------------------------------------------------------------------------------


def test_kl_of_two_normals_matches_the_formula() -> None:
    m1, m2 = sympy.symbols("m1 m2", real=True)
    s1, s2 = pos["s1"], pos["s2"]
    d = sm.kl_divergence(sm.Normal("P", m1, s1), sm.Normal("Q", m2, s2))
    formula = sympy.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - sympy.Rational(1, 2)
    assert sympy.simplify(sympy.expand_log(d.result - formula, force=True)) == 0
    values = {m1: 0.3, m2: -1.1, s1: 0.7, s2: 1.9}
    _assert_close(_at(d.result, values), _at(formula, values), 1e-12, "KL normals")
    check = d.verify(rng=2)
    assert check.passed and check.method == "quadrature", check
    assert [s.title for s in d.steps][:3] == [
        "definition",
        "KL as an integral",
        "expand the log-ratio",
    ]


def test_kl_of_a_distribution_with_itself_is_zero() -> None:
    P = sm.Normal("P", mu, SIG)
    assert sm.kl_divergence(P, P).result == 0
    assert sm.kl_divergence(sm.Exponential("A", LAM), sm.Exponential("B", LAM)).result == 0
    assert sm.kl_divergence(sm.Die("A", 6), sm.Die("B", 6)).result == 0


def test_kl_discrete_and_infinite_cases() -> None:
    q = sympy.Rational(1, 4)
    d = sm.kl_divergence(sm.Bernoulli("A", sympy.Rational(1, 2)), sm.Bernoulli("B", q))
    want = (sympy.log(sympy.Rational(2, 3)) + sympy.log(2)) / 2  # ½ log(½/¾) + ½ log(½/¼)
    assert sympy.simplify(d.result - want) == 0
    assert float(d.result) == pytest.approx(float(ss.entropy([0.5, 0.5], [0.75, 0.25])))
    assert sm.kl_divergence(sm.Uniform("U", 0, 2), sm.Uniform("V", 0, 1)).result == sympy.oo


def test_kl_numeric_when_sympy_cannot() -> None:
    d = sm.kl_divergence(sm.Beta("P", 2, 3), sm.Beta("Q", 3, 2), timeout=3)
    want = ss.beta(2, 3).expect(lambda t: np.log(ss.beta(2, 3).pdf(t) / ss.beta(3, 2).pdf(t)))
    assert float(d.result) == pytest.approx(want, rel=1e-7)
    assert d.verify(rng=0).passed


# --- KL between a finite and an infinite discrete law ---------------------------------------


def test_kl_between_finite_and_infinite_discrete_distributions() -> None:
    d = sm.kl_divergence(sm.Binomial("A", 4, R(1, 2)), sm.Poisson("B", 2))
    ks = np.arange(5)
    p, q = ss.binom(4, 0.5).pmf(ks), ss.poisson(2).pmf(ks)
    assert d.method == "symbolic" and float(d.result) == pytest.approx(
        float(np.sum(p * np.log(p / q))), rel=1e-12
    )
    # Poisson puts mass beyond 4, where the binomial has none
    assert sm.kl_divergence(sm.Poisson("B", 2), sm.Binomial("A", 4, R(1, 2))).result == sympy.oo
    assert ss.poisson(2).sf(4) > 0
    g = sm.kl_divergence(sm.Die("D", 6), sm.Geometric("G", R(1, 3)))
    ks = np.arange(1, 7)
    want = float(np.sum(np.log((1 / 6) / ss.geom(1 / 3).pmf(ks))) / 6)
    assert float(g.result) == pytest.approx(want, rel=1e-12)
