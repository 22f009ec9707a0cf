"""Sampling densities with integrable singularities at the ends of their support, and the
``sample`` command's ``--steps``/``--verify`` and repeated ``--dist``."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from sympy import stats as ss

import symml as sm
from tests.sampling.helpers import KS_PVALUE

# --- sample --steps / --verify; a repeated --dist name -------------------------------


def test_cli_sample_steps_and_verify(cli):
    result = cli("sample", "--dist", "X=Normal(0,1)", "-n", "5", "--steps", "--verify")
    assert result.code == 0
    out = result.out.splitlines()
    assert out[0] == r"law: X \sim \operatorname{Normal}\left(0, 1\right)"
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
    result = cli(*args)
    assert result.code == 0
    out = result.out
    assert "verify: passed: mean and variance" in out
    # the printed summary itself: its mean within 4 standard errors of E[X + Y] = 1/2
    printed = float(next(ln for ln in out.splitlines() if ln.strip().startswith("mean")).split()[1])
    assert abs(printed - 0.5) < 4 * np.sqrt(1.25 / 20000)
    draws = sm.sampler(ss.Normal("X", 0, 1) + ss.Exponential("Y", 2))(20000, rng=4)
    assert abs(draws.mean() - 0.5) < 4 * np.sqrt(1.25 / 20000)


def test_cli_sample_verify_fails_with_exit_1_for_wrong_draws(cli, monkeypatch):
    from symml import sampling

    wrong = sampling.Family("normal", lambda mu, sigma: (mu, 2 * sigma))  # twice the spread
    monkeypatch.setitem(sampling.FAMILIES, "NormalDistribution", wrong)
    sampling._sampler_cached.cache_clear()
    try:
        code, out, _ = cli(
            "sample", "--dist", "X=Normal(0,1)", "-n", "2000", "--seed", "1", "--verify"
        )
    finally:
        sampling._sampler_cached.cache_clear()
    assert code == 1 and "verify: FAILED: Kolmogorov-Smirnov" in out
    draws = np.random.default_rng(1).normal(0, 2, 2000)
    assert sps.kstest(draws, sps.norm(0, 1).cdf).pvalue < KS_PVALUE


@pytest.mark.parametrize("command", ["expect", "sample"])
def test_cli_a_repeated_dist_name_exits_2(command, cli):
    args = ["X"] if command == "expect" else []
    code, _, err = cli(command, *args, "--dist", "X=Normal(0,1)", "--dist", "X=Normal(1,1)")
    assert code == 2 and "X is given twice" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "named"), [(["-n", "100000000000"], "-n 100000000000"), (["--seed", "-1"], "--seed")]
)
def test_cli_sample_limits_name_the_option(args, named, cli):
    result = cli("sample", "--dist", "X=Normal(0,1)", *args)
    assert result.code == 2
    err = result.err
    assert named in err and len(err.strip().splitlines()) == 1
