"""Probability: expectations that are infinite or do not exist, densities whose integral
diverges, shared time budgets, MLE and KL of tabled families."""

from __future__ import annotations

import dataclasses
import math
import time
import warnings

import numpy as np
import pytest
import scipy.stats as ss
import sympy
from scipy.integrate import quad
from sympy import stats as sstats

import symml as sm
from symml.probability import numeric_expectation, parse_distribution
from symml.quadrature import end_divergence
from symml.sampling import monte_carlo

R = sympy.Rational
x = sympy.Symbol("x", real=True)


# --- expectations that are infinite, or do not exist ---------------------------------------


def _partial(f: object, a: float, b: float) -> float:
    """∫_a^b f (0 < a < b) by quad over 80 geometric pieces (no mass is skipped)."""
    edges = np.geomspace(a, b, 81)
    with warnings.catch_warnings():  # an oscillating piece warns; the sum is evidence enough
        warnings.simplefilter("ignore")
        return sum(
            quad(f, lo, hi, limit=200)[0] for lo, hi in zip(edges[:-1], edges[1:], strict=True)
        )


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


def test_end_divergence_probe() -> None:
    assert end_divergence(lambda t: 1 / (1 + t * t), math.inf, -1.0) is None
    assert end_divergence(lambda t: np.ones_like(t) / (1 + abs(t)), -math.inf, 1.0) == 1
    assert end_divergence(lambda t: -1 / t**2, 0.0, 1.0) == -1
    assert end_divergence(lambda t: 1 / np.sqrt(t - 2), 2.0, 1.0) is None
    assert end_divergence(lambda t: 1 / (t - 2), 2.0, 1.0) == 1
    assert end_divergence(lambda t: np.sin(t), math.inf, -1.0) == 0
    # eˣ − 1 is 0.0 at x = 1e-20 (an overflow of floating point, not of the maths): looked at
    # again further out, x³/(eˣ − 1) ~ x² converges; e^{-x} overflowing at every distance diverges
    with np.errstate(all="ignore"):
        assert end_divergence(lambda t: t**3 / (np.exp(t) - 1), 0.0, 1.0) is None
        assert end_divergence(lambda t: np.exp(-t), -math.inf, 1.0) == 1
    # x^(-1.5) converges, 1/x diverges: the integrals over growing ranges agree
    assert _partial(lambda t: t**-1.5, 1, 1e8) == pytest.approx(2.0, rel=1e-3)
    assert _partial(lambda t: 1 / t, 1, 1e8) == pytest.approx(8 * math.log(10))


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


# --- densities whose integral diverges -----------------------------------------------------


@pytest.mark.parametrize(
    ("density", "support", "grow"),
    [
        (
            sympy.exp(-x),
            sympy.Interval(-sympy.oo, sympy.oo),
            lambda k: _partial(lambda t: math.exp(t), 1.0, 10.0 * k),
        ),  # ∫_{-10k}^{-1} e^{-x}
        (
            sympy.Integer(1),
            sympy.Interval(0, sympy.oo),
            lambda k: _partial(lambda t: 1.0, 1, 10.0**k),
        ),
        (1 / x**2, sympy.Interval(0, 1), lambda k: _partial(lambda t: t**-2, 10.0**-k, 1.0)),
        (
            1 / (1 + abs(x)),
            sympy.Interval(-sympy.oo, sympy.oo),
            lambda k: _partial(lambda t: 1 / (1 + t), 1.0, 10.0**k),
        ),
    ],
)
def test_a_density_with_an_infinite_integral_is_refused(
    density: sympy.Expr, support: sympy.Interval, grow: object
) -> None:
    with pytest.raises(ValueError, match=r"does not integrate to 1 .*\(its integral diverges\)"):
        sm.ContinuousRV(x, density, support)
    assert 1 < grow(2) < grow(4) < grow(6)  # the partial integrals pass 1 and keep growing


