"""Distributions: a known-answer table of means, variances and entropies of twelve families,
parameters and densities that are refused, custom densities, and --dist parsing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as ss
import sympy
from scipy.integrate import quad
from sympy import stats as sstats

import symml as sm
from symml.probability import bind, numeric_expectation, parse_distribution
from tests.probability.helpers import FAR_OR_NARROW, LAM, P_, SIG, _assert_close, _at, _partial, pos

mu, a, b_ = sympy.symbols("mu a b", real=True)
R = sympy.Rational
x = sympy.Symbol("x", real=True)

#: Parameter values at which symbolic answers are compared (two sets).
VALUES = [
    {
        mu: 0.7,
        a: -1.0,
        b_: 2.5,
        SIG: 1.3,
        LAM: 0.6,
        pos["k"]: 2.5,
        pos["theta"]: 0.8,
        pos["alpha"]: 2.2,
        pos["beta"]: 1.7,
        pos["b"]: 0.9,
        P_: 0.3,
    },
    {
        mu: -1.2,
        a: 0.5,
        b_: 0.9,
        SIG: 0.4,
        LAM: 2.5,
        pos["k"]: 0.7,
        pos["theta"]: 2.0,
        pos["alpha"]: 0.8,
        pos["beta"]: 3.1,
        pos["b"]: 2.2,
        P_: 0.75,
    },
]


def _digamma(x: sympy.Expr) -> sympy.Expr:
    return sympy.polygamma(0, x)


k, th, al, be = pos["k"], pos["theta"], pos["alpha"], pos["beta"]

#: family: (constructor, mean, variance, entropy (None: no closed form), scipy frozen dist).
FAMILIES = {
    "Normal": (
        lambda: sm.Normal("X", mu, SIG),
        mu,
        SIG**2,
        sympy.log(SIG) + sympy.log(2 * sympy.pi * sympy.E) / 2,
        lambda v: ss.norm(v[mu], v[SIG]),
    ),
    "Exponential": (
        lambda: sm.Exponential("X", LAM),
        1 / LAM,
        1 / LAM**2,
        1 - sympy.log(LAM),
        lambda v: ss.expon(scale=1 / v[LAM]),
    ),
    "Uniform": (
        lambda: sm.Uniform("X", a, b_),
        (a + b_) / 2,
        (b_ - a) ** 2 / 12,
        sympy.log(b_ - a),
        lambda v: ss.uniform(v[a], v[b_] - v[a]),
    ),
    "Gamma": (
        lambda: sm.Gamma("X", k, th),
        k * th,
        k * th**2,
        k + sympy.log(th) + sympy.loggamma(k) + (1 - k) * _digamma(k),
        lambda v: ss.gamma(v[k], scale=v[th]),
    ),
    "Beta": (
        lambda: sm.Beta("X", al, be),
        al / (al + be),
        al * be / ((al + be) ** 2 * (al + be + 1)),
        None,
        lambda v: ss.beta(v[al], v[be]),
    ),
    "Beta(2, 3)": (
        lambda: sm.Beta("X", 2, 3),
        sympy.Rational(2, 5),
        sympy.Rational(1, 25),
        sympy.log(sympy.beta(2, 3)) - _digamma(2) - 2 * _digamma(3) + 3 * _digamma(5),
        lambda v: ss.beta(2, 3),
    ),
    "Laplace": (
        lambda: sm.Laplace("X", mu, pos["b"]),
        mu,
        2 * pos["b"] ** 2,
        1 + sympy.log(2 * pos["b"]),
        lambda v: ss.laplace(v[mu], v[pos["b"]]),
    ),
    "Bernoulli": (
        lambda: sm.Bernoulli("X", P_),
        P_,
        P_ * (1 - P_),
        -P_ * sympy.log(P_) - (1 - P_) * sympy.log(1 - P_),
        lambda v: ss.bernoulli(v[P_]),
    ),
    "Binomial": (
        lambda: sm.Binomial("X", 4, P_),
        4 * P_,
        4 * P_ * (1 - P_),
        -sum(
            sympy.binomial(4, j)
            * P_**j
            * (1 - P_) ** (4 - j)
            * sympy.log(sympy.binomial(4, j) * P_**j * (1 - P_) ** (4 - j))
            for j in range(5)
        ),
        lambda v: ss.binom(4, v[P_]),
    ),
    "Poisson": (lambda: sm.Poisson("X", LAM), LAM, LAM, None, lambda v: ss.poisson(v[LAM])),
    "Poisson(2)": (lambda: sm.Poisson("X", 2), 2, 2, None, lambda v: ss.poisson(2)),
    "Geometric": (
        lambda: sm.Geometric("X", P_),
        1 / P_,
        (1 - P_) / P_**2,
        (-(1 - P_) * sympy.log(1 - P_) - P_ * sympy.log(P_)) / P_,
        lambda v: ss.geom(v[P_]),
    ),
    "Die": (
        lambda: sm.Die("X", 6),
        sympy.Rational(7, 2),
        sympy.Rational(35, 12),
        sympy.log(6),
        lambda v: ss.randint(1, 7),
    ),
    "DiscreteUniform": (
        lambda: sm.DiscreteUniform("X", [1, 2, 3, 5]),
        sympy.Rational(11, 4),
        sympy.Rational(35, 16),
        sympy.log(4),
        lambda v: ss.rv_discrete(values=([1, 2, 3, 5], [0.25] * 4)),
    ),
}

OPERATIONS = {"mean": (sm.expectation, 1), "variance": (sm.variance, 2), "entropy": (sm.entropy, 3)}
SCIPY = {
    "mean": lambda d: d.mean(),
    "variance": lambda d: d.var(),
    "entropy": lambda d: d.entropy(),
}
CASES = [
    (fam, op)
    for fam in FAMILIES
    for op in OPERATIONS
    if not (op == "entropy" and fam in ("Beta", "Poisson"))
]


@pytest.fixture(scope="module")
def computed() -> dict:
    return {}


def _derive(computed: dict, fam: str, op: str) -> sm.Derivation:
    if (fam, op) not in computed:
        fn, _ = OPERATIONS[op]
        computed[fam, op] = fn(FAMILIES[fam][0](), timeout=10)
    return computed[fam, op]


@pytest.mark.parametrize(("family", "op"), CASES, ids=[f"{f}-{o}" for f, o in CASES])
def test_known_answer_table(computed: dict, family: str, op: str) -> None:
    """≥ 12 families × mean, variance, entropy: the known formula, and scipy.stats numerically."""
    d = _derive(computed, family, op)
    row = FAMILIES[family]
    expected, scipy_dist = row[OPERATIONS[op][1]], row[4]
    assert d.operation in {"expectation", "variance", "entropy"}
    assert d.steps and "\\mathbb{E}" in d.steps[0].latex or op != "mean"
    for values in VALUES:
        got = _at(d.result, values)
        if expected is not None:
            _assert_close(got, _at(expected, values), 1e-9, f"{family} {op} formula")
        _assert_close(got, float(SCIPY[op](scipy_dist(values))), 1e-7, f"{family} {op} scipy")


def test_table_covers_twelve_families() -> None:
    names = {f.split("(")[0] for f, _ in CASES}
    assert len(names) >= 12
    for op in OPERATIONS:
        assert len({f.split("(")[0] for f, o in CASES if o == op}) >= 12


@pytest.mark.parametrize("family", ["Normal", "Exponential", "Bernoulli", "Die", "Geometric"])
def test_table_results_verify_by_monte_carlo(computed: dict, family: str) -> None:
    for op in ("mean", "variance"):
        check = _derive(computed, family, op).verify(rng=3)
        assert check.passed, (family, op, check)
        assert check.method == "Monte Carlo ±4σ"


def test_entropy_results_verify_by_quadrature(computed: dict) -> None:
    for family in ("Normal", "Gamma", "Laplace", "Geometric", "Bernoulli"):
        check = _derive(computed, family, "entropy").verify(rng=1)
        assert check.passed and check.method == "quadrature", (family, check)


def test_bernoulli_entropy_is_maximal_at_one_half(computed: dict) -> None:
    h = _derive(computed, "Bernoulli", "entropy").result
    slope = sympy.diff(h, P_)
    assert sympy.simplify(slope.subs(P_, sympy.Rational(1, 2))) == 0
    assert sympy.simplify(h.subs(P_, sympy.Rational(1, 2)) - sympy.log(2)) == 0
    grid = np.linspace(0.01, 0.99, 99)
    values = np.array([_at(h, {P_: g}) for g in grid])
    assert grid[np.argmax(values)] == pytest.approx(0.5)
    assert values.max() == pytest.approx(np.log(2), abs=1e-12)


# --- bad input ----------------------------------------------------------------------------------


def test_density_that_does_not_integrate_to_one() -> None:
    x = sympy.Symbol("x", real=True)
    with pytest.raises(ValueError, match="integrates to 2"):
        sm.ContinuousRV(x, 3 * x**2, sympy.Interval(-1, 1))
    with pytest.raises(ValueError, match="negative"):
        sm.ContinuousRV(x, x, sympy.Interval(-1, 1) + sympy.Interval(1, 2))
    with pytest.raises(ValueError, match="negative"):
        sm.ContinuousRV(x, sympy.Rational(3, 2) * x, sympy.Interval(-1, 1))


@pytest.mark.parametrize(
    ("make", "param"),
    [
        (lambda: sm.Normal("X", 0, -1), "std"),
        (lambda: sm.Exponential("X", -2), "rate"),
        (lambda: sm.Bernoulli("X", sympy.Rational(3, 2)), "p"),
        (lambda: sm.Gamma("X", 2, -1), "theta"),
        (lambda: sm.Binomial("X", -3, sympy.Rational(1, 2)), "n"),
        (lambda: sm.Poisson("X", 0), "lamda"),
        (lambda: sm.Geometric("X", 0), "p"),
        (lambda: sm.Die("X", 0), "sides"),
        (lambda: sm.Uniform("X", 2, 1), "left"),
    ],
)
def test_bad_parameters_name_the_parameter(make: object, param: str) -> None:
    with pytest.raises(ValueError, match=rf"\b{param}\b"):
        make()


# --- parsing --dist -----------------------------------------------------------------------


def test_parse_distribution() -> None:
    name, X = parse_distribution("Y = Binomial(10, 1/4)")
    assert name == "Y" and sm.expectation(X).result == sympy.Rational(5, 2)
    name, U = parse_distribution("U=DiscreteUniform([1, 2, 5])")
    assert sm.expectation(U).result == sympy.Rational(8, 3)
    assert sm.expectation(bind("2*U + 1", {"U": U})).result == sympy.Rational(19, 3)
    for bad in ("X=Normal(0, 1", "Normal(0,1)", "X=Normal(__import__('os'), 1)", "X=Normal(0,,1)"):
        with pytest.raises(ValueError):
            parse_distribution(bad)


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


# --- scale parameters are positive inside the derivation (issue 16 item 8) ------------------


def test_a_scale_parameter_named_in_dist_is_positive() -> None:
    """exp(t X) of Normal(mu, sigma): the MGF, not a Piecewise on arg(sigma)."""
    name, X = parse_distribution("X=Normal(mu, sigma)")
    t, s = sympy.Symbol("t", real=True), sympy.Symbol("sigma", positive=True)
    e = bind("exp(t*X)", {name: X})
    result = sm.expectation(e).result
    assert not result.has(sympy.Piecewise)
    assert sympy.simplify(result - sympy.exp(mu * t + s**2 * t**2 / 2)) == 0
    # the expression's sigma is the distribution's (one symbol, not two of the same name)
    ratio = sm.expectation(bind("X/sigma", {name: X})).result
    assert sympy.simplify(ratio - mu / s) == 0


@pytest.mark.parametrize(
    ("text", "positive", "real"),
    [
        ("X=Normal(mu, sigma)", {"sigma"}, {"mu"}),
        ("X=Exponential(lam)", {"lam"}, set()),
        ("X=Gamma(k, theta)", {"k", "theta"}, set()),
        ("X=Uniform(a, b)", set(), {"a", "b"}),
    ],
)
def test_which_parameters_are_made_positive(text, positive, real) -> None:
    _, X = parse_distribution(text)
    params = {p.name: p for p in X.pspace.free_symbols if isinstance(p, sympy.Symbol)}
    params.pop("X")
    assert {n for n, p in params.items() if p.is_positive} == positive
    assert {n for n, p in params.items() if not p.is_positive} == real
