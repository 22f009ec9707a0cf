"""Expectations, variances, covariances and moments: steps, the numeric fallbacks and time
limits, infinite and non-existent expectations, complex values, and the check."""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import pytest
import scipy.stats as ss
import sympy
from scipy.integrate import quad
from sympy import stats as sstats

import symml as sm
from symml.probability import numeric_expectation
from symml.sampling import monte_carlo
from tests.probability.helpers import LAM, SIG, _partial, pos

mu, a, b_ = sympy.symbols("mu a b", real=True)
R = sympy.Rational

# --- covariance, and the variance of a sum ------------------------------------------------


def test_covariance_of_sums_of_independent_variables() -> None:
    s1, s2 = pos["s1"], pos["s2"]
    X, Y, Z = sm.Normal("X", 0, s1), sm.Normal("Y", 1, s2), sm.Exponential("Z", 2)
    d = sm.covariance(X + 2 * Y, Y + Z)  # = 2 Var Y
    assert sympy.simplify(d.result - 2 * s2**2) == 0
    assert d.verify(rng=5).passed
    D, B = sm.Die("D", 6), sm.Bernoulli("B", sympy.Rational(1, 3))
    c = sm.covariance(D + B, 2 * D - B)
    assert c.result == 2 * sympy.Rational(35, 12) - sympy.Rational(2, 9)
    assert c.verify(rng=6).passed


def test_variance_of_a_sum_is_the_sum_of_variances() -> None:
    X, Y = sm.Normal("X", 0, pos["s1"]), sm.Exponential("Y", 3)
    d = sm.variance(X + Y)
    assert sympy.simplify(d.result - (pos["s1"] ** 2 + sympy.Rational(1, 9))) == 0
    assert d.verify(rng=8).passed


# --- fallbacks and time limits ------------------------------------------------------------------


def test_hanging_expectation_returns_within_timeout_with_numeric_answer() -> None:
    X = sm.Normal("X", 1, 2)
    start = time.monotonic()
    d = sm.expectation(sympy.cos(X) ** 2, timeout=1)
    elapsed = time.monotonic() - start
    assert elapsed < 1 + 2
    assert d.method == "numeric" and d.error is not None and d.error < 1e-8
    exact = (1 + np.exp(-8) * np.cos(2)) / 2  # E[cos² X] = (1 + e^{-2σ²} cos 2μ)/2
    assert float(d.result) == pytest.approx(exact, abs=1e-8)
    est = monte_carlo(sympy.cos(X) ** 2, 400_000, rng=11)
    assert est.agrees_with(float(d.result))
    assert d.verify(rng=4).passed
    assert "quadrature" in d.steps[-1].title and "timed out" in d.steps[-1].title


def test_two_dimensional_expectation_falls_back_to_monte_carlo() -> None:
    """A time limit SymPy cannot meet (1 ms: less than starting its worker) forces the
    fallback; two variables call for Monte Carlo."""
    X, Y = sm.Normal("X", 0, 1), sm.Normal("Y", 0, 1)
    start = time.monotonic()
    d = sm.expectation(sympy.sqrt(X**2 + Y**2), timeout=0.001, rng=0)
    assert time.monotonic() - start < 0.001 + 2
    assert d.method == "monte-carlo" and d.error is not None and 0 < d.error < 2e-3
    assert "Monte Carlo" in d.steps[-1].title and "timed out" in d.steps[-1].title
    assert abs(float(d.result) - np.sqrt(np.pi / 2)) <= 4 * d.error  # Rayleigh mean σ √(π/2)


def test_symbolic_parameters_time_out_naming_the_expression() -> None:
    X = sm.Normal("X", mu, SIG)
    start = time.monotonic()
    with pytest.raises(sm.DerivationTimeout, match=r"cos\(X\)"):
        sm.expectation(sympy.cos(X) ** 2, timeout=1)
    assert time.monotonic() - start < 1 + 2


