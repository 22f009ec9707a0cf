"""The expect subcommand, and --dist as expect and sample read it."""

from __future__ import annotations

import math

import pytest
from scipy.integrate import quad

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


# --- issue 16 items 5 and 8: exact and fast; --assume ------------------------------------------


def test_cli_expect_log_of_a_gamma_variable_is_exact(cli: Cli) -> None:
    """Was quadrature (0.4228..., 12 s); E[log X] = ψ(2) = 1 − γ, from the family."""
    result = cli("expect", "log(X)", "--dist", "X=Gamma(2,1)", "--steps")
    lines = result.out.strip().splitlines()
    assert result.code == 0 and lines[-1] == "1 - EulerGamma"
    assert "≈" not in result.out
    assert any(line.startswith("known mean of log X for the Gamma family") for line in lines)
    # the value against an independent quadrature: ∫ log(x) x e^(−x) dx
    printed = 1 - 0.5772156649015329  # 1 − γ
    want = quad(lambda x: math.log(x) * x * math.exp(-x), 0, math.inf)[0]
    assert printed == pytest.approx(want, rel=1e-10)


def test_cli_expect_sigmoid_of_a_standard_normal_is_one_half(cli: Cli) -> None:
    """Was quadrature printing 0.500000000000000; exactly 1/2 by symmetry."""
    result = cli("expect", "1/(1+exp(-X))", "--dist", "X=Normal(0,1)", "--steps", "--verify")
    lines = result.out.strip().splitlines()
    assert result.code == 0 and lines[-1] == "1/2" and "≈" not in result.out
    assert any(line.startswith("by symmetry of X about 0") for line in lines)
    assert any(line.startswith("verify: passed") for line in lines)


def test_cli_expect_assume_option(cli: Cli) -> None:
    result = cli("expect", "exp(-c*X)", "--dist", "X=Exponential(1)", "--assume", "c>0")
    assert result.code == 0 and result.out.strip().splitlines()[-1] == "1/(c + 1)"
    c = 0.7  # E[e^(−cX)] for X ~ Exp(1) against quadrature
    want = quad(lambda x: math.exp(-c * x - x), 0, math.inf)[0]
    assert 1 / (c + 1) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--assume", "X>0", "--assume/--positive: X is a random variable"),
        ("--positive", "X", "--assume/--positive: X is a random variable"),
        ("--assume", "c>1", "--assume: cannot read 'c>1'"),
        ("--assume", "q>0", "--assume: 'q' does not occur"),
    ],
)
def test_cli_expect_bad_assumptions_exit_2(cli: Cli, option: str, value: str, says: str) -> None:
    result = cli("expect", "exp(-c*X)", "--dist", "X=Exponential(1)", option, value)
    assert result.code == 2 and says in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
