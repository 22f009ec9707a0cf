"""The diff, grad, jacobian, hessian, integrate, limit, taylor and critical subcommands:
output, --latex, --steps, --verify, --export and their exit codes."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import quad

from tests.calculus.helpers import CIN_1
from tests.helpers import Cli

# --- diff, grad, jacobian, hessian --------------------------------------------------------


def test_diff_prints_the_result_on_the_last_line(cli: Cli) -> None:
    code, out, err = cli("diff", "x^3", "--wrt", "x")
    assert code == 0 and err == ""
    assert out.strip().splitlines()[-1] == "3*x**2"


def test_diff_latex(cli: Cli) -> None:
    code, out, _ = cli("diff", "x^2*sin(x)", "--wrt", "x", "--latex")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert (
        last
        == r"\frac{d}{d x} f(x) = x \left(x \cos{\left(x \right)} + 2 \sin{\left(x \right)}\right)"
    )


def test_steps_come_first(cli: Cli) -> None:
    code, out, _ = cli("diff", "x^2*sin(x)", "--wrt", "x", "--steps")
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("definition:")
    assert any(line.startswith("product rule:") for line in lines)
    assert lines[-1] == "x*(x*cos(x) + 2*sin(x))"


def test_grad_and_hessian(cli: Cli) -> None:
    code, out, _ = cli("grad", "x**2*y + y**3", "--wrt", "x,y")
    assert code == 0 and out.strip().endswith("Matrix([[2*x*y], [x**2 + 3*y**2]])")
    code, out, _ = cli("hessian", "x**2*y + y**3", "--wrt", "x,y")
    assert code == 0 and out.strip().endswith("Matrix([[2*y, 2*x], [2*x, 6*y]])")
    code, out, _ = cli("jacobian", "[x*y, x + y]", "--wrt", "x,y")
    assert code == 0 and out.strip().endswith("Matrix([[y, x], [1, 1]])")


@pytest.mark.parametrize(
    ("args", "last"),
    [
        (("grad", "x**2", "--wrt", "x,y"), "Matrix([[2*x], [0]])"),
        (("diff", "5", "--wrt", "x"), "0"),
        (("diff", "5", "--wrt", "x", "--verify"), "0"),
    ],
)
def test_zero_partial_derivatives(cli: Cli, args: tuple[str, ...], last: str) -> None:
    """A variable named in --wrt that f does not contain has a zero partial (issue 16 item 7);
    a name beside an unnamed variable of f is still refused as a likely typo."""
    code, out, err = cli(*args)
    assert code == 0 and err == ""
    assert out.strip().splitlines()[-1] == last
    code, _, err = cli("grad", "x**2*y", "--wrt", "x,q")
    assert code == 2 and "'q' does not occur" in err


def test_verify_option(cli: Cli) -> None:
    code, out, _ = cli("hessian", "exp(x*y)", "--verify")
    assert code == 0
    assert "verify: passed" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["grad", "log(x)", "--wrt", "x", "--verify"],
        ["diff", "log(x)", "--wrt", "x", "--verify"],
        ["hessian", "x*log(x)+y", "--verify"],
        ["hessian", "x**3", "--verify"],
        ["jacobian", "[x**2, x**3]", "--wrt", "x", "--verify"],
    ],
)
def test_cli_verify_passes(argv: list[str], cli: Cli) -> None:
    result = cli(*argv)
    assert result.code == 0
    out = result.out
    assert "verify: passed" in out


def test_export_writes_a_working_module(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "g.py"
    code, out, _ = cli("grad", "x**2*y + y**3", "--wrt", "x,y", "--export", str(target))
    assert code == 0 and target.exists()
    script = (
        f"import importlib.util, sys; sys.modules['sympy'] = None\n"
        f"spec = importlib.util.spec_from_file_location('g', {str(target)!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "print(m.g(1.0, 2.0).tolist())"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert np.allclose(json.loads(res.stdout), [4.0, 13.0])


# --- integrate, limit, taylor, critical ---------------------------------------------------


def test_integrate_gaussian_prints_sqrt_pi(cli: Cli) -> None:
    result = cli("integrate", "exp(-x^2)", "--wrt", "x", "--from", "-oo", "--to", "oo")
    code, lines, err = result.code, result.lines, result.err
    assert code == 0 and err == ""
    assert lines[-1] == "sqrt(pi)"


def test_integrate_iterated_with_steps_and_verify(cli: Cli) -> None:
    # --steps anywhere: it is a flag of integrate (each subcommand's own options are read)
    result = cli(
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
    )
    code, lines = result.code, result.lines
    assert code == 0
    assert lines[-1] == "1"
    assert lines[-2].startswith("verify: passed: quadrature")
    assert any(line.startswith("evaluate at the bounds:") for line in lines)


def test_integrate_indefinite_latex_and_export(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "antideriv.py"
    result = cli("integrate", "x*cos(x)", "--wrt", "x", "--latex", "--export", str(target))
    code, lines = result.code, result.lines
    assert code == 0
    assert (
        lines[-1]
        == r"\int x \cos{\left(x \right)}\, dx = x \sin{\left(x \right)} + \cos{\left(x \right)}"
    )
    spec = importlib.util.spec_from_file_location("antideriv", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert abs(module.antideriv(0.0) - 1.0) < 1e-12


def test_integrate_hanging_falls_back(cli: Cli) -> None:
    result = cli(
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
    )
    code, lines = result.code, result.lines
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
def test_errors_exit_codes(args: list[str], code: int, message: str, cli: Cli) -> None:
    got, _, err = cli(*args)
    assert got == code
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_limit_cli(cli: Cli) -> None:
    assert cli("limit", "(1 + 1/n)^n", "--wrt", "n", "--to", "oo").lines[-1] == "E"
    assert cli("limit", "1/x", "--wrt", "x", "--to", "0", "--dir", "-").lines[-1] == "-oo"
    result = cli("limit", "sin(x)/x", "--to", "0", "--latex", "--verify")
    code, lines = result.code, result.lines
    assert code == 0 and lines[-1] == r"\lim_{x \to 0} f(x) = 1"
    assert lines[0].startswith("verify: passed: numeric approach")


def test_taylor_cli(cli: Cli) -> None:
    result = cli("taylor", "exp(x)", "--wrt", "x", "--at", "0", "--order", "3", "--steps")
    code, lines = result.code, result.lines
    assert code == 0 and lines[-1] == "x**3/6 + x**2/2 + x + 1"
    assert lines[-2].startswith("assemble the polynomial:")
    result = cli("taylor", "cos(x)", "--at", "-pi", "--order", "2")
    code, lines = result.code, result.lines
    assert code == 0 and lines[-1] == "(x + pi)**2/2 - 1"


def test_critical_cli(cli: Cli) -> None:
    result = cli("critical", "x^3 - 3*x + y^2", "--verify")
    code, lines = result.code, result.lines
    assert code == 0
    assert lines == [
        "verify: passed: central differences, 2 points, max error " + lines[0].rsplit(" ", 1)[-1],
        "saddle at x = -1, y = 0: f = 2",
        "minimum at x = 1, y = 0: f = -2",
    ]
    result = cli("critical", "x^2 - y^2", "--latex")
    code, lines = result.code, result.lines
    assert code == 0 and r"\text{saddle}" in lines[-2]


# --- integrals that do not converge or that SymPy fails on; Taylor at a kink --------------


def test_cli_integrate_oscillating_exits_3_without_a_number(cli: Cli) -> None:
    code, out, err = cli("integrate", "sin(x)", "--wrt", "x", "--from", "0", "--to", "oo")
    assert code == 3 and out == ""
    assert "NoConvergenceError" in err and len(err.strip().splitlines()) == 1


def test_cli_integrate_unpicklable_error_prints_the_number(cli: Cli) -> None:
    code, out, err = cli(
        "integrate",
        "abs(sin(x*y))",
        "--wrt",
        "x,y",
        "--from",
        "0",
        "--to",
        "1",
        "--from",
        "0",
        "--to",
        "1",
    )
    assert code == 0 and err == ""
    mark, value = out.strip().splitlines()  # a numeric result is marked as one
    assert mark.startswith("≈ numeric result, error estimate")
    assert abs(float(value) - CIN_1) < 1e-8
    assert abs(CIN_1 - 0.2398117420005647) < 1e-15  # the value this test used to hard-code


def test_cli_taylor_abs_is_bad_input(cli: Cli) -> None:
    result = cli("taylor", "abs(x)", "--at", "0")
    assert result.code == 2
    out, err = result.out, result.err
    assert out == "" and "not differentiable at x = 0" in err and "DiracDelta" not in err


# --- --assume / --positive (issue 16 item 8) -------------------------------------------------


@pytest.mark.parametrize("option", [("--positive", "sigma"), ("--assume", "sigma>0")])
def test_integrate_gaussian_with_a_positive_sigma(cli: Cli, option: tuple[str, str]) -> None:
    """Was Piecewise((sqrt(2)*sqrt(pi)*sigma, Abs(arg(sigma)) <= pi/4), ...)."""
    args = ("exp(-x^2/(2*sigma^2))", "--wrt", "x", "--from", "-oo", "--to", "oo")
    result = cli("integrate", *args, *option, "--verify")
    assert result.code == 0 and "Piecewise" not in result.out
    assert result.lines[-1] == "sqrt(2)*sqrt(pi)*sigma"
    assert any(line.startswith("verify: passed") for line in result.lines)
    sigma = 1.7  # the printed value against quadrature
    want = quad(lambda x: math.exp(-(x**2) / (2 * sigma**2)), -math.inf, math.inf)[0]
    assert math.sqrt(2 * math.pi) * sigma == pytest.approx(want, rel=1e-10)


@pytest.mark.parametrize(
    ("args", "last", "at", "want"),
    [
        (("diff", "sqrt(a^2)", "--wrt", "a", "--assume", "a>0"), "1", None, None),
        (("limit", "exp(-k*x)", "--wrt", "x", "--to", "oo", "--positive", "k"), "0", None, None),
        (
            (
                "integrate",
                "exp(-k*x)",
                "--wrt",
                "x",
                "--from",
                "0",
                "--to",
                "oo",
                "--positive",
                "k",
            ),
            "1/k",
            2.5,
            lambda k: quad(lambda x: math.exp(-k * x), 0, math.inf)[0],
        ),
        (
            ("taylor", "sqrt(a^2 + x)", "--wrt", "x", "--order", "1", "--assume", "a>0"),
            "a + x/(2*a)",
            None,
            None,
        ),
        (("grad", "sqrt(a^2)*x", "--wrt", "x", "--assume", "a>=0"), "Matrix([[a]])", None, None),
    ],
)
def test_assumptions_reach_every_command(cli: Cli, args, last, at, want) -> None:
    result = cli(*args, "--verify")
    assert result.code == 0, result.err
    assert result.lines[-1] == last
    assert any(line.startswith("verify: passed") for line in result.lines)
    if at is not None:  # the closed form against quadrature
        assert 1 / at == pytest.approx(want(at), rel=1e-10)


def test_a_name_only_in_a_bound_takes_the_assumption(cli: Cli) -> None:
    """∫_0^a |x| dx is a Piecewise on the sign of a; with a > 0 it is a²/2."""
    args = ("integrate", "Abs(x)", "--wrt", "x", "--from", "0", "--to", "a", "--verify")
    assert "Piecewise" in cli(*args).out
    result = cli(*args, "--positive", "a")
    assert result.code == 0, result.err
    assert result.lines[-1] == "a**2/2"
    assert any(line.startswith("verify: passed") for line in result.lines)
    assert quad(abs, 0, 1.5)[0] == pytest.approx(1.5**2 / 2, rel=1e-12)


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--assume", "sigma>1", "--assume: cannot read 'sigma>1': write NAME>0"),
        ("--assume", "exp(sigma)>0", "--assume: cannot read"),
        ("--assume", "tau>0", "--assume: 'tau' does not occur"),
        ("--positive", "sigma-1", "--positive: 'sigma-1' is not a name"),
        ("--positive", "tau", "--positive: 'tau' does not occur"),
    ],
)
def test_bad_assumptions_exit_2_naming_the_option(cli: Cli, option, value, says) -> None:
    result = cli("integrate", "exp(-x^2/sigma^2)", "--wrt", "x", option, value)
    assert result.code == 2 and says in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_minimize_takes_no_assumptions(cli: Cli) -> None:
    result = cli("minimize", "x^2", "--x0", "1", "--positive", "x")
    assert result.code == 2 and "--positive" in result.err