def test_numeric_expectation_of_discrete_and_continuous() -> None:
    value, err, method = numeric_expectation(sm.Poisson("N", 3) ** 2)
    assert method == "numeric" and value == pytest.approx(12, abs=1e-10)
    value, err, method = numeric_expectation(sympy.exp(sm.Exponential("T", 2)))
    assert value == pytest.approx(2.0, abs=1e-8) and err < 1e-8


def test_custom_density_expectation_and_entropy() -> None:
    x = sympy.Symbol("x", real=True)
    X = sm.ContinuousRV(x, 3 * x**2 / 2, sympy.Interval(-1, 1))
    assert sm.expectation(X**2).result == sympy.Rational(3, 5)
    from scipy.integrate import quad

    # numeric cross-checks of 3/5: quadrature of x² f(x), and Monte Carlo draws of X²
    assert quad(lambda t: 1.5 * t**4, -1, 1)[0] == pytest.approx(0.6, rel=1e-12)
    assert monte_carlo(X**2, 400_000, rng=2).agrees_with(0.6)
    h = sm.entropy(X)

    want, _ = quad(lambda t: -1.5 * t * t * np.log(1.5 * t * t) if t else 0.0, -1, 1, points=[0.0])
    assert float(h.result) == pytest.approx(want, rel=1e-9)


def test_moment_and_mgf() -> None:
    X = sm.Normal("X", 0, SIG)
    m4 = sm.moment(X, 4).result
    assert sympy.simplify(m4 - 3 * SIG**4) == 0
    from scipy.integrate import quad

    for s in (0.5, 1.3):  # numeric cross-checks: quadrature and Monte Carlo
        want = quad(lambda t, s=s: t**4 * ss.norm(0, s).pdf(t), -np.inf, np.inf)[0]
        assert float(m4.subs(SIG, s)) == pytest.approx(want, rel=1e-10)
        assert monte_carlo(sm.Normal("X", 0, s) ** 4, 400_000, rng=1).agrees_with(want)
    m = sm.mgf(sm.Exponential("T", 2))
    t = sympy.Symbol("t", real=True)
    assert sympy.simplify(m.result - 2 / (2 - t)) == 0
    assert m.verify(rng=0).passed
    assert sm.mgf(sm.Die("D", 6), 0).result == 1


def test_steps_show_the_integral_and_latex() -> None:
    d = sm.expectation(sm.Exponential("T", LAM) ** 2)
    assert d.steps[0].title == "expectation as an integral"
    assert r"\int_{0}^{\infty}" in d.steps[0].latex and r"e^{- \lambda t}" in d.steps[0].latex
    assert d.latex(steps=False) == r"\mathbb{E}\left[T^{2}\right] = \frac{2}{\lambda^{2}}"
    assert d.to_numpy()(2.0) == pytest.approx(0.5)
    s = sm.expectation(sm.Die("D", 6))
    assert s.steps[0].title == "expectation as a sum over the values"


def test_expression_without_random_variables_is_rejected() -> None:
    with pytest.raises(ValueError, match="no random variable"):
        sm.expectation("x**2")
    with pytest.raises(ValueError, match="single random variable"):
        sm.entropy(sm.Normal("X", 0, 1) + 1)


def test_a_wrong_sympy_answer_is_caught_by_quadrature(monkeypatch: pytest.MonkeyPatch) -> None:
    import symml.probability.expectations as prob

    monkeypatch.setattr(prob, "_E", lambda e: sympy.Integer(7))  # a SymPy bug stand-in
    d = sm.expectation(sm.Normal("X", 0, 1) ** 2)
    assert d.method == "numeric" and float(d.result) == pytest.approx(1.0, abs=1e-9)
    assert "disagreed" in d.steps[-1].title


