"""Samplers: distributions checked against exact CDFs and moments, custom densities (also
singular at an end, far from zero or narrow), methods and bad input."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from scipy import stats as sps
from sympy import stats as ss

import symml as sm
from symml.compile import to_numpy
from symml.errors import NotSupportedError
from symml.probability import variables
from tests.probability.helpers import FAR_OR_NARROW
from tests.sampling.helpers import KS_PVALUE

x = sympy.Symbol("x", real=True)
k = sympy.Symbol("k", integer=True, positive=True)

KS_DRAWS = 4000


def cubic() -> sympy.Expr:
    """The custom density 3x²/2 on [-1, 1]."""
    return ss.ContinuousRV(x, 3 * x**2 / 2, sympy.Interval(-1, 1))


def cubic_cdf(v: np.ndarray) -> np.ndarray:
    return (np.clip(v, -1, 1) ** 3 + 1) / 2


# --- continuous families: Kolmogorov-Smirnov against the exact CDF ----------------------------

#: (random variable, scipy's frozen distribution with the same law)
CONTINUOUS = [
    (lambda: ss.Normal("X", 1, 2), sps.norm(1, 2)),
    (lambda: ss.Exponential("X", 2), sps.expon(scale=0.5)),
    (lambda: ss.Uniform("X", -1, 3), sps.uniform(-1, 4)),
    (lambda: ss.Gamma("X", 2, 3), sps.gamma(2, scale=3)),
    (lambda: ss.Erlang("X", 3, 2), sps.gamma(3, scale=0.5)),
    (lambda: ss.Beta("X", 2, 3), sps.beta(2, 3)),
    (lambda: ss.Laplace("X", 0.5, 2), sps.laplace(0.5, 2)),
    (lambda: ss.Logistic("X", 1, 2), sps.logistic(1, 2)),
    (lambda: ss.LogNormal("X", 0, 0.5), sps.lognorm(0.5)),
    (lambda: ss.ChiSquared("X", 3), sps.chi2(3)),
    (lambda: ss.StudentT("X", 4), sps.t(4)),
    (lambda: ss.FDistribution("X", 5, 7), sps.f(5, 7)),
    (lambda: ss.Rayleigh("X", 2), sps.rayleigh(scale=2)),
    (lambda: ss.Triangular("X", 0, 3, 1), sps.triang(1 / 3, loc=0, scale=3)),
    (lambda: ss.Cauchy("X", 1, 2), sps.cauchy(1, 2)),
    (lambda: ss.Weibull("X", 2, 3), sps.weibull_min(3, scale=2)),
    (lambda: ss.Pareto("X", 1, 3), sps.pareto(3)),
    (lambda: ss.Gumbel("X", 2, 1), sps.gumbel_r(1, 2)),
    (lambda: ss.Gumbel("X", 2, 1, minimum=True), sps.gumbel_l(1, 2)),  # no numpy method
    (lambda: ss.Maxwell("X", 2), sps.maxwell(scale=2)),  # no numpy method
]


@pytest.mark.parametrize(("make", "law"), CONTINUOUS, ids=lambda v: getattr(v, "__name__", ""))
def test_continuous_family_matches_exact_cdf(make, law):
    X = make()
    z = sympy.Symbol("z", real=True)
    pdf = to_numpy(variables.without_zero_branch(ss.density(X)(z)), [z])
    points = law.ppf([0.1, 0.3, 0.5, 0.7, 0.9])
    np.testing.assert_allclose(pdf(points), law.pdf(points), rtol=1e-9)  # same law as SymPy's
    draws = sm.sampler(X, timeout=3)(KS_DRAWS, rng=12)
    assert draws.shape == (KS_DRAWS,)
    assert sps.kstest(draws, law.cdf).pvalue > KS_PVALUE


def test_standard_families_use_numpy():
    for make, _ in CONTINUOUS[:18]:
        assert sm.sampler(make()).method.startswith("numpy.random.Generator."), make()
    gumbel_min = sm.sampler(ss.Gumbel("X", 2, 1, minimum=True), timeout=3).method
    assert not gumbel_min.startswith("numpy")


@pytest.mark.parametrize("method", ["auto", "closed-form", "tabulated", "rejection"])
def test_custom_density_every_method(method):
    s = sm.sampler(cubic(), method=method)
    expected = {
        "auto": "closed form",
        "closed-form": "closed form",
        "tabulated": "tabulated",
        "rejection": "rejection",
    }[method]
    assert expected in s.method
    draws = s(KS_DRAWS, rng=5)
    assert np.all(np.abs(draws) <= 1)
    assert sps.kstest(draws, cubic_cdf).pvalue > KS_PVALUE


@pytest.mark.parametrize("method", ["tabulated", "rejection"])
@pytest.mark.parametrize(
    ("make", "law"),
    [
        (lambda: ss.Normal("X", 1, 2), sps.norm(1, 2)),
        (lambda: ss.Exponential("X", 2), sps.expon(scale=0.5)),
        (lambda: ss.Cauchy("X", 1, 2), sps.cauchy(1, 2)),
        (lambda: ss.Beta("X", 2, 3), sps.beta(2, 3)),
    ],
)
def test_generic_methods_on_every_kind_of_support(make, law, method):
    s = sm.sampler(make(), method=method)
    assert method in s.method
    assert sps.kstest(s(KS_DRAWS, rng=3), law.cdf).pvalue > KS_PVALUE


def test_tabulated_inverse_is_accurate():
    u = np.random.default_rng(0).random(50_000)
    xs = sm.sampler(cubic(), method="tabulated")(50_000, rng=0)
    np.testing.assert_allclose(cubic_cdf(xs), u, atol=1e-10)


def test_custom_density_without_closed_form_is_tabulated():
    X = ss.ContinuousRV(x, (1 + sympy.cos(x)) / (2 * sympy.pi), sympy.Interval(-sympy.pi, sympy.pi))
    s = sm.sampler(X, timeout=3)
    assert s.method == "inverse CDF (tabulated, Newton-polished)"

    def cdf(v):
        return (v + np.sin(v) + np.pi) / (2 * np.pi)

    assert sps.kstest(s(KS_DRAWS, rng=2), cdf).pvalue > KS_PVALUE


def test_closed_form_inverse_is_checked_against_the_table():
    X = ss.ContinuousRV(x, 2 * x, sympy.Interval(0, 1))
    s = sm.sampler(X, method="closed-form")
    draws = s(KS_DRAWS, rng=4)
    assert sps.kstest(draws, lambda v: np.clip(v, 0, 1) ** 2).pvalue > KS_PVALUE


# --- discrete families: moments within 4 standard errors --------------------------------------

DISCRETE = [
    lambda: ss.Bernoulli("B", sympy.Rational(3, 10)),
    lambda: ss.Bernoulli("B", sympy.Rational(1, 3), succ=3, fail=-1),
    lambda: ss.Binomial("B", 10, sympy.Rational(3, 10)),
    lambda: ss.Binomial("B", 3, sympy.Rational(1, 2), succ=2, fail=5),
    lambda: ss.Poisson("P", 3),
    lambda: ss.Geometric("G", sympy.Rational(1, 4)),
    lambda: ss.NegativeBinomial("N", 3, sympy.Rational(1, 3)),
    lambda: ss.Die("D", 6),
    lambda: ss.DiscreteUniform("U", [1, 2, 5]),
    lambda: ss.Rademacher("R"),
    lambda: ss.FiniteRV("F", {0: sympy.Rational(1, 5), 3: sympy.Rational(4, 5)}),
    lambda: ss.DiscreteRV(k, sympy.Rational(1, 2) ** k, sympy.S.Naturals),
    lambda: ss.Zeta("Z", 5),
]


@pytest.mark.parametrize("make", DISCRETE)
def test_discrete_moments_within_four_standard_errors(make):
    X = make()
    n = 40_000
    draws = sm.sampler(X)(n, rng=7).astype(float)
    for power in (1, 2):
        exact = float(ss.E(X**power))
        values = draws**power
        stderr = values.std(ddof=1) / np.sqrt(n)
        assert abs(values.mean() - exact) <= 4 * stderr, (X, power, values.mean(), exact)


def test_discrete_draws_stay_on_the_support():
    assert set(np.unique(sm.sampler(ss.Die("D", 6))(5000, rng=0))) == {1, 2, 3, 4, 5, 6}
    geo = sm.sampler(ss.Geometric("G", sympy.Rational(1, 2)))(5000, rng=0)
    assert geo.min() == 1  # support 1, 2, ...
    assert set(np.unique(sm.sampler(ss.DiscreteUniform("U", [1, 2, 5]))(500, rng=0))) == {1, 2, 5}
    assert set(np.unique(sm.sampler(ss.Bernoulli("B", 0.5, succ=3, fail=-1))(500, rng=0))) == {
        -1,
        3,
    }


# --- expressions of several variables ----------------------------------------------------------


def test_sum_of_normals_has_the_right_law():
    X, Y = ss.Normal("X", 1, 2), ss.Normal("Y", -3, 1.5)
    s = sm.sampler(X + Y)
    assert s.variables == (X, Y)
    assert "compiled expression" in s.method
    draws = s(20_000, rng=1)
    assert sps.kstest(draws, sps.norm(-2, 2.5).cdf).pvalue > KS_PVALUE
    assert abs(draws.mean() + 2) < 4 * 2.5 / np.sqrt(20_000)


def test_expression_of_mixed_variables():
    T, D = ss.Exponential("T", 2), ss.Die("D", 6)
    est = sm.monte_carlo(2 * T + D**2, 200_000, rng=3)
    assert est.agrees_with(2 * 0.5 + 91 / 6)
    prod = sm.monte_carlo(ss.Normal("X", 1, 1) * ss.Normal("Y", 2, 1), 200_000, rng=4)
    assert prod.agrees_with(2)


def test_custom_density_in_an_expression():
    est = sm.monte_carlo(cubic() ** 2 + ss.Uniform("U", 0, 1), 200_000, rng=8)
    assert est.agrees_with(sympy.Rational(3, 5) + sympy.Rational(1, 2))


# --- reproducibility and sizes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: ss.Normal("X", 0, 1),
        cubic,
        lambda: ss.Die("D", 6),
        lambda: ss.Normal("X", 0, 1) + ss.Poisson("P", 2),
    ],
)
def test_fixed_seed_reproduces(make):
    s = sm.sampler(make())
    np.testing.assert_array_equal(s(1000, rng=42), s(1000, rng=42))
    assert not np.array_equal(s(1000, rng=42), s(1000, rng=43))
    g = np.random.default_rng(9)
    first, second = s(100, rng=g), s(100, rng=g)
    assert not np.array_equal(first, second)


def test_shapes_and_cached_plan():
    X = ss.Normal("X", 0, 1)
    assert sm.sampler(X)((3, 4), rng=0).shape == (3, 4)
    assert sm.sampler(cubic(), method="rejection")((5, 2), rng=0).shape == (5, 2)
    assert sm.sampler(X) is sm.sampler(X)
    with pytest.raises(ValueError, match="size"):
        sm.sampler(X)(-1)
    with pytest.raises(TypeError, match="size"):
        sm.sampler(X)(2.5)


def test_latex():
    assert (
        sm.sampler(ss.Normal("X", 0, 1)).latex() == r"X \sim \operatorname{Normal}\left(0, 1\right)"
    )
    s = sm.sampler(ss.Normal("X", 0, 1) + ss.Exponential("Y", 2))
    assert s.latex() == (
        r"X + Y,\quad X \sim \operatorname{Normal}\left(0, 1\right),\ "
        r"Y \sim \operatorname{Exponential}\left(2\right)"
    )
    assert s._repr_latex_() == f"$\\displaystyle {s.latex()}$"
    assert (
        sm.sampler(cubic()).latex() == r"x \sim p(x) = \frac{3 x^{2}}{2},\ x \in \left[-1, 1\right]"
    )


# --- bad input ---------------------------------------------------------------------------------


def test_symbolic_parameters_are_named():
    mu = sympy.Symbol("mu", real=True)
    with pytest.raises(ValueError, match="symbolic parameters mu"):
        sm.sampler(ss.Normal("X", mu, 1))
    with pytest.raises(ValueError, match="non-random symbols a"):
        sm.sampler(ss.Normal("X", 0, 1) + sympy.Symbol("a"))


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: ss.ContinuousRV(x, x**2, sympy.Interval(-1, 1)), "integrates to 0.666"),
        (lambda: ss.ContinuousRV(x, x, sympy.Interval(-1, 2)), "negative"),
        (lambda: ss.Coin("C"), "H, T"),
        (lambda: sympy.Integer(3), "no random variable"),
    ],
)
def test_bad_input(make, match):
    with pytest.raises(ValueError, match=match):
        sm.sampler(make(), timeout=3)


def test_unknown_method_and_unsupported_joint_law():
    with pytest.raises(ValueError, match="method"):
        sm.sampler(ss.Normal("X", 0, 1), method="magic")
    with pytest.raises(NotSupportedError):
        sm.sampler(ss.ContinuousRV(x, 3 * x**2 / 2, sympy.Interval(-1, 1)), method="numpy")


# --- densities unbounded at an end of their support ---------------------------------------

#: (density, support, exact CDF, exact mean): unbounded at an end of the support.
SINGULAR = [
    (1 / (2 * sympy.sqrt(x)), (0, 1), lambda t: np.sqrt(np.clip(t, 0, 1)), 1 / 3),
    (x ** sympy.Rational(-2, 3) / 3, (0, 1), lambda t: np.cbrt(np.clip(t, 0, 1)), 1 / 4),
    (1 / (2 * sympy.sqrt(1 - x)), (0, 1), lambda t: 1 - np.sqrt(1 - np.clip(t, 0, 1)), 2 / 3),
    (sympy.exp(-x) / sympy.sqrt(sympy.pi * x), (0, sympy.oo), sps.gamma(0.5).cdf, 0.5),
]


@pytest.mark.parametrize(
    ("density", "support", "cdf", "mean"), SINGULAR, ids=[str(d) for d, *_ in SINGULAR]
)
@pytest.mark.parametrize("method", ["auto", "tabulated"])
def test_a_density_unbounded_at_an_end_is_sampled(density, support, cdf, mean, method):
    s = sm.sampler(ss.ContinuousRV(x, density, sympy.Interval(*support)), method=method, timeout=5)
    assert "inverse CDF" in s.method
    draws = s(20_000, rng=3)
    assert sps.kstest(draws, cdf).pvalue > KS_PVALUE, s.method
    est = sm.monte_carlo(s, 200_000, rng=4)
    assert est.agrees_with(mean)


def test_an_integrable_singularity_uses_its_closed_form_inverse():
    s = sm.sampler(ss.ContinuousRV(x, 1 / (2 * sympy.sqrt(x)), sympy.Interval(0, 1)), timeout=5)
    assert s.method == "inverse CDF (closed form)"
    u = np.random.default_rng(0).random(5)
    np.testing.assert_allclose(s(5, rng=0), u**2, rtol=1e-12)  # F⁻¹(u) = u²


def test_rejection_is_refused_where_no_envelope_exists():
    with pytest.raises(NotSupportedError, match="unbounded"):
        sm.sampler(
            ss.ContinuousRV(x, 1 / (2 * sympy.sqrt(x)), sympy.Interval(0, 1)), method="rejection"
        )
    # a bounded density still samples by rejection, against its exact CDF
    s = sm.sampler(ss.ContinuousRV(x, 3 * x**2 / 2, sympy.Interval(-1, 1)), method="rejection")
    assert sps.kstest(s(4000, rng=1), lambda t: (np.clip(t, -1, 1) ** 3 + 1) / 2).pvalue > KS_PVALUE


@pytest.mark.parametrize(
    ("density", "support", "match"),
    [
        (1 / x**2, (0, 1), r"integral diverges"),
        (sympy.Integer(1), (0, sympy.oo), r"integral diverges"),
        (3 / (2 * sympy.sqrt(x)), (0, 1), r"integrates to 3,"),
    ],
)
def test_a_density_that_does_not_integrate_to_one_is_refused(density, support, match):
    with pytest.raises(ValueError, match=match):
        sm.sampler(ss.ContinuousRV(x, density, sympy.Interval(*support)), timeout=3)


# --- densities far from zero or narrow ----------------------------------------------------


def test_a_density_far_from_zero_or_narrow_is_sampled():
    """The standard map of the support puts the grid's cells near 0 at unit scale: a peak
    at 1000, or 1e-6 wide, fell between them ("integrates to 0"); the table is now centred
    at the density's mode and scaled by its width when the standard one misses the mass."""
    for density, support, mean, law in FAR_OR_NARROW:
        draws = sm.sampler(ss.ContinuousRV(x, density, support))(20_000, rng=1)
        assert sps.kstest(draws, law.cdf).pvalue > KS_PVALUE, density
        assert abs(draws.mean() - mean) <= 4 * law.std() / np.sqrt(draws.size)