def test_singular_and_heavy_tailed_densities_are_accepted() -> None:
    X = sm.ContinuousRV(x, 1 / (2 * sympy.sqrt(x)), sympy.Interval(0, 1))
    Y = sm.ContinuousRV(x, 1 / (sympy.pi * (1 + x**2)))
    assert sm.expectation(X).result == R(1, 3)
    assert quad(lambda t: t / (2 * math.sqrt(t)), 0, 1)[0] == pytest.approx(1 / 3)
    with pytest.raises(sm.NoConvergenceError, match="does not exist"):
        sm.expectation(Y, timeout=2)


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
    "make",
    [
        lambda: parse_distribution("X=Normal(0, oo)"),
        lambda: parse_distribution("X=Uniform(0, oo)"),
        lambda: parse_distribution("X=Poisson(oo)"),
        lambda: parse_distribution("X=DiscreteUniform([1, oo])"),
        lambda: sm.Normal("X", sympy.nan, 1),
        lambda: sm.Normal("X", 0, sympy.I),
        lambda: sm.Exponential("X", 1 + sympy.I),
        lambda: sm.Binomial("X", 4, sympy.zoo),
    ],
)
def test_a_non_finite_or_complex_parameter_is_refused(make: object) -> None:
    """Such parameters made E[Normal(0, oo)] = 0, E[Uniform(0, oo)] = 0 and a KeyError
    for Poisson(oo)."""
    with pytest.raises(ValueError, match="finite real number"):
        make()


def test_a_wrong_number_of_parameters_names_the_distribution() -> None:
    with pytest.raises(TypeError, match=r"Normal\(X, 0\)"):
        parse_distribution("X=Normal(0)")


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


#: Custom densities whose mass lies far from 0 or in a narrow peak: (density, support, mean,
#: scipy.stats law). Their quadrature from 0 used to find nothing: ContinuousRV said
#: "integrates to 0", and E[X] of sympy.stats.ContinuousRV came back as 0.0 ± 0.0.
FAR_OR_NARROW = [
    (
        sympy.exp(-((x - 1000) ** 2) / 2) / sympy.sqrt(2 * sympy.pi),
        sympy.Interval(-sympy.oo, sympy.oo),
        1000.0,
        ss.norm(1000, 1),
    ),
    (
        sympy.exp(-((x - 3) ** 2) / (2 * R(1, 10**6) ** 2))
        / (sympy.sqrt(2 * sympy.pi) * R(1, 10**6)),
        sympy.Interval(-sympy.oo, sympy.oo),
        3.0,
        ss.norm(3, 1e-6),
    ),
    (10**8 * sympy.exp(-(10**8) * x), sympy.Interval(0, sympy.oo), 1e-8, ss.expon(scale=1e-8)),
    (
        sympy.exp(-((x + 500) ** 2) / 8) / sympy.sqrt(8 * sympy.pi),
        sympy.Interval(-sympy.oo, 0),
        -500.0,
        ss.norm(-500, 2),
    ),
]


@pytest.mark.parametrize(("density", "support", "mean", "law"), FAR_OR_NARROW)
def test_a_custom_density_far_from_zero_or_narrow_is_found(
    density: sympy.Expr, support: sympy.Interval, mean: float, law: object
) -> None:
    X = sm.ContinuousRV(x, density, support)  # accepted: it integrates to 1
    for rv in (X, sstats.ContinuousRV(x, density, support)):
        value, err, method = numeric_expectation(rv)
        assert value == pytest.approx(mean, rel=1e-9) and err < 1e-8 * abs(mean)
    # the reference: scipy's mean, and a quadrature of x f(x) over mean ± 40 sd
    assert law.mean() == pytest.approx(mean, rel=1e-12)
    sd = law.std()
    lo, hi = max(mean - 40 * sd, float(support.inf)), min(mean + 40 * sd, float(support.sup))
    assert quad(lambda t: t * law.pdf(t), lo, hi, points=[mean], limit=200)[0] == pytest.approx(
        mean, rel=1e-9
    )


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