def test_hanging_variance_returns_numeric_within_timeout() -> None:
    X = sm.Normal("X", 1, 2)
    start = time.monotonic()
    d = sm.variance(sympy.cos(X), timeout=1)
    assert time.monotonic() - start < 1 + 2
    # Var cos X = (1 + e^{-2σ²} cos 2μ)/2 − e^{-σ²} cos² μ
    exact = (1 + np.exp(-8) * np.cos(2)) / 2 - np.exp(-4) * np.cos(1) ** 2
    assert d.method == "numeric" and float(d.result) == pytest.approx(exact, abs=1e-8)


# --- expectations that are infinite, or do not exist ---------------------------------------


@pytest.mark.parametrize(
    ("make", "want"),
    [
        (lambda: sstats.StudentT("T", 1) ** 2, math.inf),  # ∫ t²/(π(1+t²)) diverges
        (lambda: sstats.StudentT("T", 2) ** 2, math.inf),  # ν = 2: the variance is infinite
        (lambda: sympy.exp(sm.Normal("X", 0, 1) ** 2 / 2), math.inf),  # E[e^{X²/2}] = ∫ 1/√(2π)
        (lambda: 1 / sm.Exponential("T", 1), math.inf),  # ∫₀ e^{-t}/t dt diverges at 0
        (lambda: -(sstats.Cauchy("C", 0, 1) ** 2), -math.inf),
        (lambda: sstats.Pareto("P", 1, 1), math.inf),
    ],
)
def test_an_infinite_expectation_is_infinity(make: object, want: float) -> None:
    e = make()
    value, err, method = numeric_expectation(e)
    assert value == want and err == 0.0 and method == "numeric"
    d = sm.expectation(e, timeout=2)
    assert d.result == (sympy.oo if want > 0 else -sympy.oo)
    # the partial integrals grow without bound: the numeric cross-check of "infinite"
    rv = next(iter(sstats.random_symbols(e)))
    t = sympy.Symbol("t", real=True)
    f = sympy.lambdify(t, e.xreplace({rv: t}) * sstats.density(rv)(t), "math")
    lo = max(float(rv.pspace.distribution.set.inf), 0.0)
    grows = [abs(_partial(f, lo + 10.0**-k, 10.0**k)) for k in (2, 4, 6)]
    assert grows[0] < grows[1] < grows[2] and grows[2] - grows[1] > 1e-3


@pytest.mark.parametrize(
    ("make", "where"),
    [
        (lambda: sstats.Cauchy("C", 0, 1), "∞"),
        (lambda: 1 / sm.Normal("X", 1, 2), "0"),
        (lambda: sstats.StudentT("T", 1) ** 3, "∞"),
        (lambda: sympy.sin(sstats.Cauchy("C", 0, 1)) * sstats.Cauchy("C", 0, 1), "∞"),
    ],
)
def test_an_expectation_that_does_not_exist_raises(make: object, where: str) -> None:
    e = make()
    with pytest.raises(sm.NoConvergenceError, match=rf"does not exist.*{where}"):
        sm.expectation(e, timeout=2)
    # cross-check: the integral of |g| f over growing ranges keeps growing
    rv = next(iter(sstats.random_symbols(e)))
    t = sympy.Symbol("t", real=True)
    f = sympy.lambdify(t, abs(e.xreplace({rv: t})) * sstats.density(rv)(t), "math")
    parts = [
        _partial(f, 10.0**-k, 1.0) if where == "0" else _partial(f, 1.0, 10.0**k) for k in (2, 4, 6)
    ]
    assert parts[0] < parts[1] < parts[2] and parts[2] - parts[1] > 1e-3


def test_variance_of_a_cauchy_variable_does_not_exist_and_is_never_negative() -> None:
    with pytest.raises(sm.NoConvergenceError, match=r"E\[T\] does not exist"):
        sm.variance(sstats.StudentT("T", 1))
    d = sm.variance(sstats.StudentT("T", 2), timeout=2)
    assert d.result == sympy.oo
    assert math.isinf(ss.t(2).var())


