"""The command line itself: ``python -m symml``, expressions and option values that start
with "-", and flags that other subcommands take with a value."""

from __future__ import annotations

import pytest

from symml import cli as symml_cli
from symml.cli import build_parser
from tests.helpers import Cli


def test_option_values_may_start_with_a_minus(cli: Cli) -> None:
    code, out, _ = cli("diff", "x**2", "--wrt", "x", "-n", "2")
    assert code == 0 and out.strip() == "2"


def test_python_dash_m_symml(cli: Cli) -> None:
    res = cli("diff", "x^3", "--wrt", "x", subprocess=True)
    assert res.code == 0
    assert res.out.strip() == "3*x**2"
    res = cli("diff", "2x", subprocess=True)
    assert res.code == 2 and "Traceback" not in res.err


def test_flag_steps_is_not_confused_with_minimize_steps(cli: Cli) -> None:
    # minimize has a valued --steps; for other subcommands it is a flag and must stay one
    code, out, _ = cli("diff", "x^3", "--wrt", "x", "--steps", "--verify")
    assert code == 0
    assert out.strip().splitlines()[-1] == "3*x**2"
    assert "verify: passed" in out


@pytest.mark.parametrize(
    ("argv", "last_line"),
    [
        (["diff", "-x**3", "--wrt", "x"], "-3*x**2"),
        (["diff", "-x**3", "-n", "2", "--wrt", "x"], "-6*x"),
        (["grad", "-x*y", "--wrt", "x,y"], "Matrix([[-y], [-x]])"),
        (["hessian", "-x**2*y"], "Matrix([[-2*y, -2*x], [-2*x, 0]])"),
        (["jacobian", "-[x*y, x]", "--wrt", "x,y"], "Matrix([[-y, -x], [-1, 0]])"),
        (["integrate", "-x", "--wrt", "x"], "-x**2/2"),
        (["integrate", "-x", "--wrt", "x", "--from", "-1", "--to", "2"], "-3/2"),
        (["limit", "-sin(x)/x", "--wrt", "x", "--to", "0"], "-1"),
        (["taylor", "-exp(x)", "--wrt", "x", "--order", "2"], "-x**2/2 - x - 1"),
        (["linalg", "det", "-[[1, 2], [3, 4]]"], "-2"),
        (["expect", "-X**2", "--dist", "X=Normal(0,1)"], "-1"),
    ],
)
def test_expressions_starting_with_minus(argv: list[str], last_line: str, cli: Cli) -> None:
    code, out, err = cli(*argv)
    assert (code, err) == (0, "")
    assert out.strip().splitlines()[-1] == last_line


def test_minimize_expression_starting_with_minus(cli: Cli) -> None:
    code, out, err = cli(
        "minimize", "-x**2-y**2+x**4+y**4", "--x0", "0.5,-0.5", "--method", "newton"
    )
    assert (code, err) == (0, "")
    # the minima of x^4 - x^2 are at +-1/sqrt(2) = 0.7071067812
    assert "x = 0.7071067812, y = -0.7071067812" in out


def test_sample_expression_starting_with_minus(cli: Cli) -> None:
    code, out, err = cli("sample", "-X", "--dist", "X=Uniform(1,2)", "-n", "2000", "--seed", "0")
    assert (code, err) == (0, "")
    mean = float(next(ln for ln in out.splitlines() if ln.strip().startswith("mean")).split()[1])
    assert -1.55 < mean < -1.45  # E[-X] = -1.5


def test_prepare_argv_keeps_options_and_their_values() -> None:
    parser = build_parser()
    got = symml_cli._prepare_argv(parser, ["diff", "-x", "-n", "2", "--wr", "x", "--verify"])
    assert got == ["diff", "-n", "2", "--wr", "x", "--verify", "--", "-x"]
    plain = ["diff", "x**2", "--wrt", "x"]
    assert symml_cli._prepare_argv(parser, plain) == ["diff", "x**2", "--wrt=x"]
    assert parser.parse_args(got).expression == "-x"
