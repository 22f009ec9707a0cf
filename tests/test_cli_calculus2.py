"""The integrate, limit, taylor and critical subcommands, through ``symml.cli.main``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from symml.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err


def test_integrate_gaussian_prints_sqrt_pi(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(
        ["integrate", "exp(-x^2)", "--wrt", "x", "--from", "-oo", "--to", "oo"], capsys
    )
    assert code == 0 and err == ""
    assert lines[-1] == "sqrt(pi)"


def test_integrate_iterated_with_steps_and_verify(capsys: pytest.CaptureFixture[str]) -> None:
    # --steps anywhere: it is a flag of integrate (each subcommand's own options are read)
    code, lines, _ = run(
        [
            "integrate",
            "x*y",
            "--steps",
            "--wrt",
            "x,y",
            "--from",
            "0",
            "--to",
            "1",
            "--from",
            "0",
            "--to",
            "2",
            "--verify",
        ],
        capsys,
    )
    assert code == 0
    assert lines[-1] == "1"
    assert lines[-2].startswith("verify: passed: quadrature")
    assert any(line.startswith("evaluate at the bounds:") for line in lines)


def test_integrate_indefinite_latex_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "antideriv.py"
    code, lines, _ = run(
        ["integrate", "x*cos(x)", "--wrt", "x", "--latex", "--export", str(target)], capsys
    )
    assert code == 0
    assert (
        lines[-1]
        == r"\int x \cos{\left(x \right)}\, dx = x \sin{\left(x \right)} + \cos{\left(x \right)}"
    )
    spec = importlib.util.spec_from_file_location("antideriv", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert abs(module.antideriv(0.0) - 1.0) < 1e-12


def test_integrate_hanging_falls_back(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(
        [
            "integrate",
            "log(1-x)*log((1+x)^2)/x",
            "--wrt",
            "x",
            "--from",
            "0",
            "--to",
            "1",
            "--timeout",
            "1",
        ],
        capsys,
    )
    assert code == 0
    assert abs(float(lines[-1]) - (-1.5025711289494928)) < 1e-8


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["integrate", "sin(sin(x))", "--wrt", "x"], 3, "NoClosedFormError"),
        (["integrate", "x", "--wrt", "x", "--from", "0"], 2, "--from but 0 --to"),
        (["integrate", "x*y", "--wrt", "x,y", "--from", "0", "--to", "1"], 2, "pairs of bounds"),
        (["integrate", "x^2", "--wrt", "y"], 2, "'y' does not occur"),
        (
            ["integrate", "exp(-x^2)", "--wrt", "x", "--from", "0", "--to", "a", "--numeric"],
            2,
            "bound a of x",
        ),
        (["integrate", "2x", "--wrt", "x"], 2, "column"),
        (["limit", "1/x", "--wrt", "x", "--to", "0"], 2, "does not exist"),
        (["taylor", "log(x)", "--wrt", "x"], 2, "no Taylor expansion"),
        (["critical", "x^2", "--wrt", "q"], 2, "'q' does not occur"),
        # asking to export what cannot exist is bad input, as for eig
        (["critical", "x^2", "--export", "f.py"], 2, "critical has no compiled function"),
        (
            ["critical", "sin(x)"],
            3,
            "NotSupportedError: the critical points of sin(x) form an infinite set",
        ),
        (["integrate", "x", "--wrt", "x", "--from", "0", "--to", "1/0"], 2, "'1/0'"),
        # the point goes in as the user's text too, so that the error names it, not zoo
        (
            ["limit", "x", "--to", "1/0"],
            2,
            "to must be a real number, oo or -oo, got zoo (from '1/0')",
        ),
        (["taylor", "x", "--at", "1/0"], 2, "at must be a finite point, got zoo (from '1/0')"),
        (["limit", "log(x)", "--to", "0", "--dir", "-"], 2, "outside the real domain"),
    ],
)
def test_errors_exit_codes(
    args: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    got, _, err = run(args, capsys)
    assert got == code
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_limit_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["limit", "(1 + 1/n)^n", "--wrt", "n", "--to", "oo"], capsys)[1][-1] == "E"
    assert run(["limit", "1/x", "--wrt", "x", "--to", "0", "--dir", "-"], capsys)[1][-1] == "-oo"
    code, lines, _ = run(["limit", "sin(x)/x", "--to", "0", "--latex", "--verify"], capsys)
    assert code == 0 and lines[-1] == r"\lim_{x \to 0} f(x) = 1"
    assert lines[0].startswith("verify: passed: numeric approach")


def test_taylor_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(
        ["taylor", "exp(x)", "--wrt", "x", "--at", "0", "--order", "3", "--steps"], capsys
    )
    assert code == 0 and lines[-1] == "x**3/6 + x**2/2 + x + 1"
    assert lines[-2].startswith("assemble the polynomial:")
    code, lines, _ = run(["taylor", "cos(x)", "--at", "-pi", "--order", "2"], capsys)
    assert code == 0 and lines[-1] == "(x + pi)**2/2 - 1"


def test_critical_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(["critical", "x^3 - 3*x + y^2", "--verify"], capsys)
    assert code == 0
    assert lines == [
        "verify: passed: central differences, 2 points, max error " + lines[0].rsplit(" ", 1)[-1],
        "saddle at x = -1, y = 0: f = 2",
        "minimum at x = 1, y = 0: f = -2",
    ]
    code, lines, _ = run(["critical", "x^2 - y^2", "--latex"], capsys)
    assert code == 0 and r"\text{saddle}" in lines[-2]