def test_heavy_but_finite_expectations_stay_accurate() -> None:
    """Convergent heavy tails and integrable singularities keep their values (scipy.stats
    and closed forms as the references)."""
    cases = [
        (sstats.StudentT("T", 3) ** 2, 3.0),
        (abs(sstats.Cauchy("C", 0, 1)) ** R(1, 2), math.sqrt(2)),
        (sstats.Pareto("P", 1, R(3, 2)), 3.0),
        (1 / sympy.sqrt(sm.Exponential("T", 1)), math.sqrt(math.pi)),
        (sm.Beta("B", R(1, 2), R(1, 2)), 0.5),
        (sympy.exp(sm.Normal("X", 0, 1)), math.exp(0.5)),
        (sm.Normal("X", 0, 1) ** 8, 105.0),
        (sm.Normal("X", 10**6, 1), 1e6),  # the mass far from 0 is found (cut points)
        (sm.Exponential("X", R(1, 10**8)), 1e8),
    ]
    for e, want in cases:
        value, err, _ = numeric_expectation(e)
        assert abs(value - want) <= 1e-8 * max(1.0, want) and err < 1e-6 * max(1.0, want), e
    assert ss.t(3).moment(2) == pytest.approx(3.0)


def test_verify_refuses_a_negative_mean_of_a_square() -> None:
    X = sm.Normal("X", 0, 1)
    good = sm.expectation(X**2)
    assert good.verify(rng=0).passed
    import dataclasses

    bad = dataclasses.replace(good, result=sympy.Float(-1.6366), method="numeric", error=3e-11)
    check = bad.verify(rng=0)
    assert not check.passed and "negative" in check.details


def test_verify_refuses_monte_carlo_when_the_variance_is_infinite() -> None:
    """E[T²] = 3 for ν = 3, but T² has no variance: a Monte Carlo ±4σ check is no evidence."""
    d = sm.expectation(sstats.StudentT("T", 3) ** 2, timeout=2)
    assert float(d.result) == pytest.approx(3.0, abs=1e-9)
    check = d.verify(rng=0)
    assert not check.passed and "infinite" in check.details
    assert math.isinf(ss.t(3).stats(moments="k"))  # the kurtosis (E[T⁴]) is infinite
    # a light tail still verifies
    assert sm.expectation(sympy.cos(sm.Normal("X", 1, 2)) ** 2, timeout=1).verify(rng=4).passed


def test_verify_of_an_infinite_expectation() -> None:
    d = sm.expectation(sstats.StudentT("T", 2) ** 2, timeout=2)
    check = d.verify(rng=0)
    assert check.passed and "diverges" in check.details


# --- one time budget per call ----------------------------------------------------------------


def test_covariance_shares_one_deadline_between_its_parts() -> None:
    X = sm.Normal("X", 1, 2)
    start = time.monotonic()
    d = sm.covariance(sympy.cos(X) ** 2, sympy.sin(X) ** 2, timeout=3)
    assert time.monotonic() - start < 3 + 2
    # Cov[cos² X, sin² X] = −Var[cos² X] = −Var[cos 2X]/4, with E[cos 2X] = e^{-2σ²} cos 2μ
    var_cos2 = (1 + np.exp(-32) * np.cos(4)) / 2 - (np.exp(-8) * np.cos(2)) ** 2
    assert float(d.result) == pytest.approx(-var_cos2 / 4, abs=1e-8)
    assert monte_carlo(sympy.cos(X) ** 2 * sympy.sin(X) ** 2, 400_000, rng=5).agrees_with(
        float(d.result) + 0.25 * (1 - np.exp(-8) * np.cos(2)) * (1 + np.exp(-8) * np.cos(2))
    )


