"""Expectations answered before any integral (issue 16 items 5 and 8): the known mean of
log X per family, symmetry about a centre, and the families' scale, rate and shape
parameters positive inside the derivation. Every exact value is checked against SciPy's
own quadrature of the density (``scipy.stats``' ``expect``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as ss
import sympy
from scipy.integrate import quad
from scipy.special import expit
from sympy import stats as sstats

import symml as sm
from symml.probability.known import LOG_MEANS, log_mean, may_be_symmetric, symmetric_mean

R = sympy.Rational
EG = sympy.EulerGamma
psi = sympy.digamma


def _sigmoid(v: float) -> float:
    return float(expit(v))


def _exact(value: sympy.Expr, want: sympy.Expr) -> None:
    assert sympy.simplify(value - want) == 0, f"{value} != {want}"


def _reference(frozen: object, g: object) -> float:
    """E[g(X)] by SciPy's quadrature of the density (independent of symml)."""
    value = frozen.expect(g, epsabs=1e-13, epsrel=1e-12, limit=400)  # type: ignore[attr-defined]
    assert np.isfinite(value)
    return float(value)


# --- E[log X]: the known-answer table -----------------------------------------------------

#: (the variable, E[log X] exactly, the same law in scipy.stats)
LOG_ROWS = [
    (sstats.Gamma("X", 2, 1), 1 - EG, ss.gamma(2)),
    (sstats.Gamma("X", 3, 2), psi(3) + sympy.log(2), ss.gamma(3, scale=2)),
    (sstats.Erlang("X", 2, 3), psi(2) - sympy.log(3), ss.gamma(2, scale=1 / 3)),
    (sstats.Exponential("X", 2), -EG - sympy.log(2), ss.expon(scale=0.5)),
    (sstats.Beta("X", 2, 3), psi(2) - psi(5), ss.beta(2, 3)),
    (sstats.LogNormal("X", R(1, 2), 1), R(1, 2), ss.lognorm(1, scale=math.exp(0.5))),
    (sstats.ChiSquared("X", 3), psi(R(3, 2)) + sympy.log(2), ss.chi2(3)),
    (sstats.Chi("X", 3), (psi(R(3, 2)) + sympy.log(2)) / 2, ss.chi(3)),
    (sstats.Weibull("X", 2, 3), sympy.log(2) - EG / 3, ss.weibull_min(3, scale=2)),
    (sstats.Rayleigh("X", 2), sympy.log(2) + (sympy.log(2) - EG) / 2, ss.rayleigh(scale=2)),
    (sstats.Pareto("X", 1, 3), R(1, 3), ss.pareto(3)),
    (sstats.GammaInverse("X", 3, 2), sympy.log(2) - psi(3), ss.invgamma(3, scale=2)),
]


def test_the_table_covers_every_row_family() -> None:
    tested = {type(X.pspace.distribution).__name__ for X, _, _ in LOG_ROWS}
    assert tested == set(LOG_MEANS)


@pytest.mark.parametrize(("X", "want", "frozen"), LOG_ROWS, ids=lambda v: str(v)[:30])
def test_mean_of_log_x_is_the_known_answer(X, want, frozen) -> None:
    d = sm.expectation(sympy.log(X))
    assert d.method == "symbolic"
    _exact(d.result, want)
    assert any(s.title.startswith("known mean of log X") for s in d.steps)
    assert float(d.result) == pytest.approx(_reference(frozen, np.log), rel=1e-9, abs=1e-10)


def test_mean_of_a_linear_function_of_log_x() -> None:
    X = sm.Gamma("X", 2, 1)
    d = sm.expectation(sympy.log(X**2) + 3 * sympy.log(2 * X) - 1)
    want = 2 * (1 - EG) + 3 * (sympy.log(2) + 1 - EG) - 1
    _exact(d.result, want)
    assert [s.title for s in d.steps][-1] == "linearity"
    ref = _reference(ss.gamma(2), lambda v: math.log(v**2) + 3 * math.log(2 * v) - 1)
    assert float(d.result) == pytest.approx(ref, rel=1e-9)


