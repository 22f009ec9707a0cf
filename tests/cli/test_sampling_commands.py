"""The sample subcommand: the summary table, --out files, --latex, --steps/--verify and bad
input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from sympy import stats as ss

import symml as sm
from tests.sampling.helpers import KS_PVALUE


def _table(out: str) -> dict[str, float]:
    rows = [line.split() for line in out.splitlines()]
    return {
        r[0]: float(r[1])
        for r in rows
        if len(r) == 2 and r[0] in {"mean", "std", "min", "5%", "25%", "50%", "75%", "95%", "max"}
    }


def test_cli_sample_summary(cli):
    result = cli("sample", "--dist", "X=Normal(0,1)", "-n", "2000", "--seed", "1")
    assert result.code == 0
    table = _table(result.out)
    draws = sm.sampler(ss.Normal("X", 0, 1))(2000, rng=1)
    assert table["mean"] == pytest.approx(draws.mean(), rel=1e-5)
    assert table["std"] == pytest.approx(draws.std(ddof=1), rel=1e-5)
    assert table["50%"] == pytest.approx(np.median(draws), rel=1e-5, abs=1e-9)
    assert table["min"] < table["5%"] < table["25%"] < table["75%"] < table["95%"] < table["max"]


def test_cli_sample_expression_and_files(tmp_path, cli):
    npy, csv = tmp_path / "d.npy", tmp_path / "d.csv"
    args = [
        "sample",
        "X + Y",
        "--dist",
        "X=Normal(1,2)",
        "--dist",
        "Y=Exponential(2)",
        "-n",
        "500",
        "--seed",
        "3",
    ]
    first = cli(*args, "--out", str(npy))
    assert first.code == 0
    second = cli(*args, "--out", str(csv))
    assert second.code == 0
    out = first.out + second.out
    assert "wrote 500 draws" in out
    expected = sm.sampler(ss.Normal("X", 1, 2) + ss.Exponential("Y", 2))(500, rng=3)
    np.testing.assert_array_equal(np.load(npy), expected)
    np.testing.assert_allclose(np.loadtxt(csv, delimiter=",", skiprows=1), expected, rtol=1e-15)
    assert csv.read_text().splitlines()[0] == "X + Y"


def test_cli_sample_latex(cli):
    result = cli("sample", "--dist", "D=Die(6)", "-n", "100", "--seed", "0", "--latex")
    assert result.code == 0
    out = result.out
    assert out.splitlines()[0] == r"D \sim \operatorname{Die}\left(6\right)"
    assert _table(out)["min"] >= 1 and _table(out)["max"] <= 6


@pytest.mark.parametrize(
    "args",
    [
        ["--dist", "X=Normal(0,1)", "--out", "draws.txt"],
        ["--dist", "X=Foo(1)"],
        ["--dist", "X=Normal(mu,1)"],
        ["--dist", "X=Normal(0,-1)"],
        ["X + Z", "--dist", "X=Normal(0,1)"],
        ["--dist", "X=Normal(0,1)", "--dist", "Y=Normal(0,1)"],
        [],
        ["--dist", "X=Normal(0,1)", "-n", "0"],
        ["--dist", "X=Normal(0,1)", "-n", "100000000000"],  # 745 GB: was a MemoryError (exit 1)
        ["--dist", "X=Normal(0,1)", "--seed", "-1"],  # was "expected non-negative integer"
        ["--dist", "X=Normal(0,oo)"],
    ],
)
def test_cli_sample_bad_input_exits_2(args, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("sample", *args)
    assert result.code == 2
    err = result.err
    assert err.startswith("symml: error:") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "draws.txt").exists()


# --- sample --steps / --verify ------------------------------------------------------------


def test_cli_sample_steps_and_verify(cli):
    result = cli("sample", "--dist", "X=Normal(0,1)", "-n", "5", "--steps", "--verify")
    assert result.code == 0
    out = result.out.splitlines()
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
    from symml.probability import draws as probability_draws

    wrong = sampling.Family("normal", lambda mu, sigma: (mu, 2 * sigma))  # twice the spread
    monkeypatch.setitem(sampling.FAMILIES, "NormalDistribution", wrong)
    probability_draws._sampler_cached.cache_clear()
    try:
        code, out, _ = cli(
            "sample", "--dist", "X=Normal(0,1)", "-n", "2000", "--seed", "1", "--verify"
        )
    finally:
        probability_draws._sampler_cached.cache_clear()
    assert code == 1 and "verify: FAILED: Kolmogorov-Smirnov" in out
    draws = np.random.default_rng(1).normal(0, 2, 2000)
    assert sps.kstest(draws, sps.norm(0, 1).cdf).pvalue < KS_PVALUE


@pytest.mark.parametrize(
    ("args", "named"), [(["-n", "100000000000"], "-n 100000000000"), (["--seed", "-1"], "--seed")]
)
def test_cli_sample_limits_name_the_option(args, named, cli):
    result = cli("sample", "--dist", "X=Normal(0,1)", *args)
    assert result.code == 2
    err = result.err
    assert named in err and len(err.strip().splitlines()) == 1
