"""Maximum likelihood (issue 5): closed forms from the score equations, numeric verification."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symml as sm
from symml.sampling import sampler

mu = sympy.Symbol("mu", real=True)
sigma, lam, p = (sympy.Symbol(n, positive=True) for n in ("sigma", "lamda", "p"))

#: family → (random variable, {parameter: NumPy estimate of a sample}).
CASES = {
    "Normal": (sm.Normal("X", mu, sigma), {mu: np.mean, sigma: lambda d: np.std(d)}),
    "Exponential": (sm.Exponential("X", lam), {lam: lambda d: 1 / np.mean(d)}),
    "Bernoulli": (sm.Bernoulli("X", p), {p: np.mean}),
    "Poisson": (sm.Poisson("X", lam), {lam: np.mean}),
    "Geometric": (sm.Geometric("X", p), {p: lambda d: 1 / np.mean(d)}),
    "Binomial": (sm.Binomial("X", 10, p), {p: lambda d: np.mean(d) / 10}),
}
TRUTH = {mu: 0.4, sigma: 1.7, lam: 0.8, p: 0.3}


@pytest.fixture(scope="module")
def fits() -> dict[str, sm.MLE]:
    return {name: sm.mle(rv, "x") for name, (rv, _) in CASES.items()}


@pytest.mark.parametrize("family", list(CASES))
def test_closed_forms_match_the_textbook_estimators(fits: dict, family: str) -> None:
    fit = fits[family]
    rv, numpy_estimates = CASES[family]
    assert set(fit.estimators) == set(numpy_estimates)
    data = sampler(rv.subs({s: TRUTH[s] for s in fit.params}))(400, rng=np.random.default_rng(5))
    got = fit.to_numpy()(data)
    for param, estimate in numpy_estimates.items():
        assert got[str(param)] == pytest.approx(float(estimate(data)), rel=1e-12)
    for param in fit.params:  # a consistent estimator lands near the truth
        assert abs(got[str(param)] - TRUTH[param]) < 0.35 * max(1.0, TRUTH[param])


def test_estimators_are_sums_over_the_indexed_sample(fits: dict) -> None:
    fit = fits["Exponential"]
    x, i, n = fit.sample, fit.index, fit.n
    assert fit.estimators[lam] == n / sympy.Sum(x[i], (i, 1, n))
    assert fits["Bernoulli"].estimators[p] == sympy.Sum(x[i], (i, 1, n)) / n
    assert fits["Binomial"].estimators[p] == sympy.Sum(x[i], (i, 1, n)) / (10 * n)
    titles = [s.title for s in fit.steps]
    assert titles == [
        "density",
        "log-likelihood",
        "score equation in lamda",
        "solve the score equations",
    ]
    assert r"\hat{\lambda}" in fit.latex()
    # the estimator zeroes the score: substitute a concrete sample of size 3
    values = {x[1]: 0.5, x[2]: 2.0, x[3]: 1.25}
    score = fit.scores[0].subs(n, 3).doit().subs(values)
    est = fit.estimators[lam].subs(n, 3).doit().subs(values)
    assert abs(float(score.subs(lam, est))) < 1e-12


@pytest.mark.parametrize("family", list(CASES))
def test_verify_against_numeric_maximisation(fits: dict, family: str) -> None:
    check = fits[family].verify(truth=TRUTH, size=300, rng=1)
    assert check.passed, check
    assert check.method.startswith("numeric maximisation") and check.points == 300


def test_normal_from_a_plain_density_and_given_data() -> None:
    x = sympy.Symbol("x", real=True)
    density = sympy.exp(-((x - mu) ** 2) / (2 * sigma**2)) / sympy.sqrt(2 * sympy.pi * sigma**2)
    fit = sm.mle(density, x, [mu, sigma])
    data = np.random.default_rng(0).normal(1.5, 0.5, size=200)
    est = fit.to_numpy()(data)
    assert est == pytest.approx({"mu": data.mean(), "sigma": data.std()}, rel=1e-12)
    assert fit.verify(data).passed
    with pytest.raises(ValueError, match="data="):
        fit.verify()


def test_mle_bad_input() -> None:
    x = sympy.Symbol("x", real=True)
    with pytest.raises(ValueError, match="no parameter"):
        sm.mle(sympy.exp(-x), x)
    with pytest.raises(ValueError, match="empty"):
        sm.mle(sm.Exponential("X", lam), "x").to_numpy()([])


@pytest.mark.parametrize("loc", [0.0, 1e4, 1e6, 1e8])
def test_normal_sigma_hat_keeps_its_digits_far_from_zero(fits: dict, loc: float) -> None:
    """σ̂ = sqrt(n Σx² − (Σx)²)/n is evaluated in centred sums: at mean 1e8 the raw form
    returned 0.0; NumPy's two-pass std is the reference."""
    data = np.random.default_rng(1).normal(loc, 1.0, 1000)
    est = fits["Normal"].to_numpy()(data)
    assert est["sigma"] == pytest.approx(np.std(data), rel=1e-9)
    assert est["mu"] == pytest.approx(np.mean(data), rel=1e-14, abs=1e-12)


def test_mle_of_a_table_without_a_density_is_not_supported() -> None:
    k = sympy.Symbol("k", positive=True, integer=True)
    with pytest.raises(sm.NotSupportedError, match="table of probabilities"):
        sm.mle(sm.Die("D", k), "x")
