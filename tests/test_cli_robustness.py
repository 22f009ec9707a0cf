"""The CLI core: expressions starting with "-", no traceback ever."""

from __future__ import annotations

import pytest

from symml import cli as symml_cli
from symml.cli import build_parser
from tests.helpers import Cli


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


def test_unknown_option_is_still_an_error(cli: Cli) -> None:
    code, _, err = cli("diff", "x", "--frobnicate")
    assert code == 2 and "unrecognized arguments" in err and err.count("\n") == 1


def test_an_internal_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    def broken(a: object) -> object:
        raise RuntimeError("something\nbroke\n  badly")

    monkeypatch.setitem(
        symml_cli.COMMANDS, "diff", symml_cli.Command("diff", symml_cli._diff_args, broken)
    )
    code, out, err = cli("diff", "x", "--wrt", "x")
    assert code == 1 and out == ""
    assert err == (
        "symml: internal error: RuntimeError: something broke badly (this is a bug; "
        "please report it with the command line)\n"
    )


@pytest.mark.parametrize(
    "exc",
    [
        ZeroDivisionError("division by zero"),
        KeyError("k"),
        RecursionError("deep"),
        AttributeError("no attribute"),
    ],
)
def test_no_exception_type_gives_a_traceback(
    exc: Exception, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    def broken(a: object) -> object:
        raise exc

    monkeypatch.setitem(
        symml_cli.COMMANDS, "grad", symml_cli.Command("grad", symml_cli._expr_wrt_args, broken)
    )
    code, _, err = cli("grad", "x")
    assert code == 1 and err.count("\n") == 1 and type(exc).__name__ in err


def test_real_process_never_prints_a_traceback(cli: Cli) -> None:
    for argv in (
        ["diff", "sign(x)*x**2", "--wrt", "x", "--verify"],
        ["diff", "9**9**9"],
        ["hessian", "abs(x)", "--verify"],
    ):
        proc = cli(*argv, subprocess=True, timeout=120)
        assert proc.code in (2, 3), (argv, proc.err)
        assert "Traceback" not in proc.err and proc.err.count("\n") == 1