def test_mean_of_log_x_with_symbolic_parameters_in_the_users_symbols() -> None:
    k, theta = sm.symbols("k theta")  # real, not positive: the family makes them so inside
    d = sm.expectation(sympy.log(sm.Gamma("X", k, theta)))
    _exact(d.result, psi(k) + sympy.log(theta))
    assert d.result.free_symbols == {k, theta}  # the user's own symbols, substitutable
    value = float(d.result.subs({k: 2.5, theta: 0.7}))
    assert value == pytest.approx(_reference(ss.gamma(2.5, scale=0.7), np.log), rel=1e-9)
    assert d.verify(rng=1).passed


@pytest.mark.parametrize(
    "g",
    [
        lambda X: sympy.log(X) ** 2,  # not linear in log X
        lambda X: X * sympy.log(X),  # X left beside the log
        lambda X: sympy.log(X + 1),  # not log X
    ],
)
def test_the_log_rule_refuses_what_it_does_not_know(g) -> None:
    assert log_mean(g(sstats.Gamma("X", 2, 1))) is None


def test_the_log_rule_needs_a_family_of_the_table() -> None:
    assert log_mean(sympy.log(sstats.Uniform("U", 1, 2))) is None


# --- symmetry about the centre ------------------------------------------------------------


def _sig(e: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-e))


#: (the variable, g, E[g(X)] exactly, the law in scipy.stats, g for floats)
SYMMETRIC_ROWS = [
    (sm.Normal("X", 0, 1), _sig, R(1, 2), ss.norm(), _sigmoid),
    (sm.Normal("X", 2, 3), lambda X: sympy.erf(X - 2) + 1, 1, ss.norm(2, 3), None),
    (sm.Laplace("X", 1, 2), lambda X: sympy.tanh(X - 1), 0, ss.laplace(1, 2), None),
    (sstats.Logistic("X", 0, 1), _sig, R(1, 2), ss.logistic(), _sigmoid),
    (sstats.Cauchy("X", 0, 1), sympy.atan, 0, ss.cauchy(), math.atan),
    (sstats.Cauchy("X", 0, 1), _sig, R(1, 2), ss.cauchy(), _sigmoid),
    (sstats.StudentT("X", 3), _sig, R(1, 2), ss.t(3), _sigmoid),
    (sm.Uniform("X", -1, 3), lambda X: _sig(X - 1) + 2, R(5, 2), ss.uniform(-1, 4), None),
]
_FLOAT_G = {
    1: lambda v: math.erf(v - 2) + 1,
    2: lambda v: math.tanh(v - 1),
    7: lambda v: _sigmoid(v - 1) + 2,
}


@pytest.mark.parametrize("row", range(len(SYMMETRIC_ROWS)))
def test_symmetric_expectations_are_exact(row: int) -> None:
    X, g, want, frozen, gf = SYMMETRIC_ROWS[row]
    d = sm.expectation(g(X))
    assert d.method == "symbolic" and d.result == want
    titles = [s.title for s in d.steps]
    assert any(t.startswith("by symmetry of X about") for t in titles), titles
    ref = _reference(frozen, gf or _FLOAT_G[row])
    assert float(d.result) == pytest.approx(ref, rel=1e-8, abs=1e-10)


def test_symmetry_with_symbolic_centre_and_scale() -> None:
    mu, sigma = sm.symbols("mu sigma")
    X = sm.Normal("X", mu, sigma)
    d = sm.expectation(_sig(X - mu))
    assert d.result == R(1, 2) and d.method == "symbolic"
    assert "by symmetry of X about mu" in [s.title for s in d.steps]
    ref = _reference(ss.norm(0.3, 1.7), lambda v: _sigmoid(v - 0.3))
    assert ref == pytest.approx(0.5, abs=1e-10)
    assert d.verify(rng=2).passed


@pytest.mark.parametrize(
    "g",
    [
        lambda X: 1 / X,  # odd, but not integrable at 0 (a principal value only)
        lambda X: X * sympy.exp(X**2),  # odd, but E|g| = ∞
        lambda X: X,  # odd and fine, but unbounded: left to SymPy's moments
        lambda X: sympy.exp(-(X**2)),  # even: g(t) + g(−t) is not constant
    ],
)
def test_symmetry_refuses_unbounded_singular_or_even_integrands(g) -> None:
    assert symmetric_mean(g(sstats.Normal("X", 0, 1))) is None


def test_symmetry_is_not_tried_for_polynomials() -> None:
    X = sstats.Normal("X", 0, 1)
    assert may_be_symmetric(X**3 + X) is False
    assert may_be_symmetric(sympy.tanh(X)) is True


