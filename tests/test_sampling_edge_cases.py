"""Sampling densities with integrable singularities at the ends of their support, and the
``sample`` command's ``--steps``/``--verify`` and repeated ``--dist``."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from scipy import stats as sps
from sympy import stats as ss

import symml as sm
from symml.cli import main
from symml.errors import NotSupportedError
from symml.sampling import check_draws

x = sympy.Symbol("x", real=True)
KS_PVALUE = 1e-3

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


# --- sample --steps / --verify; a repeated --dist name -------------------------------


def test_cli_sample_steps_and_verify(capsys):
    assert main(["sample", "--dist", "X=Normal(0,1)", "-n", "5", "--steps", "--verify"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "law: X ~ Normal(0, 1)"  # plain text; LaTeX with --latex
    assert out[1].startswith("verify: passed: Kolmogorov-Smirnov against the exact CDF")
    assert "sample of X: 5 draws" in out
    assert out.count("method: numpy.random.Generator.normal") == 1  # said once, in the summary
    # several variables: moments against the exact E = 1/2 and Var = 1 + 1/4
    args = [
        "sample",
        "X + Y",
        "--dist",
        "X=Normal(0,1)",
        "--dist",
        "Y=Exponential(2)",
        "-n",
        "20000",
        "--seed",
        "4",
        "--verify",
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "verify: passed: mean and variance" in out
    # the printed summary itself: its mean within 4 standard errors of E[X + Y] = 1/2
    printed = float(next(ln for ln in out.splitlines() if ln.strip().startswith("mean")).split()[1])
    assert abs(printed - 0.5) < 4 * np.sqrt(1.25 / 20000)
    draws = sm.sampler(ss.Normal("X", 0, 1) + ss.Exponential("Y", 2))(20000, rng=4)
    assert abs(draws.mean() - 0.5) < 4 * np.sqrt(1.25 / 20000)


def test_cli_sample_verify_fails_with_exit_1_for_wrong_draws(capsys, monkeypatch):
    from symml import sampling

    wrong = sampling.Family("normal", lambda mu, sigma: (mu, 2 * sigma))  # twice the spread
    monkeypatch.setitem(sampling.FAMILIES, "NormalDistribution", wrong)
    sampling._sampler_cached.cache_clear()
    try:
        code = main(["sample", "--dist", "X=Normal(0,1)", "-n", "2000", "--seed", "1", "--verify"])
    finally:
        sampling._sampler_cached.cache_clear()
    out = capsys.readouterr().out
    assert code == 1 and "verify: FAILED: Kolmogorov-Smirnov" in out
    draws = np.random.default_rng(1).normal(0, 2, 2000)
    assert sps.kstest(draws, sps.norm(0, 1).cdf).pvalue < KS_PVALUE


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
    from symml import probability

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


@pytest.mark.parametrize("command", ["expect", "sample"])
def test_cli_a_repeated_dist_name_exits_2(command, capsys):
    args = ["X"] if command == "expect" else []
    code = main([command, *args, "--dist", "X=Normal(0,1)", "--dist", "X=Normal(1,1)"])
    err = capsys.readouterr().err
    assert code == 2 and "X is given twice" in err and len(err.strip().splitlines()) == 1


def test_a_density_far_from_zero_or_narrow_is_sampled():
    """The standard map of the support puts the grid's cells near 0 at unit scale: a peak
    at 1000, or 1e-6 wide, fell between them ("integrates to 0"); the table is now centred
    at the density's mode and scaled by its width when the standard one misses the mass."""
    from tests.test_probability_edge_cases import FAR_OR_NARROW

    for density, support, mean, law in FAR_OR_NARROW:
        draws = sm.sampler(ss.ContinuousRV(x, density, support))(20_000, rng=1)
        assert sps.kstest(draws, law.cdf).pvalue > KS_PVALUE, density
        assert abs(draws.mean() - mean) <= 4 * law.std() / np.sqrt(draws.size)


@pytest.mark.parametrize(
    ("args", "named"), [(["-n", "100000000000"], "-n 100000000000"), (["--seed", "-1"], "--seed")]
)
def test_cli_sample_limits_name_the_option(args, named, capsys):
    assert main(["sample", "--dist", "X=Normal(0,1)", *args]) == 2
    err = capsys.readouterr().err
    assert named in err and len(err.strip().splitlines()) == 1


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
