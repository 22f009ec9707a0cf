"""Errors at the command line: bad input exits 2 with one line, a library limit exits 3,
an internal error exits 1 with one line, and no traceback ever."""

from __future__ import annotations

from pathlib import Path

import pytest

from symml import cli as symml_cli
from tests.helpers import Cli

BAD = [
    (("diff", "2x"), 2, "column 2"),
    (("diff", "x^2", "--wrt", "y"), 2, "does not occur"),
    (("grad", "__import__('os')"), 2, "column"),
    (("grad", "x**2", "--export", "out.txt"), 2, ".py"),
    (("nosuchcommand",), 2, "invalid choice"),
    (("diff",), 2, "expression"),
    (("diff", "x", "--bogus"), 2, "unrecognized"),
    (("hessian", "[x, y]"), 2, "scalar"),
]


@pytest.mark.parametrize(("argv", "code", "fragment"), BAD)
def test_bad_input_exit_2_with_one_line(
    cli: Cli, argv: tuple[str, ...], code: int, fragment: str
) -> None:
    got, out, err = cli(*argv)
    assert got == code
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0]
    assert "Traceback" not in err


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


def test_cli_exit_2_for_a_huge_power(cli: Cli) -> None:
    result = cli("diff", "9**9**9", "--wrt", "x")
    assert result.code == 2
    err = result.err
    assert "digits" in err and err.count("\n") == 1


def test_cli_division_by_zero_has_no_internal_error(cli: Cli) -> None:
    code, _, err = cli("diff", "x/0", "--wrt", "x", "--verify")
    assert code == 2 and "internal error" not in err and err.count("\n") == 1
    assert "divides by zero" in err  # refused as bad input before any derivation


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "sign(x)*x**2", "--wrt", "x", "--export", "s.py"],
        ["diff", "floor(x)*x", "--wrt", "x", "--verify"],
        ["hessian", "abs(x)", "--verify"],
    ],
)
def test_cli_no_numeric_form_is_exit_3_one_line(
    argv: list[str], tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(*argv)
    assert result.code == 3
    err = result.err
    assert err.count("\n") == 1 and "NotSupportedError" in err and "Traceback" not in err
    assert not (tmp_path / "s.py").exists()