def test_the_mean_of_a_cauchy_variable_still_does_not_exist() -> None:
    with pytest.raises(sm.NoConvergenceError):
        sm.expectation(sstats.Cauchy("C", 0, 1))


# --- positive parameters inside the derivation (item 8) -----------------------------------


def test_mgf_of_a_normal_with_real_symbols_has_no_piecewise() -> None:
    t, mu, sigma = sm.symbols("t mu sigma")
    d = sm.expectation(sympy.exp(t * sm.Normal("X", mu, sigma)))
    assert not d.result.has(sympy.Piecewise)
    _exact(d.result, sympy.exp(mu * t + sigma**2 * t**2 / 2))
    assert d.result.free_symbols == {t, mu, sigma}
    at = {t: 0.4, mu: 0.3, sigma: 1.2}
    law = ss.norm(0.3, 1.2)
    ref, _ = quad(lambda v: math.exp(0.4 * v + law.logpdf(v)), -np.inf, np.inf, epsabs=1e-13)
    assert float(d.result.subs(at)) == pytest.approx(ref, rel=1e-9)


def test_entropy_and_kl_of_normals_with_real_symbols() -> None:
    """Both timed out (10 s) while sigma was only real."""
    mu, sigma = sm.symbols("mu sigma")
    h = sm.entropy(sm.Normal("X", mu, sigma))
    _exact(h.result, sympy.log(sigma) + sympy.log(2 * sympy.pi * sympy.E) / 2)
    assert float(h.result.subs(sigma, 1.3)) == pytest.approx(ss.norm(0, 1.3).entropy(), rel=1e-12)
    kl = sm.kl_divergence(sm.Normal("X", mu, sigma), sm.Normal("Y", 0, 1))
    _exact(kl.result, (mu**2 + sigma**2 - 1) / 2 - sympy.log(sigma))
    p, q = ss.norm(0.4, 1.3), ss.norm(0, 1)
    ref = _reference(p, lambda v: p.logpdf(v) - q.logpdf(v))
    assert float(kl.result.subs({mu: 0.4, sigma: 1.3})) == pytest.approx(ref, rel=1e-9)


def test_variance_of_an_exponential_with_a_real_rate() -> None:
    lam = sm.symbols("lam")
    d = sm.variance(sm.Exponential("T", lam))
    assert d.result == lam**-2 and d.result.free_symbols == {lam}
    assert float(d.result.subs(lam, 2.5)) == pytest.approx(ss.expon(scale=0.4).var(), rel=1e-12)


# --- sm.assume --------------------------------------------------------------------------------


def test_assume_makes_the_gaussian_integral_closed() -> None:
    e = sm.assume("exp(-x^2/(2*sigma^2))", "sigma>0")
    d = sm.integral(e, ("x", "-oo", "oo"))
    sigma = sympy.Symbol("sigma", real=True, positive=True)
    _exact(d.result, sympy.sqrt(2 * sympy.pi) * sigma)
    ref, _ = quad(lambda v: math.exp(-(v**2) / (2 * 1.5**2)), -np.inf, np.inf, epsabs=1e-13)
    assert float(d.result.subs(sigma, 1.5)) == pytest.approx(ref, rel=1e-10)


@pytest.mark.parametrize(
    ("spec", "attribute"),
    [
        ("a>0", "is_positive"),
        ("a >= 0", "is_nonnegative"),
        ("a<0", "is_negative"),
        ("a<=0", "is_nonpositive"),
        ("a!=0", "is_nonzero"),
        (["a>0"], "is_positive"),
    ],
)
def test_assume_forms(spec, attribute) -> None:
    (a,) = sm.assume("a + 1", spec).free_symbols
    assert getattr(a, attribute) is True and a.is_real is True


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("a>1", "cannot read 'a>1'"),
        ("a>0>0", "cannot read"),
        ("__import__('os')>0", "cannot read"),
        ("a+b>0", "cannot read"),
        ("b>0", "'b' does not occur in a + 1"),
        ("pi>0", "'pi' does not occur"),
    ],
)
def test_assume_refuses_other_forms(spec, says) -> None:
    with pytest.raises(ValueError, match="assume: ") as info:
        sm.assume("a + 1", spec)
    assert says in str(info.value)