def test_simplification_is_charged_to_the_callers_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    import symml.probability.expectations as prob

    a = sympy.Symbol("a", real=True)
    slow = (
        sympy.sin(a) ** 2 + sympy.cos(a) ** 2 + sympy.sin(2 * a) - 2 * sympy.sin(a) * sympy.cos(a)
    )

    def late_answer(e: object) -> sympy.Expr:
        time.sleep(0.7)
        return sympy.Rational(3, 2) * slow.subs(a, sympy.Rational(1, 3))  # = E[U + 1] = 3/2

    given: list[float | None] = []

    def recording_simplify(items: list, timeout: float | None = None) -> list:
        given.append(timeout)
        return [sympy.Rational(3, 2) for _ in items]

    monkeypatch.setattr(prob, "_E", late_answer)
    monkeypatch.setattr(prob, "simplify_limited", recording_simplify)
    d = sm.expectation(sm.Uniform("U", 0, 1) + 1, timeout=1)
    assert given and given[0] is not None and given[0] <= 1 - 0.7 + 0.05
    assert d.result == sympy.Rational(3, 2) and d.method == "symbolic"
    assert float(slow.subs(a, 0.3)) == pytest.approx(1.0)  # the stand-in really simplifies


# --- second review: complex values, series, parameters, large tables ---------------------------


def test_a_complex_valued_expectation_keeps_its_imaginary_part() -> None:
    """E[e^{iX}] for X ~ N(1, 1) is the characteristic function e^{i − 1/2}; the numeric
    fallback used to return only its real part."""
    X = sm.Normal("X", 1, 1)
    want = complex(np.exp(1j - 0.5))
    # numeric cross-check of the closed form: quadrature of cos and sin against the density
    parts = [
        quad(lambda t, f=f: f(t) * ss.norm(1, 1).pdf(t), -np.inf, np.inf)[0]
        for f in (np.cos, np.sin)
    ]
    assert complex(*parts) == pytest.approx(want, rel=1e-10)
    for timeout in (None, 0.001):  # SymPy's answer, then the forced numeric fallback
        d = sm.expectation(sympy.exp(sympy.I * X), timeout=timeout)
        assert complex(d.result) == pytest.approx(want, rel=1e-9), (timeout, d.result)
    value, err, method = numeric_expectation(sympy.exp(sympy.I * X))
    assert value == pytest.approx(want, rel=1e-9) and err < 1e-9 and method == "numeric"
    # E[√(X − 3)]: the principal root is imaginary where X < 3
    t = sympy.Symbol("t", real=True)
    root = sympy.lambdify(t, sympy.sqrt(t - 3) * sstats.density(X)(t), "mpmath")
    import mpmath

    ref = complex(mpmath.quad(root, [-mpmath.inf, 3, mpmath.inf]))
    d = sm.expectation(sympy.sqrt(X - 3), timeout=0.001)
    assert complex(d.result) == pytest.approx(ref, rel=1e-8) and d.method == "numeric"


def test_a_complex_valued_monte_carlo_keeps_its_imaginary_part() -> None:
    X, Y = sm.Normal("X", 1, 1), sm.Normal("Y", 0, 1)
    want = complex(np.exp(1j - 0.5))  # E[e^{iX} Y²] = E[e^{iX}]·E[Y²]
    value, err, method = numeric_expectation(sympy.exp(sympy.I * X) * Y**2, rng=0, samples=200_000)
    assert method == "monte-carlo" and abs(value - want) <= 4 * err and err < 1e-2
    with pytest.raises(ValueError, match="complex"):
        monte_carlo(sympy.exp(sympy.I * X), 1000, rng=0)


def test_variance_of_a_complex_valued_expression_is_refused() -> None:
    X = sm.Normal("X", 0, 1)
    with pytest.raises(ValueError, match="complex-valued"):
        sm.variance(sympy.exp(sympy.I * X))
    with pytest.raises(ValueError, match="complex-valued"):
        sm.covariance(sympy.exp(sympy.I * X), X)


