"""Probability (issue 5): expectations, variances, entropies, KL, covariance, fallbacks, CLI."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.stats as ss
import sympy

import symml as sm
from symml.probability import bind, numeric_expectation, parse_distribution
from symml.sampling import monte_carlo, sampler
from tests.helpers import Cli

pos = {
    n: sympy.Symbol(n, positive=True)
    for n in ("sigma", "lamda", "k", "theta", "alpha", "beta", "b", "p", "s1", "s2")
}
mu, a, b_ = sympy.symbols("mu a b", real=True)
P_, LAM, SIG = pos["p"], pos["lamda"], pos["sigma"]

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


def _at(expr: sympy.Expr, values: dict) -> float:
    value = complex(sympy.N(sympy.sympify(expr).subs(values), 20))
    assert abs(value.imag) < 1e-12, (expr, value)
    return value.real


def _assert_close(got: float, want: float, tol: float, what: str) -> None:
    assert np.isfinite(got), what
    assert abs(got - want) <= tol * max(1.0, abs(want)), f"{what}: {got} != {want}"


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


# --- covariance and the law of large numbers ----------------------------------------------------


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


def test_expression_without_random_variables_is_rejected() -> None:
    with pytest.raises(ValueError, match="no random variable"):
        sm.expectation("x**2")
    with pytest.raises(ValueError, match="single random variable"):
        sm.entropy(sm.Normal("X", 0, 1) + 1)


# --- parsing --dist and the CLI -----------------------------------------------------------------


def test_parse_distribution() -> None:
    name, X = parse_distribution("Y = Binomial(10, 1/4)")
    assert name == "Y" and sm.expectation(X).result == sympy.Rational(5, 2)
    name, U = parse_distribution("U=DiscreteUniform([1, 2, 5])")
    assert sm.expectation(U).result == sympy.Rational(8, 3)
    assert sm.expectation(bind("2*U + 1", {"U": U})).result == sympy.Rational(19, 3)
    for bad in ("X=Normal(0, 1", "Normal(0,1)", "X=Normal(__import__('os'), 1)", "X=Normal(0,,1)"):
        with pytest.raises(ValueError):
            parse_distribution(bad)


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


def test_a_wrong_sympy_answer_is_caught_by_quadrature(monkeypatch: pytest.MonkeyPatch) -> None:
    import symml.probability as prob

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
