"""The expect subcommand, and --dist as expect and sample read it."""

from __future__ import annotations

import pytest

from tests.helpers import Cli


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


@pytest.mark.parametrize("command", ["expect", "sample"])
def test_cli_a_repeated_dist_name_exits_2(command, cli):
    args = ["X"] if command == "expect" else []
    code, _, err = cli(command, *args, "--dist", "X=Normal(0,1)", "--dist", "X=Normal(1,1)")
    assert code == 2 and "X is given twice" in err and len(err.strip().splitlines()) == 1


def test_cli_expect_mgf_of_a_normal_with_symbols(cli: Cli) -> None:
    """Was 1.5 KB of Piecewise (issue 16 item 8)."""
    result = cli("expect", "exp(t*X)", "--dist", "X=Normal(mu,sigma)")
    assert result.code == 0 and result.err == ""
    assert result.out.strip().splitlines()[-1] == "exp(t*(mu + sigma**2*t/2))"


def test_cli_expect_positive_option(cli: Cli) -> None:
    result = cli("expect", "exp(-c*X)", "--dist", "X=Exponential(1)", "--positive", "c")
    assert result.code == 0 and result.out.strip().splitlines()[-1] == "1/(c + 1)"
    result = cli("expect", "X", "--dist", "X=Uniform(0,a)", "--positive", "q")
    assert result.code == 2 and "--positive: 'q' does not occur" in result.err