def test_a_series_whose_terms_overflow_is_infinite_not_nan() -> None:
    """E[e^{N²}] and E[N!] for N ~ Poisson(3) diverge (terms 3^k e^{k²}/k! grow); the sum
    used to come back as NaN. E[e^N] = e^{3(e − 1)} (terms that overflow apart, not
    together) stays finite."""
    N = sm.Poisson("N", 3)
    for g in (sympy.exp(N**2), sympy.factorial(N)):
        assert numeric_expectation(g)[0] == math.inf
        assert sm.expectation(g, timeout=0.001).result == sympy.oo
    # cross-check: the partial sums grow without bound
    terms = [math.exp(k * k - 3) * 3**k / math.factorial(k) for k in range(25)]
    assert terms[-1] > terms[-2] > 1e100
    value, err, _ = numeric_expectation(sympy.exp(N))
    assert value == pytest.approx(math.exp(3 * (math.e - 1)), rel=1e-12)
    assert value == pytest.approx(
        sum(math.exp(k - 3 + k * math.log(3) - math.lgamma(k + 1)) for k in range(200)), rel=1e-12
    )


def test_an_alternating_heavy_series_does_not_exist() -> None:
    """Σ (−1)^k k P(Z = k) for Z ~ Zeta(2) is 6/π² Σ (−1)^k / k: conditionally convergent,
    so E[(−1)^Z Z] does not exist (E|g| = E[Z] = ∞). Probed at k ~ 1e20, where every float
    is an even integer, it used to come back as +∞."""
    Z = sstats.Zeta("Z", 2)
    with pytest.raises(sm.NoConvergenceError, match="does not exist") as caught:
        numeric_expectation((-1) ** Z * Z)
    assert caught.value.oscillating  # as checked_integral says of sin(x)/x: no sum of |terms|
    assert numeric_expectation(Z)[0] == math.inf  # E|g| = E[Z] = Σ 6/(π² k) = ∞
    # a convergent alternating one keeps its value: E[(−1)^G] = −(1/3) Σ (−2/3)^(k−1) = −1/5
    value, err, _ = numeric_expectation((-1) ** sm.Geometric("G", R(1, 3)))
    assert value == pytest.approx(-0.2, rel=1e-12)
    assert sum((-1) ** k * (2 / 3) ** (k - 1) / 3 for k in range(1, 200)) == pytest.approx(
        -0.2, rel=1e-12
    )


@pytest.mark.parametrize(
    "make", [lambda: sm.Die("D", 10**9), lambda: sm.Binomial("B", 10**8, R(1, 2))]
)
def test_a_huge_finite_table_is_refused_not_enumerated(make: object) -> None:
    X = make()
    start = time.monotonic()
    with pytest.raises(sm.NotSupportedError, match="values"):
        sm.expectation(X, timeout=1)
    with pytest.raises(sm.NotSupportedError, match="values"):
        sm.entropy(X, timeout=1)
    assert time.monotonic() - start < 2


def test_the_zeroth_moment_is_one() -> None:
    X = sm.Normal("X", 0, 1)
    d = sm.moment(X, 0)
    assert d.result == 1 and d.verify(rng=0).passed
    assert quad(ss.norm.pdf, -np.inf, np.inf)[0] == pytest.approx(1.0)


def test_numeric_values_far_from_zero_keep_their_digits_and_honest_errors() -> None:
    """Quadrature of x f(x) at x ~ 1e8 (a float's step 1.5e-8) lost digits: E[Y] for
    Y ~ N(1e8, 1) came back 1e8 + 0.109 ± 5e-4, so Var[Y] = 1.0118 ± 6e-12; a Poisson(1e6)
    sum E[N] = 1e6 + 1e-3 ± 1e-9. The integral is now taken in u = x − c, c a round number
    at the mass, and the series divided by its summed mass."""
    Y = sm.Normal("Y", 10**8, 1)
    value, err, _ = numeric_expectation(Y)
    assert abs(value - 1e8) <= max(err, 1e-7 * 1e8 * 1e-9) and err < 1e-3
    var = sm.variance(Y, timeout=0.001)
    assert var.method == "numeric" and float(var.result) == pytest.approx(1.0, abs=1e-6)
    assert abs(float(var.result) - 1.0) <= max(var.error, 1e-9)
    for U, want in (
        (sm.Uniform("U", 10**8, 10**8 + 1), 1 / 12),  # a support far from 0
        (sm.Uniform("U", -(10**8) - 2, -(10**8)), 1 / 3),
    ):
        d = sm.variance(U, timeout=0.001)
        assert float(d.result) == pytest.approx(want, rel=1e-12)
        assert quad(lambda t: (t - 0.5) ** 2, 0, 1)[0] == pytest.approx(1 / 12)
        # this law's own reference: Var = ∫ (t − mid)² dt / width over its (shifted) support
        lo, hi = (float(v) for v in U.pspace.distribution.args)
        w = hi - lo
        assert quad(lambda t, w=w: t * t / w, -w / 2, w / 2)[0] == pytest.approx(want, rel=1e-12)
    narrow = sm.Normal("Z", 0.5, 1e-10)  # E[Z²] = 0.25 + 1e-20
    value, err, _ = numeric_expectation(narrow**2)
    assert value == pytest.approx(0.25, rel=1e-12) and abs(value - 0.25) <= max(err, 1e-15)
    N = sm.Poisson("N", 10**6)
    value, err, _ = numeric_expectation(N)
    # the error counts the whole normalisation (a relative 1e-9): conservative, not small
    assert abs(value - 1e6) <= 1e-5 and abs(value - 1e6) <= err < 1e-2
    # H(N) against the asymptotic series ½ log(2πeλ) − 1/(12λ) − 1/(24λ²) (next term 1e-19)
    lam = 1e6
    want = 0.5 * math.log(2 * math.pi * math.e * lam) - 1 / (12 * lam) - 1 / (24 * lam**2)
    h = sm.entropy(N, timeout=0.001)
    assert abs(float(h.result) - want) <= max(h.error, 1e-12) and h.error < 1e-6
    # the references: scipy's moments of the same laws
    assert ss.norm(1e8, 1).var() == 1.0 and ss.poisson(1e6).mean() == 1e6


def test_an_mgf_beyond_its_domain_is_never_sympys_formula() -> None:
    """SymPy's mgf of Exponential(2) is 2/(2 − t) for every t; at t = 3 that is −2, but
    E[e^{3X}] = ∫ 2 e^{x} dx = ∞: quadrature confirms the divergence (the piece before the
    tail, where the integrand overflows with the same sign, adds to +∞ rather than being
    refused), so the answer is ∞, never a finite number. Likewise M(1) of a Cauchy law."""
    T = sm.Exponential("T", 2)
    d = sm.mgf(T, 3)
    assert d.result == sympy.oo and d.method == "numeric"
    assert sm.mgf(sympy.stats.Cauchy("C", 0, 1), 1).result == sympy.oo
    assert _partial(lambda t: 2 * math.exp(t), 1.0, 700.0) > 1e300  # the integral grows
    d = sm.mgf(T, 1)  # inside the domain: 2/(2 − 1) = 2
    assert d.result == 2 and quad(lambda t: 2 * math.exp(-t), 0, np.inf)[0] == pytest.approx(2)


def test_a_complex_expectation_is_verified_part_by_part() -> None:
    """E[exp(iX)] for a standard normal X is the characteristic function at 1, exp(-1/2):
    its check compares Re and Im with Monte Carlo, and a wrong imaginary part fails."""
    X = sm.Normal("X", 0, 1)
    d = sm.expectation(sympy.exp(sympy.I * X) + X**2)
    assert sympy.simplify(d.result - (sympy.exp(-sympy.Rational(1, 2)) + 1)) == 0
    assert d.verify(rng=0)
    wrong = dataclasses.replace(d, result=d.result + sympy.I / 3)
    check = wrong.verify(rng=0)
    assert not check and "imaginary part" in check.details
